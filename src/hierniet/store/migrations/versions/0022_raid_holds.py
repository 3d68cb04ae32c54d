"""A raid's hold on new comments on its post (issue 14): where it is held, and the comments it held.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07

- `raid_holds`: one row per channel a "hold" move held, with its mode (`each`: every new comment held on its
  own, YouTube; `platform`: one platform call, Bluesky and Mastodon; `by_hand`: a to-do) and when it was lifted.
- `raid_held_comments`: the new comments a hold of mode `each` held, each with the outbox call that holds it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _at(name: str, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "raid_holds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("raid_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("post", sa.String(200), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        _at("started_at"),
        _at("lifted_at", nullable=True),
        sa.Column("lifted_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["raid_id"], ["raids.id"], name="fk_raid_holds_raid_id_raids"),
        sa.ForeignKeyConstraint(["action_id"], ["raid_actions.id"], name="fk_raid_holds_action_id_raid_actions"),
        sa.ForeignKeyConstraint(["channel_id"], ["channels.id"], name="fk_raid_holds_channel_id_channels"),
        sa.ForeignKeyConstraint(["lifted_by"], ["users.id"], name="fk_raid_holds_lifted_by_users"),
        sa.PrimaryKeyConstraint("id", name="pk_raid_holds"),
    )
    op.create_index("ix_raid_holds_raid_id", "raid_holds", ["raid_id"])
    op.create_index("ix_raid_holds_action_id", "raid_holds", ["action_id"])
    op.create_index("ix_raid_holds_channel_post", "raid_holds", ["channel_id", "post"])
    op.create_table(
        "raid_held_comments",
        sa.Column("hold_id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("queued_action_id", sa.Integer(), nullable=False),
        _at("held_at"),
        sa.ForeignKeyConstraint(["hold_id"], ["raid_holds.id"], name="fk_raid_held_comments_hold_id_raid_holds"),
        sa.ForeignKeyConstraint(["comment_id"], ["comments.id"], name="fk_raid_held_comments_comment_id_comments"),
        sa.ForeignKeyConstraint(
            ["queued_action_id"],
            ["queued_actions.id"],
            name="fk_raid_held_comments_queued_action_id_queued_actions",
        ),
        sa.PrimaryKeyConstraint("hold_id", "comment_id", name="pk_raid_held_comments"),
    )
    op.create_index("ix_raid_held_comments_comment_id", "raid_held_comments", ["comment_id"])


def downgrade() -> None:
    op.drop_index("ix_raid_held_comments_comment_id", table_name="raid_held_comments")
    op.drop_table("raid_held_comments")
    op.drop_index("ix_raid_holds_channel_post", table_name="raid_holds")
    op.drop_index("ix_raid_holds_action_id", table_name="raid_holds")
    op.drop_index("ix_raid_holds_raid_id", table_name="raid_holds")
    op.drop_table("raid_holds")
