"""Stateful fakes of the Graph API and the YouTube Data API on a FakePlatform, answering as documented.

They keep the platform's state (hidden, deleted, replies, moderation status) and count the calls that
change it, so tests can assert that an action reached the platform exactly once.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from connectors.fakeserver import FakePlatform, Reply, Request

GRAPH = "/v25.0"


@dataclass
class GraphComment:
    hidden: bool = False
    deleted: bool = False
    replies: list[dict[str, Any]] = field(default_factory=list)


class FakeGraph:
    """Facebook Page comments: POST /{id} is_hidden|hide, DELETE /{id}, POST /{id}/comments|replies,
    GET /{id}?fields=..., GET /{id}/comments|replies, POST and DELETE /{page}/blocked."""

    def __init__(self, server: FakePlatform, page_id: str) -> None:
        self.server = server
        self.page_id = page_id
        self.url = server.url
        self.comments: dict[str, GraphComment] = {}
        self.blocked: set[str] = set()
        self.effects: Counter[tuple[str, str]] = Counter()  # (action, comment id) -> times applied
        self.lock = threading.Lock()
        self.on_effect: Any = None  # called (action, comment id) after an effect, before the answer
        server.route("POST", rf"{GRAPH}/{page_id}/blocked", self._block)
        server.route("DELETE", rf"{GRAPH}/{page_id}/blocked", self._unblock)
        server.route("POST", rf"{GRAPH}/(?P<cid>[^/]+)/(comments|replies)", self._reply)
        server.route("GET", rf"{GRAPH}/(?P<cid>[^/]+)/(comments|replies)", self._replies)
        server.route("POST", rf"{GRAPH}/(?P<cid>[^/]+)", self._hide)
        server.route("DELETE", rf"{GRAPH}/(?P<cid>[^/]+)", self._delete)
        server.route("GET", rf"{GRAPH}/(?P<cid>[^/]+)", self._get)

    def add(self, *ids: str) -> None:
        for cid in ids:
            self.comments[cid] = GraphComment()

    @staticmethod
    def _cid(req: Request, suffix: bool = False) -> str:
        parts = req.path.split("/")
        return parts[-2] if suffix else parts[-1]

    def _missing(self) -> Reply:
        return Reply(
            400,
            {
                "error": {
                    "message": "Unsupported post request. Object does not exist",
                    "type": "GraphMethodException",
                    "code": 100,
                    "error_subcode": 33,
                    "fbtrace_id": "Ax",
                }
            },
        )

    def _effect(self, action: str, cid: str) -> None:
        self.effects[(action, cid)] += 1
        if self.on_effect is not None:
            self.on_effect(action, cid)

    def _form(self, req: Request) -> dict[str, str]:
        from urllib.parse import parse_qs

        return {k: v[0] for k, v in parse_qs(req.body.decode()).items()}

    def _hide(self, req: Request) -> Reply:
        cid = self._cid(req)
        with self.lock:
            c = self.comments.get(cid)
            if c is None or c.deleted:
                return self._missing()
            form = self._form(req)
            value = form.get("is_hidden", form.get("hide"))
            if value not in ("true", "false"):
                return Reply(400, {"error": {"message": "(#100) param is_hidden must be a boolean", "code": 100}})
            c.hidden = value == "true"
            self._effect("hide" if c.hidden else "unhide", cid)
        return Reply(200, {"success": True})

    def _delete(self, req: Request) -> Reply:
        cid = self._cid(req)
        with self.lock:
            c = self.comments.get(cid)
            if c is None or c.deleted:
                return self._missing()
            c.deleted = True
            self._effect("delete", cid)
        return Reply(200, {"success": True})

    def _reply(self, req: Request) -> Reply:
        cid = self._cid(req, suffix=True)
        with self.lock:
            c = self.comments.get(cid)
            if c is None or c.deleted:
                return self._missing()
            message = self._form(req).get("message", "")
            rid = f"{cid}_r{len(c.replies) + 1}"
            c.replies.append({"id": rid, "message": message, "from": {"id": self.page_id, "name": "Stad Gent"}})
            self.comments[rid] = GraphComment()  # a reply is a comment of its own: DELETE /{reply id} removes it
            self._effect("reply", cid)
        return Reply(200, {"id": rid})

    def _replies(self, req: Request) -> Reply:
        cid = self._cid(req, suffix=True)
        with self.lock:
            c = self.comments.get(cid)
            if c is None or c.deleted:
                return self._missing()
            return Reply(200, {"data": list(c.replies), "paging": {}})

    def _get(self, req: Request) -> Reply:
        cid = self._cid(req)
        with self.lock:
            c = self.comments.get(cid)
            if c is None or c.deleted:
                return self._missing()
            return Reply(200, {"id": cid, "is_hidden": c.hidden, "hidden": c.hidden})

    def _block(self, req: Request) -> Reply:
        user = self._form(req).get("user", "")
        with self.lock:
            self.blocked.add(user)
            self._effect("ban_from_page", user)
        return Reply(200, {user: True})

    def _unblock(self, req: Request) -> Reply:
        user = req.arg("user") or ""
        with self.lock:
            self.blocked.discard(user)
            self._effect("unban_from_page", user)
        return Reply(200, {"success": True})


class FakeYouTube:
    """YouTube Data API v3: commentThreads.list, comments.list, comments.setModerationStatus, comments.insert."""

    def __init__(self, server: FakePlatform, channel_id: str) -> None:
        self.server = server
        self.channel_id = channel_id
        self.url = server.url
        self.threads: list[dict[str, Any]] = []  # newest first, as order=time answers
        self.status: dict[str, str] = {}
        self.banned: set[str] = set()
        self.replies: dict[str, list[dict[str, Any]]] = {}
        self.effects: Counter[tuple[str, str]] = Counter()
        self.page_size = 2
        server.route("GET", r"/youtube/v3/commentThreads", self._threads)
        server.route("GET", r"/youtube/v3/comments", self._comments)
        server.route("POST", r"/youtube/v3/comments/setModerationStatus", self._moderate)
        server.route("POST", r"/youtube/v3/comments", self._insert)

    def comment(
        self, cid: str, text: str, when: str, author: str = "UCauthor", parent: str | None = None, video: str = "vid1"
    ) -> dict[str, Any]:
        snippet: dict[str, Any] = {
            "channelId": self.channel_id,
            "videoId": video,
            "textDisplay": text,
            "textOriginal": text,
            "authorDisplayName": f"@{author}",
            "authorChannelId": {"value": author},
            "publishedAt": when,
            "updatedAt": when,
        }
        if parent:
            snippet["parentId"] = parent
        return {"kind": "youtube#comment", "etag": "e", "id": cid, "snippet": snippet}

    def add_thread(
        self, cid: str, text: str, when: str, *, replies: list[dict[str, Any]] | None = None, author: str = "UCauthor"
    ) -> None:
        thread = {
            "kind": "youtube#commentThread",
            "etag": "e",
            "id": cid,
            "snippet": {
                "channelId": self.channel_id,
                "videoId": "vid1",
                "topLevelComment": self.comment(cid, text, when, author),
                "canReply": True,
                "totalReplyCount": len(replies or []),
                "isPublic": True,
            },
        }
        if replies:
            thread["replies"] = {"comments": replies}
        self.threads.insert(0, thread)
        self.status[cid] = "published"
        for r in replies or []:
            self.status[r["id"]] = "published"

    def _auth(self, req: Request) -> Reply | None:
        if req.headers.get("authorization") != "Bearer ya29.token":
            return Reply(
                401,
                {
                    "error": {
                        "code": 401,
                        "message": "Request had invalid authentication credentials.",
                        "errors": [{"reason": "authError", "domain": "global"}],
                    }
                },
            )
        return None

    def _threads(self, req: Request) -> Reply:
        if (bad := self._auth(req)) is not None:
            return bad
        if req.arg("allThreadsRelatedToChannelId") != self.channel_id:
            return Reply(400, {"error": {"code": 400, "message": "bad channel", "errors": [{"reason": "invalid"}]}})
        start = int(req.arg("pageToken") or 0)
        page = self.threads[start : start + self.page_size]
        body: dict[str, Any] = {
            "kind": "youtube#commentThreadListResponse",
            "items": page,
            "pageInfo": {"totalResults": len(self.threads), "resultsPerPage": self.page_size},
        }
        if start + self.page_size < len(self.threads):
            body["nextPageToken"] = str(start + self.page_size)
        return Reply(200, body)

    def _comments(self, req: Request) -> Reply:
        if (bad := self._auth(req)) is not None:
            return bad
        return Reply(
            200, {"kind": "youtube#commentListResponse", "items": self.replies.get(req.arg("parentId") or "", [])}
        )

    def _moderate(self, req: Request) -> Reply:
        if (bad := self._auth(req)) is not None:
            return bad
        cid = req.arg("id") or ""
        status = req.arg("moderationStatus") or ""
        if cid not in self.status:
            return Reply(
                404,
                {
                    "error": {
                        "code": 404,
                        "message": "The comment could not be found.",
                        "errors": [{"reason": "commentNotFound", "domain": "youtube.comment"}],
                    }
                },
            )
        if status not in ("heldForReview", "published", "rejected"):
            return Reply(
                400,
                {"error": {"code": 400, "message": "bad status", "errors": [{"reason": "invalidModerationStatus"}]}},
            )
        if req.arg("banAuthor") == "true":
            if status != "rejected":
                return Reply(
                    400,
                    {
                        "error": {
                            "code": 400,
                            "message": "banAuthor needs rejected",
                            "errors": [{"reason": "banWithoutReject"}],
                        }
                    },
                )
            self.banned.add(cid)
        self.status[cid] = status
        self.effects[(status, cid)] += 1
        return Reply(204, None)

    def _insert(self, req: Request) -> Reply:
        if (bad := self._auth(req)) is not None:
            return bad
        snippet = (req.json or {}).get("snippet") or {}
        parent = snippet.get("parentId")
        if parent not in self.status:
            return Reply(
                404,
                {
                    "error": {
                        "code": 404,
                        "message": "parent not found",
                        "errors": [{"reason": "parentCommentNotFound"}],
                    }
                },
            )
        created = self.comment(
            f"{parent}.r{len(self.replies.get(parent, [])) + 1}",
            snippet.get("textOriginal", ""),
            "2026-03-01T12:00:00Z",
            author=self.channel_id,
            parent=parent,
        )
        self.replies.setdefault(parent, []).append(created)
        self.effects[("reply", parent)] += 1
        return Reply(200, created)
