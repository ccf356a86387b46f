"""Real points for a scenario, read from files in the format of the shared reference data.

Only the columns named here are read: ``code``, ``pos_lat``/``pos_lon`` (a point surely inside
the region) or ``lat``/``lon``, and optionally ``area_km2`` and ``tps_2024``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from pollguard.domain.geo import Point

KABKOTA_FILE = "jambi_kabkota.csv"
KECAMATAN_FILE = "jambi_kecamatan.csv"
DESA_FILE = "jambi_desa_kelurahan.csv"
CAPITALS_FILE = "jambi_ibukota_kabkota_proxy.csv"


@dataclass
class RealGeography:
    points: dict[str, Point] = field(default_factory=dict)  # region code -> inside point
    areas: dict[str, float] = field(default_factory=dict)  # region code -> km²
    tps_weights: dict[str, int] = field(default_factory=dict)  # desa code -> Pemilu TPS count
    capitals: dict[str, Point] = field(default_factory=dict)  # kab/kota code -> seat


def read_geography(folder: Path) -> RealGeography:
    """Read whichever of the four files exist; at least one of them must."""
    folder = Path(folder)
    found = [f for f in (KABKOTA_FILE, KECAMATAN_FILE, DESA_FILE, CAPITALS_FILE)
             if (folder / f).is_file()]
    if not found:
        raise FileNotFoundError(f"--geo {folder}: none of {KECAMATAN_FILE}, {DESA_FILE}, "
                                f"{CAPITALS_FILE}, {KABKOTA_FILE} found")
    geo = RealGeography()
    for name in (KABKOTA_FILE, KECAMATAN_FILE, DESA_FILE):
        for row in _rows(folder / name):
            geo.points[row["code"]] = _point(row, name)
            area = row.get("area_km2") or row.get("area_km2_big")
            if area:
                geo.areas[row["code"]] = float(area)
            if name == DESA_FILE and row.get("tps_2024"):
                geo.tps_weights[row["code"]] = int(row["tps_2024"])
    for row in _rows(folder / CAPITALS_FILE):
        geo.capitals[row["kab_code"]] = _point(row, CAPITALS_FILE)
    return geo


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _point(row: dict[str, str], file: str) -> Point:
    lat, lon = (row.get("pos_lat"), row.get("pos_lon")) if row.get("pos_lat") else (
        row.get("lat"), row.get("lon"))
    if not lat or not lon:
        raise ValueError(f"{file}: row for {row.get('code') or row.get('kab_code')} has no point")
    return Point(float(lat), float(lon))
