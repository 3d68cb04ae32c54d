"""Roles as data, tokens stored hashed, organisations, channels and users."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hierniet.services import admin
from hierniet.services.auth import CLI_ACTOR, ROLE_PERMISSIONS, Permission, Role, hash_token
from hierniet.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from hierniet.store.tables import ApiToken
from store.dbfixtures import Desk


def test_each_role_has_everything_the_role_below_has() -> None:
    moderator, lead, admin_ = (ROLE_PERMISSIONS[r] for r in (Role.MODERATOR, Role.LEAD, Role.ADMIN))
    assert moderator < lead < admin_
    assert admin_ == frozenset(Permission)
    assert Permission.DECIDE in moderator and Permission.DECIDE_SEVERE not in moderator
    assert Permission.READ_AUDIT in lead and Permission.MANAGE_USERS not in lead


def test_tokens_are_stored_hashed_and_can_be_revoked(desk: Desk) -> None:
    token = desk.tokens["moderator"]
    with desk.store.session() as s:
        stored = list(s.scalars(select(ApiToken.token_hash)))
    assert token not in stored and hash_token(token) in stored
    actor = admin.authenticate(desk.store, token)
    assert actor is not None and (actor.name, actor.role) == ("moderator1", Role.MODERATOR)
    assert admin.authenticate(desk.store, token + "x") is None
    (info,) = admin.list_tokens(desk.store, desk.actors["admin"], actor.user_id or 0)
    assert token.startswith(info.prefix) and len(info.prefix) < len(token) // 3
    admin.revoke_token(desk.store, desk.actors["admin"], info.id)
    assert admin.authenticate(desk.store, token) is None
    with pytest.raises(Conflict, match="revoked"):
        admin.revoke_token(desk.store, desk.actors["admin"], info.id)


def test_switched_off_users_cannot_authenticate(desk: Desk) -> None:
    lead = desk.actors["lead"]
    admin.update_user(desk.store, desk.actors["admin"], lead.user_id or 0, active=False)
    assert admin.authenticate(desk.store, desk.tokens["lead"]) is None
    with pytest.raises(Conflict, match="your own role"):
        admin.update_user(desk.store, desk.actors["admin"], desk.actors["admin"].user_id or 0, role="moderator")


def test_only_admins_manage(desk: Desk) -> None:
    for role in ("moderator", "lead"):
        with pytest.raises(Forbidden):
            admin.create_user(desk.store, desk.actors[role], name="eve", role="admin")
        with pytest.raises(Forbidden):
            admin.create_channel(
                desk.store, desk.actors[role], organisation_id=desk.organisation_id, platform="x", external_id="e"
            )
    with pytest.raises(Forbidden, match="one organisation"):
        admin.create_organisation(desk.store, desk.actors["admin"], slug="new", name="New")


def test_an_organisations_admin_stays_in_it(desk: Desk) -> None:
    org_admin = desk.actors["admin"]
    user = admin.create_user(desk.store, org_admin, name="newbie", role="moderator")
    assert user.organisation_id == desk.organisation_id
    with pytest.raises(Forbidden):
        admin.create_user(desk.store, org_admin, name="x", role="moderator", organisation_id=desk.other_organisation_id)
    with pytest.raises(NotFound):
        admin.create_channel(
            desk.store, org_admin, organisation_id=desk.other_organisation_id, platform="x", external_id="e"
        )
    assert {c.id for c in admin.list_channels(desk.store, org_admin)} == {desk.channel_id}


def test_channels(desk: Desk) -> None:
    root = desk.actors["root"]
    with pytest.raises(Conflict, match="exists already"):
        admin.create_channel(desk.store, root, organisation_id=desk.organisation_id, platform="fb", external_id="gent")
    with pytest.raises(InvalidInput, match="unknown platform"):
        admin.create_channel(desk.store, root, organisation_id=desk.organisation_id, platform="icq", external_id="1")
    with pytest.raises(InvalidInput, match="never hold it"):
        admin.create_channel(
            desk.store,
            root,
            organisation_id=desk.organisation_id,
            platform="x",
            external_id="gent",
            credentials_ref="EAAGm0PX4ZCpsBA",
        )
    channel = admin.create_channel(
        desk.store,
        root,
        organisation_id=desk.organisation_id,
        platform="x",
        external_id="gent",
        credentials_ref="env:HIERNIET_X_TOKEN",
        policy_yaml="extends: default\nname: gent-x\nversion: 2\nescalation:\n  window_days: 30\n",
    )
    assert (channel.has_policy, channel.policy_version) == (True, "gent-x@2")
    updated = admin.update_channel(desk.store, root, channel.id, policy_yaml="")
    assert not updated.has_policy


def test_policies_are_validated_with_line_and_fix(desk: Desk) -> None:
    with pytest.raises(InvalidInput, match=r"line \d+.*window_days"):
        admin.create_organisation(
            desk.store,
            CLI_ACTOR,
            slug="bad",
            name="Bad",
            policy_yaml="extends: default\nescalation:\n  window_days: -3\n",
        )


def test_names_must_be_unique(desk: Desk) -> None:
    with pytest.raises(Conflict):
        admin.create_organisation(desk.store, CLI_ACTOR, slug="stad-gent", name="Again")
    with pytest.raises(Conflict):
        admin.create_user(desk.store, CLI_ACTOR, name="lead1", role="lead")
    with pytest.raises(InvalidInput, match="slug"):
        admin.create_organisation(desk.store, CLI_ACTOR, slug="Stad Gent", name="x")
    with pytest.raises(InvalidInput, match="unknown role"):
        admin.create_user(desk.store, CLI_ACTOR, name="z", role="boss")


def test_bootstrap_token(desk: Desk) -> None:
    token = "a-long-enough-bootstrap-token-123"
    assert admin.bootstrap_admin(desk.store, token) is True
    assert admin.bootstrap_admin(desk.store, token) is False
    actor = admin.authenticate(desk.store, token)
    assert actor is not None and (actor.name, actor.role, actor.organisation_id) == ("admin", Role.ADMIN, None)
