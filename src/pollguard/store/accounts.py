"""Accounts, browser sessions, API tokens and failed-login records in the database.
Tokens are stored only as SHA-256 hashes: a copy of the database opens no session."""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from pollguard.store.tables import (
    ApiTokenRecord,
    LoginFailureRecord,
    SessionRecord,
    UserRecord,
)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def by_username(session: Session, username: str) -> UserRecord | None:
    return session.scalar(select(UserRecord).where(UserRecord.username == username))


def by_id(session: Session, user_id: int) -> UserRecord | None:
    return session.get(UserRecord, user_id)


def listing(session: Session) -> list[UserRecord]:
    return list(session.scalars(select(UserRecord).order_by(UserRecord.username)))


def add_session(session: Session, *, token: str, user_id: int, csrf: str,
                now: dt.datetime, expires_at: dt.datetime) -> None:
    session.add(SessionRecord(token_hash=token_hash(token), user_id=user_id, csrf=csrf,
                              created_at=now, expires_at=expires_at))


def find_session(session: Session, token: str) -> SessionRecord | None:
    return session.get(SessionRecord, token_hash(token))


def drop_session(session: Session, token: str) -> None:
    session.execute(delete(SessionRecord).where(SessionRecord.token_hash == token_hash(token)))


def drop_expired_sessions(session: Session, now: dt.datetime) -> None:
    session.execute(delete(SessionRecord).where(SessionRecord.expires_at < now))


def add_token(session: Session, *, token: str, user_id: int, name: str,
              now: dt.datetime) -> None:
    session.add(ApiTokenRecord(token_hash=token_hash(token), user_id=user_id, name=name,
                               created_at=now))


def find_token(session: Session, token: str) -> ApiTokenRecord | None:
    return session.get(ApiTokenRecord, token_hash(token))


def users_of_tokens(session: Session, hashes: list[str]) -> dict[str, UserRecord]:
    """The account behind each of these token hashes that has one: one query for many."""
    rows = session.execute(select(ApiTokenRecord.token_hash, UserRecord)
                           .join(UserRecord, UserRecord.id == ApiTokenRecord.user_id)
                           .where(ApiTokenRecord.token_hash.in_(hashes)))
    return {h: u for h, u in rows}


def record_failure(session: Session, *, username: str, address: str,
                   now: dt.datetime) -> None:
    session.add(LoginFailureRecord(username=username[:60], address=address[:64], at=now))


def failures_since(session: Session, *, username: str, address: str,
                   since: dt.datetime) -> tuple[int, int]:
    """Failures for this account, and from this address, since ``since``."""
    base = select(func.count()).select_from(LoginFailureRecord).where(
        LoginFailureRecord.at >= since)
    by_user = session.scalar(base.where(LoginFailureRecord.username == username[:60])) or 0
    by_addr = session.scalar(base.where(LoginFailureRecord.address == address[:64])) or 0
    return int(by_user), int(by_addr)


def clear_failures(session: Session, *, username: str) -> None:
    session.execute(delete(LoginFailureRecord).where(LoginFailureRecord.username == username))
