"""The registry: every rule named, with its label, stage, a line of doc and examples that prove it, and
the functions that run them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from hierniet.domain import Label, PIIMatch
from hierniet.triage.matcher import Hit
from hierniet.triage.normalize import NormalizedText
from hierniet.triage.patterns import PatternHit
from hierniet.triage.rules.care import doxxing_rules, innuendo, self_harm_rules, sexual_rules, spam_rules
from hierniet.triage.rules.coded import coded_hate, control_conspiracy
from hierniet.triage.rules.context import Context, RuleResult, build_context
from hierniet.triage.rules.criticism import (
    complaint_shapes,
    concession,
    criticism_rules,
    disagreement,
    info_question,
    praise_only,
    service_judged,
)
from hierniet.triage.rules.hate import (
    ape_emoji,
    counter_context,
    exclusion_rules,
    group_mention,
    group_rules,
    negated_permission,
    refers_back,
    slur_rules,
)
from hierniet.triage.rules.implicit import implicit_derogation
from hierniet.triage.rules.insult import insult_rules, staff_insulted, staff_named
from hierniet.triage.rules.pattern_rules import pattern_rules
from hierniet.triage.rules.questions import asks
from hierniet.triage.rules.stereotype import crime_stereotype
from hierniet.triage.rules.threat import benign_act, group_cleansed, idiom, kind_wish, threat_rules, violence_intended

SUPPRESSING_FLAGS = frozenset(
    {
        "negation",
        "counter_speech",
        "reported",
        "reclaimed",
        "own_data",
        "praise",
        "benign_act",
        "info_question",
        "idiom",
    }
)


class Stage(StrEnum):
    UNIT = "unit"  # read on one clause: negation and counter-speech stay in it
    COMMENT = "comment"  # read on the whole comment: personal data, adverts


@dataclass(frozen=True, slots=True)
class Rule:
    """A named rule of the registry: what it raises, where it reads, and examples that prove it.

    `positive` examples must make it fire (raise `label` to 0.5 or more); `negative` ones must not.
    tests/triage/test_rule_registry.py runs every rule's examples.
    """

    id: str
    label: Label
    stage: Stage
    doc: str
    run: Callable[[Context, RuleResult], None]
    positive: tuple[tuple[str, str], ...] = ()
    negative: tuple[tuple[str, str], ...] = ()


RULES: tuple[Rule, ...] = (
    Rule(
        "context.counter_speech",
        Label.HATE,
        Stage.UNIT,
        "A clause that condemns, quotes or reports hate damps the model's hate and insult for that clause only.",
        counter_context,
        negative=(("en", "Saying that Muslims are vermin is disgusting."),),
    ),
    Rule(
        "hate.slur",
        Label.HATE,
        Stage.UNIT,
        "A slur for a protected group, used (not quoted, reported, negated or reclaimed).",
        slur_rules,
        positive=(("nl", "Vuile makakken allemaal."), ("fr", "Sale bougnoule."), ("en", "Go away, you f4ggot.")),
        negative=(("en", "Calling someone a faggot is hateful."), ("fr", "On est pédés et fiers.")),
    ),
    Rule(
        "hate.group_predicate",
        Label.HATE,
        Stage.UNIT,
        "A protected group named next to a hostile, dehumanising, insulting or violent word in the same clause.",
        group_rules,
        positive=(("nl", "Moslims zijn ratten."), ("fr", "Les musulmans sont des rats."), ("en", "I hate Muslims.")),
        negative=(("nl", "Moslims zijn geen ratten."), ("en", "I don't hate Muslims."), ("en", "Referees are rats.")),
    ),
    Rule(
        "hate.refers_back",
        Label.HATE,
        Stage.UNIT,
        "Dehumanising or hostile words in a clause that refers back to a protected group named before.",
        refers_back,
        positive=(
            ("en", "I met some Muslims at the market. They are vermin."),
            ("nl", "Ik zag moslims. Ze zijn ratten."),
        ),
        negative=(("en", "I met some Muslims at the market. They are not vermin."),),
    ),
    Rule(
        "hate.coded",
        Label.HATE,
        Stage.UNIT,
        "A word that names its target itself (the replacement conspiracy, remigration, Eurabia): hate alone.",
        coded_hate,
        positive=(
            ("nl", "Schepen voor diversiteit? Ge bedoelt schepen voor de omvolking."),
            ("fr", "Le grand remplacement est en marche dans nos quartiers."),
        ),
        negative=(
            ("nl", "De omvolkingstheorie is racistische onzin."),
            ("en", "They keep spreading that 'great replacement' nonsense, it is a racist lie."),
        ),
    ),
    Rule(
        "hate.control_conspiracy",
        Label.HATE,
        Stage.UNIT,
        "Jews or their codes said to control the media, the banks or the world: the antisemitic conspiracy.",
        control_conspiracy,
        positive=(
            ("fr", "Ce sont les sionistes qui contrôlent les médias, tout le monde le sait."),
            ("en", "The globalists own the banks and the press."),
        ),
        negative=(
            ("en", "Saying that Jews control the media is an antisemitic lie."),
            ("nl", "De banken controleren de media niet, dat is onzin."),
        ),
    ),
    Rule(
        "hate.crime_stereotype",
        Label.HATE,
        Stage.UNIT,
        "A protected group as a whole said to steal, deal, defraud or assault: a criminal stereotype.",
        crime_stereotype,
        positive=(
            ("nl", "Brochure voor Roma? Die stelen alleen koperdraad."),
            ("fr", "Les migrants volent et dealent dans nos rues."),
            ("en", "Immigrants just live off our taxes."),
        ),
        negative=(
            ("nl", "Niet alle Roma stelen, dat is een vooroordeel."),
            ("nl", "Mijn Roemeense buurman heeft gisteren mijn fiets gestolen."),
            ("en", "Thieves steal bikes from refugees at the station."),
        ),
    ),
    Rule(
        "hate.ape_trope",
        Label.HATE,
        Stage.UNIT,
        "The ape emoji used for a person, or with a banana: the racist trope, with or without a group named.",
        ape_emoji,
        positive=(("nl", "Alweer een 🐒 in de ploeg."), ("fr", "Il retourne à son arbre 🐒🍌")),
        negative=(
            ("nl", "Vandaag naar de zoo geweest 🐒🦁"),
            ("nl", "Mijn dochter is een echte 🐒, ze klimt overal op!"),
        ),
    ),
    Rule(
        "hate.exclusion_by_origin",
        Label.HATE,
        Stage.UNIT,
        "A call to go back to one's country: exclusion because of origin.",
        exclusion_rules,
        positive=(("nl", "Ga terug naar je eigen land."), ("fr", "Retourne dans ton pays.")),
        negative=(("nl", "Ik ga volgende week terug naar mijn land op vakantie."),),
    ),
    Rule(
        "hate.negated_permission",
        Label.HATE,
        Stage.UNIT,
        "Exclusion said through a negated permission (no X should be allowed to live here) when a group is named.",
        negated_permission,
        positive=(("en", "No Muslims should be allowed to live here."), ("nl", "Geen enkele moslim mag hier wonen.")),
        negative=(("en", "No dogs should be allowed to live here."),),
    ),
    Rule(
        "hate.implicit_derogation",
        Label.HATE,
        Stage.UNIT,
        "A named group called untrustworthy, refused a job, a home or a marriage, or confined to the kitchen.",
        implicit_derogation,
        positive=(
            ("nl", "Moslims kun je gewoon niet vertrouwen."),
            ("fr", "Je n'embaucherais jamais un Noir dans mon entreprise."),
            ("en", "Women belong in the kitchen, not in parliament."),
            ("de", "Muslimen kann man einfach nicht vertrauen."),
        ),
        negative=(
            ("en", "You just can't trust the weather forecast in Belgium."),
            ("nl", "Ik zou nooit een andere kapper kiezen, de mijne is top."),
            ("en", "Women should stay at home when they are ill, says the doctor."),
            ("nl", "Het is onzin dat je moslims niet kan vertrouwen."),
        ),
    ),
    Rule(
        "insult.name_calling",
        Label.INSULT,
        Stage.UNIT,
        "Abusive name-calling aimed at someone (second person, a bare vocative, a collective noun).",
        insult_rules,
        positive=(("nl", "Jij bent echt een vuile klootzak."), ("fr", "T'es qu'un connard."), ("en", "You idiot.")),
        negative=(("nl", "Ik ben zo'n idioot, ik vergat mijn abonnement."), ("en", "He called me an idiot.")),
    ),
    Rule(
        "criticism.staff_insulted",
        Label.CRITICISM,
        Stage.UNIT,
        "An insult aimed at the organisation's staff (a driver, the desk, customer service) is a complaint too.",
        staff_insulted,
        positive=(
            ("nl", "Die van jullie klantendienst is de domste koe die ik ooit aan de lijn had."),
            ("en", "The driver on the 71 this morning was a rude prick."),
        ),
        negative=(("nl", "Jij bent echt een vuile klootzak."), ("en", "The driver was late again.")),
    ),
    Rule(
        "threat.words",
        Label.THREAT,
        Stage.UNIT,
        "Words of violence or harm, aimed at someone or a group, not negated, quoted or reported.",
        threat_rules,
        positive=(("nl", "Ik maak je kapot."), ("fr", "Je vais te tuer."), ("en", "I will kill you.")),
        negative=(("en", "He said he would kill me, I reported it to the police."),),
    ),
    Rule(
        "threat.violence_intended",
        Label.THREAT,
        Stage.UNIT,
        "Violence or arson aimed at a person, a group or a place and said as an intent, conditional or collective.",
        violence_intended,
        positive=(
            ("nl", "Als die controleur me nog eens beboet, sla ik hem op zijn muil."),
            ("fr", "Je vais brûler ce centre pour réfugiés ce week-end."),
            ("de", "Wenn der Schaffner das nochmal macht, werde ich ihn verprügeln."),
            ("en", "If he shows up tomorrow I'm going to punch him."),
        ),
        negative=(
            ("nl", "De chauffeur werd gisteren in elkaar geslagen, schandalig."),
            ("fr", "Je ne vais jamais le frapper, je ne suis pas violent."),
            ("en", "We will kill it at the concert tomorrow."),
        ),
    ),
    Rule(
        "threat.group_cleansed",
        Label.THREAT,
        Stage.UNIT,
        "A group of people cleaned, cleared or got rid of, said as the speaker's intent: expulsion or violence.",
        group_cleansed,
        positive=(
            ("nl", "Als de politie niks doet, dan ruimen wij die Roma zelf wel op."),
            ("fr", "On va nettoyer le quartier de ces migrants, vous allez voir."),
            ("de", "Wenn der Staat nichts tut, räumen wir die Ausländer selbst aus dem Viertel."),
            ("en", "We will clean out the immigrants from this town ourselves."),
        ),
        negative=(
            ("nl", "Zaterdag gaan we samen met de vluchtelingen het park opruimen."),
            ("fr", "Les migrants du centre vont nettoyer la plage demain, bravo."),
            ("en", "We will clean the beach tomorrow, who's in?"),
        ),
    ),
    Rule(
        "context.benign_act",
        Label.THREAT,
        Stage.UNIT,
        "A friendly act (welcoming, celebrating, an open day) and no word of violence or contempt: a plan.",
        benign_act,
        negative=(
            ("fr", "On va aller danser avec nos amis gays samedi soir, qui vient ?"),
            ("en", "We will celebrate Eid with our Muslim neighbours on Sunday."),
        ),
    ),
    Rule(
        "sexual.words",
        Label.SEXUAL,
        Stage.UNIT,
        "Sexual terms and remarks, or sexual emoji aimed at someone.",
        sexual_rules,
        positive=(("nl", "Wat een geile tieten heb jij."), ("en", "Send nudes babe.")),
        negative=(("nl", "De tram was weer te laat vanmorgen."),),
    ),
    Rule(
        "self_harm.distress",
        Label.SELF_HARM,
        Stage.UNIT,
        "The commenter signals suicidal thoughts or self-harm (aimed at someone else, it is a threat).",
        self_harm_rules,
        positive=(("nl", "Ik wil niet meer leven."), ("en", "I want to kill myself.")),
        negative=(("en", "Go kill yourself."),),
    ),
    Rule(
        "pattern",
        Label.THREAT,
        Stage.UNIT,
        "Named patterns (doxxing calls, accusations, baiting, veiled threats); each fires as pattern.<name>.",
        pattern_rules,
    ),
    Rule(
        "criticism.swearing",
        Label.CRITICISM,
        Stage.UNIT,
        "Swearing about a service is a complaint, not abuse; swearing with praise is enthusiasm.",
        criticism_rules,
        positive=(("nl", "Kutservice van de trein weer."),),
        negative=(("en", "I fucking love this city."),),
    ),
    Rule(
        "criticism.service_judged",
        Label.CRITICISM,
        Stage.UNIT,
        "The service or its staff and a bad judgement (chaos, honte, disgrace) in one clause: a complaint.",
        service_judged,
        positive=(
            ("nl", "Amai, wat een chaos weer bij De Lijn vandaag."),
            ("fr", "Trois heures d'attente au guichet, c'est une honte."),
            ("en", "The new timetable is a disaster for anyone who works nights."),
        ),
        negative=(
            ("nl", "De Lijn rijdt vanaf morgen weer normaal."),
            ("en", "The bus was not a disaster at all today."),
        ),
    ),
    Rule(
        "criticism.disagreement",
        Label.CRITICISM,
        Stage.UNIT,
        "Saying one disagrees with a decision or a choice is a complaint the charter answers.",
        disagreement,
        positive=(
            ("nl", "Ik ben het hier totaal niet mee eens, dit plan is een vergissing."),
            ("fr", "Je ne suis pas d'accord avec votre décision."),
            ("en", "Honestly I think this is the wrong choice for the neighbourhood."),
        ),
        negative=(
            ("en", "I disagree with the haters here, this is a brilliant project!"),
            ("en", "Never a bad idea to ask the neighbours first."),
            ("nl", "Ik ben het helemaal eens met deze beslissing."),
        ),
    ),
    Rule(
        "criticism.complaint_shape",
        Label.CRITICISM,
        Stage.COMMENT,
        "A disruption once more, a time spent waiting, an insisting question or asking who pays: a complaint.",
        complaint_shapes,
        positive=(
            ("nl", "Alweer een staking, ik kom weer te laat op mijn werk."),
            ("fr", "J'ai attendu 40 minutes sous la pluie, aucun bus."),
            ("en", "Why is the lift at the station always broken?"),
            ("nl", "Wie gaat dat betalen? Wij, zoals altijd."),
        ),
        negative=(
            ("en", "We waited two hours but the concert was absolutely worth it!"),
            ("nl", "Wanneer opent het zwembad terug?"),
            ("fr", "Encore merci pour l'accueil chaleureux!"),
        ),
    ),
    Rule(
        "criticism.concession",
        Label.CRITICISM,
        Stage.COMMENT,
        "Praise or support granted, then a 'but' that denies, demands or asks: a complaint, politely put.",
        concession,
        positive=(
            ("fr", "Bravo pour le tram, mais les quais ne sont toujours pas accessibles."),
            ("nl", "Ik steun de chauffeurs, maar jullie moeten ons vroeger verwittigen."),
        ),
        negative=(
            ("en", "Great concert, but the rain could not stop us dancing, we loved it!"),
            ("nl", "Bravo aan alle vrijwilligers, en tot volgend jaar!"),
        ),
    ),
    Rule(
        "context.info_question",
        Label.CRITICISM,
        Stage.COMMENT,
        "A comment that only asks for information (how, when, where) is no complaint: the model is damped.",
        info_question,
        negative=(
            ("fr", "Quand est-ce que le marché de Noël commence ?"),
            ("nl", "Hoe kan ik mijn abonnement koppelen?"),
        ),
    ),
    Rule(
        "context.idiom",
        Label.THREAT,
        Stage.COMMENT,
        "Violence or death words in a figure of speech (kill time, tuer le temps): the model's threat is damped.",
        idiom,
        negative=(
            ("en", "I'm going to kill it at the exam tomorrow."),
            ("fr", "Je vais tuer le temps en lisant un livre."),
        ),
    ),
    Rule(
        "context.kind_wish",
        Label.THREAT,
        Stage.COMMENT,
        "A wish of good things (a nice day, get well soon) with no threat word anywhere: the model's threat is damped.",
        kind_wish,
        negative=(("nl", "Ik hoop dat je een fijne dag hebt."), ("en", "I hope you have a great day, get well soon!")),
    ),
    Rule(
        "context.praise_only",
        Label.CRITICISM,
        Stage.COMMENT,
        "Praise with no complaint cue, negation or question anywhere is no complaint: the model is damped.",
        praise_only,
        negative=(("en", "We waited two hours but the concert was absolutely worth it!"),),
    ),
    Rule(
        "context.staff_named",
        Label.CRITICISM,
        Stage.COMMENT,
        "The staff or the service named, no commenter addressed: an insult in the comment is a complaint too.",
        staff_named,
        negative=(("nl", "@jan_v die chauffeur was echt vriendelijk."),),
    ),
    Rule(
        "context.asks",
        Label.OK,
        Stage.COMMENT,
        "A comment that asks a question (not of a person it mentions) needs an answer: the verdict says so.",
        asks,
        negative=(("nl", "@jan_v ge hoort uzelf toch bezig?"), ("fr", "Bodycams ? Enfin une bonne idée.")),
    ),
    Rule(
        "context.group_mention",
        Label.HATE,
        Stage.UNIT,
        "A group named in a clause that negates, condemns or praises: the model's hate is damped there.",
        group_mention,
        negative=(("nl", "Ik heb niets tegen moslims."),),
    ),
    Rule(
        "spam.cues",
        Label.SPAM,
        Stage.COMMENT,
        "Advertising and scam cues, links and contact details together.",
        spam_rules,
        positive=(("en", "Free iPhone giveaway! Click the link in my bio: https://win.example"),),
        negative=(("en", "Where can I buy a ticket?"),),
    ),
    Rule(
        "sexual.innuendo",
        Label.SEXUAL,
        Stage.COMMENT,
        "A leer emoji beside a word about someone's body, clothes or the night: a sexual remark.",
        innuendo,
        positive=(
            ("nl", "Die buschauffeuse in dat strak uniform 🤤 mag mij altijd komen halen."),
            ("fr", "La nouvelle prof de gym, surtout son petit cul 😏"),
        ),
        negative=(
            ("nl", "Mijn dochter draagt graag een rokje naar school 😊"),
            ("en", "Such a hot day at the festival 🥵 bring water!"),
        ),
    ),
    Rule(
        "doxxing.personal_data",
        Label.DOXXING,
        Stage.COMMENT,
        "Someone's personal data (phone, address, national number, IBAN, e-mail, plate), unless the commenter's own.",
        doxxing_rules,
        positive=(("nl", "Zijn nummer is 0472 12 34 56, bel hem maar allemaal."),),
        negative=(("nl", "Bel mij gerust op mijn nummer 0472 12 34 56."),),
    ),
)


def run_rules(ctx: Context, stage: Stage, result: RuleResult | None = None) -> RuleResult:
    """Run the registry's rules of one stage on a context, recording which fired and which held back."""
    result = result or RuleResult()
    for rule in RULES:
        if rule.stage != stage:
            continue
        result.current = rule.id
        before = set(result.flags)
        rule.run(ctx, result)
        for flag in sorted((result.flags - before) & SUPPRESSING_FLAGS):
            mark = f"{rule.id}/{flag}"
            if mark not in result.suppressed:
                result.suppressed.append(mark)
    result.current = ""
    return result


def apply_rules(
    nt: NormalizedText,
    language: str,
    hits: Iterable[Hit],
    patterns: Sequence[PatternHit],
    pii: Sequence[PIIMatch],
) -> RuleResult:
    """Every rule, both stages, on one text read as a single unit (what the pipeline does per clause)."""
    ctx = build_context(nt, language, list(hits), patterns, pii)
    result = run_rules(ctx, Stage.UNIT)
    return run_rules(ctx, Stage.COMMENT, result)
