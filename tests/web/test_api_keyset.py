"""GET /api/v1/queue pages on with `after=<next_after>` (issue 16)."""

from __future__ import annotations

from store.dbfixtures import item

from .conftest import Api


def test_the_api_pages_with_next_after(api: Api) -> None:
    channel = api.desk.channel_id
    items = [item(f"k{n}", f"{('insult', 'spam', 'threat')[n % 3]}: {n}", channel_id=channel) for n in range(7)]
    r = api.post("/comments", json=items, as_="admin")
    assert r.status_code in (200, 201), r.text
    seen: list[int] = []
    after = None
    for _ in range(10):
        params = {"limit": 3, "status": "any"} | ({"after": after} if after else {})
        r = api.get("/queue", params=params)
        assert r.status_code == 200, r.text
        body = r.json()
        seen += [i["id"] for i in body["items"]]
        after = body["next_after"]
        if after is None:
            break
    everything = [i["id"] for i in api.get("/queue", params={"limit": 50, "status": "any"}).json()["items"]]
    assert seen == everything and len(everything) == 7


def test_a_bad_cursor_or_both_ways_of_paging_is_a_422(api: Api) -> None:
    r = api.get("/queue", params={"after": "bm9wZQ"})
    assert r.status_code == 422 and "next_after" in r.json()["detail"]
    first = api.get("/queue", params={"limit": 1, "status": "any"}).json()
    if first["next_after"]:
        r = api.get("/queue", params={"after": first["next_after"], "offset": 5})
        assert r.status_code == 422 and "not both" in r.json()["detail"]
