"""Accounts and API tokens (Polda command only)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field

from pollguard.access import Permission, Role
from pollguard.services import accounts
from pollguard.services.accounts import Principal
from pollguard.web.security import needs

router = APIRouter(tags=["accounts"])


class Account(BaseModel):
    username: str
    display_name: str
    role: Role
    unit_code: str | None
    nrp: str | None


class NewAccount(BaseModel):
    username: str = Field(min_length=3, max_length=60)
    password: str = Field(min_length=accounts.MIN_PASSWORD, max_length=200)
    role: Role
    display_name: str = Field(default="", max_length=120)
    unit_code: str | None = Field(default=None, max_length=40)
    nrp: str | None = Field(default=None, max_length=8)


class NewToken(BaseModel):
    name: str = Field(min_length=1, max_length=80)


class Token(BaseModel):
    username: str
    name: str
    token: str = Field(description="shown once: store it now")


def _account(p: Principal) -> Account:
    return Account(username=p.username, display_name=p.display_name, role=p.role,
                   unit_code=p.unit_code, nrp=p.nrp)


@router.get("/accounts", response_model=list[Account])
def list_accounts(request: Request,
                  who: Principal = needs(Permission.ACCOUNTS_MANAGE)) -> list[Account]:
    return [_account(p) for p in accounts.listing(db=request.app.state.db)]


@router.post("/accounts", response_model=Account, status_code=201,
             responses={422: {"description": "the account cannot be made (reason given)"}})
def create_account(body: NewAccount, request: Request,
                   who: Principal = needs(Permission.ACCOUNTS_MANAGE)) -> Account:
    try:
        made = accounts.create_user(db=request.app.state.db, username=body.username,
                                    password=body.password, role=body.role,
                                    display_name=body.display_name, unit_code=body.unit_code,
                                    nrp=body.nrp, actor=who.actor)
    except accounts.AccountError as exc:
        raise HTTPException(422, str(exc)) from exc
    return _account(made)


@router.post("/accounts/{username}/tokens", response_model=Token, status_code=201,
             responses={404: {"description": "no such account"}})
def create_token(username: str, body: NewToken, request: Request,
                 who: Principal = needs(Permission.ACCOUNTS_MANAGE)) -> Token:
    try:
        token = accounts.create_token(db=request.app.state.db, username=username,
                                      name=body.name, actor=who.actor)
    except accounts.AccountError as exc:
        raise HTTPException(404, str(exc)) from exc
    return Token(username=username, name=body.name, token=token)
