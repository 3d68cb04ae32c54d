"""`hierniet site check`: every missing translation of the charter site's texts, for its maintainers."""

from __future__ import annotations

import typer

site_app = typer.Typer(no_args_is_help=True, help="The public charter site: check its texts.")


@site_app.command("check")
def check() -> None:
    """List every missing translation (pages, code-of-conduct sections, interface strings); exit 1 if any."""
    from hierniet.web.site.content import LANGUAGES, PAGES, check_content

    issues = check_content()
    for issue in issues:
        typer.echo(issue.render())
    if issues:
        typer.echo(f"{len(issues)} missing translation(s): the site shows another language there, with a notice.")
        raise typer.Exit(1)
    typer.echo(f"complete: {len(PAGES)} pages and the interface strings in {', '.join(LANGUAGES)}")
