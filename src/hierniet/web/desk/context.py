"""What every desk page knows about its request: the signed-in person, the language, the CSRF token, the
reveal counter; and `render`, which fills the page's template with it.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from functools import cache, cached_property
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import jinja2
from babel.numbers import format_decimal
from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from hierniet import __version__
from hierniet.services import desk, wellbeing
from hierniet.services.auth import Actor, Permission
from hierniet.settings import Settings
from hierniet.store.repo import Store
from hierniet.web.deps import SettingsDep, StoreDep
from hierniet.web.desk import audit_words, dates, i18n, reasons, words
from hierniet.web.desk.security import csrf_token

TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "templates"
#: Where the desk lives; every page and form is under it.
PREFIX = "/desk"

_SESSION_USER = "uid"
_SESSION_STAMP = "stamp"
_SESSION_LOCALE = "locale"
_SESSION_FLASH = "flash"


class LoginRequired(Exception):
    """The page needs a signed-in person; `next` is where to go back to after signing in."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


@cache
def desk_zone(name: str) -> tzinfo:
    """The desk's time zone (HIERNIET_DESK_TIMEZONE); UTC when the name is unknown here."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


class DeskContext:
    """One request of a desk page."""

    def __init__(
        self, request: Request, store: Store, settings: Settings, user: desk.DeskUser | None, locale: str
    ) -> None:
        self.request = request
        self.store = store
        self.settings = settings
        self.user = user
        self.locale = locale
        self.zone = desk_zone(settings.desk_timezone)

    @property
    def actor(self) -> Actor:
        if self.user is None:
            raise LoginRequired(self.here)
        return self.user.actor

    @property
    def preferences(self) -> desk.Preferences:
        return self.user.preferences if self.user else desk.Preferences()

    @property
    def here(self) -> str:
        """This page's path and query (to come back to after a form or a sign-in)."""
        query = self.request.url.query
        return self.request.url.path + (f"?{query}" if query else "")

    @property
    def csrf(self) -> str:
        return csrf_token(self.request)

    def t(self, message: str, /, **values: Any) -> str:
        """`message` in the page's language, %(name)s placeholders filled in."""
        return i18n.translate(self.locale, message, **values)

    def error(self, error: BaseException) -> str:
        """A service's error in the page's language (where the service gave it a message id)."""
        i18n.set_locale(self.locale)
        return reasons.error_text(error)

    def can(self, permission: Permission) -> bool:
        return self.user is not None and self.user.actor.can(permission)

    @cached_property
    def revealed(self) -> set[int]:
        """The comments this person revealed today (each counts once)."""
        if self.user is None:
            return set()
        return desk.revealed_today(self.store, self.user.actor, self.zone)

    @cached_property
    def standing(self) -> wellbeing.Standing:
        """Where this person stands today against their organisation's wellbeing policy (breaks, the cap)."""
        if self.user is None:
            return wellbeing.Standing(0, 0, 0, 0, self.settings.desk_break_after, 0, 0)
        return wellbeing.standing(
            self.store, self.user.actor, self.zone, self.settings.desk_break_after, revealed=len(self.revealed)
        )

    def forget_standing(self) -> None:
        """Count again after this request changed it (a reveal)."""
        self.__dict__.pop("standing", None)

    def flash(self, text: str, kind: str = "ok") -> None:
        """A message for the next page this person sees (announced politely to screen readers)."""
        flashes = list(self.request.session.get(_SESSION_FLASH, []))
        flashes.append({"kind": kind, "text": text})
        self.request.session[_SESSION_FLASH] = flashes[-5:]

    def pop_flashes(self) -> list[dict[str, str]]:
        flashes = self.request.session.pop(_SESSION_FLASH, [])
        return [f for f in flashes if isinstance(f, dict)]

    # --- the session ----------------------------------------------------------------------------------

    def sign_in(self, user: desk.DeskUser) -> None:
        """A fresh session for `user` (a new CSRF token, nothing kept from before signing in)."""
        session = self.request.session
        locale = session.get(_SESSION_LOCALE)
        session.clear()
        session[_SESSION_USER] = user.id
        session[_SESSION_STAMP] = user.session_stamp
        if locale in desk.LOCALES:
            session[_SESSION_LOCALE] = locale
        self.user = user
        csrf_token(self.request)

    def sign_out(self) -> None:
        """End the session here and everywhere: clearing the cookie alone would leave a copy of it valid."""
        if self.user is not None:
            desk.sign_out(self.store, self.user.actor)
        locale = self.request.session.get(_SESSION_LOCALE)
        self.request.session.clear()
        if locale in desk.LOCALES:
            self.request.session[_SESSION_LOCALE] = locale
        self.user = None

    def choose_locale(self, locale: str | None) -> None:
        if locale in desk.LOCALES:
            self.request.session[_SESSION_LOCALE] = locale
        else:
            self.request.session.pop(_SESSION_LOCALE, None)
        self.locale = i18n.negotiate(locale, None, self.request.headers.get("accept-language"))


def get_context(request: Request, store: StoreDep, settings: SettingsDep) -> DeskContext:
    user: desk.DeskUser | None = None
    user_id = request.session.get(_SESSION_USER)
    if isinstance(user_id, int):
        user = desk.desk_user(store, user_id)
        if user is None or user.session_stamp != request.session.get(_SESSION_STAMP):
            # Switched off, removed, signed out, or the password or role changed since: this session ends.
            request.session.pop(_SESSION_USER, None)
            request.session.pop(_SESSION_STAMP, None)
            user = None
    locale = i18n.negotiate(
        user.locale if user else None,
        request.session.get(_SESSION_LOCALE),
        request.headers.get("accept-language"),
    )
    return DeskContext(request, store, settings, user, locale)


def signed_in(ctx: Annotated[DeskContext, Depends(get_context)]) -> DeskContext:
    if ctx.user is None:
        raise LoginRequired(ctx.here)
    return ctx


#: Any desk request (the sign-in page); `SignedIn` for every other page.
Context = Annotated[DeskContext, Depends(get_context)]
SignedIn = Annotated[DeskContext, Depends(signed_in)]


def login_url(next_path: str | None = None) -> str:
    if not next_path or next_path in (f"{PREFIX}/", PREFIX):
        return f"{PREFIX}/login"
    return f"{PREFIX}/login?next={quote(next_path, safe='/')}"


def safe_next(value: str | None, default: str = f"{PREFIX}/") -> str:
    """A path inside the desk to go on to; anything else (another site, a scheme) falls back to `default`."""
    if not value or not value.startswith(f"{PREFIX}/") or value.startswith("//") or "\\" in value:
        return default
    if any(ch in value for ch in "\r\n"):
        return default
    return value


# --- templates ------------------------------------------------------------------------------------------


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals["word"] = _word
    env.globals["mark_title"] = _mark_title
    env.globals["explain"] = reasons.explain
    env.globals["evidence_detail"] = reasons.evidence_detail
    env.globals["decision_reason"] = reasons.decision_reason
    env.globals["audit_action"] = audit_words.action_name
    env.globals["audit_subject"] = audit_words.subject_name
    env.globals["audit_details"] = audit_words.details
    env.globals["audit_actions"] = sorted(audit_words.ACTIONS)
    env.globals["version"] = __version__
    env.globals["prefix"] = PREFIX
    env.globals["densities"] = desk.DENSITIES  # the queue's row densities (its switch and the settings page)
    env.filters["when"] = _when
    env.filters["day"] = _day
    env.filters["day_field"] = dates.day_field
    env.globals["day_pattern"] = dates.DAY_PATTERN
    env.filters["number"] = _number
    env.filters["score"] = _score
    return env


def _word(kind: str, code: object) -> str:
    value = "" if code is None else str(code)
    message = words.TABLES[kind].get(value)
    return i18n.gettext(message) if message is not None else value


def _mark_title(segment: desk.Segment) -> str:
    """What a <mark> says on hover: each label and source behind the span, in the page's language."""
    return "; ".join(
        f"{_word('label', m.label)} · {_word('source', m.source)}"
        + (f" ({reasons.evidence_detail(m.source, m.detail)})" if m.detail else "")
        for m in segment.marks
    )


def _when(value: datetime | None, zone: tzinfo = UTC) -> str:
    return dates.when(value, zone)


def _day(value: datetime | None, zone: tzinfo = UTC) -> str:
    return dates.day(value, zone)


def _number(value: float | int) -> str:
    return format_decimal(value, locale=i18n.current_locale())


def _score(value: float) -> str:
    return format_decimal(value, format="0.00", locale=i18n.current_locale())


templates = Jinja2Templates(env=_environment())


def render(ctx: DeskContext, template: str, status_code: int = 200, /, **values: Any) -> HTMLResponse:
    """The page `template` (under templates/desk/) in the request's language, with the header's facts."""
    i18n.set_locale(ctx.locale)
    revealed_count = len(ctx.revealed) if ctx.user else 0
    standing = ctx.standing
    break_after = standing.break_after_severe
    context: dict[str, Any] = {
        "ctx": ctx,
        "user": ctx.user,
        "locale": ctx.locale,
        "zone": ctx.zone,
        "csrf": ctx.csrf,
        "here": ctx.here,
        "flashes": ctx.pop_flashes(),
        "revealed_count": revealed_count,
        "break_after": break_after,
        "break_due": ctx.user is not None and standing.break_due,
        "standing": standing,
        "helplines": desk.HELPLINES,
        "languages": i18n.LANGUAGE_NAMES,
        "can_audit": ctx.can(Permission.READ_AUDIT),
        "can_personal_data": ctx.can(Permission.MANAGE_PERSONAL_DATA),
        "can_manage_channels": ctx.can(Permission.MANAGE_CHANNELS),
        "can_manage_outbox": ctx.can(Permission.MANAGE_OUTBOX),
        "can_read_insight": ctx.can(Permission.READ_INSIGHT),
        "can_manage_raids": ctx.can(Permission.MANAGE_RAIDS),
        "can_manage_users": ctx.can(Permission.MANAGE_USERS),
        # The charter's join requests are for admins of every organisation (services/signatories.py).
        "can_manage_signatories": ctx.can(Permission.MANAGE_ORGANISATIONS)
        and ctx.user is not None
        and ctx.user.actor.organisation_id is None,
        "shortcuts": [],
        **values,
    }
    return templates.TemplateResponse(ctx.request, f"desk/{template}", context, status_code=status_code)
