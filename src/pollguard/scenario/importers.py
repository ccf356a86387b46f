"""Readers for what users already have: the KPU TPS list and a personnel roster.

Each reader validates the whole file against what it is given (the known desa, the known
units) and returns domain objects, or raises ``InvalidInputError`` with every problem as
``file:row:column: reason``. Writing is the service layer's job (``services.scenarios``).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection, Mapping, Sequence
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pollguard.domain.forces import Branch, CommandUnit, Officer, Rank, officer_problems
from pollguard.domain.geo import Point
from pollguard.domain.regions import (
    RegionLevel,
    ancestor_at,
    is_region_code,
    level_names,
    level_of,
)
from pollguard.domain.tps import LocationType, PollingStation, tps_problems
from pollguard.scenario.checks import (
    TpsDistanceLimits,
    binaan_unit,
    distance_warnings,
    outside_problems,
    within,
)
from pollguard.scenario.problems import InvalidInputError, Problem
from pollguard.scenario.tables import (
    Row,
    Table,
    cell_limits,
    float_fields,
    integer_fields,
    parse_yes_no,
    read_csv,
    read_xlsx,
    thousands_problem,
)

KPU_REQUIRED = ("tps_id", "tps_no", "desa_code")
KPU_OPTIONAL = ("is_special_9xx", "kec_code", "kab_code", "desa_name", "desa_pos_lat",
                "desa_pos_lon", "desa_coord_source", "lat", "lon", "voters", "location_type")
#: The columns read (their cells are checked for length and control characters); the
#: informational ``desa_name`` and ``desa_coord_source`` and any extra column are not.
KPU_LIMITS = cell_limits(c for c in (*KPU_REQUIRED, *KPU_OPTIONAL)
                         if c not in ("desa_name", "desa_coord_source"))


class _KpuRow(BaseModel):
    """One row of the KPU-style TPS list, before it becomes a ``PollingStation``."""

    model_config = ConfigDict(extra="ignore")
    tps_id: str = Field(pattern=r"^\d{13}$")
    tps_no: int = Field(ge=1, le=999)
    desa_code: str
    is_special_9xx: bool | None = None
    kec_code: str | None = None
    kab_code: str | None = None
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    desa_pos_lat: float | None = Field(default=None, ge=-90, le=90)
    desa_pos_lon: float | None = Field(default=None, ge=-180, le=180)
    voters: int | None = Field(default=None, ge=0)
    location_type: LocationType | None = None


def read_kpu_tps_list(path: Path, *, desa_points: Mapping[str, Point],
                      voter_cap: int, data: bytes | None = None,
                      kecamatan_points: Mapping[str, Point] | None = None,
                      limits: TpsDistanceLimits | None = None,
                      warnings: list[Problem] | None = None,
                      aliases: Mapping[str, str] | None = None,
                      regions: Mapping[str, str] | None = None,
                      renamed: list[int] | None = None) -> list[PollingStation]:
    """The TPS of a KPU-style list, CSV or XLSX (by the name's ending; a workbook as KPU
    offices save it, see ``read_xlsx``). A TPS without coordinates takes its desa's point (the
    list's ``desa_pos_lat``/``desa_pos_lon``, else the scenario's); one
    without a location type is special when numbered 901+ (or flagged ``is_special_9xx``).
    ``data`` is the file's content when the caller has read it. Given ``limits``, a TPS with
    its own ``lat``/``lon`` farther than them from the scenario's point of its desa (or
    kecamatan, from ``kecamatan_points``) adds a warning to ``warnings``; a TPS placed at a
    desa point is not compared.

    ``aliases`` maps desa codes the list may still carry to the codes Kemendagri has since
    given them (``read_desa_aliases``); they are applied before anything is checked. Given
    ``regions`` (the scenario's names by code), a desa code the scenario lacks is reported
    with the likely desa of its kecamatan by name. ``renamed`` receives the lines whose desa
    code an alias changed."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        table, problems = read_xlsx(path, required=KPU_REQUIRED, optional=KPU_OPTIONAL,
                                    allow_extra=True, limits=KPU_LIMITS, data=data)
    else:
        table, problems = read_csv(path, required=KPU_REQUIRED, optional=KPU_OPTIONAL,
                                   allow_extra=True, limits=KPU_LIMITS, data=data,
                                   decimals=float_fields(_KpuRow))
    if aliases:
        table, lines = _renamed_desa(table, aliases)
        if renamed is not None:
            renamed += lines
    stations, found, placed = _kpu_stations(table, desa_points, voter_cap, regions)
    if problems or found:
        raise InvalidInputError(problems + found)
    if warnings is not None:
        warnings += table.warnings  # how the file was read (Windows-1252)
    if limits is not None and warnings is not None:
        points = {**(kecamatan_points or {}), **desa_points}
        warnings += distance_warnings(table.file, placed, points, limits)
    return stations


_KPU_INTEGERS = integer_fields(_KpuRow)


def _kpu_stations(table: Table, desa_points: Mapping[str, Point], voter_cap: int,
                  regions: Mapping[str, str] | None = None
                  ) -> tuple[list[PollingStation], list[Problem], list[tuple[int, PollingStation]]]:
    """The stations, the problems, and the (line, station) of those with their own point."""
    file = table.file
    problems: list[Problem] = []
    stations: list[PollingStation] = []
    placed: list[tuple[int, PollingStation]] = []
    lines: dict[str, list[int]] = {}
    for row in table.rows:
        if row.refused:  # a cell too long or with a control character: reported
            continue
        found = [Problem(file, row.line, table.label(c), why) for c in _KPU_INTEGERS
                 if (why := thousands_problem(row.cells.get(c, "")))]
        problems += found
        if found:
            continue
        parsed, found = _validate(file, row, _KpuRow)
        problems += found
        if parsed is None:
            continue
        assert isinstance(parsed, _KpuRow)
        outside = outside_problems(file, row.line, ("lat", parsed.lat), ("lon", parsed.lon))
        outside += outside_problems(file, row.line, ("desa_pos_lat", parsed.desa_pos_lat),
                                    ("desa_pos_lon", parsed.desa_pos_lon))
        problems += outside
        if outside:
            continue
        if parsed.desa_code not in desa_points:
            problems.append(Problem(file, row.line, table.label("desa_code"), _unknown_desa(
                parsed.desa_code, row.cells.get("desa_name", ""), desa_points, regions)))
            continue
        for column, level in (("kec_code", RegionLevel.KECAMATAN),
                              ("kab_code", RegionLevel.KABKOTA)):
            given = getattr(parsed, column)
            if given and given != ancestor_at(parsed.desa_code, level):
                problems.append(Problem(file, row.line, column, f"{given} does not contain "
                                        f"desa {parsed.desa_code}"))
        # Where the TPS is: its own point, else the desa point the list gives, else ours.
        desa = desa_points[parsed.desa_code]
        lat = _first(parsed.lat, parsed.desa_pos_lat, desa.lat)
        lon = _first(parsed.lon, parsed.desa_pos_lon, desa.lon)
        special = parsed.is_special_9xx if parsed.is_special_9xx is not None else (
            parsed.tps_no >= 901)
        kind = parsed.location_type or (
            LocationType.SPECIAL_OTHER if special else LocationType.REGULAR)
        tps = PollingStation(parsed.tps_id, parsed.desa_code, parsed.tps_no, parsed.voters,
                             lat, lon, kind)
        found_here = [Problem(file, row.line, {"number": "tps_no"}.get(c, c), why)
                      for c, why in tps_problems(tps, max_voters=voter_cap)]
        problems += found_here
        lines.setdefault(tps.tps_id, []).append(row.line)
        if not found_here:
            stations.append(tps)
            if parsed.lat is not None and parsed.lon is not None:
                placed.append((row.line, tps))
    for tps_id, at in lines.items():
        problems += [Problem(file, line, "tps_id", f"duplicate tps_id {tps_id} (also on line "
                             f"{', '.join(str(o) for o in at if o != line)})")
                     for line in at if len(at) > 1]
    return stations, problems, placed


# --- changed desa codes ----------------------------------------------------------------------

ALIAS_COLUMNS = {"old_code": "old_code", "kode_lama": "old_code",
                 "new_code": "new_code", "kode_baru": "new_code"}


def read_desa_aliases(path: Path, *, desa: Collection[str],
                      data: bytes | None = None) -> dict[str, str]:
    """Old desa codes mapped to new ones (columns ``old_code,new_code`` or
    ``kode_lama,kode_baru``, CSV or XLSX): a KPU list made before Kemendagri renumbered a desa
    still carries its old code. Each new code must be a desa of ``desa`` (the loaded
    scenario), each old code appear once; codes may be dotted or the 10 KPU digits. Raises
    ``InvalidInputError`` with every problem."""
    reader = read_xlsx if path.suffix.lower() in (".xlsx", ".xlsm") else read_csv
    table, problems = reader(path, required=("old_code", "new_code"), allow_extra=True,
                             aliases=ALIAS_COLUMNS, limits=cell_limits(("old_code", "new_code")),
                             data=data)
    found: dict[str, str] = {}
    lines: dict[str, int] = {}
    for row in table.rows:
        if row.refused:  # reported already
            continue
        codes: list[str] = []
        for column in ("old_code", "new_code"):
            text = row.cells[column]
            code = _dotted(text)
            if not text:
                problems.append(Problem(table.file, row.line, table.label(column),
                                        "required value is empty"))
            elif code is None or level_of(code) != RegionLevel.DESA:
                problems.append(Problem(table.file, row.line, table.label(column),
                                        f"{text!r} is not a desa/kelurahan code "
                                        "(NN.NN.NN.NNNN or its 10 digits)"))
            else:
                codes.append(code)
        if len(codes) != 2:
            continue
        old, new = codes
        if new not in desa:
            problems.append(Problem(table.file, row.line, table.label("new_code"),
                                    f"{new} is not a desa/kelurahan of the loaded scenario"))
        elif old == new:
            problems.append(Problem(table.file, row.line, table.label("new_code"),
                                    f"maps {old} to itself"))
        elif old in lines:
            problems.append(Problem(table.file, row.line, table.label("old_code"),
                                    f"{old} is mapped twice (also on line {lines[old]})"))
        else:
            found[old], lines[old] = new, row.line
    if problems:
        raise InvalidInputError(problems)
    return found


def _renamed_desa(table: Table, aliases: Mapping[str, str]) -> tuple[Table, list[int]]:
    """The list with each old desa code replaced by its new one, before any check: in
    ``desa_code``, in the desa digits that open ``tps_id`` (the KPU builds the id from the
    code, and the id must still match it), and in ``kec_code``/``kab_code`` where they are
    the old code's own (a renumbered desa may have moved to a new kecamatan)."""
    rows: list[Row] = []
    lines: list[int] = []
    for row in table.rows:
        new = aliases.get(row.cells.get("desa_code", ""))
        if new is None:
            rows.append(row)
            continue
        old = row.cells["desa_code"]
        cells = dict(row.cells, desa_code=new)
        tps_id = cells.get("tps_id", "")
        if tps_id[:10] == old.replace(".", ""):
            cells["tps_id"] = new.replace(".", "") + tps_id[10:]
        for column, level in (("kec_code", RegionLevel.KECAMATAN),
                              ("kab_code", RegionLevel.KABKOTA)):
            if cells.get(column) == ancestor_at(old, level):
                cells[column] = ancestor_at(new, level)
        rows.append(dataclasses.replace(row, cells=cells))
        lines.append(row.line)
    return dataclasses.replace(table, rows=rows), lines


def _unknown_desa(code: str, name: str, desa_points: Mapping[str, Point],
                  regions: Mapping[str, str] | None) -> str:
    """Why ``code`` is refused, naming the desa the list most likely means: Kemendagri
    renumbers desa, and a KPU list may predate it. The candidates are the scenario's desa of
    the same kecamatan, the closest first: by the row's ``desa_name`` when it has one (a desa
    of that name elsewhere in the kab/kota counts too: it may have moved to a new kecamatan),
    else by the code's digits. At most three are named."""
    why = f"{code} is not a desa/kelurahan of the loaded scenario"
    if regions is None or not is_region_code(code) or level_of(code) != RegionLevel.DESA:
        return why
    kecamatan = ancestor_at(code, RegionLevel.KECAMATAN)
    kabkota = ancestor_at(code, RegionLevel.KABKOTA)
    pool = [c for c in desa_points if ancestor_at(c, RegionLevel.KECAMATAN) == kecamatan]
    wanted = _name_key(_DESA_PREFIX.sub("", name)) if name else ""
    if wanted:
        pool += [c for c in desa_points if ancestor_at(c, RegionLevel.KABKOTA) == kabkota
                 and c not in pool and _name_key(regions.get(c, "")) == wanted]

    def closeness(candidate: str) -> tuple[float, bool, int, int, str]:
        ours, theirs = candidate[-4:], code[-4:]
        by_name = SequenceMatcher(None, wanted, _name_key(regions.get(candidate, ""))).ratio(
            ) if wanted else 0.0
        elsewhere = ancestor_at(candidate, RegionLevel.KECAMATAN) != kecamatan
        digits = sum(a != b for a, b in zip(ours, theirs, strict=True))
        gap = abs(int(ours) - int(theirs)) if (ours + theirs).isdigit() else 10_000
        return -by_name, elsewhere, digits, gap, candidate

    likely = sorted(pool, key=closeness)[:3]
    if not likely:
        return why

    def shown(candidate: str) -> str:
        text = f"{candidate} {regions.get(candidate, '')}".rstrip()
        home = ancestor_at(candidate, RegionLevel.KECAMATAN)
        return text if home == kecamatan else f"{text} ({_level(home)} {regions.get(home, home)})"

    where = (f"in {_level(kecamatan)} {regions[kecamatan]} the scenario has" if kecamatan in regions
             else f"{_level(kecamatan).lower()} {kecamatan} is not in the scenario; it has")
    return (f"{why}; {where}: {', '.join(shown(c) for c in likely)} (did the code change? map "
            "it with --aliases)")


def _first(*values: float | None) -> float:
    return next(v for v in values if v is not None)


def _validate(file: str, row: Row, model: type[BaseModel]) -> tuple[BaseModel | None,
                                                                    list[Problem]]:
    values = {k: v for k, v in row.cells.items() if v != ""}
    try:
        return model.model_validate(values), []
    except ValidationError as exc:
        return None, [Problem(file, row.line, str(e["loc"][0]) if e["loc"] else "-",
                              f"{e['msg']} (got {row.cells.get(str(e['loc'][0]), '')!r})"
                              if e["loc"] else e["msg"]) for e in exc.errors()]


# --- personnel roster ------------------------------------------------------------------------

ROSTER_REQUIRED = ("nrp", "name", "rank", "unit", "branch")
ROSTER_OPTIONAL = ("home_unit", "bko", "phone", "position", "desa")
#: Header spellings accepted for each column (Bahasa Indonesia as on a Sprin, and English).
ROSTER_ALIASES = {
    "nrp": "nrp", "nama": "name", "name": "name", "pangkat": "rank", "rank": "rank",
    "satuan": "unit", "kesatuan": "unit", "unit": "unit", "unit_code": "unit",
    "fungsi": "branch", "branch": "branch", "asal": "home_unit", "satuan_asal": "home_unit",
    "home_unit": "home_unit", "home_unit_code": "home_unit", "bko": "bko", "no_hp": "phone",
    "hp": "phone", "telepon": "phone", "phone": "phone", "jabatan": "position",
    "position": "position", "desa_binaan": "desa", "desa": "desa", "kode_desa": "desa",
    "desa_code": "desa",
}
#: The officer field each optional roster column fills (for ``given``: the columns a file has).
ROSTER_FIELDS = {"home_unit": "home_unit_code", "bko": "bko", "phone": "phone",
                 "position": "position", "desa": "desa_code"}


#: The most characters each roster cell holds: the officer table's ``String(n)`` for the name
#: (120), the phone (20) and the position (120); a unit is given by code or by name (a unit
#: name is 120), and so is a desa (a region name is 120).
ROSTER_LIMITS = cell_limits((*ROSTER_REQUIRED, *ROSTER_OPTIONAL), name=120, phone=20,
                            unit=120, home_unit=120, position=120, desa=120)


def read_roster(path: Path, *, units: Sequence[CommandUnit],
                regions: Mapping[str, str] | None = None, data: bytes | None = None,
                given: set[str] | None = None,
                warnings: list[Problem] | None = None) -> list[Officer]:
    """Officers from a CSV or XLSX roster (columns: NRP, name, rank, unit, branch; optional
    home unit, BKO, phone, position (jabatan), desa binaan; Indonesian headers too). Units are
    given by code or by name; a desa by code or by a name unique in the officer's home Polres
    (``regions``: the loaded scenario's region names by code). In a workbook, a phone typed
    as a number gets its leading 0 (or +62) back (``sheet_phone``). ``given`` receives the
    officer fields the file has a column for (``ROSTER_FIELDS``), so that an update can keep
    what an older roster without them does not say. ``warnings`` receives how the file was
    read, when oddly (a Windows-1252 CSV)."""
    table, problems = (
        read_xlsx(path, required=ROSTER_REQUIRED, optional=ROSTER_OPTIONAL,
                  aliases=ROSTER_ALIASES, limits=ROSTER_LIMITS, phones=("phone",), data=data)
        if path.suffix.lower() in (".xlsx", ".xlsm") else
        read_csv(path, required=ROSTER_REQUIRED, optional=ROSTER_OPTIONAL,
                 aliases=ROSTER_ALIASES, limits=ROSTER_LIMITS, data=data))
    officers, found = _roster_officers(table, units, _DesaFinder(regions or {}))
    if problems or found:
        raise InvalidInputError(problems + found)
    if given is not None:
        given.update(ROSTER_FIELDS[c] for c in table.header if c in ROSTER_FIELDS)
    if warnings is not None:
        warnings += table.warnings
    return officers


def _roster_officers(table: Table, units: Sequence[CommandUnit],
                     desa: _DesaFinder) -> tuple[list[Officer], list[Problem]]:
    file = table.file
    polri = {u.code: u for u in units if u.kind.is_polri}
    by_name = {u.name.lower(): u.code for u in polri.values()}
    problems: list[Problem] = []
    officers: list[Officer] = []
    lines: dict[str, list[int]] = {}

    def unit_code(row: Row, column: str) -> str | None:
        text = row.cells.get(column, "")
        code = text if text in polri else by_name.get(text.lower())
        if code is None:
            problems.append(Problem(file, row.line, table.label(column),
                                    f"unknown Polri unit {text!r} (give a unit code or name "
                                    "from the loaded scenario)"))
        return code

    for row in table.rows:
        if row.refused:  # a cell too long or with a control character: reported
            continue
        before = len(problems)
        nrp = row.cells["nrp"]
        if nrp.isdigit() and len(nrp) < 8:  # a spreadsheet dropped the leading zeros
            nrp = nrp.zfill(8)
        unit = unit_code(row, "unit")
        home = unit_code(row, "home_unit") if row.cells.get("home_unit") else unit
        rank = _parse(file, row, table, "rank", Rank.parse, problems)
        branch = _parse(file, row, table, "branch", Branch.parse, problems)
        bko = _parse(file, row, table, "bko", parse_yes_no, problems) if row.cells.get("bko") else (
            home != unit)
        if len(problems) > before or unit is None or home is None:
            continue
        desa_code, why = desa.find(row.cells.get("desa", ""), binaan_unit(home, polri))
        if why:
            problems.append(Problem(file, row.line, table.label("desa"), why))
            continue
        assert rank is not None and branch is not None and bko is not None
        officer = Officer(nrp, row.cells["name"], rank, branch, unit, home, bko,
                          row.cells.get("phone") or None, row.cells.get("position", ""),
                          desa_code)
        found = [Problem(file, row.line, table.label(c), why) for c, why in
                 officer_problems(officer)]
        problems += found
        lines.setdefault(nrp, []).append(row.line)
        if not found:
            officers.append(officer)
    for nrp, at in lines.items():
        problems += [Problem(file, line, table.label("nrp"), f"duplicate NRP {nrp}")
                     for line in at if len(at) > 1]
    return officers, problems


def _parse(file: str, row: Row, table: Table, column: str, parser: Any,
           problems: list[Problem]) -> Any:
    try:
        return parser(row.cells.get(column, ""))
    except ValueError as exc:
        problems.append(Problem(file, row.line, table.label(column), str(exc)))
        return None


_KPU_DESA = re.compile(r"^\d{10}$")
#: What a roster may write before a desa's name: ``Desa Koto Baru``, ``Kel. Pasar Baru``.
_DESA_PREFIX = re.compile(r"^(desa|kelurahan|kel\.?)\s+", re.I)


class _DesaFinder:
    """Finds a roster's desa binaan among the loaded scenario's desa/kelurahan: by code
    (dotted, or the 10 digits that open a KPU TPS id), or by name within the officer's home
    Polres. Names repeat across a province (Jambi has a Koto Baru in several kecamatan of
    Kerinci), so a name is read only where it is unique in that Polres; otherwise the reason
    names the candidates, with their kecamatan, and asks for the code."""

    def __init__(self, regions: Mapping[str, str]) -> None:
        self._names = regions
        self._desa = {c: n for c, n in regions.items()
                      if is_region_code(c) and level_of(c) == RegionLevel.DESA}
        self._by_name: dict[str, list[str]] = {}
        for code, name in sorted(self._desa.items()):
            self._by_name.setdefault(_name_key(name), []).append(code)

    def find(self, text: str, area: CommandUnit | None) -> tuple[str | None, str | None]:
        """(the desa code, None), or (None, why not); (None, None) for an empty cell."""
        if not text:
            return None, None
        if area is None:  # the home unit is unknown: reported on its own column
            return None, None
        where = f"the jurisdiction of {area.name}"
        code = _dotted(text)
        if code is not None:
            if code not in self._desa:
                return None, (f"unknown desa code {text!r}: not a desa/kelurahan of the loaded "
                              "scenario")
            if not within(code, area.jurisdiction):
                return None, (f"desa {self._desa[code]} ({code}) lies outside {where}, the "
                              "officer's home command")
            return code, None
        found = self._by_name.get(_name_key(text), [])
        bare = _DESA_PREFIX.sub("", text)
        if not found and bare != text:
            found = self._by_name.get(_name_key(bare), [])
        inside = [c for c in found if within(c, area.jurisdiction)]
        if len(inside) == 1:
            return inside[0], None
        if len(inside) > 1:
            return None, (f"desa name {text!r} is ambiguous in {where}: "
                          f"{self._listed(inside)}; give the desa code instead")
        if found:
            return None, (f"desa {text!r} lies outside {where}, the officer's home command "
                          f"(found: {self._listed(found)})")
        return None, (f"unknown desa {text!r} in {where} (give a desa/kelurahan name or code "
                      "of the loaded scenario)")

    def _listed(self, codes: Sequence[str]) -> str:
        def one(code: str) -> str:
            kecamatan = ancestor_at(code, RegionLevel.KECAMATAN)
            return f"{code} in {_level(kecamatan)} {self._names.get(kecamatan, kecamatan)}"
        shown = [one(c) for c in codes[:5]]
        return ", ".join(shown) + (f" and {len(codes) - 5} more" if len(codes) > 5 else "")


def _level(kecamatan_code: str) -> str:
    """"Kecamatan", or "Distrik" in a Papua province (its code's first two digits)."""
    return level_names(kecamatan_code[:2]).kecamatan


def _name_key(name: str) -> str:
    return " ".join(name.casefold().split())


def _dotted(text: str) -> str | None:
    """A desa code as written (``15.01.01.2001``), or its KPU digits (``1501012001``), in
    the dotted form; ``None`` when the text is not a code of any level (then it is a name)."""
    if _KPU_DESA.match(text):
        return f"{text[:2]}.{text[2:4]}.{text[4:6]}.{text[6:]}"
    return text if is_region_code(text) else None


# --- Panwaslu observation form ---------------------------------------------------------------

#: Columns a form may carry for the reader's sake; they are not indicators and are not stored.
FORM_INFO_COLUMNS = ("desa", "desa_name", "kecamatan", "kabkota", "tps_no", "no_tps",
                     "pengawas", "nama_pengawas", "keterangan", "catatan", "notes")


def read_observation_form(path: Path, *, indicators: Mapping[str, bool],
                          tps_ids: set[str], data: bytes | None = None
                          ) -> dict[str, dict[str, float]]:
    """Indicator values per TPS from the form desa supervisors fill: one row per TPS id, one
    column per indicator code. ``indicators`` maps each known code to whether it is a flag
    (ya/tidak, 1/0) or a count. An empty cell leaves that indicator as it was; ``tidak`` or 0
    clears it. ``data`` is the file's content when the caller has read it."""
    reader = read_xlsx if path.suffix.lower() in (".xlsx", ".xlsm") else read_csv
    known = (*indicators, *FORM_INFO_COLUMNS)
    table, problems = reader(path, required=("tps_id",), optional=known,
                             aliases={c: c for c in known} | {
                                 "tps_id": "tps_id", "id_tps": "tps_id", "kode_tps": "tps_id"},
                             limits=cell_limits(("tps_id", *indicators)), data=data)
    if not problems and not any(c in indicators for c in table.header):
        problems.append(Problem(table.file, 1, "-", "no indicator columns (expected codes of "
                                "the profile, e.g. " + ", ".join(list(indicators)[:3]) + ")"))
    values: dict[str, dict[str, float]] = {}
    lines: dict[str, list[int]] = {}
    for row in table.rows:
        if row.refused:  # a cell too long or with a control character: reported
            continue
        tps_id = row.cells["tps_id"]
        if tps_id not in tps_ids:
            problems.append(Problem(table.file, row.line, table.label("tps_id"),
                                    f"TPS {tps_id!r} is not in the loaded scenario"))
        lines.setdefault(tps_id, []).append(row.line)
        observed: dict[str, float] = {}
        for code, is_flag in indicators.items():
            cell = row.cells.get(code, "")
            if cell == "":
                continue
            try:
                observed[code] = (1.0 if parse_yes_no(cell) else 0.0) if is_flag else (
                    _count(cell))
            except ValueError as exc:
                problems.append(Problem(table.file, row.line, table.label(code), str(exc)))
        values[tps_id] = observed
    for tps_id, at in lines.items():
        problems += [Problem(table.file, line, table.label("tps_id"), f"TPS {tps_id} appears "
                             "more than once") for line in at if len(at) > 1]
    if problems:
        raise InvalidInputError(problems)
    return values


def _count(text: str) -> float:
    why = thousands_problem(text, decimal=True)
    if why:
        raise ValueError(why)
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise ValueError(f"expected a number (a count), got {text!r}") from None
    if value < 0 or value != value:
        raise ValueError(f"a count cannot be negative, got {text!r}")
    return value
