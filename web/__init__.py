"""Flask application factory. Minimal for now: shows the places of the loaded sample articles."""

from __future__ import annotations

from typing import Any

from flask import Flask


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(SAMPLES=[], MAX_CONTENT_LENGTH=10 * 1024 * 1024)
    if config:
        app.config.update(config)
    from web import views

    views.init_app(app)
    return app
