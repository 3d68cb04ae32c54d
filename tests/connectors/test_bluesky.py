"""The Bluesky connector against a local Jetstream (a real websocket server) and a local PDS (XRPC over HTTP).

The Jetstream plays back its archive from the cursor a client asks for, like the real one, and can drop
every connection and refuse new ones for a while: the connector must reconnect from the last event it saw
(a little earlier), get what was said while it was away, and keep each reply once.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

from connectors.fakeserver import FakePlatform, Reply, Request
from hierniet.connectors.base import (
    ChannelInfo,
    ConfigError,
    OutboxAction,
    OutcomeKind,
    PermanentError,
    PlatformDown,
    RateLimited,
    connector_for,
)
from hierniet.connectors.bluesky import BlueskyConnector, link_facets
from hierniet.services.connections import connect_channel
from hierniet.services.ingest import CommentIn
from hierniet.settings import Settings
from hierniet.store import repo
from hierniet.store.tables import Crisis
from store.dbfixtures import Desk

ORG = "did:plc:stadgent000000000000000"
TROLL = "did:plc:troll0000000000000000000"
FAN = "did:plc:fan000000000000000000000"
ROOT = f"at://{ORG}/app.bsky.feed.post/3lorgpost0001"
OTHER_ROOT = f"at://{FAN}/app.bsky.feed.post/3lfanpost0001"
BASE_US = 1_764_000_000_000_000


def post_event(
    author: str,
    rkey: str,
    text: str,
    when: int,
    *,
    root: str | None = None,
    parent: str | None = None,
    operation: str = "create",
    collection: str = "app.bsky.feed.post",
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "$type": collection,
        "text": text,
        "createdAt": "2026-11-23T10:00:00.000Z",
        "langs": ["nl"],
    }
    if root:
        record["reply"] = {"root": {"uri": root, "cid": "bafyroot"}, "parent": {"uri": parent or root, "cid": "bafyp"}}
    return {
        "did": author,
        "time_us": when,
        "kind": "commit",
        "commit": {
            "rev": "3l",
            "operation": operation,
            "collection": collection,
            "rkey": rkey,
            "record": record,
            "cid": f"bafy{rkey}",
        },
    }


class FakeJetstream:
    """Jetstream's /subscribe: replays the archive from `cursor` (µs), then streams what is published."""

    def __init__(self) -> None:
        self.archive: list[dict[str, Any]] = []
        self.connections: list[dict[str, list[str]]] = []
        self.sent: list[list[int]] = []  # time_us sent on each connection
        self.refusing = False
        self._live: list[ServerConnection] = []
        self._cond = threading.Condition()
        self._server: Server = serve(self._handle, "127.0.0.1", 0, process_request=self._gate)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.url = f"ws://127.0.0.1:{self._server.socket.getsockname()[1]}/subscribe"

    def _gate(self, connection: ServerConnection, request: Any) -> Any:
        return connection.respond(503, "down for maintenance\n") if self.refusing else None

    def _handle(self, ws: ServerConnection) -> None:
        query = parse_qs(urlsplit(ws.request.path if ws.request else "").query)
        cursor = int(query["cursor"][0]) if "cursor" in query else None
        with self._cond:
            self.connections.append(query)
            sent: list[int] = []
            self.sent.append(sent)
            self._live.append(ws)
            position = (
                len(self.archive)
                if cursor is None
                else next((i for i, e in enumerate(self.archive) if e["time_us"] >= cursor), len(self.archive))
            )
        try:
            while True:
                with self._cond:
                    while position >= len(self.archive):
                        self._cond.wait(0.1)
                        if ws not in self._live:
                            return
                    event = self.archive[position]
                    position += 1
                ws.send(json.dumps(event))
                sent.append(event["time_us"])
        except (ConnectionClosed, OSError):
            return

    def publish(self, event: dict[str, Any]) -> None:
        with self._cond:
            self.archive.append(event)
            self._cond.notify_all()

    def drop(self) -> None:
        """A network failure: every connection dies at once, without a closing handshake."""
        with self._cond:
            live, self._live = self._live, []
        for ws in live:
            with contextlib.suppress(OSError):
                ws.socket.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self.drop()
        self._server.shutdown()


@pytest.fixture
def jetstream() -> Iterator[FakeJetstream]:
    jet = FakeJetstream()
    yield jet
    jet.close()


def connector(http: httpx.Client, **config: Any) -> BlueskyConnector:
    channel = ChannelInfo(id=9, platform="bluesky", external_id=ORG, config=config)
    conn = connector_for("bluesky", channel, {"app_password": "abcd-efgh-ijkl-mnop"}, http)
    assert isinstance(conn, BlueskyConnector)
    return conn


def wait_for(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError("condition not met in time")


# --------------------------------------------------------------------------------------------- Jetstream


def test_replies_to_the_organisation_from_the_cursor(jetstream: FakeJetstream, http: httpx.Client) -> None:
    events = [
        post_event(FAN, "3lold", "older than the cursor", BASE_US - 10_000_000, root=ROOT),
        post_event(TROLL, "3lr1", "jullie zijn oplichters", BASE_US + 10, root=ROOT),
        post_event(
            FAN, "3lr2", "niet op ingaan", BASE_US + 20, root=ROOT, parent=f"at://{TROLL}/app.bsky.feed.post/3lr1"
        ),
        post_event(TROLL, "3lx", "a reply in someone else's thread", BASE_US + 30, root=OTHER_ROOT),
        post_event(FAN, "3ltop", "a post that is no reply", BASE_US + 40),
        post_event(ORG, "3lown", "our own answer", BASE_US + 50, root=ROOT),
        post_event(TROLL, "3lr1", "", BASE_US + 60, root=ROOT, operation="delete"),
        post_event(TROLL, "3llike", "", BASE_US + 70, collection="app.bsky.feed.like"),
    ]
    for event in events:
        jetstream.publish(event)
    conn = connector(http, jetstream_url=jetstream.url, stream_seconds=2.0)

    comments, cursor = conn.poll(str(BASE_US + 5))

    assert jetstream.connections[0]["wantedCollections"] == ["app.bsky.feed.post"]
    # Resumed at the cursor, rewound 3 s (the default) for gapless playback.
    assert jetstream.connections[0]["cursor"] == [str(BASE_US + 5 - 3_000_000)]
    assert [c.id for c in comments] == [f"at://{TROLL}/app.bsky.feed.post/3lr1", f"at://{FAN}/app.bsky.feed.post/3lr2"]
    first, second = comments
    assert first.author == TROLL and first.thread == ROOT and first.parent == ROOT and first.language == "nl"
    assert second.parent == f"at://{TROLL}/app.bsky.feed.post/3lr1" and second.thread == ROOT
    assert cursor == str(BASE_US + 70)  # the newest event seen, matching or not
    item = CommentIn.model_validate(first.as_ingest(channel_id=9, platform="bluesky"))
    assert item.id == first.id and item.posted_at is not None


def test_reconnects_after_a_drop_and_resumes_from_the_cursor(jetstream: FakeJetstream, http: httpx.Client) -> None:
    jetstream.publish(post_event(TROLL, "3la", "before", BASE_US + 100, root=ROOT))
    conn = connector(http, jetstream_url=jetstream.url, stream_seconds=8.0, reconnect_delay=0.1, rewind_seconds=1)
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            result["poll"] = conn.poll(str(BASE_US + 50))
        except Exception as exc:  # surfaced by the assertion below
            result["error"] = exc

    worker = threading.Thread(target=run)
    worker.start()
    wait_for(lambda: jetstream.sent and BASE_US + 100 in jetstream.sent[0])
    now_us = int(time.time() * 1_000_000)
    jetstream.publish(post_event(TROLL, "3lb", "live", now_us, root=ROOT))
    wait_for(lambda: now_us in jetstream.sent[0])

    jetstream.refusing = True
    jetstream.drop()
    away = [post_event(FAN, f"3lc{i}", f"said while away {i}", now_us + 1000 * (i + 1), root=ROOT) for i in range(3)]
    for event in away:
        jetstream.publish(event)
    time.sleep(0.5)  # the connector tries, and is refused
    jetstream.refusing = False
    wait_for(lambda: len(jetstream.connections) >= 2)
    later = post_event(TROLL, "3ld", "after", now_us + 10_000, root=ROOT)
    jetstream.publish(later)
    worker.join(timeout=15)

    assert "error" not in result, result.get("error")
    comments, cursor = result["poll"]
    assert [c.text for c in comments] == [
        "before",
        "live",
        "said while away 0",
        "said while away 1",
        "said while away 2",
        "after",
    ]
    resumed = int(jetstream.connections[-1]["cursor"][0])
    assert now_us - 1_000_000 <= resumed <= now_us  # the last event seen before the drop, rewound 1 s
    assert cursor == str(now_us + 10_000)


def test_first_session_is_live_and_leaves_a_cursor(jetstream: FakeJetstream, http: httpx.Client) -> None:
    jetstream.publish(post_event(TROLL, "3lhist", "history", BASE_US, root=ROOT))
    conn = connector(http, jetstream_url=jetstream.url, stream_seconds=0.5)
    before = int(time.time() * 1_000_000)
    comments, cursor = conn.poll(None)
    assert comments == [] and conn.connections[0] is None  # asked for no cursor: live
    assert cursor is not None and int(cursor) >= before  # the next session replays from this one's start


def test_jetstream_unreachable_for_the_whole_session(http: httpx.Client) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    conn = connector(http, jetstream_url=f"ws://127.0.0.1:{port}/subscribe", stream_seconds=0.6, reconnect_delay=0.1)
    comments, cursor = conn.poll(str(BASE_US))
    assert comments == [] and cursor == str(BASE_US)  # nothing lost: the next session starts from the same place
    assert len(conn.connections) >= 2


# --------------------------------------------------------------------------------------------- crisis hashtags


def tagged_event(
    author: str,
    rkey: str,
    text: str,
    when: int,
    *,
    tags: tuple[str, ...] = (),
    facet_tags: tuple[str, ...] = (),
    created: str = "2026-11-23T10:00:00.000Z",
    **kwargs: Any,
) -> dict[str, Any]:
    """A post event whose record carries tag facets (as the app writes them) and `tags` (as some clients do)."""
    event = post_event(author, rkey, text, when, **kwargs)
    record = event["commit"]["record"]
    record["createdAt"] = created
    if tags:
        record["tags"] = list(tags)
    if facet_tags:
        record["facets"] = [
            {
                "index": {"byteStart": 0, "byteEnd": len(tag.encode()) + 1},
                "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": tag}],
            }
            for tag in facet_tags
        ]
    return event


def test_a_hashtag_is_read_from_jetstream_after_its_cursor(jetstream: FakeJetstream, http: httpx.Client) -> None:
    tag = ("hasselthelpt",)
    events = [
        tagged_event(FAN, "3lold", "#hasselthelpt before the cursor", BASE_US - 10_000_000, facet_tags=tag),
        # A facet (the app), the text alone (a client without facets), the record's tags (not in the text), the
        # word without '#' (the crisis's keywords are one word either way)
        tagged_event(FAN, "3lf", "#HasseltHelpt Ik bied onderdak in Genk", BASE_US + 10, facet_tags=("HasseltHelpt",)),
        tagged_event(TROLL, "3lt", "Wij zoeken onderdak in Hasselt #hasselthelpt!", BASE_US + 20),
        tagged_event(FAN, "3lg", "We offer a lift to Hasselt", BASE_US + 30, tags=tag),
        tagged_event(FAN, "3lw", "Hasselthelpt: wie heeft nog plaats?", BASE_US + 35),
        # A reply carrying the tag is a post like any other
        tagged_event(TROLL, "3lr", "#hasselthelpt ook hier", BASE_US + 40, root=ROOT, facet_tags=tag),
        # Not the tag: another tag that starts with it, a longer word, a post without it
        tagged_event(FAN, "3lo", "#hasselthelpt2 other tag", BASE_US + 50, facet_tags=("hasselthelpt2",)),
        tagged_event(FAN, "3lx", "#hasselthelpten is iets anders", BASE_US + 60),
        tagged_event(FAN, "3ln", "Nothing to see", BASE_US + 70),
        # The organisation's own post, a delete and a like are left out
        tagged_event(ORG, "3lown", "Volg de richtlijnen #hasselthelpt", BASE_US + 80, facet_tags=tag),
        post_event(FAN, "3lf", "", BASE_US + 90, operation="delete"),
        post_event(FAN, "3llike", "", BASE_US + 95, collection="app.bsky.feed.like"),
        # An edit of a tagged post: the same post, taken once
        tagged_event(FAN, "3lf", "#HasseltHelpt Ik bied onderdak in Genk (4 bedden)", BASE_US + 99, operation="update"),
    ]
    for event in events:
        jetstream.publish(event)
    conn = connector(http, jetstream_url=jetstream.url, hashtag_seconds=1.0)

    posts, cursor = conn.hashtag("#hasselthelpt", str(BASE_US + 5))

    assert jetstream.connections[0]["wantedCollections"] == ["app.bsky.feed.post"]
    assert jetstream.connections[0]["cursor"] == [str(BASE_US + 5 - 3_000_000)]  # rewound 3 s, as poll does
    assert [p.id.rsplit("/", 1)[1] for p in posts] == ["3lf", "3lt", "3lg", "3lw", "3lr"]
    first, reply = posts[0], posts[-1]
    assert first.text == "#HasseltHelpt Ik bied onderdak in Genk" and first.author == FAN and first.language == "nl"
    assert first.id == f"at://{FAN}/app.bsky.feed.post/3lf"
    assert first.posted_at is not None and first.posted_at.tzinfo is not None and not first.edited
    assert reply.thread == ROOT and reply.parent == ROOT
    assert cursor == str(BASE_US + 99)  # the newest event seen, matching or not

    # The next read starts from that cursor (rewound: repeats are possible, the crisis takes a post in once).
    again, later = conn.hashtag("hasselthelpt", cursor)
    assert jetstream.connections[-1]["cursor"] == [str(BASE_US + 99 - 3_000_000)]
    assert {p.id for p in again} <= {p.id for p in posts} and later == cursor


def test_what_carries_a_tag_and_bad_tags_say_how_to_fix() -> None:
    from hierniet.connectors.bluesky import tag_matcher

    facet = {"$type": "app.bsky.richtext.facet#tag", "tag": "WaterOverlast"}
    for tag in ("wateroverlast", "#Wateroverlast"):
        carries = tag_matcher(tag)
        assert carries({"text": "Wateroverlast in Pepinster"}) and carries({"text": "Help #wateroverlast!"})
        assert carries({"text": "x", "facets": [{"features": [facet]}]}) and carries(
            {"text": "x", "tags": ["#WATEROVERLAST"]}
        )
        assert not carries({"text": "de wateroverlastkaart"}) and not carries({"text": "water overlast"})
        assert not carries(
            {"text": "x", "tags": ["wateroverlast2"], "facets": [{"features": [{"tag": "wateroverlast"}]}]}
        )
    for bad in ("", "#", "#two words", "#" + "x" * 65, "a#b"):
        with pytest.raises(ConfigError, match="one word of at most 64 characters"):
            tag_matcher(bad)


def test_the_first_hashtag_read_is_live(jetstream: FakeJetstream, http: httpx.Client) -> None:
    jetstream.publish(tagged_event(FAN, "3lhist", "#pukkelpop history", BASE_US, facet_tags=("pukkelpop",)))
    conn = connector(http, jetstream_url=jetstream.url, hashtag_seconds=3.0)
    before = int(time.time() * 1_000_000)
    result: dict[str, Any] = {}
    worker = threading.Thread(target=lambda: result.update(read=conn.hashtag("#pukkelpop", None)))
    worker.start()
    wait_for(lambda: len(jetstream.connections) == 1)
    now_us = int(time.time() * 1_000_000)
    jetstream.publish(tagged_event(FAN, "3llive", "#pukkelpop live", now_us, facet_tags=("pukkelpop",)))
    worker.join(timeout=10)
    posts, cursor = result["read"]
    assert "cursor" not in jetstream.connections[0]  # no cursor yet: live from now, the history is not read
    assert [p.text for p in posts] == ["#pukkelpop live"] and cursor == str(now_us)
    assert int(cursor) >= before


def test_a_crisis_follows_its_hashtag_through_the_bluesky_channel(
    jetstream: FakeJetstream, http: httpx.Client, desk: Desk, settings: Settings
) -> None:
    from crisis.crisis_fixtures import WordReader
    from hierniet.services import crisis

    connect_channel(
        desk.store,
        settings,
        desk.actors["root"],
        platform="bluesky",
        external_id=ORG,
        secrets={"app_password": "abcd-efgh-ijkl-mnop"},
        config={"jetstream_url": jetstream.url, "hashtag_seconds": "0.5"},
        organisation_id=desk.organisation_id,
    )
    lead = desk.actors["lead"]
    opened = crisis.open_crisis(desk.store, lead, name="Storm", keywords=["#hasselthelpt", "storm"])
    reader = WordReader()
    # The first read is live from now: what was posted before is not read; it leaves a cursor.
    jetstream.publish(tagged_event(FAN, "3lold", "Ik bied onderdak aan #hasselthelpt", BASE_US))
    assert crisis.pull_hashtags(desk.store, settings, lead, opened.id, http, reader).added == 0
    with desk.store.session() as s:
        channel = repo.list_channels(s, desk.organisation_id)[-1]
        row = s.get(Crisis, opened.id)
        assert row is not None
        cursors = dict(row.settings["stream_cursors"])
    assert list(cursors) == [f"{channel.id}:#hasselthelpt"] and int(cursors[f"{channel.id}:#hasselthelpt"]) > BASE_US
    now = datetime.now(UTC)
    created = now.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    now_us = int(now.timestamp() * 1_000_000)
    for n in range(3):
        text = f"RT: Ik bied onderdak aan voor 2 personen in Genk #hasselthelpt {'!' * n}"
        jetstream.publish(tagged_event(f"did:plc:fan{n}", f"3lo{n}", text, now_us + n, created=created))
    request = "Wij zoeken dringend onderdak voor 4 personen in Hasselt #HasseltHelpt"
    jetstream.publish(tagged_event(TROLL, "3lq", request, now_us + 10, created=created, facet_tags=("HasseltHelpt",)))
    jetstream.publish(tagged_event(FAN, "3lx", "storm in Hasselt, geen tag", now_us + 20, created=created))
    jetstream.publish(tagged_event(ORG, "3lown", "Volg de richtlijnen #hasselthelpt", now_us + 30, created=created))

    report = crisis.pull_hashtags(desk.store, settings, lead, opened.id, http, reader)
    assert (report.added, report.new_cards) == (4, 2)
    # Jetstream replays the last seconds again from the cursor: the posts are taken in once.
    assert crisis.pull_hashtags(desk.store, settings, lead, opened.id, http, reader).added == 0
    board = crisis.board(desk.store, lead, opened.id)
    (pair,) = board.pairs
    assert pair.offer.count == 3 and "Genk" in pair.offer.text and "Hasselt" in pair.request.text
    # The worker's round reads the hashtag through the channels due for a poll.
    later = "We offer free transport from Genk to Hasselt #hasselthelpt"
    jetstream.publish(tagged_event(FAN, "3lz", later, now_us + 40, created=created))
    got = crisis.pull_open_crises(
        desk.store, desk.actors["root"], reader, settings=settings, http=http, stream_channel_ids=[channel.id]
    )
    assert got[opened.id].added == 1


# --------------------------------------------------------------------------------------------- XRPC


class FakePDS:
    """Enough of a PDS: a session, records of the organisation's repository, posts, reports."""

    def __init__(self, platform: FakePlatform) -> None:
        self.records: dict[tuple[str, str], dict[str, Any]] = {}
        self.reports: list[dict[str, Any]] = []
        self.swap_conflicts = 0
        self.revision = 0
        self.posts = {
            ROOT: "bafyroot",
            f"at://{TROLL}/app.bsky.feed.post/3lr1": "bafyr1",
        }
        platform.route("POST", r"/xrpc/com.atproto.server.createSession", self.session)
        platform.route("GET", r"/xrpc/com.atproto.repo.getRecord", self.get_record)
        platform.route("POST", r"/xrpc/com.atproto.repo.putRecord", self.put_record)
        platform.route("POST", r"/xrpc/com.atproto.repo.createRecord", self.create_record)
        platform.route("GET", r"/xrpc/com.atproto.repo.listRecords", self.list_records)
        platform.route("POST", r"/xrpc/com.atproto.repo.deleteRecord", self.delete_record)
        platform.route("GET", r"/xrpc/app.bsky.feed.getPosts", self.get_posts)
        platform.route("POST", r"/xrpc/com.atproto.moderation.createReport", self.create_report)

    def _authorised(self, request: Request) -> bool:
        return request.headers.get("authorization") == "Bearer jwt-1"

    def session(self, request: Request) -> Reply:
        body = request.json
        if body != {"identifier": ORG, "password": "abcd-efgh-ijkl-mnop"}:
            return Reply(401, {"error": "AuthenticationRequired", "message": "Invalid identifier or password"})
        return Reply(200, {"accessJwt": "jwt-1", "refreshJwt": "r", "did": ORG, "handle": "stad.gent"})

    def get_record(self, request: Request) -> Reply:
        assert self._authorised(request)
        key = (request.arg("collection") or "", request.arg("rkey") or "")
        if key not in self.records:
            return Reply(400, {"error": "RecordNotFound", "message": "Could not locate record"})
        entry = self.records[key]
        return Reply(200, {"uri": f"at://{ORG}/{key[0]}/{key[1]}", "cid": entry["cid"], "value": entry["value"]})

    def put_record(self, request: Request) -> Reply:
        assert self._authorised(request)
        body = request.json
        key = (body["collection"], body["rkey"])
        if self.swap_conflicts:
            self.swap_conflicts -= 1
            self.revision += 1  # someone else changed it meanwhile
            if key in self.records:
                self.records[key]["cid"] = f"bafy-rev{self.revision}"
            return Reply(400, {"error": "InvalidSwap", "message": "Record was at bafy-other"})
        current = self.records.get(key)
        if current and body.get("swapRecord") != current["cid"]:
            return Reply(400, {"error": "InvalidSwap", "message": "wrong swap"})
        self.revision += 1
        self.records[key] = {"cid": f"bafy-rev{self.revision}", "value": body["record"]}
        return Reply(200, {"uri": f"at://{ORG}/{key[0]}/{key[1]}", "cid": f"bafy-rev{self.revision}"})

    def create_record(self, request: Request) -> Reply:
        assert self._authorised(request)
        body = request.json
        self.revision += 1
        rkey = f"3lnew{self.revision}"
        self.records[(body["collection"], rkey)] = {"cid": f"bafy-new{self.revision}", "value": body["record"]}
        return Reply(200, {"uri": f"at://{ORG}/{body['collection']}/{rkey}", "cid": f"bafy-new{self.revision}"})

    def delete_record(self, request: Request) -> Reply:
        assert self._authorised(request)
        body = request.json
        assert body["repo"] == ORG
        self.records.pop((body["collection"], body["rkey"]), None)
        return Reply(200, {})

    def list_records(self, request: Request) -> Reply:
        collection = request.arg("collection")
        records = [
            {"uri": f"at://{ORG}/{c}/{k}", "cid": v["cid"], "value": v["value"]}
            for (c, k), v in self.records.items()
            if c == collection
        ]
        return Reply(200, {"records": records})

    def get_posts(self, request: Request) -> Reply:
        assert self._authorised(request)
        uris = request.query.get("uris", [])
        return Reply(200, {"posts": [{"uri": u, "cid": self.posts[u], "record": {}} for u in uris if u in self.posts]})

    def create_report(self, request: Request) -> Reply:
        assert self._authorised(request)
        self.reports.append({"body": request.json, "proxy": request.headers.get("atproto-proxy")})
        return Reply(200, {"id": 4242, **request.json, "reportedBy": ORG, "createdAt": "2026-11-23T10:00:00Z"})


@pytest.fixture
def pds() -> Iterator[tuple[FakePlatform, FakePDS]]:
    with FakePlatform() as platform:
        yield platform, FakePDS(platform)


REPLY = f"at://{TROLL}/app.bsky.feed.post/3lr1"


def hide(uri: str = REPLY, root: str | None = ROOT, action: str = "hide_reply") -> OutboxAction:
    return OutboxAction(id=1, action=action, comment_external_id=uri, thread_external_id=root, author_external_id=TROLL)


def test_hide_creates_the_threadgate_and_is_idempotent(pds: tuple[FakePlatform, FakePDS], http: httpx.Client) -> None:
    platform, state = pds
    conn = connector(http, base_url=platform.url)
    assert conn.apply(hide()).kind is OutcomeKind.DONE
    gate = state.records[("app.bsky.feed.threadgate", "3lorgpost0001")]["value"]
    assert gate["$type"] == "app.bsky.feed.threadgate" and gate["post"] == ROOT and gate["hiddenReplies"] == [REPLY]
    assert "allow" not in gate  # hiding must not restrict who may reply
    again = conn.apply(hide())
    assert again.kind is OutcomeKind.DONE and "already" in again.detail
    assert len(platform.calls("POST", r"/xrpc/com.atproto.repo.putRecord")) == 1


def test_hide_keeps_the_gate_rules_and_survives_a_concurrent_change(
    pds: tuple[FakePlatform, FakePDS], http: httpx.Client
) -> None:
    platform, state = pds
    other = f"at://{FAN}/app.bsky.feed.post/3lfoo"
    state.records[("app.bsky.feed.threadgate", "3lorgpost0001")] = {
        "cid": "bafy-gate",
        "value": {
            "$type": "app.bsky.feed.threadgate",
            "post": ROOT,
            "createdAt": "2026-01-01T00:00:00Z",
            "allow": [{"$type": "app.bsky.feed.threadgate#followingRule"}],
            "hiddenReplies": [other],
        },
    }
    state.swap_conflicts = 1
    conn = connector(http, base_url=platform.url)
    assert conn.apply(hide()).kind is OutcomeKind.DONE
    puts = platform.calls("POST", r"/xrpc/com.atproto.repo.putRecord")
    assert [p.json["swapRecord"] for p in puts] == ["bafy-gate", "bafy-rev1"]  # re-read after InvalidSwap
    gate = state.records[("app.bsky.feed.threadgate", "3lorgpost0001")]["value"]
    assert gate["allow"] == [{"$type": "app.bsky.feed.threadgate#followingRule"}]
    assert gate["hiddenReplies"] == [other, REPLY]
    assert conn.apply(hide(action="unhide")).kind is OutcomeKind.DONE
    assert state.records[("app.bsky.feed.threadgate", "3lorgpost0001")]["value"]["hiddenReplies"] == [other]


def test_hide_outside_own_threads_and_a_full_gate_fail_in_words(
    pds: tuple[FakePlatform, FakePDS], http: httpx.Client
) -> None:
    platform, state = pds
    conn = connector(http, base_url=platform.url)
    outcome = conn.apply(hide(root=OTHER_ROOT))
    assert outcome.kind is OutcomeKind.FAILED and "threads it started" in outcome.detail
    state.records[("app.bsky.feed.threadgate", "3lorgpost0001")] = {
        "cid": "c",
        "value": {
            "$type": "app.bsky.feed.threadgate",
            "post": ROOT,
            "hiddenReplies": [f"at://{FAN}/app.bsky.feed.post/{i}" for i in range(300)],
        },
    }
    full = conn.apply(hide())
    assert full.kind is OutcomeKind.FAILED and "300" in full.detail


def test_block_once(pds: tuple[FakePlatform, FakePDS], http: httpx.Client) -> None:
    platform, state = pds
    conn = connector(http, base_url=platform.url)
    action = OutboxAction(id=2, action="block", comment_external_id=REPLY, author_external_id=TROLL)
    assert conn.check_applied(action) is False
    first = conn.apply(action)
    assert first.kind is OutcomeKind.DONE and first.platform_ref
    blocks = [v["value"] for (c, _), v in state.records.items() if c == "app.bsky.graph.block"]
    assert len(blocks) == 1 and blocks[0]["subject"] == TROLL and blocks[0]["$type"] == "app.bsky.graph.block"
    assert conn.apply(action).detail == "already blocked on Bluesky"
    assert conn.check_applied(action) is True
    assert len(platform.calls("POST", r"/xrpc/com.atproto.repo.createRecord")) == 1


def test_an_undone_block_deletes_the_block_record(pds: tuple[FakePlatform, FakePDS], http: httpx.Client) -> None:
    platform, state = pds
    conn = connector(http, base_url=platform.url)
    block = OutboxAction(id=2, action="block", comment_external_id=REPLY, author_external_id=TROLL)
    assert conn.apply(block).kind is OutcomeKind.DONE
    unblock = OutboxAction(id=3, action="unblock", comment_external_id=REPLY, author_external_id=TROLL)
    assert conn.check_applied(unblock) is False
    outcome = conn.apply(unblock)
    assert outcome.kind is OutcomeKind.DONE and outcome.detail == "unblocked on Bluesky"
    assert not [k for k in state.records if k[0] == "app.bsky.graph.block"]
    assert conn.check_applied(unblock) is True and conn.check_applied(block) is False
    assert conn.apply(unblock).detail == "not blocked on Bluesky"  # again: nothing to delete


def test_report_goes_to_the_moderation_service(pds: tuple[FakePlatform, FakePDS], http: httpx.Client) -> None:
    platform, state = pds
    conn = connector(http, base_url=platform.url)
    outcome = conn.apply(
        OutboxAction(
            id=3,
            action="report",
            comment_external_id=REPLY,
            author_external_id=TROLL,
            payload={"to": "platform", "label": "hate"},
        )
    )
    assert outcome.kind is OutcomeKind.DONE and outcome.platform_ref == "4242"
    [report] = state.reports
    assert report["proxy"] == "did:plc:ar7c4by46qjdydhdevvrndac#atproto_labeler"
    assert report["body"]["reasonType"] == "com.atproto.moderation.defs#reasonViolation"
    assert report["body"]["subject"] == {"$type": "com.atproto.repo.strongRef", "uri": REPLY, "cid": "bafyr1"}
    # A deleted reply: its author is reported instead.
    gone = f"at://{TROLL}/app.bsky.feed.post/3lgone"
    conn.apply(OutboxAction(id=4, action="report", comment_external_id=gone, author_external_id=TROLL))
    assert state.reports[1]["body"]["subject"] == {"$type": "com.atproto.admin.defs#repoRef", "did": TROLL}
    assert conn.check_applied(OutboxAction(id=3, action="report", comment_external_id=REPLY)) is None


def test_reply_threads_under_the_root(pds: tuple[FakePlatform, FakePDS], http: httpx.Client) -> None:
    platform, state = pds
    conn = connector(http, base_url=platform.url)
    action = OutboxAction(
        id=5,
        action="reply",
        comment_external_id=REPLY,
        thread_external_id=ROOT,
        payload={"text": "Hier niet. Lees ons charter: https://www.hierniet.be"},
    )
    assert conn.check_applied(action) is False
    outcome = conn.apply(action)
    assert outcome.kind is OutcomeKind.DONE and outcome.platform_ref
    [post] = [v["value"] for (c, _), v in state.records.items() if c == "app.bsky.feed.post"]
    assert post["reply"] == {"root": {"uri": ROOT, "cid": "bafyroot"}, "parent": {"uri": REPLY, "cid": "bafyr1"}}
    # The charter link is a link facet, or Bluesky shows it as plain text.
    url = "https://www.hierniet.be"
    start = len(post["text"].encode()) - len(url)
    assert post["facets"] == [
        {
            "index": {"byteStart": start, "byteEnd": start + len(url)},
            "features": [{"$type": "app.bsky.richtext.facet#link", "uri": url}],
        }
    ]
    assert conn.check_applied(action) is True
    too_long = conn.apply(OutboxAction(id=6, action="reply", comment_external_id=REPLY, payload={"text": "x" * 301}))
    assert too_long.kind is OutcomeKind.FAILED and "300" in too_long.detail


def test_rate_limits_outages_and_a_bad_password(pds: tuple[FakePlatform, FakePDS], http: httpx.Client) -> None:
    platform, _ = pds
    conn = connector(http, base_url=platform.url)
    reset = int(time.time()) + 120
    platform.fail(
        "GET",
        r"/xrpc/com.atproto.repo.getRecord",
        [
            Reply(
                429, {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}, {"ratelimit-reset": str(reset)}
            ),
            Reply(502, {"error": "UpstreamFailure"}),
        ],
    )
    with pytest.raises(RateLimited) as limited:
        conn.apply(hide())
    assert limited.value.retry_after is not None and 100 < limited.value.retry_after <= 120
    with pytest.raises(PlatformDown):
        conn.apply(hide())
    assert conn.apply(hide()).kind is OutcomeKind.DONE

    wrong = connector_for(
        "bluesky", ChannelInfo(9, "bluesky", ORG, {"base_url": platform.url}), {"app_password": "old"}, http
    )
    with pytest.raises(ConfigError, match="app password") as refused:
        wrong.apply(hide())
    assert "old" not in str(refused.value)
    platform.fail(
        "POST",
        r"/xrpc/com.atproto.repo.createRecord",
        [Reply(400, {"error": "InvalidRequest", "message": "Record/subject must be a did"})],
    )
    with pytest.raises(PermanentError, match="Bluesky refused"):
        conn.apply(OutboxAction(id=7, action="block", comment_external_id=REPLY, author_external_id=TROLL))


def test_link_facets_count_utf8_bytes_and_leave_out_trailing_punctuation() -> None:
    text = "Één regel: https://www.hierniet.be/nl/code-of-conduct#hate. Dank!"
    [facet] = link_facets(text)
    start = len("Één regel: ".encode())
    url = "https://www.hierniet.be/nl/code-of-conduct#hate"
    assert facet["index"] == {"byteStart": start, "byteEnd": start + len(url)}
    assert facet["features"][0]["uri"] == url
    assert text.encode()[start : start + len(url)].decode() == url
    assert link_facets("geen link hier") == []


def test_an_updated_reply_comes_as_an_edit_after_the_first_version(
    jetstream: FakeJetstream, http: httpx.Client
) -> None:
    for event in (
        post_event(TROLL, "3lr1", "jullie zijn traag", BASE_US + 10, root=ROOT),
        post_event(TROLL, "3lr1", "jullie zijn oplichters", BASE_US + 20, root=ROOT, operation="update"),
        post_event(TROLL, "3lr1", "jullie zijn oplichters", BASE_US + 20, root=ROOT, operation="update"),  # replayed
    ):
        jetstream.publish(event)
    comments, _ = connector(http, jetstream_url=jetstream.url, stream_seconds=2.0).poll(str(BASE_US + 5))
    uri = f"at://{TROLL}/app.bsky.feed.post/3lr1"
    assert [(c.id, c.text, c.edited) for c in comments] == [
        (uri, "jullie zijn traag", False),
        (uri, "jullie zijn oplichters", True),
    ]


def test_a_raids_hold_limits_replies_keeps_own_rules_and_lifts_only_its_own(
    pds: tuple[FakePlatform, FakePDS], http: httpx.Client
) -> None:
    """Issue 14: holding new comments on a raided thread gates its replies to people followed or mentioned."""
    platform, state = pds
    conn = connector(http, base_url=platform.url)
    key = ("app.bsky.feed.threadgate", "3lorgpost0001")
    state.records[key] = {
        "cid": "bafy-gate",
        "value": {
            "$type": "app.bsky.feed.threadgate",
            "post": ROOT,
            "createdAt": "2026-01-01T00:00:00Z",
            "hiddenReplies": [REPLY],
        },
    }
    held = conn.apply(hide(action="hold_new_comments"))
    assert held.kind is OutcomeKind.DONE and "held on Bluesky" in held.detail
    gate = state.records[key]["value"]
    assert [r["$type"] for r in gate["allow"]] == [
        "app.bsky.feed.threadgate#mentionRule",
        "app.bsky.feed.threadgate#followingRule",
    ]
    assert gate["hiddenReplies"] == [REPLY]  # the hidden replies stay hidden
    again = conn.apply(hide(action="hold_new_comments"))
    assert again.kind is OutcomeKind.DONE and "already" in again.detail
    assert conn.apply(hide(action="release_hold")).kind is OutcomeKind.DONE
    assert "allow" not in state.records[key]["value"] and state.records[key]["value"]["hiddenReplies"] == [REPLY]
    # A thread with rules of its own keeps them, through a hold and its release.
    own = [{"$type": "app.bsky.feed.threadgate#followerRule"}]
    state.records[key]["value"]["allow"] = own
    assert "already" in conn.apply(hide(action="hold_new_comments")).detail
    assert "stay as they are" in conn.apply(hide(action="release_hold")).detail
    assert state.records[key]["value"]["allow"] == own
    outside = conn.apply(hide(root=OTHER_ROOT, action="hold_new_comments"))
    assert outside.kind is OutcomeKind.FAILED and "threads it started" in outside.detail
