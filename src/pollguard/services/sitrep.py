"""The situation report (laporan situasi): what a Posko sends up at each reporting time.

One picture of the operation at ``as_of``, built from the live-operations services only:

- **status per Polres**: TPS per phase of the day (``pollguard.services.field_reports.progress``),
  with the open incidents per severity;
- **incidents**, open and closed, with kind, TPS, status, level, age and whether verified
  (``pollguard.services.incidents.listing``);
- **dispatches**: each unit sent, its officers and where it stands;
- **force available**: reserve teams per status for each Polres and the Polda pool, and the
  Polres whose available reserve fell below its floor with the BKO the Polda could send
  (``pollguard.services.incidents.units``);
- a **header**: the time of the report, the plan and assessment versions in force, who made it.

The report itself is pure data (``pollguard.operations.sitrep``): ``pollguard.reports.sitrep``
writes it as a PDF or JSON, the API and the CLI filter nothing afterwards. What a reader may
not see is left out here: ``personnel=False`` drops every NRP and operator name,
``reserves=False`` every dispatch, the force table and the floor warnings; ``tps_ids`` limits
the report to a jurisdiction (and then the Polda pool and the floor warnings, which are the
Polda's business, are left out too).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from pollguard.domain.command import POOL
from pollguard.domain.forces import UnitKind as CommandKind
from pollguard.domain.names import post_name
from pollguard.domain.regions import KECAMATAN_NAMES, RegionLevel, ancestor_at
from pollguard.domain.timezone import WIB
from pollguard.operations.incidents import told
from pollguard.operations.reinforcement import UnitStatus
from pollguard.operations.sitrep import (
    BkoOption,
    DispatchLine,
    FloorLine,
    ForceLine,
    Header,
    IncidentLine,
    PolresStatus,
    Sitrep,
)
from pollguard.services import field_reports, incidents
from pollguard.store import assessments, plans
from pollguard.store import repository as repo
from pollguard.store.database import Database
from pollguard.store.uow import UnitOfWork

__all__ = ["situation"]




def _aware(t: dt.datetime) -> dt.datetime:
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def situation(*, db: Database, ctx: incidents.LiveContext | None = None,
              as_of: dt.datetime | None = None, tps_ids: Collection[str] | None = None,
              personnel: bool = True, reserves: bool = True, made_by: str = "",
              unit_code: str | None = None) -> Sitrep:
    """The situation at ``as_of`` (now by default) over ``tps_ids`` (every TPS when None),
    under the plan in force (``ctx``: read from the database when None). ``made_by`` is who
    asks for it; ``unit_code`` the unit whose jurisdiction ``tps_ids`` is (named in the
    header)."""
    ctx = ctx or incidents.load_context(db=db)
    now = _aware(as_of or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    chosen = frozenset(tps_ids) if tps_ids is not None else None
    with UnitOfWork(db) as uow:
        s = uow.session
        info = repo.current_info(s)
        units = repo.units(s)
        plan = plans.info(s, ctx.plan_id) if ctx.plan_id else None
        assessment_id = assessments.latest_id(s)
        assessment = assessments.info(s, assessment_id) if assessment_id else None
    views = incidents.listing(db=db, policy=ctx.escalation, tps_ids=chosen)
    with UnitOfWork(db) as uow:
        places = repo.tps_places(uow.session, {v.incident.tps_id for v in views})
        region = repo.region_names(uow.session) if places else {}
    levels = info.levels if info else KECAMATAN_NAMES
    names = {u.code: u.name for u in units}
    names[POOL] = next((u.name for u in units if u.kind == CommandKind.POLDA), "Polda")
    header = Header(
        as_of=now,
        operation=info.operation if info else "",
        scenario=info.name if info else "", voting_date=info.voting_date if info else None,
        plan_id=ctx.plan_id, plan_created_at=_aware(plan.created_at) if plan else None,
        plan_assessment_id=plan.assessment_id if plan else None,
        assessment_id=assessment_id, assessment_as_of=assessment.as_of if assessment else None,
        made_by=made_by, whole=chosen is None, jurisdiction_code=unit_code,
        jurisdiction=names.get(unit_code, unit_code) if unit_code else names[POOL],
        personnel=personnel, reserves=reserves, zone=info.zone if info else WIB)

    board = field_reports.progress(db=db, tps_ids=chosen, region_of=ctx.polres_of)
    total = _status("", "", board.total)
    per_polres = tuple(_status(code, names.get(code, code), p)
                       for code, p in board.regions.items())

    kinds = ctx.kinds
    lines = []
    for v in views:
        inc = v.incident
        kind = kinds.get(inc.kind)
        age = int((now - _aware(inc.reported_at)).total_seconds() // 60)
        number, desa = places.get(inc.tps_id, (0, ""))
        kec = ancestor_at(desa, RegionLevel.KECAMATAN) if desa else ""
        lines.append(IncidentLine(
            id=inc.id, tps_id=inc.tps_id, polres_code=v.polres_code,
            polres_name=names.get(v.polres_code, v.polres_code), kind=inc.kind,
            kind_label_id=kind.label_id if kind else inc.kind,
            kind_label_en=kind.label_en if kind else inc.kind, severity=inc.severity,
            status=inc.status, level=inc.level, verified=v.verified,
            reported_at=_aware(inc.reported_at), age_min=max(age, 0),
            reported_by=inc.reported_by if personnel else None,
            units_sent=len(v.dispatches) if reserves else None, text=inc.text,
            tps_name=f"TPS {number:03d} {region.get(desa, desa)}" if desa else "",
            kecamatan=levels.of(region[kec]) if kec in region else "",
            notes=tuple(dict.fromkeys(n for st in inc.history[1:] if (n := told(st))))))
    lines.sort(key=lambda i: (not i.open, -i.severity, i.reported_at, i.id))
    if not reserves:
        return Sitrep(header, total, per_polres, tuple(lines), names=names)

    got = incidents.units(db=db, ctx=ctx)
    team_of = {st.team.team_id: st.team for st in got.teams}
    tps_of = {v.incident.id: (v.incident.tps_id, v.polres_code) for v in views}
    posts = {p.post_id: p for p in ctx.board.posts}  # borrowed officers: named by their post
    sent = sorted((d for v in views for d in v.dispatches),
                  key=lambda d: (d.status == UnitStatus.AVAILABLE, d.history[0].at, d.id))
    dispatches = tuple(DispatchLine(
        id=d.id, incident_id=d.incident_id, tps_id=tps_of[d.incident_id][0],
        polres_code=tps_of[d.incident_id][1], unit_id=d.unit_id, kind=d.kind,
        officers=d.officers, status=d.status, since=_aware(d.history[-1].at),
        dispatched_by=d.history[0].by if personnel else None,
        unit_name=team_of[d.unit_id].call_sign if d.unit_id in team_of else (
            post_name(post, ctx.tps, region) if (post := posts.get(d.unit_id)) else ""),
        owner_code=team_of[d.unit_id].owner_code if d.unit_id in team_of else "")
        for d in sent)

    in_view = None if chosen is None else {ctx.polres_of.get(t, "") for t in chosen}
    teams: dict[str, list[incidents.TeamState]] = {}
    for st in got.teams:
        owner = st.team.owner_code
        if in_view is None or owner in in_view:
            teams.setdefault(owner, []).append(st)
    order = sorted(teams, key=lambda c: (c == POOL, c))
    force = tuple(ForceLine(
        code=c, name=names.get(c, c), teams=len(teams[c]),
        officers=sum(st.team.size for st in teams[c]),
        by_status={u: sum(1 for st in teams[c] if st.status == u) for u in UnitStatus},
        officers_available=sum(st.team.size for st in teams[c]
                               if st.status == UnitStatus.AVAILABLE)) for c in order)
    floors = () if chosen is not None else tuple(FloorLine(
        code=w.polres_code, name=names.get(w.polres_code, w.polres_code), available=w.available,
        planned=w.planned, floor=w.floor,
        bko=tuple(BkoOption(o.team_id, o.size, round(o.minutes, 1), round(o.km, 2))
                  for o in w.bko)) for w in got.floor_warnings)
    return Sitrep(header, total, per_polres, tuple(lines), dispatches, force, floors, names)


def _status(code: str, name: str, p: field_reports.Progress) -> PolresStatus:
    return PolresStatus(code=code, name=name, tps=p.tps, not_reported=p.not_reported,
                        phases=dict(p.phases), open_incidents=dict(p.incidents_by_severity))

