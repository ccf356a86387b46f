"""A deployment plan: posts over TPS, duties, reserve teams, and every officer's place."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated

from annotated_types import Ge

from pollguard.domain.risk import RiskClass


@dataclass(frozen=True, slots=True)
class Race:
    """A contest on the ballot: its candidate pairs each need close protection (walpri)."""

    race_id: str
    region_code: str  # the province for a governor, the kab/kota for a bupati or walikota
    office: str  # gubernur, bupati, walikota
    pairs: Annotated[int, Ge(1)]


@dataclass(frozen=True, slots=True)
class Post:
    """Officers guarding up to b TPS of one class in one kecamatan (pola a-b-c)."""

    post_id: str
    polres_code: str
    kecamatan_code: str
    risk_class: RiskClass
    tps_ids: tuple[str, ...]
    lat: float  # where the post stands: the member TPS nearest all the others
    lon: float
    officers: int
    linmas: int
    walk_km: float  # sum of distances from the post to its TPS
    n: int  # the pattern's b (the N of 2-N-2N for kurang rawan)


class DutyKind(StrEnum):
    KPU_OFFICE = "kpu_office"
    BAWASLU_OFFICE = "bawaslu_office"
    PPK_OFFICE = "ppk_office"
    WALPRI = "walpri"
    ESCORT = "escort"


@dataclass(frozen=True, slots=True)
class Duty:
    duty_id: str
    kind: DutyKind
    unit_code: str  # who staffs it: a Polres, or the Polda (pool)
    label: str
    lat: float
    lon: float
    officers: int


@dataclass(frozen=True, slots=True)
class ReserveTeam:
    team_id: str
    owner_code: str  # a Polres, or the Polda
    staging_code: str  # the Polsek or Polres HQ it waits at
    lat: float
    lon: float
    size: int


class Role(StrEnum):
    POST = "post"
    DUTY = "duty"
    RESERVE = "reserve"


@dataclass(frozen=True, slots=True)
class Assignment:
    nrp: str
    role: Role
    target_id: str  # a post, duty or reserve team id
    pair: int  # officers of one pair share this number within their target
    travel_km: float
    bko_to: str | None = None  # a Polda-pool officer placed under this Polres


@dataclass(frozen=True, slots=True)
class TniAllocation:
    """TNI a Kodim puts at static posts (sangat rawan TPS) and in mobile teams (per
    kecamatan), against what it has; ``short`` is what the Korem cannot make up (total row)."""

    unit_code: str
    static: int
    mobile_teams: int
    mobile: int
    available: int
    short: int = 0


@dataclass(frozen=True)
class PlanMetrics:
    posts: int
    officers_at_tps: int
    officers_on_duties: int
    officers_in_reserve: int
    uncovered_tps: int
    tps_by_class: dict[str, int]
    travel_km_total: float
    lp_bound_km: float | None  # None where no bound was computed (re-planning)
    gap: float | None
    reserve_eta_p95_min: float
    seconds: float
    posts_lower_bound: int
    bko: int


@dataclass(frozen=True)
class Plan:
    posts: tuple[Post, ...]
    duties: tuple[Duty, ...]
    reserves: tuple[ReserveTeam, ...]
    assignments: tuple[Assignment, ...]
    uncovered: tuple[str, ...]  # TPS ids with no post, riskiest first
    n_by_group: dict[str, int] = field(default_factory=dict)  # "polres/kecamatan/tier" -> N
    bko_needed: dict[str, int] = field(default_factory=dict)  # Polres -> officers short
    metrics: PlanMetrics | None = None
    tier_cut: dict[str, float] = field(default_factory=dict)  # Polres -> tier A from score
    tni: tuple[TniAllocation, ...] = ()
