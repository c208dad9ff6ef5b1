"""Batch ingestion: every source kind, rejects with reasons, workers and Dask, and kill -9 then resume, into a
database or a GeoParquet/GeoPackage output directory."""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import sqlalchemy as sa

from geo.errors import InputError
from geo.ingest_sources import Doc, Reject, iter_sources
from tests.conftest import SAMPLE
from web import outdir
from web.ingest import run_ingest
from web.outdir import OutputDir, PartWriter, finished_hashes, read_output
from web.store import Store, process_document

PARAGRAPHS = [p for p in SAMPLE.read_text(encoding="utf-8").split("\n\n") if len(p) > 120]


def _archive(path: Path, n: int) -> Path:
    """``n`` distinct documents made of the sample's paragraphs (each ends with its own report number)."""
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            text = "\n\n".join(PARAGRAPHS[(i + k) % len(PARAGRAPHS)] for k in range(3)) + f"\n\nReport {i}."
            fh.write(json.dumps({"id": f"d{i}", "text": text, "title": f"Report {i}", "date": "2026-01-06"}) + "\n")
    return path


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A local HTTP server on loopback serving a feed and article pages."""
    root = tmp_path_factory.mktemp("site")
    article = ("<html><head><title>Strike on Kostroma</title></head><body><nav>Home | World</nav><article>"
               "<h1>Strike on Kostroma</h1>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS[:4]) +
               "</article><footer>Copyright</footer></body></html>")
    (root / "article.html").write_text(article, encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    base = f"http://127.0.0.1:{server.server_port}"
    (root / "feed.xml").write_text(
        f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>
        <item><title>Teaser only</title><link>{base}/article.html</link><description>Short.</description>
        <pubDate>Tue, 06 Jan 2026 10:00:00 GMT</pubDate></item>
        <item><title>Full</title><link>{base}/missing.html</link>
        <description>{PARAGRAPHS[5]} {PARAGRAPHS[6]}</description></item></channel></rss>""", encoding="utf-8")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base, root
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def test_sources_stream_every_kind_with_rejects(tmp_path: Path, site) -> None:
    base, _ = site
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text('{"text": "Shelling hit Kharkiv.", "title": "K"}\n{oops\n{"text": 5}\n\n{"title": "no text"}\n'
                     '{"text": "Troops entered Goma.", "date": "2025-01-27T10:00:00Z"}\n', encoding="utf-8")
    csv_file = tmp_path / "b.csv"
    csv_file.write_text('text,title,url\n"Protesters marched in Nairobi.",N,https://x.org/n\n,"empty",\n',
                        encoding="utf-8")
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "one.txt").write_text("Police arrested 40 people in Tehran.", encoding="utf-8")
    (folder / "page.html").write_text((site[1] / "article.html").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "latin1.txt").write_bytes("Caf\xe9 in Paris".encode("latin-1"))
    (folder / "skip.pdf").write_bytes(b"%PDF")
    items = list(iter_sources([str(jsonl), str(csv_file), str(folder), f"{base}/feed.xml", f"{base}/article.html",
                               str(tmp_path / "nothere.jsonl"), f"{base}/nothere.html"]))
    docs = [i for i in items if isinstance(i, Doc)]
    rejects = [i for i in items if isinstance(i, Reject)]
    texts = " ".join(d.text for d in docs)
    assert "Kharkiv" in texts and "Goma" in texts and "Nairobi" in texts and "Tehran" in texts
    assert next(d for d in docs if "Goma" in d.text).date == "2025-01-27"
    page = next(d for d in docs if d.source.endswith("page.html"))
    assert page.title == "Strike on Kostroma" and "Home | World" not in page.text and "Kostroma" in page.text
    feed = [d for d in docs if "feed.xml#" in d.source]
    assert feed[0].title == "Teaser only" and "Kostroma" in feed[0].text  # teaser replaced by the fetched article
    assert feed[0].date == "2026-01-06" and feed[1].title == "Full"
    assert any(d.url == f"{base}/article.html" for d in docs)
    reasons = " | ".join(f"{r.source}: {r.reason}" for r in rejects)
    for needle in ("a.jsonl:2", "a.jsonl:3", "a.jsonl:5", "b.csv:3", "latin1.txt", "nothere.jsonl", "nothere.html"):
        assert needle in reasons, reasons
    assert "skip.pdf" not in reasons  # a folder is read for .txt and .html only


def test_ingest_counts_rejects_and_is_idempotent(tmp_path: Path, db_url, gazetteer) -> None:
    archive = _archive(tmp_path / "docs.jsonl", 30)
    with archive.open("a", encoding="utf-8") as fh:
        fh.write('{"text": ""}\n{broken\n')
        fh.write(archive.read_text(encoding="utf-8").splitlines()[0] + "\n")  # the same document twice
    store = Store(db_url(tmp_path), gazetteer)
    rejects = tmp_path / "rejects.jsonl"
    with rejects.open("w", encoding="utf-8") as out:
        first = run_ingest([str(archive)], store, batch=7, rejects=out)
    assert (first.read, first.stored, first.skipped, first.rejected) == (33, 30, 1, 2)
    assert first.events > 30 and first.places > 30
    assert [json.loads(line)["source"].rsplit(":", 1)[1] for line in rejects.read_text().splitlines()] == ["31", "32"]
    again = run_ingest([str(archive)], store, batch=7)
    assert (again.stored, again.skipped) == (0, 31)
    assert store.health()["documents"] == 30
    store.close()


@pytest.mark.parametrize("engine", ["local", "dask"])
def test_two_workers_store_what_one_does(tmp_path: Path, gazetteer, engine: str) -> None:
    archive = _archive(tmp_path / "docs.jsonl", 24)
    one = Store(f"sqlite:///{tmp_path}/one.sqlite", gazetteer)
    two = Store(f"sqlite:///{tmp_path}/two.sqlite", gazetteer)
    run_ingest([str(archive)], one, batch=5)
    summary = run_ingest([str(archive)], two, workers=2, engine=engine, batch=5)
    assert summary.stored == 24
    ids = [sorted(d["id"] for d in s.documents(limit=100)) for s in (one, two)]
    events = [s.health()["events"] for s in (one, two)]
    assert ids[0] == ids[1] and events[0] == events[1]
    one.close()
    two.close()


def _count(url: str) -> tuple[int, int]:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as con:
            docs = con.exec_driver_sql("SELECT count(*) FROM documents").scalar()
            distinct = con.exec_driver_sql("SELECT count(DISTINCT content_hash) FROM documents").scalar()
            return docs, distinct
    except sa.exc.OperationalError:
        return 0, 0  # not created yet
    except sa.exc.ProgrammingError:
        return 0, 0
    finally:
        engine.dispose()


def _kill_9_when(cmd: list[str], ready: Callable[[], bool]) -> None:
    """Start the command and SIGKILL it once ``ready()`` says enough is written."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not ready():
        assert proc.poll() is None, proc.stderr.read().decode()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stderr.close()


def test_kill_9_midway_then_resume_stores_every_document_once(tmp_path: Path, db_url, gazetteer) -> None:
    n = 400
    archive = _archive(tmp_path / "docs.jsonl", n)
    url = db_url(tmp_path)
    cmd = [sys.executable, "-m", "geo.cli", "ingest", str(archive), "--database", url, "--batch", "10", "--quiet",
           "--rejects", str(tmp_path / "rejects.jsonl")]
    _kill_9_when(cmd, lambda: _count(url)[0] >= 30)
    stored, _ = _count(url)
    assert 30 <= stored < n  # killed midway
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert f"already stored {stored:,}" in done.stderr
    assert _count(url) == (n, n)
    # and the result is what an uninterrupted run stores
    clean = Store(f"sqlite:///{tmp_path}/clean.sqlite", gazetteer)
    run_ingest([str(archive)], clean, batch=50)
    resumed = Store(url, gazetteer)
    assert resumed.health()["events"] == clean.health()["events"]
    clean.close()
    resumed.close()


# ---- into an output directory ------------------------------------------------------------------------------------


def _ingest_cli(archive: Path, out: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "geo.cli", "ingest", str(archive), "--output", str(out), "--quiet",
            "--rejects", str(out.parent / "rejects.jsonl"), *args]


def _database_ids(store: Store) -> tuple[set[str], set[str], int]:
    """Document ids, event ids and located events of a store."""
    with store.engine.connect() as con:
        docs = set(con.exec_driver_sql("SELECT id FROM documents").scalars())
        events = set(con.exec_driver_sql("SELECT id FROM events").scalars())
        located = con.exec_driver_sql("SELECT count(*) FROM events WHERE lat IS NOT NULL").scalar()
    return docs, events, located


@pytest.mark.parametrize(("fmt", "engine", "workers"), [("parquet", "local", 1), ("parquet", "local", 2),
                                                        ("parquet", "dask", 2), ("gpkg", "local", 2)])
def test_output_directory_holds_what_the_database_does(tmp_path: Path, gazetteer, fmt: str, engine: str,
                                                       workers: int) -> None:
    archive = _archive(tmp_path / "docs.jsonl", 24)
    with archive.open("a", encoding="utf-8") as fh:
        fh.write(archive.read_text(encoding="utf-8").splitlines()[0] + "\n")  # the same document twice
    store = Store(f"sqlite:///{tmp_path}/db.sqlite", gazetteer)
    run_ingest([str(archive)], store, batch=5)
    doc_ids, event_ids, located = _database_ids(store)
    store.close()
    out = OutputDir(tmp_path / "out", fmt)
    summary = run_ingest([str(archive)], out, workers=workers, engine=engine, batch=5)
    out.close()
    assert (summary.stored, summary.skipped) == (24, 1)
    docs, events, places = (read_output(out.path, table) for table in outdir.TABLES)
    assert len(docs) == docs["content_hash"].nunique() == 24 and set(docs["document_id"]) == doc_ids
    assert set(events["event_id"]) == event_ids and len(events) == summary.events == docs["events"].sum()
    assert len(places) == summary.places == docs["places"].sum()
    assert events.crs.to_epsg() == 4326 and places.crs.to_epsg() == 4326
    points = events[events.geometry.notna()]
    assert len(points) == located and set(points.geom_type) == {"Point"}
    assert (points.geometry.x == points["lon"]).all() and (points.geometry.y == points["lat"]).all()
    if fmt == "parquet":  # the formats' own readers see the same rows
        assert len(gpd.read_parquet(out.path / "events")) == len(events)
    else:
        assert sum(len(pyogrio.read_dataframe(p, layer="events")) for p in out.path.glob("part-*.gpkg")) == len(events)
    again = OutputDir(out.path, fmt)
    rerun = run_ingest([str(archive)], again, batch=5)
    again.close()
    assert (rerun.stored, rerun.skipped) == (0, 25)
    assert len(read_output(out.path, "documents")) == 24


@pytest.mark.parametrize(("fmt", "workers"), [("parquet", 1), ("parquet", 2), ("gpkg", 2)])
def test_kill_9_midway_then_resume_writes_every_document_once(tmp_path: Path, fmt: str, workers: int) -> None:
    n = 400
    archive = _archive(tmp_path / "docs.jsonl", n)
    out = tmp_path / "out"
    cmd = _ingest_cli(archive, out, "--format", fmt, "--batch", "10", "--workers", str(workers))
    _kill_9_when(cmd, lambda: len(finished_hashes(out, fmt)) >= 30)
    written = len(finished_hashes(out, fmt))
    assert 30 <= written < n  # killed midway
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    stored, skipped = (int(x.replace(",", "")) for x in
                       re.search(r"stored ([\d,]+), already stored ([\d,]+)", done.stderr).groups())
    assert stored + skipped == n and skipped >= written  # a worker of the killed run may have finished a part
    docs = read_output(out, "documents")
    assert len(docs) == docs["content_hash"].nunique() == n
    # and the result is what an uninterrupted run of the same command writes
    clean = tmp_path / "clean"
    subprocess.run(_ingest_cli(archive, clean, "--format", fmt, "--batch", "50"), timeout=300, check=True,
                   capture_output=True)
    assert sorted(read_output(out, "events")["event_id"]) == sorted(read_output(clean, "events")["event_id"])


def _read_only_dir(tmp_path: Path) -> Path:
    """A directory nobody may create things in (root may write anywhere on a normal file system: sysfs)."""
    if os.geteuid() == 0:
        return Path("/sys/fs/newsmap-test-out")
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    return locked / "out"


@pytest.mark.parametrize(("case", "message"), [
    ("a file", "is a file, not a directory"),
    ("under a file", "cannot create the directory"),
    ("read-only", "cannot create the directory"),
    ("with --database", "give --database or --output, not both"),
    ("--format alone", "--format needs --output DIR"),
])
def test_output_directory_errors_are_one_line(tmp_path: Path, case: str, message: str) -> None:
    archive = _archive(tmp_path / "docs.jsonl", 2)
    out = {"a file": archive, "under a file": archive / "out", "read-only": _read_only_dir(tmp_path)}.get(
        case, tmp_path / "out")
    cmd = _ingest_cli(archive, out)
    if case == "with --database":
        cmd += ["--database", f"sqlite:///{tmp_path}/db.sqlite"]
    elif case == "--format alone":
        cmd = [c for c in cmd if c not in ("--output", str(out))] + ["--format", "gpkg"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2
    assert done.stderr.startswith("newsmap: error: ") and message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_one_run_at_a_time_and_a_killed_runs_worker_writes_nothing(tmp_path: Path, parser, monkeypatch) -> None:
    first = OutputDir(tmp_path / "out")
    monkeypatch.setattr(outdir, "LOCK_WAIT", 0.2)
    with pytest.raises(InputError, match="another newsmap ingest is writing there"):
        OutputDir(tmp_path / "out")
    doc = process_document(parser, PARAGRAPHS[0], title="one")
    assert PartWriter(first.url).add_processed([doc]) == 1
    first.close()  # as if killed: a worker of that run may still be running
    second = OutputDir(tmp_path / "out")
    with pytest.raises(InputError, match="another ingest run has started there"):
        PartWriter(first.url).add_processed([process_document(parser, PARAGRAPHS[1], title="two")])
    assert finished_hashes(second.path, "parquet") == {doc.content_hash}
    second.close()
