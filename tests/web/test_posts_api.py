"""The post a comment answers through the REST API: sent with the comment, shown with it."""

from __future__ import annotations

from store.dbfixtures import item

from .conftest import Api


def test_a_comment_sent_with_its_post_shows_the_post(api: Api) -> None:
    post = {"post_id": "p-42", "post_text": "Vanaf maandag rijdt tram 4 niet.", "post_url": "https://fb.example/p-42"}
    r = api.post(
        "/comments",
        json=[
            item("c1", "Hoe lang duurt dat?", channel_id=api.desk.channel_id, **post),
            item("c2", "insult: prutsers", channel_id=api.desk.channel_id, author="a2", **post),
        ],
    )
    assert r.status_code == 201, r.text
    ids = [c["comment_id"] for c in r.json()["created"]]
    for comment_id in ids:
        body = api.get(f"/comments/{comment_id}").json()
        assert body["thread"] == "p-42"
        assert body["post"]["external_id"] == "p-42"
        assert body["post"]["text"] == "Vanaf maandag rijdt tram 4 niet."
        assert body["post"]["url"] == "https://fb.example/p-42"
    assert len({api.get(f"/comments/{i}").json()["post"]["id"] for i in ids}) == 1


def test_a_comment_without_a_post_has_none(api: Api) -> None:
    r = api.post("/comments", json=item("c1", "Hallo", channel_id=api.desk.channel_id, thread="p-1"))
    comment_id = r.json()["created"][0]["comment_id"]
    assert api.get(f"/comments/{comment_id}").json()["post"] is None


def test_post_text_without_the_post_id_is_a_422(api: Api) -> None:
    r = api.post("/comments", json=item("c1", "Hallo", channel_id=api.desk.channel_id, post_text="de post"))
    assert r.status_code == 422
    assert "post_id" in r.text


def test_the_openapi_schema_names_the_post_fields(api: Api) -> None:
    schema = api.client.get("/openapi.json").json()
    body = schema["paths"]["/api/v1/comments"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    fields = body["oneOf"][0]["properties"]
    assert {"thread", "post_text", "post_url", "post_posted_at"} <= set(fields)
    assert "post" in schema["components"]["schemas"]["CommentPublic"]["properties"]
