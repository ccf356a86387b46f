"""The plan as WhatsApp texts (issue 15, part 6): each officer's message names his TPS by
name, his partner and his Pawas with their phones, the Polsek's and the Posko's phone and the
times in the area's clock; a Polsek's roll lists every officer of the Polsek; and
``plan export --format text`` writes only the texts. On the small hand-made province, so every
expected value is known, and once moved to Sulawesi Selatan (WITA, no Jambi name)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pollguard.cli.main import app
from pollguard.domain.command import POOL
from pollguard.domain.plan import Role
from pollguard.planning.view import PlanView
from pollguard.profile.model import dump_profile, load_profile
from pollguard.reports import plan_docs
from pollguard.reports.plan_docs import whatsapp
from pollguard.reports.plan_docs.command import CommandView
from pollguard.scenario.folder import write_scenario
from pollguard.services import scenarios
from pollguard.services.documents import as_written
from pollguard.store import plans
from pollguard.store.database import Database
from pollguard.store.plans import PSU, PlanInfo
from pollguard.store.uow import UnitOfWork
from small_plan import (
    BRIMOB,
    BRIMOB_TEAM,
    DALMAS,
    DALMAS_TEAM,
    DANTON,
    GUARDS,
    KAPOLSEK,
    KERINCI,
    MERANGIN,
    PAWAS,
    SCENARIO,
    elsewhere,
    small_plan,
)

GUNUNG_RAYA = "polsek.15.01.01"
DANAU_KERINCI = "polsek.15.01.02"


@pytest.fixture(scope="module")
def ix() -> PlanView:
    return PlanView(small_plan(), SCENARIO)


@pytest.fixture(scope="module")
def cv(ix: PlanView) -> CommandView:
    return CommandView(ix)


def test_a_guards_message_names_his_tps_partner_pawas_phones_and_zone(
        ix: PlanView, cv: CommandView) -> None:
    andi, budi = GUARDS[0], GUARDS[1]
    text = whatsapp.officer_text(ix, cv, andi.nrp)
    assert f"Bripka Andi Saputra (NRP {andi.nrp})" in text
    # his TPS by name, with desa, kecamatan and kab, never the KPU id alone
    assert "TPS 001 Desa Selam Paung, Kec. Gunung Raya, Kab. Kerinci" in text
    assert SCENARIO.tps[0].tps_id not in text
    # partner, Pawas and Kapolsek with their phones; the Polsek's and the Posko's phones
    assert f"Briptu Budi Harahap (NRP {budi.nrp}) · {budi.phone}" in text
    assert f"*Pawas:* Ipda Hasta Wibowo · {PAWAS.phone}" in text
    assert f"*Kapolsek:* AKP Edison Sirait · {KAPOLSEK.phone}" in text
    assert "*Polsek Gunung Raya:* 081266001001" in text
    assert "*Posko Polres Kerinci:* 074821000" in text
    # the day's times in the area's clock, the operation by name, coordinates as plain text
    assert f"- {whatsapp.MUSTER} WIB apel" in text and "*Waktu (WIB):*" in text
    assert "Operasi Mantap Praja" in text and "Rabu, 27 November 2024" in text
    assert "-2.060000, 101.300000" in text and "http" not in text
    assert "*Perlengkapan:* CCTV 1" in text


def test_a_post_over_two_desa_names_each_tps_and_a_cluster_without_pawas_says_so(
        ix: PlanView, cv: CommandView) -> None:
    citra = whatsapp.officer_text(ix, cv, GUARDS[2].nrp)
    assert "TPS 002 Desa Selam Paung, Kec. Gunung Raya" in citra
    assert "TPS 001 Kel. Lempur Tengah, Kec. Gunung Raya" in citra
    eko = whatsapp.officer_text(ix, cv, GUARDS[4].nrp)  # Danau Kerinci: no Pawas, no Kapolsek
    assert "*Pawas:* belum ada Pawas (kekurangan)" in eko
    assert "*Kapolsek:* — (dikendalikan Polres)" in eko
    assert "*Polsek Danau Kerinci:* 081266001002" in eko


def test_pawas_danton_and_reserve_messages(ix: PlanView, cv: CommandView) -> None:
    pawas = whatsapp.officer_text(ix, cv, PAWAS.nrp)
    assert "Klaster 1 Kec. Gunung Raya" in pawas
    for guard in GUARDS[:4]:  # the guards of his two posts, with phones
        assert f"{guard.rank.label} {guard.name} · {guard.phone}" in pawas
    danton = whatsapp.officer_text(ix, cv, DANTON.nrp)
    assert "Dalmas Kerinci 1" in danton and "Anda memimpin tim ini" in danton
    assert all(f"NRP {m.nrp}) · {m.phone}" in danton for m in DALMAS)
    member = whatsapp.officer_text(ix, cv, DALMAS[0].nrp)
    assert f"*Danton:* Ipda Banawi Mandala · {DANTON.phone}" in member
    brimob = whatsapp.officer_text(ix, cv, BRIMOB[0].nrp)
    assert "*Danton:* belum ada Danton" in brimob and "Posko Polda Jambi" in brimob
    with pytest.raises(KeyError):
        whatsapp.officer_text(ix, cv, "00000000")


def test_a_polsek_roll_lists_every_officer_of_the_polsek(ix: PlanView, cv: CommandView) -> None:
    roll = whatsapp.roll_text(ix, cv, KERINCI, GUNUNG_RAYA)
    kecamatan = {p.post_id for p in ix.plan.posts if p.kecamatan_code == "15.01.01"}
    guards = {a.nrp for a in ix.plan.assignments if a.role == Role.POST
              and a.target_id in kecamatan}
    assert guards == {g.nrp for g in GUARDS[:4]}
    for nrp in guards | {PAWAS.nrp, KAPOLSEK.nrp}:
        o = ix.officers[nrp]
        assert f"{o.rank.label} {o.name} (NRP {o.nrp}) · {o.phone}" in roll, o.name
    assert "*Pos 15.01.01-SR-001* (sangat rawan, pola 2-1-2): TPS 001 Desa Selam Paung" in roll
    assert "Pawas: Ipda Hasta Wibowo" in roll
    # nobody of another kecamatan
    assert GUARDS[4].name not in roll and GUARDS[6].name not in roll
    other = whatsapp.roll_text(ix, cv, KERINCI, DANAU_KERINCI)
    assert GUARDS[4].name in other and "belum ada Pawas" in other
    assert GUARDS[0].name not in other


def test_the_polres_roll_and_team_rolls(ix: PlanView, cv: CommandView) -> None:
    roll = whatsapp.roll_text(ix, cv, KERINCI)
    owned = {a.nrp for a in cv.ordered(KERINCI)}
    for nrp in owned:
        assert f"(NRP {nrp})" in roll or ix.officers[nrp].name in roll, nrp
    assert GUARDS[6].name not in roll  # Merangin's
    assert "*Cadangan Dalmas Kerinci 1*" in roll
    team = whatsapp.team_text(ix, cv, DALMAS_TEAM)
    assert "DALMAS KERINCI 1" in team and f"Ipda Banawi Mandala (NRP {DANTON.nrp})" in team
    assert all(m.name in team for m in DALMAS)
    pool = whatsapp.team_text(ix, cv, BRIMOB_TEAM)
    assert "belum ada Danton" in pool and all(m.name in pool for m in BRIMOB)
    assert whatsapp.polsek_codes(ix, KERINCI) == [GUNUNG_RAYA, DANAU_KERINCI]
    assert whatsapp.polsek_codes(ix, MERANGIN) == ["polsek.15.02.01"]


def test_the_file_of_a_polres_holds_its_rolls_then_every_message(tmp_path: Path) -> None:
    paths = plan_docs.write_texts(small_plan(), SCENARIO, tmp_path)
    assert sorted(p.name for p in paths) == ["pesan_polda.txt", "pesan_polres_kerinci.txt",
                                             "pesan_polres_merangin.txt"]
    text = (tmp_path / "pesan_polres_kerinci.txt").read_text(encoding="utf-8")
    assert text.index("POLSEK GUNUNG RAYA") < text.index("POLSEK DANAU KERINCI") < text.index(
        "PESAN PERORANGAN")
    cv = CommandView(PlanView(small_plan(), SCENARIO))
    owned = cv.ordered(KERINCI)
    assert text.count("\nYth. ") == len(owned) == 13
    assert f"PESAN PERORANGAN ({len(owned)} personel)" in text
    assert re.search(r"\[1/13\] untuk AKBP Jarwadi Iswahyudi", text)
    pool = (tmp_path / "pesan_polda.txt").read_text(encoding="utf-8")
    assert "Brimob Polda 1" in pool and pool.count("\nYth. ") == len(cv.ordered(POOL))


def test_nothing_jambi_specific_in_another_province(tmp_path: Path) -> None:
    scenario, plan = elsewhere()
    paths = plan_docs.write_texts(plan, scenario, tmp_path)
    for path in paths:
        text = path.read_text(encoding="utf-8")
        for word in ("Jambi", "Kerinci", "Merangin", "WIB", "Selam Paung"):
            assert word not in text, (path.name, word)
    gowa = (tmp_path / "pesan_polres_gowa.txt").read_text(encoding="utf-8")
    assert "WITA apel" in gowa and "Desa Bontoramba, Kec. Somba Opu, Kab. Gowa" in gowa


# --- the command line -------------------------------------------------------------------------

@pytest.fixture
def small_db(db: Database, db_url: str, tmp_path: Path) -> str:
    """The small province and its plan in this test's database; its URL."""
    folder = tmp_path / "kecil"
    write_scenario(SCENARIO, folder)
    scenarios.load_scenario(db=db, folder=folder)
    with UnitOfWork(db) as uow:
        plans.save(uow.session, small_plan(), assessment_id=None, parent_id=None, note="kecil",
                   profile_toml=dump_profile(load_profile()))
    return db_url


def test_plan_export_format_text_writes_only_the_texts(small_db: str, tmp_path: Path) -> None:
    out = tmp_path / "pesan"
    runner = CliRunner()
    done = runner.invoke(app, ["--db", small_db, "plan", "export", "--out", str(out),
                               "--format", "text"])
    assert done.exit_code == 0, done.output
    assert sorted(p.name for p in out.iterdir()) == [
        "pesan_polda.txt", "pesan_polres_kerinci.txt", "pesan_polres_merangin.txt"]
    merangin = (out / "pesan_polres_merangin.txt").read_text(encoding="utf-8")
    assert "Bripka Gilang Ramadhan (NRP 87066666)" in merangin
    assert "TPS 001 Desa Pasar Atas, Kec. Bangko, Kab. Merangin" in merangin
    assert "wrote 3 files" in done.output
    bad = runner.invoke(app, ["--db", small_db, "plan", "export", "--out", str(out),
                              "--format", "docx"])
    assert bad.exit_code != 0


def test_a_revote_plans_messages_name_the_revotes_day(tmp_path: Path) -> None:
    info = PlanInfo(5, dt.datetime(2024, 11, 30, tzinfo=dt.UTC), None, 1, "", "", {},
                    kind=PSU, psu_date=dt.date(2024, 12, 2))
    view = as_written(PlanView(small_plan(), SCENARIO), info)
    plan_docs.write_texts(view.plan, view.scenario, tmp_path)
    text = (tmp_path / "pesan_polres_kerinci.txt").read_text(encoding="utf-8")
    assert "Senin, 2 Desember 2024" in text and "27 November" not in text
