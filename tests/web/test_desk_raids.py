"""Raids on the desk (issue 14): the banner on the queue and on a comment of the raided post, the raid page
(timeline plot with its table, clusters, members, moves behind CSRF), a criticism storm that offers no hiding,
and the words in another language (SQLite and PostgreSQL).

The real detector reads comments written to be a brigade and a storm (tests/raids_seed.py).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import raids_seed
from hierniet.services import raids
from hierniet.services.ingest import ingest
from hierniet.store.tables import Comment, QueuedAction
from store.dbfixtures import FakeTriage

from . import desk_fixtures
from .desk_fixtures import Pages, text_of

pages = desk_fixtures.pages
START = datetime(2026, 11, 3, 20, 0, tzinfo=UTC)


def _ingest(pages: Pages, items: list[dict[str, Any]]) -> list[int]:
    result = ingest(pages.desk.store, FakeTriage(), items, actor=pages.desk.actors["admin"])
    return [c.comment_id for c in result.created]


def _seed(pages: Pages) -> tuple[list[int], int, int]:
    channel = pages.desk.channel_id
    _ingest(pages, raids_seed.storm_history(channel, START))
    ids = _ingest(pages, raids_seed.brigade(channel, "p1", START))
    _ingest(pages, raids_seed.storm(channel, "p2", START))
    raids.run_detection(pages.desk.store, START + timedelta(hours=1))
    found = {r.post: r.id for r in raids.list_raids(pages.desk.store, pages.desk.actors["lead"])[0]}
    return ids, found["p1"], found["p2"]


def test_a_moderator_sees_the_banner_but_not_the_raid_page(pages: Pages) -> None:
    ids, raid_id, _storm = _seed(pages)
    pages.login("moderator")
    queue = text_of(pages.get("/desk/").text)
    assert "Raid under way on post p1: 12 comments since" in queue
    assert "Your lead has been alerted" in queue and "Answer it, do not hide it." in queue
    assert f"/desk/raids/{raid_id}" not in pages.get("/desk/").text
    assert pages.get(f"/desk/raids/{raid_id}").status_code == 403
    assert pages.post(f"/desk/raids/{raid_id}/hide").status_code == 403
    # A comment of the raided post says so; one elsewhere does not.
    assert "Raid under way on post p1" in text_of(pages.get(f"/desk/comments/{ids[0]}").text)
    assert "Raid under way" not in text_of(pages.get(f"/desk/comments/{pages.comments['ins1']}").text)


def test_a_lead_opens_the_raid_and_hides_it_in_one_move(pages: Pages) -> None:
    ids, raid_id, _storm = _seed(pages)
    pages.login("lead")
    queue = pages.get("/desk/")
    assert f'href="/desk/raids/{raid_id}"' in queue.text
    page = pages.get(f"/desk/raids/{raid_id}")
    assert page.status_code == 200
    html = page.text
    # The plot is an accessible SVG, with the same figures in a table beside it.
    assert re.search(r"<svg[^>]*role=\"img\"", html) and "Comments per minute" in html
    assert '<caption id="timeline-caption">' in html
    words = text_of(html)
    for member in ("troll0", "troll5"):
        assert member in words
    assert "core" in words and "joiner" in words and "4 times" in words and "Not quoted" in words
    for move in ("hide", "hold", "block-core", "evidence", "dismiss"):
        assert f'action="/desk/raids/{raid_id}/{move}"' in html
    assert pages.post(f"/desk/raids/{raid_id}/hide", csrf=False).status_code == 403  # no CSRF token
    done = pages.post(f"/desk/raids/{raid_id}/hide")
    assert done.status_code == 200 and "12 comments hidden through the outbox." in text_of(done.text)
    with pages.desk.store.session() as s:
        hidden = s.query(QueuedAction).filter(QueuedAction.comment_id.in_(ids), QueuedAction.action == "hide").count()
        assert hidden == 12
    undo = re.search(rf'action="(/desk/raids/{raid_id}/moves/\d+/undo)"', done.text)
    assert undo is not None
    back = pages.post(undo.group(1))
    assert "Move undone: 12 taken back." in text_of(back.text)
    with pages.desk.store.session() as s:
        # Waiting again, as before the move: no person's decision stands on them.
        assert {c.decided_step for c in s.query(Comment).filter(Comment.id.in_(ids))} == {None}
    assert "(undone)" in text_of(back.text)


def test_a_criticism_storm_says_answer_it_and_offers_no_hiding(pages: Pages) -> None:
    _ids, _raid, storm_id = _seed(pages)
    pages.login("lead")
    page = pages.get(f"/desk/raids/{storm_id}")
    assert "Criticism storm: answer it, do not hide it." in text_of(page.text)
    assert f"/desk/raids/{storm_id}/hide" not in page.text and f"/desk/raids/{storm_id}/dismiss" in page.text
    refused = pages.post(f"/desk/raids/{storm_id}/hide")
    assert refused.status_code == 200 and "answer it, do not hide it" in text_of(refused.text)


def test_the_raid_pages_in_dutch(pages: Pages) -> None:
    _ids, raid_id, _storm = _seed(pages)
    pages.login("lead")
    pages.post("/desk/settings", {"locale": "nl", "shield": "mask"})
    words = text_of(pages.get(f"/desk/raids/{raid_id}").text)
    assert "Elke grensoverschrijdende reactie verbergen" in words and "Reacties per minuut" in words
    assert "Hide every abusive comment" not in words
    listing = text_of(pages.get("/desk/raids").text)
    assert "Raids en kritiekstormen" in listing and "Kritiekstorm" in listing
