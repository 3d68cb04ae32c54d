"""Render the templates of data/<lang>.yaml into labelled examples, seeded and deterministic."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from hierniet.domain import Label, Target
from hierniet.training.synth.obfuscation import obfuscate
from hierniet.training.synth.phenomena import HARMLESS_SUFFIX, OBFUSCATED_SUFFIX, PHENOMENA
from hierniet.training.synth.schema import Filler, LanguageData, Ref, SynthError, Template, load_data_file

#: Bump whenever templates, fillers or the rendering change: a model records
#: which version of the synthetic data it was trained on.
SYNTH_VERSION = "2026.12.17"
LANGUAGES: tuple[str, ...] = ("nl", "fr", "en", "de")
#: Share of examples that get a harmless sentence before or after (same labels).
HARMLESS_SHARE = 0.2
#: Share of examples that get an obfuscated copy (hateful and harmless alike).
OBFUSCATED_SHARE = 0.15
#: Draws per wanted example before a template counts as exhausted.
_ATTEMPTS = 6


@dataclass(frozen=True, slots=True)
class SynthExample:
    text: str
    lang: str
    labels: tuple[Label, ...]
    target: Target | None
    phenomenon: str
    template: str


def data_dir() -> Path:
    return Path(__file__).resolve().parent / "data"


def load_language(lang: str, folder: Path | None = None) -> LanguageData:
    path = (folder or data_dir()) / f"{lang}.yaml"
    if not path.is_file():
        raise SynthError(f"{path}: no data file for language {lang!r}; use one of {', '.join(LANGUAGES)}")
    data = load_data_file(path)
    if data.lang != lang:
        raise SynthError(f"{path}: says lang {data.lang!r} but is named for {lang!r}; make them agree")
    return data


def _case(text: str, case: str) -> str:
    if case == "upper":
        return text.upper()
    if case == "cap":
        return text[:1].upper() + text[1:]
    return text


_SPACES = re.compile(r" {2,}")
_SPACE_BEFORE = re.compile(r"(?<! ) +([,.])")  # starts only at the first space of a run: linear
#: French puts a (narrow) space before ! ? : ; and the templates write it; elsewhere it is a typo.
_SPACE_BEFORE_MARK = re.compile(r"(?<! ) +([!?:;])")
#: Text that ends a sentence, so what follows starts with a capital.
_SENTENCE_END = re.compile(r"[.!?] +$")
#: An alternative that opens a new sentence: a space, then a capital.
_NEW_SENTENCE = re.compile(r" [A-ZÀ-ÖØ-Þ]")
#: Words that keep their capital in the middle of a sentence.
_KEEP_CAPITAL = frozenset({"I", "I'm", "I'll", "I've", "I'd"})


def _tidy(text: str, lang: str) -> str:
    text = _SPACE_BEFORE.sub(r"\1", _SPACES.sub(" ", text)).strip()
    if lang != "fr":
        text = _SPACE_BEFORE_MARK.sub(r"\1", text)
    return text


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass(frozen=True, slots=True)
class Rendered:
    text: str  # the comment, first letter capitalised
    #: The same text as it reads after a colon ("Eerlijk is eerlijk: de moslims ..."):
    #: a template's own first word loses its capital, a filler keeps its own.
    continuation: str
    target: Target | None  # of the first slot whose filler carries one
    hide: tuple[str, ...]  # fillers worth obfuscating


def render(template: Template, data: LanguageData, rng: random.Random) -> Rendered:
    """One text of a template, its slots filled and its alternatives chosen."""
    chosen: dict[str, Filler] = {}
    for slot in template.slots:
        fillers = data.slots[slot]
        if template.targets is not None:
            fillers = tuple(f for f in fillers if f.target is None or f.target in template.targets)
        chosen[slot] = rng.choice(fillers)
    parts: list[str] = []
    literal_start: list[bool] = []
    hide: list[str] = []
    used: list[str] = []

    def put_text(text: str) -> None:
        if not literal_start and text.strip():
            literal_start.append(True)
        parts.append(text)

    def put(ref: Ref) -> None:
        filler = chosen[ref.slot]
        form = chosen[ref.agree].gender if ref.agree else (ref.form or "base")
        value = filler.forms[form]
        if not literal_start and value.strip():
            literal_start.append(False)
        case = ref.case
        if not case and _SENTENCE_END.search("".join(parts)):
            case = "cap"  # a filler that opens a new sentence ("... te laat! {ride} ...")
        parts.append(_case(value, case))
        if ref.slot not in used:
            used.append(ref.slot)
        if ref.slot in data.obfuscate_slots:
            hide.append(value)

    for piece in template.pieces:
        if isinstance(piece, str):
            put_text(piece)
        elif isinstance(piece, Ref):
            put(piece)
        else:
            for i, sub in enumerate(rng.choice(piece)):
                if isinstance(sub, str):
                    if i == 0 and _NEW_SENTENCE.match(sub) and "".join(parts).rstrip()[-1:].isalnum():
                        # "[.| Meer zeg ik niet.]" after a bare word: the new sentence needs its full stop.
                        sub = "." + sub
                    put_text(sub)
                else:
                    put(sub)
    target = next((chosen[s].target for s in used if chosen[s].target is not None), None)
    raw = _tidy("".join(parts), data.lang)
    continuation = raw
    first_word = raw.split(" ", 1)[0]
    # German capitalises nouns, so a sentence after a colon keeps its capital there.
    shouted = len(first_word) > 1 and first_word.isupper()  # shouted words and acronyms stay as they are
    if literal_start and literal_start[0] and data.lang != "de" and first_word not in _KEEP_CAPITAL and not shouted:
        continuation = raw[:1].lower() + raw[1:]
    return Rendered(_capitalise(raw), continuation, target, tuple(hide))


def _with_harmless(rendered: Rendered, data: LanguageData, rng: random.Random) -> str:
    text = rendered.text
    if rng.random() < 0.5:
        before = rng.choice(data.harmless_before)
        return f"{before} {rendered.continuation if before.endswith(':') else text}"
    end = "" if text[-1:] in ".!?…)" or not text[-1:].isalnum() else "."
    return f"{text}{end} {rng.choice(data.harmless_after)}"


def generate_language(data: LanguageData, seed: int, per_template: int) -> list[SynthExample]:
    out: list[SynthExample] = []
    seen: set[str] = set()

    def keep(text: str, labels: tuple[Label, ...], target: Target | None, phenomenon: str, tid: str) -> None:
        if text and text not in seen:
            seen.add(text)
            out.append(SynthExample(text, data.lang, labels, target, phenomenon, tid))

    for template in data.templates:
        # One generator per template, seeded by its id: adding a template does
        # not change what the others produce.
        rng = random.Random(f"{seed}:{data.lang}:{template.id}")
        wanted = max(1, round(per_template * PHENOMENA[template.phenomenon].weight))
        hate = Label.HATE in template.labels
        tid = f"{data.lang}.{template.id}"
        made = 0
        for _ in range(wanted * _ATTEMPTS):
            if made >= wanted:
                break
            rendered = render(template, data, rng)
            text, target = rendered.text, rendered.target
            if text in seen:
                continue
            if hate and target is None:
                raise SynthError(f"{data.path}: template {template.id}: rendered without a target; use a group slot")
            target = target if hate else None
            keep(text, template.labels, target, template.phenomenon, tid)
            made += 1
            if rng.random() < HARMLESS_SHARE:
                keep(
                    _with_harmless(rendered, data, rng),
                    template.labels,
                    target,
                    template.phenomenon + HARMLESS_SUFFIX,
                    tid,
                )
            if rendered.hide and rng.random() < OBFUSCATED_SHARE:
                odd = obfuscate(text, rendered.hide, rng, data.obfuscate_skip)
                if odd is not None:
                    keep(odd, template.labels, target, template.phenomenon + OBFUSCATED_SUFFIX, tid)
    return out


def generate(
    seed: int = 13, languages: Sequence[str] = LANGUAGES, per_template: int = 40, folder: Path | None = None
) -> list[SynthExample]:
    """Labelled synthetic examples for `languages`, the same for the same arguments and SYNTH_VERSION."""
    if per_template < 1:
        raise SynthError(f"per_template is {per_template}; ask for at least 1 example per template")
    out: list[SynthExample] = []
    seen: set[str] = set()
    for lang in dict.fromkeys(languages):
        for example in generate_language(load_language(lang, folder), seed, per_template):
            if example.text not in seen:
                seen.add(example.text)
                out.append(example)
    return out


def to_record(example: SynthExample) -> dict[str, object]:
    """One example as a JSON object (the JSONL format of `hierniet synth`)."""
    return {
        "text": example.text,
        "lang": example.lang,
        "labels": [label.value for label in example.labels],
        "target": example.target.value if example.target else None,
        "phenomenon": example.phenomenon,
        "template": example.template,
        "synth_version": SYNTH_VERSION,
    }


def write_jsonl(examples: Sequence[SynthExample], path: Path) -> None:
    """Write examples as JSONL; a file already there is replaced only once the new one is complete."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        with tmp.open("w", encoding="utf-8") as handle:
            for example in examples:
                handle.write(json.dumps(to_record(example), ensure_ascii=False) + "\n")
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
