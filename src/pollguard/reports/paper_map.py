"""A province on paper: the real region boundaries, points by layer and names placed so that
no two overlap, with a legend of exactly what is drawn. One model drawn twice: as inline SVG
(the HTML documents) and as a reportlab drawing (the PDFs), in an equirectangular projection
(fine at a province's scale). The plan map (``plan_docs.plan_map``) and the risk map
(``risk_map_pdf``) are built on it.

Only real boundaries are drawn on paper: a hull around the TPS, which the web map draws when
there is nothing better, would look on a signed document like a border it is not."""

from __future__ import annotations

import html
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from reportlab.graphics.shapes import (
    FILL_EVEN_ODD,
    Circle,
    Drawing,
    Line,
    Path,
    Polygon,
    Rect,
    String,
)
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from pollguard.domain.regions import RegionLevel
from pollguard.domain.risk import RiskClass
from pollguard.reports.colours import (
    CLASS_COLOUR,
    HQ_COLOUR,
    KABKOTA_LINE,
    KECAMATAN_LINE,
    LAND_COLOUR,
    POST_COLOUR,
    RESERVE_COLOUR,
    UNKNOWN_COLOUR,
)
from pollguard.reports.pdf import BOLD, FONT
from pollguard.scenario.outlines import Outline, map_name

GROUND = "#f4f6f8"  # outside the regions drawn
CLASS_ORDER = (RiskClass.SANGAT_RAWAN, RiskClass.KHUSUS, RiskClass.RAWAN,
               RiskClass.KURANG_RAWAN)
#: Browsers may set a wider sans than Helvetica: label boxes are measured this much wider.
TEXT_SLACK = 1.15
BASE_WIDTH = 510.0  # marks are sized for an A4 page's width and grow with the map

Box = tuple[float, float, float, float]  # x0, y0 (top), x1, y1 (bottom)
XY = tuple[float, float]


@dataclass(frozen=True)
class Mark:
    layer: str  # "tps:<class>", "tps:none", "post", "reserve", "hq"
    x: float
    y: float  # from the top, as SVG counts
    r: float
    colour: str
    title: str = ""


@dataclass(frozen=True)
class Shape:
    """A region's boundary on the page: polygons of rings of (x, y) from the top."""

    code: str
    level: RegionLevel
    polygons: tuple[tuple[tuple[XY, ...], ...], ...]


@dataclass(frozen=True)
class Label:
    """A name on the map: its baseline at (x, y), anchored at its start, middle or end."""

    text: str
    x: float
    y: float
    size: float
    anchor: str = "middle"  # "start", "middle" or "end", as SVG's text-anchor
    bold: bool = False

    @property
    def box(self) -> Box:
        w = stringWidth(self.text, BOLD if self.bold else FONT, self.size) * TEXT_SLACK
        x0 = self.x if self.anchor == "start" else (
            self.x - w / 2 if self.anchor == "middle" else self.x - w)
        return x0 - 1, self.y - 0.8 * self.size, x0 + w + 1, self.y + 0.25 * self.size


@dataclass(frozen=True)
class Map:
    width: float
    height: float
    marks: tuple[Mark, ...]
    shapes: tuple[Shape, ...] = ()
    labels: tuple[Label, ...] = ()
    #: What the legend calls the level below the kab/kota ("kecamatan"; Papua: "distrik").
    kecamatan_word: str = "kecamatan"
    #: What the legend says of a TPS without a class.
    unknown_label: str = "TPS tanpa kelas"


@dataclass
class Projection:
    """Degrees to page points: fits ``points`` (lat, lon) into ``width`` with a margin."""

    points: Sequence[tuple[float, float]]
    width: float
    west: float = field(init=False)
    north: float = field(init=False)
    k: float = field(init=False)
    scale: float = field(init=False)
    height: float = field(init=False)

    def __post_init__(self) -> None:
        lats = [p[0] for p in self.points] or [0.0]
        lons = [p[1] for p in self.points] or [0.0]
        pad = 0.04 * max(max(lats) - min(lats), max(lons) - min(lons), 0.01)
        south, self.north = min(lats) - pad, max(lats) + pad
        self.west, east = min(lons) - pad, max(lons) + pad
        self.k = math.cos(math.radians((south + self.north) / 2))
        self.scale = self.width / ((east - self.west) * self.k)
        self.height = round((self.north - south) * self.scale, 1)

    @property
    def unit(self) -> float:
        return self.width / BASE_WIDTH

    def xy(self, lat: float, lon: float) -> XY:
        return round((lon - self.west) * self.k * self.scale, 1), round(
            (self.north - lat) * self.scale, 1)


def outline_points(outlines: Iterable[Outline]) -> list[tuple[float, float]]:
    """(lat, lon) of every outer ring's positions: what a map of the regions must fit."""
    return [(lat, lon) for o in outlines for p in o.polygons for lon, lat in p[0]]


def shapes(outlines: Iterable[Outline], proj: Projection) -> tuple[Shape, ...]:
    """The outlines on the page, kab/kota first, rings of fewer than three points (too small
    to see at this scale) left out."""
    out = []
    for o in sorted(outlines, key=lambda o: (o.level, o.code)):
        polygons = []
        for polygon in o.polygons:
            rings = tuple(r for r in (_ring(ring, proj) for ring in polygon) if len(r) >= 3)
            if rings:
                polygons.append(rings)
        if polygons:
            out.append(Shape(o.code, o.level, tuple(polygons)))
    return tuple(out)


def _ring(ring: Sequence[tuple[float, float]], proj: Projection) -> tuple[XY, ...]:
    points: list[XY] = []
    for lon, lat in ring:
        p = proj.xy(lat, lon)
        if not points or p != points[-1]:
            points.append(p)
    return tuple(points)


# --- names ----------------------------------------------------------------------------------

def place_labels(options: Iterable[Sequence[Label]], width: float, height: float,
                 taken: Iterable[Box] = ()) -> tuple[Label, ...]:
    """Greedy placement: for each name in order of importance, the first of its positions
    that lies on the map and overlaps no name placed before it nor a box in ``taken`` (the
    headquarters' squares); a name with no such position is left out rather than printed
    over another."""
    placed: list[Label] = []
    boxes = list(taken)
    for candidates in options:
        for label in candidates:
            b = label.box
            if b[0] < 0 or b[1] < 0 or b[2] > width or b[3] > height:
                continue
            if any(_overlap(b, o) for o in boxes):
                continue
            placed.append(label)
            boxes.append(b)
            break
    return tuple(placed)


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def beside(text: str, x: float, y: float, r: float, size: float) -> list[Label]:
    """A point's name to its right, else to its left, above or below."""
    mid = y + 0.3 * size
    return [Label(text, x + r + 2, mid, size, "start"), Label(text, x - r - 2, mid, size, "end"),
            Label(text, x, y - r - 2, size), Label(text, x, y + r + size, size)]


def around(text: str, x: float, y: float, size: float) -> list[Label]:
    """A region's name on its inside point, else a line above or below it."""
    mid = y + 0.3 * size
    return [Label(text, x, mid, size, bold=True), Label(text, x, mid - 1.3 * size, size, bold=True),
            Label(text, x, mid + 1.3 * size, size, bold=True)]


def region_labels(outlines: Iterable[Outline], names: dict[str, str], proj: Projection,
                  size: float) -> list[list[Label]]:
    """The kab/kota names, largest region first (a kota inside a kabupaten yields)."""
    kab = [o for o in outlines if o.level == RegionLevel.KABKOTA]
    kab.sort(key=lambda o: -_extent(o))
    return [around(map_name(names.get(o.code, o.code)), *proj.xy(o.label[1], o.label[0]), size)
            for o in kab]


def _extent(o: Outline) -> float:
    lons = [p[0] for poly in o.polygons for p in poly[0]]
    lats = [p[1] for poly in o.polygons for p in poly[0]]
    return (max(lons) - min(lons)) * (max(lats) - min(lats))


# --- the legend -----------------------------------------------------------------------------

def legend(m: Map) -> list[tuple[str, str, str]]:
    """The key of exactly what ``m`` draws, as (label, colour, shape) with shape "circle",
    "triangle", "square" or "line"."""
    layers = {k.layer for k in m.marks}
    levels = {s.level for s in m.shapes}
    out = [(f"TPS {c.label_id}", CLASS_COLOUR[c], "circle") for c in CLASS_ORDER
           if f"tps:{c.value}" in layers]
    if "tps:none" in layers:
        out.append((m.unknown_label, UNKNOWN_COLOUR, "circle"))
    if "post" in layers:
        out.append(("pos (titik kecil)", POST_COLOUR, "circle"))
    if "reserve" in layers:
        out.append(("titik siaga cadangan", RESERVE_COLOUR, "triangle"))
    if "hq" in layers:
        out.append(("Mapolres", HQ_COLOUR, "square"))
    if RegionLevel.KABKOTA in levels:
        out.append(("batas kabupaten/kota", KABKOTA_LINE, "line"))
    if RegionLevel.KECAMATAN in levels:
        out.append((f"batas {m.kecamatan_word}", KECAMATAN_LINE, "line"))
    return out


# --- SVG ------------------------------------------------------------------------------------

def triangle(x: float, y: float, r: float) -> list[float]:
    return [x, y - r, x - r * 0.95, y + r * 0.75, x + r * 0.95, y + r * 0.75]


def _path(shape: Shape) -> str:
    return " ".join("M" + " L".join(f"{x:g},{y:g}" for x, y in ring) + " Z"
                    for polygon in shape.polygons for ring in polygon)


def svg(m: Map) -> str:
    """The map as inline SVG: the land, the lines, one group per layer of points (each point
    a bare element), then the names over everything with a white halo."""
    unit = m.width / BASE_WIDTH
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {m.width:g} '
             f'{m.height:g}" width="100%" role="img" aria-label="Peta rencana pengamanan">',
             f'<rect width="{m.width:g}" height="{m.height:g}" fill="{GROUND}"/>']
    kab = [s for s in m.shapes if s.level == RegionLevel.KABKOTA]
    kec = [s for s in m.shapes if s.level == RegionLevel.KECAMATAN]
    if kab:
        parts.append(f'<g fill="{LAND_COLOUR}" fill-rule="evenodd" stroke="none">')
        parts += [f'<path d="{_path(s)}"/>' for s in kab]
        parts.append("</g>")
    for group, colour, width in ((kec, KECAMATAN_LINE, 0.45), (kab, KABKOTA_LINE, 1.0)):
        if group:
            parts.append(f'<g fill="none" stroke="{colour}" stroke-width="{width * unit:.2f}" '
                         'stroke-linejoin="round">')
            parts += [f'<path d="{_path(s)}"/>' for s in group]
            parts.append("</g>")
    layers: dict[str, list[Mark]] = defaultdict(list)
    for mark in m.marks:
        layers[mark.layer].append(mark)
    for layer, marks in layers.items():
        if layer.startswith("tps:") or layer == "post":
            parts.append(f'<g fill="{marks[0].colour}"'
                         + (' fill-opacity="0.85"' if layer.startswith("tps:") else "") + ">")
            parts.extend(f'<circle cx="{k.x:g}" cy="{k.y:g}" r="{k.r:g}"/>' for k in marks)
            parts.append("</g>")
        elif layer == "reserve":
            parts.append(f'<g fill="{RESERVE_COLOUR}" stroke="#ffffff" stroke-width="0.8">')
            for k in marks:
                pts = " ".join(f"{v:.1f}" for v in triangle(k.x, k.y, k.r))
                parts.append(f'<polygon points="{pts}"><title>{html.escape(k.title)}</title>'
                             "</polygon>")
            parts.append("</g>")
        elif layer == "hq":
            parts.append(f'<g fill="{HQ_COLOUR}">')
            parts += [f'<rect x="{k.x - k.r:g}" y="{k.y - k.r:g}" width="{2 * k.r:g}" '
                      f'height="{2 * k.r:g}"><title>{html.escape(k.title)}</title></rect>'
                      for k in marks]
            parts.append("</g>")
    if m.labels:
        parts.append('<g font-family="Helvetica, Arial, sans-serif" fill="#000" '
                     'stroke="#fff" stroke-width="3" paint-order="stroke">')
        for label in m.labels:
            weight = ' font-weight="bold"' if label.bold else ""
            parts.append(f'<text x="{label.x:g}" y="{label.y:g}" font-size="{label.size:g}" '
                         f'text-anchor="{label.anchor}"{weight}>{html.escape(label.text)}</text>')
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


# --- reportlab ------------------------------------------------------------------------------

LEGEND_ROW = 11.0


def legend_rows(entries: Sequence[tuple[str, str, str]], width: float) -> list[list[Any]]:
    """The legend's entries in rows that fit ``width``: (x, label, colour, shape) each."""
    rows: list[list[Any]] = [[]]
    x = 0.0
    for label, colour, shape in entries:
        w = 14 + stringWidth(label, FONT, 7)
        if x + w > width and rows[-1]:
            rows.append([])
            x = 0.0
        rows[-1].append((x, label, colour, shape))
        x += w + 4
    return rows


def drawing(m: Map) -> Drawing:
    """The same map as a reportlab drawing (y flipped: PDF counts from the bottom), with its
    legend below it, in as many rows as it needs."""
    unit = m.width / BASE_WIDTH
    rows = legend_rows(legend(m), m.width)
    legend_h = LEGEND_ROW * len(rows) + 5
    d = Drawing(m.width, m.height + legend_h)
    top = m.height + legend_h
    d.add(Rect(0, legend_h, m.width, m.height, fillColor=colors.HexColor(GROUND),
               strokeColor=None))
    palette: dict[str, Any] = {}

    def colour(hex_: str) -> Any:
        if hex_ not in palette:
            palette[hex_] = colors.HexColor(hex_)
        return palette[hex_]

    def path(s: Shape, **style: Any) -> Path:
        p = Path(fillMode=FILL_EVEN_ODD, strokeLineJoin=1, **style)
        for polygon in s.polygons:
            for ring in polygon:
                p.moveTo(ring[0][0], top - ring[0][1])
                for x, y in ring[1:]:
                    p.lineTo(x, top - y)
                p.closePath()
        return p

    kab = [s for s in m.shapes if s.level == RegionLevel.KABKOTA]
    kec = [s for s in m.shapes if s.level == RegionLevel.KECAMATAN]
    for s in kab:
        d.add(path(s, fillColor=colour(LAND_COLOUR), strokeColor=None))
    for group, line, width in ((kec, KECAMATAN_LINE, 0.45), (kab, KABKOTA_LINE, 1.0)):
        for s in group:
            d.add(path(s, fillColor=None, strokeColor=colour(line), strokeWidth=width * unit))
    for k in m.marks:
        y = top - k.y
        if k.layer.startswith("tps:") or k.layer == "post":
            d.add(Circle(k.x, y, k.r, fillColor=colour(k.colour), strokeColor=None))
        elif k.layer == "reserve":
            pts = triangle(k.x, 0, k.r)
            d.add(Polygon([v if i % 2 == 0 else y - v for i, v in enumerate(pts)],
                          fillColor=colour(RESERVE_COLOUR), strokeColor=colors.white,
                          strokeWidth=0.6))
        elif k.layer == "hq":
            d.add(Rect(k.x - k.r, y - k.r, 2 * k.r, 2 * k.r, fillColor=colour(HQ_COLOUR),
                       strokeColor=None))
    for label in m.labels:
        font = BOLD if label.bold else FONT
        w = stringWidth(label.text, font, label.size)
        x = label.x if label.anchor == "start" else (
            label.x - w / 2 if label.anchor == "middle" else label.x - w)
        y = top - label.y
        d.add(Rect(x - 1, y - 0.25 * label.size, w + 2, 1.05 * label.size,
                   fillColor=colors.white, fillOpacity=0.75, strokeColor=None))
        d.add(String(x, y, label.text, fontName=font, fontSize=label.size))
    for row_number, row in enumerate(rows):
        base = legend_h - 5 - LEGEND_ROW * (row_number + 1) + 3
        for x, label, hex_, shape in row:
            if shape == "circle":
                d.add(Circle(x + 4, base + 2.5, 3, fillColor=colour(hex_), strokeColor=None))
            elif shape == "triangle":
                pts = triangle(x + 4, 0, 4.5)
                d.add(Polygon([v if i % 2 == 0 else base + 2.5 - v for i, v in enumerate(pts)],
                              fillColor=colour(hex_), strokeColor=None))
            elif shape == "line":
                d.add(Line(x, base + 2.5, x + 9, base + 2.5, strokeColor=colour(hex_),
                           strokeWidth=1.0 if hex_ == KABKOTA_LINE else 0.6))
            else:
                d.add(Rect(x + 1.5, base, 5, 5, fillColor=colour(hex_), strokeColor=None))
            d.add(String(x + 12, base, label, fontName=FONT, fontSize=7))
    return d


def tps_marks(stations: Iterable[tuple[float, float, RiskClass | None]], proj: Projection
              ) -> list[Mark]:
    """TPS as dots by class, the riskier drawn last (on top), bigger the riskier."""
    radius = {RiskClass.KURANG_RAWAN: 1.0, RiskClass.RAWAN: 1.7, RiskClass.SANGAT_RAWAN: 2.2,
              RiskClass.KHUSUS: 2.2, None: 1.7}
    by_class: dict[RiskClass | None, list[tuple[float, float]]] = defaultdict(list)
    for lat, lon, c in stations:
        by_class[c].append((lat, lon))
    marks = []
    for c in (RiskClass.KURANG_RAWAN, None, RiskClass.RAWAN, RiskClass.KHUSUS,
              RiskClass.SANGAT_RAWAN):
        hex_ = CLASS_COLOUR[c] if c else UNKNOWN_COLOUR
        r = round(radius[c] * proj.unit, 2)
        marks += [Mark(f"tps:{c.value if c else 'none'}", *proj.xy(lat, lon), r, hex_)
                  for lat, lon in by_class.get(c, [])]
    return marks
