"""Benchmark of the raid detector (issue 14) on seeded simulations of the demo organisations.

    python bench/raids.py [--runs 5] [--days 3] [--seed 14] [--brigades-per-day 4] [--scale 20] [--intent-flags]

Each run simulates `--days` days (hierniet.raids.simulate: normal traffic, viral posts, criticism storms,
brigades of 10-200 accounts; `abusive`/`criticism` read by the shipped triage engine unless --intent-flags) and
feeds the detector minute by minute as the worker does, rebuilding it from its JSON state every 30 minutes (a
worker restart). It prints, over all runs:

- detection delay (median, p95) of the brigades of 15 accounts or more, and the share detected within 5
  minutes of their start (target >= 95 %);
- membership precision, recall and F1 over those brigades (target F1 >= 0.85);
- false raid alerts per day, and how many fell on criticism storms and viral posts (target: none);
- criticism storms recognised as such;
- the recurring core recognised on its second raid (brigades with accounts from an earlier detected brigade:
  those accounts are CORE with earlier_raids filled);
- throughput in comments per second of detector time, on one timeline made of `--scale` runs side by side
  (each its own organisations), fed minute by minute, and in bulk (batches of 5,000, findings after each);
  peak RSS and the size of the detector's state as JSON.

The simulation and triage are not timed. Run by hand, nice'd, never as a timed test.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from dataclasses import replace
from datetime import timedelta

from hierniet.raids.detector import RaidDetector
from hierniet.raids.evaluate import RunResult, percentile, run
from hierniet.raids.simulate import Flags, Simulation, simulate
from hierniet.raids.types import RaidEvent

TARGET_WITHIN_5_MIN = 0.95
TARGET_F1 = 0.85
TARGET_THROUGHPUT = 1_000.0


def _side_by_side(sims: list[Simulation]) -> Simulation:
    """One timeline holding several runs, each with its organisations and ids made its own."""
    events: list[RaidEvent] = []
    for k, sim in enumerate(sims):
        events.extend(
            replace(e, comment_id=f"{k}:{e.comment_id}", organisation=f"{e.organisation}#{k}", author=f"{k}:{e.author}")
            for e in sim.events
        )
    events.sort(key=lambda e: e.posted_at)
    first = sims[0]
    return Simulation(
        seed=first.seed, days=first.days, start=first.start, end=first.end, flags_from=first.flags_from, events=events
    )


def _throughput(sim: Simulation) -> tuple[float, float, int]:
    """(comments/s fed minute by minute, comments/s in bulk, bytes of JSON state at the end)."""
    detector = RaidDetector()
    events = sim.events
    spent = 0.0
    i = 0
    now = sim.start + timedelta(minutes=1)
    while i < len(events):
        batch = []
        while i < len(events) and events[i].posted_at < now:
            batch.append(events[i])
            i += 1
        began = time.perf_counter()
        detector.observe(batch)
        detector.findings(now)
        spent += time.perf_counter() - began
        now += timedelta(minutes=1)
    state_bytes = len(json.dumps(detector.state()))
    bulk = RaidDetector()
    began = time.perf_counter()
    for j in range(0, len(events), 5_000):
        chunk = events[j : j + 5_000]
        bulk.observe(chunk)
        bulk.findings(chunk[-1].posted_at)
    bulk_s = time.perf_counter() - began
    return len(events) / spent, len(events) / bulk_s, state_bytes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="simulations, seeds --seed, --seed + 1, ...")
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--brigades-per-day", type=float, default=4.0)
    parser.add_argument("--scale", type=int, default=20, help="runs side by side for the throughput figure")
    parser.add_argument("--intent-flags", action="store_true", help="skip triage (flags from the generator)")
    parser.add_argument("--restart-every", type=int, default=30, help="minutes between detector restarts")
    args = parser.parse_args(argv)
    flags: Flags = "intent" if args.intent_flags else "triage"

    # Throughput first, while the process holds no triage model: its peak RSS is the detector's (and the
    # simulation's).
    side = _side_by_side(
        [
            simulate(
                seed=args.seed + 100 + k, days=args.days, flags_from="intent", brigades_per_day=args.brigades_per_day
            )
            for k in range(args.scale)
        ]
    )
    minute_rate, bulk_rate, state_bytes = _throughput(side)
    rss_detector = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    results: list[RunResult] = []
    sims: list[Simulation] = []
    generated = 0.0
    for k in range(args.runs):
        began = time.perf_counter()
        sim = simulate(seed=args.seed + k, days=args.days, flags_from=flags, brigades_per_day=args.brigades_per_day)
        generated += time.perf_counter() - began
        sims.append(sim)
        results.append(run(sim, restart_every=args.restart_every))
    brigades = [b for r in results for b in r.brigades]
    big = [b for b in brigades if b.size >= 15]
    delays = sorted(b.delay_s for b in big if b.delay_s is not None)
    within = sum(1 for d in delays if d <= 300) / len(big) if big else 1.0
    tp = sum(b.found for b in big)
    predicted = sum(b.predicted for b in big)
    truth = sum(b.size for b in big)
    precision = tp / predicted if predicted else 0.0
    recall = tp / truth if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    days = sum(r.days for r in results)
    false = sum(len(r.false_alerts) for r in results)
    on_episodes = sum(len(r.alerts_on_episodes) for r in results)
    storms = sum(r.storms for r in results)
    storms_found = sum(r.storms_found for r in results)
    recognised = sum(r.recurring()[0] for r in results)
    recurring = sum(r.recurring()[1] for r in results)
    events = sum(r.events for r in results)
    small = [b for b in brigades if b.size < 15]

    print(f"runs {args.runs} x {args.days} day(s), seeds {args.seed}..{args.seed + args.runs - 1}, flags from {flags}")
    restarts = sum(r.restarts for r in results)
    print(
        f"  {events:,} comments, {len(brigades)} brigades ({len(big)} of >= 15 accounts), {storms} storms; "
        f"simulated in {generated:.1f} s (not timed); detector restarted {restarts} times"
    )
    median, p95 = percentile(delays, 50), percentile(delays, 95)
    print(
        f"  detection delay (>= 15 accounts): median {median:.0f} s, p95 {p95:.0f} s; "
        f"within 5 min {within:.1%} ({len(big) - len(delays)} missed)"
    )
    small_found = sum(1 for b in small if b.delay_s is not None)
    print(f"  brigades of 10-14 accounts detected: {small_found} of {len(small)}")
    print(f"  membership precision {precision:.3f}, recall {recall:.3f}, F1 {f1:.3f}")
    print(f"  false raid alerts {false} ({false / days:.2f} a day), on storms and viral posts {on_episodes}")
    print(f"  criticism storms recognised {storms_found} of {storms}")
    print(f"  recurring core recognised on its next raid: {recognised} of {recurring}")

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"throughput on {args.scale} runs side by side ({len(side.events):,} comments): "
        f"{minute_rate:,.0f} comments/s fed minute by minute, {bulk_rate:,.0f} in bulk"
    )
    print(
        f"  peak RSS {rss_detector:,.0f} MiB before triage was loaded, {rss:,.0f} MiB with it; "
        f"detector state {state_bytes / 1024:,.0f} KiB as JSON"
    )
    ok = within >= TARGET_WITHIN_5_MIN and f1 >= TARGET_F1 and on_episodes == 0 and recognised == recurring
    ok = ok and minute_rate >= TARGET_THROUGHPUT
    print(
        f"SUMMARY within5 {within:.3f} (>= {TARGET_WITHIN_5_MIN}) F1 {f1:.3f} (>= {TARGET_F1}) "
        f"false/day {false / days:.2f} on-episodes {on_episodes} (0) recurring {recognised}/{recurring} "
        f"throughput {minute_rate:,.0f}/s (>= {TARGET_THROUGHPUT:,.0f}) -> {'MET' if ok else 'NOT MET'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
