"""The desk's sign-in, sessions, CSRF, throttling and roles (SQLite and PostgreSQL)."""

from __future__ import annotations

import logging
import warnings

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from hierniet.services import admin
from hierniet.services.auth import CLI_ACTOR, verify_password
from hierniet.settings import Settings, get_settings
from hierniet.store import repo
from hierniet.store.tables import AuditEntry, Decision, User
from hierniet.web.desk import security
from seed import PASSWORD

from . import desk_fixtures
from .desk_fixtures import NAMES, Pages, make_app, text_of

pages = desk_fixtures.pages

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


def _audit(pages: Pages, action: str) -> list[AuditEntry]:
    with pages.desk.store.session() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def test_pages_need_a_signed_in_person(pages: Pages) -> None:
    for path in ("/desk/", "/desk/comments/1", "/desk/settings", "/desk/team", "/desk/audit"):
        r = pages.client.get(path, follow_redirects=False)
        assert r.status_code == 303, path
        assert r.headers["location"].startswith("/desk/login"), path
    r = pages.client.get("/desk/comments/1")
    assert r.url.path == "/desk/login" and r.url.params["next"] == "/desk/comments/1"
    assert pages.client.get("/desk", follow_redirects=False).headers["location"] == "/desk/"


def test_sign_in_and_out(pages: Pages) -> None:
    r = pages.login("moderator")
    assert "moderator1" in text_of(r.text)
    cookie = next(h for k, h in r.history[0].headers.multi_items() if k == "set-cookie")
    assert "hierniet_session=" in cookie
    assert "secure" in cookie.lower() and "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    (entry,) = _audit(pages, "user.login")
    assert entry.actor == "moderator1" and entry.detail == {"via": "desk"}
    r = pages.logout()
    assert r.url.path == "/desk/login" and "You are signed out." in r.text
    assert pages.client.get("/desk/", follow_redirects=False).status_code == 303


def test_sign_in_goes_back_to_the_page_asked_for(pages: Pages) -> None:
    pages.get("/desk/login?next=/desk/settings")
    r = pages.post("/desk/login", {"name": "lead1", "password": PASSWORD, "next": "/desk/settings"})
    assert r.url.path == "/desk/settings"
    pages.logout()
    pages.get("/desk/login")
    r = pages.post("/desk/login", {"name": "lead1", "password": PASSWORD, "next": "https://evil.example/"})
    assert r.url.path == "/desk/" and r.url.host == "testserver"


def test_a_wrong_password_or_name_says_the_same(pages: Pages) -> None:
    pages.get("/desk/login")
    wrong = pages.post("/desk/login", {"name": "moderator1", "password": "not the password"})
    unknown = pages.post("/desk/login", {"name": "nobody", "password": "not the password"})
    for r in (wrong, unknown):
        assert r.status_code == 401
        assert "The name or the password is not right." in r.text
    (failed,) = _audit(pages, "user.login_failed")  # only an existing account gets an audit line
    assert failed.actor == "moderator1"


def test_a_user_without_a_password_cannot_sign_in(pages: Pages) -> None:
    with pages.desk.store.transaction() as tx:
        user = repo.add_user(tx, name="robot", role="moderator", organisation_id=pages.desk.organisation_id)
    assert user.id
    pages.get("/desk/login")
    assert pages.post("/desk/login", {"name": "robot", "password": ""}).status_code == 401


def test_repeated_failures_are_throttled(pages: Pages) -> None:
    pages.get("/desk/login")
    for _ in range(5):
        assert pages.post("/desk/login", {"name": "lead1", "password": "guess guess"}).status_code == 401
    r = pages.post("/desk/login", {"name": "lead1", "password": PASSWORD})
    assert r.status_code == 429
    assert "Too many failed attempts" in r.text


def test_every_post_needs_the_csrf_token(pages: Pages) -> None:
    pages.get("/desk/login")
    r = pages.post("/desk/login", {"name": "moderator1", "password": PASSWORD}, csrf=False)
    assert r.status_code == 403 and "This form has expired" in r.text
    pages.login("moderator")
    comment = pages.comments["ins1"]
    for path, data in (
        (f"/desk/comments/{comment}/decide", {"action": "accept"}),
        (f"/desk/comments/{comment}/reveal", {}),
        ("/desk/bulk", {"ids": [comment], "action": "accept"}),
        ("/desk/settings", {"shield": "show"}),
        ("/desk/language", {"locale": "fr"}),
        ("/desk/logout", {}),
    ):
        assert pages.post(path, data, csrf=False).status_code == 403, path
        assert pages.post(path, {**data, "csrf_token": "forged-token-forged-token"}).status_code == 403, path
    with pages.desk.store.session() as s:
        assert s.scalars(select(Decision)).first() is None


def test_security_headers(pages: Pages) -> None:
    r = pages.get("/desk/login")
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["cache-control"] == "no-store"
    assert pages.client.get("/desk/static/desk.js").status_code == 200


def test_a_changed_password_ends_other_sessions(pages: Pages) -> None:
    pages.login("moderator")
    assert pages.client.get("/desk/", follow_redirects=False).status_code == 200
    admin.set_password(pages.desk.store, CLI_ACTOR, pages.desk.actors["moderator"].user_id or 0, "another password 1")
    assert pages.client.get("/desk/", follow_redirects=False).status_code == 303
    assert [e.actor for e in _audit(pages, "user.password_set")] == ["cli"]


def test_a_switched_off_user_is_signed_out(pages: Pages) -> None:
    pages.login("moderator")
    admin.update_user(pages.desk.store, CLI_ACTOR, pages.desk.actors["moderator"].user_id or 0, active=False)
    assert pages.client.get("/desk/", follow_redirects=False).status_code == 303


def test_people_change_their_own_password(pages: Pages) -> None:
    pages.login("moderator")
    pages.get("/desk/settings")
    r = pages.post(
        "/desk/settings/password", {"current": "wrong", "new": "a new password", "confirm": "a new password"}
    )
    assert r.status_code == 422 and "current password is not right" in r.text
    r = pages.post("/desk/settings/password", {"current": PASSWORD, "new": "short", "confirm": "short"})
    assert r.status_code == 422 and "too short" in r.text
    r = pages.post(
        "/desk/settings/password", {"current": PASSWORD, "new": "a new password", "confirm": "a new password"}
    )
    assert r.status_code == 200 and "Your password is changed." in r.text
    assert pages.client.get("/desk/", follow_redirects=False).status_code == 200  # this session goes on
    with pages.desk.store.session() as s:
        row = s.scalars(select(User).where(User.name == "moderator1")).one()
        assert verify_password("a new password", row.password_hash)


# --- roles -------------------------------------------------------------------------------------------------


def test_a_moderator_sees_no_lead_pages(pages: Pages) -> None:
    r = pages.login("moderator")
    assert 'href="/desk/team"' not in r.text and 'href="/desk/audit"' not in r.text
    for path in ("/desk/team", "/desk/audit"):
        r = pages.get(path)
        assert r.status_code == 403, path
        assert "This needs the role lead or higher (yours is moderator)" in r.text


def test_a_lead_sees_the_team_and_the_audit_log(pages: Pages) -> None:
    r = pages.login("lead")
    assert 'href="/desk/team"' in r.text and 'href="/desk/audit"' in r.text
    assert pages.get("/desk/team").status_code == 200
    r = pages.get("/desk/audit?action=user.login")
    assert r.status_code == 200 and "user.login" in r.text


def test_a_moderator_cannot_block(pages: Pages) -> None:
    pages.login("moderator")
    comment = pages.comments["ins1"]
    pages.get(f"/desk/comments/{comment}")
    r = pages.post(f"/desk/comments/{comment}/decide", {"action": "block", "reason": "persistent troll"})
    # Refused, back on the comment's own page (Post/Redirect/Get), the refusal at the top, focused.
    assert r.status_code == 200 and r.url.path == f"/desk/comments/{comment}"
    top = r.text.split('<main id="main"')[0]
    # said in the page's language
    assert "This needs the role lead or higher" in text_of(top) and 'role="alert" tabindex="-1" autofocus' in top
    assert "persistent troll" in r.text  # the form keeps what was typed
    with pages.desk.store.session() as s:
        assert s.scalars(select(Decision)).first() is None


def test_a_lead_can_block(pages: Pages) -> None:
    pages.login("lead")
    comment = pages.comments["ins1"]
    pages.get(f"/desk/comments/{comment}")
    r = pages.post(f"/desk/comments/{comment}/decide", {"action": "block", "reason": "persistent troll"})
    assert r.status_code == 200
    with pages.desk.store.session() as s:
        decision = s.scalars(select(Decision)).one()
    assert (decision.step, decision.kind, decision.reason) == ("block", "override", "persistent troll")


def test_the_session_secret_is_generated_when_unset(caplog: pytest.LogCaptureFixture) -> None:
    security._process_secret.cache_clear()
    with caplog.at_level(logging.WARNING, logger="hierniet.web.desk"):
        first = security.session_secret(Settings(database_url="sqlite://"))
        second = security.session_secret(Settings(database_url="sqlite://"))
    assert first == second and len(first) > 40
    assert [r.message for r in caplog.records].count(caplog.records[0].message) == 1
    assert "HIERNIET_SECRET_KEY is not set" in caplog.records[0].message
    assert security.session_secret(Settings(database_url="sqlite://", secret_key="k" * 40)) == "k" * 40  # type: ignore[arg-type]


def test_plain_http_needs_secure_cookies_off(pages: Pages) -> None:
    app = make_app(pages.desk, secure_cookies=False)
    with TestClient(app, base_url="http://testserver") as client:
        r = client.get("/desk/login")
        assert "secure" not in r.headers["set-cookie"].lower()


# --- the command line ----------------------------------------------------------------------------------------


def test_cli_sets_a_password(pages: Pages, monkeypatch: pytest.MonkeyPatch) -> None:
    from hierniet.cli import app

    url = pages.desk.store.engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("HIERNIET_DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        r = runner.invoke(app, ["user", "password", NAMES["lead"]], input="a brand new secret\na brand new secret\n")
        assert r.exit_code == 0, r.output
        r = runner.invoke(
            app, ["user", "password", "newbie", "--role", "moderator", "--password-stdin"], input="x" * 12
        )
        assert r.exit_code == 0, r.output
        r = runner.invoke(app, ["user", "password", "ghost", "--password-stdin"], input="x" * 12)
        assert r.exit_code == 2 and "no user 'ghost'" in r.output
        r = runner.invoke(app, ["user", "password", "newbie", "--password-stdin"], input="short")
        assert r.exit_code == 2 and "too short" in r.output
    finally:
        get_settings.cache_clear()
    pages.get("/desk/login")
    r = pages.post("/desk/login", {"name": "lead1", "password": "a brand new secret"})
    assert r.url.path == "/desk/"
    pages.logout()
    pages.get("/desk/login")
    assert pages.post("/desk/login", {"name": "newbie", "password": "x" * 12}).url.path == "/desk/"
