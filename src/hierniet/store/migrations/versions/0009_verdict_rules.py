"""Verdicts record which named rules fired and which held a label back (triage v2).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06

Older verdicts get empty lists: they were made before rules had names, and history is never rewritten.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("verdicts") as batch:
        batch.add_column(sa.Column("rules_fired", _json(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("suppressed_by", _json(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("verdicts") as batch:
        batch.drop_column("suppressed_by")
        batch.drop_column("rules_fired")
