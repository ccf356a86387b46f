"""What the field app shows about an officer's post beyond the plan itself: each TPS by name with
the phase it has reached and the phases it may still report, and whom to call (the Pawas over
the post, the Polsek of its kecamatan, the Polres Posko). The phase order is sent from here so
that the phone keeps no copy of it that could drift from the server's."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from pydantic import BaseModel, Field

from pollguard.domain.forces import UnitKind
from pollguard.domain.names import tps_name
from pollguard.domain.plan import Post, Role
from pollguard.operations.field_reports import TpsPhase
from pollguard.services.snapshot import Snapshot


class Station(BaseModel):
    id: str
    name: str = Field(description='"TPS 002 Renah Kayu Embun, Kumun Debai": number, desa '
                                  'and kecamatan')
    phase: str | None = Field(description="the phase the server has stored; null: none yet")
    next_phases: list[str] = Field(description="the phases it may still report, in order; the "
                                               "first is the usual next step")


class Contact(BaseModel):
    kind: str = Field(description="pawas, polsek or posko")
    label: str = Field(description="who it is, by name")
    phone: str


def phase_order() -> list[str]:
    return [p.value for p in TpsPhase]


def stations(snap: Snapshot, reached: Mapping[str, TpsPhase], tps_ids: Sequence[str],
             may_report: bool) -> list[Station]:
    """Each TPS by name; a phase only moves forward, so what may follow is what comes after.
    Only a post's own guards report its phases (a Pawas or Kapolsek watches them): for the
    others nothing may follow. ``reached``: the stored phases (services.field_reports)."""
    out = []
    for tps_id in tps_ids:
        name = tps_name(snap.tps, snap.names, tps_id)
        at = reached.get(tps_id)
        rest = [p.value for p in TpsPhase if may_report and (at is None or p.rank > at.rank)]
        out.append(Station(id=tps_id, name=name, phase=at.value if at else None,
                           next_phases=rest))
    return out


def contacts(snap: Snapshot, posts: Iterable[Post]) -> list[Contact]:
    """The numbers a post's officer calls, those with a phone on record, each once."""
    view = snap.view
    out: list[Contact] = []
    seen: set[str] = set()

    def add(kind: str, label: str, phone: str | None) -> None:
        if phone and phone not in seen:
            seen.add(phone)
            out.append(Contact(kind=kind, label=label, phone=phone))

    for post in posts:
        for cluster in view.plan.supervisions:
            if post.post_id not in cluster.post_ids:
                continue
            for a in view.plan.assignments:
                if a.role == Role.SUPERVISOR and a.target_id == cluster.cluster_id:
                    o = view.officers.get(a.nrp)
                    if o:
                        add("pawas", f"Pawas {o.rank.label} {o.name}", o.phone)
        for u in snap.scenario.units:
            if u.kind == UnitKind.POLSEK and u.jurisdiction and \
                    u.jurisdiction[0] == post.kecamatan_code:
                add("polsek", u.name, u.phone)
        polres = snap.units.get(post.polres_code)
        if polres:
            add("posko", f"Posko {polres.name}", polres.phone)
    return out
