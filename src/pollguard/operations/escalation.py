"""Automatic escalation along the doctrine's chain: an incident that its level does not
acknowledge in time moves up by itself, one level per missed limit, until someone acknowledges
it or it reaches Polda operations. ``now`` is always an argument (the caller's clock)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from pollguard.domain.command import Level
from pollguard.operations.incidents import SYSTEM, Incident, Status, Step
from pollguard.profile.operations import EscalationPolicy

__all__ = ["alerted", "due_at", "escalate", "visible_to"]


def due_at(incident: Incident, policy: EscalationPolicy) -> dt.datetime | None:
    """When the incident next escalates if nobody acknowledges it; None if it never will."""
    if incident.status != Status.REPORTED:
        return None
    limit = policy.limit(incident.level, incident.severity)
    return None if limit is None else incident.level_since + limit


def escalate(incident: Incident, now: dt.datetime, policy: EscalationPolicy) -> Incident:
    """``incident`` as it stands at ``now``: moved up one level for every limit it has missed,
    each move recorded at the moment its limit ran out (by ``system``). An acknowledged incident
    never moves. Idempotent: calling it again at the same ``now`` changes nothing."""
    steps: list[Step] = []
    level, since = incident.level, incident.level_since
    while incident.status == Status.REPORTED:
        limit = policy.limit(level, incident.severity)
        up = level.next
        if limit is None or up is None or now < since + limit:
            break
        since = since + limit
        steps.append(Step(Status.REPORTED, SYSTEM, since,
                          f"not acknowledged by {level} in time: escalated to {up}", up))
        level = up
    if not steps:
        return incident
    return replace(incident, level=level, level_since=since,
                   history=(*incident.history, *steps))


def visible_to(incident: Incident, level: Level) -> bool:
    """Whether ``level`` sees the incident in its picture: the level that holds it and every
    level above (command sees what its subordinates hold; a level does not see what has been
    taken above it). Jurisdiction (which Polsek, which Polres) is the caller's filter."""
    return level.rank >= incident.level.rank


class HeldAboveError(ValueError):
    """A step asked by a level below the one holding the incident (it may only read it)."""

    def __init__(self, incident: Incident, level: Level) -> None:
        self.incident, self.level = incident, level
        super().__init__(f"incident {incident.id} is held by {incident.level.value}, "
                         f"above {level.value}: that level acts on it")


def may_act(incident: Incident, level: Level) -> bool:
    """Whether ``level`` may step the incident: the level holding it, or one above taking it
    over; a level below, once it has escalated past it, reads it but no longer acts on it."""
    return level.rank >= incident.level.rank


def alerted(incident: Incident, level: Level) -> bool:
    """Whether ``level`` must act now: it holds the incident and nobody has acknowledged it."""
    return incident.status == Status.REPORTED and incident.level == level
