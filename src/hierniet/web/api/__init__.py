"""The REST API under /api/v1: one router per area, each a thin shell over hierniet.services."""

from __future__ import annotations

from fastapi import APIRouter

from hierniet.web.api import (
    admin,
    audit,
    authors,
    comments,
    crisis,
    evidence,
    insight,
    me,
    queue,
    raids,
    signatories,
    team,
    wellbeing,
)

api_router = APIRouter(prefix="/api/v1")
api_router.include_router(comments.router)
api_router.include_router(queue.router)
api_router.include_router(authors.router)
api_router.include_router(audit.router)
api_router.include_router(admin.router)
api_router.include_router(signatories.router)
api_router.include_router(team.router)
api_router.include_router(me.router)
api_router.include_router(wellbeing.router)
api_router.include_router(evidence.router)  # evidence packs (issue 13)
api_router.include_router(insight.router)
api_router.include_router(raids.router)  # raids and criticism storms (issue 14)
api_router.include_router(crisis.router)  # the crisis desk (issue 15)
