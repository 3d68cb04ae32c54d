"""Evidence packs (issue 13): what a pack holds, that packing the same record twice gives the same bytes, that
its hashes are in the audit log and verified after a round trip, and that a changed file or manifest shows
(SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest

from hierniet.services import decisions, evidence, evidence_text, outbox_desk
from hierniet.services.actions import ActionStatus
from hierniet.services.decisions import DecisionIn
from hierniet.services.errors import Forbidden, InvalidInput, NotFound
from hierniet.services.ingest import ingest
from hierniet.store import repo, repo_privacy
from hierniet.store.tables import AuditEntry
from store.dbfixtures import Desk, FakeTriage, item

POST = "Het zwembad gaat dicht op 1 april."


def _seed(desk: Desk, triage: FakeTriage) -> dict[str, int]:
    """A thread of four comments under one post (two by "troll"), and one comment of troll's elsewhere."""
    ch = desk.channel_id
    thread = {"thread": "p1", "post_text": POST, "post_url": "https://www.facebook.com/gent/posts/p1"}
    items = [
        item("q1", "Waarom gaat het dicht?", channel_id=ch, author="anna", day=1, **thread),
        item("h1", "hate: die mensen moeten weg", channel_id=ch, author="troll", day=2, **thread),
        item("r1", "Dat kan je niet menen", channel_id=ch, author="bert", day=3, **thread),
        item("t1", "threat: ik weet waar je woont", channel_id=ch, author="troll", day=4, **thread),
        item("x1", "insult: elders", channel_id=desk.other_channel_id, author="troll", day=5),
    ]
    result = ingest(desk.store, triage, items, actor=desk.actors["root"])
    assert not result.rejected, result.rejected
    return {c.external_id: c.comment_id for c in result.created}


def _audit(desk: Desk, action: str) -> list[AuditEntry]:
    with desk.store.session() as s:
        return list(s.query(AuditEntry).filter(AuditEntry.action == action).order_by(AuditEntry.id))


def _files(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


def _rezip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return out.getvalue()


def test_a_comment_pack_holds_the_context_and_its_hashes_are_audited(desk: Desk, fake_triage: FakeTriage) -> None:
    ids = _seed(desk, fake_triage)
    lead = desk.actors["lead"]
    decisions.record_decision(desk.store, lead, ids["h1"], DecisionIn(step="hide", reason="hate", reports=("unia",)))
    pack = evidence.make_pack(desk.store, lead, comment_ids=[ids["h1"]], purpose="unia", language="nl")
    files = _files(pack.data)
    assert list(files) == ["evidence.pdf", "evidence.json", "unia.txt", "MANIFEST.sha256"]
    assert files["evidence.pdf"].startswith(b"%PDF-")
    # The manifest is sha256sum's format, one line per file by name, and matches the files.
    lines = files["MANIFEST.sha256"].decode().splitlines()
    assert [line.split("  ")[1] for line in lines] == ["evidence.json", "evidence.pdf", "unia.txt"]
    for line in lines:
        digest, name = line.split("  ")
        assert hashlib.sha256(files[name]).hexdigest() == digest == pack.files[name]
    doc = json.loads(files["evidence.json"])
    assert doc["format"] == "hierniet-evidence/1" and doc["purpose"] == "unia" and doc["prepared_by"] == "lead1"
    [c] = doc["comments"]
    assert c["id"] == ids["h1"] and c["text"] == "hate: die mensen moeten weg"
    assert c["organisation"] == "Stad Gent" and c["author"]["external_id"] == "troll"
    assert c["post"]["text"] == POST
    # Posted 2 March 2026 12:00 UTC: 13:00 in Brussels (winter time), with its offset in the JSON.
    assert c["posted_at"] == "2026-03-02T13:00:00+01:00" and c["posted_local"] == "02/03/2026 13:00:00"
    # The whole thread around it (four comments here), in the order posted, the packed one marked.
    assert [(t["id"], t["packed"]) for t in c["thread_context"]] == [
        (ids["q1"], False),
        (ids["h1"], True),
        (ids["r1"], False),
        (ids["t1"], False),
    ]
    assert c["verdict"]["labels"] == ["hate"] and c["verdict"]["severity"] == 3
    # The author's record on this organisation, newest first: the threat after it, not the comment on VZW X.
    assert [(a["id"], a["labels"], a["packed"]) for a in c["author_comments"]] == [
        (ids["t1"], ["threat"], False),
        (ids["h1"], ["hate"], True),
    ]
    assert [d["step"] for d in c["decisions"]] == ["hide"]
    assert [e["action"] for e in c["audit"]] == ["decision.override", "action.to_do_added"]
    # The to-do "send the Unia form" is on the comment, in the pack, and listed with the platform calls.
    todos = {a.action: a for a in outbox_desk.comment_actions(desk.store, lead, ids["h1"])}
    # The decision that named Unia made the to-do already: the pack finds it and adds none.
    assert todos["report_unia"].status == ActionStatus.MANUAL and pack.todos == []
    assert [(a["action"], a["status"]) for a in c["actions"] if a["action"] == "report_unia"] == [
        ("report_unia", "manual")
    ]
    # One audit entry names the pack by its manifest's hash and records every hash, who and why.
    [entry] = _audit(desk, "evidence.packed")
    assert entry.subject_id == pack.manifest_sha256 == hashlib.sha256(files["MANIFEST.sha256"]).hexdigest()
    assert entry.actor == "lead1" and entry.organisation_id == desk.organisation_id
    assert entry.detail["purpose"] == "unia" and entry.detail["comment_ids"] == [ids["h1"]]
    assert entry.detail["files"] == pack.files and entry.detail["zip_sha256"] == hashlib.sha256(pack.data).hexdigest()
    # The Unia text in Dutch: what, where, when (Belgian time), who (the ground) and the text.
    text = files["unia.txt"].decode()
    assert text == pack.statement
    assert text.startswith("Melding aan Unia\n")
    assert "02/03/2026 13:00:00 (Europe/Brussels)" in text and "“hate: die mensen moeten weg”" in text
    assert "https://www.facebook.com/p1?comment_id=h1" in text and "troll" in text
    assert "omwille van een beschermd kenmerk" in text  # the fake triage names no target


def test_the_same_record_packs_to_the_same_bytes_and_verifies(desk: Desk, fake_triage: FakeTriage) -> None:
    ids = _seed(desk, fake_triage)
    lead = desk.actors["lead"]
    decisions.record_decision(desk.store, lead, ids["t1"], DecisionIn(step="hide", reason="bedreiging"))
    first = evidence.make_pack(desk.store, lead, comment_ids=[ids["t1"]], purpose="police", language="fr")
    # The police report is a to-do on the comment: an open case, which retention and erasure leave alone.
    with desk.store.session() as s:
        assert repo_privacy.open_cases(s, [ids["t1"]]) == {ids["t1"]: "report in progress"}
    second = evidence.make_pack(desk.store, lead, comment_ids=[ids["t1"]], purpose="police", language="fr")
    assert first.data == second.data and second.todos == []
    assert len(_audit(desk, "evidence.packed")) == 2
    report = _files(first.data)["report.txt"].decode()
    assert report.startswith("Déclaration à la police\n") and "“threat: ik weet waar je woont”" in report
    result = evidence.verify_pack(desk.store, lead, first.data)
    assert result.ok and result.same_zip and result.problems == []
    assert result.purpose == "police" and result.comment_ids == [ids["t1"]] and result.packed_by == "lead1"
    assert [(f.name, f.ok) for f in result.files] == [
        ("evidence.json", True),
        ("evidence.pdf", True),
        ("report.txt", True),
    ]
    # Unpacked and zipped again by hand: the files still verify, the ZIP is not the same bytes.
    repacked = evidence.verify_pack(desk.store, lead, _rezip(_files(first.data)))
    assert repacked.ok and not repacked.same_zip
    [checked, *_] = _audit(desk, "evidence.verified")
    assert checked.detail["ok"] is True and checked.subject_id == first.manifest_sha256


def test_a_changed_file_or_manifest_shows(desk: Desk, fake_triage: FakeTriage) -> None:
    ids = _seed(desk, fake_triage)
    lead = desk.actors["lead"]
    pack = evidence.make_pack(desk.store, lead, comment_ids=[ids["h1"]], purpose="unia", language="en")
    files = _files(pack.data)
    changed = dict(files)
    changed["evidence.json"] = files["evidence.json"].replace(b"die mensen moeten weg", b"die mensen zijn welkom")
    result = evidence.verify_pack(desk.store, lead, _rezip(changed))
    assert not result.ok and result.entry_id is not None
    assert [(f.name, f.ok) for f in result.files] == [
        ("evidence.json", False),
        ("evidence.pdf", True),
        ("unia.txt", True),
    ]
    assert any("evidence.json was changed" in p for p in result.problems)
    # Changing the manifest too (to hide the change) finds no pack in the audit log.
    changed[evidence.MANIFEST] = evidence.manifest({k: v for k, v in changed.items() if k != evidence.MANIFEST})
    hidden = evidence.verify_pack(desk.store, lead, _rezip(changed))
    assert not hidden.ok and hidden.entry_id is None and "in no evidence.packed entry" in hidden.problems[0]
    # A file left out, and one slipped in.
    fewer = {k: v for k, v in files.items() if k != "unia.txt"} | {"note.txt": b"x"}
    partial = evidence.verify_pack(desk.store, lead, _rezip(fewer))
    assert not partial.ok
    assert {p.split(" ", 1)[0] for p in partial.problems} == {"unia.txt", "note.txt"}
    with pytest.raises(InvalidInput, match="no evidence pack ZIP"):
        evidence.verify_pack(desk.store, lead, b"not a zip")
    with pytest.raises(InvalidInput, match="MANIFEST"):
        evidence.verify_pack(desk.store, lead, _rezip({"evidence.json": b"{}"}))
    assert [e.detail["ok"] for e in _audit(desk, "evidence.verified")] == [False, False, False]


def test_an_author_pack_holds_their_comments_on_the_organisations_one_sees(desk: Desk, fake_triage: FakeTriage) -> None:
    ids = _seed(desk, fake_triage)
    with desk.store.session() as s:
        found = repo.get_comment(s, ids["h1"])
        assert found is not None and found[2] is not None
        author_id = found[2].id
    lead, root = desk.actors["lead"], desk.actors["root"]
    pack = evidence.make_pack(desk.store, lead, author_id=author_id, purpose="lawyer", language="de")
    doc = json.loads(_files(pack.data)["evidence.json"])
    # The lead of Stad Gent sees troll's two comments there, not the one on VZW X.
    assert doc["subject"] == {"kind": "author", "comment_ids": [ids["h1"], ids["t1"]], "author_id": author_id}
    assert doc["author"]["external_id"] == "troll" and pack.todos == []
    # The author's record is listed once, with the first comment; the second one points to it.
    first, second = doc["comments"]
    assert first["author_record_with"] == ids["h1"] and len(first["author_comments"]) == 2
    assert second["author_record_with"] == ids["h1"] and second["author_comments"] == []
    report = _files(pack.data)["report.txt"].decode()
    assert report.startswith("Darstellung des Sachverhalts\n") and report.count("Kommentar #") == 2
    everything = evidence.make_pack(desk.store, root, author_id=author_id, purpose="lawyer", language="en")
    assert everything.comment_ids == [ids["h1"], ids["t1"], ids["x1"]]
    assert evidence.verify_pack(desk.store, root, everything.data).ok
    # The lead of Stad Gent is not told about a pack of VZW X's comments.
    other = evidence.make_pack(desk.store, root, comment_ids=[ids["x1"]], purpose="lawyer", language="en")
    assert evidence.verify_pack(desk.store, lead, other.data).entry_id is None


def test_who_may_pack_and_bad_requests(desk: Desk, fake_triage: FakeTriage) -> None:
    ids = _seed(desk, fake_triage)
    lead, mod = desk.actors["lead"], desk.actors["moderator"]
    with pytest.raises(Forbidden, match="evidence packs"):
        evidence.make_pack(desk.store, mod, comment_ids=[ids["h1"]], purpose="unia", language="nl")
    with pytest.raises(Forbidden):
        evidence.verify_pack(desk.store, mod, b"")
    with pytest.raises(NotFound):
        evidence.make_pack(desk.store, lead, comment_ids=[ids["x1"]], purpose="unia", language="nl")
    with pytest.raises(InvalidInput, match="unknown purpose"):
        evidence.make_pack(desk.store, lead, comment_ids=[ids["h1"]], purpose="press", language="nl")
    with pytest.raises(InvalidInput, match="unknown language"):
        evidence.make_pack(desk.store, lead, comment_ids=[ids["h1"]], purpose="unia", language="es")
    with pytest.raises(NotFound, match="no author"):
        evidence.make_pack(desk.store, lead, author_id=99999, purpose="unia", language="nl")
    # Nothing refused was written: no pack, no to-do.
    assert _audit(desk, "evidence.packed") == [] and _audit(desk, "action.to_do_added") == []


def test_the_unia_text_names_the_protected_ground_in_each_language() -> None:
    doc = {
        "organisation": "Stad Gent",
        "comments": [
            {
                "id": 7,
                "platform_name": "Facebook",
                "organisation": "Stad Gent",
                "url": "https://www.facebook.com/p1?comment_id=9",
                "posted_local": "02/03/2026 13:00:00",
                "text": "die mensen moeten weg",
                "author": {"name": "Troll", "external_id": "troll99"},
                "verdict": {"labels": ["hate"], "target": "religion", "severity": 3, "evidence": []},
            }
        ],
    }
    expected = {
        "nl": "Ze viseert mensen omwille van hun geloof of levensbeschouwing.",
        "fr": "Il vise des personnes en raison de leur conviction religieuse ou philosophique.",
        "en": "It targets people because of their religion or belief.",
        "de": "Er richtet sich gegen Menschen wegen ihrer Religion oder Weltanschauung.",
    }
    for language, ground in expected.items():
        text = evidence_text.statement(doc, "unia", language)
        assert ground in text and "Troll (troll99)" in text and "https://www.facebook.com/p1?comment_id=9" in text


def test_a_list_of_comments_packs_like_a_raid(desk: Desk, fake_triage: FakeTriage) -> None:
    ids = _seed(desk, fake_triage)
    lead = desk.actors["lead"]
    pack = evidence.make_pack(
        desk.store, lead, comment_ids=[ids["t1"], ids["h1"], ids["r1"], ids["t1"]], purpose="unia", language="nl"
    )
    doc = json.loads(_files(pack.data)["evidence.json"])
    # Each comment once, in the order given; troll's record goes with the first of troll's, bert's with his.
    assert doc["subject"] == {"kind": "comments", "comment_ids": [ids["t1"], ids["h1"], ids["r1"]], "author_id": None}
    assert [c["author_record_with"] for c in doc["comments"]] == [ids["t1"], ids["t1"], ids["r1"]]
    assert pack.filename == "hierniet-evidence-comments-unia.zip" and len(pack.todos) == 3
    assert _files(pack.data)["unia.txt"].decode().count("Reactie #") == 3
    assert evidence.verify_pack(desk.store, lead, pack.data).ok
