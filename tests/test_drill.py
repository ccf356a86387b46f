"""Drills: the timeline file is checked line by line (every problem named by file, line and
field, nothing sent), the shipped Sungai Penuh drill plays against a real server, and a re-run
sends nothing new. The command lines of the incident workflow are played against a stand-in
that follows the API contract (and against the real server once it has those routes)."""

from __future__ import annotations

import datetime as dt
import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from typer.testing import CliRunner

from pollguard import drill
from pollguard.cli.drill import app as drill_app
from pollguard.domain.risk import RiskClass
from pollguard.drill.client import DrillError, Server
from pollguard.drill.resolve import ROUTES, UnresolvedError
from pollguard.drill.runner import Runner
from pollguard.drill.timeline import (
    DrillFileError,
    IncidentStep,
    Report,
    client_id,
    only,
    parse,
    parse_text,
)
from pollguard.operations.field_reports import TpsPhase
from pollguard.operations.incidents import ALLOWED, Status
from pollguard.profile.operations import DEFAULT_KINDS
from pollguard.services import accounts
from pollguard.store import field_reports as store
from pollguard.store.database import Database
from pollguard.store.uow import UnitOfWork
from pollguard.web.app import create_app

REPO = Path(__file__).resolve().parents[1]
SHIPPED = "sungai-penuh-2024"
HEADER = '{"drill": "test-drill", "date": "2024-11-27", "utc_offset": "+07:00"}'
RKE = "1572052007002"  # TPS 02 Renah Kayu Embun, Kumun Debai, Kota Sungai Penuh


def _count(step: Report) -> int:
    """How many TPS a report line names."""
    return sum(1 if isinstance(r, str) else len(r.picks) for r in step.refs)


def _problems(text: str, tmp_path: Path) -> tuple[Path, list[str]]:
    path = tmp_path / "bad.jsonl"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DrillFileError) as caught:
        parse(path)
    return path, [str(p) for p in caught.value.problems]


# -- The file ---------------------------------------------------------------------------------


def test_the_shipped_drill_parses_and_tells_the_sungai_penuh_story() -> None:
    timeline = parse(drill.find(SHIPPED))
    assert SHIPPED in drill.shipped()
    assert 60 <= len(timeline.entries) <= 120
    assert timeline.header.date == dt.date(2024, 11, 27)
    assert timeline.header.utc_offset == "+07:00"
    actions = {e.action for e in timeline.entries}
    assert actions == {"report", "step", "dispatch", "unit"}
    reports = [e for e in timeline.entries if isinstance(e.step, Report)]
    kinds = {e.step.incident_kind for e in reports if e.step.kind == "incident"}
    assert {"crowd_gathering", "intimidation", "ballot_box_seized", "violence"} <= kinds
    assert any(RKE in e.step.refs for e in reports if e.step.incident_kind == "ballot_box_seized")
    # The re-vote: 2 December, every phase, at 5 TPS.
    psu = [e for e in reports if e.when.date() == dt.date(2024, 12, 2) and e.step.kind == "status"]
    assert {e.step.phase for e in psu} == set(TpsPhase)
    for phase in TpsPhase:
        assert sum(_count(e.step) for e in psu if e.step.phase == phase) == 5, phase
    # Acknowledged at the Polres level, and some incidents left for escalation to take.
    steps = [e.step for e in timeline.entries if isinstance(e.step, IncidentStep)]
    assert any(s.as_ == "polres" and s.to == "acknowledged" for s in steps)
    assert any(s.verified for s in steps)
    acknowledged = {s.incident for s in steps if s.to == "acknowledged"}
    assert set(timeline.incident_lines()) - acknowledged  # never acknowledged: it escalates


def test_every_problem_is_named_by_file_line_and_field(tmp_path: Path) -> None:
    text = "\n".join([
        HEADER,
        "# a comment, then a blank line",
        "",
        '{"at": "07:00", "do": "report", "tps": "1", "kind": "status", "phase": "lunch"}',
        '{"at": "07:05", "do": "report", "tps": {"kecamatan": "X", "pik": 1}, "kind": "status",'
        ' "phase": "set_up"}',
        '{"at": "07:10", "do": "jump"}',
        '{"at": "07:10", "do": "report", "tps": "1", "kind": "incident", "label": "a",'
        ' "incident_kind": "violence"}',
        '{"at": "06:00", "do": "step", "incident": "a", "to": "resolved", "as": "polres"}',
        '{"at": "07:20", "do": "step", "incident": "nope", "to": "acknowledged"}',
        '{"at": "07:30", "do": "unit", "dispatch": "d", "to": "on_scene"}',
        '{"at": "7:61", "do": "step", "incident": "a", "to": "acknowledged"}',
        'not json',
        '{"at": "08:00", "do": "report", "tps": {"kabkota": "X", "pick": "two"}, '
        '"kind": "incident"}',
    ])
    path, problems = _problems(text, tmp_path)
    expected = [
        f"{path}:4:phase: Input should be 'set_up'",
        f"{path}:5:tps.pik: unknown field",
        f"{path}:6:do: 'do' must be one of report, step, dispatch, unit (not 'jump')",
        f"{path}:8:at: 06:00 is before the line above",
        f"{path}:8:to: incident 'a' is reported: it may go to acknowledged, not resolved",
        f"{path}:9:incident: no incident labelled 'nope'",
        f"{path}:10:dispatch: no dispatch labelled 'd'",
        f"{path}:11:at: '7:61' is not a time of day",
        f"{path}:12:-: not JSON",
        f"{path}:13:tps.pick: pick: a number",
    ]
    for want in expected:
        assert any(p.startswith(want) for p in problems), (want, problems)
    assert len(problems) == len(expected), problems


def test_the_header_comes_first(tmp_path: Path) -> None:
    path, problems = _problems(
        '{"at": "07:00", "do": "report", "tps": "1", "kind": "status", "phase": "set_up"}\n',
        tmp_path)
    assert problems[0].startswith(f"{path}:1:-: the first line must be the header")
    _, problems = _problems('{"drill": "A b", "date": "2024-02-30"}\n', tmp_path)
    assert any(":1:date:" in p for p in problems) and any(":1:drill:" in p for p in problems)
    _, problems = _problems("", tmp_path)
    assert "empty drill" in problems[0]


def test_report_fields_fit_their_kind(tmp_path: Path) -> None:
    lines = [HEADER,
             '{"at": "07:00", "do": "report", "tps": "1", "kind": "status"}',
             '{"at": "07:00", "do": "report", "tps": "1", "kind": "status", "phase": "set_up",'
             ' "severity": 2}',
             '{"at": "07:00", "do": "report", "tps": "1", "kind": "incident", "phase": "set_up",'
             ' "incident_kind": "violence"}',
             '{"at": "07:00", "do": "report", "tps": ["1", "2"], "kind": "incident",'
             ' "incident_kind": "violence", "label": "two"}',
             '{"at": "07:00", "do": "report", "tps": {"kecamatan": "X", "pick": [1, 1]},'
             ' "kind": "status", "phase": "set_up"}',
             '{"at": "07:00", "do": "report", "tps": {"pick": 1}, "kind": "status",'
             ' "phase": "set_up"}',
             '{"at": "07:00", "do": "report", "tps": "1", "kind": "incident", "label": "x",'
             ' "incident_kind": "violence"}',
             '{"at": "07:00", "do": "dispatch", "incident": "x", "label": "x"}']
    path, problems = _problems("\n".join(lines), tmp_path)
    for want in [":2:phase: a status report needs its phase", ":3:severity: only incident",
                 ":4:phase: an incident report has no phase",
                 ":5:label: a labelled incident must name exactly one TPS",
                 ":6:tps.pick: a TPS is picked twice", ":7:tps: an area selector needs",
                 ":9:label: label 'x' is used twice"]:
        assert any(p.startswith(f"{path}{want}") for p in problems), (want, problems)


def test_dispatches_follow_the_workflow(tmp_path: Path) -> None:
    lines = [HEADER,
             '{"at": "07:00", "do": "report", "tps": "1", "kind": "incident", "label": "x",'
             ' "incident_kind": "violence"}',
             '{"at": "07:01", "do": "dispatch", "incident": "x", "label": "d", "as": "polsek"}',
             '{"at": "07:02", "do": "step", "incident": "x", "to": "responding"}',
             '{"at": "07:03", "do": "unit", "dispatch": "d", "to": "on_scene", "as": "polsek"}',
             '{"at": "07:04", "do": "step", "incident": "x", "to": "resolved"}',
             '{"at": "07:05", "do": "dispatch", "incident": "x"}']
    path, problems = _problems("\n".join(lines), tmp_path)
    assert [p.removeprefix(str(path)) for p in problems] == [
        ":3:as: a Polsek may not dispatch reserves: use polres or polda",
        ":4:to: incident 'x' is responding: it may go to resolved, not responding",
        ":5:as: a Polsek may not move reserve units: use polres or polda",
        ":7:incident: incident 'x' is resolved: nothing to send"]


def test_client_ids_are_stable_per_run_line_and_tps() -> None:
    a = client_id("sungai-penuh-2024", 12, RKE)
    assert a == client_id("sungai-penuh-2024", 12, RKE)
    assert len({a, client_id("sungai-penuh-2024", 13, RKE), client_id("other", 12, RKE),
                client_id("sungai-penuh-2024", 12, "1572052007001")}) == 4


def test_only_keeps_the_chosen_lines() -> None:
    timeline = parse(drill.find(SHIPPED))
    assert {e.action for e in only(timeline, ["report"])} == {"report"}
    assert {e.action for e in only(timeline, ["report", "unit"])} == {"report"}  # no dispatch
    assert len(only(timeline, ["report", "step", "dispatch", "unit"])) == len(timeline.entries)


def test_the_check_command_lists_problems_and_sends_nothing(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(HEADER + '\n{"at": "07:00", "do": "report", "tps": "1", "kind": "x"}\n',
                    encoding="utf-8")
    result = CliRunner().invoke(drill_app, ["check", str(path)])
    assert result.exit_code == 1
    assert f"{path}:2:kind:" in result.output
    assert "nothing was sent" in result.output
    result = CliRunner().invoke(drill_app, ["check", SHIPPED])
    assert result.exit_code == 0, result.output
    assert "drill sungai-penuh-2024" in result.output
    result = CliRunner().invoke(drill_app, ["run", str(path), "--token", "x"])
    assert result.exit_code == 1 and f"{path}:2:kind:" in result.output


def test_the_documented_example_parses() -> None:
    text = (REPO / "docs" / "drills.md").read_text(encoding="utf-8")
    block = re.search(r"## A complete example.*?```jsonl\n(.*?)```", text, re.S)
    assert block, "docs/drills.md has no example"
    timeline = parse_text(block.group(1), "docs/drills.md")
    assert {e.action for e in timeline.entries} == {"report", "step", "dispatch", "unit"}


# -- A stand-in server that follows the API contract ------------------------------------------

KD = "1572052001001"  # Kumun Debai TPS 1
KERINCI = "1501022001001"
NRP = {RKE: "84112700", KD: "83118082", KERINCI: "70000001"}


class Centre:
    """Just enough of the command centre, as /tmp/live-contract.md describes it, to play a
    drill against: login, the lookups, reports, incidents, steps, dispatches, unit moves."""

    def __init__(self) -> None:
        self.accounts: dict[str, dict[str, Any]] = {
            "polda": {"username": "polda", "role": "polda_command", "nrp": None,
                      "unit_code": None, "display_name": "Polda"},
            "petugas": {"username": "petugas", "role": "field_officer", "nrp": NRP[RKE],
                        "unit_code": None, "display_name": "Petugas"}}
        self.tokens: dict[str, str] = {}
        self.reports: dict[str, dict[str, Any]] = {}
        self.incidents: dict[str, dict[str, Any]] = {}
        self.dispatches: dict[str, dict[str, Any]] = {}
        self.posts = 0
        self.clock = 0
        self.fail: dict[str, int] = {}  # path -> status to answer once

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api/v1")
        if request.method == "POST":
            self.posts += 1
            if path in self.fail:
                return httpx.Response(self.fail.pop(path), json={"detail": "injected"})
        body = json.loads(request.content) if request.content else None
        auth = request.headers.get("authorization", "")
        who = self.tokens.get(auth[7:]) if auth.startswith("Bearer ") else None
        if path == "/login":
            return httpx.Response(200, text="<form>",
                                  headers={"set-cookie": "pg_csrf=c1; Path=/"})
        if path == "/session" and request.method == "POST":
            if request.headers.get("x-csrf-token") != "c1" or body["password"] != "pw":
                return httpx.Response(401, json={"detail": "wrong username or password"})
            return httpx.Response(200, json={"username": "polda", "role": "polda_command",
                                             "csrf": "s1", "permissions": [
                                                 "accounts:manage", "personnel:read"]})
        if request.method == "POST" and request.headers.get("x-csrf-token") != "s1" and not who:
            return httpx.Response(403, json={"detail": "CSRF"})
        return self.route(request.method, path, body, who or "polda", request.url.params)

    def route(self, method: str, path: str, body: Any, who: str,
              params: httpx.QueryParams) -> httpx.Response:
        ok = httpx.Response
        if path == "/openapi.json":
            return ok(200, json={"paths": {f"/api/v1{p}": {m: {}} for m, p in [
                ("post", "/reports"), ("get", "/incidents/{incident_id}"),
                ("post", "/incidents/{incident_id}/steps"),
                ("post", "/incidents/{incident_id}/dispatches"),
                ("post", "/dispatches/{incident_id}/{n}/steps"), ("get", "/incident-kinds")]}})
        if path == "/plans":
            return ok(200, json={"current": 3, "plans": []})
        if path == "/map/tps":
            ids = sorted(NRP)
            return ok(200, json={"ids": ids, "lat": [-2.0] * 3, "lon": [101.3] * 3,
                                 "polres": ["polres.15.01"], "pol": [0] * 3,
                                 "classes": ["kurang_rawan", "rawan"], "cls": [0, 1, 0]})
        if path == "/regions":
            return ok(200, json={"kabkota": [{"code": "15.01", "name": "Kabupaten Kerinci"},
                                             {"code": "15.72", "name": "Kota Sungai Penuh"}],
                                 "polsek": [{"code": "polsek.15.72.05"}]})
        if path == "/map/frame":
            return ok(200, json={"regions": [
                {"code": "15.72.05", "name": "Kumun Debai", "level": "kecamatan"},
                {"code": "15.01.02", "name": "Danau Kerinci", "level": "kecamatan"}]})
        if path == "/incident-kinds":
            return ok(200, json=[{"code": k.code} for k in DEFAULT_KINDS])
        if path == "/accounts" and method == "GET":
            return ok(200, json=list(self.accounts.values()))
        if path == "/accounts":
            if body["username"] in self.accounts:
                return ok(422, json={"detail": f"account {body['username']} exists already"})
            self.accounts[body["username"]] = body
            return ok(201, json=body)
        if m := re.fullmatch(r"/accounts/([^/]+)/tokens", path):
            token = f"pgt_{m.group(1)}_{len(self.tokens)}"
            self.tokens[token] = m.group(1)
            return ok(201, json={"username": m.group(1), "name": body["name"], "token": token})
        if path == "/plans/3/plotting":
            rows = [{"nrp": nrp, "role": "post", "tps": [tps], "pair": 1}
                    for tps, nrp in NRP.items()]
            return ok(200, json={"plan_id": 3, "total": len(rows), "rows": rows})
        if path == "/reports":
            return self.report(body, who)
        if m := re.fullmatch(r"/incidents/([^/]+)(/steps|/dispatches)?", path):
            incident = self.incidents.get(m.group(1))
            if incident is None:
                return ok(404, json={"detail": f"no incident {m.group(1)}"})
            if m.group(2) == "/steps":
                if Status(body["to"]) not in ALLOWED[Status(incident["status"])]:
                    return ok(409, json={"detail": f"{incident['status']} -> {body['to']} "
                                                   f"is not allowed"})
                incident["status"] = body["to"]
                incident["verified"] = incident["verified"] or bool(body.get("verified"))
                incident["history"].append({"status": body["to"], "by": who,
                                            "note": body.get("note", ""), "level": None})
                return ok(200, json={"incident": incident, "reclassified": []})
            if m.group(2) == "/dispatches":  # as the server: the note goes to the audit
                if incident["status"] in ("resolved", "closed"):
                    return ok(409, json={"detail": "nothing to send"})
                self.clock += 1
                made = [{"id": f"{incident['id']}/{len(incident['dispatches']) + n}",
                         "incident_id": incident["id"], "unit_id": unit, "kind": "team",
                         "officers": 30, "status": "dispatched", "history": [
                             {"status": "dispatched", "by": who, "at": self.clock,
                              "note": f"to {incident['tps_id']}"}]}
                        for n, unit in enumerate(("team-1", "team-2"), start=1)]
                for d in made:
                    self.dispatches[d["id"]] = d
                    incident["dispatches"].append(d)
                for before, to in (("reported", "acknowledged"), ("acknowledged", "responding")):
                    if incident["status"] == before:
                        incident["status"] = to
                        incident["history"].append({"status": to, "by": who,
                                                    "note": "reinforcement dispatched"})
                return ok(201, json=made)
            return ok(200, json=incident)
        if m := re.fullmatch(r"/dispatches/([^/]+/\d+)/steps", path):
            d = self.dispatches[m.group(1)]
            d["status"] = body["to"]
            d["history"].append({"status": body["to"], "by": who, "note": body.get("note")})
            return ok(200, json=d)
        return ok(404, json={"detail": f"no route {method} {path}"})

    def report(self, body: dict[str, Any], who: str) -> httpx.Response:
        nrp = self.accounts[who].get("nrp")
        if body["client_id"] in self.reports:
            return httpx.Response(200, json=self.reports[body["client_id"]])
        if NRP.get(body["tps_id"]) != nrp:
            return httpx.Response(403, json={"detail": f"officer {nrp} is not plotted at TPS "
                                                       f"{body['tps_id']}"})
        dt.datetime.fromisoformat(body["sent_at"])
        self.reports[body["client_id"]] = {**body, "nrp": nrp}
        if body["kind"] == "incident":
            self.incidents[body["client_id"]] = {
                "id": body["client_id"], "tps_id": body["tps_id"], "status": "reported",
                "verified": False, "history": [{"status": "reported", "by": nrp, "note": ""}],
                "dispatches": []}
        return httpx.Response(201, json=self.reports[body["client_id"]])


SMALL = "\n".join([
    HEADER,
    '{"at": "07:00", "do": "report", "tps": ["1572052007002", {"kecamatan": "Kumun Debai",'
    ' "pick": 1}], "kind": "status", "phase": "voting_open"}',
    '{"at": "10:20", "do": "report", "tps": "1572052007002", "kind": "incident",'
    ' "incident_kind": "ballot_box_seized", "label": "box", "text": "Kotak suara dibakar."}',
    '{"at": "10:26", "do": "step", "incident": "box", "to": "acknowledged", "verified": true,'
    ' "as": "polres"}',
    '{"at": "10:30", "do": "step", "incident": "box", "to": "responding", "as": "polsek"}',
    '{"at": "10:31", "do": "dispatch", "incident": "box", "label": "res", "as": "polres"}',
    '{"at": "10:50", "do": "unit", "dispatch": "res", "to": "on_scene"}',
    '{"at": "2024-11-28 08:00", "do": "unit", "dispatch": "res", "to": "returning"}',
])


def _runner(centre: Centre, text: str = SMALL, **kw: Any) -> Runner:
    server = Server("http://centre.test", username="polda", password="pw",
                    transport=centre.transport())
    kw.setdefault("speed", 0)
    return Runner(server, parse_text(text, "small.jsonl"), run_id="t1", **kw)


def test_a_drill_plays_every_kind_of_line_and_a_rerun_sends_nothing_new() -> None:
    centre = Centre()
    summary = _runner(centre).run()
    assert summary.ok, summary.problems
    assert summary.count("accepted") == 10 and summary.sent == 10  # a unit line moves 2 teams
    box = client_id("t1", 3, RKE)
    incident = centre.incidents[box]
    assert incident["status"] == "responding" and incident["verified"]
    assert [h["by"] for h in incident["history"]] == [
        NRP[RKE], "drill-polres.15.01", "drill-polsek.15.72.05"]
    assert {centre.dispatches[f"{box}/{n}"]["status"] for n in (1, 2)} == {"returning"}
    assert "[drill t1 #7]" in centre.dispatches[f"{box}/1"]["history"][1]["note"]
    assert centre.reports[client_id("t1", 2, KD)]["nrp"] == NRP[KD]
    assert centre.accounts["drill-83118082"]["role"] == "field_officer"
    assert "drill-84112700" not in centre.accounts  # petugas has that NRP: reused
    assert set(summary.accounts_made) == {"drill-83118082", "drill-polres.15.01",
                                          "drill-polsek.15.72.05"}
    state = json.dumps([centre.reports, centre.incidents, centre.dispatches], sort_keys=True)
    again = _runner(centre).run()
    assert again.ok and again.count("accepted") == 0
    assert again.count("resent") == 10
    assert again.sent == 3  # the three reports are resent (200); the rest is seen done
    assert json.dumps([centre.reports, centre.incidents, centre.dispatches],
                      sort_keys=True) == state


def test_a_half_done_drill_finishes_on_a_rerun_without_duplicates() -> None:
    centre = Centre()
    centre.fail["/incidents/" + client_id("t1", 3, RKE) + "/dispatches"] = 503
    first = _runner(centre).run()
    assert not first.ok
    assert [(o.line, o.result) for o in first.problems] == [(6, "refused"), (7, "skipped"),
                                                            (8, "skipped")]
    assert "injected" in first.problems[0].reason
    second = _runner(centre).run()
    assert second.ok, second.problems
    assert second.count("accepted") == 5  # the dispatch and its two teams' two moves
    assert len(centre.dispatches) == 2
    third = _runner(centre).run()
    assert third.ok and third.count("accepted") == 0 and len(centre.dispatches) == 2
    assert len(centre.incidents[client_id("t1", 3, RKE)]["history"]) == 3


def test_a_refused_report_skips_what_depends_on_it_and_expect_allows_a_refusal() -> None:
    centre = Centre()
    centre.fail["/reports"] = 403
    summary = _runner(centre, "\n".join(SMALL.splitlines()[:1] + SMALL.splitlines()[2:5])).run()
    assert [(o.line, o.result) for o in summary.problems] == [(2, "refused"), (3, "skipped"),
                                                              (4, "skipped")]
    centre = Centre()
    centre.fail["/reports"] = 403
    text = SMALL.splitlines()[0] + "\n" + SMALL.splitlines()[2].replace(
        '"label": "box"', '"expect": 403')
    summary = _runner(centre, text).run()
    assert summary.ok and summary.count("expected") == 1
    centre = Centre()
    summary = _runner(centre, text).run()  # accepted, though a refusal was expected
    assert not summary.ok and "expected a 403 refusal, got 201" in summary.problems[0].reason


def test_waits_follow_the_speed_and_are_capped() -> None:
    waits: list[float] = []
    _runner(Centre(), speed=60, max_wait=30, sleep=waits.append).run()
    # Gaps in drill minutes: 200, 6, 4, 1, 19, then the night (21 h 10 min) capped.
    assert waits == [30, 6, 4, 1, 19, 30]
    waits.clear()
    _runner(Centre(), speed=0, sleep=waits.append).run()
    assert waits == []


def test_ctrl_c_stops_the_drill_with_what_was_done() -> None:
    centre = Centre()

    def interrupt(seconds: float) -> None:
        if len(centre.reports) == 3:
            raise KeyboardInterrupt

    summary = _runner(centre, speed=60, sleep=interrupt).run()
    assert summary.interrupted and summary.count("accepted") == 3
    assert _runner(centre).run().count("accepted") == 7  # the rest, on a re-run


def test_the_clock_choice_sets_sent_at() -> None:
    centre = Centre()
    fixed = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    _runner(centre, clock="real", now=lambda: fixed).run()
    assert {r["sent_at"] for r in centre.reports.values()} == {fixed.isoformat()}
    centre = Centre()
    _runner(centre, clock="script").run()
    assert centre.reports[client_id("t1", 3, RKE)]["sent_at"] == "2024-11-27T10:20:00+07:00"


def test_lines_that_do_not_fit_the_server_stop_the_drill_before_anything_is_sent() -> None:
    centre = Centre()
    text = "\n".join([
        HEADER,
        '{"at": "07:00", "do": "report", "tps": "9999999999999", "kind": "status",'
        ' "phase": "set_up"}',
        '{"at": "07:00", "do": "report", "tps": {"kecamatan": "Atlantis", "pick": 1},'
        ' "kind": "status", "phase": "set_up"}',
        '{"at": "07:00", "do": "report", "tps": {"kecamatan": "Kumun Debai", "pick": 5},'
        ' "kind": "status", "phase": "set_up"}',
        '{"at": "07:00", "do": "report", "tps": {"kabkota": "Kerinci", "class": "rawan"},'
        ' "kind": "incident", "incident_kind": "alien_landing", "label": "x"}',
        '{"at": "07:01", "do": "step", "incident": "x", "to": "acknowledged", "as": "polsek"}',
    ])
    with pytest.raises(UnresolvedError) as caught:
        _runner(centre, text).run()
    problems = [str(p) for p in caught.value.problems]
    for want in ["small.jsonl:2:tps: no TPS 9999999999999",
                 "small.jsonl:3:tps: no kecamatan 'Atlantis'",
                 "small.jsonl:4:tps: pick 5: Kumun Debai has 2 TPS",
                 "small.jsonl:5:tps: pick 1: Kerinci has 0 TPS of class rawan",
                 "small.jsonl:5:incident_kind: unknown incident kind 'alien_landing'"]:
        assert any(p.startswith(want) for p in problems), (want, problems)
    assert centre.posts == 1  # the login, nothing else
    # A Polsek that the kecamatan lacks:
    text = "\n".join([HEADER, SMALL.splitlines()[2].replace(RKE, KERINCI),
                      '{"at": "10:30", "do": "step", "incident": "box", "to": "acknowledged",'
                      ' "as": "polsek"}'])
    with pytest.raises(UnresolvedError, match=r"15\.01\.02 of TPS 1501022001001 has no Polsek"):
        _runner(Centre(), text).run()


def test_a_dry_run_resolves_and_sends_nothing() -> None:
    centre = Centre()
    summary = _runner(centre).dry_run()
    assert centre.posts == 1 and not centre.accounts.keys() - {"polda", "petugas"}
    assert summary.count("planned") == 8
    assert any("as drill-83118082 (account to be made)" in o.reason for o in summary.outcomes)
    assert any(o.reason == "as petugas" for o in summary.outcomes)


def test_a_wrong_password_is_refused() -> None:
    server = Server("http://centre.test", username="polda", password="nope",
                    transport=Centre().transport())
    with pytest.raises(DrillError, match="login refused"):
        server.login()


# -- The real server --------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def live_app(planned_db: Database) -> FastAPI:
    """The command centre's application on the planned Jambi demo."""
    return create_app(planned_db)


@pytest.fixture(scope="module")
def live(live_app: FastAPI) -> Iterator[str]:
    """The command centre on the planned Jambi demo, served by uvicorn in a thread."""
    port = _free_port()
    config = uvicorn.Config(live_app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def _stored(db: Database) -> int:
    with UnitOfWork(db) as uow:
        return store.count(uow.session)


def _has_incident_workflow(url: str) -> bool:
    """Whether the server has every route the drill's command lines use."""
    server = Server(url)
    try:
        return all(server.has(m, p) for routes in ROUTES.values() for m, p in routes)
    finally:
        server.close()


def _run(url: str, *extra: str) -> Any:
    return CliRunner().invoke(drill_app, ["run", SHIPPED, "--url", url, "--user", "polda",
                                          "--password", "polda-demo-2024", "--speed", "0",
                                          *extra])


def test_the_shipped_drill_reports_play_on_a_real_server_and_a_rerun_adds_nothing(
        live: str, planned_db: Database) -> None:
    before = _stored(planned_db)
    dry = _run(live, "--only", "report", "--dry-run", "--run-id", "reports-only")
    assert dry.exit_code == 0, dry.output
    assert _stored(planned_db) == before
    result = _run(live, "--only", "report", "--run-id", "reports-only")
    assert result.exit_code == 0, result.output
    timeline = parse(drill.find(SHIPPED))
    expected = sum(_count(e.step) for e in timeline.entries if isinstance(e.step, Report))
    assert _stored(planned_db) - before == expected
    assert re.search(rf"accepted\s*│\s*{expected}", result.output), result.output
    again = _run(live, "--only", "report", "--run-id", "reports-only")
    assert again.exit_code == 0, again.output
    assert _stored(planned_db) - before == expected  # a resend stores nothing
    assert re.search(r"accepted\s*│\s*0\b", again.output)
    assert re.search(rf"resent \(stored or done before\)\s*│\s*{expected}", again.output)
    users = {p.username: p for p in accounts.listing(db=planned_db)}
    assert any(name.startswith("drill-") and users[name].nrp for name in users)


@pytest.mark.slow  # each verification makes a new assessment: about two minutes in all
def test_the_whole_shipped_drill_plays_once_the_server_has_the_incident_workflow(
        live: str, live_app: FastAPI, planned_db: Database) -> None:
    if not _has_incident_workflow(live):
        pytest.skip("the server lacks some incident workflow routes (steps, dispatches, units)")
    before = _stored(planned_db)
    result = _run(live, "--run-id", "full")
    assert result.exit_code == 0, result.output
    added = _stored(planned_db) - before
    assert added > 0
    token = accounts.create_token(db=planned_db, username="polda", name="test")
    listed = httpx.get(f"{live}/api/v1/incidents", headers={"Authorization": f"Bearer {token}"})
    lines = parse(drill.find(SHIPPED)).incident_lines()  # label -> line
    status = {label: i["status"] for i in listed.json()["incidents"]
              for label, line in lines.items() if i["id"] == client_id("full", line, i["tps_id"])}
    assert set(status) == set(lines)
    assert status["k-sinyal"] == "reported"  # never acknowledged: left to escalation
    assert status["rke-kotak"] == status["psu-massa"] == status["kd2-intimidasi"] == "closed"
    dispatched = [d for i in listed.json()["incidents"] for d in i["dispatches"]
                  if i["id"] in {client_id("full", line, i["tps_id"]) for line in lines.values()}]
    assert len(dispatched) >= 4 and {d["status"] for d in dispatched} == {"available"}
    # Risk followed the verified incidents (reported without phone location, as a drill's
    # are): once the background reassessment is written, the map and the risk view show the
    # burned-box TPS at least sangat rawan.
    assert live_app.state.reassessor.wait(120)
    shown = httpx.get(f"{live}/api/v1/tps/{RKE}",
                      headers={"Authorization": f"Bearer {token}"}).json()
    for cls in (shown["cls"], shown["assessed_cls"]):
        assert RiskClass(cls).rank >= RiskClass.SANGAT_RAWAN.rank, shown
    assert any(r["factor"] == "event" for r in shown["reasons"]), shown
    again = _run(live, "--run-id", "full")
    assert again.exit_code == 0, again.output
    assert _stored(planned_db) - before == added
    assert re.search(r"accepted\s*│\s*0\b", again.output), again.output
    assert re.search(r"sent\s*│\s*" + str(added) + r"\b", again.output), again.output


def test_the_run_command_says_why_it_cannot_log_in(live: str) -> None:
    result = CliRunner().invoke(drill_app, ["run", SHIPPED, "--url", live, "--user", "kpu",
                                            "--password", "kpu-demo-2024", "--dry-run"])
    assert result.exit_code == 1
    assert "lacks accounts:manage, personnel:read" in result.output
    result = CliRunner().invoke(drill_app, ["run", SHIPPED, "--url", "http://127.0.0.1:9",
                                            "--token", "pgt_x"])
    assert result.exit_code == 1 and "cannot reach http://127.0.0.1:9" in result.output
