"""The Rencana Pengamanan (HTML and PDF): the force balance, who commands and supervises,
posts per class, the reserve teams with their Danton, TNI per Kodim, Linmas shortfalls, what a
short force gave up (in order, with the BKO that restores it), equipment and a map, for the
briefing and the tactical floor game (TFG). The figures are computed once and drawn twice: a
self-contained HTML page that opens offline on any laptop, and an A4 PDF for the file and the
TFG table."""

from __future__ import annotations

import html
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Paragraph, Spacer

from pollguard.domain.command import POOL
from pollguard.domain.plan import Plan, PlanMetrics, Post, ReserveTeam, Role
from pollguard.domain.regions import RegionLevel, ancestor_at
from pollguard.domain.risk import RiskClass
from pollguard.domain.scenario import Scenario
from pollguard.planning.geometry import km
from pollguard.planning.view import PlanView
from pollguard.reports import pdf
from pollguard.reports.numbers import NUMBER, num
from pollguard.reports.plan_docs import plan_map
from pollguard.reports.plan_docs.balance import balances
from pollguard.reports.plan_docs.command import (
    RESERVE_KIND_LABEL,
    CommandView,
    equipment_label,
    rank_name,
)
from pollguard.reports.plan_docs.common import CLASS_ORDER, pattern

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
    ("lp_bound_km", "Batas bawah jarak tempuh (km)", 1),
    ("gap", "Selisih terhadap batas bawah", 4),
    ("reserve_eta_p95_min", "Waktu tempuh cadangan ke TPS rawan/sangat rawan, p95 (menit)", 1),
    ("seconds", "Waktu hitung rencana (detik)", 1),
)


@dataclass(frozen=True)
class _Summary:
    """The figures both renderings show, computed once."""

    title: str
    subtitle: str
    headline: list[tuple[str, str]]
    balance_header: tuple[str, ...]
    balance_rows: Sequence[Sequence[str]]
    class_header: tuple[str, ...]
    class_rows: Sequence[Sequence[str]]
    reserve_header: tuple[str, ...]
    reserve_rows: Sequence[Sequence[str]]
    reserve_note: str
    metric_rows: list[tuple[str, str]]
    uncovered_rows: Sequence[Sequence[str]]
    role_rows: Sequence[Sequence[str]]
    command_rows: Sequence[Sequence[str]]
    tni_rows: Sequence[Sequence[str]]
    tni_note: str
    linmas_rows: Sequence[Sequence[str]]
    linmas_note: str
    shortfall_rows: Sequence[Sequence[str]]
    shortfall_note: str
    equipment_rows: Sequence[Sequence[str]]
    inferred: Sequence[str]


def _summary(ix: PlanView) -> _Summary:
    plan, info = ix.plan, ix.scenario.info
    rows = balances(ix)
    cv = CommandView(ix)
    balance_rows: list[tuple[str, ...]] = [
        (b.name, num(b.tps), num(b.posts), num(b.available), num(b.command),
         num(b.supervising), num(b.duties), num(b.at_tps), num(b.reserve),
         num(b.bko_in) if b.code != POOL else f"−{num(b.lent)}",
         num(b.shortage), num(b.uncovered)) for b in rows]
    balance_rows.append(("Jumlah", *(num(sum(getattr(b, f) for b in rows)) for f in (
        "tps", "posts", "available", "command", "supervising", "duties", "at_tps",
        "reserve")), num(plan.metrics.bko) if plan.metrics else "",
        num(sum(b.shortage for b in rows)), num(len(plan.uncovered))))
    tps_by_class: Counter[RiskClass | None] = Counter(ix.class_of(t.tps_id)
                                                      for t in ix.scenario.tps)
    if plan.metrics:  # the planner's own count includes the class of uncovered TPS
        known = {RiskClass(k): v for k, v in plan.metrics.tps_by_class.items()}
        tps_by_class = Counter(known)
    posts_by_class: dict[RiskClass, list[Post]] = defaultdict(list)
    for p in plan.posts:
        posts_by_class[p.risk_class].append(p)
    people_by_class: Counter[RiskClass] = Counter(
        ix.posts[a.target_id].risk_class for a in plan.assignments if a.role == Role.POST)
    class_rows = []
    for c in CLASS_ORDER:
        posts = posts_by_class.get(c, [])
        patterns = Counter(pattern(p) for p in posts).most_common(4)
        class_rows.append((c.label_id, num(tps_by_class[c]), num(len(posts)),
                           num(people_by_class[c]),
                           ", ".join(f"{pat} ({num(n)})" for pat, n in patterns) or "—"))
    reach = _reach(ix)
    reserve_rows = [(cv.team_name(t), RESERVE_KIND_LABEL.get(t.kind, t.kind.value),
                     ix.unit_name(t.owner_code), rank_name(cv.danton(t)) if t.leader_nrp
                     else "belum ada Danton", ix.staging_name(t), num(t.size),
                     num(reach[t.team_id][0]), num(reach[t.team_id][1], 1))
                    for t in plan.reserves]
    m = plan.metrics
    led = sum(1 for t in plan.reserves if t.leader_nrp)
    reserve_note = (f"{num(len(plan.reserves))} tim, {num(sum(t.size for t in plan.reserves))}"
                    f" personel; {num(led)} tim dipimpin Danton. " + _p95_note(m))
    metric_rows = []
    if m:
        for key, label, digits in METRIC_LABELS:
            value = getattr(m, key)  # a bound is None where none was computed
            metric_rows.append((label, "—" if value is None else num(float(value), digits)))
    uncovered_rows = []
    for t in plan.uncovered:
        s = ix.tps.get(t)
        if s:
            uncovered_rows.append((cv.tps_label(t), t, ix.unit_name(ix.polres_of_tps(s)),
                                   ix.kecamatan_name(ancestor_at(s.desa_code,
                                                                 RegionLevel.KECAMATAN))))
    people = len(plan.assignments)
    by_role: Counter[Role] = Counter(a.role for a in plan.assignments)
    headline = [("TPS", num(len(ix.scenario.tps))), ("Pos", num(len(plan.posts))),
                ("Personel diplot", num(people)),
                ("Komando", num(by_role[Role.COMMAND])),
                ("Pawas", num(by_role[Role.SUPERVISOR])),
                ("Di TPS", num(by_role[Role.POST])),
                ("Tim cadangan", num(len(plan.reserves))),
                ("TPS tidak terjaga", num(len(plan.uncovered)))]
    role_rows = [("Komando dan staf (Kaops, Wakaops, staf Posko, Kapolsek)",
                  num(by_role[Role.COMMAND])),
                 ("Perwira pengawas (Pawas) atas klaster pos", num(by_role[Role.SUPERVISOR])),
                 ("Penjaga TPS (bintara dan tamtama, berpasangan)", num(by_role[Role.POST])),
                 ("Tugas (kantor, walpri, pengawalan)", num(by_role[Role.DUTY])),
                 ("Cadangan (anggota tim dan Danton)", num(by_role[Role.RESERVE])),
                 ("Jumlah", num(people))]
    command_rows = _command_rows(ix, cv)
    tni_rows = [(cv.tni_unit_name(a.unit_code), num(a.static), num(a.mobile_teams),
                 num(a.mobile), num(a.available), num(a.short)) for a in cv.tni_of(POOL)]
    static = sum(1 for p in plan.tni_posts if p.kind == "static")
    tni_note = (f"{num(static)} pos statis TNI di TPS sangat rawan dan "
                f"{num(len(plan.tni_posts) - static)} tim mobile per kecamatan. Kekurangan: "
                "yang tidak dapat dipenuhi Kodim sendiri; baris jumlah: yang tidak dapat "
                "ditutup Korem." if plan.tni_posts or plan.tni else
                "Tidak ada penempatan TNI dalam rencana ini.")
    linmas_rows = _linmas_rows(ix, cv)
    short_linmas = sum(x.needed - x.available for x in plan.linmas_short)
    linmas_note = (f"{num(len(plan.linmas_short))} desa/kelurahan kekurangan Linmas, jumlah "
                   f"{num(short_linmas)} orang (rincian per desa di lembar Kekurangan Linmas "
                   "tiap Polres)." if plan.linmas_short
                   else "Tidak ada desa/kelurahan yang kekurangan Linmas.")
    shortfalls = cv.shortfalls_of(None)
    shortfall_rows = [(str(x.order), cv.owner_name(x.owner), x.text_id, num(x.officers),
                       num(x.bko)) for x in shortfalls]
    restore = sum(x.bko for x in shortfalls)
    shortfall_note = (f"Urutan pelepasan ketika personel tidak cukup: yang pertama dilepas "
                      f"paling atas. BKO {num(restore)} personel akan memulihkan semuanya."
                      if shortfalls else "Tidak ada: kekuatan cukup untuk seluruh rencana.")
    equipment_rows = [(equipment_label(item), num(n), num(carrying))
                      for item, n, carrying in cv.equipment_totals(plan.posts)]
    return _Summary(
        title=f"Rencana Pengamanan TPS — {info.name}",
        subtitle=f"{info.operation} · pemungutan suara {info.voting_date:%d-%m-%Y}",
        headline=headline,
        balance_header=("Satuan", "TPS", "Pos", "Tersedia", "Komando", "Pawas", "Tugas",
                        "Di TPS", "Cadangan", "BKO diterima", "Kekurangan", "Tidak terjaga"),
        balance_rows=balance_rows,
        class_header=("Kategori", "TPS", "Pos", "Personel", "Pola terbanyak (jumlah pos)"),
        class_rows=class_rows,
        reserve_header=("Tim (sandi panggilan)", "Jenis", "Satuan", "Danton", "Titik siaga",
                        "Anggota", "TPS rawan/sangat rawan terdekat",
                        "Terjauh (km, garis lurus)"),
        reserve_rows=reserve_rows,
        reserve_note=reserve_note,
        metric_rows=metric_rows,
        uncovered_rows=uncovered_rows,
        role_rows=role_rows,
        command_rows=command_rows,
        tni_rows=tni_rows,
        tni_note=tni_note,
        linmas_rows=linmas_rows,
        linmas_note=linmas_note,
        shortfall_rows=shortfall_rows,
        shortfall_note=shortfall_note,
        equipment_rows=equipment_rows,
        inferred=tuple(plan.inferred),
    )


def _p95_note(m: PlanMetrics | None) -> str:
    if m is None:
        return ""
    if m.reserve_eta_p95_min is None:
        return "Tidak ada TPS rawan atau sangat rawan yang harus dijangkau tim cadangan."
    return (f"95% TPS rawan dan sangat rawan terjangkau tim cadangan terdekat dalam "
            f"{num(m.reserve_eta_p95_min, 1)} menit.")


COMMAND_HEADER = ("Satuan", "Komando dan staf", "Kapolsek (Kasubsatgas Pam TPS)", "Pawas",
                  "Penjaga TPS", "Tim cadangan", "Tim dengan Danton")


def _command_rows(ix: PlanView, cv: CommandView) -> list[tuple[str, ...]]:
    """Per owner: command and staff, the Kapolsek among them, Pawas, guards and reserve
    teams with and without a Danton."""
    kapolsek: Counter[str] = Counter(ix.owner_of_target(a) for a in cv.kapolsek.values())
    guards: Counter[str] = Counter(ix.owner_of_target(a) for a in ix.plan.assignments
                                   if a.role == Role.POST)
    counts = []
    for owner in ix.owners():
        teams = cv.teams_of(owner)
        counts.append((ix.unit_name(owner), (
            len(cv.command.get(owner, [])), kapolsek[owner],
            len(cv.supervising.get(owner, [])), guards[owner], len(teams),
            sum(1 for t in teams if t.leader_nrp))))
    totals = tuple(sum(c[i] for _, c in counts) for i in range(len(COMMAND_HEADER) - 1))
    return [(name, *(num(v) for v in c)) for name, c in (*counts, ("Jumlah", totals))]


def _linmas_rows(ix: PlanView, cv: CommandView) -> list[tuple[str, ...]]:
    """Linmas shortfalls per Polres: desa short and Linmas short."""
    rows: list[tuple[str, ...]] = []
    for owner in ix.owners()[:-1]:
        short = cv.linmas_of(owner)
        if short:
            rows.append((ix.unit_name(owner), num(len(short)),
                         num(sum(x.needed for x in short)),
                         num(sum(x.available for x in short)),
                         num(sum(x.needed - x.available for x in short))))
    return rows


def _reach(ix: PlanView) -> dict[str, tuple[int, float]]:
    """Team -> (rawan and sangat rawan TPS it is the nearest eligible team to, the farthest of
    them in straight-line km). A Polres team serves its own TPS and a Polda team any TPS, as
    the planner stages them; its p95 minutes are in the plan's metrics."""
    teams: dict[str, list[ReserveTeam]] = defaultdict(list)
    for team in ix.plan.reserves:
        teams[team.owner_code].append(team)
    out = {t.team_id: (0, 0.0) for t in ix.plan.reserves}
    for t in ix.scenario.tps:
        if ix.class_of(t.tps_id) not in (RiskClass.RAWAN, RiskClass.SANGAT_RAWAN):
            continue
        options = teams.get(ix.polres_of_tps(t), []) + teams.get(POOL, [])
        if not options:
            continue
        dist, team_id = min((km(t.lat, t.lon, x.lat, x.lon), x.team_id) for x in options)
        n, far = out[team_id]
        out[team_id] = (n + 1, max(far, dist))
    return out


BALANCE_NOTE = ("Tersedia: personel satuan itu sendiri. Tersedia + BKO diterima = Komando + "
                "Pawas + Tugas + Di TPS + Cadangan; baris Polda menunjukkan personel yang "
                "dikirim sebagai BKO (−). Kekurangan: personel yang masih kurang setelah BKO "
                "Polda.")


def write_plan_summary(plan: Plan, scenario: Scenario, out: Path) -> list[Path]:
    """``rencana_pengamanan.html`` (self-contained: opens offline on any laptop at the
    briefing) and ``rencana_pengamanan.pdf`` (for the file and the TFG table)."""
    return write(PlanView(plan, scenario), out)


def write(ix: PlanView, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    s = _summary(ix)
    html_path = out / "rencana_pengamanan.html"
    html_path.write_text(_html(s, plan_map.svg(plan_map.layout(ix, 1000))), encoding="utf-8")
    pdf_path = out / "rencana_pengamanan.pdf"
    _pdf(s, plan_map.layout(ix, pdf.WIDTH), pdf_path)
    return [html_path, pdf_path]


CSS = """
body{font-family:Helvetica,Arial,sans-serif;margin:24px auto;max-width:1100px;color:#1d2430;
padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px;color:#1a2b4c;
border-bottom:2px solid #1a2b4c;padding-bottom:3px}
.sub{color:#5b6474;margin:0 0 16px}
.tiles{display:flex;flex-wrap:wrap;gap:10px}
.tile{background:#1a2b4c;color:#fff;padding:10px 14px;border-radius:6px;min-width:120px}
.tile b{display:block;font-size:22px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border:1px solid #d3d8e0;padding:4px 7px;text-align:left}
th{background:#dce3ee}td.n{text-align:right;font-variant-numeric:tabular-nums}
tr:last-child td{font-weight:bold}.plain tr:last-child td{font-weight:normal}
.legend{display:flex;flex-wrap:wrap;gap:14px;font-size:12px;margin:6px 0}
.legend span{display:inline-flex;align-items:center;gap:5px}
.dot{width:10px;height:10px;border-radius:50%;display:inline-block}
.tri{width:0;height:0;border-left:6px solid transparent;border-right:6px solid transparent;
border-bottom:10px solid #6a1b9a;display:inline-block}
.sq{width:9px;height:9px;background:#000;display:inline-block}
.note{color:#5b6474;font-size:12px}
@media print{body{margin:0}h2{break-after:avoid}}
"""


def _html_table(header: Sequence[str], rows: Iterable[Sequence[str]], *,
                numeric_from: int = 1, plain: bool = True) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="n">{html.escape(v)}</td>' if i >= numeric_from and NUMBER.fullmatch(
                v) else f"<td>{html.escape(v)}</td>"
            for i, v in enumerate(row))
        body.append(f"<tr>{cells}</tr>")
    return (f'<table{" class=plain" if plain else ""}><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>")


UNCOVERED_HEADER = ("TPS", "ID TPS", "Polres", "Kecamatan")
ROLE_HEADER = ("Peran dalam operasi", "Personel")
TNI_HEADER = ("Kodim", "Prajurit pos statis", "Tim mobile", "Prajurit mobile", "Tersedia",
              "Kekurangan")
LINMAS_HEADER = ("Polres", "Desa/kel kurang", "Dibutuhkan", "Tersedia", "Kurang")
SHORTFALL_HEADER = ("Urutan", "Satuan", "Yang dilepas", "Personel dilepas",
                    "BKO untuk memulihkan")
EQUIPMENT_HEADER = ("Perlengkapan", "Jumlah", "Pos")
INFERRED_TITLE = "Catatan penetapan peran"
INFERRED_NONE = "Semua peran dibaca dari kolom jabatan daftar personel."


def _html(s: _Summary, svg: str) -> str:
    e = html.escape
    tiles = "".join(f'<div class="tile"><b>{e(v)}</b>{e(k)}</div>' for k, v in s.headline)
    legend = "".join(
        f'<span><i class="{"tri" if shape == "triangle" else "sq" if shape == "square" else "dot"}"'
        + (f' style="background:{c}"' if shape == "circle" else "") + f"></i>{e(label)}</span>"
        for label, c, shape in plan_map.legend())

    def table_or(header: Sequence[str], rows: Sequence[Sequence[str]], empty: str,
                 **kw: Any) -> str:
        return _html_table(header, rows, **kw) if rows else f"<p>{e(empty)}</p>"

    uncovered = table_or(UNCOVERED_HEADER, s.uncovered_rows, "Tidak ada: semua TPS terjaga.",
                         numeric_from=4)
    inferred = ("<ul>" + "".join(f"<li>{e(x)}</li>" for x in s.inferred) + "</ul>"
                if s.inferred else f"<p>{e(INFERRED_NONE)}</p>")
    return f"""<!doctype html>
<html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(s.title)}</title><style>{CSS}</style></head><body>
<h1>{e(s.title)}</h1><p class="sub">{e(s.subtitle)}</p>
<div class="tiles">{tiles}</div>
<h2>Peta</h2>{svg}<div class="legend">{legend}</div>
<h2>Susunan personel</h2>{_html_table(ROLE_HEADER, s.role_rows, plain=False)}
<h2>Komando dan pengawasan per satuan</h2>
{_html_table(COMMAND_HEADER, s.command_rows, plain=False)}
<h2>Neraca kekuatan per Polres</h2>
{_html_table(s.balance_header, s.balance_rows, plain=False)}
<p class="note">{e(BALANCE_NOTE)}</p>
<h2>Pos per kategori</h2>{_html_table(s.class_header, s.class_rows, numeric_from=1)}
<h2>Perlengkapan pos</h2>
{table_or(EQUIPMENT_HEADER, s.equipment_rows, "Profil tidak menetapkan perlengkapan pos.")}
<h2>Cadangan</h2><p>{e(s.reserve_note)}</p>
{_html_table(s.reserve_header, s.reserve_rows, numeric_from=5)}
<h2>TNI per Kodim</h2><p>{e(s.tni_note)}</p>
{table_or(TNI_HEADER, s.tni_rows, "—")}
<h2>Kekurangan Linmas</h2><p>{e(s.linmas_note)}</p>
{table_or(LINMAS_HEADER, s.linmas_rows, "")}
<h2>Yang dilepas karena kekurangan personel</h2><p>{e(s.shortfall_note)}</p>
{table_or(SHORTFALL_HEADER, s.shortfall_rows, "", numeric_from=3)}
<h2>Ukuran rencana</h2>{_html_table(("Ukuran", "Nilai"), s.metric_rows)}
<h2>TPS tidak terjaga</h2>{uncovered}
<h2>{e(INFERRED_TITLE)}</h2>{inferred}
<p class="note">Dibuat oleh PollGuard dari rencana dan skenario; data personel bersifat
terbatas.</p>
</body></html>
"""


def _pdf(s: _Summary, m: plan_map.Map, path: Path) -> None:
    st = pdf.styles()
    h2, body, note = st.h2, st.body, st.note
    e = html.escape
    width = pdf.WIDTH

    def section(title: str, text: str, header: Sequence[str], rows: Sequence[Sequence[str]],
                shares: Sequence[float], *, total: bool = False) -> list[Any]:
        out: list[Any] = [Paragraph(e(title), h2)]
        if text:
            out += [Paragraph(e(text), body), Spacer(1, 4)]
        if rows:
            out.append(pdf.table(header, rows, width, shares, total=total))
        return out

    story: list[Any] = [
        Paragraph(e(s.title), st.h1), Paragraph(e(s.subtitle), note), Spacer(1, 6),
        pdf.tiles(s.headline, st.tile, width),
        Paragraph("Peta", h2), plan_map.drawing(m),
        KeepTogether([Paragraph("Susunan personel", h2),
                      pdf.table(ROLE_HEADER, s.role_rows, width, (0.75, 0.25), total=True)]),
        KeepTogether([Paragraph("Komando dan pengawasan per satuan", h2),
                      pdf.table(COMMAND_HEADER, s.command_rows, width,
                                (0.25, 0.13, 0.14, 0.1, 0.12, 0.13, 0.13), total=True)]),
        Paragraph("Neraca kekuatan per Polres", h2),
        pdf.table(s.balance_header, s.balance_rows, width,
                  (0.19, 0.06, 0.06, 0.075, 0.075, 0.06, 0.065, 0.07, 0.08, 0.08, 0.09, 0.09),
                  total=True),
        Paragraph(e(BALANCE_NOTE), note),
        KeepTogether([Paragraph("Pos per kategori", h2),
                      pdf.table(s.class_header, s.class_rows, width,
                                (0.16, 0.1, 0.1, 0.1, 0.54))]),
        KeepTogether(section("Perlengkapan pos", "" if s.equipment_rows else
                             "Profil tidak menetapkan perlengkapan pos.", EQUIPMENT_HEADER,
                             s.equipment_rows, (0.6, 0.2, 0.2))),
        *section("Cadangan", s.reserve_note, s.reserve_header, s.reserve_rows,
                 (0.17, 0.13, 0.13, 0.15, 0.13, 0.08, 0.11, 0.1)),
        KeepTogether(section("TNI per Kodim", s.tni_note, TNI_HEADER, s.tni_rows,
                             (0.3, 0.14, 0.14, 0.14, 0.14, 0.14),
                             total=any(r[0].startswith("Jumlah") for r in s.tni_rows[-1:]))),
        KeepTogether(section("Kekurangan Linmas", s.linmas_note, LINMAS_HEADER,
                             s.linmas_rows, (0.36, 0.16, 0.16, 0.16, 0.16))),
        *section("Yang dilepas karena kekurangan personel", s.shortfall_note,
                 SHORTFALL_HEADER, s.shortfall_rows, (0.08, 0.2, 0.48, 0.12, 0.12)),
        KeepTogether([Paragraph("Ukuran rencana", h2),
                      pdf.table(("Ukuran", "Nilai"), s.metric_rows, width, (0.75, 0.25))]),
        *section("TPS tidak terjaga", "" if s.uncovered_rows else
                 "Tidak ada: semua TPS terjaga.", UNCOVERED_HEADER, s.uncovered_rows,
                 (0.35, 0.2, 0.25, 0.2)),
        Paragraph(e(INFERRED_TITLE), h2),
        *(Paragraph(e(f"• {x}"), body) for x in s.inferred),
    ]
    if not s.inferred:
        story.append(Paragraph(e(INFERRED_NONE), body))

    def footer(canvas: Canvas, doc: Any) -> None:
        pdf.footer(canvas, f"{s.title} · PollGuard", f"Halaman {doc.page}")

    pdf.document(str(path), title=s.title).build(story, onFirstPage=footer,
                                                 onLaterPages=footer)
