"""Reposts collapsed into one card per cluster: exact duplicates by key, near-duplicates by MinHash LSH.

Two stages, because in a crisis most reposts are copies:

1. every post gets its canonical key (hierniet.crisis.normalize); posts with the same key are one group, found
   with a dict (a raw text seen before is not even normalised again);
2. the distinct keys get a MinHash signature of their word pairs (rensa, in Rust) and an LSH index proposes
   near-duplicate candidates; a candidate joins only when the estimated Jaccard similarity reaches the threshold
   and nothing that makes it another message differs: a phone number, a number (4 beds is not 2 beds), or a
   word that turns a request into an offer ("zoeken" / "bieden").

A key joins the cluster whose leader (its first key) is most similar to it, and clusters never merge
afterwards, so a chain of edits cannot glue two different messages together through a post in between.

Pure: no store, web or platform. Deterministic: the same posts in the same order give the same clusters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise

from hierniet.crisis.normalize import canonical, display

#: Jaccard similarity of word pairs from which two keys are the same message. Measured on the bench's edited
#: reposts (a word changed, added or dropped, a typo, a tag appended): they sit at 0.55-0.9 to their original.
DEFAULT_THRESHOLD = 0.5
NUM_PERM = 96
#: 24 bands of 4 rows: a pair at similarity 0.6 meets in some band 96 times in 100, a pair at 0.1 (two distinct
#: posts sharing common word pairs) 2 times in 1,000; 32 bands of 3 rows brought ten times as many such pairs.
NUM_BANDS = 24
SEED = 20210714  # the Vesdre flood

#: Words that make a post a request or an offer: two posts that differ in one of them are not one message.
KIND_WORDS = frozenset(
    """
    zoek zoeken zoekt gezocht nodig help helpen hulp bied bieden biedt aangeboden heb hebben heeft geven geef
    gratis beschikbaar vraag vragen vraagt ter
    cherche cherchons cherchent besoin besoins aide aider propose proposons offre offrons disponible donne
    donnons gratuit urgent recherche
    need needs needed looking seeking offer offering offers available free give giving have request
    suche suchen sucht gesucht brauche brauchen benötigt biete bieten bietet angebot verfügbar kostenlos gebe
    geben habe haben
    """.split()
)


@dataclass(frozen=True, slots=True)
class Post:
    """One post as read: its id, text and time (None when the input gave none)."""

    id: str
    text: str
    at: datetime | None = None


@dataclass(slots=True)
class Cluster:
    """One card: the posts that say the same thing."""

    id: int
    #: The first post's text as written: what the card shows.
    text: str
    count: int = 0
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    #: Distinct ways it was written (white space made one), with how many posts wrote it so, first seen first.
    variants: dict[str, int] = field(default_factory=dict)
    post_ids: list[str] = field(default_factory=list)

    def as_dict(self, max_variants: int = 20, with_posts: bool = True) -> dict[str, object]:
        shown = sorted(self.variants.items(), key=lambda kv: -kv[1])[:max_variants]
        record: dict[str, object] = {
            "cluster": self.id,
            "text": self.text,
            "count": self.count,
            "first_seen": self.first_seen.isoformat() if self.first_seen else None,
            "last_seen": self.last_seen.isoformat() if self.last_seen else None,
            "variant_count": len(self.variants),
            "variants": [{"text": t, "count": n} for t, n in shown],
        }
        if with_posts:
            record["posts"] = list(self.post_ids)
        return record


@dataclass(frozen=True, slots=True)
class Collapsed:
    clusters: list[Cluster]
    #: For each input post, the index of its cluster in `clusters`.
    assignment: list[int]
    #: Distinct canonical keys (what the MinHash stage read).
    distinct_keys: int


def _shingles(words: list[str]) -> list[str]:
    if len(words) < 3:
        return words or [""]
    return [f"{a} {b}" for a, b in pairwise(words)]


def _anchors(words: list[str]) -> frozenset[str]:
    return frozenset(w for w in words if w[0].isdigit() or (w.startswith("tel") and w[3:].isdigit()))


#: From this many distinct texts on, normalising is shared among processes (below it, starting them costs more).
PARALLEL_FROM = 50_000


def _canonicals(texts: list[str], workers: int) -> list[str]:
    if workers <= 1 or len(texts) < PARALLEL_FROM:
        return [canonical(t) for t in texts]
    import multiprocessing

    chunk = 5_000
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        parts = pool.imap(_canonical_chunk, (texts[i : i + chunk] for i in range(0, len(texts), chunk)))
        return [key for part in parts for key in part]


def _canonical_chunk(texts: list[str]) -> list[str]:
    return [canonical(t) for t in texts]


def assign_keys(texts: Sequence[str], workers: int = 1) -> tuple[list[int], list[str]]:
    """Each text's key index, and the distinct keys in order of first appearance (stage 1)."""
    raw_index: dict[str, int] = {}
    raw_of: list[int] = []
    for text in texts:
        index = raw_index.get(text)
        if index is None:
            index = raw_index[text] = len(raw_index)
        raw_of.append(index)
    by_key: dict[str, int] = {}
    keys: list[str] = []
    key_of_raw: list[int] = []
    for key in _canonicals(list(raw_index), workers):
        index = by_key.get(key)
        if index is None:
            index = by_key[key] = len(keys)
            keys.append(key)
        key_of_raw.append(index)
    return [key_of_raw[i] for i in raw_of], keys


def group_keys(keys: Sequence[str], threshold: float = DEFAULT_THRESHOLD) -> list[int]:
    """For each distinct key, the index of the key that leads its group (stage 2)."""
    from rensa import RMinHash, RMinHashLSH

    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold {threshold} is not a similarity: give a number above 0 and at most 1")
    words = [k.split() for k in keys]
    shingles = [_shingles(w) for w in words]
    hashes = RMinHash.from_token_sets(shingles, NUM_PERM, SEED)
    # Two sets of sizes a <= b have a Jaccard similarity of at most a / b: most candidates that common word pairs
    # bring are ruled out by their size before their signatures are compared.
    sizes = [len(set(s)) for s in shingles]
    del shingles
    # Only leaders go into the index: a popular message's hundred edits then meet one candidate (their
    # leader), not each other, and a key is compared with whole groups rather than with their members.
    lsh = RMinHashLSH(threshold, NUM_PERM, NUM_BANDS)
    leader = list(range(len(keys)))
    anchors: dict[int, frozenset[str]] = {}
    sets: dict[int, frozenset[str]] = {}

    def anchor(i: int) -> frozenset[str]:
        found = anchors.get(i)
        if found is None:
            found = anchors[i] = _anchors(words[i])
        return found

    def wordset(i: int) -> frozenset[str]:
        found = sets.get(i)
        if found is None:
            found = sets[i] = frozenset(words[i])
        return found

    query, insert = lsh.query, lsh.insert
    for i, mine in enumerate(hashes):
        found = query(mine)
        best = -1
        if found:
            best_score = threshold
            size = sizes[i]
            for j in sorted(found):
                other = sizes[j]
                if (size if size < other else other) < best_score * (other if size < other else size):
                    continue
                score = mine.jaccard(hashes[j])
                if score < best_score or (score == best_score and best >= 0):
                    continue
                if anchor(i) != anchor(j) or (wordset(i) ^ wordset(j)) & KIND_WORDS:
                    continue
                best, best_score = j, score
        if best >= 0:
            leader[i] = best
        else:
            insert(i, mine)
    return leader


def collapse(posts: Sequence[Post], threshold: float = DEFAULT_THRESHOLD, workers: int = 1) -> Collapsed:
    """Posts -> clusters (cards), in order of each cluster's first post.

    `workers` processes share the normalisation of large inputs (the rest runs in this one).
    """
    key_of, keys = assign_keys([p.text for p in posts], workers)
    leader = group_keys(keys, threshold)
    cluster_of_leader: dict[int, int] = {}
    clusters: list[Cluster] = []
    assignment: list[int] = []
    shown_as: dict[str, str] = {}
    for post, key in zip(posts, key_of, strict=True):
        head = leader[key]
        index = cluster_of_leader.get(head)
        if index is None:
            index = cluster_of_leader[head] = len(clusters)
            clusters.append(Cluster(id=index + 1, text=post.text))
        cluster = clusters[index]
        cluster.count += 1
        cluster.post_ids.append(post.id)
        shown = shown_as.get(post.text)
        if shown is None:
            shown = shown_as[post.text] = display(post.text)
        cluster.variants[shown] = cluster.variants.get(shown, 0) + 1
        at = post.at
        if at is not None:
            first, last = cluster.first_seen, cluster.last_seen
            if first is None:
                cluster.first_seen = cluster.last_seen = at
            elif at > last:  # type: ignore[operator]
                cluster.last_seen = at
            elif at < first:
                cluster.first_seen = at
        assignment.append(index)
    return Collapsed(clusters=clusters, assignment=assignment, distinct_keys=len(keys))
