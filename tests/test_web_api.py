"""The command centre's API on the planned Jambi demo: the map layers, one TPS's explanation,
the planning workspace's draft -> diff -> accept cycle, downloads, the risk view, and bad
requests refused with a reason and nothing stored."""

from __future__ import annotations

import io
import re
from collections import Counter
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from pollguard.domain.risk import RiskClass
from pollguard.store import assessments, audit, plans
from pollguard.store.database import Database
from pollguard.store.uow import UnitOfWork
from pollguard.web.app import create_app
from pollguard.web.i18n import LANGUAGES, catalogue
from web_client import log_in, token_headers

WEB = Path(__file__).resolve().parents[1] / "src" / "pollguard" / "web"


@pytest.fixture(scope="module")
def app(planned_db: Database) -> FastAPI:
    return create_app(planned_db)


@pytest.fixture(scope="module")
def polda(app: FastAPI, planned_db: Database) -> TestClient:
    client = TestClient(app)
    client.headers.update(token_headers(planned_db, "polda"))
    return client


def test_the_map_layer_holds_every_tps_with_its_assessed_class(polda: TestClient,
                                                               planned_db: Database) -> None:
    data = polda.get("/api/v1/map/tps").json()
    with UnitOfWork(planned_db) as uow:
        risks = assessments.results(uow.session, assessments.latest_id(uow.session) or 0)
    assert data["count"] == len(risks) == 6391
    for column in ("ids", "lat", "lon", "cls", "score", "kab", "pol", "guarded"):
        assert len(data[column]) == data["count"], column
    drawn = Counter(data["classes"][c] for c in data["cls"])
    assert drawn == Counter(r.risk_class.value for r in risks.values())
    i = data["ids"].index(next(iter(risks)))
    assert data["score"][i] == risks[data["ids"][i]].score
    assert sum(data["guarded"]) == data["count"]  # the demo plan leaves no TPS uncovered


def test_one_tps_explains_its_class_and_names_its_guards(polda: TestClient) -> None:
    data = polda.get("/api/v1/map/tps").json()
    sangat = data["classes"].index(RiskClass.SANGAT_RAWAN.value)
    tps_id = data["ids"][data["cls"].index(sangat)]
    detail = polda.get(f"/api/v1/tps/{tps_id}").json()
    assert detail["cls"] == "sangat_rawan" and detail["reasons"]
    assert detail["post"]["cls"] == "sangat_rawan" and tps_id in detail["post"]["tps_ids"]
    assert len(detail["guards"]) == detail["post"]["officers"] == detail["guards_count"]
    english = polda.get(f"/api/v1/tps/{tps_id}?lang=en").json()
    assert [r["points"] for r in english["reasons"]] == [r["points"] for r in detail["reasons"]]
    assert english["reasons"][0]["text"] != detail["reasons"][0]["text"]
    assert polda.get("/api/v1/tps/0000000000000").status_code == 404


def test_frame_posts_and_reserves_draw_the_operation(polda: TestClient) -> None:
    frame = polda.get("/api/v1/map/frame").json()
    kinds = Counter(u["kind"] for u in frame["units"])
    assert kinds["polres"] == 10 and kinds["polsek"] > 100
    assert Counter(r["level"] for r in frame["regions"])["kabkota"] == 11
    # Without boundaries.geojson every region is drawn around its TPS: one ring each.
    assert all(len(r["outline"]) == 1 and len(r["outline"][0][0]) >= 4 and not r["real"]
               for r in frame["regions"])
    posts = polda.get("/api/v1/map/posts").json()
    teams = polda.get("/api/v1/map/reserves").json()
    assert len(posts) > 1000 and all(p["officers"] >= 2 for p in posts)
    assert teams and all(t["reach_km"] > 0 and t["size"] > 0 for t in teams)


def _plan_count(db: Database) -> int:
    with UnitOfWork(db) as uow:
        return len(plans.listing(uow.session))


@pytest.mark.slow
def test_change_n_replan_see_the_diff_and_accept_it(app: FastAPI,
                                                    planned_db: Database) -> None:
    client = TestClient(app)
    csrf = log_in(client, "polda")
    h = {"X-CSRF-Token": csrf}
    before = client.get("/api/v1/plans").json()
    base = before["current"]
    balance = client.get(f"/api/v1/plans/{base}/balance").json()
    row = next(r for r in balance["rows"] if r["code"] == "polres.15.01")
    new_n = row["n"] - 2
    r = client.post(f"/api/v1/plans/{base}/drafts", headers=h,
                    json={"n_by_polres": {"polres.15.01": new_n}, "note": "pola Kerinci"})
    assert r.status_code == 201, r.text
    draft = r.json()
    assert draft["status"] == "draft" and draft["moved"] > 0
    listed = client.get("/api/v1/plans").json()
    assert listed["current"] == base  # a draft is not in force
    assert listed["plans"][0]["id"] == draft["plan_id"]
    assert listed["plans"][0]["status"] == "draft"
    changed = client.get(f"/api/v1/plans/{draft['plan_id']}/changes").json()
    assert changed["parent_id"] == base and changed["moved"] == draft["moved"]
    after = client.get(f"/api/v1/plans/{draft['plan_id']}/balance").json()
    assert next(r for r in after["rows"] if r["code"] == "polres.15.01")["n"] == new_n
    untouched = [r["code"] for r in balance["rows"] if r["code"] not in ("polres.15.01", "pool")]
    assert all(next(a for a in after["rows"] if a["code"] == c)["n"] ==
               next(b for b in balance["rows"] if b["code"] == c)["n"] for c in untouched)
    r = client.post(f"/api/v1/plans/{draft['plan_id']}/accept", headers=h)
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    assert client.get("/api/v1/plans").json()["current"] == draft["plan_id"]
    assert client.post(f"/api/v1/plans/{draft['plan_id']}/accept", headers=h).status_code == 409
    with UnitOfWork(planned_db) as uow:
        entries, _ = audit.recent(uow.session, limit=5, action_prefix="plan.")
        assert [e.action for e in entries[:2]] == ["plan.accept", "plan.draft"]
        assert entries[0].actor.startswith("polda") and audit.check(uow.session).ok


@pytest.mark.parametrize(("body", "reason"), [
    ({"n_by_polres": {"polres.15.01": 99}}, "between"),
    ({"n_by_polres": {"polres.99.99": 5}}, "no Polres"),
    ({"classes": {"1501000000001": "rawan"}}, "no such TPS"),
    ({"classes": {"x": "merah"}}, "classes"),
    ({"reserve_share": 0.95}, "reserve_share"),
])
def test_a_bad_change_is_refused_with_a_reason_and_stores_nothing(
        polda: TestClient, planned_db: Database, body: dict[str, object], reason: str) -> None:
    plan = polda.get("/api/v1/plans").json()["current"]
    count = _plan_count(planned_db)
    r = polda.post(f"/api/v1/plans/{plan}/drafts", json=body)
    assert r.status_code == 422, r.text
    assert reason in r.text
    assert _plan_count(planned_db) == count


def test_the_plotting_table_answers_who_guards_a_tps_and_where_an_officer_is(
        polda: TestClient) -> None:
    plan = polda.get("/api/v1/plans").json()["current"]
    page = polda.get(f"/api/v1/plans/{plan}/plotting?limit=5&sort=nrp").json()
    assert page["total"] > 5000 and len(page["rows"]) == 5
    assert [r["nrp"] for r in page["rows"]] == sorted(r["nrp"] for r in page["rows"])
    post_row = next(r for r in polda.get(f"/api/v1/plans/{plan}/plotting?limit=200").json()[
        "rows"] if r["role"] == "post")
    tps = post_row["tps"][-1]
    guards = polda.get(f"/api/v1/plans/{plan}/plotting?q={tps}").json()["rows"]
    assert post_row["nrp"] in {g["nrp"] for g in guards}
    assert all(tps in g["tps"] for g in guards)
    found = polda.get(f"/api/v1/plans/{plan}/plotting?q={post_row['nrp']}").json()["rows"]
    assert [f["target_id"] for f in found] == [post_row["target_id"]]


@pytest.mark.slow
def test_downloads_are_real_workbooks_and_pdfs(polda: TestClient) -> None:
    plan = polda.get("/api/v1/plans").json()["current"]
    docs = polda.get(f"/api/v1/plans/{plan}/exports").json()
    assert {d["kind"] for d in docs} == {"sprin", "plotting", "annex", "cards", "cards_a6",
                                         "text", "summary"}
    book = next(d for d in docs if d["kind"] == "plotting" and d["owner"] == "polres.15.01")
    r = polda.get(book["url"])
    assert r.status_code == 200 and "spreadsheetml" in r.headers["content-type"]
    sheets = load_workbook(io.BytesIO(r.content), read_only=True).sheetnames
    assert len(sheets) > 3
    cards = next(d for d in docs if d["kind"] == "cards")
    assert polda.get(cards["url"]).content.startswith(b"%PDF")
    sprin = next(d for d in docs if d["kind"] == "sprin" and d["owner"] == "polres.15.01")
    r = polda.get(sprin["url"])
    assert r.status_code == 200 and "wordprocessingml" in r.headers["content-type"]
    assert r.content.startswith(b"PK")  # a Word document is a zip
    assert polda.get(f"/api/v1/plans/{plan}/exports/..%2Fsecret.xlsx").status_code == 404


def test_risk_view_counts_add_up(polda: TestClient) -> None:
    rows = polda.get("/api/v1/risk/classes?level=kabkota").json()
    assert len(rows) == 11 and sum(r["tps"] for r in rows) == 6391
    by_polres = polda.get("/api/v1/risk/classes?level=polres").json()
    assert len(by_polres) == 10
    indicators = polda.get("/api/v1/risk/indicators").json()
    assert indicators and all(i["tps"] > 0 for i in indicators)
    listed = polda.get("/api/v1/assessments").json()
    same = listed[-1]["id"]
    assert polda.get(f"/api/v1/risk/diff?before={same}&after={same}").json() == []
    assert polda.get(f"/api/v1/risk/diff?before={same}&after=999").status_code == 404


def test_both_languages_have_every_string() -> None:
    keys = [set(catalogue(lang)) for lang in LANGUAGES]
    assert keys[0] == keys[1] and len(keys[0]) > 20
    used = set()
    for path in [*WEB.joinpath("templates").glob("*.html"), *WEB.joinpath("static").glob("*.js")]:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z0-9_.-]+)["']""", path.read_text("utf-8")))
    assert used and used <= keys[0], sorted(used - keys[0])


def test_pages_work_air_gapped_and_redirect_by_role(app: FastAPI, planned_db: Database) -> None:
    for path in [*WEB.joinpath("templates").glob("*.html"), *WEB.joinpath("static").glob("*")]:
        if path.is_file():
            text = path.read_text("utf-8")
            assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text), path
            assert "cdn" not in text.lower(), path
    client = TestClient(app, follow_redirects=False)
    # The API docs too: Swagger UI from the app's own files, nothing from outside.
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200 and "swagger-ui" in docs.text
    assert not re.search(r"https?://", docs.text) and "cdn" not in docs.text.lower()
    loads = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)""", docs.text)
    assert len(loads) >= 4  # favicon, stylesheet, Swagger UI, the script that starts it
    for ref in loads:
        assert ref.startswith("/") and not ref.startswith("//"), ref
        assert client.get(ref).status_code == 200, ref
    assert client.get("/map").headers["location"].startswith("/login")
    assert client.get("/static/leaflet/leaflet.js").status_code == 200
    log_in(client, "kpu")
    assert client.get("/map").status_code == 200
    assert client.get("/workspace").headers["location"] == "/map"
    assert client.get("/").headers["location"] == "/map"
    log_in(client, "petugas")
    assert client.get("/").headers["location"] == "/field"  # the field app first
    english = client.get("/me?lang=en")
    assert "My assignment" in english.text and client.cookies.get("pg_lang") == "en"
    assert client.get("/api/v1/i18n/xx").status_code == 404
