"""The site's pages: every page in every language, stable anchors, languages, validity, size, resources."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
import site_fixtures
from site_helpers import parse_strict

from hierniet.domain import Label
from hierniet.policy import default_policy
from hierniet.web.site.content import LANGUAGES, PAGES
from hierniet.web.site.routes import negotiate_language, page_path

client = site_fixtures.client
database = site_fixtures.database
desk = site_fixtures.desk
fake_triage = site_fixtures.fake_triage
store = site_fixtures.store

PATHS = [(lang, page) for lang in LANGUAGES for page in PAGES]
MAX_PAGE_BYTES = 100 * 1024
# Attributes whose URL the browser fetches by itself (as opposed to a link a person may follow).
FETCHING = {
    "img": "src",
    "script": "src",
    "iframe": "src",
    "source": "src",
    "audio": "src",
    "video": "src",
    "embed": "src",
    "object": "data",
    "track": "src",
    "input": "src",
}


@pytest.mark.parametrize(("lang", "page"), PATHS)
def test_every_page_in_every_language(client: Any, lang: str, page: str) -> None:
    response = client.get(page_path(lang, page))
    assert response.status_code == 200, response.text[:500]
    html = response.text
    assert response.headers["content-type"].startswith("text/html")
    assert f'<html lang="{lang}">' in html
    assert len(response.content) < MAX_PAGE_BYTES, f"{page_path(lang, page)} is {len(response.content)} bytes"
    tree = parse_strict(html)
    ids = [e.get("id") for e in tree.iter() if e.get("id")]
    assert len(ids) == len(set(ids)), f"duplicate ids: {sorted({i for i in ids if ids.count(i) > 1})}"
    assert tree.find(".//main") is not None and tree.find(".//h1") is not None
    # hreflang alternates for every language and x-default, and a language switch to the same page.
    alternates = {e.get("hreflang"): e.get("href") for e in tree.iter("link") if e.get("rel") == "alternate"}
    assert set(alternates) == {*LANGUAGES, "x-default"}
    assert all(urlsplit(alternates[o]).path == page_path(o, page) for o in LANGUAGES)
    switch = {a.get("hreflang"): a.get("href") for a in tree.iter("a") if a.get("hreflang")}
    assert switch == {o: page_path(o, page) for o in LANGUAGES}
    _assert_no_external_resources(tree)
    assert 'class="notice"' not in html, "every shipped text exists in every language: no fallback notice"


def _assert_no_external_resources(tree: Any) -> None:
    for element in tree.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "link" and element.get("rel") not in ("alternate", "canonical"):
            assert not _remote(element.get("href", "")), f"<link> to {element.get('href')}"
        if tag in FETCHING:
            value = element.get(FETCHING[tag], "")
            assert not _remote(value), f"<{tag}> fetches {value}"
        if tag == "style" or element.get("style"):
            text = (element.text or "") + element.get("style", "")
            assert "url(" not in text and "@import" not in text


def _remote(url: str) -> bool:
    return bool(re.match(r"^(https?:)?//", url.strip(), re.IGNORECASE))


def test_stylesheet_is_local_and_prints(client: Any) -> None:
    response = client.get("/site-assets/site.css")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/css")
    css = response.text
    assert "@media print" in css
    assert "@import" not in css and not re.search(r"url\(\s*['\"]?(https?:)?//", css)
    assert "@font-face" not in css  # system fonts only: nothing is downloaded


def test_security_headers_forbid_other_origins(client: Any) -> None:
    csp = client.get("/en/").headers["content-security-policy"]
    assert "default-src 'none'" in csp and "style-src 'self'" in csp and "img-src 'self'" in csp


@pytest.mark.parametrize("lang", LANGUAGES)
def test_code_of_conduct_has_an_anchor_per_label(client: Any, lang: str) -> None:
    html = client.get(f"/{lang}/code-of-conduct").text
    for label in Label:
        assert re.search(rf'<h2 id="{label.value}">', html), f"no #{label.value} in /{lang}/code-of-conduct"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_reply_link_of_the_default_policy_lands_on_its_section(client: Any, lang: str) -> None:
    policy = default_policy()
    for label in Label:
        url = urlsplit(policy.charter.url_for(lang, label))
        assert f"{url.scheme}://{url.netloc}" == policy.charter.site_url.rstrip("/")
        response = client.get(url.path)
        assert response.status_code == 200
        if url.fragment:
            assert f'id="{url.fragment}"' in response.text


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "nl"),
        ("", "nl"),
        ("fr-BE,fr;q=0.9,en;q=0.8", "fr"),
        ("de;q=0.5, en;q=0.9", "en"),
        ("es-ES,es;q=0.9", "nl"),
        ("es, de-BE;q=0.7", "de"),
        ("en;q=0, fr;q=0.1", "fr"),
        ("nl-BE", "nl"),
    ],
)
def test_root_redirects_by_accept_language(client: Any, header: str | None, expected: str) -> None:
    assert negotiate_language(header) == expected
    headers = {"Accept-Language": header} if header is not None else {}
    response = client.get("/", headers=headers, follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"] == f"/{expected}/"
    assert "accept-language" in response.headers["vary"].lower()


def test_language_root_without_slash_redirects(client: Any) -> None:
    response = client.get("/fr", follow_redirects=False)
    assert response.status_code == 301 and response.headers["location"] == "/fr/"


def test_site_does_not_shadow_the_api_or_the_docs(client: Any) -> None:
    assert client.get("/api/v1/me").status_code == 401
    spec = client.get("/openapi.json")
    assert spec.status_code == 200
    assert not [p for p in spec.json()["paths"] if not p.startswith("/api/")], "site pages leak into the API schema"
    assert client.get("/docs").status_code == 200
    assert client.get("/es/").status_code == 404
    assert client.get("/en/unknown-page").status_code == 404


def test_pages_in_other_languages_really_differ(client: Any) -> None:
    titles = {
        lang: re.search(r"<h1[^>]*>(.*?)</h1>", client.get(f"/{lang}/code-of-conduct").text) for lang in LANGUAGES
    }
    assert len({m.group(1) for m in titles.values() if m}) == len(LANGUAGES)
