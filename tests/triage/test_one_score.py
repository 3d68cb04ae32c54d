"""One score: the verdict's scores are what the policy reads and the desk shows; a label applies at 0.5."""

from __future__ import annotations

import pytest

from hierniet.domain import Comment, EvidenceSource, Label, Platform
from hierniet.policy import default_policy, recommend
from hierniet.training.own import load_own
from hierniet.triage.pipeline import Triage, calibrate


@pytest.mark.parametrize("threshold", [0.2, 0.375, 0.5, 0.7])
def test_calibration_puts_the_threshold_at_one_half(threshold: float) -> None:
    assert calibrate(threshold, threshold) == pytest.approx(0.5)
    assert calibrate(0.0, threshold) == 0.0 and calibrate(1.0, threshold) == pytest.approx(1.0)
    values = [calibrate(x / 100, threshold) for x in range(101)]
    assert values == sorted(values)


def test_labels_are_exactly_the_scores_at_one_half_and_the_policy_counts_them(triage: Triage) -> None:
    examples = load_own()[::25]
    verdicts = triage.classify([Comment(id=str(i), text=e.text) for i, e in enumerate(examples)])
    policy = default_policy()
    for verdict in verdicts:
        applied = {label for label, score in verdict.scores.items() if label is not Label.OK and score >= 0.5}
        assert applied == set(verdict.labels) - {Label.OK}, (verdict.labels, verdict.scores)
        rec = recommend(verdict, (), policy, Platform.FACEBOOK)
        # The policy's threshold is 0.5 for every label but self_harm: it drops none of the verdict's labels.
        assert not [r for r in rec.reasons if "is not counted" in r and "self_harm" not in r], rec.reasons
        for e in verdict.evidence:
            if e.source is EvidenceSource.MODEL:
                assert f"{verdict.scores[e.label]:.2f}" in e.detail, e.detail
