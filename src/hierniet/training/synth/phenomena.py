"""The phenomena the generator writes, with the labels each one carries.

A phenomenon is one way of saying something (hate as a question, a veiled
threat, a profane complaint, counter-speech quoting a slur). The labels belong
to the phenomenon, not to each template, so that two templates of the same
phenomenon can never disagree; a template may still override them (rarely
needed) and the override is validated like the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

from hierniet.domain import Label


@dataclass(frozen=True, slots=True)
class Phenomenon:
    labels: tuple[Label, ...]
    #: How many examples a template of this phenomenon yields, as a multiple of
    #: per_template. Hard negatives (ok) are drawn more often on purpose: the
    #: engine's costly mistakes are false alarms on counter-speech, neutral
    #: group mentions and swearing at a situation.
    weight: float = 1.0


_HATE = (Label.HATE,)
_GROUP_THREAT = (Label.THREAT, Label.HATE)
_THREAT = (Label.THREAT,)
_INSULT = (Label.INSULT,)
_CRIT = (Label.CRITICISM,)
_OK = (Label.OK,)
_OK_WEIGHT = 4.0

PHENOMENA: dict[str, Phenomenon] = {
    # hate against a protected group (carries the group's target)
    "derogation_emotion": Phenomenon(_HATE),
    "dehumanisation": Phenomenon(_HATE),
    "negative_attribute": Phenomenon(_HATE),
    "implicit_derogation": Phenomenon(_HATE),
    "hate_question": Phenomenon(_HATE),
    "hate_opinion": Phenomenon(_HATE),
    "pronoun_reference": Phenomenon(_HATE),
    "negated_positive": Phenomenon(_HATE),
    "slur": Phenomenon(_HATE),
    "exclusion": Phenomenon(_HATE),
    "hate_profanity": Phenomenon(_HATE),
    # threats against a protected group: threat and hate
    "group_threat_direct": Phenomenon(_GROUP_THREAT),
    "group_threat_normative": Phenomenon(_GROUP_THREAT),
    "group_threat_conditional": Phenomenon(_GROUP_THREAT),
    "group_threat_collective": Phenomenon(_GROUP_THREAT),
    "group_threat_veiled": Phenomenon(_GROUP_THREAT),
    "group_threat_place": Phenomenon(_GROUP_THREAT),
    "group_wish_of_harm": Phenomenon(_GROUP_THREAT),
    # threats against persons (no target: no protected characteristic involved)
    "threat_direct": Phenomenon(_THREAT),
    "threat_conditional": Phenomenon(_THREAT),
    "threat_collective": Phenomenon(_THREAT),
    "threat_veiled": Phenomenon(_THREAT),
    "wish_of_harm": Phenomenon(_THREAT),
    # insults: persons and non-protected groups
    "insult_person": Phenomenon(_INSULT),
    "insult_non_protected_group": Phenomenon(_INSULT, 1.5),
    "insult_staff": Phenomenon(_INSULT),
    # criticism: never abuse, however angry
    "complaint_plain": Phenomenon(_CRIT, 1.5),
    "complaint_angry": Phenomenon(_CRIT, 1.5),
    "complaint_caps": Phenomenon(_CRIT),
    "complaint_profanity": Phenomenon(_CRIT, 1.5),
    "complaint_sarcasm": Phenomenon(_CRIT),
    "complaint_question": Phenomenon(_CRIT),
    "complaint_despair": Phenomenon(_CRIT, 1.5),
    "complaint_staff_performance": Phenomenon(_CRIT),
    "boycott": Phenomenon(_CRIT),
    # a complaint about the service that also insults its staff or managers: both labels, so that the
    # insult never hides the complaint the charter wants answered
    "complaint_with_insult": Phenomenon((Label.CRITICISM, Label.INSULT)),
    # hard negatives
    "neutral_identity": Phenomenon(_OK, _OK_WEIGHT),
    "positive_identity": Phenomenon(_OK, _OK_WEIGHT),
    "negated_hate": Phenomenon(_OK, _OK_WEIGHT),
    "counter_speech_quote": Phenomenon(_OK, _OK_WEIGHT),
    "counter_speech_reference": Phenomenon(_OK, _OK_WEIGHT),
    "reclaimed_slur": Phenomenon(_OK, _OK_WEIGHT),
    "slur_homonym": Phenomenon(_OK, _OK_WEIGHT),
    "abuse_of_thing": Phenomenon(_OK, _OK_WEIGHT),
    "question_to_org": Phenomenon(_OK, _OK_WEIGHT),
    "praise": Phenomenon(_OK, _OK_WEIGHT),
    "praise_profanity": Phenomenon(_OK, _OK_WEIGHT),
    "neutral_remark": Phenomenon(_OK, _OK_WEIGHT),
    "support_for_staff": Phenomenon(_OK, _OK_WEIGHT),
    "own_contact": Phenomenon(_OK, _OK_WEIGHT),
    # the rarer labels
    "self_harm": Phenomenon((Label.SELF_HARM,)),
    "sexual": Phenomenon((Label.SEXUAL,)),
    "provocation": Phenomenon((Label.PROVOCATION,)),
    "spam": Phenomenon((Label.SPAM,)),
    "doxxing": Phenomenon((Label.DOXXING,)),
}

#: Suffixes added to the phenomenon of an augmented copy of an example.
OBFUSCATED_SUFFIX = "+obfuscated"
HARMLESS_SUFFIX = "+harmless"
