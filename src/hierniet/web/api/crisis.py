"""/api/v1/crises (issue 15): open and close a crisis (leads and admins), take posts in, the board as JSON, what
people do on it (mark a card, confirm or reject a pair, reply), and the export for the emergency services.
Thin handlers over hierniet.services.crisis, like the desk's board and `hierniet crisis ...`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import Field

from hierniet.bounds import Id
from hierniet.services import crisis as service
from hierniet.web.api.schemas import _Create, _Public
from hierniet.web.deps import ActorDep, CrisisReaderDep, StoreDep

router = APIRouter(prefix="/crises", tags=["crisis"])


class CrisisCreate(_Create):
    name: str = Field(min_length=1, max_length=service.MAX_NAME)
    organisation_id: Id | None = Field(default=None, description="Only for an admin of every organisation.")
    keywords: list[Annotated[str, Field(max_length=100)]] = Field(
        default_factory=list, max_length=service.MAX_KEYWORDS, description="Words or hashtags a comment must carry."
    )
    channel_ids: list[Id] = Field(default_factory=list, max_length=200, description="Default: every channel.")
    registration_url: str = Field(default="", max_length=500, description="Where helpers register offers.")
    request_url: str = Field(default="", max_length=500, description="Where people register requests.")
    language: Literal["nl", "fr", "en", "de"] = "nl"


class CrisisPublic(_Public):
    id: int
    organisation_id: int
    name: str
    keywords: list[str]
    channel_ids: list[int]
    registration_url: str
    request_url: str
    language: str
    status: str
    opened_by: int | None
    opened_at: datetime
    closed_by: int | None
    closed_at: datetime | None
    counts: dict[str, int]


class CardPublic(_Public):
    id: int
    text: str
    count: int = Field(description="Posts collapsed into this card (reposts and near-duplicates).")
    first_seen: datetime | None
    last_seen: datetime | None
    variant_count: int
    variants: list[dict[str, Any]]
    language: str
    kind: str = Field(description="request, offer, info or other.")
    needs: list[str]
    places: list[dict[str, Any]]
    when: list[str]
    how_many: list[dict[str, Any]]
    contact: dict[str, str] | None
    status: str = Field(description="open, matched (the machine's); helped, confirmed, full (a person's).")
    by_person: bool
    reply: str | None = Field(description="The reply suggested to the poster, in their language.")


class ReasonPublic(_Public):
    code: str
    params: dict[str, Any]
    text: str


class MatchPublic(_Public):
    id: int
    request: CardPublic
    offer: CardPublic
    score: float
    reasons: list[ReasonPublic]
    status: str


class OfferGroupPublic(_Public):
    need: str
    cards: list[CardPublic]
    posts: int


class MapPointPublic(_Public):
    card_id: int
    kind: str
    status: str
    count: int = Field(description="Posts behind the card.")
    needs: list[str]
    place: str
    municipality: str
    lat: float
    lon: float


class BoardPublic(_Public):
    crisis: CrisisPublic
    requests: list[CardPublic] = Field(
        description="Requests no person has closed, oldest first (status matched: a pair is suggested)."
    )
    pairs: list[MatchPublic] = Field(description="Suggested pairs to confirm or reject.")
    offers: list[OfferGroupPublic] = Field(description="Open offers, collapsed by what they offer.")
    helped: list[CardPublic]
    confirmed: list[MatchPublic]
    full: list[CardPublic]
    info: list[CardPublic]
    filters: dict[str, str] = Field(description="The filters applied (kind, need, place, status); empty: none.")
    points: list[MapPointPublic] = Field(
        description="Requests and offers shown that have a place, each once: what the desk's map draws."
    )
    places: list[str] = Field(description="Municipalities named by any card of the crisis: values for `place`.")
    total_cards: int
    shown_cards: int = Field(description="Cards the filters let through.")


class CrisisPostCreate(_Create):
    id: str = Field(min_length=1, max_length=200)
    text: str = Field(min_length=1, max_length=20_000)
    created_at: datetime | None = None
    author: str = Field(default="", max_length=200)
    platform: str = Field(default="import", max_length=20)
    language: str | None = Field(default=None, max_length=8)


class AddReportPublic(_Public):
    received: int
    added: int
    duplicates: int
    new_cards: int
    joined: int
    suggested: int


class CardStatusUpdate(_Create):
    status: Literal["helped", "full", "open"]


class MatchDecision(_Create):
    decision: Literal["confirm", "reject"]


class ReplyCreate(_Create):
    text: str | None = Field(default=None, max_length=2000, description="Default: the suggested reply.")


class ReplyPublic(_Public):
    action_id: int = Field(description="The reply's row in the outbox (GET /api/v1/outbox).")


def _match(m: service.MatchView) -> MatchPublic:
    return MatchPublic(
        id=m.id,
        request=CardPublic.model_validate(m.request),
        offer=CardPublic.model_validate(m.offer),
        score=m.score,
        reasons=[ReasonPublic.model_validate(r.as_dict()) for r in m.reasons],
        status=m.status,
    )


@router.get("", response_model=list[CrisisPublic], summary="The crises, newest first")
def list_crises(store: StoreDep, actor: ActorDep) -> Any:
    return service.list_crises(store, actor)


@router.post("", response_model=CrisisPublic, status_code=201, summary="Open a crisis (lead; audited)")
def open_crisis(body: CrisisCreate, store: StoreDep, actor: ActorDep) -> Any:
    return service.open_crisis(
        store,
        actor,
        name=body.name,
        organisation_id=body.organisation_id,
        keywords=body.keywords,
        channel_ids=body.channel_ids,
        registration_url=body.registration_url,
        request_url=body.request_url,
        language=body.language,
    )


@router.get("/{crisis_id}", response_model=BoardPublic, summary="The board: requests, pairs, offers")
def get_board(
    crisis_id: Id,
    store: StoreDep,
    actor: ActorDep,
    kind: Annotated[Literal["request", "offer", "info", "other"] | None, Query(description="Only this kind")] = None,
    need: Annotated[str | None, Query(max_length=32, description="Only cards with this need (shelter, ...)")] = None,
    place: Annotated[
        str | None, Query(max_length=100, description="Only cards in this municipality (any of its names)")
    ] = None,
    status: Annotated[
        Literal["open", "matched", "helped", "confirmed", "full"] | None, Query(description="Only this status")
    ] = None,
) -> Any:
    filters = service.board_filter(kind=kind, need=need, place=place, status=status)
    b = service.board(store, actor, crisis_id, filters)
    return BoardPublic(
        crisis=CrisisPublic.model_validate(b.crisis),
        requests=[CardPublic.model_validate(c) for c in b.requests],
        pairs=[_match(m) for m in b.pairs],
        offers=[OfferGroupPublic.model_validate(g) for g in b.offers],
        helped=[CardPublic.model_validate(c) for c in b.helped],
        confirmed=[_match(m) for m in b.confirmed],
        full=[CardPublic.model_validate(c) for c in b.full],
        info=[CardPublic.model_validate(c) for c in b.info],
        filters=b.filters.as_dict(),
        points=[MapPointPublic.model_validate(p) for p in b.points],
        places=b.places,
        total_cards=b.total_cards,
        shown_cards=b.shown_cards,
    )


@router.post("/{crisis_id}/close", response_model=CrisisPublic, summary="Close a crisis (lead; audited)")
def close_crisis(crisis_id: Id, store: StoreDep, actor: ActorDep) -> Any:
    return service.close_crisis(store, actor, crisis_id)


@router.post("/{crisis_id}/posts", response_model=AddReportPublic, summary="Take posts into an open crisis")
def add_posts(
    crisis_id: Id,
    body: Annotated[list[CrisisPostCreate], Field(max_length=5000)],
    store: StoreDep,
    actor: ActorDep,
    reader: CrisisReaderDep,
) -> Any:
    posts = [
        service.CrisisPostIn(
            external_id=p.id,
            text=p.text,
            posted_at=p.created_at,
            author=p.author,
            platform=p.platform,
            source="api",
            language_hint=p.language,
        )
        for p in body
    ]
    return service.add_posts(store, actor, crisis_id, posts, reader)


@router.post("/{crisis_id}/pull", response_model=AddReportPublic, summary="Take in the channels' comments")
def pull(crisis_id: Id, store: StoreDep, actor: ActorDep, reader: CrisisReaderDep) -> Any:
    return service.pull_comments(store, actor, crisis_id, reader)


@router.put("/{crisis_id}/cards/{card_id}/status", status_code=204, response_class=Response, summary="Mark a card")
def mark_card(crisis_id: Id, card_id: Id, body: CardStatusUpdate, store: StoreDep, actor: ActorDep) -> Response:
    service.mark_card(store, actor, crisis_id, card_id, body.status)
    return Response(status_code=204)


@router.post(
    "/{crisis_id}/matches/{match_id}", status_code=204, response_class=Response, summary="Confirm or reject a pair"
)
def decide_match(crisis_id: Id, match_id: Id, body: MatchDecision, store: StoreDep, actor: ActorDep) -> Response:
    service.decide_match(store, actor, crisis_id, match_id, body.decision == "confirm")
    return Response(status_code=204)


@router.post(
    "/{crisis_id}/cards/{card_id}/reply",
    response_model=ReplyPublic,
    status_code=201,
    summary="Reply to the card's poster through the outbox",
)
def reply(crisis_id: Id, card_id: Id, body: ReplyCreate, store: StoreDep, actor: ActorDep) -> Any:
    return ReplyPublic(action_id=service.send_reply(store, actor, crisis_id, card_id, body.text))


@router.get(
    "/{crisis_id}/export",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}, "application/geo+json": {}}}},
    summary="Requests and offers for the emergency services (lead; audited)",
)
def export(
    crisis_id: Id,
    store: StoreDep,
    actor: ActorDep,
    format: Annotated[Literal["csv", "geojson"], Query(description="csv or geojson")] = "csv",
) -> Response:
    text = service.export(store, actor, crisis_id, format)
    media = "text/csv; charset=utf-8" if format == "csv" else "application/geo+json"
    name = f"crisis-{crisis_id}.{format}"
    return Response(text, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})
