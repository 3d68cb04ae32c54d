"""The moderation desk's HTML pages under /desk/ (issue 4): server-rendered with Jinja2, a little plain
JavaScript from the package's static files, in nl, fr and en. See docs/desk.md.

`install_desk(app, settings)` adds the session middleware, the security headers, the static files, the
pages and their error pages to the app (hierniet.web.app.create_app calls it).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from hierniet.services.errors import ServiceError
from hierniet.services.signin_throttle import StoreThrottle
from hierniet.settings import Settings
from hierniet.web.desk.context import PREFIX, LoginRequired, get_context, login_url, render
from hierniet.web.desk.routes import router
from hierniet.web.desk.security import CsrfError, DeskHeaders, session_secret
from hierniet.web.desk.words import N_

STATIC_DIR = Path(__file__).resolve().parents[1] / "static" / "desk"
SESSION_COOKIE = "hierniet_session"
#: A signed-in session lasts a working day.
SESSION_MAX_AGE = 12 * 3600


def _is_desk(request: Request) -> bool:
    path = request.url.path
    return path == PREFIX or path.startswith(PREFIX + "/")


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


#: The web framework's own English answers, as the desk says them.
_HTTP_MESSAGES: dict[str, str] = {
    "Not Found": N_("There is no such page on the desk."),
    "Method Not Allowed": N_("This address only takes a form: go back to the page and use its buttons."),
}


async def _error_page(request: Request, status_code: int, message: str, error: ServiceError | None = None) -> Response:
    if _wants_json(request):
        return JSONResponse({"detail": message}, status_code=status_code)
    ctx = await run_in_threadpool(get_context, request, request.app.state.store, request.app.state.settings)
    if error is not None:
        # The service's message in the person's language, where it gave one (ServiceError.reason).
        message = ctx.error(error)
    elif message in _HTTP_MESSAGES:
        message = ctx.t(_HTTP_MESSAGES[message])
    titles = {
        403: ctx.t("Not allowed"),
        404: ctx.t("Not found"),
        401: ctx.t("Sign in first"),
    }
    title = titles.get(status_code, ctx.t("Something is not right"))
    return await run_in_threadpool(render, ctx, "error.html", status_code, title=title, message=message)


def install_desk(app: FastAPI, settings: Settings) -> None:
    """Mount the desk on `app` (and the session middleware the app's other pages may share)."""
    # In the database, so every worker process shares it (hierniet.services.signin_throttle).
    app.state.desk_login_throttle = StoreThrottle(app.state.store, settings.login_max_failures)
    app.add_middleware(DeskHeaders, prefix=PREFIX)
    app.add_middleware(
        SessionMiddleware,
        secret_key=session_secret(settings),
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    app.mount(f"{PREFIX}/static", StaticFiles(directory=STATIC_DIR), name="desk-static")
    app.include_router(router)

    @app.get(PREFIX, include_in_schema=False)
    def desk_root() -> RedirectResponse:
        return RedirectResponse(f"{PREFIX}/", status_code=307)

    service_handler = app.exception_handlers.get(ServiceError)

    async def on_service_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ServiceError)
        if _is_desk(request):
            return await _error_page(request, exc.status_code, str(exc), exc)
        if service_handler is None:  # pragma: no cover - create_app installs the API's handler first
            return JSONResponse({"detail": str(exc)}, status_code=exc.status_code)
        response = service_handler(request, exc)
        return await response if not isinstance(response, Response) else response

    async def on_http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if _is_desk(request) and not request.url.path.startswith(f"{PREFIX}/static/"):
            message = exc.detail if isinstance(exc.detail, str) else ""
            return await _error_page(request, exc.status_code, message)
        return await http_exception_handler(request, exc)

    async def on_login_required(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, LoginRequired)
        if _wants_json(request) or request.method != "GET":
            if _wants_json(request):
                return JSONResponse({"detail": "sign in first"}, status_code=401)
            return RedirectResponse(login_url(), status_code=303)
        return RedirectResponse(login_url(exc.next_path), status_code=303)

    async def on_csrf(request: Request, exc: Exception) -> Response:
        ctx = await run_in_threadpool(get_context, request, request.app.state.store, request.app.state.settings)
        message = ctx.t("This form has expired or did not come from the desk. Reload the page and try again.")
        return await _error_page(request, 403, message)

    app.add_exception_handler(ServiceError, on_service_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(LoginRequired, on_login_required)
    app.add_exception_handler(CsrfError, on_csrf)


__all__ = ["SESSION_COOKIE", "install_desk"]
