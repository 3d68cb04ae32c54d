"""recommend() under the default policy: the full matrix, then one test per rule.

The matrix is every label x severity x history case x platform. The expected
step comes from the literal tables below (the contract of the default policy),
not from the policy file, so a change to default.yaml that changes behaviour
fails here until the tables are updated on purpose.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from hierniet.domain import (
    CharterStep,
    Evidence,
    EvidenceSource,
    HistoryEntry,
    Label,
    Language,
    PIIKind,
    PIIMatch,
    Platform,
    Recommendation,
    ReportTo,
    Severity,
    Target,
    Verdict,
)
from hierniet.policy import default_policy, parse_platform, parse_policy, recommend

S = CharterStep
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
L, M, H, C = Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL
N0 = Severity.NONE

# --- the contract of the default policy, as literal tables -----------------------------------------------

#: label -> first step at severity none, low, medium, high, critical
FIRST: dict[Label, tuple[CharterStep, CharterStep, CharterStep, CharterStep, CharterStep]] = {
    Label.OK: (S.NONE,) * 5,
    Label.CRITICISM: (S.REPLY,) * 5,
    Label.INSULT: (S.REFER, S.REFER, S.REFER, S.HIDE, S.HIDE),
    Label.HATE: (S.HIDE, S.HIDE, S.HIDE, S.HIDE_REPORT, S.HIDE_REPORT),
    Label.THREAT: (S.HIDE_REPORT, S.HIDE_REPORT, S.HIDE_REPORT, S.HIDE_REPORT, S.POLICE),
    Label.SEXUAL: (S.HIDE, S.HIDE, S.HIDE, S.HIDE_REPORT, S.HIDE_REPORT),
    Label.DOXXING: (S.HIDE_REPORT,) * 5,
    Label.PROVOCATION: (S.REFER, S.REFER, S.REFER, S.REFER, S.HIDE),
    Label.DEFAMATION: (S.REVIEW,) * 5,
    Label.SPAM: (S.HIDE, S.HIDE, S.HIDE_REPORT, S.HIDE_REPORT, S.HIDE_REPORT),
    Label.SELF_HARM: (S.CARE,) * 5,
}

#: label -> the rungs an author climbs (empty: no climbing)
LADDER: dict[Label, tuple[CharterStep, ...]] = {
    Label.OK: (),
    Label.CRITICISM: (),
    Label.INSULT: (S.REFER, S.HIDE, S.BLOCK),
    Label.HATE: (S.HIDE, S.HIDE_REPORT, S.BLOCK),
    Label.THREAT: (S.HIDE_REPORT, S.BLOCK),
    Label.SEXUAL: (S.HIDE, S.HIDE_REPORT, S.BLOCK),
    Label.DOXXING: (S.HIDE_REPORT, S.BLOCK),
    Label.PROVOCATION: (S.REFER, S.HIDE, S.BLOCK),
    Label.DEFAMATION: (),
    Label.SPAM: (S.HIDE, S.HIDE_REPORT, S.BLOCK),
    Label.SELF_HARM: (),
}

#: label -> steps the policy lets run automatically
AUTO: dict[Label, frozenset[CharterStep]] = {
    Label.HATE: frozenset({S.HIDE, S.HIDE_REPORT}),
    Label.THREAT: frozenset({S.HIDE_REPORT}),
    Label.SEXUAL: frozenset({S.HIDE, S.HIDE_REPORT}),
    Label.DOXXING: frozenset({S.HIDE_REPORT}),
    Label.SPAM: frozenset({S.HIDE, S.HIDE_REPORT}),
}


@dataclass(frozen=True)
class Caps:
    hide: str | None  # the call that hides, None if it cannot
    delete: str | None
    block: str | None


PLATFORMS: dict[Platform, Caps] = {
    Platform.FACEBOOK: Caps("hide", "delete", "ban_from_page"),
    Platform.INSTAGRAM: Caps("hide", "delete", None),
    Platform.X: Caps("hide_reply", None, "block"),
    Platform.LINKEDIN: Caps(None, "delete", None),
    Platform.YOUTUBE: Caps("hold_for_review", "reject", "reject_and_ban_author"),
    Platform.TIKTOK: Caps("hide", "delete", None),
    Platform.MASTODON: Caps(None, None, "block"),
    Platform.BLUESKY: Caps("hide_reply", None, "block"),
    Platform.OTHER: Caps("hide", "delete", "block"),
}


def _h(days: float, step: CharterStep, **kw: object) -> HistoryEntry:
    return HistoryEntry(when=NOW - timedelta(days=days), step=step, **kw)  # type: ignore[arg-type]


@dataclass(frozen=True)
class History:
    name: str
    entries: tuple[HistoryEntry, ...]
    strikes: int
    person_block: bool = False


HISTORIES = [
    History("none", (), 0),
    History("referred_10d", (_h(10, S.REFER, labels=(Label.INSULT,), comment_id="a"),), 1),
    History(
        "two_strikes",
        (_h(40, S.REFER, comment_id="a"), _h(10, S.HIDE, comment_id="b")),
        2,
    ),
    History("three_strikes", (_h(60, S.REFER), _h(40, S.HIDE), _h(5, S.HIDE)), 3),
    History("outside_window", (_h(200, S.REFER), _h(91, S.HIDE)), 0),
    History("replies_only", (_h(10, S.REPLY), _h(5, S.NONE)), 0),
    History(
        "person_lowered",
        (_h(20, S.HIDE, comment_id="a"), _h(19, S.NONE, comment_id="a", by_person=True, override=True)),
        0,
    ),
    History(
        "person_reset",
        (_h(30, S.REFER), _h(20, S.HIDE), _h(5, S.REPLY, by_person=True, override=True)),
        0,
    ),
    History(
        "person_raised",
        (_h(20, S.NONE, comment_id="a"), _h(19, S.REFER, comment_id="a", by_person=True, override=True)),
        1,
    ),
    History("person_block_old", (_h(400, S.BLOCK, by_person=True),), 0, person_block=True),
]

RANK = {
    s: i
    for i, s in enumerate(
        [S.NONE, S.REPLY, S.REFER, S.REVIEW, S.HIDE, S.HIDE_REPORT, S.BLOCK, S.CARE, S.POLICE]
    )
}


def _expected_step(label: Label, severity: Severity, history: History, platform: Platform) -> CharterStep:
    step = FIRST[label][int(severity)]
    ladder = LADDER[label]
    if ladder and history.strikes and step in ladder:
        step = ladder[min(ladder.index(step) + history.strikes, len(ladder) - 1)]
    if history.person_block and ladder and RANK[step] < RANK[S.BLOCK]:
        step = S.BLOCK
    if step is S.BLOCK and PLATFORMS[platform].block is None:
        step = S.HIDE_REPORT
    caps = PLATFORMS[platform]
    if step in (S.HIDE, S.HIDE_REPORT) and caps.hide is None and caps.delete is None:
        step = S.REFER  # nothing can take the comment down: the charter link and a report remain
    return step


def verdict(
    *labels: Label,
    severity: Severity = Severity.MEDIUM,
    score: float = 0.95,
    scores: dict[Label, float] | None = None,
    language: Language = Language.NL,
    confidence: float = 0.99,
    target: Target | None = None,
    comment_id: str = "c-now",
    pii: tuple[PIIMatch, ...] = (),
    evidence: tuple[Evidence, ...] | None = None,
) -> Verdict:
    if evidence is None:
        # By default each label is backed by a rule (a lexicon entry), as most verdicts that reach a step are.
        evidence = tuple(
            Evidence(0, 4, label, EvidenceSource.LEXICON, "test", "test") for label in labels if label is not Label.OK
        )
    return Verdict(
        comment_id=comment_id,
        language=language,
        language_confidence=confidence,
        labels=labels,
        scores=scores if scores is not None else dict.fromkeys(labels, score),
        severity=severity,
        target=target,
        evidence=evidence,
        pii=pii,
        model_version="test",
    )


def rec(
    v: Verdict, history: tuple[HistoryEntry, ...] = (), platform: Platform = Platform.FACEBOOK, **kw: object
) -> Recommendation:
    return recommend(v, history, default_policy(), platform, now=NOW, **kw)  # type: ignore[arg-type]


# --- the matrix --------------------------------------------------------------------------------------------

MATRIX = list(itertools.product(list(Label), list(Severity), HISTORIES, list(Platform)))


@pytest.mark.parametrize(
    ("label", "severity", "history", "platform"),
    MATRIX,
    ids=[f"{lb.value}-{int(sv)}-{h.name}-{p.value}" for lb, sv, h, p in MATRIX],
)
def test_matrix(label: Label, severity: Severity, history: History, platform: Platform) -> None:
    r = rec(verdict(label, severity=severity), history.entries, platform)
    expected = _expected_step(label, severity, history, platform)
    assert r.step is expected, r.reasons

    caps = PLATFORMS[platform]
    hiding = {S.HIDE, S.HIDE_REPORT, S.BLOCK, S.POLICE}
    # The platform call that hides is the platform's own (or delete where it cannot hide).
    if r.step in hiding and (caps.hide or caps.delete):
        assert r.actions[0] == (caps.hide or caps.delete)
        if caps.hide is None:
            assert any("cannot hide" in reason for reason in r.reasons)
    elif r.step in hiding:
        assert any("neither hide nor delete" in reason for reason in r.reasons)
    else:
        assert not {"hide", "hide_reply", "hold_for_review", "delete"} & set(r.actions)
    # Never an action the platform cannot do.
    if caps.block is None:
        assert r.step is not S.BLOCK
        if (
            FIRST[label][int(severity)] is not S.POLICE
            and expected is S.HIDE_REPORT
            and (_expected_step(label, severity, history, Platform.OTHER) is S.BLOCK)
        ):
            assert any("cannot block" in reason for reason in r.reasons)
    if r.step is S.BLOCK:
        assert caps.block in r.actions

    # The charter's promises, whatever the history or platform.
    if label is Label.CRITICISM:
        assert r.step is S.REPLY and r.reports == () and not r.auto
    if label is Label.SELF_HARM:
        assert r.step is S.CARE and r.alert_lead and not r.auto
        assert "1813" in r.reply
    if label is Label.DEFAMATION:
        assert r.step is S.REVIEW and not r.auto
    if label is Label.OK:
        assert r.step is S.NONE and r.reply == "" and r.reports == ()

    # Reports.
    if r.step in (S.HIDE_REPORT, S.POLICE):
        assert ReportTo.PLATFORM in r.reports
    assert (ReportTo.POLICE in r.reports) == (r.step is S.POLICE)
    assert (ReportTo.UNIA in r.reports) == (label is Label.HATE and severity >= Severity.HIGH)

    # auto: allowed by the table, score 0.95 >= 0.9 (0.8 for doxxing), not substituted for the platform.
    substituted = (caps.hide is None and r.step in hiding) or (
        _expected_step(label, severity, history, Platform.OTHER) is S.BLOCK and caps.block is None
    )
    assert r.auto == (r.step in AUTO.get(label, frozenset()) and not substituted)

    # Replies: spam is silent, everything that acts says something.
    if label is Label.SPAM:
        assert r.reply == ""
    elif r.step is not S.NONE:
        assert r.reply and "$" not in r.reply
        assert ("reply" in r.actions) is True

    assert r.policy_version == "default@2026.3"
    assert r.platform is platform
    assert r.reasons and all(isinstance(x, str) and x for x in r.reasons)


def test_matrix_covers_the_whole_grid() -> None:
    assert len(MATRIX) == len(Label) * len(Severity) * len(HISTORIES) * len(Platform) == 11 * 5 * 10 * 9


# --- escalation -------------------------------------------------------------------------------------------


def test_a_referred_author_climbs_one_step_and_so_on_up_to_a_block() -> None:
    v = verdict(Label.INSULT)
    history: tuple[HistoryEntry, ...] = ()
    seen = []
    for day in range(4):
        r = rec(v, history)
        seen.append(r.step)
        history = (*history, _h(30 - day, r.step, labels=(Label.INSULT,), comment_id=f"c{day}"))
    assert seen == [S.REFER, S.HIDE, S.BLOCK, S.BLOCK]


def test_escalation_reason_names_the_earlier_steps() -> None:
    r = rec(verdict(Label.INSULT), (_h(10, S.REFER),))
    assert any("climbs its ladder from refer to hide" in x and "within 90 days" in x for x in r.reasons)


def test_window_comes_from_the_policy() -> None:
    policy = parse_policy("extends: default\nescalation:\n  window_days: 7\n", source="p.yaml")
    r = recommend(verdict(Label.INSULT), (_h(10, S.REFER),), policy, Platform.FACEBOOK, now=NOW)
    assert r.step is S.REFER


def test_future_history_entries_are_ignored() -> None:
    assert rec(verdict(Label.INSULT), (_h(-5, S.HIDE),)).step is S.REFER


def test_criticism_from_a_persistent_author_still_gets_a_reply() -> None:
    r = rec(verdict(Label.CRITICISM), (_h(5, S.HIDE), _h(3, S.BLOCK, by_person=True)))
    assert r.step is S.REPLY


def test_person_block_stands_even_outside_the_window() -> None:
    r = rec(verdict(Label.INSULT, severity=L), (_h(365, S.BLOCK, by_person=True),))
    assert r.step is S.BLOCK
    assert any("that block stands" in x for x in r.reasons)


def test_machine_block_outside_window_does_not_stand() -> None:
    assert rec(verdict(Label.INSULT, severity=L), (_h(365, S.BLOCK),)).step is S.REFER


def test_a_person_decision_on_this_comment_is_returned_as_it_stands() -> None:
    history = (_h(1, S.NONE, comment_id="c-now", by_person=True, override=True),)
    r = rec(verdict(Label.HATE, severity=H), history)
    assert r.step is S.NONE and not r.auto and r.reports == ()
    assert "A person decided 'none'" in r.reasons[0] and "hide_report" in r.reasons[0]


def test_a_person_raising_this_comment_is_respected_too() -> None:
    history = (_h(1, S.BLOCK, comment_id="c-now", by_person=True),)
    r = rec(verdict(Label.INSULT, severity=L), history)
    assert r.step is S.BLOCK and not r.auto


def test_lowering_reason_is_given() -> None:
    history = (_h(20, S.HIDE, comment_id="a"), _h(19, S.NONE, comment_id="a", by_person=True, override=True))
    r = rec(verdict(Label.INSULT), history)
    assert any("A person lowered 1 earlier step" in x for x in r.reasons)


def test_reset_reason_is_given() -> None:
    history = (_h(20, S.HIDE), _h(5, S.REPLY, by_person=True, override=True))
    r = rec(verdict(Label.INSULT), history)
    assert r.step is S.REFER
    assert any("cleared this author's record" in x for x in r.reasons)


# --- several labels, thresholds ----------------------------------------------------------------------------


def test_most_severe_step_wins_and_reasons_list_each_label() -> None:
    r = rec(verdict(Label.INSULT, Label.HATE, severity=H))
    assert r.step is S.HIDE_REPORT and r.label is Label.HATE
    assert any("insult -> hide" in x and "hate -> hide_report" in x for x in r.reasons)


def test_criticism_with_an_insult_is_referred_and_the_complaint_noted() -> None:
    r = rec(verdict(Label.CRITICISM, Label.INSULT))
    assert r.step is S.REFER
    assert any("Also criticism" in x for x in r.reasons)


def test_self_harm_outranks_hiding_and_alerts_the_lead() -> None:
    r = rec(verdict(Label.SELF_HARM, Label.INSULT, severity=H))
    assert r.step is S.CARE and r.alert_lead and not r.auto
    assert "1813" in r.reply


def test_credible_threat_outranks_care_but_the_reply_still_cares() -> None:
    r = rec(verdict(Label.SELF_HARM, Label.THREAT, severity=C))
    assert r.step is S.POLICE and r.alert_lead
    assert "1813" in r.reply


def test_doxxing_with_a_threat_goes_to_the_police_at_any_severity() -> None:
    pii = (PIIMatch(PIIKind.PHONE, 0, 10, "+32470000000"),)
    r = rec(verdict(Label.DOXXING, Label.THREAT, severity=L, pii=pii))
    assert r.step is S.POLICE
    assert r.reports == (ReportTo.PLATFORM, ReportTo.POLICE)
    assert any("personal data published together with a threat" in x for x in r.reasons)
    assert any("Personal data found: phone" in x for x in r.reasons)


def test_doxxing_alone_is_no_police_matter() -> None:
    r = rec(verdict(Label.DOXXING, severity=C))
    assert r.step is S.HIDE_REPORT and ReportTo.POLICE not in r.reports


def test_below_threshold_scores_do_not_count() -> None:
    r = rec(verdict(Label.HATE, Label.CRITICISM, scores={Label.HATE: 0.3, Label.CRITICISM: 0.8}, severity=H))
    assert r.step is S.REPLY
    assert any("hate is not counted: score 0.30 is below the policy threshold 0.50" in x for x in r.reasons)


def test_all_labels_below_threshold_means_nothing_to_do() -> None:
    r = rec(verdict(Label.INSULT, score=0.2))
    assert r.step is S.NONE and r.reply == "" and not r.auto


def test_no_labels_means_nothing_to_do() -> None:
    assert rec(verdict()).step is S.NONE


def test_self_harm_threshold_is_lower() -> None:
    assert rec(verdict(Label.SELF_HARM, score=0.4)).step is S.CARE


def test_ok_next_to_a_real_label_is_ignored() -> None:
    assert rec(verdict(Label.OK, Label.INSULT)).step is S.REFER


# --- auto ---------------------------------------------------------------------------------------------------


def test_auto_needs_the_score_above_the_auto_threshold() -> None:
    assert rec(verdict(Label.HATE, severity=H, score=0.95)).auto
    r = rec(verdict(Label.HATE, severity=H, score=0.85))
    assert not r.auto
    assert any("score 0.85 is below the auto threshold 0.90" in x for x in r.reasons)


def test_auto_needs_a_score() -> None:
    r = rec(verdict(Label.HATE, severity=H, scores={}))
    assert r.step is S.HIDE_REPORT and not r.auto
    assert any("no score" in x for x in r.reasons)


def _model_only(*labels: Label) -> tuple[Evidence, ...]:
    return tuple(Evidence(0, 4, label, EvidenceSource.MODEL, "model reading", "test") for label in labels)


def test_hate_only_the_model_found_is_never_automatic() -> None:
    # The demo's "Nieuwe trams en toch nog altijd geen wifi ... Geldverspilling." was hidden and reported to
    # Unia on the model's word alone.
    r = rec(verdict(Label.HATE, severity=H, score=0.99, evidence=_model_only(Label.HATE)))
    assert r.step is S.HIDE_REPORT and not r.auto
    assert any("only the model found hate" in x for x in r.reasons)
    assert rec(verdict(Label.HATE, severity=H, score=0.99)).auto  # a rule backs it: the policy may act


def test_abuse_beside_criticism_is_hidden_automatically_only_when_a_rule_found_it() -> None:
    policy = parse_policy("extends: default\nlabels:\n  insult:\n    auto: [hide]\n", source="test")
    both = (Label.INSULT, Label.CRITICISM)
    ruled = verdict(*both, severity=H, score=0.99)
    assert recommend(ruled, (), policy, Platform.FACEBOOK, now=NOW).auto
    model_only = (*_model_only(Label.INSULT), Evidence(0, 4, Label.CRITICISM, EvidenceSource.LEXICON, "t", "t"))
    r = recommend(verdict(*both, severity=H, score=0.99, evidence=model_only), (), policy, Platform.FACEBOOK, now=NOW)
    assert r.step is S.HIDE and not r.auto
    assert any("also criticism and only the model found insult" in x for x in r.reasons), r.reasons


def test_never_auto_when_defamation_is_among_the_labels() -> None:
    r = rec(verdict(Label.HATE, Label.DEFAMATION, severity=H, score=0.99))
    assert r.step is S.HIDE_REPORT and not r.auto


def test_never_auto_on_a_substituted_step() -> None:
    r = rec(verdict(Label.HATE, severity=H), platform=Platform.LINKEDIN)
    assert r.step is S.HIDE_REPORT and r.actions[0] == "delete" and not r.auto


# --- reports ------------------------------------------------------------------------------------------------


def test_unia_when_the_organisation_is_in_belgium() -> None:
    r = rec(verdict(Label.HATE, severity=H, target=Target.ETHNICITY))
    assert r.reports == (ReportTo.PLATFORM, ReportTo.UNIA)
    assert any("Unia: hate (target: ethnicity), and the organisation is in Belgium" in x for x in r.reasons)


def test_unia_depends_on_the_author_when_the_medium_is_abroad() -> None:
    policy = parse_policy("extends: default\norganisation:\n  in_belgium: false\n", source="p.yaml")
    v = verdict(Label.HATE, severity=H)
    abroad = recommend(v, (), policy, Platform.FACEBOOK, now=NOW)
    assert ReportTo.UNIA not in abroad.reports
    assert any("No report to Unia" in x for x in abroad.reasons)
    belgian = recommend(v, (), policy, Platform.FACEBOOK, now=NOW, author_in_belgium=True)
    assert ReportTo.UNIA in belgian.reports
    assert any("the author is in Belgium" in x for x in belgian.reasons)


def test_unia_never_for_other_labels() -> None:
    for label in Label:
        if label is not Label.HATE:
            assert ReportTo.UNIA not in rec(verdict(label, severity=C)).reports


def test_refer_with_a_platform_report_when_the_policy_says_so() -> None:
    policy = parse_policy(
        "extends: default\nlabels:\n  insult:\n    reports:\n      platform: low\n", source="p.yaml"
    )
    r = recommend(verdict(Label.INSULT, severity=L), (), policy, Platform.FACEBOOK, now=NOW)
    assert r.as_dict()["step"] == "refer" and r.as_dict()["reports"] == ["platform"]


# --- platforms ----------------------------------------------------------------------------------------------


def test_linkedin_cannot_hide_so_delete() -> None:
    r = rec(verdict(Label.HATE, severity=M), platform=Platform.LINKEDIN)
    assert r.step is S.HIDE and r.actions[0] == "delete"
    assert any("LinkedIn cannot hide a comment: delete it instead" in x for x in r.reasons)


def test_neither_hide_nor_delete_becomes_refer_and_report() -> None:
    policy = parse_policy("extends: default\nplatforms:\n  linkedin:\n    delete: false\n", source="p.yaml")
    r = recommend(verdict(Label.HATE, severity=M), (), policy, Platform.LINKEDIN, now=NOW)
    assert r.step is S.REFER and r.reports == (ReportTo.PLATFORM,)
    assert any("neither hide nor delete" in x for x in r.reasons)


def test_instagram_cannot_block_so_hide_and_report() -> None:
    r = rec(verdict(Label.INSULT), (_h(20, S.REFER), _h(10, S.HIDE)), Platform.INSTAGRAM)
    assert r.step is S.HIDE_REPORT and ReportTo.PLATFORM in r.reports
    assert any("Instagram cannot block through its API" in x for x in r.reasons)


def test_youtube_holds_for_review_and_bans() -> None:
    r = rec(verdict(Label.INSULT, severity=H), platform=Platform.YOUTUBE)
    assert r.actions[0] == "hold_for_review"
    blocked = rec(verdict(Label.INSULT), (_h(20, S.REFER), _h(10, S.HIDE)), Platform.YOUTUBE)
    assert "reject_and_ban_author" in blocked.actions


def test_x_hides_replies_only_in_own_conversations() -> None:
    r = rec(verdict(Label.INSULT, severity=H), platform=Platform.X)
    assert r.actions[0] == "hide_reply"
    assert any("own conversations" in x for x in r.reasons)


@pytest.mark.parametrize(
    ("raw", "platform"),
    [
        ("twitter", Platform.X),
        ("Facebook", Platform.FACEBOOK),
        ("ig", Platform.INSTAGRAM),
        (None, Platform.OTHER),
        ("mastodon", Platform.MASTODON),
        ("myspace", Platform.OTHER),
        ("youtube", Platform.YOUTUBE),
    ],
)
def test_parse_platform(raw: str | None, platform: Platform) -> None:
    assert parse_platform(raw) is platform


def test_platform_given_as_text() -> None:
    assert (
        recommend(verdict(Label.INSULT, severity=H), (), default_policy(), "linkedin", now=NOW).actions[0]
        == "delete"
    )


# --- language, reasons, shape ----------------------------------------------------------------------


def test_reply_in_the_commenters_language() -> None:
    r = rec(verdict(Label.INSULT, language=Language.FR))
    assert r.language is Language.FR and "/fr/code-of-conduct#insult" in r.reply


def test_reply_falls_back_to_the_organisation_language() -> None:
    other = rec(verdict(Label.INSULT, language=Language.OTHER))
    assert other.language is Language.NL
    assert any("the comment is in 'other'" in x for x in other.reasons)
    unsure = rec(verdict(Label.INSULT, language=Language.DE, confidence=0.3))
    assert unsure.language is Language.NL
    assert any("uncertain" in x for x in unsure.reasons)


def test_reasons_cite_the_rule_and_the_evidence() -> None:
    ev = (Evidence(0, 6, Label.INSULT, EvidenceSource.LEXICON, "nl/insult: idioot", "idioot"),)
    r = rec(verdict(Label.INSULT, evidence=ev))
    assert r.reasons[0] == (
        "insult (score 0.95 >= threshold 0.50, severity medium): the policy's first step is refer "
        "(labels.insult.first_step)."
    )
    assert r.reasons[1] == 'Evidence for insult: "idioot" (lexicon: nl/insult: idioot).'


def test_as_dict_shape() -> None:
    d = rec(verdict(Label.INSULT)).as_dict()
    assert list(d)[:5] == ["step", "reports", "auto", "reply", "reasons"]
    assert d["step"] == "refer" and d["reports"] == [] and d["auto"] is False
    assert isinstance(d["reply"], str) and all(isinstance(x, str) for x in d["reasons"])
    assert d["policy"] == "default@2026.3" and d["language"] == "nl"


def test_recommend_is_pure() -> None:
    v = verdict(Label.HATE, Label.INSULT, severity=H)
    history = (_h(10, S.REFER),)
    assert rec(v, history) == rec(v, history)


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        HistoryEntry(when=datetime(2026, 1, 1), step=S.REFER)
    with pytest.raises(ValueError, match="timezone-aware"):
        recommend(verdict(Label.INSULT), (), default_policy(), Platform.FACEBOOK, now=datetime(2026, 1, 1))


def test_now_defaults_to_the_current_time() -> None:
    recent = HistoryEntry(when=datetime.now(UTC) - timedelta(days=1), step=S.REFER)
    assert recommend(verdict(Label.INSULT), (recent,), default_policy(), Platform.FACEBOOK).step is S.HIDE
