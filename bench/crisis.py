"""Benchmark of the crisis collapse (issue 15): a seeded flood of reposts and distinct posts, clustered.

    python bench/crisis.py [--posts 1000000] [--originals 4000] [--distinct-share 0.3] [--seed 15] [--workers 2]

The posts are what a help hashtag carries during a Belgian flood: `--originals` messages (requests and offers
of shelter, transport, food, ... in nl, fr, de and en, each with its own place, count and phone number) reposted
again and again, and distinct posts (a share of the total) that are nobody's repost: sentences drawn from the
most common words of the four languages (wordfreq). A repost is an exact copy, or the copy with a repost
prefix (`RT @user:`, `Partagé :`, ...), another short link, the phone number written another way, an emoji or
hashtag added, or one edit: a word dropped, a word added, a typo, two words swapped.

Prints the posts per second of hierniet.crisis.collapse.collapse (the generation is not timed), the wall
time, the CPU seconds it used (this process and its normalising workers: on a busy machine they say what the
run takes with its cores to itself), the clusters found against the true ones, purity (the share of posts
whose cluster's majority message is theirs: merging two messages lowers it), completeness (the share of posts
in their message's largest cluster: splitting one message lowers it), the peak RSS of the process and the load
average, and one SUMMARY line against the targets (<= 60 s for 1,000,000 posts, purity >= 0.95). Run by hand,
nice'd, never as a timed test.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

from hierniet.crisis.collapse import Post, collapse

TARGET_SECONDS_PER_MILLION = 60.0
TARGET_PURITY = 0.95

PLACES = [
    "Pepinster", "Verviers", "Chaudfontaine", "Trooz", "Eupen", "Limbourg", "Theux", "Dolhain", "Liège",
    "Angleur", "Chênée", "Esneux", "Spa", "Rochefort", "Dinant", "Namur", "Wavre", "Leuven", "Aarschot",
    "Hasselt", "Maaseik", "Gent", "Brugge", "Oostende", "Kortrijk", "Aalst", "Mechelen", "Lier", "Geel",
    "Mol", "Tongeren", "Sint-Truiden", "Tienen", "Halle", "Ninove", "Ronse", "Tournai", "Mons", "Charleroi",
]  # fmt: skip
TEMPLATES = {
    "nl": [
        "Wij bieden opvang voor {n} personen in {place}, bel {phone}",
        "Dringend: gezin van {n} zoekt onderdak in {place}, wie kan helpen? {phone}",
        "Ik heb een bestelwagen en kan {n} mensen vervoeren vanuit {place}. Contact {phone}",
        "In {place} zijn nog {n} plaatsen vrij in de sporthal, water en eten aanwezig. Info {phone}",
        "Wie heeft een generator of powerbanks in {place}? Wij zitten al {n} dagen zonder stroom. {phone}",
        "Vermist sinds gisteren in {place}: man van {n} jaar, laatst gezien aan de Vesder. Bel {phone}",
    ],
    "fr": [
        "Nous pouvons héberger {n} personnes à {place}, appelez le {phone}",
        "Urgent : famille de {n} personnes cherche un logement à {place}, qui peut aider ? {phone}",
        "J'ai une camionnette et je peux transporter {n} personnes depuis {place}. Contact {phone}",
        "À {place} il reste {n} places au hall omnisports, eau et repas sur place. Infos {phone}",
        "Qui a des bottes et du matériel de nettoyage à {place} ? Nous sommes {n} bénévoles. {phone}",
        "Chiens et chats recueillis à {place}, encore {n} places au refuge. Tél {phone}",
    ],
    "de": [
        "Wir bieten Unterkunft für {n} Personen in {place}, ruft an: {phone}",
        "Dringend: Familie mit {n} Kindern sucht eine Unterkunft in {place}. {phone}",
        "Ich habe einen Transporter und kann {n} Leute aus {place} abholen. Kontakt {phone}",
    ],
    "en": [
        "We can host {n} people in {place}, call {phone}",
        "Urgent: family of {n} needs shelter in {place}, can anyone help? {phone}",
        "Free drinking water for {n} households at the church in {place}. {phone}",
    ],
}
PREFIXES = ["RT @{user}: ", "RT @{user} ", "Partagé : ", "Delen aub! ", "Repost: ", "Teilen: ", "via @{user} "]
TAILS = [" 🙏", " #Vesdre", " #overstroming", " #inondations", " 🙏🙏", " #Hochwasser", " https://t.co/{link}", "!!"]
USERS = ["jan_p", "marie.d", "ahmed", "sofie", "luc_v", "nathalie", "kevin", "els", "yusuf", "ines"]


def _phone(rng: random.Random) -> str:
    a, b, c, d = rng.randint(470, 499), rng.randint(10, 99), rng.randint(10, 99), rng.randint(10, 99)
    return f"0{a} {b} {c} {d}"


def _rewrite_phone(text: str, phone: str, rng: random.Random) -> str:
    digits = phone.replace(" ", "")
    slashed = f"{digits[:4]}/{digits[4:6]}.{digits[6:8]}.{digits[8:]}"
    international = f"+32 {digits[1:4]} {digits[4:6]} {digits[6:8]} {digits[8:]}"
    other = rng.choice([slashed, international, digits])
    return text.replace(phone, other)


def _edit(text: str, rng: random.Random) -> str:
    words = text.split()
    kind = rng.randrange(4)
    i = rng.randrange(len(words))
    if kind == 0 and len(words) > 6 and not any(ch.isdigit() for ch in words[i]):
        del words[i]
    elif kind == 1:
        words.insert(i, rng.choice(["aub", "svp", "bitte", "please", "dringend", "urgent", "!!", "nog", "encore"]))
    elif kind == 2 and len(words[i]) > 3 and words[i].isalpha():
        j = rng.randrange(len(words[i]) - 1)
        w = words[i]
        words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    elif i + 1 < len(words) and not any(ch.isdigit() for ch in words[i] + words[i + 1]):
        words[i], words[i + 1] = words[i + 1], words[i]
    return " ".join(words)


def generate(total: int, originals: int, distinct_share: float, seed: int) -> tuple[list[Post], list[int]]:
    """Posts and, for each, its true message (an original's number, or a distinct post's own negative number)."""
    from wordfreq import top_n_list

    rng = random.Random(seed)
    start = datetime(2021, 7, 14, 18, 0, tzinfo=UTC)
    messages: list[tuple[str, str]] = []
    for _ in range(originals):
        language = rng.choice(["nl", "nl", "fr", "fr", "de", "en"])
        phone = _phone(rng)
        text = rng.choice(TEMPLATES[language]).format(n=rng.randint(2, 40), place=rng.choice(PLACES), phone=phone)
        messages.append((text, phone))
    vocab = {lang: top_n_list(lang, 3000) for lang in ("nl", "fr", "de", "en")}
    n_distinct = int(total * distinct_share)
    n_reposts = total - n_distinct
    posts: list[Post] = []
    truth: list[int] = []
    weights = [1.0 / (1 + r) ** 0.8 for r in range(originals)]  # a few messages go viral, most are reposted a little
    chosen = rng.choices(range(originals), weights=weights, k=n_reposts)
    distinct_slots = set(rng.sample(range(total), n_distinct))
    repost_iter = iter(chosen)
    for i in range(total):
        at = start + timedelta(seconds=i * 0.2)
        if i in distinct_slots:
            words = vocab[rng.choice(["nl", "fr", "de", "en"])]
            text = " ".join(rng.choice(words) for _ in range(rng.randint(8, 22)))
            posts.append(Post(id=f"p{i}", text=text, at=at))
            truth.append(-1 - i)
            continue
        m = next(repost_iter)
        text, phone = messages[m]
        roll = rng.random()
        if roll < 0.35:
            pass
        elif roll < 0.55:
            text = rng.choice(PREFIXES).format(user=rng.choice(USERS)) + text
        elif roll < 0.65:
            text = _rewrite_phone(text, phone, rng)
        elif roll < 0.75:
            text = text + rng.choice(TAILS).format(link=f"{rng.getrandbits(40):x}")
        else:
            text = _edit(text, rng)
            if rng.random() < 0.3:
                text = rng.choice(PREFIXES).format(user=rng.choice(USERS)) + text
        posts.append(Post(id=f"p{i}", text=text, at=at))
        truth.append(m)
    return posts, truth


def purity(assignment: list[int], truth: list[int]) -> tuple[float, float]:
    """(purity, completeness) of the clusters against the true messages."""
    pairs = Counter(zip(assignment, truth, strict=True))
    best_in_cluster: dict[int, int] = {}
    best_in_truth: dict[int, int] = {}
    for (cluster, message), n in pairs.items():
        best_in_cluster[cluster] = max(best_in_cluster.get(cluster, 0), n)
        best_in_truth[message] = max(best_in_truth.get(message, 0), n)
    total = len(truth)
    return sum(best_in_cluster.values()) / total, sum(best_in_truth.values()) / total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--originals", type=int, default=4000)
    parser.add_argument("--distinct-share", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--workers", type=int, default=2, help="processes that share the normalisation")
    args = parser.parse_args(argv)
    load_before = os.getloadavg()
    t0 = time.perf_counter()
    posts, truth = generate(args.posts, args.originals, args.distinct_share, args.seed)
    generated = time.perf_counter() - t0
    t1 = time.perf_counter()
    cpu_before = time.process_time()
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = collapse(posts, workers=args.workers)
    wall = time.perf_counter() - t1
    cpu = time.process_time() - cpu_before
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    worker_cpu = (children.ru_utime + children.ru_stime) - (children_before.ru_utime + children_before.ru_stime)
    pure, complete = purity(result.assignment, truth)
    true_clusters = len(set(truth))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    load_after = os.getloadavg()
    print(f"posts {len(posts):,} ({args.originals:,} originals reposted, {args.distinct_share:.0%} distinct posts)")
    print(f"  generated in {generated:.1f} s (not timed)")
    print(f"  collapse wall time {wall:.1f} s, {len(posts) / wall:,.0f} posts/s")
    # CPU seconds do not grow with the machine's load the way wall time does: on a busy machine they tell what
    # the same run would take with its cores to itself (wall >= the largest of main and workers' shares).
    print(f"  CPU time {cpu:.1f} s in this process + {worker_cpu:.1f} s in {args.workers} normalising workers")
    found = len(result.clusters)
    print(f"  distinct canonical keys {result.distinct_keys:,}; clusters {found:,} (true {true_clusters:,})")
    print(f"  purity {pure:.4f}, completeness {complete:.4f}")
    print(f"  peak RSS {rss:,.0f} MiB; load average before {load_before[0]:.2f}, after {load_after[0]:.2f}")
    budget = TARGET_SECONDS_PER_MILLION * len(posts) / 1_000_000
    ok = wall <= budget and pure >= TARGET_PURITY
    print(
        f"SUMMARY {'PASS' if ok else 'FAIL'}: {len(posts):,} posts in {wall:.1f} s (target <= {budget:.0f} s), "
        f"purity {pure:.4f} (target >= {TARGET_PURITY}), python {sys.version.split()[0]}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
