"""Shared fixtures: one gazetteer and one geoparser for the whole session."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.gazetteer import Gazetteer, get_gazetteer
from geo.pipeline import Geoparser

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SAMPLE = REPO / "data" / "samples" / "paris-coalition-summit.txt"


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return get_gazetteer()


@pytest.fixture(scope="session")
def parser(gazetteer: Gazetteer) -> Geoparser:
    return Geoparser(gazetteer)


@pytest.fixture(scope="session")
def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def sample_places(parser: Geoparser, sample_text: str):
    return parser.geoparse(sample_text)
