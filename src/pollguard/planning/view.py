"""A plan read together with its scenario: the look-ups that plan documents and the command
centre share (posts by id, the post of a TPS, officers per target, owners, names)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from pollguard.domain.command import POOL, CommandLookups
from pollguard.domain.forces import Officer
from pollguard.domain.plan import (
    Assignment,
    Duty,
    Plan,
    Post,
    ReserveTeam,
    Role,
    Supervision,
)
from pollguard.domain.regions import LevelNames
from pollguard.domain.risk import RiskClass
from pollguard.domain.scenario import Scenario
from pollguard.domain.tps import PollingStation


@dataclass(frozen=True)
class PlanView(CommandLookups):
    """A plan with its scenario, indexed once: every plan document and the command centre
    read it, so each writer stays a loop."""

    plan: Plan
    scenario: Scenario

    @cached_property
    def names(self) -> dict[str, str]:
        return {r.code: r.name for r in self.scenario.regions}

    @cached_property
    def tps(self) -> dict[str, PollingStation]:
        return {t.tps_id: t for t in self.scenario.tps}

    @cached_property
    def officers(self) -> dict[str, Officer]:
        return {o.nrp: o for o in self.scenario.officers}

    @cached_property
    def posts(self) -> dict[str, Post]:
        return {p.post_id: p for p in self.plan.posts}

    @cached_property
    def duties(self) -> dict[str, Duty]:
        return {d.duty_id: d for d in self.plan.duties}

    @cached_property
    def teams(self) -> dict[str, ReserveTeam]:
        return {t.team_id: t for t in self.plan.reserves}

    @cached_property
    def supervisions(self) -> dict[str, Supervision]:
        return {c.cluster_id: c for c in self.plan.supervisions}

    @cached_property
    def post_of_tps(self) -> dict[str, Post]:
        return {t: p for p in self.plan.posts for t in p.tps_ids}

    @cached_property
    def by_target(self) -> dict[str, list[Assignment]]:
        out: dict[str, list[Assignment]] = defaultdict(list)
        for a in self.plan.assignments:
            out[a.target_id].append(a)
        return out

    @cached_property
    def partners(self) -> dict[str, list[Officer]]:
        """NRP -> the other officers of the same pair at the same target."""
        pairs: dict[tuple[str, int], list[str]] = defaultdict(list)
        for a in self.plan.assignments:
            pairs[(a.target_id, a.pair)].append(a.nrp)
        return {nrp: [self.officers[o] for o in group if o != nrp]
                for group in pairs.values() for nrp in group}

    @cached_property
    def ordered(self) -> dict[str, list[Assignment]]:
        """Owner -> its assignments in document order: posts by id (kecamatan first), then
        duties and reserve teams in plan order, each target's officers pair by pair. Every
        workbook and card file follows this order so a card matches its Sprin row."""
        out: dict[str, list[Assignment]] = defaultdict(list)
        targets = ([p.post_id for p in sorted(self.plan.posts, key=lambda p: p.post_id)]
                   + [d.duty_id for d in self.plan.duties]
                   + [t.team_id for t in self.plan.reserves])
        for target in targets:
            for a in self.by_target.get(target, ()):
                out[self.owner_of_target(a)].append(a)
        return dict(out)

    def owners(self) -> list[str]:
        """Every Polres (by code), then the Polda pool."""
        return [p.code for p in self.polres] + [POOL]

    def owner_of_target(self, a: Assignment) -> str:
        if a.role == Role.POST:
            return self.posts[a.target_id].polres_code
        if a.role == Role.DUTY:
            return self.duties[a.target_id].unit_code
        if a.role == Role.SUPERVISOR:
            return self.supervisions[a.target_id].polres_code
        if a.role == Role.COMMAND:  # the unit he commands: a Polres, Polsek, Satker, Polda
            return self.owner_of_unit(a.target_id)
        return self.teams[a.target_id].owner_code

    def unit_name(self, code: str) -> str:
        if code == POOL:
            return self.polda.name if self.polda else "Polda"
        unit = self.units.get(code)
        return unit.name if unit else code

    def origin(self, a: Assignment, o: Officer) -> str:
        """The Sprin's "Satuan/asal BKO": the officer's unit, or where a BKO officer is from
        (a Polda-pool officer the plan sends, or one the roster already lists as BKO)."""
        if a.bko_to or o.bko:
            return f"BKO dari {self.unit_name(o.home_unit_code)}"
        return self.unit_name(o.unit_code)

    def class_of(self, tps_id: str) -> RiskClass | None:
        post = self.post_of_tps.get(tps_id)
        return post.risk_class if post else None

    def kecamatan_name(self, code: str) -> str:
        return self.names.get(code, code)

    @property
    def levels(self) -> LevelNames:
        """What the province calls a kecamatan (Papua: distrik) in every document."""
        return self.scenario.info.levels

    def desa_names(self, post: Post) -> str:
        seen = dict.fromkeys(self.names.get(self.tps[t].desa_code, self.tps[t].desa_code)
                             for t in post.tps_ids if t in self.tps)
        return ", ".join(seen)

    def tps_numbers(self, post: Post) -> str:
        """TPS numbers restart in every desa, so a post over several desa names each desa."""
        by_desa: dict[str, list[int]] = defaultdict(list)
        for t in post.tps_ids:
            if t in self.tps:
                by_desa[self.tps[t].desa_code].append(self.tps[t].number)
        if len(by_desa) == 1:
            return ", ".join(str(n) for n in next(iter(by_desa.values())))
        return "; ".join(f"{self.names.get(d, d)}: {', '.join(str(n) for n in ns)}"
                         for d, ns in by_desa.items())

    def staging_name(self, team: ReserveTeam) -> str:
        return self.unit_name(team.staging_code)
