"""How the guard force is spent: no officer idle while a TPS is unguarded.

The guards of each owner (a Polres, or the Polda pool) go, in this order:

1. **Floors first.** Each fixed duty at its minimum (``[planning.duty_minimums]``) and the
   reserve at its floor (``reserve_floor_share``) of the owner's guards.
2. **Every TPS at the loosest pattern.** Posts at ``max_n``; a Polres short of officers gets
   BKO from the pool, riskiest posts first (``layout.choose`` without tightening). What no one
   can cover is uncovered, riskiest first.
3. **Then the profile's priorities** (``priorities``, default duties, reserve, patterns) from
   what each owner has left once its own TPS are covered: duties back to their full strength,
   the reserve back to ``reserve_share``, and patterns tightened where risk is highest (the
   Polres's own spare, then the pool's across every Polres). A Polres restores its duties and
   reserve from its own spare first, then from the pool's (the pool then lends it more BKO
   for its TPS). While any TPS anywhere is uncovered nothing is restored: every duty stays at
   its minimum and every reserve at its floor.

So no guard is in reserve above its floor, on a duty above its minimum, or idle in the pool
while a TPS is uncovered. When the force is short the plan lists what it gave up, in the order
it gave it up (tighter patterns first, then the reserve, then duties, then TPS), with the BKO
that would restore each.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from pollguard.domain.command import POOL
from pollguard.domain.forces import Officer
from pollguard.domain.plan import Duty, Shortfall
from pollguard.domain.regions import RegionLevel, ancestor_at
from pollguard.domain.risk import RiskClass
from pollguard.planning.duties import duties as fixed_duties
from pollguard.planning.inputs import PlanInputs
from pollguard.planning.layout import Layout, choose, lend
from pollguard.planning.posts import lower_bound


@dataclass
class Budget:
    """The layout, the duties at the strength given them, and the reserve per owner."""

    layout: Layout
    duties: list[Duty]
    reserve: dict[str, int]  # officers held in reserve per owner (before leftovers join)
    shortfalls: list[Shortfall] = field(default_factory=list)


def _even_down(n: int) -> int:
    return n - (n % 2)


def _owners(inputs: PlanInputs) -> list[str]:
    return [p.code for p in inputs.polres] + [POOL]


@dataclass(frozen=True)
class Floors:
    """Step 1 for each owner: its guards, the minimums of its duties, its reserve floor and
    target, and what is left for TPS: ``own`` per Polres, ``pool`` for the Polda pool."""

    force: dict[str, int]
    duty_min: dict[str, int]
    floor: dict[str, int]
    target: dict[str, int]
    own: dict[str, int]
    pool: int


def floors(inputs: PlanInputs, guards: Mapping[str, Sequence[Officer]],
           full: Sequence[Duty]) -> Floors:
    """The floors of ``guards`` (per owner) under the duties ``full`` at full strength. A
    Polres whose floors exceed its force borrows from the pool first."""
    return floor_counts(inputs, {o: len(guards.get(o, ())) for o in _owners(inputs)}, full)


def floor_counts(inputs: PlanInputs, force: Mapping[str, int], full: Sequence[Duty]) -> Floors:
    """``floors`` from the number of guards per owner alone: what splitting a Polda decides
    on before any Polres is planned. A lent pool (``PlanInputs.lent_pool``) keeps no
    reserve: all of it is BKO; a pool that lent some away (``lent_away``) sizes its reserve
    on all it had."""
    p = inputs.planning
    owners = _owners(inputs)
    force = {o: force.get(o, 0) for o in owners}
    duty_min: dict[str, int] = defaultdict(int)
    for d in full:
        duty_min[d.unit_code] += d.minimum
    sized = {**force, POOL: 0 if inputs.lent_pool else force[POOL] + inputs.lent_away}
    floor = {o: min(force[o], round(sized[o] * p.reserve_floor_share)) for o in owners}
    target = {o: min(force[o], max(floor[o], round(sized[o] * p.reserve_share)))
              for o in owners}
    own = {o: force[o] - duty_min[o] - floor[o] for o in owners if o != POOL}
    pool = force[POOL] - duty_min[POOL] - floor[POOL]
    for code, n in own.items():
        if n < 0:
            pool += n
            own[code] = 0
    return Floors(force, dict(duty_min), floor, target, own, max(pool, 0))


def allocate(inputs: PlanInputs, guards: Mapping[str, Sequence[Officer]], *,
             fixed_n: Mapping[str, int] | None = None,
             fixed_cut: Mapping[str, float] | None = None,
             n_by_polres: Mapping[str, int] | None = None,
             tighten: bool | None = None) -> Budget:
    """Spend ``guards`` (per owner) on duties, TPS and the reserve by the rules above.
    Re-planning passes ``fixed_n``/``fixed_cut`` (groups keep N: nothing is tightened)."""
    p = inputs.planning
    if tighten is None:
        tighten = p.surplus == "tighten" and fixed_n is None
    full = fixed_duties(inputs)
    first_floors = floors(inputs, guards, full)
    floor, target = first_floors.floor, first_floors.target
    own, pool = dict(first_floors.own), first_floors.pool

    def lay(own_: Mapping[str, int], pool_: int, tight: bool, keep: bool = True,
            posts: bool = True) -> Layout:
        return choose(inputs, own_, pool_, fixed_n=fixed_n if keep else None,
                      fixed_cut=fixed_cut, n_by_polres=n_by_polres, tighten=tight, posts=posts)

    # 2. Every TPS at the loosest pattern, on the floors (its posts made only if it stands).
    first = lay(own, pool, False, keep=False, posts=False)
    if first.uncovered:
        first = lay(own, pool, False, keep=False)
    level = {d.duty_id: d.minimum for d in full}
    reserve = dict(floor)
    if first.uncovered:
        layout = first
    else:
        # 3. What is left, by the priorities; tightening (or, re-planning, the groups' N
        # kept) takes the rest. Re-planning keeps N only as far as the force allows: it
        # gives up the reserve above its floor, then the duties above their minimums, and
        # only then loosens the groups to cover every TPS.
        restored_level, restored_reserve, to_duties, to_reserve = _restore(
            inputs, first, full, own, floor, target)
        layout, kept_reserve, kept_level = _cover(lay, own, pool, to_duties, to_reserve,
                                                  restored_reserve, floor, full,
                                                  restored_level, tighten)
        if not layout.uncovered:
            level, reserve = kept_level, kept_reserve
        else:
            layout = lay(own, pool, tighten)  # the floors (N kept as far as they allow)
            if layout.uncovered:
                layout = lay(own, pool, False, keep=False)  # as loose as needed
    duties = [replace(d, officers=level[d.duty_id]) for d in full if level[d.duty_id] > 0]
    return Budget(layout, duties, reserve,
                  _shortfalls(inputs, layout, full, level, floor, target, reserve))


def split_bko(inputs: PlanInputs, force: Mapping[str, int]) -> dict[str, int]:
    """How many Polda-pool guards each Polres gets as BKO, decided on aggregates alone so
    that each Polres can then be planned on its own (``national.split``): per Polres its
    guards (``force``, per owner), its TPS by kecamatan and class, and its duties' minimums.

    The rules above, on counts: the floors (``floor_counts``); every TPS at the loosest
    pattern, its posts counted as ``lower_bound`` of its kecamatan's TPS of each class, each
    Polres manning its riskiest posts and the pool lending for the rest (``layout.lend``);
    then, once every TPS is covered, the duties and reserve restored by the priorities
    (``_restore``), and ``pool_tighten_share`` of what the pool has left spread over the
    Polres in proportion to their risk-weighted kurang rawan TPS (where tightening goes)."""
    p = inputs.planning
    full = fixed_duties(inputs)
    floors_ = floor_counts(inputs, force, full)
    tps_in: Counter[tuple[str, str, RiskClass]] = Counter()
    weight: dict[str, float] = defaultdict(float)
    for t in inputs.scenario.tps:
        code, c = inputs.polres_of_tps(t), inputs.class_of(t.tps_id)
        tps_in[(code, ancestor_at(t.desa_code, RegionLevel.KECAMATAN), c)] += 1
        if c == RiskClass.KURANG_RAWAN:
            weight[code] += inputs.score_of(t.tps_id) + 1.0
    posts: dict[str, list[tuple[tuple[int, str, int], str, object, int]]] = defaultdict(list)
    for (code, kec, c), n in sorted(tps_in.items(), key=lambda kv: (kv[0][0], kv[0][1],
                                                                   kv[0][2].value)):
        pattern = p.patterns.of(c)
        for i in range(lower_bound(n, pattern.tps if pattern.tps is not None else p.max_n)):
            posts[code].append(((-c.rank, kec, i), code, (kec, c, i), pattern.officers))
    short, spare = [], {}
    for code in sorted(floors_.own):
        budget = floors_.own[code]
        for post in sorted(posts.get(code, ()), key=lambda x: x[0]):
            if budget >= post[3]:
                budget -= post[3]
            else:
                short.append(post)
        spare[code] = budget
    pool, bko, needed, _ = lend(short, floors_.pool)
    bko = {code: bko.get(code, 0) for code in floors_.own}
    if needed:  # a TPS is uncovered: nothing is restored or tightened
        return bko
    layout = Layout([], {}, [], bko, needed, 0, {c: n for c, n in spare.items() if n > 0},
                    pool_left=pool)
    _, _, to_duties, to_reserve = _restore(inputs, layout, full, floors_.own, floors_.floor,
                                           floors_.target)
    pool -= to_duties[POOL] + to_reserve[POOL]
    for code in bko:
        from_pool = max(0, to_duties[code] + to_reserve[code] - spare[code])
        bko[code] += from_pool
        pool -= from_pool
    if p.surplus != "tighten" or pool <= 0 or not weight:
        return bko
    tighten = round(pool * p.pool_tighten_share)
    total = sum(weight.values())
    exact = {code: tighten * weight.get(code, 0.0) / total for code in bko}
    share = {code: int(x) for code, x in exact.items()}
    for code in sorted(exact, key=lambda c: (share[c] - exact[c], c))[:tighten - sum(
            share.values())]:
        share[code] += 1  # largest remainder
    return {code: bko[code] + share[code] for code in bko}


def _cover(lay: Callable[..., Layout], own: Mapping[str, int], pool: int,
           to_duties: Mapping[str, int], to_reserve: Mapping[str, int],
           reserve: Mapping[str, int], floor: Mapping[str, int], full: Sequence[Duty],
           level: Mapping[str, int], tighten: bool
           ) -> tuple[Layout, dict[str, int], dict[str, int]]:
    """The layout once the restored duties and reserve are taken out of the TPS budgets.
    When that leaves a TPS uncovered (re-planning keeps each group's N, which may need more
    than a fresh plan's loosest pattern; or whole posts round a Polres's budget), what the
    short Polres lack is given back, in the reverse of the priorities: the reserve above its
    floor (its own first, then the pool's, lent as BKO), then duties above their minimums
    (the last restored first), a few rounds at most."""
    given = {"reserve": dict(to_reserve), "duties": dict(to_duties)}
    kept = dict(reserve)
    kept_level = dict(level)

    def layout_now() -> Layout:
        # What a Polres restores beyond its own TPS budget comes from the pool: its guards
        # stay on the duties and in the reserve while the pool lends BKO for its TPS, so the
        # pool must not lend those officers a second time (Kepri's Polres 21.03 at real
        # Pemilu counts: 55 guards, 86 roles to fill).
        take = {o: given["duties"].get(o, 0) + given["reserve"].get(o, 0)
                for o in [*own, POOL]}
        over = sum(max(0, take[o] - own[o]) for o in own)  # own is never below 0
        return lay({o: max(own[o] - take[o], 0) for o in own}, pool - take[POOL] - over,
                   tighten)

    def from_reserve(source: str, short: int) -> int:
        cut = min(short, kept.get(source, 0) - floor.get(source, 0))
        if cut <= 0:
            return 0
        kept[source] -= cut
        given["reserve"][source] = given["reserve"].get(source, 0) - cut
        return cut

    def from_duties(source: str, short: int) -> int:
        got = 0
        for d in reversed(full):
            if got >= short:
                break
            if d.unit_code != source:
                continue
            cut = min(kept_level[d.duty_id] - d.minimum, _even_down(short - got + 1))
            if cut > 0:
                kept_level[d.duty_id] -= cut
                given["duties"][source] = given["duties"].get(source, 0) - cut
                got += cut
        return got

    layout = layout_now()
    for _ in range(8):
        if not layout.uncovered:
            break
        moved = 0
        for p, short in sorted(layout.bko_needed.items()):
            for give in (from_reserve, from_duties):
                for source in (p, POOL):
                    got = give(source, short)
                    short -= got
                    moved += got
        if not moved:
            break
        layout = layout_now()
    return layout, kept, kept_level


def _restore(inputs: PlanInputs, layout: Layout, full: Sequence[Duty], own: Mapping[str, int],
             floor: Mapping[str, int], target: Mapping[str, int]
             ) -> tuple[dict[str, int], dict[str, int], dict[str, int], dict[str, int]]:
    """Every TPS is covered at the loosest pattern: give what is left by the priorities. A
    Polres restores its duties and reserve from its own spare, then from the pool's (the pool
    lends BKO for its TPS instead); the pool's own come from the pool's spare. Returns the
    duty levels, the reserve, and per owner the officers taken from its TPS budget for
    duties and for the reserve. Tightening spends whatever is left (``choose``)."""
    owners = [*own, POOL]
    spare = {o: layout.returned_to_pool.get(o, 0) for o in own}
    pool_spare = layout.pool_left
    level = {d.duty_id: d.minimum for d in full}
    reserve = dict(floor)
    given: dict[str, dict[str, int]] = {"duties": dict.fromkeys(owners, 0),
                                        "reserve": dict.fromkeys(owners, 0)}

    def take(o: str, want: int, why: str) -> int:
        """Up to ``want`` officers for owner ``o``: its spare first, then the pool's."""
        nonlocal pool_spare
        got = 0
        if o != POOL:
            got = min(want, spare[o])
            spare[o] -= got
        more = min(want - got, pool_spare)
        pool_spare -= more
        given[why][o] += got + more
        return got + more

    for item in inputs.planning.priorities:
        if item == "duties":
            for d in full:
                got = take(d.unit_code, _even_down(d.officers - level[d.duty_id]), "duties")
                if got % 2:  # pairs: give the odd one back
                    given["duties"][d.unit_code] -= 1
                    got -= 1
                level[d.duty_id] += got
        elif item == "reserve":
            for o in sorted(owners, key=lambda o: (o == POOL, o)):
                reserve[o] += take(o, target[o] - reserve[o], "reserve")
        elif item == "patterns":
            break  # tightening takes what is left
    return level, reserve, given["duties"], given["reserve"]


def _shortfalls(inputs: PlanInputs, layout: Layout, full: Sequence[Duty],
                level: Mapping[str, int], floor: Mapping[str, int],
                target: Mapping[str, int], reserve: Mapping[str, int]) -> list[Shortfall]:
    """What was given up, in the order given up: patterns, reserve, duties, TPS."""
    names = {u.code: u.name for u in inputs.scenario.units}
    names[POOL] = f"Polda ({inputs.polda.name})"
    out: list[Shortfall] = []

    def add(owner: str, what: str, text_id: str, text_en: str, officers: int) -> None:
        out.append(Shortfall(len(out) + 1, owner, what, text_id, text_en, officers, officers))

    cut_reserve = {o: target[o] - reserve[o] for o in target if target[o] > reserve[o]}
    cut_duty: dict[str, int] = defaultdict(int)
    for d in full:
        if level[d.duty_id] < d.officers:
            cut_duty[d.unit_code] += d.officers - level[d.duty_id]
    affected = sorted(set(cut_reserve) | set(cut_duty) | set(layout.bko_needed),
                      key=lambda o: (o == POOL, o))
    p = inputs.planning
    for o in affected:
        if o != POOL and o in layout.bko_needed:
            add(o, "pattern", f"{names.get(o, o)}: TPS kurang rawan pada pola terlonggar "
                f"(N={p.max_n}), tidak ada pengetatan",
                f"{names.get(o, o)}: kurang rawan TPS at the loosest pattern (N={p.max_n})", 0)
    for o in affected:
        if o in cut_reserve:
            add(o, "reserve", f"{names.get(o, o)}: cadangan dikurangi {cut_reserve[o]} personel "
                f"(dari {target[o]} menjadi {reserve[o]}; batas bawah {floor[o]})",
                f"{names.get(o, o)}: reserve cut by {cut_reserve[o]} (from {target[o]} to "
                f"{reserve[o]}; floor {floor[o]})", cut_reserve[o])
    for o in affected:
        if o in cut_duty:
            add(o, "duty", f"{names.get(o, o)}: tugas kantor/pengawalan kurang "
                f"{cut_duty[o]} personel dari kekuatan penuh (minimumnya terisi)",
                f"{names.get(o, o)}: fixed duties {cut_duty[o]} officers below full strength "
                "(their minimums met)", cut_duty[o])
    for o in affected:
        if o in layout.bko_needed:
            n_tps = sum(1 for t in layout.uncovered
                        if inputs.command.polres_by_tps.get(t) == o)
            add(o, "uncovered", f"{names.get(o, o)}: {n_tps} TPS tanpa penjagaan; butuh "
                f"{layout.bko_needed[o]} personel BKO",
                f"{names.get(o, o)}: {n_tps} TPS unguarded; needs {layout.bko_needed[o]} BKO",
                layout.bko_needed[o])
    return out
