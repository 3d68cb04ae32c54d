"""`hierniet raids ...`: the raid detector's tools. `simulate` writes a seeded timeline of comments with raids,
criticism storms and viral posts in it (hierniet.raids.simulate), and its truth.

src/hierniet/cli.py mounts `raids_app` as `hierniet raids` (with `detect`, which runs the detector over the
store: hierniet.services.raids).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from hierniet.raids.detect_cli import detect

raids_app = typer.Typer(
    name="raids",
    help="Raids and pile-ons: simulate timelines with brigades in them, detect raids in the store.",
    no_args_is_help=True,
)
err = Console(stderr=True, soft_wrap=True)


@raids_app.callback()
def _group() -> None:
    """Raids and pile-ons (issue 14)."""
    # A callback keeps `raids` a group of commands even while it holds one, so `hierniet raids simulate` reads
    # the same before and after `detect` joins it.


def _fail(message: object) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}", highlight=False, markup=True)
    return typer.Exit(2)


@raids_app.command("simulate")
def simulate_command(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder to write events.jsonl and truth.json in (made if missing).")
    ] = Path("raids-sim"),
    seed: Annotated[int, typer.Option(help="Seed: the same seed and days give the same timeline.")] = 14,
    days: Annotated[int, typer.Option(help="Days of traffic to simulate (at least 1).")] = 3,
    brigades_per_day: Annotated[float, typer.Option(help="Brigades injected per day, on average.")] = 4.0,
    intent_flags: Annotated[
        bool,
        typer.Option(
            "--intent-flags",
            help="Take abusive/criticism from what the generator meant instead of running the triage engine "
            "(quick, for tests only: the detector is measured on triage's reading).",
        ),
    ] = False,
) -> None:
    """Write a simulated timeline: events.jsonl (one RaidEvent per line, in time order) and truth.json (the
    brigades with their authors, comments and start, the criticism storms and viral posts)."""
    from hierniet.raids.simulate import simulate

    if days < 1:
        raise _fail(f"--days {days}: simulate at least one day")
    if brigades_per_day < 0:
        raise _fail(f"--brigades-per-day {brigades_per_day}: give 0 or more")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _fail(f"cannot make {out}: {exc.strerror}") from None
    sim = simulate(
        seed=seed, days=days, flags_from="intent" if intent_flags else "triage", brigades_per_day=brigades_per_day
    )
    events, truth = out / "events.jsonl", out / "truth.json"
    try:
        sim.write(events, truth)
    except OSError as exc:
        raise _fail(f"cannot write in {out}: {exc.strerror}") from None
    big = sum(1 for b in sim.brigades if b.size >= 15)
    err.print(
        f"{len(sim.events)} comments over {days} day(s), {len(sim.brigades)} brigades ({big} of 15 accounts or "
        f"more), {len(sim.episodes)} storms and viral posts: {events}, {truth}",
        highlight=False,
    )


# `detect` runs the detector over the store once (the worker runs it continuously): hierniet.services.raids.
raids_app.command("detect")(detect)
