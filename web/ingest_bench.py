"""`make bench-ingest`: ingest throughput on a synthetic archive built from the real gold corpora.

The archive repeats and shuffles the texts of LGL, TR-News and GeoVirus (each copy made unique by a
numbered last line, so none is de-duplicated) to the asked size, written as JSONL and streamed.
Reports documents/s for the local engine with 1 and 2 workers and for Dask with 2 workers, the
scaling of 2 workers over 1, and peak memory of the worker processes. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from geo.gazetteer import get_gazetteer
from web.ingest import run_ingest
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


def _children_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def run(eval_dir: Path, n: int, configs: list[tuple[str, int]], database: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        archive = build_archive(eval_dir, n, Path(tmp) / "archive.jsonl")
        mb = archive.stat().st_size / 1e6
        print(f"ingest bench: {n:,} documents ({mb:.0f} MB of JSONL) from the gold corpora, this machine "
              f"({'PostGIS on ' + database.split('@')[-1] if database else 'SQLite store'})")
        rates = {}
        for engine, workers in configs:
            url, drop = _fresh_database(database, Path(tmp), f"{engine}{workers}")
            store = Store(url, get_gazetteer())
            t0 = time.perf_counter()
            summary = run_ingest([str(archive)], store, workers=workers, engine=engine, batch=500)
            seconds = time.perf_counter() - t0
            rates[(engine, workers)] = summary.stored / seconds
            print(f"  {engine:5s} x{workers}: {summary.stored:,} stored, {summary.events:,} events in {seconds:.0f} s: "
                  f"{summary.stored / seconds:.0f} documents/s; peak RSS of any child process so far "
                  f"{_children_peak_mb():.0f} MB")
            store.close()
            drop()
        one = rates.get(("local", 1))
        for (engine, workers), rate in rates.items():
            if one and workers > 1:
                print(f"  scaling {engine} x{workers} over local x1: {rate / one:.2f}x "
                      f"(efficiency {rate / one / workers:.0%})")


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m web.ingest_bench")
    p.add_argument("--eval-dir", default="../shared/eval")
    p.add_argument("--documents", type=int, default=10_000)
    p.add_argument("--configs", default="local:1,local:2,dask:2")
    p.add_argument("--database", help="a PostgreSQL server URL: each run gets a fresh database there (PostGIS) "
                                      "instead of a fresh SQLite file")
    args = p.parse_args(argv)
    configs = [(c.split(":")[0], int(c.split(":")[1])) for c in args.configs.split(",")]
    run(Path(args.eval_dir), args.documents, configs, args.database)


if __name__ == "__main__":
    sys.exit(main())
