"""The store: documents, their places and events, and the corrections reviewers make.

SQLAlchemy Core over an embedded SQLite file by default (an R*Tree indexes event positions), or
PostgreSQL + PostGIS when ``NEWSMAP_DATABASE_URL=postgresql://...`` (a GiST index on a point
column). Automatic output is kept as it came (``auto`` JSON per row); the columns queries read are
the *effective* values: automatic output with every stored correction applied in time order. So a
correction survives re-processing (the effective values are rebuilt from the new automatic output
and the same corrections), and the original is always recoverable.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from geo.errors import InputError
from geo.events import place_roles
from geo.frame import event_rows
from geo.gazetteer import Gazetteer
from geo.pipeline import Geoparser
from geo.taxonomy import CATEGORIES, STATUSES, SUBTYPES

SCHEMA_VERSION = 1
MAX_LIMIT = 1000
# Matches are counted up to this many (or to the end of the page when it lies further): counting every match of a
# continent-sized box reads most of the table (0.3 s at 1M events on PostGIS); past the cap the count reads "more".
COUNT_CAP = 1000

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
            version = con.execute(sa.select(schema_version.c.version)).scalar()
            if version is None:
                self._spatial_index(con)
                con.execute(schema_version.insert().values(version=SCHEMA_VERSION))
            elif version > SCHEMA_VERSION:
                raise InputError(f"database schema {version} is newer than this newsmap ({SCHEMA_VERSION})")

    def _spatial_index(self, con: Connection) -> None:
        if self.dialect == "sqlite":
            con.exec_driver_sql("CREATE VIRTUAL TABLE IF NOT EXISTS events_rtree USING rtree(pk, min_x, max_x, "
                                "min_y, max_y)")
        elif self.dialect == "postgresql":
            con.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS postgis")
            con.exec_driver_sql("ALTER TABLE events ADD COLUMN IF NOT EXISTS geom geometry(Point, 4326)")
            con.exec_driver_sql("CREATE INDEX IF NOT EXISTS events_geom_idx ON events USING GIST (geom)")

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
        """Spatial index entries for every located event of these (new) documents, in one statement."""
        if self.dialect == "sqlite":
            con.execute(sa.text("INSERT INTO events_rtree (pk, min_x, max_x, min_y, max_y) "
                                "SELECT pk, lon, lon, lat, lat FROM events "
                                "WHERE document_id IN :ids AND lat IS NOT NULL AND lon IS NOT NULL")
                        .bindparams(sa.bindparam("ids", expanding=True)), {"ids": doc_ids})
        elif self.dialect == "postgresql":
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
        if self.dialect == "sqlite":
            con.execute(sa.text("DELETE FROM events_rtree WHERE pk IN (SELECT pk FROM events WHERE document_id = :d)"),
                        {"d": doc_id})
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
                               plover=sub.plover)
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
            con.execute(events.update().where(events.c.pk == e["pk"]).values(**cols, rejected=rejected,
                                                                           corrected=corrected))
            self._index_point(con, e["pk"], None if rejected else row.get("lon"), None if rejected else row.get("lat"))

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

    def _index_point(self, con: Connection, pk: int, lon: float | None, lat: float | None) -> None:
        if self.dialect == "sqlite":
            con.execute(sa.text("DELETE FROM events_rtree WHERE pk = :pk"), {"pk": pk})
            if lon is not None and lat is not None:
                con.execute(sa.text("INSERT INTO events_rtree VALUES (:pk, :x, :x, :y, :y)"),
                            {"pk": pk, "x": lon, "y": lat})
        elif self.dialect == "postgresql":
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
        if not q.include_rejected:
            cond.append(events.c.rejected.is_(False))
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
        if q.bbox:
            x1, y1, x2, y2 = q.bbox
            if self.dialect == "sqlite":
                cond.append(events.c.pk.in_(sa.text(
                    "SELECT pk FROM events_rtree WHERE min_x >= :x1 AND max_x <= :x2 AND min_y >= :y1 AND max_y <= :y2")
                    .bindparams(x1=x1, x2=x2, y1=y1, y2=y2)))
            elif self.dialect == "postgresql":
                cond.append(sa.text("events.geom && ST_MakeEnvelope(:x1, :y1, :x2, :y2, 4326)")
                            .bindparams(x1=x1, x2=x2, y1=y1, y2=y2))
            else:
                cond.append(sa.and_(events.c.lon.between(x1, x2), events.c.lat.between(y1, y2)))
        joined = events.join(documents, documents.c.id == events.c.document_id)
        # Newest first by insertion order (the primary key): no sort of the whole table. One document reads
        # in text order. The count needs the join only when the title is searched.
        order = (events.c.sentence_start, events.c.pk) if q.document_id else (events.c.pk.desc(),)
        matched = sa.select(events.c.pk).select_from(joined if q.q else events).where(*cond).limit(q.count_cap + 1)
        page = sa.select(events, documents.c.title, documents.c.source_url).select_from(joined)
        with self.begin() as con:
            # The matching keys (at most cap + 1) give the count; when they are all known, the page is read by key.
            # Otherwise a box holding few matches of a filter would be paged by scanning the whole table
            # newest-first looking for them (the planner cannot know they are few).
            keys = con.execute(matched).scalars().all()
            total = len(keys)
            page = page.where(self._among(keys)) if total <= q.count_cap else page.where(*cond)
            rows = con.execute(page.order_by(*order).limit(min(max(q.limit, 0), MAX_LIMIT))
                               .offset(max(q.offset, 0))).mappings().all()
        return [_event_out(r) for r in rows], total

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
        "located_by": row.get("located_by"),
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
