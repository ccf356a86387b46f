"""How Polri names its commands after the regions they guard: the Polda after its province,
a Polres after its kab/kota (Polres, Polresta, Polres ... Kota, Polres Metro). One definition
for every builder (the national scenario, ``scenario init``), so that a unit a Polda's roster
names by its Polri name is the unit the scenario holds."""

from __future__ import annotations

from collections.abc import Sequence

from pollguard.domain.regions import RegionKind
from pollguard.scenario import kemendagri

#: Polda whose names are not "Polda <province>".
POLDA_NAMES = {"31": "Polda Metro Jaya", "34": "Polda DIY"}
_PREFIXES = ("Kabupaten Administrasi ", "Kota Administrasi ", "Kabupaten ", "Kota ")


def short_name(name: str) -> str:
    """A kab/kota's name without its kind: "Kerinci" of "Kabupaten Kerinci"."""
    for prefix in _PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def polda_name(province_code: str) -> str:
    """"Polda Gorontalo"; "Polda Metro Jaya" for Jakarta, "Polda DIY" for Yogyakarta."""
    return POLDA_NAMES.get(province_code,
                           f"Polda {kemendagri.official_regions(province_code)[0].name}")


def polres_name(province_code: str, kab: kemendagri.OfficialRegion,
                siblings: Sequence[kemendagri.OfficialRegion] = ()) -> str:
    """The Polres of a kab/kota as Polri usually names it: "Polres <name>" for a kabupaten,
    "Polresta <name>" for a kota, "Polres <name> Kota" for a kota that shares its name with a
    kabupaten of the province (``siblings``: Polres Gorontalo and Polres Gorontalo Kota, Polres
    Bima and Polres Bima Kota), "Polres Metro <name>" for Jakarta's kota. Whether a kota's
    Polres is a Polresta follows its size class, which the regions do not tell: a scenario
    names its own where the rule is wrong (``scenario init --jurisdiction``)."""
    short = short_name(kab.name)
    if kab.kind != RegionKind.KOTA:
        return f"Polres {short}"
    if province_code == "31":
        return f"Polres Metro {short}"
    twin = any(s.kind == RegionKind.KABUPATEN and short_name(s.name) == short for s in siblings)
    return f"Polres {short} Kota" if twin else f"Polresta {short}"
