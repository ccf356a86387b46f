"""The Sprin as a Word document and its change orders: the DOCX holds the kop, the number,
the signatory and one name per officer of the unit's annex; the scenario's operation settings
print as given and a default is flagged; a unit's own template is used; the amendment between
two plan versions lists exactly the officers ``moves`` returns, by name, in DOCX, PDF and on
the command line, with the reserve strength before and after. On the small hand-made province
(tests/small_plan.py), so every expected value is known."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from docx import Document
from docx.document import Document as DocumentType
from typer.testing import CliRunner

from doc_text import docx_paragraphs, docx_text, pdf_text
from pollguard.cli.main import app
from pollguard.domain.command import POOL
from pollguard.domain.orders import OperationSettings, Signatory, UnitOrder
from pollguard.domain.plan import Plan, Role
from pollguard.domain.scenario import Scenario
from pollguard.planning.update import moves
from pollguard.planning.view import PlanView
from pollguard.reports.plan_docs import amendment, sprin
from pollguard.reports.plan_docs.command import CommandView
from pollguard.reports.plan_docs.common import file_stems
from pollguard.reports.plan_docs.heading import BLANK, heading
from pollguard.scenario.folder import write_scenario
from pollguard.services import scenarios
from pollguard.store import plans
from pollguard.store.database import Database
from pollguard.store.uow import UnitOfWork
from small_plan import (
    DALMAS,
    DALMAS_TEAM,
    GUARDS,
    KAPOLRES,
    KERINCI,
    MERANGIN,
    P1,
    P2,
    SCENARIO,
    elsewhere,
    small_plan,
)

# --- reading a DOCX -------------------------------------------------------------------------


def _open(path: Path) -> DocumentType:
    return Document(str(path))


def _officer_rows(doc: DocumentType) -> list[list[str]]:
    """The rows of every table whose first cell is a row number: one per officer listed."""
    return [[c.text for c in row.cells] for table in doc.tables for row in table.rows
            if re.fullmatch(r"\d+", row.cells[0].text.strip())]


def _highlighted(doc: DocumentType) -> list[str]:
    """The text of every highlighted run (a value a default filled in)."""
    paragraphs = list(doc.paragraphs) + [p for t in doc.tables for row in t.rows
                                         for c in row.cells for p in c.paragraphs]
    return [r.text for p in paragraphs for r in p.runs if r.font.highlight_color is not None]


def _paragraph(doc: DocumentType, start: str) -> str:
    return next(p.text for p in doc.paragraphs if p.text.startswith(start))


# --- the Sprin -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sprins(tmp_path_factory: pytest.TempPathFactory) -> dict[str, DocumentType]:
    """Owner -> its Sprin, written from the small plan with every order setting defaulted."""
    out = tmp_path_factory.mktemp("sprin")
    ix = PlanView(small_plan(), SCENARIO)
    paths = sprin.write(ix, out)
    stems = file_stems(ix)
    assert [p.name for p in paths] == [f"sprin_{stems[o]}.docx" for o in ix.owners()]
    return {o: _open(out / f"sprin_{stems[o]}.docx") for o in ix.owners()}


@pytest.mark.parametrize("owner", [KERINCI, MERANGIN, POOL])
def test_sprin_holds_the_order_and_one_row_per_officer_of_its_annex(
        sprins: dict[str, DocumentType], owner: str) -> None:
    ix = PlanView(small_plan(), SCENARIO)
    h = heading(ix, owner)
    doc = sprins[owner]
    texts = docx_paragraphs(doc)
    text = docx_text(doc)
    # the kop (each line a paragraph of its own, the unit's last), title, number, marking
    for line in h.kop:
        assert line in texts
    assert "SURAT PERINTAH" in texts and f"Nomor : {h.number}" in texts
    header = [p.text for p in doc.sections[0].header.paragraphs]
    footer = [p.text for p in doc.sections[0].footer.paragraphs]
    assert header == [h.classification] == footer == ["RAHASIA"]
    for word in ("Pertimbangan", "Dasar", "DIPERINTAHKAN", "Kepada", "Untuk", "Selesai.",
                 "Tembusan :"):
        assert word in text, word
    for line in (*h.considerations, *h.bases, *h.copies_to):
        assert line in text
    rows = CommandView(ix).ordered(owner)
    assert (f"(nama-nama yang tercantum dalam lampiran Surat Perintah ini), sebanyak "
            f"{len(rows)} personel.") in text
    assert CLOSING_TASK in text and h.period_text in text
    # signature block: place, date, position in capitals, name, rank and NRP
    s = h.signatory
    assert _paragraph(doc, "Dikeluarkan di").endswith(f": {h.place}")
    assert _paragraph(doc, "Pada tanggal").endswith(f": {h.issued_text}")
    assert s.position.upper() in texts and s.name in texts
    assert f"{s.rank or BLANK} NRP {s.nrp}" in texts  # Merangin's head: blanks to fill
    # the Lampiran: one numbered row per officer of the annex, in the annex's order
    listed = _officer_rows(doc)
    assert [r[0] for r in listed] == [str(i) for i in range(1, len(rows) + 1)]
    assert [(r[1], r[2].split("\n")[-1]) for r in listed] == [
        (ix.officers[a.nrp].name, f"NRP {a.nrp}") for a in rows]
    assert h.annex_title in texts


def test_kerinci_sprin_names_each_role_with_its_count_and_the_voting_times(
        sprins: dict[str, DocumentType]) -> None:
    doc = sprins[KERINCI]
    text = docx_text(doc)
    assert "Kaopsres beserta Komando dan Staf Operasi (2 personel): memimpin dan mengendalikan" \
        in text
    assert "Kapolsek selaku Kasubsatgas Pam TPS (1 personel)" in text
    assert "Perwira Pengawas (Pawas) (1 personel): mengawasi dan mengendalikan pos-pos TPS " \
        "klasternya" in text
    assert ("Personel Pam TPS (6 personel): mengamankan TPS yang ditentukan pada hari "
            "pemungutan suara, 27 November 2024, dari pukul 07.00 WIB sampai penghitungan "
            "suara selesai dan mengawal kotak suara ke PPK") in text
    assert "Danton dan personel Cadangan (3 personel, 1 tim): siaga di titik siaga" in text
    # the roll writes places in words: the post's TPS by desa, the team by its call sign
    by_nrp = {r[2].split("\n")[-1].removeprefix("NRP "): r for r in _officer_rows(doc)}
    assert by_nrp[GUARDS[0].nrp][3] == (
        "Pam TPS pos 15.01.01-SR-001: TPS 001 Desa Selam Paung, Kec. Gunung Raya")
    assert by_nrp[DALMAS_TEAM.leader_nrp or ""][3] == "Danton Cadangan Dalmas Kerinci 1"
    assert "1501012001001" not in text and DALMAS_TEAM.team_id not in text


CLOSING_TASK = "melaksanakan perintah ini dengan saksama dan penuh rasa tanggung jawab."


def test_defaults_are_flagged_and_highlighted(sprins: dict[str, DocumentType]) -> None:
    doc = sprins[KERINCI]
    h = heading(PlanView(small_plan(), SCENARIO), KERINCI)
    assert "Nomor" in h.defaulted and "Penandatangan" in h.defaulted
    assert h.warning in docx_paragraphs(doc)
    marked = _highlighted(doc)
    assert h.warning in marked and h.number in marked and h.signatory.name in marked
    assert h.number.count("........") == 1  # the blank is text to type over


def _settled(scenario: Scenario, *, complete: bool) -> Scenario:
    """``scenario`` with the Kerinci order's number and signatory given (and with
    ``complete`` every other setting too)."""
    signer = Signatory("KEPALA KEPOLISIAN RESOR KERINCI", "BUDI SANTOSO, S.I.K., M.H.", "AKBP",
                       "75010101")
    order = UnitOrder(number="Sprin/1234/XI/PAM.3.3./2024", signatory=signer,
                      place="Sungai Penuh" if complete else "")
    extra: dict[str, object] = {}
    if complete:
        extra = {"name": "Operasi Mantap Praja Contoh 2024", "issued": dt.date(2024, 11, 18),
                 "start": dt.date(2024, 11, 24), "end": dt.date(2024, 11, 30),
                 "bases": ("Undang-Undang Nomor 2 Tahun 2002 tentang Kepolisian.",),
                 "considerations": ("Bahwa perlu pengamanan TPS.",),
                 "copies_to": ("Kapolda Contoh",)}
    settings = OperationSettings(units={KERINCI: order}, **extra)  # type: ignore[arg-type]
    return dataclasses.replace(scenario, operation=settings)


def test_operation_settings_print_as_given_without_their_flag(tmp_path: Path) -> None:
    scenario = _settled(SCENARIO, complete=False)
    sprin.write_sprin(small_plan(), scenario, tmp_path)
    doc = _open(tmp_path / "sprin_polres_kerinci.docx")
    texts = docx_paragraphs(doc)
    assert "Nomor : Sprin/1234/XI/PAM.3.3./2024" in texts
    assert "BUDI SANTOSO, S.I.K., M.H." in texts and "AKBP NRP 75010101" in texts
    assert KAPOLRES.name.upper() not in texts  # the roster's Kapolres no longer signs
    warning = heading(PlanView(small_plan(), scenario), KERINCI).warning
    assert warning in texts and "Nomor," not in warning and "Penandatangan" not in warning
    marked = _highlighted(doc)
    assert "Sprin/1234/XI/PAM.3.3./2024" not in marked
    assert "BUDI SANTOSO, S.I.K., M.H." not in marked
    assert "Kerinci" in marked  # the place is still a default: flagged


def test_a_complete_order_shows_no_warning_and_nothing_highlighted(tmp_path: Path) -> None:
    sprin.write_sprin(small_plan(), _settled(SCENARIO, complete=True), tmp_path)
    doc = _open(tmp_path / "sprin_polres_kerinci.docx")
    text = docx_text(doc)
    assert "Isian bawaan" not in text and _highlighted(doc) == []
    assert "Dikeluarkan di : Sungai Penuh" in " ".join(_paragraph(doc, "Dikeluarkan").split())
    assert "24 November 2024 s.d. 30 November 2024" in text
    assert "Operasi Mantap Praja Contoh 2024" in text and "Kapolda Contoh" in text


def test_a_units_own_template_is_used(tmp_path: Path) -> None:
    own = tmp_path / "kop_sendiri.docx"
    shutil.copy(sprin.SPRIN_TEMPLATE, own)
    template = _open(own)
    kop = template.tables[0].cell(0, 0)
    kop.add_paragraph("Jalan Contoh Nomor 1, Telepon (0748) 21000")
    template.save(str(own))
    sprin.write_sprin(small_plan(), SCENARIO, tmp_path / "out", template=own)
    doc = _open(tmp_path / "out" / "sprin_polres_kerinci.docx")
    texts = docx_paragraphs(doc)
    assert "Jalan Contoh Nomor 1, Telepon (0748) 21000" in texts
    assert "RESOR KERINCI" in texts and len(_officer_rows(doc)) == 13
    shipped = _open(sprin.write_sprin(small_plan(), SCENARIO, tmp_path / "plain")[0])
    assert "Jalan Contoh Nomor 1, Telepon (0748) 21000" not in docx_paragraphs(shipped)


def test_another_provinces_sprin_says_nothing_of_jambi(tmp_path: Path) -> None:
    scenario, plan = elsewhere()
    for path in sprin.write_sprin(plan, scenario, tmp_path):
        text = docx_text(_open(path))
        for word in ("Jambi", "Kerinci", "Merangin", "WIB", "Garuda"):
            assert word not in text, (path.name, word)
    text = docx_text(_open(tmp_path / "sprin_polres_gowa.docx"))
    assert "DAERAH SULAWESI SELATAN" in text and "07.00 WITA" in text


# --- the change order ------------------------------------------------------------------------


def _changed(plan: Plan) -> Plan:
    """``plan`` with the guards of P1 and P2 swapped (one each) and one guard of the
    Danau Kerinci post sent to the Dalmas team (the ids read from ``plan``, which may be the
    small province moved elsewhere)."""
    first, second = plan.posts[0].post_id, plan.posts[1].post_id
    assert (first, second) == (P1.post_id, P2.post_id) or not first.startswith("15.")
    swap = {GUARDS[0].nrp: second, GUARDS[2].nrp: first}
    dalmas = plan.reserves[0].team_id
    out = []
    for a in plan.assignments:
        if a.nrp in swap:
            a = dataclasses.replace(a, target_id=swap[a.nrp])
        elif a.nrp == GUARDS[4].nrp:
            a = dataclasses.replace(a, role=Role.RESERVE, target_id=dalmas,
                                    pair=3, position="Anggota Dalmas")
        out.append(a)
    return dataclasses.replace(plan, assignments=tuple(out))


MOVED = {GUARDS[0].nrp, GUARDS[2].nrp, GUARDS[4].nrp}


def test_the_amendment_lists_exactly_who_moves_by_name_with_the_reserve(
        tmp_path: Path) -> None:
    before, after = small_plan(), _changed(small_plan())
    changes = moves(before, after)
    assert {m.nrp for m in changes} == MOVED
    paths = amendment.write_amendment(before, after, SCENARIO, tmp_path, before_id=3,
                                      after_id=4)
    assert [p.name for p in paths] == ["sprin_perubahan_3_4.docx", "sprin_perubahan_3_4.pdf"]
    doc = _open(paths[0])
    rows = _officer_rows(doc)
    names = {o.nrp: o for o in SCENARIO.officers}
    assert sorted(r[3] for r in rows) == sorted(m.nrp for m in changes)
    assert all(r[1] == names[r[3]].name and r[2] == names[r[3]].rank.label for r in rows)
    by_nrp = {r[3]: r for r in rows}
    andi = by_nrp[GUARDS[0].nrp]
    assert andi[4] == "Pam TPS pos 15.01.01-SR-001: TPS 001 Desa Selam Paung, Kec. Gunung Raya"
    assert andi[5].startswith("Pam TPS pos 15.01.01-KRB-001: TPS 002 Desa Selam Paung")
    assert "Kel. Lempur Tengah" in andi[6]
    assert andi[7] == ("dipindah untuk mengisi pos 15.01.01-KRB-001, TPS 002 Desa Selam "
                       "Paung; TPS 001 Kel. Lempur Tengah")
    eko = by_nrp[GUARDS[4].nrp]
    assert (eko[5], eko[6], eko[7]) == ("Cadangan Dalmas Kerinci 1", "Desa Seleman",
                                        "dipindah untuk mengisi Cadangan Dalmas Kerinci 1")
    text = docx_text(doc)
    h = heading(PlanView(after, SCENARIO), POOL)
    assert ("PERUBAHAN SURAT PERINTAH KAPOLDA JAMBI NOMOR "
            f"{h.number} TANGGAL {h.issued_text.upper()}") in text
    assert "Polres Kerinci (3 personel)" in text and "Polres Merangin (" not in text
    assert DALMAS_TEAM.team_id not in text and h.signatory.name in docx_paragraphs(doc)
    # reserve strength before and after: Kerinci's Dalmas team gains one, the pool's stays
    strength = {r[0]: r[1:] for t in doc.tables for r in ([c.text for c in row.cells]
                                                          for row in t.rows)
                if r[0] in ("Polres Kerinci", "Polres Merangin", "Polda Jambi", "Jumlah")}
    assert strength["Polres Kerinci"] == ["1", "3", "1", "4", "+1"]
    assert strength["Polres Merangin"] == ["0", "0", "0", "0", "0"]
    assert strength["Polda Jambi"] == ["1", "2", "1", "2", "0"]
    assert strength["Jumlah"] == ["2", "5", "2", "6", "+1"]
    # the PDF: the same officers by name and NRP, no one else, and the reserve table
    pdf = pdf_text(paths[1])
    for o in SCENARIO.officers:
        assert (o.nrp in pdf) == (o.nrp in MOVED or o.nrp == h.signatory.nrp), o.nrp
        if o.nrp in MOVED:
            assert o.name in pdf
    assert "Kekuatan cadangan semula dan menjadi" in pdf and "SURAT PERINTAH" in pdf
    assert h.signatory.name in pdf


def test_describe_gives_the_command_lines_words() -> None:
    before, after = PlanView(small_plan(), SCENARIO), PlanView(_changed(small_plan()), SCENARIO)
    texts = {t.nrp: t for t in amendment.describe_plans(before, after)}
    assert set(texts) == MOVED
    andi = texts[GUARDS[0].nrp]
    assert andi.person == "Bripka Andi Saputra (NRP 85039782)"
    assert (andi.owner, andi.owner_name) == (KERINCI, "Polres Kerinci")
    gone = PlanView(dataclasses.replace(small_plan(), assignments=tuple(
        a for a in small_plan().assignments if a.nrp != GUARDS[6].nrp)), SCENARIO)
    left = amendment.describe_plans(before, gone)
    assert [(t.name, t.after_text, t.owner) for t in left] == [
        ("Gilang Ramadhan", "tidak ditugaskan", MERANGIN)]
    assert left[0].reason == ("tidak lagi ditugaskan (dari pos 15.02.01-KRB-001, TPS 001 Desa "
                              "Pasar Atas)")


def test_reasons_name_the_posts_and_teams_in_words() -> None:
    """A post that is gone and a new one, as the reasons of ``moves`` say them: with the
    post's TPS by name, the post id never bare or doubled ("pos baru pos ...")."""
    plan = small_plan()
    renamed = dataclasses.replace(P1, post_id="15.01.01-SR-009")
    taken = DALMAS[0].nrp
    after = dataclasses.replace(plan, posts=(renamed, *plan.posts[1:]), assignments=tuple(
        dataclasses.replace(a, target_id=renamed.post_id) if a.target_id == P1.post_id else
        dataclasses.replace(a, role=Role.POST, target_id=renamed.post_id, pair=2)
        if a.nrp == taken else a for a in plan.assignments))
    texts = {t.nrp: t for t in amendment.describe_plans(PlanView(plan, SCENARIO),
                                                         PlanView(after, SCENARIO))}
    assert set(texts) == {GUARDS[0].nrp, GUARDS[1].nrp, taken}
    assert texts[GUARDS[0].nrp].reason == (
        "pos 15.01.01-SR-001, TPS 001 Desa Selam Paung tidak ada lagi (kelas TPS atau N "
        "berubah)")
    assert texts[taken].reason == "mengisi pos baru 15.01.01-SR-009, TPS 001 Desa Selam Paung"
    assert texts[taken].before_text == "Cadangan Dalmas Kerinci 1"


def test_another_provinces_amendment_says_nothing_of_jambi(tmp_path: Path) -> None:
    scenario, plan = elsewhere()
    docx, pdf = amendment.write_amendment(plan, _changed(plan), scenario, tmp_path,
                                          before_id=1, after_id=2)
    for text in (docx_text(_open(docx)), pdf_text(pdf)):
        for word in ("Jambi", "Kerinci", "Merangin", "WIB"):
            assert word not in text, word
        assert "Polres Gowa (3 personel)" in text


# --- plan diff on a real database ------------------------------------------------------------


@pytest.fixture
def two_plans(db: Database, db_url: str, tmp_path: Path) -> tuple[str, int, int]:
    """The small province loaded into this test's database with the small plan and its
    changed version stored: the URL and both plan numbers."""
    folder = tmp_path / "kecil"
    write_scenario(SCENARIO, folder)
    scenarios.load_scenario(db=db, folder=folder)
    with UnitOfWork(db) as uow:
        ids = [plans.save(uow.session, p, assessment_id=None, parent_id=None, note="",
                          profile_toml="") for p in (small_plan(), _changed(small_plan()))]
    return db_url, ids[0], ids[1]


def test_plan_diff_prints_names_and_writes_the_amendment(two_plans: tuple[str, int, int],
                                                         tmp_path: Path) -> None:
    url, a, b = two_plans
    out = tmp_path / "perubahan"
    runner = CliRunner()
    result = runner.invoke(app, ["--db", url, "plan", "diff", str(a), str(b), "--out",
                                 str(out)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"3 officers changed place between plan #{a} and #{b}"
    assert ("  Bripka Andi Saputra (NRP 85039782): Pam TPS pos 15.01.01-SR-001: TPS 001 Desa "
            "Selam Paung, Kec. Gunung Raya -> Pam TPS pos 15.01.01-KRB-001: TPS 002 Desa "
            "Selam Paung; TPS 001 Kel. Lempur Tengah, Kec. Gunung Raya") in lines
    assert ("  Aipda Eko Prasetyo (NRP 84044444): Pam TPS pos 15.01.02-R-001: TPS 001 Desa "
            "Seleman, Kec. Danau Kerinci -> Cadangan Dalmas Kerinci 1") in lines
    assert "    alasan: dipindah untuk mengisi Cadangan Dalmas Kerinci 1" in lines
    docx, pdf = out / f"sprin_perubahan_{a}_{b}.docx", out / f"sprin_perubahan_{a}_{b}.pdf"
    assert f"wrote {docx}" in lines and f"wrote {pdf}" in lines
    rows = _officer_rows(_open(docx))
    assert sorted(r[3] for r in rows) == sorted(MOVED)
    assert pdf.read_bytes().startswith(b"%PDF")
    # without --out: the same lines, no files
    plain = runner.invoke(app, ["--db", url, "plan", "diff", str(a), str(b)])
    assert plain.exit_code == 0 and plain.output.splitlines()[:3] == lines[:3]
    assert "wrote" not in plain.output
    missing = runner.invoke(app, ["--db", url, "plan", "diff", str(a), "99", "--out",
                                  str(out)])
    assert missing.exit_code == 1 and "no plan 99" in missing.output
