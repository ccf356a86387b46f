"""The Sprin's annex (lampiran) as data: its header block, its officer tables and its
signature block, defined once for the XLSX plotting workbook and the annex PDF.

Both documents lay the same lines out differently (cells and merged ranges; paragraphs and a
reportlab table), but what a row says is decided here only, so the PDF a Kapolres signs and
the workbook the Bag Ops edits cannot drift apart. The header and signature come from
``heading`` (the Sprin's own number, date and signatory), never re-derived.

Every officer table starts with the same person columns (No, Nama, Pangkat, NRP, Kesatuan,
Tugas) and ends with No. HP and Keterangan. The Polsek tables have exactly the issue's
columns; the other tables keep the columns a planner filters by (a reserve member's team, a
Pawas's cluster, a commander's seat) between Tugas and No. HP, and put what is read rather
than filtered (the Danton's or Kapolsek's phone, coordinates) into Keterangan."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pollguard.domain.command import POOL
from pollguard.domain.plan import Assignment, Post, Role
from pollguard.planning.view import PlanView
from pollguard.reports.plan_docs.command import (
    RESERVE_KIND_LABEL,
    CommandView,
    equipment_text,
    rank_name,
)
from pollguard.reports.plan_docs.common import DUTY_LABEL, coord, pattern
from pollguard.reports.plan_docs.heading import Heading, date_id

PERSON_HEADERS = ("No", "Nama", "Pangkat", "NRP", "Kesatuan", "Tugas")
END_HEADERS = ("No. HP", "Keterangan")
#: The Polsek tables: exactly the columns the Sprin's plotting annex carries.
SPRIN_HEADERS = (*PERSON_HEADERS, "Desa/Kelurahan", "Kecamatan", "TPS", "Kerawanan", "Pola",
                 "Linmas", *END_HEADERS)
COMMAND_HEADERS = (*PERSON_HEADERS, "Jabatan dinas", "Kedudukan", "Pos dikendalikan",
                   "TPS dikendalikan", *END_HEADERS)
PAWAS_HEADERS = (*PERSON_HEADERS, "Klaster", "Kecamatan", "Jumlah pos", "Jumlah TPS",
                 "Pos dan TPS yang diawasi", *END_HEADERS)
DUTY_HEADERS = (*PERSON_HEADERS, "Sasaran tugas", "Jenis tugas", *END_HEADERS)
RESERVE_HEADERS = (*PERSON_HEADERS, "Fungsi", "Tim (sandi panggilan)", "Jenis", "Titik siaga",
                   *END_HEADERS)
#: Column widths: millimetres on the annex PDF's landscape page (each table sums to its 267
#: mm; a column is widened where a word would not fit), and Excel characters in the workbook
#: (wider on screen, the same proportions on paper: the sheets print fit to width).
PERSON_WIDTHS = (6.5, 28, 12, 14.5, 22, 19)
END_WIDTHS = (20, 44)
SPRIN_WIDTHS = (*PERSON_WIDTHS, 23, 17, 22, 16, 12, 11.5, *END_WIDTHS)
COMMAND_WIDTHS = (*PERSON_WIDTHS[:5], 36, 28, 27, 14, 14, 20, 36.5)
PAWAS_WIDTHS = (*PERSON_WIDTHS[:5], 12, 22, 17, 11, 11, 50, 20, 38.5)
DUTY_WIDTHS = (*PERSON_WIDTHS[:5], 28, 50, 32, 20, 43.5)
RESERVE_WIDTHS = (*PERSON_WIDTHS[:5], 23, 14, 25, 27, 25, 20, 44.5)

COMMAND_SHEET, PAWAS_SHEET, DUTY_SHEET, RESERVE_SHEET = (
    "Komando dan Staf", "Pawas", "Tugas", "Cadangan")
#: Said where a table has nobody in it, so an empty page reads as meant, not as lost.
EMPTY = "Tidak ada personel yang diplot untuk satuan ini."
#: The band that warns of defaulted header fields: fill and text colour (XLSX and PDF alike).
WARN_FILL, WARN_TEXT = "FFEB9C", "9C5700"


@dataclass(frozen=True)
class AnnexTable:
    """One officer list of the annex: a workbook sheet, a section of the PDF."""

    sheet: str  # the sheet's name: "Polsek Gunung Raya", "Komando dan Staf"
    subject: str  # its title line: "DAFTAR PLOTTING PERSONEL PAM TPS POLSEK GUNUNG RAYA"
    headers: tuple[str, ...]
    widths: tuple[float, ...]
    rows: list[tuple[Any, ...]]
    polsek: bool = False  # a Polsek's guards (the PDF lists these first)
    wrap: tuple[str, ...] = ("Keterangan",)  # columns whose cells are lists that wrap

    @property
    def class_column(self) -> int | None:
        """The Kerawanan column (its cells shaded by class), if the table has one."""
        return self.headers.index("Kerawanan") if "Kerawanan" in self.headers else None


@dataclass(frozen=True)
class AnnexHeader:
    """The block above each table, top to bottom: the classification; the kop (left) beside
    the annex's reference to its Sprin (right); the title lines; the default warning."""

    classification: str
    kop: tuple[str, ...]
    annex: tuple[str, ...]  # ("LAMPIRAN SURAT PERINTAH KAPOLRES KERINCI", "NOMOR : ...")
    titles: tuple[str, ...]  # (the table's subject, the operation)
    warning: str  # "" when nothing was defaulted


@dataclass(frozen=True)
class SignatureBlock:
    """The block at the end, right of the page: where and when, then who signs."""

    issued: tuple[str, ...]  # ("Dikeluarkan di : Kerinci", "Pada tanggal : 20 November 2024")
    position: str  # "KEPALA KEPOLISIAN RESOR KERINCI"
    name: str  # bold, underlined
    rank_nrp: str  # "AKBP NRP 72043404"


def header(h: Heading, subject: str) -> AnnexHeader:
    return AnnexHeader(
        classification=h.classification, kop=h.kop, annex=(h.annex_title, h.annex_reference),
        titles=(subject, f"{h.operation.upper()} — PEMUNGUTAN SUARA "
                         f"{date_id(h.voting_day).upper()}"),
        warning=h.warning)


def signature(h: Heading) -> SignatureBlock:
    s = h.signatory
    return SignatureBlock(
        issued=(f"Dikeluarkan di : {h.place}", f"Pada tanggal : {h.issued_text}"),
        position=s.position, name=s.name, rank_nrp=f"{s.rank} NRP {s.nrp}".strip())


def tables(ix: PlanView, cv: CommandView, owner: str) -> list[AnnexTable]:
    """``owner``'s officer lists in workbook order: command and staff, the Pawas (a Polres's
    only), one per Polsek, duties, reserve. Each officer ``owner`` plots is on one of them
    exactly once."""
    rows = cv.ordered(owner)
    out = [AnnexTable(COMMAND_SHEET, "DAFTAR PERSONEL KOMANDO DAN STAF", COMMAND_HEADERS,
                      COMMAND_WIDTHS,
                      command_rows(ix, cv, [a for a in rows if a.role == Role.COMMAND]))]
    if owner != POOL:  # a Polres: the Pawas and the Polsek
        out.append(AnnexTable(PAWAS_SHEET, "DAFTAR PERWIRA PENGAWAS (PAWAS) PAM TPS",
                              ix.levels.header(PAWAS_HEADERS), PAWAS_WIDTHS,
                              pawas_rows(ix, cv, owner),
                              wrap=("Pos dan TPS yang diawasi", "Keterangan")))
        out += [AnnexTable(title, f"DAFTAR PLOTTING PERSONEL PAM TPS {subject}",
                           ix.levels.header(SPRIN_HEADERS), SPRIN_WIDTHS, lines, polsek=True,
                           wrap=("Desa/Kelurahan", "TPS", "Keterangan"))
                for title, subject, lines in polsek_tables(ix, cv, rows)]
    out += [AnnexTable(DUTY_SHEET, "DAFTAR PERSONEL PENGAMANAN OBJEK DAN PENGAWALAN",
                       DUTY_HEADERS, DUTY_WIDTHS,
                       duty_rows(ix, cv, [a for a in rows if a.role == Role.DUTY]),
                       wrap=("Sasaran tugas", "Keterangan")),
            AnnexTable(RESERVE_SHEET, "DAFTAR PERSONEL CADANGAN", RESERVE_HEADERS,
                       RESERVE_WIDTHS,
                       reserve_rows(ix, cv, [a for a in rows if a.role == Role.RESERVE]))]
    return out


def person(ix: PlanView, cv: CommandView, no: int, a: Assignment) -> tuple[Any, ...]:
    """The person columns: name, rank, NRP, unit (or "BKO dari ..."), his task in the
    operation (the command plan's position)."""
    o = ix.officers[a.nrp]
    return (no, o.name, o.rank.label, o.nrp, ix.origin(a, o), cv.position(a))


def _phone(ix: PlanView, a: Assignment) -> str:
    return ix.officers[a.nrp].phone or "—"


def _notes(*parts: str) -> str:
    """Keterangan: the non-empty parts, one clause each."""
    return "; ".join(p for p in parts if p and p != "—")


def command_rows(ix: PlanView, cv: CommandView,
                 rows: Sequence[Assignment]) -> list[tuple[Any, ...]]:
    """Command and staff: Kaops, Wakaops, Kabag Ops, Posko staff, then each Kapolsek as
    "Kasubsatgas Pam TPS Kec. X" with the posts and TPS of his kecamatan."""
    posts_of_kec: dict[str, list[Post]] = defaultdict(list)
    for p in ix.plan.posts:
        posts_of_kec[p.kecamatan_code].append(p)
    out = []
    for no, a in enumerate(rows, start=1):
        o = ix.officers[a.nrp]
        kec = cv.polsek_of(a)
        posts = posts_of_kec.get(kec, []) if kec else []
        unit = ix.units.get(a.target_id)
        out.append((*person(ix, cv, no, a), o.position or "—", cv.seat(a),
                    len(posts) if kec else None,
                    sum(len(p.tps_ids) for p in posts) if kec else None, _phone(ix, a),
                    _notes(f"koordinat {coord(unit.hq_lat, unit.hq_lon)}" if unit else "")))
    return out


def pawas_rows(ix: PlanView, cv: CommandView, owner: str) -> list[tuple[Any, ...]]:
    """One row per cluster: its Pawas (blank where none was found: a shortfall), the posts
    he supervises with their TPS by name, the Kapolsek above him in Keterangan."""
    by_cluster = {a.target_id: a for a in cv.supervising.get(owner, [])}
    out = []
    for no, c in enumerate(cv.supervisions_of(owner), start=1):
        a = by_cluster.get(c.cluster_id)
        who = (person(ix, cv, no, a) if a is not None
               else (no, "— (belum ada Pawas)", None, None, None, "Pawas"))
        posts = [ix.posts[p] for p in c.post_ids if p in ix.posts]
        kapolsek = cv.kapolsek_of(c.kecamatan_code)
        above = (f"di bawah Kapolsek {rank_name(kapolsek)} {kapolsek.phone or ''}".strip()
                 if kapolsek else "pos dikendalikan langsung oleh Polres")
        radius = f"radius {c.radius_km:.1f} km".replace(".", ",")
        out.append((*who, cv.cluster_label(c), ix.kecamatan_name(c.kecamatan_code),
                    len(c.post_ids),
                    sum(len(p.tps_ids) for p in posts),
                    "\n".join(f"{p.post_id}: {cv.post_tps(p)}" for p in posts),
                    _phone(ix, a) if a is not None else "—",
                    _notes(above, radius, f"titik tengah {coord(c.lat, c.lon)}")))
    return out


def tps_text(ix: PlanView, cv: CommandView, post: Post) -> str:
    """The TPS column: "TPS 001, 002" (the desa is the column beside it); a post over
    several desa names each ("TPS 002 Desa A; TPS 001 Kel. B"), as numbers restart per desa."""
    known = [ix.tps[t] for t in post.tps_ids if t in ix.tps]
    if known and len({t.desa_code for t in known}) == 1:
        return "TPS " + ", ".join(f"{t.number:03d}" for t in known)
    return cv.post_tps(post)


def desa_text(ix: PlanView, cv: CommandView, post: Post) -> str:
    """The Desa/Kelurahan column: "Desa Selam Paung, Kel. Lempur Tengah"."""
    codes = dict.fromkeys(ix.tps[t].desa_code for t in post.tps_ids if t in ix.tps)
    return ", ".join(cv.desa_label(d) for d in codes)


def post_notes(cv: CommandView, post: Post) -> str:
    """Keterangan of a guard: his post, who leads it (the Pawas and his phone), the post's
    equipment and coordinates."""
    pawas = cv.pawas_of(post.post_id)
    if pawas is not None:
        lead = f"dipimpin Pawas {rank_name(pawas)} {pawas.phone or ''}".strip()
    else:
        lead = {"—": ""}.get(cv.pawas_text(post.post_id), cv.pawas_text(post.post_id))
    kit = equipment_text(post.equipment)
    return _notes(f"Pos {post.post_id}", lead, f"perlengkapan {kit}" if kit != "—" else "",
                  f"koordinat {coord(post.lat, post.lon)}")


def polsek_tables(ix: PlanView, cv: CommandView, rows: Sequence[Assignment]
                  ) -> list[tuple[str, str, list[tuple[Any, ...]]]]:
    """(sheet title, subject, rows) per Polsek (per kecamatan: one without a Polsek is
    named by its kecamatan), a row per guard in the annex's columns."""
    by_kec: dict[str, list[Assignment]] = defaultdict(list)
    for a in rows:
        if a.role == Role.POST:
            by_kec[ix.posts[a.target_id].kecamatan_code].append(a)
    out = []
    for kec in sorted(by_kec):
        polsek = ix.polsek_of_kec.get(kec)
        name = ix.kecamatan_name(kec)
        title = polsek.name if polsek else f"{ix.levels.prefix.rstrip('.')} {name}"
        subject = (polsek.name if polsek else f"{ix.levels.kecamatan} {name}").upper()
        lines = []
        for no, a in enumerate(by_kec[kec], start=1):
            post = ix.posts[a.target_id]
            lines.append((*person(ix, cv, no, a), desa_text(ix, cv, post),
                          ix.kecamatan_name(post.kecamatan_code), tps_text(ix, cv, post),
                          post.risk_class.label_id, pattern(post), post.linmas,
                          _phone(ix, a), post_notes(cv, post)))
        out.append((title, subject, lines))
    return out


def duty_rows(ix: PlanView, cv: CommandView,
              rows: Sequence[Assignment]) -> list[tuple[Any, ...]]:
    out = []
    for no, a in enumerate(rows, start=1):
        d = ix.duties[a.target_id]
        out.append((*person(ix, cv, no, a), d.label, DUTY_LABEL.get(d.kind, d.kind.value),
                    _phone(ix, a), _notes(f"koordinat {coord(d.lat, d.lon)}")))
    return out


def reserve_rows(ix: PlanView, cv: CommandView,
                 rows: Sequence[Assignment]) -> list[tuple[Any, ...]]:
    """Every member of every reserve team, the Danton first: the team by its call sign and
    kind, who leads it (his name and phone on each row, so a filtered team reads whole)."""
    out = []
    for no, a in enumerate(rows, start=1):
        t = ix.teams[a.target_id]
        danton = cv.danton(t)
        if danton is None:
            lead = "belum ada Danton"
        elif danton.nrp == a.nrp:
            lead = "memimpin tim"
        else:
            lead = f"dipimpin Danton {rank_name(danton)} {danton.phone or ''}".strip()
        out.append((*person(ix, cv, no, a), ix.officers[a.nrp].branch.value.capitalize(),
                    cv.team_name(t), RESERVE_KIND_LABEL.get(t.kind, t.kind.value),
                    ix.staging_name(t), _phone(ix, a),
                    _notes(lead, f"koordinat {coord(t.lat, t.lon)}")))
    return out
