"""Tests for hierniet.triage.pii.find_pii."""

from __future__ import annotations

from itertools import pairwise

import pytest

from hierniet.domain import PIIKind, PIIMatch
from hierniet.triage.pii import find_pii


def _check_invariants(text: str, matches: list[PIIMatch]) -> None:
    for match in matches:
        assert text[match.start : match.end] == match.text
    for before, after in pairwise(matches):
        assert before.start <= after.start
        assert before.end <= after.start, f"{before} overlaps {after}"


# (text, kind, expected span text, expected value, expected valid); a value of None
# means the span itself, single-spaced (how addresses are normalised).
FOUND = [
    # phone, nl / fr / en / de, several Belgian ways of writing the same number
    (
        "Bel hem gerust op 0472/12.34.56, hij is altijd thuis.",
        PIIKind.PHONE,
        "0472/12.34.56",
        "+32472123456",
        True,
    ),
    (
        "Son numéro c'est le +32 (0)472 123 456, appelez-le.",
        PIIKind.PHONE,
        "+32 (0)472 123 456",
        "+32472123456",
        True,
    ),
    ("Call him at 0472 12 34 56 tonight", PIIKind.PHONE, "0472 12 34 56", "+32472123456", True),
    ("Ruf ihn an: 0032 472 12 34 56", PIIKind.PHONE, "0032 472 12 34 56", "+32472123456", True),
    ("gsm 0478-12-34-56 aub", PIIKind.PHONE, "0478-12-34-56", "+32478123456", True),
    ("tel: +32472123456.", PIIKind.PHONE, "+32472123456", "+32472123456", True),
    ("Het kantoor: 09 223 45 67", PIIKind.PHONE, "09 223 45 67", "+3292234567", True),
    ("Mijn Nederlandse nummer is 06 12345678", PIIKind.PHONE, "06 12345678", "+31612345678", True),
    ("appelle-moi au 01 42 68 53 00 demain", PIIKind.PHONE, "01 42 68 53 00", "+33142685300", True),
    ("Er wohnt in Berlin, +49 30 1234567", PIIKind.PHONE, "+49 30 1234567", "+49301234567", True),
    # e-mail, plain and obfuscated
    ("Mail Jan.Peeters@Telenet.BE.", PIIKind.EMAIL, "Jan.Peeters@Telenet.BE", "jan.peeters@telenet.be", None),
    (
        "mail naar jan [at] telenet [dot] be",
        PIIKind.EMAIL,
        "jan [at] telenet [dot] be",
        "jan@telenet.be",
        None,
    ),
    ("write to naam at gmail dot com now", PIIKind.EMAIL, "naam at gmail dot com", "naam@gmail.com", None),
    (
        "écrivez à prenom(arobase)gmail.com svp",
        PIIKind.EMAIL,
        "prenom(arobase)gmail.com",
        "prenom@gmail.com",
        None,
    ),
    # IBAN
    ("Stort op BE71 0961 2345 6769 aub", PIIKind.IBAN, "BE71 0961 2345 6769", "BE71096123456769", True),
    ("virement sur be71096123456769 merci", PIIKind.IBAN, "be71096123456769", "BE71096123456769", True),
    (
        "Konto DE89 3704 0044 0532 0130 00 bitte",
        PIIKind.IBAN,
        "DE89 3704 0044 0532 0130 00",
        "DE89370400440532013000",
        True,
    ),
    ("IBAN NL91ABNA0417164300", PIIKind.IBAN, "NL91ABNA0417164300", "NL91ABNA0417164300", True),
    ("IBAN BE71 0961 2345 6768 (typo)", PIIKind.IBAN, "BE71 0961 2345 6768", "BE71096123456768", False),
    # national register number
    (
        "Zijn rijksregisternummer is 85.07.30-033.28",
        PIIKind.NATIONAL_NUMBER,
        "85.07.30-033.28",
        "85073003328",
        True,
    ),
    ("numéro national 850730-033-28", PIIKind.NATIONAL_NUMBER, "850730-033-28", "85073003328", True),
    ("RRN 85073003328", PIIKind.NATIONAL_NUMBER, "85073003328", "85073003328", True),
    ("born in 2002: 02.05.14-123.48", PIIKind.NATIONAL_NUMBER, "02.05.14-123.48", "02051412348", True),
    ("RRN 85.07.30-033.29 klopt niet", PIIKind.NATIONAL_NUMBER, "85.07.30-033.29", "85073003329", False),
    ("Nummer 850730-033-29", PIIKind.NATIONAL_NUMBER, "850730-033-29", "85073003329", False),
    # licence plates
    ("1-ABC-123 reed door het rood", PIIKind.LICENCE_PLATE, "1-ABC-123", "1-ABC-123", None),
    ("His car is 2 XYZ 987, parked outside", PIIKind.LICENCE_PLATE, "2 XYZ 987", "2-XYZ-987", None),
    ("De auto met nummerplaat 1ABC123 stond er weer", PIIKind.LICENCE_PLATE, "1ABC123", "1-ABC-123", None),
    ("Kennzeichen 1abc123", PIIKind.LICENCE_PLATE, "1abc123", "1-ABC-123", None),
    ("plaque ABC-123 encore garée là", PIIKind.LICENCE_PLATE, "ABC-123", "ABC-123", None),
    ("die oude wagen met 123-ABC", PIIKind.LICENCE_PLATE, "123-ABC", "123-ABC", None),
    # addresses
    ("hij woont in de Kerkstraat 12, 9000 Gent.", PIIKind.ADDRESS, "Kerkstraat 12, 9000 Gent", None, None),
    ("Grote Markt 5 bus 3", PIIKind.ADDRESS, "Grote Markt 5 bus 3", None, None),
    ("Frankrijklei 100, 2000 Antwerpen", PIIKind.ADDRESS, "Frankrijklei 100, 2000 Antwerpen", None, None),
    ("ze zit aan de Gentsesteenweg 45 te wachten", PIIKind.ADDRESS, "Gentsesteenweg 45", None, None),
    ("adres: kerkstraat  12", PIIKind.ADDRESS, "kerkstraat  12", None, None),
    ("Koning Albertlaan 33 is zijn huis", PIIKind.ADDRESS, "Koning Albertlaan 33", None, None),
    ("elle habite rue de la Loi 16 à Bruxelles", PIIKind.ADDRESS, "rue de la Loi 16", None, None),
    (
        "avenue Louise 54 bte 3, 1050 Ixelles",
        PIIKind.ADDRESS,
        "avenue Louise 54 bte 3, 1050 Ixelles",
        None,
        None,
    ),
    ("chaussée de Wavre 120", PIIKind.ADDRESS, "chaussée de Wavre 120", None, None),
    ("rendez-vous place Flagey 18", PIIKind.ADDRESS, "place Flagey 18", None, None),
    (
        "boulevard Anspach 1, 1000 Bruxelles",
        PIIKind.ADDRESS,
        "boulevard Anspach 1, 1000 Bruxelles",
        None,
        None,
    ),
    ("J'habite au 16 rue de la Loi", PIIKind.ADDRESS, "16 rue de la Loi", None, None),
    (
        "He lives at Hoogstraat 12 bus 4, 9000 Gent",
        PIIKind.ADDRESS,
        "Hoogstraat 12 bus 4, 9000 Gent",
        None,
        None,
    ),
    ("Er wohnt in der Hauptstraße 5, 4700 Eupen", PIIKind.ADDRESS, "Hauptstraße 5, 4700 Eupen", None, None),
    ("Kirchstrasse 12 in Sankt Vith", PIIKind.ADDRESS, "Kirchstrasse 12", None, None),
    ("Aachener Straße 20", PIIKind.ADDRESS, "Aachener Straße 20", None, None),
]


@pytest.mark.parametrize(("text", "kind", "span", "value", "valid"), FOUND)
def test_finds_each_kind_with_span_and_value(
    text: str, kind: PIIKind, span: str, value: str | None, valid: bool | None
) -> None:
    matches = find_pii(text)
    _check_invariants(text, matches)
    of_kind = [m for m in matches if m.kind is kind]
    assert len(of_kind) == 1, matches
    match = of_kind[0]
    start = text.index(span)
    assert (match.start, match.end) == (start, start + len(span))
    assert match.text == span
    assert match.value == (value if value is not None else " ".join(span.split()))
    assert match.valid is valid


NOT_PII = [
    "Prijs €12,50, veel te duur",
    "Levering op 12/03/2026 om 14u30",
    "le 01/03/2026 à 10:30",
    "Tram 4 en lijn 71 rijden weer niet",
    "bestelling 2024-118833 is nog altijd niet geleverd",
    "Ticket 2024/118833/01 blijft open",
    "order 0471234567 is not delivered",
    "postcode 9000",
    "9000 Gent",
    "50% korting in 2025, en 100% ontevreden",
    "tussen 2019-2024 is er niets gebeurd",
    "het kost 1234567890 euro",
    "Bestelnummer 12345678901",
    "12345678901",
    "in de Kerkstraat wordt alweer gewerkt",
    "De Kerkstraat ligt al 3 weken open",
    "Grote Markt 2 uur lang afgesloten",
    "Het is 100 meter van de Grote Markt",
    "Kerkstraat, 9000 Gent",
    "Kerkstraat 2024 was het erg",
    "La rue est fermée depuis 3 semaines",
    "la rue Neuve est bondée",
    "Weg 5 dagen en niemand reageert",
    "De Ring 3 is al weken dicht",
    "Samsung Galaxy S23 en iPhone 15",
    "COVID-19 regels",
    "product A12 en ref 1ABC123",
    "artikel ABC-123 is uitverkocht",
    "IK HEB 1 KER 100 EURO BETAALD",
    "I was at home dot com",
    "Look at me now",
    "BTW BE 0123.456.789",
    "IBAN is BE12 3456",
    "bel 112 of 101",
    "+5 punten voor jullie",
    "het kostte €1.234.567",
]


@pytest.mark.parametrize("text", NOT_PII)
def test_ordinary_numbers_and_words_are_not_pii(text: str) -> None:
    assert find_pii(text) == []


def test_iban_is_not_also_a_phone() -> None:
    text = "rekening BE71 0961 2345 6769, tel 0472123456"
    matches = find_pii(text)
    _check_invariants(text, matches)
    assert [m.kind for m in matches] == [PIIKind.IBAN, PIIKind.PHONE]
    assert matches[1].value == "+32472123456"


def test_national_number_is_not_also_a_phone_or_iban() -> None:
    text = "rijksregisternummer 85 07 30 033 28"
    matches = find_pii(text)
    assert [m.kind for m in matches] == [PIIKind.NATIONAL_NUMBER]


def test_digits_inside_an_email_are_not_a_phone() -> None:
    matches = find_pii("jan0472123456@gmail.com")
    assert [m.kind for m in matches] == [PIIKind.EMAIL]


def test_mixed_comment_sorted_and_non_overlapping() -> None:
    text = (
        "Bel hem op 0472/12.34.56 of mail jan@example.com, hij woont Kerkstraat 12, 9000 Gent. "
        "IBAN BE71 0961 2345 6769, RRN 85.07.30-033.28, nummerplaat 1-ABC-123."
    )
    matches = find_pii(text)
    _check_invariants(text, matches)
    assert [m.kind for m in matches] == [
        PIIKind.PHONE,
        PIIKind.EMAIL,
        PIIKind.ADDRESS,
        PIIKind.IBAN,
        PIIKind.NATIONAL_NUMBER,
        PIIKind.LICENCE_PLATE,
    ]


def test_two_phones_next_to_each_other_stay_separate() -> None:
    matches = find_pii("0472 12 34 56 en 0473 12 34 56")
    assert [m.value for m in matches] == ["+32472123456", "+32473123456"]


def test_empty_and_whitespace() -> None:
    assert find_pii("") == []
    assert find_pii("   \n\t ") == []


def test_very_long_text() -> None:
    chunk = "Veel te duur, €12,50 voor een broodje op 12/03/2026. Bel 0472 12 34 56. "
    text = chunk * (100_000 // len(chunk) + 1)
    text = text[:100_000]
    matches = find_pii(text)
    _check_invariants(text, matches)
    assert matches
    assert all(m.kind is PIIKind.PHONE and m.value == "+32472123456" for m in matches)
    assert find_pii("a" * 100_000) == []
    assert find_pii("1" * 100_000) == []


def test_match_as_dict_is_json_ready() -> None:
    (match,) = find_pii("mail jan@example.com")
    assert match.as_dict() == {
        "kind": "email",
        "start": 5,
        "end": 20,
        "value": "jan@example.com",
        "text": "jan@example.com",
        "valid": None,
    }


def test_rejects_non_text() -> None:
    with pytest.raises(TypeError, match="str"):
        find_pii(b"0472 12 34 56")  # type: ignore[arg-type]
