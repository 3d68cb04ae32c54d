"""Raids on the store's side (issue 14, hierniet.services.raids): events from stored comments, detection runs
that read only new comments and keep the detector's state, the lead's alert, and the one-move actions through
decisions and the outbox, audited and undone. SQLite and PostgreSQL (the `desk` fixture).

The service's own mechanics (cursor, state, moves, undo, concurrent runs) are driven by tests/raids_double.py's
scripted detector, so each test states exactly which burst it finds; the real detector (hierniet.raids.detector)
runs in tests/web/test_desk_raids.py, test_api_raids.py, tests/browser and tests/connectors/test_raids_e2e.py.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from hierniet.raids.types import RaidKind
from hierniet.services import alerts, decisions, raids
from hierniet.services.decisions import DecisionIn
from hierniet.services.errors import Conflict, Forbidden, NotFound
from hierniet.services.ingest import ingest
from hierniet.settings import Settings
from hierniet.store import repo_alerts, repo_raids
from hierniet.store.tables import Alert, AuditEntry, Comment, QueuedAction, RaidDetectorState
from raids_double import ScriptedDetector, make_double
from store.dbfixtures import Desk, FakeTriage

START = datetime(2026, 11, 3, 20, 0, tzinfo=UTC)
WINDOW = timedelta(minutes=10)


def _items(desk: Desk, texts: list[tuple[str, str]], *, post: str = "p1", start: datetime = START, prefix: str = "c"):
    """(author, text) pairs as comments under `post`, 30 seconds apart."""
    return [
        {
            "id": f"{prefix}{i}",
            "text": text,
            "channel_id": desk.channel_id,
            "author": author,
            "thread": post,
            "posted_at": (start + timedelta(seconds=30 * i)).isoformat(),
        }
        for i, (author, text) in enumerate(texts)
    ]


def _ingest(desk: Desk, triage: FakeTriage, items: list[dict[str, Any]]) -> list[int]:
    result = ingest(desk.store, triage, items, actor=desk.actors["admin"])
    return [c.comment_id for c in result.created]


def _brigade(desk: Desk, triage: FakeTriage, n: int = 6, **kw: Any) -> list[int]:
    return _ingest(desk, triage, _items(desk, [(f"troll{i}", "insult: jij bent een idioot") for i in range(n)], **kw))


def _run(desk: Desk, now: datetime = START + timedelta(hours=1)) -> raids.DetectionReport:
    return raids.run_detection(desk.store, now, make_detector=make_double)


def _outbox(desk: Desk, comment_ids: list[int]) -> list[tuple[int, str, str]]:
    with desk.store.session() as s:
        rows = s.scalars(select(QueuedAction).where(QueuedAction.comment_id.in_(comment_ids)).order_by(QueuedAction.id))
        return [(a.comment_id, a.action, a.status) for a in rows]


def _audit(desk: Desk, prefix: str) -> list[AuditEntry]:
    with desk.store.session() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action.like(f"{prefix}%")).order_by(AuditEntry.id)))


# --- events ---------------------------------------------------------------------------------------------------


def test_a_persons_decision_counts_over_the_machines_labels() -> None:
    assert raids.is_abusive(["insult"], None)
    assert not raids.is_abusive(["insult"], "reply")  # a person read it as no abuse
    assert raids.is_abusive(["ok"], "hide")
    assert not raids.is_abusive(["criticism"], None)


def test_targets_are_mentions_and_named_staff() -> None:
    text = "@Burgemeester_Jan en @schepen.els. Ook Marie Peeters moet weg, mail a@b.be"
    assert raids.targets_in(text, ["Marie Peeters", "Piet"]) == ("burgemeester_jan", "schepen.els", "marie peeters")


def test_events_from_stored_comments(desk: Desk, fake_triage: FakeTriage) -> None:
    old = _ingest(
        desk,
        fake_triage,
        _items(desk, [("regular", "criticism: slechte dienst")], start=START - timedelta(days=30), prefix="o"),
    )
    ids = _ingest(
        desk, fake_triage, _items(desk, [("regular", "criticism: weer te laat @NMBS"), ("new", "insult: idioot")])
    )
    with desk.store.session() as s:
        rows = repo_raids.comments_after(s, desk.organisation_id, old[0], 10)
        seen = repo_raids.first_seen(s, desk.organisation_id, [c.author_id for c, _, _ in rows if c.author_id])
        events = [raids.event_for(c, ch, a, first_seen=seen.get(c.author_id or 0)) for c, ch, a in rows]
    assert [e.comment_id for e in events if e] == [str(i) for i in ids]
    regular, new = events
    assert regular is not None and new is not None
    assert (regular.author_known, regular.criticism, regular.abusive, regular.targets) == (True, True, False, ("nmbs",))
    assert (new.author_known, new.abusive, new.post, new.platform) == (False, True, "p1", "facebook")


# --- detection ------------------------------------------------------------------------------------------------


def test_a_brigade_becomes_a_raid_with_members_comments_and_one_alert(desk: Desk, fake_triage: FakeTriage) -> None:
    ids = _brigade(desk, fake_triage)
    _ingest(desk, fake_triage, _items(desk, [("fan", "mooi initiatief")], post="p2", prefix="x"))
    report = _run(desk)
    assert len(report.new) == 1 and report.read == 7 and report.alerted == report.new
    (raid_id,) = report.new
    detail = raids.raid_detail(desk.store, desk.actors["lead"], raid_id)
    assert detail.raid.kind == "raid" and detail.raid.post == "p1" and detail.raid.comments == 6
    assert sorted(detail.raid.members) == sorted(f"troll{i}" for i in range(6))
    assert {m.role for m in detail.members} == {"core", "joiner"}
    assert [c.count for c in detail.clusters] == [6]
    # The fake triage points at no word: abuse it cannot mask is not quoted.
    assert detail.clusters[0].text is None
    assert sum(n for _, n, _ in detail.timeline) == 6 and detail.timeline[0][2] >= 1
    assert [str(r) for r in detail.raid.reasons] == ["6 comments by 6 authors"]
    with desk.store.session() as s:
        (alert,) = s.scalars(select(Alert).where(Alert.kind == alerts.RAID))
        assert (alert.raid_id, alert.comment_id, alert.organisation_id) == (raid_id, ids[0], desk.organisation_id)
        state = s.get(RaidDetectorState, desk.organisation_id)
        assert state is not None and state.last_comment_id == max(ids) + 1 and state.state["events"]
    # A second run reads nothing new, finds the same raid (updated, not new) and alerts no one twice.
    again = _run(desk)
    assert again.read == 0 and again.new == [] and again.updated == [raid_id]
    with desk.store.session() as s:
        assert len(list(s.scalars(select(Alert).where(Alert.kind == alerts.RAID)))) == 1


def test_only_new_comments_are_fed_and_the_state_survives_a_restart(desk: Desk, fake_triage: FakeTriage) -> None:
    built: list[ScriptedDetector] = []

    def make(state: Any) -> ScriptedDetector:
        built.append(make_double(state))
        return built[-1]

    _brigade(desk, fake_triage, n=3)
    raids.run_detection(
        desk.store, START + timedelta(hours=1), make_detector=make, organisation_id=desk.organisation_id
    )
    assert built[0].observed == [3] and not built[0].events.keys() - {str(i) for i in built[0].events}
    # Three authors are no raid for the double; a fourth comes later, read from a detector rebuilt from the store.
    _ingest(
        desk,
        fake_triage,
        _items(desk, [("troll9", "insult: weg ermee")], start=START + timedelta(minutes=3), prefix="late"),
    )
    report = raids.run_detection(
        desk.store, START + timedelta(hours=1), make_detector=make, organisation_id=desk.organisation_id
    )
    assert built[1].observed == [1] and len(built[1].events) == 4
    assert len(report.new) == 1


def test_a_criticism_storm_is_no_raid_and_alerts_no_one(desk: Desk, fake_triage: FakeTriage) -> None:
    _ingest(desk, fake_triage, _items(desk, [(f"klant{i}", "criticism: alweer vertraging") for i in range(5)]))
    (storm_id,) = _run(desk).new
    detail = raids.raid_detail(desk.store, desk.actors["lead"], storm_id)
    assert detail.raid.kind == RaidKind.CRITICISM_STORM.value and detail.offers == ["dismiss"]
    with pytest.raises(Conflict, match="criticism storm: answer it, do not hide it"):
        raids.hide_all(desk.store, desk.actors["lead"], storm_id)
    with pytest.raises(Conflict, match="criticism storm"):
        raids.block_core(desk.store, desk.actors["lead"], storm_id)
    with desk.store.session() as s:
        assert list(s.scalars(select(Alert).where(Alert.kind == alerts.RAID))) == []


def test_a_quiet_raid_closes_and_grows_open_again(desk: Desk, fake_triage: FakeTriage) -> None:
    (raid_id,) = _run(desk).new if _brigade(desk, fake_triage) else []
    report = raids.run_detection(
        desk.store, START + timedelta(hours=8), make_detector=make_double, close_after=timedelta(hours=6)
    )
    assert report.closed == 1
    assert raids.banners(desk.store, desk.actors["moderator"]) == []
    _ingest(
        desk,
        fake_triage,
        _items(desk, [("troll77", "insult: nog eens")], start=START + timedelta(minutes=5), prefix="n"),
    )
    _run(desk)
    (banner,) = raids.banners(desk.store, desk.actors["moderator"], post="p1")
    assert banner.id == raid_id and banner.linked is False and banner.comments == 7


def test_raids_are_for_leads_of_their_organisation(desk: Desk, fake_triage: FakeTriage) -> None:
    _brigade(desk, fake_triage)
    (raid_id,) = _run(desk).new
    with pytest.raises(Forbidden):
        raids.list_raids(desk.store, desk.actors["moderator"])
    other = desk.actors["lead"].__class__(
        desk.actors["lead"].user_id, "lead-b", desk.actors["lead"].role, desk.other_organisation_id
    )
    with pytest.raises(NotFound):
        raids.raid_detail(desk.store, other, raid_id)
    assert raids.list_raids(desk.store, other)[1] == 0
    found, total = raids.list_raids(desk.store, desk.actors["lead"], status="open", kind="raid")
    assert total == 1 and found[0].id == raid_id


# --- the one-move actions -------------------------------------------------------------------------------------


def test_hide_all_decides_each_undecided_abusive_comment_and_undo_takes_it_back(
    desk: Desk, fake_triage: FakeTriage
) -> None:
    ids = _brigade(desk, fake_triage)
    (raid_id,) = _run(desk).new
    lead = desk.actors["lead"]
    # A moderator had already decided one comment: their decision stands.
    decisions.record_decision(desk.store, desk.actors["moderator"], ids[0], DecisionIn(step="refer", reason="ironie"))
    result = raids.hide_all(desk.store, lead, raid_id)
    assert result.skipped == [ids[0]] and result.done == ids[1:] and result.failed == {}
    with desk.store.session() as s:
        steps = {c.id: c.decided_step for c in s.scalars(select(Comment).where(Comment.id.in_(ids)))}
    assert steps == {ids[0]: "refer"} | {i: "hide" for i in ids[1:]}
    assert {(a, st) for c, a, st in _outbox(desk, ids[1:])} == {("hide", "queued")}
    (entry,) = _audit(desk, "raid.hide")
    assert entry.subject_type == "raid" and entry.detail["comments"] == ids[1:] and entry.detail["skipped"] == [ids[0]]
    assert len(_audit(desk, "decision.")) == 6  # the moderator's and the five of the move
    # Somebody decides one comment again before the undo: that later decision stays.
    decisions.record_decision(desk.store, lead, ids[1], DecisionIn(step="block", reason="herhaalde aanval"))
    undone = raids.undo_move(desk.store, lead, raid_id, result.action_id, window=WINDOW)
    assert undone.undone == ids[2:] and list(undone.kept) == [ids[1]]
    with desk.store.session() as s:
        steps = {c.id: (c.status, c.decided_step) for c in s.scalars(select(Comment).where(Comment.id.in_(ids[2:])))}
    assert {step for _status, step in steps.values()} == {None}
    assert {status for status, _step in steps.values()} <= {"open", "escalated"}
    assert {st for c, a, st in _outbox(desk, ids[2:]) if a == "hide"} == {"cancelled"}
    with pytest.raises(Conflict, match="undone already"):
        raids.undo_move(desk.store, lead, raid_id, result.action_id, window=WINDOW)
    assert _audit(desk, "raid.undo")[0].detail["move"] == result.action_id


def test_block_core_is_a_leads_move(desk: Desk, fake_triage: FakeTriage) -> None:
    ids = _brigade(desk, fake_triage, n=8)
    (raid_id,) = _run(desk).new
    with pytest.raises(Forbidden):
        raids.block_core(desk.store, desk.actors["moderator"], raid_id)
    result = raids.block_core(desk.store, desk.actors["lead"], raid_id)
    detail = raids.raid_detail(desk.store, desk.actors["lead"], raid_id)
    core = sorted(m.author_id for m in detail.members if m.role == "core")
    assert result.done == core and 0 < len(core) < 8
    # Facebook's block is a ban from the page (the policy's block_action), queued once per core member.
    banned = {c for c, a, st in _outbox(desk, ids) if a == "ban_from_page" and st == "queued"}
    assert len(banned) == len(core)
    with desk.store.session() as s:
        authors = {c.author_id for c in s.scalars(select(Comment).where(Comment.id.in_(banned)))}
    assert sorted(a for a in authors if a is not None) == core


def test_hold_is_a_to_do_saying_what_to_do_and_undo_cancels_it(desk: Desk, fake_triage: FakeTriage) -> None:
    ids = _brigade(desk, fake_triage)
    (raid_id,) = _run(desk).new
    result = raids.hold_post(desk.store, desk.actors["lead"], raid_id)
    assert result.done == [ids[0]] and len(result.to_do) == 1 and result.queued == []
    with desk.store.session() as s:
        row = s.get(QueuedAction, result.to_do[0])
        assert row is not None and (row.action, row.status) == ("hold_new_comments", "manual")
        assert row.payload["post"] == "p1" and "comment" in row.payload["how"].lower()
    raids.undo_move(desk.store, desk.actors["lead"], raid_id, result.action_id, window=WINDOW)
    assert _outbox(desk, [ids[0]])[-1][2] == "cancelled"


def test_dismiss_is_kept_by_later_runs_and_undone(desk: Desk, fake_triage: FakeTriage) -> None:
    _brigade(desk, fake_triage)
    (raid_id,) = _run(desk).new
    lead = desk.actors["lead"]
    move = raids.dismiss(desk.store, lead, raid_id, reason="een actie van fans")
    assert raids.banners(desk.store, lead) == []
    _ingest(
        desk, fake_triage, _items(desk, [("troll50", "insult: nog")], start=START + timedelta(minutes=4), prefix="d")
    )
    _run(desk)
    assert raids.raid_detail(desk.store, lead, raid_id).raid.status == "dismissed"
    assert raids.raid_detail(desk.store, lead, raid_id).offers == []
    with pytest.raises(Conflict, match="dismissed"):
        raids.hide_all(desk.store, lead, raid_id)
    with pytest.raises(Conflict, match="did not make"):
        raids.undo_move(desk.store, desk.actors["admin"], raid_id, move.action_id, window=WINDOW)
    raids.undo_move(desk.store, lead, raid_id, move.action_id, window=WINDOW)
    assert raids.raid_detail(desk.store, lead, raid_id).raid.status == "open"


def test_one_evidence_pack_for_the_raid(desk: Desk, fake_triage: FakeTriage) -> None:
    ids = _brigade(desk, fake_triage)
    (raid_id,) = _run(desk).new
    result = raids.evidence_pack(desk.store, desk.actors["lead"], raid_id, purpose="police", language="nl")
    assert result.pack is not None and result.pack.comment_ids == ids and result.pack.data[:2] == b"PK"
    with pytest.raises(Conflict, match="cannot be undone"):
        raids.undo_move(desk.store, desk.actors["lead"], raid_id, result.action_id, window=WINDOW)
    assert _audit(desk, "raid.evidence")[0].detail["manifest_sha256"] == result.pack.manifest_sha256


def test_the_raid_alert_names_the_raid_and_links_to_its_page_without_text(desk: Desk, fake_triage: FakeTriage) -> None:
    _brigade(desk, fake_triage)
    (raid_id,) = _run(desk).new
    now = START + timedelta(hours=2)
    with desk.store.transaction() as tx:
        (alert_id,) = repo_alerts.due_alerts(tx, now, 10)
        assert repo_alerts.claim(tx, alert_id, "w1", now, now + timedelta(minutes=1))
    with desk.store.session() as s:
        (claimed,) = repo_alerts.claimed(s, "w1", [alert_id])
    message = alerts.message_for(Settings(public_url="https://desk.example.org"), claimed)
    assert message.link == f"https://desk.example.org/desk/raids/{raid_id}"
    text = message.text()
    assert f"#{raid_id}" in text and "idioot" not in text and "troll" not in text and "Raid" in text


# --- the command and the worker -------------------------------------------------------------------------------


def test_raids_detect_prints_what_it_found(
    desk: Desk, fake_triage: FakeTriage, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    import typer
    from typer.testing import CliRunner

    from hierniet.raids.detect_cli import detect
    from hierniet.settings import get_settings

    if desk.store.engine.dialect.name != "sqlite":
        pytest.skip("the command opens the store by its URL: the SQLite file is enough to show it")
    _brigade(desk, fake_triage)
    monkeypatch.setenv("HIERNIET_DATABASE_URL", desk.store.engine.url.render_as_string(hide_password=False))
    monkeypatch.setattr(raids, "real_detector", make_double)
    get_settings.cache_clear()
    app = typer.Typer()
    app.command()(detect)
    app.command("noop")(lambda: None)  # two commands: typer then routes by name, as under `hierniet raids`
    try:
        result = CliRunner().invoke(app, ["detect", "--org", "stad-gent", "--json"])
        again = CliRunner().invoke(app, ["detect", "--org", "nobody"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    (row,) = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert row["kind"] == "raid" and row["post_id"] == "p1" and len(row["members"]) == 6
    assert "6 comments read; 1 new" in result.output
    assert again.exit_code == 2 and "no organisation 'nobody'" in again.output


def test_the_worker_looks_for_raids_and_goes_on_after_a_restart(desk: Desk, fake_triage: FakeTriage) -> None:
    from hierniet.services.outbox import Worker, WorkerOptions

    settings = Settings(database_url="sqlite://", raid_detect_interval_s=30)
    options = WorkerOptions(poll=False, retention=False)
    clock = [100.0]
    worker = Worker(desk.store, settings, options, make_detector=make_double)
    worker.clock = lambda: clock[0]
    _brigade(desk, fake_triage, n=3)
    now = START + timedelta(hours=1)
    assert worker.run_once(now=now).raids.read == 3
    assert worker.run_once(now=now).raids is None  # not due again before 30 seconds
    # A restart: a new worker with a new detector built from the state in the store reads only what is new.
    _ingest(
        desk, fake_triage, _items(desk, [("troll9", "insult: weg")], start=START + timedelta(minutes=2), prefix="r")
    )
    restarted = Worker(desk.store, settings, options, make_detector=make_double)
    report = restarted.run_once(now=now).raids
    assert report.read == 1 and len(report.new) == 1 and report.alerted == report.new
    off = Worker(desk.store, Settings(database_url="sqlite://", raid_detect_interval_s=0), options)
    assert off.run_once(now=now).raids is None


def test_two_runs_at_once_never_save_over_each_other(desk: Desk, fake_triage: FakeTriage) -> None:
    _brigade(desk, fake_triage)
    now = START + timedelta(hours=1)
    inner: list[raids.DetectionReport] = []

    def make(state: Any) -> ScriptedDetector:
        # A second run (another worker) starts and saves while this one is reading.
        if not inner:
            inner.append(
                raids.run_detection(desk.store, now, make_detector=make_double, organisation_id=desk.organisation_id)
            )
        return make_double(state)

    outer = raids.run_detection(desk.store, now, make_detector=make, organisation_id=desk.organisation_id)
    assert len(inner[0].new) == 1 and outer.new == [] and outer.updated == []
    with desk.store.session() as s:
        assert len(repo_raids.list_raids(s, desk.organisation_id)[0]) == 1


def test_on_bluesky_the_hold_is_sent_by_the_worker_and_its_undo_lifts_it(desk: Desk, fake_triage: FakeTriage) -> None:
    from hierniet.store import repo

    with desk.store.transaction() as tx:
        sky = repo.add_channel(
            tx,
            organisation_id=desk.organisation_id,
            platform="bluesky",
            external_id="did:plc:gent",
            name="gent.bsky",
            policy_yaml=None,
            credentials_ref=None,
        ).id
    root = "at://did:plc:gent/app.bsky.feed.post/3root"
    items = [
        {**row, "channel_id": sky}
        for row in _items(desk, [(f"did:plc:troll{i}", "insult: idioot") for i in range(5)], post=root, prefix="b")
    ]
    ids = _ingest(desk, fake_triage, items)
    (raid_id,) = _run(desk).new
    lead = desk.actors["lead"]
    result = raids.hold_post(desk.store, lead, raid_id)
    assert result.to_do == [] and len(result.queued) == 1
    with desk.store.transaction() as tx:
        row = tx.get(QueuedAction, result.queued[0])
        assert row is not None and (row.action, row.status, row.comment_id) == ("hold_new_comments", "queued", ids[0])
        row.status = "done"  # as the worker records it once Bluesky took it
    undone = raids.undo_move(desk.store, lead, raid_id, result.action_id, window=WINDOW)
    assert undone.to_do == [] and len(undone.undone) == 1
    with desk.store.session() as s:
        release = s.get(QueuedAction, undone.undone[0])
        assert release is not None and (release.action, release.status) == ("release_hold", "queued")


def test_a_pile_on_on_a_person_the_policy_names_is_found_across_posts(desk: Desk, fake_triage: FakeTriage) -> None:
    """The organisation's policy names its spokesperson (`organisation.people`); ten accounts insult her by name
    under three different posts within minutes: the real detector finds one raid aimed at her, not at a post."""
    from hierniet.store import repo

    policy = "extends: default\nname: met-mensen\nversion: 1\norganisation:\n  people: [Sofie Peeters]\n"
    with desk.store.transaction() as tx:
        repo.get_organisation(tx, desk.organisation_id).policy_yaml = policy  # type: ignore[union-attr]
    assert raids.people_of(desk.store, desk.organisation_id) == ("Sofie Peeters",)
    texts = ["insult: Sofie Peeters is een leugenachtige trut", "insult: sofie peeters, vuile heks, ga weg"]
    items = [
        {
            "id": f"sp{i}",
            "text": texts[i % 2],
            "channel_id": desk.channel_id,
            "author": f"hater{i}",
            "thread": f"post{i % 3}",
            "posted_at": (START + timedelta(seconds=20 * i)).isoformat(),
        }
        for i in range(10)
    ]
    _ingest(desk, fake_triage, items)
    report = raids.run_detection(desk.store, START + timedelta(minutes=30))
    found = [r for r in report.findings if r.kind is RaidKind.RAID]
    assert [r.target for r in found] == ["sofie peeters"], [(r.post, r.target) for r in report.findings]
    assert len(found[0].members) == 10  # the store's author ids; the API lists their platform ids


def test_a_name_too_short_for_a_comment_is_refused_with_how_to_fix_it() -> None:
    from hierniet.policy import PolicyError, parse_policy

    with pytest.raises(PolicyError, match="3 to 100 characters"):
        parse_policy("extends: default\nname: x\nversion: 1\norganisation:\n  people: [Al]\n")


def test_accounts_new_to_the_platform_are_stored_and_read_by_the_detector(desk: Desk, fake_triage: FakeTriage) -> None:
    """A connector (Mastodon, X) or an importer says when each account was made: the store keeps it, and the
    real detector names a burst of accounts made two days before as new accounts."""
    from hierniet.store.tables import Author

    items = [
        {
            "id": f"na{i}",
            "text": f"insult: jij bent een vuile idioot, ga weg #wegermee {i % 2}",
            "channel_id": desk.channel_id,
            "author": f"fresh{i}",
            "author_created_at": (START - timedelta(days=2)).isoformat(),
            "thread": "p-new",
            "posted_at": (START + timedelta(seconds=20 * i)).isoformat(),
        }
        for i in range(10)
    ]
    # One account without a date first: a later comment that carries it fills it in.
    first = dict(items[0], id="na-early", posted_at=(START - timedelta(days=1)).isoformat())
    del first["author_created_at"]
    _ingest(desk, fake_triage, [first])
    _ingest(desk, fake_triage, items)
    with desk.store.session() as s:
        made = {a.external_id: a.account_created_at for a in s.scalars(select(Author))}
    assert made["fresh0"] is not None and made["fresh0"].date() == (START - timedelta(days=2)).date()
    report = raids.run_detection(desk.store, START + timedelta(minutes=30))
    (raid,) = [r for r in report.findings if r.kind is RaidKind.RAID]
    assert "raids.new_accounts" in {r.code for r in raid.reasons}, [r.code for r in raid.reasons]


def test_an_implausible_account_date_is_refused_by_name(desk: Desk, fake_triage: FakeTriage) -> None:
    from pydantic import ValidationError

    from hierniet.services.ingest import CommentIn

    with pytest.raises(ValidationError, match="author_created_at"):
        CommentIn.model_validate(
            {"id": "x", "text": "hallo", "author": "a", "author_created_at": "0999-01-01T00:00:00+00:00"}
        )


def test_a_listed_name_counts_as_a_whole_word_only() -> None:
    assert raids.targets_in("Sofie, ga weg!", ["Sofie"]) == ("sofie",)
    assert raids.targets_in("De Sofiestraat ligt weer open", ["Sofie"]) == ()
    assert raids.targets_in("@schepen_vr en Sofie Peeters", ["Sofie Peeters"]) == ("schepen_vr", "sofie peeters")


# --- holding new comments on a post (YouTube: each one; Mastodon: the quote policy) -----------------------------


def _channel(desk: Desk, platform: str, external_id: str) -> int:
    from hierniet.store import repo

    with desk.store.transaction() as tx:
        return repo.add_channel(
            tx,
            organisation_id=desk.organisation_id,
            platform=platform,
            external_id=external_id,
            name=f"{platform}-gent",
            policy_yaml=None,
            credentials_ref=None,
        ).id


def _on(channel: int, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**row, "channel_id": channel} for row in rows]


def _youtube_raid(desk: Desk, fake_triage: FakeTriage) -> tuple[int, int, list[int]]:
    yt = _channel(desk, "youtube", "UCgent")
    items = _on(yt, _items(desk, [(f"UCtroll{i}", "insult: idioot") for i in range(5)], post="vid1", prefix="y"))
    ids = _ingest(desk, fake_triage, items)
    (raid_id,) = _run(desk).new
    return yt, raid_id, ids


def _held_rows(desk: Desk, comment_ids: list[int]) -> dict[int, list[tuple[str, str, dict[str, Any]]]]:
    with desk.store.session() as s:
        rows = s.scalars(select(QueuedAction).where(QueuedAction.comment_id.in_(comment_ids)).order_by(QueuedAction.id))
        out: dict[int, list[tuple[str, str, dict[str, Any]]]] = {c: [] for c in comment_ids}
        for a in rows:
            out[a.comment_id].append((a.action, a.status, dict(a.payload or {})))
        return out


def test_on_youtube_each_new_comment_on_the_held_post_is_held_for_review(desk: Desk, fake_triage: FakeTriage) -> None:
    yt, raid_id, old = _youtube_raid(desk, fake_triage)
    lead = desk.actors["lead"]
    result = raids.hold_post(desk.store, lead, raid_id)
    # No call and no to-do at the move: the hold acts on each comment as it is stored.
    assert result.holding == [yt] and result.to_do == [] and result.queued == []
    with pytest.raises(Conflict, match="held already"):
        raids.hold_post(desk.store, lead, raid_id)
    detail = raids.raid_detail(desk.store, lead, raid_id)
    assert "hold" not in detail.offers
    assert [(h.platform, h.mode, h.lifted_at) for h in detail.holds] == [("youtube", "each", None)]

    new = _ingest(
        desk,
        fake_triage,
        _on(
            yt,
            _items(desk, [("UCnew1", "insult: weg"), ("UCnew2", "ik vind dit een goed plan")], post="vid1", prefix="n"),
        ),
    )
    elsewhere = _ingest(desk, fake_triage, _on(yt, _items(desk, [("UCfan", "mooi")], post="vid2", prefix="e")))
    # Spam is hidden by its own automatic step (hold_for_review on YouTube): the hold does not hold it twice.
    spam = _ingest(
        desk, fake_triage, _on(yt, _items(desk, [("UCspam", "spam: gratis iphone")], post="vid1", prefix="s"))
    )
    rows = _held_rows(desk, old + new + elsewhere + spam)
    for comment_id in new:
        ((action, status, payload),) = rows[comment_id]
        assert (action, status, payload) == ("hold_for_review", "queued", payload) and payload["raid"] == raid_id
    assert all(rows[c] == [] for c in old + elsewhere)  # the comments before the hold, and another video's
    assert [("raid_hold" in p) for a, _st, p in rows[spam[0]] if a == "hold_for_review"] == [False]
    (entry,) = _audit(desk, "raid.held")
    assert entry.subject_id == str(raid_id) and entry.detail["comments"] == new
    assert entry.actor == desk.actors["admin"].name  # whoever sent the comments in: the machine's action
    assert raids.raid_detail(desk.store, lead, raid_id).holds[0].held == new


def test_lifting_the_hold_releases_what_it_held_but_a_persons_decision_stands(
    desk: Desk, fake_triage: FakeTriage
) -> None:
    yt, raid_id, _old = _youtube_raid(desk, fake_triage)
    lead, moderator = desk.actors["lead"], desk.actors["moderator"]
    move = raids.hold_post(desk.store, lead, raid_id)
    texts = [(f"UCnew{i}", "insult: weg ermee") for i in range(4)]
    sent, waiting, hidden, shown = _ingest(desk, fake_triage, _on(yt, _items(desk, texts, post="vid1", prefix="n")))
    with desk.store.transaction() as tx:  # the worker held three of them on YouTube; one still waits
        for row in tx.scalars(select(QueuedAction).where(QueuedAction.comment_id.in_([sent, hidden, shown]))):
            row.status, row.sent_at = "done", START
    # A moderator reviews two held comments: one stays hidden, one is shown again (their decision, not the hold's).
    decisions.record_decision(desk.store, moderator, hidden, DecisionIn(step="hide", reason="beledigend", reply=""))
    decisions.record_decision(desk.store, moderator, shown, DecisionIn(step="none", reason="valt mee", reply=""))
    assert [(a, st) for a, st, _p in _held_rows(desk, [hidden])[hidden]] == [("hold_for_review", "done")]
    assert [(a, st) for a, st, _p in _held_rows(desk, [shown])[shown]] == [
        ("hold_for_review", "done"),
        ("unhide", "queued"),
    ]

    undone = raids.undo_move(desk.store, lead, raid_id, move.action_id, window=WINDOW)
    assert sorted(undone.kept) == [hidden, shown] and undone.to_do == []
    rows = _held_rows(desk, [sent, waiting, hidden, shown])
    # Held on YouTube: released (published again), as the taking back of that very call.
    (_hold, release) = rows[sent]
    assert release[:2] == ("unhide", "queued") and release[2]["reverses"] is not None
    # Never sent: cancelled, nothing to release.
    assert [(a, st) for a, st, _p in rows[waiting]] == [("hold_for_review", "cancelled")]
    # Decided by a person meanwhile: nothing added by the lift.
    assert [(a, st) for a, st, _p in rows[hidden]] == [("hold_for_review", "done")]
    assert len(rows[shown]) == 2
    assert raids.raid_detail(desk.store, lead, raid_id).holds[0].lifted_at is not None
    # Lifted: a comment stored after it is not held, and the post can be held again.
    (later,) = _ingest(desk, fake_triage, _on(yt, _items(desk, [("UClate", "insult: nog")], post="vid1", prefix="l")))
    assert _held_rows(desk, [later])[later] == []
    assert "hold" in raids.raid_detail(desk.store, lead, raid_id).offers


def test_a_later_hide_of_a_released_comment_holds_it_again(desk: Desk, fake_triage: FakeTriage) -> None:
    yt, raid_id, _old = _youtube_raid(desk, fake_triage)
    lead = desk.actors["lead"]
    move = raids.hold_post(desk.store, lead, raid_id)
    (comment,) = _ingest(desk, fake_triage, _on(yt, _items(desk, [("UCx", "insult: weg")], post="vid1", prefix="n")))
    with desk.store.transaction() as tx:
        for row in tx.scalars(select(QueuedAction).where(QueuedAction.comment_id == comment)):
            row.status, row.sent_at = "done", START
    raids.undo_move(desk.store, lead, raid_id, move.action_id, window=WINDOW)
    with desk.store.transaction() as tx:
        for row in tx.scalars(select(QueuedAction).where(QueuedAction.action == "unhide")):
            row.status, row.sent_at = "done", START
    decisions.record_decision(desk.store, lead, comment, DecisionIn(step="hide", reason="toch verbergen", reply=""))
    assert [(a, st) for a, st, _p in _held_rows(desk, [comment])[comment]][-1] == ("hold_for_review", "queued")


def test_a_decision_on_the_first_comment_leaves_the_posts_hold_alone(desk: Desk, fake_triage: FakeTriage) -> None:
    """The hold's call rides on the raid's first comment: hiding that comment (hide every abusive comment) must
    neither cancel the hold nor its lift."""
    ids = _brigade(desk, fake_triage)
    (raid_id,) = _run(desk).new
    lead = desk.actors["lead"]
    hold = raids.hold_post(desk.store, lead, raid_id)
    raids.hide_all(desk.store, lead, raid_id)
    with desk.store.session() as s:
        row = s.get(QueuedAction, hold.to_do[0])
        assert row is not None and (row.comment_id, row.status) == (ids[0], "manual")


def test_on_mastodon_the_hold_sets_the_quote_policy_and_leaves_replies_as_a_to_do(
    desk: Desk, fake_triage: FakeTriage
) -> None:
    masto = _channel(desk, "mastodon", "stadgent")
    items = _on(masto, _items(desk, [(f"10{i}", "insult: idioot") for i in range(5)], post="1100", prefix="m"))
    _ingest(desk, fake_triage, items)
    (raid_id,) = _run(desk).new
    lead = desk.actors["lead"]
    result = raids.hold_post(desk.store, lead, raid_id)
    assert len(result.queued) == 1 and len(result.to_do) == 1 and result.holding == []
    with desk.store.transaction() as tx:
        quotes, replies = tx.get(QueuedAction, result.queued[0]), tx.get(QueuedAction, result.to_do[0])
        assert quotes is not None and replies is not None
        assert (quotes.action, quotes.status) == ("hold_new_comments", "queued")
        assert (replies.action, replies.status) == ("hold_replies", "manual")
        assert "cannot limit replies" in replies.payload["how"]
        # As the worker records it once Mastodon took it: the policy it replaced.
        quotes.status, quotes.platform_ref = "done", "quote_approval_policy=public"
    undone = raids.undo_move(desk.store, lead, raid_id, result.action_id, window=WINDOW)
    with desk.store.session() as s:
        lifted = [s.get(QueuedAction, i) for i in undone.undone]
        assert sorted((a.action, a.status) for a in lifted if a is not None) == [
            ("hold_replies", "cancelled"),
            ("release_hold", "queued"),
        ]
        (release,) = [a for a in lifted if a is not None and a.action == "release_hold"]
        assert release.payload["platform_ref"] == "quote_approval_policy=public"


def test_the_hold_acts_only_on_new_comments_of_held_posts_on_platforms_that_hold_each_one(
    desk: Desk, fake_triage: FakeTriage
) -> None:
    """raid_holds.hold_new, the piece ingestion calls: nothing without an active hold of mode `each`, nothing on
    a platform that does not hold comments one by one, nothing without a post; and a lift skips a call the
    platform refused (nothing was held there)."""
    from hierniet.services import raid_holds
    from hierniet.services.auth import CLI_ACTOR

    yt, raid_id, old = _youtube_raid(desk, fake_triage)
    new = raid_holds.NewComment(old[0], yt, desk.organisation_id, "youtube", "vid1")
    with desk.store.transaction() as tx:
        assert raid_holds.hold_new(tx, CLI_ACTOR, [new], START) == {}  # no hold yet
    move = raids.hold_post(desk.store, desk.actors["lead"], raid_id)
    (a, b) = _ingest(
        desk, fake_triage, _on(yt, _items(desk, [("UCa", "hallo"), ("UCb", "dag")], post="vid1", prefix="h"))
    )
    with desk.store.transaction() as tx:
        assert raid_holds.hold_new(tx, CLI_ACTOR, [replace(new, platform="facebook")], START) == {}
        assert raid_holds.hold_new(tx, CLI_ACTOR, [replace(new, post=None)], START) == {}
        assert raid_holds.hold_new(tx, CLI_ACTOR, [replace(new, post="vid2")], START) == {}
        for row in tx.scalars(select(QueuedAction).where(QueuedAction.comment_id.in_([a, b]))):
            row.status, row.sent_at = ("failed", START) if row.comment_id == a else ("done", START)
    undone = raids.undo_move(desk.store, desk.actors["lead"], raid_id, move.action_id, window=WINDOW)
    rows = _held_rows(desk, [a, b])
    assert [x[:2] for x in rows[a]] == [("hold_for_review", "failed")] and undone.kept == {}
    assert [x[:2] for x in rows[b]] == [("hold_for_review", "done"), ("unhide", "queued")]
