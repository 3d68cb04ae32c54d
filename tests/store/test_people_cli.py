"""`hierniet org ...` and `hierniet user ...` (issue 12, item 8): people and organisations without the API.

The documented examples (docs/desk.md, README.md) are read from the documents and run as written, in order,
on a fresh database: the docs' old first example (`hierniet user password ANNE --role moderator
--organisation stad-gent`) failed there, and nothing caught it.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from hierniet import cli
from hierniet.services import admin, desk
from hierniet.settings import get_settings
from hierniet.store.db import make_engine
from hierniet.store.repo import Store
from hierniet.store.tables import AuditEntry, Organisation, User

from .dbfixtures import Database

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()
PASSWORD = "a long enough password"
OTHER_PASSWORD = "another long password"
#: The variables the documented examples read ($PW, --password-env BRAM_PASSWORD).
DOC_ENV = {"PW": OTHER_PASSWORD, "BRAM_PASSWORD": PASSWORD}


@pytest.fixture
def cli_db(database: Database, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh, upgraded database for the command line (a new SQLite file, or the test PostgreSQL schema)."""
    url = f"sqlite:///{tmp_path}/cli/desk.db" if database.backend == "sqlite" else database.url
    monkeypatch.setenv("HIERNIET_DATABASE_URL", url)
    for name, value in DOC_ENV.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    result = runner.invoke(cli.app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    yield url
    get_settings.cache_clear()


def _store(url: str) -> Store:
    return Store(make_engine(url))


def _run(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(cli.app, list(args), input=input)


def _asked_twice(password: str = PASSWORD) -> str:
    return f"{password}\n{password}\n"


# --- the documented examples -----------------------------------------------------------------------------

_PIPED = re.compile(r"""^printf '%s' "\$(\w+)" \| (hierniet .*)$""")


def documented_commands(path: Path) -> list[tuple[str, str | None]]:
    """Every `hierniet org ...` and `hierniet user ...` command in `path`'s code blocks, in order, with what
    it reads on standard input (a `printf '%s' "$VAR" |` before it), comments and `&&` chains taken apart."""
    found: list[tuple[str, str | None]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("    "):
            continue
        code = line.strip()
        if "  #" in code:
            code = code[: code.index("  #")].rstrip()
        for part in (p.strip() for p in code.split("&&")):
            piped = _PIPED.match(part)
            stdin = DOC_ENV[piped.group(1)] if piped else None
            command = piped.group(2) if piped else part
            if re.match(r"^hierniet (org|user) ", command):
                found.append((command, stdin))
    return found


@pytest.mark.parametrize("document", ["docs/desk.md", "README.md"])
def test_the_documented_examples_run_as_written_on_a_fresh_database(cli_db: str, document: str) -> None:
    commands = documented_commands(ROOT / document)
    assert any(c.startswith("hierniet org add") for c, _ in commands), f"{document} shows no `hierniet org add`"
    assert any(c.startswith("hierniet user add") for c, _ in commands), f"{document} shows no `hierniet user add`"
    for command, stdin in commands:
        args = shlex.split(command)[1:]
        # A password that is asked is typed twice; the documented pipes give theirs on standard input.
        result = _run(*args, input=stdin if stdin is not None else _asked_twice())
        assert result.exit_code == 0, f"{document}: `{command}` failed:\n{result.output}"
    with _store(cli_db).session() as s:
        assert s.scalars(select(Organisation.slug)).all() == ["stad-gent"]
        assert "ANNE" in s.scalars(select(User.name)).all()


def test_the_desk_docs_examples_leave_the_people_they_say(cli_db: str) -> None:
    for command, stdin in documented_commands(ROOT / "docs/desk.md"):
        _run(*shlex.split(command)[1:], input=stdin if stdin is not None else _asked_twice())
    store = _store(cli_db)
    # ANNE's last password is the piped one; BRAM is switched on again with the password he had.
    anne = desk.sign_in(store, "ANNE", OTHER_PASSWORD)
    assert anne is not None and anne.role.value == "lead"
    bram = desk.sign_in(store, "BRAM", PASSWORD)
    assert bram is not None and bram.role.value == "lead"
    chris = desk.sign_in(store, "CHRIS", PASSWORD)
    assert chris is not None and chris.organisation_id is None and chris.role.value == "admin"
    dirk = desk.sign_in(store, "DIRK", PASSWORD)
    assert dirk is not None and dirk.organisation_id is not None


def test_user_email_sets_and_removes_a_persons_address(cli_db: str) -> None:
    assert _run("org", "add", "stad-gent", "Stad Gent").exit_code == 0
    bad = _run("user", "add", "lea", "--role", "lead", "--org", "stad-gent", "--email", "lea at example.org")
    assert bad.exit_code == 2 and "not an e-mail address" in bad.output
    assert "password" not in bad.output.split("error:")[0], "a password was asked before the refusal"
    args = ["user", "add", "lea", "--role", "lead", "--org", "stad-gent", "--email", "lea@example.org"]
    assert _run(*args, input=_asked_twice()).exit_code == 0
    listed = _run("user", "list")
    assert "lea@example.org" in listed.output, listed.output
    changed = _run("user", "email", "lea", "Lea.B@example.org")
    assert changed.exit_code == 0 and "Lea.B@example.org" in changed.output
    refused = _run("user", "email", "lea", "a@b.org, c@d.org")
    assert refused.exit_code == 2 and "not an e-mail address" in refused.output
    with _store(cli_db).session() as s:
        assert s.scalars(select(User.email).where(User.name == "lea")).one() == "Lea.B@example.org"
    removed = _run("user", "email", "lea", "")
    assert removed.exit_code == 0 and "no e-mail address now" in removed.output
    with _store(cli_db).session() as s:
        assert s.scalars(select(User.email).where(User.name == "lea")).one() is None
    assert _run("user", "email", "ghost", "g@example.org").exit_code == 2


# --- the bug: a missing organisation -----------------------------------------------------------------------


def test_a_missing_organisation_says_how_to_add_it_and_asks_no_password(cli_db: str) -> None:
    for args in (
        ["user", "password", "ANNE", "--role", "moderator", "--organisation", "stad-gent"],
        ["user", "add", "ANNE", "--role", "moderator", "--org", "stad-gent"],
    ):
        result = _run(*args, input=_asked_twice())
        assert result.exit_code == 2, result.output
        assert "no organisation 'stad-gent'" in result.output
        assert "hierniet org add stad-gent" in result.output
        assert "password" not in result.output.split("error:")[0], "a password was asked before the refusal"
    with _store(cli_db).session() as s:
        assert s.scalars(select(User).where(User.name == "ANNE")).first() is None


# --- org add -------------------------------------------------------------------------------------------------


def test_org_add_with_a_policy_file_and_its_refusals(cli_db: str, tmp_path: Path) -> None:
    from hierniet.policy.cli import policy_app

    made = runner.invoke(policy_app, ["default"])
    assert made.exit_code == 0, made.output
    policy_file = tmp_path / "policy.yaml"
    policy_file.write_text(made.stdout, encoding="utf-8")
    ok = _run("org", "add", "vzw-x", "VZW X", "--policy", str(policy_file))
    assert ok.exit_code == 0 and "its own policy" in ok.output, ok.output
    again = _run("org", "add", "vzw-x", "Another")
    assert again.exit_code == 2 and "exists already" in again.output
    bad_slug = _run("org", "add", "Stad Gent", "Stad Gent")
    assert bad_slug.exit_code == 2 and "lower-case" in bad_slug.output
    bad_policy = tmp_path / "bad.yaml"
    bad_policy.write_text("thresholds: [not, a, mapping\n", encoding="utf-8")
    refused = _run("org", "add", "bad-policy", "Bad", "--policy", str(bad_policy))
    assert refused.exit_code == 2, refused.output
    missing = _run("org", "add", "nofile", "No file", "--policy", str(tmp_path / "nope.yaml"))
    assert missing.exit_code == 2 and "cannot read the policy" in missing.output
    with _store(cli_db).session() as s:
        assert s.scalars(select(Organisation.slug)).all() == ["vzw-x"], "a refused organisation was stored"
        created = s.scalars(select(AuditEntry).where(AuditEntry.action == "organisation.created")).all()
        assert [e.actor for e in created] == ["cli"]
    listed = _run("org", "list")
    assert listed.exit_code == 0 and "vzw-x" in listed.output and "VZW X" in listed.output


# --- user add / list / role / disable / enable ---------------------------------------------------------------


def test_user_add_with_password_env_and_its_refusals(cli_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _run("org", "add", "stad-gent", "Stad Gent").exit_code == 0
    monkeypatch.setenv("ANNE_PW", PASSWORD)
    ok = _run("user", "add", "anne", "--role", "moderator", "--org", "stad-gent", "--password-env", "ANNE_PW")
    assert ok.exit_code == 0, ok.output
    store = _store(cli_db)
    assert desk.sign_in(store, "anne", PASSWORD) is not None
    unset = _run("user", "add", "bob", "--role", "lead", "--password-env", "NOT_SET_ANYWHERE")
    assert unset.exit_code == 2 and "NOT_SET_ANYWHERE is not set" in unset.output
    monkeypatch.setenv("SHORT_PW", "short")
    weak = _run("user", "add", "bob", "--role", "lead", "--password-env", "SHORT_PW")
    assert weak.exit_code == 2 and "too short" in weak.output
    role = _run("user", "add", "bob", "--role", "boss", input=_asked_twice())
    assert role.exit_code == 2 and "unknown role 'boss'" in role.output
    twice = _run("user", "add", "anne", "--role", "moderator", input=_asked_twice())
    assert twice.exit_code == 2 and "exists already" in twice.output
    with store.session() as s:
        # A refused password never leaves a user without one behind.
        assert s.scalars(select(User.name)).all() == ["anne"]


def test_user_list_role_disable_enable(cli_db: str) -> None:
    assert _run("org", "add", "stad-gent", "Stad Gent").exit_code == 0
    assert _run("user", "add", "anne", "--role", "moderator", "--org", "stad-gent", input=_asked_twice()).exit_code == 0
    store = _store(cli_db)
    token = admin.ensure_user_token(store, name="anne", role="moderator").token
    assert admin.authenticate(store, token) is not None
    session = desk.sign_in(store, "anne", PASSWORD)
    assert session is not None

    listed = _run("user", "list")
    assert listed.exit_code == 0
    assert re.search(r"anne\s*│\s*moderator\s*│\s*stad-gent\s*│\s*yes\s*│\s*set", listed.output), listed.output

    role = _run("user", "role", "anne", "LEAD")
    assert role.exit_code == 0 and "role lead" in role.output
    assert admin.authenticate(store, token) is not None and admin.authenticate(store, token).role.value == "lead"  # type: ignore[union-attr]
    # A new role ends the desk sessions made under the old one.
    fresh = desk.desk_user(store, session.id)
    assert fresh is not None and fresh.session_stamp != session.session_stamp

    off = _run("user", "disable", "anne")
    assert off.exit_code == 0, off.output
    assert desk.sign_in(store, "anne", PASSWORD) is None
    assert desk.desk_user(store, session.id) is None, "a switched-off person's session goes on"
    assert admin.authenticate(store, token) is None, "a switched-off person's API token still works"
    assert "switched off" in _run("user", "list").output

    on = _run("user", "enable", "anne")
    assert on.exit_code == 0
    assert desk.sign_in(store, "anne", PASSWORD) is not None

    unknown = _run("user", "disable", "nobody")
    assert unknown.exit_code == 2 and "no user 'nobody'" in unknown.output and "hierniet user list" in unknown.output
    bad_role = _run("user", "role", "anne", "boss")
    assert bad_role.exit_code == 2 and "unknown role" in bad_role.output
    with store.session() as s:
        actions = s.scalars(select(AuditEntry.action).where(AuditEntry.subject_type == "user")).all()
    assert actions.count("user.updated") == 3 and "user.created" in actions


def test_user_password_takes_org_as_well_as_organisation(cli_db: str) -> None:
    assert _run("org", "add", "stad-gent", "Stad Gent").exit_code == 0
    made = _run("user", "password", "eva", "--role", "lead", "--org", "stad-gent", input=_asked_twice())
    assert made.exit_code == 0 and "created" in made.output, made.output
    user = desk.sign_in(_store(cli_db), "eva", PASSWORD)
    assert user is not None and user.organisation_id is not None


def test_error_lines_are_not_wrapped_mid_message(cli_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # A narrow terminal used to cut the error into lines of its width, in the middle of the slug and the hint.
    monkeypatch.setenv("COLUMNS", "40")
    result = _run("user", "add", "anne", "--role", "moderator", "--org", "a-rather-long-organisation-slug")
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if "error:" in line]
    assert len(lines) == 1 and "hierniet org add a-rather-long-organisation-slug NAME" in lines[0], result.output
