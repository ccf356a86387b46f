"""Real browser tests: Playwright drives Debian's Chromium (/usr/bin/chromium, never a
downloaded browser) against ``pollguard serve`` on the planned Jambi demo.

Without /usr/bin/chromium these tests skip, saying so; CI installs it and sets
POLLGUARD_REQUIRE_BROWSER=1, which turns the skip into a failure. Screenshots of the main pages
go to $POLLGUARD_SCREENSHOTS when set (``docs/screenshots`` in the README), else to a
temporary folder."""

from __future__ import annotations

import io
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook

from pollguard.store.database import Database
from web_client import PASSWORDS

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    if os.environ.get("POLLGUARD_REQUIRE_BROWSER"):
        raise RuntimeError("the browser tests need Debian's chromium at /usr/bin/chromium")
    pytest.skip("Debian's chromium (/usr/bin/chromium) is not installed",
                allow_module_level=True)

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

pytestmark = pytest.mark.slow
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-dev-shm-usage"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(planned_db: Database, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``pollguard serve`` in its own process, on the planned demo database."""
    port = _free_port()
    url = planned_db.engine.url.render_as_string(hide_password=False)
    exe = Path(sys.executable).with_name("pollguard")
    log = tmp_path_factory.mktemp("server") / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen([str(exe), "--db", url, "serve", "--port", str(port)],
                                stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None:
                raise RuntimeError(log.read_text())
            time.sleep(0.25)
        httpx.get(f"{base}/login", timeout=30)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    home = tmp_path_factory.mktemp("home")  # Chromium writes under ~/.config and ~/.cache
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                              env={**os.environ, "HOME": str(home)})
        yield b
        b.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chosen = os.environ.get("POLLGUARD_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _login(browser: Browser, server: str, user: str, lang: str = "id") -> Page:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{server}/login?lang={lang}")
    page.fill("#username", user)
    page.fill("#password", PASSWORDS[user])
    with page.expect_navigation():
        page.click("#login-form button[type=submit]")
    return page


def _ready(page: Page) -> None:
    page.wait_for_selector('body[data-ready="1"]', timeout=30_000)


NAV = {  # what each demo account must see in the navigation, and nothing more
    "polda": {"/map", "/workspace", "/plotting", "/risk", "/audit", "/field", "/me", "/sitrep"},
    "polres": {"/map", "/workspace", "/plotting", "/risk", "/sitrep"},
    "polsek": {"/map", "/workspace", "/plotting", "/risk", "/sitrep"},
    "petugas": {"/field", "/me"},
    "tni": {"/map", "/workspace", "/risk", "/sitrep"},
    "kpu": {"/map", "/risk", "/sitrep"},
}


@pytest.mark.parametrize("user", sorted(NAV))
def test_each_role_sees_only_what_it_may(browser: Browser, server: str, user: str) -> None:
    page = _login(browser, server, user)
    links = set(page.eval_on_selector_all("[data-nav]", "els => els.map(e => e.dataset.nav)"))
    assert links == NAV[user]
    for path in ("/map", "/workspace", "/plotting", "/risk", "/audit", "/field", "/me",
                 "/sitrep"):
        page.goto(server + path)
        landed = page.url.removeprefix(server).split("?")[0]
        assert (landed == path) == (path in NAV[user]), (user, path, landed)
    if user == "petugas":
        _ready(page)
        expect(page.locator("#assignment")).to_contain_text(page.evaluate(
            "fetch('/api/v1/session').then(r => r.json()).then(s => s.nrp)"))
    if user in ("tni", "kpu"):
        page.goto(f"{server}/map")
        _ready(page)
        first = page.evaluate("fetch('/api/v1/map/tps').then(r => r.json()).then(d => d.ids[0])")
        page.evaluate(f"window.pgMap.openTps('{first}')")
        panel = page.locator("#tps-detail")
        expect(panel).to_contain_text(first)
        shown = page.locator("#tps-detail").inner_text()
        assert not re.search(r"\b\d{8}\b", shown), f"an NRP is shown to {user}: {shown}"
    page.context.close()


def test_the_map_draws_every_tps_and_filters(browser: Browser, server: str,
                                             shots: Path) -> None:
    page = _login(browser, server, "polda")
    page.goto(f"{server}/map")
    _ready(page)
    total = page.evaluate("fetch('/api/v1/map/tps').then(r => r.json()).then(d => d.count)")
    assert total == 6391
    assert page.get_attribute("#map", "data-tps-drawn") == str(total)
    sangat = page.evaluate("""fetch('/api/v1/map/tps').then(r => r.json()).then(d =>
        d.cls.filter(c => d.classes[c] === 'sangat_rawan').length)""")
    page.select_option("#filter-class", "sangat_rawan")
    expect(page.locator("#map")).to_have_attribute("data-tps-drawn", str(sangat))
    page.select_option("#filter-class", "")
    expect(page.locator("#map")).to_have_attribute("data-tps-drawn", str(total))
    page.screenshot(path=str(shots / "map.png"))
    page.context.close()


def test_change_n_replan_accept_and_find_the_new_version(browser: Browser, server: str,
                                                         shots: Path) -> None:
    page = _login(browser, server, "polda")
    page.goto(f"{server}/workspace")
    _ready(page)
    n_input = page.locator('#balance tr[data-polres="polres.15.01"] input.n-input')
    current = int(n_input.input_value())
    n_input.fill(str(current - 1))
    page.fill("#replan-note", "browser test: pola Kerinci")
    page.click("#replan")
    draft = page.locator("#draft[data-draft-id]")
    expect(draft).to_be_visible(timeout=60_000)
    draft_id = draft.get_attribute("data-draft-id")
    assert draft_id and page.locator("#moves tr").count() > 1
    page.screenshot(path=str(shots / "workspace.png"))
    page.click("#accept")
    row = page.locator(f'#plan-list tr[data-plan-id="{draft_id}"]')
    expect(row).to_have_attribute("data-status", "accepted", timeout=30_000)
    listed = page.evaluate("fetch('/api/v1/plans').then(r => r.json())")
    assert listed["current"] == int(draft_id)
    page.context.close()


def test_download_a_plotting_workbook(browser: Browser, server: str, shots: Path) -> None:
    page = _login(browser, server, "polres")
    page.goto(f"{server}/plotting")
    _ready(page)
    assert page.locator("#plotting-table tbody tr").count() > 10
    page.fill("#plotting-q", "pos")
    page.screenshot(path=str(shots / "plotting.png"))
    link = page.locator('#downloads a[data-kind="plotting"]').first
    with page.expect_download(timeout=60_000) as info:
        link.click()
    data = Path(info.value.path()).read_bytes()
    book = load_workbook(io.BytesIO(data), read_only=True)
    assert len(book.sheetnames) > 3
    page.context.close()


def test_switch_the_language(browser: Browser, server: str, shots: Path) -> None:
    page = _login(browser, server, "polda")
    page.goto(f"{server}/risk")
    _ready(page)
    assert "Kerawanan" in page.locator("header nav").inner_text()
    page.click('a[data-lang-switch="en"]')
    _ready(page)
    nav = page.locator("header nav").inner_text()
    assert "Vulnerability" in nav and "Operations map" in nav
    assert page.evaluate("document.documentElement.lang") == "en"
    page.screenshot(path=str(shots / "risk.png"))
    page.goto(f"{server}/audit")
    _ready(page)
    expect(page.locator("#chain-status")).to_be_visible()
    page.screenshot(path=str(shots / "audit.png"))
    page.click('a[data-lang-switch="id"]')
    _ready(page)
    assert "Jejak Audit" in page.locator("header nav").inner_text()
    page.context.close()
