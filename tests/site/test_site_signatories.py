"""Signing the charter: the join form (validation, CSRF, honeypot, rate limit, logo) and admins' decisions."""

from __future__ import annotations

import html as html_lib
from typing import Any

import pytest
import site_fixtures
from site_helpers import csrf_of, join, parse_strict, png

from hierniet.services import signatories as service
from hierniet.services.errors import Conflict, Forbidden
from hierniet.services.signatories import JoinError, JoinRequest, RateLimited
from store.dbfixtures import Desk

client = site_fixtures.client
database = site_fixtures.database
desk = site_fixtures.desk
fake_triage = site_fixtures.fake_triage
store = site_fixtures.store


def _auth(desk: Desk, who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {desk.tokens[who]}"}


def _pending(client: Any, desk: Desk) -> list[dict[str, Any]]:
    response = client.get("/api/v1/signatories", headers=_auth(desk, "root"))
    assert response.status_code == 200, response.text
    return list(response.json())


def test_a_valid_request_waits_until_an_admin_approves_it(client: Any, desk: Desk) -> None:
    sent = join(client, "fr", name="Ville de Namur", type="city", website="https://www.namur.be", email="com@namur.be")
    assert sent.status_code == 303 and sent.headers["location"] == "/fr/join?sent=1"
    thanks = client.get("/fr/join?sent=1").text
    assert "Merci" in thanks and 'role="status"' in thanks
    [request] = _pending(client, desk)
    assert request["name"] == "Ville de Namur" and request["status"] == "pending" and request["language"] == "fr"
    assert request["website"] == "https://www.namur.be" and request["contact_email"] == "com@namur.be"
    # Pending: not listed.
    assert "Ville de Namur" not in client.get("/fr/signatories").text
    approved = client.post(f"/api/v1/signatories/{request['id']}/approve", headers=_auth(desk, "root"))
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert approved.json()["decided_by"] == desk.actors["root"].user_id
    listed = client.get("/fr/signatories").text
    assert "Ville de Namur" in listed and 'href="https://www.namur.be"' in listed
    assert "com@namur.be" not in listed  # the contact address is never public
    assert _pending(client, desk) == []
    audit = client.get("/api/v1/audit?action=signatory", headers=_auth(desk, "root")).json()["items"]
    assert [e["action"] for e in audit] == ["signatory.approved", "signatory.requested"]


def test_search_and_type_filter(client: Any, desk: Desk) -> None:
    for name, kind in (
        ("Stad Gent", "city"),
        ("Gentse Feesten vzw", "ngo"),
        ("Radio Namur", "media"),
        ("100% Media_Lab", "media"),
    ):
        join(client, "nl", name=name, type=kind)
    for request in _pending(client, desk):
        client.post(f"/api/v1/signatories/{request['id']}/approve", headers=_auth(desk, "root"))

    def names(query: str) -> list[str]:
        page = client.get(f"/nl/signatories{query}").text
        parse_strict(page)
        return [
            n
            for n in ("Stad Gent", "Gentse Feesten vzw", "Radio Namur", "100% Media_Lab")
            if html_lib.escape(n) in page
        ]

    assert names("") == ["Stad Gent", "Gentse Feesten vzw", "Radio Namur", "100% Media_Lab"]
    assert names("?q=gent") == ["Stad Gent", "Gentse Feesten vzw"]
    assert names("?q=GENT&type=ngo") == ["Gentse Feesten vzw"]
    assert names("?type=media") == ["Radio Namur", "100% Media_Lab"]
    assert names("?q=%25") == ["100% Media_Lab"]  # LIKE wildcards are matched literally
    assert names("?q=medi_") == []  # "_" is no wildcard either
    empty = client.get("/nl/signatories?q=nergens").text
    assert "Gevonden organisaties: 0" in empty and "Geen enkele ondertekenaar" in empty
    assert 'value="nergens"' in empty  # the search box keeps what was typed


def test_invalid_form_shows_errors_and_keeps_what_was_typed(client: Any, desk: Desk) -> None:
    response = join(
        client,
        "en",
        name="  ",
        type="castle",
        website="not a site",
        email="nobody@home",
        files={"logo": ("logo.txt", b"hello, this is not an image", "image/png")},
    )
    assert response.status_code == 422
    page = response.text
    parse_strict(page)
    assert 'value="not a site"' in page and 'value="nobody@home"' in page
    assert page.count('aria-invalid="true"') == 5
    for message in (
        "this field is required",
        "choose one of the kinds in the list",
        "this is not a web address",
        "this is not an e-mail address",
        "the logo must be a PNG, JPEG or WebP image",
    ):
        assert message in page
    assert 'href="#email"' in page and 'id="email-error"' in page  # the summary links to each field
    assert "choose the logo again" in page
    assert _pending(client, desk) == []


def test_typed_type_is_kept_when_another_field_is_wrong(client: Any) -> None:
    page = join(client, "de", name="Eupen Stadt", type="city", email="").text
    assert '<option value="city" selected>' in page and 'value="Eupen Stadt"' in page
    assert "dieses Feld ist erforderlich" in page


def test_honeypot_pretends_success_and_stores_nothing(client: Any, desk: Desk) -> None:
    response = join(client, "en", fax="buy cheap pills")
    assert response.status_code == 303 and response.headers["location"] == "/en/join?sent=1"
    assert _pending(client, desk) == []
    form = client.get("/en/join").text
    hp = form[form.index('<div class="hp"') :]
    assert hp.startswith('<div class="hp" aria-hidden="true">') and 'tabindex="-1"' in hp.split("</div>")[0]


def test_csrf_token_is_required(client: Any, desk: Desk) -> None:
    csrf_of(client)
    forged = join(client, "en", token="forged-token-from-another-site", name="Forged org")
    assert forged.status_code == 403
    assert 'value="Forged org"' in forged.text and "The form had expired" in forged.text
    client.cookies.clear()
    no_cookie = client.post("/en/join", data={"name": "X", "csrf": "x" * 43}, follow_redirects=False)
    assert no_cookie.status_code == 403
    assert _pending(client, desk) == []


def test_rate_limit_per_client(client: Any, desk: Desk) -> None:
    for i in range(service.RATE_LIMIT):
        assert join(client, "en", name=f"Org {i}").status_code == 303
    refused = join(client, "en", name="One too many")
    assert refused.status_code == 429
    assert 'value="One too many"' in refused.text and "Too many requests" in refused.text
    assert len(_pending(client, desk)) == service.RATE_LIMIT


def test_rate_limit_is_counted_in_the_database(desk: Desk) -> None:
    def form(n: int) -> JoinRequest:
        # A name each: the same organisation and e-mail again is one request (issue 12), not a new one.
        return JoinRequest(name=f"Org {n}", type="company", website="example.be", email="a@example.be", language="nl")

    for n in range(service.RATE_LIMIT):
        service.submit_join(desk.store, form(n), client="203.0.113.7")
    with pytest.raises(RateLimited):
        service.submit_join(desk.store, form(99), client="203.0.113.7")
    service.submit_join(desk.store, form(100), client="203.0.113.8")  # another client is not held back
    with desk.store.session() as s:
        from hierniet.store.tables import Signatory

        hashes = {row.client_hash for row in s.query(Signatory)}
    assert "203.0.113.7" not in str(hashes) and len(hashes) == 2  # hashed, never the address itself


def test_logo_is_stored_and_served_only_once_approved(client: Any, desk: Desk) -> None:
    image = png()
    assert join(client, "en", name="Logo org", files={"logo": ("logo.png", image, "image/png")}).status_code == 303
    [request] = _pending(client, desk)
    assert request["has_logo"] is True
    assert client.get(f"/site-assets/logos/{request['id']}").status_code == 404  # pending: not served
    client.post(f"/api/v1/signatories/{request['id']}/approve", headers=_auth(desk, "root"))
    served = client.get(f"/site-assets/logos/{request['id']}")
    assert served.status_code == 200 and served.content == image and served.headers["content-type"] == "image/png"
    assert f'src="/site-assets/logos/{request["id"]}"' in client.get("/en/signatories").text


def test_too_large_logo_is_refused(client: Any, desk: Desk) -> None:
    big = png() + b"\x00" * service.MAX_LOGO_BYTES
    response = join(client, "en", files={"logo": ("big.png", big, "image/png")})
    assert response.status_code == 422 and "the logo is too large" in response.text
    assert _pending(client, desk) == []


def test_validation_in_the_service() -> None:
    with pytest.raises(JoinError) as caught:
        service.validate_join(JoinRequest(name="x" * 201, type="", website="ftp://x.be", email="a@b", language="es"))
    assert caught.value.errors == {
        "name": "too_long",
        "type": "required",
        "website": "bad_url",
        "email": "bad_email",
        "language": "bad_language",
    }
    assert "website is not a web address" in str(caught.value)
    clean = service.validate_join(
        JoinRequest(name=" Stad   Gent ", type="city", website="stad.gent/nl", email="info@stad.gent")
    )
    assert clean.name == "Stad Gent" and clean.website == "https://stad.gent/nl"
    assert service.logo_type(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert service.logo_type(b"<svg xmlns='http://www.w3.org/2000/svg'/>") is None


def test_only_admins_of_every_organisation_decide(client: Any, desk: Desk) -> None:
    join(client, "en")
    [request] = _pending(client, desk)
    for who in ("moderator", "lead", "admin"):  # "admin" administers one organisation only
        assert client.get("/api/v1/signatories", headers=_auth(desk, who)).status_code == 403
        refused = client.post(f"/api/v1/signatories/{request['id']}/approve", headers=_auth(desk, who))
        assert refused.status_code == 403
    assert client.get("/api/v1/signatories").status_code == 401
    with pytest.raises(Forbidden):
        service.approve(desk.store, desk.actors["admin"], request["id"])


def test_reject_keeps_the_reason_and_a_decided_request_cannot_be_decided_again(client: Any, desk: Desk) -> None:
    join(client, "en", name="Spammy")
    [request] = _pending(client, desk)
    rejected = client.post(
        f"/api/v1/signatories/{request['id']}/reject",
        headers=_auth(desk, "root"),
        json={"reason": "not an organisation"},
    )
    assert rejected.status_code == 200
    assert rejected.json()["status"] == "rejected" and rejected.json()["decision_reason"] == "not an organisation"
    again = client.post(f"/api/v1/signatories/{request['id']}/approve", headers=_auth(desk, "root"))
    assert again.status_code == 409 and "already rejected" in again.json()["detail"]
    with pytest.raises(Conflict):
        service.reject(desk.store, desk.actors["root"], request["id"])
    assert "Spammy" not in client.get("/en/signatories").text
    listed = client.get("/api/v1/signatories?status=rejected", headers=_auth(desk, "root")).json()
    assert [r["name"] for r in listed] == ["Spammy"]
    assert client.post("/api/v1/signatories/999/approve", headers=_auth(desk, "root")).status_code == 404
    assert client.get("/api/v1/signatories?status=nope", headers=_auth(desk, "root")).status_code == 422


def test_a_huge_post_is_refused_unread(client: Any, desk: Desk) -> None:
    huge = b"\x00" * (service.MAX_LOGO_BYTES * 10 + 1)
    response = join(client, "en", files={"logo": ("huge.png", huge, "image/png")})
    assert response.status_code == 413 and "the logo is too large" in response.text
    assert _pending(client, desk) == []
