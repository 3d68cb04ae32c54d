"""Benchmark of the crisis reader (issue 15): posts per second of CrisisReader.read on Belgian crisis posts.

    python bench/crisis_classify.py [--posts 4000] [--batch 256] [--model DIR]

The posts are the own examples and the frozen Belgian sets (nl, fr, de, en), each given a distinct tail (a
count and a street number) so that no two texts are the same, read in batches as the CLI reads them. Prints the
posts per second of the whole reading (embedding, kind and need heads with their n-grams, places, when, how
many, contact), and of the model's share alone (kind and need probabilities from precomputed embeddings). Run by
hand, nice'd, never as a timed test: the figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np

from hierniet.crisis.classify import CrisisReader, cue_matrix, load_model
from hierniet.crisis.train import own_examples_text

ROOT = Path(__file__).resolve().parents[1]


def posts(count: int) -> list[str]:
    texts = [json.loads(line)["text"] for line in own_examples_text().splitlines() if line.strip()]
    for path in sorted((ROOT / "tests" / "crisis" / "data").glob("frozen_be*.jsonl")):
        texts += [json.loads(line)["text"] for line in path.read_text("utf-8").splitlines() if line.strip()]
    return [f"{texts[i % len(texts)]} ({i % 9 + 1} pers., nr {i})" for i in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=4000)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--model", type=Path, default=None)
    args = parser.parse_args()
    texts = posts(args.posts)
    reader = CrisisReader(model=load_model(args.model))
    reader.read(texts[:8])  # load the encoder, the gazetteer and the word lists outside the timing
    started = time.perf_counter()
    for i in range(0, len(texts), args.batch):
        reader.read(texts[i : i + args.batch])
    wall = time.perf_counter() - started
    embeddings = np.asarray(reader.embedder.encode(texts[: args.batch]), np.float32)
    cues = cue_matrix(reader.words, texts[: args.batch])
    started = time.perf_counter()
    rounds = 20
    for _ in range(rounds):
        grams = reader.model.ngram_matrix(texts[: args.batch])
        reader.model.kind_probabilities(embeddings, cues, grams=grams)
        reader.model.need_probabilities(embeddings, grams=grams)
    heads = time.perf_counter() - started
    ngrams = "yes" if reader.model.ngrams is not None else "no"
    print(
        f"posts {len(texts)}  wall {wall:.1f} s  {len(texts) / wall:,.0f} posts/s (whole reading)  "
        f"heads alone {rounds * args.batch / heads:,.0f} posts/s  n-grams {ngrams}  load {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
