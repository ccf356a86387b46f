"""The Rencana Pengamanan (HTML and PDF): the plan as the Kabag Ops puts it before the Kapolda
to sign, for the briefing and the tactical floor game (TFG).

A staff document, not a planner's report: the kop and the classification on every page, the
title with the operation, then in staff order 1. Situasi (the election, the area, where the
rawan TPS are), 2. Misi, 3. Kekuatan (the force balance per Polres and the Polda pool, TNI,
Linmas), 4. Pelaksanaan (posts by pattern, guards, Pawas, duties and reserve teams per
Polres), 5. Cadangan (formed units, where they wait, what they reach in time), 6. TNI dan
Linmas, 7. Kendali dan komunikasi (Kaops, Kaopsres, Kapolsek, Pawas, Posko phones, the
reporting chain), 8. Kekurangan (what a short force gave up, in order), then the signature
block (``heading``: place, date, position, name, rank, NRP) and Tembusan. What only the
planner needs (bounds, gaps, seconds, travel km, how roles were inferred) is in a separate
"Lampiran Teknis" after the signature, so nothing in the body reads as optimiser output.

The content is built once (``_renpam``) as sections of paragraphs, lists, tables and the map,
and drawn twice (``summary_render``): a self-contained HTML page that opens offline on any
laptop, and an A4 PDF for the file and the TFG table."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pollguard.domain.command import POOL
from pollguard.domain.forces import UnitKind
from pollguard.domain.plan import (
    Assignment,
    DutyKind,
    Plan,
    PlanMetrics,
    Post,
    ReserveTeam,
    Role,
)
from pollguard.domain.regions import (
    LevelNames,
    Region,
    RegionKind,
    RegionLevel,
    ancestor_at,
    urban_desa,
)
from pollguard.domain.risk import RiskClass
from pollguard.domain.scenario import Scenario
from pollguard.domain.tps import LINMAS_PER_TPS
from pollguard.planning.geometry import km
from pollguard.planning.travel import GreatCircleTravel
from pollguard.planning.view import PlanView
from pollguard.profile.model import Travel
from pollguard.reports.numbers import num
from pollguard.reports.plan_docs.balance import Balance, balances
from pollguard.reports.plan_docs.command import (
    RESERVE_KIND_LABEL,
    CommandView,
    equipment_label,
    rank_name,
)
from pollguard.reports.plan_docs.common import CLASS_ORDER, DUTY_LABEL, pattern
from pollguard.reports.plan_docs.heading import Heading, date_id, heading
from pollguard.reports.plan_docs.summary_render import (
    ANNEX,
    Figure,
    Grid,
    Items,
    Renpam,
    Section,
    Text,
    write_html,
    write_pdf,
)

#: How far ahead a reserve team's reach is stated: the minutes the map's reach rings use.
REACH_MINUTES = 30
#: The KPU's voting hours, the same wall-clock hours in every zone.
VOTING_HOURS = ("07.00", "13.00")
DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
#: How a race's office is written in the Situasi.
OFFICE = {"gubernur": "Gubernur dan Wakil Gubernur", "bupati": "Bupati dan Wakil Bupati",
          "walikota": "Walikota dan Wakil Walikota"}
#: The plan metrics the technical annex lists: field, label, decimals.
METRIC_LABELS = (
    ("posts", "Pos pengamanan", 0),
    ("posts_lower_bound", "Batas bawah jumlah pos", 0),
    ("officers_at_tps", "Personel di TPS", 0),
    ("officers_on_duties", "Personel tugas (kantor, walpri, pengawalan)", 0),
    ("officers_in_reserve", "Personel cadangan", 0),
    ("bko", "Personel BKO dari Polda", 0),
    ("uncovered_tps", "TPS tidak terjaga", 0),
    ("officers_in_command", "Personel komando dan staf", 0),
    ("officers_supervising", "Perwira pengawas (Pawas)", 0),
    ("perwira_at_tps", "Perwira di antara penjaga TPS (doktrin: 0)", 0),
    ("command_at_tps", "Komando dan staf di antara penjaga TPS (doktrin: 0)", 0),
    ("posts_without_pawas", "Pos tanpa Pawas", 0),
    ("pawas_max_km", "Jarak terjauh pos dari titik klaster Pawas (km)", 1),
    ("travel_km_total", "Jumlah jarak tempuh personel (km)", 1),
    ("lp_bound_km", "Batas bawah jarak tempuh, relaksasi LP (km)", 1),
    ("gap", "Selisih terhadap batas bawah (gap)", 4),
    ("reserve_eta_p95_min", "Waktu tempuh cadangan ke TPS rawan/sangat rawan, p95 (menit)", 1),
    ("seconds", "Waktu hitung rencana (detik)", 1),
)
INFERRED_TITLE = "Catatan penetapan peran"
INFERRED_NONE = "Semua peran dibaca dari kolom jabatan daftar personel."
BALANCE_NOTE = ("Personel sendiri + BKO diterima = Komando dan staf + Pawas + Tugas + Di TPS "
                "+ Cadangan; baris Polda menunjukkan personel yang dikirim sebagai BKO (−). "
                "Kekurangan: personel yang masih kurang setelah BKO Polda.")
UNCOVERED_LISTED = 40  # uncovered TPS the body names; the annex lists them all


def write_plan_summary(plan: Plan, scenario: Scenario, out: Path, *,
                       version: int | None = None) -> list[Path]:
    """``rencana_pengamanan.html`` (self-contained: opens offline on any laptop at the
    briefing) and ``rencana_pengamanan.pdf`` (for the file and the TFG table). ``version``:
    the plan's number in the store, printed under the title where the caller knows it."""
    return write(PlanView(plan, scenario), out, version=version)


def write(ix: PlanView, out: Path, *, version: int | None = None) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    doc = _renpam(ix, version)
    html_path = out / "rencana_pengamanan.html"
    pdf_path = out / "rencana_pengamanan.pdf"
    write_html(doc, ix, html_path)
    write_pdf(doc, ix, pdf_path)
    return [html_path, pdf_path]


# --- words ------------------------------------------------------------------------------------


def _and(items: Sequence[str]) -> str:
    """``A``, ``A dan B``, ``A, B dan C``."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " dan " + items[-1]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def day_text(day: dt.date) -> str:
    """``Rabu, 27 November 2024``."""
    return f"{DAYS[day.weekday()]}, {date_id(day)}"


def _kab_label(region: Region | None, code: str) -> str:
    """``Kabupaten Kerinci``, ``Kota Jambi``: a kab/kota as the text names it (a name the
    scenario gives bare gets its kind)."""
    if region is None:
        return code
    name = region.name
    if name.split(" ", 1)[0] in ("Kabupaten", "Kab.", "Kota"):
        return name
    return ("Kota " if region.kind == RegionKind.KOTA else "Kabupaten ") + name


# --- the document ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Reach:
    """What a reserve team is the nearest team to: its rawan and sangat rawan TPS, how many
    of them it reaches within ``REACH_MINUTES``, the farthest in minutes and straight km."""

    tps: int = 0
    within: int = 0
    farthest_min: float = 0.0
    farthest_km: float = 0.0


@dataclass(frozen=True)
class _Area:
    """Region look-ups the Situasi needs."""

    regions: dict[str, Region]
    levels: LevelNames

    def kab(self, code: str) -> str:
        return _kab_label(self.regions.get(code), code)

    def kecamatan(self, code: str) -> str:
        region = self.regions.get(code)
        return self.levels.of(region.name if region else code)


def _renpam(ix: PlanView, version: int | None) -> Renpam:
    head = heading(ix, POOL)
    cv = CommandView(ix)
    reach = _reach(ix)
    area = _Area({r.code: r for r in ix.scenario.regions}, ix.levels)
    polda = head.unit_name
    title = (f"RENCANA PENGAMANAN {head.operation.upper()}",
             f"PENGAMANAN TPS {head.election.upper()}",
             f"DI WILAYAH HUKUM {polda.upper()}")
    body = (_situation(ix, head, area), _mission(ix, head), _force(ix, cv),
            _deployment(ix, cv), _reserves(ix, cv, reach), _tni_linmas(ix, cv),
            _control(ix, cv, head), _shortfalls(ix, cv))
    closing = (f"Demikian Rencana Pengamanan ini dibuat sebagai pedoman bagi seluruh satuan "
               f"yang terlibat dalam {head.operation}, untuk dilaksanakan dengan penuh rasa "
               "tanggung jawab.")
    return Renpam(head=head, title=title, version=version, body=body, closing=closing,
                  annex=_annex(ix, cv, reach), footer=f"Rencana Pengamanan {head.operation}"
                  f" · {polda}")


def _class_counts(ix: PlanView) -> Counter[RiskClass | None]:
    """TPS per class: the planner's own count (it knows the class of an uncovered TPS too),
    else the class of each TPS's post."""
    if ix.plan.metrics and ix.plan.metrics.tps_by_class:
        return Counter({RiskClass(k): v for k, v in ix.plan.metrics.tps_by_class.items()})
    return Counter(ix.class_of(t.tps_id) for t in ix.scenario.tps)


def _situation(ix: PlanView, head: Heading, area: _Area) -> Section:
    s = ix.scenario
    tps = s.tps
    voters = sum(t.voters or 0 for t in tps)
    kabs = s.regions_at(RegionLevel.KABKOTA)
    kota = sum(1 for r in kabs if r.kind == RegionKind.KOTA)
    general = (f"{head.election} di wilayah hukum {head.unit_name} dilaksanakan pada hari "
               f"{day_text(head.voting_day)}{_races_text(ix)}. Pemungutan suara di TPS "
               f"berlangsung pukul {VOTING_HOURS[0]} s.d. {VOTING_HOURS[1]} {head.zone}, "
               "dilanjutkan dengan penghitungan suara di TPS dan rekapitulasi berjenjang di "
               f"PPK dan KPU. {head.operation} berlangsung {head.period_text}.")
    polsek = len(s.units_of(UnitKind.POLSEK))
    kinds = [f"{num(n)} {word}" for n, word in ((len(kabs) - kota, "kabupaten"),
                                                  (kota, "kota")) if n]
    terrain = (f"Wilayah hukum {head.unit_name} meliputi {num(len(kabs))} kabupaten/kota "
               f"({_and(kinds)}), "
               f"{num(len(s.regions_at(RegionLevel.KECAMATAN)))} {ix.levels.lower} dan "
               f"{num(len(s.regions_at(RegionLevel.DESA)))} desa/kelurahan, dengan "
               f"{num(len(tps))} TPS dan {num(voters)} pemilih terdaftar"
               + (f" (rata-rata {num(voters / len(tps))} pemilih per TPS)" if tps else "")
               + f". Pengamanan dilaksanakan oleh {num(len(ix.polres))} Polres dan "
               f"{num(polsek)} Polsek jajaran.")
    counts = _class_counts(ix)
    per_class = [f"{num(counts[c])} TPS {c.label_id}" for c in CLASS_ORDER if counts[c]]
    vulnerable = [f"Dari {num(len(tps))} TPS, hasil pemetaan kerawanan menetapkan "
                  f"{_and(per_class)}." if per_class else
                  "Belum ada TPS yang tercatat kelas kerawanannya dalam rencana ini."]
    by_kab: dict[str, Counter[RiskClass | None]] = defaultdict(Counter)
    by_kec: dict[str, Counter[RiskClass | None]] = defaultdict(Counter)
    kab_tps: Counter[str] = Counter()
    kab_voters: Counter[str] = Counter()
    kab_kec: dict[str, set[str]] = defaultdict(set)
    for t in tps:
        kab = ancestor_at(t.desa_code, RegionLevel.KABKOTA)
        kec = ancestor_at(t.desa_code, RegionLevel.KECAMATAN)
        c = ix.class_of(t.tps_id)
        by_kab[kab][c] += 1
        by_kec[kec][c] += 1
        kab_tps[kab] += 1
        kab_voters[kab] += t.voters or 0
        kab_kec[kab].add(kec)
    for c in (RiskClass.SANGAT_RAWAN, RiskClass.RAWAN):
        top = sorted(((n[c], code) for code, n in by_kab.items() if n[c]),
                     key=lambda x: (-x[0], x[1]))[:3]
        if top:
            vulnerable.append(f"TPS {c.label_id} terbanyak di "
                              + _and([f"{area.kab(code)} ({num(n)})" for n, code in top]) + ".")
    hot = sorted(((n[RiskClass.SANGAT_RAWAN], n[RiskClass.RAWAN], code)
                  for code, n in by_kec.items()
                  if n[RiskClass.SANGAT_RAWAN] + n[RiskClass.RAWAN]),
                 key=lambda x: (-x[0], -x[1], x[2]))[:5]
    if hot:
        vulnerable.append(
            f"{ix.levels.kecamatan} dengan TPS sangat rawan dan rawan terbanyak: " + "; ".join(
                f"{area.kecamatan(code)}, {area.kab(ancestor_at(code, RegionLevel.KABKOTA))}"
                f" ({num(sr)} sangat rawan, {num(r)} rawan)" for sr, r, code in hot) + ".")
    unknown = sum(n[None] for n in by_kab.values())
    header = ("Kabupaten/kota", "Polres", ix.levels.kecamatan, "TPS", "Pemilih",
              *(c.label_id.capitalize() for c in CLASS_ORDER))
    rows: list[tuple[str, ...]] = []
    for kab in sorted(by_kab):
        n = by_kab[kab]
        rows.append((area.kab(kab), ix.unit_name(ix.polres_of_kab.get(kab, "")) or "—",
                     num(len(kab_kec[kab])), num(kab_tps[kab]), num(kab_voters[kab]),
                     *(num(n[c]) for c in CLASS_ORDER)))
    rows.append(("Jumlah", "", num(sum(len(v) for v in kab_kec.values())), num(len(tps)),
                 num(voters), *(num(sum(n[c] for n in by_kab.values())) for c in CLASS_ORDER)))
    table: list[Text | Grid] = [Grid(header, tuple(rows), (0.2, 0.17, 0.08, 0.07, 0.1, 0.1,
                                                          0.08, 0.08, 0.12), total=True)]
    if unknown:
        table.append(Text(f"{num(unknown)} TPS tanpa pos tidak tercatat kelasnya pada tabel "
                          "per kabupaten/kota.", "note"))
    return Section("1. Situasi", (
        Section("1.1 Umum", (Text(general),)),
        Section("1.2 Wilayah", (Text(terrain),)),
        Section("1.3 Kerawanan TPS", (*(Text(x) for x in vulnerable), *table)),
        Section("1.4 Peta", (Figure("Sebaran TPS menurut kerawanan, pos pengamanan, titik "
                                    "siaga cadangan dan Mapolres."),)),
    ))


def _races_text(ix: PlanView) -> str:
    """`` untuk pemilihan Gubernur dan Wakil Gubernur (2 pasangan calon) dan ...``, or ""."""
    by_office: dict[str, list[int]] = defaultdict(list)
    for race in ix.scenario.races:
        by_office[race.office].append(race.pairs)
    parts = []
    for office, pairs in by_office.items():
        what = OFFICE.get(office, office.capitalize())
        count = f"{num(len(pairs))} pemilihan " if len(pairs) > 1 else "pemilihan "
        parts.append(f"{count}{what} ({num(sum(pairs))} pasangan calon)")
    return f" untuk {_and(parts)}" if parts else ""


def _mission(ix: PlanView, head: Heading) -> Section:
    plan = ix.plan
    guards = sum(1 for a in plan.assignments if a.role == Role.POST)
    korem = next((u.name for u in ix.scenario.units if u.kind == UnitKind.KOREM), "")
    helpers = []
    if plan.tni or plan.tni_posts:
        helpers.append(f"TNI dari {korem}" if korem else "TNI")
    helpers.append("Linmas")
    kinds = {d.kind for d in plan.duties}
    guarded = [what for what, present in (
        ("kantor penyelenggara", kinds & {DutyKind.KPU_OFFICE, DutyKind.BAWASLU_OFFICE,
                                          DutyKind.PPK_OFFICE}),
        ("pasangan calon", DutyKind.WALPRI in kinds)) if present]
    duties = (f"mengamankan {_and(guarded)}, " if guarded else "") + (
        "mengawal logistik pemilihan, " if DutyKind.ESCORT in kinds else "")
    reserve = (f"serta menyiagakan {num(len(plan.reserves))} tim cadangan untuk menanggulangi "
               "setiap gangguan, " if plan.reserves else "")
    text = (f"{head.unit_name} bersama {num(len(ix.polres))} Polres jajaran, dibantu "
            f"{_and(helpers)}, melaksanakan {head.operation} pada {head.period_text} untuk "
            f"mengamankan pemungutan dan penghitungan suara {head.election} tanggal "
            f"{date_id(head.voting_day)} di "
            f"{num(len(ix.scenario.tps))} TPS wilayah hukum {head.unit_name}: menjaga setiap "
            f"TPS dengan pola pengamanan sesuai kerawanannya ({num(len(plan.posts))} pos, "
            f"{num(guards)} personel), {duties}{reserve}agar seluruh tahapan berlangsung aman, "
            "tertib dan lancar.")
    return Section("2. Misi", (Text(text),))


def _force(ix: PlanView, cv: CommandView) -> Section:
    plan = ix.plan
    rows = balances(ix)
    own_polres = sum(b.available for b in rows if b.code != POOL)
    pool = next((b for b in rows if b.code == POOL), None)
    total = len(ix.scenario.officers)
    polri = (f"Kekuatan Polri {num(total)} personel: {num(own_polres)} personel Polres dan "
             f"{num(pool.available if pool else 0)} personel {ix.unit_name(POOL)}"
             + (f", {num(pool.lent)} di antaranya di-BKO-kan ke Polres" if pool and pool.lent
                else "") + ".")
    header = ("Satuan", "TPS", "Pos", "Personel sendiri", "BKO diterima", "Komando dan staf",
              "Pawas", "Tugas", "Di TPS", "Cadangan", "Kekurangan")
    table: list[tuple[str, ...]] = [
        (b.name, num(b.tps), num(b.posts), num(b.available),
         num(b.bko_in) if b.code != POOL else f"−{num(b.lent)}" if b.lent else "0",
         num(b.command),
         num(b.supervising), num(b.duties), num(b.at_tps), num(b.reserve), num(b.shortage))
        for b in rows]
    table.append(("Jumlah", *(num(sum(getattr(b, f) for b in rows)) for f in (
        "tps", "posts", "available")), num(sum(b.bko_in for b in rows if b.code != POOL)),
        *(num(sum(getattr(b, f) for b in rows)) for f in (
            "command", "supervising", "duties", "at_tps", "reserve", "shortage"))))
    by_role: Counter[Role] = Counter(a.role for a in plan.assignments)
    roles = (("Komando dan staf (Kaops, Wakaops, staf Posko, Kapolsek)",
              num(by_role[Role.COMMAND])),
             ("Perwira pengawas (Pawas) atas klaster pos", num(by_role[Role.SUPERVISOR])),
             ("Penjaga TPS (bintara dan tamtama, berpasangan)", num(by_role[Role.POST])),
             ("Tugas (kantor, walpri, pengawalan)", num(by_role[Role.DUTY])),
             ("Cadangan (anggota tim dan Danton)", num(by_role[Role.RESERVE])),
             ("Jumlah", num(len(plan.assignments))))
    total_row = next((a for a in plan.tni if a.unit_code == "total"), None)
    tni_available = total_row.available if total_row else sum(
        c.personnel for c in ix.scenario.tni)
    korem = next((u.name for u in ix.scenario.units if u.kind == UnitKind.KOREM), "TNI")
    if total_row:
        tni = (f"{korem}: {num(tni_available)} prajurit tersedia; {num(total_row.static)} "
               f"di pos statis TPS sangat rawan dan {num(total_row.mobile)} dalam "
               f"{num(total_row.mobile_teams)} tim mobile per {ix.levels.lower} (rincian per Kodim "
               "pada bagian 6).")
    else:
        tni = (f"{num(tni_available)} prajurit TNI tercatat; rencana ini tidak menempatkan "
               "TNI." if tni_available else "Rencana ini tidak melibatkan TNI.")
    linmas_have = sum(c.personnel for c in ix.scenario.linmas)
    linmas_need = sum(p.linmas for p in plan.posts) + sum(
        x.needed - x.available for x in plan.linmas_short)
    short = sum(x.needed - x.available for x in plan.linmas_short)
    linmas = (f"{num(linmas_have)} Linmas tersedia dari pemerintah daerah; pos-pos membutuhkan "
              f"{num(linmas_need)} ({LINMAS_PER_TPS} per TPS)"
              + (f", kurang {num(short)} di {num(len(plan.linmas_short))} desa/kelurahan."
                 if short else ", seluruhnya terpenuhi."))
    return Section("3. Kekuatan", (
        Section("3.1 Polri", (
            Text(polri),
            Grid(header, tuple(table), (0.2, 0.06, 0.06, 0.09, 0.08, 0.09, 0.07, 0.07, 0.07,
                                        0.09, 0.12), total=True),
            Text(BALANCE_NOTE, "note"),
            Grid(("Peran dalam operasi", "Personel"), roles, (0.8, 0.2), total=True))),
        Section("3.2 TNI", (Text(tni),)),
        Section("3.3 Linmas", (Text(linmas),)),
    ))


def _posts_text(posts: Sequence[Post]) -> str:
    """``2 pos sangat rawan (pola 2-1-2), 5 pos kurang rawan (pola 2-8-16, 2-5-10)``."""
    by_class: dict[RiskClass, list[Post]] = defaultdict(list)
    for p in posts:
        by_class[p.risk_class].append(p)
    parts = []
    for c in CLASS_ORDER:
        group = by_class.get(c, [])
        if not group:
            continue
        patterns = [pat for pat, _ in Counter(pattern(p) for p in group).most_common()]
        shown = ", ".join(patterns[:3]) + (" dan lainnya" if len(patterns) > 3 else "")
        parts.append(f"{num(len(group))} pos {c.label_id} (pola {shown})")
    return _and(parts)


def _team_text(ix: PlanView, cv: CommandView, t: ReserveTeam) -> str:
    """``Dalmas Kerinci 1 (Peleton Dalmas Samapta, 30 personel, siaga di Polsek X, Danton
    Ipda Y)``."""
    danton = f"Danton {rank_name(cv.danton(t))}" if t.leader_nrp else "belum ada Danton"
    return (f"{cv.team_name(t)} ({RESERVE_KIND_LABEL.get(t.kind, t.kind.value)}, "
            f"{num(t.size)} personel, siaga di {ix.staging_name(t)}, {danton})")


def _deployment(ix: PlanView, cv: CommandView) -> Section:
    plan = ix.plan
    posts_by_class: dict[RiskClass, list[Post]] = defaultdict(list)
    for p in plan.posts:
        posts_by_class[p.risk_class].append(p)
    people: Counter[RiskClass] = Counter(
        ix.posts[a.target_id].risk_class for a in plan.assignments if a.role == Role.POST)
    counts = _class_counts(ix)
    class_rows = []
    for c in CLASS_ORDER:
        group = posts_by_class.get(c, [])
        patterns = Counter(pattern(p) for p in group).most_common(4)
        class_rows.append((c.label_id, num(counts[c]), num(len(group)), num(people[c]),
                           ", ".join(f"{pat} ({num(n)} pos)" for pat, n in patterns) or "—"))
    concept = ("Setiap TPS dijaga dengan pola a-b-c: a personel Polri, berpasangan, "
               "mengamankan b TPS dibantu c Linmas, menurut kerawanan TPS. Pos diawasi "
               "perwira pengawas (Pawas) per klaster pos, dan pengamanan TPS di tiap "
               f"{ix.levels.lower} dipimpin Kapolsek sebagai Kasubsatgas Pam TPS.")
    blocks: list[Text | Grid | Section] = [
        Text(concept),
        Grid(("Kategori", "TPS", "Pos", "Personel", "Pola terbanyak"), tuple(class_rows),
             (0.16, 0.1, 0.1, 0.1, 0.54))]
    equipment = cv.equipment_totals(plan.posts)
    blocks.append(Text("Perlengkapan pos: " + _and(
        [f"{equipment_label(item)} {num(n)} di {num(carrying)} pos"
         for item, n, carrying in equipment]) + "." if equipment
        else "Profil tidak menetapkan perlengkapan pos."))
    subsections = [Section("4.1 Konsep pengamanan TPS", tuple(blocks))]
    kapolsek: Counter[str] = Counter(ix.owner_of_target(a) for a in cv.kapolsek.values())
    balance = {b.code: b for b in balances(ix)}
    for i, owner in enumerate(ix.owners(), start=2):
        subsections.append(Section(f"4.{i} {ix.unit_name(owner)}",
                                   tuple(Text(x) for x in _owner_texts(ix, cv, owner,
                                                                       balance[owner],
                                                                       kapolsek[owner]))))
    return Section("4. Pelaksanaan: penggelaran per Polres", tuple(subsections))


def _owner_texts(ix: PlanView, cv: CommandView, owner: str, b: Balance,
                 kapolsek: int) -> list[str]:
    """The paragraphs of one Polres (or the Polda pool) in the Pelaksanaan."""
    name = ix.unit_name(owner)
    posts = [p for p in ix.plan.posts if p.polres_code == owner]
    texts = []
    if owner != POOL:
        kec = {ancestor_at(t.desa_code, RegionLevel.KECAMATAN) for t in ix.scenario.tps
               if ix.polres_of_tps(t) == owner}
        clusters = cv.supervisions_of(owner)
        led = sum(1 for c in clusters if c.nrp)
        first = (f"{name} mengamankan {num(b.tps)} TPS di {num(len(kec))} {ix.levels.lower} dengan "
                 f"{num(len(posts))} pos" + (f": {_posts_text(posts)}" if posts else "") + ". ")
        if posts:
            first += f"Penjaga TPS {num(b.at_tps)} personel (berpasangan)"
            if led:
                first += f", diawasi {num(led)} Pawas dalam {num(len(clusters))} klaster pos"
            if kapolsek:
                first += ((", " if not led else "; ") + f"{num(kapolsek)} Kapolsek memimpin "
                          f"pengamanan TPS di {ix.levels.lower}nya sebagai Kasubsatgas Pam TPS.")
            else:
                first += (", tanpa Pawas dan tanpa Kapolsek" if not led else "; tanpa "
                          "Kapolsek") + ": pos-pos dikendalikan langsung oleh Polres."
        texts.append(first.strip())
        if b.bko_in:
            texts.append(f"Menerima BKO {num(b.bko_in)} personel dari {ix.unit_name(POOL)}.")
        equipment = cv.equipment_totals(posts)
        if equipment:
            texts.append("Perlengkapan pos: " + _and(
                [f"{equipment_label(item)} {num(n)}" for item, n, _ in equipment]) + ".")
    else:
        texts.append(f"{name} memegang komando operasi dan satuan-satuan Polda"
                     + (f", dan mengirim {num(b.lent)} personel sebagai BKO ke Polres"
                        if b.lent else "") + ".")
    duties = [d for d in ix.plan.duties if d.unit_code == owner]
    if duties:
        kinds: dict[str, list[int]] = defaultdict(list)
        for d in duties:
            kinds[DUTY_LABEL.get(d.kind, d.kind.value)].append(len(ix.by_target.get(d.duty_id,
                                                                                      [])))
        texts.append("Tugas: " + _and([f"{_lower_first(label)} {num(len(n))} sasaran "
                                       f"({num(sum(n))} personel)"
                                       for label, n in kinds.items()]) + ".")
    teams = cv.teams_of(owner)
    if teams:
        texts.append("Cadangan: " + "; ".join(_team_text(ix, cv, t) for t in teams) + ".")
    elif owner != POOL:
        texts.append(f"Tidak ada tim cadangan {name}; cadangan dari {ix.unit_name(POOL)}.")
    if b.shortage:
        texts.append(f"Masih kurang {num(b.shortage)} personel (bagian 8).")
    uncovered = sum(1 for t in ix.plan.uncovered if t in ix.tps
                    and ix.polres_of_tps(ix.tps[t]) == owner)
    if uncovered:
        texts.append(f"{num(uncovered)} TPS tidak terjaga (bagian 8).")
    return texts


def _reserves(ix: PlanView, cv: CommandView, reach: dict[str, _Reach]) -> Section:
    teams = ix.plan.reserves
    if not teams:
        return Section("5. Cadangan", (Text("Rencana ini tidak membentuk tim cadangan."),))
    kinds = Counter(RESERVE_KIND_LABEL.get(t.kind, t.kind.value) for t in teams)
    led = sum(1 for t in teams if t.leader_nrp)
    intro = (f"{num(len(teams))} tim cadangan, {num(sum(t.size for t in teams))} personel, "
             "dibentuk sebagai satuan utuh dengan Danton: "
             + _and([f"{num(n)} {k}" for k, n in kinds.items()])
             + f". {num(led)} dari {num(len(teams))} tim dipimpin Danton. Tim cadangan Polres "
             f"digerakkan oleh Kaopsres; tim cadangan {ix.unit_name(POOL)} digerakkan oleh "
             "Kaops atas permintaan Kaopsres.")
    rows = tuple((cv.team_name(t), RESERVE_KIND_LABEL.get(t.kind, t.kind.value),
                  ix.unit_name(t.owner_code),
                  rank_name(cv.danton(t)) if t.leader_nrp else "belum ada Danton",
                  ix.staging_name(t), num(t.size)) for t in teams)
    words = []
    for t in teams:
        r = reach[t.team_id]
        if not r.tps:
            words.append(f"{cv.team_name(t)}, siaga di {ix.staging_name(t)}: bukan tim "
                         "terdekat bagi TPS rawan atau sangat rawan mana pun; cadangan lapis "
                         "kedua.")
            continue
        within = ("seluruhnya" if r.within == r.tps else
                  f"{num(r.within)} di antaranya" if r.within else "belum satu pun")
        words.append(f"{cv.team_name(t)}, siaga di {ix.staging_name(t)}: tim terdekat bagi "
                     f"{num(r.tps)} TPS rawan dan sangat rawan, {within} dapat dicapai dalam "
                     f"{REACH_MINUTES} menit; yang terjauh sekitar "
                     f"{num(round(r.farthest_min))} menit.")
    return Section("5. Cadangan", (
        Text(intro),
        Grid(("Tim (sandi panggilan)", "Jenis", "Satuan", "Danton", "Titik siaga", "Anggota"),
             rows, (0.2, 0.18, 0.16, 0.2, 0.16, 0.1), numeric_from=5),
        Section("5.1 Jangkauan", (Items(tuple(words)),)),
    ))


def _tni_linmas(ix: PlanView, cv: CommandView) -> Section:
    plan = ix.plan
    tni_rows = tuple((cv.tni_unit_name(a.unit_code), num(a.static), num(a.mobile_teams),
                      num(a.mobile), num(a.available), num(a.short)) for a in cv.tni_of(POOL))
    static = sum(1 for p in plan.tni_posts if p.kind == "static")
    if plan.tni_posts or plan.tni:
        tni_text = (f"TNI ditempatkan di bawah kendali operasi Polri (BKO): {num(static)} pos "
                    f"statis di TPS sangat rawan dan {num(len(plan.tni_posts) - static)} tim "
                    f"mobile per {ix.levels.lower}. Kolom kekurangan: yang tidak dapat "
                    "dipenuhi Kodim sendiri; pada baris jumlah: yang tidak dapat ditutup Korem.")
    else:
        tni_text = "Tidak ada penempatan TNI dalam rencana ini."
    tni: list[Text | Grid] = [Text(tni_text)]
    if tni_rows:
        tni.append(Grid(("Kodim", "Prajurit pos statis", "Tim mobile", "Prajurit mobile",
                         "Tersedia", "Kekurangan"), tni_rows,
                        (0.3, 0.14, 0.14, 0.14, 0.14, 0.14),
                        total=any(r[0].startswith("Jumlah") for r in tni_rows[-1:])))
    linmas: list[Text | Grid] = []
    short = sorted(plan.linmas_short, key=lambda x: (-(x.needed - x.available), x.desa_code))
    if short:
        total = sum(x.needed - x.available for x in short)
        worst = _and([f"{cv.desa_label(x.desa_code)} (kurang {num(x.needed - x.available)})"
                      for x in short[:5]])
        linmas.append(Text(f"{num(len(short))} desa/kelurahan kekurangan Linmas, jumlah "
                           f"{num(total)} orang; terbanyak di {worst}. Kekurangan diajukan ke "
                           "pemerintah daerah; rincian per desa di lembar Kekurangan Linmas "
                           "tiap Polres."))
        rows = []
        for owner in ix.owners()[:-1]:
            mine = cv.linmas_of(owner)
            if mine:
                rows.append((ix.unit_name(owner), num(len(mine)),
                             num(sum(x.needed for x in mine)),
                             num(sum(x.available for x in mine)),
                             num(sum(x.needed - x.available for x in mine))))
        linmas.append(Grid(("Polres", "Desa/kel kurang", "Dibutuhkan", "Tersedia", "Kurang"),
                           tuple(rows), (0.36, 0.16, 0.16, 0.16, 0.16)))
    else:
        linmas.append(Text(f"Setiap TPS mendapat {LINMAS_PER_TPS} Linmas; tidak ada "
                           "desa/kelurahan yang kekurangan Linmas."))
    return Section("6. TNI dan Linmas", (Section("6.1 TNI per Kodim", tuple(tni)),
                                         Section("6.2 Linmas", tuple(linmas))))


def _commanders(ix: PlanView, cv: CommandView, owner: str) -> list[Assignment]:
    """The owner's commanders at its own headquarters, head first (the Kaops or Kaopsres,
    then his deputy): command rows whose target is the Polda or Polres itself."""
    own = ix.polda.code if owner == POOL and ix.polda else owner
    return [a for a in cv.command.get(owner, []) if a.target_id == own]


def _who(cv: CommandView, a: Assignment | None) -> str:
    """``AKBP Jarwadi Iswahyudi (Kapolres Kerinci)``: the officer with the post he holds."""
    if a is None:
        return "—"
    o = cv.officer(a.nrp)
    position = (o.position if o and o.position else "") or a.position
    text = rank_name(o)
    return f"{text} ({position})" if position and not position.lower().startswith(
        ("kaops", "wakaops")) else text


def _control(ix: PlanView, cv: CommandView, head: Heading) -> Section:
    pool = _commanders(ix, cv, POOL)
    kaops = pool[0] if pool else None
    polda_phone = ix.polda.phone if ix.polda else None
    lead = [f"Kaops {head.operation}: {_who(cv, kaops)}, berkedudukan di Posko "
            f"{ix.unit_name(POOL)}" + (f" (telepon {polda_phone})" if polda_phone else "")
            + "."]
    others = [a for a in pool[1:] if not a.position.lower().startswith(("staf", "perwira",
                                                                          "padal"))]
    if others:
        lead.append("Unsur pimpinan Posko Polda: " + "; ".join(_who(cv, a) for a in others)
                    + ".")
    rows = []
    missing_phone = []
    headless: list[str] = []
    for owner in ix.owners()[:-1]:
        heads = _commanders(ix, cv, owner)
        unit = ix.units.get(owner)
        phone = unit.phone if unit and unit.phone else "—"
        if phone == "—":
            missing_phone.append(ix.unit_name(owner))
        kec = sorted({p.kecamatan_code for p in ix.plan.posts if p.polres_code == owner})
        with_kapolsek = [k for k in kec if k in cv.kapolsek]
        headless += [f"{cv.kecamatan_label(k)} ({ix.unit_name(owner)})" for k in kec
                     if k not in cv.kapolsek]
        clusters = cv.supervisions_of(owner)
        deputy = next((a for a in heads[1:] if a.position.lower().startswith("waka")), None)
        rows.append((ix.unit_name(owner), _who(cv, heads[0]) if heads else "belum ditetapkan",
                     _who(cv, deputy) if deputy else "—", phone,
                     f"{num(len(with_kapolsek))} dari {num(len(kec))} {ix.levels.lower}",
                     f"{num(sum(1 for c in clusters if c.nrp))} dari {num(len(clusters))}",
                     ", ".join(cv.team_name(t) for t in cv.teams_of(owner)) or "—"))
    notes = []
    if headless:
        notes.append(f"{ix.levels.kecamatan} tanpa Kapolsek, pos-posnya dikendalikan langsung oleh "
                     "Polres: " + _and(headless) + ".")
    if missing_phone:
        notes.append("Telepon Posko belum tercatat untuk " + _and(missing_phone)
                     + "; isi sebelum ditandatangani.")
    chain = ("Setiap kejadian di TPS dilaporkan berjenjang: penjaga TPS melapor kepada "
             "Pawas dan Kapolsek (Kasubsatgas Pam TPS); Kapolsek melapor ke Posko Polres "
             "(Kaopsres) dan meminta tim cadangan Polres bila perlu; bila melampaui kemampuan "
             "Polres, Kaopsres meminta bantuan Posko Polda (Kaops), yang menggerakkan cadangan "
             "Polda dan meminta dukungan TNI.")
    comms = (f"Komunikasi melalui HT (radio) dengan sandi panggilan tim cadangan (bagian 5) "
             f"dan telepon Posko di atas; nomor telepon setiap personel tercantum pada "
             f"lampiran Surat Perintah dan kartu penugasan. Laporan situasi dari TPS "
             f"disampaikan saat TPS dibuka (pukul {VOTING_HOURS[0]} {head.zone}), saat "
             f"pemungutan suara ditutup (pukul {VOTING_HOURS[1]} {head.zone}) dan setelah "
             "penghitungan suara selesai.")
    return Section("7. Kendali dan komunikasi", (
        Section("7.1 Susunan komando", (
            *(Text(x) for x in lead),
            Grid(("Polres", "Kaopsres", "Wakaopsres", "Telepon Posko",
                  "Kapolsek (Kasubsatgas Pam TPS)", "Klaster Pawas berpawas", "Tim cadangan"),
                 tuple(rows), (0.15, 0.19, 0.16, 0.12, 0.13, 0.1, 0.15), numeric_from=7),
            *(Text(x) for x in notes))),
        Section("7.2 Rantai pelaporan", (
            Text("TPS → Polsek → Polres → Polda"), Text(chain))),
        Section("7.3 Komunikasi", (Text(comms),)),
    ))


#: The planner's words for a floor ("batas bawah": a reserve cut no further) as the body
#: says them, so that no planner's term reads as an optimiser's bound in the signed text.
STAFF_WORDS = (("batas bawah", "batas minimal"),)


def _staff_words(text: str) -> str:
    for planner, staff in STAFF_WORDS:
        text = text.replace(planner, staff)
    return text


def _shortfalls(ix: PlanView, cv: CommandView) -> Section:
    given_up = cv.shortfalls_of(None)
    blocks: list[Text | Items | Grid] = []
    if given_up:
        blocks.append(Text("Karena personel tidak mencukupi, rencana melepas hal-hal berikut, "
                           "yang pertama dilepas paling atas:"))
        blocks.append(Items(tuple(
            _staff_words(x.text_id)
            + (f"; BKO {num(x.bko)} personel memulihkannya." if x.bko else ".")
            for x in given_up), numbered=True))
        blocks.append(Text(f"BKO {num(sum(x.bko for x in given_up))} personel akan memulihkan "
                           "semuanya."))
    uncovered = [t for t in ix.plan.uncovered if t in ix.tps]
    if uncovered:
        named = []
        for t in uncovered[:UNCOVERED_LISTED]:
            s = ix.tps[t]
            kec = ancestor_at(s.desa_code, RegionLevel.KECAMATAN)
            named.append(f"{cv.tps_label(t)} ({cv.kecamatan_label(kec)}, "
                         f"{ix.unit_name(ix.polres_of_tps(s))})")
        more = len(uncovered) - len(named)
        blocks.append(Text(f"{num(len(uncovered))} TPS tidak terjaga: " + "; ".join(named)
                           + (f"; dan {num(more)} TPS lainnya." if more > 0 else ".")))
    short = sum(x.needed - x.available for x in ix.plan.linmas_short)
    if short:
        blocks.append(Text(f"Linmas kurang {num(short)} orang di "
                           f"{num(len(ix.plan.linmas_short))} desa/kelurahan (bagian 6)."))
    if not blocks:
        blocks.append(Text("Tidak ada: kekuatan cukup untuk seluruh rencana."))
    return Section("8. Kekurangan", tuple(blocks))


# --- the technical annex --------------------------------------------------------------------


def _p95_note(m: PlanMetrics | None) -> str:
    if m is None:
        return "Rencana ini tidak membawa ukuran perencana."
    if m.reserve_eta_p95_min is None:
        return "Tidak ada TPS rawan atau sangat rawan yang harus dijangkau tim cadangan."
    return (f"95% TPS rawan dan sangat rawan terjangkau tim cadangan terdekat dalam "
            f"{num(m.reserve_eta_p95_min, 1)} menit (p95, model perjalanan profil).")


def _annex(ix: PlanView, cv: CommandView, reach: dict[str, _Reach]) -> tuple[Section, ...]:
    m = ix.plan.metrics
    metric_rows = []
    if m:
        for key, label, digits in METRIC_LABELS:
            value = getattr(m, key)  # a bound is None where none was computed
            metric_rows.append((label, "—" if value is None else num(float(value), digits)))
    travel = Travel()
    method = (f"Jangkauan pada bagian 5 dihitung dari jarak garis lurus ke TPS rawan dan sangat "
              f"rawan yang tim itu paling dekat (tim Polres untuk TPS Polresnya, tim Polda untuk "
              f"semua TPS), dikali faktor belokan jalan {num(travel.detour, 2)}, pada kecepatan "
              f"bawaan profil {num(travel.city_kmh)} km/jam (kota), {num(travel.rural_kmh)} "
              f"km/jam (pedesaan) dan {num(travel.remote_kmh)} km/jam (terpencil).")
    reach_rows = tuple((cv.team_name(t), ix.unit_name(t.owner_code), num(reach[t.team_id].tps),
                        num(reach[t.team_id].within), num(reach[t.team_id].farthest_min, 1),
                        num(reach[t.team_id].farthest_km, 1)) for t in ix.plan.reserves)
    sections = [Section("L.1 Ukuran rencana", (
        Grid(("Ukuran", "Nilai"), tuple(metric_rows), (0.75, 0.25)) if metric_rows
        else Text("Rencana ini tidak membawa ukuran perencana."),))]
    sections.append(Section("L.2 Waktu tempuh cadangan", (
        Text(_p95_note(m)), Text(method),
        *((Grid(("Tim", "Satuan", "TPS rawan/sangat rawan terdekat",
                 f"Dalam {REACH_MINUTES} menit", "Terjauh (menit)",
                 "Terjauh (km, garis lurus)"), reach_rows,
                (0.22, 0.2, 0.16, 0.14, 0.14, 0.14)),) if reach_rows else ()))))
    sections.append(Section(f"L.3 {INFERRED_TITLE}", (
        Items(tuple(ix.plan.inferred)) if ix.plan.inferred else Text(INFERRED_NONE),)))
    uncovered = []
    for t in ix.plan.uncovered:
        s = ix.tps.get(t)
        if s:
            uncovered.append((cv.tps_label(t), t, ix.unit_name(ix.polres_of_tps(s)),
                              ix.kecamatan_name(ancestor_at(s.desa_code,
                                                            RegionLevel.KECAMATAN))))
    sections.append(Section("L.4 TPS tidak terjaga", (
        Grid(("TPS", "ID TPS (KPU)", "Polres", ix.levels.kecamatan), tuple(uncovered),
             (0.35, 0.2, 0.25, 0.2), numeric_from=4) if uncovered
        else Text("Tidak ada: semua TPS terjaga."),)))
    sections.append(Section("L.5 Sumber", (Text(
        "Dibuat oleh PollGuard dari rencana dan skenario. Data personel bersifat terbatas: "
        "simpan dan bagikan menurut klasifikasi dokumen ini.", "note"),)))
    return tuple(sections)


def _reach(ix: PlanView) -> dict[str, _Reach]:
    """Team -> what it is the nearest team to among the rawan and sangat rawan TPS (a Polres
    team serves its own TPS and a Polda team any TPS, as the planner stages them), and how
    many of those it reaches within ``REACH_MINUTES`` at the profile's default speeds."""
    teams: dict[str, list[ReserveTeam]] = defaultdict(list)
    for team in ix.plan.reserves:
        teams[team.owner_code].append(team)
    travel = GreatCircleTravel(Travel())
    urban = urban_desa(ix.scenario.regions)
    remote = {o.tps_id for o in ix.scenario.observations
              if o.indicator in Travel().remote_indicators and o.value > 0}
    found: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for t in ix.scenario.tps:
        if ix.class_of(t.tps_id) not in (RiskClass.RAWAN, RiskClass.SANGAT_RAWAN):
            continue
        options = teams.get(ix.polres_of_tps(t), []) + teams.get(POOL, [])
        if not options:
            continue
        dist, team_id, lat, lon = min((km(t.lat, t.lon, x.lat, x.lon), x.team_id, x.lat, x.lon)
                                      for x in options)
        area = "city" if t.desa_code in urban else "remote" if t.tps_id in remote else "rural"
        found[team_id].append((dist, travel.minutes(lat, lon, t.lat, t.lon, area=area)))
    out = {}
    for team in ix.plan.reserves:
        got = found.get(team.team_id, [])
        out[team.team_id] = _Reach(
            len(got), sum(1 for _, minutes in got if minutes <= REACH_MINUTES),
            max((minutes for _, minutes in got), default=0.0),
            max((dist for dist, _ in got), default=0.0)) if got else _Reach()
    return out


__all__ = ["ANNEX", "REACH_MINUTES", "write", "write_plan_summary"]
