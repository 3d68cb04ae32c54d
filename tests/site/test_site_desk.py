"""The desk's page for join requests (/desk/signatories): admins approve or reject what the site received."""

from __future__ import annotations

from typing import Any

import site_fixtures

from hierniet.services import signatories as service
from hierniet.services.signatories import JoinRequest
from web import desk_fixtures
from web.desk_fixtures import Pages, text_of

database = site_fixtures.database
store = site_fixtures.store
desk = site_fixtures.desk
pages = desk_fixtures.pages


def _request(pages: Pages, name: str) -> int:
    form = JoinRequest(name=name, type="school", website="school.example.be", email="info@school.example.be")
    return service.submit_join(pages.desk.store, form, client=f"198.51.100.{len(name)}").id


def test_admin_approves_and_rejects_from_the_desk(pages: Pages) -> None:
    first = _request(pages, "Atheneum Voorbeeld")
    second = _request(pages, "Spam Inc")
    pages.login("root")
    page = pages.get("/desk/signatories")
    assert page.status_code == 200
    words = text_of(page.text)
    assert "Atheneum Voorbeeld" in words and "Spam Inc" in words and "info@school.example.be" in words
    approved = pages.post(f"/desk/signatories/{first}/approve", follow_redirects=False)
    assert approved.status_code == 303 and approved.headers["location"] == "/desk/signatories"
    rejected = pages.post(f"/desk/signatories/{second}/reject", {"reason": "no organisation"}, follow_redirects=False)
    assert rejected.status_code == 303
    after = text_of(pages.get("/desk/signatories").text)
    assert "No requests here." in after  # nothing pending any more
    assert "Atheneum Voorbeeld is now listed as a signatory." in after  # the flash messages
    assert "The request of Spam Inc is rejected." in after
    assert "Atheneum Voorbeeld" in pages.client.get("/en/signatories").text
    assert "no organisation" in text_of(pages.get("/desk/signatories?status=rejected").text)


def test_the_page_refuses_anyone_but_an_admin_of_every_organisation(pages: Pages) -> None:
    request_id = _request(pages, "Some org")
    pages.login("admin")  # administers one organisation only
    assert pages.get("/desk/signatories").status_code == 403
    assert pages.post(f"/desk/signatories/{request_id}/approve").status_code == 403
    assert service.public_signatories(pages.desk.store) == []


def test_the_forms_need_the_desk_csrf_token(pages: Pages) -> None:
    request_id = _request(pages, "Some org")
    pages.login("root")
    forged: Any = pages.post(f"/desk/signatories/{request_id}/approve", {"csrf_token": "forged"})
    assert forged.status_code == 403
    assert service.public_signatories(pages.desk.store) == []


def test_signed_out_visitors_are_sent_to_the_login(pages: Pages) -> None:
    response = pages.get("/desk/signatories", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/desk/login")
