"""Shared fixtures. Every test that touches a database gets one of its own: a SQLite file by
default, or, when ``POLLGUARD_TEST_DATABASE_URL`` names a PostgreSQL server, a schema or a
database of its own on that server (dropped afterwards), so the same suite runs on both.

Loading Jambi takes a second or more, and assessing and planning it several, so each is done
once per session (per xdist worker) into a template database that no test opens: a test that
asks for ``loaded_db`` and a module that asks for ``planned_db`` get a copy of their own, a
file copy on SQLite and ``CREATE DATABASE ... TEMPLATE`` on PostgreSQL. The template's audit
key and checkpoints are copied to the copy's own seal files (the chain is keyed with that
key), so the copy verifies like a database loaded in the test."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from pollguard.scenario.folder import write_scenario
from pollguard.scenario.jambi import build_jambi
from pollguard.services import scenarios
from pollguard.store.database import Database, database_url, open_database
from pollguard.store.seal import seal_for

TEST_DB_ENV = "POLLGUARD_TEST_DATABASE_URL"
REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("POLLGUARD_SHARED_DATA", REPO.parent / "shared" / "data"))
# Servers the tests start do not write every document of a plan in the background when it
# is accepted (minutes of CPU per accepted Jambi plan); tests/test_documents_prebuild.py
# turns it on where it checks it.
os.environ.setdefault("POLLGUARD_PREBUILD_DOCUMENTS", "0")


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
    folder (beside a SQLite file; for PostgreSQL, under POLLGUARD_STATE_DIR), never a
    developer's own, and no developer's key applies. Set for the whole session, before
    module-scoped databases open; servers started as processes inherit it."""
    saved = {k: os.environ.pop(k) for k in (*AUDIT_ENV, "POLLGUARD_STATE_DIR")
             if k in os.environ}
    os.environ["POLLGUARD_STATE_DIR"] = str(tmp_path_factory.mktemp("state"))
    yield
    os.environ.pop("POLLGUARD_STATE_DIR", None)
    os.environ.update(saved)


# --- Databases of their own -------------------------------------------------------------------

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


@contextmanager
def copied_database_url(template: str, folder: Path, name: str = "test.db") -> Iterator[str]:
    """A private copy of ``template`` (a URL from ``_template_url``, closed): a file copy
    ``name`` in ``folder``, or a new database on the test server; its audit seal is the
    template's."""
    server = os.environ.get(TEST_DB_ENV)
    if not server:
        source = Path(str(make_url(template).database))
        copy = folder / name
        shutil.copyfile(source, copy)
        wal = source.with_name(source.name + "-wal")  # empty after _freeze; kept in step if not
        if wal.exists():
            shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
        url = f"sqlite:///{copy}"
        _copy_seal(template, url)
        yield url
        return
    with _server_database(server, template=str(make_url(template).database)) as url:
        _copy_seal(template, url)
        yield url


@contextmanager
def _template_url(folder: Path) -> Iterator[str]:
    """Where a session template lives: a SQLite file, or a database of its own on the server
    (``CREATE DATABASE ... TEMPLATE`` copies a whole database, not a schema)."""
    server = os.environ.get(TEST_DB_ENV)
    if not server:
        yield f"sqlite:///{folder / 'template.db'}"
        return
    with _server_database(server) as url:
        yield url


@contextmanager
def _server_database(server: str, template: str | None = None) -> Iterator[str]:
    """A new database on the test server, empty or a copy of the database ``template``
    (which nobody may be connected to); dropped afterwards, whoever is still connected."""
    base = make_url(database_url(server))
    name = f"pollguard_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'
                              + (f' TEMPLATE "{template}"' if template else "")))
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _copy_seal(source_url: str, copy_url: str) -> None:
    """Give the copy the template's audit key and checkpoints, at the copy's own seal paths
    (beside a SQLite file; under POLLGUARD_STATE_DIR by the URL's hash for a server)."""
    source, copy = seal_for(source_url), seal_for(copy_url)
    for src, dst in ((source.key_file, copy.key_file),
                     (source.checkpoint_path, copy.checkpoint_path)):
        if src is not None and dst is not None and src != dst and src.exists():
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)


def _freeze(database: Database) -> None:
    """Close a template for copying: everything in the main SQLite file (no WAL left), the
    newest audit entry checkpointed, no connection open."""
    if database.engine.dialect.name == "sqlite":
        with database.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.dispose()


# --- The fixtures -----------------------------------------------------------------------------

@pytest.fixture
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """This test's own database: a copy of the loaded Jambi scenario when the test (or a
    fixture it uses) asks for ``loaded_db``, else an empty one."""
    if "loaded_db" in request.fixturenames:
        template: str = request.getfixturevalue("loaded_template")
        with copied_database_url(template, tmp_path) as url:
            yield url
        return
    with fresh_database_url(tmp_path) as url:
        yield url


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


@pytest.fixture(scope="session")
def loaded_template(_audit_seals_in_the_session_folder: None,
                    tmp_path_factory: pytest.TempPathFactory, jambi_dir: Path) -> Iterator[str]:
    """Jambi migrated and loaded, once per session; only ever copied (``loaded_db``)."""
    with _template_url(tmp_path_factory.mktemp("loaded-template")) as url:
        database = open_database(url)
        scenarios.load_scenario(db=database, folder=jambi_dir)
        _freeze(database)
        yield url


@pytest.fixture(scope="session")
def planned_template(loaded_template: str,
                     tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The loaded template, assessed, planned and given the demo accounts, once per session;
    only ever copied (``planned_db``)."""
    from pollguard.services import accounts, planning, risk

    folder = tmp_path_factory.mktemp("planned-template")
    with copied_database_url(loaded_template, folder) as url:
        database = open_database(url)
        risk.run_assessment(db=database, note="make demo")  # as `pollguard demo` does
        planning.run_plan(db=database, note="make demo")
        accounts.demo_accounts(db=database)
        _freeze(database)
        yield url


@pytest.fixture
def demo_db_url(planned_template: str, tmp_path: Path) -> Iterator[str]:
    """The URL of this test's own copy of the database ``pollguard demo`` leaves (loaded,
    assessed, planned, the demo accounts), for command-line tests that start there; the demo
    command itself is tested in tests/test_cli.py."""
    with copied_database_url(planned_template, tmp_path, "demo.db") as url:
        yield url


@pytest.fixture
def loaded_db(db: Database) -> Database:
    """The Jambi scenario, loaded: this test's own copy (``db_url`` is its URL)."""
    return db


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"reference data folder {SHARED_DATA} is absent")
    return SHARED_DATA


@pytest.fixture(scope="module")
def planned_db(planned_template: str,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The Jambi demo as ``pollguard demo`` leaves it: loaded, assessed, planned, with one
    account per role. The module's own copy, shared by its tests, which may add plan versions
    but must not assume they are alone."""
    with copied_database_url(planned_template, tmp_path_factory.mktemp("planned")) as url:
        database = open_database(url)
        yield database
        database.dispose()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Debian's Chromium through Playwright, one per browser test module (browser_support
    says how it is launched; modules call ``require_chromium`` to skip without it)."""
    from browser_support import chromium, require_chromium

    require_chromium()
    with chromium(tmp_path_factory.mktemp("home")) as b:
        yield b


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where browser tests save their screenshots: $POLLGUARD_SCREENSHOTS to look at them."""
    chosen = os.environ.get("POLLGUARD_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
