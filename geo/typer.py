"""Event typing by a linear model over words, for sentences no trigger of the lexicon explains.

The lexicon (:mod:`geo.triggers`) is precise but knows only the phrasings it lists; measured on notes
written by people who never saw it, about a third of event sentences fire no trigger at all. This
model reads the words of such a sentence and says which sub-type it reports, or ``none``. It is a
multinomial logistic regression over TF-IDF word weights (one row of weights per word), trained by
``scripts/train_typer.py`` on hand-written notes and non-event news sentences; the weights live in
``data/typer.json`` and inference is a sum of rows: no runtime dependency. Explainable like a
trigger: the word that weighed most for the chosen sub-type is the event's evidence.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

from geo.textutil import fold

MODEL_PATH = Path(__file__).resolve().parent.parent / "data" / "typer.json"
NONE = "none"
PLACE = "placename"  # stands for every place name, see mask_places
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
    terms: tuple[str, ...]  # the words, in the order of the rows of ``weights``
    idf: np.ndarray  # (words,)
    weights: np.ndarray  # (words, classes)
    bias: np.ndarray  # (classes,)
    threshold: float  # below this probability a sentence is not an event
    meta: dict

    def predict(self, text: str) -> Prediction:
        return self.predict_many([text])[0]

    def predict_many(self, texts: Sequence[str], *, folded: bool = False) -> list[Prediction]:
        """Softmax over the classes of each text's TF-IDF vector (sublinear tf, l2-normalised), in one
        vectorised pass: a document's sentences cost one matrix product, not one each."""
        rows: list[int] = []
        tf: list[float] = []
        bounds = [0]
        vocab = self.vocab
        for text in texts:
            counts: dict[int, int] = {}
            for w in words(text, folded=folded):
                j = vocab.get(w)
                if j is not None:
                    counts[j] = counts.get(j, 0) + 1
            rows.extend(counts)
            tf.extend(counts.values())
            bounds.append(len(rows))
        if not rows:
            return [Prediction(NONE, 1.0, "") for _ in texts]
        idx = np.array(rows, dtype=np.intp)
        x = (1.0 + np.log(np.array(tf))) * self.idf[idx]
        starts = np.array(bounds[:-1])
        filled = starts < np.array(bounds[1:])
        norms = np.sqrt(np.add.reduceat(x * x, starts[filled]))
        x /= np.repeat(norms, np.diff(np.array(bounds))[filled])
        contributions = self.weights[idx] * x[:, None]  # (all words, classes)
        scores = np.tile(self.bias, (len(texts), 1))
        scores[filled] += np.add.reduceat(contributions, starts[filled], axis=0)
        best = scores.argmax(axis=1)
        exp = np.exp(scores - scores.max(axis=1, keepdims=True))
        probability = exp[np.arange(len(texts)), best] / exp.sum(axis=1)
        out = []
        for i, k in enumerate(best):
            label = self.classes[k]
            if label == NONE or not filled[i]:
                out.append(Prediction(NONE, float(probability[i]) if filled[i] else 1.0, ""))
                continue
            a, b = bounds[i], bounds[i + 1]
            weighed = contributions[a:b, k].copy()
            weighed[idx[a:b] == self.vocab.get(PLACE, -1)] = -np.inf  # the evidence is a word of the text
            evidence = rows[a + int(weighed.argmax())]
            out.append(Prediction(label, float(probability[i]), self.terms[evidence]))
        return out

    @cached_property
    def vocab(self) -> dict[str, int]:
        return {w: i for i, w in enumerate(self.terms)}

    def to_json(self) -> str:
        return json.dumps({"classes": list(self.classes), "threshold": self.threshold, "meta": self.meta,
                           "bias": [round(float(b), 4) for b in self.bias],
                           "words": {w: [round(float(self.idf[i]), 4), [round(float(v), 3) for v in self.weights[i]]]
                                     for i, w in enumerate(self.terms)}},
                          separators=(",", ":"), ensure_ascii=False)


@lru_cache(maxsize=4)
def load_typer(path: Path = MODEL_PATH) -> TypeModel | None:
    """The trained model, or None when the file is absent (the lexicon then works alone)."""
    if not Path(path).exists():
        return None
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    entries = list(raw["words"].items())
    return TypeModel(classes=tuple(raw["classes"]), terms=tuple(w for w, _ in entries),
                     idf=np.array([v[0] for _, v in entries], dtype=np.float64),
                     weights=np.array([v[1] for _, v in entries], dtype=np.float64).reshape(len(entries), -1),
                     bias=np.array(raw["bias"], dtype=np.float64), threshold=float(raw["threshold"]),
                     meta=raw.get("meta", {}))
