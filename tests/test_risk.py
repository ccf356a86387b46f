"""Vulnerability mapping end to end on a real database: assess, import, diff, calibrate,
export, and the command line."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from pollguard.cli.main import app
from pollguard.domain.risk import RiskClass
from pollguard.profile import load_profile
from pollguard.scenario.problems import InvalidInputError
from pollguard.services import risk
from pollguard.store import repository as repo
from pollguard.store.database import Database
from pollguard.store.uow import UnitOfWork

runner = CliRunner()


@pytest.fixture
def assessed(loaded_db: Database) -> tuple[Database, risk.AssessmentOutcome]:
    return loaded_db, risk.run_assessment(db=loaded_db)


def test_demo_class_shares_land_where_practice_puts_them(
        assessed: tuple[Database, risk.AssessmentOutcome]) -> None:
    db, outcome = assessed
    n = outcome.assessed
    assert n == 6_391
    assert 0.005 <= outcome.classes[RiskClass.SANGAT_RAWAN] / n <= 0.03
    assert 0.04 <= outcome.classes[RiskClass.RAWAN] / n <= 0.12
    view = risk.load_assessed(db=db)
    special = {t.tps_id for t in view.scenario.tps if t.is_special}
    assert {t for t, r in view.risks.items() if r.risk_class == RiskClass.KHUSUS} == special
    # Conflict history was put in Kerinci and Sungai Penuh: their share of sangat rawan TPS
    # is above the province's.
    kerinci = [r for t, r in view.risks.items() if t.startswith(("1501", "1572"))]
    share = sum(r.risk_class == RiskClass.SANGAT_RAWAN for r in kerinci) / len(kerinci)
    assert share > outcome.classes[RiskClass.SANGAT_RAWAN] / n


def test_assessments_are_numbered_versions(
        assessed: tuple[Database, risk.AssessmentOutcome]) -> None:
    db, first = assessed
    second = risk.run_assessment(db=db, note="again")
    assert second.assessment_id == first.assessment_id + 1
    assert risk.compare(db=db, before=first.assessment_id, after=second.assessment_id) == []
    assert risk.load_assessed(db=db, assessment_id=first.assessment_id).info.note == ""


def _form(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return path


def _observations(db: Database) -> dict[str, dict[str, float]]:
    with UnitOfWork(db) as uow:
        return repo.observations(uow.session)


def _quiet_tps(db: Database, n: int) -> list[str]:
    """TPS with no indicators at all, in Kota Jambi."""
    observed = _observations(db)
    with UnitOfWork(db) as uow:
        ids = sorted(t for t in repo.tps_ids(uow.session) if t.startswith("1571"))
    return [t for t in ids if t not in observed and not t.endswith(("901", "902", "903"))][:n]


def test_a_form_with_one_bad_row_changes_nothing(loaded_db: Database, tmp_path: Path) -> None:
    a, b, c = _quiet_tps(loaded_db, 3)
    before = _observations(loaded_db)
    form = _form(tmp_path / "form.csv", [
        ["tps_id", "desa", "violence_history", "dptb_voters"],
        [a, "x", "ya", "tidak"], [b, "y", "mungkin", ""], [c, "z", "1", "1"]])
    with pytest.raises(InvalidInputError) as caught:
        risk.import_observations(db=loaded_db, path=form)
    assert [str(p) for p in caught.value.problems] == [
        "form.csv:3:violence_history: expected ya/tidak (yes/no, true/false), got 'mungkin'"]
    assert _observations(loaded_db) == before


def test_a_good_form_changes_exactly_its_tps(loaded_db: Database, tmp_path: Path) -> None:
    a, b = _quiet_tps(loaded_db, 2)
    before = _observations(loaded_db)
    some = next(t for t, v in sorted(before.items()) if "ineligible_dpt" in v)
    form = _form(tmp_path / "form.csv", [
        ["tps_id", "conflict_casualties", "ineligible_dpt"],
        [a, "ya", ""], [b, "tidak", "1"], [some, "", "tidak"]])
    result = risk.import_observations(db=loaded_db, path=form)
    after = _observations(loaded_db)
    assert result == risk.ObservationImport(tps=3, changed=3)
    assert {t for t in before.keys() | after.keys() if before.get(t) != after.get(t)} == {
        a, b, some}
    assert after[a] == {"conflict_casualties": 1.0} and after[b] == {"ineligible_dpt": 1.0}
    assert "ineligible_dpt" not in after.get(some, {})


def test_unknown_columns_and_tps_are_refused(loaded_db: Database, tmp_path: Path) -> None:
    form = _form(tmp_path / "form.csv", [["tps_id", "violence_histroy"], ["9999999999001", "1"]])
    with pytest.raises(InvalidInputError, match="unknown column"):
        risk.import_observations(db=loaded_db, path=form)
    form = _form(tmp_path / "form.csv", [["tps_id", "violence_history"], ["9999999999001", "1"]])
    with pytest.raises(InvalidInputError, match="not in the loaded scenario"):
        risk.import_observations(db=loaded_db, path=form)


def test_diff_names_the_tps_that_moved_and_why(
        assessed: tuple[Database, risk.AssessmentOutcome], tmp_path: Path) -> None:
    db, first = assessed
    (tps,) = _quiet_tps(db, 1)
    risk.import_observations(db=db, path=_form(tmp_path / "f.csv", [
        ["tps_id", "conflict_casualties"], [tps, "ya"]]))
    second = risk.run_assessment(db=db)
    changes = risk.compare(db=db, before=first.assessment_id, after=second.assessment_id)
    assert [c.tps_id for c in changes] == [tps]
    change = changes[0]
    assert (change.before, change.after) == (RiskClass.KURANG_RAWAN, RiskClass.SANGAT_RAWAN)
    # The indicator came, and with its 25 points the score crossed the sangat rawan threshold.
    assert {c.code for c in change.gained} == {"conflict_casualties", "sangat_rawan"}
    assert {c.code for c in change.lost} == {"kurang_rawan"}


def test_calibration_hits_the_target_shares(loaded_db: Database, tmp_path: Path) -> None:
    out = tmp_path / "fitted.toml"
    fitted = risk.fit_thresholds(db=loaded_db, shares={"rawan": 0.08, "sangat_rawan": 0.02},
                                 out=out)
    assert fitted.shares[RiskClass.SANGAT_RAWAN] == pytest.approx(0.02, abs=0.002)
    assert fitted.shares[RiskClass.RAWAN] == pytest.approx(0.08, abs=0.002)
    outcome = risk.run_assessment(db=loaded_db, profile=out)
    assert outcome.profile_id == "id-pilkada-2024-calibrated"
    n = outcome.assessed
    assert outcome.classes[RiskClass.SANGAT_RAWAN] / n == pytest.approx(
        fitted.shares[RiskClass.SANGAT_RAWAN])
    assert load_profile(out).scoring.thresholds == fitted.profile.scoring.thresholds
    with pytest.raises(ValueError, match="--share takes rawan and sangat_rawan"):
        risk.fit_thresholds(db=loaded_db, shares={"aman": 0.5}, out=out)


def test_exports(assessed: tuple[Database, risk.AssessmentOutcome], tmp_path: Path) -> None:
    db, outcome = assessed
    path, totals = risk.export_map(db=db, fmt="csv", out=tmp_path)
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 6_391
    assert Counter(r["kelas"] for r in rows) == Counter(
        {k.value: v for k, v in outcome.classes.items() if v})
    with totals.open(encoding="utf-8") as fh:
        summary = list(csv.DictReader(fh))
    assert Counter(r["tingkat"] for r in summary) == {"polres": 10, "kabkota": 11,
                                                      "kecamatan": 144, "desa": 1_585}
    for level in ("polres", "kabkota", "kecamatan", "desa"):
        assert sum(int(r["rawan"]) for r in summary if r["tingkat"] == level) == (
            outcome.classes[RiskClass.RAWAN])
    (book_path,) = risk.export_map(db=db, fmt="xlsx", out=tmp_path)
    book = load_workbook(book_path, read_only=True)
    assert book.sheetnames[0] == "Ringkasan" and len(book.sheetnames) == 11
    assert sum(book[name].max_row - 1 for name in book.sheetnames[1:]) == 6_391
    tps_json, regions_json = risk.export_map(db=db, fmt="geojson", out=tmp_path)
    tps = json.loads(tps_json.read_text(encoding="utf-8"))
    assert len(tps["features"]) == 6_391
    regions = json.loads(regions_json.read_text(encoding="utf-8"))
    levels = Counter(f["properties"]["level"] for f in regions["features"])
    assert levels == {2: 11, 3: 144, 4: 1_585}
    with pytest.raises(ValueError, match="unknown format"):
        risk.export_map(db=db, fmt="shp", out=tmp_path)


def test_risk_commands(demo_db_url: str) -> None:
    db_url = demo_db_url
    result = runner.invoke(app, ["--db", db_url, "risk", "assess", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["assessment_id"] == 2 and data["assessed"] == 6_391
    assert set(data["classes"]) == {"kurang_rawan", "rawan", "sangat_rawan", "khusus"}
    shown = runner.invoke(app, ["--db", db_url, "risk", "show", "15.72"])
    assert shown.exit_code == 0, shown.output
    assert "Kota Sungai Penuh (15.72)" in shown.output and "sangat rawan" in shown.output
    assert "SANGAT RAWAN karena" in shown.output
    english = runner.invoke(app, ["--db", db_url, "risk", "show", "polres.15.01", "--lang", "en"])
    assert "HIGHLY VULNERABLE because" in english.output
    listed = runner.invoke(app, ["--db", db_url, "risk", "list"])
    assert "make demo" in listed.output
    diff = runner.invoke(app, ["--db", db_url, "risk", "diff", "1", "2"])
    assert "0 TPS changed class between #1 and #2" in diff.output
    missing = runner.invoke(app, ["--db", db_url, "risk", "show", "15.99"])
    assert missing.exit_code == 1 and "no TPS in '15.99'" in missing.output


def test_with_real_geography_the_geojson_opens_in_geopandas(
        db: Database, shared_data: Path, tmp_path: Path) -> None:
    geopandas = pytest.importorskip("geopandas")
    from pollguard.services import scenarios

    folder = tmp_path / "geo"
    scenarios.build_scenario(name="jambi", out=folder, geo=shared_data)
    scenarios.load_scenario(db=db, folder=folder)
    outcome = risk.run_assessment(db=db)
    assert outcome.assessed == 6_391
    tps_json, _, boundaries_json = risk.export_map(db=db, fmt="geojson", out=tmp_path / "map")
    frame = geopandas.read_file(tps_json)
    assert len(frame) == 6_391 and set(frame.geom_type) == {"Point"}
    polygons = geopandas.read_file(boundaries_json)
    assert len(polygons) == 155 and set(polygons.geom_type) == {"MultiPolygon"}
    kerinci = int((frame["kab_kota"] == "Kabupaten Kerinci").sum())
    assert polygons.set_index("code").loc["15.01", "tps"] == kerinci > 0
    with UnitOfWork(db) as uow:
        stored = repo.load_scenario(uow.session)
    assert stored is not None
    where = {t.tps_id: (t.lon, t.lat) for t in stored.tps}
    assert all(where[row.tps_id] == pytest.approx((row.geometry.x, row.geometry.y), abs=1e-9)
               for row in frame.itertuples())


def test_form_headers_as_people_write_them(loaded_db: Database, tmp_path: Path) -> None:
    (tps,) = _quiet_tps(loaded_db, 1)
    form = _form(tmp_path / "form.csv", [["ID TPS", "Desa", "Violence History", "Keterangan"],
                                         [tps, "x", "Ya", "dicek 20/11"]])
    assert risk.import_observations(db=loaded_db, path=form).changed == 1
    assert _observations(loaded_db)[tps] == {"violence_history": 1.0}


def test_show_skips_tps_added_after_the_assessment(
        assessed: tuple[Database, risk.AssessmentOutcome], db_url: str, tmp_path: Path) -> None:
    from pollguard.services import scenarios

    db, _ = assessed
    view = risk.load_assessed(db=db)
    sp = [t for t in view.scenario.tps if t.desa_code.startswith("15.72.")]
    rows = [["tps_id", "tps_no", "desa_code"]] + [[t.tps_id, str(t.number), t.desa_code]
                                                   for t in sp]
    last = max(t.number for t in sp if t.desa_code == sp[0].desa_code and t.number < 900)
    rows.append([f"{sp[0].desa_code.replace('.', '')}{last + 1:03d}", str(last + 1),
                 sp[0].desa_code])
    scenarios.import_tps(db=db, path=_form(tmp_path / "tps.csv", rows))
    shown = runner.invoke(app, ["--db", db_url, "risk", "show", "15.72"])
    assert shown.exit_code == 0, shown.output
    assert f"{len(sp)} TPS:" in shown.output
