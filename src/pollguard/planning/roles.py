"""Who fills which role in the operation: command and staff, Kapolsek, Pawas and Danton,
guards. Read from the roster's position (jabatan) where it names one, otherwise from rank and
unit by the profile's rules (``[planning.roles]``), and the plan says which it inferred.

The doctrine (docs/planning.md, the domain primer): commanders and staff are never TPS guards;
the Kapolsek commands the posts of his kecamatan (Kasubsatgas Pam TPS); perwira pertama
supervise clusters of posts (Pawas) or lead reserve units (Danton); bintara and tamtama guard
TPS in pairs, staff the fixed duties and fill the reserve units.

Inference without a position, per unit:

- a Polres, Polda or Satker: its highest rank (ties by NRP) is its head (Kaopsres at a Polres,
  Kaops at the Polda, the Satker's commander), the next at a Polres HQ the Wakaopsres;
- a Polsek: its highest rank is its Kapolsek, if he is a perwira (else the Polres commands the
  kecamatan's posts, and the plan says so);
- anyone else from ``command_min_rank`` (Kompol) up is command staff (Posko);
- ``supervisor_ranks`` (Ipda-AKP) are Pawas or Danton; ``guard_ranks`` guard.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from pollguard.domain.forces import Officer, Rank, UnitKind
from pollguard.planning.inputs import PlanInputs


@dataclass(frozen=True)
class CommandRole:
    """An officer in command or staff: never plotted to a TPS."""

    officer: Officer
    unit_code: str  # where he commands: a Polres, the Polda, a Satker or (Kapolsek) a Polsek
    position: str  # "Kaopsres", "Wakaopsres", "Kasubsatgas Pam TPS", "Staf Posko"...
    kecamatan_code: str | None = None  # a Kapolsek: the kecamatan whose posts he commands


@dataclass
class RoleBook:
    """Every officer in one role: command (with positions), supervisors (perwira free to be
    Pawas or Danton) and guards, each per owner (a Polres, or the pool)."""

    command: list[CommandRole] = field(default_factory=list)
    supervisors: dict[str, list[Officer]] = field(default_factory=dict)
    guards: dict[str, list[Officer]] = field(default_factory=dict)
    inferred: list[str] = field(default_factory=list)

    @property
    def kapolsek(self) -> dict[str, CommandRole]:
        """Kecamatan code -> its Kapolsek."""
        return {c.kecamatan_code: c for c in self.command if c.kecamatan_code}

    @property
    def command_nrps(self) -> frozenset[str]:
        return frozenset(c.officer.nrp for c in self.command)


def _words(text: str) -> str:
    return " " + re.sub(r"[^a-z0-9]+", " ", text.lower()).strip() + " "


def _names(keys: tuple[str, ...]) -> list[str]:
    return [_words(k) for k in keys]


def _says(position: str, keys: list[str]) -> bool:
    """A position names a role when one of its words (or word pairs) is a key: "Kapolsek
    Gunung Kerinci" is a Kapolsek, "Kabag Ops" command."""
    text = _words(position)
    return any(k in text for k in keys)


def assign(inputs: PlanInputs) -> RoleBook:
    """The roles of every officer of the scenario, deterministically."""
    rules = inputs.planning.roles
    guard_ranks = {Rank.parse(r) for r in rules.guard_ranks}
    supervisor_ranks = {Rank.parse(r) for r in rules.supervisor_ranks}
    command_from = Rank.parse(rules.command_min_rank)
    command_keys = _names(rules.command_positions)
    kapolsek_keys = _names(rules.polsek_command_positions)
    units = inputs.units
    book = RoleBook()
    by_unit: dict[str, list[Officer]] = defaultdict(list)
    for o in inputs.scenario.officers:
        by_unit[o.unit_code].append(o)
    placed: set[str] = set()
    have_positions = any(o.position.strip() for o in inputs.scenario.officers)

    def command(o: Officer, unit_code: str, position: str, kec: str | None = None) -> None:
        book.command.append(CommandRole(o, unit_code, position, kec))
        placed.add(o.nrp)

    # 1. Positions the roster names.
    for o in sorted(inputs.scenario.officers, key=lambda o: o.nrp):
        if not o.position.strip():
            continue
        unit = units.get(o.unit_code)
        if _says(o.position, kapolsek_keys) and unit is not None \
                and unit.kind == UnitKind.POLSEK and unit.jurisdiction:
            command(o, unit.code, "Kasubsatgas Pam TPS", unit.jurisdiction[0])
        elif _says(o.position, command_keys):
            command(o, o.unit_code, o.position.strip())
    has_kapolsek = {c.unit_code for c in book.command if c.kecamatan_code}
    heads = {c.unit_code for c in book.command}
    # 2. Heads of units where no position named one.
    no_kapolsek: list[str] = []
    inferred_heads = 0
    for code, people in sorted(by_unit.items()):
        unit = units.get(code)
        if unit is None:
            continue
        free = sorted((o for o in people if o.nrp not in placed),
                      key=lambda o: (-int(o.rank), o.nrp))
        if not free:
            continue
        if unit.kind == UnitKind.POLSEK and code not in has_kapolsek:
            head = free[0]
            if head.rank.is_perwira and unit.jurisdiction:
                command(head, code, "Kasubsatgas Pam TPS", unit.jurisdiction[0])
                inferred_heads += 1
            else:
                no_kapolsek.append(unit.name)
        elif unit.kind in (UnitKind.POLRES, UnitKind.POLDA, UnitKind.SATKER) \
                and code not in heads:
            head = free[0]
            if head.rank >= command_from or head.rank.is_perwira:
                title = {UnitKind.POLRES: "Kaopsres", UnitKind.POLDA: "Kaops"}.get(
                    unit.kind, "Kasatgas")
                command(head, code, title)
                inferred_heads += 1
                if unit.kind == UnitKind.POLRES and len(free) > 1 \
                        and free[1].rank >= command_from:
                    command(free[1], code, "Wakaopsres")
    if inferred_heads:
        book.inferred.append(
            f"{inferred_heads} komandan (Kapolres, Kapolsek, pimpinan satker) disimpulkan dari "
            "pangkat tertinggi di satuannya" + ("" if have_positions else
                                              " (daftar personel tanpa kolom jabatan)"))
    if no_kapolsek:
        book.inferred.append(
            f"{len(no_kapolsek)} Polsek tanpa perwira ({', '.join(no_kapolsek[:5])}"
            + (" ..." if len(no_kapolsek) > 5 else "")
            + f"): pos-pos {inputs.scenario.info.levels.lower}nya dikendalikan langsung "
            "oleh Polres")
    # 3. Everyone else by rank.
    staff = 0
    for o in sorted(inputs.scenario.officers, key=lambda o: o.nrp):
        if o.nrp in placed:
            continue
        owner = inputs.owner_of(o)
        if o.rank >= command_from or (o.rank not in guard_ranks
                                       and o.rank not in supervisor_ranks):
            unit = units.get(o.unit_code)
            at = owner if owner in units else (unit.code if unit else o.unit_code)
            if unit is not None and unit.kind in (UnitKind.POLDA, UnitKind.SATKER):
                at = unit.code
            command(o, at, "Staf Posko")
            staff += 1
        elif o.rank in supervisor_ranks:
            book.supervisors.setdefault(owner, []).append(o)
        else:
            book.guards.setdefault(owner, []).append(o)
    if staff:
        book.inferred.append(f"{staff} perwira menengah ke atas ditempatkan sebagai staf Posko "
                             f"(pangkat {Rank.parse(rules.command_min_rank).label} ke atas "
                             "tidak menjaga TPS)")
    return book
