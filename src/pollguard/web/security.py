"""Authentication and authorisation for every route.

A request is made by a principal: a browser session (the ``pg_session`` cookie, HttpOnly,
SameSite=Strict) or a machine (``Authorization: Bearer pgt_...``). Every API route declares
what it needs with exactly one of ``public()``, ``signed_in()`` or ``needs(Permission)``; the
app refuses to start with a route that declares nothing, and a test checks each declared
permission against the role matrix.

CSRF: a state-changing request made with the session cookie must carry the session's CSRF
token in ``X-CSRF-Token`` (pages read it from ``GET /api/v1/session``). Logging in has no session
yet: its form echoes the ``pg_csrf`` cookie in the same header (double submit). Bearer tokens
are not sent by browsers on their own, so they need no CSRF token.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections.abc import Callable
from typing import Any

from anyio import to_thread
from fastapi import Depends, Request

from pollguard.access import Permission, can
from pollguard.i18n.refusals import Term
from pollguard.services import accounts
from pollguard.services.accounts import Principal
from pollguard.web.errors import ApiError, ErrorCode

SESSION_COOKIE = "pg_session"
CSRF_COOKIE = "pg_csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class PrincipalCache:
    """Who a token or session is, remembered for ``ttl_s`` seconds in this process.

    Looking an account up costs two queries, more than storing a field report: 300 phones
    reporting at once would spend the server on it. An account deactivated, or a session ended
    in another worker, is therefore refused within ``ttl_s`` (logging out in this worker is at
    once). Only successful lookups are kept, under the SHA-256 of the credential."""

    def __init__(self, ttl_s: float = 30.0, size: int = 10_000) -> None:
        self.ttl_s, self.size = ttl_s, size
        self._found: dict[str, tuple[float, Principal]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _key(kind: str, credential: str) -> str:
        return kind + hashlib.sha256(credential.encode()).hexdigest()

    def cached(self, kind: str, credential: str) -> Principal | None:
        """The principal if it was looked up less than ``ttl_s`` ago (no database)."""
        with self._lock:
            found = self._found.get(self._key(kind, credential))
        return found[1] if found is not None and found[0] > time.monotonic() else None

    def get(self, kind: str, credential: str, look_up: Callable[[], Principal | None]
            ) -> Principal | None:
        found = self.cached(kind, credential)
        if found is not None:
            return found
        key, now = self._key(kind, credential), time.monotonic()
        who = look_up()
        with self._lock:
            if who is None:
                self._found.pop(key, None)
            else:
                if len(self._found) >= self.size:
                    self._found.clear()
                self._found[key] = (now + self.ttl_s, who)
        return who

    def keep(self, kind: str, found: dict[str, Principal]) -> None:
        """Remember principals looked up elsewhere (``token_lookups``), by credential."""
        until = time.monotonic() + self.ttl_s
        with self._lock:
            if len(self._found) + len(found) > self.size:
                self._found.clear()
            self._found.update({self._key(kind, c): (until, who) for c, who in found.items()})

    def forget(self, kind: str, credential: str) -> None:
        with self._lock:
            self._found.pop(self._key(kind, credential), None)


def _credential(request: Request) -> tuple[str, str] | None:
    """("token", a bearer token) or ("session", the session cookie), if the request has one."""
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return "token", auth[7:].strip()
    session = request.cookies.get(SESSION_COOKIE)
    return ("session", session) if session else None


def _principal(request: Request) -> Principal | None:
    found = _credential(request)
    if found is None:
        return None
    kind, credential = found
    db = request.app.state.db
    look_up = accounts.token_principal if kind == "token" else accounts.session_principal
    return request.app.state.principals.get(
        kind, credential, lambda: look_up(db=db, token=credential))


def _check_csrf(request: Request, who: Principal) -> None:
    if request.method in SAFE_METHODS or who.via != "session":
        return
    sent = request.headers.get(CSRF_HEADER, "")
    if not who.csrf or not hmac.compare_digest(sent, who.csrf):
        raise ApiError(403, ErrorCode.CSRF, header=CSRF_HEADER)


def check_login_csrf(request: Request) -> None:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    sent = request.headers.get(CSRF_HEADER, "")
    if not cookie or not hmac.compare_digest(cookie, sent):
        raise ApiError(403, ErrorCode.LOGIN_CSRF, header=CSRF_HEADER, cookie=CSRF_COOKIE)


async def _current(request: Request) -> Principal:
    """Who calls. The guards are async so that a principal seen in the last seconds costs no
    thread hop (most calls on voting day); a session lookup runs in the thread pool, and the
    bearer tokens that miss the cache are looked up together."""
    found = _credential(request)
    who = request.app.state.principals.cached(*found) if found else None
    if who is None and found is not None:
        if found[0] == "token":  # with the other tokens that missed (web/token_lookups.py)
            who = await request.app.state.token_lookups.principal(found[1])
        else:
            who = await to_thread.run_sync(_principal, request)
    if who is None:
        raise ApiError(401, ErrorCode.NOT_SIGNED_IN, headers={"WWW-Authenticate": "Bearer"})
    _check_csrf(request, who)
    request.state.principal = who
    return who


Guard = Callable[..., Any]


def needs(permission: Permission) -> Any:
    """The dependency of a route that needs ``permission``: 401 when nobody is logged in, 403
    with the reason when the role lacks it."""

    async def guard(request: Request) -> Principal:
        who = await _current(request)
        if not can(who.role, permission):
            raise ApiError(403, ErrorCode.ROLE_FORBIDDEN, role=Term((f"role.{who.role.value}",)),
                           permission=Term((f"permission.{permission.value}",)))
        return who

    guard.permission = permission  # type: ignore[attr-defined]
    return Depends(guard)


def signed_in() -> Any:
    """Any logged-in account (their own session, the translations they read)."""

    async def guard(request: Request) -> Principal:
        return await _current(request)

    guard.permission = "signed_in"  # type: ignore[attr-defined]
    return Depends(guard)


def public() -> Any:
    """No login: the login call itself, the health check."""

    def guard() -> None:
        return None

    guard.permission = "public"  # type: ignore[attr-defined]
    return Depends(guard)


def declared_permission(route: Any) -> str | None:
    """What a route declared (a permission value, ``signed_in`` or ``public``), or None."""
    for dep in route.dependant.dependencies:
        found = getattr(dep.call, "permission", None)
        if found is not None:
            return str(found.value if isinstance(found, Permission) else found)
    return None


def optional_principal(request: Request) -> Principal | None:
    """For pages: who is logged in, if anyone (pages redirect to the login page)."""
    return _principal(request)
