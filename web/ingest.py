"""Batch ingestion into the store or an output directory: stream documents, process them on worker processes
or Dask, write once.

The archive is read one batch at a time (never whole). Each batch: documents whose content hash is
already stored are skipped before any work (so a run killed at any point and started again finishes
with every document stored exactly once), the rest are processed by the chosen engine, and each
worker writes what it processed: one transaction per batch into the database, or one part per batch
into a GeoParquet/GeoPackage directory (web.outdir). Workers load the gazetteer once each.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context, parent_process
from pathlib import Path
from typing import IO, Any, Protocol

from geo.errors import InputError
from geo.ingest_sources import Doc, Reject, iter_sources
from geo.io import lenient_date
from web.outdir import PartWriter, is_output_url
from web.store import Processed, Store, check_document, content_hash, process_document

ENGINES = ("local", "dask")


@dataclass
class Summary:
    read: int = 0
    stored: int = 0
    skipped: int = 0
    rejected: int = 0
    places: int = 0
    events: int = 0
    seconds: float = 0.0
    reasons: dict[str, int] = field(default_factory=dict)

    def report(self) -> str:
        rate = self.read / self.seconds if self.seconds else 0.0
        lines = [f"documents read {self.read:,}: stored {self.stored:,}, already stored {self.skipped:,}, "
                 f"rejected {self.rejected:,}",
                 f"places {self.places:,}, events {self.events:,}, in {self.seconds:.1f} s ({rate:,.1f} documents/s)"]
        if self.reasons:
            top = sorted(self.reasons.items(), key=lambda kv: -kv[1])[:5]
            lines.append("rejects: " + "; ".join(f"{n} x {r}" for r, n in top))
        return "\n".join(lines)


# ---- work done in worker processes ---------------------------------------------------------------------------

Task = tuple[str, str, str, str | None, str]  # text, title, url, date, source
_parser = None


def _work(doc: Task) -> Processed | Reject:
    """One document -> rows to store, or a reject; runs in a worker with its own gazetteer."""
    global _parser
    text, title, url, date, source = doc
    try:
        if _parser is None:
            from geo.pipeline import Geoparser

            _parser = Geoparser()
        check_document(text, title, url)
        return process_document(_parser, text, title=title, source_url=url, published=_iso(lenient_date(date)))
    except InputError as err:
        return Reject(source, str(err))


@dataclass
class Written:
    """What a worker did with a batch: counts, and the rejects for the parent to record."""

    stored: int = 0
    skipped: int = 0
    places: int = 0
    events: int = 0
    rejects: list[Reject] = field(default_factory=list)


_sinks: dict[str, Store | PartWriter] = {}


def _sink(url: str) -> Store | PartWriter:
    """This worker's writer for a database URL or an output directory (web.outdir.output_url), opened once."""
    sink = _sinks.get(url)
    if sink is None:
        if is_output_url(url):
            sink = PartWriter(url)
        else:
            from geo.gazetteer import get_gazetteer

            sink = Store(url, get_gazetteer())
        _sinks[url] = sink
    return sink


def _work_write(url: str, docs: list[Task]) -> Written:
    """Process a batch and write it from the worker itself (one writer per worker process and target):
    the parent only reads the archive, so it does not become the bottleneck."""
    sink = _sink(url)
    out = Written()
    done = []
    for r in (_work(d) for d in docs):
        if isinstance(r, Reject):
            out.rejects.append(r)
        else:
            done.append(r)
    out.stored = sink.add_processed(done)
    out.skipped = len(done) - out.stored
    out.places = sum(len(d.places) for d in done)
    out.events = sum(len(d.events) for d in done)
    return out


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


# ---- engines ------------------------------------------------------------------------------------------------


# A whole batch goes to one worker (one transaction, or one output part, of --batch documents: fixed costs per
# write are paid once per batch), and up to two batches per worker are in flight, so a worker that finishes
# takes the next queued batch while the reading process waits for the oldest one.


class _Local:
    """In this process (workers=1) or a pool of spawned processes; each writes what it processes."""

    def __init__(self, workers: int, url: str) -> None:
        self.pool = ProcessPoolExecutor(workers, mp_context=get_context("spawn"),
                                        initializer=_exit_with_parent) if workers > 1 else None
        self.url = url
        self.in_flight = 2 * workers if self.pool else 1

    def submit(self, docs: list[Task]) -> Callable[[], Written]:
        """Start the work; the returned function waits for it (so the next batch is read meanwhile)."""
        if self.pool is None:
            return lambda: _work_write(self.url, docs)
        return self.pool.submit(_work_write, self.url, docs).result

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()


def _exit_with_parent() -> None:
    """A pool worker ends when the reading process dies (kill -9 included) instead of waiting forever for work;
    a part or transaction it was writing is left unfinished, as if it had been killed too."""
    parent = parent_process()
    if parent is not None:
        threading.Thread(target=lambda: (parent.join(), os._exit(1)), daemon=True).start()


class _Dask:
    """A LocalCluster of worker processes, or an existing scheduler (tcp://host:port); workers write."""

    def __init__(self, workers: int, scheduler: str | None, url: str) -> None:
        from distributed import Client, LocalCluster

        self.cluster = None
        self.url = url
        if scheduler:
            self.client = Client(scheduler)
            workers = max(1, len(self.client.scheduler_info().get("workers", {})))
        else:
            self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                        dashboard_address=":0", silence_logs=40)  # any free port: 8787 may be taken
            self.client = Client(self.cluster)
        self.in_flight = 2 * workers

    def submit(self, docs: list[Task]) -> Callable[[], Written]:
        return self.client.submit(_work_write, self.url, docs, pure=False).result

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def _batches(items: Iterable[Doc | Reject], size: int) -> Iterator[tuple[list[Doc], list[Reject]]]:
    docs: list[Doc] = []
    rejects: list[Reject] = []
    for item in items:
        if isinstance(item, Reject):
            rejects.append(item)
        else:
            docs.append(item)
        if len(docs) >= size:
            yield docs, rejects
            docs, rejects = [], []
    if docs or rejects:
        yield docs, rejects


class Target(Protocol):
    """Where documents go: a :class:`web.store.Store` or a :class:`web.outdir.OutputDir`."""

    url: str  # what each worker opens its own writer on

    def stored_hashes(self, hashes: Sequence[str]) -> set[str]: ...


def run_ingest(sources: Sequence[str], store: Target, *, workers: int = 1, engine: str = "local",
               scheduler: str | None = None, batch: int = 500, rejects: IO[str] | None = None,
               progress: bool = False) -> Summary:
    """Ingest every document of ``sources`` into ``store`` (a database or an output directory); returns the
    counts."""
    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")
    if workers < 1:
        raise InputError("--workers must be at least 1")
    summary = Summary()
    t0 = time.perf_counter()
    mapper: Any = _Dask(workers, scheduler, store.url) if engine == "dask" else _Local(workers, store.url)
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(unit=" docs", file=sys.stderr, dynamic_ncols=True)
    pending: deque[Callable[[], Written]] = deque()
    seen: set[str] = set()  # handed out in this run: an output directory cannot refuse a second copy itself
    try:
        for docs, bad in _batches(iter_sources(sources), batch):
            for r in bad:
                _reject(summary, rejects, r)
            summary.read += len(docs) + len(bad)
            todo = _new_docs(docs, store, seen, summary)
            if todo:
                pending.append(mapper.submit(todo))
            while len(pending) > mapper.in_flight:  # the oldest batch, while the others are processed
                _tally(pending.popleft()(), summary, rejects)
            if bar is not None:
                bar.update(len(docs) + len(bad))
        while pending:
            _tally(pending.popleft()(), summary, rejects)
    finally:
        mapper.close()
        if bar is not None:
            bar.close()
    summary.seconds = time.perf_counter() - t0
    return summary


def _new_docs(docs: list[Doc], store: Target, seen: set[str], summary: Summary) -> list[Task]:
    """The documents of a batch that are neither stored nor handed out already (counted as skipped otherwise)."""
    hashes = [content_hash(d.text) for d in docs]
    known = store.stored_hashes(list(dict.fromkeys(hashes)))
    todo: list[Task] = []
    for d, h in zip(docs, hashes, strict=True):
        if h in known or h in seen:
            summary.skipped += 1
            continue
        seen.add(h)
        todo.append((d.text, d.title, d.url, d.date, d.source))
    return todo


def _tally(done: Written, summary: Summary, rejects: IO[str] | None) -> None:
    """Count what a worker wrote: this is where a batch is done."""
    for r in done.rejects:
        _reject(summary, rejects, r)
    summary.stored += done.stored
    summary.skipped += done.skipped
    summary.places += done.places
    summary.events += done.events


def _reject(summary: Summary, out: IO[str] | None, r: Reject) -> None:
    summary.rejected += 1
    key = r.reason.split(" (")[0][:60]  # the kind of reject, without the record's details
    summary.reasons[key] = summary.reasons.get(key, 0) + 1
    if out is not None:
        out.write(json.dumps({"source": r.source, "reason": r.reason}, ensure_ascii=False) + "\n")
        out.flush()


def rejects_file(path: str | None) -> IO[str] | None:
    return Path(path).open("a", encoding="utf-8") if path else None
