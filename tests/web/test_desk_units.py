"""The desk's pure helpers: shielding, evidence segments and masked slurs, preferences, safe redirects."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from hierniet.services import desk
from hierniet.web.desk.context import safe_next

SLUR = {"start": 4, "end": 10, "label": "hate", "source": "lexicon", "detail": "nl/slur:xslurx (nl/slur.tsv:1)"}
INSULT = {"start": 0, "end": 3, "label": "insult", "source": "lexicon", "detail": "nl/insult:die (nl/insult.tsv:2)"}
MODEL = {"start": 0, "end": 20, "label": "hate", "source": "model", "detail": "model score 0.9"}


def test_what_is_severe_and_how_it_is_shielded() -> None:
    blur, mask, show = (desk.Preferences(shield=s) for s in ("blur", "mask", "show"))
    assert desk.is_severe(["insult"], 3) and desk.is_severe(["doxxing"], 1) and not desk.is_severe(["insult"], 2)
    assert desk.shield_for(["hate"], 3, blur) == "blur"
    assert desk.shield_for(["threat"], 4, mask) == "mask"
    assert desk.shield_for(["threat"], 4, show) is None
    assert desk.shield_for(["spam"], 1, blur) is None
    assert desk.read_preferences({"shield": "mask"}) == mask
    assert desk.read_preferences({"shield": "odd"}) == desk.read_preferences(None) == blur


def test_segments_mark_evidence_and_mask_slurs() -> None:
    text = "die xslurx moeten weg"
    parts = desk.segments(text, [SLUR, INSULT, MODEL])
    assert [(p.text, [m.label for m in p.marks]) for p in parts] == [
        ("die", ["insult"]),
        (" ", []),
        ("xslurx", ["hate"]),
        (" moeten weg", []),
    ]
    assert parts[2].title == "hate · lexicon (nl/slur:xslurx (nl/slur.tsv:1))"
    masked = desk.segments(text, [SLUR, INSULT], mask_slurs=True)
    assert "".join(p.text for p in masked) == "die x••••• moeten weg"
    assert [p.masked for p in masked] == [False, False, True, False]
    short = desk.segments(text, [SLUR], limit=6)
    assert "".join(p.text for p in short) == "die xs…"
    assert desk.segments("abc", [{"start": 2, "end": 9, "source": "lexicon"}, {"start": "x"}]) == [desk.Segment("abc")]


def test_overlapping_evidence_is_cut_at_every_boundary() -> None:
    wide = {"start": 0, "end": 10, "label": "insult", "source": "pattern", "detail": "p"}
    parts = desk.segments("die xslurx", [wide, SLUR], mask_slurs=True)
    assert [(p.text, p.masked) for p in parts] == [("die ", False), ("x•••••", True)]


def test_the_day_starts_at_midnight_in_brussels() -> None:
    brussels = ZoneInfo("Europe/Brussels")
    start = desk.day_start(datetime(2026, 3, 2, 23, 30, tzinfo=UTC), brussels)
    assert start.isoformat() == "2026-03-03T00:00:00+01:00"
    assert desk.break_due(25, 25) and not desk.break_due(24, 25) and not desk.break_due(99, 0)


def test_redirects_stay_inside_the_desk() -> None:
    assert safe_next("/desk/comments/3?x=1") == "/desk/comments/3?x=1"
    for bad in ("https://evil.example/", "//evil.example/desk/", "/api/v1/queue", "", None, "/desk/\r\nX: y"):
        assert safe_next(bad) == "/desk/"
