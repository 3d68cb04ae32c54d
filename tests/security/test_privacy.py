"""Data protection as a security boundary (issue 11, finding 8), on SQLite and PostgreSQL: the append-only
tables take exactly an audited redaction and nothing else; export and erasure only for a lead or admin of
the author's organisation, through the API, the desk and the CLI; the worker runs the purge once a day."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from hierniet import cli
from hierniet.services import decisions
from hierniet.services.auth import CLI_ACTOR
from hierniet.services.ingest import ingest
from hierniet.services.outbox import Worker, WorkerOptions
from hierniet.settings import Settings, get_settings
from hierniet.store import repo
from hierniet.store.tables import AuditEntry, Comment, CommentRevision, Decision
from hierniet.web.app import create_app
from store import dbfixtures
from store.dbfixtures import Database, Desk, FakeTriage, item
from web import desk_fixtures
from web.desk_fixtures import Pages, text_of

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

database = dbfixtures.database
store = dbfixtures.store
desk = dbfixtures.desk
pages = desk_fixtures.pages

PHONE = "0470 12 34 56"


def _seed(desk: Desk) -> int:
    """One decided comment with an earlier text: a row in each append-only table."""
    ingest(desk.store, FakeTriage(), [item("c1", "insult: x", channel_id=desk.channel_id)], actor=desk.actors["root"])
    edit = item("c1", f"insult: y {PHONE}", channel_id=desk.channel_id, edited=True)
    ingest(desk.store, FakeTriage(), [edit], actor=desk.actors["root"])
    decisions.record_decision(desk.store, desk.actors["moderator"], 1, decisions.DecisionIn(step="refer", reason="r"))
    return 1


def _entry(desk: Desk, action: str) -> int:
    with desk.store.transaction() as tx:
        tx.execute(
            text(
                "INSERT INTO audit_log (at, actor, action, subject_type, detail) "
                "VALUES (:at, 'mallory', :action, 'x', '{}')"
            ),
            {"at": datetime.now(UTC).replace(tzinfo=None), "action": action},
        )
        return int(tx.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1)) or 0)


def _refused(desk: Desk, statement: str, **params: object) -> None:
    with pytest.raises(DBAPIError, match=r"append-only|may only be cleared"), desk.store.transaction() as tx:
        tx.execute(text(statement), params)


def test_only_an_audited_redaction_passes_the_append_only_triggers(desk: Desk) -> None:
    _seed(desk)
    other = _entry(desk, "decision.accept")
    privacy_entry = _entry(desk, "privacy.erasure")
    # Without a redaction entry, with one of another kind, or changing more than personal data: refused.
    _refused(desk, "UPDATE decisions SET reason = ''")
    _refused(desk, "UPDATE decisions SET reason = '', redacted_by = :id", id=other)
    _refused(desk, "UPDATE decisions SET reason = '', redacted_by = 999999")
    _refused(desk, "UPDATE decisions SET step = 'block', redacted_by = :id", id=privacy_entry)
    _refused(desk, "UPDATE decisions SET author_id = author_id + 1, redacted_by = :id", id=privacy_entry)
    _refused(desk, "UPDATE comment_revisions SET replaced_at = received_at, redacted_by = :id", id=privacy_entry)
    _refused(desk, "UPDATE audit_log SET actor = 'nobody', redacted_by = :id", id=privacy_entry)
    for table in ("decisions", "comment_revisions", "audit_log"):
        _refused(desk, f"DELETE FROM {table}")
        _refused(desk, f"DELETE FROM {table} WHERE redacted_by IS NULL OR redacted_by IS NOT NULL")
    with desk.store.session() as s:
        assert s.scalar(select(Decision.reason)) == "r" and s.scalar(select(Decision.step)) == "refer"
    # The one change allowed: blanking the personal data, naming a privacy entry.
    with desk.store.transaction() as tx:
        blank = "UPDATE decisions SET reason = '', reply = '', author_id = NULL, redacted_by = :id"
        tx.execute(text(blank), {"id": privacy_entry})
        tx.execute(text("UPDATE comment_revisions SET text = '', redacted_by = :id"), {"id": privacy_entry})
    # Once redacted with an entry, the same entry cannot be used again to change the row once more.
    _refused(desk, "UPDATE decisions SET reason = 'rewritten', redacted_by = :id", id=privacy_entry)
    with desk.store.session() as s:
        decision = s.scalars(select(Decision)).one()
        assert (decision.reason, decision.author_id, decision.redacted_by) == ("", None, privacy_entry)
        assert s.scalar(select(CommentRevision.text)) == ""


@pytest.fixture
def api(desk: Desk) -> Iterator[TestClient]:
    app = create_app(Settings(database_url="sqlite://"), store=desk.store, triage=FakeTriage())
    with TestClient(app) as client:
        yield client


def _as(desk: Desk, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {desk.tokens[role]}"}


def _author_of(desk: Desk, comment_id: int) -> int:
    with desk.store.session() as s:
        row = s.get(Comment, comment_id)
        assert row is not None and row.author_id is not None
        return row.author_id


def test_the_api_exports_and_erases_for_leads_of_the_authors_organisation(desk: Desk, api: TestClient) -> None:
    cid = _seed(desk)
    author = _author_of(desk, cid)
    assert api.delete(f"/api/v1/authors/{author}", headers=_as(desk, "moderator")).status_code == 403
    assert api.get(f"/api/v1/authors/{author}/export", headers=_as(desk, "moderator")).status_code == 403
    # A lead of another organisation does not learn the author exists.
    with desk.store.transaction() as tx:
        user = repo.add_user(tx, name="lead-x", role="lead", organisation_id=desk.other_organisation_id)
        token = "hn_other-lead-token-for-tests"
        repo.add_token(tx, user_id=user.id, name="t", token_hash=dbfixtures.hash_token(token), prefix="hn_oth")
    other = {"Authorization": f"Bearer {token}"}
    assert api.get(f"/api/v1/authors/{author}/export", headers=other).status_code == 404
    assert api.delete(f"/api/v1/authors/{author}", headers=other).status_code == 404

    r = api.get(f"/api/v1/authors/{author}/export", headers=_as(desk, "lead"))
    assert r.status_code == 200 and r.json()["comments"][0]["earlier_texts"][0]["text"] == "insult: x"
    r = api.delete(f"/api/v1/authors/{author}", headers=_as(desk, "lead"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["erased"] == [cid] and body["authors"] == [author] and body["kept"] == {}
    assert api.get(f"/api/v1/authors/{author}", headers=_as(desk, "lead")).status_code == 404
    audit = api.get("/api/v1/audit?action=privacy", headers=_as(desk, "lead")).json()["items"]
    assert [e["action"] for e in audit] == ["privacy.erasure"] and audit[0]["id"] == body["audit_id"]
    assert api.get("/api/v1/audit?action=author", headers=_as(desk, "lead")).json()["items"][0]["action"] == (
        "author.exported"
    )


def test_evidence_hold_through_the_api_keeps_a_comment_from_erasure(desk: Desk, api: TestClient) -> None:
    cid = _seed(desk)
    author = _author_of(desk, cid)
    body = {"hold": True, "reason": "police file"}
    assert api.put(f"/api/v1/comments/{cid}/evidence", json=body, headers=_as(desk, "moderator")).status_code == 403
    assert api.put(f"/api/v1/comments/{cid}/evidence", json=body, headers=_as(desk, "lead")).status_code == 204
    r = api.delete(f"/api/v1/authors/{author}", headers=_as(desk, "admin"))
    assert r.json()["kept"] == {str(cid): "kept as evidence"} and r.json()["authors"] == []
    with desk.store.session() as s:
        row = s.get(Comment, cid)
        assert row is not None and PHONE in row.text
    assert api.get(f"/api/v1/comments/{cid}", headers=_as(desk, "moderator")).json()["evidence_hold"] is True


def test_the_desk_erases_only_after_confirmation(pages: Pages) -> None:
    cid = pages.comments["ins1"]
    author = _author_of(pages.desk, cid)
    pages.login("moderator")
    page = pages.get(f"/desk/comments/{cid}").text
    assert f"/desk/authors/{author}/erase" not in page
    assert pages.post(f"/desk/authors/{author}/erase", {"confirm": "erase"}).status_code == 403
    pages.logout()
    pages.login("lead")
    page = pages.get(f"/desk/comments/{cid}").text
    assert f"/desk/authors/{author}/erase" in page and f"/desk/authors/{author}/export" in page
    r = pages.get(f"/desk/authors/{author}/export")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    assert r.json()["comments"][0]["text"] == "insult: jij idioot"
    r = pages.post(f"/desk/authors/{author}/erase", {"next": "/desk/"})
    assert "tick the box" in text_of(r.text)
    assert _author_of(pages.desk, cid) == author
    # Not decided yet: an open case, kept.
    r = pages.post(f"/desk/authors/{author}/erase", {"confirm": "erase", "next": "/desk/"})
    assert "an open case holds them" in text_of(r.text)
    pages.post(f"/desk/comments/{cid}/decide", {"action": "accept"})
    r = pages.post(f"/desk/authors/{author}/erase", {"confirm": "erase", "next": "/desk/"})
    assert f"Author #{author}: 1 comments erased." in text_of(r.text)
    with pages.desk.store.session() as s:
        row = s.get(Comment, cid)
        assert row is not None and (row.text, row.author_id) == ("", None)
    assert "The text was erased" in text_of(pages.get(f"/desk/comments/{cid}").text)


@pytest.fixture
def cli_url(database: Database, store: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path}/cli.db" if database.backend == "sqlite" else database.url
    monkeypatch.setenv("HIERNIET_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def test_the_cli_dry_runs_by_default_then_applies(cli_url: str, tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli.app, ["db", "upgrade"]).exit_code == 0
    s = repo.Store(dbfixtures.make_engine(cli_url))
    with s.transaction() as tx:
        org = repo.add_organisation(tx, slug="o", name="O", policy_yaml=None)
        repo.add_channel(
            tx, organisation_id=org.id, platform="facebook", external_id="o", name="o", policy_yaml=None,
            credentials_ref=None,
        )  # fmt: skip
    posted = datetime(2024, 1, 5, tzinfo=UTC)
    old = {**item("c1", f"bel {PHONE}", channel_id=1, author="jan"), "posted_at": posted.isoformat()}
    ingest(s, FakeTriage(), [old], actor=CLI_ACTOR, now=posted)
    dry = runner.invoke(cli.app, ["retention", "run"])
    assert dry.exit_code == 0 and "comment 1: would erase the text" in dry.output
    with s.session() as r:
        assert PHONE in (r.scalar(select(Comment.text)) or "")
    out = tmp_path / "jan.json"
    exported = runner.invoke(cli.app, ["author", "export", "1", "-o", str(out)])
    assert exported.exit_code == 0 and json.loads(out.read_text())["comments"][0]["text"] == f"bel {PHONE}"
    applied = runner.invoke(cli.app, ["retention", "run", "--apply"])
    assert applied.exit_code == 0 and "comment 1: erase the text" in applied.output
    with s.session() as r:
        assert r.scalar(select(Comment.text)) == ""
    assert runner.invoke(cli.app, ["author", "erase", "1", "--yes"]).exit_code == 2  # already gone
    s.dispose()


def test_the_worker_runs_the_purge_once_a_day(desk: Desk) -> None:
    posted = datetime(2024, 1, 5, tzinfo=UTC)
    old = {**item("c1", f"bel {PHONE}", channel_id=desk.channel_id), "posted_at": posted.isoformat()}
    ingest(desk.store, FakeTriage(), [old], actor=desk.actors["root"], now=posted)
    worker = Worker(desk.store, Settings(database_url="sqlite://"), WorkerOptions(poll=False))
    now = datetime.now(UTC)
    first = worker.run_once(now=now)
    assert first.retention is not None and first.retention["texts_erased"] == 1
    assert worker.run_once(now=now + timedelta(hours=23)).retention is None
    assert worker.run_once(now=now + timedelta(hours=25)).retention is not None
    with desk.store.session() as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.action == "privacy.retention")).all()
        assert len(entries) == 2 and all(e.actor.startswith("worker:") for e in entries)


def test_every_write_to_an_append_only_table_names_its_redaction_entry() -> None:
    """repo_privacy is the one module that updates these tables; each update sets redacted_by."""
    import re

    from hierniet.store import repo_privacy

    source = Path(repo_privacy.__file__).read_text(encoding="utf-8")
    statements = re.findall(r"update\((Decision|AuditEntry|CommentRevision)\)([^\n]*)", source)
    assert len(statements) == 3
    for table, rest in statements:
        assert "redacted_by=" in rest, table
    assert "delete(Decision" not in source and "delete(AuditEntry" not in source
    assert "delete(CommentRevision" not in source
