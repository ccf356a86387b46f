"""Real points of one province's regions from a ``--geo`` folder of CSV files in the formats
of the project's reference data (``../shared/data``): region points (``jambi_kecamatan.csv``,
``jambi_desa_kelurahan.csv``, ``jambi_kabkota.csv``, and the national
``indonesia_kabkota_centroids.csv`` and ``indonesia_kecamatan_centroids.csv``) and kab/kota
seats (``jambi_ibukota_kabkota_proxy.csv``).

A Polda's own files need not carry those names: each ``*.csv`` of the folder is told by its
header. A file with a ``code`` column and a point (``pos_lat``/``pos_lon``, a point surely
inside the region, preferred; else ``lat``/``lon``) gives region points, at any level; one
with ``kab_code`` and ``lat``/``lon`` (and no ``code``) gives the seats (ibukota) of kab/kota;
any other CSV (a TPS list) is left alone. Only rows of the province are read, so national
files serve every province. A row of the province with a bad number or a point outside
Indonesia is refused as ``file:row:column``.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from pathlib import Path

from pollguard.domain.geo import Point
from pollguard.scenario.checks import outside_problems
from pollguard.scenario.problems import InvalidInputError, Problem
from pollguard.scenario.tables import BOM, read_csv

_POINT_COLUMNS = (("pos_lat", "pos_lon"), ("lat", "lon"))
_AREA_COLUMNS = ("area_km2_big", "area_km2", "area_km2_polygon")


@dataclass
class GeoPoints:
    """What a ``--geo`` folder tells of one province: a point inside each region it names,
    areas in km², the seat of each kab/kota it names, and which files gave them."""

    points: dict[str, Point] = field(default_factory=dict)  # region code -> inside point
    areas: dict[str, float] = field(default_factory=dict)  # region code -> km²
    seats: dict[str, Point] = field(default_factory=dict)  # kab/kota code -> its ibukota
    files: list[str] = field(default_factory=list)  # the files that gave any of them


def read_geo_points(folder: Path, province_code: str) -> GeoPoints:
    """Read every CSV file of ``folder`` that holds region points or kab/kota seats, keeping
    the rows of ``province_code``. Files are read in name order and the first to give a
    region its point keeps it. Raise ``FileNotFoundError`` when the folder is not one, and
    ``InvalidInputError`` with every bad cell of the province's rows."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"--geo {folder}: not a folder")
    prefix = province_code + "."
    geo = GeoPoints()
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.csv")):
        header = _header(path)
        if "code" in header:
            columns = next((c for c in _POINT_COLUMNS if set(c) <= header), None)
            key, kind = "code", "points"
        elif "kab_code" in header and {"lat", "lon"} <= header:
            columns, key, kind = ("lat", "lon"), "kab_code", "seats"
        else:
            continue
        if columns is None:
            continue  # codes without points: a TPS count per desa, say
        areas = [c for c in _AREA_COLUMNS if c in header] if kind == "points" else []
        table, found = read_csv(path, required=(key, *columns), optional=areas,
                                allow_extra=True, allow_empty=True,
                                decimals=(*columns, *areas))
        problems += found
        used = False
        for row in table.rows:
            code = row.cells[key]
            if not code.startswith(prefix):
                continue
            point = _point(table.file, row.line, row.cells, columns, problems)
            if point is None:
                continue
            used = True
            into = geo.points if kind == "points" else geo.seats
            into.setdefault(code, point)
            for column in areas:
                area = _number(table.file, row.line, row.cells, column, problems)
                if area is not None and area > 0:
                    geo.areas.setdefault(code, area)
                    break
        if used:
            geo.files.append(path.name)
    if problems:
        raise InvalidInputError(problems)
    return geo


def _header(path: Path) -> set[str]:
    """The column names of a CSV file's first line (empty for a file that is not text)."""
    with path.open("rb") as fh:
        first = fh.readline().removeprefix(BOM)
    try:
        text = first.decode("utf-8")
    except UnicodeDecodeError:
        return set()
    separator = ";" if text.count(";") > text.count(",") else ","
    return {h.strip() for row in csv.reader(io.StringIO(text), delimiter=separator)
            for h in row}


def _point(file: str, line: int, cells: dict[str, str], columns: tuple[str, str],
           problems: list[Problem]) -> Point | None:
    lat_column, lon_column = columns
    lat = _number(file, line, cells, lat_column, problems, required=True)
    lon = _number(file, line, cells, lon_column, problems, required=True)
    if lat is None or lon is None:
        return None
    outside = outside_problems(file, line, (lat_column, lat), (lon_column, lon))
    problems += outside
    return None if outside else Point(lat, lon)


def _number(file: str, line: int, cells: dict[str, str], column: str,
            problems: list[Problem], *, required: bool = False) -> float | None:
    text = cells.get(column, "")
    if not text:
        if required:
            problems.append(Problem(file, line, column, "required value is empty"))
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        problems.append(Problem(file, line, column, f"not a number: {text!r}"))
        return None
    return value
