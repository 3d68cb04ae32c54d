"""`hierniet demo` and `hierniet serve`: the demo's data, the desk it builds (on SQLite and PostgreSQL), what the
real triage makes of it, and the server's arguments and start-up."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from hierniet.cli import app, uvicorn_options
from hierniet.demo import builder
from hierniet.demo.builder import DemoError, build, load_comments, load_posts
from hierniet.domain import ABUSE_LABELS, Label, Platform
from hierniet.services import decisions, queue
from hierniet.services.auth import CLI_ACTOR, Actor, Role, hash_password, verify_password
from hierniet.services.decisions import DecisionIn
from hierniet.settings import get_settings
from hierniet.store import repo
from hierniet.store.repo import Store
from hierniet.store.tables import Channel, Comment, Decision, Organisation, Post, User
from store import dbfixtures
from store.dbfixtures import FakeTriage

database = dbfixtures.database
store = dbfixtures.store
fake_triage = dbfixtures.fake_triage
real_triage = dbfixtures.real_triage

runner = CliRunner()
ABUSE = {label.value for label in ABUSE_LABELS}


def _count(s: Store, table: type) -> int:
    with s.session() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


# --- the data ------------------------------------------------------------------------------------------


def test_the_demo_data_is_complete_and_consistent() -> None:
    posts = {p.id: p for p in load_posts()}
    comments = load_comments()
    channels = {c.key: c for o in builder.ORGANISATIONS for c in o.channels}
    assert 300 <= len(comments) <= 400
    assert len({c.id for c in comments}) == len(comments)
    assert {p.channel for p in posts.values()} <= set(channels)
    assert {c.post for c in comments} == set(posts)  # every post has comments
    assert {c.platform for c in channels.values()} == {p.value for p in Platform} - {Platform.OTHER.value}
    langs = Counter(c.lang for c in comments)
    assert set(langs) == {"nl", "fr", "en", "de"} and min(langs.values()) >= 25
    kinds = Counter(c.kind for c in comments)
    assert set(kinds) == {label.value for label in Label}
    # Like a real channel: mostly questions and praise, then criticism, then the rest.
    assert kinds["ok"] > kinds["criticism"] > max(n for k, n in kinds.items() if k not in ("ok", "criticism"))
    by_id = {c.id: c for c in comments}
    replies = [c for c in comments if c.parent]
    assert len(replies) >= 10
    for c in replies:
        parent = by_id[c.parent or ""]
        assert parent.post == c.post and parent.hours_ago > c.hours_ago, c.id
    for c in comments:
        assert 0 < c.hours_ago < posts[c.post].hours_ago, c.id
    # Repeat offenders: the same author abusive several times on one organisation's channel.
    abusive = Counter((posts[c.post].channel, c.author) for c in comments if c.kind in ABUSE)
    assert sum(1 for n in abusive.values() if n >= 3) >= 2


# --- the desk it builds --------------------------------------------------------------------------------


def test_demo_builds_the_desk_and_a_second_run_adds_nothing(store: Store, fake_triage: FakeTriage) -> None:
    first = build(store, fake_triage)
    n = len(load_comments())
    assert (first.organisations_created, first.comments_created, first.rejected) == (2, n, [])
    assert first.channels_created == sum(len(o.channels) for o in builder.ORGANISATIONS)
    with store.session() as s:
        slugs = {o.slug for o in s.scalars(select(Organisation))}
        platforms = {c.platform for c in s.scalars(select(Channel))}
        users = {u.name: u for u in s.scalars(select(User))}
        threads = s.scalar(select(func.count(func.distinct(Comment.thread_external_id))))
        replies = s.scalar(select(func.count()).select_from(Comment).where(Comment.parent_external_id.is_not(None)))
    assert slugs == {"stad-demostad", "demotram"}
    assert len(platforms) == 8
    assert _count(store, Post) == len(load_posts()) == threads
    assert replies and replies >= 10
    for u in builder.USERS:
        assert users[u.name].role == u.role.value
        assert verify_password(u.password, users[u.name].password_hash)
    assert [(u.name, u.password) for u in first.users] == [(u.name, u.password) for u in builder.USERS]
    assert sum(first.by_status.values()) == n

    again = build(store, fake_triage)
    assert (again.organisations_created, again.channels_created, again.comments_created) == (0, 0, 0)
    assert again.comments_existing == n
    assert (_count(store, Comment), _count(store, Post), _count(store, Channel), _count(store, User)) == (
        n,
        len(load_posts()),
        first.channels_created,
        len(builder.USERS),
    )


def test_comments_are_timed_back_from_now_and_show_their_post(store: Store, fake_triage: FakeTriage) -> None:
    build(store, fake_triage)
    page = queue.queue(store, CLI_ACTOR, queue.QueueFilters(status=("any",), order="newest"), limit=500)
    newest = page.items[0].posted_at
    oldest = page.items[-1].posted_at
    age = builder.utcnow() - newest
    assert age.total_seconds() < 3600 * 2
    assert (newest - oldest).total_seconds() > 3600 * 72  # spread over the last days
    detail = queue.comment_detail(store, CLI_ACTOR, page.items[0].id)
    assert detail.post is not None and detail.post.text and detail.post.url
    assert detail.post.url.startswith("https://") and ".invalid/" in detail.post.url


def test_reset_starts_over_even_with_append_only_history(store: Store, fake_triage: FakeTriage) -> None:
    build(store, fake_triage)
    with store.session() as s:
        lead = repo.user_by_name(s, "lead")
        first = s.scalars(select(Comment).order_by(Comment.id)).first()
    assert lead is not None and first is not None
    actor = Actor(user_id=lead.id, name="lead", role=Role.LEAD)
    decisions.record_decision(store, actor, first.id, DecisionIn(step="none", reason="fine as it is"))
    assert _count(store, Decision) == 1
    report = build(store, fake_triage, reset=True)
    assert report.reset and report.organisations_created == 2
    assert report.comments_created == len(load_comments())
    assert _count(store, Decision) == 0


def test_the_demo_refuses_a_database_in_real_use(store: Store, fake_triage: FakeTriage) -> None:
    with store.transaction() as tx:
        repo.add_organisation(tx, slug="stad-gent", name="Stad Gent", policy_yaml=None)
    for reset in (False, True):
        with pytest.raises(DemoError, match="stad-gent") as info:
            build(store, fake_triage, reset=reset)
        assert "HIERNIET_DATABASE_URL" in str(info.value)
    assert _count(store, Organisation) == 1 and _count(store, Comment) == 0


def test_a_password_changed_since_is_left_alone(store: Store, fake_triage: FakeTriage) -> None:
    with store.transaction() as tx:
        user = repo.add_user(tx, name="admin", role="admin", organisation_id=None)
        user.password_hash = hash_password("a-private-passphrase")
    report = build(store, fake_triage)
    assert [u.password for u in report.users if u.name == "admin"] == [None]
    with store.session() as s:
        row = repo.user_by_name(s, "admin")
    assert row is not None and verify_password("a-private-passphrase", row.password_hash)


# --- with the real triage ------------------------------------------------------------------------------


def test_the_real_triage_on_the_demo(store: Store, real_triage: object) -> None:
    report = build(store, real_triage)  # type: ignore[arg-type]
    kinds = {c.id: c for c in load_comments()}
    with store.session() as s:
        rows = list(s.execute(select(Comment.external_id, Comment.language, Comment.labels, Comment.status)))
    assert len(rows) == report.comments_created == len(kinds)
    languages = Counter(lang for _, lang, _, _ in rows)
    assert {"nl", "fr", "en", "de"} <= set(languages)
    assert sum(1 for cid, lang, _, _ in rows if lang == kinds[cid].lang) >= 0.9 * len(rows)

    def share(kind: str, ok: object) -> float:
        mine = [(labels, status) for cid, _, labels, status in rows if kinds[cid].kind == kind]
        return sum(1 for labels, status in mine if ok(set(labels), status)) / len(mine)  # type: ignore[operator]

    # Angry criticism stays criticism (or ok): never abuse.
    assert share("criticism", lambda labels, _s: not labels & ABUSE) >= 0.9
    assert share("ok", lambda labels, _s: not labels & ABUSE) >= 0.9
    assert share("threat", lambda labels, _s: "threat" in labels) >= 0.7
    assert share("doxxing", lambda labels, _s: "doxxing" in labels) >= 0.8
    # Most abuse lands in the queue (open or escalated) or is handled automatically; little is cleared.
    abusive = [k for k in ("insult", "hate", "threat", "sexual", "doxxing", "spam")]
    for kind in abusive:
        assert share(kind, lambda labels, _s: bool(labels & ABUSE)) >= 0.6, kind
    assert report.by_status.get("open", 0) > 0 and report.by_status.get("clear", 0) > 0


# --- the command line ----------------------------------------------------------------------------------


@pytest.fixture
def demo_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    monkeypatch.setenv("HIERNIET_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def test_the_demo_command_prints_where_to_go_and_the_users(demo_db: str) -> None:
    result = runner.invoke(app, ["demo"])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8000/desk/" in result.output
    for u in builder.USERS:
        assert u.name in result.output and u.password in result.output
    assert f"comments stored: {len(load_comments())}" in result.output
    again = runner.invoke(app, ["demo"])
    assert again.exit_code == 0 and "comments stored: 0" in again.output


def test_serve_options() -> None:
    options = uvicorn_options("127.0.0.1", 8123)
    assert options == {
        "app": "hierniet.web.app:create_app",
        "factory": True,
        "host": "127.0.0.1",
        "port": 8123,
        "log_level": "info",
        "reload": False,
    }
    as_json = uvicorn_options("127.0.0.1", 8123, log_format="json")  # HIERNIET_LOG_FORMAT=json (issue 16)
    assert as_json["log_config"]["formatters"]["json"]["()"] == "hierniet.logs.JsonFormatter"
    reloading = uvicorn_options("0.0.0.0", 80, reload=True, log_level="debug")
    assert reloading["reload"] and Path(reloading["reload_dirs"][0], "cli.py").is_file()
    for host, port in (("", 8000), ("127.0.0.1", 0), ("127.0.0.1", 70000)):
        with pytest.raises(ValueError, match=r"host|port"):
            uvicorn_options(host, port)
    assert uvicorn_options("127.0.0.1", 8123, workers=2)["workers"] == 2  # issue 16: one per core
    with pytest.raises(ValueError, match="--workers 0"):
        uvicorn_options("127.0.0.1", 8123, workers=0)
    with pytest.raises(ValueError, match="--reload"):
        uvicorn_options("127.0.0.1", 8123, workers=2, reload=True)


def test_serve_refuses_a_bad_port() -> None:
    result = runner.invoke(app, ["serve", "--port", "0", "--no-upgrade"])
    assert result.exit_code == 2
    assert "--port" in result.output


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_migrates_a_fresh_database_and_answers(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "HIERNIET_DATABASE_URL": f"sqlite:///{tmp_path / 'fresh' / 'desk.db'}"}
    command = [sys.executable, "-c", "from hierniet.cli import main; main()", "serve", "--port", str(port)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        answer: httpx.Response | None = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.3)
        assert answer is not None, f"the server did not answer: {server.poll()=}"
        assert answer.status_code == 200 and "/api/v1/queue" in answer.json()["paths"]
        # An unknown token is looked up in the api_tokens table: a clean 401 says the tables exist.
        bearer = {"Authorization": "Bearer hn_unknown-token-for-the-test"}
        queue_answer = httpx.get(f"http://127.0.0.1:{port}/api/v1/queue", headers=bearer, timeout=5)
        assert queue_answer.status_code == 401 and "unknown" in queue_answer.json()["detail"]
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert "schema empty -> " in output
    assert f"http://127.0.0.1:{port}/desk/" in output
