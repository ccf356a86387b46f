"""Splitting a large Polda into parts planned as separate tasks, so that no task holds more
than a share of the national work (``SPLIT_SHARE``, estimated from TPS counts with what each
part repeats, ``parts_for``): one Polda of
140,000 TPS is otherwise one task that no number of cores can shorten.

The split is decided on aggregates first (``budget.split_bko``: how many Polda-pool guards
each Polres gets as BKO, by the same rules the whole-Polda plan follows), then the Polres are
packed into parts by TPS count and each part is planned alone: its Polres with their own
officers plus the pool guards lent to them. Part 0 keeps the rest of the pool, with the
Polda's own duties and reserve, and lends it by the ordinary rules to its own Polres. Every
task rebuilds and assesses the whole province (its recipe is all that travels), so the split
is the same in every task and the parts merge into one ``PoldaResult`` deterministically.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace

from pollguard.domain.command import POOL
from pollguard.domain.forces import Branch, Officer, UnitKind
from pollguard.domain.regions import RegionLevel, ancestor_at
from pollguard.planning.budget import split_bko
from pollguard.planning.inputs import PlanInputs
from pollguard.planning.roles import assign as assign_roles

#: No task should hold more than this share of the national work.
SPLIT_SHARE = 0.10

#: What every part of a split Polda repeats, per TPS of the whole Polda, as a share of
#: planning one TPS: each part rebuilds and assesses the whole province and decides the split
#: again. Measured at national Pemilu scale (``bench/national_bench.py --counts``, 2026-12-02):
#: Jawa Barat's build 1.7 s, risk 5.5 s and split 0.9 s per part against 24.5 s planning its
#: 140,457 TPS, about 0.3.
PART_OVERHEAD = 0.3
#: The parts are packed by TPS, but planning time per TPS differs between Polres (their risk
#: mix, how rural they are): Jawa Timur's second half took 10.8% of the work where its TPS
#: estimate said 9.1%. A part is sized for this share of the limit, to leave room for that.
PART_MARGIN = 0.85


def parts_for(tps: int, total_tps: int, share: float | None,
              overhead: float = PART_OVERHEAD) -> int:
    """How many tasks a Polda of ``tps`` TPS takes so that none holds more than ``share`` of
    the work of ``total_tps`` (1: the whole Polda in one task, as without a share).

    In units of planning one TPS, a whole Polda costs ``tps * (1 + overhead)`` and a part of
    ``k`` costs ``tps / k + tps * overhead`` (its share of the plan, and the whole province
    built and assessed). The run's work is at least ``total_tps * (1 + overhead)``, so ``k`` is
    the least with ``tps / k + tps * overhead <= m * share * total_tps * (1 + overhead)``, ``m``
    the ``PART_MARGIN``. Where the overhead alone is over the share, no split meets it: the
    parts are then sized by TPS alone (``tps / k <= m * share * total_tps``)."""
    if not share or total_tps <= 0 or tps <= share * total_tps:
        return 1
    limit = PART_MARGIN * share * total_tps
    room = limit * (1 + overhead) - tps * overhead
    if room <= limit * 0.5:  # the overhead would call for too many parts
        room = limit
    return max(2, math.ceil(tps / room))


def pack(sizes: Mapping[str, int], parts: int) -> list[list[str]]:
    """The Polres (``sizes``: TPS per Polres) in ``parts`` parts of about equal TPS: largest
    first into the lightest part (ties by code and part number), so every task packs alike."""
    bins: list[list[str]] = [[] for _ in range(parts)]
    load = [0] * parts
    for code in sorted(sizes, key=lambda c: (-sizes[c], c)):
        i = min(range(parts), key=lambda k: (load[k], k))
        bins[i].append(code)
        load[i] += sizes[code]
    return [sorted(b) for b in bins]


def _lending_order(inputs: PlanInputs, guards: Sequence[Officer]) -> list[Officer]:
    """Pool guards in the order they are lent: those the reserve would not prefer first
    (Brimob and Samapta stay with the Polda's reserve in part 0), then by NRP."""
    preferred = {Branch(b) for b in inputs.planning.reserve_branches}
    return sorted(guards, key=lambda o: (o.branch in preferred, o.nrp))


def part_inputs(whole: PlanInputs, part: int, parts: int) -> PlanInputs:
    """The planning inputs of part ``part`` of ``parts`` of the Polda ``whole`` describes."""
    book = assign_roles(whole)
    bko = split_bko(whole, {o: len(v) for o, v in book.guards.items()})
    sizes = Counter(whole.polres_of_tps(t) for t in whole.scenario.tps)
    bins = pack({p.code: sizes.get(p.code, 0) for p in whole.polres}, parts)
    lendable = _lending_order(whole, book.guards.get(POOL, []))
    lent: list[set[str]] = [set()]
    at = 0
    for codes in bins[1:]:
        n = sum(bko.get(c, 0) for c in codes)
        lent.append({o.nrp for o in lendable[at:at + n]})
        at += n
    mine = set(bins[part])
    lent_elsewhere = set().union(*(lent[k] for k in range(parts) if k != part))

    def keep(o: Officer) -> bool:
        owner = whole.owner_of(o)
        if owner == POOL:
            return o.nrp in lent[part] if part else o.nrp not in lent_elsewhere
        return owner in mine

    s = whole.scenario
    units = tuple(u for u in s.units
                  if (u.kind == UnitKind.POLRES and u.code in mine)
                  or (u.kind == UnitKind.POLSEK and u.parent_code in mine)
                  or u.kind not in (UnitKind.POLRES, UnitKind.POLSEK))

    def race_here(region_code: str) -> bool:
        if region_code.count(".") == 0:
            return part == 0  # a governor's walpri: the Polda's, in part 0
        return whole.polres_of_kab.get(ancestor_at(region_code, RegionLevel.KABKOTA)) in mine

    sub = replace(s, units=units,
                  tps=tuple(t for t in s.tps if whole.polres_of_tps(t) in mine),
                  officers=tuple(o for o in s.officers if keep(o)),
                  races=tuple(r for r in s.races if race_here(r.region_code)))
    out = PlanInputs.of(sub, whole.risks, whole.planning, whole.classes, whole.guards)
    out.lent_pool = part > 0
    out.lent_away = 0 if part else len(lent_elsewhere)
    return out


def merged_digest(digests: Sequence[str]) -> str:
    """One digest for a split Polda: of its parts' digests in part order."""
    return hashlib.sha256("\n".join(digests).encode()).hexdigest()
