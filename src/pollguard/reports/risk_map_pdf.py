"""The vulnerability map on paper (``peta_kerawanan_tps.pdf``): one landscape A4 page with
every TPS by its assessed class over the real kab/kota and kecamatan boundaries (when the
scenario has them), the Polres headquarters and the kab/kota names placed without overlap,
a legend of what is drawn and each class's count above it; then the class counts per
Polres."""

from __future__ import annotations

import html
from collections import Counter
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.platypus import Paragraph, Spacer

from pollguard.domain.forces import UnitKind
from pollguard.reports import pdf
from pollguard.reports.colours import HQ_COLOUR
from pollguard.reports.numbers import num
from pollguard.reports.paper_map import (
    CLASS_ORDER,
    LEGEND_ROW,
    Map,
    Mark,
    Projection,
    beside,
    drawing,
    outline_points,
    place_labels,
    region_labels,
    shapes,
    tps_marks,
)
from pollguard.risk.view import AssessedScenario, summaries
from pollguard.scenario.outlines import real_outlines

TITLE = "Peta Kerawanan TPS"
FILE = "peta_kerawanan_tps.pdf"
PAGE = landscape(A4)
PAPER_TOLERANCE_PT = 0.4  # boundaries simplified under half a point of the page
HEAD_ROOM = 62.0  # the title, the subtitle and the spacing above the map


def layout(view: AssessedScenario, width: float, height: float) -> Map:
    """The assessed TPS, the Polres headquarters and the real boundaries, as large as fits
    ``width`` by ``height`` points (its legend included)."""
    scenario = view.scenario
    polres = scenario.units_of(UnitKind.POLRES)
    outlines = real_outlines(scenario)
    points = [(t.lat, t.lon) for t in scenario.tps] + [
        (u.hq_lat, u.hq_lon) for u in polres] + outline_points(outlines)
    proj = Projection(points, width)
    budget = height - LEGEND_ROW * 2 - 5  # room for a legend of two rows
    if proj.height > budget:
        proj = Projection(points, width * budget / proj.height)
    if outlines:
        outlines = real_outlines(scenario, PAPER_TOLERANCE_PT / proj.scale)
    unit = proj.unit
    marks = tps_marks(((t.lat, t.lon, view.risks[t.tps_id].risk_class)
                       for t in scenario.tps if t.tps_id in view.risks), proj)
    hq = [Mark("hq", *proj.xy(u.hq_lat, u.hq_lon), 2.5 * unit, HQ_COLOUR, u.name)
          for u in polres]
    names = view.names()
    text = 7 * unit
    labels = place_labels(
        [*(beside(k.title, k.x, k.y, k.r, text) for k in hq),
         *region_labels(outlines, names, proj, 1.05 * text)],
        proj.width, proj.height, [(k.x - k.r, k.y - k.r, k.x + k.r, k.y + k.r) for k in hq])
    return Map(proj.width, proj.height, (*marks, *hq), shapes(outlines, proj), labels,
               kecamatan_word=scenario.info.levels.lower)


def write_pdf(view: AssessedScenario, out: Path) -> Path:
    """Write ``peta_kerawanan_tps.pdf`` into ``out``; returns its path."""
    path = out / FILE
    e = html.escape
    st = pdf.styles()
    info, scenario = view.info, view.scenario
    width = PAGE[0] - 2 * pdf.MARGIN
    height = PAGE[1] - pdf.TOP - pdf.BOTTOM - HEAD_ROOM
    m = layout(view, width, height)
    classes = Counter(r.risk_class for r in view.risks.values())
    key = "; ".join(f"{c.label_id} {num(classes[c])}" for c in CLASS_ORDER if classes[c])
    story = [
        Paragraph(e(f"{TITLE} — {scenario.info.name}"), st.h1),
        Paragraph(e(f"Penilaian #{info.id} per {info.as_of:%d-%m-%Y}, profil {info.profile_id}; "
                    f"{num(len(view.risks))} TPS: {key}"), st.note),
        Spacer(1, 4), drawing(m),
    ]
    if not m.shapes:
        story.append(Paragraph(e("Batas wilayah tidak digambar: skenario ini tidak memuat "
                                 "boundaries.geojson (lihat docs/scenario-format.md)."), st.note))
    header = ["Polres", "TPS", *(c.label_id for c in CLASS_ORDER), "Skor rata-rata",
              "Skor maks"]
    rows = [[s.name, num(s.tps), *(num(s.count(c)) for c in CLASS_ORDER),
             num(s.mean_score, 1), num(s.max_score, 1)]
            for s in summaries(view, None)]
    story += [Spacer(1, 10), Paragraph(e("Kelas kerawanan per Polres"), st.h2),
              pdf.table(header, rows, width, (0.25, 0.09, 0.11, 0.11, 0.11, 0.11, 0.12, 0.10))]
    doc = pdf.document(str(path), title=f"{TITLE} — {scenario.info.name}",
                       subject=scenario.info.operation, pagesize=PAGE)

    class Numbered(pdf.NumberedCanvas):
        footer_text = f"PollGuard · {TITLE} · {scenario.info.name}"
        page_label = "Halaman {n} dari {of}"

    doc.build(story, canvasmaker=Numbered)
    return path
