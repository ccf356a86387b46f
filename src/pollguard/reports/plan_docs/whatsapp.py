"""The plan as WhatsApp texts: orders travel by WhatsApp groups per Polres and Polsek, so each
officer gets his assignment as one message he can keep on his phone, and each group gets a roll
of who stands where.

- ``officer_text``: one officer's message: his place (the post and its TPS by name, with the
  desa, kecamatan and kab/kota), his partner, whom he answers to (Pawas, Kapolsek, a reserve
  team's Danton) with their phones, the Polsek's and the Polres Posko's phone, the day's times
  in the area's clock (WIB/WITA/WIT), equipment and the post's coordinates as "lat, lon".
- ``roll_text``: the roll of a Polsek (posts by Pawas cluster, each post's TPS and officers) or
  of a whole Polres (command, every Polsek, duties, reserve teams).
- ``team_text``: a reserve team's roll (call sign, Danton, members).

Pure: a ``PlanView`` in, strings out; plain text with WhatsApp's ``*bold*`` only (no links:
the phones that read it may have no internet). ``write`` puts them in ``pesan_<unit>.txt``.
The names come from ``command`` (the same labels as the Sprin and the cards) and the operation,
zone and unit names from ``heading``, so a message says what the signed order says.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from pollguard.domain.command import POOL
from pollguard.domain.forces import Officer, UnitKind
from pollguard.domain.plan import Assignment, Plan, Post, ReserveTeam, Role, Supervision
from pollguard.domain.regions import RegionKind, RegionLevel, ancestor_at
from pollguard.domain.risk import RiskClass
from pollguard.domain.scenario import Scenario
from pollguard.planning.view import PlanView
from pollguard.reports.plan_docs.command import (
    RESERVE_KIND_LABEL,
    CommandView,
    equipment_text,
    rank_name,
)
from pollguard.reports.plan_docs.common import DUTY_LABEL, ROLE_LABEL, coord, file_stems, pattern
from pollguard.reports.plan_docs.heading import Heading, date_id, heading

#: The usual voting-day schedule (KPU: polls open at 07.00 and close at 13.00 local time, the
#: count follows at the TPS; the guard musters before and escorts the boxes to the PPK after).
#: Generic on purpose: a Polres that musters at another hour edits the text before sending.
MUSTER = "06.00"  # apel pagi and the move to the posts
POLLS_OPEN = "07.00"
POLLS_CLOSE = "13.00"
SCHEDULE = (
    (MUSTER, "apel pagi dan pergeseran ke pos"),
    (POLLS_OPEN, "pemungutan suara dimulai (sudah di pos sebelumnya)"),
    (POLLS_CLOSE, "pemungutan suara ditutup, penghitungan suara di TPS"),
)
AFTER_COUNT = "Setelah penghitungan: kawal kotak suara ke PPK sesuai arahan Kapolsek."
WEEKDAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
#: What separates the parts of a ``pesan_<unit>.txt`` file (never inside a message).
SECTION_RULE = "=" * 40
MESSAGE_RULE = "-" * 40
CLOSING = ("Laksanakan tugas dengan saksama dan penuh rasa tanggung jawab. Pesan ini memuat "
           "data pribadi: jangan diteruskan ke luar grup dinas.")
NO_PHONE = "no. HP belum ada"
NO_UNIT_PHONE = "nomor belum diisi"  # a unit's phone the scenario does not give


# --- small labels ---------------------------------------------------------------------------

def _day(h: Heading) -> str:
    """``Rabu, 27 November 2024``: the voting day as a message says it."""
    return f"{WEEKDAYS[h.voting_day.weekday()]}, {date_id(h.voting_day)}"


def _person(o: Officer | None, *, nrp: bool = True) -> str:
    """``Bripka Andi Saputra (NRP 85039782) · 0813...``; "—" when there is none."""
    if o is None:
        return "—"
    text = rank_name(o) + (f" (NRP {o.nrp})" if nrp else "")
    return f"{text} · {o.phone or NO_PHONE}"


def _phone_of_unit(ix: PlanView, code: str | None) -> str:
    unit = ix.units.get(code) if code else None
    return (unit.phone or NO_UNIT_PHONE) if unit else NO_UNIT_PHONE


def _posko_line(ix: PlanView, owner: str) -> str:
    """``*Posko Polres Kerinci:* 074821000`` (the Polda's own for the pool)."""
    code = (ix.polda.code if ix.polda else None) if owner == POOL else owner
    return f"*Posko {ix.unit_name(owner)}:* {_phone_of_unit(ix, code)}"


def _polsek_line(ix: PlanView, kecamatan_code: str) -> str | None:
    """``*Polsek Gunung Raya:* 0812...``; None where no Polsek covers the kecamatan."""
    unit = ix.polsek_of_kec.get(kecamatan_code)
    return f"*{unit.name}:* {unit.phone or NO_UNIT_PHONE}" if unit else None


def _kab_label(ix: PlanView, code: str) -> str:
    """``Kab. Kerinci`` or ``Kota Sungai Penuh`` of a region inside it ("" when unknown)."""
    try:
        kab = ancestor_at(code, RegionLevel.KABKOTA)
    except ValueError:
        return ""
    kind = next((r.kind for r in ix.scenario.regions if r.code == kab), None)
    name = ix.names.get(kab)
    if name is None:
        return ""
    return f"Kota {name}" if kind == RegionKind.KOTA else f"Kab. {name}"


def _tps_lines(ix: PlanView, cv: CommandView, post: Post) -> list[str]:
    """Each TPS of the post by name and where it is: ``TPS 001 Desa Selam Paung, Kec. Gunung
    Raya, Kab. Kerinci`` (a special TPS says what it is: "Lapas", "rumah sakit")."""
    out = []
    for tps_id in post.tps_ids:
        t = ix.tps.get(tps_id)
        if t is None:
            out.append(f"- TPS {tps_id}")
            continue
        where = [cv.tps_label(tps_id), cv.kecamatan_label(post.kecamatan_code)]
        if kab := _kab_label(ix, t.desa_code):
            where.append(kab)
        special = f" ({t.location_type.label_id})" if t.is_special else ""
        out.append(f"- {', '.join(where)}{special}")
    return out


def _times(h: Heading, *, guard: bool) -> list[str]:
    """The day's times in the area's clock; a guard's also the escort after the count."""
    return [f"- {at} {h.zone} {what}" for at, what in SCHEDULE] + (
        [f"- {AFTER_COUNT}"] if guard else [])


def _assignment(ix: PlanView, nrp: str) -> Assignment | None:
    return next((a for a in ix.plan.assignments if a.nrp == nrp), None)


# --- one officer's message ------------------------------------------------------------------

def officer_text(ix: PlanView, cv: CommandView, nrp: str, *,
                 assignment: Assignment | None = None, head: Heading | None = None) -> str:
    """The WhatsApp message for the officer ``nrp`` of the plan. ``assignment`` and ``head``
    (his assignment and his unit's ``heading``) may be passed by a caller that writes many
    messages, so each is not looked up again; they must be his. KeyError when he has no place
    in the plan."""
    a = assignment or _assignment(ix, nrp)
    if a is None or a.nrp not in ix.officers:
        raise KeyError(f"officer {nrp} has no place in the plan")
    o = ix.officers[a.nrp]
    owner = ix.owner_of_target(a)
    h = head or heading(ix, owner)
    lines = [f"*{h.operation.upper()}*", f"*{h.unit_name}*", "",
             f"Yth. {rank_name(o)} (NRP {o.nrp}),",
             f"Anda ditugaskan dalam {h.operation} pada hari pemungutan suara {_day(h)} "
             "sebagai berikut:", ""]
    kecamatan: str | None = None
    paired = True
    if a.role == Role.POST:
        kecamatan = _post_part(ix, cv, a, lines)
    elif a.role == Role.SUPERVISOR:
        kecamatan = _supervisor_part(ix, cv, a, lines)
        paired = False
    elif a.role == Role.RESERVE:
        paired = _reserve_part(ix, cv, a, lines)
    elif a.role == Role.DUTY:
        duty = ix.duties[a.target_id]
        lines += [f"*Tugas:* {duty.label}",
                  f"*Jenis:* {DUTY_LABEL.get(duty.kind, duty.kind.value)}",
                  f"*Personel:* {duty.officers} orang",
                  f"*Koordinat:* {coord(duty.lat, duty.lon)}"]
    else:
        kecamatan = _command_part(ix, cv, a, lines)
        paired = False
    if paired:
        partners = ix.partners.get(a.nrp, [])
        lines.append("")
        lines.append("*Pasangan:*" if partners else "*Pasangan:* — (tanpa pasangan)")
        lines += [f"- {_person(p)}" for p in partners]
    lines += ["", "*Nomor penting:*"]
    if a.role == Role.POST:
        pawas = cv.pawas_of(a.target_id)
        lines.append(f"*Pawas:* {_person(pawas, nrp=False)}" if pawas
                     else f"*Pawas:* {cv.pawas_text(a.target_id)}")
    if kecamatan is not None:
        kapolsek = cv.kapolsek_of(kecamatan)
        if kapolsek is None:
            lines.append("*Kapolsek:* — (dikendalikan Polres)")
        elif kapolsek.nrp != o.nrp:
            lines.append(f"*Kapolsek:* {_person(kapolsek, nrp=False)}")
        if polsek := _polsek_line(ix, kecamatan):
            lines.append(polsek)
    lines.append(_posko_line(ix, owner))
    lines += ["", f"*Waktu ({h.zone}):*", *_times(h, guard=a.role == Role.POST), "", CLOSING]
    return "\n".join(lines)


def _post_part(ix: PlanView, cv: CommandView, a: Assignment, lines: list[str]) -> str:
    """A guard's post and TPS; returns its kecamatan."""
    post = ix.posts[a.target_id]
    label = cv.position(a) or "Penjaga TPS"
    lines += [f"*Tugas:* {ROLE_LABEL[Role.POST]} ({label})",
              f"*Pos:* {post.post_id} · {post.risk_class.label_id} · pola {pattern(post)}",
              f"*TPS yang dijaga ({len(post.tps_ids)}):* {cv.post_tps(post)}",
              "*Lokasi TPS:*", *_tps_lines(ix, cv, post),
              f"*Koordinat pos:* {coord(post.lat, post.lon)}",
              f"*Linmas:* {post.linmas} orang"]
    if post.equipment:
        lines.append(f"*Perlengkapan:* {equipment_text(post.equipment)}")
    if post.risk_class in (RiskClass.SANGAT_RAWAN, RiskClass.KHUSUS):
        lines.append(f"Perhatian: TPS {post.risk_class.label_id}; laporkan setiap gangguan "
                     "segera kepada Pawas dan Kapolsek.")
    return post.kecamatan_code


def _supervisor_part(ix: PlanView, cv: CommandView, a: Assignment,
                     lines: list[str]) -> str | None:
    """A Pawas's cluster: each post with its TPS and guards; returns its kecamatan."""
    c = ix.supervisions.get(a.target_id)
    if c is None:
        lines.append(f"*Tugas:* {ROLE_LABEL[Role.SUPERVISOR]} {a.target_id}")
        return None
    posts = [ix.posts[p] for p in c.post_ids if p in ix.posts]
    lines += [f"*Tugas:* {ROLE_LABEL[Role.SUPERVISOR]}, {cv.cluster_label(c)}",
              f"*Wilayah:* {cv.kecamatan_label(c.kecamatan_code)}",
              f"*Titik klaster:* {coord(c.lat, c.lon)}", "",
              f"*Pos yang diawasi ({len(posts)}):*"]
    for i, post in enumerate(posts, start=1):
        lines.append(f"{i}. {post.post_id} ({post.risk_class.label_id}): {cv.post_tps(post)}")
        lines += [f"   - {_person(ix.officers.get(g.nrp), nrp=False)}"
                  for g in ix.by_target.get(post.post_id, ()) if g.nrp in ix.officers]
    return c.kecamatan_code


def _reserve_part(ix: PlanView, cv: CommandView, a: Assignment, lines: list[str]) -> bool:
    """A reserve member's team and Danton (a Danton's: his members); returns whether the
    message names partners (a member's pair; a Danton lists his team instead)."""
    team = ix.teams[a.target_id]
    lines += [f"*Tugas:* {ROLE_LABEL[Role.RESERVE]} · {cv.team_name(team)}",
              f"*Jenis:* {RESERVE_KIND_LABEL.get(team.kind, team.kind.value)}",
              f"*Titik siaga:* {ix.staging_name(team)}",
              f"*Koordinat siaga:* {coord(team.lat, team.lon)}",
              f"*Kekuatan:* {team.size} orang"]
    if team.leader_nrp == a.nrp:
        lines += ["*Danton:* Anda memimpin tim ini", "", "*Anggota tim:*"]
        lines += [f"- {_person(ix.officers.get(m.nrp))}" for m in ix.by_target.get(
            team.team_id, ()) if m.nrp != a.nrp and m.nrp in ix.officers]
        return False
    danton = cv.danton(team)
    lines.append(f"*Danton:* {_person(danton, nrp=False)}" if danton
                 else "*Danton:* belum ada Danton")
    return True


def _command_part(ix: PlanView, cv: CommandView, a: Assignment, lines: list[str]) -> str | None:
    """A commander's place; returns the kecamatan of a Kapolsek (None for the others)."""
    lines += [f"*Tugas:* {ROLE_LABEL[Role.COMMAND]}", f"*Jabatan:* {cv.position(a)}",
              f"*Kedudukan:* {cv.seat(a)}"]
    kec = cv.polsek_of(a)
    if kec:
        posts = [p for p in ix.plan.posts if p.kecamatan_code == kec]
        lines.append(f"*Dikendalikan:* {len(posts)} pos, "
                     f"{sum(len(p.tps_ids) for p in posts)} TPS")
    return kec


# --- rolls for a group ----------------------------------------------------------------------

def _kecamatan_of(ix: PlanView, polsek_code: str) -> str:
    """The kecamatan a Polsek code covers; a kecamatan code stands for itself."""
    unit = ix.units.get(polsek_code)
    if unit is not None and unit.kind == UnitKind.POLSEK and unit.jurisdiction:
        return unit.jurisdiction[0]
    return polsek_code


def _officer_lines(ix: PlanView, rows: Iterable[Assignment], indent: str = "   ") -> list[str]:
    return [f"{indent}- {_person(ix.officers[g.nrp])}" for g in rows if g.nrp in ix.officers]


def _kecamatan_roll(ix: PlanView, cv: CommandView, owner: str, kec: str) -> list[str]:
    """A kecamatan's posts by Pawas cluster: the cluster's Pawas, then each post, its TPS and
    its officers."""
    posts = sorted((p for p in ix.plan.posts if p.kecamatan_code == kec
                    and p.polres_code == owner), key=lambda p: p.post_id)
    clusters: dict[str | None, list[Post]] = defaultdict(list)
    for p in posts:
        held = cv.cluster_of_post.get(p.post_id)
        clusters[held.cluster_id if held else None].append(p)
    out: list[str] = []
    number = 0
    for cluster_id, members in sorted(clusters.items(), key=lambda kv: (kv[0] is None,
                                                                         kv[0] or "")):
        c: Supervision | None = ix.supervisions.get(cluster_id) if cluster_id else None
        if c is not None:
            pawas = cv.officer(c.nrp)
            out.append(f"*{cv.cluster_label(c)}* · Pawas: "
                       + (_person(pawas) if pawas else "belum ada Pawas (kekurangan)"))
        else:
            out.append("*Pos di luar klaster Pawas*")
        for p in members:
            number += 1
            out.append(f"{number}. *Pos {p.post_id}* ({p.risk_class.label_id}, pola "
                       f"{pattern(p)}): {cv.post_tps(p)}")
            guards = ix.by_target.get(p.post_id, [])
            out += _officer_lines(ix, guards) or ["   - belum ada personel"]
        out.append("")
    return out


def _roll_head(h: Heading, title: str) -> list[str]:
    return [f"*{title.upper()}*", f"{h.operation} · {h.unit_name}",
            f"Pemungutan suara {_day(h)} · apel {MUSTER} {h.zone}", ""]


def team_text(ix: PlanView, cv: CommandView, team: ReserveTeam, *,
              head: Heading | None = None) -> str:
    """A reserve team's roll: call sign, kind, staging point, Danton and members."""
    h = head or heading(ix, team.owner_code)
    danton = cv.danton(team)
    members = [m for m in ix.by_target.get(team.team_id, []) if m.nrp != team.leader_nrp]
    lines = [
        *_roll_head(h, f"Daftar tim cadangan {cv.team_name(team)}"),
        f"*Jenis:* {RESERVE_KIND_LABEL.get(team.kind, team.kind.value)}",
        f"*Titik siaga:* {ix.staging_name(team)} ({coord(team.lat, team.lon)})",
        f"*Danton:* {_person(danton) if danton else 'belum ada Danton'}",
        f"*Anggota ({len(members)}):*", *_officer_lines(ix, members, indent=""),
        "", _posko_line(ix, team.owner_code)]
    return "\n".join(lines)


def roll_text(ix: PlanView, cv: CommandView, owner: str, polsek_code: str | None = None, *,
              head: Heading | None = None) -> str:
    """The roll for a WhatsApp group: of the Polsek ``polsek_code`` (its unit code, or the
    kecamatan's code where no Polsek unit covers it) within ``owner``'s plan, or of the whole
    ``owner`` (a Polres or the Polda pool): command, each kecamatan's posts by Pawas cluster,
    duties, then each reserve team."""
    h = head or heading(ix, owner)
    if polsek_code is not None:
        kec = _kecamatan_of(ix, polsek_code)
        unit = ix.polsek_of_kec.get(kec)
        name = unit.name if unit else cv.kecamatan_label(kec)
        lines = _roll_head(h, f"Daftar personel Pam TPS {name}")
        kapolsek = cv.kapolsek_of(kec)
        lines.append(f"*Kapolsek:* {_person(kapolsek)}" if kapolsek
                     else "*Kapolsek:* — (dikendalikan Polres)")
        if polsek := _polsek_line(ix, kec):
            lines.append(polsek)
        lines += [_posko_line(ix, owner), ""]
        lines += (_kecamatan_roll(ix, cv, owner, kec)
                  or [f"Tidak ada pos di {ix.levels.lower} ini."])
        return "\n".join(lines).rstrip() + "\n"
    lines = [*_roll_head(h, f"Daftar personel {h.unit_name}"), _posko_line(ix, owner), ""]
    command = cv.command.get(owner, [])
    if command:
        lines.append("*Komando dan staf*")
        lines += [f"- {cv.position(a)}: {_person(ix.officers.get(a.nrp))}" for a in command
                  if a.nrp in ix.officers]
        lines.append("")
    kecamatan = sorted({p.kecamatan_code for p in ix.plan.posts if p.polres_code == owner})
    for kec in kecamatan:
        unit = ix.polsek_of_kec.get(kec)
        kapolsek = cv.kapolsek_of(kec)
        lines.append(f"*== {unit.name if unit else cv.kecamatan_label(kec)} ==*")
        lines.append(f"Kapolsek: {_person(kapolsek, nrp=False)}" if kapolsek
                     else "Kapolsek: — (dikendalikan Polres)")
        lines += _kecamatan_roll(ix, cv, owner, kec)
    duties = [d for d in ix.plan.duties if d.unit_code == owner]
    if duties:
        lines.append("*Tugas lain*")
        for d in duties:
            lines.append(f"- {d.label}:")
            lines += _officer_lines(ix, ix.by_target.get(d.duty_id, []))
        lines.append("")
    for team in cv.teams_of(owner):
        danton = cv.danton(team)
        members = [m for m in ix.by_target.get(team.team_id, []) if m.nrp != team.leader_nrp]
        lines.append(f"*Cadangan {cv.team_name(team)}* "
                     f"({RESERVE_KIND_LABEL.get(team.kind, team.kind.value)}, siaga di "
                     f"{ix.staging_name(team)})")
        lines.append(f"Danton: {_person(danton) if danton else 'belum ada Danton'}")
        lines += _officer_lines(ix, members)
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# --- the files ------------------------------------------------------------------------------

def polsek_codes(ix: PlanView, owner: str) -> list[str]:
    """The groups an owner's rolls are written for: each kecamatan with a post of ``owner``,
    by its Polsek's code (the kecamatan's own code where no Polsek unit covers it)."""
    kecamatan = sorted({p.kecamatan_code for p in ix.plan.posts if p.polres_code == owner})
    return [ix.polsek_of_kec[k].code if k in ix.polsek_of_kec else k for k in kecamatan]


def owner_text(ix: PlanView, cv: CommandView, owner: str) -> str:
    """What ``pesan_<unit>.txt`` holds: the rolls per Polsek, each reserve team's roll, then
    every officer's message, each under a line that says whom to send it to."""
    h = heading(ix, owner)
    parts = [f"PESAN WHATSAPP {h.unit_name.upper()} — {h.operation}",
             "Salin setiap bagian di antara garis ke grup atau kepada personel yang dituju.", ""]
    for code in polsek_codes(ix, owner):
        parts += [SECTION_RULE, roll_text(ix, cv, owner, code, head=h)]
    for team in cv.teams_of(owner):
        parts += [SECTION_RULE, team_text(ix, cv, team, head=h), ""]
    rows = [a for a in cv.ordered(owner) if a.nrp in ix.officers]
    parts += [SECTION_RULE, f"PESAN PERORANGAN ({len(rows)} personel)", SECTION_RULE]
    for i, a in enumerate(rows, start=1):
        o = ix.officers[a.nrp]
        parts += [f"[{i}/{len(rows)}] untuk {_person(o)}", MESSAGE_RULE,
                  officer_text(ix, cv, a.nrp, assignment=a, head=h), MESSAGE_RULE, ""]
    return "\n".join(parts).rstrip() + "\n"


def write(ix: PlanView, out: Path) -> list[Path]:
    """``pesan_<unit>.txt`` per Polres and for the Polda pool (UTF-8). A re-vote (PSU)
    plan's messages name its own day: its view comes with the PSU date as voting day
    (``services.documents.as_written``)."""
    out.mkdir(parents=True, exist_ok=True)
    stems = file_stems(ix)
    cv = CommandView(ix)
    paths = []
    for owner in ix.owners():
        path = out / f"pesan_{stems[owner]}.txt"
        path.write_text(owner_text(ix, cv, owner), encoding="utf-8")
        paths.append(path)
    return paths


def write_texts(plan: Plan, scenario: Scenario, out: Path) -> list[Path]:
    """The WhatsApp texts of every unit of ``plan`` into ``out`` (``pesan_<unit>.txt``)."""
    return write(PlanView(plan, scenario), out)
