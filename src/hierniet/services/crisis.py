"""The crisis desk (issue 15): open and close a crisis, take posts in, collapse them into cards, read each card,
match requests with offers, let people mark what is done, suggest replies and export the cards.

The pure engines do the thinking (hierniet.crisis: normalize, collapse, classify, matching, replies); this
module keeps their results in the store (hierniet.store.repo_crisis) and writes every change to the audit log.
The JSON API (web/api/crisis.py), the desk page (web/desk/crisis.py) and the CLI (`hierniet crisis ...`) are
thin shells over these functions.

Collapse is incremental: a new post whose canonical key a stored post already has joins that post's card at
once (exact duplicate); the other new keys go through the near-duplicate stage together with the leader keys
of the crisis's cards, in the order the cards were made, so a new key joins an existing card exactly as it
would have in one run over everything (hierniet.crisis.collapse.group_keys: leaders only, never merged).

A card's status is the machine's (open, matched) until a person sets one (helped, confirmed, full); matching
never changes a person's status back, and a pair a person rejected is never suggested again.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

import httpx
from sqlalchemy.orm import Session

from hierniet.crisis import matching, replies
from hierniet.crisis.collapse import DEFAULT_THRESHOLD, group_keys
from hierniet.crisis.normalize import canonical, display, fold
from hierniet.crisis.places import municipalities_named
from hierniet.crisis.words import NEEDS
from hierniet.domain import Reason
from hierniet.services import audit
from hierniet.services.actions import action_rows
from hierniet.services.auth import Actor, Permission, require
from hierniet.services.errors import Conflict, InvalidInput, NotFound
from hierniet.settings import Settings
from hierniet.store import repo, repo_crisis
from hierniet.store.repo import Store
from hierniet.store.tables import Crisis, CrisisCard, CrisisMatch, QueuedAction, utcnow

if TYPE_CHECKING:
    from hierniet.crisis.classify import Reading

log = logging.getLogger("hierniet.crisis")

KINDS = ("request", "offer", "info", "other")
#: What a person may set a card to, by the card's kind: a request is helped, an offer is full; "open" takes a
#: person's mark back (the machine then matches the card again).
PERSON_STATUSES: dict[str, frozenset[str]] = {
    "request": frozenset({"helped", "open"}),
    "offer": frozenset({"full", "open"}),
}
#: Statuses only a person sets: matching leaves such a card alone.
PERSON_SET = frozenset({"helped", "confirmed", "full"})
#: Every status a card can have, the machine's first: what the board can be filtered on.
CARD_STATUSES = ("open", "matched", "helped", "confirmed", "full")
#: The kinds of card the map shows: information has no one to help or be helped.
MAPPED_KINDS = ("request", "offer")
#: Distinct ways of writing kept per card (the count goes on past it): a flood of edits must not grow a row.
MAX_VARIANTS = 50
MAX_NAME = 200
MAX_KEYWORDS = 50
#: Comments read per page when a crisis takes in its channels' comments.
PULL_PAGE = 1000
EXPORT_FORMATS = ("csv", "geojson")


class Reader(Protocol):
    """What reads a card (hierniet.crisis.classify.CrisisReader)."""

    def read(self, texts: Sequence[str], hints: Sequence[str | None] | None = None) -> list[Reading]: ...


def default_reader() -> Reader:
    from hierniet.crisis.classify import CrisisReader

    return CrisisReader()


# --- what the services return ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CrisisView:
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
    #: Cards by kind, and "posts": every post taken in.
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CardView:
    id: int
    text: str
    count: int
    first_seen: datetime | None
    last_seen: datetime | None
    variant_count: int
    variants: list[dict[str, Any]]
    language: str
    kind: str
    needs: list[str]
    places: list[dict[str, Any]]
    when: list[str]
    how_many: list[dict[str, Any]]
    contact: dict[str, str] | None
    status: str
    #: Set by a person (helped, full, or a confirmed pair): the machine leaves it.
    by_person: bool
    #: The reply suggested to the poster in their language, or None (info, other, or no link set).
    reply: str | None


@dataclass(frozen=True, slots=True)
class MatchView:
    id: int
    request: CardView
    offer: CardView
    score: float
    reasons: list[Reason]
    status: str


@dataclass(frozen=True, slots=True)
class OfferGroup:
    need: str
    cards: list[CardView]
    #: Posts behind these cards (reposts counted).
    posts: int


@dataclass(frozen=True, slots=True)
class BoardFilter:
    """Which cards the board shows: each field None shows every card; several narrow together (kind and need
    and place and status). `place` is a municipality or a place in it, in any of its languages."""

    kind: str | None = None
    need: str | None = None
    place: str | None = None
    status: str | None = None

    def as_dict(self) -> dict[str, str]:
        """The fields set, as the board's address carries them (?kind=request&place=Hasselt)."""
        pairs = (("kind", self.kind), ("need", self.need), ("place", self.place), ("status", self.status))
        return {k: v for k, v in pairs if v}


@dataclass(frozen=True, slots=True)
class MapPoint:
    """A card with a known place, as the board's map and the table beside it show it."""

    card_id: int
    kind: str
    status: str
    #: Posts behind the card (reposts counted).
    count: int
    needs: list[str]
    #: The place as the gazetteer names it, and its municipality.
    place: str
    municipality: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Board:
    crisis: CrisisView
    #: Requests no person has closed (helped, or a pair confirmed), oldest first: what a person must see first,
    #: those with a suggested pair included (status "matched").
    requests: list[CardView]
    #: Suggested pairs to confirm or reject, best first.
    pairs: list[MatchView]
    #: Offers still open, collapsed by what they offer.
    offers: list[OfferGroup]
    #: Done: requests helped, pairs confirmed, offers full.
    helped: list[CardView]
    confirmed: list[MatchView]
    full: list[CardView]
    #: Information and other cards (the board lists them last, newest first).
    info: list[CardView]
    #: The filter the board was drawn with (every list above holds only the cards it lets through).
    filters: BoardFilter = field(default_factory=BoardFilter)
    #: Requests and offers the filter lets through that have a place, each once, by municipality then card.
    points: list[MapPoint] = field(default_factory=list)
    #: The municipalities named by any card of the crisis, filtered or not: the choices for the place filter.
    places: list[str] = field(default_factory=list)
    #: Cards of the crisis, and those the filter lets through.
    total_cards: int = 0
    shown_cards: int = 0


@dataclass(frozen=True, slots=True)
class CrisisPostIn:
    """A post given to a crisis: from a file (source "import") or a channel's stored comment ("channel")."""

    external_id: str
    text: str
    posted_at: datetime | None = None
    author: str = ""
    platform: str = "import"
    source: str = "import"
    comment_id: int | None = None
    language_hint: str | None = None


@dataclass
class AddReport:
    received: int = 0
    added: int = 0
    #: Already taken in (same source and id): left as they were.
    duplicates: int = 0
    new_cards: int = 0
    #: Posts that joined a card that existed before this batch.
    joined: int = 0
    suggested: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "received": self.received,
            "added": self.added,
            "duplicates": self.duplicates,
            "new_cards": self.new_cards,
            "joined": self.joined,
            "suggested": self.suggested,
        }


# --- crises ----------------------------------------------------------------------------------------------------


def _clean_keywords(keywords: Sequence[str]) -> list[str]:
    out: list[str] = []
    for raw in keywords:
        for word in raw.split(","):
            word = word.strip()
            if not word:
                continue
            if len(word) > 100:
                raise InvalidInput(f"the keyword {word[:30]!r}... is longer than 100 characters: shorten it")
            if word not in out:
                out.append(word)
    if len(out) > MAX_KEYWORDS:
        raise InvalidInput(f"{len(out)} keywords: give at most {MAX_KEYWORDS}")
    return out


def _check_url(url: str, what: str) -> str:
    url = url.strip()
    if (url and not url.startswith(("https://", "http://"))) or len(url) > 500:
        raise InvalidInput(f"the {what} {url[:60]!r} is not a web address: give one starting with https://")
    return url


def _view(crisis: Crisis, counts: dict[str, int] | None = None) -> CrisisView:
    settings = crisis.settings or {}
    return CrisisView(
        id=crisis.id,
        organisation_id=crisis.organisation_id,
        name=crisis.name,
        keywords=list(crisis.keywords or []),
        channel_ids=list(crisis.channel_ids or []),
        registration_url=str(settings.get("registration_url") or ""),
        request_url=str(settings.get("request_url") or ""),
        language=str(settings.get("language") or "nl"),
        status=crisis.status,
        opened_by=crisis.opened_by,
        opened_at=crisis.opened_at,
        closed_by=crisis.closed_by,
        closed_at=crisis.closed_at,
        counts=dict(counts or {}),
    )


def _crisis_of(session: Session, actor: Actor, crisis_id: int) -> Crisis:
    crisis = repo_crisis.get_crisis(session, crisis_id)
    # Another organisation's crisis is answered like one that does not exist: its name is not the caller's to know.
    if crisis is None or not actor.sees(crisis.organisation_id):
        raise NotFound(f"no crisis #{crisis_id}: see the list of crises (hierniet crisis list, GET /api/v1/crises)")
    return crisis


def open_crisis(
    store: Store,
    actor: Actor,
    *,
    name: str,
    organisation_id: int | None = None,
    keywords: Sequence[str] = (),
    channel_ids: Sequence[int] = (),
    registration_url: str = "",
    request_url: str = "",
    language: str = "nl",
) -> CrisisView:
    """Open a crisis (leads and admins). Without keywords every comment on its channels is taken in; without
    channels, every channel of the organisation."""
    require(actor, Permission.MANAGE_CRISIS, "open a crisis")
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise InvalidInput(f"give the crisis a name of 1 to {MAX_NAME} characters (e.g. 'Storm Pukkelpop 2026')")
    org_id = actor.organisation_id if actor.organisation_id is not None else organisation_id
    if org_id is None:
        raise InvalidInput("say which organisation the crisis is for (--org SLUG, organisation_id)")
    if organisation_id is not None and organisation_id != org_id:
        raise NotFound(f"no organisation #{organisation_id} among yours")
    if language not in replies.LANGUAGES:
        raise InvalidInput(f"unknown language {language!r}: use one of {', '.join(replies.LANGUAGES)}")
    words = _clean_keywords(keywords)
    settings = {
        "registration_url": _check_url(registration_url, "registration link"),
        "request_url": _check_url(request_url, "link for requests"),
        "language": language,
    }
    now = utcnow()
    with store.transaction() as tx:
        if repo.get_organisation(tx, org_id) is None:
            raise NotFound(f"no organisation #{org_id}: see hierniet org list")
        own = set(repo_crisis.organisation_channel_ids(tx, org_id))
        strangers = sorted(set(channel_ids) - own)
        if strangers:
            raise InvalidInput(f"channels {strangers} are not the organisation's: give its own channel ids")
        if repo_crisis.crisis_by_name(tx, org_id, name) is not None:
            raise Conflict(f"the organisation already has a crisis named {name!r}: choose another name")
        crisis = repo_crisis.add_crisis(
            tx,
            organisation_id=org_id,
            name=name,
            keywords=words,
            channel_ids=sorted(set(channel_ids)),
            settings=settings,
            status=repo_crisis.OPEN,
            opened_by=actor.user_id,
            opened_at=now,
        )
        audit.record(
            tx,
            actor,
            action="crisis.opened",
            subject_type="crisis",
            subject_id=crisis.id,
            organisation_id=org_id,
            detail={"name": name, "keywords": words, "channels": sorted(set(channel_ids))},
        )
        return _view(crisis)


def close_crisis(store: Store, actor: Actor, crisis_id: int) -> CrisisView:
    """Close a crisis (leads and admins): no more posts are taken in; its cards, matches and audit stay."""
    require(actor, Permission.MANAGE_CRISIS, "close a crisis")
    with store.transaction() as tx:
        crisis = _crisis_of(tx, actor, crisis_id)
        if not repo_crisis.close_crisis(tx, crisis.id, user_id=actor.user_id, at=utcnow()):
            raise Conflict(f"the crisis {crisis.name!r} is already closed")
        audit.record(
            tx,
            actor,
            action="crisis.closed",
            subject_type="crisis",
            subject_id=crisis.id,
            organisation_id=crisis.organisation_id,
            detail={"name": crisis.name},
        )
        tx.refresh(crisis)
        return _view(crisis)


def list_crises(store: Store, actor: Actor) -> list[CrisisView]:
    require(actor, Permission.READ_QUEUE, "see the crises")
    with store.session() as s:
        rows = repo_crisis.list_crises(s, actor.organisation_id)
        counts = repo_crisis.card_counts(s, [c.id for c in rows])
        return [_view(c, counts[c.id]) for c in rows]


def get_crisis(store: Store, actor: Actor, crisis_id: int) -> CrisisView:
    require(actor, Permission.READ_QUEUE, "see a crisis")
    with store.session() as s:
        crisis = _crisis_of(s, actor, crisis_id)
        return _view(crisis, repo_crisis.card_counts(s, [crisis.id])[crisis.id])


def find_crisis(store: Store, actor: Actor, name_or_id: str, organisation_id: int | None) -> CrisisView:
    """A crisis by its id or, within an organisation, its name (the CLI's way to name one)."""
    if name_or_id.isdigit():
        return get_crisis(store, actor, int(name_or_id))
    org_id = actor.organisation_id if actor.organisation_id is not None else organisation_id
    if org_id is None:
        raise InvalidInput(f"say which organisation's crisis {name_or_id!r} is (--org SLUG), or give its id")
    with store.session() as s:
        crisis = repo_crisis.crisis_by_name(s, org_id, name_or_id)
        if crisis is None or not actor.sees(crisis.organisation_id):
            raise NotFound(f"no crisis named {name_or_id!r}: see hierniet crisis list")
        return _view(crisis)


# --- taking posts in -------------------------------------------------------------------------------------------


def add_posts(
    store: Store, actor: Actor, crisis_id: int, posts: Sequence[CrisisPostIn], reader: Reader | None = None
) -> AddReport:
    """Take posts into an open crisis: collapse them into cards (new or existing), read each new card, match.

    A post already taken in (same source and id) is counted as a duplicate and left as it was. Nothing is
    written unless the whole batch goes in (one transaction).
    """
    require(actor, Permission.INGEST, "add posts to a crisis")
    report = AddReport(received=len(posts))
    with store.session() as s:
        crisis = _crisis_of(s, actor, crisis_id)
    if crisis.status != repo_crisis.OPEN:
        raise Conflict(f"the crisis {crisis.name!r} is closed: open a new one to take posts in")
    for post in posts:
        if not post.text.strip():
            raise InvalidInput(f"post {post.external_id!r} has no text")
        if not post.external_id or len(post.external_id) > 200:
            raise InvalidInput("every post needs an id of 1 to 200 characters")
        if post.posted_at is not None and post.posted_at.utcoffset() is None:
            raise InvalidInput(f"post {post.external_id!r}: its time has no time zone (add Z or +02:00)")
    with store.transaction() as tx:
        fresh: list[CrisisPostIn] = []
        seen: set[tuple[str, str]] = set()
        by_source: dict[str, list[str]] = {}
        for post in posts:
            by_source.setdefault(post.source, []).append(post.external_id)
        known = {
            (src, ext) for src, ids in by_source.items() for ext in repo_crisis.known_posts(tx, crisis.id, src, ids)
        }
        for post in posts:
            ident = (post.source, post.external_id)
            if ident in known or ident in seen:
                report.duplicates += 1
                continue
            seen.add(ident)
            fresh.append(post)
        if not fresh:
            return report
        _collapse_into_cards(tx, crisis, fresh, reader, report)
        report.suggested = _rematch(tx, crisis.id)
        audit.record(
            tx,
            actor,
            action="crisis.posts_added",
            subject_type="crisis",
            subject_id=crisis.id,
            organisation_id=crisis.organisation_id,
            detail=report.as_dict(),
        )
    return report


def _collapse_into_cards(
    tx: Session, crisis: Crisis, posts: Sequence[CrisisPostIn], reader: Reader | None, report: AddReport
) -> None:
    keys = [canonical(p.text) for p in posts]
    card_of_key: dict[str, int] = repo_crisis.cards_by_post_key(tx, crisis.id, sorted(set(keys)))
    # Stage 2 over the keys no stored post has: the cards' leaders first, in the order they were made.
    leaders = repo_crisis.card_keys(tx, crisis.id)
    new_keys: list[str] = []
    for key in keys:
        if key not in card_of_key and key not in new_keys:
            new_keys.append(key)
    new_card_of_key: dict[str, int] = {}  # new key -> index of the new card it makes or joins
    new_cards: list[int] = []  # index -> position in new_keys of the card's leader
    if new_keys:
        leader_of = group_keys([k for _, k in leaders] + new_keys, DEFAULT_THRESHOLD)
        base = len(leaders)
        for i, key in enumerate(new_keys):
            head = leader_of[base + i]
            if head < base:
                card_of_key[key] = leaders[head][0]
            elif head == base + i:
                new_card_of_key[key] = len(new_cards)
                new_cards.append(i)
            else:
                new_card_of_key[key] = new_card_of_key[new_keys[head - base]]
    # The first post of each new card is what the card shows and what is read.
    first_post: dict[int, CrisisPostIn] = {}
    for post, key in zip(posts, keys, strict=True):
        index = new_card_of_key.get(key)
        if index is not None and index not in first_post:
            first_post[index] = post
    texts = [first_post[i].text for i in range(len(new_cards))]
    readings: list[Reading] = []
    if texts:
        readings = (reader or default_reader()).read(texts, [first_post[i].language_hint for i in range(len(texts))])
    now = utcnow()
    card_ids = repo_crisis.add_cards(
        tx,
        [
            {
                "crisis_id": crisis.id,
                "key": new_keys[new_cards[i]],
                "text": texts[i],
                "count": 0,
                "first_seen": None,
                "last_seen": None,
                "variants": {},
                "language": r.language,
                "kind": r.kind,
                "kind_scores": r.kind_scores,
                "needs": r.needs,
                "places": r.places,
                "when": r.when,
                "how_many": r.how_many,
                "contact": r.contact,
                "status": "open",
                "created_at": now,
            }
            for i, r in enumerate(readings)
        ],
    )
    report.new_cards = len(card_ids)
    for key, index in new_card_of_key.items():
        card_of_key[key] = card_ids[index]
    touched = repo_crisis.get_cards(tx, set(card_of_key[k] for k in keys))
    new_ids = set(card_ids)
    rows = []
    for post, key in zip(posts, keys, strict=True):
        card = touched[card_of_key[key]]
        if card.id not in new_ids:
            report.joined += 1
        card.count += 1
        shown = display(post.text)
        variants = dict(card.variants or {})
        if shown in variants or len(variants) < MAX_VARIANTS:
            variants[shown] = variants.get(shown, 0) + 1
            card.variants = variants
        at = post.posted_at
        if at is not None:
            if card.first_seen is None or at < card.first_seen:
                card.first_seen = at
            if card.last_seen is None or at > card.last_seen:
                card.last_seen = at
        rows.append(
            {
                "crisis_id": crisis.id,
                "source": post.source,
                "platform": post.platform,
                "external_id": post.external_id,
                "comment_id": post.comment_id,
                "text": post.text,
                "key": key,
                "posted_at": at,
                "author": post.author[:200],
                "card_id": card.id,
                "kind": card.kind,
                "needs": list(card.needs or []),
                "places": list(card.places or []),
                "contact": card.contact,
                "received_at": now,
            }
        )
    tx.flush()
    repo_crisis.add_posts(tx, rows)
    report.added = len(rows)


def _matches_keywords(text: str, keywords: Sequence[str]) -> bool:
    if not keywords:
        return True
    # Folded both sides (case, accents, '#'): "#HasseltHelpt" and "hasselthelpt" are one keyword.
    folded = fold(text).replace("#", " ")
    return any(fold(k).lstrip("#") in folded for k in keywords)


def pull_comments(store: Store, actor: Actor, crisis_id: int, reader: Reader | None = None) -> AddReport:
    """Take in the comments of the crisis's channels posted since it opened that carry one of its keywords.

    The desk's "fetch new posts", `hierniet crisis pull` and the worker (every round, `pull_open_crises`). The
    crisis keeps the id of the last comment it read (`settings["pulled_to"]`): comments get rising ids as they
    are stored, so each pull reads only what arrived since the last one.
    """
    require(actor, Permission.INGEST, "add posts to a crisis")
    with store.session() as s:
        crisis = _crisis_of(s, actor, crisis_id)
        channel_ids = list(crisis.channel_ids or []) or repo_crisis.organisation_channel_ids(s, crisis.organisation_id)
    total = AddReport()
    after = int((crisis.settings or {}).get("pulled_to") or 0)
    while channel_ids:
        with store.session() as s:
            page = repo_crisis.candidate_comments(
                s,
                channel_ids=channel_ids,
                since=crisis.opened_at,
                until=crisis.closed_at,
                after_id=after,
                limit=PULL_PAGE,
            )
        if not page:
            break
        posts = [
            CrisisPostIn(
                external_id=str(c.id),
                text=c.text,
                posted_at=c.posted_at,
                platform=c.platform,
                source="channel",
                comment_id=c.id,
                language_hint=c.language_hint,
            )
            for c in page
            if _matches_keywords(c.text, crisis.keywords or [])
        ]
        if posts:
            got = add_posts(store, actor, crisis_id, posts, reader)
            for name in ("received", "added", "duplicates", "new_cards", "joined", "suggested"):
                setattr(total, name, getattr(total, name) + getattr(got, name))
        # Kept after each page that went in: a failure later re-reads only the pages after it.
        after = page[-1].id
        with store.transaction() as tx:
            repo_crisis.set_pulled_to(tx, crisis_id, after)
    return total


#: Platforms whose connector follows a hashtag (a `hashtag(tag, since)` method): Mastodon's hashtag timeline of
#: the channel's instance, Bluesky's Jetstream (every post of the network, kept when it carries the tag).
STREAM_PLATFORMS = ("mastodon", "bluesky")


def pull_hashtags(
    store: Store,
    settings: Settings,
    actor: Actor,
    crisis_id: int,
    http: httpx.Client,
    reader: Reader | None = None,
    channel_ids: Sequence[int] | None = None,
) -> AddReport:
    """Take in the public posts carrying the crisis's hashtags (its keywords that start with #), read through
    the organisation's connected Mastodon channels (the hashtag timeline of each channel's instance) and Bluesky
    channels (Jetstream, for `hashtag_seconds` a tag), posted since the crisis opened. Each channel and tag keeps
    its cursor in the crisis's settings. `channel_ids` limits it to those channels (the worker's channels due for
    a poll). A tag a platform cannot follow is skipped there (logged); the other tags go on."""
    from hierniet.connectors import base
    from hierniet.services.connections import open_connector
    from hierniet.services.credentials import CredentialsError

    require(actor, Permission.INGEST, "add posts to a crisis")
    with store.session() as s:
        crisis = _crisis_of(s, actor, crisis_id)
        watched = list(crisis.channel_ids or []) or repo_crisis.organisation_channel_ids(s, crisis.organisation_id)
        channels = [
            c
            for c in repo_crisis.channels(s, watched)
            if c.platform in STREAM_PLATFORMS and c.active and c.credentials_ciphertext
        ]
    tags = [k for k in crisis.keywords or [] if k.startswith("#") and len(k) > 1]
    total = AddReport()
    for channel in channels:
        if channel_ids is not None and channel.id not in channel_ids:
            continue
        try:
            connector = open_connector(store, settings, channel, http)
        except (base.ConfigError, CredentialsError):
            continue  # a channel that cannot connect says so on the channels page; the others go on
        follow = getattr(connector, "hashtag", None)
        if follow is None:
            continue
        for tag in tags:
            key = f"{channel.id}:{tag.lower()}"
            cursors = dict((crisis.settings or {}).get("stream_cursors") or {})
            try:
                comments, newest = follow(tag, cursors.get(key))
            except base.ConfigError as exc:
                log.warning("crisis #%s: channel %s cannot follow %s: %s", crisis_id, channel.id, tag, exc)
                continue
            # Mastodon ids are unique per instance (the channel names the instance); a Bluesky at-uri is unique on
            # the whole network, so a post that two Bluesky channels both stream is taken in once.
            scope = "bluesky" if channel.platform == "bluesky" else f"{channel.platform}:{channel.id}"
            posts = [
                CrisisPostIn(
                    external_id=f"{scope}:{c.id}"[:200],
                    text=c.text,
                    posted_at=c.posted_at,
                    author=c.author_name or c.author or "",
                    platform=channel.platform,
                    source="stream",
                    language_hint=c.language,
                )
                for c in comments
                if c.posted_at is None or c.posted_at >= crisis.opened_at
            ]
            if posts:
                got = add_posts(store, actor, crisis_id, posts, reader)
                for name in ("received", "added", "duplicates", "new_cards", "joined", "suggested"):
                    setattr(total, name, getattr(total, name) + getattr(got, name))
            if newest is not None:
                with store.transaction() as tx:
                    crisis = repo_crisis.set_stream_cursor(tx, crisis_id, key, newest)
    return total


def pull_open_crises(
    store: Store,
    actor: Actor,
    reader: Reader | None = None,
    *,
    settings: Settings | None = None,
    http: httpx.Client | None = None,
    stream_channel_ids: Sequence[int] = (),
) -> dict[int, AddReport]:
    """`pull_comments` for every open crisis the actor sees (the worker's round), and `pull_hashtags` through the
    channels in `stream_channel_ids` (those due for a poll, so a hashtag is read at the polling pace). A crisis
    whose pull fails is left for the next round and does not stop the others."""
    with store.session() as s:
        ids = [c.id for c in repo_crisis.list_crises(s, actor.organisation_id) if c.status == repo_crisis.OPEN]
    out: dict[int, AddReport] = {}
    for crisis_id in ids:
        try:
            report = pull_comments(store, actor, crisis_id, reader)
            if stream_channel_ids and settings is not None and http is not None:
                streamed = pull_hashtags(store, settings, actor, crisis_id, http, reader, stream_channel_ids)
                for name in ("received", "added", "duplicates", "new_cards", "joined", "suggested"):
                    setattr(report, name, getattr(report, name) + getattr(streamed, name))
            out[crisis_id] = report
        except Conflict:
            continue  # closed meanwhile
        except Exception:  # one crisis's trouble (a platform down, a bad answer) is its own
            log.exception("crisis #%s: taking posts in failed; tried again next round", crisis_id)
    return out


class LazyReader:
    """The shipped crisis reader, loaded on the first card it reads (seconds), once: a round or a page that
    reads no new card never pays for the sentence encoder."""

    def __init__(self, reader: Reader | None = None) -> None:
        self._reader = reader
        self._lock = threading.Lock()

    def read(self, texts: Sequence[str], hints: Sequence[str | None] | None = None) -> list[Reading]:
        if self._reader is None:
            with self._lock:
                if self._reader is None:
                    self._reader = default_reader()
        return self._reader.read(texts, hints)


# --- matching --------------------------------------------------------------------------------------------------


def _facts(card: CrisisCard) -> matching.CardFacts:
    return matching.CardFacts(
        id=card.id,
        needs=frozenset(card.needs or []),
        spots=matching.spots_of(card.places or []),
        first_seen=card.first_seen,
        last_seen=card.last_seen,
    )


def _rematch(tx: Session, crisis_id: int) -> int:
    """Suggest pairs again for every request and offer no person has closed; returns the pairs suggested."""
    tx.flush()
    all_cards = repo_crisis.cards(tx, crisis_id, ["request", "offer"])
    decided = repo_crisis.matches(tx, crisis_id, ["confirmed", "rejected"])
    refused = frozenset((m.request_card_id, m.offer_card_id) for m in decided if m.status == "rejected")
    requests = [_facts(c) for c in all_cards if c.kind == "request" and c.status not in PERSON_SET]
    offers = [_facts(c) for c in all_cards if c.kind == "offer" and c.status not in PERSON_SET]
    found = matching.suggest(requests, offers, refused)
    repo_crisis.drop_suggestions(tx, crisis_id, [(s.request_id, s.offer_id) for s in found])
    now = utcnow()
    for s in found:
        repo_crisis.upsert_suggestion(
            tx,
            crisis_id,
            s.request_id,
            s.offer_id,
            score=s.score,
            reasons=[r.as_dict() for r in s.reasons],
            status="suggested",
            created_at=now,
        )
    matched = {s.request_id for s in found} | {s.offer_id for s in found}
    machine = [c.id for c in all_cards if c.status not in PERSON_SET]
    repo_crisis.set_machine_status(tx, [i for i in machine if i in matched], "matched")
    repo_crisis.set_machine_status(tx, [i for i in machine if i not in matched], "open")
    tx.flush()
    return len(found)


# --- the board -------------------------------------------------------------------------------------------------


def _card_view(card: CrisisCard, crisis: CrisisView) -> CardView:
    shown = sorted((card.variants or {}).items(), key=lambda kv: -kv[1])[:10]
    url = (crisis.request_url or crisis.registration_url) if card.kind == "request" else crisis.registration_url
    lang = replies.reply_language(card.language, crisis.language)
    return CardView(
        id=card.id,
        text=card.text,
        count=card.count,
        first_seen=card.first_seen,
        last_seen=card.last_seen,
        variant_count=len(card.variants or {}),
        variants=[{"text": t, "count": n} for t, n in shown],
        language=card.language,
        kind=card.kind,
        needs=list(card.needs or []),
        places=[
            {k: p.get(k) for k in ("name", "municipality", "refnis", "region", "lat", "lon")}
            for p in (card.places or [])
        ],
        when=list(card.when or []),
        how_many=list(card.how_many or []),
        contact=card.contact,
        status=card.status,
        by_person=card.status_by is not None or card.status in PERSON_SET,
        reply=replies.suggested_reply(card.kind, card.needs or [], lang, url),
    )


def _reasons(stored: Sequence[dict[str, Any]]) -> list[Reason]:
    return [Reason(r.get("code", ""), r.get("text", ""), **(r.get("params") or {})) for r in stored]


def _match_view(match: CrisisMatch, cards: dict[int, CardView]) -> MatchView:
    return MatchView(
        id=match.id,
        request=cards[match.request_card_id],
        offer=cards[match.offer_card_id],
        score=match.score,
        reasons=_reasons(match.reasons or []),
        status=match.status,
    )


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _seen_order(card: CardView) -> tuple[bool, datetime, int]:
    # Oldest first: the request waiting longest comes first; posts without a time after those with one.
    return (card.first_seen is None, card.first_seen or _EPOCH, card.id)


def board_filter(
    kind: str | None = None, need: str | None = None, place: str | None = None, status: str | None = None
) -> BoardFilter:
    """A filter for the board from the values a form or an address gives (empty means every card), checked."""
    kind, need, status = (v.strip() or None if v else None for v in (kind, need, status))
    place = " ".join(place.split()) or None if place else None
    for value, allowed, what in ((kind, KINDS, "kind"), (need, NEEDS, "need"), (status, CARD_STATUSES, "status")):
        if value is not None and value not in allowed:
            message = f"the board has no {what} {value!r}: use one of {', '.join(allowed)}"
            raise InvalidInput(message, reason=Reason("error.crisis_filter", message, value=value))
    if place is not None and (len(place) > 100 or not municipalities_named(place)):
        message = (
            f"no Belgian municipality or place is named {place[:100]!r}: give a municipality as the board's "
            "list of places writes it (e.g. Hasselt, Liège)"
        )
        raise InvalidInput(message, reason=Reason("error.crisis_place", message, place=place[:100]))
    return BoardFilter(kind=kind, need=need, place=place, status=status)


def _lets_through(filters: BoardFilter, refnis: frozenset[str]) -> Callable[[CardView], bool]:
    def passes(card: CardView) -> bool:
        if filters.kind is not None and card.kind != filters.kind:
            return False
        if filters.need is not None and filters.need not in card.needs:
            return False
        if filters.status is not None and card.status != filters.status:
            return False
        return filters.place is None or any(p.get("refnis") in refnis for p in card.places)

    return passes


def _point(card: CardView) -> MapPoint | None:
    # The first place with coordinates, as the export takes it: one marker per card.
    place = next((p for p in card.places if p.get("lat") is not None and p.get("lon") is not None), None)
    if place is None:
        return None
    return MapPoint(
        card_id=card.id,
        kind=card.kind,
        status=card.status,
        count=card.count,
        needs=list(card.needs),
        place=str(place.get("name") or ""),
        municipality=str(place.get("municipality") or place.get("name") or ""),
        lat=float(place["lat"]),
        lon=float(place["lon"]),
    )


def board(store: Store, actor: Actor, crisis_id: int, filters: BoardFilter | None = None) -> Board:
    """The board: requests still waiting first, then pairs to confirm, then open offers collapsed by what they
    offer, then what is done and the information posts; with the map's points.

    `filters` keeps only the cards it lets through, in the same order (the unmatched requests stay first); a
    pair is shown when either of its cards gets through, so a filter on offers still shows what they answer.
    """
    require(actor, Permission.READ_QUEUE, "see a crisis board")
    filters = filters or BoardFilter()
    with store.session() as s:
        row = _crisis_of(s, actor, crisis_id)
        crisis = _view(row, repo_crisis.card_counts(s, [row.id])[row.id])
        every = {c.id: _card_view(c, crisis) for c in repo_crisis.cards(s, crisis_id)}
        all_matches = repo_crisis.matches(s, crisis_id, ["suggested", "confirmed"])
    passes = _lets_through(filters, municipalities_named(filters.place) if filters.place else frozenset())
    cards = {i: c for i, c in every.items() if passes(c)}
    shown_matches = [m for m in all_matches if m.request_card_id in cards or m.offer_card_id in cards]
    pairs = [_match_view(m, every) for m in shown_matches if m.status == "suggested"]
    confirmed = [_match_view(m, every) for m in shown_matches if m.status == "confirmed"]
    by_kind: dict[str, list[CardView]] = {k: [] for k in KINDS}
    for card in cards.values():
        by_kind.setdefault(card.kind, []).append(card)
    # Every request no person has closed stays at the top, a suggested pair or not: a pair is only a suggestion
    # until someone confirms it, and a request must never sink below the offers meanwhile.
    requests = sorted((c for c in by_kind["request"] if c.status in ("open", "matched")), key=_seen_order)
    groups: dict[str, list[CardView]] = {}
    for card in by_kind["offer"]:
        if card.status not in ("full", "confirmed"):
            groups.setdefault(card.needs[0] if card.needs else "other", []).append(card)
    offers = [
        OfferGroup(need, sorted(group, key=lambda c: (-c.count, c.id)), sum(c.count for c in group))
        for need, group in sorted(groups.items(), key=lambda kv: (-sum(c.count for c in kv[1]), kv[0]))
    ]
    info = sorted(by_kind["info"] + by_kind["other"], key=lambda c: (-c.count, c.id))
    located = (_point(c) for c in cards.values() if c.kind in MAPPED_KINDS)
    points = sorted((p for p in located if p is not None), key=lambda p: (fold(p.municipality), p.place, p.card_id))
    places = {str(p["municipality"]) for c in every.values() for p in c.places if p.get("municipality")}
    return Board(
        crisis=crisis,
        requests=requests,
        pairs=pairs,
        offers=offers,
        helped=sorted((c for c in by_kind["request"] if c.status == "helped"), key=_seen_order),
        confirmed=confirmed,
        full=sorted((c for c in by_kind["offer"] if c.status == "full"), key=_seen_order),
        info=info,
        filters=filters,
        points=points,
        places=sorted(places, key=fold),
        total_cards=len(every),
        shown_cards=len(cards),
    )


# --- what people do --------------------------------------------------------------------------------------------


def _card_of(tx: Session, actor: Actor, crisis_id: int, card_id: int) -> tuple[Crisis, CrisisCard]:
    crisis = _crisis_of(tx, actor, crisis_id)
    card = repo_crisis.get_card(tx, card_id)
    if card is None or card.crisis_id != crisis.id:
        raise NotFound(f"no card #{card_id} in the crisis {crisis.name!r}")
    return crisis, card


def mark_card(store: Store, actor: Actor, crisis_id: int, card_id: int, status: str) -> None:
    """A person marks a request helped or an offer full ("open" takes their mark back)."""
    require(actor, Permission.DECIDE, "mark a crisis card")
    with store.transaction() as tx:
        crisis, card = _card_of(tx, actor, crisis_id, card_id)
        allowed = PERSON_STATUSES.get(card.kind, frozenset())
        if status not in allowed:
            say = " or ".join(sorted(allowed)) or "nothing (information is not marked)"
            raise InvalidInput(f"a {card.kind} card can be marked {say}, not {status!r}")
        before = card.status
        repo_crisis.set_card_status(
            tx, card.id, status, user_id=actor.user_id if status != "open" else None, at=utcnow()
        )
        _rematch(tx, crisis.id)
        audit.record(
            tx,
            actor,
            action="crisis.card_marked",
            subject_type="crisis_card",
            subject_id=card.id,
            organisation_id=crisis.organisation_id,
            detail={"crisis": crisis.id, "kind": card.kind, "from": before, "to": status},
        )


def decide_match(store: Store, actor: Actor, crisis_id: int, match_id: int, confirm: bool) -> None:
    """A person confirms a suggested pair (both cards become "confirmed") or rejects it (never suggested again)."""
    require(actor, Permission.DECIDE, "confirm or reject a crisis match")
    now = utcnow()
    with store.transaction() as tx:
        crisis = _crisis_of(tx, actor, crisis_id)
        match = repo_crisis.get_match(tx, match_id)
        if match is None or match.crisis_id != crisis.id:
            raise NotFound(f"no match #{match_id} in the crisis {crisis.name!r}")
        status = "confirmed" if confirm else "rejected"
        if not repo_crisis.decide_match(tx, match.id, status, user_id=actor.user_id, at=now):
            raise Conflict(f"the match #{match_id} was already {match.status}: a person's decision stands")
        if confirm:
            for card_id in (match.request_card_id, match.offer_card_id):
                repo_crisis.set_card_status(tx, card_id, "confirmed", user_id=actor.user_id, at=now)
        _rematch(tx, crisis.id)
        audit.record(
            tx,
            actor,
            action=f"crisis.match_{status}",
            subject_type="crisis_match",
            subject_id=match.id,
            organisation_id=crisis.organisation_id,
            detail={
                "crisis": crisis.id,
                "request": match.request_card_id,
                "offer": match.offer_card_id,
                "score": match.score,
            },
        )


def send_reply(store: Store, actor: Actor, crisis_id: int, card_id: int, text: str | None = None) -> int:
    """Queue a reply to the card's first post that came from a channel, through the outbox like any reply
    (the worker sends it with retries). `text` None sends the suggested reply. Returns the outbox row's id."""
    require(actor, Permission.DECIDE, "reply to a crisis post")
    with store.session() as s:
        row = _crisis_of(s, actor, crisis_id)
        crisis = _view(row)
    with store.transaction() as tx:
        _, card = _card_of(tx, actor, crisis_id, card_id)
        view = _card_view(card, crisis)
        body = (text if text is not None else view.reply or "").strip()
        if not body:
            raise InvalidInput("no reply to send: write one, or set the crisis's registration link so one is suggested")
        if len(body) > 2000:
            raise InvalidInput(f"the reply has {len(body)} characters: keep it under 2,000")
        target = repo_crisis.reply_target(tx, card.id)
        if target is None:
            raise InvalidInput(
                "no post of this card came from one of the organisation's channels (they were imported): "
                "copy the reply and answer on the platform"
            )
        _post, comment, channel = target
        rows = action_rows(
            comment_id=comment.id,
            channel_id=channel.id,
            calls=["reply"],
            reply=body,
            now=utcnow(),
            platform=channel.platform,
        )
        (action_id,) = repo.insert_rows(tx, QueuedAction, rows)
        audit.record(
            tx,
            actor,
            action="crisis.reply_queued",
            subject_type="crisis_card",
            subject_id=card.id,
            organisation_id=row.organisation_id,
            detail={
                "crisis": crisis.id,
                "comment": comment.id,
                "action": action_id,
                "suggested": text is None,
                "language": replies.reply_language(card.language, crisis.language),
            },
        )
        return int(action_id)


# --- export for the emergency services -------------------------------------------------------------------------


EXPORT_FIELDS = (
    "card",
    "kind",
    "status",
    "needs",
    "text",
    "count",
    "first_seen",
    "last_seen",
    "language",
    "place",
    "municipality",
    "lat",
    "lon",
    "contact",
    "matched_with",
)


def export(store: Store, actor: Actor, crisis_id: int, fmt: str) -> str:
    """Requests and offers with their status, place and coordinates, as CSV or GeoJSON (leads and admins: the
    export holds the posters' contacts). Audited."""
    require(actor, Permission.MANAGE_CRISIS, "export a crisis")
    if fmt not in EXPORT_FORMATS:
        raise InvalidInput(f"unknown export format {fmt!r}: use csv or geojson")
    with store.session() as s:
        row = _crisis_of(s, actor, crisis_id)
        crisis = _view(row)
        cards = [_card_view(c, crisis) for c in repo_crisis.cards(s, crisis_id, ["request", "offer"])]
        confirmed = repo_crisis.matches(s, crisis_id, ["confirmed"])
    partner: dict[int, list[int]] = {}
    for m in confirmed:
        partner.setdefault(m.request_card_id, []).append(m.offer_card_id)
        partner.setdefault(m.offer_card_id, []).append(m.request_card_id)
    records = []
    for card in cards:
        place = next((p for p in card.places if p.get("lat") is not None), card.places[0] if card.places else {})
        records.append(
            {
                "card": card.id,
                "kind": card.kind,
                "status": card.status,
                "needs": ";".join(card.needs),
                "text": card.text,
                "count": card.count,
                "first_seen": card.first_seen.isoformat() if card.first_seen else "",
                "last_seen": card.last_seen.isoformat() if card.last_seen else "",
                "language": card.language,
                "place": place.get("name") or "",
                "municipality": place.get("municipality") or "",
                "lat": place.get("lat"),
                "lon": place.get("lon"),
                "contact": (card.contact or {}).get("value", ""),
                "matched_with": ";".join(str(i) for i in partner.get(card.id, [])),
            }
        )
    with store.transaction() as tx:
        audit.record(
            tx,
            actor,
            action="crisis.exported",
            subject_type="crisis",
            subject_id=crisis.id,
            organisation_id=crisis.organisation_id,
            detail={"format": fmt, "cards": len(records)},
        )
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS, lineterminator="\n")
        writer.writeheader()
        for record in records:
            # A cell that starts like a formula would run in a spreadsheet: quote it as text.
            writer.writerow({k: _cell(v) for k, v in record.items()})
        return out.getvalue()
    features = []
    for record in records:
        lat, lon = record.pop("lat"), record.pop("lon")
        geometry = None if lat is None or lon is None else {"type": "Point", "coordinates": [lon, lat]}
        features.append({"type": "Feature", "geometry": geometry, "properties": record})
    collection = {"type": "FeatureCollection", "name": crisis.name, "features": features}
    return json.dumps(collection, ensure_ascii=False, indent=1) + "\n"


def _cell(value: object) -> object:
    # A phone number (+32...) or a negative number stays as it is: only a sign before something else is guarded.
    if isinstance(value, str) and value and (value[0] in "=@\t\r" or (value[0] in "+-" and not value[1:2].isdigit())):
        return "'" + value
    return "" if value is None else value
