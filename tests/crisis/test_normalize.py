"""The canonical key of a crisis post: reposts written differently get one key, different posts do not."""

from __future__ import annotations

import pytest

from hierniet.crisis.normalize import canonical, display, fold


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # repost prefixes, mentions, links, emoji, hashtags and case
        (
            "RT @jan: RT @piet: Wij hebben plaats voor 4 personen in Pepinster! https://t.co/abc 🙏 #Vesdre",
            "wij hebben plaats voor 4 personen in pepinster vesdre",
        ),
        ("Partagé : Eau potable à Liège", "eau potable a liege"),
        ("Delen aub! Opvang in Gent", "Opvang in Gent"),
        ("Teilen: Hilfe in Eupen", "hilfe in eupen"),
        # one phone number in four writings
        ("bel 0471/12.34.56", "bel +32 471 12 34 56"),
        ("bel 0471 12 34 56", "bel 0032 471 12 34 56"),
        ("bel 0471123456", "bel +32 (0)471 12 34 56"),
        # street words and their abbreviations
        ("Rue de la Gare 5, Liège", "r. de la gare 5 liege"),
        ("Kerkstr. 12", "kerkstraat 12"),
        ("Av. Louise 10", "avenue louise 10"),
        ("Brusselsestwg 5", "brusselsesteenweg 5"),
    ],
)
def test_same_message_same_key(a: str, b: str) -> None:
    assert canonical(a) == canonical(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("bel 0471 12 34 56", "bel 0471 12 34 57"),
        ("plaats voor 4 personen", "plaats voor 2 personen"),
        ("wij zoeken opvang", "wij bieden opvang"),
    ],
)
def test_different_messages_keep_different_keys(a: str, b: str) -> None:
    assert canonical(a) != canonical(b)


def test_phone_becomes_one_token() -> None:
    assert canonical("Bel 04 222 33 44") == "bel tel42223344"


def test_other_scripts_keep_their_words() -> None:
    # Folding must not empty a post in another script (all such posts would then collapse into one).
    assert canonical("Нужна помощь в Льеже") == "нужна помощь в льеже"


def test_fold_and_display() -> None:
    assert fold("Liège Lüttich Große") == "liege luttich grosse"
    assert display("  two\n  lines\there ") == "two lines here"
