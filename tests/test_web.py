"""The web app over real HTTP: a threaded WSGI server on a loopback port, urllib as the client."""

from __future__ import annotations

import json
import threading
import urllib.request

import pytest
from werkzeug.serving import make_server

from tests.conftest import SAMPLE
from web import create_app


@pytest.fixture(scope="module")
def base_url():
    app = create_app({"SAMPLES": [str(SAMPLE)]})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


def test_health(base_url: str) -> None:
    with urllib.request.urlopen(f"{base_url}/api/v1/health", timeout=30) as resp:
        assert json.load(resp) == {"status": "ok"}


def test_home_shows_sample_places(base_url: str) -> None:
    with urllib.request.urlopen(f"{base_url}/", timeout=60) as resp:
        html = resp.read().decode()
    assert resp.status == 200
    assert "paris-coalition-summit.txt" in html and "Greenland" in html
