"""Stored rows to the services' views (hierniet.services.views)."""

from __future__ import annotations

from urllib.parse import urlsplit

from hierniet.domain import reason_from_json
from hierniet.services.policies import policy_for
from hierniet.services.views import (
    ActionView,
    AuditView,
    AuthorRef,
    ChannelView,
    DecisionView,
    OrganisationView,
    PostView,
    RecommendationView,
    RevisionView,
    TokenView,
    UserView,
    VerdictView,
)
from hierniet.store import tables as t


def organisation_view(o: t.Organisation) -> OrganisationView:
    return OrganisationView(
        id=o.id,
        slug=o.slug,
        name=o.name,
        has_policy=bool(o.policy_yaml),
        policy_version=policy_for(None, o.policy_yaml).version_tag,
        created_at=o.created_at,
    )


def channel_view(c: t.Channel, organisation_policy: str | None = None) -> ChannelView:
    return ChannelView(
        id=c.id,
        organisation_id=c.organisation_id,
        platform=c.platform,
        external_id=c.external_id,
        name=c.name,
        has_policy=bool(c.policy_yaml),
        policy_version=policy_for(c.policy_yaml, organisation_policy).version_tag,
        credentials_ref=c.credentials_ref,
        created_at=c.created_at,
    )


def author_ref(a: t.Author | None) -> AuthorRef | None:
    if a is None:
        return None
    return AuthorRef(id=a.id, platform=a.platform, external_id=a.external_id, name=a.name)


def verdict_view(v: t.Verdict | None) -> VerdictView | None:
    if v is None:
        return None
    return VerdictView(
        version=v.version,
        language=v.language,
        language_confidence=v.language_confidence,
        labels=list(v.labels),
        scores=dict(v.scores),
        severity=v.severity,
        target=v.target,
        evidence=list(v.evidence),
        pii=list(v.pii),
        model_version=v.model_version,
        reasons=[reason_from_json(x) for x in v.reasons],
        rules_fired=list(v.rules_fired or []),
        suppressed_by=list(v.suppressed_by or []),
        created_at=v.created_at,
    )


def recommendation_view(r: t.Recommendation | None) -> RecommendationView | None:
    if r is None:
        return None
    return RecommendationView(
        id=r.id,
        step=r.step,
        reports=list(r.reports),
        auto=r.auto,
        reply=r.reply,
        reasons=[reason_from_json(x) for x in r.reasons],
        language=r.language,
        alert_lead=r.alert_lead,
        policy_version=r.policy_version,
        label=r.label,
        actions=list(r.actions),
        platform=r.platform,
        created_at=r.created_at,
    )


def decision_view(d: t.Decision, user: t.User) -> DecisionView:
    return DecisionView(
        id=d.id,
        comment_id=d.comment_id,
        author_id=d.author_id,
        user=user.name,
        kind=d.kind,
        step=d.step,
        reply=d.reply,
        reports=list(d.reports),
        reason=d.reason,
        created_at=d.created_at,
    )


def action_view(a: t.QueuedAction) -> ActionView:
    return ActionView(
        id=a.id,
        action=a.action,
        status=a.status,
        attempts=a.attempts,
        payload=dict(a.payload),
        decision_id=a.decision_id,
        recommendation_id=a.recommendation_id,
        last_error=a.last_error,
        created_at=a.created_at,
        outcome=a.outcome,
        platform_ref=a.platform_ref,
        finished_at=a.finished_at,
    )


def audit_view(e: t.AuditEntry) -> AuditView:
    return AuditView(
        id=e.id,
        at=e.at,
        user_id=e.user_id,
        actor=e.actor,
        action=e.action,
        subject_type=e.subject_type,
        subject_id=e.subject_id,
        organisation_id=e.organisation_id,
        detail=dict(e.detail),
    )


def user_view(u: t.User) -> UserView:
    return UserView(
        id=u.id,
        name=u.name,
        role=u.role,
        organisation_id=u.organisation_id,
        active=u.active,
        created_at=u.created_at,
        email=u.email,
    )


def token_view(k: t.ApiToken) -> TokenView:
    return TokenView(
        id=k.id, user_id=k.user_id, name=k.name, prefix=k.prefix, created_at=k.created_at, revoked_at=k.revoked_at
    )


#: The only schemes a stored link may have: javascript: runs and data: serves content in the desk's origin.
WEB_SCHEMES = ("http", "https")


def is_web_url(value: str) -> bool:
    """Whether `value` is an absolute http(s) address with a host, and nothing a browser would strip or bend."""
    if not value or any(c.isspace() or not c.isprintable() for c in value):
        return False
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(host)


def post_view(p: t.Post | None) -> PostView | None:
    if p is None:
        return None
    # A link stored before post_url was checked is kept in the store but never shown as one.
    url = p.url if p.url is not None and is_web_url(p.url) else None
    return PostView(id=p.id, external_id=p.external_id, text=p.text, url=url, posted_at=p.posted_at)


def revision_view(r: t.CommentRevision, verdict: t.Verdict | None) -> RevisionView:
    """An earlier text with the labels and severity of the verdict that read it (for the desk's shield)."""
    return RevisionView(
        id=r.id,
        text=r.text,
        received_at=r.received_at,
        replaced_at=r.replaced_at,
        verdict_version=r.verdict_version,
        severity=verdict.severity if verdict is not None else 0,
        labels=list(verdict.labels) if verdict is not None else [],
    )
