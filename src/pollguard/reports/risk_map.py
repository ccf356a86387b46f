"""The vulnerability map as files: CSV, an XLSX workbook ("Peta Kerawanan TPS", one sheet
per Polres), GeoJSON (TPS points; region points with their class counts; the real region
boundaries with theirs, when the scenario has them) for any GIS, and a PDF map
(``risk_map_pdf``)."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from pollguard.domain.regions import RegionLevel, ancestor_at
from pollguard.domain.risk import Factor, RiskClass, TpsRisk
from pollguard.reports import risk_map_pdf
from pollguard.reports.colours import CLASS_FILL
from pollguard.reports.xlsx import sheet_name, table_layout
from pollguard.risk.aggregate import RiskSummary
from pollguard.risk.view import AssessedScenario, summaries

TITLE = "Peta Kerawanan TPS"
COLUMNS = ("tps_id", "polres", "kab_kota", "kecamatan", "desa", "no_tps", "pemilih", "lat",
           "lon", "skor", "kelas", "alasan", "reasons")
HEADERS_ID = ("ID TPS", "Polres", "Kab/Kota", "Kecamatan", "Desa/Kel", "No TPS", "Pemilih",
              "Lintang", "Bujur", "Skor", "Kategori", "Alasan", "Reasons (EN)")


@dataclass(frozen=True)
class TpsRow:
    values: tuple[Any, ...]
    risk: TpsRisk
    polres: str


def _why(risk: TpsRisk, english: bool) -> str:
    parts = []
    for c in risk.reasons:
        text = c.text_en if english else c.text_id
        parts.append(f"{text} (+{c.points:.1f})" if c.factor in (
            Factor.INDICATOR, Factor.AREA, Factor.EVENT) else text)
    return "; ".join(parts)


def tps_rows(view: AssessedScenario) -> list[TpsRow]:
    names = view.names()
    polres = view.polres_of_tps()
    rows = []
    for t in view.scenario.tps:
        risk = view.risks.get(t.tps_id)
        if risk is None:
            continue
        p = polres.get(t.tps_id, "")
        rows.append(TpsRow((
            t.tps_id, names.get(p, p), names[ancestor_at(t.desa_code, RegionLevel.KABKOTA)],
            names[ancestor_at(t.desa_code, RegionLevel.KECAMATAN)], names[t.desa_code],
            t.number, t.voters, t.lat, t.lon, round(risk.score, 2), risk.risk_class.value,
            _why(risk, english=False), _why(risk, english=True)), risk, p))
    return rows


def write_csv(view: AssessedScenario, out: Path) -> list[Path]:
    """``peta_kerawanan_tps.csv``, a row per TPS; ``ringkasan_kerawanan.csv``, a row per
    Polres, kab/kota, kecamatan and desa with class counts, scores and top indicators."""
    path = out / "peta_kerawanan_tps.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(r.values for r in tps_rows(view))
    totals = out / "ringkasan_kerawanan.csv"
    with totals.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["tingkat", "kode", "nama", "tps", *(k.value for k in RiskClass),
                         "skor_rata_rata", "skor_maks", "indikator_terbanyak"])
        for level, name in ((None, "polres"), (RegionLevel.KABKOTA, "kabkota"),
                            (RegionLevel.KECAMATAN, "kecamatan"), (RegionLevel.DESA, "desa")):
            writer.writerows([name, s.code, s.name, s.tps, *(s.count(k) for k in RiskClass),
                              round(s.mean_score, 2), round(s.max_score, 2),
                              " ".join(f"{c}:{n}" for c, n in s.top_indicators)]
                             for s in summaries(view, level))
    return [path, totals]


def write_xlsx(view: AssessedScenario, out: Path) -> Path:
    """A summary sheet, then one sheet per Polres with its TPS, classes coloured."""
    path = out / "peta_kerawanan_tps.xlsx"
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "Ringkasan"
    info = view.info
    summary.append([f"{TITLE} — {view.scenario.info.name}"])
    summary.append([f"Penilaian #{info.id}, untuk {info.as_of:%d-%m-%Y}, profil {info.profile_id}"])
    summary.append([])
    _summary_table(summary, summaries(view, None))
    rows = tps_rows(view)
    for s in summaries(view, None):
        sheet = book.create_sheet(sheet_name(s.name, book.sheetnames))
        sheet.append(list(view.scenario.info.levels.header(HEADERS_ID)))
        for r in (r for r in rows if r.polres == s.code):
            sheet.append(list(r.values))
            fill = PatternFill("solid", fgColor=CLASS_FILL[r.risk.risk_class])
            sheet.cell(sheet.max_row, COLUMNS.index("kelas") + 1).fill = fill
        _format(sheet, len(HEADERS_ID))
    book.save(path)
    return path


def _summary_table(sheet: Any, rows: Sequence[RiskSummary]) -> None:
    header = ["Polres", "TPS", "Sangat rawan", "Rawan", "Kurang rawan", "Khusus",
              "Skor rata-rata", "Skor maks", "Indikator terbanyak"]
    sheet.append(header)
    start = sheet.max_row
    for s in rows:
        sheet.append([s.name, s.tps, s.count(RiskClass.SANGAT_RAWAN), s.count(RiskClass.RAWAN),
                      s.count(RiskClass.KURANG_RAWAN), s.count(RiskClass.KHUSUS),
                      round(s.mean_score, 2), round(s.max_score, 2),
                      ", ".join(f"{code} ({n})" for code, n in s.top_indicators)])
    for cell in sheet[start]:
        cell.font = Font(bold=True)
    for i, width in enumerate((32, 8, 13, 8, 13, 8, 14, 10, 70), start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width


def _format(sheet: Any, width: int) -> None:
    table_layout(sheet, width, (16, 24, 22, 20, 22, 7, 8, 10, 10, 7, 13, 80, 60))


def write_geojson(view: AssessedScenario, out: Path) -> list[Path]:
    """``tps.geojson``: one point per TPS with its class and reasons. ``wilayah.geojson``: a
    point per kab/kota, kecamatan and desa with its class counts. ``batas_wilayah.geojson``,
    when the scenario has real boundaries: each kab/kota and kecamatan polygon with the same
    properties (a GIS colours it by share of sangat rawan TPS, say)."""
    tps_features = [{
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [r.values[8], r.values[7]]},
        "properties": dict(zip(COLUMNS, r.values, strict=True)),
    } for r in tps_rows(view)]
    regions = {r.code: r for r in view.scenario.regions}
    region_features: list[dict[str, Any]] = []
    for level in (RegionLevel.KABKOTA, RegionLevel.KECAMATAN, RegionLevel.DESA):
        for s in summaries(view, level):
            region = regions[s.code]
            region_features.append({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [region.lon, region.lat]},
                "properties": {"code": s.code, "name": s.name, "level": int(level), "tps": s.tps,
                               **{k.value: s.count(k) for k in RiskClass},
                               "mean_score": round(s.mean_score, 2),
                               "max_score": round(s.max_score, 2),
                               "top_indicators": [c for c, _ in s.top_indicators]},
            })
    polygon_of = {b.code: b for b in view.scenario.boundaries}
    boundary_features = [{
        "type": "Feature",
        "geometry": {"type": "MultiPolygon", "coordinates": [
            [[list(p) for p in ring] for ring in polygon]
            for polygon in polygon_of[f["properties"]["code"]].polygons]},
        "properties": f["properties"],
    } for f in region_features if f["properties"]["code"] in polygon_of]
    files = [("tps.geojson", tps_features), ("wilayah.geojson", region_features)]
    if boundary_features:
        files.append(("batas_wilayah.geojson", boundary_features))
    paths = []
    for name, features in files:
        path = out / name
        path.write_text(json.dumps({"type": "FeatureCollection", "features": features},
                                   ensure_ascii=False), encoding="utf-8")
        paths.append(path)
    return paths


FORMATS = ("csv", "xlsx", "geojson", "pdf")


def export(view: AssessedScenario, fmt: str, out: Path) -> list[Path]:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    out.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        return write_csv(view, out)
    if fmt == "xlsx":
        return [write_xlsx(view, out)]
    if fmt == "pdf":
        return [risk_map_pdf.write_pdf(view, out)]
    return write_geojson(view, out)
