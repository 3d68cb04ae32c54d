"""TikTok: comments under the organisation's own videos, through the TikTok API for Business (v1.3).

Documented contract followed (business-api.tiktok.com, "TikTok Accounts" / organic comment endpoints):

* every call carries the header `Access-Token` (not `Authorization`) and the account's `business_id`
  (the `open_id` the account holder's authorisation returned);
* answers are an envelope `{"code", "message", "request_id", "data"}`: HTTP 200 with `code` 0 is success,
  any other `code` an error (40001 no permission, 40002 bad parameter, 40007 not found, 40100 too many
  requests, 40104/40105 access token missing or invalid, 5xxxx TikTok's own failure);
* reading: `GET /business/video/list/` (`fields=["item_id","create_time"]`) for the account's videos, then
  `GET /business/comment/list/` per video with `include_replies=true`, `sort_field=create_time`,
  `sort_order=desc`, `max_count` (at most 30) and the page `cursor` / `has_more`. Comments carry
  `comment_id`, `video_id`, `text`, `create_time` (unix seconds), `owner` (the account wrote it),
  `unique_identifier`, `username`, `display_name`, `parent_comment_id` (replies only), `reply_list`;
* hiding: `POST /business/comment/hide/` `{business_id, comment_id, video_id, action: "HIDE" | "UNHIDE"}`
  (hidden from everyone but its author; idempotent);
* replying: `POST /business/comment/reply/create/` `{business_id, video_id, comment_id, text}`;
* deleting: `POST /business/comment/delete/` `{business_id, comment_id}`, which TikTok allows only for the
  account's own comments: for others' comments it is refused, and we say to hide instead;
* rate limits: 40 requests a minute per account and endpoint (code 40100 or HTTP 429).

TikTok has no API to report a comment: `report` is done by hand in the app.

Cursor: `{"since": <unix seconds>}`, the newest `create_time` seen; each poll re-reads from that second
(ingestion ignores repeats), so comments posted in the same second are not lost.
Credentials: `access_token`. Config: `business_id` (default the channel's external id), `base_url`,
`max_videos` (the latest videos read per poll), `max_pages` (comment pages per video).
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from hierniet.connectors.base import (
    ActionOutcome,
    Connector,
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

#: The documented page-size ceiling of comment/list.
_MAX_COUNT = 30
#: TikTok's limits are per minute: wait out the minute.
_RATE_WINDOW = 60.0

_TOKEN_CODES = {40104, 40105}


class TikTokConnector(Connector):
    platform: ClassVar[Platform] = Platform.TIKTOK
    receives: ClassVar[frozenset[str]] = frozenset({"poll"})
    actions: ClassVar[frozenset[str]] = frozenset({"hide", "unhide", "reply", "delete"})
    # Deleting a deleted comment answers "not found" (40007), which counts as done.
    idempotent_actions: ClassVar[frozenset[str]] = frozenset({"hide", "unhide", "delete"})
    required_credentials: ClassVar[tuple[str, ...]] = ("access_token",)
    default_config: ClassVar[dict[str, Any]] = {
        "base_url": "https://business-api.tiktok.com/open_api/v1.3",
        "max_videos": 10,
        "max_pages": 5,
    }

    # ------------------------------------------------------------------------------------------ plumbing

    @property
    def _business_id(self) -> str:
        return str(self.channel.config.get("business_id") or self.channel.external_id)

    def _call(self, method: str, path: str, *, what: str, **kwargs: Any) -> dict[str, Any]:
        """One call; the envelope's `code` mapped to the contract's errors. Returns `data`."""
        url = str(self.setting("base_url")).rstrip("/") + path
        headers = {"Access-Token": self.credentials["access_token"]}
        if method != "GET":
            headers["Content-Type"] = "application/json"
        response = request(self.http, method, url, what=what, headers=headers, **kwargs)
        body = json_object(response, what)
        code = body.get("code")
        message = str(body.get("message") or "")
        if code == 0:
            data = body.get("data")
            return data if isinstance(data, dict) else {}
        if not isinstance(code, int):
            raise MalformedPayload(f"{what}: TikTok answered without a return code")
        if code == 40100:
            raise RateLimited(f"{what}: TikTok says too many requests ({message})", retry_after=_RATE_WINDOW)
        if code >= 50000:
            raise PlatformDown(f"{what}: TikTok failed on its side (code {code}: {message})")
        if code in _TOKEN_CODES:
            why = "TikTok no longer accepts the channel's access token (it lasts a day): reconnect or refresh it"
        elif code == 40001:
            why = "the account did not grant this permission (comment.list / comment.list.manage): reconnect it"
        elif code == 40007:
            why = "the comment or video no longer exists on TikTok"
        else:
            why = "TikTok refused the request"
        raise PermanentError(f"{what}: {why} (code {code}: {message})", status=code)

    # ------------------------------------------------------------------------------------------ reading

    def poll(self, cursor: str | None) -> PollResult:
        since = 0
        if cursor:
            try:
                since = int(json.loads(cursor)["since"])
            except (ValueError, KeyError, TypeError):
                raise MalformedPayload(
                    f"the stored TikTok cursor {cursor[:40]!r} is not ours: delete it to start anew"
                ) from None
        newest = since
        comments: dict[str, IncomingComment] = {}
        for video in self._videos():
            for raw in self._video_comments(video, since):
                created = int(raw.get("create_time") or 0)
                newest = max(newest, created)
                comment = self._comment(raw, video)
                if comment is not None:
                    comments.setdefault(comment.id, comment)
        ordered = sorted(comments.values(), key=lambda c: (c.posted_at.timestamp() if c.posted_at else 0, c.id))
        return PollResult(ordered, json.dumps({"since": newest}) if newest else cursor)

    def _videos(self) -> list[str]:
        data = self._call(
            "GET",
            "/business/video/list/",
            what="listing the account's TikTok videos",
            params={
                "business_id": self._business_id,
                "fields": json.dumps(["item_id", "create_time"]),
                "max_count": min(20, int(self.setting("max_videos"))),
            },
        )
        videos = data.get("videos")
        if not isinstance(videos, list):
            raise MalformedPayload("TikTok's video list has no `videos`: the API's answer changed")
        return [str(v["item_id"]) for v in videos[: int(self.setting("max_videos"))] if v.get("item_id")]

    def _video_comments(self, video: str, since: int) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        params: dict[str, Any] = {
            "business_id": self._business_id,
            "video_id": video,
            "include_replies": "true",
            "sort_field": "create_time",
            "sort_order": "desc",
            "max_count": _MAX_COUNT,
        }
        for _ in range(max(1, int(self.setting("max_pages")))):
            data = self._call(
                "GET", "/business/comment/list/", what=f"reading comments of TikTok video {video}", params=params
            )
            page = data.get("comments")
            if not isinstance(page, list):
                raise MalformedPayload("TikTok's comment list has no `comments`: the API's answer changed")
            older = False
            for raw in page:
                if not isinstance(raw, dict):
                    continue
                for item in [raw, *[r for r in raw.get("reply_list") or [] if isinstance(r, dict)]]:
                    if int(item.get("create_time") or 0) >= since:
                        found.append(item)
                if int(raw.get("create_time") or 0) < since:
                    older = True
            # Newest first: once a page reaches comments older than the cursor, the rest is known already.
            if older or not data.get("has_more"):
                break
            params["cursor"] = data.get("cursor")
        return found

    @staticmethod
    def _comment(raw: dict[str, Any], video: str) -> IncomingComment | None:
        if raw.get("owner") is True:
            return None  # the organisation's own comment or reply
        comment_id, text = raw.get("comment_id"), raw.get("text")
        if not comment_id or not isinstance(text, str):
            raise MalformedPayload("TikTok answered a comment without comment_id or text: the API's answer changed")
        if not text.strip():
            return None  # a sticker or image only: nothing to read
        return IncomingComment(
            id=str(comment_id),
            text=text,
            author=str(raw.get("unique_identifier") or raw.get("user_id") or "") or None,
            author_name=raw.get("username") or raw.get("display_name"),
            thread=str(raw.get("video_id") or video),
            parent=str(raw["parent_comment_id"]) if raw.get("parent_comment_id") else None,
            posted_at=parse_time(raw.get("create_time")),
        )

    # ------------------------------------------------------------------------------------------ actions

    def apply(self, action: OutboxAction) -> ActionOutcome:
        name = action.action
        if name in ("hide", "unhide"):
            if not action.thread_external_id:
                return ActionOutcome.failed(f"cannot {name} on TikTok: the comment's video is unknown")
            self._call(
                "POST",
                "/business/comment/hide/",
                what=f"{name} TikTok comment {action.comment_external_id}",
                json={
                    "business_id": self._business_id,
                    "comment_id": action.comment_external_id,
                    "video_id": action.thread_external_id,
                    "action": "HIDE" if name == "hide" else "UNHIDE",
                },
            )
            return ActionOutcome.done("hidden on TikTok" if name == "hide" else "visible again on TikTok")
        if name == "reply":
            return self._reply(action)
        if name == "delete":
            return self._delete(action)
        return self.unsupported(action)

    def _reply(self, action: OutboxAction) -> ActionOutcome:
        text = str(action.payload.get("text") or "").strip()
        if not text:
            return ActionOutcome.failed("the reply has no text: write one on the desk and send it again")
        if not action.thread_external_id:
            return ActionOutcome.failed("cannot reply on TikTok: the comment's video is unknown")
        data = self._call(
            "POST",
            "/business/comment/reply/create/",
            what=f"reply to TikTok comment {action.comment_external_id}",
            json={
                "business_id": self._business_id,
                "video_id": action.thread_external_id,
                "comment_id": action.comment_external_id,
                "text": text,
            },
        )
        ref = data.get("comment_id") or data.get("reply_id")
        return ActionOutcome.done("replied on TikTok", platform_ref=str(ref) if ref else None)

    def _delete(self, action: OutboxAction) -> ActionOutcome:
        try:
            self._call(
                "POST",
                "/business/comment/delete/",
                what=f"delete TikTok comment {action.comment_external_id}",
                json={"business_id": self._business_id, "comment_id": action.comment_external_id},
            )
        except PermanentError as exc:
            if exc.status == 40007:
                return ActionOutcome.done("already gone from TikTok")
            raise PermanentError(
                "TikTok lets an account delete only its own comments: hide this one instead "
                f"(set platforms.tiktok to hide in the policy). {exc}",
                status=exc.status,
            ) from None
        return ActionOutcome.done("deleted on TikTok")

    def check_applied(self, action: OutboxAction) -> bool | None:
        """A reply is found among the comment's replies written by the account with the same text."""
        if action.action != "reply" or not action.thread_external_id:
            return None
        text = str(action.payload.get("text") or "").strip()
        data = self._call(
            "GET",
            "/business/comment/reply/list/",
            what=f"reading replies to TikTok comment {action.comment_external_id}",
            params={
                "business_id": self._business_id,
                "video_id": action.thread_external_id,
                "comment_id": action.comment_external_id,
                "sort_field": "create_time",
                "sort_order": "desc",
                "max_count": _MAX_COUNT,
            },
        )
        return any(
            r.get("owner") is True and str(r.get("text", "")).strip() == text for r in data.get("comments") or []
        )
