"""Anyone signed in sets their own e-mail address for alerts (issue 13, part 5): on the desk's settings page
and through PATCH /api/v1/users/{own id}; validated, audited, never anyone else's. SQLite and PostgreSQL.

Who may post the form is in tests/security/test_route_matrix.py (ACCESS); here: what it does."""

from __future__ import annotations

from sqlalchemy import select

from hierniet.store.tables import AuditEntry, User

from . import desk_fixtures
from .desk_fixtures import NAMES, Pages, text_of

pages = desk_fixtures.pages


def _email(pages: Pages, role: str) -> str | None:
    with pages.desk.store.session() as s:
        return s.scalar(select(User.email).where(User.name == NAMES[role]))


def _audit(pages: Pages) -> list[AuditEntry]:
    with pages.desk.store.session() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == "user.updated").order_by(AuditEntry.id)))


def test_a_lead_sets_and_clears_their_own_address(pages: Pages) -> None:
    pages.login("lead")
    page = pages.get("/desk/settings")
    assert page.status_code == 200 and 'action="/desk/settings/email"' in page.text
    assert 'id="email" name="email" type="email"' in page.text and 'value=""' in page.text
    r = pages.post("/desk/settings/email", {"email": " lea@example.org "})
    assert r.status_code == 200 and r.url.path == "/desk/settings"
    assert "Alerts reach you at lea@example.org if you are a lead." in text_of(r.text)
    assert 'value="lea@example.org"' in r.text
    assert _email(pages, "lead") == "lea@example.org"
    lead_id = pages.desk.actors["lead"].user_id
    (entry,) = _audit(pages)
    # Audited by the person themself, and without the address: the audit log is read more widely.
    assert (entry.user_id, entry.subject_id, entry.detail) == (lead_id, str(lead_id), {"email": True, "by": "self"})
    # The same address again changes nothing, and writes no second audit line.
    pages.post("/desk/settings/email", {"email": "lea@example.org"})
    assert len(_audit(pages)) == 1
    r = pages.post("/desk/settings/email", {"email": ""})
    assert "You have no e-mail address now" in text_of(r.text)
    assert _email(pages, "lead") is None
    assert _audit(pages)[-1].detail == {"email": False, "by": "self"}
    assert pages.get("/desk/").status_code == 200, "a new address ends no session"


def test_a_bad_address_gets_a_clear_error_and_changes_nothing(pages: Pages) -> None:
    pages.login("lead")
    pages.post("/desk/settings/email", {"email": "lea@example.org"})
    before = len(_audit(pages))
    for bad in ("a@b.org, c@d.org", "lea@", "<lea@example.org>", "x" * 250 + "@example.org"):
        r = pages.post("/desk/settings/email", {"email": bad})
        assert r.status_code == 422, bad
        assert "Write one e-mail address such as lead@example.org" in text_of(r.text), bad
        assert f'value="{bad}"'.replace("<", "&lt;").replace(">", "&gt;") in r.text, "what was typed is kept"
        assert _email(pages, "lead") == "lea@example.org", bad
    assert len(_audit(pages)) == before
    # In the page's language.
    pages.post("/desk/language", {"locale": "nl", "next": "/desk/settings"})
    r = pages.post("/desk/settings/email", {"email": "lea@"})
    assert r.status_code == 422 and "Je e-mailadres" in text_of(r.text)
    ok = pages.post("/desk/settings/email", {"email": "lea@example.org"})
    assert "Meldingen bereiken je op lea@example.org" in text_of(ok.text)


def test_the_form_needs_the_desks_csrf_token(pages: Pages) -> None:
    pages.login("moderator")
    r = pages.post("/desk/settings/email", {"email": "mo@example.org"}, csrf=False)
    assert r.status_code == 403
    assert _email(pages, "moderator") is None
    # A moderator sets their own too (it reaches them only if they ever lead).
    assert pages.post("/desk/settings/email", {"email": "mo@example.org"}).status_code == 200
    assert _email(pages, "moderator") == "mo@example.org"


def test_over_the_api_one_sets_ones_own_address_and_nobody_elses(pages: Pages) -> None:
    def call(role: str, method: str, path: str, **kwargs: object):  # type: ignore[no-untyped-def]
        headers = {"Authorization": f"Bearer {pages.desk.tokens[role]}"}
        return pages.client.request(method, f"/api/v1{path}", headers=headers, **kwargs)  # type: ignore[arg-type]

    lead_id, moderator_id = pages.desk.actors["lead"].user_id, pages.desk.actors["moderator"].user_id
    me = call("lead", "GET", "/me").json()
    assert me["user_id"] == lead_id and me["email"] is None
    r = call("lead", "PATCH", f"/users/{lead_id}", json={"email": "lea@example.org"})
    assert r.status_code == 200 and r.json()["email"] == "lea@example.org"
    assert call("lead", "GET", "/me").json()["email"] == "lea@example.org"
    # Nobody else's address, and nothing else of one's own.
    other = call("lead", "PATCH", f"/users/{moderator_id}", json={"email": "lea@example.org"})
    assert other.status_code == 403 and _email(pages, "moderator") is None
    role = call("lead", "PATCH", f"/users/{lead_id}", json={"email": "x@example.org", "role": "admin"})
    assert role.status_code == 403 and _email(pages, "lead") == "lea@example.org"
    bad = call("lead", "PATCH", f"/users/{lead_id}", json={"email": "a@b.org, c@d.org"})
    assert bad.status_code == 422 and "not an e-mail address" in bad.text
    assert _email(pages, "lead") == "lea@example.org"
    cleared = call("lead", "PATCH", f"/users/{lead_id}", json={"email": None})
    assert cleared.status_code == 200 and cleared.json()["email"] is None and _email(pages, "lead") is None
    assert [e.detail for e in _audit(pages)] == [{"email": True, "by": "self"}, {"email": False, "by": "self"}]
    # An admin still changes anyone's.
    r = call("admin", "PATCH", f"/users/{moderator_id}", json={"email": "mo@example.org"})
    assert r.status_code == 200 and _email(pages, "moderator") == "mo@example.org"
