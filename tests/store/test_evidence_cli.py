"""`hierniet evidence COMMENT_ID -o FILE.zip`, `--author ID` and `hierniet evidence verify FILE.zip` (issue 13):
a pack made on the command line verifies after a round trip and a changed file is caught (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hierniet import cli
from hierniet.services.auth import CLI_ACTOR
from hierniet.services.ingest import ingest
from hierniet.settings import get_settings
from hierniet.store import repo
from hierniet.store.db import make_engine
from hierniet.store.repo import Store
from hierniet.store.tables import AuditEntry

from .dbfixtures import Database, FakeTriage, item

runner = CliRunner()


@pytest.fixture
def seeded(database: Database, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """An upgraded database with two comments of one author under one post, for the command line."""
    url = f"sqlite:///{tmp_path}/cli/desk.db" if database.backend == "sqlite" else database.url
    (tmp_path / "cli").mkdir()
    monkeypatch.setenv("HIERNIET_DATABASE_URL", url)
    get_settings.cache_clear()
    upgraded = runner.invoke(cli.app, ["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    s = Store(make_engine(url))
    with s.transaction() as tx:
        org = repo.add_organisation(tx, slug="stad-gent", name="Stad Gent", policy_yaml=None)
        channel = repo.add_channel(
            tx,
            organisation_id=org.id,
            platform="facebook",
            external_id="gent",
            name="gent",
            policy_yaml=None,
            credentials_ref=None,
        )
    thread = {"thread": "p1", "post_text": "Nieuw zwembad"}
    items = [
        item("t1", "threat: ik weet waar je woont", channel_id=channel.id, author="troll", day=2, **thread),
        item("h1", "hate: weg met hen", channel_id=channel.id, author="troll", day=3, **thread),
    ]
    assert not ingest(s, FakeTriage(), items, actor=CLI_ACTOR).rejected
    yield s
    s.dispose()
    get_settings.cache_clear()


def _ids(store: Store) -> tuple[int, int, int]:
    with store.session() as s:
        rows = [repo.get_comment(s, cid) for cid in (1, 2)]
    assert all(r is not None and r[2] is not None for r in rows)
    return 1, 2, rows[0][2].id  # type: ignore[index,union-attr]


def test_pack_verify_and_a_changed_file(seeded: Store, tmp_path: Path) -> None:
    threat, _hate, _author = _ids(seeded)
    pack = tmp_path / "pack.zip"
    made = runner.invoke(cli.app, ["evidence", str(threat), "-o", str(pack), "--for", "police", "--lang", "nl"])
    assert made.exit_code == 0, made.output
    with zipfile.ZipFile(pack) as z:
        files = {n: z.read(n) for n in z.namelist()}
    assert sorted(files) == ["MANIFEST.sha256", "evidence.json", "evidence.pdf", "report.txt"]
    # The hashes printed are the manifest's lines, and the audit log's.
    assert made.stdout.splitlines() == files["MANIFEST.sha256"].decode().splitlines()
    assert files["report.txt"].decode().startswith("Verklaring voor de politie\n")
    with seeded.session() as s:
        [entry] = s.query(AuditEntry).filter(AuditEntry.action == "evidence.packed").all()
        todos = [a.action for a in repo.actions_for_comment(s, threat)]
    assert entry.actor == "cli" and entry.detail["purpose"] == "police" and entry.detail["comment_ids"] == [threat]
    assert todos == ["report_police"]
    ok = runner.invoke(cli.app, ["evidence", "verify", str(pack)])
    assert ok.exit_code == 0, ok.output
    assert ok.stdout.count("OK") == 3 and "byte for byte" in " ".join(ok.output.split())
    # Someone edits the statement: verify names the file and exits 1.
    files["report.txt"] = files["report.txt"].replace(b"troll", b"iemand")
    changed = tmp_path / "changed.zip"
    with zipfile.ZipFile(changed, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    bad = runner.invoke(cli.app, ["evidence", "verify", str(changed)])
    assert bad.exit_code == 1
    assert "CHANGED" in bad.stdout and "report.txt was changed" in " ".join(bad.output.split())


def test_an_author_pack(seeded: Store, tmp_path: Path) -> None:
    threat, hate, author = _ids(seeded)
    pack = tmp_path / "author.zip"
    made = runner.invoke(cli.app, ["evidence", "--author", str(author), "-o", str(pack), "--lang", "fr"])
    assert made.exit_code == 0, made.output
    with zipfile.ZipFile(io.BytesIO(pack.read_bytes())) as z:
        doc = json.loads(z.read("evidence.json"))
        report = z.read("report.txt").decode()
    assert doc["subject"]["kind"] == "author" and doc["subject"]["comment_ids"] == [threat, hate]
    # Without --for, a pack is for a lawyer: a neutral summary, and no to-do on the comments.
    assert doc["purpose"] == "lawyer" and report.startswith("Exposé des faits\n")
    assert runner.invoke(cli.app, ["evidence", "verify", str(pack)]).exit_code == 0


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["evidence", "1"], "-o FILE.zip"),
        (["evidence", "abc", "-o", "x.zip"], "no comment id"),
        (["evidence", "999", "-o", "x.zip"], "no comment 999"),
        (["evidence", "1", "-o", "x.zip", "--for", "press"], "unknown purpose"),
        (["evidence", "1", "-o", "x.zip", "--lang", "es"], "unknown language"),
        (["evidence", "verify"], "hierniet evidence verify FILE.zip"),
        (["evidence", "verify", "missing.zip"], "cannot read it"),
        (["evidence"], "name what to pack"),
    ],
)
def test_bad_input_says_how_to_fix_it(
    seeded: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], says: str
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli.app, args)
    assert result.exit_code == 2 and says in " ".join(result.output.split())
    assert not (tmp_path / "x.zip").exists()
    with seeded.session() as s:
        assert s.query(AuditEntry).filter(AuditEntry.action == "evidence.packed").count() == 0
