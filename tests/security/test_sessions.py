"""Issue 11, findings 6 and 7: signing out ends the session (a cookie copied before stops working), and the
sign-in throttle counts per (name, address) with growing waits, in the database every process shares
(SQLite and PostgreSQL).
"""

from __future__ import annotations

import warnings
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import func, select

from hierniet.services import admin
from hierniet.services.auth import CLI_ACTOR
from hierniet.services.signin_throttle import FORGET_AFTER, LONGEST_WAIT, StoreThrottle, wait_after
from hierniet.store.repo import Store
from hierniet.store.tables import AuditEntry, SignInAttempt
from seed import PASSWORD
from store import dbfixtures
from web import desk_fixtures
from web.desk_fixtures import Pages, make_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

database = dbfixtures.database
store = dbfixtures.store
desk = dbfixtures.desk
pages = desk_fixtures.pages


def _stolen_copy(pages: Pages) -> TestClient:
    """A second client holding a copy of the signed-in session cookie (what a thief would replay)."""
    thief = TestClient(pages.client.app, base_url="https://testserver")
    for cookie in pages.client.cookies.jar:
        thief.cookies.set(cookie.name, cookie.value or "", domain=cookie.domain, path=cookie.path)
    return thief


def _reads_the_desk(client: TestClient) -> bool:
    r = client.get("/desk/", follow_redirects=False)
    assert r.status_code in (200, 303), r.status_code
    return r.status_code == 200


# --- finding 6: sessions end at sign-out, and when the password or role changes ----------------------------


def test_a_cookie_copied_before_sign_out_no_longer_reads_the_desk(pages: Pages) -> None:
    pages.login("moderator")
    with _stolen_copy(pages) as thief:
        assert _reads_the_desk(thief)
        pages.logout()
        assert not _reads_the_desk(thief)
        assert not _reads_the_desk(pages.client)
        # Nor can the copied cookie change anything: its CSRF token belongs to an ended session.
        r = thief.post("/desk/settings", data={"shield": "show", "csrf_token": pages.csrf}, follow_redirects=False)
        assert r.status_code in (303, 403)
        assert r.status_code == 403 or r.headers["location"].startswith("/desk/login")
    with pages.desk.store.session() as s:
        assert s.scalars(select(AuditEntry).where(AuditEntry.action == "user.preferences")).first() is None
        assert s.scalars(select(AuditEntry).where(AuditEntry.action == "user.logout")).one().actor == "moderator1"


def test_signing_in_again_after_sign_out_works(pages: Pages) -> None:
    pages.login("moderator")
    pages.logout()
    pages.login("moderator")
    assert _reads_the_desk(pages.client)


def test_a_new_role_ends_the_sessions_of_that_person(pages: Pages) -> None:
    pages.login("moderator")
    with _stolen_copy(pages) as copy:
        admin.update_user(pages.desk.store, CLI_ACTOR, pages.desk.actors["moderator"].user_id or 0, role="lead")
        assert not _reads_the_desk(pages.client)
        assert not _reads_the_desk(copy)


def test_a_password_set_by_an_admin_ends_the_sessions(pages: Pages) -> None:
    pages.login("lead")
    with _stolen_copy(pages) as copy:
        admin.set_password(pages.desk.store, CLI_ACTOR, pages.desk.actors["lead"].user_id or 0, "another password 1")
        assert not _reads_the_desk(copy)


def test_changing_ones_own_password_ends_the_other_sessions_only(pages: Pages) -> None:
    pages.login("moderator")
    with _stolen_copy(pages) as copy:
        pages.get("/desk/settings")
        r = pages.post(
            "/desk/settings/password", {"current": PASSWORD, "new": "a new password", "confirm": "a new password"}
        )
        assert r.status_code == 200 and "Your password is changed." in r.text
        assert _reads_the_desk(pages.client)
        assert not _reads_the_desk(copy)


# --- finding 7: nobody can lock someone else's account ---------------------------------------------------------


def _failures(client: TestClient, name: str, n: int) -> None:
    token = desk_fixtures._CSRF.search(client.get("/desk/login").text)
    assert token is not None
    for _ in range(n):
        r = client.post("/desk/login", data={"name": name, "password": "guess guess", "csrf_token": token.group(1)})
        assert r.status_code == 401, r.status_code


def _sign_in(client: TestClient, name: str, password: str = PASSWORD) -> httpx.Response:
    token = desk_fixtures._CSRF.search(client.get("/desk/login").text)
    assert token is not None
    return client.post("/desk/login", data={"name": name, "password": password, "csrf_token": token.group(1)})


def test_failures_from_one_address_do_not_refuse_the_right_password_from_another(pages: Pages) -> None:
    app = pages.client.app
    with (
        TestClient(app, base_url="https://testserver", client=("203.0.113.9", 4000)) as attacker,
        TestClient(app, base_url="https://testserver", client=("198.51.100.7", 4000)) as owner,
    ):
        _failures(attacker, "lead1", 5)
        assert _sign_in(attacker, "lead1").status_code == 429  # the guessing address waits
        r = _sign_in(owner, "lead1")
        assert r.status_code == 200 and r.url.path == "/desk/", r.text[:300]


def test_the_throttle_is_shared_by_every_process(pages: Pages) -> None:
    # Two apps on one database stand for two worker processes: the count lives in the database.
    first, second = make_app(pages.desk), make_app(pages.desk)
    with (
        TestClient(first, base_url="https://testserver", client=("203.0.113.9", 1)) as one,
        TestClient(second, base_url="https://testserver", client=("203.0.113.9", 2)) as two,
    ):
        _failures(one, "admin1", 3)
        _failures(two, "admin1", 2)
        assert _sign_in(one, "admin1").status_code == 429
        assert _sign_in(two, "admin1").status_code == 429


def test_a_success_forgets_the_count_of_its_address(pages: Pages) -> None:
    with TestClient(pages.client.app, base_url="https://testserver", client=("192.0.2.1", 1)) as client:
        _failures(client, "moderator1", 4)
        assert _sign_in(client, "moderator1").status_code == 200
        with pages.desk.store.session() as s:
            assert s.scalars(select(SignInAttempt)).first() is None


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 9, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_waits_grow_and_are_capped() -> None:
    assert [wait_after(n, 5).total_seconds() for n in range(1, 10)] == [0, 0, 0, 0, 60, 120, 240, 480, 960]
    assert wait_after(50, 5) == LONGEST_WAIT == wait_after(10**9, 5)
    assert wait_after(99, 0) == timedelta(0)  # 0 turns the throttle off


def test_the_store_throttle_blocks_and_releases(store: Store) -> None:
    clock = Clock()
    throttle = StoreThrottle(store, 3, clock=clock)
    assert [throttle.claim("Lead1 ", "10.0.0.1") for _ in range(3)] == [0, 0, 0]
    assert throttle.claim("lead1", "10.0.0.1") == 60  # the name is compared trimmed and lower-cased
    assert throttle.claim("lead1", "10.0.0.2") == 0  # another address is not affected
    assert throttle.claim("moderator1", "10.0.0.1") == 0  # nor another name from the same address
    clock.now += timedelta(seconds=61)
    assert throttle.claim("lead1", "10.0.0.1") == 0  # the 4th attempt, after the wait
    assert throttle.claim("lead1", "10.0.0.1") == 120  # and the next wait is twice as long
    clock.now += FORGET_AFTER + timedelta(seconds=1)
    assert throttle.claim("someone", "10.0.0.9") == 0  # pruning happens on any attempt
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(SignInAttempt)) == 1
    throttle.succeeded("someone", "10.0.0.9")
    with store.session() as s:
        assert s.scalars(select(SignInAttempt)).first() is None


def test_parallel_attempts_cannot_slip_past_the_count(store: Store) -> None:
    throttle = StoreThrottle(store, 3)
    with ThreadPoolExecutor(max_workers=8) as pool:
        waits = list(pool.map(lambda _: throttle.claim("admin1", "10.9.9.9"), range(16)))
    assert waits.count(0) == 3, waits


def test_names_and_addresses_are_stored_as_digests_only(store: Store) -> None:
    throttle = StoreThrottle(store, 3)
    assert throttle.claim("my secret password" * 300, "203.0.113.200") == 0
    with store.session() as s:
        row = s.scalars(select(SignInAttempt)).one()
    assert len(row.name_hash) == len(row.address_hash) == 64
    assert "secret" not in row.name_hash and "203.0.113" not in row.address_hash
