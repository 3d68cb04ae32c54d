"""Ingestion's boundaries (issue 11, findings 2, 5, 10 and 13), each on SQLite and PostgreSQL where it stores.

2: a comment is known by its channel and external id, so another organisation's comment with the same id
   neither blocks a signed webhook, nor is overwritten, nor sinks a batch, nor leaks its internal id.
5: bad input (lone surrogates, NUL, ids past 2^63, year 1, deep nesting, huge numbers) is named and
   skipped, the rest of the batch kept: never a 500, a 503 forever, or a traceback.
10: one comment's text has a documented size limit (HIERNIET_COMMENT_MAX_CHARS).
13: a CSV quote that never closes no longer swallows the rows after it.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from hierniet import cli
from hierniet.connectors.files import RowError, read_records
from hierniet.domain import Comment as TriageComment
from hierniet.services import connections
from hierniet.services import signatories as join_service
from hierniet.services.auth import CLI_ACTOR, Actor, Role, hash_token, new_token, token_prefix
from hierniet.services.credentials import new_key
from hierniet.services.importer import import_file
from hierniet.services.ingest import ChannelRef, ingest
from hierniet.settings import Settings, get_settings
from hierniet.store import repo
from hierniet.store.tables import Comment, CommentRevision, Signatory
from hierniet.triage.pipeline import Triage
from hierniet.web.app import create_app
from store import dbfixtures
from store.dbfixtures import Desk, FakeTriage, item

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

database = dbfixtures.database
store = dbfixtures.store
desk = dbfixtures.desk
fake_triage = dbfixtures.fake_triage

SECRET = "app-secret"
BIG = 2**63  # one past the largest id the store can hold
runner = CliRunner()


@pytest.fixture
def client(desk: Desk, fake_triage: FakeTriage) -> Iterator[TestClient]:
    settings = Settings(database_url="sqlite://", credentials_key=new_key(), comment_max_chars=100)
    connections.connect_channel(
        desk.store,
        settings,
        desk.actors["admin"],
        platform="facebook",
        external_id="gent",
        secrets={"access_token": "t", "app_secret": SECRET, "verify_token": "verify-me"},
    )
    with TestClient(create_app(settings, store=desk.store, triage=fake_triage)) as c:
        yield c


def _other_token(desk: Desk) -> str:
    """A token of an admin of the other organisation (VZW X)."""
    token = new_token()
    with desk.store.transaction() as tx:
        user = repo.add_user(tx, name="vzw-admin", role=Role.ADMIN.value, organisation_id=desk.other_organisation_id)
        repo.add_token(tx, user_id=user.id, name="t", token_hash=hash_token(token), prefix=token_prefix(token))
    return token


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


def _hook(*comments: tuple[str, str]) -> tuple[bytes, dict[str, str]]:
    """A Meta webhook call with these (comment id, text) pairs, signed with the channel's app secret."""
    changes = [
        {
            "field": "feed",
            "value": {
                "from": {"id": "u1", "name": "Jan"},
                "post_id": "gent_p1",
                "comment_id": cid,
                "created_time": 1772366400,
                "item": "comment",
                "verb": "add",
                "message": text,
            },
        }
        for cid, text in comments
    ]
    raw = json.dumps({"object": "page", "entry": [{"id": "gent", "time": 1772366400, "changes": changes}]}).encode()
    return raw, _signed(raw)


def _signed(raw: bytes) -> dict[str, str]:
    signature = "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
    return {"X-Hub-Signature-256": signature, "Content-Type": "application/json"}


def _text(result: object) -> str:
    """The command's output with Rich's line wrapping undone."""
    return " ".join(str(getattr(result, "output", "")).split())


def _texts(desk: Desk) -> dict[tuple[int, str], str]:
    with desk.store.session() as s:
        return {(c.channel_id, c.external_id): c.text for c in s.scalars(select(Comment))}


def _revisions(desk: Desk) -> int:
    with desk.store.session() as s:
        return int(s.scalar(select(func.count()).select_from(CommentRevision)) or 0)


# --- 2: comments are keyed by channel -------------------------------------------------------------------


def test_another_organisations_id_does_not_block_a_signed_webhook(client: TestClient, desk: Desk) -> None:
    other = Actor(None, "vzw", Role.ADMIN, desk.other_organisation_id)
    ingest(desk.store, FakeTriage(), [item("p1_c1", "first!", channel_id=desk.other_channel_id)], actor=other)
    raw, headers = _hook(("p1_c1", "Wanneer opent het zwembad?"))
    answer = client.post(f"/hooks/facebook/{desk.channel_id}", content=raw, headers=headers)
    assert answer.status_code == 200 and answer.json()["created"] == 1
    assert _texts(desk) == {
        (desk.other_channel_id, "p1_c1"): "first!",
        (desk.channel_id, "p1_c1"): "Wanneer opent het zwembad?",
    }


@pytest.mark.parametrize("who", ["root", "cli"])
def test_no_one_overwrites_another_channels_comment(desk: Desk, fake_triage: FakeTriage, who: str) -> None:
    ingest(desk.store, fake_triage, [item("c1", "mine", channel_id=desk.channel_id)], actor=desk.actors["admin"])
    actor = desk.actors["root"] if who == "root" else CLI_ACTOR  # no organisation: sees every one
    result = ingest(
        desk.store, fake_triage, [item("c1", "theirs", channel_id=desk.other_channel_id, edited=True)], actor=actor
    )
    assert [c.external_id for c in result.created] == ["c1"] and not result.edited
    assert _texts(desk)[(desk.channel_id, "c1")] == "mine"
    assert _revisions(desk) == 0


def test_hierniet_import_does_not_overwrite_another_channels_comment(
    desk: Desk, fake_triage: FakeTriage, tmp_path: Path
) -> None:
    ingest(desk.store, fake_triage, [item("c1", "mine", channel_id=desk.channel_id)], actor=desk.actors["admin"])
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": "c1", "text": "theirs"}\n', encoding="utf-8")
    report = import_file(
        desk.store, fake_triage, str(source), actor=CLI_ACTOR, default_channel=ChannelRef(desk.other_channel_id)
    )
    assert (report.created, report.edited, report.rejected) == (1, 0, [])
    assert _texts(desk)[(desk.channel_id, "c1")] == "mine"


def test_a_colliding_id_neither_sinks_the_batch_nor_leaks_the_other_comment(client: TestClient, desk: Desk) -> None:
    mine = ingest(
        desk.store, FakeTriage(), [item("c1", "mine", channel_id=desk.channel_id)], actor=desk.actors["admin"]
    )
    hidden_id = mine.created[0].comment_id
    batch = [
        {"id": "c1", "channel_id": desk.other_channel_id, "text": "same id, other organisation"},
        {"id": "c2", "channel_id": desk.other_channel_id, "text": "fresh"},
    ]
    answer = client.post("/api/v1/comments", json=batch, headers=_bearer(_other_token(desk)))
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert [c["external_id"] for c in body["created"]] == ["c1", "c2"]
    assert hidden_id not in [c["comment_id"] for c in body["created"]]
    assert not body["edited"] and not body["duplicates"] and not body["rejected"]
    assert _texts(desk)[(desk.channel_id, "c1")] == "mine"


def test_an_item_the_store_refuses_is_rejected_alone(
    desk: Desk, fake_triage: FakeTriage, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import IntegrityError

    real = repo.insert_many

    def refusing(session: Any, model: type[Any], rows: Any) -> None:
        if model is Comment and any(row["external_id"] == "boom" for row in rows):
            raise IntegrityError("INSERT INTO comments", {}, Exception("refused: comment 4242 of another channel"))
        real(session, model, rows)

    monkeypatch.setattr(repo, "insert_many", refusing)
    items = [item(cid, "x", channel_id=desk.channel_id) for cid in ("a", "boom", "b")]
    result = ingest(desk.store, fake_triage, items, actor=desk.actors["admin"])
    assert [c.external_id for c in result.created] == ["a", "b"]
    assert [(r.index, r.external_id) for r in result.rejected] == [(1, "boom")]
    assert "4242" not in result.rejected[0].error and "refused" in result.rejected[0].error


# --- 5: bad input is named and skipped ------------------------------------------------------------------


def test_a_lone_surrogate_is_rejected_by_name_and_the_rest_kept(client: TestClient, desk: Desk) -> None:
    raw = (
        f'[{{"id": "ok", "channel_id": {desk.channel_id}, "text": "Merci !"}},'
        f' {{"id": "bad", "channel_id": {desk.channel_id}, "text": "hallo \\ud800 jij"}},'
        f' {{"id": "bad-author", "channel_id": {desk.channel_id}, "text": "x", "author": "\\udfff"}}]'
    )
    answer = client.post("/api/v1/comments", content=raw.encode(), headers=_bearer(desk.tokens["admin"]))
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert [c["external_id"] for c in body["created"]] == ["ok"]
    assert [(r["index"], r["external_id"]) for r in body["rejected"]] == [(1, "bad"), (2, "bad-author")]
    assert "surrogate" in body["rejected"][0]["error"] and body["rejected"][0]["error"].startswith("text")


def test_a_lone_surrogate_in_a_signed_webhook_is_not_a_503(client: TestClient, desk: Desk) -> None:
    raw, headers = _hook(("p1_bad", "x \ud800 y"), ("p1_ok", "hallo"))
    assert b"\\ud800" in raw
    answer = client.post(f"/hooks/facebook/{desk.channel_id}", content=raw, headers=headers)
    assert answer.status_code == 200, answer.text
    assert (answer.json()["created"], answer.json()["rejected"]) == (1, 1)


def test_the_sentence_encoder_survives_a_lone_surrogate(triage: Triage) -> None:
    verdicts = triage.classify(
        [
            TriageComment(id="1", text="hallo \ud800 idioot"),
            TriageComment(id="2", text="\udfff"),
            TriageComment("3", "ok"),
        ]
    )
    assert [v.comment_id for v in verdicts] == ["1", "2", "3"]


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/comments/{BIG}",
        f"/api/v1/authors/{BIG}",
        f"/api/v1/signatories/{BIG}",
        f"/api/v1/queue?channel_id={BIG}",
        f"/api/v1/queue?offset={BIG}",
        f"/api/v1/authors?offset={BIG}",
        f"/api/v1/audit?offset={BIG}",
        "/api/v1/comments/-1",
    ],
)
def test_integers_past_the_store_are_422_not_500(client: TestClient, desk: Desk, path: str) -> None:
    answer = client.get(path, headers=_bearer(desk.tokens["root"]))
    assert answer.status_code == 422, answer.text


def test_a_webhook_to_a_channel_id_past_the_store_is_refused(client: TestClient) -> None:
    raw, headers = _hook(("p1_c1", "hallo"))
    # Answered like every address that takes no webhook (never a 500, and no hint that ids have a range).
    response = client.post(f"/hooks/facebook/{BIG}", content=raw, headers=headers)
    assert response.status_code == 404, response.text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("channel_id", BIG, "channel_id"),
        ("posted_at", "0001-01-01T00:00:00+01:00", "year 1"),
        ("posted_at", "9999-12-31T23:59:59-05:00", "year 9999"),
        ("text", "a\x00b", "NUL"),
        ("author", "a\x00b", "NUL"),
        ("language", "12", "not a language tag"),  # triage refuses it, for the whole batch
    ],
)
def test_a_bad_field_rejects_its_item_and_keeps_the_batch(
    client: TestClient, desk: Desk, field: str, value: object, message: str
) -> None:
    bad = {"id": "bad", "channel_id": desk.channel_id, "text": "x"} | {field: value}
    batch = [bad, {"id": "ok", "channel_id": desk.channel_id, "text": "hallo"}]
    answer = client.post("/api/v1/comments", json=batch, headers=_bearer(desk.tokens["admin"]))
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert [c["external_id"] for c in body["created"]] == ["ok"]
    assert [r["external_id"] for r in body["rejected"]] == ["bad"] and message in body["rejected"][0]["error"]


def test_deep_json_is_a_clear_error_on_the_api_and_webhooks(client: TestClient, desk: Desk) -> None:
    deep = ("[" * 100_000 + "]" * 100_000).encode()
    answer = client.post("/api/v1/comments", content=deep, headers=_bearer(desk.tokens["admin"]))
    assert answer.status_code == 422 and "nested too deeply" in answer.text
    hook = client.post(f"/hooks/facebook/{desk.channel_id}", content=deep[:4000], headers=_signed(deep[:4000]))
    assert hook.status_code == 400
    nested = b'{"object": "page", "entry": ' + b"[" * 3000 + b"]" * 3000 + b"}"
    hook = client.post(f"/hooks/facebook/{desk.channel_id}", content=nested, headers=_signed(nested))
    assert hook.status_code == 400 and "nested too deeply" in hook.text


def test_the_cli_skips_bad_rows_by_line(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        '{"id": "a1", "text": "Merci pour la réponse"}\n'
        '{"id": "a2", "text": "hallo \\ud800"}\n'
        + "[" * 5000
        + "]" * 5000
        + "\n"
        + '{"id": '
        + "9" * 5000
        + ', "text": "huge id"}\n'
        + '{"id": "a5", "text": "Wanneer opent het zwembad?"}\n'
        + '{"id": "a6", "text": "hallo", "lang": "12"}\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    result = runner.invoke(cli.app, ["classify", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()] == ["a1", "a5"]
    said = _text(result)
    assert "line 2: skipped: field 'text' contains a lone UTF-16 surrogate" in said
    assert "line 3: skipped: invalid JSON (nested too deeply" in said
    assert "line 4: skipped: invalid JSON" in said
    assert "line 6: skipped: field 'lang': '12' is not a language tag" in said
    assert "2 verdicts written, 4 rows skipped" in said


def test_a_huge_channel_id_on_the_command_line_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": "a1", "text": "x"}\n', encoding="utf-8")
    monkeypatch.setenv("HIERNIET_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setattr(cli, "_load_triage", FakeTriage)
    get_settings.cache_clear()
    try:
        assert runner.invoke(cli.app, ["db", "upgrade"]).exit_code == 0
        for channel in ("9" * 5000, str(BIG)):
            result = runner.invoke(cli.app, ["import", str(source), "--channel", channel])
            assert result.exit_code == 2 and "no channel has the id" in _text(result), result.output
    finally:
        get_settings.cache_clear()


def test_a_nul_in_the_join_form_is_a_field_error(store: Any) -> None:
    form = join_service.JoinRequest(
        name="Stad\x00 Voorbeeld", type="city", website="www.voorbeeld.be", email="info@voorbeeld.be"
    )
    with pytest.raises(join_service.JoinError) as caught:
        join_service.submit_join(store, form, client="127.0.0.1")
    assert caught.value.errors == {"name": "bad_chars"}
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Signatory)) == 0


def test_a_nul_in_the_public_join_form_is_answered_422(client: TestClient) -> None:
    page = client.get("/en/join")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token is not None
    data = {"name": "Stad", "type": "city", "website": "www.voorbeeld.be", "email": "in\x00fo@voorbeeld.be"}
    answer = client.post("/en/join", data=data | {"csrf": token.group(1)}, follow_redirects=False)
    assert answer.status_code == 422 and "cannot be stored" in answer.text


@pytest.mark.parametrize("path", ["/api/v1/authors?q=a%00b", "/api/v1/audit?action=a%00b"])
def test_a_nul_in_a_search_is_422_on_every_backend(client: TestClient, desk: Desk, path: str) -> None:
    answer = client.get(path, headers=_bearer(desk.tokens["admin"]))
    # SQLite searches for it (and finds nothing); PostgreSQL cannot hold it: a clear 422, not a 500.
    if desk.store.engine.dialect.name == "postgresql":
        assert answer.status_code == 422 and "NUL" in answer.json()["detail"], answer.text
    else:
        assert answer.status_code == 200, answer.text


# --- 10: a documented limit per comment -----------------------------------------------------------------


def test_a_text_over_the_limit_is_refused_and_the_rest_kept(client: TestClient, desk: Desk) -> None:
    batch = [
        {"id": "long", "channel_id": desk.channel_id, "text": "x" * 101},
        {"id": "ok", "channel_id": desk.channel_id, "text": "x" * 100},
    ]
    answer = client.post("/api/v1/comments", json=batch, headers=_bearer(desk.tokens["admin"]))
    assert answer.status_code == 201
    body = answer.json()
    assert [c["external_id"] for c in body["created"]] == ["ok"]
    assert [r["external_id"] for r in body["rejected"]] == ["long"]
    assert "HIERNIET_COMMENT_MAX_CHARS" in body["rejected"][0]["error"]
    alone = client.post("/api/v1/comments", json=batch[0], headers=_bearer(desk.tokens["admin"]))
    assert alone.status_code == 422 and "101 characters" in alone.json()["detail"]


def test_the_limit_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert f"| `HIERNIET_COMMENT_MAX_CHARS` | {Settings().comment_max_chars} |" in readme


# --- 13: an unbalanced CSV quote ------------------------------------------------------------------------


def test_an_unbalanced_quote_no_longer_swallows_the_rows_after_it() -> None:
    text = 'id,text\n1,"never closed\n2,second\n3,third\n'
    rows = list(read_records(io.StringIO(text, newline=""), "csv"))
    assert isinstance(rows[0], RowError) and rows[0].line == 2 and "unbalanced quote" in rows[0].message
    assert rows[1:] == [(3, {"id": "2", "text": "second"}), (4, {"id": "3", "text": "third"})]


def test_classify_reports_the_broken_row_and_triages_the_others(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("id,text\nc1,\"Merci pour l'info\nc2,Wanneer opent het zwembad?\nc3,Top!\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(cli.app, ["classify", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()] == ["c2", "c3"]
    said = _text(result)
    assert "line 2: skipped: unbalanced quote" in said and "2 verdicts written, 1 rows skipped" in said
