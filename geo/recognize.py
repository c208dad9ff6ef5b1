"""Toponym recognition: text -> place mentions with exact character offsets.

An Aho-Corasick automaton over every recognisable gazetteer name runs on a folded copy of the
text (same length, lower case, no diacritics). Matches must sit on word boundaries and start
with a capital letter; overlapping matches keep the longest. A few general rules then drop
matches that are words or people rather than places: calendar and title words, ordinary English
words with no locative context, and names inside a person's name ("Vladimir Putin",
"Paris Hilton").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from geo.gazetteer import KEY_LEN_BITS, Gazetteer
from geo.models import Mention, Place
from geo.textutil import fold

_LEN_MASK = (1 << KEY_LEN_BITS) - 1
LOCATIVE = frozenset("""in at near from to into outside inside across around throughout toward towards via
    of between through within across against north south east west northern southern eastern western
    central northeast northwest southeast southwest neighbouring neighboring visit visited""".split())
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
        if start > 0:
            before = folded[start - 1]
            if before.isalnum() or before == "-":
                continue
        end = end_idx + 1
        if end < n:
            after = folded[end]
            if after.isalnum() or (after == "-" and end + 1 < n and folded[end + 1].isalpha()):
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


class Recognizer:
    """Finds place mentions; one instance per gazetteer, reusable across documents and threads."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gaz = gazetteer
        self.stop = gazetteer.words("stop")
        self.common = gazetteer.words("common")
        self.given = gazetteer.words("given")

    def __call__(self, text: str) -> list[Mention]:
        mentions = []
        for m in _longest_non_overlapping(_raw_matches(self.gaz, text), len(text)):
            entries = self.gaz.entries(m.key_id)
            surface = text[m.start:m.end]
            if entries and self._keep(text, m, surface, entries):
                mentions.append(Mention(m.start, m.end, surface, form=_forms(entries),
                                        candidates=tuple(p for p, _ in entries)))
        return mentions

    def _keep(self, text: str, m: _Match, surface: str, entries: tuple[tuple[Place, str], ...]) -> bool:
        key = fold(surface)
        single = " " not in key
        if single and key.rstrip(".") in self.stop:
            return False
        names = [p for p, _ in entries]
        letters = [c for c in surface if c.isalpha()]
        if len(letters) >= 2 and surface.isupper() and not self._shouting(text, m.start):
            # An acronym ("NATO") is only a place when the gazetteer spells that name in capitals.
            if not any(form == "abbr" for _, form in entries):
                return False
        elif all(form == "abbr" for _, form in entries) and "." not in surface:
            return False  # "Us" is not "US"
        if len(key) <= 2 and not surface.isupper():
            return False
        big = any(p.kind in ("country", "continent") for p in names)
        before = text[max(0, m.start - 40):m.start]
        after = text[m.end:m.end + 40]
        prev = _WORD_BEFORE.search(before)
        prev_word = prev.group(1) if prev else ""
        prev_low = prev_word.lower().rstrip(".")
        if prev_low in TITLES or prev_word.lower() in TITLES:
            return big and prev_low not in ("mr", "mrs", "ms", "dr")
        sentence_start = bool(_SENTENCE_START.search(before)) or not before.strip()
        if not big and prev_word[:1].isupper() and not prev_word.endswith((".", ",")) \
                and fold(prev_word) in self.given and before.endswith(" "):
            # "Vladimir Putin", "Paris Hilton": a capitalised given name right before the match.
            return False
        nxt = _WORD_AFTER.match(after)
        if single and not big and nxt and key in self.given and nxt.group(1).lower() not in PLACE_HEADS:
            # "Paris Hilton", "Florence Nightingale": a given name followed by a surname.
            if not self._is_place_word(nxt.group(1)):
                return False
        if single and not big and key in self.common:
            # An ordinary English word ("Reading", "Mobile", "Nice") needs a locative cue.
            if sentence_start:
                return False
            cue = prev_low in LOCATIVE or bool(re.match(r"^,\s+[A-Z]", after))
            return cue
        return True

    @staticmethod
    def _shouting(text: str, start: int) -> bool:
        """Whether the text around ``start`` is set in capitals (a headline), not just this word."""
        window = text[max(0, start - 60):start + 60]
        letters = [c for c in window if c.isalpha()]
        return len(letters) > 20 and sum(c.isupper() for c in letters) > 0.8 * len(letters)

    def _is_place_word(self, word: str) -> bool:
        kid = self.gaz.key_id(word)
        return kid is not None and any(p.kind != "city" or p.population > 100_000
                                       for p, _ in self.gaz.entries(kid))
