"""The offline gazetteer as a geopy geocoder, and an opt-in online fallback.

``OfflineGeocoder`` answers from the local file and never touches the network. ``online_fallback``
builds a Nominatim geocoder behind a rate limiter and an on-disk cache; it is only created when a
user asks for it (``newsmap geocode --online``) and is never used by default or in tests.
"""

from __future__ import annotations

import os
import shelve
from pathlib import Path
from typing import Any

from geopy.geocoders.base import Geocoder
from geopy.location import Location

from geo.gazetteer import Gazetteer, get_gazetteer
from geo.models import Mention, Place
from geo.resolve import Resolver


def _address(place: Place) -> str:
    return ", ".join(p for p in (place.name, place.admin1, place.country) if p)


def to_location(place: Place) -> Location:
    """A geopy Location whose ``raw`` keeps the whole gazetteer record."""
    return Location(_address(place), (place.lat, place.lon), place.to_dict())


class OfflineGeocoder(Geocoder):
    """geopy-compatible geocoder over the embedded gazetteer (no network, no API key)."""

    def __init__(self, *, gazetteer: Gazetteer | None = None) -> None:
        super().__init__(scheme="https", timeout=1, proxies={}, user_agent="newsmap-offline")
        self.gazetteer = gazetteer or get_gazetteer()
        self._resolver = Resolver(self.gazetteer)

    def geocode(self, query: str, *, exactly_one: bool = True, country: str | None = None,
                kind: str | None = None) -> Location | list[Location] | None:
        """Places called ``query``, most prominent first (countries, regions, then by population)."""
        places = self.gazetteer.lookup(query.strip(), country=country, kind=kind) if query.strip() else []
        if not places:
            return None
        # Rank as the geoparser would with no context: one notion of "most prominent" everywhere.
        mention = Mention(0, len(query), query, candidates=tuple(places))
        top = self._resolver.resolve(query, [mention])[0]
        places.sort(key=lambda p: p.id != top.place.id)
        if exactly_one:
            return to_location(places[0])
        return [to_location(p) for p in places]

    def reverse(self, query: Any, *, exactly_one: bool = True) -> None:  # pragma: no cover - not offered
        raise NotImplementedError("reverse geocoding is not offered by the offline gazetteer")


class _CachedGeocode:
    """Wraps a geocode callable with a shelve cache on disk keyed by the query string."""

    def __init__(self, func: Any, path: Path) -> None:
        self.func = func
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)

    def __call__(self, query: str) -> Location | None:
        with shelve.open(str(self.path)) as cache:
            if query in cache:
                return cache[query]
            result = self.func(query)
            cache[query] = result
            return result


def online_fallback(*, user_agent: str | None = None, cache_dir: Path | None = None) -> Any:
    """Nominatim through geopy, at most one request a second, cached on disk. Opt-in only."""
    from geopy.extra.rate_limiter import RateLimiter
    from geopy.geocoders import Nominatim

    agent = user_agent or os.environ.get("NEWSMAP_USER_AGENT") or "newsmap (https://github.com/newsmap)"
    geocoder = Nominatim(user_agent=agent, timeout=10)
    limited = RateLimiter(geocoder.geocode, min_delay_seconds=1.0, max_retries=2)
    cache = (cache_dir or Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "newsmap")
    wrapped = _CachedGeocode(limited, cache / "nominatim")

    class _Online:
        def geocode(self, query: str) -> Location | None:
            return wrapped(query)

    return _Online()
