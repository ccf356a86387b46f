"""Plan document use cases: write a plan's documents into a folder, list the ones an account
may download, and give one, written on first request and kept.

A plan version never changes, so a document written once for it is good for ever: the
command centre writes each on the first download into its export folder
(``plan-N/NAME``) and serves the file from then on. Which documents exist, and which a
jurisdiction may have, is decided here once for the API and the pages alike: per owner (each
Polres and the Polda pool) its plotting workbook and assignment cards, which only an account
of that whole owner (or the Polda command) may take, and the plan summary for the Polda
command only."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pollguard.access.scope import Scope
from pollguard.domain.command import POOL
from pollguard.domain.plan import Plan
from pollguard.domain.scenario import Scenario
from pollguard.planning.view import PlanView
from pollguard.reports import plan_docs
from pollguard.services.risk import NoScenarioError
from pollguard.store import plans
from pollguard.store import repository as repo
from pollguard.store.database import Database
from pollguard.store.uow import UnitOfWork

Kind = Literal["plotting", "cards", "summary"]
Writer = Callable[[Plan, Scenario, Path], list[Path]]

#: Per-owner documents: the file name pattern (the owner's file stem) and its writer.
PER_OWNER: dict[Kind, tuple[str, Writer]] = {
    "plotting": ("plotting_{}.xlsx", plan_docs.write_plotting_workbooks),
    "cards": ("kartu_{}.pdf", plan_docs.write_assignment_cards),
}
SUMMARY = "rencana_pengamanan.pdf"


def export_plan(*, db: Database, out: Path, plan_id: int | None = None) -> list[Path]:
    """Plotting workbooks, assignment cards, the plan summary, GeoJSON and KML."""
    with UnitOfWork(db) as uow:
        chosen = plan_id or plans.latest_id(uow.session)
        plan = plans.load(uow.session, chosen) if chosen else None
        scenario = repo.load_scenario(uow.session)
    if plan is None or scenario is None:
        raise NoScenarioError(f"no plan {plan_id}" if plan_id else "no plan yet")
    out.mkdir(parents=True, exist_ok=True)
    return plan_docs.write_all(plan, scenario, out)


def force_balance(*, db: Database, plan: Plan) -> list[plan_docs.Balance]:
    """Each Polres's force in ``plan``, then the Polda pool's (command and staff, Pawas,
    duties, guards, reserve, BKO), against the loaded scenario: what the command line prints
    after planning, by the documents' one rule of who owns which officer."""
    with UnitOfWork(db) as uow:
        scenario = repo.load_scenario(uow.session)
    if scenario is None:
        raise NoScenarioError("no scenario loaded")
    return plan_docs.force_balance(plan, scenario)


@dataclass(frozen=True)
class Document:
    name: str  # the file name, unique within a plan
    kind: Kind
    owner: str | None  # the Polres it covers; None: the Polda pool's or the whole Polda's


def documents(view: PlanView, scope: Scope) -> list[Document]:
    """The plan's documents ``scope`` may download: an owner's workbook and cards only for an
    account of that whole owner (or an unscoped one), the summary only for the Polda command.
    ``Scope()`` (unscoped) lists every document the plan has."""
    stems = plan_docs.file_stems(view)
    owners = [o for o in view.owners() if scope.everything or scope.unit_code == o]
    out = [Document(pattern.format(stems[o]), kind, None if o == POOL else o)
           for kind, (pattern, _) in PER_OWNER.items() for o in owners]
    if scope.everything:
        out.append(Document(SUMMARY, "summary", None))
    return out


class DocumentNotFoundError(LookupError):
    """The plan has no document of that name."""


class DocumentRefusedError(PermissionError):
    """The document covers more than the account's jurisdiction."""


_writing = threading.Lock()  # one writer at a time: two first requests write the file once


def document(view: PlanView, scope: Scope, *, plan_id: int, name: str, folder: Path) -> Path:
    """The file of document ``name`` of plan ``plan_id`` (``view``), for ``scope``: written
    into ``folder/plan-N`` on the first request, the same file afterwards.
    DocumentNotFoundError when the plan has no such document, DocumentRefusedError when it
    covers more than ``scope``."""
    if name not in {d.name for d in documents(view, Scope())}:
        raise DocumentNotFoundError(f"plan {plan_id} has no document {name}")
    allowed = {d.name: d for d in documents(view, scope)}
    if name not in allowed:
        raise DocumentRefusedError(f"{name} covers more than your jurisdiction")
    into = folder / f"plan-{plan_id}"
    path = into / name
    with _writing:
        if not path.exists():
            kind = allowed[name].kind
            write = plan_docs.write_plan_summary if kind == "summary" else PER_OWNER[kind][1]
            write(view.plan, view.scenario, into)
    return path
