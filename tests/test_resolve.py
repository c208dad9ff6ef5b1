import pytest

from geo.pipeline import Geoparser
from geo.resolve import haversine_km


def _one(parser: Geoparser, text: str, name: str):
    hits = [t for t in parser.geoparse(text) if t.mention.text == name]
    assert hits, f"{name} not found in {text!r}"
    return hits[0]


def test_paris_is_in_france(parser: Geoparser, sample_places) -> None:
    paris = [t for t in sample_places if t.mention.text == "Paris"]
    assert paris and all(haversine_km(t.place.lat, t.place.lon, 48.857, 2.352) < 10 for t in paris)
    assert all(t.place.country == "FR" for t in paris)


@pytest.mark.parametrize("region", ["Kostroma", "Lipetsk"])
def test_sample_regions_resolve_to_admin1(sample_places, region: str) -> None:
    hits = [t for t in sample_places if t.mention.text.startswith(region)]
    assert hits and all(t.place.kind == "admin1" and t.place.country == "RU" for t in hits)


@pytest.mark.parametrize(
    ("text", "name", "country", "admin1"),
    [
        ("The rodeo in Paris, Texas, drew a large crowd.", "Paris", "US", "US.TX"),
        ("The rodeo in Paris, TX drew a large crowd.", "Paris", "US", "US.TX"),
        ("Fashion week opened in Paris on Monday.", "Paris", "FR", None),
        ("Flooding hit Athens, Georgia, and nearby Atlanta.", "Athens", "US", "US.GA"),
    ],
)
def test_qualifiers_pick_the_right_town(parser: Geoparser, text, name, country, admin1) -> None:
    t = _one(parser, text, name)
    assert t.place.country == country
    if admin1:
        assert t.place.admin1 == admin1


def test_georgia_country_or_state_by_context(parser: Geoparser) -> None:
    caucasus = _one(parser, "Russia and Georgia fought a war; troops left Tbilisi and Armenia watched.", "Georgia")
    assert caucasus.place.kind == "country" and caucasus.place.country == "GE"
    south = _one(parser, "Storms moved from Atlanta and Savannah into Georgia and on to Alabama.", "Georgia")
    assert south.place.kind == "admin1" and south.place.country == "US"


@pytest.mark.parametrize(("text", "name", "region"), [
    ("Thousands marched in Barcelona for a vote on Catalonia's independence.", "Catalonia", "Catalonia"),
    ("Wildfires spread across Tuscany and Sardinia this week.", "Tuscany", "Tuscany"),
    ("Farmers blocked roads in Brittany and Normandy.", "Normandy", "Normandy"),  # not Normandy, Missouri
    ("Fighting spread from Darfur to the Kordofan region.", "Kordofan region", "Kordofan"),
])
def test_regions_above_provinces_resolve(parser: Geoparser, text: str, name: str, region: str) -> None:
    t = _one(parser, text, name)
    assert (t.place.name, t.place.kind) == (region, "admin1")


@pytest.mark.parametrize(("text", "name"), [
    ("Drones damaged energy facilities in the Kharkiv and Odesa regions.", "Kharkiv"),
    ("Drones damaged energy facilities in the Kharkiv and Odesa regions.", "Odesa"),
    ("Air defences downed drones over the Belgorod, Kursk and Bryansk regions.", "Kursk"),
])
def test_a_list_closed_by_a_plural_designator_names_regions(parser: Geoparser, text: str, name: str) -> None:
    assert _one(parser, text, name).place.kind == "admin1"


@pytest.mark.parametrize(("text", "name", "kind"), [
    ("Fighting in Sudan spread as ships were attacked in the Red Sea.", "Red Sea", "feature"),  # the water
    ("Flooding hit Port Sudan, the capital of Sudan's Red Sea state.", "Red Sea state", "admin1"),  # the state
])
def test_a_sea_is_the_water_unless_designated(parser: Geoparser, text: str, name: str, kind: str) -> None:
    assert _one(parser, text, name).place.kind == kind


def test_region_phrase_beats_city_of_same_name(parser: Geoparser) -> None:
    t = _one(parser, "Drones struck a depot in the Kostroma region.", "Kostroma region")
    assert t.place.kind == "admin1"


def test_confidence_and_runner_up(parser: Geoparser) -> None:
    t = _one(parser, "Officials in Paris said nothing.", "Paris")
    assert 0.0 < t.confidence <= 1.0
    assert t.runner_up is not None and t.runner_up.id != t.place.id and t.runner_up.name == "Paris"


def test_resolved_places_carry_what_maps_need(sample_places) -> None:
    for t in sample_places:
        p = t.place
        assert -90 <= p.lat <= 90 and -180 <= p.lon <= 180 and p.kind and 0 < t.confidence <= 1
        assert p.country or p.kind in ("continent", "feature")


@pytest.mark.parametrize(("text", "form", "country"), [
    ("A bomber struck near a Canadian convoy outside Kabul.", "demonym", "CA"),  # Canada, named by its people
    ("He grew up in Canadian, Texas.", "name", "US"),  # the town called Canadian
])
def test_the_form_is_that_of_the_chosen_place(parser: Geoparser, text: str, form: str, country: str) -> None:
    found = _one(parser, text, "Canadian")
    assert found.mention.form == form and found.place.country == country
