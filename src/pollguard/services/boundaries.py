"""Real region boundaries for an operation already loaded: a Polda that gets BIG's or
Kemendagri's polygons after it has planned adds them without reloading its scenario (which
would drop its assessments and plans). The map, the risk map and the plan PDF draw them from
then on; planning does not read them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pollguard.domain.boundary import BOUNDARY_LEVELS
from pollguard.scenario.boundaries import read_boundaries
from pollguard.scenario.problems import InvalidInputError, Problem
from pollguard.store import audit
from pollguard.store import repository as repo
from pollguard.store.database import Database
from pollguard.store.uow import UnitOfWork


@dataclass(frozen=True)
class BoundaryImport:
    regions: int  # kab/kota and kecamatan with a boundary now
    replaced: int  # how many the operation had before
    warnings: tuple[Problem, ...] = ()


def import_boundaries(*, db: Database, path: Path, actor: str = "cli") -> BoundaryImport:
    """Replace the loaded scenario's boundaries with those of ``path`` (the format of a
    scenario's ``boundaries.geojson``), all or nothing, with an audit entry
    (``import.boundaries``: the file, its SHA-256 and features, what it replaced)."""
    data = path.read_bytes()
    with UnitOfWork(db) as uow:
        if repo.current_info(uow.session) is None:
            raise InvalidInputError([Problem(path.name, 1, "-", "the database holds no scenario: "
                                             "run `pollguard scenario load DIR` first")])
        read = read_boundaries(data, repo.regions_at(uow.session, BOUNDARY_LEVELS),
                               file=path.name, where="the loaded scenario")
        if read.problems:
            raise InvalidInputError(read.problems)
        replaced = repo.replace_boundaries(uow.session, read.boundaries)
        audit.append(uow.session, actor=actor, action="import.boundaries", subject=path.name,
                     detail={"file": audit.file_detail(path.name, data, read.features),
                             "regions": len(read.boundaries), "replaced": replaced,
                             "warnings": len(read.warnings)})
    return BoundaryImport(len(read.boundaries), replaced, tuple(read.warnings))
