"""The need word lists: matching, and the errors a broken file gets."""

from __future__ import annotations

import pytest

from hierniet.crisis.words import WordListError, build, need_words, parse


def test_shipped_lists_find_needs_in_four_languages() -> None:
    words = need_words()
    assert words.needs_in("Dringend medicijnen nodig") == ["medical"]
    assert words.needs_in("On cherche un groupe électrogène") == ["charging_communication"]
    assert "animals" in words.needs_in("Wer kann unsere Katzen nehmen?")
    assert words.needs_in("Free hot meals tonight") == ["food_water"]
    assert words.needs_in("stroomopwaarts varen") == []  # whole words only
    assert words.needs_in("Wij bieden opvang aan voor festivalgangers") == ["shelter"]
    assert "shelter" not in words.needs_in("Wie kan onze hond opvangen?")  # the verb, for the dog


def test_prefix_entries() -> None:
    words = build({"nl": parse({"needs": {"animals": ["hond*"]}}, "t.yaml")})
    assert words.needs_in("twee honden") == ["animals"]
    assert words.needs_in("de hondsdagen") == ["animals"]
    assert words.needs_in("een ahond") == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "mapping with a 'needs'"),
        ({"needs": {"pets": ["hond"]}}, "unknown need 'pets'"),
        ({"needs": {"animals": []}}, "non-empty list"),
        ({"needs": {"animals": [3]}}, r"needs.animals\[0\]"),
        ({"needs": {"animals": ["ho*nd"]}}, "may only end"),
    ],
)
def test_errors_name_the_place_and_the_fix(data: object, message: str) -> None:
    with pytest.raises(WordListError, match=message):
        parse(data, "t.yaml")
