"""The head and foot every signed document of a unit shares: the kop, the operation, the
order's number and dates, the classification, the signature block, and which of these the
scenario left out and a default filled in.

One definition for the Sprin, its plotting annex (XLSX and PDF), the Rencana Pengamanan and
the change orders, so that the annex's "LAMPIRAN SURAT PERINTAH ... NOMOR ... TANGGAL ..."
says exactly what its Sprin says. The values come from the scenario's operation settings
(``pollguard.domain.orders``); a default is never silent: ``Heading.defaulted`` names every
field filled in, and the documents mark those for the Kabag Ops to check before signing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pollguard.domain.command import POOL
from pollguard.domain.forces import Officer, Rank, UnitKind
from pollguard.domain.orders import Signatory
from pollguard.domain.regions import RegionLevel
from pollguard.domain.timezone import zone_name
from pollguard.domain.tps import Election
from pollguard.planning.view import PlanView

NATIONAL = "KEPOLISIAN NEGARA REPUBLIK INDONESIA"
MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember")
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
#: What a blank the signing office fills in looks like on paper.
BLANK = "........"
#: The Dasar of an order the scenario gives none for: the laws every election order cites.
DEFAULT_BASES = {
    Election.PILKADA: (
        "Undang-Undang Nomor 2 Tahun 2002 tentang Kepolisian Negara Republik Indonesia.",
        "Undang-Undang Nomor 10 Tahun 2016 tentang Pemilihan Gubernur, Bupati, dan Walikota.",
        "Rencana Operasi {operation_short} {polda_title}.",
    ),
    Election.PEMILU: (
        "Undang-Undang Nomor 2 Tahun 2002 tentang Kepolisian Negara Republik Indonesia.",
        "Undang-Undang Nomor 7 Tahun 2017 tentang Pemilihan Umum.",
        "Rencana Operasi {operation_short} {polda_title}.",
    ),
}
DEFAULT_CONSIDERATIONS = (
    "Bahwa dalam rangka pengamanan tahapan pemungutan dan penghitungan suara {election} "
    "tanggal {voting_day}, perlu menugaskan personel {unit_title} sebagai pelaksana "
    "pengamanan Tempat Pemungutan Suara (TPS) dan objek lainnya.",
    "Bahwa untuk kepentingan dimaksud, perlu dikeluarkan Surat Perintah.",
)
DEFAULT_CLASSIFICATION = "RAHASIA"
#: Field labels as the flag says them (Bahasa Indonesia, the reader is the Kabag Ops).
NUMBER, PLACE, ISSUED, PERIOD, SIGNATORY, BASES, CONSIDERATIONS, COPIES, OPERATION = (
    "Nomor", "Tempat dikeluarkan", "Tanggal dikeluarkan", "Masa berlaku", "Penandatangan",
    "Dasar", "Pertimbangan", "Tembusan", "Nama operasi")


def date_id(day: dt.date) -> str:
    """``27 November 2024``."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class Heading:
    """One unit's order: what its documents print at the top and the bottom."""

    owner: str  # a Polres code, or POOL for the Polda's own order
    kop: tuple[str, ...]  # (NATIONAL, "DAERAH JAMBI", "RESOR KERINCI")
    unit_name: str  # "Polres Kerinci"
    unit_title: str  # "Kepolisian Resor Kerinci": the unit as the body's sentences name it
    operation: str
    election: str  # "Pemilihan Kepala Daerah Serentak 2024"
    number: str
    place: str
    issued: dt.date
    start: dt.date
    end: dt.date
    voting_day: dt.date
    zone: str  # "WIB": the wall clock the order's times are in
    classification: str
    considerations: tuple[str, ...]
    bases: tuple[str, ...]
    copies_to: tuple[str, ...]
    signatory: Signatory
    defaulted: tuple[str, ...]  # the labels above of the fields a default filled

    @property
    def issued_text(self) -> str:
        return date_id(self.issued)

    @property
    def period_text(self) -> str:
        return f"{date_id(self.start)} s.d. {date_id(self.end)}"

    @property
    def annex_title(self) -> str:
        """The annex's header line: "LAMPIRAN SURAT PERINTAH KAPOLRES KERINCI"."""
        return f"LAMPIRAN SURAT PERINTAH {self.signatory_short.upper()}"

    @property
    def annex_reference(self) -> str:
        """"NOMOR : Sprin/.../XI/PAM.3.3./2024 TANGGAL : 20 November 2024"."""
        return f"NOMOR : {self.number}    TANGGAL : {self.issued_text}"

    @property
    def signatory_short(self) -> str:
        """"Kapolres Kerinci": the unit's head as the annex's title names him."""
        return ("Kapolda " if self.owner == POOL else "Kapolres ") + _area(self.unit_name)

    def is_default(self, label: str) -> bool:
        return label in self.defaulted

    @property
    def warning(self) -> str:
        """The note the documents print when anything was defaulted; "" when nothing was."""
        if not self.defaulted:
            return ""
        return ("Isian bawaan, periksa sebelum ditandatangani: " + ", ".join(self.defaulted)
                + ". Atur di scenario.toml bagian [operation].")


def signed_rank(rank: Rank) -> str:
    """A rank as a signature block writes it: "Kombes Pol", "Irjen Pol" from Kombes up, as
    Polri letters do, else the Sprin label ("AKBP")."""
    return f"{rank.label} Pol" if rank >= Rank.KOMBES else rank.label


def _area(unit_name: str) -> str:
    """"Kerinci" of "Polres Kerinci", "Jambi" of "Polresta Jambi" or "Polda Jambi"."""
    for prefix in ("Polrestabes ", "Polresta ", "Polres ", "Polda "):
        if unit_name.startswith(prefix):
            return unit_name[len(prefix):]
    return unit_name


def _resor(unit_name: str) -> str:
    """The kop's last line of a Polres: "RESOR KERINCI", "RESOR KOTA JAMBI"."""
    if unit_name.startswith("Polrestabes "):
        return f"RESOR KOTA BESAR {_area(unit_name)}".upper()
    if unit_name.startswith("Polresta "):
        return f"RESOR KOTA {_area(unit_name)}".upper()
    return f"RESOR {_area(unit_name)}".upper()


def _head_of(ix: PlanView, code: str, kind: UnitKind) -> Officer | None:
    """The unit's head by the roster's jabatan ("Kapolres ...", "Kapolda ..."), else its
    highest-ranked perwira; None when it has none (the block is left blank to fill)."""
    word = "kapolda" if kind == UnitKind.POLDA else "kapolres"
    staff = [o for o in ix.scenario.officers if o.home_unit_code == code]
    named = [o for o in staff if o.position.lower().startswith(word)]
    pool = named or [o for o in staff if o.rank.is_perwira]
    return max(pool, key=lambda o: o.rank) if pool else None


def heading(ix: PlanView, owner: str) -> Heading:
    """The heading of ``owner``'s order (a Polres code, or POOL: the Polda's order)."""
    s = ix.scenario
    op = s.operation
    info = s.info
    defaulted: list[str] = []

    def given(value: object, label: str) -> bool:
        if not value:
            defaulted.append(label)
            return False
        return True

    polda_unit = ix.polda
    province = next((r.name for r in s.regions if r.level == RegionLevel.PROVINCE), "")
    polda = op.polda or (_area(polda_unit.name) if polda_unit else province) or province
    polda_title = f"Polda {polda.title() if polda.isupper() else polda}"
    if owner == POOL:
        code = polda_unit.code if polda_unit else POOL
        unit_name = polda_unit.name if polda_unit else polda_title
        kop: tuple[str, ...] = (NATIONAL, f"DAERAH {polda.upper()}")
        unit_title = f"Kepolisian Daerah {polda.title() if polda.isupper() else polda}"
        kind = UnitKind.POLDA
    else:
        code = owner
        unit_name = ix.unit_name(owner)
        kop = (NATIONAL, f"DAERAH {polda.upper()}", _resor(unit_name))
        unit_title = "Kepolisian " + _resor(unit_name).title()
        kind = UnitKind.POLRES
    order = op.unit(code)
    operation = op.name if given(op.name, OPERATION) else info.operation
    election = ("Pemilihan Kepala Daerah Serentak" if info.election == Election.PILKADA
                else "Pemilihan Umum") + f" {info.voting_date.year}"
    voting = info.voting_date
    issued = op.issued or voting - dt.timedelta(days=7)
    given(op.issued, ISSUED)
    if not (op.start and op.end):
        defaulted.append(PERIOD)
    start = op.start or voting - dt.timedelta(days=2)
    end = op.end or voting + dt.timedelta(days=2)
    number = order.number if given(order.number, NUMBER) else (
        f"Sprin/{BLANK}/{ROMAN[issued.month - 1]}/PAM.3.3./{issued.year}")
    place = order.place if given(order.place, PLACE) else _area(unit_name)
    signatory = order.signatory
    if signatory is None:
        given(None, SIGNATORY)
        head = _head_of(ix, code, kind)
        position = (f"KEPALA KEPOLISIAN DAERAH {polda.upper()}" if owner == POOL
                    else f"KEPALA KEPOLISIAN {_resor(unit_name)}")
        signatory = Signatory(position, head.name.upper() if head else BLANK,
                              signed_rank(head.rank) if head else "",
                              head.nrp if head else BLANK)
    fill = {"operation": operation, "operation_short": operation.removeprefix("Operasi "),
            "polda_title": polda_title, "election": election,
            "voting_day": date_id(voting), "unit_title": unit_title}
    bases = op.bases if given(op.bases, BASES) else tuple(
        b.format(**fill) for b in DEFAULT_BASES[info.election])
    considerations = op.considerations if given(op.considerations, CONSIDERATIONS) else tuple(
        c.format(**fill) for c in DEFAULT_CONSIDERATIONS)
    copies = order.copies_to or op.copies_to
    if not given(copies, COPIES):
        copies = ((f"Kapolda {polda_title.removeprefix('Polda ')}", "Irwasda " + polda_title,
                   "Karoops " + polda_title) if owner != POOL
                  else ("Kapolri", "Asops Kapolri", "Irwasum Polri"))
    return Heading(
        owner=owner, kop=kop, unit_name=unit_name, unit_title=unit_title,
        operation=operation, election=election, number=number, place=place, issued=issued,
        start=start, end=end, voting_day=voting, zone=zone_name(info.zone),
        classification=op.classification or DEFAULT_CLASSIFICATION,
        considerations=considerations, bases=bases, copies_to=copies, signatory=signatory,
        defaulted=tuple(defaulted))
