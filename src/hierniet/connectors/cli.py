"""`hierniet channel add|list|remove|key` and `hierniet worker`: thin shells over the connection and outbox services."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from hierniet.cli import _cli_store

channel_app = typer.Typer(
    name="channel",
    help="Connect channels to their platforms: credentials (encrypted), connector settings.",
    no_args_is_help=True,
)
# soft_wrap: an error line is never cut mid-message by Rich (issue 12)
err = Console(stderr=True, soft_wrap=True)


def _fail(message: str) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}")
    return typer.Exit(2)


def _secret_value(name: str, value: str) -> str:
    """VALUE, @env:VARIABLE (kept out of the shell history) or - (asked without echo)."""
    if value == "-":
        return str(typer.prompt(f"{name}", hide_input=True))
    if value.startswith("@env:"):
        variable = value[5:]
        found = os.environ.get(variable)
        if not found:
            raise _fail(f"--secret {name}=@env:{variable}: the environment variable {variable} is not set")
        return found
    return value


@channel_app.command("key")
def channel_key() -> None:
    """Print a new key for HIERNIET_CREDENTIALS_KEY (store it outside the database and its backups)."""
    from hierniet.services.credentials import new_key

    typer.echo(new_key())


@channel_app.command("add")
def channel_add(
    platform: Annotated[str, typer.Argument(help="facebook, instagram, youtube, mastodon, bluesky, linkedin, ...")],
    external_id: Annotated[str, typer.Argument(help="The channel's id on the platform (page id, channel id, ...).")],
    secret: Annotated[
        list[str] | None,
        typer.Option(help="NAME=VALUE, NAME=@env:VARIABLE or NAME=- (asked); repeat for each secret."),
    ] = None,
    config: Annotated[list[str] | None, typer.Option(help="NAME=VALUE connector setting (base_url, ...).")] = None,
    org: Annotated[str | None, typer.Option(help="Organisation slug, to create the channel when it is new.")] = None,
    name: Annotated[str, typer.Option(help="A name for a new channel.")] = "",
    replace: Annotated[bool, typer.Option(help="Replace all stored secrets and settings instead of merging.")] = False,
) -> None:
    """Connect a channel: store its secrets encrypted (HIERNIET_CREDENTIALS_KEY) and its connector settings."""
    from hierniet.connectors.base import ConfigError
    from hierniet.services.auth import CLI_ACTOR
    from hierniet.services.connections import connect_channel, parse_pairs
    from hierniet.services.credentials import CredentialsError
    from hierniet.settings import get_settings
    from hierniet.store import repo

    with _cli_store() as store:
        secrets = {k: _secret_value(k, v) for k, v in parse_pairs(secret or [], "--secret").items()}
        organisation_id = None
        if org is not None:
            with store.session() as s:
                found = repo.organisation_by_slug(s, org)
            if found is None:
                raise _fail(f"no organisation {org!r}: create it first (POST /api/v1/organisations)")
            organisation_id = found.id
        try:
            view = connect_channel(
                store,
                get_settings(),
                CLI_ACTOR,
                platform=platform,
                external_id=external_id,
                secrets=secrets,
                config=parse_pairs(config or [], "--config"),
                organisation_id=organisation_id,
                name=name,
                replace=replace,
            )
        except (CredentialsError, ConfigError) as exc:
            raise _fail(str(exc)) from None
    masked = ", ".join(f"{k} {v}" for k, v in sorted(view.credentials.items()))
    err.print(f"channel {view.id} ({view.platform}/{view.external_id}) connected: {masked}")
    if "webhook" in view.receives:
        err.print(f"its platform sends webhooks to: https://YOUR-HOST/hooks/{view.platform}/{view.id}")


@channel_app.command("list")
def channel_list(as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False) -> None:
    """The channels with their connection: secrets masked (••••abcd), settings, cursor and last error."""
    from hierniet.services.auth import CLI_ACTOR
    from hierniet.services.connections import list_connections

    with _cli_store() as store:
        views = list_connections(store, CLI_ACTOR)
    if as_json:
        for v in views:
            typer.echo(
                json.dumps(
                    {
                        "id": v.id,
                        "platform": v.platform,
                        "external_id": v.external_id,
                        "name": v.name,
                        "active": v.active,
                        "connected": v.connected,
                        "credentials": v.credentials,
                        "config": v.config,
                        "receives": v.receives,
                        "cursor": v.cursor,
                        "last_error": v.last_error,
                    },
                    ensure_ascii=False,
                )
            )
        return
    table = Table("id", "platform", "channel", "connected", "secrets", "settings", "last error")
    for v in views:
        table.add_row(
            str(v.id),
            v.platform,
            f"{v.external_id} {v.name}".strip(),
            ("yes" if v.connected else "no") + ("" if v.active else " (stopped)"),
            ", ".join(f"{k} {m}" for k, m in sorted(v.credentials.items())),
            ", ".join(f"{k}={val}" for k, val in sorted(v.config.items())),
            v.last_error or "",
        )
    Console().print(table)


@channel_app.command("remove")
def channel_remove(
    channel_id: Annotated[int, typer.Argument(help="The channel's hierniet id (channel list).")],
) -> None:
    """Disconnect a channel: wipe its secrets and stop polling it and sending its actions. Comments stay."""
    from hierniet.services.auth import CLI_ACTOR
    from hierniet.services.connections import disconnect_channel

    with _cli_store() as store:
        view = disconnect_channel(store, CLI_ACTOR, channel_id)
    err.print(f"channel {view.id} ({view.platform}/{view.external_id}) disconnected; its secrets are wiped")


ROLES = ("all", "ingest", "outbox", "poll")


def worker(
    role: Annotated[
        str,
        typer.Option(
            help="ingest: triage what webhooks and pollers queued in the Redis stream; outbox: send queued actions "
            "and alerts; poll: poll the channels of polled platforms; all: everything (docs/connectors.md)."
        ),
    ] = "all",
    concurrency: Annotated[
        int, typer.Option(min=1, help="Ingest consumer processes (--role ingest), each with its own model.")
    ] = 1,
    dead_letters: Annotated[
        bool, typer.Option("--dead-letters", help="Show the stream entries that failed for good, and stop.")
    ] = False,
    once: Annotated[
        bool, typer.Option("--once", help="Do one round (poll, then one batch of actions) and stop.")
    ] = False,
    batch: Annotated[int, typer.Option(help="Actions claimed per round.")] = 100,
    lease: Annotated[
        float, typer.Option(help="Seconds a claimed action is held before another worker may take it.")
    ] = 300.0,
    rate: Annotated[
        list[str] | None, typer.Option(help="PLATFORM=CALLS_PER_SECOND, e.g. facebook=2 (repeatable).")
    ] = None,
    max_attempts: Annotated[int, typer.Option(help="Tries before an action fails for good.")] = 8,
    poll: Annotated[bool, typer.Option(help="Poll the channels of polled platforms too.")] = True,
    poll_interval: Annotated[float, typer.Option(help="Seconds between polls of one channel.")] = 120.0,
    worker_id: Annotated[
        str | None, typer.Option(help="This worker's name in the leases (default host:random).")
    ] = None,
    retention: Annotated[bool, typer.Option(help="Run the retention purge once a day (docs/privacy.md).")] = True,
    raids: Annotated[
        bool,
        typer.Option(help="Look for raids every HIERNIET_RAID_DETECT_INTERVAL_S seconds (docs/raids.md)."),
    ] = True,
    metrics_port: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=65535,
            help="Serve Prometheus /metrics on this port (behind HIERNIET_METRICS_TOKEN): stream lag, batch "
            "latency, outbox calls by platform and state. With --concurrency N, consumer i serves PORT+i.",
        ),
    ] = None,
    metrics_host: Annotated[str, typer.Option(help="Address the metrics port listens on.")] = "127.0.0.1",
) -> None:
    """Carry queued actions out on the platforms (rate-limited, retried with backoff, exactly once), poll the
    channels of polled platforms, and (with HIERNIET_REDIS_URL) triage the comments queued in the Redis stream.
    Stops on Ctrl-C or SIGTERM after the batch in progress."""
    from hierniet import redaction
    from hierniet.services.connections import parse_pairs
    from hierniet.services.errors import ServiceError
    from hierniet.services.outbox import Worker, WorkerOptions
    from hierniet.settings import get_settings

    # The platforms' URLs carry tokens (httpx logs each call): keep them out of whatever logging is set up.
    redaction.install()
    if get_settings().log_format == "json":
        from hierniet.logs import configure

        configure("json")  # one JSON object per line (HIERNIET_LOG_FORMAT); text keeps Python's default
    if role not in ROLES:
        raise _fail(f"--role {role!r}: use one of {', '.join(ROLES)}")
    settings = get_settings()
    from hierniet.streams.service import open_queue

    queue = open_queue(settings)
    if dead_letters:
        _show_dead_letters(queue)
        return
    serving = (metrics_host, metrics_port) if metrics_port is not None and not once else None
    if serving is not None and not settings.metrics_token:
        # Said before a model loads or a batch is read, not after.
        raise _fail(
            "--metrics-port needs HIERNIET_METRICS_TOKEN: the queue's depth per organisation tells who is under "
            "attack, which is not for everyone to read (set it, and give Prometheus the same bearer token)"
        )
    if role == "ingest":
        _ingest_role(settings, queue, concurrency, once, serving)
        return
    options = WorkerOptions(
        batch=batch,
        lease_s=lease,
        max_attempts=max_attempts,
        # The outbox role leaves polling to poll workers, so one channel is not polled by both.
        poll=poll and role != "outbox",
        poll_interval_s=poll_interval,
        # A poll-only worker leaves the daily purge, the raids and the sending to the outbox workers.
        retention=retention and role != "poll",
        raids=raids and role != "poll",
        send=role != "poll",
    )
    if worker_id:
        options.worker_id = worker_id
    try:
        for platform, value in parse_pairs(rate or [], "--rate").items():
            options.rates[platform] = float(value)
    except (ServiceError, ValueError) as exc:
        raise _fail(f"--rate: {exc}") from None
    cached: list[Any] = []

    def triage() -> Any:
        # Loaded only when a polled channel brings comments: a worker for webhook platforms never needs it.
        if not cached:
            from hierniet.triage.pipeline import load_triage

            cached.append(load_triage(get_settings().model_dir))
        return cached[0]

    from hierniet.services.alerts import AlertSettingsError, installation_targets

    try:
        installation_targets(get_settings())  # a bad HIERNIET_ALERT_* stops the worker here, not at the first alert
    except AlertSettingsError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    with _cli_store() as store, _metrics(serving, store, queue):
        runner = Worker(store, settings, options, triage=triage, queue=queue)
        signal.signal(signal.SIGTERM, lambda *_: runner.stop.set())
        ingesting: Any = None
        if role == "all" and queue is not None and not once:
            # With Redis, `all` also empties the stream, in a thread beside the outbox (one model, loaded once).
            import threading

            from hierniet.streams.workers import run_consumer

            ingesting = threading.Thread(
                target=run_consumer,
                args=(store, settings, queue, triage),
                kwargs={"batch": settings.ingest_batch_size, "stop": runner.stop},
                name="hn-ingest",
            )
            ingesting.start()
        try:
            report = runner.run(max_rounds=1 if once else None)
        except KeyboardInterrupt:
            runner.stop.set()
            raise typer.Exit(130) from None
        finally:
            if ingesting is not None:
                runner.stop.set()
                ingesting.join()
            if queue is not None:
                queue.close()
    err.print(
        f"worker {options.worker_id}: {report.done} done, {report.failed} failed, {report.retried} to retry, "
        f"{report.put_back} put back, {len(report.polls)} polls"
    )
    if report.alerts.claimed:
        err.print(
            f"alerts to the lead: {report.alerts.done} sent, {report.alerts.retried} to retry, "
            f"{report.alerts.failed} given up"
        )
        for error in dict.fromkeys(report.alerts.errors):
            err.print(f"[yellow]alert:[/yellow] {error}")
    if report.raids is not None and (report.raids.new or report.raids.updated):
        found = report.raids
        err.print(f"raids: {len(found.new)} new, {len(found.updated)} updated, {found.closed} closed")
    if report.retention is not None:
        err.print("retention purge: " + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in report.retention.items()))
    for p in report.polls:
        if p.error:
            err.print(f"[yellow]channel {p.channel_id} ({p.platform}):[/yellow] {p.error}")


def _show_dead_letters(queue: Any) -> None:
    if queue is None:
        raise _fail("dead letters are kept in Redis: set HIERNIET_REDIS_URL (the in-process queue answers 503 instead)")
    from hierniet.streams.queue import RawEvent

    letters = queue.dead_letters(1000)
    for letter in letters:
        try:
            event = RawEvent.decode(letter.data)
            what = f"{event.kind} {event.platform}/{event.channel_id} received {event.received_at.isoformat()}"
        except (ValueError, KeyError) as exc:
            what = f"unreadable ({exc})"
        typer.echo(f"{letter.entry_id}\t{letter.failures} failures\t{what}\t{letter.error}")
    err.print(
        f"{len(letters)} dead letters in {queue.dead_key}: after fixing the cause, XADD an entry's event field "
        f"back to {queue.key} to store it (docs/operations.md)"
    )


@contextmanager
def _metrics(serving: tuple[str, int] | None, store: Any, queue: Any) -> Iterator[None]:
    """This process's /metrics on `serving` (host, port) while the block runs; nothing when None."""
    if serving is None:
        yield
        return
    from hierniet import metrics
    from hierniet.settings import get_settings

    settings = get_settings()
    token = settings.metrics_token.get_secret_value() if settings.metrics_token else ""
    if queue is not None:
        # The same gauge as the web's /metrics: what an operator watches to add ingest workers.
        metrics.register_gauge(
            "hierniet_ingest_stream_depth",
            "Comments in the Redis ingest stream not yet stored (waiting for a worker or being triaged).",
            lambda: float(queue.depth()),
        )
    try:
        server = metrics.serve(serving[0], serving[1], token, store)
    except (ValueError, OSError) as exc:
        raise _fail(f"--metrics-port {serving[1]}: {exc}") from None
    err.print(f"metrics on http://{serving[0]}:{serving[1]}/metrics")
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()


def _ingest_role(settings: Any, queue: Any, concurrency: int, once: bool, serving: tuple[str, int] | None) -> None:
    """`--role ingest`: consumers of the Redis stream in this process (1) or in N child processes."""
    import threading

    from hierniet.streams import workers

    if queue is None:
        raise _fail(
            "the ingest role reads the Redis stream: set HIERNIET_REDIS_URL (docs/operations.md); "
            "without Redis the web process stores webhook comments itself"
        )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    if concurrency > 1 and not once:
        # This process serves the stream's depth and the store's figures; consumer i its batches on PORT+i.
        with _cli_store() as store, _metrics(serving, store, queue):
            failed = workers.run_processes(concurrency, settings.ingest_batch_size, stop, metrics=serving)
        queue.close()
        if failed:
            raise _fail(f"{failed} of {concurrency} ingest processes stopped with an error: see the log above")
        return
    from hierniet.triage.pipeline import load_triage

    model = load_triage(settings.model_dir)
    with _cli_store() as store, _metrics(serving, store, queue):
        try:
            if once:
                from hierniet.streams.service import IngestLoop

                loop = IngestLoop(store, settings, queue, lambda: model, consumer=workers.consumer_name())
                loop.stop = stop
                report = loop.run(max_batches=1)
            else:
                report = workers.run_consumer(
                    store, settings, queue, lambda: model, batch=settings.ingest_batch_size, stop=stop
                )
        finally:
            queue.close()
    err.print(f"ingest: {report.done} entries stored, {report.failed} failed, {report.dead} to the dead letters")
