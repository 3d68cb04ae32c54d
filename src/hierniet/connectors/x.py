"""X (formerly Twitter): replies and mentions of the organisation's account, and what the account may do.

Documented contract followed (X API v2, docs.x.com):

* reading: `GET /2/users/:id/mentions` (the mentions timeline: every reply to the account's posts mentions
  it) with `since_id` and `pagination_token`, `tweet.fields=author_id,conversation_id,created_at,lang,
  referenced_tweets`, `expansions=author_id`, `user.fields=username,name,created_at`; optionally
  `GET /2/tweets/search/recent?query=conversation_id:<id>` for the conversations listed in the channel's
  `conversation_ids` config (replies that do not mention the account, e.g. in a long thread);
* hiding: `PUT /2/tweets/:id/hidden` with `{"hidden": true}` (only in conversations the account started;
  hiding a hidden reply succeeds again, so it is idempotent); unhiding with `{"hidden": false}`;
* replying: `POST /2/tweets` with `{"text", "reply": {"in_reply_to_tweet_id"}}`;
* muting: `POST /2/users/:id/muting` `{"target_user_id"}`; blocking: `POST /2/users/:id/blocking` (the
  block endpoints are Enterprise-only: X answers 403 on other plans, which we explain);
* rate limits: 429 with `x-rate-limit-reset` (unix seconds) -> retry after that moment.

There is no API to report a post or an account: `report` is done by hand in the app.

Credentials: `access_token`, an OAuth 2.0 user-context token of the organisation's account (scopes
tweet.read, users.read, tweet.write, tweet.moderate.write, mute.write, block.write). Config: `user_id` (the
account's numeric id; default the channel's external id), `base_url`, `max_pages`, `conversation_ids`.
"""

from __future__ import annotations

import json
import time
from typing import Any, ClassVar

import httpx

from hierniet.connectors.base import (
    ActionOutcome,
    Connector,
    IncomingComment,
    MalformedPayload,
    OutboxAction,
    PermanentError,
    PollResult,
    json_object,
    parse_time,
    request,
)
from hierniet.domain import Platform

_TWEET_FIELDS = "author_id,conversation_id,created_at,in_reply_to_user_id,lang,referenced_tweets"


def reset_after(response: httpx.Response) -> float | None:
    """Seconds until X's `x-rate-limit-reset` (a unix time), the documented moment a window reopens."""
    value = response.headers.get("x-rate-limit-reset")
    if not value:
        return None
    try:
        return max(1.0, float(value) - time.time())
    except ValueError:
        return None


def _problem(exc: PermanentError) -> str:
    return str(exc).split(": ", 1)[-1]


class XConnector(Connector):
    platform: ClassVar[Platform] = Platform.X
    receives: ClassVar[frozenset[str]] = frozenset({"poll"})
    actions: ClassVar[frozenset[str]] = frozenset(
        {"hide_reply", "hide", "unhide", "reply", "mute", "block", "unmute", "unblock"}
    )
    # Hiding a hidden reply, muting a muted or blocking a blocked account leaves the same state.
    idempotent_actions: ClassVar[frozenset[str]] = frozenset(
        {"hide_reply", "hide", "unhide", "mute", "block", "unmute", "unblock"}
    )
    required_credentials: ClassVar[tuple[str, ...]] = ("access_token",)
    default_config: ClassVar[dict[str, Any]] = {
        "base_url": "https://api.x.com",
        "max_pages": 5,
        "conversation_ids": [],
    }

    # ------------------------------------------------------------------------------------------ plumbing

    @property
    def _base(self) -> str:
        return str(self.setting("base_url")).rstrip("/")

    @property
    def _user_id(self) -> str:
        return str(self.channel.config.get("user_id") or self.channel.external_id)

    def _call(self, method: str, path: str, *, what: str, **kwargs: Any) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.credentials['access_token']}"}
        response = request(
            self.http, method, self._base + path, what=what, headers=headers, retry_after_of=reset_after, **kwargs
        )
        return json_object(response, what)

    # ------------------------------------------------------------------------------------------ reading

    def poll(self, cursor: str | None) -> PollResult:
        """Mentions (and listed conversations) newer than the cursor; the cursor keeps each newest id."""
        state: dict[str, str] = {}
        if cursor:
            try:
                loaded = json.loads(cursor)
            except ValueError:
                loaded = None
            if not isinstance(loaded, dict):
                raise MalformedPayload(f"the stored X cursor {cursor[:40]!r} is not ours: delete it to start anew")
            state = {str(k): str(v) for k, v in loaded.items()}
        comments: list[IncomingComment] = []
        seen: set[str] = set()
        sources: list[tuple[str, str, dict[str, str]]] = [("mentions", f"/2/users/{self._user_id}/mentions", {})]
        for conversation in self.setting("conversation_ids") or []:
            sources.append(
                (
                    f"conversation:{conversation}",
                    "/2/tweets/search/recent",
                    {"query": f"conversation_id:{conversation}"},
                )
            )
        for key, path, extra in sources:
            newest, found = self._read(path, extra, state.get(key))
            if newest:
                state[key] = newest
            for comment in found:
                if comment.id not in seen:
                    seen.add(comment.id)
                    comments.append(comment)
        comments.sort(key=lambda c: int(c.id) if c.id.isdigit() else 0)
        return PollResult(comments, json.dumps(state, sort_keys=True) if state else None)

    def _read(self, path: str, extra: dict[str, str], since_id: str | None) -> tuple[str | None, list[IncomingComment]]:
        params: dict[str, Any] = {
            **extra,
            "max_results": 100,
            "tweet.fields": _TWEET_FIELDS,
            "expansions": "author_id",
            "user.fields": "username,name,created_at",
        }
        if since_id:
            params["since_id"] = since_id
        newest: str | None = None
        comments: list[IncomingComment] = []
        # Without a cursor only the latest page is read: the desk starts from now, not from the account's past.
        pages = int(self.setting("max_pages")) if since_id else 1
        for _ in range(max(1, pages)):
            data = self._call("GET", path, what="reading X mentions", params=params)
            meta = data.get("meta") or {}
            if newest is None and meta.get("newest_id"):
                newest = str(meta["newest_id"])
            users = {str(u.get("id")): u for u in (data.get("includes") or {}).get("users") or []}
            for tweet in data.get("data") or []:
                comment = self._comment(tweet, users)
                if comment is not None:
                    comments.append(comment)
            token = meta.get("next_token")
            if not token:
                break
            params["pagination_token"] = token
        return newest, comments

    def _comment(self, tweet: Any, users: dict[str, Any]) -> IncomingComment | None:
        if not isinstance(tweet, dict) or not tweet.get("id") or not isinstance(tweet.get("text"), str):
            raise MalformedPayload("X answered a post without id or text: the API's answer changed")
        author = str(tweet.get("author_id") or "") or None
        if author == self._user_id:
            return None  # the organisation's own posts are not comments to moderate
        parent = next(
            (
                str(r["id"])
                for r in tweet.get("referenced_tweets") or []
                if r.get("type") == "replied_to" and r.get("id")
            ),
            None,
        )
        user = users.get(author or "") or {}
        return IncomingComment(
            id=str(tweet["id"]),
            text=tweet["text"],
            author=author,
            author_name=user.get("username") or user.get("name"),
            thread=str(tweet["conversation_id"]) if tweet.get("conversation_id") else None,
            parent=parent,
            posted_at=parse_time(tweet.get("created_at")),
            language=tweet.get("lang") if tweet.get("lang") not in (None, "und", "zxx") else None,
            author_created_at=parse_time(user["created_at"]) if user.get("created_at") else None,
        )

    # ------------------------------------------------------------------------------------------ actions

    def apply(self, action: OutboxAction) -> ActionOutcome:
        name = action.action
        if name in ("hide_reply", "hide", "unhide"):
            return self._hide(action, hidden=name != "unhide")
        if name == "reply":
            return self._reply(action)
        if name in ("mute", "block"):
            return self._relation(action, name)
        if name in ("unmute", "unblock"):
            return self._end_relation(action, name)
        return self.unsupported(action)

    def _hide(self, action: OutboxAction, *, hidden: bool) -> ActionOutcome:
        verb = "hide" if hidden else "unhide"
        try:
            data = self._call(
                "PUT",
                f"/2/tweets/{action.comment_external_id}/hidden",
                what=f"{verb} reply {action.comment_external_id} on X",
                json={"hidden": hidden},
            )
        except PermanentError as exc:
            if exc.status == 403:
                raise PermanentError(
                    f"X refused to {verb} this reply: an account can only hide replies in conversations it "
                    f"started, with a token allowed to moderate (tweet.moderate.write). X said: {_problem(exc)}",
                    status=403,
                ) from None
            raise self._explained(exc, f"{verb} this reply") from None
        if (data.get("data") or {}).get("hidden") is not hidden:
            raise PermanentError(f"X did not confirm the reply is {'hidden' if hidden else 'visible'}: {data}")
        return ActionOutcome.done("hidden on X" if hidden else "visible again on X")

    def _reply(self, action: OutboxAction) -> ActionOutcome:
        text = str(action.payload.get("text") or "").strip()
        if not text:
            return ActionOutcome.failed("the reply has no text: write one on the desk and send it again")
        try:
            data = self._call(
                "POST",
                "/2/tweets",
                what=f"reply to {action.comment_external_id} on X",
                json={"text": text, "reply": {"in_reply_to_tweet_id": action.comment_external_id}},
            )
        except PermanentError as exc:
            raise self._explained(exc, "post the reply") from None
        reply_id = (data.get("data") or {}).get("id")
        if not reply_id:
            raise MalformedPayload(f"X accepted the reply but returned no id: {data}")
        return ActionOutcome.done("replied on X", platform_ref=str(reply_id))

    def _relation(self, action: OutboxAction, name: str) -> ActionOutcome:
        target = action.author_external_id
        if not target:
            return ActionOutcome.failed(f"cannot {name} on X: the comment's author is unknown")
        path = "blocking" if name == "block" else "muting"
        try:
            data = self._call(
                "POST",
                f"/2/users/{self._user_id}/{path}",
                what=f"{name} {target} on X",
                json={"target_user_id": target},
            )
        except PermanentError as exc:
            if exc.status == 403 and name == "block":
                raise PermanentError(
                    "X lets apps block accounts only on its Enterprise plan: block the author by hand in the X app "
                    f"(or mute them instead). X said: {_problem(exc)}",
                    status=403,
                ) from None
            raise self._explained(exc, f"{name} the author") from None
        if (data.get("data") or {}).get(path) is not True:
            raise PermanentError(f"X did not confirm the {name}: {data}")
        return ActionOutcome.done(f"{'blocked' if name == 'block' else 'muted'} on X")

    def _end_relation(self, action: OutboxAction, name: str) -> ActionOutcome:
        """Take back a mute or a block (an undone decision): DELETE /2/users/{me}/muting|blocking/{target}."""
        target = action.author_external_id
        if not target:
            return ActionOutcome.failed(f"cannot {name} on X: the comment's author is unknown")
        path = "blocking" if name == "unblock" else "muting"
        try:
            data = self._call("DELETE", f"/2/users/{self._user_id}/{path}/{target}", what=f"{name} {target} on X")
        except PermanentError as exc:
            if exc.status == 403 and name == "unblock":
                raise PermanentError(
                    "X lets apps unblock accounts only on its Enterprise plan: unblock the author by hand in the X "
                    f"app. X said: {_problem(exc)}",
                    status=403,
                ) from None
            raise self._explained(exc, f"{name} the author") from None
        if (data.get("data") or {}).get(path) is not False:
            raise PermanentError(f"X did not confirm the {name}: {data}")
        return ActionOutcome.done(f"{'unblocked' if name == 'unblock' else 'unmuted'} on X")

    def check_applied(self, action: OutboxAction) -> bool | None:
        """A reply is found among the account's latest posts (same parent, same text); others are idempotent."""
        if action.action != "reply":
            return None
        text = str(action.payload.get("text") or "").strip()
        data = self._call(
            "GET",
            f"/2/users/{self._user_id}/tweets",
            what="reading the account's latest posts on X",
            params={"max_results": 100, "tweet.fields": "referenced_tweets"},
        )
        for tweet in data.get("data") or []:
            replied = {str(r.get("id")) for r in tweet.get("referenced_tweets") or [] if r.get("type") == "replied_to"}
            if action.comment_external_id in replied and str(tweet.get("text", "")).strip() == text:
                return True
        return False

    @staticmethod
    def _explained(exc: PermanentError, doing: str) -> PermanentError:
        status = exc.status
        if status == 401:
            why = "X no longer accepts the channel's access token: reconnect the channel (hierniet channel add)"
        elif status == 403:
            why = "X does not allow this account to do that (check the token's scopes and the account's plan)"
        elif status == 404:
            why = "the post or account no longer exists on X (deleted or suspended)"
        elif status == 400:
            why = "X refused the request as invalid (a reply longer than 280 characters, or a bad id)"
        else:
            why = "X refused the request"
        return PermanentError(f"could not {doing}: {why}. X said: {_problem(exc)}", status=status)
