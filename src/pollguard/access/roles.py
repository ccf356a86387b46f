"""The role matrix: one integrated command, each partner seeing what it may see.

Police roles see personnel data (NRP, names, phones); TNI sees the deployment picture without
it; KPU and Bawaslu observers see TPS, risk classes and (later) incidents, but neither
personnel nor where the reserves wait. ``docs/security.md`` prints this table and a test checks
every API route against it.
"""

from __future__ import annotations

from enum import StrEnum

from pollguard.domain.command import Level
from pollguard.i18n import translate


class Role(StrEnum):
    POLDA_COMMAND = "polda_command"  # Karoops / Posko Polda: everything
    POLRES_OPS = "polres_ops"  # Kabag Ops of one Polres: read and plan its jurisdiction
    POLSEK = "polsek"  # a Polsek: read its kecamatan
    FIELD_OFFICER = "field_officer"  # a plotted officer: their own assignment
    TNI_LIAISON = "tni_liaison"  # Kodim/Korem liaison: the deployment picture
    OBSERVER = "observer"  # KPU or Bawaslu: TPS, risk classes, incidents

    def label(self, lang: str) -> str:
        """The role's name in ``lang``: the catalogue's ``role.<code>``, the one place that
        names it (pages, errors and the command line read it; the code is for programs)."""
        return translate(lang, f"role.{self.value}")

    @property
    def label_id(self) -> str:
        return self.label("id")

    @property
    def label_en(self) -> str:
        return self.label("en")

    @property
    def scoped_to(self) -> str | None:
        """The kind of unit an account of this role is tied to, if any."""
        return {Role.POLRES_OPS: "polres", Role.POLSEK: "polsek"}.get(self)

    @property
    def acts_at(self) -> Level | None:
        """The level of the escalation chain an account of this role acts at; None for the
        roles outside the chain (they may not step incidents anyway)."""
        return {Role.POLDA_COMMAND: Level.POLDA_OPS, Role.POLRES_OPS: Level.POLRES_OPS,
                Role.POLSEK: Level.POLSEK}.get(self)


class Permission(StrEnum):
    TPS_READ = "tps:read"  # TPS on the map, their class, score and explanation
    RISK_READ = "risk:read"  # assessments, class counts per region, indicator breakdown, diff
    PLAN_READ = "plan:read"  # posts, duties, force balance, plan versions (no names)
    RESERVE_READ = "reserve:read"  # where reserve teams wait and what they reach
    PERSONNEL_READ = "personnel:read"  # NRP, names, phones: plotting tables and downloads
    PLAN_WRITE = "plan:write"  # draft a re-plan, accept it as a new version
    OWN_ASSIGNMENT = "assignment:own"  # one's own post and TPS
    AUDIT_READ = "audit:read"  # who changed what, when
    ACCOUNTS_MANAGE = "accounts:manage"  # create accounts and API tokens
    REPORT_WRITE = "report:write"  # voting-day reports: TPS phase and incidents
    INCIDENT_READ = "incident:read"  # incidents, their workflow, the live picture, sitrep
    INCIDENT_WRITE = "incident:write"  # acknowledge, verify, respond, resolve, close incidents
    DISPATCH_WRITE = "dispatch:write"  # recommendations, dispatches, unit status


P = Permission
MATRIX: dict[Role, frozenset[Permission]] = {
    Role.POLDA_COMMAND: frozenset(Permission),
    Role.POLRES_OPS: frozenset({P.TPS_READ, P.RISK_READ, P.PLAN_READ, P.RESERVE_READ,
                                P.PERSONNEL_READ, P.PLAN_WRITE, P.INCIDENT_READ,
                                P.INCIDENT_WRITE, P.DISPATCH_WRITE}),
    Role.POLSEK: frozenset({P.TPS_READ, P.RISK_READ, P.PLAN_READ, P.RESERVE_READ,
                            P.PERSONNEL_READ, P.INCIDENT_READ, P.INCIDENT_WRITE}),
    Role.FIELD_OFFICER: frozenset({P.OWN_ASSIGNMENT, P.REPORT_WRITE}),
    Role.TNI_LIAISON: frozenset({P.TPS_READ, P.RISK_READ, P.PLAN_READ, P.RESERVE_READ,
                                 P.INCIDENT_READ}),
    Role.OBSERVER: frozenset({P.TPS_READ, P.RISK_READ, P.INCIDENT_READ}),
}


def permissions_of(role: Role) -> frozenset[Permission]:
    return MATRIX[role]


def can(role: Role, permission: Permission) -> bool:
    return permission in MATRIX[role]
