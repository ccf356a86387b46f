"""The two small tables ``pollguard scenario init`` reads besides the regions: which Polres
cover more than their own kab/kota (``--jurisdiction``), and the TNI's Korem and Kodim
(``--kodim``). A kab/kota is named by its code (``15.72`` or ``1572``) or by its name
(``Kota Sungai Penuh``, or ``Sungai Penuh`` where no other kab/kota of the province bears it).
Strict like every input: all problems at once, as ``file:row:column``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pollguard.scenario import kemendagri, naming
from pollguard.scenario.problems import InvalidInputError, Problem
from pollguard.scenario.tables import Row, cell_limits, read_csv

JURISDICTION_REQUIRED = ("polres_kabkota", "covers")
JURISDICTION_OPTIONAL = ("name", "hq")
KODIM_REQUIRED = ("korem", "kodim", "kabkota")
KODIM_OPTIONAL = ("korem_code", "kodim_code")
#: Unit names and codes as the database holds them (``units``: name 120, code 40).
_LIMITS_J = cell_limits((*JURISDICTION_REQUIRED, *JURISDICTION_OPTIONAL), name=120)
_LIMITS_K = cell_limits((*KODIM_REQUIRED, *KODIM_OPTIONAL), korem=120, kodim=120,
                        korem_code=40, kodim_code=40)
_UNIT_CODE = re.compile(r"^[a-z][a-z0-9_.]*$")


@dataclass(frozen=True)
class PolresCommand:
    """A Polres that ``--jurisdiction`` names: the kab/kota it is named after (its code gives
    the unit's code), the others it covers, its name where the rule's is wrong, and the
    kab/kota whose seat holds its HQ (None: its own)."""

    kabkota: str
    covers: tuple[str, ...] = ()
    name: str | None = None
    hq: str | None = None


@dataclass(frozen=True)
class TniCommand:
    """A Korem and, in order, its Kodim with the kab/kota each covers."""

    code: str
    name: str
    kodim: tuple[tuple[str, str, tuple[str, ...]], ...]  # (code, name, kab/kota codes)


class KabKotaFinder:
    """A province's kab/kota by code or by name, with the reason when one cannot be told."""

    def __init__(self, province_code: str) -> None:
        official = kemendagri.official_regions(province_code)
        self.province = official[0].name
        self.kab = [r for r in official if r.code.count(".") == 1]
        self.names = {r.code: r.name for r in self.kab}
        self._full = {_fold(r.name): r.code for r in self.kab}
        self._short: dict[str, list[str]] = {}
        for r in self.kab:
            self._short.setdefault(_fold(naming.short_name(r.name)), []).append(r.code)

    def find(self, text: str) -> tuple[str | None, str]:
        """The code of the kab/kota ``text`` names, or None and why not."""
        code = f"{text[:2]}.{text[2:]}" if re.fullmatch(r"\d{4}", text) else text
        if re.fullmatch(r"\d{2}\.\d{2}", code):
            if code in self.names:
                return code, ""
            return None, f"{text} is not a kab/kota of {self.province}"
        key = _fold(re.sub(r"^kab\.?\s+", "kabupaten ", text.strip(), flags=re.I))
        if key in self._full:
            return self._full[key], ""
        found = self._short.get(key, [])
        if len(found) == 1:
            return found[0], ""
        if found:
            return None, (f"{text!r} is ambiguous in {self.province}: "
                          + ", ".join(f"{self.names[c]} ({c})" for c in found)
                          + "; write the full name or the code")
        return None, (f"{text!r} is not a kab/kota of {self.province} (its kab/kota: "
                      + ", ".join(f"{r.name} ({r.code})" for r in self.kab) + ")")


def _fold(text: str) -> str:
    return " ".join(text.lower().split())


def read_jurisdiction(path: Path, province_code: str) -> dict[str, PolresCommand]:
    """``--jurisdiction``: one row per kab/kota a Polres covers beyond its own
    (``polres_kabkota,covers``: ``Kerinci,Sungai Penuh``), and optionally the Polres's
    ``name`` as Polri writes it and the kab/kota (``hq``) whose seat holds its HQ. A row with
    an empty ``covers`` only names the Polres or its HQ. A kab/kota is covered once, by a
    Polres of another kab/kota that is not itself covered."""
    table, problems = read_csv(path, required=JURISDICTION_REQUIRED,
                               optional=JURISDICTION_OPTIONAL, limits=_LIMITS_J)
    finder = KabKotaFinder(province_code)
    file = table.file
    covers: dict[str, list[str]] = {}
    names: dict[str, tuple[str, int]] = {}
    hqs: dict[str, tuple[str, int]] = {}
    covered_at: dict[str, tuple[str, int]] = {}
    rows: list[tuple[Row, str]] = []

    def kab(row: Row, column: str) -> str | None:
        code, why = finder.find(row.cells[column])
        if code is None:
            problems.append(Problem(file, row.line, table.label(column), why))
        return code

    for row in table.rows:
        if row.refused:
            continue
        c = row.cells
        if not c["polres_kabkota"]:
            problems.append(Problem(file, row.line, "polres_kabkota", "required value is empty"))
            continue
        own = kab(row, "polres_kabkota")
        other = kab(row, "covers") if c["covers"] else None
        hq = kab(row, "hq") if c.get("hq") else None
        if own is None:
            continue
        covers.setdefault(own, [])
        rows.append((row, own))
        if other is not None:
            if other == own:
                problems.append(Problem(file, row.line, "covers",
                                        f"{finder.names[own]} is the Polres's own kab/kota"))
            elif other in covered_at:
                first, line = covered_at[other]
                problems.append(Problem(file, row.line, "covers", f"{finder.names[other]} is "
                                        f"covered by the Polres of {finder.names[first]} "
                                        f"already (line {line})"))
            else:
                covered_at[other] = (own, row.line)
                covers[own].append(other)
        for column, value, seen in (("name", c.get("name", ""), names), ("hq", hq, hqs)):
            if not value:
                continue
            if own in seen and seen[own][0] != value:
                problems.append(Problem(file, row.line, column, f"the Polres of "
                                        f"{finder.names[own]} has another {column} on line "
                                        f"{seen[own][1]}"))
            seen.setdefault(own, (value, row.line))
    for row, own in rows:
        if own in covered_at:
            by, line = covered_at[own]
            problems.append(Problem(file, row.line, "polres_kabkota", f"{finder.names[own]} "
                                    f"is covered by the Polres of {finder.names[by]} (line "
                                    f"{line}): it has no Polres of its own"))
    for own, (hq, line) in hqs.items():
        if hq != own and hq not in covers.get(own, []):
            problems.append(Problem(file, line, "hq", f"{finder.names[hq]} is not in the "
                                    f"jurisdiction of the Polres of {finder.names[own]}"))
    if problems:
        raise InvalidInputError(problems)
    return {own: PolresCommand(own, tuple(sorted(covers[own])),
                               names.get(own, (None, 0))[0], hqs.get(own, (None, 0))[0])
            for own in covers}


def read_kodim(path: Path, province_code: str) -> tuple[TniCommand, ...]:
    """``--kodim``: one row per kab/kota a Kodim covers (``korem,kodim,kabkota``:
    ``Korem 042/Garuda Putih,Kodim 0417/Kerinci,Kerinci``). The units' codes are
    ``korem.<number>`` and ``kodim.<number>`` from the number in the name, or the
    ``korem_code``/``kodim_code`` columns. A kab/kota has one Kodim; a Kodim one Korem."""
    table, problems = read_csv(path, required=KODIM_REQUIRED, optional=KODIM_OPTIONAL,
                               limits=_LIMITS_K)
    finder = KabKotaFinder(province_code)
    file = table.file
    korem: dict[str, str] = {}  # code -> name
    kodim: dict[str, tuple[str, str, list[str]]] = {}  # code -> (name, korem, kab/kota)
    kab_at: dict[str, tuple[str, int]] = {}

    def code_of(row: Row, kind: str) -> str | None:
        given = row.cells.get(f"{kind}_code", "")
        if given:
            if _UNIT_CODE.match(given):
                return given
            problems.append(Problem(file, row.line, f"{kind}_code", f"a unit code is "
                                    f"lower-case letters, digits, '.' and '_': {given!r}"))
            return None
        number = re.search(r"\d+", row.cells[kind])
        if number:
            return f"{kind}.{number.group()}"
        problems.append(Problem(file, row.line, kind, f"no number in {row.cells[kind]!r} to "
                                f"make its code from: add a {kind}_code column"))
        return None

    for row in table.rows:
        if row.refused:
            continue
        empty = [c for c in KODIM_REQUIRED if not row.cells[c]]
        problems += [Problem(file, row.line, c, "required value is empty") for c in empty]
        if empty:
            continue
        rem, dim = code_of(row, "korem"), code_of(row, "kodim")
        kab, why = finder.find(row.cells["kabkota"])
        if kab is None:
            problems.append(Problem(file, row.line, table.label("kabkota"), why))
        if rem is None or dim is None or kab is None:
            continue
        if korem.setdefault(rem, row.cells["korem"]) != row.cells["korem"]:
            problems.append(Problem(file, row.line, "korem", f"{rem} is named "
                                    f"{korem[rem]!r} on an earlier line"))
        name, parent, kabs = kodim.setdefault(dim, (row.cells["kodim"], rem, []))
        if name != row.cells["kodim"]:
            problems.append(Problem(file, row.line, "kodim", f"{dim} is named {name!r} on an "
                                    "earlier line"))
        if parent != rem:
            problems.append(Problem(file, row.line, "korem", f"{dim} sits under {parent} on "
                                    "an earlier line"))
        if kab in kab_at:
            other, line = kab_at[kab]
            problems.append(Problem(file, row.line, "kabkota", f"{finder.names[kab]} is "
                                    f"covered by {other} already (line {line})"))
        else:
            kab_at[kab] = (dim, row.line)
            kabs.append(kab)
    clash = set(korem) & set(kodim)
    problems += [Problem(file, 2, "-", f"{c} is both a Korem and a Kodim") for c in clash]
    if problems:
        raise InvalidInputError(problems)
    return tuple(TniCommand(rem, name, tuple((dim, d_name, tuple(kabs))
                                             for dim, (d_name, parent, kabs) in kodim.items()
                                             if parent == rem))
                 for rem, name in korem.items())
