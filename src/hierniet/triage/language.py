"""Language identification tuned to Belgian comment streams (nl, fr, en, de).

py3langid does the heavy lifting, but a character n-gram model alone is weak on
what moderators actually see: two-word Flemish or Brussels-French chat
("amai zot", "tkt mdr"), emoji, @mentions and links. So:

* URLs, mentions, e-mail addresses, emoji and symbols are stripped first;
  text with no letters left is ``Language.OTHER`` with confidence 0.
* The unrestricted model runs once; its distribution is folded into five groups
  (nl, fr, en, de, other). Close relatives fold into the language a Belgian
  reader would call them (Afrikaans and Frisian to nl, Luxembourgish to de,
  Walloon to fr). Folding a softmax over a subset of labels gives exactly the
  "restricted to four languages" distribution, so one pass serves both uses.
* "Other" gets a prior below one: in these streams a foreign language is rare,
  and on a short text the 136 other labels share a lot of noise mass.
* Cue words (function words and Flemish / Belgian-French / chat markers) add
  log-evidence, strongly for texts under eight words, weakly for longer ones.
* A hint (the organisation's or platform's language) tips short or uncertain
  texts towards it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import pairwise
from typing import Any

import numpy as np
import numpy.typing as npt

from hierniet.domain import Language
from hierniet.triage.matcher import is_common_in

__all__ = ["closest_languages", "detect_language", "detect_languages"]

# Column order of the grouped distribution; "other" is last.
_GROUPS: tuple[Language, ...] = (Language.NL, Language.FR, Language.EN, Language.DE, Language.OTHER)
_OTHER = 4

# py3langid labels that a Belgian moderator would file under one of the four.
_FOLD: dict[str, Language] = {
    "nl": Language.NL,
    "af": Language.NL,
    "fy": Language.NL,
    "fr": Language.FR,
    "wa": Language.FR,
    "en": Language.EN,
    "de": Language.DE,
    "lb": Language.DE,
}

# Below this many words cue words weigh heavily and the hint may tip the result.
_SHORT_WORDS = 8
_CUE_WEIGHT_SHORT = 2.0
_CUE_WEIGHT_LONG = 0.3
_HINT_BONUS = 1.5
# Multiplies the model's "other" mass: foreign-language comments are rare here and
# on very short texts the other 136 labels soak up most of the noise.
_OTHER_PRIOR = 0.3
_OTHER_PRIOR_TINY = 0.05
_TINY_LETTERS = 12
_LOW_CONFIDENCE = 0.6
_FLOOR = 1e-4
# Texts scored per numpy gather; bounds the temporary (rows x 142 floats) array.
_CHUNK = 256
# Below this many texts in a chunk, direct row gathers beat a sparse product.
_SPARSE_FROM = 8


# --- cue words -------------------------------------------------------------
# A word listed for several languages splits its one vote among them. Lists hold
# function words plus informal markers; Flemish and Belgian French above all.
# Kept as whitespace-separated blocks so a maintainer can add a word in place.

_NL_CUES = """
de het een en is niet nie ni da dat die deze dit wat wa waarom hoe wie waar wanneer welke
ik ikke ge gij gulle gullie jullie je jij u uw we wij ze zij hij zijn zen zijt zedde zijde
was heb hebt heeft hebben hebde hedde had kan kunt kunde kunnen moet moete moeten wil wilt
zal zou zoude wordt worden gaat gade gaan doen doet doede zeg zegt zeggen al ook nog maar of
want dus toch echt heel zeer veel weinig niks niets iets goed goe slecht mooi schoon lelijk
zot zotte zottekes amai amaai allez alé allee awel ewel efkes effe effekes even ne nen enen
da's 't 'k 'tis tis wadde wablieft hé hè ja jaja nee neen nene jong jongens manneke zeveraar
zever zeveren dikke bedankt dank dankuwel dankjewel merci proficiat gefeliciteerd schandalig
belachelijk zielig precies kweet kzie kheb kga kben kzen kzou kdenk kvind goesting plezant
content fameus ambetant ambras geen gene ken kent weet weten nu nou hier daar er naar van
voor met op aan bij uit over onder na tot door om zonder tegen tussen sinds omdat als dan
toen wel graag liever mij mijn mijne hem haar hun ons onze jouw zo nooit altijd soms
vandaag morgen gisteren dag dagske salukes ajuu tot-straks gewoon onnozel onnozelaar
sukkelaar kieken marginaal nondedju godverdomme verdomme potverdekke miljaar zulle zenne
mja nja oké okee tja tzal tes toet zatte frieten pintje man weg mensen klant klanten
wachten winkel trein gemeente stad straat prijs duur gratis waarom wachttijd sorry super
zalig bravo den dezen diejen gasten tuurlijk keigoed kei vree wreed ferm wijs tof fijn top
"""

_FR_CUES = """
le la les l' un une des du de d' et est c'est ce cet cette ces ça ca sa son ses mon ma mes
ton ta tes notre nos votre vos leur leurs je j' tu t' il elle on nous vous ils elles me moi
toi lui eux se s' ne n' pas plus jamais rien personne que qu' qui quoi quand comment
pourquoi où ou mais donc car avec sans pour par sur sous dans chez entre vers très trop
bien mal bon bonne mauvais vraiment nul nulle honte honteux scandale scandaleux merci
bonjour bonsoir salut svp stp oui non ouais nan bah ben bref genre grave tkt mdr mdrr ptdr
jpp jsp jcp wsh wesh frère frérot putain ptn merde bordel franchement sérieux sérieusement
encore toujours déjà aussi avoir ai as avez ont suis es sommes êtes sont était été fait
faire faut peut peux veux voulez va vais allez allé aller vont vient viens dit dire voir
vu sais savoir septante nonante tantôt dracher drache kot baraki brol fieu ket zwanze
dikkenek endéans savez chui chuis jsuis slt bjr pk pq dsl bsx bisous mtn askip oklm relou
chiant ouf mec meuf gars voilà voila hein coucou cc ptn zebi franchement gens client
attendre magasin prix gratuit désolé super hier a en
magnifique génial courage dommage bravo pfff top
"""

_EN_CUES = """
the a an and is are was were be been being have has had do does did don't i you he she it
we they me my your his her its our their this that these those what why how who where when
which not no yes yeah yep nope please thanks thank thx ty lol lmao lmfao rofl omg wtf idk
imo imho tbh btw smh ngl bruh dude guys wow nice great good bad awful terrible worst best
love hate really very just so too also but or if then than because of to for with from on
at by about into out up down get got go going gonna wanna gotta kinda can can't could would
should will won't must people service customer company staff still again never always ever
anyone someone everyone nothing something anything here there now today u ur pls plz np
rn bro sorry cool ok okay super man over van in hi hello
"""

_DE_CUES = """
der die das den dem des ein eine einen einem einer und ist sind war waren bin bist hat haben
hatte nicht nein ja doch auch noch schon nur sehr gut schlecht schön danke bitte
bitteschön dankeschön vielen dank grüße gruß hallo moin servus tschüss tschüs ich du er
sie es wir ihr mich mir dich dir sich uns euch mein meine dein deine sein seine ihre unser
euer wie was warum wieso weshalb wer wo wann welche mit für auf aus bei nach von vor zu zum
zur über unter gegen ohne durch um wenn dass daß weil aber oder denn also jetzt heute
gestern immer nie nichts etwas alles viel wirklich echt mal halt eben kein keine keinen
geht gehen kann können muss müssen soll sollen will wollen wird werden würde macht machen
gemacht gesagt sagen leute scheiße scheisse krass geil alter digga genau stimmt quatsch
blödsinn unglaublich naja ach jo ne mist hier man in so super ok
toll klasse bravo top
"""

# Frequent words of languages we do not serve, so a short Spanish or Turkish
# comment is not pulled into French or Dutch by shared function words.
_OTHER_CUES = """
hola gracias muy pero porque está qué cómo buenos días amigo señor usted nosotros
ciao grazie sono questo questa perché molto buongiorno ragazzi anche della sempre
obrigado obrigada você muito não também
merhaba teşekkürler teşekkür çok bir ve bu için değil ama ben sen
dziękuję cześć jest się że dobrze bardzo
"""

# Chat words every language borrows; they count for half so a hint can outvote them.
_WEAK_CUES = "lol omg wtf lmao cool ok okay oké super top sorry nice wow bravo"
_WEAK_FACTOR = 0.5

# Two-word cues, checked on adjacent tokens.
_BIGRAM_CUES: dict[tuple[str, str], Language] = {
    ("dikke", "merci"): Language.NL,
    ("merci", "beaucoup"): Language.FR,
    ("une", "fois"): Language.FR,
    ("ça", "va"): Language.FR,
    ("ca", "va"): Language.FR,
    ("thank", "you"): Language.EN,
    ("oh", "my"): Language.EN,
    ("vielen", "dank"): Language.DE,
    ("tot", "straks"): Language.NL,
}
_BIGRAM_WEIGHT = 2.0

# Clitics: the part before or after an apostrophe says a lot ("c'est", "'k", "don't").
_PREFIX_CUES: dict[str, Language] = {
    "c'": Language.FR,
    "l'": Language.FR,
    "d'": Language.FR,
    "j'": Language.FR,
    "qu'": Language.FR,
    "n'": Language.FR,
    "s'": Language.FR,
    "m'": Language.FR,
    "'k": Language.NL,
    "'t": Language.NL,
}
_SUFFIX_CUES: dict[str, Language] = {
    "n't": Language.EN,
    "'re": Language.EN,
    "'ve": Language.EN,
    "'ll": Language.EN,
    "'m": Language.EN,
}


@cache
def _cue_table() -> dict[str, tuple[float, float, float, float, float]]:
    """word -> evidence per group (nl, fr, en, de, other); a shared word splits its vote."""
    owners: dict[str, list[int]] = {}
    weak = frozenset(_WEAK_CUES.split())
    for column, block in enumerate((_NL_CUES, _FR_CUES, _EN_CUES, _DE_CUES, _OTHER_CUES)):
        for word in block.split():
            key = word.replace("’", "'")
            if column not in owners.setdefault(key, []):
                owners[key].append(column)
    table: dict[str, tuple[float, float, float, float, float]] = {}
    for word, columns in owners.items():
        share = (_WEAK_FACTOR if word in weak else 1.0) / len(columns)
        vector = [0.0] * 5
        for column in columns:
            vector[column] = share
        table[word] = (vector[0], vector[1], vector[2], vector[3], vector[4])
    return table


@dataclass(frozen=True, slots=True)
class _Regexes:
    strip: re.Pattern[str]
    domain: re.Pattern[str]
    hashtag: re.Pattern[str]
    symbols: re.Pattern[str]
    token: re.Pattern[str]
    squeeze: re.Pattern[str]
    spaced: re.Pattern[str]
    spacer: re.Pattern[str]


@cache
def _regexes() -> _Regexes:
    return _Regexes(
        # URLs, e-mail addresses and @mentions carry no language. A word holding an "@" or a
        # domain goes as a whole; the match may only start where a word starts ((?<!\S)), the
        # leftmost start there anyway, because trying every position inside a long word
        # without one ("x.x.x...") costs quadratic time: 8 kB took two seconds (ReDoS).
        strip=re.compile(r"(?:https?://|www\.)\S+|(?<!\S)\S*@\S*", re.IGNORECASE),
        domain=re.compile(r"(?<!\S)\S+\.(?:com|be|nl|fr|de|org|net|eu)\b\S*", re.IGNORECASE),
        hashtag=re.compile(r"#(\w+)"),
        # Emoji, pictographs and other symbols; keep letters, digits, spaces and apostrophes.
        symbols=re.compile(r"[^\w\s'’.,!?;:()\-]+"),
        token=re.compile(r"['’]?[^\W\d_]+(?:['’][^\W\d_]+)*['’]?"),
        squeeze=re.compile(r"([^\W\d_])\1{2,}"),
        # "M u s l i m s", "n.e.g.e.r": letters one by one read as no language at all; join them first.
        spaced=re.compile(r"(?<!\w)(?:[^\W\d_][ .\-*]){2,}[^\W\d_](?!\w)"),
        spacer=re.compile(r"[ .\-*]"),
    )


@dataclass(frozen=True, slots=True)
class _Prepared:
    model_text: str  # what the n-gram model sees
    tokens: tuple[str, ...]  # lower-cased words for the cue lists
    letters: int


def _prepare(text: str) -> _Prepared:
    rx = _regexes()
    # The substring tests skip regexes that cost more than the rest of the work.
    cleaned = rx.strip.sub(" ", text) if ("@" in text or "://" in text or "www." in text) else text
    if "." in cleaned:
        cleaned = rx.domain.sub(" ", cleaned)
    if "#" in cleaned:
        without_tags = rx.hashtag.sub(" ", cleaned)
        # A comment made only of hashtags still says something through their words.
        if not any(ch.isalpha() for ch in without_tags):
            without_tags = rx.hashtag.sub(r" \1 ", cleaned)
        cleaned = without_tags
    if " " in cleaned or "." in cleaned or "-" in cleaned:
        cleaned = rx.spaced.sub(lambda m: rx.spacer.sub("", m.group()), cleaned)
    cleaned = rx.symbols.sub(" ", cleaned)
    cleaned = " ".join(cleaned.split())
    lowered = cleaned.lower().replace("’", "'")
    tokens = tuple(rx.token.findall(lowered))
    letters = sum(map(len, tokens)) - sum(token.count("'") for token in tokens)
    return _Prepared(model_text=cleaned, tokens=tokens, letters=letters)


@lru_cache(maxsize=65536)
def _token_evidence(token: str) -> tuple[float, float, float, float, float] | None:
    """Evidence of one lower-cased token; cached because comment words repeat a lot."""
    table = _cue_table()
    vector = table.get(token)
    if vector is not None:
        return vector
    squeeze = _regexes().squeeze
    if len(token) > 3:
        # "amaaai", "merciiii", "looool"
        vector = table.get(squeeze.sub(r"\1", token)) or table.get(squeeze.sub(r"\1\1", token))
        if vector is not None:
            return vector
    bare = token.strip("'")
    language: Language | None = None
    if "'" in bare:
        head, _, tail = bare.partition("'")
        language = _PREFIX_CUES.get(head + "'") or _SUFFIX_CUES.get("'" + tail)
        if language is None and bare.endswith("n't"):
            language = Language.EN
    elif token.startswith("'"):
        language = _PREFIX_CUES.get(token)
    if language is None:
        return None
    one_hot = [0.0] * 5
    one_hot[_GROUPS.index(language)] = 1.0
    return (one_hot[0], one_hot[1], one_hot[2], one_hot[3], one_hot[4])


def _cue_evidence(tokens: Sequence[str]) -> list[float]:
    vectors = [vector for vector in map(_token_evidence, tokens) if vector is not None]
    evidence = [sum(column) for column in zip(*vectors, strict=True)] if vectors else [0.0] * 5
    for first, second in pairwise(tokens):
        language = _BIGRAM_CUES.get((first, second))
        if language is not None:
            evidence[_GROUPS.index(language)] += _BIGRAM_WEIGHT
    return evidence


# --- the n-gram model ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Model:
    # The DFA that turns bytes into n-gram feature ids (py3langid's tokenizer).
    nextmove: Any
    rowbase: list[int]
    output: list[int]
    table: npt.NDArray[np.float32]  # feature x class log-probabilities
    prior: npt.NDArray[np.float32]  # class log-priors
    fold: npt.NDArray[np.float32]  # class x group one-hot


@cache
def _model() -> _Model:
    # Imported here so importing hierniet.triage never loads numpy data from disk.
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    classes: list[str] = list(identifier.nb_classes)
    fold = np.zeros((len(classes), len(_GROUPS)), dtype=np.float32)
    for column, label in enumerate(classes):
        fold[column, _GROUPS.index(_FOLD.get(label, Language.OTHER))] = 1.0
    # float32 (about 57 MB) because scipy's sparse product has no float16 path;
    # the sparse product is five times faster than gathering rows per text.
    return _Model(
        nextmove=identifier.tk_nextmove,
        rowbase=list(identifier._rowbase),
        output=list(identifier.tk_output),
        table=np.ascontiguousarray(identifier.nb_ptc, dtype=np.float32),
        prior=np.asarray(identifier.nb_pc, dtype=np.float32),
        fold=fold,
    )


def _encode(text: str) -> bytes:
    # Same preprocessing as py3langid's own classify(), so scores match it.
    if text.isupper():
        text = text.lower()
    return unicodedata.normalize("NFC", text).encode("utf8", errors="surrogatepass")


def _group_probabilities(texts: Sequence[str]) -> npt.NDArray[np.float32]:
    """(len(texts), 5) probabilities over nl, fr, en, de, other from the full model.

    Equivalent to py3langid's normalised ``rank`` folded into groups, but the
    feature lookups of a whole chunk share one numpy gather, which is what
    makes the batch API fast.
    """
    from py3langid.langid import visit_counts
    from scipy.sparse import csr_matrix

    model = _model()
    nextmove, rowbase, output = model.nextmove, model.rowbase, model.output
    n_features, n_classes = model.table.shape
    result = np.empty((len(texts), len(_GROUPS)), dtype=np.float32)
    # A text with no known n-gram: py3langid abstains with a uniform distribution.
    uniform = model.fold.sum(axis=0) / n_classes

    for chunk_start in range(0, len(texts), _CHUNK):
        chunk = texts[chunk_start : chunk_start + _CHUNK]
        indices: list[int] = []
        counts: list[int] = []
        indptr: list[int] = [0]
        rows: list[int] = []
        lengths: list[int] = []
        for offset, text in enumerate(chunk):
            encoded = _encode(text)
            visits = visit_counts(nextmove, rowbase, output, encoded)
            if not visits:
                result[chunk_start + offset] = uniform
                continue
            rows.append(chunk_start + offset)
            lengths.append(len(encoded))
            indices.extend(visits.keys())
            counts.extend(visits.values())
            indptr.append(len(indices))
        if not rows:
            continue
        weights = np.log1p(np.asarray(counts, dtype=np.float32))
        if len(rows) < _SPARSE_FROM:
            # One or two texts (detect_language): building a sparse matrix costs
            # more than gathering their few hundred rows directly.
            scores = np.stack([weights[lo:hi] @ model.table[indices[lo:hi]] for lo, hi in pairwise(indptr)])
        else:
            features = csr_matrix(
                (weights, np.asarray(indices, dtype=np.int32), np.asarray(indptr, dtype=np.int32)),
                shape=(len(rows), n_features),
            )
            scores = np.asarray(features @ model.table, dtype=np.float32)
        scores += model.prior
        # py3langid's temperature: sqrt(bytes) keeps the softmax calibrated across lengths.
        scores /= np.sqrt(np.asarray(lengths, dtype=np.float32))[:, None]
        scores -= scores.max(axis=1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=1, keepdims=True)
        result[np.asarray(rows, dtype=np.intp)] = scores @ model.fold
    return result


# --- combining -----------------------------------------------------------------


def _parse_hint(hint: str | None) -> Language | None:
    """The hint as one of our four languages; None for no hint or a language we do not serve."""
    if hint is None:
        return None
    if not isinstance(hint, str):
        raise TypeError(f"language hint must be a string such as 'nl' or 'fr-BE' or None, not {type(hint)!r}")
    tag = hint.strip().lower().replace("_", "-")
    if not tag:
        return None
    primary = tag.split("-", 1)[0]
    if not (primary.isascii() and primary.isalpha() and 2 <= len(primary) <= 3):
        raise ValueError(
            f"language hint {hint!r} is not a language tag; pass 'nl', 'fr', 'en' or 'de' "
            "(a locale such as 'nl-BE' or 'fr_BE' also works), 'other', or None"
        )
    aliases = {
        "nld": "nl",
        "dut": "nl",
        "vls": "nl",
        "fra": "fr",
        "fre": "fr",
        "eng": "en",
        "deu": "de",
        "ger": "de",
    }
    primary = aliases.get(primary, primary)
    for language in _GROUPS[:_OTHER]:
        if primary == language.value:
            return language
    return None


def _softmax(logits: list[float]) -> list[float]:
    top = max(logits)
    exps = [math.exp(value - top) for value in logits]
    total = sum(exps)
    return [value / total for value in exps]


def _combine(
    prepared: _Prepared, probabilities: npt.NDArray[np.float32], hint: Language | None
) -> tuple[Language, float]:
    if prepared.letters == 0:
        return Language.OTHER, 0.0
    words = len(prepared.tokens)
    short = words < _SHORT_WORDS
    cues = _cue_evidence(prepared.tokens)
    cue_weight = _CUE_WEIGHT_SHORT if short else _CUE_WEIGHT_LONG
    other_prior = _OTHER_PRIOR_TINY if prepared.letters < _TINY_LETTERS else _OTHER_PRIOR

    # On one or two words the n-gram model is mostly noise: temper its log-odds
    # so a single known cue word can outvote it.
    trust = min(1.0, 0.25 + 0.1 * words)
    logits = [trust * math.log(float(probabilities[g]) + _FLOOR) + cue_weight * cues[g] for g in range(_OTHER)]
    logits.append(trust * math.log(float(probabilities[_OTHER]) * other_prior + _FLOOR) + cue_weight * cues[_OTHER])

    posterior = _softmax(logits)
    best = max(range(len(_GROUPS)), key=posterior.__getitem__)
    confidence = _confidence(posterior, best, cues, words)

    if hint is not None and best != _GROUPS.index(hint) and (words < 4 or confidence < _LOW_CONFIDENCE):
        logits[_GROUPS.index(hint)] += _HINT_BONUS
        posterior = _softmax(logits)
        best = max(range(len(_GROUPS)), key=posterior.__getitem__)
        confidence = _confidence(posterior, best, cues, words)
    return _GROUPS[best], confidence


def _confidence(posterior: list[float], best: int, cues: list[float], words: int) -> float:
    confidence = posterior[best]
    # One or two words are never strong evidence, whatever the softmax says.
    confidence *= min(1.0, 0.55 + 0.15 * words)
    # Cue words of a second language in the same comment: a mixed comment
    # (common in Brussels) keeps its dominant language but with less certainty.
    if best != _OTHER:
        runner_up = max(cues[g] for g in range(_OTHER) if g != best)
        if runner_up >= 1.5:
            confidence *= 1.0 - 0.8 * runner_up / (runner_up + max(cues[best], 1e-9))
    return max(0.0, min(1.0, confidence))


def detect_language(text: str, hint: str | None = None) -> tuple[Language, float]:
    """The language of one comment and a confidence in [0, 1].

    ``hint`` is the organisation's or platform's language ("nl", "fr-BE", ...);
    it decides short or uncertain cases. Text with no letters (emoji, numbers,
    a bare link) is ``(Language.OTHER, 0.0)``.
    """
    return detect_languages([text], [hint])[0]


def detect_languages(texts: Sequence[str], hints: Sequence[str | None] | None = None) -> list[tuple[Language, float]]:
    """`detect_language` over many texts at once; much faster per text than a loop."""
    if isinstance(texts, str):
        raise TypeError("detect_languages expects a sequence of texts; for one text call detect_language")
    if hints is not None and len(hints) != len(texts):
        raise ValueError(
            f"got {len(texts)} texts but {len(hints)} hints; pass one hint per text (None where unknown) or hints=None"
        )
    for position, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"text at position {position} is {type(text).__name__}, expected str")
    parsed_hints = [None] * len(texts) if hints is None else [_parse_hint(h) for h in hints]
    prepared = [_prepare(text) for text in texts]
    needs_model = [i for i, p in enumerate(prepared) if p.letters > 0]
    probabilities = np.zeros((len(texts), len(_GROUPS)), dtype=np.float32)
    if needs_model:
        probabilities[needs_model] = _group_probabilities([prepared[i].model_text for i in needs_model])
    return [_combine(item, probabilities[i], parsed_hints[i]) for i, item in enumerate(prepared)]


def closest_languages(texts: Sequence[str]) -> list[Language]:
    """The closest of nl, fr, en and de for each text, "other" left out: how to read a comment the detector
    could not place ("Womenare disgusting", "Ihate Muslims": words run together, misspelt or disguised words
    look like no language). A text with no letters gets English, the reading with the fewest words of its own."""
    prepared = [_prepare(text) for text in texts]
    needs_model = [i for i, p in enumerate(prepared) if p.letters > 0]
    probabilities = np.zeros((len(texts), len(_GROUPS)), dtype=np.float32)
    if needs_model:
        probabilities[needs_model] = _group_probabilities([prepared[i].model_text for i in needs_model])
    out: list[Language] = []
    for i, item in enumerate(prepared):
        if item.letters == 0:
            out.append(Language.EN)
            continue
        cues = _cue_evidence(item.tokens)
        weight = _CUE_WEIGHT_SHORT if len(item.tokens) < _SHORT_WORDS else _CUE_WEIGHT_LONG
        logits = [math.log(float(probabilities[i][g]) + _FLOOR) + weight * cues[g] for g in range(_OTHER)]
        # The words themselves vote first: in "Womenare disgusting" the n-grams lean Dutch, but "disgusting" is an
        # English word and no Dutch one; the n-grams break a tie.
        known = [sum(is_common_in(token, _GROUPS[g].value) for token in item.tokens) for g in range(_OTHER)]
        out.append(_GROUPS[max(range(_OTHER), key=lambda g: (known[g], logits[g]))])
    return out
