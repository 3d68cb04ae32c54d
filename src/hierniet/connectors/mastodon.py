"""Mastodon: mentions of (and so replies to) the organisation's account, streamed, with a REST catch-up.

Documented contract followed (docs.joinmastodon.org, API v1):

* streaming: `GET /api/v1/streaming/user/notification` (Server-Sent Events, `Authorization: Bearer`):
  `event: notification` with the Notification as JSON in `data:`; lines starting with `:` are heartbeats
  (the server sends one about every 15 s). The streaming server may live elsewhere (the instance's
  `configuration.urls.streaming`): the channel's `streaming_url` config says where;
* catch-up: `GET /api/v1/notifications?types[]=mention&min_id=<last seen>&limit=40`, page after page
  (`min_id` returns the page immediately newer than the id; `since_id` would skip to the newest page and
  leave a gap after a long outage). Every reply to the account's posts mentions it, so mentions are the
  replies and mentions a desk must see;
* replying: `POST /api/v1/statuses` with `status`, `in_reply_to_id`, `visibility` and the header
  `Idempotency-Key` (Mastodon keeps it an hour: a retry after a crash posts nothing twice);
* `POST /api/v1/accounts/:id/block`, `POST /api/v1/accounts/:id/mute` (idempotent);
* `POST /api/v1/reports` with `account_id`, `status_ids[]`, `comment`, `category`, `forward` (forwarded to
  the author's own server when it is remote);
* rate limits: 429 with `X-RateLimit-Reset` (an ISO 8601 time) and sometimes `Retry-After`;
* holding new comments on a raided post (issue 14): `PUT /api/v1/statuses/:id/interaction_policy` with
  `quote_approval_policy` = public | followers | nobody ("Edit a status' interaction policies", added in 4.5.0,
  `mastodon` API version 7; docs.joinmastodon.org/methods/statuses/, OAuth `write:statuses`), answered with the
  Status. The status's current policy is read from `GET /api/v1/statuses/:id`, its `quote_approval` (the
  QuoteApproval entity, 4.5.0: `automatic` and `manual` lists of public, followers or unsupported_policy; both
  empty: nobody may quote). The hold sets it to nobody and keeps the policy it replaced (`platform_ref`); the
  hold's lift puts that one back, unless someone changed it meanwhile. Changing the policy does not undo quotes
  made before. Replies cannot be limited through the API: that part of a hold stays a to-do for a person
  (hierniet.services.raids.HOLD_REPLIES_HOW).

An account cannot hide or delete others' replies on Mastodon: the policy blocks, mutes and reports.

`poll(cursor)` is a bounded stream session: catch up by REST from the cursor (the id of the newest
notification seen), then stream for `stream_seconds`; when the stream drops (a server restart, a proxy
cutting idle connections, no heartbeat for `read_timeout` seconds) it waits (`reconnect_delay`, doubling
up to `max_reconnect_delay`), reconnects, and catches up by REST from the last id seen before reading on, so
nothing said while it was away is lost. The connection is opened before the catch-up, so what arrives
during the catch-up waits in the stream and is deduplicated by id.

Credentials: `access_token` (scopes read:notifications read:statuses write:statuses write:blocks
write:mutes write:reports). Config: `base_url` (the instance, required), `streaming_url`, `account_id` (the
organisation's account; looked up with verify_credentials when absent), `stream_seconds`, `read_timeout`,
`reconnect_delay`, `max_reconnect_delay`, `max_pages`, `report_forward`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import datetime
from html.parser import HTMLParser
from typing import Any, ClassVar

import httpx

from hierniet.connectors.base import (
    ActionOutcome,
    ConfigError,
    Connector,
    ConnectorError,
    IncomingComment,
    MalformedPayload,
    OutboxAction,
    PermanentError,
    PlatformDown,
    PollResult,
    RateLimited,
    json_object,
    parse_time,
    request,
)
from hierniet.domain import Platform

_PAGE = 40  # the largest page Mastodon serves for notifications


def reset_after(response: httpx.Response) -> float | None:
    """Seconds until `X-RateLimit-Reset` (ISO 8601; some servers and mocks write unix seconds)."""
    value = response.headers.get("x-ratelimit-reset")
    if not value:
        return None
    text = value.strip()
    try:
        when = float(text)
    except ValueError:
        parsed = parse_time(text)
        if parsed is None:
            return None
        when = parsed.timestamp()
    return max(1.0, when - time.time())


class _Text(HTMLParser):
    """Mastodon's status HTML as the plain text a moderator (and triage) reads."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "p":
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(content: str) -> str:
    parser = _Text()
    parser.feed(content)
    parser.close()
    text = "".join(parser.parts)  # character references are already converted by the parser
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def _newer(a: str | None, b: str | None) -> str | None:
    """The newer of two Mastodon ids (numeric strings compared as numbers, longer means newer)."""
    if not a:
        return b
    if not b:
        return a
    return a if (len(a), a) >= (len(b), b) else b


class _Dropped(Exception):
    """The stream ended or stalled before the session's end: reconnect and catch up."""


class _NoStreaming(Exception):
    """The server has no streaming API (or not at that address): this session is REST only."""


#: The calls on the author's account: the relationship field each sets, to what, and the outcome's words.
#: Unblock and unmute take back a block or a mute when a decision is undone (connectors.base.reversal).
_RELATIONS: dict[str, tuple[str, bool, str]] = {
    "block": ("blocking", True, "blocked"),
    "mute": ("muting", True, "muted"),
    "unblock": ("blocking", False, "unblocked"),
    "unmute": ("muting", False, "unmuted"),
}


class MastodonConnector(Connector):
    platform: ClassVar[Platform] = Platform.MASTODON
    receives: ClassVar[frozenset[str]] = frozenset({"poll"})
    actions: ClassVar[frozenset[str]] = frozenset(
        {"reply", "block", "mute", "unblock", "unmute", "report", "hold_new_comments", "release_hold"}
    )
    idempotent_actions: ClassVar[frozenset[str]] = frozenset({"block", "mute", "unblock", "unmute"})
    sends_idempotency_keys: ClassVar[bool] = True
    required_credentials: ClassVar[tuple[str, ...]] = ("access_token",)
    default_config: ClassVar[dict[str, Any]] = {
        # Short, because the worker polls channels one after the other; the REST catch-up at the start of the
        # next session fetches whatever was said between two sessions.
        "stream_seconds": 20.0,
        "read_timeout": 40.0,
        "reconnect_delay": 1.0,
        "max_reconnect_delay": 30.0,
        "max_pages": 25,
        "report_forward": True,
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._account_id: str | None = None
        #: How many times the stream was (re)connected in the last poll: for tests and the worker's log.
        self.connections = 0
        #: How many REST catch-ups the last poll made.
        self.catch_ups = 0

    # ------------------------------------------------------------------------------------------ plumbing

    @property
    def _base(self) -> str:
        base = self.channel.config.get("base_url")
        if not base:
            raise ConfigError(
                f"channel {self.channel.id} has no Mastodon instance: add --config base_url=https://your.instance"
            )
        return str(base).rstrip("/")

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.credentials['access_token']}"}

    def _call(self, method: str, path: str, *, what: str, **kwargs: Any) -> httpx.Response:
        headers = {**self._headers(), **kwargs.pop("headers", {})}
        try:
            return request(
                self.http, method, self._base + path, what=what, headers=headers, retry_after_of=reset_after, **kwargs
            )
        except PermanentError as exc:
            raise _explained(exc) from None

    def account_id(self) -> str:
        """The organisation's own account id (config, else verify_credentials once)."""
        if self._account_id is None:
            configured = self.channel.config.get("account_id")
            if configured:
                self._account_id = str(configured)
            else:
                me = json_object(
                    self._call("GET", "/api/v1/accounts/verify_credentials", what="reading the Mastodon account"),
                    "reading the Mastodon account",
                )
                if not me.get("id"):
                    raise MalformedPayload("verify_credentials answered without an id")
                self._account_id = str(me["id"])
        return self._account_id

    # ------------------------------------------------------------------------------------------ reading

    def poll(self, cursor: str | None) -> PollResult:
        self.connections = 0
        self.catch_ups = 0
        seen: dict[str, IncomingComment] = {}
        newest = cursor
        deadline = time.monotonic() + float(self.setting("stream_seconds"))
        newest = self._catch_up(newest, seen)
        delay = float(self.setting("reconnect_delay"))
        while time.monotonic() < deadline:
            try:
                newest = self._stream_until(deadline, newest, seen)
                break  # the session's time is up
            except _Dropped:
                pass
            except _NoStreaming:
                break  # what the catch-up read is all this session gets
            except RateLimited:
                break  # keep what we have; the next poll catches up from the cursor
            except PlatformDown:
                pass
            wait = min(delay, max(0.0, deadline - time.monotonic()))
            time.sleep(wait)
            delay = min(delay * 2, float(self.setting("max_reconnect_delay")))
        comments = sorted(seen.values(), key=lambda c: (len(c.id), c.id))
        return PollResult(comments, newest)

    def _catch_up(self, since: str | None, seen: dict[str, IncomingComment]) -> str | None:
        """Every mention after `since` (the latest page only when there is no cursor yet); the newest id."""
        self.catch_ups += 1
        newest = since
        params: dict[str, Any] = {"types[]": "mention", "limit": _PAGE}
        pages = int(self.setting("max_pages")) if since else 1
        for _ in range(max(1, pages)):
            if newest:
                params["min_id"] = newest
            response = self._call("GET", "/api/v1/notifications", what="reading Mastodon mentions", params=params)
            try:
                page = response.json()
            except ValueError:
                raise MalformedPayload("reading Mastodon mentions: the answer is not JSON") from None
            if not isinstance(page, list):
                raise MalformedPayload("reading Mastodon mentions: the answer is not a list")
            for notification in page:
                newest = _newer(newest, self._take(notification, seen))
            if len(page) < _PAGE or not since:
                break
        return newest

    def hashtag(self, tag: str, since: str | None) -> tuple[list[IncomingComment], str | None]:
        """Public posts carrying #tag (the hashtag timeline) after `since`, the latest page only when there is no
        cursor yet, oldest first; and the newest id seen. For the crisis desk (issue 15): a help hashtag is
        followed beyond the organisation's own mentions. The organisation's own posts are left out."""
        name = tag.strip().lstrip("#")
        if not name or not all(ch.isalnum() or ch == "_" for ch in name):
            raise ConfigError(f"#{name} is not a hashtag Mastodon can follow: use letters, digits and _ only")
        newest = since
        seen: dict[str, IncomingComment] = {}
        params: dict[str, Any] = {"limit": _PAGE}
        pages = int(self.setting("max_pages")) if since else 1
        what = f"reading the Mastodon hashtag #{name}"
        for _ in range(max(1, pages)):
            if newest:
                params["min_id"] = newest
            response = self._call("GET", f"/api/v1/timelines/tag/{name}", what=what, params=params)
            try:
                page = response.json()
            except ValueError:
                raise MalformedPayload(f"{what}: the answer is not JSON") from None
            if not isinstance(page, list):
                raise MalformedPayload(f"{what}: the answer is not a list")
            for status in page:
                if not isinstance(status, dict) or not status.get("id"):
                    raise MalformedPayload(f"{what}: a status without an id")
                newest = _newer(newest, str(status["id"]))
                comment = self._comment(status)
                if comment is not None:
                    seen.setdefault(comment.id, comment)
            if len(page) < _PAGE or not since:
                break
        return sorted(seen.values(), key=lambda c: (len(c.id), c.id)), newest

    def _take(self, notification: Any, seen: dict[str, IncomingComment]) -> str | None:
        """Keep a mention as a comment; the notification's id."""
        if not isinstance(notification, dict) or not notification.get("id"):
            raise MalformedPayload("a Mastodon notification without an id")
        if notification.get("type") == "mention" and isinstance(notification.get("status"), dict):
            comment = self._comment(notification["status"])
            if comment is not None:
                seen.setdefault(comment.id, comment)
        return str(notification["id"])

    def _comment(self, status: dict[str, Any]) -> IncomingComment | None:
        account = status.get("account") or {}
        if not status.get("id") or not isinstance(status.get("content"), str):
            raise MalformedPayload("a Mastodon status without id or content")
        author = str(account.get("id") or "") or None
        own = self.account_id()
        if author == own:
            return None
        text = html_to_text(status["content"])
        if status.get("spoiler_text"):
            text = f"{status['spoiler_text']}\n{text}".strip()
        if not text:
            return None  # a picture only
        parent = str(status["in_reply_to_id"]) if status.get("in_reply_to_id") else None
        under_own = str(status.get("in_reply_to_account_id") or "") == own
        return IncomingComment(
            id=str(status["id"]),
            text=text,
            author=author,
            author_name=account.get("acct") or account.get("username"),
            thread=parent if under_own else None,
            parent=parent,
            posted_at=parse_time(status.get("created_at")),
            language=status.get("language") or None,
            author_created_at=_account_created(account),
            # Mastodon sets edited_at on a status whose author edited it (API v1, since 3.5).
            edited=bool(status.get("edited_at")),
        )

    def _stream_until(self, deadline: float, newest: str | None, seen: dict[str, IncomingComment]) -> str | None:
        """Read the stream until `deadline`; raises _Dropped when it ends or stalls before."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return newest
        read = min(float(self.setting("read_timeout")), remaining)
        base = str(self.channel.config.get("streaming_url") or self._base).rstrip("/")
        timeout = httpx.Timeout(connect=5.0, read=read, write=5.0, pool=5.0)
        try:
            with self.http.stream(
                "GET", base + "/api/v1/streaming/user/notification", headers=self._headers(), timeout=timeout
            ) as response:
                self._check_stream(response)
                self.connections += 1
                # Connected: what was said while away comes by REST, what is said from now on waits in the stream.
                newest = self._catch_up(newest, seen)
                for event, data in _events(response.iter_lines()):
                    if event == "notification":
                        try:
                            notification = json.loads(data)
                        except ValueError:
                            raise MalformedPayload("a streamed notification is not JSON") from None
                        newest = _newer(newest, self._take(notification, seen))
                    if time.monotonic() >= deadline:
                        return newest
        except httpx.ReadTimeout:
            if time.monotonic() >= deadline - 0.05:
                return newest
            raise _Dropped("no heartbeat from the streaming server") from None
        except (httpx.TransportError, httpx.StreamError):
            if time.monotonic() >= deadline:
                return newest
            raise _Dropped("the stream was cut") from None
        if time.monotonic() >= deadline:
            return newest
        raise _Dropped("the streaming server closed the stream")

    @staticmethod
    def _check_stream(response: httpx.Response) -> None:
        status = response.status_code
        if status == 200:
            return
        response.read()
        if status == 429:
            raise RateLimited("streaming: HTTP 429", retry_after=reset_after(response))
        if status >= 500:
            raise PlatformDown(f"streaming: HTTP {status}")
        if status in (401, 403):
            raise PermanentError(
                "the Mastodon server refused the channel's access token for streaming: reconnect the channel "
                "with a token that has read:notifications",
                status=status,
            )
        if status in (404, 410):
            raise _NoStreaming(f"HTTP {status}")
        raise PermanentError(
            f"the Mastodon streaming API answered HTTP {status}: is streaming_url right?", status=status
        )

    # ------------------------------------------------------------------------------------------ actions

    def apply(self, action: OutboxAction) -> ActionOutcome:
        name = action.action
        if name == "reply":
            return self._reply(action)
        if name in _RELATIONS:
            if not action.author_external_id:
                return ActionOutcome.failed(f"cannot {name} on Mastodon: the comment's author is unknown")
            self._call("POST", f"/api/v1/accounts/{action.author_external_id}/{name}", what=f"{name} the author")
            return ActionOutcome.done(f"{_RELATIONS[name][2]} on Mastodon")
        if name == "report":
            return self._report(action)
        if name == "hold_new_comments":
            return self._hold_quotes(action)
        if name == "release_hold":
            return self._release_quotes(action)
        return self.unsupported(action)

    def _own_post(self, action: OutboxAction) -> tuple[str, dict[str, Any]] | ActionOutcome:
        """The raided post (the organisation's own status the comments reply to) as Mastodon has it."""
        post = action.thread_external_id or str(action.payload.get("post") or "")
        if not post:
            return ActionOutcome.failed(
                "this raid's comments do not reply to one of the organisation's own posts on Mastodon: there is no "
                "post of its own to change"
            )
        status = json_object(self._call("GET", f"/api/v1/statuses/{post}", what="reading the post"), "reading the post")
        if str((status.get("account") or {}).get("id") or "") != self.account_id():
            return ActionOutcome.failed("the raided post is not the organisation's own: only its author may change it")
        return post, status

    def _hold_quotes(self, action: OutboxAction) -> ActionOutcome:
        """Nobody may quote the raided post any more; the policy it had is kept to put back."""
        found = self._own_post(action)
        if isinstance(found, ActionOutcome):
            return found
        post, status = found
        previous = current_quote_policy(status)
        if previous is None:
            return ActionOutcome.done(
                "this Mastodon server has no quote posts (they came with Mastodon 4.5): there are no quotes to hold; "
                "replies cannot be limited by API",
                platform_ref=f"{QUOTE_REF}{NO_QUOTES}",
            )
        if previous == "nobody":
            return ActionOutcome.done("nobody could quote the post already", platform_ref=f"{QUOTE_REF}nobody")
        self._set_quote_policy(post, "nobody")
        return ActionOutcome.done(
            "nobody may quote the post on Mastodon now (replies cannot be limited by API)",
            platform_ref=f"{QUOTE_REF}{previous}",
        )

    def _release_quotes(self, action: OutboxAction) -> ActionOutcome:
        """Put back the quote policy the hold replaced, unless someone changed the post's policy since."""
        ref = str(action.payload.get("platform_ref") or "")
        previous = ref.removeprefix(QUOTE_REF) if ref.startswith(QUOTE_REF) else ""
        if previous in (NO_QUOTES, "nobody"):
            return ActionOutcome.done("the post's quote policy stays as it was before the hold")
        if previous not in QUOTE_POLICIES:
            return ActionOutcome.failed(
                "the post's quote policy before the hold is not known (or not one the API sets): choose who may "
                "quote it again in the post's settings on Mastodon"
            )
        found = self._own_post(action)
        if isinstance(found, ActionOutcome):
            return found
        post, status = found
        if current_quote_policy(status) != "nobody":
            return ActionOutcome.done("the post's quote policy was changed since the hold: it stays as it is now")
        self._set_quote_policy(post, previous)
        return ActionOutcome.done(f"the post may be quoted again on Mastodon ({previous})")

    def _set_quote_policy(self, post: str, policy: str) -> None:
        answer = json_object(
            self._call(
                "PUT",
                f"/api/v1/statuses/{post}/interaction_policy",
                what="set who may quote the post",
                json={"quote_approval_policy": policy},
            ),
            "set who may quote the post",
        )
        if current_quote_policy(answer) != policy:
            raise MalformedPayload(f"the Mastodon server answered without the quote policy {policy} set")

    def _reply(self, action: OutboxAction) -> ActionOutcome:
        text = str(action.payload.get("text") or "").strip()
        if not text:
            return ActionOutcome.failed("the reply has no text: write one on the desk and send it again")
        status = json_object(
            self._call("GET", f"/api/v1/statuses/{action.comment_external_id}", what="reading the comment"),
            "reading the comment",
        )
        acct = (status.get("account") or {}).get("acct")
        # Without the author's handle in the text the author is not notified of the reply.
        if acct and f"@{acct}" not in text:
            text = f"@{acct} {text}"
        visibility = status.get("visibility") if status.get("visibility") in ("public", "unlisted", "private") else None
        body: dict[str, Any] = {"status": text, "in_reply_to_id": action.comment_external_id}
        if status.get("visibility") == "direct":
            body["visibility"] = "direct"
        elif visibility:
            body["visibility"] = visibility
        headers = {"Idempotency-Key": action.idempotency_key} if action.idempotency_key else {}
        posted = json_object(
            self._call("POST", "/api/v1/statuses", what="post the reply", json=body, headers=headers), "post the reply"
        )
        return ActionOutcome.done("replied on Mastodon", platform_ref=str(posted.get("id") or "") or None)

    def check_applied(self, action: OutboxAction) -> bool | None:
        """A reply: the organisation's answer is among the comment's replies (the Idempotency-Key lasts only an
        hour on Mastodon). Blocks and mutes: the relationship. Reports: Mastodon cannot tell."""
        if action.action in _RELATIONS and action.author_external_id:
            relations = self._call(
                "GET",
                "/api/v1/accounts/relationships",
                what="reading the relationship",
                params={"id[]": action.author_external_id},
            ).json()
            field, wanted, _ = _RELATIONS[action.action]
            return bool(relations and isinstance(relations[0], dict) and relations[0].get(field)) is wanted
        if action.action != "reply":
            return None
        text = str(action.payload.get("text") or "").strip()
        context = json_object(
            self._call("GET", f"/api/v1/statuses/{action.comment_external_id}/context", what="reading the replies"),
            "reading the replies",
        )
        own = self.account_id()
        for status in context.get("descendants") or []:
            if (
                isinstance(status, dict)
                and str((status.get("account") or {}).get("id")) == own
                and str(status.get("in_reply_to_id")) == action.comment_external_id
                and html_to_text(str(status.get("content") or "")).endswith(text)
            ):
                return True
        return False

    def _report(self, action: OutboxAction) -> ActionOutcome:
        if not action.author_external_id:
            return ActionOutcome.failed("cannot report on Mastodon: the comment's author is unknown")
        reason = str(action.payload.get("reason") or action.payload.get("comment") or "").strip()
        comment = reason or "Reported by the page's moderators: this reply breaks the Hier Niet / Pas ici charter."
        body = {
            "account_id": action.author_external_id,
            "status_ids": [action.comment_external_id],
            "comment": comment[:1000],
            "category": "spam" if action.payload.get("label") == "spam" else "other",
            "forward": bool(self.setting("report_forward")),
        }
        report = json_object(self._call("POST", "/api/v1/reports", what="report the comment", json=body), "report")
        return ActionOutcome.done(
            "reported to the Mastodon moderators", platform_ref=str(report.get("id") or "") or None
        )


def _events(lines: Iterator[str]) -> Iterator[tuple[str, str]]:
    """Server-Sent Events from lines: (event name, data), comments (":thump") skipped."""
    event, data = "message", list[str]()
    for line in lines:
        if not line:
            if data:
                yield event, "\n".join(data)
            event, data = "message", []
            continue
        if line.startswith(":"):
            yield "heartbeat", ""
            continue
        field, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if field == "event":
            event = value
        elif field == "data":
            data.append(value)


#: A hold's `platform_ref`: the quote policy it replaced (or NO_QUOTES on a server without quote posts).
QUOTE_REF, NO_QUOTES = "quote_approval_policy=", "none"
#: The policies `PUT /api/v1/statuses/:id/interaction_policy` sets.
QUOTE_POLICIES: tuple[str, ...] = ("public", "followers", "nobody")


def quote_policy(approval: dict[str, Any]) -> str:
    """The `quote_approval_policy` a status's QuoteApproval says (public, followers or nobody); "unknown" for a
    policy the API cannot set (manual review, or one Mastodon does not support)."""
    automatic = [str(v) for v in approval.get("automatic") or []]
    manual = [str(v) for v in approval.get("manual") or []]
    if manual or "unsupported_policy" in automatic:
        return "unknown"
    if "public" in automatic:
        return "public"
    if "followers" in automatic:
        return "followers"
    return "nobody" if not automatic else "unknown"


def current_quote_policy(status: dict[str, Any]) -> str | None:
    """Who may quote a status, from its documented `quote_approval` (QuoteApproval); a plain
    `quote_approval_policy` string is read too, as the mastodon-mock test server answers it. None: the server
    has no quote posts (before 4.5)."""
    approval = status.get("quote_approval")
    if isinstance(approval, dict):
        return quote_policy(approval)
    flat = status.get("quote_approval_policy")
    return flat if isinstance(flat, str) and flat in QUOTE_POLICIES else None


def _explained(exc: PermanentError) -> ConnectorError:
    status = exc.status
    if status == 401:
        why = "the Mastodon server no longer accepts the channel's access token: reconnect the channel"
    elif status == 403:
        why = "the Mastodon server does not allow this (check the token's scopes: write:statuses, write:blocks, ...)"
    elif status == 404:
        why = "the post or account no longer exists on the Mastodon server (deleted, or its server is gone)"
    elif status == 422:
        why = "the Mastodon server refused the content (a reply over the server's length limit, or a bad id)"
    else:
        why = "the Mastodon server refused the request"
    return PermanentError(f"{why}. ({exc})", status=status)


def _account_created(account: dict[str, Any]) -> datetime | None:
    """The account's creation time (Mastodon gives the day, as midnight UTC); None when it is missing or odd."""
    return parse_time(account.get("created_at"))
