"""Logging in and out, and who is logged in."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import BaseModel, Field

from pollguard.access import Role, permissions_of
from pollguard.services import accounts
from pollguard.services.accounts import Principal
from pollguard.web.security import (
    SESSION_COOKIE,
    check_login_csrf,
    public,
    signed_in,
)

router = APIRouter(tags=["session"])


class Login(BaseModel):
    username: str = Field(min_length=1, max_length=60)
    password: str = Field(min_length=1, max_length=200)


class Me(BaseModel):
    username: str
    display_name: str
    role: Role
    role_label: str
    unit_code: str | None
    nrp: str | None
    permissions: list[str]
    csrf: str | None = Field(description="send as X-CSRF-Token on state-changing calls")


def me_of(who: Principal, lang: str = "id") -> Me:
    return Me(username=who.username, display_name=who.display_name, role=who.role,
              role_label=who.role.label_en if lang == "en" else who.role.label_id,
              unit_code=who.unit_code, nrp=who.nrp,
              permissions=sorted(p.value for p in permissions_of(who.role)), csrf=who.csrf)


@router.post("/session", response_model=Me, dependencies=[public()],
             responses={401: {"description": "wrong username or password"},
                        403: {"description": "CSRF check failed"},
                        429: {"description": "too many failed logins"}})
def log_in(body: Login, request: Request, response: Response) -> Me:
    """Log in with a username and password; sets the session cookie."""
    check_login_csrf(request)
    address = request.client.host if request.client else "unknown"
    try:
        who, token = accounts.login(db=request.app.state.db, username=body.username,
                                    password=body.password, address=address)
    except accounts.TooManyFailuresError as exc:
        raise HTTPException(429, str(exc),
                            headers={"Retry-After": str(exc.retry_after_s)}) from exc
    except accounts.LoginRefusedError as exc:
        raise HTTPException(401, str(exc)) from exc
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict",
                        secure=request.app.state.settings.secure_cookies,
                        max_age=accounts.SESSION_HOURS * 3600, path="/")
    return me_of(who)


@router.get("/session", response_model=Me)
def current(request: Request, who: Principal = signed_in()) -> Me:
    """The account logged in, its permissions and its CSRF token."""
    return me_of(who, request.cookies.get("pg_lang", "id"))


@router.delete("/session", status_code=204)
def log_out(request: Request, response: Response, who: Principal = signed_in()) -> None:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        accounts.logout(db=request.app.state.db, token=token)
        request.app.state.principals.forget("session", token)
    response.delete_cookie(SESSION_COOKIE, path="/")
