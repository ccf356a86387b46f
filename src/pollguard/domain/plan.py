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
    equipment: tuple[tuple[str, int], ...] = ()  # counted items: ("cctv", 1), ("radio", 2)


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
    minimum: int = 0  # the least it may be cut to when the force is short (0: not recorded)


class ReserveKind(StrEnum):
    """What a reserve team is formed as (sizes from the profile)."""

    DALMAS = "dalmas"  # a Samapta Dalmas platoon (peleton)
    BRIMOB = "brimob"  # a Brimob SST (Satuan Setingkat Peleton)
    MIXED = "gabungan"  # officers of several branches under one Danton


@dataclass(frozen=True, slots=True)
class ReserveTeam:
    team_id: str
    owner_code: str  # a Polres, or the Polda
    staging_code: str  # the Polsek or Polres HQ it waits at
    lat: float
    lon: float
    size: int
    kind: ReserveKind = ReserveKind.MIXED
    call_sign: str = ""  # "Dalmas Kerinci 1": how the radio net and the Sprin name it
    leader_nrp: str | None = None  # the Danton (an officer of perwira rank where one is left)


@dataclass(frozen=True, slots=True)
class Supervision:
    """A Perwira Pengawas (Pawas) and the cluster of posts he supervises, near each other in
    one kecamatan; ``lat, lon`` is the member post nearest the cluster's centre."""

    cluster_id: str
    polres_code: str
    kecamatan_code: str
    post_ids: tuple[str, ...]
    lat: float
    lon: float
    radius_km: float  # from the cluster's point to its farthest post
    nrp: str | None = None  # None: no officer could be found (listed as a shortfall)


class Role(StrEnum):
    POST = "post"  # a TPS guard
    DUTY = "duty"  # an office, walpri or escort
    RESERVE = "reserve"  # a member (or the Danton) of a reserve team
    COMMAND = "command"  # Kaops, Wakaops, Kasatgas, Posko staff, a Kapolsek: never at a TPS
    SUPERVISOR = "supervisor"  # a Pawas over a cluster of posts


@dataclass(frozen=True, slots=True)
class Assignment:
    nrp: str
    role: Role
    target_id: str  # a post, duty, reserve team, supervision cluster or command unit code
    pair: int  # officers of one pair share this number within their target
    travel_km: float
    bko_to: str | None = None  # a Polda-pool officer placed under this Polres
    position: str = ""  # his place in the operation: "Kaopsres", "Pawas", "Danton"...


@dataclass(frozen=True, slots=True)
class TniAllocation:
    """TNI a Kodim puts at static posts (sangat rawan TPS) and in mobile teams (per
    kecamatan), against what it has; ``short`` is what the Korem cannot make up (total row)."""

    unit_code: str
    static: int
    mobile_teams: int
    mobile: int
    available: int
    short: int = 0  # a Kodim: what it lacks itself; "total": what the Korem cannot make up


@dataclass(frozen=True, slots=True)
class TniPost:
    """Where TNI stand: a static post at a sangat rawan TPS, or a mobile team per kecamatan
    (at its Polsek), with the Kodim that provides them."""

    post_id: str
    kodim_code: str
    kind: str  # "static" or "mobile"
    target: str  # the TPS id (static) or the kecamatan code (mobile)
    lat: float
    lon: float
    soldiers: int


@dataclass(frozen=True, slots=True)
class LinmasShortfall:
    """A desa whose posts need more Linmas than it has."""

    desa_code: str
    needed: int
    available: int


@dataclass(frozen=True, slots=True)
class Shortfall:
    """What a short force made the plan give up, in the order it was given up, and the BKO
    (officers from outside) that would restore it."""

    order: int
    owner: str  # a Polres code, or POOL
    what: str  # "duty", "reserve", "pattern", "uncovered", "pawas", "danton"
    text_id: str
    text_en: str
    officers: int  # officers it gave up
    bko: int  # officers that would restore it


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
    reserve_eta_p95_min: float | None  # None: no rawan or sangat rawan TPS to reach
    seconds: float
    posts_lower_bound: int
    bko: int
    perwira_at_tps: int = 0  # officers of perwira rank among TPS guards (doctrine: 0)
    command_at_tps: int = 0  # command and staff among TPS guards (doctrine: 0)
    posts_without_pawas: int = 0
    pawas_max_km: float = 0.0  # the farthest any post is from its Pawas's cluster point
    officers_in_command: int = 0
    officers_supervising: int = 0


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
    supervisions: tuple[Supervision, ...] = ()
    tni_posts: tuple[TniPost, ...] = ()
    linmas_short: tuple[LinmasShortfall, ...] = ()
    shortfalls: tuple[Shortfall, ...] = ()
    inferred: tuple[str, ...] = ()  # how roles were read: "Kapolsek inferred from rank"...
