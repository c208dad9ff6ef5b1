"""Event typing by a linear model over words, beside the trigger lexicon.

The lexicon (:mod:`geo.triggers`) knows only the phrasings it lists, and its words are also everyday
words: measured on notes written by people who never saw it, about a third of event sentences fire no
trigger at all, and a sentence with one trigger is often read as the wrong sub-type; on real news
most sentences it fires on report no event ("visited a clinic"). This model reads the words of a
sentence and says which sub-type it reports, or ``none``: for sentences no trigger explains, to veto
a sentence's triggers it is sure report nothing, and to retype a single trigger it finds unlikely
(see :func:`geo.events._classified`). It is a multinomial logistic regression over TF-IDF word
weights (a few class weights per word), trained by ``scripts/train_typer.py`` on hand-written notes,
non-event news sentences and labelled real-news sentences; the weights live in ``data/typer.json``
(flat lists of the sparse weights) and inference sums a few weights per word in plain Python.
Explainable like a trigger: the word that weighed most for the chosen sub-type is the event's evidence.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import accumulate
from pathlib import Path

from geo.textutil import fold

MODEL_PATH = Path(__file__).resolve().parent.parent / "data" / "typer.json"
NONE = "none"
PLACE = "placename"  # stands for every place name, see mask_places
PRUNE = 0.25  # weights smaller than this are not shipped
_TOKEN = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*")
# Words that weigh in the model but explain nothing to a reader: never an event's evidence. English function
# words (pronouns, determiners, prepositions, conjunctions, auxiliaries), quantities, and the verbs of reporting.
FUNCTION_WORDS = frozenset("""a about above across after again against ago all along already also although am
    amid among an and another any are around as at be because been before behind being below between beyond both
    but by can cannot could despite did do does during each either even ever every few first for from had has
    have he her here hers herself him himself his how however i if in inside into is it it's its itself just last
    many may me might mine more most much must my near neither never next no nor not now of off on once one only
    onto or other our ours ourselves out outside over own per said same say says second several shall she should
    since so some still such than that the their theirs them themselves then there these they this those though
    through told tells to too toward towards under unless until up upon us very via was we were whether
    what when where which while who whom why will with would you <num>""".split())
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
    text = text if folded else fold(text)
    tokens = _TOKEN.findall(text)
    if _DIGIT.search(text) is None:  # most sentences: no number to replace
        return tokens
    return [w if w.isalpha() or not _DIGIT.search(w) else "<num>" for w in tokens]


@dataclass(frozen=True)
class Prediction:
    subtype: str  # a sub-type code, or NONE
    probability: float
    evidence: str  # the word that weighed most for ``subtype`` ("" for NONE)
    probabilities: tuple[float, ...] = ()  # of every class, in the model's order (empty: no known word)


@dataclass(frozen=True)
class TypeModel:
    classes: tuple[str, ...]
    idf: dict[str, float]
    weights: Mapping[str, Sequence[Sequence[float]]]  # word -> (class index, weight) pairs for its weights that count
    bias: tuple[float, ...]
    threshold: float  # below this probability a sentence is not an event
    meta: dict
    # The model retypes a lexicon reading it gives at most this probability (0: never), see geo.events._classified
    override: float = 0.0
    # A sentence the lexicon reads as an event is none when the model gives ``none`` at least this (0: never):
    # trigger words such as "visited", "agreement" or "warrant" are everyday words in news.
    veto: float = 0.0
    # A binary event/none model read first where ``gated``: below ``gate_threshold`` the sentence is no event
    # without the 32-class scoring (most news sentences). Empty: no gate.
    gate: dict[str, float] = field(default_factory=dict)
    gate_bias: float = 0.0
    gate_threshold: float = 0.0

    @classmethod
    def from_arrays(cls, classes: Sequence[str], terms: Sequence[str], idf: Sequence[float],
                    coef: Sequence[Sequence[float]], bias: Sequence[float], threshold: float, meta: dict,
                    prune: float = PRUNE, override: float = 0.0, gate: Sequence[float] = (), gate_bias: float = 0.0,
                    gate_threshold: float = 0.0, veto: float = 0.0) -> TypeModel:
        """From a fitted vectoriser and logistic regression (``coef``: one row per word), dropping weights
        below ``prune``: a fifth of them remain, with the same decision on 99.8% of sentences."""
        return cls(classes=tuple(classes), idf={w: float(v) for w, v in zip(terms, idf, strict=True)},
                   weights={w: tuple((k, round(float(x), 3)) for k, x in enumerate(row) if abs(x) >= prune)
                            for w, row in zip(terms, coef, strict=True)},
                   bias=tuple(float(b) for b in bias), threshold=threshold, meta=meta, override=override, veto=veto,
                   gate={w: round(float(x), 3) for w, x in zip(terms, gate, strict=False) if round(float(x), 3)},
                   gate_bias=gate_bias, gate_threshold=gate_threshold)

    def probability_of(self, prediction: Prediction, subtype: str) -> float:
        """The probability the model gave ``subtype`` (0 for a class it does not know)."""
        if subtype not in self.classes or not prediction.probabilities:
            return 0.0
        return prediction.probabilities[self.classes.index(subtype)]

    def predict(self, text: str, *, folded: bool = False) -> Prediction:
        return self.predict_many([text], folded=folded)[0]

    def predict_many(self, texts: Sequence[str], *, folded: bool = False,
                     gated: Sequence[bool] | None = None) -> list[Prediction]:
        """``gated``: for each text, whether the gate may answer ``none`` first (a sentence no trigger
        explains); a text the lexicon already calls an event needs its full distribution."""
        return [self._predict(text, folded, bool(gated and gated[i])) for i, text in enumerate(texts)]

    def passes_gate(self, counts: Counter) -> bool:
        """Whether the binary model finds an event likely enough to score all classes (always, without one)."""
        if not self.gate_threshold:
            return True
        rows = self._gate_rows
        z = norm = 0.0
        for w, c in counts.items():
            row = rows.get(w)
            if row is None:
                continue
            weight, g = row
            x = weight if c == 1 else weight * (1.0 + math.log(c))
            norm += x * x
            z += g * x
        return norm > 0.0 and 1.0 / (1.0 + math.exp(-(self.gate_bias + z / math.sqrt(norm)))) >= self.gate_threshold

    def _predict(self, text: str, folded: bool, gated: bool = False) -> Prediction:
        """Softmax over the classes of the text's TF-IDF vector (sublinear tf, l2-normalised), in plain Python:
        each known word brings its row of idf-scaled class weights and the rows are summed column by column
        in C, which for the few dozen words of a sentence costs less than importing numpy would."""
        rows, idf = self._rows, self.idf
        known: list[str] = []
        vectors: list[list[float]] = []
        counts = Counter(words(text, folded=folded))  # counted in C
        if gated and not self.passes_gate(counts):
            return Prediction(NONE, 1.0, "")
        for w, c in counts.items():
            row = rows.get(w)
            if row is None and w in idf:
                row = self._row(w)
            if row is not None:
                known.append(w)
                if c > 1:  # sublinear tf: a word seen c times weighs (1 + log c) times its idf
                    tf = 1.0 + math.log(c)
                    row = [x * tf for x in row]
                vectors.append(row)
        if not known:
            return Prediction(NONE, 1.0, "")
        norm = math.sqrt(sum([v[-1] * v[-1] for v in vectors]))
        scores = [b + total / norm for b, total in zip(self.bias, map(sum, zip(*vectors, strict=True)), strict=False)]
        top = max(scores)
        best = scores.index(top)  # the first of equal scores, as argmax
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        probabilities = tuple(e / total for e in exps)
        probability = probabilities[best]
        if self.classes[best] == NONE:
            return Prediction(NONE, probability, "", probabilities)
        # Evidence: the text's word that weighed most for the class. Place names and function words never count,
        # and without a word that speaks for the class there is no event: "ORLANDO, Fla." is a dateline, not a
        # claim on Florida.
        weight, evidence = max(((v[best], w) for w, v in zip(known, vectors, strict=True)
                                if w != PLACE and w not in FUNCTION_WORDS), key=lambda p: p[0], default=(0.0, ""))
        if weight <= 0.0:
            return Prediction(NONE, probability, "", probabilities)
        return Prediction(self.classes[best], probability, evidence, probabilities)

    @cached_property
    def _rows(self) -> dict[str, list[float]]:
        """Rows built so far (see _row): a batch reads a few thousand of the words, a short text a few dozen."""
        return {}

    def _row(self, w: str) -> list[float]:
        """A known word's weight for every class times its idf, then the idf: the class scores and tf-idf value
        of the word seen once. zip() over the classes stops before the idf."""
        idf = self.idf[w]
        row = [0.0] * len(self.classes) + [idf]
        for k, weight in self.weights[w]:
            row[k] = weight * idf
        self._rows[w] = row
        return row

    @cached_property
    def _gate_rows(self) -> dict[str, tuple[float, float]]:
        """Each known word's idf and gate weight: one lookup per word where the gate is read."""
        gate = self.gate
        return dict(zip(self.idf, zip(self.idf.values(), (gate.get(w, 0.0) for w in self.idf), strict=True),
                        strict=True))

    def to_json(self) -> str:
        """The model as flat lists, one entry per word of ``vocabulary`` (and its (class, weight) pairs one
        after another): a quarter the parsing time of one small list per pair."""
        vocabulary = sorted(self.idf)
        pairs = [(k, x) for w in vocabulary for k, x in self.weights[w]]
        return json.dumps({"classes": list(self.classes), "threshold": self.threshold, "override": self.override,
                           "veto": self.veto, "meta": self.meta, "bias": [round(b, 4) for b in self.bias],
                           "gate": {"bias": round(self.gate_bias, 4), "threshold": self.gate_threshold},
                           "vocabulary": vocabulary, "idf": [round(self.idf[w], 4) for w in vocabulary],
                           "gate_weights": [round(self.gate.get(w, 0.0), 3) for w in vocabulary],
                           "pairs_per_word": [len(self.weights[w]) for w in vocabulary],
                           "pair_classes": [k for k, _ in pairs], "pair_weights": [x for _, x in pairs]},
                          separators=(",", ":"), ensure_ascii=False)


class _Pairs(Mapping[str, Sequence[tuple[int, float]]]):
    """Each word's (class, weight) pairs, unpacked from the flat lists of data/typer.json when first asked for."""

    def __init__(self, vocabulary: Sequence[str], counts: Sequence[int], classes: Sequence[int],
                 weights: Sequence[float]) -> None:
        ends = list(accumulate(counts))
        # word -> (start, end) of its pairs in the flat lists
        self._span = dict(zip(vocabulary, zip([0, *ends], ends, strict=False), strict=True))
        self._classes, self._weights = classes, weights

    def __getitem__(self, w: str) -> list[tuple[int, float]]:
        start, end = self._span[w]
        return list(zip(self._classes[start:end], self._weights[start:end], strict=True))

    def __iter__(self) -> Iterator[str]:
        return iter(self._span)

    def __len__(self) -> int:
        return len(self._span)


def decide(subtype: str, probability: float, threshold: float) -> str:
    """The sub-type a prediction stands for: an event class below the threshold is ``none`` (one rule for
    training, which picks the threshold, and for events, which applies it)."""
    return subtype if subtype != NONE and probability >= threshold else NONE


def enabled() -> bool:
    """``NEWSMAP_EVENT_MODEL=off`` leaves finding and typing events to the lexicon alone: faster (``make bench``
    prints both), but no sentence without a trigger becomes an event and no everyday use of a trigger word is
    vetoed."""
    return os.environ.get("NEWSMAP_EVENT_MODEL", "on").strip().lower() not in ("off", "0", "false", "no")


@lru_cache(maxsize=4)
def load_typer(path: Path = MODEL_PATH) -> TypeModel | None:
    """The trained model, or None when the file is absent (the lexicon then works alone)."""
    if not Path(path).exists():
        return None
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    vocabulary = raw["vocabulary"]
    return TypeModel(classes=tuple(raw["classes"]), idf=dict(zip(vocabulary, raw["idf"], strict=True)),
                     weights=_Pairs(vocabulary, raw["pairs_per_word"], raw["pair_classes"], raw["pair_weights"]),
                     bias=tuple(float(b) for b in raw["bias"]), threshold=float(raw["threshold"]),
                     meta=raw.get("meta", {}), override=float(raw.get("override", 0.0)),
                     veto=float(raw.get("veto", 0.0)),
                     gate={w: g for w, g in zip(vocabulary, raw["gate_weights"], strict=True) if g},
                     gate_bias=float(raw.get("gate", {}).get("bias", 0.0)),
                     gate_threshold=float(raw.get("gate", {}).get("threshold", 0.0)))
