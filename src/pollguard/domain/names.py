"""How people name things in every page, document and answer: one definition, so that the
incident list, the reassessment, the sitrep and the plan diff never drift apart.

A TPS is named by its number, desa and kecamatan ("TPS 002 Renah Kayu Embun, Kumun
Debai"): TPS numbers restart in every desa and desa names repeat across kecamatan, so the
13-digit id is the only other unique name and nobody in a command room reads it."""

from __future__ import annotations

from collections.abc import Mapping

from pollguard.domain.regions import RegionLevel, ancestor_at
from pollguard.domain.tps import PollingStation

__all__ = ["tps_name"]


def tps_name(tps: Mapping[str, PollingStation], names: Mapping[str, str], tps_id: str) -> str:
    """``TPS 002 Renah Kayu Embun, Kumun Debai``; ``TPS <id>`` where the scenario lacks the
    TPS (an incident outlives a re-import), and without the kecamatan where it has no name."""
    t = tps.get(tps_id)
    if t is None:
        return f"TPS {tps_id}"
    kec = names.get(ancestor_at(t.desa_code, RegionLevel.KECAMATAN), "")
    return f"TPS {t.number:03d} {names.get(t.desa_code, t.desa_code)}" + (
        f", {kec}" if kec else "")
