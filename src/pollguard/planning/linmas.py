"""Linmas checked against the posts: does each desa have the Linmas its TPS posts call for?

Linmas are the desa's own volunteers (counted per desa, not named), so a post's Linmas come
from the desa of each TPS it guards, not from wherever the post stands: a post of 2-3-6 over
TPS in two desa draws 2 Linmas per TPS from each. The Polri plan does not move Linmas between
desa; it lists the desa that fall short so the Kapolres can ask the Pemda (Satpol PP/Linmas)
for more before voting day."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from pollguard.domain.plan import LinmasShortfall, Post
from pollguard.planning.inputs import PlanInputs


def needed_by_desa(inputs: PlanInputs, posts: Sequence[Post]) -> dict[str, int]:
    """desa code -> Linmas the posts need there: for every post, its pattern's
    ``linmas_per_tps`` (the pattern of the post's class) for each of its TPS, counted at that
    TPS's desa. (``Post.linmas`` is the same number summed over the post; it cannot say which
    desa they come from.) A TPS the scenario does not hold has no desa and is not counted."""
    desa_of = {t.tps_id: t.desa_code for t in inputs.scenario.tps}
    need: dict[str, int] = defaultdict(int)
    for post in posts:
        per_tps = inputs.planning.patterns.of(post.risk_class).linmas_per_tps
        for tps_id in post.tps_ids:
            desa = desa_of.get(tps_id)
            if desa is not None:
                need[desa] += per_tps
    return dict(need)


def check(inputs: PlanInputs, posts: Sequence[Post]) -> tuple[LinmasShortfall, ...]:
    """The desa whose posts need more Linmas than the desa has (``inputs.scenario.linmas``,
    one count per desa; a desa without a record has 0), the largest gap first (then by desa
    code, so the list is the same every run). A desa with enough, or with no post, is not
    listed."""
    have = {c.code: c.personnel for c in inputs.scenario.linmas}
    short = [LinmasShortfall(desa, n, have.get(desa, 0))
             for desa, n in needed_by_desa(inputs, posts).items() if n > have.get(desa, 0)]
    return tuple(sorted(short, key=lambda s: (s.available - s.needed, s.desa_code)))
