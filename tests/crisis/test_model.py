"""The shipped crisis model reaches its card's figures (issue 15): requests on a fixed sample of the
disaster-response validation split (never fitted or tuned on), offers and requests on the second frozen Belgian
set (written before the model was tuned, never fitted or tuned on), and its n-gram part survives the file."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import numpy as np
import pytest

from hierniet.crisis.classify import CrisisReader, ModelError, load_model

SHARED_DATA = Path(os.environ.get("HIERNIET_SHARED_DATA", Path(__file__).resolve().parents[3] / "shared" / "data"))
FROZEN = Path(__file__).resolve().parent / "data" / "frozen_be2.jsonl"
FROZEN3 = Path(__file__).resolve().parent / "data" / "frozen_be3.jsonl"
QUESTIONS = Path(__file__).resolve().parent / "data" / "question_offers.jsonl"
#: Every 4th row of the validation split, in file order (a fixed sample of its three genres: 640 rows, 101
#: requests; the whole split takes a minute). The file is sorted by genre, so its first rows would be SMS alone.
SAMPLE_STEP = 4


def _f1(pred: list[bool], gold: list[bool]) -> tuple[float, float, float]:
    tp = sum(p and g for p, g in zip(pred, gold, strict=True))
    fp = sum(p and not g for p, g in zip(pred, gold, strict=True))
    fn = sum(g and not p for p, g in zip(pred, gold, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall, 2 * precision * recall / (precision + recall) if precision + recall else 0.0


@pytest.fixture(scope="module")
def reader() -> CrisisReader:
    return CrisisReader()


@pytest.mark.skipif(not (SHARED_DATA / "disaster_response").is_dir(), reason="needs ../shared/data")
def test_shipped_model_finds_requests_in_a_fixed_validation_sample(reader: CrisisReader) -> None:
    rows = []
    with (SHARED_DATA / "disaster_response" / "messages_train_validation.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["split"] == "validation" and row["related"] != "2" and row["message"].strip():
                rows.append(row)
    rows = rows[::SAMPLE_STEP]
    readings = reader.read([r["message"] for r in rows], ["en"] * len(rows))
    precision, recall, f1 = _f1([r.kind == "request" for r in readings], [r["request"] == "1" for r in rows])
    # The embedding-only model scored F1 0.661 on this sample; the n-gram model 0.712 (0.722 on the whole split);
    # the second round's (more own examples, help questions) 0.714 (0.711 on the whole split).
    assert f1 >= 0.70, (precision, recall, f1)


def test_shipped_model_reads_offers_and_requests_of_the_frozen_belgian_set(reader: CrisisReader) -> None:
    records = [json.loads(line) for line in FROZEN.read_text("utf-8").splitlines() if line.strip()]
    readings = reader.read([r["text"] for r in records], [r["lang"] for r in records])
    kinds = [r.kind for r in readings]
    _, offer_recall, _ = _f1([k == "offer" for k in kinds], [r["kind"] == "offer" for r in records])
    _, _, request_f1 = _f1([k == "request" for k in kinds], [r["kind"] == "request" for r in records])
    assert offer_recall >= 0.80  # 0.87 in the card; the target is 0.60
    assert request_f1 >= 0.80  # 0.86 in the card
    tp = sum(len(set(r["needs"]) & set(g.needs)) for r, g in zip(records, readings, strict=True))
    fp = sum(len(set(g.needs) - set(r["needs"])) for r, g in zip(records, readings, strict=True))
    fn = sum(len(set(r["needs"]) - set(g.needs)) for r, g in zip(records, readings, strict=True))
    assert 2 * tp / (2 * tp + fp + fn) >= 0.65  # needs micro F1 (model and word lists): 0.71 in the card


def test_shipped_model_on_the_third_frozen_set_written_before_the_second_round(reader: CrisisReader) -> None:
    """frozen_be3: 124 Belgian crisis posts (nl fr en de, 31 each) written before the second round of tuning and
    never looked at while tuning; the floors sit under the figures measured once at the end (request F1 0.871,
    offer recall 0.750 at precision 0.90; before the second round 0.812 and 0.528)."""
    records = [json.loads(line) for line in FROZEN3.read_text("utf-8").splitlines() if line.strip()]
    assert {r["lang"] for r in records} == {"nl", "fr", "en", "de"} and len(records) == 124
    kinds = [r.kind for r in reader.read([r["text"] for r in records], [r["lang"] for r in records])]
    _, offer_recall, _ = _f1([k == "offer" for k in kinds], [r["kind"] == "offer" for r in records])
    _, _, request_f1 = _f1([k == "request" for k in kinds], [r["kind"] == "request" for r in records])
    assert request_f1 >= 0.85
    assert offer_recall >= 0.72


def test_offers_put_as_questions_are_offers_and_questions_about_having_stay_requests(reader: CrisisReader) -> None:
    """The issue's examples, and the question-shaped set the bench reports on (offers put as questions and
    questions that stay requests, nl fr en de): the model alone read every offer there as a request."""
    offers = [
        "Iemand opvang nodig? Wij hebben plaats in Genk.",
        "Besoin d'un lift vers Hasselt ? J'ai 3 places.",
        "Anyone need a charger? We have power banks at the town hall.",
        "Braucht jemand einen Schlafplatz? Wir haben ein Gästezimmer.",
    ]
    readings = reader.read([*offers, "Wie heeft er nog plaats om te slapen?"])
    assert [r.kind for r in readings] == ["offer"] * 4 + ["request"]
    assert readings[0].offer_question is not None and readings[0].offer_question.question == "Iemand opvang nodig?"
    assert readings[0].as_dict()["offer_question"] == readings[0].offer_question.as_dict()
    assert readings[4].offer_question is None and readings[4].as_dict()["offer_question"] is None
    assert "shelter" in readings[0].needs and readings[0].places[0]["text"] == "Genk"
    records = [json.loads(line) for line in QUESTIONS.read_text("utf-8").splitlines() if line.strip()]
    kinds = [r.kind for r in reader.read([r["text"] for r in records], [r["lang"] for r in records])]
    assert {r["lang"] for r in records} == {"nl", "fr", "en", "de"}
    assert [(r["id"], k) for r, k in zip(records, kinds, strict=True) if k != r["kind"]] == []


def test_ngram_weights_survive_the_file_and_are_needed(tmp_path: Path) -> None:
    model = load_model()
    assert model.ngrams is not None and model.ngram_weights is not None
    embeddings = np.random.default_rng(15).normal(size=(2, model.need_weights.shape[1])).astype(np.float32)
    texts = ["Wij zoeken onderdak voor vannacht", "J'offre une chambre à Liège"]
    with pytest.raises(ValueError, match="texts"):
        model.kind_probabilities(embeddings)
    model.save(tmp_path)
    again = load_model(tmp_path)
    assert np.allclose(
        again.kind_probabilities(embeddings, None, texts), model.kind_probabilities(embeddings, None, texts)
    )
    with np.load(tmp_path / "weights.npz") as data:
        arrays = {k: data[k] for k in data.files}
    arrays["ngram_weights"] = arrays["ngram_weights"][:, :10]
    np.savez(tmp_path / "weights.npz", **arrays)
    with pytest.raises(ModelError, match="n-gram"):
        load_model(tmp_path)


def test_a_repost_reads_as_its_original(reader: CrisisReader) -> None:
    """A retweeted offer or request is that offer or request: the marker changes nothing the reader says of it
    (the card collapses the two and counts the offer once)."""
    originals = [
        "Onze jeugdbeweging heeft 15 veldbedden vrij in het lokaal in Bree, kom gerust",
        "Nous prêtons une remorque et deux brouettes à Tilff, passez au garage",
        "Spare sleeping bags and hot tea at the scout hut in Bree, just turn up",
        "Wir suchen dringend jemanden mit Traktor in Eynatten, der Hof steht unter Wasser",
    ]
    reposts = [f"RT @helper_{i}: {text}" for i, text in enumerate(originals)]
    first, again = reader.read(originals), reader.read(reposts)
    assert [r.kind for r in again] == [r.kind for r in first]
    assert [r.kind_scores for r in again] == [r.kind_scores for r in first]
    assert [r.kind for r in first] == ["offer", "offer", "offer", "request"]


def test_a_question_asking_for_help_is_a_request_and_says_so(reader: CrisisReader) -> None:
    posts = [
        "Weet iemand waar ze in Bree nog zandzakken uitdelen?",
        "Quelqu'un sait jusqu'où l'eau est montée à Tilff ? Mes parents y habitent et ne répondent pas.",
        "Can anyone get a message to the care home in Spa?",
        "Waarom kan niemand ons vertellen wanneer de stroom terugkomt?",
    ]
    readings = reader.read(posts)
    assert [r.kind for r in readings[:3]] == ["request"] * 3
    for reading in readings[:3]:
        # the rule's question is there only when it decided (the model alone below the request threshold)
        decided = reading.kind_scores["request"] < reader.model.request_threshold
        assert (reading.help_question is not None) == decided
        assert reading.as_dict()["help_question"] == reading.help_question
    assert readings[3].help_question is None and readings[3].kind != "request"
