"""The situation report (laporan situasi) as a PDF the Posko sends up, and as JSON.

``write_pdf`` lays out a ``pollguard.operations.sitrep.Sitrep`` on A4 in Bahasa Indonesia (or
English with ``lang="en"``): the header (time on the operation's clock, plan and assessment
versions, who made it), TPS status per Polres, incidents, dispatches, the reserve force and
reserve-floor warnings, with page numbers, and under the tables the report told as staff write
it (``pollguard.reports.sitrep_narrative``). ``as_json`` is the same report as plain JSON values
(what ``GET /api/v1/sitrep`` answers), the narrative and its WhatsApp text included. Neither
adds nor hides anything: what a reader may not see was left out when the report was made.

Its words are the ``sitrep.*`` strings of the catalogue the /sitrep page reads
(``pollguard.i18n``), so the page, the PDF and the command line say the same thing in the same
words; the PDF's styles are ``pollguard.reports.pdf``'s, shared with the plan documents.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

from pollguard.domain.command import POOL
from pollguard.i18n import LANGUAGES, catalogue
from pollguard.operations.field_reports import TpsPhase
from pollguard.operations.reinforcement import UnitStatus
from pollguard.operations.sitrep import SEVERITIES, PolresStatus, Sitrep
from pollguard.reports import pdf
from pollguard.reports.numbers import num
from pollguard.reports.sitrep_narrative import narrative, whatsapp

__all__ = ["LANGS", "as_json", "label", "write_pdf"]

LANGS = LANGUAGES

#: The older names ``cli/sitrep.py`` still prints by, for the catalogue's: ``c.<x>`` is
#: ``col.<x>``, and its incident line is the one with the closed incidents per severity.
_SHORT = {"inc_summary": "inc_summary_severities"}


def label(lang: str, key: str, **values: Any) -> str:
    """A string of the report in ``lang`` (``id`` or ``en``): the shared catalogue's
    ``sitrep.<key>`` (``pollguard/i18n/{lang}.json``), filled in with ``values``. A key it
    lacks is an error, not a blank in a report that is sent up the chain."""
    key = _SHORT.get(key, "col." + key[2:] if key.startswith("c.") else key)
    return catalogue(lang)[f"sitrep.{key}"].format(**values)


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
    """The report as JSON values: times in UTC ISO 8601 (the header also on the operation's
    clock, ``as_of_wib`` under its older name, and the clock's name in ``time_zone``). Sections a
    reader may not see are null (``dispatches``, ``force`` and ``floor_warnings`` without
    reserves), not empty."""
    h = sitrep.header
    reserves = h.reserves
    tps_of = {i.id: i.tps_label for i in sitrep.incidents}
    return {
        "header": {
            "as_of": _iso(h.as_of), "as_of_wib": h.local.isoformat(), "time_zone": h.zone_name,
            "operation": h.operation,
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
            "items": [{"id": i.id, "tps_id": i.tps_id, "tps_name": i.tps_label,
                       "polres_code": i.polres_code,
                       "polres_name": i.polres_name, "kind": i.kind,
                       "kind_label_id": i.kind_label_id, "kind_label_en": i.kind_label_en,
                       "severity": i.severity, "status": i.status.value,
                       "level": i.level.value, "open": i.open, "verified": i.verified,
                       "reported_at": _iso(i.reported_at), "age_min": i.age_min,
                       "reported_by": i.reported_by, "units_sent": i.units_sent}
                      for i in sitrep.incidents]},
        "dispatches": [{"id": d.id, "incident_id": d.incident_id, "tps_id": d.tps_id,
                        "tps_name": tps_of.get(d.incident_id, f"TPS {d.tps_id}"),
                        "polres_code": d.polres_code, "unit_id": d.unit_id,
                        "unit_name": d.unit_name or d.unit_id,
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
        "narrative": [{"number": sec.number, "title": sec.title, "items": list(sec.items),
                       "numbered": sec.numbered} for sec in narrative(sitrep)],
        "whatsapp": whatsapp(sitrep),
    }


# --- PDF --------------------------------------------------------------------------------------


def _n(value: float, lang: str) -> str:
    return num(value) if lang == "id" else f"{value:,.0f}"


def _day(d: dt.date, lang: str) -> str:
    months = label(lang, "months").split()
    return f"{d.day} {months[d.month - 1]} {d.year}"


def _at(t: dt.datetime, lang: str, zone: dt.timezone) -> str:
    """A time as the Posko writes it, on the operation's clock: 27 November 2024 pukul 14.05
    WIB (WITA in Makassar)."""
    w = t.astimezone(zone)
    hm = f"{w:%H.%M}" if lang == "id" else f"{w:%H:%M}"
    return label(lang, "at", day=_day(w.date(), lang), hm=hm, zone=w.tzname() or "WIB")


def _short(t: dt.datetime, lang: str, zone: dt.timezone) -> str:
    """A time in a table: 27/11 14.05 (on the clock the header names)."""
    w = t.astimezone(zone)
    return f"{w:%d/%m %H.%M}" if lang == "id" else f"{w:%d/%m %H:%M}"


def _age(minutes: int, lang: str) -> str:
    if minutes < 60:
        return label(lang, "minutes", n=minutes)
    return label(lang, "hours", h=minutes // 60, m=f"{minutes % 60:02d}")


def _open_cell(counts: Mapping[int, int]) -> str:
    return "/".join(str(counts.get(s, 0)) for s in SEVERITIES)


def _word(lang: str, key: str) -> str:
    """A status or kind as a table cell says it mid-line: the page's label in lower case."""
    return label(lang, key).lower()


def write_pdf(sitrep: Sitrep, path: Path | str | IO[bytes], lang: str = "id") -> None:
    """Write the report as an A4 PDF to ``path`` (a file name or a binary stream)."""
    if lang not in LANGS:
        raise ValueError(f"no language {lang!r}: choose one of {', '.join(LANGS)}")
    h = sitrep.header

    def t(key: str, **values: Any) -> str:
        return label(lang, key, **values)

    e = html.escape
    st = pdf.styles()
    body, note = st.body, st.note
    width = pdf.WIDTH

    whole = sitrep.names.get(POOL, "Polda")
    facts = [(t("time"), _at(h.as_of, lang, h.zone)),
             (t("operation"), h.operation or "—"),
             (t("jurisdiction"), t("whole", name=h.jurisdiction or whole) if h.whole
              else h.jurisdiction or "—")]
    if h.voting_date:
        facts.append((t("voting"), _day(h.voting_date, lang)))
    facts += [
        (t("plan"), t("plan_value", id=h.plan_id, at=_at(h.plan_created_at, lang, h.zone)
                      if h.plan_created_at else "—", assessment=h.plan_assessment_id or "—")
         if h.plan_id else t("none")),
        (t("assessment"), t("assessment_value", id=h.assessment_id,
                            day=_day(h.assessment_as_of, lang) if h.assessment_as_of else "—")
         if h.assessment_id else t("none")),
        (t("made_by"), h.made_by or "—")]
    head = Table([[Paragraph(f"<b>{e(k)}</b>", body), Paragraph(e(v), body)] for k, v in facts],
                 colWidths=[width * 0.3, width * 0.7])
    head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                              ("LINEBELOW", (0, 0), (-1, -1), 0.3,
                               colors.HexColor(pdf.HEAD_FILL)),
                              ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                              ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]))

    total = sitrep.total
    tiles = [(t("tile.tps"), _n(total.tps, lang)),
             (t("tile.not_reported"), _n(total.not_reported, lang)),
             (t("tile.open"), _n(len(sitrep.open_incidents), lang))]
    if h.reserves:
        busy = sum(1 for d in sitrep.dispatches if d.status != UnitStatus.AVAILABLE)
        ready = sum(f.by_status.get(UnitStatus.AVAILABLE, 0) for f in sitrep.force)
        tiles += [(t("tile.sent"), _n(busy, lang)), (t("tile.ready"), _n(ready, lang))]

    where = t("whole", name=h.jurisdiction or whole) if h.whole else h.jurisdiction
    story: list[Any] = [Paragraph(e(t("title")), st.h1),
                        Paragraph(e(f"{where} · {_at(h.as_of, lang, h.zone)}"), note),
                        Spacer(1, 6), head, Spacer(1, 8), pdf.tiles(tiles, st.tile, width)]
    if not h.personnel:
        story += [Spacer(1, 4), Paragraph(e(t("hidden_personnel")), note)]

    # 1. TPS status per Polres
    def status_row(p: PolresStatus, name: str) -> list[str]:
        return [name, _n(p.tps, lang), _n(p.opened, lang), _n(p.closed, lang),
                _n(p.counted, lang), _n(p.escorted, lang), _n(p.not_reported, lang),
                _open_cell(p.open_incidents)]

    rows = [status_row(p, p.name) for p in sitrep.polres] + [status_row(total, t("total"))]
    story += [Paragraph(e(t("s.status")), st.h2),
              pdf.table([t(f"col.{k}") for k in ("polres", "tps", "opened", "closed", "counted",
                                                 "escorted", "not_reported", "open")],
                        rows, width, (0.25, 0.08, 0.09, 0.09, 0.09, 0.1, 0.1, 0.2), total=True),
              Paragraph(e(t("status_note")), note)]

    # 2. Incidents
    o, c = sitrep.incident_counts(open=True), sitrep.incident_counts(open=False)
    story += [Paragraph(e(t("s.incidents")), st.h2),
              Paragraph(e(t("inc_summary_severities", **{k: _n(v, lang) for k, v in dict(
                  open=sum(o.values()), o3=o[3], o2=o[2], o1=o[1], closed=sum(c.values()),
                  c3=c[3], c2=c[2], c1=c[1]).items()})), body),
              Spacer(1, 4)]
    if sitrep.incidents:
        # Widths fit a 13-digit TPS id, a time and the longest status on one line; the
        # columns a reader may not see give their room to the kind and the Polres.
        columns = {"no": 0.035, "when": 0.09, "polres": 0.12, "tps": 0.125, "kind": 0.145,
                   "sev": 0.07, "status": 0.13, "age": 0.065, "verified": 0.08}
        if h.reserves:
            columns["units"] = 0.05
        else:
            columns["kind"] += 0.05
        if h.personnel:
            columns["reporter"] = 0.09
        else:
            columns["kind"] += 0.05
            columns["polres"] += 0.04
        # One column for the page's two: the status, and (in brackets) who holds it.
        header = [f"{t('col.status')} ({t('col.level').lower()})" if k == "status"
                  else t(f"col.{k}") for k in columns]
        shares = list(columns.values())
        inc_rows = []
        for n, i in enumerate(sitrep.incidents, 1):
            row = [str(n), _short(i.reported_at, lang, h.zone), i.polres_name, i.tps_label,
                   i.kind_label_id if lang == "id" else i.kind_label_en,
                   _word(lang, f"sev.{i.severity}"),
                   f"{_word(lang, f'status.{i.status.value}')} ({t(f'level.{i.level.value}')})",
                   _age(i.age_min, lang), t("yes") if i.verified else t("no")]
            if h.reserves:
                row.append(str(i.units_sent or 0))
            if h.personnel:
                row.append(i.reported_by or "—")
            inc_rows.append(row)
        story.append(pdf.table(header, inc_rows, width, shares))
    else:
        story.append(Paragraph(e(t("no_incidents")), body))

    if not h.reserves:
        story += [Spacer(1, 8), Paragraph(e(t("hidden")), note)]
    else:
        story += _reserve_sections(sitrep, lang, width, st)
    story += _narrative_section(sitrep, lang, st)

    doc = pdf.document(path if not isinstance(path, Path) else str(path),
                       title=f"{t('title')} {h.operation}".strip(),
                       subject=h.jurisdiction or whole)

    class Numbered(pdf.NumberedCanvas):
        footer_text = t("footer", op=h.operation, at=_at(h.as_of, lang, h.zone))
        page_label = catalogue(lang)["sitrep.page"]

    doc.build(story, canvasmaker=Numbered)


def _narrative_section(sitrep: Sitrep, lang: str, st: pdf.Styles) -> list[Any]:
    """The report as staff write it (``sitrep_narrative``), under the tables: always in
    Bahasa Indonesia, the language it is sent up in."""
    e = html.escape
    listed = ParagraphStyle("listed", parent=st.body, leftIndent=14, bulletIndent=0,
                            bulletFontSize=st.body.fontSize)
    out: list[Any] = [Paragraph(e(label(lang, "s.narrative")), st.h2)]
    for sec in narrative(sitrep):
        out.append(Paragraph(f"<b>{e(sec.heading)}</b>", st.body))
        for n, item in enumerate(sec.items, 1):
            out += [Paragraph(e(item), listed, bulletText=f"{n}.") if sec.numbered
                    else Paragraph(e(item), st.body), Spacer(1, 2)]
        out.append(Spacer(1, 4))
    return out


def _reserve_sections(sitrep: Sitrep, lang: str, width: float, st: pdf.Styles) -> list[Any]:
    h = sitrep.header
    e = html.escape

    def t(key: str, **values: Any) -> str:
        return label(lang, key, **values)

    out: list[Any] = [Paragraph(e(t("s.dispatches")), st.h2)]
    if sitrep.dispatches:
        columns = {"unit": 0.185, "unit_kind": 0.11, "officers": 0.075, "status": 0.09,
                   "polres": 0.12, "incident": 0.17, "since": 0.09}
        if h.personnel:
            columns["by"] = 0.16
        else:
            columns["incident"] += 0.1
            columns["polres"] += 0.06
        kinds = {i.id: i.kind_label_id if lang == "id" else i.kind_label_en
                 for i in sitrep.incidents}
        where = {i.id: i.tps_label for i in sitrep.incidents}
        rows = []
        for d in sitrep.dispatches:
            row = [d.unit_name or d.unit_id, _word(lang, f"kind.{d.kind.value}"),
                   _n(d.officers, lang), _word(lang, f"unit.{d.status.value}"),
                   sitrep.names.get(d.polres_code, d.polres_code),
                   f"{where.get(d.incident_id, d.tps_id)} · "
                   f"{kinds.get(d.incident_id, d.incident_id)}",
                   _short(d.since, lang, h.zone)]
            if h.personnel:
                row.append(d.dispatched_by or "—")
            rows.append(row)
        out.append(pdf.table([t(f"col.{k}") for k in columns], rows, width,
                             list(columns.values())))
    else:
        out.append(Paragraph(e(t("no_dispatches")), st.body))

    out.append(Paragraph(e(t("s.force")), st.h2))
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
        out.append(pdf.table(
            [t("col.owner"), t("col.teams"), t("col.officers"),
             *[t(f"unit.{s.value}") for s in statuses], t("col.ready_officers")],
            rows, width, (0.27, 0.08, 0.1, 0.1, 0.11, 0.1, 0.1, 0.14), total=True))
    else:
        out.append(Paragraph(e(t("no_force")), st.body))

    if sitrep.floor_warnings or h.whole:
        section: list[Any] = [Paragraph(e(t("s.floor")), st.h2)]
        if sitrep.floor_warnings:
            rows = [[w.name, _n(w.available, lang), _n(w.planned, lang), _n(w.floor, lang),
                     "; ".join(t("bko_item", team=o.team_id, size=o.size,
                                 min=num(o.minutes, 0) if lang == "id" else f"{o.minutes:.0f}")
                               for o in w.bko[:3]) or t("no_bko")]
                    for w in sitrep.floor_warnings]
            table = pdf.table([t(f"col.{k}") for k in ("polres", "available", "planned",
                                                       "floor", "bko")],
                              rows, width, (0.22, 0.08, 0.09, 0.08, 0.53))
            table.setStyle(TableStyle([("BACKGROUND", (0, 1), (-1, -1),
                                        colors.HexColor(pdf.WARN_FILL))]))
            section.append(table)
        else:
            section.append(Paragraph(e(t("no_floor")), st.body))
        out.append(KeepTogether(section))
    return out
