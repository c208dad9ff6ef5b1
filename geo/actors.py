"""Organisations an event sentence names: the non-state and international actors beside the countries.

Places that act are found by :func:`geo.events.is_actor`; this module finds the organisations news names
as doers or targets (armed groups, state forces and agencies, international bodies), from a list kept as
data (``data/organisations.tsv``) so an analyst can extend it without code. Every name is matched as a
whole word and case-sensitively: "Hamas", "the RSF", "U.N.", never "un" or "who".
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import ahocorasick

ORGANISATIONS_PATH = Path(__file__).resolve().parent.parent / "data" / "organisations.tsv"


@lru_cache(maxsize=2)
def _matcher(path: Path = ORGANISATIONS_PATH) -> tuple[ahocorasick.Automaton, dict[str, str]]:
    """An automaton over every name and alias (each key its own value), and the name each alias stands for. An
    automaton, not one regex alternation: the recogniser runs this over whole documents, where the regex cost a
    fifth of geoparse's time."""
    canonical: dict[str, str] = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, _, aliases = line.partition("\t")
        for alias in [name, *aliases.split("|")]:
            if alias.strip():
                canonical[alias.strip()] = name.strip()
    automaton = ahocorasick.Automaton()
    for alias in canonical:
        automaton.add_word(alias, alias)
    automaton.make_automaton()
    return automaton, canonical


# A name is a whole word: not inside a longer word or abbreviation before it, and not followed by a word character,
# "-" and a digit ("MS-13" is not in "MS-130"), or "." and a word character; "U.N.-brokered" and "Hamas-run" count.
_BEFORE_NAME = re.compile(r"[\w.-]")
_AFTER_NAME = re.compile(r"\w|-\d|\.\w")


def organisation_mentions(text: str) -> list[tuple[int, int, str]]:
    """(start, end, name) of every mention of an organisation in ``text``, in order. Matched case-sensitively,
    the longest name at the leftmost place first ("Real IRA" beats a name inside it)."""
    automaton, canonical = _matcher()
    hits = sorted(((end - len(alias) + 1, -len(alias), alias) for end, alias in automaton.iter(text)))
    out = []
    last = 0
    for start, minus_length, alias in hits:
        end = start - minus_length
        if start < last or (start and _BEFORE_NAME.match(text, start - 1)) or _AFTER_NAME.match(text, end):
            continue
        last = end
        out.append((start, end, canonical[alias]))
    return out


def organisations(text: str) -> list[tuple[int, int, str]]:
    """The organisations ``text`` names as actors: each name once, at its first mention."""
    seen: set[str] = set()
    out = []
    for start, end, name in organisation_mentions(text):
        if name not in seen:
            seen.add(name)
            out.append((start, end, name))
    return out
