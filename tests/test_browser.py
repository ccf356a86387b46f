"""Real browser tests: Playwright drives Debian's Chromium (/usr/bin/chromium, never a
downloaded browser) against ``pollguard serve`` on the planned Jambi demo.

Without /usr/bin/chromium these tests skip, saying so; CI installs it and sets
POLLGUARD_REQUIRE_BROWSER=1, which turns the skip into a failure. Screenshots of the main pages
go to $POLLGUARD_SCREENSHOTS when set (``docs/screenshots`` in the README), else to a
temporary folder."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from browser_support import log_in_page, ready, require_chromium, serving
from pollguard.store.database import Database

require_chromium()

from playwright.sync_api import Browser, Page, expect  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(planned_db: Database, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``pollguard serve`` in its own process, on the planned demo database."""
    with serving(planned_db, tmp_path_factory.mktemp("server")) as base:
        yield base


def _login(browser: Browser, server: str, user: str, lang: str = "id") -> Page:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    return log_in_page(context.new_page(), server, user, lang)


NAV = {  # what each demo account must see in the navigation, and nothing more
    "polda": {"/map", "/workspace", "/plotting", "/risk", "/audit", "/sitrep", "/tni"},
    "polres": {"/map", "/workspace", "/plotting", "/risk", "/sitrep", "/tni"},
    "polsek": {"/map", "/workspace", "/plotting", "/risk", "/sitrep", "/tni"},
    "petugas": {"/field", "/me"},
    "tni": {"/map", "/workspace", "/risk", "/sitrep", "/tni"},
    "kpu": {"/map", "/risk", "/sitrep"},
}


@pytest.mark.parametrize("user", sorted(NAV))
def test_each_role_sees_only_what_it_may(browser: Browser, server: str, user: str) -> None:
    page = _login(browser, server, user)
    links = set(page.eval_on_selector_all("[data-nav]", "els => els.map(e => e.dataset.nav)"))
    assert links == NAV[user]
    for path in ("/map", "/workspace", "/plotting", "/risk", "/audit", "/field", "/me",
                 "/sitrep", "/tni"):
        page.goto(server + path)
        landed = page.url.removeprefix(server).split("?")[0]
        assert (landed == path) == (path in NAV[user]), (user, path, landed)
    if user == "petugas":
        page.goto(f"{server}/me")
        ready(page)
        expect(page.locator("#assignment")).to_contain_text(page.evaluate(
            "fetch('/api/v1/session').then(r => r.json()).then(s => s.nrp)"))
    if user in ("tni", "kpu"):
        page.goto(f"{server}/map")
        ready(page)
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
    ready(page)
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
    ready(page)
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
    asked: list[str] = []  # accepting asks first: confirm it
    page.once("dialog", lambda d: (asked.append(d.message), d.accept()))
    page.click("#accept")
    row = page.locator(f'#plan-list tr[data-plan-id="{draft_id}"]')
    expect(row).to_have_attribute("data-status", "accepted", timeout=30_000)
    listed = page.evaluate("fetch('/api/v1/plans').then(r => r.json())")
    assert listed["current"] == int(draft_id)
    assert asked and f"#{draft_id}" in asked[0]
    page.context.close()


def test_download_a_plotting_workbook(browser: Browser, server: str, shots: Path) -> None:
    page = _login(browser, server, "polres")
    page.goto(f"{server}/plotting")
    ready(page)
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
    ready(page)
    assert "Kerawanan" in page.locator("header nav").inner_text()
    page.click('a[data-lang-switch="en"]')
    ready(page)
    nav = page.locator("header nav").inner_text()
    assert "Vulnerability" in nav and "Operations map" in nav
    assert page.evaluate("document.documentElement.lang") == "en"
    page.screenshot(path=str(shots / "risk.png"))
    page.goto(f"{server}/audit")
    ready(page)
    expect(page.locator("#chain-status")).to_be_visible()
    page.screenshot(path=str(shots / "audit.png"))
    page.click('a[data-lang-switch="id"]')
    ready(page)
    assert "Jejak Audit" in page.locator("header nav").inner_text()
    page.context.close()


def test_the_audit_page_names_actions_on_local_time_and_errors_come_in_indonesian(
        browser: Browser, server: str) -> None:
    """Actions in words, times with the operation's zone, the filter by kind; and a refusal
    that a page's script gets (a TPS outside the Polres) in Bahasa Indonesia with its code."""
    page = _login(browser, server, "polda")
    page.goto(f"{server}/audit?lang=id")
    ready(page)
    rows = page.evaluate("""() => [...document.querySelectorAll(
        '#audit-table tbody tr[data-action]')].map((r) => [r.dataset.action,
        r.cells[3].textContent, r.cells[1].textContent])""")
    assert rows
    for action, label, at in rows:
        assert label != action and at.endswith(" WIB"), (action, label, at)
    page.select_option("#audit-action", "plan.")
    page.wait_for_function("""() => document.body.dataset.ready === '1' &&
        [...document.querySelectorAll('#audit-table tbody tr[data-action]')].every(
            (r) => r.dataset.action.startsWith('plan.'))""")
    assert "Rencana" in page.locator("#audit-table tbody").inner_text()
    outside = page.evaluate("""async () => { const m = await pg.api('/map/tps');
        return m.ids.find((id, i) => m.polres[m.pol[i]] !== 'polres.15.01'); }""")
    d = page.evaluate("(id) => pg.api('/tps/' + id)", outside)
    name = f"TPS {d['number']:03d} {d['desa']}, {d['kecamatan']}"  # by name, not its code
    page.context.close()
    polres = _login(browser, server, "polres")
    polres.goto(f"{server}/risk?lang=id")
    ready(polres)
    refused = polres.evaluate("""(id) => pg.api('/tps/' + id).then(() => null,
        (e) => [e.status, e.code, e.message])""", outside)
    assert refused == [403, "outside_jurisdiction", f"{name} di luar wilayah hukum Anda"]
    polres.context.close()
