"""Comments keyed by channel and external id instead of platform and external id.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06

An external id is only as trustworthy as the channel that sent it: keyed by platform, one organisation
sending an id first blocked (or, as an "edit", took over) another organisation's comment with that id.
Every stored comment keeps its row and id; the old key was stricter than the new one, so no existing data
can break it.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD = "uq_comments_platform_external_id"
_NEW = "uq_comments_channel_id_external_id"


def upgrade() -> None:
    # On SQLite batch mode copies the table (hierniet.store.migrate turns its foreign keys off meanwhile).
    with op.batch_alter_table("comments") as batch:
        batch.drop_constraint(_OLD, type_="unique")
        batch.create_unique_constraint(_NEW, ["channel_id", "external_id"])


def downgrade() -> None:
    clash = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT platform, external_id FROM comments GROUP BY platform, external_id HAVING COUNT(*) > 1 LIMIT 1"
            )
        )
        .first()
    )
    if clash is not None:
        raise RuntimeError(
            f"cannot go back to one comment per platform and id: {clash[0]}/{clash[1]} is stored on several "
            "channels; keep revision 0006 (or remove one of those comments first)"
        )
    with op.batch_alter_table("comments") as batch:
        batch.drop_constraint(_NEW, type_="unique")
        batch.create_unique_constraint(_OLD, ["platform", "external_id"])
