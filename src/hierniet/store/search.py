"""Full-text search of comments and authors on both backends (issue 12; migration 0010).

SQLite: FTS5 tables kept in step with `comments` and `authors` by triggers; the tokenizer folds case and
removes diacritics (`unicode61 remove_diacritics 2`), and the comments' index adds the English Porter
stemmer, the only stemmer FTS5 ships: it also folds many French and Dutch plurals (racistes -> racist) but
does nothing proper for Dutch, French or German. A trailing `*` on a word asks for every word it begins.

PostgreSQL: a generated `search_vector` column (tsvector) with a GIN index. The text is folded in SQL by
`fold_sql()` (lower case, accents removed through translate(), so no `unaccent` extension is needed: an
extension lives once per database, in one schema, which the per-schema test fixtures and hosted databases
make fragile) and indexed twice: with the `simple` configuration (every word as written, folded) and with
the Snowball configuration of the comment's language (dutch, french, german, english) where it is known.
A word of the query matches its folded form or its stem in any of the four languages, so "racisten"
finds "racist", and a French query word finds the French stem whatever the desk's page language.

Both: every word of the query must match (AND); a comment also matches when its author's name or handle
matches every word (each word as a prefix there: "jan pee" finds Jan Peeters). Results keep the queue's
own order and filters, so search pages like the queue does.

The words of a query are read the same way on both backends by `terms()`: folded like the index (lower
case, accents removed; ß, æ and œ stay as they are, as FTS5 keeps them), split on anything that is not a
letter or digit.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, String, bindparam
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import Boolean

#: Most words a query may hold, and the longest word: beyond that a query is not something typed by a person.
MAX_TERMS = 8
MAX_TERM_CHARS = 64
MAX_QUERY_CHARS = 200

#: The PostgreSQL text-search configurations per comment language (the Snowball stemmers PostgreSQL ships).
PG_CONFIGS: dict[str, str] = {"nl": "dutch", "fr": "french", "de": "german", "en": "english"}

#: The names the search adds to the schema outside the ORM (Alembic's comparison leaves them alone).
SQLITE_TABLES = ("comments_fts", "authors_fts")
PG_COLUMN = "search_vector"
PG_INDEXES = ("ix_comments_search", "ix_authors_search")

_WORD = re.compile(r"[^\W_]+(\*?)")


@dataclass(frozen=True, slots=True)
class Term:
    word: str
    prefix: bool  # the query asked for every word that begins so (a trailing *)


def fold(text: str) -> str:
    """Lower case without accents, as both backends' indexes hold words (ß, æ, œ kept, as FTS5 keeps them)."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def terms(query: str) -> list[Term]:
    """The words of a search query, folded; at most MAX_TERMS (the caller checks the query's length)."""
    out: list[Term] = []
    for match in _WORD.finditer(fold(query)):
        word = match.group(0).rstrip("*")[:MAX_TERM_CHARS]
        out.append(Term(word, prefix=bool(match.group(1))))
    return out


@cache
def _fold_map() -> tuple[str, str]:
    """translate()'s two strings: each accented Latin letter (upper and lower case) and its bare letter."""
    source, target = [], []
    for code in range(0xC0, 0x250):
        char = chr(code)
        decomposed = unicodedata.normalize("NFD", char)
        base = decomposed[0]
        if (
            len(decomposed) > 1
            and base.isascii()
            and base.isalpha()
            and all(unicodedata.combining(c) for c in decomposed[1:])
        ):
            source.append(char)
            target.append(base.lower())
    return "".join(source), "".join(target)


def fold_sql(expression: str) -> str:
    """SQL (PostgreSQL) folding `expression` as `fold()` does, with immutable built-ins only.

    Only accented Latin letters (U+00C0 to U+024F) are mapped; `fold()` also strips the accents of other
    scripts (Greek tonos), which PostgreSQL then keeps. Migration 0010 writes this expression into the
    generated columns: changing it needs a migration that rewrites them."""
    source, target = _fold_map()
    return f"translate(lower({expression}), '{source}', '{target}')"


def pg_comment_vector_sql() -> str:
    """The generated column of comments: the folded words, and their stems in the comment's language."""
    folded = fold_sql("text")
    cases = " ".join(f"WHEN '{lang}' THEN '{config}'::regconfig" for lang, config in PG_CONFIGS.items())
    return (
        f"to_tsvector('simple'::regconfig, {folded}) || "
        f"to_tsvector(CASE language {cases} ELSE 'simple'::regconfig END, {folded})"
    )


def pg_author_vector_sql() -> str:
    """The generated column of authors: their name and handle, the handle's punctuation read as spaces."""
    handle = "translate(external_id, '@._-:/', '      ')"
    name = fold_sql("coalesce(name, '')")
    return f"to_tsvector('simple'::regconfig, {name} || ' ' || {fold_sql(handle)})"


# --- the match expressions, compiled per backend ---------------------------------------------------------
#
# Each expression holds its values as bound parameters (children SQLAlchemy's statement cache extracts), so a
# statement with a search is compiled once per shape (number of words) and reused with new words: compiling
# costs more than the search itself. Both backends' parameters are made; each backend renders its own.


def _fts5(words: Sequence[Term], *, all_prefix: bool) -> str:
    # Each word quoted: FTS5 reads a bare word as syntax (AND, OR, NEAR, column filters).
    return " AND ".join(f'"{t.word}"' + ("*" if t.prefix or all_prefix else "") for t in words)


def _pg_words(words: Sequence[Term], *, all_prefix: bool) -> list[str]:
    return [t.word + (":*" if t.prefix or all_prefix else "") for t in words]


def _bind(value: str) -> BindParameter[str]:
    return bindparam(None, value, type_=String(), unique=True)


class _Match(ColumnElement[bool]):
    type = Boolean()
    # A predicate in itself: without this SQLAlchemy writes "(...) = 1" on SQLite, which no index can serve.
    _is_implicitly_boolean = True
    inherit_cache = True
    # What SQLAlchemy's cache key reads: the column and the bound words (their values are extracted per call).
    _traverse_internals = [  # noqa: RUF012 - SQLAlchemy's own class-level declaration
        ("column", InternalTraversal.dp_clauseelement),
        ("fts_text", InternalTraversal.dp_clauseelement),
        ("fts_author", InternalTraversal.dp_clauseelement),
        ("pg_words", InternalTraversal.dp_clauseelement_list),
        ("pg_author", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, words: Sequence[Term], column: ColumnElement[Any]) -> None:
        self.column = column
        self.fts_text = _bind(_fts5(words, all_prefix=False))
        self.fts_author = _bind(_fts5(words, all_prefix=True))
        self.pg_words = [_bind(w) for w in _pg_words(words, all_prefix=False)]
        self.pg_author = _bind(" & ".join(_pg_words(words, all_prefix=True)))


class CommentMatches(_Match):
    """True for a comment whose text, or whose author's name or handle, holds every word of the query.

    `column` is the comments' `author_id` column (the comment's own id and search column sit beside it)."""

    inherit_cache = True


class AuthorMatches(_Match):
    """True for an author whose name or handle holds every word of the query, each as a prefix.

    `column` is the authors' `id` column."""

    inherit_cache = True


def _beside(compiler: SQLCompiler, column: ColumnElement[Any], name: str, **kw: Any) -> str:
    """Another column of the same table, written as the compiler writes `column` ("comments.author_id")."""
    return compiler.process(column, **kw).rsplit(".", 1)[0] + f".{name}"


@compiles(CommentMatches, "sqlite")
def _comment_matches_sqlite(element: CommentMatches, compiler: SQLCompiler, **kw: Any) -> str:
    text_match = compiler.process(element.fts_text, **kw)
    author_match = compiler.process(element.fts_author, **kw)
    author_id = compiler.process(element.column, **kw)
    comment_id = _beside(compiler, element.column, "id", **kw)
    return (
        f"({comment_id} IN (SELECT rowid FROM comments_fts WHERE comments_fts MATCH {text_match})"
        f" OR {author_id} IN (SELECT rowid FROM authors_fts WHERE authors_fts MATCH {author_match}))"
    )


@compiles(CommentMatches, "postgresql")
def _comment_matches_pg(element: CommentMatches, compiler: SQLCompiler, **kw: Any) -> str:
    parts = []
    for word in element.pg_words:
        bound = compiler.process(word, **kw)
        any_config = " || ".join(f"to_tsquery('{c}'::regconfig, {bound})" for c in ("simple", *PG_CONFIGS.values()))
        parts.append(f"({any_config})")
    author_query = compiler.process(element.pg_author, **kw)
    author_id = compiler.process(element.column, **kw)
    vector = _beside(compiler, element.column, PG_COLUMN, **kw)
    # "= ANY(ARRAY(...))" rather than "IN (SELECT ...)": the array is computed once, before the scan, so the
    # planner can OR the GIN index's bitmap with the author index's; with IN it reads every row instead.
    return (
        f"({vector} @@ ({' && '.join(parts)})"
        f" OR {author_id} = ANY(ARRAY(SELECT id FROM authors WHERE {PG_COLUMN} @@ "
        f"to_tsquery('simple'::regconfig, {author_query}))))"
    )


@compiles(AuthorMatches, "sqlite")
def _author_matches_sqlite(element: AuthorMatches, compiler: SQLCompiler, **kw: Any) -> str:
    match = compiler.process(element.fts_author, **kw)
    author_id = compiler.process(element.column, **kw)
    return f"{author_id} IN (SELECT rowid FROM authors_fts WHERE authors_fts MATCH {match})"


@compiles(AuthorMatches, "postgresql")
def _author_matches_pg(element: AuthorMatches, compiler: SQLCompiler, **kw: Any) -> str:
    query = compiler.process(element.pg_author, **kw)
    vector = _beside(compiler, element.column, PG_COLUMN, **kw)
    return f"{vector} @@ to_tsquery('simple'::regconfig, {query})"


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Alembic's filter: the search's own tables, column and indexes are not in the ORM's metadata."""
    if type_ == "table" and name is not None and name.startswith(SQLITE_TABLES):
        return False
    if type_ == "column" and name == PG_COLUMN:
        return False
    return not (type_ == "index" and name in PG_INDEXES)
