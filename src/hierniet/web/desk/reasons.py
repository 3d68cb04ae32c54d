"""Triage's and the policy's reasons in the moderator's language.

The core says each reason in English for the API and the CLI, and keeps with it a message id and the values
it was made of (hierniet.domain.Reason). Here each message id has the sentence a moderator reads, marked
for the catalogs; its values are shown the desk's way: labels, steps, severities and platforms by their
translated names, scores and days as the page's language writes them, the commenter's own words as they
are. A reason without a message id (stored before reasons had one, or a test's) is shown as its text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from babel.numbers import format_decimal

from hierniet.domain import Reason
from hierniet.web.desk import dates, i18n, words
from hierniet.web.desk.words import N_

#: What a moderator reads for each reason's message id. "<id>:no_target" is said when there is no target.
MESSAGES: dict[str, str] = {
    # --- the policy (hierniet.policy.charter) ---
    "policy.several_labels": N_("Several labels: the most serious step wins (%(pairs)s)."),
    "policy.person_decided": N_(
        "A person decided “%(step)s” for this comment on %(day)s; a machine never overrides a person "
        "(the policy alone would say “%(policy_step)s”)."
    ),
    "policy.below_threshold": N_(
        "%(label)s is not counted: score %(score)s is below the policy threshold %(threshold)s."
    ),
    "policy.first_step": N_(
        "%(label)s (score %(score)s, threshold %(threshold)s, severity %(severity)s): "
        "the policy's first step is “%(step)s”."
    ),
    "policy.first_step_unscored": N_("%(label)s (severity %(severity)s): the policy's first step is “%(step)s”."),
    "policy.evidence": N_("Evidence for %(label)s: %(evidence)s."),
    "policy.personal_data": N_("Personal data found: %(kinds)s."),
    "policy.climbs": N_(
        "The author persists: earlier steps within %(days)s days: %(count)s (%(earlier)s), so %(label)s climbs "
        "its ladder from “%(from_step)s” to “%(step)s”."
    ),
    "policy.no_ladder": N_("%(label)s has no ladder in the policy: earlier steps do not change it."),
    "policy.block_stands": N_("A person blocked this author on %(day)s; that block stands."),
    "policy.record_cleared": N_("A person cleared this author's record on %(day)s: earlier steps do not count."),
    "policy.lowered": N_(
        "A person lowered earlier steps of this author (%(count)s); their decision counts, not the machine's."
    ),
    "policy.police": N_(
        "Report to the police: %(label)s at severity %(severity)s (the policy treats %(floor)s and above as credible)."
    ),
    "policy.police_doxxing": N_("Report to the police: personal data published together with a threat."),
    "policy.no_report": N_("%(platform)s offers no way to report: keep the evidence instead."),
    "policy.silent": N_("No reply: the policy keeps %(label)s unanswered."),
    "policy.also_criticism": N_("Also criticism: answer the complaint as well; criticism itself is never hidden."),
    "policy.question": N_("The comment asks a question: answer it (replies.answer_questions)."),
    "policy.criticism": N_("Criticism gets an answer, not a hide: the reply routes the commenter to customer service."),
    "policy.distress": N_(
        "Someone may be in distress: a caring reply with the helpline, and the team lead is alerted."
    ),
    "policy.credible_threat": N_("A credible threat: the team lead is alerted and the evidence is kept."),
    "policy.no_block": N_(
        "%(platform)s cannot block through its API: hide and report instead (block by hand in the app if needed)."
    ),
    "policy.hide_action": N_("On %(platform)s, hiding is done by “%(action)s”."),
    "policy.note": "%(note)s",
    "policy.delete_instead": N_(
        "%(platform)s cannot hide a comment: delete it instead (“%(action)s”), after the evidence is kept."
    ),
    "policy.cannot_hide_police": N_(
        "%(platform)s can neither hide nor delete the comment: report it and keep the evidence."
    ),
    "policy.cannot_hide_block": N_(
        "%(platform)s can neither hide nor delete the comment: block the author and report it."
    ),
    "policy.cannot_hide_refer": N_(
        "%(platform)s can neither hide nor delete a comment: reply with the charter link and report it."
    ),
    "policy.unia_author": N_("Report to Unia: %(label)s (target: %(target)s), and the author is in Belgium."),
    "policy.unia_author:no_target": N_("Report to Unia: %(label)s, and the author is in Belgium."),
    "policy.unia_organisation": N_(
        "Report to Unia: %(label)s (target: %(target)s), and the organisation is in Belgium."
    ),
    "policy.unia_organisation:no_target": N_("Report to Unia: %(label)s, and the organisation is in Belgium."),
    "policy.no_unia": N_("No report to Unia: neither the author nor the organisation is known to be in Belgium."),
    "policy.suggested.never_labels": N_("Suggested only: a person always handles %(labels)s."),
    "policy.suggested.model_only_hate": N_(
        "Suggested only: only the model found hate (no rule, word list or pattern backs it)."
    ),
    "policy.suggested.also_criticism": N_(
        "Suggested only: the comment is also criticism and only the model found %(label)s."
    ),
    "policy.suggested.never_step": N_("Suggested only: “%(step)s” always needs a person."),
    "policy.suggested.substituted": N_("Suggested only: the step was changed to fit the platform."),
    "policy.suggested.not_allowed": N_(
        "Suggested only: the policy does not let %(label)s → “%(step)s” run automatically."
    ),
    "policy.suggested.no_score": N_("Suggested only: the verdict carries no score."),
    "policy.suggested.below_threshold": N_(
        "Suggested only: score %(score)s is below the threshold for automatic steps, %(threshold)s."
    ),
    "policy.automatic": N_(
        "Automatic: the policy lets %(label)s → “%(step)s” run from score %(threshold)s (score %(score)s)."
    ),
    "policy.reply_language_uncertain": N_(
        "Reply in %(fallback)s, the organisation's language: the comment's language (%(language)s) is uncertain "
        "(%(confidence)s)."
    ),
    "policy.reply_language_other": N_(
        "Reply in %(fallback)s, the organisation's language: the comment is in %(language)s."
    ),
    # --- raids (hierniet.raids.detector) ---
    "raids.burst": N_(
        "%(comments)s comments from %(authors)s authors in %(minutes)s minutes, where about %(expected)s were expected."
    ),
    "raids.criticism_storm": N_(
        "A criticism storm, not a raid: %(criticism_percent)s %% of the comments are complaints, "
        "%(known_percent)s %% of the authors have history with the organisation and %(abuse_percent)s %% of the "
        "comments are abusive. Answer it, do not hide it."
    ),
    "raids.abuse_share": N_("%(percent)s %% of the comments in the burst are abusive."),
    "raids.unknown_authors": N_(
        "%(percent)s %% of the authors (%(authors)s) never commented on the organisation's channels before."
    ),
    "raids.new_accounts": N_(
        "%(accounts)s accounts (%(percent)s %%) were made at most %(days)s days before they commented."
    ),
    "raids.copy_paste": N_(
        "%(comments)s comments (%(percent)s %%) are copies of %(clusters)s texts, with small edits."
    ),
    "raids.shared_tags": N_("%(comments)s comments carry the same hashtags or links."),
    "raids.call_to_arms": N_("%(comments)s comments call others to join in."),
    "raids.recurring_core": N_("%(authors)s of the authors took part together in earlier raids."),
    # --- the crisis desk's matches (hierniet.crisis.matching) ---
    "crisis.match_need": N_("Both are about %(needs)s."),
    "crisis.match_distance": N_("%(request_place)s and %(offer_place)s are %(km)s km apart."),
    "crisis.match_no_place": N_("No place is known for one of them: ask where."),
    "crisis.match_old_offer": N_("The offer was last seen %(hours)s hours before the request."),
    # --- triage (hierniet.triage) ---
    "triage.negated_hate": N_("“%(words)s” about “%(group)s” is negated: not counted as hate."),
    "triage.benign_act": N_(
        "“%(words)s” is a friendly act (a plan, not a threat): the model's threat and hate are damped."
    ),
    "triage.group_cleansed": N_(
        "“%(words)s” done to “%(group)s”: a group of people cleared away (expulsion or violence)."
    ),
    "triage.group_distrusted": N_("“%(words)s”: the group “%(group)s” is called untrustworthy."),
    "triage.group_refused": N_(
        "“%(words)s”: someone of the group “%(group)s” would be refused a job, a home or a marriage."
    ),
    "triage.group_unfit": N_("“%(words)s”: the group “%(group)s” is called unfit for something."),
    "triage.group_banned": N_("“%(words)s”: the group “%(group)s” is not allowed in."),
    "triage.group_known": N_("“%(words)s”: the group “%(group)s” is said to be known for what it is."),
    "triage.group_confined": N_("“%(words)s”: the group “%(group)s” is sent back to the kitchen."),
    "triage.group_only_good": N_("“%(words)s”: the group “%(group)s” is said to be good for one thing only."),
    "triage.group_unwanted": N_("“%(words)s”: the world or the country is said to be better off without “%(group)s”."),
    "triage.read_as": N_("The language is unclear: the comment was read as %(language)s, the closest of the four."),
    "triage.group_questioned": N_("“%(words)s”: a question doubts the mind or the rights of the group “%(group)s”."),
    "triage.group_incompatible": N_(
        "“%(words)s”: the group “%(group)s” is called incompatible with democracy, the law or the country."
    ),
    "triage.disagreement": N_("“%(words)s”: disagreement with a decision, a complaint to answer."),
    "triage.disruption_again": N_("“%(words)s” once more: a complaint to answer."),
    "triage.long_wait": N_("“%(words)s” with a length of time: a complaint about waiting, to answer."),
    "triage.insisting_question": N_("A question that insists (“%(words)s”): a complaint to answer."),
    "triage.who_pays": N_("Asks who pays: a complaint to answer."),
    "triage.idiom": N_("“%(words)s” is a figure of speech, not a threat."),
    "triage.asks": N_("The comment asks a question: it needs an answer."),
    "triage.homonym": N_("“%(words)s” is used here as an ordinary word, not a slur."),
    "triage.counter_speech": N_(
        "Hostile words about a group are quoted or condemned (counter-speech): not counted as hate."
    ),
    "triage.group_hate": N_("“%(words)s” (%(category)s) about the group “%(group)s” (%(target)s)."),
    "triage.group_hate:no_target": N_("“%(words)s” (%(category)s) about the group “%(group)s”."),
    "triage.group_violence": N_("Violence against a group."),
    "triage.denies_group": N_("“%(group)s” are denied “%(words)s”."),
    "triage.group_emoji": N_("Emoji %(words)s next to a group name."),
    "triage.exclusion_origin": N_("“%(words)s”: exclusion because of origin."),
    "triage.group_excluded": N_("“%(words)s”: the group “%(group)s” is excluded."),
    "triage.violence_against_group": N_("“%(words)s”: violence called for against the group “%(group)s”."),
    "triage.slur_quoted": N_("The slur “%(words)s” is quoted or condemned, not used."),
    "triage.reclaimed": N_("“%(words)s” is used by the speaker about themselves."),
    "triage.group_slur": N_("“%(words)s” names a group by a slur."),
    "triage.slur_insult": N_("“%(words)s” used as an insult."),
    "triage.slur": N_("Slur “%(words)s” (%(target)s)."),
    "triage.slur:no_target": N_("Slur “%(words)s”."),
    "triage.insult_reported": N_("“%(words)s” is reported speech, not the commenter's own insult."),
    "triage.insult_self": N_("“%(words)s” is said by the commenter about themselves."),
    "triage.insult": N_("Insult “%(words)s”."),
    "triage.insult_directed": N_("Insult “%(words)s” aimed at someone."),
    "triage.mocking_emoji": N_("Mocking emoji aimed at someone."),
    "triage.threat_reported": N_("The threatening words “%(words)s” are reported or condemned."),
    "triage.threat": N_("Threat “%(words)s”."),
    "triage.weapon_emoji": N_("Weapon emoji aimed at someone."),
    "triage.sexual_emoji": N_("Sexual emoji aimed at someone."),
    "triage.sexual": N_("Sexual words “%(words)s”."),
    "triage.wished": N_("“%(words)s” wished on someone."),
    "triage.distress": N_("Signs of distress: “%(words)s”."),
    "triage.spam_cues": N_("Advertising or scam cues."),
    "triage.staff_insulted": N_("“%(words)s”: the insult is aimed at the service's staff, so it is a complaint too."),
    "triage.service_judged": N_("“%(words)s” about the service: a complaint."),
    "triage.violence_intended": N_("“%(words)s”: violence said as an intent."),
    "triage.ape_trope": N_("The ape emoji %(words)s aimed at a person: a racist trope."),
    "triage.concrete_threat_data": N_("The threat is concrete: it names personal data."),
    "triage.concrete_threat_knows": N_("The threat is concrete: the author says they know who or where the person is."),
    "triage.concrete_threat_weapon": N_("The threat is concrete: it names a weapon."),
    "triage.concrete_threat_time": N_("The threat is concrete: it says when."),
    "triage.own_data": N_("Personal data (%(kind)s) found, but it looks like the commenter's own or an advert's."),
    "triage.personal_data": N_("Personal data in the comment: %(kind)s."),
    "triage.pattern": N_("A known phrasing of %(label)s."),
    "triage.swearing_praise": N_("Swearing with praise: enthusiasm, not a complaint."),
    "triage.swearing_service": N_("Swearing about the service: a complaint."),
    "triage.swearing_cue": N_("Swearing beside a complaint cue."),
    "triage.kind_wish": N_("“%(words)s” wishes good things, not harm."),
    "triage.concession": N_("Praise or support, then “%(words)s” and a complaint."),
    "triage.innuendo": N_("“%(words)s” beside a leering emoji: a sexual remark."),
    "triage.control_conspiracy": N_(
        "“%(words)s”: the conspiracy that a group controls the media, the banks or the world."
    ),
    "triage.coded_hate": N_("“%(words)s” names its own target (%(target)s)."),
    "triage.crime_stereotype": N_("“%(words)s” said of “%(group)s” (%(target)s) as a whole."),
    "triage.crime_stereotype_back": N_("“%(words)s” said of the group named before (%(targets)s) as a whole."),
    "triage.staff_insult_complaint": N_("An insult in a comment about the service: a complaint too."),
    "triage.inherited_hate": N_("“%(words)s” (%(category)s) about the group named before (%(targets)s)."),
    "triage.refers_back": N_("“%(words)s” refers back to a group named before (%(targets)s)."),
    "triage.truncated": N_("Only the first %(limit)s characters were read."),
    "triage.advert_data": N_("The personal data belongs to an advert (spam), not to a third person."),
    "triage.model": N_("The model reads “%(words)s” as %(label)s (%(score)s)."),
    # --- the services' errors a desk page shows (hierniet.services.errors.ServiceError.reason) ---
    "error.forbidden": N_(
        "This needs the role %(role)s or higher (yours is %(own_role)s): ask a %(role)s to do it, "
        "or to change your role."
    ),
    "error.reason_needed": N_(
        "Say why you choose “%(step)s” instead of the recommended “%(policy_step)s”: give a reason."
    ),
    "error.already_escalated": N_("Comment #%(comment_id)s is already escalated: a lead decides on it."),
    "error.wrong_password": N_("The current password is not right: type it again."),
    "error.no_recommendation": N_("Comment #%(comment_id)s has no recommendation to accept: choose a step."),
    "error.nothing_selected": N_("No comment selected: tick the comments to decide on."),
    "error.daily_cap": N_(
        "You have revealed %(count)s severe items today, your organisation's daily limit is %(cap)s: this one is "
        "left to your colleagues."
    ),
    "error.rotation_no_organisation": N_(
        "The severe rotation belongs to one organisation: sign in as a lead or admin of that organisation."
    ),
    "error.rotation_stranger": N_("Not a person of this organisation: choose people from the list."),
    "error.no_comment": N_("There is no comment #%(comment_id)s, or it is not one of your organisation's."),
    "error.crisis_filter": N_("The board cannot be filtered on “%(value)s”: choose from the filters' lists."),
    "error.crisis_place": N_(
        "No Belgian municipality or place is named “%(place)s”: choose a place from the filters' list."
    ),
}

#: The reasons the services write for a person who gave none (hierniet.services.decisions and .desk): shown
#: translated on the comment's decisions; a reason a person typed is shown as they typed it.
DECISION_REASONS: frozenset[str] = frozenset(
    {
        N_("accepted the recommendation"),
        N_("edited the recommendation"),
        N_("marked as criticism: not abuse"),
        N_("marked as ok: a false positive"),
    }
)

#: The notes of the shipped policy's platforms (`platforms.<name>.note`), so they are translated too; an
#: organisation's own notes are shown as its policy wrote them.
POLICY_NOTES: tuple[str, ...] = (
    N_("X can only hide replies in the account's own conversations."),
    N_("On Mastodon an account can only block, mute or report; the reply stays on the author's server."),
)

#: Which words table names each value (hierniet.web.desk.words); values not named here are shown as they are.
_WORD_PARAMS: dict[str, str] = {
    "label": "label",
    "labels": "label",
    "needs": "need",
    "step": "step",
    "from_step": "step",
    "policy_step": "step",
    "severity": "severity_name",
    "floor": "severity_name",
    "platform": "platform",
    "kind": "pii",
    "kinds": "pii",
    "target": "target",
    "targets": "target",
    "language": "language",
    "fallback": "language",
    "category": "category",
    "action": "call",
    "role": "role",
    "own_role": "role",
}
_SCORE_PARAMS = frozenset({"score", "threshold", "confidence"})
_NUMBER_PARAMS = frozenset({"count", "days", "limit", "km", "hours"})

_MODEL_DETAIL = re.compile(r"model reading of (the whole comment|this clause): score ([0-9.]+)")


def _word(kind: str, code: object) -> str:
    message = words.TABLES[kind].get("" if code is None else str(code))
    return i18n.gettext(message) if message is not None else str(code)


def _score(value: object) -> str:
    try:
        return format_decimal(float(value), format="0.00", locale=i18n.current_locale())  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)


def _day(value: object) -> str:
    try:
        return dates.day(date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def _pairs(value: object) -> str:
    """[[label, step], ...] as "insult → hide, hate → hide and report"."""
    if not isinstance(value, list):
        return str(value)
    return ", ".join(
        f"{_word('label', p[0])} → {_word('step', p[1])}" for p in value if isinstance(p, list) and len(p) == 2
    )


def _earlier(value: object) -> str:
    """[[step, day], ...] as "hide (02/03/2026), block (05/03/2026)"."""
    if not isinstance(value, list):
        return str(value)
    return ", ".join(f"{_word('step', p[0])} ({_day(p[1])})" for p in value if isinstance(p, list) and len(p) == 2)


def _evidence(value: object) -> str:
    """[[words, source, detail], ...] as “words” (word list: nl/insult.tsv:12)."""
    if not isinstance(value, list):
        return str(value)
    shown = []
    for item in value:
        if not isinstance(item, list) or len(item) != 3:
            continue
        text, source, detail = item
        where = _word("source", source) + (f": {evidence_detail(source, detail)}" if detail else "")
        shown.append((f"“{text}” " if text else "") + f"({where})")
    return "; ".join(shown)


_SPECIAL: dict[str, Callable[[object], str]] = {"pairs": _pairs, "earlier": _earlier, "evidence": _evidence}


def _value(name: str, value: object) -> str:
    if name in _SPECIAL:
        return _SPECIAL[name](value)
    if name == "note":
        return i18n.gettext(str(value))
    if name == "day":
        return _day(value)
    if name in _SCORE_PARAMS:
        return _score(value)
    if name in _NUMBER_PARAMS:
        return format_decimal(value, locale=i18n.current_locale()) if isinstance(value, int) else str(value)
    kind = _WORD_PARAMS.get(name)
    if kind is None:
        return "" if value is None else str(value)
    if isinstance(value, list):
        return ", ".join(_word(kind, v) for v in value)
    return _word(kind, value)


def message_for(code: str, params: Mapping[str, Any]) -> str | None:
    """The message a moderator reads for a reason (the variant without a target when it has none)."""
    if "target" in params and params["target"] is None and f"{code}:no_target" in MESSAGES:
        return MESSAGES[f"{code}:no_target"]
    return MESSAGES.get(code)


def explain(reason: object) -> str:
    """A reason in the language of the page being rendered (hierniet.web.desk.i18n.set_locale)."""
    if not isinstance(reason, Reason):
        return str(reason)
    message = message_for(reason.code, reason.params)
    if message is None:
        return str(reason)
    values = {name: _value(name, value) for name, value in reason.params.items()}
    try:
        return i18n.gettext(message) % values
    except (KeyError, TypeError, ValueError):
        # A reason stored by another version with other values: its English text says it all the same.
        return str(reason)


def evidence_detail(source: object, detail: object) -> str:
    """An evidence span's detail as a moderator reads it: the kind of personal data, the model's reading in
    words; a word list's file and line and a pattern's name as they are (they point at the rule)."""
    text = "" if detail is None else str(detail)
    if source == "pii":
        return _word("pii", text)
    if source == "model":
        found = _MODEL_DETAIL.fullmatch(text)
        if found:
            message = N_("the model's reading of the whole comment: score %(score)s")
            if found[1] == "this clause":
                message = N_("the model's reading of this clause: score %(score)s")
            return i18n.gettext(message) % {"score": _score(found[2])}
    return text


def decision_reason(text: str) -> str:
    """A decision's reason: translated when the desk wrote it, as typed when a person did."""
    return i18n.gettext(text) if text in DECISION_REASONS else text


def error_text(error: BaseException) -> str:
    """A service's error in the page's language where it says it with a message id, else as it is."""
    reason = getattr(error, "reason", None)
    return explain(reason) if reason is not None else str(error)


def reason_code(reason: object) -> str | None:
    """The message id of a reason, None for a reason kept as text only."""
    return reason.code if isinstance(reason, Reason) else None
