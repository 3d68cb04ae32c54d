"""A person's e-mail address, so that alerts reach an organisation's leads (issue 13, item 5).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07

- `users.email`: where the person is told of an alert (a critical threat, self-harm, a raid) of their
  organisation, in their language (`users.locale`); NULL: they are not told by e-mail. At most 254
  characters (RFC 5321's limit for a path); validated by hierniet.services.admin, not by the database.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("users", sa.Column("email", sa.String(254), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("email")
