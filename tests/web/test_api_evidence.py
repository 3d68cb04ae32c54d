"""/api/v1 evidence packs (issue 13): a lead downloads a pack of a comment or an author and checks it against
the audit log; a changed file is reported; moderators and bad input get 403 and 422 (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import json
import zipfile

from hierniet.services.auth import CLI_ACTOR
from hierniet.services.ingest import ingest
from hierniet.store import repo
from store.dbfixtures import FakeTriage, item

from .conftest import Api

ZIP = {"Content-Type": "application/zip"}


def _comments(api: Api) -> list[int]:
    ch = api.desk.channel_id
    items = [
        item("t1", "threat: ik weet waar je woont", channel_id=ch, author="troll", day=2),
        item("h1", "hate: weg met hen", channel_id=ch, author="troll", day=3),
    ]
    return [c.comment_id for c in ingest(api.desk.store, FakeTriage(), items, actor=CLI_ACTOR).created]


def test_a_pack_over_the_api_verifies_and_a_changed_file_shows(api: Api) -> None:
    threat, _hate = _comments(api)
    r = api.post(f"/comments/{threat}/evidence-pack?purpose=police&language=de", as_="lead")
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        files = {n: z.read(n) for n in z.namelist()}
    assert files["report.txt"].decode().startswith("Erklärung für die Polizei\n")
    checked = api.post("/evidence-packs/verify", as_="lead", content=r.content, headers=ZIP)
    assert checked.status_code == 200, checked.text
    body = checked.json()
    assert body["ok"] and body["same_zip"] and body["comment_ids"] == [threat] and body["purpose"] == "police"
    assert body["manifest_sha256"] == r.headers["x-evidence-manifest-sha256"]
    files["evidence.pdf"] = files["evidence.pdf"] + b"\n% appended"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    changed = api.post("/evidence-packs/verify", as_="lead", content=out.getvalue(), headers=ZIP).json()
    assert not changed["ok"] and [f["name"] for f in changed["files"] if not f["ok"]] == ["evidence.pdf"]


def test_an_author_pack_and_refusals(api: Api) -> None:
    threat, hate = _comments(api)
    with api.desk.store.session() as s:
        found = repo.get_comment(s, threat)
        assert found is not None and found[2] is not None
        author_id = found[2].id
    r = api.post(f"/authors/{author_id}/evidence-pack", as_="lead")
    assert r.status_code == 200 and r.headers["content-disposition"].endswith(f'author-{author_id}-lawyer.zip"')
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        assert json.loads(z.read("evidence.json"))["subject"]["comment_ids"] == [threat, hate]
    assert api.post(f"/comments/{threat}/evidence-pack").status_code == 403  # a moderator
    assert api.post("/evidence-packs/verify", content=r.content, headers=ZIP).status_code == 403
    bad = api.post(f"/comments/{threat}/evidence-pack?purpose=press", as_="lead")
    assert bad.status_code == 422 and "unknown purpose" in bad.json()["detail"]
    notzip = api.post("/evidence-packs/verify", as_="lead", content=b"hello", headers=ZIP)
    assert notzip.status_code == 422 and "no evidence pack ZIP" in notzip.json()["detail"]
    assert api.post("/comments/99999/evidence-pack", as_="lead").status_code == 404
