"""The unit of work: one transaction that commits whole or not at all."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.orm import Session

from pollguard.store.database import Database


class UnitOfWork:
    """``with UnitOfWork(db) as uow:`` gives ``uow.session``; leaving the block without an
    exception commits, with one rolls back, so a failed import leaves nothing behind."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self.session: Session

    def __enter__(self) -> UnitOfWork:
        self.session = self._db.sessions()
        self.session.begin()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            if exc_type is None:
                self.session.commit()
            else:
                self.session.rollback()
        finally:
            self.session.close()
