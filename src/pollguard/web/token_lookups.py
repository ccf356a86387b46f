"""Bearer tokens not yet in the principal cache, looked up together.

When the server starts on voting day (or restarts after a crash), every phone's next report
carries a token the server has not seen: hundreds of lookups at once. Looked up one by one,
each in its own thread and with its own database connection, they cost several milliseconds
of CPU each, more than the reports they guard, and the backlog they left kept the report p99
above its target for the rest of a 10 s run (issue 18). Here the tokens that miss the cache
while a lookup is running wait for the next one, which resolves all of them in one query
(``accounts.token_principals``): one lookup at a time, each for everything that queued.
"""

from __future__ import annotations

import asyncio
import threading

from anyio import to_thread

from pollguard.services import accounts
from pollguard.services.accounts import Principal
from pollguard.services.database import Database
from pollguard.web.security import PrincipalCache

# The most tokens one query asks for (the SQL parameter lists stay short).
MAX_TOKENS = 500


class TokenLookups:
    """Resolves the bearer tokens that missed ``cache`` in batches, and keeps what it finds
    there. Batches belong to one event loop at a time (the server has one); a call from
    another loop while a batch runs (a test client in another thread) looks its token up on
    its own. The lookups run in a worker thread."""

    def __init__(self, db: Database, cache: PrincipalCache) -> None:
        self.db, self.cache = db, cache
        self._waiting: dict[str, list[asyncio.Future[Principal | None]]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None  # the one a batch runs on
        self._lock = threading.Lock()
        self._task: asyncio.Task[None] | None = None

    async def principal(self, token: str) -> Principal | None:
        """The account of ``token``, or None when no active account has it."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[Principal | None] = loop.create_future()
        with self._lock:
            batched = self._loop is None or self._loop is loop
            start = self._loop is None
            if batched:
                self._waiting.setdefault(token, []).append(done)
                self._loop = loop
        if not batched:
            return (await to_thread.run_sync(self._look_up, [token])).get(token)
        if start:
            self._task = loop.create_task(self._resolve())
        return await done

    async def _resolve(self) -> None:
        while True:
            with self._lock:
                if not self._waiting:
                    self._loop = None
                    return
                tokens = list(self._waiting)[:MAX_TOKENS]
                waiters = {t: self._waiting.pop(t) for t in tokens}
            try:
                found = await to_thread.run_sync(self._look_up, tokens)
            except Exception as exc:  # the database: each request answers with it
                _settle(waiters, exc)
            else:
                _settle(waiters, found)

    def _look_up(self, tokens: list[str]) -> dict[str, Principal]:
        found = accounts.token_principals(db=self.db, tokens=tokens)
        self.cache.keep("token", found)
        return found


def _settle(waiters: dict[str, list[asyncio.Future[Principal | None]]],
            found: dict[str, Principal] | Exception) -> None:
    for token, waiting in waiters.items():
        for done in waiting:
            if done.done():  # its request was cancelled
                continue
            if isinstance(found, Exception):
                done.set_exception(found)
            else:
                done.set_result(found.get(token))
