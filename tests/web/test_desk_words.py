"""Every word a moderator reads is in their language (issue 12, item 2): the demo desk, triaged by the shipped
model and given the default policy's recommendations, rendered in nl, fr and de, shows no raw code (hide_report,
self_harm, a Python list) and none of the core's English technical phrases; every reason the core can give has
a sentence on the desk; and the English desk says its reasons in words too.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from hierniet.demo.builder import build
from hierniet.domain import (
    CharterStep,
    Comment,
    HistoryEntry,
    Label,
    Language,
    Platform,
    Reason,
    Severity,
    Target,
    Verdict,
)
from hierniet.policy import default_policy, recommend
from hierniet.settings import Settings
from hierniet.store.repo import Store
from hierniet.store.tables import Comment as CommentRow
from hierniet.web.app import create_app
from hierniet.web.desk import i18n, reasons

from .desk_fixtures import text_of

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

SRC = Path(__file__).resolve().parents[2] / "src" / "hierniet"

#: Codes and leftovers of the code that must never show on a page, in any language.
RAW = re.compile(
    r"\b(hide_report|self_harm|first_step|decide_severe|national_number|licence_plate|sexual_orientation|"
    r"gender_identity|hide_reply|hold_for_review|ban_from_page|reject_and_ban_author|clear_author)\b"
    r"|\bpermission [a-z_]+\b|\blabels\.[a-z_]+|\[\s*'|\bdecision: \d"
    r"|\((facebook|instagram|youtube|tiktok|mastodon|bluesky|linkedin)\)"
    r"|\b(comment\.revealed|user\.login|decision\.(accept|edit|override|escalate))\b"
    r"|Our organisation|\bunia\b"
)
#: "platform" is Dutch too; in French and German it is a code left untranslated ("signaler à : platform").
PLATFORM_WORD = re.compile(r"\bplatform\b")

#: The core's English sentences (hierniet.policy, hierniet.triage, the services' errors) and the desk's own
#: English defaults: none may reach a page in another language.
ENGLISH = (
    "the policy's first step",
    "personal data in the comment",
    "Suggested only",
    "Evidence for",
    "is not counted",
    "report to:",
    "Several labels",
    "Automatic:",
    "the model reads",
    "Report to Unia",
    "Report to the police",
    "No report to Unia",
    "through its API",
    "Reply in ",
    "signs of distress",
    "aimed at someone",
    "about the group",
    "used as an insult",
    "exclusion because of origin",
    "hiding is done by",
    "Criticism gets an answer",
    "Someone may be in distress",
    "A credible threat",
    "model reading of",
    "accepted the recommendation",
    "(role moderator)",
    "that needs the role",
    "severity high",
    "severity medium",
)

#: The rules that fired are named for maintainers (hierniet.triage.rules): identifiers on purpose, in a
#: closed "Rules" box; everything else on the page is checked.
_RULES_BOX = re.compile(r'<details class="rules">.*?</details>', re.S)
_TITLE = re.compile(r'\stitle="([^"]*)"')


def _visible(html: str) -> str:
    html = _RULES_BOX.sub(" ", html)
    return text_of(html) + " " + " ".join(_TITLE.findall(html))


def _problems(html: str, *, english: bool) -> list[str]:
    seen = _visible(html)
    found = [m.group(0) for m in RAW.finditer(seen)]
    if not english:
        found += [phrase for phrase in ENGLISH if phrase in seen]
    if not english and 'lang="nl"' not in html:
        found += [m.group(0) for m in PLATFORM_WORD.finditer(seen)]
    return found


@pytest.fixture
def demo_client(store: Store, real_triage: object) -> Iterator[TestClient]:
    build(store, real_triage)  # type: ignore[arg-type]
    settings = Settings(database_url="sqlite://", secret_key="test-secret-" + "x" * 40)  # type: ignore[call-arg]
    with TestClient(create_app(settings, store=store, triage=real_triage), base_url="https://testserver") as client:  # type: ignore[arg-type]
        yield client


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, html[:300]
    return found.group(1)


def _post(client: TestClient, path: str, data: dict[str, object], page: str) -> str:
    r = client.post(path, data={**data, "csrf_token": _csrf(page)})
    assert r.status_code < 500, r.text[:500]
    return r.text


def _comment_ids(store: Store) -> list[int]:
    """Comments that say much: every severe one, and the first of each platform."""
    with store.session() as s:
        rows = s.execute(select(CommentRow.id, CommentRow.severity, CommentRow.platform)).all()
    severe = [cid for cid, severity, _ in rows if severity >= 2]
    per_platform = {platform: cid for cid, _, platform in reversed(rows)}
    return sorted(set(severe) | set(per_platform.values()))


def test_pages_in_nl_fr_de_show_no_code_and_no_english(store: Store, demo_client: TestClient) -> None:
    client = demo_client
    page = client.get("/desk/login").text
    page = _post(client, "/desk/login", {"name": "admin", "password": "demo-admin-pass"}, page)
    ids = _comment_ids(store)
    assert len(ids) >= 20
    # Decisions that fill the audit log with steps, reports and refusals.
    page = client.get(f"/desk/comments/{ids[0]}").text
    _post(client, f"/desk/comments/{ids[0]}/decide", {"action": "report", "reason": "te grof"}, page)
    page = client.get(f"/desk/comments/{ids[1]}").text
    _post(client, f"/desk/comments/{ids[1]}/decide", {"action": "accept"}, page)
    page = client.get(f"/desk/comments/{ids[2]}").text
    _post(client, f"/desk/comments/{ids[2]}/decide", {"action": "hide"}, page)  # refused: no reason

    translated = {"nl": "de eerste stap van het beleid is", "fr": "la première étape de la politique est"}
    translated["de"] = "Der erste Schritt der Richtlinie ist"
    for locale in ("nl", "fr", "de", "en"):
        page = client.get("/desk/settings").text
        _post(client, "/desk/language", {"locale": locale, "next": "/desk/settings"}, page)
        paths = ["/desk/?status=any", "/desk/?status=any&page=2", "/desk/audit", "/desk/team", "/desk/channels"]
        paths += [f"/desk/comments/{cid}" for cid in ids]
        said = ""
        for path in paths:
            r = client.get(path)
            assert r.status_code == 200, (locale, path)
            assert f'<html lang="{locale}">' in r.text
            problems = _problems(r.text, english=locale == "en")
            assert problems == [], f"{locale} {path}: {problems}"
            said += text_of(r.text)
        if locale in translated:
            assert translated[locale] in said, locale
        # Belgian dates in every language, English included: 06/12/2026 13:05, never 12/6/26 or AM/PM.
        assert re.search(r"\b\d{2}/\d{2}/\d{4} \d{2}:\d{2}\b", said), locale
        assert not re.search(r"\b\d{1,2}/\d{1,2}/\d{2}\b|\b[AP]M\b", said), locale


def test_the_audit_log_in_words(store: Store, demo_client: TestClient) -> None:
    client = demo_client
    page = client.get("/desk/login").text
    page = _post(client, "/desk/login", {"name": "admin", "password": "demo-admin-pass"}, page)
    (cid,) = _comment_ids(store)[:1]
    page = client.get(f"/desk/comments/{cid}").text
    _post(client, f"/desk/comments/{cid}/decide", {"action": "report", "reason": "te grof"}, page)
    page = client.get("/desk/settings").text
    _post(client, "/desk/language", {"locale": "fr", "next": "/desk/audit"}, page)
    audit = text_of(client.get("/desk/audit?action=decision.override").text)
    assert "décision : une autre étape" in audit, audit[:3000]
    assert re.search(r"décision: #\d+", audit), audit[:3000]
    assert "signalements: la plateforme" in audit, audit[:3000]
    assert "étape: masquer et signaler" in audit, audit[:3000]


# --- every reason the core gives has its sentence on the desk -------------------------------------------

_CODE = re.compile(r'"((?:policy|triage|error|raids)\.[a-z_.]+|crisis\.match_[a-z_]+)"')
_SUGGESTED = re.compile(r'why_not = \(\s*"([a-z_]+)"')


def _codes_in_source() -> set[str]:
    codes: set[str] = set()
    # The crisis desk's matches explain themselves too (hierniet.crisis.matching, issue 15).
    for folder in ("policy", "triage", "services", "raids", "crisis"):
        for path in (SRC / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            # Reasons are built with Reason(...) or, for hate against a group, by rules.common.hate_against(...).
            if "Reason(" not in text and "hate_against(" not in text:
                continue
            codes |= {c for c in _CODE.findall(text) if not c.endswith(".")}
            codes |= {f"policy.suggested.{c}" for c in _SUGGESTED.findall(text)}
    return codes


def test_every_reason_code_has_a_desk_sentence() -> None:
    codes = _codes_in_source()
    assert len(codes) > 60, codes
    missing = sorted(codes - set(reasons.MESSAGES))
    assert missing == [], f"add a sentence for these to hierniet.web.desk.reasons.MESSAGES: {missing}"
    unused = sorted(c for c in reasons.MESSAGES if c.split(":")[0] not in codes)
    assert unused == [], f"no code gives these reasons any more: {unused}"


def _said_in(locale: str, reason: str) -> str:
    i18n.set_locale(locale)
    try:
        return reasons.explain(reason)
    finally:
        i18n.set_locale(i18n.DEFAULT_LOCALE)


def test_the_policys_reasons_are_said_in_each_language() -> None:
    """The policy's reasons for verdicts of every label and severity, on every platform, with a history: each
    is a Reason the desk says in nl, fr and de (never its English text), with no code left in it."""
    policy = default_policy()
    now = datetime(2026, 3, 10, 12, tzinfo=UTC)
    history = [
        HistoryEntry(datetime(2026, 3, 1, tzinfo=UTC), CharterStep.HIDE, (Label.INSULT,), comment_id="old"),
        HistoryEntry(datetime(2026, 3, 2, tzinfo=UTC), CharterStep.BLOCK, (Label.INSULT,), by_person=True),
    ]
    seen: dict[str, str] = {}
    for label in Label:
        for severity in Severity:
            for platform in Platform:
                verdict = Verdict(
                    comment_id="c1",
                    language=Language.OTHER if severity == Severity.LOW else Language.NL,
                    language_confidence=0.4 if severity == Severity.MEDIUM else 0.95,
                    labels=(label, Label.CRITICISM) if severity == Severity.HIGH else (label,),
                    scores={label: 0.55 if severity == Severity.NONE else 0.97, Label.CRITICISM: 0.6},
                    severity=severity,
                    target=Target.RELIGION if label is Label.HATE else None,
                    evidence=(),
                    pii=(),
                    model_version="test",
                )
                for past in ((), history):
                    rec = recommend(verdict, past, policy, platform, now=now, author_in_belgium=bool(past))
                    for reason in rec.reasons:
                        assert isinstance(reason, Reason), reason
                        seen.setdefault(reason.code, reason)
    assert len(seen) >= 20, sorted(seen)
    for code, reason in seen.items():
        for locale in ("nl", "fr", "de"):
            said = _said_in(locale, reason)
            assert said != str(reason), (locale, code, said)
            assert not RAW.search(said) and "_" not in said, (locale, code, said)


def test_triages_reasons_are_said_in_each_language(real_triage: object) -> None:
    from hierniet.demo.builder import load_comments

    comments = [Comment(id=str(n), text=c.text) for n, c in enumerate(load_comments())]
    verdicts = real_triage.classify(comments)  # type: ignore[attr-defined]
    found = [r for v in verdicts for r in v.reasons]
    assert len({r.code for r in found if isinstance(r, Reason)}) >= 8
    for reason in found:
        assert isinstance(reason, Reason), reason
        for locale in ("nl", "fr", "de"):
            said = _said_in(locale, reason)
            assert said != str(reason), (locale, reason.code, said)
            assert not RAW.search(said), (locale, reason.code, said)


def test_every_audit_action_the_services_write_has_words() -> None:
    """The audit page and the API's `action_text` say each action in words: a new action without them would
    show its code (as `decision.undo` and `user.filter_saved` did)."""
    from hierniet.services.views import DecisionKind
    from hierniet.web.desk.audit_words import ACTIONS

    src = Path(__file__).resolve().parents[2] / "src" / "hierniet"
    written = {
        m
        for path in src.rglob("*.py")
        for m in re.findall(r'action="([a-z_]+\.[a-z_.]+)"', path.read_text(encoding="utf-8"))
    }
    written |= {f"decision.{kind.value}" for kind in DecisionKind if kind is not DecisionKind.CLEAR_AUTHOR}
    assert "decision.undo" in written and "user.filter_saved" in written
    missing = sorted(written - set(ACTIONS))
    assert missing == [], f"give these audit actions words in hierniet.web.desk.audit_words.ACTIONS: {missing}"
