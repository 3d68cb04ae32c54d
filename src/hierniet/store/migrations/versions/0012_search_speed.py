"""The queue read in order (issue 12's speed target): two indexes on comments for the queue's orders.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07

Without them every page of the queue, with or without a search, read every comment matching its filters
(a third of a large organisation's comments for the default page) and sorted them to return 25. With an
index in each order the page is read in order and the scan stops once the page is full:

- `ix_comments_severity_order` (severity DESC, posted_at, id): the default order, most severe then oldest;
- `ix_comments_posted_id` (posted_at, id): oldest first, and newest first read backwards.

On PostgreSQL the indexes are built inside the migration's transaction (hierniet.store.migrate runs every
revision in one), which holds off writes to `comments` while they build: a few seconds at 1,000,000 comments.
`CREATE INDEX CONCURRENTLY` cannot run in a transaction; a maintainer who cannot stop ingestion for that long
creates them concurrently by hand first (same names and columns): `IF NOT EXISTS` then leaves them alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEXES = (
    ("ix_comments_severity_order", "severity DESC, posted_at, id"),
    ("ix_comments_posted_id", "posted_at, id"),
)


def upgrade() -> None:
    for name, columns in _INDEXES:
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON comments ({columns})")
    if op.get_bind().dialect.name == "postgresql":
        # Fresh statistics, so the planner weighs the new orders against sorting the matches at once.
        op.execute("ANALYZE comments")


def downgrade() -> None:
    for name, _columns in _INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
