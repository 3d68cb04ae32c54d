"""YouTube: a channel's comments polled through the YouTube Data API v3, moderated through it too.

Documented contracts followed (developers.google.com/youtube/v3/docs):

* `commentThreads.list` (GET /youtube/v3/commentThreads, `part=snippet,replies`,
  `allThreadsRelatedToChannelId`, `order=time`, `maxResults` up to 100, `pageToken`): items with
  `snippet.topLevelComment` and up to five `replies.comments`; each comment has `id` and a `snippet` with
  `textOriginal`, `authorDisplayName`, `authorChannelId.value`, `videoId`, `parentId` (replies),
  `publishedAt` and `updatedAt` (RFC 3339; later than publishedAt once the author edited the text). Cost 1
  unit per page.
* `comments.list` (GET /youtube/v3/comments, `part=snippet`, `parentId`): the replies of a comment, cost 1.
* `comments.setModerationStatus` (POST /youtube/v3/comments/setModerationStatus, `id`, `moderationStatus`
  = heldForReview | published | rejected, `banAuthor=true` only with rejected): 204 No Content, cost 50.
* `comments.insert` (POST /youtube/v3/comments?part=snippet, body `{"snippet": {"parentId": TOP_LEVEL_ID,
  "textOriginal": ...}}`): the new comment, cost 50. Replies go to the top-level comment of a thread.
* Quota (determine_quota_cost): 10,000 units a day by default, reset at midnight Pacific Time; every
  request costs at least 1 unit, even a refused one. Errors (docs/errors): `{"error": {"code", "message",
  "errors": [{"reason", "domain"}]}}`; 403 `quotaExceeded` (wait for the reset), 403 `rateLimitExceeded`
  / 429 (slow down), 404 `commentNotFound`, 401 an expired token (refreshed with the OAuth refresh token
  at `token_url`, grant_type=refresh_token, when one is stored).

There is no API to report a comment to YouTube: `report` fails with a message to do it by hand.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar

import httpx

from hierniet.connectors.base import (
    ActionOutcome,
    ConfigError,
    Connector,
    IncomingComment,
    MalformedPayload,
    OutboxAction,
    PermanentError,
    PollResult,
    RateLimited,
    json_object,
    parse_time,
)
from hierniet.connectors.base import request as http_request
from hierniet.domain import Platform

#: Units per call (determine_quota_cost).
COSTS: Mapping[str, int] = {"commentThreads.list": 1, "comments.list": 1, "setModerationStatus": 50, "insert": 50}

#: The moderation status each action sets, and whether it bans the author.
_MODERATION: Mapping[str, tuple[str, bool]] = {
    "hold_for_review": ("heldForReview", False),
    "hide": ("heldForReview", False),
    "unhide": ("published", False),
    "publish": ("published", False),
    "reject": ("rejected", False),
    "delete": ("rejected", False),
    "reject_and_ban_author": ("rejected", True),
    "block": ("rejected", True),
}


class YouTubeConnector(Connector):
    platform: ClassVar[Platform] = Platform.YOUTUBE
    receives: ClassVar[frozenset[str]] = frozenset({"poll"})
    actions: ClassVar[frozenset[str]] = frozenset({*_MODERATION, "reply"})
    # Setting a moderation status twice leaves the same status.
    idempotent_actions: ClassVar[frozenset[str]] = frozenset(_MODERATION)
    required_credentials: ClassVar[tuple[str, ...]] = ("access_token",)
    default_config: ClassVar[Mapping[str, Any]] = {
        "base_url": "https://www.googleapis.com",
        "token_url": "https://oauth2.googleapis.com/token",
        "max_pages": 5,
        "page_size": 100,
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._token = self.credentials["access_token"]

    # ------------------------------------------------------------------ calls

    def _call(
        self,
        method: str,
        path: str,
        *,
        cost_of: str,
        what: str,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        refreshed: bool = False,
    ) -> httpx.Response:
        if self.quota is not None and not self.quota.spend(COSTS[cost_of]):
            raise RateLimited(
                f"{what}: the YouTube quota of today is spent (resets at midnight Pacific Time)",
                retry_after=self.quota.seconds_until_reset(),
            )
        url = f"{str(self.setting('base_url')).rstrip('/')}/youtube/v3/{path}"
        response = http_request(
            self.http,
            method,
            url,
            what=what,
            ok=(400, 401, 403, 404),
            headers={"Authorization": f"Bearer {self._token}"},
            params=dict(params or {}),
            json=body,
        )
        if response.status_code < 300:
            return response
        if response.status_code == 401 and not refreshed and self._refresh():
            return self._call(method, path, cost_of=cost_of, what=what, params=params, body=body, refreshed=True)
        reason, message = _error(response)
        text = f"{what}: HTTP {response.status_code} {reason}: {message}"
        if reason == "quotaExceeded":
            if self.quota is not None:
                self.quota.exhaust()  # what Google says wins over the local count
            wait = self.quota.seconds_until_reset() if self.quota is not None else 3600.0
            raise RateLimited(text, retry_after=wait)
        if reason in ("rateLimitExceeded", "userRateLimitExceeded"):
            raise RateLimited(text, retry_after=60.0)
        if response.status_code == 401:
            raise ConfigError(f"{text}: the channel's token expired or was revoked; connect it again")
        raise PermanentError(text, status=response.status_code)

    def _refresh(self) -> bool:
        """A new access token from the stored refresh token; False when there is none to use."""
        refresh = self.credentials.get("refresh_token")
        client_id = self.credentials.get("client_id")
        client_secret = self.credentials.get("client_secret")
        if not (refresh and client_id and client_secret):
            return False
        response = http_request(
            self.http,
            "POST",
            str(self.setting("token_url")),
            what="refresh the YouTube access token",
            ok=(400, 401),
            data={
                "grant_type": "refresh_token",
                "refresh_token": refresh,
                "client_id": client_id,
                "client_secret": client_secret,
            },
        )
        if response.status_code >= 300:
            raise ConfigError("the YouTube refresh token was refused: connect the channel again")
        token = json_object(response, "refresh the YouTube access token").get("access_token")
        if not isinstance(token, str) or not token:
            raise MalformedPayload("the token endpoint answered without access_token")
        self._token = token
        return True

    # ------------------------------------------------------------------ polling

    def poll(self, cursor: str | None) -> PollResult:
        """Comment threads of the channel newer than the cursor (the newest `publishedAt` seen so far).

        Threads come newest first; paging stops at the first page that reaches back past the cursor, or after
        `max_pages` (the quota matters more than the rare reply to an old thread, which the next poll's first
        page carries when the thread is recent). Comments seen twice are no-ops for ingestion.
        """
        since = _read_cursor(cursor)
        newest = since
        comments: list[IncomingComment] = []
        page_token: str | None = None
        for _ in range(int(self.setting("max_pages"))):
            params: dict[str, Any] = {
                "part": "snippet,replies",
                "allThreadsRelatedToChannelId": self.channel.external_id,
                "order": "time",
                "maxResults": int(self.setting("page_size")),
                "textFormat": "plainText",
            }
            if page_token:
                params["pageToken"] = page_token
            page = json_object(
                self._call(
                    "GET", "commentThreads", cost_of="commentThreads.list", what="list comment threads", params=params
                ),
                "list comment threads",
            )
            items = page.get("items")
            if not isinstance(items, list):
                raise MalformedPayload("commentThreads.list answered without an items list")
            reached_old = False
            for thread in items:
                for comment in _thread_comments(thread):
                    when = comment.posted_at
                    if since is not None and when is not None and when <= since:
                        continue
                    if when is not None and (newest is None or when > newest):
                        newest = when
                    if comment.author == self.channel.external_id:
                        continue  # the channel's own comments and replies are not triaged
                    comments.append(comment)
                top = _top_time(thread)
                if since is not None and top is not None and top <= since:
                    reached_old = True
            page_token = page.get("nextPageToken") if isinstance(page.get("nextPageToken"), str) else None
            if reached_old or not page_token:
                break
        return PollResult(comments, json.dumps({"since": newest.isoformat()}) if newest else cursor)

    # ------------------------------------------------------------------ actions

    def apply(self, action: OutboxAction) -> ActionOutcome:
        cid = action.comment_external_id
        if action.action in _MODERATION:
            status, ban = _MODERATION[action.action]
            params: dict[str, Any] = {"id": cid, "moderationStatus": status}
            if ban:
                params["banAuthor"] = "true"
            try:
                self._call(
                    "POST",
                    "comments/setModerationStatus",
                    cost_of="setModerationStatus",
                    what=f"set comment {cid} to {status}",
                    params=params,
                )
            except PermanentError as exc:
                if exc.status == 404:
                    return ActionOutcome.failed(f"{exc}: the comment no longer exists on YouTube")
                raise
            return ActionOutcome.done(f"moderation status {status}" + (", author banned" if ban else ""))
        if action.action == "reply":
            text = str(action.payload.get("text") or "")
            if not text.strip():
                return ActionOutcome.failed("the reply is empty: write a reply in the decision")
            response = self._call(
                "POST",
                "comments",
                cost_of="insert",
                what=f"reply to {cid}",
                params={"part": "snippet"},
                body={"snippet": {"parentId": self._top_level(action), "textOriginal": text}},
            )
            created = json_object(response, f"reply to {cid}")
            return ActionOutcome.done("replied", platform_ref=str(created.get("id") or "") or None)
        return self.unsupported(action)

    def _top_level(self, action: OutboxAction) -> str:
        # YouTube threads are one level deep: a reply to a reply goes to the thread's top-level comment.
        return action.parent_external_id or action.comment_external_id

    def check_applied(self, action: OutboxAction) -> bool | None:
        if action.action != "reply":
            return None
        text = str(action.payload.get("text") or "")
        answer = json_object(
            self._call(
                "GET",
                "comments",
                cost_of="comments.list",
                what="read the replies",
                params={"part": "snippet", "parentId": self._top_level(action), "maxResults": 100},
            ),
            "read the replies",
        )
        for item in answer.get("items") or []:
            snippet = item.get("snippet") if isinstance(item, dict) else None
            if not isinstance(snippet, dict):
                continue
            author = (snippet.get("authorChannelId") or {}).get("value")
            if author == self.channel.external_id and snippet.get("textOriginal") == text:
                return True
        return False


def _error(response: httpx.Response) -> tuple[str, str]:
    try:
        error = response.json().get("error") or {}
    except (ValueError, AttributeError):
        return "", response.reason_phrase
    reasons = [e.get("reason", "") for e in error.get("errors") or [] if isinstance(e, dict)]
    return (reasons[0] if reasons else str(error.get("status") or "")), str(error.get("message") or "")


def _read_cursor(cursor: str | None) -> datetime | None:
    if not cursor:
        return None
    try:
        data = json.loads(cursor)
    except ValueError:
        raise ConfigError(f"the stored YouTube cursor {cursor[:40]!r} is unreadable: clear it to start again") from None
    return parse_time(data.get("since")) if isinstance(data, dict) else None


def _top_time(thread: Any) -> datetime | None:
    try:
        return parse_time(thread["snippet"]["topLevelComment"]["snippet"]["publishedAt"])
    except (KeyError, TypeError):
        return None


def _comment(raw: Any, thread_video: str | None, parent: str | None) -> IncomingComment | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("snippet"), dict) or not raw.get("id"):
        raise MalformedPayload("a comment without id or snippet in commentThreads.list")
    s = raw["snippet"]
    text = s.get("textOriginal") or s.get("textDisplay")
    if not isinstance(text, str) or not text.strip():
        return None
    author = s.get("authorChannelId")
    published, updated = parse_time(s.get("publishedAt")), parse_time(s.get("updatedAt"))
    return IncomingComment(
        id=str(raw["id"]),
        text=text,
        author=str(author["value"]) if isinstance(author, dict) and author.get("value") else None,
        author_name=s.get("authorDisplayName") or None,
        thread=s.get("videoId") or thread_video,
        parent=s.get("parentId") or parent,
        posted_at=published,
        # updatedAt moves past publishedAt only when the author edits the text.
        edited=published is not None and updated is not None and updated > published,
    )


def _thread_comments(thread: Any) -> list[IncomingComment]:
    if not isinstance(thread, dict) or not isinstance(thread.get("snippet"), dict):
        raise MalformedPayload("a comment thread without snippet in commentThreads.list")
    snippet = thread["snippet"]
    video = snippet.get("videoId")
    top = _comment(snippet.get("topLevelComment"), video, None)
    out = [top] if top else []
    top_id = str(snippet["topLevelComment"]["id"])
    for reply in (thread.get("replies") or {}).get("comments") or []:
        comment = _comment(reply, video, top_id)
        if comment:
            out.append(comment)
    return out
