"""The Rencana Pengamanan as a document to sign: the kop, the classification on every page,
the title with the operation (and the plan version where known), the signature block from
the scenario's operation settings (and the warning where a default filled them), a body in
staff language with no optimiser figures, those figures in a technical annex after the
signature, and an HTML page that opens offline. On the small hand-made province, and the
same moved to Sulawesi Selatan for "nothing Jambi-specific"."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest

from doc_text import pdf_page_strings
from pollguard.domain.command import POOL
from pollguard.domain.orders import OperationSettings, Signatory, UnitOrder
from pollguard.domain.plan import Plan, Shortfall
from pollguard.domain.scenario import Scenario
from pollguard.planning.view import PlanView
from pollguard.reports.plan_docs import summary
from pollguard.reports.plan_docs.heading import heading
from small_plan import SCENARIO, elsewhere, small_plan

#: What only the planner needs: none of it may stand in the signed body.
OPTIMISER = re.compile(r"\b(batas bawah|detik|LP|gap|selisih)\b", re.IGNORECASE)
OPTIMISER_WORDS = {"batas bawah", "detik", "lp", "gap", "selisih"}
PAGE = re.compile(rb"/Type\s*/Page(?!s)")
KOP = ("KEPOLISIAN NEGARA REPUBLIK INDONESIA", "DAERAH JAMBI")


def _write(tmp: Path, scenario: Scenario = SCENARIO, *, version: int | None = None,
           plan: Plan | None = None) -> tuple[str, list[str], int]:
    """The HTML, the text of each PDF page, and the PDF's page count."""
    paths = summary.write_plan_summary(plan or small_plan(), scenario, tmp, version=version)
    assert [p.name for p in paths] == ["rencana_pengamanan.html", "rencana_pengamanan.pdf"]
    data = paths[1].read_bytes()
    return paths[0].read_text(encoding="utf-8"), pdf_page_strings(data), len(PAGE.findall(data))


def _split_html(html: str) -> tuple[str, str]:
    """(the signed body's text, the annex's text), tags and styles left out."""
    at = html.lower().index("lampiran teknis")
    return _plain(html[:at]), _plain(html[at:])


def _plain(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", " ", html, flags=re.S))


def _split_pdf(pages: list[str]) -> tuple[str, str]:
    """(the body's pages, the annex's pages): the annex starts on a page of its own."""
    at = next(i for i, p in enumerate(pages) if "LAMPIRAN TEKNIS" in p)
    return " ".join(pages[:at]), " ".join(pages[at:])


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[str], int]:
    return _write(tmp_path_factory.mktemp("renpam"))


def test_the_letterhead_classification_and_signature_are_in_the_html(
        small: tuple[str, list[str], int]) -> None:
    html, _, _ = small
    head = heading(PlanView(small_plan(), SCENARIO), POOL)
    body, annex = _split_html(html)
    # the classification opens and closes the page (and every printed page, by @page)
    marks = re.findall(r'<div class="mark mark-(top|bottom)">(.*?)</div>', html)
    assert marks == [("top", "RAHASIA"), ("bottom", "RAHASIA")]
    assert html.index("mark-top") < html.index(KOP[0]) and html.rindex("mark-bottom") > \
        html.lower().index("lampiran teknis")
    assert '@top-center{content:"RAHASIA"' in html and '@bottom-center{content:"RAHASIA"' in html
    kop = re.search(r'<div class="kop">(.*?)</div></div>', html)
    assert kop and re.findall(r"<div>(.*?)</div>", kop.group(0) + "</div>") == list(KOP)
    assert "RENCANA PENGAMANAN OPERASI MANTAP PRAJA 2024" in body
    assert "Versi rencana" not in html  # the plan's number is not known here: left out
    # every field of the small scenario is a default: the warning names them
    assert head.warning and head.warning in body
    # the signature block closes the body: place, date, position, name, rank and NRP
    sign = body[body.index("Dikeluarkan di"):]
    for part in ("Jambi", "Pada tanggal", "20 November 2024", "KEPALA KEPOLISIAN DAERAH JAMBI",
                 "CAKET TAMPUBOLON", "Irjen Pol NRP 64083823", "Tembusan", "Kapolri"):
        assert part in sign, part
    assert "Dikeluarkan di" not in annex


def test_the_letterhead_classification_and_signature_are_in_the_pdf(
        small: tuple[str, list[str], int]) -> None:
    _, pages, count = small
    assert len(pages) == count >= 3
    for n, page in enumerate(pages, start=1):  # top and bottom of every page
        assert page.count("RAHASIA") == 2, n
        assert f"Halaman {n} dari {count}" in page
    first = pages[0]
    assert first.index(KOP[0]) < first.index(KOP[1]) < first.index("RENCANA PENGAMANAN OPERASI")
    assert "Isian bawaan, periksa sebelum ditandatangani" in first
    body, annex = _split_pdf(pages)
    sign = body[body.index("Dikeluarkan di"):]
    for part in ("Jambi", "20 November 2024", "KEPALA KEPOLISIAN DAERAH JAMBI",
                 "CAKET TAMPUBOLON", "Irjen Pol NRP 64083823", "Tembusan:"):
        assert part in sign, part
    assert "Dikeluarkan di" not in annex


def test_the_body_has_no_optimiser_figures_and_the_annex_has_them(
        small: tuple[str, list[str], int]) -> None:
    html, pages, _ = small
    for body, annex in (_split_html(html), _split_pdf(pages)):
        assert OPTIMISER.findall(body) == []
        assert {w.lower() for w in OPTIMISER.findall(annex)} == OPTIMISER_WORDS
        assert "1. Situasi" in body and "8. Kekurangan" in body
        assert "Ukuran rencana" in annex and "Catatan penetapan peran" in annex
    # the staff order of the body's parts
    titles = re.findall(r"<h2>(\d\. [^<]*)</h2>", html)
    assert titles == ["1. Situasi", "2. Misi", "3. Kekuatan",
                      "4. Pelaksanaan: penggelaran per Polres", "5. Cadangan",
                      "6. TNI dan Linmas", "7. Kendali dan komunikasi", "8. Kekurangan"]
    # the map stays in the body
    assert html.index("<svg") < html.lower().index("lampiran teknis")


def test_a_reserve_cut_to_its_floor_reads_in_staff_words(tmp_path: Path) -> None:
    """The planner writes a reserve cut with its "batas bawah" (the floor): the body says
    "batas minimal", so the signed text has no optimiser's word even for a short force."""
    cut = Shortfall(1, POOL, "reserve", "Polda Jambi: cadangan dikurangi 2 personel (dari 39 "
                    "menjadi 37; batas bawah 13)", "reserve cut by 2", 2, 2)
    plan = dataclasses.replace(small_plan(), shortfalls=(cut,))
    html, pages, _ = _write(tmp_path, plan=plan)
    for body, _annex in (_split_html(html), _split_pdf(pages)):
        assert OPTIMISER.findall(body) == []
    assert ("Polda Jambi: cadangan dikurangi 2 personel (dari 39 menjadi 37; batas minimal 13)"
            "; BKO 2 personel memulihkannya.") in html


def test_the_situasi_names_the_area_and_where_the_rawan_tps_are(
        small: tuple[str, list[str], int]) -> None:
    body, _ = _split_html(small[0])
    assert "hari Rabu, 27 November 2024" in body and "pukul 07.00 s.d. 13.00 WIB" in body
    assert ("2 kabupaten/kota (2 kabupaten), 3 kecamatan dan 4 desa/kelurahan, dengan 5 TPS "
            "dan 1.430 pemilih terdaftar") in body
    assert "1 TPS sangat rawan, 1 TPS rawan dan 3 TPS kurang rawan" in body
    assert "TPS sangat rawan terbanyak di Kabupaten Kerinci (1)" in body
    assert "Kec. Gunung Raya, Kabupaten Kerinci (1 sangat rawan, 0 rawan)" in body
    # the Pelaksanaan names each Polres's posts by pattern, its team with call sign and Danton
    assert ("Polres Kerinci mengamankan 4 TPS di 2 kecamatan dengan 3 pos: 1 pos sangat rawan "
            "(pola 2-1-2), 1 pos rawan (pola 2-2-4) dan 1 pos kurang rawan (pola 2-8-16)") in body
    assert ("Dalmas Kerinci 1 (Peleton Dalmas Samapta, 3 personel, siaga di Polsek Gunung Raya, "
            "Danton Ipda Banawi Mandala)") in body


def test_the_html_opens_offline(small: tuple[str, list[str], int]) -> None:
    html = small[0]
    assert set(re.findall(r"https?://[^\s\"'<>)]+", html)) <= {"http://www.w3.org/2000/svg"}
    assert not re.search(r"<(link|script|img|iframe)\b|@import|url\(", html, re.I)


def test_settings_fill_the_heading_and_the_version_is_printed(tmp_path: Path) -> None:
    """With every field of the operation set, the signature block is the scenario's, nothing
    is flagged, and a version given to the writer stands under the title."""
    settings = OperationSettings(
        name="Operasi Mantap Praja Contoh 2024", polda="JAMBI", issued=dt.date(2024, 11, 18),
        start=dt.date(2024, 11, 24), end=dt.date(2024, 11, 30), classification="KONFIDENSIAL",
        considerations=("Pertimbangan contoh.",), bases=("Dasar contoh.",),
        copies_to=("Kapolri",),
        units={"polda.15": UnitOrder(number="R/Renpam/7/XI/2024", place="Kota Jambi",
                                     signatory=Signatory("KEPALA KEPOLISIAN DAERAH JAMBI",
                                                         "Drs. Budi Contoh, M.Si.", "Irjen",
                                                         "66010101"))})
    scenario = dataclasses.replace(SCENARIO, operation=settings)
    html, pages, _ = _write(tmp_path, scenario, version=7)
    body, _ = _split_html(html)
    assert "Isian bawaan" not in html and "Perhatian" not in html
    assert "RENCANA PENGAMANAN OPERASI MANTAP PRAJA CONTOH 2024" in body
    assert "Versi rencana 7" in body and "Versi rencana 7" in pages[0]
    assert all(p.count("KONFIDENSIAL") == 2 for p in pages)
    for text in (body, " ".join(pages)):
        for part in ("Kota Jambi", "18 November 2024", "Drs. Budi Contoh, M.Si.",
                     "Irjen NRP 66010101"):
            assert part in text, part
    assert "24 November 2024 s.d. 30 November 2024" in body


def test_nothing_jambi_specific_elsewhere(tmp_path: Path) -> None:
    scenario, plan = elsewhere()
    html, pages, _ = _write(tmp_path, scenario, plan=plan)
    texts = (html, " ".join(pages))
    for text in texts:
        for word in ("Jambi", "JAMBI", "Kerinci", "Merangin", "WIB", "Garuda Putih"):
            assert word not in text, word
        for word in ("DAERAH SULAWESI SELATAN", "Polres Gowa", "WITA",
                     "KEPALA KEPOLISIAN DAERAH SULAWESI SELATAN"):
            assert word in text, word
