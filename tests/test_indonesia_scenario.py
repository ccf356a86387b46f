"""The national scenario builder: recipes split the national TPS total over the provinces, and
each recipe builds one valid, reproducible Polda scenario."""

from __future__ import annotations

import csv
import itertools
import math
import tomllib
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pollguard.cli.main import app
from pollguard.domain.forces import UnitKind
from pollguard.domain.geo import Point, haversine_km, radius_for_area_km
from pollguard.domain.regions import RegionKind, RegionLevel, ancestor_at, urban_desa
from pollguard.domain.risk import RiskClass
from pollguard.domain.scenario import Scenario
from pollguard.domain.tps import Election, tps_id_for
from pollguard.profile import load_profile
from pollguard.risk.scoring import RiskInputs, assess
from pollguard.scenario import kemendagri
from pollguard.scenario.folder import read_scenario, write_scenario
from pollguard.scenario.indonesia import (
    CAPITALS,
    NATIONAL_FILE,
    NRP_SERIALS,
    PEMILU_2024_TPS,
    PILKADA_2024_TPS,
    KabKotaPoint,
    ProvinceRecipe,
    build_province,
    national_recipes,
    read_kabkota_centroids,
)
from pollguard.scenario.problems import InvalidInputError

runner = CliRunner()
CENTROIDS = "indonesia_kabkota_centroids.csv"


def _desa_per_province() -> dict[str, int]:
    return {c: sum(1 for r in kemendagri.official_regions(c) if r.code.count(".") == 3)
            for c in kemendagri.province_codes()}


@pytest.fixture(scope="module")
def pilkada() -> list[ProvinceRecipe]:
    return national_recipes()


@pytest.fixture(scope="module")
def jakarta(pilkada: list[ProvinceRecipe]) -> tuple[ProvinceRecipe, Scenario]:
    """DKI Jakarta at its national share (about 1,400 TPS): small and fast."""
    recipe = next(r for r in pilkada if r.province_code == "31")
    return recipe, build_province(recipe)


# --- Recipes ----------------------------------------------------------------------------------

def test_recipes_cover_every_province_and_sum_exactly(pilkada: list[ProvinceRecipe]) -> None:
    assert [r.province_code for r in pilkada] == sorted(kemendagri.province_codes())
    assert len(pilkada) == 38
    assert sum(r.tps for r in pilkada) == PILKADA_2024_TPS
    assert {r.election for r in pilkada} == {Election.PILKADA}
    assert national_recipes() == pilkada  # deterministic
    pemilu = national_recipes(PEMILU_2024_TPS)
    assert sum(r.tps for r in pemilu) == PEMILU_2024_TPS
    assert {r.election for r in pemilu} == {Election.PEMILU}


def test_without_geo_tps_follow_the_desa_count(pilkada: list[ProvinceRecipe]) -> None:
    desa = _desa_per_province()
    total = sum(desa.values())
    for r in pilkada:
        assert abs(r.tps - PILKADA_2024_TPS * desa[r.province_code] / total) < 1
        assert r.kabkota == ()
        assert r.name == kemendagri.official_regions(r.province_code)[0].name


def test_with_geo_tps_follow_the_real_pemilu_counts() -> None:
    # Made-up counts, so that the rule is tested without the reference data.
    geo = {k.code: KabKotaPoint(k.code, p, k.name, 0.0, 100.0, 1_000.0, 1, 10 + i % 7)
           for p in kemendagri.province_codes()
           for i, k in enumerate(r for r in kemendagri.official_regions(p)
                                 if r.code.count(".") == 1)}
    recipes = national_recipes(100_000, geo=geo)
    weight = Counter({p.province_code: 0 for p in geo.values()})
    for p in geo.values():
        weight[p.province_code] += p.pemilu_tps
    assert sum(r.tps for r in recipes) == 100_000
    for r in recipes:
        assert abs(r.tps - 100_000 * weight[r.province_code] / weight.total()) < 1
        assert [k.code for k in r.kabkota] == sorted(k.code for k in geo.values()
                                                     if k.province_code == r.province_code)


def test_a_subset_shares_the_whole_total_and_keeps_its_seeds(
        pilkada: list[ProvinceRecipe]) -> None:
    two = national_recipes(5_000, provinces=["34", "15", "15"])
    assert [r.province_code for r in two] == ["15", "34"]
    assert sum(r.tps for r in two) == 5_000
    seeds = {r.province_code: r.seed for r in pilkada}
    assert all(r.seed == seeds[r.province_code] for r in two)  # a province stands alone
    assert len(set(seeds.values())) == 38
    assert national_recipes(5_000, provinces=["15"], seed=1)[0].seed != seeds["15"]
    with pytest.raises(ValueError, match="no Kemendagri province 99"):
        national_recipes(1_000, provinces=["99"])
    with pytest.raises(ValueError, match="cannot give each"):
        national_recipes(1, provinces=["15", "16"])


def test_nrp_blocks_are_disjoint(pilkada: list[ProvinceRecipe]) -> None:
    blocks = [r.nrp_block for r in pilkada]
    assert blocks[0][0] == 0 and blocks[-1][1] == NRP_SERIALS
    assert all(a[1] == b[0] and a[0] < a[1] for a, b in itertools.pairwise(blocks))


def test_capitals_are_in_their_province() -> None:
    assert set(CAPITALS) == kemendagri.province_codes()
    for province, (_, kab, lat, lon) in CAPITALS.items():
        assert kab in kemendagri.known_codes(province)
        assert -11.5 < lat < 6.5 and 94 < lon < 141.5


# --- One province -----------------------------------------------------------------------------

def test_build_is_deterministic_and_exact(jakarta: tuple[ProvinceRecipe, Scenario]) -> None:
    recipe, scenario = jakarta
    assert build_province(recipe) == scenario
    assert len(scenario.tps) == recipe.tps
    other = build_province(replace(recipe, seed=recipe.seed + 1))
    assert other.tps != scenario.tps and len(other.tps) == recipe.tps
    assert scenario.info.province_code == "31" and scenario.info.election == Election.PILKADA


def test_regions_tps_and_voters(jakarta: tuple[ProvinceRecipe, Scenario]) -> None:
    _, s = jakarta
    assert [r.code for r in s.regions] == [o.code for o in kemendagri.official_regions("31")]
    desa = {r.code for r in s.regions_at(RegionLevel.DESA)}
    assert {t.desa_code for t in s.tps} == desa  # at least one TPS in every desa
    assert [t.tps_id for t in s.tps] == sorted(t.tps_id for t in s.tps)
    assert all(t.tps_id == tps_id_for(t.desa_code, t.number) for t in s.tps)
    assert all(0 < (t.voters or 0) <= 600 for t in s.tps)
    assert 440 <= s.summary().voters / len(s.tps) <= 490  # about 203 million / 435,296
    special = [t for t in s.tps if t.is_special]
    assert special and all(t.number >= 901 for t in special)
    assert all(t.number < 901 for t in s.tps if not t.is_special)
    by_desa = Counter(t.desa_code for t in s.tps)
    assert {c.code: c.personnel for c in s.linmas} == {d: 2 * n for d, n in by_desa.items()}


def test_command_structure_and_forces(jakarta: tuple[ProvinceRecipe, Scenario]) -> None:
    recipe, s = jakarta
    kab = [r.code for r in s.regions_at(RegionLevel.KABKOTA)]
    kec = [r.code for r in s.regions_at(RegionLevel.KECAMATAN)]
    units = {u.code: u for u in s.units}
    assert [u.code for u in s.units_of(UnitKind.POLRES)] == [f"polres.{k}" for k in kab]
    assert [u.code for u in s.units_of(UnitKind.POLSEK)] == [f"polsek.{k}" for k in kec]
    for u in s.units_of(UnitKind.POLSEK):
        assert units[u.parent_code or ""].jurisdiction == (ancestor_at(u.jurisdiction[0],
                                                                       RegionLevel.KABKOTA),)
    assert [u.code for u in s.units_of(UnitKind.POLDA)] == ["polda.31"]
    assert units["polda.31"].name == "Polda Metro Jaya"
    assert {u.code for u in s.units_of(UnitKind.KODIM)} == {f"kodim.{k}" for k in kab}
    assert len({o.nrp for o in s.officers}) == len(s.officers) > 0
    lo, hi = recipe.nrp_block
    assert all(lo <= int(o.nrp[4:]) < hi for o in s.officers)
    kinds = Counter(units[o.unit_code].kind for o in s.officers)
    pool = kinds[UnitKind.POLDA] + kinds[UnitKind.SATKER]
    assert kinds[UnitKind.POLRES] > 0 and kinds[UnitKind.POLSEK] > 0
    assert 0.35 <= pool / len(s.officers) <= 0.45  # the Polda pool
    assert 0.55 <= len(s.officers) / len(s.tps) <= 0.75
    assert 0.2 <= sum(c.personnel for c in s.tni) / len(s.tps) <= 0.3
    races = {r.region_code: r for r in s.races}
    assert set(races) == {"31", *kab}
    assert 2 <= races["31"].pairs <= 3 and all(2 <= races[k].pairs <= 4 for k in kab)


def test_a_small_province_round_trips_through_its_folder(
        jakarta: tuple[ProvinceRecipe, Scenario], tmp_path: Path) -> None:
    _, scenario = jakarta
    write_scenario(scenario, tmp_path / "31")
    assert read_scenario(tmp_path / "31") == scenario


def test_points_without_geo(jakarta: tuple[ProvinceRecipe, Scenario]) -> None:
    """The capital's kab/kota sits at the capital, the others around it; each Polres HQ is at
    its kab/kota's point and each kecamatan within the kab/kota's (assumed) area."""
    _, s = jakarta
    regions = {r.code: r for r in s.regions}
    _, seat, lat, lon = CAPITALS["31"]
    assert haversine_km(Point(regions[seat].lat, regions[seat].lon), Point(lat, lon)) < 0.01
    for u in s.units_of(UnitKind.POLRES):
        kab = regions[u.jurisdiction[0]]
        assert (u.hq_lat, u.hq_lon) == (kab.lat, kab.lon)
    for kec in s.regions_at(RegionLevel.KECAMATAN):
        kab = regions[ancestor_at(kec.code, RegionLevel.KABKOTA)]
        assert haversine_km(Point(kec.lat, kec.lon), Point(kab.lat, kab.lon)) <= (
            radius_for_area_km(kab.area_km2 or 0))


def test_fewer_tps_than_desa_and_a_pemilu(jakarta: tuple[ProvinceRecipe, Scenario]) -> None:
    recipe, _ = jakarta
    few = build_province(replace(recipe, tps=40))
    assert len(few.tps) == 40 and len(few.officers) > 0
    read_back = replace(recipe, tps=3_000, election=Election.PEMILU)
    pemilu = build_province(read_back)
    assert max(t.voters or 0 for t in pemilu.tps) <= 300
    assert pemilu.info.voting_date.isoformat() == "2024-02-14"
    with pytest.raises(ValueError, match="too many"):
        build_province(replace(recipe, tps=1_000_000))


def test_risk_data_gives_about_the_national_class_mix(pilkada: list[ProvinceRecipe]) -> None:
    """Four mid-sized provinces at their national share (about 18,600 TPS), assessed with
    the default profile: near 2019's 90.6% kurang rawan, 7.4% rawan, 2.1% sangat rawan."""
    profile = load_profile()
    classes: Counter[RiskClass] = Counter()
    for recipe in pilkada:
        if recipe.province_code not in ("13", "34", "51", "52"):
            continue
        s = build_province(recipe)
        observed: dict[str, dict[str, float]] = defaultdict(dict)
        for o in s.observations:
            observed[o.tps_id][o.indicator] = o.value
        classes.update(r.risk_class for r in assess(profile, RiskInputs(
            s.tps, observed, {a.region_code: a.score for a in s.area_scores}, s.events,
            s.info.voting_date, urban_desa(s.regions))))
    n = classes.total()
    assert 0.86 <= classes[RiskClass.KURANG_RAWAN] / n <= 0.94
    assert 0.05 <= classes[RiskClass.RAWAN] / n <= 0.10
    assert 0.01 <= classes[RiskClass.SANGAT_RAWAN] / n <= 0.035
    assert 0 < classes[RiskClass.KHUSUS] / n < 0.01


# --- Real kab/kota points ---------------------------------------------------------------------

def test_polres_hq_within_its_kabkota_with_real_points(shared_data: Path) -> None:
    geo = read_kabkota_centroids(shared_data / CENTROIDS)
    assert len(geo) == 514
    assert sum(p.pemilu_tps for p in geo.values()) == PEMILU_2024_TPS
    recipes = national_recipes(geo=geo)
    assert sum(r.tps for r in recipes) == PILKADA_2024_TPS
    total = sum(p.pemilu_tps for p in geo.values())
    for r in recipes:
        real = sum(p.pemilu_tps for p in r.kabkota)
        assert abs(r.tps - PILKADA_2024_TPS * real / total) < 1
    for recipe in (r for r in recipes if r.province_code in ("19", "34", "65", "75")):
        s = build_province(recipe)
        regions = {x.code: x for x in s.regions}
        for u in s.units_of(UnitKind.POLRES):
            point = geo[u.jurisdiction[0]]
            assert haversine_km(Point(u.hq_lat, u.hq_lon), Point(point.lat, point.lon)) <= (
                radius_for_area_km(point.area_km2))
            assert regions[point.code].area_km2 == round(point.area_km2, 3)
        assert "real kab/kota points" in s.info.description
        assert {r.kind for r in s.regions_at(RegionLevel.KABKOTA)} <= {RegionKind.KABUPATEN,
                                                                       RegionKind.KOTA}


def test_a_malformed_centroids_file_names_file_row_and_column(shared_data: Path,
                                                              tmp_path: Path) -> None:
    with (shared_data / CENTROIDS).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    rows[4][header.index("pos_lat")] = "abc"  # line 5 of the file
    rows[6][header.index("lat")] = "95.1"  # line 7: a longitude in the latitude column
    rows[9][header.index("tps_2024")] = "-3"  # line 10
    bad = tmp_path / "bad_centroids.csv"
    with bad.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    with pytest.raises(InvalidInputError) as caught:
        read_kabkota_centroids(bad)
    found = {(p.file, p.row, p.column) for p in caught.value.problems}
    assert found == {("bad_centroids.csv", 5, "pos_lat"), ("bad_centroids.csv", 7, "lat"),
                     ("bad_centroids.csv", 10, "tps_2024")}
    assert "bad_centroids.csv:5:pos_lat: not a number: 'abc'" in str(caught.value)
    assert math.isclose(read_kabkota_centroids(shared_data / CENTROIDS)["15.71"].area_km2,
                        float(next(r for r in rows if r[0] == "15.71")[
                            header.index("area_km2_big")]))


def test_missing_columns_and_unknown_codes_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("code,prov_code,name,pos_lat,pos_lon,area_km2_big,population_2025\n"
                    "15.71,15,Kota Jambi,-1.6,103.6,170,1\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match=r"c\.csv:1:tps_2024: missing column"):
        read_kabkota_centroids(path)
    path.write_text("code,prov_code,name,pos_lat,pos_lon,area_km2_big,population_2025,tps_2024\n"
                    "15.99,15,Nowhere,-1.6,103.6,170,1,5\n"
                    "15.71,16,Kota Jambi,-1.6,103.6,0,1,5\n", encoding="utf-8")
    with pytest.raises(InvalidInputError) as caught:
        read_kabkota_centroids(path)
    assert {(p.row, p.column) for p in caught.value.problems} == {
        (2, "code"), (3, "prov_code"), (3, "area_km2_big")}


# --- Command line -----------------------------------------------------------------------------

def test_cli_builds_one_folder_per_province_and_national_toml(tmp_path: Path) -> None:
    out = tmp_path / "national"
    result = runner.invoke(app, ["scenario", "build", "indonesia", "--tps", "1500",
                                 "--provinces", "34,31", "--out", str(out), "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert "1,500" in result.output
    national = tomllib.loads((out / NATIONAL_FILE).read_text(encoding="utf-8"))
    recipes = national["recipes"]
    assert [r["province_code"] for r in recipes] == ["31", "34"]
    assert sum(r["tps"] for r in recipes) == 1_500 == national["national"]["total_tps"]
    assert {r["election"] for r in recipes} == {"pilkada"}
    expected = national_recipes(1_500, seed=7, provinces=["31", "34"])
    assert [(r["name"], r["seed"], tuple(r["nrp_block"])) for r in recipes] == [
        (r.name, r.seed, r.nrp_block) for r in expected]
    for r in recipes:
        valid = runner.invoke(app, ["scenario", "validate", str(out / r["folder"])])
        assert valid.exit_code == 0 and "valid" in valid.output
        assert len(read_scenario(out / r["folder"]).tps) == r["tps"]


def test_cli_errors(tmp_path: Path) -> None:
    jambi_only = runner.invoke(app, ["scenario", "build", "jambi", "--tps", "10",
                                     "--out", str(tmp_path / "j")])
    assert jambi_only.exit_code == 1 and "build indonesia` only" in jambi_only.output
    unknown = runner.invoke(app, ["scenario", "build", "indonesia", "--provinces", "99",
                                  "--out", str(tmp_path / "x")])
    assert unknown.exit_code == 1 and "no Kemendagri province 99" in unknown.output
    bad = tmp_path / "bad.csv"
    bad.write_text("code\n15.71\n", encoding="utf-8")
    invalid = runner.invoke(app, ["scenario", "build", "indonesia", "--geo", str(bad),
                                  "--out", str(tmp_path / "y")])
    assert invalid.exit_code == 1 and "bad.csv:1:prov_code: missing column" in invalid.output
