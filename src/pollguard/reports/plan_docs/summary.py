"""The Rencana Pengamanan (HTML and PDF): the force balance, posts per class, the reserve and
a map, for the briefing and the tactical floor game (TFG). The figures are computed once and
drawn twice: a self-contained HTML page that opens offline on any laptop, and an A4 PDF for
the file and the TFG table."""

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
from pollguard.domain.plan import Plan, Post, ReserveTeam, Role
from pollguard.domain.regions import RegionLevel, ancestor_at
from pollguard.domain.risk import RiskClass
from pollguard.domain.scenario import Scenario
from pollguard.planning.geometry import km
from pollguard.planning.view import PlanView
from pollguard.reports import pdf
from pollguard.reports.numbers import NUMBER, num
from pollguard.reports.plan_docs import plan_map
from pollguard.reports.plan_docs.balance import balances
from pollguard.reports.plan_docs.common import CLASS_ORDER, pattern

METRIC_LABELS = (
    ("posts", "Pos pengamanan", 0),
    ("posts_lower_bound", "Batas bawah jumlah pos", 0),
    ("officers_at_tps", "Personel di TPS", 0),
    ("officers_on_duties", "Personel tugas (kantor, walpri, pengawalan)", 0),
    ("officers_in_reserve", "Personel cadangan", 0),
    ("bko", "Personel BKO dari Polda", 0),
    ("uncovered_tps", "TPS tidak terjaga", 0),
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


def _summary(ix: PlanView) -> _Summary:
    plan, info = ix.plan, ix.scenario.info
    rows = balances(ix)
    balance_rows: list[tuple[str, ...]] = [
        (b.name, num(b.tps), num(b.posts), num(b.available), num(b.duties), num(b.at_tps),
         num(b.reserve), num(b.bko_in) if b.code != POOL else f"−{num(b.lent)}",
         num(b.shortage), num(b.uncovered)) for b in rows]
    balance_rows.append(("Jumlah", *(num(sum(getattr(b, f) for b in rows)) for f in (
        "tps", "posts", "available", "duties", "at_tps", "reserve")), num(plan.metrics.bko)
        if plan.metrics else "", num(sum(b.shortage for b in rows)),
        num(len(plan.uncovered))))
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
    reserve_rows = [(t.team_id, ix.unit_name(t.owner_code), ix.staging_name(t), num(t.size),
                     num(reach[t.team_id][0]), num(reach[t.team_id][1], 1))
                    for t in plan.reserves]
    m = plan.metrics
    reserve_note = (f"{num(len(plan.reserves))} tim, {num(sum(t.size for t in plan.reserves))}"
                    " personel. " + (f"95% TPS rawan dan sangat rawan terjangkau tim cadangan "
                                      f"terdekat dalam {num(m.reserve_eta_p95_min, 1)} menit."
                                      if m else ""))
    metric_rows = []
    if m:
        for key, label, digits in METRIC_LABELS:
            value = getattr(m, key)  # a bound is None where none was computed
            metric_rows.append((label, "—" if value is None else num(float(value), digits)))
    uncovered_rows = []
    for t in plan.uncovered:
        s = ix.tps.get(t)
        if s:
            uncovered_rows.append((t, ix.unit_name(ix.polres_of_tps(s)),
                                   ix.kecamatan_name(ancestor_at(s.desa_code,
                                                                 RegionLevel.KECAMATAN)),
                                   ix.names.get(s.desa_code, s.desa_code), str(s.number)))
    people = len(plan.assignments)
    headline = [("TPS", num(len(ix.scenario.tps))), ("Pos", num(len(plan.posts))),
                ("Personel diplot", num(people)),
                ("Di TPS", num(sum(1 for a in plan.assignments if a.role == Role.POST))),
                ("Cadangan", num(sum(1 for a in plan.assignments if a.role == Role.RESERVE))),
                ("TPS tidak terjaga", num(len(plan.uncovered)))]
    return _Summary(
        title=f"Rencana Pengamanan TPS — {info.name}",
        subtitle=f"{info.operation} · pemungutan suara {info.voting_date:%d-%m-%Y}",
        headline=headline,
        balance_header=("Satuan", "TPS", "Pos", "Tersedia", "Tugas", "Di TPS", "Cadangan",
                        "BKO diterima", "Kekurangan", "Tidak terjaga"),
        balance_rows=balance_rows,
        class_header=("Kategori", "TPS", "Pos", "Personel", "Pola terbanyak (jumlah pos)"),
        class_rows=class_rows,
        reserve_header=("Tim", "Satuan", "Titik siaga", "Anggota",
                        "TPS rawan/sangat rawan terdekat", "Terjauh (km, garis lurus)"),
        reserve_rows=reserve_rows,
        reserve_note=reserve_note,
        metric_rows=metric_rows,
        uncovered_rows=uncovered_rows,
    )


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


BALANCE_NOTE = ("Tersedia: personel satuan itu sendiri. Tersedia + BKO diterima = Tugas + Di TPS "
                "+ Cadangan; baris Polda menunjukkan personel yang dikirim sebagai BKO (−). "
                "Kekurangan: personel yang masih kurang setelah BKO Polda.")


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


def _html(s: _Summary, svg: str) -> str:
    e = html.escape
    tiles = "".join(f'<div class="tile"><b>{e(v)}</b>{e(k)}</div>' for k, v in s.headline)
    legend = "".join(
        f'<span><i class="{"tri" if shape == "triangle" else "sq" if shape == "square" else "dot"}"'
        + (f' style="background:{c}"' if shape == "circle" else "") + f"></i>{e(label)}</span>"
        for label, c, shape in plan_map.legend())
    uncovered = (_html_table(("ID TPS", "Polres", "Kecamatan", "Desa/Kel", "No TPS"),
                             s.uncovered_rows, numeric_from=4)
                 if s.uncovered_rows else "<p>Tidak ada: semua TPS terjaga.</p>")
    return f"""<!doctype html>
<html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(s.title)}</title><style>{CSS}</style></head><body>
<h1>{e(s.title)}</h1><p class="sub">{e(s.subtitle)}</p>
<div class="tiles">{tiles}</div>
<h2>Peta</h2>{svg}<div class="legend">{legend}</div>
<h2>Neraca kekuatan per Polres</h2>
{_html_table(s.balance_header, s.balance_rows, plain=False)}
<p class="note">{e(BALANCE_NOTE)}</p>
<h2>Pos per kategori</h2>{_html_table(s.class_header, s.class_rows, numeric_from=1)}
<h2>Cadangan</h2><p>{e(s.reserve_note)}</p>
{_html_table(s.reserve_header, s.reserve_rows, numeric_from=3)}
<h2>Ukuran rencana</h2>{_html_table(("Ukuran", "Nilai"), s.metric_rows)}
<h2>TPS tidak terjaga</h2>{uncovered}
<p class="note">Dibuat oleh PollGuard dari rencana dan skenario; data personel bersifat
terbatas.</p>
</body></html>
"""


def _pdf(s: _Summary, m: plan_map.Map, path: Path) -> None:
    st = pdf.styles()
    h2, body, note = st.h2, st.body, st.note
    e = html.escape
    width = pdf.WIDTH
    story: list[Any] = [
        Paragraph(e(s.title), st.h1), Paragraph(e(s.subtitle), note), Spacer(1, 6),
        pdf.tiles(s.headline, st.tile, width),
        Paragraph("Peta", h2), plan_map.drawing(m),
        Paragraph("Neraca kekuatan per Polres", h2),
        pdf.table(s.balance_header, s.balance_rows, width,
                  (0.22, 0.07, 0.07, 0.085, 0.075, 0.075, 0.095, 0.1, 0.105, 0.105),
                  total=True),
        Paragraph(e(BALANCE_NOTE), note),
        KeepTogether([Paragraph("Pos per kategori", h2),
                      pdf.table(s.class_header, s.class_rows, width,
                                (0.16, 0.1, 0.1, 0.1, 0.54))]),
        Paragraph("Cadangan", h2), Paragraph(e(s.reserve_note), body), Spacer(1, 4),
        pdf.table(s.reserve_header, s.reserve_rows, width, (0.22, 0.22, 0.22, 0.08, 0.13, 0.13)),
        KeepTogether([Paragraph("Ukuran rencana", h2),
                      pdf.table(("Ukuran", "Nilai"), s.metric_rows, width, (0.75, 0.25))]),
        Paragraph("TPS tidak terjaga", h2),
    ]
    if s.uncovered_rows:
        story.append(pdf.table(("ID TPS", "Polres", "Kecamatan", "Desa/Kel", "No TPS"),
                               s.uncovered_rows, width, (0.2, 0.25, 0.2, 0.25, 0.1)))
    else:
        story.append(Paragraph("Tidak ada: semua TPS terjaga.", body))

    def footer(canvas: Canvas, doc: Any) -> None:
        pdf.footer(canvas, f"{s.title} · PollGuard", f"Halaman {doc.page}")

    pdf.document(str(path), title=s.title).build(story, onFirstPage=footer,
                                                 onLaterPages=footer)
