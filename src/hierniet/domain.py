"""The plain data every part of hierniet passes around.

Frozen dataclasses and enums only: no I/O, no settings, no behaviour that needs
anything beyond the standard library. Words used here are defined in
docs/concepts.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum, StrEnum
from typing import Any


class Label(StrEnum):
    """The taxonomy of DESIGN.md; a verdict carries one or more."""

    OK = "ok"
    CRITICISM = "criticism"
    INSULT = "insult"
    HATE = "hate"
    THREAT = "threat"
    SEXUAL = "sexual"
    DOXXING = "doxxing"
    PROVOCATION = "provocation"
    DEFAMATION = "defamation"
    SPAM = "spam"
    SELF_HARM = "self_harm"


#: Labels that mean "something to act on beyond a reply". ok and criticism are
#: deliberately absent: criticism is never abuse, however angry.
ABUSE_LABELS: tuple[Label, ...] = (
    Label.INSULT,
    Label.HATE,
    Label.THREAT,
    Label.SEXUAL,
    Label.DOXXING,
    Label.PROVOCATION,
    Label.DEFAMATION,
    Label.SPAM,
    Label.SELF_HARM,
)

#: Every label the classifier scores, in a fixed order (model columns follow it).
ALL_LABELS: tuple[Label, ...] = tuple(Label)


class Target(StrEnum):
    """Protected characteristics of Belgian anti-discrimination law, as hate targets."""

    ETHNICITY = "ethnicity"  # origin, skin colour, "race"
    NATIONALITY = "nationality"
    RELIGION = "religion"
    SEXUAL_ORIENTATION = "sexual_orientation"
    GENDER = "gender"
    GENDER_IDENTITY = "gender_identity"
    DISABILITY = "disability"
    AGE = "age"


class Severity(IntEnum):
    NONE = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4


class Language(StrEnum):
    NL = "nl"
    FR = "fr"
    EN = "en"
    DE = "de"
    OTHER = "other"


class EvidenceSource(StrEnum):
    LEXICON = "lexicon"
    PII = "pii"
    PATTERN = "pattern"
    MODEL = "model"


class PIIKind(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    IBAN = "iban"
    NATIONAL_NUMBER = "national_number"  # Belgian rijksregisternummer / numéro de registre national
    LICENCE_PLATE = "licence_plate"
    ADDRESS = "address"


@dataclass(frozen=True, slots=True)
class Comment:
    """One platform comment as triage sees it. Only `id` and `text` are required."""

    id: str
    text: str
    platform: str | None = None
    author: str | None = None
    post: str | None = None
    language_hint: str | None = None


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a label was considered: a span of the ORIGINAL text and where it came from.

    `detail` names the lexicon entry, rule or detector so a moderator (or a
    maintainer fixing a false positive) can find it.
    """

    start: int
    end: int
    label: Label
    source: EvidenceSource
    detail: str = ""
    text: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "label": self.label.value,
            "source": self.source.value,
            "detail": self.detail,
            "text": self.text,
        }


@dataclass(frozen=True, slots=True)
class PIIMatch:
    """Personal data found in a comment. `valid` is None where no checksum exists."""

    kind: PIIKind
    start: int
    end: int
    value: str  # normalised: E.164 phone, upper-case IBAN without spaces, ...
    text: str = ""
    valid: bool | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "start": self.start,
            "end": self.end,
            "value": self.value,
            "text": self.text,
            "valid": self.valid,
        }


class Reason(str):
    """A reason a moderator reads, as its English sentence (what the API and the CLI show, so it compares and
    serialises as that string) with a message id (`code`, e.g. "policy.first_step") and the values the
    sentence was made of (`params`: labels, steps and severities as their codes, scores as numbers, days as
    ISO dates), so the desk can say it again in the moderator's language.

    A subclass of str on purpose: every place that keeps, joins or compares reasons goes on working with the
    text, and only a reader that wants the structure looks at `code` and `params`.
    """

    code: str
    params: dict[str, Any]

    def __new__(cls, code: str, text: str, /, **params: Any) -> Reason:
        reason = super().__new__(cls, text)
        reason.code = code
        reason.params = {name: _plain(value) for name, value in params.items()}
        return reason

    def __reduce__(self) -> tuple[Any, ...]:
        # Reasons cross process boundaries (batch triage): keep the code and values through pickling.
        return (_reason, (self.code, str(self), self.params))

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "params": dict(self.params), "text": str(self)}


#: The values of a Reason that quote what the commenter wrote (erased with the text: services.privacy);
#: "evidence" holds [words, source, detail] triples.
QUOTING_PARAMS: frozenset[str] = frozenset({"words", "group", "evidence"})


def _plain(value: Any) -> Any:
    """A value as JSON keeps it: a numpy score becomes a float, an enum its value, a tuple a list."""
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if hasattr(value, "item"):  # numpy scalars, without importing numpy here
        return value.item()
    return str(value)


def _reason(code: str, text: str, params: dict[str, Any]) -> Reason:
    return Reason(code, text, **params)


def reason_json(reason: str) -> str | dict[str, Any]:
    """How the store keeps a reason: its code, values and text for a Reason, the plain text otherwise."""
    return reason.as_dict() if isinstance(reason, Reason) else str(reason)


def reason_from_json(value: object) -> str:
    """A stored reason back: a Reason when it was stored with its code, else the text as it is."""
    if isinstance(value, dict):
        text = str(value.get("text", ""))
        code = value.get("code")
        params = value.get("params")
        if isinstance(code, str) and isinstance(params, dict):
            return Reason(code, text, **{str(k): v for k, v in params.items()})
        return text
    return str(value)


@dataclass(frozen=True, slots=True)
class Verdict:
    """What triage concluded about one comment, with everything needed to explain it."""

    comment_id: str
    language: Language
    language_confidence: float
    labels: tuple[Label, ...]
    scores: dict[Label, float]
    severity: Severity
    target: Target | None
    evidence: tuple[Evidence, ...]
    pii: tuple[PIIMatch, ...]
    model_version: str
    reasons: tuple[str, ...] = field(default=())
    # The registry's rules that raised a label on this verdict ("hate.group_predicate", "pattern.doxx_call_nl"),
    # and the rules that held one back ("hate.slur/counter_speech"): what a moderator or maintainer checks.
    rules_fired: tuple[str, ...] = field(default=())
    suppressed_by: tuple[str, ...] = field(default=())

    @property
    def is_abuse(self) -> bool:
        return any(label in ABUSE_LABELS for label in self.labels)

    def rule_found(self, label: Label) -> bool:
        """A rule, not only the model, found evidence for the label (a lexicon entry, a pattern, personal data)."""
        return any(e.label is label and e.source is not EvidenceSource.MODEL for e in self.evidence)

    def as_dict(self) -> dict[str, Any]:
        """The stable JSON shape of `hierniet classify` (documented in the README)."""
        return {
            "id": self.comment_id,
            "language": self.language.value,
            "language_confidence": round(self.language_confidence, 3),
            "labels": [label.value for label in self.labels],
            "scores": {label.value: round(score, 4) for label, score in self.scores.items()},
            "severity": int(self.severity),
            "target": self.target.value if self.target else None,
            "evidence": [e.as_dict() for e in self.evidence],
            "pii": [p.as_dict() for p in self.pii],
            "model": self.model_version,
            "reasons": list(self.reasons),
            "rules_fired": list(self.rules_fired),
            "suppressed_by": list(self.suppressed_by),
        }


# --- The charter as data: what the policy engine returns (hierniet.policy) ------------------------------

class CharterStep(StrEnum):
    """One rung of the charter's answer to a comment, mildest first (see docs/concepts.md)."""

    NONE = "none"  # nothing to do
    REPLY = "reply"  # answer the comment (criticism: acknowledge, route to customer service)
    REFER = "refer"  # reply with a link to the charter's code of conduct
    HIDE = "hide"  # hide the comment (and refer)
    HIDE_REPORT = "hide_report"  # hide and report to the platform
    BLOCK = "block"  # hide, and block or ban the author
    POLICE = "police"  # hide, keep the evidence, report to the police
    REVIEW = "review"  # a person must look first (defamation)
    CARE = "care"  # the commenter is in distress: a caring reply with a helpline; never hidden


class ReportTo(StrEnum):
    """Where a comment is reported besides the step taken on the channel."""

    PLATFORM = "platform"
    UNIA = "unia"  # the Belgian equality body: hate only, when the author or the medium is in Belgium
    POLICE = "police"


class Platform(StrEnum):
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    X = "x"
    LINKEDIN = "linkedin"
    YOUTUBE = "youtube"
    TIKTOK = "tiktok"
    MASTODON = "mastodon"
    BLUESKY = "bluesky"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One step taken earlier against one author on one organisation's channels.

    History is appended, never edited: a person correcting the machine adds an
    entry with `by_person=True, override=True` rather than changing the old one.
    An override whose step is `none` or `reply` says "that was fine" (for one
    comment when `comment_id` is set, for the author's whole past when it is not).
    """

    when: datetime
    step: CharterStep
    labels: tuple[Label, ...] = ()
    by_person: bool = False
    override: bool = False
    comment_id: str | None = None
    note: str = ""

    def __post_init__(self) -> None:
        # Naive datetimes make "within the last 90 days" depend on the server's clock zone.
        if self.when.tzinfo is None or self.when.utcoffset() is None:
            raise ValueError(
                f"HistoryEntry.when must be timezone-aware, got {self.when!r}; "
                "use datetime.now(UTC) or attach a tzinfo"
            )


@dataclass(frozen=True, slots=True)
class Recommendation:
    """What the policy recommends for one verdict, with the reasons a moderator reads."""

    step: CharterStep
    reports: tuple[ReportTo, ...]
    auto: bool
    reply: str
    reasons: tuple[str, ...]
    language: Language
    alert_lead: bool = False
    policy_version: str = ""
    label: Label | None = None  # the label whose rule decided the step
    # The platform calls that carry the step out: "reply", "hide", "delete", "ban_author", ...
    actions: tuple[str, ...] = ()
    platform: Platform = Platform.OTHER

    def as_dict(self) -> dict[str, Any]:
        """The "recommendation" object of a `hierniet classify` line; the first five keys are stable."""
        return {
            "step": self.step.value,
            "reports": [r.value for r in self.reports],
            "auto": self.auto,
            "reply": self.reply,
            "reasons": list(self.reasons),
            "language": self.language.value,
            "alert_lead": self.alert_lead,
            "label": self.label.value if self.label else None,
            "actions": list(self.actions),
            "platform": self.platform.value,
            "policy": self.policy_version,
        }
