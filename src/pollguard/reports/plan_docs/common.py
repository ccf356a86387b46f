"""What the plan documents share: the colours of the classes and the map's points (from
``reports.colours``), the names
of roles and duties, the guarding pattern a post is written with, coordinates, and the file
stem of each unit's documents."""

from __future__ import annotations

import re

from pollguard.domain.command import POOL
from pollguard.domain.plan import DutyKind, Post, Role
from pollguard.domain.risk import RiskClass
from pollguard.planning.view import PlanView
from pollguard.reports.colours import (  # noqa: F401 - the plan documents' colours
    CLASS_COLOUR,
    CLASS_FILL,
    POST_COLOUR,
    RESERVE_COLOUR,
    TNI_COLOUR,
    UNKNOWN_COLOUR,
)

CLASS_ORDER = (RiskClass.SANGAT_RAWAN, RiskClass.KHUSUS, RiskClass.RAWAN,
               RiskClass.KURANG_RAWAN)  # severity order for tables

ROLE_LABEL = {Role.POST: "Pengamanan TPS", Role.DUTY: "Tugas", Role.RESERVE: "Cadangan",
              Role.COMMAND: "Komando dan Staf", Role.SUPERVISOR: "Perwira Pengawas (Pawas)"}
DUTY_LABEL = {DutyKind.KPU_OFFICE: "Pengamanan kantor KPU",
              DutyKind.BAWASLU_OFFICE: "Pengamanan kantor Bawaslu",
              DutyKind.PPK_OFFICE: "Pengamanan kantor PPK",
              DutyKind.WALPRI: "Pengawalan pribadi (walpri)",
              DutyKind.ESCORT: "Pengawalan logistik"}


def pattern(post: Post) -> str:
    """The pola a-b-c the post is guarded by: officers, the pattern's TPS (its N for kurang
    rawan), and the Linmas the pattern puts at that many TPS. The Linmas actually at a post
    with fewer TPS than N is ``post.linmas``, reported beside it."""
    per_tps = post.linmas // len(post.tps_ids) if post.tps_ids else 0
    return f"{post.officers}-{post.n}-{post.n * per_tps}"


def coord(lat: float, lon: float) -> str:
    return f"{lat:.6f}, {lon:.6f}"


def class_label(c: RiskClass | None) -> str:
    """A class's Indonesian name, or "tidak diketahui" for a TPS the plan has no class of."""
    return c.label_id if c else "tidak diketahui"


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "unit"


def file_stems(ix: PlanView) -> dict[str, str]:
    """Owner -> file stem: ``polres_kerinci`` from its name, ``polda`` for the pool."""
    stems: dict[str, str] = {}
    for p in ix.polres:
        stem = _slug(p.name)
        stems[p.code] = stem if stem not in stems.values() else _slug(p.code)
    stems[POOL] = "polda"
    return stems
