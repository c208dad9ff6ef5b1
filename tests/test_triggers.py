"""The trigger lexicon's anchored scan finds exactly what trying every pattern at every word would."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from geo.events import _scan, find_triggers
from geo.sentences import Sentence
from geo.textutil import fold
from geo.triggers import ANCHORS, TRIGGERS, _first_words, _word_forms, word_starts

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "samples" / "paris-coalition-summit.txt"
# Whole-word stems next to line breaks, tabs and no-break spaces; prefixes of longer words; optional first words.
TRICKY = ("A car\nbomb went off in Kabul; the carried bombs did not.\tCar\u00a0bombs, again. Islands also claimed\n"
          "by China and claimed by Vietnam. Flagrant violations of sovereignty and violations of airspace. "
          "Air\u2009strikes hit Aleppo; airstrikes hit Idlib. Moscow re-established diplomatic relations.")


def _brute_force(low: str) -> set[tuple[str, int, int]]:
    starts = [i for i, ch in enumerate(low) if ch.isalpha() and (i == 0 or not low[i - 1].isalnum())]
    found = set()
    for code, source in TRIGGERS:
        pattern = re.compile(source)
        for i in starts:
            m = pattern.match(low, i)
            if m:
                found.add((code, i, m.end()))
    return found


# One-word patterns found by the automaton alone: a word character after the word (a letter, a digit, "_", an
# accented letter) means no match, as the patterns' \b says; punctuation, a hyphen or the end of text is a match.
WORDS = ("Shellfish and shells_ were shelled; shelling. Bombed2 and bombedé, but bombed-out and bombed, airstrike "
         "airstrikes airstrikesx. Kidnappings; re-kidnapped; warplane")


@pytest.mark.parametrize("text", [TRICKY, WORDS, SAMPLE.read_text(encoding="utf-8")], ids=["tricky", "words", "sample"])
def test_anchored_scan_equals_trying_every_pattern_everywhere(text: str) -> None:
    low = fold(text)
    assert {(t.subtype, t.start, t.end) for t in _scan(low, text, 0)} == _brute_force(low)


def test_one_word_patterns_are_found_without_regex() -> None:
    assert _word_forms(r"shell(?:ed|ing|s)?\b") == ("shell", "shelled", "shelling", "shells")
    assert _word_forms(r"airstrikes?\b") == ("airstrike", "airstrikes")
    assert _word_forms(r"rap(?:e|ed)\b") == ("rape", "raped")
    assert _word_forms(r"car\s+bombs?\b") is None and _word_forms(r"gunmen") is None  # two words; no \b
    low = fold(WORDS)
    assert {low[t.start:t.end] for t in _scan(low, WORDS, 0) if t.subtype == "strike.missile_artillery"} \
        >= {"shelled", "shelling"}


def test_first_words() -> None:
    assert _first_words(r"\bcar\s+bombs?\b") == ("car ",)  # a whole word: not found in "carried"
    assert _first_words(r"\bmissiles?\s+struck") == ("missile",)  # "missile" or "missiles": a prefix
    assert _first_words(r"\b(?:troops|forces)\s+entered\b") == ("troops ", "forces ")
    assert _first_words(r"\bre-establish(?:ed|ing)?\b") == ("re-establish",)
    assert _first_words(r"\b(?:also\s+)?claimed\s+by\b") == ("also ", "claimed ")  # the first word may be absent
    assert _first_words(r"\b(?:a|an)\s+blast\b") is None  # too short to anchor: tried everywhere
    assert sum(a is None for a in ANCHORS) <= 3


@pytest.mark.parametrize(("text", "expected"), [
    ("a\nb\tc\u00a0d\u2009e  f", " a b c d e  f"),  # every kind of space
    ("drone-strike, “shelling”: x_y", " drone strike   shelling   x y"),  # punctuation and quotes
    ("Київ—ok", " київ ok"),  # letters of other scripts stay
])
def test_word_starts_keeps_offsets(text: str, expected: str) -> None:
    assert word_starts(text.lower()) == expected and len(word_starts(text)) == len(text) + 1


@pytest.mark.parametrize(("text", "found"), [
    ("He was taken into custody on Monday.", True),  # a pattern that starts with a function word
    ("The island is not for sale, she said.", True),
    ("The mission to custody-free zones ended.", False),
])
def test_patterns_that_start_with_a_function_word(text: str, found: bool) -> None:
    hits = find_triggers(Sentence(0, len(text), text))
    assert any(t.subtype in ("coercion.arrest", "diplomacy.rejection") for t in hits) == found


@pytest.mark.parametrize(("text", "found"), [
    ("Frye, who was shot multiple times, was pronounced dead.", True),  # a person shot
    ("Two officers were shot and wounded at the scene.", True),
    ("Mixon was fatally shot.", True),
    ("The helicopter was shot down over the ridge.", False),  # an aircraft: not an attack on people
    ("He shot a round of 68 on Sunday.", False),
])
def test_people_shot_are_attacked(text: str, found: bool) -> None:
    low = fold(text)
    assert any(t.subtype == "civilians.attack" for t in _scan(low, text, 0)) is found


@pytest.mark.parametrize(("text", "found"), [
    ("Police arrested two men after the raid.", True),
    ("The arrest of the mayor sparked protests.", True),
    ("He was charged with evading arrest.", False),  # a charge, not a detention
    ("Police had four warrants out for her arrest.", False),  # a warrant, not a detention
])
def test_arrests_are_detentions(text: str, found: bool) -> None:
    low = fold(text)
    assert any(t.subtype == "coercion.arrest" for t in _scan(low, text, 0)) is found


@pytest.mark.parametrize(("text", "subtype"), [
    ("Government troops and rebels traded fire on the outskirts of the town.", "combat.clash"),
    ("The EU imposed travel bans and asset freezes on the general and his aides.", "coercion.sanction"),
    ("The Arab League voted to suspend Syria's membership.", "coercion.sanction"),
    ("Algeria cut diplomatic ties with Morocco.", "coercion.sanction"),
    ("The battery knocked a Grad rocket out of the sky.", "strike.intercepted"),
    ("Troops used toxic agents against villagers.", "strike.chemical"),
    ("Two men steered a small boat laden with explosives alongside the destroyer.", "strike.explosive"),
    ("Washington alone expelled 60 Russian diplomats.", "coercion.sanction"),
    ("The candidate was gunned down as he left a campaign rally.", "civilians.attack"),
    ("More than 20 countries ordered out over 100 Russian diplomats.", "coercion.sanction"),
    ("Guards opened fire in the square, killing at least 11 people.", "civilians.attack"),
    ("An envelope addressed to the president tested positive for ricin.", "strike.chemical"),
    ("Police tore down thousands of shacks in the township.", "coercion.destruction"),
    ("The memorandum grants Israel $38 billion in defence assistance.", "support.military_aid"),
    ("The State Department cleared a possible sale to Ukraine of 210 Javelin missiles.", "support.military_aid"),
])
def test_news_vocabulary(text: str, subtype: str) -> None:
    low = fold(text)
    assert any(t.subtype == subtype for t in _scan(low, text, 0))
