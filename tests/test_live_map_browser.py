"""The live picture on the command map, in a real browser: Playwright drives Debian's Chromium
(/usr/bin/chromium, never a downloaded browser) against ``pollguard serve`` on the planned Jambi
demo, while the demo field officer's phone posts reports through the API.

Reports and incidents reach the open map through the event stream without a reload; the Polda
acknowledges an incident and dispatches a team from its recommendation; an observer sees the
incident but none of the controls. Without /usr/bin/chromium these tests skip, saying so;
POLLGUARD_REQUIRE_BROWSER=1 turns the skip into a failure."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from browser_support import log_in_page, ready, require_chromium, serving
from pollguard.store.database import Database
from web_client import PASSWORDS

require_chromium()

from playwright.sync_api import (  # noqa: E402
    Browser,
    BrowserContext,
    Page,
    expect,
)

pytestmark = pytest.mark.slow
LIVE_TIMEOUT = 20_000  # ms: an event reaches the page well within this


@pytest.fixture(scope="module")
def server(planned_db: Database, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``pollguard serve`` in its own process, on the planned demo database."""
    with serving(planned_db, tmp_path_factory.mktemp("server")) as base:
        yield base


def _api(server: str, user: str) -> httpx.Client:
    """An API client logged in as ``user`` the way a browser or the field app is: the session
    cookie, and the CSRF token on every state-changing call."""
    client = httpx.Client(base_url=server, timeout=30)
    client.get("/login")
    r = client.post("/api/v1/session", json={"username": user, "password": PASSWORDS[user]},
                    headers={"X-CSRF-Token": client.cookies["pg_csrf"]})
    assert r.status_code == 200, r.text
    client.headers["X-CSRF-Token"] = str(r.json()["csrf"])
    return client


@pytest.fixture(scope="module")
def petugas(server: str) -> Iterator[httpx.Client]:
    client = _api(server, "petugas")
    yield client
    client.close()


@pytest.fixture(scope="module")
def own_tps(petugas: httpx.Client) -> str:
    mine = petugas.get("/api/v1/me/assignment").json()
    assert mine["role"] == "post", mine
    return str(mine["tps"][0]["tps_ids"][0])


def _send(petugas: httpx.Client, tps_id: str, kind: str, **extra: Any) -> str:
    """One report from the officer's phone; returns its client id."""
    body = {"client_id": str(uuid.uuid4()), "tps_id": tps_id, "kind": kind,
            "sent_at": dt.datetime.now(dt.UTC).isoformat(), **extra}
    r = petugas.post("/api/v1/reports", json=body)
    assert r.status_code == 201, r.text
    return str(body["client_id"])


LogIn = Callable[[str], Page]


@pytest.fixture
def log_in(browser: Browser, server: str) -> Iterator[LogIn]:
    """Opens a browser logged in as a user; every one is closed after the test, passed or
    failed, so that no event stream outlives it (the server waits for open streams)."""
    contexts: list[BrowserContext] = []

    def open_as(user: str) -> Page:
        context = browser.new_context(viewport={"width": 1600, "height": 950})
        contexts.append(context)
        return log_in_page(context.new_page(), server, user)

    yield open_as
    for context in contexts:
        context.close()


def _open_map(page: Page, server: str) -> None:
    page.goto(f"{server}/map")
    ready(page)
    page.wait_for_selector('#live[data-ready="1"]', timeout=30_000)
    expect(page.locator("#live-status")).to_have_attribute("data-state", "open",
                                                           timeout=LIVE_TIMEOUT)


def test_reports_reach_the_map_live_and_polda_dispatches(
        log_in: LogIn, server: str, petugas: httpx.Client, own_tps: str, shots: Path) -> None:
    page = log_in("polda")
    _open_map(page, server)
    assert page.locator("#progress-board tbody tr[data-region]").count() >= 1
    opened_before = page.locator('#progress-board tfoot td[data-col="opened"] .big').inner_text()

    # A status report from the field: in the feed, and the board moves, without a reload.
    status_id = _send(petugas, own_tps, "status", phase="voting_open")
    item = page.locator(f'#live-feed li[data-kind="report"][data-client-id="{status_id}"]')
    expect(item).to_be_visible(timeout=LIVE_TIMEOUT)
    expect(item).to_have_attribute("data-tps-id", own_tps)
    expect(page.locator('#progress-board tfoot td[data-col="opened"] .big')).not_to_have_text(
        opened_before, timeout=LIVE_TIMEOUT)

    # An incident report: the report and the incident in the feed, the incident in the panel
    # and a ring on the map.
    incident_id = _send(petugas, own_tps, "incident", incident_kind="intimidation",
                        text="massa berkumpul di depan TPS", lat=-1.61, lon=103.61)
    expect(page.locator(f'#live-feed li[data-kind="report"][data-client-id="{incident_id}"]')
           ).to_be_visible(timeout=LIVE_TIMEOUT)
    expect(page.locator(f'#live-feed li[data-kind="incident"][data-incident-id="{incident_id}"]')
           ).to_be_visible(timeout=LIVE_TIMEOUT)
    row = page.locator(f'#incidents tr[data-incident-id="{incident_id}"]')
    expect(row).to_have_attribute("data-status", "reported", timeout=LIVE_TIMEOUT)
    expect(row).to_have_attribute("data-tps-id", own_tps)
    ring = page.locator(f'.live-ring[data-tps-id="{own_tps}"]')
    expect(ring).to_have_class(re.compile(r"\bunacked\b"), timeout=LIVE_TIMEOUT)
    ring.click()  # the ring opens the incident
    expect(page.locator("#incident-detail")).to_have_attribute("data-for-incident", incident_id)

    # Acknowledge (verified): the row follows.
    row.locator('input[name="verified"]').check()
    row.locator('button[data-action="acknowledge"]').click()
    expect(row).to_have_attribute("data-status", "acknowledged", timeout=LIVE_TIMEOUT)
    expect(page.locator("#live-error")).to_be_hidden()

    # Recommend, then accept as recommended: a dispatch row, and the feed says so.
    row.locator('button[data-action="recommend"]').click()
    rec = page.locator(f'#recommendation[data-for-incident="{incident_id}"]')
    expect(rec).to_have_attribute("data-loaded", "1", timeout=LIVE_TIMEOUT)
    page.screenshot(path=str(shots / "map-live.png"))
    rec.locator('button[data-action="dispatch"]').click()
    sent = page.locator(f'#dispatches tr[data-for-incident="{incident_id}"]')
    expect(sent.first).to_be_visible(timeout=LIVE_TIMEOUT)
    expect(sent.first).to_have_attribute("data-status", "dispatched")
    expect(page.locator(f'#live-feed li[data-kind="dispatch"][data-incident-id="{incident_id}"]'
                        ).first).to_be_visible(timeout=LIVE_TIMEOUT)
    expect(page.locator("#live-error")).to_be_hidden()
    # Names, not codes: the unit by name in the table and the feed, as the API names it (a
    # team "Brimob Polda 1 — Iptu ...", borrowed officers "Pos TPS 002 Mekar Jaya, ..."),
    # never "cadangan-pool-01" or "15.72.04-KRB-005".
    unit = page.evaluate("(id) => pg.api('/incidents/' + id)", incident_id)["dispatches"][0]
    assert unit["unit_id"] not in unit["unit_label"], unit
    assert (" — " in unit["unit_label"]) if unit["kind"] == "team" else unit[
        "unit_label"].startswith("Pos TPS "), unit
    shown = page.locator(f'#dispatches tr[data-dispatch-id="{unit["id"]}"] .unit-name')
    expect(shown).to_have_text(unit["unit_label"])
    expect(shown).to_have_attribute("title", unit["unit_id"])
    expect(page.locator(f'#live-feed li[data-kind="dispatch"][data-dispatch-id="{unit["id"]}"]'
                        ).first).to_contain_text(unit["unit_label"])
    assert unit["unit_id"] not in page.locator("#live-feed").inner_text()

    # The unit arrives: its status follows.
    sent.first.locator('button[data-action="unit"][data-to="on_scene"]').click()
    expect(sent.first).to_have_attribute("data-status", "on_scene", timeout=LIVE_TIMEOUT)

    # Its moves are the ones the server offers: from returning, back or sent on again.
    unit = sent.first.locator('button[data-action="unit"]')
    expect(unit).to_have_count(1)
    sent.first.locator('button[data-action="unit"][data-to="returning"]').click()
    expect(sent.first).to_have_attribute("data-status", "returning", timeout=LIVE_TIMEOUT)
    expect(unit).to_have_count(2)
    expect(sent.first.locator('button[data-to="dispatched"]')).to_be_visible()

    # The incident's steps, too: resolved, it may be closed or reopened.
    row.locator('button[data-action="resolve"]').click()
    expect(row).to_have_attribute("data-status", "resolved", timeout=LIVE_TIMEOUT)
    expect(row.locator("button[data-to]")).to_have_count(2)
    expect(row.locator('button[data-action="close"][data-to="closed"]')).to_be_visible()
    reopen = row.locator('button[data-action="respond"][data-to="responding"]')
    expect(reopen).to_have_text("Buka lagi")  # a step back is a reopening
    expect(row.locator('button[data-action="recommend"]')).to_have_count(0)  # not open
    row.click()
    expect(page.locator("#incident-detail")).to_have_attribute("data-for-incident", incident_id)
    page.screenshot(path=str(shots / "map-live-resolved.png"))
    row.locator('button[data-action="close"]').click()
    expect(row).to_have_count(0, timeout=LIVE_TIMEOUT)  # closed: off the panel
    expect(page.locator("#live-error")).to_be_hidden()
    # Verifying it reassessed risk in the background: the new version reached the map on the
    # event stream, and the markers show it (no reload).
    expect(page.locator("#map")).to_have_attribute("data-assessment-id", re.compile(r"^\d+$"),
                                                   timeout=60_000)


@pytest.mark.parametrize("user", ["kpu", "tni"])
def test_observers_see_incidents_without_controls(log_in: LogIn, server: str,
                                                  petugas: httpx.Client, own_tps: str,
                                                  user: str) -> None:
    incident_id = _send(petugas, own_tps, "incident", incident_kind="crowd_gathering",
                        text="kerumunan")
    page = log_in(user)
    _open_map(page, server)
    row = page.locator(f'#incidents tr[data-incident-id="{incident_id}"]')
    expect(row).to_be_visible(timeout=LIVE_TIMEOUT)
    assert page.locator("#progress-board tbody tr[data-region]").count() >= 1
    assert page.locator("button[data-action=dispatch]").count() == 0
    assert page.locator("#live button[data-action]").count() == 0  # read-only, all of it
    if user == "kpu":  # an observer: no reserve picture either
        expect(page.locator("#dispatch-box")).to_be_hidden()
    row.click()
    expect(page.locator("#incident-detail")).to_have_attribute("data-for-incident", incident_id)


def _units_out(client: httpx.Client) -> dict[str, str]:
    """Team -> status for every team the server has out (not available)."""
    teams = client.get("/api/v1/units").json()["teams"]
    return {t["team_id"]: t["status"] for t in teams if t["status"] != "available"}


def test_unit_panel_follows_the_server_through_a_dispatch_cycle(
        log_in: LogIn, server: str, petugas: httpx.Client, own_tps: str) -> None:
    """Another operator (or the drill) moves a unit through its whole cycle while the map is
    open: the unit panel ends as ``GET /api/v1/units`` says, without a reload (it once kept
    units "returning" that the server had available)."""
    page = log_in("polda")
    # The test's handle on the page's streams, to drop one as a network break would.
    page.add_init_script("(() => { const Real = window.EventSource; window.__streams = [];"
                         " window.EventSource = class extends Real { constructor(...a) {"
                         " super(...a); window.__streams.push(this); } }; })()")
    _open_map(page, server)
    polda = _api(server, "polda")
    incident_id = _send(petugas, own_tps, "incident", incident_kind="intimidation", text="x")
    expect(page.locator(f'#incidents tr[data-incident-id="{incident_id}"]')).to_be_visible(
        timeout=LIVE_TIMEOUT)
    base = f"/api/v1/incidents/{incident_id}"
    assert polda.post(f"{base}/steps", json={"to": "acknowledged"}).status_code == 200
    sent = polda.post(f"{base}/dispatches", json={})
    assert sent.status_code in (200, 201), sent.text
    unit = sent.json()[0]
    row = page.locator(f'#dispatches tr[data-dispatch-id="{unit["id"]}"]')
    for to in ("on_scene", "returning"):
        r = polda.post(f"/api/v1/dispatches/{unit['id']}/steps", json={"to": to})
        assert r.status_code == 200, r.text
        expect(row).to_have_attribute("data-status", to, timeout=LIVE_TIMEOUT)
    for to in ("resolved", "closed"):  # the incident leaves the panel, its unit still out
        assert polda.post(f"{base}/steps", json={"to": to}).status_code == 200
    expect(page.locator(f'#incidents tr[data-incident-id="{incident_id}"]')).to_have_count(
        0, timeout=LIVE_TIMEOUT)
    # The last move happens while the page is off the stream (a dropped connection): back on
    # it, the page reads the units again instead of keeping the "returning" it last heard.
    page.route("**/api/v1/events*", lambda route: route.abort())
    page.evaluate("() => window.__streams.forEach((s) => {"
                  " s.close(); s.dispatchEvent(new Event('error')); })")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "closed")
    assert polda.post(f"/api/v1/dispatches/{unit['id']}/steps",
                      json={"to": "available"}).status_code == 200
    page.unroute("**/api/v1/events*")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "open",
                                                           timeout=LIVE_TIMEOUT)

    def shown() -> dict[str, str]:
        # One read of the table as it stands: the panel redraws itself after each re-read of
        # the units, and counting rows then reading the 12th can find it redrawn shorter.
        rows = page.evaluate("() => [...document.querySelectorAll("
                             "'#dispatches tr[data-dispatch-id]')]"
                             ".map((r) => [r.dataset.unitId || '', r.dataset.status || ''])")
        return {u: s for u, s in rows if s != "available"}

    want = _units_out(polda)
    assert unit["unit_id"] not in want
    for _ in range(100):  # the page follows within a few hundred ms of the event
        if {u: s for u, s in shown().items() if u in want or u == unit["unit_id"]} == want:
            break
        page.wait_for_timeout(200)
    assert {u: s for u, s in shown().items() if u in want or u == unit["unit_id"]} == want
    expect(page.locator("#live-error")).to_be_hidden()
    polda.close()


def test_an_incident_is_named_and_a_click_flies_the_map_to_it(
        log_in: LogIn, server: str, petugas: httpx.Client, own_tps: str) -> None:
    """Names, not codes (issue 17): the row names its TPS as the API does and a click flies
    the map to it, also when the phone sent no location; the board shows Polres Tanjung Jabung
    Barat and Timur apart, wrapped, never cut to the same "Tanjung Jabu..." prefix."""
    page = log_in("polda")
    _open_map(page, server)

    # Board: the two Tanjung Jabung Polres read apart, and nothing is cut.
    heads = page.locator('#progress-board tbody th[title*="Tanjung Jabung"]')
    expect(heads).to_have_count(2)
    texts = [heads.nth(i).inner_text() for i in range(2)]
    assert len(set(texts)) == 2 and all("Tanjung Jabung" in x for x in texts), texts
    assert heads.evaluate_all("hs => hs.every(h => h.scrollWidth <= h.clientWidth)")

    # An incident without a phone location: named by its TPS, and a click flies to the TPS.
    incident_id = _send(petugas, own_tps, "incident", incident_kind="crowd_gathering",
                        text="kerumunan di depan TPS")
    polda = _api(server, "polda")
    try:
        answer = polda.get(f"/api/v1/incidents/{incident_id}").json()
        name, reported = answer["tps_name"], answer["history"][0]
        tps = polda.get(f"/api/v1/tps/{own_tps}").json()
    finally:
        polda.close()
    row = page.locator(f'#incidents tr[data-incident-id="{incident_id}"]')
    expect(row).to_be_visible(timeout=LIVE_TIMEOUT)
    expect(row.locator(".inc-tps")).to_have_text(name)
    # In braces: setView returns the map, which Playwright cannot always serialise back.
    page.evaluate("() => { window.pgMap.map.setView([-1.0, 102.5], 9, {animate: false}); }")
    row.click()
    expect(page.locator("#incident-detail")).to_have_attribute("data-for-incident", incident_id)
    expect(page.locator("#incident-detail")).to_contain_text(name)
    # Who reported it, by rank and name as the API names him, not by his bare NRP.
    assert reported["by_label"] and reported["by_label"] != reported["by"], reported
    by = page.locator("#incident-detail .inc-history .step-by").first
    expect(by).to_have_text(f" · {reported['by_label']}")
    expect(by).to_have_attribute("title", reported["by"])
    page.wait_for_function(
        "([lat, lon]) => { const c = window.pgMap.map.getCenter();"
        " return Math.abs(c.lat - lat) < 0.01 && Math.abs(c.lng - lon) < 0.01; }",
        arg=[tps["lat"], tps["lon"]], timeout=LIVE_TIMEOUT)


def test_a_reclassified_tps_offers_the_polres_a_draft_re_plan(
        log_in: LogIn, server: str, petugas: httpx.Client, own_tps: str) -> None:
    """Risk follows incidents: verified violence raises its TPS, the open live map
    of the Polres says which TPS rose (by name, as the server offers it) and its button makes
    the draft re-plan and links to it; the plan in force stays."""
    page = log_in("polres")
    _open_map(page, server)
    incident_id = _send(petugas, own_tps, "incident", incident_kind="violence",
                        text="bentrok di depan TPS")
    polda = _api(server, "polda")
    try:
        in_force = polda.get("/api/v1/plans").json()["current"]
        r = polda.post(f"/api/v1/incidents/{incident_id}/steps",
                       json={"to": "acknowledged", "verified": True})
        assert r.status_code == 200, r.text
        name = polda.get(f"/api/v1/incidents/{incident_id}").json()["tps_name"]
    finally:
        polda.close()
    offer = page.locator("#replan-offer")
    expect(offer).to_have_attribute("data-state", "offered", timeout=60_000)
    expect(offer).to_contain_text("naik kelas")
    expect(offer).to_contain_text(name)  # the TPS by name, not its code
    assert "null" not in offer.inner_text()  # nothing rendered from an absent part
    offer.locator('button[data-action="replan"]').click()
    expect(offer).to_have_attribute("data-state", "made", timeout=60_000)
    draft_id = offer.get_attribute("data-draft-id")
    assert draft_id and draft_id.isdigit()
    expect(offer.locator(f'a[href="/plotting?plan={draft_id}"]')).to_be_visible()
    expect(page.locator("#live-error")).to_be_hidden()
    polres = _api(server, "polres")
    try:
        plans = polres.get("/api/v1/plans").json()
    finally:
        polres.close()
    assert plans["current"] == in_force  # only a draft
    made = next(p for p in plans["plans"] if p["id"] == int(draft_id))
    assert made["status"] == "draft" and "Penebalan pengamanan" in made["note"]
    # The risk view offers the same until a planner accepts a draft.
    page.goto(f"{server}/risk")
    expect(page.locator("#replan-offer")).to_have_attribute("data-state", "offered",
                                                            timeout=LIVE_TIMEOUT)
    expect(page.locator("#replan-offer")).to_contain_text(name)
    page.locator("#replan-offer button[data-action=replan]").click()  # a second draft here
    expect(page.locator("#replan-offer")).to_have_attribute("data-state", "made",
                                                            timeout=60_000)
    again = page.locator("#replan-offer").get_attribute("data-draft-id")
    assert again and int(again) > int(draft_id)
    page.locator(f'#replan-offer a[href="/plotting?plan={again}"]').click()
    page.wait_for_url(f"**/plotting?plan={again}")


def test_the_audit_page_shows_names_with_the_codes_in_tooltips(
        log_in: LogIn, server: str, petugas: httpx.Client, own_tps: str) -> None:
    """Names, not codes, in the audit (issue 17): an incident report's subject and detail
    read as the TPS's name; the stored subject and codes stay in the tooltips."""
    incident_id = _send(petugas, own_tps, "incident", incident_kind="intimidation")
    page = log_in("polda")
    page.goto(f"{server}/audit?lang=id")
    ready(page)
    name = page.evaluate("(id) => pg.api('/incidents/' + id)", incident_id)["tps_name"]
    row = page.locator('#audit-table tbody tr[data-action="report.incident"]').first
    subject = row.locator("td").nth(4).locator("span[data-subject]")
    expect(subject).to_have_text(name)
    expect(subject).to_have_attribute("title", f"TPS {own_tps}")
    detail = row.locator("td.detail")
    expect(detail).to_contain_text(name)
    assert own_tps not in detail.inner_text()
    expect(detail.locator(f'span[title*="{own_tps}"]')).to_have_count(1)


def test_a_polres_board_reads_its_polsek_by_name(log_in: LogIn, server: str) -> None:
    """A Polres's board has a row per Polsek, by name (the column says so), not one row of
    its own Polres repeating the total."""
    page = log_in("polres")
    _open_map(page, server)
    board = page.evaluate("() => pg.api('/reports/progress')")
    assert board["level"] == "polsek", board
    expect(page.locator("#progress-board thead th").first).to_have_text("Polsek")
    heads = page.locator("#progress-board tbody th[scope=row]")
    expect(heads).to_have_count(len(board["regions"]))
    assert heads.evaluate_all("hs => hs.map(h => h.title)") == [r["name"] for r in
                                                                board["regions"]]
    assert all(r["name"].startswith("Polsek ") for r in board["regions"])
