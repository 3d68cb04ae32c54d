"""Comments that the real raid detector (hierniet.raids.detector) reads as a raid and as a criticism storm, for
the store, web and browser tests of issue 14. The texts carry FakeTriage's label prefixes ("insult: ...").

- A brigade: twelve accounts the organisation never saw. Eight paste two insults with a shared hashtag in
  the first three minutes (where a fresh post expects one or two comments); four join minutes later in
  their own words.
- A criticism storm: ten customers who commented a week earlier complain in their own words within minutes.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

BRIGADE_SIZE = 12
STORM_SIZE = 10

_INSULTS = ("insult: jij bent een vuile idioot, ga weg #wegermee", "insult: vuile idioot, echt een clown #wegermee")
# The joiners pile on in their own words (copying makes an account core).
_OWN_INSULTS = (
    "insult: wat een sukkel",
    "insult: lachwekkende idioot",
    "insult: ge zijt ne clown, man",
    "insult: domme trut",
)
# The joiners pile on in their own words (copying makes an account core).
_OWN_INSULTS = (
    "insult: wat een sukkel",
    "insult: lachwekkende idioot",
    "insult: ge zijt ne clown, man",
    "insult: domme trut",
)
_COMPLAINTS = (
    "alweer te laat vanmorgen, twintig minuten op het perron",
    "de trein van 7u12 is weer geschrapt zonder uitleg",
    "waarom zegt niemand iets over de vertraging",
    "ik kom weer te laat op mijn werk door jullie",
    "geen enkele bus reed vandaag in Leuven",
    "de app toont nog altijd de oude uren",
    "drie keer deze week te laat, dat is toch niet normaal",
    "wie betaalt mijn taxi terug",
    "het loket was dicht en de automaat kapot",
    "zoveel abonnees en zo weinig respect",
)


def _item(channel_id: int, post: str, key: str, author: str, text: str, when: datetime) -> dict[str, Any]:
    return {
        "id": key,
        "text": text,
        "channel_id": channel_id,
        "author": author,
        "thread": post,
        "posted_at": when.isoformat(),
    }


def brigade(channel_id: int, post: str, start: datetime, prefix: str = "r") -> list[dict[str, Any]]:
    """Eight accounts in the first three minutes (the core), four more joining from the sixth minute on."""
    when = [start + timedelta(seconds=20 * i) for i in range(8)]
    when += [start + timedelta(minutes=6, seconds=30 * i) for i in range(BRIGADE_SIZE - 8)]
    texts = [_INSULTS[i % 2] for i in range(8)] + list(_OWN_INSULTS)
    return [_item(channel_id, post, f"{prefix}{i}", f"troll{i}", texts[i], at) for i, at in enumerate(when)]


def storm_history(channel_id: int, start: datetime, prefix: str = "h") -> list[dict[str, Any]]:
    """The customers' earlier comments (a week before), so that the detector knows them."""
    return [
        _item(
            channel_id, "old", f"{prefix}{i}", f"klant{i}", "bedankt voor de info", start - timedelta(days=7, minutes=i)
        )
        for i in range(STORM_SIZE)
    ]


def storm(channel_id: int, post: str, start: datetime, prefix: str = "s") -> list[dict[str, Any]]:
    return [
        _item(
            channel_id,
            post,
            f"{prefix}{i}",
            f"klant{i}",
            f"criticism: {_COMPLAINTS[i]}",
            start + timedelta(seconds=25 * i),
        )
        for i in range(STORM_SIZE)
    ]
