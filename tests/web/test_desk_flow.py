"""Issue 12, the desk's flow: only the decisions a person may take, refusals back on the comment's address at
the top, the author's history without the comment itself, unknown filters said and stable paging, the
favicon and HEAD, and undoing a decision (a new decision; the outbox cancelled or reversed)."""

from __future__ import annotations

import re
import warnings

from sqlalchemy import func, select, update

from hierniet.services.auth import CLI_ACTOR
from hierniet.services.ingest import ingest
from hierniet.store.tables import AuditEntry, Comment, Decision, QueuedAction, Signatory
from seed import SeedTriage
from store.dbfixtures import item

from . import desk_fixtures
from .desk_fixtures import Pages, make_app, text_of

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

pages = desk_fixtures.pages

_ROW = re.compile(r'<tr data-row="(\d+)"')


def _persistent_troll(pages: Pages) -> int:
    """Three insults by one author: the third is recommended 'block' (referred -> hidden -> blocked)."""
    result = ingest(
        pages.desk.store,
        SeedTriage(),
        [
            item(f"troll{n}", f"insult: sukkel nummer {n}", channel_id=pages.desk.channel_id, author="troll", day=n)
            for n in (1, 2, 3)
        ],
        actor=CLI_ACTOR,
    )
    assert not result.rejected, result.rejected
    last = max(result.created, key=lambda c: c.external_id).comment_id
    with pages.desk.store.session() as s:
        assert s.scalars(select(Comment.step).where(Comment.id == last)).one() == "block"
    return last


def _top(html: str) -> str:
    """What a page shows above its main content: the header and the alerts."""
    return html.split('<main id="main"')[0]


def _buttons(html: str) -> list[str]:
    form = html.split('id="decide-form"')[1].split("</form>")[0]
    return re.findall(r'name="action" value="(\w+)"', form)


# --- 1. offer only what the person may do; refusals at the top, on the comment's own address -------------------


def test_a_moderator_is_not_offered_a_leads_step(pages: Pages) -> None:
    comment = _persistent_troll(pages)
    pages.login("moderator")
    r = pages.get(f"/desk/comments/{comment}")
    assert "Recommended step: block" in text_of(r.text)
    assert "accept" not in _buttons(r.text) and "block" not in _buttons(r.text)
    assert "escalate" in _buttons(r.text) and "hide" in _buttons(r.text)
    assert "Only a lead may take the recommended step." in text_of(r.text)
    pages.logout()
    pages.login("lead")
    r = pages.get(f"/desk/comments/{comment}")
    assert {"accept", "block"} <= set(_buttons(r.text)) and "Only a lead may" not in r.text


def test_a_forbidden_decision_comes_back_on_the_comments_page_with_the_error_on_top(pages: Pages) -> None:
    comment = _persistent_troll(pages)
    pages.login("moderator")
    pages.get(f"/desk/comments/{comment}")
    # A moderator who sends 'accept' anyway (an old tab, a crafted post) is refused: no 403 page below the fold.
    r = pages.post(
        f"/desk/comments/{comment}/decide",
        {"action": "accept", "reason": "dit moet weg", "reply": "", "original_reply": ""},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == f"/desk/comments/{comment}"
    r = pages.get(r.headers["location"])
    assert r.status_code == 200
    top = _top(r.text)
    assert "This needs the role lead or higher" in text_of(top)
    assert re.search(r'<div id="alerts" class="alerts" role="alert" tabindex="-1" autofocus', top)
    assert 'value="dit moet weg"' in r.text
    # A reload is the page again (it was a 405 on /decide), without the spent error.
    again = pages.get(f"/desk/comments/{comment}")
    assert again.status_code == 200 and "may not decide" not in again.text
    with pages.desk.store.session() as s:
        assert s.scalars(select(Decision).where(Decision.comment_id == comment)).first() is None


def test_an_escalated_comment_offers_a_moderator_nothing_but_says_why(pages: Pages) -> None:
    pages.login("moderator")
    comment = pages.comments["ins1"]
    pages.get(f"/desk/comments/{comment}")
    pages.post(f"/desk/comments/{comment}/decide", {"action": "escalate", "reason": "twijfel"})
    r = pages.get(f"/desk/comments/{comment}")
    assert _buttons(r.text) == []
    assert "This comment is escalated: a lead decides on it." in text_of(r.text)


# --- 4. the author's history -----------------------------------------------------------------------------------


def _history(html: str) -> str:
    return text_of(html.split('id="history-title"')[1].split("</section>")[0])


def test_the_authors_history_neither_counts_the_comment_itself_nor_shows_it_twice(pages: Pages) -> None:
    ingest(
        pages.desk.store,
        SeedTriage(),
        [item("solo", "insult: sukkel", channel_id=pages.desk.channel_id, author="solo", day=2)],
        actor=CLI_ACTOR,
    )
    with pages.desk.store.session() as s:
        comment = s.scalars(select(Comment.id).where(Comment.external_id == "solo")).one()
    pages.login("moderator")
    r = pages.get(f"/desk/comments/{comment}")
    history = _history(r.text)
    assert "0 strikes within the last 90 days" in history
    assert f"#{comment}" not in history
    pages.post(f"/desk/comments/{comment}/decide", {"action": "hide", "reason": "te grof"})
    history = _history(pages.get(f"/desk/comments/{comment}").text)
    # Decided: one line for the comment (the person's decision), counted once from now on.
    assert history.count(f"#{comment}") == 1
    assert "1 strike within the last 90 days" in history


# --- 7. unknown filter values and stable paging ------------------------------------------------------------------


def test_an_unknown_status_is_said_and_paging_does_not_repeat(pages: Pages) -> None:
    app = make_app(pages.desk, desk_page_size=2, desk_undo_minutes=10)
    with TestClient(app, base_url="https://testserver") as client:
        other = Pages(client, pages.desk, pages.comments)
        other.login("moderator")
        first = other.get("/desk/?status=automatic")
        assert first.status_code == 200
        top = _top(first.text)
        assert "Status 'automatic' is not one of the choices, so that filter is left out" in text_of(top)
        assert "autofocus" in top
        # The links no longer carry the unknown value, and page 2 is not page 1 again (its link carries the
        # keyset cursor of the next page).
        assert 'href="/desk/?page=2&amp;after=' in first.text and "status=automatic&amp;page" not in first.text
        second = other.get("/desk/?status=automatic&page=2")
        one, two = _ROW.findall(first.text), _ROW.findall(second.text)
        assert one and two and not set(one) & set(two)
        # An error the form cannot see (a severity out of range) still keeps the page asked for.
        far = other.get("/desk/?severity=9&page=2")
        assert _ROW.findall(far.text) != _ROW.findall(other.get("/desk/?severity=9").text)


def test_an_unknown_status_is_said_in_the_persons_language(pages: Pages) -> None:
    pages.login("moderator")
    pages.post("/desk/language", {"locale": "fr", "next": "/desk/"})
    r = pages.get("/desk/?status=automatic")
    assert "Statut 'automatic' ne fait pas partie des choix" in text_of(_top(r.text))


# --- 11. favicon and HEAD -----------------------------------------------------------------------------------------


def test_favicon_and_head_on_every_page(pages: Pages) -> None:
    r = pages.client.get("/favicon.ico")
    assert r.status_code == 200 and r.headers["content-type"] == "image/x-icon" and r.content[:4] == b"\0\0\1\0"
    for path in ("/", "/nl/", "/fr/", "/desk/login", "/desk/static/desk.css", "/favicon.ico"):
        get = pages.client.get(path, follow_redirects=False)
        head = pages.client.head(path, follow_redirects=False)
        assert head.status_code == get.status_code, path
        assert head.content == b"", path
        assert head.headers.get("content-type") == get.headers.get("content-type"), path
    pages.login("moderator")
    head = pages.client.head(f"/desk/comments/{pages.comments['ins1']}")
    assert head.status_code == 200 and head.content == b""
    # HEAD never runs a POST route.
    assert pages.client.head("/desk/logout").status_code == 405


# --- undo -------------------------------------------------------------------------------------------------------------


def _actions(pages: Pages, comment: int) -> list[tuple[str, str]]:
    with pages.desk.store.session() as s:
        rows = s.scalars(select(QueuedAction).where(QueuedAction.comment_id == comment).order_by(QueuedAction.id))
        return [(a.action, a.status) for a in rows]


def test_undo_a_decision_before_its_calls_are_sent(pages: Pages) -> None:
    pages.login("moderator")
    comment = pages.comments["ins1"]
    pages.get(f"/desk/comments/{comment}")
    pages.post(f"/desk/comments/{comment}/decide", {"action": "hide", "reason": "te grof"})
    r = pages.get(f"/desk/comments/{comment}")
    assert "Undo this decision" in r.text
    assert ("hide", "queued") in _actions(pages, comment)
    decision = re.search(r'name="decision" value="(\d+)"', r.text)
    assert decision is not None
    r = pages.post(f"/desk/comments/{comment}/undo", {"decision": decision.group(1)})
    assert r.url.path == f"/desk/comments/{comment}"
    assert f"Decision undone on comment #{comment}: it is open again." in text_of(r.text)
    assert all(status == "cancelled" for _action, status in _actions(pages, comment))
    with pages.desk.store.session() as s:
        row = s.get(Comment, comment)
        assert row is not None and (row.status, row.decided_step) == ("open", None)
        kinds = s.scalars(select(Decision.kind).where(Decision.comment_id == comment).order_by(Decision.id)).all()
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "decision.undo")).one()
    assert kinds == ["override", "undo"]  # append-only: the undone decision stays
    assert audit.actor == "moderator1" and sorted(audit.detail["cancelled"]) == ["hide", "reply"]
    # Nothing left to undo: the form is gone, the comment is back in the queue, and the author's history is
    # as before anyone decided (neither the undone hide nor the undo is a step about the author).
    r = pages.get(f"/desk/comments/{comment}")
    assert "Undo this decision" not in r.text
    assert f"#{comment}" not in _history(r.text) and "0 strikes" in _history(r.text)
    assert str(comment) in _ROW.findall(pages.get("/desk/").text)


def test_undo_reverses_sent_calls_where_the_platform_can_and_lists_the_rest(pages: Pages) -> None:
    pages.login("lead")
    comment = pages.comments["ins1"]
    pages.get(f"/desk/comments/{comment}")
    pages.post(f"/desk/comments/{comment}/decide", {"action": "report", "reason": "racistisch bedoeld"})
    # The worker carried the calls out (Facebook: hide, report, reply; the reply's id kept).
    with pages.desk.store.transaction() as tx:
        tx.execute(update(QueuedAction).where(QueuedAction.comment_id == comment).values(status="done"))
        tx.execute(
            update(QueuedAction)
            .where(QueuedAction.comment_id == comment, QueuedAction.action == "reply")
            .values(platform_ref="c1_r1")
        )
    assert [a for a, _s in _actions(pages, comment)] == ["hide", "report", "reply"]
    r = pages.get(f"/desk/comments/{comment}")
    decision = re.search(r'name="decision" value="(\d+)"', r.text)
    assert decision is not None
    r = pages.post(f"/desk/comments/{comment}/undo", {"decision": decision.group(1)})
    page = text_of(r.text)
    assert "Decision undone" in page
    # Facebook unhides and deletes the reply by its id; a report sent cannot be taken back: a person does it.
    assert _actions(pages, comment)[3:] == [("unhide", "queued"), ("delete_reply", "queued")]
    assert "Take back by hand on the platform (no API does it): report to the platform." in text_of(_top(r.text))
    with pages.desk.store.session() as s:
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "decision.undo")).one()
        undo = s.scalars(select(Decision).where(Decision.kind == "undo")).one()
        ref = s.scalars(select(QueuedAction.payload).where(QueuedAction.action == "delete_reply")).one()
    assert audit.detail["reversed"] == ["unhide", "delete_reply"] and audit.detail["by_hand"] == ["report"]
    assert ref["platform_ref"] == "c1_r1"
    assert undo.step == "none" and undo.user_id == pages.desk.actors["lead"].user_id


def test_undoing_a_block_no_api_lifts_leaves_a_to_do_on_the_comment(pages: Pages) -> None:
    from hierniet.store.tables import Channel

    comment = pages.comments["ins1"]
    with pages.desk.store.transaction() as tx:
        # A YouTube channel: its API bans an author with the comment's rejection and never lifts a ban.
        tx.execute(update(Channel).where(Channel.id == pages.desk.channel_id).values(platform="youtube"))
    pages.login("lead")
    pages.get(f"/desk/comments/{comment}")
    pages.post(f"/desk/comments/{comment}/decide", {"action": "block", "reason": "blijft schelden"})
    with pages.desk.store.transaction() as tx:
        tx.execute(update(QueuedAction).where(QueuedAction.comment_id == comment).values(status="done"))
    r = pages.get(f"/desk/comments/{comment}")
    decision = re.search(r'name="decision" value="(\d+)"', r.text)
    assert decision is not None
    r = pages.post(f"/desk/comments/{comment}/undo", {"decision": decision.group(1)})
    top = text_of(_top(r.text))
    assert "Take back by hand on the platform (no API does it): reject and ban the author" in top
    assert "To do by hand, listed under the comment's platform actions: unblock the author" in top
    assert ("unblock", "manual") in _actions(pages, comment)
    actions = r.text.split('class="platform-actions"')[1].split("</ul>")[0]
    todo = actions.split("unblock the author")[1].split("</li>")[0]
    assert "To do by hand" in text_of(todo) and "Done by hand" in todo


def test_only_the_decider_may_undo_and_only_within_the_window(pages: Pages) -> None:
    pages.login("moderator")
    comment = pages.comments["ins1"]
    pages.get(f"/desk/comments/{comment}")
    pages.post(f"/desk/comments/{comment}/decide", {"action": "accept"})
    with pages.desk.store.session() as s:
        decision = s.scalars(select(Decision.id).where(Decision.comment_id == comment)).one()
    pages.logout()
    pages.login("lead")
    r = pages.get(f"/desk/comments/{comment}")
    assert "Undo this decision" not in r.text
    r = pages.post(f"/desk/comments/{comment}/undo", {"decision": decision})
    assert "only the person who decided may undo it" in text_of(_top(r.text))
    # Past the window (here 0 minutes: decisions are append-only, their time cannot be moved back).
    with TestClient(make_app(pages.desk, desk_undo_minutes=0), base_url="https://testserver") as client:
        late = Pages(client, pages.desk, pages.comments)
        late.login("moderator")
        r = late.get(f"/desk/comments/{comment}")
        assert "Undo this decision" not in r.text
        r = late.post(f"/desk/comments/{comment}/undo", {"decision": decision})
        assert "can no longer be undone" in text_of(_top(r.text))
    with pages.desk.store.session() as s:
        assert s.scalars(select(Decision.kind).where(Decision.comment_id == comment)).all() == ["accept"]


# --- 9. the join form: the same request twice; approving says so -------------------------------------------


def _join(pages: Pages, lang: str, **fields: str) -> object:
    page = pages.client.get(f"/{lang}/join")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token is not None
    data = {"name": "Stad Voorbeeld", "type": "city", "website": "www.voorbeeld.be", "email": "info@voorbeeld.be"}
    return pages.client.post(f"/{lang}/join", data={**data, **fields, "csrf": token.group(1)}, follow_redirects=False)


def test_the_same_join_request_twice_is_stored_once_and_said(pages: Pages) -> None:
    first = _join(pages, "nl")
    assert first.status_code == 303 and first.headers["location"] == "/nl/join?sent=1"  # type: ignore[attr-defined]
    # A double click, or the same organisation again a minute later with its name and address typed differently.
    again = _join(pages, "nl", name="  stad   voorbeeld ", email="Info@Voorbeeld.be")
    assert again.status_code == 303 and again.headers["location"] == "/nl/join?sent=again"  # type: ignore[attr-defined]
    page = text_of(pages.client.get("/nl/join?sent=again").text)
    assert "We hebben deze aanvraag al" in page
    with pages.desk.store.session() as s:
        assert s.scalar(select(func.count(Signatory.id))) == 1
    # Another organisation with the same address is a request of its own.
    other = _join(pages, "fr", name="CPAS Exemple")
    assert other.headers["location"] == "/fr/join?sent=1"  # type: ignore[attr-defined]
    pages.login("root")
    page = pages.get("/desk/signatories")
    first_id = re.search(r"/desk/signatories/(\d+)/approve", page.text)
    assert first_id is not None
    r = pages.post(f"/desk/signatories/{first_id.group(1)}/approve")
    assert "is now listed as a signatory." in text_of(r.text.split('<main id="main"')[0])
    # Approving again (a double click, or another admin first) is said at the top, not an error page.
    r = pages.post(f"/desk/signatories/{first_id.group(1)}/approve")
    assert r.status_code == 200 and "is already approved" in text_of(r.text.split('<main id="main"')[0])


# --- 13. the channels page -------------------------------------------------------------------------------


def test_the_channels_page_names_each_channels_organisation_and_the_next_step(pages: Pages) -> None:
    pages.login("root")  # sees every organisation's channels in one table
    r = pages.get("/desk/channels")
    assert r.status_code == 200
    table = r.text.split('<table class="channels">')[1].split("</table>")[0]
    headers = re.findall(r'<th scope="col">([^<]*)</th>', table)
    assert headers[0] == "Organisation" and all(h.strip() for h in headers), headers
    rows = [text_of(row) for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], flags=re.S)]
    with pages.desk.store.session() as s:
        from hierniet.store.tables import Organisation

        names = {o.name for o in s.scalars(select(Organisation))}
    assert {row.split(" Facebook")[0] for row in rows} == names and len(names) == 2
    # Not connected: what to do next, with a link to the form that does it.
    assert all("no: enter its secrets under “Connect a channel”" in row for row in rows)
    assert 'href="#connect-title"' in table


def test_undo_through_the_api_is_the_same_service(pages: Pages) -> None:
    from .conftest import Api

    api = Api(pages.client, pages.desk)
    comment = pages.comments["ins1"]
    made = api.post(f"/comments/{comment}/decisions", json={"step": "hide", "reason": "te grof"}, as_="moderator")
    assert made.status_code == 201
    refused = api.post(f"/comments/{comment}/undo", json={"decision_id": made.json()["id"]}, as_="lead")
    assert refused.status_code == 403 and "only the person who decided" in refused.json()["detail"]
    done = api.post(f"/comments/{comment}/undo", json={"decision_id": made.json()["id"]}, as_="moderator")
    assert done.status_code == 201, done.text
    body = done.json()
    assert body["decision"]["kind"] == "undo" and body["undone"] == made.json()["id"] and body["status"] == "open"
    assert sorted(body["cancelled"]) == ["hide", "reply"] and body["by_hand"] == []
    again = api.post(f"/comments/{comment}/undo", json={"decision_id": made.json()["id"]}, as_="moderator")
    assert again.status_code == 409
