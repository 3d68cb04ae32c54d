"""The insight figures (issue 13): what came in, what waits, how fast people decide, what the machine did alone,
criticism kept visible and the reports filed, for one organisation (or a few of its channels) and a period.

One typed result (`Insight`) that the desk's dashboard, GET /api/v1/insight, its CSV and the transparency
report (hierniet.services.transparency) all read. The period is whole days of the desk's time zone
(Europe/Brussels), both ends included; the counts are grouped in SQL (hierniet.store.repo_insight).

What the figures mean (docs/desk.md, "Insight"):
- a comment belongs to the period by the moment it was posted; the backlog is what waits now, whatever the period;
- "automatic": the policy applied its step alone (status auto); "by a person": a person's decision stands;
  "other step": a person's standing step differs from the recommendation's;
- time to decision: from the comment's arrival in hierniet to the first person's decision (accept, edit or
  override), median and 90th percentile by nearest rank;
- criticism: comments that carry the label now, by what became of them: answered (reply, refer, care), left as
  they are (none, review), hidden (any hiding step), still waiting, or removed on the platform first;
- reports: people's decisions that name the body, plus the policy's own steps where it applied them alone.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from hierniet.domain import CharterStep, Label, ReportTo
from hierniet.policy.schema import HIDING_STEPS
from hierniet.services.auth import Actor, Permission, require
from hierniet.services.errors import InvalidInput, NotFound
from hierniet.store import repo, repo_insight
from hierniet.store.repo import Store
from hierniet.store.tables import Channel, Comment, Organisation, utcnow

DEFAULT_ZONE = "Europe/Brussels"
#: The longest period one request may ask for; a longer one is asked for in parts.
MAX_DAYS = 3 * 366
#: The default period: the last 30 days, today included.
DEFAULT_DAYS = 30
#: The backlog's age buckets: under an hour, a day, three days, a week, and older.
BACKLOG_EDGES: tuple[float, ...] = (3600.0, 86400.0, 3 * 86400.0, 7 * 86400.0)
BACKLOG_BUCKETS: tuple[str, ...] = ("lt_1h", "lt_1d", "lt_3d", "lt_7d", "ge_7d")
#: The outcome of a criticism comment, in the order the figures show them.
CRITICISM_OUTCOMES: tuple[str, ...] = ("answered", "left", "hidden", "waiting", "removed")
_ANSWERED = frozenset({CharterStep.REPLY, CharterStep.REFER, CharterStep.CARE})
#: The comment statuses in the order the figures show them.
STATUSES: tuple[str, ...] = ("auto", "decided", "clear", "open", "escalated", "removed")
REPORT_BODIES: tuple[str, ...] = tuple(r.value for r in ReportTo)


@dataclass(frozen=True, slots=True)
class DayCount:
    day: date
    comments: int
    acting: int  # comments with a severity above none: something to act on


@dataclass(frozen=True, slots=True)
class Backlog:
    waiting: int
    buckets: tuple[tuple[str, int], ...]  # (BACKLOG_BUCKETS key, comments)
    oldest_at: datetime | None
    oldest_age_s: float | None


@dataclass(frozen=True, slots=True)
class DecisionTime:
    decided: int  # comments with a person's decision (accept, edit, override)
    median_s: float | None
    p90_s: float | None


@dataclass(frozen=True, slots=True)
class Decisions:
    automatic: int  # the policy applied its step alone
    by_person: int  # a person's decision stands
    other_step: int  # ... with another step than the recommendation's
    clear: int  # nothing to act on
    kinds: tuple[tuple[str, int], ...]  # every decision people recorded, by kind

    @property
    def followed(self) -> int:
        return self.by_person - self.other_step


@dataclass(frozen=True, slots=True)
class Criticism:
    total: int
    outcomes: tuple[tuple[str, int], ...]  # (CRITICISM_OUTCOMES key, comments)

    def count(self, outcome: str) -> int:
        return dict(self.outcomes).get(outcome, 0)

    @property
    def kept_visible(self) -> int:
        return self.count("answered") + self.count("left")


@dataclass(frozen=True, slots=True)
class Reports:
    by_person: tuple[tuple[str, int], ...]  # (body, reports)
    automatic: tuple[tuple[str, int], ...]

    def total(self, body: str) -> int:
        return dict(self.by_person).get(body, 0) + dict(self.automatic).get(body, 0)


@dataclass(frozen=True, slots=True)
class Insight:
    """The figures of one organisation (or every one the actor sees: `organisation` None) over [start, end]."""

    organisation: Organisation | None
    channels: tuple[Channel, ...]
    start: date
    end: date  # included
    zone: str
    computed_at: datetime
    total: int
    days: tuple[DayCount, ...]
    by_channel: tuple[tuple[str, int], ...]  # (channel name, comments), most first
    by_platform: tuple[tuple[str, int], ...]
    by_language: tuple[tuple[str, int], ...]
    by_label: tuple[tuple[str, int], ...]
    by_status: tuple[tuple[str, int], ...]
    backlog: Backlog
    decision_time: DecisionTime
    decisions: Decisions
    criticism: Criticism
    reports: Reports
    notes: tuple[str, ...] = field(default=())


def zone_of(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError):
        return UTC


def zone_key(zone: tzinfo) -> str:
    """The IANA name of a zone of `zone_of` (UTC when it fell back to UTC), as the database knows it."""
    return zone.key if isinstance(zone, ZoneInfo) else "UTC"


def default_period(now: datetime | None = None, zone_name: str = DEFAULT_ZONE) -> tuple[date, date]:
    today = (now or utcnow()).astimezone(zone_of(zone_name)).date()
    return today - timedelta(days=DEFAULT_DAYS - 1), today


#: The days a period may cover: beyond them there are no comments, and the calendar's arithmetic overflows.
FIRST_DAY, LAST_DAY = date(1970, 1, 1), date(2999, 12, 31)


def check_period(start: date, end: date) -> None:
    if not (FIRST_DAY <= start <= LAST_DAY and FIRST_DAY <= end <= LAST_DAY):
        raise InvalidInput(
            f"the period {start.isoformat()} to {end.isoformat()} lies outside the years 1970 to 2999: "
            "choose days in between"
        )
    if end < start:
        raise InvalidInput(
            f"the period ends ({end.isoformat()}) before it starts ({start.isoformat()}): swap the dates"
        )
    if (end - start).days + 1 > MAX_DAYS:
        raise InvalidInput(f"the period has {(end - start).days + 1} days: ask for at most {MAX_DAYS} days at a time")


def utc_bounds(start: date, end: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """[the desk's midnight starting `start`, the one ending `end`) in UTC."""
    lo = datetime.combine(start, time(0), tzinfo=zone).astimezone(UTC)
    hi = datetime.combine(end + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    return lo, hi


def resolve_organisation(store: Store, actor: Actor, slug: str | None) -> Organisation | None:
    """The organisation the actor asks for (by slug), their own when they name none (None: a person of every
    organisation, who sees them all). One they do not see is answered as one that does not exist."""
    require(actor, Permission.READ_INSIGHT, "see the team's figures")
    with store.session() as s:
        if slug:
            org = repo.organisation_by_slug(s, slug.strip())
            if org is None or not actor.sees(org.id):
                raise NotFound(f"no organisation '{slug.strip()[:64]}' that you may see: check the slug")
            return org
        if actor.organisation_id is not None:
            return repo.get_organisation(s, actor.organisation_id)
    return None


def _sorted(counts: dict[str, int]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _criticism_outcome(status: str, decided_step: str | None, step: str) -> str:
    if status in repo_insight.WAITING:
        return "waiting"
    if status == "removed":
        return "removed"
    standing = decided_step if status == "decided" and decided_step else step
    try:
        as_step = CharterStep(standing)
    except ValueError:
        return "left"
    if as_step in HIDING_STEPS:
        return "hidden"
    return "answered" if as_step in _ANSWERED else "left"


def _report_counts(rows: list[tuple[list[str], int]]) -> tuple[tuple[str, int], ...]:
    counts: Counter[str] = Counter()
    for reports, n in rows:
        for body in set(reports):
            counts[body] += n
    return tuple((body, counts.get(body, 0)) for body in REPORT_BODIES)


def insight(
    store: Store,
    actor: Actor,
    *,
    organisation: str | None = None,
    start: date | None = None,
    end: date | None = None,
    channel_ids: tuple[int, ...] = (),
    zone_name: str = DEFAULT_ZONE,
    now: datetime | None = None,
) -> Insight:
    """The figures for the organisation (slug; the actor's own when None) over [start, end] in `zone_name`."""
    org = resolve_organisation(store, actor, organisation)
    now = now or utcnow()
    if start is None or end is None:
        default_start, default_end = default_period(now, zone_name)
        start, end = start or default_start, end or default_end
    check_period(start, end)
    zone = zone_of(zone_name)
    lo, hi = utc_bounds(start, end, zone)
    with store.session() as s:
        repo_insight.prepare(s)
        channels = repo.list_channels(s, org.id if org is not None else None)
        if channel_ids:
            unknown = set(channel_ids) - {c.id for c in channels}
            if unknown:
                raise InvalidInput(
                    f"channel {min(unknown)} is not one of this organisation's channels: choose one of "
                    + ", ".join(str(c.id) for c in channels)
                )
            channels = [c for c in channels if c.id in set(channel_ids)]
        scope = repo_insight.Scope(tuple(c.id for c in channels) or (-1,), lo, hi, zone_key(zone))

        counts = repo_insight.counts(s, scope)
        per_day: dict[date, list[int]] = {start + timedelta(days=i): [0, 0] for i in range((end - start).days + 1)}
        for hour, n, acting in counts.hourly:
            day = hour.astimezone(zone).date()
            if day in per_day:
                per_day[day][0] += n
                per_day[day][1] += acting
        days = tuple(DayCount(d, v[0], v[1]) for d, v in per_day.items())
        total = sum(d.comments for d in days)

        names = {c.id: c.name or c.external_id for c in channels}
        per_channel: Counter[str] = Counter()
        per_platform: Counter[str] = Counter()
        per_language: Counter[str] = Counter()
        by_status_raw: Counter[str] = Counter()
        for channel_id, platform, language, status, n in counts.breakdown:
            per_channel[names.get(channel_id, str(channel_id))] += n
            per_platform[platform] += n
            per_language[language] += n
            by_status_raw[status] += n
        by_status = tuple((st, by_status_raw.get(st, 0)) for st in STATUSES) + tuple(
            (st, n) for st, n in sorted(by_status_raw.items()) if st not in STATUSES
        )

        labels: Counter[str] = Counter()
        outcomes: Counter[str] = Counter()
        by_person = other_step = 0
        for label_list, status, decided_step, step, n in counts.outcomes:
            for label in set(label_list):
                labels[label] += n
            if Label.CRITICISM.value in label_list:
                outcomes[_criticism_outcome(status, decided_step, step)] += n
            if status == "decided":
                by_person += n
                other_step += n if decided_step != step else 0
        known = {x.value for x in Label}
        by_label = tuple((lb.value, labels.get(lb.value, 0)) for lb in Label) + tuple(
            (lb, n) for lb, n in sorted(labels.items()) if lb not in known
        )
        criticism = Criticism(
            total=sum(outcomes.values()),
            outcomes=tuple((k, outcomes.get(k, 0)) for k in CRITICISM_OUTCOMES),
        )

        waiting_counts, oldest = repo_insight.backlog(s, scope.channel_ids, now, BACKLOG_EDGES)
        backlog = Backlog(
            waiting=sum(waiting_counts),
            buckets=tuple(zip(BACKLOG_BUCKETS, waiting_counts, strict=True)),
            oldest_at=oldest,
            oldest_age_s=max(0.0, (now - oldest).total_seconds()) if oldest else None,
        )

        n_decided, delays = repo_insight.decision_delays(s, scope, (0.5, 0.9))
        decision_time = DecisionTime(
            decided=n_decided,
            median_s=delays[0] if delays else None,
            p90_s=delays[1] if delays else None,
        )

        kinds: Counter[str] = Counter()
        person_reports: list[tuple[list[str], int]] = []
        for kind, reports_list, n in repo_insight.decisions_by_kind(s, scope):
            kinds[kind] += n
            if kind in repo_insight.PERSON_KINDS:
                person_reports.append((reports_list, n))
        decisions = Decisions(
            automatic=by_status_raw.get("auto", 0),
            by_person=by_person,
            other_step=other_step,
            clear=by_status_raw.get("clear", 0),
            kinds=_sorted(dict(kinds)),
        )
        reports = Reports(
            by_person=_report_counts(person_reports),
            automatic=_report_counts(repo_insight.automatic_reports(s, scope)),
        )

        return Insight(
            organisation=org,
            channels=tuple(channels),
            start=start,
            end=end,
            zone=zone_name,
            computed_at=now,
            total=total,
            days=days,
            by_channel=_sorted(dict(per_channel)),
            by_platform=_sorted(dict(per_platform)),
            by_language=_sorted(dict(per_language)),
            by_label=by_label,
            by_status=by_status,
            backlog=backlog,
            decision_time=decision_time,
            decisions=decisions,
            criticism=criticism,
            reports=reports,
        )


# --- the figure tables, as CSV and as plain data ------------------------------------------------------------


def tables(result: Insight) -> list[tuple[str, list[tuple[str, float | int | str]]]]:
    """The figures as named tables of (key, value): what the CSV holds, one row per figure."""
    dt = result.decision_time
    b = result.backlog
    return [
        ("volume_per_day", [(d.day.isoformat(), d.comments) for d in result.days]),
        ("acting_per_day", [(d.day.isoformat(), d.acting) for d in result.days]),
        ("channel", list(result.by_channel)),
        ("platform", list(result.by_platform)),
        ("language", list(result.by_language)),
        ("label", list(result.by_label)),
        ("status", list(result.by_status)),
        ("backlog", [("waiting", b.waiting), *b.buckets, ("oldest_age_s", round(b.oldest_age_s or 0.0))]),
        (
            "decision_time",
            [
                ("decided", dt.decided),
                ("median_s", round(dt.median_s) if dt.median_s is not None else ""),
                ("p90_s", round(dt.p90_s) if dt.p90_s is not None else ""),
            ],
        ),
        (
            "decisions",
            [
                ("automatic", result.decisions.automatic),
                ("by_person", result.decisions.by_person),
                ("followed", result.decisions.followed),
                ("other_step", result.decisions.other_step),
            ],
        ),
        ("decision_kind", list(result.decisions.kinds)),
        ("criticism", [("total", result.criticism.total), *result.criticism.outcomes]),
        ("reports_by_person", list(result.reports.by_person)),
        ("reports_automatic", list(result.reports.automatic)),
    ]


def to_csv(result: Insight) -> str:
    """table,key,value rows (with a header), the organisation and period in the first rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["table", "key", "value"])
    org = result.organisation
    writer.writerow(["period", "organisation", org.slug if org else "*"])
    writer.writerow(["period", "from", result.start.isoformat()])
    writer.writerow(["period", "to", result.end.isoformat()])
    writer.writerow(["period", "time_zone", result.zone])
    writer.writerow(["period", "comments", result.total])
    for name, rows in tables(result):
        for key, value in rows:
            # A channel's name is typed by people: a leading =, +, - or @ would be a formula in a spreadsheet.
            safe = f"'{key}" if key[:1] in ("=", "+", "-", "@") else key
            writer.writerow([name, safe, value])
    return out.getvalue()


# --- the transparency report's data: the figures, the charter's address and a few masked examples -----------

_MENTION = re.compile(r"@[\w.\-]+")
_LINK = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
#: The labels whose hidden comments may serve as examples, most telling first.
EXAMPLE_LABELS: tuple[str, ...] = ("hate", "threat", "insult", "sexual", "provocation", "spam", "doxxing")
EXAMPLE_LENGTH = 160


@dataclass(frozen=True, slots=True)
class Example:
    """A comment as the report may quote it: slurs and words the triage flagged masked, personal data,
    mentions and links replaced, cut short; never its author."""

    label: str
    language: str
    day: date
    step: str
    text: str


@dataclass(frozen=True, slots=True)
class Transparency:
    insight: Insight
    name: str  # the organisation's name, or the installation's words for all
    language: str  # the organisation's language (its policy's), the report's default
    charter_urls: dict[str, str]
    criticism_examples: tuple[Example, ...]
    hidden_examples: tuple[Example, ...]


def masked(text: str, evidence: list[dict[str, Any]], limit: int = EXAMPLE_LENGTH) -> tuple[str, int]:
    """The text fit to publish: personal data redacted, every flagged word (lexicon or pattern evidence, slurs
    first) masked to its first letter, mentions and links replaced, at most `limit` characters; and how many
    flagged words it masked."""
    from hierniet.services import privacy
    from hierniet.services.desk import mask_word, segments

    # Redaction keeps the text's length, so the evidence's offsets still fit it.
    redacted, _kinds = privacy.redact_pii(text)
    out = []
    hidden = 0
    for seg in segments(redacted, evidence, mask_slurs=True, limit=limit):
        flagged = any(m.source in ("lexicon", "pattern") for m in seg.marks)
        if seg.masked or (flagged and seg.text.strip()):
            hidden += 1
        out.append(mask_word(seg.text) if flagged and not seg.masked and seg.text.strip() else seg.text)
    quoted = _LINK.sub("[link]", "".join(out))
    return _MENTION.sub("@•••", quoted), hidden


def _example(
    comment: Comment, evidence: list[dict[str, Any]], label: str, step: str, zone: tzinfo, *, needs_mask: bool
) -> Example | None:
    """The comment as an example; None when `needs_mask` and no flagged word could be found to mask (triage
    judged it from the whole text): a hidden comment whose words cannot be masked is never quoted."""
    text, hidden = masked(comment.text, evidence)
    if needs_mask and not hidden:
        return None
    return Example(
        label=label,
        language=comment.language,
        day=comment.posted_at.astimezone(zone).date(),
        step=step,
        text=text,
    )


def transparency(store: Store, actor: Actor, result: Insight, *, examples: int = 3) -> Transparency:
    """What the transparency report prints besides the figures (the actor must see them: `result` is theirs)."""
    from hierniet.services.policies import policy_for

    require(actor, Permission.READ_INSIGHT, "see the team's figures")
    zone = zone_of(result.zone)
    lo, hi = utc_bounds(result.start, result.end, zone)
    scope = repo_insight.Scope(tuple(c.id for c in result.channels) or (-1,), lo, hi)
    org = result.organisation
    policy = policy_for(None, org.policy_yaml if org else None, organisation_name=org.name if org else None)
    languages = [lang for lang in ("nl", "fr", "en", "de") if lang in policy.charter.urls]
    urls: dict[str, str] = {lang: policy.charter.url_for(lang) for lang in languages}
    criticism: list[Example] = []
    hidden: list[Example] = []
    with store.session() as s:
        for comment, verdict in repo_insight.example_rows(
            s, scope, label=Label.CRITICISM.value, statuses=("decided", "auto", "clear"), limit=20
        ):
            outcome = _criticism_outcome(comment.status, comment.decided_step, comment.step)
            if outcome in ("answered", "left") and len(criticism) < examples:
                step = comment.decided_step or comment.step
                found = _example(comment, verdict.evidence, Label.CRITICISM.value, step, zone, needs_mask=False)
                criticism += [found] if found else []
        for label in EXAMPLE_LABELS:
            if len(hidden) >= examples + 1:
                break
            for comment, verdict in repo_insight.example_rows(
                s, scope, label=label, statuses=("decided", "auto"), limit=5
            ):
                if _criticism_outcome(comment.status, comment.decided_step, comment.step) == "hidden":
                    step = comment.decided_step or comment.step
                    found = _example(comment, verdict.evidence, label, step, zone, needs_mask=True)
                    if found:
                        hidden.append(found)
                        break
    return Transparency(
        insight=result,
        name=org.name if org else "",
        language=policy.organisation.language,
        charter_urls=urls,
        criticism_examples=tuple(criticism),
        hidden_examples=tuple(hidden),
    )
