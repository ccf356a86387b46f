"""Live operations: incidents and their workflow, escalation along the chain of command, and
reinforcement (who to send, borrowing, unit status, reserve floors). Pure domain logic: no
I/O, no database, and no clock but the times passed in.

The settings this logic reads are the profile's (``pollguard.profile.operations``) and the
chain's levels the domain's (``pollguard.domain.command.Level``); they are named here too, so
that a caller of the live-operations logic finds them in one place."""

from pollguard.domain.command import Level
from pollguard.operations.escalation import alerted, due_at, escalate, visible_to
from pollguard.operations.incidents import (
    OPEN,
    Incident,
    IncidentError,
    Status,
    Step,
    catalogue,
    report,
    transition,
)
from pollguard.operations.reinforcement import (
    Board,
    Borrowing,
    Dispatch,
    DispatchError,
    Donor,
    FloorWarning,
    Recommendation,
    Target,
    TeamOption,
    UnitKind,
    UnitStatus,
    accept,
    advance,
    dispatch_steps,
    lent_officers,
    recommend,
    reserve_floor_warnings,
    team_status,
    unit_step,
)
from pollguard.profile.operations import (
    DEFAULT_KINDS,
    EscalationPolicy,
    IncidentKind,
    ReinforcementPolicy,
)

__all__ = [
    "DEFAULT_KINDS", "OPEN", "Board", "Borrowing", "Dispatch", "DispatchError", "Donor",
    "EscalationPolicy", "FloorWarning", "Incident", "IncidentError", "IncidentKind", "Level",
    "Recommendation", "ReinforcementPolicy", "Status", "Step", "Target", "TeamOption",
    "UnitKind", "UnitStatus", "accept", "advance", "alerted", "catalogue", "dispatch_steps",
    "due_at", "escalate",
    "lent_officers", "recommend", "report", "reserve_floor_warnings", "team_status",
    "transition", "unit_step", "visible_to",
]
