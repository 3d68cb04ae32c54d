"""/api/v1 for the desk as a team: claims, assignments and the outbox answer the same as the desk's pages."""

from __future__ import annotations

from hierniet.services import decisions
from hierniet.services.auth import CLI_ACTOR
from hierniet.services.ingest import ingest
from hierniet.store import repo
from store.dbfixtures import FakeTriage, item

from .conftest import Api


def _comment(api: Api, ref: str = "c1", text: str = "hate: ...") -> int:
    result = ingest(api.desk.store, FakeTriage(), [item(ref, text, channel_id=api.desk.channel_id)], actor=CLI_ACTOR)
    return result.created[0].comment_id


def test_claims_and_assignments_over_the_api(api: Api) -> None:
    cid = _comment(api)
    mine = api.post(f"/comments/{cid}/claim", json={})
    assert mine.status_code == 200 and mine.json()["mine"] and mine.json()["until"] is not None
    other = api.post(f"/comments/{cid}/claim", json={}, as_="lead")
    assert other.json()["mine"] is False and other.json()["name"] == api.desk.actors["moderator"].name
    taken = api.post(f"/comments/{cid}/claim", json={"take_over": True}, as_="lead")
    assert taken.json()["mine"] is True
    moderator_id = api.desk.actors["moderator"].user_id
    refused = api.client.put(
        f"/api/v1/comments/{cid}/assignment",
        json={"user_id": moderator_id},
        headers={"Authorization": f"Bearer {api.desk.tokens['moderator']}"},
    )
    assert refused.status_code == 403
    assigned = api.client.put(
        f"/api/v1/comments/{cid}/assignment",
        json={"user_id": moderator_id},
        headers={"Authorization": f"Bearer {api.desk.tokens['lead']}"},
    )
    assert assigned.status_code == 200 and assigned.json()["until"] is None
    assert assigned.json()["assigned_by"] == api.desk.actors["lead"].name


def test_the_outbox_over_the_api(api: Api) -> None:
    cid = _comment(api)
    decisions.record_decision(
        api.desk.store, api.desk.actors["moderator"], cid, decisions.DecisionIn(step="hide_report")
    )
    with api.desk.store.session() as s:
        report = next(a for a in repo.actions_for_comment(s, cid) if a.action == "report")
    assert api.get("/outbox").status_code == 403
    page = api.get("/outbox", params={"status": "manual"}, as_="lead").json()
    assert [i["id"] for i in page["items"]] == [report.id] and page["items"][0]["platform_url"]
    assert api.get("/outbox", params={"status": "nonsense"}, as_="lead").status_code == 422
    assert api.post(f"/outbox/{report.id}/retry", as_="lead").status_code == 409
    done = api.post(f"/outbox/{report.id}/done", json={"note": "in the app"})
    assert done.status_code == 200 and done.json()["status"] == "done" and done.json()["done_by"]
    assert api.post(f"/outbox/{report.id}/done", json={}).status_code == 409
