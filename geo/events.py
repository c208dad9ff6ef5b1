"""Events: what happened where. Sentences -> typed events with status, actors, date and a place.

Explainable by construction: an event exists because a trigger from :mod:`geo.triggers` matched
in a sentence; its status comes from the nearest modality cue before the trigger; its place is
the best-scored toponym of the sentence (or of the previous one) that is not an actor. Every
event keeps the trigger words and the sentence as evidence.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from geo.actors import organisations
from geo.linking import SETTLEMENT, SPEECH, Candidate, features, governing_word, load_model, situates
from geo.models import Event, Mention, Place, Toponym
from geo.resolve import inside
from geo.sentences import Sentence, split_sentences
from geo.textutil import fold
from geo.triggers import (
    ANCHOR_AUTOMATON,
    BY_STEM,
    BY_WORD,
    CLAIMED,
    CLAUSE_START,
    CUES,
    DENIAL,
    SEARCHED,
    SUBSUMES,
    THREAT,
    TRIGGERS,
    UNANCHORED,
    word_starts,
)
from geo.triggers import pattern as trigger_pattern
from geo.typer import NONE, decide, enabled, load_typer, mask_places

OTHER = "other"  # the taxonomy's catch-all sub-type
_PRIORITY = {code: i for i, code in enumerate(dict.fromkeys(code for code, _ in TRIGGERS))}

_LOCATIVE = {"in": 3.0, "at": 3.0, "near": 2.5, "on": 2.0, "over": 2.0, "outside": 2.5, "inside": 2.5, "into": 2.5,
             "across": 2.0, "around": 2.0, "throughout": 2.0, "toward": 1.5, "towards": 1.5, "of": 1.2, "to": 1.0,
             "against": 1.0, "from": -2.0, "with": -1.0, "by": -1.0}
# Words after a place that make it a doer, not a location: "U.S. envoy", "Ukraine's Security Service".
_ACTOR_AFTER = re.compile(
    r"^(?:['’]s)?\s+(?:president|prime\s+minister|pm|foreign|defen[cs]e|army|armed|military|forces|troops|navy|air\s+force|"
    r"government|officials?|envoys?|delegation|ambassador|embassy|security|intelligence|police|authorities|"
    r"leaders?|minister|ministry|chiefs?|gen\.|general|secretary|administration|allies|state\s+media|state-(?:run|owned|controlled)|"
    r"spokes(?:man|woman|person)|parliament|lawmakers|soldiers|demands|focus|office|coast\s+guard|militants?|rebels?)\b"
    # The doer of an event it possesses: "Russia's invasion", "Israel's air strikes on Gaza" (not "Syria's civil war",
    # "Crimea's annexation": a war is where it is fought, an annexed place is the target)
    r"|^['’]s\s+(?:[a-z-]+\s+)?(?:invasion|(?:counter-?)?offensive|attacks?|assaults?|bombings?|bombardment|"
    r"(?:air\s*)?strikes?|incursions?|aggression|crackdown|raids?)\b",
    re.I)
# A place that speaks or acts is its government: "Moscow rejects the claim", "Washington said", "Eritrea captured".
_ACTS_AFTER = re.compile(
    r"^\s+(?:has\s+|have\s+|had\s+|also\s+|again\s+|quickly\s+|repeatedly\s+)?(?:said|says|say|denied|denies|"
    r"deny|rejected|rejects|reject|accused|accuses|accuse|warned|warns|insisted|insists|announced|announces|"
    r"claimed|claims|condemned|condemns|demanded|demands|called\s+on|urged|urges|threatened|threatens|vowed|"
    r"vows|refused|refuses|blamed|blames|protested|protests|retaliated|responded|responds|"
    # ... or acts on another: "Eritrea captured the island of Hanish", "Russia launched drones at Kyiv"
    r"captured|seized|invaded|annexed|attacked|launched|fired|struck|bombed|shelled|deployed|sent|imposed|"
    r"sanctioned|expelled|recognized|recognised|signed|sold|supplied|offered|pledged|moved|rushed|called|"
    r"intercepted|recalled|ordered|suspended|banned|closed|shut)\b")
# A country before the craft or unit it sends is their owner: "a U.S. drone fired", "UK jets struck" (a town
# before them is where they are: "the Kyiv drone attack").
_PLATFORM_AFTER = re.compile(r"^\s+(?:(?:reaper|predator|combat|attack|fighter|stealth|naval|patrol|surveillance|"
                             r"spy|cargo|transport)\s+)?(?:drones?|warplanes?|jets?|aircraft|planes?|helicopters?|"
                             r"warships?|vessels?|submarines?|bombers?|commandos|marines|special\s+forces)\b", re.I)
_LED_BY = re.compile(r"^-(?:led|backed|brokered|sponsored|funded|allied|aligned|supported|made)\b", re.I)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY = re.compile(r"\b(" + "|".join(_WEEKDAYS) + r")\b", re.I)
_RELATIVE = {"yesterday": -1, "today": 0, "tonight": 0, "last night": -1}
_MONTHS = {m: i for i, m in enumerate(("january february march april may june july august september october "
                                        "november december").split(), 1)}
_MONTH_DAY = re.compile(r"\b(" + "|".join(_MONTHS) + r")\s+(\d{1,2})(?:,\s*(\d{4}))?\b|\b(\d{1,2})\s+("
                        + "|".join(_MONTHS) + r")(?:\s+(\d{4}))?\b", re.I)
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


@dataclass(frozen=True, slots=True)
class Trigger:
    subtype: str
    start: int
    end: int
    text: str


def find_triggers(sentence: Sentence) -> list[Trigger]:
    """One trigger per sub-type (its first occurrence), minus readings another one explains."""
    return _select(_scan(fold(sentence.text), sentence.text, sentence.start))


def _scan(low: str, original: str, offset: int) -> list[Trigger]:
    """Every trigger match in a lower-cased text that starts on a word boundary.

    Patterns whose first words are known are tried only where one of those words starts (found in
    one pass of an Aho-Corasick automaton), not run over the whole text.
    """
    has: dict[str, bool] = {}  # second word -> whether the text has it
    out = []
    size = len(low)
    for end, stem in ANCHOR_AUTOMATON.iter(word_starts(low)):
        start = end - len(stem)  # in ``low``: the automaton's text starts with one more space
        words = BY_WORD.get(stem)
        if words is not None:
            after = end  # a whole word: what follows is no word character (as the patterns' \b says)
            if after == size or not (low[after].isalnum() or low[after] == "_"):
                out.extend(Trigger(TRIGGERS[k][0], offset + start, offset + after, original[start:after])
                           for k in words)
        for k, second in BY_STEM.get(stem, ()):
            if second is not None:
                present = has.get(second)
                if present is None:
                    present = has[second] = second in low
                if not present:
                    continue
            m = trigger_pattern(k).match(low, start)
            if m:
                out.append(Trigger(TRIGGERS[k][0], offset + start, offset + m.end(), original[start:m.end()]))
    for k, second in SEARCHED:
        if second is not None and second not in low:
            continue
        pattern, code = trigger_pattern(k), TRIGGERS[k][0]
        m = pattern.search(low)
        while m is not None:  # every start, as the automaton would try them (matches may overlap)
            start = m.start()
            if start == 0 or not low[start - 1].isalnum():
                out.append(Trigger(code, offset + start, offset + m.end(), original[start:m.end()]))
            m = pattern.search(low, start + 1)
    for k in UNANCHORED:
        code = TRIGGERS[k][0]
        for m in trigger_pattern(k).finditer(low):
            if m.start() == 0 or not low[m.start() - 1].isalnum():
                out.append(Trigger(code, offset + m.start(), offset + m.end(), original[m.start():m.end()]))
    return out


def first_event(events: Sequence[Event]) -> Event:
    """The main event of a text: the earliest trigger (news leads put it first), the lexicon's order
    breaking ties; a sub-type the lexicon has no pattern for (the model's ``other``) comes last."""
    return min(events, key=lambda e: (e.trigger_start, _PRIORITY.get(e.subtype, len(_PRIORITY))))


def _select(hits: Sequence[Trigger]) -> list[Trigger]:
    first: dict[str, Trigger] = {}
    for t in hits:  # the first, and of two at the same word the longer (whatever order the scan found them in)
        if t.subtype not in first or (t.start, -t.end) < (first[t.subtype].start, -first[t.subtype].end):
            first[t.subtype] = t
    for code in list(first):
        for weaker in SUBSUMES.get(code, ()):
            first.pop(weaker, None)
    # Two readings of the very same words: keep the more specific (earlier in the lexicon).
    kept: list[Trigger] = []
    for t in sorted(first.values(), key=lambda t: _PRIORITY[t.subtype]):
        if not any(t.start < k.end and k.start < t.end for k in kept):
            kept.append(t)
    return sorted(kept, key=lambda t: t.start)


def status_of(trigger: Trigger, sentence: Sentence) -> str:
    """occurred, planned, threatened, claimed, denied or intercepted, from the words before the trigger."""
    if trigger.subtype == "strike.intercepted":
        return "intercepted"
    if THREAT.match(trigger.text.lower()):
        return "threatened"
    before = sentence.text[:trigger.start - sentence.start].lower()
    window = CLAUSE_START.split(before[-150:])[-1]  # only the trigger's own clause
    best: tuple[int, str] | None = None
    for status, pattern in CUES:
        for m in pattern.finditer(window):
            if best is None or m.end() > best[0]:
                best = (m.end(), status)
    if best is not None:
        return best[1]
    if DENIAL.search(before):
        return "denied"  # "The ministry denied that troops had shelled ..."
    if CLAIMED.search(before):
        return "claimed"
    return "occurred"


def _locative_score(text: str, start: int) -> float:
    """Score of the preposition governing a place: "in Russia's Kostroma region" -> "in", and "on the Black Sea
    resort of Sochi" -> "on" (the preposition of the phrase that names it)."""
    phrase = _NAMED_BY_PHRASE.search(text, max(0, start - 80), start)
    return _LOCATIVE.get(governing_word(text, phrase.start() if phrase else start), 0.0)


def is_actor(text: str, t: Toponym) -> bool:
    """A demonym, or a place followed by a doer word ("U.K. Prime Minister", "Russia's demands")."""
    if t.mention.form == "demonym":
        return True
    after = text[t.mention.end:t.mention.end + 40]
    if _ACTOR_AFTER.match(after) or _LED_BY.match(after):
        return True
    if t.place.kind == "country" and _PLATFORM_AFTER.match(after):
        return True
    # "a claim that Moscow rejects", but not "police in Tokyo said": the place after a locative is where they are
    return bool(_ACTS_AFTER.match(after)) and _locative_score(text, t.mention.start) <= 0.0


# Between two places of one list: "Kharkiv, Odesa and Dnipro", "Kostroma or Lipetsk", "Bakhmut and the Avdiivka area"
_LIST_GAP = re.compile(r"\s*,\s*(?:(?:and|or)\s+)?(?:the\s+)?|\s+(?:and|or)\s+(?:the\s+)?")
_LOCAL_KINDS = frozenset(("city", "admin1", "admin2", "feature"))
_LIST_BEFORE = re.compile(r"\b(?:between|from)\s+(?:the\s+)?$", re.I)
_NAME_AFTER = re.compile(r"\s+[A-Z]")


def listed_with(text: str, place: Toponym, here: Sequence[Toponym], actors: frozenset[int]) -> list[Toponym]:
    """The other places of a list that ``place`` is part of ("strikes hit Kharkiv, Odesa and Dnipro"): each is
    the location of the same event, which ACLED codes once per location. Only towns and regions: a list of
    countries names parties or recipients ("sanctions on Iran and Russia") as often as places. A list needs an
    "and" or "or"; "Bakhmut, Donetsk" or "Springfield, Illinois" name a place and its region, and no place
    that contains another or is an actor (``actors``: where the sentence's actors start) is taken."""
    if place.place.kind not in _LOCAL_KINDS:
        return []
    ordered = sorted(here, key=lambda t: t.mention.start)
    i = next((k for k, t in enumerate(ordered) if t is place), None)
    if i is None:
        return []
    chain, gaps = [], []
    for step in (1, -1):
        current, k = place, i + step
        while 0 <= k < len(ordered):
            t = ordered[k]
            left, right = (current, t) if step == 1 else (t, current)
            gap = text[left.mention.end:right.mention.start]
            if not _LIST_GAP.fullmatch(gap):
                break
            chain.append(t)
            gaps.append(gap)
            current, k = t, k + step
    if not any(re.search(r"\b(?:and|or)\b", g) for g in gaps):
        return []
    first = min([place, *chain], key=lambda t: t.mention.start)
    last = max([place, *chain], key=lambda t: t.mention.start)
    if _LIST_BEFORE.search(text, max(0, first.mention.start - 20), first.mention.start) \
            or _NAME_AFTER.match(text, last.mention.end):
        return []  # "tension between Moscow and Washington", "troops from Trinidad and Antigua", "the Saint Peter
        # and Saint Paul Church": parties, origins, or the words of one name
    return [t for t in chain if t.place.kind in _LOCAL_KINDS and t.place.id != place.place.id
            and t.mention.start not in actors and not _contains(t.place, place.place)
            and not _contains(place.place, t.place)]


def _contains(region: Place, place: Place) -> bool:
    return region.kind in ("admin1", "admin2") and inside(place, region)


def _is_container(text: str, t: Toponym, starts: frozenset[int]) -> bool:
    """ "Russia" in "Russia's Kostroma region": it only says where the next place is (``starts``: where the
    text's place names start, known or not)."""
    possessor = _POSSESSOR.match(text, t.mention.end, t.mention.end + 40)
    if possessor and possessor.end() - 1 in starts:
        return True  # "Mogadishu's Yaqshid district", "Russia's Kostroma region", but not "Bethlehem's Church"
    qualifier = _QUALIFIES_PLACE.match(text, t.mention.end)
    if qualifier and qualifier.end() in starts:
        return True  # "the Red Sea port city of Hodeidah", "the Black Sea resort of Sochi"
    before = text[max(0, t.mention.start - 40):t.mention.start]
    # "Paloch County of Western Lakes State", "a town near Iraq's Baquba": Y only situates X
    return bool(_SITUATED_OF.search(before))


# The subject of a passive verb, an apposition aside: "the Gaza Strip was captured by Israel", "Eastern Slavonia, the
# last Serb-held part of Croatia, was captured", "the strategic Golan plateau ... was captured"
_PASSIVE_SUBJECT = re.compile(r"^(?:\s+(?:plateau|area|region|town|city|village|district|province|heights|valley|"
                              r"enclave|strip))?(?:,[^.;,]{1,80},)?\s+(?:was|were|had\s+been|has\s+been|have\s+been|"
                              r"is\s+being|are\s+being)\s+(?:[a-z]+ly\s+)?$")
# ... of a verb whose object is a place (not "killed", "shot": their subjects are people, and a person read as a
# small town, "Sassi was captured", is no place either: a town must be big to count, see _is_area_or_big)
_PLACE_VERB = re.compile(r"(?:captured|seized|occupied|annexed|bombed|shelled|struck|raided|besieged|overrun|"
                         r"liberated|recaptured|retaken|ceded|encircled|blockaded|flattened|evacuated|stormed)\b")
_NEEDS_LOCATIVE = ("diplomacy.", "support.")
# ... but a visit is where the visitor goes: "travelled to Beijing", "visited Nuuk", "toured Kherson".
_VISITED = frozenset({"to", "visit", "visits", "visited", "visiting", "tour", "tours", "toured", "touring"})
# Aid, sanctions and troops are placed where they go: "tanks to Ukraine", "$61 billion for Ukraine", "help Colombia",
# "sanctions on Russia", "severed relations with Qatar", "troops to Afghanistan". The word before the place.
_RECIPIENT = {"support.": frozenset({"to", "for", "help", "helping", "helped", "supply", "supplying", "supplied",
                                     "furnish", "furnished", "arm", "armed", "equip", "equipped"}),
              "military.deployment": frozenset({"to", "into"}), "military.intervention": frozenset({"to", "into"}),
              "coercion.sanction": frozenset({"on", "against", "to", "with", "from"})}
_QUALIFIES_NOUN = re.compile(r"\s+(?!(?:in|on|at|by|for|from|to|with|and|or|as|after|before|once|over|under|until|"
                             r"since|amid|which|that|who|if|unless|while|when|where|because|but|of)\b)[a-z]+s\b")
_NEAR = re.compile(r"\b(?:near|outside|outskirts\s+of|(?:north|south|east|west)\s+of|around|close\s+to)\s+(?:the\s+)?$")


# A capitalised name, Arabic article forms included: "Bustan al-Qasr", "al-Ra’i", "Deir el Balah".
_PARTICLE = r"(?:al|el|ad|ar|as|ash|at|az|an|ul|de|du|la|bin|ibn)"
# A word's apostrophe may be inside a name ("N'Djamena", "Ra’i") but not start a possessive ("Mogadishu's").
_CAPITALISED = r"[A-Z](?:[\w-]|['’](?!s\b))+"
_NAME = (r"((?:" + _CAPITALISED + "|" + _PARTICLE + r"-" + _CAPITALISED + r")"
         r"(?:\s+(?:" + _CAPITALISED + "|" + _PARTICLE + r"-" + _CAPITALISED + "|" + _PARTICLE + r"(?=\s+[A-Z])))*"
         # "the Line of Control", "the Gulf of Oman", "the Temple of Hatshepsut"
         r"(?:\s+of\s+(?:the\s+)?" + _CAPITALISED + r")?)")
# A direction between the lead and the name: "in the northern Huriyah neighborhood", "Baghdad's western Amriya district"
_DIRECTION_ADJECTIVE = r"(?:(?:(?:north|south)(?:-?(?:east|west))?|east|west)(?:ern)?\s+|central\s+)?"
_UNKNOWN = [
    # "in Jobar", "near the Tal Hamad", "In Bapunagar, another district"
    (re.compile(r"\b(?:[Ii]n|[Aa]t|[Nn]ear|[Oo]utside|[Ii]nside|into|across|around|throughout)\s+(?:the\s+)?"
                + _NAME), 0.6),
    # "the town of Mahardah", "the neighborhood of Dobrinja": a named settlement, as precise as a town
    (re.compile(r"\b" + SETTLEMENT + r"s?\s+of\s+(?:the\s+)?" + _NAME), 1.4),
    # "Mogadishu's Yaqshid district", "an attack on Buwa village", "shelled Gagrian area"
    (re.compile(r"(?:['’]s|\b(?:in|at|on|near|of|into|from|around|outside|across|shelled|attacked|raided|"
                r"stormed|entered|captured|seized)(?:\s+the)?)\s+" + _DIRECTION_ADJECTIVE + _NAME
                + r"(?=\s+" + SETTLEMENT + r"\b)"), 1.4),
]
_NOT_A_PLACE_WORD = re.compile(r"^(?:January|February|March|April|May|June|July|August|September|October|November|"
                               r"December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|The|This|That|"
                               r"His|Her|Their|Its|Our|A|An|Mr|Mrs|Ms|Dr|President|Parliament|Congress|Court)\b"
                               # an abbreviation cut at its full stop ("St. Sebastian's"), an acronym ("RSF uniforms")
                               r"|^(?:St|Mt|Ft)$|^[A-Z]{2,6}$"
                               # an adjective: "in RSF-held areas", "in Kurdish-controlled towns"
                               r"|^\S*-(?:held|controlled|occupied|run|led|backed|dominated|based)$")


_POSSESSOR = re.compile(r"['’]s\s+(?:regional\s+capital\s+|capital\s+)?" + _DIRECTION_ADJECTIVE + "[A-Z]")
# Name and settlement word both capitalised ("Paloch County of"): in "the southern city of Kandahar" or "the West
# Bank village of Beitunia" the lower-case word introduces the place itself, which does not situate it.
_SITUATED_OF = re.compile(r"\b[A-Z][\w'’-]*\s+(?=[A-Z])(?i:" + SETTLEMENT[3:-1] + r")\s+of\s+(?:the\s+)?$")
# The words of a phrase that names the place after it: "the Black Sea resort of", "the southern port city of",
# "Kazakhstan's capital"
_PHRASE_NOUN = SETTLEMENT[3:-1] + r"|port|resort|capital"
_NAMED_BY_PHRASE = re.compile(r"\b(?:(?!(?:" + "|".join(_LOCATIVE) + r")\b)[\w’'-]+\s+){0,3}(?:" + _PHRASE_NOUN
                              + r")\s+(?:of\s+(?:the\s+)?)?$")
_QUALIFIES_PLACE = re.compile(r"\s+(?:[a-z-]+\s+){0,2}(?:" + _PHRASE_NOUN + r"|enclave|exclave)s?\s+of\s+(?:the\s+)?")
_SETTLEMENT_OF = re.compile(r"\b" + SETTLEMENT + r"s?\s+of\s+(?:the\s+)?$")
_SETTLEMENT_AFTER = re.compile(r"^\s+" + SETTLEMENT + r"\b")
_POSSESSIVE_GAP = re.compile(r"^['’]s\s*$")
# A name that only qualifies the place named next: "Saddam's hometown of Tikrit", "the Kurdish city of Arbil"
# (but "the Vedeno region of Chechnya" names Vedeno).
_POSSESSIVE = re.compile(r"['’]s\b")
_ADJECTIVAL = re.compile(r"(?:ish|ian|ese|ean|i|ine|ite)$")  # Kurdish, Syrian, Philippine, Shiite
_MODIFIER = re.compile(r"\s+(?:[a-z]+\s+)?" + SETTLEMENT + r"\s+of\b")
# ... or that qualifies a noun after "the": "in the Dagestani capital", "near the Syrian army" (but "near Ra'i town"
# and "in Ashmi in the west" name places)
_NOUN_AFTER = re.compile(r"\s+(?!" + SETTLEMENT + r"\b)[a-z]")


def _qualifies_another(text: str, name: str, start: int, end: int) -> bool:
    """A possessor ("the UN's Baghdad headquarters") or an adjective ("the Kurdish city of Arbil"), not a place."""
    if _POSSESSIVE.match(text, end):
        return True
    if not _ADJECTIVAL.search(name):
        return False
    return bool(_MODIFIER.match(text, end)) or (
        bool(_NOUN_AFTER.match(text, end)) and text[max(0, start - 4):start].lower() == "the ")


def unresolved_places(text: str, toponyms: Sequence[Toponym]) -> list[Mention]:
    """Capitalised names the gazetteer does not know, in phrases that make them places.

    "in Jobar", "the town of Mahardah", "Mogadishu's Yaqshid district": they cannot go on a map,
    but an event placed there is better flagged with the name the text gives than moved to a
    place the text did not mean. The form records how precise the phrase says the place is.
    """
    taken = [(t.mention.start, t.mention.end) for t in toponyms]
    found: dict[tuple[int, int], Mention] = {}
    for pattern, _ in _UNKNOWN:
        for m in pattern.finditer(text):
            start = m.start(1)
            name = m.group(1).rstrip("'’")
            end = start + len(name)
            if _NOT_A_PLACE_WORD.match(name) or any(start < e and s < end for s, e in taken) \
                    or _qualifies_another(text, name, start, end):
                continue
            found[(start, end)] = Mention(start, end, name, form="unresolved")
    return sorted(found.values(), key=lambda m: m.start)


def _named_precision(text: str, m: Mention) -> float:
    """How specific an unresolved name is, from the phrase around it."""
    before, after = text[max(0, m.start - 30):m.start], text[m.end:m.end + 20]
    if _SETTLEMENT_OF.search(before) or _SETTLEMENT_AFTER.match(after):
        return 1.4
    return 0.6


def link_candidates(text: str, toponyms: Sequence[Toponym], unresolved: Sequence[Mention] = ()
                    ) -> list[tuple[Candidate, Toponym | Mention]]:
    """Every span an event could be placed on, with what the text says about it."""
    out: list[tuple[Candidate, Toponym | Mention]] = []
    starts = frozenset([*(t.mention.start for t in toponyms), *(m.start for m in unresolved)])
    for t in toponyms:
        out.append((Candidate(t.mention.start, t.mention.end, t.place.kind, t.mention.form,
                              actor=is_actor(text, t), container=_is_container(text, t, starts),
                              country=t.place.country or "", admin1=t.place.admin1 or ""), t))
    for m in unresolved:
        kind = "admin2" if _named_precision(text, m) > 1.0 else "unresolved"
        out.append((Candidate(m.start, m.end, kind, "unresolved"), m))
    return out


_DETERMINER_BEFORE = re.compile(r"\b(?:a|an|the|this|that|its|their|his|her|our|last|next)\s+$", re.I)


def _part_of_trigger(text: str, trigger: Trigger, cand: Candidate) -> bool:
    """Places the model never saw in its one-verb training data: inside a phrase trigger ("provide
    Kyiv's forces with weapons", "take control of Greenland"), or a noun modifier of a nominal one
    ("a Greenland takeover", "the Kostroma strike"). Either way the place is what the event is about."""
    if trigger.start <= cand.start < trigger.end:
        # but a strike's trigger runs from the weapon to the verb, and a place between them says where the weapon
        # came from or who sent it: "a drone launched from Yemen slammed into", "drones launched by Ukraine hit"
        return not trigger.subtype.startswith("strike.")
    between = text[cand.end:trigger.start]
    return cand.end <= trigger.start and between.strip(" -") == "" and len(between) <= 2 \
        and bool(_DETERMINER_BEFORE.search(text[max(0, cand.start - 12):cand.start]))


def _is_recipient(text: str, trigger: Trigger, cand: Candidate) -> bool:
    """Whether the place is whom aid or a sanction is for (see _RECIPIENT). Not a place that qualifies the
    noun after it: "curbs on US exports" are not on the United States."""
    for prefix, words in _RECIPIENT.items():
        if trigger.subtype.startswith(prefix):
            return governing_word(text, cand.start) in words and not _QUALIFIES_NOUN.match(text, cand.end)
    return False


# The linker's probabilities measure how a place relates to an event's verb. The typing model reads a whole
# sentence and its trigger is only the word that weighed most ("forces", "governments"), so distances from it
# say little: its events take the sentence's likeliest place at this lower bar. Chosen on the dev and gold
# notes: of the 64 such events left unlocated, 0.15 / 0.1 / 0.05 / 0 placed 18 / 26 / 29 / 32 right and
# 8 / 8 / 12 / 17 elsewhere.
SENTENCE_LINK_THRESHOLD = 0.1
# The one place a sentence names that is neither an actor nor a container is its event's place at the same bar:
# "In Iraq, a roadside bomb exploded near a convoy" has no other. On EventLocation's held-out half this makes 268
# more links: 87 right and 32 wrong on records with a gold location (73%), and 149 on records annotated with no
# location at all, which is why F1 goes 0.724 -> 0.721 there; on the dev and gold notes 22 right and 4 wrong.


def _is_area_or_big(obj: Toponym | Mention) -> bool:
    """A resolved region, country or feature, or a town of at least 100,000 people."""
    return isinstance(obj, Toponym) and (obj.place.kind != "city" or obj.place.population >= 100_000)


def choose_place(text: str, trigger: Trigger, toponyms: Sequence[Toponym] = (), *,
                 unresolved: Sequence[Mention] = (), sentence_start: int = 0, anchor: tuple[int, int] | None = None,
                 candidates: Sequence[tuple[Candidate, Toponym | Mention]] | None = None,
                 threshold: float | None = None, only_event: bool = True) -> tuple[Toponym | Mention | None, float]:
    """The most probable location of a trigger among the places given, and its probability.

    The learned model (:mod:`geo.linking`) scores each candidate; general rules it cannot learn from
    untyped data stay rules: an actor or a place that only situates another is never the location,
    talks and aid need a locative ("in", "at", travelling "to"), aid and sanctions go to whom they are for
    ("tanks to Ukraine", "sanctions on Iran"), and a territorial claim is about its possessor
    ("Greenland's sovereignty"). ``anchor`` replaces the trigger position when looking in another
    sentence; ``candidates`` (from :func:`link_candidates`) saves recomputing them for each trigger of a
    sentence. Returns ``(None, 0.0)`` when no candidate reaches ``threshold`` (by default the model's), or
    ``SENTENCE_LINK_THRESHOLD`` when it is the only place that could be the location, the trigger the
    sentence's ``only_event``, and no verb of speech between the trigger and a place after it ("...,"
    Zelenskyy told a news conference in Paris": Paris is where he spoke).
    """
    model = load_model()
    threshold = model.threshold if threshold is None else threshold
    cands = link_candidates(text, toponyms, unresolved) if candidates is None else candidates
    span = anchor or (trigger.start, trigger.end)
    others = [c for c, _ in cands]
    likeliest: tuple[float, Toponym | Mention] | None = None  # whatever its probability
    eligible: list[Candidate] = []  # neither an actor nor a container
    for cand, obj in cands:
        if cand.actor or cand.container:
            continue
        eligible.append(cand)
        recipient = anchor is None and (cand.start >= trigger.start or trigger.subtype.startswith("support.")) \
            and _is_recipient(text, trigger, cand)
        if trigger.subtype.startswith(_NEEDS_LOCATIVE) and _locative_score(text, cand.start) < 2.0 \
                and not recipient and not trigger.start <= cand.start < trigger.end \
                and not (trigger.subtype == "diplomacy.summit" and governing_word(text, cand.start) in _VISITED):
            continue  # talks, aid and demands are located only where the text says "in", "at", "travel to" ...
        p = model.probability(features(text, span, cand, others, sentence_start))
        if recipient:
            p = max(p, 0.7)
        if anchor is None and _part_of_trigger(text, trigger, cand):
            p = max(p, 0.8)
        if anchor is None and cand.end <= trigger.start and _PLACE_VERB.match(text, trigger.start) \
                and _PASSIVE_SUBJECT.match(text[cand.end:trigger.start]) and _is_area_or_big(obj) \
                and governing_word(text, cand.start) not in ("from", "of"):
            p = max(p, 0.8)  # what was done to it: "the Gaza Strip was captured", "Baghdad was heavily bombed"
        if trigger.subtype.startswith("territory.") and _POSSESSIVE_GAP.match(text[cand.end:trigger.start]):
            p = max(p, 0.9)  # "Greenland's sovereignty": the possessor is what the claim is about
        if trigger.subtype.startswith("territory.") and anchor is None and cand.start >= trigger.end \
                and governing_word(text, cand.start) == "over":
            p = max(p, 0.95)  # ... unless it is over another place: "Morocco's sovereignty over Western Sahara"
        if likeliest is None or p > likeliest[0]:
            likeliest = (p, obj)
    if likeliest is None:
        return None, 0.0
    if likeliest[0] >= threshold:
        return likeliest[1], likeliest[0]
    if len(eligible) == 1 and only_event and likeliest[0] >= SENTENCE_LINK_THRESHOLD:
        sole = eligible[0]
        if not (sole.start >= span[1] and SPEECH.search(text, span[1], sole.start)):  # not where someone spoke
            return likeliest[1], likeliest[0]
    return None, 0.0


def geo_precision(text: str, t: Toponym) -> int:
    """ACLED geo-precision: 1 the named town, 2 near a town or part of a region, 3 a region or country."""
    kind = t.place.kind
    if kind == "city":
        near = _NEAR.search(text[max(0, t.mention.start - 30):t.mention.start].lower())
        return 2 if near else 1
    return 2 if kind == "admin2" else 3


def resolve_date(sentence: str, doc_date: dt.date | None) -> str | None:
    """An ISO date for the event when the sentence gives one and it can be placed in time."""
    iso = _ISO_DATE.search(sentence)
    if iso:
        try:
            return dt.date(int(iso[1]), int(iso[2]), int(iso[3])).isoformat()
        except ValueError:
            pass
    if doc_date is None:
        return None
    md = _MONTH_DAY.search(sentence)
    if md:
        month = _MONTHS[(md[1] or md[5]).lower()]
        day = int(md[2] or md[4])
        year = int(md[3] or md[6] or doc_date.year)
        try:
            return dt.date(year, month, day).isoformat()
        except ValueError:
            return None
    low = sentence.lower()
    for word, delta in _RELATIVE.items():
        if re.search(rf"\b{word}\b", low):
            return (doc_date + dt.timedelta(days=delta)).isoformat()
    wd = _WEEKDAY.search(sentence)
    if wd:
        back = (doc_date.weekday() - _WEEKDAYS.index(wd[1].lower())) % 7
        return (doc_date - dt.timedelta(days=back)).isoformat()
    return None


# The agent of a passive verb after it: "were killed by Israeli strikes", "was seized by the RSF"; not a means
# ("began the offensive by storming the SDF's defences"), nor a source or a manner ("a report by the Syrian
# Network", "side by side")
_AGENT_BEFORE = re.compile(r"(?<!\bside\s)(?<!\breport\s)(?<!\breports\s)(?<!\bstatement\s)(?<!\bstudy\s)"
                           r"\bby\s+(?:(?:the|a|an|[a-z][\w'’-]*(?<!ing))\s+){0,2}$")
_AGENT_WITHIN = 50  # characters after the trigger: the agent of another verb is further on


def doers_first(text: str, trigger: Trigger, named: Sequence[tuple[int, str, bool]]) -> tuple[str, ...]:
    """The actors a sentence names (``named``: offset, name, and whether it is named by an adjective, in order),
    the doer first, as ACLED's actor1: in the order named, except that the agent of a passive trigger ("Hamas
    fighters were killed by Israeli strikes", "troops were attacked by Russian drones") comes first. Not a
    noun just before the verb: "rebels backed by Iran attacked" says who backs the attackers."""
    agents = [name for offset, name, adjective in named
              if (0 <= offset - trigger.end <= _AGENT_WITHIN or (adjective and 0 < trigger.start - offset <= 25))
              and _AGENT_BEFORE.search(text, max(0, offset - 40), offset)]
    return tuple(dict.fromkeys([*agents, *(name for _, name, _ in named)]))


def _precision(text: str, place: Toponym | None, unresolved: Mention | None) -> int | None:
    """ACLED's geo_precision of an event at ``place``; a village the gazetteer lacks (``unresolved``) mapped on
    the place around it is 2, part of that region or near that town, or 3 when only the country is known."""
    if place is None:
        return None
    if unresolved is not None:
        return 3 if place.place.kind in ("country", "continent") else 2
    return geo_precision(text, place)


def _situating(text: str, name: Mention, here: Sequence[Toponym], actors: frozenset[int]) -> Toponym | None:
    """The known place that situates a name the gazetteer lacks, if the text gives one: "Paletwa in Chin state",
    "Bara, North Kordofan", "Mogadishu's Yaqshid district". Not an actor (``actors``: where they start)."""
    for t in here:
        if t.mention.start in actors:
            continue
        if t.mention.start >= name.end and situates(text, name.end, t.mention.start):
            return t
        if t.mention.end <= name.start and _POSSESSOR.match(text, t.mention.end) \
                and len(text[t.mention.end:name.start]) <= 25:
            return t
    return None


def _event_id(doc_id: str, trigger: Trigger, place_start: int | None = None) -> str:
    """Stable across runs; ``place_start`` tells apart the events of one trigger at the places of a list."""
    key = f"{doc_id}|{trigger.start}|{trigger.subtype}" + (f"|{place_start}" if place_start is not None else "")
    digest = hashlib.sha1(key.encode()).hexdigest()[:10]
    return f"{doc_id}-{digest}" if doc_id else digest


def extract_events(text: str, toponyms: Sequence[Toponym], *, doc_id: str = "",
                   doc_date: dt.date | None = None) -> list[Event]:
    """Every event the text reports, located where the text puts it."""
    sentences = split_sentences(text)
    by_sentence: list[list[Toponym]] = [[] for _ in sentences]
    i = 0
    for t in sorted(toponyms, key=lambda t: t.mention.start):
        while i < len(sentences) - 1 and t.mention.start >= sentences[i].end:
            i += 1
        if sentences and sentences[i].start <= t.mention.start < sentences[i].end:
            by_sentence[i].append(t)
    # One scan of the whole text per pattern, then each match goes to its sentence.
    hits: list[list[Trigger]] = [[] for _ in sentences]
    starts = [s.start for s in sentences]
    low = fold(text)
    for t in _scan(low, text, 0):
        k = bisect.bisect_right(starts, t.start) - 1
        if k >= 0 and t.end <= sentences[k].end:
            hits[k].append(t)
    events: list[Event] = []
    selected = {i: _select(h) for i, h in enumerate(hits) if h}
    # The model only looks where an event could go on the map: a sentence naming a place, not only a people.
    mappable = [any(t.mention.form != "demonym" for t in places) for places in by_sentence]
    untriggered = [i for i, h in enumerate(hits) if not h and mappable[i]]
    # The model also reads every sentence with a trigger: to drop those it is sure report nothing ("visited a
    # clinic"), and to retype a single trigger it finds unlikely (see _classified).
    guessed = _classified(sentences, sorted([*untriggered, *selected]), low, by_sentence, selected)
    for idx in sorted(selected.keys() | guessed.keys()):  # sentences with an event
        sentence, here = sentences[idx], by_sentence[idx]
        if idx in guessed:  # no trigger, one the model overrules, or several of which it keeps some
            triggers, typed_by = guessed[idx]
            if not triggers:
                continue
        else:
            triggers, typed_by = selected[idx], "lexicon"
        unknown = [Mention(sentence.start + m.start, sentence.start + m.end, m.text, form="unresolved")
                   for m in unresolved_places(sentence.text, ())]
        unknown = [m for m in unknown if not any(t.mention.start < m.end and m.start < t.mention.end for t in here)]
        cands = link_candidates(text, here, unknown)
        # Doers and targets in the order the sentence names them: places that act, and organisations ("Hamas")
        acting = [(obj.mention.start, obj.place.name, obj.mention.form == "demonym") for c, obj in cands
                  if c.actor and isinstance(obj, Toponym)]
        acting = sorted(acting + [(sentence.start + start, name, False)
                                  for start, _, name in organisations(sentence.text)])
        actor_starts = frozenset(c.start for c, _ in cands if c.actor)  # is_actor, as link_candidates found it
        prev_cands = None
        for trigger in triggers:
            actors = doers_first(text, trigger, acting)
            found, score = choose_place(text, trigger, here, sentence_start=sentence.start, candidates=cands,
                                        threshold=SENTENCE_LINK_THRESHOLD if typed_by == "classifier" else None,
                                        only_event=len(triggers) == 1)
            located_by = "sentence"
            if found is None and idx > 0 and not any(not c.actor for c, _ in cands):
                # A sentence that names no place of its own ("Police detained 20"): the previous one's, as if the
                # trigger stood where it ends: its last places are the nearest.
                prev = sentences[idx - 1]
                if prev_cands is None:
                    prev_cands = link_candidates(text, by_sentence[idx - 1])
                found, score = choose_place(text, trigger, by_sentence[idx - 1],
                                            sentence_start=prev.start, anchor=(prev.end, prev.end),
                                            candidates=prev_cands)
                located_by = "previous_sentence" if found else "unlocated"
            elif found is None:
                located_by = "unlocated"
            place = found if isinstance(found, Toponym) else None
            named = found if isinstance(found, Mention) else None
            if named is not None:
                located_by = "unresolved"
                place = _situating(text, named, here, actor_starts)  # on the place around it, at precision 2-3
            confidence = (0.45 if typed_by == "lexicon" else 0.3) + (0.15 if " " in trigger.text.strip() else 0.0)
            confidence += {"sentence": 0.25, "previous_sentence": 0.1, "unresolved": 0.1, "unlocated": 0.0}[located_by]
            confidence += 0.1 if score >= 0.75 else 0.0
            status, date = status_of(trigger, sentence), resolve_date(sentence.text, doc_date)
            # One event per location: the place, or each place of a list it is part of, in the text's order
            others = listed_with(text, place, here, actor_starts) if place is not None and located_by == "sentence" \
                else []
            for k, at in enumerate(sorted([place, *others], key=lambda t: t.mention.start) if others else [place]):
                events.append(Event(
                    id=_event_id(doc_id, trigger, at.mention.start if k else None), subtype=trigger.subtype,
                    status=status, trigger=trigger.text, trigger_start=trigger.start, trigger_end=trigger.end,
                    sentence=sentence.text, sentence_start=sentence.start, sentence_end=sentence.end,
                    place=at, geo_precision=_precision(text, at, named), actors=actors, date=date,
                    confidence=min(confidence, 0.95),
                    located_by=located_by, unresolved_place=named, typed_by=typed_by))
    return _drop_coarse_duplicates(events, sentences)


# Of a sentence's lexicon readings, those the typing model gives less than this share of the likeliest one's
# probability are dropped. Chosen on the dev sets (notes and real news, see README); 0.2 and 0.3 tied there.
SECOND_READING = 0.2


def _classified(sentences: Sequence[Sentence], which: Sequence[int], low: str,
                places: Sequence[Sequence[Toponym]], lexicon: Mapping[int, Sequence[Trigger]]
                ) -> dict[int, tuple[Sequence[Trigger], str]]:
    """What the typing model (:mod:`geo.typer`) changes, by sentence: the triggers that stand and who typed
    them. No trigger where a sentence the lexicon reads as an event (``lexicon``: its triggers) reports none; the
    model's sub-type at the word that weighed most for it; or the lexicon's readings the model finds likely.

    For a sentence no trigger explains, an event where the model is confident of one. A sentence with
    triggers reports none where the model gives ``none`` at least ``veto``: on real news most trigger words
    are also everyday words ("visited", "agreement", "warrant"). One the lexicon reads as a single event is
    retyped where the model finds that reading unlikely (at most ``override``) and another one likely: on
    notes by writers it did not learn from, the model types such sentences better than the lexicon's first
    reading; a specific trigger the model also believes stays. ``scripts/train_typer.py`` measures both
    limits by cross-validation. Of several readings, one the model finds far less likely than another
    (below ``SECOND_READING`` times its probability) is no event of its own: "arrested ... accused of",
    "car bombs struck ..., killing five" are one event each.
    """
    typer = load_typer() if enabled() else None
    if typer is None or not which:
        return {}
    out: dict[int, tuple[Sequence[Trigger], str]] = {}
    folded = [mask_places(low[sentences[i].start:sentences[i].end],  # ``low`` is the folded text
                          [(t.mention.start - sentences[i].start, t.mention.end - sentences[i].start)
                           for t in places[i]]) for i in which]
    gated = [idx not in lexicon for idx in which]
    for idx, guess in zip(which, typer.predict_many(folded, folded=True, gated=gated), strict=True):
        triggers = lexicon.get(idx, ())
        if triggers and typer.veto and typer.probability_of(guess, NONE) >= typer.veto:
            out[idx] = ((), "classifier")
            continue
        if len(triggers) > 1:
            probabilities = [typer.probability_of(guess, t.subtype) for t in triggers]
            likely = [t for t, p in zip(triggers, probabilities, strict=True)
                      if p >= SECOND_READING * max(probabilities)]
            if len(likely) < len(triggers):
                out[idx] = (likely, "lexicon")
            continue
        if decide(guess.subtype, guess.probability, typer.threshold) == NONE:
            continue
        if guess.subtype == OTHER and not triggers:
            continue  # "other" from words alone is no event worth a map: only a trigger's reading may become it
        if triggers and (guess.subtype == triggers[0].subtype
                         or typer.probability_of(guess, triggers[0].subtype) > typer.override):
            continue
        sentence = sentences[idx]
        m = re.search(r"(?<![\w'-])" + re.escape(guess.evidence) + r"(?![\w'-])", low[sentence.start:sentence.end])
        if m is None:
            continue  # the evidence word is not found as a word of the sentence: no trigger to show, no event
        start, end = m.start(), m.end()
        out[idx] = ([Trigger(guess.subtype, sentence.start + start, sentence.start + end, sentence.text[start:end])],
                    "classifier")
    return out


def _drop_coarse_duplicates(events: list[Event], sentences: Sequence[Sentence]) -> list[Event]:
    """ACLED codes an event once, at its most precise place: a same-type event nearby placed only on the
    country that contains another's region or town, or on the same place again, is the same event."""
    index = {s.start: i for i, s in enumerate(sentences)}
    near: dict[int, list[Event]] = {}  # events by sentence index, to look only a few sentences around
    for e in events:
        near.setdefault(index[e.sentence_start], []).append(e)

    def around(i: int, width: int) -> list[Event]:
        return [o for k in range(i - width, i + width + 1) for o in near.get(k, ())]

    keep: list[Event] = []
    kept_near: dict[int, list[Event]] = {}
    for e in events:
        i = index[e.sentence_start]
        if e.place is not None and any(
                k.subtype == e.subtype and k.place is not None and k.place.place.id == e.place.place.id
                for j in range(i - 2, i + 1) for k in kept_near.get(j, ())):
            continue  # the same event told again a sentence or two later
        if e.place is not None and e.place.place.kind == "country" and any(
                o.subtype == e.subtype and o.place is not None and o.place.place.country == e.place.place.country
                and o.place.place.kind in ("admin1", "admin2", "city") for o in around(i, 3)):
            continue
        keep.append(e)
        kept_near.setdefault(i, []).append(e)
    return keep


def place_roles(text: str, toponyms: Sequence[Toponym], events: Sequence[Event]) -> dict[tuple[int, int], str]:
    """Role of each toponym span: ``event`` (hosts an event), ``actor`` or ``mention``."""
    located = {(e.place.mention.start, e.place.mention.end) for e in events if e.place}
    roles = {}
    for t in toponyms:
        span = (t.mention.start, t.mention.end)
        roles[span] = "event" if span in located else ("actor" if is_actor(text, t) else "mention")
    return roles
