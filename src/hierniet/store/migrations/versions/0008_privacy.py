"""Data protection: retention purges and a person's erasure redact in place, audited; evidence holds.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06

The append-only tables (decisions, audit_log, comment_revisions) gain `redacted_by`, the id of the
audit entry ("privacy.retention" or "privacy.erasure") that recorded a redaction. Their triggers now
refuse every DELETE and every UPDATE except one that points `redacted_by` at such an entry (a new one)
and changes nothing but the columns that carry personal data:

- decisions: `reply` and `reason` (their text), `author_id` (only to NULL);
- comment_revisions: `text`;
- audit_log: `detail`.

So an administrator can still not edit a decision or the trail; they can only let the purge or an
erasure blank what the data-protection rules say must go, and that leaves a line in the audit log.
SQLite triggers name the columns that must stay unchanged; they are read from the table when this
migration runs, so a later migration that adds a column to one of these tables must run
`privacy_triggers()` again (PostgreSQL compares the whole row and needs nothing).

`comments` gains `redacted_at` (its text erased), `pii_redacted_at` (the personal data in it redacted)
and `evidence_hold` (a lead kept it as evidence: no purge or erasure touches it until released).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The audit actions whose entries may authorise a redaction.
REDACTING_ACTIONS = ("privacy.retention", "privacy.erasure")

#: Per append-only table, the columns a redaction may change; a leading "-" means "only to NULL".
REDACTABLE: dict[str, tuple[str, ...]] = {
    "decisions": ("reply", "reason", "-author_id"),
    "comment_revisions": ("text",),
    "audit_log": ("detail",),
}

_MESSAGE = "{table} is append-only: add a new row instead of changing or deleting one"

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION hierniet_append_only_but_redactable() RETURNS trigger AS $$
DECLARE
    new_row jsonb;
    old_row jsonb;
    arg text;
    col text;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW.redacted_by IS NOT NULL AND NEW.redacted_by IS DISTINCT FROM OLD.redacted_by
           AND EXISTS (SELECT 1 FROM audit_log a WHERE a.id = NEW.redacted_by
                       AND a.action IN ('privacy.retention', 'privacy.erasure')) THEN
            new_row := to_jsonb(NEW) - 'redacted_by';
            old_row := to_jsonb(OLD) - 'redacted_by';
            FOREACH arg IN ARRAY TG_ARGV LOOP
                col := ltrim(arg, '-');
                IF left(arg, 1) = '-' AND new_row -> col <> 'null'::jsonb
                   AND new_row -> col IS DISTINCT FROM old_row -> col THEN
                    RAISE EXCEPTION '%.% may only be cleared by a redaction', TG_TABLE_NAME, col;
                END IF;
                new_row := new_row - col;
                old_row := old_row - col;
            END LOOP;
            IF new_row = old_row THEN
                RETURN NEW;
            END IF;
        END IF;
    END IF;
    RAISE EXCEPTION '% is append-only: add a new row instead of changing or deleting one '
        '(only a privacy.retention or privacy.erasure redaction may blank its personal data)', TG_TABLE_NAME;
END
$$ LANGUAGE plpgsql
"""


def _sqlite_update_guard(table: str, columns: Sequence[str]) -> str:
    free = {c.lstrip("-") for c in REDACTABLE[table]} | {"redacted_by"}
    fixed = [f"NEW.{c} IS OLD.{c}" for c in columns if c not in free]
    only_null = [f"(NEW.{c[1:]} IS NULL OR NEW.{c[1:]} IS OLD.{c[1:]})" for c in REDACTABLE[table] if c[0] == "-"]
    actions = ", ".join(f"'{a}'" for a in REDACTING_ACTIONS)
    allowed = " AND ".join(
        [
            "NEW.redacted_by IS NOT NULL",
            "NEW.redacted_by IS NOT OLD.redacted_by",
            f"EXISTS (SELECT 1 FROM audit_log a WHERE a.id = NEW.redacted_by AND a.action IN ({actions}))",
            *fixed,
            *only_null,
        ]
    )
    message = _MESSAGE.format(table=table) + " (only a privacy redaction may blank its personal data)"
    return (
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} WHEN NOT ({allowed}) BEGIN "
        f"SELECT RAISE(ABORT, '{message}'); END"
    )


def privacy_triggers() -> None:
    """(Re)create the triggers that refuse everything but an audited redaction."""
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(_PG_FUNCTION)
        for table, columns in REDACTABLE.items():
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            args = ", ".join(f"'{c}'" for c in columns)
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION hierniet_append_only_but_redactable({args})"
            )
    elif bind.dialect.name == "sqlite":
        for table in REDACTABLE:
            names = [c["name"] for c in sa.inspect(bind).get_columns(table)]
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(_sqlite_update_guard(table, names))


def _plain_triggers() -> None:
    """The triggers of 0001 and 0005 again: every UPDATE and DELETE refused."""
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for table in REDACTABLE:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION hierniet_append_only()"
            )
        op.execute("DROP FUNCTION IF EXISTS hierniet_append_only_but_redactable()")
    elif bind.dialect.name == "sqlite":
        # The batch that dropped `redacted_by` copied each table, and its triggers went with the old copy.
        for table in REDACTABLE:
            for event in ("UPDATE", "DELETE"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{event.lower()}")
                op.execute(
                    f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} BEGIN "
                    f"SELECT RAISE(ABORT, '{_MESSAGE.format(table=table)}'); END"
                )


def upgrade() -> None:
    with op.batch_alter_table("comments") as batch:
        batch.add_column(sa.Column("redacted_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("pii_redacted_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("evidence_hold", sa.Boolean(), nullable=False, server_default=sa.false()))
    # Plain ADD COLUMN (no batch): a batch would copy these tables, and their rows may not be rewritten.
    for table in REDACTABLE:
        op.add_column(table, sa.Column("redacted_by", sa.Integer(), nullable=True))
    privacy_triggers()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _plain_triggers()
    else:
        for table in REDACTABLE:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
    for table in REDACTABLE:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("redacted_by")
    if op.get_bind().dialect.name == "sqlite":
        _plain_triggers()
    with op.batch_alter_table("comments") as batch:
        for name in ("evidence_hold", "pii_redacted_at", "redacted_at"):
            batch.drop_column(name)
