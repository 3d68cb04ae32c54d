"""Re-triage runs and their progress, so that a re-triage of millions of comments resumes after a crash (issue 16).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07

- `retriage_runs`: one row per `hierniet retriage` run: its filters (and a key of them, so that a new run with
  the same filters finds the unfinished one), engine, batch size, how many comments it planned, and when it
  started and finished.
- `retriage_partitions`: the run's comment id ranges. `done_upto` is the last comment id re-triaged in the
  range; it moves forward in the same transaction that writes a batch's verdicts, so a batch is either written
  and counted or neither (a run killed in the middle resumes after the last committed batch, and no comment
  gets two verdict versions from one run).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "retriage_runs",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("filters", _JSON, nullable=False),
        sa.Column("filters_key", sa.String(64), nullable=False),
        sa.Column("engine", sa.String(16), nullable=False),
        sa.Column("batch_size", sa.Integer(), nullable=False),
        sa.Column("planned", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_retriage_runs_filters_key", "retriage_runs", ["filters_key", "started_at"])
    op.create_table(
        "retriage_partitions",
        sa.Column("run_id", sa.String(40), sa.ForeignKey("retriage_runs.id"), primary_key=True),
        sa.Column("lo", sa.Integer(), primary_key=True),
        sa.Column("hi", sa.Integer(), nullable=False),
        sa.Column("done_upto", sa.Integer(), nullable=False),
        sa.Column("finished", sa.Boolean(), nullable=False),
        sa.Column("batches", sa.Integer(), nullable=False),
        sa.Column("retriaged", sa.Integer(), nullable=False),
        sa.Column("changed", sa.Integer(), nullable=False),
        sa.Column("held", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("retriage_partitions")
    op.drop_index("ix_retriage_runs_filters_key", table_name="retriage_runs")
    op.drop_table("retriage_runs")
