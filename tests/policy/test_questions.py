"""The policy's reply step for a comment that asks a question (replies.answer_questions)."""

from __future__ import annotations

from datetime import UTC, datetime

from hierniet.domain import CharterStep, Label, Language, Platform, Reason, Severity, Verdict
from hierniet.policy import default_policy, parse_policy, recommend

NOW = datetime(2026, 6, 1, tzinfo=UTC)
ASKS = Reason("triage.asks", "the comment asks a question: it needs an answer")


def _ok(*reasons: Reason, language: Language = Language.FR) -> Verdict:
    return Verdict(
        comment_id="c",
        language=language,
        language_confidence=0.99,
        labels=(Label.OK,),
        scores={Label.OK: 0.9},
        severity=Severity.NONE,
        target=None,
        evidence=(),
        pii=(),
        model_version="test",
        reasons=reasons,
    )


def test_a_question_gets_a_reply_in_the_comment_language() -> None:
    rec = recommend(_ok(ASKS), (), default_policy(), Platform.FACEBOOK, now=NOW)
    assert rec.step is CharterStep.REPLY
    assert rec.reply.startswith("Merci pour votre question")
    assert "policy.question" in {r.code for r in rec.reasons}
    assert not rec.auto  # a person writes the answer


def test_no_question_no_step() -> None:
    rec = recommend(_ok(), (), default_policy(), Platform.FACEBOOK, now=NOW)
    assert rec.step is CharterStep.NONE and rec.reply == ""


def test_an_organisation_can_leave_questions_unanswered() -> None:
    policy = parse_policy("extends: default\nname: quiet\nversion: '1'\nreplies:\n  answer_questions: false\n")
    rec = recommend(_ok(ASKS), (), policy, Platform.FACEBOOK, now=NOW)
    assert rec.step is CharterStep.NONE


def test_a_question_never_lowers_another_label() -> None:
    verdict = Verdict(
        comment_id="c",
        language=Language.NL,
        language_confidence=0.99,
        labels=(Label.INSULT,),
        scores={Label.INSULT: 0.95},
        severity=Severity.MEDIUM,
        target=None,
        evidence=(),
        pii=(),
        model_version="test",
        reasons=(ASKS,),
    )
    rec = recommend(verdict, (), default_policy(), Platform.FACEBOOK, now=NOW)
    assert rec.step not in (CharterStep.NONE, CharterStep.REPLY)
