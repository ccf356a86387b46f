"""The situation report (laporan situasi) as a PDF the Posko sends up, and as JSON.

``write_pdf`` lays out a ``pollguard.services.sitrep.Sitrep`` on A4 in Bahasa Indonesia (or
English with ``lang="en"``): the header (time in WIB, plan and assessment versions, who made
it), TPS status per Polres, incidents, dispatches, the reserve force and reserve-floor
warnings, with page numbers. ``as_json`` is the same report as plain JSON values (what
``GET /api/v1/sitrep`` answers). Neither adds nor hides anything: what a reader may not see was
left out when the report was made.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from pollguard.domain.command import POOL
from pollguard.operations.field_reports import TpsPhase
from pollguard.operations.reinforcement import UnitStatus
from pollguard.reports.plan_docs import NAVY, _num, _pdf_table
from pollguard.services.sitrep import SEVERITIES, WIB, PolresStatus, Sitrep

__all__ = ["LANGS", "as_json", "label", "write_pdf"]

LANGS = ("id", "en")
MUTED = "#5b6474"
WARN = "#fffaeb"

_TEXT: dict[str, dict[str, str]] = {
    "id": {
        "title": "LAPORAN SITUASI", "subtitle": "Laporan situasi Posko",
        "time": "Waktu laporan", "operation": "Operasi", "jurisdiction": "Wilayah",
        "whole": "{name} (seluruh wilayah)", "plan": "Rencana pengamanan berlaku",
        "plan_value": "versi #{id}, dibuat {at}, dari penilaian #{assessment}",
        "assessment": "Penilaian kerawanan berlaku", "assessment_value": "versi #{id}, per {day}",
        "none": "belum ada", "made_by": "Dibuat oleh", "voting": "Hari pemungutan suara",
        "tile.tps": "TPS", "tile.not_reported": "Belum lapor", "tile.open": "Insiden terbuka",
        "tile.sent": "Unit dikerahkan", "tile.ready": "Tim cadangan siaga",
        "s.status": "1. Status TPS per Polres", "s.incidents": "2. Insiden",
        "s.dispatches": "3. Pengerahan unit", "s.force": "4. Kekuatan cadangan",
        "s.floor": "5. Peringatan batas minimum cadangan",
        "c.polres": "Polres", "c.tps": "TPS", "c.opened": "Dibuka", "c.closed": "Ditutup",
        "c.counted": "Dihitung", "c.escorted": "Kotak ke PPK", "c.not_reported": "Belum lapor",
        "c.open": "Insiden terbuka (B/S/R)", "total": "Jumlah",
        "status_note": "Dibuka, ditutup, dihitung, kotak ke PPK: TPS yang telah mencapai tahap "
                       "itu atau sesudahnya. Insiden terbuka per tingkat: berat/sedang/ringan.",
        "inc_summary": "Terbuka: {open} (berat {o3}, sedang {o2}, ringan {o1}). "
                       "Selesai/ditutup: {closed} (berat {c3}, sedang {c2}, ringan {c1}).",
        "no_incidents": "Tidak ada insiden dilaporkan.",
        "c.no": "No", "c.time": "Waktu", "c.kind": "Jenis", "c.sev": "Tingkat",
        "c.status": "Status (ditangani oleh)", "c.unit_status": "Status", "c.age": "Umur",
        "c.verified": "Verifikasi", "c.units": "Unit", "c.reporter": "Pelapor (NRP)",
        "yes": "ya", "no": "belum",
        "no_dispatches": "Belum ada unit dikerahkan.",
        "c.unit": "Unit", "c.unit_kind": "Jenis", "c.officers": "Personel",
        "c.incident": "TPS / insiden", "c.since": "Sejak", "c.by": "Oleh",
        "c.owner": "Satuan", "c.teams": "Tim", "c.ready_officers": "Personel siaga",
        "no_force": "Rencana ini tidak memuat tim cadangan.",
        "no_floor": "Semua Polres di atas batas minimum cadangan.",
        "c.available": "Siaga", "c.planned": "Rencana", "c.floor": "Batas",
        "c.bko": "Opsi BKO dari Polda (terdekat)",
        "bko_item": "{team} ({size} pers., ±{min} mnt)", "no_bko": "tidak ada tim Polda siaga",
        "hidden": "Pengerahan unit dan kekuatan cadangan tidak ditampilkan untuk peran ini.",
        "hidden_personnel": "Data personel (NRP, nama operator) tidak ditampilkan untuk peran "
                            "ini.",
        "force_summary": "Unit dikerahkan: {sent} ({officers} personel). Tim cadangan siaga: "
                         "{ready} dari {teams}.",
        "floor_line": "Cadangan {name} di bawah batas: {available} dari {floor} personel siaga.",
        "footer": "Laporan situasi · {op} · {at}", "page": "Halaman {n} dari {of}",
        "minutes": "{m} mnt", "hours": "{h} j {m:02d} mnt",
        "sev.1": "ringan", "sev.2": "sedang", "sev.3": "berat",
        "status.reported": "dilaporkan", "status.acknowledged": "diterima",
        "status.responding": "ditangani", "status.resolved": "selesai",
        "status.closed": "ditutup",
        "level.tps_guard": "Pengamanan TPS", "level.polsek": "Polsek",
        "level.polres_ops": "Ops Polres", "level.polda_ops": "Ops Polda",
        "unit.available": "siaga", "unit.dispatched": "berangkat", "unit.on_scene": "di lokasi",
        "unit.returning": "kembali", "kind.team": "tim cadangan", "kind.borrowed": "pinjaman pos",
        "pool": "{name} (pool)",
        "months": "Januari Februari Maret April Mei Juni Juli Agustus September Oktober "
                  "November Desember",
        "at": "{day} pukul {hm} WIB",
    },
    "en": {
        "title": "SITUATION REPORT", "subtitle": "Posko situation report",
        "time": "Time of report", "operation": "Operation", "jurisdiction": "Area",
        "whole": "{name} (whole area)", "plan": "Security plan in force",
        "plan_value": "version #{id}, made {at}, from assessment #{assessment}",
        "assessment": "Vulnerability assessment in force",
        "assessment_value": "version #{id}, as of {day}",
        "none": "none yet", "made_by": "Made by", "voting": "Voting day",
        "tile.tps": "TPS", "tile.not_reported": "Not reported", "tile.open": "Open incidents",
        "tile.sent": "Units dispatched", "tile.ready": "Reserve teams available",
        "s.status": "1. TPS status per Polres", "s.incidents": "2. Incidents",
        "s.dispatches": "3. Dispatches", "s.force": "4. Reserve force",
        "s.floor": "5. Reserve-floor warnings",
        "c.polres": "Polres", "c.tps": "TPS", "c.opened": "Opened", "c.closed": "Closed",
        "c.counted": "Counted", "c.escorted": "Box to PPK", "c.not_reported": "Not reported",
        "c.open": "Open incidents (H/M/L)", "total": "Total",
        "status_note": "Opened, closed, counted, box to PPK: TPS that reached that phase or a "
                       "later one. Open incidents per severity: high/medium/low.",
        "inc_summary": "Open: {open} (high {o3}, medium {o2}, low {o1}). "
                       "Resolved/closed: {closed} (high {c3}, medium {c2}, low {c1}).",
        "no_incidents": "No incident reported.",
        "c.no": "No", "c.time": "Time", "c.kind": "Kind", "c.sev": "Severity",
        "c.status": "Status (held by)", "c.unit_status": "Status", "c.age": "Age",
        "c.verified": "Verified", "c.units": "Units", "c.reporter": "Reporter (NRP)",
        "yes": "yes", "no": "no",
        "no_dispatches": "No unit dispatched yet.",
        "c.unit": "Unit", "c.unit_kind": "Kind", "c.officers": "Officers",
        "c.incident": "TPS / incident", "c.since": "Since", "c.by": "By",
        "c.owner": "Unit", "c.teams": "Teams", "c.ready_officers": "Officers available",
        "no_force": "The plan holds no reserve teams.",
        "no_floor": "Every Polres is above its reserve floor.",
        "c.available": "Available", "c.planned": "Planned", "c.floor": "Floor",
        "c.bko": "BKO options from the Polda (nearest)",
        "bko_item": "{team} ({size} off., ±{min} min)", "no_bko": "no Polda team available",
        "hidden": "Dispatches and the reserve force are not shown to this role.",
        "hidden_personnel": "Personnel data (NRP, operator names) is not shown to this role.",
        "force_summary": "Units dispatched: {sent} ({officers} officers). Reserve teams "
                         "available: {ready} of {teams}.",
        "floor_line": "{name} is below its reserve floor: {available} of {floor} officers "
                      "available.",
        "footer": "Situation report · {op} · {at}", "page": "Page {n} of {of}",
        "minutes": "{m} min", "hours": "{h} h {m:02d} min",
        "sev.1": "low", "sev.2": "medium", "sev.3": "high",
        "status.reported": "reported", "status.acknowledged": "acknowledged",
        "status.responding": "responding", "status.resolved": "resolved",
        "status.closed": "closed",
        "level.tps_guard": "TPS guard", "level.polsek": "Polsek",
        "level.polres_ops": "Polres ops", "level.polda_ops": "Polda ops",
        "unit.available": "available", "unit.dispatched": "dispatched",
        "unit.on_scene": "on scene", "unit.returning": "returning",
        "kind.team": "reserve team", "kind.borrowed": "borrowed from posts",
        "pool": "{name} (pool)",
        "months": "January February March April May June July August September October "
                  "November December",
        "at": "{day}, {hm} WIB",
    },
}


def label(lang: str, key: str, **values: Any) -> str:
    """A string of the report in ``lang`` (``id`` or ``en``)."""
    return _TEXT[lang][key].format(**values)


# --- JSON -------------------------------------------------------------------------------------


def _iso(t: dt.datetime | None) -> str | None:
    return t.astimezone(dt.UTC).isoformat() if t else None


def _status_json(p: PolresStatus) -> dict[str, Any]:
    return {"code": p.code, "name": p.name, "tps": p.tps, "not_reported": p.not_reported,
            "phases": {k.value: p.phases.get(k, 0) for k in TpsPhase},
            "reached": {k.value: p.reached(k) for k in TpsPhase},
            "open_incidents_by_severity": {str(k): p.open_incidents.get(k, 0)
                                           for k in (1, 2, 3)}}


def as_json(sitrep: Sitrep) -> dict[str, Any]:
    """The report as JSON values: times in UTC ISO 8601 (the header also in WIB). Sections a
    reader may not see are null (``dispatches``, ``force`` and ``floor_warnings`` without
    reserves), not empty."""
    h = sitrep.header
    reserves = h.reserves
    return {
        "header": {
            "as_of": _iso(h.as_of), "as_of_wib": h.wib.isoformat(), "operation": h.operation,
            "scenario": h.scenario,
            "voting_date": h.voting_date.isoformat() if h.voting_date else None,
            "plan_id": h.plan_id, "plan_created_at": _iso(h.plan_created_at),
            "plan_assessment_id": h.plan_assessment_id, "assessment_id": h.assessment_id,
            "assessment_as_of": h.assessment_as_of.isoformat() if h.assessment_as_of else None,
            "made_by": h.made_by, "whole": h.whole, "jurisdiction_code": h.jurisdiction_code,
            "jurisdiction": h.jurisdiction, "personnel": h.personnel, "reserves": reserves},
        "total": _status_json(sitrep.total),
        "polres": [_status_json(p) for p in sitrep.polres],
        "incidents": {
            "open_by_severity": {str(k): v for k, v in
                                 sorted(sitrep.incident_counts(open=True).items())},
            "closed_by_severity": {str(k): v for k, v in
                                   sorted(sitrep.incident_counts(open=False).items())},
            "items": [{"id": i.id, "tps_id": i.tps_id, "polres_code": i.polres_code,
                       "polres_name": i.polres_name, "kind": i.kind,
                       "kind_label_id": i.kind_label_id, "kind_label_en": i.kind_label_en,
                       "severity": i.severity, "status": i.status.value,
                       "level": i.level.value, "open": i.open, "verified": i.verified,
                       "reported_at": _iso(i.reported_at), "age_min": i.age_min,
                       "reported_by": i.reported_by, "units_sent": i.units_sent}
                      for i in sitrep.incidents]},
        "dispatches": [{"id": d.id, "incident_id": d.incident_id, "tps_id": d.tps_id,
                        "polres_code": d.polres_code, "unit_id": d.unit_id,
                        "kind": d.kind.value, "officers": d.officers, "status": d.status.value,
                        "since": _iso(d.since), "dispatched_by": d.dispatched_by}
                       for d in sitrep.dispatches] if reserves else None,
        "force": [{"code": f.code, "name": f.name, "pool": f.code == POOL, "teams": f.teams,
                   "officers": f.officers,
                   "by_status": {u.value: f.by_status.get(u, 0) for u in UnitStatus},
                   "officers_available": f.officers_available}
                  for f in sitrep.force] if reserves else None,
        "floor_warnings": [{"code": w.code, "name": w.name, "available": w.available,
                            "planned": w.planned, "floor": w.floor,
                            "bko": [{"team_id": o.team_id, "size": o.size,
                                     "minutes": o.minutes, "km": o.km} for o in w.bko]}
                           for w in sitrep.floor_warnings] if reserves else None,
    }


# --- PDF --------------------------------------------------------------------------------------


class _Numbered(Canvas):
    """A canvas that writes "page n of m" once it knows m, with the report's footer line."""

    footer = ""
    page_label = "{n}/{of}"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        for state in self._pages:
            self.__dict__.update(state)
            self._footer(len(self._pages))
            super().showPage()
        super().save()

    def _footer(self, pages: int) -> None:
        self.saveState()
        self.setFont("Helvetica", 7)
        self.setFillColor(colors.HexColor(MUTED))
        self.drawString(15 * mm, 9 * mm, self.footer)
        self.drawRightString(A4[0] - 15 * mm, 9 * mm,
                             self.page_label.format(n=self._pageNumber, of=pages))
        self.restoreState()


def _n(value: float, lang: str) -> str:
    return _num(value) if lang == "id" else f"{value:,.0f}"


def _day(d: dt.date, lang: str) -> str:
    months = label(lang, "months").split()
    return f"{d.day} {months[d.month - 1]} {d.year}"


def _at(t: dt.datetime, lang: str) -> str:
    """A time as the Posko writes it: 27 November 2024 pukul 14.05 WIB."""
    w = t.astimezone(WIB)
    hm = f"{w:%H.%M}" if lang == "id" else f"{w:%H:%M}"
    return label(lang, "at", day=_day(w.date(), lang), hm=hm)


def _short(t: dt.datetime, lang: str) -> str:
    """A time in a table: 27/11 14.05 (WIB)."""
    w = t.astimezone(WIB)
    return f"{w:%d/%m %H.%M}" if lang == "id" else f"{w:%d/%m %H:%M}"


def _age(minutes: int, lang: str) -> str:
    if minutes < 60:
        return label(lang, "minutes", m=minutes)
    return label(lang, "hours", h=minutes // 60, m=minutes % 60)


def _open_cell(counts: Mapping[int, int]) -> str:
    return "/".join(str(counts.get(s, 0)) for s in SEVERITIES)


def write_pdf(sitrep: Sitrep, path: Path | str | IO[bytes], lang: str = "id") -> None:
    """Write the report as an A4 PDF to ``path`` (a file name or a binary stream)."""
    if lang not in LANGS:
        raise ValueError(f"no language {lang!r}: choose one of {', '.join(LANGS)}")
    h = sitrep.header

    def t(key: str, **values: Any) -> str:
        return label(lang, key, **values)

    e = html.escape
    styles = getSampleStyleSheet()
    h1 = ParagraphStyle("h1", parent=styles["Heading1"], fontSize=16, spaceAfter=2,
                        textColor=colors.HexColor(NAVY))
    h2 = ParagraphStyle("h2", parent=styles["Heading2"], fontSize=11.5, spaceBefore=10,
                        spaceAfter=4, textColor=colors.HexColor(NAVY))
    body = ParagraphStyle("body", parent=styles["BodyText"], fontSize=8.5, leading=11)
    note = ParagraphStyle("note", parent=body, fontSize=7.5, textColor=colors.HexColor(MUTED))
    width = A4[0] - 30 * mm

    whole = sitrep.names.get(POOL, "Polda")
    facts = [(t("time"), _at(h.as_of, lang)),
             (t("operation"), h.operation or "—"),
             (t("jurisdiction"), t("whole", name=h.jurisdiction or whole) if h.whole
              else h.jurisdiction or "—")]
    if h.voting_date:
        facts.append((t("voting"), _day(h.voting_date, lang)))
    facts += [
        (t("plan"), t("plan_value", id=h.plan_id, at=_at(h.plan_created_at, lang)
                      if h.plan_created_at else "—", assessment=h.plan_assessment_id or "—")
         if h.plan_id else t("none")),
        (t("assessment"), t("assessment_value", id=h.assessment_id,
                            day=_day(h.assessment_as_of, lang) if h.assessment_as_of else "—")
         if h.assessment_id else t("none")),
        (t("made_by"), h.made_by or "—")]
    head = Table([[Paragraph(f"<b>{e(k)}</b>", body), Paragraph(e(v), body)] for k, v in facts],
                 colWidths=[width * 0.3, width * 0.7])
    head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                              ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#dce3ee")),
                              ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                              ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]))

    total = sitrep.total
    tiles_data = [(t("tile.tps"), _n(total.tps, lang)),
                  (t("tile.not_reported"), _n(total.not_reported, lang)),
                  (t("tile.open"), _n(len(sitrep.open_incidents), lang))]
    if h.reserves:
        busy = sum(1 for d in sitrep.dispatches if d.status != UnitStatus.AVAILABLE)
        ready = sum(f.by_status.get(UnitStatus.AVAILABLE, 0) for f in sitrep.force)
        tiles_data += [(t("tile.sent"), _n(busy, lang)), (t("tile.ready"), _n(ready, lang))]
    tile = ParagraphStyle("tile", parent=body, textColor=colors.white, leading=15)
    tiles = Table([[Paragraph(f'<font size="14"><b>{e(v)}</b></font><br/>{e(k)}', tile)
                    for k, v in tiles_data]], colWidths=[width / len(tiles_data)] * len(tiles_data))
    tiles.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(NAVY)),
                               ("LINEAFTER", (0, 0), (-2, -1), 2, colors.white),
                               ("TOPPADDING", (0, 0), (-1, -1), 5),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))

    where = t("whole", name=h.jurisdiction or whole) if h.whole else h.jurisdiction
    story: list[Any] = [Paragraph(e(t("title")), h1),
                        Paragraph(e(f"{where} · {_at(h.as_of, lang)}"), note),
                        Spacer(1, 6), head, Spacer(1, 8), tiles]
    if not h.personnel:
        story += [Spacer(1, 4), Paragraph(e(t("hidden_personnel")), note)]

    # 1. TPS status per Polres
    def status_row(p: PolresStatus, name: str) -> list[str]:
        return [name, _n(p.tps, lang), _n(p.opened, lang), _n(p.closed, lang),
                _n(p.counted, lang), _n(p.escorted, lang), _n(p.not_reported, lang),
                _open_cell(p.open_incidents)]

    rows = [status_row(p, p.name) for p in sitrep.polres] + [status_row(total, t("total"))]
    story += [Paragraph(e(t("s.status")), h2),
              _pdf_table([t(k) for k in ("c.polres", "c.tps", "c.opened", "c.closed",
                                         "c.counted", "c.escorted", "c.not_reported", "c.open")],
                         rows, width, (0.25, 0.08, 0.09, 0.09, 0.09, 0.1, 0.1, 0.2), total=True),
              Paragraph(e(t("status_note")), note)]

    # 2. Incidents
    o, c = sitrep.incident_counts(open=True), sitrep.incident_counts(open=False)
    story += [Paragraph(e(t("s.incidents")), h2),
              Paragraph(e(t("inc_summary", open=sum(o.values()), o3=o[3], o2=o[2], o1=o[1],
                            closed=sum(c.values()), c3=c[3], c2=c[2], c1=c[1])), body),
              Spacer(1, 4)]
    if sitrep.incidents:
        # Widths fit a 13-digit TPS id, a time and the longest status on one line; the
        # columns a reader may not see give their room to the kind and the Polres.
        columns = {"c.no": 0.035, "c.time": 0.09, "c.polres": 0.12, "c.tps": 0.125,
                   "c.kind": 0.145, "c.sev": 0.07, "c.status": 0.13, "c.age": 0.065,
                   "c.verified": 0.08}
        if h.reserves:
            columns["c.units"] = 0.05
        else:
            columns["c.kind"] += 0.05
        if h.personnel:
            columns["c.reporter"] = 0.09
        else:
            columns["c.kind"] += 0.05
            columns["c.polres"] += 0.04
        header = [t(k) for k in columns]
        shares = list(columns.values())
        inc_rows = []
        for n, i in enumerate(sitrep.incidents, 1):
            row = [str(n), _short(i.reported_at, lang), i.polres_name, i.tps_id,
                   i.kind_label_id if lang == "id" else i.kind_label_en,
                   t(f"sev.{i.severity}"),
                   f"{t(f'status.{i.status.value}')} ({t(f'level.{i.level.value}')})",
                   _age(i.age_min, lang), t("yes") if i.verified else t("no")]
            if h.reserves:
                row.append(str(i.units_sent or 0))
            if h.personnel:
                row.append(i.reported_by or "—")
            inc_rows.append(row)
        story.append(_pdf_table(header, inc_rows, width, shares))
    else:
        story.append(Paragraph(e(t("no_incidents")), body))

    if not h.reserves:
        story += [Spacer(1, 8), Paragraph(e(t("hidden")), note)]
    else:
        story += _reserve_sections(sitrep, lang, width, h2, body)

    doc = SimpleDocTemplate(path if not isinstance(path, Path) else str(path), pagesize=A4,
                            leftMargin=15 * mm, rightMargin=15 * mm, topMargin=14 * mm,
                            bottomMargin=16 * mm, title=f"{t('title')} {h.operation}".strip(),
                            author="PollGuard", subject=h.jurisdiction or whole)

    class Numbered(_Numbered):
        footer = t("footer", op=h.operation, at=_at(h.as_of, lang))
        page_label = _TEXT[lang]["page"]

    doc.build(story, canvasmaker=Numbered)


def _reserve_sections(sitrep: Sitrep, lang: str, width: float, h2: ParagraphStyle,
                      body: ParagraphStyle) -> list[Any]:
    h = sitrep.header
    e = html.escape

    def t(key: str, **values: Any) -> str:
        return label(lang, key, **values)

    out: list[Any] = [Paragraph(e(t("s.dispatches")), h2)]
    if sitrep.dispatches:
        columns = {"c.unit": 0.185, "c.unit_kind": 0.11, "c.officers": 0.075,
                   "c.unit_status": 0.09, "c.polres": 0.12, "c.incident": 0.17, "c.since": 0.09}
        if h.personnel:
            columns["c.by"] = 0.16
        else:
            columns["c.incident"] += 0.1
            columns["c.polres"] += 0.06
        kinds = {i.id: i.kind_label_id if lang == "id" else i.kind_label_en
                 for i in sitrep.incidents}
        rows = []
        for d in sitrep.dispatches:
            row = [d.unit_id, t(f"kind.{d.kind.value}"), _n(d.officers, lang),
                   t(f"unit.{d.status.value}"), sitrep.names.get(d.polres_code, d.polres_code),
                   f"{d.tps_id} · {kinds.get(d.incident_id, d.incident_id)}",
                   _short(d.since, lang)]
            if h.personnel:
                row.append(d.dispatched_by or "—")
            rows.append(row)
        out.append(_pdf_table([t(k) for k in columns], rows, width, list(columns.values())))
    else:
        out.append(Paragraph(e(t("no_dispatches")), body))

    out.append(Paragraph(e(t("s.force")), h2))
    if sitrep.force:
        statuses = list(UnitStatus)
        rows = [[t("pool", name=f.name) if f.code == POOL else f.name, _n(f.teams, lang),
                 _n(f.officers, lang), *[_n(f.by_status.get(s, 0), lang) for s in statuses],
                 _n(f.officers_available, lang)] for f in sitrep.force]
        rows.append([t("total"), _n(sum(f.teams for f in sitrep.force), lang),
                     _n(sum(f.officers for f in sitrep.force), lang),
                     *[_n(sum(f.by_status.get(s, 0) for f in sitrep.force), lang)
                       for s in statuses],
                     _n(sum(f.officers_available for f in sitrep.force), lang)])
        out.append(_pdf_table(
            [t("c.owner"), t("c.teams"), t("c.officers"),
             *[t(f"unit.{s.value}").capitalize() for s in statuses], t("c.ready_officers")],
            rows, width, (0.27, 0.08, 0.1, 0.1, 0.11, 0.1, 0.1, 0.14), total=True))
    else:
        out.append(Paragraph(e(t("no_force")), body))

    if sitrep.floor_warnings or h.whole:
        section: list[Any] = [Paragraph(e(t("s.floor")), h2)]
        if sitrep.floor_warnings:
            rows = [[w.name, _n(w.available, lang), _n(w.planned, lang), _n(w.floor, lang),
                     "; ".join(t("bko_item", team=o.team_id, size=o.size,
                                 min=_num(o.minutes, 0) if lang == "id" else f"{o.minutes:.0f}")
                               for o in w.bko[:3]) or t("no_bko")]
                    for w in sitrep.floor_warnings]
            table = _pdf_table([t("c.polres"), t("c.available"), t("c.planned"), t("c.floor"),
                                t("c.bko")], rows, width, (0.22, 0.08, 0.09, 0.08, 0.53))
            table.setStyle(TableStyle([("BACKGROUND", (0, 1), (-1, -1),
                                        colors.HexColor(WARN))]))
            section.append(table)
        else:
            section.append(Paragraph(e(t("no_floor")), body))
        out.append(KeepTogether(section))
    return out
