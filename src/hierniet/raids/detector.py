"""The raid detector: bursts of comments on a post or against a person, read as a raid, a criticism storm or
neither (a viral post), with the reasons in words.

    detector = RaidDetector()                 # or RaidDetector(DetectorSettings(...))
    detector.observe(events)                  # RaidEvents, in arrival order, batch after batch
    raids = detector.findings(now)            # bursts open or closed since the last call, as they stand
    saved = detector.state()                  # JSON-able; RaidDetector.from_state(saved) picks up from there

How it reads a burst:

1. Every post and every target (a person named or addressed, across the organisation's channels) has a series
   of per-minute counts and a baseline (an EWMA of them; a post seen for the first time starts from the
   organisation's usual rate for fresh posts). A window of `window_minutes` with far more comments than the
   baseline expects, from enough distinct authors, opens a burst; it grows until the series is quiet again.
2. The burst's signals (hierniet.raids.signals): the share of abusive comments, of authors with no history with
   the organisation, of accounts new to the platform, of comments in near-duplicate clusters (MinHash LSH),
   carrying the burst's shared hashtags or links, or making a call to arms, and the members of earlier raids
   who turn up together again (co-action).
3. Abuse with coordination (unknown or new accounts, copies, slogans, a recurring core) is a RAID; complaints
   from people with history, in their own words and with little abuse, a CRITICISM_STORM (answered, never
   hidden); anything else (a viral post) is no finding at all.

Members of a raid are the burst's authors who took part in the abuse or the coordination; the core acted in the
first minutes, copied its texts or is known from an earlier raid, the joiners piled on afterwards. The detector
remembers each raid's members (bounded), so the recurring core of a brigade is CORE on its second raid, with
`earlier_raids` filled.

Pure: no store, web or platform. Memory is bounded: old windows, idle series, old authors and old raids are
dropped; what is kept is in `state()`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields
from dataclasses import replace as _replace
from datetime import UTC, datetime, timedelta
from typing import Any

from hierniet.domain import Reason
from hierniet.raids import signals
from hierniet.raids.types import MemberRole, Raid, RaidEvent, RaidKind, RaidMember, TextCluster

STATE_VERSION = 1
#: The series a burst is counted in: a post's comments, a target's, or a post's abusive comments.
_SERIES_KINDS = {"p": "post", "t": "target", "a": "abuse"}
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class DetectorSettings:
    """The detector's thresholds. The defaults are tuned on `bench/raids.py`'s simulation (docs/raids.md)."""

    #: Minutes of the sliding window a burst is counted in.
    window_minutes: int = 5
    #: A burst has at least this many comments in one window ...
    min_comments: int = 8
    #: ... from at least this many distinct authors ...
    min_authors: int = 6
    #: ... and at least this many times what the series' baseline expects in a window.
    rate_factor: float = 4.0
    #: Weight of each new minute in a baseline (EWMA): 0.02 forgets half of a rate in about 35 minutes.
    baseline_alpha: float = 0.02
    #: The usual per-minute rate of a fresh post before the organisation has shown its own (comments/minute).
    fresh_post_rate: float = 0.3
    #: Minutes after a post's first comment in which its rate teaches the organisation's fresh-post baseline.
    fresh_minutes: int = 60
    #: A burst ends when its series had fewer than `quiet_comments` comments in the last `quiet_minutes`.
    quiet_minutes: int = 20
    quiet_comments: int = 3
    #: An author first seen this long before a burst has history with the organisation.
    known_margin_minutes: int = 60
    #: An account made this many days or fewer before it commented is new to the platform.
    new_account_days: float = 30.0
    #: A raid needs at least this share of abusive comments.
    min_abuse_share: float = 0.3
    #: Coordination that makes abuse a raid: this share of authors unknown to the organisation, ...
    unknown_share: float = 0.6
    #: ... or of accounts new to the platform, ...
    new_account_share: float = 0.3
    #: ... or of comments copied (near-duplicate clusters), slogans or calls to arms, ...
    coordination_share: float = 0.25
    #: ... or a recurring core of at least `coaction_min` authors met together in an earlier raid.
    coaction_min: int = 3
    #: Lowest score a raid is reported with.
    min_raid_score: float = 0.45
    #: A criticism storm: at least this share of complaints, from at least this share of known authors.
    storm_criticism_share: float = 0.35
    storm_known_share: float = 0.5
    #: Near-duplicates: estimated Jaccard similarity of words and word pairs, texts of at least this many words,
    #: clusters of at least this many comments.
    copy_threshold: float = 0.5
    copy_min_words: int = 4
    copy_min_cluster: int = 3
    #: A hashtag or link is the burst's own when this many authors, and this share of them, use it.
    marker_min_authors: int = 3
    marker_min_share: float = 0.2
    #: Members whose first comment came this many minutes after the burst's start are joiners (unless copying
    #: or recurring).
    core_minutes: int = 5
    #: A growing burst is read again once it grew by this share, or after this many minutes, or when it ends.
    reread_growth: float = 0.1
    reread_minutes: int = 10
    #: Comment ids remembered against duplicates, and how late an event may arrive (minutes).
    horizon_minutes: int = 360
    #: Series without a comment for this long are dropped (their baseline is close to zero anyway).
    series_idle_minutes: int = 3 * 24 * 60
    #: Authors and raids remembered (the oldest are dropped first), and for how long raids are remembered.
    max_authors: int = 500_000
    max_raids: int = 2_000
    raid_memory_days: int = 120

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if value < 0:
                raise ValueError(f"detector setting {f.name} is {value}: give a number of 0 or more")
        for name in ("window_minutes", "min_comments", "min_authors", "quiet_minutes"):
            if getattr(self, name) < 1:
                raise ValueError(f"detector setting {name} must be at least 1")
        if not 0.0 < self.copy_threshold <= 1.0 or not 0.0 < self.baseline_alpha <= 1.0:
            raise ValueError("copy_threshold and baseline_alpha must be above 0 and at most 1")


def _minute(at: datetime) -> int:
    return int((at - _EPOCH).total_seconds() // 60)


def _at(minute: int) -> datetime:
    return _EPOCH + timedelta(minutes=minute)


@dataclass(slots=True)
class _Series:
    """Per-minute counts of one post or target, with its baseline."""

    ewma: float
    last: int  # the last minute folded into the baseline
    born: int
    counts: dict[int, int] = field(default_factory=dict)
    recent: list[str] = field(default_factory=list)  # comment ids of the last window, for a burst to start with
    burst: str | None = None
    seen_last: int = 0
    fresh_done: bool = False  # its first hour has taught the fresh-post baseline (or it was a target's)


@dataclass(slots=True)
class _Burst:
    id: str  # the Raid key
    organisation: str
    post: str | None
    target: str | None
    start: int
    opened: int
    baseline: float
    events: list[str] = field(default_factory=list)
    closed: bool = False
    series: str = "p"  # what it was counted in: a post ("p"), a target ("t") or a post's abuse ("a")
    # The burst is read over its first `read_n` comments, as it stood at minute `read_minute` (see _reading).
    read_n: int = 0
    read_minute: int = 0


def _event_dict(e: RaidEvent) -> dict[str, Any]:
    return {
        "comment_id": e.comment_id,
        "organisation": e.organisation,
        "channel": e.channel,
        "platform": e.platform,
        "post": e.post,
        "author": e.author,
        "posted_at": e.posted_at.isoformat(),
        "text": e.text,
        "abusive": e.abusive,
        "criticism": e.criticism,
        "author_known": e.author_known,
        "account_created_at": e.account_created_at.isoformat() if e.account_created_at else None,
        "targets": list(e.targets),
    }


def _event_from(d: dict[str, Any]) -> RaidEvent:
    created = d.get("account_created_at")
    return RaidEvent(
        comment_id=d["comment_id"],
        organisation=d["organisation"],
        channel=d["channel"],
        platform=d["platform"],
        post=d.get("post"),
        author=d["author"],
        posted_at=datetime.fromisoformat(d["posted_at"]),
        text=d["text"],
        abusive=bool(d.get("abusive")),
        criticism=bool(d.get("criticism")),
        author_known=bool(d.get("author_known")),
        account_created_at=datetime.fromisoformat(created) if created else None,
        targets=tuple(d.get("targets") or ()),
    )


event_to_dict = _event_dict
event_from_dict = _event_from


class RaidDetector:
    """Implements hierniet.raids.types.RaidDetector (see the module's docstring)."""

    def __init__(self, settings: DetectorSettings | None = None) -> None:
        self.settings = settings or DetectorSettings()
        self._events: dict[str, RaidEvent] = {}  # kept while a window or a burst needs them
        self._seen: dict[str, int] = {}  # comment id -> minute, within the horizon
        self._series: dict[str, _Series] = {}
        self._bursts: dict[str, _Burst] = {}
        self._fresh: dict[str, float] = {}  # organisation -> fresh-post rate
        self._authors: dict[str, list[int]] = {}  # "org\x1fauthor" -> [first minute, last minute]
        self._raids: dict[str, dict[str, Any]] = {}  # raid key -> {org, start, authors}
        self._author_raids: dict[str, list[str]] = {}  # "org\x1fauthor" -> raid keys
        self._latest = 0  # the latest minute observed
        self._pruned = 0
        # Caches, rebuilt from the rest after a restart (not in the state): near-duplicate groups per burst, a
        # comment's markers and call to arms, and each burst's reading as of its last growth.
        self._clusters: dict[str, tuple[list[str], signals.NearDuplicates]] = {}
        self._features: dict[str, tuple[frozenset[str], str | None]] = {}
        self._readings: dict[str, tuple[int, Raid | None]] = {}
        # Burst -> the key its attack was reported under (bursts counted in several series are one finding).
        self._alias: dict[str, str] = {}

    # --- observing -------------------------------------------------------------------------------------------

    def observe(self, events: Sequence[RaidEvent]) -> None:
        s = self.settings
        for e in sorted(events, key=lambda e: e.posted_at):
            if e.comment_id in self._seen:
                continue
            if e.posted_at.tzinfo is None:
                raise ValueError(f"comment {e.comment_id}: posted_at {e.posted_at} has no time zone (give UTC)")
            minute = _minute(e.posted_at)
            if minute < self._latest - s.horizon_minutes:
                continue  # older than anything the detector still counts: it cannot change a finding
            self._latest = max(self._latest, minute)
            self._seen[e.comment_id] = minute
            self._events[e.comment_id] = e
            who = f"{e.organisation}\x1f{e.author}"
            times = self._authors.get(who)
            if times is None:
                self._authors[who] = [minute, minute]
            else:
                if minute < times[0]:
                    times[0] = minute
                if minute > times[1]:
                    times[1] = minute
            if e.post is not None:
                self._count(f"p\x1f{e.organisation}\x1f{e.post}", e, minute)
                if e.abusive:
                    # The post's abuse alone: a brigade on a post that is already busy (a viral post) is a
                    # burst of abuse inside a burst of comments.
                    self._count(f"a\x1f{e.organisation}\x1f{e.post}", e, minute)
            for target in e.targets:
                self._count(f"t\x1f{e.organisation}\x1f{target}", e, minute)

    def _count(self, key: str, e: RaidEvent, minute: int) -> None:
        s = self.settings
        series = self._series.get(key)
        if series is None:
            rate = self._fresh.get(e.organisation, s.fresh_post_rate) if key[0] == "p" else 0.0
            series = self._series[key] = _Series(
                ewma=rate, last=minute - 1, born=minute, seen_last=minute, fresh_done=key[0] != "p"
            )
        if minute > series.last + 1:
            self._fold(key, series, minute - 1)
        series.counts[minute] = series.counts.get(minute, 0) + 1
        series.seen_last = max(series.seen_last, minute)
        burst = self._bursts.get(series.burst) if series.burst else None
        if burst is not None and not burst.closed:
            if self._quiet(series, minute - 1, burst):
                self._close(burst, series)
                burst = None
            else:
                burst.events.append(e.comment_id)
                return
        recent = series.recent
        recent.append(e.comment_id)
        low = minute - s.window_minutes + 1
        if len(recent) > 4 * s.min_comments:
            recent[:] = [i for i in recent if i in self._events and _minute(self._events[i].posted_at) >= low]
        count = sum(series.counts.get(m, 0) for m in range(low, minute + 1))
        if count < s.min_comments:
            return
        window = [i for i in recent if i in self._events and _minute(self._events[i].posted_at) >= low]
        authors = len({self._events[i].author for i in window})
        if signals.is_burst(
            count, authors, series.ewma, s.window_minutes, s.rate_factor, s.min_comments, s.min_authors
        ):
            self._open(key, series, e, window, minute)

    def _open(self, key: str, series: _Series, e: RaidEvent, window: list[str], minute: int) -> None:
        start_at = min(self._events[i].posted_at for i in window)
        kind, org, name = key.split("\x1f", 2)
        what = _SERIES_KINDS[kind]
        burst_id = f"{org}:{what}:{name}:{start_at.strftime('%Y-%m-%dT%H:%MZ')}"
        burst = _Burst(
            id=burst_id,
            organisation=org,
            post=name if kind in "pa" else None,
            target=name if kind == "t" else None,
            start=_minute(start_at),
            opened=minute,
            series=kind,
            baseline=series.ewma,
            events=list(window),
        )
        self._bursts[burst_id] = burst
        series.burst = burst_id
        series.recent = []

    def _fold(self, key: str, series: _Series, upto: int) -> None:
        """Bring the baseline up to minute `upto` (a burst's own minutes never teach it: it stays the rate the
        burst is measured against)."""
        s = self.settings
        if series.burst is None or self._bursts.get(series.burst) is None:
            ewma, last = series.ewma, series.last
            for m in sorted(k for k in series.counts if last < k <= upto):
                ewma = signals.ewma_step(
                    signals.ewma_advance(ewma, s.baseline_alpha, m - last - 1), s.baseline_alpha, series.counts[m]
                )
                last = m
            series.ewma = signals.ewma_advance(ewma, s.baseline_alpha, upto - last)
            if key[0] == "p" and not series.fresh_done and upto >= series.born + s.fresh_minutes:
                # A post's first hour, burst-free, teaches the organisation's usual rate for fresh posts.
                first_hour = sum(n for m, n in series.counts.items() if m < series.born + s.fresh_minutes)
                org = key.split("\x1f", 2)[1]
                old = self._fresh.get(org, s.fresh_post_rate)
                self._fresh[org] = 0.8 * old + 0.2 * first_hour / s.fresh_minutes
        if upto >= series.born + s.fresh_minutes:
            series.fresh_done = True
        series.last = upto
        keep = upto - max(s.window_minutes, s.quiet_minutes) - 1
        if series.fresh_done:
            for m in [m for m in series.counts if m < keep]:
                del series.counts[m]

    def _quiet(self, series: _Series, now: int, burst: _Burst) -> bool:
        s = self.settings
        if now - burst.opened < s.quiet_minutes:
            return False
        recent = sum(n for m, n in series.counts.items() if now - s.quiet_minutes < m <= now)
        return recent < max(s.quiet_comments, s.rate_factor * burst.baseline * s.quiet_minutes)

    def _close(self, burst: _Burst, series: _Series | None) -> None:
        burst.closed = True
        if series is not None and series.burst == burst.id:
            series.burst = None
            series.recent = []

    # --- findings --------------------------------------------------------------------------------------------

    def findings(self, now: datetime) -> list[Raid]:
        if now.tzinfo is None:
            raise ValueError(f"now ({now}) has no time zone (give UTC)")
        minute = _minute(now)
        for burst in self._bursts.values():
            name = burst.target if burst.series == "t" else burst.post
            series = self._series.get(f"{burst.series}\x1f{burst.organisation}\x1f{name}")
            if not burst.closed and series is not None and self._quiet(series, minute, burst):
                self._close(burst, series)
        found: dict[str, Raid] = {}
        for burst in list(self._bursts.values()):
            raid = self._reading(burst, minute)
            if raid is not None:
                found[burst.id] = raid
        raids = []
        for group in self._groups(found):
            # A group keeps the key it was first reported under, even after the burst that led it closed.
            key = next((self._alias[b.id] for b in group if b.id in self._alias), group[0].id)
            for b in group:
                self._alias[b.id] = key
            raid = self._merged(group, found)
            raids.append(raid if raid.key == key else _replace(raid, key=key))
        for raid in raids:
            if raid.kind is RaidKind.RAID:
                self._remember(raid)
        for burst in [b for b in self._bursts.values() if b.closed]:
            del self._bursts[burst.id]
            for key in [k for k in self._readings if k == burst.id or k.startswith(f"{burst.id}+")]:
                del self._readings[key]
            for key in [k for k in self._clusters if k == burst.id or k.startswith(f"{burst.id}+")]:
                del self._clusters[key]
            self._alias.pop(burst.id, None)
        self._prune(minute)
        return sorted(raids, key=lambda r: (r.started_at, r.key))

    def _reading(self, burst: _Burst, minute: int) -> Raid | None:
        """The burst read as it stands. Reading a burst costs time in proportion to its size, so a growing
        burst is read again once it grew by `reread_growth`, after `reread_minutes`, or when it closes; what
        was read last (its first `read_n` comments) is in the state, so a restarted detector reports the same."""
        s = self.settings
        n = len(burst.events)
        if n != burst.read_n and (
            burst.closed or n >= burst.read_n * (1 + s.reread_growth) or minute - burst.read_minute >= s.reread_minutes
        ):
            burst.read_n, burst.read_minute = n, minute
        cached = self._readings.get(burst.id)
        if cached is not None and cached[0] == burst.read_n:
            return cached[1]
        raid = self._read(burst, upto=burst.read_n)
        self._readings[burst.id] = (burst.read_n, raid)
        return raid

    def _groups(self, found: dict[str, Raid]) -> list[list[_Burst]]:
        """Bursts that are one attack: findings of the same kind of which one has half its comments in the
        other (a brigade on one post is also a burst of the person it names and of the post's abuse; a brigade
        against a person across posts is also a burst on each post). Each group is led by the burst that opened
        first, so its key stays the group's for its life."""
        order = {"p": 0, "t": 1, "a": 2}
        bursts = sorted((self._bursts[k] for k in found), key=lambda b: (b.opened, order[b.series], b.id))
        rank = {b.id: n for n, b in enumerate(bursts)}
        ids = {b.id: set(found[b.id].comment_ids) for b in bursts}
        leader = {b.id: b.id for b in bursts}

        def head(k: str) -> str:
            while leader[k] != k:
                k = leader[k]
            return k

        # Only bursts of one organisation and one kind can be one attack: compare within those buckets.
        buckets: dict[tuple[str, RaidKind], list[_Burst]] = {}
        for b in bursts:
            buckets.setdefault((b.organisation, found[b.id].kind), []).append(b)
        pairs = ((a, b) for bucket in buckets.values() for i, a in enumerate(bucket) for b in bucket[i + 1 :])
        for a, b in pairs:
            ha, hb = head(a.id), head(b.id)
            if ha != hb:
                common = len(ids[a.id] & ids[b.id])
                if common and common >= 0.5 * min(len(ids[a.id]), len(ids[b.id])):
                    if rank[ha] < rank[hb]:
                        leader[hb] = ha
                    else:
                        leader[ha] = hb
        groups: dict[str, list[_Burst]] = {}
        for b in bursts:
            groups.setdefault(head(b.id), []).append(b)
        return list(groups.values())

    def _merged(self, group: list[_Burst], found: dict[str, Raid]) -> Raid:
        """One finding for a group of bursts: read again over all their comments, under the first one's key."""
        lead = group[0]
        if len(group) == 1:
            return found[lead.id]
        events: dict[str, None] = {}
        for b in group:
            events.update(dict.fromkeys(i for i in b.events[: b.read_n] if i in self._events))
        posts = {self._events[i].post for i in events}
        targets = [b.target for b in group if b.target] + [t for b in group if (t := found[b.id].target)]
        union = _Burst(
            id=lead.id,
            organisation=lead.organisation,
            post=lead.post if lead.post is not None and posts == {lead.post} else None,
            target=targets[0] if targets else None,
            start=min(b.start for b in group),
            opened=lead.opened,
            baseline=lead.baseline,
            series=lead.series,
            events=sorted(events, key=lambda i: (self._events[i].posted_at, i)),
        )
        key = f"{lead.id}+" + "+".join(sorted(b.id for b in group[1:]))
        cached = self._readings.get(key)
        if cached is not None and cached[0] == len(union.events) and cached[1] is not None:
            return cached[1]
        raid = self._read(union, key) or found[lead.id]
        self._readings[key] = (len(union.events), raid)
        return raid

    def _read(self, burst: _Burst, cache_key: str | None = None, upto: int | None = None) -> Raid | None:
        s = self.settings
        ids = burst.events if upto is None else burst.events[:upto]
        events = [self._events[i] for i in ids if i in self._events]
        if not events:
            return None
        start = _at(burst.start)
        n = len(events)
        by_author: dict[str, list[RaidEvent]] = {}
        for e in events:
            by_author.setdefault(e.author, []).append(e)
        authors = list(by_author)
        known_before = burst.start - s.known_margin_minutes
        known = {
            a
            for a in authors
            if any(e.author_known for e in by_author[a])
            or self._authors.get(f"{burst.organisation}\x1f{a}", [burst.start])[0] < known_before
        }
        new_accounts = {
            a
            for a in authors
            if any(signals.is_new_account(e.account_created_at, e.posted_at, s.new_account_days) for e in by_author[a])
        }
        abusive = [e for e in events if e.abusive]
        criticism = sum(1 for e in events if e.criticism)
        abuse_share = signals.share(len(abusive), n)
        unknown_share = signals.share(len(authors) - len(known), len(authors))
        new_share = signals.share(len(new_accounts), len(authors))
        # Text reuse.
        leaders = self._leaders(cache_key or burst.id, events)
        groups: dict[int, list[int]] = {}
        for i, lead in enumerate(leaders):
            groups.setdefault(lead, []).append(i)
        copied: set[int] = set()
        clusters: list[TextCluster] = []
        for lead, members in groups.items():
            if len(members) >= s.copy_min_cluster and len({events[i].author for i in members}) >= 2:
                copied.update(members)
                clusters.append(
                    TextCluster(
                        text=events[lead].text,
                        count=len(members),
                        comment_ids=tuple(events[i].comment_id for i in members),
                    )
                )
        clusters.sort(key=lambda c: -c.count)
        marks = [self._marks(e) for e in events]
        markers: dict[str, set[str]] = {}
        for e, (tags, _) in zip(events, marks, strict=True):
            markers.setdefault(e.author, set()).update(tags)
        shared = signals.shared_markers(markers, s.marker_min_authors, s.marker_min_share)
        calls = {i: call for i, (_, call) in enumerate(marks) if call is not None}
        slogan = {i for i, (tags, _) in enumerate(marks) if shared and tags & shared}
        copy_share = signals.share(len(copied), n)
        coordination = signals.share(len(copied | slogan | set(calls)), n)
        recurring = self._recurring(burst, set(authors))
        is_raid = abuse_share >= s.min_abuse_share and (
            unknown_share >= s.unknown_share
            or new_share >= s.new_account_share
            or coordination >= s.coordination_share
            or bool(recurring)
        )
        score = (
            0.4 * min(1.0, abuse_share / 0.6)
            + 0.2 * unknown_share
            + 0.1 * new_share
            + 0.2 * min(1.0, coordination / 0.5)
            + (0.1 if recurring else 0.0)
        )
        score = round(min(1.0, score), 3)
        crit_share = signals.share(criticism, n)
        known_share = signals.share(len(known), len(authors))
        minutes = max(1, burst.opened - burst.start + 1)
        burst_reason = Reason(
            "raids.burst",
            f"{n} comments from {len(authors)} authors since {start:%H:%M} UTC, where about "
            f"{burst.baseline * s.window_minutes:.1f} were expected in {s.window_minutes} minutes",
            comments=n,
            authors=len(authors),
            started_at=start.isoformat(),
            expected=round(burst.baseline * s.window_minutes, 2),
            window_minutes=s.window_minutes,
            minutes=minutes,
        )
        if is_raid and score >= s.min_raid_score:
            return self._raid(
                burst,
                events,
                by_author,
                abusive,
                copied,
                slogan,
                calls,
                recurring,
                known,
                new_accounts,
                clusters,
                shared,
                score,
                [burst_reason],
                abuse_share,
                unknown_share,
                new_share,
                copy_share,
            )
        if not is_raid and crit_share >= s.storm_criticism_share and known_share >= s.storm_known_share:
            storm_score = round(min(1.0, crit_share * known_share * 2), 3)
            reasons = (
                burst_reason,
                Reason(
                    "raids.criticism_storm",
                    f"A criticism storm, not a raid: {crit_share:.0%} of the comments are complaints, "
                    f"{known_share:.0%} of the authors have history with the organisation and only "
                    f"{abuse_share:.0%} of the comments are abusive; answer it, do not hide it",
                    criticism_share=round(crit_share, 3),
                    known_share=round(known_share, 3),
                    abuse_share=round(abuse_share, 3),
                    copy_share=round(copy_share, 3),
                    criticism_percent=round(crit_share * 100),
                    known_percent=round(known_share * 100),
                    abuse_percent=round(abuse_share * 100),
                ),
            )
            storm_members = tuple(
                self._member(
                    a,
                    es,
                    start,
                    MemberRole.CORE if _minute(es[0].posted_at) - burst.start < s.core_minutes else MemberRole.JOINER,
                    (),
                )
                for a, es in by_author.items()
            )
            return Raid(
                key=burst.id,
                kind=RaidKind.CRITICISM_STORM,
                organisation=burst.organisation,
                post=burst.post,
                target=burst.target or self._main_target(events),
                score=storm_score,
                started_at=start,
                last_at=max(e.posted_at for e in events),
                members=storm_members,
                comment_ids=tuple(e.comment_id for e in events),
                abusive_comment_ids=tuple(e.comment_id for e in abusive),
                clusters=tuple(clusters[:10]),
                reasons=reasons,
                channels=tuple(sorted({e.channel for e in events})),
            )
        return None

    def _raid(
        self,
        burst: _Burst,
        events: list[RaidEvent],
        by_author: dict[str, list[RaidEvent]],
        abusive: list[RaidEvent],
        copied: set[int],
        slogan: set[int],
        calls: dict[int, str],
        recurring: dict[str, tuple[str, ...]],
        known: set[str],
        new_accounts: set[str],
        clusters: list[TextCluster],
        shared: set[str],
        score: float,
        reasons: list[Reason],
        abuse_share: float,
        unknown_share: float,
        new_share: float,
        copy_share: float,
    ) -> Raid:
        s = self.settings
        index = {e.comment_id: i for i, e in enumerate(events)}
        coordinated = copied | slogan | set(calls)
        members: list[RaidMember] = []
        member_ids: list[str] = []
        for author, es in by_author.items():
            mine = [index[e.comment_id] for e in es]
            # Copying or carrying the slogan makes a member of an author new to the organisation; a regular
            # who writes "congratulations" like many others does not become one.
            coordinating = author not in known and any(i in coordinated for i in mine)
            took_part = any(e.abusive for e in es) or coordinating or author in recurring
            if not took_part:
                continue
            earlier = recurring.get(author, ())
            first = min(e.posted_at for e in es)
            early = _minute(first) - burst.start < s.core_minutes
            core = bool(earlier) or any(i in copied for i in mine) or (early and author not in known)
            members.append(self._member(author, es, first, MemberRole.CORE if core else MemberRole.JOINER, earlier))
            member_ids.extend(e.comment_id for e in es)
        members.sort(key=lambda m: (m.role is not MemberRole.CORE, m.first_at, m.author))
        member_authors = {m.author for m in members}
        member_set = set(member_ids)
        abusive_ids = tuple(e.comment_id for e in abusive if e.author in member_authors)
        started = min((m.first_at for m in members), default=_at(burst.start))
        n_members = len(members)
        reasons.append(
            Reason(
                "raids.abuse_share",
                f"{abuse_share:.0%} of the comments in the burst are abusive",
                share=round(abuse_share, 3),
                percent=round(abuse_share * 100),
                abusive=len(abusive),
                comments=len(events),
            )
        )
        if unknown_share >= 0.3:
            unknown = len(by_author) - len(known)
            reasons.append(
                Reason(
                    "raids.unknown_authors",
                    f"{unknown_share:.0%} of the authors ({unknown}) never commented on the organisation's "
                    "channels before",
                    share=round(unknown_share, 3),
                    percent=round(unknown_share * 100),
                    authors=unknown,
                )
            )
        if new_accounts:
            reasons.append(
                Reason(
                    "raids.new_accounts",
                    f"{len(new_accounts)} accounts ({new_share:.0%}) were made at most {s.new_account_days:g} days "
                    "before they commented",
                    accounts=len(new_accounts),
                    share=round(new_share, 3),
                    percent=round(new_share * 100),
                    days=s.new_account_days,
                )
            )
        if clusters:
            reasons.append(
                Reason(
                    "raids.copy_paste",
                    f"{len(copied)} comments ({copy_share:.0%}) are copies of {len(clusters)} texts, with small edits",
                    comments=len(copied),
                    share=round(copy_share, 3),
                    percent=round(copy_share * 100),
                    clusters=len(clusters),
                )
            )
        if shared:
            reasons.append(
                Reason(
                    "raids.shared_tags",
                    f"{len(slogan)} comments carry the same hashtags or links: {', '.join(sorted(shared)[:5])}",
                    comments=len(slogan),
                    tags=sorted(shared)[:5],
                )
            )
        if calls:
            phrases = Counter(calls.values()).most_common(3)
            reasons.append(
                Reason(
                    "raids.call_to_arms",
                    f"{len(calls)} comments call others to join in ({', '.join(repr(p) for p, _ in phrases)})",
                    comments=len(calls),
                    phrases=[p for p, _ in phrases],
                )
            )
        if recurring:
            earlier_keys = sorted({k for keys in recurring.values() for k in keys})
            reasons.append(
                Reason(
                    "raids.recurring_core",
                    f"{len(recurring)} of the authors took part together in {len(earlier_keys)} earlier raid(s)",
                    authors=len(recurring),
                    raids=earlier_keys[:10],
                )
            )
        return Raid(
            key=burst.id,
            kind=RaidKind.RAID,
            organisation=burst.organisation,
            post=burst.post,
            target=burst.target or self._main_target([e for e in events if e.comment_id in member_set]),
            score=score,
            started_at=started,
            last_at=max(e.posted_at for e in events),
            members=tuple(members) if n_members else (),
            comment_ids=tuple(member_ids),
            abusive_comment_ids=abusive_ids,
            clusters=tuple(clusters[:10]),
            reasons=tuple(reasons),
            channels=tuple(sorted({e.channel for e in events if e.comment_id in member_set})),
        )

    @staticmethod
    def _member(
        author: str, es: list[RaidEvent], first: datetime, role: MemberRole, earlier: tuple[str, ...]
    ) -> RaidMember:
        return RaidMember(
            author=author,
            role=role,
            comments=len(es),
            abusive=sum(1 for e in es if e.abusive),
            first_at=min(e.posted_at for e in es),
            earlier_raids=earlier,
        )

    @staticmethod
    def _main_target(events: list[RaidEvent]) -> str | None:
        counts = Counter(t for e in events for t in set(e.targets))
        if not counts:
            return None
        target, n = counts.most_common(1)[0]
        return target if n >= 0.3 * len(events) else None

    def _leaders(self, cache_key: str, events: list[RaidEvent]) -> list[int]:
        """Near-duplicate groups of the burst's texts; only the texts added since the last call are hashed (all
        of them again when the list changed otherwise, as when a group of bursts gained one)."""
        cached = self._clusters.get(cache_key)
        ids = [e.comment_id for e in events]
        if cached is None or cached[0] != ids[: len(cached[0])]:
            s = self.settings
            cached = self._clusters[cache_key] = ([], signals.NearDuplicates(s.copy_threshold, s.copy_min_words))
        done, groups = cached
        fresh = events[len(done) :]
        done.extend(ids[len(done) :])
        return groups.add([e.text for e in fresh])

    def _marks(self, e: RaidEvent) -> tuple[frozenset[str], str | None]:
        found = self._features.get(e.comment_id)
        if found is None:
            found = self._features[e.comment_id] = (signals.tags_and_links(e.text), signals.call_to_arms(e.text))
        return found

    def _recurring(self, burst: _Burst, authors: set[str]) -> dict[str, tuple[str, ...]]:
        """The recurring core: authors of this burst who were members of an earlier raid together with another
        author of this burst (a co-action edge, weighted by the raids the pair shared), when at least
        `coaction_min` authors have such an edge. Each with the earlier raids that tie them to the others."""
        s = self.settings
        out: dict[str, tuple[str, ...]] = {}
        for author in authors:
            keys = self._author_raids.get(f"{burst.organisation}\x1f{author}")
            if not keys:
                continue
            earlier = []
            for key in keys:
                raid = self._raids.get(key)
                if key == burst.id or key == self._alias.get(burst.id) or raid is None or raid["start"] >= burst.start:
                    continue
                if len(authors.intersection(raid["authors"])) >= 2:
                    earlier.append(key)
            if earlier:
                out[author] = tuple(earlier)
        return out if len(out) >= s.coaction_min else {}

    def _remember(self, raid: Raid) -> None:
        """Keep a reported raid's members, so the next raid with several of them knows its recurring core."""
        record = self._raids.get(raid.key)
        if record is None:
            record = self._raids[raid.key] = {
                "org": raid.organisation, "start": _minute(raid.started_at), "authors": []
            }  # fmt: skip
        old = set(record["authors"])
        for member in raid.members:
            if member.author in old:
                continue
            record["authors"].append(member.author)
            keys = self._author_raids.setdefault(f"{raid.organisation}\x1f{member.author}", [])
            keys.append(raid.key)
            del keys[:-10]

    # --- memory ----------------------------------------------------------------------------------------------

    def _prune(self, now: int) -> None:
        s = self.settings
        if now - self._pruned < 10:
            return
        self._pruned = now
        horizon = max(self._latest, now) - s.horizon_minutes
        self._seen = {i: m for i, m in self._seen.items() if m >= horizon}
        window = max(self._latest, now) - s.window_minutes
        for series in self._series.values():
            # Only the last window's comments can still start a burst.
            series.recent = [i for i in series.recent if self._seen.get(i, -1) >= window]
        needed = {i for b in self._bursts.values() for i in b.events}
        needed.update(i for ser in self._series.values() for i in ser.recent)
        self._events = {i: e for i, e in self._events.items() if i in needed or self._seen.get(i, -1) >= window}
        self._features = {i: f for i, f in self._features.items() if i in self._events}
        idle = now - s.series_idle_minutes
        for key in [k for k, ser in self._series.items() if ser.burst is None and ser.seen_last < idle]:
            del self._series[key]
        if len(self._authors) > s.max_authors:
            keep = sorted(self._authors.items(), key=lambda kv: -kv[1][1])[: s.max_authors * 3 // 4]
            self._authors = dict(keep)
        oldest = now - s.raid_memory_days * 24 * 60
        raids = sorted(self._raids.items(), key=lambda kv: kv[1]["start"])
        drop = {k for k, r in raids if r["start"] < oldest} | {k for k, _ in raids[: max(0, len(raids) - s.max_raids)]}
        if drop:
            for key in drop:
                del self._raids[key]
            for who in list(self._author_raids):
                keys = [k for k in self._author_raids[who] if k not in drop]
                if keys:
                    self._author_raids[who] = keys
                else:
                    del self._author_raids[who]

    # --- state -----------------------------------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        needed = set(self._events)
        return {
            "version": STATE_VERSION,
            "settings": asdict(self.settings),
            "latest": self._latest,
            "pruned": self._pruned,
            "seen": dict(self._seen),
            "events": [_event_dict(self._events[i]) for i in sorted(needed, key=lambda i: (self._seen.get(i, 0), i))],
            "series": {
                k: {
                    "ewma": v.ewma,
                    "last": v.last,
                    "born": v.born,
                    "counts": [[m, n] for m, n in v.counts.items()],
                    "recent": list(v.recent),
                    "burst": v.burst,
                    "seen_last": v.seen_last,
                    "fresh_done": v.fresh_done,
                }
                for k, v in self._series.items()
            },
            "bursts": [
                {
                    "id": b.id,
                    "organisation": b.organisation,
                    "post": b.post,
                    "target": b.target,
                    "start": b.start,
                    "opened": b.opened,
                    "baseline": b.baseline,
                    "events": list(b.events),
                    "closed": b.closed,
                    "series": b.series,
                    "read_n": b.read_n,
                    "read_minute": b.read_minute,
                }
                for b in self._bursts.values()
            ],
            "fresh": dict(self._fresh),
            "authors": {k: list(v) for k, v in self._authors.items()},
            "raids": {
                k: {"org": r["org"], "start": r["start"], "authors": list(r["authors"])} for k, r in self._raids.items()
            },
            "author_raids": {k: list(v) for k, v in self._author_raids.items()},
            "alias": dict(self._alias),
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> RaidDetector:
        """A detector that goes on from `state` (what `state()` gave); a state of another version, or one that
        is not a detector's, is refused with a ValueError (start a fresh detector then: nothing stored is
        lost, the detector only relearns its baselines)."""
        if not isinstance(state, dict) or state.get("version") != STATE_VERSION:
            raise ValueError(f"not a raid detector state of version {STATE_VERSION}: start a fresh detector")
        try:
            known = {f.name for f in fields(DetectorSettings)}
            settings = DetectorSettings(**{k: v for k, v in state["settings"].items() if k in known})
            detector = cls(settings)
            detector._latest = int(state["latest"])
            detector._pruned = int(state.get("pruned", 0))
            detector._seen = {str(k): int(v) for k, v in state["seen"].items()}
            detector._events = {d["comment_id"]: _event_from(d) for d in state["events"]}
            detector._series = {
                k: _Series(
                    ewma=float(v["ewma"]),
                    last=int(v["last"]),
                    born=int(v["born"]),
                    counts={int(m): int(n) for m, n in v["counts"]},
                    recent=list(v["recent"]),
                    burst=v["burst"],
                    seen_last=int(v["seen_last"]),
                    fresh_done=bool(v["fresh_done"]),
                )
                for k, v in state["series"].items()
            }
            detector._bursts = {
                b["id"]: _Burst(
                    id=b["id"],
                    organisation=b["organisation"],
                    post=b["post"],
                    target=b["target"],
                    start=int(b["start"]),
                    opened=int(b["opened"]),
                    baseline=float(b["baseline"]),
                    events=list(b["events"]),
                    closed=bool(b["closed"]),
                    series=str(b["series"]),
                    read_n=int(b["read_n"]),
                    read_minute=int(b["read_minute"]),
                )
                for b in state["bursts"]
            }
            detector._fresh = {k: float(v) for k, v in state["fresh"].items()}
            detector._authors = {k: [int(v[0]), int(v[1])] for k, v in state["authors"].items()}
            detector._raids = {
                k: {"org": r["org"], "start": int(r["start"]), "authors": list(r["authors"])}
                for k, r in state["raids"].items()
            }
            detector._author_raids = {k: list(v) for k, v in state["author_raids"].items()}
            detector._alias = {str(k): str(v) for k, v in state["alias"].items()}
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise ValueError(f"the raid detector state is damaged ({exc!r}): start a fresh detector") from None
        return detector


__all__ = ["DetectorSettings", "RaidDetector", "event_from_dict", "event_to_dict"]
