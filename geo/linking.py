"""Event-place linking: which of a sentence's places is where the event happened.

A logistic model scores each (trigger, candidate place) pair from features a reader would use:
the preposition governing the place ("in", "near", "from"), how far it is from the trigger and on
which side, whether another place is nearer, what kind of place it is, whether it is an actor
("Ukraine's Security Service") or only situates another place ("Russia's Lipetsk region"). The
weights live in ``data/linker.json`` and are trained by ``scripts/train_linker.py`` on one half
of Halterman's EventLocation data; ``make eval`` reports the other half. Every weight has a name,
so a link can be explained feature by feature.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

MODEL_PATH = Path(__file__).resolve().parent.parent / "data" / "linker.json"

PREPOSITIONS = ("in", "at", "near", "on", "over", "outside", "inside", "into", "across", "around", "throughout",
                "toward", "towards", "of", "to", "against", "from", "with", "by", "for", "between", "through",
                "within", "along", "off", "and", "via", "toward", "capital", "city", "town", "village")
# Determiners and adjectives between a preposition and its place: "in this Albany suburb", "in the mountainous
# Vedeno region", "in rebel-held Idlib", "in Russia's Kostroma region".
_SKIPPABLE = re.compile(r"^(?:the|a|an|this|that|these|those|its|their|his|her|our|northern|southern|eastern|western|"
                        r"central|north|south|east|west|north-?eastern|north-?western|south-?eastern|south-?western|"
                        r"nearby|neighbou?ring|rural|remote|restive|seaside|coastal|[\w’'.-]+['’]s|"
                        r"[\w-]+-(?:held|controlled|occupied|torn|hit|dominated|run)|[a-z]+(?:ous|ern|ic|ful))$", re.I)
_WORDS = re.compile(r"[\w’'.-]+")
SPEECH = re.compile(r"\b(?:said|says|told|according|reported|announced|added|stated|claimed)\b", re.I)
# Words for a kind of place ("the town of X", "X district"): one list for the linker's features and for
# geo.events, which finds unknown names by them.
SETTLEMENT = (r"(?:town|village|city|district|neighbou?rhood|suburb|area|camp|province|region|county|locality|"
              r"localities|hamlet|settlement|sector|municipality|township|quarter|governorate|state|oblast|countryside|island|base)")
_SETTLEMENT_AFTER = re.compile(r"^\s+" + SETTLEMENT + r"\b", re.I)
_SETTLEMENT_OF = re.compile(r"\b" + SETTLEMENT + r"s?\s+of\s+(?:the\s+)?$", re.I)
_DIRECTION_OF = re.compile(r"\b(?:north|south|east|west|northeast|northwest|southeast|southwest)(?:ern)?\s+of\s+"
                           r"(?:the\s+)?$", re.I)
_NEAR = re.compile(r"\b(?:near|outside|outskirts\s+of|close\s+to|around|countryside\s+of)\s+(?:the\s+)?$", re.I)
KINDS = ("city", "admin1", "admin2", "country", "continent", "feature", "unresolved")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A place span the event could be at, with what the text says about it."""

    start: int
    end: int
    kind: str  # a Place kind, or "unresolved" for a name the gazetteer lacks
    form: str = "name"  # name | alt | abbr | demonym | unresolved
    actor: bool = False
    container: bool = False
    country: str = ""  # ISO code of a resolved place, to see which candidates contain which
    admin1: str = ""


def governing_word(text: str, start: int) -> str:
    """The preposition (or other word) a place hangs on: "in Russia's Kostroma region" -> "in"."""
    words = _WORDS.findall(text[max(0, start - 60):start].lower())
    skipped = 0
    while words and skipped < 3 and words[-1] not in PREPOSITIONS and _SKIPPABLE.match(words[-1]):
        words.pop()
        skipped += 1
    return words[-1] if words else ""


def features(text: str, trigger: tuple[int, int], cand: Candidate, others: Sequence[Candidate],
             sentence_start: int = 0) -> dict[str, float]:
    """Named features of one (trigger, candidate) pair; ``others`` are all the candidates, this one included."""
    t_start, t_end = trigger
    after = cand.start >= t_end
    inside = t_start <= cand.start < t_end
    gap = 0 if inside else (cand.start - t_end if after else t_start - cand.end)
    gap = max(gap, 0)
    between = text[t_end:cand.start] if after else text[cand.end:t_start]
    word = governing_word(text, cand.start)
    prep = word if word in PREPOSITIONS else "other"
    f: dict[str, float] = {"bias": 1.0, f"kind={cand.kind}": 1.0, f"prep={prep}": 1.0}
    if cand.form in ("demonym", "abbr", "alt"):
        f[f"form={cand.form}"] = 1.0
    f["actor"] = float(cand.actor)
    f["container"] = float(cand.container)
    f["after"] = float(after)
    f["inside_trigger"] = float(inside)
    f["gap"] = min(gap, 400) / 100
    f["gap_far"] = float(gap > 120)
    f["gap_words"] = min(len(_WORDS.findall(between)), 40) / 10
    f["commas_between"] = min(between.count(",") + between.count(";"), 3)
    f["speech_between"] = float(bool(SPEECH.search(between)))
    mine = _gap(cand, trigger)
    rank = sum(1 for o in others if _gap(o, trigger) < mine)
    f["nearest"] = float(rank == 0)
    f["rank"] = min(rank, 4) / 4
    f["n_candidates"] = min(len(others), 6) / 6
    f["only_candidate"] = float(len(others) == 1)
    f["between_candidates"] = min(sum(1 for o in others if o is not cand and _between(o, cand, trigger)), 3)
    rest = text[cand.end:cand.end + 40]
    before = text[max(0, cand.start - 40):cand.start]
    f["possessive_after"] = float(rest[:1] in ("'", "’") and rest[1:2] == "s" and not rest[2:3].isalnum())
    f["settlement_after"] = float(bool(_SETTLEMENT_AFTER.match(rest)))
    f["settlement_of"] = float(bool(_SETTLEMENT_OF.search(before)))
    f["direction_of"] = float(bool(_DIRECTION_OF.search(before)))
    f["near_phrase"] = float(bool(_NEAR.search(before)))
    f["sentence_initial"] = float(len(_WORDS.findall(text[sentence_start:cand.start])) <= 2)
    f["first_candidate"] = float(min(others, key=lambda o: o.start) is cand)
    f["in_parentheses"] = float(before.rfind("(") > before.rfind(")"))
    # "Gursai in Mendher sector", "Sopore town in Baramulla district": the first names the spot, the second situates it
    f["situated_by_next"] = float(any(_chained(text, cand, o) for o in others if o.start >= cand.end))
    f["situates_previous"] = float(any(_chained(text, o, cand) for o in others if o.end <= cand.start))
    f["contains_other"] = float(any(_contains(cand, o) for o in others if o is not cand))
    f["words"] = min(len(text[cand.start:cand.end].split()), 4) / 4
    # What a linear model cannot combine by itself: "in X" right after the verb is not "in X" three clauses later.
    side = "after" if after else "before"
    f[f"prep={prep}&{side}"] = 1.0
    f[f"kind={cand.kind}&{side}"] = 1.0
    if gap <= 40:
        f[f"prep={prep}&close"] = 1.0
    if rank == 0:
        f[f"kind={cand.kind}&nearest"] = 1.0
    return f


_CHAIN = re.compile(r"^(?:\s+" + SETTLEMENT + r"s?)?\s*(?:,|\bin\b|\bof\b)\s*(?:the\s+)?"
                    r"(?:(?:north|south|east|west|central)\w*\s+)?$", re.I)


def situates(text: str, first_end: int, second_start: int) -> bool:
    """Whether the place starting at ``second_start`` situates the one ending at ``first_end``: "Gursai in
    Mendher sector", "Bara, North Kordofan", "Sopore town in Baramulla district"."""
    gap = text[first_end:second_start]
    return len(gap) <= 30 and bool(_CHAIN.match(gap))


def _chained(text: str, first: Candidate, second: Candidate) -> bool:
    return situates(text, first.end, second.start)


def _contains(c: Candidate, o: Candidate) -> bool:
    """Does the resolved place ``c`` contain ``o`` (a country and one of its towns, a region and its town)?"""
    if not c.country or c.country != o.country:
        return False
    if c.kind == "country":
        return o.kind in ("admin1", "admin2", "city", "feature")
    return c.kind == "admin1" and o.kind in ("admin2", "city") and bool(c.admin1) and c.admin1 == o.admin1


def _gap(c: Candidate, trigger: tuple[int, int]) -> int:
    t_start, t_end = trigger
    if t_start <= c.start < t_end:
        return 0
    return max(c.start - t_end, 0) if c.start >= t_end else max(t_start - c.end, 0)


def _between(o: Candidate, c: Candidate, trigger: tuple[int, int]) -> bool:
    """Is ``o`` between the trigger and ``c``?"""
    lo, hi = (trigger[1], c.start) if c.start >= trigger[1] else (c.end, trigger[0])
    return lo <= o.start and o.end <= hi


@dataclass(frozen=True)
class LinkModel:
    weights: dict[str, float]
    threshold: float
    meta: dict

    def probability(self, f: dict[str, float]) -> float:
        z = sum(self.weights.get(k, 0.0) * v for k, v in f.items())
        return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))

    def explain(self, f: dict[str, float], top: int = 5) -> list[tuple[str, float]]:
        """The features that weighed most on a link, with their contributions to the log-odds."""
        parts = [(k, self.weights.get(k, 0.0) * v) for k, v in f.items() if self.weights.get(k, 0.0) * v]
        return sorted(parts, key=lambda kv: -abs(kv[1]))[:top]

    def to_json(self) -> str:
        return json.dumps({"threshold": self.threshold, "meta": self.meta,
                           "weights": dict(sorted(self.weights.items()))}, indent=1)


@lru_cache(maxsize=4)
def load_model(path: Path = MODEL_PATH) -> LinkModel:
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    return LinkModel(weights={k: float(v) for k, v in raw["weights"].items()}, threshold=float(raw["threshold"]),
                     meta=raw.get("meta", {}))
