"""The small province moved to Papua Pegunungan (``small_plan.elsewhere("95")``: WIT, distrik)
as a command-centre database: its scenario, its plan in force and a Polda account, so the web
and browser tests can see a page speak the operation's clock and level names. Imported by
``test_papua_names`` and ``test_papua_browser`` (``from papua_web import ...``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from conftest import fresh_database_url
from pollguard.access import Role
from pollguard.profile.model import dump_profile, load_profile
from pollguard.services import accounts
from pollguard.store import plans
from pollguard.store import repository as repo
from pollguard.store.database import Database, open_database
from pollguard.store.uow import UnitOfWork
from small_plan import elsewhere

USER, PASSWORD = "polda", "polda-papua-2024"


def fill(db: Database) -> int:
    """Store the Papua Pegunungan scenario (its desa codes are the small province's, so it is
    stored as it is rather than read from a folder checked against Kemendagri's), its plan in
    force and the Polda account; returns the plan's id."""
    scenario, plan = elsewhere("95")
    with UnitOfWork(db) as uow:
        repo.replace_scenario(uow.session, scenario)
        plan_id = plans.save(uow.session, plan, assessment_id=None, parent_id=None,
                             note="rencana awal", profile_toml=dump_profile(load_profile()))
    accounts.create_user(db=db, username=USER, password=PASSWORD, role=Role.POLDA_COMMAND)
    return plan_id


@contextmanager
def papua_database(folder: Path) -> Iterator[Database]:
    """A database of its own holding the Papua Pegunungan operation."""
    with fresh_database_url(folder) as url:
        database = open_database(url)
        fill(database)
        try:
            yield database
        finally:
            database.dispose()
