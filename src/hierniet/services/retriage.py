"""Bulk re-triage (issue 16): stored comments triaged and recommended again after a model or policy change.

A run re-triages the comments its filters match, partitioned by comment id range. Each partition goes through
in batches; a batch's new verdict versions and recommendations are written in one transaction together with the
partition's progress (`retriage_partitions.done_upto`, moved compare-and-set from the value the batch was read
after). So a run killed at any moment resumes after its last committed batch, and no comment gets two verdict
versions from one run: a batch is written and counted, or neither; a second runner of the same run (a zombie)
finds the progress moved and its batch rolled back.

Triage itself is the engine's business (`BatchEngine`): the CLI's local engine (a TriagePool on this machine)
or a Dask cluster (hierniet.services.retriage_dask). Either way the verdicts come back here and this process
writes them: one writer suits SQLite's single-writer lock and keeps PostgreSQL to one connection, and the
cluster's workers need the model but no database credentials or network path to the database.

A person's decision stands (house rule 3): a decided comment gets the new verdict version and recommendation
for the record, and keeps its status and decided step (`decisions.retriage_loaded_rows`, the path `retriage`
and edits take). A comment whose text was erased (retention, an erasure) is not matched: there is nothing left
to triage.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import ColumnElement, exists, func, select, update
from sqlalchemy.orm import Session

from hierniet.domain import Comment, Label, Verdict
from hierniet.policy import Policy
from hierniet.services.auth import Actor, Permission, require
from hierniet.services.decisions import retriage_loaded_rows
from hierniet.services.errors import Conflict, InvalidInput, NotFound
from hierniet.services.policies import policy_for
from hierniet.store import repo
from hierniet.store import tables as t
from hierniet.store.tables import utcnow

ENGINES = ("local", "dask")
DEFAULT_BATCH_SIZE = 500
DEFAULT_PARTITION_SIZE = 20_000


@dataclass(frozen=True, slots=True)
class RetriageFilter:
    """Which stored comments a run re-triages. Nothing set matches nothing: `everything` must say so."""

    organisation: str | None = None  # the organisation's slug
    since: datetime | None = None  # posted at or after
    until: datetime | None = None  # posted before
    label: str | None = None  # the comment's latest verdict has this label
    everything: bool = False

    def check(self) -> None:
        if not self.everything and not any((self.organisation, self.since, self.until, self.label)):
            raise InvalidInput(
                "say which comments to re-triage: --org SLUG, --since, --until or --label; or --all for every "
                "stored comment"
            )
        if self.since is not None and self.until is not None and self.since >= self.until:
            raise InvalidInput(f"--since ({self.since.isoformat()}) must be before --until ({self.until.isoformat()})")
        if self.label is not None and self.label not in {label.value for label in Label}:
            known = ", ".join(label.value for label in Label)
            raise InvalidInput(f"unknown label '{self.label}': use one of {known}")

    def as_json(self) -> dict[str, Any]:
        return {
            "organisation": self.organisation,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "label": self.label,
            "all": self.everything,
        }

    def key(self) -> str:
        return hashlib.sha256(json.dumps(self.as_json(), sort_keys=True).encode()).hexdigest()

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RetriageFilter:
        return cls(
            organisation=data.get("organisation"),
            since=datetime.fromisoformat(data["since"]) if data.get("since") else None,
            until=datetime.fromisoformat(data["until"]) if data.get("until") else None,
            label=data.get("label"),
            everything=bool(data.get("all")),
        )


@dataclass(frozen=True, slots=True)
class Batch:
    """Comments of one partition read after `after` (the partition's progress when the batch was read)."""

    run_id: str
    lo: int
    after: int
    last: int  # the highest comment id in the batch: the partition's progress once it is written
    ids: tuple[int, ...]
    comments: tuple[Comment, ...]
    finishes: bool  # nothing of the partition is left after this batch


class BatchEngine(Protocol):
    """Triages batches, yielding each with its verdicts in the order the batches came (several may be in flight)."""

    def map(self, batches: Iterable[Batch]) -> Iterator[tuple[Batch, list[Verdict]]]: ...


class ClassifierEngine:
    """Batches triaged one after the other by a classifier (the engine, or a TriagePool spreading each batch
    over this machine's cores)."""

    def __init__(self, classifier: Any) -> None:
        self.classifier = classifier

    def map(self, batches: Iterable[Batch]) -> Iterator[tuple[Batch, list[Verdict]]]:
        for batch in batches:
            yield batch, self.classifier.classify(list(batch.comments))


@dataclass
class Summary:
    """What a run did (all its sessions together, when it was resumed)."""

    run_id: str
    planned: int
    retriaged: int = 0
    changed: int = 0
    held: int = 0
    skipped_edited: int = 0  # edited on the platform between read and write: the edit re-triaged them
    batches: int = 0
    partitions: int = 0
    partitions_done: int = 0
    seconds: float = 0.0  # this session's
    this_session: int = 0  # comments re-triaged by this session
    finished: bool = False
    resumed: bool = False

    @property
    def unchanged(self) -> int:
        return self.retriaged - self.changed

    @property
    def per_second(self) -> float:
        return self.this_session / self.seconds if self.seconds > 0 else 0.0

    def lines(self) -> list[str]:
        state = "finished" if self.finished else f"not finished: resume with --resume {self.run_id}"
        return [
            f"run {self.run_id}: {state}",
            f"  re-triaged: {self.retriaged} of {self.planned} planned"
            + (f" ({self.this_session} in this session)" if self.resumed else ""),
            f"  changed verdicts: {self.changed}",
            f"  unchanged: {self.unchanged}",
            f"  kept because a person decided (new verdict, status and decision as they were): {self.held}",
            f"  skipped, edited on the platform meanwhile: {self.skipped_edited}",
            f"  seconds: {self.seconds:.1f}, comments/s: {self.per_second:.1f}",
        ]


def _conditions(session: Session, f: RetriageFilter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [t.Comment.redacted_at.is_(None)]
    if f.organisation is not None:
        org = repo.organisation_by_slug(session, f.organisation)
        if org is None:
            raise NotFound(f"no organisation '{f.organisation}': list them with `hierniet org list`")
        where.append(t.Comment.channel_id.in_(select(t.Channel.id).where(t.Channel.organisation_id == org.id)))
    if f.since is not None:
        where.append(t.Comment.posted_at >= f.since)
    if f.until is not None:
        where.append(t.Comment.posted_at < f.until)
    if f.label is not None:
        where.append(
            exists(
                select(t.VerdictLabel.verdict_id)
                .join(t.Verdict, t.Verdict.id == t.VerdictLabel.verdict_id)
                .where(
                    t.Verdict.comment_id == t.Comment.id,
                    t.Verdict.version == t.Comment.verdict_version,
                    t.VerdictLabel.label == f.label,
                )
            )
        )
    return where


def count(store: repo.Store, f: RetriageFilter) -> int:
    """How many stored comments the filters match (a dry run)."""
    f.check()
    with store.session() as s:
        return int(s.scalar(select(func.count()).select_from(t.Comment).where(*_conditions(s, f))) or 0)


def _bounds(session: Session, f: RetriageFilter, partition_size: int) -> tuple[int, list[tuple[int, int]]]:
    """The matching count and id ranges of about `partition_size` matching comments each."""
    where = _conditions(session, f)
    total = int(session.scalar(select(func.count()).select_from(t.Comment).where(*where)) or 0)
    if total == 0:
        return 0, []
    numbered = (
        select(t.Comment.id.label("id"), func.row_number().over(order_by=t.Comment.id).label("n"))
        .where(*where)
        .subquery()
    )
    starts = list(
        session.scalars(select(numbered.c.id).where((numbered.c.n - 1) % partition_size == 0).order_by(numbered.c.id))
    )
    last = int(session.scalar(select(func.max(t.Comment.id)).where(*where)) or 0)
    ranges = [(lo, (starts[i + 1] - 1) if i + 1 < len(starts) else last) for i, lo in enumerate(starts)]
    return total, ranges


def unfinished_run(store: repo.Store, f: RetriageFilter) -> str | None:
    """The last unfinished run with these filters, which a new run resumes instead of starting over."""
    with store.session() as s:
        stmt = (
            select(t.RetriageRun.id)
            .where(t.RetriageRun.filters_key == f.key(), t.RetriageRun.finished_at.is_(None))
            .order_by(t.RetriageRun.started_at.desc())
            .limit(1)
        )
        return s.scalar(stmt)


def start_run(
    store: repo.Store,
    actor: Actor,
    f: RetriageFilter,
    *,
    engine: str,
    batch_size: int = DEFAULT_BATCH_SIZE,
    partition_size: int = DEFAULT_PARTITION_SIZE,
    now: datetime | None = None,
) -> str:
    """Record a new run and its partitions; returns its id."""
    require(actor, Permission.RETRIAGE, "re-triage comments")
    f.check()
    if engine not in ENGINES:
        raise InvalidInput(f"unknown engine '{engine}': use one of {', '.join(ENGINES)}")
    if batch_size < 1 or partition_size < 1:
        raise InvalidInput("--batch-size and --partition-size must be at least 1")
    now = now or utcnow()
    run_id = f"{now:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"
    with store.transaction() as tx:
        total, ranges = _bounds(tx, f, partition_size)
        tx.add(
            t.RetriageRun(
                id=run_id,
                filters=f.as_json(),
                filters_key=f.key(),
                engine=engine,
                batch_size=batch_size,
                planned=total,
                started_at=now,
                finished_at=now if total == 0 else None,
            )
        )
        tx.flush()
        repo.insert_many(
            tx,
            t.RetriagePartition,
            [
                {
                    "run_id": run_id,
                    "lo": lo,
                    "hi": hi,
                    "done_upto": lo - 1,
                    "finished": False,
                    "batches": 0,
                    "retriaged": 0,
                    "changed": 0,
                    "held": 0,
                }
                for lo, hi in ranges
            ],
        )
    return run_id


def get_run(store: repo.Store, run_id: str) -> t.RetriageRun:
    with store.session() as s:
        run = s.get(t.RetriageRun, run_id)
    if run is None:
        raise NotFound(f"no re-triage run '{run_id}': start one without --resume")
    return run


def summary(store: repo.Store, run_id: str) -> Summary:
    run = get_run(store, run_id)
    with store.session() as s:
        parts = list(s.scalars(select(t.RetriagePartition).where(t.RetriagePartition.run_id == run_id)))
    out = Summary(run_id=run_id, planned=run.planned, finished=run.finished_at is not None, partitions=len(parts))
    for p in parts:
        out.retriaged += p.retriaged
        out.changed += p.changed
        out.held += p.held
        out.batches += p.batches
        out.partitions_done += int(p.finished)
    return out


class _Policies:
    """Each channel's policy, parsed once per run."""

    def __init__(self) -> None:
        self._by_channel: dict[int, Policy] = {}
        self._organisations: dict[int, t.Organisation | None] = {}

    def get(self, session: Session, channel: t.Channel) -> Policy:
        policy = self._by_channel.get(channel.id)
        if policy is None:
            if channel.organisation_id not in self._organisations:
                self._organisations[channel.organisation_id] = repo.get_organisation(session, channel.organisation_id)
            org = self._organisations[channel.organisation_id]
            policy = policy_for(
                channel.policy_yaml,
                org.policy_yaml if org else None,
                organisation_name=org.name if org else None,
            )
            self._by_channel[channel.id] = policy
        return policy


def _rows(session: Session, where: Sequence[ColumnElement[bool]], *, lock: bool = False) -> list[Any]:
    stmt = (
        select(t.Comment, t.Channel, t.Author)
        .join(t.Channel, t.Comment.channel_id == t.Channel.id)
        .outerjoin(t.Author, t.Comment.author_id == t.Author.id)
        .where(*where)
        .order_by(t.Comment.id)
    )
    if lock and session.get_bind().dialect.name == "postgresql":
        # A person deciding the same comment meanwhile waits for this batch (or this batch for them): the
        # status read below is the one the write replaces.
        stmt = stmt.with_for_update(of=t.Comment)
    return [(comment, channel, author) for comment, channel, author in session.execute(stmt)]


def _batches(store: repo.Store, run: t.RetriageRun, stop: Callable[[], bool]) -> Iterator[Batch]:
    """The run's remaining batches, partition by partition, read ahead of the writes (each batch is read after
    the previous one's last id, which is where the partition's progress will be once that one is written)."""
    f = RetriageFilter.from_json(run.filters)
    with store.session() as s:
        parts = list(
            s.scalars(
                select(t.RetriagePartition)
                .where(t.RetriagePartition.run_id == run.id, t.RetriagePartition.finished.is_(False))
                .order_by(t.RetriagePartition.lo)
            )
        )
    for part in parts:
        after = part.done_upto
        while not stop():
            with store.session() as s:
                where = [*_conditions(s, f), t.Comment.id > after, t.Comment.id <= part.hi]
                stmt = (
                    select(
                        t.Comment.id,
                        t.Comment.text,
                        t.Comment.platform,
                        t.Comment.thread_external_id,
                        t.Comment.language_hint,
                    )
                    .where(*where)
                    .order_by(t.Comment.id)
                    .limit(run.batch_size + 1)
                )
                found = [(cid, text_, platform, post, hint) for cid, text_, platform, post, hint in s.execute(stmt)]
            rows = found[: run.batch_size]
            finishes = len(found) <= run.batch_size
            if not rows:
                # Nothing left (the partition's comments were erased meanwhile): close it with an empty batch.
                yield Batch(run.id, part.lo, after, part.hi, (), (), True)
                break
            comments = tuple(
                Comment(id=str(cid), text=text_, platform=platform, post=post, language_hint=hint)
                for cid, text_, platform, post, hint in rows
            )
            last = part.hi if finishes else rows[-1][0]
            yield Batch(run.id, part.lo, after, last, tuple(r[0] for r in rows), comments, finishes)
            if finishes:
                break
            after = last


@dataclass
class _Counts:
    retriaged: int = 0
    changed: int = 0
    held: int = 0
    skipped_edited: int = 0


class ProgressMoved(Conflict):
    """Another runner of the same run wrote this batch first; this one's writes were rolled back."""


def _write(
    store: repo.Store, actor: Actor, policies: _Policies, batch: Batch, verdicts: Sequence[Verdict], now: datetime
) -> _Counts:
    counts = _Counts()
    with store.transaction() as tx:
        # Compare-and-set first: on PostgreSQL it also takes the partition row's lock, so a second runner of the
        # run waits here and then finds the progress moved.
        moved = tx.execute(
            update(t.RetriagePartition)
            .where(
                t.RetriagePartition.run_id == batch.run_id,
                t.RetriagePartition.lo == batch.lo,
                t.RetriagePartition.done_upto == batch.after,
            )
            .values(done_upto=batch.last, finished=batch.finishes, batches=t.RetriagePartition.batches + 1)
        )
        if moved.rowcount != 1:  # type: ignore[attr-defined]
            raise ProgressMoved(
                f"run {batch.run_id}: partition {batch.lo} is past comment {batch.after} already; another "
                "`hierniet retriage` is running this run (stop one of them)"
            )
        if batch.ids:
            texts = {int(c.id): c.text for c in batch.comments}
            rows = _rows(tx, [t.Comment.id.in_(batch.ids)], lock=True)
            # Detached, as `retriage` hands them over from its reading session: each projection UPDATE would
            # otherwise look for its row among the batch's objects in the session (quadratic in the batch size:
            # 60 % of the write time at 500 a batch).
            tx.expunge_all()
            by_id = {int(v.comment_id): v for v in verdicts}
            keep: list[tuple[t.Comment, t.Channel, t.Author | None, Policy]] = []
            kept_verdicts: list[Verdict] = []
            previous: dict[int, tuple[list[str], int]] = {}
            for comment, channel, author in rows:
                if comment.text != texts.get(comment.id) or comment.redacted_at is not None:
                    counts.skipped_edited += 1
                    continue
                previous[comment.id] = (sorted(comment.labels), comment.severity)
                keep.append((comment, channel, author, policies.get(tx, channel)))
                kept_verdicts.append(by_id[comment.id])
            done = retriage_loaded_rows(tx, actor, keep, kept_verdicts, now)
            for r in done:
                counts.retriaged += 1
                counts.held += int(r.held)
                counts.changed += int(previous[r.comment_id] != (sorted(r.labels), r.severity))
            tx.execute(
                update(t.RetriagePartition)
                .where(t.RetriagePartition.run_id == batch.run_id, t.RetriagePartition.lo == batch.lo)
                .values(
                    retriaged=t.RetriagePartition.retriaged + counts.retriaged,
                    changed=t.RetriagePartition.changed + counts.changed,
                    held=t.RetriagePartition.held + counts.held,
                )
            )
    return counts


@dataclass
class RunOptions:
    """How one session of a run goes: `progress` hears each written batch's comment count; `stop_after` ends the
    session after that many batches (the run stays unfinished, as after a crash)."""

    progress: Callable[[int], None] | None = None
    stop_after: int | None = None
    now: Callable[[], datetime] = field(default=utcnow)


def run(
    store: repo.Store, actor: Actor, run_id: str, engine: BatchEngine, options: RunOptions | None = None
) -> Summary:
    """Re-triage what is left of a run with `engine`, batch by batch; returns the whole run's summary."""
    require(actor, Permission.RETRIAGE, "re-triage comments")
    options = options or RunOptions()
    found = get_run(store, run_id)
    before = summary(store, run_id)
    policies = _Policies()
    started = time.perf_counter()
    written = 0
    session_counts = _Counts()

    def stop() -> bool:
        return options.stop_after is not None and written >= options.stop_after

    for batch, verdicts in engine.map(_batches(store, found, stop)):
        if stop():
            break  # batches read ahead of the stop are left for the next session
        counts = _write(store, actor, policies, batch, verdicts, options.now())
        written += 1
        session_counts.retriaged += counts.retriaged
        session_counts.skipped_edited += counts.skipped_edited
        if options.progress is not None:
            options.progress(len(batch.ids))
    seconds = time.perf_counter() - started
    with store.transaction() as tx:
        left = tx.scalar(
            select(func.count())
            .select_from(t.RetriagePartition)
            .where(t.RetriagePartition.run_id == run_id, t.RetriagePartition.finished.is_(False))
        )
        if not left:
            tx.execute(
                update(t.RetriageRun)
                .where(t.RetriageRun.id == run_id, t.RetriageRun.finished_at.is_(None))
                .values(finished_at=options.now())
            )
    out = summary(store, run_id)
    out.seconds = seconds
    out.this_session = session_counts.retriaged
    out.skipped_edited = session_counts.skipped_edited
    out.resumed = before.batches > 0
    return out


def verdict_versions(store: repo.Store, comment_ids: Iterable[int] | None = None) -> dict[int, int]:
    """Verdict versions per comment (all comments, or those named): what a test or bench counts to see that a
    run re-triaged each comment exactly once."""
    stmt = select(t.Verdict.comment_id, func.count()).group_by(t.Verdict.comment_id)
    if comment_ids is not None:
        stmt = stmt.where(t.Verdict.comment_id.in_(list(comment_ids)))
    with store.session() as s:
        return {int(cid): int(n) for cid, n in s.execute(stmt)}


__all__ = [
    "DEFAULT_BATCH_SIZE",
    "DEFAULT_PARTITION_SIZE",
    "ENGINES",
    "Batch",
    "BatchEngine",
    "ClassifierEngine",
    "ProgressMoved",
    "RetriageFilter",
    "RunOptions",
    "Summary",
    "count",
    "get_run",
    "run",
    "start_run",
    "summary",
    "unfinished_run",
    "verdict_versions",
]
