"""Meta: Facebook Pages and Instagram professional accounts, through Webhooks and the Graph API.

Documented contracts followed (developers.facebook.com/docs):

* Webhooks (graph-api/webhooks/getting-started): the verification request is a GET with `hub.mode=subscribe`,
  `hub.verify_token` (the token set in the app dashboard) and `hub.challenge`, answered with the challenge;
  event notifications are POSTs signed with `X-Hub-Signature-256: sha256=<HMAC-SHA256 of the raw body with
  the app secret>`, to be checked before the body is parsed. Meta retries a notification that is not answered
  200 for up to 36 hours, so events this connector does not handle are answered 200 (ignored), not 4xx.
* Page webhooks, field `feed` (graph-api/webhooks/reference/page): `{"object": "page", "entry": [{"id":
  PAGE_ID, "time": ..., "changes": [{"field": "feed", "value": {"item": "comment", "verb":
  "add"|"edited"|"remove"|"hide"|"unhide", "comment_id", "post_id", "parent_id", "message", "created_time",
  "from": {"id", "name"}}}]}]}`.
* Instagram webhooks, field `comments` (instagram-platform/webhooks): `{"object": "instagram", "entry": [{"id":
  IG_USER_ID, "time": ..., "changes": [{"field": "comments", "value": {"id", "text", "parent_id", "from":
  {"id", "username"}, "media": {"id"}}}]}]}`.
* Page comments (graph-api/reference/comment): `POST /{comment-id}` with `is_hidden=true|false`;
  `DELETE /{comment-id}`; replies `POST /{comment-id}/comments` with `message`; banning a person from the
  Page: `POST /{page-id}/blocked` with `user` (graph-api/reference/page/blocked).
* Instagram comments (instagram-platform/.../ig-comment): `POST /{ig-comment-id}` with `hide=true|false`,
  `DELETE /{ig-comment-id}`, replies `POST /{ig-comment-id}/replies` with `message`. Instagram has no API
  to block or report: those are done by hand (the outcome says so).
* Errors (graph-api/guides/error-handling): `{"error": {"message", "type", "code", "error_subcode",
  "is_transient"}}`; throttling comes as codes 4, 17, 32, 613 and 80001-80014 (usually HTTP 400), with the
  wait in `X-Business-Use-Case-Usage` (`estimated_time_to_regain_access`, minutes); code 190 is an expired
  or revoked token; code 100 with subcode 33 an object that no longer exists.

The token travels in an Authorization header (never in the URL, so it stays out of logs), with
`appsecret_proof` when the app secret is known.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from typing import Any, ClassVar

import httpx

from hierniet.connectors.base import (
    ActionOutcome,
    BadSignature,
    ConfigError,
    Connector,
    IncomingComment,
    MalformedPayload,
    OutboxAction,
    PermanentError,
    PlatformDown,
    RateLimited,
    WebhookRequest,
    WebhookResponse,
    WebhookResult,
    json_object,
    parse_time,
    verify_hmac_sha256,
)
from hierniet.connectors.base import request as http_request
from hierniet.domain import Platform

#: Graph error codes that mean "slow down" (graph-api/overview/rate-limiting).
_THROTTLING = frozenset({4, 17, 32, 613, *range(80001, 80015)})
#: Graph error codes for a temporary fault on Meta's side.
_TRANSIENT = frozenset({1, 2})
_TOKEN_EXPIRED = 190
_DEFAULT_THROTTLE_WAIT = 300.0
#: Meta's hub.challenge: documented as an int; a little room, never markup.
_CHALLENGE = re.compile(r"[0-9A-Za-z._-]{1,128}")


class _GraphError(Exception):
    def __init__(self, code: int, subcode: int | None, message: str, status: int) -> None:
        super().__init__(message)
        self.code = code
        self.subcode = subcode
        self.status = status

    @property
    def missing(self) -> bool:
        """The object does not exist (any more), or cannot be seen with this token."""
        return (self.code == 100 and self.subcode == 33) or self.status == 404


def _throttle_wait(response: httpx.Response) -> float:
    """Seconds until the Page's business use case quota is back (the header counts in minutes)."""
    raw = response.headers.get("x-business-use-case-usage")
    if raw:
        try:
            usage = json.loads(raw)
            minutes = max(
                float(entry.get("estimated_time_to_regain_access", 0) or 0)
                for entries in usage.values()
                for entry in entries
            )
            if minutes > 0:
                return minutes * 60.0
        except (ValueError, TypeError, AttributeError):
            pass
    return _DEFAULT_THROTTLE_WAIT


class _MetaConnector(Connector):
    """What Facebook Pages and Instagram accounts share: the Graph API and the webhook envelope."""

    receives: ClassVar[frozenset[str]] = frozenset({"webhook"})
    required_credentials: ClassVar[tuple[str, ...]] = ("access_token", "app_secret", "verify_token")
    default_config: ClassVar[Mapping[str, Any]] = {"base_url": "https://graph.facebook.com", "api_version": "v25.0"}
    #: The webhook envelope's "object" for this platform.
    webhook_object: ClassVar[str]
    #: The parameter that hides a comment (Pages: is_hidden, Instagram: hide).
    hide_field: ClassVar[str]
    #: The edge that replies to a comment (Pages: comments, Instagram: replies).
    reply_edge: ClassVar[str]

    # ------------------------------------------------------------------ Graph API

    def _url(self, path: str) -> str:
        base = str(self.setting("base_url")).rstrip("/")
        return f"{base}/{self.setting('api_version')}/{path.lstrip('/')}"

    def _graph(
        self, method: str, path: str, *, what: str, data: Mapping[str, Any] | None = None, params: Any = None
    ) -> dict[str, Any]:
        token = self.credentials["access_token"]
        query = dict(params or {})
        # appsecret_proof ties the token to this app, so a stolen token alone is not enough (graph-api/securing).
        query["appsecret_proof"] = hmac.new(
            self.credentials["app_secret"].encode(), token.encode(), hashlib.sha256
        ).hexdigest()
        response = http_request(
            self.http,
            method,
            self._url(path),
            what=what,
            ok=(400, 401, 403, 404),
            headers={"Authorization": f"Bearer {token}"},
            params=query,
            data=dict(data) if data is not None else None,
        )
        if response.status_code < 300:
            return json_object(response, what)
        try:
            error = response.json().get("error") or {}
        except (ValueError, AttributeError):
            error = {}
        code = int(error.get("code") or 0)
        subcode = error.get("error_subcode")
        message = f"{what}: Graph error {code}: {error.get('message') or response.reason_phrase}"
        if code in _THROTTLING:
            raise RateLimited(message, retry_after=_throttle_wait(response))
        if code in _TRANSIENT or error.get("is_transient"):
            raise PlatformDown(message)
        if code == _TOKEN_EXPIRED:
            raise ConfigError(f"{message}: the channel's access token expired or was revoked; connect it again")
        raise _GraphError(code, int(subcode) if subcode is not None else None, message, response.status_code)

    # ------------------------------------------------------------------ webhooks

    def parse_webhook(self, request: WebhookRequest) -> WebhookResult:
        if request.method.upper() == "GET":
            return self._handshake(request)
        verify_hmac_sha256(
            self.credentials["app_secret"],
            request.body,
            request.header("x-hub-signature-256"),
            prefix="sha256=",
            header="X-Hub-Signature-256",
        )
        try:
            payload = json.loads(request.body)
        except ValueError:
            raise MalformedPayload("the body is not JSON") from None
        if not isinstance(payload, dict) or not isinstance(payload.get("entry"), list):
            raise MalformedPayload('the body is not a webhook notification: it needs "object" and an "entry" list')
        result = WebhookResult()
        if payload.get("object") != self.webhook_object:
            result.ignored.append(f"object {payload.get('object')!r} is not handled by the {self.platform} connector")
            return result
        for entry in payload["entry"]:
            if not isinstance(entry, dict) or not isinstance(entry.get("changes", []), list):
                raise MalformedPayload('each "entry" must be an object with a "changes" list')
            for change in entry.get("changes", []):
                if not isinstance(change, dict) or not isinstance(change.get("value"), dict):
                    raise MalformedPayload('each change needs a "field" and a "value" object')
                self._change(entry, change, result)
        return result

    def _handshake(self, request: WebhookRequest) -> WebhookResult:
        mode = request.query.get("hub.mode")
        challenge = request.query.get("hub.challenge")
        token = request.query.get("hub.verify_token") or ""
        if mode != "subscribe" or challenge is None:
            raise MalformedPayload("a GET must be Meta's verification request (hub.mode=subscribe, hub.challenge)")
        if not hmac.compare_digest(token.encode(), self.credentials["verify_token"].encode()):
            raise BadSignature("hub.verify_token does not match the channel's verify token")
        # Echoing is no signing oracle (nothing is signed), but only Meta's short number-like challenge is
        # echoed: whoever learnt the verify token must not make this address serve text of their choosing.
        if not _CHALLENGE.fullmatch(challenge):
            raise MalformedPayload("hub.challenge is not the short token Meta sends (letters, digits, . _ -)")
        return WebhookResult(response=WebhookResponse(200, challenge, "text/plain"))

    def _change(self, entry: Mapping[str, Any], change: Mapping[str, Any], result: WebhookResult) -> None:
        raise NotImplementedError

    def _is_own(self, author_id: str | None) -> bool:
        # The organisation's own replies come back as comments too: they are not triaged.
        return author_id is not None and author_id == self.channel.external_id

    # ------------------------------------------------------------------ actions

    def apply(self, action: OutboxAction) -> ActionOutcome:
        name = action.action
        cid = action.comment_external_id
        try:
            if name in ("hide", "unhide"):
                value = "true" if name == "hide" else "false"
                self._graph("POST", cid, what=f"{name} comment {cid}", data={self.hide_field: value})
                return ActionOutcome.done("hidden" if name == "hide" else "visible again")
            if name == "delete":
                self._graph("DELETE", cid, what=f"delete comment {cid}")
                return ActionOutcome.done("deleted")
            if name == "reply":
                text = str(action.payload.get("text") or "")
                if not text.strip():
                    return ActionOutcome.failed("the reply is empty: write a reply in the decision")
                answer = self._graph("POST", f"{cid}/{self.reply_edge}", what=f"reply to {cid}", data={"message": text})
                return ActionOutcome.done("replied", platform_ref=str(answer.get("id") or "") or None)
            if name == "delete_reply":
                # Taking back the organisation's own reply (an undone decision): Graph deletes it by its id.
                ref = str(action.payload.get("platform_ref") or "")
                if not ref:
                    return ActionOutcome.failed("the reply's id on the platform is not known: delete it by hand")
                self._graph("DELETE", ref, what=f"delete reply {ref}")
                return ActionOutcome.done("reply deleted")
            return self._other(action)
        except _GraphError as exc:
            if exc.missing and name in ("delete", "delete_reply"):
                # Deleted already (by us before a crash, by the author, or by the platform): the goal is met.
                return ActionOutcome.done("already deleted")
            if exc.missing:
                return ActionOutcome.failed(f"{exc}: the comment no longer exists on {self.platform.value}")
            raise PermanentError(str(exc), status=exc.status) from None

    def _other(self, action: OutboxAction) -> ActionOutcome:
        return self.unsupported(action)

    def check_applied(self, action: OutboxAction) -> bool | None:
        cid = action.comment_external_id
        if action.action in ("hide", "unhide", "delete"):
            field = "is_hidden" if self.hide_field == "is_hidden" else "hidden"
            try:
                state = self._graph("GET", cid, what=f"read comment {cid}", params={"fields": f"id,{field}"})
            except _GraphError as exc:
                return (action.action == "delete") if exc.missing else None
            if action.action == "delete":
                return False
            hidden = state.get(field)
            return None if not isinstance(hidden, bool) else hidden == (action.action == "hide")
        if action.action != "reply":
            return None
        text = str(action.payload.get("text") or "")
        try:
            answer = self._graph(
                "GET",
                f"{action.comment_external_id}/{self.reply_edge}",
                what=f"read the replies of {action.comment_external_id}",
                params={"fields": "id,message,text,from", "limit": "100"},
            )
        except _GraphError:
            return None
        data = answer.get("data")
        if not isinstance(data, list):
            return None
        for reply in data:
            if not isinstance(reply, dict):
                continue
            author = reply.get("from") or {}
            body = reply.get("message", reply.get("text"))
            if isinstance(author, dict) and self._is_own(str(author.get("id"))) and body == text:
                return True
        return False


class FacebookConnector(_MetaConnector):
    """A Facebook Page: comments through the `feed` webhook; hide, unhide, delete, reply, ban from the Page."""

    platform: ClassVar[Platform] = Platform.FACEBOOK
    webhook_object: ClassVar[str] = "page"
    hide_field: ClassVar[str] = "is_hidden"
    reply_edge: ClassVar[str] = "comments"
    actions: ClassVar[frozenset[str]] = frozenset(
        {"hide", "unhide", "delete", "reply", "delete_reply", "ban_from_page", "block", "unban_from_page", "unblock"}
    )
    idempotent_actions: ClassVar[frozenset[str]] = frozenset(
        {"hide", "unhide", "delete", "delete_reply", "ban_from_page", "block", "unban_from_page", "unblock"}
    )

    def _change(self, entry: Mapping[str, Any], change: Mapping[str, Any], result: WebhookResult) -> None:
        value = change["value"]
        if change.get("field") != "feed" or value.get("item") != "comment":
            result.ignored.append(f"{change.get('field')}/{value.get('item')} is not a comment event")
            return
        comment_id = value.get("comment_id")
        verb = value.get("verb")
        if not isinstance(comment_id, str | int) or not comment_id:
            raise MalformedPayload("a comment event without comment_id")
        comment_id = str(comment_id)
        if verb == "remove":
            result.removed.append(comment_id)
            return
        if verb not in ("add", "edited"):
            result.ignored.append(f"comment {comment_id}: verb {verb!r} (hide/unhide are the Page's own actions)")
            return
        author = value.get("from") if isinstance(value.get("from"), dict) else {}
        author_id = str(author["id"]) if author.get("id") is not None else None
        if self._is_own(author_id):
            result.ignored.append(f"comment {comment_id} is the Page's own")
            return
        message = value.get("message")
        if not isinstance(message, str) or not message.strip():
            result.ignored.append(f"comment {comment_id} has no text (a sticker or a photo)")
            return
        post_id = str(value["post_id"]) if value.get("post_id") else None
        parent = str(value["parent_id"]) if value.get("parent_id") else None
        result.comments.append(
            IncomingComment(
                id=comment_id,
                text=message,
                author=author_id,
                author_name=str(author["name"]) if author.get("name") else None,
                thread=post_id,
                # A top-level comment's parent is the post itself: not a comment it answers.
                parent=parent if parent != post_id else None,
                posted_at=parse_time(value.get("created_time")) or parse_time(entry.get("time")),
                edited=verb == "edited",
            )
        )

    def _other(self, action: OutboxAction) -> ActionOutcome:
        if action.action in ("ban_from_page", "block"):
            user = action.author_external_id
            if not user:
                return ActionOutcome.failed("the comment has no known author to ban: ban them by hand on the Page")
            self._graph(
                "POST", f"{self.channel.external_id}/blocked", what=f"ban {user} from the Page", data={"user": user}
            )
            return ActionOutcome.done("banned from the Page")
        if action.action in ("unban_from_page", "unblock"):
            # An undone decision lifts the ban: DELETE /{page-id}/blocked with the same user.
            user = action.author_external_id
            if not user:
                return ActionOutcome.failed("the comment has no known author: lift the ban by hand on the Page")
            self._graph(
                "DELETE", f"{self.channel.external_id}/blocked", what=f"lift the ban of {user}", params={"user": user}
            )
            return ActionOutcome.done("ban from the Page lifted")
        return self.unsupported(action)


class InstagramConnector(_MetaConnector):
    """An Instagram professional account: comments through the `comments` webhook; hide, unhide, delete, reply."""

    platform: ClassVar[Platform] = Platform.INSTAGRAM
    webhook_object: ClassVar[str] = "instagram"
    hide_field: ClassVar[str] = "hide"
    reply_edge: ClassVar[str] = "replies"
    actions: ClassVar[frozenset[str]] = frozenset({"hide", "unhide", "delete", "reply", "delete_reply"})
    idempotent_actions: ClassVar[frozenset[str]] = frozenset({"hide", "unhide", "delete", "delete_reply"})

    def _change(self, entry: Mapping[str, Any], change: Mapping[str, Any], result: WebhookResult) -> None:
        value = change["value"]
        if change.get("field") not in ("comments", "live_comments"):
            result.ignored.append(f"field {change.get('field')!r} is not a comment event")
            return
        comment_id = value.get("id")
        if not isinstance(comment_id, str | int) or not comment_id:
            raise MalformedPayload("a comments event without id")
        author = value.get("from") if isinstance(value.get("from"), dict) else {}
        author_id = str(author["id"]) if author.get("id") is not None else None
        if self._is_own(author_id):
            result.ignored.append(f"comment {comment_id} is the account's own")
            return
        text = value.get("text")
        if not isinstance(text, str) or not text.strip():
            result.ignored.append(f"comment {comment_id} has no text")
            return
        media = value.get("media") if isinstance(value.get("media"), dict) else {}
        result.comments.append(
            IncomingComment(
                id=str(comment_id),
                text=text,
                author=author_id,
                author_name=str(author["username"]) if author.get("username") else None,
                thread=str(media["id"]) if media.get("id") else None,
                parent=str(value["parent_id"]) if value.get("parent_id") else None,
                posted_at=parse_time(entry.get("time")),
            )
        )
