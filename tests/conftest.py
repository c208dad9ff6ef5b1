"""Shared fixtures: one gazetteer and one geoparser for the whole session."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import sql

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


POSTGRES_URL_VAR = "NEWSMAP_TEST_POSTGRES_URL"


@pytest.fixture(scope="session", params=["sqlite", "postgis"])
def db_url(request: pytest.FixtureRequest) -> Iterator[Callable[[Path], str]]:
    """A function giving a fresh, empty database URL for a directory, once per backend.

    ``sqlite``: an embedded file in the directory. ``postgis``: a new database ``newsmap_t_<random>``
    with PostGIS on the server of ``NEWSMAP_TEST_POSTGRES_URL`` (``make test`` starts one through
    scripts/postgres.sh and sets it), dropped at the end of the session; skipped when it is unset.
    """
    if request.param == "sqlite":
        yield lambda directory: f"sqlite:///{directory}/newsmap.sqlite"
        return
    server = os.environ.get(POSTGRES_URL_VAR)
    if not server:
        pytest.skip(f"{POSTGRES_URL_VAR} is unset: run `make test`, or scripts/postgres.sh start and "
                    f"{POSTGRES_URL_VAR}=$(scripts/postgres.sh url)")
    created: list[str] = []

    def fresh(_directory: Path) -> str:
        name = f"newsmap_t_{secrets.token_hex(6)}"
        with psycopg.connect(server, autocommit=True) as con:
            con.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        created.append(name)
        url = urlunsplit(urlsplit(server)._replace(path="/" + name))
        with psycopg.connect(url, autocommit=True) as con:
            con.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        return url

    yield fresh
    with psycopg.connect(server, autocommit=True) as con:
        for name in created:
            con.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
