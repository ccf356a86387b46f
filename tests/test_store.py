"""Storage: migrations, a scenario in and out, transactions that commit whole or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text

from pollguard.domain.scenario import Scenario
from pollguard.scenario.folder import read_scenario
from pollguard.services import scenarios
from pollguard.store import field_reports
from pollguard.store import repository as repo
from pollguard.store.database import Database, database_url, open_database
from pollguard.store.tables import OfficerRecord
from pollguard.store.uow import UnitOfWork


def test_migrations_create_every_table(db: Database) -> None:
    tables = set(inspect(db.engine).get_table_names())
    assert {"alembic_version", "region", "tps", "unit", "unit_jurisdiction", "officer",
            "tni_strength", "linmas_strength", "scenario"} <= tables


def test_migrating_twice_is_harmless(db_url: str) -> None:
    open_database(db_url).dispose()
    open_database(db_url).dispose()


def test_the_database_enforces_what_it_should(db: Database) -> None:
    """SQLite runs in WAL mode with foreign keys on (both off by default); PostgreSQL always
    enforces foreign keys."""
    with db.engine.connect() as conn:
        if db.engine.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        else:
            assert db.engine.dialect.name == "postgresql"
            assert conn.exec_driver_sql("SHOW server_version_num").scalar() >= "130000"
            assert conn.exec_driver_sql("SHOW plan_cache_mode").scalar() == "force_custom_plan"


def test_postgresql_plans_each_lookup_for_the_table_as_it_is(db: Database) -> None:
    """A statement psycopg has prepared (after five runs) is never given a generic plan: one
    made while ``field_report`` was empty scanned the whole table once it had grown."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's plan cache")
    ids = [f"c{i}" for i in range(3)]
    with db.sessions() as session:
        session.execute(text("ANALYZE field_report"))  # empty, as autovacuum sees it at first
        for _ in range(20):  # prepared after 5 runs; generic plans are weighed after 5 more
            assert field_reports.get_many(session, ids) == {}
        plans = session.execute(text(
            "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements")).all()
    lookups = [p for p in plans if "field_report" in p.statement]
    assert lookups, plans  # psycopg did prepare it
    assert all(p.generic_plans == 0 and p.custom_plans >= 3 for p in lookups), lookups


def test_postgres_urls_get_the_psycopg_driver() -> None:
    assert database_url("postgresql://u@h/db").startswith("postgresql+psycopg://")
    assert database_url("sqlite:///x.db") == "sqlite:///x.db"


def _sorted(s: Scenario) -> tuple[object, ...]:
    return (s.info, sorted(s.regions, key=lambda r: r.code), sorted(s.tps, key=lambda t: t.tps_id),
            sorted(s.units, key=lambda u: u.code), sorted(s.officers, key=lambda o: o.nrp),
            sorted(s.tni, key=lambda c: c.code), sorted(s.linmas, key=lambda c: c.code))


def test_a_loaded_scenario_reads_back_equal(loaded_db: Database, jambi_dir: Path) -> None:
    with UnitOfWork(loaded_db) as uow:
        stored = repo.load_scenario(uow.session)
    assert stored is not None
    assert _sorted(stored) == _sorted(read_scenario(jambi_dir))


def test_loading_over_a_scenario_needs_replace(loaded_db: Database, jambi_dir: Path) -> None:
    with pytest.raises(scenarios.ScenarioExistsError, match="--replace"):
        scenarios.load_scenario(db=loaded_db, folder=jambi_dir)
    summary = scenarios.load_scenario(db=loaded_db, folder=jambi_dir, replace=True)
    assert scenarios.summary(db=loaded_db) == summary


def test_a_failed_unit_of_work_leaves_nothing(loaded_db: Database) -> None:
    before = scenarios.summary(db=loaded_db)
    with pytest.raises(RuntimeError), UnitOfWork(loaded_db) as uow:
        uow.session.execute(OfficerRecord.__table__.delete())
        raise RuntimeError("interrupted")
    assert scenarios.summary(db=loaded_db) == before


def test_upsert_adds_and_updates_by_nrp(loaded_db: Database, jambi_dir: Path) -> None:
    officers = read_scenario(jambi_dir).officers
    moved = [o.__class__(o.nrp, o.name + " Jr", o.rank, o.branch, o.unit_code,
                         o.home_unit_code, o.bko, o.phone) for o in officers[:2]]
    with UnitOfWork(loaded_db) as uow:
        assert repo.upsert_officers(uow.session, moved) == (0, 2)
    with UnitOfWork(loaded_db) as uow:
        names = uow.session.scalars(select(OfficerRecord.name).where(
            OfficerRecord.nrp.in_([o.nrp for o in moved]))).all()
    assert sorted(names) == sorted(o.name for o in moved)


def test_the_sql_polres_of_each_tps_is_the_command_index_rule(loaded_db: Database) -> None:
    """Field reports find a TPS's Polres in one query (the voting-day hot path); it must be
    the rule the rest of PollGuard asks CommandIndex for, TPS for TPS."""
    from pollguard.domain.command import CommandIndex
    from pollguard.store import incidents
    from pollguard.store.uow import UnitOfWork

    with UnitOfWork(loaded_db) as uow:
        scenario = repo.load_scenario(uow.session)
        in_sql = incidents.polres_of_tps(uow.session)
    assert scenario is not None
    assert in_sql == CommandIndex(scenario).polres_by_tps and len(in_sql) == 6391
