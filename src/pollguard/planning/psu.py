"""Re-vote (PSU, pemungutan suara ulang) plans: a handful of TPS on a later date, guarded far
more heavily than on voting day, planned as an operation of its own beside the plan in force.

The public cases in the domain primer set the shape: Bungo 2024 re-voted at 21 TPS with 327
personnel (15 per TPS), a 10-person box escort and CCTV; Sungai Penuh at 5 TPS with 30-45 per
TPS. So a PSU plan has:

- one post per PSU TPS with ``officers_per_tps`` guards (bintara and tamtama, in pairs) and the
  equipment its class's pattern lists;
- one box-escort team of ``escort`` officers for the re-vote (the boxes go back to the PPK
  together), waiting at the Polsek of the first PSU TPS's kecamatan;
- a reserve team staged, by the same covering model as the operation's, where it reaches the
  PSU TPS fastest, of the profile's reserve share of the guards (at most one platoon), Brimob
  and Samapta nearest the PSU first;
- a Pawas over each cluster of posts, a Danton for the team, the Kapolsek of each PSU
  kecamatan and the command of the units the officers come from;
- officers only from ``from_units`` (Polres or Satker: a Polres brings its Polsek) and the
  Polda pool, nearest first (one min-cost flow in which every eligible officer may serve every
  PSU TPS: a re-vote borrows across Polres as BKO).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import replace

from pollguard.domain.command import POOL
from pollguard.domain.forces import Officer, UnitKind
from pollguard.domain.plan import Duty, DutyKind, Plan, Post, Role
from pollguard.domain.regions import RegionLevel, ancestor_at
from pollguard.planning import reserves as staging
from pollguard.planning.budget import Budget
from pollguard.planning.inputs import PlanInputs
from pollguard.planning.layout import Layout
from pollguard.planning.planner import PADAL, _finish, select_reserve
from pollguard.planning.plotting import Demand, Supply, plot
from pollguard.planning.roles import RoleBook
from pollguard.planning.roles import assign as assign_roles
from pollguard.planning.tni import allocate as allocate_tni
from pollguard.planning.travel import GreatCircleTravel, TravelModel


class PsuError(ValueError):
    """A re-vote that cannot be planned as asked (unknown TPS or unit, too few officers)."""


def _units_of(inputs: PlanInputs, from_units: Sequence[str]) -> set[str]:
    """The unit codes officers may come from: each named Polres with its Polsek, each named
    Satker, given by code or by name (case-insensitive)."""
    out: set[str] = set()
    unknown = []
    for given in from_units:
        unit = inputs.unit_named(given)
        if unit is None:
            unknown.append(given)
            continue
        code = unit.code
        out.add(code)
        if inputs.units[code].kind == UnitKind.POLRES:
            out |= {u.code for u in inputs.scenario.units if u.parent_code == code}
    if unknown:
        raise PsuError(f"satuan tidak dikenal: {', '.join(unknown)} / unknown units")
    return out


def make_psu_plan(inputs: PlanInputs, tps_ids: Sequence[str], *, officers_per_tps: int,
                  escort: int = 0, from_units: Sequence[str] = (),
                  travel: TravelModel | None = None) -> Plan:
    """The re-vote plan (see the module docstring)."""
    started = time.perf_counter()
    travel = travel or GreatCircleTravel(inputs.planning.travel)
    if not 1 <= officers_per_tps <= 100:
        raise PsuError(f"personel per TPS harus 1-100, bukan {officers_per_tps} / officers "
                       "per TPS must be 1-100")
    if escort < 0:
        raise PsuError("pengawalan tidak boleh negatif / the escort cannot be negative")
    tps = {t.tps_id: t for t in inputs.scenario.tps}
    chosen = sorted(dict.fromkeys(t.strip() for t in tps_ids if t.strip()))
    missing = [t for t in chosen if t not in tps]
    if missing or not chosen:
        raise PsuError(f"TPS tidak dikenal: {', '.join(missing[:5]) or '(kosong)'} / "
                       "unknown TPS")
    units = _units_of(inputs, from_units)
    book = assign_roles(inputs)

    def eligible(o: Officer) -> bool:
        return o.unit_code in units or inputs.owner_of(o) == POOL

    guards = [o for people in book.guards.values() for o in people if eligible(o)]
    supervisors = [o for people in book.supervisors.values() for o in people if eligible(o)]
    pattern = inputs.planning.patterns
    posts = []
    for tps_id in chosen:
        t = tps[tps_id]
        kec = ancestor_at(t.desa_code, RegionLevel.KECAMATAN)
        c = inputs.class_of(tps_id)
        posts.append(Post(f"PSU-{tps_id}", inputs.polres_of_tps(t), kec, c, (tps_id,), t.lat,
                          t.lon, officers_per_tps, pattern.of(c).linmas_per_tps, 0.0, 1,
                          tuple(sorted(pattern.of(c).equipment.items()))))
    duties: list[Duty] = []
    if escort:
        first = posts[0]
        at = inputs.polsek_of_kec.get(first.kecamatan_code) or inputs.units[first.polres_code]
        duties.append(Duty("escort-psu", DutyKind.ESCORT, POOL,
                           "Pengawalan kotak suara PSU", at.hq_lat, at.hq_lon, escort, escort))
    need = officers_per_tps * len(posts) + escort
    share = inputs.planning.reserve_share
    reserve_n = min(inputs.planning.reserve_units.dalmas_size,
                    math.ceil(share * officers_per_tps * len(posts)))
    if len(guards) < need + reserve_n:
        raise PsuError(f"PSU butuh {need + reserve_n} personel (termasuk cadangan "
                       f"{reserve_n}), satuan yang dipilih dan Polda hanya punya {len(guards)} "
                       f"bintara/tamtama / the PSU needs {need + reserve_n} officers, the "
                       f"chosen units and the pool have {len(guards)}")
    # The reserve: nearest the PSU TPS first, so that it is near them.
    centre_lat = sum(p.lat for p in posts) / len(posts)
    centre_lon = sum(p.lon for p in posts) / len(posts)

    def distance(o: Officer) -> float:
        home = inputs.units[o.home_unit_code]
        return travel.road_km(home.hq_lat, home.hq_lon, centre_lat, centre_lon)

    km_to = {o.nrp: distance(o) for o in guards}
    reserve, available = select_reserve(inputs, {POOL: guards}, {POOL: reserve_n},
                                        nearer=lambda o: round(km_to[o.nrp]))
    supplies: dict[str, Supply] = {}
    for o in available[POOL]:
        home = inputs.units[o.home_unit_code]
        s = supplies.setdefault(o.home_unit_code, Supply(o.home_unit_code, POOL, home.hq_lat,
                                                         home.hq_lon, []))
        s.nrps.append(o.nrp)
    demands = [Demand(p.post_id, POOL, p.lat, p.lon, p.officers) for p in posts] + [
        Demand(d.duty_id, POOL, d.lat, d.lon, d.officers) for d in duties]
    plotting = plot(list(supplies.values()), demands, travel, k=None)
    # Unneeded officers stay home: only the PSU's own force is in the plan.
    plotting.spare = []
    psu_kec = {p.kecamatan_code for p in posts}
    kapolsek = [c for c in book.command if c.kecamatan_code in psu_kec]
    polres = {p.polres_code for p in posts}
    command = kapolsek + [c for c in book.command if not c.kecamatan_code
                          and c.unit_code in polres | {inputs.polda.code}
                          and c.position != "Staf Posko"]
    sub = RoleBook(command, {POOL: supervisors}, {POOL: guards}, list(book.inferred))
    layout = Layout(posts, {}, [], {}, {}, len(posts))
    targets = [staging.Target(p.tps_ids[0], POOL, p.lat, p.lon,
                              inputs.area_of(tps[p.tps_ids[0]])) for p in posts]
    plan = _finish(inputs, travel, sub, Budget(layout, duties, {POOL: reserve_n}), reserve,
                   plotting, started, placement=None, targets=targets,
                   only_tps=frozenset(chosen))
    # Only the Pawas the PSU needs: perwira left over stay with their units.
    kept = tuple(a for a in plan.assignments
                 if not (a.role == Role.COMMAND and a.position == PADAL))
    assert plan.metrics is not None
    metrics = replace(plan.metrics, officers_in_command=sum(
        1 for a in kept if a.role == Role.COMMAND))
    tni = tuple(a for a in allocate_tni(inputs, plan.tni_posts)
                if a.static or a.unit_code == "total")
    return replace(plan, assignments=kept, metrics=metrics, tni=tni, n_by_group={},
                   tier_cut={})
