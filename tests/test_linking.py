"""Event-place linking: features, the shipped model, and the choices it makes on plain sentences."""

from __future__ import annotations

import re

import pytest

from geo.events import Trigger, choose_place, unresolved_places
from geo.linking import Candidate, features, governing_word, load_model
from geo.models import Toponym
from geo.pipeline import Geoparser


@pytest.mark.parametrize(
    ("text", "name", "word"),
    [
        ("drones hit an oil depot in Russia's Lipetsk region", "Lipetsk", "in"),
        ("shelling near the northern Donetsk suburbs", "Donetsk", "near"),
        ("refugees arriving from Syria", "Syria", "from"),
        ("Kostroma was hit", "Kostroma", ""),
    ],
)
def test_governing_word_skips_articles_directions_and_possessors(text: str, name: str, word: str) -> None:
    assert governing_word(text, text.index(name)) == word


def test_features_see_a_town_situated_by_its_district() -> None:
    text = "the army shot two militants in Gursai in Mendher sector"
    town = Candidate(text.index("Gursai"), text.index("Gursai") + 6, "unresolved", "unresolved")
    sector = Candidate(text.index("Mendher"), text.index("Mendher") + 7, "admin2", "unresolved")
    trigger = (text.index("shot"), text.index("shot") + 4)
    f_town = features(text, trigger, town, [town, sector])
    f_sector = features(text, trigger, sector, [town, sector])
    assert f_town["situated_by_next"] == 1.0 and f_sector["situates_previous"] == 1.0
    assert f_town["nearest"] == 1.0 and f_sector["nearest"] == 0.0
    assert f_town["prep=in"] == 1.0 and f_town["after"] == 1.0


def test_the_shipped_model_is_complete_and_explains_itself() -> None:
    model = load_model()
    assert 0.0 < model.threshold < 1.0
    assert model.meta["held_out"] and model.meta["trained_on"]
    f = {"bias": 1.0, "prep=in": 1.0, "prep=from": 0.0}
    assert all(name in model.weights for name in ("bias", "prep=in", "prep=from", "contains_other", "gap_words"))
    assert model.explain(f) and 0.0 < model.probability(f) < 1.0
    # what a reader expects of the learned weights: "in X" is a location, "from X" is not
    assert model.weights["prep=in"] > model.weights["prep=from"]


def _link(parser: Geoparser, text: str, verb: str) -> str | None:
    toponyms = parser.geoparse(text)
    start = re.search(r"\b" + verb + r"\b", text).start()
    place, _ = choose_place(text, Trigger("other", start, start + len(verb), verb), toponyms,
                            unresolved=unresolved_places(text, toponyms))
    if place is None:
        return None
    span = place.mention if isinstance(place, Toponym) else place
    return text[span.start:span.end]


@pytest.mark.parametrize(
    ("text", "verb", "expected"),
    [
        ("Drones hit an oil depot in Russia's Lipetsk region on Tuesday.", "hit", "Lipetsk region"),
        ("A car bomb exploded in a market in Kirkuk, Iraq, killing five people.", "exploded", "Kirkuk"),
        ("Police in Nairobi arrested 12 protesters after a march near Uhuru Park.", "arrested", "Nairobi"),
        ("Two soldiers were killed in Tikrit, north of Baghdad, officials said.", "killed", "Tikrit"),
        ("The army said rebels fled to Chad after fighting in Darfur.", "fighting", "Darfur"),
    ],
)
def test_links_the_place_where_it_happened(parser: Geoparser, text: str, verb: str, expected: str) -> None:
    assert _link(parser, text, verb) == expected


@pytest.mark.parametrize(
    ("text", "verb"),
    [
        ("Ukraine's Security Service said the strike was a success.", "strike"),  # an actor, not a location
        ("The minister, who flew in from Brussels on Monday after three days of consultations with "
         "several allied governments and a long series of closed meetings, later condemned the attack.", "condemned"),
    ],
)
def test_abstains_when_no_place_is_the_location(parser: Geoparser, text: str, verb: str) -> None:
    assert _link(parser, text, verb) is None
