"""Every desk page, as every role that may see it, on a laptop (1366x900) and on a phone (390x844): no
serious or critical axe-core violation, nothing wider than the phone's screen, a screenshot of each.

The pages are not listed by hand: they are the GET routes under /desk that the app's router serves, so a
page added later is visited without touching this file. A path parameter takes an id from the live server's
seeded data (`PATH_VALUES`); a route with a parameter this file cannot fill fails the test until it is given
a value there or a reason in `NOT_VISITED`, so no page drops out of the check unnoticed.

A response that is not an HTML page (the author's JSON export) is fetched and checked for its status only.
Screenshots: test-artifacts/a11y-<role>-<page>-<width>.png.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

import raids_seed
from crisis.crisis_fixtures import WordReader
from hierniet.services import crisis as crisis_service
from hierniet.services import desk, raids
from hierniet.services.auth import CLI_ACTOR, Actor, Role
from hierniet.services.ingest import ingest
from hierniet.store import repo, repo_desk
from hierniet.store.tables import Comment, User
from hierniet.web.desk.context import PREFIX
from hierniet.web.site.content import LANGUAGES, PAGES
from hierniet.web.site.routes import page_path
from security.app_routes import app_routes
from store.dbfixtures import FakeTriage

from .conftest import PHONE, VIEWPORTS, LiveServer, axe_violations, check_no_overflow, describe_violations, sign_in

#: The people who visit: nobody signed in, then each role; "admin-all" is an admin of every organisation
#: (the only one who sees the charter's join requests).
ROLES = ("anonymous", "moderator", "lead", "admin", "admin-all")

#: Routes deliberately not visited, with the reason (none today: every GET page of the desk is visited).
NOT_VISITED: dict[str, str] = {}

_PARAM = re.compile(r"{([^}:]+)(?::[^}]*)?}")


@dataclass
class Seeded:
    """What the path parameters are filled with."""

    server: LiveServer
    values: dict[str, str] = field(default_factory=dict)


#: How each path parameter of a desk route is filled from the seeded data (by the parameter's name).
PATH_VALUES: dict[str, Callable[[Seeded], str]] = {
    # The threat: severe, so the page shows it shielded.
    "comment_id": lambda s: str(s.server.comments["thr1"]),
    "author_id": lambda s: s.values["author_id"],
    "channel_id": lambda s: str(s.server.channel_id),
    "organisation_id": lambda s: str(s.server.organisation_id),
    "user_id": lambda s: s.values["user_id"],
    "signatory_id": lambda s: s.values["signatory_id"],
    "slug": lambda s: "stad-gent",
    "crisis_id": lambda s: s.values["crisis_id"],
    "raid_id": lambda s: s.values["raid_id"],
}


def desk_get_routes(app: Any) -> list[str]:
    """The path templates of every GET route under /desk that the app serves (static files excluded)."""
    return sorted(
        {
            path
            for method, path in app_routes(app)
            if method == "GET"
            and (path == PREFIX or path.startswith(PREFIX + "/"))
            and not path.startswith(f"{PREFIX}/static/")
        }
    )


def fill(path: str, seeded: Seeded) -> str | None:
    """The path with its parameters filled in; None when a parameter has no value here."""
    out = path
    for name in _PARAM.findall(path):
        make = PATH_VALUES.get(name)
        if make is None:
            return None
        out = _PARAM.sub(make(seeded), out, count=1)
    return out


def _seed_more(server: LiveServer) -> Seeded:
    """An admin of every organisation, a decision, a join request: so each page has something to show."""
    seeded = Seeded(server)
    with server.store.transaction() as tx:
        everyone = repo.add_user(tx, name="admin-all", role="admin", organisation_id=None)
        moderator = repo.user_by_name(tx, server.users["moderator"])
        assert moderator is not None
        repo_desk.set_password_hash(tx, everyone.id, _hash_of(tx, moderator.id))
        signatory = repo.add_signatory(
            tx,
            name="Gemeente Voorbeeld",
            kind="city",
            website="https://www.voorbeeld.be",
            contact_email="info@voorbeeld.be",
            language="nl",
            client_hash="0" * 64,
        )
        seeded.values.update(user_id=str(moderator.id), signatory_id=str(signatory.id))
    server.users["admin-all"] = "admin-all"
    with server.store.session() as s:
        author_id = s.scalar(select(Comment.author_id).where(Comment.id == server.comments["thr1"]))
    seeded.values["author_id"] = str(author_id)
    person = desk.desk_user(server.store, int(seeded.values["user_id"]))
    assert person is not None
    desk.decide(server.store, person.actor, server.comments["ins1"], "accept")
    seeded.values["crisis_id"] = str(_seed_crisis(server))
    seeded.values["raid_id"] = str(_seed_raid(server))
    return seeded


def _seed_raid(server: LiveServer) -> int:
    """A raid found by the real detector on a brigade's comments (issue 14)."""
    start = datetime(2026, 11, 3, 20, 0, tzinfo=UTC)
    ingest(server.store, FakeTriage(), raids_seed.brigade(server.channel_id, "a11y-post", start), actor=CLI_ACTOR)
    (raid_id,) = raids.run_detection(server.store, start + timedelta(hours=1)).new
    return raid_id


def _seed_crisis(server: LiveServer) -> int:
    """A crisis board with a waiting request, a pair to confirm and an offer (issue 15)."""
    lead = Actor(None, "a11y", Role.ADMIN, server.organisation_id)
    crisis = crisis_service.open_crisis(
        server.store, lead, name="Storm", registration_url="https://hasselthelpt.example/register"
    )
    texts = [
        "Wij zoeken dringend onderdak voor 4 personen in Hasselt, bel 0471 12 34 56",
        "Need a lift from Kiewit to Hasselt station for 3 people",
        "We offer free transport with our van from Genk to Hasselt tonight",
        "Gratis gsm opladen bij ons in de Kapelstraat in Hasselt",
    ]
    posts = [crisis_service.CrisisPostIn(external_id=str(i), text=t) for i, t in enumerate(texts)]
    crisis_service.add_posts(server.store, lead, crisis.id, posts, WordReader())
    return crisis.id


def _hash_of(tx: Any, user_id: int) -> str:
    value = tx.scalar(select(User.password_hash).where(User.id == user_id))
    assert isinstance(value, str)
    return value


def _slug(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.removeprefix(PREFIX).lower()).strip("-") or "queue"


def test_every_desk_page_is_enumerated(live_server: LiveServer) -> None:
    """The enumeration sees the pages this file was written against, and can fill each one's parameters."""
    paths = desk_get_routes(live_server.app)
    for expected in ("/desk/", "/desk/login", "/desk/comments/{comment_id}", "/desk/settings", "/desk/audit"):
        assert expected in paths, paths
    assert not any(p.startswith(f"{PREFIX}/static") for p in paths)
    seeded = _seed_more(live_server)
    unfilled = [p for p in paths if fill(p, seeded) is None and p not in NOT_VISITED]
    assert not unfilled, (
        f"desk pages with a path parameter this test cannot fill: {unfilled}. Add the parameter to PATH_VALUES "
        "in tests/browser/test_a11y.py (an id from the seeded data), or the route to NOT_VISITED with the reason."
    )


@dataclass
class Visit:
    path: str
    outcome: str  # "checked", or why the page was not checked for this role


@pytest.mark.parametrize("width", list(VIEWPORTS))
@pytest.mark.parametrize("role", ROLES)
def test_desk_pages_are_accessible(
    browser: Any, live_server: LiveServer, artifacts: Path, role: str, width: str
) -> None:
    server = live_server
    seeded = _seed_more(server)
    viewport = VIEWPORTS[width]
    context = browser.new_context(locale="en-US", viewport=viewport)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        if role != "anonymous":
            sign_in(page, server, role)
        visits: list[Visit] = []
        failures: list[str] = []
        seen: set[str] = set()
        for template in desk_get_routes(server.app):
            if template in NOT_VISITED:
                visits.append(Visit(template, f"not visited: {NOT_VISITED[template]}"))
                continue
            path = fill(template, seeded)
            if path is None:
                failures.append(f"{template}: a path parameter has no value (see PATH_VALUES)")
                continue
            response = page.request.get(server.at(path), max_redirects=0)
            status = response.status
            location = response.headers.get("location", "")
            if status in (401, 403, 404) or (300 <= status < 400 and "/desk/login" in location):
                visits.append(Visit(path, f"not for {role} ({status})"))
                continue
            if status >= 400:
                failures.append(f"{path}: answered {status} to {role}")
                continue
            if status == 200 and "text/html" not in response.headers.get("content-type", ""):
                visits.append(Visit(path, f"not a page ({response.headers.get('content-type')})"))
                continue
            page.goto(server.at(path))
            final = page.url.removeprefix(server.url)
            if final in seen:  # a redirect to a page already checked (/desk -> /desk/)
                visits.append(Visit(path, f"the same page as {final}"))
                continue
            seen.add(final)
            failures.extend(_check_page(page, final, viewport))
            page.screenshot(path=str(artifacts / f"a11y-{role}-{_slug(final)}-{width}.png"), full_page=True)
            visits.append(Visit(final, "checked"))
        # The error page every role meets for a comment that does not exist.
        page.goto(server.at(f"{PREFIX}/comments/999999"))
        failures.extend(_check_page(page, "the not-found page", viewport))
        page.screenshot(path=str(artifacts / f"a11y-{role}-not-found-{width}.png"), full_page=True)
    finally:
        context.close()
    report = "; ".join(f"{v.path}: {v.outcome}" for v in visits)
    assert not failures, "\n".join(failures) + f"\n(visited: {report})"
    checked = {v.path for v in visits if v.outcome == "checked"}
    if role == "anonymous":
        assert checked == {"/desk/login"}, report
    else:
        assert {"/desk/", "/desk/settings", f"/desk/comments/{server.comments['thr1']}"} <= checked, report


def _check_page(page: Any, name: str, viewport: dict[str, int]) -> list[str]:
    problems = []
    violations = axe_violations(page)
    if violations:
        problems.append(f"{name}: {describe_violations(violations)}")
    if viewport == PHONE:
        try:
            check_no_overflow(page)
        except AssertionError as exc:
            problems.append(str(exc))
    return problems


@pytest.mark.parametrize("width", list(VIEWPORTS))
def test_desk_states_are_accessible(browser: Any, live_server: LiveServer, artifacts: Path, width: str) -> None:
    """States a page reaches after loading: a filter error, compact rows, the shortcuts dialog, a reveal."""
    server = live_server
    viewport = VIEWPORTS[width]
    context = browser.new_context(locale="en-US", viewport=viewport)
    context.set_default_timeout(15_000)
    page = context.new_page()
    failures: list[str] = []
    try:
        sign_in(page, server, "lead")
        page.goto(server.at("/desk/?author=someone"))
        page.get_by_role("alert").filter(has_text="number").first.wait_for()
        failures.extend(_check_page(page, "the queue with a filter error", viewport))
        page.screenshot(path=str(artifacts / f"a11y-state-filter-error-{width}.png"), full_page=True)

        with page.expect_navigation():
            page.get_by_role("button", name="compact").click()
        failures.extend(_check_page(page, "the compact queue", viewport))
        page.screenshot(path=str(artifacts / f"a11y-state-compact-{width}.png"), full_page=True)

        page.goto(server.at(f"/desk/comments/{server.comments['hate1']}"))
        page.keyboard.press("?")
        page.locator("#help").wait_for()
        failures.extend(_check_page(page, "the shortcuts dialog", viewport))
        page.screenshot(path=str(artifacts / f"a11y-state-help-{width}.png"))
        page.keyboard.press("Escape")

        page.get_by_role("button", name="Reveal").click()
        page.locator("#status", has_text="revealed").wait_for()
        failures.extend(_check_page(page, "a revealed comment", viewport))
        page.screenshot(path=str(artifacts / f"a11y-state-revealed-{width}.png"), full_page=True)
    finally:
        context.close()
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("width", list(VIEWPORTS))
def test_site_pages_are_accessible(browser: Any, live_server: LiveServer, artifacts: Path, width: str) -> None:
    """The public charter site in every language at both widths (tests/site checks it at 390 px in depth)."""
    viewport = VIEWPORTS[width]
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    failures: list[str] = []
    try:
        for lang in LANGUAGES:
            for name in PAGES:
                page.goto(live_server.at(page_path(lang, name)))
                failures.extend(_check_page(page, page_path(lang, name), viewport))
                if lang == "nl":
                    page.screenshot(path=str(artifacts / f"a11y-site-{name}-{width}.png"), full_page=True)
    finally:
        context.close()
    assert not failures, "\n".join(failures)
