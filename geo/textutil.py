"""Length-preserving text folding shared by the gazetteer builder and the recogniser.

Matching runs on a folded copy of the text whose characters line up one to one with the
original, so every match offset is also an offset into the original text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPECIAL = {
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
    "\u00a0": " ", "\n": " ", "\t": " ", "\r": " ",
    "\u0131": "i", "\u00f8": "o", "\u00d8": "o", "\u0142": "l", "\u0141": "l",
    "\u00df": "s", "\u0111": "d", "\u0110": "d", "\u00e6": "a", "\u00c6": "a",
}


@lru_cache(maxsize=65536)
def _fold_char(ch: str) -> str:
    if ch in _SPECIAL:
        return _SPECIAL[ch]
    low = ch.lower()
    if len(low) != 1:
        low = ch
    if ord(low) < 128:
        return low
    base = unicodedata.normalize("NFD", low)[0].lower()
    return base if len(base) == 1 else low


_ASCII_TABLE = str.maketrans({"`": "'", "\n": " ", "\t": " ", "\r": " "})
# Every character below U+0250 and the Latin Extended Additional block, folded once at import.
_TABLE = str.maketrans({chr(i): _fold_char(chr(i)) for i in [*range(32, 0x250), *range(0x1E00, 0x1F00)]}
                       | {k: v for k, v in _SPECIAL.items()})


_last: tuple[str, str] = ("", "")  # the last long text folded: recognition and events fold the same document


def fold(text: str) -> str:
    """Lower-case and strip diacritics without changing the length of ``text``."""
    global _last
    last = _last
    if last[0] is text:
        return last[1]
    folded = _fold(text)
    if len(text) > 200:
        _last = (text, folded)
    return folded


def _fold(text: str) -> str:
    if text.isascii():
        return text.lower().translate(_ASCII_TABLE)
    folded = text.translate(_TABLE)
    if folded.isascii():
        return folded
    low = folded.lower()  # quotes, dashes, other scripts: lower-casing alone keeps the length
    if len(low) == len(folded):
        return low
    # Other scripts: per character, keeping the length (a lower-case form may be longer).
    return "".join(_fold_char(c) for c in folded)


_SPACES = re.compile(r"\s+")


def name_key(name: str) -> str:
    """The lookup key of a place name: folded, with runs of spaces collapsed."""
    return _SPACES.sub(" ", fold(name.strip()))


def is_latin(name: str) -> bool:
    """True when every letter of ``name`` is Latin script (what English news spells names in)."""
    for ch in name:
        if ch.isalpha() and not (ord(ch) < 0x250 or 0x1E00 <= ord(ch) <= 0x1EFF):
            return False
    return True
