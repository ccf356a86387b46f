"""The built-in Jambi Pilkada 2024 scenario holds the reported numbers, and one seed gives
one scenario."""

from __future__ import annotations

import filecmp
from collections import Counter
from pathlib import Path

import pytest

from pollguard.domain.forces import UnitKind
from pollguard.domain.geo import Point, haversine_km, radius_for_area_km
from pollguard.domain.regions import RegionLevel, ancestor_at
from pollguard.domain.scenario import Scenario
from pollguard.scenario.folder import read_scenario, write_scenario
from pollguard.scenario.jambi import KABKOTA, build_jambi


@pytest.fixture(scope="module")
def jambi(jambi_dir: Path) -> Scenario:
    return read_scenario(jambi_dir)


def test_headline_numbers(jambi: Scenario) -> None:
    s = jambi.summary()
    assert (s.kabkota, s.kecamatan, s.desa) == (11, 144, 1_585)
    assert (s.tps, s.voters) == (6_391, 2_695_348)
    assert (s.polres, s.polsek, s.polri, s.tni) == (10, 144, 5_400, 2_597)
    assert s.linmas == 2 * s.tps


def test_every_tps_within_the_cap_and_every_desa_has_one(jambi: Scenario) -> None:
    assert max(t.voters or 0 for t in jambi.tps) <= 600
    assert min(t.voters or 0 for t in jambi.tps) > 0
    desa = {r.code for r in jambi.regions_at(RegionLevel.DESA)}
    assert {t.desa_code for t in jambi.tps} == desa


def test_reported_tps_counts_per_kabkota(jambi: Scenario) -> None:
    per_kab = Counter(ancestor_at(t.desa_code, RegionLevel.KABKOTA) for t in jambi.tps)
    assert (per_kab["15.02"], per_kab["15.06"], per_kab["15.03"]) == (634, 592, 544)
    # The other eight scale their Pemilu counts: Kota Jambi, the largest, stays the largest.
    assert per_kab.most_common(1)[0][0] == "15.71"


def test_special_location_tps_are_numbered_from_901(jambi: Scenario) -> None:
    special = [t for t in jambi.tps if t.is_special]
    assert 5 <= len(special) <= 15
    assert all(t.number >= 901 and t.tps_id.endswith(f"{t.number:03d}") for t in special)
    assert all(t.number < 901 for t in jambi.tps if not t.is_special)


def test_command_structure(jambi: Scenario) -> None:
    units = {u.code: u for u in jambi.units}
    kerinci = units["polres.15.01"]
    assert kerinci.jurisdiction == ("15.01", "15.72")
    # Polres Kerinci's HQ is in Kota Sungai Penuh, not at the kabupaten seat Siulak.
    assert haversine_km(Point(kerinci.hq_lat, kerinci.hq_lon), Point(-2.0638, 101.3942)) < 0.1
    polsek = jambi.units_of(UnitKind.POLSEK)
    assert sorted(u.jurisdiction[0] for u in polsek) == sorted(
        r.code for r in jambi.regions_at(RegionLevel.KECAMATAN))
    for u in polsek:  # each Polsek answers to the Polres of its kab/kota
        assert ancestor_at(u.jurisdiction[0], RegionLevel.KABKOTA) in units[
            u.parent_code or ""].jurisdiction
    assert {u.parent_code for u in jambi.units_of(UnitKind.KODIM)} == {"korem.042"}


def test_force_split_agrees_with_reported_deployments(jambi: Scenario) -> None:
    units = {u.code: u for u in jambi.units}

    def polres_of(unit_code: str) -> str | None:
        u = units[unit_code]
        return u.code if u.kind == UnitKind.POLRES else (
            u.parent_code if u.kind == UnitKind.POLSEK else None)

    strength = Counter(polres_of(o.unit_code) for o in jambi.officers)
    assert strength["polres.15.01"] == 551  # Kerinci and Sungai Penuh, incl. BKO
    assert strength["polres.15.02"] == 361  # Merangin
    assert strength["polres.15.06"] == 246  # Tanjung Jabung Barat
    bko = [o for o in jambi.officers if o.bko]
    assert bko and all(o.home_unit_code == "satker.15.brimob" for o in bko)
    assert strength[None] > 0  # the Polda pool
    assert len({o.nrp for o in jambi.officers}) == 5_400


def test_points_lie_in_their_kabkota_reach(jambi: Scenario) -> None:
    """Without real boundaries, each kecamatan lies within its kab/kota's radius."""
    kab = {k.code: k for k in KABKOTA}
    for r in jambi.regions_at(RegionLevel.KECAMATAN):
        k = kab[ancestor_at(r.code, RegionLevel.KABKOTA)]
        assert haversine_km(Point(r.lat, r.lon), k.centroid) <= radius_for_area_km(k.area_km2)


def test_same_seed_same_files_other_seed_other_files(tmp_path: Path, jambi_dir: Path) -> None:
    again = tmp_path / "again"
    write_scenario(build_jambi(), again)
    names = sorted(p.name for p in jambi_dir.iterdir())
    match, mismatch, errors = filecmp.cmpfiles(jambi_dir, again, names, shallow=False)
    assert (mismatch, errors) == ([], []) and len(match) == 11
    other = tmp_path / "other"
    write_scenario(build_jambi(seed=7), other)
    assert (other / "tps.csv").read_bytes() != (jambi_dir / "tps.csv").read_bytes()
    assert read_scenario(other).summary() == read_scenario(jambi_dir).summary()


def test_written_scenario_reads_back_equal(jambi: Scenario) -> None:
    assert jambi == build_jambi()
