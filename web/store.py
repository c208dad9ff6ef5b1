"""The store: documents, their places and events, and the corrections reviewers make.

SQLAlchemy Core over an embedded SQLite file by default, or PostgreSQL + PostGIS when
``NEWSMAP_DATABASE_URL=postgresql://...`` (a point column with a GiST index, for GIS tools and boxes
with other filters). Boxes are queried on both through ``cell``, a Z-order key of the event position,
in one btree index (category, cell) that also holds the position and key: see ``Store.events``.
Automatic output is kept as it came (``auto`` JSON per row); the columns queries read are the
*effective* values: automatic output with every stored correction applied in time order. So a
correction survives re-processing (the effective values are rebuilt from the new automatic output and
the same corrections), and the original is always recoverable.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.compiler import compiles

from geo.errors import InputError
from geo.events import place_roles
from geo.frame import event_rows
from geo.gazetteer import Gazetteer
from geo.pipeline import Geoparser
from geo.taxonomy import CATEGORIES, STATUSES, SUBTYPES

SCHEMA_VERSION = 3  # 2: events.cell and its index (the SQLite R*Tree is gone); 3: events.typed_by
MAX_LIMIT = 1000
# Matches are counted up to this many (or to the end of the page when it lies further): counting every match of a
# continent-sized box reads most of the table (0.3 s at 1M events on PostGIS); past the cap the count reads "more".
COUNT_CAP = 1000
# A box query reads the index entries of its matches, up to this many for a page ending at row 100, to count them and
# pick the newest; past that the box is dense and the page is read newest-first (see scan_limit).
SCAN = 10_000
CELL_LEVEL = 16  # Z-order cells: a 2^16 x 2^16 grid over the world (16 bits an axis, as _spread takes), ~600 x 300 m
CELL_BUDGET = 64  # a box's cover refines at most this many partly covered quadtree nodes a level

meta = sa.MetaData()
schema_version = sa.Table("schema_version", meta, sa.Column("version", sa.Integer, nullable=False))
documents = sa.Table(
    "documents", meta,
    sa.Column("id", sa.String(16), primary_key=True),
    sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("title", sa.Text, nullable=False, default=""),
    sa.Column("source_url", sa.Text, nullable=False, default=""),
    sa.Column("published", sa.String(10)),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("processed_at", sa.String(32)),
)
places = sa.Table(
    "places", meta,
    sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("document_id", sa.String(16), sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False,
              index=True),
    sa.Column("start", sa.Integer, nullable=False), sa.Column("end", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False), sa.Column("role", sa.String(16), nullable=False),
    sa.Column("auto", sa.Text, nullable=False),
    sa.Column("name", sa.Text), sa.Column("kind", sa.String(16)), sa.Column("lat", sa.Float),
    sa.Column("lon", sa.Float), sa.Column("country", sa.String(8)), sa.Column("admin1", sa.String(32)),
    sa.Column("place_id", sa.Integer), sa.Column("geonameid", sa.Integer), sa.Column("confidence", sa.Float),
    sa.Column("corrected", sa.Boolean, nullable=False, default=False),
    sa.UniqueConstraint("document_id", "start", "end"),
)
events = sa.Table(
    "events", meta,
    sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("id", sa.String(64), nullable=False, unique=True),
    sa.Column("document_id", sa.String(16), sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False,
              index=True),
    sa.Column("auto", sa.Text, nullable=False),
    sa.Column("rejected", sa.Boolean, nullable=False, default=False, index=True),
    sa.Column("corrected", sa.Boolean, nullable=False, default=False),
    sa.Column("subtype", sa.String(40), nullable=False, index=True),
    sa.Column("category", sa.String(20), nullable=False, index=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("trigger", sa.Text), sa.Column("trigger_start", sa.Integer),
    sa.Column("sentence", sa.Text), sa.Column("sentence_start", sa.Integer), sa.Column("sentence_end", sa.Integer),
    sa.Column("location", sa.Text), sa.Column("place_kind", sa.String(16)), sa.Column("admin1", sa.Text),
    sa.Column("country", sa.Text), sa.Column("iso", sa.String(8), index=True),
    sa.Column("lat", sa.Float), sa.Column("lon", sa.Float), sa.Column("place_id", sa.Integer),
    sa.Column("place_start", sa.Integer), sa.Column("place_end", sa.Integer),
    sa.Column("geo_precision", sa.Integer), sa.Column("actors", sa.Text), sa.Column("date", sa.String(10)),
    sa.Column("event_date", sa.String(10), index=True), sa.Column("confidence", sa.Float),
    sa.Column("located_by", sa.String(24)),
    sa.Column("typed_by", sa.String(16)),  # lexicon | classifier | review (a reviewer set the sub-type)
    sa.Column("cell", sa.BigInteger),  # cell_of(lon, lat); NULL when unlocated or rejected (out of box queries)
)
corrections = sa.Table(
    "corrections", meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("document_id", sa.String(16), sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False,
              index=True),
    sa.Column("target", sa.String(8), nullable=False),  # event | place
    sa.Column("target_key", sa.String(64), nullable=False),  # event id, or "start-end" of a place span
    sa.Column("action", sa.String(16), nullable=False),  # reject | restore | subtype | status | move | resolve
    sa.Column("value", sa.Text, nullable=False),  # JSON
    sa.Column("created_at", sa.String(32), nullable=False),
)

EVENT_ACTIONS = ("reject", "restore", "subtype", "status", "move")


class NotFound(InputError, LookupError):
    """An id that names nothing stored."""


@dataclass(frozen=True)
class EventQuery:
    """Filters of GET /api/v1/events; every field optional."""

    bbox: tuple[float, float, float, float] | None = None  # min lon, min lat, max lon, max lat
    category: str | None = None
    subtype: str | None = None
    status: str | None = None
    since: str | None = None
    until: str | None = None
    country: str | None = None
    q: str | None = None
    document_id: str | None = None
    include_rejected: bool = False
    limit: int = 100
    offset: int = 0

    @property
    def count_cap(self) -> int:
        """Matches are counted exactly up to this many; a count above it means "more than this many"."""
        return max(COUNT_CAP, max(self.offset, 0) + min(max(self.limit, 0), MAX_LIMIT))


def _spread(v: int) -> int:
    """The 16 bits of ``v`` moved to the even bit positions (one axis of a Z-order key)."""
    v &= 0xFFFF
    v = (v | (v << 8)) & 0x00FF00FF
    v = (v | (v << 4)) & 0x0F0F0F0F
    v = (v | (v << 2)) & 0x33333333
    return (v | (v << 1)) & 0x55555555


def _grid(lon: float, lat: float) -> tuple[int, int]:
    """The grid cell of a position (the world's edges belong to the cells along them)."""
    side = 1 << CELL_LEVEL
    return (min(side - 1, max(0, int((lon + 180.0) / 360.0 * side))),
            min(side - 1, max(0, int((lat + 90.0) / 180.0 * side))))


def _key(x: int, y: int) -> int:
    """The Z-order key of a grid cell: x and y bits interleaved."""
    return _spread(x) | (_spread(y) << 1)


def _extent(shift: int, x: int, y: int) -> tuple[int, int, int, int]:
    """The grid cells of a quadtree node: lowest x, lowest y, highest x, highest y."""
    return x << shift, y << shift, ((x + 1) << shift) - 1, ((y + 1) << shift) - 1


def cell_of(lon: float | None, lat: float | None) -> int | None:
    """The Z-order key of a position's grid cell: the cells of any quadtree node have consecutive keys, so
    a box is a few key ranges of a btree (and an index holding the category as well serves both filters)."""
    if lon is None or lat is None:
        return None
    return _key(*_grid(lon, lat))


def cell_ranges(bbox: tuple[float, float, float, float]) -> list[tuple[int, int]]:
    """Inclusive key ranges whose cells cover the box, merged where adjacent.

    Quadtree nodes inside the box are taken whole; the partly covered ones are split a level further
    while at most ``CELL_BUDGET`` remain, then taken whole too (the exact lon/lat test trims them): a
    bounded number of ranges for any box, with little area outside it."""
    x1, y1, x2, y2 = bbox
    (gx1, gy1), (gx2, gy2) = _grid(x1, y1), _grid(x2, y2)
    nodes: list[tuple[int, int, int]] = []  # (shift, x, y): the cells x << shift .. ((x + 1) << shift) - 1, same for y
    partial = [(CELL_LEVEL, 0, 0)]
    while partial and len(partial) <= CELL_BUDGET:
        children = []
        for shift, x, y in partial:
            for child in ((shift - 1, 2 * x + dx, 2 * y + dy) for dy in (0, 1) for dx in (0, 1)):
                lx, ly, hx, hy = _extent(*child)
                if hx < gx1 or lx > gx2 or hy < gy1 or ly > gy2:
                    continue
                inside = gx1 <= lx and hx <= gx2 and gy1 <= ly and hy <= gy2
                (nodes if inside else children).append(child)
        partial = children
    lows = [(_key(x << shift, y << shift), shift) for shift, x, y in nodes + partial]
    ranges = sorted((lo, lo + (1 << 2 * shift) - 1) for lo, shift in lows)  # a node's cells: 4^shift keys from lo
    merged: list[tuple[int, int]] = []
    for lo, hi in ranges:
        if merged and lo <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return merged


def scan_limit(end: int, cap: int) -> int:
    """How many matches of a box to read from the index for a page ending at row ``end``, before reading newest-first
    instead: reading M matches costs about M, a newest-first scan about rows * end / M, the same at
    M = sqrt(rows * end) (SCAN at 100 rows a page and a million events). At least the count cap, so that a count
    within it is exact."""
    return max(cap, round(SCAN * math.sqrt(max(end, 1) / 100)))


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def content_hash(text: str) -> str:
    """The identity of a text: NFC, newlines normalised, outer whitespace stripped."""
    norm = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n")).strip()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Processed:
    """A document and the rows the pipeline made of it: plain data, so worker processes can return it."""

    doc_id: str
    content_hash: str
    text: str
    title: str
    source_url: str
    published: str | None
    places: list[dict[str, Any]]
    events: list[dict[str, Any]]


def check_document(text: str, title: str = "", source_url: str = "") -> None:
    if not text or not text.strip():
        raise InputError("the text is empty")
    for name, value in (("the text", text), ("the title", title), ("the url", source_url)):
        _refuse_nul(name, value)


def process_document(parser: Geoparser, text: str, *, title: str = "", source_url: str = "",
                     published: str | None = None) -> Processed:
    """Run the pipeline on one text and shape the rows to store; no database involved."""
    digest = content_hash(text)
    doc_id = digest[:12]
    doc_date = dt.date.fromisoformat(published) if published else None
    toponyms, found = parser.events(text, doc_id=doc_id, doc_date=doc_date)
    roles = place_roles(text, toponyms, found)
    place_rows = []
    for t in toponyms:
        d = dict(t.to_dict(), place_id=t.place.id)  # the gazetteer row: shapes, re-resolving
        place_rows.append({"start": d["start"], "end": d["end"], "text": d["text"],
                           "role": roles[(d["start"], d["end"])], "auto": json.dumps(d, ensure_ascii=False),
                           **_place_columns(d, t.place.id)})
    event_values = []
    for e, row in zip(found, event_rows(found, gazetteer=parser.gazetteer), strict=True):
        row = dict(row, place_start=e.place.mention.start if e.place else None,
                   place_end=e.place.mention.end if e.place else None)
        event_values.append({"id": e.id, "auto": json.dumps(row, ensure_ascii=False), **_event_columns(row, published)})
    return Processed(doc_id=doc_id, content_hash=digest, text=text, title=title.strip()[:500],
                     source_url=source_url.strip()[:2000], published=published, places=place_rows,
                     events=event_values)


class Store:
    """One database; thread-safe through SQLAlchemy's pool."""

    def __init__(self, url: str, gazetteer: Gazetteer) -> None:
        if url.startswith("postgres://"):
            url = "postgresql://" + url[len("postgres://"):]
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        kwargs: dict[str, Any] = {}
        if url.startswith("sqlite"):
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        elif url.startswith("postgresql"):
            # No server-side prepared statements: after five runs PostgreSQL may switch one to a generic plan, blind
            # to the bbox (a sort of every match for a small box: seconds at 1M events). Each query is planned anew.
            kwargs["connect_args"] = {"prepare_threshold": None}
        if ":memory:" not in url:
            # At least one pooled connection per server thread: a thread that waits for one stalls its request.
            kwargs.update(pool_size=24, max_overflow=16, pool_timeout=10)
        self.url = url  # as given: worker processes open their own Store on it
        self.engine: Engine = sa.create_engine(url, future=True, **kwargs)
        self.dialect = self.engine.dialect.name
        if self.dialect == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        self.gazetteer = gazetteer
        self._added = 0
        self.migrate()
        self.analyze()

    def analyze(self) -> None:
        """Fresh planner statistics (SQLite has no autovacuum): without them a filter on a category is
        planned through the low-selectivity "rejected" index and counts read the whole table."""
        if self.dialect == "sqlite":
            with self.begin() as con:
                con.exec_driver_sql("ANALYZE")

    # ---- schema ---------------------------------------------------------------------------------------

    def migrate(self) -> None:
        """Create or upgrade the schema; the version lives in ``schema_version``."""
        with self.engine.begin() as con:
            meta.create_all(con)
            # FOR UPDATE (PostgreSQL): a second process opening the store waits for the first one's upgrade
            version = con.execute(sa.select(schema_version.c.version).with_for_update()).scalar()
            if version is None:
                self._postgis_points(con)
                self._cell_indexes(con)
                con.execute(schema_version.insert().values(version=SCHEMA_VERSION))
            elif version > SCHEMA_VERSION:
                raise InputError(f"database schema {version} is newer than this newsmap ({SCHEMA_VERSION})")
            elif version < SCHEMA_VERSION:
                if version < 2:
                    self._add_cells(con)
                self._add_typed_by(con)
                con.execute(schema_version.update().values(version=SCHEMA_VERSION))

    def _postgis_points(self, con: Connection) -> None:
        """PostGIS: a point column with a GiST index, for GIS tools reading the database (Store.events uses cells)."""
        if self.dialect == "postgresql":
            con.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS postgis")
            con.exec_driver_sql("ALTER TABLE events ADD COLUMN IF NOT EXISTS geom geometry(Point, 4326)")
            con.exec_driver_sql("CREATE INDEX IF NOT EXISTS events_geom_idx ON events USING GIST (geom)")

    def _cell_indexes(self, con: Connection) -> None:
        """Box queries, with a category or without (then every category is looked up), read only this index
        (position and key included) to count matches and pick the newest: one index to update on insert.
        Partial: unlocated and rejected events have no cell."""
        pg = self.dialect == "postgresql"
        columns = "category, cell) INCLUDE (lon, lat, pk" if pg else "category, cell, lon, lat"
        con.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS events_cell_idx ON events ({columns}) WHERE cell IS NOT NULL")

    def _add_typed_by(self, con: Connection) -> None:
        """Schema 2 to 3: what typed each event, from the automatic event kept beside it (null if it did not say)."""
        _add_column(con, "typed_by", "VARCHAR(16)")
        pg = self.dialect == "postgresql"
        said = "CAST(auto AS json) ->> 'typed_by'" if pg else "json_extract(auto, '$.typed_by')"
        con.exec_driver_sql(f"UPDATE events SET typed_by = {said} WHERE typed_by IS NULL")
        con.exec_driver_sql("UPDATE events SET typed_by = 'review' WHERE id IN (SELECT target_key FROM corrections "
                            "WHERE target = 'event' AND action = 'subtype')")

    def _add_cells(self, con: Connection) -> None:
        """Schema 1 to 2: the cell of every located, not rejected event (the spatial index's rows); the SQLite
        R*Tree it replaces is dropped."""
        _add_column(con, "cell", "BIGINT")
        last = 0
        while True:  # 10,000 events at a time, in key order
            located = con.execute(sa.select(events.c.pk, events.c.lon, events.c.lat).where(
                events.c.pk > last, events.c.rejected.is_(False), events.c.lon.is_not(None), events.c.lat.is_not(None))
                .order_by(events.c.pk).limit(10_000)).all()
            if not located:
                break
            con.execute(events.update().where(events.c.pk == sa.bindparam("key")).values(cell=sa.bindparam("value")),
                        [{"key": pk, "value": cell_of(lon, lat)} for pk, lon, lat in located])
            last = located[-1][0]
        if self.dialect == "sqlite":
            con.exec_driver_sql("DROP TABLE IF EXISTS events_rtree")
        self._cell_indexes(con)

    def close(self) -> None:
        """Close the pooled connections (a database server otherwise keeps them until they are collected)."""
        self.engine.dispose()

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        with self.engine.begin() as con:
            yield con

    # ---- documents ------------------------------------------------------------------------------------

    def add_document(self, parser: Geoparser, text: str, *, title: str = "", source_url: str = "",
                     published: str | None = None) -> tuple[str, bool]:
        """Store and process a text; the same text again returns the stored document (created False)."""
        check_document(text, title, source_url)
        digest = content_hash(text)
        with self.begin() as con:
            existing = con.execute(sa.select(documents.c.id).where(documents.c.content_hash == digest)).scalar()
            if existing:
                return existing, False
        done = process_document(parser, text, title=title, source_url=source_url, published=published)
        return done.doc_id, self.add_processed([done]) == 1

    def stored_hashes(self, hashes: Sequence[str]) -> set[str]:
        """Which of these content hashes are already stored (to skip them before any work)."""
        found: set[str] = set()
        with self.begin() as con:
            for i in range(0, len(hashes), 500):
                chunk = list(hashes[i:i + 500])
                found |= set(con.execute(sa.select(documents.c.content_hash)
                                         .where(documents.c.content_hash.in_(chunk))).scalars())
        return found

    def add_processed(self, batch: Sequence[Processed]) -> int:
        """Write processed documents, all or none per call; returns how many were new.

        A document already stored (by another writer meanwhile) is skipped, so a batch can be
        re-run after any interruption and every document ends up stored exactly once. New documents
        have no corrections yet, so their rows go in as they are, in bulk."""
        if not batch:
            return 0
        try:
            with self.begin() as con:
                stored = self._hashes_in(con, [d.content_hash for d in batch])
                new = []
                for d in batch:
                    if d.content_hash not in stored:
                        stored.add(d.content_hash)  # the same text twice in one batch is one document
                        new.append(d)
                self._insert(con, new)
        except sa.exc.IntegrityError:  # a concurrent writer: fall back to one document a transaction
            count = 0
            for d in batch:
                try:
                    with self.begin() as con:
                        if not self._hashes_in(con, [d.content_hash]):
                            self._insert(con, [d])
                            count += 1
                except sa.exc.IntegrityError:
                    continue
            self._count_added(count)
            return count
        self._count_added(len(new))
        return len(new)

    def _insert(self, con: Connection, new: Sequence[Processed]) -> None:
        if not new:
            return
        stamp = now()
        con.execute(documents.insert(), [
            {"id": d.doc_id, "content_hash": d.content_hash, "title": d.title, "source_url": d.source_url,
             "published": d.published, "text": d.text, "created_at": stamp, "processed_at": stamp} for d in new])
        place_rows = [dict(p, document_id=d.doc_id) for d in new for p in d.places]
        if place_rows:
            con.execute(places.insert(), place_rows)
        event_rows_ = [dict(e, document_id=d.doc_id) for d in new for e in d.events]
        if event_rows_:
            con.execute(events.insert(), event_rows_)
            self._index_documents(con, [d.doc_id for d in new])

    def _index_documents(self, con: Connection, doc_ids: list[str]) -> None:
        """PostGIS points of every located event of these (new) documents, in one statement (their cells came
        with the rows)."""
        if self.dialect == "postgresql":
            con.execute(sa.text("UPDATE events SET geom = ST_SetSRID(ST_MakePoint(lon, lat), 4326) "
                                "WHERE document_id IN :ids AND lat IS NOT NULL AND lon IS NOT NULL")
                        .bindparams(sa.bindparam("ids", expanding=True)), {"ids": doc_ids})

    @staticmethod
    def _hashes_in(con: Connection, hashes: list[str]) -> set[str]:
        return set(con.execute(sa.select(documents.c.content_hash).where(documents.c.content_hash.in_(hashes)))
                   .scalars())

    def _count_added(self, n: int) -> None:
        before = self._added
        self._added += n
        if self._added // 1000 != before // 1000:
            self.analyze()

    def reprocess(self, parser: Geoparser, doc_id: str) -> None:
        """Run the pipeline again on a stored document; corrections are re-applied to the new output."""
        with self.begin() as con:
            doc = con.execute(sa.select(documents).where(documents.c.id == doc_id)).mappings().first()
            if doc is None:
                raise NotFound(f"no document {doc_id!r}")
            self._delete_outputs(con, doc_id)
            done = process_document(parser, doc["text"], title=doc["title"], source_url=doc["source_url"],
                                    published=doc["published"])
            self._write_outputs(con, done)

    def _delete_outputs(self, con: Connection, doc_id: str) -> None:
        con.execute(events.delete().where(events.c.document_id == doc_id))
        con.execute(places.delete().where(places.c.document_id == doc_id))

    def _write_outputs(self, con: Connection, d: Processed) -> None:
        if d.places:
            con.execute(places.insert(), [dict(p, document_id=d.doc_id) for p in d.places])
        if d.events:
            con.execute(events.insert(), [dict(e, document_id=d.doc_id) for e in d.events])
        con.execute(documents.update().where(documents.c.id == d.doc_id).values(processed_at=now()))
        self._apply_corrections(con, d.doc_id)

    # ---- corrections ----------------------------------------------------------------------------------

    def correct_event(self, event_id: str, action: str, value: Any = None) -> dict[str, Any]:
        with self.begin() as con:
            row = con.execute(sa.select(events.c.document_id, events.c.sentence_start, events.c.sentence_end)
                              .where(events.c.id == event_id)).mappings().first()
            if row is None:
                raise NotFound(f"no event {event_id!r}")
            value = self._check_event_action(con, row, action, value)
            con.execute(corrections.insert().values(
                document_id=row["document_id"], target="event", target_key=event_id, action=action,
                value=json.dumps(value), created_at=now()))
            self._apply_corrections(con, row["document_id"])
        return self.event(event_id)

    def _check_event_action(self, con: Connection, row: Any, action: str, value: Any) -> Any:
        if action not in EVENT_ACTIONS:
            raise InputError(f"unknown action {action!r}; use one of {', '.join(EVENT_ACTIONS)}")
        if action in ("reject", "restore"):
            return True
        if action == "subtype":
            if value not in SUBTYPES:
                raise InputError(f"unknown sub-type {value!r}")
            return value
        if action == "status":
            if value not in STATUSES:
                raise InputError(f"unknown status {value!r}; use one of {', '.join(STATUSES)}")
            return value
        # move: to another place span of the same sentence
        try:
            start, end = (int(x) for x in (value["start"], value["end"]))
        except (TypeError, KeyError, ValueError) as err:
            raise InputError("move needs {'start': int, 'end': int}: a place span of the event's sentence") from err
        hit = con.execute(sa.select(places.c.pk).where(
            places.c.document_id == row["document_id"], places.c.start == start, places.c.end == end)).first()
        if hit is None or not (row["sentence_start"] <= start and end <= row["sentence_end"]):
            raise InputError("move target must be one of the places in the event's sentence")
        return {"start": start, "end": end}

    def correct_place(self, doc_id: str, start: int, end: int, place_id: int) -> dict[str, Any]:
        """Re-resolve a mention to another gazetteer place (a runner-up or a search result)."""
        if self.gazetteer.get(int(place_id)) is None:
            raise InputError(f"no gazetteer place {place_id!r}")
        with self.begin() as con:
            hit = con.execute(sa.select(places.c.pk).where(
                places.c.document_id == doc_id, places.c.start == start, places.c.end == end)).first()
            if hit is None:
                raise NotFound(f"no place mention {start}-{end} in document {doc_id!r}")
            con.execute(corrections.insert().values(
                document_id=doc_id, target="place", target_key=f"{start}-{end}", action="resolve",
                value=json.dumps({"place_id": int(place_id)}), created_at=now()))
            self._apply_corrections(con, doc_id)
        return self.document(doc_id)

    def _apply_corrections(self, con: Connection, doc_id: str) -> None:
        """Effective values = automatic output + this document's corrections, oldest first."""
        fixes = con.execute(sa.select(corrections).where(corrections.c.document_id == doc_id)
                            .order_by(corrections.c.id)).mappings().all()
        place_rows = con.execute(sa.select(places.c.pk, places.c.start, places.c.end, places.c.auto)
                                 .where(places.c.document_id == doc_id)).mappings().all()
        effective: dict[tuple[int, int], dict[str, Any]] = {}
        for p in place_rows:
            auto = json.loads(p["auto"])
            cols = _place_columns(auto, None)
            corrected = False
            for f in fixes:
                if f["target"] == "place" and f["target_key"] == f"{p['start']}-{p['end']}":
                    place = self.gazetteer.get(json.loads(f["value"])["place_id"])
                    if place is not None:
                        cols = _place_columns({"name": place.name, "kind": place.kind, "lat": place.lat,
                                               "lon": place.lon, "country": place.country, "admin1": place.admin1,
                                               "geonameid": place.geonameid, "confidence": 1.0}, place.id)
                        corrected = True
            if cols.get("place_id") is None:
                cols["place_id"] = (self._auto_place_id(auto))
            con.execute(places.update().where(places.c.pk == p["pk"]).values(**cols, corrected=corrected))
            effective[(p["start"], p["end"])] = cols
        event_rows_ = con.execute(sa.select(events.c.pk, events.c.id, events.c.auto)
                                  .where(events.c.document_id == doc_id)).mappings().all()
        published = con.execute(sa.select(documents.c.published).where(documents.c.id == doc_id)).scalar()
        for e in event_rows_:
            row = json.loads(e["auto"])
            rejected = corrected = False
            span = (row.get("place_start"), row.get("place_end"))
            for f in fixes:
                if f["target"] != "event" or f["target_key"] != e["id"]:
                    continue
                value = json.loads(f["value"])
                corrected = True
                if f["action"] == "reject":
                    rejected = True
                elif f["action"] == "restore":
                    rejected = False
                elif f["action"] == "subtype":
                    sub = SUBTYPES[value]
                    row.update(subtype=value, label=sub.label, category=CATEGORIES[sub.category].label,
                               acled_event_type=sub.acled_event_type, acled_sub_event_type=sub.acled_sub_event_type,
                               plover=sub.plover, typed_by="review")
                elif f["action"] == "status":
                    row["status"] = value
                elif f["action"] == "move":
                    span = (value["start"], value["end"])
                    row["located_by"] = "review"
            if span in effective:  # the (possibly re-resolved) place the event is on
                p = effective[span]
                row.update(place_start=span[0], place_end=span[1], location=p["name"], place_kind=p["kind"],
                           lat=p["lat"], lon=p["lon"], place_id=p["place_id"], iso=p["country"],
                           country=self._country_name(p["country"]), admin1=self._admin1_name(p))
            cols = _event_columns(row, published)
            if rejected:
                cols["cell"] = None  # out of box queries
            con.execute(events.update().where(events.c.pk == e["pk"]).values(**cols, rejected=rejected,
                                                                           corrected=corrected))
            if self.dialect == "postgresql":
                self._index_point(con, e["pk"], None if rejected else row.get("lon"),
                                  None if rejected else row.get("lat"))

    @staticmethod
    def _auto_place_id(auto: dict[str, Any]) -> int | None:
        return auto.get("place_id")

    def _country_name(self, iso: str | None) -> str:
        c = self.gazetteer.country(iso) if iso else None
        return c.name if c else ""

    def _admin1_name(self, p: dict[str, Any]) -> str:
        if p.get("kind") == "admin1":
            return p.get("name") or ""
        a = self.gazetteer.admin1(p["admin1"]) if p.get("admin1") else None
        return a.name if a else ""

    @staticmethod
    def _index_point(con: Connection, pk: int, lon: float | None, lat: float | None) -> None:
        """The PostGIS point of an event (none when rejected, like its cell)."""
        con.execute(sa.text("UPDATE events SET geom = CASE WHEN CAST(:x AS float8) IS NULL THEN NULL ELSE "
                            "ST_SetSRID(ST_MakePoint(:x, :y), 4326) END WHERE pk = :pk"),
                    {"pk": pk, "x": lon, "y": lat})

    def corrections_of(self, doc_id: str) -> list[dict[str, Any]]:
        with self.begin() as con:
            rows = con.execute(sa.select(corrections).where(corrections.c.document_id == doc_id)
                               .order_by(corrections.c.id)).mappings().all()
        return [dict(r, value=json.loads(r["value"])) for r in rows]

    # ---- reading --------------------------------------------------------------------------------------

    def document(self, doc_id: str) -> dict[str, Any]:
        with self.begin() as con:
            doc = con.execute(sa.select(documents).where(documents.c.id == doc_id)).mappings().first()
            if doc is None:
                raise NotFound(f"no document {doc_id!r}")
            place_list = con.execute(sa.select(places).where(places.c.document_id == doc_id)
                                     .order_by(places.c.start, places.c.end)).mappings().all()
        out = {k: doc[k] for k in ("id", "title", "source_url", "published", "created_at", "processed_at", "text")}
        out["places"] = [_place_out(p) for p in place_list]
        out["events"], _ = self.events(EventQuery(document_id=doc_id, include_rejected=True, limit=MAX_LIMIT))
        out["corrections"] = self.corrections_of(doc_id)
        return out

    def documents(self, *, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        with self.begin() as con:
            rows = con.execute(sa.select(documents.c.id, documents.c.title, documents.c.source_url,
                                         documents.c.published, documents.c.created_at)
                               .order_by(documents.c.created_at.desc(), documents.c.id)
                               .limit(limit).offset(offset)).mappings().all()
        return [dict(r) for r in rows]

    def event(self, event_id: str) -> dict[str, Any]:
        with self.begin() as con:
            row = con.execute(sa.select(events, documents.c.title, documents.c.source_url)
                              .join(documents, documents.c.id == events.c.document_id)
                              .where(events.c.id == event_id)).mappings().first()
        if row is None:
            raise NotFound(f"no event {event_id!r}")
        return _event_out(row)

    def events(self, q: EventQuery) -> tuple[list[dict[str, Any]], int]:
        """Events matching the filters, newest documents first, and how many match: exactly up to
        ``q.count_cap``, else ``q.count_cap + 1`` (more than the cap)."""
        _refuse_nul("q", q.q)
        _refuse_nul("country", q.country)
        cond = []
        if q.document_id:
            cond.append(events.c.document_id == q.document_id)
        if q.category:
            cond.append(events.c.category == q.category)
        if q.subtype:
            cond.append(events.c.subtype == q.subtype)
        if q.status:
            cond.append(events.c.status == q.status)
        if q.since:
            cond.append(events.c.event_date >= q.since)
        if q.until:
            cond.append(events.c.event_date <= q.until)
        if q.country:
            c = q.country.strip()
            # an ISO code uses the iso index; a name is compared case-insensitively
            cond.append(events.c.iso == c.upper() if len(c) == 2 and c.isalpha()
                        else sa.func.lower(events.c.country) == c.lower())
        if q.q:
            like = "%" + q.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            cond.append(sa.or_(events.c.sentence.ilike(like, escape="\\"), events.c.location.ilike(like, escape="\\"),
                               documents.c.title.ilike(like, escape="\\")))
        # A box and a category, nothing else: read from the cell index alone (see _newest_in_box).
        box_only = q.bbox and not (q.document_id or q.subtype or q.status or q.since or q.until or q.country or q.q)
        if q.bbox:
            cond += self._box(q.bbox, q.category, alone=bool(box_only))
        elif not q.include_rejected:
            cond.append(events.c.rejected.is_(False))
        joined = events.join(documents, documents.c.id == events.c.document_id)
        # Newest first by insertion order (the primary key): no sort of the whole table. One document reads
        # in text order.
        order = (events.c.sentence_start, events.c.pk) if q.document_id else (events.c.pk.desc(),)
        limit, offset = min(max(q.limit, 0), MAX_LIMIT), max(q.offset, 0)
        page = sa.select(events, documents.c.title, documents.c.source_url).select_from(joined)
        with self.begin() as con:
            if box_only:
                keys, total = self._newest_in_box(con, q, cond, offset + limit)
                if keys is None:  # a dense box: newest-first, the page is found after a few rows
                    page = page.where(*cond)
                    if self.dialect == "postgresql":  # the planner, blind to the density, may sort every located event
                        con.exec_driver_sql("SELECT set_config('enable_sort', 'off', true), "
                                            "set_config('enable_seqscan', 'off', true)")
                else:
                    page, offset = page.where(self._among(keys[offset:])), 0
            else:
                # The matching keys (at most cap + 1) give the count; when they are all known, the page is read by
                # key. Otherwise a filter with few matches would be paged by scanning the whole table newest-first
                # looking for them (the planner cannot know they are few). The keys need the join only when the
                # title is searched.
                keys = con.execute(sa.select(events.c.pk).select_from(joined if q.q else events).where(*cond)
                                   .limit(q.count_cap + 1)).scalars().all()
                total = len(keys)
                page = page.where(self._among(keys)) if total <= q.count_cap else page.where(*cond)
            rows = con.execute(page.order_by(*order).limit(limit).offset(offset)).mappings().all()
        return [_event_out(r) for r in rows], total

    def _box(self, bbox: tuple[float, float, float, float], category: str | None, *, alone: bool) -> list[Any]:
        """The terms of a box. Alone (but for a category): the exact test, for the cell index. With other filters,
        the planner weighs a spatial index against theirs (iso, date...) and tests them on the rows: the GiST
        index, whose estimate of the box's share of the table its choice of a page plan rests on (lon and lat
        tested apart would multiply two shares: far fewer rows, and a sort of them all; ST_Intersects is costed
        as expensive: the same; && compares boxes rounded to float4, outwards, so a point less than a metre
        outside may match too), or, on SQLite, the keys in the box's cells."""
        if alone:
            return _in_box(events, bbox)
        if self.dialect == "postgresql":
            return [sa.text("events.geom && ST_MakeEnvelope(:x1, :y1, :x2, :y2, 4326)")
                    .bindparams(**dict(zip(("x1", "y1", "x2", "y2"), bbox, strict=True)))]
        boxed = events.alias("boxed")
        return [*_in_box(events, bbox), events.c.pk.in_(self._cells(bbox, category, boxed, _in_box(boxed, bbox)))]

    def _newest_in_box(self, con: Connection, q: EventQuery, where: list[Any],
                       end: int) -> tuple[list[int] | None, int]:
        """The newest ``end`` keys of the events in the box of ``q`` meeting ``where`` (the box, exactly, and the
        category), and their count capped at ``q.count_cap + 1``; keys None when there are more than ``scan``.

        Read from the cell index alone, up to ``scan`` matches: a cost bounded whatever the density, unlike a
        spatial index, which reads every match of a dense box to sort them, or a newest-first scan, which reads
        the whole table for a box with few matches. Past ``scan`` matches, a newest-first scan finds the page
        after about rows * end / matches rows, fewer than rows * end / scan."""
        assert q.bbox is not None
        scan = scan_limit(end, q.count_cap)
        if self.dialect == "postgresql":
            # In this transaction: the index read alone (the planner, guessing each range's share of the table,
            # may prefer a bitmap scan, which reads the rows too), no parallel workers (their start-up is ~8 ms)
            # and no JIT compilation (~10 ms).
            con.exec_driver_sql("SELECT set_config('enable_bitmapscan', 'off', true), "
                                "set_config('max_parallel_workers_per_gather', '0', true), "
                                "set_config('jit', 'off', true)")
        found = self._cells(q.bbox, q.category, events, where).limit(scan + 1).subquery("found")
        rows = con.execute(sa.select(found.c.pk, sa.func.count().over()).order_by(found.c.pk.desc())
                           .limit(max(end, 1))).all()
        matched = rows[0][1] if rows else 0
        if matched > scan:
            return None, q.count_cap + 1
        return [pk for pk, _ in rows][:end], min(matched, q.count_cap + 1)

    def _cells(self, bbox: tuple[float, float, float, float], category: str | None, table: sa.FromClause,
               where: list[Any]) -> sa.Select[tuple[int]]:
        """The keys of the events of ``table`` meeting ``where`` in the cells of a box: the index (category, cell)
        read a key range of the box at a time, for the category asked or every one of the taxonomy (the only ones
        stored); it holds the position and key too, so no row is read unless ``where`` tests more than these."""
        ranges = cell_ranges(bbox)
        cats = [category] if category else sorted(CATEGORIES)
        if self.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import ARRAY

            bounds = [sa.cast(sa.bindparam(name, [r[i] for r in ranges]), ARRAY(sa.BigInteger))
                      for i, name in enumerate(("lo", "hi"))]
            r = sa.func.unnest(*bounds).table_valued("lo", "hi").render_derived(name="r")
            in_cats = table.c.category == sa.any_(sa.cast(sa.bindparam("cats", cats), ARRAY(sa.String)))
            # OFFSET 0: a subquery run per range (an index range scan), not flattened into one scan of the index
            hits = (sa.select(table.c.pk).where(in_cats, table.c.cell.between(r.c.lo, r.c.hi), *where)
                    .offset(0).lateral("hits"))
            return sa.select(hits.c.pk).select_from(r.join(hits, sa.true()))
        r = sa.func.json_each(sa.bindparam("ranges", json.dumps(ranges))).table_valued("value").alias("r")
        lo, hi = sa.func.json_extract(r.c.value, "$[0]"), sa.func.json_extract(r.c.value, "$[1]")
        listed = sa.func.json_each(sa.bindparam("cats", json.dumps(cats))).table_valued("value")
        on = sa.and_(table.c.category.in_(sa.select(listed.c.value)), table.c.cell.between(lo, hi))
        return sa.select(table.c.pk).select_from(_RangesFirst(r, table, on)).where(*where)

    def _among(self, keys: Sequence[int]) -> sa.ColumnElement[bool]:
        """``pk`` in these keys, as one bound value (an array, or JSON for SQLite): the statement text stays
        the same whatever the number of keys, so it is compiled and planned once, not per request."""
        if self.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import ARRAY

            return events.c.pk == sa.any_(sa.cast(sa.bindparam("keys", list(keys)), ARRAY(sa.Integer)))
        listed = sa.func.json_each(sa.bindparam("keys", json.dumps(list(keys)))).table_valued("value")
        return events.c.pk.in_(sa.select(listed.c.value))

    def health(self) -> dict[str, Any]:
        with self.begin() as con:
            n_docs = con.execute(sa.select(sa.func.count()).select_from(documents)).scalar()
            n_events = con.execute(sa.select(sa.func.count()).select_from(events)).scalar()
        return {"database": self.dialect, "documents": n_docs, "events": n_events}


def _add_column(con: Connection, name: str, sql_type: str) -> None:
    """Add a column to ``events`` unless it is there already (an upgrade that stopped half-way may have added it)."""
    if name not in con.exec_driver_sql("SELECT * FROM events WHERE 1 = 0").keys():
        con.exec_driver_sql(f"ALTER TABLE events ADD COLUMN {name} {sql_type}")


class _RangesFirst(sa.Join):
    """A join SQLite runs with its left side (the key ranges) as the outer loop: a seek of the index per range
    and category. Left to itself, SQLite's planner put the events outer on small tables (``cell IS NOT NULL``,
    the partial index's term, reads as a range over the whole index), and each entry of the categories asked
    then tested every range, two ``json_extract`` each: 29 ms instead of 0.8 ms for a US-sized box on the
    load test's 10,000 events (a million events' statistics steered it right). SQLite documents that it never
    reorders a ``CROSS JOIN``."""

    inherit_cache = True


@compiles(_RangesFirst, "sqlite")
def _cross_join(join: _RangesFirst, compiler: Any, **kw: Any) -> str:
    # rendered "left JOIN right ON ..." by SQLAlchemy; the left side, a table-valued function, holds no JOIN
    return str(compiler.visit_join(join, **kw)).replace(" JOIN ", " CROSS JOIN ", 1)


def _in_box(table: sa.FromClause, bbox: tuple[float, float, float, float]) -> list[Any]:
    """The exact test of a box (rejected events have no cell: out of every box, as they are out of the map)."""
    x1, y1, x2, y2 = bbox
    return [table.c.cell.is_not(None), table.c.lon.between(x1, x2), table.c.lat.between(y1, y2)]


def _sqlite_pragmas(dbapi_con: Any, _record: Any) -> None:
    cur = dbapi_con.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _refuse_nul(name: str, value: str | None) -> None:
    """PostgreSQL text cannot hold U+0000 and SQLite compares up to it: refused alike on every backend."""
    if value and "\x00" in value:
        raise InputError(f"{name} contains a NUL character (U+0000)")


def _place_columns(d: dict[str, Any], place_id: int | None) -> dict[str, Any]:
    return {"name": d.get("name"), "kind": d.get("kind"), "lat": d.get("lat"), "lon": d.get("lon"),
            "country": d.get("country"), "admin1": d.get("admin1"), "geonameid": d.get("geonameid"),
            "confidence": d.get("confidence"), "place_id": place_id if place_id is not None else d.get("place_id")}


def _event_columns(row: dict[str, Any], published: str | None) -> dict[str, Any]:
    sub = SUBTYPES[row["subtype"]]
    return {
        "subtype": row["subtype"], "category": sub.category, "status": row["status"], "trigger": row.get("trigger"),
        "trigger_start": row.get("trigger_start"), "sentence": row.get("sentence"),
        "sentence_start": row.get("sentence_start"), "sentence_end": row.get("sentence_end"),
        "location": row.get("location") or None, "place_kind": row.get("place_kind") or None,
        "admin1": row.get("admin1") or None, "country": row.get("country") or None, "iso": row.get("iso") or None,
        "lat": row.get("lat"), "lon": row.get("lon"), "place_id": row.get("place_id"),
        "place_start": row.get("place_start"), "place_end": row.get("place_end"),
        "geo_precision": row.get("geo_precision"), "actors": row.get("actors") or "", "date": row.get("date") or None,
        "event_date": row.get("date") or published, "confidence": row.get("confidence"),
        "located_by": row.get("located_by"), "typed_by": row.get("typed_by"),
        "cell": cell_of(row.get("lon"), row.get("lat")),
    }


def _place_out(p: Any) -> dict[str, Any]:
    auto = json.loads(p["auto"])
    out = {k: p[k] for k in ("start", "end", "text", "role", "name", "kind", "lat", "lon", "country", "admin1",
                             "place_id", "geonameid", "confidence", "corrected")}
    out["runner_up"] = auto.get("runner_up")
    out["automatic"] = {k: auto.get(k) for k in ("name", "kind", "lat", "lon", "country", "place_id", "geonameid")}
    return out


def _event_out(r: Any) -> dict[str, Any]:
    """An event as the API returns it: effective values, and the automatic ones when a reviewer changed them."""
    sub = SUBTYPES[r["subtype"]]
    out = {
        "id": r["id"], "document_id": r["document_id"], "subtype": r["subtype"], "category": sub.category,
        "category_label": CATEGORIES[sub.category].label, "label": sub.label, "status": r["status"],
        "trigger": r["trigger"], "trigger_start": r["trigger_start"], "sentence": r["sentence"],
        "sentence_start": r["sentence_start"], "sentence_end": r["sentence_end"], "location": r["location"],
        "place_kind": r["place_kind"], "admin1": r["admin1"], "country": r["country"], "iso": r["iso"],
        "lat": r["lat"], "lon": r["lon"], "place_id": r["place_id"], "place_start": r["place_start"],
        "place_end": r["place_end"], "geo_precision": r["geo_precision"], "actors": r["actors"], "date": r["date"],
        "event_date": r["event_date"], "confidence": r["confidence"], "located_by": r["located_by"],
        "typed_by": r["typed_by"],
        "rejected": bool(r["rejected"]), "corrected": bool(r["corrected"]), "title": r["title"],
        "source": r["source_url"], "plover": sub.plover, "acled_event_type": sub.acled_event_type,
        "acled_sub_event_type": sub.acled_sub_event_type,
    }
    if r["corrected"]:
        out["automatic"] = json.loads(r["auto"])
    return out


def as_feature(e: dict[str, Any]) -> dict[str, Any]:
    geometry = None if e["lat"] is None else {"type": "Point", "coordinates": [e["lon"], e["lat"]]}
    return {"type": "Feature", "id": e["id"], "geometry": geometry, "properties": e}


def map_rows(evs: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Stored events in the flat form geo.maps.build_map draws (effective values, rejected ones left out)."""
    out = []
    for e in evs:
        if e["rejected"]:
            continue
        out.append(dict(e, event_id=e["id"], category=e["category_label"], sentence_start=e["sentence_start"]))
    return out
