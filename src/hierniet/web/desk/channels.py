"""The desk's page to connect channels to their platforms (issue 6): /desk/channels (admins).

A thin shell over hierniet.services.connections, like `hierniet channel add|list|remove`: secrets are typed
into password fields, stored encrypted, and shown only masked (••••abcd) afterwards.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form
from fastapi.responses import RedirectResponse, Response

from hierniet.bounds import Id
from hierniet.connectors.base import CONNECTORS, ConfigError, connector_class
from hierniet.services import admin
from hierniet.services.auth import Permission, require
from hierniet.services.connections import connect_channel, disconnect_channel, list_connections, parse_pairs
from hierniet.services.credentials import CredentialsError
from hierniet.services.errors import ServiceError
from hierniet.web.desk.context import PREFIX, DeskContext, SignedIn, render
from hierniet.web.desk.security import check_csrf

channels_router = APIRouter(prefix=PREFIX, include_in_schema=False)
_SECRET_ROWS = 4


def _needs() -> dict[str, list[str]]:
    """The secrets each platform's connector needs, for the form's hints."""
    out: dict[str, list[str]] = {}
    for platform in CONNECTORS:
        try:
            out[platform] = list(connector_class(platform).required_credentials)
        except ConfigError:
            continue
    return out


def _page(ctx: DeskContext, status: int = 200, error: str | None = None) -> Response:
    require(ctx.actor, Permission.MANAGE_CHANNELS, "connect channels")
    organisations = admin.list_organisations(ctx.store, ctx.actor)
    return render(
        ctx,
        "channels.html",
        status,
        connections=list_connections(ctx.store, ctx.actor),
        organisations=organisations,
        # Channels of several organisations share the table: each row names its own (issue 12).
        organisation_names={o.id: o.name for o in organisations},
        needs=_needs(),
        secret_rows=range(_SECRET_ROWS),
        error=error,
    )


@channels_router.get("/channels")
def channels_page(ctx: SignedIn) -> Response:
    return _page(ctx)


@channels_router.post("/channels", dependencies=[Depends(check_csrf)])
def connect(
    ctx: SignedIn,
    platform: Annotated[str, Form()] = "",
    external_id: Annotated[str, Form()] = "",
    organisation_id: Annotated[int | None, Form()] = None,
    name: Annotated[str, Form()] = "",
    secret_name: Annotated[list[str] | None, Form()] = None,
    secret_value: Annotated[list[str] | None, Form()] = None,
    settings: Annotated[str, Form()] = "",
) -> Response:
    names = secret_name or []
    values = secret_value or []
    secrets = {n.strip(): v for n, v in zip(names, values, strict=False) if n.strip() and v}
    try:
        config = parse_pairs([line for line in settings.splitlines() if line.strip()], "setting")
        view = connect_channel(
            ctx.store,
            ctx.settings,
            ctx.actor,
            platform=platform,
            external_id=external_id,
            secrets=secrets,
            config=config,
            organisation_id=organisation_id,
            name=name,
        )
    except (ServiceError, CredentialsError, ConfigError) as exc:
        return _page(ctx, getattr(exc, "status_code", 422), str(exc))
    ctx.flash(ctx.t("Channel %(platform)s/%(id)s is connected.", platform=view.platform, id=view.external_id))
    return RedirectResponse(f"{PREFIX}/channels", status_code=303)


@channels_router.post("/channels/{channel_id}/disconnect", dependencies=[Depends(check_csrf)])
def disconnect(ctx: SignedIn, channel_id: Id) -> Response:
    view = disconnect_channel(ctx.store, ctx.actor, channel_id)
    ctx.flash(ctx.t("Channel %(platform)s/%(id)s is disconnected.", platform=view.platform, id=view.external_id))
    return RedirectResponse(f"{PREFIX}/channels", status_code=303)
