"""Nothing Jambi-specific in the documents of another province: the small province moved to
Sulawesi Selatan (``small_plan.elsewhere``) writes every document (Sprin, annex, cards, texts,
Rencana Pengamanan, geo files), and none of them says Jambi, Kerinci, a Jambi unit or the
WIB clock; each says the province's own names and WITA instead."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from doc_text import text_of
from pollguard.reports import plan_docs
from small_plan import elsewhere

#: What only Jambi's documents may say: its names, its Kodim numbers (as a unit is written,
#: "Kodim 0417/Kerinci": the digits alone turn up inside coordinates, "-5.20417"), its clock.
JAMBI = re.compile(r"Jambi|JAMBI|Kerinci|KERINCI|Merangin|MERANGIN|Garuda Putih|"
                   r"(?<![\d.])04(?:17|20)(?![\d.])|\bWIB\b|Sungai Penuh")


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    scenario, plan = elsewhere()
    return plan_docs.write_all(plan, scenario, tmp_path_factory.mktemp("elsewhere"))


def test_every_kind_of_document_is_written(written: list[Path]) -> None:
    suffixes = {p.suffix for p in written}
    assert {".docx", ".xlsx", ".pdf", ".txt", ".html", ".geojson", ".kml"} <= suffixes
    names = {p.name for p in written}
    assert {"sprin_polres_gowa.docx", "plotting_polres_gowa.xlsx", "lampiran_polres_gowa.pdf",
            "kartu_polres_gowa.pdf", "pesan_polres_gowa.txt", "rencana_pengamanan.pdf",
            "sprin_polda.docx"} <= names


def test_no_document_says_anything_of_jambi(written: list[Path]) -> None:
    found = {p.name: sorted(set(JAMBI.findall(text_of(p)))) for p in written}
    assert {name: hits for name, hits in found.items() if hits} == {}


def test_the_documents_say_the_province_its_units_and_its_clock(written: list[Path]) -> None:
    by_name = {p.name: text_of(p) for p in written}
    sprin = by_name["sprin_polres_gowa.docx"]
    assert "DAERAH SULAWESI SELATAN" in sprin and "RESOR GOWA" in sprin
    assert "WITA" in sprin
    assert "Polres Gowa" in by_name["plotting_polres_gowa.xlsx"]
    assert "WITA" in by_name["pesan_polres_gowa.txt"]
    assert "SULAWESI SELATAN" in by_name["rencana_pengamanan.pdf"].upper()
