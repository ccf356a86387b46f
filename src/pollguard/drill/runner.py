"""Play a drill against a running command centre over its HTTP API.

The runner logs in as a Polda command account (it needs ``accounts:manage`` and
``personnel:read``), then, before sending anything, resolves every line
(``pollguard.drill.resolve``): a line that does not resolve stops the drill with every problem
listed and nothing sent.

Then it plays the lines in time order, waiting ``gap / speed`` real seconds between them
(speed 60: one drill minute per second; 0: no waits), each report sent with an API token of a
field officer account for the plotted officer (made on first use, or an existing one reused),
each command step with the token of a drill account for the Polres or Polsek of the incident's
TPS (``"as": "polres"``), or the runner's own login (``"as": "polda"``).

Re-running is safe. Report client ids are uuid5 of the run id, the line and the TPS, so a
report sent before is a resend (the server answers 200 and stores nothing); a step, dispatch or
unit move carries ``[drill <run> #<line>]`` in its note, and a line whose marker is already in
the incident's history is not sent again.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx

from pollguard.drill.client import DrillError, Server, reason
from pollguard.drill.resolve import Planned, UnresolvedError, World, resolve
from pollguard.drill.timeline import (
    ACTIONS,
    Dispatch,
    IncidentStep,
    Report,
    Timeline,
    UnitStep,
    marker,
)

# The runner's names, with the client's and the resolution's that its callers meet.
__all__ = ["Accounts", "DrillError", "Outcome", "Result", "Runner", "Server", "Summary",
           "UnresolvedError"]

Result = Literal["accepted", "resent", "refused", "expected", "skipped", "planned"]
Clock = Literal["real", "script"]


# -- Accounts ---------------------------------------------------------------------------------


class Accounts:
    """The accounts the drill acts through, each with a token made for this run. A field
    officer's account is reused when one exists for the NRP (else ``drill-<nrp>`` is made); a
    Polres or Polsek acts through ``drill-<unit code>``. Made accounts get a random password:
    they are used only through their tokens."""

    def __init__(self, server: Server, existing: list[dict[str, Any]], run_id: str) -> None:
        self.server, self.run_id = server, run_id
        self.by_name = {a["username"]: a for a in existing}
        self.by_nrp: dict[str, str] = {}
        for a in sorted(existing, key=lambda a: (not a["username"].startswith("drill-"),
                                                 a["username"])):
            if a.get("role") == "field_officer" and a.get("nrp"):
                self.by_nrp.setdefault(a["nrp"], a["username"])
        self.tokens: dict[str, str] = {}
        self.made: list[str] = []

    def officer(self, nrp: str) -> tuple[str, bool]:
        """(username, whether it exists already)."""
        name = self.by_nrp.get(nrp, f"drill-{nrp}")
        return name, name in self.by_name

    def unit(self, code: str) -> tuple[str, bool]:
        name = f"drill-{code}"
        return name, name in self.by_name

    def token_of_officer(self, nrp: str) -> str:
        name, _ = self.officer(nrp)
        return self._token(name, {"role": "field_officer", "nrp": nrp,
                                  "display_name": f"Latihan {nrp}"})

    def token_of_unit(self, code: str) -> str:
        name, _ = self.unit(code)
        role = "polsek" if code.startswith("polsek.") else "polres_ops"
        return self._token(name, {"role": role, "unit_code": code,
                                  "display_name": f"Latihan {code}"})

    def _token(self, username: str, new: dict[str, Any]) -> str:
        if username in self.tokens:
            return self.tokens[username]
        if username not in self.by_name:
            r = self.server.post("/accounts", {"username": username,
                                               "password": secrets.token_urlsafe(24), **new})
            if r.status_code != 201 and "exists already" not in reason(r):
                raise DrillError(f"cannot make account {username}: {reason(r)}")
            self.by_name[username] = {"username": username, **new}
            self.made.append(username)
        r = self.server.post(f"/accounts/{username}/tokens", {"name": f"drill {self.run_id}"})
        if r.status_code != 201:
            raise DrillError(f"cannot make a token for {username}: {reason(r)}")
        self.tokens[username] = str(r.json()["token"])
        return self.tokens[username]


# -- Playing ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one request (or planned request) of a line came to."""

    line: int
    when: dt.datetime
    action: str
    what: str
    result: Result
    code: int | None = None
    reason: str = ""


@dataclass
class Summary:
    run_id: str
    outcomes: list[Outcome] = field(default_factory=list)
    accounts_made: list[str] = field(default_factory=list)
    interrupted: bool = False  # stopped by Ctrl+C: the rest was not played

    def count(self, *results: Result) -> int:
        return sum(1 for o in self.outcomes if o.result in results)

    @property
    def sent(self) -> int:
        """Requests that reached the server (a line found done already sends nothing)."""
        return sum(1 for o in self.outcomes if o.code is not None)

    @property
    def problems(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.result in ("refused", "skipped")]

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class Runner:
    """Plays a resolved drill. ``sleep`` and ``now`` are the clock (tests pass their own);
    ``echo`` sees each outcome as it happens."""

    server: Server
    timeline: Timeline
    run_id: str
    speed: float = 60.0
    max_wait: float = 60.0
    clock: Clock = "real"
    actions: Sequence[str] = ACTIONS
    sleep: Callable[[float], None] = time.sleep
    now: Callable[[], dt.datetime] = field(default=lambda: dt.datetime.now(dt.UTC))
    echo: Callable[[Outcome], None] = lambda o: None
    _accounts: Accounts | None = field(default=None, init=False)
    # Labels whose line did not go through (their dependants are skipped), dispatch ids by label.
    _failed: set[str] = field(default_factory=set, init=False)
    _dispatches: dict[str, list[str]] = field(default_factory=dict, init=False)

    def prepare(self) -> tuple[World, list[Planned]]:
        """Log in and resolve every line (DrillError, UnresolvedError); sends nothing."""
        if not self.server.me:
            self.server.login()
        world = World.load(self.server)
        planned = resolve(self.timeline, world, self.server, run_id=self.run_id,
                          actions=self.actions)
        self._accounts = Accounts(self.server, world.accounts, self.run_id)
        return world, planned

    def dry_run(self) -> Summary:
        """Resolve and say what would be sent, sending nothing."""
        _, planned = self.prepare()
        summary = Summary(self.run_id)
        for p in planned:
            for o in self._describe(p):
                summary.outcomes.append(o)
                self.echo(o)
        return summary

    def run(self) -> Summary:
        _, planned = self.prepare()
        summary = Summary(self.run_id)
        previous: dt.datetime | None = None
        assert self._accounts is not None
        try:
            for p in planned:
                if previous is not None and self.speed > 0:
                    wait = (p.entry.when - previous).total_seconds() / self.speed
                    if wait > 0:
                        self.sleep(min(wait, self.max_wait))
                previous = p.entry.when
                for o in self._play(p):
                    summary.outcomes.append(o)
                    self.echo(o)
        except KeyboardInterrupt:
            summary.interrupted = True
        summary.accounts_made = list(self._accounts.made)
        return summary

    # What a line would do, for --dry-run.
    def _describe(self, p: Planned) -> list[Outcome]:
        assert self._accounts is not None
        step = p.entry.step
        if isinstance(step, Report):
            out = []
            for t in p.targets:
                name, exists = self._accounts.officer(t.nrp)
                out.append(self._outcome(p, f"{_what(step)} TPS {t.tps_id}", "planned",
                                         reason=f"as {name}"
                                         + ("" if exists else " (account to be made)")))
            return out
        who = "the runner's account"
        if p.unit:
            name, exists = self._accounts.unit(p.unit)
            who = name + ("" if exists else " (account to be made)")
        return [self._outcome(p, f"{_what(step)} {p.incident_label}", "planned",
                              reason=f"as {who}")]

    def _outcome(self, p: Planned, what: str, result: Result, code: int | None = None,
                 reason: str = "") -> Outcome:
        return Outcome(p.entry.line, p.entry.when, p.entry.action, what, result, code, reason)

    def _judge(self, p: Planned, what: str, r: httpx.Response) -> Outcome:
        expect = p.entry.step.expect
        code = r.status_code
        if code < 300:
            if expect is not None:
                return self._outcome(p, what, "refused", code,
                                     f"expected a {expect} refusal, got {code}")
            result: Result = "resent" if (code == 200 and p.entry.action == "report") else (
                "accepted")
            return self._outcome(p, what, result, code)
        if expect == code:
            return self._outcome(p, what, "expected", code, reason(r))
        return self._outcome(p, what, "refused", code, reason(r))

    def _sent_at(self, p: Planned) -> str:
        t = p.entry.when if self.clock == "script" else self.now()
        return t.isoformat()

    def _play(self, p: Planned) -> list[Outcome]:
        step = p.entry.step
        try:
            if isinstance(step, Report):
                return self._report(p, step)
            assert p.incident_id is not None and p.incident_label is not None
            if p.incident_label in self._failed:
                return [self._outcome(p, f"{_what(step)} {p.incident_label}", "skipped",
                                      reason=f"incident {p.incident_label!r} was not reported")]
            if isinstance(step, UnitStep) and step.dispatch in self._failed:
                return [self._outcome(p, f"{_what(step)} {step.dispatch}", "skipped",
                                      reason=f"dispatch {step.dispatch!r} did not go out")]
            token = self._token_for(p)
            if isinstance(step, IncidentStep):
                return [self._step(p, step, token)]
            if isinstance(step, Dispatch):
                return [self._dispatch(p, step, token)]
            return self._unit(p, step, token)
        except DrillError as exc:
            if isinstance(step, Report) and step.label:
                self._failed.add(step.label)
            if isinstance(step, Dispatch) and step.label:
                self._failed.add(step.label)
            return [self._outcome(p, _what(step), "refused", None, str(exc))]

    def _token_for(self, p: Planned) -> str | None:
        assert self._accounts is not None
        return self._accounts.token_of_unit(p.unit) if p.unit else None

    def _report(self, p: Planned, step: Report) -> list[Outcome]:
        assert self._accounts is not None
        out = []
        for t in p.targets:
            what = f"{_what(step)} TPS {t.tps_id} ({t.nrp})"
            try:
                token = self._accounts.token_of_officer(t.nrp)
            except DrillError as exc:
                out.append(self._outcome(p, what, "refused", None, str(exc)))
                continue
            body: dict[str, Any] = {"client_id": t.client_id, "tps_id": t.tps_id,
                                    "kind": step.kind, "text": step.text,
                                    "sent_at": self._sent_at(p)}
            if step.kind == "status":
                body["phase"] = step.phase
            else:
                body["incident_kind"] = step.incident_kind
                if step.severity is not None:
                    body["severity"] = step.severity
            out.append(self._judge(p, what, self.server.post("/reports", body, token=token)))
        if step.label and not all(o.result in ("accepted", "resent") for o in out):
            self._failed.add(step.label)
        return out

    def _incident(self, p: Planned) -> dict[str, Any] | httpx.Response:
        r = self.server.get(f"/incidents/{p.incident_id}")
        return r.json() if r.status_code == 200 else r

    def _note(self, note: str, line: int) -> str:
        return f"{note} {marker(self.run_id, line)}".strip()

    def _done(self, history: Iterable[dict[str, Any]], line: int) -> bool:
        mark = marker(self.run_id, line)
        return any(mark in (h.get("note") or "") for h in history)

    def _step(self, p: Planned, step: IncidentStep, token: str | None) -> Outcome:
        what = f"{_what(step)} {p.incident_label}"
        found = self._incident(p)
        if isinstance(found, httpx.Response):
            return self._judge(p, what, found)
        if self._done(found.get("history", []), p.entry.line):
            return self._outcome(p, what, "resent", reason="done on an earlier run")
        body: dict[str, Any] = {"to": step.to, "note": self._note(step.note, p.entry.line)}
        if step.verified is not None:
            body["verified"] = step.verified
        return self._judge(p, what, self.server.post(f"/incidents/{p.incident_id}/steps", body,
                                                     token=token))

    def _dispatch(self, p: Planned, step: Dispatch, token: str | None) -> Outcome:
        what = f"{_what(step)} {p.incident_label}"
        found = self._incident(p)
        if isinstance(found, httpx.Response):
            if step.label:
                self._failed.add(step.label)
            return self._judge(p, what, found)
        before = self._dispatched_before(found.get("dispatches", []), p)
        if before:
            if step.label:
                self._dispatches[step.label] = [str(d["id"]) for d in before]
            return self._outcome(p, what, "resent",
                                 reason=f"done on an earlier run: {_units(before)}")
        body: dict[str, Any] = {"note": self._note(step.note, p.entry.line)}
        if step.teams is not None:
            body["team_ids"] = step.teams
        if step.borrow is not None:
            body["borrow"] = step.borrow
        r = self.server.post(f"/incidents/{p.incident_id}/dispatches", body, token=token)
        outcome = self._judge(p, what, r)
        if r.status_code < 300:
            sent = r.json()
            if step.label:
                self._dispatches[step.label] = [str(d["id"]) for d in sent]
            outcome = self._outcome(p, what, outcome.result, outcome.code, _units(sent))
        elif step.label:
            self._failed.add(step.label)
        return outcome

    def _dispatched_before(self, dispatches: list[dict[str, Any]],
                           p: Planned) -> list[dict[str, Any]]:
        """The dispatches this line made on an earlier run: those whose first step carries its
        marker, else (a server that keeps the note elsewhere) the ``ordinal``-th batch of
        dispatches to the incident, a batch being those made by one request (same first step
        time and author)."""
        marked = [d for d in dispatches if self._done(d.get("history", [])[:1], p.entry.line)]
        if marked:
            return marked
        batches: list[list[dict[str, Any]]] = []
        for d in sorted(dispatches, key=_dispatch_number):
            first = (d.get("history") or [{}])[0]
            key = (first.get("by"), first.get("at"))
            if batches and key == batches[-1][0].get("_key"):
                batches[-1].append(d | {"_key": key})
            else:
                batches.append([d | {"_key": key}])
        if len(batches) >= p.ordinal > 0:
            return batches[p.ordinal - 1]
        return []

    def _unit(self, p: Planned, step: UnitStep, token: str | None) -> list[Outcome]:
        ids = self._dispatches.get(step.dispatch)
        if ids is None:
            return [self._outcome(p, f"{_what(step)} {step.dispatch}", "skipped",
                                  reason=f"dispatch {step.dispatch!r} was not played")]
        found = self._incident(p)
        if isinstance(found, httpx.Response):
            return [self._judge(p, f"{_what(step)} {step.dispatch}", found)]
        history = {str(d["id"]): d.get("history", []) for d in found.get("dispatches", [])}
        out = []
        for dispatch_id in ids:
            what = f"{_what(step)} {step.dispatch} ({dispatch_id})"
            if self._done(history.get(dispatch_id, []), p.entry.line):
                out.append(self._outcome(p, what, "resent", reason="done on an earlier run"))
                continue
            body = {"to": step.to, "note": self._note(step.note, p.entry.line)}
            out.append(self._judge(p, what, self.server.post(
                f"/dispatches/{dispatch_id}/steps", body, token=token)))
        return out


def _dispatch_number(d: dict[str, Any]) -> tuple[int, str]:
    tail = str(d.get("id", "")).rsplit("/", 1)[-1]
    return (int(tail) if tail.isdigit() else 0, str(d.get("id")))


def _units(dispatches: Iterable[dict[str, Any]]) -> str:
    return ", ".join(f"{d.get('unit_id')} ({d.get('officers')})" for d in dispatches)


def _what(step: Report | IncidentStep | Dispatch | UnitStep) -> str:
    if isinstance(step, Report):
        if step.kind == "status":
            return f"status {step.phase}"
        sev = f" sev {step.severity}" if step.severity else ""
        return f"incident {step.incident_kind}{sev}" + (f" [{step.label}]" if step.label else "")
    if isinstance(step, IncidentStep):
        return f"step {step.to}" + (" verified" if step.verified else "")
    if isinstance(step, Dispatch):
        return "dispatch" + (f" [{step.label}]" if step.label else "")
    return f"unit {step.to}"
