"""The part of the province a user may see: all of it, one Polres's kab/kota, or one Polsek's
kecamatan. Row-level filtering in the API goes through ``Scope``."""

from __future__ import annotations

from dataclasses import dataclass

from pollguard.domain.forces import UnitKind
from pollguard.domain.regions import RegionLevel, ancestor_at
from pollguard.domain.scenario import Scenario


@dataclass(frozen=True)
class Scope:
    """``kecamatan`` is None for the whole province; ``polres`` the Polres codes in view."""

    unit_code: str | None = None
    kecamatan: frozenset[str] | None = None
    polres: frozenset[str] | None = None

    @property
    def everything(self) -> bool:
        return self.kecamatan is None

    def sees_kecamatan(self, code: str) -> bool:
        return self.kecamatan is None or code in self.kecamatan

    def sees_polres(self, code: str) -> bool:
        return self.polres is None or code in self.polres

    def sees_force_of(self, owner_code: str) -> bool:
        """Whether the units ``owner_code`` holds (its reserve teams) are in view: all for
        the province, a Polres's own for it; a Polsek sees its own force, not its Polres's
        (its Polres is in ``polres`` for the region filters, but its reserve is not the
        Polsek's to watch or move)."""
        if self.everything:
            return True
        if self.unit_code is not None and self.polres is not None and (
                self.unit_code not in self.polres):  # a Polsek
            return owner_code == self.unit_code
        return self.sees_polres(owner_code)

    @classmethod
    def of_unit(cls, scenario: Scenario, unit_code: str | None) -> Scope:
        """The jurisdiction of a Polres (its kab/kota's kecamatan) or a Polsek (its kecamatan);
        the whole province for the Polda or no unit."""
        if unit_code is None:
            return cls()
        unit = next((u for u in scenario.units if u.code == unit_code), None)
        if unit is None:
            raise LookupError(f"no unit {unit_code} in the scenario")
        if unit.kind == UnitKind.POLDA:
            return cls(unit_code)
        kecamatan = [r.code for r in scenario.regions_at(RegionLevel.KECAMATAN)]
        if unit.kind == UnitKind.POLRES:
            kabs = set(unit.jurisdiction)
            chosen = {k for k in kecamatan if ancestor_at(k, RegionLevel.KABKOTA) in kabs}
            return cls(unit_code, frozenset(chosen), frozenset({unit_code}))
        if unit.kind == UnitKind.POLSEK:
            return cls(unit_code, frozenset(unit.jurisdiction),
                       frozenset({unit.parent_code}) if unit.parent_code else frozenset())
        raise LookupError(f"{unit_code} is a {unit.kind.value}: accounts are scoped to a "
                          "Polres or a Polsek")
