"""Measure recognition and resolution against gold corpora in the ../shared/eval JSONL format.

End to end: a predicted span matches a gold span when they overlap (one to one, greedy by
overlap); precision and recall count matched spans. Resolution figures are over matched spans
with gold coordinates: acc@161 km, median and mean error, and AUC of log error (Gritta et al.
2018: the mean of log(1 + km) / log(20039), lower is better). Oracle mode resolves the gold spans
themselves; a span with no gazetteer candidate counts as an error of the maximum distance.
"""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from geo.errors import InputError
from geo.models import Toponym
from geo.pipeline import Geoparser
from geo.resolve import haversine_km

MAX_KM = 20039.0
CORPORA = ("lgl", "trnews", "geovirus", "wiktor")


def prf(right: int, predicted: int, gold: int) -> tuple[float, float, float]:
    """Precision, recall and F1 from counts; 0 where a denominator is 0."""
    p = right / predicted if predicted else 0.0
    r = right / gold if gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


@dataclass
class Scores:
    """Counts accumulated over a corpus; figures derived on demand."""

    gold: int = 0
    predicted: int = 0
    matched: int = 0
    errors_km: list[float] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return prf(self.matched, self.predicted, self.gold)[0]

    @property
    def recall(self) -> float:
        return prf(self.matched, self.predicted, self.gold)[1]

    @property
    def f1(self) -> float:
        return prf(self.matched, self.predicted, self.gold)[2]

    def acc(self, km: float = 161.0) -> float:
        return sum(e <= km for e in self.errors_km) / len(self.errors_km) if self.errors_km else 0.0

    @property
    def auc(self) -> float:
        if not self.errors_km:
            return 0.0
        return statistics.fmean(math.log1p(e) / math.log1p(MAX_KM) for e in self.errors_km)

    def row(self) -> dict[str, float]:
        e = self.errors_km
        return {"P": self.precision, "R": self.recall, "F1": self.f1, "acc@161": self.acc(),
                "median_km": statistics.median(e) if e else 0.0, "mean_km": statistics.fmean(e) if e else 0.0,
                "AUC": self.auc, "n": len(e)}


def read_jsonl(path: Path, *, limit: int | None = None) -> Iterator[dict]:
    with path.open(encoding="utf-8") as fh:
        for i, line in enumerate(fh, 1):
            if limit is not None and i > limit:
                return
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as err:
                    raise InputError(f"{path}:{i}: invalid JSON: {err.msg}") from err


def match_spans(pred: list[tuple[int, int]], gold: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """One-to-one pairs (pred index, gold index) of overlapping spans, largest overlap first."""
    pairs = []
    for i, (ps, pe) in enumerate(pred):
        for j, (gs, ge) in enumerate(gold):
            overlap = min(pe, ge) - max(ps, gs)
            if overlap > 0:
                pairs.append((overlap, i, j))
    used_p, used_g, out = set(), set(), []
    for _, i, j in sorted(pairs, reverse=True):
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            out.append((i, j))
    return out


def _error(top: Toponym | None, gold: dict) -> float:
    if top is None:
        return MAX_KM
    return haversine_km(top.place.lat, top.place.lon, gold["lat"], gold["lon"])


def evaluate_doc(parser: Geoparser, doc: dict, scores: Scores, *, oracle: bool, baseline: bool) -> None:
    gold = doc.get("toponyms", [])
    text = doc["text"]
    if oracle:
        spans = [(g["start"], g["end"]) for g in gold]
        found = {(t.mention.start, t.mention.end): t
                 for t in parser.resolve_spans(text, spans, baseline=baseline)}
        scores.gold += len(gold)
        scores.predicted += len(gold)
        scores.matched += len(gold)
        for g in gold:
            if g.get("lat") is not None:
                scores.errors_km.append(_error(found.get((g["start"], g["end"])), g))
        return
    preds = parser.geoparse(text, baseline=baseline)
    pairs = match_spans([(t.mention.start, t.mention.end) for t in preds],
                        [(g["start"], g["end"]) for g in gold])
    scores.gold += len(gold)
    scores.predicted += len(preds)
    scores.matched += len(pairs)
    for i, j in pairs:
        if gold[j].get("lat") is not None:
            scores.errors_km.append(_error(preds[i], gold[j]))


def evaluate_corpus(parser: Geoparser, path: Path, *, oracle: bool = False, baseline: bool = False,
                    limit: int | None = None) -> Scores:
    scores = Scores()
    for doc in read_jsonl(path, limit=limit):
        evaluate_doc(parser, doc, scores, oracle=oracle, baseline=baseline)
    return scores


def format_table(rows: list[tuple[str, str, Scores]]) -> str:
    head = f"{'corpus':<10} {'mode':<18} {'P':>6} {'R':>6} {'F1':>6} {'acc@161':>8} " \
           f"{'med km':>8} {'mean km':>8} {'AUC':>6} {'n':>6}"
    lines = [head, "-" * len(head)]
    for corpus, mode, s in rows:
        r = s.row()
        lines.append(f"{corpus:<10} {mode:<18} {r['P']:6.3f} {r['R']:6.3f} {r['F1']:6.3f} {r['acc@161']:8.3f} "
                     f"{r['median_km']:8.1f} {r['mean_km']:8.0f} {r['AUC']:6.3f} {r['n']:6d}")
    return "\n".join(lines)
