"""Requests matched to offers: by what is needed, where (distance between places) and when. Pure data in, pure
data out: the crisis service (hierniet.services.crisis) reads the cards from the store and keeps the matches.

A pair is suggested only when the request and the offer share a need (shelter with shelter: a bed offered is
no answer to a missing person). Its score then weighs the need overlap, the distance between their nearest
places (the gazetteer's coordinates) and how far apart in time they were last seen; every part of the score is
given as a Reason, so the person who confirms the pair sees why it was suggested.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from hierniet.domain import Reason

#: Within this distance two places count as one neighbourhood (full score); the score falls to 0 at FAR_KM.
NEAR_KM = 10.0
FAR_KM = 60.0
#: An offer last seen this long before the request still counts fully; older offers count less (help offered
#: days ago may be gone), down to a half.
FRESH_HOURS = 12.0
STALE_HOURS = 72.0
#: Below this score a pair is not worth a person's look.
MIN_SCORE = 0.45
#: A person confirms one of a few: more would bury the board's pairs under one busy request.
PER_REQUEST = 3
#: The weights of need, place and time in the score (summing to 1).
W_NEED, W_PLACE, W_TIME = 0.5, 0.35, 0.15


@dataclass(frozen=True, slots=True)
class Spot:
    name: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class CardFacts:
    """What matching reads of a card."""

    id: int
    needs: frozenset[str]
    spots: tuple[Spot, ...] = ()
    first_seen: datetime | None = None
    last_seen: datetime | None = None


@dataclass(frozen=True, slots=True)
class Suggestion:
    request_id: int
    offer_id: int
    score: float
    reasons: tuple[Reason, ...] = field(default_factory=tuple)


def spots_of(places: Iterable[dict[str, object]]) -> tuple[Spot, ...]:
    """The places of a card's reading that have coordinates (63 merged municipalities have none)."""
    found = []
    for place in places:
        lat, lon = place.get("lat"), place.get("lon")
        if isinstance(lat, int | float) and isinstance(lon, int | float):
            found.append(Spot(str(place.get("name") or ""), float(lat), float(lon)))
    return tuple(found)


def distance_km(a: Spot, b: Spot) -> float:
    """Great-circle distance (haversine): good to a few metres at Belgium's size, which is plenty here."""
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def score_pair(request: CardFacts, offer: CardFacts) -> Suggestion | None:
    """The pair's score and its reasons, or None when they share no need or are too far apart."""
    shared = request.needs & offer.needs
    if not shared:
        return None
    needs = sorted(shared)
    need_part = len(shared) / len(request.needs)
    reasons: list[Reason] = [
        Reason("crisis.match_need", f"both about {', '.join(needs)}", needs=needs, share=round(need_part, 2))
    ]
    if request.spots and offer.spots:
        km, near_r, near_o = min(
            ((distance_km(r, o), r, o) for r in request.spots for o in offer.spots), key=lambda t: t[0]
        )
        if km >= FAR_KM:
            return None
        place_part = 1.0 if km <= NEAR_KM else 1.0 - (km - NEAR_KM) / (FAR_KM - NEAR_KM)
        reasons.append(
            Reason(
                "crisis.match_distance",
                f"{near_r.name} and {near_o.name} are {km:.0f} km apart",
                request_place=near_r.name,
                offer_place=near_o.name,
                km=round(km),
            )
        )
    else:
        # Half the place score: a pair without a known place is worth a look, but after one known to be near.
        place_part = 0.5
        reasons.append(Reason("crisis.match_no_place", "no place known for one of them: ask where"))
    time_part = 1.0
    if request.first_seen is not None and offer.last_seen is not None:
        hours = (request.first_seen - offer.last_seen).total_seconds() / 3600
        if hours > FRESH_HOURS:
            time_part = max(0.5, 1.0 - (hours - FRESH_HOURS) / (STALE_HOURS - FRESH_HOURS) * 0.5)
            reasons.append(
                Reason("crisis.match_old_offer", f"the offer was last seen {hours:.0f} hours before", hours=int(hours))
            )
    score = round(W_NEED * need_part + W_PLACE * place_part + W_TIME * time_part, 3)
    if score < MIN_SCORE:
        return None
    return Suggestion(request.id, offer.id, score, tuple(reasons))


def suggest(
    requests: Sequence[CardFacts],
    offers: Sequence[CardFacts],
    refused: frozenset[tuple[int, int]] = frozenset(),
    per_request: int = PER_REQUEST,
) -> list[Suggestion]:
    """The best `per_request` offers for each request, best first; `refused` pairs (request id, offer id) that a
    person rejected are never suggested again. Deterministic: ties go to the older offer (lower id)."""
    # Offers by need: a request is only scored against offers that share one of its needs.
    by_need: dict[str, list[CardFacts]] = {}
    for offer in offers:
        for need in offer.needs:
            by_need.setdefault(need, []).append(offer)
    out: list[Suggestion] = []
    for request in requests:
        candidates = {o.id: o for need in request.needs for o in by_need.get(need, ())}
        found = [
            s
            for offer in candidates.values()
            if (request.id, offer.id) not in refused and (s := score_pair(request, offer)) is not None
        ]
        found.sort(key=lambda s: (-s.score, s.offer_id))
        out.extend(found[:per_request])
    return out
