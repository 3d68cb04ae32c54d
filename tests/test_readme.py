"""The README stays true: every setting is in its configuration table (an undocumented setting is a bug)."""

from __future__ import annotations

from pathlib import Path

from hierniet.settings import Settings

README = Path(__file__).resolve().parents[1] / "README.md"


def test_every_setting_is_in_the_readme() -> None:
    text = README.read_text(encoding="utf-8")
    missing = [name for name in Settings.model_fields if f"`HIERNIET_{name.upper()}`" not in text]
    assert not missing, f"add these settings to the README's configuration table: {missing}"


def test_the_readme_names_the_two_commands_ci_runs() -> None:
    text = README.read_text(encoding="utf-8")
    assert "make demo" in text and "make test" in text
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci
