"""The national picture merged from the Polda results: force balance per Polda, the TPS left
uncovered, and the BKO each Polda needs from Mabes to close its gap."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from pollguard.national.polda import PoldaResult


@dataclass(frozen=True)
class NationalPicture:
    results: tuple[PoldaResult, ...]  # one per Polda, by province code

    @classmethod
    def merge(cls, results: list[PoldaResult]) -> NationalPicture:
        return cls(tuple(sorted(results, key=lambda r: r.province_code)))

    @property
    def planned(self) -> list[PoldaResult]:
        return [r for r in self.results if r.ok]

    @property
    def failed(self) -> list[PoldaResult]:
        return [r for r in self.results if not r.ok]

    def total(self, field: str) -> int:
        return sum(int(getattr(r, field)) for r in self.planned)

    @property
    def classes(self) -> dict[str, int]:
        out: Counter[str] = Counter()
        for r in self.planned:
            out.update(r.classes)
        return dict(sorted(out.items()))

    @property
    def mabes_bko(self) -> dict[str, int]:
        """Officers each short Polda needs from Mabes (BKO) after using its own pool."""
        return {r.province_code: r.bko_needed for r in self.planned if r.bko_needed}

    @property
    def uncovered(self) -> int:
        return sum(len(r.uncovered) for r in self.planned)
