"""Connecting channels to their platforms, and what flows in from them: webhooks and polls.

* `connect_channel` stores a channel's credentials (encrypted) and connector configuration, creating the
  channel first when it does not exist; `list_connections` shows them masked; `disconnect_channel` wipes
  the credentials and stops the worker for that channel (its comments and history stay).
* `open_connector` builds a channel's connector with its decrypted credentials (and, for YouTube, a quota
  ledger kept in the store).
* `receive_webhook` is what /hooks/{platform}/{channel_id} calls: connector checks, replay guard, ingestion
  (edits included), and comments removed on the platform (hierniet.services.removals).
* `poll_channel` is what the worker calls for a polled platform: read from the stored cursor, ingest, then
  store the new cursor (so a crash re-reads, and ingestion's idempotence drops what was read twice).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy.exc import IntegrityError

from hierniet.connectors import base
from hierniet.domain import Platform
from hierniet.policy import parse_platform
from hierniet.services import audit
from hierniet.services import credentials as creds
from hierniet.services.admin import create_channel
from hierniet.services.auth import Actor, Permission, Role, require
from hierniet.services.errors import InvalidInput, NotFound
from hierniet.services.ingest import Classifier, ingest
from hierniet.services.removals import record_removals
from hierniet.services.views import IngestResult
from hierniet.settings import Settings
from hierniet.store import connector_repo as crepo
from hierniet.store import repo
from hierniet.store.tables import Channel, utcnow

#: YouTube's default daily quota (units); a channel's config `quota_limit` overrides it.
YOUTUBE_DAILY_QUOTA = 10_000
_PACIFIC = "America/Los_Angeles"

log = logging.getLogger("hierniet.webhooks")


@dataclass(frozen=True, slots=True)
class ConnectionView:
    """A channel as its connection shows it: the secrets masked (`••••abcd`), never in full."""

    id: int
    organisation_id: int
    platform: str
    external_id: str
    name: str
    active: bool
    connected: bool
    credentials: dict[str, str]
    config: dict[str, Any]
    receives: list[str]
    cursor: str | None = None
    polled_at: datetime | None = None
    last_error: str | None = None


def connector_actor(channel: Channel) -> Actor:
    """Who ingests a connector's comments: the channel's organisation, with ingestion rights only in effect."""
    return Actor(
        user_id=None, name=f"connector:{channel.platform}", role=Role.MODERATOR, organisation_id=channel.organisation_id
    )


def parse_pairs(values: list[str], what: str) -> dict[str, str]:
    """NAME=VALUE pairs from the command line or a form."""
    out: dict[str, str] = {}
    for value in values:
        name, sep, rest = value.partition("=")
        if not sep or not name.strip():
            raise InvalidInput(f"{what} {value.split('=')[0]!r}: write it as NAME=VALUE")
        out[name.strip()] = rest
    return out


def _config_value(value: str) -> Any:
    """Numbers and booleans on the command line become JSON numbers and booleans."""
    lowered = value.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    try:
        return int(value)
    except ValueError:
        pass
    try:
        return float(value)
    except ValueError:
        return value


def connect_channel(
    store: repo.Store,
    settings: Settings,
    actor: Actor,
    *,
    platform: str,
    external_id: str,
    secrets: Mapping[str, str],
    config: Mapping[str, str] | None = None,
    organisation_id: int | None = None,
    name: str = "",
    replace: bool = False,
) -> ConnectionView:
    """Store the channel's credentials (encrypted) and config; create the channel when `organisation_id` is given
    and it does not exist. Without `replace`, the secrets are merged into those stored (rotate one token)."""
    require(actor, Permission.MANAGE_CHANNELS, "connect channels")
    creds.require_key(settings)  # before anything is created: no channel half set up without a key
    where = parse_platform(platform)
    if where is Platform.OTHER:
        raise InvalidInput(f"no connector for platform {platform!r}: use one of {', '.join(sorted(base.CONNECTORS))}")
    cls = base.connector_class(where.value)
    with store.session() as s:
        existing = repo.channel_by_key(s, where.value, external_id.strip())
    if existing is None:
        _check_secrets(cls, where.value, dict(secrets))  # before the channel is created: none half set up
        if organisation_id is None:
            raise NotFound(f"no channel {where.value}/{external_id}: name its organisation (--org SLUG) to create it")
        create_channel(
            store, actor, organisation_id=organisation_id, platform=where.value, external_id=external_id, name=name
        )
    with store.transaction() as tx:
        channel = repo.channel_by_key(tx, where.value, external_id.strip())
        if channel is None or not actor.sees(channel.organisation_id):
            raise NotFound(f"no channel {where.value}/{external_id} you may manage")
        stored = {} if replace else creds.decrypt(settings, channel.credentials_ciphertext)
        merged = {**stored, **{k: v for k, v in secrets.items() if v}}
        _check_secrets(cls, where.value, merged)
        new_config = {} if replace else dict(channel.connector_config or {})
        new_config.update({k: _config_value(v) for k, v in (config or {}).items()})
        crepo.set_connection(
            tx,
            channel.id,
            ciphertext=creds.encrypt(settings, merged),
            hint=creds.hints(merged),
            config=new_config,
            active=True,
        )
        audit.record(
            tx,
            actor,
            action="channel.connected",
            subject_type="channel",
            subject_id=str(channel.id),
            organisation_id=channel.organisation_id,
            # The names of the secrets, never their values.
            detail={"secrets": sorted(merged), "config": sorted(new_config)},
        )
        channel_id = channel.id
    store.channels_changed()
    return _view_of(store, channel_id)


def _check_secrets(cls: type[base.Connector], platform: str, secrets: Mapping[str, str]) -> None:
    missing = [n for n in cls.required_credentials if not secrets.get(n)]
    if missing:
        raise InvalidInput(
            f"{platform} needs the secrets {', '.join(cls.required_credentials)}; missing: "
            + ", ".join(missing)
            + " (give each as --secret NAME=VALUE, or NAME=@env:VARIABLE, or NAME=- to be asked)"
        )


def disconnect_channel(store: repo.Store, actor: Actor, channel_id: int) -> ConnectionView:
    """Wipe the channel's credentials and stop its polling and actions (queued actions stay queued)."""
    require(actor, Permission.MANAGE_CHANNELS, "disconnect channels")
    with store.transaction() as tx:
        channel = repo.get_channel(tx, channel_id)
        if channel is None or not actor.sees(channel.organisation_id):
            raise NotFound(f"no channel {channel_id}: list them with `hierniet channel list`")
        crepo.set_connection(
            tx, channel_id, ciphertext=None, hint={}, config=dict(channel.connector_config or {}), active=False
        )
        audit.record(
            tx,
            actor,
            action="channel.disconnected",
            subject_type="channel",
            subject_id=str(channel_id),
            organisation_id=channel.organisation_id,
            detail={},
        )
    store.channels_changed()
    return _view_of(store, channel_id)


def _view(channel: Channel, cursor: Any) -> ConnectionView:
    try:
        receives = sorted(base.connector_class(channel.platform).receives)
    except base.ConfigError:
        receives = []
    return ConnectionView(
        id=channel.id,
        organisation_id=channel.organisation_id,
        platform=channel.platform,
        external_id=channel.external_id,
        name=channel.name,
        active=channel.active,
        connected=bool(channel.credentials_ciphertext),
        credentials=dict(channel.credentials_hint or {}),
        config=dict(channel.connector_config or {}),
        receives=receives,
        cursor=cursor.cursor if cursor is not None else None,
        polled_at=cursor.polled_at if cursor is not None else None,
        last_error=cursor.last_error if cursor is not None else None,
    )


def _view_of(store: repo.Store, channel_id: int) -> ConnectionView:
    with store.session() as s:
        channel = repo.get_channel(s, channel_id)
        assert channel is not None
        return _view(channel, crepo.get_cursor(s, channel_id))


def list_connections(store: repo.Store, actor: Actor) -> list[ConnectionView]:
    require(actor, Permission.MANAGE_CHANNELS, "see channel connections")
    with store.session() as s:
        return [_view(c, crepo.get_cursor(s, c.id)) for c in repo.list_channels(s, actor.organisation_id)]


# ------------------------------------------------------------------------------------------------ connectors


class StoreQuota:
    """A daily quota counted in the store, by platform day (YouTube's resets at midnight Pacific Time)."""

    def __init__(self, store: repo.Store, key: str, limit: int, *, clock: Callable[[], datetime] = utcnow) -> None:
        self.store = store
        self.key = key
        self.limit = limit
        self.clock = clock

    def _day(self) -> str:
        return self.clock().astimezone(ZoneInfo(_PACIFIC)).date().isoformat()

    def spend(self, units: int) -> bool:
        with self.store.transaction() as tx:
            return crepo.spend_quota(tx, self.key, self._day(), units, self.limit)

    def exhaust(self) -> None:
        with self.store.transaction() as tx:
            crepo.exhaust_quota(tx, self.key, self._day(), self.limit)

    def used(self) -> int:
        with self.store.session() as s:
            return crepo.quota_used(s, self.key, self._day())

    def seconds_until_reset(self) -> float:
        now = self.clock().astimezone(ZoneInfo(_PACIFIC))
        midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), tzinfo=now.tzinfo)
        return max(1.0, (midnight - now).total_seconds())


def open_connector(store: repo.Store, settings: Settings, channel: Channel, http: httpx.Client) -> base.Connector:
    """The channel's connector, with its credentials decrypted; ConfigError (or CredentialsError) when it cannot."""
    secrets = creds.decrypt(settings, channel.credentials_ciphertext)
    config = dict(channel.connector_config or {})
    quota: base.QuotaLedger | None = None
    if channel.platform == Platform.YOUTUBE.value:
        # The quota belongs to the Google Cloud project; channels sharing one name the same quota_key.
        key = str(config.get("quota_key") or f"youtube:{channel.id}")
        quota = StoreQuota(store, key, int(config.get("quota_limit") or YOUTUBE_DAILY_QUOTA))
    info = base.ChannelInfo(channel.id, channel.platform, channel.external_id, config)
    return base.connector_for(channel.platform, info, secrets, http, quota=quota)


# ------------------------------------------------------------------------------------------------ webhooks


@dataclass(slots=True)
class WebhookAnswer:
    """What the webhook route answers: a status and a small body (no secrets, no stack traces)."""

    status: int
    body: str | dict[str, Any] = field(default_factory=dict)
    media_type: str = "application/json"


#: The one answer for every address that takes no webhook: unknown, inactive, polled or not connected. The
#: same status and body for all, so a caller learns nothing of which channels exist or what they lack.
NO_WEBHOOK_STATUS = 404
NO_WEBHOOK_MESSAGE = "no webhook is received at this address"


def _no_webhook(platform: str, channel_id: int, why: str) -> WebhookAnswer:
    # The reason (channel handles, names of missing secrets; never their values) goes to the server log only.
    # %r: the platform comes from the URL, and must not start a forged log line.
    log.warning("webhook refused for /hooks/%r/%s: %s", platform, channel_id, why)
    return WebhookAnswer(NO_WEBHOOK_STATUS, {"error": NO_WEBHOOK_MESSAGE})


def replay_keys(request: base.WebhookRequest, result: base.WebhookResult) -> list[str]:
    if result.event_ids:
        return [f"event:{e}"[:200] for e in dict.fromkeys(result.event_ids)]
    digest = hashlib.sha256()
    for name in ("x-hub-signature-256", "x-li-signature", "x-signature"):
        digest.update((request.header(name) or "").encode())
    digest.update(b"\0")
    digest.update(request.body)
    return [f"sha256:{digest.hexdigest()}"]


@dataclass(slots=True)
class CheckedWebhook:
    """A webhook call that passed every check and carries something to store."""

    channel: Channel
    result: base.WebhookResult
    keys: list[str]  # the replay guard's keys, remembered once it is stored


@dataclass(frozen=True, slots=True)
class WebhookChannel:
    """What the checks of a webhook call need of its channel: the row and its opened connector, or why the
    address takes no webhook (read and opened once, then reused from a `ChannelCache`)."""

    channel: Channel | None
    connector: base.Connector | None
    refused: str | None  # the reason for the server log when no webhook is received at this address


def open_webhook_channel(
    store: repo.Store, settings: Settings, channel_id: int, http: httpx.Client, *, platform: str | None = None
) -> WebhookChannel:
    """Read the channel and open its connector (decrypting its credentials): the part of the checks that reads
    the database. An unknown, inactive or unconnected channel comes back with the reason it takes no webhook."""
    with store.session() as s:
        channel = repo.get_channel(s, channel_id)
    if channel is None or not channel.active or (platform is not None and channel.platform != platform):
        return WebhookChannel(channel, None, "no active channel of that platform with that id")
    try:
        connector = open_connector(store, settings, channel, http)
    except (base.NotSupported, base.ConfigError, creds.CredentialsError) as exc:
        return WebhookChannel(channel, None, str(exc))
    return WebhookChannel(channel, connector, None)


def check_opened(
    opened: WebhookChannel, platform: str, channel_id: int, request: base.WebhookRequest
) -> WebhookAnswer | CheckedWebhook:
    """The checks of a webhook call on its opened channel, without the replay guard: CPU only (the signature on
    the raw bytes, then the payload parsed), no database and no network."""
    channel, connector = opened.channel, opened.connector
    if channel is None or connector is None or channel.platform != platform or not channel.active:
        return _no_webhook(platform, channel_id, opened.refused or "no active channel of that platform with that id")
    try:
        result = connector.parse_webhook(request)
    except base.BadSignature as exc:
        return WebhookAnswer(401 if exc.missing else 403, {"error": str(exc)})
    except base.MalformedPayload as exc:
        return WebhookAnswer(400, {"error": str(exc)})
    except RecursionError:
        # The connectors' json.loads gives up on very deep nesting: a malformed body, not our failure (a 5xx
        # would make the platform send it again forever).
        return WebhookAnswer(400, {"error": "the body is nested too deeply to be a webhook notification"})
    except (base.NotSupported, base.ConfigError, creds.CredentialsError) as exc:
        # A polled platform, or our side not set up: answered as if there were no channel (the platforms
        # retry every non-2xx anyway, so a 503 bought nothing but telling strangers the channel exists).
        return _no_webhook(platform, channel_id, str(exc))
    if result.response is not None:
        return WebhookAnswer(result.response.status, result.response.body, result.response.media_type)
    return CheckedWebhook(channel, result, replay_keys(request, result))


class ChannelCache:
    """Opened webhook channels of this process, each kept `ttl_s` seconds, so that a webhook call reads no
    database: at hundreds of calls a second, the channel's row and the replay guard were two reads a call and
    most of its time.

    A change to a channel made through this process's store (`Store.channels_changed`: connect, disconnect,
    edit) drops every entry at once; a change made by another process (the CLI, another web process) is seen
    within `ttl_s`. A call accepted meanwhile with the old settings is checked again by the ingest worker on the
    channel as it is then (hierniet.streams.service), so it is never stored under a secret or a channel that no
    longer holds: it goes to the dead letters. Unknown ids are remembered too (a scan of ids costs no read per
    id), at most `max_entries` channels in all.
    """

    def __init__(
        self,
        store: repo.Store,
        settings: Settings,
        http: Callable[[], httpx.Client],
        *,
        ttl_s: float,
        max_entries: int = 4096,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store, self.settings, self.http = store, settings, http
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self.clock = clock
        self._entries: dict[int, tuple[float, int, WebhookChannel]] = {}
        self._lock = threading.Lock()

    def cached(self, channel_id: int) -> WebhookChannel | None:
        """The channel if it is kept and still fresh; None when it must be read (`load`)."""
        found = self._entries.get(channel_id)
        if found is None:
            return None
        expires, generation, opened = found
        if expires <= self.clock() or generation != self.store.channels_generation:
            return None
        return opened

    def load(self, channel_id: int) -> WebhookChannel:
        """Read and open the channel (the database), and keep it."""
        generation = self.store.channels_generation
        opened = open_webhook_channel(self.store, self.settings, channel_id, self.http())
        now = self.clock()
        with self._lock:
            if len(self._entries) >= self.max_entries:
                # Expired ones first; if that frees nothing, the oldest half (dicts keep insertion order).
                self._entries = {k: v for k, v in self._entries.items() if v[0] > now}
                if len(self._entries) >= self.max_entries:
                    keep = list(self._entries.items())[self.max_entries // 2 :]
                    self._entries = dict(keep)
            self._entries.pop(channel_id, None)
            self._entries[channel_id] = (now + self.ttl_s, generation, opened)
        return opened

    def get(self, channel_id: int) -> WebhookChannel:
        return self.cached(channel_id) or self.load(channel_id)


def check_webhook(
    store: repo.Store,
    settings: Settings,
    platform: str,
    channel_id: int,
    request: base.WebhookRequest,
    *,
    http: httpx.Client | None = None,
    channels: ChannelCache | None = None,
    replay_guard: bool = True,
) -> WebhookAnswer | CheckedWebhook:
    """The checks of a webhook call, nothing stored: the final answer (refused, handshake, replayed), or what
    it carries. A worker calls it again on the queued call (the same bytes pass the same checks).

    `channels`: opened channels to reuse (else the channel is read now). `replay_guard`: False leaves the replay
    guard's read to whoever stores the call (the ingest worker, with Redis), so the check reads no database."""
    if channels is not None:
        opened = channels.get(channel_id)
    else:
        client = http or base.http_client()
        try:
            opened = open_webhook_channel(store, settings, channel_id, client, platform=platform)
        finally:
            if http is None:
                client.close()
    checked = check_opened(opened, platform, channel_id, request)
    if isinstance(checked, WebhookAnswer) or not replay_guard:
        return checked
    with store.session() as s:
        if crepo.seen_events(s, channel_id, checked.keys) == set(checked.keys):
            return WebhookAnswer(200, {"replayed": True})
    return checked


def finish_webhook(store: repo.Store, checked: CheckedWebhook, when: datetime) -> bool:
    """After its comments are stored: remember the call for the replay guard and record the removals it
    carried. False when a parallel delivery of the same event recorded it first (nothing to do then)."""
    try:
        with store.transaction() as tx:
            record_webhook(tx, checked, when)
    except IntegrityError:
        # A parallel delivery of the same event recorded it first; ingestion was idempotent anyway.
        return False
    return True


def record_webhook(tx: Any, checked: CheckedWebhook, when: datetime) -> None:
    """finish_webhook's writes, in the caller's transaction (IntegrityError: the call was recorded before)."""
    channel, result, platform = checked.channel, checked.result, checked.channel.platform
    crepo.remember_events(tx, channel.id, checked.keys, when)
    if result.removed:
        removal = record_removals(tx, channel, result.removed, actor=f"connector:{platform}", now=when)
        repo.append_audit(
            tx,
            user_id=None,
            actor=f"connector:{platform}",
            action="comments.removed_on_platform",
            subject_type="channel",
            subject_id=str(channel.id),
            organisation_id=channel.organisation_id,
            detail={
                "external_ids": result.removed[:100],
                "comments": removal.removed[:100],
                "unknown": removal.unknown[:100],
                "cancelled_actions": removal.cancelled,
            },
        )


def receive_webhook(
    store: repo.Store,
    settings: Settings,
    triage: Callable[[], Classifier],
    platform: str,
    channel_id: int,
    request: base.WebhookRequest,
    *,
    http: httpx.Client | None = None,
    now: datetime | None = None,
) -> WebhookAnswer:
    """Check, de-duplicate and ingest one webhook call, in the caller's thread. Nothing is stored for a call
    that fails a check. (The web app queues the call instead: hierniet.streams.service.receive.)"""
    when = now or utcnow()
    checked = check_webhook(store, settings, platform, channel_id, request, http=http)
    if isinstance(checked, WebhookAnswer):
        return checked
    channel, result = checked.channel, checked.result
    if result.comments:
        items = [c.as_ingest(channel_id=channel.id, platform=channel.platform) for c in result.comments]
        try:
            outcome: IngestResult = ingest(
                store,
                triage(),
                items,
                actor=connector_actor(channel),
                now=when,
                max_text_chars=settings.comment_max_chars,
            )
        except Exception as exc:  # the platform retries on 5xx: nothing is lost
            return WebhookAnswer(503, {"error": f"could not store the comments now ({type(exc).__name__}); retry"})
        created, duplicates, rejected = len(outcome.created), len(outcome.duplicates), len(outcome.rejected)
        edited = len(outcome.edited)
    else:
        created = duplicates = rejected = edited = 0
    if not finish_webhook(store, checked, when):
        return WebhookAnswer(200, {"replayed": True})
    return WebhookAnswer(
        200,
        {
            "created": created,
            "edited": edited,
            "duplicates": duplicates,
            "rejected": rejected,
            "removed": len(result.removed),
            "ignored": len(result.ignored),
        },
    )


def forget_old_webhook_events(store: repo.Store, settings: Settings, *, now: datetime | None = None) -> int:
    before = (now or utcnow()) - timedelta(seconds=settings.webhook_replay_window_s)
    with store.transaction() as tx:
        return crepo.forget_events(tx, before)


# ------------------------------------------------------------------------------------------------ polling


@dataclass(frozen=True, slots=True)
class PollReport:
    channel_id: int
    platform: str
    read: int = 0
    created: int = 0
    error: str | None = None
    retry_at: datetime | None = None


def poll_channel(
    store: repo.Store,
    settings: Settings,
    triage: Callable[[], Classifier],
    channel: Channel,
    http: httpx.Client,
    *,
    now: datetime | None = None,
    keep: Callable[[], bool] | None = None,
    queue: Any = None,
) -> PollReport:
    """Poll one channel from its stored cursor, ingest what came (or, given an ingest queue, append it there
    for the triage workers: hierniet.streams), then store the cursor.

    `keep` (the worker's polling lease, renewed) is asked before the cursor is stored: False means the lease ran
    out and another worker may be polling from the cursor it read, so ours is not stored over its one (what we
    ingested stays: ingestion drops what the other reads again)."""
    when = now or utcnow()
    with store.session() as s:
        state = crepo.get_cursor(s, channel.id)
    cursor = state.cursor if state is not None else None
    failures = state.failures if state is not None else 0
    try:
        connector = open_connector(store, settings, channel, http)
        comments, new_cursor = connector.poll(cursor)
    except (
        base.RateLimited,
        base.PlatformDown,
        base.ConfigError,
        base.MalformedPayload,
        base.PermanentError,
        creds.CredentialsError,
    ) as exc:
        wait = getattr(exc, "retry_after", None) or min(3600.0, 30.0 * 2 ** min(failures, 7))
        retry_at = when + timedelta(seconds=wait)
        with store.transaction() as tx:
            crepo.save_cursor(
                tx, channel.id, polled_at=when, not_before=retry_at, failures=failures + 1, last_error=str(exc)[:1000]
            )
        return PollReport(channel.id, channel.platform, error=str(exc), retry_at=retry_at)
    created = 0
    if comments:
        items = [c.as_ingest(channel_id=channel.id, platform=channel.platform) for c in comments]
        if queue is not None:
            # Before the cursor is stored: a crash in between reads these again, and ingestion drops the copies.
            from hierniet.streams.queue import ITEMS, RawEvent

            queue.add(RawEvent(ITEMS, channel.platform, channel.id, when, items=items))
        else:
            result = ingest(
                store,
                triage(),
                items,
                actor=connector_actor(channel),
                now=when,
                max_text_chars=settings.comment_max_chars,
            )
            created = len(result.created)
    if keep is not None and not keep():
        log.warning("channel %s: the polling lease ran out before the cursor was stored", channel.id)
        return PollReport(channel.id, channel.platform, read=len(comments), created=created, error="polling lease lost")
    with store.transaction() as tx:
        crepo.save_cursor(
            tx, channel.id, cursor=new_cursor, polled_at=when, not_before=None, failures=0, last_error=None
        )
    return PollReport(channel.id, channel.platform, read=len(comments), created=created)


def still_due(store: repo.Store, channel_id: int, interval_s: float, *, now: datetime | None = None) -> bool:
    """Whether a channel's last poll is still older than `interval_s` and it is not backing off (read again
    once a worker holds its lease: another may have polled it since the list of due channels was made)."""
    when = now or utcnow()
    with store.session() as s:
        state = crepo.get_cursor(s, channel_id)
    if state is None:
        return True
    if state.not_before is not None and state.not_before > when:
        return False
    return state.polled_at is None or (when - state.polled_at).total_seconds() >= interval_s


def due_for_poll(store: repo.Store, interval_s: float, *, now: datetime | None = None) -> list[Channel]:
    """Active connected channels of polled platforms whose last poll is older than `interval_s` and not backing off."""
    when = now or utcnow()
    polled = []
    for platform in base.CONNECTORS:
        try:
            if "poll" in base.connector_class(platform).receives:
                polled.append(platform)
        except base.ConfigError:
            continue  # a connector module not there (yet): its channels are not polled
    out: list[Channel] = []
    with store.session() as s:
        for channel in crepo.active_channels(s, polled):
            if not channel.credentials_ciphertext:
                continue
            state = crepo.get_cursor(s, channel.id)
            if state is not None:
                if state.not_before is not None and state.not_before > when:
                    continue
                if state.polled_at is not None and (when - state.polled_at).total_seconds() < interval_s:
                    continue
            out.append(channel)
    return out
