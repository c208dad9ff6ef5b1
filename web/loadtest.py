"""Load test of GET /api/v1/events: N concurrent keep-alive clients against the production server.

A bounded script rather than a framework: it stores enough real documents (gold corpus texts, each
made unique so none is de-duplicated) for the target number of events, starts ``newsmap serve``
(waitress) in its own process on a loopback port, and runs client threads in this process for a fixed
time with a mix of realistic queries (bbox windows, category, country, paging). Reported, not asserted.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from geo.errors import InputError

QUERIES = ["/api/v1/events?limit=100", "/api/v1/events?category=strike&limit=100",
           "/api/v1/events?bbox=-10,35,40,60&limit=100", "/api/v1/events?bbox=-125,25,-65,50&limit=50",
           "/api/v1/events?country=US&limit=100", "/api/v1/events?status=occurred&limit=100&offset=200",
           "/api/v1/events?q=police&limit=100", "/api/v1/events?bbox=30,0,60,40&category=diplomacy"]


def fill(db_url: str, eval_dir: Path, events: int) -> tuple[int, int]:
    """Store corpus documents until ``events`` events are stored; returns (documents, events) stored."""
    from geo.pipeline import Geoparser
    from web.scalebench import corpus_texts
    from web.store import Store

    texts = corpus_texts(eval_dir)
    parser = Geoparser()
    store = Store(db_url, parser.gazetteer)
    docs = 0
    stored = store.health()["events"]
    while stored < events:
        text = texts[docs % len(texts)] + f"\n\n(copy {docs})"
        store.add_document(parser, text, title=f"load {docs}", published="2024-01-01")
        docs += 1
        if docs % 200 == 0:
            stored = store.health()["events"]
    health = store.health()
    return health["documents"], health["events"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_load_bench(eval_dir: Path, *, clients: int = 50, seconds: float = 30.0, events: int = 10_000,
                   db: Path | None = None) -> None:
    """Fill a database (``db``, kept and topped up across runs, or a temporary one), serve it and load it."""
    with tempfile.TemporaryDirectory() as tmp:
        db_url = f"sqlite:///{db or Path(tmp) / 'load.sqlite'}"
        t0 = time.perf_counter()
        docs, stored = fill(db_url, eval_dir, events)
        fill_s = time.perf_counter() - t0
        port = _free_port()
        env = dict(os.environ, NEWSMAP_DATABASE_URL=db_url)
        log = open(Path(tmp) / "server.log", "wb")  # noqa: SIM115 (a pipe nobody reads would fill and stall the server)
        server = subprocess.Popen([sys.executable, "-m", "geo.cli", "serve", "--port", str(port), "--threads", "16"],
                                  env=env, stdout=subprocess.DEVNULL, stderr=log)
        try:
            _wait(port)
            latencies, errors = _hammer(port, clients, seconds)
        finally:
            server.terminate()
            server.wait(timeout=10)
            log.close()
    latencies.sort()
    n = len(latencies)
    pct = (lambda q: latencies[min(n - 1, int(q * n))] * 1000) if n else (lambda q: float("nan"))
    print(f"load test: GET /api/v1/events, {clients} concurrent clients for {seconds:.0f} s, waitress 16 threads, "
          f"SQLite with {stored:,} events ({docs:,} documents; {fill_s:.0f} s to fill)")
    print(f"  requests: {n:,}   errors: {errors}   requests/s: {n / seconds:.0f}")
    print(f"  latency p50 {pct(0.50):.1f} ms   p90 {pct(0.90):.1f} ms   p99 {pct(0.99):.1f} ms")


def _wait(port: int, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/v1/health")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise InputError("the server did not start")


def _hammer(port: int, clients: int, seconds: float) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = 0
    reasons: dict[str, int] = {}
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(seed: int) -> None:
        nonlocal errors
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        failed = 0
        while time.monotonic() < stop:
            t = time.perf_counter()
            try:
                conn.request("GET", rng.choice(QUERIES))
                resp = conn.getresponse()
                resp.read()
                if resp.status != 200:
                    failed += 1
                    reasons[f"HTTP {resp.status}"] = reasons.get(f"HTTP {resp.status}", 0) + 1
            except OSError as err:
                failed += 1
                reasons[type(err).__name__] = reasons.get(type(err).__name__, 0) + 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            mine.append(time.perf_counter() - t)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors += failed

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    if reasons:
        print(f"  errors by kind: {reasons}")
    return latencies, errors


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m web.loadtest", description=__doc__.splitlines()[0])
    ap.add_argument("--eval-dir", type=Path, default=Path("../shared/eval"), help="gold corpora the texts come from")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--events", type=int, default=10_000, help="events to store before the run")
    ap.add_argument("--db", type=Path, help="an SQLite file to fill once and reuse (same data before and after a "
                                            "change); a temporary one by default")
    args = ap.parse_args(argv)
    run_load_bench(args.eval_dir, clients=args.clients, seconds=args.seconds, events=args.events, db=args.db)
    return 0


if __name__ == "__main__":
    sys.exit(main())
