"""A seeded, deterministic, versioned generator of labelled training examples (nl, fr, en, de).

Templates and slot fillers are data (data/<lang>.yaml, CC0, our own writing);
see docs/synth.md for what it makes and why.
"""

from hierniet.training.synth.generator import (
    LANGUAGES,
    SYNTH_VERSION,
    SynthExample,
    generate,
    load_language,
    to_record,
    write_jsonl,
)
from hierniet.training.synth.obfuscation import obfuscate, obfuscate_word
from hierniet.training.synth.phenomena import HARMLESS_SUFFIX, OBFUSCATED_SUFFIX, PHENOMENA, Phenomenon
from hierniet.training.synth.schema import SynthError, load_data_file

__all__ = [
    "HARMLESS_SUFFIX",
    "LANGUAGES",
    "OBFUSCATED_SUFFIX",
    "PHENOMENA",
    "SYNTH_VERSION",
    "Phenomenon",
    "SynthError",
    "SynthExample",
    "generate",
    "load_data_file",
    "load_language",
    "obfuscate",
    "obfuscate_word",
    "to_record",
    "write_jsonl",
]
