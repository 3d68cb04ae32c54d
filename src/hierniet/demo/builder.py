"""`hierniet demo`: a desk with two Belgian organisations, their channels, posts and a few hundred comments.

    report = build(store, triage)            # idempotent: a second run adds nothing
    report = build(store, triage, reset=True)  # drop everything and start over (demo databases only)

The comments (src/hierniet/demo/comments.jsonl, written for the demo: see its README) go through the
same ingestion as POST /api/v1/comments, with the triage engine the caller loads (the shipped model)
and the default policy, so the queue shows what the desk would make of them. Their times are counted
back from now, so the queue looks live on the day the demo runs. The demo users get known passwords:
the demo refuses to touch a database that holds any organisation other than its own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import resources
from typing import Any

from hierniet.services import admin
from hierniet.services.auth import CLI_ACTOR, Actor, Role, verify_password
from hierniet.services.errors import Conflict, InvalidInput
from hierniet.services.ingest import Classifier, ingest
from hierniet.services.queue import counts
from hierniet.store import repo
from hierniet.store.migrate import current_revision, upgrade
from hierniet.store.tables import utcnow

#: Who the demo's comments and organisations are recorded as having come from (in the audit log).
DEMO_ACTOR = Actor(user_id=None, name="demo", role=Role.ADMIN)

#: Where the desk's pages are, once `hierniet serve` runs with its defaults.
DESK_URL = "http://127.0.0.1:8000/desk/"


@dataclass(frozen=True, slots=True)
class DemoChannel:
    key: str  # how posts.jsonl names it
    platform: str
    external_id: str
    name: str


@dataclass(frozen=True, slots=True)
class DemoOrganisation:
    slug: str
    name: str
    channels: tuple[DemoChannel, ...]


@dataclass(frozen=True, slots=True)
class DemoUser:
    name: str
    role: Role
    password: str


ORGANISATIONS: tuple[DemoOrganisation, ...] = (
    DemoOrganisation(
        "stad-demostad",
        "Stad Demostad / Ville de Démoville",
        (
            DemoChannel("stad-facebook", "facebook", "stad.demostad", "Stad Demostad"),
            DemoChannel("stad-instagram", "instagram", "stad_demostad", "@stad_demostad"),
            DemoChannel("stad-x", "x", "StadDemostad", "@StadDemostad"),
            DemoChannel("stad-youtube", "youtube", "StadDemostadTV", "Stad Demostad TV"),
            DemoChannel("stad-linkedin", "linkedin", "stad-demostad", "Stad Demostad"),
            DemoChannel("stad-tiktok", "tiktok", "ville.demoville", "@ville.demoville"),
            DemoChannel("stad-mastodon", "mastodon", "demostad@social.demostad.example", "@demostad"),
            DemoChannel("stad-bluesky", "bluesky", "demostad.bsky.social", "@demostad.bsky.social"),
        ),
    ),
    DemoOrganisation(
        "demotram",
        "Demotram / Transports Démo",
        (
            DemoChannel("tram-facebook", "facebook", "demotram", "Demotram"),
            DemoChannel("tram-x", "x", "Demotram_info", "@Demotram_info"),
            DemoChannel("tram-instagram", "instagram", "demotram", "@demotram"),
        ),
    ),
)

#: The demo's people. Their passwords are printed by `hierniet demo`: for a demo database only.
USERS: tuple[DemoUser, ...] = (
    DemoUser("admin", Role.ADMIN, "demo-admin-pass"),
    DemoUser("lead", Role.LEAD, "demo-lead-pass"),
    DemoUser("moderator", Role.MODERATOR, "demo-moderator-pass"),
)


class DemoError(Conflict):
    """The demo cannot run on this database; the message says what to do instead."""


@dataclass(frozen=True, slots=True)
class DemoPost:
    id: str
    channel: str
    lang: str
    hours_ago: float
    text: str


@dataclass(frozen=True, slots=True)
class DemoComment:
    id: str
    post: str
    lang: str
    kind: str  # the label its author meant; for the tests, never sent to the desk
    author: str
    author_name: str
    hours_ago: float
    text: str
    parent: str | None = None


@dataclass(frozen=True, slots=True)
class UserLine:
    name: str
    role: str
    password: str | None  # None: the user existed with another password, left as it was


@dataclass(slots=True)
class DemoReport:
    reset: bool = False
    organisations_created: int = 0
    channels_created: int = 0
    comments_created: int = 0
    comments_existing: int = 0
    rejected: list[str] = field(default_factory=list)
    users: list[UserLine] = field(default_factory=list)
    by_status: dict[str, int] = field(default_factory=dict)


def _jsonl(name: str) -> list[dict[str, Any]]:
    text = resources.files("hierniet.demo").joinpath(name).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def load_posts() -> list[DemoPost]:
    return [DemoPost(**row) for row in _jsonl("posts.jsonl")]


def load_comments() -> list[DemoComment]:
    return [DemoComment(**row) for row in _jsonl("comments.jsonl")]


def _channels() -> dict[str, DemoChannel]:
    return {c.key: c for o in ORGANISATIONS for c in o.channels}


def post_url(channel: DemoChannel, post_id: str) -> str:
    # .invalid is reserved (RFC 2606): a link that looks like one and can never lead to a real page.
    return f"https://{channel.platform}.demo.invalid/{channel.external_id}/{post_id}"


def items(now: datetime) -> list[dict[str, Any]]:
    """The demo comments as ingestion takes them, timed back from `now` (oldest first)."""
    channels = _channels()
    posts = {p.id: p for p in load_posts()}
    out: list[dict[str, Any]] = []
    for c in sorted(load_comments(), key=lambda c: (-c.hours_ago, c.id)):
        post = posts[c.post]
        channel = channels[post.channel]
        record: dict[str, Any] = {
            "id": c.id,
            "text": c.text,
            "platform": channel.platform,
            "channel": channel.external_id,
            "author": c.author,
            "author_name": c.author_name,
            "posted_at": now - timedelta(hours=c.hours_ago),
            "thread": post.id,
            "post_text": post.text,
            "post_url": post_url(channel, post.id),
            "post_posted_at": now - timedelta(hours=post.hours_ago),
        }
        if c.parent:
            record["parent"] = c.parent
        out.append(record)
    return out


def _check_database(store: repo.Store) -> None:
    if current_revision(store.engine) is None:
        return  # a fresh database: nothing to protect
    demo = {o.slug for o in ORGANISATIONS}
    with store.session() as s:
        others = [o.slug for o in repo.list_organisations(s) if o.slug not in demo]
    if others:
        raise DemoError(
            f"this database holds organisations that are not the demo's ({', '.join(sorted(others))}): the demo "
            "sets known passwords and --reset deletes everything, so it only runs on a database of its own. Point "
            "HIERNIET_DATABASE_URL at another one, e.g. HIERNIET_DATABASE_URL=sqlite:///./var/demo.db hierniet demo"
        )


def _ensure_organisations(store: repo.Store, report: DemoReport) -> None:
    for o in ORGANISATIONS:
        existing = admin.organisation_by_slug(store, o.slug)
        if existing is None:
            existing = admin.create_organisation(store, DEMO_ACTOR, slug=o.slug, name=o.name)
            report.organisations_created += 1
        for c in o.channels:
            with store.session() as s:
                found = repo.channel_by_key(s, c.platform, c.external_id)
            if found is None:
                admin.create_channel(
                    store,
                    DEMO_ACTOR,
                    organisation_id=existing.id,
                    platform=c.platform,
                    external_id=c.external_id,
                    name=c.name,
                )
                report.channels_created += 1
            elif found.organisation_id != existing.id:
                raise DemoError(
                    f"channel {c.platform}/{c.external_id} belongs to another organisation than {o.slug}: "
                    "start over with `hierniet demo --reset`"
                )


def _ensure_users(store: repo.Store, report: DemoReport) -> None:
    for u in USERS:
        with store.session() as s:
            row = repo.user_by_name(s, u.name)
        if row is None or not row.password_hash:
            admin.ensure_user_password(store, name=u.name, password=u.password, role=u.role.value)
            report.users.append(UserLine(u.name, u.role.value, u.password))
        elif verify_password(u.password, row.password_hash):
            report.users.append(UserLine(u.name, row.role, u.password))
        else:
            # Someone chose another password since: theirs stands.
            report.users.append(UserLine(u.name, row.role, None))


def build(
    store: repo.Store,
    triage: Classifier,
    *,
    reset: bool = False,
    now: datetime | None = None,
    chunk_size: int = 256,
) -> DemoReport:
    """Create (or complete) the demo desk; with `reset`, drop every table first and migrate again."""
    if chunk_size < 1:
        raise InvalidInput(f"chunk size {chunk_size}: use 1 or more")
    _check_database(store)
    report = DemoReport(reset=reset)
    if reset:
        repo.drop_all_tables(store)
    upgrade(store.engine)
    _ensure_organisations(store, report)
    _ensure_users(store, report)
    result = ingest(store, triage, items(now or utcnow()), actor=DEMO_ACTOR, chunk_size=chunk_size)
    report.comments_created = len(result.created)
    report.comments_existing = len(result.duplicates)
    report.rejected = [f"{r.external_id}: {r.error}" for r in result.rejected]
    report.by_status = status_counts(store)
    return report


def status_counts(store: repo.Store) -> dict[str, int]:
    """Comments per status (what the queue will show)."""
    return dict(sorted(counts(store, CLI_ACTOR).by_status.items()))
