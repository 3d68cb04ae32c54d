"""The raid detector on hand-made timelines: a raid, a criticism storm, a viral post, a recurring core, its
state across a restart and its bounded memory."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from hierniet.raids import types as contract
from hierniet.raids.detector import DetectorSettings, RaidDetector, event_from_dict, event_to_dict
from hierniet.raids.types import MemberRole, Raid, RaidEvent, RaidKind

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
ORG = "stad-demostad"
_n = 0


def ev(author: str, minutes: float, text: str, post: str | None = "p1", **kw: object) -> RaidEvent:
    global _n
    _n += 1
    return RaidEvent(
        comment_id=f"c{_n:06d}", organisation=ORG, channel=str(kw.pop("channel", "stad-facebook")),
        platform="facebook", post=post, author=author, posted_at=T0 + timedelta(minutes=minutes), text=text,
        **kw,  # type: ignore[arg-type]
    )  # fmt: skip


def everyday(post: str = "p1", hours: int = 3, every: float = 12.0) -> list[RaidEvent]:
    """Regulars chatting on a post: one comment every `every` minutes."""
    out = []
    m = 0.0
    k = 0
    while m < hours * 60:
        out.append(ev(f"regular{k % 7}", m, f"Interessant, bedankt voor de info nummer {k}", post, author_known=True))
        m += every
        k += 1
    return out


SLOGAN = "Schepen Claes is een corrupte idioot, weg met die clown #Schande"


def brigade(start: float, authors: list[str], post: str | None = "p1", channel: str = "stad-facebook",
            targets: tuple[str, ...] = ()) -> list[RaidEvent]:  # fmt: skip
    out = []
    for i, author in enumerate(authors):
        at = start + (i % 10) * 0.3
        text = SLOGAN + (" 🤡" if i % 3 else "") + (" Iedereen naar de pagina van de stad!" if i % 4 == 0 else "")
        out.append(ev(author, at, text, post, abusive=True, channel=channel, targets=targets,
                      account_created_at=T0 - timedelta(days=3)))  # fmt: skip
    return out


def feed(detector: RaidDetector, events: list[RaidEvent], until: float) -> dict[str, list[tuple[int, Raid]]]:
    """Minute by minute, as the worker does; every finding as it was reported, by key."""
    reported: dict[str, list[tuple[int, Raid]]] = {}
    events = sorted(events, key=lambda e: e.posted_at)
    i = 0
    for minute in range(1, int(until) + 1):
        now = T0 + timedelta(minutes=minute)
        batch = []
        while i < len(events) and events[i].posted_at < now:
            batch.append(events[i])
            i += 1
        detector.observe(batch)
        for raid in detector.findings(now):
            reported.setdefault(raid.key, []).append((minute, raid))
    return reported


def test_quiet_traffic_finds_nothing() -> None:
    assert feed(RaidDetector(), everyday(), 200) == {}


def test_a_brigade_on_an_old_post_is_a_raid_with_its_reasons() -> None:
    accounts = [f"troll{i}" for i in range(20)]
    reported = feed(RaidDetector(), everyday() + brigade(150, accounts), 200)
    assert len(reported) == 1
    ((key, versions),) = reported.items()
    first_minute, _ = versions[0]
    assert first_minute <= 155  # within five minutes of its start
    assert all(r.key == key for _, r in versions)  # one key for the burst's life
    raid = versions[-1][1]
    assert raid.kind is RaidKind.RAID and raid.post == "p1" and 0.0 <= raid.score <= 1.0
    assert set(raid.core) | set(raid.joiners) == set(accounts)  # the regulars are not members
    assert raid.started_at == T0 + timedelta(minutes=150)
    codes = {r.code for r in raid.reasons}
    assert {"raids.burst", "raids.abuse_share", "raids.unknown_authors", "raids.new_accounts", "raids.copy_paste",
            "raids.shared_tags", "raids.call_to_arms"} <= codes  # fmt: skip
    assert all(str(r) and r.params for r in raid.reasons)
    assert raid.clusters and raid.clusters[0].count >= 15
    assert set(raid.abusive_comment_ids) == set(raid.comment_ids)


def test_abuse_from_regulars_in_their_own_words_is_not_a_raid() -> None:
    # Known authors, varied words, no slogans, old accounts: rude, but nobody coordinated it.
    words = ["idioten", "sukkels", "prutsers", "amateurs", "klungelaars"]
    why = ["weer werken", "geen parking", "de bus rijdt niet", "te dure tickets", "vuile straten", "niemand antwoordt"]
    angry = [
        ev(f"regular{i}", 150 + i * 0.2, f"{why[i % 6]}? {words[i % 5]} dat jullie zijn, al {i + 2} weken",
           abusive=True, author_known=True)
        for i in range(15)
    ]  # fmt: skip
    reported = feed(RaidDetector(), everyday() + angry, 200)
    assert all(r.kind is not RaidKind.RAID for versions in reported.values() for _, r in versions)


def test_a_criticism_storm_is_said_to_be_one_and_is_not_a_raid() -> None:
    complaints = [
        ev(f"customer{i}", 150 + i * 0.25, f"Weeral staking, ik kom te laat op mijn werk voor de {i}e keer",
           author_known=True, criticism=True, abusive=i % 8 == 0)
        for i in range(40)
    ]  # fmt: skip
    reported = feed(RaidDetector(), everyday() + complaints, 200)
    kinds = {r.kind for versions in reported.values() for _, r in versions}
    assert kinds == {RaidKind.CRITICISM_STORM}
    storm = next(iter(reported.values()))[-1][1]
    assert "raids.criticism_storm" in {r.code for r in storm.reasons}


def test_a_viral_benign_post_is_no_finding() -> None:
    fans = [ev(f"fan{i}", 150 + i * 0.1, f"Wat een prachtig zwembad, proficiat nummer {i}!") for i in range(60)]
    assert feed(RaidDetector(), everyday() + fans, 200) == {}


def test_a_brigade_on_a_busy_viral_post_is_still_found() -> None:
    fans = [ev(f"fan{i}", 140 + i * 0.1, f"Wat een prachtig zwembad, proficiat nummer {i}!") for i in range(200)]
    accounts = [f"troll{i}" for i in range(20)]
    reported = feed(RaidDetector(), everyday() + fans + brigade(150, accounts), 200)
    raids = [r for versions in reported.values() for _, r in versions if r.kind is RaidKind.RAID]
    assert raids and set(raids[-1].core) | set(raids[-1].joiners) == set(accounts)


def test_a_target_across_posts_and_channels_is_one_raid() -> None:
    accounts = [f"troll{i}" for i in range(24)]
    events = everyday("p1") + everyday("p2") + everyday("p3")
    for n, post in enumerate(("p1", "p2", "p3")):
        events += brigade(150 + n * 0.1, accounts[n * 8 : n * 8 + 8], post, f"chan{n}", targets=("jan.claes",))
    reported = feed(RaidDetector(), events, 200)
    raids = [versions[-1][1] for versions in reported.values()]
    assert len(raids) == 1
    assert raids[0].target == "jan.claes" and raids[0].post is None and len(raids[0].channels) == 3
    assert set(raids[0].core) | set(raids[0].joiners) == set(accounts)


def test_the_recurring_core_is_core_on_its_second_raid() -> None:
    detector = RaidDetector()
    core = [f"troll{i}" for i in range(6)]
    first = feed(detector, everyday("p1") + brigade(60, core + [f"one{i}" for i in range(14)], "p1"), 120)
    (first_key,) = first
    later = [ev(f"reg{k}", 120 + k, f"Goeiemorgen allemaal nummer {k}", "p2", author_known=True) for k in range(60)]
    accounts = core + [f"two{i}" for i in range(14)]
    events = later + [ev(a, 170 + i * 0.2, f"Opgerot, stelletje idioten {i} {'!' * i}", "p2", abusive=True)
                      for i, a in enumerate(accounts)]  # fmt: skip
    second = {}
    for minute in range(121, 200):
        now = T0 + timedelta(minutes=minute)
        detector.observe([e for e in events if now - timedelta(minutes=1) <= e.posted_at < now])
        for raid in detector.findings(now):
            second[raid.key] = raid
    second.pop(first_key, None)
    (raid,) = second.values()
    members = {m.author: m for m in raid.members}
    for author in core:
        assert members[author].role is MemberRole.CORE
        assert members[author].earlier_raids == (first_key,)
    assert members["two3"].earlier_raids == ()
    assert "raids.recurring_core" in {r.code for r in raid.reasons}


def test_events_seen_before_are_ignored() -> None:
    accounts = [f"troll{i}" for i in range(20)]
    events = everyday() + brigade(150, accounts)
    once, twice = RaidDetector(), RaidDetector()
    once.observe(events)
    twice.observe(events)
    twice.observe(events[::-1])
    now = T0 + timedelta(minutes=160)
    assert [r.comment_ids for r in once.findings(now)] == [r.comment_ids for r in twice.findings(now)]


def test_state_round_trips_and_gives_the_same_findings() -> None:
    accounts = [f"troll{i}" for i in range(20)]
    events = sorted(everyday() + brigade(150, accounts), key=lambda e: e.posted_at)
    cut = T0 + timedelta(minutes=152)
    a = RaidDetector()
    a.observe([e for e in events if e.posted_at < cut])
    a.findings(cut)
    saved = json.loads(json.dumps(a.state()))  # JSON-able, as the store keeps it
    b = RaidDetector.from_state(saved)
    assert b.state() == a.state()
    rest = [e for e in events if e.posted_at >= cut]
    a.observe(rest)
    b.observe(rest)
    now = T0 + timedelta(minutes=170)
    assert a.findings(now) == b.findings(now)


def test_a_damaged_state_is_refused_clearly() -> None:
    with pytest.raises(ValueError, match="fresh detector"):
        RaidDetector.from_state({"version": 99})
    state = RaidDetector().state()
    del state["series"]
    with pytest.raises(ValueError, match="damaged"):
        RaidDetector.from_state(state)


def test_bad_input_is_refused_clearly() -> None:
    naive = RaidEvent("x", ORG, "c", "facebook", "p", "a", datetime(2026, 3, 2), "t")
    with pytest.raises(ValueError, match="time zone"):
        RaidDetector().observe([naive])
    with pytest.raises(ValueError, match="time zone"):
        RaidDetector().findings(datetime(2026, 3, 2))
    with pytest.raises(ValueError, match="min_comments"):
        DetectorSettings(min_comments=0)
    with pytest.raises(ValueError, match="0 or more"):
        DetectorSettings(rate_factor=-1)


def test_memory_is_bounded() -> None:
    detector = RaidDetector(DetectorSettings(horizon_minutes=60, series_idle_minutes=120))
    for hour in range(12):
        post = f"post{hour}"
        detector.observe([ev(f"r{k}", hour * 60 + k, f"Mooi nieuws nummer {k}", post) for k in range(30)])
        detector.findings(T0 + timedelta(minutes=hour * 60 + 59))
    detector.findings(T0 + timedelta(hours=12, minutes=30))
    state = detector.state()
    assert len(state["seen"]) <= 60  # the last hour's ids only
    assert len(state["events"]) <= 10
    assert len(state["series"]) <= 3  # posts idle for two hours are forgotten


def test_it_keeps_the_contract() -> None:
    # The service side (hierniet.services.raids) is written against the Protocol in hierniet.raids.types.
    detector: contract.RaidDetector = RaidDetector()
    detector.observe([])
    assert detector.findings(T0) == [] and RaidDetector.from_state(detector.state()).state() == detector.state()


def test_events_round_trip_as_dicts() -> None:
    e = ev("a", 1, "tekst", account_created_at=T0, targets=("jan.claes",), abusive=True)
    assert event_from_dict(json.loads(json.dumps(event_to_dict(e)))) == e


def test_the_detector_remembers_who_has_history() -> None:
    # The same accounts, once seen by the detector two hours before (author_known stays False: the caller did
    # not know them), are no longer unknown: the copy-paste still makes it a raid.
    accounts = [f"troll{i}" for i in range(20)]
    hello = [ev(a, 10 + i, f"Hallo, ik ben nieuw hier en heet {a}", "p9") for i, a in enumerate(accounts)]
    reported = feed(RaidDetector(), everyday() + hello + brigade(150, accounts), 200)
    raid = next(v[-1][1] for v in reported.values() if v[-1][1].post == "p1")
    codes = {r.code for r in raid.reasons}
    assert "raids.unknown_authors" not in codes and "raids.copy_paste" in codes
    fresh = feed(RaidDetector(), everyday() + brigade(150, accounts), 200)
    assert "raids.unknown_authors" in {r.code for v in fresh.values() for r in v[-1][1].reasons}
