"""Drill timelines: a JSON Lines file of what happens when, read into typed steps.

Pure: no network, no clock. ``parse`` checks every line and raises ``DrillFileError`` with each
problem pinned to ``file:line:field`` (nothing is sent when any line is bad);
``pollguard.drill.resolve`` resolves the TPS selectors against a server and
``pollguard.drill.runner`` plays the steps.

The first line (after comments) is the header; every other line is one step::

    {"drill": "sungai-penuh-2024", "title": "...", "date": "2024-11-27", "utc_offset": "+07:00"}
    {"at": "07:00", "do": "report", "tps": {"kecamatan": "Kumun Debai", "pick": [1, 2]},
     "kind": "status", "phase": "voting_open"}
    {"at": "10:20", "do": "report", "tps": "1572052007002", "kind": "incident",
     "incident_kind": "crowd_gathering", "label": "rke-crowd", "text": "..."}
    {"at": "10:26", "do": "step", "incident": "rke-crowd", "to": "acknowledged", "as": "polres"}
    {"at": "10:30", "do": "dispatch", "incident": "rke-crowd", "label": "rke-reserve"}
    {"at": "10:55", "do": "unit", "dispatch": "rke-reserve", "to": "on_scene"}

Blank lines and lines starting with ``#`` are skipped (line numbers stay those an editor
shows). ``docs/drills.md`` describes every field.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    TypeAdapter,
    ValidationError,
    field_validator,
)

from pollguard.domain.risk import RiskClass
from pollguard.operations.field_reports import TpsPhase
from pollguard.operations.incidents import ALLOWED, Status
from pollguard.scenario.problems import InvalidInputError, Problem

LABEL = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$"
NAME = r"^[a-z0-9][a-z0-9._-]{2,59}$"
ACTIONS = ("report", "step", "dispatch", "unit")
Actor = Literal["polda", "polres", "polsek"]
# Every drill's client ids live under this namespace: uuid5(DRILL_NAMESPACE, "run/line/tps").
DRILL_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://pollguard.invalid/drill")
_BRANCH = re.compile(r"^(int|str|list\[.*\]|constrained-.*|function-.*)$")
_AT = re.compile(r"^(?:(\d{4}-\d{2}-\d{2})[ T])?(\d{1,2}):(\d{2})$")


class DrillFileError(InvalidInputError):
    """The drill file has problems (every one is listed); nothing was sent."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Header(_Strict):
    """The first line: the drill's name (the default run id), its day and its time zone."""

    drill: str = Field(pattern=NAME, description="a name: 3-60 of a-z, 0-9, '.', '_', '-'")
    date: dt.date = Field(description="the day that an 'at' without a date falls on")
    utc_offset: str = Field(default="+07:00", pattern=r"^[+-](0\d|1[0-4]):[0-5]\d$",
                            description="+07:00 WIB, +08:00 WITA, +09:00 WIT")
    title: str = ""
    description: str = ""
    comment: str = ""

    @property
    def tz(self) -> dt.timezone:
        sign = -1 if self.utc_offset[0] == "-" else 1
        hours, minutes = int(self.utc_offset[1:3]), int(self.utc_offset[4:6])
        return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))


class Area(_Strict):
    """TPS chosen by place: the ``pick``-th TPS (1 = first) of a kab/kota or kecamatan, TPS
    ordered by their KPU id; optionally only those of one risk class. Names or codes both work
    (``"Sungai Penuh"``, ``"Kota Sungai Penuh"``, ``"15.72"``)."""

    kabkota: str | None = Field(default=None, min_length=1, max_length=80)
    kecamatan: str | None = Field(default=None, min_length=1, max_length=80)
    cls: RiskClass | None = Field(default=None, alias="class")
    pick: int | list[int] = 1

    @field_validator("pick", mode="before")
    @classmethod
    def _pick(cls, value: Any) -> Any:
        ok = (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, list) and all(isinstance(v, int) and not isinstance(v, bool)
                                            for v in value))
        if not ok:
            raise ValueError("pick: a number (1 = the first TPS) or a list of numbers")
        return value

    @property
    def picks(self) -> list[int]:
        return [self.pick] if isinstance(self.pick, int) else list(self.pick)


def _ref_kind(value: Any) -> str | None:
    if isinstance(value, str):
        return "id"
    return "area" if isinstance(value, dict | Area) else None


def _refs_kind(value: Any) -> str:
    return "many" if isinstance(value, list) else "one"


# A TPS: its KPU id, or an area selector. Callable discriminators keep a bad selector's error
# to the branch its shape chose (a dict is an area), not one error per branch.
TpsRef = Annotated[
    Annotated[Annotated[str, Field(min_length=1, max_length=13)], Tag("id")]
    | Annotated[Area, Tag("area")],
    Discriminator(_ref_kind, custom_error_type="tps",
                  custom_error_message="a TPS is its KPU id (text) or an area "
                                       "{\"kabkota\" or \"kecamatan\", \"pick\"}")]
TpsRefs = Annotated[Annotated[TpsRef, Tag("one")] | Annotated[list[TpsRef], Tag("many")],
                    Discriminator(_refs_kind)]
_TAGS = {"id", "area", "one", "many"}


class _Step(_Strict):
    at: str = Field(description="HH:MM, or YYYY-MM-DD HH:MM (the date then carries on)")
    comment: str = ""
    expect: int | None = Field(default=None, ge=400, le=599,
                               description="the refusal this line is meant to get")

    @field_validator("at")
    @classmethod
    def _time(cls, value: str) -> str:
        m = _AT.match(value.strip())
        if not m:
            raise ValueError(f"{value!r} is not a time: HH:MM or YYYY-MM-DD HH:MM")
        day, hour, minute = m.groups()
        if day is not None:
            dt.date.fromisoformat(day)  # a ValueError names the bad date
        if int(hour) > 23 or int(minute) > 59:
            raise ValueError(f"{value!r} is not a time of day (00:00-23:59)")
        return value.strip()


class Report(_Step):
    """A field report from the officer(s) plotted at each TPS named."""

    do: Literal["report"]
    tps: TpsRefs
    kind: Literal["status", "incident"]
    phase: TpsPhase | None = None
    incident_kind: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$", max_length=40)
    severity: int | None = Field(default=None, ge=1, le=3)
    text: str = Field(default="", max_length=2000)
    label: str | None = Field(default=None, pattern=LABEL)

    @property
    def refs(self) -> list[str | Area]:
        return list(self.tps) if isinstance(self.tps, list) else [self.tps]


class IncidentStep(_Step):
    """A step of an incident's workflow, taken at the level named by ``as``."""

    do: Literal["step"]
    incident: str = Field(pattern=LABEL)
    to: Literal["acknowledged", "responding", "resolved", "closed"]
    verified: bool | None = None
    note: str = Field(default="", max_length=400)
    as_: Actor = Field(default="polda", alias="as")


class Dispatch(_Step):
    """Send reserves to an incident: the recommendation accepted unless ``teams`` or
    ``borrow`` say otherwise. The incident moves to responding (acknowledged first if
    nobody had)."""

    do: Literal["dispatch"]
    incident: str = Field(pattern=LABEL)
    label: str | None = Field(default=None, pattern=LABEL)
    teams: list[str] | None = None
    borrow: bool | None = None
    note: str = Field(default="", max_length=400)
    as_: Actor = Field(default="polda", alias="as")


class UnitStep(_Step):
    """A unit sent by an earlier dispatch line moves on: every dispatch that line made."""

    do: Literal["unit"]
    dispatch: str = Field(pattern=LABEL)
    to: Literal["dispatched", "on_scene", "returning", "available"]
    note: str = Field(default="", max_length=400)
    as_: Actor = Field(default="polda", alias="as")


Step = Annotated[Report | IncidentStep | Dispatch | UnitStep, Field(discriminator="do")]
_STEP: TypeAdapter[Report | IncidentStep | Dispatch | UnitStep] = TypeAdapter(Step)
_HEADER = TypeAdapter(Header)


@dataclass(frozen=True, slots=True)
class Entry:
    """One step and where it is: its line in the file and its time (aware)."""

    line: int
    when: dt.datetime
    step: Report | IncidentStep | Dispatch | UnitStep

    @property
    def action(self) -> str:
        return self.step.do


@dataclass(frozen=True, slots=True)
class Timeline:
    source: str
    header: Header
    entries: tuple[Entry, ...]

    @property
    def name(self) -> str:
        return self.header.drill

    def incident_lines(self) -> dict[str, int]:
        """Incident label -> the line of the report that makes it."""
        return {e.step.label: e.line for e in self.entries
                if isinstance(e.step, Report) and e.step.label}

    def dispatch_lines(self) -> dict[str, int]:
        return {e.step.label: e.line for e in self.entries
                if isinstance(e.step, Dispatch) and e.step.label}


def client_id(run_id: str, line: int, tps_id: str) -> str:
    """The report's client id: the same run, line and TPS always give the same id, so a re-run
    resends (the server stores nothing new) instead of duplicating."""
    return str(uuid.uuid5(DRILL_NAMESPACE, f"{run_id}/{line}/{tps_id}"))


def marker(run_id: str, line: int) -> str:
    """Appended to the notes of the steps, dispatches and unit moves a line makes: how a
    re-run recognises what it did before."""
    return f"[drill {run_id} #{line}]"


def parse(path: Path) -> Timeline:
    """The drill in ``path``; DrillFileError with every problem when any line is bad."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DrillFileError([Problem(str(path), 0, "-", f"cannot read: {exc}")]) from exc
    return parse_text(text, str(path))


def parse_text(text: str, source: str = "<drill>") -> Timeline:
    problems: list[Problem] = []

    def bad(line: int, field: str, reason: str) -> None:
        problems.append(Problem(source, line, field, reason))

    header: Header | None = None
    raw: list[tuple[int, Report | IncidentStep | Dispatch | UnitStep]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        try:
            value = json.loads(stripped)
        except json.JSONDecodeError as exc:
            bad(number, "-", f"not JSON: {exc.msg} (column {exc.colno})")
            continue
        if not isinstance(value, dict):
            bad(number, "-", "each line must be a JSON object {...}")
            continue
        if header is None and not raw and "do" not in value:
            try:
                header = _HEADER.validate_python(value)
            except ValidationError as exc:
                _pydantic_problems(exc, number, bad, tagged=False)
                header = Header(drill="invalid", date=dt.date(2000, 1, 1))
            continue
        if header is None and not raw:
            bad(number, "-", 'the first line must be the header: {"drill": "<name>", "date": '
                             '"YYYY-MM-DD", "utc_offset": "+07:00"}')
        try:
            raw.append((number, _STEP.validate_python(value)))
        except ValidationError as exc:
            _pydantic_problems(exc, number, bad, tagged=True)
    if header is None:
        if not problems:
            bad(1, "-", "empty drill: it needs a header line and at least one step")
        raise DrillFileError(problems)
    entries = _checked(raw, header, bad)
    if not raw and not problems:
        bad(1, "-", "the drill has no steps")
    if problems:
        raise DrillFileError(problems)
    return Timeline(source=source, header=header, entries=tuple(entries))


def _pydantic_problems(exc: ValidationError, line: int, bad: Any, *, tagged: bool) -> None:
    for err in exc.errors():
        loc = list(err["loc"])
        if tagged and err["type"] in ("union_tag_not_found", "union_tag_invalid"):
            bad(line, "do", f"'do' must be one of {', '.join(ACTIONS)}"
                            + ("" if err["type"] == "union_tag_not_found"
                               else f" (not {err.get('input', {}).get('do')!r})"))
            continue
        if tagged and loc:
            loc = loc[1:]  # the discriminator's value
        # Unions name their branch in the location: drop those names.
        loc = [p for p in loc if p not in _TAGS and not _BRANCH.match(str(p))]
        field = ".".join(str(p) for p in loc) or "-"
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown field"
        bad(line, field, msg)


def _single(ref: str | Area) -> bool:
    return isinstance(ref, str) or len(ref.picks) == 1


def _checked(raw: list[tuple[int, Report | IncidentStep | Dispatch | UnitStep]],
             header: Header, bad: Any) -> list[Entry]:
    """Times in order, labels defined before use and once, each incident's steps in the
    workflow's order, each report complete for its kind."""
    entries: list[Entry] = []
    day = header.date
    last: dt.datetime | None = None
    incidents: dict[str, Status] = {}
    dispatches: set[str] = set()
    for line, step in raw:
        m = _AT.match(step.at)
        assert m is not None
        if m.group(1):
            day = dt.date.fromisoformat(m.group(1))
        when = dt.datetime.combine(day, dt.time(int(m.group(2)), int(m.group(3))),
                                   tzinfo=header.tz)
        if last is not None and when < last:
            bad(line, "at", f"{step.at} is before the line above ({last:%Y-%m-%d %H:%M}): "
                            f"steps run in time order")
        last = max(when, last) if last else when
        if isinstance(step, Report):
            _check_report(line, step, bad)
            if step.label:
                if step.label in incidents or step.label in dispatches:
                    bad(line, "label", f"label {step.label!r} is used twice")
                incidents[step.label] = Status.REPORTED
        elif isinstance(step, IncidentStep):
            current = incidents.get(step.incident)
            if current is None:
                bad(line, "incident", f"no incident labelled {step.incident!r} is reported on "
                                      f"a line above")
            elif Status(step.to) not in ALLOWED[current]:
                allowed = ", ".join(sorted(ALLOWED[current])) or "none: it is closed"
                bad(line, "to", f"incident {step.incident!r} is {current.value}: it may go to "
                                f"{allowed}, not {step.to}")
            else:
                incidents[step.incident] = Status(step.to)
        elif isinstance(step, Dispatch):
            current = incidents.get(step.incident)
            if current is None:
                bad(line, "incident", f"no incident labelled {step.incident!r} is reported on "
                                      f"a line above")
            elif current in (Status.RESOLVED, Status.CLOSED):
                bad(line, "incident", f"incident {step.incident!r} is {current.value}: "
                                      f"nothing to send")
            else:  # the server acknowledges it if needed and moves it to responding
                incidents[step.incident] = Status.RESPONDING
            if step.as_ == "polsek":
                bad(line, "as", "a Polsek may not dispatch reserves: use polres or polda")
            if step.label:
                if step.label in incidents or step.label in dispatches:
                    bad(line, "label", f"label {step.label!r} is used twice")
                dispatches.add(step.label)
        else:
            if step.dispatch not in dispatches:
                bad(line, "dispatch", f"no dispatch labelled {step.dispatch!r} on a line above")
            if step.as_ == "polsek":
                bad(line, "as", "a Polsek may not move reserve units: use polres or polda")
        entries.append(Entry(line=line, when=when, step=step))
    return entries


def _check_report(line: int, step: Report, bad: Any) -> None:
    if step.kind == "status":
        if step.phase is None:
            bad(line, "phase", f"a status report needs its phase: one of "
                               f"{', '.join(p.value for p in TpsPhase)}")
        for name in ("incident_kind", "severity", "label"):
            if getattr(step, name) is not None:
                bad(line, name, "only incident reports have this field")
    else:
        if step.incident_kind is None:
            bad(line, "incident_kind", "an incident report needs its incident_kind")
        if step.phase is not None:
            bad(line, "phase", "an incident report has no phase: send a status report")
        if step.label and not (len(step.refs) == 1 and _single(step.refs[0])):
            bad(line, "label", "a labelled incident must name exactly one TPS")
    if isinstance(step.tps, list) and not step.tps:
        bad(line, "tps", "name at least one TPS")
    for ref in step.refs:
        if isinstance(ref, Area):
            if ref.kabkota is None and ref.kecamatan is None:
                bad(line, "tps", "an area selector needs kabkota or kecamatan")
            picks = ref.picks
            if not picks or any(p < 1 for p in picks):
                bad(line, "tps.pick", "pick counts from 1")
            elif len(set(picks)) != len(picks):
                bad(line, "tps.pick", "a TPS is picked twice")


def only(timeline: Timeline, actions: Iterable[str]) -> tuple[Entry, ...]:
    """The entries of the given kinds (report, step, dispatch, unit) to play; a unit line whose
    dispatch line is left out goes too (it would have nothing to move). Labels still resolve
    through the whole timeline: a step line finds its incident by the report line that made
    it, even when reports are not played (they were on an earlier run, or by hand)."""
    keep = set(actions)
    return tuple(e for e in timeline.entries if e.action in keep and not (
        isinstance(e.step, UnitStep) and "dispatch" not in keep))
