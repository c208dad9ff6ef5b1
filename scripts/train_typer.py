"""Train the event-typing model (geo/typer.py) that types sentences no trigger of the lexicon explains.

Training data: the hand-written ACLED-style notes of the dev sets and of data/train/ (each a sentence
with its gold sub-type) and the non-event news sentences of data/train/non_events*.jsonl (class
``none``), place names masked (geo.typer.mask_places) as at run time. The test sets
(data/eval/events_heldout_test*.jsonl) are never read here. Regularisation and the event threshold
are chosen by cross-validation with one fold per file of notes, so every event score comes from a
writer the model did not learn from (the non-event sentences are dealt over the folds); the
threshold is the one with the best macro-F1 over sub-types and ``none`` among those that call at
most 5% of non-event sentences events (news is mostly sentences without events). Writes
data/typer.json. Needs scikit-learn (``pip install '.[train]'``).
Usage: python scripts/train_typer.py
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

from geo.evaluate import read_jsonl
from geo.evaluate_events import TYPING_SETS
from geo.events import find_triggers
from geo.pipeline import Geoparser
from geo.sentences import Sentence
from geo.typer import MODEL_PATH, NONE, TypeModel, decide, mask_places, words

ROOT = Path(__file__).resolve().parent.parent
NOTES = [ROOT / "data" / "eval" / f"events_{name}.jsonl" for name in TYPING_SETS if not name.startswith("heldout_test")]
TRAIN_DIR = ROOT / "data" / "train"
GRID_C = (10.0, 30.0, 100.0)
GRID_T = tuple(np.round(np.arange(0.04, 0.80, 0.02), 2))
GRID_OVERRIDE = (0.0, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0)
GATE_KEEPS = 0.995  # share of the model's own events the gate must let through, cross-validated
SAME = 0.01  # override: the most conservative setting within this much of the best accuracy
MAX_FALSE_ALARMS = 0.01  # share of non-event sentences the model may call events, cross-validated


def load() -> tuple[list[str], list[str], list[str], list[str]]:
    """(texts with their places masked, labels, file of each, the lexicon's sub-type where it reads the
    text as one event, else "") from every training file present."""
    parser = Geoparser()
    texts, labels, files, lexicon = [], [], [], []
    for path in [*NOTES, *sorted(TRAIN_DIR.glob("events_notes_*.jsonl")), *sorted(TRAIN_DIR.glob("non_events*.jsonl"))]:
        if not path.exists():
            continue
        for r in read_jsonl(path):
            spans = [(t.mention.start, t.mention.end) for t in parser.geoparse(r["text"])]
            texts.append(mask_places(r["text"], spans))
            labels.append(r.get("subtype", NONE))
            files.append(path.name)
            triggers = find_triggers(Sentence(0, len(r["text"]), r["text"]))
            lexicon.append(triggers[0].subtype if len(triggers) == 1 else "")
    return texts, labels, files, lexicon


def fold_of(files: list[str], labels: list[str]) -> list[int]:
    """One fold per file of notes (a writer the model has not read); the non-event sentences are dealt
    round-robin over those folds so every fold also learns and tests ``none``."""
    note_files = sorted({f for f, y in zip(files, labels, strict=True) if y != NONE})
    out, dealt = [], 0
    for f in files:
        if f in note_files:
            out.append(note_files.index(f))
        else:
            out.append(dealt % len(note_files))
            dealt += 1
    return out


def decisions(proba: np.ndarray, classes: np.ndarray, threshold: float) -> list[str]:
    """What events would make of each row of class probabilities (geo.typer.decide)."""
    best = proba.argmax(axis=1)
    return [decide(str(classes[k]), float(row[k]), threshold) for row, k in zip(proba, best, strict=True)]


def fit(texts: list[str], labels: Sequence[Any], c: float) -> tuple[TfidfVectorizer, LogisticRegression]:
    vec = TfidfVectorizer(analyzer=words, sublinear_tf=True, min_df=2)
    model = LogisticRegression(C=c, max_iter=5000).fit(vec.fit_transform(texts), labels)
    return vec, model


def cross_validated(texts: list[str], labels: Sequence[Any], folds: list[int], c: float,
                    classes: np.ndarray) -> np.ndarray:
    """Each text's probability for each of ``classes`` from a model fitted on the other folds (text order; a
    class absent from the training folds scores 0)."""
    proba = np.zeros((len(texts), len(classes)))
    for k in sorted(set(folds)):
        train = [i for i, f in enumerate(folds) if f != k]
        test = [i for i, f in enumerate(folds) if f == k]
        vec, model = fit([texts[i] for i in train], [labels[i] for i in train], c)
        proba[np.ix_(test, np.searchsorted(classes, model.classes_))] = \
            model.predict_proba(vec.transform([texts[i] for i in test]))
    return proba


def main() -> None:
    texts, labels, files, lexicon = load()
    y = np.array(labels)
    classes = np.array(sorted(set(labels)))
    folds = fold_of(files, labels)
    order = [i for k in sorted(set(folds)) for i, f in enumerate(folds) if f == k]
    best = None
    cv = {}
    for c in GRID_C:
        proba = cv[c] = cross_validated(texts, labels, folds, c, classes)[order]
        gold = y[order]
        for t in GRID_T:
            predicted = np.array(decisions(proba, classes, t))
            false_alarms = float(np.mean(predicted[gold == NONE] != NONE))
            if false_alarms > MAX_FALSE_ALARMS:
                continue  # news is mostly sentences without events: keep those quiet first
            f1 = f1_score(gold, predicted, average="macro")
            if best is None or f1 > best[0]:
                best = (f1, c, float(t), false_alarms)
    f1, c, threshold, false_alarms = best
    override, accuracy = choose_override(cv[c], classes, threshold, y[order], np.array(lexicon)[order])
    events = np.array(decisions(cv[c], classes, threshold)) != NONE  # what the model makes events, in CV order
    gate_threshold, passed = choose_gate(texts, labels, folds, order, c, events)
    vec, model = fit(texts, labels, c)
    gate = LogisticRegression(C=c, max_iter=5000).fit(vec.transform(texts), np.array(labels) != NONE)
    vocab = vec.vocabulary_
    rows = sorted(vocab, key=vocab.__getitem__)
    typer = TypeModel.from_arrays([str(x) for x in model.classes_], rows, vec.idf_, model.coef_.T, model.intercept_,
                                  threshold, meta={"trained_on": sorted(set(files)), "sentences": len(texts), "C": c,
                                                   "cv_macro_f1_one_fold_per_writer": round(f1, 4),
                                                   "cv_false_alarms_on_non_events": round(false_alarms, 4),
                                                   "cv_accuracy_lexicon_then_override": accuracy,
                                                   "cv_gate_passes_non_events": round(passed, 4),
                                                   "trained": dt.date.today().isoformat()},
                                  override=override, gate=gate.coef_[0], gate_bias=float(gate.intercept_[0]),
                                  gate_threshold=gate_threshold)
    MODEL_PATH.write_text(typer.to_json() + "\n", encoding="utf-8")
    print(f"{len(texts)} sentences from {len(set(files))} files, {len(rows)} words; C={c} threshold={threshold} "
          f"cross-validated macro-F1 (a fold per writer) {f1:.3f}, non-event sentences called events "
          f"{false_alarms:.1%}; override={override} (typing accuracy where the lexicon reads one event: "
          f"{accuracy['0.0']:.3f} lexicon alone, {accuracy[str(override)]:.3f} with the override); gate "
          f"{gate_threshold} (passes {passed:.1%} of non-event sentences) -> {MODEL_PATH}")


def choose_gate(texts: list[str], labels: list[str], folds: list[int], order: list[int], c: float,
                events: np.ndarray) -> tuple[float, float]:
    """The binary event/none gate's threshold: the highest that, cross-validated, still passes GATE_KEEPS of
    the sentences the full model makes events (so it changes almost no decision and skips the scoring of
    most sentences); also the share of non-event sentences it passes."""
    y = np.array(labels) != NONE
    p = cross_validated(texts, list(y), folds, c, np.array([False, True]))[order, 1]
    threshold = float(np.floor(np.quantile(p[events], 1 - GATE_KEEPS) * 1000) / 1000) if events.any() else 0.0
    return threshold, float(np.mean(p[~y[order]] >= threshold))


def choose_override(proba: np.ndarray, classes: np.ndarray, threshold: float, gold: np.ndarray,
                    lexicon: np.ndarray) -> tuple[float, dict[str, float]]:
    """How unlikely the model must find the lexicon's reading of a one-trigger sentence to retype it
    (geo.events._classified), by cross-validated accuracy on the notes the lexicon reads as one event:
    the smallest setting within SAME of the best, since a trigger is evidence a reader can check."""
    rows = (gold != NONE) & (lexicon != "")
    index = {code: k for k, code in enumerate(classes)}
    accuracy = {}
    for limit in GRID_OVERRIDE:
        right = 0
        for row, lex, truth in zip(proba[rows], lexicon[rows], gold[rows], strict=True):
            k = int(row.argmax())
            guess = decide(str(classes[k]), float(row[k]), threshold)
            retype = guess not in (NONE, lex) and row[index[lex]] <= limit if lex in index else False
            right += (guess if retype else lex) == truth
        accuracy[str(limit)] = round(right / max(int(rows.sum()), 1), 4)
    top = max(accuracy.values())
    return next(limit for limit in GRID_OVERRIDE if accuracy[str(limit)] >= top - SAME), accuracy


if __name__ == "__main__":
    main()
