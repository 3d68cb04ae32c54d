"""Function words the rules read (pronouns, negators, copulas, verbs of saying and condemning, ...), as data.

One YAML file per language (`words/<language>.yaml`). Closed classes, but still language data: they belong
in files a maintainer edits and a validator checks, not in code. Every entry is normalised like the
lexicons (folded case and accents, leet undone), so rules compare it with `Token.norm` directly; an entry
of several words is a phrase matched on consecutive tokens.

A malformed file raises `WordsError` naming the file, the key and how to fix it. Nothing is read at import
time: `load_words()` caches on first use.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from hierniet.triage.normalize import normalize_phrase

LANGUAGES: tuple[str, ...] = ("nl", "fr", "en", "de")

#: Every list a words file must have, and what it holds (docs/lexicons.md repeats this table).
LIST_KEYS: dict[str, str] = {
    "second_person": "pronouns and possessives that address the reader (je, tu, you, du)",
    "first_person": "pronouns and possessives of the speaker (ik, je, I, ich)",
    "self_subject": "the speaker as subject (ik, je, I, ich): 'I am such an idiot' is self-talk",
    "third_plural": "words that refer back to a group named earlier (ze, ils, they, sie, those people)",
    "copulas": "forms of 'to be' (zijn, sont, are, sind)",
    "negators": "words that negate what follows (niet, pas, not, nicht)",
    "not_a_negation_after": "words after a negator that make it restrict or compare (nothing BUT, niets DAN)",
    "contrast": "conjunctions that open a new clause with its own scope (maar, mais, but, aber)",
    "saying": "verbs of saying and claiming (zeggen, dire, say, sagen)",
    "that": "the complementiser after a verb of saying (dat, que, that, dass)",
    "condemning": "words that condemn a claim (walgelijk, raciste, disgusting, widerlich)",
    "stop": "calls to stop saying something (hou op, arretez, stop, hor auf)",
    "praise": "words of praise (geweldig, genial, amazing, toll)",
    "praise_pairs": "two-word praise (trop bon, so good)",
    "complaint_cues": "words that mark a complaint (weer, retard, late, Verspatung)",
    "negative_judgements": "words that judge something badly (chaos, honteux, disgrace, Zumutung)",
    "possessives": "possessives that make a group word name particular people (your kids, ta fille)",
    "demonstratives": "demonstratives that make an ambiguous plural slur name a group (die, ces, those)",
    "collectives": "collective nouns of name-calling (bende, bande de, bunch of)",
    "against": "the preposition of 'nothing against' (tegen, contre, against, gegen)",
    "country_words": "words for a home country in calls to go back (land, pays, country, Heimat)",
    "pejoratives": "adjectives and intensifiers that make an ambiguous word name-calling (domme koe, rude cow)",
    "staff": "people and desks of an organisation's service (chauffeur, guichet, desk, Schalter)",
    "violence": "verbs and phrases of physical violence done to someone (slaan, tabasser, stab, verprugeln)",
    "arson": "verbs of setting fire to or blowing up a place (in brand steken, cramer, burn down, anzunden)",
    "intent": "words that make violence an intent: first person, future, modal, condition (ga, vais, gonna, werde)",
    "victims": "object pronouns and body parts that make violence aimed at a person (hem, la, him, ihn, kop)",
    "pride": "words of pride that make a reclaimable word a self-designation (trotse, fière, proud, stolze)",
    "scam_cues": "what a scam asks for: money, card or identity details, a loan (kaartnummer, virement, crypto)",
    "benign_acts": "friendly acts with or for people, no threat (verwelkomen, fêter, celebrate)",
    "harm_words": "weapons, death and blood, which turn a friendly word into irony (mes, couteau, baseball bat, tot)",
    "cleansing": "verbs of clearing that, done to a group of people, mean expulsion (opruimen, nettoyer, clean out)",
    "comitative": "prepositions of doing something together with someone (met, avec, with, mit)",
    "disagreement": "saying one disagrees with a decision or a choice (niet mee eens, pas d'accord, disagree)",
    "treated": "how people are treated or called, before 'like animals' (behandeld, traités, treated): no verdict",
    "relative": "relative pronouns that open a clause about other people (die, qui, who, wer)",
    "people_nouns": "words for people before a relative pronoun: 'people who', 'mensen die', 'ceux qui'",
    "insistence": "words of repetition and impatience that make a question a complaint (altijd, encore, still)",
    "disruptions": "disruptions of a service (staking, grève, delay, Umleitung), a complaint when again",
    "waiting": "verbs and nouns of waiting (gewacht, attendu, waited, gewartet)",
    "time_units": "units of time after a number (minuten, heures, hours, Stunden)",
    "number_words": "numbers written out before a time unit (twee, trois, two, zwei)",
    "payers": "asking who pays (wie betaalt, qui paie, who pays, wer zahlt): the taxpayer's complaint",
    "info_openers": "openings of a question asking for information (hoe, comment, how, wie; kan ik, est-ce que)",
    "idioms": "figures of speech made of violence or death words (kill time, tuer le temps, dood van het lachen)",
    "pointing_back": "demonstratives that, opening a clause before a verb, refer back to people (die zijn)",
    "kind_wishes": "wishes of good things (fijne dag, bon courage, get well soon, gute Besserung): no wish of harm",
    "everyday_acts": "ordinary doings (organiseert, ouvrent, won, feiern): a group doing them is mentioned neutrally",
    "conspiracy_groups": "who a control conspiracy names (joden, sionistes, globalists, Rothschild)",
    "conspiracy_control": "what they are said to do (controleren, controlent, control, kontrollieren)",
    "conspiracy_domains": "what they are said to control (media, banques, banks, Medien)",
    "concession": "praise, thanks or support granted before a 'but' (ik steun, je soutiens, I support, danke)",
    "demands": "what a complaint after a 'but' asks or blames (moet, devrait, should, sollte, waarom)",
    "innuendo": "bodies, clothes and phrases that, beside a leer emoji, make a remark sexual (rokje, petit cul)",
    "defending": "what people suffered or fled, said in their defence (gevlucht voor, fuient, fled, Opfer von)",
    "crimes": "crimes a group is said to commit as a whole, a criminal stereotype (stelen, volent, steal, klauen)",
    "discussion": "what other commenters say here (reacties, commentaires, comments): judging it is no complaint",
    "self_as": "words before a group's name that make the speaker one of them (als moslima, en tant que femme)",
    "beasts": "animals and vermin said of people in a bare verdict after a group is named (\"... Animals.\")",
    "comparison": "words of comparison before an animal word: a likeness, not a verdict (als, comme, like, wie)",
    "articles": "articles that make an ambiguous slur the ordinary word (de pot, une tapette, a fag, eine Tunte)",
    "of_mine": "'of mine' after an ambiguous slur: the ordinary word (van mij, de moi, of mine, von mir)",
    "pointing": "words pointing at one person before an ambiguous slur (die aap, cette guenon, that ape, dieser Affe)",
    "free_relative": "relatives with no noun before them that open a sentence (wie, quiconque, whoever, wer)",
    "at_clock": "prepositions before a time of day, not a length of time (om 18u, à 9h, at, um)",
    "why": "words that ask why (waarom, pourquoi, why, warum): a question that reproaches, not one that asks",
    "thanks": "thanks and cheers said beside a question, no complaint (bedankt, merci, thanks, danke, super)",
    "possessive_verbs": "possessives that are also a verb opening a question (Dutch 'Zijn vrouwen ...?': are, not his)",
    "naming": "verbs of calling someone something (noemen, traiter de, call, nennen): 'you call them X'",
    "manner": "words that make a feeling about how people are treated, not about them (hoe, comment, how, wie)",
    "opinion": "verbs of opinion whose negation denies the claim after them (denk, pense, think, glaube)",
    "naming_others": "who calls, when it is not the speaker: the reader, a condition, a relative (je, si, if, wer)",
}
#: Lists a language may leave empty (`key: []`): what they name does not exist in every language.
MAY_BE_EMPTY: frozenset[str] = frozenset({"possessive_verbs"})
#: Lists whose every word must also be in another list of the same file: (list, the list that holds it, why).
SUBSETS: tuple[tuple[str, str, str], ...] = (
    ("free_relative", "relative", "a free relative is a relative pronoun the rules read only where it is one"),
    ("possessive_verbs", "possessives", "the rules read it as a verb only where it could be read as a possessive"),
)
#: Words written as they are (not normalised): what a group or a person is replaced with before the model reads.
TEXT_KEYS: dict[str, str] = {
    "group_placeholder": "the plain word that stands in for a group name when the model reads a clause (mensen)",
    "person_placeholder": "the plain word that stands in for one member of a group (iemand)",
}


class WordsError(ValueError):
    """A words file that cannot be used; the message says where and how to fix it."""


@dataclass(frozen=True, slots=True)
class Words:
    """The function words of one language, normalised."""

    language: str
    version: str
    lists: Mapping[str, frozenset[tuple[str, ...]]]
    texts: Mapping[str, str]

    def singles(self, key: str) -> frozenset[str]:
        """The one-word entries of a list."""
        return frozenset(p[0] for p in self.lists[key] if len(p) == 1)

    def phrases(self, key: str) -> frozenset[tuple[str, ...]]:
        return self.lists[key]

    def at(self, key: str, norms: list[str], i: int) -> int:
        """Length of the longest entry of `key` that starts at token i (0: none)."""
        best = 0
        for phrase in self.lists[key]:
            n = len(phrase)
            if n > best and tuple(norms[i : i + n]) == phrase:
                best = n
        return best


def words_dir() -> Path:
    return Path(__file__).resolve().parent


def _normalised(path: Path, key: str, value: Any) -> frozenset[tuple[str, ...]]:
    if key in MAY_BE_EMPTY and not isinstance(value, list):
        raise WordsError(f"{path}: '{key}' must be a list of words. Write it as {key}: [word, ...], or {key}: []")
    if not isinstance(value, list) or not (value or key in MAY_BE_EMPTY):
        raise WordsError(f"{path}: '{key}' must be a non-empty list of words. Write it as {key}: [word, word, ...]")
    out: set[tuple[str, ...]] = set()
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise WordsError(
                f"{path}: '{key}' holds {item!r}, which is not a word. Quote words YAML reads otherwise "
                '("m\'n", "yes", "on")'
            )
        phrase = normalize_phrase(item)
        if not phrase:
            raise WordsError(f"{path}: '{key}' holds {item!r}, which has no letters after normalisation. Remove it")
        out.add(phrase)
    return frozenset(out)


def load_words_file(path: Path) -> Words:
    language = path.stem
    if language not in LANGUAGES:
        raise WordsError(f"{path}: the file name must be a language ({', '.join(LANGUAGES)}).yaml")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise WordsError(f"{path}: cannot be read as YAML ({exc}). Fix the syntax") from exc
    if not isinstance(raw, dict):
        raise WordsError(f"{path}: expected a mapping of list names to word lists")
    unknown = sorted(set(raw) - set(LIST_KEYS) - set(TEXT_KEYS))
    if unknown:
        raise WordsError(
            f"{path}: unknown key(s) {', '.join(unknown)}. Known keys: {', '.join([*LIST_KEYS, *TEXT_KEYS])}"
        )
    missing = sorted(k for k in [*LIST_KEYS, *TEXT_KEYS] if k not in raw)
    if missing:
        raise WordsError(f"{path}: missing key(s) {', '.join(missing)}. Every language file needs every list")
    lists = {key: _normalised(path, key, raw[key]) for key in LIST_KEYS}
    _check_subsets(path, lists)
    texts: dict[str, str] = {}
    for key in TEXT_KEYS:
        value = raw[key]
        if not isinstance(value, str) or not value.strip():
            raise WordsError(f"{path}: '{key}' must be one plain word, e.g. {key}: people")
        texts[key] = value.strip()
    version = _version(path)
    return Words(language, version, lists, texts)


def _check_subsets(path: Path, lists: Mapping[str, frozenset[tuple[str, ...]]]) -> None:
    for key, holder, why in SUBSETS:
        stray = sorted(" ".join(p) for p in lists[key] - lists[holder])
        if stray:
            raise WordsError(
                f"{path}: '{key}' holds {', '.join(stray)}, which '{holder}' does not ({why}). "
                f"Add them to '{holder}' too, or remove them from '{key}'"
            )


def _version(path: Path) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# version:"):
            return line.partition(":")[2].strip()
    raise WordsError(f"{path}: add a '# version: YYYY.MM.N' comment line at the top")


@cache
def load_words() -> dict[str, Words]:
    """Every language's words, validated (cached: read once per process)."""
    return {lang: load_words_file(words_dir() / f"{lang}.yaml") for lang in LANGUAGES}


def union(key: str, languages: Iterable[str] = LANGUAGES) -> frozenset[str]:
    """One-word entries of `key` in several languages (mixed-language comments are common in Brussels)."""
    table = load_words()
    return frozenset().union(*(table[lang].singles(key) for lang in languages))


def union_phrases(key: str, languages: Iterable[str] = LANGUAGES) -> frozenset[tuple[str, ...]]:
    table = load_words()
    return frozenset().union(*(table[lang].phrases(key) for lang in languages))
