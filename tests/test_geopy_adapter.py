from geopy.location import Location

from geo.gazetteer import Gazetteer
from geo.geopy_adapter import OfflineGeocoder


def test_geocode_returns_a_geopy_location(gazetteer: Gazetteer) -> None:
    loc = OfflineGeocoder(gazetteer=gazetteer).geocode("Kyiv", exactly_one=True)
    assert isinstance(loc, Location)
    assert abs(loc.latitude - 50.45) < 0.2 and abs(loc.longitude - 30.52) < 0.2
    assert loc.raw["country"] == "UA"


def test_geocode_many_and_filters(gazetteer: Gazetteer) -> None:
    geocoder = OfflineGeocoder(gazetteer=gazetteer)
    many = geocoder.geocode("Paris", exactly_one=False)
    assert len(many) > 3 and all(isinstance(x, Location) for x in many)
    texas = geocoder.geocode("Paris", exactly_one=True, country="us")
    assert texas.raw["country"] == "US"


def test_geocode_unknown_or_blank(gazetteer: Gazetteer) -> None:
    geocoder = OfflineGeocoder(gazetteer=gazetteer)
    assert geocoder.geocode("Qwzxyville") is None
    assert geocoder.geocode("   ") is None


def test_online_cache_answers_repeat_queries_from_disk(tmp_path) -> None:
    """The on-disk cache in front of the (opt-in) online geocoder; a local function stands in for it."""
    from geo.geopy_adapter import _CachedGeocode

    calls = []

    def lookup(query: str) -> str:
        calls.append(query)
        return f"answer for {query}"

    cached = _CachedGeocode(lookup, tmp_path / "cache")
    assert cached("Kyiv") == "answer for Kyiv"
    again = _CachedGeocode(lookup, tmp_path / "cache")  # a new process would open the same file
    assert again("Kyiv") == "answer for Kyiv"
    assert calls == ["Kyiv"]
