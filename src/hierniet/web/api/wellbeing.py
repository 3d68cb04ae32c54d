"""/api/v1/me/wellbeing, /api/v1/team/wellbeing and /api/v1/team/rotation (issue 13, part 4): the same figures
and rotation as the desk's wellbeing pages, over hierniet.services.wellbeing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter
from pydantic import Field

from hierniet.bounds import MAX_ID
from hierniet.services import wellbeing as service
from hierniet.web.api.schemas import _Create, _Public
from hierniet.web.deps import ActorDep, SettingsDep, StoreDep
from hierniet.web.desk.context import desk_zone

router = APIRouter(tags=["wellbeing"])


class TodayPublic(_Public):
    revealed: int = Field(description="Severe items revealed today (each comment once).")
    seen: int = Field(description="Severe comments opened while shielded today.")
    minutes: int = Field(description="Minutes with a request to the desk's queue or a comment today.")
    stretch: int = Field(description="Minutes of the stretch of work going on now (a 15-minute pause ends one).")
    break_after_severe: int
    break_after_minutes: int
    cap: int = Field(description="The organisation's daily cap of severe items (0: none).")
    break_due: bool
    capped: bool = Field(description="Past the cap: severe comments are left to colleagues.")


class DayPublic(_Public):
    day: date
    revealed: int
    seen: int
    minutes: int


class MyWellbeingPublic(_Public):
    today: TodayPublic
    days: list[DayPublic] = Field(description="The last 14 days in the desk's time zone, today first.")


class TeamDayPublic(_Public):
    day: date
    people: int = Field(description="People who worked that day; the other figures are over them, without names.")
    revealed_median: float
    revealed_max: int
    seen_median: float
    minutes_median: float
    minutes_max: int
    over_cap: int
    over_break: int


class RotationMemberPublic(_Public):
    user_id: int
    name: str
    role: str
    on_rotation: bool


class RotationPut(_Create):
    user_ids: list[int] = Field(
        max_length=1000, description="Exactly the people of the caller's organisation to put on the rotation."
    )


@router.get("/me/wellbeing", response_model=MyWellbeingPublic, summary="The caller's exposure today and per day")
def get_my_wellbeing(store: StoreDep, settings: SettingsDep, actor: ActorDep) -> Any:
    zone = desk_zone(settings.desk_timezone)
    days = service.my_days(store, actor, zone)
    today = service.standing(store, actor, zone, settings.desk_break_after)
    return MyWellbeingPublic(
        today=TodayPublic(
            revealed=today.revealed,
            seen=today.seen,
            minutes=today.minutes,
            stretch=today.stretch,
            break_after_severe=today.break_after_severe,
            break_after_minutes=today.break_after_minutes,
            cap=today.cap,
            break_due=today.break_due,
            capped=today.capped,
        ),
        days=[DayPublic.model_validate(d) for d in days],
    )


@router.get("/team/wellbeing", response_model=list[TeamDayPublic], summary="The team's exposure per day, no names")
def get_team_wellbeing(store: StoreDep, settings: SettingsDep, actor: ActorDep) -> Any:
    return service.team_days(store, actor, desk_zone(settings.desk_timezone), settings.desk_break_after)


@router.get("/team/rotation", response_model=list[RotationMemberPublic], summary="Who is on the severe rotation")
def get_rotation(store: StoreDep, actor: ActorDep) -> Any:
    return service.rotation(store, actor)


@router.put("/team/rotation", response_model=list[RotationMemberPublic], summary="Set who is on the severe rotation")
def put_rotation(body: RotationPut, store: StoreDep, actor: ActorDep) -> Any:
    ids = [u if 0 < u <= MAX_ID else 0 for u in body.user_ids]
    service.set_rotation(store, actor, ids)
    return service.rotation(store, actor)
