"""Security headers on every response and a same-origin guard on writes (pure ASGI middleware)."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)

SECURITY_HEADERS: dict[str, str] = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class SecurityHeadersMiddleware:
    """Add ``SECURITY_HEADERS`` to every HTTP response, errors and static files included."""

    def __init__(self, app: ASGIApp, headers: dict[str, str] | None = None) -> None:
        self.app = app
        self.headers = [
            (k.encode("latin-1"), v.encode("latin-1")) for k, v in (headers or SECURITY_HEADERS).items()
        ]
        self.names = {name for name, _ in self.headers}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in self.names]
                message["headers"] = kept + self.headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class SameOriginWriteGuard:
    """Refuse state-changing requests a browser sends on behalf of another site.

    A request with an unsafe method is refused (403) when its ``Origin`` names another host
    than the ``Host`` it was sent to, or when ``Sec-Fetch-Site`` says ``cross-site``/``same-site``.
    Clients that send neither header (curl, scripts) are not browsers acting for a page and pass.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in _SAFE_METHODS:
            reason = cross_origin_reason(_headers(scope["headers"]))
            if reason:
                await PlainTextResponse(f"refused: {reason}", status_code=403)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def cross_origin_reason(headers: dict[str, str]) -> str | None:
    """Why a write request looks cross-origin, or None when it does not."""
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site in ("cross-site", "same-site"):
        return f"Sec-Fetch-Site is {fetch_site}"
    origin = headers.get("origin")
    if origin is None:
        return None
    if origin == "null":
        return "opaque origin"
    host = headers.get("host", "")
    if urlsplit(origin).netloc.lower() != host.lower():
        return "Origin does not match Host"
    return None


def _headers(raw: Iterable[tuple[bytes, bytes]]) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in raw}
