"""End-to-end tests of the `hierniet` command on small fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from hierniet.cli import _mount_subcommands, app

_mount_subcommands()
runner = CliRunner()
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def _lines(output: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def test_classify_jsonl_keeps_ids_and_skips_bad_rows(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        '{"id": "a1", "text": "Jij bent een vuile klootzak"}\n'
        "this is not json\n"
        '{"id": "a2"}\n'
        '{"id": "a3", "text": "Merci pour la réponse rapide !"}\n'
        '{"text": "Ik weet waar je woont, 0472 12 34 56"}\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["classify", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "line 2" in result.output and "invalid JSON" in result.output
    assert "line 3" in result.output and "no 'text' field" in result.output
    rows = _lines(out.read_text(encoding="utf-8"))
    assert [r["id"] for r in rows] == ["a1", "a3", "5"]
    assert "insult" in rows[0]["labels"]
    assert rows[1]["labels"] == ["ok"] and rows[1]["language"] == "fr"
    assert "threat" in rows[2]["labels"]
    phone = rows[2]["pii"][0]
    assert phone["kind"] == "phone" and phone["value"] == "+32472123456"
    for row in rows:
        assert set(row) >= {"id", "language", "labels", "scores", "severity", "target", "evidence", "pii", "model"}
        for evidence in row["evidence"]:
            assert set(evidence) >= {"start", "end", "label", "source"}


def test_classify_csv_with_named_columns_and_policy(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text(
        'comment_id,body\nc1,"Moslims zijn ratten, buiten ermee"\nc2,"WEERAL VERTRAGING, kutservice!"\n',
        encoding="utf-8",
    )
    result = runner.invoke(
        app, ["classify", str(source), "--text-column", "body", "--id-column", "comment_id", "--policy", "default"]
    )
    assert result.exit_code == 0, result.output
    hate, complaint = _lines(result.stdout)
    assert hate["id"] == "c1" and "hate" in hate["labels"] and hate["target"] == "religion"
    assert hate["recommendation"]["step"] in {"hide", "hide_report", "block", "police"}
    assert complaint["labels"] == ["criticism"]
    assert complaint["recommendation"]["step"] == "reply"


def test_classify_reads_stdin_and_rejects_a_wrong_column() -> None:
    result = runner.invoke(app, ["classify", "-"], input='{"id": 1, "text": "Je sais où tu habites"}\n')
    assert result.exit_code == 0, result.output
    assert "threat" in _lines(result.stdout)[0]["labels"]
    bad = runner.invoke(
        app, ["classify", "-", "--input-format", "csv", "--text-column", "body"], input="id,text\n1,hi\n"
    )
    assert bad.exit_code == 2 and "no 'body' column" in bad.output


def test_classify_missing_file() -> None:
    result = runner.invoke(app, ["classify", "/nonexistent/comments.jsonl"])
    assert result.exit_code == 2 and "no such file" in result.output


def test_evaluate_prints_figures(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    rows = [
        {"id": "1", "lang": "nl", "text": "Jij bent een vuile klootzak", "labels": ["insult"]},
        {"id": "2", "lang": "nl", "text": "Weeral vertraging, kutservice", "labels": ["criticism"], "action": "reply"},
        {"id": "3", "lang": "fr", "text": "Je sais où tu habites", "labels": ["threat"]},
        {"id": "4", "lang": "fr", "text": "Merci beaucoup !", "labels": ["ok"], "action": "hide"},
    ]
    gold.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["evaluate", str(gold), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["n"] == 4
    assert report["per_label"]["insult"]["recall"] == 1.0
    assert report["criticism_fp_rate"] == 0.0
    assert set(report["by_language"]) == {"nl", "fr"}
    # Two rows carry a gold charter step: the complaint's reply agrees, the thanks (gold 'hide') does not.
    assert report["steps"]["n"] == 2 and report["steps"]["agreement"] == 0.5
    assert report["steps"]["confusions"] == [{"gold": "hide", "recommended": "none", "count": 1}]
    human = runner.invoke(app, ["evaluate", str(gold)])
    assert "abuse macro-F1" in human.stdout and "charter step agreement 50.0%" in human.stdout


def test_policy_default_round_trips_through_validate(tmp_path: Path) -> None:
    printed = runner.invoke(app, ["policy", "default"])
    assert printed.exit_code == 0, printed.output
    policy = tmp_path / "policy.yaml"
    policy.write_text(printed.stdout, encoding="utf-8")
    result = runner.invoke(app, ["policy", "validate", str(policy)])
    assert result.exit_code == 0, result.output
    broken = tmp_path / "broken.yaml"
    broken.write_text(printed.stdout.replace("window_days: 90", "window_days: -3"), encoding="utf-8")
    assert runner.invoke(app, ["policy", "validate", str(broken)]).exit_code == 1


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason=f"public data sets not found at {SHARED_DATA}")
def test_train_is_deterministic_and_can_leave_out_noncommercial_data(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    outputs = []
    for run in ("a", "b"):
        out = tmp_path / run
        args = ["train", "--data", str(SHARED_DATA), "-o", str(out), "--max-per-dataset", "40", "--cache", str(cache)]
        args += ["--synth-per-template", "1"]
        result = runner.invoke(app, [*args, "--commercial-only"])
        assert result.exit_code == 0, result.output
        outputs.append(out)
    first, second = (json.loads((o / "model.json").read_text()) for o in outputs)
    assert first["version"] == second["version"]
    with np.load(outputs[0] / "weights.npz") as a, np.load(outputs[1] / "weights.npz") as b:
        for key in ("coef", "intercept", "idf"):
            assert np.array_equal(a[key], b[key]), key
    names = {d["name"] for d in first["trained_on"]}
    assert "cyberagression_large_fr" not in names and "own" in names
    assert first["commercial_use_ok"] is True


def test_classify_on_two_processes_writes_the_one_process_verdicts_in_order(tmp_path: Path) -> None:
    texts = ["Jij bent een vuile klootzak", "Merci pour la réponse rapide !", "De tram is weer te laat.", "Hi!"]
    source = tmp_path / "in.jsonl"
    source.write_text(
        "".join(json.dumps({"id": f"c{i}", "text": f"{texts[i % 4]} #{i}"}) + "\n" for i in range(150)),
        encoding="utf-8",
    )
    written = {}
    for workers in ("1", "2"):
        out = tmp_path / f"out{workers}.jsonl"
        result = runner.invoke(app, ["classify", str(source), "--workers", workers, "-o", str(out)])
        assert result.exit_code == 0, result.output
        written[workers] = _lines(out.read_text(encoding="utf-8"))
    assert [r["id"] for r in written["2"]] == [f"c{i}" for i in range(150)]
    assert [r["labels"] for r in written["2"]] == [r["labels"] for r in written["1"]]
    refused = runner.invoke(app, ["classify", str(source), "--workers", "0"])
    assert refused.exit_code == 2 and "--workers" in refused.output
