"""The documents of the plan in force are written in the background when it is accepted (and
when the server starts on a plan with none on disk), so a Kabag Ops's download is a file
already there; a download before its turn writes it itself, and two writers never write a
kind twice nor show half a file. The small province, planned for real; the web server's
own accept route and lifespan, as the command centre runs them."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from pollguard.access import Role
from pollguard.access.scope import Scope
from pollguard.planning.view import PlanView
from pollguard.profile import dump_profile, load_profile
from pollguard.scenario.folder import write_scenario
from pollguard.services import accounts, documents, scenarios
from pollguard.store import plans
from pollguard.store.database import Database
from pollguard.store.uow import UnitOfWork
from pollguard.web.app import create_app
from pollguard.web.settings import WebSettings
from small_plan import SCENARIO, small_plan
from web_client import token_headers

KINDS = {"sprin", "plotting", "annex", "cards", "cards_a6", "text", "summary"}


def _join(plan_id: int) -> None:
    for t in threading.enumerate():
        if t.name == f"documents-plan-{plan_id}":
            t.join(timeout=120)
            assert not t.is_alive()


def test_prebuild_writes_every_document_once(tmp_path: Path) -> None:
    view = PlanView(small_plan(), SCENARIO)
    every = documents.documents(view, Scope())
    assert {d.kind for d in every} == KINDS
    written = documents.prebuild(view, plan_id=7, folder=tmp_path)
    # every listed document, and the summary's HTML beside its PDF
    assert sorted(p.name for p in written) == sorted(
        [d.name for d in every] + ["rencana_pengamanan.html"])
    assert not [p for p in (tmp_path / "plan-7").iterdir() if p.is_dir()]  # no scratch left
    sprin = tmp_path / "plan-7" / "sprin_polres_kerinci.docx"
    before = sprin.stat().st_mtime_ns
    # a download afterwards is the file on disk, not a new one
    again = documents.document(view, Scope(), plan_id=7, name=sprin.name, folder=tmp_path)
    assert again == sprin and sprin.stat().st_mtime_ns == before


def test_concurrent_first_downloads_write_a_kind_once(tmp_path: Path) -> None:
    view = PlanView(small_plan(), SCENARIO)
    name = "plotting_polres_kerinci.xlsx"
    with ThreadPoolExecutor(4) as pool:
        paths = list(pool.map(lambda _: documents.document(
            view, Scope(), plan_id=3, name=name, folder=tmp_path), range(4)))
    assert len(set(paths)) == 1 and paths[0].stat().st_size > 0
    into = tmp_path / "plan-3"
    # every owner's workbook came with the one write, and nothing else (no other kind)
    assert sorted(p.name for p in into.iterdir()) == [
        "plotting_polda.xlsx", "plotting_polres_kerinci.xlsx", "plotting_polres_merangin.xlsx"]


@pytest.fixture
def small_planned(db: Database, tmp_path: Path) -> tuple[int, int]:
    """The small province loaded, its hand-made plan in force and a second version of it as a
    draft (stored as the planner stores them); (plan in force, draft)."""
    folder = tmp_path / "kecil"
    write_scenario(SCENARIO, folder)
    scenarios.load_scenario(db=db, folder=folder)
    accounts.create_user(db=db, username="polda", password="polda-kecil-2024",
                         role=Role.POLDA_COMMAND)
    toml = dump_profile(load_profile())
    with UnitOfWork(db) as uow:
        first = plans.save(uow.session, small_plan(), assessment_id=None, parent_id=None,
                           note="", profile_toml=toml)
        draft = plans.save(uow.session, small_plan(p95=9.0), assessment_id=None,
                           parent_id=first, note="uji", profile_toml=toml,
                           status=plans.DRAFT, author="polda")
    return first, draft


def test_the_server_builds_the_plan_in_force_and_each_accepted_plan(
        db: Database, small_planned: tuple[int, int], tmp_path: Path) -> None:
    in_force, draft = small_planned
    exports = tmp_path / "exports"
    app = create_app(db, WebSettings(escalate=False, prebuild=True, export_dir=str(exports)))
    with TestClient(app) as client:  # the lifespan runs: the plan in force is built
        client.headers.update(token_headers(db, "polda"))
        _join(in_force)
        on_disk = {p.name for p in (exports / f"plan-{in_force}").iterdir()}
        listed = client.get(f"/api/v1/plans/{in_force}/exports").json()
        assert {d["name"] for d in listed} | {"rencana_pengamanan.html"} == on_disk
        assert {d["kind"] for d in listed} == KINDS
        r = client.get(f"/api/v1/plans/{in_force}/exports/sprin_polres_kerinci.docx")
        assert r.status_code == 200 and r.headers["content-type"].startswith(
            "application/vnd.openxmlformats-officedocument.wordprocessingml")
        r = client.get(f"/api/v1/plans/{in_force}/exports/pesan_polres_kerinci.txt")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
        assert not (exports / f"plan-{draft}").exists()  # a draft has no documents written
        assert client.post(f"/api/v1/plans/{draft}/accept").status_code == 200
        _join(draft)
        assert {p.name for p in (exports / f"plan-{draft}").iterdir()} == on_disk
