"""Plain frozen data objects passed between the pipeline stages."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

PLACE_KINDS = ("continent", "country", "admin1", "admin2", "city", "feature")
NAME_KINDS = ("name", "alt", "demonym", "abbr")


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer entry. ``admin1`` is the GeoNames admin1 code ("RU.37") where known."""

    id: int
    name: str
    kind: str
    lat: float
    lon: float
    country: str = ""
    admin1: str = ""
    population: int = 0
    capital: bool = False
    geonameid: int | None = None
    bbox: tuple[float, float, float, float] | None = None  # (west, south, east, north)

    def __post_init__(self) -> None:
        if self.kind not in PLACE_KINDS:
            raise ValueError(f"unknown place kind {self.kind!r}")
        if not (-90.0 <= self.lat <= 90.0 and -180.0 <= self.lon <= 180.0):
            raise ValueError(f"coordinates out of range for {self.name!r}: {self.lat}, {self.lon}")

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["bbox"] = list(self.bbox) if self.bbox else None
        return data


@dataclass(frozen=True, slots=True)
class Mention:
    """A span of text that names a place. ``form`` is how it names it: name, alt, demonym or abbr."""

    start: int
    end: int
    text: str
    form: str = "name"
    candidates: tuple[Place, ...] = field(default=(), compare=False, repr=False)

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(f"bad span {self.start}:{self.end}")
        if len(self.text) != self.end - self.start:
            raise ValueError("mention text does not match its span")


@dataclass(frozen=True, slots=True)
class Toponym:
    """A mention resolved to a place, with how sure we are and the best alternative."""

    mention: Mention
    place: Place
    confidence: float
    runner_up: Place | None = None

    def to_dict(self) -> dict[str, Any]:
        p = self.place
        return {
            "start": self.mention.start,
            "end": self.mention.end,
            "text": self.mention.text,
            "name": p.name,
            "lat": p.lat,
            "lon": p.lon,
            "kind": p.kind,
            "form": self.mention.form,
            "country": p.country,
            "admin1": p.admin1,
            "population": p.population,
            "geonameid": p.geonameid,
            "confidence": round(self.confidence, 3),
            "runner_up": (
                {"name": self.runner_up.name, "kind": self.runner_up.kind,
                 "country": self.runner_up.country, "lat": self.runner_up.lat,
                 "lon": self.runner_up.lon, "geonameid": self.runner_up.geonameid}
                if self.runner_up else None
            ),
        }
