"""Moderators' wellbeing and alerts to the lead (issue 13, parts 4 and 5).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07

- `desk_activity`: one row per person per minute of work in the queue (time in the queue, severe items seen).
- `severe_rotation`: who of an organisation is offered the policy's rotation labels first.
- `alerts`: a critical threat or a person in distress, one per comment and kind, delivered by the worker.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "desk_activity",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("minute", sa.DateTime(timezone=True), nullable=False),
        sa.Column("severe_seen", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_desk_activity_user_id_users"),
        sa.PrimaryKeyConstraint("user_id", "minute", name="pk_desk_activity"),
    )
    op.create_table(
        "severe_rotation",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("added_by", sa.Integer(), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name="fk_severe_rotation_organisation_id_organisations"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_severe_rotation_user_id_users"),
        sa.ForeignKeyConstraint(["added_by"], ["users.id"], name="fk_severe_rotation_added_by_users"),
        sa.PrimaryKeyConstraint("organisation_id", "user_id", name="pk_severe_rotation"),
    )
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("severity", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(100), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered", _json(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["comment_id"], ["comments.id"], name="fk_alerts_comment_id_comments"),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name="fk_alerts_organisation_id_organisations"
        ),
        sa.ForeignKeyConstraint(["channel_id"], ["channels.id"], name="fk_alerts_channel_id_channels"),
        sa.PrimaryKeyConstraint("id", name="pk_alerts"),
        sa.UniqueConstraint("comment_id", "kind", name="uq_alerts_comment_id_kind"),
    )
    op.create_index("ix_alerts_status_due", "alerts", ["status", "not_before"])


def downgrade() -> None:
    op.drop_index("ix_alerts_status_due", table_name="alerts")
    op.drop_table("alerts")
    op.drop_table("severe_rotation")
    op.drop_table("desk_activity")
