"""The typing model: tokens, the linear model's arithmetic, and how events use it when no trigger fires."""

from __future__ import annotations

import dataclasses
import math

import numpy as np  # the arithmetic is checked against numpy
import pytest

import geo.events
from geo.pipeline import Geoparser
from geo.typer import MODEL_PATH, NONE, PLACE, TypeModel, load_typer, mask_places, words


@pytest.fixture()
def tiny() -> TypeModel:
    """Three words, two event classes and ``none``: small enough to check by hand."""
    return TypeModel.from_arrays(("none", "strike.air", "unrest.protest"), ("jets", "crowds", "weather"),
                                 idf=[2.0, 1.5, 1.0], coef=[[-1.0, 4.0, 0.0], [-1.0, 0.0, 4.0], [3.0, -1.0, -1.0]],
                                 bias=[0.5, 0.0, 0.0], threshold=0.4, meta={})


def test_words_fold_accents_and_hide_numbers() -> None:
    assert words("Jets STRUCK Kramatorsk’s station, killing 52") == ["jets", "struck", "kramatorsk's", "station",
                                                                    "killing", "<num>"]
    assert words("Café in Zürich") == ["cafe", "in", "zurich"]


def test_prediction_is_the_softmax_of_the_tfidf_vector(tiny: TypeModel) -> None:
    p = tiny.predict("Jets jets over the crowds")
    x = np.array([(1 + math.log(2)) * 2.0, 1.5])  # sublinear tf times idf, then l2-normalised
    x /= np.linalg.norm(x)
    scores = np.array([0.5, 0.0, 0.0]) + x @ np.array([[-1.0, 4.0, 0.0], [-1.0, 0.0, 4.0]])
    expected = np.exp(scores - scores.max()) / np.exp(scores - scores.max()).sum()
    assert p.subtype == "strike.air" and p.evidence == "jets"
    assert p.probability == pytest.approx(expected.max())


@pytest.mark.parametrize(("text", "subtype", "evidence"), [
    ("", NONE, ""),
    ("nothing the model knows", NONE, ""),
    ("fine weather today", NONE, ""),
    ("crowds filled the square", "unrest.protest", "crowds"),
])
def test_what_the_tiny_model_says(tiny: TypeModel, text: str, subtype: str, evidence: str) -> None:
    p = tiny.predict(text)
    assert (p.subtype, p.evidence) == (subtype, evidence)
    assert 0 < p.probability <= 1


def test_small_weights_are_pruned() -> None:
    m = TypeModel.from_arrays(("none", "strike.air"), ("jets", "the"), idf=[1.0, 1.0], coef=[[0.1, 2.0], [0.2, -0.1]],
                              bias=[0.0, 0.0], threshold=0.5, meta={}, prune=0.25)
    assert m.weights == {"jets": ((1, 2.0),), "the": ()}
    assert m.predict("the").subtype == NONE  # no weight left: a tie, and none comes first


def test_missing_model_file_leaves_the_lexicon_alone(tmp_path) -> None:
    assert load_typer(tmp_path / "absent.json") is None


def test_shipped_model_round_trips(tmp_path) -> None:
    model = load_typer()
    assert model is not None and NONE in model.classes and 0 < model.threshold < 1
    copy = tmp_path / "typer.json"
    copy.write_text(model.to_json(), encoding="utf-8")
    again = load_typer(copy)
    sentence = "Warplanes pounded rebel positions near Idlib, a monitor said."
    assert again.predict(sentence).subtype == model.predict(sentence).subtype
    settings = ("threshold", "override", "gate_threshold", "gate_bias", "gate", "veto")
    assert all(getattr(again, k) == getattr(model, k) for k in settings)
    assert model.gate_threshold > 0  # the shipped model has a gate
    assert MODEL_PATH.exists()


def test_sentence_without_trigger_gets_a_classified_event(parser: Geoparser, tiny: TypeModel,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """No lexicon pattern covers "crowds swelled": the model types it, at its evidence word, and the event
    is placed and flagged as typed by the classifier; a sentence without places is left alone."""
    monkeypatch.setattr(geo.events, "load_typer", lambda: tiny)
    text = "Crowds swelled outside the town hall in Valencia. Crowds swelled again."
    events = parser.events(text)[1]
    assert len(events) == 1
    e = events[0]
    assert (e.subtype, e.typed_by, e.trigger) == ("unrest.protest", "classifier", "Crowds")
    assert e.place is not None and e.place.place.name == "Valencia"


def test_confidence_below_threshold_is_no_event(parser: Geoparser, tiny: TypeModel,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    unsure = dataclasses.replace(tiny, threshold=0.99)
    monkeypatch.setattr(geo.events, "load_typer", lambda: unsure)
    assert parser.events("Crowds swelled outside the town hall in Valencia.")[1] == []


def test_place_names_are_masked_and_never_evidence() -> None:
    assert mask_places("Drones hit Kyiv and Odesa.", [(11, 15), (20, 25)]) == "Drones hit  placename  and  placename ."
    assert words(mask_places("Kyiv", [(0, 4)])) == [PLACE]
    model = TypeModel.from_arrays(("none", "strike.drone"), (PLACE, "drones"), idf=[1.0, 1.0],
                                  coef=[[-1.0, 9.0], [-1.0, 1.0]], bias=[0.0, 0.0], threshold=0.1, meta={})
    guess = model.predict(mask_places("Drones over Kyiv", [(12, 16)]))
    assert guess.subtype == "strike.drone" and guess.evidence == "drones"


@pytest.mark.parametrize(("value", "on"), [(None, True), ("on", True), ("off", False), ("0", False), ("FALSE", False)])
def test_event_model_switch(parser: Geoparser, tiny: TypeModel, monkeypatch: pytest.MonkeyPatch,
                            value: str | None, on: bool) -> None:
    """NEWSMAP_EVENT_MODEL=off leaves typing to the lexicon: the sentence no trigger explains is no event."""
    monkeypatch.setattr(geo.events, "load_typer", lambda: tiny)
    if value is None:
        monkeypatch.delenv("NEWSMAP_EVENT_MODEL", raising=False)
    else:
        monkeypatch.setenv("NEWSMAP_EVENT_MODEL", value)
    events = parser.events("Crowds swelled outside the town hall in Valencia.")[1]
    assert len(events) == (1 if on else 0)


def test_no_event_without_a_word_for_it() -> None:
    """A dateline ("ORLANDO, Fla.") is only place names: whatever the scores say, no word speaks for an event."""
    model = TypeModel.from_arrays(("none", "territory.claim"), (PLACE, "fla"), idf=[1.0, 1.0],
                                  coef=[[-1.0, 3.0], [0.0, 0.0]], bias=[0.0, 0.0], threshold=0.1, meta={})
    text = mask_places("ORLANDO, Fla.", [(0, 7), (9, 12)])
    assert words(text) == [PLACE, PLACE]
    assert model.predict(text).subtype == NONE
    assert model.predict(mask_places("Claims on Orlando", [(10, 17)])).subtype == NONE  # "claims": no weight


@pytest.mark.parametrize(("override", "subtype", "typed_by"), [(0.0, "unrest.protest", "lexicon"),
                                                             (0.1, "unrest.riot", "classifier")])
def test_model_retypes_a_single_trigger_it_finds_unlikely(parser: Geoparser, monkeypatch: pytest.MonkeyPatch,
                                                         override: float, subtype: str, typed_by: str) -> None:
    """The lexicon reads "protesters" as a protest; a model sure of a riot and giving the protest no chance
    retypes the sentence when its override allows, at its own evidence word; with override 0 it never does."""
    model = TypeModel.from_arrays(("none", "unrest.protest", "unrest.riot"), ("marched",), idf=[1.0],
                                  coef=[[0.0, -5.0, 5.0]], bias=[0.0, 0.0, 0.0], threshold=0.1, meta={},
                                  override=override)
    monkeypatch.setattr(geo.events, "load_typer", lambda: model)
    events = parser.events("Thousands of protesters marched through Tbilisi.")[1]
    assert [(e.subtype, e.typed_by) for e in events] == [(subtype, typed_by)]
    assert events[0].trigger == ("marched" if typed_by == "classifier" else "protesters")


@pytest.mark.parametrize(("veto", "text", "kept"), [
    (0.0, "Health officials visited Harare on Monday.", ["diplomacy.summit"]),  # no veto: the lexicon decides
    (0.75, "Health officials visited Harare on Monday.", []),  # the model is sure: an everyday visit
    (0.75, "Protesters marched on parliament in Harare.", ["unrest.protest"]),  # the model is unsure: kept
    (0.75, "Health officials visited Harare as protesters clashed with police.", []),  # all its triggers
])
def test_model_vetoes_trigger_sentences_it_is_sure_report_nothing(parser: Geoparser, monkeypatch: pytest.MonkeyPatch,
                                                                   veto: float, text: str, kept: list[str]) -> None:
    """"visited" is a summit trigger and an everyday word: where the model gives ``none`` at least ``veto``,
    the sentence reports no event, whatever its triggers; below that (or with no veto) the lexicon stands."""
    model = TypeModel.from_arrays(("none", "diplomacy.summit", "unrest.protest"), ("health", "protesters"),
                                  idf=[1.0, 1.0], coef=[[6.0, 0.0, 0.0], [0.0, 0.0, 1.0]], bias=[0.0, 0.0, 0.0],
                                  threshold=0.5, meta={}, veto=veto)
    monkeypatch.setattr(geo.events, "load_typer", lambda: model)
    assert [e.subtype for e in parser.events(text)[1]] == kept


def test_function_words_are_never_evidence() -> None:
    model = TypeModel.from_arrays(("none", "support.military_aid"), ("to", "provide"), idf=[1.0, 1.0],
                                  coef=[[-1.0, 4.0], [0.0, 1.0]], bias=[0.0, 0.0], threshold=0.1, meta={})
    assert model.predict("ready to provide guarantees").evidence == "provide"  # "to" weighs more, explains less
    assert model.predict("ready to help").subtype == NONE


def test_words_alone_never_make_an_other_event(parser: Geoparser, monkeypatch: pytest.MonkeyPatch) -> None:
    """"other" is the taxonomy's catch-all: a sentence no trigger explains is not mapped as one."""
    model = TypeModel.from_arrays(("none", "other"), ("swelled",), idf=[1.0], coef=[[-5.0, 5.0]], bias=[0.0, 0.0],
                                  threshold=0.1, meta={})
    monkeypatch.setattr(geo.events, "load_typer", lambda: model)
    assert parser.events("Crowds swelled outside the town hall in Valencia.")[1] == []


def test_the_gate_answers_none_before_scoring_only_where_allowed() -> None:
    """A binary event/none model read first: below its threshold a gated text is none without the full
    scoring; an ungated one (a sentence the lexicon already calls an event) is always scored."""
    model = TypeModel.from_arrays(("none", "strike.air"), ("jets", "weather"), idf=[1.0, 1.0],
                                  coef=[[-1.0, 4.0], [1.0, -1.0]], bias=[0.0, 0.0], threshold=0.1, meta={},
                                  gate=[3.0, -3.0], gate_bias=0.0, gate_threshold=0.5)
    assert model.predict_many(["jets"], gated=[True])[0].subtype == "strike.air"
    assert model.predict_many(["jets weather weather"], gated=[True])[0].subtype == NONE  # the gate says no
    assert model.predict_many(["jets weather weather"], gated=[False])[0].subtype == "strike.air"
