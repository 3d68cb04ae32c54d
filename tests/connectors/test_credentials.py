"""Channel credentials: encrypted at rest, masked when shown, refused without a key, never in the audit log."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from hierniet.services import connections
from hierniet.services import credentials as creds
from hierniet.services.errors import InvalidInput, NotFound
from hierniet.settings import Settings
from hierniet.store.tables import AuditEntry, Channel
from store.dbfixtures import Desk

TOKEN = "EAAGm0PX4ZCpsBAKZBZCIXW2ZCZCZAAbcd"
FB = {"access_token": TOKEN, "app_secret": "0123456789abcdef0123", "verify_token": "verify-me-please"}


def test_encrypt_decrypt_and_mask(settings: Settings) -> None:
    sealed = creds.encrypt(settings, FB)
    assert TOKEN not in sealed and creds.decrypt(settings, sealed) == FB
    assert creds.mask(TOKEN) == "••••Abcd" and creds.mask("short") == "••••"
    assert creds.hints(FB)["access_token"] == "••••Abcd"


def test_no_key_or_a_bad_key_says_how_to_make_one(settings: Settings) -> None:
    with pytest.raises(creds.CredentialsError, match="hierniet channel key"):
        creds.encrypt(Settings(credentials_key=None), FB)
    with pytest.raises(creds.CredentialsError, match="not a Fernet key"):
        creds.encrypt(Settings(credentials_key="hunter2"), FB)
    sealed = creds.encrypt(settings, FB)
    with pytest.raises(creds.CredentialsError, match="cannot be decrypted"):
        creds.decrypt(Settings(credentials_key=creds.new_key()), sealed)


def test_key_rotation(settings: Settings) -> None:
    old = creds.encrypt(settings, FB)
    rotated_settings = Settings(credentials_key=f"{creds.new_key()},{settings.credentials_key}")
    assert creds.decrypt(rotated_settings, old) == FB
    new = creds.rotate(rotated_settings, old)
    assert creds.decrypt(Settings(credentials_key=rotated_settings.credentials_key.split(",")[0]), new) == FB  # type: ignore[union-attr]


def test_connecting_stores_ciphertext_and_shows_only_masks(desk: Desk, settings: Settings) -> None:
    admin = desk.actors["admin"]
    view = connections.connect_channel(
        desk.store,
        settings,
        admin,
        platform="facebook",
        external_id="gent",
        secrets=FB,
        config={"base_url": "http://127.0.0.1:9", "api_version": "v25.0"},
    )
    assert view.connected and view.credentials["access_token"] == "••••Abcd" and view.receives == ["webhook"]
    assert view.config == {"base_url": "http://127.0.0.1:9", "api_version": "v25.0"}
    with desk.store.session() as s:
        row = s.get(Channel, desk.channel_id)
        audit = [json.dumps(a.detail) for a in s.query(AuditEntry)]
    assert row is not None and row.credentials_ciphertext and TOKEN not in row.credentials_ciphertext
    assert not any(TOKEN in line or "verify-me" in line for line in audit)
    # Rotating one secret keeps the others.
    connections.connect_channel(
        desk.store,
        settings,
        admin,
        platform="facebook",
        external_id="gent",
        secrets={"access_token": "EAAnewtoken-0000wxyz"},
    )
    with desk.store.session() as s:
        row = s.get(Channel, desk.channel_id)
    assert row is not None
    assert creds.decrypt(settings, row.credentials_ciphertext) == {**FB, "access_token": "EAAnewtoken-0000wxyz"}
    listed = {v.id: v for v in connections.list_connections(desk.store, admin)}
    assert listed[desk.channel_id].credentials["access_token"] == "••••wxyz"
    off = connections.disconnect_channel(desk.store, admin, desk.channel_id)
    assert not off.connected and not off.active and off.credentials == {}


def test_connecting_checks_what_the_platform_needs(desk: Desk, settings: Settings) -> None:
    admin = desk.actors["admin"]
    with pytest.raises(InvalidInput, match="app_secret"):
        connections.connect_channel(
            desk.store, settings, admin, platform="facebook", external_id="gent", secrets={"access_token": "x"}
        )
    with pytest.raises(NotFound, match="--org"):
        connections.connect_channel(
            desk.store, settings, admin, platform="youtube", external_id="UCnew", secrets={"access_token": "x"}
        )
    view = connections.connect_channel(
        desk.store,
        settings,
        admin,
        platform="youtube",
        external_id="UCnew",
        secrets={"access_token": "ya29.x"},
        organisation_id=desk.organisation_id,
        name="Gent op YouTube",
    )
    assert view.platform == "youtube" and view.receives == ["poll"]
    from hierniet.services.errors import Forbidden

    with pytest.raises(Forbidden):
        connections.connect_channel(
            desk.store, settings, desk.actors["moderator"], platform="facebook", external_id="gent", secrets=FB
        )


def test_the_channel_commands(desk: Desk, credentials_key: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from hierniet.cli import _mount_subcommands, app
    from hierniet.settings import get_settings

    if desk.store.engine.dialect.name != "sqlite":
        pytest.skip("the CLI test runs on the SQLite file")
    _mount_subcommands()
    monkeypatch.setenv("HIERNIET_DATABASE_URL", desk.store.engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("HIERNIET_CREDENTIALS_KEY", credentials_key)
    monkeypatch.setenv("FB_TOKEN", TOKEN)
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        key = runner.invoke(app, ["channel", "key"])
        assert key.exit_code == 0 and len(key.stdout.strip()) == 44
        added = runner.invoke(
            app,
            [
                "channel",
                "add",
                "facebook",
                "gent",
                "--secret",
                "access_token=@env:FB_TOKEN",
                "--secret",
                "app_secret=0123456789abcdef0123",
                "--secret",
                "verify_token=-",
                "--config",
                "base_url=http://127.0.0.1:9",
            ],
            input="verify-me-please\n",
        )
        assert added.exit_code == 0, added.output
        assert "••••Abcd" in added.output and f"/hooks/facebook/{desk.channel_id}" in added.output
        assert TOKEN not in added.output
        listed = runner.invoke(app, ["channel", "list", "--json"])
        assert listed.exit_code == 0 and TOKEN not in listed.stdout
        rows = [json.loads(line) for line in listed.stdout.splitlines()]
        gent = next(r for r in rows if r["id"] == desk.channel_id)
        assert gent["connected"] and gent["credentials"]["access_token"] == "••••Abcd"
        missing = runner.invoke(app, ["channel", "add", "facebook", "vzwx", "--secret", "access_token=x"])
        assert missing.exit_code == 2 and "app_secret" in missing.output
        removed = runner.invoke(app, ["channel", "remove", str(desk.channel_id)])
        assert removed.exit_code == 0
        monkeypatch.delenv("HIERNIET_CREDENTIALS_KEY")
        get_settings.cache_clear()
        nokey = runner.invoke(app, ["channel", "add", "facebook", "gent", "--secret", "access_token=x"])
        assert nokey.exit_code == 2 and "HIERNIET_CREDENTIALS_KEY" in nokey.output
    finally:
        get_settings.cache_clear()
