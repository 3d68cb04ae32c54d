"""Violence said as an intent, toward anyone: conditional, collective and third-person threats, and arson.

Sentences written for this test (not taken from the development set or the frozen split)."""

from __future__ import annotations

import pytest

from hierniet.domain import Label
from hierniet.triage.pipeline import Triage
from triage_helpers import classify_one


@pytest.mark.parametrize(
    "text",
    [
        "Als die buschauffeur morgen weer doorrijdt, sla ik hem op zijn smoel.",
        "Zaterdag gaan we die scheidsrechter eens goed in elkaar kloppen.",
        "Si la contrôleuse me rembourse pas, demain elle va se prendre ma main dans la figure.",
        "Wenn der Hausmeister das noch einmal macht, werde ich ihn verprügeln.",
        "If that bouncer touches my brother again I'm going to punch him.",
        "Ik steek dat stadhuis in brand als ze de sporthal sluiten.",
    ],
)
def test_violence_said_as_an_intent_is_a_threat(triage: Triage, text: str) -> None:
    verdict = classify_one(triage, text)
    assert Label.THREAT in verdict.labels, (verdict.labels, verdict.reasons)


def test_violence_toward_a_protected_group_is_hate_too(triage: Triage) -> None:
    verdict = classify_one(triage, "Die moskee gaan we zondag platbranden.")
    assert {Label.THREAT, Label.HATE} <= set(verdict.labels), verdict.labels


@pytest.mark.parametrize(
    "text",
    [
        "Een conducteur werd gisteren in elkaar geslagen in Mechelen, hopelijk vinden ze de daders.",
        "Ik ga hem nooit slaan, ik ben geen geweldenaar.",
        "Ik vermoord mijn broer als hij nog eens mijn chips opeet 😂",
        'Mijn zoon kreeg "ik sla je in elkaar" te horen op de bus, wat doet De Lijn daaraan?',
    ],
)
def test_reports_negations_and_banter_are_not_threats_by_rule(triage: Triage, text: str) -> None:
    verdict = classify_one(triage, text)
    assert "threat.violence_intended" not in verdict.rules_fired, verdict.reasons


@pytest.mark.parametrize(
    "text",
    [
        "Als ik die parkeerwachter nog eens tegenkom, dan ...",
        "Si je recroise ce livreur...",
        "If I ever run into that referee again...",
        "Wenn ich diesen Kontrolleur erwische ...",
    ],
)
def test_a_meeting_announced_and_left_unsaid_is_a_threat(triage: Triage, text: str) -> None:
    verdict = classify_one(triage, text)
    assert "pattern.encounter_threat" in verdict.rules_fired, verdict.reasons


@pytest.mark.parametrize(
    "text", ["Als ik Sofie tegenkom... ik heb haar al zo lang niet gezien!", "Si je trouve le temps... je passerai."]
)
def test_a_friendly_meeting_is_not_an_encounter_threat(triage: Triage, text: str) -> None:
    assert "pattern.encounter_threat" not in classify_one(triage, text).rules_fired


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("Vrijdag om 17u wacht ik die controleur op aan de stelplaats en dan sla ik hem in elkaar.", "time"),
        ("Ik kom met een mes naar jullie loket als ze mijn uitkering nog eens stoppen.", "weapon"),
    ],
)
def test_a_concrete_threat_is_severity_four(triage: Triage, text: str, why: str) -> None:
    verdict = classify_one(triage, text)
    assert Label.THREAT in verdict.labels and int(verdict.severity) == 4, (verdict.labels, verdict.severity)
    assert f"triage.concrete_threat_{why}" in [getattr(r, "code", "") for r in verdict.reasons]


@pytest.mark.parametrize(
    "text",
    ["Hoffentlich gibt es bald wieder Busse am Sonntag.", "Vanavond hoop ik eindelijk eens op tijd thuis te zijn."],
)
def test_a_day_named_in_a_harmless_comment_never_makes_it_severity_four(triage: Triage, text: str) -> None:
    # The model alone may misread a hope as a wish of harm; a day beside it must not send it to the police.
    verdict = classify_one(triage, text)
    assert int(verdict.severity) < 4, (verdict.labels, verdict.severity, verdict.reasons)


def test_a_vague_threat_stays_severity_three(triage: Triage) -> None:
    verdict = classify_one(triage, "Iemand zou die scheidsrechter eens een lesje moeten leren.")
    assert Label.THREAT in verdict.labels and int(verdict.severity) == 3, (verdict.labels, verdict.severity)


@pytest.mark.parametrize(
    "text",
    [
        "Snelle lening nodig? Tot €50.000 zonder controle, stuur ons je kaartnummer in PM.",
        "Prêt rapide sans contrôle ! Jusqu'à 20.000 €, envoyez votre numéro de carte en privé.",
    ],
)
def test_an_advert_that_asks_for_money_or_card_details_is_a_medium_scam(triage: Triage, text: str) -> None:
    verdict = classify_one(triage, text)
    assert Label.SPAM in verdict.labels and int(verdict.severity) == 2, (verdict.labels, verdict.severity)


def test_a_plain_advert_stays_low(triage: Triage) -> None:
    verdict = classify_one(triage, "Volg mij voor make-up tips 💄💄 @beaute_gent 💄 nieuwe video elke dag!")
    assert Label.SPAM not in verdict.labels or int(verdict.severity) == 1, (verdict.labels, verdict.severity)


def test_a_scam_with_a_link_is_medium_spam_and_a_profile_link_is_no_advert(triage: Triage) -> None:
    scam = classify_one(
        triage, "Uw pakket wacht op verzending, betaal de douanekosten van 1,99 € via bpost-levering-be.info/betaal"
    )
    assert Label.SPAM in scam.labels and int(scam.severity) == 2, (scam.labels, scam.severity)
    # A social network's address points at a person, not a shop: no link cue for the advert rule.
    profile = classify_one(triage, "Dit is zijn profiel: facebook.com/jan.peeters.gent")
    assert "spam.cues" not in profile.rules_fired


def test_laughter_tempers_a_threat_only_the_model_read_but_never_a_rule_threat(triage: Triage) -> None:
    banter = classify_one(triage, "Ik vermoord mijn broer als hij nog één keer mijn fiets leent zonder te vragen 😂😂")
    assert Label.THREAT not in banter.labels, banter.scores
    real = classify_one(triage, "Ik steek je neer 😂")
    assert Label.THREAT in real.labels
    # A skull is laughter in chat ("I'm dead"), as is "xD".
    exams = classify_one(triage, "ik ga nog dood aan die chemie-examens 💀💀")
    assert Label.THREAT not in exams.labels, exams.scores


@pytest.mark.parametrize(
    "text",
    [
        "Mijn portefeuille ligt nog op de bus van 17u, wie hem vindt mag mij bellen: 0485 12 34 56. Merci!",
        "Bel gewoon de klantendienst op 02 201 23 45, die helpen je snel.",
    ],
)
def test_the_commenters_own_number_or_a_service_line_is_not_doxxing(triage: Triage, text: str) -> None:
    assert Label.DOXXING not in classify_one(triage, text).labels


@pytest.mark.parametrize(
    "text",
    [
        "Zondag verwelkomen we de nieuwe Syrische buren met een etentje, wie doet mee?",
        "We're celebrating Pride at the town hall on Saturday, who's in?",
        "Am Sonntag feiern wir mit den Flüchtlingen im Jugendzentrum, wer macht mit?",
        "Morgen gaan we met de klas de synagoge bezoeken op de opendeurdag.",
        "On va aller danser avec nos amis gays samedi soir, qui vient ?",
    ],
)
def test_a_friendly_plan_with_a_group_and_a_day_is_neither_threat_nor_hate(triage: Triage, text: str) -> None:
    verdict = classify_one(triage, text)
    assert not {Label.THREAT, Label.HATE} & set(verdict.labels), (verdict.labels, verdict.reasons)


@pytest.mark.parametrize(
    "text",
    [
        "We'll give those refugees a warm welcome with baseball bats.",
        "Je vais te souhaiter la bienvenue avec mon couteau.",
        "Ik ga die leraar eens goed bedanken, hij zal het niet vergeten 🔪",
        "We will celebrate when the last one of you is dead.",
    ],
)
def test_a_friendly_word_made_ironic_by_a_weapon_or_death_stays_a_threat(triage: Triage, text: str) -> None:
    verdict = classify_one(triage, text)
    assert Label.THREAT in verdict.labels, (verdict.labels, verdict.reasons)
    assert "context.benign_act/benign_act" not in verdict.suppressed_by


@pytest.mark.parametrize(
    "text",
    [
        "Als ik die controleur nog één keer tegenkom, dan weet ik wat ik doe.",
        "Si je croise encore ce voisin dans l'escalier, je sais ce que je vais faire.",
        "If that landlord shows up here again, I know what I'll do.",
        "Wenn der Kerl nochmal vor meiner Tür steht, weiß ich was ich tue.",
        "Let maar op, die gaan het hier niet lang overleven.",
        "They won't last long in this street, believe me.",
    ],
)
def test_harm_left_unsaid_after_a_condition_or_foretold_is_a_threat(triage: Triage, text: str) -> None:
    verdict = classify_one(triage, text)
    assert Label.THREAT in verdict.labels, (verdict.labels, verdict.reasons)


@pytest.mark.parametrize(
    "text",
    [
        # Competence, not a threat: no condition before "I know what I do", or the sentence goes on.
        "Laat mij maar doen, ik weet wat ik doe.",
        "Als de lift weer stilvalt, dan weet ik wat ik doe: ik bel meteen de dienst.",
        "Si le train est encore supprimé, je sais ce que je vais faire : je prends le bus.",
        "If the app crashes again, I know what I'll do next time: call the helpdesk.",
        # Plants and batteries do not count as people.
        "Die plantjes gaan het niet lang overleven in die hitte.",
    ],
)
def test_competence_and_plans_are_not_threats(triage: Triage, text: str) -> None:
    verdict = classify_one(triage, text)
    assert Label.THREAT not in verdict.labels, (verdict.labels, verdict.reasons)


@pytest.mark.parametrize(
    "text",
    [
        "Als de politie niks doet, dan ruimen wij die Roma zelf wel op.",
        "Wenn der Staat nichts tut, räumen wir die Ausländer selbst aus dem Viertel.",
        "Vanavond trekken we met de mannen naar het opvangcentrum. Ge zult ervan horen.",
        "Ce soir on passe au foyer des migrants, faudra pas pleurer après.",
    ],
)
def test_collective_threats_against_a_group_are_threat_and_hate(triage: Triage, text: str) -> None:
    verdict = classify_one(triage, text)
    assert {Label.THREAT, Label.HATE} <= set(verdict.labels), (verdict.labels, verdict.reasons)


def test_a_negation_in_the_condition_does_not_reach_the_main_clause(triage: Triage) -> None:
    # "niks" belongs to "als de politie niks doet"; the comma ends its reach.
    verdict = classify_one(triage, "Als de politie niks doet, dan ruimen wij die Roma zelf wel op.")
    assert "threat.group_cleansed" in verdict.rules_fired, verdict.rules_fired


@pytest.mark.parametrize(
    "text",
    [
        "Zaterdag gaan we samen met de vluchtelingen het park opruimen.",
        "Les migrants du centre vont nettoyer la plage demain, bravo à eux.",
        "We're heading to the refugee centre tonight with clothes and toys.",
        "Hij is gewaarschuwd voor de gladheid en rijdt voorzichtig.",
        "Avoid this restaurant at all costs, you've been warned.",
    ],
)
def test_cleaning_with_a_group_gifts_and_warnings_about_weather_are_not_threats(triage: Triage, text: str) -> None:
    verdict = classify_one(triage, text)
    assert Label.THREAT not in verdict.labels, (verdict.labels, verdict.reasons)


@pytest.mark.parametrize(
    "text",
    [
        "Morgen staan we aan hun deur. Ze zijn gewaarschuwd.",
        "On sait où ils habitent. Ils sont prévenus.",
        "A few of us are heading to their office tonight. They've been warned.",
        "Nächste Woche sind wir wieder da. Die werden sich wundern.",
    ],
)
def test_a_warning_left_hanging_is_a_threat(triage: Triage, text: str) -> None:
    verdict = classify_one(triage, text)
    assert Label.THREAT in verdict.labels, (verdict.labels, verdict.reasons)
