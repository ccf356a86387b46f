"""The database tables. Natural keys (region code, KPU TPS id, NRP) are the primary keys: they
are what every import, report and Sprin refers to."""

from __future__ import annotations

import datetime as dt
from enum import Enum as PyEnum

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from pollguard.domain.command import Level
from pollguard.domain.forces import Branch, Rank, UnitKind
from pollguard.domain.regions import RegionKind
from pollguard.domain.risk import RiskClass
from pollguard.domain.tps import Election, LocationType
from pollguard.operations.field_reports import ReportKind, TpsPhase
from pollguard.operations.incidents import Status
from pollguard.operations.reinforcement import UnitKind as DispatchKind
from pollguard.operations.reinforcement import UnitStatus

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _enum(cls: type[PyEnum], name: str) -> Enum:
    """Enums as checked VARCHAR on every backend, stored by value (by name for ``Rank``)."""
    return Enum(cls, name=name, native_enum=False, create_constraint=True, length=24,
                values_callable=None if cls is Rank else (lambda e: [m.value for m in e]))


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class ScenarioRecord(Base):
    """The scenario this database holds (one per database: a database is one operation)."""

    __tablename__ = "scenario"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    election: Mapped[Election] = mapped_column(_enum(Election, "election"))
    province_code: Mapped[str] = mapped_column(String(2))
    voting_date: Mapped[dt.date] = mapped_column(Date)
    seed: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")
    max_voters_per_tps: Mapped[int | None] = mapped_column(Integer)
    loaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    source: Mapped[str] = mapped_column(Text, default="")
    # The orders' settings (OperationSettings.as_dict): number, dates, signatories, ...
    operation: Mapped[dict[str, object] | None] = mapped_column(JSON, nullable=True)
    # "WIB", "WITA" or "WIT" when the scenario names its clock; None: the province's.
    time_zone: Mapped[str | None] = mapped_column(String(4), nullable=True)


class RegionRecord(Base):
    __tablename__ = "region"
    code: Mapped[str] = mapped_column(String(13), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[RegionKind] = mapped_column(_enum(RegionKind, "region_kind"))
    level: Mapped[int] = mapped_column(Integer, index=True)
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"), index=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    area_km2: Mapped[float | None] = mapped_column(Float)


class RegionBoundaryRecord(Base):
    """A kab/kota's or kecamatan's real boundary (``domain.boundary``): its polygons as
    GeoJSON's MultiPolygon coordinates, ``[[[[lon, lat], ...], ...], ...]``."""

    __tablename__ = "region_boundary"
    code: Mapped[str] = mapped_column(ForeignKey("region.code"), primary_key=True)
    polygons: Mapped[list[list[list[list[float]]]]] = mapped_column(JSON)


class TpsRecord(Base):
    __tablename__ = "tps"
    tps_id: Mapped[str] = mapped_column(String(13), primary_key=True)
    desa_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    kabkota_code: Mapped[str] = mapped_column(String(5), index=True)  # for per-kab replace
    number: Mapped[int] = mapped_column(Integer)
    voters: Mapped[int | None] = mapped_column(Integer)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    location_type: Mapped[LocationType] = mapped_column(_enum(LocationType, "location_type"))


class UnitRecord(Base):
    __tablename__ = "unit"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[UnitKind] = mapped_column(_enum(UnitKind, "unit_kind"), index=True)
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("unit.code"), index=True)
    hq_lat: Mapped[float] = mapped_column(Float)
    hq_lon: Mapped[float] = mapped_column(Float)
    phone: Mapped[str | None] = mapped_column(String(20), nullable=True)


class JurisdictionRecord(Base):
    """One region in a unit's jurisdiction; ``position`` keeps the order the scenario gave."""

    __tablename__ = "unit_jurisdiction"
    unit_code: Mapped[str] = mapped_column(ForeignKey("unit.code"), primary_key=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)


class OfficerRecord(Base):
    """A Polri officer. ``phone`` and ``nrp`` are personal data: only police roles see them."""

    __tablename__ = "officer"
    nrp: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    rank: Mapped[Rank] = mapped_column(_enum(Rank, "rank"))
    branch: Mapped[Branch] = mapped_column(_enum(Branch, "branch"))
    unit_code: Mapped[str] = mapped_column(ForeignKey("unit.code"), index=True)
    home_unit_code: Mapped[str] = mapped_column(ForeignKey("unit.code"))
    bko: Mapped[bool] = mapped_column(Boolean, default=False)
    phone: Mapped[str | None] = mapped_column(String(20))
    position: Mapped[str] = mapped_column(String(120), default="", server_default="")
    desa_code: Mapped[str | None] = mapped_column(String(13))  # desa binaan (Bhabinkamtibmas)


class TniStrengthRecord(Base):
    __tablename__ = "tni_strength"
    unit_code: Mapped[str] = mapped_column(ForeignKey("unit.code"), primary_key=True)
    personnel: Mapped[int] = mapped_column(Integer)


class LinmasStrengthRecord(Base):
    __tablename__ = "linmas_strength"
    desa_code: Mapped[str] = mapped_column(ForeignKey("region.code"), primary_key=True)
    personnel: Mapped[int] = mapped_column(Integer)


Index("ix_officer_home_unit", OfficerRecord.home_unit_code)


class TpsIndicatorRecord(Base):
    """The current observation of one indicator at one TPS (absent: not observed or no)."""

    __tablename__ = "tps_indicator"
    tps_id: Mapped[str] = mapped_column(ForeignKey("tps.tps_id"), primary_key=True)
    indicator: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[float] = mapped_column(Float)


class RiskEventRecord(Base):
    """A past or live event at a point: raises the risk of TPS around it."""

    __tablename__ = "risk_event"
    event_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    occurred_on: Mapped[dt.date] = mapped_column(Date, index=True)
    severity: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")


class AreaScoreRecord(Base):
    """Bawaslu's kab/kota vulnerability score (0-100), the area prior."""

    __tablename__ = "area_score"
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), primary_key=True)
    score: Mapped[float] = mapped_column(Float)


class AssessmentRecord(Base):
    """One dated run of the vulnerability assessment, with the profile it used."""

    __tablename__ = "assessment"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    as_of: Mapped[dt.date] = mapped_column(Date)
    profile_id: Mapped[str] = mapped_column(String(80))
    profile_toml: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    tps_count: Mapped[int] = mapped_column(Integer)


class AssessmentResultRecord(Base):
    """A TPS's score, class and explanation in one assessment. ``tps_id`` has no foreign key:
    an assessment is history and outlives a later TPS list."""

    __tablename__ = "assessment_result"
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"), primary_key=True)
    tps_id: Mapped[str] = mapped_column(String(13), primary_key=True)
    score: Mapped[float] = mapped_column(Float)
    risk_class: Mapped[RiskClass] = mapped_column(_enum(RiskClass, "risk_class"))
    reasons: Mapped[list[list[object]]] = mapped_column(JSON)


class RaceRecord(Base):
    __tablename__ = "race"
    race_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"))
    office: Mapped[str] = mapped_column(String(20))
    pairs: Mapped[int] = mapped_column(Integer)


class PlanRecord(Base):
    """A plan version: what it was made from, its figures, and the plan it updates."""

    __tablename__ = "plan"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("assessment.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    profile_toml: Mapped[str] = mapped_column(Text)
    metrics: Mapped[dict[str, object]] = mapped_column(JSON)
    n_by_group: Mapped[dict[str, int]] = mapped_column(JSON)
    bko_needed: Mapped[dict[str, int]] = mapped_column(JSON)
    tier_cut: Mapped[dict[str, float]] = mapped_column(JSON)
    uncovered: Mapped[list[str]] = mapped_column(JSON)
    classes: Mapped[dict[str, str]] = mapped_column(JSON)  # class overrides it was made with
    tni: Mapped[list[dict[str, object]]] = mapped_column(JSON)
    # A draft is a proposal from the planning workspace; accepting it publishes the version.
    status: Mapped[str] = mapped_column(String(10), default="accepted")
    author: Mapped[str] = mapped_column(String(80), default="")
    accepted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    supervisions: Mapped[list[dict[str, object]] | None] = mapped_column(JSON)
    tni_posts: Mapped[list[dict[str, object]] | None] = mapped_column(JSON)
    linmas_short: Mapped[list[dict[str, object]] | None] = mapped_column(JSON)
    shortfalls: Mapped[list[dict[str, object]] | None] = mapped_column(JSON)
    inferred: Mapped[list[str] | None] = mapped_column(JSON)
    # Per-TPS guard overrides the plan was made with: TPS -> {"officers", "equipment"}.
    overrides: Mapped[dict[str, dict[str, object]] | None] = mapped_column(JSON)
    # "operation": a version of the operation's plan; "psu": a re-vote plan beside it, on
    # ``psu_date``, never the plan in force.
    kind: Mapped[str] = mapped_column(String(10), default="operation",
                                      server_default="operation")
    psu_date: Mapped[dt.date | None] = mapped_column(Date)


class PlanPostRecord(Base):
    __tablename__ = "plan_post"
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), primary_key=True)
    post_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    polres_code: Mapped[str] = mapped_column(String(40))
    kecamatan_code: Mapped[str] = mapped_column(String(13))
    risk_class: Mapped[RiskClass] = mapped_column(_enum(RiskClass, "post_class"))
    tps_ids: Mapped[list[str]] = mapped_column(JSON)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    officers: Mapped[int] = mapped_column(Integer)
    linmas: Mapped[int] = mapped_column(Integer)
    walk_km: Mapped[float] = mapped_column(Float)
    n: Mapped[int] = mapped_column(Integer)
    equipment: Mapped[list[list[object]] | None] = mapped_column(JSON)


class PlanDutyRecord(Base):
    __tablename__ = "plan_duty"
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), primary_key=True)
    duty_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    unit_code: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(200))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    officers: Mapped[int] = mapped_column(Integer)
    minimum: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class PlanReserveRecord(Base):
    __tablename__ = "plan_reserve"
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    owner_code: Mapped[str] = mapped_column(String(40))
    staging_code: Mapped[str] = mapped_column(String(40))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    size: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10), default="gabungan", server_default="gabungan")
    call_sign: Mapped[str] = mapped_column(String(200), default="", server_default="")
    leader_nrp: Mapped[str | None] = mapped_column(String(8))


class PlanAssignmentRecord(Base):
    """One officer's place in a plan. No foreign key to the officer: a plan is history."""

    __tablename__ = "plan_assignment"
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), primary_key=True)
    nrp: Mapped[str] = mapped_column(String(8), primary_key=True)
    role: Mapped[str] = mapped_column(String(10))
    target_id: Mapped[str] = mapped_column(String(60), index=True)
    pair: Mapped[int] = mapped_column(Integer)
    travel_km: Mapped[float] = mapped_column(Float)
    bko_to: Mapped[str | None] = mapped_column(String(40))
    # (A duty's label, up to plan_duty.label's 200, or the roster's jabatan, up to 120.)
    position: Mapped[str] = mapped_column(String(200), default="", server_default="")


class UserRecord(Base):
    """An account. No political field exists here or anywhere: PollGuard is neutral by design."""

    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    unit_code: Mapped[str | None] = mapped_column(String(40))  # Polres or Polsek scope
    nrp: Mapped[str | None] = mapped_column(String(8))  # a field officer's own NRP
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class SessionRecord(Base):
    """A browser session: the cookie carries the token, the database only its hash."""

    __tablename__ = "app_session"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class ApiTokenRecord(Base):
    """A machine's bearer token (hash only; the token is shown once when made)."""

    __tablename__ = "api_token"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class LoginFailureRecord(Base):
    """Failed logins, counted per account and per address to rate-limit guessing."""

    __tablename__ = "login_failure"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(60), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class AuditRecord(Base):
    """The hash-chained audit log (``pollguard.audit.chain``): appended, never changed."""

    __tablename__ = "audit_log"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(60), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    detail: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class NationalRunRecord(Base):
    """A national plan: every Polda planned at once (``pollguard national plan``)."""

    __tablename__ = "national_run"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    total_tps: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(Integer)
    geo: Mapped[str | None] = mapped_column(Text)  # the centroids file it was built with
    engine: Mapped[str] = mapped_column(String(20))
    seconds: Mapped[float] = mapped_column(Float)
    profile_toml: Mapped[str] = mapped_column(Text)


class NationalPoldaRecord(Base):
    """One Polda's result in a national plan, with the recipe that rebuilds it exactly."""

    __tablename__ = "national_polda"
    run_id: Mapped[int] = mapped_column(ForeignKey("national_run.id"), primary_key=True)
    province_code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    ok: Mapped[bool] = mapped_column(Boolean)
    error: Mapped[str] = mapped_column(Text, default="")
    recipe: Mapped[dict[str, object]] = mapped_column(JSON)
    result: Mapped[dict[str, object]] = mapped_column(JSON)


class FieldReportRecord(Base):
    """A report from a plotted officer's phone, kept as sent. ``client_id`` is made on the phone:
    a resend of the same id is the same report. ``tps_id`` has no foreign key: reports are
    history and outlive a later TPS list. Incident reports live here too (``kind = incident``)
    until the incident workflow has tables of its own."""

    __tablename__ = "field_report"
    client_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    nrp: Mapped[str] = mapped_column(String(8), index=True)
    tps_id: Mapped[str] = mapped_column(String(13), index=True)
    kind: Mapped[ReportKind] = mapped_column(_enum(ReportKind, "report_kind"))
    phase: Mapped[TpsPhase | None] = mapped_column(_enum(TpsPhase, "report_phase"))
    incident_kind: Mapped[str | None] = mapped_column(String(40))
    severity: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    sent_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class TpsStatusRecord(Base):
    """A TPS's phase on voting day: the latest phase reported (it only moves forward)."""

    __tablename__ = "tps_status"
    tps_id: Mapped[str] = mapped_column(String(13), primary_key=True)
    phase: Mapped[TpsPhase] = mapped_column(_enum(TpsPhase, "tps_phase"))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    by_nrp: Mapped[str] = mapped_column(String(8))


class IncidentRecord(Base):
    """An incident as it stands now (status, level, verified). Its history is
    ``incident_step``, appended only; the audit log holds every change too."""

    __tablename__ = "incident"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the report's client id
    tps_id: Mapped[str] = mapped_column(String(13), index=True)
    polres_code: Mapped[str] = mapped_column(String(16), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    severity: Mapped[int] = mapped_column(Integer)
    reported_by: Mapped[str] = mapped_column(String(80))
    reported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[Status] = mapped_column(_enum(Status, "incident_status"), index=True)
    level: Mapped[Level] = mapped_column(_enum(Level, "incident_level"))
    level_since: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)


class IncidentStepRecord(Base):
    __tablename__ = "incident_step"
    incident_id: Mapped[str] = mapped_column(ForeignKey("incident.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    status: Mapped[Status] = mapped_column(_enum(Status, "incident_step_status"))
    by: Mapped[str] = mapped_column(String(80))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    note: Mapped[str] = mapped_column(Text, default="")
    level: Mapped[Level | None] = mapped_column(_enum(Level, "incident_step_level"))


class DispatchRecord(Base):
    """A unit sent to an incident (a reserve team, or officers lent by a post) and its status
    now; its history is ``dispatch_step``."""

    __tablename__ = "dispatch"
    id: Mapped[str] = mapped_column(String(48), primary_key=True)  # "<incident>/<n>"
    incident_id: Mapped[str] = mapped_column(ForeignKey("incident.id"), index=True)
    unit_id: Mapped[str] = mapped_column(String(40), index=True)
    kind: Mapped[DispatchKind] = mapped_column(_enum(DispatchKind, "dispatch_kind"))
    officers: Mapped[int] = mapped_column(Integer)
    status: Mapped[UnitStatus] = mapped_column(_enum(UnitStatus, "dispatch_status"))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class DispatchStepRecord(Base):
    __tablename__ = "dispatch_step"
    dispatch_id: Mapped[str] = mapped_column(ForeignKey("dispatch.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    status: Mapped[UnitStatus] = mapped_column(_enum(UnitStatus, "dispatch_step_status"))
    by: Mapped[str] = mapped_column(String(80))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    note: Mapped[str] = mapped_column(Text, default="")


class PresenceRecord(Base):
    """One check-in or check-out of a plotted officer at his post, appended only (the latest
    per officer and plan is where he stands). ``inside`` is None when the phone sent no
    location (then ``reason`` says why); False marks a check-in beyond the profile's radius."""

    __tablename__ = "presence"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    post_id: Mapped[str] = mapped_column(String(40))
    nrp: Mapped[str] = mapped_column(String(8), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # checkin, checkout
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    distance_m: Mapped[float | None] = mapped_column(Float)
    inside: Mapped[bool | None] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(Text, default="")
