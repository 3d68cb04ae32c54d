"""The synthetic example generator: deterministic, valid labels, every phenomenon everywhere, clear data errors."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hierniet.cli import app
from hierniet.domain import Label, Target
from hierniet.training.synth import (
    HARMLESS_SUFFIX,
    LANGUAGES,
    OBFUSCATED_SUFFIX,
    PHENOMENA,
    SYNTH_VERSION,
    SynthError,
    SynthExample,
    generate,
    load_language,
    obfuscate,
    obfuscate_word,
)
from hierniet.training.synth.generator import data_dir
from hierniet.training.synth.obfuscation import METHODS

FLOORS = {"nl": 7000, "fr": 7000, "en": 5000, "de": 4000}


@pytest.fixture(scope="module")
def examples() -> list[SynthExample]:
    return generate()


def _base(phenomenon: str) -> str:
    return phenomenon.split("+", 1)[0]


def test_same_seed_same_output_and_another_seed_differs() -> None:
    first = generate(seed=5, languages=("de", "nl"), per_template=6)
    again = generate(seed=5, languages=("de", "nl"), per_template=6)
    other = generate(seed=6, languages=("de", "nl"), per_template=6)
    assert first == again
    assert [e.text for e in first] != [e.text for e in other]


def test_output_does_not_depend_on_hash_randomisation() -> None:
    # Set or dict order that leaked into the output would differ between these two processes.
    code = (
        "import hashlib, json; from hierniet.training.synth import generate, to_record; "
        "print(hashlib.sha256(json.dumps([to_record(e) for e in generate(per_template=3)]).encode()).hexdigest())"
    )
    digests = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": os.pathsep.join(sys.path)}
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        digests.add(done.stdout.strip())
    assert len(digests) == 1


def test_sizes_are_above_the_floors(examples: list[SynthExample]) -> None:
    assert len(examples) >= 30_000
    per_lang = Counter(e.lang for e in examples)
    for lang, floor in FLOORS.items():
        assert per_lang[lang] >= floor, (lang, per_lang[lang])
    # Hard negatives dominate: ok alone is at least half, ok or criticism well above it.
    ok = sum(1 for e in examples if e.labels == (Label.OK,))
    crit = sum(1 for e in examples if e.labels == (Label.CRITICISM,))
    assert ok >= len(examples) / 2
    assert ok + crit >= len(examples) / 2


def test_texts_are_unique_and_clean(examples: list[SynthExample]) -> None:
    texts = [e.text for e in examples]
    assert len(texts) == len(set(texts))
    for text in texts:
        assert text == text.strip() and "  " not in text, text
        assert "{" not in text and "[" not in text and "|" not in text, text


def test_labels_and_targets_are_valid(examples: list[SynthExample]) -> None:
    for e in examples:
        assert e.labels and all(isinstance(label, Label) for label in e.labels)
        assert e.lang in LANGUAGES
        assert e.template.startswith(f"{e.lang}.")
        assert _base(e.phenomenon) in PHENOMENA
        assert e.labels == PHENOMENA[_base(e.phenomenon)].labels
        if Label.HATE in e.labels:
            assert isinstance(e.target, Target), e
        else:
            assert e.target is None, e
        if Label.OK in e.labels:
            assert e.labels == (Label.OK,)


def test_every_phenomenon_is_present_in_every_language(examples: list[SynthExample]) -> None:
    seen: dict[str, set[str]] = defaultdict(set)
    for e in examples:
        seen[e.lang].add(_base(e.phenomenon))
    for lang in LANGUAGES:
        assert sorted(set(PHENOMENA) - seen[lang]) == [], lang


def test_every_target_is_generated_in_every_language(examples: list[SynthExample]) -> None:
    for lang in LANGUAGES:
        targets = {e.target for e in examples if e.lang == lang and e.target is not None}
        assert targets == set(Target), lang


def test_harmless_sentence_variants_keep_their_labels(examples: list[SynthExample]) -> None:
    by_template: dict[str, set[tuple[Label, ...]]] = defaultdict(set)
    for e in examples:
        by_template[e.template].add(e.labels)
    harmless = {lang: load_language(lang) for lang in LANGUAGES}
    variants = [e for e in examples if e.phenomenon.endswith(HARMLESS_SUFFIX)]
    assert len(variants) > len(examples) / 10
    for e in variants:
        data = harmless[e.lang]
        assert e.text.startswith(data.harmless_before) or e.text.endswith(data.harmless_after), e.text
        assert by_template[e.template] == {e.labels}, e
    # Hateful and harmless examples both get the extra sentence.
    assert {e.labels for e in variants} >= {(Label.HATE,), (Label.OK,), (Label.THREAT,), (Label.CRITICISM,)}


def test_obfuscated_variants_cover_hateful_and_harmless_examples(examples: list[SynthExample]) -> None:
    odd = [e for e in examples if e.phenomenon.endswith(OBFUSCATED_SUFFIX)]
    assert len(odd) > 1000
    labels = Counter(e.labels[0] for e in odd)
    # Odd spelling must not be a cue for hate: ok examples are obfuscated at least as often.
    assert labels[Label.OK] >= labels[Label.HATE] > 0
    for e in odd:
        assert all(word for word in e.text.split(" ")), e.text


@pytest.mark.parametrize("method", [m for m in METHODS if m != "run_together"])
def test_obfuscated_words_stay_recognisable(method: str) -> None:
    rng = random.Random(1)
    for word in ("moslims", "Marokkanen", "musulmanes", "Flüchtlinge", "refugees", "ongedierte"):
        odd = obfuscate_word(word, method, rng)
        assert odd != word and odd.strip() and all(part for part in odd.split(" "))
        # Letters, or the digits and signs that stand in for one (leet, asterisk), nearly all still there.
        letters = [c for c in odd if c.isalpha() or c in "43105@$*"]
        assert len(letters) >= len(word) - 1
        assert odd[0].lower() == word[0].lower() or odd[0] in "4@310$"


def test_obfuscate_changes_one_named_word_only() -> None:
    text = "Die moslims zijn ongedierte."
    for seed in range(30):
        odd = obfuscate(text, ["die moslims", "ongedierte"], random.Random(seed))
        assert odd is not None and odd != text
        assert all(part for part in odd.split(" "))
        unchanged = [w for w in ("moslims", "ongedierte") if w in odd]
        assert len(unchanged) >= 1 or "diemoslims" in odd or " m o s" in odd.lower()
    assert obfuscate("Fijne dag.", ["moslims"], random.Random(0)) is None


def _broken_copy(tmp_path: Path, old: str, new: str) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(data_dir(), folder)
    path = folder / "nl.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("old", "new", "template", "hint"),
    [
        ("phenomenon: derogation_emotion, text:", "phenomenon: derogation_emoton, text:", "derog_emo_1", "phenomenon"),
        (
            'id: dehum_1, phenomenon: dehumanisation, text: "{group.def} zijn {dehum}',
            'id: dehum_1, phenomenon: dehumanisation, text: "{group.def} zijn {dehumm}',
            "dehum_1",
            "unknown slot",
        ),
        (
            "id: neg_attr_1, phenomenon: negative_attribute,",
            "id: neg_attr_1, phenomenon: negative_attribute, labels: [hatred],",
            "neg_attr_1",
            "labels",
        ),
        (
            "id: implicit_1, phenomenon: implicit_derogation, targets: [ethnicity,",
            "id: implicit_1, phenomenon: implicit_derogation, targets: [race,",
            "implicit_1",
            "targets",
        ),
        (
            'id: hate_q_1, phenomenon: hate_question, text: "Waarom zijn {group.def}',
            'id: hate_q_1, phenomenon: hate_question, text: "Waarom zijn {group.gen}',
            "hate_q_1",
            "lacks the form",
        ),
        (
            'id: ins_pers_4, phenomenon: insult_person, text: "Zwijg, {ins}',
            'id: ins_pers_4, phenomenon: insult_person, text: "Zwijg, {nobody}',
            "ins_pers_4",
            "unknown slot",
        ),
        (
            'id: slur_3, phenomenon: slur, text: "Daar heb je weer een bende {slur.pl}[.',
            'id: slur_3, phenomenon: slur, text: "Daar heb je weer een bende {slur.pl}[[.',
            "slur_3",
            "nested",
        ),
        ("id: own_2, phenomenon: own_contact,", "id: own_2, phenomenon: own_contact, colour: red,", "own_2", "colour"),
    ],
)
def test_a_broken_data_file_names_file_and_template(
    tmp_path: Path, old: str, new: str, template: str, hint: str
) -> None:
    folder = _broken_copy(tmp_path, old, new)
    with pytest.raises(SynthError) as info:
        generate(languages=("nl",), per_template=1, folder=folder)
    message = str(info.value)
    assert str(folder / "nl.yaml") in message
    assert template in message
    assert hint in message


def test_a_slot_without_fillers_is_refused(tmp_path: Path) -> None:
    folder = _broken_copy(tmp_path, "  time: [zondag,", "  time: []\n  unused: [zondag,")
    with pytest.raises(SynthError, match=r"nl\.yaml: template \w+: slot \{time\} has no fillers"):
        generate(languages=("nl",), per_template=1, folder=folder)


def test_a_hate_template_without_a_group_is_refused(tmp_path: Path) -> None:
    folder = _broken_copy(
        tmp_path,
        'text: "{ngroup.def} zijn allemaal {nins}',
        'phenomenon: slur, text: "{ngroup.def} zijn allemaal {nins}',
    )
    with pytest.raises(SynthError, match="ins_ngrp_2"):
        generate(languages=("nl",), per_template=1, folder=folder)


def test_cli_writes_jsonl(tmp_path: Path) -> None:
    out = tmp_path / "synth.jsonl"
    result = CliRunner().invoke(app, ["synth", "--lang", "en", "--per-template", "3", "--seed", "2", "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows and set(rows[0]) == {"text", "lang", "labels", "target", "phenomenon", "template", "synth_version"}
    assert {r["lang"] for r in rows} == {"en"}
    assert {r["synth_version"] for r in rows} == {SYNTH_VERSION}
    again = tmp_path / "again.jsonl"
    CliRunner().invoke(app, ["synth", "--lang", "en", "--per-template", "3", "--seed", "2", "-o", str(again)])
    assert again.read_bytes() == out.read_bytes()


def test_cli_refuses_an_unknown_language_and_keeps_the_old_file(tmp_path: Path) -> None:
    out = tmp_path / "synth.jsonl"
    out.write_text("keep me\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["synth", "--lang", "xx", "-o", str(out)])
    assert result.exit_code == 2
    assert "no data file for language 'xx'" in " ".join(result.output.split())
    assert out.read_text(encoding="utf-8") == "keep me\n"


def test_cli_says_when_the_output_folder_is_missing(tmp_path: Path) -> None:
    out = tmp_path / "no" / "such" / "folder" / "synth.jsonl"
    result = CliRunner().invoke(app, ["synth", "--lang", "de", "--per-template", "1", "-o", str(out)])
    assert result.exit_code == 2
    assert "check that its folder exists" in " ".join(result.output.split())
    assert not out.parent.exists()
