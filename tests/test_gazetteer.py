from pathlib import Path

import pytest

from geo.errors import GazetteerError
from geo.gazetteer import Gazetteer


@pytest.mark.parametrize(
    ("name", "kind", "country"),
    [
        ("Greenland", "country", "GL"),
        ("Puerto Rico", "country", "PR"),
        ("Venezuela", "country", "VE"),
        ("Kostroma Oblast", "admin1", "RU"),
        ("Lipetsk Oblast", "admin1", "RU"),
        ("Texas", "admin1", "US"),
        ("Bavaria", "admin1", "DE"),
        ("Kyiv", "city", "UA"),
        ("Kiev", "city", "UA"),
        ("Moskva", "city", "RU"),
        ("Europe", "continent", ""),
        ("Black Sea", "feature", ""),
        ("Rapides Parish", "admin2", "US"),
    ],
)
def test_lookup_finds_kind_and_country(gazetteer: Gazetteer, name: str, kind: str, country: str) -> None:
    places = gazetteer.lookup(name, kind=kind)
    assert places, f"{name} not in gazetteer as {kind}"
    assert places[0].country == country


def test_small_towns_are_covered(gazetteer: Gazetteer) -> None:
    towns = [p for p in gazetteer.lookup("Kelleyland") + gazetteer.lookup("Cottonport") if p.kind == "city"]
    assert any(1000 <= p.population < 5000 for p in towns)


@pytest.mark.parametrize(("demonym", "country"), [("Ukrainian", "UA"), ("French", "FR"), ("Danish", "DK"),
                                                   ("Russians", "RU")])
def test_demonyms_are_their_own_form(gazetteer: Gazetteer, demonym: str, country: str) -> None:
    kid = gazetteer.key_id(demonym)
    assert kid is not None
    forms = {(p.country, form) for p, form in gazetteer.entries(kid)}
    assert (country, "demonym") in forms


def test_moscow_coordinates(gazetteer: Gazetteer) -> None:
    moscow = gazetteer.lookup("Moscow", kind="city")[0]
    assert moscow.country == "RU" and abs(moscow.lat - 55.75) < 0.1 and abs(moscow.lon - 37.62) < 0.1
    assert moscow.geonameid == 524901 and moscow.population > 10_000_000


def test_countries_and_regions_have_shapes_and_bbox(gazetteer: Gazetteer) -> None:
    for place in (gazetteer.country("GL"), gazetteer.lookup("Kostroma Oblast")[0]):
        assert place is not None and place.bbox is not None
        west, south, east, north = place.bbox
        assert west < place.lon < east and south < place.lat < north
        geometry = gazetteer.shape(place.id)
        assert geometry["type"] in ("Polygon", "MultiPolygon")


def test_unknown_name(gazetteer: Gazetteer) -> None:
    assert gazetteer.lookup("Qwzxyville") == []


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(GazetteerError, match="make gazetteer"):
        Gazetteer(tmp_path / "nope.sqlite")


def test_corrupt_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"not a database" * 100)
    with pytest.raises(GazetteerError):
        Gazetteer(bad)


def test_stats_cover_every_kind(gazetteer: Gazetteer) -> None:
    stats = gazetteer.stats()
    assert stats["country"] >= 240 and stats["admin1"] >= 4000 and stats["city"] >= 100_000
    assert stats["continent"] == 7 and stats["feature"] >= 50


def test_country_shapes(gazetteer) -> None:
    shapes = list(gazetteer.shapes("country"))
    assert len(shapes) > 150 and all(s["type"] in ("Polygon", "MultiPolygon") for s in shapes)
    assert list(gazetteer.shapes("no such kind")) == []
