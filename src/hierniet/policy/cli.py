"""`hierniet policy ...`: check a policy file, print the shipped one.

The lead's src/hierniet/cli.py mounts `policy_app` as `hierniet policy` and
uses `load_policy_option` for `hierniet classify --policy FILE|default`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from hierniet.domain import Comment, Platform, Verdict
from hierniet.policy.charter import parse_platform, recommend
from hierniet.policy.schema import (
    Policy,
    PolicyError,
    default_policy,
    default_policy_text,
    load_policy,
)

policy_app = typer.Typer(
    name="policy",
    help="Check an organisation's charter policy, or print the default one to start from.",
    no_args_is_help=True,
)


def load_policy_option(value: str) -> Policy:
    """The policy named by a --policy option: "default" or a path; a clear BadParameter otherwise."""
    if value.strip().lower() == "default":
        return default_policy()
    try:
        return load_policy(Path(value))
    except PolicyError as exc:
        raise typer.BadParameter(str(exc), param_hint="'--policy'") from None


def recommendation_for(policy: str, platform: str) -> Callable[[Verdict, Comment], dict[str, Any]]:
    """For `hierniet classify --policy`: a function giving each verdict line its "recommendation" object.

    The policy is loaded once, here, so a broken file stops the command before any row is read. The
    comment's own platform wins over `platform`, which only fills in rows that name none. classify has
    no author history, so every comment is judged as a first offence.
    """
    loaded = load_policy_option(policy)
    fallback = parse_platform(platform)

    def recommend_one(verdict: Verdict, comment: Comment) -> dict[str, Any]:
        where = parse_platform(comment.platform) if comment.platform else fallback
        return recommend(verdict, (), loaded, where).as_dict()

    return recommend_one


def summary(policy: Policy) -> list[str]:
    """A few lines a community manager can check at a glance."""
    auto = [
        f"{label.value}: {', '.join(step.value for step in rules.auto)}"
        for label, rules in policy.labels.items()
        if rules.auto
    ]
    no_block = [p.value for p, caps in policy.platforms.items() if not caps.block and p is not Platform.OTHER]
    no_hide = [p.value for p, caps in policy.platforms.items() if not caps.hide and p is not Platform.OTHER]
    lines = [
        f"policy {policy.version_tag} for {policy.organisation.name} "
        f"(replies fall back to {policy.organisation.language})",
        f"escalation window: {policy.escalation.window_days} days; "
        f"ladders: "
        + "; ".join(
            f"{label.value} {' > '.join(s.value for s in rules.ladder)}"
            for label, rules in policy.labels.items()
            if rules.ladder
        ),
        "automatic steps: " + ("; ".join(auto) if auto else "none (every step is suggested to a person)"),
        f"platforms without hide: {', '.join(no_hide) or '-'}; without block: {', '.join(no_block) or '-'}",
        "helplines: " + "; ".join(f"{lang} {h.name} {h.phone}" for lang, h in policy.helplines.items()),
        f"retention (days): comments {policy.retention.comments_days}, "
        f"evidence {policy.retention.evidence_days}, history {policy.retention.history_days}, "
        f"personal data {policy.retention.pii_days}",
    ]
    if policy.organisation.name == default_policy().organisation.name and policy.source != "default":
        lines.append("note: organisation.name is still the default one; replies will be signed with it")
    return lines


@policy_app.command("validate")
def validate(
    file: Annotated[Path, typer.Argument(help="The policy YAML file to check.", show_default=False)],
) -> None:
    """Check a policy file: a summary when valid (exit 0), else each problem with line and fix (exit 1)."""
    try:
        policy = load_policy(file)
    except PolicyError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(code=1) from None
    typer.echo(f"{file}: valid")
    for line in summary(policy):
        typer.echo(f"  {line}")


@policy_app.command("default")
def show_default() -> None:
    """Print the shipped default policy, comments included: redirect it to a file and edit it."""
    typer.echo(default_policy_text(), nl=False)


__all__ = ["load_policy_option", "policy_app", "recommendation_for", "summary"]
