"""Flask application factory: configuration, store, blueprints, security headers and errors."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask
from flask_wtf.csrf import CSRFProtect

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DB = REPO / "data" / "build" / "newsmap.sqlite"
csrf = CSRFProtect()


def config_from_env(env: dict[str, str] | None = None) -> dict[str, Any]:
    """Settings from NEWSMAP_* environment variables (see the README's configuration table)."""
    env = dict(os.environ if env is None else env)
    cfg: dict[str, Any] = {
        "DATABASE_URL": env.get("NEWSMAP_DATABASE_URL") or f"sqlite:///{DEFAULT_DB}",
        "MAX_CONTENT_LENGTH": int(float(env.get("NEWSMAP_MAX_UPLOAD_MB", "10")) * 1024 * 1024),
        "TILES": env.get("NEWSMAP_TILES", "offline"),
        "FRAME_ANCESTORS": env.get("NEWSMAP_FRAME_ANCESTORS", "'self'"),
    }
    if env.get("NEWSMAP_SECRET_KEY"):
        cfg["SECRET_KEY"] = env["NEWSMAP_SECRET_KEY"]
    return cfg


def _secret_key(db_url: str) -> str:
    """A key kept beside an embedded database, so sessions and CSRF tokens survive restarts."""
    if db_url.startswith("sqlite:///") and db_url != "sqlite:///:memory:":
        path = Path(db_url[len("sqlite:///"):]).with_suffix(".secret")
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            path.write_text(secrets.token_hex(32), encoding="utf-8")
            path.chmod(0o600)
        return path.read_text(encoding="utf-8").strip()
    return secrets.token_hex(32)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """The newsmap web service. ``config`` overrides the environment (tests pass their own database)."""
    from geo.pipeline import Geoparser
    from web import api, pages, security
    from web.store import Store

    app = Flask(__name__)
    app.config.from_mapping(config_from_env())
    if config:
        app.config.update(config)
    url = app.config["DATABASE_URL"]
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(url)
    app.config.update(WTF_CSRF_TIME_LIMIT=None)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    parser = Geoparser()
    app.extensions["newsmap.parser"] = parser
    app.extensions["newsmap.store"] = Store(url, parser.gazetteer)
    csrf.init_app(app)
    app.register_blueprint(api.bp)
    csrf.exempt(api.bp)  # JSON API: no cookies, no session; pages' forms carry a CSRF token
    app.register_blueprint(pages.bp)
    security.init_app(app)
    return app
