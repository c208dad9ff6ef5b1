"""Event evaluations on small fixtures: real-news detection and typing from labels that point into a corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geo.evaluate_events import evaluate_real_news, evaluate_typing, placed_on, predict_note, sentence_key
from geo.pipeline import Geoparser
from geo.sentences import split_sentences
from geo.taxonomy import SUBTYPES

TEXT = ("Drones hit an oil depot in Russia's Lipetsk region overnight. The weather in Paris stayed mild all week. "
        "Thousands of protesters marched through Tbilisi on Sunday.")


@pytest.fixture()
def corpus(tmp_path: Path) -> tuple[Path, Path]:
    """A one-document corpus and labels of its three sentences (the second reports no event)."""
    (tmp_path / "lgl.jsonl").write_text(json.dumps({"id": "d1", "text": TEXT}) + "\n", encoding="utf-8")
    gold = ["strike.drone", "none", "civilians.attack"]  # the third is mislabelled on purpose: a protest
    labels = tmp_path / "labels.jsonl"
    labels.write_text("".join(json.dumps({"key": f"lgl:d1:{s.start}-{s.end}", "subtype": g}) + "\n"
                              for s, g in zip(split_sentences(TEXT), gold, strict=True)), encoding="utf-8")
    return tmp_path, labels


def test_real_news_detection_and_typing(parser: Geoparser, corpus: tuple[Path, Path]) -> None:
    eval_dir, labels = corpus
    r = evaluate_real_news(parser, labels, eval_dir)
    assert (r.sentences, r.gold_events, r.missed) == (3, 2, 0)
    assert sum(r.found.values()) == 2 and sum(r.right.values()) == 2  # both events found, the weather is none
    assert sum(r.typed.values()) == 1  # the drone strike's category; the protest is not an attack on civilians
    assert r.detection() == (1.0, 1.0, 1.0)


def test_typing_scores_type_and_status(parser: Geoparser, tmp_path: Path) -> None:
    """Notes typed and their status told: a planned summit, a drone strike, and a note with no event at all."""
    notes = [("Leaders will meet at a summit in Geneva next week.", "diplomacy.summit", "planned", "Geneva"),
             ("Drones hit an oil depot in Russia's Lipetsk region overnight.", "strike.drone", "claimed", "Moscow"),
             ("The weather in Paris stayed mild all week.", "unrest.protest", "occurred", "Paris")]
    path = tmp_path / "notes.jsonl"
    path.write_text("".join(json.dumps({"text": t, "subtype": s, "status": st, "location": loc}) + "\n"
                            for t, s, st, loc in notes), encoding="utf-8")
    t = evaluate_typing(parser, path)
    assert t.predicted == ["diplomacy.summit", "strike.drone", "other"]
    assert t.predicted_status == ["planned", "occurred", ""]  # no event, no status
    found, accuracy, macro = t.status()
    # Two events found; the summit's status is right, the strike's claim is not told: per status F1 1 (planned),
    # 0 (claimed: never predicted)
    assert (found, accuracy, macro) == (2, 0.5, 0.5)
    # Places are scored where an event was found: Geneva is right, Lipetsk is not the (wrong) gold Moscow
    assert t.located == ["right", "wrong"] and t.location() == (2, 0.5, 0.0)


@pytest.mark.parametrize(("text", "gold", "outcome"), [
    ("Drones hit an oil depot in Russia's Lipetsk region overnight.", "Lipetsk region", "right"),
    ("Drones hit an oil depot in Russia's Lipetsk region overnight.", "Lipetsk", "right"),  # the designator aside
    ("Rockets hit towns in southern Israel.", "southern Israel", "right"),  # a lower-case direction aside
    ("Rockets hit towns in South Korea.", "North Korea", "wrong"),  # but names are names
    ("Drones hit an oil depot in Russia's Lipetsk region overnight.", "Russia", "wrong"),
    ("Drones hit an oil depot overnight.", "Russia", "unlocated"),
])
def test_placed_on(parser: Geoparser, text: str, gold: str, outcome: str) -> None:
    event = predict_note(parser, text)
    assert event is not None and placed_on(event, gold) == outcome


def _labels(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


REPO = Path(__file__).resolve().parent.parent
REAL_NEWS_SETS = sorted([*(REPO / "data" / "eval").glob("events_realnews*.jsonl"),
                         *(REPO / "data" / "train").glob("events_realnews_train_*.jsonl")])


@pytest.mark.parametrize("path", REAL_NEWS_SETS, ids=lambda p: p.name)
def test_real_news_labels_are_well_formed(path: Path) -> None:
    """Keys name one sentence of a corpus ("corpus:doc id:start-end"), once; every label is a sub-type or none."""
    rows = _labels(path)
    keys = [r["key"] for r in rows]
    assert rows and len(set(keys)) == len(keys)
    for r in rows:
        corpus, doc_id, start, end = sentence_key(r["key"])
        assert corpus in ("lgl", "trnews", "geovirus", "wiktor", "eventloc") and doc_id and 0 <= start < end
        assert r["subtype"] == "none" or r["subtype"] in SUBTYPES


def test_real_news_training_never_saw_an_evaluation_sentence() -> None:
    """The veto is chosen on the training labels; the dev and test sets must share no sentence with them or
    with each other."""
    by_file = {p.name: {r["key"] for r in _labels(p)} for p in REAL_NEWS_SETS}
    assert len(by_file) >= 3
    names = sorted(by_file)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert not by_file[a] & by_file[b], (a, b)
