"""What a map can be drawn from: article text, JSONL documents (with or without events), a GeoJSON of events."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from geo.errors import InputError
from geo.events import place_roles
from geo.frame import event_rows
from geo.gazetteer import Gazetteer
from geo.io import lenient_date, read_jsonl_docs, read_text
from geo.pipeline import Geoparser
from geo.taxonomy import CATEGORIES, SUBTYPES

Rows = list[dict[str, Any]]


def from_text(parser: Geoparser, text: str, *, doc_id: str = "", title: str = "", source: str = "",
              date: dt.date | None = None) -> tuple[Rows, Rows]:
    """Event rows and mentioned-only places of one article."""
    toponyms, events = parser.events(text, doc_id=doc_id, doc_date=date)
    rows = event_rows(events, gazetteer=parser.gazetteer, source=source, title=title)
    roles = place_roles(text, toponyms, events)
    seen: set[int] = set()
    mentions = []
    for t in toponyms:
        if roles[(t.mention.start, t.mention.end)] == "mention" and t.place.id not in seen:
            seen.add(t.place.id)
            mentions.append(t.to_dict())
    return rows, mentions


def from_event_dict(d: dict[str, Any], gaz: Gazetteer, *, title: str = "", source: str = "") -> dict[str, Any]:
    """A row from one event as ``newsmap events`` writes it (the nested JSON form)."""
    if d.get("subtype") not in SUBTYPES:
        raise InputError(f"event {d.get('id')!r}: unknown sub-type {d.get('subtype')!r}")
    sub = SUBTYPES[d["subtype"]]
    p = d.get("place") or None
    admin1 = gaz.admin1(p["admin1"]) if p and p.get("admin1") else None
    country = gaz.country(p["country"]) if p and p.get("country") else None
    trig, sent = d.get("trigger") or {}, d.get("sentence") or {}
    return {
        "event_id": d.get("id", ""), "subtype": d["subtype"], "category": CATEGORIES[sub.category].label,
        "label": sub.label, "status": d.get("status", "occurred"), "trigger": trig.get("text", ""),
        "trigger_start": trig.get("start"), "sentence": sent.get("text", ""), "sentence_start": sent.get("start"),
        "location": p["name"] if p else "", "place_kind": p.get("kind", "") if p else "",
        "admin1": admin1.name if admin1 else "", "country": country.name if country else "",
        "lat": p.get("lat") if p else None, "lon": p.get("lon") if p else None,
        "place_id": p.get("place_id") if p else None, "geo_precision": d.get("geo_precision"),
        "actors": "; ".join(d.get("actors") or []), "date": d.get("date") or "", "source": source, "title": title,
    }


def from_json(path: Path, gaz: Gazetteer) -> Rows:
    """Rows from a GeoJSON of events (``newsmap events --format geojson``) or the list ``newsmap events`` prints."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        collection = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputError(f"{path}: not a UTF-8 JSON file ({err})") from err
    if isinstance(collection, list):
        if not all(isinstance(e, dict) for e in collection):
            raise InputError(f"{path}: expected a list of event objects")
        return [from_event_dict(e, gaz) for e in collection]
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise InputError(f"{path}: expected a GeoJSON FeatureCollection of events")
    rows = []
    for i, feature in enumerate(collection.get("features") or []):
        props = dict((feature or {}).get("properties") or {})
        if props.get("subtype") not in SUBTYPES:
            raise InputError(f"{path}: feature {i} has no known 'subtype' property")
        rows.append(props)
    return rows


def load(path_or_dash: str, parser: Geoparser, *, title: str = "", source: str = "",
         date: dt.date | None = None) -> tuple[Rows, Rows]:
    """Rows and mentions from a .txt article, a .jsonl of documents or events, or a .geojson of events."""
    suffix = Path(path_or_dash).suffix.lower()
    if suffix in (".geojson", ".json"):
        return from_json(Path(path_or_dash), parser.gazetteer), []
    if suffix == ".jsonl":
        return _from_jsonl(read_jsonl_docs(path_or_dash), parser, source=source, date=date)
    text = read_text(path_or_dash)
    name = Path(path_or_dash).stem if path_or_dash != "-" else "stdin"
    return from_text(parser, text, doc_id=name, title=title or name, source=source, date=date)


def _from_jsonl(docs: Iterable[dict[str, Any]], parser: Geoparser, *, source: str,
                date: dt.date | None) -> tuple[Rows, Rows]:
    rows: Rows = []
    mentions: Rows = []
    for doc in docs:
        title, url = str(doc.get("title") or doc.get("id") or ""), str(doc.get("url") or source)
        if isinstance(doc.get("events"), list):
            rows.extend(from_event_dict(e, parser.gazetteer, title=title, source=url) for e in doc["events"])
            continue
        doc_date = lenient_date(doc.get("date")) or date
        r, m = from_text(parser, doc["text"], doc_id=str(doc.get("id", "")), title=title, source=url, date=doc_date)
        rows.extend(r)
        mentions.extend(m)
    return rows, mentions
