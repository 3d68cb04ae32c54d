"""Alerts to the lead (issue 13, part 5): a critical threat (threat, severity 4) or someone in distress
(self_harm) is told at once by e-mail and/or webhooks (Teams, Slack, Matrix).

Ingestion queues an alert in the transaction that stores the verdict (`alert_rows` + repo_alerts.add_alerts,
one row per comment and kind, so a comment seen twice alerts once); the worker delivers it (`deliver_due`)
with a lease, retries with backoff and an audit line, as the outbox does for platform calls. Slow or down
SMTP servers and webhooks thus never slow ingestion.

An alert says what, where, how severe, when, and links to the comment on the desk; it never carries the
comment's text nor its author's name: an e-mail or a chat message travels through systems the organisation
does not control, and the person reading the alert has to sign in to the desk to see the comment.

Who is told by e-mail: the installation's addresses (HIERNIET_ALERT_EMAIL_TO), the policy's (`alerts.email`)
and the organisation's active leads who have an address (`users.email`; its admins and the admins of every
organisation too when the policy says `alerts.admins: true`). A person reads the alert in their desk
language (`users.locale`), else the policy's language; the configured addresses and the webhooks read the
policy's language (hierniet.services.alerts_text). Each address is told once: `delivered` keys recipients by
their lower-cased address, so a retry after a failure tells only those the SMTP server did not take yet.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import smtplib
import socket
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

import httpx
from pydantic import TypeAdapter, ValidationError

from hierniet.domain import Label, Severity
from hierniet.policy.schema import AlertWebhook
from hierniet.services import alerts_text
from hierniet.services.policies import policy_for
from hierniet.settings import Settings
from hierniet.store import repo, repo_alerts
from hierniet.store.tables import utcnow

log = logging.getLogger("hierniet.alerts")

#: The kinds of alert: a threat of critical severity, and a person in distress.
THREAT = "threat"
SELF_HARM = "self_harm"
#: A raid found by the raid detector (issue 14, hierniet.services.raids): the alert links to the raid's page.
RAID = "raid"
KINDS: tuple[str, ...] = (THREAT, SELF_HARM, RAID)



def alert_kinds(labels: Iterable[str], severity: int) -> list[str]:
    """The alerts a verdict calls for."""
    labels = set(labels)
    kinds = []
    if Label.THREAT in labels and severity >= Severity.CRITICAL:
        kinds.append(THREAT)
    if Label.SELF_HARM in labels:
        kinds.append(SELF_HARM)
    return kinds


def alert_rows(
    comment_id: int, organisation_id: int, channel_id: int, labels: Iterable[str], severity: int, now: datetime
) -> list[dict[str, Any]]:
    """The rows to queue (repo_alerts.add_alerts) for one stored verdict; none for most."""
    return [
        {
            "comment_id": comment_id,
            "organisation_id": organisation_id,
            "channel_id": channel_id,
            "kind": kind,
            "severity": int(severity),
            "created_at": now,
            "status": repo_alerts.QUEUED,
            "attempts": 0,
            "not_before": now,
            "delivered": [],
        }
        for kind in alert_kinds(labels, severity)
    ]


# --- the message --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AlertMessage:
    """Everything an alert says: no comment text, no author."""

    kind: str
    organisation: str
    channel: str
    platform: str
    severity: int
    at: datetime
    comment_id: int
    link: str | None
    # The raid an alert of kind "raid" is about: the alert names the raid, not its first comment.
    raid_id: int | None = None
    #: The language it is written in (alerts_text.LANGUAGES).
    language: str = alerts_text.FALLBACK

    def t(self, key: str, **values: object) -> str:
        return alerts_text.text(self.language, key, **values)

    def in_language(self, language: str) -> AlertMessage:
        return replace(self, language=language)

    @property
    def kind_words(self) -> str:
        return self.t(f"kind.{self.kind}") if self.kind in KINDS else self.kind

    @property
    def title(self) -> str:
        return self.t("title", kind=self.kind_words, organisation=self.organisation)

    @property
    def open_words(self) -> str:
        """The words of the link to the desk (a button or a link in a chat)."""
        return self.t("open.button")

    def facts(self) -> list[tuple[str, str]]:
        severity = self.t(f"severity.{self.severity}") if 0 <= self.severity <= 4 else "?"
        return [
            (self.t("fact.kind"), self.kind_words),
            (self.t("fact.organisation"), self.organisation),
            (self.t("fact.channel"), f"{self.channel} ({self.platform})"),
            (self.t("fact.severity"), f"{self.severity} ({severity})"),
            (self.t("fact.when"), self.at.strftime("%Y-%m-%d %H:%M UTC")),
            (self.t("fact.raid"), f"#{self.raid_id}")
            if self.raid_id is not None
            else (self.t("fact.comment"), f"#{self.comment_id}"),
        ]

    def text(self) -> str:
        lines = [self.title, "", *(f"{k}: {v}" for k, v in self.facts()), ""]
        if self.link:
            lines.append(self.t("open.link", link=self.link))
        elif self.raid_id is not None:
            lines.append(self.t("open.raid", id=self.raid_id))
        else:
            lines.append(self.t("open.comment", id=self.comment_id))
        if self.kind == SELF_HARM:
            lines.append(self.t("self_harm.care"))
        return "\n".join(lines)


def _escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def webhook_payload(message: AlertMessage, fmt: str) -> dict[str, Any]:
    """The JSON body of one webhook format: Slack incoming webhooks, a Teams workflow (an Adaptive Card), a
    Matrix hookshot webhook."""
    if fmt == "slack":
        link = f"\n<{message.link}|{message.open_words}>" if message.link else ""
        facts = "\n".join(f"*{k}:* {v}" for k, v in message.facts())
        return {"text": f"{message.title}\n{facts}{link}"}
    if fmt == "teams":
        card: dict[str, Any] = {
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "type": "AdaptiveCard",
            "version": "1.4",
            "body": [
                {"type": "TextBlock", "text": message.title, "weight": "Bolder", "wrap": True},
                {"type": "FactSet", "facts": [{"title": k, "value": v} for k, v in message.facts()]},
            ],
        }
        if message.link:
            card["actions"] = [{"type": "Action.OpenUrl", "title": message.open_words, "url": message.link}]
        return {
            "type": "message",
            "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "content": card}],
        }
    if fmt == "matrix":
        rows = "".join(f"<li><b>{_escape(k)}:</b> {_escape(v)}</li>" for k, v in message.facts())
        link = f'<p><a href="{_escape(message.link)}">{_escape(message.open_words)}</a></p>' if message.link else ""
        html = f"<p><b>{_escape(message.title)}</b></p><ul>{rows}</ul>{link}"
        return {"text": message.text(), "html": html, "username": "hierniet"}
    raise ValueError(f"unknown webhook format {fmt!r}: use teams, slack or matrix")


# --- targets ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Recipient:
    """One address an alert goes to, and the language it is written in there."""

    address: str
    language: str
    #: A person of the desk (a lead) rather than a configured address: they get an e-mail of their own, so that
    #: nobody learns a colleague's private address from the To line.
    personal: bool = False


@dataclass(frozen=True, slots=True)
class Targets:
    emails: tuple[str, ...] = ()
    webhooks: tuple[AlertWebhook, ...] = ()
    #: Every address told by e-mail (the configured ones and the people), each once; see targets_for.
    recipients: tuple[Recipient, ...] = ()
    #: The language of the configured addresses and of the webhooks: the policy's.
    language: str = alerts_text.FALLBACK

    def mail(self) -> tuple[Recipient, ...]:
        # Targets made from the settings alone (installation_targets) list only `emails`.
        return self.recipients or tuple(Recipient(a, self.language) for a in self.emails)

    def keys(self) -> list[str]:
        return [email_key(r.address) for r in self.mail()] + [webhook_key(w) for w in self.webhooks]


def email_key(address: str) -> str:
    return f"mail:{address.lower()}"


def webhook_key(hook: AlertWebhook) -> str:
    # A webhook's address is its secret (whoever has it may post): only a digest of it is stored.
    return f"hook:{hook.format}:{hashlib.sha256(hook.url.encode()).hexdigest()[:16]}"


class AlertSettingsError(ValueError):
    """HIERNIET_ALERT_WEBHOOKS or HIERNIET_ALERT_EMAIL_TO cannot be read; the message says how to fix it."""


def installation_targets(settings: Settings) -> Targets:
    emails = tuple(a.strip() for a in (settings.alert_email_to or "").split(",") if a.strip())
    for address in emails:
        if "@" not in address:
            raise AlertSettingsError(
                f"HIERNIET_ALERT_EMAIL_TO: {address!r} is not an e-mail address; separate addresses with commas"
            )
    hooks: tuple[AlertWebhook, ...] = ()
    if settings.alert_webhooks and settings.alert_webhooks.strip():
        try:
            hooks = tuple(TypeAdapter(list[AlertWebhook]).validate_json(settings.alert_webhooks))
        except ValidationError as exc:
            raise AlertSettingsError(
                "HIERNIET_ALERT_WEBHOOKS must be a JSON list such as "
                '[{"url": "https://hooks.slack.com/services/...", "format": "slack"}] (formats: teams, slack, '
                f"matrix): {exc.errors()[0]['msg']}"
            ) from None
    return Targets(emails, hooks)


def targets_for(settings: Settings, alert: repo_alerts.ClaimedAlert) -> Targets:
    """The installation's targets, those of the organisation's (or the channel's) policy and the people of
    the organisation who are told (its leads; its admins and every organisation's with `alerts.admins`), each
    address once. An address that is both configured and a person's is told as the person, in their language.
    """
    base = installation_targets(settings)
    policy = policy_for(alert.channel_policy, alert.organisation_policy)
    language = alerts_text.language(policy.organisation.language)
    emails = tuple(dict.fromkeys([*base.emails, *policy.alerts.email]))
    hooks = tuple({webhook_key(h): h for h in (*base.webhooks, *policy.alerts.webhooks)}.values())
    recipients: dict[str, Recipient] = {}
    for person in alert.people:
        if person.role == "lead" or (policy.alerts.admins and person.role == "admin"):
            told = Recipient(person.email, alerts_text.language(person.locale, language), personal=True)
            recipients.setdefault(email_key(person.email), told)
    for address in emails:
        recipients.setdefault(email_key(address), Recipient(address, language))
    return Targets(emails, hooks, tuple(recipients.values()), language)


# --- delivery ---------------------------------------------------------------------------------------------


@dataclass
class AlertReport:
    claimed: int = 0
    done: int = 0
    retried: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class DeliveryOptions:
    worker_id: str = field(default_factory=lambda: f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}")
    batch: int = 50
    lease_s: float = 120.0
    max_attempts: int = 8
    backoff_base_s: float = 30.0
    backoff_max_s: float = 3600.0
    timeout_s: float = 10.0


def _backoff(attempts: int, options: DeliveryOptions, rng: random.Random) -> float:
    ceiling = min(options.backoff_max_s, options.backoff_base_s * float(2 ** max(0, attempts - 1)))
    return ceiling / 2 + rng.random() * ceiling / 2


def message_for(
    settings: Settings, alert: repo_alerts.ClaimedAlert, language: str = alerts_text.FALLBACK
) -> AlertMessage:
    page = f"raids/{alert.raid_id}" if alert.raid_id is not None else f"comments/{alert.comment_id}"
    link = f"{settings.public_url.rstrip('/')}/desk/{page}" if settings.public_url else None
    return AlertMessage(
        kind=alert.kind,
        organisation=alert.organisation_name,
        channel=alert.channel_name,
        platform=alert.platform,
        severity=alert.severity,
        at=alert.created_at,
        comment_id=alert.comment_id,
        link=link,
        raid_id=alert.raid_id,
        language=language,
    )


def _mail(settings: Settings, message: AlertMessage, recipients: Sequence[str]) -> EmailMessage:
    mail = EmailMessage()
    mail["Subject"] = message.title
    mail["From"] = settings.smtp_from
    mail["To"] = ", ".join(recipients)
    mail.set_content(message.text())
    # After set_content, which drops the Content-* headers set before it.
    mail["Content-Language"] = message.language
    return mail


def send_emails(
    settings: Settings, mails: Sequence[tuple[AlertMessage, Sequence[str]]], timeout: float
) -> tuple[set[str], list[str]]:
    """Send these e-mails over one SMTP connection; the recipients the server took, and what went wrong.

    What was taken before a failure counts (the caller records it, so a retry does not send it again); a
    broken connection stops the rest, which the next attempt sends.
    """
    if not settings.smtp_host:
        return set(), ["e-mail: HIERNIET_SMTP_HOST is not set: no alert e-mail can be sent"]
    accepted: set[str] = set()
    errors: list[str] = []
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_user:
                password = settings.smtp_password.get_secret_value() if settings.smtp_password else ""
                smtp.login(settings.smtp_user, password)
            for message, recipients in mails:
                try:
                    refused = smtp.send_message(_mail(settings, message, recipients), to_addrs=list(recipients))
                except smtplib.SMTPRecipientsRefused as exc:
                    refused = exc.recipients
                except smtplib.SMTPResponseException as exc:
                    # The server refused this message (e.g. 552, too big), not the connection: try the others.
                    errors.append(f"e-mail: {type(exc).__name__}: {exc.smtp_code}")
                    continue
                taken = {r for r in recipients if r not in refused}
                accepted |= taken
                if len(taken) < len(recipients):
                    errors.append(f"the SMTP server refused {len(recipients) - len(taken)} recipient(s)")
    except (OSError, smtplib.SMTPException) as exc:
        errors.append(f"e-mail: {type(exc).__name__}: {exc}")
    return accepted, errors


def send_webhook(http: httpx.Client, hook: AlertWebhook, message: AlertMessage, timeout: float) -> None:
    response = http.post(
        hook.url,
        content=json.dumps(webhook_payload(message, hook.format)),
        headers={"Content-Type": "application/json"},
        timeout=timeout,
    )
    if response.status_code >= 300:
        raise RuntimeError(f"the {hook.format} webhook answered {response.status_code}")


def deliver_due(
    store: repo.Store,
    settings: Settings,
    http: httpx.Client,
    options: DeliveryOptions | None = None,
    *,
    now: datetime | None = None,
    rng: random.Random | None = None,
) -> AlertReport:
    """Deliver the alerts that are due (one batch): each target told once, failures retried with backoff."""
    options = options or DeliveryOptions()
    rng = rng or random.Random()
    now = now or utcnow()
    report = AlertReport()
    with store.session() as s:
        candidates = repo_alerts.due_alerts(s, now, options.batch)
    won = []
    for alert_id in candidates:
        with store.transaction() as tx:
            if repo_alerts.claim(tx, alert_id, options.worker_id, now, now + timedelta(seconds=options.lease_s)):
                won.append(alert_id)
    with store.session() as s:
        claimed = repo_alerts.claimed(s, options.worker_id, won)
    report.claimed = len(claimed)
    for alert in claimed:
        _deliver_one(store, settings, http, options, rng, alert, report)
    return report


def _mails(message: AlertMessage, pending: Sequence[Recipient]) -> list[tuple[AlertMessage, list[str]]]:
    """The e-mails for these recipients: one of their own for each person, one per language for the
    configured addresses (shared inboxes the installation or the policy names together)."""
    mails: list[tuple[AlertMessage, list[str]]] = []
    shared: dict[str, list[str]] = {}
    for r in pending:
        if r.personal:
            mails.append((message.in_language(r.language), [r.address]))
        else:
            shared.setdefault(r.language, []).append(r.address)
    mails += [(message.in_language(language), addresses) for language, addresses in shared.items()]
    return mails


def _deliver_one(
    store: repo.Store,
    settings: Settings,
    http: httpx.Client,
    options: DeliveryOptions,
    rng: random.Random,
    alert: repo_alerts.ClaimedAlert,
    report: AlertReport,
) -> None:
    delivered = set(alert.delivered)
    errors: list[str] = []
    try:
        targets = targets_for(settings, alert)
    except AlertSettingsError as exc:
        targets, errors = Targets(), [str(exc)]
    message = message_for(settings, alert, targets.language)
    pending = [r for r in targets.mail() if email_key(r.address) not in delivered]
    skipped: set[str] = set()
    if not settings.smtp_host and any(r.personal for r in pending):
        # An installation that sends no e-mail (webhooks only) does not fail every alert because a lead has an
        # address; configured addresses still do, since someone asked for e-mail there.
        log.warning("alert %s: HIERNIET_SMTP_HOST is not set, the leads' addresses are not told", alert.id)
        skipped = {email_key(r.address) for r in pending if r.personal}
        pending = [r for r in pending if not r.personal]
    if pending:
        accepted, mail_errors = send_emails(settings, _mails(message, pending), options.timeout_s)
        delivered |= {email_key(a) for a in accepted}
        errors += mail_errors
    for hook in targets.webhooks:
        if webhook_key(hook) in delivered:
            continue
        try:
            send_webhook(http, hook, message, options.timeout_s)
            delivered.add(webhook_key(hook))
        except (httpx.HTTPError, RuntimeError) as exc:
            # The address may hold the hook's secret: the error names the format, never the URL.
            errors.append(f"{hook.format} webhook: {type(exc).__name__}")
    if not set(targets.keys()) - skipped and not errors:
        errors.append(
            "no one to tell: give the organisation's leads an e-mail address (`hierniet user email NAME ADDRESS`) "
            "and set HIERNIET_SMTP_HOST, set HIERNIET_ALERT_EMAIL_TO or HIERNIET_ALERT_WEBHOOKS, or `alerts:` in "
            "the policy"
        )
    now = utcnow()
    values: dict[str, Any] = {"delivered": sorted(delivered), "last_error": "; ".join(errors)[:2000] or None}
    if not errors:
        values |= {"status": "done", "finished_at": now}
        report.done += 1
    elif alert.attempts >= options.max_attempts:
        values |= {"status": "failed", "finished_at": now}
        report.failed += 1
    else:
        values["not_before"] = now + timedelta(seconds=_backoff(alert.attempts, options, rng))
        report.retried += 1
    report.errors += errors
    with store.transaction() as tx:
        kept = repo_alerts.finish(tx, alert.id, options.worker_id, **values)
        if kept and values.get("status") in ("done", "failed"):
            repo.append_audit(
                tx,
                user_id=None,
                actor=f"worker:{options.worker_id}"[:100],
                action=f"alert.{values['status']}",
                subject_type="comment",
                subject_id=str(alert.comment_id),
                organisation_id=alert.organisation_id,
                detail={
                    "kind": alert.kind,
                    "severity": alert.severity,
                    "attempts": alert.attempts,
                    "targets": len(delivered),
                    "error": values["last_error"],
                },
            )
    if not kept:
        log.warning("alert %s: lease lost before its outcome was recorded", alert.id)
