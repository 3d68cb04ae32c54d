"""`hierniet crisis classify | collapse | train` end to end on small files, bad rows included."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from hierniet.cli import _mount_subcommands, app

_mount_subcommands()
runner = CliRunner()
# ../shared/data beside the repository; a worktree elsewhere names it in HIERNIET_SHARED_DATA.
SHARED_DATA = Path(os.environ.get("HIERNIET_SHARED_DATA", Path(__file__).resolve().parents[3] / "shared" / "data"))


def _lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_classify_jsonl_reads_each_post_and_skips_bad_rows(tmp_path: Path) -> None:
    source = tmp_path / "posts.jsonl"
    huge = "water " * 20_000
    source.write_text(
        '{"id": "r1", "text": "Dringend: wij zoeken onderdak voor vier personen in Pepinster, bel 0471 12 34 56"}\n'
        "{not json\n"
        '{"id": "r3", "text": "Je propose un hébergement gratuit pour deux personnes à Namur"}\n'
        f'{{"id": "r4", "text": "{huge}"}}\n'
        '{"id": "r5"}\n'
        '{"id": "r6", "text": "Der Pegel der Weser sinkt seit heute Morgen in Eupen"}\n',
        encoding="utf-8",
    )
    out = tmp_path / "read.jsonl"
    result = runner.invoke(app, ["crisis", "classify", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "line 2: skipped" in result.output and "invalid JSON" in result.output
    assert "line 4: skipped" in result.output and "characters, more than" in result.output
    assert "line 5: skipped" in result.output and "no 'text' field" in result.output
    rows = _lines(out.read_text(encoding="utf-8"))
    assert [r["id"] for r in rows] == ["r1", "r3", "r6"]
    first, second, third = rows
    assert set(first) >= {"id", "language", "kind", "needs", "places", "contact", "when", "how_many"}
    assert first["language"] == "nl" and first["kind"] == "request"
    assert "shelter" in first["needs"]  # type: ignore[operator]
    assert [p["municipality"] for p in first["places"]] == ["Pepinster"]  # type: ignore[attr-defined, index]
    assert first["contact"] == {"kind": "phone", "value": "+32471123456", "text": "0471 12 34 56"}
    assert first["how_many"] == [{"count": 4, "of": "personen", "text": "vier personen"}]
    assert second["language"] == "fr" and second["kind"] == "offer" and "shelter" in second["needs"]  # type: ignore[operator]
    assert second["contact"] is None
    assert third["language"] == "de" and third["kind"] in ("info", "other")


def test_classify_csv_with_named_columns_and_a_missing_one(tmp_path: Path) -> None:
    source = tmp_path / "posts.csv"
    source.write_text(
        "nr;bericht\n7;Wie kan onze hond opvangen? Ons huis in Dolhain is onbewoonbaar\n8;\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["crisis", "classify", str(source), "--text-column", "bericht", "--id-column", "nr"])
    assert result.exit_code == 0, result.output
    rows = _lines(result.stdout)
    assert [r["id"] for r in rows] == ["7"]
    assert "animals" in rows[0]["needs"]  # type: ignore[operator]
    assert "line 3: skipped" in result.output
    wrong = runner.invoke(app, ["crisis", "classify", str(source)])
    assert wrong.exit_code == 2 and "no 'text' column" in wrong.output and "--text-column" in wrong.output


def test_collapse_writes_clusters_largest_first(tmp_path: Path) -> None:
    offer = "Wij bieden opvang voor 4 personen in Pepinster, bel 0471 12 34 56"
    rows = [
        {"id": "a", "text": offer, "created_at": "2021-07-15T08:00:00+02:00"},
        {"id": "b", "text": "Hulp nodig in Verviers: water en eten", "created_at": "2021-07-15T08:05:00+02:00"},
        {"id": "c", "text": "RT @jan: " + offer, "created_at": "2021-07-15T09:00:00+02:00"},
        {"id": "d", "text": offer.replace("0471 12 34 56", "0471/12.34.56"), "created_at": "gisteren"},
        {"id": "e", "text": offer + " #Vesdre", "created_at": "2021-07-15T07:30:00+02:00"},
    ]
    source = tmp_path / "posts.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = runner.invoke(app, ["crisis", "collapse", str(source)])
    assert result.exit_code == 0, result.output
    assert "line 4: skipped" in result.output and "ISO 8601" in result.output
    clusters = _lines(result.stdout)
    assert [c["count"] for c in clusters] == [3, 1]
    top = clusters[0]
    assert top["posts"] == ["a", "c", "e"] and top["text"] == offer
    assert top["first_seen"] == "2021-07-15T07:30:00+02:00" and top["last_seen"] == "2021-07-15T09:00:00+02:00"
    assert top["variant_count"] == 3


def test_collapse_of_an_empty_file_exits_1(tmp_path: Path) -> None:
    source = tmp_path / "empty.jsonl"
    source.write_text("", encoding="utf-8")
    result = runner.invoke(app, ["crisis", "collapse", str(source)])
    assert result.exit_code == 1 and "nothing read" in result.output


def test_classify_with_a_missing_model_folder_says_how_to_make_one(tmp_path: Path) -> None:
    source = tmp_path / "p.jsonl"
    source.write_text('{"id": 1, "text": "help"}\n', encoding="utf-8")
    result = runner.invoke(app, ["crisis", "classify", str(source), "--model", str(tmp_path / "none")])
    assert result.exit_code == 2 and "hierniet crisis train" in result.output


@pytest.mark.skipif(not (SHARED_DATA / "disaster_response").is_dir(), reason="needs ../shared/data")
def test_training_on_a_small_subset_is_deterministic(tmp_path: Path) -> None:
    from hierniet.crisis.train import CrisisTrainConfig, train

    cards = []
    for name in ("one", "two"):
        config = CrisisTrainConfig(
            data_dir=SHARED_DATA, out_dir=tmp_path / name, cache_dir=tmp_path / "cache",
            max_disaster=40, crisislex_per_event=2,
        )  # fmt: skip
        cards.append(train(config))
    assert cards[0]["fingerprint"] == cards[1]["fingerprint"]
    assert cards[0]["thresholds"] == cards[1]["thresholds"]
    with np.load(tmp_path / "one" / "weights.npz") as one, np.load(tmp_path / "two" / "weights.npz") as two:
        for name in one.files:
            assert np.array_equal(one[name], two[name])
