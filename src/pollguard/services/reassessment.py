"""Risk follows verified incidents: when an operator confirms an incident happened, risk is
assessed again (a new assessment version) with every verified incident as a spillover event
around its TPS, under the profile of the latest assessment."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace

from pollguard.domain.risk import RiskClass, RiskEvent
from pollguard.domain.timezone import WIB
from pollguard.operations.events import AssessmentEvent, ClassChange
from pollguard.operations.incidents import Incident, catalogue
from pollguard.profile import dump_profile
from pollguard.profile.model import parse_profile
from pollguard.profile.operations import IncidentKind
from pollguard.risk.scoring import assess, inputs_of
from pollguard.services.live import NotFoundError, record
from pollguard.store import assessments
from pollguard.store import incidents as store
from pollguard.store import repository as repo
from pollguard.store.uow import UnitOfWork

__all__ = ["reassess", "risk_events"]


def risk_events(incidents: Sequence[Incident], kinds: Mapping[str, IncidentKind],
                as_of: dt.date, zone: dt.timezone = WIB) -> list[RiskEvent]:
    """Verified incidents as risk events (those whose kind maps to an event kind). An incident
    after the assessed day (the voting day) counts as on it: the operation is assessed for
    that day, and its incidents weigh in full until a later assessment ages them. Its day is
    the one on the operation's clock (``zone``, the scenario's): an incident at 23.30 WIB is
    already the next day in Makassar."""
    out = []
    for inc in incidents:
        kind = kinds.get(inc.kind)
        if kind is None or kind.event is None or inc.lat is None or inc.lon is None:
            continue
        out.append(RiskEvent(f"incident:{inc.id}", kind.event, inc.lat, inc.lon,
                             min(inc.reported_at.astimezone(zone).date(), as_of),
                             inc.severity,
                             inc.text[:200]))
    return out


def reassess(uow: UnitOfWork, *, cause: Incident, actor: str,
             kinds: Mapping[str, IncidentKind] | None) -> tuple[int, tuple[ClassChange, ...]]:
    """A new assessment version with every verified incident as a spillover event, under the
    profile of the latest assessment, in ``uow``'s transaction; the TPS whose class it
    changed."""
    s = uow.session
    scenario = repo.load_scenario(s)
    latest = assessments.latest_id(s)
    info = assessments.info(s, latest) if latest else None
    if scenario is None or info is None:
        raise NotFoundError("no assessment to follow: run `pollguard risk assess` first")
    profile = parse_profile(info.profile_toml)
    cat = kinds if kinds is not None else catalogue(profile.operations.incident_kinds)
    verified = store.verified_incidents(s)
    day = info.as_of
    events = risk_events(verified, cat, day, scenario.info.zone)
    base = inputs_of(scenario, day)
    inputs = replace(base, events=[e for e in base.events
                                   if not e.event_id.startswith("incident:")] + events)
    risks = assess(profile, inputs)
    before = assessments.results(s, info.id)
    new_id = assessments.save(s, as_of=day, profile_id=profile.profile.id,
                              profile_toml=dump_profile(profile),
                              note=f"after verified incident {cause.id} at TPS {cause.tps_id}",
                              risks=risks)
    changes = tuple(ClassChange(r.tps_id, before[r.tps_id].risk_class if r.tps_id in before
                                else None, r.risk_class)
                    for r in risks if r.tps_id not in before
                    or before[r.tps_id].risk_class != r.risk_class)
    classes = Counter(r.risk_class for r in risks)
    record(s, actor, AssessmentEvent(
        assessment=new_id, as_of=day, profile=profile.profile.id, cause=f"incident {cause.id}",
        assessment_id=new_id, classes={k: classes.get(k, 0) for k in RiskClass},
        reclassified=changes))
    return new_id, changes
