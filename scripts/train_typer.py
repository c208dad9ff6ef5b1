"""Train the event-typing model (geo/typer.py): it types sentences no trigger of the lexicon explains,
retypes unlikely single triggers, and drops trigger sentences that report no event.

Training data: the hand-written ACLED-style notes of the dev sets and of data/train/ (each a sentence
with its gold sub-type), the non-event news sentences of data/train/non_events*.jsonl (class ``none``),
and real-news sentences labelled with their sub-type or ``none``, some in which the lexicon finds a trigger
(files 1-5: what the veto learns from) and some naming a place without one (files 6-9: what the model
alone decides) (data/train/events_realnews_train_*.jsonl; they name sentences of the corpora in EVAL_DIR, which is
why training reads it). Place names are masked (geo.typer.mask_places) as at run time. The test sets
(data/eval/events_heldout_test*.jsonl) and the real-news evaluation sets (data/eval/events_realnews*.jsonl)
are never read here. Regularisation and every limit are chosen by cross-validation with one fold per
file of labels (a writer the model did not learn from; the non-event sentences are dealt over the
folds): the event threshold has the best macro-F1 over sub-types and ``none`` among those that call at
most MAX_FALSE_ALARMS of the non-event sentences it governs events (those with no trigger: a sentence with one
is the veto's and the override's); then the override (choose_override), the veto
(choose_veto) and the gate (choose_gate). Writes data/typer.json. Needs scikit-learn
(``pip install '.[train]'``).
Usage: python scripts/train_typer.py [EVAL_DIR]   (default ../shared/eval)
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

from geo.errors import InputError
from geo.evaluate import read_jsonl
from geo.evaluate_events import TYPING_SETS, labelled_documents
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
MAX_FALSE_ALARMS = 0.01  # share of non-event sentences without a trigger the model may call events, cross-validated
GRID_VETO = (1.01, 0.99, 0.97, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.55, 0.5, 0.45, 0.4, 0.35, 0.3)
NOTES_KEPT = 0.99  # the veto may drop at most 1% of the notes' events the lexicon reads, cross-validated
REAL_NEWS_TRAIN = "events_realnews_train_"  # labelled real-news sentences: data/train/events_realnews_train_*.jsonl


def load(eval_dir: Path) -> tuple[list[str], list[str], list[str], list[str], list[int]]:
    """(texts with their places masked, labels, file of each, the lexicon's sub-type where it reads the
    text as one event, else "", how many triggers the lexicon finds) from every training file present."""
    parser = Geoparser()
    texts, labels, files, lexicon, fired = [], [], [], [], []
    for path in [*NOTES, *sorted(TRAIN_DIR.glob("events_notes_*.jsonl")), *sorted(TRAIN_DIR.glob("non_events*.jsonl")),
                 *sorted(TRAIN_DIR.glob(f"{REAL_NEWS_TRAIN}*.jsonl"))]:
        if not path.exists():
            continue
        for r, text, spans in _sentences(parser, path, eval_dir):
            texts.append(mask_places(text, spans))
            labels.append(r.get("subtype", NONE))
            files.append(path.name)
            triggers = find_triggers(Sentence(0, len(text), text))
            lexicon.append(triggers[0].subtype if len(triggers) == 1 else "")
            fired.append(len(triggers))
    return texts, labels, files, lexicon, fired


def _sentences(parser: Geoparser, path: Path, eval_dir: Path) -> Iterator[tuple[dict, str, list[tuple[int, int]]]]:
    """Each labelled record with its sentence and the sentence's place spans. A note carries its text; a
    real-news label names a sentence of a corpus in ``eval_dir`` ("corpus:doc id:start-end"), whose places
    are those found in the whole document, as at run time."""
    rows = list(read_jsonl(path))
    if all("text" in r for r in rows):
        for r in rows:
            yield r, r["text"], [(t.mention.start, t.mention.end) for t in parser.geoparse(r["text"])]
        return
    try:
        for doc, todo in labelled_documents(rows, eval_dir):
            places = parser.geoparse(doc["text"])
            for r, start, end in todo:
                yield r, doc["text"][start:end], [(t.mention.start - start, t.mention.end - start) for t in places
                                                  if start <= t.mention.start and t.mention.end <= end]
    except InputError as err:
        raise SystemExit(f"{path.name}: {err}") from err


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
    eval_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "eval"
    texts, labels, files, lexicon, fired = load(eval_dir)
    y = np.array(labels)
    classes = np.array(sorted(set(labels)))
    folds = fold_of(files, labels)
    order = [i for k in sorted(set(folds)) for i, f in enumerate(folds) if f == k]
    governed = (y[order] == NONE) & (np.array(fired)[order] == 0)  # where the threshold alone decides
    best = None
    cv = {}
    for c in GRID_C:
        proba = cv[c] = cross_validated(texts, labels, folds, c, classes)[order]
        gold = y[order]
        for t in GRID_T:
            predicted = np.array(decisions(proba, classes, t))
            false_alarms = float(np.mean(predicted[governed] != NONE))
            if false_alarms > MAX_FALSE_ALARMS:
                continue  # news is mostly sentences without events: keep those quiet first
            f1 = f1_score(gold, predicted, average="macro")
            if best is None or f1 > best[0]:
                best = (f1, c, float(t), false_alarms)
    f1, c, threshold, false_alarms = best
    override, accuracy = choose_override(cv[c], classes, threshold, y[order], np.array(lexicon)[order])
    veto, vetoes = choose_veto(cv[c], classes, y[order], np.array(fired)[order], np.array(files)[order])
    events = np.array(decisions(cv[c], classes, threshold)) != NONE  # what the model makes events, in CV order
    gate_threshold, passed = choose_gate(texts, labels, folds, order, c, events)
    vec, model = fit(texts, labels, c)
    gate = LogisticRegression(C=c, max_iter=5000).fit(vec.transform(texts), np.array(labels) != NONE)
    vocab = vec.vocabulary_
    rows = sorted(vocab, key=vocab.__getitem__)
    typer = TypeModel.from_arrays([str(x) for x in model.classes_], rows, vec.idf_, model.coef_.T, model.intercept_,
                                  threshold, meta={"trained_on": sorted(set(files)), "sentences": len(texts), "C": c,
                                                   "cv_macro_f1_one_fold_per_writer": round(f1, 4),
                                                   "cv_false_alarms_on_untriggered_non_events": round(false_alarms, 4),
                                                   "cv_accuracy_lexicon_then_override": accuracy,
                                                   "cv_gate_passes_non_events": round(passed, 4),
                                                   "cv_real_news_veto": vetoes,
                                                   "trained": dt.date.today().isoformat()},
                                  override=override, gate=gate.coef_[0], gate_bias=float(gate.intercept_[0]),
                                  gate_threshold=gate_threshold, veto=veto)
    MODEL_PATH.write_text(typer.to_json() + "\n", encoding="utf-8")
    print(f"{len(texts)} sentences from {len(set(files))} files, {len(rows)} words; C={c} threshold={threshold} "
          f"cross-validated macro-F1 (a fold per writer) {f1:.3f}, non-event sentences without a trigger called events "
          f"{false_alarms:.1%}; override={override} (typing accuracy where the lexicon reads one event: "
          f"{accuracy['0.0']:.3f} lexicon alone, {accuracy[str(override)]:.3f} with the override); gate "
          f"{gate_threshold} (passes {passed:.1%} of non-event sentences); veto={veto} (real news with a trigger: "
          f"{_veto_line(vetoes, '1.01')} without, {_veto_line(vetoes, str(veto))} with it) -> {MODEL_PATH}")


def _veto_line(vetoes: dict[str, dict[str, float]], key: str) -> str:
    row = vetoes.get(key)
    return "n/a" if row is None else f"P {row['news_precision']:.3f} R {row['news_recall']:.3f} F1 {row['news_f1']:.3f}"


def choose_gate(texts: list[str], labels: list[str], folds: list[int], order: list[int], c: float,
                events: np.ndarray) -> tuple[float, float]:
    """The binary event/none gate's threshold: the highest that, cross-validated, still passes GATE_KEEPS of
    the sentences the full model makes events (so it changes almost no decision and skips the scoring of
    most sentences); also the share of non-event sentences it passes."""
    y = np.array(labels) != NONE
    p = cross_validated(texts, list(y), folds, c, np.array([False, True]))[order, 1]
    threshold = float(np.floor(np.quantile(p[events], 1 - GATE_KEEPS) * 1000) / 1000) if events.any() else 0.0
    return threshold, float(np.mean(p[~y[order]] >= threshold))


def choose_veto(proba: np.ndarray, classes: np.ndarray, gold: np.ndarray, fired: np.ndarray,
                files: np.ndarray) -> tuple[float, dict[str, dict[str, float]]]:
    """How sure the model must be that a sentence the lexicon reads as an event reports none to drop it
    (geo.events._classified). Chosen on the labelled real-news sentences with a trigger (cross-validated,
    a fold per file of labels): the best F1 of "this sentence reports an event" among the limits that keep
    at least NOTES_KEPT of the notes' events the lexicon reads. Returns the limit (0: no veto) and the
    figures of every limit tried."""
    none = proba[:, list(classes).index(NONE)]
    real = np.array([f.startswith(REAL_NEWS_TRAIN) for f in files])
    news, notes = real & (fired > 0), ~real & (fired > 0) & (gold != NONE)
    if not news.any():
        return 0.0, {}
    table, best = {}, (-1.0, 0.0)
    for veto in GRID_VETO:
        kept = none < veto
        tp, found, wanted = int((kept & news & (gold != NONE)).sum()), int((kept & news).sum()), \
            int((news & (gold != NONE)).sum())
        p, r = (tp / found if found else 0.0), tp / max(wanted, 1)
        f = 2 * p * r / (p + r) if p + r else 0.0
        share = float(kept[notes].mean()) if notes.any() else 1.0
        table[str(veto)] = {"news_precision": round(p, 4), "news_recall": round(r, 4), "news_f1": round(f, 4),
                            "notes_kept": round(share, 4)}
        if share >= NOTES_KEPT and f > best[0]:
            best = (f, veto)
    return (0.0 if best[1] > 1.0 else best[1]), table


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
