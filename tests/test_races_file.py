"""``races.csv``, the optional file of contests on the ballot: documented column by column in
docs/scenario-format.md, and its two refusals read as the documentation quotes them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pollguard.scenario.folder import RACE_ROWS, read_scenario, write_scenario
from pollguard.scenario.problems import InvalidInputError
from small_plan import SCENARIO

DOC = Path(__file__).resolve().parents[1] / "docs" / "scenario-format.md"


def test_every_column_of_races_csv_is_documented() -> None:
    section = DOC.read_text().split("## `races.csv`")[1].split("\n## ")[0]
    documented = re.findall(r"^\| `(\w+)` \|", section, re.M)
    assert documented == list(RACE_ROWS.columns)


@pytest.mark.parametrize(("rows", "quoted"), [
    ("bupati-15.01,15.01.01,bupati,3\n",
     "races.csv:2:region_code: 15.01.01 is not the province or a kab/kota in regions.csv"),
    ("bupati-15.01,15.01,bupati,3\nbupati-15.01,15.01,bupati,2\n",
     "races.csv:3:race_id: duplicate race_id 'bupati-15.01'"),
])
def test_a_bad_race_is_refused_as_documented(tmp_path: Path, rows: str, quoted: str) -> None:
    write_scenario(SCENARIO, tmp_path)
    (tmp_path / "races.csv").write_text("race_id,region_code,office,pairs\n" + rows)
    with pytest.raises(InvalidInputError) as caught:
        read_scenario(tmp_path)
    assert quoted in str(caught.value)
    doc = " ".join(DOC.read_text().split())
    # the documentation quotes the same words (its example's line number aside)
    assert re.sub(r"^races\.csv:\d+:\w+: ", "", quoted) in doc
