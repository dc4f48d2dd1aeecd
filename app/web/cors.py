"""CORS: Starlette's middleware, whose refused preflights are RFC 9457 problems like every other error, and
which does not split shared caches when any origin may read the API."""

from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.types import Message, Receive, Scope, Send

from app.web.problems import problem_response


class ProblemCORSMiddleware(CORSMiddleware):
    """Answers preflights as Starlette does; a refused one (its plain-text 400) becomes a 400 problem that
    names what was refused and keeps the CORS headers Starlette chose."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "OPTIONS":
            headers = Headers(scope=scope)
            if "origin" in headers and "access-control-request-method" in headers:
                response = self.preflight_response(request_headers=headers)
                if response.status_code == 400:
                    refused = bytes(response.body).decode().removeprefix("Disallowed CORS ")
                    kept = {
                        name: value
                        for name, value in response.headers.items()
                        if name.startswith("access-control-") or name == "vary"
                    }
                    detail = f"This CORS preflight is refused: its {refused} is not allowed."
                    response = problem_response(Request(scope), 400, detail, kind="cors-refused", headers=kept)
                await response(scope, receive, send)
                return
        await super().__call__(scope, receive, send)

    async def send(self, message: Message, send: Send, request_headers: Headers) -> None:
        """With `*` (and no credentials) every response carries `Access-Control-Allow-Origin: *`, whatever the
        request's `Origin`, so the response does not depend on it and needs no `Vary: Origin` (which would keep
        one copy per origin in every shared cache). With a list of origins, Starlette's answer, `Vary` and all."""
        if not (self.allow_all_origins and not self.allow_credentials) or message["type"] != "http.response.start":
            await super().send(message, send, request_headers)
            return
        message.setdefault("headers", [])
        MutableHeaders(scope=message).update(self.simple_headers)
        await send(message)
