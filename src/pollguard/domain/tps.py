"""Polling stations (TPS, Tempat Pemungutan Suara)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from annotated_types import Ge, Le

from pollguard.domain.regions import RegionLevel, digits, is_region_code, level_of

#: KPU numbers special-location TPS (prisons, hospitals...) from 901 up.
SPECIAL_NUMBER_START = 901


class LocationType(StrEnum):
    REGULAR = "regular"
    PRISON = "prison"  # lapas
    DETENTION_CENTRE = "detention_centre"  # rutan
    HOSPITAL = "hospital"
    CARE_HOME = "care_home"  # panti
    RELOCATION_SITE = "relocation_site"  # disaster relocation / refugee site
    SPECIAL_OTHER = "special_other"  # numbered 901+ by KPU, kind not given

    @property
    def is_special(self) -> bool:
        return self is not LocationType.REGULAR

    @property
    def label_id(self) -> str:
        return _LOCATION_LABELS[self][0]

    @property
    def label_en(self) -> str:
        return _LOCATION_LABELS[self][1]


_LOCATION_LABELS = {
    LocationType.REGULAR: ("TPS reguler", "regular TPS"),
    LocationType.PRISON: ("lembaga pemasyarakatan (lapas)", "prison"),
    LocationType.DETENTION_CENTRE: ("rumah tahanan (rutan)", "detention centre"),
    LocationType.HOSPITAL: ("rumah sakit", "hospital"),
    LocationType.CARE_HOME: ("panti sosial", "care home"),
    LocationType.RELOCATION_SITE: ("lokasi relokasi/pengungsian", "relocation site"),
    LocationType.SPECIAL_OTHER: ("lokasi khusus", "special location"),
}


class Election(StrEnum):
    PILKADA = "pilkada"  # regional head election
    PEMILU = "pemilu"  # national election


#: The KPU puts two Linmas (its TPS order keepers) at every TPS.
LINMAS_PER_TPS = 2

#: Registered-voter cap per TPS set by KPU for each election.
MAX_VOTERS = {Election.PILKADA: 600, Election.PEMILU: 300}


def tps_id_for(desa_code: str, number: int) -> str:
    """KPU's TPS id: the 10-digit desa code followed by the 3-digit TPS number."""
    return f"{digits(desa_code)}{number:03d}"


@dataclass(frozen=True, slots=True)
class PollingStation:
    tps_id: str
    desa_code: str
    number: Annotated[int, Ge(1), Le(999)]
    voters: Annotated[int, Ge(0)] | None
    lat: Annotated[float, Ge(-90), Le(90)]
    lon: Annotated[float, Ge(-180), Le(180)]
    location_type: LocationType = LocationType.REGULAR

    @property
    def is_special(self) -> bool:
        return self.location_type.is_special


def tps_problems(tps: PollingStation, *, max_voters: int) -> list[tuple[str, str]]:
    """Rules that span fields: (field, reason) for each one broken."""
    problems: list[tuple[str, str]] = []
    if not is_region_code(tps.desa_code) or level_of(tps.desa_code) != RegionLevel.DESA:
        problems.append(("desa_code", f"not a desa/kelurahan code: {tps.desa_code!r}"))
    elif tps.tps_id != tps_id_for(tps.desa_code, tps.number):
        problems.append(("tps_id", f"{tps.tps_id!r} should be desa digits + 3-digit number: "
                                   f"{tps_id_for(tps.desa_code, tps.number)!r}"))
    if tps.voters is not None and tps.voters > max_voters:
        problems.append(("voters", f"{tps.voters} voters exceeds the cap of {max_voters} per TPS"))
    special_number = tps.number >= SPECIAL_NUMBER_START
    if tps.is_special and not special_number:
        problems.append(("number", f"special-location TPS ({tps.location_type.value}) are "
                                   f"numbered {SPECIAL_NUMBER_START}+"))
    if special_number and not tps.is_special:
        problems.append(("location_type", f"TPS number {tps.number} is a special-location "
                                          "number but location_type is regular"))
    return problems
