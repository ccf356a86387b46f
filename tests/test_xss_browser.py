"""Stored XSS, in a real browser: every name and text the server hands a page is shown as text.

The Jambi scenario is copied with HTML in its names (a kab/kota, every kecamatan and desa of
Kerinci, its Polres and Polseks, their officers), then loaded, assessed and planned through the
services as ``pollguard demo`` does. Incident texts, workflow notes, a plan note and an
account's display name carrying HTML come in through the real API. Every page is then opened in
Debian's Chromium (/usr/bin/chromium) as the Polda, as an observer and as field officers, with
the tooltips, popups and panels that show those names opened; each payload must show up as
literal text, and none may run (``window.__xss`` stays undefined) or leave an element with an
inline event handler behind. Without /usr/bin/chromium these tests skip, saying so;
POLLGUARD_REQUIRE_BROWSER=1 turns the skip into a failure."""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from browser_support import (
    log_in_page,
    log_in_with_password,
    ready,
    require_chromium,
    serving,
)
from conftest import fresh_database_url
from pollguard.services import accounts, planning, risk, scenarios
from pollguard.store.database import Database, open_database
from web_client import PASSWORDS

require_chromium()

from playwright.sync_api import Browser, BrowserContext, Page, expect  # noqa: E402

pytestmark = pytest.mark.slow
TIMEOUT = 30_000  # ms
KAB = "15.01"  # Kabupaten Kerinci, the demo Polres's kab/kota
POLRES = "polres.15.01"


def payload(tag: str) -> str:
    """HTML that sets ``window.__xss`` to ``tag`` if a page ever parses it as markup."""
    if tag in ("polres", "incident"):
        return f"<script>window.__xss='{tag}'</script>"
    if tag in ("kecamatan", "step"):
        return f"<svg onload=\"window.__xss='{tag}'\">"
    return f"<img src=x onerror=\"window.__xss='{tag}'\">"


P = {tag: payload(tag) for tag in ("kabkota", "kecamatan", "desa", "polres", "polsek",
                                     "officer", "incident", "step", "plan", "account")}
OBSERVER = ("pengamat", "pengamat-xss-2024")  # an observer whose display name carries HTML
RESERVIST = ("cadangan", "cadangan-xss-2024")  # a reserve-team officer of Kerinci


def _rewrite(path: Path, change: Callable[[dict[str, str]], None]) -> None:
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    for row in rows:
        change(row)
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        out.writeheader()
        out.writerows(rows)


def _poison(folder: Path) -> None:
    """HTML in the names of Kerinci: the kab/kota, its kecamatan and desa, its Polres and
    Polseks and every officer of them."""
    units: set[str] = set()

    def region(row: dict[str, str]) -> None:
        code = row["code"]
        if code == KAB:
            row["name"] = f"{row['name']} {P['kabkota']}"
        elif code.startswith(KAB + ".") and row["kind"] == "kecamatan":
            row["name"] = f"{row['name']} {P['kecamatan']}"
        elif code.startswith(KAB + ".") and row["kind"] in ("desa", "kelurahan"):
            row["name"] = f"{row['name']} {P['desa']}"

    def unit(row: dict[str, str]) -> None:
        if row["code"] == POLRES:
            row["name"] = f"{row['name']} {P['polres']}"
            units.add(row["code"])
        elif row["kind"] == "polsek" and row["parent_code"] == POLRES:
            row["name"] = f"{row['name']} {P['polsek']}"
            units.add(row["code"])

    def officer(row: dict[str, str]) -> None:
        if row["unit_code"] in units:
            row["name"] = f"{row['name']} {P['officer']}"

    _rewrite(folder / "regions.csv", region)
    _rewrite(folder / "units.csv", unit)
    _rewrite(folder / "officers.csv", officer)


@pytest.fixture(scope="module")
def xss_db(tmp_path_factory: pytest.TempPathFactory, jambi_dir: Path) -> Iterator[Database]:
    """The demo with HTML in Kerinci's names: loaded, assessed, planned, demo accounts."""
    folder = Path(shutil.copytree(jambi_dir, tmp_path_factory.mktemp("xss") / "scenario"))
    _poison(folder)
    with fresh_database_url(tmp_path_factory.mktemp("xss-db")) as url:
        database = open_database(url)
        scenarios.load_scenario(db=database, folder=folder)
        risk.run_assessment(db=database)
        planning.run_plan(db=database)
        accounts.demo_accounts(db=database)
        yield database
        database.dispose()


@pytest.fixture(scope="module")
def server(xss_db: Database, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(xss_db, tmp_path_factory.mktemp("xss-server")) as base:
        yield base


def _api(server: str, user: str, password: str | None = None) -> httpx.Client:
    """An API client logged in as a browser is: session cookie and CSRF token."""
    client = httpx.Client(base_url=server, timeout=60)
    client.get("/login")
    r = client.post("/api/v1/session",
                    json={"username": user, "password": password or PASSWORDS[user]},
                    headers={"X-CSRF-Token": client.cookies["pg_csrf"]})
    assert r.status_code == 200, r.text
    client.headers["X-CSRF-Token"] = str(r.json()["csrf"])
    return client


def _ok(r: httpx.Response) -> Any:
    assert r.is_success, f"{r.request.method} {r.request.url}: {r.status_code} {r.text}"
    return r.json()


@pytest.fixture(scope="module")
def seeded(server: str) -> dict[str, str]:
    """Texts with HTML through the real API: an incident at the field officer's TPS with a
    workflow note, a plan draft's note, an observer's display name and an account for an
    officer waiting in a reserve team (staged at a Kerinci unit)."""
    polda, petugas = _api(server, "polda"), _api(server, "petugas")
    try:
        mine = _ok(petugas.get("/api/v1/me/assignment"))
        tps_id = str(mine["tps"][0]["tps_ids"][0])
        incident_id = str(uuid.uuid4())
        _ok(petugas.post("/api/v1/reports", json={
            "client_id": incident_id, "tps_id": tps_id, "kind": "incident",
            "incident_kind": "intimidation", "severity": 3, "text": P["incident"],
            "sent_at": dt.datetime.now(dt.UTC).isoformat()}))
        _ok(polda.post(f"/api/v1/incidents/{incident_id}/steps",
                       json={"to": "acknowledged", "note": P["step"]}))
        plans = _ok(polda.get("/api/v1/plans"))
        _ok(polda.post(f"/api/v1/plans/{plans['current']}/drafts",
                       json={"reserve_share": 0.2, "note": P["plan"]}))
        _ok(polda.post("/api/v1/accounts", json={
            "username": OBSERVER[0], "password": OBSERVER[1], "role": "observer",
            "display_name": f"Pengamat {P['account']}"}))
        rows = _ok(polda.get(f"/api/v1/plans/{plans['current']}/plotting",
                             params={"polres": POLRES, "sort": "role",
                                     "limit": 1000}))["rows"]
        rows = [r for r in rows if r["role"] == "reserve"]
        assert rows, "no reserve team member in the plotting table"
        _ok(polda.post("/api/v1/accounts", json={
            "username": RESERVIST[0], "password": RESERVIST[1], "role": "field_officer",
            "nrp": rows[0]["nrp"]}))
        return {"tps": tps_id, "incident": incident_id}
    finally:
        polda.close()
        petugas.close()


LogIn = Callable[..., Page]


@pytest.fixture
def log_in(browser: Browser, server: str) -> Iterator[LogIn]:
    """Opens a page logged in as a user (through the login page); closed after the test."""
    contexts: list[BrowserContext] = []

    def open_as(user: str, password: str | None = None) -> Page:
        context = browser.new_context(viewport={"width": 1600, "height": 950})
        contexts.append(context)
        page = context.new_page()
        if password is None:
            return log_in_page(page, server, user)
        return log_in_with_password(page, server, user, password)

    yield open_as
    for context in contexts:
        context.close()


def _open(page: Page, server: str, path: str) -> None:
    page.goto(server + path)
    ready(page)


def _assert_inert(page: Page, *tags: str) -> None:
    """No payload ran or left markup behind, and each of ``tags``' payloads is on the page as
    literal, visible text."""
    page.wait_for_timeout(300)  # an <img src=x> fails and fires its onerror within this
    ran = page.evaluate("window.__xss")
    assert ran is None, f"a payload ran on {page.url}: window.__xss = {ran!r}"
    injected = page.evaluate("""[...document.querySelectorAll('*')]
        .filter(e => [...e.attributes].some(a => /^on/i.test(a.name)))
        .map(e => e.outerHTML.slice(0, 160))""")
    assert injected == [], f"elements with inline handlers on {page.url}: {injected}"
    shown = page.evaluate("document.body.innerText")
    for tag in tags:
        assert P[tag] in shown, f"the {tag} payload is not shown as text on {page.url}"


def _open_map(page: Page, server: str) -> None:
    _open(page, server, "/map")
    page.wait_for_selector('#live[data-ready="1"]', timeout=TIMEOUT)


def _assert_region_label(page: Page) -> None:
    """Kerinci's name on the map, as text, in its permanent label."""
    expect(page.locator(".leaflet-tooltip.region-label").filter(has_text=P["kabkota"])
           ).to_have_count(1)


def _open_map_tooltips(page: Page) -> None:
    """Every marker's tooltip at once (Polres and Polsek HQ, reserve teams, incident rings)."""
    page.evaluate("""() => { pgMap.map.eachLayer(l => {
        if (l instanceof L.Marker && l.getTooltip()) l.openTooltip(); }); }""")


def _close_map_tooltips(page: Page) -> None:
    page.evaluate("""() => { pgMap.map.eachLayer(l => {
        if (l instanceof L.Marker && l.getTooltip()) l.closeTooltip(); }); }""")


def _open_kerinci_tps(page: Page, tps_id: str) -> None:
    page.evaluate("id => { pgMap.openTps(id); }", tps_id)
    expect(page.locator("#tps-detail")).to_have_attribute("data-loaded", "1", timeout=TIMEOUT)


def _open_post_popup(page: Page) -> None:
    """A click on the map beside a Kerinci post (TPS layer off, posts on) opens its popup."""
    layers = page.locator(".leaflet-control-layers-overlays label")
    layers.filter(has_text=re.compile(r"^\s*TPS")).locator("input").uncheck()
    layers.filter(has_text=re.compile(r"^\s*Pos")).locator("input").check()
    # The first Kerinci post with nothing else on the map (a marker, a ring) at its point.
    at = page.evaluate(f"""async () => {{
        const posts = await fetch('/api/v1/map/posts').then(r => r.json());
        const box = document.getElementById('map').getBoundingClientRect();
        for (const p of posts.filter(p => p.kecamatan.startsWith('{KAB}.'))) {{
          pgMap.map.setView([p.lat, p.lon], 13, {{animate: false}});
          const pt = pgMap.map.latLngToContainerPoint([p.lat, p.lon]);
          const x = box.left + pt.x + 2, y = box.top + pt.y + 2;
          if (document.elementFromPoint(x, y)?.tagName === 'CANVAS') return {{x, y}};
        }}
        return null; }}""")
    assert at, "no Kerinci post to click"
    page.mouse.click(at["x"], at["y"])
    expect(page.locator(".leaflet-popup .post-popup")).to_be_visible(timeout=TIMEOUT)


def test_polda_map_shows_names_as_text(log_in: LogIn, server: str, seeded: dict[str, str],
                                       shots: Path) -> None:
    page = log_in("polda")
    _open_map(page, server)
    _assert_inert(page, "kabkota", "polres")  # region labels; the progress board
    _assert_region_label(page)
    _open_map_tooltips(page)
    _assert_inert(page, "polres", "polsek")  # HQ and reserve tooltips
    _close_map_tooltips(page)
    _open_kerinci_tps(page, seeded["tps"])
    _assert_inert(page, "desa", "kecamatan", "kabkota", "polres", "officer")
    row = page.locator(f'#incidents tr[data-incident-id="{seeded["incident"]}"]')
    expect(row).to_be_visible(timeout=TIMEOUT)
    row.click()
    expect(page.locator("#incident-detail")).to_have_attribute("data-for-incident",
                                                               seeded["incident"])
    _assert_inert(page, "incident", "step")
    page.locator("#incident-detail button.close").click()
    page.locator("#tps-detail button.close").click()
    _open_post_popup(page)
    _assert_inert(page, "kecamatan")
    page.screenshot(path=str(shots / "xss-map-popup.png"))


def test_polda_pages_show_names_as_text(log_in: LogIn, server: str, seeded: dict[str, str],
                                        shots: Path) -> None:
    page = log_in("polda")
    _open(page, server, "/workspace")
    _assert_inert(page, "polres", "plan")  # the force balance; the versions' notes
    page.fill("#class-tps", seeded["tps"])
    page.click("#class-add")
    expect(page.locator(f'#class-changes li[data-tps="{seeded["tps"]}"]')).to_be_visible()
    _assert_inert(page, "desa", "kecamatan")
    page.locator("#plan-list tr[data-status=draft]").first.click()
    expect(page.locator("#draft[data-draft-id]")).to_be_visible(timeout=TIMEOUT)
    _assert_inert(page, "plan")

    _open(page, server, "/plotting")
    page.select_option("#plotting-polres", POLRES)
    expect(page.locator("#plotting-table tbody tr[data-nrp]").first).to_be_visible()
    ready(page)
    _assert_inert(page, "officer", "kecamatan", "polsek")
    page.screenshot(path=str(shots / "xss-plotting.png"))

    _risk(page, server)

    _open(page, server, "/audit")
    _assert_inert(page, "plan")

    _open(page, server, "/sitrep")
    _assert_inert(page, "polres")


def _risk(page: Page, server: str) -> None:
    _open(page, server, "/risk")
    _assert_inert(page, "kabkota")
    page.locator(f'#risk-classes tr[data-code="{KAB}"]').click()
    ready(page)
    expect(page.locator("#risk-map-title")).to_contain_text(P["kabkota"])
    _assert_inert(page, "kabkota")
    page.select_option("#risk-level", "polres")
    ready(page)
    expect(page.locator(f'#risk-classes tr[data-code="{POLRES}"]')).to_be_visible()
    _assert_inert(page, "polres")
    page.select_option("#risk-level", "kecamatan")
    ready(page)
    expect(page.locator(f'#risk-classes tr[data-code^="{KAB}."]').first).to_be_visible()
    _assert_inert(page, "kecamatan")


def test_observer_pages_show_names_as_text(log_in: LogIn, server: str,
                                           seeded: dict[str, str]) -> None:
    page = log_in(*OBSERVER)
    _open_map(page, server)
    _assert_inert(page, "account", "kabkota", "polres")  # the top bar; labels; the board
    _assert_region_label(page)
    _open_map_tooltips(page)
    _assert_inert(page, "polres", "polsek")
    _close_map_tooltips(page)
    _open_kerinci_tps(page, seeded["tps"])
    _assert_inert(page, "desa", "kecamatan", "polres")
    row = page.locator(f'#incidents tr[data-incident-id="{seeded["incident"]}"]')
    expect(row).to_be_visible(timeout=TIMEOUT)
    row.click()
    expect(page.locator("#incident-detail")).to_have_attribute("data-for-incident",
                                                               seeded["incident"])
    _assert_inert(page, "incident", "step")
    _risk(page, server)
    _open(page, server, "/sitrep")
    _assert_inert(page, "account", "polres")


def test_field_officer_pages_show_names_as_text(log_in: LogIn, server: str,
                                                seeded: dict[str, str], shots: Path) -> None:
    page = log_in("petugas")
    _open(page, server, "/field")
    _assert_inert(page, "officer")
    _open(page, server, "/me")
    _assert_inert(page, "officer")

    # A reserve-team officer: the map's label names the Kerinci unit the team waits at.
    page = log_in(*RESERVIST)
    _open(page, server, "/me")
    expect(page.locator("#me-map .leaflet-tooltip")).to_be_visible()
    _assert_inert(page, "officer")
    label = page.locator("#me-map .leaflet-tooltip").inner_text()
    assert P["polsek"] in label or P["polres"] in label, label
    page.screenshot(path=str(shots / "xss-me.png"))
    _open(page, server, "/field")
    _assert_inert(page, "officer")


PAGES = ("/login", "/map", "/workspace", "/plotting", "/risk", "/audit", "/field", "/me",
         "/sitrep", "/tni")


@pytest.mark.parametrize("path", PAGES)
def test_pages_have_no_inline_scripts_or_handlers(server: str, path: str) -> None:
    """What a Content-Security-Policy of script-src 'self' needs: every script is a file."""
    # The field pages are the field officer's (the Polda is sent to its own first page).
    user = "petugas" if path in ("/field", "/me") else "polda"
    client = _api(server, user) if path != "/login" else httpx.Client(base_url=server)
    try:
        r = client.get(path)
    finally:
        client.close()
    assert r.status_code == 200 and r.url.path == path, (path, r.url)
    html = r.text
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S | re.I)
    assert scripts, path
    for attrs, body in scripts:
        assert re.search(r"\bsrc=\"/static/[\w./-]+\.js\"", attrs), (path, attrs)
        assert not body.strip(), (path, body)
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", html, flags=re.I), path
    assert "javascript:" not in html.lower(), path
