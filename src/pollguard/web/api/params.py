"""Parameter types shared by the routes: ids fit a 32-bit integer column on every database."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Path, Request

MAX_ID = 2_147_483_647
PlanId = Annotated[int, Path(ge=1, le=MAX_ID, description="a plan version's number")]


def utc_iso(t: dt.datetime) -> str:
    """Stored times are UTC; SQLite hands them back without the zone, so say it."""
    return (t if t.tzinfo else t.replace(tzinfo=dt.UTC)).isoformat()


def server_now(request: Request) -> dt.datetime:
    """The server's clock: ``app.state.clock`` when set (tests, drills), else the wall clock."""
    clock = getattr(request.app.state, "clock", None)
    return clock() if clock else dt.datetime.now(dt.UTC)
