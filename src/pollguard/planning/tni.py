"""TNI under police control: static posts at sangat rawan TPS, a mobile team per kecamatan.

TNI are counted, not named: each Kodim's strength is set against what its kab/kota need under
the profile (``static_per_sangat_rawan`` soldiers at each sangat rawan TPS, a team of
``mobile_team_size`` per kecamatan); the Korem's own strength covers what a Kodim lacks."""

from __future__ import annotations

from collections import Counter

from pollguard.domain.forces import UnitKind
from pollguard.domain.plan import TniAllocation
from pollguard.domain.regions import RegionLevel, ancestor_at
from pollguard.domain.risk import RiskClass
from pollguard.planning.inputs import PlanInputs


def allocate(inputs: PlanInputs) -> tuple[TniAllocation, ...]:
    rule = inputs.planning.tni
    strength = {c.code: c.personnel for c in inputs.scenario.tni}
    sangat = Counter(ancestor_at(t.desa_code, RegionLevel.KABKOTA) for t in inputs.scenario.tps
                     if inputs.class_of(t.tps_id) == RiskClass.SANGAT_RAWAN)
    kecamatan = Counter(ancestor_at(code, RegionLevel.KABKOTA) for code in inputs.polsek_of_kec)
    out = []
    for u in sorted(inputs.scenario.units, key=lambda u: u.code):
        if u.kind != UnitKind.KODIM:
            continue
        static = sum(sangat[k] for k in u.jurisdiction) * rule.static_per_sangat_rawan
        teams = sum(kecamatan[k] for k in u.jurisdiction)
        out.append(TniAllocation(u.code, static, teams, teams * rule.mobile_team_size,
                                 strength.get(u.code, 0)))
    need = sum(a.static + a.mobile for a in out)
    have = sum(a.available for a in out)
    korem = sum(c.personnel for c in inputs.scenario.tni
                if inputs.units.get(c.code) and inputs.units[c.code].kind == UnitKind.KOREM)
    out.append(TniAllocation("total", sum(a.static for a in out),
                             sum(a.mobile_teams for a in out), sum(a.mobile for a in out),
                             have + korem, max(0, need - have - korem)))
    return tuple(out)
