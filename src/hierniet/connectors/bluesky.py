"""Bluesky: replies to the organisation's posts from Jetstream; hiding, blocking, reporting by XRPC.

Documented contract followed (AT Protocol lexicons at atproto.com / github.com/bluesky-social/atproto,
and the Jetstream README):

* Jetstream: a websocket `GET /subscribe?wantedCollections=app.bsky.feed.post&cursor=<unix µs>` streaming
  JSON events `{"did", "time_us", "kind": "commit", "commit": {"operation": "create", "collection",
  "rkey", "cid", "record"}}`. A cursor replays from that time; "when reconnecting, use the time_us of the
  most recently processed event, less a few seconds, for gapless playback" (repeats are deduplicated
  here by the post's at-uri, and ingestion is idempotent). Jetstream cannot filter by reply target: every
  new post arrives and only replies whose `reply.root` or `reply.parent` is a post of the organisation's
  repository are kept. A crisis hashtag (`hashtag(tag, since)`, issue 15) is read the same way: every post for
  `hashtag_seconds`, keeping those whose tag facets (`app.bsky.richtext.facet#tag`), `tags` or text carry it;
* session: `com.atproto.server.createSession` `{identifier, password}` (an app password) -> `accessJwt`;
* hiding: the thread's threadgate record `app.bsky.feed.threadgate` (record key = the root post's record
  key, `post` = the root's at-uri, `hiddenReplies`: at most 300 at-uris) read with
  `com.atproto.repo.getRecord` (400 `RecordNotFound` when there is none) and written with
  `com.atproto.repo.putRecord` (with `swapRecord`, the cid read, so a concurrent change is not overwritten).
  Only the root post's author can gate a thread: replies under someone else's thread cannot be hidden;
* blocking: a record `app.bsky.graph.block` `{subject: <did>, createdAt}` by `com.atproto.repo.createRecord`
  (existing blocks are listed first with `com.atproto.repo.listRecords`, so blocking is never doubled);
* reporting: `com.atproto.moderation.createReport` `{reasonType, reason, subject: strongRef{uri, cid}}`,
  sent through the PDS to Bluesky's moderation service (header `atproto-proxy`);
* replying: `app.bsky.feed.post` `{text, createdAt, reply: {root, parent}}` (strong refs from
  `app.bsky.feed.getPosts`);
* errors: `{"error", "message"}`; 429 with `ratelimit-reset` (unix seconds).

Credentials: `app_password`. Config: `identifier` (handle or DID to log in with; default the channel's
external id), `did` (the organisation's DID; default the external id when it is a DID, else resolved),
`base_url` (the PDS), `jetstream_url`, `stream_seconds`, `hashtag_seconds`, `rewind_seconds`, `reconnect_delay`,
`max_reconnect_delay`, `moderation_service`.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import urlencode

import httpx
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI
from websockets.sync.client import connect

from hierniet.connectors.base import (
    ActionOutcome,
    ConfigError,
    Connector,
    ConnectorError,
    IncomingComment,
    MalformedPayload,
    OutboxAction,
    PermanentError,
    PollResult,
    RateLimited,
    json_object,
    parse_time,
    request,
)
from hierniet.domain import Platform

POST = "app.bsky.feed.post"
THREADGATE = "app.bsky.feed.threadgate"
#: The rules a raid's hold puts on a thread's gate: only people the organisation follows or mentions may reply.
HOLD_RULES: tuple[dict[str, str], ...] = (
    {"$type": "app.bsky.feed.threadgate#mentionRule"},
    {"$type": "app.bsky.feed.threadgate#followingRule"},
)
BLOCK = "app.bsky.graph.block"
#: The lexicon's maxLength of threadgate.hiddenReplies.
MAX_HIDDEN = 300
#: Which report reason a hierniet label maps to (com.atproto.moderation.defs).
REASONS = {
    "spam": "com.atproto.moderation.defs#reasonSpam",
    "sexual": "com.atproto.moderation.defs#reasonSexual",
    "insult": "com.atproto.moderation.defs#reasonRude",
    "provocation": "com.atproto.moderation.defs#reasonRude",
    "hate": "com.atproto.moderation.defs#reasonViolation",
    "threat": "com.atproto.moderation.defs#reasonViolation",
    "doxxing": "com.atproto.moderation.defs#reasonViolation",
    "defamation": "com.atproto.moderation.defs#reasonMisleading",
}


def reset_after(response: httpx.Response) -> float | None:
    """Seconds until `ratelimit-reset` (unix seconds), when the PDS lets calls through again."""
    value = response.headers.get("ratelimit-reset")
    try:
        return max(1.0, float(value) - time.time()) if value else None
    except ValueError:
        return None


def split_uri(uri: str) -> tuple[str, str, str]:
    """at://did/collection/rkey -> (did, collection, rkey)."""
    parts = uri.removeprefix("at://").split("/")
    if not uri.startswith("at://") or len(parts) != 3 or not all(parts):
        raise PermanentError(f"{uri!r} is not an at-uri of a record (at://did/collection/rkey)")
    return parts[0], parts[1], parts[2]


_LINK = re.compile(r"https?://[^\s<>\"')\]]+[^\s<>\"')\].,;:!?]")


def link_facets(text: str) -> list[dict[str, Any]]:
    """Rich-text link facets (app.bsky.richtext.facet#link) for the URLs in `text`: without them a link in a
    post is plain text. Offsets count UTF-8 bytes, as the lexicon says."""
    facets = []
    for match in _LINK.finditer(text):
        start = len(text[: match.start()].encode())
        end = start + len(match.group().encode())
        facets.append(
            {
                "index": {"byteStart": start, "byteEnd": end},
                "features": [{"$type": "app.bsky.richtext.facet#link", "uri": match.group()}],
            }
        )
    return facets


#: The lexicon's maxGraphemes of a tag (app.bsky.richtext.facet#tag, app.bsky.feed.post tags).
MAX_TAG = 64


def tag_matcher(tag: str) -> Callable[[dict[str, Any]], bool]:
    """Whether a post record carries `tag` (with or without '#', as Mastodon's hashtag takes it): in a tag facet
    or the record's `tags`, or in the text as a whole word, with or without '#' (a client that makes no facets;
    the crisis's keywords are one word either way: "#HasseltHelpt" = "hasselthelpt"). Case aside."""
    name = tag.strip().lstrip("#")
    if not name or len(name) > MAX_TAG or any(ch.isspace() or ch == "#" for ch in name):
        raise ConfigError(
            f"{tag!r} is not a tag Bluesky posts can carry: write one word of at most {MAX_TAG} characters, with or "
            "without '#' (e.g. #hasselthelpt)"
        )
    wanted = name.casefold()
    in_text = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE)

    def matches(record: dict[str, Any]) -> bool:
        tags = [t for t in record.get("tags") or [] if isinstance(t, str)]
        for facet in record.get("facets") or []:
            for feature in (facet.get("features") or []) if isinstance(facet, dict) else []:
                if isinstance(feature, dict) and feature.get("$type") == "app.bsky.richtext.facet#tag":
                    tags.append(str(feature.get("tag") or ""))
        if any(t.lstrip("#").casefold() == wanted for t in tags):
            return True
        return in_text.search(str(record.get("text") or "")) is not None

    return matches


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class BlueskyConnector(Connector):
    platform: ClassVar[Platform] = Platform.BLUESKY
    receives: ClassVar[frozenset[str]] = frozenset({"poll"})
    actions: ClassVar[frozenset[str]] = frozenset(
        {"hide_reply", "hide", "unhide", "block", "unblock", "report", "reply", "hold_new_comments", "release_hold"}
    )
    # Hiding and holding read the threadgate first (a hidden reply stays hidden); blocking lists the blocks first.
    idempotent_actions: ClassVar[frozenset[str]] = frozenset(
        {"hide_reply", "hide", "unhide", "block", "unblock", "hold_new_comments", "release_hold"}
    )
    required_credentials: ClassVar[tuple[str, ...]] = ("app_password",)
    default_config: ClassVar[dict[str, Any]] = {
        "base_url": "https://bsky.social",
        "jetstream_url": "wss://jetstream2.us-east.bsky.network/subscribe",
        # Short, because the worker polls channels one after the other; the next session replays from the cursor.
        "stream_seconds": 20.0,
        # How long one read of a crisis hashtag listens (every tag of every crisis is its own session).
        "hashtag_seconds": 10.0,
        "rewind_seconds": 3.0,
        "reconnect_delay": 1.0,
        "max_reconnect_delay": 30.0,
        "moderation_service": "did:plc:ar7c4by46qjdydhdevvrndac#atproto_labeler",
        "max_block_pages": 10,
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._did: str | None = None
        self._jwt: str | None = None
        self._last: int | None = None  # time_us of the newest Jetstream event seen
        #: Websocket connections made by the last poll, and the cursor each asked for (tests, logs).
        self.connections: list[int | None] = []

    # ------------------------------------------------------------------------------------------ plumbing

    def _url(self, method: str) -> str:
        return str(self.setting("base_url")).rstrip("/") + "/xrpc/" + method

    def did(self) -> str:
        """The organisation's DID (config, the external id, or the handle resolved)."""
        if self._did is None:
            configured = str(self.channel.config.get("did") or "")
            if configured.startswith("did:"):
                self._did = configured
            elif self.channel.external_id.startswith("did:"):
                self._did = self.channel.external_id
            else:
                handle = self.channel.external_id.removeprefix("@")
                data = self._xrpc("GET", "com.atproto.identity.resolveHandle", params={"handle": handle}, auth=False)
                if not str(data.get("did", "")).startswith("did:"):
                    raise ConfigError(f"cannot resolve the Bluesky handle {handle!r}: set --config did=did:plc:...")
                self._did = str(data["did"])
        return self._did

    def _session(self) -> str:
        if self._jwt is None:
            identifier = str(self.channel.config.get("identifier") or self.channel.external_id)
            try:
                data = self._xrpc(
                    "POST",
                    "com.atproto.server.createSession",
                    json={"identifier": identifier, "password": self.credentials["app_password"]},
                    auth=False,
                )
            except PermanentError as exc:
                if exc.status == 401:
                    raise ConfigError(
                        f"Bluesky refused the login of {identifier}: make a new app password (Settings > Privacy "
                        "and security > App passwords) and set it with `hierniet channel add`"
                    ) from None
                raise
            if not data.get("accessJwt"):
                raise MalformedPayload("createSession answered without accessJwt")
            self._jwt = str(data["accessJwt"])
            if str(data.get("did", "")).startswith("did:") and self._did is None:
                self._did = str(data["did"])
        return self._jwt

    def _xrpc(
        self, verb: str, method: str, *, auth: bool = True, ok: tuple[int, ...] = (), **kwargs: Any
    ) -> dict[str, Any]:
        headers = dict(kwargs.pop("headers", {}))
        if auth:
            headers["Authorization"] = f"Bearer {self._session()}"
        response = request(
            self.http,
            verb,
            self._url(method),
            what=method,
            headers=headers,
            ok=ok,
            retry_after_of=reset_after,
            **kwargs,
        )
        if not response.content:
            return {}
        data = json_object(response, method)
        if response.status_code >= 400:
            data.setdefault("status", response.status_code)
        return data

    # ------------------------------------------------------------------------------------------ reading

    def poll(self, cursor: str | None) -> PollResult:
        """Replies to the organisation's posts from Jetstream for `stream_seconds`, resuming at `cursor`."""
        org = self.did()
        seen: dict[str, IncomingComment] = {}

        def take(event: dict[str, Any]) -> None:
            comment = self._comment(event, org)
            if comment is not None:
                # An update is another version of the post: kept beside the first (ingestion applies the
                # versions in order), deduplicated on its text when Jetstream replays it.
                key = f"{comment.id}\0{comment.text}" if comment.edited else comment.id
                seen.setdefault(key, comment)

        newest = self._stream(cursor, float(self.setting("stream_seconds")), take)
        return PollResult(list(seen.values()), newest)  # in Jetstream's order

    def hashtag(self, tag: str, since: str | None) -> tuple[list[IncomingComment], str | None]:
        """Public posts carrying #tag (a tag facet, the record's tags, or the word in the text, with or without
        '#': tag_matcher) from Jetstream for `hashtag_seconds`, resuming at `since` (a cursor in µs; live from now
        without one), oldest first; and the cursor to resume from. For the crisis desk (issue 15): Jetstream
        streams every new post of the network and cannot filter on words, so this session reads them all and
        keeps those that carry the tag. The organisation's own posts are left out."""
        matches = tag_matcher(tag)
        org = self.did()
        seen: dict[str, IncomingComment] = {}

        def take(event: dict[str, Any]) -> None:
            comment = self._tagged(event, org, matches)
            if comment is not None:
                seen.setdefault(comment.id, comment)  # once per post, as Mastodon's hashtag timeline gives it

        newest = self._stream(since, float(self.setting("hashtag_seconds")), take)
        return list(seen.values()), newest

    def _stream(self, cursor: str | None, seconds: float, take: Callable[[dict[str, Any]], None]) -> str:
        """Give every Jetstream event from `cursor` (less `rewind_seconds`) to `take` for `seconds`, reconnecting
        from the last event seen when the link drops; the cursor to resume from."""
        self.connections = []
        last: int | None = None
        if cursor:
            try:
                last = int(cursor)
            except ValueError:
                raise MalformedPayload(f"the stored Bluesky cursor {cursor[:40]!r} is not a time in µs") from None
        # Without a cursor the session is live from now; if nothing at all arrives, the next session replays
        # from this moment, so nothing falls between two polls.
        started = int(time.time() * 1_000_000)
        deadline = time.monotonic() + seconds
        delay = float(self.setting("reconnect_delay"))
        rewind = int(float(self.setting("rewind_seconds")) * 1_000_000)
        self._last = last
        while time.monotonic() < deadline:
            if not self.connections:
                start = None if last is None else last - rewind
            else:
                # A reconnect: resume from the last event seen (or from when the session began), a little earlier.
                start = (self._last if self._last is not None else started) - rewind
            try:
                self._listen(start, deadline, take)
                break
            except (ConnectionClosed, InvalidHandshake, InvalidURI, OSError, TimeoutError):
                pass
            time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
            delay = min(delay * 2, float(self.setting("max_reconnect_delay")))
        last = self._last
        return str(last if last is not None else started)

    def _listen(self, start: int | None, deadline: float, take: Callable[[dict[str, Any]], None]) -> None:
        """One websocket session until `deadline`, keeping the last event's time_us. Raises when the link drops."""
        query = [("wantedCollections", POST)]
        if start is not None:
            query.append(("cursor", str(start)))
        url = str(self.setting("jetstream_url")) + "?" + urlencode(query)
        self.connections.append(start)
        with connect(url, open_timeout=10, close_timeout=2, max_size=2**22) as ws:
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return
                try:
                    message = ws.recv(timeout=remaining)
                except TimeoutError:
                    return  # the session's time is up (a dead link is caught by the library's pings)
                try:
                    event = json.loads(message)
                except ValueError:
                    raise MalformedPayload("Jetstream sent something that is not JSON") from None
                if not isinstance(event, dict):
                    continue
                when = event.get("time_us")
                if isinstance(when, int) and (self._last is None or when > self._last):
                    self._last = when
                take(event)

    @staticmethod
    def _post_record(event: dict[str, Any], org: str) -> tuple[dict[str, Any], str, dict[str, Any]] | None:
        """A post created or edited by anyone but the organisation, with text: its commit, author and record."""
        commit = event.get("commit")
        if event.get("kind") != "commit" or not isinstance(commit, dict):
            return None
        # "update" rewrites a record in place: for a post that is an edit of its text.
        if commit.get("operation") not in ("create", "update") or commit.get("collection") != POST:
            return None
        author = event.get("did")
        record = commit.get("record")
        if not isinstance(record, dict) or author == org or not commit.get("rkey"):
            return None
        text = record.get("text")
        if not isinstance(text, str) or not text.strip():
            return None
        return commit, str(author), record

    @staticmethod
    def _incoming(commit: dict[str, Any], author: str, record: dict[str, Any], thread: str) -> IncomingComment:
        reply = record.get("reply")
        parent = str(((reply.get("parent") or {}) if isinstance(reply, dict) else {}).get("uri") or "")
        langs = record.get("langs")
        return IncomingComment(
            id=f"at://{author}/{POST}/{commit['rkey']}",
            text=str(record["text"]),
            author=author,
            thread=thread or None,
            parent=parent or None,
            posted_at=parse_time(record.get("createdAt")),
            language=str(langs[0]) if isinstance(langs, list) and langs else None,
            edited=commit.get("operation") == "update",
        )

    @staticmethod
    def _comment(event: dict[str, Any], org: str) -> IncomingComment | None:
        post = BlueskyConnector._post_record(event, org)
        if post is None:
            return None
        commit, author, record = post
        reply = record.get("reply")
        if not isinstance(reply, dict):
            return None
        root = str((reply.get("root") or {}).get("uri") or "")
        parent = str((reply.get("parent") or {}).get("uri") or "")
        mine = f"at://{org}/"
        if not (root.startswith(mine) or parent.startswith(mine)):
            return None
        return BlueskyConnector._incoming(commit, author, record, root)

    @staticmethod
    def _tagged(event: dict[str, Any], org: str, matches: Callable[[dict[str, Any]], bool]) -> IncomingComment | None:
        """A post (new or edited) carrying the tag, by anyone but the organisation."""
        post = BlueskyConnector._post_record(event, org)
        if post is None or not matches(post[2]):
            return None
        commit, author, record = post
        reply = record.get("reply")
        root = str(((reply.get("root") or {}) if isinstance(reply, dict) else {}).get("uri") or "")
        # A post is under the organisation's thread only when its root is the organisation's post.
        return BlueskyConnector._incoming(commit, author, record, root if root.startswith(f"at://{org}/") else "")

    # ------------------------------------------------------------------------------------------ actions

    def apply(self, action: OutboxAction) -> ActionOutcome:
        name = action.action
        try:
            if name in ("hide_reply", "hide", "unhide"):
                return self._gate(action, hide=name != "unhide")
            if name in ("hold_new_comments", "release_hold"):
                return self._hold(action, hold=name == "hold_new_comments")
            if name == "block":
                return self._block(action)
            if name == "unblock":
                return self._unblock(action)
            if name == "report":
                return self._report(action)
            if name == "reply":
                return self._reply(action)
        except PermanentError as exc:
            raise _explained(exc) from None
        return self.unsupported(action)

    def _gate(self, action: OutboxAction, *, hide: bool) -> ActionOutcome:
        """Hide a reply in (or show it again) through the root's threadgate `hiddenReplies`."""

        def edit(record: dict[str, Any]) -> ActionOutcome | None:
            hidden = [str(u) for u in record.get("hiddenReplies") or []]
            if hide == (action.comment_external_id in hidden):
                return ActionOutcome.done("already hidden on Bluesky" if hide else "already visible on Bluesky")
            if hide:
                if len(hidden) >= MAX_HIDDEN:
                    return ActionOutcome.failed(
                        f"Bluesky hides at most {MAX_HIDDEN} replies per thread and this thread has reached it: "
                        "block or report the author instead"
                    )
                hidden.append(action.comment_external_id)
            else:
                hidden.remove(action.comment_external_id)
            record["hiddenReplies"] = hidden
            return None

        return self._edit_threadgate(
            action,
            edit,
            done="hidden on Bluesky" if hide else "visible again on Bluesky",
            not_own="Bluesky lets an account hide replies only in threads it started: this reply is not under one "
            "of the organisation's own posts. Report it, or block its author.",
        )

    def _hold(self, action: OutboxAction, *, hold: bool) -> ActionOutcome:
        """Hold new replies to a raided thread (issue 14): the root's threadgate lets only people the organisation
        follows or mentions reply (`allow`). A thread whose gate already limits replies keeps its own rules;
        lifting the hold removes only the rules the hold set."""

        def edit(record: dict[str, Any]) -> ActionOutcome | None:
            if hold:
                if "allow" in record:
                    return ActionOutcome.done("replies were limited on Bluesky already: the thread's rules stay")
                record["allow"] = list(HOLD_RULES)
            else:
                if record.get("allow") != list(HOLD_RULES):
                    return ActionOutcome.done("no hold of hierniet's on this thread: its rules stay as they are")
                record.pop("allow")
            return None

        return self._edit_threadgate(
            action,
            edit,
            done="new replies held on Bluesky: only people followed or mentioned may reply"
            if hold
            else "anyone may reply again on Bluesky",
            not_own="Bluesky lets an account limit replies only in threads it started: this raid is not under one "
            "of the organisation's own posts.",
        )

    def _edit_threadgate(
        self,
        action: OutboxAction,
        edit: Callable[[dict[str, Any]], ActionOutcome | None],
        *,
        done: str,
        not_own: str,
    ) -> ActionOutcome:
        """Read the thread root's threadgate, let `edit` change it (or answer without writing), and write it back
        only if nobody changed it meanwhile (swapRecord), reading again up to three times."""
        org = self.did()
        root = action.thread_external_id or ""
        if not root.startswith(f"at://{org}/{POST}/"):
            return ActionOutcome.failed(not_own)
        _, _, rkey = split_uri(root)
        for _ in range(3):  # someone else may change the threadgate meanwhile: read again and retry
            current = self._xrpc(
                "GET",
                "com.atproto.repo.getRecord",
                params={"repo": org, "collection": THREADGATE, "rkey": rkey},
                ok=(400,),
            )
            if current.get("status") == 400 and current.get("error") != "RecordNotFound":
                raise PermanentError(f"reading the threadgate: {current.get('message') or current}", status=400)
            exists = current.get("status") != 400
            record = dict(current.get("value") or {}) if exists else {"$type": THREADGATE, "post": root}
            record.setdefault("createdAt", _now())
            answered = edit(record)
            if answered is not None:
                return answered
            body: dict[str, Any] = {"repo": org, "collection": THREADGATE, "rkey": rkey, "record": record}
            if exists and current.get("cid"):
                body["swapRecord"] = current["cid"]
            answer = self._xrpc("POST", "com.atproto.repo.putRecord", json=body, ok=(400,))
            if answer.get("status") == 400:
                if answer.get("error") == "InvalidSwap":
                    continue
                raise PermanentError(f"writing the threadgate: {answer.get('message') or answer}", status=400)
            return ActionOutcome.done(done)
        raise RateLimited("the thread's threadgate keeps changing: trying again later", retry_after=10.0)

    def _block_records(self, subject: str) -> list[str]:
        """The uris of the organisation's block records of `subject` (within max_block_pages pages)."""
        params: dict[str, Any] = {"repo": self.did(), "collection": BLOCK, "limit": 100}
        found: list[str] = []
        for _ in range(int(self.setting("max_block_pages"))):
            page = self._xrpc("GET", "com.atproto.repo.listRecords", params=params)
            found += [
                str(r.get("uri"))
                for r in page.get("records") or []
                if (r.get("value") or {}).get("subject") == subject and r.get("uri")
            ]
            if not page.get("cursor"):
                break
            params["cursor"] = page["cursor"]
        return found

    def _blocked(self, subject: str) -> bool:
        return bool(self._block_records(subject))

    def _unblock(self, action: OutboxAction) -> ActionOutcome:
        """Take back a block (an undone decision): delete the organisation's block records of the author."""
        subject = action.author_external_id
        if not subject or not subject.startswith("did:"):
            return ActionOutcome.failed("cannot unblock on Bluesky: the comment's author (a DID) is unknown")
        uris = self._block_records(subject)
        for uri in uris:
            _, collection, rkey = split_uri(uri)
            self._xrpc(
                "POST",
                "com.atproto.repo.deleteRecord",
                json={"repo": self.did(), "collection": collection or BLOCK, "rkey": rkey},
            )
        return ActionOutcome.done("unblocked on Bluesky" if uris else "not blocked on Bluesky")

    def _block(self, action: OutboxAction) -> ActionOutcome:
        subject = action.author_external_id
        if not subject or not subject.startswith("did:"):
            return ActionOutcome.failed("cannot block on Bluesky: the comment's author (a DID) is unknown")
        if self._blocked(subject):
            return ActionOutcome.done("already blocked on Bluesky")
        created = self._xrpc(
            "POST",
            "com.atproto.repo.createRecord",
            json={
                "repo": self.did(),
                "collection": BLOCK,
                "record": {"$type": BLOCK, "subject": subject, "createdAt": _now()},
            },
        )
        return ActionOutcome.done("blocked on Bluesky", platform_ref=str(created.get("uri") or "") or None)

    def _refs(self, *uris: str) -> dict[str, dict[str, str]]:
        """Strong refs ({uri, cid}) of posts, from the AppView through the PDS."""
        data = self._xrpc("GET", "app.bsky.feed.getPosts", params={"uris": list(dict.fromkeys(uris))})
        return {
            str(p["uri"]): {"uri": str(p["uri"]), "cid": str(p["cid"])}
            for p in data.get("posts") or []
            if isinstance(p, dict) and p.get("uri") and p.get("cid")
        }

    def _report(self, action: OutboxAction) -> ActionOutcome:
        uri = action.comment_external_id
        refs = self._refs(uri)
        subject: dict[str, Any]
        if uri in refs:
            subject = {"$type": "com.atproto.repo.strongRef", **refs[uri]}
        elif action.author_external_id:
            # The reply is gone: report its author's account instead.
            subject = {"$type": "com.atproto.admin.defs#repoRef", "did": action.author_external_id}
        else:
            return ActionOutcome.failed("the reply no longer exists on Bluesky and its author is unknown")
        label = str(action.payload.get("label") or "")
        reason = str(action.payload.get("reason") or "").strip() or (
            "Reported by the page's moderators: this reply breaks the Hier Niet / Pas ici charter."
        )
        report = self._xrpc(
            "POST",
            "com.atproto.moderation.createReport",
            json={
                "reasonType": REASONS.get(label, "com.atproto.moderation.defs#reasonOther"),
                "reason": reason[:2000],
                "subject": subject,
            },
            headers={"atproto-proxy": str(self.setting("moderation_service"))},
        )
        return ActionOutcome.done("reported to Bluesky's moderators", platform_ref=str(report.get("id") or "") or None)

    def _reply(self, action: OutboxAction) -> ActionOutcome:
        text = str(action.payload.get("text") or "").strip()
        if not text:
            return ActionOutcome.failed("the reply has no text: write one on the desk and send it again")
        if len(text) > 300:
            return ActionOutcome.failed(f"Bluesky posts are at most 300 characters; this reply has {len(text)}")
        parent = action.comment_external_id
        root = action.thread_external_id or parent
        refs = self._refs(parent, root)
        if parent not in refs:
            return ActionOutcome.failed("the reply no longer exists on Bluesky: nothing to answer")
        record: dict[str, Any] = {
            "$type": POST,
            "text": text,
            "createdAt": _now(),
            "reply": {"root": refs.get(root, refs[parent]), "parent": refs[parent]},
        }
        facets = link_facets(text)
        if facets:
            record["facets"] = facets
        created = self._xrpc(
            "POST", "com.atproto.repo.createRecord", json={"repo": self.did(), "collection": POST, "record": record}
        )
        return ActionOutcome.done("replied on Bluesky", platform_ref=str(created.get("uri") or "") or None)

    def check_applied(self, action: OutboxAction) -> bool | None:
        """A reply: found among the organisation's latest posts (same parent, same text). Reports: cannot tell."""
        if action.action in ("block", "unblock") and action.author_external_id:
            return self._blocked(action.author_external_id) is (action.action == "block")
        if action.action != "reply":
            return None
        text = str(action.payload.get("text") or "").strip()
        page = self._xrpc(
            "GET", "com.atproto.repo.listRecords", params={"repo": self.did(), "collection": POST, "limit": 100}
        )
        for item in page.get("records") or []:
            value = item.get("value") or {}
            parent = ((value.get("reply") or {}).get("parent") or {}).get("uri")
            if parent == action.comment_external_id and str(value.get("text", "")).strip() == text:
                return True
        return False


def _explained(exc: PermanentError) -> ConnectorError:
    status = exc.status
    if status == 401:
        why = "Bluesky no longer accepts the channel's session: make a new app password and reconnect the channel"
    elif status == 403:
        why = "Bluesky does not allow this account to do that"
    else:
        why = "Bluesky refused the request"
    return PermanentError(f"{why}. ({exc})", status=status)
