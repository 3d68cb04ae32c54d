"""Reply templates: every step x label x language renders, with its charter link, helpline, variables."""

from __future__ import annotations

import itertools
from importlib import resources

import pytest
import yaml

from hierniet.domain import CharterStep, Label, Language
from hierniet.policy import default_policy, parse_policy, render_reply
from hierniet.policy.replies import VARIABLES, ReplyTemplateError, templates

LANGS = ("nl", "fr", "en", "de")
REPLYING_STEPS = [s for s in CharterStep if s is not CharterStep.NONE]
MAX_LENGTH = 320  # "polite, short": a few sentences, readable on a phone


@pytest.mark.parametrize(
    ("step", "label", "lang"), list(itertools.product(REPLYING_STEPS, list(Label), LANGS))
)
def test_every_step_label_language_renders(step: CharterStep, label: Label, lang: str) -> None:
    policy = default_policy()
    text = render_reply(step, label, lang, policy)
    assert text, f"no reply for {step}/{label}/{lang}"
    assert "$" not in text, f"unfilled variable in {step}/{label}/{lang}: {text}"
    assert len(text) <= MAX_LENGTH, f"{step}/{label}/{lang} is {len(text)} characters"
    assert "  " not in text and text == text.strip()
    if step is CharterStep.CARE:
        helpline = policy.helplines[lang]  # type: ignore[index]
        assert helpline.phone in text and helpline.url in text
        assert policy.organisation.name in text
    else:
        assert policy.charter.url_for(lang, label) in text


@pytest.mark.parametrize("lang", LANGS)
def test_none_step_has_no_reply(lang: str) -> None:
    for label in Label:
        assert render_reply(CharterStep.NONE, label, lang, default_policy()) == ""


@pytest.mark.parametrize("lang", LANGS)
def test_criticism_reply_routes_to_customer_service_and_links_its_section(lang: str) -> None:
    policy = default_policy()
    text = render_reply(CharterStep.REPLY, Label.CRITICISM, lang, policy)
    assert policy.organisation.customer_service[lang] in text  # type: ignore[index]
    assert text.endswith(policy.organisation.name)
    assert "#criticism" in text


@pytest.mark.parametrize(
    ("lang", "phone", "name"),
    [
        ("nl", "1813", "Zelfmoordlijn"),
        ("fr", "0800 32 123", "Centre de Prévention du Suicide"),
        ("en", "02 648 40 14", "Community Help Service"),
        ("de", "108", "Telefonhilfe"),
    ],
)
def test_self_harm_gets_the_helpline_of_its_language(lang: str, phone: str, name: str) -> None:
    text = render_reply(CharterStep.CARE, Label.SELF_HARM, lang, default_policy())
    assert phone in text and name in text


def test_replies_are_in_their_language() -> None:
    policy = default_policy()
    markers = {"nl": "huisregels", "fr": "charte", "en": "house rules", "de": "Hausregeln"}
    for lang, word in markers.items():
        for label in Label:
            assert word in render_reply(CharterStep.REFER, label, lang, policy)


def test_label_specific_texts_differ_from_the_default() -> None:
    policy = default_policy()
    for lang in LANGS:
        hate = render_reply(CharterStep.REFER, Label.HATE, lang, policy)
        insult = render_reply(CharterStep.REFER, Label.INSULT, lang, policy)
        assert hate.split("http")[0] != insult.split("http")[0]


def test_other_language_falls_back_to_the_organisation_language() -> None:
    policy = parse_policy("extends: default\norganisation:\n  language: fr\n", source="fr.yaml")
    text = render_reply(CharterStep.REFER, Label.INSULT, Language.OTHER, policy)
    assert text == render_reply(CharterStep.REFER, Label.INSULT, "fr", policy)
    assert "/fr/code-of-conduct#insult" in text


def test_organisation_variables_are_filled() -> None:
    policy = parse_policy(
        "extends: default\norganisation:\n  name: Stad Voorbeeld\n  customer_service:\n"
        "    nl: https://voorbeeld.be/contact\n",
        source="org.yaml",
    )
    text = render_reply(CharterStep.REPLY, Label.CRITICISM, "nl", policy)
    assert "https://voorbeeld.be/contact" in text and "Stad Voorbeeld" in text


def test_charter_url_uses_site_url_for_project_pages() -> None:
    policy = parse_policy(
        "extends: default\ncharter:\n  site_url: https://mod.example.be/\n", source="s.yaml"
    )
    text = render_reply(CharterStep.REFER, Label.HATE, "en", policy)
    assert "https://mod.example.be/en/code-of-conduct#hate" in text


def test_template_files_share_one_layout() -> None:
    layouts = {}
    for lang in LANGS:
        raw = resources.files("hierniet.policy").joinpath(f"replies/{lang}.yaml").read_text(encoding="utf-8")
        data = yaml.safe_load(raw)
        assert data["language"] == lang
        layouts[lang] = {step: sorted(by_label) for step, by_label in data["steps"].items()}
    assert all(layout == layouts["en"] for layout in layouts.values()), "languages differ in steps or labels"
    assert set(layouts["en"]) == {s.value for s in REPLYING_STEPS}


def test_templates_use_only_known_variables() -> None:
    for lang in LANGS:
        for by_label in templates(lang).steps.values():
            for template in by_label.values():
                assert set(template.get_identifiers()) <= set(VARIABLES)


def test_unknown_language_is_a_clear_error() -> None:
    with pytest.raises(
        ReplyTemplateError, match="no reply templates for language 'it'; use one of nl, fr, en, de"
    ):
        templates("it")
