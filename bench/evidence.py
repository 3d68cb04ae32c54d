"""Benchmark of evidence packs (issue 13): how long a comment's pack, the comment page's paste-ready text, an
author's pack of 200 comments and a verification take.

    python bench/evidence.py [--thread 50] [--author-comments 200] [--rounds 5]

A fresh SQLite file (temporary) migrated to head, one organisation and a Facebook channel, one post whose
thread holds `--thread` comments by different authors, and one author with `--author-comments` comments on it
(each labelled hate by a stand-in classifier: this measures packing, not triage). Prints the median wall-clock and CPU
time of each operation over `--rounds` rounds and the size of the packs. Run by hand, never as a timed test.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hierniet.domain import Comment, Evidence, EvidenceSource, Label, Language, Severity, Target, Verdict
from hierniet.services import evidence
from hierniet.services.auth import CLI_ACTOR
from hierniet.services.ingest import ingest
from hierniet.store import repo
from hierniet.store.db import make_engine
from hierniet.store.migrate import upgrade
from hierniet.store.repo import Store


class HateEverywhere:
    """Every comment is hate with one evidence span: the pack's verdict section is never empty."""

    def classify(self, comments: Sequence[Comment]) -> list[Verdict]:
        scores = {label: 0.01 for label in Label}
        scores[Label.HATE] = 0.97
        return [
            Verdict(
                comment_id=c.id,
                language=Language.NL,
                language_confidence=0.9,
                labels=(Label.HATE,),
                scores=scores,
                severity=Severity.HIGH,
                target=Target.RELIGION,
                evidence=(Evidence(0, 4, Label.HATE, EvidenceSource.LEXICON, "bench", c.text[:4]),),
                pii=(),
                model_version="bench",
                reasons=("bench: hate",),
            )
            for c in comments
        ]


def _timed(what: Callable[[], Any], rounds: int) -> tuple[list[tuple[float, float]], Any]:
    """Wall-clock and CPU milliseconds of each round: on a busy machine the CPU time is the fairer figure."""
    times, result = [], None
    for _ in range(rounds):
        start, cpu = time.perf_counter(), time.process_time()
        result = what()
        times.append(((time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000))
    return times, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--thread", type=int, default=50)
    parser.add_argument("--author-comments", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="hierniet-evidence-bench-"))
    try:
        store = Store(make_engine(f"sqlite:///{folder / 'bench.db'}"))
        upgrade(store.engine)
        with store.transaction() as tx:
            org = repo.add_organisation(tx, slug="stad-gent", name="Stad Gent", policy_yaml=None)
            channel = repo.add_channel(
                tx,
                organisation_id=org.id,
                platform="facebook",
                external_id="gent",
                name="gent",
                policy_yaml=None,
                credentials_ref=None,
            )
        start = datetime(2026, 3, 1, 12, tzinfo=UTC)
        post = {"thread": "p1", "post_text": "Het zwembad gaat dicht.", "channel_id": channel.id}
        items: list[dict[str, object]] = [
            {"id": f"t{n}", "text": f"haat {n}: die mensen moeten weg", "author": f"a{n}", **post}
            | {"posted_at": (start + timedelta(minutes=n)).isoformat()}
            for n in range(args.thread)
        ]
        items += [
            {"id": f"r{n}", "text": f"haat {n}: nog eens", "author": "troll", "channel_id": channel.id}
            | {"posted_at": (start + timedelta(hours=n)).isoformat()}
            for n in range(args.author_comments)
        ]
        made = ingest(store, HateEverywhere(), items, actor=CLI_ACTOR)
        ids = {c.external_id: c.comment_id for c in made.created}
        middle = ids[f"t{args.thread // 2}"]
        with store.session() as s:
            found = repo.get_comment(s, ids["r0"])
            assert found is not None and found[2] is not None
            author_id = found[2].id
        rows = []
        one, pack = _timed(
            lambda: evidence.make_pack(store, CLI_ACTOR, comment_ids=[middle], purpose="unia", language="nl"),
            args.rounds,
        )
        rows.append((f"comment pack (thread of {args.thread})", one, len(pack.data)))
        text, _ = _timed(
            lambda: evidence.statement_for(store, CLI_ACTOR, middle, purpose="unia", language="nl"), args.rounds
        )
        rows.append(("paste-ready text (comment page)", text, 0))
        many, big = _timed(
            lambda: evidence.make_pack(store, CLI_ACTOR, author_id=author_id, purpose="police", language="fr"),
            max(1, args.rounds // 2),
        )
        rows.append((f"author pack ({len(big.comment_ids)} comments)", many, len(big.data)))
        check, result = _timed(lambda: evidence.verify_pack(store, CLI_ACTOR, big.data), args.rounds)
        assert result.ok
        rows.append(("verify the author pack", check, 0))
        for name, times, size in rows:
            extra = f", {size / 1024:.0f} KiB" if size else ""
            wall, cpu = [t[0] for t in times], [t[1] for t in times]
            print(
                f"{name}: wall median {statistics.median(wall):.0f} ms (max {max(wall):.0f}), "
                f"CPU median {statistics.median(cpu):.0f} ms{extra}"
            )
        store.dispose()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
