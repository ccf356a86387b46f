"""Shared fixtures. Every test that touches a database gets a fresh one: a SQLite file by
default, or, when ``POLLGUARD_TEST_DATABASE_URL`` names a PostgreSQL server, a schema of its own
on that server (dropped afterwards), so the same suite runs on both."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from pollguard.scenario.folder import write_scenario
from pollguard.scenario.jambi import build_jambi
from pollguard.services import scenarios
from pollguard.store.database import Database, database_url, open_database

TEST_DB_ENV = "POLLGUARD_TEST_DATABASE_URL"
REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("POLLGUARD_SHARED_DATA", REPO.parent / "shared" / "data"))


def pytest_report_header() -> str:
    url = os.environ.get(TEST_DB_ENV)
    shared = SHARED_DATA if SHARED_DATA.is_dir() else "absent (those tests skip)"
    return f"database: {url or 'SQLite (temporary files)'}; shared data: {shared}"


@pytest.fixture(autouse=True)
def _no_ambient_database(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may fall back to a developer's ./pollguard.db or their environment."""
    monkeypatch.delenv("POLLGUARD_DATABASE_URL", raising=False)


AUDIT_ENV = ("POLLGUARD_AUDIT_KEY", "POLLGUARD_AUDIT_KEY_FILE", "POLLGUARD_AUDIT_CHECKPOINTS",
             "POLLGUARD_AUDIT_CHECKPOINT_EVERY")


@pytest.fixture(scope="session", autouse=True)
def _audit_seals_in_the_session_folder(tmp_path_factory: pytest.TempPathFactory
                                       ) -> Iterator[None]:
    """Audit keys and checkpoint files of test databases go to the session's temporary
    folder (beside a SQLite file; for PostgreSQL schemas, under POLLGUARD_STATE_DIR), never
    a developer's own, and no developer's key applies. Set for the whole session, before
    module-scoped databases open; servers started as processes inherit it."""
    saved = {k: os.environ.pop(k) for k in (*AUDIT_ENV, "POLLGUARD_STATE_DIR")
             if k in os.environ}
    os.environ["POLLGUARD_STATE_DIR"] = str(tmp_path_factory.mktemp("state"))
    yield
    os.environ.pop("POLLGUARD_STATE_DIR", None)
    os.environ.update(saved)


@pytest.fixture
def db_url(tmp_path: Path) -> Iterator[str]:
    with fresh_database_url(tmp_path) as url:
        yield url


@contextmanager
def fresh_database_url(folder: Path) -> Iterator[str]:
    """An empty database: a SQLite file in ``folder``, or a new schema on the test server."""
    server = os.environ.get(TEST_DB_ENV)
    if not server:
        yield f"sqlite:///{folder / 'test.db'}"
        return
    base = make_url(database_url(server))
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = open_database(db_url)
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def jambi_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built-in scenario, built once per session (read-only: copy before changing)."""
    folder = tmp_path_factory.mktemp("jambi")
    write_scenario(build_jambi(), folder)
    return folder


@pytest.fixture
def jambi_copy(jambi_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the Jambi scenario folder that a test may break."""
    return Path(shutil.copytree(jambi_dir, tmp_path / "scenario"))


@pytest.fixture
def loaded_db(db: Database, jambi_dir: Path) -> Database:
    scenarios.load_scenario(db=db, folder=jambi_dir)
    return db


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"reference data folder {SHARED_DATA} is absent")
    return SHARED_DATA


@pytest.fixture(scope="module")
def planned_db(tmp_path_factory: pytest.TempPathFactory, jambi_dir: Path) -> Iterator[Database]:
    """The Jambi demo as ``pollguard demo`` leaves it: loaded, assessed, planned, with one
    account per role. Shared by a module's tests, which may add plan versions but must not
    assume they are alone."""
    from pollguard.services import accounts, planning, risk

    with fresh_database_url(tmp_path_factory.mktemp("planned")) as url:
        database = open_database(url)
        scenarios.load_scenario(db=database, folder=jambi_dir)
        risk.run_assessment(db=database)
        planning.run_plan(db=database)
        accounts.demo_accounts(db=database)
        yield database
        database.dispose()
