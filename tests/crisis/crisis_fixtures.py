"""What the crisis desk's tests share: a card reader whose kind is spelt in the words, and posts.

`WordReader` stands in for hierniet.crisis.classify.CrisisReader in the tests of the service's own logic
(collapse into cards, matching, statuses, replies): the crisis model is being retrained in parallel by another
helper (issue 15, the crisis-model branch), and these tests must not change when its readings do. Everything
but the kind is the real engine's: needs from the shipped word lists, places from the gazetteer, the contact
from the PII detector, the language from hierniet.triage.language. tests/crisis/test_service.py also runs
the real reader end to end, and the browser test uses only the real one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hierniet.crisis.classify import Reading, find_how_many, find_when
from hierniet.crisis.places import find_places
from hierniet.crisis.words import need_words

REQUEST_WORDS = ("zoek", "nodig", "cherch", "besoin", "need", "looking for", "such", "brauch")
OFFER_WORDS = ("bied", "propos", "offer", "biete", "gratis", "kostenlos", "free")


class WordReader:
    """A reader with the real needs, places, contact and language, and a kind read from plain words."""

    def __init__(self) -> None:
        self.words = need_words()
        self.calls: list[list[str]] = []

    def read(self, texts: Sequence[str], hints: Sequence[str | None] | None = None) -> list[Reading]:
        from hierniet.triage.language import detect_languages
        from hierniet.triage.pii import find_pii

        self.calls.append(list(texts))
        languages = detect_languages(list(texts), list(hints) if hints is not None else None)
        out = []
        for text, (language, _) in zip(texts, languages, strict=True):
            low = text.lower()
            kind = (
                "offer"
                if any(w in low for w in OFFER_WORDS)
                else "request"
                if any(w in low for w in REQUEST_WORDS)
                else "info"
            )
            found = next((m for m in find_pii(text) if m.kind.value in ("phone", "email")), None)
            contact = None if found is None else {"kind": found.kind.value, "value": found.value, "text": found.text}
            out.append(
                Reading(
                    language=language.value,
                    kind=kind,  # type: ignore[arg-type]
                    kind_scores={kind: 1.0},
                    needs=self.words.needs_in(text),
                    need_scores={},
                    places=[p.as_dict() for p in find_places(text)],
                    when=find_when(text),
                    how_many=find_how_many(text),
                    contact=contact,
                )
            )
        return out


def reposts(text: str, n: int, prefix: str = "p") -> list[dict[str, Any]]:
    """`n` reposts of one message, written as people repost: prefixes, tags, a link."""
    shapes = ("{t}", "RT @buur{i}: {t}", "{t} #hasselthelpt", "Delen aub! {t}", "{t} https://t.co/x{i}")
    return [{"id": f"{prefix}{i}", "text": shapes[i % len(shapes)].format(t=text, i=i)} for i in range(n)]
