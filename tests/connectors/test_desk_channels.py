"""The desk's page to connect channels: admins only, secrets in, masks out, disconnect."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

from hierniet.store.tables import Channel
from seed import password_hash
from store.dbfixtures import Desk
from web.desk_fixtures import Pages, make_app, seed_comments

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

TOKEN = "EAAGm0PX4ZCpsBAKZBZCIXW2ZCZCZAAbcd"


@pytest.fixture
def pages(desk: Desk, credentials_key: str) -> Iterator[Pages]:
    from hierniet.store import repo_desk

    with desk.store.transaction() as tx:
        for actor in desk.actors.values():
            assert actor.user_id is not None
            repo_desk.set_password_hash(tx, actor.user_id, password_hash())
    comments = seed_comments(desk)
    with TestClient(make_app(desk, credentials_key=credentials_key), base_url="https://testserver") as client:
        yield Pages(client, desk, comments)


def test_only_admins_see_the_page(pages: Pages) -> None:
    pages.login("lead")
    assert pages.get("/desk/channels").status_code == 403


def test_connect_and_disconnect_a_channel(pages: Pages, desk: Desk) -> None:
    pages.login("admin")
    page = pages.get("/desk/channels")
    assert page.status_code == 200 and "facebook" in page.text and "••••" not in page.text
    form: dict[str, object] = {
        "platform": "facebook",
        "external_id": "gent",
        "secret_name": ["access_token", "app_secret", "verify_token", ""],
        "secret_value": [TOKEN, "0123456789abcdef0123", "verify-me-please", ""],
        "settings": "api_version=v25.0\n",
    }
    done = pages.post("/desk/channels", form)
    assert done.status_code == 200 and done.url.path == "/desk/channels"
    assert "••••Abcd" in done.text and TOKEN not in done.text
    assert f"/hooks/facebook/{desk.channel_id}" in done.text
    with desk.store.session() as s:
        row = s.get(Channel, desk.channel_id)
    assert row is not None and row.credentials_ciphertext and row.connector_config == {"api_version": "v25.0"}

    missing = pages.post(
        "/desk/channels",
        {
            "platform": "instagram",
            "external_id": "gent-ig",
            "organisation_id": desk.organisation_id,
            "secret_name": ["access_token"],
            "secret_value": ["x"],
        },
    )
    assert missing.status_code == 422 and "app_secret" in missing.text
    with desk.store.session() as s:
        assert s.query(Channel).filter(Channel.external_id == "gent-ig").count() == 0  # nothing half made

    off = pages.post(f"/desk/channels/{desk.channel_id}/disconnect")
    assert off.status_code == 200 and "••••Abcd" not in off.text
    with desk.store.session() as s:
        row = s.get(Channel, desk.channel_id)
    assert row is not None and row.credentials_ciphertext is None and not row.active


def test_forms_need_the_csrf_token(pages: Pages, desk: Desk) -> None:
    pages.login("admin")
    refused = pages.post(f"/desk/channels/{desk.channel_id}/disconnect", csrf=False)
    assert refused.status_code == 403
