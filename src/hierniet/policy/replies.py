"""Reply texts per language, step and label: plain data in replies/<language>.yaml.

A template is looked up as steps.<step>.<label>, falling back to
steps.<step>.default. Templates are `string.Template` strings; the variables
they may use are VARIABLES below, filled from the organisation's policy.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from string import Template

import yaml

from hierniet.domain import CharterStep, Label, Language
from hierniet.policy.schema import REPLY_LANGUAGES, Policy

#: The variables a template may use, and where each comes from.
VARIABLES: dict[str, str] = {
    "organisation": "organisation.signature, else the organisation's name",
    "charter_url": "charter.urls.<language> with the #section of the label",
    "customer_service": "organisation.customer_service.<language>",
    "helpline_name": "helplines.<language>.name",
    "helpline_phone": "helplines.<language>.phone",
    "helpline_url": "helplines.<language>.url",
}

#: Steps that produce no reply text at all.
SILENT_STEPS: frozenset[CharterStep] = frozenset({CharterStep.NONE})


class ReplyTemplateError(ValueError):
    """A reply template file that is broken; names the file, the entry and the fix."""


@dataclass(frozen=True, slots=True)
class ReplyTemplates:
    language: str
    steps: dict[CharterStep, dict[str, Template]]

    def template(self, step: CharterStep, label: Label) -> Template | None:
        by_label = self.steps.get(step)
        if not by_label:
            return None
        return by_label.get(label.value) or by_label.get("default")


def reply_language(language: Language | str, policy: Policy) -> str:
    """The language a reply is written in: the comment's when hierniet writes it, else the organisation's."""
    value = str(language)
    return value if value in REPLY_LANGUAGES else policy.organisation.language


@functools.cache
def templates(language: str) -> ReplyTemplates:
    """The templates of one language, read from the package on first use."""
    if language not in REPLY_LANGUAGES:
        raise ReplyTemplateError(
            f"no reply templates for language {language!r}; use one of {', '.join(REPLY_LANGUAGES)}"
        )
    name = f"replies/{language}.yaml"
    text = resources.files("hierniet.policy").joinpath(name).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or not isinstance(data.get("steps"), dict):
        raise ReplyTemplateError(f"{name}: expected a `steps:` section; see replies/en.yaml for the layout")
    if data.get("language") != language:
        raise ReplyTemplateError(f"{name}: `language:` must be {language!r}, found {data.get('language')!r}")
    steps: dict[CharterStep, dict[str, Template]] = {}
    known_labels = {label.value for label in Label} | {"default"}
    for step_name, by_label in data["steps"].items():
        try:
            step = CharterStep(step_name)
        except ValueError:
            raise ReplyTemplateError(
                f"{name}: steps.{step_name} is not a charter step; use one of "
                f"{', '.join(s.value for s in CharterStep)}"
            ) from None
        if not isinstance(by_label, dict) or "default" not in by_label:
            raise ReplyTemplateError(
                f"{name}: steps.{step_name} needs a `default:` text for labels without their own"
            )
        steps[step] = {}
        for label_name, text_value in by_label.items():
            if label_name not in known_labels:
                raise ReplyTemplateError(
                    f"{name}: steps.{step_name}.{label_name} is not a label; use default or one of "
                    f"{', '.join(label.value for label in Label)}"
                )
            template = Template(" ".join(str(text_value).split()))
            unknown = set(template.get_identifiers()) - set(VARIABLES)
            if unknown or not template.is_valid():
                raise ReplyTemplateError(
                    f"{name}: steps.{step_name}.{label_name} uses unknown variables {sorted(unknown)}; "
                    f"the variables are {', '.join('$' + v for v in VARIABLES)} (write $$ for a dollar sign)"
                )
            steps[step][label_name] = template
    return ReplyTemplates(language=language, steps=steps)


def variables(label: Label, language: str, policy: Policy) -> dict[str, str]:
    """Every template variable for a reply about `label` in `language`."""
    helpline = policy.helplines[language]  # type: ignore[index]
    return {
        "organisation": policy.organisation.signs_as,
        "charter_url": policy.charter.url_for(language, label),
        "customer_service": policy.organisation.customer_service[language],  # type: ignore[index]
        "helpline_name": helpline.name,
        "helpline_phone": helpline.phone,
        "helpline_url": helpline.url or helpline.phone,
    }


def render_reply(step: CharterStep, label: Label, language: Language | str, policy: Policy) -> str:
    """The reply for `step` about `label`, in `language` (or the organisation's), filled in; "" for none."""
    if step in SILENT_STEPS:
        return ""
    lang = reply_language(language, policy)
    template = templates(lang).template(step, label)
    if template is None:
        return ""
    return template.substitute(variables(label, lang, policy))
