"""Real TPS counts kept exactly (``scenario build indonesia --counts``): at Pemilu scale every
province, kab/kota and kecamatan (and desa, from a per-desa file) total is the file's; at
Pilkada scale every desa keeps a TPS and the total is the one asked; blank kecamatan follow
the stated rule; bad files are refused by line; ``national plan --from`` plans the folders
the build wrote."""

from __future__ import annotations

import csv
import tomllib
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pollguard.cli.main import app
from pollguard.domain.tps import Election
from pollguard.national.polda import planned_polda
from pollguard.scenario.indonesia import build_province, national_recipes, read_counts
from pollguard.scenario.indonesia.shape import shape_of
from pollguard.scenario.problems import InvalidInputError

KECAMATAN = "indonesia_kecamatan_centroids.csv"
DESA = "jambi_tps_pemilu2024_per_desa.csv"
#: Papua Barat (with 5 blank new kecamatan) and Papua Barat Daya (Tambrauw: 225 TPS, which the
#: drawn builder made 335; Kota Sorong: 730, drawn 428; 24 blank new kecamatan).
PAPUA = ["92", "96"]


def _file(shared_data: Path, name: str) -> list[dict[str, str]]:
    with (shared_data / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_a_pemilu_keeps_every_kecamatan_count_exactly(shared_data: Path) -> None:
    rows = {r["code"]: r["tps_2024"] for r in _file(shared_data, KECAMATAN)
            if r["code"][:2] in PAPUA}
    counts = read_counts(shared_data / KECAMATAN)
    recipes = national_recipes(None, counts=counts, provinces=PAPUA)
    assert {r.election for r in recipes} == {Election.PEMILU}
    for recipe in recipes:
        tps = build_province(recipe).tps
        code = recipe.province_code
        by_kec = Counter(t.desa_code[:8] for t in tps)
        by_kab = Counter(t.desa_code[:5] for t in tps)
        assert len(tps) == sum(int(n) for c, n in rows.items() if c[:2] == code and n)
        for kec in shape_of(code).kec:
            # a blank kecamatan has no TPS of its own: KPU counts them under the old code
            assert by_kec[kec.code] == int(rows[kec.code] or 0), kec.code
        for kab in shape_of(code).kab:
            assert by_kab[kab.code] == sum(int(n or 0) for c, n in rows.items()
                                           if c.startswith(kab.code + ".")), kab.code
    tambrauw = Counter(t.desa_code[:5] for t in build_province(recipes[1]).tps)
    assert (tambrauw["96.04"], tambrauw["96.71"]) == (225, 730)
    assert [c for c in counts.blank if c[:2] in PAPUA][:2] == ["92.02.31", "92.02.32"]


def test_a_pemilu_keeps_every_desa_count_and_its_special_tps(shared_data: Path) -> None:
    rows = _file(shared_data, DESA)
    counts = read_counts(shared_data / DESA)
    assert counts.level == "desa" and counts.provinces() == ["15"]
    (recipe,) = national_recipes(None, counts=counts)
    tps = build_province(recipe).tps
    per_desa = Counter(t.desa_code for t in tps)
    special = Counter(t.desa_code for t in tps if t.number >= 901)
    assert len(tps) == sum(int(r["tps_total"]) for r in rows) == 11_160
    assert {r["code"]: int(r["tps_total"]) for r in rows} == dict(per_desa)
    assert {r["code"]: int(r["tps_special_9xx"]) for r in rows
            if int(r["tps_special_9xx"])} == dict(special)
    kec = Counter(t.desa_code[:8] for t in tps)
    assert kec == Counter({r["code"]: int(r["tps_2024"])
                           for r in _file(shared_data, KECAMATAN)
                           if r["code"].startswith("15.")})


def test_a_pilkada_scales_the_counts_with_a_tps_in_every_desa(shared_data: Path) -> None:
    counts = read_counts(shared_data / KECAMATAN)
    recipes = national_recipes(40_000, counts=counts, provinces=["15", "96"],
                               election=Election.PILKADA)
    assert sum(r.tps for r in recipes) == 40_000
    real = {c: counts.total(c) for c in ("15", "96")}
    assert recipes[0].tps == round(40_000 * real["15"] / sum(real.values()))
    for recipe in recipes:
        tps = build_province(recipe).tps
        assert len(tps) == recipe.tps
        per_desa = Counter(t.desa_code for t in tps)
        assert all(per_desa[d.code] >= 1 for d in shape_of(recipe.province_code).desa)


def test_a_pemilu_refuses_another_total(shared_data: Path) -> None:
    counts = read_counts(shared_data / KECAMATAN)
    with pytest.raises(ValueError, match="keeps the real counts: 1,922 TPS"):
        national_recipes(3000, counts=counts, provinces=["96"])


def test_a_bad_counts_file_is_refused_by_line(tmp_path: Path) -> None:
    bad = tmp_path / "counts.csv"
    bad.write_text("code,name,tps_2024\n15.01.01,Gunung Raya,40\n15.01.99,Lama,3\n"
                   "15.01.02,Batang Merangin,-2\n15.01.01,Gunung Raya,40\n", encoding="utf-8")
    with pytest.raises(InvalidInputError) as caught:
        read_counts(bad)
    text = str(caught.value)
    assert "counts.csv:3:code: 15.01.99 is not a Kemendagri kecamatan" in text
    assert "counts.csv:4:tps_2024: expected a whole number of TPS" in text
    assert "counts.csv:5:code: duplicate code 15.01.01 (also on line 2)" in text


def test_build_with_counts_then_plan_the_folders(shared_data: Path, tmp_path: Path,
                                                 db_url: str) -> None:
    runner = CliRunner()
    out = tmp_path / "nasional"
    built = runner.invoke(app, ["scenario", "build", "indonesia", "--out", str(out),
                                "--counts", str(shared_data / KECAMATAN), "--provinces", "96"])
    assert built.exit_code == 0, built.output
    assert "kept exactly" in built.output and "1,922" in built.output
    assert "24 kecamatan without a count" in built.output
    listed = tomllib.loads((out / "national.toml").read_text(encoding="utf-8"))
    assert listed["recipes"][0]["real_tps_counts"] == "kecamatan"
    planned = runner.invoke(app, ["--db", db_url, "national", "plan", "--engine", "local",
                                  "--from", str(out)])
    assert planned.exit_code == 0, planned.output
    assert "Papua Barat Daya: 1,922 TPS" in planned.output
    mixed = runner.invoke(app, ["--db", db_url, "national", "plan", "--from", str(out),
                                "--tps", "5000"])
    assert mixed.exit_code == 1 and "--from plans the folders as they are" in mixed.output


def test_a_polda_whose_polres_restore_more_than_they_have_covers_every_tps(
        shared_data: Path) -> None:
    """Kepulauan Riau at its real Pemilu counts: Polres 21.03 has 55 guards for 86 duty and
    reserve places, so the Polda pool makes up the difference and lends BKO for its TPS. The
    pool once lent those officers twice, and the flow found the plan infeasible."""
    counts = read_counts(shared_data / KECAMATAN)
    (recipe,) = national_recipes(None, counts=counts, provinces=["21"])
    scenario, plan, result = planned_polda(recipe)
    assert result.ok, result.error
    assert result.tps == 5914 and result.uncovered == () and result.bko_needed == 0
    placed = [a.nrp for a in plan.assignments]
    assert len(placed) == len(set(placed)) <= len(scenario.officers)
    assert result.bko_from_pool > 0
