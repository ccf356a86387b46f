"""The profile's voting-day settings, ``[operations]``: the incident catalogue, the escalation
limits and the reinforcement settings.

They are doctrine, like the patterns and the indicators, so they live with the rest of the
profile at the bottom of the layers: ``pollguard.operations`` (the workflow, escalation and
reinforcement logic) reads them from here, and the profile never imports the logic."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from pollguard.domain.command import Level

__all__ = ["DEFAULT_KINDS", "DEFAULT_NEEDS", "POS_KOSONG", "EscalationPolicy", "IncidentKind",
           "Operations", "PresencePolicy", "ReinforcementPolicy", "TeamNeed"]


class EscalationPolicy(BaseModel):
    """Minutes each level has to acknowledge before the incident moves up.

    Defaults: the TPS guard is on the spot or a walk away (5 min); the Polsek must raise its
    piket and reach the Kapolsek (10 min); Polres operations (Kaopsres) decides on a Satgas for
    the whole kab/kota (15 min). Polda operations is the top: nothing above it escalates.
    Severity scales every limit (a berat incident waits half as long)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tps_guard_min: float = Field(default=5.0, gt=0)
    polsek_min: float = Field(default=10.0, gt=0)
    polres_ops_min: float = Field(default=15.0, gt=0)
    severity_scale: dict[int, float] = Field(default_factory=lambda: {1: 1.0, 2: 1.0, 3: 0.5})

    def limit(self, level: Level, severity: int = 2) -> dt.timedelta | None:
        """How long ``level`` has to acknowledge, or None at the top of the chain."""
        minutes = {Level.TPS_GUARD: self.tps_guard_min, Level.POLSEK: self.polsek_min,
                   Level.POLRES_OPS: self.polres_ops_min}.get(level)
        if minutes is None:
            return None
        return dt.timedelta(minutes=minutes * self.severity_scale.get(severity, 1.0))


class TeamNeed(BaseModel):
    """What an incident calls for: at least ``officers``, of a team of ``kind`` (``any``: a
    team of any formation; ``brimob`` where only a Brimob SST will do)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    officers: int = Field(ge=1, le=500)
    kind: Literal["any", "dalmas", "brimob", "gabungan"] = "any"


def _n(officers: int, kind: Literal["any", "dalmas", "brimob", "gabungan"] = "any"
       ) -> TeamNeed:
    return TeamNeed(officers=officers, kind=kind)


#: By severity when the profile names nothing for a kind: a ringan incident is for the Pawas
#: and a pair, a sedang one for a squad (regu), a berat one for a platoon.
DEFAULT_NEEDS: dict[int, TeamNeed] = {1: _n(2), 2: _n(8), 3: _n(30)}


def _at(model: type[BaseModel], loc: tuple[str | int, ...], value: object,
        message: str) -> ValidationError:
    """An error located at ``loc`` inside ``model`` (not at the model as a whole), so that the
    profile's loader can name the TOML line of the offending key."""
    return ValidationError.from_exception_data(model.__name__, [InitErrorDetails(
        type=PydanticCustomError("profile_value", message), loc=loc, input=value)])


class ReinforcementPolicy(BaseModel):
    """The settings of reinforcement: the profile's ``[operations.reinforcement]``.

    ``needs`` (``[operations.reinforcement.needs.<incident kind>]``, severity -> need) says
    what each incident calls for, so that a moderate report is not answered with a platoon;
    a kind or severity it leaves out takes ``default_needs``. A team is adequate when it has
    at least the officers needed and at most ``max_oversize`` times as many."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_minutes: float = Field(default=30.0, gt=0)  # a reserve farther than this: borrow
    borrow_officers: int = Field(default=4, ge=1)  # officers to borrow (two pairs)
    borrow_max_minutes: float = Field(default=20.0, gt=0)  # donors must be this close
    borrow_across_polres: bool = False  # donors from other Polres would be BKO
    min_keep: int = Field(default=1, ge=1)  # officers a donor post always keeps
    default_tps_risk: float = Field(default=1.0, ge=0)  # a TPS without a score
    floor_share: float = Field(default=0.5, ge=0, le=1)  # of a Polres's planned reserve
    floor_officers: int = Field(default=0, ge=0)  # and at least this many available
    max_oversize: float = Field(default=2.0, ge=1)  # an adequate team: at most this x the need
    pawas_officers: int = Field(default=2, ge=1)  # a Pawas patrol: the Pawas and his driver
    default_needs: dict[int, TeamNeed] = Field(default_factory=lambda: dict(DEFAULT_NEEDS))
    needs: dict[str, dict[int, TeamNeed]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _severities(self) -> ReinforcementPolicy:
        tables = {"default_needs": self.default_needs} | {
            f"needs.{k}": by for k, by in self.needs.items()}
        for where, by in tables.items():
            if bad := sorted(s for s in by if s not in (1, 2, 3)):
                raise _at(type(self), (*where.split("."), bad[0]), bad[0],
                          f"severity {bad[0]} is not 1 (ringan), 2 (sedang) or 3 (berat)")
        if missing := [s for s in (1, 2, 3) if s not in self.default_needs]:
            raise _at(type(self), ("default_needs",), missing[0],
                      f"severity {missing[0]} missing")
        return self

    def need(self, kind: str, severity: int) -> TeamNeed:
        """What an incident of ``kind`` and ``severity`` calls for."""
        return self.needs.get(kind, {}).get(severity) or self.default_needs.get(
            severity, self.default_needs[max(self.default_needs)])


class IncidentKind(BaseModel):
    """One entry of the profile's incident catalogue."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label_id: str
    label_en: str
    severity: int = Field(default=2, ge=1, le=3)  # default: 1 ringan, 2 sedang, 3 berat
    # The profile's event kind a verified incident of this kind counts as when risk is
    # reassessed (spillover to nearby TPS); None: it does not raise risk (a power cut).
    event: str | None = None


def _k(code: str, label_id: str, label_en: str, severity: int,
       event: str | None) -> IncidentKind:
    return IncidentKind(code=code, label_id=label_id, label_en=label_en, severity=severity,
                        event=event)


DEFAULT_KINDS: tuple[IncidentKind, ...] = (
    _k("intimidation", "Intimidasi", "Intimidation", 2, "intimidation"),
    _k("money_politics", "Politik uang", "Money politics", 1, "money_politics"),
    _k("violence", "Kekerasan", "Violence", 3, "violence"),
    _k("crowd_gathering", "Pengerahan massa", "Crowd gathering", 2, "crowd_gathering"),
    _k("voting_refused", "Penolakan pemungutan suara", "Refusal of voting", 2, "kamtibmas"),
    _k("logistics_damaged", "Logistik rusak atau hilang", "Logistics damaged or missing", 2,
       "kamtibmas"),
    _k("ballot_box_seized", "Kotak suara dibakar atau dirampas", "Ballot box burned or seized",
       3, "ballot_box_burned"),
    _k("disaster", "Bencana alam", "Disaster", 3, None),
    _k("power_signal_loss", "Listrik atau sinyal padam", "Power or signal loss", 1, None),
)


#: The alert a post raises when nobody is present at it by the deadline: an incident of its
#: own kind, so that it escalates and is reinforced like any other. Added to every catalogue.
POS_KOSONG = _k("pos_kosong", "Pos kosong (tidak ada personel hadir)",
                "Post empty (nobody present)", 2, None)


class PresencePolicy(BaseModel):
    """Presence at post, ``[operations.presence]``: a check-in counts as at the post within
    ``radius_m`` of it (farther: stored, and marked); a post with nobody present by
    ``deadline`` (local time, voting day) raises a ``pos_kosong`` alert. The TPS open at 07.00:
    the guard must be there before."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    radius_m: float = Field(default=300.0, gt=0, le=50_000)
    deadline: dt.time = dt.time(7, 0)


class Operations(BaseModel):
    """Voting day: the incident catalogue, the escalation limits and reinforcement settings."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    escalation: EscalationPolicy = EscalationPolicy()
    reinforcement: ReinforcementPolicy = ReinforcementPolicy()
    presence: PresencePolicy = PresencePolicy()
    escalate_every_s: float = Field(default=15.0, gt=0)  # how often the server checks
    incident_kinds: tuple[IncidentKind, ...] = DEFAULT_KINDS

    @model_validator(mode="after")
    def _needs_known(self) -> Operations:
        codes = {k.code for k in self.incident_kinds}
        for code in self.reinforcement.needs:
            if code not in codes:
                raise _at(type(self), ("reinforcement", "needs", code), code,
                          f"unknown incident kind '{code}' (not in operations.incident_kinds)")
        return self
