"""The desk's admin pages /desk/people and /desk/organisations (issue 12, item 8), SQLite and PostgreSQL.

Who may open them is in tests/security/test_route_matrix.py (ACCESS); here: what they do, that a switched-off
person's session dies, that a refused form keeps what was typed (never a password) and says why in the
page's language, and that each change is audited.
"""

from __future__ import annotations

import re
import warnings

from sqlalchemy import select

from hierniet.services import admin, desk
from hierniet.store.tables import AuditEntry, Organisation, User

from . import desk_fixtures
from .desk_fixtures import NAMES, Pages, text_of

pages = desk_fixtures.pages

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

NEW_PASSWORD = "a fresh desk password"


def _user(pages: Pages, name: str) -> User:
    with pages.desk.store.session() as s:
        row = s.scalars(select(User).where(User.name == name)).first()
        assert row is not None, name
        s.expunge(row)
        return row


def _audit(pages: Pages, action: str) -> list[AuditEntry]:
    with pages.desk.store.session() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def _second_browser(pages: Pages, name: str, password: str) -> Pages:
    """Another person's browser on the same app, signed in as `name`."""
    other = Pages(TestClient(pages.client.app, base_url="https://testserver"), pages.desk, pages.comments)
    other.get("/desk/login")
    r = other.post("/desk/login", {"name": name, "password": password})
    assert r.status_code == 200 and r.url.path == "/desk/", r.text[:300]
    return other


def _signed_in(browser: Pages) -> bool:
    r = browser.client.get("/desk/", follow_redirects=False)
    return r.status_code == 200


def test_an_admin_adds_a_person_who_then_signs_in(pages: Pages) -> None:
    pages.login("admin")
    page = pages.get("/desk/people")
    assert page.status_code == 200
    words = text_of(page.text)
    for name in (NAMES["moderator"], NAMES["lead"], NAMES["admin"]):
        assert name in words
    # An organisation's admin sees their own organisation's people: not the admin of every organisation.
    assert NAMES["root"] not in words
    r = pages.post(
        "/desk/people",
        {
            "name": "anne",
            "role": "moderator",
            "organisation_id": str(pages.desk.organisation_id),
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert r.status_code == 200 and r.url.path == "/desk/people"
    assert "anne is added" in text_of(r.text)
    anne = _user(pages, "anne")
    assert (anne.role, anne.organisation_id, anne.active) == ("moderator", pages.desk.organisation_id, True)
    created = _audit(pages, "user.created")
    assert created[-1].actor == NAMES["admin"] and created[-1].detail["name"] == "anne"
    browser = _second_browser(pages, "anne", NEW_PASSWORD)
    assert _signed_in(browser)


def test_an_organisations_admin_cannot_add_to_another_organisation(pages: Pages) -> None:
    pages.login("admin")
    form = {"name": "sneaky", "role": "admin", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    other = pages.post("/desk/people", form | {"organisation_id": str(pages.desk.other_organisation_id)})
    assert other.status_code == 403
    everyone = pages.post("/desk/people", form | {"organisation_id": ""})
    # No organisation means theirs: an organisation's admin never makes an admin of every organisation.
    assert everyone.status_code == 200
    assert _user(pages, "sneaky").organisation_id == pages.desk.organisation_id
    page = pages.get("/desk/people")
    options = re.findall(r'<select id="organisation_id".*?</select>', page.text, flags=re.S)[0]
    assert "VZW X" not in options and "every organisation" not in options


def test_a_refused_form_keeps_what_was_typed_but_never_the_password(pages: Pages) -> None:
    pages.login("admin")
    r = pages.post(
        "/desk/people",
        {
            "name": "with space",
            "role": "lead",
            "organisation_id": "",
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert r.status_code == 422
    assert "no spaces" in text_of(r.text)
    assert 'value="with space"' in r.text and NEW_PASSWORD not in r.text
    assert re.search(r'<option value="lead" selected>', r.text)
    # The error comes first in the page's main part, as an alert that takes the focus.
    main = r.text[r.text.index('<main id="main"') :]
    assert main.index('role="alert"') < main.index("<table")
    assert re.search(r'<p class="form-error" role="alert"[^>]*autofocus', r.text)
    mismatch = pages.post(
        "/desk/people", {"name": "bob", "role": "lead", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"}
    )
    assert mismatch.status_code == 422 and "differ" in text_of(mismatch.text)
    short = pages.post("/desk/people", {"name": "bob", "role": "lead", "password": "short", "confirm": "short"})
    assert short.status_code == 422 and "too short" in text_of(short.text)
    taken = pages.post(
        "/desk/people",
        {"name": NAMES["lead"], "role": "lead", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert taken.status_code == 409 and "exists already" in text_of(taken.text)
    with pages.desk.store.session() as s:
        assert s.scalars(select(User).where(User.name.in_(["bob", "with space"]))).first() is None


def test_errors_are_in_the_pages_language(pages: Pages) -> None:
    pages.login("admin")
    pages.post("/desk/language", {"locale": "nl", "next": "/desk/people"})
    r = pages.post("/desk/people", {"name": "bob", "role": "lead", "password": "short", "confirm": "short"})
    assert r.status_code == 422
    assert "Het wachtwoord is te kort" in text_of(r.text)
    page = pages.get("/desk/people")
    words = text_of(page.text)
    assert "Iemand toevoegen" in words and "Uitschakelen" in words and "teamleider" in words
    pages.post("/desk/language", {"locale": "fr", "next": "/desk/organisations"})
    assert "Organisations" in text_of(pages.get("/desk/organisations").text)
    r = pages.post(f"/desk/people/{pages.desk.actors['admin'].user_id}/active", {"active": "0"})
    assert r.status_code == 409 and "Vous ne pouvez ni abaisser" in text_of(r.text)


def test_switching_a_person_off_ends_their_session_and_sign_in(pages: Pages) -> None:
    moderator = pages.desk.actors["moderator"]
    browser = _second_browser(pages, NAMES["moderator"], desk_fixtures.PASSWORD)
    token = pages.desk.tokens["moderator"]
    assert _signed_in(browser) and admin.authenticate(pages.desk.store, token) is not None
    pages.login("admin")
    r = pages.post(f"/desk/people/{moderator.user_id}/active", {"active": "0"})
    assert r.status_code == 200 and "is switched off" in text_of(r.text)
    assert not _signed_in(browser), "a switched-off person's open session goes on"
    again = browser.post("/desk/login", {"name": NAMES["moderator"], "password": desk_fixtures.PASSWORD})
    assert again.status_code == 401
    assert admin.authenticate(pages.desk.store, token) is None
    row = re.search(rf'<tr id="person-{moderator.user_id}" class="is-off">.*?</tr>', r.text, flags=re.S)
    assert row is not None and "Switch on" in row.group(0)
    on = pages.post(f"/desk/people/{moderator.user_id}/active", {"active": "1"})
    assert on.status_code == 200 and "switched on again" in text_of(on.text)
    assert desk.sign_in(pages.desk.store, NAMES["moderator"], desk_fixtures.PASSWORD) is not None
    details = [e.detail for e in _audit(pages, "user.updated")]
    assert details == [{"active": False}, {"active": True}]


def test_a_new_role_ends_the_session_and_takes_effect(pages: Pages) -> None:
    moderator = pages.desk.actors["moderator"]
    browser = _second_browser(pages, NAMES["moderator"], desk_fixtures.PASSWORD)
    assert browser.client.get("/desk/team", follow_redirects=False).status_code == 403
    pages.login("admin")
    r = pages.post(f"/desk/people/{moderator.user_id}/role", {"role": "lead"})
    assert r.status_code == 200 and "now has the role lead" in text_of(r.text)
    assert not _signed_in(browser)
    browser = _second_browser(pages, NAMES["moderator"], desk_fixtures.PASSWORD)
    assert browser.client.get("/desk/team", follow_redirects=False).status_code == 200
    bad = pages.post(f"/desk/people/{moderator.user_id}/role", {"role": "boss"})
    assert bad.status_code == 422 and "Choose a role" in text_of(bad.text)
    # Your own role is not offered, and refused when forced.
    me = pages.desk.actors["admin"].user_id
    page = pages.get("/desk/people")
    assert f'action="/desk/people/{me}/role"' not in page.text
    own = pages.post(f"/desk/people/{me}/role", {"role": "moderator"})
    assert own.status_code == 409 and _user(pages, NAMES["admin"]).role == "admin"


def test_an_admin_sets_a_new_password(pages: Pages) -> None:
    lead = pages.desk.actors["lead"]
    browser = _second_browser(pages, NAMES["lead"], desk_fixtures.PASSWORD)
    pages.login("admin")
    r = pages.post(f"/desk/people/{lead.user_id}/password", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert r.status_code == 200 and "is set" in text_of(r.text)
    assert not _signed_in(browser)
    assert desk.sign_in(pages.desk.store, NAMES["lead"], NEW_PASSWORD) is not None
    assert desk.sign_in(pages.desk.store, NAMES["lead"], desk_fixtures.PASSWORD) is None
    assert _audit(pages, "user.password_set")[-1].actor == NAMES["admin"]
    # Another organisation's person is not there for this admin.
    with pages.desk.store.transaction() as tx:
        other = User(name="other-org", role="moderator", organisation_id=pages.desk.other_organisation_id, active=True)
        tx.add(other)
        tx.flush()
        other_id = other.id
    refused = pages.post(f"/desk/people/{other_id}/password", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert refused.status_code == 404


def test_an_admin_sets_a_persons_email_for_alerts_in_the_pages_language(pages: Pages) -> None:
    lead = pages.desk.actors["lead"]
    browser = _second_browser(pages, NAMES["lead"], desk_fixtures.PASSWORD)
    pages.login("admin")
    r = pages.post(f"/desk/people/{lead.user_id}/email", {"email": " lea@example.org "})
    assert r.status_code == 200 and "Alerts reach" in text_of(r.text) and "lea@example.org" in text_of(r.text)
    assert _user(pages, NAMES["lead"]).email == "lea@example.org"
    assert _signed_in(browser), "a new address ends no session"
    assert _audit(pages, "user.updated")[-1].detail == {"email": True}
    pages.post("/desk/language", {"locale": "fr", "next": "/desk/people"})
    bad = pages.post(f"/desk/people/{lead.user_id}/email", {"email": "a@b.org, c@d.org"})
    assert bad.status_code == 422 and "Écrivez une seule adresse e-mail" in text_of(bad.text)
    assert _user(pages, NAMES["lead"]).email == "lea@example.org", "a refused address changes nothing"
    added = pages.post(
        "/desk/people",
        {"name": "zoe", "role": "lead", "email": "zoe@", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert added.status_code == 422 and 'value="zoe@"' in added.text and NEW_PASSWORD not in added.text
    form = {"name": "zoe", "role": "lead", "email": "zoe@example.org", "password": NEW_PASSWORD}
    assert pages.post("/desk/people", form | {"confirm": NEW_PASSWORD}).status_code == 200
    assert _user(pages, "zoe").email == "zoe@example.org"
    removed = pages.post(f"/desk/people/{lead.user_id}/email", {"email": ""})
    assert removed.status_code == 200 and "n'a plus d'adresse e-mail" in text_of(removed.text)
    assert _user(pages, NAMES["lead"]).email is None
    page = text_of(pages.get("/desk/people").text)
    assert "E-mail pour les alertes" in page and "zoe@example.org" in page


def test_the_admin_of_every_organisation_adds_an_organisation(pages: Pages) -> None:
    pages.login("root")
    page = pages.get("/desk/organisations")
    assert page.status_code == 200 and "Stad Gent" in text_of(page.text) and "VZW X" in text_of(page.text)
    r = pages.post("/desk/organisations", {"slug": "stad-brugge", "name": "Stad Brugge", "policy": ""})
    assert r.status_code == 200 and "Stad Brugge (stad-brugge) is added" in text_of(r.text)
    bad = pages.post("/desk/organisations", {"slug": "Stad Leuven", "name": "Stad Leuven", "policy": ""})
    assert bad.status_code == 422 and 'value="Stad Leuven"' in bad.text
    taken = pages.post("/desk/organisations", {"slug": "stad-brugge", "name": "Again", "policy": ""})
    assert taken.status_code == 409 and "exists already" in text_of(taken.text)
    policy = pages.post("/desk/organisations", {"slug": "stad-aalst", "name": "Stad Aalst", "policy": "a: [b\n"})
    assert policy.status_code == 422 and "a: [b" in policy.text
    with pages.desk.store.session() as s:
        slugs = s.scalars(select(Organisation.slug)).all()
    assert "stad-brugge" in slugs and "stad-aalst" not in slugs
    assert _audit(pages, "organisation.created")[-1].actor == NAMES["root"]
    # The new organisation is offered for a new person at once.
    people = pages.get("/desk/people")
    assert "Stad Brugge (stad-brugge)" in people.text


def test_an_organisations_admin_sees_only_theirs_and_adds_none(pages: Pages) -> None:
    pages.login("admin")
    page = pages.get("/desk/organisations")
    words = text_of(page.text)
    assert "Stad Gent" in words and "VZW X" not in words
    assert 'action="/desk/organisations"' not in page.text
    assert "Only the admin of every organisation adds organisations." in words
    r = pages.post("/desk/organisations", {"slug": "stad-brugge", "name": "Stad Brugge"})
    assert r.status_code == 403


def test_the_navigation_offers_the_admin_pages_to_admins_only(pages: Pages) -> None:
    pages.login("lead")
    page = pages.get("/desk/")
    assert 'href="/desk/people"' not in page.text
    assert pages.client.get("/desk/people", follow_redirects=False).status_code == 403
    pages.logout()
    pages.login("admin")
    page = pages.get("/desk/")
    assert 'href="/desk/people"' in page.text and 'href="/desk/organisations"' in page.text
    current = pages.get("/desk/people")
    assert re.search(r'href="/desk/people" aria-current="page"', current.text)
