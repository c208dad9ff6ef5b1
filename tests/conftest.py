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


ARTIFACTS = REPO / "artifacts"


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium driven by Playwright (installed by `make browser`)."""
    from playwright.sync_api import sync_playwright

    from geo.maps.publish import chromium_path

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture
def offline_page(browser):
    """A page that may load file: and data: URLs only; every other request is refused and recorded."""
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    page.refused = []
    page.errors = []
    page.dialogs = []

    def route(r):
        if r.request.url.startswith(("file:", "data:", "about:")):
            r.continue_()
        else:
            page.refused.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    yield page
    page.close()


@pytest.fixture(scope="session")
def db_url():
    """A function giving a fresh database URL in a directory: an embedded SQLite file."""
    return lambda directory: f"sqlite:///{directory}/newsmap.sqlite"
