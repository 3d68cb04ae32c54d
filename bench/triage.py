"""Benchmark of the triage engine: throughput, single-comment latency, load time, memory.

    python bench/triage.py [--n 5000] [--devset ../shared/devset/belgian_comments_dev.jsonl]

Texts are the devset's comments repeated (only their text is read; nothing is
learned from them), or the package's own examples when the devset is absent.
Prints one summary line at the end. Run by hand or by CI as a report, never
as a timed test.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from pathlib import Path

from hierniet.domain import Comment


def _texts(devset: Path) -> list[str]:
    if devset.is_file():
        return [json.loads(line)["text"] for line in devset.read_text(encoding="utf-8").splitlines() if line.strip()]
    from hierniet.training.own import load_own

    return [e.text for e in load_own()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    here = Path(__file__).resolve().parents[1]
    parser.add_argument("--n", type=int, default=5000, help="comments in the throughput run (default 5000)")
    parser.add_argument("--batch", type=int, default=256, help="batch size of the throughput run")
    parser.add_argument("--single", type=int, default=300, help="single-comment calls for the latency run")
    parser.add_argument(
        "--devset", type=Path, default=here.parent / "shared" / "devset" / "belgian_comments_dev.jsonl"
    )
    args = parser.parse_args()

    base = _texts(args.devset)
    # Repeated texts get a numbered suffix so the batch de-duplication cannot flatter the figures.
    texts = [f"{base[i % len(base)]} #{i // len(base)}" for i in range(args.n)]

    started = time.perf_counter()
    from hierniet.triage.pipeline import load_triage

    triage = load_triage()
    triage.embedder.warm_up()
    load_s = time.perf_counter() - started

    comments = [Comment(id=str(i), text=t) for i, t in enumerate(texts)]
    triage.classify(comments[:64])  # first-use costs (wordfreq tables, regexes) are not throughput
    started = time.perf_counter()
    for i in range(0, len(comments), args.batch):
        triage.classify(comments[i : i + args.batch])
    elapsed = time.perf_counter() - started
    throughput = len(comments) / elapsed

    latencies = []
    for i in range(args.single):
        t0 = time.perf_counter()
        triage.classify([Comment(id="s", text=base[i % len(base)])])
        latencies.append((time.perf_counter() - t0) * 1000)
    latencies.sort()
    p50 = statistics.median(latencies)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"model load (lexicons, model, embedder warm-up): {load_s:.2f} s")
    print(f"throughput: {len(comments)} comments in {elapsed:.1f} s, batches of {args.batch}")
    print(f"single-comment latency over {args.single} calls: p50 {p50:.1f} ms, p99 {p99:.1f} ms")
    print(f"peak RSS: {rss_mb:.0f} MB")
    print(
        f"SUMMARY triage: {throughput:.0f} comments/s | p50 {p50:.1f} ms | p99 {p99:.1f} ms | "
        f"load {load_s:.2f} s | peak RSS {rss_mb:.0f} MB | n={len(comments)} | python {sys.version.split()[0]}"
    )


if __name__ == "__main__":
    main()
