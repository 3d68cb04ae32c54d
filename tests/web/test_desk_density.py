"""The queue's density switch (issue 12): comfortable or compact rows, kept in the person's preferences.

How many rows each density fits on a screen is measured in a real browser (tests/browser/test_phone.py);
these tests hold the switch itself: the form, what is stored and audited, and bad input.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from hierniet.services import desk
from hierniet.store.tables import AuditEntry, User

from . import desk_fixtures
from .desk_fixtures import NAMES, Pages, text_of

pages = desk_fixtures.pages


def _stored(pages: Pages, role: str = "moderator") -> dict[str, Any]:
    with pages.desk.store.session() as s:
        prefs = s.scalar(select(User.preferences).where(User.name == NAMES[role]))
    # The queue's remembered filter lives in the same preferences (hierniet.services.saved_filters).
    return {k: v for k, v in (prefs or {}).items() if k != "queue_filter"}


def _audited(pages: Pages) -> list[dict[str, Any]]:
    with pages.desk.store.session() as s:
        rows = s.scalars(select(AuditEntry).where(AuditEntry.action == "user.preferences").order_by(AuditEntry.id))
        return [dict(e.detail) for e in rows]


def test_the_queue_starts_comfortable_with_a_switch(pages: Pages) -> None:
    r = pages.login("moderator")
    assert 'class="queue-layout density-comfortable"' in r.text
    assert '<form method="post" action="/desk/density"' in r.text
    assert 'value="comfortable" aria-pressed="true"' in r.text
    assert 'value="compact" aria-pressed="false"' in r.text
    assert "Rows: comfortable compact" in text_of(r.text)


def test_compact_is_remembered_for_the_person_and_audited(pages: Pages) -> None:
    pages.login("moderator")
    r = pages.post("/desk/density", {"density": "compact", "next": "/desk/?label=insult"})
    assert r.status_code == 200 and r.url.path == "/desk/" and r.url.query == b"label=insult"
    assert 'class="queue-layout density-compact"' in r.text
    assert 'value="compact" aria-pressed="true"' in r.text
    assert _stored(pages) == {"shield": "blur", "density": "compact"}
    assert _audited(pages) == [{"shield": "blur", "density": "compact"}]

    # Another sign-in (another device) finds it; saving the other settings keeps it.
    pages.logout()
    r = pages.login("moderator")
    assert "density-compact" in r.text
    pages.get("/desk/settings")
    pages.post("/desk/settings", {"shield": "mask", "locale": ""})
    assert _stored(pages) == {"shield": "mask", "density": "compact"}
    # It is this person's: the lead still has comfortable rows.
    pages.logout()
    assert "density-comfortable" in pages.login("lead").text


def test_an_unknown_density_is_refused_and_changes_nothing(pages: Pages) -> None:
    pages.login("moderator")
    pages.post("/desk/density", {"density": "compact"})
    r = pages.post("/desk/density", {"density": "tiny", "next": "/desk/?status=any"})
    assert r.url.path == "/desk/" and r.url.query == b"status=any"
    assert "Choose comfortable or compact rows." in text_of(r.text)
    assert _stored(pages)["density"] == "compact"
    # Somewhere outside the desk is no place to go back to.
    r = pages.post("/desk/density", {"density": "comfortable", "next": "https://elsewhere.example/"})
    assert r.url.path == "/desk/" and "density-comfortable" in r.text


def test_the_switch_needs_a_signed_in_person_and_the_form_token(pages: Pages) -> None:
    r = pages.post("/desk/density", {"density": "compact"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/desk/login")
    pages.login("moderator")
    r = pages.post("/desk/density", {"density": "compact"}, csrf=False)
    assert r.status_code == 403
    assert "density" not in _stored(pages)


def test_stored_values_are_read_with_defaults() -> None:
    assert desk.read_preferences({"density": "compact"}).density == "compact"
    assert desk.read_preferences({"density": "huge"}) == desk.read_preferences(None) == desk.Preferences()
    assert desk.read_preferences({"shield": "mask"}) == desk.Preferences(shield="mask", density="comfortable")


def test_the_settings_page_offers_the_density_too(pages: Pages) -> None:
    pages.login("moderator")
    r = pages.get("/desk/settings")
    assert 'id="density-comfortable" name="density" value="comfortable" checked' in r.text
    assert "Rows of the queue comfortable compact" in text_of(r.text)
    r = pages.post("/desk/settings", {"shield": "blur", "density": "compact", "locale": ""})
    assert 'id="density-compact" name="density" value="compact" checked' in r.text
    assert _stored(pages) == {"shield": "blur", "density": "compact"}
    r = pages.post("/desk/settings", {"shield": "blur", "density": "tiny", "locale": ""})
    assert r.status_code == 422 and "unknown density of the queue" in r.text
    assert _stored(pages)["density"] == "compact"
