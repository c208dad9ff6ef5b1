"""Security headers and error pages: a CSP that allows what a page needs and nothing more, no tracebacks."""

from __future__ import annotations

import base64
import hashlib
import re

from flask import Flask, Response, g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from geo.errors import InputError

_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>(.*?)</script>", re.S)


def script_hashes(html: str) -> list[str]:
    """CSP hashes of a page's inline scripts: a generated map may run exactly its own code."""
    return [f"'sha256-{base64.b64encode(hashlib.sha256(s.encode('utf-8')).digest()).decode()}'"
            for s in _INLINE_SCRIPT.findall(html)]


def allow_inline_scripts(html: str) -> None:
    g.csp_script_hashes = script_hashes(html)


def init_app(app: Flask) -> None:
    @app.after_request
    def headers(resp: Response) -> Response:
        tiles = app.config.get("TILES", "offline")
        img = "'self' data:" + ("" if tiles == "offline" else " https:")
        scripts = " ".join(["'self'", *getattr(g, "csp_script_hashes", [])])
        resp.headers["Content-Security-Policy"] = (
            f"default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; img-src {img}; "
            f"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            f"frame-ancestors {app.config.get('FRAME_ANCESTORS', chr(39) + 'self' + chr(39))}")
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        resp.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        return resp

    def wants_json() -> bool:
        return request.path.startswith("/api/")

    def error(status: int, message: str):  # type: ignore[no-untyped-def]
        if wants_json():
            return jsonify(error={"status": status, "message": message}), status
        return render_template("error.html", status=status, message=message), status

    @app.errorhandler(InputError)
    def input_error(err: InputError):  # type: ignore[no-untyped-def]
        return error(404 if isinstance(err, LookupError) else 400, str(err))

    @app.errorhandler(CSRFError)
    def csrf_error(err: CSRFError):  # type: ignore[no-untyped-def]
        return error(400, f"the form expired or was not sent from this site ({err.description}); reload and retry")

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException):  # type: ignore[no-untyped-def]
        messages = {413: f"the upload is larger than {app.config['MAX_CONTENT_LENGTH'] // (1024 * 1024)} MB"}
        return error(err.code or 500, messages.get(err.code or 0, err.description or err.name))

    @app.errorhandler(Exception)
    def unexpected(err: Exception):  # type: ignore[no-untyped-def]
        app.logger.exception("unexpected error")  # the traceback goes to the log, never to the user
        return error(500, "internal error; the request was not applied")
