"""The scenario folder: ``scenario.toml``, six CSV tables, optional ones and the optional
``boundaries.geojson`` (see docs/scenario-format.md).

Reading validates everything before returning anything, and reports every problem found as
``file:row:column: reason``; a scenario with any problem is not returned at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from pollguard.domain.boundary import Boundary
from pollguard.domain.forces import (
    ALLOWED_PARENTS,
    Branch,
    CommandUnit,
    ForceCount,
    Officer,
    Rank,
    officer_problems,
)
from pollguard.domain.geo import Point
from pollguard.domain.orders import OperationSettings
from pollguard.domain.plan import Race
from pollguard.domain.regions import Region, RegionLevel, is_region_code, region_problems
from pollguard.domain.risk import AreaScore, Observation, RiskEvent
from pollguard.domain.scenario import Scenario, ScenarioInfo
from pollguard.domain.tps import Election, PollingStation, tps_problems
from pollguard.scenario import kemendagri
from pollguard.scenario.boundaries import BOUNDARIES, read_boundaries
from pollguard.scenario.boundaries import write_file as write_boundary_file
from pollguard.scenario.checks import (
    TpsDistanceLimits,
    binaan_unit,
    distance_warnings,
    outside_problems,
    within,
)
from pollguard.scenario.problems import InvalidInputError, Problem
from pollguard.scenario.tables import (
    RowSchema,
    cell,
    cell_limits,
    parse_csv,
    parse_yes_no,
    text_problem,
    write_csv,
)

PROFILE = "scenario.toml"
REGIONS, TPS, UNITS, OFFICERS, TNI, LINMAS = (
    "regions.csv", "tps.csv", "units.csv", "officers.csv", "tni.csv", "linmas.csv")
#: Optional: what is known of vulnerability before assessing it.
INDICATORS, EVENTS, AREA_SCORES = "indicators.csv", "events.csv", "area_scores.csv"
RACES = "races.csv"  # optional: contests and their candidate pairs
OPTIONAL_FILES = (INDICATORS, EVENTS, AREA_SCORES, RACES)
#: Files that may hold a header and no rows. No TPS or no officers is an operation not yet
#: filled in (``pollguard scenario init``), which loads: the commands say what to import
#: (``services.checklist``).
ALLOW_EMPTY = (TPS, OFFICERS, TNI, LINMAS, *OPTIONAL_FILES)


def _codes(text: str) -> tuple[str, ...]:
    return tuple(text.split())


REGION_ROWS = RowSchema(Region, {c: c for c in ("code", "name", "kind", "lat", "lon", "area_km2")})
TPS_ROWS = RowSchema(PollingStation, {c: c for c in (
    "tps_id", "desa_code", "number", "voters", "lat", "lon", "location_type")},
    defaults={"voters": lambda v: None})  # an empty cell: the count is not known yet
UNIT_ROWS = RowSchema(CommandUnit, {c: c for c in (
    "code", "name", "kind", "parent_code", "hq_lat", "hq_lon", "jurisdiction", "phone")},
    parsers={"jurisdiction": _codes}, defaults={"parent_code": lambda v: None})
OFFICER_ROWS = RowSchema(Officer, {c: c for c in (
    "nrp", "name", "rank", "branch", "unit_code", "home_unit_code", "bko", "phone", "position",
    "desa_code")},
    parsers={"rank": Rank.parse, "branch": Branch.parse, "bko": parse_yes_no},
    defaults={"home_unit_code": lambda v: v.get("unit_code")})
TNI_ROWS = RowSchema(ForceCount, {"unit_code": "code", "personnel": "personnel"})
INDICATOR_ROWS = RowSchema(Observation, {c: c for c in ("tps_id", "indicator", "value")})
EVENT_ROWS = RowSchema(RiskEvent, {c: c for c in (
    "event_id", "kind", "lat", "lon", "occurred_on", "severity", "description")})
AREA_ROWS = RowSchema(AreaScore, {c: c for c in ("region_code", "score")})
RACE_ROWS = RowSchema(Race, {c: c for c in ("race_id", "region_code", "office", "pairs")})
LINMAS_ROWS = RowSchema(ForceCount, {"desa_code": "code", "personnel": "personnel"})

_REQUIRED = {
    REGIONS: ["code", "name", "kind", "lat", "lon"],
    TPS: ["tps_id", "desa_code", "number", "voters", "lat", "lon", "location_type"],
    UNITS: ["code", "name", "kind", "parent_code", "hq_lat", "hq_lon", "jurisdiction"],
    OFFICERS: ["nrp", "name", "rank", "branch", "unit_code"],
    TNI: ["unit_code", "personnel"],
    LINMAS: ["desa_code", "personnel"],
    INDICATORS: ["tps_id", "indicator", "value"],
    EVENTS: ["event_id", "kind", "lat", "lon", "occurred_on", "severity"],
    AREA_SCORES: ["region_code", "score"],
    RACES: ["race_id", "region_code", "office", "pairs"],
}
#: Optional columns; ``position`` and ``desa_code`` came later, so older folders lack them.
_OPTIONAL = {REGIONS: ["area_km2"], UNITS: ["phone"],
             OFFICERS: ["home_unit_code", "bko", "phone", "position", "desa_code"],
             EVENTS: ["description"]}
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
#: The most characters each column's cells hold: the database column's length where it has
#: one (``String(n)`` in ``store/tables.py``: PostgreSQL refuses longer values, SQLite stores
#: them), else ``MAX_CELL_CHARS``. Codes and ids checked for their form (region codes, TPS
#: ids, NRP) are bounded by that check. Every cell is checked for control characters too.
_LENGTHS: dict[str, dict[str, int]] = {
    REGIONS: {"name": 120},
    UNITS: {"code": 40, "name": 120, "parent_code": 40, "jurisdiction": 2000, "phone": 20},
    OFFICERS: {"name": 120, "unit_code": 40, "home_unit_code": 40, "phone": 20,
               "position": 120},
    TNI: {"unit_code": 40},
    INDICATORS: {"indicator": 40},
    EVENTS: {"event_id": 40, "kind": 40, "description": 1000},
    RACES: {"race_id": 40, "office": 20},
}
LIMITS = {name: cell_limits([*_REQUIRED[name], *_OPTIONAL.get(name, ())],
                            **_LENGTHS.get(name, {})) for name in _REQUIRED}
#: The columns of each file that hold a point: (latitude, longitude).
_POINTS = {REGIONS: ("lat", "lon"), TPS: ("lat", "lon"), UNITS: ("hq_lat", "hq_lon"),
           EVENTS: ("lat", "lon")}


class _ScenarioSection(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)  # ScenarioRecord.name: String(200)
    election: Election
    province_code: str = Field(pattern=r"^\d{2}$")
    voting_date: dt.date
    seed: int | None = None
    description: str = ""
    max_voters_per_tps: int | None = Field(default=None, ge=1)
    # The operation's clock when it is not the province's (ScenarioRecord.time_zone: String(4)).
    time_zone: Literal["WIB", "WITA", "WIT"] | None = None

    @field_validator("name")
    @classmethod
    def _printable(cls, name: str) -> str:
        why = text_problem(name, 200)
        if why:
            raise ValueError(why)
        return name


class _Signatory(BaseModel):
    model_config = ConfigDict(extra="forbid")
    position: str = Field(min_length=1, max_length=200)
    name: str = Field(min_length=1, max_length=120)
    rank: str = Field(default="", max_length=20)
    nrp: str = Field(default="", max_length=20)


class _UnitOrder(BaseModel):
    model_config = ConfigDict(extra="forbid")
    number: str = Field(default="", max_length=120)
    place: str = Field(default="", max_length=120)
    signatory: _Signatory | None = None
    copies_to: list[str] = []


class _OperationSection(BaseModel):
    """``[operation]``: what the orders say of themselves (``pollguard.domain.orders``)."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(default="", max_length=200)
    polda: str = Field(default="", max_length=120)
    issued: dt.date | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    classification: str = Field(default="", max_length=40)
    considerations: list[str] = []
    bases: list[str] = []
    copies_to: list[str] = []
    units: dict[str, _UnitOrder] = {}

    @field_validator("end")
    @classmethod
    def _after_start(cls, end: dt.date | None, info: Any) -> dt.date | None:
        start = info.data.get("start")
        if end and start and end < start:
            raise ValueError(f"end {end} is before start {start}")
        return end


class _Profile(BaseModel):
    model_config = ConfigDict(extra="allow")
    scenario: _ScenarioSection
    operation: _OperationSection = _OperationSection()


@dataclass(frozen=True, slots=True)
class FileRead:
    """A file as it was read: its name, the SHA-256 of its bytes and its data rows (``None``
    for ``scenario.toml``)."""

    name: str
    sha256: str
    rows: int | None


@dataclass(frozen=True)
class ScenarioRead:
    """A valid scenario, the files it was read from, and the warnings about it (which do not
    stop it from loading)."""

    scenario: Scenario
    files: tuple[FileRead, ...]
    warnings: tuple[Problem, ...] = ()


def read_info(folder: Path, files: list[FileRead] | None = None
              ) -> tuple[ScenarioInfo | None, list[Problem]]:
    path = folder / PROFILE
    if not path.is_file():
        return None, [Problem(PROFILE, 1, "-", f"missing file in {folder}")]
    raw = path.read_bytes()
    if files is not None:
        files.append(FileRead(PROFILE, hashlib.sha256(raw).hexdigest(), None))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem(PROFILE, raw[: exc.start].count(b"\n") + 1, "-",
                              f"not UTF-8 text (byte 0x{raw[exc.start]:02x})")]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return None, [Problem(PROFILE, getattr(exc, "lineno", 1) or 1, "-", str(exc))]
    try:
        section = _Profile.model_validate(data).scenario
    except ValidationError as exc:
        return None, [Problem(PROFILE, _line_of(text, err["loc"]), ".".join(map(str, err["loc"])),
                              err["msg"]) for err in exc.errors()]
    return ScenarioInfo(**section.model_dump()), []


def read_operation(folder: Path) -> OperationSettings:
    """``scenario.toml``'s ``[operation]`` table (empty settings when it has none). Called
    after ``read_info`` accepted the file, so it parses."""
    data = tomllib.loads((folder / PROFILE).read_text(encoding="utf-8"))
    section = _Profile.model_validate(data).operation
    return OperationSettings.from_dict(section.model_dump(exclude_none=True))


def _line_of(text: str, loc: tuple[Any, ...]) -> int:
    """Best-effort line of a TOML key, for error messages."""
    key = str(loc[-1]) if loc else ""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip().startswith(f"{key} ") or line.strip().startswith(f"{key}="):
            return number
    return 1


def read_scenario(folder: Path) -> Scenario:
    """Read and validate a scenario folder; raise ``InvalidInputError`` with every problem."""
    return read_scenario_checked(folder).scenario


def read_scenario_checked(folder: Path, *,
                          limits: TpsDistanceLimits | None = None) -> ScenarioRead:
    """Read and validate a scenario folder; raise ``InvalidInputError`` with every problem.
    Return the scenario with the files read (name, SHA-256, rows) and, given ``limits``, a
    warning for every TPS farther than them from its desa or kecamatan point."""
    folder = Path(folder)
    problems: list[Problem] = []
    files: list[FileRead] = []
    info, found = read_info(folder, files)
    problems += found
    written: dict[str, set[str]] = {}  # ids as written, parsed or not: no cascading errors
    read_warnings: list[Problem] = []  # how a file was read (Windows-1252): see parse_csv

    def table(name: str, schema: RowSchema[Any]) -> list[tuple[Any, Any]]:
        path = folder / name
        if not path.is_file():
            if name not in OPTIONAL_FILES:
                problems.append(Problem(name, 1, "-", f"missing file in {folder}"))
            return []
        raw = path.read_bytes()
        tbl, found = parse_csv(raw, file=name, required=_REQUIRED[name],
                               optional=_OPTIONAL.get(name, ()),
                               allow_empty=name in ALLOW_EMPTY,
                               limits=LIMITS[name], decimals=schema.decimal_columns)
        read_warnings.extend(tbl.warnings)
        files.append(FileRead(name, hashlib.sha256(raw).hexdigest(), len(tbl.rows)))
        problems.extend(found)
        key = next(iter(schema.columns))
        written[name] = {row.cells.get(key, "") for row in tbl.rows}
        parsed, found = schema.parse(tbl)
        problems.extend(found)
        if name in _POINTS:
            lat, lon = _POINTS[name]
            for row, obj in parsed:
                problems.extend(outside_problems(name, row.line, (lat, getattr(obj, lat)),
                                                 (lon, getattr(obj, lon))))
        return parsed

    regions = table(REGIONS, REGION_ROWS)
    tps = table(TPS, TPS_ROWS)
    units = table(UNITS, UNIT_ROWS)
    officers = table(OFFICERS, OFFICER_ROWS)
    tni = table(TNI, TNI_ROWS)
    linmas = table(LINMAS, LINMAS_ROWS)
    indicators = table(INDICATORS, INDICATOR_ROWS)
    events = table(EVENTS, EVENT_ROWS)
    areas = table(AREA_SCORES, AREA_ROWS)
    races = table(RACES, RACE_ROWS)
    boundaries = _read_boundaries(folder, regions, files, problems, read_warnings)
    if info is not None:
        problems += _cross_check(info, regions, tps, units, officers, tni, linmas)
        problems += _check_risk_inputs(regions, written.get(TPS, set()), indicators, events,
                                       areas)
        problems += _check_races(regions, races)
        problems += _check_operation(folder, {u.code for _, u in units})
    if problems:
        raise InvalidInputError(problems)
    assert info is not None
    warnings = read_warnings
    if limits is not None:
        points = {r.code: Point(r.lat, r.lon) for _, r in regions}
        warnings += distance_warnings(TPS, ((row.line, t) for row, t in tps), points, limits)
    scenario = Scenario(
        info=info,
        regions=tuple(r for _, r in regions),
        tps=tuple(t for _, t in tps),
        units=tuple(u for _, u in units),
        officers=tuple(o for _, o in officers),
        tni=tuple(c for _, c in tni),
        linmas=tuple(c for _, c in linmas),
        observations=tuple(o for _, o in indicators),
        events=tuple(e for _, e in events),
        area_scores=tuple(a for _, a in areas),
        races=tuple(r for _, r in races),
        operation=read_operation(folder),
        boundaries=boundaries,
    )
    return ScenarioRead(scenario, tuple(files), tuple(sorted(warnings)))


def _read_boundaries(folder: Path, regions: list[Any], files: list[FileRead],
                     problems: list[Problem], warnings: list[Problem]
                     ) -> tuple[Boundary, ...]:
    """The optional ``boundaries.geojson`` (``scenario.boundaries``), checked against the
    regions that parsed."""
    path = folder / BOUNDARIES
    if not path.is_file():
        return ()
    raw = path.read_bytes()
    read = read_boundaries(raw, {r.code: r for _, r in regions})
    files.append(FileRead(BOUNDARIES, hashlib.sha256(raw).hexdigest(), read.features))
    problems.extend(read.problems)
    warnings.extend(read.warnings)
    return read.boundaries


def _check_operation(folder: Path, unit_codes: set[str]) -> list[Problem]:
    """Every unit ``[operation.units]`` names is a unit of ``units.csv``."""
    text = (folder / PROFILE).read_text(encoding="utf-8")
    named = _Profile.model_validate(tomllib.loads(text)).operation.units
    lines = text.splitlines()

    def line(code: str) -> int:
        return next((i for i, t in enumerate(lines, start=1) if code in t and "[" in t), 1)

    return [Problem(PROFILE, line(code), f"operation.units.{code}",
                    f"unit {code} is not in {UNITS}") for code in named
            if code not in unit_codes]


def _check_races(regions: list[Any], races: list[Any]) -> list[Problem]:
    """A race is for the province (governor) or a kab/kota (bupati, walikota)."""
    where = {r.code for _, r in regions if is_region_code(r.code)
             and r.level in (RegionLevel.PROVINCE, RegionLevel.KABKOTA)}
    return _dupes(RACES, "race_id", races, "race_id") + [
        Problem(RACES, row.line, "region_code", f"{r.region_code} is not the province or a "
                f"kab/kota in {REGIONS}") for row, r in races if r.region_code not in where]


def _check_risk_inputs(regions: list[Any], tps_ids: set[str], indicators: list[Any],
                       events: list[Any], areas: list[Any]) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[tuple[str, str], int] = {}
    for row, o in indicators:
        if o.tps_id not in tps_ids:
            problems.append(Problem(INDICATORS, row.line, "tps_id", f"TPS {o.tps_id} is not in "
                                    f"{TPS}"))
        if not _CODE.match(o.indicator):
            problems.append(Problem(INDICATORS, row.line, "indicator", "an indicator code is "
                                    f"lower-case letters, digits and _: {o.indicator!r}"))
        if (o.tps_id, o.indicator) in seen:
            problems.append(Problem(INDICATORS, row.line, "indicator", f"{o.indicator} for TPS "
                                    f"{o.tps_id} is also on line {seen[o.tps_id, o.indicator]}"))
        seen.setdefault((o.tps_id, o.indicator), row.line)
    problems += _dupes(EVENTS, "event_id", events, "event_id")
    problems += [Problem(EVENTS, row.line, "kind", "an event kind is lower-case letters, digits "
                         f"and _: {e.kind!r}") for row, e in events if not _CODE.match(e.kind)]
    kabkota = {r.code for _, r in regions if is_region_code(r.code)
               and r.level == RegionLevel.KABKOTA}
    problems += _dupes(AREA_SCORES, "region_code", areas, "region_code")
    problems += [Problem(AREA_SCORES, row.line, "region_code", f"{a.region_code} is not a "
                         f"kab/kota in {REGIONS}") for row, a in areas
                 if a.region_code not in kabkota]
    return problems


def _dupes(file: str, column: str, rows: list[tuple[Any, Any]], key: str) -> list[Problem]:
    counts = Counter(getattr(obj, key) for _, obj in rows)
    return [Problem(file, row.line, column, f"duplicate {column} {getattr(obj, key)!r}")
            for row, obj in rows if counts[getattr(obj, key)] > 1]


def _cross_check(info: ScenarioInfo, regions: list[Any], tps: list[Any], units: list[Any],
                 officers: list[Any], tni: list[Any], linmas: list[Any]) -> list[Problem]:
    """Rules that join rows or files: uniqueness, references, the official code list."""
    problems: list[Problem] = []
    if info.province_code not in kemendagri.province_codes():
        problems.append(Problem(PROFILE, 1, "scenario.province_code",
                                f"no Kemendagri province {info.province_code!r}"))
        return problems
    official = kemendagri.known_codes(info.province_code)
    region_kind = {r.code: r for _, r in regions if is_region_code(r.code)}
    problems += _dupes(REGIONS, "code", regions, "code")
    for row, r in regions:
        problems += [Problem(REGIONS, row.line, c, why) for c, why in region_problems(r)]
        if not is_region_code(r.code):
            continue  # reported by region_problems
        if r.code not in official:
            problems.append(Problem(REGIONS, row.line, "code", f"{r.code} is not a Kemendagri "
                                    f"code in province {info.province_code}"))
        elif r.parent_code and r.parent_code not in region_kind:
            problems.append(Problem(REGIONS, row.line, "code",
                                    f"parent region {r.parent_code} is not in {REGIONS}"))
    desa = {c for c, r in region_kind.items() if r.level == RegionLevel.DESA}
    problems += _dupes(TPS, "tps_id", tps, "tps_id")
    for row, t in tps:
        problems += [Problem(TPS, row.line, c, why)
                     for c, why in tps_problems(t, max_voters=info.voter_cap)]
        if t.desa_code not in desa:
            problems.append(Problem(TPS, row.line, "desa_code",
                                    f"desa {t.desa_code} is not in {REGIONS}"))
    unit_by_code = {u.code: u for _, u in units}
    problems += _dupes(UNITS, "code", units, "code")
    for row, u in units:
        parent = unit_by_code.get(u.parent_code) if u.parent_code else None
        if u.parent_code and parent is None:
            problems.append(Problem(UNITS, row.line, "parent_code",
                                    f"unit {u.parent_code} is not in {UNITS}"))
        elif (parent.kind if parent else None) not in ALLOWED_PARENTS[u.kind]:
            allowed = ", ".join(k.value if k else "none" for k in ALLOWED_PARENTS[u.kind])
            problems.append(Problem(UNITS, row.line, "parent_code",
                                    f"a {u.kind.value} sits under: {allowed}"))
        for code in u.jurisdiction:
            if code not in region_kind:
                problems.append(Problem(UNITS, row.line, "jurisdiction",
                                        f"region {code} is not in {REGIONS}"))
    problems += _dupes(OFFICERS, "nrp", officers, "nrp")
    polri = {c for c, u in unit_by_code.items() if u.kind.is_polri}
    for row, o in officers:
        problems += [Problem(OFFICERS, row.line, c, why) for c, why in officer_problems(o)]
        for column in ("unit_code", "home_unit_code"):
            if getattr(o, column) not in polri:
                problems.append(Problem(OFFICERS, row.line, column,
                                        f"{getattr(o, column)} is not a Polri unit in {UNITS}"))
        if o.desa_code is not None:
            problems += _binaan_problems(row.line, o, region_kind, unit_by_code)
    tni_units = {c for c, u in unit_by_code.items() if u.kind.is_tni}
    problems += _dupes(TNI, "unit_code", tni, "code")
    problems += [Problem(TNI, row.line, "unit_code", f"{c.code} is not a TNI unit in {UNITS}")
                 for row, c in tni if c.code not in tni_units]
    problems += _dupes(LINMAS, "desa_code", linmas, "code")
    problems += [Problem(LINMAS, row.line, "desa_code", f"desa {c.code} is not in {REGIONS}")
                 for row, c in linmas if c.code not in desa]
    return problems


def _binaan_problems(line: int, officer: Officer, regions: dict[str, Region],
                     units: dict[str, CommandUnit]) -> list[Problem]:
    """An officer's desa binaan is a desa/kelurahan of ``regions.csv`` that lies in the
    jurisdiction of their home Polres (``checks.binaan_unit``): a Bhabinkamtibmas serves a
    desa of his own command, also while placed elsewhere as BKO."""
    code = officer.desa_code
    assert code is not None
    region = regions.get(code)
    if region is None:
        return [Problem(OFFICERS, line, "desa_code", f"desa {code} is not in {REGIONS}")]
    if region.level != RegionLevel.DESA:
        return [Problem(OFFICERS, line, "desa_code", f"{code} ({region.name}) is a "
                        f"{region.kind.value}, not a desa/kelurahan")]
    unit = binaan_unit(officer.home_unit_code, units)
    if unit is None or not unit.kind.is_polri or within(code, unit.jurisdiction):
        return []  # a home unit that is not a Polri unit is reported on its own column
    return [Problem(OFFICERS, line, "desa_code", f"desa {region.name} ({code}) lies outside "
                    f"the jurisdiction of {unit.name} ({' '.join(unit.jurisdiction)}), the "
                    "officer's home command")]


def write_scenario(scenario: Scenario, folder: Path) -> None:
    """Write a scenario folder; the same scenario always gives byte-identical files."""
    folder.mkdir(parents=True, exist_ok=True)
    info = scenario.info
    section: dict[str, Any] = {"name": info.name, "election": info.election.value,
                               "province_code": info.province_code,
                               "voting_date": info.voting_date, "description": info.description}
    if info.seed is not None:
        section["seed"] = info.seed
    if info.max_voters_per_tps is not None:
        section["max_voters_per_tps"] = info.max_voters_per_tps
    if info.time_zone is not None:
        section["time_zone"] = info.time_zone
    document: dict[str, Any] = {"scenario": section}
    if operation := scenario.operation.as_dict():
        document["operation"] = operation | {  # TOML dates, not text
            k: getattr(scenario.operation, k) for k in ("issued", "start", "end")
            if k in operation}
    (folder / PROFILE).write_text(tomli_w.dumps(document), encoding="utf-8")

    def rows(objs: Any, fields: list[str]) -> list[list[str]]:
        return [[cell(_value(getattr(o, f))) for f in fields] for o in objs]

    tables: list[tuple[str, RowSchema[Any], tuple[Any, ...]]] = [
        (REGIONS, REGION_ROWS, scenario.regions), (TPS, TPS_ROWS, scenario.tps),
        (UNITS, UNIT_ROWS, scenario.units), (OFFICERS, OFFICER_ROWS, scenario.officers),
        (TNI, TNI_ROWS, scenario.tni), (LINMAS, LINMAS_ROWS, scenario.linmas),
    ]
    optional: list[tuple[str, RowSchema[Any], tuple[Any, ...]]] = [
        (INDICATORS, INDICATOR_ROWS, scenario.observations), (EVENTS, EVENT_ROWS, scenario.events),
        (AREA_SCORES, AREA_ROWS, scenario.area_scores), (RACES, RACE_ROWS, scenario.races)]
    for name, schema, objs in tables + [o for o in optional if o[2]]:
        write_csv(folder / name, list(schema.columns), rows(objs, list(schema.columns.values())))
    if scenario.boundaries:
        write_boundary_file(folder / BOUNDARIES, scenario.boundaries,
                            {r.code: r.name for r in scenario.regions})


def _value(value: Any) -> Any:
    if isinstance(value, Rank):
        return value.label
    if isinstance(value, tuple):
        return " ".join(value)
    if hasattr(value, "value"):  # StrEnum
        return value.value
    return value
