"""The insight figures of long periods from counts kept by triggers (issue 13: dashboard p95 <= 300 ms at
1,000,000 comments, every period it offers).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07

* `insight_counts` (both backends; filled and kept only on PostgreSQL, as `comment_counts` of 0018): the
  comments of each channel counted by what the dashboard groups them by:
  - kind 'h': per UTC hour of `posted_at` (`n` comments, `acting` of them with a severity above none), for the
    comments per day (the service folds hours into the desk's days);
  - kind 'b': per UTC day, platform, language and status;
  - kind 'o': per UTC day, labels (JSON text), status, a person's step and the recommended step;
  - kind 'k': per UTC day of the comment, the decisions on comments decided, open or escalated, by kind and
    reports (`decision`, `reports`);
  - kind 'a': per UTC day, the comments the policy handled alone (status auto) whose latest recommendation it
    applied on its own, by that recommendation's reports;
  - kind 'd': per UTC day, the decided comments by their delay from arrival to the first person's decision
    (`seconds`), so a period's median and 90th percentile stay exact.
  Statement-level triggers on `comments` append one row per group a statement changed (+k for the new rows,
  -k for the old), read from the statement's transition tables, so no ingestion waits on a shared counter
  row; triggers on `decisions` and `recommendations` (both appended to only, as far as these counts read
  them) lock the comments they are for and append what moved. The sum of `n` (and `acting`) over a group's
  rows is the count, exact at every commit, whatever wrote the comments (ingestion, import, re-triage,
  decisions, undo, erasure, a backfill of old comments). The worker folds each group's rows into one now and
  then (repo_insight.compact): only the groups of the rows appended since (`folded` false, found by a partial
  index), so a fold costs what was written, not the table.
  A period then reads its whole UTC days from here (a few rows per channel and day instead of every
  comment) and only its two ends, less than a day each, from the comments.
* The existing comments are counted once here (about 20 s at 1,000,000 comments on a loaded 2-core machine,
  inside the migration's transaction, which holds off writes to `comments` meanwhile).

SQLite (the embedded default) has the table but no triggers: its figures are read from the comments, which at
its scale is fast enough.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = "channel_id, kind, at, platform, language, status, labels, decided_step, step, n, acting"
_DEC_COLUMNS = "channel_id, kind, at, decision, reports, seconds, n, acting"
_DAY = "date_trunc('day', posted_at, 'UTC')"
#: What repo_insight spells PERSON_KINDS and WITH_DECISIONS: the decisions of a person that take a step, and
#: the statuses of the comments whose decisions the figures count.
_PERSON = "('accept', 'edit', 'override')"
_WITH = "('decided', 'open', 'escalated')"


def _rows(source: str) -> str:
    """The kinds 'h', 'b' and 'o' of `source` (comment rows with a `sign` column: +1 or -1), grouped."""
    return (
        f"SELECT channel_id, 'h', date_trunc('hour', posted_at, 'UTC'), NULL, NULL, NULL, NULL, NULL, NULL, "
        f"sum(sign), sum(CASE WHEN severity > 0 THEN sign ELSE 0 END) FROM {source} GROUP BY 1, 3 "
        "HAVING sum(sign) <> 0 OR sum(CASE WHEN severity > 0 THEN sign ELSE 0 END) <> 0 "
        f"UNION ALL SELECT channel_id, 'b', {_DAY}, platform, language, status, NULL, NULL, NULL, sum(sign), 0 "
        f"FROM {source} GROUP BY 1, 3, 4, 5, 6 HAVING sum(sign) <> 0 "
        f"UNION ALL SELECT channel_id, 'o', {_DAY}, NULL, NULL, status, labels::text, decided_step, step, "
        f"sum(sign), 0 FROM {source} GROUP BY 1, 3, 6, 7, 8, 9 HAVING sum(sign) <> 0"
    )


def _first(alias: str, but: str = "") -> str:
    """The moment of the first person's decision on the comment `alias` (NULL when none), leaving out the
    decisions of `but` (a table of new decisions) when given."""
    other = f" AND d.id NOT IN (SELECT id FROM {but})" if but else ""
    return f"(SELECT min(d.created_at) FROM decisions d WHERE d.comment_id = {alias}.id AND d.kind IN {_PERSON}{other})"


def _decided_rows(source: str) -> str:
    """The kinds 'k' and 'd' of `source` (comment rows with `sign`), read with the comments' decisions: 'k' every
    decision of a comment in one of the statuses _WITH by kind and reports; 'd' a decided comment's delay from
    arrival to the first person's decision, in seconds (the expression of repo_insight._seconds)."""
    return (
        f"SELECT c.channel_id, 'k', date_trunc('day', c.posted_at, 'UTC'), d.kind, d.reports::text, NULL::float8, "
        f"sum(c.sign), 0 FROM {source} JOIN decisions d ON d.comment_id = c.id WHERE c.status IN {_WITH} "
        "GROUP BY 1, 3, 4, 5 HAVING sum(c.sign) <> 0 "
        "UNION ALL SELECT channel_id, 'd', day, NULL, NULL, seconds, sum(sign), 0 FROM ("
        "SELECT c.channel_id, date_trunc('day', c.posted_at, 'UTC') AS day, "
        f"extract(epoch FROM {_first('c')} - c.received_at)::float8 AS seconds, c.sign "
        f"FROM {source} WHERE c.status = 'decided') AS delayed WHERE seconds IS NOT NULL "
        "GROUP BY 1, 3, 6 HAVING sum(sign) <> 0 "
        f"UNION ALL {_automatic(source)}"
    )


def _latest(alias: str, but: str = "") -> str:
    """The latest recommendation of the comment `alias` as a LATERAL table `r` (none when it has none), leaving
    out the recommendations of `but` (a table of new ones) when given."""
    other = f" AND r.id NOT IN (SELECT id FROM {but})" if but else ""
    return (
        "JOIN LATERAL (SELECT r.auto, r.reports FROM recommendations r "
        f"WHERE r.comment_id = {alias}.id{other} ORDER BY r.id DESC LIMIT 1) AS r ON true"
    )


def _automatic(source: str, but: str = "") -> str:
    """The kind 'a' of `source` (comment rows with `sign`): the comments the policy handled alone (status auto)
    whose latest recommendation it applied on its own (auto), by that recommendation's reports."""
    return (
        f"SELECT c.channel_id, 'a', date_trunc('day', c.posted_at, 'UTC'), NULL, r.reports::text, NULL::float8, "
        f"sum(c.sign), 0 FROM {source} {_latest('c', but)} WHERE c.status = 'auto' AND r.auto "
        "GROUP BY 1, 3, 5 HAVING sum(c.sign) <> 0"
    )


_O_COUNTED = (
    "o.channel_id, o.posted_at, o.platform, o.language, o.status, o.labels::text, o.decided_step, o.step, "
    "o.severity > 0"
)
_W_COUNTED = _O_COUNTED.replace("o.", "w.")
#: The columns the kinds 'k' and 'd' read: the others change neither.
_O_DECIDED = "o.channel_id, o.posted_at, o.received_at, o.status"
_W_DECIDED = _O_DECIDED.replace("o.", "w.")
_READ = "channel_id, posted_at, platform, language, status, labels, decided_step, step, severity"
_READ_DECIDED = "id, channel_id, posted_at, received_at, status"


def _pairs(alias: str, read: str, changed: str) -> str:
    """The old (-1) and new (+1) rows of the comments an UPDATE changed in `changed`, as a table `alias`."""
    old = ", ".join(f"o.{c}" for c in read.split(", "))
    new = ", ".join(f"w.{c}" for c in read.split(", "))
    return (
        f"(SELECT {old}, -1 AS sign FROM old_rows o JOIN new_rows w ON w.id = o.id WHERE {changed} "
        f"UNION ALL SELECT {new}, 1 AS sign FROM old_rows o JOIN new_rows w ON w.id = o.id WHERE {changed}) AS {alias}"
    )


_FUNCTION = f"""
CREATE OR REPLACE FUNCTION hierniet_insight_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    -- A new comment has no decisions yet: only the kinds 'h', 'b' and 'o'.
    INSERT INTO insight_counts ({_COLUMNS})
    {_rows(f"(SELECT {_READ}, 1 AS sign FROM new_rows) AS d")};
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO insight_counts ({_COLUMNS})
    {_rows(f"(SELECT {_READ}, -1 AS sign FROM old_rows) AS d")};
    INSERT INTO insight_counts ({_DEC_COLUMNS})
    {_decided_rows(f"(SELECT {_READ_DECIDED}, -1 AS sign FROM old_rows) AS c")};
  ELSE
    INSERT INTO insight_counts ({_COLUMNS})
    {_rows(_pairs("d", _READ, f"({_O_COUNTED}) IS DISTINCT FROM ({_W_COUNTED})"))};
    INSERT INTO insight_counts ({_DEC_COLUMNS})
    {_decided_rows(_pairs("c", _READ_DECIDED, f"({_O_DECIDED}) IS DISTINCT FROM ({_W_DECIDED})"))};
  END IF;
  RETURN NULL;
END
$$
"""

#: A person's decisions added: counted by kind and reports where the comment's status counts them, and the
#: comment's delay moved where its first person's decision changed. The comments are locked first (in the order
#: of their ids, as an UPDATE of them would), so a concurrent change of a comment's status waits for this
#: transaction or this one for it: the status read here is the one the comments' trigger counts from next.
_DECISIONS_FUNCTION = f"""
CREATE OR REPLACE FUNCTION hierniet_insight_decisions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM comments WHERE id IN (SELECT comment_id FROM new_rows) ORDER BY id FOR UPDATE;
  INSERT INTO insight_counts ({_DEC_COLUMNS})
  SELECT c.channel_id, 'k', date_trunc('day', c.posted_at, 'UTC'), d.kind, d.reports::text, NULL::float8, count(*), 0
  FROM new_rows d JOIN comments c ON c.id = d.comment_id WHERE c.status IN {_WITH}
  GROUP BY 1, 3, 4, 5
  UNION ALL
  SELECT channel_id, 'd', day, NULL, NULL, seconds, sum(sign), 0 FROM (
    SELECT c.channel_id, date_trunc('day', c.posted_at, 'UTC') AS day,
           extract(epoch FROM {_first("c", "new_rows")} - c.received_at)::float8 AS seconds, -1 AS sign
    FROM comments c WHERE c.id IN (SELECT comment_id FROM new_rows) AND c.status = 'decided'
    UNION ALL
    SELECT c.channel_id, date_trunc('day', c.posted_at, 'UTC'),
           extract(epoch FROM {_first("c")} - c.received_at)::float8, 1
    FROM comments c WHERE c.id IN (SELECT comment_id FROM new_rows) AND c.status = 'decided'
  ) AS moved WHERE seconds IS NOT NULL
  GROUP BY 1, 3, 6 HAVING sum(sign) <> 0;
  RETURN NULL;
END
$$
"""

#: A recommendation added (ingestion, re-triage): a comment the policy handled alone is counted under its new
#: latest recommendation instead of the one before. The comments are locked first, as for decisions.
_RECOMMENDATIONS_FUNCTION = f"""
CREATE OR REPLACE FUNCTION hierniet_insight_recommendations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM comments WHERE id IN (SELECT comment_id FROM new_rows) ORDER BY id FOR UPDATE;
  INSERT INTO insight_counts ({_DEC_COLUMNS})
  SELECT channel_id, 'a', day, NULL, reports, NULL::float8, sum(sign), 0 FROM (
    SELECT c.channel_id, date_trunc('day', c.posted_at, 'UTC') AS day, r.reports::text AS reports, -1 AS sign
    FROM comments c {_latest("c", "new_rows")}
    WHERE c.id IN (SELECT comment_id FROM new_rows) AND c.status = 'auto' AND r.auto
    UNION ALL
    SELECT c.channel_id, date_trunc('day', c.posted_at, 'UTC'), r.reports::text, 1
    FROM comments c {_latest("c")}
    WHERE c.id IN (SELECT comment_id FROM new_rows) AND c.status = 'auto' AND r.auto
  ) AS moved
  GROUP BY 1, 3, 5 HAVING sum(sign) <> 0;
  RETURN NULL;
END
$$
"""

_TRIGGERS = (
    "CREATE TRIGGER insight_counts_insert AFTER INSERT ON comments REFERENCING NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION hierniet_insight_counts()",
    "CREATE TRIGGER insight_counts_update AFTER UPDATE ON comments REFERENCING OLD TABLE AS old_rows "
    "NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION hierniet_insight_counts()",
    "CREATE TRIGGER insight_counts_delete AFTER DELETE ON comments REFERENCING OLD TABLE AS old_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION hierniet_insight_counts()",
    # Decisions are append-only (0001, 0008: only a redaction of their words may change a row): inserts only.
    "CREATE TRIGGER insight_counts_decisions AFTER INSERT ON decisions REFERENCING NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION hierniet_insight_decisions()",
    # Recommendations are only appended (a redaction rewrites their reasons, which no count reads): inserts only.
    "CREATE TRIGGER insight_counts_recommendations AFTER INSERT ON recommendations REFERENCING NEW TABLE AS "
    "new_rows FOR EACH STATEMENT EXECUTE FUNCTION hierniet_insight_recommendations()",
)


def count_all() -> str:
    """Every comment counted from scratch (the migration's first count, and repo_insight.recount's)."""
    every = _rows(f"(SELECT {_READ}, 1 AS sign FROM comments) AS d")
    decided = _decided_rows(f"(SELECT {_READ_DECIDED}, 1 AS sign FROM comments) AS c")
    return (
        f"INSERT INTO insight_counts ({_COLUMNS}, folded) SELECT *, true FROM ({every}) AS counted; "
        f"INSERT INTO insight_counts ({_DEC_COLUMNS}, folded) SELECT *, true FROM ({decided}) AS counted"
    )


def upgrade() -> None:
    op.create_table(
        "insight_counts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(1), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("platform", sa.String(20), nullable=True),
        sa.Column("language", sa.String(8), nullable=True),
        sa.Column("status", sa.String(16), nullable=True),
        sa.Column("labels", sa.Text(), nullable=True),
        sa.Column("decided_step", sa.String(16), nullable=True),
        sa.Column("step", sa.String(16), nullable=True),
        sa.Column("decision", sa.String(16), nullable=True),
        sa.Column("reports", sa.Text(), nullable=True),
        sa.Column("seconds", sa.Float(), nullable=True),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("acting", sa.Integer(), nullable=False),
        sa.Column("folded", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_insight_counts_kind_channel_at", "insight_counts", ["kind", "channel_id", "at"])
    op.execute("CREATE INDEX ix_insight_counts_appended ON insight_counts (kind, channel_id, at) WHERE NOT folded")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_FUNCTION)
        op.execute(_DECISIONS_FUNCTION)
        op.execute(_RECOMMENDATIONS_FUNCTION)
        for trigger in _TRIGGERS:
            op.execute(trigger)
        for statement in count_all().split("; "):
            op.execute(statement)
        op.execute("ANALYZE insight_counts")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in ("insight_counts_insert", "insight_counts_update", "insight_counts_delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON comments")
        op.execute("DROP TRIGGER IF EXISTS insight_counts_decisions ON decisions")
        op.execute("DROP TRIGGER IF EXISTS insight_counts_recommendations ON recommendations")
        op.execute("DROP FUNCTION IF EXISTS hierniet_insight_counts()")
        op.execute("DROP FUNCTION IF EXISTS hierniet_insight_decisions()")
        op.execute("DROP FUNCTION IF EXISTS hierniet_insight_recommendations()")
    op.execute("DROP INDEX IF EXISTS ix_insight_counts_appended")
    op.drop_index("ix_insight_counts_kind_channel_at", table_name="insight_counts")
    op.drop_table("insight_counts")
