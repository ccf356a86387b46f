"""The command plan in the documents: command and staff (each Kapolsek as Kasubsatgas Pam TPS
of his kecamatan), the Pawas over clusters of posts, guards with their Pawas and equipment,
reserve teams with call sign and Danton, TNI per Kodim, Linmas and force shortfalls in the
order the plan gave them up; in the plotting workbooks, the cards, the summary and the
command line's table. A small hand-made province and plan, so every expected value is known."""

from __future__ import annotations

import base64
import json
import re
import zlib
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from pollguard.cli.main import app
from pollguard.domain.command import POOL
from pollguard.reports import plan_docs
from pollguard.scenario.folder import write_scenario
from pollguard.services import planning, scenarios
from pollguard.store.database import Database
from small_plan import (
    BRIMOB,
    CLUSTER_A1,
    CLUSTER_A2,
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
    small_plan,
)


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("command_docs")
    plan_docs.write_all(small_plan(), SCENARIO, folder)
    return folder


def _sheets(path: Path) -> dict[str, list[tuple[object, ...]]]:
    book = load_workbook(path, read_only=True)
    try:
        return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}
    finally:
        book.close()


def _records(rows: list[tuple[object, ...]]) -> list[dict[str, object]]:
    """A table sheet's rows as header -> value."""
    header = [str(h) for h in rows[0]]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def _section(rows: list[tuple[object, ...]], title: str) -> list[tuple[object, ...]]:
    """The rows of one summary section: after its header row, up to the blank row."""
    start = next(i for i, r in enumerate(rows) if r[0] == title)
    body = []
    for r in rows[start + 1:]:
        if all(v is None for v in r):
            break
        body.append(r)
    return body


def _pages(path: Path) -> list[str]:
    """The text streams of a reportlab PDF, decompressed (one per card page, plus the shared
    header form), with string escapes undone (``\\267`` is WinAnsi's middle dot)."""
    data = path.read_bytes()
    out = []
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        raw = m.group(1)
        if raw.rstrip().endswith(b"~>"):  # ASCII85 around the deflated stream
            raw = base64.a85decode(raw.rstrip()[:-2])
        try:
            text = zlib.decompressobj().decompress(raw).decode("latin-1")
        except zlib.error:
            continue
        text = re.sub(r"\\([0-7]{3})", lambda o: chr(int(o.group(1), 8)), text)
        out.append(re.sub(r"\\([()\\])", r"\1", text))
    return out


# --- the plotting workbook ------------------------------------------------------------------


def test_komando_sheet_lists_command_and_staff_with_each_kapolsek(out: Path) -> None:
    books = _sheets(out / "plotting_polres_kerinci.xlsx")
    rows = _records(books[plan_docs.COMMAND_SHEET])
    assert [r["NRP"] for r in rows] == [KAPOLRES.nrp, KABAG.nrp, KAPOLSEK.nrp]
    kaops, kabag, kapolsek = rows
    assert (kaops["Nama"], kaops["Pangkat"], kaops["Jabatan dalam operasi"],
            kaops["Telepon"], kaops["Kedudukan"]) == (
        "Jarwadi Iswahyudi", "AKBP", "Kaopsres", "082252354460", "Posko Polres Kerinci")
    assert kabag["Jabatan dalam operasi"] == "Kabag Ops"
    assert kapolsek["Jabatan dalam operasi"] == "Kasubsatgas Pam TPS Kec. Gunung Raya"
    assert (kapolsek["Pangkat"], kapolsek["Telepon"], kapolsek["Jabatan dinas"],
            kapolsek["Kedudukan"]) == ("AKP", "081180281150", "Kapolsek Gunung Raya",
                                       "Polsek Gunung Raya")
    assert (kapolsek["Pos dikendalikan"], kapolsek["TPS dikendalikan"]) == (2, 3)
    # the Polda's Kaops is the Polda's, not the Polres's
    polda = _records(_sheets(out / "plotting_polda.xlsx")[plan_docs.COMMAND_SHEET])
    assert [(r["NRP"], r["Jabatan dalam operasi"]) for r in polda] == [(KAPOLDA.nrp, "Kaops")]


def test_each_post_row_names_its_pawas_equipment_and_position(out: Path) -> None:
    books = _sheets(out / "plotting_polres_kerinci.xlsx")
    guards = {r["NRP"]: r for name in ("Polsek Gunung Raya", "Polsek Danau Kerinci")
              for r in _records(books[name])}
    assert set(guards) == {g.nrp for g in GUARDS[:6]}
    at_p1 = guards[GUARDS[0].nrp]
    assert (at_p1["Pawas"], at_p1["Telp Pawas"]) == ("Ipda Hasta Wibowo", "085718285072")
    assert at_p1["Perlengkapan"] == "CCTV 1, HT (radio) 2"
    assert (at_p1["Jabatan dalam operasi"], at_p1["Telepon"]) == ("Penjaga TPS", "081300000001")
    assert guards[GUARDS[2].nrp]["Perlengkapan"] == "HT (radio) 1"
    at_p3 = guards[GUARDS[4].nrp]
    assert at_p3["Pawas"] == "belum ada Pawas (kekurangan)" and at_p3["Perlengkapan"] == "—"


def test_pawas_sheet_has_each_cluster_its_officer_and_its_posts_by_name(out: Path) -> None:
    rows = _records(_sheets(out / "plotting_polres_kerinci.xlsx")[plan_docs.PAWAS_SHEET])
    assert [r["Klaster"] for r in rows] == [CLUSTER_A1.cluster_id, CLUSTER_A2.cluster_id]
    a1, a2 = rows
    assert (a1["Nama"], a1["Pangkat"], a1["NRP"], a1["Telepon"]) == (
        "Hasta Wibowo", "Ipda", PAWAS.nrp, "085718285072")
    assert (a1["Kapolsek"], a1["Telp Kapolsek"]) == ("AKP Edison Sirait", "081180281150")
    assert (a1["Jumlah pos"], a1["Jumlah TPS"]) == (2, 3)
    assert a1["Pos dan TPS yang diawasi"] == (
        "15.01.01-SR-001: TPS 001 Desa Selam Paung\n"
        "15.01.01-KRB-001: TPS 002 Desa Selam Paung; TPS 001 Kel. Lempur Tengah")
    assert a2["NRP"] is None and a2["Nama"] == "— (belum ada Pawas)"
    assert a2["Kapolsek"] == "—"  # Danau Kerinci has none: the Polres commands its posts


def test_reserve_sheet_names_team_call_sign_kind_and_danton(out: Path) -> None:
    rows = _records(_sheets(out / "plotting_polres_kerinci.xlsx")[plan_docs.RESERVE_SHEET])
    assert [r["NRP"] for r in rows] == [DANTON.nrp, DALMAS[0].nrp, DALMAS[1].nrp]
    assert {(r["Tim (sandi panggilan)"], r["Jenis"], r["Danton"], r["Telp Danton"])
            for r in rows} == {("Dalmas Kerinci 1", "Peleton Dalmas Samapta",
                                "Ipda Banawi Mandala", "081329265534")}
    assert [r["Jabatan dalam operasi"] for r in rows] == ["Danton", "Anggota Dalmas",
                                                          "Anggota Dalmas"]
    summary = _sheets(out / "plotting_polres_kerinci.xlsx")[plan_docs.SUMMARY_SHEET]
    assert _section(summary, "Tim cadangan (sandi panggilan)") == [
        ("Dalmas Kerinci 1", "Peleton Dalmas Samapta", 3, "Banawi Mandala", "Ipda",
         "081329265534", "Polsek Gunung Raya")]
    pool = _records(_sheets(out / "plotting_polda.xlsx")[plan_docs.RESERVE_SHEET])
    assert {(r["Tim (sandi panggilan)"], r["Danton"]) for r in pool} == {
        ("Brimob Polda 1", "belum ada Danton")}


def test_tni_linmas_and_shortfalls_are_the_polres_own(out: Path) -> None:
    books = _sheets(out / "plotting_polres_kerinci.xlsx")
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
    polda = _sheets(out / "plotting_polda.xlsx")
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


# --- the cards ------------------------------------------------------------------------------


def _owner_nrp(page: str) -> str | None:
    """Whose card a page is: the first NRP on it (a partner's comes later)."""
    found = re.search(r"NRP (\d{8})", page)
    return found.group(1) if found else None


def _card_of(out: Path, stem: str, nrp: str) -> str:
    pages = [p for p in _pages(out / f"kartu_{stem}.pdf") if _owner_nrp(p) == nrp]
    assert len(pages) == 1, f"one card for NRP {nrp}"
    return pages[0]


def test_a_guard_card_names_his_pawas_and_kapolsek_with_phones(out: Path) -> None:
    card = _card_of(out, "polres_kerinci", GUARDS[0].nrp)
    assert "Ipda Hasta Wibowo \xb7 085718285072" in card
    assert "AKP Edison Sirait \xb7 081180281150" in card
    assert "TPS 001 Desa Selam Paung" in card and "CCTV 1" in card
    other = _card_of(out, "polres_kerinci", GUARDS[4].nrp)  # Danau Kerinci: no Kapolsek
    assert "dikendalikan Polres" in other and "belum ada Pawas" in other


def test_a_pawas_card_lists_his_posts(out: Path) -> None:
    card = _card_of(out, "polres_kerinci", PAWAS.nrp)
    assert "PW-15.01.01-01" in card and "AKP Edison Sirait" in card
    assert "15.01.01-SR-001: TPS 001 Desa Selam Paung" in card
    assert "15.01.01-KRB-001" in card and "Lempur Tengah" in card
    assert "POS YANG DIAWASI (2)" in card


def test_a_reserve_card_names_call_sign_and_danton(out: Path) -> None:
    member = _card_of(out, "polres_kerinci", DALMAS[0].nrp)
    assert "Dalmas Kerinci 1" in member
    assert "Ipda Banawi Mandala \xb7 081329265534" in member
    danton = _card_of(out, "polres_kerinci", DANTON.nrp)
    assert "Anda memimpin tim ini" in danton
    assert "belum ada Danton" in _card_of(out, "polda", BRIMOB[0].nrp)


def test_a_kapolsek_card_gives_his_kecamatan_and_its_pawas(out: Path) -> None:
    card = _card_of(out, "polres_kerinci", KAPOLSEK.nrp)
    assert "Kasubsatgas Pam TPS Kec. Gunung Raya" in card
    assert "2 pos, 3 TPS" in card and "Ipda Hasta Wibowo" in card


def test_every_officer_has_one_card(out: Path) -> None:
    nrps = [nrp for stem in ("polres_kerinci", "polres_merangin", "polda")
            for page in _pages(out / f"kartu_{stem}.pdf") if (nrp := _owner_nrp(page))]
    assert sorted(nrps) == sorted(a.nrp for a in small_plan().assignments)


# --- the summary ----------------------------------------------------------------------------


def _cells(html: str, title: str) -> list[list[str]]:
    """The rows of the table after section ``title``, as cell texts."""
    part = html[html.index(f"<h2>{title}</h2>"):]
    table = part[:part.index("</table>")]
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>",
                                                                          table)][1:]


def test_summary_counts_command_pawas_guards_and_teams(out: Path) -> None:
    html = (out / "rencana_pengamanan.html").read_text(encoding="utf-8")
    roles = {r[0]: r[1] for r in _cells(html, "Susunan personel")}
    assert roles["Komando dan staf (Kaops, Wakaops, staf Posko, Kapolsek)"] == "4"
    assert roles["Perwira pengawas (Pawas) atas klaster pos"] == "1"
    assert roles["Penjaga TPS (bintara dan tamtama, berpasangan)"] == "8"
    assert roles["Jumlah"] == "18"
    per_unit = {r[0]: r[1:] for r in _cells(html, "Komando dan pengawasan per satuan")}
    assert per_unit["Polres Kerinci"] == ["3", "1", "1", "6", "1", "1"]
    assert per_unit["Polda Jambi"] == ["1", "0", "0", "0", "1", "0"]
    teams = {r[0]: r for r in _cells(html, "Cadangan")}
    assert teams["Dalmas Kerinci 1"][1:4] == ["Peleton Dalmas Samapta", "Polres Kerinci",
                                              "Ipda Banawi Mandala"]
    assert teams["Brimob Polda 1"][3] == "belum ada Danton"
    assert "1 tim dipimpin Danton" in html
    # no rawan TPS for a team to reach: said so, not a crash on the missing p95
    assert "Tidak ada TPS rawan atau sangat rawan yang harus dijangkau" in html


def test_summary_tni_linmas_shortfalls_equipment_and_inferred(out: Path) -> None:
    html = (out / "rencana_pengamanan.html").read_text(encoding="utf-8")
    tni = _cells(html, "TNI per Kodim")
    assert tni == [["Kodim 0417/Kerinci", "2", "1", "4", "5", "1"],
                   ["Kodim 0420/Sarko", "0", "1", "4", "100", "0"],
                   ["Jumlah (Korem 042/Garuda Putih)", "2", "2", "8", "108", "0"]]
    assert "1 pos statis TNI di TPS sangat rawan dan 2 tim mobile" in html
    assert _cells(html, "Kekurangan Linmas") == [["Polres Kerinci", "1", "4", "1", "3"],
                                                  ["Polres Merangin", "1", "2", "0", "2"]]
    assert "2 desa/kelurahan kekurangan Linmas, jumlah 5 orang" in html
    given_up = _cells(html, "Yang dilepas karena kekurangan personel")
    assert [r[0] for r in given_up] == ["1", "2", "3"]
    assert [r[2] for r in given_up] == [x.text_id for x in SHORTFALLS]
    assert "BKO 7 personel akan memulihkan semuanya" in html
    assert _cells(html, "Perlengkapan pos") == [["HT (radio)", "3", "2"], ["CCTV", "1", "1"]]
    assert f"<li>{INFERRED[0]}</li>" in html
    pdf = (out / "rencana_pengamanan.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    text = "".join(_pages(out / "rencana_pengamanan.pdf"))
    for expected in ("Kodim 0417/Kerinci", "Dalmas Kerinci 1", "Banawi",  # (a cell wraps)
                     "Catatan penetapan peran", SHORTFALLS[2].text_id):
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


def test_plan_run_and_update_print_the_commandsmall_plan(small_db: str,
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
