"""The public charter site's routes: /{lang}/ pages, the join form, its stylesheet and signatories' logos.

Every address is spelt out per language (/nl/, /fr/tips, ...) rather than matched as /{lang}/...: a path
parameter would also catch /desk/ and /api/, and these addresses must stay stable for years because
replies on social media link to them. Handlers are thin over hierniet.services.signatories and the
texts of hierniet.web.site.content.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable
from importlib import resources
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from starlette.datastructures import UploadFile
from starlette.types import Message, Receive

from hierniet.bounds import Id
from hierniet.policy import default_policy
from hierniet.services import signatories as service
from hierniet.services.errors import ServiceError
from hierniet.services.signatories import AlreadyRequested, JoinError, JoinRequest, RateLimited, SignatoryType
from hierniet.web.deps import StoreDep
from hierniet.web.site.content import DEFAULT_LANGUAGE, LANGUAGES, Strings, load_page
from hierniet.web.site.flowchart import first_step_text, flowchart_rows, flowchart_svg, report_text

#: Where the site's own files are served (the stylesheet, approved signatories' logos).
ASSETS = "/site-assets"
CSRF_COOKIE = "hn_site_csrf"
#: The honeypot: a field people never see (off-screen, aria-hidden, not in the tab order) that bots fill.
HONEYPOT = "fax"
JOIN_FIELDS: tuple[str, ...] = ("name", "type", "website", "email")
#: The largest join post read: the allowed logo ten times over, so a logo a little too large still gets its
#: clear error with everything typed kept.
MAX_JOIN_BODY = 10 * service.MAX_LOGO_BYTES
#: The join route's framework limit (Starlette answers a bare 413 past it, before the route runs). The route
#: itself stops at MAX_JOIN_BODY, well below, so that a person whose logo is too large gets the form back
#: with the reason; the ceiling only decides which of the two 413s a larger declared body gets.
JOIN_BODY_CEILING = 64 * 1024 * 1024

# No script, no frame, nothing from elsewhere: the site sends visitors' browsers to no other server.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


@functools.cache
def _templates() -> Environment:
    env = Environment(
        loader=PackageLoader("hierniet.web.site", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


@functools.cache
def _stylesheet() -> bytes:
    return resources.files("hierniet.web.site").joinpath("static/site.css").read_bytes()


def page_path(lang: str, page: str) -> str:
    return f"/{lang}/" if page == "home" else f"/{lang}/{page}"


def negotiate_language(accept_language: str | None) -> str:
    """The visitor's preferred site language from Accept-Language (q-values honoured); nl when none fits."""
    best: tuple[float, int, str] | None = None
    for position, part in enumerate((accept_language or "").split(",")):
        pieces = [p.strip() for p in part.split(";")]
        tag = pieces[0].lower()
        quality = 1.0
        for param in pieces[1:]:
            if param.startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        primary = tag.split("-")[0]
        if primary in LANGUAGES and quality > 0:
            candidate = (-quality, position, primary)
            if best is None or candidate < best:
                best = candidate
    return best[2] if best else DEFAULT_LANGUAGE


def _render(
    request: Request, lang: str, page: str, template: str, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    t = Strings(lang)
    text = load_page(lang, page)
    base = str(request.base_url).rstrip("/")
    html = (
        _templates()
        .get_template(template)
        .render(
            lang=lang,
            page=page,
            t=t,
            text=text,
            blocks=[(Markup(b.html), b) for b in text.blocks],
            languages=LANGUAGES,
            nav=[
                (p, page_path(lang, p))
                for p in ("home", "code-of-conduct", "flowchart", "tips", "help", "signatories", "join")
            ],
            alternates=[(other, base + page_path(other, page)) for other in LANGUAGES],
            # The root address picks the language from the visitor's browser.
            x_default=base + "/",
            page_path=page_path,
            assets=ASSETS,
            **context,
        )
    )
    response = HTMLResponse(html, status_code=status_code, headers={**SECURITY_HEADERS, "Content-Language": lang})
    return response


def _simple(lang: str, page: str) -> Callable[[Request], HTMLResponse]:
    def handler(request: Request) -> HTMLResponse:
        return _render(request, lang, page, "page.html")

    return handler


def _flowchart(lang: str) -> Callable[[Request], HTMLResponse]:
    def handler(request: Request) -> HTMLResponse:
        t = Strings(lang)
        policy = default_policy()
        rows = flowchart_rows(policy)
        table = [
            (
                t(f"labels.{row.label.value}"),
                [first_step_text(f, t) for f in row.first_steps],
                [t(f"steps.{s.value}") for s in row.ladder],
                [report_text(body, sev, t) for body, sev in row.reports],
            )
            for row in rows
        ]
        return _render(
            request,
            lang,
            "flowchart",
            "flowchart.html",
            svg=Markup(flowchart_svg(policy, t)),
            table=table,
            policy_version=policy.version_tag,
        )

    return handler


def _home(lang: str) -> Callable[[Request, StoreDep], HTMLResponse]:
    def handler(request: Request, store: StoreDep) -> HTMLResponse:
        return _render(request, lang, "home", "home.html", count=service.count_approved(store))

    return handler


def _signatories(lang: str) -> Callable[..., HTMLResponse]:
    def handler(
        request: Request,
        store: StoreDep,
        q: str = "",
        kind: Annotated[str, Query(alias="type")] = "",
    ) -> HTMLResponse:
        found = service.public_signatories(store, search=q, type=kind or None)
        return _render(
            request,
            lang,
            "signatories",
            "signatories.html",
            signatories=found,
            q=q,
            kind=kind,
            types=[t.value for t in SignatoryType],
        )

    return handler


def _join_page(
    request: Request,
    lang: str,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    notice: str | None = None,
    status_code: int = 200,
    logo_dropped: bool = False,
) -> HTMLResponse:
    token = request.cookies.get(CSRF_COOKIE) or ""
    fresh = len(token) < 32
    if fresh:
        token = secrets.token_urlsafe(32)
    response = _render(
        request,
        lang,
        "join",
        "join.html",
        status_code=status_code,
        values=values or {},
        errors=errors or {},
        notice=notice,
        sent=request.query_params.get("sent") in ("1", "again") and not errors and not notice,
        again=request.query_params.get("sent") == "again" and not errors and not notice,
        csrf=token,
        honeypot=HONEYPOT,
        types=[t.value for t in SignatoryType],
        logo_dropped=logo_dropped,
        max_logo_kb=service.MAX_LOGO_BYTES // 1024,
    )
    if fresh:
        # Double-submit token: the form carries the cookie's value; another site can neither read the cookie
        # nor (SameSite=Strict) make the browser send it with a cross-site post.
        response.set_cookie(
            CSRF_COOKIE,
            token,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/",
        )
    return response


def _join_get(lang: str) -> Callable[[Request], HTMLResponse]:
    def handler(request: Request) -> HTMLResponse:
        return _join_page(request, lang)

    return handler


class _TooLarge(Exception):
    """A join post larger than MAX_JOIN_BODY."""


def _limited_receive(receive: Receive, limit: int) -> Receive:
    """`receive`, raising _TooLarge as soon as the body's bytes pass `limit` (however they are chunked)."""
    seen = 0

    async def counted() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise _TooLarge
        return message

    return counted


def _join_post(lang: str) -> Callable[..., Any]:
    async def handler(request: Request, store: StoreDep) -> Response:
        try:
            declared = int(request.headers.get("content-length") or 0)
        except ValueError:
            declared = 0
        limited = Request(request.scope, _limited_receive(request.receive, MAX_JOIN_BODY))
        try:
            if declared > MAX_JOIN_BODY:
                raise _TooLarge
            form = await limited.form(max_files=1, max_fields=20)
        except _TooLarge:
            # Stopped before the parser could spool more to disk: a declared length over the limit is not read
            # at all, a chunked body is cut off as its bytes pass it. The form comes back empty, with the reason.
            return _join_page(request, lang, errors={"logo": "logo_size"}, status_code=413)
        values = {name: str(form.get(name) or "")[:1000] for name in JOIN_FIELDS}
        upload = form.get("logo")
        logo: bytes | None = None
        if isinstance(upload, UploadFile) and upload.filename:
            logo = await upload.read(service.MAX_LOGO_BYTES + 1)
        t = Strings(lang)
        sent_token = str(form.get("csrf") or "")
        cookie = request.cookies.get(CSRF_COOKIE) or ""
        if not cookie or not secrets.compare_digest(sent_token.encode(), cookie.encode()):
            return _join_page(
                request, lang, values=values, notice=t("join.csrf"), status_code=403, logo_dropped=bool(logo)
            )
        if str(form.get(HONEYPOT) or ""):
            # A bot filled the hidden field: answer as if it worked (so it learns nothing), store nothing.
            return RedirectResponse(f"{page_path(lang, 'join')}?sent=1", status_code=303)
        client = request.client.host if request.client else "unknown"
        request_ = JoinRequest(
            name=values["name"],
            type=values["type"],
            website=values["website"],
            email=values["email"],
            language=lang,
            logo=logo,
        )
        try:
            service.submit_join(store, request_, client=client)
        except AlreadyRequested:
            # Post/Redirect/Get like a request sent: the person reads that the first one is waiting (issue 12).
            return RedirectResponse(f"{page_path(lang, 'join')}?sent=again", status_code=303)
        except JoinError as exc:
            return _join_page(request, lang, values=values, errors=exc.errors, status_code=422, logo_dropped=bool(logo))
        except RateLimited:
            return _join_page(
                request, lang, values=values, notice=t("join.rate_limited"), status_code=429, logo_dropped=bool(logo)
            )
        except ServiceError as exc:  # pragma: no cover - any other refusal is shown as it is
            return _join_page(request, lang, values=values, notice=str(exc), status_code=exc.status_code)
        return RedirectResponse(f"{page_path(lang, 'join')}?sent=1", status_code=303)

    return handler


def _root(request: Request) -> RedirectResponse:
    lang = negotiate_language(request.headers.get("accept-language"))
    return RedirectResponse(f"/{lang}/", status_code=302, headers={"Vary": "Accept-Language"})


def _css() -> Response:
    return Response(_stylesheet(), media_type="text/css", headers={"Cache-Control": "public, max-age=3600"})


def _logo(signatory_id: Id, store: StoreDep) -> Response:
    found = service.public_logo(store, signatory_id)
    if found is None:
        return Response(status_code=404)
    data, mime = found
    return Response(
        data,
        media_type=mime,
        headers={"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"},
    )


def site_router() -> APIRouter:
    """The site's routes; none appears in the API's OpenAPI document."""
    router = APIRouter(include_in_schema=False)
    router.add_api_route("/", _root, methods=["GET"])
    router.add_api_route(f"{ASSETS}/site.css", _css, methods=["GET"])
    router.add_api_route(ASSETS + "/logos/{signatory_id}", _logo, methods=["GET"])
    for lang in LANGUAGES:
        router.add_api_route(f"/{lang}", _redirect_to(f"/{lang}/"), methods=["GET"])
        router.add_api_route(page_path(lang, "home"), _home(lang), methods=["GET"], response_class=HTMLResponse)
        for page in ("code-of-conduct", "tips", "help"):
            router.add_api_route(page_path(lang, page), _simple(lang, page), methods=["GET"])
        router.add_api_route(page_path(lang, "flowchart"), _flowchart(lang), methods=["GET"])
        router.add_api_route(page_path(lang, "signatories"), _signatories(lang), methods=["GET"])
        router.add_api_route(page_path(lang, "join"), _join_get(lang), methods=["GET"])
        router.add_api_route(
            page_path(lang, "join"), _join_post(lang), methods=["POST"], max_body_size=JOIN_BODY_CEILING
        )
    return router


def _redirect_to(target: str) -> Callable[[], RedirectResponse]:
    def handler() -> RedirectResponse:
        return RedirectResponse(target, status_code=301)

    return handler
