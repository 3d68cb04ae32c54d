"""The queue at a million comments (issue 16): counts kept by triggers, and two indexes in the queue's order.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07

* `comment_counts` (both backends; filled and kept only on PostgreSQL): comments counted per channel, status,
  step, language, severity and labels. Statement-level triggers on `comments` append one row per group a
  statement changed (+k for the new rows, -k for the old), read from the statement's transition tables, so
  a batch of 256 comments adds a handful of rows and no ingestion ever waits on a shared counter row. The
  counts are then a sum over a few thousand rows: GET /api/v1/counts on a 500,000-comment organisation read
  every one of them four times (seconds). The worker folds each group's rows into one now and then.
  An UPDATE that changes none of the counted columns (an edit's text, a redaction) adds nothing.
* `ix_comments_waiting_order` (severity DESC, posted_at, id) WHERE status IN ('open', 'escalated'): the
  default queue (what waits, most severe then oldest) read in order among the waiting comments only. The
  index of every comment in that order (0012) walked past every decided, automatic and clear comment (85 %
  of a store) before each page's waiting ones.
* `ix_comments_author_order` (author_id, severity DESC, posted_at, id): an author's comments (the author page,
  the queue filtered by author) in the queue's order, without walking the whole order for one author's rows.

The existing comments are counted once here (seconds at 1,000,000 comments, inside the migration's
transaction, which holds off writes to `comments` meanwhile).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_GROUP = "channel_id, status, step, language, severity, labels"
_COLUMNS = "channel_id, status, step, language, severity, labels::text"

_FUNCTION = f"""
CREATE OR REPLACE FUNCTION hierniet_comment_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO comment_counts ({_GROUP}, n)
    SELECT {_COLUMNS}, count(*) FROM new_rows GROUP BY 1, 2, 3, 4, 5, 6;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO comment_counts ({_GROUP}, n)
    SELECT {_COLUMNS}, -count(*) FROM old_rows GROUP BY 1, 2, 3, 4, 5, 6;
  ELSE
    INSERT INTO comment_counts ({_GROUP}, n)
    SELECT channel_id, status, step, language, severity, labels, sum(n) FROM (
      SELECT o.channel_id, o.status, o.step, o.language, o.severity, o.labels::text AS labels, -1 AS n
      FROM old_rows o JOIN new_rows w ON w.id = o.id
      WHERE (o.channel_id, o.status, o.step, o.language, o.severity, o.labels::text)
            IS DISTINCT FROM (w.channel_id, w.status, w.step, w.language, w.severity, w.labels::text)
      UNION ALL
      SELECT w.channel_id, w.status, w.step, w.language, w.severity, w.labels::text AS labels, 1 AS n
      FROM old_rows o JOIN new_rows w ON w.id = o.id
      WHERE (o.channel_id, o.status, o.step, o.language, o.severity, o.labels::text)
            IS DISTINCT FROM (w.channel_id, w.status, w.step, w.language, w.severity, w.labels::text)
    ) AS changed
    GROUP BY 1, 2, 3, 4, 5, 6
    HAVING sum(n) <> 0;
  END IF;
  RETURN NULL;
END
$$
"""

_TRIGGERS = (
    "CREATE TRIGGER comment_counts_insert AFTER INSERT ON comments REFERENCING NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION hierniet_comment_counts()",
    "CREATE TRIGGER comment_counts_update AFTER UPDATE ON comments REFERENCING OLD TABLE AS old_rows "
    "NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION hierniet_comment_counts()",
    "CREATE TRIGGER comment_counts_delete AFTER DELETE ON comments REFERENCING OLD TABLE AS old_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION hierniet_comment_counts()",
)


def upgrade() -> None:
    op.create_table(
        "comment_counts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("step", sa.String(16), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("severity", sa.Integer(), nullable=False),
        sa.Column("labels", sa.Text(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
    )
    op.create_index("ix_comment_counts_channel_status", "comment_counts", ["channel_id", "status"])
    op.execute(
        "CREATE INDEX ix_comments_waiting_order ON comments (severity DESC, posted_at, id) "
        "WHERE status IN ('open', 'escalated')"
    )
    op.execute("CREATE INDEX ix_comments_author_order ON comments (author_id, severity DESC, posted_at, id)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_FUNCTION)
        for trigger in _TRIGGERS:
            op.execute(trigger)
        op.execute(
            f"INSERT INTO comment_counts ({_GROUP}, n) SELECT {_COLUMNS}, count(*) FROM comments "
            "GROUP BY 1, 2, 3, 4, 5, 6"
        )
        op.execute("ANALYZE comment_counts")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in ("comment_counts_insert", "comment_counts_update", "comment_counts_delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON comments")
        op.execute("DROP FUNCTION IF EXISTS hierniet_comment_counts()")
    op.execute("DROP INDEX IF EXISTS ix_comments_author_order")
    op.execute("DROP INDEX IF EXISTS ix_comments_waiting_order")
    op.drop_index("ix_comment_counts_channel_status", table_name="comment_counts")
    op.drop_table("comment_counts")
