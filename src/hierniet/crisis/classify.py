"""Each crisis card read: request, offer, information or other; what is needed; where, when, how many; a contact.

* kind and needs: logistic heads on the multilingual sentence embedding the triage model uses (so a model trained
  on English disaster messages and the project's own nl/fr/de/en examples reads all four languages), with the
  thresholds chosen on held-back data (hierniet.crisis.train); the kind head also reads hashed word and character
  n-grams (NgramFeatures: the embedding alone blurs "we need water" and "water is needed there"), and so do the
  need heads; a need named in the word lists (words/*.yaml) is added whatever the model says; an offer put as a
  question ("Iemand opvang nodig? Wij hebben plaats in Genk.", the word lists' offer_questions) is an offer
  whatever the model says, since every word of its question is a request's;
* where: the gazetteer (hierniet.crisis.places); when and how many: patterns for times, days and counts;
* contact: the first phone number or e-mail address the PII detector (hierniet.triage.pii) finds;
* language: hierniet.triage.language.

Pure: the model is read from a folder of the package (or one given), nothing is stored.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np

from hierniet.crisis.normalize import unprefixed
from hierniet.crisis.places import find_places
from hierniet.crisis.words import NEEDS, NeedWords, OfferQuestion, need_words

Kind = Literal["request", "offer", "info", "other"]
KINDS: tuple[Kind, ...] = ("request", "offer", "info", "other")
MODEL_FILES = ("model.json", "weights.npz")


class ModelError(ValueError):
    """The model folder is missing a file or holds the wrong shapes: retrain with `hierniet crisis train`."""


@dataclass(frozen=True)
class NgramFeatures:
    """Hashed word (1-2) and character (2-5, within words) n-grams, log counts times idf, each block unit length.

    Hashing keeps no vocabulary (nothing to store but the idf per bucket) and reads any language; the idf comes
    from the rows the head was fitted on. Deterministic: sklearn's HashingVectorizer (murmurhash3, pinned).
    """

    word_idf: np.ndarray  # (word_buckets,)
    char_idf: np.ndarray  # (char_buckets,)

    @property
    def size(self) -> int:
        return int(self.word_idf.shape[0] + self.char_idf.shape[0])

    @staticmethod
    def counts(texts: Sequence[str], word_buckets: int, char_buckets: int) -> tuple[Any, Any]:
        """Log counts (1 + ln n) per bucket, words then characters (scipy CSR matrices)."""
        from sklearn.feature_extraction.text import HashingVectorizer

        blocks = []
        for analyzer, ngrams, buckets in (("word", (1, 2), word_buckets), ("char_wb", (2, 5), char_buckets)):
            hasher = HashingVectorizer(
                n_features=buckets,
                analyzer=analyzer,
                ngram_range=ngrams,
                alternate_sign=False,
                norm=None,
                strip_accents="unicode",
                lowercase=True,
                dtype=np.float32,
            )
            matrix = hasher.transform(list(texts)).tocsr()
            matrix.data = (1.0 + np.log(matrix.data)).astype(np.float32)
            blocks.append(matrix)
        return blocks[0], blocks[1]

    @staticmethod
    def idf(matrix: Any) -> np.ndarray:
        """Smoothed idf (as sklearn's TfidfTransformer) of a count block."""
        rows = matrix.shape[0]
        df = np.bincount(matrix.indices, minlength=matrix.shape[1])
        idf: np.ndarray = (np.log((1.0 + rows) / (1.0 + df)) + 1.0).astype(np.float32)
        return idf

    def transform(self, texts: Sequence[str]) -> Any:
        """The features of `texts`: a scipy CSR matrix (len(texts), size)."""
        from scipy import sparse
        from sklearn.preprocessing import normalize

        words, chars = self.counts(texts, self.word_idf.shape[0], self.char_idf.shape[0])
        words = normalize(words.multiply(self.word_idf).tocsr())
        chars = normalize(chars.multiply(self.char_idf).tocsr())
        return sparse.hstack([words, chars], format="csr", dtype=np.float32)


@dataclass(frozen=True)
class CrisisModel:
    kind_weights: np.ndarray  # (4, 514): the embedding, then the offer and request word features
    kind_bias: np.ndarray  # (4,)
    need_weights: np.ndarray  # (8, 512)
    need_bias: np.ndarray  # (8,)
    #: Probability from which a post is an offer, then a request (checked in that order: offers are rare and
    #: would otherwise always lose to requests); below both, the likelier of info and other.
    offer_threshold: float
    request_threshold: float
    need_thresholds: np.ndarray  # (8,)
    #: The offer threshold for a post with an offer word in it ("wij bieden", "je propose", "kostenlos").
    offer_cue_threshold: float = 1.0
    card: dict[str, Any] = field(default_factory=dict)
    #: The n-gram features and their weights in the kind head (4, ngrams.size) and the need heads (8,
    #: ngrams.size); None: the embedding alone.
    ngrams: NgramFeatures | None = None
    ngram_weights: np.ndarray | None = None
    need_ngram_weights: np.ndarray | None = None

    def ngram_matrix(self, texts: Sequence[str]) -> Any:
        """The n-gram features of `texts` (None for a model without them): compute once, give to both heads."""
        return None if self.ngrams is None else self.ngrams.transform(texts)

    def _grams(self, rows: int, texts: Sequence[str] | None, grams: Any, caller: str) -> Any:
        if grams is None:
            if texts is None or len(texts) != rows:
                raise ValueError(f"this crisis model reads n-grams: give {caller} the texts too")
            grams = self.ngram_matrix(texts)
        return grams

    def kind_probabilities(
        self,
        embeddings: np.ndarray,
        cues: np.ndarray | None = None,
        texts: Sequence[str] | None = None,
        *,
        grams: Any = None,
    ) -> np.ndarray:
        """`cues`: per post (offer word, request word) as 0/1, the two features after the embedding.

        `texts`: the posts themselves, needed when the model reads n-grams (a model without them ignores them);
        `grams`: their n-gram features (`ngram_matrix`) when already computed.
        """
        if cues is None:
            cues = np.zeros((embeddings.shape[0], 2), np.float32)
        logits = kind_features(embeddings, cues) @ self.kind_weights.T + self.kind_bias
        if self.ngrams is not None and self.ngram_weights is not None:
            grams = self._grams(embeddings.shape[0], texts, grams, "kind_probabilities")
            logits = logits + np.asarray(grams @ self.ngram_weights.T)
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        probabilities: np.ndarray = exp / exp.sum(axis=1, keepdims=True)
        return probabilities

    def need_probabilities(
        self, embeddings: np.ndarray, texts: Sequence[str] | None = None, *, grams: Any = None
    ) -> np.ndarray:
        """`texts` (or their `grams`): as for kind_probabilities."""
        logits = embeddings @ self.need_weights.T + self.need_bias
        if self.ngrams is not None and self.need_ngram_weights is not None:
            grams = self._grams(embeddings.shape[0], texts, grams, "need_probabilities")
            logits = logits + np.asarray(grams @ self.need_ngram_weights.T)
        probabilities: np.ndarray = 1.0 / (1.0 + np.exp(-logits))
        return probabilities

    def kinds(
        self,
        probabilities: np.ndarray,
        offer_cues: Sequence[bool] | None = None,
        offer_questions: Sequence[bool] | None = None,
        help_questions: Sequence[bool] | None = None,
    ) -> list[Kind]:
        """`offer_questions`: per post, whether it is an offer put as a question (NeedWords.offer_question): an
        offer whatever the scores, since the words of its question are a request's ("Iemand opvang nodig?").

        `help_questions`: per post, whether a question of it asks for help (NeedWords.help_question): a request
        where the model would read information or chatter ("Weet iemand waar we water kunnen krijgen?"); an offer
        the model reads stays an offer (a question can close an offer: "..., wie wil er mee?")."""
        out: list[Kind] = []
        for i, row in enumerate(probabilities):
            cue = offer_cues is not None and offer_cues[i]
            asked = offer_questions is not None and offer_questions[i]
            helps = help_questions is not None and help_questions[i]
            threshold = min(self.offer_threshold, self.offer_cue_threshold) if cue else self.offer_threshold
            if asked or row[1] >= threshold:
                out.append("offer")
            elif row[0] >= self.request_threshold or helps:
                out.append("request")
            else:
                out.append("info" if row[2] >= row[3] else "other")
        return out

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, Any] = {
            "kind_weights": self.kind_weights.astype(np.float32),
            "kind_bias": self.kind_bias.astype(np.float32),
            "need_weights": self.need_weights.astype(np.float32),
            "need_bias": self.need_bias.astype(np.float32),
        }
        if self.ngrams is not None and self.ngram_weights is not None:
            # float16 halves the file; the probabilities move by less than 1e-3 (checked by the trainer's figures,
            # which are computed on the model as loaded back).
            arrays["ngram_weights"] = self.ngram_weights.astype(np.float16)
            if self.need_ngram_weights is not None:
                arrays["need_ngram_weights"] = self.need_ngram_weights.astype(np.float16)
            arrays["word_idf"] = self.ngrams.word_idf.astype(np.float16)
            arrays["char_idf"] = self.ngrams.char_idf.astype(np.float16)
        np.savez_compressed(folder / "weights.npz", **arrays)
        card = self.card  # the thresholds are kept in the card the caller holds too
        card["thresholds"] = {
            "offer": round(float(self.offer_threshold), 4),
            "offer_with_offer_words": round(float(self.offer_cue_threshold), 4),
            "request": round(float(self.request_threshold), 4),
            "needs": {n: round(float(t), 4) for n, t in zip(NEEDS, self.need_thresholds, strict=True)},
        }
        (folder / "model.json").write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


#: The offer and request word features weigh like a strong direction of the (unit-length) embedding.
CUE_SCALE = 1.0


def kind_features(embeddings: np.ndarray, cues: np.ndarray) -> np.ndarray:
    return np.hstack([embeddings, np.asarray(cues, np.float32).reshape(-1, 2) * CUE_SCALE])


def cue_matrix(words: NeedWords, texts: Sequence[str]) -> np.ndarray:
    return np.array([words.cues(t) for t in texts], np.float32).reshape(-1, 2)


def load_model(folder: Path | None = None) -> CrisisModel:
    """The model in `folder` (default: the one shipped in the package)."""
    if folder is None:
        return _shipped()
    return _load(folder)


@cache
def _shipped() -> CrisisModel:
    root = resources.files("hierniet.crisis") / "model"
    return _load(Path(str(root)))


def _load(folder: Path) -> CrisisModel:
    missing = [name for name in MODEL_FILES if not (folder / name).is_file()]
    if missing:
        raise ModelError(f"{folder} has no {', '.join(missing)}: train one with `hierniet crisis train -o {folder}`")
    card = json.loads((folder / "model.json").read_text("utf-8"))
    with np.load(folder / "weights.npz") as data:
        arrays = {k: np.asarray(data[k], np.float32) for k in data.files}
    try:
        thresholds = card["thresholds"]
        model = CrisisModel(
            kind_weights=arrays["kind_weights"],
            kind_bias=arrays["kind_bias"],
            need_weights=arrays["need_weights"],
            need_bias=arrays["need_bias"],
            offer_threshold=float(thresholds["offer"]),
            request_threshold=float(thresholds["request"]),
            need_thresholds=np.array([float(thresholds["needs"][n]) for n in NEEDS], np.float32),
            offer_cue_threshold=float(thresholds["offer_with_offer_words"]),
            card=card,
            ngrams=(NgramFeatures(arrays["word_idf"], arrays["char_idf"]) if "ngram_weights" in arrays else None),
            ngram_weights=arrays.get("ngram_weights"),
            need_ngram_weights=arrays.get("need_ngram_weights"),
        )
    except KeyError as exc:
        raise ModelError(f"{folder}: the model lacks {exc}; retrain it with `hierniet crisis train`") from None
    if model.kind_weights.shape[0] != len(KINDS) or model.need_weights.shape[0] != len(NEEDS):
        raise ModelError(f"{folder}: the weights do not have one row per kind and need; retrain the model")
    ngrams, ngram_weights = model.ngrams, model.ngram_weights
    if ngrams is not None and ngram_weights is not None and ngram_weights.shape != (len(KINDS), ngrams.size):
        raise ModelError(f"{folder}: the n-gram weights do not match the n-gram buckets; retrain the model")
    need_grams = model.need_ngram_weights
    if need_grams is not None and (ngrams is None or need_grams.shape != (len(NEEDS), ngrams.size)):
        raise ModelError(f"{folder}: the need heads' n-gram weights do not match the n-gram buckets; retrain")
    return model


# --- when and how many ------------------------------------------------------------------------------------

_WHEN = re.compile(
    r"\b(?:vandaag|vanavond|vannacht|vanmorgen|vanochtend|morgen(?:vroeg|avond)?|overmorgen|gisteren|nu|"
    r"zaterdag|zondag|maandag|dinsdag|woensdag|donderdag|vrijdag|weekend|"
    r"aujourd'hui|ce soir|cette nuit|ce matin|demain|hier|maintenant|samedi|dimanche|lundi|mardi|mercredi|jeudi|"
    r"vendredi|ce week-end|"
    r"heute(?: abend| nacht| morgen)?|morgen|gestern|jetzt|samstag|sonntag|montag|dienstag|mittwoch|donnerstag|"
    r"freitag|"
    r"today|tonight|tomorrow|yesterday|now|this morning|this evening|saturday|sunday|monday|tuesday|wednesday|"
    r"thursday|friday)\b"
    r"|\b(?:om|vanaf|tot|à|dès|jusqu'à|um|ab|bis|at|from|until)\s+\d{1,2}(?:[:.h]\d{2}|\s?(?:u|uur|h|heures|uhr))?\b"
    r"|\b\d{1,2}[:h]\d{2}\b|\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b",
    re.IGNORECASE,
)
_NUMBER_WORDS = {
    "een": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8, "negen": 9, "tien": 10,
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "neuf": 9,
    "dix": 10, "zwei": 2, "drei": 3, "fünf": 5, "sechs": 6, "sieben": 7, "zehn": 10,
    "two": 2, "three": 3, "four": 4, "five": 5, "ten": 10,
}  # fmt: skip
_HOW_MANY = re.compile(
    r"\b(\d{1,4}|" + "|".join(_NUMBER_WORDS) + r")\s+(?:\w+\s+)?"
    r"(personen|mensen|kinderen|gezinnen|bedden|plaatsen|volwassenen|honden|katten|paarden|"
    r"personnes|enfants|familles|lits|places|adultes|bénévoles|chiens|chats|chevaux|"
    r"personen|leute|kinder|familien|betten|plätze|helfer|hunde|katzen|pferde|"
    r"people|persons|children|kids|families|beds|places|seats|volunteers|dogs|cats|horses)\b",
    re.IGNORECASE,
)


def find_when(text: str) -> list[str]:
    return list(dict.fromkeys(m.group().strip() for m in _WHEN.finditer(text)))


def find_how_many(text: str) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for m in _HOW_MANY.finditer(text):
        raw = m.group(1).lower()
        count = int(raw) if raw.isdigit() else _NUMBER_WORDS[raw]
        out.append({"count": count, "of": m.group(2).lower(), "text": m.group()})
    return out


# --- reading ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    language: str
    kind: Kind
    kind_scores: dict[str, float]
    needs: list[str]
    need_scores: dict[str, float]
    places: list[dict[str, object]]
    when: list[str]
    how_many: list[dict[str, object]]
    contact: dict[str, str] | None
    #: Why the post is an offer though the model may read a request: its question about someone else's need
    #: and the sentence saying what the poster has (None when the rule did not decide).
    offer_question: OfferQuestion | None = None
    #: The question asking for help that makes the post a request though the model read news or chatter (None
    #: when the rule did not decide).
    help_question: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "language": self.language,
            "kind": self.kind,
            "offer_question": None if self.offer_question is None else self.offer_question.as_dict(),
            "help_question": self.help_question,
            "needs": self.needs,
            "places": self.places,
            "when": self.when,
            "how_many": self.how_many,
            "contact": self.contact,
            "scores": {"kind": self.kind_scores, "needs": self.need_scores},
        }


class CrisisReader:
    """Reads crisis posts: one call embeds a whole batch (much faster than one post at a time)."""

    def __init__(self, model: CrisisModel | None = None, embedder: Any = None, words: NeedWords | None = None) -> None:
        self.model = model or load_model()
        if embedder is None:
            from hierniet.triage.features import Embedder

            embedder = Embedder()
        self.embedder = embedder
        self.words = words or need_words()

    def read(self, texts: Sequence[str], hints: Sequence[str | None] | None = None) -> list[Reading]:
        from hierniet.triage.language import detect_languages
        from hierniet.triage.pii import find_pii

        if not texts:
            return []
        # The model and the rules read the post without its repost markers ("RT @x: ..."): a repost says what
        # its original says. Places, contact and language are read on the post as written.
        bodies = [unprefixed(t) for t in texts]
        embeddings = np.asarray(self.embedder.encode(bodies), np.float32)
        cues = cue_matrix(self.words, bodies)
        grams = self.model.ngram_matrix(bodies)
        kind_p = self.model.kind_probabilities(embeddings, cues, bodies, grams=grams)
        need_p = self.model.need_probabilities(embeddings, bodies, grams=grams)
        asked = [self.words.offer_question(t) for t in bodies]
        helps = [self.words.help_question(t) for t in bodies]
        kinds = self.model.kinds(
            kind_p, [bool(c) for c in cues[:, 0]], [a is not None for a in asked], [h is not None for h in helps]
        )
        languages = detect_languages(list(texts), list(hints) if hints is not None else None)
        out = []
        for i, text in enumerate(texts):
            needs = {n for n, p, t in zip(NEEDS, need_p[i], self.model.need_thresholds, strict=True) if p >= t}
            needs.update(self.words.needs_in(text))
            found = next((m for m in find_pii(text) if m.kind.value in ("phone", "email")), None)
            contact = None if found is None else {"kind": found.kind.value, "value": found.value, "text": found.text}
            out.append(
                Reading(
                    language=languages[i][0].value,
                    kind=kinds[i],
                    kind_scores={k: round(float(p), 4) for k, p in zip(KINDS, kind_p[i], strict=True)},
                    needs=[n for n in NEEDS if n in needs],
                    need_scores={n: round(float(p), 4) for n, p in zip(NEEDS, need_p[i], strict=True)},
                    places=[p.as_dict() for p in find_places(text)],
                    when=find_when(text),
                    how_many=find_how_many(text),
                    contact=contact,
                    offer_question=asked[i],
                    help_question=helps[i]
                    if kinds[i] == "request" and kind_p[i][0] < self.model.request_threshold
                    else None,
                )
            )
        return out
