"""The documentation's example scenario is real: it is extracted and validated."""

from __future__ import annotations

import re
from pathlib import Path

from pollguard.scenario.folder import read_scenario

DOC = Path(__file__).resolve().parents[1] / "docs" / "scenario-format.md"
FILES = ("scenario.toml", "regions.csv", "tps.csv", "units.csv", "officers.csv", "tni.csv",
         "linmas.csv")


def test_the_documented_example_validates(tmp_path: Path) -> None:
    text = DOC.read_text(encoding="utf-8").split("## A complete example", 1)[1]
    for name in FILES:
        block = re.search(rf"^`{re.escape(name)}`[^\n]*\n```[a-z]*\n(.*?)```", text, re.S | re.M)
        assert block, f"no example for {name} in {DOC.name}"
        (tmp_path / name).write_text(block.group(1), encoding="utf-8")
    scenario = read_scenario(tmp_path)
    s = scenario.summary()
    assert (s.desa, s.tps, s.polri) == (2, 4, 4)
    assert any(o.bko for o in scenario.officers)
