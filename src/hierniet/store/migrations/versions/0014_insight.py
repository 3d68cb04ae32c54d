"""The insight figures read from an index alone (issue 13's speed target): on PostgreSQL the index of a channel's
comments by time, `ix_comments_channel_posted` (channel_id, posted_at), also carries the columns the figures
group by or measure (status, severity, language, platform, step, decided_step, labels, received_at) as INCLUDE
columns.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07

Every figure of a period is a GROUP BY over one organisation's comments of that period. Read through the index
the rows are found, but each one is then fetched from the table, whose rows are wide (the text): at a month of
35,000 comments of a 1,000,000-comment store most of each query's time went to those fetches. With the columns
in the index the scans are index-only. The index keeps its name and key, so every query that used it still
does. SQLite has no INCLUDE: its index stays as it was (the step does nothing there).

The backlog (what waits now, by age) reads a partial index of the waiting comments only,
`ix_comments_waiting` (channel_id, received_at) WHERE status IN ('open', 'escalated'), on both backends:
without it the count of what waits read every comment of the organisation.

On PostgreSQL the index is rebuilt inside the migration's transaction, which holds off writes to `comments`
while it builds (seconds at 1,000,000 comments); see 0012 for building it by hand first.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INCLUDED = "status, severity, language, platform, step, decided_step, labels, received_at"


WAITING = "status IN ('open', 'escalated')"


def upgrade() -> None:
    op.execute(f"CREATE INDEX IF NOT EXISTS ix_comments_waiting ON comments (channel_id, received_at) WHERE {WAITING}")
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_comments_channel_posted")
    op.execute(f"CREATE INDEX ix_comments_channel_posted ON comments (channel_id, posted_at) INCLUDE ({INCLUDED})")
    # Index-only scans need the visibility map; fresh statistics let the planner choose them.
    op.execute("ANALYZE comments")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_comments_waiting")
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_comments_channel_posted")
    op.execute("CREATE INDEX ix_comments_channel_posted ON comments (channel_id, posted_at)")
