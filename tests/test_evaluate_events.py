"""Event evaluations on small fixtures: real-news detection and typing from labels that point into a corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geo.evaluate_events import evaluate_real_news
from geo.pipeline import Geoparser
from geo.sentences import split_sentences

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
