"""Desk sessions that end at sign-out, and a sign-in throttle shared by every process.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06

`users.session_epoch` is bumped at sign-out and when a password, role or switch changes; a session cookie
made under an older number no longer signs anyone in. `sign_in_attempts` counts recent attempts per
(name, address), both kept hashed, in the database, so several workers share the throttle and a restart
does not reset it.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sign_in_attempts",
        sa.Column("name_hash", sa.String(length=64), nullable=False),
        sa.Column("address_hash", sa.String(length=64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("name_hash", "address_hash", name=op.f("pk_sign_in_attempts")),
    )
    op.create_index(op.f("ix_sign_in_attempts_last_at"), "sign_in_attempts", ["last_at"], unique=False)
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("session_epoch", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_epoch")
    op.drop_index(op.f("ix_sign_in_attempts_last_at"), table_name="sign_in_attempts")
    op.drop_table("sign_in_attempts")
