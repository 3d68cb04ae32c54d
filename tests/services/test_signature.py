"""Replies are signed with the organisation's name (issue 12, item 3): the default policy's "Our
organisation" is a placeholder and never reaches a commenter, in any language, the caring reply included;
a policy's own `organisation.signature` wins over the name."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import pytest
from sqlalchemy import select

from hierniet.demo.builder import build
from hierniet.domain import Comment, Language, Verdict
from hierniet.services import admin, decisions
from hierniet.services import desk as desk_service
from hierniet.services.auth import CLI_ACTOR
from hierniet.services.decisions import DecisionIn
from hierniet.services.ingest import ingest
from hierniet.services.policies import policy_for
from hierniet.store.repo import Store
from hierniet.store.tables import Organisation, Recommendation
from store.dbfixtures import Desk, FakeTriage, item

PLACEHOLDER = "Our organisation"


class LanguageTriage(FakeTriage):
    """FakeTriage with the comment's language hint as its language."""

    def classify(self, comments: Sequence[Comment]) -> list[Verdict]:
        return [
            dataclasses.replace(v, language=Language(c.language_hint)) if c.language_hint else v
            for c, v in zip(comments, super().classify(comments), strict=True)
        ]


def _replies(store: Store) -> dict[str, str]:
    with store.session() as s:
        rows = s.execute(select(Recommendation.comment_id, Recommendation.reply)).all()
    return {str(cid): reply for cid, reply in rows}


@pytest.mark.parametrize("language", ["nl", "fr", "en", "de"])
def test_replies_are_signed_with_the_organisations_name(desk: Desk, language: str) -> None:
    result = ingest(
        desk.store,
        LanguageTriage(),
        [
            item(f"crit-{language}", "criticism: de bus is te laat", channel_id=desk.channel_id, language=language),
            item(f"care-{language}", "selfharm: ik kan niet meer", channel_id=desk.channel_id, language=language),
        ],
        actor=CLI_ACTOR,
    )
    ids = {c.external_id: c.comment_id for c in result.created}
    replies = _replies(desk.store)
    for key in (f"crit-{language}", f"care-{language}"):
        reply = replies[str(ids[key])]
        assert reply.rstrip().endswith("Stad Gent"), (key, reply)
        assert PLACEHOLDER not in reply
    # What a person's decision sends: the policy's reply for another step, and "mark as criticism".
    decided = decisions.record_decision(
        desk.store, desk.actors["lead"], ids[f"crit-{language}"], DecisionIn(step="reply", reason="thanks")
    )
    assert "Stad Gent" in decided.reply and PLACEHOLDER not in decided.reply
    criticism = desk_service.criticism_reply(desk.store, desk.actors["moderator"], ids[f"care-{language}"])
    assert criticism.endswith("Stad Gent")


def test_a_policy_signature_wins_over_the_name(store: Store) -> None:
    policy_yaml = "extends: default\norganisation:\n  signature: Het webteam van Gent\n"
    organisation = admin.create_organisation(store, CLI_ACTOR, slug="gent", name="Stad Gent", policy_yaml=policy_yaml)
    channel = admin.create_channel(
        store, CLI_ACTOR, organisation_id=organisation.id, platform="facebook", external_id="gent", name="gent"
    )
    result = ingest(store, FakeTriage(), [item("c1", "criticism: te laat", channel_id=channel.id)], actor=CLI_ACTOR)
    assert not result.rejected, result.rejected
    (reply,) = _replies(store).values()
    assert reply.endswith("Het webteam van Gent") and "Stad Gent" not in reply
    # Without a name (hierniet classify --policy) the policy's own name signs, as before.
    assert policy_for(None, None).organisation.signs_as == PLACEHOLDER
    assert policy_for(None, None, organisation_name="Stad Gent").organisation.signs_as == "Stad Gent"


class CareOrCriticism(FakeTriage):
    """Every demo comment read as criticism or as distress, in its own language: each gets a signed reply."""

    def classify(self, comments: Sequence[Comment]) -> list[Verdict]:
        out = []
        for n, c in enumerate(comments):
            spelt = dataclasses.replace(c, text=("selfharm: " if n % 2 else "criticism: ") + c.text)
            (verdict,) = super().classify([spelt])
            lang = c.language_hint if c.language_hint in ("nl", "fr", "en", "de") else ("nl", "fr", "en", "de")[n % 4]
            out.append(dataclasses.replace(verdict, comment_id=c.id, language=Language(lang)))
        return out


def test_the_demo_organisations_sign_with_their_names(store: Store) -> None:
    build(store, CareOrCriticism())
    with store.session() as s:
        names = set(s.scalars(select(Organisation.name)))
        replies = [r for r in s.scalars(select(Recommendation.reply)) if r]
    assert replies
    assert not [r for r in replies if PLACEHOLDER in r]
    unsigned = [r for r in replies if not any(r.rstrip().endswith(n) for n in names)]
    assert unsigned == []
