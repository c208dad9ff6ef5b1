"""Scale benchmark of the store: bbox query latency over 100,000 and 1,000,000 events, SQLite and PostGIS.

Reported, never asserted (``make bench-scale``). Real located events come from running the pipeline on
a few hundred gold-corpus documents; they are replicated with a small random spatial jitter to N rows
(every row located, so the cell index holds all N) in a fresh database per size: a SQLite file in a
temporary directory or a throwaway PostgreSQL database ``newsmap_bench_<random>`` (PostGIS points
with their GiST index too), dropped at the end. Rows are bulk-loaded (executemany in large
transactions; COPY on PostgreSQL) into the schema ``Store`` creates, indexes in place, and the insert
rate is reported. Then M random boxes of realistic sizes, centred on real event locations, go through
``Store.events`` (page of 100 and the count of matches) with and without a category filter; p50 and
p99 latencies are printed, and EXPLAIN of one city-size query tells whether its count reads the cell
index.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import secrets
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import sqlalchemy as sa

from geo.errors import InputError
from geo.pipeline import Geoparser
from web.store import COUNT_CAP, EventQuery, Store, cell_of, content_hash, documents, events, now

CORPORA = ("lgl", "trnews", "geovirus")
BOXES = {"city": 0.5, "region": 5.0, "country": 15.0, "continent": 60.0}  # side in degrees
JITTER = 0.1  # standard deviation of the spatial jitter, degrees (~10 km)
EVENTS_PER_DOCUMENT = 250
BATCH = 50_000  # events per transaction / COPY
EVENT_COLUMNS = tuple(c.name for c in events.columns if c.name != "pk")
DOCUMENT_COLUMNS = tuple(c.name for c in documents.columns)
_LON, _LAT = EVENT_COLUMNS.index("lon"), EVENT_COLUMNS.index("lat")


@dataclass(frozen=True)
class Result:
    """The figures of one backend at one size."""

    backend: str
    events: int
    insert_s: float
    analyze_s: float
    index_used: bool  # the cell index, by the count and the keys of a city-size box (EXPLAIN)
    plain_ms: tuple[float, float]  # p50, p99 of bbox queries
    category_ms: tuple[float, float]  # p50, p99 of the same boxes with a category filter
    matched: int  # median count of matches (bbox only; Store.events counts up to a cap)
    capped: float  # share of the bbox queries whose count reached the cap ("more than")

    @property
    def rate(self) -> float:
        return self.events / self.insert_s if self.insert_s else float("nan")


def corpus_texts(eval_dir: Path, per_corpus: int | None = None) -> list[str]:
    """The texts (the first ``per_corpus`` of each, or all) of the gold corpora found in ``eval_dir``."""
    texts = []
    for name in CORPORA:
        path = eval_dir / f"{name}.jsonl"
        if path.is_file():
            with path.open(encoding="utf-8") as f:
                texts += [json.loads(line)["text"] for line in f if line.strip()][:per_corpus]
    if not texts:
        raise InputError(f"no corpus ({', '.join(CORPORA)}) in {eval_dir} to take events from")
    return texts


def sample_events(texts: Sequence[str], parser: Geoparser) -> list[dict[str, Any]]:
    """The located events the store keeps for these texts (its own rows, through ``Store.add_document``)."""
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{tmp}/sample.sqlite", parser.gazetteer)
        try:
            for i, text in enumerate(texts):
                store.add_document(parser, text, title=f"sample {i}", published="2024-01-01")
            with store.begin() as con:
                rows = con.execute(sa.select(events).where(events.c.lat.is_not(None), events.c.lon.is_not(None))
                                   .order_by(events.c.pk)).mappings().all()
        finally:
            store.close()
    if not rows:
        raise InputError("the pipeline located no event in these texts")
    return [dict(r) for r in rows]


def synthetic(sample: Sequence[dict[str, Any]], texts: Sequence[str], n: int,
              seed: int = 0) -> Iterator[tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
    """N events drawn from ``sample`` with a jittered position, ``EVENTS_PER_DOCUMENT`` to a document.

    Yields (document rows, event rows) in ``DOCUMENT_COLUMNS`` / ``EVENT_COLUMNS`` order, ``BATCH``
    events at a time; each document comes in the batch of its first event. Documents are published
    over two years in insertion order; event ids are ``<document id>-<10 hex>``, unique."""
    rng = random.Random(seed)
    n_docs = max(1, -(-n // EVENTS_PER_DOCUMENT))
    first = dt.date(2023, 1, 1)
    stamp = now()
    doc_id, published = "", ""
    for start in range(0, n, BATCH):
        docs, rows = [], []
        for j in range(start, min(n, start + BATCH)):
            if j % EVENTS_PER_DOCUMENT == 0:
                d = j // EVENTS_PER_DOCUMENT
                text = f"{texts[d % len(texts)]}\n\n(scale bench copy {d})"
                digest = content_hash(text)
                doc_id, published = digest[:12], (first + dt.timedelta(days=d * 730 // n_docs)).isoformat()
                doc = {"id": doc_id, "content_hash": digest, "title": f"scale bench {d}", "source_url": "",
                       "published": published, "text": text, "created_at": stamp, "processed_at": stamp}
                docs.append(tuple(doc[c] for c in DOCUMENT_COLUMNS))
            s = rng.choice(sample)
            lat = min(90.0, max(-90.0, s["lat"] + rng.gauss(0.0, JITTER)))
            lon = min(180.0, max(-180.0, s["lon"] + rng.gauss(0.0, JITTER)))
            event_id = f"{doc_id}-{j:010x}"
            auto = json.dumps({"event_id": event_id, "subtype": s["subtype"], "status": s["status"],
                               "location": s["location"], "iso": s["iso"], "lat": lat, "lon": lon})
            row = dict(s, id=event_id, document_id=doc_id, auto=auto, rejected=False, corrected=False, lat=lat,
                       lon=lon, cell=cell_of(lon, lat), event_date=s["date"] or published)
            rows.append(tuple(row[c] for c in EVENT_COLUMNS))
        yield docs, rows


def _columns(names: Sequence[str]) -> str:
    return ", ".join(f'"{c}"' for c in names)


def load_sqlite(store: Store, batches: Iterator[tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]]) -> float:
    """executemany into documents and events, one transaction a batch; seconds in the database."""
    raw = store.engine.raw_connection()
    spent = 0.0
    try:
        cur = raw.cursor()
        pk = cur.execute("SELECT coalesce(max(pk), 0) FROM events").fetchone()[0]
        add_doc = (f"INSERT INTO documents ({_columns(DOCUMENT_COLUMNS)}) "
                   f"VALUES ({', '.join('?' * len(DOCUMENT_COLUMNS))})")
        add_event = (f"INSERT INTO events (pk, {_columns(EVENT_COLUMNS)}) "
                     f"VALUES ({', '.join('?' * (len(EVENT_COLUMNS) + 1))})")
        for docs, rows in batches:
            keyed = [(pk + i + 1, *r) for i, r in enumerate(rows)]
            t = time.perf_counter()
            cur.executemany(add_doc, docs)
            cur.executemany(add_event, keyed)
            raw.commit()
            spent += time.perf_counter() - t
            pk += len(rows)
    finally:
        raw.close()
    return spent


def load_postgis(url: str, batches: Iterator[tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]]) -> float:
    """COPY into documents and events (geom as EWKT), one transaction a batch; seconds spent loading."""
    import psycopg

    spent = 0.0
    with psycopg.connect(url) as con:
        for docs, rows in batches:
            t = time.perf_counter()
            with con.cursor() as cur:
                with cur.copy(f"COPY documents ({_columns(DOCUMENT_COLUMNS)}) FROM STDIN") as copy:
                    for d in docs:
                        copy.write_row(d)
                with cur.copy(f"COPY events ({_columns(EVENT_COLUMNS)}, geom) FROM STDIN") as copy:
                    for r in rows:
                        copy.write_row((*r, f"SRID=4326;POINT({r[_LON]!r} {r[_LAT]!r})"))
            con.commit()
            spent += time.perf_counter() - t
    return spent


def _boxes(points: Sequence[tuple[float, float]], m: int,
           rng: random.Random) -> list[tuple[str, tuple[float, float, float, float]]]:
    """M boxes, the four sizes in turn, each centred on a real event location (clipped to the world)."""
    out = []
    for i in range(m):
        name = list(BOXES)[i % len(BOXES)]
        half = BOXES[name] / 2
        lon, lat = rng.choice(points)
        out.append((name, (max(-180.0, lon - half), max(-90.0, lat - half), min(180.0, lon + half),
                           min(90.0, lat + half))))
    return out


def _percentiles(ms: list[float]) -> tuple[float, float]:
    ms = sorted(ms)
    n = len(ms)
    return (ms[min(n - 1, int(0.50 * n))], ms[min(n - 1, int(0.99 * n))]) if n else (float("nan"), float("nan"))


def _time(store: Store, queries: Sequence[EventQuery]) -> tuple[list[float], list[int]]:
    """Milliseconds of each ``Store.events`` call, and each count of matches."""
    ms, counts = [], []
    for q in queries:
        t = time.perf_counter()
        _, total = store.events(q)
        ms.append((time.perf_counter() - t) * 1000)
        counts.append(total)
    return ms, counts


def index_used(store: Store, bbox: tuple[float, float, float, float]) -> bool:
    """EXPLAIN the statement ``Store.events`` counts the matches of this box with: does it read the cell index?"""
    seen: list[tuple[str, Any]] = []

    def grab(_con: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        seen.append((statement, parameters))

    sa.event.listen(store.engine, "before_cursor_execute", grab)
    try:
        store.events(EventQuery(bbox=bbox, limit=100))
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", grab)
    sqlite = store.dialect == "sqlite"
    with store.begin() as con:
        plans = []
        for stmt, params in seen:
            if "set_config(" in stmt:  # the settings of the transaction, for the plans below
                con.exec_driver_sql(stmt, params)
            elif stmt.lstrip().upper().startswith("SELECT"):
                plans.append(" ".join(str(x) for row in con.exec_driver_sql(
                    ("EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN ") + stmt, params) for x in row))
    if len(plans) != 2:
        raise InputError(f"Store.events ran {len(plans)} queries, not a count and a page")
    return "events_cell_idx" in plans[0]


def bench_store(store: Store, backend: str, n: int, load: float, analyze: float,
                sample: Sequence[dict[str, Any]], queries: int, seed: int) -> Result:
    """Time ``queries`` bbox queries (and the same with a category) on a filled store."""
    rng = random.Random(seed + 1)
    points = [(s["lon"], s["lat"]) for s in sample]
    cats = sorted({s["category"] for s in sample})
    boxes = _boxes(points, queries, rng)
    plain = [EventQuery(bbox=b, limit=100) for _, b in boxes]
    with_cat = [EventQuery(bbox=b, category=rng.choice(cats), limit=100) for _, b in boxes]
    _time(store, plain[:20] + with_cat[:20])  # warm the caches and the pool
    used = index_used(store, next(b for name, b in boxes if name == "city"))
    plain_ms, counts = _time(store, plain)
    cat_ms, _ = _time(store, with_cat)
    return Result(backend=backend, events=n, insert_s=load, analyze_s=analyze, index_used=used,
                  plain_ms=_percentiles(plain_ms), category_ms=_percentiles(cat_ms),
                  matched=sorted(counts)[len(counts) // 2],
                  capped=sum(c > q.count_cap for c, q in zip(counts, plain, strict=True)) / max(1, len(counts)))


def _run_sqlite(n: int, sample: Sequence[dict[str, Any]], texts: Sequence[str], parser: Geoparser, queries: int,
                seed: int) -> Result:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{tmp}/scale.sqlite", parser.gazetteer)
        try:
            load = load_sqlite(store, synthetic(sample, texts, n, seed))
            t = time.perf_counter()
            store.analyze()
            analyze = time.perf_counter() - t
            return bench_store(store, "sqlite", n, load, analyze, sample, queries, seed)
        finally:
            store.close()


def _run_postgis(n: int, sample: Sequence[dict[str, Any]], texts: Sequence[str], parser: Geoparser, queries: int,
                 seed: int, server: str) -> Result:
    import psycopg
    from psycopg import sql

    name = f"newsmap_bench_{secrets.token_hex(6)}"
    url = urlunsplit(urlsplit(server)._replace(path="/" + name))
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        store = Store(url, parser.gazetteer)
        try:
            load = load_postgis(url, synthetic(sample, texts, n, seed))
            t = time.perf_counter()
            with psycopg.connect(url, autocommit=True) as con:
                con.execute("VACUUM ANALYZE")  # what autovacuum does after a bulk load, before the timing starts
                for _ in range(3):  # rows an autovacuum's snapshot still hid are not marked visible to all: again
                    done = con.execute("SELECT relallvisible >= relpages FROM pg_class WHERE relname = 'events'")
                    if done.fetchone()[0]:
                        break
                    con.execute("VACUUM events")
            analyze = time.perf_counter() - t
            return bench_store(store, "postgis", n, load, analyze, sample, queries, seed)
        finally:
            store.close()
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def run_scale_bench(eval_dir: Path, *, sizes: Sequence[int] = (100_000, 1_000_000),
                    backends: Sequence[str] = ("sqlite", "postgis"), queries: int = 500,
                    postgres_url: str | None = None, docs_per_corpus: int = 300, seed: int = 0,
                    parser: Geoparser | None = None) -> list[Result]:
    """Fill a fresh database per backend and size, time the bbox queries, print and return the figures."""
    unknown = set(backends) - {"sqlite", "postgis"}
    if unknown:
        raise InputError(f"unknown backend {', '.join(sorted(unknown))}; use sqlite, postgis")
    if "postgis" in backends and not postgres_url:
        raise InputError("postgis needs --postgres-url (or NEWSMAP_TEST_POSTGRES_URL): scripts/postgres.sh url")
    parser = parser or Geoparser()
    texts = corpus_texts(eval_dir, docs_per_corpus)
    sample = sample_events(texts, parser)
    print(f"scale bench: Store.events(bbox, limit=100) with its count of matches, {queries} random boxes "
          f"({', '.join(f'{k} {v:g}°' for k, v in BOXES.items())}) centred on real event locations; events are "
          f"{len(sample):,} located events of {len(texts):,} documents ({', '.join(CORPORA)}) replicated with "
          f"{JITTER:g}° jitter, {EVENTS_PER_DOCUMENT} per document; {os.cpu_count()} CPU cores", flush=True)
    results = []
    for n in sizes:
        for backend in backends:
            if backend == "sqlite":
                r = _run_sqlite(n, sample, texts, parser, queries, seed)
            else:
                r = _run_postgis(n, sample, texts, parser, queries, seed, postgres_url or "")
            print(format_result(r), flush=True)
            results.append(r)
    return results


def format_result(r: Result) -> str:
    return (f"{r.backend:8} {r.events:>9,} events: insert {r.rate:,.0f} rows/s ({r.insert_s:.1f} s, indexes in place; "
            f"{'ANALYZE' if r.backend == 'sqlite' else 'VACUUM ANALYZE'} {r.analyze_s:.1f} s)\n"
            f"  EXPLAIN (city box): events_cell_idx {'used' if r.index_used else 'NOT used'} by the count\n"
            f"  bbox           p50 {r.plain_ms[0]:7.1f} ms   p99 {r.plain_ms[1]:7.1f} ms   "
            f"(median count {r.matched:,}; {r.capped:.0%} over the cap of {COUNT_CAP:,})\n"
            f"  bbox+category  p50 {r.category_ms[0]:7.1f} ms   p99 {r.category_ms[1]:7.1f} ms")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m web.scalebench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", default="100000,1000000", help="comma-separated sizes (default %(default)s)")
    ap.add_argument("--backend", default="sqlite,postgis", help="comma-separated: sqlite, postgis")
    ap.add_argument("--queries", type=int, default=500, help="bbox queries per backend and size")
    ap.add_argument("--eval-dir", default="../shared/eval", help="gold corpora (lgl, trnews, geovirus .jsonl)")
    ap.add_argument("--postgres-url", default=os.environ.get("NEWSMAP_TEST_POSTGRES_URL"),
                    help="a server where the role may CREATE DATABASE (default $NEWSMAP_TEST_POSTGRES_URL)")
    ap.add_argument("--docs-per-corpus", type=int, default=300, help="documents run through the pipeline")
    args = ap.parse_args(argv)
    try:
        sizes = [int(x) for x in args.events.split(",") if x.strip()]
        backends = [x.strip() for x in args.backend.split(",") if x.strip()]
        run_scale_bench(Path(args.eval_dir), sizes=sizes, backends=backends, queries=args.queries,
                        postgres_url=args.postgres_url, docs_per_corpus=args.docs_per_corpus)
    except (InputError, ValueError) as err:
        print(f"scalebench: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
