"""The data files (data/<lang>.yaml): templates and slot fillers, validated.

A template's text mixes literal words, slot references and alternatives:

    {slot}          the slot's filler, form ``base`` (a filler given as a plain string)
    {slot.form}     one grammatical form of the filler ("def": "de moslims", "dat": "den Muslimen")
    {slot~other}    the form named by the ``g`` (gender) of the filler chosen for ``other``
                    in the same example: French agreement ("ils"/"elles", "tous"/"toutes")
    {Slot.form}     the same with its first letter capitalised; {SLOT.form} in capitals
    [a|b|]          one of the alternatives (each may hold slot references; one may be empty)

A slot used twice in one template gets the same filler both times. A filler is
a string or a mapping of forms, plus two reserved keys: ``target`` (the
protected ground of a group, which an example of a hate phenomenon carries)
and ``g`` (its grammatical gender, default "m").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hierniet.domain import Label, Target
from hierniet.training.synth.phenomena import PHENOMENA


class SynthError(ValueError):
    """A data file of the generator is wrong; the message names the file, the template and the fix."""


RESERVED = frozenset({"target", "g"})
_REF = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?:\.([a-z0-9_]+))?(?:~([a-z_][a-z0-9_]*))?\}")
_SLOT_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class TemplateModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    phenomenon: str
    text: str = Field(min_length=1)
    labels: list[str] | None = None
    #: Restrict slots whose fillers carry a target to these grounds
    #: ("they never integrate" is said of origins and religions, not of ages).
    targets: list[str] | None = None


class DataFileModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lang: str
    harmless_before: list[str] = Field(min_length=1)
    harmless_after: list[str] = Field(min_length=1)
    obfuscate_slots: list[str] = Field(default_factory=list)
    #: Words inside those fillers that are not worth obfuscating ("people", "diese").
    obfuscate_skip: list[str] = Field(default_factory=list)
    slots: dict[str, list[str | dict[str, str]]]
    templates: list[TemplateModel] = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class Filler:
    forms: dict[str, str]
    target: Target | None
    gender: str


@dataclass(frozen=True, slots=True)
class Ref:
    slot: str  # lower case
    form: str | None
    agree: str | None
    case: str  # "", "cap" or "upper"


Piece = str | Ref
Alternatives = tuple[tuple[Piece, ...], ...]


@dataclass(frozen=True, slots=True)
class Template:
    id: str
    phenomenon: str
    labels: tuple[Label, ...]
    pieces: tuple[Piece | Alternatives, ...]
    slots: tuple[str, ...]  # every slot referenced, in order of first appearance
    targets: frozenset[Target] | None


@dataclass(frozen=True, slots=True)
class LanguageData:
    lang: str
    path: Path
    harmless_before: tuple[str, ...]
    harmless_after: tuple[str, ...]
    obfuscate_slots: frozenset[str]
    obfuscate_skip: frozenset[str]
    slots: dict[str, tuple[Filler, ...]]
    templates: tuple[Template, ...]


def _split_refs(text: str) -> tuple[Piece, ...]:
    out: list[Piece] = []
    pos = 0
    for m in _REF.finditer(text):
        if m.start() > pos:
            out.append(text[pos : m.start()])
        name = m.group(1)
        case = "upper" if name.isupper() and len(name) > 1 else "cap" if name[0].isupper() else ""
        out.append(Ref(name.lower(), m.group(2), m.group(3), case))
        pos = m.end()
    if pos < len(text):
        out.append(text[pos:])
    return tuple(out)


def parse_text(text: str) -> tuple[Piece | Alternatives, ...]:
    """Split a template text into literal strings, slot references and alternatives (ValueError when malformed)."""
    pieces: list[Piece | Alternatives] = []
    pos = 0
    while pos < len(text):
        open_ = text.find("[", pos)
        if open_ < 0:
            pieces.extend(_split_refs(text[pos:]))
            break
        close = text.find("]", open_)
        if close < 0:
            raise ValueError("a '[' has no closing ']'")
        if "[" in text[open_ + 1 : close]:
            raise ValueError("alternatives '[a|b]' cannot be nested")
        pieces.extend(_split_refs(text[pos:open_]))
        pieces.append(tuple(_split_refs(alt) for alt in text[open_ + 1 : close].split("|")))
        pos = close + 1
    if "]" in "".join(p for p in pieces if isinstance(p, str)):
        raise ValueError("a ']' has no opening '['")
    leftover = "".join(p for p in pieces if isinstance(p, str))
    if "{" in leftover or "}" in leftover:
        raise ValueError("a '{' or '}' is not a slot reference of the form {slot}, {slot.form} or {slot~other}")
    return tuple(pieces)


def _refs(pieces: tuple[Piece | Alternatives, ...]) -> list[Ref]:
    out: list[Ref] = []
    for piece in pieces:
        if isinstance(piece, Ref):
            out.append(piece)
        elif isinstance(piece, tuple):
            for alt in piece:
                out.extend(p for p in alt if isinstance(p, Ref))
    return out


def _filler(raw: str | dict[str, str]) -> Filler:
    if isinstance(raw, str):
        return Filler({"base": raw}, None, "m")
    forms = {k: v for k, v in raw.items() if k not in RESERVED}
    target = Target(raw["target"]) if "target" in raw else None
    return Filler(forms, target, raw.get("g", "m"))


def load_data_file(path: Path) -> LanguageData:
    """Read and check one data file; every mistake is a SynthError naming the file, the template and the fix."""
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SynthError(f"{path}: cannot read it as YAML ({exc}); fix the syntax") from exc
    try:
        model = DataFileModel.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = first["loc"]
        where = ""
        if len(loc) >= 2 and loc[0] == "templates" and isinstance(loc[1], int) and isinstance(raw, dict):
            templates = raw.get("templates") or []
            tid = templates[loc[1]].get("id", f"#{loc[1]}") if isinstance(templates[loc[1]], dict) else f"#{loc[1]}"
            where = f" template {tid}:"
        field = ".".join(str(x) for x in loc)
        raise SynthError(
            f"{path}:{where} {field}: {first['msg']}; "
            "fix the field (format: docstring of hierniet.training.synth.schema)"
        ) from exc
    return _check(path, model)


def _check(path: Path, model: DataFileModel) -> LanguageData:
    slots: dict[str, tuple[Filler, ...]] = {}
    for name, raw_fillers in sorted(model.slots.items()):
        if not _SLOT_NAME.match(name):
            raise SynthError(f"{path}: slot {name!r}: slot names are lower case letters, digits and '_'; rename it")
        for raw in raw_fillers:
            if isinstance(raw, dict) and "target" in raw and raw["target"] not in Target.__members__.values():
                raise SynthError(
                    f"{path}: slot {name}: filler {raw}: unknown target {raw['target']!r}; "
                    f"use one of {', '.join(t.value for t in Target)}"
                )
            if isinstance(raw, dict) and not (set(raw) - RESERVED):
                raise SynthError(f"{path}: slot {name}: filler {raw} has no forms; add at least one form")
        slots[name] = tuple(_filler(raw) for raw in raw_fillers)
    for name in model.obfuscate_slots:
        if name not in slots:
            raise SynthError(f"{path}: obfuscate_slots names {name!r}, which is no slot; add the slot or remove it")
    templates: list[Template] = []
    seen: set[str] = set()
    for tm in model.templates:
        where = f"{path}: template {tm.id}"
        if tm.id in seen:
            raise SynthError(f"{where}: the id is used twice; give each template its own id")
        seen.add(tm.id)
        if tm.phenomenon not in PHENOMENA:
            raise SynthError(
                f"{where}: unknown phenomenon {tm.phenomenon!r}; use one of {', '.join(sorted(PHENOMENA))} "
                "(or add it to hierniet.training.synth.phenomena)"
            )
        try:
            labels = tuple(Label(x) for x in tm.labels) if tm.labels else PHENOMENA[tm.phenomenon].labels
        except ValueError as exc:
            raise SynthError(f"{where}: {exc}; use labels from {', '.join(x.value for x in Label)}") from exc
        try:
            targets = frozenset(Target(x) for x in tm.targets) if tm.targets else None
        except ValueError as exc:
            raise SynthError(f"{where}: {exc}; use targets from {', '.join(x.value for x in Target)}") from exc
        try:
            pieces = parse_text(tm.text)
        except ValueError as exc:
            raise SynthError(f"{where}: {exc}; fix the text {tm.text!r}") from exc
        refs = _refs(pieces)
        order: list[str] = []
        for ref in refs:
            if ref.slot not in order:
                order.append(ref.slot)
        for ref in refs:
            if ref.slot not in slots:
                raise SynthError(f"{where}: unknown slot {{{ref.slot}}}; define it under slots: or fix the name")
            fillers = _usable(slots[ref.slot], targets)
            if not fillers:
                raise SynthError(
                    f"{where}: slot {{{ref.slot}}} has no fillers"
                    f"{' for targets ' + str(tm.targets) if targets else ''}; add fillers to the slot"
                )
            if ref.agree is not None:
                if ref.agree not in order:
                    raise SynthError(
                        f"{where}: {{{ref.slot}~{ref.agree}}} agrees with a slot the template does not use; "
                        "use that slot in the text or drop the agreement"
                    )
                forms = {f.gender for f in _usable(slots[ref.agree], targets)}
            else:
                forms = {ref.form or "base"}
            for filler in fillers:
                missing = sorted(forms - set(filler.forms))
                if missing:
                    raise SynthError(
                        f"{where}: a filler of slot {ref.slot} ({next(iter(filler.forms.values()))!r}) lacks the "
                        f"form(s) {', '.join(missing)}; add them to the filler or use another form"
                    )
        if Label.HATE in labels and not any(
            all(f.target is not None for f in _usable(slots[s], targets)) for s in order
        ):
            raise SynthError(
                f"{where}: a hate phenomenon needs a slot whose fillers all carry a target (a protected group); "
                "use such a slot or another phenomenon"
            )
        templates.append(Template(tm.id, tm.phenomenon, labels, pieces, tuple(order), targets))
    return LanguageData(
        lang=model.lang,
        path=path,
        harmless_before=tuple(model.harmless_before),
        harmless_after=tuple(model.harmless_after),
        obfuscate_slots=frozenset(model.obfuscate_slots),
        obfuscate_skip=frozenset(w.lower() for w in model.obfuscate_skip),
        slots=slots,
        templates=tuple(templates),
    )


def _usable(fillers: tuple[Filler, ...], targets: frozenset[Target] | None) -> tuple[Filler, ...]:
    if targets is None:
        return fillers
    return tuple(f for f in fillers if f.target is None or f.target in targets)
