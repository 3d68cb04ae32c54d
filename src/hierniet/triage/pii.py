"""Personal data in comments: phone numbers, e-mail addresses, IBANs, Belgian
national register numbers, licence plates and street addresses.

Someone posting another person's data is doxxing (see DESIGN.md); the desk
also uses these spans to mask data before a moderator reads a comment.

Every detector works on the ORIGINAL text, so ``text[match.start:match.end] ==
match.text`` always holds. Candidates of different kinds can overlap (an IBAN
contains digit runs a phone matcher might like); the more specific kind wins.

Precision matters as much as recall: a false "address" or "phone" on a
complaint about road works or a price would hide legitimate criticism. So
numbers need a leading ``0`` or ``+`` to be phones, dates / times / prices /
order numbers are filtered out, street names need a house number, and licence
plates need separators or a cue word.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from hierniet.domain import PIIKind, PIIMatch

__all__ = ["find_pii"]

# Lower rank wins an overlap: the kinds with a checksum or an unmistakable
# shape are more specific than a phone-shaped or address-shaped span.
_RANK: dict[PIIKind, int] = {
    PIIKind.EMAIL: 0,
    PIIKind.IBAN: 1,
    PIIKind.NATIONAL_NUMBER: 2,
    PIIKind.PHONE: 3,
    PIIKind.LICENCE_PLATE: 4,
    PIIKind.ADDRESS: 5,
}

# Regions tried, in order, for numbers written without a country code.
_PHONE_REGIONS: tuple[str, ...] = ("BE", "NL", "FR", "DE", "LU")
# Phone matching (the slowest step) runs only when a text has this many digits.
_MIN_PHONE_DIGITS = 8
# How far (characters) a cue word may be from a licence plate or a number.
_CUE_WINDOW = 60
_ORDER_WINDOW = 30

_EMAIL_TLDS = (
    "com|be|nl|fr|de|lu|eu|net|org|info|io|me|co|uk|ch|at|es|it|biz|gent|brussels|vlaanderen|"
    "wallonie|edu|gov|int|xyz|app|online|email"
)

# Words that make a number an order, invoice or tracking reference rather than a phone.
_ORDER_CUES = (
    r"bestel\w*|order\w*|commande|factuur\w*|facture|invoice|referentie|r[ée]f[ée]rence|ref|"
    r"dossier\w*|klantnummer|client\w*|tracking|zending|colis|pakket\w*|ticket\w*|ordernummer|"
    r"bestelnummer|rekeningnummer|btw|tva|vat|ondernemingsnummer|kbo|bce"
)

# Words near a licence plate: the plate itself and the vehicle it sits on.
_PLATE_CUES = (
    r"nummerplaat\w*|nummerplaten|plaat|kenteken\w*|plaque\w*|immatricul\w*|licen[cs]e|"
    r"plate|kennzeichen|nummernschild|auto|wagen|camionette|bestelwagen|chauffeur|bestuurder|"
    r"voiture|camionnette|conducteur|car|driver|van|fahrer|rijdt|reed|geparkeerd|parkeert|"
    r"gar[ée]e?|parked|parkt|bagnole|caisse|bmw|audi|mercedes|tesla|golf|scooter|moto"
)

# Numbers followed by these are quantities, not house numbers. A set looked up after
# one regex reads the word: an 80-way alternation tried at every position cost more
# than all the other address work on a long comment.
_UNIT_WORDS = frozenset(
    """
    m km cm mm meter meters mètre mètres kilometer minuten minute minutes min sec seconden uur uren u h
    heure heures jaar jaren an ans year years jahr jahre euro euros eur € % procent pourcent percent keer
    fois times mal dagen dag jour jours day days tag tage weken week semaine semaines weeks wochen maanden
    mois month months personen mensen personnes people kg gr gram liter l cl ml stuks pièces x
    """.split()
)

# Dutch/Flemish and German street-name endings. Strong ones are safe even when
# typed in lower case ("kerkstraat 12"); weak ones are ordinary words too
# ("weg", "markt", "park") and need a capital.
_STRONG_SUFFIXES = (
    "straat|straatje|steenweg|laan|dreef|kaai|plein|pleintje|lei|singel|vest|dijk|gracht|kade|"
    "dries|wegel|straße|strasse|gasse|allee|chaussee"
)
_WEAK_SUFFIXES = (
    "weg|markt|baan|hof|pad|park|berg|veld|ring|dam|hoek|kouter|meers|heide|akker|hoeve|poort|"
    "platz|ufer|damm|steig|str\\.|gaarde|bos|broek|velde|dal|brug|werf|vliet|kant|wal|plaats|"
    "rei|kerkhof|beemd"
)
# Words that, capitalised before a street name, belong to it ("Grote Markt",
# "Koning Albertlaan", "Aachener Straße").
_STREET_QUALIFIERS = """
    grote kleine oude nieuwe korte lange hoge lage brede smalle sint st. onze lieve vrouw
    koning koningin prins prinses burgemeester generaal kardinaal pastoor dokter dr. graaf
    gravin hertog keizer kapitein luitenant kolonel minister president pater zuster abt
    noord zuid oost west noorder zuider ooster wester binnen buiten boven beneden
"""

_FR_STREET_TYPES = (
    r"rue|ruelle|avenue|av\.|boulevard|bd|boul\.|chauss[ée]e|ch[ée]e|place|pl\.|quai|all[ée]e|"
    r"square|impasse|chemin|route|dr[èe]ve|clos|rond-point|galerie|passage|parvis|cours|"
    r"sentier|venelle|voie|esplanade|cit[ée]|r[ée]sidence|hameau|th[ée]?ier|tienne"
)
_DETERMINERS = (
    r"(?:De|Het|Den|Een|La|Le|Les|Die|Der|Das|Dem|The|In|Op|Aan|Van|Naar|Bij|Voor|Am|Im|An|Auf|Zur|Zum|"
    r"Ter|Ten|Langs|Via|Over|Naast)"
)
_FR_PARTICLES = r"(?:de|du|des|de la|de l'|de l’|d'|d’|la|le|les|l'|l’|aux|au|à la|sur|en|et|sous)"


@cache
def _word_set(block: str) -> frozenset[str]:
    return frozenset(block.split())


@dataclass(frozen=True, slots=True)
class _Patterns:
    digits: re.Pattern[str]
    email: re.Pattern[str]
    email_obfuscated: re.Pattern[str]
    iban: re.Pattern[str]
    iban_be_shape: re.Pattern[str]
    email_tld: re.Pattern[str]
    email_dot: re.Pattern[str]
    non_digit: re.Pattern[str]
    national_number: re.Pattern[str]
    phone_trigger: re.Pattern[str]
    phone_fallback: re.Pattern[str]
    phone_national: re.Pattern[str]
    date_or_time: re.Pattern[str]
    order_cue: re.Pattern[str]
    plate_new: re.Pattern[str]
    plate_old: re.Pattern[str]
    plate_cue: re.Pattern[str]
    street_nl_de: re.Pattern[str]
    street_fr: re.Pattern[str]
    street_fr_number_first: re.Pattern[str]
    house_tail: re.Pattern[str]
    unit_after: re.Pattern[str]
    word_before: re.Pattern[str]


@cache
def _patterns() -> _Patterns:
    number = r"\d{1,4}(?:\s?[a-zA-Z](?![\w]))?"
    # "\s*,?\s*" (and "\s*,?\s+") let two quantifiers share a run of spaces in every possible way, which is
    # quadratic on a long run; "\s*(?:,\s*)?" and "(?:\s*,)?\s+" accept the same texts in one way only.
    box = r"(?:\s*(?:,\s*)?(?:bus|bte\.?|boîte|boite|bt\.?|box|b\.)\s*\d{1,4}[a-zA-Z]?|\s?/\s?\d{1,3}[a-zA-Z]?)?"
    return _Patterns(
        digits=re.compile(r"\d"),
        email=re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,24}(?![\w-])"),
        email_obfuscated=re.compile(
            r"(?<![\w.+-])(?P<user>[\w.+-]+)\s*"
            r"(?:[\[\(\{<]\s*(?:at|@|arobase|a)\s*[\]\)\}>]|\s(?:at|arobase|apenstaartje)\s|\s@\s)"
            r"\s*(?P<domain>[\w-]+(?:\s*(?:\.|[\[\(\{<]\s*(?:dot|punt|point)\s*[\]\)\}>]|\s(?:dot|punt|point)\s)"
            r"\s*[\w-]+)+)",
            re.IGNORECASE,
        ),
        iban=re.compile(r"(?<![\w])[A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]{4}){2,7}(?:[ ]?[A-Za-z0-9]{1,3})?(?![\w])"),
        iban_be_shape=re.compile(r"[Bb][Ee]\d{2}(?: ?\d{4}){3}(?![\w])"),
        email_tld=re.compile(rf"(?:{_EMAIL_TLDS})"),
        # Starts at the first space of a run only (a later start can never match where the first did not):
        # searching from every space of a long run was quadratic.
        email_dot=re.compile(
            r"(?<!\s)\s*(?:\.|[\[\(\{<]\s*(?:dot|punt|point)\s*[\]\)\}>]|\s(?:dot|punt|point)\s)\s*", re.IGNORECASE
        ),
        non_digit=re.compile(r"\D"),
        # 2-2-2-3-2 digits; the date part uses one separator consistently.
        national_number=re.compile(
            r"(?<![\w.+/-])(?P<nn>\d{2}(?P<s>[. ]?)\d{2}(?P=s)\d{2}(?P<s2>[-. ]?)\d{3}[-. ]?\d{2})"
            r"(?![\w]|[.-]\d)"
        ),
        # Eight or more digits starting with "+" or a trunk "0" (or a Luxembourg
        # mobile "6"): without one the slow matcher cannot find a number we keep.
        phone_trigger=re.compile(r"(?:\+|(?<!\d)0)(?:[\s./()-]{0,3}\d){7,}|(?<!\d)6(?:[\s.]?\d){8}"),
        # Belgian numbers the library might miss: +32 / 0032 / 0 then 8-9 digits
        # with any of " ./-" between groups, "(0)" after the country code allowed.
        phone_fallback=re.compile(
            r"(?<![\w+])(?:(?:\+|00)\s?32\s?(?:\(0\)\s?)?|0)\d(?:[ ./-]?\d){7,8}(?![\w]|[./-]\d)"
        ),
        # Any leading-0 digit run with separators: the numbers other regions may claim.
        phone_national=re.compile(r"(?<![\w+])0\d(?:[ ./()-]{0,2}\d){6,11}(?!\w)"),
        date_or_time=re.compile(
            r"^\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?$|^\d{1,2}[:hu]\d{2}$|^\d{4}[/.-]\d{1,2}[/.-]\d{1,2}$"
        ),
        order_cue=re.compile(
            # Each optional word owns the punctuation after it: three "\W*" in a row split a run of
            # punctuation in every possible way (cubic).
            rf"\b(?:{_ORDER_CUES})\b\W*(?:(?:n[or]\.?|nummer|number|num[ée]ro)\W*)?(?:BE\W*)?$",
            re.IGNORECASE,
        ),
        plate_new=re.compile(
            r"(?<![\w-])(?P<d>[1-9])(?P<s1>[- ]?)(?P<l>[A-Za-z]{3})(?P<s2>[- ]?)(?P<n>\d{3})(?![\w]|-\w)"
        ),
        plate_old=re.compile(
            r"(?<![\w-])(?:(?P<l1>[A-Z]{3})(?P<s1>[- ])(?P<n1>\d{3})"
            r"|(?P<n2>\d{3})(?P<s2>[- ])(?P<l2>[A-Z]{3}))(?![\w]|-\w)"
        ),
        plate_cue=re.compile(rf"\b(?:{_PLATE_CUES})\b", re.IGNORECASE),
        # Street word, then a house number (and box); postcode + city follow optionally.
        street_nl_de=re.compile(
            # A street starts a word, or follows one opening quote or apostrophe ("'Kerkstraat").
            # Starting after an inner "'" or "." too ("a'a'a'...") made every such position
            # rescan the rest of the word: quadratic time on a long one.
            rf"(?<![\w-])(?<![\w'’.-]['’.])(?P<street>"
            rf"[A-ZÀ-Ý][\w'’.-]+?(?:{_STRONG_SUFFIXES}|{_WEAK_SUFFIXES})"
            rf"|[a-zà-ÿ][\w'’-]{{2,}}?(?:{_STRONG_SUFFIXES})"
            # Two words, the second a bare street word: "Grote Markt", "Aachener Straße".
            rf"|(?!{_DETERMINERS}[ ])[A-ZÀ-Ý][\w'’.-]+[ -](?:Straße|Strasse|Straat|Weg|Markt|Baan|Plein|Laan|"
            rf"Lei|Dreef|Kaai|Steenweg|Vest|Singel|Platz|Allee|Dijk|Kade)"
            rf")(?![\w])(?:\s*,)?\s+(?P<number>{number}){box}",
        ),
        street_fr=re.compile(
            rf"(?<![\w-])(?P<street>(?i:{_FR_STREET_TYPES})\s+(?:{_FR_PARTICLES}\s*)?"
            rf"[A-ZÀ-Ý0-9][\w'’.-]*(?:[ -](?:{_FR_PARTICLES}[ ]?)?[A-ZÀ-Ý][\w'’.-]*){{0,4}})"
            rf"(?:\s*,)?\s+(?P<number>{number}){box}",
        ),
        street_fr_number_first=re.compile(
            rf"(?<![\w-])(?P<number>\d{{1,4}}(?:\s?(?:bis|ter|[a-zA-Z])(?![\w]))?),?\s+"
            rf"(?P<street>(?i:{_FR_STREET_TYPES})\s+(?:{_FR_PARTICLES}\s*)?"
            rf"[A-ZÀ-Ý][\w'’.-]*(?:[ -](?:{_FR_PARTICLES}[ ]?)?[A-ZÀ-Ý][\w'’.-]*){{0,4}})",
        ),
        # Matched right after a house number or street (never a space): the lookbehind keeps a search
        # from rescanning a run of spaces from each of its positions.
        house_tail=re.compile(
            r"(?<!\s)\s*(?:,\s*)?(?:B-)?(?P<pc>[1-9]\d{3})\s+(?P<city>[A-ZÀ-Ý][\w'’]+(?:[ -][A-ZÀ-Ý][\w'’]+)?)"
        ),
        # The word after a house number, looked up in _UNIT_WORDS. Only ever matched right
        # after a number; the lookbehinds keep a search from starting inside a run of spaces
        # or letters, where every start would rescan the run (quadratic time).
        unit_after=re.compile(r"(?<!\s)\s*(?<![^\W\d_])(?P<unit>[^\W\d_]+|[€%])(?!\w)"),
        # Searched in the 30 characters before a street name, so a word is never longer;
        # the bound keeps a search over a long capitalised run linear.
        word_before=re.compile(r"([A-ZÀ-Ý][\w'’.]{0,29})[ -]$"),
    )


@dataclass(frozen=True, slots=True)
class _Candidate:
    kind: PIIKind
    start: int
    end: int
    value: str
    valid: bool | None


def find_pii(text: str) -> list[PIIMatch]:
    """Personal data in ``text``, sorted by start and never overlapping.

    Spans index ``text`` exactly; ``value`` is normalised (E.164 phone, lower-case
    e-mail, compact upper-case IBAN, "1-ABC-123" plate, single-spaced address).
    ``valid`` is the checksum verdict where one exists (IBAN, national number,
    phone validity), else None.
    """
    if not isinstance(text, str):
        raise TypeError(f"find_pii expects the comment text as str, got {type(text).__name__}")
    if not text:
        return []
    candidates: list[_Candidate] = list(_emails(text))
    digit_count = len(_patterns().digits.findall(text))
    if digit_count:
        candidates.extend(_ibans(text))
        candidates.extend(_national_numbers(text))
        if digit_count >= _MIN_PHONE_DIGITS and _patterns().phone_trigger.search(text):
            candidates.extend(_phones(text, taken=list(candidates)))
        candidates.extend(_plates(text))
        candidates.extend(_addresses(text))
    return [
        PIIMatch(kind=c.kind, start=c.start, end=c.end, value=c.value, text=text[c.start : c.end], valid=c.valid)
        for c in _resolve(candidates)
    ]


def _resolve(candidates: list[_Candidate]) -> list[_Candidate]:
    """Keep the most specific, then the longest, of overlapping candidates."""
    chosen: list[_Candidate] = []
    for candidate in sorted(candidates, key=lambda c: (_RANK[c.kind], c.start - c.end, c.start)):
        if all(candidate.end <= kept.start or candidate.start >= kept.end for kept in chosen):
            chosen.append(candidate)
    return sorted(chosen, key=lambda c: c.start)


# --- e-mail ------------------------------------------------------------------------


def _emails(text: str) -> Iterator[_Candidate]:
    patterns = _patterns()
    if "@" in text:
        for m in patterns.email.finditer(text):
            value = m.group(0).rstrip(".").lower()
            yield _Candidate(PIIKind.EMAIL, m.start(), m.start() + len(value), value, None)
    lowered = text.lower()
    if any(cue in lowered for cue in (" at ", "at]", "at)", "at}", "at>", "arobase", "apenstaartje", " @ ")):
        for m in patterns.email_obfuscated.finditer(text):
            labels = patterns.email_dot.split(m["domain"])
            # "naam at gmail dot com" is an address only if it ends in a real TLD,
            # and "I was at home dot com" is a sentence, not an address.
            if len(labels) < 2 or not patterns.email_tld.fullmatch(labels[-1].lower()):
                continue
            if m["user"].lower() in _word_set(_NOT_EMAIL_USERS) and not m.group(0)[
                len(m["user"]) :
            ].lstrip().startswith(("[", "(", "{", "<")):
                continue
            value = f"{m['user']}@{'.'.join(labels)}".lower()
            yield _Candidate(PIIKind.EMAIL, m.start(), m.end(), value, None)


# Words that precede a spoken "at" in ordinary English sentences.
_NOT_EMAIL_USERS = """
    was is are am be been were me him her us them you it i we they he she look looking looked stay
    staying stayed arrive arrived arriving meet meeting see work works working worked live lives
    living lived not get got laugh laughing good bad best great home here there all just only
"""


# --- IBAN ---------------------------------------------------------------------------


def _ibans(text: str) -> Iterator[_Candidate]:
    from stdnum import iban

    for m in _patterns().iban.finditer(text):
        raw = m.group(0)
        # Try the longest prefix first: a trailing group may be the next word.
        cuts = [i for i in range(len(raw), 0, -1) if i == len(raw) or raw[i] == " "]
        found = False
        for cut in cuts:
            compact = raw[:cut].replace(" ", "").upper()
            if len(compact) >= 15 and _mod97_ok(compact) and iban.is_valid(compact):
                yield _Candidate(PIIKind.IBAN, m.start(), m.start() + cut, compact, True)
                found = True
                break
        if found:
            continue
        # A Belgian-shaped IBAN with a typo is still someone's bank account.
        be = _patterns().iban_be_shape.match(raw)
        if be:
            compact = be.group(0).replace(" ", "").upper()
            yield _Candidate(PIIKind.IBAN, m.start(), m.start() + be.end(), compact, False)


def _mod97_ok(compact: str) -> bool:
    """The ISO 13616 check alone: a cheap necessary condition before stdnum's full
    validation, which also consults its bank registry and costs far more."""
    if not compact.isalnum() or not compact.isascii():
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1


# --- national register number -----------------------------------------------------------


def _national_numbers(text: str) -> Iterator[_Candidate]:
    from stdnum.be import nn

    for m in _patterns().national_number.finditer(text):
        raw = m["nn"]
        digits = _patterns().non_digit.sub("", raw)
        if len(digits) != 11:
            continue
        if nn.is_valid(digits):
            yield _Candidate(PIIKind.NATIONAL_NUMBER, m.start("nn"), m.end("nn"), digits, True)
            continue
        formatted = bool(m["s"] or m["s2"])
        # A bare 11-digit run with a bad checksum is far more often an order or
        # account number; a formatted one with a plausible birth date is a mistyped RRN.
        month, day = int(digits[2:4]) % 20, int(digits[4:6])
        if formatted and month <= 12 and day <= 31:
            yield _Candidate(PIIKind.NATIONAL_NUMBER, m.start("nn"), m.end("nn"), digits, False)


# --- phone ------------------------------------------------------------------------------


def _phones(text: str, taken: list[_Candidate]) -> Iterator[_Candidate]:
    """Phone numbers outside ``taken`` (spans already claimed by e-mail, IBAN or RRN)."""
    import phonenumbers
    from phonenumbers import Leniency, PhoneNumberFormat, PhoneNumberMatcher, PhoneNumberType

    patterns = _patterns()
    found: list[_Candidate] = []

    def overlaps(start: int, end: int) -> bool:
        return any(start < c.end and end > c.start for c in found) or any(
            start < c.end and end > c.start for c in taken
        )

    def plausible(raw: str, start: int, region: str = "BE") -> bool:
        # Written phone numbers start with a trunk 0 or an international prefix;
        # bare digit runs are order numbers, years or amounts. Luxembourg has no
        # trunk prefix, so its mobiles start with 6.
        if not raw.startswith(("+", "0", "(")) and not (region == "LU" and raw.startswith("6")):
            return False
        if patterns.date_or_time.match(raw.strip()):
            return False
        before = text[max(0, start - _ORDER_WINDOW) : start]
        return not (patterns.order_cue.search(before) and not raw.startswith(("+", "00")))

    for region in _PHONE_REGIONS:
        if region != "BE" and not _leftover_national(text, found + taken, region):
            continue
        for match in PhoneNumberMatcher(text, region, leniency=Leniency.VALID):
            raw = match.raw_string
            if overlaps(match.start, match.end) or not plausible(raw, match.start, region):
                continue
            # Other regions only claim numbers in their own national format; a
            # number with a country code was already read correctly by the BE pass.
            # "0123.456.789" is a Belgian enterprise (VAT) number, not a French phone.
            if region != "BE" and (raw.startswith("+") or _ENTERPRISE_NUMBER.match(raw)):
                continue
            if region == "LU" and phonenumbers.number_type(match.number) != PhoneNumberType.MOBILE:
                continue
            value = phonenumbers.format_number(match.number, PhoneNumberFormat.E164)
            found.append(_Candidate(PIIKind.PHONE, match.start, match.end, value, True))

    # Belgian numbers in shapes the library's matcher rejects.
    for m in patterns.phone_fallback.finditer(text):
        if overlaps(m.start(), m.end()) or not plausible(m.group(0), m.start()):
            continue
        digits = re.sub(r"[^\d+]", "", m.group(0).replace("(0)", ""))
        if digits.startswith("00"):
            digits = "+" + digits[2:]
        try:
            number = phonenumbers.parse(digits, "BE")
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            value = phonenumbers.format_number(number, PhoneNumberFormat.E164)
            found.append(_Candidate(PIIKind.PHONE, m.start(), m.end(), value, True))
    yield from found


_ENTERPRISE_NUMBER = re.compile(r"^[01]\d{3}[. ]\d{3}[. ]\d{3}$")


def _leftover_national(text: str, found: list[_Candidate], region: str) -> bool:
    """Whether some digit run could still be a national-format number of ``region``."""
    if region == "LU":
        # Luxembourg has no trunk prefix: only 9-digit mobiles "6xx xxx xxx" are worth a pass.
        return re.search(r"(?<![\w+])6\d{2}[ .]?\d{3}[ .]?\d{3}(?!\w)", text) is not None
    for m in _patterns().phone_national.finditer(text):
        if not any(m.start() < c.end and m.end() > c.start for c in found):
            return True
    return False


# --- licence plate ----------------------------------------------------------------------


def _plates(text: str) -> Iterator[_Candidate]:
    patterns = _patterns()

    def cue_near(start: int, end: int) -> bool:
        window = text[max(0, start - _CUE_WINDOW) : end + _CUE_WINDOW]
        return patterns.plate_cue.search(window) is not None

    def shouting(start: int, end: int) -> bool:
        around = text[max(0, start - 30) : start] + text[end : end + 30]
        letters = [ch for ch in around if ch.isalpha()]
        return len(letters) >= 6 and all(ch.isupper() for ch in letters)

    for m in patterns.plate_new.finditer(text):
        s1, s2, letters = m["s1"], m["s2"], m["l"]
        if s1 != s2 and s1 and s2:
            continue
        if s1 == "-" and s2 == "-":
            accepted = letters.isupper() or cue_near(m.start(), m.end())
        elif s1 == " " and s2 == " ":
            # "1 KER 100" in an all-caps rant is words and numbers, not a plate.
            accepted = (letters.isupper() and not shouting(m.start(), m.end())) or cue_near(m.start(), m.end())
        else:
            # Undelimited "1ABC123" (or half-delimited) is also a product or reference code.
            accepted = cue_near(m.start(), m.end())
        if accepted:
            value = f"{m['d']}-{letters.upper()}-{m['n']}"
            yield _Candidate(PIIKind.LICENCE_PLATE, m.start(), m.end(), value, None)

    # Pre-2008 formats are short enough to be product codes: they need a cue.
    for m in patterns.plate_old.finditer(text):
        if not cue_near(m.start(), m.end()):
            continue
        value = f"{m['l1']}-{m['n1']}" if m["l1"] else f"{m['n2']}-{m['l2']}"
        yield _Candidate(PIIKind.LICENCE_PLATE, m.start(), m.end(), value, None)


# --- street address -----------------------------------------------------------------------


def _addresses(text: str) -> Iterator[_Candidate]:
    patterns = _patterns()
    spans: list[tuple[int, int]] = []

    def accept(start: int, number_end: int, number: str) -> tuple[int, int] | None:
        # "Kerkstraat 2 weken", "Grote Markt 5 minuten": a quantity, not a house.
        unit = patterns.unit_after.match(text, number_end)
        if unit and unit["unit"].lower() in _UNIT_WORDS:
            return None
        digits = _patterns().non_digit.sub("", number)
        end = number_end
        tail = patterns.house_tail.match(text, end)
        # "Kerkstraat, 9000 Gent": the number is a postcode and the house number is missing.
        if len(digits) == 4 and not tail and _CITY_AFTER.match(text, number_end):
            return None
        if tail:
            end = tail.end()
        # A year after a street name ("Kerkstraat 2024") is a date unless a box or postcode follows.
        if len(digits) == 4 and 1900 <= int(digits) <= 2099 and not tail:
            return None
        return start, end

    for m in patterns.street_nl_de.finditer(text):
        start = m.start("street")
        start = _extend_qualifiers(text, start)
        span = accept(start, m.end(), m["number"])
        if span:
            spans.append(span)

    lowered = text.lower()
    if any(word in lowered for word in _FR_TRIGGERS):
        for m in patterns.street_fr.finditer(text):
            span = accept(m.start("street"), m.end(), m["number"])
            if span:
                spans.append(span)
        for m in patterns.street_fr_number_first.finditer(text):
            end = m.end("street")
            tail = patterns.house_tail.match(text, end)
            spans.append((m.start(), tail.end() if tail else end))

    for start, end in spans:
        yield _Candidate(PIIKind.ADDRESS, start, end, " ".join(text[start:end].split()), None)


# Matched right after a number only; the lookbehind keeps a search from rescanning a run of spaces from each
# of its positions (quadratic).
_CITY_AFTER = re.compile(r"(?<!\s)\s+[A-ZÀ-Ý][a-zà-ÿ]")

# Cheap substring test before the French street regexes (which cost more than all else).
_FR_TRIGGERS = (
    "rue", "av.", "avenue", "bd", "boul", "chauss", "chée", "chee", "place", "pl.", "quai", "allée",
    "allee", "square", "impasse", "chemin", "route", "drève", "dreve", "clos ", "rond-point",
    "galerie", "passage", "parvis", "cours ", "sentier", "venelle", "voie", "esplanade", "cité",
    "cite ", "résidence", "residence", "hameau", "tienne", "thier", "théier",
)  # fmt: skip


def _extend_qualifiers(text: str, start: int) -> int:
    """Move ``start`` left over words that belong to the street name ("Grote Markt")."""
    pattern = _patterns().word_before
    for _ in range(3):
        m = pattern.search(text, max(0, start - 30), start)
        if not m or m.group(1).lower() not in _word_set(_STREET_QUALIFIERS):
            break
        start = m.start(1)
    return start
