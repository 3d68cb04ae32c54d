"""The `hierniet` command: a thin shell over the triage, training and evaluation functions."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from hierniet import __version__

if TYPE_CHECKING:  # the engine's modules load numpy and the lexicons: imported where a command needs them
    from hierniet.triage.parallel import TriagePool
    from hierniet.triage.pipeline import Triage

app = typer.Typer(
    help="hierniet: triage and moderation for the Hier Niet / Pas ici charter.",
    no_args_is_help=True,
    add_completion=False,
)
# soft_wrap: an error line is never cut mid-message (a terminal or a log wraps it, if anything)
err = Console(stderr=True, soft_wrap=True)


def _progress(enabled: bool) -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=not enabled,
        transient=False,
    )


@contextmanager
def _output(path: Path | None, newline: str | None = None) -> Iterator[IO[str]]:
    if path is None:
        yield sys.stdout
        return
    try:
        handle = path.open("w", encoding="utf-8", newline=newline)
    except OSError as exc:
        raise _fail(ValueError(f"cannot write {path}: {exc.strerror}; check that its folder exists")) from None
    with handle:
        yield handle


def _count_lines(path: str) -> int | None:
    if path == "-":
        return None
    try:
        with open(path, "rb") as handle:
            return sum(1 for _ in handle)
    except OSError:
        return None


# How `user add` and `user password` take a new password other than by asking for it twice.
_PasswordEnv = Annotated[
    str | None, typer.Option(help="Take the password from this environment variable instead of asking.")
]
_PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from standard input instead of asking.")
]
_WORKERS = typer.Option(
    "--workers",
    min=1,
    help="Processes to triage on (default: HIERNIET_TRIAGE_WORKERS, else every core; 1: this process only).",
)


def _triage_pool(triage: Triage, workers: int | None, expected: int | None) -> TriagePool:
    """The engine on several processes, forked before any progress bar starts its thread where the input is
    large enough to be split (`expected` comments; None: unknown, as from standard input, forked on the first
    large batch)."""
    from hierniet.settings import get_settings
    from hierniet.triage.parallel import MIN_PARALLEL_BATCH, TriagePool

    pool = TriagePool(triage, workers or get_settings().triage_workers)
    if expected is not None and expected >= MIN_PARALLEL_BATCH:
        pool.start()
    return pool


def _load_triage() -> Triage:
    from hierniet.settings import get_settings
    from hierniet.triage.lexicons import LexiconError
    from hierniet.triage.model import ModelError
    from hierniet.triage.pipeline import load_triage

    try:
        return load_triage(get_settings().model_dir)
    except (ModelError, LexiconError) as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None


@app.command()
def classify(
    file: Annotated[str, typer.Argument(help="CSV or JSONL file of comments; '-' reads standard input.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write verdicts here instead of stdout.")
    ] = None,
    text_column: Annotated[str, typer.Option(help="Field holding the comment text.")] = "text",
    id_column: Annotated[str, typer.Option(help="Field holding the comment id (kept in the output).")] = "id",
    out_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="What to write: jsonl (one JSON verdict a line) or csv (for spreadsheets: ';'-separated, "
            "UTF-8 with BOM, decimal comma, as Excel in Belgium opens it). Default: from -o's name, else jsonl.",
        ),
    ] = None,
    input_format: Annotated[
        str | None,
        typer.Option("--input-format", help="What the input is: csv or jsonl (default: from its name or content)."),
    ] = None,
    policy: Annotated[
        str | None, typer.Option(help="Add the charter recommendation: a policy YAML file, or 'default'.")
    ] = None,
    platform: Annotated[str, typer.Option(help="Platform for the recommendation when a row names none.")] = "facebook",
    workers: Annotated[int | None, _WORKERS] = None,
) -> None:
    """Triage comments: one verdict per input row, input id kept. Bad rows are reported and skipped; a CSV
    may be separated by commas, semicolons (Excel in Belgium) or tabs. Exits 1 when nothing was classified."""
    from hierniet.connectors.files import InputError, Row, detect_format, open_text, read_rows
    from hierniet.connectors.sheets import VerdictSheet
    from hierniet.settings import get_settings

    try:
        writes = _output_format(out_format, output)
    except ValueError as exc:
        raise _fail(exc) from None
    recommend = _policy_recommender(policy, platform) if policy else None
    try:
        opened = open_text(file)
    except InputError as exc:
        raise _fail(exc) from None
    stream = opened.stream
    if opened.note:
        err.print(f"[yellow]note:[/yellow] {opened.note}", highlight=False)
    head = stream.read(256)
    stream.seek(0)
    try:
        format_ = detect_format(file, input_format, head)
    except InputError as exc:
        raise _fail(exc) from None
    triage = _load_triage()
    batch_size = get_settings().batch_size
    total = _count_lines(file)
    bad = written = 0
    with (
        _triage_pool(triage, workers, total) as pool,
        stream,
        _output(output, newline="" if writes == "csv" else None) as out,
        _progress((file != "-" and sys.stderr.isatty()) or output is not None) as bar,
    ):
        task = bar.add_task("classifying", total=total)
        sheet = VerdictSheet(out, with_policy=recommend is not None) if writes == "csv" else None
        batch: list[Row] = []

        def flush() -> None:
            nonlocal written
            verdicts = pool.classify([r.comment for r in batch])
            for row, verdict in zip(batch, verdicts, strict=True):
                record = verdict.as_dict()
                if recommend:
                    record["recommendation"] = recommend(verdict, row.comment)
                if sheet is not None:
                    sheet.write(record, row.comment.text)
                else:
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
            written += len(batch)
            bar.update(task, advance=len(batch))
            batch.clear()

        try:
            for item in read_rows(stream, format_, text_column=text_column, id_column=id_column):
                if isinstance(item, Row):
                    batch.append(item)
                    if len(batch) >= batch_size:
                        flush()
                else:
                    bad += 1
                    err.print(f"[yellow]line {item.line}: skipped:[/yellow] {item.message}", highlight=False)
            if batch:
                flush()
        except InputError as exc:
            raise _fail(exc) from None
    if written == 0:
        # An empty file (or one whose every row was refused) is almost always the wrong file: say so, and let a
        # script see it in the exit status instead of carrying on with an empty result.
        where = "standard input" if file == "-" else file
        why = f"all {bad} rows were skipped" if bad else "it is empty, or holds only a header"
        err.print(f"[yellow]warning:[/yellow] no comments classified from {where}: {why}", highlight=False)
        raise typer.Exit(1)
    err.print(f"{written} verdicts written, {bad} rows skipped")


def _output_format(explicit: str | None, output: Path | None) -> str:
    if explicit is not None:
        value = explicit.strip().lower()
        if value not in ("csv", "jsonl"):
            raise ValueError(f"unknown output format {explicit!r}: use --format jsonl or --format csv")
        return value
    if output is not None and output.suffix.lower() == ".csv":
        return "csv"
    return "jsonl"


def _policy_recommender(policy: str, platform: str) -> Any:
    """Lazily wire the charter policy (issue 3) into classify, if that package is present."""
    try:
        from hierniet.policy.cli import recommendation_for
    except ImportError:
        err.print("[red]error:[/red] this build of hierniet has no policy engine (--policy is unavailable)")
        raise typer.Exit(2) from None
    return recommendation_for(policy, platform)


@app.command()
def evaluate(
    file: Annotated[Path, typer.Argument(help="Labelled JSONL in the devset format (id, lang, text, labels, ...).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
    workers: Annotated[int | None, _WORKERS] = None,
) -> None:
    """Score the triage engine on hand-labelled comments: per label, per language, confusions."""
    from hierniet.domain import Comment, Label
    from hierniet.evaluation import GoldRow
    from hierniet.evaluation import evaluate as run_evaluation
    from hierniet.policy import default_policy, parse_platform, recommend

    gold: list[GoldRow] = []
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        err.print(f"[red]error:[/red] {file}: {exc.strerror}")
        raise typer.Exit(2) from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            gold.append(
                GoldRow(
                    id=str(row.get("id", number)),
                    text=str(row["text"]),
                    lang=str(row.get("lang", "?")),
                    labels=frozenset(Label(x) for x in row["labels"]),
                    platform=row.get("platform"),
                    action=str(row["action"]) if row.get("action") else None,
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            err.print(f"[yellow]line {number}: skipped:[/yellow] {exc}")
    triage = _load_triage()
    verdicts = []
    with _triage_pool(triage, workers, len(gold)) as pool, _progress(not as_json) as bar:
        task = bar.add_task("classifying", total=len(gold))
        for i in range(0, len(gold), 128):
            chunk = gold[i : i + 128]
            verdicts.extend(pool.classify([Comment(id=g.id, text=g.text, platform=g.platform) for g in chunk]))
            bar.update(task, advance=len(chunk))
    predicted = [frozenset(v.labels) for v in verdicts]
    # The step the default policy recommends for a first offence (no author history), as the desk would show.
    policy = default_policy()
    steps = [
        recommend(v, (), policy, parse_platform(g.platform)).step.value for v, g in zip(verdicts, gold, strict=True)
    ]
    report = run_evaluation(gold, predicted, steps)
    report["model"] = triage.version
    if as_json:
        typer.echo(json.dumps(report, indent=2, ensure_ascii=False))
        return
    _print_report(report)


def _print_report(report: dict[str, Any]) -> None:
    console = Console()
    table = Table(title=f"{report['n']} comments, model {report['model']}")
    for column in ("label", "precision", "recall", "F1", "support"):
        table.add_column(column, justify="right" if column != "label" else "left")
    for label, m in report["per_label"].items():
        table.add_row(label, f"{m['precision']:.2f}", f"{m['recall']:.2f}", f"{m['f1']:.2f}", str(m["support"]))
    console.print(table)
    console.print(
        f"abuse macro-F1 {report['abuse_macro_f1']:.3f}   criticism false-positive rate "
        f"{report['criticism_fp_rate']:.1%} (of {report['benign_n']})   exact match {report['exact_match']:.1%}"
    )
    steps = report.get("steps") or {}
    if steps.get("agreement") is not None:
        console.print(
            f"charter step agreement {steps['agreement']:.1%} (of {steps['n']} with a gold step; default policy, "
            "first offence)"
        )
    langs = Table(title="per language")
    for column in ("language", "n", "abuse macro-F1", "criticism FP rate", "exact"):
        langs.add_column(column)
    for lang, m in report["by_language"].items():
        langs.add_row(
            lang, str(m["n"]), f"{m['abuse_macro_f1']:.3f}", f"{m['criticism_fp_rate']:.1%}", f"{m['exact_match']:.1%}"
        )
    console.print(langs)
    conf = Table(title="most frequent confusions (gold -> predicted)")
    for column in ("gold", "predicted", "count"):
        conf.add_column(column)
    for c in report["confusions"]:
        conf.add_row(c["gold"], c["predicted"], str(c["count"]))
    console.print(conf)


@app.command()
def train(
    data: Annotated[Path | None, typer.Option(help="Folder of the public data sets (default: ../shared/data).")] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Model folder to write (default: the shipped model's).")
    ] = None,
    commercial_only: Annotated[
        bool,
        typer.Option(
            "--commercial-only/--include-noncommercial",
            help="Leave out data sets whose licence forbids commercial use (the default: the shipped model must "
            "be usable by companies); --include-noncommercial adds them for research use.",
        ),
    ] = True,
    max_per_dataset: Annotated[int, typer.Option(help="Rows kept per public data set (stratified, seeded).")] = 4000,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed and data give the same model.")] = 13,
    synth_per_template: Annotated[
        int, typer.Option(help="Synthetic examples per template (hierniet synth); 0 trains without them.")
    ] = 25,
    cache: Annotated[
        Path | None, typer.Option(help="Folder to cache sentence embeddings in (speeds up retraining).")
    ] = Path(".cache/hierniet"),
) -> None:
    """Rebuild the triage model from the public data sets and the project's own examples."""
    from hierniet.settings import get_settings
    from hierniet.training.datasets import DataError
    from hierniet.training.train import TrainConfig
    from hierniet.training.train import train as run_training
    from hierniet.triage.model import shipped_model_dir

    data_dir = data or get_settings().data_dir
    if not data_dir.is_dir():
        err.print(f"[red]error:[/red] {data_dir}: no such folder (point --data at the shared/data folder)")
        raise typer.Exit(2)
    config = TrainConfig(
        data_dir=data_dir,
        out_dir=output or shipped_model_dir(),
        include_noncommercial=not commercial_only,
        max_per_dataset=max_per_dataset,
        seed=seed,
        cache_dir=cache,
        synth=synth_per_template > 0,
        synth_per_template=max(synth_per_template, 1),
    )
    with _progress(True) as bar:
        tasks: dict[str, Any] = {}

        def progress(stage: str, done: int, total: int) -> None:
            key = stage.split(" ")[0]
            if key not in tasks:
                tasks[key] = bar.add_task(key, total=total)
            bar.update(tasks[key], completed=done, total=total, description=stage)

        try:
            report = run_training(config, progress)
        except DataError as exc:
            err.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from None
    err.print(f"model {report.version} written to {config.out_dir}")
    for name, counts in report.counts.items():
        err.print(f"  {name}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    err.print("thresholds: " + ", ".join(f"{k} {v:.3f}" for k, v in report.thresholds.items()))


@app.command()
def synth(
    output: Annotated[Path, typer.Option("--output", "-o", help="JSONL file to write (replaced once complete).")],
    seed: Annotated[int, typer.Option(help="Random seed; the same seed and version give the same examples.")] = 13,
    lang: Annotated[
        list[str] | None, typer.Option("--lang", help="Language to generate (repeat for several; default all four).")
    ] = None,
    per_template: Annotated[int, typer.Option(help="Examples drawn per template (hard negatives get more).")] = 40,
) -> None:
    """Write labelled synthetic training examples (hierniet.training.synth) as JSONL."""
    from hierniet.training.synth import LANGUAGES, SYNTH_VERSION, SynthError, generate, write_jsonl

    try:
        examples = generate(seed=seed, languages=tuple(lang or LANGUAGES), per_template=per_template)
        write_jsonl(examples, output)
    except SynthError as exc:
        err.print(f"[red]error:[/red] {exc}", soft_wrap=True)
        raise typer.Exit(2) from None
    except OSError as exc:
        err.print(
            f"[red]error:[/red] cannot write {output}: {exc.strerror}; check that its folder exists", soft_wrap=True
        )
        raise typer.Exit(2) from None
    err.print(f"{len(examples)} examples (synth {SYNTH_VERSION}, seed {seed}) written to {output}")


@app.command()
def version() -> None:
    """Print the version of hierniet."""
    typer.echo(__version__)


# --- the desk's store: import and db (issue 4) ---------------------------------------------------------


def _fail(exc: Exception) -> typer.Exit:
    err.print(f"[red]error:[/red] {exc}", soft_wrap=True, markup=True, highlight=False)
    return typer.Exit(2)


def _store() -> Any:
    from hierniet.settings import get_settings
    from hierniet.store.db import DatabaseURLError, make_engine
    from hierniet.store.repo import Store

    try:
        return Store(make_engine(get_settings().database_url))
    except DatabaseURLError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None


def _needs_upgrade(store: Any) -> None:
    from hierniet.store.migrate import current_revision, head_revision

    if current_revision(store.engine) != head_revision():
        err.print("[red]error:[/red] the database is not at the current schema: run `hierniet db upgrade` first")
        raise typer.Exit(2)


@contextmanager
def _cli_store(*, current_schema: bool = True) -> Iterator[Any]:
    """The desk's store for one command, disposed of when it ends however it ends. With `current_schema`
    (all but the commands that make the schema) a database not at the current schema stops the command
    with what to run, and a service's refusal (ServiceError) ends it with its message and exit status 2."""
    from hierniet.services.errors import ServiceError

    store = _store()
    try:
        if current_schema:
            _needs_upgrade(store)
        yield store
    except ServiceError as exc:
        raise _fail(exc) from None
    finally:
        store.dispose()


@app.command("import")
def import_(
    file: Annotated[str, typer.Argument(help="CSV or JSONL file of comments; '-' reads standard input.")],
    channel: Annotated[
        str | None,
        typer.Option(help="Channel for rows that name none: its hierniet id, or PLATFORM/ID (facebook/stad-gent)."),
    ] = None,
    create_channel: Annotated[
        bool,
        typer.Option("--create-channel", help="Create the --channel PLATFORM/ID (and its organisation) if missing."),
    ] = False,
    organisation: Annotated[
        str, typer.Option(help="Organisation slug for --create-channel (created when missing).")
    ] = "default",
    fmt: Annotated[str | None, typer.Option("--format", help="csv or jsonl (default: from the file name).")] = None,
    text_column: Annotated[str, typer.Option(help="Field holding the comment text.")] = "text",
    id_column: Annotated[str, typer.Option(help="Field holding the comment's platform id.")] = "id",
    batch_size: Annotated[
        int | None, typer.Option(help="Comments per transaction (default HIERNIET_INGEST_BATCH_SIZE).")
    ] = None,
) -> None:
    """Store comments in the desk: each is triaged and given the charter's recommendation. Duplicates are
    skipped; bad rows are reported with their line number and the rest is kept."""
    from hierniet.connectors.files import InputError
    from hierniet.services.auth import CLI_ACTOR
    from hierniet.services.importer import ensure_channel, import_file
    from hierniet.services.ingest import ChannelRef
    from hierniet.settings import get_settings

    if file != "-" and not Path(file).is_file():
        err.print(f"[red]error:[/red] {file}: no such file")
        raise typer.Exit(2)
    with _cli_store() as store:
        default: ChannelRef | None = None
        try:
            if channel is not None:
                default = ChannelRef.parse(channel)
        except ValueError as exc:
            raise _fail(exc) from None
        if default is not None and create_channel:
            default = ChannelRef(channel_id=ensure_channel(store, CLI_ACTOR, default, organisation))
        triage = _load_triage()
        total = _count_lines(file)
        if total is not None and (fmt == "csv" or (fmt is None and file.lower().endswith(".csv"))):
            total = max(0, total - 1)  # the header
        with _progress(file != "-") as bar:
            task = bar.add_task("importing", total=total)
            try:
                report = import_file(
                    store,
                    triage,
                    file,
                    actor=CLI_ACTOR,
                    default_channel=default,
                    fmt=fmt,
                    text_column=text_column,
                    id_column=id_column,
                    batch_size=batch_size or get_settings().ingest_batch_size,
                    progress=lambda n: bar.update(task, advance=n),
                    max_text_chars=get_settings().comment_max_chars,
                )
            except InputError as exc:
                raise _fail(exc) from None
    if report.note:
        err.print(f"[yellow]note:[/yellow] {report.note}", highlight=False)
    for line, message in report.rejected:
        err.print(f"[yellow]line {line}: rejected:[/yellow] {message}", highlight=False)
    err.print(
        f"{report.created} comments stored, {report.edited} edited, {report.duplicates} duplicates skipped, "
        f"{len(report.rejected)} rejected"
    )


db_app = typer.Typer(
    name="db",
    help="The desk's database (HIERNIET_DATABASE_URL): create or update its tables, make API tokens.",
    no_args_is_help=True,
)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Schema revision to go to.")] = "head",
) -> None:
    """Create the tables, or bring them to the current schema (safe to run again)."""
    from hierniet.services.admin import bootstrap_admin
    from hierniet.settings import get_settings
    from hierniet.store.migrate import current_revision, upgrade

    with _cli_store(current_schema=False) as store:
        before = current_revision(store.engine)
        upgrade(store.engine, revision)
        after = current_revision(store.engine)
        where = store.engine.url.render_as_string(hide_password=True)
        if before != after:
            err.print(f"{where}: schema {before or 'empty'} -> {after}")
        else:
            err.print(f"{where}: schema {after}, up to date")
        token = get_settings().bootstrap_token
        if token and bootstrap_admin(store, token):
            err.print("admin user created with the token of HIERNIET_BOOTSTRAP_TOKEN")


@db_app.command("token")
def db_token(
    user: Annotated[str, typer.Option(help="The user the token is for (created when missing).")],
    role: Annotated[str, typer.Option(help="Role of a new user: moderator, lead or admin.")] = "moderator",
    organisation: Annotated[
        str | None, typer.Option(help="Organisation slug of a new user (default: every organisation).")
    ] = None,
) -> None:
    """Make an API token and print it (once: only its hash is stored)."""
    from hierniet.services.admin import ensure_user_token

    with _cli_store() as store:
        created = ensure_user_token(store, name=user, role=role, organisation_slug=organisation)
    typer.echo(created.token)
    err.print(f"token {created.info.prefix}... for {user}; keep it: it is not shown again")


user_app = typer.Typer(
    name="user",
    help="People of the desk (HIERNIET_DATABASE_URL): add, list, switch off, change roles and passwords.",
    no_args_is_help=True,
)
app.add_typer(user_app, name="user")
org_app = typer.Typer(
    name="org",
    help="Organisations of the desk (HIERNIET_DATABASE_URL): add and list them.",
    no_args_is_help=True,
)
app.add_typer(org_app, name="org")


def _new_password(name: str, password_env: str | None, password_stdin: bool) -> str:
    """The password for `name`: from the variable `password_env`, standard input, or asked twice."""
    if password_env:
        value = os.environ.get(password_env, "")
        if not value:
            raise _fail(
                ValueError(
                    f"the variable {password_env} is not set or empty: export it, or leave "
                    "--password-env out to be asked"
                )
            )
        return value
    if password_stdin:
        return sys.stdin.read().rstrip("\r\n")
    return str(typer.prompt(f"new password for {name}", hide_input=True, confirmation_prompt=True))


@org_app.command("add")
def org_add(
    slug: Annotated[str, typer.Argument(help="Short name in lower case, digits and '-' (stad-gent).")],
    name: Annotated[str, typer.Argument(help='The organisation\'s name as replies sign it ("Stad Gent").')],
    policy: Annotated[
        Path | None, typer.Option(help="The organisation's charter policy (YAML; `hierniet policy default`).")
    ] = None,
) -> None:
    """Add an organisation (audited); then add its people with `hierniet user add NAME --org SLUG`."""
    from hierniet.services.admin import create_organisation
    from hierniet.services.auth import CLI_ACTOR

    policy_yaml = None
    if policy is not None:
        try:
            policy_yaml = policy.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise _fail(
                ValueError(f"{policy}: cannot read the policy ({getattr(exc, 'strerror', None) or exc})")
            ) from None
    with _cli_store() as store:
        view = create_organisation(store, CLI_ACTOR, slug=slug, name=name, policy_yaml=policy_yaml)
    what = "its own policy" if view.has_policy else "the default policy"
    err.print(f"organisation {view.slug} ({view.name}) added with {what}", soft_wrap=True)


@org_app.command("list")
def org_list() -> None:
    """The organisations: slug, name, policy."""
    from hierniet.services.admin import list_organisations
    from hierniet.services.auth import CLI_ACTOR

    with _cli_store() as store:
        organisations = list_organisations(store, CLI_ACTOR)
    table = Table(title=f"{len(organisations)} organisation(s)", title_justify="left")
    for column in ("slug", "name", "policy"):
        table.add_column(column)
    for o in organisations:
        table.add_row(o.slug, o.name, o.policy_version if o.has_policy else "default")
    Console().print(table)


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="The user's name (letters, digits, _ . @ -).")],
    role: Annotated[str, typer.Option(help="moderator, lead or admin.")],
    org: Annotated[
        str | None, typer.Option("--org", "--organisation", help="Their organisation's slug (default: every one).")
    ] = None,
    password_env: _PasswordEnv = None,
    password_stdin: _PasswordStdin = False,
    email: Annotated[
        str | None, typer.Option(help="Where alerts of their organisation reach them if they lead (lea@example.org).")
    ] = None,
) -> None:
    """Add a person to the desk with a password (asked twice, never shown); audited."""
    from hierniet.services.admin import clean_email, create_user, organisation_id_for
    from hierniet.services.auth import CLI_ACTOR

    with _cli_store() as store:
        # The organisation and the address are checked before the password is asked: nobody types one in vain.
        organisation_id = organisation_id_for(store, org)
        email = clean_email(email)
        password = _new_password(name, password_env, password_stdin)
        user = create_user(
            store,
            CLI_ACTOR,
            name=name,
            role=role,
            organisation_id=organisation_id,
            password=password,
            email=email,
        )
    where = f"organisation {org}" if org else "every organisation"
    err.print(f"user {user.name} added (role {user.role}, {where}); they sign in at /desk/login", soft_wrap=True)


@user_app.command("list")
def user_list() -> None:
    """The people of the desk: name, role, organisation, switched on, desk password."""
    from hierniet.services.auth import CLI_ACTOR
    from hierniet.services.people import list_people

    with _cli_store() as store:
        people = list_people(store, CLI_ACTOR)
    table = Table(title=f"{len(people)} user(s)", title_justify="left")
    for column in ("name", "role", "organisation", "active", "password", "e-mail"):
        table.add_column(column)
    for p in people:
        table.add_row(
            p.name,
            p.role,
            p.organisation or "(every one)",
            "yes" if p.active else "switched off",
            "set" if p.has_password else "none (API tokens only)",
            p.email or "-",
        )
    Console().print(table)


def _change_user(name: str, change: Any) -> Any:
    from hierniet.services.auth import CLI_ACTOR
    from hierniet.services.people import user_id_by_name

    with _cli_store() as store:
        return change(store, CLI_ACTOR, user_id_by_name(store, CLI_ACTOR, name))


@user_app.command("disable")
def user_disable(name: Annotated[str, typer.Argument(help="The user's name.")]) -> None:
    """Switch a person off: they cannot sign in, their sessions end and their API tokens stop working."""
    from hierniet.services.people import set_active

    _change_user(name, lambda store, actor, uid: set_active(store, actor, uid, False))
    err.print(f"user {name} switched off: their sessions have ended (`hierniet user enable {name}` undoes it)")


@user_app.command("enable")
def user_enable(name: Annotated[str, typer.Argument(help="The user's name.")]) -> None:
    """Switch a person on again (with the password they had)."""
    from hierniet.services.people import set_active

    _change_user(name, lambda store, actor, uid: set_active(store, actor, uid, True))
    err.print(f"user {name} switched on again")


@user_app.command("role")
def user_role(
    name: Annotated[str, typer.Argument(help="The user's name.")],
    role: Annotated[str, typer.Argument(help="The new role: moderator, lead or admin.")],
) -> None:
    """Give a person another role; they sign in again under it."""
    from hierniet.services.people import set_role

    user = _change_user(name, lambda store, actor, uid: set_role(store, actor, uid, role))
    err.print(f"user {user.name} now has the role {user.role}; their sessions have ended")


@user_app.command("email")
def user_email(
    name: Annotated[str, typer.Argument(help="The user's name.")],
    address: Annotated[str, typer.Argument(help='Their e-mail address; "" removes it.')],
) -> None:
    """Set (or, with "", remove) the address where alerts reach a person if they lead; audited."""
    from hierniet.services.admin import update_user

    user = _change_user(name, lambda store, actor, uid: update_user(store, actor, uid, email=address))
    if user.email:
        err.print(f"alerts reach {user.name} at {user.email} if they lead their organisation", soft_wrap=True)
    else:
        err.print(f"{user.name} has no e-mail address now: alerts do not reach them by e-mail")


@user_app.command("password")
def user_password(
    name: Annotated[str, typer.Argument(help="The user's name.")],
    role: Annotated[
        str | None, typer.Option(help="Create the user with this role (moderator, lead, admin) when missing.")
    ] = None,
    organisation: Annotated[
        str | None,
        typer.Option("--organisation", "--org", help="Organisation slug of a new user (default: every organisation)."),
    ] = None,
    password_env: _PasswordEnv = None,
    password_stdin: _PasswordStdin = False,
) -> None:
    """Set a person's password for the desk's sign-in (asked twice, never shown); their sessions end."""
    from hierniet.services.admin import ensure_user_password, organisation_id_for

    with _cli_store() as store:
        if role is not None:
            # Checked before the password is asked: a missing organisation would refuse it afterwards.
            organisation_id_for(store, organisation)
        password = _new_password(name, password_env, password_stdin)
        user, created = ensure_user_password(
            store, name=name, password=password, role=role, organisation_slug=organisation
        )
    what = f"user {user.name} created (role {user.role}) with a password" if created else f"password of {user.name} set"
    err.print(f"{what}; they sign in at /desk/login")


# --- data protection (issue 11): the retention purge, a person's export and erasure -----------------

retention_app = typer.Typer(
    name="retention",
    help="The policy's retention: redact and erase what is kept too long (docs/privacy.md).",
    no_args_is_help=True,
)
app.add_typer(retention_app, name="retention")
author_app = typer.Typer(
    name="author",
    help="One commenter's data: export it (a subject-access request) or erase it (docs/privacy.md).",
    no_args_is_help=True,
)
app.add_typer(author_app, name="author")


@retention_app.command("run")
def retention_run(
    apply: Annotated[
        bool, typer.Option("--apply", help="Redact and erase; without it, only print what would go.")
    ] = False,
) -> None:
    """Print (or, with --apply, do) what is past each channel's retention; open cases are kept."""
    from hierniet.services.auth import CLI_ACTOR
    from hierniet.services.privacy import run_retention

    with _cli_store() as store:
        report = run_retention(store, CLI_ACTOR, apply=apply)
    for line in report.lines():
        typer.echo(line)
    counts = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in report.counts().items())
    if apply:
        err.print(f"applied: {counts} (audit entry {report.audit_id})")
    else:
        err.print(f"dry run: {counts}; run again with --apply to redact and erase")


def _author_command(action: str, author_id: int) -> Any:
    from hierniet.services import privacy
    from hierniet.services.auth import CLI_ACTOR

    with _cli_store() as store:
        if action == "export":
            return privacy.export_author(store, CLI_ACTOR, author_id)
        return privacy.erase_author(store, CLI_ACTOR, author_id)


@author_app.command("export")
def author_export(
    author_id: Annotated[int, typer.Argument(help="The author's hierniet id (GET /api/v1/authors lists them).")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write the JSON here, not to stdout.")] = None,
) -> None:
    """Everything stored about one author, as JSON (audited)."""
    data = _author_command("export", author_id)
    text = json.dumps(data, ensure_ascii=False, indent=2)
    if output is None:
        typer.echo(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")
        err.print(f"author {author_id}: {len(data['comments'])} comment(s) written to {output}")


@author_app.command("erase")
def author_erase(
    author_id: Annotated[int, typer.Argument(help="The author's hierniet id (GET /api/v1/authors lists them).")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Erase one author's comments, decisions' texts and the author itself; open cases are kept (audited)."""
    if not yes and not typer.confirm(f"Erase the data of author {author_id}? This cannot be undone"):
        raise typer.Exit(1)
    report = _author_command("erase", author_id)
    for line in report.lines():
        typer.echo(line)
    kept = f"; {len(report.kept)} kept by open cases" if report.kept else ""
    gone = "the author deleted" if report.authors else "the author kept (other data still refers to them)"
    err.print(f"author {author_id}: {len(report.erased)} comment(s) erased, {gone}{kept}")


# --- evidence packs for Unia, the police or a lawyer (issue 13) ----------------------------------------------


@app.command()
def evidence(
    target: Annotated[
        str | None,
        typer.Argument(help="The comment's id; or `verify` to check the pack named after it.", show_default=False),
    ] = None,
    pack_file: Annotated[
        Path | None, typer.Argument(help="With `verify`: the pack (.zip) to check.", show_default=False)
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Where to write the pack (.zip).")] = None,
    author: Annotated[
        int | None, typer.Option("--author", help="Pack every comment of this author (their id) instead.")
    ] = None,
    purpose: Annotated[
        str, typer.Option("--for", help="Who the pack is for: unia, police or lawyer (its text file follows).")
    ] = "lawyer",
    language: Annotated[str, typer.Option("--lang", help="The language of its texts: nl, fr, en or de.")] = "en",
) -> None:
    """Make an evidence pack (`hierniet evidence COMMENT_ID -o FILE.zip`, or `--author AUTHOR_ID`), or check one
    against the audit log (`hierniet evidence verify FILE.zip`; exit status 1 when a file was changed).

    A pack holds the comment unmasked with its context (evidence.pdf, evidence.json), the text for Unia's form
    or a statement (unia.txt, report.txt) and MANIFEST.sha256; its hashes are recorded in the audit log."""
    from hierniet.services import evidence as packs
    from hierniet.services.auth import CLI_ACTOR
    from hierniet.settings import get_settings

    if target == "verify":
        if pack_file is None:
            raise _fail(ValueError("name the pack to check: hierniet evidence verify FILE.zip"))
        try:
            data = pack_file.read_bytes()
        except OSError as exc:
            raise _fail(ValueError(f"{pack_file}: cannot read it ({exc.strerror or exc})")) from None
        with _cli_store() as store:
            result = packs.verify_pack(store, CLI_ACTOR, data)
        for check in result.files:
            typer.echo(f"{'OK     ' if check.ok else 'CHANGED'}  {check.found or '(missing)':64}  {check.name}")
        for problem in result.problems:
            err.print(f"[red]{problem}[/red]", markup=True, highlight=False)
        if not result.ok:
            err.print(f"{pack_file}: [red]does not match the audit log[/red]", markup=True, highlight=False)
            raise typer.Exit(1)
        same = "byte for byte the ZIP made" if result.same_zip else "the same files (the ZIP itself was repacked)"
        when = result.packed_at.isoformat() if result.packed_at else "?"
        err.print(
            f"{pack_file}: matches audit entry #{result.entry_id} ({result.purpose}, made by {result.packed_by} at "
            f"{when}, comments {', '.join(map(str, result.comment_ids))}): {same}",
            highlight=False,
        )
        return
    if pack_file is not None:
        raise _fail(ValueError(f"unexpected {pack_file}: give one comment id, or `verify FILE.zip`"))
    comment_ids: list[int] = []
    if target is not None:
        if not target.isdigit():
            raise _fail(ValueError(f"{target!r} is no comment id: give a number, `--author ID` or `verify FILE.zip`"))
        comment_ids.append(int(target))
    if not comment_ids and author is None:
        raise _fail(ValueError("name what to pack: hierniet evidence COMMENT_ID -o FILE.zip (or --author ID)"))
    if output is None:
        raise _fail(ValueError("name the file to write with -o FILE.zip"))
    if output.is_dir():
        raise _fail(ValueError(f"{output} is a folder: give a file name such as {output / 'evidence.zip'}"))
    with _cli_store() as store:
        pack = packs.make_pack(
            store,
            CLI_ACTOR,
            comment_ids=comment_ids,
            author_id=author,
            purpose=purpose.strip().lower(),
            language=language.strip().lower(),
            zone=packs.zone_of(get_settings().desk_timezone),
        )
    try:
        output.write_bytes(pack.data)
    except OSError as exc:
        # The pack is audited already: say so, so that a person does not think nothing was recorded.
        raise _fail(
            ValueError(f"{output}: cannot write it ({exc.strerror or exc}); the pack was audited, make it again")
        ) from None
    for name, digest in sorted(pack.files.items()):
        typer.echo(f"{digest}  {name}")
    err.print(
        f"{output}: evidence pack for {pack.purpose} ({len(pack.comment_ids)} comment(s)), manifest SHA-256 "
        f"{pack.manifest_sha256}, ZIP SHA-256 {pack.zip_sha256}; recorded in the audit log"
        + (f"; to-do added to the comment(s): outbox {', '.join(map(str, pack.todos))}" if pack.todos else ""),
        highlight=False,
    )


def _mount_subcommands() -> None:
    from hierniet.policy.cli import policy_app

    app.add_typer(policy_app, name="policy", help="Validate and print charter policies.")
    # Platform connectors and the outbox worker (issue 6).
    from hierniet.connectors.cli import channel_app, worker

    app.add_typer(channel_app, name="channel")
    app.command("worker")(worker)
    # The public charter site's texts (issue 5).
    from hierniet.web.site.cli import site_app

    app.add_typer(site_app, name="site")
    # The crisis desk's engine (issue 15).
    from hierniet.crisis.cli import crisis_app

    app.add_typer(crisis_app, name="crisis")
    # Raids and pile-ons (issue 14): the simulation, and the detector run over the store.
    from hierniet.raids.cli import raids_app

    app.add_typer(raids_app, name="raids")
    # Bulk re-triage after a model or policy change (issue 16), on this machine or a Dask cluster.
    from hierniet.cli_retriage import retriage

    app.command("retriage")(retriage)


def main() -> None:
    _mount_subcommands()
    app()


# --- the demo desk and the web server (issue 4) -------------------------------------------------------


@app.command()
def demo(
    reset: Annotated[
        bool,
        typer.Option(
            "--reset", help="Drop every table and start over (refused unless the database holds only the demo)."
        ),
    ] = False,
) -> None:
    """Fill the desk with a demo: two Belgian organisations, their channels and posts, and some 300 comments
    in nl, fr, en and de triaged by the shipped model; plus demo users with known passwords. Running it
    again adds nothing."""
    from hierniet.demo.builder import DESK_URL, build

    with _cli_store(current_schema=False) as store:
        report = build(store, _load_triage(), reset=reset)
        where = store.engine.url.render_as_string(hide_password=True)
    console = Console()
    console.print(f"demo desk in {where}" + (" (started over)" if report.reset else ""))
    console.print(
        f"  organisations created: {report.organisations_created}, channels created: {report.channels_created}"
    )
    console.print(f"  comments stored: {report.comments_created}, already there: {report.comments_existing}")
    for line in report.rejected:
        console.print(f"  [yellow]rejected:[/yellow] {line}")
    console.print("  queue: " + ", ".join(f"{status} {n}" for status, n in report.by_status.items()))
    users = Table(title="demo users (demo only)", title_justify="left")
    for column in ("user", "role", "password"):
        users.add_column(column)
    for u in report.users:
        users.add_row(u.name, u.role, u.password or "(changed since: left as it is)")
    console.print(users)
    console.print("  these passwords are public: never run `hierniet demo` on a desk in real use")
    console.print(
        f"next: [bold]hierniet serve[/bold], then open {DESK_URL} (the API: /api/v1/, /openapi.json)", soft_wrap=True
    )


def uvicorn_options(
    host: str,
    port: int,
    *,
    reload: bool = False,
    log_level: str = "info",
    log_format: str = "text",
    workers: int = 1,
) -> dict[str, Any]:
    """The arguments of uvicorn.run for `hierniet serve`: the app factory on the configured database, and
    one JSON object per log line where HIERNIET_LOG_FORMAT is json (hierniet.logs).

    The factory (not an app object) so that --reload, which imports the app afresh in a child process, works.
    """
    if not host.strip():
        raise ValueError("the host is empty: give an address to listen on, e.g. --host 127.0.0.1")
    if not 0 < port < 65536:
        raise ValueError(f"port {port} is out of range: use 1 to 65535, e.g. --port 8000")
    if workers < 1:
        raise ValueError(f"--workers {workers}: give 1 or more web processes")
    if workers > 1 and reload:
        raise ValueError("--reload restarts one process: leave out --workers (or give --workers 1) with it")
    options: dict[str, Any] = {
        "app": "hierniet.web.app:create_app",
        "factory": True,
        "host": host.strip(),
        "port": port,
        "log_level": log_level,
        "reload": reload,
    }
    from hierniet.logs import uvicorn_log_config

    log_config = uvicorn_log_config(log_format, log_level)
    if log_config is not None:
        options["log_config"] = log_config
    if workers > 1:
        # Several processes on one port, each with its own app (and its own kept webhook channels): the desk's
        # sessions are shared only with HIERNIET_SECRET_KEY set (docs/operations.md).
        options["workers"] = workers
    if reload:
        # Watch hierniet's own sources, not the folder it was started in (which may hold the database).
        options["reload_dirs"] = [str(Path(__file__).resolve().parent)]
    return options


@app.command()
def report(
    org: Annotated[str, typer.Option("--org", help="The organisation's slug (`hierniet org list`).")],
    from_: Annotated[str, typer.Option("--from", help="First day: dd/mm/yyyy or yyyy-mm-dd.")],
    to: Annotated[str, typer.Option("--to", help="Last day, included: dd/mm/yyyy or yyyy-mm-dd.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="FILE.pdf, FILE.html or FILE.csv.")],
    lang: Annotated[str | None, typer.Option(help="nl, fr, en or de; default the organisation's language.")] = None,
) -> None:
    """The transparency report of an organisation for a period (days in the desk's time zone), as a PDF or an
    HTML page to publish, or its figures as CSV (issue 13)."""
    from hierniet.services import insight
    from hierniet.services.auth import CLI_ACTOR
    from hierniet.settings import get_settings
    from hierniet.web.desk import report as report_doc

    kind = output.suffix.lower().lstrip(".")
    if kind not in ("pdf", "html", "csv"):
        raise _fail(ValueError(f"{output}: name a file ending in .pdf, .html or .csv"))
    if lang is not None and lang not in report_doc.LANGUAGES:
        raise _fail(ValueError(f"unknown language {lang!r}: use one of {', '.join(report_doc.LANGUAGES)}"))
    days = []
    for option, text in (("--from", from_), ("--to", to)):
        day = report_doc.day_of(text)
        if day is None:
            raise _fail(ValueError(f"{option} {text!r} is no day: write it as dd/mm/yyyy or yyyy-mm-dd"))
        days.append(day)
    zone = get_settings().desk_timezone
    with _cli_store() as store:
        result = insight.insight(store, CLI_ACTOR, organisation=org, start=days[0], end=days[1], zone_name=zone)
        if kind == "csv":
            content: str | bytes = insight.to_csv(result)
        else:
            data = insight.transparency(store, CLI_ACTOR, result)
            language = report_doc.language_of(data, lang)
            content = report_doc.pdf(data, language) if kind == "pdf" else report_doc.html(data, language)
    try:
        if isinstance(content, bytes):
            output.write_bytes(content)
        else:
            output.write_text(content, encoding="utf-8", newline="")
    except OSError as exc:
        raise _fail(ValueError(f"{output}: cannot write it ({exc.strerror or exc})")) from None
    err.print(f"{output}: {result.total} comments of {org} from {days[0]} to {days[1]}", soft_wrap=True)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on (0.0.0.0: every interface).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    reload: Annotated[
        bool, typer.Option("--reload", help="Restart when hierniet's code changes (development).")
    ] = False,
    upgrade_db: Annotated[
        bool, typer.Option("--upgrade/--no-upgrade", help="Run `hierniet db upgrade` first (the default).")
    ] = True,
    log_level: Annotated[
        str, typer.Option(help="uvicorn's log level: critical, error, warning, info, debug.")
    ] = "info",
    workers: Annotated[
        int, typer.Option(help="Web processes on this port (one per core takes the most webhook calls).")
    ] = 1,
) -> None:
    """Run the desk (pages under /desk/, the REST API under /api/v1/, OpenAPI at /openapi.json) with uvicorn on
    HIERNIET_DATABASE_URL."""
    import uvicorn

    from hierniet.settings import get_settings

    try:
        options = uvicorn_options(
            host, port, reload=reload, log_level=log_level, log_format=get_settings().log_format, workers=workers
        )
    except ValueError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    if upgrade_db:
        db_upgrade("head")
    err.print(
        f"hierniet desk on http://{options['host']}:{port}/desk/ (API /api/v1/, OpenAPI /openapi.json)", soft_wrap=True
    )
    uvicorn.run(**options)
