"""Platform connectors and the action outbox: credentials, cursors, quotas, replay guard, leases (issue 6).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("channels") as batch:
        # Fernet ciphertext of the channel's secrets (hierniet.services.credentials); never the plain text.
        batch.add_column(sa.Column("credentials_ciphertext", sa.Text(), nullable=True))
        # The last four characters of each secret, for the masked display, by secret name.
        batch.add_column(sa.Column("credentials_hint", _json(), nullable=False, server_default=sa.text("'{}'")))
        batch.add_column(sa.Column("connector_config", _json(), nullable=False, server_default=sa.text("'{}'")))
        batch.add_column(sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()))

    with op.batch_alter_table("queued_actions") as batch:
        batch.add_column(sa.Column("idempotency_key", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("claimed_by", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("outcome", sa.Text(), nullable=True))
        batch.add_column(sa.Column("platform_ref", sa.String(length=200), nullable=True))
        batch.create_unique_constraint(op.f("uq_queued_actions_idempotency_key"), ["idempotency_key"])
        batch.create_index("ix_queued_actions_lease", ["status", "lease_until"])

    op.create_table(
        "connector_cursors",
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("cursor", sa.Text(), nullable=True),
        sa.Column("polled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["channel_id"], ["channels.id"], name=op.f("fk_connector_cursors_channel_id_channels")
        ),
        sa.PrimaryKeyConstraint("channel_id", name=op.f("pk_connector_cursors")),
    )
    op.create_table(
        "quota_usage",
        sa.Column("quota_key", sa.String(length=200), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("quota_key", "day", name=op.f("pk_quota_usage")),
    )
    op.create_table(
        "webhook_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("event_key", sa.String(length=200), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["channel_id"], ["channels.id"], name=op.f("fk_webhook_events_channel_id_channels")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_events")),
        sa.UniqueConstraint("channel_id", "event_key", name=op.f("uq_webhook_events_channel_id_event_key")),
    )
    op.create_index(op.f("ix_webhook_events_received_at"), "webhook_events", ["received_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_webhook_events_received_at"), table_name="webhook_events")
    op.drop_table("webhook_events")
    op.drop_table("quota_usage")
    op.drop_table("connector_cursors")
    with op.batch_alter_table("queued_actions") as batch:
        batch.drop_index("ix_queued_actions_lease")
        batch.drop_constraint(op.f("uq_queued_actions_idempotency_key"), type_="unique")
        for name in (
            "platform_ref",
            "outcome",
            "finished_at",
            "sent_at",
            "lease_until",
            "claimed_at",
            "claimed_by",
            "idempotency_key",
        ):
            batch.drop_column(name)
    with op.batch_alter_table("channels") as batch:
        for name in ("active", "connector_config", "credentials_hint", "credentials_ciphertext"):
            batch.drop_column(name)
