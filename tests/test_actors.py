"""Organisations named in a sentence: whole words, case-sensitive, one name per organisation."""

from __future__ import annotations

import pytest

from geo.actors import organisation_mentions, organisations
from geo.pipeline import Geoparser


@pytest.mark.parametrize(("text", "names"), [
    ("Hamas fighters attacked Israeli troops near the border fence.", ["Hamas"]),
    ("The RSF said it had seized the palace.", ["Rapid Support Forces"]),  # an acronym, by its name
    ("A U.N.-brokered truce took effect; the UN said aid would follow.", ["United Nations"]),  # once
    ("Police blamed the Real IRA.", ["Irish Republican Army"]),  # the longest name wins
    ("NATO and the European Union condemned the strike.", ["NATO", "European Union"]),  # in order
    ("Who said the un-named official was at the hospital?", []),  # "who", "un": not WHO, not the UN
    ("The MS-130 prototype flew.", []),  # not MS-13
    ("Pro-Hamas crowds marched.", []),  # a word that only contains the name
])
def test_organisations(text: str, names: list[str]) -> None:
    assert [name for _, _, name in organisations(text)] == names


def test_offsets_point_at_the_names() -> None:
    text = "Troops clashed with al-Shabab militants; Islamic State claimed a second attack."
    assert [(text[start:end], name) for start, end, name in organisations(text)] == [
        ("al-Shabab", "al-Shabab"), ("Islamic State", "Islamic State")]


def test_every_mention_is_found_for_the_recogniser() -> None:
    text = "Hamas fired rockets. Israel said Hamas had broken the truce."
    assert [(start, name) for start, _, name in organisation_mentions(text)] == [(0, "Hamas"), (33, "Hamas")]
    assert [name for _, _, name in organisations(text)] == ["Hamas"]  # an actor once


def test_events_name_organisations_as_actors(parser: Geoparser) -> None:
    from geo.events import extract_events

    text = "Hamas fighters attacked Israeli troops near the Gaza border fence on Saturday."
    events = extract_events(text, parser.geoparse(text))
    assert events and events[0].actors == ("Hamas", "Israel")  # doer first, as the sentence names them
