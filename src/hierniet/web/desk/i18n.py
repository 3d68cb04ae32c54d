"""The desk's languages (nl, fr, en, de) with Babel: message catalogs are .po files inside the package, read
at run time (babel.messages.pofile), so nothing is compiled at build time and nothing is fetched.

The language of a page: the person's preference, else the one chosen on the sign-in page (kept in the
session), else the browser's Accept-Language, else English.

Maintainers: after changing the words of a template or of the desk's Python code, run

    python -m hierniet.web.desk.catalogs

which extracts every message (templates and web/desk/*.py), adds the new ones to each catalog and marks
the ones that disappeared as obsolete; then translate the new empty `msgstr`s. tests/web/test_desk_i18n.py
fails while a catalog lacks a translation.
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Iterator
from contextvars import ContextVar
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from babel.support import Translations

from hierniet.services.desk import LOCALES

#: Where the catalogs live: locale/<lang>/LC_MESSAGES/messages.po beside this file.
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "templates" / "desk"
DOMAIN = "messages"
DEFAULT_LOCALE = "en"
#: The language names as each is written in itself (the language switch shows these).
LANGUAGE_NAMES: dict[str, str] = {"nl": "Nederlands", "fr": "Français", "en": "English", "de": "Deutsch"}

_current: ContextVar[str] = ContextVar("hierniet_desk_locale", default=DEFAULT_LOCALE)


def catalog_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(locale: str) -> Catalog:
    with catalog_path(locale).open("rb") as handle:
        return read_po(handle, locale=locale, domain=DOMAIN)


@cache
def translations(locale: str) -> _gettext.NullTranslations:
    """The compiled catalog of `locale` (from its .po file, in memory); English is the messages as written."""
    path = catalog_path(locale)
    if locale not in LOCALES or not path.is_file():
        return _gettext.NullTranslations()
    buffer = BytesIO()
    write_mo(buffer, read_catalog(locale))
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


def set_locale(locale: str) -> None:
    """The language of what is rendered next in this thread or task (pages render in one go)."""
    _current.set(locale if locale in LOCALES else DEFAULT_LOCALE)


def current_locale() -> str:
    return _current.get()


def gettext(message: str) -> str:
    return translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_current.get()).ngettext(singular, plural, n)


def translate(locale: str, message: str, /, **values: Any) -> str:
    """`message` in `locale`, with %(name)s placeholders filled in (for Python code: flash messages)."""
    text = translations(locale).gettext(message)
    return text % values if values else text


def parse_accept_language(header: str | None) -> list[str]:
    """The languages of an Accept-Language header, best first, as primary subtags ("fr-BE" -> "fr")."""
    if not header:
        return []
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        pieces = part.strip().split(";")
        tag = pieces[0].strip().lower()
        if not tag or tag == "*":
            continue
        quality = 1.0
        for param in pieces[1:]:
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            ranked.append((-quality, index, tag.split("-")[0]))
    return [tag for _q, _i, tag in sorted(ranked)]


def negotiate(user_locale: str | None, session_locale: str | None, accept_language: str | None) -> str:
    for choice in (user_locale, session_locale):
        if choice in LOCALES:
            return choice
    for tag in parse_accept_language(accept_language):
        if tag in LOCALES:
            return tag
    return DEFAULT_LOCALE


# --- keeping the catalogs up to date (maintainers) ---------------------------------------------------------

_KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2), "translate": (2,), "t": None}


def extract() -> Catalog:
    """Every message of the desk's templates and Python code, as a template catalog."""
    catalog = Catalog(domain=DOMAIN, project="hierniet", charset="utf-8")
    sources: list[tuple[Path, list[tuple[str, str]], dict[str, Any]]] = [
        (TEMPLATES_DIR, [("**.html", "jinja2")], {"**.html": {"extensions": "jinja2.ext.i18n"}}),
        (Path(__file__).resolve().parent, [("**.py", "python")], {}),
    ]
    for folder, method_map, options_map in sources:
        for filename, lineno, message, comments, context in _extracted(folder, method_map, options_map):
            where = f"{folder.name}/{filename}"
            catalog.add(message, None, [(where, lineno)], auto_comments=comments, context=context)
    return catalog


def _extracted(
    folder: Path, method_map: list[tuple[str, str]], options_map: dict[str, Any]
) -> Iterator[tuple[str, int, Any, list[str], str | None]]:
    yield from extract_from_dir(
        str(folder),
        method_map=method_map,
        options_map=options_map,
        keywords=_KEYWORDS,
        comment_tags=("Translators:",),
    )


def update_catalogs() -> dict[str, int]:
    """Merge the extracted messages into each language's .po file; returns the untranslated count per file."""
    template = extract()
    missing: dict[str, int] = {}
    for locale in LOCALES:
        path = catalog_path(locale)
        if path.is_file():
            catalog = read_catalog(locale)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(locale=locale, domain=DOMAIN, project="hierniet", charset="utf-8")
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        catalog.fuzzy = False
        catalog.header_comment = (
            f"# The hierniet moderation desk in {locale}. Update: python -m hierniet.web.desk.catalogs"
        )
        catalog.project, catalog.version = "hierniet", "desk"
        catalog.msgid_bugs_address = ""
        catalog.last_translator = catalog.language_team = "hierniet contributors"
        with path.open("wb") as handle:
            write_po(handle, catalog, width=100, omit_header=False, sort_output=True)
        if locale != DEFAULT_LOCALE:
            missing[locale] = sum(1 for m in catalog if m.id and not m.string)
    return missing
