"""`hierniet import FILE`: comments from a CSV or JSONL file into the desk, batch by batch.

Each row goes through the same ingestion as POST /api/v1/comments (hierniet.services.ingest); the
columns are CommentIn's fields (id, text, platform, channel or channel_id, author, author_name, thread
or post, parent, posted_at, language or lang). Rows that name no channel go to the default channel.
A bad row is reported with its line number; the rest of its batch is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from hierniet.connectors import files
from hierniet.connectors.files import Format, RowError, detect_format, open_text
from hierniet.services import admin
from hierniet.services.auth import Actor, Permission, require
from hierniet.services.errors import InvalidInput, NotFound
from hierniet.services.ingest import ChannelRef, Classifier, ingest_stream
from hierniet.settings import DEFAULT_COMMENT_MAX_CHARS
from hierniet.store import repo


@dataclass(slots=True)
class ImportReport:
    """What an import did; `rejected` pairs each refused row's line number with the reason."""

    created: int = 0
    duplicates: int = 0
    edited: int = 0  # rows with a new text for a comment stored before (an edit on the platform)
    rejected: list[tuple[int, str]] = field(default_factory=list)
    read: int = 0
    #: How the file was read, when that needs saying (not UTF-8: read as Windows-1252).
    note: str | None = None


def read_records(
    stream: IO[str], fmt: Format, *, text_column: str = "text", id_column: str = "id"
) -> Iterator[tuple[int, dict[str, Any]] | RowError]:
    """(line, record) per row with the text and id fields renamed, or a RowError for an unreadable row."""
    for item in files.read_records(stream, fmt, text_column=text_column):
        yield item if isinstance(item, RowError) else (item[0], _renamed(item[1], text_column, id_column))


def _renamed(record: dict[str, Any], text_column: str, id_column: str) -> dict[str, Any]:
    if text_column != "text" and text_column in record:
        record["text"] = record.pop(text_column)
    if id_column != "id" and id_column in record:
        record["id"] = record.pop(id_column)
    return record


def ensure_channel(store: repo.Store, actor: Actor, ref: ChannelRef, organisation_slug: str) -> int:
    """The id of the channel `ref`, created (with its organisation, when missing) if it does not exist."""
    if ref.channel_id is not None:
        with store.session() as s:
            if repo.get_channel(s, ref.channel_id) is None:
                raise NotFound(f"no channel {ref.channel_id}: name it as PLATFORM/ID to create it")
        return ref.channel_id
    assert ref.platform is not None and ref.external_id is not None
    with store.session() as s:
        existing = repo.channel_by_key(s, ref.platform, ref.external_id)
        if existing is not None:
            return existing.id
    organisation = admin.organisation_by_slug(store, organisation_slug)
    if organisation is None:
        organisation = admin.create_organisation(store, actor, slug=organisation_slug, name=organisation_slug)
    channel = admin.create_channel(
        store, actor, organisation_id=organisation.id, platform=ref.platform, external_id=ref.external_id
    )
    return channel.id


def import_file(
    store: repo.Store,
    triage: Classifier,
    path: str,
    *,
    actor: Actor,
    default_channel: ChannelRef | None = None,
    fmt: str | None = None,
    text_column: str = "text",
    id_column: str = "id",
    batch_size: int = 256,
    progress: Callable[[int], None] | None = None,
    max_text_chars: int = DEFAULT_COMMENT_MAX_CHARS,
) -> ImportReport:
    """Import a file; `progress` is called with the number of rows handled after each batch."""
    require(actor, Permission.INGEST, "import comments")
    if batch_size < 1:
        raise InvalidInput(f"batch size {batch_size}: use 1 or more")
    opened = open_text(path)
    stream = opened.stream
    head = stream.read(256)
    stream.seek(0)
    format_ = detect_format(path, fmt, head)
    report = ImportReport(note=opened.note)
    lines: list[int] = []  # the file line of each row handed to ingestion, by its index there
    unreadable = 0

    def batches() -> Iterator[list[dict[str, Any]]]:
        nonlocal unreadable
        batch: list[dict[str, Any]] = []
        for item in read_records(stream, format_, text_column=text_column, id_column=id_column):
            if isinstance(item, RowError):
                unreadable += 1
                report.rejected.append((item.line, item.message))
                continue
            report.read += 1
            lines.append(item[0])
            batch.append(item[1])
            if len(batch) >= batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    with stream:
        handled = 0
        for result in ingest_stream(
            store, triage, batches(), actor=actor, default_channel=default_channel, max_text_chars=max_text_chars
        ):
            report.created += len(result.created)
            report.duplicates += len(result.duplicates)
            report.edited += len(result.edited)
            report.rejected += [(lines[r.index], r.error) for r in result.rejected]
            # Rows read so far (the next batch is read while this one is stored): close enough for a bar.
            done = report.read + unreadable
            if progress is not None:
                progress(done - handled)
            handled = done
    report.rejected.sort()
    return report
