"""The situation report as staff write it: the four narrative sections of a Polri *laporan
situasi*, and the same as a WhatsApp message.

A Posko does not send tables up the chain alone: the Kabag Ops reads, and forwards to the
Kapolda's WhatsApp group, a text in the customary order

- **I. Situasi umum**: TPS by phase of the day, incidents, forces deployed, in words;
- **II. Kejadian menonjol**: each notable incident with its time (and zone), its place as
  "TPS 002 Renah Kayu Embun, Kec. Gunung Raya, Polres Kerinci", kind, severity, the text as the
  officer reported it, its status and what was done;
- **III. Tindakan yang telah diambil**: the units sent, by call sign, and the BKO from the Polda;
- **IV. Kesimpulan dan saran**: what the state calls for (open severe incidents, incidents no
  unit went to, reserves committed or under their floor, TPS not yet reported).

``narrative`` is the one definition: the PDF prints its sections under the tables, the API hands
them to the /sitrep page, and ``whatsapp`` joins them into the message with WhatsApp's
``*bold*`` headings (no links: the phones that read it may have no data). Pure: a ``Sitrep`` in,
strings out, always in Bahasa Indonesia (the language the report is sent up in), times on the
operation's clock with its zone, numbers in the Indonesian style (1.234; 2,5).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from pollguard.domain.command import POOL
from pollguard.domain.timezone import zone_name
from pollguard.operations.reinforcement import UnitKind, UnitStatus
from pollguard.operations.sitrep import DispatchLine, IncidentLine, Sitrep
from pollguard.reports.numbers import num
from pollguard.reports.plan_docs.heading import date_id

__all__ = ["WA_INCIDENTS", "Section", "narrative", "notable", "whatsapp"]

#: The most incidents (and dispatches) a WhatsApp message lists one by one; the rest are
#: counted ("dan 4 kejadian lain"): the full list is in the PDF.
WA_INCIDENTS = 10

_SEVERITY = {1: "ringan", 2: "sedang", 3: "berat"}
_STATUS = {"reported": "dilaporkan, belum diterima", "acknowledged": "diterima",
           "responding": "sedang ditangani", "resolved": "selesai", "closed": "ditutup"}
_LEVEL = {"tps_guard": "pengamanan TPS", "polsek": "Polsek", "polres_ops": "Ops Polres",
          "polda_ops": "Ops Polda"}
#: Where a unit stands, before the time of its last step.
_UNIT = {UnitStatus.AVAILABLE: "telah kembali siaga", UnitStatus.DISPATCHED: "berangkat",
         UnitStatus.ON_SCENE: "tiba di lokasi", UnitStatus.RETURNING: "kembali ke markas sejak"}


@dataclass(frozen=True)
class Section:
    """One part of the narrative: ``number`` "I", ``title`` "Situasi umum", and its
    ``items``: paragraphs, or (``numbered``) the entries of a list."""

    number: str
    title: str
    items: tuple[str, ...]
    numbered: bool = False

    @property
    def heading(self) -> str:
        return f"{self.number}. {self.title}"


def _clock(t: dt.datetime, zone: dt.timezone, today: dt.date | None = None) -> str:
    """"pukul 08.05 WIB", with the day in front where it is not the report's."""
    w = t.astimezone(zone)
    hm = f"pukul {w:%H.%M} {zone_name(zone)}"
    return hm if w.date() == today else f"{date_id(w.date())} {hm}"


def _pct(part: int, whole: int) -> str:
    """A share in percent, one decimal where it has one: 2,5 and 25."""
    return num(100 * part / whole, 1).removesuffix(",0") if whole else "0"


def notable(s: Sitrep) -> tuple[IncidentLine, ...]:
    """The incidents a report names one by one: every open one, and the closed severe ones
    (a severe incident of the day stays news after it is over)."""
    return tuple(i for i in s.incidents if i.open or i.severity == 3)


def _team(d: DispatchLine, s: Sitrep) -> str:
    """"Dalmas Kerinci 1 (12 personel, BKO Polda Jambi)"."""
    owner = s.names.get(d.owner_code, d.owner_code)
    whose = (f"BKO {s.names.get(POOL, 'Polda')}" if d.owner_code == POOL
             else owner or s.names.get(d.polres_code, d.polres_code))
    return f"{d.unit_name or d.unit_id} ({num(d.officers)} personel, {whose})"


def _units(sent: Sequence[DispatchLine], s: Sitrep, *, when: bool = False) -> str:
    """The units sent to one incident: each team by its call sign, the officers lent by the
    nearest posts as one count ("3 personel pinjaman dari 3 pos terdekat"); with ``when``,
    where each stands and since when."""
    h = s.header

    def since(d: DispatchLine) -> str:
        return f", {_UNIT[d.status]} {_clock(d.since, h.zone, h.local.date())}" if when else ""

    parts = [_team(d, s) + since(d) for d in sent if d.kind != UnitKind.BORROWED]
    lent = [d for d in sent if d.kind == UnitKind.BORROWED]
    if lent:
        latest = max(lent, key=lambda d: d.since)
        uniform = all(d.status == latest.status for d in lent)
        parts.append(f"{num(sum(d.officers for d in lent))} personel pinjaman dari "
                     f"{num(len(lent))} pos terdekat" + (since(latest) if uniform else ""))
    return "; ".join(parts)


def _situation(s: Sitrep) -> Section:
    h, total = s.header, s.total
    where = h.jurisdiction or s.names.get(POOL, "Polda")
    items = [
        f"Sampai dengan {date_id(h.local.date())} {_clock(h.as_of, h.zone, h.local.date())}, "
        f"dari {num(total.tps)} TPS di wilayah {where}: {num(total.opened)} TPS telah dibuka, "
        f"{num(total.closed)} TPS telah ditutup, {num(total.counted)} TPS selesai penghitungan "
        f"suara dan kotak suara dari {num(total.escorted)} TPS telah dikawal ke PPK; "
        f"{num(total.not_reported)} TPS belum melapor."]
    o, c = s.incident_counts(open=True), s.incident_counts(open=False)
    if s.incidents:
        items.append(
            f"Tercatat {num(len(s.incidents))} kejadian: {num(sum(o.values()))} masih ditangani "
            f"(berat {num(o[3])}, sedang {num(o[2])}, ringan {num(o[1])}) dan "
            f"{num(sum(c.values()))} telah selesai.")
    else:
        items.append("Tidak ada kejadian yang dilaporkan.")
    if not h.reserves:
        items.append("Rincian kekuatan cadangan tidak ditampilkan untuk peran ini.")
    elif s.force:
        teams = sum(f.teams for f in s.force)
        officers = sum(f.officers for f in s.force)
        busy = [d for d in s.dispatches if d.status != UnitStatus.AVAILABLE]
        out = [d for d in busy if d.kind != UnitKind.BORROWED]
        lent = sum(d.officers for d in busy if d.kind == UnitKind.BORROWED)
        ready = sum(f.by_status.get(UnitStatus.AVAILABLE, 0) for f in s.force)
        also = f" dan {num(lent)} personel pinjaman pos" if lent else ""
        items.append(
            f"Kekuatan cadangan {num(teams)} tim ({num(officers)} personel): "
            f"{num(len(out))} tim ({num(sum(d.officers for d in out))} personel){also} sedang "
            f"dikerahkan, {num(ready)} tim ({num(sum(f.officers_available for f in s.force))} "
            f"personel) siaga.")
    return Section("I", "Situasi umum", tuple(items))


def _incident(i: IncidentLine, s: Sitrep) -> str:
    h = s.header
    today = h.local.date()
    text = i.text.strip()
    said = f' Laporan: "{text}".' if text else ""
    held = f"{_STATUS.get(i.status.value, i.status.value)} oleh {_LEVEL.get(i.level.value, '')}"
    done = []
    if h.reserves:
        sent = [d for d in s.dispatches if d.incident_id == i.id]
        done.append(f"telah dikirim {_units(sent, s)}" if sent else "belum ada unit dikirim")
    done += list(i.notes)
    action = f" Tindakan: {'; '.join(done)}." if done else ""
    verified = " (terverifikasi)" if i.verified else ""
    when = _clock(i.reported_at, h.zone, today)
    return (f"{when[0].upper()}{when[1:]}, {i.place}: "
            f"{i.kind_label_id}, tingkat {_SEVERITY.get(i.severity, str(i.severity))}"
            f"{verified}.{said} Status: {held}.{action}")


def _incidents(s: Sitrep, limit: int | None = None) -> Section:
    shown = notable(s)
    items = [_incident(i, s) for i in shown[:limit]]
    if limit is not None and len(shown) > limit:
        items.append(f"Dan {num(len(shown) - limit)} kejadian lain (lihat lampiran PDF).")
    if not items:
        items = ["Tidak ada kejadian menonjol."]
    return Section("II", "Kejadian menonjol", tuple(items), numbered=bool(shown))


def _actions(s: Sitrep, limit: int | None = None) -> Section:
    h = s.header
    if not h.reserves:
        return Section("III", "Tindakan yang telah diambil",
                       ("Rincian pengerahan unit tidak ditampilkan untuk peran ini.",))
    place = {i.id: i for i in s.incidents}
    by_incident: dict[str, list[DispatchLine]] = {}
    for d in s.dispatches:  # the incidents in the order of their first dispatch
        by_incident.setdefault(d.incident_id, []).append(d)
    items = []
    for incident_id, sent in list(by_incident.items())[:limit]:
        inc = place.get(incident_id)
        to = f"{inc.place} ({inc.kind_label_id})" if inc else f"TPS {sent[0].tps_id}"
        items.append(f"Ke {to}: {_units(sent, s, when=True)}.")
    if limit is not None and len(by_incident) > limit:
        items.append(f"Dan pengerahan ke {num(len(by_incident) - limit)} kejadian lain.")
    bko = [d for d in s.dispatches if d.owner_code == POOL and d.status != UnitStatus.AVAILABLE]
    if bko:
        items.append(f"BKO dari {s.names.get(POOL, 'Polda')}: {num(len(bko))} tim "
                     f"({num(sum(d.officers for d in bko))} personel).")
    held = [i for i in s.open_incidents if i.level.value in ("polres_ops", "polda_ops")]
    if held:
        items.append(f"{num(len(held))} kejadian terbuka telah dieskalasi dan ditangani "
                     f"langsung oleh Ops Polres/Polda.")
    if not items:
        items = ["Belum ada pengerahan unit cadangan."]
    return Section("III", "Tindakan yang telah diambil", tuple(items),
                   numbered=bool(s.dispatches))


def _conclusions(s: Sitrep) -> Section:
    h, total = s.header, s.total
    items = []
    severe = [i for i in s.open_incidents if i.severity == 3]
    if severe:
        where = ", ".join(i.tps_name or i.tps_id for i in severe[:5])
        items.append(f"Terdapat {num(len(severe))} kejadian berat yang masih terbuka ({where}): "
                     f"disarankan pimpinan memantau langsung sampai unit tiba dan situasi "
                     f"terkendali.")
    if h.reserves:
        bare = [i for i in s.open_incidents if not i.units_sent]
        if bare:
            items.append(f"{num(len(bare))} kejadian terbuka belum mendapat pengerahan unit: "
                         f"segera tentukan tindakan.")
        teams = sum(f.teams for f in s.force)
        busy = sum(f.teams - f.by_status.get(UnitStatus.AVAILABLE, 0) for f in s.force)
        if teams:
            items.append(f"Tim cadangan dikerahkan {num(busy)} dari {num(teams)} "
                         f"({_pct(busy, teams)}%)"
                         + (": tidak ada tim siaga, ajukan BKO." if busy == teams else "."))
        for w in s.floor_warnings:
            offer = (f"; disarankan BKO {w.bko[0].team_id} dari {s.names.get(POOL, 'Polda')} "
                     f"(±{num(w.bko[0].minutes)} menit)") if w.bko else ""
            items.append(f"Cadangan {w.name} di bawah batas minimum: {num(w.available)} dari "
                         f"{num(w.floor)} personel siaga{offer}.")
    if total.not_reported:
        worst = max(s.polres, key=lambda p: p.not_reported, default=None)
        most = (f", terbanyak di {worst.name} ({num(worst.not_reported)})"
                if worst is not None and len(s.polres) > 1 else "")
        items.append(f"{num(total.not_reported)} TPS ({_pct(total.not_reported, total.tps)}%) "
                     f"belum melapor{most}: disarankan Kapolsek dan Pawas menghubungi petugas "
                     f"pengamanan TPS tersebut.")
    elif total.tps:
        items.append("Semua TPS telah melapor.")
    items.append("Situasi secara umum masih memerlukan perhatian." if severe
                 else "Situasi secara umum aman dan terkendali.")
    return Section("IV", "Kesimpulan dan saran", tuple(items), numbered=len(items) > 1)


def narrative(s: Sitrep, *, limit: int | None = None) -> tuple[Section, ...]:
    """The four sections of the report, from its state; ``limit`` caps the incidents and
    dispatches listed one by one (the WhatsApp message's; None: all)."""
    return (_situation(s), _incidents(s, limit), _actions(s, limit), _conclusions(s))


def whatsapp(s: Sitrep) -> str:
    """The report as one WhatsApp message: *bold* headings, numbered lists, the Posko's time
    with its zone, who made it."""
    h = s.header
    where = h.jurisdiction or s.names.get(POOL, "Polda")
    lines = ["*LAPORAN SITUASI*"]
    if h.operation:
        lines.append(f"*{h.operation}*")
    lines.append(f"{where}, {date_id(h.local.date())} {_clock(h.as_of, h.zone, h.local.date())}")
    for sec in narrative(s, limit=WA_INCIDENTS):
        lines += ["", f"*{sec.number}. {sec.title.upper()}*"]
        if sec.numbered:
            lines += [f"{n}. {item}" for n, item in enumerate(sec.items, 1)]
        else:
            lines += list(sec.items)
    if h.made_by:
        lines += ["", f"Dibuat oleh: {h.made_by}"]
    return "\n".join(lines)
