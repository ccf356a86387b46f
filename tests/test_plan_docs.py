"""Plan documents: every officer plotted exactly once across the Sprin workbooks, a card per
officer, a self-contained summary, and geo files that GIS, Google Earth and ATAK can read.

The Jambi plan is built and written once for the module; the tests only read the files."""

from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import load_workbook

from doc_text import pdf_pages
from pollguard.domain.command import POOL
from pollguard.domain.forces import UnitKind
from pollguard.domain.plan import Plan, Post, Role
from pollguard.domain.regions import urban_desa
from pollguard.domain.risk import RiskClass
from pollguard.domain.scenario import Scenario
from pollguard.planning.inputs import PlanInputs
from pollguard.planning.planner import make_plan
from pollguard.planning.view import PlanView
from pollguard.profile import load_profile
from pollguard.reports import plan_docs
from pollguard.reports.plan_docs import cards
from pollguard.risk.scoring import RiskInputs, assess
from pollguard.scenario.jambi import build_jambi

pytestmark = pytest.mark.slow

SPRIN_HEADERS = ["No", "Nama", "Pangkat", "NRP", "Kesatuan", "Tugas", "Desa/Kelurahan",
                 "Kecamatan", "TPS", "Kerawanan", "Pola", "Linmas", "No. HP", "Keterangan"]
PAGE = re.compile(rb"/Type\s*/Page(?!s)")
KML = "{http://www.opengis.net/kml/2.2}"


@dataclass(frozen=True)
class Written:
    scenario: Scenario
    plan: Plan
    out: Path
    paths: list[Path]


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Written:
    scenario = build_jambi()
    profile = load_profile()
    observed: dict[str, dict[str, float]] = defaultdict(dict)
    for o in scenario.observations:
        observed[o.tps_id][o.indicator] = o.value
    risk_inputs = RiskInputs(scenario.tps, observed,
                             {a.region_code: a.score for a in scenario.area_scores},
                             scenario.events, scenario.info.voting_date,
                             urban_desa(scenario.regions))
    risks = {r.tps_id: r for r in assess(profile, risk_inputs)}
    plan = make_plan(PlanInputs(scenario, risks, profile.planning))
    out = tmp_path_factory.mktemp("plan_docs")
    return Written(scenario, plan, out, plan_docs.write_all(plan, scenario, out=out))


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _polres(scenario: Scenario) -> dict[str, str]:
    return {u.code: u.name for u in scenario.units if u.kind == UnitKind.POLRES}


def _owner_counts(plan: Plan, scenario: Scenario) -> Counter[str]:
    """Officers per commanding unit, by the one rule of who owns a target."""
    view = PlanView(plan, scenario)
    return Counter(view.owner_of_target(a) for a in plan.assignments)


def _sheet_rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    book = load_workbook(path, read_only=True)
    try:
        return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}
    finally:
        book.close()


def _table(rows: list[tuple[object, ...]]) -> tuple[int, list[tuple[object, ...]]]:
    """A sheet's table: the index of its header row (the row beginning "No", "Nama" where a
    header block stands above it, else the first) and its rows down to the first blank one
    (an annex sheet's signature block lies below)."""
    at = next((i for i, r in enumerate(rows) if list(r[:2]) == ["No", "Nama"]), 0)
    body = []
    for row in rows[at + 1:]:
        if all(v is None for v in row):
            break
        body.append(row)
    return at, body


def _pdf_streams(path: Path) -> str:
    return "\n".join(pdf_pages(path))


def test_write_all_names_every_file(written: Written) -> None:
    names = {p.name for p in written.paths}
    polres = [_slug(n) for n in _polres(written.scenario).values()]
    assert {f"plotting_{s}.xlsx" for s in polres} | {"plotting_polda.xlsx"} <= names
    assert {f"kartu_{s}.pdf" for s in polres} | {"kartu_polda.pdf"} <= names
    assert {f"kartu_a6_{s}.pdf" for s in polres} | {"kartu_a6_polda.pdf"} <= names
    assert {f"lampiran_{s}.pdf" for s in polres} | {"lampiran_polda.pdf"} <= names
    assert {"rencana_pengamanan.html", "rencana_pengamanan.pdf", "rencana.geojson",
            "rencana.kml"} <= names
    assert "plotting_polres_kerinci.xlsx" in names
    assert all(p.is_file() and p.stat().st_size > 0 for p in written.paths)


def test_workbooks_plot_every_officer_exactly_once(written: Written) -> None:
    seen: Counter[str] = Counter()
    by_role: dict[Role, set[str]] = defaultdict(set)
    for path in sorted(written.out.glob("plotting_*.xlsx")):
        for name, rows in _sheet_rows(path).items():
            if name in plan_docs.NON_PLOTTING_SHEETS:
                continue
            at, body = _table(rows)
            nrp = list(rows[at]).index("NRP")
            role = {plan_docs.DUTY_SHEET: Role.DUTY, plan_docs.RESERVE_SHEET: Role.RESERVE,
                    plan_docs.COMMAND_SHEET: Role.COMMAND,
                    plan_docs.PAWAS_SHEET: Role.SUPERVISOR}.get(name, Role.POST)
            for row in body:
                if row[nrp] is None:  # a Pawas cluster no officer was found for
                    continue
                seen[str(row[nrp])] += 1
                by_role[role].add(str(row[nrp]))
    assert seen == Counter(a.nrp for a in written.plan.assignments)
    assert set(seen.values()) == {1}
    for role in Role:
        assert by_role[role] == {a.nrp for a in written.plan.assignments if a.role == role}


def test_polres_workbook_is_a_sprin(written: Written) -> None:
    path = written.out / "plotting_polres_kerinci.xlsx"
    book = load_workbook(path)
    assert book.sheetnames[:3] == [plan_docs.SUMMARY_SHEET, plan_docs.COMMAND_SHEET,
                                   plan_docs.PAWAS_SHEET]
    assert book.sheetnames[-5:] == [plan_docs.DUTY_SHEET, plan_docs.RESERVE_SHEET,
                                    plan_docs.TNI_SHEET, plan_docs.LINMAS_SHEET,
                                    plan_docs.SHORTFALL_SHEET]
    polsek = book.sheetnames[3:-5]
    assert polsek and all(name.startswith("Polsek ") for name in polsek)
    labels = {c.label_id for c in RiskClass}
    for name in polsek:
        sheet = book[name]
        at, body = _table(list(sheet.iter_rows(values_only=True)))
        header = at + 1  # 1-based
        assert [c.value for c in sheet[header]] == SPRIN_HEADERS
        assert all(c.font.bold for c in sheet[header])
        assert sheet.freeze_panes == f"A{header + 1}"
        assert sheet.auto_filter.ref == f"A{header}:N{header + len(body)}"
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.print_title_rows == f"${header}:${header}"
        assert body
        for row in body:
            assert row[SPRIN_HEADERS.index("Kerawanan")] in labels
            assert re.fullmatch(r"\d+-\d+-\d+", str(row[SPRIN_HEADERS.index("Pola")]))
            assert str(row[SPRIN_HEADERS.index("TPS")]).startswith("TPS ")
            found = re.search(r"koordinat (-?[\d.]+), (-?[\d.]+)", str(row[-1]))
            assert found, row[-1]
            lat, lon = (float(v) for v in found.groups())
            assert -3.5 < lat < 0 and 101 < lon < 105
    summary = [c for row in book[plan_docs.SUMMARY_SHEET].iter_rows(values_only=True)
               for c in row if c is not None]
    assert "Polres Kerinci" in str(summary[0])
    assert "TPS tidak terjaga" in summary


def test_bko_officers_show_where_they_come_from(written: Written) -> None:
    bko = {a.nrp for a in written.plan.assignments if a.bko_to}
    assert bko, "the Jambi plan sends Polda officers to Polres as BKO"
    origin: dict[str, str] = {}
    for path in written.out.glob("plotting_polres*.xlsx"):
        for name, rows in _sheet_rows(path).items():
            if name not in plan_docs.NON_PLOTTING_SHEETS:
                origin.update((str(r[3]), str(r[4])) for r in _table(rows)[1])
    assert all(origin[nrp].startswith("BKO dari ") for nrp in bko)
    pool = _sheet_rows(written.out / "plotting_polda.xlsx")[plan_docs.BKO_SHEET]
    assert {str(r[3]) for r in pool[1:]} == bko


def test_every_plotted_officer_has_his_phone_in_the_annex(written: Written) -> None:
    """No. HP on every officer row of every workbook: each officer's own number, where the
    roster has one."""
    phones: dict[str, object] = {}
    for path in written.out.glob("plotting_*.xlsx"):
        for name, rows in _sheet_rows(path).items():
            if name in plan_docs.NON_PLOTTING_SHEETS:
                continue
            at, body = _table(rows)
            nrp, hp = list(rows[at]).index("NRP"), list(rows[at]).index("No. HP")
            phones.update((str(r[nrp]), r[hp]) for r in body if r[nrp] is not None)
    officers = {o.nrp: o for o in written.scenario.officers}
    assert set(phones) == {a.nrp for a in written.plan.assignments}
    with_phone = [nrp for nrp in phones if officers[nrp].phone]
    assert len(with_phone) > len(phones) // 2
    assert all(phones[nrp] == officers[nrp].phone for nrp in with_phone)
    assert all(phones[nrp] == "—" for nrp in phones if not officers[nrp].phone)


def test_annex_pdf_lists_each_units_officers_once(written: Written) -> None:
    """``lampiran_<unit>.pdf``: A4 landscape, every officer the unit plots by NRP (a long name
    may wrap in its cell; the NRP does not), none of another unit's, signed at the end."""
    view = PlanView(written.plan, written.scenario)
    stems = plan_docs.file_stems(view)
    owner_of = {a.nrp: view.owner_of_target(a) for a in written.plan.assignments}
    nrp = re.compile(r"\((\d{8})\) Tj")
    for owner in view.owners():
        path = written.out / f"lampiran_{stems[owner]}.pdf"
        assert b"/MediaBox [ 0 0 841.8898 595.2756 ]" in path.read_bytes()
        text = _pdf_streams(path)
        mine = {n for n, at in owner_of.items() if at == owner}
        listed = [n for n in nrp.findall(text) if n in owner_of]
        assert Counter(listed) == Counter(mine), path.name  # each once, nobody else's
        assert "LAMPIRAN SURAT PERINTAH KAPOL" in text and "Dikeluarkan di : " in text
        assert text.rindex("Dikeluarkan di : ") > max(text.rindex(f"({n}) Tj") for n in mine)
    kerinci = _pdf_streams(written.out / "lampiran_polres_kerinci.pdf")
    assert "DAFTAR PLOTTING PERSONEL PAM TPS POLSEK GUNUNG RAYA" in kerinci
    assert "BKO dari " in kerinci


def test_force_balance_adds_up(written: Written) -> None:
    rows = plan_docs.force_balance(written.plan, written.scenario)
    assert [r.code for r in rows][-1] == POOL
    for r in rows:
        assert r.available + r.bko_in - r.lent == (r.command + r.supervising + r.duties
                                                   + r.at_tps + r.reserve)
    assert sum(r.command + r.supervising + r.duties + r.at_tps + r.reserve
               for r in rows) == len(written.plan.assignments)
    assert sum(r.tps for r in rows) == len(written.scenario.tps)


def test_kml_has_a_placemark_per_post_tps_and_team(written: Written) -> None:
    root = ET.parse(written.out / "rencana.kml").getroot()
    folders = {f.findtext(f"{KML}name"): f for f in root.iter(f"{KML}Folder")}
    tni = {"TNI": len(written.plan.tni_posts)} if written.plan.tni_posts else {}
    assert set(folders) == {"Posts", "TPS", "Cadangan", *tni}
    counts = {name: len(f.findall(f"{KML}Placemark")) for name, f in folders.items()}
    assert counts == {"Posts": len(written.plan.posts), "TPS": len(written.scenario.tps),
                      "Cadangan": len(written.plan.reserves), **tni}
    assert len(list(root.iter(f"{KML}Placemark"))) == sum(counts.values())


def test_geojson_features(written: Written) -> None:
    data = json.loads((written.out / "rencana.geojson").read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    kinds = Counter(f["properties"]["jenis"] for f in data["features"])
    tni = {"tni": len(written.plan.tni_posts)} if written.plan.tni_posts else {}
    assert kinds == {"pos": len(written.plan.posts), "tps": len(written.scenario.tps),
                     "cadangan": len(written.plan.reserves), **tni}
    post_of = {t: p.post_id for p in written.plan.posts for t in p.tps_ids}
    for f in data["features"]:
        lon, lat = f["geometry"]["coordinates"]
        assert f["geometry"]["type"] == "Point" and -3.5 < lat < 0 and 101 < lon < 105
        if f["properties"]["jenis"] == "tps":
            assert f["properties"]["post_id"] == post_of.get(f["properties"]["tps_id"])


def test_card_sheets_hold_eight_cards_a_page(written: Written) -> None:
    """A unit's cards: one per officer it plots (a Danton's is his team's card), and one more
    only for a team the plan left without a Danton; ``kartu_`` prints them eight an A4 page,
    ``kartu_a6_`` one an A6 page: ceil(officers / 8) sheets where every team has a Danton."""
    officers = _owner_counts(written.plan, written.scenario)
    leaderless = Counter(t.owner_code for t in written.plan.reserves if not t.leader_nrp)
    names = _polres(written.scenario)
    for code, name in [*names.items(), (POOL, "polda")]:
        cards = officers[code] + leaderless[code]
        sheet = (written.out / f"kartu_{_slug(name)}.pdf").read_bytes()
        a6 = (written.out / f"kartu_a6_{_slug(name)}.pdf").read_bytes()
        assert sheet.startswith(b"%PDF") and a6.startswith(b"%PDF")
        assert len(PAGE.findall(sheet)) == math.ceil(cards / 8), name
        assert len(PAGE.findall(a6)) == cards, name
    kerinci = next(c for c, n in names.items() if n == "Polres Kerinci")
    assert leaderless[kerinci] == 0
    assert len(PAGE.findall((written.out / "kartu_polres_kerinci.pdf").read_bytes())) == (
        math.ceil(officers[kerinci] / 8)) < officers[kerinci] / 7
    assert b"Kartu Penugasan" in (written.out / "kartu_polres_kerinci.pdf").read_bytes()


def test_every_card_fits_its_box(written: Written) -> None:
    """Every card of the whole plan, laid out for the sheet and for A6 (posts of 24 TPS,
    Pawas over 10 posts, teams of 30): no line passes the footer or the right edge, and no
    post of a Pawas, no member of a team is left out. (A long TPS list may end in "…"; the
    Sprin has it whole.)"""
    ix = PlanView(written.plan, written.scenario)
    for layout in (cards.SHEET_CARD, cards.A6_CARD):
        for owner in ix.owners():
            for card in cards.deck(ix, owner):
                placed = cards.lay_out(card, layout)
                assert (placed.dropped, placed.left_out) == (0, 0), (layout.name, owner)
                assert placed.lowest >= layout.bottom
                for _, font, size, line in placed.values:
                    assert cards.stringWidth(line, font, size) <= layout.value_width, line
                for x, _, size, lines in placed.columns:
                    assert not any(e.endswith("…") for e in lines), lines
                    assert all(x + cards.stringWidth(e, cards.FONT, size)
                               <= layout.width - layout.margin for e in lines), lines


def test_summary_is_self_contained(written: Written) -> None:
    text = (written.out / "rencana_pengamanan.html").read_text(encoding="utf-8")
    assert "<svg" in text and "Rencana Pengamanan" in text
    links = re.findall(r"https?://[^\s\"'<>)]+", text)
    assert set(links) <= {"http://www.w3.org/2000/svg"}
    svg = text[text.index("<svg"):text.index("</svg>") + len("</svg>")]
    ET.fromstring(svg)  # well-formed
    for name in _polres(written.scenario).values():
        assert name in text
    pdf = (written.out / "rencana_pengamanan.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(PAGE.findall(pdf)) >= 1


def test_summary_is_a_signed_staff_document(written: Written) -> None:
    """The whole Jambi plan: kop, classification and the Kapolda's signature block in the
    body, every Polres's Posko phone, and no optimiser figure before the technical annex."""
    text = (written.out / "rencana_pengamanan.html").read_text(encoding="utf-8")
    at = text.lower().index("lampiran teknis")
    body = re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", " ", text[:at], flags=re.S))
    for part in ("RAHASIA", "KEPOLISIAN NEGARA REPUBLIK INDONESIA", "DAERAH JAMBI",
                 "RENCANA PENGAMANAN OPERASI MANTAP PRAJA 2024", "Dikeluarkan di",
                 "KEPALA KEPOLISIAN DAERAH JAMBI", "1. Situasi", "8. Kekurangan"):
        assert part in body, part
    for unit in written.scenario.units:
        if unit.kind == UnitKind.POLRES and unit.phone:
            assert unit.phone in body, unit.name
    words = re.compile(r"\b(batas bawah|detik|LP|gap|selisih)\b", re.IGNORECASE)
    assert words.findall(body) == []
    assert len({w.lower() for w in words.findall(text[at:])}) == 5


def test_pattern_names_the_guarding_pattern() -> None:
    def post(risk: RiskClass, tps: int, n: int) -> Post:
        return Post("p", "polres.15.01", "15.01.01", risk, tuple(f"t{i}" for i in range(tps)),
                    -2.0, 101.3, 2, 2 * tps, 0.0, n)

    assert plan_docs.pattern(post(RiskClass.SANGAT_RAWAN, 1, 1)) == "2-1-2"
    assert plan_docs.pattern(post(RiskClass.RAWAN, 1, 2)) == "2-2-4"
    assert plan_docs.pattern(post(RiskClass.KURANG_RAWAN, 7, 7)) == "2-7-14"
    assert plan_docs.pattern(post(RiskClass.KURANG_RAWAN, 3, 24)) == "2-24-48"


def test_an_unplanned_scenario_still_writes(written: Written, tmp_path: Path) -> None:
    """No posts, no officers placed: every TPS is uncovered and each unit gets an empty
    Sprin and a card file that says so, rather than a crash."""
    plan = Plan((), (), (), (), tuple(t.tps_id for t in written.scenario.tps[:5]))
    paths = plan_docs.write_all(plan, written.scenario, out=tmp_path)
    assert len(paths) == len(written.paths)
    for name in ("kartu_polda.pdf", "kartu_a6_polda.pdf"):
        assert len(PAGE.findall((tmp_path / name).read_bytes())) == 1
    html = (tmp_path / "rencana_pengamanan.html").read_text(encoding="utf-8")
    first = written.scenario.tps[0]
    at = html.lower().index("lampiran teknis")
    # the body names the uncovered TPS by number and desa; the annex gives its KPU id too
    desa = next(r.name for r in written.scenario.regions if r.code == first.desa_code)
    assert f"5 TPS tidak terjaga: TPS {first.number:03d} " in html[:at]
    assert desa in html[:at] and first.tps_id not in html[:at]
    assert first.tps_id in html[at:]
