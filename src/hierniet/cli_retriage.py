"""`hierniet retriage`: re-triage and re-recommend stored comments after a model or policy change (issue 16).

A thin shell over hierniet.services.retriage: the filters, the engine (local processes or a Dask cluster), the
progress bar and the summary. docs/retriage.md tells how runs resume.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import typer

from hierniet.cli import _cli_store, _fail, _load_triage, _progress, _triage_pool, err


def _when(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise _fail(ValueError(f"{option} {value!r}: give a date or time as 2026-03-01 or 2026-03-01T12:00")) from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def retriage(
    engine: Annotated[str, typer.Option(help="local: processes on this machine; dask: a Dask cluster.")] = "local",
    scheduler: Annotated[
        str | None,
        typer.Option(help="With --engine dask: a running cluster's scheduler (tcp://HOST:8786); default: a local one."),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            help="Processes to triage on (local engine, and a local Dask cluster's workers; default: every core).",
        ),
    ] = None,
    org: Annotated[str | None, typer.Option("--org", help="Only this organisation's comments (its slug).")] = None,
    since: Annotated[str | None, typer.Option(help="Only comments posted at or after this date (UTC).")] = None,
    until: Annotated[str | None, typer.Option(help="Only comments posted before this date (UTC).")] = None,
    label: Annotated[str | None, typer.Option(help="Only comments whose latest verdict has this label.")] = None,
    everything: Annotated[bool, typer.Option("--all", help="Every stored comment (when no other filter).")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only say how many comments would be re-triaged.")] = False,
    resume: Annotated[
        str | None,
        typer.Option(help="Resume this run (its id); by default the last unfinished run with the same filters."),
    ] = None,
    fresh: Annotated[
        bool, typer.Option("--new", help="Start a new run even if one with the same filters is unfinished.")
    ] = False,
    batch_size: Annotated[int, typer.Option(min=1, help="Comments per batch (and per transaction).")] = 500,
    partition_size: Annotated[int, typer.Option(min=1, help="Comments per id-range partition.")] = 20_000,
) -> None:
    """Triage stored comments again, with the current model and each channel's policy: a new verdict version and
    recommendation each; a person's decision stands. Resumes after a crash (see docs/retriage.md)."""
    from hierniet.services import retriage as service
    from hierniet.services.auth import CLI_ACTOR
    from hierniet.settings import get_settings

    if engine not in service.ENGINES:
        raise _fail(ValueError(f"unknown engine '{engine}': use local or dask"))
    if scheduler is not None and engine != "dask":
        raise _fail(ValueError("--scheduler needs --engine dask"))
    f = service.RetriageFilter(
        organisation=org,
        since=_when(since, "--since"),
        until=_when(until, "--until"),
        label=label,
        everything=everything,
    )
    with _cli_store() as store:
        if dry_run:
            n = service.count(store, f)
            typer.echo(f"{n} comments would be re-triaged")
            return
        run_id = resume
        if run_id is None and not fresh:
            f.check()
            run_id = service.unfinished_run(store, f)
            if run_id is not None:
                err.print(f"resuming unfinished run {run_id} (same filters; --new starts over)", highlight=False)
        if run_id is None:
            run_id = service.start_run(
                store, CLI_ACTOR, f, engine=engine, batch_size=batch_size, partition_size=partition_size
            )
            err.print(f"run {run_id}", highlight=False)
        before = service.summary(store, run_id)
        if before.finished:
            err.print(f"run {run_id} is finished already", highlight=False)
            for line in before.lines():
                typer.echo(line)
            return
        settings = get_settings()
        n_workers = workers or settings.triage_workers
        batch_engine: Any
        if engine == "local":
            triage = _load_triage()
            embedder = getattr(triage, "embedder", None)
            if embedder is not None:
                # Loaded lazily by the first batch otherwise, inside the session's seconds and comments/s.
                embedder.warm_up()
            pool = _triage_pool(triage, n_workers, before.planned - before.retriaged)
            context: Any = pool
            batch_engine = service.ClassifierEngine(pool)
        else:
            from hierniet.services.retriage_dask import DaskEngine
            from hierniet.triage.parallel import default_workers

            model_dir = str(settings.model_dir) if settings.model_dir else None
            dask_engine = DaskEngine(scheduler=scheduler, workers=n_workers or default_workers(), model_dir=model_dir)
            try:
                context = dask_engine.__enter__()
            except ConnectionError as exc:
                raise _fail(exc) from None
            batch_engine = dask_engine
        try:
            with _progress(True) as bar:
                task = bar.add_task("re-triaging", total=before.planned, completed=before.retriaged)
                result = service.run(
                    store,
                    CLI_ACTOR,
                    run_id,
                    batch_engine,
                    service.RunOptions(progress=lambda n: bar.update(task, advance=n)),
                )
        finally:
            context.__exit__(None, None, None)
    for line in result.lines():
        typer.echo(line)
