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

from pydantic import BaseModel, ConfigDict, Field


class IncidentError(ValueError):
    """A step the workflow does not allow, or an incident that cannot be made."""


class Status(StrEnum):
    REPORTED = "reported"
    ACKNOWLEDGED = "acknowledged"
    RESPONDING = "responding"
    RESOLVED = "resolved"
    CLOSED = "closed"


class Level(StrEnum):
    """The escalation chain of the doctrine, lowest first: TPS guard -> Polsek -> Polres
    operations (Kaopsres) -> Polda operations. (Polda Satgas / Brimob is what the Polda sends,
    a dispatch, not a level that acknowledges.)"""

    TPS_GUARD = "tps_guard"
    POLSEK = "polsek"
    POLRES_OPS = "polres_ops"
    POLDA_OPS = "polda_ops"

    @property
    def rank(self) -> int:
        return _LEVELS.index(self)

    @property
    def next(self) -> Level | None:
        """The level above, or None at the top."""
        i = self.rank + 1
        return _LEVELS[i] if i < len(_LEVELS) else None


_LEVELS = tuple(Level)

# Allowed steps: forward one at a time, plus resolved -> responding (reopen).
ALLOWED: dict[Status, frozenset[Status]] = {
    Status.REPORTED: frozenset({Status.ACKNOWLEDGED}),
    Status.ACKNOWLEDGED: frozenset({Status.RESPONDING}),
    Status.RESPONDING: frozenset({Status.RESOLVED}),
    Status.RESOLVED: frozenset({Status.CLOSED, Status.RESPONDING}),
    Status.CLOSED: frozenset(),
}

SYSTEM = "system"  # the ``by`` of automatic steps (escalation)


class IncidentKind(BaseModel):
    """One entry of the profile's incident catalogue."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label_id: str
    label_en: str
    severity: int = Field(default=2, ge=1, le=3)  # default: 1 ringan, 2 sedang, 3 berat
    # The profile's event kind a verified incident of this kind counts as when risk is
    # reassessed (spillover to nearby TPS); None: it does not raise risk (a power cut).
    event: str | None = None


def _k(code: str, label_id: str, label_en: str, severity: int,
       event: str | None) -> IncidentKind:
    return IncidentKind(code=code, label_id=label_id, label_en=label_en, severity=severity,
                        event=event)


DEFAULT_KINDS: tuple[IncidentKind, ...] = (
    _k("intimidation", "Intimidasi", "Intimidation", 2, "intimidation"),
    _k("money_politics", "Politik uang", "Money politics", 1, "money_politics"),
    _k("violence", "Kekerasan", "Violence", 3, "violence"),
    _k("crowd_gathering", "Pengerahan massa", "Crowd gathering", 2, "crowd_gathering"),
    _k("voting_refused", "Penolakan pemungutan suara", "Refusal of voting", 2, "kamtibmas"),
    _k("logistics_damaged", "Logistik rusak atau hilang", "Logistics damaged or missing", 2,
       "kamtibmas"),
    _k("ballot_box_seized", "Kotak suara dibakar atau dirampas", "Ballot box burned or seized",
       3, "ballot_box_burned"),
    _k("disaster", "Bencana alam", "Disaster", 3, None),
    _k("power_signal_loss", "Listrik atau sinyal padam", "Power or signal loss", 1, None),
)


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


def transition(incident: Incident, to: Status, by: str, at: dt.datetime,
               note: str = "") -> Incident:
    """``incident`` moved to ``to`` by ``by`` at ``at``; IncidentError for a step the workflow
    does not allow, a step without its actor, or a time before the last step."""
    if to not in ALLOWED[incident.status]:
        raise IncidentError(f"incident {incident.id}: {incident.status} -> {to} is not allowed"
                            f" (allowed: {', '.join(sorted(ALLOWED[incident.status])) or 'none'})")
    if not by:
        raise IncidentError(f"incident {incident.id}: a step needs who took it")
    last = incident.history[-1].at
    if at < last:
        raise IncidentError(f"incident {incident.id}: {at.isoformat()} is before the last step"
                            f" ({last.isoformat()})")
    return replace(incident, status=to, history=(*incident.history, Step(to, by, at, note)))
