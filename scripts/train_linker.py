"""Train the event-place linking model (geo/linking.py) on half of Halterman's EventLocation data.

Training half: the even-numbered records of eventloc.jsonl; the odd ones are never seen here and
are what ``make eval`` reports as held out. Logistic regression (scikit-learn, ``pip install
'.[train]'``) over the named features of each (event verb, candidate place) pair; the regularisation
and the linking threshold are chosen by 5-fold cross-validation inside the training half, the
threshold to maximise link F1. Writes data/linker.json.
Usage: python scripts/train_linker.py [EVAL_DIR]
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

from geo.evaluate import prf, read_jsonl
from geo.events import Trigger, link_candidates, unresolved_places
from geo.linking import MODEL_PATH, LinkModel, features
from geo.pipeline import Geoparser

FOLDS = 5


def pairs(parser: Geoparser, path: Path, parity: int) -> list[tuple[int, bool, list[tuple[dict, bool]]]]:
    """(record number, has a gold location, [(features, is gold) per choosable candidate]) per event verb."""
    out = []
    for i, doc in enumerate(read_jsonl(path)):
        if i % 2 != parity:
            continue
        text = doc["text"]
        gold = [(g["start"], g["end"]) for g in doc.get("toponyms", [])]
        toponyms = parser.geoparse(text)
        cands = link_candidates(text, toponyms, unresolved_places(text, toponyms))
        others = [c for c, _ in cands]
        for verb in doc.get("event_verbs", []):
            trig = Trigger("other", verb["start"], verb["end"], verb["name"])
            rows = [(features(text, (trig.start, trig.end), c, others),
                     any(c.start < ge and gs < c.end for gs, ge in gold))
                    for c, _ in cands if not (c.actor or c.container)]
            out.append((i, bool(gold), rows))
    return out


def link_f1(events, probs, threshold: float) -> tuple[float, float, float]:
    correct = predicted = with_gold = 0
    k = 0
    for _, has_gold, rows in events:
        with_gold += has_gold
        p = probs[k:k + len(rows)]
        k += len(rows)
        if len(rows) and p.max() >= threshold:
            predicted += 1
            correct += rows[int(p.argmax())][1]
    return prf(correct, predicted, with_gold)


def fit(events, c: float, vec: DictVectorizer) -> LogisticRegression:
    x = vec.transform([f for _, _, rows in events for f, _ in rows])
    y = np.array([g for _, _, rows in events for _, g in rows])
    return LogisticRegression(C=c, max_iter=2000).fit(x, y)


def probs_of(model, vec, events) -> np.ndarray:
    x = vec.transform([f for _, _, rows in events for f, _ in rows])
    return model.predict_proba(x)[:, 1]


def main(eval_dir: Path) -> None:
    parser = Geoparser()
    path = eval_dir / "eventloc.jsonl"
    train = pairs(parser, path, 0)
    vec = DictVectorizer(sparse=False).fit([f for _, _, rows in train for f, _ in rows])
    grid = np.round(np.arange(0.10, 0.80, 0.02), 2)
    best = None
    for c in (0.03, 0.1, 0.3, 1.0, 3.0):
        out = np.zeros(sum(len(r) for _, _, r in train))
        offsets = np.cumsum([0] + [len(r) for _, _, r in train])
        for fold in range(FOLDS):
            fit_on = [e for j, e in enumerate(train) if j % FOLDS != fold]
            model = fit(fit_on, c, vec)
            for j, e in enumerate(train):
                if j % FOLDS == fold and e[2]:
                    out[offsets[j]:offsets[j + 1]] = probs_of(model, vec, [e])
        for t in grid:
            f1 = link_f1(train, out, t)[2]
            if best is None or f1 > best[0]:
                best = (f1, c, float(t))
    f1, c, threshold = best
    model = fit(train, c, vec)
    weights = {name: round(float(w), 4) for name, w in zip(vec.get_feature_names_out(), model.coef_[0], strict=True)}
    weights["bias"] = round(weights.get("bias", 0.0) + float(model.intercept_[0]), 4)
    meta = {"trained_on": "eventloc.jsonl even-numbered records", "held_out": "odd-numbered records",
            "events": len(train), "C": c, "cv_link_f1": round(f1, 4), "trained": dt.date.today().isoformat()}
    MODEL_PATH.write_text(LinkModel(weights, threshold, meta).to_json() + "\n", encoding="utf-8")
    print(f"C={c} threshold={threshold} cross-validated link F1 {f1:.3f} -> {MODEL_PATH}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/eval"))
