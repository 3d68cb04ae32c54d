"""The desk's languages and dates in Chromium (issue 12, items 2, 5 and 14), at 1366 px and at 390 px:

- an en-US browser reads and writes dates the Belgian way (06/12/2026 13:00): the date filters are text
  fields the browser does not reformat, its own validation accepts dd/mm/yyyy, and the queue keeps them so;
- a German browser gets the German desk, with the policy's reasons in German and the reply signed with
  the organisation's name.

Screenshots of each scenario and width go to test-artifacts/.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from hierniet.services.auth import CLI_ACTOR
from hierniet.services.ingest import ingest
from seed import SeedTriage
from store.dbfixtures import item

from .conftest import LiveServer, open_filters

VIEWPORTS: dict[str, dict[str, int]] = {"1366": {"width": 1366, "height": 900}, "390": {"width": 390, "height": 844}}
_BELGIAN = re.compile(r"^\d{2}/\d{2}/\d{4} \d{2}:\d{2}$")


def _sign_in(page: Any, server: LiveServer, name_label: str = "Name", password_label: str = "Password") -> None:
    page.goto(server.at("/desk/login"))
    page.get_by_label(name_label, exact=True).fill(server.users["lead"])
    page.get_by_label(password_label, exact=True).fill(server.password)
    page.get_by_label(password_label, exact=True).press("Enter")
    page.wait_for_url(server.at("/desk/"))


def _valid(field: Any) -> bool:
    return bool(field.evaluate("el => el.checkValidity()"))


@pytest.mark.parametrize("width", sorted(VIEWPORTS))
def test_belgian_dates_in_an_en_us_browser(page: Any, live_server: LiveServer, artifacts: Path, width: str) -> None:
    server = live_server
    page.set_viewport_size(VIEWPORTS[width])
    _sign_in(page, server)
    page.goto(server.at("/desk/?status=any"))
    open_filters(page)
    since, until = page.locator("#f-since"), page.locator("#f-until")
    # Text fields: an <input type=date> would show mm/dd/yyyy to this en-US browser whatever the page says.
    assert since.get_attribute("type") == "text" and until.get_attribute("type") == "text"
    assert "dd/mm/yyyy" in page.locator("label[for=f-since]").inner_text()
    # The browser's own check of the field (the pattern, compiled with the v flag) takes a Belgian day...
    since.fill("2/3/2026")
    assert _valid(since)
    since.fill("02/03/2026")
    until.fill("03/03/2026")
    assert _valid(since) and _valid(until)
    # ... and refuses what is no day, before the form is sent.
    until.fill("3 March")
    assert not _valid(until)
    until.fill("3/3/2026")
    page.get_by_role("button", name="Apply the filters").click()
    page.wait_for_url(re.compile(r"since=02%2F03%2F2026"))
    # The fields show the days as Belgium writes them, the one typed as 3/3/2026 too.
    assert since.input_value() == "02/03/2026" and until.input_value() == "03/03/2026"
    shown = {int(t.split("#")[1].split()[0]) for t in page.locator("a.comment-link").all_inner_texts()}
    assert shown == {server.comments["ins1"], server.comments["ins2"]}
    times = [t.strip() for t in page.locator("table time").all_inner_texts()]
    assert times and all(_BELGIAN.match(t) for t in times), times
    assert "02/03/2026 13:00" in times  # 12:00 UTC is 13:00 in Brussels
    assert not re.search(r"\b[AP]M\b", page.locator("main").inner_text())
    page.screenshot(path=str(artifacts / f"desk-i18n-dates-en-{width}.png"), full_page=True)

    # A day that is no day is said at the top, in the page's words, and the filter keeps what was typed.
    page.goto(server.at("/desk/?status=any&since=31/02/2026"))
    assert "Posted from must be a date (DD/MM/YYYY)." in page.locator("#alerts").inner_text()
    assert since.input_value() == "31/02/2026"


@pytest.mark.parametrize("width", sorted(VIEWPORTS))
def test_a_german_browser_gets_the_german_desk(
    browser: Any, live_server: LiveServer, artifacts: Path, width: str
) -> None:
    server = live_server
    context = browser.new_context(locale="de-DE", viewport=VIEWPORTS[width])
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto(server.at("/desk/login"))
        assert page.locator("html").get_attribute("lang") == "de"
        assert "Beim Moderationsdesk anmelden" in page.locator("main").inner_text()
        _sign_in(page, server, "Name", "Passwort")
        assert "Warteschlange" in page.locator("h1").inner_text()
        assert page.locator("#language-switch option[value=de]").inner_text() == "Deutsch"
        page.goto(server.at(f"/desk/comments/{server.comments['ins1']}"))
        main = page.locator("main").inner_text()
        assert "Der erste Schritt der Richtlinie ist" in main, main
        assert "Empfohlener Schritt:" in main
        assert "the policy's first step" not in main and "first_step" not in main
        times = [t.strip() for t in page.locator("main time").all_inner_texts()]
        assert times and all(_BELGIAN.match(t) for t in times), times
        page.screenshot(path=str(artifacts / f"desk-i18n-comment-de-{width}.png"), full_page=True)
        # A reply to criticism is signed with the organisation's name, not the default policy's placeholder.
        result = ingest(
            server.store,
            SeedTriage(),
            [item("crit1", "criticism: de tram is weer te laat", channel_id=server.channel_id, day=6)],
            actor=CLI_ACTOR,
        )
        page.goto(server.at(f"/desk/comments/{result.created[0].comment_id}"))
        reply = page.locator("#reply").input_value()
        assert reply.rstrip().endswith("Stad Gent") and "Our organisation" not in reply, reply
        # The person's own choice of language wins over the browser's, and is kept.
        page.locator("#language-switch").select_option("fr")
        page.get_by_role("button", name="Wechseln").click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "fr"
        assert "la première étape de la politique est" in page.locator("main").inner_text()
    finally:
        context.close()
