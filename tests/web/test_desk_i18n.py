"""The desk in nl, fr and en: complete catalogs, the choice of language, the switch; and labelled controls."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from hierniet.services.desk import LOCALES
from hierniet.store.tables import User
from hierniet.web.desk import i18n

from . import desk_fixtures
from .desk_fixtures import Pages, text_of

pages = desk_fixtures.pages

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@pytest.mark.parametrize("locale", [x for x in LOCALES if x != i18n.DEFAULT_LOCALE])
def test_every_message_is_translated(locale: str) -> None:
    extracted = {m.id if isinstance(m.id, str) else m.id[0] for m in i18n.extract() if m.id}
    catalog = i18n.read_catalog(locale)
    have = {}
    for m in catalog:
        if m.id:
            have[m.id if isinstance(m.id, str) else m.id[0]] = m
    missing = sorted(extracted - set(have))
    assert missing == [], f"run `python -m hierniet.web.desk.catalogs` and translate: {missing}"
    untranslated = sorted(k for k, m in have.items() if not (m.string if isinstance(m.string, str) else all(m.string)))
    assert untranslated == [], f"translate these in {i18n.catalog_path(locale)}: {untranslated}"
    fuzzy = sorted(k for k, m in have.items() if m.fuzzy)
    assert fuzzy == [], f"check these fuzzy translations: {fuzzy}"
    for key, m in have.items():
        ids = [m.id] if isinstance(m.id, str) else list(m.id)
        strings = [m.string] if isinstance(m.string, str) else list(m.string)
        wanted = set(_PLACEHOLDER.findall(" ".join(ids)))
        for s in strings:
            assert set(_PLACEHOLDER.findall(s)) == wanted, f"{locale}: placeholders of {key!r} differ in {s!r}"


def test_accept_language_then_session_then_preference() -> None:
    assert i18n.parse_accept_language("fr-BE,fr;q=0.9,nl;q=0.8,en;q=0.5") == ["fr", "fr", "nl", "en"]
    assert i18n.parse_accept_language("de;q=0.9, nl-BE;q=0.95, *;q=0.1") == ["nl", "de"]
    assert i18n.negotiate(None, None, "de-DE,fr;q=0.5") == "de"
    assert i18n.negotiate(None, None, "de-BE") == "de"
    assert i18n.negotiate(None, None, "es-ES,it;q=0.5") == "en"
    assert i18n.negotiate(None, "nl", "fr") == "nl"
    assert i18n.negotiate("fr", "nl", "en") == "fr"


def test_pages_follow_the_browser(pages: Pages) -> None:
    for header, words in (
        ("fr-BE,fr;q=0.9", "Se connecter"),
        ("nl-BE", "Aanmelden"),
        ("de", "Beim Moderationsdesk anmelden"),
        ("es", "Sign in"),
    ):
        r = pages.client.get("/desk/login", headers={"Accept-Language": header})
        assert words in text_of(r.text), header
    r = pages.client.get("/desk/login", headers={"Accept-Language": "fr"})
    assert '<html lang="fr">' in r.text


def test_the_language_switch_and_the_preference(pages: Pages) -> None:
    pages.get("/desk/login")
    r = pages.post("/desk/language", {"locale": "nl", "next": "/desk/login"})
    assert "Aanmelden bij de moderatiedesk" in text_of(r.text)  # before signing in: kept in the session
    pages.login("moderator")
    r = pages.post("/desk/language", {"locale": "fr", "next": "/desk/"})
    assert "File d'attente" in text_of(r.text) and '<html lang="fr">' in r.text
    with pages.desk.store.session() as s:
        assert s.scalars(select(User.locale).where(User.name == "moderator1")).one() == "fr"
    # The person's preference wins over the browser's, and follows them to a new session.
    pages.logout()
    pages.client.cookies.clear()
    pages.get("/desk/login")
    r = pages.post("/desk/login", {"name": "moderator1", "password": desk_fixtures.PASSWORD}, headers={})
    assert "File d'attente" in text_of(pages.get("/desk/", headers={"Accept-Language": "nl"}).text)
    pages.post("/desk/settings", {"shield": "blur", "locale": ""})  # back to the browser's language
    assert "Wachtrij" in text_of(pages.get("/desk/", headers={"Accept-Language": "nl"}).text)


def test_a_german_desk(pages: Pages) -> None:
    """East Belgium moderates in German: the browser's de, the switch, and a person's preference de."""
    r = pages.get("/desk/login", headers={"Accept-Language": "de-BE,de;q=0.9"})
    assert '<html lang="de">' in r.text and "Beim Moderationsdesk anmelden" in text_of(r.text)
    assert '<option value="de" lang="de"' in r.text and ">Deutsch</option>" in r.text
    pages.login("moderator")
    r = pages.post("/desk/settings", {"shield": "blur", "locale": "de"})
    assert "Ihre Einstellungen sind gespeichert." in text_of(r.text)
    with pages.desk.store.session() as s:
        assert s.scalars(select(User.locale).where(User.name == "moderator1")).one() == "de"
    # The preference wins over a browser that asks for Dutch.
    page = text_of(pages.get("/desk/", headers={"Accept-Language": "nl"}).text)
    assert "Warteschlange" in page and "Wartende Kommentare, schwerste zuerst" in page
    comment = text_of(pages.get(f"/desk/comments/{pages.comments['ins1']}").text)
    assert "Empfohlener Schritt:" in comment and "Der erste Schritt der Richtlinie ist" in comment
    # A refusal from the services is said in German too (back on the comment's page, at the top).
    r = pages.post(f"/desk/comments/{pages.comments['ins1']}/decide", {"action": "block", "reason": "Troll"})
    assert r.status_code == 200 and r.url.path == f"/desk/comments/{pages.comments['ins1']}"
    assert "Dafür braucht es die Rolle Teamleitung oder höher (Ihre ist Moderator)" in text_of(r.text)
    r = pages.get("/desk/comments/999999")
    assert r.status_code == 404 and "Es gibt keinen Kommentar #999999" in text_of(r.text)
    r = pages.get("/desk/nowhere")
    assert r.status_code == 404 and "Diese Seite gibt es im Desk nicht." in text_of(r.text)


def test_messages_from_the_code_are_translated(pages: Pages) -> None:
    pages.get("/desk/login", headers={"Accept-Language": "fr"})
    r = pages.post("/desk/login", {"name": "x", "password": "y"}, headers={"Accept-Language": "fr"})
    assert "Le nom ou le mot de passe n'est pas correct." in text_of(r.text)


def test_dates_and_numbers_follow_the_language(pages: Pages) -> None:
    pages.login("moderator")
    en = text_of(pages.get(f"/desk/comments/{pages.comments['ins1']}", headers={"Accept-Language": "en"}).text)
    pages.post("/desk/settings", {"shield": "blur", "locale": "nl"})
    nl = text_of(pages.get(f"/desk/comments/{pages.comments['ins1']}").text)
    # Belgium reads 02/03/2026 and a 24-hour clock in every language; the desk's time zone: Brussels.
    assert "02/03/2026 13:00" in en and "02/03/2026 13:00" in nl  # 12:00 UTC
    assert not re.search(r"\b\d{1,2}/\d{1,2}/\d{2}\b|\b[AP]M\b", en), en
    assert "0.95" in en and "0,95" in nl


# --- accessibility: every control has a name -------------------------------------------------------------


class _Controls(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.labels: set[str] = set()
        self.controls: list[dict[str, str | None]] = []
        self.in_label = 0
        self.ids: list[str] = []
        self.main = self.skip = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(str(a["id"]))
        if tag == "label":
            self.in_label += 1
            if a.get("for"):
                self.labels.add(str(a["for"]))
        control = tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit", "button")
        if control and "hidden" not in a:
            self.controls.append(a | {"_wrapped": "yes" if self.in_label else None})
        if tag == "main" and a.get("id") == "main":
            self.main = True
        if tag == "a" and a.get("href") == "#main":
            self.skip = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.in_label -= 1


@pytest.mark.parametrize("role", ["moderator", "lead"])
def test_every_control_is_labelled_and_ids_are_unique(pages: Pages, role: str) -> None:
    pages.get("/desk/login")
    paths = ["/desk/login"]
    pages.login(role)
    paths += ["/desk/", "/desk/?status=any", f"/desk/comments/{pages.comments['hate1']}", "/desk/settings"]
    if role == "lead":
        paths += ["/desk/team", "/desk/audit"]
    for path in paths:
        r = pages.get(path)
        assert r.status_code == 200, path
        parser = _Controls()
        parser.feed(r.text)
        unnamed = [
            c for c in parser.controls if not (c.get("aria-label") or c.get("_wrapped") or c.get("id") in parser.labels)
        ]
        assert unnamed == [], f"{path}: controls without a label: {unnamed}"
        duplicates = {i for i in parser.ids if parser.ids.count(i) > 1}
        assert duplicates == set(), f"{path}: ids used twice: {duplicates}"
        assert parser.main and parser.skip, f"{path}: a skip link to #main is missing"
        assert 'role="status" aria-live="polite"' in r.text
