"""The Sprin (Surat Perintah) as a Word document a unit edits and signs: one per Polres and one
for the Polda's own pool, ``sprin_<unit>.docx``.

It reads like the order a Kabag Ops puts in front of the Kapolres: the kop, "SURAT PERINTAH"
and its number, Pertimbangan, Dasar, DIPERINTAHKAN, Kepada (the names in the annex), Untuk
(the tasks by role, with how many officers each), Selesai, where and when it is issued, the
signature block and Tembusan, the classification marking at the top and bottom of each page;
then a Lampiran holding one row per officer the order names (every officer the unit's
plotting annex lists, in the same order), signed again. The head and foot come from
``heading`` (the scenario's operation settings): a field a default filled is highlighted and
named in a warning under the title, so staff see what to fill in before signing, and blanks
("........") stay ordinary text to type over.

The document is filled from a Word template with ``docxtpl``, ``templates/sprin.docx``
(built by ``templates/build_templates.py``). A unit may copy it, put its own letterhead and
logo in, and pass the copy as ``template``. The tags the template may use:

- ``classification``, ``kop_head`` (the kop's lines but the last), ``kop_last``,
  ``warning``, ``total`` (officers named), ``annex_title``, ``roll_title``: plain text;
- ``number``, ``place``, ``issued``, ``sign_position``, ``sign_name``, ``sign_rank_nrp``:
  formatted values (``{{r ... }}``), highlighted where a default filled them;
- ``considerations``, ``bases``, ``tasks``, ``copies``: lists of formatted items;
- ``roll``: rows with ``group`` (a heading row) or ``no``, ``name``, ``rank``, ``nrp``,
  ``task``.

``place_text`` names an officer's place in the operation ("Pam TPS pos 15.01.01-SR-001:
TPS 001 Desa Selam Paung, Kec. Gunung Raya"); the roll and the change orders
(``amendment``) share it, so a post is written the same on both.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from docxtpl import DocxTemplate, RichText

from pollguard.domain.command import POOL
from pollguard.domain.plan import Assignment, Duty, DutyKind, Plan, Role
from pollguard.domain.scenario import Scenario
from pollguard.planning.view import PlanView
from pollguard.reports.plan_docs.command import CommandView
from pollguard.reports.plan_docs.common import DUTY_LABEL, file_stems
from pollguard.reports.plan_docs.heading import (
    BASES,
    BLANK,
    CONSIDERATIONS,
    COPIES,
    ISSUED,
    NUMBER,
    PERIOD,
    PLACE,
    SIGNATORY,
    Heading,
    date_id,
    heading,
)

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
SPRIN_TEMPLATE = TEMPLATES / "sprin.docx"
HIGHLIGHT = "yellow"  # a value a default filled in, for the Kabag Ops to check
NOT_ASSIGNED = "tidak ditugaskan"
CLOSING = "melaksanakan perintah ini dengan saksama dan penuh rasa tanggung jawab."


@dataclass(frozen=True)
class Marked:
    """A piece of an order's text, ``flagged`` where a default filled it in."""

    text: str
    flagged: bool = False


Item = tuple[Marked, ...]  # one numbered item of Pertimbangan, Dasar, Untuk or Tembusan


def item(*parts: Marked | str) -> Item:
    return tuple(p if isinstance(p, Marked) else Marked(p) for p in parts)


@dataclass(frozen=True)
class OrderText:
    """What an order prints, as text: the Sprin's and a change order's head, body and foot,
    for the Word template and the PDF alike."""

    kop: tuple[str, ...]
    classification: str
    number: Marked
    warning: str
    considerations: tuple[Item, ...]
    bases: tuple[Item, ...]
    total: int  # officers the annex names ("sebanyak N personel")
    tasks: tuple[Item, ...]
    place: Marked
    issued: Marked
    sign_position: Marked
    sign_name: Marked
    sign_rank_nrp: Marked
    copies: tuple[Item, ...]
    annex_title: str
    roll_title: str
    subject: str = ""  # a change order's "tentang ..."


def order_text(h: Heading, *, total: int, tasks: tuple[Item, ...], roll_title: str) -> OrderText:
    """The order ``h`` heads, every value a default filled flagged."""
    flag = h.is_default
    s = h.signatory
    signed = flag(SIGNATORY)
    return OrderText(
        kop=h.kop, classification=h.classification, number=Marked(h.number, flag(NUMBER)),
        warning=h.warning,
        considerations=tuple((Marked(c, flag(CONSIDERATIONS)),) for c in h.considerations),
        bases=tuple((Marked(b, flag(BASES)),) for b in h.bases), total=total, tasks=tasks,
        place=Marked(h.place, flag(PLACE)), issued=Marked(h.issued_text, flag(ISSUED)),
        sign_position=Marked(s.position.upper(), signed), sign_name=Marked(s.name, signed),
        sign_rank_nrp=Marked(f"{s.rank or BLANK} NRP {s.nrp or BLANK}", signed),
        copies=tuple((Marked(c, flag(COPIES)),) for c in h.copies_to),
        annex_title=h.annex_title, roll_title=roll_title)


def rich(parts: Iterable[Marked], *, bold: bool = False, underline: bool = False) -> RichText:
    """Formatted text for a ``{{r ... }}`` tag, each flagged piece highlighted as Word's
    text highlighter marks it (the runs written here rather than by ``RichText.add``, whose
    shading and property order Word's schema does not know)."""
    out = RichText()
    for p in parts:
        props = ("<w:b/>" if bold else "") + (
            f'<w:highlight w:val="{HIGHLIGHT}"/>' if p.flagged else "") + (
            '<w:u w:val="single"/>' if underline else "")
        out.xml += (f"<w:r>{f'<w:rPr>{props}</w:rPr>' if props else ''}"
                    f'<w:t xml:space="preserve">{escape(p.text)}</w:t></w:r>')
    return out


def context(order: OrderText) -> dict[str, object]:
    """The template's values of ``order`` (the tags the module docstring lists)."""
    return {
        "classification": order.classification, "kop_head": list(order.kop[:-1]),
        "kop_last": order.kop[-1] if order.kop else "", "number": rich([order.number]),
        "warning": order.warning, "subject": order.subject,
        "considerations": [rich(i) for i in order.considerations],
        "bases": [rich(i) for i in order.bases], "total": order.total,
        "tasks": [rich(i) for i in order.tasks], "place": rich([order.place]),
        "issued": rich([order.issued]), "sign_position": rich([order.sign_position]),
        "sign_name": rich([order.sign_name], bold=True, underline=True),
        "sign_rank_nrp": rich([order.sign_rank_nrp]),
        "copies": [rich(i) for i in order.copies], "annex_title": order.annex_title,
        "roll_title": order.roll_title}


def render(template: Path, values: Mapping[str, object], path: Path) -> Path:
    """Fill ``template`` with ``values`` into ``path`` (text escaped for Word's XML)."""
    doc = DocxTemplate(str(template))
    doc.render(dict(values), autoescape=True)
    doc.save(str(path))
    return path


# --- an officer's place, in words --------------------------------------------------------


def place_text(ix: PlanView, cv: CommandView, a: Assignment | None) -> str:
    """Where ``a`` puts its officer, as the orders write it: "Pam TPS pos 15.01.01-SR-001:
    TPS 001 Desa Selam Paung, Kec. Gunung Raya", "Cadangan Dalmas Kerinci 1" (its Danton:
    "Danton Cadangan ..."), "Pawas Klaster 1 Kec. Gunung Raya", a duty by its kind and
    object, a commander by his position and seat; "tidak ditugaskan" for none."""
    if a is None:
        return NOT_ASSIGNED
    if a.role == Role.POST:
        post = ix.posts.get(a.target_id)
        if post is None:
            return f"Pam TPS pos {a.target_id}"
        return (f"Pam TPS pos {post.post_id}: {cv.post_tps(post)}, "
                f"{cv.kecamatan_label(post.kecamatan_code)}")
    if a.role == Role.RESERVE:
        team = ix.teams.get(a.target_id)
        if team is None:
            return "Cadangan"
        lead = "Danton " if team.leader_nrp == a.nrp else ""
        return f"{lead}Cadangan {cv.team_name(team)}"
    if a.role == Role.SUPERVISOR:
        cluster = ix.supervisions.get(a.target_id)
        return f"Pawas {cv.cluster_label(cluster) if cluster else a.target_id}"
    if a.role == Role.DUTY:
        duty = ix.duties.get(a.target_id)
        if duty is None:
            return "Tugas pengamanan"
        return duty_text(duty)
    return f"{cv.position(a)}, {cv.seat(a)}"


_OFFICES = (DutyKind.KPU_OFFICE, DutyKind.BAWASLU_OFFICE, DutyKind.PPK_OFFICE)


def duty_text(duty: Duty) -> str:
    """A duty as the orders write it: "Pengamanan kantor KPU Kerinci", "Pengawalan logistik
    PPK Gunung Raya", "Walpri bupati Kerinci paslon 1" (its label where the label already
    says what it is, else the kind and the label)."""
    kind = DUTY_LABEL.get(duty.kind, duty.kind.value)
    first = duty.label.split(" ", 1)[0].lower()
    if duty.kind in _OFFICES and first != "pengamanan":
        return f"Pengamanan kantor {duty.label}"
    if first and first in kind.lower():
        return duty.label
    return f"{kind}: {duty.label}"


# --- the Sprin ----------------------------------------------------------------------------


def roman(n: int) -> str:
    """``n`` (1 and up) in Roman numerals: the roll's sections are numbered I, II, ... as
    an order's parts are (a Polres may have thirty kecamatan)."""
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"),
                           (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"),
                           (4, "IV"), (1, "I")):
        count, n = divmod(n, value)
        out += letters * count
    return out


def _group(ix: PlanView, cv: CommandView, a: Assignment) -> str:
    """The roll's section an officer is listed under."""
    if a.role == Role.COMMAND:
        return "Komando dan Staf"
    if a.role == Role.SUPERVISOR:
        return "Perwira Pengawas (Pawas)"
    if a.role == Role.POST and a.target_id in ix.posts:
        return f"Pengamanan TPS {cv.kecamatan_label(ix.posts[a.target_id].kecamatan_code)}"
    if a.role == Role.DUTY:
        return "Pengamanan objek, walpri dan pengawalan"
    team = ix.teams.get(a.target_id)
    if team is None:
        return "Cadangan"
    return f"Cadangan {cv.team_name(team)} (siaga di {ix.staging_name(team)})"


def roll(ix: PlanView, cv: CommandView, owner: str) -> list[dict[str, str]]:
    """The Lampiran's rows: every officer ``CommandView.ordered(owner)`` lists, numbered, a
    heading row before each section (command, Pawas, each kecamatan's TPS, duties, each
    reserve team)."""
    rows: list[dict[str, str]] = []
    last = None
    sections = 0
    for no, a in enumerate(cv.ordered(owner), start=1):
        group = _group(ix, cv, a)
        if group != last:
            sections += 1
            rows.append({"group": f"{roman(sections)}. {group}"})
            last = group
        o = ix.officers.get(a.nrp)
        task = place_text(ix, cv, a)
        if o is not None and (a.bko_to or o.bko):
            task += f" ({ix.origin(a, o)})"
        rows.append({"group": "", "no": str(no), "name": o.name if o else a.nrp,
                     "rank": o.rank.label if o else "", "nrp": a.nrp, "task": task})
    return rows


def tasks(ix: PlanView, cv: CommandView, owner: str, h: Heading) -> tuple[Item, ...]:
    """Untuk: one numbered task per role the order names, with how many officers, then the
    period and the closing sentence."""
    rows = cv.ordered(owner)
    kapolsek = [a for a in rows if a.role == Role.COMMAND and cv.polsek_of(a)]
    count = Counter(a.role for a in rows)
    out: list[Item] = []
    head = "Kaops" if owner == POOL else "Kaopsres"
    if count[Role.COMMAND] - len(kapolsek):
        out.append(item(f"{head} beserta Komando dan Staf Operasi "
                        f"({count[Role.COMMAND] - len(kapolsek)} personel): memimpin dan "
                        f"mengendalikan pelaksanaan {h.operation} di wilayah hukum "
                        f"{h.unit_title} dari Posko {h.unit_name};"))
    if kapolsek:
        out.append(item(f"Kapolsek selaku Kasubsatgas Pam TPS ({len(kapolsek)} personel): "
                        f"memimpin dan mengendalikan pengamanan TPS di wilayah {ix.levels.lower} "
                        "masing-masing dan melaporkan perkembangan situasi ke Posko;"))
    if count[Role.SUPERVISOR]:
        out.append(item(f"Perwira Pengawas (Pawas) ({count[Role.SUPERVISOR]} personel): "
                        "mengawasi dan mengendalikan pos-pos TPS klasternya;"))
    if count[Role.POST]:
        out.append(item(f"Personel Pam TPS ({count[Role.POST]} personel): mengamankan TPS "
                        f"yang ditentukan pada hari pemungutan suara, {date_id(h.voting_day)}, "
                        f"dari pukul 07.00 {h.zone} sampai penghitungan suara selesai dan "
                        "mengawal kotak suara ke PPK;"))
    if count[Role.DUTY]:
        out.append(item(f"Personel tugas pengamanan ({count[Role.DUTY]} personel): "
                        "melaksanakan tugas pengamanan objek, pengawalan pribadi (walpri) "
                        "dan pengawalan logistik yang ditentukan;"))
    if count[Role.RESERVE]:
        teams = len({a.target_id for a in rows if a.role == Role.RESERVE})
        out.append(item(f"Danton dan personel Cadangan ({count[Role.RESERVE]} personel, "
                        f"{teams} tim): siaga di titik siaga dan siap digerakkan atas "
                        f"perintah {head};"))
    out.append(item("melaksanakan tugas ini terhitung mulai tanggal ",
                    Marked(h.period_text, h.is_default(PERIOD)), ";"))
    out.append(item(CLOSING))
    return tuple(out)


def sprin_text(ix: PlanView, cv: CommandView, owner: str) -> OrderText:
    """The Sprin of ``owner`` (a Polres code, or POOL) as text."""
    h = heading(ix, owner)
    return order_text(h, total=len(cv.ordered(owner)), tasks=tasks(ix, cv, owner, h),
                      roll_title=f"DAFTAR NAMA PERSONEL {h.operation.upper()} "
                                 f"{h.unit_name.upper()}")


def write_sprin(plan: Plan, scenario: Scenario, out: Path,
                template: Path | None = None) -> list[Path]:
    """``sprin_<unit>.docx`` per Polres and for the Polda pool: the order each unit signs,
    naming every officer of its plotting annex; ``template`` a unit's own Word template."""
    return write(PlanView(plan, scenario), out, template)


def write(ix: PlanView, out: Path, template: Path | None = None) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    stems = file_stems(ix)
    cv = CommandView(ix)
    paths = []
    for owner in ix.owners():
        values = context(sprin_text(ix, cv, owner)) | {"roll": roll(ix, cv, owner)}
        paths.append(render(template or SPRIN_TEMPLATE, values,
                            out / f"sprin_{stems[owner]}.docx"))
    return paths
