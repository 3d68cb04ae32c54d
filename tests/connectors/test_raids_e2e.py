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
    worker = Worker(
        desk.store, settings, options, triage=lambda: triage, rng=random.Random(1)
    )

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
