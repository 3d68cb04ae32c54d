"""Places from the shipped gazetteer: names in three languages, sub-municipalities, and cue-guarded words."""

from __future__ import annotations

import pytest

from hierniet.crisis.places import GazetteerError, find_places, gazetteer, parse


def _names(text: str) -> list[tuple[str, str]]:
    return [(p.text, p.entry.municipality_name) for p in find_places(text)]


def test_one_city_in_four_names_is_one_place() -> None:
    found = find_places("Opvang in Luik, Liège, Lüttich of LIEGE")
    assert [p.text for p in found] == ["Luik"]  # each place once
    assert found[0].entry.municipality_name == "Luik / Liège" and found[0].entry.region == "WAL"
    assert found[0].entry.lat is not None and 50.5 < found[0].entry.lat < 50.7


def test_exonyms() -> None:
    assert _names("inondations à Bergen") == [("Bergen", "Bergen / Mons")]
    assert _names("Overstroming in Doornik") == [("Doornik", "Doornik / Tournai")]


def test_sub_municipality_names_its_municipality() -> None:
    assert _names("Water in Chênée") == [("Chênée", "Chaudfontaine")]
    assert _names("de straten van Ensival") == [("Ensival", "Verviers")]


def test_longest_name_wins() -> None:
    assert _names("vrijwilligers in Sint-Pieters-Leeuw") == [("Sint-Pieters-Leeuw", "Sint-Pieters-Leeuw")]


@pytest.mark.parametrize(
    "text",
    [
        "As je kan helpen, bel me",  # 'as' (Dutch 'if you')
        "Ham en kaas voor de vrijwilligers",
        "De hal van de school staat onder water",
        "The spa was closed",
        "Bree is a cheese, not a town",
        "Het licht is geel",
    ],
)
def test_ambiguous_words_without_a_cue_are_no_place(text: str) -> None:
    assert find_places(text) == []


@pytest.mark.parametrize(
    ("text", "municipality"),
    [
        ("Wij wonen in As en zoeken water", "As"),
        ("3665 As: water nodig", "As"),
        ("hulp nodig te Hal", "Halle / Hal"),
        ("logement à Spa", "Spa"),
        ("zandzakken in Bree", "Bree"),
        ("opvang in Geel", "Geel"),
    ],
)
def test_ambiguous_names_after_a_cue_are_places(text: str, municipality: str) -> None:
    assert [p.entry.municipality_name for p in find_places(text)] == [municipality]


def test_a_name_of_a_municipality_and_a_village_reads_as_the_municipality() -> None:
    # Two Halles in GeoNames: the municipality in Flemish Brabant and a village near Zoersel.
    assert find_places("in Halle")[0].entry.municipality_name == "Halle / Hal"


def test_spans_point_into_the_text() -> None:
    text = "Inondations à Pepinster et à Verviers"
    for place in find_places(text):
        assert text[place.start : place.end] == place.text


def test_shipped_gazetteer_holds_all_municipalities() -> None:
    table = gazetteer()
    assert sum(e.kind == "municipality" for e in table.entries) == 565
    assert len(table.entries) > 2000


def test_a_damaged_file_says_how_to_fix_it() -> None:
    header = (
        "id\tname\tkind\tmunicipality\tmunicipality_name\tregion\tlat\tlon\tpopulation\tpostcodes\tnames\tambiguous"
    )
    with pytest.raises(GazetteerError, match=r"line 2: 3 fields.*make_gazetteer"):
        parse(header + "\nx\ty\tz\n")
    with pytest.raises(GazetteerError, match="line 2"):
        parse(header + "\nx\tX\tplace\t1\tX\tVLG\tnorth\t4.0\t0\t\tX\t\n")
