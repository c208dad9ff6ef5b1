"""The command line, run as a user runs it: a separate process, real files, real exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SAMPLE


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "geo.cli", *args], input=stdin, capture_output=True,
                          timeout=120, check=False)


def test_geoparse_file_prints_json() -> None:
    proc = run("geoparse", str(SAMPLE))
    assert proc.returncode == 0, proc.stderr
    places = json.loads(proc.stdout)
    names = {p["name"] for p in places}
    assert {"Paris", "Greenland", "Venezuela", "Kostroma", "Lipetsk"} <= names
    assert all({"start", "end", "lat", "lon", "kind", "country", "geonameid", "confidence"} <= p.keys()
               for p in places)


def test_geoparse_stdin() -> None:
    proc = run("geoparse", "-", stdin=b"Talks were held in Warsaw.")
    assert proc.returncode == 0
    assert [p["name"] for p in json.loads(proc.stdout)] == ["Warsaw"]


def test_geoparse_jsonl_roundtrip(tmp_path: Path) -> None:
    src = tmp_path / "docs.jsonl"
    src.write_text(json.dumps({"id": "a", "text": "Rain in Madrid.", "extra": 1}) + "\n\n"
                   + json.dumps({"id": "b", "text": ""}) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    proc = run("geoparse", "--input", str(src), "--output", str(out))
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [d["id"] for d in lines] == ["a", "b"] and lines[0]["extra"] == 1
    assert lines[0]["places"][0]["name"] == "Madrid" and lines[0]["places"][0]["start"] == 8
    assert lines[1]["places"] == []


def test_geoparse_oracle_resolves_given_spans(tmp_path: Path) -> None:
    doc = {"id": "o", "text": "Paris and Springfield",
           "toponyms": [{"start": 0, "end": 5, "name": "Paris"}, {"start": 10, "end": 21, "name": "Springfield"}]}
    proc = run("geoparse", "--oracle", "--input", "-", stdin=(json.dumps(doc) + "\n").encode())
    assert proc.returncode == 0, proc.stderr
    places = json.loads(proc.stdout)["places"]
    assert [(p["start"], p["end"]) for p in places] == [(0, 5), (10, 21)]


@pytest.mark.parametrize(
    ("setup", "args", "message"),
    [
        (None, ("geoparse", "missing.txt"), "no such file"),
        ("latin1", ("geoparse", "{path}"), "not UTF-8"),
        ("binary", ("geoparse", "{path}"), "binary"),
        ("badjson", ("geoparse", "--input", "{path}"), "line 2: invalid JSON"),
        ("notext", ("geoparse", "--input", "{path}"), "line 1: expected an object"),
        (None, ("geoparse",), "either FILE or --input"),
        ("dir", ("geoparse", "{path}"), "is a directory"),
    ],
)
def test_unreadable_input_exits_2_without_traceback(tmp_path: Path, setup, args, message) -> None:
    path = tmp_path / "input"
    if setup == "latin1":
        path.write_bytes("Caf\xe9 in Par\xeds".encode("latin-1"))
    elif setup == "binary":
        path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR")
    elif setup == "badjson":
        path.write_text('{"id": 1, "text": "ok"}\n{"id": 2, "text": \n', encoding="utf-8")
    elif setup == "notext":
        path.write_text('{"id": 1, "body": "no text"}\n', encoding="utf-8")
    elif setup == "dir":
        path.mkdir()
    proc = run(*(a.format(path=path) for a in args))
    assert proc.returncode == 2
    err = proc.stderr.decode()
    assert message in err and "Traceback" not in err


def test_geocode_command() -> None:
    proc = run("geocode", "Greenland")
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["raw"]["country"] == "GL"
    assert run("geocode", "Qwzxyville").returncode == 1
