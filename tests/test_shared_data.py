"""Against the real reference data in ../shared/data (skipped when a clone has none)."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

from pollguard.domain.geo import Point, haversine_km
from pollguard.domain.regions import RegionLevel
from pollguard.scenario import kemendagri
from pollguard.scenario.folder import read_scenario
from pollguard.scenario.geography import read_geography
from pollguard.scenario.jambi import build_jambi
from pollguard.services import scenarios
from pollguard.store import repository as repo
from pollguard.store.database import Database
from pollguard.store.uow import UnitOfWork


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_every_reference_desa_is_in_our_hierarchy(shared_data: Path) -> None:
    desa = rows(shared_data / "jambi_desa_kelurahan.csv")
    ours = {r.code: r for r in kemendagri.official_regions("15")}
    assert len(desa) == 1_585
    assert all(d["code"] in ours and ours[d["code"]].kind.level == RegionLevel.DESA
               for d in desa)
    kec = rows(shared_data / "jambi_kecamatan.csv")
    assert {k["code"] for k in kec} == {c for c, r in ours.items()
                                        if r.kind.level == RegionLevel.KECAMATAN}


def test_importing_the_pemilu_tps_list(loaded_db: Database, shared_data: Path) -> None:
    result = scenarios.import_tps(db=loaded_db, path=shared_data / "jambi_tps_pemilu2024_list.csv")
    assert (result.tps, result.desa, len(result.kabkota)) == (11_160, 1_585, 11)
    with UnitOfWork(loaded_db) as uow:
        stored = repo.load_scenario(uow.session)
    assert stored is not None
    assert len(stored.tps) == 11_160 and len({t.desa_code for t in stored.tps}) == 1_585
    special = sum(1 for t in stored.tps if t.is_special)
    listed = sum(1 for r in rows(shared_data / "jambi_tps_pemilu2024_list.csv")
                 if r["is_special_9xx"] == "True")
    assert special == listed
    assert scenarios.summary(db=loaded_db).linmas == 2 * 11_160


def test_building_with_real_geography(shared_data: Path, tmp_path: Path) -> None:
    scenario = build_jambi(geo=read_geography(shared_data))
    real = {r["code"]: Point(float(r["pos_lat"]), float(r["pos_lon"]))
            for r in rows(shared_data / "jambi_desa_kelurahan.csv")}
    desa = scenario.regions_at(RegionLevel.DESA)
    assert len(desa) == 1_585
    assert max(haversine_km(Point(d.lat, d.lon), real[d.code]) for d in desa) <= 1.0
    points = {d.code: Point(d.lat, d.lon) for d in desa}
    assert max(haversine_km(Point(t.lat, t.lon), points[t.desa_code]) for t in scenario.tps) <= 1
    capitals = {r["kab_code"]: Point(float(r["lat"]), float(r["lon"]))
                for r in rows(shared_data / "jambi_ibukota_kabkota_proxy.csv")}
    polres = {u.code: u for u in scenario.units}["polres.15.02"]
    assert haversine_km(Point(polres.hq_lat, polres.hq_lon), capitals["15.02"]) < 0.01
    assert scenario.summary() == build_jambi().summary()
    # The CLI path: build --geo writes a folder that validates, with the real boundaries.
    folder = tmp_path / "geo"
    built = scenarios.build_scenario(name="jambi", out=folder, geo=shared_data)
    assert read_scenario(folder) == built and len(built.boundaries) == 11 + 144
    assert dataclasses.replace(built, boundaries=()) == scenario
