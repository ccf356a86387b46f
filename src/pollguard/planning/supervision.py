"""Perwira Pengawas (Pawas) over clusters of posts, and the Danton of each reserve team.

Clusters are formed per kecamatan (the Kapolsek's command) by the same rule as posts over TPS
(``posts.Group``): seeded from the outside in, each takes its nearest free posts, at most
``pawas_max_posts``, while every member stays within the radius (``pawas_radius_km_city`` /
``_rural``) of the cluster's point, the member post nearest the members' centre. A re-plan
keeps the clusters of the plan it updates, with their numbers, where their posts still are,
and a new post joins the nearest with room (``posts.Group.kept``).

Officers of ``supervisor_ranks`` (Ipda-AKP by default) are then plotted as one min-cost flow
(``plotting.plot``) to two kinds of demand: one Pawas per cluster (at its point, from its
Polres or as BKO from the pool) and one Danton per reserve team of each owner (at the owner's
headquarters). A far-away stand-in supply, eligible everywhere, keeps the flow feasible when
perwira run short: a demand it serves has no perwira and is listed as a shortfall (the planner
then looks for ``pawas_fallback_ranks`` in the reserve).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from pollguard.domain.command import POOL
from pollguard.domain.forces import Officer
from pollguard.domain.plan import Post, Supervision
from pollguard.domain.risk import RiskClass
from pollguard.planning.geometry import km
from pollguard.planning.inputs import PlanInputs
from pollguard.planning.plotting import Demand, Supply, plot
from pollguard.planning.posts import Group
from pollguard.planning.travel import TravelModel

NONE = "__none__"  # NRP prefix of the stand-in supply: no perwira left
_FAR = (-80.0, -60.0)  # the stand-in's base: farther than any real base, so used last
DANTON = "danton-"  # demand id prefix of an owner's Danton slots
PAWAS = "PW-"  # id prefix of a Pawas cluster: PW-<kecamatan>-<n>


@dataclass(frozen=True)
class _Spot:
    """A post seen as a point to cluster (the fields ``posts.Group`` reads)."""

    tps_id: str
    lat: float
    lon: float


def clusters(inputs: PlanInputs, posts: Sequence[Post]) -> list[Supervision]:
    """Pawas clusters of ``posts``, per kecamatan, deterministically (no officer yet)."""
    rules = inputs.planning.roles
    by_kec: dict[tuple[str, str], list[Post]] = defaultdict(list)
    for p in posts:
        by_kec[(p.polres_code, p.kecamatan_code)].append(p)
    # Re-planning: the clusters of the plan being updated stay where their posts still are.
    kept: dict[tuple[str, str], list[tuple[int, tuple[str, ...]]]] = defaultdict(list)
    for c in inputs.updating.supervisions if inputs.updating is not None else ():
        number = c.cluster_id.rpartition("-")[2]
        if number.isdigit():
            kept[(c.polres_code, c.kecamatan_code)].append((int(number), c.post_ids))
    out: list[Supervision] = []
    for (polres, kec), members in sorted(by_kec.items()):
        members.sort(key=lambda p: p.post_id)
        radius = (rules.pawas_radius_km_city if inputs.is_city(kec)
                  else rules.pawas_radius_km_rural)
        spots = tuple(_Spot(p.post_id, p.lat, p.lon) for p in members)
        group = Group(f"{polres}/{kec}/pawas", polres, kec, RiskClass.KURANG_RAWAN,
                      cast(Any, spots), radius, kept=tuple(kept.get((polres, kec), ())),
                      kept_capacity=rules.pawas_max_posts)
        capacity = rules.pawas_max_posts
        for i, idx in zip(group.numbers(capacity), group.form(capacity), strict=True):
            chosen = [members[j] for j in idx]
            clat = sum(p.lat for p in chosen) / len(chosen)
            clon = sum(p.lon for p in chosen) / len(chosen)
            anchor = min(chosen, key=lambda p: ((p.lat - clat) ** 2 + (p.lon - clon) ** 2,
                                                p.post_id))
            far = max(km(anchor.lat, anchor.lon, p.lat, p.lon) for p in chosen)
            out.append(Supervision(f"{PAWAS}{kec}-{i:02d}", polres, kec,
                                   tuple(sorted(p.post_id for p in chosen)), anchor.lat,
                                   anchor.lon, round(far, 3)))
    return out


@dataclass
class Leaders:
    """Who supervises each cluster and leads each owner's teams; perwira left over."""

    pawas: dict[str, tuple[str, float]]  # cluster id -> (NRP, km from home base)
    danton: dict[str, list[tuple[str, float]]]  # owner -> NRPs for its teams, in order
    spare: list[Officer]


def leaders(inputs: PlanInputs, travel: TravelModel, supervisors: Mapping[str, list[Officer]],
            groups: Sequence[Supervision], teams: Mapping[str, int], *,
            previous: Mapping[str, str] | None = None, penalty_km: float = 0.0) -> Leaders:
    """Plot perwira to Pawas clusters and Danton slots (see the module docstring)."""
    officer: dict[str, Officer] = {}
    bases: dict[tuple[str, str, str | None], list[str]] = defaultdict(list)
    for owner, people in supervisors.items():
        for o in people:
            officer[o.nrp] = o
            bases[(o.home_unit_code, owner, (previous or {}).get(o.nrp))].append(o.nrp)
    supplies = []
    for (base, owner, prev), nrps in sorted(bases.items(), key=lambda kv: (
            kv[0][0], kv[0][1], kv[0][2] or "")):
        unit = inputs.units[base]
        nrps.sort(key=lambda n: (-int(officer[n].rank), n))
        supplies.append(Supply(base, owner, unit.hq_lat, unit.hq_lon, nrps, prev))
    demands = [Demand(c.cluster_id, c.polres_code, c.lat, c.lon, 1) for c in groups]
    for owner, n in sorted(teams.items()):
        if n > 0:
            at = inputs.units[owner] if owner != POOL else inputs.polda
            demands.append(Demand(f"{DANTON}{owner}", owner, at.hq_lat, at.hq_lon, n))
    need = sum(d.officers for d in demands)
    if not need:
        return Leaders({}, {}, sorted(officer.values(), key=lambda o: o.nrp))
    supplies.append(Supply(NONE, POOL, *_FAR, [f"{NONE}{i}" for i in range(need)]))
    result = plot(supplies, demands, travel, penalty_km=penalty_km, with_bound=False)
    pawas: dict[str, tuple[str, float]] = {}
    danton: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for target, sent in result.sent.items():
        real = [(n, d) for n, d in sent if not n.startswith(NONE)]
        if target.startswith(DANTON):
            danton[target.removeprefix(DANTON)].extend(
                sorted(real, key=lambda x: (-int(officer[x[0]].rank), x[0])))
        elif real:
            pawas[target] = real[0]
    spare = sorted((officer[n] for n, _ in result.spare if not n.startswith(NONE)),
                   key=lambda o: o.nrp)
    return Leaders(pawas, dict(danton), spare)
