"""Incidents at TPS: the profile's catalogue of kinds, and the workflow every incident follows.

reported -> acknowledged -> responding -> resolved -> closed, each step recording who took it
and when. A resolved incident may reopen to responding (trouble flares up again before the
operator closes it); a closed incident is final: new trouble is a new incident. Pure logic:
times come in as arguments, nothing here reads a clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

from pollguard.domain.command import Level
from pollguard.domain.geo import Point
from pollguard.domain.regions import Region
from pollguard.domain.tps import PollingStation
from pollguard.i18n.refusals import ErrorCode, RefusedError, Term
from pollguard.profile.operations import DEFAULT_KINDS, IncidentKind


class IncidentError(RefusedError, ValueError):
    """A step the workflow does not allow (coded: the operator meets it), or an incident that
    cannot be made."""


class Status(StrEnum):
    REPORTED = "reported"
    ACKNOWLEDGED = "acknowledged"
    RESPONDING = "responding"
    RESOLVED = "resolved"
    CLOSED = "closed"


# Allowed steps: forward one at a time, plus resolved -> responding (reopen). Each status's
# steps in the order they are offered (forward first): the API hands them to the pages as the
# incident's next steps, so the browser never keeps a copy of this table.
ALLOWED: dict[Status, tuple[Status, ...]] = {
    Status.REPORTED: (Status.ACKNOWLEDGED,),
    Status.ACKNOWLEDGED: (Status.RESPONDING,),
    Status.RESPONDING: (Status.RESOLVED,),
    Status.RESOLVED: (Status.CLOSED, Status.RESPONDING),
    Status.CLOSED: (),
}

SYSTEM = "system"  # the ``by`` of automatic steps (escalation)

#: What the system writes on a step it takes or records (an escalation, "reinforcement
#: dispatched"): kept in the history as stored, but not a note a person wrote. The step's own
#: status and level say it in the reader's words; the pages and the sitrep show ``told``.
DISPATCHED_NOTE = "reinforcement dispatched"


# An incident is open until it is resolved: what the live picture, the progress board and the
# sitrep count as still needing someone, and what reinforcement may still be sent to. The one
# definition: the store filters by it, the API says it of each incident (``open``).
OPEN = (Status.REPORTED, Status.ACKNOWLEDGED, Status.RESPONDING)


def is_open(status: Status) -> bool:
    """Whether an incident in ``status`` is open (``OPEN``): reported, acknowledged or
    responding. A resolved incident is not, though it may still reopen."""
    return status in OPEN


def next_steps(status: Status) -> tuple[Status, ...]:
    """The statuses an incident in ``status`` may move to, in the order they are offered
    (none once closed)."""
    return ALLOWED[status]


def catalogue(kinds: Iterable[IncidentKind] = DEFAULT_KINDS) -> dict[str, IncidentKind]:
    """Kinds by code; a code listed twice is an error."""
    out: dict[str, IncidentKind] = {}
    for k in kinds:
        if k.code in out:
            raise IncidentError(f"incident kind {k.code!r} is listed twice")
        out[k.code] = k
    return out


@dataclass(frozen=True, slots=True)
class Step:
    """One entry of an incident's history: a status change or an automatic escalation."""

    status: Status
    by: str
    at: dt.datetime
    note: str = ""
    level: Level | None = None  # set where the step moved the incident to another level


def told(step: Step) -> str:
    """A step's note as readers are told it: what a person wrote, "" for the system's."""
    return "" if step.by == SYSTEM or step.note == DISPATCHED_NOTE else step.note


@dataclass(frozen=True, slots=True)
class Incident:
    id: str
    tps_id: str
    kind: str  # a code of the catalogue
    severity: int
    reported_by: str
    reported_at: dt.datetime
    text: str
    status: Status
    level: Level  # who holds it now
    level_since: dt.datetime  # when it reached ``level``: escalation counts from here
    history: tuple[Step, ...]
    lat: float | None = None
    lon: float | None = None

    @property
    def acknowledged(self) -> bool:
        return self.status != Status.REPORTED

    @property
    def open(self) -> bool:
        return is_open(self.status)


def incident_point(incident: Incident, tps: Mapping[str, PollingStation],
                   desa: Mapping[str, Region]) -> Point | None:
    """Where an incident happened, for risk and the map: where the phone said, else at its
    TPS, else at its desa's point (``desa`` by the code's digits, the first ten of a TPS id:
    a TPS a later list dropped). Most reports carry no phone location (an officer who denies
    it, a drill, a report typed at the Posko), and the TPS is where the trouble was: without
    this fallback a verified incident would raise no risk at all. None only for a TPS id that
    names no known TPS or desa."""
    if incident.lat is not None and incident.lon is not None:
        return Point(incident.lat, incident.lon)
    t = tps.get(incident.tps_id)
    if t is not None:
        return Point(t.lat, t.lon)
    d = desa.get(incident.tps_id[:-3])
    return Point(d.lat, d.lon) if d is not None else None


def report(id: str, tps_id: str, kind: str, *, by: str, at: dt.datetime, text: str = "",
           severity: int | None = None, level: Level = Level.TPS_GUARD,
           lat: float | None = None, lon: float | None = None,
           kinds: Mapping[str, IncidentKind] | None = None) -> Incident:
    """A new incident, ``reported`` and held at ``level`` (a report from a TPS guard starts at
    the Polsek: pass ``level=Level.POLSEK``). Severity defaults to the kind's."""
    cat = kinds if kinds is not None else catalogue()
    if kind not in cat:
        raise IncidentError(f"unknown incident kind {kind!r}")
    sev = cat[kind].severity if severity is None else severity
    if not 1 <= sev <= 3:
        raise IncidentError(f"severity must be 1-3, not {sev}")
    if not by:
        raise IncidentError("an incident needs its reporter")
    return Incident(id=id, tps_id=tps_id, kind=kind, severity=sev, reported_by=by,
                    reported_at=at, text=text, status=Status.REPORTED, level=level,
                    level_since=at, history=(Step(Status.REPORTED, by, at, text, level),),
                    lat=lat, lon=lon)


def _said(status: Status) -> Term:
    """A status in the operator's words (the live page's)."""
    return Term((f"live.status.{status.value}",))


def transition(incident: Incident, to: Status, by: str, at: dt.datetime,
               note: str = "") -> Incident:
    """``incident`` moved to ``to`` by ``by`` at ``at``; IncidentError for a step the workflow
    does not allow, a step without its actor, or a time before the last step."""
    if to not in ALLOWED[incident.status]:
        raise IncidentError(code=ErrorCode.INCIDENT_STEP, status=_said(incident.status),
                            to=_said(to), allowed=Term.of(
                                f"live.status.{s.value}" for s in ALLOWED[incident.status]))
    if not by:
        raise IncidentError(f"incident {incident.id}: a step needs who took it")
    last = incident.history[-1].at
    if at < last:
        raise IncidentError(code=ErrorCode.INCIDENT_STEP_EARLY, at=at.isoformat(),
                            last=last.isoformat())
    return replace(incident, status=to, history=(*incident.history, Step(to, by, at, note)))
