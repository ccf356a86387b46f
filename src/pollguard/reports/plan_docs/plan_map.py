"""The plan's map, one model drawn twice: as inline SVG for the HTML summary and as a reportlab
drawing for the PDF. TPS by class (riskier on top), posts, reserve staging points and Polres
headquarters, in an equirectangular projection (fine at a province's scale)."""

from __future__ import annotations

import html
import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from reportlab.graphics.shapes import Circle, Drawing, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from pollguard.domain.plan import ReserveTeam
from pollguard.domain.risk import RiskClass
from pollguard.domain.tps import PollingStation
from pollguard.planning.view import PlanView
from pollguard.reports.pdf import FONT
from pollguard.reports.plan_docs.common import (
    CLASS_COLOUR,
    CLASS_ORDER,
    POST_COLOUR,
    RESERVE_COLOUR,
    UNKNOWN_COLOUR,
)


@dataclass(frozen=True)
class Mark:
    layer: str  # "tps:<class>", "post", "reserve", "hq"
    x: float
    y: float  # from the top, as SVG counts
    r: float
    colour: str
    title: str = ""


@dataclass(frozen=True)
class Map:
    width: float
    height: float
    marks: tuple[Mark, ...]


TPS_RADIUS = {RiskClass.KURANG_RAWAN: 1.0, RiskClass.RAWAN: 1.7, RiskClass.SANGAT_RAWAN: 2.2,
              RiskClass.KHUSUS: 2.2}


def layout(ix: PlanView, width: float) -> Map:
    """Equirectangular projection of the scenario's points (fine at a province's scale):
    TPS by class, riskier on top; posts; reserve staging points sized by team count; Polres
    headquarters labelled."""
    points = [(t.lat, t.lon) for t in ix.scenario.tps] + [
        (u.hq_lat, u.hq_lon) for u in ix.polres]
    if not points:
        return Map(width, width / 2, ())
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    pad = 0.04 * max(max(lats) - min(lats), max(lons) - min(lons), 0.01)
    south, north = min(lats) - pad, max(lats) + pad
    west, east = min(lons) - pad, max(lons) + pad
    k = math.cos(math.radians((south + north) / 2))
    scale = width / ((east - west) * k)
    height = (north - south) * scale
    unit = width / 510  # marks are sized for an A4 page's width and grow with the map

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return round((lon - west) * k * scale, 1), round((north - lat) * scale, 1)

    marks: list[Mark] = []
    by_class: dict[RiskClass | None, list[PollingStation]] = defaultdict(list)
    for t in ix.scenario.tps:
        by_class[ix.class_of(t.tps_id)].append(t)
    for c in (RiskClass.KURANG_RAWAN, None, RiskClass.RAWAN, RiskClass.KHUSUS,
              RiskClass.SANGAT_RAWAN):
        colour = CLASS_COLOUR[c] if c else UNKNOWN_COLOUR
        radius = round((TPS_RADIUS[c] if c else 1.7) * unit, 2)
        for t in by_class.get(c, []):
            marks.append(Mark(f"tps:{c.value if c else 'none'}", *xy(t.lat, t.lon), radius,
                              colour))
    for p in ix.plan.posts:
        marks.append(Mark("post", *xy(p.lat, p.lon), round(0.6 * unit, 2), POST_COLOUR))
    teams_at: dict[str, list[ReserveTeam]] = defaultdict(list)
    for team in ix.plan.reserves:
        teams_at[team.staging_code].append(team)
    for teams in teams_at.values():
        size = sum(t.size for t in teams)
        marks.append(Mark("reserve", *xy(teams[0].lat, teams[0].lon),
                          (3.5 + 1.2 * math.sqrt(len(teams))) * unit, RESERVE_COLOUR,
                          f"Cadangan di {ix.staging_name(teams[0])}: {len(teams)} tim, "
                          f"{size} personel"))
    for u in ix.polres:
        marks.append(Mark("hq", *xy(u.hq_lat, u.hq_lon), 2.5 * unit, "#000000", u.name))
    return Map(width, round(height, 1), tuple(marks))


def _triangle(x: float, y: float, r: float) -> list[float]:
    return [x, y - r, x - r * 0.95, y + r * 0.75, x + r * 0.95, y + r * 0.75]


def svg(m: Map) -> str:
    """The map as inline SVG: one group per layer so each point is a bare element."""
    layers: dict[str, list[Mark]] = defaultdict(list)
    for mark in m.marks:
        layers[mark.layer].append(mark)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {m.width:g} '
             f'{m.height:g}" width="100%" role="img" aria-label="Peta rencana pengamanan">',
             f'<rect width="{m.width:g}" height="{m.height:g}" fill="#f4f6f8"/>']
    for layer, marks in layers.items():
        if layer.startswith("tps:") or layer == "post":
            parts.append(f'<g fill="{marks[0].colour}"'
                         + (' fill-opacity="0.85"' if layer.startswith("tps:") else "") + ">")
            parts.extend(f'<circle cx="{k.x:g}" cy="{k.y:g}" r="{k.r:g}"/>' for k in marks)
            parts.append("</g>")
        elif layer == "reserve":
            parts.append(f'<g fill="{RESERVE_COLOUR}" stroke="#ffffff" stroke-width="0.8">')
            for k in marks:
                pts = " ".join(f"{v:.1f}" for v in _triangle(k.x, k.y, k.r))
                parts.append(f'<polygon points="{pts}"><title>{html.escape(k.title)}</title>'
                             "</polygon>")
            parts.append("</g>")
        elif layer == "hq":
            parts.append('<g font-family="Helvetica, Arial, sans-serif" font-size="11">')
            for k in marks:
                # browsers may set a wider sans than Helvetica: leave room
                right = k.x + 5 + 1.2 * stringWidth(k.title, FONT, 11) > m.width
                anchor = ' text-anchor="end"' if right else ""
                parts.append(f'<rect x="{k.x - k.r:g}" y="{k.y - k.r:g}" width="{2 * k.r:g}" '
                             f'height="{2 * k.r:g}" fill="#000"/>'
                             f'<text x="{k.x - 5 if right else k.x + 5:g}" y="{k.y - 4:g}"'
                             f'{anchor} fill="#000" stroke="#fff" stroke-width="3" '
                             f'paint-order="stroke">{html.escape(k.title)}</text>')
            parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def drawing(m: Map) -> Drawing:
    """The same map as a reportlab drawing (y flipped: PDF counts from the bottom)."""
    legend_h = 16.0
    d = Drawing(m.width, m.height + legend_h)
    top = m.height + legend_h
    d.add(Rect(0, legend_h, m.width, m.height, fillColor=colors.HexColor("#f4f6f8"),
               strokeColor=None))
    palette: dict[str, Any] = {}

    def colour(hex_: str) -> Any:
        if hex_ not in palette:
            palette[hex_] = colors.HexColor(hex_)
        return palette[hex_]

    for k in m.marks:
        y = top - k.y
        if k.layer.startswith("tps:") or k.layer == "post":
            d.add(Circle(k.x, y, k.r, fillColor=colour(k.colour), strokeColor=None))
        elif k.layer == "reserve":
            pts = _triangle(k.x, 0, k.r)
            d.add(Polygon([v if i % 2 == 0 else y - v for i, v in enumerate(pts)],
                          fillColor=colour(RESERVE_COLOUR), strokeColor=colors.white,
                          strokeWidth=0.6))
        elif k.layer == "hq":
            d.add(Rect(k.x - k.r, y - k.r, 2 * k.r, 2 * k.r, fillColor=colors.black,
                       strokeColor=None))
            label_w = stringWidth(k.title, FONT, 7)
            x = k.x + 4 if k.x + 4 + label_w <= m.width else k.x - 4 - label_w
            d.add(Rect(x - 1, y + 1.5, label_w + 2, 8, fillColor=colors.white,
                       fillOpacity=0.75, strokeColor=None))
            d.add(String(x, y + 3, k.title, fontName=FONT, fontSize=7))
    x = 0.0
    for label, hex_, shape in legend():
        if shape == "circle":
            d.add(Circle(x + 4, 6, 3, fillColor=colour(hex_), strokeColor=None))
        elif shape == "triangle":
            pts = _triangle(x + 4, 0, 4.5)
            d.add(Polygon([v if i % 2 == 0 else 6 - v for i, v in enumerate(pts)],
                          fillColor=colour(hex_), strokeColor=None))
        else:
            d.add(Rect(x + 1.5, 3.5, 5, 5, fillColor=colour(hex_), strokeColor=None))
        d.add(String(x + 10, 3.5, label, fontName=FONT, fontSize=7))
        x += 14 + stringWidth(label, FONT, 7)
    return d


def legend() -> list[tuple[str, str, str]]:
    """The map's key, as (label, colour, shape) for both drawings."""
    return [*((f"TPS {c.label_id}", CLASS_COLOUR[c], "circle") for c in CLASS_ORDER),
            ("pos (titik kecil)", POST_COLOUR, "circle"),
            ("titik siaga cadangan", RESERVE_COLOUR, "triangle"),
            ("Mapolres", "#000000", "square")]

