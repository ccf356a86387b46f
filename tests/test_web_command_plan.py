"""The command plan in the command centre (issue 14): a planner sets the guard of one TPS in a
draft (officers as a post of its own, with equipment), sees the draft's shortfalls and the
reserve's p95 before and after, plans a re-vote (PSU) as a plan of its own, and reads every
officer's position in the plotting table. Bad values are refused by the API with a reason in
Indonesian, outside an account's jurisdiction with 403, and nothing is stored.

Through the real app (FastAPI's TestClient) on the planned Jambi demo, and once through the
workspace page in Debian's Chromium."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, expect

from browser_support import log_in_page, ready, require_chromium, serving
from pollguard.store.database import Database
from pollguard.web.app import create_app
from web_client import token_client

KERINCI = "polres.15.01"  # the demo Polres account's jurisdiction


@pytest.fixture(scope="module")
def app(planned_db: Database) -> FastAPI:
    return create_app(planned_db)


@pytest.fixture(scope="module")
def polda(app: FastAPI, planned_db: Database) -> TestClient:
    return token_client(app, planned_db, "polda")


@pytest.fixture(scope="module")
def polres(app: FastAPI, planned_db: Database) -> TestClient:
    return token_client(app, planned_db, "polres")


@pytest.fixture(scope="module")
def layer(polda: TestClient) -> dict[str, Any]:
    return dict(polda.get("/api/v1/map/tps").json())


def _tps(layer: dict[str, Any], *, inside: bool, cls: str = "kurang_rawan",
         skip: int = 0) -> str:
    """A TPS of class ``cls`` in Kerinci (``inside``) or in another Polres."""
    want = layer["classes"].index(cls)
    found = [t for t, c, p in zip(layer["ids"], layer["cls"], layer["pol"], strict=True)
             if c == want and (layer["polres"][p] == KERINCI) == inside]
    return str(found[skip])


def _plan_ids(polda: TestClient) -> set[int]:
    listed = polda.get("/api/v1/plans").json()
    return {p["id"] for p in listed["plans"]} | {p["id"] for p in listed["psu"]}


# --- Guard overrides: the draft API --------------------------------------------------------

@pytest.mark.parametrize(("guard", "reason"), [
    ({"officers": -1}, "bilangan bulat 0 sampai 100"),
    ({"officers": 101}, "bilangan bulat 0 sampai 100"),
    ({"officers": 15.5}, "bilangan bulat 0 sampai 100"),
    ({"officers": "15"}, "bilangan bulat 0 sampai 100"),
    ({"officers": True}, "bilangan bulat 0 sampai 100"),
    ({"officers": None}, "bilangan bulat 0 sampai 100"),
    ({"equipment": {"CCTV": 1}}, "jumlah personel"),
    ({"officers": 15, "equipment": {"CCTV": -1}}, "jumlah CCTV harus bilangan bulat 0"),
    ({"officers": 15, "equipment": {"CCTV": 1.5}}, "jumlah CCTV harus bilangan bulat 0"),
    ({"officers": 15, "equipment": {"  ": 1}}, "nama perlengkapan"),
    ({"officers": 15, "equipment": {"x" * 41: 1}}, "nama perlengkapan"),
    ({"officers": 15, "equipment": {"CCTV": 1, "cctv ": 2}}, "tidak ganda"),
    ({"officers": 15, "equipment": ["CCTV"]}, "perlengkapan harus berupa nama dan jumlah"),
])
def test_a_bad_guard_is_refused_with_an_indonesian_reason_and_stores_nothing(
        polda: TestClient, layer: dict[str, Any], guard: dict[str, object],
        reason: str) -> None:
    plan = polda.get("/api/v1/plans").json()["current"]
    tps_id = _tps(layer, inside=True)
    before = _plan_ids(polda)
    r = polda.post(f"/api/v1/plans/{plan}/drafts", json={"guards": {tps_id: guard}})
    assert r.status_code == 422, r.text
    reasons = " ".join(d["msg"] for d in r.json()["detail"])
    assert reason in reasons and tps_id in reasons, reasons
    assert _plan_ids(polda) == before


def test_a_guard_for_a_tps_that_does_not_exist_is_refused(polda: TestClient) -> None:
    plan = polda.get("/api/v1/plans").json()["current"]
    before = _plan_ids(polda)
    r = polda.post(f"/api/v1/plans/{plan}/drafts",
                   json={"guards": {"1501000000999": {"officers": 15}}})
    assert r.status_code == 422 and "tidak ada" in r.json()["detail"], r.text
    assert _plan_ids(polda) == before


def test_a_polres_cannot_set_a_guard_outside_its_jurisdiction(polres: TestClient,
                                                              layer: dict[str, Any]) -> None:
    plan = polres.get("/api/v1/plans").json()["current"]
    outside = _tps(layer, inside=False)
    before = _plan_ids(polres)
    r = polres.post(f"/api/v1/plans/{plan}/drafts",
                    json={"guards": {outside: {"officers": 15}}, "note": "di luar"})
    assert r.status_code == 403, r.text
    # The TPS by its name, as the pages name it, not by its code.
    said = r.json()["detail"]
    assert r.json()["code"] == "outside_jurisdiction" and said.endswith(
        " di luar wilayah hukum Anda") and said.startswith("TPS ") and outside not in said, said
    assert _plan_ids(polres) == before


def test_a_polres_plans_a_psu_only_in_its_jurisdiction_with_its_own_units(
        polres: TestClient, layer: dict[str, Any]) -> None:
    """The PSU's permission rule is the draft's: every TPS listed in the account's
    jurisdiction; and a Polres sends only its own units (others it asks of the Polda)."""
    outside, inside = _tps(layer, inside=False), _tps(layer, inside=True)
    body = {"tps_ids": [inside, outside], "date": "2024-12-02", "officers_per_tps": 30}
    r = polres.post("/api/v1/psu", json=body)
    assert r.status_code == 403 and r.json()["code"] == "outside_jurisdiction", r.text
    assert outside not in r.json()["detail"]  # named, not coded (test_web_errors)
    r = polres.post("/api/v1/psu", json=body | {"tps_ids": [inside],
                                                "from_units": ["Polres Bungo"]})
    assert r.status_code == 403 and "Polres Bungo" in r.json()["detail"], r.text
    r = polres.post("/api/v1/psu", json=body | {"tps_ids": [inside],
                                                "from_units": ["satker.15.brimob"]})
    assert r.status_code == 403 and "BKO" in r.json()["detail"], r.text


@pytest.mark.parametrize(("change", "reason"), [
    ({"officers_per_tps": 0}, "jumlah personel per TPS harus bilangan bulat 1 sampai 100"),
    ({"officers_per_tps": 30.5}, "jumlah personel per TPS harus bilangan bulat"),
    ({"escort": -1}, "pengawalan kotak suara harus bilangan bulat 0 sampai 100"),
    ({"date": "2 Desember"}, "tanggal PSU"),
    ({"date": None}, "tanggal PSU"),
    ({"tps_ids": []}, "sebutkan 1 sampai 100 TPS"),
])
def test_a_bad_psu_is_refused_with_an_indonesian_reason(
        polda: TestClient, layer: dict[str, Any], change: dict[str, object],
        reason: str) -> None:
    before = _plan_ids(polda)
    body = {"tps_ids": [_tps(layer, inside=True)], "date": "2024-12-02",
            "officers_per_tps": 30} | change
    r = polda.post("/api/v1/psu", json=body)
    assert r.status_code == 422, r.text
    assert reason in " ".join(d["msg"] for d in r.json()["detail"]), r.text
    assert _plan_ids(polda) == before


def test_a_psu_for_a_tps_that_does_not_exist_is_refused(polda: TestClient) -> None:
    r = polda.post("/api/v1/psu", json={"tps_ids": ["1501000000999"], "date": "2024-12-02",
                                        "officers_per_tps": 30})
    assert r.status_code == 422 and "tidak ada" in r.json()["detail"], r.text


# --- Finding a TPS by name or number --------------------------------------------------------

def test_a_tps_is_found_by_its_desa_and_number_within_the_account_s_view(
        polda: TestClient, polres: TestClient, layer: dict[str, Any]) -> None:
    plan = polda.get("/api/v1/plans").json()["current"]
    tps_id = _tps(layer, inside=True)
    detail = polda.get(f"/api/v1/tps/{tps_id}").json()
    q = f"{detail['desa']} {detail['number']}"
    found = polda.get(f"/api/v1/plans/{plan}/tps", params={"q": q}).json()
    assert found[0]["id"] == tps_id, found[:3]
    assert found[0]["label"] == (f"TPS {detail['number']:03d} {detail['desa']}, "
                                 f"{detail['kecamatan']}")  # as every page names it
    assert found[0]["officers"] == detail["post"]["officers"]
    assert polda.get(f"/api/v1/plans/{plan}/tps", params={"q": tps_id}).json()[0]["id"] == tps_id
    outside = _tps(layer, inside=False)
    assert polres.get(f"/api/v1/plans/{plan}/tps", params={"q": outside}).json() == []
    other = polda.get(f"/api/v1/tps/{outside}").json()
    mine = polres.get(f"/api/v1/plans/{plan}/tps", params={"q": other["desa"], "limit": 50})
    assert all(c["id"] != outside for c in mine.json())


# --- The plotting table: positions and the plan's roles -------------------------------------

def test_the_plotting_table_gives_each_officer_his_position(polda: TestClient,
                                                            polres: TestClient) -> None:
    plan = polda.get("/api/v1/plans").json()["current"]
    rows = polda.get(f"/api/v1/plans/{plan}/plotting", params={"limit": 1000,
                                                                "sort": "position",
                                                                "desc": True}).json()
    assert rows["rows"] and all("position" in r for r in rows["rows"])
    positions = [r["position"] for r in rows["rows"]]
    assert positions == sorted(positions, reverse=True)
    mine = polres.get(f"/api/v1/plans/{plan}/plotting", params={"limit": 1000}).json()
    assert mine["total"] > 0 and {r["owner"] for r in mine["rows"]} == {KERINCI}


def test_pawas_and_command_are_rows_of_the_plotting_table(polda: TestClient,
                                                          polres: TestClient) -> None:
    plan = polda.get("/api/v1/plans").json()["current"]
    every = polda.get(f"/api/v1/plans/{plan}/plotting", params={"limit": 1000,
                                                                 "q": "pawas"}).json()
    pawas = [r for r in every["rows"] if r["role"] == "supervisor"]
    assert pawas and all(r["position"] and r["tps"] and r["kecamatan"] for r in pawas)
    command = polda.get(f"/api/v1/plans/{plan}/plotting",
                        params={"limit": 1000, "sort": "role"}).json()
    heads = [r for r in command["rows"] if r["role"] == "command"]
    assert heads and command["rows"][0]["role"] == "command"  # "command" sorts first
    assert all(r["position"] for r in heads) and any(
        r["position"] == "Kasubsatgas Pam TPS" and r["kecamatan"] for r in heads)
    mine = polres.get(f"/api/v1/plans/{plan}/plotting", params={"limit": 1000,
                                                                 "q": "pawas"}).json()
    assert mine["rows"] and {r["owner"] for r in mine["rows"]} == {KERINCI}
    # who supervises a TPS: its id finds its guards and its Pawas
    tps_id = pawas[0]["tps"][0]
    found = polda.get(f"/api/v1/plans/{plan}/plotting", params={"q": tps_id}).json()
    assert {"post", "supervisor"} <= {r["role"] for r in found["rows"]}


# --- Guard overrides made real (the planner's part) -----------------------------------------

def test_a_guard_override_is_a_post_of_its_own_with_its_officers(
        polda: TestClient, layer: dict[str, Any]) -> None:
    plan = polda.get("/api/v1/plans").json()["current"]
    tps_id = _tps(layer, inside=True, skip=3)
    r = polda.post(f"/api/v1/plans/{plan}/drafts", json={
        "guards": {tps_id: {"officers": 15, "equipment": {"CCTV": 1, "HT": 2}}},
        "note": "TPS tegang: 15 personel"})
    assert r.status_code == 201, r.text
    draft = r.json()
    guard = next(g for g in draft["guards"] if g["tps_id"] == tps_id)
    assert guard["post_tps"] == [tps_id] and guard["officers"] == 15
    assert guard["asked_officers"] == 15 and guard["plotted"] == 15
    assert guard["equipment"].get("CCTV") == 1 and guard["equipment"].get("HT") == 2
    assert "reserve_eta_p95_min_before" in draft and isinstance(draft["shortfalls"], list)
    # the stored draft says the same: its balance lists the guard, the plotting its 15
    balance = polda.get(f"/api/v1/plans/{draft['plan_id']}/balance").json()
    assert [g["tps_id"] for g in balance["guards"]] == [tps_id]
    assert balance["guards"][0]["post_id"] == guard["post_id"]
    rows = polda.get(f"/api/v1/plans/{draft['plan_id']}/plotting",
                     params={"q": tps_id, "limit": 100}).json()["rows"]
    assert sum(1 for x in rows if x["target_id"] == guard["post_id"]) == 15
    tps = polda.get(f"/api/v1/plans/{draft['plan_id']}/tps", params={"q": tps_id}).json()
    assert tps[0]["officers"] == 15


# --- A re-vote (PSU) -------------------------------------------------------------------------

def test_a_psu_is_a_plan_of_its_own_listed_apart(polda: TestClient,
                                                 layer: dict[str, Any]) -> None:
    before = polda.get("/api/v1/plans").json()
    tps = [_tps(layer, inside=True, skip=5), _tps(layer, inside=True, skip=6)]
    r = polda.post("/api/v1/psu", json={"tps_ids": tps, "date": "2024-12-02",
                                        "officers_per_tps": 30, "escort": 10,
                                        "from_units": ["Polres Kerinci"],
                                        "note": "PSU Sungai Penuh"})
    assert r.status_code == 201, r.text
    psu = r.json()
    assert psu["kind"] == "psu" and psu["psu_date"] == "2024-12-02"
    assert [g["tps_id"] for g in psu["tps"]] == tps
    assert all(g["officers"] == 30 and g["post_tps"] == [g["tps_id"]] for g in psu["tps"])
    after = polda.get("/api/v1/plans").json()
    assert after["current"] == before["current"]  # the plan in force stays as it is
    assert psu["plan_id"] not in {p["id"] for p in after["plans"]}
    listed = next(p for p in after["psu"] if p["id"] == psu["plan_id"])
    assert listed["kind"] == "psu" and listed["psu_date"] == "2024-12-02"
    assert dt.date.fromisoformat(listed["psu_date"]) == dt.date(2024, 12, 2)
    rows = polda.get(f"/api/v1/plans/{psu['plan_id']}/plotting",
                     params={"q": tps[0]}).json()["rows"]
    assert sum(1 for x in rows if x["role"] == "post") == 30
    r = polda.post(f"/api/v1/plans/{psu['plan_id']}/drafts", json={"note": "dari PSU"})
    assert r.status_code == 422 and "rencana PSU" in r.json()["detail"], r.text


# --- Through the page -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def server(planned_db: Database, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_chromium()
    with serving(planned_db, tmp_path_factory.mktemp("server")) as base:
        yield base


@pytest.mark.slow
def test_set_a_15_officer_guard_on_one_tps_through_the_workspace(
        browser: Browser, server: str, shots: Path, layer: dict[str, Any],
        polda: TestClient) -> None:
    tps_id = _tps(layer, inside=True, skip=8)
    detail = polda.get(f"/api/v1/tps/{tps_id}").json()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = log_in_page(context.new_page(), server, "polda")
    page.goto(f"{server}/workspace")
    ready(page)
    page.fill("#guard-q", f"{detail['desa']} {detail['number']}")
    page.locator(f'#guard-results button[data-tps="{tps_id}"]').click()
    expect(page.locator("#guard-chosen")).to_contain_text(detail["desa"])
    page.fill("#guard-officers", "15")
    page.click("#guard-equipment-add")
    page.locator("#guard-equipment .eq-name").fill("CCTV")
    page.locator("#guard-equipment .eq-count").fill("1")
    page.click("#guard-add")
    expect(page.locator(f'#guard-changes li[data-tps="{tps_id}"]')).to_have_attribute(
        "data-officers", "15")
    page.screenshot(path=str(shots / "workspace-guard-1280.png"), full_page=True)
    page.fill("#replan-note", "browser test: 15 personel di satu TPS")
    page.click("#replan")
    expect(page.locator("#draft[data-draft-id]")).to_be_visible(timeout=120_000)
    post = page.locator(f'#guard-posts tr[data-tps="{tps_id}"]')
    expect(post).to_have_attribute("data-officers", "15")
    expect(post).to_have_attribute("data-alone", "1")
    expect(post).to_contain_text("CCTV 1")
    expect(page.locator('#draft-metrics [data-metric="eta"] b')).to_contain_text("→")
    assert page.locator("#shortfalls tbody tr").count() >= 1
    page.screenshot(path=str(shots / "workspace-draft-1280.png"), full_page=True)
    page.set_viewport_size({"width": 360, "height": 780})
    page.screenshot(path=str(shots / "workspace-draft-360.png"), full_page=True)
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 360 + 1, f"the page is {wide} px wide at 360 px"
    context.close()


@pytest.mark.slow
def test_a_bad_guard_shows_the_server_s_reason_on_the_page(
        browser: Browser, server: str, shots: Path, layer: dict[str, Any],
        polda: TestClient) -> None:
    """The page checks nothing itself: 101 officers goes to the server, whose reason shows."""
    tps_id = _tps(layer, inside=True, skip=9)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = log_in_page(context.new_page(), server, "polda")
    page.goto(f"{server}/workspace")
    ready(page)
    page.fill("#guard-q", tps_id)
    page.locator(f'#guard-results button[data-tps="{tps_id}"]').click()
    page.fill("#guard-officers", "101")
    page.click("#guard-add")
    page.click("#replan")
    error = page.locator("#workspace-error")
    expect(error).to_contain_text("bilangan bulat 0 sampai 100", timeout=30_000)
    expect(error).to_contain_text(tps_id)
    page.screenshot(path=str(shots / "workspace-guard-error-1280.png"))
    page.set_viewport_size({"width": 360, "height": 780})
    page.screenshot(path=str(shots / "workspace-360.png"), full_page=True)
    context.close()


@pytest.mark.slow
def test_plan_a_psu_through_the_workspace_and_open_its_plotting(
        browser: Browser, server: str, shots: Path, layer: dict[str, Any],
        polda: TestClient) -> None:
    tps_id = _tps(layer, inside=True, skip=11)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = log_in_page(context.new_page(), server, "polda")
    page.goto(f"{server}/workspace")
    ready(page)
    page.fill("#psu-q", tps_id)
    page.locator(f'#psu-results button[data-tps="{tps_id}"]').click()
    expect(page.locator(f'#psu-tps li[data-tps="{tps_id}"]')).to_be_visible()
    page.fill("#psu-date", "2024-12-02")
    page.fill("#psu-officers", "30")
    page.fill("#psu-escort", "10")
    page.fill("#psu-units", "Polres Kerinci")
    page.fill("#psu-note", "browser test: PSU")
    page.click("#psu-create")
    result = page.locator("#psu-result[data-plan-id]")
    expect(result).to_be_visible(timeout=120_000)
    plan_id = result.get_attribute("data-plan-id")
    post = page.locator(f'#psu-posts tr[data-tps="{tps_id}"]')
    expect(post).to_have_attribute("data-officers", "30")
    expect(post).to_have_attribute("data-alone", "1")
    expect(page.locator(f'#psu-list tr[data-plan-id="{plan_id}"]')).to_contain_text("2024-12-02")
    assert polda.get("/api/v1/plans").json()["current"] != int(str(plan_id))
    page.screenshot(path=str(shots / "workspace-psu-1280.png"), full_page=True)
    page.locator(f'#psu-list tr[data-plan-id="{plan_id}"] a').click()
    ready(page)
    assert page.input_value("#plotting-plan") == plan_id
    page.fill("#plotting-q", tps_id)
    guards = page.locator('#plotting-table tbody tr[data-role="post"]')
    expect(guards).to_have_count(30, timeout=30_000)
    page.screenshot(path=str(shots / "plotting-psu-1280.png"))
    context.close()
