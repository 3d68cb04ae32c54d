"""Browser tests: the app served by uvicorn on a free local port, driven by Playwright in Debian's Chromium.

Fixtures for any page of the app (the desk, the public charter site):

- `live_server`: a fresh server per test on its own temporary SQLite database, migrated and seeded with an
  organisation, a Facebook channel, one person per role with a password (`live_server.users`) and a few
  triaged comments (`live_server.comments`, ids by key). It exposes `.url`, `.store`, `.settings` and
  `.app`; add what a test needs through `.store`.
- `browser`: one Chromium for the session, launched from /usr/bin/chromium (never downloaded: no
  `playwright install`); the tests are skipped, saying why, when Chromium or Playwright is missing.
- `page`: a fresh browser context and page per test (English, 1280x900), closed afterwards.
- `artifacts`: the folder test-artifacts/ at the repository root, for screenshots.

Checks any browser test can use (issue 12), as plain functions and as fixtures:

- `VIEWPORTS`: the two widths every desk scenario runs at (a laptop, 1366x900, and a phone, 390x844), by
  name; `PHONE` is the phone's.
- `sign_in(page, server, role)`: the desk's sign-in form, as that role's person of `live_server`.
- `axe_check(page)`: axe-core (bundled in axe-playwright-python, MPL-2.0: nothing downloaded) on the page as it
  is now; fails on any serious or critical violation, naming the rule and the elements.
- `assert_no_overflow(page)`: nothing sticks out to the right of the viewport, so there is no horizontal
  scroll and no text is cut off (`document.scrollingElement.scrollWidth` <= the viewport's width, and every
  visible element ends inside it, except inside a box that scrolls on its own).
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from hierniet.settings import Settings
from hierniet.store import repo, repo_desk
from hierniet.store.db import make_engine
from hierniet.store.migrate import upgrade
from hierniet.store.repo import Store
from seed import PASSWORD, SeedTriage, password_hash, seed_comments


@dataclass
class LiveServer:
    url: str
    store: Store
    settings: Settings
    app: Any
    users: dict[str, str] = field(default_factory=dict)  # role -> user name (password: PASSWORD)
    comments: dict[str, int] = field(default_factory=dict)
    organisation_id: int = 0
    channel_id: int = 0
    password: str = PASSWORD

    def at(self, path: str) -> str:
        return self.url + path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def _migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("live-template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


def _seed(store: Store) -> tuple[dict[str, str], dict[str, int], int, int]:
    with store.transaction() as tx:
        org = repo.add_organisation(tx, slug="stad-gent", name="Stad Gent", policy_yaml=None)
        channel = repo.add_channel(
            tx,
            organisation_id=org.id,
            platform="facebook",
            external_id="stadgent",
            name="Stad Gent",
            policy_yaml=None,
            credentials_ref=None,
        )
        users = {}
        for role in ("moderator", "lead", "admin"):
            user = repo.add_user(tx, name=f"{role}1", role=role, organisation_id=org.id)
            repo_desk.set_password_hash(tx, user.id, password_hash())
            users[role] = user.name
    return users, seed_comments(store, channel.id), org.id, channel.id


@pytest.fixture
def live_server(tmp_path: Path, _migrated_template: Path) -> Iterator[LiveServer]:
    import uvicorn

    from hierniet.web.app import create_app

    path = tmp_path / "live.db"
    shutil.copyfile(_migrated_template, path)
    url = f"sqlite:///{path}"
    store = Store(make_engine(url))
    users, comments, organisation_id, channel_id = _seed(store)
    settings = Settings(database_url=url, secret_key="live-server-test-secret-" + "x" * 32)  # type: ignore[arg-type]
    app = create_app(settings, store=store, triage=SeedTriage())
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, name=f"live-server-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the live server did not start on port {port}")
        time.sleep(0.02)
    try:
        yield LiveServer(
            url=f"http://127.0.0.1:{port}",
            store=store,
            settings=settings,
            app=app,
            users=users,
            comments=comments,
            organisation_id=organisation_id,
            channel_id=channel_id,
        )
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        store.dispose()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


# --- checks shared by the browser tests (issue 12) ------------------------------------------------------

#: The widths each desk scenario runs at: a laptop and a phone (an iPhone 12-15's CSS pixels).
VIEWPORTS: dict[str, dict[str, int]] = {
    "1366": {"width": 1366, "height": 900},
    "390": {"width": 390, "height": 844},
}
PHONE = VIEWPORTS["390"]
#: The impacts a desk page may not have (axe's minor and moderate findings are reported, not failed on).
AXE_FAILS_ON = ("serious", "critical")


def sign_in(page: Any, server: LiveServer, role: str = "moderator") -> None:
    """Sign in through the desk's form as `role`'s person; ends on the queue."""
    page.goto(server.at("/desk/login"))
    page.locator("#name").fill(server.users[role])
    page.locator("#password").fill(server.password)
    with page.expect_navigation():
        page.locator("#password").press("Enter")
    assert page.url == server.at("/desk/"), f"signing in as {role} ended on {page.url}"


def axe_violations(page: Any, impacts: Sequence[str] = AXE_FAILS_ON) -> list[dict[str, Any]]:
    """axe-core's violations of the page as it is now, of the given impacts."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [v for v in results.response["violations"] if v["impact"] in impacts]


def describe_violations(violations: Sequence[dict[str, Any]]) -> str:
    return "; ".join(
        f"{v['id']} ({v['impact']}: {v['help']}) at {[n['target'] for n in v['nodes']][:4]}" for v in violations
    )


def check_axe(page: Any) -> None:
    violations = axe_violations(page)
    assert not violations, f"{page.url}: {describe_violations(violations)}"


# Every visible element whose right edge passes the viewport's, unless a box that scrolls or clips on its
# own holds it (then that box is what the check sees). Returns the widest offenders, described.
_OVERFLOWING_JS = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || box.right <= width + 1) continue;
    let held = false;
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      const ox = getComputedStyle(up).overflowX;
      if (ox !== 'visible') { held = true; break; }
    }
    const style = getComputedStyle(el);
    if (held || style.visibility === 'hidden' || style.position === 'fixed') continue;
    const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
      + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
    out.push([Math.round(box.right), name]);
  }
  out.sort((a, b) => b[0] - a[0]);
  return out.slice(0, 6);
}"""


def open_filters(page: Any) -> None:
    """On a phone the queue's filters fold away (desk.js): open them, as a person taps "Filters"."""
    fold = page.locator("#filters-title button.fold-button")
    if fold.count() and fold.get_attribute("aria-expanded") == "false":
        fold.click()


def check_no_overflow(page: Any) -> None:
    viewport = int(page.evaluate("document.documentElement.clientWidth"))
    scroll_width = int(page.evaluate("document.scrollingElement.scrollWidth"))
    offenders = page.evaluate(_OVERFLOWING_JS)
    assert scroll_width <= viewport and not offenders, (
        f"{page.url} is {scroll_width}px wide in a {viewport}px viewport; sticking out (right edge, element): "
        f"{offenders}"
    )


@pytest.fixture
def axe_check() -> Callable[[Any], None]:
    """`axe_check(page)`: fails on a serious or critical axe-core violation of the page as it is now."""
    return check_axe


@pytest.fixture
def assert_no_overflow() -> Callable[[Any], None]:
    """`assert_no_overflow(page)`: fails when the page scrolls sideways or an element sticks out."""
    return check_no_overflow
