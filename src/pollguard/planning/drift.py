"""A plan against the TPS list as it is now: which posts lost TPS, which TPS no post guards.

The KPU revises its TPS list after a plan is signed (two TPS merged, a new one at a hospital),
and ``import tps`` keeps the list the KPU gives (all or nothing). The plan in force still names
the old TPS, so whoever imports must hear which posts lost TPS and which new TPS have no post,
and ``plan update`` then places the new ones and drops the others (``update.update_plan``).
This is the one comparison both read. It names posts and TPS as a Kapolres reads them, by
kecamatan and desa ("TPS 003 Desa Selam Paung"), from the TPS id itself (the 10-digit desa
code and the number), so that a TPS already gone from the list is named too. Pure.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from pollguard.domain.command import CommandIndex
from pollguard.domain.plan import Plan
from pollguard.domain.regions import RegionKind, RegionLevel, ancestor_at, level_names
from pollguard.domain.scenario import Scenario


@dataclass(frozen=True)
class PostLoss:
    """A post of the plan some of whose TPS are no longer in the list."""

    post_id: str
    polres_code: str
    kecamatan_code: str
    lost: tuple[str, ...]  # TPS ids the post guards that the list no longer has
    left: tuple[str, ...]  # TPS ids it guards that are still listed


@dataclass(frozen=True)
class TpsDrift:
    """What changed in the TPS list since ``plan`` was made, with the words to say it."""

    plan_tps: int  # TPS the plan knew: guarded by its posts or listed as uncovered
    losses: tuple[PostLoss, ...]  # by post id
    gone_uncovered: tuple[str, ...]  # TPS the plan listed as uncovered, no longer listed
    new: tuple[str, ...]  # listed TPS the plan neither guards nor lists as uncovered, by id
    lines: tuple[str, ...]  # Bahasa Indonesia: one per post that lost TPS, one per kecamatan
    #                          with new TPS
    labels: dict[str, str]  # every TPS id above -> "TPS 003 Desa Selam Paung"

    @property
    def removed(self) -> tuple[str, ...]:
        """Every TPS of the plan no longer listed."""
        return tuple(sorted({t for x in self.losses for t in x.lost} | set(self.gone_uncovered)))

    @property
    def changed(self) -> bool:
        return bool(self.losses or self.gone_uncovered or self.new)

    def counts(self) -> dict[str, int]:
        """For an audit entry: posts that lost TPS, TPS gone, new TPS without a post."""
        return {"posts_losing_tps": len(self.losses), "tps_removed": len(self.removed),
                "tps_without_post": len(self.new)}

    def placed_in(self, plan: Plan) -> tuple[str, ...]:
        """The new TPS that a later plan's posts guard."""
        guarded = {t for p in plan.posts for t in p.tps_ids}
        return tuple(t for t in self.new if t in guarded)


def tps_drift(plan: Plan, scenario: Scenario) -> TpsDrift:
    """``plan`` against the TPS ``scenario`` lists now."""
    listed = {t.tps_id for t in scenario.tps}
    known = {t for p in plan.posts for t in p.tps_ids} | set(plan.uncovered)
    losses = tuple(
        PostLoss(p.post_id, p.polres_code, p.kecamatan_code,
                 tuple(t for t in p.tps_ids if t not in listed),
                 tuple(t for t in p.tps_ids if t in listed))
        for p in sorted(plan.posts, key=lambda p: p.post_id)
        if any(t not in listed for t in p.tps_ids))
    gone = tuple(sorted(t for t in plan.uncovered if t not in listed))
    new = tuple(sorted(listed - known))
    words = _Words(scenario)
    # A post by its TPS, as the Sprin annex names it (its id for the lookup in the annex).
    lines = [f"Pos {words.tps(x.lost + x.left)} ({x.post_id}; "
             f"{words.place(x.kecamatan_code, x.polres_code)}) kehilangan "
             f"{words.tps(x.lost)}; "
             + (f"tetap menjaga {words.tps(x.left)}" if x.left else "tidak menjaga TPS lagi")
             for x in losses]
    if gone:
        lines.append(f"TPS yang belum terjaga dalam rencana dan kini dihapus: {words.tps(gone)}")
    by_kecamatan: dict[str, list[str]] = defaultdict(list)
    for t in new:
        by_kecamatan[ancestor_at(desa_of(t), RegionLevel.KECAMATAN)].append(t)
    for kec, ids in sorted(by_kecamatan.items()):
        lines.append(f"TPS baru tanpa pos di {words.place(kec, words.polres_of(kec))}: "
                     f"{words.tps(ids)}")
    named = {t for x in losses for t in x.lost} | set(gone) | set(new)
    return TpsDrift(len(known), losses, gone, new, tuple(lines),
                    {t: words.tps((t,)) for t in sorted(named)})


def desa_of(tps_id: str) -> str:
    """The dotted desa code inside a KPU TPS id: ``1501012001003`` -> ``15.01.01.2001``."""
    d = tps_id[:10]
    return f"{d[:2]}.{d[2:4]}.{d[4:6]}.{d[6:]}"


class _Words:
    """Names of kecamatan, desa and Polres from the scenario, for the lines above."""

    def __init__(self, scenario: Scenario) -> None:
        self.regions = {r.code: (r.name, r.kind) for r in scenario.regions}
        self.index = CommandIndex(scenario)
        self.levels = level_names(scenario.info.province_code)

    def polres_of(self, kecamatan: str) -> str:
        """The code of the Polres that guards the kecamatan ("" where none does)."""
        return self.index.polres_of_kab.get(ancestor_at(kecamatan, RegionLevel.KABKOTA), "")

    def place(self, kecamatan: str, polres: str) -> str:
        """``Kec. Gunung Raya, Polres Kerinci`` (``Distrik ...`` in Papua)."""
        name = self.levels.of(self.regions.get(kecamatan, (kecamatan, RegionKind.KECAMATAN))[0])
        unit = self.index.units.get(polres)
        return f"{name}, {unit.name}" if unit else name

    def tps(self, ids: Iterable[str]) -> str:
        """``TPS 003, 004 Desa Selam Paung; TPS 001 Kel. Lempur Tengah`` (desa in id order)."""
        by_desa: dict[str, list[str]] = defaultdict(list)
        for t in sorted(ids):
            by_desa[desa_of(t)].append(t[-3:])
        parts = []
        for desa, numbers in by_desa.items():
            name, kind = self.regions.get(desa, (desa, RegionKind.DESA))
            label = "Kel." if kind == RegionKind.KELURAHAN else "Desa"
            parts.append(f"TPS {', '.join(numbers)} {label} {name}")
        return "; ".join(parts)
