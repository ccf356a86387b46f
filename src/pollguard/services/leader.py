"""Which one of several server processes on one database runs the clock (the escalation and
presence rounds): the one that holds a PostgreSQL session advisory lock, on a connection of its
own.

A round is safe to run twice (each incident is locked while it is moved, a post raises its
alert once), but every worker running it every interval multiplies the database work and the
log lines by the number of workers, and two rounds racing on the same empty post make one of
them fail. With one holder: every worker tries once per round; the holder keeps the lock for as
long as its connection lives, so when it dies (SIGKILL, a machine that stops), PostgreSQL frees
the lock with the connection and the next worker to try takes the clock over, within a round.
The connection asks PostgreSQL for TCP keepalives, so that a holder's machine that vanishes
without closing its connection loses the lock within about half a minute, not hours.

The lock is keyed by the schema as well (``hashtext(current_schema())``): operations kept in
schemas of one database (the tests do this) each have their own clock. SQLite has one writer
process (``pollguard serve`` refuses several workers there): its process always holds it.
"""

from __future__ import annotations

import contextlib
import logging
import threading

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from pollguard.store.database import make_engine

CLOCK_LOCK_KEY = 73_120_242  # beside audit's 73_120_241 (its per-transaction append lock)

# The server side notices a holder's vanished machine after idle + interval * count seconds.
_KEEPALIVE = ("SET tcp_keepalives_idle = 10", "SET tcp_keepalives_interval = 5",
              "SET tcp_keepalives_count = 3")

log = logging.getLogger("pollguard.clock")


class ClockLeader:
    """``holds()`` once per round: True while this process is the one that runs the clock."""

    def __init__(self, engine: Engine, key: int = CLOCK_LOCK_KEY) -> None:
        self._postgres = engine.dialect.name == "postgresql"
        # Its own engine without a pool: the lock lives and dies with one connection that the
        # request pool never hands out (nor recycles).
        self._engine = (make_engine(engine.url.render_as_string(hide_password=False),
                                    poolclass=NullPool) if self._postgres else None)
        self._key = key
        self._conn: Connection | None = None
        self._mutex = threading.Lock()
        self.held = not self._postgres

    def holds(self) -> bool:
        """Take the lock if it is free (or keep it): whether this process runs this round. A
        lost connection means a lost lock: the next call tries again on a new one."""
        if self._engine is None:
            return True
        with self._mutex:
            try:
                conn = self._connection()
                got = bool(conn.execute(
                    text("SELECT pg_try_advisory_lock(:k, hashtext(current_schema()))"),
                    {"k": self._key}).scalar())
                if got and self.held:  # taken again by its holder: keep the count at one
                    conn.execute(text("SELECT pg_advisory_unlock(:k, hashtext(current_schema()))"),
                                 {"k": self._key})
            except SQLAlchemyError:
                log.warning("clock lock: the database connection failed; trying again next "
                            "round", exc_info=True)
                self._drop()
                got = False
            if got != self.held:
                log.info("this worker %s the clock", "runs" if got else "no longer runs")
            self.held = got
            return got

    def release(self) -> None:
        """Give the clock up (the server stops): another worker takes it at its next round."""
        if self._engine is None:
            return
        with self._mutex:
            self._drop()
            self._engine.dispose()

    def _connection(self) -> Connection:
        if self._conn is None:
            assert self._engine is not None
            conn = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            try:
                for statement in _KEEPALIVE:
                    conn.execute(text(statement))
            except SQLAlchemyError:
                conn.close()
                raise
            self._conn = conn
        return self._conn

    def _drop(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(SQLAlchemyError):
                self._conn.close()
            self._conn = None
        self.held = False
