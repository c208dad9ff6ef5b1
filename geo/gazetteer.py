"""Read access to the offline gazetteer file built by :mod:`geo.build_gazetteer`.

Opening is cheap (a SQLite connection); the name automaton used for recognition is unpickled on
first use, so ``import geo`` never loads anything heavy.
"""

from __future__ import annotations

import json
import os
import pickle
import sqlite3
import threading
from collections.abc import Iterator
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from geo.errors import GazetteerError
from geo.models import Place
from geo.textutil import name_key

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "build" / "gazetteer.sqlite"
KEY_LEN_BITS = 7
_PLACE_COLUMNS = "p.id, p.name, p.kind, p.lat, p.lon, p.country, p.admin1, p.population, p.capital, p.geonameid, " \
                 "p.west, p.south, p.east, p.north"


def default_path() -> Path:
    """The gazetteer file: ``$NEWSMAP_GAZETTEER`` or the one ``make gazetteer`` builds."""
    return Path(os.environ.get("NEWSMAP_GAZETTEER") or DEFAULT_PATH)


def _place(row: tuple) -> Place:
    pid, name, kind, lat, lon, country, admin1, pop, capital, gid, w, s, e, n = row
    bbox = (w, s, e, n) if w is not None else None
    return Place(id=pid, name=name, kind=kind, lat=lat, lon=lon, country=country, admin1=admin1,
                 population=pop, capital=bool(capital), geonameid=gid, bbox=bbox)


class Gazetteer:
    """Places and their names. Thread-safe for reads: one SQLite connection per thread."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path else default_path()
        if not self.path.is_file():
            raise GazetteerError(f"gazetteer not found at {self.path}: build it with `make gazetteer`")
        self._local = threading.local()
        try:
            schema = self._con().execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        except sqlite3.DatabaseError as err:
            raise GazetteerError(f"{self.path} is not a newsmap gazetteer: {err}") from err
        if not schema:
            raise GazetteerError(f"{self.path} has no schema version; rebuild it with `make gazetteer`")
        self.entries = lru_cache(maxsize=200_000)(self._entries)
        self.admin1 = lru_cache(maxsize=20_000)(self._admin1)
        self.key_id = lru_cache(maxsize=200_000)(self._key_id)
        self.is_english = lru_cache(maxsize=20_000)(self._is_english)

    def _con(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None:
            uri = f"file:{self.path}?mode=ro&immutable=1"
            con = sqlite3.connect(uri, uri=True, check_same_thread=False)
            self._local.con = con
        return con

    @cached_property
    def automaton(self) -> Any:
        """The Aho-Corasick automaton over recognisable name keys (value: key id << 7 | length)."""
        blob = self._con().execute("SELECT value FROM meta WHERE key='automaton'").fetchone()
        if not blob:
            raise GazetteerError(f"{self.path} has no name automaton; rebuild it")
        return pickle.loads(blob[0])

    def words(self, kind: str) -> frozenset[str]:
        """Word lists stored with the gazetteer: ``common``, ``given``, ``family`` or ``stop``."""
        return self._words()[kind]

    def _is_english(self, word: str) -> bool:
        """Whether ``word`` (a folded key) is a word of English, capitalised ones ("Latin", "Sunday") included (the
        web2 list, looked up in the file: the few questions asked do not justify loading all 235,000 words)."""
        return self._con().execute("SELECT 1 FROM words WHERE word = ? AND kind = 'english'",
                                   (word,)).fetchone() is not None

    @lru_cache(maxsize=1)  # noqa: B019 (one gazetteer per process)
    def _words(self) -> dict[str, frozenset[str]]:
        blob = self._con().execute("SELECT value FROM meta WHERE key='words'").fetchone()
        if not blob:
            raise GazetteerError(f"{self.path} has no word lists; rebuild it")
        return pickle.loads(blob[0])

    def _entries(self, key_id: int) -> tuple[tuple[Place, str], ...]:
        """Every (place, form) that carries the name with this key id."""
        rows = self._con().execute(
            f"SELECT {_PLACE_COLUMNS}, n.form FROM names n JOIN places p ON p.id = n.place_id "
            "WHERE n.key_id = ?", (key_id,)).fetchall()
        best: dict[int, tuple[Place, str]] = {}
        rank = {"name": 0, "abbr": 1, "alt": 2, "demonym": 3}
        for row in rows:
            place, form = _place(row[:-1]), row[-1]
            old = best.get(place.id)
            if old is None or rank[form] < rank[old[1]]:
                best[place.id] = (place, form)
        return tuple(best.values())

    def _key_id(self, name: str) -> int | None:
        row = self._con().execute("SELECT key_id FROM keys WHERE key = ?", (name_key(name),)).fetchone()
        return row[0] if row else None

    def lookup(self, name: str, *, country: str | None = None, kind: str | None = None) -> list[Place]:
        """Places called ``name`` (any script, any known alternate), most prominent first."""
        kid = self.key_id(name)
        if kid is None:
            return []
        places = [p for p, _ in self.entries(kid)
                  if (country is None or p.country == country.upper()) and (kind is None or p.kind == kind)]
        order = {"country": 0, "continent": 1, "admin1": 2, "admin2": 3, "feature": 4, "city": 5}
        return sorted(places, key=lambda p: (order[p.kind], -p.population))

    def get(self, place_id: int) -> Place | None:
        row = self._con().execute(f"SELECT {_PLACE_COLUMNS} FROM places p WHERE p.id = ?",
                                  (place_id,)).fetchone()
        return _place(row) if row else None

    def by_geonameid(self, geonameid: int) -> Place | None:
        row = self._con().execute(f"SELECT {_PLACE_COLUMNS} FROM places p WHERE p.geonameid = ? "
                                  "ORDER BY p.id LIMIT 1", (geonameid,)).fetchone()
        return _place(row) if row else None

    def country(self, iso: str) -> Place | None:
        row = self._con().execute(f"SELECT {_PLACE_COLUMNS} FROM places p WHERE p.kind='country' "
                                  "AND p.country = ?", (iso.upper(),)).fetchone()
        return _place(row) if row else None

    def _admin1(self, code: str) -> Place | None:
        row = self._con().execute(f"SELECT {_PLACE_COLUMNS} FROM places p WHERE p.kind='admin1' "
                                  "AND p.admin1 = ? LIMIT 1", (code,)).fetchone()
        return _place(row) if row else None

    def shape(self, place_id: int) -> dict[str, Any] | None:
        """The simplified GeoJSON geometry of a country or region, if it has one."""
        row = self._con().execute("SELECT geojson FROM shapes WHERE place_id = ?", (place_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def shapes(self, kind: str) -> Iterator[dict[str, Any]]:
        """The GeoJSON geometry of every place of ``kind`` that has one (country outlines for a basemap)."""
        rows = self._con().execute("SELECT s.geojson FROM shapes s JOIN places p ON p.id = s.place_id "
                                   "WHERE p.kind = ?", (kind,))
        for (raw,) in rows:
            yield json.loads(raw)

    def stats(self) -> dict[str, int]:
        con = self._con()
        out = dict(con.execute("SELECT kind, count(*) FROM places GROUP BY kind").fetchall())
        out["names"] = con.execute("SELECT count(*) FROM names").fetchone()[0]
        out["shapes"] = con.execute("SELECT count(*) FROM shapes").fetchone()[0]
        return out


_shared: dict[Path, Gazetteer] = {}
_lock = threading.Lock()


def get_gazetteer(path: Path | str | None = None) -> Gazetteer:
    """One shared Gazetteer per file per process (workers load it once)."""
    key = Path(path) if path else default_path()
    with _lock:
        if key not in _shared:
            _shared[key] = Gazetteer(key)
        return _shared[key]
