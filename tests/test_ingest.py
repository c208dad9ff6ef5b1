"""Batch ingestion: every source kind, rejects with reasons, workers and Dask, and kill -9 then resume."""

from __future__ import annotations

import functools
import http.server
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from geo.ingest_sources import Doc, Reject, iter_sources
from tests.conftest import SAMPLE
from web.ingest import run_ingest
from web.store import Store

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


def test_kill_9_midway_then_resume_stores_every_document_once(tmp_path: Path, db_url, gazetteer) -> None:
    n = 400
    archive = _archive(tmp_path / "docs.jsonl", n)
    url = db_url(tmp_path)
    cmd = [sys.executable, "-m", "geo.cli", "ingest", str(archive), "--database", url, "--batch", "10", "--quiet",
           "--rejects", str(tmp_path / "rejects.jsonl")]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while _count(url)[0] < 30:
        assert proc.poll() is None, proc.stderr.read().decode()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stderr.close()
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
