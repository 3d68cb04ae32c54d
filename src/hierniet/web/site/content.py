"""The site's texts: Markdown pages and interface strings per language, with visible fallbacks and a check.

content/<lang>/<page>.md holds a page's text (its first `# heading` is the page title); content/<lang>/
strings.yaml the words of the interface (menus, form labels, the flowchart's boxes). A heading ending in
`{#name}` gets that id (the code of conduct's sections carry the label names, which replies link to);
other headings get an id made from their words. A page missing in a language is shown in the first
fallback language that has it, under a notice saying so; a code-of-conduct section missing in a language
is filled the same way, section by section. `check_content()` lists every gap (`hierniet site check`).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from hierniet.domain import Label

#: The site's languages, in the order of the language switch.
LANGUAGES: tuple[str, ...] = ("nl", "fr", "en", "de")
DEFAULT_LANGUAGE = "nl"

#: Where a missing text is looked for, in order. English first for de and fr (the most read second
#: language among Belgian community managers is hard to know; English is the project's own language).
FALLBACKS: dict[str, tuple[str, ...]] = {
    "nl": ("en", "fr", "de"),
    "fr": ("en", "nl", "de"),
    "en": ("nl", "fr", "de"),
    "de": ("en", "nl", "fr"),
}

#: Every page of the site by its stable address ("" is the home page): /{lang}/{page}.
PAGES: tuple[str, ...] = ("home", "code-of-conduct", "flowchart", "tips", "help", "signatories", "join")

#: The code of conduct has one section per label, whose anchor is the label's name.
SECTION_LABELS: tuple[str, ...] = tuple(label.value for label in Label)

# Starts at the first space before "{#" only: a search from every space of a long run was quadratic.
_ID_SUFFIX = re.compile(r"(?<!\s)\s*\{#([A-Za-z][A-Za-z0-9_-]*)\}\s*$")
_SECTION_START = re.compile(r"^## .*\{#([A-Za-z][A-Za-z0-9_-]*)\}\s*$", re.MULTILINE)


def _content_root() -> Traversable:
    return resources.files("hierniet.web.site").joinpath("content")


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or "section"


@functools.cache
def _markdown() -> MarkdownIt:
    # Raw HTML is off: a maintainer's typo cannot break the page, and no one can slip a script in.
    return MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")


def render_markdown(text: str, *, used_ids: set[str] | None = None) -> str:
    """Markdown to HTML; headings get ids (`{#name}` wins) unique among `used_ids`, which is updated."""
    md = _markdown()
    tokens = md.parse(text)
    used = used_ids if used_ids is not None else set()
    for i, token in enumerate(tokens):
        if token.type != "heading_open" or i + 1 >= len(tokens):
            continue
        inline = tokens[i + 1]
        explicit = _ID_SUFFIX.search(inline.content)
        if explicit:
            inline.content = inline.content[: explicit.start()]
            _strip_suffix(inline)
            wanted = explicit.group(1)
        else:
            wanted = _slug(inline.content)
        anchor, n = wanted, 2
        while anchor in used:
            anchor, n = f"{wanted}-{n}", n + 1
        used.add(anchor)
        token.attrSet("id", anchor)
    return str(md.renderer.render(tokens, md.options, {}))


def _strip_suffix(inline: Token) -> None:
    children = inline.children or []
    if children and children[-1].type == "text":
        children[-1].content = _ID_SUFFIX.sub("", children[-1].content)


def title_of(markdown_text: str) -> str:
    """The text of the first `# heading` (without an `{#id}`), or "" when there is none."""
    for line in markdown_text.splitlines():
        if line.startswith("# "):
            return _ID_SUFFIX.sub("", line[2:]).strip()
    return ""


@functools.cache
def page_source(lang: str, page: str) -> str | None:
    """The Markdown of a page in a language, or None when that translation does not exist."""
    f = _content_root().joinpath(lang).joinpath(f"{page}.md")
    return f.read_text(encoding="utf-8") if f.is_file() else None


@functools.cache
def strings_of(lang: str) -> Mapping[str, Any]:
    """The interface strings of one language as nested mappings (empty when the file does not exist)."""
    f = _content_root().joinpath(lang).joinpath("strings.yaml")
    if not f.is_file():
        return {}
    data = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"content/{lang}/strings.yaml must be a mapping of keys: see content/en/strings.yaml")
    return data


def _flatten(data: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            yield from _flatten(value, name + ".")
        else:
            yield name, str(value)


@functools.cache
def _flat_strings(lang: str) -> dict[str, str]:
    return dict(_flatten(strings_of(lang)))


class Strings:
    """The interface words of one language; a key missing there is taken from the fallbacks.

    `t("nav.home")`; `t("join.thanks", name="Stad Gent")` fills `{name}`. A key missing in every
    language is shown as the key itself so that the gap is visible on the page (and `site check` fails).
    """

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._chain = (lang, *FALLBACKS[lang])

    def __call__(self, key: str, **values: object) -> str:
        for lang in self._chain:
            text = _flat_strings(lang).get(key)
            if text is not None:
                return text.format(**values) if values else text
        return key

    def has(self, key: str) -> bool:
        return key in _flat_strings(self.lang)


@dataclass(frozen=True, slots=True)
class Block:
    """A piece of a page: its HTML and the language it is written in (another one for a fallback)."""

    html: str
    lang: str
    fallback: bool


@dataclass(frozen=True, slots=True)
class Page:
    """A page's text for a language: its title and blocks, with the languages a fallback came from."""

    page: str
    lang: str
    title: str
    blocks: tuple[Block, ...]

    @property
    def fallbacks(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(b.lang for b in self.blocks if b.fallback))


def _first_source(lang: str, page: str) -> tuple[str, str] | None:
    for candidate in (lang, *FALLBACKS[lang]):
        text = page_source(candidate, page)
        if text is not None:
            return candidate, text
    return None


def _split_sections(text: str) -> tuple[str, dict[str, str]]:
    """A code of conduct's text before its first `## ... {#name}` heading, and each such section by name."""
    starts = list(_SECTION_START.finditer(text))
    if not starts:
        return text, {}
    head = text[: starts[0].start()]
    sections = {
        m.group(1): text[m.start() : (starts[i + 1].start() if i + 1 < len(starts) else len(text))]
        for i, m in enumerate(starts)
    }
    return head, sections


def load_page(lang: str, page: str) -> Page:
    """A page in `lang`, falling back visibly (whole page, or per code-of-conduct section)."""
    found = _first_source(lang, page)
    if found is None:
        raise LookupError(f"the page {page!r} exists in no language: add content/{lang}/{page}.md")
    source_lang, text = found
    used: set[str] = set()
    title = title_of(text)
    if page != "code-of-conduct" or source_lang != lang:
        return Page(page, lang, title, (Block(render_markdown(text, used_ids=used), source_lang, source_lang != lang),))
    head, sections = _split_sections(text)
    blocks = [Block(render_markdown(head, used_ids=used), lang, False)] if head.strip() else []
    blocks += [Block(render_markdown(chunk, used_ids=used), lang, False) for chunk in sections.values()]
    for label in SECTION_LABELS:
        if label in sections:
            continue
        for other in FALLBACKS[lang]:
            other_text = page_source(other, page)
            borrowed = _split_sections(other_text)[1].get(label) if other_text else None
            if borrowed:
                blocks.append(Block(render_markdown(borrowed, used_ids=used), other, True))
                break
    return Page(page, lang, title, tuple(blocks))


# --- the check -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ContentIssue:
    lang: str
    what: str
    fix: str

    def render(self) -> str:
        return f"{self.lang}: {self.what}. Fix: {self.fix}"


def check_content() -> list[ContentIssue]:
    """Every missing translation: pages, code-of-conduct sections, interface strings, page titles."""
    issues: list[ContentIssue] = []
    all_keys: set[str] = set()
    for lang in LANGUAGES:
        all_keys |= set(_flat_strings(lang))
    for lang in LANGUAGES:
        for page in PAGES:
            text = page_source(lang, page)
            if text is None:
                issues.append(ContentIssue(lang, f"the page {page} is missing", f"add content/{lang}/{page}.md"))
                continue
            if not title_of(text):
                issues.append(
                    ContentIssue(
                        lang,
                        f"the page {page} has no title",
                        f"start content/{lang}/{page}.md with a line `# Title`",
                    )
                )
            if page == "code-of-conduct":
                present = _split_sections(text)[1]
                for label in SECTION_LABELS:
                    if label not in present:
                        issues.append(
                            ContentIssue(
                                lang,
                                f"the code of conduct has no section for the label {label}",
                                f"add a heading `## ... {{#{label}}}` and its text to content/{lang}/{page}.md",
                            )
                        )
                for name in present:
                    if name not in SECTION_LABELS:
                        issues.append(
                            ContentIssue(
                                lang,
                                f"the code of conduct has a section {{#{name}}} that is no label",
                                f"use one of {', '.join(SECTION_LABELS)} (replies link to these)",
                            )
                        )
        missing = sorted(all_keys - set(_flat_strings(lang)))
        for key in missing:
            issues.append(
                ContentIssue(
                    lang, f"the interface string {key} is missing", f"add `{key}` to content/{lang}/strings.yaml"
                )
            )
    return issues


def clear_caches() -> None:
    """Forget the texts read so far (tests that change content files, and `site check` after edits)."""
    page_source.cache_clear()
    strings_of.cache_clear()
    _flat_strings.cache_clear()
