"""TNI under police control: static posts at sangat rawan TPS, a mobile team per kecamatan.

TNI are counted, not named, but placed: ``place`` puts ``static_per_sangat_rawan`` soldiers at
every sangat rawan TPS and a team of ``mobile_team_size`` at every kecamatan's Polsek, each
provided by the Kodim whose jurisdiction holds the kab/kota. ``allocate`` adds those posts up
per Kodim against its strength; the Korem's own strength covers what the Kodim lack."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from pollguard.domain.forces import UnitKind
from pollguard.domain.plan import TniAllocation, TniPost
from pollguard.domain.regions import RegionLevel, ancestor_at
from pollguard.domain.risk import RiskClass
from pollguard.planning.inputs import PlanInputs

STATIC = "static"
MOBILE = "mobile"
TOTAL = "total"  # the unit code of the row that sums every Kodim and adds the Korem


def _kodim_of_kab(inputs: PlanInputs) -> dict[str, str]:
    """kab/kota code -> the Kodim whose jurisdiction lists it (the lowest code where two
    claim one, so the answer never depends on the order units were loaded in)."""
    out: dict[str, str] = {}
    for u in sorted(inputs.scenario.units, key=lambda u: u.code):
        if u.kind == UnitKind.KODIM:
            for kab in u.jurisdiction:
                out.setdefault(kab, u.code)
    return out


def _kecamatan_points(inputs: PlanInputs) -> dict[str, tuple[float, float]]:
    """Where each kecamatan's mobile team waits: its Polsek HQ (the police it works under),
    else the kecamatan's own region point, else the middle of its TPS. The kecamatan are
    those a Polsek covers and those holding a TPS: a kecamatan that votes without a Polsek
    of its own still needs a team."""
    regions = {r.code: r for r in inputs.scenario.regions_at(RegionLevel.KECAMATAN)}
    codes = set(inputs.polsek_of_kec) | set(inputs.tps_by_kecamatan)
    out: dict[str, tuple[float, float]] = {}
    for kec in sorted(codes):
        polsek = inputs.polsek_of_kec.get(kec)
        region = regions.get(kec)
        if polsek is not None:
            out[kec] = (polsek.hq_lat, polsek.hq_lon)
        elif region is not None:
            out[kec] = (region.lat, region.lon)
        else:
            tps = inputs.tps_by_kecamatan[kec]
            out[kec] = (sum(t.lat for t in tps) / len(tps), sum(t.lon for t in tps) / len(tps))
    return out


def place(inputs: PlanInputs) -> tuple[TniPost, ...]:
    """Every TNI post: a static post ``TNI-S-<tps_id>`` at each sangat rawan TPS (at the TPS,
    ``static_per_sangat_rawan`` soldiers), then a mobile team ``TNI-M-<kecamatan>`` per
    kecamatan (``mobile_team_size`` soldiers, see ``_kecamatan_points``), each in TPS id or
    kecamatan code order. ``kodim_code`` is the Kodim that holds the kab/kota, or "" where
    none does (the Korem then provides them). A profile that sets a size to 0 gets no posts
    of that kind: a post without soldiers would be a line on the map with nobody there."""
    rule = inputs.planning.tni
    kodim = _kodim_of_kab(inputs)

    def kodim_of(code: str) -> str:
        return kodim.get(ancestor_at(code, RegionLevel.KABKOTA), "")

    posts: list[TniPost] = []
    if rule.static_per_sangat_rawan > 0:
        posts += [TniPost(f"TNI-S-{t.tps_id}", kodim_of(t.desa_code), STATIC, t.tps_id,
                          t.lat, t.lon, rule.static_per_sangat_rawan)
                  for t in sorted(inputs.scenario.tps, key=lambda t: t.tps_id)
                  if inputs.class_of(t.tps_id) == RiskClass.SANGAT_RAWAN]
    if rule.mobile_team_size > 0:
        posts += [TniPost(f"TNI-M-{kec}", kodim_of(kec), MOBILE, kec, lat, lon,
                          rule.mobile_team_size)
                  for kec, (lat, lon) in _kecamatan_points(inputs).items()]
    return tuple(posts)


def allocate(inputs: PlanInputs, posts: Sequence[TniPost] | None = None
             ) -> tuple[TniAllocation, ...]:
    """One row per Kodim (by code) and a ``"total"`` row, from the posts ``place`` makes (or
    ``posts``, when the caller has them already, so the two can never disagree).

    A Kodim's ``short`` is its own shortfall, ``max(0, static + mobile - available)``: what
    the Korem must send it. The total row adds up every post, those outside any Kodim too;
    its ``available`` is all TNI (Kodim and Korem) and its ``short`` what the Korem cannot
    make up: the need beyond every Kodim's strength and the Korem's own, because the Korem
    commands all its Kodim and can move one's surplus to another."""
    posts = place(inputs) if posts is None else posts
    strength = {c.code: c.personnel for c in inputs.scenario.tni}
    static: dict[str, int] = defaultdict(int)
    mobile: dict[str, int] = defaultdict(int)
    teams: dict[str, int] = defaultdict(int)
    for p in posts:
        if p.kind == STATIC:
            static[p.kodim_code] += p.soldiers
        else:
            mobile[p.kodim_code] += p.soldiers
            teams[p.kodim_code] += 1
    out = []
    for u in sorted(inputs.scenario.units, key=lambda u: u.code):
        if u.kind != UnitKind.KODIM:
            continue
        have = strength.get(u.code, 0)
        s, m = static[u.code], mobile[u.code]
        out.append(TniAllocation(u.code, s, teams[u.code], m, have, max(0, s + m - have)))
    need = sum(static.values()) + sum(mobile.values())
    have = sum(a.available for a in out)
    korem = sum(c.personnel for c in inputs.scenario.tni
                if inputs.units.get(c.code) and inputs.units[c.code].kind == UnitKind.KOREM)
    out.append(TniAllocation(TOTAL, sum(static.values()), sum(teams.values()),
                             sum(mobile.values()), have + korem, max(0, need - have - korem)))
    return tuple(out)
