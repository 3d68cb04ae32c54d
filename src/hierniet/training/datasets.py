"""Loaders that turn the public data sets in shared/data into hierniet training examples.

Each public data set has its own label scheme; this module maps every one of
them onto the taxonomy of DESIGN.md (ok, criticism, insult, hate, threat, spam,
...) and records the licence of each, so that a model can be trained without
the non-commercial ones. docs/label-mapping.md explains every mapping decision;
keep it in step with the constants below.

Nothing is read at import time: the loaders run when called, and the language
identifier that crisislex_t26 needs is built on first use.
"""

from __future__ import annotations

import csv
import hashlib
import io
import random
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from hierniet.domain import Label, Target
from hierniet.triage.textclean import clean_text

#: Rows longer than this are mostly pasted articles or lyrics, not comments.
MAX_TEXT_CHARS = 2000

#: How many English crisislex_t26 tweets to keep: the set holds ~19k English
#: tweets that all teach the same thing (a crisis update is ok), enough to
#: drown every other data set.
CRISISLEX_MAX_EN = 4000



class DataError(Exception):
    """A data file is missing, unreadable or not in the expected shape."""


@dataclass(frozen=True, slots=True)
class TrainingExample:
    """One labelled text in hierniet's taxonomy, ready for the trainer."""

    text: str
    lang: str  # ISO 639-1: "nl" | "fr" | "en" | "de"
    labels: tuple[Label, ...]  # never empty; (Label.OK,) when nothing applies
    target: Target | None  # protected target of hate, where the data set tells it
    source: str  # data set name, e.g. "davidson2017"
    weight: float = 1.0  # lower where the mapping from the source labels is noisy

    def __post_init__(self) -> None:
        if not self.labels:
            raise ValueError(f"{self.source}: a training example needs at least one label (use Label.OK)")
        if not self.weight > 0:
            raise ValueError(f"{self.source}: weight must be positive, got {self.weight}")


@dataclass(frozen=True, slots=True)
class DatasetInfo:
    """Where a public data set lives, its licence and how its labels map onto the taxonomy.

    `commercial_ok` is False where the licence forbids commercial use (CC BY-NC,
    CC BY-NC-SA). Sets whose licence is not stated are marked True with the doubt
    written in `licence`: see docs/label-mapping.md before shipping a commercial model.
    """

    name: str
    folder: str
    languages: tuple[str, ...]
    licence: str
    commercial_ok: bool
    mapping: str


_INFOS: tuple[DatasetInfo, ...] = (
    DatasetInfo(
        name="complaints_en",
        folder="complaints_en",
        languages=("en",),
        licence="none stated (Preoţiuc-Pietro et al. 2019); verify with the authors before commercial use",
        commercial_ok=True,
        mapping=(
            "complaint 1 -> criticism, complaint 0 -> ok, weight 1. The only set of legitimate, often "
            "angry complaints to companies: it teaches that criticism is not abuse."
        ),
    ),
    DatasetInfo(
        name="crisislex_t26",
        folder="crisislex_t26",
        languages=("en", "fr"),
        licence="MIT (repository); tweet text subject to the X/Twitter terms",
        commercial_ok=True,
        mapping=(
            "Crisis tweets, all ok (weight 1), including 'Donations and volunteering' (offers and requests "
            "of help are not spam). Only rows marked related to the crisis and identified as English or "
            f"French by py3langid are kept; English is capped at {CRISISLEX_MAX_EN} (all donation rows, "
            "the rest chosen by a hash of the text), French is kept whole."
        ),
    ),
    DatasetInfo(
        name="cyberagression_large_fr",
        folder="cyberagression_large_fr",
        languages=("fr",),
        licence="CC BY-NC 4.0 (non-commercial)",
        commercial_ok=False,
        mapping=(
            "Role-played French teen chats. VERBAL_ABUSE THR -> threat, NCG (name-calling) -> insult, "
            "DNG (denigration) -> insult at weight 0.7 (which messages attack the scenario's protected "
            "group cannot be told reliably, so no hate); covert aggression (CAG) lowers these to "
            "0.6/0.6/0.5. HATE NAG -> ok. Aggression without a verbal-abuse type (OTH, BLM) is skipped."
        ),
    ),
    DatasetInfo(
        name="davidson2017",
        folder="davidson2017",
        languages=("en",),
        licence="MIT (repository); tweet text subject to the X/Twitter terms",
        commercial_ok=True,
        mapping=(
            "class 0 hate speech -> hate with no target (weight 0.6: lexical and noisy by the authors' own "
            "account), class 1 offensive -> insult (weight 0.5: much is untargeted profanity or lyrics), "
            "class 2 neither -> ok (weight 1); every weight is multiplied by the share of annotators who "
            "chose the class."
        ),
    ),
    DatasetInfo(
        name="edos",
        folder="edos",
        languages=("en",),
        licence="CC0 1.0",
        commercial_ok=True,
        mapping=(
            "sexist -> hate, target gender (weight 1); category '1. threats, plans to harm and incitement' "
            "-> hate + threat. not sexist -> ok at weight 0.5, because EDOS only annotated sexism and its "
            "Gab/Reddit posts may hold other abuse."
        ),
    ),
    DatasetInfo(
        name="hurtlex_lexicon",
        folder="hurtlex_lexicon",
        languages=("nl", "fr", "en"),
        licence="CC BY-NC-SA 4.0 (non-commercial, share-alike)",
        commercial_ok=False,
        mapping=(
            "Not a training set: a lexicon of hurtful words (many nl/fr entries machine-translated). "
            "load_dataset refuses it and the project does not use it."
        ),
    ),
    DatasetInfo(
        name="mlma",
        folder="mlma",
        languages=("fr", "en"),
        licence="MIT",
        commercial_ok=True,
        mapping=(
            "sentiment exactly 'normal' -> ok. Any of offensive/abusive/hateful/disrespectful: hate when "
            "the group is a protected one (women -> gender, gay -> sexual orientation, special_needs -> "
            "disability, muslims/jews/christian -> religion, ethnic groups, immigrants and refugees -> "
            "ethnicity), at weight 0.6 unless 'hateful' is among the labels; hate with the target column's "
            "attribute (origin -> ethnicity) at weight 0.5 when only the target column names one and "
            "'hateful' is present; insult otherwise (individuals, left-wing people, other). 'fearful' "
            "without hostility is skipped. Weight x0.5 when annotators also said 'normal', x0.6 for "
            "English (its text had stopwords removed)."
        ),
    ),
    DatasetInfo(
        name="olid",
        folder="olid",
        languages=("en",),
        licence="none stated (OffensEval 2019 research release); verify before commercial use",
        commercial_ok=True,
        mapping=(
            "NOT -> ok (weight 1). OFF+UNT (untargeted profanity) -> ok at weight 0.5: hierniet does not "
            "treat swearing that attacks no one as abuse, and some rows hide a missed target. "
            "OFF+TIN+IND -> insult (1), OFF+TIN+GRP -> insult (0.5, the group is mostly political and may "
            "or may not be protected), OFF+TIN+OTH -> insult (0.3, an organisation, event or issue)."
        ),
    ),
    DatasetInfo(
        name="youtube_spam_en",
        folder="youtube_spam_en",
        languages=("en",),
        licence=(
            "none stated ('a public set of comments collected for spam research', cite Alberto et al. "
            "2015); verify before commercial use"
        ),
        commercial_ok=True,
        mapping=(
            "CLASS 1 -> spam, CLASS 0 -> ok, weight 1. Music-video comments; spam is self-promotion "
            "and links."
        ),
    ),
)

#: Listed for the licence record, but not labelled comments: never loaded.
_NOT_TRAINING_SETS = frozenset({"hurtlex_lexicon"})


def dataset_infos() -> tuple[DatasetInfo, ...]:
    """Every public data set in shared/data, sorted by name, trainable or not."""
    return _INFOS


def training_dataset_names(*, include_noncommercial: bool = True) -> tuple[str, ...]:
    """Names load_public would load, in the order it loads them."""
    return tuple(
        info.name
        for info in _INFOS
        if info.name not in _NOT_TRAINING_SETS and (include_noncommercial or info.commercial_ok)
    )


def _info(name: str) -> DatasetInfo:
    for info in _INFOS:
        if info.name == name:
            return info
    known = ", ".join(i.name for i in _INFOS)
    raise DataError(f"unknown data set {name!r}; known data sets: {known}")


class _Collector:
    """Cleans texts and keeps the first of each exact duplicate within one data set."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.examples: list[TrainingExample] = []
        self._seen: set[str] = set()

    def add(
        self,
        raw_text: str,
        lang: str,
        labels: tuple[Label, ...],
        target: Target | None = None,
        weight: float = 1.0,
    ) -> None:
        text = clean_text(raw_text)
        if not text or len(text) > MAX_TEXT_CHARS or text in self._seen:
            return
        self._seen.add(text)
        self.examples.append(
            TrainingExample(
                text=text, lang=lang, labels=labels, target=target, source=self.source, weight=weight
            )
        )


# --------------------------------------------------------------------------- reading files


@dataclass(frozen=True, slots=True)
class _Row:
    """One data row with its header names normalised (see _column_key)."""

    path: Path
    line: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values[_column_key(column)]

    def bad(self, column: str, allowed: Sequence[str]) -> DataError:
        return DataError(
            f"{self.path}, line {self.line}: unexpected {column} value {self[column]!r}; "
            f"expected one of {', '.join(allowed)}. Is this the file SOURCE.md describes?"
        )


def _column_key(name: str) -> str:
    # crisislex spells "Tweet Text" and " Tweet Text" in different files
    return " ".join(name.replace("\ufeff", "").split()).lower()


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Latin-1 maps every byte, so old Windows exports still load (with a few odd characters)
        return data.decode("latin-1")


def _read_table(path: Path, required: Sequence[str], *, delimiter: str = ",") -> list[_Row]:
    """Read a CSV/TSV file with a header row; raise DataError naming the file on any problem."""
    if not path.is_file():
        raise DataError(
            f"data file not found: {path}. Copy it from the repository and path named in "
            f"{path.parent / 'SOURCE.md'}, or point data_dir at the folder holding the public data sets."
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataError(f"cannot read data file {path}: {exc}") from exc
    _raise_field_size_limit()
    reader = csv.reader(io.StringIO(_decode(data), newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise DataError(
            f"data file {path} is empty; expected a header row with {', '.join(required)}"
        ) from None
    except csv.Error as exc:
        raise DataError(f"{path}: cannot parse the header row: {exc}") from exc
    keys = [_column_key(name) for name in header]
    missing = [column for column in required if _column_key(column) not in keys]
    if missing:
        found = ", ".join(repr(name) for name in header)
        raise DataError(
            f"{path}: column(s) {', '.join(repr(c) for c in missing)} missing (found: {found}). "
            "Is this the file SOURCE.md describes?"
        )
    rows: list[_Row] = []
    try:
        for fields in reader:
            if not any(field.strip() for field in fields):
                continue
            padded = fields + [""] * (len(keys) - len(fields))
            values = {key: padded[i] for i, key in enumerate(keys) if key}
            rows.append(_Row(path=path, line=reader.line_num, values=values))
    except csv.Error as exc:
        raise DataError(f"{path}, line {reader.line_num}: {exc}") from exc
    return rows


def _raise_field_size_limit() -> None:
    # Some rows hold whole articles; the csv default (128 KiB) would stop the read.
    csv.field_size_limit(2**31 - 1)


def _int(row: _Row, column: str) -> int:
    value = row[column].strip()
    try:
        return int(value)
    except ValueError:
        raise DataError(
            f"{row.path}, line {row.line}: column {column!r} should be a whole number, got {value!r}"
        ) from None


# --------------------------------------------------------------------------- one loader per data set

_OK = (Label.OK,)


def _load_complaints(folder: Path) -> list[TrainingExample]:
    out = _Collector("complaints_en")
    for row in _read_table(folder / "complaints-data.csv", ("text", "complaint")):
        complaint = row["complaint"].strip()
        if complaint == "1":
            out.add(row["text"], "en", (Label.CRITICISM,))
        elif complaint == "0":
            out.add(row["text"], "en", _OK)
        else:
            raise row.bad("complaint", ("0", "1"))
    return out.examples


def _load_youtube(folder: Path) -> list[TrainingExample]:
    out = _Collector("youtube_spam_en")
    paths = sorted(folder.glob("Youtube*.csv"))
    if not paths:
        raise DataError(
            f"no Youtube*.csv files in {folder}. Copy Youtube01-Psy.csv ... Youtube05-Shakira.csv "
            f"as {folder / 'SOURCE.md'} describes."
        )
    for path in paths:
        for row in _read_table(path, ("CONTENT", "CLASS")):
            spam = row["CLASS"].strip()
            if spam == "1":
                out.add(row["CONTENT"], "en", (Label.SPAM,))
            elif spam == "0":
                out.add(row["CONTENT"], "en", _OK)
            else:
                raise row.bad("CLASS", ("0", "1"))
    return out.examples


# Weights per Davidson class before the annotator-agreement factor.
_DAVIDSON: dict[int, tuple[tuple[Label, ...], float, str]] = {
    0: ((Label.HATE,), 0.6, "hate_speech"),
    1: ((Label.INSULT,), 0.5, "offensive_language"),
    2: (_OK, 1.0, "neither"),
}


def _load_davidson(folder: Path) -> list[TrainingExample]:
    out = _Collector("davidson2017")
    required = ("count", "hate_speech", "offensive_language", "neither", "class", "tweet")
    for row in _read_table(folder / "labeled_data.csv", required):
        klass = _int(row, "class")
        if klass not in _DAVIDSON:
            raise row.bad("class", ("0", "1", "2"))
        labels, weight, votes_column = _DAVIDSON[klass]
        count = _int(row, "count")
        agreement = _int(row, votes_column) / count if count > 0 else 1.0
        out.add(row["tweet"], "en", labels, None, weight * min(1.0, max(agreement, 0.1)))
    return out.examples


_OLID: dict[tuple[str, str, str], tuple[tuple[Label, ...], float] | None] = {
    ("NOT", "NULL", "NULL"): (_OK, 1.0),
    ("OFF", "UNT", "NULL"): (_OK, 0.5),
    ("OFF", "TIN", "IND"): ((Label.INSULT,), 1.0),
    ("OFF", "TIN", "GRP"): ((Label.INSULT,), 0.5),
    ("OFF", "TIN", "OTH"): ((Label.INSULT,), 0.3),
}


def _load_olid(folder: Path) -> list[TrainingExample]:
    out = _Collector("olid")
    path = folder / "offenseval-training-v1.tsv"
    for row in _read_table(path, ("tweet", "subtask_a", "subtask_b", "subtask_c"), delimiter="\t"):
        key = tuple(row[c].strip().upper() or "NULL" for c in ("subtask_a", "subtask_b", "subtask_c"))
        mapped = _OLID.get((key[0], key[1], key[2]))
        if mapped is None:
            raise DataError(
                f"{path}, line {row.line}: unexpected subtask labels {'/'.join(key)}; expected one of "
                + ", ".join("/".join(k) for k in _OLID)
            )
        labels, weight = mapped
        out.add(row["tweet"], "en", labels, None, weight)
    return out.examples


_EDOS_THREAT_PREFIX = "1."


def _load_edos(folder: Path) -> list[TrainingExample]:
    out = _Collector("edos")
    for row in _read_table(
        folder / "edos_labelled_aggregated.csv", ("text", "label_sexist", "label_category")
    ):
        sexist = row["label_sexist"].strip().lower()
        if sexist == "sexist":
            threat = row["label_category"].strip().startswith(_EDOS_THREAT_PREFIX)
            labels = (Label.HATE, Label.THREAT) if threat else (Label.HATE,)
            out.add(row["text"], "en", labels, Target.GENDER, 1.0)
        elif sexist == "not sexist":
            out.add(row["text"], "en", _OK, None, 0.5)
        else:
            raise row.bad("label_sexist", ("sexist", "not sexist"))
    return out.examples


_MLMA_HOSTILE = frozenset({"offensive", "abusive", "hateful", "disrespectful"})
_MLMA_SENTIMENTS = _MLMA_HOSTILE | {"normal", "fearful"}
# The group annotation is the more specific one; it decides the target when it names a protected group.
_MLMA_GROUP_TARGET: dict[str, Target] = {
    "african_descent": Target.ETHNICITY,
    "arabs": Target.ETHNICITY,
    "asians": Target.ETHNICITY,
    "hispanics": Target.ETHNICITY,
    "indian/hindu": Target.ETHNICITY,
    "immigrants": Target.ETHNICITY,
    "refugees": Target.ETHNICITY,
    "muslims": Target.RELIGION,
    "jews": Target.RELIGION,
    "christian": Target.RELIGION,
    "women": Target.GENDER,
    "gay": Target.SEXUAL_ORIENTATION,
    "special_needs": Target.DISABILITY,
}
_MLMA_UNPROTECTED_GROUPS = frozenset({"individual", "left_wing_people", "other"})
_MLMA_TARGET_COLUMN: dict[str, Target | None] = {
    "origin": Target.ETHNICITY,
    "gender": Target.GENDER,
    "sexual_orientation": Target.SEXUAL_ORIENTATION,
    "religion": Target.RELIGION,
    "disability": Target.DISABILITY,
    "other": None,
}
# English MLMA text had its stopwords removed ("call sis im boy girl still ..."): far from real comments.
_MLMA_LANG_WEIGHT = {"fr": 1.0, "en": 0.6}


def _mlma_mapping(row: _Row, lang: str) -> tuple[tuple[Label, ...], Target | None, float] | None:
    tokens = frozenset(t for t in row["sentiment"].strip().lower().split("_") if t)
    unknown = tokens - _MLMA_SENTIMENTS
    if unknown or not tokens:
        raise row.bad("sentiment", sorted(_MLMA_SENTIMENTS))
    group = row["group"].strip().lower()
    if group not in _MLMA_GROUP_TARGET and group not in _MLMA_UNPROTECTED_GROUPS:
        raise row.bad("group", sorted(_MLMA_GROUP_TARGET.keys() | _MLMA_UNPROTECTED_GROUPS))
    column = row["target"].strip().lower()
    if column not in _MLMA_TARGET_COLUMN:
        raise row.bad("target", sorted(_MLMA_TARGET_COLUMN))
    weight = _MLMA_LANG_WEIGHT[lang]
    hostile = tokens & _MLMA_HOSTILE
    if not hostile:
        # "fearful" alone mixes fear-mongering about a group with harmless worry: no label fits
        return (_OK, None, weight) if tokens == {"normal"} else None
    if "normal" in tokens:
        weight *= 0.5  # the sentiment is the union over annotators: some of them saw nothing wrong
    hateful = "hateful" in tokens
    group_target = _MLMA_GROUP_TARGET.get(group)
    column_target = _MLMA_TARGET_COLUMN[column]
    if group_target is not None:
        return (Label.HATE,), group_target, weight * (1.0 if hateful else 0.6)
    if hateful and column_target is not None and group != "left_wing_people":
        # "origin" is the column's most frequent answer even for political or personal insults,
        # so it only counts when annotators also called the tweet hateful
        return (Label.HATE,), column_target, weight * 0.5
    return (Label.INSULT,), None, weight


def _load_mlma(folder: Path) -> list[TrainingExample]:
    out = _Collector("mlma")
    for lang in ("fr", "en"):
        for row in _read_table(folder / f"{lang}_dataset.csv", ("tweet", "sentiment", "target", "group")):
            mapped = _mlma_mapping(row, lang)
            if mapped is not None:
                labels, target, weight = mapped
                out.add(row["tweet"], lang, labels, target, weight)
    return out.examples


_CYBER_HATE = ("OAG", "CAG", "NAG")
_CYBER_ABUSE = ("NCG", "THR", "DNG", "BLM", "OTH", "NULL")
# (HATE, VERBAL_ABUSE) -> (labels, weight); absent pairs are skipped
_CYBER: dict[tuple[str, str], tuple[tuple[Label, ...], float]] = {
    ("OAG", "THR"): ((Label.THREAT,), 1.0),
    ("CAG", "THR"): ((Label.THREAT,), 0.6),
    ("OAG", "NCG"): ((Label.INSULT,), 1.0),
    ("CAG", "NCG"): ((Label.INSULT,), 0.6),
    ("OAG", "DNG"): ((Label.INSULT,), 0.7),
    ("CAG", "DNG"): ((Label.INSULT,), 0.5),
}


def _load_cyberagression(folder: Path) -> list[TrainingExample]:
    out = _Collector("cyberagression_large_fr")
    path = folder / "cyberagression_large_majority_vote.csv"
    for row in _read_table(path, ("TEXT", "HATE", "VERBAL_ABUSE")):
        hate = row["HATE"].strip().upper()
        abuse = row["VERBAL_ABUSE"].strip().upper() or "NULL"
        if hate not in _CYBER_HATE:
            raise row.bad("HATE", _CYBER_HATE)
        if abuse not in _CYBER_ABUSE:
            raise row.bad("VERBAL_ABUSE", _CYBER_ABUSE)
        if hate == "NAG":
            out.add(row["TEXT"], "fr", _OK)
        elif (hate, abuse) in _CYBER:
            labels, weight = _CYBER[(hate, abuse)]
            out.add(row["TEXT"], "fr", labels, None, weight)
    return out.examples


_CRISISLEX_RELATED = frozenset({"related and informative", "related - but not informative"})
_CRISISLEX_DONATIONS = "donations and volunteering"
_CRISISLEX_LANGS = frozenset({"en", "fr"})
_LANGID_NOISE = re.compile(r"http://url|@user|#|\bRT\b")


@cache
def _language_identifier() -> Any:
    # A private identifier: py3langid.set_languages() changes the package-wide one, which
    # triage may restrict to nl/fr/en/de; here the full model is wanted, to drop es/it/pt/tl.
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE)


def _language_of(text: str) -> str:
    lang, _score = _language_identifier().classify(_LANGID_NOISE.sub(" ", text))
    return str(lang)


def _text_rank(text: str) -> bytes:
    # Stable across runs and Python versions, unlike hash(): the same tweets are kept every time.
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()


def _load_crisislex(folder: Path) -> list[TrainingExample]:
    paths = sorted(folder.glob("*-tweets_labeled.csv"))
    if not paths:
        raise DataError(
            f"no *-tweets_labeled.csv files in {folder}. Copy the 26 CrisisLexT26 files as "
            f"{folder / 'SOURCE.md'} describes."
        )
    out = _Collector("crisislex_t26")
    donations: set[str] = set()
    for path in paths:
        for row in _read_table(path, ("Tweet Text", "Information Type", "Informativeness")):
            if row["Informativeness"].strip().lower() not in _CRISISLEX_RELATED:
                continue  # off-topic tweets riding a hashtag may be anything, spam included
            before = len(out.examples)
            out.add(row["Tweet Text"], "und", _OK)
            if len(out.examples) > before and row["Information Type"].strip().lower() == _CRISISLEX_DONATIONS:
                donations.add(out.examples[-1].text)
    kept: list[TrainingExample] = []
    english: list[TrainingExample] = []
    for example in out.examples:
        lang = _language_of(example.text)
        if lang not in _CRISISLEX_LANGS:
            continue
        tagged = TrainingExample(example.text, lang, example.labels, None, example.source, example.weight)
        (english if lang == "en" else kept).append(tagged)
    # All donation offers stay (the crisis mode's look-alikes of copy-paste floods); the rest by hash rank
    chosen = {e.text for e in english if e.text in donations}
    for example in sorted((e for e in english if e.text not in donations), key=lambda e: _text_rank(e.text)):
        if len(chosen) >= CRISISLEX_MAX_EN:
            break
        chosen.add(example.text)
    kept.extend(e for e in english if e.text in chosen)
    order = {e.text: i for i, e in enumerate(out.examples)}
    return sorted(kept, key=lambda e: order[e.text])


_LOADERS: dict[str, Callable[[Path], list[TrainingExample]]] = {
    "complaints_en": _load_complaints,
    "crisislex_t26": _load_crisislex,
    "cyberagression_large_fr": _load_cyberagression,
    "davidson2017": _load_davidson,
    "edos": _load_edos,
    "mlma": _load_mlma,
    "olid": _load_olid,
    "youtube_spam_en": _load_youtube,
}


# --------------------------------------------------------------------------- public entry points


def load_dataset(name: str, data_dir: Path) -> list[TrainingExample]:
    """Load one public data set from `data_dir` (the shared/data folder) as training examples.

    Raises DataError for an unknown name, for hurtlex_lexicon (not a training set),
    and when a file or a column is missing; the message names the file.
    """
    info = _info(name)
    if name in _NOT_TRAINING_SETS:
        raise DataError(
            f"{name} is a lexicon ({info.licence}), not labelled comments: hierniet does not train on it. "
            f"Training sets: {', '.join(training_dataset_names())}"
        )
    folder = Path(data_dir) / info.folder
    if not folder.is_dir():
        raise DataError(
            f"data set folder not found: {folder}. data_dir should be the folder holding the public data "
            "sets (shared/data), with one sub-folder per data set."
        )
    return _LOADERS[name](folder)


def load_public(
    data_dir: Path,
    *,
    include_noncommercial: bool = True,
    max_per_dataset: int | None = None,
    seed: int = 13,
) -> list[TrainingExample]:
    """Every public training set, each cut to at most `max_per_dataset` examples by stratified sampling.

    The result is in data set order (sorted by name) and, within one set, in file
    order; it is the same for the same arguments and data. With
    include_noncommercial=False, sets whose licence forbids commercial use are left out.
    """
    if max_per_dataset is not None and max_per_dataset < 1:
        raise ValueError(f"max_per_dataset must be a positive number or None, got {max_per_dataset}")
    examples: list[TrainingExample] = []
    for name in training_dataset_names(include_noncommercial=include_noncommercial):
        loaded = load_dataset(name, data_dir)
        if max_per_dataset is not None:
            # Seeded per set, so that adding or leaving out one set does not reshuffle the others
            loaded = stratified_subsample(loaded, max_per_dataset, random.Random(f"{seed}/{name}"))
        examples.extend(loaded)
    return examples


def stratified_subsample(
    examples: Sequence[TrainingExample], limit: int, rng: random.Random
) -> list[TrainingExample]:
    """At most `limit` examples, keeping the share of each (labels, target, lang) stratum.

    Strata smaller than limit / 10 are kept whole, so rare labels, targets and
    languages survive. The larger strata share the rest of the budget in
    proportion to their size, except that none is cut below limit / 10 (or its
    fair share of the budget, with very many strata). Only when more than ten
    strata are small can the result exceed `limit`. The kept examples stay in
    their original order.
    """
    if len(examples) <= limit:
        return list(examples)
    strata: dict[tuple[tuple[Label, ...], str, str], list[int]] = defaultdict(list)
    for index, example in enumerate(examples):
        strata[(example.labels, example.target or "", example.lang)].append(index)
    keys = sorted(strata)
    floor = limit // 10
    small = [k for k in keys if len(strata[k]) < floor]
    chosen = [i for k in small for i in strata[k]]
    pool = [k for k in keys if len(strata[k]) >= floor]
    budget = limit - len(chosen)
    quota: dict[tuple[tuple[Label, ...], str, str], int] = {}
    if pool and budget > 0:
        lift = min(floor, budget // len(pool))
        # Water-filling: strata whose proportional share falls under the floor get the floor,
        # and the others share what is left in proportion, until no share falls under it.
        while pool:
            total = sum(len(strata[k]) for k in pool)
            lifted = [k for k in pool if budget * len(strata[k]) / total < lift]
            if not lifted:
                break
            for k in lifted:
                quota[k] = lift
            budget -= lift * len(lifted)
            pool = [k for k in pool if k not in lifted]
        if pool:
            total = sum(len(strata[k]) for k in pool)
            shares = {k: budget * len(strata[k]) / total for k in pool}
            quota.update({k: int(shares[k]) for k in pool})
            # largest remainder: hand out what rounding down left over, biggest fractions first
            leftover = budget - sum(quota[k] for k in pool)
            for k in sorted(pool, key=lambda k: shares[k] - int(shares[k]), reverse=True)[:leftover]:
                quota[k] += 1
    for k, n in quota.items():
        indices = strata[k]
        chosen.extend(indices if n >= len(indices) else rng.sample(indices, n))
    return [examples[i] for i in sorted(chosen)]
