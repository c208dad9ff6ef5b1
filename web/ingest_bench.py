"""`make bench-ingest`: ingest throughput on a synthetic archive built from the real gold corpora.

The archive repeats and shuffles the texts of LGL, TR-News and GeoVirus (each copy made unique by a
numbered last line, so none is de-duplicated) to the asked size, written as JSONL and streamed.
Reports documents/s for the local engine with 1 and 2 workers and for Dask with 2 workers, into the
database (SQLite, or PostGIS) and into a GeoParquet output directory (no database writer), the
scaling of 2 workers over 1 for each, the CPU seconds of each run, how many cores were free before and
after (other sessions on the machine), and peak memory of the worker processes. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from geo.gazetteer import get_gazetteer
from web.ingest import Target, run_ingest
from web.outdir import FORMATS, OutputDir
from web.scalebench import corpus_texts
from web.store import Store


def build_archive(eval_dir: Path, n: int, out: Path, seed: int = 7) -> Path:
    texts = corpus_texts(eval_dir)
    rng = random.Random(seed)
    with out.open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"id": f"s{i}", "text": rng.choice(texts) + f"\n\nArchive copy {i}.",
                                 "title": f"copy {i}"}) + "\n")
    return out


def _fresh_database(server: str | None, tmp: Path, name: str):  # type: ignore[no-untyped-def]
    """An empty database per run: an SQLite file, or a throwaway database on the PostgreSQL server given."""
    if not server:
        return f"sqlite:///{tmp}/{name}.sqlite", lambda: None
    import secrets

    import psycopg

    base, _, _ = server.rpartition("/")
    db = f"newsmap_ingest_{name}_{secrets.token_hex(4)}"
    with psycopg.connect(server, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{db}"')

    def drop() -> None:
        with psycopg.connect(server, autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')

    return f"{base}/{db}", drop


def _fresh_target(kind: str, server: str | None, tmp: Path, name: str) -> tuple[Target, Callable[[], None]]:
    """An empty store per run, and what closes and removes it: a database, or an output directory."""
    if kind in FORMATS:
        out = OutputDir(tmp / f"{kind}-{name}", kind)

        def remove() -> None:
            out.close()
            shutil.rmtree(out.path)

        return out, remove
    url, drop = _fresh_database(server, tmp, name)
    store = Store(url, get_gazetteer())

    def close() -> None:
        store.close()
        drop()

    return store, close


def _spin(n: int) -> float:
    t0 = time.perf_counter()
    x = 0
    for i in range(n):
        x += i * i
    return time.perf_counter() - t0


def _free_cores(n: int = 5_000_000) -> float:
    """How many cores a second process gets right now (2.0 on an idle 2-core machine): a busy loop alone, then
    two at once. Other sessions on the machine make the scaling figures mean little when this is near 1."""
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    with ProcessPoolExecutor(2, mp_context=get_context("spawn")) as pool:
        list(pool.map(_spin, [1000, 1000]))  # both processes started
        alone = pool.submit(_spin, n).result()
        t0 = time.perf_counter()
        list(pool.map(_spin, [n, n]))
        return 2 * alone / (time.perf_counter() - t0)


def _cpu_seconds() -> float:
    """CPU time of this process and of its ended children (the workers of a finished run): CPU time close to one
    worker's while the wall time is not means other processes took the cores."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _children_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def run(eval_dir: Path, n: int, configs: list[tuple[str, int]], database: str | None,
        targets: list[str], batch: int = 500) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        archive = build_archive(eval_dir, n, Path(tmp) / "archive.jsonl")
        mb = archive.stat().st_size / 1e6
        db = "PostGIS on " + database.split("@")[-1] if database else "SQLite"
        print(f"ingest bench: {n:,} documents ({mb:.0f} MB of JSONL) from the gold corpora, this machine, batch "
              f"{batch}; into {', '.join(db if t == 'database' else t + ' directory' for t in targets)}; free cores "
              f"now {_free_cores():.1f} of {os.cpu_count()} (two busy loops at once over one alone)")
        for kind in targets:
            rates = {}
            label = "sqlite" if kind == "database" and not database else "postgis" if kind == "database" else kind
            for engine, workers in configs:
                target, close = _fresh_target(kind, database, Path(tmp), f"{engine}{workers}")
                t0, cpu0 = time.perf_counter(), _cpu_seconds()
                summary = run_ingest([str(archive)], target, workers=workers, engine=engine, batch=batch)
                seconds, cpu = time.perf_counter() - t0, _cpu_seconds() - cpu0
                close()
                rates[(engine, workers)] = summary.stored / seconds
                print(f"  {label:7s} {engine:5s} x{workers}: {summary.stored:,} stored, {summary.events:,} events in "
                      f"{seconds:.1f} s: {summary.stored / seconds:.0f} documents/s; {cpu:.1f} CPU s in this process "
                      f"and its workers, load average {os.getloadavg()[0]:.1f}; peak RSS of any child process so far "
                      f"{_children_peak_mb():.0f} MB")
            _scaling(label, rates)
        print(f"  free cores after the runs: {_free_cores():.1f} of {os.cpu_count()}")


def _scaling(label: str, rates: dict[tuple[str, int], float]) -> None:
    one = rates.get(("local", 1))
    for (engine, workers), rate in rates.items():
        if one and workers > 1:
            print(f"  {label:7s} scaling {engine} x{workers} over local x1: {rate / one:.2f}x "
                  f"(efficiency {rate / one / workers:.0%})")


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m web.ingest_bench")
    p.add_argument("--eval-dir", default="../shared/eval")
    p.add_argument("--documents", type=int, default=10_000)
    p.add_argument("--configs", default="local:1,local:2,dask:2")
    p.add_argument("--database", help="a PostgreSQL server URL: each run gets a fresh database there (PostGIS) "
                                      "instead of a fresh SQLite file")
    p.add_argument("--targets", default="database,parquet",
                   help="where documents go, comma-separated: database, parquet, gpkg (an output directory)")
    p.add_argument("--batch", type=int, default=500)
    args = p.parse_args(argv)
    configs = [(c.split(":")[0], int(c.split(":")[1])) for c in args.configs.split(",")]
    run(Path(args.eval_dir), args.documents, configs, args.database, args.targets.split(","), args.batch)


if __name__ == "__main__":
    sys.exit(main())
