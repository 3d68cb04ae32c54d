"""The API's words in the caller's language (issue 12): verdict and recommendation reasons, the reasons the
desk writes for a decision, and the audit log's actions and details, in nl, fr, de or en as the request's
`Accept-Language` asks (English when it asks for none of them).

The codes stay in the JSON beside the words: each reason's message id and values (`reason_details`), the
audit entry's `action` and `detail`, so that a client may translate them itself. The words come from the
desk's catalogs (hierniet.web.desk.reasons, hierniet.web.desk.audit_words): one translation for both.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import tzinfo
from typing import Annotated, Any

from fastapi import Depends, Request, Response

from hierniet.domain import Reason
from hierniet.services.views import CommentDetail, DecisionView, Page
from hierniet.web.api.schemas import (
    AuditEntryPublic,
    CommentPublic,
    DecisionPublic,
    PagePublic,
    ReasonPublic,
)
from hierniet.web.desk import audit_words, i18n, reasons
from hierniet.web.desk.context import desk_zone


def api_locale(request: Request, response: Response) -> str:
    """The language the request asks for (Accept-Language), said back in Content-Language."""
    locale = i18n.negotiate(None, None, request.headers.get("accept-language"))
    response.headers["Content-Language"] = locale
    response.headers["Vary"] = "Accept-Language"
    return locale


LocaleDep = Annotated[str, Depends(api_locale)]


def reason_text(reason: object, locale: str) -> str:
    """One reason in `locale` (its English text when it has no message id)."""
    i18n.set_locale(locale)
    return reasons.explain(reason)


def reason_details(items: Iterable[object], locale: str) -> list[dict[str, Any]]:
    """Each reason as {code, params, text}: `code` is None for a reason kept as text only."""
    out: list[dict[str, Any]] = []
    for item in items:
        if isinstance(item, Reason):
            out.append({"code": item.code, "params": dict(item.params), "text": reason_text(item, locale)})
        else:
            out.append({"code": None, "params": {}, "text": str(item)})
    return out


def decision_reason(text: str, locale: str) -> str:
    """A decision's reason: the desk's own words in `locale`, a person's as typed."""
    i18n.set_locale(locale)
    return reasons.decision_reason(text)


def audit_words_of(action: str, detail: Any, locale: str, zone: tzinfo) -> tuple[str, list[list[str]]]:
    """An audit entry's action and details in `locale` (details as [name, value] pairs)."""
    i18n.set_locale(locale)
    pairs = audit_words.details(detail if isinstance(detail, dict) else None, zone)
    return audit_words.action_name(action), [[name, value] for name, value in pairs]


def localise_reasons(public: Any, source: Any, locale: str) -> None:
    """Give a verdict's or recommendation's public model its reasons in `locale`, with their codes."""
    if public is None or source is None:
        return
    items: Sequence[object] = list(source.reasons)
    public.reasons = [reason_text(r, locale) for r in items]
    public.reason_details = [ReasonPublic(**d) for d in reason_details(items, locale)]


def comment_public(view: CommentDetail, locale: str) -> CommentPublic:
    """GET /comments/{id}: the comment as the schema says, its reasons and the desk's words in `locale`."""
    public = CommentPublic.model_validate(view)
    localise_reasons(public.verdict, view.verdict, locale)
    localise_reasons(public.recommendation, view.recommendation, locale)
    for decision in public.decisions:
        decision.reason = decision_reason(decision.reason, locale)
    return public


def decision_public(view: DecisionView, locale: str) -> DecisionPublic:
    public = DecisionPublic.model_validate(view)
    public.reason = decision_reason(public.reason, locale)
    return public


def audit_page(page: Page[Any], locale: str, zone_name: str) -> PagePublic[AuditEntryPublic]:
    """A page of the audit log with each entry's action and details in words, beside their codes."""
    zone = desk_zone(zone_name)
    items = []
    for entry in page.items:
        public = AuditEntryPublic.model_validate(entry)
        public.action_text, public.detail_text = audit_words_of(public.action, public.detail, locale, zone)
        items.append(public)
    return PagePublic[AuditEntryPublic](
        items=items, total=page.total, total_exact=page.total_exact, limit=page.limit, offset=page.offset
    )


__all__ = [
    "LocaleDep",
    "api_locale",
    "audit_page",
    "audit_words_of",
    "comment_public",
    "decision_public",
    "decision_reason",
    "localise_reasons",
    "reason_details",
    "reason_text",
]
