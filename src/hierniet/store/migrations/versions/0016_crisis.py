"""The crisis desk (issue 15): crises, their posts, the cards that collapse them, and request-offer matches.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07

- `crises`: one crisis of an organisation, opened and closed by a lead, with its keywords and channels.
- `crisis_posts`: every post taken into a crisis (from a channel's stored comment or an imported file), with its
  canonical key (hierniet.crisis.normalize) and the card it was collapsed into; idempotent on (crisis, source,
  external id).
- `crisis_cards`: one card per cluster of posts saying the same thing, read once (kind, needs, places, contact).
- `crisis_matches`: a request card and an offer card suggested together, with the score and its reasons; a
  person confirms or rejects it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _at(name: str, nullable: bool = True) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "crises",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("keywords", _json(), nullable=False),
        sa.Column("channel_ids", _json(), nullable=False),
        sa.Column("settings", _json(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("opened_by", sa.Integer(), nullable=True),
        _at("opened_at", nullable=False),
        sa.Column("closed_by", sa.Integer(), nullable=True),
        _at("closed_at"),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name="fk_crises_organisation_id_organisations"
        ),
        sa.ForeignKeyConstraint(["opened_by"], ["users.id"], name="fk_crises_opened_by_users"),
        sa.ForeignKeyConstraint(["closed_by"], ["users.id"], name="fk_crises_closed_by_users"),
        sa.PrimaryKeyConstraint("id", name="pk_crises"),
        sa.UniqueConstraint("organisation_id", "name", name="uq_crises_organisation_id_name"),
    )
    op.create_table(
        "crisis_cards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("crisis_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        _at("first_seen"),
        _at("last_seen"),
        sa.Column("variants", _json(), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("kind_scores", _json(), nullable=False),
        sa.Column("needs", _json(), nullable=False),
        sa.Column("places", _json(), nullable=False),
        sa.Column("when", _json(), nullable=False),
        sa.Column("how_many", _json(), nullable=False),
        sa.Column("contact", _json(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("status_by", sa.Integer(), nullable=True),
        _at("status_at"),
        _at("created_at", nullable=False),
        sa.ForeignKeyConstraint(["crisis_id"], ["crises.id"], name="fk_crisis_cards_crisis_id_crises"),
        sa.ForeignKeyConstraint(["status_by"], ["users.id"], name="fk_crisis_cards_status_by_users"),
        sa.PrimaryKeyConstraint("id", name="pk_crisis_cards"),
    )
    op.create_index("ix_crisis_cards_crisis_kind", "crisis_cards", ["crisis_id", "kind", "status"])
    op.create_table(
        "crisis_posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("crisis_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("external_id", sa.String(200), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        _at("posted_at"),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("card_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("needs", _json(), nullable=False),
        sa.Column("places", _json(), nullable=False),
        sa.Column("contact", _json(), nullable=True),
        _at("received_at", nullable=False),
        sa.ForeignKeyConstraint(["crisis_id"], ["crises.id"], name="fk_crisis_posts_crisis_id_crises"),
        sa.ForeignKeyConstraint(["comment_id"], ["comments.id"], name="fk_crisis_posts_comment_id_comments"),
        sa.ForeignKeyConstraint(["card_id"], ["crisis_cards.id"], name="fk_crisis_posts_card_id_crisis_cards"),
        sa.PrimaryKeyConstraint("id", name="pk_crisis_posts"),
        sa.UniqueConstraint("crisis_id", "source", "external_id", name="uq_crisis_posts_crisis_id_source_external_id"),
    )
    op.create_index("ix_crisis_posts_card", "crisis_posts", ["card_id"])
    op.create_table(
        "crisis_matches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("crisis_id", sa.Integer(), nullable=False),
        sa.Column("request_card_id", sa.Integer(), nullable=False),
        sa.Column("offer_card_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reasons", _json(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        _at("decided_at"),
        _at("created_at", nullable=False),
        sa.ForeignKeyConstraint(["crisis_id"], ["crises.id"], name="fk_crisis_matches_crisis_id_crises"),
        sa.ForeignKeyConstraint(
            ["request_card_id"], ["crisis_cards.id"], name="fk_crisis_matches_request_card_id_crisis_cards"
        ),
        sa.ForeignKeyConstraint(
            ["offer_card_id"], ["crisis_cards.id"], name="fk_crisis_matches_offer_card_id_crisis_cards"
        ),
        sa.ForeignKeyConstraint(["decided_by"], ["users.id"], name="fk_crisis_matches_decided_by_users"),
        sa.PrimaryKeyConstraint("id", name="pk_crisis_matches"),
        sa.UniqueConstraint("request_card_id", "offer_card_id", name="uq_crisis_matches_request_card_id_offer_card_id"),
    )
    op.create_index("ix_crisis_matches_crisis_status", "crisis_matches", ["crisis_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_crisis_matches_crisis_status", table_name="crisis_matches")
    op.drop_table("crisis_matches")
    op.drop_index("ix_crisis_posts_card", table_name="crisis_posts")
    op.drop_table("crisis_posts")
    op.drop_index("ix_crisis_cards_crisis_kind", table_name="crisis_cards")
    op.drop_table("crisis_cards")
    op.drop_table("crises")
