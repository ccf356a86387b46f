"""Change orders: the Sprin amendment (Surat Perintah perubahan) between two plan versions, as
Word (``sprin_perubahan_<a>_<b>.docx``, to edit and sign) and PDF (to read and file), for the
whole Polda in one order grouped per Polres.

Who moves is ``pollguard.planning.update.moves``, the one definition ``plan diff`` and the
workspace use, so the amendment names exactly the officers ``plan diff`` lists: one row each,
with name, rank and NRP, where he was (Semula) and where he goes (Menjadi) in words, his desa,
and why (the move's reason with its post, team or cluster named). Then the reserve strength
before and after per Polres and the Polda pool, since a re-plan that fills posts usually does
so from the reserve. ``describe`` is that labelling as a pure function over the two plans,
shared with the command line and the workspace.

The head and foot are the Polda's (``heading(after, POOL)``), with the amendment's own number
and date left blank to fill in, and the orders it amends (the Polda's and each affected
Polres's Sprin) named in its Dasar. The Word template ``templates/sprin_perubahan.docx`` takes
the Sprin's tags (``sprin`` module) plus ``subject`` (the "tentang ..." line), ``groups``
(each with ``title`` and ``rows``: ``no``, ``name``, ``rank``, ``nrp``, ``before``,
``after``, ``desa``, ``reason``) and ``reserves`` (``unit``, ``teams_before``, ``before``,
``teams_after``, ``after``, ``change``).
"""

from __future__ import annotations

import html
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph, Spacer, Table

from pollguard.domain.command import POOL
from pollguard.domain.plan import Assignment, Plan, Role
from pollguard.domain.scenario import Scenario
from pollguard.planning.update import Move, moves
from pollguard.planning.view import PlanView
from pollguard.reports import pdf
from pollguard.reports.plan_docs.command import CommandView
from pollguard.reports.plan_docs.heading import (
    BASES,
    BLANK,
    ISSUED,
    MONTHS,
    NUMBER,
    ROMAN,
    Heading,
    heading,
)
from pollguard.reports.plan_docs.sprin import (
    CLOSING,
    TEMPLATES,
    Item,
    Marked,
    OrderText,
    context,
    duty_text,
    item,
    order_text,
    place_text,
    render,
)

AMENDMENT_TEMPLATE = TEMPLATES / "sprin_perubahan.docx"
NO_DESA = "—"


# --- who moves, in words -----------------------------------------------------------------


@dataclass(frozen=True)
class MoveText:
    """One officer who moves, as the orders and the command line print him."""

    nrp: str
    name: str
    rank: str  # "Bripka"; "" for an NRP the roster lacks
    before_text: str  # "Pam TPS pos ...: TPS 001 Desa Selam Paung, Kec. Gunung Raya"
    after_text: str  # "Cadangan Dalmas Kerinci 1", "tidak ditugaskan"
    desa: str  # the desa of the post he goes to (or leaves), "—" for none
    reason: str  # why, in words
    owner: str  # the Polres (or POOL) whose order names him: where he goes, else where he was
    owner_name: str

    @property
    def person(self) -> str:
        """``Bripka Andi Saputra (NRP 85039782)``."""
        return f"{self.rank} {self.name} (NRP {self.nrp})".strip()


def _target_text(ix: PlanView, cv: CommandView, target: str) -> str:
    """A target the reasons name, in words: "pos 15.01.01-SR-001, TPS 001 Desa Selam
    Paung", "Cadangan Dalmas Kerinci 1", "Pawas Klaster 1 Kec. ...", a duty."""
    if target in ix.posts:
        return f"pos {target}, {cv.post_tps(ix.posts[target])}"
    if target in ix.teams:
        return f"Cadangan {cv.team_name(ix.teams[target])}"
    if target in ix.supervisions:
        return f"Pawas {cv.cluster_label(ix.supervisions[target])}"
    if target in ix.duties:
        return duty_text(ix.duties[target])
    return ix.unit_name(target) if target in ix.units else target


def _reason(m: Move, before: tuple[PlanView, CommandView],
            after: tuple[PlanView, CommandView]) -> str:
    """The move's reason (``Move.reason_id``) with its targets named, in one pass: the one
    it left in the earlier plan's words, the one it fills in the later plan's ("pos X",
    "pos baru X" and a bare "X" alike)."""
    named: dict[str, str] = {}
    for target, (ix, cv) in ((m.before, before), (m.after, after)):
        if target:
            named.setdefault(target, _target_text(ix, cv, target))
    if not named:
        return m.reason_id
    ids = "|".join(re.escape(t) for t in sorted(named, key=len, reverse=True))

    def words(hit: re.Match[str]) -> str:
        lead, text = hit.group(1) or "", named[hit.group(2)]
        return lead + (text.removeprefix("pos ") if lead else text)

    return re.sub(rf"(pos (?:baru )?)?({ids})(?![\w.-])", words, m.reason_id)


def _desa(ix: PlanView, cv: CommandView, a: Assignment | None) -> str:
    if a is None or a.role != Role.POST or a.target_id not in ix.posts:
        return ""
    codes = dict.fromkeys(ix.tps[t].desa_code for t in ix.posts[a.target_id].tps_ids
                          if t in ix.tps)
    return ", ".join(cv.desa_label(c) for c in codes)


def describe(before: PlanView, after: PlanView, changes: Sequence[Move]) -> list[MoveText]:
    """Each move of ``changes`` (``moves(before.plan, after.plan)``) in words, in the order
    given, with its owner: the unit whose order names him in the later plan (else the
    earlier)."""
    bcv, acv = CommandView(before), CommandView(after)
    was = {a.nrp: a for a in before.plan.assignments}
    now = {a.nrp: a for a in after.plan.assignments}
    out = []
    for m in changes:
        prev, a = was.get(m.nrp), now.get(m.nrp)
        o = after.officers.get(m.nrp) or before.officers.get(m.nrp)
        owner = (after.owner_of_target(a) if a is not None else
                 before.owner_of_target(prev) if prev is not None else POOL)
        out.append(MoveText(
            nrp=m.nrp, name=o.name if o else "(tidak ada di daftar personel)",
            rank=o.rank.label if o else "", before_text=place_text(before, bcv, prev),
            after_text=place_text(after, acv, a),
            desa=_desa(after, acv, a) or _desa(before, bcv, prev) or NO_DESA,
            reason=_reason(m, (before, bcv), (after, acv)), owner=owner,
            owner_name=after.unit_name(owner)))
    return out


def describe_plans(before: PlanView, after: PlanView) -> list[MoveText]:
    """``describe`` of who ``moves`` between the two plans: what ``plan diff`` prints."""
    return describe(before, after, moves(before.plan, after.plan))


# --- reserve strength ----------------------------------------------------------------------


@dataclass(frozen=True)
class ReserveStrength:
    """One unit's reserve in the two plans: teams and officers."""

    owner: str
    unit: str
    teams_before: int
    before: int
    teams_after: int
    after: int

    @property
    def change(self) -> str:
        """``+3``, ``-2``, ``0``."""
        d = self.after - self.before
        return f"{d:+d}" if d else "0"


def reserve_strength(before: PlanView, after: PlanView) -> list[ReserveStrength]:
    """Each Polres, then the Polda pool, then the total: the reserve's teams and members
    before and after."""

    def count(ix: PlanView) -> tuple[Counter[str], Counter[str]]:
        members = Counter(ix.teams[a.target_id].owner_code for a in ix.plan.assignments
                          if a.role == Role.RESERVE and a.target_id in ix.teams)
        return Counter(t.owner_code for t in ix.plan.reserves), members

    (tb, mb), (ta, ma) = count(before), count(after)
    rows = [ReserveStrength(o, after.unit_name(o), tb[o], mb[o], ta[o], ma[o])
            for o in after.owners()]
    rows.append(ReserveStrength("", "Jumlah", sum(tb.values()), sum(mb.values()),
                                sum(ta.values()), sum(ma.values())))
    return rows


# --- the order ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Amendment:
    """The change order as text: its head and foot, the moves per unit, the reserve."""

    order: OrderText
    groups: list[tuple[str, list[MoveText]]]  # unit name -> its moves, in owners' order
    reserves: list[ReserveStrength]
    note: str  # which plan versions it compares


def _references(before: PlanView, owners: Sequence[str]) -> list[tuple[str, Heading]]:
    """The orders amended: the Polda's, then each Polres with a move ("Surat Perintah
    Kapolres Kerinci Nomor ... tanggal ...")."""
    return [(o, heading(before, o)) for o in [POOL, *(o for o in before.owners()
                                                      if o in owners and o != POOL)]]


def amendment(before: PlanView, after: PlanView, changes: Sequence[Move], *,
              before_id: int | str, after_id: int | str) -> Amendment:
    """The amendment of the order ``before`` planned into ``after``."""
    h = heading(after, POOL)
    texts = describe(before, after, changes)
    by_owner: dict[str, list[MoveText]] = defaultdict(list)
    for t in texts:
        by_owner[t.owner].append(t)
    owners = [o for o in after.owners() if o in by_owner]
    groups = [(f"{after.unit_name(o)} ({len(by_owner[o])} personel)", by_owner[o])
              for o in owners]
    amended = _references(before, owners)
    polda = amended[0][1]
    month = f"{ROMAN[h.issued.month - 1]}/PAM.3.3./{h.issued.year}"
    number = Marked(f"Sprin/{BLANK}/{month}", True)
    issued = Marked(f"{BLANK} {MONTHS[h.issued.month - 1]} {h.issued.year}", True)
    considerations = (
        item("Bahwa rencana pengamanan ", h.operation, " telah diubah (rencana versi "
             f"#{before_id} menjadi #{after_id}), sehingga {len(texts)} personel berpindah "
             "tempat tugas."),
        item("Bahwa untuk kepentingan dimaksud, perlu dikeluarkan Surat Perintah perubahan."))
    bases = tuple(
        item(f"Surat Perintah {ref.signatory_short} Nomor ",
             Marked(ref.number, ref.is_default(NUMBER)), " tanggal ",
             Marked(ref.issued_text, ref.is_default(ISSUED)), ".")
        for _, ref in amended) + tuple(item(Marked(b, h.is_default(BASES))) for b in h.bases)
    tasks: tuple[Item, ...] = (
        item(f"personel yang namanya tercantum dalam lampiran ({len(texts)} personel) "
             "melaksanakan tugas sebagaimana tercantum pada kolom \"Menjadi\", terhitung sejak "
             "Surat Perintah ini diterima, dan melapor kepada atasan di tempat tugas barunya;"),
        item("Kapolres, Kasubsatgas Pam TPS dan Pawas yang bersangkutan menyesuaikan plotting "
             "dan kartu penugasan personel;"),
        item("hal-hal dalam Surat Perintah sebagaimana tersebut pada Dasar yang tidak diubah "
             "dengan Surat Perintah ini dinyatakan tetap berlaku;"),
        item(CLOSING))
    warning = " ".join(w for w in (
        "Nomor dan tanggal Surat Perintah perubahan ini diisi sebelum ditandatangani.",
        h.warning) if w)
    order = replace(
        order_text(h, total=len(texts), tasks=tasks,
                   roll_title="DAFTAR PERUBAHAN PENEMPATAN PERSONEL"),
        number=number, issued=issued, warning=warning, considerations=considerations,
        bases=bases, subject=f"PERUBAHAN SURAT PERINTAH {polda.signatory_short.upper()} "
                             f"NOMOR {polda.number} TANGGAL {polda.issued_text.upper()}")
    return Amendment(order, groups, reserve_strength(before, after),
                     f"Perbandingan rencana versi #{before_id} dan #{after_id}.")


def file_stem(before_id: int | str, after_id: int | str) -> str:
    return f"sprin_perubahan_{before_id}_{after_id}"


def write(before: PlanView, after: PlanView, changes: Sequence[Move], out: Path, *,
          before_id: int | str, after_id: int | str,
          template: Path | None = None) -> list[Path]:
    """``sprin_perubahan_<a>_<b>.docx`` and ``.pdf`` in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    doc = amendment(before, after, changes, before_id=before_id, after_id=after_id)
    stem = file_stem(before_id, after_id)
    return [_docx(doc, template or AMENDMENT_TEMPLATE, out / f"{stem}.docx"),
            _pdf(doc, out / f"{stem}.pdf")]


def write_amendment(before: Plan, after: Plan, scenario: Scenario, out: Path, *,
                    before_id: int | str, after_id: int | str,
                    template: Path | None = None) -> list[Path]:
    """The change order from plan ``before`` to ``after`` (both of ``scenario``): who moves
    (``moves``), DOCX and PDF."""
    return write(PlanView(before, scenario), PlanView(after, scenario), moves(before, after),
                 out, before_id=before_id, after_id=after_id, template=template)


# --- Word ----------------------------------------------------------------------------------


def _docx(doc: Amendment, template: Path, path: Path) -> Path:
    no = 0
    groups = []
    for title, rows in doc.groups or [("Tidak ada perubahan", [])]:
        items = []
        for t in rows:
            no += 1
            items.append({"no": str(no), "name": t.name, "rank": t.rank, "nrp": t.nrp,
                          "before": t.before_text, "after": t.after_text, "desa": t.desa,
                          "reason": t.reason})
        groups.append({"title": title, "rows": items})
    reserves = [{"unit": r.unit, "teams_before": str(r.teams_before), "before": str(r.before),
                 "teams_after": str(r.teams_after), "after": str(r.after), "change": r.change}
                for r in doc.reserves]
    return render(template, context(doc.order) | {"groups": groups, "reserves": reserves,
                                                  "note": doc.note}, path)


# --- PDF -----------------------------------------------------------------------------------


def _markup(parts: Sequence[Marked]) -> str:
    """Paragraph markup of an order's text, a flagged piece on a yellow ground."""
    return "".join(f'<span backColor="#fff59d">{html.escape(p.text)}</span>' if p.flagged
                   else html.escape(p.text) for p in parts)


def _pdf(doc: Amendment, path: Path) -> Path:
    st = pdf.styles()
    body = ParagraphStyle("order", parent=st.body, fontSize=10, leading=13)
    centre = ParagraphStyle("centre", parent=body, alignment=TA_CENTER)
    bold_centre = ParagraphStyle("bold_centre", parent=centre, fontName=pdf.BOLD)
    o = doc.order
    label_w, num_w = 30 * mm, 8 * mm

    def listed(label: str, items: Sequence[Item]) -> Table:
        data = [[Paragraph(label if i == 0 else "", body), Paragraph(":" if i == 0 else "",
                                                                      body),
                 Paragraph(f"{i + 1}.", body), Paragraph(_markup(it), body)]
                for i, it in enumerate(items)]
        return _plain(data, [label_w, 4 * mm, num_w, pdf.WIDTH - label_w - 4 * mm - num_w])

    kop = [Paragraph(html.escape(line), centre) for line in o.kop[:-1]]
    if o.kop:
        kop.append(Paragraph(f"<u>{html.escape(o.kop[-1])}</u>", centre))
    story: list[Flowable] = [
        _plain([[kop, ""]], [90 * mm, pdf.WIDTH - 90 * mm]),
        Spacer(1, 8 * mm),
        Paragraph("<u><b>SURAT PERINTAH</b></u>", centre),
        Paragraph(f"Nomor : {_markup([o.number])}", centre),
        Paragraph("tentang", centre), Paragraph(html.escape(o.subject), bold_centre)]
    if o.warning:
        story += [Spacer(1, 3 * mm), Paragraph(
            f'<i><span backColor="#fff59d">{html.escape(o.warning)}</span></i>',
            ParagraphStyle("warn", parent=centre, fontSize=8.5))]
    story += [Spacer(1, 5 * mm), listed("Pertimbangan", o.considerations), Spacer(1, 3 * mm),
              listed("Dasar", o.bases), Spacer(1, 4 * mm),
              Paragraph("<b>DIPERINTAHKAN</b>", centre), Spacer(1, 3 * mm),
              _plain([[Paragraph("Kepada", body), Paragraph(":", body), Paragraph(
                  "(nama-nama yang tercantum dalam lampiran Surat Perintah ini), sebanyak "
                  f"{o.total} personel.", body)]],
                  [label_w, 4 * mm, pdf.WIDTH - label_w - 4 * mm]),
              Spacer(1, 3 * mm), listed("Untuk", o.tasks), Spacer(1, 2 * mm),
              _plain([["", Paragraph("Selesai.", body)]],
                     [label_w + 4 * mm, pdf.WIDTH - label_w - 4 * mm]),
              _signature(o, body, centre),
              Paragraph("<u>Tembusan :</u>", body)]
    story += [Paragraph(f"{i}. {_markup(c)}", body) for i, c in enumerate(o.copies, start=1)]
    story.append(PageBreak())
    story += [_plain([["", [Paragraph(html.escape(o.annex_title), body),
                            Paragraph(f"NOMOR : {_markup([o.number])}", body),
                            Paragraph(f"TANGGAL : {_markup([o.issued])}", body)]]],
                     [pdf.WIDTH - 85 * mm, 85 * mm]),
              Spacer(1, 4 * mm), Paragraph(f"<b>{html.escape(o.roll_title)}</b>", centre),
              Paragraph(html.escape(doc.note), ParagraphStyle("n", parent=st.note,
                                                              alignment=TA_CENTER))]
    no = 0
    for title, rows in doc.groups:
        story.append(Paragraph(html.escape(title), st.h2))
        data = []
        for t in rows:
            no += 1
            data.append([str(no), t.name, t.rank, t.nrp, t.before_text, t.after_text, t.desa,
                         t.reason])
        story.append(pdf.table(("No", "Nama", "Pangkat", "NRP", "Semula", "Menjadi",
                                "Desa/Kel.", "Alasan"), data, pdf.WIDTH,
                               (0.05, 0.13, 0.07, 0.09, 0.2, 0.2, 0.1, 0.16)))
    if not doc.groups:
        story.append(Paragraph("Tidak ada personel yang berpindah tempat tugas.", body))
    story += [Paragraph("Kekuatan cadangan semula dan menjadi", st.h2),
              pdf.table(("Satuan", "Tim semula", "Personel semula", "Tim menjadi",
                         "Personel menjadi", "Selisih personel"),
                        [(r.unit, str(r.teams_before), str(r.before), str(r.teams_after),
                          str(r.after), r.change) for r in doc.reserves],
                        pdf.WIDTH, (0.3, 0.14, 0.14, 0.14, 0.14, 0.14), total=True),
              _signature(o, body, centre)]

    class Numbered(pdf.NumberedCanvas):
        footer_text = f"{o.classification} · Surat Perintah perubahan · {doc.note}"
        page_label = "Halaman {n} dari {of}"

    def marking(canvas: Canvas, _doc: object) -> None:
        canvas.saveState()
        canvas.setFont(pdf.BOLD, 10)
        canvas.drawCentredString(A4[0] / 2, A4[1] - 9 * mm, o.classification)
        canvas.drawCentredString(A4[0] / 2, 4.5 * mm, o.classification)
        canvas.restoreState()

    pdf.document(str(path), title=f"Surat Perintah perubahan — {o.subject}",
                 subject=doc.note).build(story, onFirstPage=marking, onLaterPages=marking,
                                         canvasmaker=Numbered)
    return path


def _plain(data: list[list[object]], widths: Sequence[float]) -> Table:
    """A borderless layout table (the kop block, the numbered sections)."""
    t = Table(data, colWidths=list(widths), hAlign="LEFT")
    t.setStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2), ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2)])
    return t


def _signature(o: OrderText, body: ParagraphStyle, centre: ParagraphStyle) -> KeepTogether:
    """Dikeluarkan di / Pada tanggal and the signature block, right of the page's middle."""
    left = pdf.WIDTH - 80 * mm
    issued = _plain([[Paragraph("Dikeluarkan di", body), Paragraph(f": {_markup([o.place])}",
                                                                    body)],
                     [Paragraph("Pada tanggal", body), Paragraph(f": {_markup([o.issued])}",
                                                                  body)]],
                    [30 * mm, 50 * mm])
    issued.setStyle([("LINEBELOW", (0, 1), (-1, 1), 0.6, colors.black)])
    block = [issued, Spacer(1, 3 * mm), Paragraph(_markup([o.sign_position]), centre),
             Spacer(1, 18 * mm), Paragraph(f"<b><u>{_markup([o.sign_name])}</u></b>", centre),
             Paragraph(_markup([o.sign_rank_nrp]), centre)]
    return KeepTogether([Spacer(1, 8 * mm), _plain([["", block]], [left, 80 * mm]),
                         Spacer(1, 6 * mm)])

