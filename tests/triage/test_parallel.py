"""The process pool gives the same verdicts as the engine in-process, in the same order.

"The same" up to the last digits of a score: a worker's matrix products run on one BLAS thread and a batch
split in two pads the sentence encoder's input differently, which moves a float's last bits, never a label.
"""

from __future__ import annotations

import pytest

from hierniet.domain import Comment, Reason, Verdict
from hierniet.training.own import load_own
from hierniet.triage.parallel import MIN_PARALLEL_BATCH, TriagePool
from hierniet.triage.pipeline import Triage


def _comments(n: int) -> list[Comment]:
    own = load_own()
    return [Comment(id=str(i), text=f"{own[i % len(own)].text} #{i}") for i in range(n)]


def test_two_workers_give_the_in_process_verdicts_in_order(triage: Triage) -> None:
    comments = _comments(3 * MIN_PARALLEL_BATCH + 5)  # uneven chunks
    with TriagePool(triage, workers=2) as pool:
        assert pool.workers == 2
        pooled = pool.classify(comments)
        again = pool.classify(comments[:7])  # a small batch stays in-process
    assert [v.comment_id for v in pooled] == [c.id for c in comments]
    _assert_same(pooled, triage.classify(comments))
    _assert_same(again, pooled[:7])


def _assert_same(got: list[Verdict], want: list[Verdict]) -> None:
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert (g.comment_id, g.labels, g.severity, g.target, g.evidence, g.rules_fired) == (
            w.comment_id,
            w.labels,
            w.severity,
            w.target,
            w.evidence,
            w.rules_fired,
        )
        # Reasons come back from a worker with their message id and values (the desk translates them).
        assert g.reasons == w.reasons
        assert [(r.code, r.params.keys()) for r in g.reasons if isinstance(r, Reason)] == [
            (r.code, r.params.keys()) for r in w.reasons if isinstance(r, Reason)
        ]
        assert all(isinstance(r, Reason) for r in g.reasons), g.reasons
        assert g.scores.keys() == w.scores.keys()
        assert all(abs(g.scores[k] - w.scores[k]) < 2e-3 for k in g.scores), (g.scores, w.scores)


def test_one_worker_triages_in_process_and_needs_no_pool(triage: Triage) -> None:
    pool = TriagePool(triage, workers=1)
    comments = _comments(MIN_PARALLEL_BATCH)
    _assert_same(pool.classify(comments), triage.classify(comments))
    assert pool._pool is None
    pool.close()


def test_workers_below_one_are_refused_with_the_fix(triage: Triage) -> None:
    with pytest.raises(ValueError, match="use 1 to triage in this process"):
        TriagePool(triage, workers=0)
