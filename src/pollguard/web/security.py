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

import hmac
from collections.abc import Callable
from typing import Any

from fastapi import Depends, HTTPException, Request

from pollguard.access import Permission, can
from pollguard.services import accounts
from pollguard.services.accounts import Principal

SESSION_COOKIE = "pg_session"
CSRF_COOKIE = "pg_csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def _principal(request: Request) -> Principal | None:
    db = request.app.state.db
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return accounts.token_principal(db=db, token=auth[7:].strip())
    token = request.cookies.get(SESSION_COOKIE)
    return accounts.session_principal(db=db, token=token) if token else None


def _check_csrf(request: Request, who: Principal) -> None:
    if request.method in SAFE_METHODS or who.via != "session":
        return
    sent = request.headers.get(CSRF_HEADER, "")
    if not who.csrf or not hmac.compare_digest(sent, who.csrf):
        raise HTTPException(403, f"missing or wrong {CSRF_HEADER} header (CSRF protection)")


def check_login_csrf(request: Request) -> None:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    sent = request.headers.get(CSRF_HEADER, "")
    if not cookie or not hmac.compare_digest(cookie, sent):
        raise HTTPException(403, f"log in from the login page: the {CSRF_HEADER} header must "
                                 f"echo the {CSRF_COOKIE} cookie (CSRF protection)")


def _current(request: Request) -> Principal:
    who = _principal(request)
    if who is None:
        raise HTTPException(401, "log in first (session cookie or bearer token)",
                            headers={"WWW-Authenticate": "Bearer"})
    _check_csrf(request, who)
    request.state.principal = who
    return who


Guard = Callable[..., Any]


def needs(permission: Permission) -> Any:
    """The dependency of a route that needs ``permission``: 401 when nobody is logged in, 403
    with the reason when the role lacks it."""

    def guard(request: Request) -> Principal:
        who = _current(request)
        if not can(who.role, permission):
            raise HTTPException(403, f"the role {who.role.value} may not {permission.value}")
        return who

    guard.permission = permission  # type: ignore[attr-defined]
    return Depends(guard)


def signed_in() -> Any:
    """Any logged-in account (their own session, the translations they read)."""

    def guard(request: Request) -> Principal:
        return _current(request)

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
