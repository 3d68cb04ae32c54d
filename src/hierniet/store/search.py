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
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
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
    """SQL (PostgreSQL) folding `expression` as `fold()` does, with immutable built-ins only."""
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


def _fts5(words: list[Term], *, all_prefix: bool) -> str:
    # Each word quoted: FTS5 reads a bare word as syntax (AND, OR, NEAR, column filters).
    return " AND ".join(f'"{t.word}"' + ("*" if t.prefix or all_prefix else "") for t in words)


def _pg_words(words: list[Term], *, all_prefix: bool) -> list[str]:
    return [t.word + (":*" if t.prefix or all_prefix else "") for t in words]


class CommentMatches(ColumnElement[bool]):
    """True for a comment whose text, or whose author's name or handle, holds every word of the query."""

    type = Boolean()
    # The SQL depends on the number of words: leave statements holding it out of SQLAlchemy's cache.
    inherit_cache = False

    def __init__(self, words: list[Term], comment_table: Any) -> None:
        self.words = words
        self.comments = comment_table


@compiles(CommentMatches, "sqlite")
def _comment_matches_sqlite(element: CommentMatches, compiler: SQLCompiler, **kw: Any) -> str:
    text_match = compiler.process(literal(_fts5(element.words, all_prefix=False)), **kw)
    author_match = compiler.process(literal(_fts5(element.words, all_prefix=True)), **kw)
    comment_id = compiler.process(element.comments.c.id, **kw)
    author_id = compiler.process(element.comments.c.author_id, **kw)
    return (
        f"({comment_id} IN (SELECT rowid FROM comments_fts WHERE comments_fts MATCH {text_match})"
        f" OR {author_id} IN (SELECT rowid FROM authors_fts WHERE authors_fts MATCH {author_match}))"
    )


@compiles(CommentMatches, "postgresql")
def _comment_matches_pg(element: CommentMatches, compiler: SQLCompiler, **kw: Any) -> str:
    parts = []
    for word in _pg_words(element.words, all_prefix=False):
        bound = compiler.process(literal(word), **kw)
        any_config = " || ".join(f"to_tsquery('{c}'::regconfig, {bound})" for c in ("simple", *PG_CONFIGS.values()))
        parts.append(f"({any_config})")
    author_query = compiler.process(literal(" & ".join(_pg_words(element.words, all_prefix=True))), **kw)
    vector = compiler.process(element.comments.c.id, **kw).rsplit(".", 1)[0] + f".{PG_COLUMN}"
    author_id = compiler.process(element.comments.c.author_id, **kw)
    return (
        f"({vector} @@ ({' && '.join(parts)})"
        f" OR {author_id} IN (SELECT id FROM authors WHERE {PG_COLUMN} @@ to_tsquery('simple'::regconfig, "
        f"{author_query})))"
    )


class AuthorMatches(ColumnElement[bool]):
    """True for an author whose name or handle holds every word of the query, each as a prefix."""

    type = Boolean()
    inherit_cache = False

    def __init__(self, words: list[Term], author_table: Any) -> None:
        self.words = words
        self.authors = author_table


@compiles(AuthorMatches, "sqlite")
def _author_matches_sqlite(element: AuthorMatches, compiler: SQLCompiler, **kw: Any) -> str:
    match = compiler.process(literal(_fts5(element.words, all_prefix=True)), **kw)
    author_id = compiler.process(element.authors.c.id, **kw)
    return f"{author_id} IN (SELECT rowid FROM authors_fts WHERE authors_fts MATCH {match})"


@compiles(AuthorMatches, "postgresql")
def _author_matches_pg(element: AuthorMatches, compiler: SQLCompiler, **kw: Any) -> str:
    query = compiler.process(literal(" & ".join(_pg_words(element.words, all_prefix=True))), **kw)
    vector = compiler.process(element.authors.c.id, **kw).rsplit(".", 1)[0] + f".{PG_COLUMN}"
    return f"{vector} @@ to_tsquery('simple'::regconfig, {query})"


def include_name(name: str | None, type_: str, parent_names: dict[str, Any]) -> bool:
    """Alembic's filter: the search's own tables, column and indexes are not in the ORM's metadata."""
    if type_ == "table" and name is not None and name.startswith(SQLITE_TABLES):
        return False
    if type_ == "column" and name == PG_COLUMN:
        return False
    return not (type_ == "index" and name in PG_INDEXES)
