"""Benchmark of alerts to the leads (issue 13, item 5): how long the worker takes to tell an organisation's
leads of one critical threat, each in an e-mail of their own and in their language, over a real SMTP server.

    python bench/alerts.py [--leads 50] [--alerts 20]

A fresh SQLite file (temporary) migrated to head, one organisation, `--leads` leads with an address (their
desk languages nl, fr, de, en and none in turn) plus one configured address, and `--alerts` comments that a
stand-in classifier calls critical threats. An aiosmtpd server on loopback takes the mail. Prints the median
and worst wall-clock time of one alert's delivery, the e-mails and recipients the server got, and whether
every address got exactly one e-mail per alert. Run by hand, never as a timed test.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
from aiosmtpd.controller import Controller

from hierniet.domain import Comment, Evidence, EvidenceSource, Label, Language, Severity, Verdict
from hierniet.services import admin, alerts
from hierniet.services.auth import CLI_ACTOR
from hierniet.services.ingest import ingest
from hierniet.settings import Settings
from hierniet.store import repo
from hierniet.store.db import make_engine
from hierniet.store.migrate import upgrade
from hierniet.store.repo import Store
from hierniet.store.tables import User

LOCALES = ("nl", "fr", "de", "en", None)


class ThreatEverywhere:
    """Every comment is a critical threat: each one queues one alert."""

    def classify(self, comments: Sequence[Comment]) -> list[Verdict]:
        scores = {label: 0.01 for label in Label}
        scores[Label.THREAT] = 0.97
        return [
            Verdict(
                comment_id=c.id,
                language=Language.NL,
                language_confidence=0.9,
                labels=(Label.THREAT,),
                scores=scores,
                severity=Severity.CRITICAL,
                target=None,
                evidence=(Evidence(0, 4, Label.THREAT, EvidenceSource.LEXICON, "bench", c.text[:4]),),
                pii=(),
                model_version="bench",
                reasons=("bench: threat",),
            )
            for c in comments
        ]


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[list[str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(list(envelope.rcpt_tos))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=50)
    parser.add_argument("--alerts", type=int, default=20)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="hierniet-alerts-bench-"))
    inbox, port = _Inbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        store = Store(make_engine(f"sqlite:///{folder / 'bench.db'}"))
        upgrade(store.engine)
        with store.transaction() as tx:
            org = repo.add_organisation(tx, slug="stad-gent", name="Stad Gent", policy_yaml=None)
            channel = repo.add_channel(
                tx,
                organisation_id=org.id,
                platform="facebook",
                external_id="gent",
                name="gent",
                policy_yaml=None,
                credentials_ref=None,
            )
        for n in range(args.leads):
            user = admin.create_user(
                store, CLI_ACTOR, name=f"lead{n}", role="lead", organisation_id=org.id, email=f"lead{n}@example.org"
            )
            with store.transaction() as tx:
                row = tx.get(User, user.id)
                assert row is not None
                row.locale = LOCALES[n % len(LOCALES)]
        items = [{"id": f"t{n}", "text": f"dreiging {n}", "channel_id": channel.id} for n in range(args.alerts)]
        ingest(store, ThreatEverywhere(), items, actor=CLI_ACTOR)
        settings = Settings(
            smtp_host="127.0.0.1",
            smtp_port=port,
            smtp_starttls=False,
            alert_email_to="team@example.org",
            public_url="https://desk.example.org",
        )
        times = []
        with httpx.Client() as http:
            for _ in range(args.alerts):
                start = time.perf_counter()
                report = alerts.deliver_due(store, settings, http, alerts.DeliveryOptions(batch=1))
                times.append((time.perf_counter() - start) * 1000)
                assert report.done == 1, report.errors
        told = Counter(r for rcpts in inbox.messages for r in rcpts)
        exactly_once = set(told.values()) == {args.alerts} and len(told) == args.leads + 1
        print(f"{args.leads} leads + 1 configured address, {args.alerts} alerts (SQLite, aiosmtpd on loopback)")
        print(f"one alert's delivery: median {statistics.median(times):.1f} ms, worst {max(times):.1f} ms")
        print(f"e-mails sent: {len(inbox.messages)}, recipients: {sum(told.values())}, addresses: {len(told)}")
        print(f"every address told exactly once per alert: {'yes' if exactly_once else 'NO'}")
    finally:
        controller.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
