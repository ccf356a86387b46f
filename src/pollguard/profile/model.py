"""The profile's shape and its validation (pydantic), read from and written to TOML."""

from __future__ import annotations

import tomllib
from collections import Counter
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any, Self

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from pollguard.domain.risk import RiskClass
from pollguard.profile.neutrality import political_reference
from pollguard.profile.operations import Operations

DEFAULT_PROFILE = "id-pilkada-2024"


class ProfileError(ValueError):
    """A profile that cannot be used, with every reason found (``file:line?:key: reason``)."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(f"{source}: {p}" for p in problems))


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class IndicatorType(StrEnum):
    FLAG = "flag"  # present (1) or not (0): the points are the weight
    COUNT = "count"  # a number: points = weight * min(value, saturation) / saturation


class Variable(_Model):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name_id: str
    name_en: str
    source: str = "bawaslu"  # who defines it: bawaslu, polri, local


class Indicator(_Model):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    variable: str
    name_id: str
    name_en: str
    type: IndicatorType = IndicatorType.FLAG
    weight: float = Field(ge=0, le=100)
    saturation: float = Field(default=1, gt=0)  # for counts: the value that earns the weight
    description: str = ""


class Rule(_Model):
    """A hard rule: when any listed indicator (or any indicator of a listed variable) is
    present, the class is at least ``min_class`` whatever the score."""

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    min_class: RiskClass
    indicators: tuple[str, ...] = ()
    variables: tuple[str, ...] = ()
    reason_id: str
    reason_en: str

    @model_validator(mode="after")
    def _has_a_condition(self) -> Self:
        if not self.indicators and not self.variables:
            raise ValueError("a rule needs indicators or variables to fire on")
        if self.min_class is RiskClass.KHUSUS:
            raise ValueError("khusus comes from the TPS location, not from a rule")
        return self


class EventKind(_Model):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name_id: str
    name_en: str
    weight: float = Field(ge=0, le=100)  # points at distance 0, age 0, severity 3


class Spillover(_Model):
    """Events raise nearby TPS: weight * severity/3 * (1 - d/radius) * 0.5^(age/half_life),
    summed over events within the radius and capped. Towns are dense: a town TPS (in a
    kelurahan, or in any desa of a kota) feels events within ``urban_radius_km`` only."""

    radius_km: float = Field(default=5.0, gt=0)
    urban_radius_km: float = Field(default=1.5, gt=0)
    half_life_days: float = Field(default=365.0, gt=0)
    cap: float = Field(default=25.0, ge=0, le=100)


class Thresholds(_Model):
    rawan: float = Field(ge=0, le=100)
    sangat_rawan: float = Field(ge=0, le=100)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.sangat_rawan <= self.rawan:
            raise ValueError("sangat_rawan must be above rawan")
        return self


class Scoring(_Model):
    area_weight: float = Field(default=0.3, ge=0, le=1)  # points per point of area score
    spillover: Spillover = Spillover()
    thresholds: Thresholds


class Pattern(_Model):
    """Pola a-b-c: ``officers`` guard up to ``tps`` TPS with ``linmas`` Linmas per TPS. A
    pattern without ``tps`` is 2-N-2N: N is chosen by the planner within ``[min_n, max_n]``.
    Any strength is allowed (a re-vote takes 15 or 30-45); officers still work in pairs, and
    an odd last one joins the pair before. ``equipment`` counts items each post carries
    (``{cctv = 1, radio = 2}``)."""

    officers: int = Field(ge=1, le=100)
    tps: int | None = Field(default=None, ge=1, le=50)
    linmas_per_tps: int = Field(default=2, ge=0, le=10)
    equipment: dict[str, int] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _counted(self) -> Self:
        bad = [k for k, v in self.equipment.items() if v < 0 or not k.strip()]
        if bad:
            raise ValueError(f"equipment counts must be 0 or more: {', '.join(bad)}")
        return self


class Patterns(_Model):
    sangat_rawan: Pattern = Pattern(officers=2, tps=1)
    rawan: Pattern = Pattern(officers=2, tps=2)
    kurang_rawan: Pattern = Pattern(officers=2)
    khusus: Pattern = Pattern(officers=2, tps=1)

    def of(self, risk_class: RiskClass) -> Pattern:
        return {RiskClass.SANGAT_RAWAN: self.sangat_rawan, RiskClass.RAWAN: self.rawan,
                RiskClass.KURANG_RAWAN: self.kurang_rawan, RiskClass.KHUSUS: self.khusus}[
            risk_class]


class Duties(_Model):
    """Officers each fixed duty takes (all even: pairs). ``[planning.duty_minimums]`` has the
    same keys: the least a duty is cut to while any TPS is unguarded."""

    kpu_office_province: int = Field(default=6, ge=0)
    kpu_office_kabkota: int = Field(default=4, ge=0)
    bawaslu_office_province: int = Field(default=4, ge=0)
    bawaslu_office_kabkota: int = Field(default=2, ge=0)
    ppk_office: int = Field(default=2, ge=0)  # per kecamatan
    walpri_per_pair: int = Field(default=2, ge=0)  # per candidate pair
    escort_per_ppk: int = Field(default=2, ge=0)  # logistics escort per kecamatan


class DutyMinimums(_Model):
    """The least each duty keeps while a TPS is unguarded (the rest goes to TPS first)."""

    kpu_office_province: int = Field(default=2, ge=0)
    kpu_office_kabkota: int = Field(default=2, ge=0)
    bawaslu_office_province: int = Field(default=2, ge=0)
    bawaslu_office_kabkota: int = Field(default=2, ge=0)
    ppk_office: int = Field(default=0, ge=0)
    walpri_per_pair: int = Field(default=2, ge=0)  # close protection is never cut below a pair
    escort_per_ppk: int = Field(default=2, ge=0)


class Roles(_Model):
    """Who may fill which role in the operation (docs/planning.md). Ranks by their Sprin
    label (``Bripka``, ``AKP``); positions (jabatan) by words the roster's column contains,
    case-insensitive. Without a position column, roles follow rank and unit: the highest
    rank of a Polsek is its Kapolsek; ``command_min_rank`` and above (and the head of each
    Polres, Polda and Satker) are command and staff."""

    guard_ranks: tuple[str, ...] = ("Bharada", "Bharatu", "Bharaka", "Abripda", "Abriptu",
                                    "Abrip", "Bripda", "Briptu", "Brigpol", "Bripka",
                                    "Aipda", "Aiptu")
    supervisor_ranks: tuple[str, ...] = ("Ipda", "Iptu", "AKP")  # Pawas and Danton
    command_min_rank: str = "Kompol"
    #: Positions that are command or staff (never at a TPS), and the Kapolsek's.
    command_positions: tuple[str, ...] = (
        "kapolda", "wakapolda", "kapolres", "kapolresta", "wakapolres", "wakapolresta",
        "kabag", "kasat", "kasubbag", "kasi", "dir", "wadir", "kasatgas", "kaur", "kasium",
        "dansat", "wadansat")
    polsek_command_positions: tuple[str, ...] = ("kapolsek",)
    #: A Pawas supervises at most this many posts, all within the radius of his cluster.
    pawas_max_posts: int = Field(default=10, ge=1)
    pawas_radius_km_city: float = Field(default=5.0, gt=0)
    pawas_radius_km_rural: float = Field(default=25.0, gt=0)
    #: When a Polres and the pool have no perwira left, these ranks may stand in (empty: the
    #: cluster is listed without a Pawas).
    pawas_fallback_ranks: tuple[str, ...] = ("Aiptu",)

    @model_validator(mode="after")
    def _ranks(self) -> Self:
        from pollguard.domain.forces import Rank
        bad = []
        for name in (*self.guard_ranks, *self.supervisor_ranks, self.command_min_rank,
                     *self.pawas_fallback_ranks):
            try:
                Rank.parse(name)
            except ValueError:
                bad.append(name)
        if bad:
            raise ValueError(f"unknown Polri rank {', '.join(map(repr, bad))}")
        return self


class ReserveUnits(_Model):
    """Reserves are formed units with a Danton: a Samapta Dalmas platoon, a Brimob SST;
    officers of other branches form mixed platoons. ``call_sign`` is formatted with the
    unit kind's name, the owner's short name and the team's number."""

    dalmas_size: int = Field(default=30, ge=2)
    brimob_size: int = Field(default=32, ge=2)
    mixed_size: int = Field(default=30, ge=2)
    call_sign: str = "{kind} {owner} {n}"


class Travel(_Model):
    """Travel time = great-circle km x ``detour`` / speed of the destination's area type."""

    detour: float = Field(default=1.35, ge=1.0, le=3.0)
    city_kmh: float = Field(default=25.0, gt=0)
    rural_kmh: float = Field(default=40.0, gt=0)
    remote_kmh: float = Field(default=20.0, gt=0)
    remote_indicators: tuple[str, ...] = ("hard_to_reach", "difficult_terrain")


class Tni(_Model):
    static_per_sangat_rawan: int = Field(default=2, ge=0)  # TNI at each sangat rawan TPS
    mobile_team_size: int = Field(default=4, ge=0)  # one mobile team per kecamatan


class Planning(_Model):
    patterns: Patterns = Patterns()
    min_n: int = Field(default=3, ge=1)
    max_n: int = Field(default=24, ge=1)
    post_radius_km_city: float = Field(default=2.0, gt=0)
    post_radius_km_rural: float = Field(default=8.0, gt=0)
    surplus: str = Field(default="tighten", pattern="^(tighten|pool)$")
    pool_tighten_share: float = Field(default=1.0, ge=0, le=1)  # of the spare Polda pool
    reserve_share: float = Field(default=0.15, ge=0, le=0.9)
    #: While any TPS is unguarded the reserve keeps only this share (the rest guards TPS).
    reserve_floor_share: float = Field(default=0.05, ge=0, le=0.9)
    #: Once every TPS is guarded at the loosest pattern, what the officers left go to, in
    #: order: duties back to full strength, the reserve back to its share, tighter patterns.
    priorities: tuple[str, ...] = ("duties", "reserve", "patterns")
    reserve_team_size: int = Field(default=30, ge=2)
    reserve_branches: tuple[str, ...] = ("brimob", "samapta")
    reserve_units: ReserveUnits = ReserveUnits()
    roles: Roles = Roles()
    duties: Duties = Duties()
    duty_minimums: DutyMinimums = DutyMinimums()
    travel: Travel = Travel()
    tni: Tni = Tni()
    change_penalty_km: float = Field(default=50.0, ge=0)  # re-planning: cost of moving one

    @model_validator(mode="after")
    def _range(self) -> Self:
        if self.min_n > self.max_n:
            raise ValueError("min_n must not exceed max_n")
        if self.reserve_floor_share > self.reserve_share:
            raise ValueError("reserve_floor_share must not exceed reserve_share")
        if sorted(self.priorities) != ["duties", "patterns", "reserve"]:
            raise ValueError("priorities must list duties, reserve and patterns, each once, "
                             f"in the order they are given officers (got {self.priorities})")
        return self


class ProfileInfo(_Model):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    name: str
    description: str = ""
    version: int = 1


class ScenarioChecks(_Model):
    """Where a TPS may plausibly lie: farther than this from the point of its desa/kelurahan,
    or of its kecamatan, and ``scenario validate``, ``scenario load`` and ``import tps`` warn
    (they do not refuse: a TPS can sit at the edge of a large desa). The shipped values clear
    the Jambi scenario, synthetic or on real points, and the real Pemilu 2024 TPS list."""

    tps_max_km_from_desa: float = Field(default=25.0, gt=0)
    tps_max_km_from_kecamatan: float = Field(default=60.0, gt=0)


class Profile(_Model):
    profile: ProfileInfo
    scoring: Scoring
    variables: tuple[Variable, ...]
    indicators: tuple[Indicator, ...]
    rules: tuple[Rule, ...] = ()
    events: tuple[EventKind, ...] = ()
    planning: Planning = Planning()
    operations: Operations = Operations()
    scenario: ScenarioChecks = ScenarioChecks()

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        problems: list[str] = []
        for name, items in (("variable", self.variables), ("indicator", self.indicators),
                            ("rule", self.rules), ("event kind", self.events)):
            problems += [f"duplicate {name} code {c!r}"
                         for c, n in Counter(i.code for i in items).items() if n > 1]
        variables = {v.code for v in self.variables}
        indicators = {i.code for i in self.indicators}
        problems += [f"indicator {i.code!r}: unknown variable {i.variable!r}"
                     for i in self.indicators if i.variable not in variables]
        events = {e.code for e in self.events}
        problems += [f"incident kind {k.code!r}: unknown event kind {k.event!r}"
                     for k in self.operations.incident_kinds
                     if k.event is not None and k.event not in events]
        problems += [f"duplicate incident kind code {c!r}" for c, n in Counter(
            k.code for k in self.operations.incident_kinds).items() if n > 1]
        for r in self.rules:
            problems += [f"rule {r.code!r}: unknown indicator {c!r}"
                         for c in r.indicators if c not in indicators]
            problems += [f"rule {r.code!r}: unknown variable {c!r}"
                         for c in r.variables if c not in variables]
        texts: list[tuple[str, str, tuple[str, ...]]] = [
            ("indicator", i.code, (i.code.replace("_", " "), i.name_id, i.name_en,
                                   i.description)) for i in self.indicators]
        texts += [("event kind", e.code, (e.code.replace("_", " "), e.name_id, e.name_en))
                  for e in self.events]
        texts += [("incident kind", k.code, (k.code.replace("_", " "), k.label_id, k.label_en))
                  for k in self.operations.incident_kinds]
        texts += [("rule", r.code, (r.code.replace("_", " "), r.reason_id, r.reason_en))
                  for r in self.rules]
        for what, code, strings in texts:
            words = next((w for w in map(political_reference, strings) if w), None)
            if words:
                problems.append(f"{what} {code!r} names a party, candidate or political "
                                f"preference ({words!r}): a profile describes places and events "
                                "only (neutrality)")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    # -- lookups the scorer needs ------------------------------------------------------------
    def indicator(self, code: str) -> Indicator | None:
        return self._indicators().get(code)

    def event_kind(self, code: str) -> EventKind | None:
        return {e.code: e for e in self.events}.get(code)

    def _indicators(self) -> dict[str, Indicator]:
        return {i.code: i for i in self.indicators}

    def with_thresholds(self, *, rawan: float, sangat_rawan: float) -> Profile:
        scoring = self.scoring.model_copy(update={"thresholds": Thresholds(
            rawan=rawan, sangat_rawan=sangat_rawan)})
        return self.model_copy(update={"scoring": scoring})


def _locate(text: str, loc: tuple[Any, ...]) -> str:
    """``line N: key.path`` for an error's location, found best-effort: the table the key
    lies in (the longest prefix of the path written as ``[a.b.c]``, or the n-th
    ``[[a.b]]`` for an array item), then the key within that table; the table's own line
    when the error is about the table as a whole."""
    path = ".".join(str(p) for p in loc) or "-"
    lines = text.splitlines()
    parts = [str(p) for p in loc]
    start = -1
    rest = parts
    item = next((i for i, p in enumerate(loc) if isinstance(p, int)), None)
    if item is not None and item > 0:
        header = "[[" + ".".join(parts[:item]) + "]]"
        headers = [i for i, line in enumerate(lines) if line.strip() == header]
        if loc[item] < len(headers):
            start, rest = headers[loc[item]], parts[item + 1:]
    if start < 0:
        for n in range(len(parts), 0, -1):
            header = "[" + ".".join(parts[:n]) + "]"
            found = [i for i, line in enumerate(lines) if line.strip() == header]
            if found:
                start, rest = found[0], parts[n:]
                break
    if not rest:
        return f"line {start + 1}: {path}" if start >= 0 else path
    key = rest[0]
    for i in range(max(start, 0), len(lines)):
        stripped = lines[i].strip()
        if i > start and stripped.startswith("["):
            if start >= 0:
                break
            continue
        if stripped.startswith((f"{key} =", f"{key}=")):
            return f"line {i + 1}: {path}"
    return f"line {start + 1}: {path}" if start >= 0 else path


def parse_profile(text: str, *, source: str = "profile") -> Profile:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(source, [str(exc)]) from None
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        raise ProfileError(source, [f"{_locate(text, e['loc'])}: {e['msg']}"
                                    for e in exc.errors()]) from None


def load_profile(path: Path | str | None = None) -> Profile:
    """A profile from a TOML file, or the shipped default (``None`` or a shipped id)."""
    if path is None or str(path) == DEFAULT_PROFILE:
        text = resources.files("pollguard.profile").joinpath(
            "profiles", f"{DEFAULT_PROFILE}.toml").read_text(encoding="utf-8")
        return parse_profile(text, source=f"{DEFAULT_PROFILE}.toml")
    path = Path(path)
    if not path.is_file():
        raise ProfileError(str(path), ["no such file"])
    return parse_profile(path.read_text(encoding="utf-8"), source=str(path))


def dump_profile(profile: Profile) -> str:
    return tomli_w.dumps(profile.model_dump(mode="json", exclude_none=True))
