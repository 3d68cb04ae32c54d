"""/api/v1 for the moderators' wellbeing: the same figures and rotation as the desk's pages."""

from __future__ import annotations

from sqlalchemy import func, select

from hierniet.services import desk as desk_service
from hierniet.services.auth import CLI_ACTOR
from hierniet.services.ingest import ingest
from hierniet.store import repo_desk
from hierniet.store.tables import AuditEntry
from store.dbfixtures import FakeTriage, item

from .conftest import Api


def test_my_wellbeing_over_the_api(api: Api) -> None:
    result = ingest(
        api.desk.store,
        FakeTriage(),
        [
            item("t1", "threat: ...", channel_id=api.desk.channel_id),
            item("t2", "hate: ...", channel_id=api.desk.channel_id),
        ],
        actor=CLI_ACTOR,
    )
    for created in result.created:
        desk_service.record_reveal(api.desk.store, api.desk.actors["moderator"], created.comment_id)
    body = api.get("/me/wellbeing").json()
    assert body["today"]["revealed"] == 2 and body["today"]["cap"] == 0 and not body["today"]["capped"]
    assert body["today"]["break_after_severe"] == 25 and body["today"]["break_after_minutes"] == 90
    assert len(body["days"]) == 14 and body["days"][0]["revealed"] == 2
    assert sum(d["revealed"] for d in body["days"][1:]) == 0
    assert api.get("/me/wellbeing", as_="lead").json()["today"]["revealed"] == 0


def test_the_team_and_the_rotation_over_the_api(api: Api) -> None:
    assert api.get("/team/wellbeing").status_code == 403
    days = api.get("/team/wellbeing", as_="lead").json()
    assert len(days) == 14 and days[0]["people"] == 0 and "name" not in days[0]
    with api.desk.store.transaction() as tx:
        for actor in api.desk.actors.values():
            assert actor.user_id is not None
            repo_desk.set_password_hash(tx, actor.user_id, "x")
    moderator_id = api.desk.actors["moderator"].user_id
    assert api.client.put("/api/v1/team/rotation", json={"user_ids": [moderator_id]}).status_code == 401
    refused = api.client.put(
        "/api/v1/team/rotation",
        json={"user_ids": [moderator_id]},
        headers={"Authorization": f"Bearer {api.desk.tokens['moderator']}"},
    )
    assert refused.status_code == 403
    lead = {"Authorization": f"Bearer {api.desk.tokens['lead']}"}
    stranger = api.client.put("/api/v1/team/rotation", json={"user_ids": [999999]}, headers=lead)
    assert stranger.status_code == 422 and "choose people from the list" in stranger.text
    put = api.client.put("/api/v1/team/rotation", json={"user_ids": [moderator_id]}, headers=lead)
    assert put.status_code == 200
    assert [(m["name"], m["on_rotation"]) for m in put.json()] == [
        ("admin1", False),
        ("lead1", False),
        ("moderator1", True),
    ]
    assert api.get("/team/rotation", as_="lead").json() == put.json()
    with api.desk.store.session() as s:
        assert s.scalar(select(func.count()).where(AuditEntry.action == "rotation.set")) == 1
