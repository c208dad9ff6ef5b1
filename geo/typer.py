"""Event typing by a linear model over words, for sentences no trigger of the lexicon explains.

The lexicon (:mod:`geo.triggers`) is precise but knows only the phrasings it lists; measured on notes
written by people who never saw it, about a third of event sentences fire no trigger at all. This
model reads the words of such a sentence and says which sub-type it reports, or ``none``. It is a
multinomial logistic regression over TF-IDF word weights (a few class weights per word), trained by
``scripts/train_typer.py`` on hand-written notes and non-event news sentences; the weights live in
``data/typer.json`` and inference is a few additions per word in plain Python: no runtime dependency. Explainable like a
trigger: the word that weighed most for the chosen sub-type is the event's evidence.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from geo.textutil import fold

MODEL_PATH = Path(__file__).resolve().parent.parent / "data" / "typer.json"
NONE = "none"
PLACE = "placename"  # stands for every place name, see mask_places
PRUNE = 0.25  # weights smaller than this are not shipped
_TOKEN = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*")
_DIGIT = re.compile(r"[0-9]")


def mask_places(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """The text with each place span replaced by one placeholder word: the model learns what happened, not
    where ("Kyiv" says nothing about whether a sentence reports a strike or a summit)."""
    out, last = [], 0
    for start, end in sorted(spans):
        if start < last:
            continue
        out += [text[last:start], f" {PLACE} "]
        last = end
    out.append(text[last:])
    return "".join(out)


def words(text: str, *, folded: bool = False) -> list[str]:
    """Lower-cased, accent-folded word tokens (``folded``: the text already went through
    :func:`geo.textutil.fold`); numbers become ``<num>`` so tallies do not matter."""
    tokens = _TOKEN.findall(text if folded else fold(text))
    return [w if w.isalpha() or not _DIGIT.search(w) else "<num>" for w in tokens]


@dataclass(frozen=True)
class Prediction:
    subtype: str  # a sub-type code, or NONE
    probability: float
    evidence: str  # the word that weighed most for ``subtype`` ("" for NONE)


@dataclass(frozen=True)
class TypeModel:
    classes: tuple[str, ...]
    idf: dict[str, float]
    weights: dict[str, tuple[tuple[int, float], ...]]  # word -> (class index, weight) for its weights that count
    bias: tuple[float, ...]
    threshold: float  # below this probability a sentence is not an event
    meta: dict

    @classmethod
    def from_arrays(cls, classes: Sequence[str], terms: Sequence[str], idf: Sequence[float],
                    coef: Sequence[Sequence[float]], bias: Sequence[float], threshold: float, meta: dict,
                    prune: float = PRUNE) -> TypeModel:
        """From a fitted vectoriser and logistic regression (``coef``: one row per word), dropping weights
        below ``prune``: a fifth of them remain, with the same decision on 99.8% of sentences."""
        return cls(classes=tuple(classes), idf={w: float(v) for w, v in zip(terms, idf, strict=True)},
                   weights={w: tuple((k, round(float(x), 3)) for k, x in enumerate(row) if abs(x) >= prune)
                            for w, row in zip(terms, coef, strict=True)},
                   bias=tuple(float(b) for b in bias), threshold=threshold, meta=meta)

    def predict(self, text: str, *, folded: bool = False) -> Prediction:
        """Softmax over the classes of the text's TF-IDF vector (sublinear tf, l2-normalised)."""
        counts: dict[str, int] = {}
        for w in words(text, folded=folded):
            if w in self.idf:
                counts[w] = counts.get(w, 0) + 1
        if not counts:
            return Prediction(NONE, 1.0, "")
        x = {w: (1.0 + math.log(n)) * self.idf[w] for w, n in counts.items()}
        norm = math.sqrt(sum(v * v for v in x.values()))
        scores = list(self.bias)
        for w, v in x.items():
            for k, weight in self.weights[w]:
                scores[k] += weight * v / norm
        best = max(range(len(scores)), key=scores.__getitem__)
        top = scores[best]
        probability = 1.0 / sum(math.exp(s - top) for s in scores)
        if self.classes[best] == NONE:
            return Prediction(NONE, probability, "")
        weighed = {w: dict(self.weights[w]).get(best, 0.0) * v for w, v in x.items() if w != PLACE}
        return Prediction(self.classes[best], probability, max(weighed, key=weighed.__getitem__, default=""))

    def to_json(self) -> str:
        return json.dumps({"classes": list(self.classes), "threshold": self.threshold, "meta": self.meta,
                           "bias": [round(b, 4) for b in self.bias],
                           "words": {w: [round(self.idf[w], 4), [[k, x] for k, x in self.weights[w]]]
                                     for w in sorted(self.idf)}},
                          separators=(",", ":"), ensure_ascii=False)


@lru_cache(maxsize=4)
def load_typer(path: Path = MODEL_PATH) -> TypeModel | None:
    """The trained model, or None when the file is absent (the lexicon then works alone)."""
    if not Path(path).exists():
        return None
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    return TypeModel(classes=tuple(raw["classes"]), idf={w: float(v[0]) for w, v in raw["words"].items()},
                     weights={w: tuple((int(k), float(x)) for k, x in v[1]) for w, v in raw["words"].items()},
                     bias=tuple(float(b) for b in raw["bias"]), threshold=float(raw["threshold"]),
                     meta=raw.get("meta", {}))
