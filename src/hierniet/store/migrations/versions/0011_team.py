"""The desk as a team: who is on a comment (claims and assignments), saved queue filters, done by hand.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06

- `comment_claims`: one row per comment someone is handling; a claim made by opening the comment ends at
  `expires_at`, a lead's assignment (`assigned_by`) has none. A decision deletes the row.
- `saved_filters`: a person's named queue filters (the queue's query string).
- `queued_actions.manual_by` / `manual_at`: who ticked "done by hand" for a call the platform has no API for
  (status "manual", a to-do for a person) or one that failed. Existing rows keep NULL: nobody ticked them.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "comment_claims",
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("assigned_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["comment_id"], ["comments.id"], name="fk_comment_claims_comment_id_comments"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_comment_claims_user_id_users"),
        sa.ForeignKeyConstraint(["assigned_by"], ["users.id"], name="fk_comment_claims_assigned_by_users"),
        sa.PrimaryKeyConstraint("comment_id", name="pk_comment_claims"),
    )
    op.create_index("ix_comment_claims_user_id", "comment_claims", ["user_id"])
    op.create_table(
        "saved_filters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("query", sa.String(1000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_saved_filters_user_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_saved_filters"),
        sa.UniqueConstraint("user_id", "name", name="uq_saved_filters_user_id_name"),
    )
    op.create_index("ix_saved_filters_user_id", "saved_filters", ["user_id"])
    with op.batch_alter_table("queued_actions") as batch:
        batch.add_column(sa.Column("manual_by", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("manual_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_foreign_key("fk_queued_actions_manual_by_users", "users", ["manual_by"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("queued_actions") as batch:
        batch.drop_constraint("fk_queued_actions_manual_by_users", type_="foreignkey")
        batch.drop_column("manual_at")
        batch.drop_column("manual_by")
    op.drop_index("ix_saved_filters_user_id", table_name="saved_filters")
    op.drop_table("saved_filters")
    op.drop_index("ix_comment_claims_user_id", table_name="comment_claims")
    op.drop_table("comment_claims")
