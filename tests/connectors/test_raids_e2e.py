"""Raids end to end (issue 14): a brigade on a YouTube video, polled from the connectors' local fake platform by
the worker, found by the worker's raid run, shown on the desk's raid page, and hidden in one move by a lead:
the worker then holds every comment for review on the (fake) platform, through the outbox.

Every part is the product's own: the shipped triage engine reads the comments, the real raid detector
(hierniet.raids.detector) finds the brigade, the desk shows it and the outbox carries the move out.
"""

from __future__ import annotations

import random
import re
import warnings
from datetime import UTC, datetime, timedelta

from connectors.fakes import FakeYouTube
from hierniet.services.outbox import Worker, WorkerOptions
from hierniet.settings import Settings
from hierniet.store import repo_desk
from hierniet.store.tables import Alert
from hierniet.triage.pipeline import Triage
from store.dbfixtures import Desk
from web.desk_fixtures import NAMES, make_app, text_of

from .test_outbox import connect_youtube

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from seed import PASSWORD, password_hash

START = datetime(2026, 11, 3, 20, 0, tzinfo=UTC)
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def test_a_brigade_from_polling_to_the_raid_page_to_one_hide_through_the_outbox(
    desk: Desk, settings: Settings, youtube: FakeYouTube, triage: Triage
) -> None:
    connect_youtube(desk, settings, youtube)
    youtube.page_size = 50  # YouTube's largest page: one poll reads the whole burst
    # Sixteen accounts the organisation never saw paste the same insult, with small edits, within four minutes.
    insults = ("Jij bent een vuile idioot, ga weg #weg{n}", "Vuile idioot, jij bent echt een clown #weg{n}")
    for i in range(16):
        when = (START + timedelta(seconds=15 * i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        youtube.add_thread(f"y{i}", insults[i % 2].format(n=""), when, author=f"UCtroll{i}")
    youtube.add_thread("ok1", "mooie video", (START - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ"), author="UCfan")
    settings = settings.model_copy(update={"raid_detect_interval_s": 1.0})
    options = WorkerOptions(worker_id="w1", rates={"youtube": 0}, poll=True, retention=False)
    worker = Worker(desk.store, settings, options, triage=lambda: triage, rng=random.Random(1))

    # One round: the poll stores the comments, then the raid run finds the brigade and queues the lead's alert.
    first = worker.run_once(now=START + timedelta(minutes=5))
    assert first.polls and first.raids is not None and len(first.raids.new) == 1
    (raid_id,) = first.raids.new
    with desk.store.session() as s:
        assert s.query(Alert).filter(Alert.kind == "raid", Alert.raid_id == raid_id).count() == 1

    # The lead opens the raid's page and hides it in one move.
    with desk.store.transaction() as tx:
        lead_id = desk.actors["lead"].user_id
        assert lead_id is not None
        repo_desk.set_password_hash(tx, lead_id, password_hash())
    with TestClient(make_app(desk), base_url="https://testserver") as client:
        login = client.get("/desk/login")
        token = _CSRF.search(login.text)
        assert token is not None
        client.post("/desk/login", data={"name": NAMES["lead"], "password": PASSWORD, "csrf_token": token.group(1)})
        page = client.get(f"/desk/raids/{raid_id}")
        assert page.status_code == 200
        words = text_of(page.text)
        assert "UCtroll0" in words and "UCtroll15" in words and "UCfan" not in words
        token = _CSRF.search(page.text)
        assert token is not None
        moved = client.post(f"/desk/raids/{raid_id}/hide", data={"csrf_token": token.group(1)})
        assert "16 comments hidden through the outbox." in text_of(moved.text)

    # The next round carries the move out on the platform: YouTube holds each comment for review.
    worker._raids_at = None
    second = worker.run_once()  # the outbox rows are due from the moment of the move (now)
    assert second.done == 16
    assert {youtube.status[f"y{i}"] for i in range(16)} == {"heldForReview"} and youtube.status["ok1"] == "published"


def test_a_hold_on_the_raided_video_holds_each_new_comment_and_its_undo_releases_them(
    desk: Desk, settings: Settings, youtube: FakeYouTube, triage: Triage
) -> None:
    """Issue 14: the lead holds new comments on a raided YouTube video from the raid's page. YouTube holds single
    comments, not a video, so each comment the worker reads under it afterwards is held for review through the
    outbox; undoing the hold releases them, but a comment a person decided on meanwhile keeps that decision."""
    from hierniet.services import decisions, raids
    from hierniet.services.decisions import DecisionIn
    from hierniet.store.tables import Comment
    from hierniet.store.tables import utcnow as store_now

    connect_youtube(desk, settings, youtube)
    youtube.page_size = 50
    insults = ("Jij bent een vuile idioot, ga weg #weg{n}", "Vuile idioot, jij bent echt een clown #weg{n}")
    for i in range(16):
        when = (START + timedelta(seconds=15 * i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        youtube.add_thread(f"y{i}", insults[i % 2].format(n=""), when, author=f"UCtroll{i}")
    settings = settings.model_copy(update={"raid_detect_interval_s": 1.0})
    options = WorkerOptions(worker_id="w1", rates={"youtube": 0}, poll=True, poll_interval_s=0, retention=False)
    worker = Worker(desk.store, settings, options, triage=lambda: triage, rng=random.Random(1))
    (raid_id,) = worker.run_once(now=START + timedelta(minutes=5)).raids.new

    with desk.store.transaction() as tx:
        lead_id = desk.actors["lead"].user_id
        assert lead_id is not None
        repo_desk.set_password_hash(tx, lead_id, password_hash())
    with TestClient(make_app(desk), base_url="https://testserver") as client:
        login = _CSRF.search(client.get("/desk/login").text)
        assert login is not None
        client.post("/desk/login", data={"name": NAMES["lead"], "password": PASSWORD, "csrf_token": login.group(1)})
        page = client.get(f"/desk/raids/{raid_id}")
        assert "every new comment on the video is held for review" in text_of(page.text)
        token = _CSRF.search(page.text)
        assert token is not None
        held = client.post(f"/desk/raids/{raid_id}/hold", data={"csrf_token": token.group(1)})
        assert "Every new comment on the post will be held for review as it comes in" in text_of(held.text)

        # Two people comment on the video after the hold: the worker reads them and holds both on YouTube.
        later = START + timedelta(minutes=20)
        youtube.add_thread("n1", "Wanneer komt de volgende video?", later.strftime("%Y-%m-%dT%H:%M:%SZ"), author="UCa")
        youtube.add_thread(
            "n2", "Slechte uitleg, ik snap er niets van", later.strftime("%Y-%m-%dT%H:%M:%SZ"), author="UCb"
        )
        worker._raids_at = None
        worker.run_once(now=store_now() + timedelta(minutes=1))  # the poll stores them, with the hold's calls
        worker.run_once(now=store_now() + timedelta(minutes=2))  # the outbox sends the calls
        assert (youtube.status["n1"], youtube.status["n2"]) == ("heldForReview", "heldForReview")
        assert youtube.status["y0"] == "published"  # the hold is on new comments, not on those before it
        words = text_of(client.get(f"/desk/raids/{raid_id}").text)
        assert "Holds on new comments" in words and "2 comments held" in words
        with desk.store.session() as s:
            by_id = {c.external_id: c.id for c in s.query(Comment).filter(Comment.external_id.in_(["n1", "n2"]))}
        # The held comment's page says what holds it, and whose move it was.
        words = text_of(client.get(f"/desk/comments/{by_id['n1']}").text)
        assert f"hold for review: done · a move on raid #{raid_id}" in words, words

        # A moderator reads one held comment and keeps it hidden: their decision, which the lift must not undo.
        decisions.record_decision(
            desk.store, desk.actors["moderator"], by_id["n2"], DecisionIn(step="hide", reason="onbeleefd", reply="")
        )

        # The lead undoes the hold on the raid's page: the worker publishes what the hold held, n2 stays held.
        (move,) = [a for a in raids.raid_detail(desk.store, desk.actors["lead"], raid_id).actions if a.action == "hold"]
        page = client.get(f"/desk/raids/{raid_id}")
        token = _CSRF.search(page.text)
        assert token is not None
        undone = client.post(f"/desk/raids/{raid_id}/moves/{move.id}/undo", data={"csrf_token": token.group(1)})
        words = text_of(undone.text)
        assert "Move undone: 1 taken back." in words and "1 comments keep a later decision" in words
    # A comment after the lift is not held.
    youtube.add_thread("n3", "Top video!", (START + timedelta(minutes=40)).strftime("%Y-%m-%dT%H:%M:%SZ"), author="UCc")
    worker.run_once(now=store_now() + timedelta(minutes=3))
    worker.run_once(now=store_now() + timedelta(minutes=4))
    assert (youtube.status["n1"], youtube.status["n2"], youtube.status["n3"]) == (
        "published",
        "heldForReview",
        "published",
    )
    assert youtube.effects[("published", "n1")] == 1 and youtube.effects[("heldForReview", "n2")] == 1
