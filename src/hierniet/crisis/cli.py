"""`hierniet crisis ...`: read crisis posts (classify), collapse their reposts (collapse), retrain the model (train).

src/hierniet/cli.py mounts `crisis_app` as `hierniet crisis`. The files are read like `hierniet classify` reads
them (CSV with comma, semicolon or tab, or JSONL; '-' is standard input): a bad row is named on standard error
and skipped, the rest goes on; the exit status is 1 when nothing could be read.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

if TYPE_CHECKING:
    from hierniet.connectors.files import Row, RowError

crisis_app = typer.Typer(
    name="crisis",
    help="The crisis desk's engine: read help requests and offers, collapse reposts, retrain the model.",
    no_args_is_help=True,
)
err = Console(stderr=True, soft_wrap=True)

_TEXT = typer.Option("--text-column", help="Field holding the post text.")
_ID = typer.Option("--id-column", help="Field holding the post id (kept in the output).")
_INPUT_FORMAT = typer.Option("--input-format", help="What the input is: csv or jsonl (default: from its name).")
_OUTPUT = typer.Option("--output", "-o", help="Write here instead of standard output.")
#: Posts read per batch: the sentence encoder is much faster on a batch than on one post at a time.
BATCH = 256


def _fail(message: object) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}", highlight=False, markup=True)
    return typer.Exit(2)


@contextmanager
def _output(path: Path | None) -> Iterator[IO[str]]:
    if path is None:
        yield sys.stdout
        return
    try:
        handle = path.open("w", encoding="utf-8")
    except OSError as exc:
        raise _fail(f"cannot write {path}: {exc.strerror}") from None
    with handle:
        yield handle


@contextmanager
def _rows(file: str, text_column: str, id_column: str, input_format: str | None) -> Iterator[Iterator[Row | RowError]]:
    from hierniet.connectors.files import InputError, detect_format, open_text, read_rows

    try:
        opened = open_text(file)
    except InputError as exc:
        raise _fail(exc) from None
    if opened.note:
        err.print(f"[yellow]note:[/yellow] {opened.note}", highlight=False)
    stream = opened.stream
    head = stream.read(256)
    stream.seek(0)
    try:
        fmt = detect_format(file, input_format, head)
    except InputError as exc:
        raise _fail(exc) from None
    with stream:
        yield read_rows(stream, fmt, text_column=text_column, id_column=id_column)


def _max_chars() -> int:
    from hierniet.settings import get_settings

    return get_settings().comment_max_chars


def _skip(line: int, message: str) -> None:
    err.print(f"[yellow]line {line}: skipped:[/yellow] {message}", highlight=False)


def _finish(file: str, done: int, bad: int, what: str) -> None:
    if done == 0:
        where = "standard input" if file == "-" else file
        why = f"all {bad} rows were skipped" if bad else "it is empty, or holds only a header"
        err.print(f"[yellow]warning:[/yellow] nothing read from {where}: {why}", highlight=False)
        raise typer.Exit(1)
    err.print(f"{done} {what}, {bad} rows skipped", highlight=False)


@crisis_app.command("classify")
def classify(
    file: Annotated[str, typer.Argument(help="CSV or JSONL file of posts; '-' reads standard input.")],
    output: Annotated[Path | None, _OUTPUT] = None,
    text_column: Annotated[str, _TEXT] = "text",
    id_column: Annotated[str, _ID] = "id",
    input_format: Annotated[str | None, _INPUT_FORMAT] = None,
    model: Annotated[
        Path | None, typer.Option("--model", help="A model folder made by `hierniet crisis train` (default: shipped).")
    ] = None,
) -> None:
    """Read each post: one JSON line per row with id, language, kind (request, offer, info, other), needs,
    places, when, how many and a contact. Bad rows are named and skipped."""
    from hierniet.connectors.files import InputError, Row
    from hierniet.crisis.classify import CrisisReader, ModelError, load_model

    try:
        reader = CrisisReader(model=load_model(model))
    except ModelError as exc:
        raise _fail(exc) from None
    limit = _max_chars()
    done = bad = 0
    with _rows(file, text_column, id_column, input_format) as rows, _output(output) as out:
        batch: list[Row] = []

        def flush() -> None:
            nonlocal done
            readings = reader.read([r.comment.text for r in batch], [r.comment.language_hint for r in batch])
            for row, reading in zip(batch, readings, strict=True):
                out.write(json.dumps({"id": row.comment.id, **reading.as_dict()}, ensure_ascii=False) + "\n")
            done += len(batch)
            batch.clear()

        try:
            for item in rows:
                if not isinstance(item, Row):
                    bad += 1
                    _skip(item.line, item.message)
                elif len(item.comment.text) > limit:
                    bad += 1
                    _skip(item.line, f"the text has {len(item.comment.text):,} characters, more than {limit:,}")
                else:
                    batch.append(item)
                    if len(batch) >= BATCH:
                        flush()
            if batch:
                flush()
        except InputError as exc:
            raise _fail(exc) from None
    _finish(file, done, bad, "posts read")


@crisis_app.command("collapse")
def collapse_command(
    file: Annotated[str, typer.Argument(help="CSV or JSONL file of posts; '-' reads standard input.")],
    output: Annotated[Path | None, _OUTPUT] = None,
    text_column: Annotated[str, _TEXT] = "text",
    id_column: Annotated[str, _ID] = "id",
    time_column: Annotated[str, typer.Option("--time-column", help="Field holding the post's time (ISO 8601).")] = (
        "created_at"
    ),
    input_format: Annotated[str | None, _INPUT_FORMAT] = None,
    threshold: Annotated[
        float, typer.Option(help="Similarity (Jaccard of word pairs) from which two posts are one message.")
    ] = 0.5,
    max_variants: Annotated[int, typer.Option(help="Variants listed per cluster, most frequent first.")] = 20,
    workers: Annotated[int, typer.Option(help="Processes that share the normalisation of large files.")] = 1,
) -> None:
    """Collapse reposts: one JSON line per cluster (first post's text, count, first and last seen, variants,
    post ids), largest first. Bad rows are named and skipped."""
    from hierniet.connectors.files import InputError, Row
    from hierniet.crisis.collapse import Post, collapse

    if not 0.0 < threshold <= 1.0:
        raise _fail(f"--threshold {threshold} is not a similarity: give a number above 0 and at most 1")
    limit = _max_chars()
    posts: list[Post] = []
    bad = 0
    times = _time_reader(file, time_column, input_format)
    with _rows(file, text_column, id_column, input_format) as rows:
        try:
            for item in rows:
                if not isinstance(item, Row):
                    bad += 1
                    _skip(item.line, item.message)
                    continue
                if len(item.comment.text) > limit:
                    bad += 1
                    _skip(item.line, f"the text has {len(item.comment.text):,} characters, more than {limit:,}")
                    continue
                raw = times.get(item.line)
                at = None
                if raw:
                    try:
                        at = datetime.fromisoformat(raw)
                    except ValueError:
                        bad += 1
                        _skip(item.line, f"{time_column} {raw!r} is not an ISO 8601 time (2021-07-14T18:30:00+02:00)")
                        continue
                    if at.tzinfo is None:
                        bad += 1
                        _skip(item.line, f"{time_column} {raw!r} has no time zone: add one (+02:00, Z)")
                        continue
                posts.append(Post(id=item.comment.id, text=item.comment.text, at=at))
        except InputError as exc:
            raise _fail(exc) from None
    if posts:
        result = collapse(posts, threshold=threshold, workers=workers)
        with _output(output) as out:
            for cluster in sorted(result.clusters, key=lambda c: (-c.count, c.id)):
                out.write(json.dumps(cluster.as_dict(max_variants), ensure_ascii=False) + "\n")
        err.print(f"{len(result.clusters)} clusters", highlight=False)
    _finish(file, len(posts), bad, "posts collapsed")


def _time_reader(file: str, time_column: str, input_format: str | None) -> dict[int, str]:
    """Each row's time field by line number (read apart: the comment rows keep only their text and id)."""
    from hierniet.connectors.files import InputError, RowError, detect_format, open_text, read_records

    if file == "-":
        return {}  # standard input can be read once only: times are not read from it
    try:
        opened = open_text(file)
        head = opened.stream.read(256)
        opened.stream.seek(0)
        fmt = detect_format(file, input_format, head)
        with opened.stream as stream:
            return {
                item[0]: str(item[1][time_column])
                for item in read_records(stream, fmt, text_column=time_column)
                if not isinstance(item, RowError) and item[1].get(time_column) not in (None, "")
            }
    except InputError:
        return {}


@crisis_app.command("train")
def train_command(
    data: Annotated[Path, typer.Option("--data", help="The folder holding disaster_response/ and crisislex_t26/.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write model.json and weights.npz.")],
    cache: Annotated[
        Path | None, typer.Option("--cache", help="Folder for the embedding cache (retraining skips the slow part).")
    ] = None,
    frozen: Annotated[
        list[Path] | None,
        typer.Option("--frozen", help="A frozen Belgian set to report on (never tuned on); repeat for several."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed (kept in the model card).")] = 15,
) -> None:
    """Retrain the crisis model from the disaster-response data, CrisisLexT26 and the own examples."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from hierniet.crisis.train import CrisisTrainConfig, train

    if not data.is_dir():
        raise _fail(f"--data {data} is not a folder: give the one holding disaster_response/ (../shared/data)")
    config = CrisisTrainConfig(data_dir=data, out_dir=out, cache_dir=cache, frozen=tuple(frozen or ()), seed=seed)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=err) as bar:
        task = bar.add_task("embedding", total=None)

        def progress(stage: str, done: int, total: int) -> None:
            bar.update(task, description=stage, completed=done, total=total)

        try:
            card = train(config, progress)
        except (FileNotFoundError, ValueError) as exc:
            raise _fail(exc) from None
    print(json.dumps(card["figures"], indent=2, ensure_ascii=False))
    err.print(f"model written to {out}", highlight=False)


# --- the crisis desk's commands (issue 15): over hierniet.services.crisis, as the CLI's actor -------------------

_CRISIS = typer.Option("--crisis", help="The crisis: its id, or its name with --org.")
_ORG = typer.Option("--org", help="The organisation's slug (`hierniet org list`).")
#: Posts given to the service per call: one transaction each, so a bad file keeps what went in before it.
IMPORT_BATCH = 1000


def _crisis_store() -> Any:
    from hierniet.cli import _needs_upgrade, _store

    store = _store()
    _needs_upgrade(store)
    return store


def _org_id(store: Any, slug: str | None) -> int | None:
    from hierniet.store import repo

    if slug is None:
        return None
    with store.session() as s:
        org = repo.organisation_by_slug(s, slug)
    if org is None:
        raise _fail(f"no organisation with the slug {slug!r}: see hierniet org list")
    return int(org.id)


def _service_call(call: Any) -> Any:
    from hierniet.services.errors import ServiceError

    try:
        return call()
    except ServiceError as exc:
        raise _fail(exc) from None


def _crisis_json(view: Any) -> str:
    from dataclasses import asdict

    return json.dumps(asdict(view), default=str, ensure_ascii=False)


@crisis_app.command("open")
def open_command(
    name: Annotated[str, typer.Argument(help="The crisis's name, e.g. 'Storm Pukkelpop 2026'.")],
    org: Annotated[str, _ORG],
    keywords: Annotated[
        list[str] | None,
        typer.Option("--keywords", "-k", help="Words or hashtags a comment must carry (repeat, or comma-separated)."),
    ] = None,
    channels: Annotated[
        list[int] | None, typer.Option("--channels", "-c", help="Channel ids to watch (default: all of the org's).")
    ] = None,
    registration_url: Annotated[
        str, typer.Option("--registration-url", help="Where helpers register offers (used in suggested replies).")
    ] = "",
    request_url: Annotated[str, typer.Option("--request-url", help="Where people register requests.")] = "",
    language: Annotated[str, typer.Option(help="The crisis's language for replies to posts in no desk language.")] = (
        "nl"
    ),
) -> None:
    """Open a crisis: from now on its channels' comments with its keywords become crisis posts."""
    from hierniet.services import crisis as service
    from hierniet.services.auth import CLI_ACTOR

    store = _crisis_store()
    org_id = _org_id(store, org)
    view = _service_call(
        lambda: service.open_crisis(
            store,
            CLI_ACTOR,
            name=name,
            organisation_id=org_id,
            keywords=keywords or [],
            channel_ids=channels or [],
            registration_url=registration_url,
            request_url=request_url,
            language=language,
        )
    )
    print(_crisis_json(view))
    err.print(f"crisis #{view.id} {view.name!r} is open", highlight=False)


@crisis_app.command("close")
def close_command(crisis: Annotated[str, _CRISIS], org: Annotated[str | None, _ORG] = None) -> None:
    """Close a crisis: no more posts are taken in; its cards, matches and audit stay."""
    from hierniet.services import crisis as service
    from hierniet.services.auth import CLI_ACTOR

    store = _crisis_store()
    found = _service_call(lambda: service.find_crisis(store, CLI_ACTOR, crisis, _org_id(store, org)))
    view = _service_call(lambda: service.close_crisis(store, CLI_ACTOR, found.id))
    err.print(f"crisis #{view.id} {view.name!r} is closed", highlight=False)


@crisis_app.command("list")
def list_command() -> None:
    """Every crisis, newest first, one JSON line each (with its cards by kind)."""
    from hierniet.services import crisis as service
    from hierniet.services.auth import CLI_ACTOR

    store = _crisis_store()
    for view in _service_call(lambda: service.list_crises(store, CLI_ACTOR)):
        print(_crisis_json(view))


@crisis_app.command("import")
def import_command(
    file: Annotated[str, typer.Argument(help="CSV or JSONL file of posts; '-' reads standard input.")],
    crisis: Annotated[str, _CRISIS],
    org: Annotated[str | None, _ORG] = None,
    text_column: Annotated[str, _TEXT] = "text",
    id_column: Annotated[str, _ID] = "id",
    time_column: Annotated[str, typer.Option("--time-column", help="Field holding the post's time (ISO 8601).")] = (
        "created_at"
    ),
    input_format: Annotated[str | None, _INPUT_FORMAT] = None,
) -> None:
    """Take a file of posts into an open crisis (read like `classify`): collapsed into cards, read, matched.
    A post imported before (same id) is skipped; bad rows are named and skipped."""
    from hierniet.connectors.files import InputError, Row
    from hierniet.services import crisis as service
    from hierniet.services.auth import CLI_ACTOR

    store = _crisis_store()
    found = _service_call(lambda: service.find_crisis(store, CLI_ACTOR, crisis, _org_id(store, org)))
    reader = service.default_reader()
    limit = _max_chars()
    times = _time_reader(file, time_column, input_format)
    total = service.AddReport()
    batch: list[service.CrisisPostIn] = []
    bad = read = 0

    def flush() -> None:
        got = _service_call(lambda: service.add_posts(store, CLI_ACTOR, found.id, batch, reader))
        for name in ("received", "added", "duplicates", "new_cards", "joined"):
            setattr(total, name, getattr(total, name) + getattr(got, name))
        total.suggested = got.suggested
        batch.clear()

    with _rows(file, text_column, id_column, input_format) as rows:
        try:
            for item in rows:
                if not isinstance(item, Row):
                    bad += 1
                    _skip(item.line, item.message)
                    continue
                comment = item.comment
                if len(comment.text) > limit:
                    bad += 1
                    _skip(item.line, f"the text has {len(comment.text):,} characters, more than {limit:,}")
                    continue
                at = None
                raw = times.get(item.line)
                if raw:
                    try:
                        at = datetime.fromisoformat(raw)
                    except ValueError:
                        at = None
                    if at is None or at.tzinfo is None:
                        bad += 1
                        _skip(item.line, f"{time_column} {raw!r} is not an ISO 8601 time with a zone (+02:00, Z)")
                        continue
                if not comment.text.strip():
                    bad += 1
                    _skip(item.line, "the text is empty")
                    continue
                batch.append(
                    service.CrisisPostIn(
                        external_id=comment.id[:200],
                        text=comment.text,
                        posted_at=at,
                        author=comment.author or "",
                        platform=comment.platform or "import",
                        language_hint=comment.language_hint,
                    )
                )
                read += 1
                if len(batch) >= IMPORT_BATCH:
                    flush()
        except InputError as exc:
            raise _fail(exc) from None
    if batch:
        flush()
    print(json.dumps(total.as_dict()))
    _finish(file, read, bad, "posts read")


@crisis_app.command("pull")
def pull_command(
    crisis: Annotated[str, _CRISIS],
    org: Annotated[str | None, _ORG] = None,
    streams: Annotated[
        bool,
        typer.Option("--streams/--no-streams", help="Also read the #keywords on Mastodon and Bluesky (Jetstream)."),
    ] = True,
) -> None:
    """Take in the crisis's channels' stored comments that carry its keywords, and the public posts with its
    hashtags through its connected Mastodon and Bluesky channels (`hierniet worker` does both every round)."""
    from hierniet.connectors.base import ConnectorError, http_client
    from hierniet.services import crisis as service
    from hierniet.services.auth import CLI_ACTOR
    from hierniet.settings import get_settings

    store = _crisis_store()
    found = _service_call(lambda: service.find_crisis(store, CLI_ACTOR, crisis, _org_id(store, org)))
    reader = service.LazyReader()
    report = _service_call(lambda: service.pull_comments(store, CLI_ACTOR, found.id, reader))
    if streams:
        try:
            with http_client() as http:
                streamed = _service_call(
                    lambda: service.pull_hashtags(store, get_settings(), CLI_ACTOR, found.id, http, reader)
                )
        except ConnectorError as exc:
            raise _fail(f"reading the hashtags: {exc}") from None
        for name in ("received", "added", "duplicates", "new_cards", "joined", "suggested"):
            setattr(report, name, getattr(report, name) + getattr(streamed, name))
    print(json.dumps(report.as_dict()))


@crisis_app.command("export")
def export_command(
    crisis: Annotated[str, _CRISIS],
    org: Annotated[str | None, _ORG] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv or geojson.")] = "csv",
    output: Annotated[Path | None, _OUTPUT] = None,
) -> None:
    """Requests and offers with their status, place and coordinates, for the emergency services (audited)."""
    from hierniet.services import crisis as service
    from hierniet.services.auth import CLI_ACTOR

    store = _crisis_store()
    found = _service_call(lambda: service.find_crisis(store, CLI_ACTOR, crisis, _org_id(store, org)))
    text = _service_call(lambda: service.export(store, CLI_ACTOR, found.id, fmt))
    with _output(output) as out:
        out.write(text)
