"""Implicit derogation: a protected group called untrustworthy, refused a job, a home or a marriage, or sent
back to the kitchen, with no hostile word for the lexicons to find.

Each shape is a phrase (in `_SHAPES`, folded like the text) that only becomes hate with a group named, not for
particular people ("mijn Turkse buurman"), in the same sentence: "you can't trust the weather forecast" and
"ik zou nooit een andere kapper kiezen" stay harmless. Counter-speech in the clause ("het is onzin dat je
moslims niet kan vertrouwen") holds them back like every hate rule."""

from __future__ import annotations

import re

from hierniet.domain import Label
from hierniet.triage.lexicons import LexCategory
from hierniet.triage.normalize import fold_aligned, fold_pattern
from hierniet.triage.rules.common import group_in_span, hate_against, pattern_evidence
from hierniet.triage.rules.context import Context, RuleResult, phrase_starts, vocab

# A condition after the phrase makes it advice, not a role: "women should stay at home when they are ill".
_NO_CONDITION = r"(?![^.!?]{0,25}\b(als|wanneer|indien|quand|si|lorsque|when|if|wenn|falls)\b)"

_SHAPES: tuple[tuple[str, str, re.Pattern[str]], ...] = tuple(
    (code, why, re.compile(fold_pattern(rx), re.IGNORECASE))
    for code, why, rx in (
        (
            "triage.group_distrusted",
            "the group is called untrustworthy",
            r"\b(kun|kan|kunt|mag) (je|ge|men|u|ik|we) (\w+ ){0,3}(niet|nooit|geen \w+) (\w+ ){0,1}vertrouwen\b"
            r"|\b(zijn|is) (\w+ ){0,2}(niet|nooit) (te vertrouwen|betrouwbaar)\b|\bvertrouw (nooit|geen enkele?)\b"
            r"|\bne (\w+ ){0,1}(peut|peux|peuvent) (pas|jamais) (\w+ ){0,2}faire confiance\b"
            r"|\b(peut|peux) (pas|jamais) (\w+ ){0,2}faire confiance\b"
            r"|\b(sont|est) (\w+ ){0,1}(pas|jamais) (\w+ )?(fiables?|dignes? de confiance)\b"
            r"|\bne (vous )?fiez jamais\b|\bjamais confiance (a|aux|en)\b"
            r"|\b(can'?t|cannot|can not|never|don'?t) (ever |really |just )?trust\b"
            r"|\b(can'?t|cannot|can never|should never|must never) be trusted\b"
            r"|\b(are|is) (not|never) (to be )?trust(worthy|ed)\b"
            r"|\bkann man (\w+ ){0,2}(nicht|nie|niemals) (\w+ ){0,2}(vertrauen|trauen)\b"
            r"|\b(sind|ist) (\w+ ){0,2}(nicht|nie) (\w+ )?vertrauenswurdig\b|\btrau (nie|niemals|keinem|keiner)\b",
        ),
        (
            "triage.group_refused",
            "a member of the group would be refused a job, a home or a marriage",
            r"\b(ik|wij|we|k) (zou|zouden|ga|gaan|zal|zullen|wil|willen) (\w+ ){0,1}(nooit|geen)\b (\w+ ){0,4}"
            r"(aannemen|in dienst nemen|aanwerven|verhuren|laten huren|trouwen|daten|binnenlaten|tewerkstellen)\b"
            r"|\b(je|j|on|nous)\s*(ne |n')?(embaucherai[st]?|embaucherions|louerai[st]?|epouserai[st]?|engagerai[st]?"
            r"|accepterai[st]?|sortirai[st]?) (jamais|pas)\b"
            r"|\b(i|we)\s*(would|will|'d|'ll)? ?(never|not|n'?t) (ever )?(hire|employ|rent to|rent my \w+ to|date|marry"
            r"|let \w+ in|serve)\b"
            r"|\b(ich|wir) (wurde|wurden|werde|werden) (\w+ ){0,3}(nie|niemals|keinen|keine|nicht) (\w+ ){0,3}"
            r"(einstellen|anstellen|vermieten|heiraten|daten|reinlassen|bedienen)\b"
            r"|\b(liever dood dan|plutot mourir que|plutot crever que|i'?d rather die than|rather be dead than"
            r"|lieber tot als)\b"
            # "Mijn dochter trouwt niet met een zwarte, over mijn lijk", "A gay teacher? Over my dead body."
            r"|\b(over mijn lijk|sur mon cadavre|over my dead body|nur uber meine leiche)\b",
        ),
        (
            "triage.group_incompatible",
            "the group is said to be incompatible with democracy, the law or the country",
            r"\b(en|et|and|und) (de |la |le |l'|the |die )?(democratie|rechtsstaat|onze waarden|onze cultuur|vrijheid"
            r"|laicite|republique|nos valeurs|notre culture|democracy|our values|our culture|western values"
            r"|demokratie|unsere werte|unsere kultur)\b[^.!?]{0,25}"
            r"\b(gaat|gaan) (\w+ ){0,2}niet samen|\b(is|sont|c'?est|are|is) (\w+ ){0,2}(onverenigbaar|incompatibles?"
            r"|incompatible)\b|\b(passt|passen) (\w+ ){0,2}nicht zusammen|\bunvereinbar\b",
        ),
        (
            "triage.group_questioned",
            "a question doubts the group's mind or its right to live, vote, marry or raise children like others",
            # Only as a question that presupposes the doubt: "Zijn vrouwen wel slim genoeg om te stemmen?", "Why do
            # we even let gay people adopt?". "Waarom mogen moslims hier bidden?" asks and stays harmless.
            r"\b(slim|verstandig|intelligent|capabel|bekwaam|smart|clever|capable|klug|fahig|intelligente?s?"
            r"|capables?) (genoeg|enough|genug)\b[^.!?]*\?"
            r"|\bassez (intelligente?s?|capables?|malins?) pour\b[^.!?]*\?"
            r"|\b(waarom|why|pourquoi|warum) (\w+ ){0,3}(laten we|laat men|let|laisse[- ]t[- ]on|on laisse|lassen wir"
            r"|lasst man) (\w+ ){0,1}(eigenlijk|nog|ooit|even|still|ever|encore|toujours|uberhaupt|noch)\b[^.!?]*\?"
            r"|\b(waarom|why|pourquoi|warum) (laten we|do we|does anyone|on laisse|lassen wir) (\w+ ){0,1}"
            r"(eigenlijk|nog|even|still|encore|toujours|uberhaupt|noch) (\w+ ){0,1}"
            r"(let|laten|laisse|lassen)?\b[^.!?]*\?",
        ),
        (
            "triage.group_unfit",
            "the group is called too emotional, weak or stupid to do something",
            # Only words that judge a capacity: "te kwetsbaar om alleen te wonen" cares, it does not demean.
            r"\b(te|veel te|zo) (emotioneel|emotionele|hysterisch|hysterische|dom|domme|zwak|zwakke|lui|luie|primitief"
            r"|primitieve|achterlijk|achterlijke|onnozel|onnozele) (om|voor)\b"
            r"|\btrop (emoti(f|fs|ve|ves)|hysteriques?|betes?|faibles|paresseu(x|ses?)|primitif?s?|primitives?"
            r"|cons?|connes?)"
            r" pour\b"
            r"|\btoo (emotional|hysterical|stupid|dumb|weak|lazy|primitive|irrational) to\b"
            r"|\bzu (emotional|hysterisch|dumm|schwach|faul|primitiv),? um\b",
        ),
        (
            "triage.group_banned",
            "the group is not allowed in",
            r"\bno (\w+ ){0,1}\w+ (allowed|welcome|served)\b"
            r"|\bgeen (\w+ ){0,1}\w+ (toegelaten|binnen|gewenst)\b"
            r"|\b(interdit|interdite|interdits) aux\b|\bpas de (\w+ ){0,1}\w+ (chez moi|dans mon|dans ma|ici)\b"
            r"|\b(kein|keine|keinen) (\w+ ){0,1}\w+ (erlaubt|erwunscht|zugelassen)\b|\bfur (\w+ ){0,1}\w+ verboten\b",
        ),
        (
            "triage.group_known",
            'the group is said to be known for what it is ("we know how they are")',
            r"\b(we|wij|je|ge|iedereen) (weten|weet) (toch |wel |al |allemaal )*hoe (die|ze|zij)\b[^.!?]{0,20}"
            r"\b(zijn|zijn ze)\b"
            r"|\bon (sait|connait) (bien |tous |tres bien )*comment (ils|elles|ces \w+) sont\b"
            r"|\bwe (all )?know (how|what) (they|those \w+|these \w+) are( like)?\b"
            r"|\bman wei(ss|ß) (ja |doch |schon )*wie (die|sie) sind\b",
        ),
        (
            "triage.group_confined",
            "the group is sent back to the kitchen",
            r"\b(horen|hoort|moeten|moet|blijven|blijf)\b (\w+ ){0,3}(in de keuken|achter het aanrecht"
            r"|achter de kookpot|aan de haard)\b"
            + _NO_CONDITION
            + r"|\b(devraient|doivent|devrait|doit|faut qu'?elles?) (\w+ ){0,2}(rester|retourner|rentrer) (\w+ ){0,1}"
            r"(a la maison|au foyer|a la cuisine|aux fourneaux|derriere les fourneaux)\b"
            + _NO_CONDITION
            + r"|\bleur place est (a la cuisine|a la maison|au foyer|aux fourneaux|derriere les fourneaux)\b"
            r"|\b(should|must|need to|ought to) (\w+ ){0,1}(stay|be kept|go back|get back) (\w+ ){0,1}"
            r"(at home|in the kitchen|to the kitchen)\b"
            + _NO_CONDITION
            + r"|\b(belong|belongs) in the kitchen\b|\bplace is in the kitchen\b|\bbarefoot and pregnant\b"
            r"|\b(gehoren|gehort|sollten|sollen|mussen) (\w+ ){0,2}(in die kuche|an den herd|hinter den herd)\b",
        ),
        (
            "triage.group_only_good",
            "the group is said to be good for one thing only",
            r"\b(are|is) (only|just) good (at|for)\b|\bgood for nothing but\b"
            r"|\b(zijn|is) (alleen|enkel|maar|slechts) goed (in|voor|om)\b"
            r"|\bne (sont|est) (bons?|bonnes?) qu'?(a|en|pour)\b"
            r"|\b(sont|est) (juste|seulement) (bons?|bonnes?) (a|en|pour)\b"
            r"|\b(sind|ist) nur gut (in|fur|zum|zur)\b",
        ),
        (
            "triage.group_unwanted",
            "the world or the country is said to be better off without the group",
            r"\b(beter|beter af|beter of|veiliger|mooier|schoner) (\w+ ){0,2}(zonder|zonder al die|zonder die)\b"
            r"|\b(meilleure?s?|mieux|plus sure?|plus propre|plus belle?) (\w+ ){0,2}sans\b"
            r"|\b(better|better off|safer|cleaner|nicer) (\w+ ){0,2}without\b"
            r"|\b(besser|sicherer|schoner) (\w+ ){0,2}ohne\b",
        ),
    )
)


def implicit_derogation(ctx: Context, result: RuleResult) -> None:
    """A group called untrustworthy ("moslims kun je niet vertrouwen"), refused a job, a home or a marriage
    ("je n'embaucherais jamais un Noir", "liever dood dan met een Turk trouwen") or confined to the kitchen
    ("vrouwen horen achter het aanrecht"): hate with no hostile word. The "rather die than" of a refusal is
    a figure of speech, not a threat: the model's threat is damped there."""
    if ctx.counter or not ctx.hits(LexCategory.IDENTITY):
        return
    folded = fold_aligned(ctx.nt.original)
    for code, why, rx in _SHAPES:
        for match in rx.finditer(folded):
            ident = group_in_span(ctx, match.start(), match.end(), lambda _i: True)
            if ident is None:
                continue
            said = ctx.nt.original[match.start() : match.end()]
            hate_against(ctx, result, ident, 0.8, 2, code, (f"'{said}': ", f" ({why})"), said)
            result.evidence.append(pattern_evidence(ctx, match.start(), match.end(), Label.HATE, why))
            if not phrase_starts(vocab().violence, ctx.norms):
                # "Liever dood dan ...", "women should stay at home": a refusal or a role, not a threat.
                result.damp_model(Label.THREAT, 0.4)
            return
