"""The project's curated lexicons: loading and validation.

File format and categories: docs/lexicons.md. A malformed file is rejected with
a LexiconError naming the file and line and saying how to fix it; nothing is
loaded at import time (`load_all` caches on first use).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path

from hierniet.domain import Target
from hierniet.triage.normalize import normalize_phrase

LANGUAGES: tuple[str, ...] = ("nl", "fr", "en", "de")
COLUMNS = ("term", "severity", "target", "flags", "note")
REQUIRED_HEADER = ("language", "category", "version", "provenance", "licence")


class LexCategory(StrEnum):
    INSULT = "insult"
    PROFANITY = "profanity"
    SLUR = "slur"
    IDENTITY = "identity"
    DEHUMANIZING = "dehumanizing"
    HOSTILE = "hostile"
    POSITIVE = "positive"
    THREAT = "threat"
    SEXUAL = "sexual"
    SELF_HARM = "self_harm"
    SPAM = "spam"
    NEGATOR = "negator"
    COUNTER = "counter"
    REPORTING = "reporting"
    SERVICE = "service"
    # Non-protected groups and roles (politici, referees): hostility toward them is an
    # insult, not hate, so "who is it about" needs their names as much as the protected ones.
    OTHER_GROUP = "other_group"
    # Places tied to a protected group (moskee, synagogue): an attack on them can aim at
    # the group without naming it; the entry's target says which ground.
    GROUP_PLACE = "group_place"


class Flag(StrEnum):
    RECLAIMABLE = "reclaimable"
    AMBIGUOUS = "ambiguous"
    EXACT = "exact"
    PLURAL = "plural"


_NEEDS_TARGET = frozenset({LexCategory.SLUR, LexCategory.IDENTITY, LexCategory.GROUP_PLACE})
# A non-protected group carrying a protected target would turn an insult into hate.
_NO_TARGET = frozenset({LexCategory.OTHER_GROUP})


class LexiconError(ValueError):
    """A lexicon file that cannot be used; the message says where and how to fix it."""

    def __init__(self, path: Path | str, line: int | None, problem: str, fix: str) -> None:
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {problem}. {fix}")
        self.path = str(path)
        self.line = line


@dataclass(frozen=True, slots=True)
class LexEntry:
    """One validated lexicon entry.

    ``tokens`` is the normalised token sequence to match ("*" matches one word);
    ``wildcard`` is "prefix" for ``kut*``, "suffix" for ``*lijer``, else None.
    """

    term: str
    tokens: tuple[str, ...]
    category: LexCategory
    language: str
    severity: int
    target: Target | None
    flags: frozenset[Flag]
    note: str
    source: str  # "nl/insult.tsv:12": where a maintainer fixes it
    wildcard: str | None = None
    # Computed once: the matcher compares ids of thousands of hits per batch.
    id: str = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", f"{self.language}/{self.category.value}:{self.term}")

    def has(self, flag: Flag) -> bool:
        return flag in self.flags


@dataclass(frozen=True, slots=True)
class Lexicon:
    language: str
    category: LexCategory
    version: str
    provenance: str
    licence: str
    entries: tuple[LexEntry, ...]


def _parse_header(path: Path, lines: list[str]) -> tuple[dict[str, str], int]:
    header: dict[str, str] = {}
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            body = stripped.lstrip("#").strip()
            if ":" in body:
                key, _, value = body.partition(":")
                key = key.strip().lower()
                if key in REQUIRED_HEADER and key not in header:
                    header[key] = value.strip()
            continue
        if tuple(c.strip() for c in line.rstrip("\n").split("\t")) != COLUMNS:
            raise LexiconError(
                path,
                number,
                f"expected the column line {'<TAB>'.join(COLUMNS)!r}, found {stripped[:60]!r}",
                "Put the column line right after the '# key: value' header (see docs/lexicons.md)",
            )
        return header, number
    raise LexiconError(path, None, "no column line found", f"Add the line {'<TAB>'.join(COLUMNS)!r} after the header")


def _parse_term(path: Path, number: int, term: str) -> tuple[tuple[str, ...], str | None]:
    words = term.split()
    wildcard: str | None = None
    if len(words) == 1 and term.endswith("*") and len(term) > 1:
        wildcard, term = "prefix", term[:-1]
    elif len(words) == 1 and term.startswith("*") and len(term) > 1:
        wildcard, term = "suffix", term[1:]
    if wildcard is not None:
        tokens = normalize_phrase(term)
        if len(tokens) != 1 or len(tokens[0]) < 3:
            raise LexiconError(
                path,
                number,
                f"wildcard stem {term!r} is shorter than 3 letters or not a single word",
                "Use a longer stem (at least 3 letters) or list the words in full",
            )
        return tokens, wildcard
    parts: list[str] = []
    for word in words:
        if word == "*":
            parts.append("*")
            continue
        if "*" in word:
            raise LexiconError(
                path,
                number,
                f"'*' inside {word!r}",
                "A '*' may end a single word (prefix), start it (suffix) or stand alone for one word",
            )
        parts.extend(normalize_phrase(word))
    if not parts or all(p == "*" for p in parts):
        raise LexiconError(path, number, f"term {term!r} has no letters", "Write the word or phrase")
    return tuple(parts), None


def load_lexicon(path: Path | str) -> Lexicon:
    """Load and validate one lexicon file."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise LexiconError(path, None, "file not found", "Check the path") from None
    except UnicodeDecodeError as exc:
        raise LexiconError(path, None, f"not UTF-8 ({exc.reason})", "Save the file as UTF-8") from None
    header, column_line = _parse_header(path, lines)
    for key in REQUIRED_HEADER:
        if not header.get(key):
            raise LexiconError(path, 1, f"header key {key!r} is missing", f"Add a line '# {key}: ...'")
    language = header["language"]
    if language != path.parent.name:
        raise LexiconError(
            path,
            1,
            f"header language {language!r} does not match the folder {path.parent.name!r}",
            "Move the file or fix the '# language:' line",
        )
    try:
        category = LexCategory(header["category"])
    except ValueError:
        raise LexiconError(
            path,
            1,
            f"unknown category {header['category']!r}",
            f"Use one of: {', '.join(c.value for c in LexCategory)}",
        ) from None
    if category.value != path.stem:
        raise LexiconError(
            path,
            1,
            f"header category {category.value!r} does not match the file name {path.name!r}",
            f"Rename the file to {category.value}.tsv or fix the '# category:' line",
        )
    entries: list[LexEntry] = []
    seen: dict[tuple[tuple[str, ...], str | None], int] = {}
    for number, line in enumerate(lines[column_line:], start=column_line + 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.rstrip("\n").split("\t")
        if len(fields) != len(COLUMNS):
            raise LexiconError(
                path,
                number,
                f"{len(fields)} tab-separated fields instead of {len(COLUMNS)}",
                "Write term<TAB>severity<TAB>target<TAB>flags<TAB>note (use '-' for an empty field)",
            )
        term, severity_s, target_s, flags_s, note = (f.strip() for f in fields)
        if not term:
            raise LexiconError(path, number, "empty term", "Write the word or phrase in the first column")
        if severity_s not in {"1", "2", "3", "4"}:
            raise LexiconError(path, number, f"severity {severity_s!r} is not 1-4", "Use 1, 2, 3 or 4")
        target: Target | None = None
        if target_s not in ("", "-"):
            try:
                target = Target(target_s)
            except ValueError:
                raise LexiconError(
                    path,
                    number,
                    f"unknown target {target_s!r}",
                    f"Use one of: {', '.join(t.value for t in Target)}, or '-'",
                ) from None
        if category in _NEEDS_TARGET and target is None:
            raise LexiconError(
                path,
                number,
                f"{category.value} entry {term!r} has no target",
                "Name the protected group in the target column",
            )
        if category in _NO_TARGET and target is not None:
            raise LexiconError(
                path,
                number,
                f"{category.value} entry {term!r} has a target ({target.value}) but names a non-protected group",
                "Write '-' in the target column, or move the entry to identity.tsv if it names a protected group",
            )
        flags: set[Flag] = set()
        if flags_s not in ("", "-"):
            for raw_flag in flags_s.split(","):
                try:
                    flags.add(Flag(raw_flag.strip()))
                except ValueError:
                    raise LexiconError(
                        path,
                        number,
                        f"unknown flag {raw_flag.strip()!r}",
                        f"Use a comma-separated list of: {', '.join(f.value for f in Flag)}, or '-'",
                    ) from None
        tokens, wildcard = _parse_term(path, number, term)
        dedupe_key = (tokens, wildcard)
        if dedupe_key in seen:
            raise LexiconError(
                path,
                number,
                f"duplicate term {term!r} (same as line {seen[dedupe_key]} once normalised)",
                "Remove one of the two lines",
            )
        seen[dedupe_key] = number
        entries.append(
            LexEntry(
                term=term,
                tokens=tokens,
                category=category,
                language=language,
                severity=int(severity_s),
                target=target,
                flags=frozenset(flags),
                note=note if note != "-" else "",
                source=f"{language}/{path.name}:{number}",
                wildcard=wildcard,
            )
        )
    return Lexicon(
        language=language,
        category=category,
        version=header["version"],
        provenance=header["provenance"],
        licence=header["licence"],
        entries=tuple(entries),
    )


def lexicon_root() -> Path:
    return Path(__file__).resolve().parent


@dataclass(frozen=True)
class LexiconSet:
    """Every lexicon of every language, by language and category."""

    lexicons: Mapping[str, Mapping[LexCategory, Lexicon]]

    def get(self, language: str, category: LexCategory) -> tuple[LexEntry, ...]:
        lex = self.lexicons.get(language, {}).get(category)
        return lex.entries if lex else ()

    def entries(self, language: str) -> Iterator[LexEntry]:
        for lex in self.lexicons.get(language, {}).values():
            yield from lex.entries

    @property
    def version(self) -> str:
        """One string that changes whenever any file's version changes."""
        parts = sorted(
            f"{lang}/{cat.value}@{lex.version}" for lang, cats in self.lexicons.items() for cat, lex in cats.items()
        )
        return str(abs(hash_strings(parts)))[:10]


def hash_strings(parts: list[str]) -> int:
    """A stable (not per-process salted) hash of strings."""
    value = 1469598103934665603
    for part in parts:
        for byte in part.encode():
            value = ((value ^ byte) * 1099511628211) % (1 << 64)
    return value


def load_dir(root: Path) -> LexiconSet:
    lexicons: dict[str, dict[LexCategory, Lexicon]] = {}
    for language in LANGUAGES:
        folder = root / language
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.tsv")):
            lex = load_lexicon(path)
            lexicons.setdefault(language, {})[lex.category] = lex
    return LexiconSet(lexicons)


@cache
def load_all() -> LexiconSet:
    """The shipped lexicons, loaded and validated once per process."""
    return load_dir(lexicon_root())
