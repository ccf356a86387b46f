"""The small hand-made province (``small_plan``) as a command-centre database: three versions
of its plan and an account per kind of reader, so the web tests know every name, TPS and phone
a page or an answer should show.

- plan 1: ``small_plan()``, accepted, then replaced (superseded);
- plan 2: the plan in force, made from 1: Bripka Andi Saputra and Aipda Eko Prasetyo swap
  posts, Bripda Joko Susilo leaves the reserve (no longer assigned), all in Polres Kerinci;
- plan 3: a draft from 2 (Citra Lestari and Fajar Nugroho swap posts), made by the Kerinci
  account (its actor, as the web records it), which may therefore accept it.

Imported by the web and browser tests (``from small_web import ...``)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from conftest import fresh_database_url
from pollguard.access import Role
from pollguard.domain.plan import Plan
from pollguard.profile.model import dump_profile, load_profile
from pollguard.scenario.folder import write_scenario
from pollguard.services import accounts, scenarios
from pollguard.store import plans
from pollguard.store.database import Database, open_database
from pollguard.store.uow import UnitOfWork
from small_plan import DALMAS, GUARDS, KERINCI, MERANGIN, SCENARIO, small_plan

#: username -> (password, role, unit)
USERS = {"polda": ("polda-kecil-2024", Role.POLDA_COMMAND, None),
         "kerinci": ("kerinci-kecil-2024", Role.POLRES_OPS, KERINCI),
         "merangin": ("merangin-kecil-2024", Role.POLRES_OPS, MERANGIN),
         "gunungraya": ("gunungraya-kecil-2024", Role.POLSEK, "polsek.15.01.01"),
         "tni": ("tni-kecil-2024", Role.TNI_LIAISON, None)}
FIRST, IN_FORCE, DRAFT = 1, 2, 3
#: Who moves from plan 1 to plan 2 (the post swap and the one who leaves).
MOVED = (GUARDS[0].nrp, GUARDS[4].nrp, DALMAS[1].nrp)


def swapped(plan: Plan, one: str, other: str, *, drop: str | None = None) -> Plan:
    """``plan`` with the places of the officers ``one`` and ``other`` swapped (and ``drop``
    taken out of it)."""
    place = {a.nrp: a for a in plan.assignments}
    rows = []
    for a in plan.assignments:
        if a.nrp == drop:
            continue
        if a.nrp in (one, other):
            b = place[other if a.nrp == one else one]
            a = dataclasses.replace(a, target_id=b.target_id, pair=b.pair,
                                    travel_km=b.travel_km)
        rows.append(a)
    return dataclasses.replace(plan, assignments=tuple(rows))


def versions() -> tuple[Plan, Plan, Plan]:
    first = small_plan()
    in_force = swapped(first, GUARDS[0].nrp, GUARDS[4].nrp, drop=DALMAS[1].nrp)
    return first, in_force, swapped(in_force, GUARDS[2].nrp, GUARDS[5].nrp)


def fill(db: Database, folder: Path) -> None:
    """Load the small province, store its three plan versions and make the accounts."""
    write_scenario(SCENARIO, folder / "kecil")
    scenarios.load_scenario(db=db, folder=folder / "kecil")
    first, in_force, draft = versions()
    profile = dump_profile(load_profile())
    with UnitOfWork(db) as uow:
        ids = [plans.save(uow.session, first, assessment_id=None, parent_id=None,
                          note="rencana awal", profile_toml=profile),
               plans.save(uow.session, in_force, assessment_id=None, parent_id=FIRST,
                          note="tukar pos Andi dan Eko", profile_toml=profile),
               plans.save(uow.session, draft, assessment_id=None, parent_id=IN_FORCE,
                          note="tukar pos Citra dan Fajar", profile_toml=profile,
                          status=plans.DRAFT, author="kerinci (polres_ops)")]
    assert ids == [FIRST, IN_FORCE, DRAFT], ids
    for name, (password, role, unit) in USERS.items():
        accounts.create_user(db=db, username=name, password=password, role=role,
                             unit_code=unit)


@contextmanager
def small_database(folder: Path) -> Iterator[Database]:
    """A database of its own holding the small province, its plans and accounts."""
    with fresh_database_url(folder) as url:
        database = open_database(url)
        fill(database, folder)
        try:
            yield database
        finally:
            database.dispose()
