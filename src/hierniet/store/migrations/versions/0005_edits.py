"""Comments edited or removed on the platform: earlier texts kept append-only, edit and removal marks.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24

`comment_revisions` refuses UPDATE and DELETE like decisions and the audit log (0001): the text an author
wrote before editing it is evidence, and evidence is never changed.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLE = "comment_revisions"


def _append_only() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        # hierniet_append_only() comes from 0001.
        op.execute(
            f"CREATE TRIGGER {_TABLE}_append_only BEFORE UPDATE OR DELETE ON {_TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION hierniet_append_only()"
        )
    elif dialect == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {_TABLE}_no_{event.lower()} BEFORE {event} ON {_TABLE} BEGIN "
                f"SELECT RAISE(ABORT, '{_TABLE} is append-only: add a new row instead of changing "
                "or deleting one'); END"
            )


def upgrade() -> None:
    with op.batch_alter_table("comments") as batch:
        batch.add_column(sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column("edited_after_decision", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        _TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("verdict_version", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["comment_id"], ["comments.id"], name=op.f("fk_comment_revisions_comment_id_comments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comment_revisions")),
    )
    op.create_index(op.f("ix_comment_revisions_comment_id"), _TABLE, ["comment_id"])
    _append_only()


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {_TABLE}_append_only ON {_TABLE}")
    elif dialect == "sqlite":
        for event in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {_TABLE}_no_{event}")
    op.drop_index(op.f("ix_comment_revisions_comment_id"), table_name=_TABLE)
    op.drop_table(_TABLE)
    with op.batch_alter_table("comments") as batch:
        for name in ("removed_at", "edited_after_decision", "edited_at"):
            batch.drop_column(name)
