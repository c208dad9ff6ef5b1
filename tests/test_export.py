"""Exports read back with the tools users will open them with."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest

from geo.export import ACLED_COLUMNS, write_file
from geo.frame import to_geodataframe
from tests.conftest import SAMPLE


@pytest.fixture(scope="module")
def events(parser):
    return parser.events(SAMPLE.read_text(encoding="utf-8"), doc_id="sample", doc_date=dt.date(2026, 1, 6))[1]


def test_geodataframe_has_points_and_shapes(events, gazetteer) -> None:
    frame = to_geodataframe(events, gazetteer=gazetteer)
    assert frame.crs.to_epsg() == 4326 and len(frame) == len(events)
    kinds = dict(zip(frame["location"], frame.geometry.geom_type, strict=False))
    assert kinds["Greenland"] in ("Polygon", "MultiPolygon")
    assert kinds["Paris"] == "Point"
    paris = frame[frame["location"] == "Paris"].geometry.iloc[0]
    assert abs(paris.x - 2.35) < 0.1 and abs(paris.y - 48.85) < 0.1  # x is lon, y is lat


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "csv"])
def test_files_read_back(events, gazetteer, tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"events.{fmt}"
    write_file(events, path, fmt, gazetteer=gazetteer, source="sample")
    if fmt == "geojson":
        back = gpd.read_file(path)
        assert len(back) == len(events) and "subtype" in back.columns
    elif fmt == "gpkg":
        back = pyogrio.read_dataframe(path, layer="events")
        assert len(back) == sum(e.place is not None for e in events)
        assert set(back["category"]) >= {"Strikes", "Diplomacy", "Territory"}
    else:
        back = pd.read_csv(path)
        assert list(back.columns[:len(ACLED_COLUMNS)]) == list(ACLED_COLUMNS)
        drones = back[back["newsmap_subtype"] == "strike.drone"]
        assert set(drones["sub_event_type"]) == {"Air/drone strike"} and set(drones["admin1"]) >= {"Kostroma"}


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "geo.cli", *args], capture_output=True, timeout=120, check=False)


def test_events_cli_json_and_errors(tmp_path: Path) -> None:
    proc = _cli("events", str(SAMPLE), "--date", "2026-01-06")
    assert proc.returncode == 0, proc.stderr
    events = json.loads(proc.stdout)
    assert {"id", "subtype", "category", "label", "status", "trigger", "sentence", "place", "geo_precision",
            "actors", "date", "confidence"} <= events[0].keys()
    assert _cli("events", str(SAMPLE), "--format", "gpkg").returncode == 2
    bad = _cli("events", str(SAMPLE), "--date", "06/01/2026")
    assert bad.returncode == 2 and b"YYYY-MM-DD" in bad.stderr


def test_events_cli_jsonl(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    doc = {"id": "d1", "text": "Protesters rallied in Minsk on Sunday.", "date": "2026-03-10"}
    src.write_text(json.dumps(doc) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert _cli("events", "--input", str(src), "--output", str(out)).returncode == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["events"][0]["subtype"] == "unrest.protest" and doc["events"][0]["date"] == "2026-03-08"
    assert doc["places"][0]["name"] == "Minsk"
