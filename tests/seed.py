"""The desk's test data, shared by the web tests (tests/web/desk_fixtures.py, and the security and connector
tests that use its pages) and the browser tests (tests/browser/conftest.py): the people's password, the
made-up slur, the triage that reports it, and the few comments every desk page test starts from."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from functools import cache

from hierniet.domain import Comment, Evidence, EvidenceSource, Label, Language, Verdict
from hierniet.services.auth import CLI_ACTOR, hash_password
from hierniet.services.ingest import ingest
from hierniet.store.repo import Store
from store.dbfixtures import FakeTriage, item

PASSWORD = "correct horse battery staple"
#: A made-up word standing for a slur: the seed's triage gives it as hate evidence from the slur lexicon.
SLUR = "xslurx"


@cache
def password_hash() -> str:
    """One scrypt hash of PASSWORD for every test (hashing costs tens of milliseconds on purpose)."""
    return hash_password(PASSWORD)


class SeedTriage(FakeTriage):
    """The fake triage of tests/store/dbfixtures.py, plus hate evidence from the slur lexicon on the made-up
    word SLUR, and the language hint taken as the comment's language."""

    def classify(self, comments: Sequence[Comment]) -> list[Verdict]:
        out = []
        for comment, verdict in zip(comments, super().classify(comments), strict=True):
            at = comment.text.find(SLUR)
            if at >= 0:
                evidence = Evidence(
                    at, at + len(SLUR), Label.HATE, EvidenceSource.LEXICON, f"nl/slur:{SLUR} (nl/slur.tsv:1)", SLUR
                )
                verdict = dataclasses.replace(verdict, evidence=(evidence,))
            if comment.language_hint in ("fr", "en", "de"):
                verdict = dataclasses.replace(verdict, language=Language(comment.language_hint))
            out.append(verdict)
        return out


def seed_comments(store: Store, channel_id: int, other_channel_id: int | None = None) -> dict[str, int]:
    """Five comments on `channel_id`, one a day from 1 March 2026 (ok1, ins1, ins2 in French, hate1 with the
    slur, thr1), each by its own author, and one ("other") on `other_channel_id` when given; ids by key."""
    ch = channel_id
    items = [
        item("ok1", "Hoe laat gaat het zwembad open?", channel_id=ch, author="a1", day=1),
        item("ins1", "insult: jij idioot", channel_id=ch, author="a2", day=2),
        item("ins2", "insult: stomme ezel", channel_id=ch, author="a3", day=3, language="fr"),
        item("hate1", f"hate: die {SLUR} moeten weg", channel_id=ch, author="a4", day=4),
        item("thr1", "threat: ik weet waar je woont", channel_id=ch, author="a5", day=5),
    ]
    if other_channel_id is not None:
        items.append(item("other", "insult: elders", channel_id=other_channel_id, author="z9", day=6))
    result = ingest(store, SeedTriage(), items, actor=CLI_ACTOR)
    assert not result.rejected, result.rejected
    return {c.external_id: c.comment_id for c in result.created}
