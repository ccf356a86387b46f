"""What a draft changes against the plan in force, and whose jurisdiction each change touches.

A draft may be made on top of another draft, and that one on top of a third, each by someone
else. Who may publish it cannot be judged from the last step: publishing makes the *whole*
difference between the draft and the plan in force take effect, whoever asked for each part.
So the acceptor's rights are checked against this difference, computed directly between the
two plans (path-independent: it does not matter through which drafts the change came).

Each change names the Polres it touches (``None``: the whole Polda, such as the reserve share
or any other doctrine setting) and, where it is about TPS, the kecamatan:

- **N**: a group (``polres/kecamatan/tier``) whose N differs or that exists in one plan only;
- **class**: a TPS planned as another class;
- **reserve share** and **profile**: the doctrine the plan was made under;
- **post**: a post that exists in one plan only, or guards other TPS or with other strength;
- **duty** / **reserve team**: one that exists in one plan only or has another strength;
- **officer**: an officer whose place changed (their old and new target's owners).

Pure: the caller loads the plans and maps TPS to kecamatan.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from pollguard.domain.plan import Assignment, Plan, Role

# What each kind of change is called, in each language (``Change.describe``).
_WHAT_ID = {"n": "N kelompok", "class": "kelas TPS", "reserve_share": "porsi cadangan",
            "profile": "profil doktrin", "post": "pos", "duty": "tugas",
            "reserve": "tim cadangan", "officer": "penempatan personel"}
_WHAT_EN = {"n": "N of groups", "class": "TPS class", "reserve_share": "reserve share",
            "profile": "doctrine profile", "post": "post", "duty": "duty",
            "reserve": "reserve team", "officer": "officer placement"}


@dataclass(frozen=True, slots=True)
class Change:
    """One difference. ``polres`` None: the whole Polda; ``kecamatan`` set for TPS and posts."""

    kind: str  # n, class, reserve_share, profile, post, duty, reserve, officer
    subject: str
    polres: str | None
    kecamatan: str | None = None
    before: str = ""
    after: str = ""

    def describe(self, lang: str = "id") -> str:
        """In Bahasa Indonesia (or ``lang`` "en"), for the refusal an operator reads."""
        what = (_WHAT_EN if lang == "en" else _WHAT_ID)[self.kind]
        change = f" ({self.before or '-'} -> {self.after or '-'})" if (
            self.before or self.after) else ""
        return f"{what} {self.subject}{change}"


def difference(in_force: Plan, draft: Plan, *, classes_before: Mapping[str, str],
               classes_after: Mapping[str, str], share_before: float, share_after: float,
               profile_before: str, profile_after: str,
               polres_of_tps: Callable[[str], str | None],
               kecamatan_of_tps: Callable[[str], str | None]) -> list[Change]:
    """Every change that publishing ``draft`` would make to ``in_force``. ``profile_*`` are
    the doctrine texts with the reserve share left out (it is reported on its own)."""
    out: list[Change] = []
    for key in sorted(in_force.n_by_group.keys() | draft.n_by_group.keys()):
        a, b = in_force.n_by_group.get(key), draft.n_by_group.get(key)
        if a != b:
            out.append(Change("n", key, key.split("/")[0], None, _s(a), _s(b)))
    for tps in sorted(classes_before.keys() | classes_after.keys()):
        a_cls, b_cls = classes_before.get(tps), classes_after.get(tps)
        if a_cls != b_cls:
            out.append(Change("class", tps, polres_of_tps(tps), kecamatan_of_tps(tps),
                              a_cls or "", b_cls or ""))
    if share_before != share_after:
        out.append(Change("reserve_share", "", None, None, f"{share_before:g}",
                          f"{share_after:g}"))
    if profile_before != profile_after:
        out.append(Change("profile", "", None))
    old_posts = {p.post_id: p for p in in_force.posts}
    new_posts = {p.post_id: p for p in draft.posts}
    for pid in sorted(old_posts.keys() | new_posts.keys()):
        p, q = old_posts.get(pid), new_posts.get(pid)
        if p is not None and q is not None and (p.tps_ids, p.officers, p.polres_code) == (
                q.tps_ids, q.officers, q.polres_code):
            continue
        for side in {x.polres_code: x for x in (p, q) if x is not None}.values():
            out.append(Change("post", pid, side.polres_code, side.kecamatan_code,
                              _s(p.officers if p else None), _s(q.officers if q else None)))
    for kind, before, after in (
            ("duty", {d.duty_id: (d.unit_code, d.officers) for d in in_force.duties},
             {d.duty_id: (d.unit_code, d.officers) for d in draft.duties}),
            ("reserve", _teams(in_force), _teams(draft))):
        for key in sorted(before.keys() | after.keys()):
            x, y = before.get(key), after.get(key)
            if x != y:
                for owner in {v[0] for v in (x, y) if v is not None}:
                    out.append(Change(kind, key, owner, None, _s(x[1] if x else None),
                                      _s(y[1] if y else None)))
    out.extend(_officer_moves(in_force, draft))
    return out


def outside(changes: Iterable[Change], *, sees_polres: Callable[[str], bool],
            sees_kecamatan: Callable[[str], bool]) -> list[Change]:
    """The changes a scoped account may not publish: Polda-wide ones, those of another
    Polres, and TPS or posts outside its kecamatan."""
    return [c for c in changes
            if c.polres is None or not sees_polres(c.polres)
            or (c.kecamatan is not None and not sees_kecamatan(c.kecamatan))]


def _teams(plan: Plan) -> dict[str, tuple[str, int]]:
    """Reserve strength per (owner, staging point): teams are renumbered between plans, so
    their ids say nothing."""
    out: dict[str, tuple[str, int]] = {}
    for t in plan.reserves:
        key = f"{t.owner_code}@{t.staging_code}"
        out[key] = (t.owner_code, out.get(key, (t.owner_code, 0))[1] + t.size)
    return out


def _officer_moves(before: Plan, after: Plan) -> list[Change]:
    def owner(plan_owner: Mapping[str, str], a: Assignment) -> str:
        return plan_owner.get(a.target_id, "")

    def owners(plan: Plan) -> dict[str, str]:
        out = {p.post_id: p.polres_code for p in plan.posts}
        out |= {d.duty_id: d.unit_code for d in plan.duties}
        out |= {t.team_id: t.owner_code for t in plan.reserves}
        return out

    was, now = {a.nrp: a for a in before.assignments}, {a.nrp: a for a in after.assignments}
    own_before, own_after = owners(before), owners(after)
    out = []
    for nrp in sorted(was.keys() | now.keys()):
        a, b = was.get(nrp), now.get(nrp)
        place_a = None if a is None else (
            ("reserve", owner(own_before, a)) if a.role == Role.RESERVE else a.target_id)
        place_b = None if b is None else (
            ("reserve", owner(own_after, b)) if b.role == Role.RESERVE else b.target_id)
        if place_a == place_b and (a is None or b is None or a.bko_to == b.bko_to):
            continue
        touched = {owner(own_before, a) if a else "", owner(own_after, b) if b else ""}
        for code in sorted(t for t in touched if t):
            out.append(Change("officer", nrp, code, None, a.target_id if a else "",
                              b.target_id if b else ""))
    return out


def _s(value: object) -> str:
    return "" if value is None else str(value)
