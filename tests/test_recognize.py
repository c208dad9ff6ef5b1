import pytest

from geo.pipeline import Geoparser

SAMPLE_PLACES = ["Paris", "Kostroma", "Lipetsk", "Greenland", "Venezuela", "Ukraine", "Russia", "Denmark",
                 "Canada", "France", "Germany", "Italy", "Poland", "Spain", "U.K."]
NOT_PLACES = ["Putin", "Christmas", "Tuesday", "Macron", "Starmer", "Zelenskyy", "Kushner", "Witkoff", "NATO"]


def test_sample_offsets_are_exact(sample_text: str, sample_places) -> None:
    for t in sample_places:
        assert sample_text[t.mention.start:t.mention.end] == t.mention.text


@pytest.mark.parametrize("name", SAMPLE_PLACES)
def test_sample_places_found(sample_places, name: str) -> None:
    assert any(t.mention.text.startswith(name) for t in sample_places)


@pytest.mark.parametrize("word", NOT_PLACES)
def test_sample_non_places_not_found(sample_places, word: str) -> None:
    assert not any(word in t.mention.text for t in sample_places)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Protesters gathered in São Paulo on Sunday.", "São Paulo"),
        ("Shelling hit Zaporizhzhia overnight.", "Zaporizhzhia"),
        ("Officials in Kyiv said the talks would resume.", "Kyiv"),
        ("Officials in Kiev said the talks would resume.", "Kiev"),
        ("Fighting continued near Kharkiv and Belgorod.", "Belgorod"),
        ("The delegation flew to Moskva.", "Moskva"),
    ],
)
def test_recognises_unicode_and_exonyms(parser: Geoparser, text: str, expected: str) -> None:
    found = [m.text for m in parser.recognize(text)]
    assert expected in found


@pytest.mark.parametrize(
    "text",
    [
        "Paris Hilton arrived late.",
        "President Vladimir Putin spoke on Tuesday.",
        "We met in March and again in May.",
        "Reading the report took an hour.",
        "Mr. Jackson declined to comment.",
        "Arab residents marched after the funeral.",  # a people, not the town of Arab, Alabama
        "Man charged with murder picked up in area.",  # a word, not the Isle of Man by its short name
        "The settlement was US$460 million.",  # a currency
        "Farm workers were infected with Reston ebolavirus and Marburg hemorrhagic fever.",  # diseases
    ],
)
def test_people_dates_and_words_are_not_places(parser: Geoparser, text: str) -> None:
    assert parser.recognize(text) == []


@pytest.mark.parametrize(("text", "not_a_mention"), [
    ("Warplanes dropped bombs on the town of Khan Sheikhoun.", "Khan"),  # the first word of a longer name
    ("Government troops attacked rebels in Jebel Marra.", "Jebel"),
    ("Bulldozers razed homes in Wadi al-Hummus.", "Wadi"),
    ("Fighters clashed in the town of Bint Jbeil.", "Jbeil"),  # ... or the rest of it
    ("Militants overran Tal Afar.", "Afar"),
])
def test_the_first_word_of_a_longer_name_is_no_place(parser: Geoparser, text: str, not_a_mention: str) -> None:
    assert not_a_mention not in [m.text for m in parser.recognize(text)]


@pytest.mark.parametrize(("text", "mentions"), [
    # A given name before a word the text also uses alone, no English word: a surname
    ("Joe Biden and Vladimir Putin met in Geneva. Putin said the talks were useful.", ["Geneva"]),
    ("Police in Vladimir detained ten. Vladimir Oblast police said the men were armed.",
     ["Vladimir", "Vladimir Oblast"]),
    # ... but an English word after a town is the name of one of its institutions, even said alone
    ("The Richmond Fire Department responded. The fire was out by noon.", ["Richmond"]),
    ("Tickets for the Dallas Cowboys' game sold out. The Cowboys won.", ["Dallas"]),
    # A given name before a word that is no English word: a person, even if the surname never stands alone
    ("Vladimir Putin arrived in Beijing on Monday.", ["Beijing"]),
    ("Tickets for the Dallas Cowboys' game and the Atlanta Journal-Constitution's story.", ["Dallas", "Atlanta"]),
    # A surname after a name, said alone: a person, after a title or a middle initial too
    ("Prosecutor Colleen Williams filed charges. Williams is accused of fraud.", []),
    ("Keith D. Johnson was arrested. Johnson, 41, is held on bond.", []),
    ("The film's producer Andrew Trapani thanked the crew. Trapani's next film is a comedy.", []),  # its province too
    # ... unless the text puts it somewhere: a town named after a person
    ("The town was named after James Douglas. Floods hit homes in Douglas on Monday.", ["Douglas"]),
])
def test_a_surname_used_alone_makes_a_person(parser: Geoparser, text: str, mentions: list[str]) -> None:
    assert [m.text for m in parser.recognize(text)] == mentions


@pytest.mark.parametrize(("text", "mentions"), [
    ("Rebels attacked San Vicente del Caguán on Monday.", []),  # a longer name than the gazetteer's San Vicente
    ("Ships crossed the Strait of Juan de Fuca.", []),
    ("Flooding hit Santa Cruz de la Sierra.", ["Santa Cruz de la Sierra"]),  # the whole name, when known
    ("Carnival in Rio de Janeiro drew crowds.", ["Rio de Janeiro"]),
    ("Trump flew to Mar-a-Lago on Friday.", []),  # glued by hyphens to the words before it
    ("Police were called to the Wal-Mart on Route 9.", []),  # ... or to the word after it
    ("Flights to Dallas-Fort Worth and Miami-Dade resumed.", ["Dallas", "Fort Worth", "Miami"]),  # places
    ("The firm sells a made-in-China phone.", ["China"]),
])
def test_a_part_of_a_longer_name_is_no_place(parser: Geoparser, text: str, mentions: list[str]) -> None:
    assert [m.text for m in parser.recognize(text)] == mentions


@pytest.mark.parametrize(("text", "mentions"), [
    ("Israel struck Hamas positions near Gaza.", ["Israel", "Gaza"]),  # not Hamm, Germany
    ("Boko Haram militants raided a village in Borno state.", ["Borno state"]),  # not Boko, Congo, nor Haram
    ("The Arakan Army captured a town in Chin state.", ["Chin state"]),  # not Rakhine, by its old name
    ("Talks between Israel and Hamas collapsed. Hamas fired rockets.", ["Israel"]),  # at every mention
    ("Troops shelled positions of the Patriotic Union of Kurdistan around Irbil.", ["Irbil"]),
    ("United Russia lost the vote in Murmansk.", ["Murmansk"]),  # a party
])
def test_a_word_of_an_organisations_name_is_no_place(parser: Geoparser, text: str, mentions: list[str]) -> None:
    assert [m.text for m in parser.recognize(text)] == mentions


@pytest.mark.parametrize(("text", "mentions"), [
    ("Sudanese President Omar al-Bashir met Egyptian officials.", ["Sudanese", "Egyptian"]),  # a people, a state
    ("Russian troops advanced in Russian-held areas.", ["Russian", "Russian"]),
    ("She spoke only French and Farsi when she arrived.", []),  # a language
    ("The show airs in English and Spanish.", []),
    ("English language learners need more help.", []),
    ("The American Heart Association issued new guidance.", []),  # the head of an organisation's name
    ("The club equalled its worst run of Egyptian Premier League defeats.", []),
])
def test_a_demonym_names_a_people_not_a_language_nor_an_organisation(parser: Geoparser, text: str,
                                                                     mentions: list[str]) -> None:
    assert [m.text for m in parser.recognize(text)] == mentions


def test_common_word_with_locative_cue_is_a_place(parser: Geoparser) -> None:
    assert [m.text for m in parser.recognize("The festival was held in Reading last year.")] == ["Reading"]
    assert [m.text for m in parser.recognize("He retired to the Isle of Man.")] == ["Isle of Man"]
    assert [m.text for m in parser.recognize("The 41-year-old Concord resident died.")] == ["Concord"]  # its people
    assert [m.text for m in parser.recognize("Janet Ames of Concord spoke.")] == ["Concord"]  # where one is from
    assert [m.text for m in parser.recognize("The Chamber of Commerce met.")] == []  # "of" in an institution's name
    assert [m.text for m in parser.recognize("Warsaw said it would respond.")] == ["Warsaw"]  # a city of millions
    assert [m.text for m in parser.recognize("Michigan reported 40 new cases.")] == ["Michigan"]  # a US state


@pytest.mark.parametrize(("text", "mentions"), [
    ("By Russ Zimmer, March 15, 2009 NEWARK -- A fire broke out.", ["NEWARK"]),  # a dateline after a byline's date
    ("He was found that night. BEIRUT: The body was identified.", ["BEIRUT"]),
    ("Mansfield Mayor Curtis McCoy wants a new park.", ["Mansfield"]),  # a place's office, not a given name
])
def test_datelines_and_offices_name_places(parser: Geoparser, text: str, mentions: list[str]) -> None:
    assert [m.text for m in parser.recognize(text)] == mentions


def test_lowercase_words_are_not_matched(parser: Geoparser) -> None:
    assert parser.recognize("the china cabinet and a turkey dinner") == []


def test_match_inside_a_word_is_ignored(parser: Geoparser) -> None:
    assert parser.recognize("Parisian cafes and Romanesque churches") == [] or all(
        m.text not in ("Paris", "Roma") for m in parser.recognize("Parisian cafes and Romanesque churches"))


@pytest.mark.parametrize(("text", "span"), [("drones hit Russia's Kostroma region", "Kostroma region"),
                                             ("a strike in the Lipetsk region", "Lipetsk region")])
def test_region_phrases_are_one_mention(parser: Geoparser, text: str, span: str) -> None:
    assert span in [m.text for m in parser.recognize(text)]


def test_empty_and_blank_text(parser: Geoparser) -> None:
    assert parser.geoparse("") == []
    assert parser.geoparse("   \n\t ") == []
