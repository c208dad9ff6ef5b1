"""Events -> GeoDataFrame (EPSG:4326): one row per event, a point or the shape of the area it is in.

This module holds the project's one lat/lon -> x/y flip.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from geo.gazetteer import Gazetteer, get_gazetteer
from geo.models import Event

if TYPE_CHECKING:  # geopandas is imported lazily: `import geo` stays light
    import geopandas as gpd

AREA_KINDS = ("country", "admin1", "admin2")


def event_rows(events: Sequence[Event], *, gazetteer: Gazetteer | None = None, source: str = "",
               title: str = "") -> list[dict[str, Any]]:
    """Flat records, one per event, with the names of the place's admin1 region and country."""
    gaz = gazetteer or get_gazetteer()
    rows = []
    for e in events:
        d = e.to_dict()
        p = e.place.place if e.place else None
        admin1 = gaz.admin1(p.admin1) if p and p.admin1 else None
        country = gaz.country(p.country) if p and p.country else None
        rows.append({
            "event_id": e.id, "subtype": e.subtype, "category": d["category"], "label": d["label"],
            "status": e.status, "trigger": e.trigger, "trigger_start": e.trigger_start, "sentence": e.sentence,
            "sentence_start": e.sentence_start, "sentence_end": e.sentence_end,
            "location": p.name if p else "", "place_kind": p.kind if p else "",
            "admin1": admin1.name if admin1 else ("" if not p or p.kind != "admin1" else p.name),
            "country": country.name if country else "", "iso": p.country if p else "",
            "lat": p.lat if p else None, "lon": p.lon if p else None, "place_id": p.id if p else None,
            "geonameid": p.geonameid if p else None, "geo_precision": e.geo_precision,
            "located_by": e.located_by, "typed_by": e.typed_by, "actors": "; ".join(e.actors), "date": e.date or "",
            "confidence": round(e.confidence, 3), "plover": d["plover"], "contexts": "; ".join(d["contexts"]),
            "acled_event_type": d["acled_event_type"], "acled_sub_event_type": d["acled_sub_event_type"],
            "source": source, "title": title,
        })
    return rows


def to_geodataframe(events: Sequence[Event], *, gazetteer: Gazetteer | None = None, source: str = "",
                    title: str = "", areas: bool = True) -> gpd.GeoDataFrame:
    """A GeoDataFrame of located events; unlocated events are kept with an empty geometry."""
    import geopandas as gpd
    from shapely.geometry import Point, shape

    gaz = gazetteer or get_gazetteer()
    rows = event_rows(events, gazetteer=gaz, source=source, title=title)
    geometries = []
    for row in rows:
        if row["lat"] is None:
            geometries.append(None)
            continue
        outline = gaz.shape(row["place_id"]) if areas and row["place_kind"] in AREA_KINDS else None
        # The one flip: GeoJSON and shapely order coordinates x=lon, y=lat.
        geometries.append(shape(outline) if outline else Point(row["lon"], row["lat"]))
    return gpd.GeoDataFrame(rows, geometry=geometries, crs="EPSG:4326")


def points_frame(rows: Sequence[dict[str, Any]]) -> gpd.GeoDataFrame:
    """Flat rows with ``lat`` and ``lon`` as a GeoDataFrame of points (EPSG:4326), built column-wise for batch
    output; a row with no position has no geometry."""
    import geopandas as gpd
    import numpy as np
    import pandas as pd
    import shapely

    frame = pd.DataFrame(list(rows))
    lat, lon = (pd.to_numeric(frame[c]).to_numpy(dtype=float) for c in ("lat", "lon"))
    located = ~(np.isnan(lat) | np.isnan(lon))
    geometry = np.full(len(frame), None, dtype=object)
    geometry[located] = shapely.points(lon[located], lat[located])  # the flip again: x=lon, y=lat
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")
