"""Events: typing, status, places and actors, on the sample article and on small sentences."""

from __future__ import annotations

import datetime as dt

import pytest

from geo.events import Trigger, choose_place, find_triggers, resolve_date, status_of
from geo.pipeline import Geoparser
from geo.sentences import Sentence, split_sentences
from geo.taxonomy import CATEGORIES, STATUSES, SUBTYPES


def _events(parser: Geoparser, text: str, **kw):
    return parser.events(text, **kw)[1]


@pytest.fixture(scope="module")
def sample_events(parser: Geoparser, sample_text: str):
    return _events(parser, sample_text, doc_id="sample", doc_date=dt.date(2026, 1, 6))


def _where(events, subtype):
    return [e for e in events if e.subtype == subtype and e.place is not None]


def test_taxonomy_is_complete() -> None:
    assert len(SUBTYPES) == 31 and len(CATEGORIES) == 10
    for s in SUBTYPES.values():
        assert s.category in CATEGORIES and s.label and s.icon and s.plover and s.acled_event_type
    assert len({c.colour for c in CATEGORIES.values()}) == len(CATEGORIES)


@pytest.mark.parametrize(
    ("subtype", "place", "status"),
    [
        ("diplomacy.summit", "Paris", "occurred"),
        ("strike.drone", "Kostroma", "occurred"),
        ("strike.drone", "Lipetsk", "occurred"),
        ("territory.claim", "Greenland", "threatened"),
        ("military.intervention", "Venezuela", "occurred"),
        ("military.base", "Ukraine", "planned"),
    ],
)
def test_sample_article_events(sample_events, subtype: str, place: str, status: str) -> None:
    hits = [e for e in _where(sample_events, subtype) if e.place.place.name.startswith(place)]
    assert hits, f"no {subtype} at {place}"
    assert any(e.status == status for e in hits)


def test_sample_drone_strikes_are_in_the_regions_not_russia(sample_events) -> None:
    drones = _where(sample_events, "strike.drone")
    assert {e.place.place.kind for e in drones} == {"admin1"}
    assert all(e.geo_precision == 3 for e in drones)


def test_sample_planned_military_aid_in_ukraine(sample_events) -> None:
    aid = [e for e in _where(sample_events, "support.military_aid") if e.place.place.country == "UA"]
    assert aid and all(e.status == "planned" for e in aid)


def test_sample_places_only_what_the_text_places(sample_events) -> None:
    """The only place of a sentence is no event's place where it is where someone spoke ("..., Zelenskyy told a news
    conference in Paris") or where another event of the sentence happened ("the delegation ... after the U.S.
    military intervention in Venezuela")."""
    assert {e.place.place.country for e in _where(sample_events, "support.military_aid")} == {"UA"}
    assert [e.subtype for e in sample_events if e.place is not None and e.place.place.country == "VE"] == [
        "military.intervention"]


def test_no_event_on_an_actor_mention(parser: Geoparser, sample_text: str, sample_events) -> None:
    from geo.events import is_actor

    for e in sample_events:
        if e.place is not None:
            assert not is_actor(sample_text, e.place)


@pytest.mark.parametrize(
    ("text", "subtype", "status"),
    [
        ("Leaders will meet at a summit in Geneva next week.", "diplomacy.summit", "planned"),
        ("Leaders met at a summit in Geneva on Monday.", "diplomacy.summit", "occurred"),
        ("Russian drones were shot down over Kyiv overnight.", "strike.intercepted", "intercepted"),
        ("Air defences intercepted missiles fired at Odesa.", "strike.intercepted", "intercepted"),
        ("The ministry denied that troops had shelled Donetsk.", "strike.missile_artillery", "denied"),
        ("The army did not shell Donetsk, officials said.", "strike.missile_artillery", "denied"),
        ("The president threatened to impose sanctions on Iran.", "coercion.sanction", "threatened"),
        ("Rebels claimed they captured Goma on Sunday.", "combat.territory_taken", "claimed"),
        ("Thousands of protesters marched through Tbilisi.", "unrest.protest", "occurred"),
        # a trigger that is itself a threat reports a threat; a demand is an event that occurred
        ("Tehran vowed to retaliate against the strike on its embassy.", "diplomacy.demand", "threatened"),
        ("Moscow warned that the deliveries to Kyiv would escalate the war.", "diplomacy.demand", "threatened"),
        ("Canada demanded the release of its citizens held in Beijing.", "diplomacy.demand", "occurred"),
        ("Foreign ministers are due to meet in Vienna on Friday.", "diplomacy.summit", "planned"),
        ("Russia announced plans for a naval base at Port Sudan.", "military.base", "planned"),
        # a claim comes before what it claims; claiming an attack is no doubt about it
        ("Protesters marched in Nuuk against American claims on the island.", "unrest.protest", "occurred"),
        ("Militants claimed responsibility for the suicide bombing at a market in Kabul.", "strike.suicide",
         "occurred"),
        ("Police stopped a truck in Laredo allegedly carrying drugs.", "coercion.arrest", "occurred"),
        ("Armed groups were torching homes in Port-au-Prince, the UN said.", "coercion.destruction", "occurred"),
        ("Washington approved the decision to sell $360 million worth of drones to Taiwan.", "support.military_aid",
         "occurred"),  # an amount between the verb and the weapons
    ],
)
def test_type_and_status(parser: Geoparser, text: str, subtype: str, status: str) -> None:
    events = [e for e in _events(parser, text) if e.subtype == subtype]
    assert events, f"{subtype} not found in {text!r}"
    assert events[0].status == status


def test_two_events_in_one_sentence(parser: Geoparser) -> None:
    events = _events(parser, "Police arrested 40 people after protesters torched cars in Nantes.")
    assert {"coercion.arrest", "unrest.riot"} <= {e.subtype for e in events}


@pytest.mark.parametrize(("text", "subtypes"), [
    ("Police in Leeds arrested a man accused of stealing two cars.", {"coercion.arrest"}),
    ("Two car bombs struck a market in Kerbala, killing five people.", {"strike.explosive"}),
    ("The Syrian government accuses the rebels of using civilians in Homs as human shields.",
     {"diplomacy.condemnation"}),
])
def test_a_reading_the_model_finds_far_less_likely_is_no_event_of_its_own(parser: Geoparser, text: str,
                                                                           subtypes: set[str]) -> None:
    """One incident, one event: the accusation behind an arrest, the deaths a bombing caused."""
    assert {e.subtype for e in _events(parser, text)} == subtypes


@pytest.mark.parametrize(("text", "place"), [
    ("Germany will send 14 Leopard tanks to Ukraine.", "Ukraine"),  # aid goes where it is sent
    ("Britain announced a deal to supply Ukraine with more than 5,000 air-defence missiles.", "Ukraine"),
    ("Drones launched by Ukraine hit the Engels air base in the Saratov region.", "Engels"),  # not its sender
    ("Britain pledged more anti-tank weapons for Kyiv.", "Kyiv"),
    ("The EU imposed sanctions on Iran over its nuclear programme.", "Iran"),  # a sanction, where it falls
    ("Saudi Arabia severed diplomatic relations with Qatar.", "Qatar"),
    ("Washington imposed curbs on US exports to Sudan.", "Sudan"),  # "US" only qualifies the exports
    ("The envoy will travel to Moscow for talks with Putin.", "Moscow"),  # talks where one travels to
    ("Leaders of the breakaway region appealed to Moscow for protection.", None),  # an appeal is not made there
    ("A drone launched from Lebanon hit a house in the coastal town of Caesarea.", "Caesarea"),  # not its origin
    ("Washington recognised Morocco's sovereignty over Western Sahara.", "Western Sahara"),  # what it is over
    ("Speaking to cadets at West Point, Obama said he would deploy 30,000 additional troops to Afghanistan.",
     "Afghanistan"),  # troops go where they are sent
    ("African leaders met on the Black Sea resort of Sochi.", "Sochi"),  # the sea only qualifies the resort
    ("The leaders agreed to hold a summit in the Belarusian capital Minsk on Wednesday.", "Minsk"),
    ("Missiles struck the Black Sea port city of Odesa overnight.", "Odesa"),
    ("Donald Trump Jr. visited Nuuk on a private trip.", "Nuuk"),  # a visit is where the visitor goes
    ("Gibraltar was captured from Spain in 1704 by a British-led fleet.", "Gibraltar"),  # what was captured
])
def test_events_are_placed_where_they_go(parser: Geoparser, text: str, place: str | None) -> None:
    event = _events(parser, text)[0]
    assert (event.place.mention.text if event.place else None) == place


@pytest.mark.parametrize(("text", "places"), [
    ("Russian missiles hit Kharkiv, Odesa and Dnipro overnight, killing six.", {"Kharkiv", "Odesa", "Dnipro"}),
    ("Fighting raged in Izium and Kupiansk as troops advanced.", {"Izyum", "Kupyansk"}),
    # a place and its region are one place; the town after them is another
    ("Police arrested 40 protesters in Springfield, Illinois, and Chicago.", {"Springfield", "Chicago"}),
    ("Shelling hit Bakhmut, Donetsk, on Monday.", {"Bakhmut"}),  # no "and": a town and its region
    ("The US imposed sanctions on Iran and Russia.", {"Iran"}),  # countries: parties as often as places
    ("Bombers patrolled amid tension between Moscow and Washington.", None),  # parties, not places
])
def test_one_event_per_place_of_a_list(parser: Geoparser, text: str, places: set[str] | None) -> None:
    events = _events(parser, text)
    assert len(events) == 1 or len({e.trigger_start for e in events}) == 1
    if places is None:
        assert len([e for e in events if e.place]) <= 1
        return
    assert {e.place.place.name for e in events if e.place} == places
    assert len({e.id for e in events}) == len(events)  # each its own id
    starts = [e.place.mention.start for e in events if e.place]
    assert starts == sorted(starts)  # in the text's order: the first named is the main event


@pytest.mark.parametrize(("text", "doer"), [
    ("Hamas fighters were killed by Israeli strikes in Gaza on Monday.", "Israel"),  # the agent of a passive
    ("Ukrainian troops were attacked by Russian drones near Bakhmut.", "Russia"),
    ("Israeli jets struck Hamas positions in Gaza.", "Israel"),  # active: in the order named
    ("Houthi rebels backed by Iran attacked a ship off Yemen.", "Houthis"),  # who backs the attackers
    ("Syrian and Russian jets began the day by striking Islamic State positions near Aleppo.", "Syria"),  # means
    ("Civilians were killed in Russian airstrikes, according to a report by the Syrian Network for Human Rights.",
     "Russia"),  # a source
])
def test_the_doer_is_the_first_actor(parser: Geoparser, text: str, doer: str) -> None:
    events = _events(parser, text)
    assert events and all(e.actors[0] == doer for e in events)


def test_event_without_place_is_kept_and_flagged(parser: Geoparser) -> None:
    events = _events(parser, "The two sides signed a ceasefire agreement.")
    assert events and all(e.place is None and e.located_by == "unlocated" for e in events)
    assert events[0].to_dict()["unlocated"] is True


def test_unknown_place_name_is_kept_as_unresolved(parser: Geoparser) -> None:
    events = _events(parser, "Mortar shells fell on homes in Qwzxyabad on Friday.")
    shell = [e for e in events if e.subtype == "strike.missile_artillery"]
    assert shell and shell[0].place is None and shell[0].located_by == "unresolved"
    assert shell[0].unresolved_place.text == "Qwzxyabad"


@pytest.mark.parametrize(("text", "name", "around", "precision"), [
    ("Rebels captured the town of Qwzletwa in Chin state after weeks of fighting.", "Qwzletwa", "Chin State", 2),
    ("Gunmen killed an official in Mogadishu's Qwzyaqshid district.", "Qwzyaqshid", "Mogadishu", 2),
    ("Mortar shells fell on homes in Qwzxyabad, Syria, on Friday.", "Qwzxyabad", "Syria", 3),
])
def test_an_unresolved_name_is_mapped_on_the_place_around_it(parser: Geoparser, text: str, name: str, around: str,
                                                             precision: int) -> None:
    """ACLED's way with a village it cannot find: the known place the text puts it in, at precision 2 or 3."""
    event = _events(parser, text)[0]
    assert event.located_by == "unresolved" and event.unresolved_place.text == name
    assert event.place.place.name == around and event.geo_precision == precision


@pytest.mark.parametrize(("text", "names"), [
    ("Gunmen killed an official in Mogadishu's Qwzyaqshid district.", ["Qwzyaqshid"]),  # after a possessive
    ("Talks were held outside the UN's Geneva headquarters.", []),  # a possessor is no place name
    ("Fighting near al-Qwzra’i and in Bustan al-Qwzasr.", ["al-Qwzra’i", "Bustan al-Qwzasr"]),
    ("In Qwzapunagar, police shot a man.", ["Qwzapunagar"]),  # a sentence's first word
    ("In the Qwzagestani capital, police shot a man.", []),  # an adjective before a noun
    ("Rebels captured the Qwzokkadicholai base and the island of Qwzcroix.", ["Qwzokkadicholai", "Qwzcroix"]),
    ("Shells fell across the Line of Qwzontrol overnight.", ["Line of Qwzontrol"]),  # a name with "of"
    ("Fighting flared in St. Qwzebastian's parish and in RSF-held areas.", []),  # a cut abbreviation, an acronym
    ("A bomb exploded in Baghdad's western Qwzamriya district.", ["Qwzamriya"]),  # a direction before it
    ("Gunmen attacked the southern Qwzilippine city of Davao.", []),  # an adjective, whatever its direction
])
def test_unresolved_place_names(parser: Geoparser, text: str, names: list[str]) -> None:
    from geo.events import unresolved_places

    assert [m.text for m in unresolved_places(text, parser.geoparse(text))] == names


@pytest.mark.parametrize(("text", "place"), [
    ("A monk was shot at Bethlehem's Church of the Nativity.", "Bethlehem"),  # the church is no place we know
    ("Drones hit an oil depot in Russia's Lipetsk region.", "Lipetsk"),  # Russia only situates Lipetsk
])
def test_a_possessor_situates_only_a_place(parser: Geoparser, text: str, place: str) -> None:
    event = _events(parser, text)[0]
    assert event.place is not None and place in event.place.mention.text


def test_a_sentence_the_model_types_takes_its_likeliest_place(parser: Geoparser) -> None:
    # No trigger: the model reads the sentence and its evidence word ("executing") stands far from the town, so the
    # linker's probability is below its threshold but above the bar for the model's events.
    text = "Panic gripped Sinjar on Sunday as militants swept in from Syria, executing scores of men."
    toponyms, events = parser.events(text)
    event = events[0]
    assert event.typed_by == "classifier" and event.place.mention.text == "Sinjar"
    trigger = Trigger(event.subtype, event.trigger_start, event.trigger_end, event.trigger)
    assert choose_place(text, trigger, toponyms) == (None, 0.0)  # the linker's own threshold


@pytest.mark.parametrize(("text", "place"), [
    ("Gunfire and explosions rocked central Khartoum as the army and the paramilitary forces battled for control of "
     "key sites.", "Khartoum"),
    ("Tigray is under a de facto humanitarian blockade, with only a fraction of the aid trucks getting through.",
     "Tigray"),
])
def test_the_only_place_a_sentence_names_is_its_events_place(parser: Geoparser, text: str, place: str) -> None:
    event = _events(parser, text)[0]
    assert event.place.mention.text == place and event.located_by == "sentence"


def test_actor_country_is_not_the_location(parser: Geoparser) -> None:
    events = _events(parser, "Ukraine's Security Service said its drones hit an oil depot in Russia's Lipetsk region.")
    strike = [e for e in events if e.subtype == "strike.drone"][0]
    assert strike.place.place.name == "Lipetsk" and "Ukraine" in strike.actors


@pytest.mark.parametrize(("text", "place", "actor"), [
    ("Moscow denies the claim.", "Moscow", True),  # a capital that speaks is its government
    ("Washington has warned it will respond.", "Washington", True),
    ("Eritrea captured the island of Hanish.", "Eritrea", True),  # ... or that acts on another place
    ("Police in Tokyo said the station was closed.", "Tokyo", False),  # where the speakers are
    ("The gunman died in a shootout, Turkey's state-run news agency said.", "Turkey", True),  # who owns the source
    ("Tokyo is a large city.", "Tokyo", False),
    ("Talks aimed at ending Russia's invasion resumed.", "Russia", True),  # the doer of an event it possesses
    ("Israel's three-week offensive in Gaza ended.", "Israel", True),
    ("The talks sought to end Syria's civil war.", "Syria", False),  # a war is where it is fought
    ("Crimea's annexation was condemned.", "Crimea", False),  # the annexed place is the target
    ("A U.S. drone fired missiles at a convoy leaving Baghdad.", "U.S.", True),  # a country owns its craft
    ("The UAE intercepted two missiles fired at Abu Dhabi.", "UAE", True),
    ("Paris rushed troops to Mali.", "Paris", True),
    ("The Kyiv drone attack killed three people.", "Kyiv", False),  # a town before them is where they struck
])
def test_a_place_that_speaks_is_an_actor(parser: Geoparser, text: str, place: str, actor: bool) -> None:
    from geo.events import is_actor

    found = [t for t in parser.geoparse(text) if t.mention.text == place]
    assert found and is_actor(text, found[0]) is actor


def test_a_speaking_capital_is_not_the_location(parser: Geoparser) -> None:
    events = _events(parser, "Russian peacekeepers have patrolled in Abkhazia since 1994 and Tbilisi accuses them of "
                             "siding with the separatists.")
    patrol = [e for e in events if e.subtype == "military.deployment"][0]
    assert patrol.place.place.name == "Abkhazia" and "Tbilisi" in patrol.actors


def test_previous_sentence_gives_the_place(parser: Geoparser) -> None:
    events = _events(parser, "Fighting raged around Bakhmut. Artillery pounded the town all night.")
    shell = [e for e in events if e.subtype == "strike.missile_artillery"][0]
    assert shell.place.place.name == "Bakhmut" and shell.located_by == "previous_sentence"


def test_a_sentence_with_places_of_its_own_does_not_borrow(parser: Geoparser) -> None:
    """Only a sentence that names no place takes the previous one's: an event this sentence cannot place among
    its own places is unlocated, not put where the previous sentence's talks are."""
    events = _events(parser, "Iran said talks with European powers would take place in Geneva next week. "
                             "In Iraq, a roadside bomb exploded near a convoy carrying supplies for U.S.-led coalition "
                             "forces south of Baghdad, wounding two contractors, security sources said.")
    bomb = [e for e in events if e.subtype == "strike.explosive"][0]
    assert bomb.located_by != "previous_sentence" and (bomb.place is None or bomb.place.place.name != "Geneva")


@pytest.mark.parametrize(
    ("sentence", "doc_date", "expected"),
    [
        ("The strike happened on Tuesday.", dt.date(2026, 1, 8), "2026-01-06"),
        ("Talks were held yesterday.", dt.date(2026, 1, 8), "2026-01-07"),
        ("Talks were held on March 7.", dt.date(2026, 4, 1), "2026-03-07"),
        ("The summit opened on 2025-11-03.", None, "2025-11-03"),
        ("The strike happened on Tuesday.", None, None),
    ],
)
def test_dates(sentence: str, doc_date, expected) -> None:
    assert resolve_date(sentence, doc_date) == expected


def test_statuses_are_from_the_taxonomy(sample_events) -> None:
    assert all(e.status in STATUSES for e in sample_events)
    assert all(0 < e.confidence < 1 for e in sample_events)


def test_each_event_records_its_evidence(sample_text: str, sample_events) -> None:
    for e in sample_events:
        assert sample_text[e.trigger_start:e.trigger_end] == e.trigger
        assert sample_text[e.sentence_start:e.sentence_end] == e.sentence
        assert e.sentence_start <= e.trigger_start < e.trigger_end <= e.sentence_end


def test_triggers_and_status_helpers() -> None:
    s = Sentence(0, 40, "Drones hit a depot and caused a blast.")
    assert [t.subtype for t in find_triggers(s)] == ["strike.drone"]  # the blast is the drones' doing
    t = find_triggers(s)[0]
    assert status_of(t, s) == "occurred"


def test_sentence_splitting_keeps_abbreviations() -> None:
    text = "U.S. Gen. Smith met Mr. Jones in Paris. Talks ended.\n\nNew headline"
    assert [s.text for s in split_sentences(text)] == ["U.S. Gen. Smith met Mr. Jones in Paris.", "Talks ended.",
                                                       "New headline"]


def test_events_on_a_huge_text_finish_and_scale(parser: Geoparser) -> None:
    """Long archives must not be quadratic: 10x the text, 10x the events."""
    chunk = "Drones hit an oil depot in the Lipetsk region. Leaders met in Paris on Tuesday. " * 500
    small = _events(parser, chunk)
    big = _events(parser, chunk * 10)
    assert len(small) > 0 and len(big) == 10 * len(small)
