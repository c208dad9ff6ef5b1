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
        if self.form not in (*NAME_KINDS, "unresolved"):
            raise ValueError(f"unknown mention form {self.form!r}")
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


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happened (or is planned, threatened, ...) somewhere, with its evidence."""

    id: str
    subtype: str
    status: str
    trigger: str
    trigger_start: int
    trigger_end: int
    sentence: str
    sentence_start: int
    sentence_end: int
    place: Toponym | None
    geo_precision: int | None
    actors: tuple[str, ...] = ()
    date: str | None = None
    confidence: float = 0.5
    located_by: str = "sentence"  # sentence | previous_sentence | unresolved | unlocated
    # A place name the gazetteer lacks ("in Jobar"); ``place`` is then the known place around it, if the text gives one
    unresolved_place: Mention | None = None
    typed_by: str = "lexicon"  # lexicon (a trigger matched) | classifier (geo.typer: no trigger, or one it retyped)

    def to_dict(self) -> dict[str, Any]:
        from geo.taxonomy import CATEGORIES, SUBTYPES

        sub = SUBTYPES[self.subtype]
        p = self.place.place if self.place else None
        return {
            "id": self.id,
            "subtype": self.subtype,
            "category": CATEGORIES[sub.category].label,
            "label": sub.label,
            "status": self.status,
            "trigger": {"text": self.trigger, "start": self.trigger_start, "end": self.trigger_end},
            "sentence": {"text": self.sentence, "start": self.sentence_start, "end": self.sentence_end},
            "place": None if p is None else {
                "name": p.name, "text": self.place.mention.text, "start": self.place.mention.start,
                "end": self.place.mention.end, "lat": p.lat, "lon": p.lon, "kind": p.kind,
                "country": p.country, "admin1": p.admin1, "geonameid": p.geonameid, "place_id": p.id},
            "unlocated": p is None,
            "unresolved_place": None if self.unresolved_place is None else {
                "text": self.unresolved_place.text, "start": self.unresolved_place.start,
                "end": self.unresolved_place.end},
            "located_by": self.located_by,
            "typed_by": self.typed_by,
            "geo_precision": self.geo_precision,
            "actors": list(self.actors),
            "date": self.date,
            "confidence": round(self.confidence, 3),
            "contexts": list(sub.contexts),
            "plover": sub.plover,
            "acled_event_type": sub.acled_event_type,
            "acled_sub_event_type": sub.acled_sub_event_type,
        }
