"""Writing events as GeoJSON, GeoPackage or ACLED-compatible CSV (with PLOVER columns)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from geo.errors import InputError
from geo.frame import event_rows, to_geodataframe
from geo.gazetteer import Gazetteer
from geo.models import Event

FORMATS = ("json", "geojson", "csv", "gpkg")
ACLED_COLUMNS = ("event_id_cnty", "event_date", "disorder_type", "event_type", "sub_event_type", "actor1", "actor2",
                 "location", "admin1", "country", "iso", "latitude", "longitude", "geo_precision", "notes", "source")
EXTRA_COLUMNS = ("newsmap_subtype", "newsmap_category", "status", "plover_type", "plover_contexts", "trigger",
                 "confidence", "located_by", "typed_by")


def write_csv(events: Sequence[Event], out: IO[str], *, gazetteer: Gazetteer | None = None, source: str = "") -> None:
    """ACLED column names and meanings, one row per event; ``outside_acled_scope`` where ACLED codes none."""
    writer = csv.DictWriter(out, fieldnames=[*ACLED_COLUMNS, *EXTRA_COLUMNS])
    writer.writeheader()
    for r in event_rows(events, gazetteer=gazetteer, source=source):
        actors = r["actors"].split("; ") if r["actors"] else []
        writer.writerow({
            "event_id_cnty": r["event_id"], "event_date": r["date"], "disorder_type": "",
            "event_type": r["acled_event_type"], "sub_event_type": r["acled_sub_event_type"],
            "actor1": actors[0] if actors else "", "actor2": actors[1] if len(actors) > 1 else "",
            "location": r["location"], "admin1": r["admin1"], "country": r["country"], "iso": r["iso"],
            "latitude": r["lat"] if r["lat"] is not None else "", "longitude": r["lon"] if r["lon"] is not None else "",
            "geo_precision": r["geo_precision"] or "", "notes": r["sentence"], "source": r["source"],
            "newsmap_subtype": r["subtype"], "newsmap_category": r["category"], "status": r["status"],
            "plover_type": r["plover"], "plover_contexts": r["contexts"], "trigger": r["trigger"],
            "confidence": r["confidence"], "located_by": r["located_by"], "typed_by": r["typed_by"],
        })


def write_file(events: Sequence[Event], path: Path, fmt: str, *, gazetteer: Gazetteer | None = None,
               source: str = "") -> None:
    """GeoJSON or GeoPackage through geopandas/pyogrio, CSV through the csv module."""
    if fmt == "csv":
        with path.open("w", encoding="utf-8", newline="") as fh:
            write_csv(events, fh, gazetteer=gazetteer, source=source)
        return
    if fmt not in ("geojson", "gpkg"):
        raise InputError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    frame = to_geodataframe(events, gazetteer=gazetteer, source=source)
    frame = frame[~frame.geometry.isna()] if fmt == "gpkg" else frame
    driver = "GeoJSON" if fmt == "geojson" else "GPKG"
    try:
        frame.to_file(path, driver=driver, **({"layer": "events"} if fmt == "gpkg" else {}))
    except Exception as err:  # pyogrio raises its own DataSourceError family
        raise InputError(f"{path}: cannot write {fmt}: {err}") from err
