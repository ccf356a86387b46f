"""The situation report (laporan situasi) as data: what a Posko sends up at each reporting time.

One picture of the operation at a moment, in frozen dataclasses: a **header** (the time of the
report, the plan and assessment versions in force, who made it), the **status per Polres** (TPS
per phase of the day, open incidents per severity), the **incidents**, the **dispatches**, the
**force available** (reserve teams per status) and the **reserve-floor warnings**.

``pollguard.services.sitrep.situation`` fills it from the live-operations services and leaves
out what the reader may not see; ``pollguard.reports.sitrep`` writes it as a PDF or JSON, and
the API and the CLI show it. It sits here, below both, so that the renderer and the use case
read the same model without importing each other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from pollguard.domain.command import Level
from pollguard.domain.timezone import WIB, zone_name
from pollguard.operations.field_reports import TpsPhase
from pollguard.operations.incidents import Status, is_open
from pollguard.operations.reinforcement import UnitKind, UnitStatus

__all__ = ["SEVERITIES", "BkoOption", "DispatchLine", "FloorLine", "ForceLine", "Header",
           "IncidentLine", "PolresStatus", "Sitrep"]

SEVERITIES = (3, 2, 1)  # berat, sedang, ringan: the order a report lists them in


@dataclass(frozen=True)
class Header:
    as_of: dt.datetime  # UTC
    operation: str  # "Operasi Mantap Praja 2024"
    scenario: str
    voting_date: dt.date | None
    plan_id: int | None  # the plan in force
    plan_created_at: dt.datetime | None
    plan_assessment_id: int | None  # the assessment the plan was made from
    assessment_id: int | None  # the latest assessment (verified incidents make new ones)
    assessment_as_of: dt.date | None
    made_by: str
    whole: bool  # the whole Polda (no jurisdiction limit)
    jurisdiction_code: str | None  # the unit whose jurisdiction the report covers
    jurisdiction: str  # its name (the Polda's when none is named)
    personnel: bool  # NRP and operator names shown
    reserves: bool  # dispatches, force and floor warnings shown
    # The operation's clock (ScenarioInfo.zone): the report's times are read in it.
    zone: dt.timezone = WIB

    @property
    def local(self) -> dt.datetime:
        """The report's time on the Posko's clock."""
        return self.as_of.astimezone(self.zone)

    @property
    def wib(self) -> dt.datetime:
        """The older name of ``local``, from when every Posko was on WIB."""
        return self.local

    @property
    def zone_name(self) -> str:
        """"WIB", "WITA" or "WIT": what a time on the Posko's clock is written with."""
        return zone_name(self.zone)


@dataclass(frozen=True)
class PolresStatus:
    """TPS per phase in one Polres (or the total): ``phases`` counts each TPS at its current
    phase; ``reached`` counts those at that phase or past it (a TPS whose box is at the PPK
    was opened, closed and counted)."""

    code: str
    name: str
    tps: int
    not_reported: int
    phases: Mapping[TpsPhase, int]
    open_incidents: Mapping[int, int]  # open incidents per severity 1, 2, 3

    def reached(self, phase: TpsPhase) -> int:
        return sum(n for p, n in self.phases.items() if p.rank >= phase.rank)

    @property
    def opened(self) -> int:
        return self.reached(TpsPhase.VOTING_OPEN)

    @property
    def closed(self) -> int:
        return self.reached(TpsPhase.VOTING_CLOSED)

    @property
    def counted(self) -> int:
        return self.reached(TpsPhase.COUNTED)

    @property
    def escorted(self) -> int:
        return self.reached(TpsPhase.BOX_ESCORTED)


@dataclass(frozen=True)
class IncidentLine:
    id: str
    tps_id: str
    polres_code: str
    polres_name: str
    kind: str
    kind_label_id: str
    kind_label_en: str
    severity: int
    status: Status
    level: Level
    verified: bool
    reported_at: dt.datetime
    age_min: int  # minutes from the report to the report's time
    reported_by: str | None  # the reporting officer's NRP; None without personnel
    units_sent: int | None  # dispatches to it; None without reserves
    text: str = ""  # what the reporter wrote, as reported
    tps_name: str = ""  # "TPS 002 Renah Kayu Embun" (the id where the TPS is unknown)
    kecamatan: str = ""  # "Kec. Gunung Raya" (Papua: "Distrik Wamena"); "" where unknown
    notes: tuple[str, ...] = ()  # what each later step said (acknowledged, resolved...)

    @property
    def open(self) -> bool:
        return is_open(self.status)

    @property
    def tps_label(self) -> str:
        """The TPS as the tables name it: "TPS 002 Renah Kayu Embun, Kec. Gunung Raya" (the
        Polres has a column of its own)."""
        return ", ".join(p for p in (self.tps_name or f"TPS {self.tps_id}", self.kecamatan) if p)

    @property
    def place(self) -> str:
        """Where it happened, as a report writes it: "TPS 002 Renah Kayu Embun, Kec. Gunung
        Raya, Polres Kerinci"."""
        return ", ".join(p for p in (self.tps_name or f"TPS {self.tps_id}", self.kecamatan,
                                     self.polres_name) if p)


@dataclass(frozen=True)
class DispatchLine:
    id: str
    incident_id: str
    tps_id: str
    polres_code: str
    unit_id: str
    kind: UnitKind
    officers: int
    status: UnitStatus
    since: dt.datetime  # its last step
    dispatched_by: str | None  # the operator; None without personnel
    unit_name: str = ""  # the team's call sign ("Dalmas Kerinci 1"); borrowed: their post
    owner_code: str = ""  # whose team: a Polres, or ``POOL`` (then it went as BKO)


@dataclass(frozen=True)
class ForceLine:
    """The reserve teams of a Polres (or the Polda pool: ``code`` is ``POOL``)."""

    code: str
    name: str
    teams: int
    officers: int
    by_status: Mapping[UnitStatus, int]  # teams per status, every status
    officers_available: int


@dataclass(frozen=True)
class BkoOption:
    team_id: str
    size: int
    minutes: float
    km: float


@dataclass(frozen=True)
class FloorLine:
    """A Polres whose available reserve fell below its floor, and the Polda-pool teams that
    could go to it as BKO, nearest first."""

    code: str
    name: str
    available: int
    planned: int
    floor: int
    bko: tuple[BkoOption, ...]


@dataclass(frozen=True)
class Sitrep:
    header: Header
    total: PolresStatus
    polres: tuple[PolresStatus, ...]
    incidents: tuple[IncidentLine, ...]  # open first, then by severity, oldest first
    dispatches: tuple[DispatchLine, ...] = ()
    force: tuple[ForceLine, ...] = ()
    floor_warnings: tuple[FloorLine, ...] = ()
    names: Mapping[str, str] = field(default_factory=dict)  # unit code -> name

    def incident_counts(self, *, open: bool) -> dict[int, int]:
        """Open (or closed) incidents per severity, every severity."""
        out = dict.fromkeys(SEVERITIES, 0)
        for i in self.incidents:
            if i.open == open:
                out[i.severity] = out.get(i.severity, 0) + 1
        return out

    @property
    def open_incidents(self) -> tuple[IncidentLine, ...]:
        return tuple(i for i in self.incidents if i.open)

    @property
    def closed_incidents(self) -> tuple[IncidentLine, ...]:
        return tuple(i for i in self.incidents if not i.open)
