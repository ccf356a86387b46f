"""The field app (/field) on a phone with a dead signal, in a real browser: Playwright drives
Debian's Chromium (/usr/bin/chromium, never a downloaded browser) against a live server.

A report made offline must stay on the phone and reach the server exactly once when the signal
returns, and then show in the command map's live feed. The page itself must open with no
server at all once the service worker has cached it. Without /usr/bin/chromium the browser
tests skip, saying so; with POLLGUARD_REQUIRE_BROWSER=1 (CI) that is a failure instead."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, BrowserContext, Dialog, Page, ViewportSize, expect

from browser_support import free_port, log_in_page, log_in_with_password, ready
from pollguard.access import Role as AccountRole
from pollguard.domain.plan import Role
from pollguard.operations.field_reports import TpsPhase
from pollguard.services.accounts import create_user
from pollguard.store import field_reports as stored_reports
from pollguard.store import plans
from pollguard.store.database import Database
from pollguard.store.uow import UnitOfWork
from pollguard.web.app import create_app
from pollguard.web.field import SHELL
from web_client import token_headers

PHONE = {"width": 390, "height": 844}
HERE = {"latitude": -1.6101, "longitude": 103.6131}  # Kota Jambi: where the phone says it is


class LiveServer:
    """The app under uvicorn in a thread of this process, so that a test can read the same
    database directly and can stop the server to cut a phone off."""

    def __init__(self, db: Database) -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self._server = uvicorn.Server(uvicorn.Config(
            create_app(db), host="127.0.0.1", port=port, log_level="warning",
            timeout_graceful_shutdown=2))
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self._thread.start()
        deadline = time.monotonic() + 60
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=30)

    def __exit__(self, *exc: object) -> None:
        self.stop()


@pytest.fixture(scope="module")
def server(planned_db: Database) -> Iterator[str]:
    with LiveServer(planned_db) as live:
        httpx.get(f"{live.url}/login", timeout=30)
        yield live.url


def _login(browser: Browser, server: str, user: str, **context: object) -> Page:
    ctx: BrowserContext = browser.new_context(**context)  # type: ignore[arg-type]
    return log_in_page(ctx.new_page(), server, user)


def _phone(browser: Browser, server: str) -> Page:
    """The field officer's phone, GPS allowed, logged in."""
    return _login(browser, server, "petugas", viewport=PHONE, is_mobile=True, has_touch=True,
                  geolocation=HERE, permissions=["geolocation"])


def _stored(db: Database, client_id: str) -> stored_reports.FieldReport | None:
    with UnitOfWork(db) as uow:
        return stored_reports.get(uow.session, client_id)


def _count(db: Database) -> int:
    with UnitOfWork(db) as uow:
        return stored_reports.count(uow.session)


def test_manifest_and_service_worker_routes(db: Database) -> None:
    client = TestClient(create_app(db))
    m = client.get("/field.webmanifest")
    assert m.status_code == 200
    assert m.headers["content-type"].startswith("application/manifest+json")
    manifest = m.json()
    assert manifest["name"] == "PollGuard Lapangan"
    assert (manifest["start_url"], manifest["display"]) == ("/field", "standalone")
    for icon in manifest["icons"]:
        got = client.get(icon["src"])
        assert got.status_code == 200 and got.headers["content-type"].startswith(icon["type"])
    sw = client.get("/field-sw.js")
    assert sw.status_code == 200
    assert sw.headers["content-type"].startswith("text/javascript")
    assert sw.headers["service-worker-allowed"] == "/field"
    assert "no-cache" in sw.headers["cache-control"]
    assert "__PG_" not in sw.text and '"/field"' in sw.text and '"/static/field.js"' in sw.text
    assert sw.text == client.get("/field-sw.js").text  # same files, same worker: no reinstall
    assert all(path.startswith("/") and "//" not in path for path in SHELL)


@pytest.mark.slow
def test_an_offline_incident_waits_on_the_phone_then_lands_once(
        browser: Browser, server: str, planned_db: Database) -> None:
    # The command map first, so that its live feed is listening when the report arrives.
    command = _login(browser, server, "polda", viewport={"width": 1400, "height": 900})
    command.goto(f"{server}/map")
    ready(command)

    phone = _phone(browser, server)
    phone.goto(f"{server}/field")
    ready(phone)
    expect(phone.locator("#queue-count")).to_have_text("0")
    tps = phone.locator("#tps-phases .tps-row[data-tps]").first.get_attribute("data-tps")
    assert tps
    before = _count(planned_db)

    phone.context.set_offline(True)
    phone.click("#report-incident")
    form = phone.locator("#incident-form")
    form.locator("select[name=incident_kind]").select_option("intimidation")
    expect(form.locator("select[name=severity]")).to_have_value("2")  # the kind's default
    form.locator("select[name=severity]").select_option("3")
    form.locator("select[name=tps_id]").select_option(tps)
    form.locator("textarea[name=text]").fill("Massa menghadang pemilih di depan TPS")
    form.locator("button[type=submit]").click()
    expect(phone.locator("#queue-count")).to_have_text("1")
    queued = phone.locator('#sent-list li[data-state="queued"]')
    expect(queued).to_have_count(1)
    client_id = queued.get_attribute("data-client-id")
    assert client_id
    phone.click("#flush-now")  # a try with no signal changes nothing
    expect(phone.locator("#net")).to_have_attribute("data-online", "0")
    expect(phone.locator("#queue-count")).to_have_text("1")
    kept = phone.evaluate("JSON.parse(localStorage.getItem('pg.field.reports.v1'))")
    assert [r["client_id"] for r in kept if r["state"] == "queued"] == [client_id]
    assert _stored(planned_db, client_id) is None and _count(planned_db) == before

    phone.context.set_offline(False)
    expect(phone.locator("#queue-count")).to_have_text("0", timeout=30_000)
    expect(phone.locator(f'#sent-list li[data-client-id="{client_id}"]')).to_have_attribute(
        "data-state", "sent")
    report = _stored(planned_db, client_id)
    assert report is not None and _count(planned_db) == before + 1
    assert (report.tps_id, report.kind, report.incident_kind, report.severity) == (
        tps, "incident", "intimidation", 3)
    assert report.text == "Massa menghadang pemilih di depan TPS"
    assert report.lat == pytest.approx(HERE["latitude"])
    assert report.lon == pytest.approx(HERE["longitude"])

    # A resend (a phone that lost the server's answer) stores nothing new.
    phone.evaluate("""id => {
        const list = JSON.parse(localStorage.getItem('pg.field.reports.v1'));
        list.find(r => r.client_id === id).state = 'queued';
        localStorage.setItem('pg.field.reports.v1', JSON.stringify(list));
    }""", client_id)
    phone.click("#flush-now")
    expect(phone.locator(f'#sent-list li[data-client-id="{client_id}"]')).to_have_attribute(
        "data-state", "sent")
    assert _count(planned_db) == before + 1

    incidents = httpx.get(f"{server}/api/v1/incidents",
                          headers=token_headers(planned_db, "polda"), timeout=30)
    assert incidents.status_code == 200, incidents.text
    assert [i["id"] for i in incidents.json()["incidents"]].count(client_id) == 1

    # The command map's live feed shows it (Server-Sent Events from /api/v1/events).
    expect(command.locator(f'#live-feed li[data-client-id="{client_id}"]')).to_have_count(
        1, timeout=30_000)
    command.context.close()
    phone.context.close()


@pytest.mark.slow
def test_a_phase_tapped_offline_is_sent_when_the_signal_returns(
        browser: Browser, server: str, planned_db: Database) -> None:
    phone = _phone(browser, server)
    phone.goto(f"{server}/field")
    ready(phone)
    box = phone.locator("#tps-phases .tps-row[data-tps]").last
    tps = box.get_attribute("data-tps")
    phone.context.set_offline(True)
    box.locator('button[data-phase="set_up"]').click()
    expect(box.locator("button.phase.next")).to_have_attribute("data-phase", "voting_open")
    expect(phone.locator("#queue-count")).to_have_text("1")
    client_id = phone.locator('#sent-list li[data-state="queued"]').get_attribute(
        "data-client-id")
    assert client_id and _stored(planned_db, client_id) is None
    phone.context.set_offline(False)
    expect(phone.locator("#queue-count")).to_have_text("0", timeout=30_000)
    report = _stored(planned_db, client_id)
    assert report is not None and (report.tps_id, report.kind, report.phase) == (
        tps, "status", "set_up")
    phone.context.close()


@pytest.mark.slow
def _controlled(page: Page, seconds: float = 90.0) -> None:
    """Wait until the service worker controls the page. It claims the page once active; on a
    busy machine the install can take long, and a reload after activation always hands the
    page to it. Fails with the registration's state."""
    deadline = time.monotonic() + seconds
    while not page.evaluate("navigator.serviceWorker.controller !== null"):
        state = page.evaluate("navigator.serviceWorker.getRegistration().then(r => r ? "
                              "[r.installing, r.waiting, r.active].map(w => w && w.state) "
                              ": 'no registration')")
        assert time.monotonic() < deadline, f"the service worker never took the page: {state}"
        if isinstance(state, list) and state[2] == "activated":
            page.reload()
            ready(page)
        else:
            page.wait_for_timeout(500)


def test_the_field_page_opens_with_no_server(browser: Browser, planned_db: Database) -> None:
    """Once its service worker has cached it, /field opens when the server cannot be reached
    at all, with the reports still queued on the phone (the server is stopped, not emulated
    away: offline emulation does not reach a service worker's own fetches)."""
    with LiveServer(planned_db) as live:
        phone = _phone(browser, live.url)
        phone.goto(f"{live.url}/field")
        ready(phone)
        _controlled(phone)
        phone.reload()  # now through the worker, which keeps the API answers it passes on
        ready(phone)
        post = phone.locator("#post").inner_text()
        live.stop()
        phone.reload()
        ready(phone)
        assert phone.locator("#post").inner_text().split("\n")[0] == post.split("\n")[0]
        phone.locator("#tps-phases button.phase.next").first.click()
        expect(phone.locator("#queue-count")).to_have_text("1")
        phone.reload()
        ready(phone)
        expect(phone.locator("#queue-count")).to_have_text("1")
        expect(phone.locator("#net")).to_have_attribute("data-online", "0")
        phone.context.close()


def test_the_assignment_names_each_tps_and_whom_to_call(planned_db: Database) -> None:
    """/me/assignment carries what the field app shows: TPS by name with the phases the server
    still allows (the phone keeps no phase order of its own) and the phones to call."""
    client = TestClient(create_app(planned_db))
    got = client.get("/api/v1/me/assignment", headers=token_headers(planned_db, "petugas"))
    assert got.status_code == 200, got.text
    a = got.json()
    assert a["phases"] == [p.value for p in TpsPhase]
    assert [s["id"] for s in a["stations"]] == [t for p in a["tps"] for t in p["tps_ids"]]
    for s in a["stations"]:
        assert s["name"].startswith("TPS ") and s["id"] not in s["name"]
        reached = a["phases"].index(s["phase"]) if s["phase"] else -1
        assert s["next_phases"] == a["phases"][reached + 1:]
    assert {"polsek", "posko"} <= {c["kind"] for c in a["contacts"]}
    assert all(c["phone"] for c in a["contacts"]) and all(p["phone"] for p in a["partners"])


SMALL_PHONE: ViewportSize = {"width": 360, "height": 740}


def _officer_of_eight(db: Database) -> str:
    """An account for an officer of a post that guards 8 TPS: the most a phone shows."""
    with UnitOfWork(db) as uow:
        plan_id = plans.latest_id(uow.session)
        assert plan_id is not None
        plan = plans.load(uow.session, plan_id)
    assert plan is not None
    post = next(p.post_id for p in plan.posts if len(p.tps_ids) == 8)
    nrp = next(a.nrp for a in plan.assignments if a.role == Role.POST and a.target_id == post)
    create_user(db=db, username="pos8", password="pos8-field-2024",
                role=AccountRole.FIELD_OFFICER, nrp=nrp, actor="test")
    return "pos8"


@pytest.mark.slow
def test_the_field_app_fits_one_thumb_on_a_small_phone(
        browser: Browser, server: str, planned_db: Database,
        tmp_path_factory: pytest.TempPathFactory) -> None:
    """At 360x740 with 8 TPS: the incident button is on screen, each TPS row shows its name and
    one next-phase button that moves the phase on, the call buttons dial, and logging out of the
    shared phone clears what it kept, asking first while a report is unsent."""
    user = _officer_of_eight(planned_db)
    ctx = browser.new_context(viewport=SMALL_PHONE, is_mobile=True, has_touch=True)
    phone = log_in_with_password(ctx.new_page(), server, user, "pos8-field-2024")
    phone.goto(f"{server}/field")
    ready(phone)
    phone.screenshot(path=str(tmp_path_factory.mktemp("field") / "field-360.png"))
    rows = phone.locator("#tps-phases .tps-row")
    expect(rows).to_have_count(8)
    incident = phone.locator("#report-incident")
    expect(incident).to_be_in_viewport()
    box = incident.bounding_box()
    assert box and box["y"] + box["height"] <= SMALL_PHONE["height"] and box["height"] >= 48
    wide = phone.evaluate("""[...document.querySelectorAll('body *')].filter(
        e => e.getBoundingClientRect().right > innerWidth + 0.5).map(
        e => e.tagName + '#' + e.id + '.' + e.className)""")
    assert not wide, wide  # nothing wider than the screen: no sideways scrolling

    names = rows.locator(".tps-name").all_inner_texts()
    ids = [rows.nth(i).get_attribute("data-tps") for i in range(rows.count())]
    assert all(n.startswith("TPS ") and not any(i and i in n for i in ids) for n in names)
    assert all(len(n.split()) >= 3 for n in names)  # "TPS 002 Renah Kayu Embun"
    assert rows.first.locator("button").count() == 1
    # The post's head stays compact: the first TPS row is on the first screen, whole and above
    # the incident button, not below a screenful of post details, calls and check-in.
    top = rows.first.bounding_box()
    assert top and top["y"] < SMALL_PHONE["height"], top
    assert top["y"] + top["height"] <= box["y"], (top, box)

    # The next phase is what the server allows; one tap reports it and offers the one after.
    row = rows.first
    tps = row.get_attribute("data-tps")
    button = row.locator("button.phase.next")
    first = button.get_attribute("data-phase")
    button.click()
    expect(row).to_have_attribute("data-reached", first or "")
    expect(phone.locator("#queue-count")).to_have_text("0", timeout=30_000)
    with UnitOfWork(planned_db) as uow:
        assert stored_reports.status(uow.session, tps or "") is not None
    expect(row.locator("button.phase.next")).not_to_have_attribute("data-phase", first or "")

    # The incident form opens from the fixed button.
    expect(phone.locator("#incident-form")).to_be_hidden()
    incident.click()
    expect(phone.locator("#incident-form select[name=incident_kind]")).to_be_in_viewport()
    calls = phone.locator("#post-calls a.call")
    assert all(h and h.startswith("tel:") for h in
               (calls.nth(i).get_attribute("href") for i in range(calls.count())))

    # Logging out with an unsent report asks first; "no" keeps everything.
    phone.context.set_offline(True)
    expect(phone.locator("#net")).to_have_attribute("data-online", "0")
    rows.nth(1).locator("button.phase.next").click()
    expect(phone.locator("#queue-count")).to_have_text("1")
    asked: list[str] = []

    def refuse(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    phone.once("dialog", refuse)
    phone.click("#logout")
    assert asked and "1" in asked[0]
    stored = "Object.keys(localStorage).filter(k => k.startsWith('pg.field.'))"
    assert "pg.field.assignment.v1" in phone.evaluate(stored)
    phone.context.set_offline(False)
    phone.once("dialog", lambda d: d.accept())
    with phone.expect_navigation():
        phone.click("#logout")
    assert phone.evaluate(stored) == []
    ctx.close()
