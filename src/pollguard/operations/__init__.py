"""Live operations: incidents and their workflow, escalation along the chain of command, and
reinforcement (who to send, borrowing, unit status, reserve floors). Pure domain logic: no
I/O, no database, and no clock but the times passed in."""

from pollguard.operations.escalation import (
    EscalationPolicy,
    alerted,
    due_at,
    escalate,
    visible_to,
)
from pollguard.operations.incidents import (
    DEFAULT_KINDS,
    Incident,
    IncidentError,
    IncidentKind,
    Level,
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
    ReinforcementPolicy,
    Target,
    TeamOption,
    UnitKind,
    UnitStatus,
    accept,
    advance,
    lent_officers,
    recommend,
    reserve_floor_warnings,
    team_status,
    unit_step,
)

__all__ = [
    "DEFAULT_KINDS", "Board", "Borrowing", "Dispatch", "DispatchError", "Donor",
    "EscalationPolicy", "FloorWarning", "Incident", "IncidentError", "IncidentKind", "Level",
    "Recommendation", "ReinforcementPolicy", "Status", "Step", "Target", "TeamOption",
    "UnitKind", "UnitStatus", "accept", "advance", "alerted", "catalogue", "due_at", "escalate",
    "lent_officers", "recommend", "report", "reserve_floor_warnings", "team_status",
    "transition", "unit_step", "visible_to",
]
