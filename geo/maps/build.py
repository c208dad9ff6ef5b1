"""Events -> a layered Folium map: one layer per taxonomy category, shapes for areas, evidence in popups.

Input is the flat event records of :func:`geo.frame.event_rows` (what the GeoJSON and CSV exports
hold), so a map can be drawn from text, from JSONL output or from a GeoJSON of events alike. Folium
builds the page skeleton (map, tiles, layers, controls); the events travel as one JSON block that a
small script draws, which keeps a 10,000-event page a few megabytes instead of one JavaScript
statement per marker.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import folium
from folium import plugins
from folium.elements import JSCSSMixin
from folium.template import Template
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from geo.frame import AREA_KINDS
from geo.gazetteer import Gazetteer, get_gazetteer
from geo.taxonomy import CATEGORIES, SUBTYPES

TEMPLATES = Path(__file__).resolve().parent / "templates"
OSM = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
DATA_ATTRIBUTION = ("Places: GeoNames, Natural Earth, world-countries, us-atlas · Events: newsmap "
                    "automatic extraction, check the quoted sentence")
CLUSTER_ABOVE = 200  # points in one layer beyond which the layer clusters
PRECISION = {1: "the named town", 2: "near a town or part of a region", 3: "a region or country"}


@dataclass(frozen=True)
class MapOptions:
    title: str = "News events"
    subtitle: str = ""
    basemap: str = "offline"  # offline | osm | an XYZ tile URL template
    attribution: str = ""  # for a custom tile URL
    mentions: bool = True  # a layer (off by default) with places that are only mentioned
    minimap: bool = True
    open_list: bool = False


_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True,
                                                                                       default_for_string=True))


def _safe_link(url: str) -> str:
    """Only http(s) links become anchors: a javascript: or data: URL in an article's metadata stays text."""
    parsed = urlparse(url.strip()) if url else None
    return url.strip() if parsed and parsed.scheme in ("http", "https") and parsed.netloc else ""


def popup_html(e: dict[str, Any]) -> str:
    """The popup of one event, escaped by Jinja: label, status, place, date, quote with trigger, actors, source."""
    sentence, trigger = e.get("sentence") or "", e.get("trigger") or ""
    at = sentence.find(trigger) if trigger else -1
    if e.get("trigger_start") is not None and e.get("sentence_start") is not None:
        rel = int(e["trigger_start"]) - int(e["sentence_start"])
        if 0 <= rel <= len(sentence) and sentence[rel:rel + len(trigger)] == trigger:
            at = rel
    before, after = (sentence[:at], sentence[at + len(trigger):]) if at >= 0 else (sentence, "")
    category = SUBTYPES[e["subtype"]].category if e.get("subtype") in SUBTYPES else "other"
    return _env.get_template("popup.html.j2").render(
        e=e, category=category, before=before, trigger=trigger if at >= 0 else "", after=after,
        precision=PRECISION.get(e.get("geo_precision") or 0, ""), link=_safe_link(e.get("source") or ""))


@lru_cache(maxsize=1)
def offline_basemap(gazetteer_path: str) -> dict[str, Any]:
    """Country outlines from the gazetteer's Natural Earth shapes, simplified for a light page."""
    from shapely.geometry import mapping, shape

    features = []
    for geometry in get_gazetteer(gazetteer_path).shapes("country"):
        geom = shape(geometry).simplify(0.08, preserve_topology=True)
        if not geom.is_empty:
            features.append({"type": "Feature", "properties": {}, "geometry": _rounded(mapping(geom))})
    return {"type": "FeatureCollection", "features": features}


def _rounded(geometry: dict[str, Any], digits: int = 3) -> dict[str, Any]:
    def walk(c: Any) -> Any:
        return round(c, digits) if isinstance(c, float) else [walk(x) for x in c]
    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


def _json_for_script(value: Any) -> str:
    """JSON that cannot end its <script> element or open a comment, whatever the article says."""
    return (json.dumps(value, ensure_ascii=False, separators=(",", ":"))
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


class _Client(JSCSSMixin, folium.MacroElement):
    """The data block, the drawing script and the panels (title, legend, search, list view)."""

    default_js = [("Control_MiniMap_js", "https://cdnjs.cloudflare.com/ajax/libs/leaflet-minimap/3.6.1/Control.MiniMap.js")]
    default_css = [("Control_MiniMap_css",
                    "https://cdnjs.cloudflare.com/ajax/libs/leaflet-minimap/3.6.1/Control.MiniMap.css")]

    _template = Template("""
        {% macro header(this, kwargs) %}<style>{{ this.css }}</style>{% endmacro %}
        {% macro html(this, kwargs) %}{{ this.panel }}
        <script type="application/json" id="newsmap-config">{{ this.config }}</script>
        <script type="application/json" id="newsmap-data">{{ this.data }}</script>{% endmacro %}
        {% macro script(this, kwargs) %}{{ this.js }}{% endmacro %}
    """)

    def __init__(self, *, panel: str, config: str, data: str) -> None:
        super().__init__()
        self._name = "NewsmapClient"
        self.panel, self.config, self.data = panel, config, data
        self.css = (TEMPLATES / "style.css").read_text(encoding="utf-8") + "".join(
            f".nm-c-{k}{{border-left-color:{c.colour}}}" for k, c in CATEGORIES.items())
        self.js = (TEMPLATES / "map.js").read_text(encoding="utf-8")


def build_map(rows: Sequence[dict[str, Any]], options: MapOptions | None = None, *,
              mentions: Sequence[dict[str, Any]] = (), gazetteer: Gazetteer | None = None) -> folium.Map:
    """A folium Map of event records (see :func:`geo.frame.event_rows`) and of mentioned-only places."""
    opts = options or MapOptions()
    gaz = gazetteer or get_gazetteer()
    located = [r for r in rows if r.get("lat") is not None and r.get("lon") is not None]
    tiles = None if opts.basemap == "offline" else (OSM if opts.basemap == "osm" else opts.basemap)
    attr = OSM_ATTRIBUTION if opts.basemap == "osm" else (opts.attribution or "Tiles: " + str(tiles))
    m = folium.Map(location=[20, 0], zoom_start=2, tiles=None, control_scale=True, world_copy_jump=True,
                   minZoom=1, maxZoom=18)  # the map needs these when no tile layer sets them
    if tiles:
        folium.TileLayer(tiles=tiles, attr=attr, name="Basemap", control=False).add_to(m)
    # Only what the page uses: no jQuery, Bootstrap or icon fonts (folium's defaults).
    m.default_js = [("leaflet", "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.js")]
    m.default_css = [("leaflet_css", "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.css")]

    counts = Counter(SUBTYPES[r["subtype"]].category for r in located if r.get("subtype") in SUBTYPES)
    groups: dict[str, folium.FeatureGroup] = {}
    for key, cat in CATEGORIES.items():
        if counts.get(key):
            label = f"{cat.label} ({counts[key]})"
            group = plugins.MarkerCluster(name=label, options={"maxClusterRadius": 40}) \
                if counts[key] > CLUSTER_ABOVE else folium.FeatureGroup(name=label)
            group.add_to(m)
            groups[key] = group
    mention_group = None
    if opts.mentions and mentions:
        mention_group = folium.FeatureGroup(name=f"Mentions ({len(mentions)})", show=False).add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    plugins.Fullscreen().add_to(m)

    events, shapes, shape_ids = [], {}, {}
    index = [i for i, r in enumerate(rows) if r.get("lat") is not None and r.get("lon") is not None]
    for i, r in zip(index, located, strict=True):
        lat, lon = float(r["lat"]), float(r["lon"])
        category = SUBTYPES[r["subtype"]].category if r.get("subtype") in SUBTYPES else "other"
        sid = None
        if r.get("place_kind") in AREA_KINDS and r.get("place_id") is not None:
            pid = int(r["place_id"])
            if pid not in shape_ids:
                outline = gaz.shape(pid)
                shape_ids[pid] = len(shapes) if outline else None
                if outline:
                    shapes[len(shapes)] = outline
            sid = shape_ids[pid]
        # "i" is the event's item in the list view, whose escaped HTML is also its popup.
        events.append({"i": i, "c": category, "u": r.get("subtype"), "st": r.get("status") or "occurred",
                       "y": round(lat, 5), "x": round(lon, 5), "s": sid, "p": r.get("geo_precision"),
                       "d": r.get("date") or None, "n": r.get("location") or ""})
    dates = sorted({e["d"] for e in events if e["d"]})
    data = {"events": events, "shapes": {str(k): v for k, v in shapes.items()},
            "labels": {code: sub.label for code, sub in SUBTYPES.items()},
            "colours": {k: c.colour for k, c in CATEGORIES.items()}, "dates": dates,
            "mentions": [{"y": p["lat"], "x": p["lon"], "n": p.get("name") or ""} for p in mentions],
            "basemap": offline_basemap(str(gaz.path)) if tiles is None else None,
            "bounds": _bounds(located, mentions)}
    config = {"map": m.get_name(), "groups": {k: g.get_name() for k, g in groups.items()},
              "mentions": mention_group.get_name() if mention_group else None, "attribution": DATA_ATTRIBUTION,
              "minimap": opts.minimap, "tiles": tiles, "tiles_attribution": attr if tiles else ""}
    sub_counts = Counter(r["subtype"] for r in located if r.get("subtype") in SUBTYPES)
    legend = [{"key": k, "label": c.label, "colour": c.colour, "count": counts[k],
               "subtypes": [{"code": code, "label": sub.label, "count": sub_counts[code]}
                            for code, sub in SUBTYPES.items() if sub.category == k and sub_counts.get(code)]}
              for k, c in CATEGORIES.items() if counts.get(k)]
    names = sorted({r.get("location") for r in located if r.get("location")} |
                   {p.get("name") for p in mentions if p.get("name")})
    panel = _env.get_template("panel.html.j2").render(
        title=opts.title, subtitle=opts.subtitle, legend=legend, items=[Markup(popup_html(r)) for r in rows],
        dates=dates,
        search_names=names, open_list=opts.open_list)
    _Client(panel=panel, config=_json_for_script(config), data=_json_for_script(data)).add_to(m)
    return m


def _bounds(rows: Sequence[dict[str, Any]], mentions: Sequence[dict[str, Any]]) -> list[list[float]] | None:
    pts = [(float(r["lat"]), float(r["lon"])) for r in rows] or \
          [(float(p["lat"]), float(p["lon"])) for p in mentions if p.get("lat") is not None]
    if not pts:
        return None
    lats, lons = [p[0] for p in pts], [p[1] for p in pts]
    return [[min(lats), min(lons)], [max(lats), max(lons)]]

