"""Alerts to the lead (hierniet.services.alerts): queued once per comment and kind by ingestion, delivered
by the worker to a real SMTP server (aiosmtpd) and real HTTP webhooks on loopback, retried on failure, and
never carrying the comment's text or its author."""

from __future__ import annotations

import json
import random
import socket
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from connectors.fakeserver import FakePlatform, Reply
from hierniet.services import admin, alerts, alerts_text
from hierniet.services.auth import CLI_ACTOR
from hierniet.services.ingest import ingest
from hierniet.services.outbox import Worker, WorkerOptions
from hierniet.settings import Settings
from hierniet.store import repo
from hierniet.store.tables import Alert, AuditEntry, User, utcnow
from store.dbfixtures import Desk, FakeTriage, item

THREAT_TEXT = "threat: ik weet waar je woont, Jan"
DISTRESS_TEXT = "selfharm: ik kan niet meer"
AUTHOR = "Piet Geheim"


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[_Inbox, int]]:
    inbox = _Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def hooks() -> Iterator[FakePlatform]:
    with FakePlatform() as fake:
        fake.route("POST", r"/hook/.*", lambda req: Reply(200, {"ok": True}))
        yield fake


def _settings(port: int, fake: FakePlatform, **extra: Any) -> Settings:
    webhooks = [{"url": f"{fake.url}/hook/{fmt}", "format": fmt} for fmt in ("slack", "teams", "matrix")]
    values: dict[str, Any] = {
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "smtp_starttls": False,
        "smtp_from": "desk@example.org",
        "alert_email_to": "lead@example.org, second@example.org",
        "alert_webhooks": json.dumps(webhooks),
        "public_url": "https://desk.example.org/",
        **extra,
    }
    return Settings(**values)


def _ingest(desk: Desk, *records: dict[str, object]) -> dict[str, int]:
    result = ingest(desk.store, FakeTriage(), list(records), actor=CLI_ACTOR)
    assert not result.rejected, result.rejected
    return {c.external_id: c.comment_id for c in result.created}


def _alerts(desk: Desk) -> list[Alert]:
    with desk.store.session() as s:
        return list(s.scalars(select(Alert).order_by(Alert.id)))


def test_alert_kinds_follow_the_issue() -> None:
    assert alerts.alert_kinds(["threat"], 4) == ["threat"]
    assert alerts.alert_kinds(["threat"], 3) == []
    assert alerts.alert_kinds(["self_harm"], 1) == ["self_harm"]
    assert alerts.alert_kinds(["threat", "self_harm"], 4) == ["threat", "self_harm"]
    assert alerts.alert_kinds(["insult", "hate"], 4) == []


def test_ingestion_queues_one_alert_per_comment_and_kind(desk: Desk) -> None:
    ids = _ingest(
        desk,
        item("t1", THREAT_TEXT, channel_id=desk.channel_id, author_name=AUTHOR),
        item("s1", DISTRESS_TEXT, channel_id=desk.channel_id, day=2),
        item("i1", "insult: idioot", channel_id=desk.channel_id, day=3),
    )
    # The same comments again (a platform's retry): duplicates, no second alert.
    again = ingest(
        desk.store,
        FakeTriage(),
        [
            item("t1", THREAT_TEXT, channel_id=desk.channel_id),
            item("s1", DISTRESS_TEXT, channel_id=desk.channel_id, day=2),
        ],
        actor=CLI_ACTOR,
    )
    assert len(again.duplicates) == 2
    rows = _alerts(desk)
    assert [(a.comment_id, a.kind, a.severity, a.status) for a in rows] == [
        (ids["t1"], "threat", 4, "queued"),
        (ids["s1"], "self_harm", 3, "queued"),
    ]
    assert all(a.organisation_id == desk.organisation_id and a.channel_id == desk.channel_id for a in rows)


def test_an_edit_into_a_threat_is_alerted_once(desk: Desk) -> None:
    ids = _ingest(desk, item("e1", "Hoe laat open?", channel_id=desk.channel_id))
    assert _alerts(desk) == []
    ingest(desk.store, FakeTriage(), [item("e1", THREAT_TEXT, channel_id=desk.channel_id)], actor=CLI_ACTOR)
    ingest(desk.store, FakeTriage(), [item("e1", THREAT_TEXT + "!", channel_id=desk.channel_id)], actor=CLI_ACTOR)
    assert [(a.comment_id, a.kind) for a in _alerts(desk)] == [(ids["e1"], "threat")]


def test_delivery_by_email_and_three_webhook_formats_without_the_text(
    desk: Desk, smtp: tuple[_Inbox, int], hooks: FakePlatform
) -> None:
    inbox, port = smtp
    ids = _ingest(desk, item("t1", THREAT_TEXT, channel_id=desk.channel_id, author="jan99", author_name=AUTHOR))
    settings = _settings(port, hooks)
    with httpx.Client() as http:
        report = alerts.deliver_due(desk.store, settings, http)
    assert (report.claimed, report.done, report.retried, report.failed) == (1, 1, 0, 0)

    link = f"https://desk.example.org/desk/comments/{ids['t1']}"
    assert len(inbox.messages) == 1
    sender, recipients, raw = inbox.messages[0]
    assert sender == "desk@example.org"
    assert sorted(recipients) == ["lead@example.org", "second@example.org"]
    mail = message_from_bytes(raw)
    body = mail.get_payload(decode=True).decode()  # type: ignore[union-attr]
    # The configured addresses and the webhooks read the policy's language (the default policy's: nl).
    assert mail["Subject"] == "hierniet: Ernstige bedreiging bij Stad Gent" and mail["Content-Language"] == "nl"
    assert link in body and "4 (kritiek)" in body and "gent (facebook)" in body

    slack = hooks.calls("POST", "/hook/slack")[0].json
    assert set(slack) == {"text"} and f"<{link}|Openen op de desk>" in slack["text"]
    teams = hooks.calls("POST", "/hook/teams")[0].json
    card = teams["attachments"][0]
    assert teams["type"] == "message" and card["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert card["content"]["type"] == "AdaptiveCard"
    assert card["content"]["actions"] == [{"type": "Action.OpenUrl", "title": "Openen op de desk", "url": link}]
    facts = {f["title"]: f["value"] for f in card["content"]["body"][1]["facts"]}
    assert facts["Ernst"] == "4 (kritiek)" and facts["Organisatie"] == "Stad Gent"
    matrix = hooks.calls("POST", "/hook/matrix")[0].json
    assert set(matrix) == {"text", "html", "username"} and f'href="{link}"' in matrix["html"]

    everything = raw + b"".join(r.body for r in hooks.requests)
    for secret in ("ik weet waar je woont", "Jan", AUTHOR, "jan99"):
        assert secret.encode() not in everything, secret

    [alert] = _alerts(desk)
    assert alert.status == "done" and alert.attempts == 1 and len(alert.delivered) == 5
    # Webhook addresses are secrets: only digests of them are stored.
    assert not any(hooks.url in key for key in alert.delivered)
    with desk.store.session() as s:
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "alert.done")).one()
    assert audit.subject_id == str(ids["t1"]) and audit.detail["kind"] == "threat"
    assert audit.organisation_id == desk.organisation_id


def test_a_failing_webhook_is_retried_without_telling_the_others_twice(
    desk: Desk, smtp: tuple[_Inbox, int], hooks: FakePlatform
) -> None:
    inbox, port = smtp
    _ingest(desk, item("s1", DISTRESS_TEXT, channel_id=desk.channel_id))
    hooks.fail("POST", r"/hook/teams", [Reply(503, {}), Reply(500, {})])
    settings = _settings(port, hooks)
    rng = random.Random(1)
    with httpx.Client() as http:
        first = alerts.deliver_due(desk.store, settings, http, rng=rng)
        assert (first.done, first.retried) == (0, 1)
        [alert] = _alerts(desk)
        assert alert.status == "queued" and alert.attempts == 1 and alert.not_before > utcnow()
        assert "teams webhook" in (alert.last_error or "") and hooks.url not in (alert.last_error or "")
        # Not due yet: nothing happens.
        assert alerts.deliver_due(desk.store, settings, http, rng=rng).claimed == 0
        later = utcnow() + timedelta(hours=2)
        second = alerts.deliver_due(desk.store, settings, http, now=later, rng=rng)
        assert (second.claimed, second.retried) == (1, 1)
        third = alerts.deliver_due(desk.store, settings, http, now=later + timedelta(hours=2), rng=rng)
        assert third.done == 1
    assert len(inbox.messages) == 1
    assert len(hooks.calls("POST", "/hook/slack")) == 1
    assert len(hooks.calls("POST", "/hook/matrix")) == 1
    assert len(hooks.calls("POST", "/hook/teams")) == 3
    [alert] = _alerts(desk)
    assert alert.status == "done" and alert.attempts == 3 and alert.last_error is None


def test_an_unreachable_smtp_server_gives_up_after_the_last_attempt(desk: Desk, hooks: FakePlatform) -> None:
    _ingest(desk, item("t1", THREAT_TEXT, channel_id=desk.channel_id))
    settings = _settings(_free_port(), hooks, alert_webhooks=None)
    options = alerts.DeliveryOptions(max_attempts=2, timeout_s=2)
    now = utcnow()
    with httpx.Client() as http:
        assert alerts.deliver_due(desk.store, settings, http, options, now=now).retried == 1
        assert alerts.deliver_due(desk.store, settings, http, options, now=now + timedelta(days=1)).failed == 1
        assert alerts.deliver_due(desk.store, settings, http, options, now=now + timedelta(days=2)).claimed == 0
    [alert] = _alerts(desk)
    assert alert.status == "failed" and alert.delivered == [] and "e-mail" in (alert.last_error or "")
    with desk.store.session() as s:
        assert s.scalars(select(AuditEntry).where(AuditEntry.action == "alert.failed")).one()


def test_the_policy_adds_its_own_targets(desk: Desk, hooks: FakePlatform, smtp: tuple[_Inbox, int]) -> None:
    inbox, port = smtp
    policy = (
        "extends: default\nalerts:\n  email: [gent-lead@example.org]\n"
        f"  webhooks: [{{url: '{hooks.url}/hook/own', format: slack}}]\n"
    )
    with desk.store.transaction() as tx:
        repo.get_organisation(tx, desk.organisation_id).policy_yaml = policy  # type: ignore[union-attr]
    _ingest(desk, item("t1", THREAT_TEXT, channel_id=desk.channel_id))
    settings = _settings(port, hooks, alert_email_to=None, alert_webhooks=None)
    with httpx.Client() as http:
        assert alerts.deliver_due(desk.store, settings, http).done == 1
    assert [m[1] for m in inbox.messages] == [["gent-lead@example.org"]]
    assert len(hooks.calls("POST", "/hook/own")) == 1


def test_bad_installation_settings_say_how_to_fix_them() -> None:
    with pytest.raises(alerts.AlertSettingsError, match="JSON list"):
        alerts.installation_targets(Settings(alert_webhooks='[{"url": "https://x", "format": "irc"}]'))
    with pytest.raises(alerts.AlertSettingsError, match="commas"):
        alerts.installation_targets(Settings(alert_email_to="lead example.org"))


def test_the_worker_delivers_alerts_in_its_round(desk: Desk, hooks: FakePlatform) -> None:
    _ingest(desk, item("s1", DISTRESS_TEXT, channel_id=desk.channel_id))
    settings = _settings(1, hooks, smtp_host=None, alert_email_to=None)
    with httpx.Client() as http:
        worker = Worker(desk.store, settings, WorkerOptions(poll=False, retention=False), http=http)
        report = worker.run_once()
    assert report.alerts.done == 1
    assert len(hooks.requests) == 3


def _cli(desk: Desk, monkeypatch: pytest.MonkeyPatch, **env: str) -> Any:
    import typer
    from typer.testing import CliRunner

    from hierniet.connectors.cli import worker
    from hierniet.settings import get_settings

    # `hierniet worker` as main() mounts it, alone in an app of its own (mounting twice would clash).
    app = typer.Typer()
    app.command("worker")(worker)
    app.command("noop")(lambda: None)  # two commands, so the command's name is read as on the real CLI

    monkeypatch.setenv("HIERNIET_DATABASE_URL", desk.store.engine.url.render_as_string(hide_password=False))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(app, ["worker", "--once", "--no-poll", "--no-retention"])
    finally:
        get_settings.cache_clear()


def test_the_worker_command_refuses_bad_alert_settings(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    result = _cli(desk, monkeypatch, HIERNIET_ALERT_WEBHOOKS='{"url": "https://x"}')
    assert result.exit_code == 2
    assert "HIERNIET_ALERT_WEBHOOKS must be a JSON list" in " ".join(result.output.split())


def test_the_worker_command_says_what_it_sent(desk: Desk, hooks: FakePlatform, monkeypatch: pytest.MonkeyPatch) -> None:
    _ingest(desk, item("t1", THREAT_TEXT, channel_id=desk.channel_id))
    webhooks = json.dumps([{"url": f"{hooks.url}/hook/slack", "format": "slack"}])
    result = _cli(desk, monkeypatch, HIERNIET_ALERT_WEBHOOKS=webhooks)
    assert result.exit_code == 0, result.output
    assert "alerts to the lead: 1 sent, 0 to retry, 0 given up" in " ".join(result.output.split())
    assert len(hooks.calls("POST", "/hook/slack")) == 1


# --- the organisation's leads, in their language (issue 13, item 5) ---------------------------------------------


def _person(desk: Desk, name: str, role: str, email: str | None, *, locale: str | None = None, **extra: Any) -> int:
    """A person made as an admin makes one (services.admin), with a desk language as the desk's switch sets it."""
    organisation_id = extra.pop("organisation_id", desk.organisation_id)
    root = desk.actors["root"]
    user = admin.create_user(desk.store, root, name=name, role=role, organisation_id=organisation_id, email=email)
    with desk.store.transaction() as tx:
        row = tx.get(User, user.id)
        assert row is not None
        row.locale = locale
        row.active = extra.pop("active", True)
    return user.id


def _mails(inbox: _Inbox) -> dict[str, list[Any]]:
    """Each recipient's e-mails, parsed."""
    got: dict[str, list[Any]] = {}
    for _, recipients, raw in inbox.messages:
        for r in recipients:
            got.setdefault(r.lower(), []).append(message_from_bytes(raw))
    return got


def _body(mail: Any) -> str:
    return str(mail.get_payload(decode=True).decode())


def test_leads_are_told_at_their_address_in_their_language_each_once(
    desk: Desk, smtp: tuple[_Inbox, int], hooks: FakePlatform
) -> None:
    inbox, port = smtp
    _person(desk, "lea", "lead", "Lea.Lead@example.org", locale="fr")
    _person(desk, "lars", "lead", "lars@example.org")  # no desk language: the policy's (nl)
    _person(desk, "lena", "lead", "lena@example.org", locale="de")
    _person(desk, "lou", "lead", None, locale="fr")  # no address: not told
    _person(desk, "mo", "moderator", "mo@example.org")
    _person(desk, "ada", "admin", "ada@example.org")
    _person(desk, "root2", "admin", "root2@example.org", organisation_id=None)
    _person(desk, "otto", "lead", "otto@example.org", organisation_id=desk.other_organisation_id)
    _person(desk, "olga", "lead", "olga@example.org", active=False)
    ids = _ingest(desk, item("t1", THREAT_TEXT, channel_id=desk.channel_id, author="jan99", author_name=AUTHOR))
    # A configured address that is also a lead's (another case) is told once, as the lead, in French.
    settings = _settings(port, hooks, alert_email_to="team@example.org, lea.lead@EXAMPLE.org")
    with httpx.Client() as http:
        assert alerts.deliver_due(desk.store, settings, http).done == 1

    got = _mails(inbox)
    assert sorted(got) == ["lars@example.org", "lea.lead@example.org", "lena@example.org", "team@example.org"]
    assert all(len(mails) == 1 for mails in got.values())
    link = f"https://desk.example.org/desk/comments/{ids['t1']}"
    [fr] = got["lea.lead@example.org"]
    assert fr["Subject"] == "hierniet : Menace critique chez Stad Gent" and fr["Content-Language"] == "fr"
    assert fr["To"] == "Lea.Lead@example.org"  # an e-mail of their own: no colleague's address on it
    assert "Gravité: 4 (critique)" in _body(fr)
    assert f"Ouvrez-le sur le desk (connectez-vous d'abord) : {link}" in _body(fr)
    [de] = got["lena@example.org"]
    assert de["Subject"] == "hierniet: Kritische Drohung bei Stad Gent" and "Schweregrad: 4 (kritisch)" in _body(de)
    for address in ("lars@example.org", "team@example.org"):
        [nl] = got[address]
        assert nl["Subject"] == "hierniet: Ernstige bedreiging bij Stad Gent" and "Ernst: 4 (kritiek)" in _body(nl)
    assert got["team@example.org"][0]["To"] == "team@example.org"
    for _, _, raw in inbox.messages:
        for secret in ("ik weet waar je woont", AUTHOR, "jan99"):
            assert secret.encode() not in raw, secret

    [alert] = _alerts(desk)
    mail_keys = sorted(k for k in alert.delivered if k.startswith("mail:"))
    assert mail_keys == [f"mail:{a}" for a in sorted(got)]
    with httpx.Client() as http:
        # Done: nothing is sent again.
        assert alerts.deliver_due(desk.store, settings, http, now=utcnow() + timedelta(days=1)).claimed == 0
    assert len(inbox.messages) == 4


class _Refusing(_Inbox):
    """An SMTP server that refuses some recipients for a while (450: mailbox busy, try again)."""

    def __init__(self, refused: set[str]) -> None:
        super().__init__()
        self.refused = refused

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address in self.refused:
            return "450 mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_a_retry_after_an_smtp_failure_tells_only_those_not_told_yet(desk: Desk, hooks: FakePlatform) -> None:
    inbox = _Refusing({"lars@example.org", "second@example.org"})
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        _person(desk, "lea", "lead", "lea@example.org", locale="en")
        _person(desk, "lars", "lead", "lars@example.org", locale="nl")
        _ingest(desk, item("s1", DISTRESS_TEXT, channel_id=desk.channel_id))
        settings = _settings(port, hooks, alert_webhooks=None)
        now = utcnow()
        with httpx.Client() as http:
            first = alerts.deliver_due(desk.store, settings, http, now=now, rng=random.Random(1))
            assert (first.done, first.retried) == (0, 1)
            [alert] = _alerts(desk)
            assert sorted(alert.delivered) == ["mail:lea@example.org", "mail:lead@example.org"]
            assert "refused 1 recipient(s)" in (alert.last_error or "")
            inbox.refused.clear()
            second = alerts.deliver_due(desk.store, settings, http, now=now + timedelta(hours=2))
            assert second.done == 1
    finally:
        controller.stop()
    got = _mails(inbox)
    assert sorted(got) == ["lars@example.org", "lea@example.org", "lead@example.org", "second@example.org"]
    assert all(len(mails) == 1 for mails in got.values()), {a: len(m) for a, m in got.items()}
    assert got["lea@example.org"][0]["Subject"].startswith("hierniet: Someone may be in distress (self-harm)")
    assert "Een zorgzaam antwoord met de hulplijn" in _body(got["lars@example.org"][0])
    [alert] = _alerts(desk)
    assert alert.status == "done" and alert.attempts == 2 and len(alert.delivered) == 4


def _policy(language: str) -> str:
    return (
        "extends: default\norganisation:\n  name: Stad Gent\n"
        f"  language: {language}\n  customer_service: {{nl: x, fr: x, en: x, de: x}}\n"
    )


def test_admins_are_told_only_when_the_policy_asks_for_it(
    desk: Desk, smtp: tuple[_Inbox, int], hooks: FakePlatform
) -> None:
    inbox, port = smtp
    _person(desk, "ada", "admin", "ada@example.org", locale="de")
    _person(desk, "root2", "admin", "root2@example.org", organisation_id=None, locale="en")
    _person(desk, "otto", "admin", "otto@example.org", organisation_id=desk.other_organisation_id)
    settings = _settings(port, hooks, alert_email_to=None, alert_webhooks=None)
    _ingest(desk, item("t1", THREAT_TEXT, channel_id=desk.channel_id))
    with httpx.Client() as http:
        report = alerts.deliver_due(desk.store, settings, http)
    # Nobody to tell: no lead has an address and no admin is asked for; the error says how to fix it.
    assert report.retried == 1 and inbox.messages == []
    assert "give the organisation's leads an e-mail address" in report.errors[0]

    policy = _policy("fr") + "alerts:\n  admins: true\n"
    with desk.store.transaction() as tx:
        repo.get_organisation(tx, desk.organisation_id).policy_yaml = policy  # type: ignore[union-attr]
    _ingest(desk, item("t2", THREAT_TEXT, channel_id=desk.channel_id, day=2))
    with httpx.Client() as http:
        assert alerts.deliver_due(desk.store, settings, http, now=utcnow() + timedelta(days=1)).done == 2
    got = _mails(inbox)
    assert sorted(got) == ["ada@example.org", "root2@example.org"]
    assert [len(m) for m in got.values()] == [2, 2]
    assert {m["Content-Language"] for m in got["ada@example.org"]} == {"de"}
    assert {m["Content-Language"] for m in got["root2@example.org"]} == {"en"}


def test_webhooks_read_the_policy_language(desk: Desk, hooks: FakePlatform) -> None:
    policy = _policy("de")
    with desk.store.transaction() as tx:
        repo.get_organisation(tx, desk.organisation_id).policy_yaml = policy  # type: ignore[union-attr]
    _ingest(desk, item("t1", THREAT_TEXT, channel_id=desk.channel_id))
    settings = _settings(1, hooks, smtp_host=None, alert_email_to=None)
    with httpx.Client() as http:
        assert alerts.deliver_due(desk.store, settings, http).done == 1
    assert "Kritische Drohung" in hooks.calls("POST", "/hook/slack")[0].json["text"]
    teams = hooks.calls("POST", "/hook/teams")[0].json["attachments"][0]["content"]
    assert teams["actions"][0]["title"] == "Im Desk öffnen"
    assert "Schweregrad" in hooks.calls("POST", "/hook/matrix")[0].json["html"]


def test_without_an_smtp_server_the_leads_are_skipped_not_failed(desk: Desk, hooks: FakePlatform) -> None:
    _person(desk, "lea", "lead", "lea@example.org")
    _ingest(desk, item("t1", THREAT_TEXT, channel_id=desk.channel_id))
    _ingest(desk, item("t2", THREAT_TEXT, channel_id=desk.channel_id, day=2))
    with_hooks = _settings(1, hooks, smtp_host=None, alert_email_to=None)
    alone = _settings(1, hooks, smtp_host=None, alert_email_to=None, alert_webhooks=None)
    with httpx.Client() as http:
        # Webhooks only: the lead's address does not fail the alert ...
        assert alerts.deliver_due(desk.store, with_hooks, http, alerts.DeliveryOptions(batch=1)).done == 1
        # ... but with nothing else to tell, the alert is not "done": it says how to reach someone.
        report = alerts.deliver_due(desk.store, alone, http)
    assert report.retried == 1 and "HIERNIET_SMTP_HOST" in report.errors[0]
    first, second = _alerts(desk)
    assert first.status == "done" and "mail:lea@example.org" not in first.delivered
    assert second.status == "queued"


def test_every_alert_sentence_is_in_the_four_languages() -> None:
    english = alerts_text.TEXTS["en"]
    assert set(alerts_text.TEXTS) == {"nl", "fr", "de", "en"} == set(alerts_text.LANGUAGES)
    for lang, table in alerts_text.TEXTS.items():
        assert set(table) == set(english), lang
        for key, sentence in table.items():
            assert sentence.strip(), (lang, key)
            assert alerts_text.placeholders(sentence) == alerts_text.placeholders(english[key]), (lang, key)
        if lang != "en":
            assert table["kind.threat"] != english["kind.threat"] and table["open.link"] != english["open.link"]
    for kind in alerts.KINDS:
        assert f"kind.{kind}" in english
    assert alerts_text.language("fr-BE") == "fr"
    assert alerts_text.language(None, "de") == "de"
    assert alerts_text.language("es", None) == "en"
