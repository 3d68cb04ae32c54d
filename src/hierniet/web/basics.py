"""What every web server is asked besides its pages: the favicon, and HEAD for every GET (issue 12).

Browsers ask /favicon.ico on every page; it comes from the package (web/static/desk/favicon.ico). HEAD is
what link checkers and uptime monitors send: FastAPI routes answer only the methods they name, so
`HeadAsGet` answers a HEAD with the GET's status and headers and no body, for every page at once.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

basics_router = APIRouter(include_in_schema=False)


@cache
def favicon_bytes() -> bytes:
    return resources.files("hierniet.web").joinpath("static/desk/favicon.ico").read_bytes()


@basics_router.get("/favicon.ico")
def favicon() -> Response:
    return Response(favicon_bytes(), media_type="image/x-icon", headers={"Cache-Control": "public, max-age=86400"})


class HeadAsGet:
    """ASGI middleware: a HEAD request runs as a GET, and only the response's start (status, headers) goes out.

    Content-Length stays the GET's, as HTTP asks of a HEAD answer. Routes that answer HEAD themselves (the
    static files) get the GET too, which answers the same.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headless(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return  # the rest of the body is dropped; the last part ends the answer
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headless)
