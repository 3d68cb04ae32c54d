"""Full-text search of comments and authors (issue 12; hierniet.store.search says how each backend reads).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06

SQLite: two FTS5 tables over `comments.text` and `authors.name`/`external_id` (external content: the text
is stored once, in the table itself), kept in step by triggers on insert, update and delete, so every writer
(ingestion, edits, retention, erasure, a maintainer's SQL) keeps the index right. FTS5 has no stemmer for
Dutch, French or German: the comments' index uses the English Porter stemmer over `unicode61
remove_diacritics 2` (case and accents folded). SQLite drops a table's triggers when a batch migration copies
the table: a later migration that alters `comments` or `authors` in batch mode must call
`sqlite_triggers()` again.

PostgreSQL: a generated, stored `search_vector` tsvector on each table with a GIN index; the database keeps
it right on every write, a re-triage that changes the comment's language included.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from hierniet.store.search import pg_author_vector_sql, pg_comment_vector_sql

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQLITE_TABLES = (
    "CREATE VIRTUAL TABLE comments_fts USING fts5(text, content='comments', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE authors_fts USING fts5(name, external_id, content='authors', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
)


def sqlite_triggers() -> list[str]:
    """The triggers that keep the FTS5 tables in step (external content tables need the old values to delete)."""
    out = []
    for table, fts, columns, update_of in (
        ("comments", "comments_fts", ("text",), "text"),
        ("authors", "authors_fts", ("name", "external_id"), "name, external_id"),
    ):
        cols = ", ".join(columns)
        new = ", ".join(f"new.{c}" for c in columns)
        old = ", ".join(f"old.{c}" for c in columns)
        insert = f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new});"
        delete = f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old});"
        out += [
            f"DROP TRIGGER IF EXISTS {fts}_insert",
            f"DROP TRIGGER IF EXISTS {fts}_delete",
            f"DROP TRIGGER IF EXISTS {fts}_update",
            f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN {insert} END",
            f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN {delete} END",
            f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {update_of} ON {table} BEGIN {delete} {insert} END",
        ]
    return out


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in (*_SQLITE_TABLES, *sqlite_triggers()):
            op.execute(statement)
        # Index what is already stored.
        op.execute("INSERT INTO comments_fts(comments_fts) VALUES ('rebuild')")
        op.execute("INSERT INTO authors_fts(authors_fts) VALUES ('rebuild')")
    elif dialect == "postgresql":
        for table, vector in (("comments", pg_comment_vector_sql()), ("authors", pg_author_vector_sql())):
            op.execute(f"ALTER TABLE {table} ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({vector}) STORED")
        op.execute("CREATE INDEX ix_comments_search ON comments USING gin (search_vector)")
        op.execute("CREATE INDEX ix_authors_search ON authors USING gin (search_vector)")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for fts in ("comments_fts", "authors_fts"):
            for suffix in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
            op.execute(f"DROP TABLE IF EXISTS {fts}")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_comments_search")
        op.execute("DROP INDEX IF EXISTS ix_authors_search")
        op.execute("ALTER TABLE comments DROP COLUMN IF EXISTS search_vector")
        op.execute("ALTER TABLE authors DROP COLUMN IF EXISTS search_vector")
