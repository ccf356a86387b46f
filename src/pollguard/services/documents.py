"""Plan document use cases: write a plan's documents into a folder, list the ones an account
may download, give one, and build them all in the background when a plan comes into force.

A plan version never changes, so a document written once for it is good for ever: the
command centre writes each into its export folder (``plan-N/NAME``) and serves the file from
then on. Accepting a plan starts writing all its documents at once in a background thread
(``prebuild``), so that the Polres workbook, Sprin or card set a Kabag Ops downloads
afterwards is a file already on disk; a document asked for before its turn is written on
that request. Files are written into a scratch folder and moved into place, so a download
never sees half a file.

Which documents exist, and which a jurisdiction may have, is decided here once for the API
and the pages alike: per owner (each Polres and the Polda pool) its Sprin, plotting annex
(XLSX and PDF), assignment cards (eight per page and A6) and WhatsApp texts, which only an
account of that whole owner (or the Polda command) may take, and the Rencana Pengamanan for
the Polda command only."""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pollguard.access.scope import Scope
from pollguard.domain.command import POOL
from pollguard.domain.plan import Plan
from pollguard.domain.scenario import Scenario
from pollguard.i18n.refusals import ErrorCode
from pollguard.planning.update import moves
from pollguard.planning.view import PlanView
from pollguard.reports import plan_docs
from pollguard.reports.plan_docs.amendment import file_stem
from pollguard.reports.plan_docs.heading import heading
from pollguard.services.risk import NoScenarioError
from pollguard.store import plans
from pollguard.store import repository as repo
from pollguard.store.database import Database
from pollguard.store.plans import PlanInfo
from pollguard.store.uow import UnitOfWork

Kind = Literal["sprin", "plotting", "annex", "cards", "cards_a6", "text", "summary"]
Writer = Callable[[Plan, Scenario, Path], list[Path]]


@dataclass(frozen=True)
class Written:
    """How a plan's documents are written: the plan's number (the Rencana Pengamanan prints
    it) and a unit's own Word templates folder (``sprin.docx``, ``sprin_perubahan.docx``:
    its letterhead around PollGuard's tags), or None for the shipped ones."""

    plan_id: int | None = None
    templates: Path | None = None

    def template(self, name: str) -> Path | None:
        found = self.templates / name if self.templates else None
        return found if found and found.is_file() else None

#: Per-owner documents, in the order a Kabag Ops reads them: the file name pattern (the
#: owner's file stem) and its writer (which writes every owner's file of its kind at once).
PER_OWNER: dict[Kind, tuple[str, Writer]] = {
    "sprin": ("sprin_{}.docx", plan_docs.write_sprin),
    "plotting": ("plotting_{}.xlsx", plan_docs.write_plotting_workbooks),
    "annex": ("lampiran_{}.pdf", plan_docs.write_annex_pdf),
    "cards": ("kartu_{}.pdf", plan_docs.write_assignment_cards),
    "cards_a6": ("kartu_a6_{}.pdf", plan_docs.write_assignment_cards),
    "text": ("pesan_{}.txt", plan_docs.write_texts),
}
SUMMARY = "rencana_pengamanan.pdf"
#: What each file is, for the download's Content-Type.
MEDIA = {".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         ".pdf": "application/pdf", ".txt": "text/plain; charset=utf-8"}


def media_type(name: str) -> str:
    return MEDIA.get(Path(name).suffix, "application/octet-stream")


def as_written(view: PlanView, info: PlanInfo | None) -> PlanView:
    """The plan as its documents are written: a re-vote (PSU) plan's orders are for its own
    day, so its scenario's voting day is the PSU date, and the order's dates and numbers are
    left to the defaults (flagged for the Kabag Ops): a PSU gets a Sprin of its own, not the
    operation's number. Any other plan as it is."""
    if info is None or info.kind != plans.PSU or info.psu_date is None:
        return view
    s = view.scenario
    operation = dataclasses.replace(
        s.operation, issued=None, start=None, end=None,
        units={code: dataclasses.replace(u, number="") for code, u in s.operation.units.items()})
    scenario = dataclasses.replace(
        s, info=dataclasses.replace(s.info, voting_date=info.psu_date), operation=operation)
    return PlanView(view.plan, scenario)


def _written(db: Database, plan_id: int | None) -> tuple[int, PlanView]:
    """Plan ``plan_id`` (the plan in force when None) with the loaded scenario, as its
    documents are written (``as_written``), and its number; NoScenarioError when either is
    missing."""
    with UnitOfWork(db) as uow:
        chosen = plan_id or plans.latest_id(uow.session)
        plan = plans.load(uow.session, chosen) if chosen else None
        info = plans.info(uow.session, chosen) if chosen else None
        scenario = repo.load_scenario(uow.session)
    if plan is None or scenario is None:
        raise (NoScenarioError(code=ErrorCode.PLAN_UNKNOWN, plan=plan_id) if plan_id else
               NoScenarioError(code=ErrorCode.PLAN_NONE))
    assert chosen is not None
    return chosen, as_written(PlanView(plan, scenario), info)


def export_plan(*, db: Database, out: Path, plan_id: int | None = None,
                templates: Path | None = None) -> list[Path]:
    """Every plan document: the Sprin, the plotting annex (XLSX, PDF), the cards, the texts,
    the Rencana Pengamanan, GeoJSON and KML. ``templates``: a unit's own Word templates."""
    chosen, view = _written(db, plan_id)
    out.mkdir(parents=True, exist_ok=True)
    return plan_docs.write_all(view.plan, view.scenario, out, version=chosen,
                               template=Written(chosen, templates).template("sprin.docx"))


def defaults(*, db: Database, plan_id: int | None = None) -> dict[str, tuple[str, ...]]:
    """Per unit whose order has any (its name), the fields of its Sprin a default filled in
    because the scenario's ``[operation]`` left them out: what the command line tells the
    Kabag Ops to check before the Kapolres signs."""
    try:
        _, view = _written(db, plan_id)
    except NoScenarioError:
        return {}
    found = {h.unit_name: h.defaulted for h in (heading(view, o) for o in view.owners())}
    return {name: fields for name, fields in found.items() if fields}


def force_balance(*, db: Database, plan: Plan) -> list[plan_docs.Balance]:
    """Each Polres's force in ``plan``, then the Polda pool's (command and staff, Pawas,
    duties, guards, reserve, BKO), against the loaded scenario: what the command line prints
    after planning, by the documents' one rule of who owns which officer."""
    with UnitOfWork(db) as uow:
        scenario = repo.load_scenario(uow.session)
    if scenario is None:
        raise NoScenarioError(code=ErrorCode.NO_SCENARIO)
    return plan_docs.force_balance(plan, scenario)


@dataclass(frozen=True)
class Document:
    name: str  # the file name, unique within a plan
    kind: Kind
    owner: str | None  # the Polres it covers; None: the Polda pool's or the whole Polda's


def documents(view: PlanView, scope: Scope) -> list[Document]:
    """The plan's documents ``scope`` may download: an owner's documents only for an account
    of that whole owner (or an unscoped one), the summary only for the Polda command.
    ``Scope()`` (unscoped) lists every document the plan has."""
    stems = plan_docs.file_stems(view)
    owners = [o for o in view.owners() if scope.everything or scope.unit_code == o]
    out = [Document(pattern.format(stems[o]), kind, None if o == POOL else o)
           for o in owners for kind, (pattern, _) in PER_OWNER.items()]
    if scope.everything:
        out.append(Document(SUMMARY, "summary", None))
    return out


class DocumentNotFoundError(LookupError):
    """The plan has no document of that name."""


class DocumentRefusedError(PermissionError):
    """The document covers more than the account's jurisdiction."""


_locks_lock = threading.Lock()
_locks: dict[tuple[Path, str], threading.Lock] = {}


def _lock(into: Path, kind: str) -> threading.Lock:
    """One writer per plan folder and kind: two first requests (or a request and the
    background build) write a kind's files once."""
    with _locks_lock:
        return _locks.setdefault((into, kind), threading.Lock())


def _writer(kind: Kind, how: Written) -> Writer:
    if kind == "summary":
        return lambda p, s, o: plan_docs.write_plan_summary(p, s, o, version=how.plan_id)
    if kind == "sprin":
        return lambda p, s, o: plan_docs.write_sprin(p, s, o, how.template("sprin.docx"))
    return PER_OWNER[kind][1]


def _once(into: Path, key: str, name: str, write: Callable[[Path], list[Path]]) -> Path:
    """``into/name``, written by ``write`` (into a scratch folder, then moved in file by
    file: a rename within one folder, so no reader sees half a file) unless it is there
    already; one writer per ``key`` at a time, so two first requests write it once."""
    if (into / name).exists():
        return into / name
    with _lock(into, key):
        if (into / name).exists():
            return into / name
        into.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=f".{key}-", dir=into))
        try:
            for path in write(scratch):
                if path.is_file() and not (into / path.name).exists():
                    os.replace(path, into / path.name)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return into / name


def _write(view: PlanView, kind: Kind, into: Path, name: str, how: Written) -> None:
    """Write ``kind``'s files (every owner's) for the plan into ``into`` unless ``name``
    is there."""
    _once(into, kind, name,
          lambda scratch: _writer(kind, how)(view.plan, view.scenario, scratch))


def document(view: PlanView, scope: Scope, *, plan_id: int, name: str, folder: Path,
             templates: Path | None = None) -> Path:
    """The file of document ``name`` of plan ``plan_id`` (``view``), for ``scope``: the file
    already written (by ``prebuild`` or an earlier request), or written now.
    DocumentNotFoundError when the plan has no such document, DocumentRefusedError when it
    covers more than ``scope``."""
    every = {d.name: d for d in documents(view, Scope())}
    if name not in every:
        raise DocumentNotFoundError(f"rencana {plan_id} tidak memiliki dokumen {name} / "
                                    f"plan {plan_id} has no document {name}")
    if name not in {d.name for d in documents(view, scope)}:
        raise DocumentRefusedError(f"{name} mencakup lebih dari wilayah Anda / {name} covers "
                                   "more than your jurisdiction")
    into = folder / f"plan-{plan_id}"
    _write(view, every[name].kind, into, name, Written(plan_id, templates))
    return into / name


def prebuild(view: PlanView, *, plan_id: int, folder: Path,
             templates: Path | None = None) -> list[Path]:
    """Write every document of plan ``plan_id`` now, kind by kind (a download of a kind not
    yet written writes it itself meanwhile)."""
    into = folder / f"plan-{plan_id}"
    firsts: dict[Kind, str] = {}
    for d in documents(view, Scope()):
        firsts.setdefault(d.kind, d.name)
    for kind, name in firsts.items():
        _write(view, kind, into, name, Written(plan_id, templates))
    return sorted(p for p in into.iterdir() if p.is_file())


def prebuild_in_background(view: PlanView, *, plan_id: int, folder: Path,
                           templates: Path | None = None) -> threading.Thread:
    """``prebuild`` in a daemon thread: what accepting a plan starts, so that accepting
    answers at once and the documents are on disk by the time anyone downloads them."""
    thread = threading.Thread(target=prebuild, kwargs={
        "view": view, "plan_id": plan_id, "folder": folder, "templates": templates},
        name=f"documents-plan-{plan_id}",
        daemon=True)
    thread.start()
    return thread


def export_texts(*, db: Database, out: Path, plan_id: int | None = None) -> list[Path]:
    """Only the WhatsApp texts (``pesan_<unit>.txt``) of plan ``plan_id`` (the plan in force
    when None): what ``plan export --format text`` writes, without the slower documents."""
    _, view = _written(db, plan_id)
    out.mkdir(parents=True, exist_ok=True)
    return plan_docs.write_texts(view.plan, view.scenario, out)


# --- change orders: the Sprin amendment between two plan versions ----------------------------


def _two_plans(db: Database, before: int, after: int) -> tuple[PlanView, PlanView]:
    """Plans ``before`` and ``after`` with the loaded scenario, read in one unit of work."""
    with UnitOfWork(db) as uow:
        a, b = plans.load(uow.session, before), plans.load(uow.session, after)
        scenario = repo.load_scenario(uow.session)
    if a is None or b is None:
        raise NoScenarioError(code=ErrorCode.PLAN_UNKNOWN, plan=before if a is None else after)
    if scenario is None:
        raise NoScenarioError(code=ErrorCode.NO_SCENARIO)
    return PlanView(a, scenario), PlanView(b, scenario)


def describe_moves(*, db: Database, before: int, after: int) -> list[plan_docs.MoveText]:
    """Who moves from plan ``before`` to ``after``, in words (name, rank, NRP, from, to,
    why): what ``plan diff`` prints and the amendment lists, row for row."""
    return plan_docs.describe_plans(*_two_plans(db, before, after))


def write_amendment(*, db: Database, before: int, after: int, out: Path,
                    templates: Path | None = None) -> list[Path]:
    """The Sprin amendment from plan ``before`` to ``after`` into ``out``:
    ``sprin_perubahan_<before>_<after>.docx`` and ``.pdf``. NoScenarioError when a plan (or
    the scenario) is missing."""
    a, b = _two_plans(db, before, after)
    return plan_docs.write_amendment(a.plan, b.plan, a.scenario, out, before_id=before,
                                     after_id=after,
                                     template=Written(None, templates).template(
                                         "sprin_perubahan.docx"))


def amendment_owners(before: PlanView, after: PlanView) -> set[str]:
    """The units whose orders an amendment from ``before`` to ``after`` changes: for each
    officer who moves, the owner (a Polres, or POOL) of the place he leaves and of the place
    he takes."""
    was = {a.nrp: a for a in before.plan.assignments}
    now = {a.nrp: a for a in after.plan.assignments}
    out: set[str] = set()
    for m in moves(before.plan, after.plan):
        if m.nrp in was:
            out.add(before.owner_of_target(was[m.nrp]))
        if m.nrp in now:
            out.add(after.owner_of_target(now[m.nrp]))
    return out


def amendment_document(before: PlanView, after: PlanView, scope: Scope, *, db: Database,
                       before_id: int, after_id: int, ext: str, folder: Path,
                       templates: Path | None = None) -> Path:
    """The Sprin amendment from plan ``before_id`` to ``after_id`` (``.docx`` or ``.pdf``)
    for ``scope``: the Polda command's for any two versions, a Polres's only when every move
    lies in that Polres (as its own plotting and cards are); DocumentRefusedError otherwise.
    Written on the first request into ``folder/plan-<after>`` (as the plan's other documents,
    through a scratch folder) and the same file afterwards: two versions never change."""
    if not scope.everything:
        own = scope.unit_code
        if own is None or own not in (scope.polres or ()) or not amendment_owners(
                before, after) <= {own}:
            raise DocumentRefusedError(
                "Sprin perubahan ini memuat perpindahan di luar Polres Anda: mintalah kepada "
                "Komando Polda / the amendment moves officers outside your Polres")
    name = f"{file_stem(before_id, after_id)}.{ext}"
    return _once(folder / f"plan-{after_id}", f"amendment-{before_id}", name,
                 lambda scratch: write_amendment(db=db, before=before_id, after=after_id,
                                                 out=scratch, templates=templates))
