"""The live events of voting day: what the command map, its feed and the progress board follow
as it happens. One dataclass per kind of event: a field report, an incident's change, a
dispatch's (or a recommendation turned down), a new assessment, and the progress board.

The services make an event where something changes and write it to the audit trail in the same
transaction, as its entry's action, subject and detail (``entry``); the live stream reads the
log back (``parse``) and sends each event to the browsers (``message``). Serialised here and
only here: ``parse`` is the inverse of ``entry``, so the stream sends exactly what was
recorded, field for field. Two kinds of field are marked in their metadata: ``optional``
fields are left out while they are None (a status report has no incident kind), and
``personal`` and ``free_text`` fields are what ``without_personal`` removes or redacts for a
reader without ``personnel:read``. Pure: no I/O.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from enum import Enum
from typing import Any, ClassVar, TypeVar, Union, get_args, get_origin, get_type_hints

from pollguard.domain.command import Level
from pollguard.domain.risk import RiskClass
from pollguard.operations.field_reports import FieldReport, ReportKind, TpsPhase
from pollguard.operations.incidents import Incident, Status
from pollguard.operations.reinforcement import Dispatch, UnitKind, UnitStatus

# Field metadata.
OPTIONAL = "optional"  # left out of the detail while None
PERSONAL = "personal"  # personal data (an NRP): left out for readers without personnel:read
FREE_TEXT = "free_text"  # typed by officers: NRP and phone numbers redacted for those readers
STORED = "stored"  # False: not part of the entry's detail (its subject says it)
_OPT: Mapping[str, bool] = {OPTIONAL: True}

#: The audit actions that are live events (their prefixes): what the live stream follows.
PREFIXES = ("report.", "incident.", "dispatch.", "assessment.")


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportEvent:
    """A field report accepted: a TPS's phase, or an incident seen there."""

    KIND: ClassVar[str] = "report"

    action: str  # report.status, report.incident
    client_id: str
    # the reporting officer
    nrp: str | None = field(default=None, metadata={OPTIONAL: True, PERSONAL: True})
    tps_id: str
    kind: ReportKind
    sent_at: dt.datetime  # the phone's clock
    lat: float | None
    lon: float | None
    at: dt.datetime  # the server's clock: when it was received
    # status reports: the phase reported, and where the TPS stands after it
    phase: TpsPhase | None = field(default=None, metadata=_OPT)
    tps_phase: TpsPhase | None = field(default=None, metadata=_OPT)
    incident_kind: str | None = field(default=None, metadata=_OPT)  # incident reports
    severity: int | None = field(default=None, metadata=_OPT)

    @property
    def subject(self) -> str:
        return f"TPS {self.tps_id}"

    @classmethod
    def of(cls, r: FieldReport, tps_phase: TpsPhase | None) -> ReportEvent:
        """The event of a stored report; ``tps_phase``: its TPS's phase after a status
        report."""
        status = r.phase is not None
        return cls(action=f"report.{r.kind.value}", client_id=r.client_id, nrp=r.nrp,
                   tps_id=r.tps_id, kind=r.kind, sent_at=r.sent_at, lat=r.lat, lon=r.lon,
                   at=r.received_at, phase=r.phase, tps_phase=tps_phase if status else None,
                   incident_kind=None if status else r.incident_kind,
                   severity=None if status else r.severity)


@dataclass(frozen=True, slots=True, kw_only=True)
class IncidentEvent:
    """An incident reported, moved along its workflow, or escalated to the next level."""

    KIND: ClassVar[str] = "incident"

    action: str  # incident.reported, incident.<status>, incident.escalated
    id: str
    tps_id: str
    polres_code: str
    kind: str
    severity: int
    status: Status
    level: Level
    verified: bool
    lat: float | None
    lon: float | None
    at: dt.datetime
    note: str | None = field(default=None, metadata={OPTIONAL: True, FREE_TEXT: True})

    @property
    def subject(self) -> str:
        return f"incident {self.id}"

    @classmethod
    def of(cls, action: str, inc: Incident, *, polres: str, verified: bool, at: dt.datetime,
           note: str | None = None) -> IncidentEvent:
        return cls(action=action, id=inc.id, tps_id=inc.tps_id, polres_code=polres,
                   kind=inc.kind, severity=inc.severity, status=inc.status, level=inc.level,
                   verified=verified, lat=inc.lat, lon=inc.lon, at=at, note=note)


@dataclass(frozen=True, slots=True, kw_only=True)
class DispatchEvent:
    """A unit dispatched to an incident, or moving on (on scene, returning, available)."""

    KIND: ClassVar[str] = "dispatch"

    action: str  # dispatch.<status>
    id: str
    incident_id: str
    tps_id: str
    unit_id: str
    kind: UnitKind
    officers: int
    status: UnitStatus
    at: dt.datetime
    note: str = field(default="", metadata={FREE_TEXT: True})

    @property
    def subject(self) -> str:
        return f"dispatch {self.id}"

    @classmethod
    def of(cls, d: Dispatch, *, tps_id: str, at: dt.datetime, note: str = "") -> DispatchEvent:
        return cls(action=f"dispatch.{d.status.value}", id=d.id, incident_id=d.incident_id,
                   tps_id=tps_id, unit_id=d.unit_id, kind=d.kind, officers=d.officers,
                   status=d.status, at=at, note=note)


@dataclass(frozen=True, slots=True, kw_only=True)
class RejectionEvent:
    """The operator turned a recommendation down: nothing was sent (a dispatch event)."""

    KIND: ClassVar[str] = "dispatch"

    action: str = "dispatch.rejected"
    incident_id: str
    tps_id: str
    note: str = field(default="", metadata={FREE_TEXT: True})
    at: dt.datetime

    @property
    def subject(self) -> str:
        return f"incident {self.incident_id}"


@dataclass(frozen=True, slots=True)
class ClassChange:
    """A TPS whose risk class a new assessment changed."""

    tps_id: str
    before: RiskClass | None  # None: not assessed before
    after: RiskClass
    # how people name it ("TPS 002 Renah Kayu Embun, Kumun Debai"), for the feed and notices
    name: str | None = field(default=None, metadata=_OPT)


@dataclass(frozen=True, slots=True, kw_only=True)
class AssessmentEvent:
    """A new assessment version: made by hand (``pollguard risk assess``), or after a verified
    incident (``cause``), with the TPS it reclassified."""

    KIND: ClassVar[str] = "assessment"

    action: str = "assessment.create"
    assessment: int = field(metadata={STORED: False})  # the subject, not in the detail
    as_of: dt.date
    profile: str
    cause: str | None = field(default=None, metadata=_OPT)  # "incident <id>"
    assessment_id: int | None = field(default=None, metadata=_OPT)
    classes: Mapping[RiskClass, int]  # TPS per class
    reclassified: tuple[ClassChange, ...] | None = field(default=None, metadata=_OPT)

    @property
    def subject(self) -> str:
        return f"assessment {self.assessment}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Progress:
    """How far the TPS in view are through the day, and the incidents open among them."""

    tps: int  # TPS in view
    not_reported: int  # TPS with no phase reported yet
    phases: Mapping[str, int]  # TPS per phase, in the day's order
    incidents_open_by_severity: Mapping[str, int]  # "1" ringan, "2" sedang, "3" berat


@dataclass(frozen=True, slots=True, kw_only=True)
class RegionProgress(Progress):
    code: str
    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ProgressEvent(Progress):
    """The progress board of a reader's jurisdiction: sent when the stream opens and after
    every change (not an audit entry: it is counted afresh each time)."""

    KIND: ClassVar[str] = "progress"

    regions: tuple[RegionProgress, ...]  # one per Polres in view


AuditedEvent = ReportEvent | IncidentEvent | DispatchEvent | RejectionEvent | AssessmentEvent
LiveEvent = AuditedEvent | ProgressEvent
E = TypeVar("E", bound=AuditedEvent)

# The event each audit action records (the first prefix that matches).
_CLASSES: dict[str, type[AuditedEvent]] = {
    "dispatch.rejected": RejectionEvent, "report.": ReportEvent, "incident.": IncidentEvent,
    "dispatch.": DispatchEvent, "assessment.": AssessmentEvent}


# --- serialising ------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """``value`` as JSON holds it: enums by value, times in ISO 8601, dataclasses as objects."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.date):  # a datetime too
        return value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        return _fields(value)
    if isinstance(value, Mapping):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def _fields(obj: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    return {f.name: _plain(getattr(obj, f.name)) for f in fields(obj)
            if f.name not in skip and f.metadata.get(STORED, True)
            and not (f.metadata.get(OPTIONAL) and getattr(obj, f.name) is None)}


def entry(event: AuditedEvent) -> tuple[str, str, dict[str, Any]]:
    """(action, subject, detail): the audit entry that records ``event``."""
    return event.action, event.subject, _fields(event, skip=("action",))


def message(event: LiveEvent) -> dict[str, Any]:
    """What the live stream sends of ``event``: its detail as the audit trail holds it (keys
    sorted), then the action it records; the progress board field by field."""
    if isinstance(event, ProgressEvent):
        return _fields(event)
    return _sorted(entry(event)[2]) | {"action": event.action}


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sorted(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted(v) for v in value]
    return value


# --- reading back -----------------------------------------------------------------------------


def parse(action: str, subject: str, detail: Mapping[str, Any]) -> AuditedEvent | None:
    """The event an audit entry records; None for an entry that is not a live event (a login,
    a plan). The inverse of ``entry``."""
    cls = next((c for p, c in _CLASSES.items() if action.startswith(p)), None)
    if cls is None:
        return None
    data = dict(detail)
    if cls is AssessmentEvent:
        data["assessment"] = int(subject.removeprefix("assessment "))
    return _parse(cls, data | {"action": action})


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = get_type_hints(cls)
    return _HINTS[cls]


def _parse(cls: type[Any], data: Mapping[str, Any]) -> Any:
    hints = _hints(cls)
    return cls(**{f.name: _value(hints[f.name], data.get(f.name)) for f in fields(cls)
                  if f.name in data or f.default is dataclasses.MISSING})


def _value(hint: Any, value: Any) -> Any:
    """``value`` read from JSON as the type ``hint`` says."""
    if value is None:
        return None
    origin, args = get_origin(hint), get_args(hint)
    if origin in (Union, types.UnionType):  # X | None
        return _value(next(a for a in args if a is not type(None)), value)
    if origin is tuple:
        return tuple(_value(args[0], v) for v in value)
    if origin is Mapping or origin is dict:
        return {_value(args[0], k): _value(args[1], v) for k, v in value.items()}
    if hint is dt.datetime:
        return dt.datetime.fromisoformat(value)
    if hint is dt.date:
        return dt.date.fromisoformat(value)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint(value)
    if isinstance(hint, type) and is_dataclass(hint):
        return _parse(hint, value)
    return value


# --- what a reader may see --------------------------------------------------------------------


def without_personal(event: E, redact: Callable[[str], str]) -> E:
    """``event`` for a reader who may not see personnel: personal fields left out, free text
    passed through ``redact`` (which replaces NRP and phone numbers)."""
    changes: dict[str, Any] = {}
    for f in fields(event):
        value = getattr(event, f.name)
        if f.metadata.get(PERSONAL):
            changes[f.name] = None
        elif f.metadata.get(FREE_TEXT) and isinstance(value, str):
            changes[f.name] = redact(value)
    return dataclasses.replace(event, **changes)


__all__ = ["FREE_TEXT", "OPTIONAL", "PERSONAL", "PREFIXES", "STORED", "AssessmentEvent",
           "AuditedEvent", "ClassChange", "DispatchEvent", "IncidentEvent", "LiveEvent", "Progress",
           "ProgressEvent", "RegionProgress", "RejectionEvent", "ReportEvent", "entry",
           "message", "parse", "without_personal"]
