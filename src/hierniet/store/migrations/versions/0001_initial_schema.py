"""The desk's first schema: organisations, channels, authors, comments, verdicts, recommendations,
decisions, queued actions, users, API tokens and the audit log; decisions and the audit log append-only.

Revision ID: 0001
Revises:
Create Date: 2026-11-23

The column types are spelt out here rather than imported from hierniet.store.tables: a migration must
keep describing the schema of its day when the ORM classes move on.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Tables that refuse UPDATE and DELETE (a person's decision and the audit trail are never edited).
APPEND_ONLY = ("decisions", "audit_log")


def _when() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _append_only_triggers() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(
            """
            CREATE OR REPLACE FUNCTION hierniet_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '% is append-only: add a new row instead of changing or deleting one',
                    TG_TABLE_NAME;
            END
            $$ LANGUAGE plpgsql
            """
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION hierniet_append_only()"
            )
    elif dialect == "sqlite":
        for table in APPEND_ONLY:
            for event in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} BEGIN "
                    f"SELECT RAISE(ABORT, '{table} is append-only: add a new row instead of changing "
                    "or deleting one'); END"
                )


def _drop_append_only_triggers() -> None:
    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY:
        if dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        elif dialect == "sqlite":
            for event in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{event}")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS hierniet_append_only()")


def upgrade() -> None:
    op.create_table(
        "authors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("in_belgium", sa.Boolean(), nullable=True),
        sa.Column("created_at", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authors")),
        sa.UniqueConstraint("platform", "external_id", name=op.f("uq_authors_platform_external_id")),
    )
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("policy_yaml", sa.Text(), nullable=True),
        sa.Column("created_at", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
        sa.UniqueConstraint("slug", name=op.f("uq_organisations_slug")),
    )
    op.create_table(
        "channels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("policy_yaml", sa.Text(), nullable=True),
        sa.Column("credentials_ref", sa.String(length=200), nullable=True),
        sa.Column("created_at", _when(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_channels_organisation_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channels")),
        sa.UniqueConstraint("platform", "external_id", name=op.f("uq_channels_platform_external_id")),
    )
    op.create_index(op.f("ix_channels_organisation_id"), "channels", ["organisation_id"])

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_users_organisation_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("name", name=op.f("uq_users_name")),
    )
    op.create_index(op.f("ix_users_organisation_id"), "users", ["organisation_id"])

    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.Column("revoked_at", _when(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_index(op.f("ix_api_tokens_user_id"), "api_tokens", ["user_id"])

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", _when(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("subject_type", sa.String(length=32), nullable=False),
        sa.Column("subject_id", sa.String(length=64), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("detail", _json(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_audit_log_organisation_id_organisations")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_audit_log_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_action"), "audit_log", ["action"])
    op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"])
    op.create_index("ix_audit_log_org_at", "audit_log", ["organisation_id", "at"])

    op.create_table(
        "comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column("thread_external_id", sa.String(length=200), nullable=True),
        sa.Column("parent_external_id", sa.String(length=200), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language_hint", sa.String(length=8), nullable=True),
        sa.Column("posted_at", _when(), nullable=False),
        sa.Column("received_at", _when(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("verdict_version", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("severity", sa.Integer(), nullable=False),
        sa.Column("labels", _json(), nullable=False),
        sa.Column("step", sa.String(length=16), nullable=False),
        sa.Column("auto", sa.Boolean(), nullable=False),
        sa.Column("alert_lead", sa.Boolean(), nullable=False),
        sa.Column("decided_step", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(["author_id"], ["authors.id"], name=op.f("fk_comments_author_id_authors")),
        sa.ForeignKeyConstraint(["channel_id"], ["channels.id"], name=op.f("fk_comments_channel_id_channels")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comments")),
        sa.UniqueConstraint("platform", "external_id", name=op.f("uq_comments_platform_external_id")),
    )
    op.create_index("ix_comments_author_posted", "comments", ["author_id", "posted_at"])
    op.create_index("ix_comments_channel_posted", "comments", ["channel_id", "posted_at"])
    op.create_index("ix_comments_queue", "comments", ["status", "severity", "posted_at"])

    op.create_table(
        "verdicts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("language_confidence", sa.Float(), nullable=False),
        sa.Column("labels", _json(), nullable=False),
        sa.Column("scores", _json(), nullable=False),
        sa.Column("severity", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=32), nullable=True),
        sa.Column("evidence", _json(), nullable=False),
        sa.Column("pii", _json(), nullable=False),
        sa.Column("model_version", sa.String(length=200), nullable=False),
        sa.Column("reasons", _json(), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.ForeignKeyConstraint(["comment_id"], ["comments.id"], name=op.f("fk_verdicts_comment_id_comments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verdicts")),
        sa.UniqueConstraint("comment_id", "version", name=op.f("uq_verdicts_comment_id_version")),
    )
    op.create_table(
        "recommendations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("verdict_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=16), nullable=False),
        sa.Column("reports", _json(), nullable=False),
        sa.Column("auto", sa.Boolean(), nullable=False),
        sa.Column("reply", sa.Text(), nullable=False),
        sa.Column("reasons", _json(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("alert_lead", sa.Boolean(), nullable=False),
        sa.Column("policy_version", sa.String(length=200), nullable=False),
        sa.Column("label", sa.String(length=20), nullable=True),
        sa.Column("actions", _json(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.ForeignKeyConstraint(["comment_id"], ["comments.id"], name=op.f("fk_recommendations_comment_id_comments")),
        sa.ForeignKeyConstraint(["verdict_id"], ["verdicts.id"], name=op.f("fk_recommendations_verdict_id_verdicts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recommendations")),
    )
    op.create_index(op.f("ix_recommendations_comment_id"), "recommendations", ["comment_id"])

    op.create_table(
        "verdict_labels",
        sa.Column("verdict_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=20), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["verdict_id"], ["verdicts.id"], name=op.f("fk_verdict_labels_verdict_id_verdicts")),
        sa.PrimaryKeyConstraint("verdict_id", "label", name=op.f("pk_verdict_labels")),
    )
    op.create_index("ix_verdict_labels_label_verdict", "verdict_labels", ["label", "verdict_id"])

    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("recommendation_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("step", sa.String(length=16), nullable=False),
        sa.Column("reply", sa.Text(), nullable=False),
        sa.Column("reports", _json(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["authors.id"], name=op.f("fk_decisions_author_id_authors")),
        sa.ForeignKeyConstraint(["comment_id"], ["comments.id"], name=op.f("fk_decisions_comment_id_comments")),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_decisions_organisation_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["recommendation_id"], ["recommendations.id"], name=op.f("fk_decisions_recommendation_id_recommendations")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_decisions_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
    )
    op.create_index("ix_decisions_author_org", "decisions", ["author_id", "organisation_id"])
    op.create_index(op.f("ix_decisions_comment_id"), "decisions", ["comment_id"])

    op.create_table(
        "queued_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("recommendation_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("payload", _json(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("not_before", _when(), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.Column("updated_at", _when(), nullable=False),
        sa.ForeignKeyConstraint(["channel_id"], ["channels.id"], name=op.f("fk_queued_actions_channel_id_channels")),
        sa.ForeignKeyConstraint(["comment_id"], ["comments.id"], name=op.f("fk_queued_actions_comment_id_comments")),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decisions.id"], name=op.f("fk_queued_actions_decision_id_decisions")
        ),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendations.id"],
            name=op.f("fk_queued_actions_recommendation_id_recommendations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_queued_actions")),
    )
    op.create_index(op.f("ix_queued_actions_comment_id"), "queued_actions", ["comment_id"])
    op.create_index("ix_queued_actions_status_due", "queued_actions", ["status", "not_before"])

    _append_only_triggers()


def downgrade() -> None:
    _drop_append_only_triggers()
    op.drop_index("ix_queued_actions_status_due", table_name="queued_actions")
    op.drop_index(op.f("ix_queued_actions_comment_id"), table_name="queued_actions")

    op.drop_table("queued_actions")
    op.drop_index(op.f("ix_decisions_comment_id"), table_name="decisions")
    op.drop_index("ix_decisions_author_org", table_name="decisions")

    op.drop_table("decisions")
    op.drop_index("ix_verdict_labels_label_verdict", table_name="verdict_labels")

    op.drop_table("verdict_labels")
    op.drop_index(op.f("ix_recommendations_comment_id"), table_name="recommendations")

    op.drop_table("recommendations")
    op.drop_table("verdicts")
    op.drop_index("ix_comments_queue", table_name="comments")
    op.drop_index("ix_comments_channel_posted", table_name="comments")
    op.drop_index("ix_comments_author_posted", table_name="comments")

    op.drop_table("comments")
    op.drop_index("ix_audit_log_org_at", table_name="audit_log")
    op.drop_index(op.f("ix_audit_log_at"), table_name="audit_log")
    op.drop_index(op.f("ix_audit_log_action"), table_name="audit_log")

    op.drop_table("audit_log")
    op.drop_index(op.f("ix_api_tokens_user_id"), table_name="api_tokens")

    op.drop_table("api_tokens")
    op.drop_index(op.f("ix_users_organisation_id"), table_name="users")

    op.drop_table("users")
    op.drop_index(op.f("ix_channels_organisation_id"), table_name="channels")

    op.drop_table("channels")
    op.drop_table("organisations")
    op.drop_table("authors")
