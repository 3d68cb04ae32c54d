"""LinkedIn organisation pages: comments by webhook, deletion and replies through the Comments API.

Documented contract followed (learn.microsoft.com/linkedin: "Webhook validation", "Organization Social
Action Notifications", Community Management "Comments API"):

* endpoint validation: LinkedIn sends `GET ?challengeCode=<uuid>` and expects, within 3 seconds, JSON
  `{"challengeCode", "challengeResponse"}` where challengeResponse = hex(HMAC-SHA256(challengeCode, client
  secret)); it re-validates every 2 hours. Only a code of that form is answered (400 otherwise): the same
  secret signs the POSTs, so answering any code would sign any body;
* each POST carries `X-LI-Signature` = hex(HMAC-SHA256("hmacsha256=" + raw body, client secret)): checked on
  the raw bytes before anything is parsed;
* the body is `{"type": "ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS", "notifications": [...]}`, up to 10
  notifications, each with `notificationId` (the dedupe key), `organizationalEntity`, `action` (COMMENT,
  COMMENT_EDIT, COMMENT_DELETE, ADMIN_COMMENT, LIKE, SHARE, SHARE_MENTION), `sourcePost`,
  `generatedActivity` (the comment's URN), `decoratedGeneratedActivity.comment` (`entity`, `owner`, `text`,
  `object`) and `lastModifiedAt` (milliseconds);
* the Comments API under `https://api.linkedin.com/rest` with the headers `LinkedIn-Version: YYYYMM` and
  `X-Restli-Protocol-Version: 2.0.0`, URNs URL-encoded in paths:
  `GET /socialActions/{object}/comments/{commentId}` (read one), `DELETE
  /socialActions/{object}/comments/{commentId}?actor={organisation}` (204), and a reply as a nested comment
  `POST /socialActions/{commentUrn}/comments` `{"actor", "object", "message": {"text"}, "parentComment"}`.

LinkedIn cannot hide a comment, block a member or take a report through its API: the policy deletes instead
(evidence is kept by hierniet first), and `report`/`block` are done by hand on LinkedIn.

Credentials: `client_secret` (the app's, for signatures and the challenge), `access_token` (a member token
of a page administrator with w_organization_social, r_organization_social). Config: `organization` (URN or
numeric id; default the channel's external id), `base_url`, `linkedin_version`.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import quote

from hierniet.connectors.base import (
    ActionOutcome,
    Connector,
    ConnectorError,
    IncomingComment,
    MalformedPayload,
    OutboxAction,
    PermanentError,
    WebhookRequest,
    WebhookResponse,
    WebhookResult,
    hmac_sha256,
    json_object,
    request,
    verify_hmac_sha256,
)
from hierniet.domain import Platform

EVENT_TYPE = "ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS"
# LinkedIn's challengeCode is a UUID. Nothing else is answered: the challenge response is an HMAC under the same
# client secret as X-LI-Signature, so signing any code would sign "hmacsha256=" + a forged body (issue 11).
_CHALLENGE_CODE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_COMMENT_URN = re.compile(r"^urn:li:comment:\((?P<object>urn:li:[A-Za-z]+:[^,]+|[A-Za-z]+:[^,]+),(?P<id>[^)]+)\)$")


def challenge_response(challenge_code: str, client_secret: str) -> str:
    """hex(HMAC-SHA256(challengeCode, clientSecret)): LinkedIn's endpoint validation.

    Raises MalformedPayload for a code that is not a UUID: signing arbitrary text with the client secret would
    hand out valid X-LI-Signatures (see `_CHALLENGE_CODE`).
    """
    if not _CHALLENGE_CODE.fullmatch(challenge_code):
        raise MalformedPayload("challengeCode is not a UUID: LinkedIn validates with ?challengeCode=<uuid>")
    return hmac_sha256(client_secret, challenge_code.encode()).hex()


def signature(body: bytes, client_secret: str) -> str:
    """The X-LI-Signature LinkedIn sends for `body`: the prefix "hmacsha256=" is part of what is signed."""
    return hmac_sha256(client_secret, b"hmacsha256=" + body).hex()


def split_comment_urn(urn: str) -> tuple[str, str]:
    """urn:li:comment:(urn:li:activity:1,2) -> ("urn:li:activity:1", "2"): the object and the comment's id."""
    match = _COMMENT_URN.match(urn.strip())
    if not match:
        raise PermanentError(f"{urn!r} is not a LinkedIn comment URN (urn:li:comment:(urn:li:activity:...,...))")
    target = match["object"]
    return (target if target.startswith("urn:li:") else f"urn:li:{target}"), match["id"]


class LinkedInConnector(Connector):
    platform: ClassVar[Platform] = Platform.LINKEDIN
    receives: ClassVar[frozenset[str]] = frozenset({"webhook"})
    actions: ClassVar[frozenset[str]] = frozenset({"delete", "reply"})
    # Deleting a deleted comment answers 404, taken as done.
    idempotent_actions: ClassVar[frozenset[str]] = frozenset({"delete"})
    required_credentials: ClassVar[tuple[str, ...]] = ("client_secret", "access_token")
    default_config: ClassVar[dict[str, Any]] = {
        "base_url": "https://api.linkedin.com/rest",
        "linkedin_version": "202511",
    }

    @property
    def organization(self) -> str:
        value = str(self.channel.config.get("organization") or self.channel.external_id)
        return value if value.startswith("urn:li:") else f"urn:li:organization:{value}"

    # ------------------------------------------------------------------------------------------ webhook

    def parse_webhook(self, request: WebhookRequest) -> WebhookResult:
        secret = self.credentials["client_secret"]
        if request.method.upper() == "GET":
            code = request.query.get("challengeCode")
            if not code:
                raise MalformedPayload("a GET without challengeCode: LinkedIn validates with ?challengeCode=<uuid>")
            body = json.dumps({"challengeCode": code, "challengeResponse": challenge_response(code, secret)})
            return WebhookResult(response=WebhookResponse(200, body, "application/json"))
        verify_hmac_sha256(
            secret, b"hmacsha256=" + request.body, request.header("x-li-signature"), header="X-LI-Signature"
        )
        try:
            payload = json.loads(request.body)
        except (ValueError, UnicodeDecodeError):
            raise MalformedPayload("the body is not JSON") from None
        if not isinstance(payload, dict):
            raise MalformedPayload("the body is not a JSON object")
        kind = payload.get("type")
        if kind != EVENT_TYPE:
            return WebhookResult(ignored=[f"event type {kind!r} is not handled (only {EVENT_TYPE})"])
        notifications = payload.get("notifications")
        if not isinstance(notifications, list):
            raise MalformedPayload(f"{EVENT_TYPE} without a `notifications` list")
        result = WebhookResult()
        for index, note in enumerate(notifications):
            if not isinstance(note, dict):
                raise MalformedPayload(f"notification {index} is not an object")
            if note.get("notificationId") is not None:
                result.event_ids.append(str(note["notificationId"]))
            self._notification(note, result)
        return result

    def _notification(self, note: dict[str, Any], result: WebhookResult) -> None:
        action = str(note.get("action") or "")
        entity = note.get("organizationalEntity")
        if entity and str(entity) != self.organization:
            result.ignored.append(f"notification {note.get('notificationId')} is for {entity}, not this channel")
            return
        if action not in ("COMMENT", "COMMENT_EDIT", "COMMENT_DELETE"):
            why = "the organisation's own comment" if action == "ADMIN_COMMENT" else f"a {action or 'nameless'} event"
            result.ignored.append(f"notification {note.get('notificationId')}: {why}, not a comment to moderate")
            return
        decorated = (note.get("decoratedGeneratedActivity") or {}).get("comment") or {}
        if not isinstance(decorated, dict):
            raise MalformedPayload("decoratedGeneratedActivity.comment is not an object")
        urn = decorated.get("entity") or note.get("generatedActivity")
        if not isinstance(urn, str) or not urn:
            raise MalformedPayload(f"{action} notification without the comment's URN (generatedActivity)")
        urn = _full_urn(urn)
        if action == "COMMENT_DELETE":
            result.removed.append(urn)
            return
        text = decorated.get("text")
        if not isinstance(text, str):
            text = (decorated.get("message") or {}).get("text") if isinstance(decorated.get("message"), dict) else None
        fetched: dict[str, Any] = {}
        if not isinstance(text, str) or not text.strip():
            # Not decorated (LinkedIn leaves it out at times): read the comment itself.
            fetched = self._fetch_comment(urn)
            text = (fetched.get("message") or {}).get("text")
            if not isinstance(text, str) or not text.strip():
                result.ignored.append(f"comment {urn} has no text (an image or a deleted comment)")
                return
        millis = note.get("lastModifiedAt")
        result.comments.append(
            IncomingComment(
                id=urn,
                text=text,
                author=str(decorated.get("owner") or fetched.get("actor") or "") or None,
                thread=str(note.get("sourcePost") or decorated.get("object") or "") or None,
                parent=str(fetched["parentComment"]) if fetched.get("parentComment") else None,
                posted_at=datetime.fromtimestamp(millis / 1000, UTC) if isinstance(millis, int | float) else None,
                edited=action == "COMMENT_EDIT",
            )
        )

    # ------------------------------------------------------------------------------------------ API

    def _headers(self) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self.credentials['access_token']}",
            "LinkedIn-Version": str(self.setting("linkedin_version")),
            "X-Restli-Protocol-Version": "2.0.0",
        }

    def _url(self, path: str) -> str:
        return str(self.setting("base_url")).rstrip("/") + path

    def _fetch_comment(self, urn: str) -> dict[str, Any]:
        target, comment_id = split_comment_urn(urn)
        response = request(
            self.http,
            "GET",
            self._url(f"/socialActions/{quote(target, safe='')}/comments/{quote(comment_id, safe='')}"),
            what=f"reading LinkedIn comment {urn}",
            headers=self._headers(),
        )
        return json_object(response, f"reading LinkedIn comment {urn}")

    def apply(self, action: OutboxAction) -> ActionOutcome:
        if action.action == "delete":
            return self._delete(action)
        if action.action == "reply":
            return self._reply(action)
        return self.unsupported(action)

    def _delete(self, action: OutboxAction) -> ActionOutcome:
        target, comment_id = split_comment_urn(action.comment_external_id)
        try:
            response = request(
                self.http,
                "DELETE",
                self._url(f"/socialActions/{quote(target, safe='')}/comments/{quote(comment_id, safe='')}"),
                what="delete the LinkedIn comment",
                headers=self._headers(),
                params={"actor": self.organization},
                ok=(404,),
            )
        except PermanentError as exc:
            raise _explained(exc, "delete this comment") from None
        if response.status_code == 404:
            return ActionOutcome.done("already gone from LinkedIn")
        return ActionOutcome.done("deleted on LinkedIn")

    def _reply(self, action: OutboxAction) -> ActionOutcome:
        text = str(action.payload.get("text") or "").strip()
        if not text:
            return ActionOutcome.failed("the reply has no text: write one on the desk and send it again")
        target, _ = split_comment_urn(action.comment_external_id)
        try:
            response = request(
                self.http,
                "POST",
                self._url(f"/socialActions/{quote(action.comment_external_id, safe='')}/comments"),
                what="reply on LinkedIn",
                headers={**self._headers(), "Content-Type": "application/json"},
                json={
                    "actor": self.organization,
                    "object": target,
                    "message": {"text": text},
                    "parentComment": action.comment_external_id,
                },
            )
        except PermanentError as exc:
            raise _explained(exc, "post the reply") from None
        ref = response.headers.get("x-restli-id") or response.headers.get("x-linkedin-id")
        if not ref and response.content:
            try:
                body = response.json()
            except ValueError:
                body = {}
            if isinstance(body, dict):
                ref = body.get("commentUrn") or body.get("$URN") or body.get("id")
        return ActionOutcome.done("replied on LinkedIn", platform_ref=str(ref) if ref else None)

    def check_applied(self, action: OutboxAction) -> bool | None:
        """Delete: the comment is gone (404). Reply: a nested comment by the organisation with the same text."""
        if action.action == "delete":
            try:
                self._fetch_comment(action.comment_external_id)
            except PermanentError as exc:
                if exc.status == 404:
                    return True
                raise
            return False
        if action.action != "reply":
            return None
        text = str(action.payload.get("text") or "").strip()
        response = request(
            self.http,
            "GET",
            self._url(f"/socialActions/{quote(action.comment_external_id, safe='')}/comments"),
            what="reading replies on LinkedIn",
            headers=self._headers(),
        )
        elements = json_object(response, "reading replies on LinkedIn").get("elements") or []
        return any(
            isinstance(e, dict)
            and e.get("actor") == self.organization
            and str((e.get("message") or {}).get("text", "")).strip() == text
            for e in elements
        )


def _full_urn(urn: str) -> str:
    """LinkedIn writes `generatedActivity` as urn:li:comment:(activity:1,2) at times: the API wants the full form."""
    match = _COMMENT_URN.match(urn.strip())
    if not match:
        return urn.strip()
    target = match["object"]
    return f"urn:li:comment:({target if target.startswith('urn:li:') else 'urn:li:' + target},{match['id']})"


def _explained(exc: PermanentError, doing: str) -> ConnectorError:
    status = exc.status
    if status == 401:
        why = "LinkedIn no longer accepts the channel's access token (they last 60 days): reconnect the channel"
    elif status == 403:
        why = (
            "LinkedIn refused: the connected member must be an administrator of the page, with the "
            "w_organization_social permission, and a page may only remove comments on its own posts"
        )
    elif status == 404:
        why = "the comment or post no longer exists on LinkedIn"
    elif status == 426:
        why = "the LinkedIn-Version in the channel's config is no longer supported: set a recent one (YYYYMM)"
    else:
        why = "LinkedIn refused the request"
    return PermanentError(f"could not {doing}: {why}. ({exc})", status=status)
