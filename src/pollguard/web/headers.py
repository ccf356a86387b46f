"""Security headers on every response and a cap on request bodies: two pure ASGI middlewares.

Both are plain ASGI (no ``BaseHTTPMiddleware``): they touch only the response's first message
and count the request's body as it streams in, so the live event stream (``/api/v1/events``)
flows through unbuffered and a voting-day report costs no extra task.

Headers (``SecurityHeaders``), on pages, API answers, downloads, static files and errors alike:

- ``Content-Security-Policy``: scripts only from this server's own files (no inline script, no
  eval), styles from its files plus inline ``style`` attributes (Leaflet positions the map's
  panes with them), images from itself (the offline basemap's ``/tiles/`` too, when
  ``POLLGUARD_TILES`` names an archive), ``data:``/``blob:`` URLs and the basemap's origin when
  ``POLLGUARD_TILE_URL`` names one, connections (fetch, the event stream) to itself only, no
  plugins, no framing by another site, forms and ``<base>`` only to itself.
- ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: same-origin`` and
  ``X-Frame-Options: DENY`` (the older browsers' ``frame-ancestors``).
- ``Cache-Control: no-store`` on every ``/api/`` answer (plotting, downloads, cards: personnel
  data must not stay in a shared or browser cache) and on every page unless the route chose its
  own (the field app's service worker and manifest say ``no-cache``). Files under ``/static/``
  stay cacheable: they hold no data.

Body cap (``BodyLimit``): a request whose ``Content-Length`` exceeds the limit is answered 413
before any of it is read; one sent without a length (chunked) is counted as it arrives and
refused with 413 as soon as it passes the limit.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pollguard.web.settings import WebSettings

STATIC_PREFIX = "/static/"
API_PREFIX = "/api/"

# A CSP host source: an optional scheme, a host (a leading "*." allowed) or an IPv6 literal, an
# optional port. Anything else (a typo, a ";" that would start another directive) is not used.
_HOST_SOURCE = re.compile(
    r"^(https?://)?(\*\.)?([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?$")


def tile_source(tile_url: str | None) -> str | None:
    """The CSP source that lets the map load the basemap's tiles, or None when the tiles come
    from this server (no basemap, or a relative URL).

    Leaflet's ``{s}`` subdomain placeholder in the first label becomes ``*``
    (``https://{s}.tile.example/{z}/{x}/{y}.png`` -> ``https://*.tile.example``). A host CSP
    cannot express is widened to its scheme (``https:``) rather than blocking the basemap."""
    if not tile_url:
        return None
    parts = urlsplit(tile_url.strip())
    scheme = parts.scheme.lower()
    if scheme and scheme not in ("http", "https"):
        return None
    if not parts.netloc:
        return None
    host = parts.netloc.rsplit("@", 1)[-1]
    first, dot, rest = host.partition(".")
    if "{" in first and dot:
        host = f"*.{rest}"
    source = f"{scheme}://{host}" if scheme else host
    if _HOST_SOURCE.match(source):
        return source
    return f"{scheme or 'https'}:"


def content_security_policy(tile_url: str | None = None) -> str:
    """The policy for every response (see the module's description)."""
    images = ["'self'", "data:", "blob:"]
    tiles = tile_source(tile_url)
    if tiles:
        images.append(tiles)
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        f"img-src {' '.join(images)}",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


class SecurityHeaders:
    """Adds the security headers to the start of every HTTP response (replacing any the app set
    itself, except a page's own ``Cache-Control``)."""

    def __init__(self, app: ASGIApp, *, policy: str) -> None:
        self.app = app
        self._always: list[tuple[bytes, bytes]] = [
            (b"content-security-policy", policy.encode("latin-1")),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"same-origin"),
            (b"x-frame-options", b"DENY"),
        ]
        self._names = {name for name, _ in self._always}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        # None: leave Cache-Control alone; True: no-store whatever the app said; False: no-store
        # unless the app said something itself.
        force: bool | None = (None if path.startswith(STATIC_PREFIX)
                              else path.startswith(API_PREFIX))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = self._headers(message.get("headers", ()), force)
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _headers(self, sent: Any, force: bool | None) -> list[tuple[bytes, bytes]]:
        headers = [(name, value) for name, value in sent if name.lower() not in self._names]
        if force is not None:
            has_own = any(name.lower() == b"cache-control" for name, _ in headers)
            if force or not has_own:
                headers = [(n, v) for n, v in headers if n.lower() != b"cache-control"]
                headers.append((b"cache-control", b"no-store"))
        headers.extend(self._always)
        return headers


def too_large_detail(limit: int) -> str:
    return (f"isi permintaan terlalu besar: paling banyak {limit} byte / "
            f"request body too large: at most {limit} bytes")


class RequestTooLarge(HTTPException):
    """Raised from ``receive`` when a streamed body passes the limit. An ``HTTPException``, so
    that FastAPI's body parsing lets it through and the app's handler answers it as any other
    refusal (``{"detail": ...}``)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, too_large_detail(limit))


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the server refuses a malformed length itself; count the body
    return None


def _only_too_large(exc: BaseException) -> bool:
    if isinstance(exc, RequestTooLarge):
        return True
    if isinstance(exc, BaseExceptionGroup):
        _, rest = exc.split(RequestTooLarge)
        return rest is None
    return False


class BodyLimit:
    """Refuses request bodies over ``max_bytes`` with 413 and a JSON ``detail``."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Connection: close, so that the server does not read the rest of a huge body.
        response = JSONResponse({"detail": too_large_detail(self.max_bytes),
                                 "code": "too_large"}, status_code=413,
                                headers={"Connection": "close"})
        await response(scope, receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise RequestTooLarge(self.max_bytes)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except Exception as exc:  # an ExceptionGroup too, from a task group inside the app
            if started or not _only_too_large(exc):
                raise
            await self._refuse(scope, receive, send)


def install_middleware(app: FastAPI, settings: WebSettings) -> None:
    """Put both middlewares on a FastAPI ``app``: the body cap among its middlewares, the
    headers around the whole stack, outside Starlette's error middleware, so that a 500 carries
    them too."""
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    policy = content_security_policy(settings.tile_url)
    build = app.build_middleware_stack

    def build_with_headers() -> ASGIApp:
        return SecurityHeaders(build(), policy=policy)

    app.build_middleware_stack = build_with_headers  # type: ignore[method-assign]
