"""What the command centre reads, loaded once and shared between requests until the data
changes.

Loading the scenario, an assessment and a plan from the database takes a few hundred
milliseconds; the map must answer in tens. A snapshot is keyed by the versions it was built
from (when the scenario was loaded, the assessment id, the plan id), which one cheap query
reads per request, so a new assessment or plan is seen at once. The web server keeps one
``Snapshots`` cache (``app.state.snapshots``); nothing here knows about HTTP."""

from __future__ import annotations

import gc
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import cached_property

from pollguard.access import Scope
from pollguard.domain.command import POOL, CommandLookups
from pollguard.domain.forces import UnitKind
from pollguard.domain.plan import Plan
from pollguard.domain.regions import RegionLevel, ancestor_at
from pollguard.domain.risk import AssessmentInfo, RiskClass, TpsRisk
from pollguard.domain.scenario import Scenario
from pollguard.domain.tps import PollingStation
from pollguard.i18n.refusals import ErrorCode, RefusedError
from pollguard.planning.view import PlanView
from pollguard.scenario.outlines import WEB_TOLERANCE, Outline, region_outlines
from pollguard.services.incidents import LiveContext, live_context
from pollguard.store import assessments, plans
from pollguard.store import repository as repo
from pollguard.store.database import Database
from pollguard.store.plans import PlanInfo
from pollguard.store.uow import UnitOfWork


class NoDataError(RefusedError, LookupError):
    """The database holds no scenario, assessment or plan yet (or not the one asked for)."""


@dataclass(frozen=True)
class Snapshot(CommandLookups):
    """A scenario with the latest assessment and one plan, indexed once. Which Polres guards a
    TPS (``polres_of_tps``) and the other command look-ups are the scenario's
    ``CommandIndex``'s."""

    scenario: Scenario
    assessment: AssessmentInfo | None
    risks: dict[str, TpsRisk]
    plan_info: PlanInfo | None
    plan: Plan | None

    @cached_property
    def view(self) -> PlanView:
        if self.plan is None:
            raise NoDataError(code=ErrorCode.PLAN_NONE)
        return PlanView(self.plan, self.scenario)

    @cached_property
    def live(self) -> LiveContext:
        """What recommendations, escalation and the progress board read, built once."""
        return live_context(self.scenario, self.risks, self.plan_info, self.plan)

    @cached_property
    def tps(self) -> dict[str, PollingStation]:
        return {t.tps_id: t for t in self.scenario.tps}

    @cached_property
    def names(self) -> dict[str, str]:
        """Code -> name of every region and unit, and ``POOL`` (the owner of the Polda's own
        reserve) -> the Polda's name."""
        units = {u.code: u.name for u in self.scenario.units}
        polda = next((u.name for u in self.scenario.units if u.kind == UnitKind.POLDA), "Polda")
        return {r.code: r.name for r in self.scenario.regions} | units | {POOL: polda}

    def kecamatan_of(self, t: PollingStation) -> str:
        return ancestor_at(t.desa_code, RegionLevel.KECAMATAN)

    def class_of(self, tps_id: str) -> RiskClass | None:
        """The class the plan works with: the planner's override, else the assessment's."""
        if self.plan_info and tps_id in self.plan_info.classes:
            return RiskClass(self.plan_info.classes[tps_id])
        risk = self.risks.get(tps_id)
        return risk.risk_class if risk else None

    def visible_tps(self, scope: Scope) -> list[PollingStation]:
        if scope.everything:
            return list(self.scenario.tps)
        return [t for t in self.scenario.tps if scope.sees_kecamatan(self.kecamatan_of(t))]

    @cached_property
    def outlines(self) -> dict[str, Outline]:
        """Region code -> how the map draws the kab/kota or kecamatan: its real boundary,
        simplified for the screen, or a hull around its TPS (``scenario.outlines``)."""
        return region_outlines(self.scenario, tolerance=WEB_TOLERANCE)

    @cached_property
    def scopes(self) -> dict[str | None, Scope]:
        return {}

    def scope_of(self, unit_code: str | None) -> Scope:
        if unit_code not in self.scopes:
            self.scopes[unit_code] = Scope.of_unit(self.scenario, unit_code)
        return self.scopes[unit_code]


def _freeze_heap() -> None:
    """Take what was just loaded out of the garbage collector's sight. A snapshot is hundreds
    of thousands of long-lived objects; without this every full collection walks them all and
    stalls the server for a few hundred milliseconds in the middle of voting-day traffic (the
    live bench saw GET /health's p99 at ~270 ms under load). Objects of a snapshot later
    dropped are still freed by reference counting."""
    gc.collect()
    gc.freeze()


class Snapshots:
    """A small cache of snapshots by (scenario load, assessment, plan)."""

    def __init__(self, db: Database, size: int = 4) -> None:
        self.db = db
        self.size = size
        self._cache: OrderedDict[tuple[object, ...], Snapshot] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, plan_id: int | None = None) -> Snapshot:
        """The plan ``plan_id`` (the plan in force by default) with the latest assessment."""
        with UnitOfWork(self.db) as uow:
            loaded = repo.loaded_at(uow.session)
            if loaded is None:
                raise NoDataError(code=ErrorCode.NO_SCENARIO)
            assessment = assessments.latest_id(uow.session)
            chosen = plan_id if plan_id is not None else plans.latest_id(uow.session)
            if plan_id is not None and plans.info(uow.session, plan_id) is None:
                raise NoDataError(code=ErrorCode.PLAN_UNKNOWN, plan=plan_id)
        key = (loaded, assessment, chosen)
        with self._lock:
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
                return found
            snapshot = self._load(assessment, chosen)
            snapshot.live  # noqa: B018 - built now, so that it is frozen with the rest
            _freeze_heap()
            self._cache[key] = snapshot
            while len(self._cache) > self.size:
                self._cache.popitem(last=False)
            return snapshot

    def _load(self, assessment_id: int | None, plan_id: int | None) -> Snapshot:
        with UnitOfWork(self.db) as uow:
            scenario = repo.load_scenario(uow.session)
            if scenario is None:
                raise NoDataError(code=ErrorCode.NO_SCENARIO)
            info = assessments.info(uow.session, assessment_id) if assessment_id else None
            risks = assessments.results(uow.session, assessment_id) if assessment_id else {}
            plan_info = plans.info(uow.session, plan_id) if plan_id else None
            plan = plans.load(uow.session, plan_id) if plan_id else None
        return Snapshot(scenario, info, risks, plan_info, plan)
