"""Minimum-change re-planning: a Sprin may be signed already, so move as few plotted officers
as possible when risk or force changes.

Groups keep their N, so posts of groups whose TPS did not change are the same posts, and in a
group whose TPS changed (a class changed, a new TPS list came) the other posts keep their TPS
and numbers (``posts.Group.kept``); reserve teams keep their staging points. The plotting
flow then runs with one supply node per (home base, target held) and an arc to any other
target costing ``change_penalty_km`` more: an officer moves only when the change saves more
travel than the penalty, or when their old post or duty is gone or needs fewer officers.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from pollguard.domain.plan import Assignment, Plan, Role
from pollguard.planning.inputs import PlanInputs
from pollguard.planning.planner import PADAL, RESERVE_TARGETS, make_plan
from pollguard.planning.plotting import SPARE
from pollguard.planning.supervision import DANTON


@dataclass(frozen=True)
class Move:
    """An officer whose place differs between two plans, and why."""

    nrp: str
    before: str  # target held (post, duty or reserve team id); "" when not in the earlier plan
    after: str  # "" when not in the later plan
    reason_id: str
    reason_en: str
    before_role: Role | None = None  # None when not in the earlier plan
    after_role: Role | None = None


def update_plan(inputs: PlanInputs, previous: Plan,
                n_by_polres: Mapping[str, int] | None = None, *,
                restage: bool = False) -> tuple[Plan, list[Move]]:
    """Re-plan ``inputs`` starting from ``previous``; return the plan and who moves, and why.
    ``n_by_polres`` replaces the N of every kurang rawan group of the Polres named. Reserve
    teams keep their staging points unless ``restage`` (the TPS they must reach changed)."""
    # Where each officer was: his target, or spare for a reserve member and a perwira left
    # over (Padal), so that staying costs nothing and moving the change penalty. Command and
    # staff stay where they command.
    held = {a.nrp: (a.target_id if a.role not in (Role.RESERVE, Role.COMMAND) else SPARE)
            for a in previous.assignments
            if a.role != Role.COMMAND or a.position == PADAL}
    held |= {t.leader_nrp: f"{DANTON}{t.owner_code}" for t in previous.reserves
             if t.leader_nrp}
    placement: dict[str, list[str]] | None = None
    if not restage:
        placement = {}
        for team in previous.reserves:
            placement.setdefault(team.owner_code, []).append(team.staging_code)
    # The posts and clusters the Sprin names stay as they are where their TPS still are.
    inputs = dataclasses.replace(inputs, updating=previous, memo={})
    plan = make_plan(inputs, previous=held, penalty_km=inputs.planning.change_penalty_km,
                     fixed_n=previous.n_by_group, fixed_cut=previous.tier_cut,
                     n_by_polres=n_by_polres, placement=placement)
    return plan, moves(previous, plan)


def targets_changed(before: Mapping[str, str], after: Mapping[str, str]) -> bool:
    """Whether the TPS the reserves must reach (rawan, sangat rawan) differ between two
    class maps (TPS -> class value), over the TPS both know (a plan knows the class of the
    TPS it guards)."""
    hot = {c.value for c in RESERVE_TARGETS}
    both = before.keys() & after.keys()
    return any((before[t] in hot) != (after[t] in hot) for t in both)


def moves(before: Plan, after: Plan) -> list[Move]:
    """Who moved between two plans: every officer whose post or duty differs, who left or
    joined the reserve, or who is in one plan only, with the reason as the planner sees it.
    Reserve teams are renumbered between plans: staying in reserve is no move. The one
    definition of "who moved": a re-plan's moves, ``plan diff`` and the workspace's changes."""
    was = {a.nrp: a for a in before.assignments}
    now = {a.nrp: a for a in after.assignments}
    old_posts = {p.post_id: p for p in before.posts}
    new_posts = {p.post_id: p for p in after.posts}
    # The TPS the later plan knows (guarded or uncovered): a post whose every TPS it lacks
    # went with a new TPS list, not with a class or N.
    listed = {t for p in after.posts for t in p.tps_ids} | set(after.uncovered)
    out = []
    for nrp in sorted(was.keys() | now.keys()):
        prev, a = was.get(nrp), now.get(nrp)
        if _place(prev) == _place(a):
            continue
        if a is None:
            assert prev is not None
            why = (f"tidak lagi ditugaskan (dari {prev.target_id})",
                   f"no longer assigned (was {prev.target_id})")
        elif prev is None:
            why = (f"ditugaskan baru ke {a.target_id}", f"newly assigned to {a.target_id}")
        elif (prev.target_id in old_posts and prev.target_id not in new_posts
              and not listed & set(old_posts[prev.target_id].tps_ids)):
            why = (f"pos {prev.target_id} tidak ada lagi (TPS-nya terhapus dari daftar TPS)",
                   f"post {prev.target_id} no longer exists (its TPS left the TPS list)")
        elif prev.target_id in old_posts and prev.target_id not in new_posts:
            why = (f"pos {prev.target_id} tidak ada lagi (kelas TPS atau N berubah)",
                   f"post {prev.target_id} no longer exists (a TPS class or N changed)")
        elif (prev.target_id in old_posts and prev.target_id in new_posts and
              old_posts[prev.target_id].tps_ids != new_posts[prev.target_id].tps_ids):
            why = (f"pos {prev.target_id} berubah susunan TPS-nya",
                   f"post {prev.target_id} now guards different TPS")
        elif a.target_id in new_posts and a.target_id not in old_posts:
            why = (f"mengisi pos baru {a.target_id}", f"fills the new post {a.target_id}")
        else:
            why = (f"dipindah untuk mengisi {a.target_id}", f"moved to fill {a.target_id}")
        out.append(Move(nrp, prev.target_id if prev else "", a.target_id if a else "", *why,
                        before_role=prev.role if prev else None,
                        after_role=a.role if a else None))
    return out


def _place(a: Assignment | None) -> str | None:
    """Where an assignment puts its officer: its target, or the reserve as a whole."""
    if a is None:
        return None
    return "reserve" if a.role == Role.RESERVE else a.target_id


def reclassified(before: Mapping[str, str], after: Mapping[str, str]) -> list[str]:
    """TPS ids whose class differs between two class maps."""
    return sorted(t for t in before.keys() & after.keys() if before[t] != after[t])
