"""Field reports from plotted officers on voting day: a TPS's phase through the day, and
incidents seen there. Pure logic: times come in as arguments, nothing here reads a clock.

Phones queue reports while offline and send them when the network returns, so reports arrive
late, out of order and more than once. Two rules make that harmless:

- Each report carries an id made on the phone (``client_id``, a UUID): a resend of an id already
  stored is the stored report, never a second one (the store enforces it).
- A TPS's phase only moves forward (``advance``). A report of an earlier phase than the TPS's
  current one is kept as a report (it is what the officer saw, and when) but does not move the
  status back; a report of a later phase moves it there at once, skipping phases never reported
  (a queue may have lost them, or the officer reported only the latest). So the status is the
  latest phase ever reported, whatever order the reports arrive in.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from pollguard.i18n.refusals import RefusedError
from pollguard.operations.incidents import IncidentKind, catalogue


class ReportError(RefusedError, ValueError):
    """A report that cannot be accepted, with the reason (coded where the officer may meet
    it: not plotted at the TPS)."""


class TpsPhase(StrEnum):
    """A TPS's day, in order."""

    SET_UP = "set_up"  # TPS set up, logistics in place
    VOTING_OPEN = "voting_open"
    VOTING_CLOSED = "voting_closed"
    COUNTING = "counting"
    COUNTED = "counted"
    BOX_ESCORTED = "box_escorted"  # ballot box escorted to the PPK

    @property
    def rank(self) -> int:
        return _PHASES.index(self)


_PHASES = tuple(TpsPhase)


class ReportKind(StrEnum):
    STATUS = "status"
    INCIDENT = "incident"


def advance(current: TpsPhase | None, reported: TpsPhase) -> TpsPhase:
    """The TPS's phase after a report of ``reported``: forward only."""
    if current is None or reported.rank > current.rank:
        return reported
    return current


@dataclass(frozen=True, slots=True)
class FieldReport:
    """One report as stored. ``sent_at`` is the phone's clock, ``received_at`` the server's;
    both UTC."""

    client_id: str
    nrp: str
    tps_id: str
    kind: ReportKind
    sent_at: dt.datetime
    received_at: dt.datetime
    phase: TpsPhase | None = None  # status reports
    incident_kind: str | None = None  # incident reports: a code of the catalogue
    severity: int | None = None  # incident reports: 1 ringan, 2 sedang, 3 berat
    text: str = ""
    lat: float | None = None
    lon: float | None = None


def _utc(t: dt.datetime, what: str) -> dt.datetime:
    if t.tzinfo is None:
        raise ReportError(f"{what} needs a time zone")
    return t.astimezone(dt.UTC)


MAX_AHEAD = dt.timedelta(minutes=15)  # a phone's clock running fast
MAX_AGE = dt.timedelta(hours=72)  # a phone offline from voting day through the count


def check_sent_at(sent_at: dt.datetime, now: dt.datetime, *,
                  max_age: dt.timedelta | None = MAX_AGE,
                  max_ahead: dt.timedelta = MAX_AHEAD) -> None:
    """Refuse a ``sent_at`` (the phone's clock) far from the server's ``now``: a report from
    the future or from long ago is a wrong phone clock or a forged report, and would sort
    wrongly in every timeline. ``max_age`` None: no lower bound (replaying a past day with
    ``pollguard drill run --clock script`` into a review database)."""
    sent = _utc(sent_at, "sent_at")
    if sent > now + max_ahead:
        raise ReportError(f"sent_at {sent_at.isoformat()} is more than "
                          f"{int(max_ahead.total_seconds() // 60)} minutes ahead of the "
                          f"server's clock ({now.isoformat(timespec='seconds')}): check the "
                          "phone's clock")
    if max_age is not None and sent < now - max_age:
        raise ReportError(f"sent_at {sent_at.isoformat()} is more than "
                          f"{int(max_age.total_seconds() // 3600)} hours before the server's "
                          f"clock ({now.isoformat(timespec='seconds')}): check the phone's "
                          "clock")


def make_report(*, client_id: str, nrp: str, tps_id: str, kind: ReportKind,
                sent_at: dt.datetime, received_at: dt.datetime, phase: TpsPhase | None = None,
                incident_kind: str | None = None, severity: int | None = None, text: str = "",
                lat: float | None = None, lon: float | None = None,
                kinds: Mapping[str, IncidentKind] | None = None) -> FieldReport:
    """A checked report (ReportError with the reason otherwise). A status report needs its phase
    and nothing of an incident; an incident report needs a kind of the catalogue, and its
    severity defaults to the kind's."""
    if not client_id or not nrp or not tps_id:
        raise ReportError("a report needs its client id, officer and TPS")
    if kind == ReportKind.STATUS:
        if phase is None:
            raise ReportError("a status report needs its phase")
        if incident_kind is not None or severity is not None:
            raise ReportError("a status report has no incident kind or severity")
    else:
        if phase is not None:
            raise ReportError("an incident report has no phase: send a status report")
        cat = kinds if kinds is not None else catalogue()
        if incident_kind is None or incident_kind not in cat:
            raise ReportError(f"unknown incident kind {incident_kind!r} (known: "
                              f"{', '.join(sorted(cat))})")
        severity = cat[incident_kind].severity if severity is None else severity
        if not 1 <= severity <= 3:
            raise ReportError(f"severity must be 1-3, not {severity}")
    if (lat is None) != (lon is None):
        raise ReportError("a location needs both lat and lon")
    if lat is not None and lon is not None and not (
            math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90
            and -180 <= lon <= 180):
        raise ReportError(f"no such location: {lat}, {lon}")
    return FieldReport(client_id=client_id, nrp=nrp, tps_id=tps_id, kind=kind,
                       sent_at=_utc(sent_at, "sent_at"),
                       received_at=_utc(received_at, "received_at"), phase=phase,
                       incident_kind=incident_kind if kind == ReportKind.INCIDENT else None,
                       severity=severity, text=text, lat=lat, lon=lon)
