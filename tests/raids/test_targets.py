"""The targets of issue 14 on small seeded simulations (hierniet.raids.simulate), fed to the detector minute by
minute with a restart from its JSON state every 30 minutes:

- brigades of >= 15 accounts detected within 5 minutes of their start in >= 95 % of cases;
- membership F1 >= 0.85;
- no raid finding on the criticism storms and viral benign posts (and none elsewhere);
- the recurring core recognised on its second raid.

One timeline's `abusive`/`criticism` come from the shipped triage engine (as the bench's do); the others from
the generator's intent, to cover more seeds quickly. Timing is never asserted here (bench/raids.py prints it).
"""

from __future__ import annotations

import pytest

from hierniet.raids.evaluate import RunResult, run
from hierniet.raids.simulate import simulate


@pytest.fixture(scope="module")
def triaged() -> RunResult:
    return run(simulate(seed=14, days=2), restart_every=30)


@pytest.fixture(scope="module")
def intended() -> list[RunResult]:
    return [run(simulate(seed=seed, days=3, flags_from="intent"), restart_every=30) for seed in (21, 22, 23)]


def _check(results: list[RunResult]) -> None:
    big = [b for r in results for b in r.brigades if b.size >= 15]
    assert len(big) >= 5, "the simulation should hold enough brigades to measure"
    within = [b for b in big if b.delay_s is not None and 0 <= b.delay_s <= 300]
    assert len(within) >= 0.95 * len(big), [(b.id, b.size, b.delay_s) for b in big if b not in within]
    tp = sum(b.found for b in big)
    precision = tp / sum(b.predicted for b in big)
    recall = tp / sum(b.size for b in big)
    assert 2 * precision * recall / (precision + recall) >= 0.85
    for r in results:
        assert r.alerts_on_episodes == []
        assert r.false_alerts == [], [(f.key, [str(x) for x in f.reasons]) for f in r.false_alerts]
    recognised = sum(r.recurring()[0] for r in results)
    cases = sum(r.recurring()[1] for r in results)
    assert cases >= 1 and recognised == cases


def test_targets_with_the_shipped_triage(triaged: RunResult) -> None:
    _check([triaged])


def test_targets_on_more_seeds(intended: list[RunResult]) -> None:
    _check(intended)


def test_storms_are_said_to_be_storms(intended: list[RunResult]) -> None:
    storms = sum(r.storms for r in intended)
    assert storms and sum(r.storms_found for r in intended) >= 0.6 * storms


def test_the_restarts_happened(triaged: RunResult) -> None:
    # The figures above were measured across restarts from the JSON state.
    assert triaged.restarts >= 2 * 24 * 60 // 30 - 1
