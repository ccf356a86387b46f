"""The plan's map: TPS by class (riskier on top), posts, reserve staging points and Polres
headquarters, over the real kab/kota and kecamatan boundaries when the scenario has them, with
the Polres and kab/kota names placed so that none hides another. Drawn by ``paper_map`` as
inline SVG for the HTML summary and as a reportlab drawing for the PDF."""

from __future__ import annotations

import math
from collections import defaultdict

from pollguard.domain.plan import ReserveTeam
from pollguard.planning.view import PlanView
from pollguard.reports.colours import HQ_COLOUR, POST_COLOUR, RESERVE_COLOUR
from pollguard.reports.paper_map import (
    Map,
    Mark,
    Projection,
    beside,
    drawing,
    legend,
    outline_points,
    place_labels,
    region_labels,
    shapes,
    svg,
    tps_marks,
)
from pollguard.scenario.outlines import real_outlines

__all__ = ["Map", "Mark", "drawing", "layout", "legend", "svg"]

#: How much the boundaries are simplified for paper: under half a point of the page.
PAPER_TOLERANCE_PT = 0.4


def layout(ix: PlanView, width: float) -> Map:
    """The plan's points and the scenario's real boundaries projected onto ``width`` points:
    TPS by class, riskier on top; posts; reserve staging points sized by team count; Polres
    headquarters, then kab/kota names, placed where they overlap nothing placed before."""
    outlines = real_outlines(ix.scenario)
    points = [(t.lat, t.lon) for t in ix.scenario.tps] + [
        (u.hq_lat, u.hq_lon) for u in ix.polres] + outline_points(outlines)
    if not points:
        return Map(width, width / 2, ())
    proj = Projection(points, width)
    unit = proj.unit
    if outlines:
        outlines = real_outlines(ix.scenario, PAPER_TOLERANCE_PT / proj.scale)
    marks = tps_marks(((t.lat, t.lon, ix.class_of(t.tps_id)) for t in ix.scenario.tps), proj)
    marks += [Mark("post", *proj.xy(p.lat, p.lon), round(0.6 * unit, 2), POST_COLOUR)
              for p in ix.plan.posts]
    teams_at: dict[str, list[ReserveTeam]] = defaultdict(list)
    for team in ix.plan.reserves:
        teams_at[team.staging_code].append(team)
    for teams in teams_at.values():
        size = sum(t.size for t in teams)
        marks.append(Mark("reserve", *proj.xy(teams[0].lat, teams[0].lon),
                          (3.5 + 1.2 * math.sqrt(len(teams))) * unit, RESERVE_COLOUR,
                          f"Cadangan di {ix.staging_name(teams[0])}: {len(teams)} tim, "
                          f"{size} personel"))
    hq = [Mark("hq", *proj.xy(u.hq_lat, u.hq_lon), 2.5 * unit, HQ_COLOUR, u.name)
          for u in ix.polres]
    marks += hq
    text = 7 * unit
    labels = place_labels(
        [*(beside(k.title, k.x, k.y, k.r, text) for k in hq),
         *region_labels(outlines, ix.names, proj, 1.05 * text)],
        width, proj.height, [(k.x - k.r, k.y - k.r, k.x + k.r, k.y + k.r) for k in hq])
    return Map(width, proj.height, tuple(marks), shapes(outlines, proj), labels,
               kecamatan_word=ix.levels.lower)
