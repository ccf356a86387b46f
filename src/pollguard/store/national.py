"""National plans in the database: the run, and per Polda its result and its recipe."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pollguard.domain.tps import Election
from pollguard.national.picture import NationalPicture
from pollguard.national.polda import PoldaResult
from pollguard.scenario.indonesia import KabKotaPoint, ProvinceCounts, ProvinceRecipe
from pollguard.store.tables import NationalPoldaRecord, NationalRunRecord


@dataclasses.dataclass(frozen=True)
class NationalRun:
    id: int
    created_at: dt.datetime
    total_tps: int
    seed: int
    geo: str | None
    engine: str
    seconds: float
    profile_toml: str


def save(session: Session, *, picture: NationalPicture, recipes: list[ProvinceRecipe],
         total_tps: int, seed: int, geo: str | None, engine: str, seconds: float,
         profile_toml: str) -> int:
    run = NationalRunRecord(created_at=dt.datetime.now(dt.UTC), total_tps=total_tps, seed=seed,
                            geo=geo, engine=engine, seconds=seconds, profile_toml=profile_toml)
    session.add(run)
    session.flush()
    recipe_of = {r.province_code: r for r in recipes}
    for r in picture.results:
        session.add(NationalPoldaRecord(
            run_id=run.id, province_code=r.province_code, name=r.name, ok=r.ok,
            error=r.error, recipe=recipe_json(recipe_of[r.province_code]),
            result={**dataclasses.asdict(r), "uncovered": list(r.uncovered)}))
    session.flush()
    return run.id


def recipe_json(recipe: ProvinceRecipe) -> dict[str, Any]:
    return {**dataclasses.asdict(recipe), "election": recipe.election.value}


def recipe_from(data: dict[str, Any]) -> ProvinceRecipe:
    fields = {**data, "election": Election(data["election"]),
              "kabkota": tuple(KabKotaPoint(**k) for k in data["kabkota"])}
    if "nrp_block" in fields:
        fields["nrp_block"] = tuple(fields["nrp_block"])
    if (counts := fields.get("counts")) is not None:
        fields["counts"] = ProvinceCounts(counts["level"], tuple(counts["codes"]),
                                          tuple(counts["tps"]), tuple(counts["special"]))
    return ProvinceRecipe(**fields)


def latest_id(session: Session) -> int | None:
    return session.scalar(select(func.max(NationalRunRecord.id)))


def run_info(session: Session, run_id: int) -> NationalRun | None:
    rec = session.get(NationalRunRecord, run_id)
    if rec is None:
        return None
    return NationalRun(rec.id, rec.created_at, rec.total_tps, rec.seed, rec.geo, rec.engine,
                       rec.seconds, rec.profile_toml)


def picture(session: Session, run_id: int) -> NationalPicture:
    rows = session.scalars(select(NationalPoldaRecord).where(
        NationalPoldaRecord.run_id == run_id).order_by(NationalPoldaRecord.province_code))
    return NationalPicture(tuple(_result(r.result) for r in rows))


def _result(stored: dict[str, Any]) -> PoldaResult:
    """A stored Polda result: its JSON lists back to tuples (a run stored before splitting
    existed has no ``task_seconds``)."""
    return PoldaResult(**{**stored, "uncovered": tuple(stored["uncovered"]),
                          "task_seconds": tuple(stored.get("task_seconds", ()))})


def recipe(session: Session, run_id: int, province_code: str) -> ProvinceRecipe | None:
    rec = session.get(NationalPoldaRecord, (run_id, province_code))
    return recipe_from(rec.recipe) if rec else None
