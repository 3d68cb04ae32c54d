"""/api/v1/insight (issue 13): the insight figures of an organisation and a period, as JSON or CSV (lead and
admin). The same service (hierniet.services.insight) as the desk's dashboard and the transparency report.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import Field

from hierniet.bounds import MAX_ID
from hierniet.services import insight as service
from hierniet.web.api.schemas import _Public
from hierniet.web.deps import ActorDep, SettingsDep, StoreDep

router = APIRouter(tags=["insight"])


class CountPublic(_Public):
    key: str
    count: int


class DayPublic(_Public):
    day: date
    comments: int
    to_act_on: int = Field(description="Comments with a severity above none.")


class BacklogPublic(_Public):
    waiting: int = Field(description="Open and escalated comments now, whatever the period.")
    buckets: list[CountPublic] = Field(description="By time since arrival: lt_1h, lt_1d, lt_3d, lt_7d, ge_7d.")
    oldest_at: datetime | None
    oldest_age_s: float | None


class DecisionTimePublic(_Public):
    decided: int = Field(description="Comments of the period with a person's decision (accept, edit, override).")
    median_s: float | None = Field(description="Seconds from arrival to the first person's decision (nearest rank).")
    p90_s: float | None


class DecisionsPublic(_Public):
    automatic: int = Field(description="Comments whose step the policy applied alone.")
    by_person: int = Field(description="Comments whose standing step a person decided.")
    followed: int
    other_step: int = Field(description="... with another step than the recommendation's.")
    clear: int
    kinds: list[CountPublic] = Field(description="Every decision people recorded, by kind.")


class CriticismPublic(_Public):
    total: int
    kept_visible: int
    outcomes: list[CountPublic] = Field(description="answered, left, hidden, waiting, removed.")


class ReportsPublic(_Public):
    by_person: list[CountPublic]
    automatic: list[CountPublic]


class InsightPublic(_Public):
    organisation: str | None = Field(description="The organisation's slug; null: every organisation.")
    start: date
    end: date = Field(description="Included.")
    time_zone: str
    comments: int
    days: list[DayPublic]
    channels: list[CountPublic]
    platforms: list[CountPublic]
    languages: list[CountPublic]
    labels: list[CountPublic]
    statuses: list[CountPublic]
    backlog: BacklogPublic
    decision_time: DecisionTimePublic
    decisions: DecisionsPublic
    criticism: CriticismPublic
    reports: ReportsPublic


def _counts(rows: tuple[tuple[str, int], ...]) -> list[dict[str, Any]]:
    return [{"key": k, "count": n} for k, n in rows]


def public(r: service.Insight) -> dict[str, Any]:
    d = r.decisions
    return {
        "organisation": r.organisation.slug if r.organisation else None,
        "start": r.start,
        "end": r.end,
        "time_zone": r.zone,
        "comments": r.total,
        "days": [{"day": x.day, "comments": x.comments, "to_act_on": x.acting} for x in r.days],
        "channels": _counts(r.by_channel),
        "platforms": _counts(r.by_platform),
        "languages": _counts(r.by_language),
        "labels": _counts(r.by_label),
        "statuses": _counts(r.by_status),
        "backlog": {
            "waiting": r.backlog.waiting,
            "buckets": _counts(r.backlog.buckets),
            "oldest_at": r.backlog.oldest_at,
            "oldest_age_s": r.backlog.oldest_age_s,
        },
        "decision_time": {
            "decided": r.decision_time.decided,
            "median_s": r.decision_time.median_s,
            "p90_s": r.decision_time.p90_s,
        },
        "decisions": {
            "automatic": d.automatic,
            "by_person": d.by_person,
            "followed": d.followed,
            "other_step": d.other_step,
            "clear": d.clear,
            "kinds": _counts(d.kinds),
        },
        "criticism": {
            "total": r.criticism.total,
            "kept_visible": r.criticism.kept_visible,
            "outcomes": _counts(r.criticism.outcomes),
        },
        "reports": {"by_person": _counts(r.reports.by_person), "automatic": _counts(r.reports.automatic)},
    }


FromQuery = Annotated[date | None, Query(alias="from", description="First day (YYYY-MM-DD); default 30 days ago.")]
ToQuery = Annotated[date | None, Query(description="Last day, included (YYYY-MM-DD); default today.")]
OrgQuery = Annotated[str, Query(max_length=64, description="Organisation slug; default the caller's own.")]
ChannelQuery = Annotated[
    list[Annotated[int, Field(ge=1, le=MAX_ID)]] | None,
    Query(description="Only these channels of the organisation (repeat the parameter)."),
]


def _insight(
    store: StoreDep, actor: ActorDep, settings: SettingsDep, org: str, from_: date | None, to: date | None, channel: Any
) -> service.Insight:
    return service.insight(
        store,
        actor,
        organisation=org or None,
        start=from_,
        end=to,
        channel_ids=tuple(channel or ()),
        zone_name=settings.desk_timezone,
    )


@router.get("/insight", response_model=InsightPublic, summary="The insight figures of a period (lead)")
def get_insight(
    store: StoreDep,
    actor: ActorDep,
    settings: SettingsDep,
    from_: FromQuery = None,
    to: ToQuery = None,
    org: OrgQuery = "",
    channel: ChannelQuery = None,
) -> Any:
    """Days in the desk's time zone (Europe/Brussels), both ends included; see docs/api.md for each figure."""
    return public(_insight(store, actor, settings, org, from_, to, channel))


@router.get(
    "/insight.csv",
    summary="The insight figures as CSV (lead)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "table,key,value rows"}},
)
def get_insight_csv(
    store: StoreDep,
    actor: ActorDep,
    settings: SettingsDep,
    from_: FromQuery = None,
    to: ToQuery = None,
    org: OrgQuery = "",
    channel: ChannelQuery = None,
) -> Response:
    result = _insight(store, actor, settings, org, from_, to, channel)
    return Response(service.to_csv(result), media_type="text/csv; charset=utf-8")
