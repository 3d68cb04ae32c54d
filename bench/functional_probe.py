"""Our own functional probe of hate detection: templated comments per phenomenon, in en, nl and fr.

    python bench/functional_probe.py [--show FUNCTION]

Written by the project (not taken from any public test suite) to see, phenomenon by phenomenon, where
the engine tells hate from what only looks like it: negation, counter-speech, neutral and positive
mentions of groups, insults of people who are not a protected group. Two template sets: `tuning` was
used while refining the rules (so it flatters them); `check` was written afterwards: its first run gave
en 0.88, nl 0.79, fr 0.75, and the lexicon gaps it showed ("plaie", "too stupid to") were then filled,
so it flatters them too. New templates, written before looking at the engine's answers, are the honest
measure. Prints binary hate macro-F1 per language and set, and the accuracy per phenomenon. A report,
not a test.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from collections.abc import Iterator

from hierniet.domain import Comment, Label

GROUPS = {
    "en": ["Muslims", "Jews", "gay people", "trans people", "immigrants", "refugees", "black people", "women",
           "disabled people", "Moroccans"],
    "nl": ["moslims", "joden", "homo's", "transgenders", "migranten", "vluchtelingen", "zwarte mensen", "vrouwen",
           "gehandicapten", "Marokkanen"],
    "fr": ["les musulmans", "les juifs", "les homos", "les personnes trans", "les immigrés", "les réfugiés",
           "les personnes noires", "les femmes", "les personnes handicapées", "les Marocains"],
}  # fmt: skip

# (set, phenomenon, hate?, template); {g} is a group, {G} the same capitalised; no {g}: one comment.
TEMPLATES: dict[str, list[tuple[str, str, int, str]]] = {
    "en": [
        ("tuning", "dislike", 1, "I really can't stand {g}."),
        ("tuning", "dehumanising", 1, "{G} are nothing but vermin."),
        ("tuning", "threat", 1, "{G} should all be shot."),
        ("tuning", "exclusion", 1, "{G} should be kicked out of this country."),
        ("tuning", "negation", 0, "I don't hate {g} at all."),
        ("tuning", "counter_speech", 0, "Saying that {g} are vermin is disgusting and wrong."),
        ("tuning", "counter_speech", 0, "Stop spreading lies that {g} are criminals."),
        ("tuning", "neutral", 0, "The city will open a new centre for {g} next year."),
        ("check", "dehumanising", 1, "{G} are a plague on this country."),
        ("check", "dislike", 1, "I despise {g} with all my heart."),
        ("check", "inferiority", 1, "{G} are too stupid to vote."),
        ("check", "threat", 1, "We will hunt down every one of {g}."),
        ("check", "negation", 0, "{G} are not a plague, they are our neighbours."),
        ("check", "counter_speech", 0, "Calling {g} a plague is pure racism."),
        ("check", "neutral", 0, "Are there any events for {g} this weekend?"),
        ("check", "non_protected", 0, "Referees are a plague on football."),
        ("check", "non_protected", 0, "I despise Mondays with all my heart."),
    ],
    "nl": [
        ("tuning", "dislike", 1, "Ik kan {g} echt niet uitstaan."),
        ("tuning", "dehumanising", 1, "{G} zijn gewoon ongedierte."),
        ("tuning", "threat", 1, "Iemand moet {g} eens voorgoed opruimen."),
        ("tuning", "exclusion", 1, "{G} moeten het land uit gezet worden."),
        ("tuning", "negation", 0, "Ik heb helemaal niets tegen {g}."),
        ("tuning", "counter_speech", 0, "Zeggen dat {g} ongedierte zijn is walgelijk."),
        ("tuning", "counter_speech", 0, "Stop met die leugens dat {g} criminelen zijn."),
        ("tuning", "neutral", 0, "De stad opent volgend jaar een nieuw centrum voor {g}."),
        ("check", "dehumanising", 1, "{G} zijn een plaag voor dit land."),
        ("check", "dislike", 1, "Ik haat {g} met heel mijn hart."),
        ("check", "inferiority", 1, "{G} zijn te dom om te stemmen."),
        ("check", "threat", 1, "We gaan {g} een voor een opjagen."),
        ("check", "negation", 0, "{G} zijn geen plaag, het zijn onze buren."),
        ("check", "counter_speech", 0, "{G} een plaag noemen is puur racisme."),
        ("check", "neutral", 0, "Zijn er dit weekend activiteiten voor {g}?"),
        ("check", "non_protected", 0, "Scheidsrechters zijn een plaag voor het voetbal."),
        ("check", "non_protected", 0, "Ik haat maandagen met heel mijn hart."),
    ],
    "fr": [
        ("tuning", "dislike", 1, "Je ne supporte vraiment pas {g}."),
        ("tuning", "dehumanising", 1, "{G} ne sont que de la vermine."),
        ("tuning", "threat", 1, "Il faudrait tous les fusiller, {g}."),
        ("tuning", "exclusion", 1, "{G} doivent être expulsés du pays."),
        ("tuning", "negation", 0, "Je n'ai absolument rien contre {g}."),
        ("tuning", "counter_speech", 0, "Dire que {g} sont de la vermine, c'est dégueulasse."),
        ("tuning", "counter_speech", 0, "Arrêtez de dire que {g} sont des criminels, c'est faux."),
        ("tuning", "neutral", 0, "La commune ouvrira un nouveau centre pour {g} l'an prochain."),
        ("check", "dehumanising", 1, "{G} sont une plaie pour ce pays."),
        ("check", "dislike", 1, "Je hais {g} de tout mon cœur."),
        ("check", "inferiority", 1, "{G} sont trop bêtes pour voter."),
        ("check", "threat", 1, "On va traquer {g} un par un."),
        ("check", "negation", 0, "{G} ne sont pas une plaie, ce sont nos voisins."),
        ("check", "counter_speech", 0, "Traiter {g} de plaie, c'est du racisme pur."),
        ("check", "neutral", 0, "Y a-t-il des activités pour {g} ce week-end ?"),
        ("check", "non_protected", 0, "Les arbitres sont une plaie pour le foot."),
        ("check", "non_protected", 0, "Je hais les lundis de tout mon cœur."),
    ],
}


def cases() -> Iterator[tuple[str, str, str, int, str]]:
    """(language, set, phenomenon, hate?, text) for every template and group."""
    for language, templates in TEMPLATES.items():
        for which, phenomenon, hate, template in templates:
            groups = GROUPS[language] if "{g}" in template.lower() else [""]
            for group in groups:
                text = template.replace("{g}", group).replace("{G}", group[:1].upper() + group[1:])
                yield language, which, phenomenon, hate, text


def macro_f1(gold: list[int], pred: list[int]) -> float:
    scores = []
    for cls in (0, 1):
        tp = sum(g == cls and p == cls for g, p in zip(gold, pred, strict=True))
        fp = sum(g != cls and p == cls for g, p in zip(gold, pred, strict=True))
        fn = sum(g == cls and p != cls for g, p in zip(gold, pred, strict=True))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--show", help="print the misses of one phenomenon")
    args = parser.parse_args()
    from hierniet.triage.pipeline import load_triage

    triage = load_triage()
    rows = list(cases())
    verdicts = triage.classify([Comment(id=str(i), text=row[4]) for i, row in enumerate(rows)])
    predicted = [int(Label.HATE in v.labels) for v in verdicts]
    by_set: dict[tuple[str, str], tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    by_phenomenon: dict[tuple[str, str], list[int]] = defaultdict(list)
    for (language, which, phenomenon, hate, text), pred in zip(rows, predicted, strict=True):
        by_set[language, which][0].append(hate)
        by_set[language, which][1].append(pred)
        by_phenomenon[language, phenomenon].append(int(hate == pred))
        if args.show == phenomenon and hate != pred:
            print(f"miss [{language}] {text}")
    summary = []
    for language in TEMPLATES:
        cells = [f"{name} {sum(v)}/{len(v)}" for (lang, name), v in by_phenomenon.items() if lang == language]
        print(f"{language}: " + ", ".join(cells))
        for which in ("tuning", "check"):
            gold, pred = by_set[language, which]
            summary.append(f"{language} {which} {macro_f1(gold, pred):.3f}")
    print("SUMMARY functional probe (binary hate macro-F1): " + " | ".join(summary))


if __name__ == "__main__":
    main()
