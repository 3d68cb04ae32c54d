"""Functional cases per language, written for hierniet: the phenomena the engine must get right.

Each case says which labels the verdict must include and which it must not.
They exercise the whole pipeline with the shipped model: negation, counter-speech,
neutral identity mentions, non-protected targets, obfuscation, implicit threats,
personal data offered by the commenter, profane complaints.

A case the shipped model is known to get wrong carries `known_miss` (why): it runs as a strict xfail, so
the list of known misses stays true (a model that gets it right fails the run until the mark is removed).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hierniet.domain import Comment
from hierniet.triage.pipeline import Triage

HERE = Path(__file__).resolve().parent


def _cases() -> list[tuple[str, dict[str, object]]]:
    out = []
    for path in sorted(HERE.glob("*/cases.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                case = json.loads(line)
                out.append((path.parent.name, case))
    return out


@pytest.mark.parametrize(("lang", "case"), _cases(), ids=lambda v: v["id"] if isinstance(v, dict) else v)
def test_case(triage: Triage, lang: str, case: dict[str, object], request: pytest.FixtureRequest) -> None:
    if case.get("known_miss"):
        request.applymarker(pytest.mark.xfail(reason=str(case["known_miss"]), strict=True))
    verdict = triage.classify([Comment(id=str(case["id"]), text=str(case["text"]), language_hint=lang)])[0]
    labels = {label.value for label in verdict.labels}
    include = set(case["include"])  # type: ignore[arg-type]
    exclude = set(case["exclude"])  # type: ignore[arg-type]
    explanation = f"{case['text']!r} -> {sorted(labels)}; reasons: {list(verdict.reasons)}"
    assert include <= labels, explanation
    assert not (exclude & labels), explanation
