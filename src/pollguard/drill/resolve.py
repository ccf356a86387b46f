"""Resolution: every line of a drill fitted to the server it is about to play against, before
anything is sent. TPS selectors become TPS ids (``GET /map/tps`` and the region names), each
report gets the officer plotted at its TPS in the plan in force (the plotting table) and its
client id, incident labels become incident ids, ``"as"`` the Polres or Polsek that acts. A line
that does not resolve stops the drill with every problem listed (``UnresolvedError``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from pollguard.domain.regions import digits
from pollguard.drill.client import API, DrillError, Server
from pollguard.drill.timeline import (
    ACTIONS,
    Area,
    Dispatch,
    Entry,
    Report,
    Timeline,
    UnitStep,
    client_id,
    only,
)
from pollguard.profile.operations import DEFAULT_KINDS
from pollguard.scenario.problems import InvalidInputError, Problem

# What each kind of line needs of the server (paths as in its OpenAPI, parameters as {}).
ROUTES = {"report": [("post", "/reports")],
          "step": [("get", "/incidents/{}"), ("post", "/incidents/{}/steps")],
          "dispatch": [("get", "/incidents/{}"), ("post", "/incidents/{}/dispatches")],
          "unit": [("get", "/incidents/{}"), ("post", "/dispatches/{}/steps")]}
_PREFIXES = ("kabupaten ", "kab. ", "kab ", "kota ", "kecamatan ", "kec. ")


class UnresolvedError(InvalidInputError):
    """Lines that do not fit the server (unknown place, TPS nobody guards, ...); nothing was
    sent."""


# -- What the server knows --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Tps:
    tps_id: str
    lat: float
    lon: float
    polres: str
    cls: str | None


@dataclass
class World:
    """The server's picture, read once before the drill starts."""

    plan_id: int
    tps: dict[str, Tps]
    kabkota: dict[str, str]  # code -> name
    kecamatan: dict[str, str]
    polsek: set[str]
    accounts: list[dict[str, Any]]
    incident_kinds: set[str]
    _guards: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    _loaded: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, server: Server) -> World:
        plans = server.json("/plans")
        if plans.get("current") is None:
            raise DrillError("the server has no plan in force: nobody is plotted to report")
        m = server.json("/map/tps")
        tps = {tid: Tps(tid, m["lat"][i], m["lon"][i], m["polres"][m["pol"][i]],
                        m["classes"][m["cls"][i]] if m["cls"][i] >= 0 else None)
               for i, tid in enumerate(m["ids"])}
        regions = server.json("/regions")
        frame = server.json("/map/frame")
        kinds = ({k["code"] for k in server.json("/incident-kinds")}
                 if server.has("get", "/incident-kinds") else {k.code for k in DEFAULT_KINDS})
        return cls(plan_id=int(plans["current"]), tps=tps,
                   kabkota={r["code"]: r["name"] for r in regions["kabkota"]},
                   kecamatan={r["code"]: r["name"] for r in frame["regions"]
                              if r["level"] == "kecamatan"},
                   polsek={r["code"] for r in regions["polsek"]},
                   accounts=server.json("/accounts"), incident_kinds=kinds)

    def guards(self, server: Server, tps_id: str) -> list[str]:
        """NRPs of the officers whose post guards the TPS in the plan in force, pair order.
        The plotting table is read once per Polres (a page of up to 1,000 rows at a time)."""
        polres = self.tps[tps_id].polres
        if polres not in self._loaded:
            offset, total = 0, 1
            while offset < total:
                page = server.json(f"/plans/{self.plan_id}/plotting", polres=polres,
                                   limit=1000, offset=offset)
                total, rows = int(page["total"]), page["rows"]
                for r in rows:
                    if r["role"] == "post":
                        for t in r["tps"]:
                            self._guards.setdefault(t, []).append((r["pair"], r["nrp"]))
                offset += len(rows)
                if not rows:
                    break
            self._loaded.add(polres)
        return [nrp for _, nrp in sorted(self._guards.get(tps_id, []))]


def _norm(name: str) -> str:
    name = " ".join(name.lower().split())
    for prefix in _PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def _match(wanted: str, names: dict[str, str], what: str) -> str:
    """The code of the region called (or coded) ``wanted``; ValueError saying why not."""
    if wanted in names:
        return wanted
    exact = [c for c, n in names.items() if n.lower() == wanted.lower()]
    found = exact or [c for c, n in names.items() if _norm(n) == _norm(wanted)]
    if len(found) == 1:
        return found[0]
    if found:
        raise ValueError(f"{what} {wanted!r} is ambiguous: "
                         f"{', '.join(f'{c} {names[c]}' for c in sorted(found))} (give the code"
                         f"{' or the kabkota too' if what == 'kecamatan' else ''})")
    raise ValueError(f"no {what} {wanted!r} on this server")


# -- Resolution -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Target:
    """One report of a report line: the TPS, the officer sending it, its client id."""

    tps_id: str
    nrp: str
    client_id: str


@dataclass(frozen=True, slots=True)
class Planned:
    """A line resolved: its reports, or the incident (and its TPS) a command line acts on."""

    entry: Entry
    targets: tuple[Target, ...] = ()
    incident_id: str | None = None
    incident_label: str | None = None
    tps_id: str | None = None
    unit: str | None = None  # the Polres or Polsek that acts (None: the runner's account)
    ordinal: int = 0  # dispatch lines: 1 for the drill's first dispatch to this incident, ...


def resolve(timeline: Timeline, world: World, server: Server, *, run_id: str,
            actions: Iterable[str] = ACTIONS) -> list[Planned]:
    """Every line to play, resolved; UnresolvedError with each problem otherwise."""
    problems: list[Problem] = []
    played = only(timeline, actions)
    kinds_used = {e.action for e in played}
    for action in ACTIONS:
        missing = [f"{m.upper()} {API}{p}" for m, p in ROUTES[action] if action in kinds_used
                   and not server.has(m, p)]
        if missing:
            first = next(e.line for e in played if e.action == action)
            problems.append(Problem(timeline.source, first, "do", (
                f"this server has no {', '.join(missing)} for {action!r} lines: update it, "
                f"or play the other lines (--only report)")))
    incident_of: dict[str, tuple[str, str]] = {}  # label -> (incident id, TPS)
    dispatch_of: dict[str, str] = {}  # dispatch label -> incident label
    dispatch_count: Counter[str] = Counter()  # incident label -> dispatch lines so far
    out: list[Planned] = []
    playing = {e.line for e in played}
    for entry in timeline.entries:
        step = entry.step

        def bad(field: str, reason: str, line: int = entry.line) -> None:
            problems.append(Problem(timeline.source, line, field, reason))

        if isinstance(step, Report):
            targets = _targets(step, entry.line, world, server, run_id, bad)
            if step.label and len(targets) == 1:
                incident_of[step.label] = (targets[0].client_id, targets[0].tps_id)
            if entry.line in playing:
                out.append(Planned(entry, targets=tuple(targets)))
            continue
        ordinal = 0
        if isinstance(step, Dispatch):
            dispatch_count[step.incident] += 1
            ordinal = dispatch_count[step.incident]
            if step.label:
                dispatch_of[step.label] = step.incident
        label = dispatch_of.get(step.dispatch) if isinstance(step, UnitStep) else step.incident
        if entry.line not in playing:
            continue
        if label is None or label not in incident_of:
            continue  # its report line did not resolve: reported there
        incident_id, tps_id = incident_of[label]
        unit = None
        if step.as_ == "polres":
            unit = world.tps[tps_id].polres
        elif step.as_ == "polsek":
            kec = _kecamatan_of(tps_id)
            unit = f"polsek.{kec}"
            if unit not in world.polsek:
                bad("as", f"the kecamatan {kec} of TPS {tps_id} has no Polsek coded {unit}: "
                          f"use \"as\": \"polres\"")
        out.append(Planned(entry, incident_id=incident_id, incident_label=label,
                           tps_id=tps_id, unit=unit, ordinal=ordinal))
    if problems:
        raise UnresolvedError(problems)
    return out


def _kecamatan_of(tps_id: str) -> str:
    return f"{tps_id[0:2]}.{tps_id[2:4]}.{tps_id[4:6]}"


def _targets(step: Report, line: int, world: World, server: Server, run_id: str,
             bad: Callable[[str, str], None]) -> list[Target]:
    ids: list[str] = []
    for ref in step.refs:
        if isinstance(ref, str):
            if ref not in world.tps:
                bad("tps", f"no TPS {ref} on this server (or outside the account's view)")
            else:
                ids.append(ref)
            continue
        try:
            ids.extend(_area(ref, world))
        except ValueError as exc:
            bad("tps", str(exc))
    if len(set(ids)) != len(ids):
        bad("tps", "the line names a TPS twice")
    if step.kind == "incident" and step.incident_kind not in world.incident_kinds:
        bad("incident_kind", f"unknown incident kind {step.incident_kind!r} (this server "
                             f"knows: {', '.join(sorted(world.incident_kinds))})")
    out = []
    for tps_id in ids:
        guards = world.guards(server, tps_id)
        if not guards:
            bad("tps", f"nobody is plotted at TPS {tps_id} in plan {world.plan_id}: it has no "
                       f"officer to report from")
            continue
        out.append(Target(tps_id, guards[0], client_id(run_id, line, tps_id)))
    return out


def _area(area: Area, world: World) -> list[str]:
    prefix = ""
    if area.kabkota is not None:
        prefix = digits(_match(area.kabkota, world.kabkota, "kabkota"))
    if area.kecamatan is not None:
        names = {c: n for c, n in world.kecamatan.items() if digits(c).startswith(prefix)}
        prefix = digits(_match(area.kecamatan, names, "kecamatan"))
    pool = sorted(t for t, info in world.tps.items() if t.startswith(prefix)
                  and (area.cls is None or info.cls == area.cls.value))
    where = area.kecamatan or area.kabkota
    of_class = f" of class {area.cls.value}" if area.cls else ""
    out = []
    for p in area.picks:
        if p > len(pool):
            raise ValueError(f"pick {p}: {where} has {len(pool)} TPS{of_class}")
        out.append(pool[p - 1])
    return out
