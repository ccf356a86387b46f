"""The TNI liaison's part of the plan: ``GET /api/v1/tni`` and ``/map/tni`` give the plan's TNI
posts and, per Kodim, soldiers available, at TPS posts, in mobile teams and the shortfall, with
no police personal data; the /tni page lists them (a real browser, screenshot taken)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from pollguard.services.snapshot import Snapshots
from pollguard.store.database import Database
from pollguard.web.app import create_app
from web_client import token_headers


@pytest.fixture(scope="module")
def app(planned_db: Database) -> FastAPI:
    return create_app(planned_db)


@pytest.fixture(scope="module")
def picture(app: FastAPI, planned_db: Database) -> dict[str, Any]:
    got = TestClient(app).get("/api/v1/tni", headers=token_headers(planned_db, "tni"))
    assert got.status_code == 200, got.text
    body: dict[str, Any] = got.json()
    return body


def test_the_tni_table_is_the_plans_allocation(picture: dict[str, Any],
                                               planned_db: Database) -> None:
    plan = Snapshots(planned_db).get().plan
    assert plan is not None and plan.tni_posts
    rows = {r["kodim"]: r for r in picture["kodim"]}
    assert set(rows) == {a.unit_code for a in plan.tni}
    for a in plan.tni:
        r = rows[a.unit_code]
        assert (r["available"], r["at_tps"], r["mobile_teams"], r["in_mobile"], r["short"]) == (
            a.available, a.static, a.mobile_teams, a.mobile, a.short)
    kodim = [r for r in picture["kodim"] if r["kodim"] != "total"]
    assert all(r["name"].startswith("Kodim") for r in kodim), kodim
    assert sum(r["static_posts"] for r in kodim) <= rows["total"]["static_posts"]
    assert len(picture["posts"]) == len(plan.tni_posts)
    static = next(p for p in picture["posts"] if p["kind"] == "static")
    assert re.fullmatch(r"TPS \d{3} .+", static["label"]), static


def test_the_map_layer_is_the_same_posts(app: FastAPI, planned_db: Database,
                                        picture: dict[str, Any]) -> None:
    layer = TestClient(app).get("/api/v1/map/tni", headers=token_headers(planned_db, "tni"))
    assert layer.status_code == 200
    assert layer.json() == picture["posts"]


def test_the_tni_gets_no_police_personal_data(app: FastAPI, planned_db: Database) -> None:
    client = TestClient(app)
    plan = Snapshots(planned_db).get().plan
    assert plan is not None
    nrps = {a.nrp for a in plan.assignments}
    for path in ("/api/v1/tni", "/api/v1/map/tni"):
        text = client.get(path, headers=token_headers(planned_db, "tni")).text
        assert not re.search(r"\b\d{8}\b", text), path
        assert not any(n in text for n in nrps), path
        assert not re.search(r"\b08\d{8,11}\b", text), path
    kpu = token_headers(planned_db, "kpu")
    assert client.get("/api/v1/tni", headers=kpu).status_code == 403
    assert client.get("/tni", headers=kpu, follow_redirects=False).status_code == 303


def test_a_polres_sees_only_its_own_kodim(app: FastAPI, planned_db: Database,
                                          picture: dict[str, Any]) -> None:
    mine = TestClient(app).get("/api/v1/tni", headers=token_headers(planned_db, "polres")).json()
    assert mine["posts"] and len(mine["posts"]) < len(picture["posts"])
    assert "total" not in {r["kodim"] for r in mine["kodim"]}
    assert {r["kodim"] for r in mine["kodim"]} == {p["kodim"] for p in mine["posts"]} - {""}


# --- The page, in a real browser --------------------------------------------------------------

@pytest.fixture(scope="module")
def server(planned_db: Database, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from browser_support import require_chromium, serving
    require_chromium()
    with serving(planned_db, tmp_path_factory.mktemp("server")) as base:
        yield base


@pytest.mark.slow
def test_the_tni_liaisons_page_lists_tni_posts(browser: Any, server: str, shots: Path,
                                                picture: dict[str, Any]) -> None:
    from playwright.sync_api import expect

    from browser_support import log_in_page, ready

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = log_in_page(context.new_page(), server, "tni")
    expect(page.locator('[data-nav="/tni"]')).to_be_visible()
    page.goto(f"{server}/tni")
    ready(page)
    short = next(r for r in picture["kodim"] if r["kodim"] != "total")
    row = page.locator(f'#tni-kodim tr[data-kodim="{short["kodim"]}"]')
    expect(row).to_contain_text(short["name"])
    expect(page.locator("#tni-posts tbody tr[data-post]")).to_have_count(len(picture["posts"]))
    first = picture["posts"][0]
    expect(page.locator(f'#tni-posts tr[data-post="{first["id"]}"]')).to_contain_text(
        first["label"])
    assert page.locator("#tni-map .leaflet-interactive").count() == len(picture["posts"])
    shown = page.locator("main").inner_text()
    assert "Kekurangan" in shown and not re.search(r"\b\d{8}\b", shown)
    page.screenshot(path=str(shots / "tni.png"), full_page=True)
    page.goto(f"{server}/map")
    ready(page)  # the operations map: the TNI layer is listed and on for the liaison
    expect(page.locator(".leaflet-control-layers")).to_contain_text("TNI: pos dan tim mobile")
    assert page.evaluate("[...document.querySelectorAll('.leaflet-control-layers label')]"
                         ".some(l => l.textContent.includes('TNI: pos')"
                         " && l.querySelector('input').checked)")
    context.close()


LABEL_BOXES = """() => [...document.querySelectorAll('#tni-map .leaflet-tooltip.region-label')]
    .map((n) => { const b = n.getBoundingClientRect();
                  return {text: n.textContent, shown: !n.classList.contains('clash')
                          && getComputedStyle(n).visibility !== 'hidden',
                          left: b.left, right: b.right, top: b.top, bottom: b.bottom}; })"""


@pytest.mark.slow
@pytest.mark.parametrize(("width", "height"), [(1280, 900), (360, 740)])
def test_the_tni_maps_region_names_never_overlap(browser: Any, server: str, shots: Path,
                                                 width: int, height: int) -> None:
    """Each kab/kota name at its region's inner point; one that would cover another is nudged
    or, on a narrow screen, hidden until a closer zoom: the names shown never overlap, and
    they stay inside the map, at both widths and after zooming in."""
    from browser_support import log_in_page, ready

    context = browser.new_context(viewport={"width": width, "height": height})
    page = log_in_page(context.new_page(), server, "tni")
    page.goto(f"{server}/tni")
    ready(page)
    frame = page.locator("#tni-map").bounding_box()
    assert frame is not None
    for zoom_in in (False, True):
        if zoom_in:
            page.evaluate("() => document.querySelector('#tni-map .leaflet-control-zoom-in')"
                          ".click()")
            page.wait_for_timeout(700)  # the zoom's animation, then the labels are placed
        boxes = page.evaluate(LABEL_BOXES)
        assert len(boxes) == 11  # every kab/kota of Jambi has its name on the map
        shown = [b for b in boxes if b["shown"]]
        assert len(shown) >= (8 if width > 1000 else 3), [b["text"] for b in shown]
        for i, a in enumerate(shown):
            assert a["left"] >= frame["x"] - 1 and a["right"] <= frame["x"] + frame["width"] + 1
            for b in shown[i + 1:]:
                apart = (a["right"] <= b["left"] or b["right"] <= a["left"]
                         or a["bottom"] <= b["top"] or b["bottom"] <= a["top"])
                assert apart, (a, b)
        page.locator("#tni-map").screenshot(
            path=str(shots / f"tni-map-{width}{'-zoomed' if zoom_in else ''}.png"))
        frame = page.locator("#tni-map").bounding_box()  # the screenshot scrolled to it
        assert frame is not None
    context.close()


@pytest.mark.slow
def test_kpu_reads_tps_phases_and_incidents_in_its_own_words(browser: Any, server: str) -> None:
    """The live feed writes phases and incidents with ``pg.t``; an observer's catalogue entries
    ("for.observer.<key>") come first, the police keep theirs."""
    from browser_support import log_in_page, ready

    said = {}
    for user in ("kpu", "polda"):
        context = browser.new_context()
        page = log_in_page(context.new_page(), server, user)
        page.goto(f"{server}/map")
        ready(page)
        said[user] = page.evaluate("['live.phase.voting_open', 'live.phase.counted', "
                                   "'live.feed.incident'].map(k => pg.t(k))")
        context.close()
    assert said["kpu"] == ["Pemungutan suara dimulai", "Penghitungan selesai", "Kejadian"]
    assert said["polda"] == ["Pemungutan dibuka", "Selesai dihitung", "Insiden"]
