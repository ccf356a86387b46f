"""Opening the database: SQLite by default, PostgreSQL by URL; migrations run on open."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from pollguard.store.seal import AuditSeal, seal_for

ENV_URL = "POLLGUARD_DATABASE_URL"
DEFAULT_URL = "sqlite:///pollguard.db"


def database_url(explicit: str | None = None) -> str:
    """The URL to use: an explicit one, else ``$POLLGUARD_DATABASE_URL``, else ./pollguard.db.
    ``postgresql://`` URLs are given the psycopg 3 driver."""
    url = explicit or os.environ.get(ENV_URL) or DEFAULT_URL
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return url


def make_engine(url: str, **kwargs: Any) -> Engine:
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    elif engine.dialect.name == "postgresql":
        event.listen(engine, "connect", _postgresql_settings)
    return engine


def _postgresql_settings(dbapi_connection: Any, _record: Any) -> None:
    """Every statement planned for the values it runs with (``plan_cache_mode``).

    psycopg prepares a statement on the server once it has run it five times, and PostgreSQL
    then keeps a generic plan for it if that looks no worse than the plans so far. On voting
    day the server starts with ``field_report`` empty: the lookup of a batch's client ids got a
    sequential scan, cheapest on an empty table, and kept it for the life of the connection
    while the table grew, so that PostgreSQL's CPU per report rose from 0.3 to 0.9 ms within
    two minutes at 1,100 reports/s (issue 18, bench/live_bench.py). Planning each time costs
    PostgreSQL microseconds on these short statements."""
    cursor = dbapi_connection.cursor()
    cursor.execute("SET plan_cache_mode = force_custom_plan")
    cursor.close()
    dbapi_connection.commit()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets the web server read while the CLI writes; foreign keys are off by default."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    return cfg


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision``: every command calls this, so users never have to."""
    with engine.begin() as connection:
        cfg = alembic_config()
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


@dataclass
class Database:
    engine: Engine
    sessions: sessionmaker[Session]
    seal: AuditSeal

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def dispose(self) -> None:
        self.seal.close()
        self.engine.dispose()


def open_database(url: str | None = None, *, upgrade: bool = True,
                  **engine_kwargs: Any) -> Database:
    engine = make_engine(database_url(url), **engine_kwargs)
    if upgrade:
        migrate(engine)
    seal = seal_for(engine.url.render_as_string(hide_password=False))
    sessions = sessionmaker(engine, expire_on_commit=False, info={SEAL: seal})
    event.listen(sessions, "after_commit", _after_commit)
    event.listen(sessions, "after_rollback", _after_rollback)
    return Database(engine, sessions, seal)


SEAL = "audit_seal"  # Session.info key: the seal its audit entries are keyed with
PENDING = "audit_pending"  # Session.info key: entries appended in the open transaction


def _after_commit(session: Session) -> None:
    """Checkpoints are written only for what committed: a rolled-back append must not leave
    a checkpoint that names an entry the log never held."""
    pending = session.info.pop(PENDING, None)
    if pending:
        try:
            session.info[SEAL].committed(pending["last"], pending["marks"], pending["head"])
        except OSError:
            logging.getLogger("pollguard.audit").exception("audit checkpoint not written")


def _after_rollback(session: Session) -> None:
    session.info.pop(PENDING, None)
