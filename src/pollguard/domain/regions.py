"""The Kemendagri region hierarchy: province > kab/kota > kecamatan > desa/kelurahan.

Regions are keyed by dotted codes (``15``, ``15.01``, ``15.01.01``, ``15.01.01.2001``); the code
alone says the level and the parent, so neither is stored twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Annotated

from annotated_types import Ge, Le

_CODE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")


class RegionLevel(IntEnum):
    PROVINCE = 1
    KABKOTA = 2
    KECAMATAN = 3
    DESA = 4


class RegionKind(StrEnum):
    """What Kemendagri calls the region; ``kota``/``kelurahan`` are urban, the others rural."""

    PROVINSI = "provinsi"
    KABUPATEN = "kabupaten"
    KOTA = "kota"
    KECAMATAN = "kecamatan"
    DISTRIK = "distrik"  # Papua's kecamatan
    KELURAHAN = "kelurahan"
    DESA = "desa"
    DESA_ADAT = "desa_adat"

    @property
    def level(self) -> RegionLevel:
        return _KIND_LEVEL[self]


_KIND_LEVEL = {
    RegionKind.PROVINSI: RegionLevel.PROVINCE,
    RegionKind.KABUPATEN: RegionLevel.KABKOTA,
    RegionKind.KOTA: RegionLevel.KABKOTA,
    RegionKind.KECAMATAN: RegionLevel.KECAMATAN,
    RegionKind.DISTRIK: RegionLevel.KECAMATAN,
    RegionKind.KELURAHAN: RegionLevel.DESA,
    RegionKind.DESA: RegionLevel.DESA,
    RegionKind.DESA_ADAT: RegionLevel.DESA,
}


def is_region_code(code: str) -> bool:
    return bool(_CODE.match(code))


def level_of(code: str) -> RegionLevel:
    """The level a dotted code names; raises ``ValueError`` for a malformed code."""
    if not is_region_code(code):
        raise ValueError(f"not a Kemendagri region code: {code!r} (expected e.g. 15.01.01.2001)")
    return RegionLevel(code.count(".") + 1)


def parent_of(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None


def ancestor_at(code: str, level: RegionLevel) -> str:
    """The code of the region at ``level`` that contains ``code`` (itself at its own level)."""
    parts = code.split(".")
    if level > len(parts):
        raise ValueError(f"{code} is above level {level.name}")
    return ".".join(parts[: int(level)])


def digits(code: str) -> str:
    """The undotted form used inside KPU TPS ids: ``15.01.01.2001`` -> ``1501012001``."""
    return code.replace(".", "")


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name: str
    kind: RegionKind
    lat: Annotated[float, Ge(-90), Le(90)]
    lon: Annotated[float, Ge(-180), Le(180)]
    area_km2: Annotated[float, Ge(0)] | None = None

    @property
    def level(self) -> RegionLevel:
        return level_of(self.code)

    @property
    def parent_code(self) -> str | None:
        return parent_of(self.code)

    @property
    def is_urban(self) -> bool:
        return self.kind in (RegionKind.KOTA, RegionKind.KELURAHAN)


def urban_desa(regions: Iterable[Region]) -> frozenset[str]:
    """Desa/kelurahan that count as town: every kelurahan, and every desa of a kota."""
    kota = {r.code for r in regions if r.kind == RegionKind.KOTA}
    return frozenset(r.code for r in regions if r.level == RegionLevel.DESA and (
        r.kind == RegionKind.KELURAHAN or ancestor_at(r.code, RegionLevel.KABKOTA) in kota))


def region_problems(region: Region) -> list[tuple[str, str]]:
    """Rules that span fields: (field, reason) for each one broken."""
    if not is_region_code(region.code):
        return [("code", f"not a Kemendagri region code: {region.code!r}")]
    if region.kind.level != region.level:
        return [("kind", f"{region.kind.value} is a level-{int(region.kind.level)} kind "
                         f"but {region.code} is a level-{int(region.level)} code")]
    return []
