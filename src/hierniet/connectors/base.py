"""The connector contract: how comments come in from a platform and how actions go out to it.

One class per platform (hierniet.connectors.<module>.<Class>, listed in `CONNECTORS`), built per channel by
`connector_for(platform, channel, credentials, http)`. A connector knows nothing of the store, the policy or
the worker: it turns platform traffic into plain data and plain data into platform calls.

Comments in, one of two ways (a connector implements the one its platform offers):

* `parse_webhook(request) -> WebhookResult` for platforms that push (Meta, LinkedIn). The web route
  (hierniet.web.hooks) reads the raw body first (size-limited), hands it over unparsed, and answers with
  what the result or the raised error says. The connector checks the signature on the RAW bytes before it
  parses anything (raise `BadSignature`), answers a verification handshake by returning a result with
  `response` set, raises `MalformedPayload` for a body it cannot read, and puts events it does not handle
  in `ignored` (the route answers 200 so the platform does not retry them forever).
* `poll(cursor) -> PollResult(comments, cursor)` for platforms that are read (YouTube, TikTok, X) or
  streamed (Mastodon, Bluesky Jetstream: read what is there within a bounded time, then return). The
  cursor is an opaque string the connector alone understands; the caller stores it after the comments
  are ingested, so a crash re-reads rather than loses (ingestion is idempotent on platform + id).

Actions out: `apply(action: OutboxAction) -> ActionOutcome`, one outbox row per call. The outcome is
`done`, `retry` (with `retry_after` seconds, for 429 and platform outages) or `failed` (permanently: the
platform refused, retrying cannot help). A connector may instead raise `RateLimited`, `PlatformDown`,
`PermanentError`: the worker maps them the same way (`outcome_for_error`). Use `request()` for every HTTP
call: it applies the timeout and turns 429/5xx/network errors into those exceptions.

Exactly once: the worker claims an action with a lease before sending it. If it crashed after sending and
before recording, the action comes back "in doubt". When the connector sends `action.idempotency_key` to a
platform that deduplicates on it (`sends_idempotency_keys`) it is simply sent again. Otherwise the worker
asks `check_applied(action)`: True -> recorded done, no second call; False -> sent; None (cannot tell) ->
sent again only if the action is in `idempotent_actions` (hide twice = hidden), else it fails "in doubt"
for a person to check, rather than risk a second reply.

Errors say what is wrong and how to fix it; credentials never appear in them, nor in logs.
See docs/connectors.md for the same contract with examples.
"""

from __future__ import annotations

import base64
import email.utils
import hashlib
import hmac
import importlib
import time
from abc import ABC
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, ClassVar, NamedTuple, Protocol

import httpx

from hierniet.domain import Platform

#: Timeouts of every platform call (house rule 7): a platform that hangs must not hold the worker.
DEFAULT_TIMEOUT = httpx.Timeout(15.0, connect=5.0)
#: A retry_after for outages whose answer names none.
DEFAULT_RETRY_AFTER = 30.0
#: The wait before retrying an action whose channel is misconfigured (a person has to act first).
CONFIG_RETRY_AFTER = 3600.0


# --------------------------------------------------------------------------------------------------- errors


class ConnectorError(Exception):
    """Something a connector cannot do; the message says what and how to fix it (never a secret)."""


class ConfigError(ConnectorError):
    """The channel's configuration or credentials are missing or wrong (fix with `hierniet channel add`)."""


class NotSupported(ConnectorError):
    """The platform offers no such thing (a webhook on a polled platform, an action it has no API for)."""


class BadSignature(ConnectorError):
    """A webhook whose signature is missing or does not match: answered 401 (missing) or 403 (wrong)."""

    def __init__(self, message: str, *, missing: bool = False) -> None:
        super().__init__(message)
        self.missing = missing


class MalformedPayload(ConnectorError):
    """A webhook or API answer that cannot be read as the platform documents it: answered 400."""


class RateLimited(ConnectorError):
    """The platform said 429 (or a quota is spent): try again after `retry_after` seconds."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PlatformDown(ConnectorError):
    """The platform answered 5xx, timed out or could not be reached: try again later."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentError(ConnectorError):
    """The platform refused the call for good (4xx other than 429): retrying cannot help."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


# ------------------------------------------------------------------------------------------------ data in


@dataclass(frozen=True, slots=True)
class IncomingComment:
    """One platform comment as a connector yields it: the fields POST /api/v1/comments accepts.

    `id` is the comment's id on its platform (unique per platform), `thread` the organisation's post it is
    under, `parent` the comment it answers. `posted_at` must carry a timezone. `edited` is True when the
    platform says this is a new text of a comment it sent before (ingestion keeps the old text as a revision
    and triages the comment again).
    """

    id: str
    text: str
    author: str | None = None
    author_name: str | None = None
    author_in_belgium: bool | None = None
    thread: str | None = None
    parent: str | None = None
    posted_at: datetime | None = None
    language: str | None = None
    edited: bool = False
    # When the author's account was made, where the platform says so (Mastodon, X): raids of new accounts.
    author_created_at: datetime | None = None

    def as_ingest(self, *, channel_id: int, platform: str) -> dict[str, Any]:
        """The item for hierniet.services.ingest.ingest (the same shape the REST API takes)."""
        item: dict[str, Any] = {"id": self.id, "text": self.text, "channel_id": channel_id, "platform": platform}
        for key in ("author", "author_name", "author_in_belgium", "thread", "parent", "language"):
            value = getattr(self, key)
            if value is not None:
                item[key] = value
        if self.posted_at is not None:
            item["posted_at"] = self.posted_at
        if self.author_created_at is not None:
            item["author_created_at"] = self.author_created_at
        if self.edited:
            item["edited"] = True
        return item


@dataclass(frozen=True, slots=True)
class WebhookRequest:
    """A webhook call as the route received it: headers with lower-case names, the body unparsed."""

    method: str
    headers: Mapping[str, str]
    body: bytes
    query: Mapping[str, str] = field(default_factory=dict)

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass(frozen=True, slots=True)
class WebhookResponse:
    """What the route answers instead of the default 200 (a verification handshake's challenge)."""

    status: int = 200
    body: str = ""
    media_type: str = "text/plain"


@dataclass(slots=True)
class WebhookResult:
    """What one verified webhook call carried.

    `response` set: answer it as is and store nothing (a handshake). `event_ids`: the platform's ids of
    the events, for the replay guard (empty: the route guards on a hash of the signature and body).
    `comments` new or edited comments for ingestion, `removed` ids of comments removed on the platform,
    `ignored` one reason per event this connector does not handle (answered 200 all the same).
    """

    comments: list[IncomingComment] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    event_ids: list[str] = field(default_factory=list)
    response: WebhookResponse | None = None


class PollResult(NamedTuple):
    """The comments read since `cursor`, and the cursor to store once they are ingested."""

    comments: list[IncomingComment]
    cursor: str | None


# ----------------------------------------------------------------------------------------------- data out


@dataclass(frozen=True, slots=True)
class OutboxAction:
    """One queued platform call, with what the connector needs to address it.

    `action` is the policy's action name for the platform (hide, hide_reply, hold_for_review, delete,
    reject, block, ban_from_page, reject_and_ban_author, mute, report, reply, unhide). `payload` holds
    e.g. {"text": ...} for a reply. `idempotency_key` is stable across retries of this action.
    """

    id: int
    action: str
    comment_external_id: str
    payload: Mapping[str, Any] = field(default_factory=dict)
    idempotency_key: str = ""
    thread_external_id: str | None = None
    parent_external_id: str | None = None
    author_external_id: str | None = None
    attempt: int = 1


class OutcomeKind(StrEnum):
    DONE = "done"
    RETRY = "retry"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class ActionOutcome:
    """What became of one action: done, retry later (after `retry_after` seconds) or failed for good.

    `detail` is a line for the desk (no secrets); `platform_ref` the platform's id of what was created
    (the reply's id), kept on the outbox row.
    """

    kind: OutcomeKind
    detail: str = ""
    retry_after: float | None = None
    platform_ref: str | None = None
    #: For a retry: True when the platform certainly did not act (a 429, a channel not usable), so a crash
    #: cannot leave it half done; False (the safe default) when it may have acted before failing (5xx, timeout).
    unsent: bool = False

    @classmethod
    def done(cls, detail: str = "", *, platform_ref: str | None = None) -> ActionOutcome:
        return cls(OutcomeKind.DONE, detail, None, platform_ref)

    @classmethod
    def retry_later(cls, detail: str, retry_after: float | None = None, *, unsent: bool = False) -> ActionOutcome:
        return cls(OutcomeKind.RETRY, detail, retry_after, None, unsent)

    @classmethod
    def failed(cls, detail: str) -> ActionOutcome:
        return cls(OutcomeKind.FAILED, detail)


def outcome_for_error(exc: Exception) -> ActionOutcome:
    """The outcome the worker records for an exception raised by `apply` (or `check_applied`)."""
    if isinstance(exc, RateLimited):
        return ActionOutcome.retry_later(f"rate limited: {exc}", exc.retry_after, unsent=True)
    if isinstance(exc, PlatformDown):
        return ActionOutcome.retry_later(f"platform unavailable: {exc}", exc.retry_after)
    if isinstance(exc, ConfigError):
        # A token that expired or a channel without credentials: a person fixes it, then the action goes out.
        return ActionOutcome.retry_later(f"channel not usable: {exc}", CONFIG_RETRY_AFTER, unsent=True)
    if isinstance(exc, PermanentError | NotSupported | MalformedPayload):
        return ActionOutcome.failed(str(exc))
    # Anything else is a bug or an unforeseen answer: retry (the worker gives up after its maximum attempts).
    return ActionOutcome.retry_later(f"{type(exc).__name__}: {exc}")


# ------------------------------------------------------------------------------------------------ channel


@dataclass(frozen=True, slots=True)
class ChannelInfo:
    """The channel a connector works for: hierniet's id, the platform's id, and its connector settings.

    `config` is the channel's non-secret connector configuration (e.g. {"base_url": ..., "app_id": ...});
    tests point `base_url` at a local server.
    """

    id: int
    platform: str
    external_id: str
    config: Mapping[str, Any] = field(default_factory=dict)


class QuotaLedger(Protocol):
    """Daily quota accounting a connector may be given (YouTube); kept in the store by the worker."""

    def spend(self, units: int) -> bool:
        """Record `units` spent today; False (and nothing recorded) when that would pass the daily limit."""
        ...

    def exhaust(self) -> None:
        """Record the quota as spent for today (the platform said so, whatever the local count says)."""
        ...

    def seconds_until_reset(self) -> float: ...


class Connector(ABC):
    """One platform's connector for one channel. Subclasses set the class attributes and override
    `parse_webhook` or `poll`, and `apply`."""

    platform: ClassVar[Platform]
    #: "webhook", "poll" or both: how comments arrive.
    receives: ClassVar[frozenset[str]] = frozenset()
    #: The action names `apply` carries out.
    actions: ClassVar[frozenset[str]] = frozenset()
    #: Actions that are safe to send twice (the second leaves the same state): re-sent after a crash.
    idempotent_actions: ClassVar[frozenset[str]] = frozenset()
    #: True when `apply` sends `action.idempotency_key` to a platform that deduplicates on it.
    sends_idempotency_keys: ClassVar[bool] = False
    #: Credential names the connector needs (checked by `hierniet channel add`), e.g. ("page_token",).
    required_credentials: ClassVar[tuple[str, ...]] = ()
    #: Config keys with their defaults (e.g. base_url), documented for `hierniet channel add --config`.
    default_config: ClassVar[Mapping[str, Any]] = {}

    def __init__(
        self,
        channel: ChannelInfo,
        credentials: Mapping[str, str],
        http: httpx.Client,
        *,
        quota: QuotaLedger | None = None,
    ) -> None:
        missing = [name for name in self.required_credentials if not credentials.get(name)]
        if missing:
            raise ConfigError(
                f"channel {channel.id} ({channel.platform}/{channel.external_id}) has no {', '.join(missing)}: "
                f"set them with `hierniet channel add {channel.platform} {channel.external_id} "
                + " ".join(f"--secret {m}=..." for m in missing)
                + "`"
            )
        self.channel = channel
        self.credentials = credentials
        self.http = http
        self.quota = quota

    def setting(self, key: str) -> Any:
        """A config value of the channel, or the connector's default."""
        if key in self.channel.config:
            return self.channel.config[key]
        if key in self.default_config:
            return self.default_config[key]
        raise ConfigError(f"channel {self.channel.id} has no {key!r} in its config: add it with --config {key}=...")

    def parse_webhook(self, request: WebhookRequest) -> WebhookResult:
        raise NotSupported(f"{self.platform.value} sends no webhooks: its comments are polled (hierniet worker)")

    def poll(self, cursor: str | None) -> PollResult:
        raise NotSupported(f"{self.platform.value} is not polled: its comments arrive by webhook")

    def apply(self, action: OutboxAction) -> ActionOutcome:
        raise NotSupported(f"{self.platform.value} cannot carry out {action.action!r}")

    def check_applied(self, action: OutboxAction) -> bool | None:
        """After a crash: True when the platform already shows the action's effect, False when it does not,
        None when this connector cannot tell (the worker then fails the action "in doubt")."""
        return None

    def unsupported(self, action: OutboxAction) -> ActionOutcome:
        """The outcome for an action this platform has no API for (so a person does it by hand)."""
        return ActionOutcome.failed(
            f"{self.platform.value} has no API for {action.action!r}: do it by hand in the platform's app, "
            f"or change the policy's platforms.{self.platform.value} capabilities"
        )


# ----------------------------------------------------------------------------------------------- reversals

#: The call that takes back each call, for undoing a decision whose calls were already sent. A connector
#: reverses a call when it carries out the reversing one (`actions`); otherwise a person does it by hand.
#: "unhide" is taken back by the platform's hide call, which the policy names (`hide_action`).
REVERSALS: Mapping[str, str] = {
    "hide": "unhide",
    "hide_reply": "unhide",
    "hold_for_review": "unhide",
    "block": "unblock",
    "ban_from_page": "unban_from_page",
    "mute": "unmute",
    "reply": "delete_reply",
}
#: Calls nothing takes back: a deleted or rejected comment is gone, a report sent is read by the platform.
IRREVERSIBLE: frozenset[str] = frozenset({"delete", "reject", "reject_and_ban_author", "report"})


#: What a person does on the platform to take a call back when no connector can: the reversing call, and the
#: ban of a rejected YouTube comment's author, which YouTube Studio lifts (the comment itself stays rejected).
BY_HAND_REVERSALS: Mapping[str, str] = {**REVERSALS, "reject_and_ban_author": "unblock"}


def reversal_by_hand(action: str) -> str | None:
    """The call a person makes on the platform to take `action` back (a to-do), None when nothing can."""
    return BY_HAND_REVERSALS.get(action)


def reversal(platform: str, action: str, *, hide_action: str = "hide") -> str | None:
    """The call that takes `action` back on `platform` when its connector can make it, else None (by hand)."""
    wanted = hide_action if action == "unhide" else REVERSALS.get(action)
    if wanted is None or action in IRREVERSIBLE:
        return None
    try:
        cls = connector_class(platform)
    except ConfigError:
        return None
    return wanted if wanted in cls.actions else None


# ----------------------------------------------------------------------------------------------- registry

#: Where each platform's connector lives, imported only when a channel needs it (nothing at import time).
CONNECTORS: dict[str, str] = {
    Platform.FACEBOOK.value: "hierniet.connectors.meta:FacebookConnector",
    Platform.INSTAGRAM.value: "hierniet.connectors.meta:InstagramConnector",
    Platform.YOUTUBE.value: "hierniet.connectors.youtube:YouTubeConnector",
    Platform.MASTODON.value: "hierniet.connectors.mastodon:MastodonConnector",
    Platform.BLUESKY.value: "hierniet.connectors.bluesky:BlueskyConnector",
    Platform.LINKEDIN.value: "hierniet.connectors.linkedin:LinkedInConnector",
    Platform.TIKTOK.value: "hierniet.connectors.tiktok:TikTokConnector",
    Platform.X.value: "hierniet.connectors.x:XConnector",
}


def connector_class(platform: str) -> type[Connector]:
    """The connector class for `platform`; ConfigError when there is none."""
    target = CONNECTORS.get(platform)
    if target is None:
        raise ConfigError(
            f"no connector for platform {platform!r}: connectors exist for {', '.join(sorted(CONNECTORS))}; "
            "comments of other channels come in through the API or `hierniet import`"
        )
    module_name, _, class_name = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        raise ConfigError(f"the {platform} connector ({module_name}) is not installed: {exc}") from exc
    cls = getattr(module, class_name, None)
    if not (isinstance(cls, type) and issubclass(cls, Connector)):
        raise ConfigError(f"{target} is not a Connector class")
    return cls


def connector_for(
    platform: str,
    channel: ChannelInfo,
    credentials: Mapping[str, str],
    http: httpx.Client,
    *,
    quota: QuotaLedger | None = None,
) -> Connector:
    """The connector of `channel` on `platform`, with its decrypted credentials and an HTTP client."""
    return connector_class(platform)(channel, credentials, http, quota=quota)


def http_client(*, timeout: httpx.Timeout = DEFAULT_TIMEOUT, **kwargs: Any) -> httpx.Client:
    """An httpx client with the connectors' timeouts (never the library's defaults)."""
    return httpx.Client(timeout=timeout, follow_redirects=False, **kwargs)


# ------------------------------------------------------------------------------------------------ helpers


def hmac_sha256(secret: str | bytes, body: bytes) -> bytes:
    key = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(key, body, hashlib.sha256).digest()


def verify_hmac_sha256(
    secret: str | bytes,
    body: bytes,
    signature: str | None,
    *,
    prefix: str = "",
    encoding: str = "hex",
    header: str = "signature",
) -> None:
    """Check `signature` (e.g. "sha256=<hex>") against the HMAC-SHA256 of the raw `body`, in constant time.

    Raises BadSignature (missing=True when there is no signature at all); returns None when it matches.
    """
    if not secret:
        raise ConfigError("no webhook secret configured for this channel: set it with `hierniet channel add`")
    if not signature:
        raise BadSignature(f"no {header} header: the call is not signed", missing=True)
    given = signature.strip()
    if prefix:
        if not given.lower().startswith(prefix.lower()):
            raise BadSignature(f"the {header} header does not start with {prefix!r}")
        given = given[len(prefix) :]
    digest = hmac_sha256(secret, body)
    expected = digest.hex() if encoding == "hex" else base64.b64encode(digest).decode()
    if encoding == "hex":
        given = given.lower()
    if not hmac.compare_digest(expected.encode(), given.encode()):
        raise BadSignature(f"the {header} header does not match the body: wrong secret, or the body was changed")


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date); None when absent or bad."""
    if not value:
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def request(
    http: httpx.Client,
    method: str,
    url: str,
    *,
    what: str,
    ok: Sequence[int] = (),
    retry_after_of: Callable[[httpx.Response], float | None] | None = None,
    **kwargs: Any,
) -> httpx.Response:
    """Send one platform call; map failures to the contract's errors.

    2xx (and any status in `ok`) is returned. 429 -> RateLimited, 5xx/timeouts/connection errors ->
    PlatformDown, other 4xx -> PermanentError; `what` names the call in the message. Query strings are
    left out of messages: tokens travel in them on some platforms.
    """
    kwargs.setdefault("timeout", DEFAULT_TIMEOUT)
    try:
        response = http.request(method, url, **kwargs)
    except httpx.TimeoutException as exc:
        raise PlatformDown(f"{what}: no answer in time ({type(exc).__name__})") from None
    except httpx.TransportError as exc:
        raise PlatformDown(f"{what}: cannot reach the platform ({type(exc).__name__})") from None
    status = response.status_code
    if 200 <= status < 300 or status in ok:
        return response
    retry_after = parse_retry_after(response.headers.get("retry-after"))
    if retry_after is None and retry_after_of is not None:
        retry_after = retry_after_of(response)
    snippet = _snippet(response)
    if status == 429:
        raise RateLimited(f"{what}: HTTP 429 {snippet}".strip(), retry_after=retry_after)
    if status >= 500:
        raise PlatformDown(f"{what}: HTTP {status} {snippet}".strip(), retry_after=retry_after)
    raise PermanentError(f"{what}: HTTP {status} {snippet}".strip(), status=status)


def _snippet(response: httpx.Response) -> str:
    try:
        text = response.text
    except Exception:  # a body that cannot be decoded says nothing useful anyway
        return ""
    return " ".join(text.split())[:300]


def json_object(response: httpx.Response, what: str) -> dict[str, Any]:
    """The JSON object of an answer, or MalformedPayload naming the call."""
    try:
        data = response.json()
    except ValueError:
        raise MalformedPayload(f"{what}: the answer is not JSON") from None
    if not isinstance(data, dict):
        raise MalformedPayload(f"{what}: the answer is not a JSON object")
    return data


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 time (with Z or an offset, or a unix timestamp) as an aware datetime; None when absent."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(float(value), UTC)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    # Graph API writes offsets without a colon (2026-01-31T20:15:00+0000).
    if len(text) > 5 and text[-5] in "+-" and text[-4:].isdigit() and ":" not in text[-5:]:
        text = text[:-2] + ":" + text[-2:]
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)
