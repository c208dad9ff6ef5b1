"""The JSON API under /api/v1: documents in, events out as GeoJSON, corrections, maps, health, OpenAPI."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request, url_for

from geo.errors import InputError
from geo.io import decode
from geo.maps import MapOptions, build_map, render_html
from geo.taxonomy import CATEGORIES, STATUSES, SUBTYPES
from web.security import allow_inline_scripts
from web.store import MAX_LIMIT, EventQuery, NotFound, Store, as_feature, map_rows

bp = Blueprint("api", __name__, url_prefix="/api/v1")
DOC_ID = re.compile(r"^[0-9a-f]{12}$")
EVENT_ID = re.compile(r"^[0-9a-f]{12}-[0-9a-f]{10}$")


def store() -> Store:
    return current_app.extensions["newsmap.store"]


def parser():  # type: ignore[no-untyped-def]
    return current_app.extensions["newsmap.parser"]


def check_doc_id(doc_id: str) -> str:
    if not DOC_ID.match(doc_id):
        raise NotFound(f"no document {doc_id!r}")
    return doc_id


def check_event_id(event_id: str) -> str:
    if not EVENT_ID.match(event_id):
        raise NotFound(f"no event {event_id!r}")
    return event_id


def parse_date(value: str | None, name: str) -> str | None:
    if not value:
        return None
    v = value.strip()
    try:
        if len(v) != 10:
            raise ValueError(v)
        return dt.date.fromisoformat(v).isoformat()
    except ValueError as err:
        raise InputError(f"{name}: {value!r} is not a date (YYYY-MM-DD)") from err


def parse_bbox(value: str | None) -> tuple[float, float, float, float] | None:
    if not value:
        return None
    try:
        x1, y1, x2, y2 = (float(v) for v in value.split(","))
    except ValueError as err:
        raise InputError("bbox: four numbers min_lon,min_lat,max_lon,max_lat") from err
    if not (-180 <= x1 <= x2 <= 180 and -90 <= y1 <= y2 <= 90):
        raise InputError("bbox: need -180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90")
    return x1, y1, x2, y2


def _int(name: str, default: int, lo: int, hi: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as err:
        raise InputError(f"{name}: {raw!r} is not an integer") from err
    if not lo <= value <= hi:
        raise InputError(f"{name}: must be between {lo} and {hi}")
    return value


def event_query(args: Any, *, limit_default: int = 100) -> EventQuery:
    """Filters from query parameters, each checked: a wrong value is a 400 that says which and why."""
    category = args.get("category") or None
    if category and category not in CATEGORIES:
        by_label = {c.label.lower(): k for k, c in CATEGORIES.items()}
        if category.lower() not in by_label:
            raise InputError(f"category: {category!r} is not one of {', '.join(CATEGORIES)}")
        category = by_label[category.lower()]
    subtype = args.get("subtype") or None
    if subtype and subtype not in SUBTYPES:
        raise InputError(f"subtype: {subtype!r} is not a known sub-type")
    status = args.get("status") or None
    if status and status not in STATUSES:
        raise InputError(f"status: {status!r} is not one of {', '.join(STATUSES)}")
    since, until = parse_date(args.get("since"), "since"), parse_date(args.get("until"), "until")
    if since and until and since > until:
        raise InputError("since is after until")
    q = (args.get("q") or "").strip() or None
    if q and len(q) > 200:
        raise InputError("q: at most 200 characters")
    country = (args.get("country") or "").strip() or None
    return EventQuery(bbox=parse_bbox(args.get("bbox")), category=category, subtype=subtype, status=status,
                      since=since, until=until, country=country, q=q,
                      limit=_int("limit", limit_default, 1, MAX_LIMIT), offset=_int("offset", 0, 0, 10**9))


def read_document_request() -> list[dict[str, Any]]:
    """Documents from a JSON body, a text/plain body, or uploaded .txt/.jsonl/.csv files."""
    from web.uploads import documents_from_files

    ctype = (request.mimetype or "").lower()
    if ctype == "application/json":
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise InputError("the body is not a JSON object")
        text = body.get("text")
        if not isinstance(text, str):
            raise InputError("'text' must be a string")
        return [{"text": text, "title": _str(body, "title"), "url": _str(body, "url"), "date": body.get("date")}]
    if ctype == "text/plain":
        text = decode(request.get_data(cache=False), source="request body")
        return [{"text": text, "title": request.args.get("title", ""), "url": request.args.get("url", ""),
                 "date": request.args.get("date")}]
    if ctype == "multipart/form-data":
        return documents_from_files(request.files.getlist("file"), "no file in the 'file' field")
    raise UnsupportedMedia(ctype)


class UnsupportedMedia(InputError):
    def __init__(self, ctype: str) -> None:
        super().__init__(f"content type {ctype or 'none'!r} is not accepted: send application/json, text/plain "
                         "or multipart/form-data")


def _str(body: dict[str, Any], key: str) -> str:
    value = body.get(key) or ""
    if not isinstance(value, str):
        raise InputError(f"{key!r} must be a string")
    return value


def store_documents(docs: list[dict[str, Any]]) -> list[tuple[str, bool]]:
    out = []
    for d in docs:
        published = parse_date(d.get("date") if isinstance(d.get("date"), str) else None, "date")
        if d.get("date") and not isinstance(d.get("date"), str):
            raise InputError("'date' must be a string YYYY-MM-DD")
        out.append(store().add_document(parser(), d["text"], title=d.get("title") or "",
                                        source_url=d.get("url") or "", published=published))
    return out


# ---- routes -----------------------------------------------------------------------------------------------


@bp.get("/health")
def health():  # type: ignore[no-untyped-def]
    return jsonify(status="ok", **store().health())


@bp.get("/openapi.json")
def openapi():  # type: ignore[no-untyped-def]
    from web.openapi import spec

    return jsonify(spec())


@bp.post("/documents")
def post_documents():  # type: ignore[no-untyped-def]
    try:
        docs = read_document_request()
    except UnsupportedMedia as err:
        return jsonify(error={"status": 415, "message": str(err)}), 415
    stored = store_documents(docs)
    if len(stored) == 1:
        doc_id, created = stored[0]
        resp = jsonify(store().document(doc_id))
        resp.status_code = 201 if created else 200
        resp.headers["Location"] = url_for("api.get_document", doc_id=doc_id)
        return resp
    return jsonify(documents=[{"id": d, "created": c, "url": url_for("api.get_document", doc_id=d)}
                              for d, c in stored]), 201 if any(c for _, c in stored) else 200


@bp.get("/documents")
def list_documents():  # type: ignore[no-untyped-def]
    return jsonify(documents=store().documents(limit=_int("limit", 50, 1, 500), offset=_int("offset", 0, 0, 10**9)))


@bp.get("/documents/<doc_id>")
def get_document(doc_id: str):  # type: ignore[no-untyped-def]
    return jsonify(store().document(check_doc_id(doc_id)))


@bp.post("/documents/<doc_id>/reprocess")
def reprocess(doc_id: str):  # type: ignore[no-untyped-def]
    store().reprocess(parser(), check_doc_id(doc_id))
    return jsonify(store().document(doc_id))


@bp.post("/documents/<doc_id>/places/<int:start>-<int:end>/corrections")
def correct_place(doc_id: str, start: int, end: int):  # type: ignore[no-untyped-def]
    body = _json_body()
    place_id = body.get("place_id")
    if not isinstance(place_id, int) or isinstance(place_id, bool):
        raise InputError("'place_id' must be an integer (a gazetteer place id, see /api/v1/gazetteer)")
    return jsonify(store().correct_place(check_doc_id(doc_id), start, end, place_id))


@bp.get("/events")
def list_events():  # type: ignore[no-untyped-def]
    q = event_query(request.args)
    found, total = store().events(q)
    links = []
    if q.offset + len(found) < total:
        args = request.args.to_dict()
        args.update(offset=str(q.offset + q.limit), limit=str(q.limit))
        links.append({"rel": "next", "href": url_for("api.list_events", **args)})
    return Response(_geojson({"type": "FeatureCollection", "features": [as_feature(e) for e in found],
                              "numberMatched": total, "numberMatchedExact": total <= q.count_cap,
                              "numberReturned": len(found), "links": links}),
                    mimetype="application/geo+json")


@bp.get("/events/<event_id>")
def get_event(event_id: str):  # type: ignore[no-untyped-def]
    return Response(_geojson(as_feature(store().event(check_event_id(event_id)))), mimetype="application/geo+json")


@bp.post("/events/<event_id>/corrections")
def correct_event(event_id: str):  # type: ignore[no-untyped-def]
    body = _json_body()
    action = body.get("action")
    if not isinstance(action, str):
        raise InputError("'action' must be one of reject, restore, subtype, status, move")
    return jsonify(store().correct_event(check_event_id(event_id), action, body.get("value")))


@bp.get("/gazetteer")
def gazetteer_search():  # type: ignore[no-untyped-def]
    q = (request.args.get("q") or "").strip()
    if not q or len(q) > 100:
        raise InputError("q: a place name of 1 to 100 characters")
    found = parser().gazetteer.lookup(q)[:20]
    return jsonify(places=[{"place_id": p.id, "name": p.name, "kind": p.kind, "country": p.country,
                            "admin1": p.admin1, "lat": p.lat, "lon": p.lon, "population": p.population,
                            "geonameid": p.geonameid} for p in found])


@bp.get("/maps/<doc_id>.html")
def document_map(doc_id: str):  # type: ignore[no-untyped-def]
    doc = store().document(check_doc_id(doc_id))
    html = map_html(doc["events"], title=doc["title"] or "Document " + doc_id,
                    mentions=[p for p in doc["places"] if p["role"] == "mention"])
    return _html(html)


@bp.get("/maps/events.html")
def events_map():  # type: ignore[no-untyped-def]
    found, total = store().events(event_query(request.args, limit_default=MAX_LIMIT))
    return _html(map_html(found, title="Stored events", subtitle=f"{len(found)} of {total} matching events"))


def map_html(evs: list[dict[str, Any]], *, title: str, subtitle: str = "",
             mentions: list[dict[str, Any]] | None = None) -> str:
    tiles = current_app.config.get("TILES", "offline")
    opts = MapOptions(title=title, subtitle=subtitle, basemap=tiles)
    return render_html(build_map(map_rows(evs), opts, mentions=mentions or [], gazetteer=parser().gazetteer))


def _html(html: str) -> Response:
    allow_inline_scripts(html)
    return Response(html, mimetype="text/html")


def _json_body() -> dict[str, Any]:
    if (request.mimetype or "") != "application/json":
        raise UnsupportedMedia(request.mimetype or "")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InputError("the body is not a JSON object")
    return body


def _geojson(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@bp.errorhandler(UnsupportedMedia)
def unsupported(err: UnsupportedMedia):  # type: ignore[no-untyped-def]
    return jsonify(error={"status": 415, "message": str(err)}), 415
