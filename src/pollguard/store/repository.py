"""Reading and writing the domain through a session. Bulk statements keep a 6,391-TPS load
well under a second on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from pollguard.domain.boundary import Boundary
from pollguard.domain.forces import CommandUnit, ForceCount, Officer, UnitKind
from pollguard.domain.geo import Point
from pollguard.domain.orders import OperationSettings
from pollguard.domain.plan import Race
from pollguard.domain.regions import Region, RegionLevel, ancestor_at
from pollguard.domain.risk import AreaScore, Observation, RiskEvent
from pollguard.domain.scenario import Scenario, ScenarioInfo, ScenarioSummary
from pollguard.domain.tps import PollingStation
from pollguard.store.tables import (
    AreaScoreRecord,
    AssessmentRecord,
    AssessmentResultRecord,
    DispatchRecord,
    DispatchStepRecord,
    FieldReportRecord,
    IncidentRecord,
    IncidentStepRecord,
    JurisdictionRecord,
    LinmasStrengthRecord,
    OfficerRecord,
    PlanAssignmentRecord,
    PlanDutyRecord,
    PlanPostRecord,
    PlanRecord,
    PlanReserveRecord,
    RaceRecord,
    RegionBoundaryRecord,
    RegionRecord,
    RiskEventRecord,
    ScenarioRecord,
    TniStrengthRecord,
    TpsIndicatorRecord,
    TpsRecord,
    TpsStatusRecord,
    UnitRecord,
)

#: Child tables first: the order to delete in without breaking a foreign key.
# Voting day's records first: they belong to the operation of the scenario being replaced.
_ALL = (DispatchStepRecord, DispatchRecord, IncidentStepRecord, IncidentRecord, TpsStatusRecord,
        FieldReportRecord, PlanAssignmentRecord, PlanReserveRecord, PlanDutyRecord,
        PlanPostRecord, PlanRecord,
        RaceRecord, AssessmentResultRecord, AssessmentRecord, TpsIndicatorRecord, RiskEventRecord,
        AreaScoreRecord, TniStrengthRecord, LinmasStrengthRecord, OfficerRecord,
        JurisdictionRecord, TpsRecord, UnitRecord, RegionBoundaryRecord, RegionRecord,
        ScenarioRecord)


def current_info(session: Session) -> ScenarioInfo | None:
    rec = session.scalars(select(ScenarioRecord)).first()
    if rec is None:
        return None
    return ScenarioInfo(rec.name, rec.election, rec.province_code, rec.voting_date, rec.seed,
                        rec.description, rec.max_voters_per_tps, rec.time_zone)


def loaded_at(session: Session) -> dt.datetime | None:
    """When the scenario was loaded (None: no scenario): what a cached read of it is keyed by,
    since a reload replaces everything."""
    found: dt.datetime | None = session.scalar(select(func.max(ScenarioRecord.loaded_at)))
    return found


def replace_scenario(session: Session, scenario: Scenario, *, source: str = "") -> None:
    """Make the database hold exactly ``scenario`` (a database is one operation)."""
    for table in _ALL:
        session.execute(delete(table))
    info = scenario.info
    session.add(ScenarioRecord(
        name=info.name, election=info.election, province_code=info.province_code,
        voting_date=info.voting_date, seed=info.seed, description=info.description,
        max_voters_per_tps=info.max_voters_per_tps, loaded_at=dt.datetime.now(dt.UTC),
        source=source, operation=scenario.operation.as_dict(), time_zone=info.time_zone))
    session.flush()
    add_regions(session, scenario.regions)
    _add_boundaries(session, scenario.boundaries)
    add_tps(session, scenario.tps)
    _add_units(session, scenario.units)
    upsert_officers(session, scenario.officers)
    _bulk(session, TniStrengthRecord,
          [{"unit_code": c.code, "personnel": c.personnel} for c in scenario.tni])
    _bulk(session, LinmasStrengthRecord,
          [{"desa_code": c.code, "personnel": c.personnel} for c in scenario.linmas])
    _bulk(session, TpsIndicatorRecord, [
        {"tps_id": o.tps_id, "indicator": o.indicator, "value": o.value}
        for o in scenario.observations if o.value > 0])
    add_events(session, scenario.events)
    _bulk(session, AreaScoreRecord, [{"region_code": a.region_code, "score": a.score}
                                     for a in scenario.area_scores])
    _bulk(session, RaceRecord, [{"race_id": r.race_id, "region_code": r.region_code,
                                 "office": r.office, "pairs": r.pairs} for r in scenario.races])


def add_events(session: Session, events: Iterable[RiskEvent]) -> None:
    _bulk(session, RiskEventRecord, [
        {"event_id": e.event_id, "kind": e.kind, "lat": e.lat, "lon": e.lon,
         "occurred_on": e.occurred_on, "severity": e.severity, "description": e.description}
        for e in events])


def _bulk(session: Session, table: type, rows: list[dict[str, object]]) -> None:
    if rows:
        session.execute(insert(table), rows)


def add_regions(session: Session, regions: Iterable[Region]) -> None:
    """Insert regions parents first, so the parent foreign key always holds."""
    ordered = sorted(regions, key=lambda r: (int(r.level), r.code))
    _bulk(session, RegionRecord, [
        {"code": r.code, "name": r.name, "kind": r.kind, "level": int(r.level),
         "parent_code": r.parent_code, "lat": r.lat, "lon": r.lon, "area_km2": r.area_km2}
        for r in ordered])


def add_tps(session: Session, stations: Iterable[PollingStation]) -> None:
    _bulk(session, TpsRecord, [
        {"tps_id": t.tps_id, "desa_code": t.desa_code,
         "kabkota_code": ancestor_at(t.desa_code, RegionLevel.KABKOTA), "number": t.number,
         "voters": t.voters, "lat": t.lat, "lon": t.lon, "location_type": t.location_type}
        for t in stations])


def _add_units(session: Session, units: Sequence[CommandUnit]) -> None:
    by_code = {u.code: u for u in units}

    def depth(u: CommandUnit) -> int:
        d = 0
        while u.parent_code and u.parent_code in by_code and d <= len(by_code):
            u, d = by_code[u.parent_code], d + 1
        return d

    ordered = sorted(units, key=depth)
    _bulk(session, UnitRecord, [
        {"code": u.code, "name": u.name, "kind": u.kind, "parent_code": u.parent_code,
         "hq_lat": u.hq_lat, "hq_lon": u.hq_lon, "phone": u.phone} for u in ordered])
    _bulk(session, JurisdictionRecord, [
        {"unit_code": u.code, "region_code": code, "position": i}
        for u in ordered for i, code in enumerate(u.jurisdiction)])


def upsert_officers(session: Session, officers: Iterable[Officer], *,
                    keep: Iterable[str] = ()) -> tuple[int, int]:
    """Insert new officers and update known ones (by NRP); returns (added, updated). The
    fields in ``keep`` are left as stored on a known officer (a roster without the column
    says nothing of them); a new officer takes the value given."""
    rows: list[dict[str, object]] = [
        {"nrp": o.nrp, "name": o.name, "rank": o.rank, "branch": o.branch,
         "unit_code": o.unit_code, "home_unit_code": o.home_unit_code, "bko": o.bko,
         "phone": o.phone, "position": o.position, "desa_code": o.desa_code}
        for o in officers]
    kept = set(keep)
    known = set(session.scalars(select(OfficerRecord.nrp).where(
        OfficerRecord.nrp.in_([r["nrp"] for r in rows])))) if rows else set()
    _bulk(session, OfficerRecord, [r for r in rows if r["nrp"] not in known])
    updates = [{k: v for k, v in r.items() if k not in kept} for r in rows if r["nrp"] in known]
    if updates:
        # Bind names must differ from column names in an executemany UPDATE.
        table = OfficerRecord.__table__
        stmt = update(table).where(table.c.nrp == bindparam("b_nrp"))  # type: ignore[arg-type]
        stmt = stmt.values({k: bindparam(f"b_{k}") for k in updates[0] if k != "nrp"})
        session.execute(stmt, [{f"b_{k}": v for k, v in r.items()} for r in updates])
    mark_changed(session)
    return len(rows) - len(updates), len(updates)


def replace_tps_of(session: Session, kabkota_codes: Iterable[str],
                   stations: Sequence[PollingStation]) -> int:
    """Replace every TPS of the given kab/kota with ``stations``; returns how many went."""
    codes = sorted(set(kabkota_codes))
    in_kabs = select(TpsRecord.tps_id).where(TpsRecord.kabkota_code.in_(codes))
    removed = session.scalar(select(func.count()).select_from(in_kabs.subquery())) or 0
    # Observations of TPS ids that stay are kept; the others go with their TPS.
    staying = {t.tps_id for t in stations}
    kept = [{"tps_id": r.tps_id, "indicator": r.indicator, "value": r.value}
            for r in session.scalars(select(TpsIndicatorRecord).where(
                TpsIndicatorRecord.tps_id.in_(in_kabs))) if r.tps_id in staying]
    session.execute(delete(TpsIndicatorRecord).where(TpsIndicatorRecord.tps_id.in_(in_kabs)))
    session.execute(delete(TpsRecord).where(TpsRecord.kabkota_code.in_(codes)))
    add_tps(session, stations)
    _bulk(session, TpsIndicatorRecord, kept)
    mark_changed(session)
    return removed


def replace_linmas_of(session: Session, kabkota_codes: Iterable[str],
                      per_desa: dict[str, int]) -> None:
    """Replace the Linmas counts of every desa in the given kab/kota."""
    desa = select(RegionRecord.code).where(RegionRecord.level == int(RegionLevel.DESA))
    prefixes = sorted(set(kabkota_codes))
    in_kabs = [c for c in session.scalars(desa) if c[:5] in prefixes]
    session.execute(delete(LinmasStrengthRecord).where(LinmasStrengthRecord.desa_code.in_(in_kabs)))
    _bulk(session, LinmasStrengthRecord,
          [{"desa_code": d, "personnel": n} for d, n in sorted(per_desa.items())])
    mark_changed(session)


def region_points(session: Session, level: RegionLevel) -> dict[str, Point]:
    """The point of every region of ``level`` in the loaded scenario."""
    rows = session.execute(select(RegionRecord.code, RegionRecord.lat, RegionRecord.lon)
                           .where(RegionRecord.level == int(level)))
    return {code: Point(lat, lon) for code, lat, lon in rows}


def desa_points(session: Session) -> dict[str, Point]:
    return region_points(session, RegionLevel.DESA)


def kecamatan_points(session: Session) -> dict[str, Point]:
    return region_points(session, RegionLevel.KECAMATAN)


def region_names(session: Session) -> dict[str, str]:
    """The name of every region of the loaded scenario, by code."""
    return {code: name for code, name in session.execute(
        select(RegionRecord.code, RegionRecord.name))}


def units(session: Session) -> list[CommandUnit]:
    juris: dict[str, list[str]] = defaultdict(list)
    for rec in session.scalars(select(JurisdictionRecord).order_by(
            JurisdictionRecord.unit_code, JurisdictionRecord.position)):
        juris[rec.unit_code].append(rec.region_code)
    return [CommandUnit(u.code, u.name, u.kind, u.parent_code, u.hq_lat, u.hq_lon,
                        tuple(juris[u.code]), u.phone)
            for u in session.scalars(select(UnitRecord).order_by(UnitRecord.code))]



def load_scenario(session: Session) -> Scenario | None:
    """The whole scenario back as domain objects (what the planners will read). The large
    tables are read as plain rows (``Table`` selects), not ORM objects: a third of the time,
    and every re-plan of the workspace starts here."""
    info = current_info(session)
    if info is None:
        return None
    regions = tuple(Region(r.code, r.name, r.kind, r.lat, r.lon, r.area_km2)
                    for r in session.execute(select(RegionRecord.__table__)
                                             .order_by(RegionRecord.code)))
    tps = tuple(PollingStation(t.tps_id, t.desa_code, t.number, t.voters, t.lat, t.lon,
                               t.location_type)
                for t in session.execute(select(TpsRecord.__table__)
                                         .order_by(TpsRecord.tps_id)))
    officers = tuple(Officer(o.nrp, o.name, o.rank, o.branch, o.unit_code, o.home_unit_code,
                             o.bko, o.phone, o.position or "", o.desa_code)
                     for o in session.execute(select(OfficerRecord.__table__)
                                              .order_by(OfficerRecord.nrp)))
    tni = tuple(ForceCount(c.unit_code, c.personnel) for c in session.scalars(
        select(TniStrengthRecord).order_by(TniStrengthRecord.unit_code)))
    linmas = tuple(ForceCount(c.desa_code, c.personnel) for c in session.scalars(
        select(LinmasStrengthRecord).order_by(LinmasStrengthRecord.desa_code)))
    return Scenario(info, regions, tps, tuple(units(session)), officers, tni, linmas,
                    observations=tuple(
                        Observation(o.tps_id, o.indicator, o.value)
                        for o in session.execute(select(TpsIndicatorRecord.__table__).order_by(
                            TpsIndicatorRecord.tps_id, TpsIndicatorRecord.indicator))),
                    events=tuple(events(session)),
                    area_scores=tuple(AreaScore(code, score) for code, score in sorted(
                        area_scores(session).items())),
                    races=tuple(Race(r.race_id, r.region_code, r.office, r.pairs)
                                for r in session.scalars(select(RaceRecord).order_by(
                                    RaceRecord.race_id))),
                    operation=operation_settings(session),
                    boundaries=boundaries(session))


def _add_boundaries(session: Session, boundaries: Iterable[Boundary]) -> None:
    _bulk(session, RegionBoundaryRecord, [
        {"code": b.code, "polygons": [[list(map(list, ring)) for ring in p] for p in b.polygons]}
        for b in boundaries])


def mark_changed(session: Session) -> None:
    """Move the loaded scenario's ``loaded_at``: an import changed what it holds, so every
    cached snapshot of it (the running server's map, the live board) is read again."""
    session.execute(update(ScenarioRecord).values(loaded_at=dt.datetime.now(dt.UTC)))


def replace_boundaries(session: Session, boundaries: Sequence[Boundary]) -> int:
    """Make the loaded scenario's real boundaries exactly ``boundaries``; returns how many it
    had. The scenario counts as changed (its ``loaded_at`` moves): a cached map of it is
    drawn again."""
    before = session.scalar(select(func.count()).select_from(RegionBoundaryRecord)) or 0
    session.execute(delete(RegionBoundaryRecord))
    _add_boundaries(session, boundaries)
    mark_changed(session)
    return int(before)


def regions_at(session: Session, levels: Iterable[RegionLevel]) -> dict[str, Region]:
    """The loaded scenario's regions of ``levels``, by code."""
    return {r.code: Region(r.code, r.name, r.kind, r.lat, r.lon, r.area_km2)
            for r in session.execute(select(RegionRecord.__table__).where(
                RegionRecord.level.in_([int(level) for level in levels])))}


def boundaries(session: Session) -> tuple[Boundary, ...]:
    """The real region boundaries the scenario gave, by code (none: drawn from the TPS)."""
    return tuple(
        Boundary(code, tuple(tuple(tuple((x, y) for x, y in ring) for ring in p)
                             for p in polygons))
        for code, polygons in session.execute(select(
            RegionBoundaryRecord.code, RegionBoundaryRecord.polygons)
            .order_by(RegionBoundaryRecord.code)))


def operation_settings(session: Session) -> OperationSettings:
    """The loaded scenario's orders settings (empty when it gave none)."""
    stored = session.scalars(select(ScenarioRecord.operation)).first()
    return OperationSettings.from_dict(stored or {})


def tps_ids(session: Session) -> set[str]:
    return set(session.scalars(select(TpsRecord.tps_id)))


def tps_kecamatan(session: Session) -> dict[str, str]:
    """TPS id -> the code of the kecamatan its desa lies in."""
    return {t: ancestor_at(d, RegionLevel.KECAMATAN)
            for t, d in session.execute(select(TpsRecord.tps_id, TpsRecord.desa_code))}


def tps_places(session: Session, ids: Iterable[str]) -> dict[str, tuple[int, str]]:
    """TPS id -> (its number, its desa's code), for the TPS in ``ids``: what a report names a
    TPS by ("TPS 002 Renah Kayu Embun")."""
    wanted = sorted(set(ids))
    return {t: (n, d) for t, n, d in session.execute(
        select(TpsRecord.tps_id, TpsRecord.number, TpsRecord.desa_code)
        .where(TpsRecord.tps_id.in_(wanted)))} if wanted else {}


def events(session: Session) -> list[RiskEvent]:
    return [RiskEvent(e.event_id, e.kind, e.lat, e.lon, e.occurred_on, e.severity,
                      e.description)
            for e in session.scalars(select(RiskEventRecord).order_by(RiskEventRecord.event_id))]


def area_scores(session: Session) -> dict[str, float]:
    return dict(session.execute(select(AreaScoreRecord.region_code, AreaScoreRecord.score)).all())


def observations(session: Session) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for tps_id, indicator, value in session.execute(select(
            TpsIndicatorRecord.tps_id, TpsIndicatorRecord.indicator, TpsIndicatorRecord.value)):
        out[tps_id][indicator] = value
    return dict(out)


def set_observations(session: Session, per_tps: dict[str, dict[str, float]]) -> int:
    """Set the given indicators of the given TPS (0 clears one); returns how many changed."""
    rows = session.scalars(select(TpsIndicatorRecord).where(
        TpsIndicatorRecord.tps_id.in_(list(per_tps)))).all()
    current = {(r.tps_id, r.indicator): r for r in rows}
    changed = 0
    for tps_id, values in sorted(per_tps.items()):
        for indicator, value in sorted(values.items()):
            rec = current.get((tps_id, indicator))
            if value > 0 and rec is None:
                session.add(TpsIndicatorRecord(tps_id=tps_id, indicator=indicator, value=value))
            elif value > 0 and rec is not None and rec.value != value:
                rec.value = value
            elif value <= 0 and rec is not None:
                session.delete(rec)
            else:
                continue
            changed += 1
    return changed


def summary(session: Session) -> ScenarioSummary:
    """The headline counts, computed by the database."""
    def count(stmt) -> int:  # type: ignore[no-untyped-def]
        return int(session.scalar(stmt) or 0)

    per_level = dict(session.execute(
        select(RegionRecord.level, func.count()).group_by(RegionRecord.level)).all())
    per_kind = dict(session.execute(
        select(UnitRecord.kind, func.count()).group_by(UnitRecord.kind)).all())
    return ScenarioSummary(
        kabkota=per_level.get(int(RegionLevel.KABKOTA), 0),
        kecamatan=per_level.get(int(RegionLevel.KECAMATAN), 0),
        desa=per_level.get(int(RegionLevel.DESA), 0),
        tps=count(select(func.count()).select_from(TpsRecord)),
        voters=count(select(func.coalesce(func.sum(TpsRecord.voters), 0))),
        polres=per_kind.get(UnitKind.POLRES, 0),
        polsek=per_kind.get(UnitKind.POLSEK, 0),
        polri=count(select(func.count()).select_from(OfficerRecord)),
        tni=count(select(func.coalesce(func.sum(TniStrengthRecord.personnel), 0))),
        linmas=count(select(func.coalesce(func.sum(LinmasStrengthRecord.personnel), 0))),
    )


def summary_by_kabkota(session: Session) -> list[tuple[str, str, int, int]]:
    """(code, name, TPS, voters) per kab/kota, for the demo's table."""
    rows = session.execute(
        select(RegionRecord.code, RegionRecord.name, func.count(TpsRecord.tps_id),
               func.coalesce(func.sum(TpsRecord.voters), 0))
        .join(TpsRecord, TpsRecord.kabkota_code == RegionRecord.code, isouter=True)
        .where(RegionRecord.level == int(RegionLevel.KABKOTA))
        .group_by(RegionRecord.code, RegionRecord.name).order_by(RegionRecord.code)).all()
    return [(c, n, int(t), int(v or 0)) for c, n, t, v in rows]


def strength_by_polres(session: Session) -> list[tuple[str, str, int, int, int]]:
    """(code, name, TPS, officers, of them BKO) per Polres: the Polres HQ and its Polsek."""
    parent = dict(session.execute(select(UnitRecord.code, UnitRecord.parent_code)).all())
    kind = dict(session.execute(select(UnitRecord.code, UnitRecord.kind)).all())
    officers: dict[str, int] = defaultdict(int)
    bko: dict[str, int] = defaultdict(int)
    for unit_code, n, is_bko in session.execute(
            select(OfficerRecord.unit_code, func.count(), OfficerRecord.bko)
            .group_by(OfficerRecord.unit_code, OfficerRecord.bko)).all():
        polres = unit_code if kind[unit_code] == UnitKind.POLRES else parent.get(unit_code)
        if polres and kind.get(polres) == UnitKind.POLRES:
            officers[polres] += n
            bko[polres] += n if is_bko else 0
    tps_per_kab = dict(session.execute(select(TpsRecord.kabkota_code, func.count())
                                       .group_by(TpsRecord.kabkota_code)).all())
    out = []
    for u in units(session):
        if u.kind == UnitKind.POLRES:
            tps = sum(tps_per_kab.get(code, 0) for code in u.jurisdiction)
            out.append((u.code, u.name, tps, officers[u.code], bko[u.code]))
    return out


def officer_nrps(session: Session) -> set[str]:
    return set(session.scalars(select(OfficerRecord.nrp)))


def input_counts(session: Session) -> dict[str, int]:
    """Rows of the inputs an operation may still lack: contests (``races``), observed
    indicators, past events and area scores (``risk``: the last three together), and the
    TNI units (``tni_units``); what ``pollguard summary`` says is still missing."""
    def count(table: type) -> int:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)

    return {"races": count(RaceRecord),
            "risk": count(TpsIndicatorRecord) + count(RiskEventRecord) + count(AreaScoreRecord),
            "tni_units": int(session.scalar(select(func.count()).select_from(UnitRecord).where(
                UnitRecord.kind.in_([UnitKind.KOREM, UnitKind.KODIM]))) or 0)}
