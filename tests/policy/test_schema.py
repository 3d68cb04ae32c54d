"""The policy file: the default validates, broken ones fail with golden messages (file, line, field, fix)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from hierniet.domain import CharterStep, Comment, Label, Language, Platform, Severity, Verdict
from hierniet.policy import PolicyError, default_policy, default_policy_text, load_policy, parse_policy
from hierniet.policy.cli import load_policy_option, policy_app, recommendation_for
from hierniet.policy.schema import Policy

DOCS = Path(__file__).resolve().parents[2] / "docs" / "policy.md"


def _write(tmp_path: Path, text: str, name: str = "policy.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _error(path: Path) -> str:
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    return str(info.value)


def _line_of(text: str, needle: str) -> int:
    return text.splitlines().index(needle) + 1


# --- the shipped policy ----------------------------------------------------------------------------------


def test_default_policy_is_valid_and_complete() -> None:
    policy = default_policy()
    assert set(policy.labels) == set(Label)
    assert Platform.OTHER in policy.platforms
    assert set(policy.helplines) == {"nl", "fr", "en", "de"}
    # Replies link to the charter site's stable addresses (hierniet.web.site), one section per label.
    for lang in ("nl", "fr", "en", "de"):
        assert policy.charter.url_for(lang) == f"https://www.hierniet.be/{lang}/code-of-conduct"
    for label in Label:
        if label is not Label.OK:
            assert policy.charter.url_for("fr", label) == f"https://www.hierniet.be/fr/code-of-conduct#{label.value}"
    assert policy.escalation.window_days == 90
    assert policy.source == "default"


def test_default_policy_text_parses_to_the_same_policy() -> None:
    # model_dump: equal content; the private source (file name) differs on purpose.
    assert (
        parse_policy(default_policy_text(), source="copy.yaml").model_dump() == default_policy().model_dump()
    )


def test_default_policy_matches_design_helplines() -> None:
    helplines = default_policy().helplines
    assert helplines["nl"].phone == "1813"
    assert helplines["fr"].phone == "0800 32 123"
    assert helplines["de"].phone == "108"


def test_default_platform_capabilities_follow_the_issue() -> None:
    caps = default_policy().platforms
    assert not caps[Platform.LINKEDIN].hide
    assert caps[Platform.YOUTUBE].hide_action == "hold_for_review"
    assert caps[Platform.YOUTUBE].block_action == "reject_and_ban_author"
    assert caps[Platform.X].hide_action == "hide_reply"
    assert "own conversations" in caps[Platform.X].note
    assert not caps[Platform.INSTAGRAM].block


def test_single_step_applies_to_every_severity() -> None:
    rules = default_policy().label(Label.DEFAMATION)
    assert {rules.step_for(s) for s in Severity} == {CharterStep.REVIEW}


def test_step_for_takes_nearest_lower_severity() -> None:
    rules = default_policy().label(Label.INSULT)  # low: refer, high: hide
    assert [rules.step_for(s) for s in Severity] == [
        CharterStep.REFER,  # none: below every named severity -> the mildest named
        CharterStep.REFER,
        CharterStep.REFER,
        CharterStep.HIDE,
        CharterStep.HIDE,
    ]


def test_extends_default_changes_only_what_it_lists(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "extends: default\nname: acme\nversion: 7\norganisation:\n  name: Acme\n"
        "escalation:\n  window_days: 30\n",
    )
    policy = load_policy(path)
    assert policy.version_tag == "acme@7"
    assert policy.organisation.name == "Acme"
    assert policy.organisation.language == "nl"  # inherited
    assert policy.escalation.window_days == 30
    assert policy.model_dump()["labels"] == default_policy().model_dump()["labels"]
    assert policy.source == str(path)


def test_every_setting_is_documented() -> None:
    """Datasette-style meta-test: a key added to the schema without a word in docs/policy.md fails."""
    docs = DOCS.read_text(encoding="utf-8")
    models: list[type[Policy]] = [Policy]
    seen: set[str] = set()
    while models:
        model = models.pop()
        for name, info in model.model_fields.items():
            seen.add(name)
            ann = info.annotation
            for candidate in (ann, *getattr(ann, "__args__", ())):
                if (
                    isinstance(candidate, type)
                    and hasattr(candidate, "model_fields")
                    and candidate not in models
                ):
                    models.append(candidate)
    missing = sorted(name for name in seen if f"`{name}`" not in docs)
    assert not missing, f"settings not explained in docs/policy.md: {missing}"


# --- golden messages for broken policies ----------------------------------------------------------------


def test_unknown_label(tmp_path: Path) -> None:
    path = _write(tmp_path, "extends: default\nlabels:\n  insutl:\n    threshold: 0.4\n")
    assert _error(path) == (
        f"{path}, line 3, field 'labels.insutl': 'insutl' is not a label. Fix: use one of ok, criticism, "
        "insult, hate, threat, sexual, doxxing, provocation, defamation, spam, self_harm "
        "(did you mean 'insult'?)."
    )


def test_bad_threshold_out_of_range(tmp_path: Path) -> None:
    path = _write(tmp_path, "extends: default\nlabels:\n  hate:\n    threshold: 1.5\n")
    assert _error(path) == (
        f"{path}, line 4, field 'labels.hate.threshold': 1.5 is outside 0 to 1. "
        "Fix: write a score between 0 and 1, e.g. 0.5 (a score of 0.5 means 50 %)."
    )


def test_bad_threshold_not_a_number(tmp_path: Path) -> None:
    path = _write(tmp_path, "extends: default\nlabels:\n  hate:\n    threshold: 50%\n")
    assert _error(path) == (
        f"{path}, line 4, field 'labels.hate.threshold': '50%' is not a number. "
        "Fix: write a number between 0 and 1, e.g. 0.5 (no quotes, no % sign)."
    )


def test_auto_threshold_below_threshold(tmp_path: Path) -> None:
    path = _write(tmp_path, "extends: default\nlabels:\n  hate:\n    auto_threshold: 0.3\n")
    assert _error(path) == (
        f"{path}, line 4, field 'labels.hate.auto_threshold': 0.3 is below the threshold 0.5: "
        "a step could run automatically on a label that does not even count. "
        "Fix: set auto_threshold to at least 0.5."
    )


def test_missing_language(tmp_path: Path) -> None:
    text = default_policy_text()
    de_line = next(li for li in text.splitlines() if li.strip().startswith('de: "{site_url}'))
    broken = text.replace(de_line + "\n", "")
    path = _write(tmp_path, broken)
    line = _line_of(broken, "  urls:")
    assert _error(path) == (
        f"{path}, line {line}, field 'charter.urls': the language 'de' is missing; replies in de would have "
        "no link or helpline. Fix: add `de: https://www.hierniet.be` under charter.urls."
    )


def test_missing_helpline_language(tmp_path: Path) -> None:
    text = default_policy_text()
    start = text.index("  en:\n    name: Community Help Service")
    end = text.index("  de:\n    name: Telefonhilfe")
    broken = text[:start] + text[end:]
    path = _write(tmp_path, broken)
    assert _error(path) == (
        f"{path}, line {_line_of(broken, 'helplines:')}, field 'helplines': the language 'en' is missing; "
        "replies in en would have no link or helpline. Fix: add `en: {name: ..., phone: ..., url: ...}` "
        "under helplines."
    )


def test_yaml_syntax_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "extends: default\nescalation:\n  window_days: 90: days\n")
    assert _error(path) == (
        f"{path}, line 3, field 'escalation.window_days': YAML syntax error, column 18: "
        "mapping values are not allowed here. Fix: check the indentation (spaces, not tabs) "
        "and the quoting on this line and the one above; "
        "a value containing ': ' or starting with '{', '[', '*' or '&' must be in quotes."
    )


def test_yaml_tab_indentation(tmp_path: Path) -> None:
    path = _write(tmp_path, "extends: default\nescalation:\n\twindow_days: 30\n")
    message = _error(path)
    assert message.startswith(f"{path}, line 3")
    assert "YAML syntax error" in message and "spaces, not tabs" in message


def test_misspelt_key_is_one_error_with_a_suggestion(tmp_path: Path) -> None:
    text = default_policy_text().replace("  window_days: 90", "  window_dayz: 90")
    path = _write(tmp_path, text)
    assert _error(path) == (
        f"{path}, line {_line_of(text, '  window_dayz: 90')}, field 'escalation.window_dayz': "
        "'window_dayz' is not a setting here. "
        "Fix: remove it or correct its spelling (did you mean 'window_days'?); "
        "allowed here: window_days, counts."
    )


def test_unknown_step(tmp_path: Path) -> None:
    path = _write(tmp_path, "extends: default\nlabels:\n  defamation:\n    first_step: reveiw\n")
    assert _error(path) == (
        f"{path}, line 4, field 'labels.defamation.first_step': 'reveiw' is not a charter step. "
        "Fix: use one of none, reply, refer, hide, hide_report, block, police, review, care "
        "(did you mean 'review'?)."
    )


def test_unknown_severity(tmp_path: Path) -> None:
    path = _write(tmp_path, "extends: default\nlabels:\n  hate:\n    first_step:\n      meduim: hide\n")
    assert _error(path) == (
        f"{path}, line 5, field 'labels.hate.first_step.meduim': 'meduim' is not a severity. "
        "Fix: use one of none, low, medium, high, critical (did you mean 'medium'?)."
    )


def test_unknown_platform(tmp_path: Path) -> None:
    path = _write(tmp_path, "extends: default\nplatforms:\n  myspace:\n    hide: true\n")
    assert _error(path) == (
        f"{path}, line 3, field 'platforms.myspace': 'myspace' is not a platform. "
        "Fix: use one of facebook, instagram, x, linkedin, youtube, tiktok, mastodon, bluesky, other."
    )


def test_criticism_is_never_hidden(tmp_path: Path) -> None:
    path = _write(tmp_path, "extends: default\nlabels:\n  criticism:\n    first_step: hide\n")
    assert _error(path) == (
        f"{path}, line 4, field 'labels.criticism.first_step': 'hide' for criticism: the charter answers "
        "criticism, it never hides or refers it. Fix: use reply (or none)."
    )


def test_self_harm_never_automatic(tmp_path: Path) -> None:
    path = _write(tmp_path, "extends: default\nlabels:\n  self_harm:\n    auto: [care]\n")
    assert _error(path) == (
        f"{path}, line 4, field 'labels.self_harm.auto[0]': self_harm is never handled automatically "
        "(a person in distress gets a person). Fix: write `auto: []`."
    )


def test_unia_only_for_hate(tmp_path: Path) -> None:
    path = _write(tmp_path, "extends: default\nlabels:\n  insult:\n    reports:\n      unia: high\n")
    assert _error(path) == (
        f"{path}, line 5, field 'labels.insult.reports.unia': Unia handles discrimination and hate only. "
        "Fix: remove the unia line from this label."
    )


def test_ladder_must_climb(tmp_path: Path) -> None:
    path = _write(tmp_path, "extends: default\nlabels:\n  insult:\n    ladder: [hide, refer]\n")
    assert _error(path) == (
        f"{path}, line 4, field 'labels.insult.ladder': the ladder must go up, one step at a time, without "
        "repeats. Fix: order it from mildest to most serious, e.g. [refer, hide, block]."
    )


def test_retention_shorter_than_window_points_at_the_users_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "extends: default\nescalation:\n  window_days: 400\n")
    assert _error(path) == (
        f"{path}, line 3, field 'escalation.window_days': history is kept 365 days but the escalation window "
        "is 400 days: persistent authors would be forgotten too early. Fix: set history_days to at least 400."
    )


def test_duplicate_key(tmp_path: Path) -> None:
    path = _write(tmp_path, "extends: default\nescalation:\n  window_days: 90\n  window_days: 30\n")
    assert _error(path) == (
        f"{path}, line 4, field 'escalation.window_days': 'window_days' appears twice in this section "
        "(first on line 3). Fix: keep one of the two and delete the other."
    )


def test_several_problems_are_listed_together(tmp_path: Path) -> None:
    path = _write(tmp_path, "extends: default\nlabels:\n  insult:\n    threshold: 2\n  insutl: {}\n")
    message = _error(path)
    assert message.startswith(f"{path}: 2 problems in this policy:\n")
    assert f"  {path}, line 4, field 'labels.insult.threshold'" in message
    assert f"  {path}, line 5, field 'labels.insutl'" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "line 1: the file is empty."),
        ("- a\n- b\n", "line 1: a policy must be a mapping of keys"),
        ("extends: strict\n", "line 1, field 'extends': cannot extend 'strict'."),
        ("name: x\nversion: 1\n", "line 1, field 'organisation': 'organisation' is required and missing."),
        ("extends: default\nhelplines:\n  nl: 1813\n", "line 3, field 'helplines.nl': expected a section"),
        ("extends: default\npolice:\n  doxxing_with_threat: maybe\n", "'maybe' is not true or false."),
    ],
)
def test_other_broken_files(tmp_path: Path, text: str, expected: str) -> None:
    message = _error(_write(tmp_path, text))
    assert expected in message
    assert "Fix: " in message


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    assert _error(path) == f"{path}: the file does not exist. Fix: check the path, or use --policy default."


def test_every_error_names_a_line_a_field_and_a_fix(tmp_path: Path) -> None:
    broken = [
        "extends: default\nlabels:\n  spam:\n    auto: [police]\n",
        "extends: default\ncharter:\n  urls:\n    nl: www.hierniet.be\n",
        "extends: default\nreplies:\n  silent_labels: [self_harm]\n",
        "extends: default\nlabels:\n  ok:\n    reports:\n      platform: low\n",
    ]
    for i, text in enumerate(broken):
        message = _error(_write(tmp_path, text, f"p{i}.yaml"))
        assert re.match(
            rf"^{re.escape(str(tmp_path))}/p{i}\.yaml, line \d+, field '[\w.\[\]]+': .+ Fix: .+", message
        )


# --- the CLI -----------------------------------------------------------------------------------------------


def test_cli_validate_ok(tmp_path: Path) -> None:
    path = _write(tmp_path, "extends: default\nname: acme\norganisation:\n  name: Acme\n")
    result = CliRunner().invoke(policy_app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert f"{path}: valid" in result.stdout
    assert "acme@2026.3 for Acme" in result.stdout
    assert "escalation window: 90 days" in result.stdout
    assert "still the default" not in result.stdout


def test_cli_validate_warns_about_the_placeholder_name(tmp_path: Path) -> None:
    path = _write(tmp_path, "extends: default\n")
    result = CliRunner().invoke(policy_app, ["validate", str(path)])
    assert result.exit_code == 0
    assert "organisation.name is still the default" in result.stdout


def test_cli_validate_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "extends: default\nlabels:\n  insutl: {}\n")
    result = CliRunner().invoke(policy_app, ["validate", str(path)])
    assert result.exit_code == 1
    assert f"{path}, line 3, field 'labels.insutl'" in result.stderr
    assert result.stdout == ""


def test_cli_default_prints_a_valid_policy(tmp_path: Path) -> None:
    result = CliRunner().invoke(policy_app, ["default"])
    assert result.exit_code == 0
    path = _write(tmp_path, result.stdout, "copy.yaml")
    assert load_policy(path).model_dump() == default_policy().model_dump()


def test_load_policy_option(tmp_path: Path) -> None:
    assert load_policy_option("default") is default_policy()
    assert load_policy_option("Default") is default_policy()
    good = _write(tmp_path, "extends: default\nname: acme\n", "good.yaml")
    assert load_policy_option(str(good)).name == "acme"
    bad = _write(tmp_path, "extends: default\nlabels:\n  insutl: {}\n", "bad.yaml")
    with pytest.raises(typer.BadParameter, match=r"line 3, field 'labels.insutl'"):
        load_policy_option(str(bad))


def test_recommendation_for_classify(tmp_path: Path) -> None:
    verdict = Verdict(
        comment_id="1",
        language=Language.NL,
        language_confidence=0.99,
        labels=(Label.INSULT,),
        scores={Label.INSULT: 0.95},
        severity=Severity.HIGH,
        target=None,
        evidence=(),
        pii=(),
        model_version="test",
    )
    one = recommendation_for("default", "facebook")
    on_row_platform = one(verdict, Comment(id="1", text="...", platform="linkedin"))
    assert on_row_platform["step"] == "hide" and on_row_platform["actions"][0] == "delete"
    on_fallback = one(verdict, Comment(id="1", text="..."))
    assert on_fallback["platform"] == "facebook" and on_fallback["actions"][0] == "hide"
    assert set(on_fallback) >= {"step", "reports", "auto", "reply", "reasons"}
    bad = _write(tmp_path, "extends: default\nlabels:\n  insutl: {}\n", "bad.yaml")
    with pytest.raises(typer.BadParameter, match="insutl"):
        recommendation_for(str(bad), "facebook")
