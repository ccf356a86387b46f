"""The command line end to end, on a real database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pollguard.cli.main import app

runner = CliRunner()
KEYS = {"kabkota": 11, "kecamatan": 144, "desa": 1_585, "tps": 6_391, "voters": 2_695_348,
        "polres": 10, "polsek": 144, "polri": 5_400, "tni": 2_597, "linmas": 12_782}


def test_demo_then_summary_json(db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "demo"
    demo = runner.invoke(app, ["--db", db_url, "demo", "--no-serve", "--out", str(out)])
    assert demo.exit_code == 0, demo.output
    assert "Kota Sungai Penuh" in demo.output and "6,391" in demo.output
    result = runner.invoke(app, ["--db", db_url, "summary", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == KEYS
    # Running the demo again replaces the scenario rather than failing or doubling it.
    again = runner.invoke(app, ["--db", db_url, "demo", "--no-serve", "--out", str(out)])
    assert again.exit_code == 0
    assert json.loads(runner.invoke(app, ["--db", db_url, "summary", "--json"]).stdout) == KEYS


def test_build_validate_load(db_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "s"
    built = runner.invoke(app, ["scenario", "build", "jambi", "--out", str(folder), "--seed", "3"])
    assert built.exit_code == 0, built.output
    assert "valid" in runner.invoke(app, ["scenario", "validate", str(folder)]).output
    loaded = runner.invoke(app, ["--db", db_url, "scenario", "load", str(folder)])
    assert loaded.exit_code == 0, loaded.output
    again = runner.invoke(app, ["--db", db_url, "scenario", "load", str(folder)])
    assert again.exit_code == 1 and "--replace" in again.output


def test_the_database_url_comes_from_the_environment(db_url: str, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLLGUARD_DATABASE_URL", db_url)
    assert runner.invoke(app, ["demo", "--no-serve", "--out", str(tmp_path / "d")]).exit_code == 0
    assert json.loads(runner.invoke(app, ["summary", "--json"]).stdout)["tps"] == 6_391


def test_unknown_builder_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["scenario", "build", "atlantis", "--out", str(tmp_path)])
    assert result.exit_code == 1 and "unknown scenario 'atlantis'" in result.output


def test_import_commands(demo_db_url: str, tmp_path: Path) -> None:
    db_url = demo_db_url
    roster = tmp_path / "roster.csv"
    roster.write_text("NRP,Nama,Pangkat,Satuan,Fungsi\n"
                      "99020001,Andi Saputra,Bripda,Polres Tebo,Samapta\n", encoding="utf-8")
    added = runner.invoke(app, ["--db", db_url, "import", "roster", str(roster)])
    assert added.exit_code == 0 and "1 added, 0 updated" in added.output
    tps = tmp_path / "tps.csv"
    tps.write_text("tps_id,tps_no,desa_code\n1572011001001,1,15.72.01.1001\n"
                   "1572011001003,2,15.72.01.1001\n", encoding="utf-8")
    bad = runner.invoke(app, ["--db", db_url, "import", "tps", str(tps)])
    assert bad.exit_code == 1
    assert "tps.csv:3:tps_id: '1572011001003' should be desa digits + 3-digit number" in bad.output
    before = json.loads(runner.invoke(app, ["--db", db_url, "summary", "--json"]).stdout)
    assert before["polri"] == 5_401 and before["tps"] == 6_391


def test_plan_run_json_is_pure_json_on_stdout(demo_db_url: str) -> None:
    """HiGHS writes its banner from C straight to file descriptor 1, which CliRunner does not
    capture: a real process shows whether the solver is silenced through its own options (no
    process-wide redirection of stdout, which re-plans in web threads used to race on)."""
    import subprocess
    import sys

    pollguard = Path(sys.executable).parent / "pollguard"
    done = subprocess.run([str(pollguard), "--db", demo_db_url, "plan", "run", "--json"],
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "HiGHS" not in done.stdout and "Running" not in done.stdout
    assert json.loads(done.stdout)["posts"] > 0
