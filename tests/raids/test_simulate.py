"""The simulation of issue 14: deterministic, faithful to the demo organisations, with a truth that matches its
events, and `hierniet raids simulate` writing both."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from typer.testing import CliRunner

from hierniet.cli import _mount_subcommands, app
from hierniet.demo.builder import ORGANISATIONS as DEMO_ORGANISATIONS
from hierniet.raids.detector import event_from_dict
from hierniet.raids.simulate import ORGANISATIONS, simulate


def test_the_organisations_are_the_demos() -> None:
    assert {o.slug: tuple((c.key, c.platform) for c in o.channels) for o in DEMO_ORGANISATIONS} == ORGANISATIONS


def test_the_same_seed_gives_the_same_timeline() -> None:
    a = simulate(seed=5, days=1, flags_from="intent")
    b = simulate(seed=5, days=1, flags_from="intent")
    c = simulate(seed=6, days=1, flags_from="intent")
    assert a.events == b.events and a.truth() == b.truth()
    assert a.events != c.events


def test_the_truth_matches_the_events() -> None:
    sim = simulate(seed=7, days=2, flags_from="intent")
    by_id = {e.comment_id: e for e in sim.events}
    assert len(by_id) == len(sim.events)
    assert [e.posted_at for e in sim.events] == sorted(e.posted_at for e in sim.events)
    assert all(sim.start <= e.posted_at < sim.end and e.posted_at.tzinfo for e in sim.events)
    assert {e.organisation for e in sim.events} == set(ORGANISATIONS)
    assert {e.channel for e in sim.events} <= {c for chans in ORGANISATIONS.values() for c, _ in chans}
    assert sim.brigades and {e.kind for e in sim.episodes} == {"viral", "criticism_storm"}
    seen_earlier: set[str] = set()
    for b in sorted(sim.brigades, key=lambda b: b.started_at):
        assert 10 <= b.size <= 200
        comments = [by_id[i] for i in b.comment_ids]
        assert {e.author for e in comments} <= set(b.authors)
        assert all(e.organisation == b.organisation and e.abusive for e in comments)
        assert min(e.posted_at for e in comments) >= b.started_at
        assert set(b.core) <= set(b.authors) and set(b.recurring) <= set(b.authors)
        assert set(b.earlier) <= seen_earlier  # recurring accounts come back from brigades before this one
        seen_earlier.add(b.id)
        if b.post is None:
            assert b.target is not None and all(b.target in e.targets for e in comments)
    # Copy-paste with edits makes few distinct texts: what keeps running triage on them cheap.
    brigade_ids = {i for b in sim.brigades for i in b.comment_ids}
    brigade_texts = {by_id[i].text for i in brigade_ids}
    assert len(brigade_texts) < 0.8 * len(brigade_ids)
    # Brigades bring accounts new to the platform; regulars have history.
    brigade_events = [by_id[i] for i in brigade_ids]
    assert any(e.account_created_at and (e.posted_at - e.account_created_at).days < 30 for e in brigade_events)
    assert any(e.author_known for e in sim.events)


def test_triage_reads_the_flags_when_asked() -> None:
    calls: list[int] = []

    # The shipped engine is run by test_targets.py; here a reader that says which texts it was given.
    def classify(texts: Sequence[str]) -> dict[str, tuple[bool, bool]]:
        distinct = set(texts)
        calls.append(len(distinct))
        return {t: ("idioot" in t, False) for t in distinct}

    sim = simulate(seed=3, days=1, flags_from="triage", classify=classify)
    assert len(calls) == 1 and calls[0] < len(sim.events)  # once per distinct text
    assert all(e.abusive == ("idioot" in e.text) for e in sim.events)


def test_cli_writes_events_and_truth(tmp_path: Path) -> None:
    # Through `hierniet` itself, as an operator types it.
    _mount_subcommands()
    out = tmp_path / "sim"
    result = CliRunner().invoke(app, ["raids", "simulate", "--out", str(out), "--days", "1", "--seed", "9",
                                      "--intent-flags"])  # fmt: skip
    assert result.exit_code == 0, result.output
    events = [event_from_dict(json.loads(line)) for line in (out / "events.jsonl").read_text().splitlines()]
    truth = json.loads((out / "truth.json").read_text())
    assert events == simulate(seed=9, days=1, flags_from="intent").events
    assert truth["events"] == len(events) and truth["brigades"]
    bad = CliRunner().invoke(app, ["raids", "simulate", "--out", str(out), "--days", "0"])
    assert bad.exit_code == 2 and "at least one day" in bad.output
