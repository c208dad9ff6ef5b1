"""Stored events as files: self-contained HTML map, PNG, GeoJSON, ACLED-style CSV, GeoPackage."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path
from typing import Any

from flask import Response

from geo.errors import InputError
from geo.export import ACLED_COLUMNS, EXTRA_COLUMNS
from web.store import as_feature

FORMATS = ("html", "png", "geojson", "csv", "gpkg")


def download(evs: list[dict[str, Any]], fmt: str, name: str, map_html) -> Response:  # type: ignore[no-untyped-def]
    """``map_html()`` renders the map page, only for html and png."""
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    live = [e for e in evs if not e["rejected"]]
    if fmt == "geojson":
        body = json.dumps({"type": "FeatureCollection", "features": [as_feature(e) for e in live]}, ensure_ascii=False)
        return _attachment(body, "application/geo+json", f"{name}.geojson")
    if fmt == "csv":
        return _attachment(_csv(live), "text/csv", f"{name}.csv")
    if fmt == "gpkg":
        return _attachment(_gpkg(live), "application/geopackage+sqlite3", f"{name}.gpkg")
    html = map_html()
    if fmt == "html":
        return _attachment(html, "text/html", f"{name}.html")
    from geo.maps.publish import save_png

    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "map.html"
        page.write_text(html, encoding="utf-8")
        png = save_png(page, Path(tmp) / "map.png")
        return _attachment(png.read_bytes(), "image/png", f"{name}.png")


def _attachment(body: str | bytes, mimetype: str, filename: str) -> Response:
    resp = Response(body, mimetype=mimetype)
    resp.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return resp


def _csv(evs: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[*ACLED_COLUMNS, *EXTRA_COLUMNS])
    writer.writeheader()
    for e in evs:
        actors = e["actors"].split("; ") if e["actors"] else []
        writer.writerow({
            "event_id_cnty": e["id"], "event_date": e["event_date"] or "", "disorder_type": "",
            "event_type": e["acled_event_type"], "sub_event_type": e["acled_sub_event_type"],
            "actor1": actors[0] if actors else "", "actor2": actors[1] if len(actors) > 1 else "",
            "location": e["location"] or "", "admin1": e["admin1"] or "", "country": e["country"] or "",
            "iso": e["iso"] or "", "latitude": "" if e["lat"] is None else e["lat"],
            "longitude": "" if e["lon"] is None else e["lon"], "geo_precision": e["geo_precision"] or "",
            "notes": e["sentence"], "source": e["source"] or e["title"] or "", "newsmap_subtype": e["subtype"],
            "newsmap_category": e["category_label"], "status": e["status"], "plover_type": e["plover"],
            "plover_contexts": "", "trigger": e["trigger"], "confidence": e["confidence"],
            "located_by": e["located_by"], "typed_by": e["typed_by"],
        })
    return out.getvalue()


def _gpkg(evs: list[dict[str, Any]]) -> bytes:
    import geopandas as gpd
    from shapely.geometry import Point

    located = [e for e in evs if e["lat"] is not None]
    if not located:
        raise InputError("no located event to write as a GeoPackage")
    cols = ("id", "document_id", "subtype", "category", "label", "status", "trigger", "sentence", "location",
            "admin1", "country", "iso", "geo_precision", "actors", "event_date", "confidence", "title", "source",
            "corrected")
    frame = gpd.GeoDataFrame([{c: e[c] for c in cols} for e in located],
                             geometry=[Point(e["lon"], e["lat"]) for e in located], crs="EPSG:4326")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "events.gpkg"
        frame.to_file(path, driver="GPKG", layer="events")
        return path.read_bytes()
