"""Event typing by a linear model over words, for sentences no trigger of the lexicon explains.

The lexicon (:mod:`geo.triggers`) is precise but knows only the phrasings it lists; measured on notes
written by people who never saw it, about a third of event sentences fire no trigger at all. This
model reads the words of such a sentence and says which sub-type it reports, or ``none``. It is a
multinomial logistic regression over TF-IDF word weights (a few class weights per word), trained by
``scripts/train_typer.py`` on hand-written notes and non-event news sentences; the weights live in
``data/typer.json`` (sparse) and inference is a product with the dense matrix built from it (numpy).
Explainable like a trigger: the word that weighed most for the chosen sub-type is the event's evidence.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

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
        return self.predict_many([text], folded=folded)[0]

    def predict_many(self, texts: Sequence[str], *, folded: bool = False) -> list[Prediction]:
        """Softmax over the classes of each text's TF-IDF vector (sublinear tf, l2-normalised), all texts in
        one vectorised pass: a document's sentences cost a few array operations, not a Python loop each."""
        import numpy as np  # only where events are typed: geoparsing alone does not pay for it

        terms, idf, weights = self._dense
        rows: list[int] = []
        tf: list[int] = []
        bounds = [0]
        get = terms.get
        for text in texts:
            counts = Counter(map(get, words(text, folded=folded)))  # counted in C; None: not a known word
            counts.pop(None, None)
            rows += counts
            tf += counts.values()
            bounds.append(len(rows))
        n = len(texts)
        ends = np.array(bounds)
        filled = ends[:-1] < ends[1:]
        scores = np.tile(np.array(self.bias), (n, 1))
        idx = np.array(rows, dtype=np.intp)
        contributions = np.zeros((0, len(self.classes)))
        if rows:
            x = (1.0 + np.log(np.array(tf, dtype=np.float64))) * idf[idx]
            x /= np.repeat(np.sqrt(np.add.reduceat(x * x, ends[:-1][filled])), np.diff(ends)[filled])
            contributions = weights[idx] * x[:, None]  # (every word of every text, classes)
            scores[filled] += np.add.reduceat(contributions, ends[:-1][filled], axis=0)
        best = scores.argmax(axis=1)
        exp = np.exp(scores - scores[np.arange(n), best][:, None])
        probability = 1.0 / exp.sum(axis=1)
        place = terms.get(PLACE, -1)
        out = []
        for i, k in enumerate(best):
            if not filled[i]:
                out.append(Prediction(NONE, 1.0, ""))
            elif self.classes[k] == NONE:
                out.append(Prediction(NONE, float(probability[i]), ""))
            else:
                a, b = bounds[i], bounds[i + 1]
                weighed = np.where(idx[a:b] == place, -np.inf, contributions[a:b, k])  # evidence: a word of the text
                evidence = self._terms[rows[a + int(weighed.argmax())]]
                out.append(Prediction(self.classes[k], float(probability[i]), evidence))
        return out

    @cached_property
    def _terms(self) -> list[str]:
        return sorted(self.idf)

    @cached_property
    def _dense(self) -> tuple[dict[str, int], Any, Any]:
        """Word index, idf vector and weight matrix (words x classes), built once from the sparse weights."""
        import numpy as np

        index = {w: i for i, w in enumerate(self._terms)}
        weights = np.zeros((len(index), len(self.classes)))
        for w, row in self.weights.items():
            for k, x in row:
                weights[index[w], k] = x
        return index, np.array([self.idf[w] for w in self._terms]), weights

    def to_json(self) -> str:
        return json.dumps({"classes": list(self.classes), "threshold": self.threshold, "meta": self.meta,
                           "bias": [round(b, 4) for b in self.bias],
                           "words": {w: [round(self.idf[w], 4), [[k, x] for k, x in self.weights[w]]]
                                     for w in sorted(self.idf)}},
                          separators=(",", ":"), ensure_ascii=False)


def enabled() -> bool:
    """``NEWSMAP_EVENT_MODEL=off`` leaves typing to the lexicon alone: fewer events found, about a third
    less time spent on events (``make bench`` prints both)."""
    return os.environ.get("NEWSMAP_EVENT_MODEL", "on").strip().lower() not in ("off", "0", "false", "no")


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
