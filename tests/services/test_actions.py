"""The payloads of queued platform calls: a report names what the comment was judged to be."""

from __future__ import annotations

from datetime import UTC, datetime

from hierniet.services.actions import action_rows, payload_for, report_label


def test_a_report_carries_the_label_and_a_reason_for_the_platform() -> None:
    payload = payload_for("report", "", "self_harm")
    assert payload == {
        "to": "platform",
        "label": "self_harm",
        "reason": "self harm: reported under the Hier Niet / Pas ici charter",
    }
    assert payload_for("report", "", None) == {"to": "platform"}
    assert payload_for("reply", "Kritiek mag.", "insult") == {"text": "Kritiek mag."}
    assert payload_for("hide", "", "insult") == {}


def test_the_reported_label_is_the_first_abuse_label() -> None:
    assert report_label(["criticism", "insult", "hate"]) == "insult"
    assert report_label(["ok"]) is None
    assert report_label([]) is None


def test_action_rows_pass_the_label_to_reports_only() -> None:
    rows = action_rows(
        comment_id=1, channel_id=2, calls=["hide", "report"], reply="", now=datetime.now(UTC), label="hate"
    )
    hide, report = (r["payload"] for r in rows)
    assert hide == {}
    assert report["label"] == "hate" and "hate" in report["reason"]
