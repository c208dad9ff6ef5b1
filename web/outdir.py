"""Ingest into a directory of GeoParquet (or GeoPackage) parts instead of a database.

Each worker writes every batch it processed as one part itself, so there is no single writer. A part
is written under a dot-name and renamed into place, so a killed run never leaves a half file that
looks finished. In GeoParquet a part is three files, and its documents file is renamed last: it is
what makes the part count; events and places files without it are leftovers of a killed run, removed
on the next start. On start the content hashes of the finished parts are read (that column only) and
those documents are skipped, so a run killed at any point and started again ends with every document
present exactly once. One run writes to a directory at a time: the lock file holds the current run's
token, the reading process holds it exclusively while it cleans up and reads the hashes, and a worker
writes a part under a shared lock only while the token is still its run's. So a worker left over from
a killed run either finishes its part before the next run reads the hashes, or writes nothing.

Layout: ``DIR/{documents,events,places}/part-ID.parquet`` (``geopandas.read_parquet(DIR / "events")``
reads every part of a table once a run has finished), or ``DIR/part-ID.gpkg`` with the layers
documents, events and places. :func:`read_output` reads either, finished parts only.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from geo.errors import InputError
from geo.frame import points_frame
from web.store import Processed

if TYPE_CHECKING:
    import pandas as pd

FORMATS = ("parquet", "gpkg")
TABLES = ("documents", "events", "places")
_INTS = frozenset({"trigger_start", "sentence_start", "sentence_end", "place_id", "geonameid", "geo_precision",
                   "place_start", "place_end", "start", "end", "places", "events"})
_FLOATS = frozenset({"lat", "lon", "confidence"})
_LOCK = ".newsmap-ingest.lock"
LOCK_WAIT = 15.0  # seconds a new run waits for the writers of a killed one to finish their part


def output_url(path: str | Path, fmt: str, run: str) -> str:
    """The one string that names an output directory and its run to workers, as a URL names a database."""
    return f"{fmt}:{run}:{Path(path).resolve()}"


def is_output_url(url: str) -> bool:
    return url.split(":", 1)[0] in FORMATS


class OutputDir:
    """The reading process's side of an output directory: checked, locked, and its finished documents known."""

    def __init__(self, path: str | Path, fmt: str = "parquet") -> None:
        if fmt not in FORMATS:
            raise InputError(f"unknown output format {fmt!r}; use one of {', '.join(FORMATS)}")
        self.path, self.format = Path(path), fmt
        _make_dir(self.path, fmt)
        self._lock = _open_lock(self.path)
        try:
            _flock(self._lock, fcntl.LOCK_EX, LOCK_WAIT, self.path)
            run = secrets.token_hex(8)
            os.ftruncate(self._lock, 0)
            os.pwrite(self._lock, run.encode(), 0)  # from now on a worker of an earlier run writes nothing
            _refuse_other_format(self.path, fmt)
            _remove_leftovers(self.path, fmt)
            self._known = finished_hashes(self.path, fmt)
            _flock(self._lock, fcntl.LOCK_SH, 0.0, self.path)  # this run's workers write under shared locks
        except BaseException:
            os.close(self._lock)
            raise
        self.url = output_url(self.path, fmt, run)

    def stored_hashes(self, hashes: Sequence[str]) -> set[str]:
        """Which of these content hashes a finished part already holds (read once, at the start)."""
        return self._known.intersection(hashes)

    def close(self) -> None:
        """Release the directory (closing the lock file releases the lock)."""
        if self._lock >= 0:
            os.close(self._lock)
            self._lock = -1


class PartWriter:
    """A worker's side: every batch of processed documents becomes one part."""

    def __init__(self, url: str) -> None:
        self.format, self.run, path = url.split(":", 2)
        self.path = Path(path)
        self._lock = _open_lock(self.path)

    def add_processed(self, batch: Sequence[Processed]) -> int:
        """Write the documents as one new part; returns how many (the reading process already left out
        the ones the directory holds, so every one is new)."""
        if not batch:
            return 0
        part = f"{time.strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(4)}"
        frames = part_frames(batch)
        fcntl.flock(self._lock, fcntl.LOCK_SH)  # waits while a new run reads the directory
        try:
            if os.pread(self._lock, 64, 0).decode() != self.run:
                raise InputError(f"--output {self.path}: another ingest run has started there; this part of "
                                 f"{len(batch)} documents is not written")
            if self.format == "gpkg":
                _write_gpkg(self.path, part, frames)
            else:
                _write_parquet(self.path, part, frames)
        finally:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
        return len(batch)


def part_frames(batch: Sequence[Processed]) -> dict[str, pd.DataFrame]:
    """Documents (no geometry), events (the flat records of geo.frame) and place mentions, both as points."""
    import pandas as pd

    docs = pd.DataFrame([{"document_id": d.doc_id, "content_hash": d.content_hash, "title": d.title,
                          "url": d.source_url, "published": d.published, "places": len(d.places),
                          "events": len(d.events), "text": d.text} for d in batch])
    events = [{"document_id": d.doc_id, **json.loads(e["auto"]), "event_date": e["event_date"],
               "source": d.source_url, "title": d.title} for d in batch for e in d.events]
    places = [{"document_id": d.doc_id, **{k: v for k, v in p.items() if k != "auto"}}
              for d in batch for p in d.places]
    frames = {"documents": docs}
    for name, rows in (("events", events), ("places", places)):
        if rows:  # an empty table is left out: with no rows its columns would have no types
            frames[name] = points_frame(rows)
    return {name: _typed(frame) for name, frame in frames.items()}


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """The same column types in every part (a column that is empty in one part would otherwise be null-typed
    there and clash with the others when the parts are read as one table)."""
    import pandas as pd

    for col in frame.columns:
        if col in _INTS:
            frame[col] = frame[col].astype("Int64")
        elif col in _FLOATS:
            frame[col] = frame[col].astype("float64")
        elif frame[col].dtype == object or pd.api.types.is_string_dtype(frame[col].dtype):
            frame[col] = frame[col].astype("string")
    return frame


def _write_parquet(root: Path, part: str, frames: dict[str, pd.DataFrame]) -> None:
    for name in ("places", "events", "documents"):  # documents last: they make the part count
        if name in frames:
            final = root / name / f"part-{part}.parquet"
            tmp = final.with_name(f".{final.name}.tmp")  # a dot-name: readers of the directory skip it
            frames[name].to_parquet(tmp, index=False)  # a GeoDataFrame writes GeoParquet
            os.replace(tmp, final)


def _write_gpkg(root: Path, part: str, frames: dict[str, pd.DataFrame]) -> None:
    import pyogrio

    tmp, final = root / f".part-{part}.tmp.gpkg", root / f"part-{part}.gpkg"
    for name, frame in frames.items():
        pyogrio.write_dataframe(frame, tmp, layer=name, driver="GPKG")
    os.replace(tmp, final)


# ---- the directory, on start ---------------------------------------------------------------------------------


def _make_dir(path: Path, fmt: str) -> None:
    """The directory (and a folder per table for GeoParquet), or a one-line reason why it cannot be."""
    if path.exists() and not path.is_dir():
        raise InputError(f"--output {path}: is a file, not a directory")
    try:
        for sub in TABLES if fmt == "parquet" else ("",):
            (path / sub).mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise InputError(f"--output {path}: cannot create the directory ({err.strerror})") from None


def _open_lock(path: Path) -> int:
    try:
        return os.open(path / _LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as err:
        raise InputError(f"--output {path}: cannot write there ({err.strerror})") from None


def _flock(fd: int, kind: int, wait: float, path: Path) -> None:
    """Take the lock, waiting up to ``wait`` seconds (for the last parts of a killed run's workers)."""
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, kind | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise InputError(f"--output {path}: another newsmap ingest is writing there") from None
            time.sleep(0.1)


def _refuse_other_format(path: Path, fmt: str) -> None:
    """Parts of the other format would not be read for the skip: their documents would be written again."""
    other = any(path.glob("part-*.gpkg")) if fmt == "parquet" else any(path.glob("documents/part-*.parquet"))
    if other:
        raise InputError(f"--output {path}: holds {'GeoPackage' if fmt == 'parquet' else 'GeoParquet'} parts; "
                         f"use that --format or another directory")


def _remove_leftovers(path: Path, fmt: str) -> None:
    """Half-written files and, in GeoParquet, the events and places of parts whose documents never landed."""
    for tmp in path.glob("**/.part-*"):
        tmp.unlink()
    if fmt == "parquet":
        for name in ("events", "places"):
            kept = set(finished_parts(path, fmt, name))
            for p in (path / name).glob("part-*.parquet"):
                if p not in kept:
                    p.unlink()


def finished_parts(path: str | Path, fmt: str, table: str = "documents") -> list[Path]:
    """The part files of a table that count: in GeoParquet, those whose documents file landed."""
    root = Path(path)
    if fmt == "gpkg":
        return sorted(root.glob("part-*.gpkg"))
    done = sorted(p.name for p in (root / "documents").glob("part-*.parquet"))
    return [root / table / name for name in done if (root / table / name).exists()]


def finished_hashes(path: str | Path, fmt: str) -> set[str]:
    """The content hashes of every finished part, reading that one column."""
    parts = finished_parts(path, fmt)
    if not parts:
        return set()
    if fmt == "parquet":
        import pyarrow.dataset as ds

        return set(ds.dataset([str(p) for p in parts], format="parquet").to_table(columns=["content_hash"])
                   .column("content_hash").to_pylist())
    import pyogrio

    found: set[str] = set()
    for p in parts:
        _, table = pyogrio.read_arrow(p, layer="documents", columns=["content_hash"], read_geometry=False)
        found.update(table.column("content_hash").to_pylist())
    return found


def read_output(path: str | Path, table: str = "events") -> pd.DataFrame:
    """One table of an output directory, every finished part: a GeoDataFrame for events and places (EPSG:4326
    points), a DataFrame for documents. After a run that finished this is ``geopandas.read_parquet(DIR / table)``."""
    import geopandas as gpd
    import pandas as pd
    import pyogrio

    if table not in TABLES:
        raise InputError(f"unknown table {table!r}; use one of {', '.join(TABLES)}")
    root = Path(path)
    if any(root.glob("part-*.gpkg")):
        frames = [pyogrio.read_dataframe(p, layer=table) for p in finished_parts(root, "gpkg")
                  if table in pyogrio.list_layers(p)[:, 0]]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    parts = [str(p) for p in finished_parts(root, "parquet", table)]
    if not parts:
        return pd.DataFrame()
    return pd.read_parquet(parts) if table == "documents" else gpd.read_parquet(parts)
