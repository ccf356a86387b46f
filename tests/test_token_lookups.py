"""Bearer tokens that miss the principal cache are looked up together (web/token_lookups.py):
hundreds of phones reporting at once after a (re)start cost a few queries, not one query and
one thread each, and every phone is still who its own token says, refused when no active
account holds it."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from pollguard.services import accounts
from pollguard.store.database import Database
from pollguard.store.tables import UserRecord
from pollguard.store.uow import UnitOfWork
from pollguard.web.app import create_app
from pollguard.web.security import PrincipalCache
from pollguard.web.settings import WebSettings
from pollguard.web.token_lookups import TokenLookups


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = accounts.token_principals

    def counted(*, db: Database, tokens: Any) -> Any:
        calls.append(len(tokens))
        return real(db=db, tokens=tokens)

    monkeypatch.setattr(accounts, "token_principals", counted)
    return calls


def test_many_phones_at_once_cost_a_few_queries_and_each_is_who_its_token_says(
        planned_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    users = ["polda", "polres", "petugas", "tni"]
    tokens = {accounts.create_token(db=planned_db, username=u, name=f"phone {i}"): u
              for i in range(30) for u in users}
    app = create_app(planned_db, WebSettings(escalate=False, prebuild=False))
    calls = _counting(monkeypatch)

    async def everyone() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://pg") as client:
            return list(await asyncio.gather(*(
                client.get("/api/v1/session", headers={"Authorization": f"Bearer {t}"})
                for t in [*tokens, "pgt_not-a-token"])))

    answers = asyncio.run(everyone())
    assert [a.json()["username"] for a in answers[:-1]] == list(tokens.values())
    assert answers[-1].status_code == 401
    assert sum(calls) == len(tokens) + 1  # every token asked for once
    assert len(calls) <= 3, calls  # together, not one query each
    # Now they are remembered: no more queries.
    again = asyncio.run(everyone())
    assert [a.status_code for a in again[:-1]] == [200] * len(tokens)
    assert sum(calls) == len(tokens) + 2  # only the unknown token asked for again


def test_a_deactivated_account_and_an_unknown_token_find_nobody(planned_db: Database) -> None:
    kept = accounts.create_token(db=planned_db, username="kpu", name="observer tablet")
    gone = accounts.create_token(db=planned_db, username="bawaslu", name="old tablet")
    with UnitOfWork(planned_db) as uow:
        uow.session.execute(update(UserRecord).where(UserRecord.username == "bawaslu")
                            .values(active=False))
    cache = PrincipalCache()
    lookups = TokenLookups(planned_db, cache)

    async def look() -> list[Any]:
        return list(await asyncio.gather(*(lookups.principal(t)
                                           for t in (kept, gone, "pgt_nobody"))))

    try:
        found = asyncio.run(look())
        assert found[0] is not None and found[0].username == "kpu" and found[0].via == "token"
        assert found[1:] == [None, None]
        assert cache.cached("token", kept) == found[0]
        assert cache.cached("token", gone) is None
    finally:
        with UnitOfWork(planned_db) as uow:
            uow.session.execute(update(UserRecord).where(UserRecord.username == "bawaslu")
                                .values(active=True))


def test_a_failed_lookup_answers_every_waiting_request_and_the_next_one_retries(
        planned_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    token = accounts.create_token(db=planned_db, username="polres", name="tablet")
    lookups = TokenLookups(planned_db, PrincipalCache())
    real = accounts.token_principals

    def broken(**kw: Any) -> Any:
        raise RuntimeError("database gone")

    monkeypatch.setattr(accounts, "token_principals", broken)

    async def two() -> list[Any]:
        return list(await asyncio.gather(lookups.principal(token), lookups.principal(token),
                                         return_exceptions=True))

    assert all(isinstance(e, RuntimeError) for e in asyncio.run(two()))
    monkeypatch.setattr(accounts, "token_principals", real)
    assert [p.username for p in asyncio.run(two())] == ["polres", "polres"]
