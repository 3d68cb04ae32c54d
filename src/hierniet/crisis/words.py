"""Word lists per language that name a crisis need (data files in words/*.yaml), validated with clear errors.

A list entry is one or more words, matched on whole words with case and accents aside; a trailing ``*`` lets the
last word end in anything (``medicijn*`` matches ``medicijnen``). A word found makes its need certain; the model
finds the needs written in other words.

Each file also says how an offer is put as a question in its language (``offer_questions``): "Iemand opvang
nodig? Wij hebben plaats in Genk." asks about someone else's need, then says what the speaker has, and is an
offer, though every word of its question sounds like a request. Those lists are matched one language at a time
(a negation of one language is often a plain word of the next: French "pas" is Dutch "just").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from hierniet.crisis.normalize import fold

NEEDS: tuple[str, ...] = (
    "shelter",
    "transport",
    "food_water",
    "medical",
    "missing_person",
    "charging_communication",
    "animals",
    "other",
)
LANGUAGES = ("nl", "fr", "de", "en")
_WORD = re.compile(r"[^\W_]+")
#: A sentence and what ends it ("?", ".", "!", a line break or the end of the post).
_SENTENCE = re.compile(r"([^.!?\n]+)([.!?]+|\n|$)")
#: The lists of an offer put as a question, in the order the rule reads them (see OfferQuestionWords).
QUESTION_LISTS = ("need", "speaker", "has", "lacks")
#: The lists of a question asking for help (see HelpQuestions).
HELP_LISTS = ("asks", "unless")


class WordListError(ValueError):
    """A word list file is malformed; the message names the file, the place and how to fix it."""


@dataclass(frozen=True, slots=True)
class OfferQuestion:
    """Why a post was read as an offer put as a question: the question and the sentence after it."""

    language: str
    question: str
    has: str

    def as_dict(self) -> dict[str, str]:
        return {"language": self.language, "question": self.question, "has": self.has}


@dataclass(frozen=True, slots=True)
class OfferQuestionWords:
    """One language's words of an offer put as a question.

    A question (a sentence ending in "?") with a `need` word ("nodig", "besoin", "need", "braucht") and none of
    the speaker's own words (`speaker`: "ik", "wij", "je", "we", "wir": then the speaker asks about their own
    need), followed by a sentence with a `has` word ("wij hebben", "j'ai", "we have", "wir haben") and no `lacks`
    word (a negation, a need or a loss: "wij hebben geen stroom", "on a besoin", "wir haben alles verloren"). A
    question about having ("Wie heeft er nog plaats?") names no need: it stays a request.
    """

    language: str
    need: re.Pattern[str]
    speaker: re.Pattern[str]
    has: re.Pattern[str]
    lacks: re.Pattern[str]

    def find(self, sentences: Sequence[tuple[str, str, bool]]) -> OfferQuestion | None:
        """`sentences`: (text, folded words, is a question) in the post's order."""
        for i, (question, folded, asks) in enumerate(sentences):
            if not asks or not self.need.search(folded) or self.speaker.search(folded):
                continue
            for text, later, _ in sentences[i + 1 :]:
                if self.has.search(later) and not self.lacks.search(later):
                    return OfferQuestion(self.language, question.strip(), text.strip())
        return None


def sentences(text: str) -> list[tuple[str, str, bool]]:
    """The post's sentences: (text, folded words, is a question)."""
    out = []
    for match in _SENTENCE.finditer(text):
        sentence = match.group()
        words = " ".join(_WORD.findall(fold(match.group(1))))
        if words:
            out.append((sentence, words, "?" in match.group(2)))
    return out


@dataclass(frozen=True, slots=True)
class HelpQuestions:
    """Questions that ask for help ("Wie kan ons komen halen?", "Quelqu'un sait où trouver de l'eau ?", "Can
    anyone tow my car?", "Kann uns jemand abholen?"): a request, though the model may read news or chatter in
    posts whose need is put indirectly. `asks`: the openings of such a question, in all four languages; `unless`:
    words that make the question rhetorical, about the news ("waarom", "pourquoi", "why", "warum") or about
    giving something away ("wie kan ze gebruiken?", "où puis-je les déposer ?").

    Left to the model and the offer-question rule, as an offer's shapes: a post with a sentence saying what the
    poster has ("Ik heb een aanhangwagen, wie kan hem gebruiken?"; the offer-question lists `has` and `lacks`),
    and a question about someone else's need ("Wie heeft er een lift nodig?"; `need` without `speaker`).
    """

    asks: re.Pattern[str]
    unless: re.Pattern[str]

    def find(self, parts: Sequence[tuple[str, str, bool]], offers: Sequence[OfferQuestionWords]) -> str | None:
        for _, folded, _ in parts:
            if any(w.has.search(folded) and not w.lacks.search(folded) for w in offers):
                return None
        for question, folded, asked in parts:
            if not asked or not self.asks.search(folded) or self.unless.search(folded):
                continue
            if any(w.need.search(folded) and not w.speaker.search(folded) for w in offers):
                return None
            return question.strip()
        return None


@dataclass(frozen=True, slots=True)
class NeedWords:
    #: need -> compiled pattern of all its entries (in every language: posts mix them, and a word of one
    #: language is rarely another word in the next).
    patterns: dict[str, re.Pattern[str]]
    #: Words that mark an offer of help ("wij bieden", "je propose", "kostenlos"): with one of them a lower
    #: offer score suffices (hierniet.crisis.classify).
    offer: re.Pattern[str] | None = None
    #: Words that mark a request ("wij zoeken", "besoin", "dringend").
    request: re.Pattern[str] | None = None
    #: Per language, how an offer is put as a question ("Iemand opvang nodig? Wij hebben plaats.").
    offer_questions: tuple[OfferQuestionWords, ...] = ()
    #: Questions that ask for help, all languages together (their openings are phrases no language shares).
    help_questions: HelpQuestions | None = None

    def help_question(self, text: str) -> str | None:
        """The question that makes `text` ask for help (a request whatever the model says of news or chatter)."""
        if "?" not in text or self.help_questions is None:
            return None
        return self.help_questions.find(sentences(text), self.offer_questions)

    def offer_question(self, text: str) -> OfferQuestion | None:
        """The question and the sentence that make `text` an offer put as a question, or None."""
        if "?" not in text or not self.offer_questions:
            return None
        parts = sentences(text)
        for words in self.offer_questions:
            found = words.find(parts)
            if found is not None:
                return found
        return None

    def needs_in(self, text: str) -> list[str]:
        folded = " ".join(_WORD.findall(fold(text)))
        return [need for need, pattern in self.patterns.items() if pattern.search(folded)]

    def offers(self, text: str) -> bool:
        return self.cues(text)[0]

    def cues(self, text: str) -> tuple[bool, bool]:
        """(an offer word is there, a request word is there)."""
        folded = " ".join(_WORD.findall(fold(text)))
        return (
            self.offer is not None and self.offer.search(folded) is not None,
            self.request is not None and self.request.search(folded) is not None,
        )


def _entry_pattern(entry: str) -> str:
    prefix = entry.endswith("*")
    words = _WORD.findall(fold(entry.rstrip("*")))
    body = r"\s".join(re.escape(w) for w in words)
    return rf"\b{body}\w*" if prefix else rf"\b{body}\b"


def _entries(entries: Any, where: str, source: str) -> list[str]:
    if not isinstance(entries, list) or not entries:
        raise WordListError(f"{source}: {where} must be a non-empty list of words")
    for position, entry in enumerate(entries):
        if not isinstance(entry, str) or not _WORD.search(entry):
            raise WordListError(f"{source}: {where}[{position}] is {entry!r}: write a word (text)")
        if "*" in entry.rstrip("*"):
            raise WordListError(f"{source}: {where}[{position}] {entry!r}: '*' may only end an entry")
    return [str(e) for e in entries]


def parse(data: Any, source: str) -> dict[str, list[str]]:
    """The entries of one file per need (under "offer" and "request" the kind words, under
    "offer_questions.need" ... the lists of an offer put as a question), or a WordListError saying what to fix."""
    if not isinstance(data, dict) or not isinstance(data.get("needs"), dict):
        raise WordListError(f"{source}: expected a mapping with a 'needs' mapping at the top")
    unknown = set(data) - {"needs", "kinds", "offer_questions", "help_questions"}
    if unknown:
        raise WordListError(
            f"{source}: unknown section {', '.join(sorted(map(str, unknown)))}; the sections are needs, kinds, "
            "offer_questions and help_questions"
        )
    out: dict[str, list[str]] = {}
    for need, entries in data["needs"].items():
        if need not in NEEDS:
            raise WordListError(f"{source}: unknown need {need!r}; use one of {', '.join(NEEDS)}")
        out[need] = _entries(entries, f"needs.{need}", source)
    kinds = data.get("kinds", {})
    if not isinstance(kinds, dict) or set(kinds) - {"offer", "request"}:
        raise WordListError(f"{source}: 'kinds' may only hold an 'offer' and a 'request' list of words")
    for kind in ("offer", "request"):
        if kind in kinds:
            out[kind] = _entries(kinds[kind], f"kinds.{kind}", source)
    out.update(_named_lists(data, "offer_questions", QUESTION_LISTS, source))
    out.update(_named_lists(data, "help_questions", HELP_LISTS, source))
    return out


def _named_lists(data: dict[str, Any], key: str, names: Sequence[str], source: str) -> dict[str, list[str]]:
    """An optional section made of exactly the named word lists ("offer_questions", "help_questions"), each as
    "<key>.<name>"."""
    section = data.get(key)
    if section is None:
        return {}
    if not isinstance(section, dict) or set(section) != set(names):
        raise WordListError(
            f"{source}: '{key}' must hold exactly the lists {', '.join(names)} "
            f"(it has {', '.join(map(str, section)) if isinstance(section, dict) else 'no mapping'})"
        )
    return {f"{key}.{name}": _entries(section[name], f"{key}.{name}", source) for name in names}


def _compile(entries: Sequence[str]) -> re.Pattern[str]:
    return re.compile("|".join(_entry_pattern(e) for e in entries))


def build(lists: dict[str, dict[str, list[str]]]) -> NeedWords:
    merged: dict[str, list[str]] = {need: [] for need in (*NEEDS, "offer", "request")}
    helps: dict[str, list[str]] = {name: [] for name in HELP_LISTS}
    questions: list[OfferQuestionWords] = []
    for language, per_language in lists.items():
        for need, entries in per_language.items():
            if need.startswith("help_questions."):
                helps[need.split(".", 1)[1]].extend(entries)
            elif not need.startswith("offer_questions."):
                merged[need].extend(_entry_pattern(e) for e in entries)
        if "offer_questions.need" in per_language:
            lists_of = {name: _compile(per_language[f"offer_questions.{name}"]) for name in QUESTION_LISTS}
            questions.append(OfferQuestionWords(language, **lists_of))
    offer, request = merged.pop("offer"), merged.pop("request")
    return NeedWords(
        {need: re.compile("|".join(ps)) for need, ps in merged.items() if ps},
        re.compile("|".join(offer)) if offer else None,
        re.compile("|".join(request)) if request else None,
        tuple(questions),
        HelpQuestions(_compile(helps["asks"]), _compile(helps["unless"]))
        if helps["asks"] and helps["unless"]
        else None,
    )


@cache
def need_words() -> NeedWords:
    """The shipped lists (read once, on first use)."""
    import yaml

    folder = resources.files("hierniet.crisis") / "words"
    lists = {}
    for language in LANGUAGES:
        source = f"crisis/words/{language}.yaml"
        try:
            data = yaml.safe_load((folder / f"{language}.yaml").read_text("utf-8"))
        except yaml.YAMLError as exc:
            raise WordListError(f"{source}: not valid YAML ({exc})") from None
        lists[language] = parse(data, source)
    return build(lists)
