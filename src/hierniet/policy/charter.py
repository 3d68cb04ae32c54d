"""The charter as a pure function: Verdict + author history + policy + platform -> Recommendation.

The order of the rules (each leaves a reason a moderator can read):

1. Labels whose score is below the policy threshold do not count.
2. Each counted label gets its first step from the policy (per severity).
3. An author with earlier counted steps within the escalation window climbs one
   rung of that label's ladder per step; a person's block stands; a person's
   override lowers (one comment) or resets (the author's record) the count.
4. The most serious step among the labels wins (care outranks hiding: a person
   in distress is never hidden; a credible threat still goes to the police).
5. A step the platform cannot perform becomes the nearest one it can.
6. Reports: the platform, Unia (hate, author or medium in Belgium), the police
   (credible threats; doxxing together with a threat).
7. `auto` only where the policy allows the step for that label, the score is
   above the auto threshold, and nothing needs a person.
8. A person's earlier decision on this very comment is returned as it stands.

Nothing here reads files, clocks (unless `now` is left out) or databases.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from hierniet.domain import (
    CharterStep,
    HistoryEntry,
    Label,
    Language,
    Platform,
    Reason,
    Recommendation,
    ReportTo,
    Severity,
    Verdict,
)
from hierniet.policy.replies import render_reply, reply_language
from hierniet.policy.schema import (
    NEVER_AUTO_LABELS,
    NEVER_AUTO_STEPS,
    SEVERITY_NAMES,
    STEP_RANK,
    PlatformCapabilities,
    Policy,
)

#: Steps a person can take that say "this was fine": they never count as a strike.
HARMLESS_STEPS: frozenset[CharterStep] = frozenset({CharterStep.NONE, CharterStep.REPLY})

#: Platform names as connectors and imports spell them, mapped to Platform.
_PLATFORM_ALIASES: dict[str, Platform] = {
    "fb": Platform.FACEBOOK,
    "meta": Platform.FACEBOOK,
    "ig": Platform.INSTAGRAM,
    "insta": Platform.INSTAGRAM,
    "twitter": Platform.X,
    "x.com": Platform.X,
    "yt": Platform.YOUTUBE,
}

_PLATFORM_TITLES: dict[Platform, str] = {
    Platform.FACEBOOK: "Facebook",
    Platform.INSTAGRAM: "Instagram",
    Platform.X: "X",
    Platform.LINKEDIN: "LinkedIn",
    Platform.YOUTUBE: "YouTube",
    Platform.TIKTOK: "TikTok",
    Platform.MASTODON: "Mastodon",
    Platform.BLUESKY: "Bluesky",
    Platform.OTHER: "This channel",
}


def parse_platform(value: str | Platform | None) -> Platform:
    """The Platform for a connector's or import's spelling; anything unknown is `other`."""
    if isinstance(value, Platform):
        return value
    key = (value or "").strip().lower()
    if key in _PLATFORM_ALIASES:
        return _PLATFORM_ALIASES[key]
    try:
        return Platform(key)
    except ValueError:
        return Platform.OTHER


@dataclass
class _Record:
    """What the author's history means for this comment."""

    strikes: list[HistoryEntry] = field(default_factory=list)
    person_block: HistoryEntry | None = None
    reasons: list[Reason] = field(default_factory=list)


@dataclass(frozen=True)
class _Candidate:
    label: Label
    step: CharterStep
    score: float | None


def recommend(
    verdict: Verdict,
    history: Sequence[HistoryEntry],
    policy: Policy,
    platform: Platform | str,
    *,
    now: datetime | None = None,
    author_in_belgium: bool | None = None,
) -> Recommendation:
    """The charter's step for one comment, with reports, reply, and the reasons for each."""
    if now is None:
        now = datetime.now(UTC)
    elif now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"recommend(now=...) must be timezone-aware, got {now!r}; use datetime.now(UTC)")
    where = parse_platform(platform)
    caps = policy.capabilities(where)
    severity = Severity(verdict.severity)
    reasons: list[Reason] = []

    counted = _counted_labels(verdict, policy, reasons)
    record = _read_history(history, policy, now)
    candidates = [_label_step(c, severity, record, policy, verdict, reasons) for c in counted]

    police_label, police_reasons = _police(counted, severity, policy)
    if police_label is not None:
        # A credible threat (or doxxing with a threat) puts the police step on the label that caused it.
        candidates = [
            _Candidate(c.label, CharterStep.POLICE, c.score)
            if c.label is police_label and STEP_RANK[c.step] < STEP_RANK[CharterStep.POLICE]
            else c
            for c in candidates
        ]

    winner = max(candidates, key=lambda c: (STEP_RANK[c.step], c.score if c.score is not None else 1.0))
    if len(candidates) > 1:
        listed = ", ".join(f"{c.label.value} -> {c.step.value}" for c in candidates)
        reasons.append(
            Reason(
                "policy.several_labels",
                f"Several labels: the most serious step wins ({listed}).",
                pairs=[[c.label.value, c.step.value] for c in candidates],
            )
        )
    if record.reasons:
        reasons.extend(record.reasons)

    person = _person_decision(verdict.comment_id, history)
    if person is not None:
        reasons.insert(
            0,
            Reason(
                "policy.person_decided",
                f"A person decided '{person.step.value}' for this comment on {person.when:%Y-%m-%d}; "
                f"a machine never overrides a person (the policy alone would say '{winner.step.value}').",
                step=person.step.value,
                day=person.when.date().isoformat(),
                policy_step=winner.step.value,
            ),
        )
        return _finish(
            person.step,
            winner,
            counted,
            severity,
            verdict,
            policy,
            where,
            caps,
            reasons,
            police_reasons,
            author_in_belgium,
            allow_auto=False,
        )
    return _finish(
        winner.step,
        winner,
        counted,
        severity,
        verdict,
        policy,
        where,
        caps,
        reasons,
        police_reasons,
        author_in_belgium,
        allow_auto=True,
    )


def _counted_labels(verdict: Verdict, policy: Policy, reasons: list[Reason]) -> list[_Candidate]:
    counted: list[_Candidate] = []
    for label in verdict.labels:
        rules = policy.label(label)
        score = verdict.scores.get(label)
        if score is not None and score < rules.threshold:
            reasons.append(
                Reason(
                    "policy.below_threshold",
                    f"{label.value} is not counted: score {score:.2f} is below "
                    f"the policy threshold {rules.threshold:.2f}.",
                    label=label.value,
                    score=score,
                    threshold=rules.threshold,
                )
            )
            continue
        counted.append(_Candidate(label, CharterStep.NONE, score))
    if not counted:
        counted.append(_Candidate(Label.OK, CharterStep.NONE, None))
    # ok next to a real label says nothing: the real label decides.
    if len(counted) > 1:
        counted = [c for c in counted if c.label is not Label.OK]
    return counted


def _label_step(
    cand: _Candidate,
    severity: Severity,
    record: _Record,
    policy: Policy,
    verdict: Verdict,
    reasons: list[Reason],
) -> _Candidate:
    label = cand.label
    rules = policy.label(label)
    sev_name = SEVERITY_NAMES[severity]
    base = rules.step_for(severity)
    score = (
        f"score {cand.score:.2f} >= threshold {rules.threshold:.2f}" if cand.score is not None else "no score"
    )
    reasons.append(
        Reason(
            "policy.first_step" if cand.score is not None else "policy.first_step_unscored",
            f"{label.value} ({score}, severity {sev_name}): the policy's first step is {base.value} "
            f"(labels.{label.value}.first_step).",
            label=label.value,
            score=cand.score,
            threshold=rules.threshold,
            severity=sev_name,
            step=base.value,
        )
    )
    evidence = [e for e in verdict.evidence if e.label is label][:3]
    if evidence:
        shown = "; ".join(
            (f'"{_clip(e.text)}" ' if e.text else "") + f"({e.source.value}{': ' + e.detail if e.detail else ''})"
            for e in evidence
        )
        reasons.append(
            Reason(
                "policy.evidence",
                f"Evidence for {label.value}: {shown}.",
                label=label.value,
                evidence=[[_clip(e.text) if e.text else "", e.source.value, e.detail] for e in evidence],
            )
        )
    if label is Label.DOXXING and verdict.pii:
        kinds = ", ".join(sorted({p.kind.value for p in verdict.pii}))
        reasons.append(
            Reason(
                "policy.personal_data",
                f"Personal data found: {kinds}.",
                kinds=sorted({p.kind.value for p in verdict.pii}),
            )
        )

    step = base
    if label is Label.OK and base is CharterStep.NONE and policy.replies.answer_questions and _asks(verdict):
        step = CharterStep.REPLY
        reasons.append(
            Reason(
                "policy.question",
                "The comment asks a question: answer it (replies.answer_questions).",
            )
        )
    if rules.ladder and record.strikes and STEP_RANK[base] <= STEP_RANK[rules.ladder[-1]]:
        below = [i for i, rung in enumerate(rules.ladder) if STEP_RANK[rung] <= STEP_RANK[base]]
        position = below[-1] if below else -1
        target = min(position + len(record.strikes), len(rules.ladder) - 1)
        if target > position and STEP_RANK[rules.ladder[target]] > STEP_RANK[base]:
            step = rules.ladder[target]
            earlier = ", ".join(f"{e.step.value} on {e.when:%Y-%m-%d}" for e in record.strikes[-3:])
            reasons.append(
                Reason(
                    "policy.climbs",
                    f"The author persists: {len(record.strikes)} earlier step(s) within "
                    f"{policy.escalation.window_days} days ({earlier}), so {label.value} climbs its ladder "
                    f"from {base.value} to {step.value}.",
                    count=len(record.strikes),
                    days=policy.escalation.window_days,
                    earlier=[[e.step.value, e.when.date().isoformat()] for e in record.strikes[-3:]],
                    label=label.value,
                    from_step=base.value,
                    step=step.value,
                )
            )
    elif record.strikes and not rules.ladder and label not in (Label.OK, Label.CRITICISM):
        reasons.append(
            Reason(
                "policy.no_ladder",
                f"{label.value} has no ladder in the policy: earlier steps do not change it.",
                label=label.value,
            )
        )
    if record.person_block is not None and rules.ladder and STEP_RANK[step] < STEP_RANK[CharterStep.BLOCK]:
        step = CharterStep.BLOCK
        reasons.append(
            Reason(
                "policy.block_stands",
                f"A person blocked this author on {record.person_block.when:%Y-%m-%d}; that block stands.",
                day=record.person_block.when.date().isoformat(),
            )
        )
    return _Candidate(label, step, cand.score)


def _asks(verdict: Verdict) -> bool:
    """Triage found a question in the comment (a question to the organisation, not to a person it mentions)."""
    return any(getattr(r, "code", None) == "triage.asks" for r in verdict.reasons)


def _read_history(history: Sequence[HistoryEntry], policy: Policy, now: datetime) -> _Record:
    record = _Record()
    entries = sorted((e for e in history if e.when <= now), key=lambda e: e.when)

    resets = [i for i, e in enumerate(entries) if _is_reset(e)]
    if resets:
        cleared = entries[resets[-1]]
        record.reasons.append(
            Reason(
                "policy.record_cleared",
                f"A person cleared this author's record on {cleared.when:%Y-%m-%d}: earlier steps do not count.",
                day=cleared.when.date().isoformat(),
            )
        )
        entries = entries[resets[-1] + 1 :]

    # Manual outranks automatic: where a person decided a comment, the machine's entries for it drop out.
    latest_person: dict[str, HistoryEntry] = {}
    for e in entries:
        if e.by_person and e.comment_id is not None:
            latest_person[e.comment_id] = e
    effective: list[HistoryEntry] = []
    lowered = 0
    for e in entries:
        if (
            e.comment_id is not None
            and e.comment_id in latest_person
            and latest_person[e.comment_id] is not e
        ):
            if STEP_RANK[e.step] > STEP_RANK[latest_person[e.comment_id].step]:
                lowered += 1
            continue
        effective.append(e)
    if lowered:
        record.reasons.append(
            Reason(
                "policy.lowered",
                f"A person lowered {lowered} earlier step(s) of this author; "
                "their decision counts, not the machine's.",
                count=lowered,
            )
        )

    window = timedelta(days=policy.escalation.window_days)
    counts = set(policy.escalation.counts)
    record.strikes = [e for e in effective if e.step in counts and now - e.when <= window]
    blocks = [e for e in effective if e.by_person and e.step is CharterStep.BLOCK]
    record.person_block = blocks[-1] if blocks else None
    return record


def _is_reset(entry: HistoryEntry) -> bool:
    """A person's override that clears the author as a whole (no comment named) and says "fine"."""
    return entry.by_person and entry.override and entry.comment_id is None and entry.step in HARMLESS_STEPS


def _person_decision(comment_id: str, history: Sequence[HistoryEntry]) -> HistoryEntry | None:
    mine = [e for e in history if e.by_person and e.comment_id == comment_id]
    return max(mine, key=lambda e: e.when) if mine else None


def _police(
    counted: Sequence[_Candidate], severity: Severity, policy: Policy
) -> tuple[Label | None, list[Reason]]:
    """The label that calls for the police (if any) and why."""
    for c in counted:
        floor = policy.label(c.label).reports.police
        if floor is not None and _at_least(severity, floor):
            return c.label, [
                Reason(
                    "policy.police",
                    f"Report to the police: {c.label.value} at severity {SEVERITY_NAMES[severity]} "
                    f"(the policy treats {floor} and above as credible).",
                    label=c.label.value,
                    severity=SEVERITY_NAMES[severity],
                    floor=floor,
                )
            ]
    labels = {c.label for c in counted}
    if policy.police.doxxing_with_threat and {Label.DOXXING, Label.THREAT} <= labels:
        return Label.DOXXING, [
            Reason(
                "policy.police_doxxing", "Report to the police: personal data published together with a threat."
            )
        ]
    return None, []


def _at_least(severity: Severity, name: str) -> bool:
    return int(severity) >= list(SEVERITY_NAMES.values()).index(name)  # type: ignore[arg-type]


def _finish(
    step: CharterStep,
    winner: _Candidate,
    counted: Sequence[_Candidate],
    severity: Severity,
    verdict: Verdict,
    policy: Policy,
    platform: Platform,
    caps: PlatformCapabilities,
    reasons: list[Reason],
    police_reasons: Sequence[Reason],
    author_in_belgium: bool | None,
    *,
    allow_auto: bool,
) -> Recommendation:
    labels = {c.label for c in counted}
    step, platform_calls, substituted = _adapt_to_platform(step, platform, caps, reasons)

    reports = _reports(step, counted, severity, verdict, policy, author_in_belgium, reasons, police_reasons)
    if substituted and step is CharterStep.REFER and ReportTo.PLATFORM not in reports:
        # The platform could not hide it: reporting is what is left besides the reply.
        reports.insert(0, ReportTo.PLATFORM)
    if ReportTo.PLATFORM in reports and not caps.report:
        reports = [r for r in reports if r is not ReportTo.PLATFORM]
        reasons.append(
            Reason(
                "policy.no_report",
                f"{_PLATFORM_TITLES[platform]} offers no way to report: keep the evidence instead.",
                platform=platform.value,
            )
        )

    # The reply speaks to the commenter about what matters most for them: care first.
    reply_label = Label.SELF_HARM if Label.SELF_HARM in labels else winner.label
    reply_step = CharterStep.CARE if reply_label is Label.SELF_HARM and step is not CharterStep.NONE else step
    language = Language(_language(verdict, policy, reasons))
    if reply_label in policy.replies.silent_labels and reply_step is not CharterStep.CARE:
        reply = ""
        if step is not CharterStep.NONE:
            reasons.append(
                Reason(
                    "policy.silent",
                    f"No reply: the policy keeps {reply_label.value} unanswered (replies.silent_labels).",
                    label=reply_label.value,
                )
            )
    else:
        reply = render_reply(reply_step, reply_label, language, policy)
    if Label.CRITICISM in labels and step not in (CharterStep.NONE, CharterStep.REPLY):
        reasons.append(
            Reason(
                "policy.also_criticism",
                "Also criticism: answer the complaint as well; criticism itself is never hidden.",
            )
        )
    elif step is CharterStep.REPLY and winner.label is Label.CRITICISM:
        reasons.append(
            Reason(
                "policy.criticism",
                "Criticism gets an answer, not a hide: the reply routes the commenter to customer service.",
            )
        )

    auto = allow_auto and _auto(step, winner, labels, substituted, policy, reasons, verdict)

    alert = Label.SELF_HARM in labels or step is CharterStep.POLICE
    if Label.SELF_HARM in labels:
        reasons.append(
            Reason(
                "policy.distress",
                "Someone may be in distress: a caring reply with the helpline, and the team lead is alerted.",
            )
        )
    elif step is CharterStep.POLICE:
        reasons.append(
            Reason("policy.credible_threat", "A credible threat: the team lead is alerted and the evidence is kept.")
        )

    actions = list(platform_calls)
    if ReportTo.PLATFORM in reports:
        actions.append("report")
    if reply:
        actions.append("reply")
    return Recommendation(
        step=step,
        reports=tuple(reports),
        auto=auto,
        reply=reply,
        reasons=tuple(reasons),
        language=language,
        alert_lead=alert,
        policy_version=policy.version_tag,
        label=winner.label,
        actions=tuple(actions),
        platform=platform,
    )


def _adapt_to_platform(
    step: CharterStep, platform: Platform, caps: PlatformCapabilities, reasons: list[Reason]
) -> tuple[CharterStep, list[str], bool]:
    """Replace a step the platform cannot perform by the nearest one it can; the platform calls to make."""
    title = _PLATFORM_TITLES[platform]
    substituted = False
    calls: list[str] = []
    if step is CharterStep.BLOCK and not caps.block:
        reasons.append(
            Reason(
                "policy.no_block",
                f"{title} cannot block through its API: hide and report instead "
                "(block by hand in the app if needed).",
                platform=platform.value,
            )
        )
        step, substituted = CharterStep.HIDE_REPORT, True
    if step in (CharterStep.HIDE, CharterStep.HIDE_REPORT, CharterStep.BLOCK, CharterStep.POLICE):
        if caps.hide:
            calls.append(caps.hide_action)
            if caps.hide_action != "hide":
                reasons.append(
                    Reason(
                        "policy.hide_action",
                        f"On {title}, hiding is done by '{caps.hide_action}'.",
                        platform=platform.value,
                        action=caps.hide_action,
                    )
                )
            if caps.note:
                # The policy's own words: the desk shows them as the policy wrote them.
                reasons.append(Reason("policy.note", caps.note, platform=platform.value, note=caps.note))
        elif caps.delete:
            calls.append(caps.delete_action)
            substituted = True
            reasons.append(
                Reason(
                    "policy.delete_instead",
                    f"{title} cannot hide a comment: delete it instead ('{caps.delete_action}'), "
                    "after the evidence is kept.",
                    platform=platform.value,
                    action=caps.delete_action,
                )
            )
        else:
            substituted = True
            if step is CharterStep.POLICE:
                reasons.append(
                    Reason(
                        "policy.cannot_hide_police",
                        f"{title} can neither hide nor delete the comment: report it and keep the evidence.",
                        platform=platform.value,
                    )
                )
            elif step is CharterStep.BLOCK:
                reasons.append(
                    Reason(
                        "policy.cannot_hide_block",
                        f"{title} can neither hide nor delete the comment: block the author and report it.",
                        platform=platform.value,
                    )
                )
            else:
                reasons.append(
                    Reason(
                        "policy.cannot_hide_refer",
                        f"{title} can neither hide nor delete a comment: "
                        "reply with the charter link and report it.",
                        platform=platform.value,
                    )
                )
                step = CharterStep.REFER
        if step is CharterStep.BLOCK:
            calls.append(caps.block_action)
    return step, calls, substituted


def _reports(
    step: CharterStep,
    counted: Sequence[_Candidate],
    severity: Severity,
    verdict: Verdict,
    policy: Policy,
    author_in_belgium: bool | None,
    reasons: list[Reason],
    police_reasons: Sequence[Reason],
) -> list[ReportTo]:
    if step in (CharterStep.NONE, CharterStep.REPLY):
        # Nothing to act on (or a person said so): nothing to report either.
        return []
    wanted: set[ReportTo] = set()
    for c in counted:
        rules = policy.label(c.label).reports
        if rules.platform is not None and _at_least(severity, rules.platform):
            wanted.add(ReportTo.PLATFORM)
        if rules.unia is not None and _at_least(severity, rules.unia):
            belgian = author_in_belgium is True or policy.organisation.in_belgium
            target = f" (target: {verdict.target.value})" if verdict.target else ""
            if belgian:
                who = "the author" if author_in_belgium else "the organisation"
                reasons.append(
                    Reason(
                        "policy.unia_author" if author_in_belgium else "policy.unia_organisation",
                        f"Report to Unia: {c.label.value}{target}, and {who} is in Belgium.",
                        label=c.label.value,
                        target=verdict.target.value if verdict.target else None,
                    )
                )
                wanted.add(ReportTo.UNIA)
            else:
                reasons.append(
                    Reason(
                        "policy.no_unia",
                        "No report to Unia: neither the author nor the organisation is known to be in Belgium.",
                    )
                )
    if step in (CharterStep.HIDE_REPORT, CharterStep.POLICE):
        wanted.add(ReportTo.PLATFORM)
    if police_reasons:
        wanted.update({ReportTo.POLICE, ReportTo.PLATFORM})
        reasons.extend(police_reasons)
    return [r for r in (ReportTo.PLATFORM, ReportTo.UNIA, ReportTo.POLICE) if r in wanted]


def _auto(
    step: CharterStep,
    winner: _Candidate,
    labels: set[Label],
    substituted: bool,
    policy: Policy,
    reasons: list[Reason],
    verdict: Verdict,
) -> bool:
    rules = policy.label(winner.label)
    # Why not automatic: the reason's code ("policy.suggested.<why>"), the words after "Suggested only: ",
    # and the values the desk needs to say it again.
    why_not: tuple[str, str, dict[str, Any]] | None = None
    if step in (CharterStep.NONE,):
        return False
    never = sorted(label.value for label in labels & NEVER_AUTO_LABELS)
    model_only = winner.label is not Label.OK and not verdict.rule_found(winner.label)
    if never:
        why_not = ("never_labels", f"a person always handles {' and '.join(never)}", {"labels": never})
    elif model_only and winner.label is Label.HATE:
        # Hate read by the model alone, with no slur, hostile phrase or group rule behind it: a person
        # confirms it before anyone is hidden or reported to Unia.
        why_not = ("model_only_hate", "only the model found hate (no rule, word list or pattern backs it)", {})
    elif model_only and Label.CRITICISM in labels and winner.label is not Label.CRITICISM:
        # A complaint beside the abuse: hiding it would silence the complaint too, on the model's word alone.
        why_not = (
            "also_criticism",
            f"the comment is also criticism and only the model found {winner.label.value}",
            {"label": winner.label.value},
        )
    elif step in NEVER_AUTO_STEPS:
        why_not = ("never_step", f"'{step.value}' always needs a person", {"step": step.value})
    elif substituted:
        why_not = ("substituted", "the step was changed to fit the platform", {})
    elif step not in rules.auto:
        why_not = (
            "not_allowed",
            f"the policy does not let {winner.label.value} -> {step.value} run automatically",
            {"label": winner.label.value, "step": step.value},
        )
    elif winner.score is None:
        why_not = ("no_score", "the verdict carries no score", {})
    elif winner.score < rules.auto_threshold:
        why_not = (
            "below_threshold",
            f"score {winner.score:.2f} is below the auto threshold {rules.auto_threshold:.2f}",
            {"score": winner.score, "threshold": rules.auto_threshold},
        )
    if why_not:
        code, words, values = why_not
        reasons.append(Reason(f"policy.suggested.{code}", f"Suggested only: {words}.", **values))
        return False
    reasons.append(
        Reason(
            "policy.automatic",
            f"Automatic: the policy lets {winner.label.value} -> {step.value} run at score >= "
            f"{rules.auto_threshold:.2f} (score {winner.score:.2f}).",
            label=winner.label.value,
            step=step.value,
            threshold=rules.auto_threshold,
            score=winner.score,
        )
    )
    return True


def _language(verdict: Verdict, policy: Policy, reasons: list[Reason]) -> str:
    lang = reply_language(verdict.language, policy)
    if (
        lang == verdict.language.value
        and verdict.language_confidence >= policy.replies.min_language_confidence
    ):
        return lang
    fallback = policy.organisation.language
    if lang == verdict.language.value:
        reasons.append(
            Reason(
                "policy.reply_language_uncertain",
                f"Reply in {fallback}, the organisation's language: the comment's language ({lang}) is "
                f"uncertain ({verdict.language_confidence:.2f}).",
                fallback=fallback,
                language=lang,
                confidence=verdict.language_confidence,
            )
        )
    else:
        reasons.append(
            Reason(
                "policy.reply_language_other",
                f"Reply in {fallback}, the organisation's language: the comment is in '{verdict.language.value}'.",
                fallback=fallback,
                language=verdict.language.value,
            )
        )
    return fallback


def _clip(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
