"""Security headers on every response (pure ASGI, so the cached and the full path get the same).

Every response: `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer` and a Content-Security-Policy.
The API's JSON and text may load nothing and be framed by nobody; embed cards may be framed and use inline
styles. The docs pages load scripts, styles, images and ReDoc's worker from this server alone; they have no
inline code (the Swagger UI start-up script is a file of its own), but both UIs set inline styles, so styles
allow `'unsafe-inline'`.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

API_CSP = b"default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
DOCS_CSP = (
    b"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    b"font-src 'self'; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; "
    b"form-action 'none'; frame-ancestors 'none'"
)
DOCS_PATHS = ("/docs", "/redoc", "/static/docs/")
CARD_CSP = b"default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
"""Embed cards may be framed by any site and style themselves with their one inline style element."""

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]


def content_security_policy(path: str) -> bytes:
    """The policy for a path: the docs pages' (self only), an embed card's, or the API's (nothing at all)."""
    if path.startswith(DOCS_PATHS):
        return DOCS_CSP
    return CARD_CSP if path.endswith("/card") else API_CSP


class SecurityHeadersMiddleware:
    """Add the security headers, and the path's Content-Security-Policy, to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = [*SECURITY_HEADERS, (b"content-security-policy", content_security_policy(scope["path"]))]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *headers]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
