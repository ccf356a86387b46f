"""Alembic environment: runs on the connection PollGuard hands it (see store.database)."""

from alembic import context
from sqlalchemy import create_engine

from pollguard.store.database import _sqlite_pragmas
from pollguard.store.tables import Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:  # plain `alembic` command line: use sqlalchemy.url
        engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite:///pollguard.db")
        if engine.dialect.name == "sqlite":
            from sqlalchemy import event

            event.listen(engine, "connect", _sqlite_pragmas)
        with engine.begin() as connection:
            _run(connection)
        return
    _run(connection)


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


run()
