"""The web app over real HTTP: waitress on a loopback port, urllib as the client."""

from __future__ import annotations

import json
import socket
import threading
import urllib.request

import pytest
from waitress.server import create_server

from tests.conftest import SAMPLE
from web import create_app


@pytest.fixture(scope="module")
def base_url():
    app = create_app({"SAMPLES": [str(SAMPLE)]})
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = create_server(app, host="127.0.0.1", port=port, threads=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.close()


def test_health(base_url: str) -> None:
    with urllib.request.urlopen(f"{base_url}/api/v1/health", timeout=30) as resp:
        assert json.load(resp) == {"status": "ok"}


def test_home_shows_sample_places(base_url: str) -> None:
    with urllib.request.urlopen(f"{base_url}/", timeout=60) as resp:
        html = resp.read().decode()
    assert resp.status == 200
    assert "paris-coalition-summit.txt" in html and "Greenland" in html
