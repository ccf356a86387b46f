"""Vulnerability use cases: assess, show, compare, import observations, export, calibrate."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pollguard.domain.risk import AssessmentInfo, RiskClass, TpsRisk
from pollguard.domain.scenario import Scenario
from pollguard.i18n.refusals import ErrorCode, RefusedError
from pollguard.operations.events import AssessmentEvent
from pollguard.profile import dump_profile, load_profile
from pollguard.profile.model import IndicatorType
from pollguard.reports import risk_map
from pollguard.risk.calibrate import Calibration, calibrate
from pollguard.risk.diff import ClassChange, class_changes
from pollguard.risk.scoring import assess, inputs_of, unknown_codes
from pollguard.risk.view import AssessedScenario
from pollguard.scenario.importers import read_observation_form
from pollguard.services.live import record
from pollguard.store import assessments, audit
from pollguard.store import repository as repo
from pollguard.store.database import Database
from pollguard.store.uow import UnitOfWork


class NoScenarioError(RefusedError, LookupError):
    """The database holds no scenario (or no assessment) to work on."""


@dataclass(frozen=True)
class AssessmentOutcome:
    assessment_id: int
    assessed: int
    classes: dict[RiskClass, int]
    as_of: dt.date
    profile_id: str
    ignored: dict[str, int]  # codes in the data that the profile does not know

    def as_json(self) -> dict[str, object]:
        return {"assessment_id": self.assessment_id, "assessed": self.assessed,
                "classes": {k.value: self.classes.get(k, 0) for k in RiskClass},
                "as_of": self.as_of.isoformat(), "profile": self.profile_id,
                "ignored_codes": self.ignored}


def _scenario(uow: UnitOfWork) -> Scenario:
    scenario = repo.load_scenario(uow.session)
    if scenario is None:
        raise NoScenarioError(code=ErrorCode.NO_SCENARIO)
    return scenario


def run_assessment(*, db: Database, profile: Path | None = None, as_of: dt.date | None = None,
                   note: str = "", actor: str = "cli") -> AssessmentOutcome:
    """Score and classify every TPS and store the result as a new assessment version.
    ``as_of`` defaults to the scenario's voting day: risk is assessed for that day."""
    chosen = load_profile(profile)
    with UnitOfWork(db) as uow:
        scenario = _scenario(uow)
        day = as_of or scenario.info.voting_date
        inputs = inputs_of(scenario, day)
        risks = assess(chosen, inputs)
        assessment_id = assessments.save(uow.session, as_of=day, profile_id=chosen.profile.id,
                                         profile_toml=dump_profile(chosen), note=note,
                                         risks=risks)
        classes = Counter(r.risk_class for r in risks)
        record(uow.session, actor, AssessmentEvent(
            assessment=assessment_id, as_of=day, profile=chosen.profile.id,
            classes={k: classes.get(k, 0) for k in RiskClass}))
    return AssessmentOutcome(assessment_id, len(risks), {k: classes.get(k, 0) for k in RiskClass},
                             day, chosen.profile.id, unknown_codes(chosen, inputs))


def load_assessed(*, db: Database, assessment_id: int | None = None) -> AssessedScenario:
    with UnitOfWork(db) as uow:
        scenario = _scenario(uow)
        chosen = assessment_id or assessments.latest_id(uow.session)
        found = assessments.info(uow.session, chosen) if chosen else None
        if found is None:
            raise NoScenarioError(f"no assessment {assessment_id}" if assessment_id else
                                  "no assessment yet: run `pollguard risk assess` first")
        return AssessedScenario(found, scenario, assessments.results(uow.session, found.id))


def export_map(*, db: Database, fmt: str, out: Path,
               assessment_id: int | None = None) -> list[Path]:
    """Write the vulnerability map of an assessment (the latest by default) as files."""
    return risk_map.export(load_assessed(db=db, assessment_id=assessment_id), fmt, out)


def listing(*, db: Database) -> list[AssessmentInfo]:
    """Every stored assessment, oldest first."""
    with UnitOfWork(db) as uow:
        return assessments.listing(uow.session)


def results(*, db: Database, assessment_id: int) -> dict[str, TpsRisk]:
    """Each TPS's score, class and reasons in assessment ``assessment_id``."""
    with UnitOfWork(db) as uow:
        if assessments.info(uow.session, assessment_id) is None:
            raise NoScenarioError(f"no assessment {assessment_id}")
        return assessments.results(uow.session, assessment_id)


def compare(*, db: Database, before: int, after: int) -> list[ClassChange]:
    """TPS whose class differs between two assessments, with the reasons gained and lost."""
    with UnitOfWork(db) as uow:
        for n in (before, after):
            if assessments.info(uow.session, n) is None:
                raise NoScenarioError(f"no assessment {n}")
        return class_changes(assessments.results(uow.session, before),
                             assessments.results(uow.session, after))


@dataclass(frozen=True)
class ObservationImport:
    tps: int
    changed: int


def import_observations(*, db: Database, path: Path, profile: Path | None = None,
                        actor: str = "cli") -> ObservationImport:
    """Apply a Panwaslu observation form (CSV or XLSX) in one transaction: all rows or none,
    with an audit entry (``risk.import``: the file, its SHA-256 and rows, the values changed)."""
    chosen = load_profile(profile)
    kinds = {i.code: i.type is IndicatorType.FLAG for i in chosen.indicators}
    data = path.read_bytes()
    with UnitOfWork(db) as uow:
        tps_ids = repo.tps_ids(uow.session)
        values = read_observation_form(path, indicators=kinds, tps_ids=tps_ids, data=data)
        changed = repo.set_observations(uow.session, values)
        audit.append(uow.session, actor=actor, action="risk.import",
                     subject=path.name,
                     detail={"file": audit.file_detail(path.name, data, len(values)),
                             "profile": chosen.profile.id,
                             "indicators": sorted({c for v in values.values() for c in v}),
                             "changed": changed})
    return ObservationImport(len(values), changed)


def fit_thresholds(*, db: Database, shares: Mapping[str, float], profile: Path | None = None,
                   out: Path) -> Calibration:
    """Fit the profile's thresholds to target class shares on the loaded scenario and write
    the fitted profile to ``out``."""
    unknown = set(shares) - {RiskClass.RAWAN.value, RiskClass.SANGAT_RAWAN.value}
    if unknown:
        raise ValueError(f"--share takes rawan and sangat_rawan, not {', '.join(sorted(unknown))}")
    chosen = load_profile(profile)
    with UnitOfWork(db) as uow:
        scenario = _scenario(uow)
        risks = assess(chosen, inputs_of(scenario, scenario.info.voting_date))
    fitted = calibrate(chosen, risks, rawan=shares.get("rawan", 0.0),
                       sangat_rawan=shares.get("sangat_rawan", 0.0))
    achieved = ", ".join(f"{k.value} {v:.2%}" for k, v in fitted.shares.items())
    described = fitted.profile.model_copy(update={"profile": fitted.profile.profile.model_copy(
        update={"id": f"{chosen.profile.id}-calibrated",
                "description": f"{chosen.profile.description} Thresholds fitted on "
                               f"{scenario.info.name} to {achieved}."})})
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(dump_profile(described), encoding="utf-8")
    return Calibration(described, fitted.shares)
