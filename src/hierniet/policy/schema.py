"""An organisation's policy: the YAML file, its pydantic model and errors that say how to fix them.

The policy is data, not code (DESIGN.md): thresholds, the charter ladder per
label, what may run automatically, what each platform can do, charter links,
helplines and retention. `load_policy` reads a file, `default_policy` the one
shipped with the package (default.yaml, documented line by line).

Every error names the file, the line, the field and a fix. Pydantic reports
error locations as paths ("labels", "insult", "threshold"); `yaml.compose`
keeps the line of every node, so the path is walked through the node tree to
find the line.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from hierniet.domain import CharterStep, Label, Language, Platform, Severity

ReplyLanguage = Literal["nl", "fr", "en", "de"]
SeverityName = Literal["none", "low", "medium", "high", "critical"]

#: The languages the charter, the replies and the helplines must cover.
REPLY_LANGUAGES: tuple[ReplyLanguage, ...] = ("nl", "fr", "en", "de")

#: Charter steps from mildest to most serious; "the most severe step wins" compares these.
#: care outranks block because a person in distress is never hidden or blocked for what else
#: they wrote; police outranks care because a credible threat to others cannot wait.
STEP_RANK: dict[CharterStep, int] = {
    CharterStep.NONE: 0,
    CharterStep.REPLY: 1,
    CharterStep.REFER: 2,
    CharterStep.REVIEW: 3,
    CharterStep.HIDE: 4,
    CharterStep.HIDE_REPORT: 5,
    CharterStep.BLOCK: 6,
    CharterStep.CARE: 7,
    CharterStep.POLICE: 8,
}

#: Steps an author can climb through by persisting.
LADDER_STEPS: tuple[CharterStep, ...] = (
    CharterStep.REFER,
    CharterStep.HIDE,
    CharterStep.HIDE_REPORT,
    CharterStep.BLOCK,
)

#: Steps that hide the comment in one way or another: never allowed for criticism or self_harm.
HIDING_STEPS: frozenset[CharterStep] = frozenset(
    {CharterStep.HIDE, CharterStep.HIDE_REPORT, CharterStep.BLOCK, CharterStep.POLICE}
)

#: Steps that need a person whatever the policy says.
NEVER_AUTO_STEPS: frozenset[CharterStep] = frozenset(
    {CharterStep.POLICE, CharterStep.REVIEW, CharterStep.CARE}
)

#: Labels whose recommendation is never applied automatically.
NEVER_AUTO_LABELS: frozenset[Label] = frozenset({Label.DEFAMATION, Label.SELF_HARM})

SEVERITY_NAMES: dict[Severity, SeverityName] = {
    Severity.NONE: "none",
    Severity.LOW: "low",
    Severity.MEDIUM: "medium",
    Severity.HIGH: "high",
    Severity.CRITICAL: "critical",
}


class _Model(BaseModel):
    # extra="forbid" turns a misspelt key into an error instead of a silently ignored setting.
    # coerce_numbers_to_str: `version: 2` and `phone: 1813` are what people write.
    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


class Organisation(_Model):
    name: str = Field(min_length=1)
    language: ReplyLanguage
    in_belgium: bool = True
    customer_service: dict[ReplyLanguage, str]
    # How replies are signed; unset, the desk signs with the organisation's name as the store knows it
    # (hierniet.services.policies), so a shared policy never signs for the wrong organisation.
    signature: str | None = Field(default=None, min_length=1)
    # The organisation's people a pile-on may aim at (a presenter, a spokesperson, an alderman), as comments
    # name them: the raid detector reads a burst of comments naming one of them, on any post, as aimed at them.
    people: tuple[str, ...] = ()

    @field_validator("people")
    @classmethod
    def _people(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for name in value:
            if len(name.strip()) < 3 or len(name) > 100:
                raise ValueError(
                    f"'{name}' is not a name a comment would use: give 3 to 100 characters, e.g. Sofie Peeters"
                )
        return tuple(name.strip() for name in value)

    @property
    def signs_as(self) -> str:
        """The name at the end of a reply."""
        return self.signature or self.name


class Charter(_Model):
    site_url: str
    urls: dict[ReplyLanguage, str]
    sections: dict[Label, str] = {}

    def url_for(self, language: str, label: Label | None = None) -> str:
        base = self.urls[language].replace("{site_url}", self.site_url.rstrip("/"))  # type: ignore[index]
        section = self.sections.get(label) if label is not None else None
        return f"{base}#{section}" if section else base


class ReportRules(_Model):
    """The lowest severity at which a label is reported to each body; absent means never."""

    platform: SeverityName | None = None
    unia: SeverityName | None = None
    police: SeverityName | None = None


class LabelPolicy(_Model):
    threshold: float = Field(ge=0.0, le=1.0)
    auto_threshold: float = Field(ge=0.0, le=1.0)
    # One step for every severity, or one per severity; a single step is stored as {"none": step}.
    first_step: dict[SeverityName, CharterStep]
    ladder: tuple[CharterStep, ...] = ()
    auto: tuple[CharterStep, ...] = ()
    reports: ReportRules = ReportRules()

    @field_validator("first_step", mode="before")
    @classmethod
    def _one_step_for_all(cls, value: Any) -> Any:
        return {"none": value} if isinstance(value, str) else value

    def step_for(self, severity: Severity) -> CharterStep:
        """The first step at this severity: the nearest severity at or below it that the policy names."""
        names = list(SEVERITY_NAMES.values())
        wanted = names.index(SEVERITY_NAMES[Severity(severity)])
        for name in reversed(names[: wanted + 1]):
            if name in self.first_step:
                return self.first_step[name]
        # Below every severity the policy names (e.g. severity "none" on an insult): use the mildest one.
        for name in names:
            if name in self.first_step:
                return self.first_step[name]
        raise AssertionError("validated policies name at least one severity")  # pragma: no cover


class Escalation(_Model):
    window_days: int = Field(ge=1, le=3650)
    counts: tuple[CharterStep, ...] = (
        CharterStep.REFER,
        CharterStep.HIDE,
        CharterStep.HIDE_REPORT,
        CharterStep.BLOCK,
        CharterStep.POLICE,
    )


class PoliceRules(_Model):
    doxxing_with_threat: bool = True


class PlatformCapabilities(_Model):
    hide: bool
    hide_action: str = "hide"
    delete: bool
    delete_action: str = "delete"
    block: bool
    block_action: str = "block"
    report: bool = True
    note: str = ""


class Helpline(_Model):
    name: str = Field(min_length=1)
    phone: str = Field(min_length=1)
    url: str = ""


class Replies(_Model):
    min_language_confidence: float = Field(0.5, ge=0.0, le=1.0)
    silent_labels: tuple[Label, ...] = (Label.SPAM,)
    #: A comment that asks a question, with nothing else to act on, gets the reply step: community managers
    #: answer questions, and an unanswered one reads as the organisation not listening.
    answer_questions: bool = True


class Retention(_Model):
    comments_days: int = Field(ge=1)
    evidence_days: int = Field(ge=1)
    history_days: int = Field(ge=1)
    pii_days: int = Field(ge=1)


class Wellbeing(_Model):
    """What the desk does for the people who read the worst comments (issue 13): break nudges, a daily cap
    on severe items offered to one person, and the labels routed to the organisation's severe rotation."""

    #: Minutes of work in the queue without a break (a gap of BREAK_GAP_MINUTES) before a break is suggested.
    break_after_minutes: int = Field(default=90, ge=0, le=1440)
    #: Severe items revealed in a day before a break is suggested; None: the installation's
    #: HIERNIET_DESK_BREAK_AFTER.
    break_after_severe: int | None = Field(default=None, ge=0, le=10000)
    #: Severe items one person may reveal in a day; past it, severe items are no longer offered to them.
    daily_severe_cap: int = Field(default=0, ge=0, le=10000)
    #: Labels whose comments go to the people on the severe rotation first.
    rotation_labels: tuple[Label, ...] = (Label.THREAT, Label.SELF_HARM)
    #: From this severity on a comment goes to the rotation whatever its labels.
    rotation_from_severity: SeverityName = "critical"


class AlertWebhook(_Model):
    url: str = Field(min_length=1)
    format: Literal["teams", "slack", "matrix"]

    @field_validator("url")
    @classmethod
    def _web_address(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("a webhook address starts with https://")
        return value


class Alerts(_Model):
    """Who is told at once of a critical threat or a person in distress (issue 13); the installation's
    HIERNIET_ALERT_EMAIL_TO and HIERNIET_ALERT_WEBHOOKS are told as well."""

    email: tuple[str, ...] = ()
    webhooks: tuple[AlertWebhook, ...] = ()
    # The organisation's leads with an e-mail address are always told; its admins and the admins of every
    # organisation only when the organisation asks for it here (an installation's admins run the machine for
    # many organisations and need not read every one's alerts).
    admins: bool = False

    @field_validator("email")
    @classmethod
    def _addresses(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for address in value:
            if "@" not in address.strip("@") or any(ch.isspace() for ch in address):
                raise ValueError(f"{address!r} is not an e-mail address")
        return value


class Policy(_Model):
    name: str = Field(min_length=1)
    version: str = Field(min_length=1)
    organisation: Organisation
    charter: Charter
    labels: dict[Label, LabelPolicy]
    escalation: Escalation
    police: PoliceRules = PoliceRules()
    platforms: dict[Platform, PlatformCapabilities]
    helplines: dict[ReplyLanguage, Helpline]
    replies: Replies = Replies(min_language_confidence=0.5)
    retention: Retention
    wellbeing: Wellbeing = Wellbeing()
    alerts: Alerts = Alerts()

    _source: str = PrivateAttr(default="")

    @property
    def source(self) -> str:
        """The file this policy was read from ("default" for the shipped one)."""
        return self._source

    @property
    def version_tag(self) -> str:
        return f"{self.name}@{self.version}"

    def label(self, label: Label) -> LabelPolicy:
        return self.labels[label]

    def capabilities(self, platform: Platform) -> PlatformCapabilities:
        return self.platforms.get(platform) or self.platforms[Platform.OTHER]

    @property
    def organisation_language(self) -> Language:
        return Language(self.organisation.language)


# --- errors --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PolicyIssue:
    """One thing wrong with a policy file."""

    line: int | None
    field: str
    problem: str
    fix: str

    def render(self, source: str) -> str:
        where = f"{source}, line {self.line}" if self.line is not None else source
        field = f", field '{self.field}'" if self.field else ""
        return f"{where}{field}: {self.problem} Fix: {self.fix}"


class PolicyError(ValueError):
    """A policy file that cannot be used; `str()` lists every issue with file, line, field and fix."""

    def __init__(self, source: str, issues: Sequence[PolicyIssue]) -> None:
        self.source = source
        self.issues = tuple(issues)
        super().__init__(self._message())

    def _message(self) -> str:
        lines = [issue.render(self.source) for issue in self.issues]
        if len(lines) == 1:
            return lines[0]
        return f"{self.source}: {len(lines)} problems in this policy:\n" + "\n".join(
            f"  {li}" for li in lines
        )


# --- loading -------------------------------------------------------------------------------------------

_DEFAULT = "default"


def _default_text() -> str:
    return resources.files("hierniet.policy").joinpath("default.yaml").read_text(encoding="utf-8")


@functools.cache
def default_policy() -> Policy:
    """The policy shipped with hierniet (default.yaml), parsed once per process."""
    return parse_policy(_default_text(), source=_DEFAULT)


def default_policy_text() -> str:
    """The shipped policy file, comments included: the starting point for an organisation's own."""
    return _default_text()


def load_policy(path: str | Path) -> Policy:
    """Read and validate a policy file; raises PolicyError naming file, line, field and fix."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PolicyError(
            str(p),
            [PolicyIssue(None, "", "the file does not exist.", "check the path, or use --policy default.")],
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(
            str(p),
            [
                PolicyIssue(
                    None,
                    "",
                    f"the file cannot be read ({exc}).",
                    "save it as UTF-8 text and check its permissions.",
                )
            ],
        ) from None
    return parse_policy(text, source=str(p))


def parse_policy(text: str, *, source: str = "<policy>") -> Policy:
    """Validate policy text. A file with `extends: default` only lists what it changes."""
    root = _compose(text, source)
    if root is None:
        raise PolicyError(
            source,
            [
                PolicyIssue(
                    1,
                    "",
                    "the file is empty.",
                    "start from `hierniet policy default` and change what you need.",
                )
            ],
        )
    if not isinstance(root, yaml.MappingNode):
        raise PolicyError(
            source,
            [
                PolicyIssue(
                    _line(root),
                    "",
                    "a policy must be a mapping of keys (name:, version:, labels:, ...).",
                    "start from `hierniet policy default` and change what you need.",
                )
            ],
        )
    duplicates = list(_duplicate_keys(root, ()))
    if duplicates:
        raise PolicyError(source, duplicates)
    data = yaml.safe_load(text)
    assert isinstance(data, dict)

    inherited = False
    if "extends" in data:
        base = data.pop("extends")
        if base != _DEFAULT:
            node = _key_node(root, "extends")
            raise PolicyError(
                source,
                [
                    PolicyIssue(
                        _line(node) if node else None,
                        "extends",
                        f"cannot extend {base!r}.",
                        "write `extends: default` to start from the shipped policy, or remove the line "
                        "and give every section.",
                    )
                ],
            )
        default_data = yaml.safe_load(_default_text())
        data = _merge(default_data, data)
        inherited = True

    try:
        policy = Policy.model_validate(data)
    except ValidationError as exc:
        raise PolicyError(source, _pydantic_issues(exc.errors(), root, inherited)) from None

    issues = [
        _locate(issue_loc, problem, fix, root, inherited)
        for issue_loc, problem, fix in _semantic_checks(policy)
    ]
    if issues:
        raise PolicyError(source, issues)
    policy._source = source
    return policy


def _compose(text: str, source: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        column = f", column {mark.column + 1}" if mark else ""
        problem = exc.problem or exc.context or "the YAML cannot be parsed"
        field = _guess_field(text, mark.line) if mark else ""
        raise PolicyError(
            source,
            [
                PolicyIssue(
                    line,
                    field,
                    f"YAML syntax error{column}: {problem}.",
                    "check the indentation (spaces, not tabs) and the quoting on this line "
                    "and the one above; "
                    "a value containing ': ' or starting with '{', '[', '*' or '&' must be in quotes.",
                )
            ],
        ) from None
    except yaml.YAMLError as exc:
        raise PolicyError(
            source, [PolicyIssue(None, "", f"YAML error: {exc}.", "check the file is valid YAML.")]
        ) from None


def _guess_field(text: str, line_index: int) -> str:
    """The dotted key path of the line where YAML gave up, found by indentation (the file did not parse)."""
    lines = text.splitlines()
    path: list[str] = []
    indent_limit: int | None = None
    for raw in reversed(lines[: line_index + 1]):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#") or ":" not in stripped:
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        if indent_limit is not None and indent >= indent_limit:
            continue
        key = stripped.split(":", 1)[0].strip().lstrip("- ").strip("'\"")
        if key:
            path.insert(0, key)
        indent_limit = indent
        if indent == 0:
            break
    return ".".join(path)


def _merge(base: Any, override: Any) -> Any:
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = _merge(base[key], value) if key in base else value
        return merged
    return override


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _key_node(mapping: yaml.Node, key: str) -> yaml.Node | None:
    if isinstance(mapping, yaml.MappingNode):
        for k, _v in mapping.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return k
    return None


def _duplicate_keys(node: yaml.Node, path: tuple[str, ...]) -> Iterator[PolicyIssue]:
    # PyYAML keeps the last of two equal keys without a word: the second silently winning is a trap.
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            name = str(key.value)
            if name in seen:
                yield PolicyIssue(
                    _line(key),
                    ".".join((*path, name)),
                    f"'{name}' appears twice in this section (first on line {seen[name]}).",
                    "keep one of the two and delete the other.",
                )
            else:
                seen[name] = _line(key)
            yield from _duplicate_keys(value, (*path, name))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            yield from _duplicate_keys(item, (*path, str(i)))


def _walk(root: yaml.Node, loc: Sequence[str | int]) -> tuple[yaml.Node, yaml.Node | None, int]:
    """Follow `loc` into the YAML tree as far as it exists: (deepest node, its key node, parts matched)."""
    node: yaml.Node = root
    key_node: yaml.Node | None = None
    matched = 0
    for part in loc:
        child: yaml.Node | None = None
        child_key: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.value == str(part):
                    child, child_key = v, k
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            child = node.value[part]
        if child is None:
            break
        node, key_node, matched = child, child_key, matched + 1
    return node, key_node, matched


def _dotted(loc: Sequence[str | int]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


#: Where to point when a cross-field rule fails on a value the file did not set itself.
_RELATED: dict[tuple[str | int, ...], tuple[str | int, ...]] = {
    ("retention", "history_days"): ("escalation", "window_days"),
    ("retention", "evidence_days"): ("retention", "comments_days"),
}


def _locate(
    loc: Sequence[str | int], problem: str, fix: str, root: yaml.Node, inherited: bool
) -> PolicyIssue:
    node, key_node, matched = _walk(root, loc)
    field = _dotted(loc)
    if matched < len(loc) and tuple(loc) in _RELATED:
        related = _RELATED[tuple(loc)]
        r_node, r_key, r_matched = _walk(root, related)
        if r_matched == len(related):
            node, key_node, matched = r_node, r_key, r_matched
            field = _dotted(related)
    if matched < len(loc) and isinstance(node, yaml.ScalarNode):
        # The file wrote one value where the model has a mapping (first_step: refer): name what was written.
        field = _dotted(loc[:matched])
    elif matched < 2 and inherited:
        problem += " (the value comes from the default policy this file extends)"
    # A key's line reads better than its value's: a section's value starts on the line below the key.
    line = _line(key_node) if key_node is not None else _line(node)
    return PolicyIssue(line, field, problem, fix)


_LABEL_NAMES = ", ".join(label.value for label in Label)
_STEP_NAMES = ", ".join(step.value for step in CharterStep)
_PLATFORM_NAMES = ", ".join(p.value for p in Platform)
_SEVERITY_LIST = ", ".join(SEVERITY_NAMES.values())


def _closest(word: str, choices: Sequence[str]) -> str:
    match = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""


def _keys_at(loc: Sequence[str | int]) -> list[str]:
    """The keys allowed in the section at `loc` of a Policy, for "not a setting here" messages."""
    model: type[BaseModel] | None = Policy
    expect_dict_key = False
    for part in loc:
        if model is None:
            return []
        if expect_dict_key:
            # The part names a dict entry (a label, a platform); its value is `model`.
            expect_dict_key = False
            continue
        info = model.model_fields.get(str(part))
        if info is None:
            return []
        direct = _model_in(info.annotation)
        if direct is not None:
            model = direct
        else:
            model = _dict_value_model(info.annotation)
            expect_dict_key = model is not None
    if expect_dict_key or model is None:
        return []
    return list(model.model_fields)


def _model_in(ann: Any) -> type[BaseModel] | None:
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return ann
    return None


def _dict_value_model(ann: Any) -> type[BaseModel] | None:
    args: tuple[Any, ...] = tuple(getattr(ann, "__args__", ()))
    value = args[-1] if len(args) == 2 else None
    if isinstance(value, type) and issubclass(value, BaseModel):
        return value
    return None


def _pydantic_issues(
    errors: Sequence[Mapping[str, Any]], root: yaml.Node, inherited: bool
) -> list[PolicyIssue]:
    """One issue per real mistake: the knock-on errors pydantic adds around it are dropped."""
    bad_keys = [tuple(e["loc"][:-1]) for e in errors if e["loc"] and e["loc"][-1] == "[key]"]
    extras = {tuple(e["loc"]) for e in errors if e["type"] == "extra_forbidden"}
    kept: list[Mapping[str, Any]] = []
    for err in errors:
        loc = tuple(err["loc"])
        # Fields "missing" under a misspelt label or platform are noise: the key is the mistake.
        if any(len(loc) > len(k) and loc[: len(k)] == k and loc[len(k)] != "[key]" for k in bad_keys):
            continue
        # "window_days missing" next to "window_dayz unknown" is one typo, reported once (with a suggestion).
        if err["type"] == "missing" and any(
            x[:-1] == loc[:-1] and difflib.get_close_matches(str(loc[-1]), [str(x[-1])], cutoff=0.6)
            for x in extras
        ):
            continue
        kept.append(err)
    return [_issue_from_pydantic(err, root, inherited) for err in kept]


def _issue_from_pydantic(err: Mapping[str, Any], root: yaml.Node, inherited: bool) -> PolicyIssue:
    loc: tuple[str | int, ...] = tuple(err["loc"])
    kind = err["type"]
    value = err.get("input")
    is_key = bool(loc) and loc[-1] == "[key]"
    if is_key:
        loc = loc[:-1]
    leaf = str(loc[-1]) if loc else ""
    parent = loc[:-1]

    if kind == "extra_forbidden":
        allowed = _keys_at(parent)
        problem = f"'{leaf}' is not a setting here."
        fix = "remove it or correct its spelling"
        fix += _closest(leaf, allowed)
        if allowed:
            fix += f"; allowed here: {', '.join(allowed)}"
        return _locate(loc, problem, fix + ".", root, inherited)
    if kind == "missing":
        where = _dotted(parent) or "the top level"
        return _locate(
            loc,
            f"'{leaf}' is required and missing.",
            f"add `{leaf}:` under {where} (see the default policy: `hierniet policy default`).",
            root,
            inherited,
        )
    if kind == "enum" or kind == "literal_error":
        text = str(value)
        if (parent and parent[-1] == "labels") or (is_key and _is_label_map(parent)) or _expects(err, Label):
            return _locate(
                loc,
                f"'{text}' is not a label.",
                f"use one of {_LABEL_NAMES}{_closest(text, [x.value for x in Label])}.",
                root,
                inherited,
            )
        if _expects(err, Platform) or (parent and parent[-1] == "platforms"):
            return _locate(
                loc,
                f"'{text}' is not a platform.",
                f"use one of {_PLATFORM_NAMES}{_closest(text, [x.value for x in Platform])}.",
                root,
                inherited,
            )
        if _expects(err, CharterStep):
            return _locate(
                loc,
                f"'{text}' is not a charter step.",
                f"use one of {_STEP_NAMES}{_closest(text, [x.value for x in CharterStep])}.",
                root,
                inherited,
            )
        expected = err.get("ctx", {}).get("expected", "")
        if "'low'" in expected:
            return _locate(
                loc,
                f"'{text}' is not a severity.",
                f"use one of {_SEVERITY_LIST}{_closest(text, list(SEVERITY_NAMES.values()))}.",
                root,
                inherited,
            )
        if "'nl'" in expected:
            return _locate(
                loc,
                f"'{text}' is not a language hierniet replies in.",
                f"use one of {', '.join(REPLY_LANGUAGES)}.",
                root,
                inherited,
            )
        return _locate(loc, f"{value!r} is not allowed here.", f"use {expected}.", root, inherited)
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        ctx = err.get("ctx", {})
        if leaf.endswith("threshold"):
            return _locate(
                loc,
                f"{value!r} is outside 0 to 1.",
                "write a score between 0 and 1, e.g. 0.5 (a score of 0.5 means 50 %).",
                root,
                inherited,
            )
        bound = next(iter(ctx.values()), "")
        return _locate(
            loc,
            f"{value!r} is out of range ({err['msg'].lower()}).",
            f"choose a value that respects the bound {bound}.",
            root,
            inherited,
        )
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"):
        want = (
            "a whole number of days, e.g. 90"
            if kind.startswith("int")
            else "a number between 0 and 1, e.g. 0.5"
        )
        if kind.startswith("int") and leaf.endswith("threshold"):
            want = "a number between 0 and 1, e.g. 0.5"
        return _locate(
            loc, f"{value!r} is not a number.", f"write {want} (no quotes, no % sign).", root, inherited
        )
    if kind in ("bool_parsing", "bool_type"):
        return _locate(loc, f"{value!r} is not true or false.", "write true or false.", root, inherited)
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return _locate(
            loc,
            f"expected a section of keys here, found {_describe(value)}.",
            "indent the keys of this section under it (see `hierniet policy default`).",
            root,
            inherited,
        )
    if kind in ("tuple_type", "list_type"):
        return _locate(
            loc,
            f"expected a list here, found {_describe(value)}.",
            "write a list, e.g. [hide, hide_report] or [] for none.",
            root,
            inherited,
        )
    if kind in ("string_type", "string_too_short"):
        return _locate(
            loc,
            f"expected some text here, found {_describe(value)}.",
            "write the text, in quotes if it contains ': ' or '#'.",
            root,
            inherited,
        )
    return _locate(
        loc,
        f"{err['msg']} (found {_describe(value)}).",
        "compare with the same key in `hierniet policy default`.",
        root,
        inherited,
    )


def _expects(err: Mapping[str, Any], enum: type) -> bool:
    expected = str(err.get("ctx", {}).get("expected", ""))
    values = [f"'{m.value}'" for m in enum]  # type: ignore[attr-defined]
    return sum(v in expected for v in values) >= min(3, len(values))


def _is_label_map(loc: Sequence[str | int]) -> bool:
    return bool(loc) and loc[-1] in ("labels", "sections", "silent_labels")


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a section"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def _semantic_checks(policy: Policy) -> Iterator[tuple[tuple[str | int, ...], str, str]]:
    """Rules across fields that pydantic's types cannot say: the charter's promises among them."""
    for lang in REPLY_LANGUAGES:
        for section, mapping, example in (
            (("charter", "urls"), policy.charter.urls, "https://www.hierniet.be"),
            (("helplines",), policy.helplines, "{name: ..., phone: ..., url: ...}"),
            (
                ("organisation", "customer_service"),
                policy.organisation.customer_service,
                "https://example.org/contact",
            ),
        ):
            if lang not in mapping:
                yield (
                    section,
                    f"the language '{lang}' is missing; replies in {lang} would have no link or helpline.",
                    f"add `{lang}: {example}` under {_dotted(section)}.",
                )
    for label in Label:
        if label not in policy.labels:
            yield (
                ("labels",),
                f"the label '{label.value}' has no section.",
                f"add a `{label.value}:` section under labels (copy it from `hierniet policy default`).",
            )
    for platform in (Platform.OTHER,):
        if platform not in policy.platforms:
            yield (
                ("platforms",),
                "the 'other' platform is missing; it is used for any channel not listed.",
                "add an `other:` section under platforms.",
            )
    for label, rules in policy.labels.items():
        base: tuple[str | int, ...] = ("labels", label.value)
        steps = dict(rules.first_step)
        if not steps:
            yield (
                (*base, "first_step"),
                "no step is given.",
                "write one step, or one per severity (low: refer, ...).",
            )
        if rules.auto_threshold < rules.threshold:
            yield (
                (*base, "auto_threshold"),
                f"{rules.auto_threshold} is below the threshold {rules.threshold}: "
                "a step could run automatically on a label that does not even count.",
                f"set auto_threshold to at least {rules.threshold}.",
            )
        for sev, step in steps.items():
            loc = (*base, "first_step") if list(steps) == ["none"] else (*base, "first_step", sev)
            if label in (Label.CRITICISM, Label.OK) and step not in (CharterStep.NONE, CharterStep.REPLY):
                yield (
                    loc,
                    f"'{step.value}' for {label.value}: the charter answers criticism, it never hides "
                    "or refers it.",
                    "use reply (or none).",
                )
            if label is Label.SELF_HARM and step is not CharterStep.CARE:
                yield loc, f"'{step.value}' for self_harm: a person in distress gets care.", "use care."
            if step is CharterStep.CARE and label is not Label.SELF_HARM:
                yield (
                    loc,
                    f"'care' is the step for self_harm only, not {label.value}.",
                    "choose another step.",
                )
        if label in (Label.OK, Label.CRITICISM, Label.SELF_HARM, Label.DEFAMATION) and rules.ladder:
            yield (
                (*base, "ladder"),
                f"{label.value} does not climb a ladder: "
                + (
                    "complaining again is no reason to sanction anyone."
                    if label is not Label.SELF_HARM and label is not Label.DEFAMATION
                    else "each comment needs a person's look."
                ),
                "write `ladder: []`.",
            )
        for i, step in enumerate(rules.ladder):
            if step not in LADDER_STEPS:
                yield (
                    (*base, "ladder", i),
                    f"'{step.value}' cannot be a rung of the ladder.",
                    f"use steps from {', '.join(s.value for s in LADDER_STEPS)}.",
                )
        ranks = [STEP_RANK[s] for s in rules.ladder]
        if ranks != sorted(set(ranks)):
            yield (
                (*base, "ladder"),
                "the ladder must go up, one step at a time, without repeats.",
                "order it from mildest to most serious, e.g. [refer, hide, block].",
            )
        for i, step in enumerate(rules.auto):
            if label in NEVER_AUTO_LABELS:
                yield (
                    (*base, "auto", i),
                    f"{label.value} is never handled automatically "
                    + (
                        "(a person reviews an accusation)."
                        if label is Label.DEFAMATION
                        else "(a person in distress gets a person)."
                    ),
                    "write `auto: []`.",
                )
                break
            if step in NEVER_AUTO_STEPS:
                yield (
                    (*base, "auto", i),
                    f"'{step.value}' always needs a person.",
                    f"remove {step.value} from auto.",
                )
            if label is Label.CRITICISM and step in HIDING_STEPS:
                yield (*base, "auto", i), "criticism is never hidden.", f"remove {step.value} from auto."
        if rules.reports.unia is not None and label is not Label.HATE:
            yield (
                (*base, "reports", "unia"),
                "Unia handles discrimination and hate only.",
                "remove the unia line from this label.",
            )
        if label in (Label.OK, Label.CRITICISM) and (rules.reports.platform or rules.reports.police):
            yield (*base, "reports"), f"{label.value} is never reported.", "remove the reports of this label."
    for i, label in enumerate(policy.replies.silent_labels):
        if label in (Label.SELF_HARM, Label.CRITICISM):
            yield (
                ("replies", "silent_labels", i),
                f"{label.value} must get a reply.",
                f"remove {label.value} from silent_labels.",
            )
    if policy.retention.history_days < policy.escalation.window_days:
        yield (
            ("retention", "history_days"),
            f"history is kept {policy.retention.history_days} days but the escalation window is "
            f"{policy.escalation.window_days} days: persistent authors would be forgotten too early.",
            f"set history_days to at least {policy.escalation.window_days}.",
        )
    if policy.retention.evidence_days < policy.retention.comments_days:
        yield (
            ("retention", "evidence_days"),
            "evidence would be deleted before the comments it documents.",
            f"set evidence_days to at least {policy.retention.comments_days}.",
        )
    for lang, url in policy.charter.urls.items():
        if not (url.startswith("https://") or url.startswith("http://") or url.startswith("{site_url}")):
            yield (
                ("charter", "urls", lang),
                f"{url!r} is not a web address.",
                "write a full address starting with https://, or {site_url}/... for the project's own pages.",
            )
    if not policy.charter.site_url.startswith(("https://", "http://")):
        yield (
            ("charter", "site_url"),
            f"{policy.charter.site_url!r} is not a web address.",
            "write a full address starting with https://.",
        )
