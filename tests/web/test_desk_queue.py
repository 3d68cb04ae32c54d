"""The desk's queue page: order, filters, counts per label, paging, masked slurs, bulk decisions."""

from __future__ import annotations

import re
import warnings
from html import unescape

from sqlalchemy import select

from hierniet.store.tables import AuditEntry, Comment, Decision
from seed import SLUR

from . import desk_fixtures
from .desk_fixtures import Pages, make_app, text_of

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

pages = desk_fixtures.pages

_ROW = re.compile(r'<tr data-row="(\d+)"')


def _ids(html: str) -> list[int]:
    return [int(x) for x in _ROW.findall(html)]


def _by_key(pages: Pages, *keys: str) -> list[int]:
    return [pages.comments[k] for k in keys]


def test_the_queue_shows_what_waits_most_severe_then_oldest(pages: Pages) -> None:
    r = pages.login("moderator")
    # threat (4, escalated), then the two insults (2) oldest first; the clear question and the automatic
    # hide of the hate comment do not wait; the other organisation's comment is never shown.
    assert _ids(r.text) == _by_key(pages, "thr1", "ins1", "ins2")
    assert "3 comments" in text_of(r.text)
    api = pages.client.get(
        "/api/v1/queue", headers={"Authorization": f"Bearer {pages.desk.tokens['moderator']}"}
    ).json()
    assert [i["id"] for i in api["items"]] == _ids(r.text)  # one service for the page and the API


def test_filters(pages: Pages) -> None:
    pages.login("moderator")

    def ids(query: str) -> list[int]:
        r = pages.get(f"/desk/?{query}")
        assert r.status_code == 200, r.text
        return _ids(r.text)

    assert ids("label=insult") == _by_key(pages, "ins1", "ins2")
    assert ids("language=fr") == _by_key(pages, "ins2")
    assert ids("status=any&severity=3") == _by_key(pages, "thr1", "hate1")
    assert ids("status=auto") == _by_key(pages, "hate1")
    assert ids("status=any&order=oldest") == _by_key(pages, "ok1", "ins1", "ins2", "hate1", "thr1")
    assert ids("status=any&since=2026-03-02&until=2026-03-03") == _by_key(pages, "ins1", "ins2")
    # Belgium writes the day first, whatever the language (the filter fields are text: dd/mm/yyyy).
    assert ids("status=any&since=02/03/2026&until=3/3/2026") == _by_key(pages, "ins1", "ins2")
    assert ids("status=any&since=02.03.2026&until=03-03-2026") == _by_key(pages, "ins1", "ins2")
    assert ids(f"status=any&channel={pages.desk.channel_id}") == _by_key(pages, "thr1", "hate1", "ins1", "ins2", "ok1")
    assert ids(f"status=any&channel={pages.desk.other_channel_id}") == []
    with pages.desk.store.session() as s:
        author = s.scalars(select(Comment.author_id).where(Comment.id == pages.comments["ins2"])).one()
    assert ids(f"status=any&author={author}") == _by_key(pages, "ins2")


def test_the_filter_form_keeps_its_values_and_counts_labels(pages: Pages) -> None:
    pages.login("moderator")
    r = pages.get("/desk/?status=any&label=insult")
    assert '<option value="insult" selected>' in r.text
    assert '<option value="any" selected>' in r.text
    counts = dict(
        re.findall(r'href="/desk/\?label=(\w+)&amp;status=any"[^>]*>[^<]*</a>\s*<span class="badge">(\d+)<', r.text)
    )
    assert counts == {"insult": "2", "hate": "1", "threat": "1", "ok": "1"}


def test_bad_filters_are_explained(pages: Pages) -> None:
    pages.login("moderator")
    r = pages.get("/desk/?severity=lots&since=yesterday&label=rude")
    assert r.status_code == 200
    page = text_of(r.text)
    assert "Severity must be a number." in page
    assert "Posted from must be a date (DD/MM/YYYY)." in page
    assert "Label 'rude' is not one of the choices, so that filter is left out: choose one from the list." in page


def test_paging(pages: Pages) -> None:
    app = make_app(pages.desk, desk_page_size=2)
    with TestClient(app, base_url="https://testserver") as client:
        other = Pages(client, pages.desk, pages.comments)
        first = other.login("moderator")
        assert _ids(first.text) == _by_key(pages, "thr1", "ins1")
        # "Next" carries the keyset cursor of the page's last comment (issue 16).
        link = re.search(r'href="(/desk/\?page=2&amp;after=[^"]+)"', first.text)
        assert "Page 1 of 2" in text_of(first.text) and link is not None
        second = other.get(unescape(link.group(1)))
        assert _ids(second.text) == _by_key(pages, "ins2") and "Page 2 of 2" in text_of(second.text)
        assert 'rel="prev"' in second.text and 'rel="next"' not in second.text
        # A page number alone (a bookmark, a link from before) is still read by offset.
        assert _ids(other.get("/desk/?page=2").text) == _by_key(pages, "ins2")
        # A mangled cursor (an edited address) falls back to the page number.
        assert _ids(other.get("/desk/?page=2&after=nonsense").text) == _by_key(pages, "ins2")


def test_slurs_are_masked_in_previews_and_severe_content_shielded(pages: Pages) -> None:
    pages.login("moderator")
    r = pages.get("/desk/?status=any&label=hate")
    assert SLUR not in r.text
    assert '<span class="masked" title="masked word">x•••••</span>' in r.text
    assert "is-shielded shield-blur" in r.text
    pages.post("/desk/settings", {"shield": "show"})
    r = pages.get("/desk/?status=any&label=hate")
    assert SLUR in r.text and "is-shielded" not in r.text


def test_bulk_decisions(pages: Pages) -> None:
    pages.login("moderator")
    back = "/desk/?label=insult"
    pages.get(back)
    ids = _by_key(pages, "ins1", "ins2")
    r = pages.post("/desk/bulk", {"ids": ids, "action": "accept", "next": back})
    assert r.url.path == "/desk/" and r.url.query == b"label=insult"
    assert "Decision 'Accept the recommendation' recorded on 2 comments." in text_of(r.text)
    assert _ids(r.text) == []
    with pages.desk.store.session() as s:
        decided = s.scalars(select(Decision).order_by(Decision.comment_id)).all()
        audit = s.scalars(select(AuditEntry.subject_id).where(AuditEntry.action == "decision.accept")).all()
    assert [(d.comment_id, d.kind, d.step, d.user_id) for d in decided] == [
        (i, "accept", "refer", pages.desk.actors["moderator"].user_id) for i in ids
    ]
    assert sorted(audit) == sorted(str(i) for i in ids)


def test_a_bulk_decision_reports_each_refusal(pages: Pages) -> None:
    pages.login("moderator")
    pages.get("/desk/")
    r = pages.post("/desk/bulk", {"ids": _by_key(pages, "ins1", "thr1"), "action": "ok"})
    page = text_of(r.text)
    assert "recorded on 1 comments" in page
    # Said in the page's language (the service's English message is for the API).
    assert f"Comment #{pages.comments['thr1']}: This needs the role lead or higher (yours is moderator)" in page
    r = pages.post("/desk/bulk", {"action": "ok"})
    assert "No comment selected" in text_of(r.text)
