"""When an author's account was made on the platform, where the platform says so (issue 14: raids).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07

- `authors.account_created_at`: the platform's account creation time (Mastodon's `account.created_at`, X's
  `created_at`, or an importer's `author_created_at`); NULL where the platform does not tell. A burst of
  comments from accounts made days before is a sign of a raid.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("authors", sa.Column("account_created_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("authors") as batch:
        batch.drop_column("account_created_at")
