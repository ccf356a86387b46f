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
    demo = runner.invoke(app, ["--db", db_url, "demo", "--out", str(out)])
    assert demo.exit_code == 0, demo.output
    assert "Kota Sungai Penuh" in demo.output and "6,391" in demo.output
    result = runner.invoke(app, ["--db", db_url, "summary", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == KEYS
    # Running the demo again replaces the scenario rather than failing or doubling it.
    assert runner.invoke(app, ["--db", db_url, "demo", "--out", str(out)]).exit_code == 0
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
    assert runner.invoke(app, ["demo", "--out", str(tmp_path / "d")]).exit_code == 0
    assert json.loads(runner.invoke(app, ["summary", "--json"]).stdout)["tps"] == 6_391


def test_unknown_builder_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["scenario", "build", "atlantis", "--out", str(tmp_path)])
    assert result.exit_code == 1 and "unknown scenario 'atlantis'" in result.output
