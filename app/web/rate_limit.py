"""Rate limits per client address, shared by every replica through Redis (the `limits` library, moving window).

`MICROMET_RATE_LIMIT` (e.g. `600/minute`) turns them on. The key is the client's address: the peer's, or, when the
peer is one of `MICROMET_TRUSTED_PROXIES`, the rightmost address of `X-Forwarded-For` that is not a trusted proxy
(anyone else's `X-Forwarded-For` is ignored, so a client cannot pick its own key). Each limited response carries
the IETF draft's `RateLimit-Policy` and `RateLimit` fields; past the limit the answer is a 429 problem with
`Retry-After`. Health probes and `/metrics` are exempt. With `MICROMET_REDIS_URL` the budget is shared by every
replica; without it, each replica keeps its own in memory. When Redis cannot be reached, micromet keeps serving
without limits (an outage of the limiter must not become an outage of the API), logs it once per
`RETRY_INTERVAL`, counts it in `micromet_rate_limit_decisions_total{decision="unchecked"}`, and tries Redis again
after that interval.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import time
from typing import Any

from limits import RateLimitItem, parse
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.web.metrics import RATE_LIMIT
from app.web.problems import problem_response

EXEMPT_PATHS = ("/healthz", "/readyz", "/metrics")
RETRY_INTERVAL = 30.0
"""Seconds without limits after Redis failed, before it is tried again (and between two log lines about it)."""
REDIS_TIMEOUT = 0.25
"""Seconds a Redis connection or answer may take before the request goes on without a limit."""

logger = logging.getLogger("micromet.rate_limit")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_networks(text: str) -> list[Network]:
    """`10.0.0.0/8, 192.0.2.7`: the proxies whose `X-Forwarded-For` is believed."""
    return [ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip()]


def _trusted(address: str, networks: list[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(scope: Scope, networks: list[Network]) -> str:
    """The address the budget is kept for: the peer, or behind trusted proxies, the first untrusted hop."""
    client = scope.get("client")
    peer = client[0] if client else "-"
    if not networks or not _trusted(peer, networks):
        return peer
    forwarded = b",".join(value for name, value in scope.get("headers", []) if name.lower() == b"x-forwarded-for")
    hops = [hop.strip() for hop in forwarded.decode("latin-1").split(",") if hop.strip()]
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return peer  # a malformed hop: believe nothing past it
        if not _trusted(hop, networks):
            return hop
    return peer


class RateLimiter:
    """One policy, kept in Redis or in memory."""

    def __init__(self, policy: str, redis_url: str | None, prefix: str = "micromet") -> None:
        self.item: RateLimitItem = parse(policy)
        self.prefix = prefix
        if redis_url:
            uri = "async+" + redis_url
            storage = storage_from_string(uri, connect_timeout=REDIS_TIMEOUT, stream_timeout=REDIS_TIMEOUT)
        else:
            storage = storage_from_string("async+memory://")
        self.limiter = MovingWindowRateLimiter(storage)
        window = self.item.get_expiry()
        self.policy = f'"default";q={self.item.amount};w={window}'.encode()
        self._down_until = 0.0

    async def decide(self, key: str) -> tuple[bool, int, int] | None:
        """(allowed, remaining, seconds until the window frees one) for a request of `key`; None while the store
        is unreachable."""
        now = time.monotonic()
        if now < self._down_until:
            return None
        try:
            allowed = await self.limiter.hit(self.item, self.prefix, key)
            stats = await self.limiter.get_window_stats(self.item, self.prefix, key)
        except Exception as error:
            self._down_until = now + RETRY_INTERVAL
            logger.warning("rate limits are off for %.0f s: the store is unreachable (%s)", RETRY_INTERVAL, error)
            return None
        reset = max(0, math.ceil(stats.reset_time - time.time()))
        return allowed, stats.remaining, reset


class RateLimitMiddleware:
    """Counts each request against its client's budget before anything else is done for it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        state: Any = scope["app"].state if "app" in scope else None
        limiter: RateLimiter | None = getattr(state, "rate_limiter", None)
        if scope["type"] != "http" or limiter is None or scope["path"] in EXEMPT_PATHS:
            await self.app(scope, receive, send)
            return
        decision = await limiter.decide(client_address(scope, state.trusted_proxies))
        if decision is None:
            RATE_LIMIT.labels("unchecked").inc()
            await self.app(scope, receive, send)
            return
        allowed, remaining, reset = decision
        fields = [
            (b"ratelimit-policy", limiter.policy),
            (b"ratelimit", f'"default";r={remaining};t={reset}'.encode()),
        ]
        if not allowed:
            RATE_LIMIT.labels("limited").inc()
            headers = {"Retry-After": str(max(1, reset)), **{k.decode(): v.decode() for k, v in fields}}
            detail = f"Too many requests: at most {limiter.item.amount} per {limiter.item.get_expiry()} s."
            response = problem_response(Request(scope), 429, detail, kind="rate-limited", headers=headers)
            await response(scope, receive, send)
            return
        RATE_LIMIT.labels("allowed").inc()

        async def with_fields(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *fields]}
            await send(message)

        await self.app(scope, receive, with_fields)
