"""Fixed duties that take officers before any TPS: offices, close protection, escorts."""

from __future__ import annotations

from pollguard.domain.command import POOL
from pollguard.domain.forces import UnitKind
from pollguard.domain.plan import Duty, DutyKind
from pollguard.domain.regions import RegionLevel, ancestor_at
from pollguard.planning.inputs import PlanInputs


def _even(n: int) -> int:
    return n + (n % 2)


#: The profile key (in ``[planning.duties]`` and ``[planning.duty_minimums]``) of each duty.
_KEY_OF = {"kpu": "kpu_office", "bawaslu": "bawaslu_office", "ppk": "ppk_office",
           "escort": "escort_per_ppk", "walpri": "walpri_per_pair"}


def duties(inputs: PlanInputs) -> list[Duty]:
    """Per the profile: KPU and Bawaslu offices of the province (Polda pool) and of each
    kab/kota (its Polres), each PPK office and its logistics escort (one per Polsek, that is
    per kecamatan, staffed by the Polres),
    and walpri for every candidate pair (the Polda for a governor race, else the Polres).
    A lent pool (one part of a split Polda, ``PlanInputs.lent_pool``) has none of its own."""
    d = inputs.planning.duties
    least = inputs.planning.duty_minimums
    polda = inputs.polda
    out: list[Duty] = []

    def add(duty_id: str, kind: DutyKind, owner: str, label: str, lat: float, lon: float,
            officers: int) -> None:
        if officers > 0 and not (owner == POOL and inputs.lent_pool):
            key = _KEY_OF[duty_id.split("-", 1)[0]]
            if key.endswith("_office"):
                key += "_province" if duty_id.endswith(f"-{province}") else "_kabkota"
            if duty_id.startswith("ppk-"):
                key = "ppk_office"
            minimum = min(_even(officers), _even(getattr(least, key)))
            out.append(Duty(duty_id, kind, owner, label, lat, lon, _even(officers), minimum))

    province = inputs.scenario.info.province_code
    add(f"kpu-{province}", DutyKind.KPU_OFFICE, POOL, "KPU Provinsi", polda.hq_lat,
        polda.hq_lon, d.kpu_office_province)
    add(f"bawaslu-{province}", DutyKind.BAWASLU_OFFICE, POOL, "Bawaslu Provinsi", polda.hq_lat,
        polda.hq_lon, d.bawaslu_office_province)
    names = {r.code: r.name for r in inputs.scenario.regions}
    for p in inputs.polres:
        for kab in p.jurisdiction:
            add(f"kpu-{kab}", DutyKind.KPU_OFFICE, p.code, f"KPU {names.get(kab, kab)}",
                p.hq_lat, p.hq_lon, d.kpu_office_kabkota)
            add(f"bawaslu-{kab}", DutyKind.BAWASLU_OFFICE, p.code,
                f"Bawaslu {names.get(kab, kab)}", p.hq_lat, p.hq_lon, d.bawaslu_office_kabkota)
    for u in inputs.scenario.units:
        if u.kind != UnitKind.POLSEK or not u.parent_code or not u.jurisdiction:
            continue
        kec = u.jurisdiction[0]
        add(f"ppk-{kec}", DutyKind.PPK_OFFICE, u.parent_code, f"PPK {names.get(kec, kec)}",
            u.hq_lat, u.hq_lon, d.ppk_office)
        add(f"escort-{kec}", DutyKind.ESCORT, u.parent_code,
            f"Pengawalan logistik PPK {names.get(kec, kec)}", u.hq_lat, u.hq_lon,
            d.escort_per_ppk)
    for race in inputs.races:
        if race.region_code.count(".") == 0:
            owner, lat, lon = POOL, polda.hq_lat, polda.hq_lon
        else:
            kab = ancestor_at(race.region_code, RegionLevel.KABKOTA)
            unit = inputs.units[inputs.polres_of_kab[kab]]
            owner, lat, lon = unit.code, unit.hq_lat, unit.hq_lon
        for pair in range(1, race.pairs + 1):
            add(f"walpri-{race.race_id}-{pair}", DutyKind.WALPRI, owner,
                f"Walpri {race.office} {names.get(race.region_code, race.region_code)} "
                f"paslon {pair}", lat, lon, d.walpri_per_pair)
    return out
