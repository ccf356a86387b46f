"""Risk follows verified incidents: when an operator confirms an incident happened, risk is
assessed again (a new assessment version) with every verified incident as a spillover event
around its TPS, under the profile of the latest assessment.

An assessment of a province takes seconds (the scenario read, every TPS scored, every result
written): the command centre hands it to a ``Reassessor``, which runs it in a background
thread so that the operator's "verified" click answers at once, and the new version reaches
the pages on the live stream (its ``assessment.create`` event, the TPS it reclassified named).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace

from pollguard.domain.names import tps_name
from pollguard.domain.regions import Region, RegionLevel, digits
from pollguard.domain.risk import RiskClass, RiskEvent
from pollguard.domain.scenario import Scenario
from pollguard.domain.timezone import WIB
from pollguard.domain.tps import PollingStation
from pollguard.operations.events import AssessmentEvent, ClassChange
from pollguard.operations.incidents import Incident, catalogue, incident_point
from pollguard.profile import dump_profile
from pollguard.profile.model import parse_profile
from pollguard.profile.operations import IncidentKind
from pollguard.risk.scoring import assess, inputs_of
from pollguard.services.live import NotFoundError, record
from pollguard.store import assessments
from pollguard.store import incidents as store
from pollguard.store import repository as repo
from pollguard.store.database import Database
from pollguard.store.uow import UnitOfWork

__all__ = ["Reassessor", "reassess", "risk_events"]

log = logging.getLogger("pollguard.reassessment")


def risk_events(incidents: Sequence[Incident], kinds: Mapping[str, IncidentKind],
                as_of: dt.date, zone: dt.timezone = WIB, *,
                tps: Mapping[str, PollingStation] | None = None,
                desa: Mapping[str, Region] | None = None) -> list[RiskEvent]:
    """Verified incidents as risk events (those whose kind maps to an event kind), each at its
    point (``operations.incidents.incident_point``: the phone's location, else its TPS's in
    ``tps``, else its desa's in ``desa``, by code digits). An incident after the assessed day
    (the voting day) counts as on it: the operation is assessed for that day, and its
    incidents weigh in full until a later assessment ages them. Its day is the one on the
    operation's clock (``zone``, the scenario's): an incident at 23.30 WIB is already the next
    day in Makassar."""
    out = []
    for inc in incidents:
        kind = kinds.get(inc.kind)
        point = incident_point(inc, tps or {}, desa or {})
        if kind is None or kind.event is None or point is None:
            continue
        out.append(RiskEvent(f"incident:{inc.id}", kind.event, point.lat, point.lon,
                             min(inc.reported_at.astimezone(zone).date(), as_of),
                             inc.severity,
                             inc.text[:200]))
    return out


def _desa_by_digits(scenario: Scenario) -> dict[str, Region]:
    return {digits(r.code): r for r in scenario.regions if r.level == RegionLevel.DESA}


def reassess(uow: UnitOfWork, *, cause: Incident | Sequence[Incident], actor: str,
             kinds: Mapping[str, IncidentKind] | None) -> tuple[int, tuple[ClassChange, ...]]:
    """A new assessment version with every verified incident as a spillover event at its
    point, under the profile of the latest assessment, in ``uow``'s transaction; the TPS whose
    class it changed, each named. ``cause``: the incident (or the incidents, verified while
    an earlier reassessment ran) it follows."""
    causes = [cause] if isinstance(cause, Incident) else list(cause)
    s = uow.session
    scenario = repo.load_scenario(s)
    latest = assessments.latest_id(s)
    info = assessments.info(s, latest) if latest else None
    if scenario is None or info is None:
        raise NotFoundError("no assessment to follow: run `pollguard risk assess` first")
    profile = parse_profile(info.profile_toml)
    cat = kinds if kinds is not None else catalogue(profile.operations.incident_kinds)
    verified = store.verified_incidents(s)
    day = info.as_of
    by_id = {t.tps_id: t for t in scenario.tps}
    events = risk_events(verified, cat, day, scenario.info.zone, tps=by_id,
                         desa=_desa_by_digits(scenario))
    base = inputs_of(scenario, day)
    inputs = replace(base, events=[e for e in base.events
                                   if not e.event_id.startswith("incident:")] + events)
    risks = assess(profile, inputs)
    before = assessments.results(s, info.id)
    new_id = assessments.save(s, as_of=day, profile_id=profile.profile.id,
                              profile_toml=dump_profile(profile),
                              note="after verified incident " + ", ".join(
                                  f"{c.id} at TPS {c.tps_id}" for c in causes),
                              risks=risks)
    names = {r.code: r.name for r in scenario.regions}
    changes = tuple(ClassChange(r.tps_id, before[r.tps_id].risk_class if r.tps_id in before
                                else None, r.risk_class, tps_name(by_id, names, r.tps_id))
                    for r in risks if r.tps_id not in before
                    or before[r.tps_id].risk_class != r.risk_class)
    classes = Counter(r.risk_class for r in risks)
    record(s, actor, AssessmentEvent(
        assessment=new_id, as_of=day, profile=profile.profile.id,
        cause="incident " + ", ".join(c.id for c in causes),
        assessment_id=new_id, classes={k: classes.get(k, 0) for k in RiskClass},
        reclassified=changes))
    return new_id, changes


class Reassessor:
    """Reassessments after verified incidents, off the request: one background thread at a
    time per server (``app.state.reassessor``), so that verifying answers at once. Incidents
    verified while one runs are followed by the next run, together (each run reads every
    verified incident, so one run after a burst counts them all, and assessments never race
    each other). What fails is logged: the incident stays verified, and the next verification
    reassesses again."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._pending: list[tuple[Incident, str, Mapping[str, IncidentKind] | None]] = []
        self._lock = threading.Lock()
        self._idle = threading.Event()
        self._idle.set()
        self._thread: threading.Thread | None = None

    def request(self, *, cause: Incident, actor: str,
                kinds: Mapping[str, IncidentKind] | None) -> None:
        """Reassess after ``cause`` was verified (in a committed transaction), soon."""
        with self._lock:
            self._pending.append((cause, actor, kinds))
            self._idle.clear()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="reassessment",
                                                daemon=True)
                self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until every requested reassessment is written (True), or ``timeout``
        seconds pass (False): for a server shutting down, and for tests."""
        return self._idle.wait(timeout)

    @property
    def busy(self) -> bool:
        return not self._idle.is_set()

    def _run(self) -> None:
        while True:
            with self._lock:
                batch, self._pending = self._pending, []
                if not batch:
                    self._thread = None
                    self._idle.set()
                    return
            try:
                with UnitOfWork(self.db) as uow:
                    reassess(uow, cause=[c for c, _, _ in batch], actor=batch[0][1],
                             kinds=batch[-1][2])
            except Exception:  # a background thread has no caller to raise to
                log.exception("reassessment after incident(s) %s failed",
                              ", ".join(c.id for c, _, _ in batch))
