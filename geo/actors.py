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

ORGANISATIONS_PATH = Path(__file__).resolve().parent.parent / "data" / "organisations.tsv"


@lru_cache(maxsize=2)
def _matcher(path: Path = ORGANISATIONS_PATH) -> tuple[re.Pattern[str], dict[str, str]]:
    """One pattern over every name (longest first, so "Real IRA" beats a shorter name inside it) and the
    name each alias stands for."""
    canonical: dict[str, str] = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, _, aliases = line.partition("\t")
        for alias in [name, *aliases.split("|")]:
            if alias.strip():
                canonical[alias.strip()] = name.strip()
    names = sorted(canonical, key=len, reverse=True)
    # The look-ahead lets "U.N.-brokered" and "Hamas-run" name them, but not "MS-13" inside "MS-130".
    pattern = re.compile(r"(?<![\w.-])(?:" + "|".join(re.escape(n) for n in names) + r")(?!\w|-\d|\.\w)")
    return pattern, canonical


def organisations(text: str) -> list[tuple[int, str]]:
    """(offset, name) of each organisation ``text`` names, in order, each name once."""
    pattern, canonical = _matcher()
    seen: set[str] = set()
    out = []
    for m in pattern.finditer(text):
        name = canonical[m.group(0)]
        if name not in seen:
            seen.add(name)
            out.append((m.start(), name))
    return out
