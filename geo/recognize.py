"""Toponym recognition: text -> place mentions with exact character offsets.

An Aho-Corasick automaton over every recognisable gazetteer name runs on a folded copy of the
text (same length, lower case, no diacritics). Matches must sit on word boundaries and start
with a capital letter; overlapping matches keep the longest. A few general rules then drop
matches that are words or people rather than places: calendar and title words, ordinary English
words with no locative context, and names inside a person's name ("Vladimir Putin",
"Paris Hilton").
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from geo.actors import organisation_mentions
from geo.gazetteer import KEY_LEN_BITS, Gazetteer
from geo.models import Mention, Place
from geo.textutil import fold

_LEN_MASK = (1 << KEY_LEN_BITS) - 1
LOCATIVE = frozenset("""in at near from to into outside inside across around throughout toward towards via
    of between through within across against north south east west northern southern eastern western
    central northeast northwest southeast southwest neighbouring neighboring visit visited capital""".split())
TITLES = frozenset("""mr mrs ms dr president gov governor sen senator rep representative judge justice
    sheriff officer sgt sergeant gen general col colonel capt captain lt lieutenant prof professor
    minister secretary mayor king queen prince princess saint st pope rev reverend coach chancellor
    ambassador envoy spokesman spokeswoman chief director dr. mr. mrs. ms. gen. sen. gov. rep.""".split())
# Words after a name that mark it as part of a place, not a person ("Jackson County").
PLACE_HEADS = frozenset("""county parish city township town village valley river lake island islands
    mountain mountains bay harbor harbour beach park heights hills springs falls creek port district
    province region state republic oblast borough""".split())
_WORD_BEFORE = re.compile(r"([A-Za-z][\w.'’-]*)\s+$")
_WORD_AFTER = re.compile(r"^\s([A-Z][\w'’-]*)")
# A demonym at the head of an organisation's name: "American Heart Association", "Egyptian Premier League",
# "American Recovery and Reinvestment Act" (at most five capitalised words, "and", "of" or "&" before its head)
_INSTITUTIONS = r"Academy|Association|Bank|Church|College|Council|Federation|Institute|Museum|School|Society|University"
_ORGANISATION_AFTER = re.compile(
    r"^(?:\s+(?:[A-Z][\w'’.-]*|and|of|for|&)){0,5}?\s+(?:" + _INSTITUTIONS + r"|Act|Airlines|Airways|Cross|Legion|"
    r"Group|Corp\.?|Corporation|Company|Inc\.?|League|Cup|Club|Foundation|Party|Motors|Commission|Orchestra|"
    r"Festival)\b")
# ... or a language: "English language learners", "French-speaking", "French immersion", "English classes"
_LANGUAGE_AFTER = re.compile(r"^(?:\s+|-)(?:language|languages|speakers?|speaking|immersion|lessons?|classes|"
                             r"class|teachers?|translation|subtitles|version|dub|literature)\b")
# ... or a language spoken, learnt or written in: "spoke only French", "learned English", "in English and Spanish"
_LANGUAGE_BEFORE = re.compile(r"\b(?:speak|speaks|spoke|spoken|speaking|learn|learns|learned|learnt|learning|teach|"
                              r"teaches|taught|study|studied|studying|fluent\s+in|in|into)\s+(?:only\s+|mostly\s+|"
                              r"some\s+|little\s+|good\s+|fluent\s+|broken\s+)?(?:[A-Z][a-z]+,?\s+(?:and|or)\s+)?$")
# "in Chinese waters", "in Russian-held areas": the demonym qualifies what follows
_WORD_AFTER_LOWER = re.compile(r"^(?:\s+(?!and\b|or\b)|-)[a-z]")
# A given name and the word after it, a middle initial aside ("Keith D. Johnson"); pairs may overlap, so that
# "Prosecutor Colleen Williams" gives "Colleen Williams" too.
_NAME_PAIR = re.compile(r"\b([A-Z][a-z]+) (?:[A-Z]\. )?(?=([A-Z][a-z]+)\b)")
# "of" is no locative cue in the name of an institution, an office or a title ("Chamber of Commerce",
# "Department of Human Resources", "School of Law", "Declaration of Independence"), though it is after a person
# ("Max Baucus of Montana") or a place word ("the city of Reading")
_INSTITUTION_OF_BEFORE = re.compile(
    r"\b(?:" + _INSTITUTIONS + r"|Chamber|Department|Dept\.|Board|Office|Ministry|Declaration|Bureau|Hall|Court|"
    r"Secretary|Division|Center|Centre|Union|Army|Corps|Order|Knights|Sons|Daughters|Friends|Statue|Battle|Duke|Earl|"
    r"Marquess|Bishop|Archbishop|Prince|Princess|Lady|Lord|Lake|Gulf|Bay|Port|Isle|Cape)\s+of\s+$")
_REGION_AFTER = re.compile(r"^,\s+[A-Z]")  # "Reading, Pennsylvania"
_SPEECH = re.compile(r"^\s+(said|says|told|added|asked|wrote|argued|explained|noted|insisted|declined)\b")
_DATELINE_AFTER = re.compile(r"^(,|\s\(|\s-|\s—|\s–|:\s)")
_DATE_BEFORE = re.compile(r"\b(?:19|20)\d\d\s+$")  # "March 24, 2009 MANSFIELD --": a dateline after a byline's date
# The people or office of a place after its name: "the Concord resident", "Mansfield Mayor Curtis McCoy"
_PEOPLE_OF_AFTER = re.compile(r"^\s(?:resident|residents|native|natives|mayor|police|sheriff|council)\b", re.I)
SMALL_TOWN = 200_000  # below this, a one-word town name that is also a person's name needs care
_SENTENCE_START = re.compile(r"(^|[.!?:;\"“”'‘’(\[\n]\s*|\n\s*)$")


@dataclass(frozen=True, slots=True)
class _Match:
    start: int
    end: int
    key_id: int


def _raw_matches(gaz: Gazetteer, text: str) -> list[_Match]:
    folded = fold(text)
    n = len(folded)
    out = []
    for end_idx, value in gaz.automaton.iter(folded):
        start = end_idx - (value & _LEN_MASK) + 1
        # Cheapest and most selective test first: most raw matches start inside a lower-case word.
        if not text[start].isupper():
            continue
        # Word boundaries; hyphens count as boundaries ("Canada-wide", "London-based", "EU-Canada").
        if start > 0 and folded[start - 1].isalnum():
            continue
        end = end_idx + 1
        if end < n and folded[end].isalnum():
            continue
        out.append(_Match(start, end, value >> KEY_LEN_BITS))
    return out


def _longest_non_overlapping(matches: list[_Match], size: int) -> list[_Match]:
    """Longest matches first; a match that overlaps an already chosen one is dropped."""
    chosen: list[_Match] = []
    taken = bytearray(size)
    for m in sorted(matches, key=lambda m: (-(m.end - m.start), m.start)):
        if not any(taken[m.start:m.end]):
            chosen.append(m)
            taken[m.start:m.end] = b"\x01" * (m.end - m.start)
    return sorted(chosen, key=lambda m: m.start)


def _forms(entries: tuple[tuple[Place, str], ...]) -> str:
    forms = {form for _, form in entries}
    for form in ("name", "abbr", "alt", "demonym"):
        if form in forms:
            return form
    return "name"


# Words that begin place names in Arabic, Hebrew, Persian and Turkic ("well", "mountain", "valley", "gate",
# "cape", "father of"): alone they match small places elsewhere ("Khan" is a town in Germany's gazetteer
# entries, "Jebel" one in Romania), but before another name they are only its first word.
GENERIC_HEADS = frozenset("""khan jebel jabal djebel wadi ain ein bab ras deir dayr kafr kfar tell tal tel beit bayt
    umm abu bir nahr qasr sheikh shaykh marj jisr hayy dar bandar kuh koh dasht chah kala qala qalat qalaat
    ard tall jazirat bint ibn bani beni""".split())
_HEAD_BEFORE = re.compile(r"(?:^|[^\w'’-])([A-Z][a-z]+)[ -]$")
_NAME_GOES_ON = re.compile(r"^[ -](?:[A-Z]|(?:al|el|ad|ar|as|ash|at|az|an|ul|e|i)-)")
# A Romance-language name goes on past its particle: "San Vicente del Caguán", "Santa Cruz de la Sierra" (the
# gazetteer would have matched the whole name if it had it); and a name glued to the words before it by hyphens
# is part of a longer name: "Mar-a-Lago", "Saint-Germain-en-Laye".
_PARTICLE_AFTER = re.compile(r"^ (?:del|de la|de los|de las|de|do|da|dos|das|di) [A-Z]")
_GLUED_BEFORE = re.compile(r"\b[A-Z]\w*-[a-z]{1,3}-$")
# ... or to one capitalised word after it: "Wal-Mart", "Mercedes-Benz" (unless either is a known place, "Israel-Gaza
# war", "Miami-Dade", "Fargo-Moorhead", or the name goes on, "Dallas-Fort Worth").
_GLUED_AFTER = re.compile(r"^-([A-Z][a-z]+)(?![\w'’-]| [A-Z])")
# A disease named after a place: "Reston ebolavirus", "Marburg hemorrhagic fever"
_EPONYM_AFTER = re.compile(r"^ (?:[A-Z]?[a-z]+ )?(?:ebola)?(?:virus|fever|disease)\b")


def _named_after_small_town(names: list[Place]) -> bool:
    """Small towns only, or the provinces named after them: "Trapani" is a town of 68,000 and its province, and
    "Andrew Trapani ... Trapani's" is a person all the same."""
    towns = {p.name for p in names if p.kind == "city"}
    return all(p.kind == "city" and p.population < SMALL_TOWN or p.kind in ("admin1", "admin2") and p.name in towns
               for p in names)


class Recognizer:
    """Finds place mentions; one instance per gazetteer, reusable across documents and threads."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gaz = gazetteer
        self.stop = gazetteer.words("stop")
        self.common = gazetteer.words("common")
        self.given = gazetteer.words("given")
        self.family = gazetteer.words("family")

    def __call__(self, text: str) -> list[Mention]:
        surnames = self._surnames(text)
        named = organisation_mentions(text)  # in order, none overlapping
        starts = [start for start, _, _ in named]
        mentions = []
        for m in _longest_non_overlapping(_raw_matches(self.gaz, text), len(text)):
            k = bisect.bisect_right(starts, m.start) - 1
            if k >= 0 and m.end <= named[k][1]:
                continue  # a word of an organisation's name: "Hamas" is not Hamm, nor "Boko Haram" two towns
            entries = self.gaz.entries(m.key_id)
            surface = text[m.start:m.end]
            if entries and self._keep(text, m, surface, entries, surnames):
                mentions.append(Mention(m.start, m.end, surface, form=_forms(entries),
                                        candidates=tuple(p for p, _ in entries)))
        return mentions

    def _surnames(self, text: str) -> frozenset[str]:
        """Words that follow a given name somewhere in the text: "Michael Steele" makes "Steele" a person."""
        return frozenset(fold(last) for first, last in _NAME_PAIR.findall(text) if fold(first) in self.given)

    def _keep(self, text: str, m: _Match, surface: str, entries: tuple[tuple[Place, str], ...],
              surnames: frozenset[str]) -> bool:
        key = fold(surface)
        single = " " not in key
        if single and key.rstrip(".") in self.stop:
            return False
        before = text[max(0, m.start - 40):m.start]
        after = text[m.end:m.end + 40]
        sentence_start = not before.strip() or bool(_SENTENCE_START.search(before))
        if not self._spelling_ok(text, m, surface, key, entries, sentence_start, after):
            return False
        if all(form == "demonym" for _, form in entries) and not self._demonym_names_a_people(text, m.end, before):
            return False
        names = [p for p, _ in entries]
        # A country or continent, unless only by a foreign or old name that is an English word: "Man" (the Isle
        # of Man), "Island" (Iceland in German) are words first.
        big = any(p.kind in ("country", "continent") and (form != "alt" or key not in self.common)
                  for p, form in entries)
        small = all(p.kind == "city" and p.population < SMALL_TOWN for p in names)
        prev = _WORD_BEFORE.search(before)
        prev_word = prev.group(1) if prev else ""
        prev_low = prev_word.lower().rstrip(".")
        if prev_low in TITLES or prev_word.lower() in TITLES:
            return big and prev_low not in ("mr", "mrs", "ms", "dr")
        if not big and prev_word[:1].isupper() and not prev_word.endswith((".", ",")) \
                and fold(prev_word) in self.given and before.endswith(" "):
            return False  # "Vladimir Putin", "Paris Hilton": a given name right before the match
        if single and key in GENERIC_HEADS and _NAME_GOES_ON.match(after):
            return False  # "Khan Sheikhoun", "Jebel Marra", "Wadi al-Hummus": the first word of a longer name
        if _PARTICLE_AFTER.match(after) or _GLUED_BEFORE.search(before):
            return False
        if after.startswith("$") or _EPONYM_AFTER.match(after):
            return False  # a currency, "US$460 million"; a disease named after a place, "Reston ebolavirus"
        glued = _GLUED_AFTER.match(after)
        if glued and not self._is_place_word(surface) and not self._is_place_word(glued.group(1)):
            return False
        head = _HEAD_BEFORE.search(before)
        if head and fold(head.group(1)) in GENERIC_HEADS:
            return False  # ... or the rest of it: "Jbeil" in "Bint Jbeil", "Afar" in "Tal Afar"
        nxt = _WORD_AFTER.match(after)
        if single and not big and nxt and key in self.given and nxt.group(1).lower() not in PLACE_HEADS \
                and nxt.group(1).lower() not in TITLES \
                and (fold(nxt.group(1)) in self.family or small or self._foreign_word(nxt.group(1))) \
                and not self._is_place_word(nxt.group(1)):
            # "Paris Hilton", "Florence Nightingale": a given name followed by a surname, known as one or no
            # English word ("Vladimir Putin", "Alexandria Ocasio-Cortez")
            return False
        located = (not sentence_start and (prev_low in LOCATIVE or bool(_REGION_AFTER.match(after)))) \
            or bool(_PEOPLE_OF_AFTER.match(after))
        if single and (_SPEECH.match(after) and small
                       or key in surnames and not located and (small or _named_after_small_town(names))):
            # "Steele said", or "Steele" after "Michael Steele" earlier in the text, unless the text puts it
            # somewhere: "Douglas" is a town "in Douglas" or "Douglas, Arizona" although named after James Douglas
            return False
        if single and not big and key in self.common and not surface.isupper() \
                and not any(p.kind == "city" and p.population >= 1_000_000 or p.kind == "admin1" and p.country == "US"
                            for p in names):
            # An ordinary English word ("Reading", "Mobile", "Nice") needs a locative cue, and "of" is none in the
            # name of an institution ("Chamber of Commerce"). Not a city of a million nor a US state: the word
            # list has old or rare senses of "berlin", "warsaw", "bangkok", "michigan", and "Warsaw said" is the city
            return located and not (prev_low == "of" and _INSTITUTION_OF_BEFORE.search(before))
        return True

    def _spelling_ok(self, text: str, m: _Match, surface: str, key: str,
                     entries: tuple[tuple[Place, str], ...], sentence_start: bool, after: str) -> bool:
        """Capitals and abbreviations: "NATO" and "IS" are not places, "WASHINGTON (AP)" is."""
        letters = sum(c.isalpha() for c in surface)
        if surface.isupper() and letters >= 2:
            if (sentence_start or _DATE_BEFORE.search(text, max(0, m.start - 8), m.start)) \
                    and _DATELINE_AFTER.match(after):
                return True
            if "." not in surface and letters <= 2 and key not in ("us", "uk", "eu"):
                return False  # two-letter codes are too ambiguous in running text
            if not self._shouting(text, m.start) and not any(form == "abbr" for _, form in entries):
                return False  # an acronym is a place only when the gazetteer spells it so
            return True
        if all(form == "abbr" for _, form in entries) and "." not in surface:
            return False  # "Us" is not "US"
        return len(key) > 2

    @staticmethod
    def _demonym_names_a_people(text: str, end: int, before: str) -> bool:
        """Whether a demonym speaks of its country or people ("Sudanese President", "Egyptian troops"), not of
        a language ("spoke only French", "English language learners") nor as the first word of an
        organisation's name ("the American Heart Association", "Egyptian Premier League")."""
        after = text[end:end + 80]
        if _ORGANISATION_AFTER.match(after) or _LANGUAGE_AFTER.match(after):
            return False
        return not (_LANGUAGE_BEFORE.search(before) and not _WORD_AFTER_LOWER.match(after))

    @staticmethod
    def _shouting(text: str, start: int) -> bool:
        """Whether the text around ``start`` is set in capitals (a headline), not just this word."""
        window = text[max(0, start - 60):start + 60]
        letters = [c for c in window if c.isalpha()]
        return len(letters) > 20 and sum(c.isupper() for c in letters) > 0.8 * len(letters)

    def _foreign_word(self, word: str) -> bool:
        """A capitalised word that is no English word, nor the plural of one, nor has one among its hyphened
        parts: after a given name, a surname ("Vladimir Putin"), not a team or a paper ("Dallas Cowboys",
        "Paris Policemen", "Atlanta Journal-Constitution")."""
        if word.isupper():
            return False
        for part in re.sub(r"['’]s?$", "", fold(word)).split("-"):
            if len(part) <= 3 or self.gaz.is_english(part) or self.gaz.is_english(re.sub(r"men$", "man", part)) \
                    or (part.endswith("s") and self.gaz.is_english(part[:-1])) \
                    or (part.endswith("es") and self.gaz.is_english(part[:-2])):
                return False
        return True

    def _is_place_word(self, word: str) -> bool:
        kid = self.gaz.key_id(word)
        return kid is not None and any(p.kind != "city" or p.population > 100_000
                                       for p, _ in self.gaz.entries(kid))
