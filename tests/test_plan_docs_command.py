"""The command plan in the documents: command and staff (each Kapolsek as Kasubsatgas Pam TPS
of his kecamatan), the Pawas over clusters of posts, guards with their Pawas and equipment,
reserve teams with call sign and Danton, TNI per Kodim, Linmas and force shortfalls in the
order the plan gave them up; in the plotting workbooks, the cards, the summary and the
command line's table. A small hand-made province and plan, so every expected value is known."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from doc_text import pdf_pages
from pollguard.cli.main import app
from pollguard.domain.command import POOL
from pollguard.domain.orders import OperationSettings, Signatory, UnitOrder
from pollguard.domain.scenario import Scenario
from pollguard.planning.view import PlanView
from pollguard.reports import plan_docs
from pollguard.reports.plan_docs import cards
from pollguard.reports.plan_docs.command import CommandView
from pollguard.reports.plan_docs.heading import heading
from pollguard.scenario.folder import write_scenario
from pollguard.services import planning, scenarios
from pollguard.store.database import Database
from small_plan import (
    BRIMOB,
    BRIMOB_TEAM,
    DALMAS,
    DALMAS_TEAM,
    DANTON,
    GUARDS,
    INFERRED,
    KABAG,
    KAPOLDA,
    KAPOLRES,
    KAPOLSEK,
    KERINCI,
    P1,
    PAWAS,
    SCENARIO,
    SHORTFALLS,
    elsewhere,
    small_plan,
)


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("command_docs")
    plan_docs.write_all(small_plan(), SCENARIO, folder)
    return folder


def _workbook(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """A workbook's sheets by name, each as its rows of values."""
    book = load_workbook(path, read_only=True)
    try:
        return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}
    finally:
        book.close()


def _header_row(rows: list[tuple[object, ...]]) -> int:
    """Where a sheet's table starts: the row whose cells begin "No", "Nama" (an annex sheet
    has its header block above it), else the first row (the working tables)."""
    return next((i for i, r in enumerate(rows) if list(r[:2]) == ["No", "Nama"]), 0)


def _records(rows: list[tuple[object, ...]]) -> list[dict[str, object]]:
    """A table sheet's rows as header -> value: from its header row down to the first blank
    row (the signature block of an annex sheet lies below that)."""
    at = _header_row(rows)
    header = [str(h) for h in rows[at]]
    body = []
    for row in rows[at + 1:]:
        if all(v is None for v in row):
            break
        body.append(dict(zip(header, row, strict=True)))
    return body


def _section(rows: list[tuple[object, ...]], title: str) -> list[tuple[object, ...]]:
    """The rows of one summary section: after its header row, up to the blank row."""
    start = next(i for i, r in enumerate(rows) if r[0] == title)
    body = []
    for r in rows[start + 1:]:
        if all(v is None for v in r):
            break
        body.append(r)
    return body


# --- the plotting workbook ------------------------------------------------------------------


def test_komando_sheet_lists_command_and_staff_with_each_kapolsek(out: Path) -> None:
    books = _workbook(out / "plotting_polres_kerinci.xlsx")
    rows = _records(books[plan_docs.COMMAND_SHEET])
    assert [r["NRP"] for r in rows] == [KAPOLRES.nrp, KABAG.nrp, KAPOLSEK.nrp]
    kaops, kabag, kapolsek = rows
    assert (kaops["Nama"], kaops["Pangkat"], kaops["Tugas"], kaops["No. HP"],
            kaops["Kedudukan"]) == (
        "Jarwadi Iswahyudi", "AKBP", "Kaopsres", "082252354460", "Posko Polres Kerinci")
    assert kaops["Keterangan"] == "koordinat -2.064000, 101.394000"
    assert kabag["Tugas"] == "Kabag Ops"
    assert kapolsek["Tugas"] == "Kasubsatgas Pam TPS Kec. Gunung Raya"
    assert (kapolsek["Pangkat"], kapolsek["No. HP"], kapolsek["Jabatan dinas"],
            kapolsek["Kedudukan"], kapolsek["Kesatuan"]) == (
        "AKP", "081180281150", "Kapolsek Gunung Raya", "Polsek Gunung Raya",
        "Polsek Gunung Raya")
    assert (kapolsek["Pos dikendalikan"], kapolsek["TPS dikendalikan"]) == (2, 3)
    # the Polda's Kaops is the Polda's, not the Polres's
    polda = _records(_workbook(out / "plotting_polda.xlsx")[plan_docs.COMMAND_SHEET])
    assert [(r["NRP"], r["Tugas"]) for r in polda] == [(KAPOLDA.nrp, "Kaops")]


def test_each_post_row_names_its_pawas_equipment_and_position(out: Path) -> None:
    books = _workbook(out / "plotting_polres_kerinci.xlsx")
    guards = {r["NRP"]: r for name in ("Polsek Gunung Raya", "Polsek Danau Kerinci")
              for r in _records(books[name])}
    assert set(guards) == {g.nrp for g in GUARDS[:6]}
    at_p1 = guards[GUARDS[0].nrp]
    assert at_p1["Keterangan"] == (
        "Pos 15.01.01-SR-001; dipimpin Pawas Ipda Hasta Wibowo 085718285072; "
        "perlengkapan CCTV 1, HT (radio) 2; koordinat -2.060000, 101.300000")
    assert (at_p1["Tugas"], at_p1["No. HP"], at_p1["Kesatuan"]) == (
        "Penjaga TPS", "081300000001", "Polres Kerinci")
    assert (at_p1["Desa/Kelurahan"], at_p1["Kecamatan"], at_p1["TPS"], at_p1["Kerawanan"],
            at_p1["Pola"], at_p1["Linmas"]) == (
        "Desa Selam Paung", "Gunung Raya", "TPS 001", "sangat rawan", "2-1-2", 2)
    at_p2 = guards[GUARDS[2].nrp]  # a post over two desa names the desa of each TPS
    assert (at_p2["Desa/Kelurahan"], at_p2["TPS"]) == (
        "Desa Selam Paung, Kel. Lempur Tengah",
        "TPS 002 Desa Selam Paung; TPS 001 Kel. Lempur Tengah")
    assert "perlengkapan HT (radio) 1" in str(at_p2["Keterangan"])
    at_p3 = guards[GUARDS[4].nrp]
    assert at_p3["Keterangan"] == ("Pos 15.01.02-R-001; belum ada Pawas (kekurangan); "
                                   "koordinat -2.100000, 101.500000")


def test_pawas_sheet_has_each_cluster_its_officer_and_its_posts_by_name(out: Path) -> None:
    rows = _records(_workbook(out / "plotting_polres_kerinci.xlsx")[plan_docs.PAWAS_SHEET])
    assert [r["Klaster"] for r in rows] == ["Klaster 1 Kec. Gunung Raya",
                                            "Klaster 1 Kec. Danau Kerinci"]
    a1, a2 = rows
    assert (a1["Nama"], a1["Pangkat"], a1["NRP"], a1["No. HP"], a1["Tugas"]) == (
        "Hasta Wibowo", "Ipda", PAWAS.nrp, "085718285072", "Pawas")
    assert str(a1["Keterangan"]).startswith(
        "di bawah Kapolsek AKP Edison Sirait 081180281150; radius 0,6 km; titik tengah ")
    assert (a1["Jumlah pos"], a1["Jumlah TPS"]) == (2, 3)
    assert a1["Pos dan TPS yang diawasi"] == (
        "15.01.01-SR-001: TPS 001 Desa Selam Paung\n"
        "15.01.01-KRB-001: TPS 002 Desa Selam Paung; TPS 001 Kel. Lempur Tengah")
    assert a2["NRP"] is None and a2["Nama"] == "— (belum ada Pawas)"
    # Danau Kerinci has no Kapolsek: the Polres commands its posts
    assert str(a2["Keterangan"]).startswith("pos dikendalikan langsung oleh Polres")


def test_reserve_sheet_names_team_call_sign_kind_and_danton(out: Path) -> None:
    rows = _records(_workbook(out / "plotting_polres_kerinci.xlsx")[plan_docs.RESERVE_SHEET])
    assert [r["NRP"] for r in rows] == [DANTON.nrp, DALMAS[0].nrp, DALMAS[1].nrp]
    assert {(r["Tim (sandi panggilan)"], r["Jenis"], r["Titik siaga"]) for r in rows} == {
        ("Dalmas Kerinci 1", "Peleton Dalmas Samapta", "Polsek Gunung Raya")}
    assert [str(r["Keterangan"]).split("; ")[0] for r in rows] == [
        "memimpin tim", "dipimpin Danton Ipda Banawi Mandala 081329265534",
        "dipimpin Danton Ipda Banawi Mandala 081329265534"]
    assert [r["Tugas"] for r in rows] == ["Danton", "Anggota Dalmas", "Anggota Dalmas"]
    summary = _workbook(out / "plotting_polres_kerinci.xlsx")[plan_docs.SUMMARY_SHEET]
    assert _section(summary, "Tim cadangan (sandi panggilan)") == [
        ("Dalmas Kerinci 1", "Peleton Dalmas Samapta", 3, "Banawi Mandala", "Ipda",
         "081329265534", "Polsek Gunung Raya")]
    pool = _records(_workbook(out / "plotting_polda.xlsx")[plan_docs.RESERVE_SHEET])
    assert {(r["Tim (sandi panggilan)"], str(r["Keterangan"]).split("; ")[0])
            for r in pool} == {("Brimob Polda 1", "belum ada Danton")}


def test_tni_linmas_and_shortfalls_are_the_polres_own(out: Path) -> None:
    books = _workbook(out / "plotting_polres_kerinci.xlsx")
    tni = _records(books[plan_docs.TNI_SHEET])
    assert [(r["Kodim"], r["Sasaran"], r["Kecamatan"], r["Prajurit"]) for r in tni] == [
        ("Kodim 0417/Kerinci", "TPS 001 Desa Selam Paung", "Gunung Raya", 2),
        ("Kodim 0417/Kerinci", "Kec. Danau Kerinci", "Danau Kerinci", 4)]
    summary = books[plan_docs.SUMMARY_SHEET]
    assert _section(summary, "TNI per Kodim")[0] == ("Kodim 0417/Kerinci", 2, 1, 4, 5, 1, None)
    linmas = _records(books[plan_docs.LINMAS_SHEET])
    assert [(r["Desa/Kel"], r["Kurang"]) for r in linmas] == [("Kel. Lempur Tengah", 3)]
    short = _records(books[plan_docs.SHORTFALL_SHEET])
    assert [(r["Urutan"], r["Jenis"], r["BKO untuk memulihkan"]) for r in short] == [
        (1, "Tugas dikurangi", 2), (3, "Pos tanpa Pawas", 1)]
    assert [r[0] for r in _section(summary, "Yang dilepas karena kekurangan personel (urut)")
            ][:2] == [f"1. {SHORTFALLS[0].text_id}", f"3. {SHORTFALLS[2].text_id}"]
    kapolsek = {r[0]: r[5:7] for r in _section(summary, "Polsek")}
    assert kapolsek["Polsek Gunung Raya"] == ("AKP Edison Sirait", "081180281150")
    assert kapolsek["Polsek Danau Kerinci"] == ("dikendalikan Polres", "—")
    # the Polda's workbook accounts for every Kodim, Linmas shortfall and shortfall
    polda = _workbook(out / "plotting_polda.xlsx")
    assert len(polda[plan_docs.TNI_SHEET]) == 1 + 3
    assert len(polda[plan_docs.LINMAS_SHEET]) == 1 + 2
    assert [r["Urutan"] for r in _records(polda[plan_docs.SHORTFALL_SHEET])] == [1, 2, 3]
    assert _section(polda[plan_docs.SUMMARY_SHEET], "TNI per Kodim")[-2][0] == (
        "Jumlah (Korem 042/Garuda Putih)")


def test_force_balance_counts_command_and_pawas() -> None:
    rows = {b.code: b for b in plan_docs.force_balance(small_plan(), SCENARIO)}
    kerinci = rows[KERINCI]
    assert (kerinci.command, kerinci.supervising, kerinci.at_tps, kerinci.reserve) == (3, 1, 6, 3)
    assert (rows[POOL].command, rows[POOL].reserve) == (1, 2)
    for b in rows.values():
        assert b.available + b.bko_in - b.lent == (b.command + b.supervising + b.duties
                                                   + b.at_tps + b.reserve)


# --- the annex: the Sprin's lampiran, XLSX and PDF ------------------------------------------

ANNEX_COLUMNS = ["No", "Nama", "Pangkat", "NRP", "Kesatuan", "Tugas", "Desa/Kelurahan",
                 "Kecamatan", "TPS", "Kerawanan", "Pola", "Linmas", "No. HP", "Keterangan"]
STEMS = ("polres_kerinci", "polres_merangin", "polda")


def _officer_sheets(out: Path, stem: str) -> dict[str, list[tuple[object, ...]]]:
    """The sheets of a workbook that list the officers it plots (the annex's pages)."""
    return {name: rows for name, rows in _workbook(out / f"plotting_{stem}.xlsx").items()
            if name not in plan_docs.NON_PLOTTING_SHEETS}


def test_the_annex_has_the_sprin_columns_in_that_order(out: Path) -> None:
    sheets = _officer_sheets(out, "polres_kerinci")
    polsek = [name for name in sheets if name.startswith("Polsek ")]
    assert polsek == ["Polsek Gunung Raya", "Polsek Danau Kerinci"]
    for name in polsek:
        rows = sheets[name]
        assert list(rows[_header_row(rows)]) == ANNEX_COLUMNS, name
    others = [plan_docs.COMMAND_SHEET, plan_docs.PAWAS_SHEET, plan_docs.DUTY_SHEET,
              plan_docs.RESERVE_SHEET]
    assert set(sheets) == {*polsek, *others}
    for stem in STEMS:
        for rows in _officer_sheets(out, stem).values():
            header = list(rows[_header_row(rows)])
            assert header[:6] == ANNEX_COLUMNS[:6] and header[-2:] == ["No. HP", "Keterangan"]


def test_every_officer_with_a_phone_has_it_in_no_hp(out: Path) -> None:
    phones: dict[str, object] = {}
    for stem in STEMS:
        for rows in _officer_sheets(out, stem).values():
            phones.update((str(r["NRP"]), r["No. HP"]) for r in _records(rows) if r["NRP"])
    assert set(phones) == {a.nrp for a in small_plan().assignments}
    officers = {o.nrp: o for o in SCENARIO.officers}
    assert all(officers[nrp].phone for nrp in phones)  # the province gives every one a phone
    assert {nrp: officers[nrp].phone for nrp in phones} == phones


def _blocks(rows: list[tuple[object, ...]]) -> tuple[list[object], list[object], int]:
    """An annex sheet's non-empty cells above its table, below it, and the number of blank
    rows between the table's last row and the signature block."""
    at = _header_row(rows)
    end = at + 1 + len(_records(rows))
    gap = next(i for i, r in enumerate(rows[end:]) if any(v is not None for v in r))
    return ([v for r in rows[:at] for v in r if v is not None],
            [v for r in rows[end:] for v in r if v is not None], gap)


def test_each_polsek_sheet_carries_the_sprin_header_and_signature(out: Path) -> None:
    ix = PlanView(small_plan(), SCENARIO)
    h = heading(ix, KERINCI)
    assert h.annex_title == "LAMPIRAN SURAT PERINTAH KAPOLRES KERINCI"
    assert h.defaulted  # the small province sets no [operation]: the warning shows
    book = load_workbook(out / "plotting_polres_kerinci.xlsx")
    for name in ("Polsek Gunung Raya", "Polsek Danau Kerinci"):
        sheet = book[name]
        rows = list(sheet.iter_rows(values_only=True))
        above, below, gap = _blocks(rows)
        assert above[:2] == ["RAHASIA", "KEPOLISIAN NEGARA REPUBLIK INDONESIA"]
        for line in (*h.kop, h.annex_title, f"DAFTAR PLOTTING PERSONEL PAM TPS {name.upper()}",
                     "OPERASI MANTAP PRAJA 2024 — PEMUNGUTAN SUARA 27 NOVEMBER 2024",
                     h.warning):
            assert line in above, line
        reference = next(str(v) for v in above if str(v).startswith("NOMOR : "))
        assert reference == f"NOMOR : {h.number}    TANGGAL : 20 November 2024"
        warning = next(c for r in sheet.iter_rows() for c in r if c.value == h.warning)
        assert warning.fill.fgColor.rgb.endswith("FFEB9C")  # a highlighted row
        assert gap == 2
        assert below == ["Dikeluarkan di : Kerinci", "Pada tanggal : 20 November 2024",
                         "KEPALA KEPOLISIAN RESOR KERINCI", "JARWADI ISWAHYUDI",
                         f"AKBP NRP {KAPOLRES.nrp}"]
        signed = next(c for r in sheet.iter_rows() for c in r if c.value == "JARWADI ISWAHYUDI")
        assert signed.font.bold and signed.font.underline == "single"
        assert signed.column > len(ANNEX_COLUMNS) // 2  # the block sits right of the page
        header = _header_row(rows) + 1  # 1-based
        assert sheet.freeze_panes == f"A{header + 1}"
        assert sheet.print_title_rows == f"${header}:${header}"
        assert sheet.print_area.endswith(f"!$A$1:$N${len(rows)}")
        assert sheet.auto_filter.ref == f"A{header}:N{header + len(_records(rows))}"
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
        assert all(c.font.bold for c in sheet[header])


def _ordered(tmp_path: Path) -> Scenario:
    """The small province with its orders given: number, date, place and signatory."""
    order = UnitOrder(number="Sprin/1234/XI/PAM.3.3./2024", place="Sungai Penuh",
                      signatory=Signatory("KEPALA KEPOLISIAN RESOR KERINCI", "JARWADI ISWAHYUDI",
                                          "AKBP", KAPOLRES.nrp))
    operation = OperationSettings(
        name="Operasi Mantap Praja Siginjai 2024", issued=dt.date(2024, 11, 18),
        start=dt.date(2024, 11, 24), end=dt.date(2024, 11, 30), classification="TERBATAS",
        considerations=("Bahwa perlu.",), bases=("Undang-Undang Nomor 2 Tahun 2002.",),
        copies_to=("Kapolda",),
        units={KERINCI: order, "polda.15": UnitOrder(number="Sprin/9/XI/PAM.3.3./2024")})
    return dataclasses.replace(SCENARIO, operation=operation)


def test_an_order_the_scenario_numbers_and_signs_shows_no_warning(tmp_path: Path) -> None:
    scenario = _ordered(tmp_path)
    plan_docs.write_plotting_workbooks(small_plan(), scenario, tmp_path)
    plan_docs.write_annex_pdf(small_plan(), scenario, tmp_path)
    rows = _workbook(tmp_path / "plotting_polres_kerinci.xlsx")["Polsek Gunung Raya"]
    above, below, _ = _blocks(rows)
    assert above[0] == "TERBATAS" and not any("Isian bawaan" in str(v) for v in above)
    assert ("NOMOR : Sprin/1234/XI/PAM.3.3./2024    TANGGAL : 18 November 2024") in above
    assert "OPERASI MANTAP PRAJA SIGINJAI 2024 — PEMUNGUTAN SUARA 27 NOVEMBER 2024" in above
    assert below[:2] == ["Dikeluarkan di : Sungai Penuh", "Pada tanggal : 18 November 2024"]
    text = "\n".join(pdf_pages(tmp_path / "lampiran_polres_kerinci.pdf"))
    assert "NOMOR : Sprin/1234/XI/PAM.3.3./2024" in text and "Isian bawaan" not in text
    assert "Dikeluarkan di : Sungai Penuh" in text and "TERBATAS" in text


def test_the_annex_pdf_lists_each_officer_of_its_unit_and_is_signed(out: Path) -> None:
    plan = small_plan()
    ix = PlanView(plan, SCENARIO)
    stems = plan_docs.file_stems(ix)
    owner_of = {a.nrp: ix.owner_of_target(a) for a in plan.assignments}
    for owner in ix.owners():
        path = out / f"lampiran_{stems[owner]}.pdf"
        data = path.read_bytes()
        assert data.startswith(b"%PDF") and b"/MediaBox [ 0 0 841.8898 595.2756 ]" in data
        text = "\n".join(pdf_pages(path))
        h = heading(ix, owner)
        for nrp, at in owner_of.items():
            o = ix.officers[nrp]
            assert (o.nrp in text) == (at == owner), (path.name, o.name)
            if at == owner:
                assert o.name in text and (o.phone or "—") in text, (path.name, o.name)
        for line in (*h.kop, h.annex_title, f"NOMOR : {h.number}",
                     f"TANGGAL : {h.issued_text}", f"Dikeluarkan di : {h.place}",
                     f"Pada tanggal : {h.issued_text}", h.signatory.position,
                     h.signatory.name, f"{h.signatory.rank} NRP {h.signatory.nrp}".strip(),
                     "Hal. 1/", f"{h.classification} · Lampiran Surat Perintah Nomor"):
            assert line in text, (path.name, line)
    kerinci = "\n".join(pdf_pages(out / "lampiran_polres_kerinci.pdf"))
    # the Polsek first, then the other lists; the signature after the last of them
    order = [kerinci.index(t) for t in (
        "DAFTAR PLOTTING PERSONEL PAM TPS POLSEK GUNUNG RAYA",
        "DAFTAR PLOTTING PERSONEL PAM TPS POLSEK DANAU KERINCI",
        "DAFTAR PERSONEL KOMANDO DAN STAF", "DAFTAR PERWIRA PENGAWAS (PAWAS) PAM TPS",
        "DAFTAR PERSONEL CADANGAN", "JARWADI ISWAHYUDI")]
    assert order == sorted(order)
    assert "Pos 15.01.01-SR-001; dipimpin" in kerinci  # the rows are the workbook's
    assert "AKBP NRP 72043404" in kerinci


def test_another_provinces_annex_says_nothing_of_jambi(tmp_path: Path) -> None:
    scenario, plan = elsewhere()
    paths = [*plan_docs.write_plotting_workbooks(plan, scenario, tmp_path),
             *plan_docs.write_annex_pdf(plan, scenario, tmp_path)]
    assert {p.name for p in paths} >= {"plotting_polres_gowa.xlsx", "lampiran_polres_gowa.pdf"}
    for path in paths:
        if path.suffix == ".xlsx":
            text = "\n".join(str(v) for name, rows in _officer_sheets(tmp_path, path.stem[9:])
                             .items() for r in rows for v in r if v is not None)
        else:
            text = "\n".join(pdf_pages(path))
        assert "LAMPIRAN SURAT PERINTAH KAPOL" in text, path.name
        for word in ("Jambi", "JAMBI", "Kerinci", "KERINCI", "Merangin", "Garuda"):
            assert word not in text, (path.name, word)
    gowa = "\n".join(pdf_pages(tmp_path / "lampiran_polres_gowa.pdf"))
    assert "DAERAH SULAWESI SELATAN" in gowa and "LAMPIRAN SURAT PERINTAH KAPOLRES GOWA" in gowa


# --- the cards ------------------------------------------------------------------------------

#: A card begins by drawing its band (the officer's or the team's), so a sheet's page splits
#: into its eight cards at these.
CARD = re.compile(r"/FormXob\.(officer|team) Do")
PAGE = re.compile(rb"/Type\s*/Page(?!s)")


def _sheets(path: Path) -> list[list[tuple[str, str]]]:
    """A card file's pages, each as its cards: (the band, "officer" or "team"; the text)."""
    pages = []
    for stream in pdf_pages(path):
        parts = CARD.split(stream)
        if len(parts) > 1:
            pages.append(list(zip(parts[1::2], parts[2::2], strict=True)))
    return pages


def _file(stem: str, *, a6: bool = False) -> str:
    return f"kartu_a6_{stem}.pdf" if a6 else f"kartu_{stem}.pdf"


def _cards(out: Path, stem: str, *, a6: bool = False) -> list[tuple[str, str]]:
    return [card for page in _sheets(out / _file(stem, a6=a6)) for card in page]


def _said(card: str) -> str:
    """A card's drawn strings joined by spaces, in drawing order: a value wrapped over two
    lines reads whole."""
    return " ".join(re.findall(r"\((.*?)\) Tj", card))


def _owner_nrp(card: str) -> str | None:
    """Whose card it is: the first NRP on it (a partner's comes later)."""
    found = re.search(r"NRP (\d{8})", card)
    return found.group(1) if found else None


def _card_of(out: Path, stem: str, nrp: str, *, a6: bool = False) -> str:
    found = [text for band, text in _cards(out, stem, a6=a6)
             if band == "officer" and _owner_nrp(text) == nrp]
    assert len(found) == 1, f"one card for NRP {nrp}"
    return found[0]


def _team_card(out: Path, stem: str, call_sign: str, *, a6: bool = False) -> str:
    found = [text for band, text in _cards(out, stem, a6=a6)
             if band == "team" and f"({call_sign}) Tj" in text]
    assert len(found) == 1, f"one card for team {call_sign}"
    return found[0]


def test_card_sheets_hold_eight_cards_a_page(out: Path) -> None:
    """A unit's cards: one per officer it plots (a Danton's is his team's card), and one
    for a team the plan left without a Danton; the sheet file has ceil(cards / 8) pages of
    eight (the last holds the rest), the A6 file a page a card. Where every team has its
    Danton (Kerinci, Merangin) that is ceil(officers / 8)."""
    ix = PlanView(small_plan(), SCENARIO)
    stems = plan_docs.file_stems(ix)
    expected = {"polres_kerinci": 13, "polres_merangin": 2, "polda": 3 + 1}
    for owner in ix.owners():
        count = (sum(ix.owner_of_target(a) == owner for a in ix.plan.assignments)
                 + sum(t.owner_code == owner and not t.leader_nrp for t in ix.plan.reserves))
        assert count == expected[stems[owner]]
        sheet = out / _file(stems[owner])
        pages = _sheets(sheet)
        assert len(PAGE.findall(sheet.read_bytes())) == len(pages) == math.ceil(count / 8)
        assert [len(p) for p in pages] == [8] * (len(pages) - 1) + [count - 8 * len(pages) + 8]
        a6 = out / _file(stems[owner], a6=True)
        assert len(PAGE.findall(a6.read_bytes())) == count
        assert [len(p) for p in _sheets(a6)] == [1] * count
    assert [len(p) for p in _sheets(out / "kartu_polres_kerinci.pdf")] == [8, 5]


def test_cards_follow_the_sprin_order_a_dantons_card_his_teams(out: Path) -> None:
    """Card for card the Sprin's order; a Danton's card is his team's, where his own would
    stand; a team without a Danton has its card before its officers'."""
    ix = PlanView(small_plan(), SCENARIO)
    cv = CommandView(ix)
    stems = plan_docs.file_stems(ix)
    for owner in ix.owners():
        for a6 in (False, True):
            holders = [_owner_nrp(text) if band == "officer" else f"team:{_owner_nrp(text)}"
                       for band, text in _cards(out, stems[owner], a6=a6)]
            leaders = {t.leader_nrp for t in ix.plan.reserves}
            expected = [f"team:{a.nrp}" if a.nrp in leaders else a.nrp
                        for a in cv.ordered(owner)]
            if owner == POOL:  # the Brimob team has no Danton: its card first
                expected.insert(expected.index(BRIMOB[0].nrp), "team:None")
            assert holders == expected
    kerinci = _cards(out, "polres_kerinci")
    at = [band for band, _ in kerinci].index("team")
    assert "(Dalmas Kerinci 1) Tj" in kerinci[at][1]
    assert _owner_nrp(kerinci[at][1]) == DANTON.nrp  # the Danton's card
    assert _owner_nrp(kerinci[at + 1][1]) == DALMAS[0].nrp  # then his members'


def test_a_guard_card_names_his_tps_partner_pawas_polsek_and_posko(out: Path) -> None:
    for a6 in (False, True):
        card = _said(_card_of(out, "polres_kerinci", GUARDS[0].nrp, a6=a6))
        for text in ("Andi Saputra", "Bripka / NRP 85039782 \xb7 HP 081300000001",
                     "Penjaga TPS", "15.01.01-SR-001", "TPS 001 Desa Selam Paung, Kec. Gunung Raya",
                     "Briptu Budi Harahap \xb7 NRP 90011111 \xb7 081300000002",
                     "Ipda Hasta Wibowo \xb7 085718285072", "AKP Edison Sirait \xb7 081180281150",
                     "Polsek Gunung Raya \xb7 081266001001",
                     "Posko Polres Kerinci \xb7 074821000", "CCTV 1", "-2.060000, 101.300000",
                     "Apel 06.00 WIB"):
            assert text in card, (a6, text)
    other = _card_of(out, "polres_kerinci", GUARDS[4].nrp)  # Danau Kerinci: no Kapolsek
    assert "dikendalikan Polres" in other and "belum ada Pawas" in other
    assert "Polsek Danau Kerinci \xb7 081266001002" in other
    two = _card_of(out, "polres_kerinci", GUARDS[2].nrp)  # a post over two desa
    assert "TPS 002 Desa Selam Paung; TPS 001 Kel. Lempur Tengah, Kec. Gunung Raya" in two


def test_a_pawas_card_lists_his_posts(out: Path) -> None:
    card = _card_of(out, "polres_kerinci", PAWAS.nrp)
    assert "Klaster 1 Kec. Gunung Raya" in card and "AKP Edison Sirait" in card
    assert "15.01.01-SR-001: TPS 001 Desa Selam Paung" in card
    assert "15.01.01-KRB-001" in card and "Lempur Tengah" in card
    assert "POS YANG DIAWASI (2)" in card
    assert "Polsek Gunung Raya \xb7 081266001001" in card
    assert "Posko Polres Kerinci \xb7 074821000" in card


def test_a_reserve_card_names_call_sign_and_danton(out: Path) -> None:
    member = _card_of(out, "polres_kerinci", DALMAS[0].nrp)
    assert "Dalmas Kerinci 1" in member
    assert "Ipda Banawi Mandala \xb7 081329265534" in member
    assert "Posko Polres Kerinci \xb7 074821000" in member
    assert "belum ada Danton" in _card_of(out, "polda", BRIMOB[0].nrp)
    with pytest.raises(AssertionError, match="one card"):  # his card is the team's
        _card_of(out, "polres_kerinci", DANTON.nrp)


def test_a_danton_has_a_card_of_his_team_with_its_members(out: Path) -> None:
    for a6 in (False, True):
        card = _team_card(out, "polres_kerinci", "Dalmas Kerinci 1", a6=a6)
        said = _said(card)
        for text in ("Peleton Dalmas Samapta \xb7 3 personel",
                     "Polsek Gunung Raya \xb7 -2.054000, 101.304000",
                     "Ipda Banawi Mandala \xb7 NRP 79087138 \xb7 081329265534",
                     "Posko Polres Kerinci \xb7 074821000", "ANGGOTA TIM (2)",
                     "(Bripda Irfan Hakim \xb7 081300000009) Tj",
                     "(Bripda Joko Susilo \xb7 081300000010) Tj"):
            assert text in (card if text.endswith(" Tj") else said), (a6, text)
        assert "(Ipda Banawi Mandala \xb7 081329265534) Tj" not in card  # he leads the list
    sheet = _team_card(out, "polres_kerinci", "Dalmas Kerinci 1")
    assert "atas perintah AKBP Jarwadi Iswahyudi (Kaopsres) lewat Posko" in sheet
    brimob = _team_card(out, "polda", BRIMOB_TEAM.call_sign)
    assert "belum ada Danton" in brimob and "ANGGOTA TIM (2)" in brimob
    assert "(Briptu Kurnia Adi \xb7 081300000011) Tj" in brimob
    assert "Posko Polda Jambi" in brimob and "Caket Tampubolon (Kaops)" in brimob


def test_a_kapolsek_card_gives_his_kecamatan_and_its_pawas(out: Path) -> None:
    card = _card_of(out, "polres_kerinci", KAPOLSEK.nrp)
    assert "Kasubsatgas Pam TPS Kec. Gunung Raya" in card
    assert "2 pos, 3 TPS" in card and "Ipda Hasta Wibowo" in card
    assert "Polsek Gunung Raya \xb7 081266001001" in card


def test_every_officer_has_one_card_in_each_file(out: Path) -> None:
    for a6 in (False, True):
        nrps = [nrp for stem in ("polres_kerinci", "polres_merangin", "polda")
                for _, text in _cards(out, stem, a6=a6) if (nrp := _owner_nrp(text))]
        # every officer once: a guard on his card, a Danton on his team's
        assert sorted(nrps) == sorted(a.nrp for a in small_plan().assignments)


def test_every_card_fits_its_box() -> None:
    """Laid out for the sheet and for A6, no line of any card passes the footer or the right
    edge, and nothing is cut, shortened or left out: this plan's values all fit."""
    ix = PlanView(small_plan(), SCENARIO)
    for layout in (cards.SHEET_CARD, cards.A6_CARD):
        for owner in ix.owners():
            for card in cards.deck(ix, owner):
                placed = cards.lay_out(card, layout)
                assert (placed.dropped, placed.left_out, placed.shortened, placed.spared) == (
                    0, 0, 0, 0)
                assert placed.lowest >= layout.bottom
                for _, font, size, line in placed.values:
                    assert cards.stringWidth(line, font, size) <= layout.value_width, line


# --- the summary ----------------------------------------------------------------------------


def _cells(html: str, title: str, nth: int = 0) -> list[list[str]]:
    """The rows of the ``nth`` table of section ``title`` (an h2 or h3, up to the next
    heading), as cell texts."""
    heading = re.search(rf"<h[23]>{re.escape(title)}</h[23]>", html)
    assert heading, title
    part = html[heading.end():]
    part = part[:m.start()] if (m := re.search(r"<h[123]>", part)) else part
    table = part.split("<table")[nth + 1]
    table = table[:table.index("</table>")]
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>",
                                                                          table)][1:]


def _body(html: str) -> str:
    """The signed part of the summary: everything before its technical annex."""
    return html[:html.lower().index("lampiran teknis")]


def test_summary_counts_command_pawas_guards_and_teams(out: Path) -> None:
    html = (out / "rencana_pengamanan.html").read_text(encoding="utf-8")
    body = _body(html)
    roles = {r[0]: r[1] for r in _cells(body, "3.1 Polri", 1)}
    assert roles["Komando dan staf (Kaops, Wakaops, staf Posko, Kapolsek)"] == "4"
    assert roles["Perwira pengawas (Pawas) atas klaster pos"] == "1"
    assert roles["Penjaga TPS (bintara dan tamtama, berpasangan)"] == "8"
    assert roles["Jumlah"] == "18"
    force = {r[0]: r[1:] for r in _cells(body, "3.1 Polri")}
    # TPS, posts, own, BKO, command, Pawas, duties, at TPS, reserve, short
    assert force["Polres Kerinci"] == ["4", "3", "13", "0", "3", "1", "0", "6", "3", "0"]
    assert force["Polda Jambi"][4] == "1" and force["Polda Jambi"][8] == "2"
    command = {r[0]: r[1:] for r in _cells(body, "7.1 Susunan komando")}
    assert command["Polres Kerinci"] == [
        "AKBP Jarwadi Iswahyudi (Kapolres Kerinci)", "—", "074821000", "1 dari 2 kecamatan",
        "1 dari 2", "Dalmas Kerinci 1"]
    assert command["Polres Merangin"][2:4] == ["074621111", "0 dari 1 kecamatan"]
    assert "Kaops Operasi Mantap Praja 2024: Irjen Caket Tampubolon (Kapolda Jambi)" in body
    assert "Kec. Danau Kerinci (Polres Kerinci) dan Kec. Bangko (Polres Merangin)" in body
    assert "TPS → Polsek → Polres → Polda" in body
    teams = {r[0]: r for r in _cells(body, "5. Cadangan")}
    assert teams["Dalmas Kerinci 1"][1:5] == ["Peleton Dalmas Samapta", "Polres Kerinci",
                                              "Ipda Banawi Mandala", "Polsek Gunung Raya"]
    assert teams["Brimob Polda 1"][3] == "belum ada Danton"
    assert "1 dari 2 tim dipimpin Danton" in body
    # the reach in words: the Dalmas team is nearest to both rawan TPS; the one in Danau
    # Kerinci (22 km off) is beyond 30 minutes
    assert ("Dalmas Kerinci 1, siaga di Polsek Gunung Raya: tim terdekat bagi 2 TPS rawan dan "
            "sangat rawan, 1 di antaranya dapat dicapai dalam 30 menit") in body
    assert "Brimob Polda 1, siaga di Polda Jambi: bukan tim terdekat" in body
    # no p95 in the plan: the annex says so, rather than a crash on the missing figure
    assert "Tidak ada TPS rawan atau sangat rawan yang harus dijangkau" in html[len(body):]


def test_summary_tni_linmas_shortfalls_equipment_and_inferred(out: Path) -> None:
    html = (out / "rencana_pengamanan.html").read_text(encoding="utf-8")
    body = _body(html)
    tni = _cells(body, "6.1 TNI per Kodim")
    assert tni == [["Kodim 0417/Kerinci", "2", "1", "4", "5", "1"],
                   ["Kodim 0420/Sarko", "0", "1", "4", "100", "0"],
                   ["Jumlah (Korem 042/Garuda Putih)", "2", "2", "8", "108", "0"]]
    assert "1 pos statis di TPS sangat rawan dan 2 tim mobile per kecamatan" in body
    assert _cells(body, "6.2 Linmas") == [["Polres Kerinci", "1", "4", "1", "3"],
                                          ["Polres Merangin", "1", "2", "0", "2"]]
    assert ("2 desa/kelurahan kekurangan Linmas, jumlah 5 orang; terbanyak di Kel. Lempur "
            "Tengah (kurang 3) dan Desa Pasar Atas (kurang 2)") in body
    given_up = body[body.index("<h2>8. Kekurangan</h2>"):]
    items = re.findall(r"<li>(.*?)</li>", given_up[:given_up.index("</ol>")])
    assert items == [f"{x.text_id}; BKO {x.bko} personel memulihkannya." for x in SHORTFALLS]
    assert "BKO 7 personel akan memulihkan semuanya" in given_up
    assert "Perlengkapan pos: HT (radio) 3 di 2 pos dan CCTV 1 di 1 pos." in body
    assert f"<li>{INFERRED[0]}</li>" in html[len(body):]  # how roles were read: the annex
    pdf = (out / "rencana_pengamanan.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    text = "".join(pdf_pages(out / "rencana_pengamanan.pdf"))
    for expected in ("Kodim 0417/Kerinci", "Dalmas Kerinci 1", "Banawi",  # (a cell wraps)
                     "Catatan penetapan peran", "074821000"):
        assert expected in text, expected


def test_geo_files_carry_pawas_equipment_call_signs_and_tni(out: Path) -> None:
    features = json.loads((out / "rencana.geojson").read_text(encoding="utf-8"))["features"]
    props = {(f["properties"]["jenis"], f["properties"].get("post_id")
              or f["properties"].get("team_id")): f["properties"] for f in features}
    p1 = props[("pos", P1.post_id)]
    assert (p1["pawas"], p1["kapolsek"], p1["perlengkapan"]) == (
        "Ipda Hasta Wibowo", "AKP Edison Sirait", {"cctv": 1, "radio": 2})
    team = props[("cadangan", DALMAS_TEAM.team_id)]
    assert (team["sandi"], team["danton"]) == ("Dalmas Kerinci 1", "Ipda Banawi Mandala")
    tni = [p for (kind, _), p in props.items() if kind == "tni"]
    assert sorted((p["kodim"], p["sasaran"]) for p in tni) == [
        ("Kodim 0417/Kerinci", "Kec. Danau Kerinci"),
        ("Kodim 0417/Kerinci", "TPS 001 Desa Selam Paung"),
        ("Kodim 0420/Sarko", "Kec. Bangko")]


# --- the command line -------------------------------------------------------------------------


@pytest.fixture
def small_db(db: Database, db_url: str, tmp_path: Path) -> str:
    """The small province loaded into this test's database; its URL."""
    folder = tmp_path / "kecil"
    write_scenario(SCENARIO, folder)
    scenarios.load_scenario(db=db, folder=folder)
    return db_url


def test_plan_run_and_update_print_the_command_plan(small_db: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """``plan run`` and ``plan update`` print command, Pawas and team counts per owner, the
    TNI total and Linmas, what was given up in order, and a p95 of "n/a" where no rawan TPS
    needs a team (``p95 before -> after`` on an update)."""
    monkeypatch.setattr(planning, "run_plan", lambda **_: planning.PlanOutcome(7, small_plan()))
    monkeypatch.setattr(planning, "replan", lambda **_: planning.PlanOutcome(
        8, small_plan(p95=12.5), p95_before=None))
    runner = CliRunner()
    ran = runner.invoke(app, ["--db", small_db, "plan", "run"], env={"COLUMNS": "160"})
    assert ran.exit_code == 0, ran.output
    lines = ran.output.splitlines()
    header = next(line for line in lines if "Komando" in line)
    assert re.findall(r"\w+", header) == ["Polres", "TPS", "Pos", "Komando", "Pawas", "Di",
                                           "TPS", "BKO", "Tugas", "Cadangan", "Tim"]

    def numbers(name: str) -> list[str]:
        row = next(line for line in lines if name in line)
        return re.findall(r"\d[\d,]*", row.replace(name, ""))

    # TPS covered, posts, command, Pawas, at TPS, BKO, duties, reserve, teams
    assert numbers("Polres Kerinci") == ["4", "3", "3", "1", "6", "0", "0", "3", "1"]
    assert numbers("Polda (pool)") == ["0", "0", "1", "0", "0", "0", "0", "2", "1"]
    assert numbers("Jumlah") == ["5", "4", "4", "1", "8", "0", "0", "5", "2"]
    text = " ".join(ran.output.split())
    assert "reserve p95 n/a to rawan" in text
    assert "TNI: 2 at 1 sangat rawan TPS, 2 mobile teams (8) of 108" in text
    assert "Kodim 0417/Kerinci short 1" in text
    assert "Linmas: 2 desa short of 5 Linmas" in text
    given = [text.index(f"{x.order}. {x.text_id}") for x in SHORTFALLS]
    assert given == sorted(given)
    updated = runner.invoke(app, ["--db", small_db, "plan", "update"], env={"COLUMNS": "160"})
    assert updated.exit_code == 0, updated.output
    assert "reserve p95 n/a -> 12.5 min" in " ".join(updated.output.split())
