"""`hierniet raids detect`: run the raid detector once over the store (the worker runs it continuously).

The command's body only; the lead registers it on the `raids` command group (hierniet.raids.cli, owned by the
detector's side). It reads the comments stored since the last run, stores what it finds, and prints the
raids and criticism storms as they stand: the same rows `GET /api/v1/raids` lists.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Annotated, Any

import typer
from rich.console import Console

err = Console(stderr=True, soft_wrap=True)


def detect(
    org: Annotated[
        str | None, typer.Option("--org", help="Only this organisation (its slug); default: every one.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per raid on stdout.")] = False,
) -> None:
    """Look for raids and criticism storms in the comments stored since the last run, once."""
    from hierniet.cli import _cli_store
    from hierniet.services import raids
    from hierniet.services.auth import CLI_ACTOR
    from hierniet.services.errors import ServiceError
    from hierniet.settings import get_settings

    settings = get_settings()
    with _cli_store() as store:
        try:
            organisation_id = raids.organisation_of(store, org) if org else None
            report = raids.run_detection(
                store,
                organisation_id=organisation_id,
                close_after=timedelta(minutes=settings.raid_close_after_minutes),
            )
            ids = report.new + report.updated
            found, _total = raids.list_raids(store, CLI_ACTOR, limit=500)
        except ServiceError as exc:
            err.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from None
    rows = [r for r in found if r.id in set(ids)]
    if as_json:
        for r in rows:
            typer.echo(json.dumps(_row(r), ensure_ascii=False))
    else:
        for r in rows:
            what = "criticism storm" if r.kind == "criticism_storm" else "raid"
            where = f"post {r.post}" if r.post else f"target {r.target}"
            typer.echo(
                f"#{r.id} {what} on {where}: {len(r.members)} authors, {r.comments} comments "
                f"({r.abusive} abusive), score {r.score:.2f}, since {r.started_at:%Y-%m-%d %H:%M} UTC [{r.status}]"
            )
    err.print(
        f"{report.read} comments read; {len(report.new)} new, {len(report.updated)} updated, "
        f"{report.closed} closed; {len(report.alerted)} raid alert(s) queued for the lead"
    )


def _row(r: Any) -> dict[str, Any]:
    return {
        "id": r.id,
        "kind": r.kind,
        "status": r.status,
        "post_id": r.post,
        "target": r.target,
        "members": r.members,
        "score": r.score,
        "started_at": r.started_at.isoformat(),
        "reasons": [x.as_dict() for x in r.reasons],
    }
