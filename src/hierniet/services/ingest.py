"""Ingestion: comments in, each triaged, given the charter's recommendation and stored with both.

    result = ingest(store, triage, [{"id": "c1", "text": "...", "platform": "facebook", "channel": "page-1"}],
                    actor=actor)

Batch-first: a chunk of comments is validated item by item, checked for duplicates with one query per
channel, triaged in one call, and stored in one transaction with bulk inserts. A duplicate (same
channel and external id, same text) is a no-op; a bad item is rejected with its index and a message, and
the rest of the chunk is kept.

An item for a stored comment with ANOTHER text is an edit on the platform (`edited: true` says so; an
unmarked one is taken as an edit too, since polled platforms re-read comments without saying they changed,
unless its text is one the comment already had: a late or retried delivery of an older version). The edit
keeps the old text as a revision and re-triages the comment (hierniet.services.decisions.apply_edits:
a person's decision stands). Several versions of one comment in one chunk are applied in order, the later
ones after the chunk is written. The author's history for the recommendation comes from the store (earlier steps
on that organisation's channels within the policy's escalation window), plus the author's comments
earlier in the same chunk. With several chunks (`ingest_stream`), the next one is validated and triaged
while the one before is written.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import (
    AliasChoices,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from sqlalchemy.exc import DataError, IntegrityError

from hierniet import metrics
from hierniet.bounds import Id, check_language_hint, check_text, check_when, parse_id
from hierniet.domain import Comment as TriageComment
from hierniet.domain import HistoryEntry, Platform, Recommendation, Verdict
from hierniet.policy import Policy, parse_platform, recommend
from hierniet.services import alerts, audit, decisions, privacy, raid_holds
from hierniet.services.actions import action_rows
from hierniet.services.auth import Actor, Permission, require
from hierniet.services.convert import is_web_url
from hierniet.services.history import HistoryKey, load_histories, since_for
from hierniet.services.policies import policy_for
from hierniet.services.verdicts import Classifier as Classifier  # re-exported: callers name the triage by it
from hierniet.services.verdicts import label_rows, recommendation_row, status_for, verdict_row
from hierniet.services.views import (
    DuplicateItem,
    EditedItem,
    IngestedItem,
    IngestResult,
    RejectedItem,
)
from hierniet.settings import DEFAULT_COMMENT_MAX_CHARS
from hierniet.store import repo, repo_alerts
from hierniet.store.tables import Channel, Comment, Organisation, QueuedAction, VerdictLabel, utcnow
from hierniet.store.tables import Recommendation as RecommendationRow
from hierniet.store.tables import Verdict as VerdictRow

_log = logging.getLogger(__name__)

#: Comments per transaction when the caller does not say.
DEFAULT_CHUNK = 256

_PLATFORMS = ", ".join(p.value for p in Platform)


class CommentIn(BaseModel):
    """One comment as a connector, the API or an import file sends it."""

    # Extra fields (a CSV's other columns, a connector's raw payload) are ignored rather than refused.
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True, populate_by_name=True)

    id: str = Field(
        validation_alias=AliasChoices("id", "external_id"),
        min_length=1,
        max_length=200,
        description="The comment's id on its platform; a comment is known by its channel and this id.",
    )
    text: str = Field(description="The comment's text.")
    platform: str | None = Field(None, description=f"One of {_PLATFORMS} (fb, ig, twitter, yt are understood).")
    channel: str | None = Field(None, description="The channel's id on its platform; with `platform`.")
    channel_id: Id | None = Field(None, description="The channel's id in hierniet (instead of platform + channel).")
    author: str | None = Field(None, max_length=200, description="The author's id on the platform.")
    author_name: str | None = Field(None, max_length=200, description="The author's display name.")
    author_in_belgium: bool | None = Field(None, description="Whether the author is known to live in Belgium.")
    author_created_at: AwareDatetime | None = Field(
        None,
        description="When the author's account was made on the platform, where the platform says so (Mastodon, X): "
        "a raid made of new accounts is told by it.",
    )
    # The post's id on the platform: the comment's thread. With `post_text` or `post_url` the post itself is
    # stored too (once per channel and id; a later comment with newer text updates it), for the desk to show.
    thread: str | None = Field(
        None,
        validation_alias=AliasChoices("thread", "post", "post_id"),
        max_length=200,
        description="The id of the post it is under (on the platform).",
    )
    post_text: str | None = Field(
        None, max_length=20000, description="The text of the post it is under (needs `thread`); stored once."
    )
    post_url: str | None = Field(None, max_length=500, description="A link to the post it is under (needs `thread`).")
    post_posted_at: AwareDatetime | None = Field(
        None, description="When the post was published, ISO 8601 with a timezone (needs `thread`)."
    )
    parent: str | None = Field(None, max_length=200, description="The comment it answers, if any.")
    posted_at: AwareDatetime | None = Field(
        None,
        validation_alias=AliasChoices("posted_at", "created_at"),
        description="When it was posted, ISO 8601 with a timezone (default: when it arrives).",
    )
    language: str | None = Field(
        None, validation_alias=AliasChoices("language", "lang"), max_length=8, description="A language hint."
    )
    edited: bool = Field(
        False,
        description="True when this is an edit of a comment sent before (same id, new text): the earlier text is "
        "kept as a revision and the comment is triaged again.",
    )

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("empty: send the comment's text")
        return value

    @field_validator("*")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        # Checked here, at the boundary, so a bad item is rejected by name instead of failing the store (NUL
        # on PostgreSQL) or the sentence encoder (lone surrogates) for its whole batch.
        return check_text(value) if isinstance(value, str) else value

    @field_validator("language")
    @classmethod
    def _language_tag(cls, value: str | None) -> str | None:
        return None if value is None else check_language_hint(value)

    @field_validator("posted_at", "post_posted_at", "author_created_at")
    @classmethod
    def _plausible_date(cls, value: datetime | None) -> datetime | None:
        return None if value is None else check_when(value)

    @field_validator("platform")
    @classmethod
    def _known_platform(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        platform = parse_platform(value)
        if platform is Platform.OTHER and value.strip().lower() != Platform.OTHER.value:
            raise ValueError(f"unknown platform {value!r}: use one of {_PLATFORMS}")
        return platform.value

    @field_validator(
        "channel",
        "author",
        "author_name",
        "thread",
        "parent",
        "language",
        "post_text",
        "post_url",
        "post_posted_at",
        "author_created_at",
        mode="before",
    )
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        # CSV files spell "absent" as an empty cell.
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("post_url")
    @classmethod
    def _web_link(cls, value: str | None) -> str | None:
        # The desk shows it as a link: javascript: or data: there would run in a moderator's session.
        if value is None:
            return None
        link = value.strip()
        if not is_web_url(link):
            raise ValueError("not a web address: send the post's http:// or https:// link (or leave post_url out)")
        return link

    @model_validator(mode="after")
    def _post_needs_its_id(self) -> CommentIn:
        if self.thread is None and (self.post_text, self.post_url, self.post_posted_at) != (None, None, None):
            raise ValueError(
                "post_text, post_url and post_posted_at describe the post the comment is under: "
                'also send that post\'s id as "thread" (or "post_id")'
            )
        return self


@dataclass(frozen=True, slots=True)
class ChannelRef:
    """A channel named on the command line or by a caller: by id, or by platform and external id."""

    channel_id: int | None = None
    platform: str | None = None
    external_id: str | None = None

    @classmethod
    def parse(cls, value: str) -> ChannelRef:
        """ "12" (hierniet's id) or "facebook/page-id" (platform and the channel's id there)."""
        text = value.strip()
        if text.isdigit():
            channel_id = parse_id(text)
            if channel_id is None:
                raise ValueError(
                    f"no channel has the id {text[:30]}{'...' if len(text) > 30 else ''}: list them "
                    "with `hierniet channel list`, or write PLATFORM/ID (facebook/stad-gent)"
                )
            return cls(channel_id=channel_id)
        platform, sep, external = text.partition("/")
        if not sep or not platform or not external:
            raise ValueError(
                f"cannot read the channel {value!r}: write its hierniet id (12) or PLATFORM/ID (facebook/stad-gent)"
            )
        return cls(platform=parse_platform(platform).value, external_id=external)


@dataclass(slots=True)
class _Item:
    index: int
    data: CommentIn
    channel: Channel
    organisation: Organisation
    policy: Policy
    when: datetime  # when the comment was posted (or arrived), for the history window
    verdict: Verdict | None = None
    recommendation: Recommendation | None = None
    author_id: int | None = None
    stored_id: int | None = None  # an edit: the stored comment whose text it replaces


def _message(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors(include_url=False):
        where = ".".join(str(x) for x in err["loc"]) or "item"
        msg = str(err["msg"]).removeprefix("Value error, ")
        if err["type"] == "missing":
            msg = "missing (every comment needs an id and a text)" if where in ("id", "text") else "missing"
        elif err["type"] == "timezone_aware":
            msg = "has no timezone: write it as ISO 8601 with Z or an offset (2026-01-31T20:15:00+01:00)"
        parts.append(f"{where}: {msg}")
    return "; ".join(parts)


def _guess_id(raw: Any) -> str | None:
    if isinstance(raw, Mapping):
        value = raw.get("id", raw.get("external_id"))
        if isinstance(value, str | int) and not isinstance(value, bool):
            return str(value)[:200]
    return None


def ingest(
    store: repo.Store,
    triage: Classifier,
    items: Sequence[Any],
    *,
    actor: Actor,
    default_channel: ChannelRef | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    now: datetime | None = None,
    max_text_chars: int = DEFAULT_COMMENT_MAX_CHARS,
) -> IngestResult:
    """Triage, recommend and store `items` (dicts or CommentIn), `chunk_size` per transaction.

    Item indexes in the result are positions in `items`. Nothing stored before a failure is lost. A text
    longer than `max_text_chars` (HIERNIET_COMMENT_MAX_CHARS) is rejected.
    """
    size = max(1, chunk_size)
    chunks = (items[start : start + size] for start in range(0, len(items), size))
    result = IngestResult()
    for part in ingest_stream(
        store, triage, chunks, actor=actor, default_channel=default_channel, now=now, max_text_chars=max_text_chars
    ):
        result.extend(part)
    return result


def ingest_stream(
    store: repo.Store,
    triage: Classifier,
    chunks: Iterable[Sequence[Any]],
    *,
    actor: Actor,
    default_channel: ChannelRef | None = None,
    now: datetime | None = None,
    max_text_chars: int = DEFAULT_COMMENT_MAX_CHARS,
) -> Iterator[IngestResult]:
    """Ingest chunk after chunk, one result (and one transaction) per chunk; indexes run across chunks.

    While one chunk is written, the next is validated and triaged in a second thread: triage spends
    much of its time in numpy, which lets the writer run beside it.
    """
    require(actor, Permission.INGEST, "send comments in")
    opts = _Options(default_channel, now, max_text_chars)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="hierniet-triage") as pool:
        pending: Future[_Prepared] | None = None
        start = 0
        for chunk in chunks:
            entries = [(start + offset, raw) for offset, raw in enumerate(chunk)]
            upcoming = pool.submit(_prepare, store, triage, entries, actor, opts)
            start += len(chunk)
            if pending is not None:
                yield _commit(store, triage, pending.result(), actor, opts)
            pending = upcoming
        if pending is not None:
            yield _commit(store, triage, pending.result(), actor, opts)


@dataclass(frozen=True, slots=True)
class _Options:
    """What the caller of `ingest` chose, passed down to each chunk."""

    default_channel: ChannelRef | None
    now: datetime | None
    max_text_chars: int


@dataclass(slots=True)
class _Prepared:
    """A chunk validated, checked for duplicates and triaged: what is left is the transaction."""

    entries: Sequence[tuple[int, Any]]  # (index, raw item)
    received: datetime
    items: list[_Item]  # new comments
    edits: list[_Item]  # new texts of stored comments
    repeats: list[tuple[int, int, str]]
    later: list[tuple[int, Any]]  # later versions of a comment earlier in the chunk: ingested after it
    result: IngestResult


def _prepare(
    store: repo.Store,
    triage: Classifier,
    entries: Sequence[tuple[int, Any]],
    actor: Actor,
    opts: _Options,
) -> _Prepared:
    received = opts.now or utcnow()
    result = IngestResult()
    parsed: list[tuple[int, CommentIn]] = []
    for index, raw in entries:
        try:
            data = raw if isinstance(raw, CommentIn) else CommentIn.model_validate(raw)
        except ValidationError as exc:
            result.rejected.append(RejectedItem(index, _guess_id(raw), _message(exc)))
            continue
        if len(data.text) > opts.max_text_chars:
            result.rejected.append(
                RejectedItem(
                    index,
                    data.id,
                    f"text: {len(data.text)} characters, more than the {opts.max_text_chars} one comment may have "
                    "(HIERNIET_COMMENT_MAX_CHARS): send the comment as the platform shows it",
                )
            )
            continue
        parsed.append((index, data))
    items: list[_Item] = []
    sorted_out = _Sorted()
    if parsed:
        with store.session() as session:
            items = _resolve_channels(session, parsed, actor, opts.default_channel, received, result)
            sorted_out = _drop_duplicates(session, items, result)
    everything = sorted_out.new + sorted_out.edits
    if everything:
        started = time.perf_counter()
        verdicts = triage.classify(
            [
                TriageComment(
                    # A key that can never equal a stored comment's id, so no person's decision is matched to it.
                    id=f"{'edit' if item.stored_id is not None else 'new'}-{item.index}",
                    text=item.data.text,
                    platform=item.channel.platform,
                    author=item.data.author,
                    post=item.data.thread,
                    language_hint=item.data.language,
                )
                for item in everything
            ]
        )
        # The triage latency histogram of /metrics (hierniet.metrics), wherever ingestion triages.
        metrics.observe_triage(time.perf_counter() - started, len(everything))
        for item, verdict in zip(everything, verdicts, strict=True):
            item.verdict = verdict
    later = [(item.index, item.data) for item in sorted_out.later]
    return _Prepared(entries, received, sorted_out.new, sorted_out.edits, sorted_out.repeats, later, result)


def _commit(
    store: repo.Store,
    triage: Classifier,
    prepared: _Prepared,
    actor: Actor,
    opts: _Options,
    *,
    retry: bool = True,
) -> IngestResult:
    result = prepared.result
    if prepared.items or prepared.edits:
        try:
            stored_ids = _store(
                store, prepared.items, prepared.edits, actor, prepared.received, result, repeats=len(prepared.repeats)
            )
        except (IntegrityError, DataError) as exc:
            if retry and isinstance(exc, IntegrityError):
                # Another writer (or the chunk just before, stored after this one's duplicate check) stored some
                # of these comments: check again.
                again = _prepare(store, triage, prepared.entries, actor, opts)
                return _commit(store, triage, again, actor, opts, retry=False)
            # Still refused: one item the checks above let through must not sink the others, so the chunk is
            # stored item by item and only the refused one is rejected.
            return _one_by_one(store, triage, prepared.entries, actor, opts, exc)
        result.duplicates += [
            DuplicateItem(index, stored_ids[first], external_id) for index, first, external_id in prepared.repeats
        ]
    if prepared.later:
        # Now that the first version is stored, the later ones are edits of it (or duplicates).
        after = _prepare(store, triage, prepared.later, actor, opts)
        result.extend(_commit(store, triage, after, actor, opts))
    result.duplicates.sort(key=lambda d: d.index)
    result.rejected.sort(key=lambda r: r.index)
    result.edited.sort(key=lambda e: e.index)
    return result


def _one_by_one(
    store: repo.Store,
    triage: Classifier,
    entries: Sequence[tuple[int, Any]],
    actor: Actor,
    opts: _Options,
    exc: IntegrityError | DataError,
) -> IngestResult:
    if len(entries) == 1:
        index, raw = entries[0]
        result = IngestResult()
        # The database's own message may name other rows (another organisation's ids): it stays in the logs.
        result.rejected.append(
            RejectedItem(
                index,
                _guess_id(raw),
                f"the database refused this comment ({type(exc.orig).__name__}); the rest of the batch was "
                "stored: check its fields, or report it if it looks valid",
            )
        )
        return result
    _log.warning("a chunk of %d comments was refused by the database (%s): storing it item by item", len(entries), exc)
    result = IngestResult()
    for entry in entries:
        single = _prepare(store, triage, [entry], actor, opts)
        result.extend(_commit(store, triage, single, actor, opts))
    result.duplicates.sort(key=lambda d: d.index)
    result.rejected.sort(key=lambda r: r.index)
    result.edited.sort(key=lambda e: e.index)
    return result


def _resolve_channels(
    session: Any,
    parsed: Sequence[tuple[int, CommentIn]],
    actor: Actor,
    default_channel: ChannelRef | None,
    received: datetime,
    result: IngestResult,
) -> list[_Item]:
    ids: set[int] = set()
    keys: set[tuple[str, str]] = set()
    for _, c in parsed:
        if c.channel_id is not None:
            ids.add(c.channel_id)
        elif c.channel and c.platform:
            keys.add((c.platform, c.channel))
    if default_channel is not None:
        if default_channel.channel_id is not None:
            ids.add(default_channel.channel_id)
        elif default_channel.platform and default_channel.external_id:
            keys.add((default_channel.platform, default_channel.external_id))
    found = repo.channels_with_organisations(session, ids, keys)
    by_id = {ch.id: (ch, org) for ch, org in found}
    by_key = {(ch.platform, ch.external_id): (ch, org) for ch, org in found}

    def default() -> tuple[Channel, Organisation] | None:
        if default_channel is None:
            return None
        if default_channel.channel_id is not None:
            return by_id.get(default_channel.channel_id)
        return by_key.get((default_channel.platform or "", default_channel.external_id or ""))

    items: list[_Item] = []
    for index, c in parsed:
        pair: tuple[Channel, Organisation] | None
        if c.channel_id is not None:
            pair = by_id.get(c.channel_id)
            missing = f"unknown channel_id {c.channel_id}: list the channels with GET /api/v1/channels"
        elif c.channel:
            if not c.platform:
                result.rejected.append(
                    RejectedItem(
                        index,
                        c.id,
                        f'channel {c.channel!r} needs a platform: add "platform": "facebook" (or the channel_id)',
                    )
                )
                continue
            pair = by_key.get((c.platform, c.channel))
            missing = (
                f"unknown channel {c.platform}/{c.channel}: an admin creates it first "
                "(POST /api/v1/channels), or send the channel_id of an existing one"
            )
        else:
            pair = default()
            missing = (
                "no channel: give channel_id, or platform and channel (the channel's id on that platform)"
                if default_channel is None
                else "the default channel does not exist: create it first, or name an existing one"
            )
        if pair is None:
            result.rejected.append(RejectedItem(index, c.id, missing))
            continue
        channel, organisation = pair
        if c.platform and c.platform != channel.platform:
            result.rejected.append(
                RejectedItem(
                    index,
                    c.id,
                    f"platform {c.platform} does not match channel {channel.id} ({channel.platform}/"
                    f"{channel.external_id}): send the comment to a {c.platform} channel or fix the platform",
                )
            )
            continue
        if not actor.sees(organisation.id):
            result.rejected.append(
                RejectedItem(index, c.id, f"channel {channel.id} belongs to another organisation than {actor.name}'s")
            )
            continue
        when = min(c.posted_at, received) if c.posted_at is not None else received
        policy = policy_for(channel.policy_yaml, organisation.policy_yaml, organisation_name=organisation.name)
        items.append(_Item(index, c, channel, organisation, policy, when))
    return items


@dataclass(slots=True)
class _Sorted:
    """A chunk's items sorted by what the store already holds."""

    new: list[_Item] = field(default_factory=list)
    edits: list[_Item] = field(default_factory=list)
    repeats: list[tuple[int, int, str]] = field(default_factory=list)  # (index, first index, external id)
    later: list[_Item] = field(default_factory=list)


def _drop_duplicates(session: Any, items: list[_Item], result: IngestResult) -> _Sorted:
    """New comments, edits of stored ones, repeats within the chunk, and later versions to ingest after it.

    Stored duplicates with the same text go to `result.duplicates`.
    """
    # A comment is known by its channel and its id there, never by platform and id alone: another
    # organisation's channel may send (or forge) the same id, and that must neither edit nor block this one.
    by_channel: dict[int, list[str]] = {}
    for item in items:
        by_channel.setdefault(item.channel.id, []).append(item.data.id)
    stored: dict[tuple[int, str], repo.StoredText] = {}
    for channel_id, external_ids in by_channel.items():
        for external_id, found in repo.stored_texts(session, channel_id, external_ids).items():
            stored[(channel_id, external_id)] = found
    # An unmarked new text that the comment had before is a late copy of an older version, not an edit.
    unmarked = [
        stored[key].comment_id
        for item in items
        if (key := (item.channel.id, item.data.id)) in stored
        and not item.data.edited
        and item.data.text != stored[key].text
    ]
    earlier = repo.revision_texts(session, unmarked) if unmarked else {}
    out = _Sorted()
    first_in_batch: dict[tuple[int, str], _Item] = {}
    for item in items:
        key = (item.channel.id, item.data.id)
        first = first_in_batch.get(key)
        if first is not None:
            if item.data.text == first.data.text:
                if first.stored_id is None:
                    out.repeats.append((item.index, first.index, item.data.id))
                else:
                    result.duplicates.append(DuplicateItem(item.index, first.stored_id, item.data.id))
            else:
                out.later.append(item)
            continue
        row = stored.get(key)
        if row is None:
            first_in_batch[key] = item
            out.new.append(item)
            continue
        if (
            item.data.text == row.text
            or (not item.data.edited and item.data.text in earlier.get(row.comment_id, set()))
            or _redacted_copy(item.data.text, row)
        ):
            result.duplicates.append(DuplicateItem(item.index, row.comment_id, item.data.id))
            continue
        item.stored_id = row.comment_id
        first_in_batch[key] = item
        out.edits.append(item)
    return out


def _redacted_copy(text: str, row: repo.StoredText) -> bool:
    """A platform sending again what the retention purge or an erasure redacted: not an edit, or the
    erased text and personal data would come back (an erased comment takes no more edits)."""
    if row.erased:
        return True
    return row.pii_redacted and privacy.is_redacted_copy(text, row.text)


def _create(
    tx: Any, items: list[_Item], actor: Actor, received: datetime, result: IngestResult, *, repeats: int
) -> list[int]:
    """Insert the new comments with their verdicts, recommendations and automatic calls; their ids in order."""
    by_platform: dict[str, dict[str, repo.AuthorIn]] = {}
    for item in items:
        if item.data.author:
            by_platform.setdefault(item.channel.platform, {})[item.data.author] = repo.AuthorIn(
                item.data.author, item.data.author_name, item.data.author_in_belgium, item.data.author_created_at
            )
    authors = {
        (platform, external_id): row
        for platform, wanted in by_platform.items()
        for external_id, row in repo.ensure_authors(tx, platform, list(wanted.values())).items()
    }
    for item in items:
        if item.data.author:
            item.author_id = authors[(item.channel.platform, item.data.author)].id

    repo.upsert_posts(tx, _posts(items))

    keys: set[HistoryKey] = {(i.organisation.id, i.author_id) for i in items if i.author_id is not None}
    window = max(i.policy.escalation.window_days for i in items)
    histories = load_histories(tx, keys, since_for(min(i.when for i in items), window))

    # Oldest first, so an author's earlier comment in this batch counts for their later ones.
    for item in sorted(items, key=lambda i: (i.when, i.index)):
        assert item.verdict is not None
        key = (item.organisation.id, item.author_id) if item.author_id is not None else None
        author = authors.get((item.channel.platform, item.data.author or ""))
        in_belgium = item.data.author_in_belgium if author is None else author.in_belgium
        rec = recommend(
            item.verdict,
            histories.get(key, []) if key else [],
            item.policy,
            item.channel.platform,
            now=item.when,
            author_in_belgium=in_belgium,
        )
        item.recommendation = rec
        if key is not None:
            histories[key].append(
                HistoryEntry(
                    when=item.when,
                    step=rec.step,
                    labels=item.verdict.labels,
                    comment_id=f"new-{item.index}",
                )
            )

    # Plain executemany inserts, the new ids read back by key: an ordered RETURNING goes row by row on SQLite.
    repo.insert_many(tx, Comment, [_comment_row(i, received) for i in items])
    by_key: dict[tuple[int, str], int] = {}
    for channel_id in {i.channel.id for i in items}:
        external_ids = [i.data.id for i in items if i.channel.id == channel_id]
        by_key.update({(channel_id, k): v for k, v in repo.existing_comments(tx, channel_id, external_ids).items()})
    comment_ids = [by_key[(i.channel.id, i.data.id)] for i in items]
    repo.insert_many(
        tx,
        VerdictRow,
        [verdict_row(cid, 1, _v(i), received) for i, cid in zip(items, comment_ids, strict=True)],
    )
    verdict_by_comment = repo.ids_by_comment(tx, VerdictRow, comment_ids)
    verdict_ids = [verdict_by_comment[cid] for cid in comment_ids]
    repo.insert_many(
        tx,
        VerdictLabel,
        [row for i, vid in zip(items, verdict_ids, strict=True) for row in label_rows(vid, _v(i))],
    )
    repo.insert_many(
        tx,
        RecommendationRow,
        [
            recommendation_row(cid, vid, _r(i), received)
            for i, cid, vid in zip(items, comment_ids, verdict_ids, strict=True)
        ],
    )
    rec_by_comment = repo.ids_by_comment(tx, RecommendationRow, comment_ids)
    rec_ids = [rec_by_comment[cid] for cid in comment_ids]
    actions: list[dict[str, Any]] = []
    for i, cid, rid in zip(items, comment_ids, rec_ids, strict=True):
        rec = _r(i)
        if rec.auto:
            actions += action_rows(
                comment_id=cid,
                channel_id=i.channel.id,
                calls=rec.actions,
                reply=rec.reply,
                now=received,
                recommendation_id=rid,
                label=rec.label.value if rec.label else None,
                platform=i.channel.platform,
            )
    repo.insert_many(tx, QueuedAction, actions)
    # A raid's hold on a post (YouTube: each comment held on its own) holds the new comments stored under it.
    raid_holds.hold_new(
        tx,
        actor,
        [
            raid_holds.NewComment(
                comment_id=cid,
                channel_id=i.channel.id,
                organisation_id=i.organisation.id,
                platform=i.channel.platform,
                post=i.data.thread,
                auto_calls=tuple(_r(i).actions) if _r(i).auto else (),
            )
            for i, cid in zip(items, comment_ids, strict=True)
        ],
        received,
    )
    # Alerts to the lead are only queued here (a row for the few comments that call for one); the worker
    # delivers them, so a slow mail server never slows ingestion.
    repo_alerts.add_alerts(
        tx,
        [
            row
            for i, cid in zip(items, comment_ids, strict=True)
            for row in alerts.alert_rows(cid, i.organisation.id, i.channel.id, _v(i).labels, _v(i).severity, received)
        ],
    )

    per_org: dict[int, list[int]] = {}
    for i, cid in zip(items, comment_ids, strict=True):
        per_org.setdefault(i.organisation.id, []).append(cid)
    for organisation_id, ids in per_org.items():
        audit.record(
            tx,
            actor,
            action="comments.ingested",
            subject_type="comments",
            subject_id=f"{min(ids)}-{max(ids)}",
            organisation_id=organisation_id,
            detail={
                "created": len(ids),
                "duplicates": len(result.duplicates) + repeats,
                "rejected": len(result.rejected),
                "auto": sum(1 for i in items if i.organisation.id == organisation_id and _r(i).auto),
            },
        )
    return comment_ids


def _store(
    store: repo.Store,
    items: list[_Item],
    edits: list[_Item],
    actor: Actor,
    received: datetime,
    result: IngestResult,
    *,
    repeats: int,
) -> dict[int, int]:
    """Store the chunk in one transaction: the new comments, then the edits; the new comment ids by item index."""
    with store.transaction() as tx:
        comment_ids = _create(tx, items, actor, received, result, repeats=repeats) if items else []
        edited: dict[int, decisions.Retriaged] = {}
        if edits:
            repo.upsert_posts(tx, _posts(edits))
            edited = decisions.apply_edits(
                tx,
                actor,
                [decisions.EditIn(_stored(i), i.data.text, _v(i)) for i in sorted(edits, key=lambda e: e.index)],
                now=received,
            )
            # An edit can turn a comment into a threat or a cry for help: alerted then (once per kind).
            repo_alerts.add_alerts(
                tx,
                [
                    row
                    for i in edits
                    if (again := edited.get(_stored(i))) is not None
                    for row in alerts.alert_rows(
                        again.comment_id, i.organisation.id, i.channel.id, again.labels, again.severity, received
                    )
                ],
            )

    for i, cid in zip(items, comment_ids, strict=True):
        v, r = _v(i), _r(i)
        result.created.append(
            IngestedItem(
                index=i.index,
                comment_id=cid,
                external_id=i.data.id,
                status=status_for(r).value,
                step=r.step.value,
                labels=[label.value for label in v.labels],
                severity=int(v.severity),
                auto=r.auto,
            )
        )
    _edited(edits, edited, result)
    return {i.index: cid for i, cid in zip(items, comment_ids, strict=True)}


def _edited(edits: list[_Item], done: dict[int, decisions.Retriaged], result: IngestResult) -> None:
    for i in edits:
        r = done.get(_stored(i))
        if r is None:  # another writer applied the same edit first
            result.duplicates.append(DuplicateItem(i.index, _stored(i), i.data.id))
            continue
        result.edited.append(
            EditedItem(
                index=i.index,
                comment_id=r.comment_id,
                external_id=i.data.id,
                status=r.status,
                step=r.step,
                labels=r.labels,
                severity=r.severity,
                previous_severity=r.previous_severity,
                held=r.held,
            )
        )


def _stored(item: _Item) -> int:
    assert item.stored_id is not None
    return item.stored_id


def _posts(items: Sequence[_Item]) -> list[repo.PostIn]:
    """The posts described in the batch, one per channel and post id; what a later item says wins."""
    posts: dict[tuple[int, str], repo.PostIn] = {}
    for item in items:
        d = item.data
        if d.thread is None or (d.post_text is None and d.post_url is None and d.post_posted_at is None):
            continue
        key = (item.channel.id, d.thread)
        earlier = posts.get(key)
        posts[key] = repo.PostIn(
            channel_id=item.channel.id,
            external_id=d.thread,
            text=d.post_text if d.post_text is not None else (earlier.text if earlier else None),
            url=d.post_url if d.post_url is not None else (earlier.url if earlier else None),
            posted_at=d.post_posted_at if d.post_posted_at is not None else (earlier.posted_at if earlier else None),
        )
    return list(posts.values())


def _v(item: _Item) -> Verdict:
    assert item.verdict is not None
    return item.verdict


def _r(item: _Item) -> Recommendation:
    assert item.recommendation is not None
    return item.recommendation


def _comment_row(item: _Item, received: datetime) -> dict[str, Any]:
    v, r = _v(item), _r(item)
    return {
        "channel_id": item.channel.id,
        "author_id": item.author_id,
        "platform": item.channel.platform,
        "external_id": item.data.id,
        "thread_external_id": item.data.thread,
        "parent_external_id": item.data.parent,
        "text": item.data.text,
        "language_hint": item.data.language,
        "posted_at": item.data.posted_at or received,
        "received_at": received,
        "status": status_for(r).value,
        "verdict_version": 1,
        "language": v.language.value,
        "severity": int(v.severity),
        "labels": [label.value for label in v.labels],
        "step": r.step.value,
        "auto": r.auto,
        "alert_lead": r.alert_lead,
        "decided_step": None,
    }
