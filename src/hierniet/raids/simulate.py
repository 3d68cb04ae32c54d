"""`hierniet raids simulate`: seeded timelines of comments on the demo organisations' channels, with raids in
them and the truth about them, for the detector's tests and bench (bench/raids.py).

    sim = simulate(seed=14, days=3)                   # abusive/criticism read by the shipped triage engine
    sim = simulate(seed=14, days=1, flags_from="intent")  # quick unit tests only: flags from the generator

A timeline holds, per organisation of the demo (src/hierniet/demo):

- normal traffic: every day a few posts (the demo's posts again, on their channels), each answered by its
  regulars and a few passers-by over the next hours, in the post's language (nl, fr, en);
- viral benign posts: hundreds of comments within an hour or two, many from strangers, friendly and varied;
- criticism storms after a disruption (a strike, a tram line down): many complaints within an hour or two,
  mostly from regulars, in their own words, a few of them rude;
- injected brigades (10-200 accounts): a core that posts within the first minutes, copying one or two slogans
  with small edits, a hashtag and a call to arms, then joiners piling on with insults in their own words;
  aimed at a post or at a person (the mayor, an alderman, a spokesperson) across the organisation's posts and
  channels; many accounts are new to the platform; some accounts come back in a later brigade of the same
  organisation (the recurring core).

The truth (`Simulation.truth()`) says which comments and authors belong to which brigade and when it started,
and where the storms and viral posts are. Deterministic: the same seed and days give the same timeline.

`abusive` and `criticism` of each event come from the shipped triage engine run on the simulated texts (once
per distinct text: copies make few); `flags_from="intent"` takes them from what the generator meant instead,
for quick unit tests that must not load the model.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from hierniet.raids.detector import event_to_dict
from hierniet.raids.types import RaidEvent

#: The demo's organisations and channels (hierniet.demo.builder.ORGANISATIONS, which imports the store: the
#: core cannot). tests/raids/test_simulate.py checks the two agree.
ORGANISATIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "stad-demostad": (
        ("stad-facebook", "facebook"),
        ("stad-instagram", "instagram"),
        ("stad-x", "x"),
        ("stad-youtube", "youtube"),
        ("stad-linkedin", "linkedin"),
        ("stad-tiktok", "tiktok"),
        ("stad-mastodon", "mastodon"),
        ("stad-bluesky", "bluesky"),
    ),
    "demotram": (("tram-facebook", "facebook"), ("tram-x", "x"), ("tram-instagram", "instagram")),
}

#: People of each organisation that brigades aim at: (target id as the caller normalises it, name as written).
STAFF: dict[str, tuple[tuple[str, str], ...]] = {
    "stad-demostad": (("an.peeters", "An Peeters"), ("jan.claes", "Jan Claes"), ("sofie.lambert", "Sofie Lambert")),
    "demotram": (("marie.dubois", "Marie Dubois"), ("koen.martens", "Koen Martens")),
}

LANGS = ("nl", "fr", "en")
Flags = Literal["triage", "intent"]

_PREFIX = {
    "nl": ["", "", "", "Allez, ", "Echt? ", "Amai, ", "Mooi zo. ", "Goed nieuws. ", "Hmm, "],
    "fr": ["", "", "", "Ah, ", "Vraiment ? ", "Bonne nouvelle. ", "Bon, ", "Tiens, "],
    "en": ["", "", "", "Oh, ", "Really? ", "Good news. ", "Well, ", "Nice. "],
}
_SUFFIX = {
    "nl": ["", "", "", " 👍", " 🙂", " Bedankt!", " Tot dan!", " Top.", " 😊"],
    "fr": ["", "", "", " 👍", " 🙂", " Merci !", " À bientôt !", " Top.", " 😊"],
    "en": ["", "", "", " 👍", " 🙂", " Thanks!", " See you there!", " Great.", " 😊"],
}
_VIRAL = {
    "nl": [
        "Wat een prachtig nieuws voor onze stad",
        "Ik ben er zeker bij met de kinderen",
        "Eindelijk, hier keken we naar uit",
        "Super gedaan, proficiat aan iedereen die eraan werkte",
        "Zalig, dit gaan we delen met de buren",
        "Wie gaat er mee zaterdag?",
        "Mijn dochter is helemaal enthousiast",
        "Dat ziet er echt schitterend uit",
        "Fijn dat er eens iets positiefs gebeurt",
        "Goed bezig, zo zie ik het graag",
        "Prachtige foto's trouwens",
        "Ik heb het al doorgestuurd naar mijn moeder",
        "Hopelijk is het weer een beetje mee",
    ],
    "fr": [
        "Quelle belle nouvelle pour notre ville",
        "J'y serai avec les enfants, c'est sûr",
        "Enfin, on attendait ça depuis longtemps",
        "Bravo à toutes les équipes qui ont travaillé dessus",
        "Génial, je partage avec les voisins",
        "Qui vient samedi ?",
        "Ma fille est ravie",
        "Ça a l'air vraiment magnifique",
        "Ça fait plaisir de voir une bonne nouvelle",
        "Belles photos au passage",
        "J'ai déjà envoyé le lien à ma mère",
        "Pourvu qu'il fasse beau",
    ],
    "en": [
        "What great news for the city",
        "We will definitely come with the kids",
        "Finally, we have been waiting for this",
        "Well done to everyone who worked on it",
        "Lovely, sharing this with the neighbours",
        "Who is coming on Saturday?",
        "My daughter is so excited",
        "That looks absolutely wonderful",
        "Nice to see some good news for once",
        "Beautiful pictures by the way",
        "Already sent it to my mum",
        "Hope the weather plays along",
    ],
}
_COMPLAINT = {
    "nl": (
        [
            "Weeral staking.",
            "Alweer een storing.",
            "Derde keer deze maand.",
            "Geen tram te zien.",
            "Opnieuw vertraging.",
            "Zoveelste keer.",
            "Niets rijdt.",
            "Weer een dag verloren.",
        ],
        [
            "Ik kom te laat op mijn werk",
            "mijn kinderen staan in de kou te wachten",
            "ik mis mijn examen",
            "ik betaal een abonnement voor niets",
            "de vervangbussen zijn nergens te bespeuren",
            "ik sta hier al 40 minuten",
            "niemand laat iets weten",
            "de app zegt nog altijd dat alles rijdt",
        ],
        [
            "Dit is onaanvaardbaar.",
            "Wanneer wordt dit opgelost?",
            "Ik wil mijn geld terug.",
            "Communiceer beter aub.",
            "Belachelijk.",
            "Ik ben het echt beu.",
            "Hoe moeilijk kan het zijn?",
            "Wie betaalt mijn taxi?",
        ],
    ),
    "fr": (
        [
            "Encore une grève.",
            "Encore une panne.",
            "Troisième fois ce mois-ci.",
            "Aucun tram en vue.",
            "Encore du retard.",
            "Pour la énième fois.",
            "Rien ne roule.",
            "Encore une journée perdue.",
        ],
        [
            "je vais arriver en retard au travail",
            "mes enfants attendent dans le froid",
            "je rate mon examen",
            "je paie un abonnement pour rien",
            "les bus de remplacement sont introuvables",
            "j'attends depuis 40 minutes",
            "personne ne prévient",
            "l'appli dit toujours que tout roule",
        ],
        [
            "C'est inadmissible.",
            "Quand est-ce que ce sera réglé ?",
            "Je veux être remboursé.",
            "Communiquez mieux svp.",
            "C'est ridicule.",
            "J'en ai vraiment marre.",
            "C'est si difficile ?",
            "Qui paie mon taxi ?",
        ],
    ),
    "en": (
        [
            "Another strike.",
            "Another breakdown.",
            "Third time this month.",
            "No tram in sight.",
            "Delayed again.",
            "For the umpteenth time.",
            "Nothing is running.",
            "Another day lost.",
        ],
        [
            "I will be late for work",
            "my kids are waiting in the cold",
            "I am missing my exam",
            "I pay a season ticket for nothing",
            "the replacement buses are nowhere to be seen",
            "I have been waiting for 40 minutes",
            "nobody tells us anything",
            "the app still says everything runs",
        ],
        [
            "This is unacceptable.",
            "When will this be fixed?",
            "I want a refund.",
            "Please communicate better.",
            "Ridiculous.",
            "I am really fed up.",
            "How hard can it be?",
            "Who pays for my taxi?",
        ],
    ),
}
#: Brigade slogans: {name} is the target (or the organisation), {tag} the brigade's hashtag.
_SLOGAN = {
    "nl": [
        "{name} is een corrupte idioot, weg met die clown {tag}",
        "Wat een stelletje debielen rond {name}, rot op {tag}",
        "{name} is een waardeloze leugenaar, iedereen naar deze pagina {tag}",
        "Vuile profiteurs, {name} en co verdienen geen cent van ons belastinggeld {tag}",
    ],
    "fr": [
        "{name} est une ordure corrompue, dégage {tag}",
        "Bande de connards autour de {name}, dégagez tous {tag}",
        "{name} n'est qu'une menteuse incapable et une abrutie, tous sur cette page {tag}",
        "Sales profiteurs, {name} et sa clique de crétins ne méritent rien {tag}",
    ],
    "en": [
        "{name} is a corrupt idiot, get lost you clown {tag}",
        "What a bunch of morons around {name}, piss off {tag}",
        "{name} is a pathetic lying moron, everyone go to this page {tag}",
        "Filthy parasites, {name} and the other idiots deserve nothing {tag}",
    ],
}
_INSULT = {
    "nl": (
        ["{name},", "Hey {name},", "Zeg {name},", "", "Jullie daar,", "Allemaal,"],
        [
            "ge zijt een waardeloze trut",
            "wat een idioot",
            "stelletje debielen",
            "rot toch op, klootzak",
            "ge zijt een lachertje en een sukkel",
            "wat een zielige clown",
            "vuile leugenaar",
            "stomme idioot",
        ],
        ["", "", " 🤡", " 🤮", "!!", " echt waar"],
    ),
    "fr": (
        ["{name},", "Hé {name},", "Dis donc {name},", "", "Vous là,", "Tous,"],
        [
            "t'es qu'une pauvre conne",
            "quel abruti",
            "bande de connards",
            "dégage, espèce d'ordure",
            "t'es une incapable et une idiote",
            "quel clown pathétique",
            "sale menteuse",
            "espèce de crétin",
        ],
        ["", "", " 🤡", " 🤮", " !!", " franchement"],
    ),
    "en": (
        ["{name},", "Hey {name},", "Listen {name},", "", "You lot,", "All of you,"],
        [
            "you are a pathetic idiot",
            "what a moron",
            "bunch of morons",
            "piss off, you scumbag",
            "you are a useless clown",
            "what a pathetic loser",
            "filthy liar",
            "stupid idiot",
        ],
        ["", "", " 🤡", " 🤮", "!!", " seriously"],
    ),
}
_CALL = {
    "nl": ["Iedereen naar {where}!", "Allemaal naar {where}, laat van je horen"],
    "fr": ["Tous sur {where} !", "Allez tous sur {where}, inondez-les"],
    "en": ["Everyone go to {where}!", "Everybody go to {where} and let them hear it"],
}
_TAGS = ["Schande", "Ontslag", "Honte", "Degage", "Shame", "Resign", "Zakkenvullers", "StopDeLeugens"]
_EMOJI = [" 🤡", " 🤮", " 😡", "!!", " 👎", ""]


@dataclass(frozen=True, slots=True)
class Brigade:
    """The truth about one injected brigade."""

    id: str
    organisation: str
    post: str | None  # the post it floods, or None when it follows a person across posts
    target: str | None
    started_at: datetime
    authors: tuple[str, ...]
    core: tuple[str, ...]
    #: Authors who were in an earlier brigade of the same organisation, and those brigades' ids.
    recurring: tuple[str, ...]
    earlier: tuple[str, ...]
    comment_ids: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.authors)


@dataclass(frozen=True, slots=True)
class Episode:
    """A burst that is not a raid: a criticism storm or a viral benign post."""

    id: str
    kind: str  # "criticism_storm" or "viral"
    organisation: str
    post: str
    started_at: datetime
    comment_ids: tuple[str, ...]


@dataclass(slots=True)
class Simulation:
    seed: int
    days: int
    start: datetime
    end: datetime
    flags_from: str
    events: list[RaidEvent] = field(default_factory=list)
    brigades: list[Brigade] = field(default_factory=list)
    episodes: list[Episode] = field(default_factory=list)

    def truth(self) -> dict[str, Any]:
        """The ground truth as JSON-able data."""
        return {
            "seed": self.seed,
            "days": self.days,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "flags_from": self.flags_from,
            "events": len(self.events),
            "brigades": [
                {
                    "id": b.id,
                    "organisation": b.organisation,
                    "post": b.post,
                    "target": b.target,
                    "started_at": b.started_at.isoformat(),
                    "size": b.size,
                    "authors": list(b.authors),
                    "core": list(b.core),
                    "recurring": list(b.recurring),
                    "earlier": list(b.earlier),
                    "comment_ids": list(b.comment_ids),
                }
                for b in self.brigades
            ],
            "episodes": [
                {
                    "id": e.id,
                    "kind": e.kind,
                    "organisation": e.organisation,
                    "post": e.post,
                    "started_at": e.started_at.isoformat(),
                    "comment_ids": list(e.comment_ids),
                }
                for e in self.episodes
            ],
        }

    def write(self, events_path: str | Path, truth_path: str | Path) -> None:
        """Events as JSONL (hierniet.raids.detector.event_to_dict) and the truth as JSON."""
        with open(events_path, "w", encoding="utf-8") as out:
            for e in self.events:
                out.write(json.dumps(event_to_dict(e), ensure_ascii=False) + "\n")
        with open(truth_path, "w", encoding="utf-8") as out:
            json.dump(self.truth(), out, ensure_ascii=False, indent=1)


@dataclass(slots=True)
class _Raw:
    id: str
    organisation: str
    channel: str
    platform: str
    post: str | None
    author: str
    at: datetime
    text: str
    abusive: bool  # what the generator meant
    criticism: bool
    targets: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Post:
    id: str
    organisation: str
    channel: str
    platform: str
    lang: str
    at: datetime
    disruption: bool


def _demo(name: str) -> list[dict[str, Any]]:
    text = resources.files("hierniet.demo").joinpath(name).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


class _Generator:
    def __init__(self, seed: int, days: int, start: datetime, brigades_per_day: float) -> None:
        self.rng = random.Random(seed)
        self.days = days
        self.start = start
        self.brigades_per_day = brigades_per_day
        self.raw: list[_Raw] = []
        self.brigades: list[Brigade] = []
        self.episodes: list[Episode] = []
        self.history: dict[str, bool] = {}  # author -> commented on the organisation before the timeline
        self.created: dict[str, datetime | None] = {}
        self.n = 0
        channels = {key: (org, platform) for org, chans in ORGANISATIONS.items() for key, platform in chans}
        self.demo_posts = [p for p in _demo("posts.jsonl") if p["channel"] in channels and p["lang"] in LANGS]
        self.channels = channels
        self.ok: dict[str, list[str]] = {lang: [] for lang in LANGS}
        self.criticism: dict[str, list[str]] = {lang: [] for lang in LANGS}
        for c in _demo("comments.jsonl"):
            if c["lang"] in LANGS and "@" not in c["text"]:
                if c["kind"] == "ok":
                    self.ok[c["lang"]].append(c["text"])
                elif c["kind"] == "criticism":
                    self.criticism[c["lang"]].append(c["text"])
        self.regulars = {
            org: [f"{org.split('-')[0]}-r{i:04d}" for i in range(250 if org == "stad-demostad" else 150)]
            for org in ORGANISATIONS
        }
        for people in self.regulars.values():
            for person in people:
                self.history[person] = self.rng.random() < 0.75
                self.created[person] = self._old_account() if self.rng.random() < 0.6 else None
        #: Brigade families per organisation: accounts that come back in a later brigade.
        self.families: dict[str, list[list[str]]] = {org: [] for org in ORGANISATIONS}
        self.family_brigades: dict[tuple[str, int], list[str]] = {}
        self.hits: list[tuple[datetime, set[str]]] = []  # what each brigade aimed at, and when

    def _old_account(self) -> datetime:
        return self.start - timedelta(days=self.rng.uniform(200, 4000))

    def _id(self) -> str:
        self.n += 1
        return f"sim-{self.n:07d}"

    def _add(
        self,
        post: _Post,
        author: str,
        at: datetime,
        text: str,
        abusive: bool = False,
        criticism: bool = False,
        targets: tuple[str, ...] = (),
    ) -> str:
        cid = self._id()
        self.raw.append(
            _Raw(
                cid,
                post.organisation,
                post.channel,
                post.platform,
                post.id,
                author,
                at,
                text,
                abusive,
                criticism,
                targets,
            )
        )
        return cid

    def _stranger(self, prefix: str, new_share: float) -> str:
        author = f"{prefix}-{self.n:07d}-{self.rng.randrange(10**6):06d}"
        self.history[author] = False
        roll = self.rng.random()
        if roll < new_share:
            self.created[author] = self.start - timedelta(days=self.rng.uniform(0, 20))
        elif roll < new_share + (1 - new_share) * 0.6:
            self.created[author] = self._old_account()
        else:
            self.created[author] = None
        return author

    def _text_ok(self, lang: str) -> str:
        pool = self.ok[lang] + _VIRAL[lang]
        return f"{self.rng.choice(_PREFIX[lang])}{self.rng.choice(pool)}{self.rng.choice(_SUFFIX[lang])}"

    def _text_complaint(self, lang: str) -> str:
        if self.criticism[lang] and self.rng.random() < 0.25:
            return self.rng.choice(self.criticism[lang])
        a, b, c = _COMPLAINT[lang]
        return f"{self.rng.choice(a)} {self.rng.choice(b).capitalize()}. {self.rng.choice(c)}"

    def posts(self) -> list[_Post]:
        out = []
        for day in range(self.days):
            for org in ORGANISATIONS:
                mine = [p for p in self.demo_posts if self.channels[p["channel"]][0] == org]
                for k in range(4 if org == "stad-demostad" else 3):
                    demo = self.rng.choice(mine)
                    at = self.start + timedelta(days=day, hours=self.rng.uniform(1, 13))
                    disruption = any(w in demo["text"].lower() for w in ("staking", "grève", "disrupted", "streik"))
                    out.append(
                        _Post(
                            f"{demo['id']}~d{day}p{k}",
                            org,
                            demo["channel"],
                            self.channels[demo["channel"]][1],
                            demo["lang"],
                            at,
                            disruption,
                        )
                    )
        return sorted(out, key=lambda p: p.at)

    def normal(self, post: _Post) -> None:
        """A post's everyday comments: regulars and a few passers-by over the next hours."""
        rng = self.rng
        for _ in range(rng.randint(4, 30)):
            at = post.at + timedelta(minutes=min(24 * 60, rng.expovariate(1 / 120)))
            author = rng.choice(self.regulars[post.organisation]) if rng.random() < 0.85 else self._stranger("u", 0.1)
            roll = rng.random()
            if roll < 0.8:
                self._add(post, author, at, self._text_ok(post.lang))
            elif roll < 0.97:
                self._add(post, author, at, self._text_complaint(post.lang), criticism=True)
            else:
                target, name = rng.choice(STAFF[post.organisation])
                a, b, c = _INSULT[post.lang]
                opening = rng.choice(a)
                text = f"{opening.format(name=name)} {rng.choice(b)}{rng.choice(c)}".strip()
                self._add(post, author, at, text, abusive=True, targets=(target,) if "{name}" in opening else ())

    def viral(self, post: _Post) -> None:
        rng = self.rng
        begin = post.at + timedelta(minutes=rng.uniform(5, 60))
        ids = []
        for _ in range(rng.randint(150, 400)):
            at = begin + timedelta(minutes=rng.expovariate(1 / 35))
            author = rng.choice(self.regulars[post.organisation]) if rng.random() < 0.4 else self._stranger("v", 0.15)
            ids.append(self._add(post, author, at, self._text_ok(post.lang)))
        self.episodes.append(Episode(f"viral-{post.id}", "viral", post.organisation, post.id, begin, tuple(ids)))

    def storm(self, post: _Post) -> None:
        rng = self.rng
        begin = post.at + timedelta(minutes=rng.uniform(5, 45))
        ids = []
        for _ in range(rng.randint(80, 250)):
            at = begin + timedelta(minutes=rng.expovariate(1 / 40))
            author = rng.choice(self.regulars[post.organisation]) if rng.random() < 0.8 else self._stranger("s", 0.05)
            if rng.random() < 0.85:
                ids.append(self._add(post, author, at, self._text_complaint(post.lang), criticism=True))
            else:
                ids.append(self._add(post, author, at, self._text_ok(post.lang)))
        self.episodes.append(
            Episode(f"storm-{post.id}", "criticism_storm", post.organisation, post.id, begin, tuple(ids))
        )

    def brigade(self, index: int, posts: list[_Post], at: datetime) -> None:
        """One brigade: a core copying slogans in the first minutes, joiners insulting after them."""
        rng = self.rng
        org = rng.choice(list(ORGANISATIONS))
        # Two brigades on one post or person within hours would be one burst: the truth could not tell them
        # apart, so a brigade keeps off what another one hit in the last six hours.
        busy = {x for when, hit in self.hits if at - when < timedelta(hours=6) for x in hit}
        live = [p for p in posts if p.organisation == org and p.at <= at and p.id not in busy]
        staff = [s for s in STAFF[org] if s[0] not in busy]
        if not live or not staff:
            return
        on_person = rng.random() < 0.35
        target_id, name = rng.choice(staff)
        if on_person:
            aimed = rng.sample(live[-6:], k=min(len(live[-6:]), rng.randint(2, 4)))
        else:
            aimed = [rng.choice(live[-4:])]
            if rng.random() < 0.5:
                target_id, name = (
                    "",
                    "de stad" if aimed[0].lang == "nl" else "la ville" if aimed[0].lang == "fr" else "the city",
                )
        self.hits.append((at, {p.id for p in aimed} | {target_id}))
        size = round(math.exp(rng.uniform(math.log(10), math.log(200))))
        # Recurring accounts: a brigade of this organisation may bring back part of an earlier family.
        families = self.families[org]
        recurring: list[str] = []
        earlier: list[str] = []
        if families and rng.random() < 0.6:
            fam = rng.randrange(len(families))
            back = rng.sample(families[fam], k=min(len(families[fam]), max(4, int(0.3 * size))))
            recurring = [a for a in back]
            earlier = list(self.family_brigades[(org, fam)])
        else:
            fam = len(families)
            families.append([])
            self.family_brigades[(org, fam)] = []
        accounts = recurring + [self._stranger("b", 0.6) for _ in range(max(0, size - len(recurring)))]
        rng.shuffle(accounts)
        core_n = max(3, int(0.4 * len(accounts)))
        core = accounts[:core_n]
        lang = aimed[0].lang
        tag = f"#{rng.choice(_TAGS)}{rng.choice(['Demostad', 'Demotram', 'Demoville', ''])}"
        slogans = rng.sample(_SLOGAN[lang], k=2)
        bid = f"brigade-{index:03d}"
        ids: list[str] = []
        targets = (target_id,) if target_id else ()
        for author in accounts:
            is_core = author in core
            n = rng.randint(1, 3)
            first = at + timedelta(minutes=rng.uniform(0, 3) if is_core else 1 + rng.expovariate(1 / 8))
            for k in range(n):
                post = rng.choice(aimed)
                when = first + timedelta(minutes=k * rng.uniform(0.5, 4))
                if is_core and k == 0:
                    text = self._edit(rng.choice(slogans).format(name=name, tag=tag))
                    if rng.random() < 0.3:
                        text += " " + rng.choice(_CALL[lang]).format(where=f"@{post.channel}")
                else:
                    a, b, c = _INSULT[lang]
                    text = f"{rng.choice(a).format(name=name)} {rng.choice(b)}{rng.choice(c)}".strip()
                    if rng.random() < 0.4:
                        text += f" {tag}"
                ids.append(self._add(post, author, when, text, abusive=True, targets=targets))
        families[fam].extend(a for a in accounts if a not in families[fam] and (a in core or rng.random() < 0.3))
        self.family_brigades[(org, fam)].append(bid)
        self.brigades.append(
            Brigade(
                id=bid,
                organisation=org,
                post=aimed[0].id if not on_person else None,
                target=target_id or None,
                started_at=at,
                authors=tuple(sorted(accounts)),
                core=tuple(sorted(core)),
                recurring=tuple(sorted(recurring)),
                earlier=tuple(earlier),
                comment_ids=tuple(ids),
            )
        )

    def _edit(self, text: str) -> str:
        """Copy-paste with edits: a word dropped or doubled, an emoji, a letter swapped."""
        rng = self.rng
        words = text.split()
        roll = rng.random()
        if roll < 0.25 and len(words) > 5:
            del words[rng.randrange(1, len(words) - 1)]
        elif roll < 0.45:
            i = rng.randrange(len(words))
            words.insert(i, words[i])
        elif roll < 0.6:
            i = rng.randrange(len(words))
            w = words[i]
            if len(w) > 3:
                j = rng.randrange(len(w) - 1)
                words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
        return " ".join(words) + rng.choice(_EMOJI)

    def run(self) -> None:
        posts = self.posts()
        rng = self.rng
        for post in posts:
            self.normal(post)
        for day in range(self.days):
            day_posts = [p for p in posts if (p.at - self.start).days == day]
            stad = [p for p in day_posts if p.organisation == "stad-demostad"]
            tram = [p for p in day_posts if p.organisation == "demotram"]
            if stad:
                self.viral(rng.choice(stad))
            disrupted = [p for p in tram if p.disruption] or tram
            if disrupted:
                self.storm(rng.choice(disrupted))
            if tram and rng.random() < 0.5:
                self.viral(rng.choice(tram))
            n = int(self.brigades_per_day) + (1 if rng.random() < self.brigades_per_day % 1 else 0)
            times = sorted(
                self.start + timedelta(days=day, hours=rng.uniform(3, 20), seconds=rng.randrange(60)) for _ in range(n)
            )
            for at in times:
                self.brigade(len(self.brigades), posts, at)


def _triage_flags(texts: Sequence[str]) -> dict[str, tuple[bool, bool]]:
    """(abusive, criticism) per distinct text, from the shipped triage engine."""
    from hierniet.domain import Comment, Label
    from hierniet.triage.pipeline import default_triage

    engine = default_triage()
    distinct = sorted(set(texts))
    out: dict[str, tuple[bool, bool]] = {}
    for i in range(0, len(distinct), 256):
        chunk = distinct[i : i + 256]
        verdicts = engine.classify([Comment(id=str(k), text=t) for k, t in enumerate(chunk)])
        for text, verdict in zip(chunk, verdicts, strict=True):
            out[text] = (verdict.is_abuse, Label.CRITICISM in verdict.labels)
    return out


def simulate(
    seed: int = 14,
    days: int = 3,
    flags_from: Flags = "triage",
    brigades_per_day: float = 4.0,
    start: datetime | None = None,
    classify: Callable[[Sequence[str]], dict[str, tuple[bool, bool]]] | None = None,
) -> Simulation:
    """A seeded timeline of `days` days with its truth (see the module's docstring).

    `flags_from="triage"` (the default) reads `abusive` and `criticism` with the shipped triage engine (or
    `classify`, a function from texts to (abusive, criticism) by text); `"intent"` takes what the generator
    meant, for quick unit tests only.
    """
    if days < 1:
        raise ValueError(f"days is {days}: simulate at least one day")
    if flags_from not in ("triage", "intent"):
        raise ValueError(f"flags_from is {flags_from!r}: say 'triage' or 'intent'")
    start = start or datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
    gen = _Generator(seed, days, start, brigades_per_day)
    gen.run()
    end = start + timedelta(days=days)
    raw = sorted((r for r in gen.raw if r.at < end), key=lambda r: (r.at, r.id))
    if flags_from == "triage":
        flags = (classify or _triage_flags)([r.text for r in raw])
    first: dict[str, datetime] = {}
    events = []
    for r in raw:
        seen = first.setdefault(r.author, r.at)
        abusive, criticism = flags[r.text] if flags_from == "triage" else (r.abusive, r.criticism)
        events.append(
            RaidEvent(
                comment_id=r.id,
                organisation=r.organisation,
                channel=r.channel,
                platform=r.platform,
                post=r.post,
                author=r.author,
                posted_at=r.at,
                text=r.text,
                abusive=abusive,
                criticism=criticism,
                author_known=gen.history.get(r.author, False) or seen < r.at - timedelta(hours=1),
                account_created_at=gen.created.get(r.author),
                targets=r.targets,
            )
        )
    kept = {e.comment_id for e in events}
    brigades = [b for b in gen.brigades if b.started_at < end]
    brigades = [
        Brigade(
            b.id,
            b.organisation,
            b.post,
            b.target,
            b.started_at,
            b.authors,
            b.core,
            b.recurring,
            b.earlier,
            tuple(i for i in b.comment_ids if i in kept),
        )
        for b in brigades
    ]
    return Simulation(
        seed=seed,
        days=days,
        start=start,
        end=end,
        flags_from=flags_from,
        events=events,
        brigades=brigades,
        episodes=gen.episodes,
    )
