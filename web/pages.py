"""Server-rendered pages: paste or upload news, read a document beside its map and review it, explore."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, send_file, url_for
from markupsafe import Markup, escape

from geo.errors import InputError
from geo.taxonomy import CATEGORIES, STATUSES, SUBTYPES
from web import api
from web.downloads import FORMATS, download
from web.store import MAX_LIMIT, EventQuery

bp = Blueprint("pages", __name__)
ASSETS = {"leaflet.js": "leaflet/dist/leaflet.js", "leaflet.css": "leaflet/dist/leaflet.css"}


@bp.get("/")
def home():  # type: ignore[no-untyped-def]
    return render_template("home.html", documents=api.store().documents(limit=50))


@bp.post("/documents")
def paste():  # type: ignore[no-untyped-def]
    form = request.form
    text = form.get("text", "")
    if not text.strip():
        raise InputError("paste the text of an article")
    (doc_id, _), = api.store_documents([{"text": text, "title": form.get("title", ""), "url": form.get("url", ""),
                                         "date": form.get("date") or None}])
    return redirect(url_for("pages.document", doc_id=doc_id), code=303)


@bp.post("/upload")
def upload():  # type: ignore[no-untyped-def]
    from web.uploads import documents_from_files

    docs = documents_from_files(request.files.getlist("file"), "choose a .txt, .jsonl or .csv file to upload")
    stored = api.store_documents(docs)
    if len(stored) == 1:
        return redirect(url_for("pages.document", doc_id=stored[0][0]), code=303)
    return redirect(url_for("pages.home", uploaded=len(stored)), code=303)


def highlighted(text: str, places: list[dict[str, Any]]) -> Markup:
    """The document text, escaped, with each place mention marked by its role."""
    out, pos = [], 0
    for p in sorted(places, key=lambda p: p["start"]):
        if p["start"] < pos:
            continue
        out.append(escape(text[pos:p["start"]]))
        tip = f"{p['name']} ({p['kind']}, {p['country'] or ''})"
        out.append(Markup('<mark class="nm-{}" title="{}" id="p{}-{}">{}</mark>').format(
            p["role"], tip, p["start"], p["end"], text[p["start"]:p["end"]]))
        pos = p["end"]
    out.append(escape(text[pos:]))
    return Markup("").join(out)


@bp.get("/documents/<doc_id>")
def document(doc_id: str):  # type: ignore[no-untyped-def]
    doc = api.store().document(api.check_doc_id(doc_id))
    search, results = (request.args.get("search") or "").strip()[:100], []
    if search:
        results = api.parser().gazetteer.lookup(search)[:15]
    span = request.args.get("span", "")
    return render_template("document.html", doc=doc, text=highlighted(doc["text"], doc["places"]),
                           subtypes=SUBTYPES, statuses=STATUSES, categories=CATEGORIES, search=search,
                           results=results, span=span, formats=FORMATS)


@bp.post("/documents/<doc_id>/events/<event_id>/review")
def review_event(doc_id: str, event_id: str):  # type: ignore[no-untyped-def]
    api.check_doc_id(doc_id)
    action = request.form.get("action", "")
    value: Any = request.form.get("value")
    if action == "move":
        try:
            start, end = (int(x) for x in (value or "").split("-"))
        except ValueError as err:
            raise InputError("choose one of the sentence's places") from err
        value = {"start": start, "end": end}
    event = api.store().correct_event(api.check_event_id(event_id), action, value)
    if event["document_id"] != doc_id:
        abort(404)
    return redirect(url_for("pages.document", doc_id=doc_id) + f"#e-{event_id}", code=303)


@bp.post("/documents/<doc_id>/places/<int:start>-<int:end>/resolve")
def resolve_place(doc_id: str, start: int, end: int):  # type: ignore[no-untyped-def]
    try:
        place_id = int(request.form.get("place_id", ""))
    except ValueError as err:
        raise InputError("choose a place") from err
    api.store().correct_place(api.check_doc_id(doc_id), start, end, place_id)
    return redirect(url_for("pages.document", doc_id=doc_id) + f"#p{start}-{end}", code=303)


@bp.post("/documents/<doc_id>/reprocess")
def reprocess(doc_id: str):  # type: ignore[no-untyped-def]
    api.store().reprocess(api.parser(), api.check_doc_id(doc_id))
    return redirect(url_for("pages.document", doc_id=doc_id), code=303)


@bp.get("/documents/<doc_id>/download.<fmt>")
def document_download(doc_id: str, fmt: str):  # type: ignore[no-untyped-def]
    doc = api.store().document(api.check_doc_id(doc_id))
    mentions = [p for p in doc["places"] if p["role"] == "mention"]
    return download(doc["events"], fmt, f"newsmap-{doc_id}",
                    lambda: api.map_html(doc["events"], title=doc["title"] or doc_id, mentions=mentions))


@bp.get("/events/<event_id>")
def event(event_id: str):  # type: ignore[no-untyped-def]
    e = api.store().event(api.check_event_id(event_id))
    return render_template("event.html", e=e)


@bp.get("/explore")
def explore():  # type: ignore[no-untyped-def]
    q = api.event_query(request.args)  # a bad permalink gets a clear 400, not an empty map
    return render_template("explore.html", q=q, categories=CATEGORIES, subtypes=SUBTYPES, statuses=STATUSES,
                           formats=FORMATS, args=request.args, colours={k: c.colour for k, c in CATEGORIES.items()},
                           tiles=current_app.config.get("TILES", "offline"))


@bp.get("/assets/basemap.geojson")
def basemap():  # type: ignore[no-untyped-def]
    from geo.maps.build import offline_basemap

    resp = jsonify(offline_basemap(str(api.parser().gazetteer.path)))
    resp.cache_control.max_age = 86400
    return resp


@bp.get("/explore/download.<fmt>")
def explore_download(fmt: str):  # type: ignore[no-untyped-def]
    q = api.event_query(request.args, limit_default=MAX_LIMIT)
    found, total = api.store().events(q)
    subtitle = f"{len(found)} of {_matched(q, total)} events"
    return download(found, fmt, "newsmap-events", lambda: api.map_html(found, title="Stored events", subtitle=subtitle))


def _matched(q: EventQuery, total: int) -> str:
    return str(total) if total <= q.count_cap else f"more than {q.count_cap:,}"


@bp.get("/assets/<name>")
def asset(name: str):  # type: ignore[no-untyped-def]
    from geo.maps.assets import NPM

    if name not in ASSETS:
        abort(404)
    return send_file(NPM / ASSETS[name], max_age=86400)


__all__ = ["bp", "EventQuery"]
