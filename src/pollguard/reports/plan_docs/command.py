"""The command plan as the documents read it: who commands and who supervises each post (the
Kapolsek of its kecamatan, the Pawas of its cluster), each reserve team's Danton, the TNI and
Linmas of a Polres's area, what a short force gave up, and the names that go on paper (a TPS
as "TPS 002 Desa X", equipment as "CCTV 1, HT 2"). The workbooks, the cards and the summary
all ask here, so a Pawas is named the same way on a Sprin row, a guard's card and the
summary."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from pollguard.domain.command import POOL
from pollguard.domain.forces import Officer, UnitKind
from pollguard.domain.plan import (
    Assignment,
    LinmasShortfall,
    Post,
    ReserveKind,
    ReserveTeam,
    Role,
    Shortfall,
    Supervision,
    TniAllocation,
    TniPost,
)
from pollguard.domain.regions import LevelNames, RegionKind, RegionLevel, ancestor_at
from pollguard.i18n import catalogue, translate
from pollguard.planning.view import PlanView

#: How a reserve team is formed and where TNI stand, as the Sprin writes them (the string
#: catalogue's ``plan.reserve_kind.*`` and ``plan.tni_kind.*``, shared with the pages).
RESERVE_KIND_LABEL = {k: catalogue("id")[f"plan.reserve_kind.{k.value}"] for k in ReserveKind}
TNI_KINDS = ("static", "mobile")


def tni_kind_label(kind: str, levels: LevelNames) -> str:
    """"Pos statis (TPS sangat rawan)", "Tim mobile (kecamatan)" (Papua: "(distrik)")."""
    if kind not in TNI_KINDS:
        return kind
    return translate("id", f"plan.tni_kind.{kind}", levels.words())


KAPOLSEK_POSITION = "Kasubsatgas Pam TPS"
TNI_TOTAL = "total"  # the TniAllocation row of the whole Korem


def equipment_label(item: str) -> str:
    """An equipment key of the profile (``cctv``, ``radio``) as the documents name it
    (``plan.equipment.<key>`` in the string catalogue), or the key itself made readable."""
    return catalogue("id").get(f"plan.equipment.{item}") or item.replace("_", " ").capitalize()


def equipment_text(items: Iterable[tuple[str, int]]) -> str:
    """``CCTV 1, HT (radio) 2``; "—" for none."""
    return ", ".join(f"{equipment_label(k)} {n}" for k, n in items if n) or "—"


#: Command positions in the order a Sprin lists them (the first word a position starts with).
_PRECEDENCE = (("kapolda", "kapolres", "kapolresta", "kaops", "kaopsres", "kasatgas",
                "kasubsatgas"),
               ("wakapolda", "wakapolres", "wakapolresta", "wakaops", "wakaopsres"),
               ("karo", "kabag", "dir", "wadir"),
               ("kasat", "kasubbag", "kasi", "kaur", "kasium"),
               ("staf",), ("perwira", "padal"))
_STAFF = 4  # from here on: staff and Padal, listed after every commander


def _precedence(position: str) -> int:
    """Where a command position stands in the Sprin's list (named positions the list does
    not know sit with the Kasat)."""
    first = position.strip().lower().split(" ", 1)[0] if position.strip() else ""
    return next((i for i, words in enumerate(_PRECEDENCE) if first in words), 3)


def rank_name(o: Officer | None) -> str:
    """``Ipda Budi Santoso``, or "—" where there is none."""
    return f"{o.rank.label} {o.name}" if o else "—"


def phone(o: Officer | None) -> str:
    return (o.phone or "—") if o else "—"


def with_phone(o: Officer | None) -> str:
    """``Ipda Budi Santoso · 0812...``: how a card names whom to call."""
    return f"{rank_name(o)} · {o.phone}" if o and o.phone else rank_name(o)


@dataclass(frozen=True)
class CommandView:
    """The look-ups above over one ``PlanView``, built once per document."""

    ix: PlanView

    # --- names --------------------------------------------------------------------------

    @cached_property
    def _desa_kind(self) -> dict[str, RegionKind]:
        return {r.code: r.kind for r in self.ix.scenario.regions
                if r.level == RegionLevel.DESA}

    def desa_label(self, desa_code: str) -> str:
        """``Desa Selam Paung`` or ``Kel. Lempur Tengah``."""
        name = self.ix.names.get(desa_code, desa_code)
        kind = self._desa_kind.get(desa_code)
        return f"Kel. {name}" if kind == RegionKind.KELURAHAN else f"Desa {name}"

    def tps_label(self, tps_id: str) -> str:
        """``TPS 002 Desa Selam Paung`` (the id where the scenario lacks the TPS)."""
        t = self.ix.tps.get(tps_id)
        return f"TPS {t.number:03d} {self.desa_label(t.desa_code)}" if t else tps_id

    def post_tps(self, post: Post) -> str:
        """The post's TPS by desa: ``TPS 001, 002 Desa A; TPS 004 Kel. B``."""
        by_desa: dict[str, list[int]] = defaultdict(list)
        for t in post.tps_ids:
            if t in self.ix.tps:
                by_desa[self.ix.tps[t].desa_code].append(self.ix.tps[t].number)
        return "; ".join(f"TPS {', '.join(f'{n:03d}' for n in ns)} {self.desa_label(d)}"
                         for d, ns in by_desa.items()) or ", ".join(post.tps_ids)

    def kecamatan_label(self, code: str) -> str:
        """``Kec. Gunung Raya`` (Papua: ``Distrik Wamena``)."""
        return self.ix.levels.of(self.ix.kecamatan_name(code))

    # --- command and supervision ----------------------------------------------------------

    def officer(self, nrp: str | None) -> Officer | None:
        return self.ix.officers.get(nrp) if nrp else None

    @cached_property
    def command(self) -> dict[str, list[Assignment]]:
        """Owner -> its command and staff in Sprin order: commanders first (the Polda's, its
        Satker's, the Polres's head, deputy, Kabag and Kasat, then each Kapolsek by
        kecamatan; by rank within each), then Posko staff and Padal."""
        level = {UnitKind.POLDA: 0, UnitKind.SATKER: 1, UnitKind.POLRES: 2,
                 UnitKind.POLSEK: 3}
        out: dict[str, list[Assignment]] = defaultdict(list)
        rows = [a for a in self.ix.plan.assignments if a.role == Role.COMMAND]

        def key(a: Assignment) -> tuple[bool, int, str, int, int, str]:
            unit = self.ix.units.get(a.target_id)
            at = level.get(unit.kind, 4) if unit else 4
            o = self.ix.officers.get(a.nrp)
            precedence = _precedence(a.position)
            return (precedence >= _STAFF, at, a.target_id if at in (1, 3) else "", precedence,
                    -int(o.rank) if o else 0, a.nrp)

        for a in sorted(rows, key=key):
            out[self.ix.owner_of_target(a)].append(a)
        return dict(out)

    @cached_property
    def supervising(self) -> dict[str, list[Assignment]]:
        """Owner -> its Pawas assignments by cluster."""
        out: dict[str, list[Assignment]] = defaultdict(list)
        for a in sorted((a for a in self.ix.plan.assignments if a.role == Role.SUPERVISOR),
                        key=lambda a: a.target_id):
            out[self.ix.owner_of_target(a)].append(a)
        return dict(out)

    def ordered(self, owner: str) -> list[Assignment]:
        """Every officer ``owner``'s documents plot, in document order: command and staff,
        the Pawas, then posts, duties and reserve teams (``PlanView.ordered``)."""
        return [*self.command.get(owner, []), *self.supervising.get(owner, []),
                *(a for a in self.ix.ordered.get(owner, [])
                  if a.role not in (Role.COMMAND, Role.SUPERVISOR))]

    def polsek_of(self, a: Assignment) -> str | None:
        """The kecamatan a Kapolsek's command covers (his target is his Polsek)."""
        unit = self.ix.units.get(a.target_id)
        if a.role == Role.COMMAND and unit is not None and unit.kind == UnitKind.POLSEK \
                and unit.jurisdiction:
            return unit.jurisdiction[0]
        return None

    @cached_property
    def kapolsek(self) -> dict[str, Assignment]:
        """Kecamatan code -> the Kapolsek commanding its posts."""
        out: dict[str, Assignment] = {}
        for rows in self.command.values():
            for a in rows:
                kec = self.polsek_of(a)
                if kec and (kec not in out or (a.position.startswith(KAPOLSEK_POSITION)
                                               and not out[kec].position.startswith(
                                                   KAPOLSEK_POSITION))):
                    out[kec] = a
        return out

    def kapolsek_of(self, kecamatan_code: str) -> Officer | None:
        a = self.kapolsek.get(kecamatan_code)
        return self.officer(a.nrp) if a else None

    def position(self, a: Assignment) -> str:
        """His place in the operation: the plan's (``Assignment.position``), a Kapolsek's
        with his kecamatan ("Kasubsatgas Pam TPS Kec. X"), or the role's name."""
        kec = self.polsek_of(a)
        text = a.position.strip()
        if kec and (not text or text == KAPOLSEK_POSITION):
            return f"{KAPOLSEK_POSITION} {self.kecamatan_label(kec)}"
        if text:
            return text
        if a.role == Role.SUPERVISOR:
            return "Pawas"
        if a.role == Role.RESERVE and a.target_id in self.ix.teams \
                and self.ix.teams[a.target_id].leader_nrp == a.nrp:
            return "Danton"
        return {Role.COMMAND: "Staf Posko", Role.POST: "Penjaga TPS"}.get(a.role, "")

    def seat(self, a: Assignment) -> str:
        """Where a commander sits: "Posko Polres X", or his Polsek."""
        unit = self.ix.units.get(a.target_id)
        if unit is not None and unit.kind in (UnitKind.POLSEK, UnitKind.SATKER):
            return unit.name
        return f"Posko {self.ix.unit_name(unit.code if unit else POOL)}"

    @cached_property
    def cluster_of_post(self) -> dict[str, Supervision]:
        return {p: c for c in self.ix.plan.supervisions for p in c.post_ids}

    def pawas_of(self, post_id: str) -> Officer | None:
        c = self.cluster_of_post.get(post_id)
        return self.officer(c.nrp) if c else None

    def pawas_text(self, post_id: str) -> str:
        """The Pawas column of a post: his rank and name, "belum ada Pawas" for a cluster
        none was found for, "—" for a post no cluster holds."""
        c = self.cluster_of_post.get(post_id)
        if c is None:
            return "—"
        return rank_name(self.officer(c.nrp)) if c.nrp else "belum ada Pawas (kekurangan)"

    def supervisions_of(self, owner: str) -> list[Supervision]:
        return sorted((c for c in self.ix.plan.supervisions if c.polres_code == owner),
                      key=lambda c: c.cluster_id)

    def cluster_label(self, c: Supervision) -> str:
        """"Klaster 1 Kec. Gunung Raya": the cluster as a Kapolsek names it (its number within
        the kecamatan), not its id ``PW-15.01.01-01``."""
        number = c.cluster_id.rsplit("-", 1)[-1]
        which = f"Klaster {int(number)}" if number.isdigit() else c.cluster_id
        return f"{which} {self.kecamatan_label(c.kecamatan_code)}"

    # --- reserve teams ------------------------------------------------------------------

    def team_name(self, team: ReserveTeam) -> str:
        """The call sign the radio net uses, or the team id where it has none."""
        return team.call_sign or team.team_id

    def danton(self, team: ReserveTeam) -> Officer | None:
        return self.officer(team.leader_nrp)

    def teams_of(self, owner: str) -> list[ReserveTeam]:
        return [t for t in self.ix.plan.reserves if t.owner_code == owner]

    # --- TNI, Linmas, shortfalls per Polres -------------------------------------------------

    def _polres_of_region(self, code: str) -> str:
        """The Polres whose jurisdiction holds a TPS's or region's kab/kota."""
        if code in self.ix.tps:
            return self.ix.polres_of_tps(self.ix.tps[code])
        try:
            return self.ix.polres_of_kab.get(ancestor_at(code, RegionLevel.KABKOTA), "")
        except ValueError:
            return ""

    def tni_posts_of(self, owner: str) -> list[TniPost]:
        """The TNI posts in ``owner``'s kab/kota (the pool: all of them)."""
        return [p for p in self.ix.plan.tni_posts
                if owner == POOL or self._polres_of_region(p.target) == owner]

    def tni_target(self, p: TniPost) -> str:
        if p.kind == "static":
            return self.tps_label(p.target)
        return self.kecamatan_label(p.target)

    def tni_kecamatan(self, p: TniPost) -> str:
        t = self.ix.tps.get(p.target)
        code = ancestor_at(t.desa_code, RegionLevel.KECAMATAN) if t else p.target
        return self.ix.kecamatan_name(code)

    def tni_of(self, owner: str) -> list[TniAllocation]:
        """The Kodim allocations that cover ``owner``'s kab/kota (the pool: every Kodim and
        the Korem's total row last)."""
        rows = [a for a in self.ix.plan.tni if a.unit_code != TNI_TOTAL]
        if owner == POOL:
            total = [a for a in self.ix.plan.tni if a.unit_code == TNI_TOTAL]
            return rows + total
        kabs = set(self.ix.units[owner].jurisdiction) if owner in self.ix.units else set()
        return [a for a in rows if a.unit_code in self.ix.units
                and kabs & set(self.ix.units[a.unit_code].jurisdiction)]

    def tni_unit_name(self, code: str) -> str:
        if code == TNI_TOTAL:
            korem = next((u for u in self.ix.scenario.units if u.kind == UnitKind.KOREM), None)
            return f"Jumlah ({korem.name})" if korem else "Jumlah"
        return self.ix.unit_name(code)

    def linmas_of(self, owner: str) -> list[LinmasShortfall]:
        return [x for x in self.ix.plan.linmas_short
                if owner == POOL or self._polres_of_region(x.desa_code) == owner]

    def shortfalls_of(self, owner: str | None) -> list[Shortfall]:
        """What the plan gave up, in order: ``owner``'s own, or every one (None)."""
        return sorted((x for x in self.ix.plan.shortfalls if owner is None or x.owner == owner),
                      key=lambda x: x.order)

    def owner_name(self, code: str) -> str:
        return self.ix.unit_name(code) if code in self.ix.units or code == POOL else code

    # --- equipment ----------------------------------------------------------------------

    def equipment_totals(self, posts: Iterable[Post]) -> list[tuple[str, int, int]]:
        """(item, total count, posts carrying it) over ``posts``, most common first."""
        count: Counter[str] = Counter()
        carrying: Counter[str] = Counter()
        for p in posts:
            for item, n in p.equipment:
                if n:
                    count[item] += n
                    carrying[item] += 1
        return [(item, n, carrying[item]) for item, n in count.most_common()]
