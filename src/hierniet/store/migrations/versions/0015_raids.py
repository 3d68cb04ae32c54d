"""Raids and pile-ons (issue 14): the bursts the raid detector found, their members and comments, what people
did about them, and the detector's state per organisation.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07

- `raids`: one row per burst (raid or criticism storm), keyed by the detector's stable key per organisation.
- `raid_members`, `raid_comments`: who took part (core or joiner) and which comments (abusive or not).
- `raid_actions`: each one-move action (hide all, hold, block the core, evidence, dismiss) with what it made,
  so it can be undone as one.
- `raid_detector_state`: the detector's JSON state and the last comment it read, so a restarted worker goes on.
- `alerts.raid_id`: an alert of kind "raid" names its raid (plain integer: SQLite cannot add a foreign key).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _at(name: str, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "raids",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("post", sa.String(200), nullable=True),
        sa.Column("target", sa.String(200), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        _at("started_at"),
        _at("last_at"),
        sa.Column("reasons", _json(), nullable=False),
        sa.Column("clusters", _json(), nullable=False),
        sa.Column("channels", _json(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        _at("created_at"),
        _at("updated_at"),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name="fk_raids_organisation_id_organisations"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_raids"),
        sa.UniqueConstraint("organisation_id", "key", name="uq_raids_organisation_id_key"),
    )
    op.create_index("ix_raids_org_status_last", "raids", ["organisation_id", "status", "last_at"])
    op.create_table(
        "raid_members",
        sa.Column("raid_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("comments", sa.Integer(), nullable=False),
        sa.Column("abusive", sa.Integer(), nullable=False),
        _at("first_at"),
        sa.Column("earlier_raids", _json(), nullable=False),
        sa.ForeignKeyConstraint(["raid_id"], ["raids.id"], name="fk_raid_members_raid_id_raids"),
        sa.ForeignKeyConstraint(["author_id"], ["authors.id"], name="fk_raid_members_author_id_authors"),
        sa.PrimaryKeyConstraint("raid_id", "author_id", name="pk_raid_members"),
    )
    op.create_index("ix_raid_members_author_id", "raid_members", ["author_id"])
    op.create_table(
        "raid_comments",
        sa.Column("raid_id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("abusive", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["raid_id"], ["raids.id"], name="fk_raid_comments_raid_id_raids"),
        sa.ForeignKeyConstraint(["comment_id"], ["comments.id"], name="fk_raid_comments_comment_id_comments"),
        sa.PrimaryKeyConstraint("raid_id", "comment_id", name="pk_raid_comments"),
    )
    op.create_index("ix_raid_comments_comment_id", "raid_comments", ["comment_id"])
    op.create_table(
        "raid_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("raid_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        _at("at"),
        sa.Column("detail", _json(), nullable=False),
        _at("undone_at", nullable=True),
        sa.Column("undone_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["raid_id"], ["raids.id"], name="fk_raid_actions_raid_id_raids"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_raid_actions_user_id_users"),
        sa.ForeignKeyConstraint(["undone_by"], ["users.id"], name="fk_raid_actions_undone_by_users"),
        sa.PrimaryKeyConstraint("id", name="pk_raid_actions"),
    )
    op.create_index("ix_raid_actions_raid_id", "raid_actions", ["raid_id"])
    op.create_table(
        "raid_detector_state",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("state", _json(), nullable=False),
        sa.Column("last_comment_id", sa.Integer(), nullable=False),
        _at("updated_at"),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name="fk_raid_detector_state_organisation_id_organisations"
        ),
        sa.PrimaryKeyConstraint("organisation_id", name="pk_raid_detector_state"),
    )
    op.add_column("alerts", sa.Column("raid_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.drop_column("raid_id")
    op.drop_table("raid_detector_state")
    op.drop_index("ix_raid_actions_raid_id", table_name="raid_actions")
    op.drop_table("raid_actions")
    op.drop_index("ix_raid_comments_comment_id", table_name="raid_comments")
    op.drop_table("raid_comments")
    op.drop_index("ix_raid_members_author_id", table_name="raid_members")
    op.drop_table("raid_members")
    op.drop_index("ix_raids_org_status_last", table_name="raids")
    op.drop_table("raids")
