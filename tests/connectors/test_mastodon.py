"""The Mastodon connector against a real Mastodon API server process on loopback (PyPI `mastodon-mock`).

The server runs as its own process (`python -m mastodon_mock serve`, in-memory database) with its
streaming API. Between the connector and the server sits a TCP proxy of this test that can cut every open
connection and refuse new ones for a while: that is how the stream is dropped, so the test sees the
connector reconnect and catch up by REST what was posted while it was away.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from hierniet.connectors.base import (
    ChannelInfo,
    ConfigError,
    OutboxAction,
    OutcomeKind,
    PermanentError,
    PlatformDown,
    RateLimited,
    connector_for,
    outcome_for_error,
    parse_time,
)
from hierniet.connectors.mastodon import MastodonConnector, current_quote_policy, html_to_text, quote_policy
from hierniet.services.connections import connect_channel, poll_channel
from hierniet.services.ingest import CommentIn
from hierniet.settings import Settings
from hierniet.store import repo
from hierniet.store.connector_repo import get_cursor
from hierniet.store.tables import Comment
from store.dbfixtures import Desk, FakeTriage

pytest.importorskip("mastodon_mock", reason="mastodon-mock (dev extra) runs the Mastodon server of these tests")

CONFIG = """
domain = "mock.local"
[database]
path = ":memory:"
[streaming]
heartbeat_seconds = 0.3
[[seed.accounts]]
username = "stadgent"
display_name = "Stad Gent"
access_token = "org_token"
[[seed.accounts]]
username = "troll"
access_token = "troll_token"
[[seed.accounts]]
username = "fan"
access_token = "fan_token"
[[seed.accounts]]
username = "moderator"
access_token = "mod_token"
role = "admin"
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class MastodonServer:
    def __init__(self, url: str) -> None:
        self.url = url
        self.http = httpx.Client(base_url=url, timeout=10.0)

    def as_user(self, token: str, method: str, path: str, **kwargs: Any) -> Any:
        response = self.http.request(method, path, headers={"Authorization": f"Bearer {token}"}, **kwargs)
        response.raise_for_status()
        return response.json()

    def post(self, token: str, text: str, reply_to: str | None = None) -> dict[str, Any]:
        data = {"status": text, **({"in_reply_to_id": reply_to} if reply_to else {})}
        result: dict[str, Any] = self.as_user(token, "POST", "/api/v1/statuses", data=data)
        return result

    def account(self, token: str) -> dict[str, Any]:
        result: dict[str, Any] = self.as_user(token, "GET", "/api/v1/accounts/verify_credentials")
        return result

    def fault(self, spec: dict[str, Any]) -> None:
        self.http.post("/api/v1/_mock/faults", json=spec).raise_for_status()

    def clear_faults(self) -> None:
        self.http.delete("/api/v1/_mock/faults").raise_for_status()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MastodonServer]:
    home = tmp_path_factory.mktemp("mastodon")
    (home / "mock.toml").write_text(CONFIG)
    port = _free_port()
    log = (home / "server.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mastodon_mock",
            "serve",
            "--config",
            "mock.toml",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=home,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            if process.poll() is not None:
                pytest.fail(f"mastodon-mock did not start: {(home / 'server.log').read_text()[-2000:]}")
            try:
                if httpx.get(url + "/api/v1/streaming/health", timeout=1.0).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("mastodon-mock did not answer within 20 s")
        yield MastodonServer(url)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


class CuttableProxy:
    """A TCP proxy to the server that can cut every connection and refuse new ones (a network outage)."""

    def __init__(self, upstream: str) -> None:
        host, port = upstream.removeprefix("http://").split(":")
        self.upstream = (host, int(port))
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.down = threading.Event()
        self.sent = bytearray()  # everything the connector sent, to see which requests it made
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.down.is_set():
                client.close()
                continue
            upstream = socket.create_connection(self.upstream)
            with self._lock:
                self._sockets += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket, record: bool) -> None:
        try:
            while data := source.recv(65536):
                if record:
                    with self._lock:
                        self.sent += data
                target.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, target):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        """Take the network down: every open connection dies, new ones are refused until `restore`."""
        self.down.set()
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for s in sockets:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()

    def restore(self) -> None:
        self.down.clear()

    def requests(self, start: bytes) -> int:
        with self._lock:
            return bytes(self.sent).count(start)

    def close(self) -> None:
        self._closed = True
        self.cut()
        self.listener.close()


@pytest.fixture
def proxy(server: MastodonServer) -> Iterator[CuttableProxy]:
    p = CuttableProxy(server.url)
    yield p
    p.close()


def connector(http: httpx.Client, base_url: str, token: str = "org_token", **config: Any) -> MastodonConnector:
    channel = ChannelInfo(id=7, platform="mastodon", external_id="stadgent", config={"base_url": base_url, **config})
    conn = connector_for("mastodon", channel, {"access_token": token}, http)
    assert isinstance(conn, MastodonConnector)
    return conn


def wait_for(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def test_catch_up_reads_mentions_as_comments_for_ingestion(server: MastodonServer, http: httpx.Client) -> None:
    post = server.post("org_token", "Vanaf maandag is het stadhuis dicht voor renovatie.")
    conn = connector(http, server.url, stream_seconds=0)
    _, cursor = conn.poll(None)
    troll = server.post("troll_token", "@stadgent jullie zijn allemaal <b>zakkenvullers</b> &amp; dieven", post["id"])
    question = server.post("fan_token", "@stadgent Waar kan ik dan terecht?", post["id"])
    server.post("org_token", "@fan Aan de balie in de Zuid.", question["id"])  # the organisation's own reply

    comments, new_cursor = conn.poll(cursor)

    assert [c.id for c in comments] == [troll["id"], question["id"]]
    first = comments[0]
    # The server escapes what was typed; the connector gives back exactly what the author typed.
    assert first.text == "@stadgent jullie zijn allemaal <b>zakkenvullers</b> &amp; dieven"
    assert first.author == server.account("troll_token")["id"]
    assert first.author_name == "troll"
    assert first.thread == post["id"] and first.parent == post["id"]
    assert first.posted_at is not None and first.posted_at.tzinfo is not None
    # When the account was made (raids: a burst of new accounts), as the server says.
    assert first.author_created_at == parse_time(server.account("troll_token")["created_at"])
    assert first.author_created_at is not None
    assert new_cursor is not None and new_cursor != cursor
    # The same input the REST API takes.
    item = CommentIn.model_validate(first.as_ingest(channel_id=7, platform="mastodon"))
    assert item.id == troll["id"] and item.thread == post["id"]
    assert item.author_created_at == first.author_created_at
    # Nothing new: nothing read, the cursor stays.
    assert conn.poll(new_cursor) == ([], new_cursor)


def test_catch_up_pages_through_a_long_outage(server: MastodonServer, http: httpx.Client) -> None:
    conn = connector(http, server.url, stream_seconds=0)
    _, cursor = conn.poll(None)
    posted = [server.post("troll_token", f"@stadgent spam {i}")["id"] for i in range(45)]
    comments, _ = conn.poll(cursor)
    # 45 mentions are more than one page of 40: min_id paging leaves no gap.
    assert [c.id for c in comments] == posted


def test_stream_drop_reconnects_and_catches_up_by_rest(
    server: MastodonServer, proxy: CuttableProxy, http: httpx.Client
) -> None:
    conn = connector(http, proxy.url, stream_seconds=0)
    _, cursor = conn.poll(None)
    conn = connector(http, proxy.url, stream_seconds=10, read_timeout=2, reconnect_delay=0.2)
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            result["poll"] = conn.poll(cursor)
        except Exception as exc:  # surfaced by the assertion below
            result["error"] = exc

    worker = threading.Thread(target=run)
    worker.start()
    wait_for(lambda: conn.connections == 1)
    live = server.post("troll_token", "@stadgent live via the stream")
    time.sleep(0.5)
    catch_ups_before = proxy.requests(b"GET /api/v1/notifications?")

    proxy.cut()  # the stream drops, and nothing gets through for a while
    while_away = [server.post("troll_token", f"@stadgent said while you were away {i}")["id"] for i in range(3)]
    time.sleep(0.6)
    proxy.restore()
    wait_for(lambda: conn.connections >= 2)
    after = server.post("fan_token", "@stadgent back on the stream")
    worker.join(timeout=20)

    assert "error" not in result, result.get("error")
    comments, new_cursor = result["poll"]
    ids = [c.id for c in comments]
    assert ids == [live["id"], *while_away, after["id"]]  # in order, each once
    # What was said while away can only have come by REST, after the reconnect.
    assert proxy.requests(b"GET /api/v1/notifications?") > catch_ups_before
    assert new_cursor is not None and (len(new_cursor), new_cursor) > (len(cursor or ""), cursor or "")


def test_reply_is_sent_once_with_an_idempotency_key(server: MastodonServer, http: httpx.Client) -> None:
    troll = server.post("troll_token", "@stadgent vuile racisten")
    conn = connector(http, server.url)
    action = OutboxAction(
        id=1,
        action="reply",
        comment_external_id=troll["id"],
        payload={"text": "Hier niet. Lees ons charter."},
        idempotency_key="hierniet-action-1",
    )
    first = conn.apply(action)
    again = conn.apply(action)  # a retry after a crash: Mastodon answers with the same status
    assert first.kind is OutcomeKind.DONE and first.platform_ref
    assert again.platform_ref == first.platform_ref
    context = server.as_user("org_token", "GET", f"/api/v1/statuses/{troll['id']}/context")
    replies = [s for s in context["descendants"] if s["account"]["username"] == "stadgent"]
    assert len(replies) == 1
    assert conn.check_applied(action) is True  # found on the platform, even after the key has expired
    other = OutboxAction(id=9, action="reply", comment_external_id=troll["id"], payload={"text": "Iets anders."})
    assert conn.check_applied(other) is False
    assert html_to_text(replies[0]["content"]).startswith("@troll Hier niet.")


def test_block_mute_and_report(server: MastodonServer, http: httpx.Client) -> None:
    troll = server.post("troll_token", "@stadgent ik weet waar je woont")
    troll_id = troll["account"]["id"]
    conn = connector(http, server.url)
    for name in ("block", "mute", "block"):  # blocking twice is harmless: block is idempotent
        outcome = conn.apply(
            OutboxAction(id=2, action=name, comment_external_id=troll["id"], author_external_id=troll_id)
        )
        assert outcome.kind is OutcomeKind.DONE, outcome
    relation = server.as_user("org_token", "GET", "/api/v1/accounts/relationships", params={"id[]": troll_id})[0]
    assert conn.check_applied(OutboxAction(id=2, action="mute", comment_external_id="1", author_external_id=troll_id))
    assert relation["blocking"] and relation["muting"]
    # An undone decision takes the block and the mute back (connectors.base.reversal).
    for name in ("unblock", "unmute", "unblock"):
        outcome = conn.apply(
            OutboxAction(id=7, action=name, comment_external_id=troll["id"], author_external_id=troll_id)
        )
        assert outcome.kind is OutcomeKind.DONE, outcome
    relation = server.as_user("org_token", "GET", "/api/v1/accounts/relationships", params={"id[]": troll_id})[0]
    assert not relation["blocking"] and not relation["muting"]
    unmuted = OutboxAction(id=7, action="unmute", comment_external_id="1", author_external_id=troll_id)
    assert conn.check_applied(unmuted) is True
    muted = OutboxAction(id=2, action="mute", comment_external_id="1", author_external_id=troll_id)
    assert conn.check_applied(muted) is False

    report = conn.apply(
        OutboxAction(
            id=3,
            action="report",
            comment_external_id=troll["id"],
            author_external_id=troll_id,
            payload={"to": "platform"},
        )
    )
    assert report.kind is OutcomeKind.DONE and report.platform_ref
    # The server's moderators see it, with the reported reply.
    filed = server.as_user("mod_token", "GET", f"/api/v1/admin/reports/{report.platform_ref}")
    assert filed["target_account"]["id"] == troll_id
    assert troll["id"] in [s["id"] for s in filed["statuses"]]


def test_rate_limit_outage_and_refusals_map_to_outcomes(server: MastodonServer, http: httpx.Client) -> None:
    troll = server.post("troll_token", "@stadgent nog eens")
    conn = connector(http, server.url)
    block = OutboxAction(
        id=4, action="block", comment_external_id=troll["id"], author_external_id=troll["account"]["id"]
    )
    server.fault(
        {
            "match": {"methods": ["POST"], "path": "/api/v1/accounts/*/block"},
            "effect": {"type": "ratelimit"},
            "count": 1,
        }
    )
    server.fault(
        {
            "match": {"methods": ["POST"], "path": "/api/v1/accounts/*/block"},
            "effect": {"type": "status", "status": 503},
            "count": 1,
        }
    )
    try:
        with pytest.raises(RateLimited) as limited:
            conn.apply(block)
        outcome = outcome_for_error(limited.value)
        assert outcome.kind is OutcomeKind.RETRY and outcome.retry_after is not None and outcome.retry_after > 60
        with pytest.raises(PlatformDown):
            conn.apply(block)
        assert conn.apply(block).kind is OutcomeKind.DONE  # the platform is back
    finally:
        server.clear_faults()

    with pytest.raises(PermanentError) as gone:
        conn.apply(OutboxAction(id=5, action="mute", comment_external_id="1", author_external_id="999999"))
    assert "no longer exists" in str(gone.value)
    assert conn.apply(OutboxAction(id=6, action="delete", comment_external_id=troll["id"])).kind is OutcomeKind.FAILED
    assert conn.apply(OutboxAction(id=7, action="reply", comment_external_id=troll["id"])).kind is OutcomeKind.FAILED


def test_bad_token_says_how_to_fix_it(server: MastodonServer, http: httpx.Client) -> None:
    conn = connector(http, server.url, token="revoked", stream_seconds=0)
    with pytest.raises(PermanentError) as refused:
        conn.poll(None)
    assert "reconnect the channel" in str(refused.value)
    assert "revoked" not in str(refused.value)


def test_streaming_outage_for_the_whole_session_is_not_an_error(server: MastodonServer, http: httpx.Client) -> None:
    _, cursor = connector(http, server.url, stream_seconds=0).poll(None)
    conn = connector(http, server.url, stream_seconds=1.5, reconnect_delay=0.2)
    server.fault(
        {
            "match": {"methods": ["GET"], "path": "/api/v1/streaming/user/notification"},
            "effect": {"type": "status", "status": 502},
        }
    )
    try:
        mention = server.post("troll_token", "@stadgent stream is down but REST is not")
        comments, _ = conn.poll(cursor)
    finally:
        server.clear_faults()
    assert [c.id for c in comments] == [mention["id"]]
    assert conn.connections == 0


def test_a_server_without_streaming_is_read_by_rest(server: MastodonServer, http: httpx.Client) -> None:
    _, cursor = connector(http, server.url, stream_seconds=0).poll(None)
    conn = connector(http, server.url, stream_seconds=5)
    server.fault(
        {
            "match": {"methods": ["GET"], "path": "/api/v1/streaming/user/notification"},
            "effect": {"type": "status", "status": 404},
        }
    )
    try:
        mention = server.post("troll_token", "@stadgent no streaming here")
        started = time.monotonic()
        comments, _ = conn.poll(cursor)
    finally:
        server.clear_faults()
    assert [c.id for c in comments] == [mention["id"]]
    assert time.monotonic() - started < 3  # no waiting out the session on a stream that does not exist


def test_needs_an_instance_url(http: httpx.Client) -> None:
    channel = ChannelInfo(id=8, platform="mastodon", external_id="stadgent", config={})
    conn = connector_for("mastodon", channel, {"access_token": "x"}, http)
    with pytest.raises(ConfigError, match=r"base_url=https://your\.instance"):
        conn.poll(None)


def test_html_to_text_reads_mastodon_markup() -> None:
    content = (
        '<p>Hallo <span class="h-card"><a href="https://mock.local/@stadgent" class="u-url mention">'
        "@<span>stadgent</span></a></span> jullie &amp; co<br />tweede regel</p><p>alinea &lt;3</p>"
    )
    assert html_to_text(content) == "Hallo @stadgent jullie & co\ntweede regel\n\nalinea <3"


def test_the_worker_ingests_mentions_and_keeps_the_cursor(
    server: MastodonServer, http: httpx.Client, desk: Desk, settings: Settings, fake_triage: FakeTriage
) -> None:
    view = connect_channel(
        desk.store,
        settings,
        desk.actors["root"],
        platform="mastodon",
        external_id="stadgent@mock.local",
        secrets={"access_token": "org_token"},
        config={"base_url": server.url, "stream_seconds": "0.5"},
        organisation_id=desk.organisation_id,
    )
    with desk.store.session() as s:
        channel = repo.get_channel(s, view.id)
    assert channel is not None
    poll_channel(desk.store, settings, lambda: fake_triage, channel, http)  # starts from now
    threat = server.post("troll_token", "@stadgent threat: ik weet waar je werkt")
    report = poll_channel(desk.store, settings, lambda: fake_triage, channel, http)
    assert report.error is None and report.created == 1
    again = poll_channel(desk.store, settings, lambda: fake_triage, channel, http)
    assert again.read == 0 and again.created == 0
    with desk.store.session() as s:
        [row] = s.scalars(
            select(Comment).where(Comment.platform == "mastodon", Comment.external_id == threat["id"])
        ).all()
        assert row.text.startswith("@stadgent threat:") and row.channel_id == view.id
        state = get_cursor(s, view.id)
        newest = server.as_user("org_token", "GET", "/api/v1/notifications", params={"types[]": "mention", "limit": 1})
        assert state is not None and state.cursor == newest[0]["id"]  # the newest mention notification seen


def test_a_status_with_edited_at_is_an_edit(http: httpx.Client) -> None:
    conn = connector(http, "http://127.0.0.1:9", account_id="1")  # no call is made: the account id is configured
    status: dict[str, Any] = {
        "id": "111",
        "content": "<p>@stadgent jullie zijn traag</p>",
        "account": {"id": "2", "acct": "jan@example.org"},
        "created_at": "2026-03-01T10:00:00.000Z",
        "edited_at": None,
    }
    first = conn._comment(status)
    edited = conn._comment({**status, "edited_at": "2026-03-01T10:05:00.000Z"})
    assert first is not None and edited is not None
    assert (first.edited, edited.edited) == (False, True)


# --- the crisis desk's hashtag stream (issue 15) ----------------------------------------------------------------


def test_a_hashtag_timeline_is_read_after_its_cursor(server: MastodonServer, http: httpx.Client) -> None:
    conn = connector(http, server.url)
    _, start = conn.hashtag("#pukkelpopstorm", None)
    offer = server.post("fan_token", "Ik bied onderdak aan voor 2 personen in Genk #PukkelpopStorm")
    request = server.post("troll_token", "Wij zoeken onderdak in Hasselt #pukkelpopstorm")
    server.post("org_token", "Volg de richtlijnen van de politie #pukkelpopstorm")  # the organisation's own
    server.post("fan_token", "Geen tag hier")
    posts, cursor = conn.hashtag("pukkelpopstorm", start)
    assert [p.id for p in posts] == [offer["id"], request["id"]]
    assert posts[0].text.startswith("Ik bied onderdak") and posts[0].author_name == "fan"
    assert posts[0].posted_at is not None and posts[0].posted_at.tzinfo is not None
    assert conn.hashtag("#pukkelpopstorm", cursor) == ([], cursor)
    with pytest.raises(ConfigError, match="hashtag"):
        conn.hashtag("#not a tag", None)


def test_a_crisis_follows_its_hashtag_through_the_mastodon_channel(
    server: MastodonServer, http: httpx.Client, desk: Desk, settings: Settings
) -> None:
    from crisis.crisis_fixtures import WordReader
    from hierniet.services import crisis

    connect_channel(
        desk.store,
        settings,
        desk.actors["root"],
        platform="mastodon",
        external_id="stadgent@mock.local",
        secrets={"access_token": "org_token"},
        config={"base_url": server.url},
        organisation_id=desk.organisation_id,
    )
    lead = desk.actors["lead"]
    opened = crisis.open_crisis(desk.store, lead, name="Storm", keywords=["#hasselthelpt2", "storm"])
    reader = WordReader()
    # The first read of a tag starts from its latest page (what was posted before the crisis is left out).
    crisis.pull_hashtags(desk.store, settings, lead, opened.id, http, reader)
    for n in range(3):
        server.post("fan_token", f"RT: Ik bied onderdak aan voor 2 personen in Genk #hasselthelpt2 {'!' * n}")
    server.post("troll_token", "Wij zoeken dringend onderdak voor 4 personen in Hasselt #hasselthelpt2")
    report = crisis.pull_hashtags(desk.store, settings, lead, opened.id, http, reader)
    assert (report.added, report.new_cards) == (4, 2)
    assert crisis.pull_hashtags(desk.store, settings, lead, opened.id, http, reader).added == 0  # the cursor
    board = crisis.board(desk.store, lead, opened.id)
    (pair,) = board.pairs
    assert pair.offer.count == 3 and "Genk" in pair.offer.text and "Hasselt" in pair.request.text
    # The worker's round reads the hashtag through the channels due for a poll.
    server.post("fan_token", "We offer free transport from Genk to Hasselt #hasselthelpt2")
    with desk.store.session() as s:
        channel_id = repo.list_channels(s, desk.organisation_id)[-1].id
    got = crisis.pull_open_crises(
        desk.store, desk.actors["root"], reader, settings=settings, http=http, stream_channel_ids=[channel_id]
    )
    assert got[opened.id].added == 1


def test_a_raid_hold_turns_quotes_off_and_its_lift_puts_back_the_policy_it_replaced(
    server: MastodonServer, http: httpx.Client
) -> None:
    """Issue 14: holding new comments on a raided Mastodon post sets its quote policy to nobody
    (PUT /api/v1/statuses/:id/interaction_policy); lifting the hold puts back the policy it replaced, unless
    someone changed it since."""
    post = server.as_user(
        "org_token",
        "POST",
        "/api/v1/statuses",
        data={"status": "Het stadhuis gaat dicht.", "quote_approval_policy": "followers"},
    )
    troll = server.post("troll_token", "@stadgent weg ermee", reply_to=post["id"])
    conn = connector(http, server.url)

    def policy() -> str | None:
        return current_quote_policy(server.as_user("org_token", "GET", f"/api/v1/statuses/{post['id']}"))

    def call(name: str, ref: str | None = None, thread: str | None = post["id"]) -> OutboxAction:
        payload = {"post": thread, **({"platform_ref": ref} if ref else {})}
        return OutboxAction(
            id=11, action=name, comment_external_id=troll["id"], thread_external_id=thread, payload=payload
        )

    held = conn.apply(call("hold_new_comments"))
    assert held.kind is OutcomeKind.DONE and held.platform_ref == "quote_approval_policy=followers", held
    assert policy() == "nobody" and "replies cannot be limited" in held.detail
    # Held twice (a retry): nothing changes, and the second hold would put back nothing but "nobody".
    assert conn.apply(call("hold_new_comments")).platform_ref == "quote_approval_policy=nobody"
    lifted = conn.apply(call("release_hold", held.platform_ref))
    assert lifted.kind is OutcomeKind.DONE and policy() == "followers", lifted
    # Someone changes the policy by hand while the post is held: the lift leaves their choice alone.
    again = conn.apply(call("hold_new_comments"))
    server.as_user(
        "org_token",
        "PUT",
        f"/api/v1/statuses/{post['id']}/interaction_policy",
        json={"quote_approval_policy": "public"},
    )
    kept = conn.apply(call("release_hold", again.platform_ref))
    assert kept.kind is OutcomeKind.DONE and "changed since" in kept.detail and policy() == "public"
    # A lift that does not know the earlier policy says what to do by hand instead of guessing.
    assert conn.apply(call("release_hold")).kind is OutcomeKind.FAILED
    # A post of someone else's (the raid is under the troll's own thread) is not the organisation's to change.
    other = conn.apply(call("hold_new_comments", thread=troll["id"]))
    assert other.kind is OutcomeKind.FAILED and "not the organisation's own" in other.detail
    assert conn.apply(call("hold_new_comments", thread=None)).kind is OutcomeKind.FAILED


def test_the_quote_policy_is_read_from_mastodons_quote_approval() -> None:
    """The documented QuoteApproval entity (Mastodon 4.5): who may quote, as the policy the API sets back."""
    assert quote_policy({"automatic": ["public"], "manual": [], "current_user": "automatic"}) == "public"
    assert quote_policy({"automatic": ["followers"], "manual": []}) == "followers"
    assert quote_policy({"automatic": [], "manual": [], "current_user": "denied"}) == "nobody"
    # Manual review or a policy Mastodon does not support cannot be put back by the API: "unknown".
    assert quote_policy({"automatic": [], "manual": ["public"]}) == "unknown"
    assert quote_policy({"automatic": ["unsupported_policy"], "manual": []}) == "unknown"
    assert current_quote_policy({"quote_approval": {"automatic": ["public"], "manual": []}}) == "public"
    assert current_quote_policy({"id": "1"}) is None  # a server from before quote posts
