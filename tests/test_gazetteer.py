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


@pytest.mark.parametrize(("demonym", "region"), [("Chechen", "Chechen Republic"), ("South Ossetian", "South Ossetia"),
                                                  ("Tigrayan", "Tigray"), ("Ohioans", "Ohio")])
def test_regions_have_demonyms(gazetteer: Gazetteer, demonym: str, region: str) -> None:
    """News names the regions of a conflict by their people ("Chechen rebels", "Tigrayan forces")."""
    assert (region, "demonym") in {(p.name, form) for p, form in gazetteer.entries(gazetteer.key_id(demonym))}


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


@pytest.mark.parametrize("generic", ["The City", "The Center", "District", "Region", "State"])
def test_generic_words_name_no_place(gazetteer: Gazetteer, generic: str) -> None:
    """GeoNames' "The City" (Oakville) and the designators of Natural Earth's unnamed units are no names."""
    assert [p for p in gazetteer.lookup(generic) if p.kind != "country"] == []


def test_airport_codes_are_no_names(gazetteer: Gazetteer) -> None:
    """GeoNames lists "DAD" among Da Nang's names and "LAW" among Lawton's: the words "Dad" and "Law" are not them."""
    assert "Da Nang" not in {p.name for p in gazetteer.lookup("Dad")}
    assert "Lawton" not in {p.name for p in gazetteer.lookup("Law")}


def test_a_town_keeps_its_name_made_of_words(gazetteer: Gazetteer) -> None:
    assert "The Valley" in {p.name for p in gazetteer.lookup("The Valley")}  # Anguilla's capital, by its name


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


# Regions above Natural Earth's provinces and departments (data/regions.tsv), with the code of GeoNames' towns.
@pytest.mark.parametrize(("region", "country", "town"), [("Catalonia", "ES", "Barcelona"), ("Lombardy", "IT", "Milan"),
                                                         ("Brittany", "FR", "Rennes"), ("Flanders", "BE", "Antwerpen")])
def test_regions_above_provinces_contain_their_towns(gazetteer: Gazetteer, region: str, country: str,
                                                     town: str) -> None:
    places = [p for p in gazetteer.lookup(region) if p.kind == "admin1"]
    assert [p.name for p in places] == [region] and places[0].country == country
    west, south, east, north = places[0].bbox
    city = max(gazetteer.lookup(town, country=country, kind="city"), key=lambda p: p.population)
    assert west < city.lon < east and south < city.lat < north
    assert gazetteer.admin1(city.admin1) == places[0]  # what exports print as the town's admin1
    assert gazetteer.shape(places[0].id)["type"] in ("Polygon", "MultiPolygon")


def test_a_province_no_longer_carries_its_regions_name(gazetteer: Gazetteer) -> None:
    assert {p.name for p in gazetteer.lookup("Lombardy")} == {"Lombardy"}  # was also Varese, Como, ... Milano
    assert "Lombardy" not in {p.name for p in gazetteer.lookup("Varese", kind="admin1")}


def test_colliding_codes_do_not_put_a_town_in_another_region(gazetteer: Gazetteer) -> None:
    """Natural Earth's "FR.11" is the Aude department, GeoNames' is Ile-de-France: Paris is not in Aude."""
    paris = max(gazetteer.lookup("Paris", country="FR", kind="city"), key=lambda p: p.population)
    assert gazetteer.admin1(paris.admin1).name == "Île-de-France"
    assert gazetteer.lookup("Aude", kind="admin1")[0].admin1 != paris.admin1


@pytest.mark.parametrize(("name", "country"), [("Puntland", "SO"), ("Vojvodina", "RS"), ("Republika Srpska", "BA")])
def test_regions_from_natural_earths_geounits(gazetteer: Gazetteer, name: str, country: str) -> None:
    places = gazetteer.lookup(name, kind="admin1")
    assert places and places[0].country == country and gazetteer.shape(places[0].id)


@pytest.mark.parametrize(("name", "country"), [("Crimea", "UA"), ("Somaliland", "SO"), ("Northern Cyprus", "CY")])
def test_regions_take_the_country_of_their_towns(gazetteer: Gazetteer, name: str, country: str) -> None:
    assert gazetteer.lookup(name, kind="admin1")[0].country == country
