"""Command units and the forces they hold: Polri officers, TNI soldiers, Linmas volunteers.

Polri officers are individuals (plotted by name in the Sprin); TNI and Linmas are counted per
unit or desa, as the Polri plan only needs their numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Annotated

from annotated_types import Ge, Le

NRP_PATTERN = re.compile(r"^\d{8}$")


class UnitKind(StrEnum):
    POLDA = "polda"  # provincial police command
    POLRES = "polres"  # kab/kota police command (Polresta in a city)
    POLSEK = "polsek"  # kecamatan police post
    SATKER = "satker"  # a Polda directorate or unit (Sat Brimob, Dit Samapta...)
    KOREM = "korem"  # TNI area command
    KODIM = "kodim"  # TNI district command
    LINMAS = "linmas"  # local government's civil-defence office (Satpol PP/Linmas)

    @property
    def is_polri(self) -> bool:
        return self in (UnitKind.POLDA, UnitKind.POLRES, UnitKind.POLSEK, UnitKind.SATKER)

    @property
    def is_tni(self) -> bool:
        return self in (UnitKind.KOREM, UnitKind.KODIM)


#: Which kind of unit may sit under which (None: a top-level unit).
ALLOWED_PARENTS: dict[UnitKind, tuple[UnitKind | None, ...]] = {
    UnitKind.POLDA: (None,),
    UnitKind.POLRES: (UnitKind.POLDA,),
    UnitKind.POLSEK: (UnitKind.POLRES,),
    UnitKind.SATKER: (UnitKind.POLDA,),
    UnitKind.KOREM: (None,),
    UnitKind.KODIM: (UnitKind.KOREM,),
    UnitKind.LINMAS: (None,),
}


@dataclass(frozen=True, slots=True)
class CommandUnit:
    """A unit with a headquarters point and a jurisdiction (a set of region codes)."""

    code: str
    name: str
    kind: UnitKind
    parent_code: str | None
    hq_lat: Annotated[float, Ge(-90), Le(90)]
    hq_lon: Annotated[float, Ge(-180), Le(180)]
    jurisdiction: tuple[str, ...] = ()
    phone: str | None = None  # the unit's duty phone (its Posko on voting day), if given


class Rank(IntEnum):
    """Polri ranks, lowest first: tamtama, bintara, perwira pertama, menengah, tinggi."""

    BHARADA = 1
    BHARATU = 2
    BHARAKA = 3
    ABRIPDA = 4
    ABRIPTU = 5
    ABRIP = 6
    BRIPDA = 7
    BRIPTU = 8
    BRIGPOL = 9
    BRIPKA = 10
    AIPDA = 11
    AIPTU = 12
    IPDA = 13
    IPTU = 14
    AKP = 15
    KOMPOL = 16
    AKBP = 17
    KOMBES = 18
    BRIGJEN = 19
    IRJEN = 20
    KOMJEN = 21
    JENDERAL = 22

    @property
    def tier(self) -> str:
        """tamtama, bintara, pama (perwira pertama), pamen (menengah) or pati (tinggi)."""
        if self <= Rank.ABRIP:
            return "tamtama"
        if self <= Rank.AIPTU:
            return "bintara"
        if self <= Rank.AKP:
            return "pama"
        return "pamen" if self <= Rank.KOMBES else "pati"

    @property
    def is_perwira(self) -> bool:
        """An officer (Ipda and above): never one of a TPS guard pair."""
        return self >= Rank.IPDA

    @property
    def label(self) -> str:
        """How the rank is written on a Sprin: ``Bripka``, ``AKP``, ``Kombes``."""
        return _RANK_LABELS.get(self, self.name.capitalize())

    @classmethod
    def parse(cls, text: str) -> Rank:
        """Read a rank as rosters write it: ``BRIPKA``, ``Bripka``, ``Kombes Pol``, ``Brigadir``,
        ``Brigadir Polisi``."""
        key = re.sub(r"[^a-z]", "", text.lower())
        rank = _RANK_ALIASES.get(key) or _RANK_ALIASES.get(
            key.removesuffix("polisi").removesuffix("pol"))
        if rank is None:
            raise ValueError(f"unknown Polri rank {text!r} (expected one of "
                             f"{', '.join(r.label for r in cls)})")
        return rank


_RANK_LABELS = {
    Rank.AKP: "AKP",
    Rank.AKBP: "AKBP",
    Rank.KOMPOL: "Kompol",
    Rank.KOMBES: "Kombes",
}
_RANK_ALIASES = {r.name.lower(): r for r in Rank} | {
    "brigadir": Rank.BRIGPOL,
    "brigpol": Rank.BRIGPOL,
}


class Branch(StrEnum):
    """Fungsi: the branch an officer serves in, which decides the duties they usually take."""

    SAMAPTA = "samapta"  # patrol (formerly Sabhara)
    BRIMOB = "brimob"
    LANTAS = "lantas"  # traffic
    INTELKAM = "intelkam"  # intelligence
    RESKRIM = "reskrim"  # criminal investigation
    BINMAS = "binmas"  # community policing (Bhabinkamtibmas)
    RESNARKOBA = "resnarkoba"
    POLAIRUD = "polairud"  # water and air police
    PAMOBVIT = "pamobvit"  # protection of vital objects
    PROPAM = "propam"
    TAHTI = "tahti"  # custody
    SIUM = "sium"  # general staff (operations, logistics, administration)

    @classmethod
    def parse(cls, text: str) -> Branch:
        key = re.sub(r"[^a-z]", "", text.lower())
        for unit_prefix in ("sat", "dit"):  # "Sat Lantas", "Dit Reskrimum" name the branch too
            if key.startswith(unit_prefix) and key[len(unit_prefix):]:
                key = key[len(unit_prefix):]
                break
        key = _BRANCH_ALIASES.get(key, key)
        try:
            return cls(key)
        except ValueError:
            raise ValueError(f"unknown branch {text!r} (expected one of "
                             f"{', '.join(b.value for b in cls)})") from None


_BRANCH_ALIASES = {"sabhara": "samapta", "bhabinkamtibmas": "binmas", "polair": "polairud",
                   "reskrimum": "reskrim", "reskrimsus": "reskrim", "narkoba": "resnarkoba",
                   "umum": "sium", "staf": "sium"}


@dataclass(frozen=True, slots=True)
class Officer:
    """A Polri officer. ``unit_code`` commands them in the operation; ``home_unit_code`` is the
    unit whose headquarters is their home base. A BKO officer serves a unit not their own."""

    nrp: str
    name: str
    rank: Rank
    branch: Branch
    unit_code: str
    home_unit_code: str
    bko: bool = False
    phone: str | None = None  # personal data: only police roles may see it
    position: str = ""  # jabatan as the roster writes it ("Kapolsek Gunung Kerinci"), if given
    desa_code: str | None = None  # desa binaan of a Bhabinkamtibmas, if the roster names one


def officer_problems(officer: Officer) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    if not NRP_PATTERN.match(officer.nrp):
        problems.append(("nrp", f"NRP must be 8 digits, got {officer.nrp!r}"))
    if not officer.name.strip():
        problems.append(("name", "name is empty"))
    if officer.bko and officer.unit_code == officer.home_unit_code:
        problems.append(("bko", "a BKO officer serves a unit other than their home unit"))
    return problems


@dataclass(frozen=True, slots=True)
class ForceCount:
    """Personnel counted, not named: TNI soldiers per unit, Linmas per desa."""

    code: str  # a unit code (TNI) or a desa code (Linmas)
    personnel: Annotated[int, Ge(0)]
