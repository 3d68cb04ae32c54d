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
        "--workers",
        type=int,
        default=None,
        help="processes of the batch run through hierniet.triage.parallel (default: every core; 1: in-process)",
    )
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

    from hierniet.triage.parallel import TriagePool

    comments = [Comment(id=str(i), text=t) for i, t in enumerate(texts)]
    triage.classify(comments[:64])  # first-use costs (wordfreq tables, regexes) are not throughput

    def batch_run(pool: TriagePool) -> float:
        pool.classify(comments[: args.batch])  # the workers' first batch pays their first-use costs too
        started = time.perf_counter()
        for i in range(0, len(comments), args.batch):
            pool.classify(comments[i : i + args.batch])
        return len(comments) / (time.perf_counter() - started)

    # In-process first (what the desk and the API do per request), then on every core (bulk: CLI, imports).
    with TriagePool(triage, workers=1) as pool:
        one_process = batch_run(pool)
    with TriagePool(triage, workers=args.workers) as pool:
        workers = pool.workers
        throughput = batch_run(pool)
    children_rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

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
    print(f"throughput, one process: {one_process:.0f} comments/s ({len(comments)} comments, batches of {args.batch})")
    print(f"throughput, {workers} worker processes: {throughput:.0f} comments/s")
    print(f"single-comment latency over {args.single} calls: p50 {p50:.1f} ms, p99 {p99:.1f} ms")
    print(f"peak RSS: {rss_mb:.0f} MB (largest worker process {children_rss_mb:.0f} MB, mostly pages shared by fork)")
    print(
        f"SUMMARY triage: {throughput:.0f} comments/s on {workers} processes ({one_process:.0f} in one) | "
        f"p50 {p50:.1f} ms | p99 {p99:.1f} ms | "
        f"load {load_s:.2f} s | peak RSS {rss_mb:.0f} MB | n={len(comments)} | python {sys.version.split()[0]}"
    )


if __name__ == "__main__":
    main()
