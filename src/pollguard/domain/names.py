"""How people name things in every page, document and answer: one definition, so that the
incident list, the reassessment, the sitrep and the plan diff never drift apart.

A TPS is named by its number, desa and kecamatan ("TPS 002 Renah Kayu Embun, Kumun
Debai"): TPS numbers restart in every desa and desa names repeat across kecamatan, so the
13-digit id is the only other unique name and nobody in a command room reads it."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from pollguard.domain.forces import Officer
from pollguard.domain.plan import Post, ReserveTeam
from pollguard.domain.regions import RegionLevel, ancestor_at
from pollguard.domain.tps import PollingStation

__all__ = ["guarded_name", "officer_name", "place_name", "post_name", "team_name", "tps_name"]


def tps_name(tps: Mapping[str, PollingStation], names: Mapping[str, str], tps_id: str) -> str:
    """``TPS 002 Renah Kayu Embun, Kumun Debai``; ``TPS <id>`` where the scenario lacks the
    TPS (an incident outlives a re-import), and without the kecamatan where it has no name."""
    t = tps.get(tps_id)
    return f"TPS {tps_id}" if t is None else place_name(t.number, t.desa_code, names)


def place_name(number: int, desa_code: str, names: Mapping[str, str]) -> str:
    """``tps_name`` from a TPS's number and desa alone (what a query of two columns gives)."""
    kec = names.get(ancestor_at(desa_code, RegionLevel.KECAMATAN), "")
    return f"TPS {number:03d} {names.get(desa_code, desa_code)}" + (f", {kec}" if kec else "")


def officer_name(officer: Officer, *, with_nrp: bool) -> str:
    """``Iptu Andi Saputra``, with ``(NRP)`` only for a reader who may see personnel: the NRP
    is personal data, and the rank and name are how the radio net calls him."""
    name = f"{officer.rank.label} {officer.name}"
    return f"{name} ({officer.nrp})" if with_nrp else name


def team_name(team: ReserveTeam, leader: Officer | None, *, with_nrp: bool) -> str:
    """``Dalmas Kerinci 1 — Iptu Andi``: the team by its call sign and its Danton (the id
    only where a plan from before call signs has none)."""
    call = team.call_sign or team.team_id
    return f"{call} — {officer_name(leader, with_nrp=with_nrp)}" if leader else call


def post_name(post: Post, tps: Mapping[str, PollingStation], names: Mapping[str, str]) -> str:
    """``Pos TPS 002 Renah Kayu Embun, Kumun Debai (+1 TPS)``: a post by its first TPS and
    how many more it guards (a post's id names nothing anybody reads)."""
    return guarded_name(post.post_id, post.tps_ids, lambda t: tps_name(tps, names, t))


def guarded_name(post_id: str, tps_ids: Sequence[str], name_of: Callable[[str], str]) -> str:
    """``post_name`` from a post's TPS ids and a way to name a TPS."""
    if not tps_ids:
        return f"Pos {post_id}"
    more = len(tps_ids) - 1
    return f"Pos {name_of(tps_ids[0])}" + (f" (+{more} TPS)" if more else "")
