"""The field app's presence control on a phone: with the GPS at the post, "Hadir di pos"
checks the officer in, and the card says he is present (the server measured the distance)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from playwright.sync_api import Browser

from browser_support import free_port, log_in_page, ready
from pollguard.store import plans
from pollguard.store import presence as store
from pollguard.store.database import Database
from pollguard.store.uow import UnitOfWork
from pollguard.web.app import create_app
from pollguard.web.settings import WebSettings


@pytest.fixture(scope="module")
def server(planned_db: Database) -> Iterator[str]:
    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(planned_db, WebSettings(escalate=False)),
                                        host="127.0.0.1", port=port, log_level="warning",
                                        timeout_graceful_shutdown=2))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=30)


def test_check_in_at_the_post_from_the_phone(browser: Browser, server: str,
                                             planned_db: Database) -> None:
    with UnitOfWork(planned_db) as uow:
        plan = plans.in_force(uow.session)
        assert plan is not None
        posts = {p.post_id: p for p in store.posts(uow.session, plan[0])}
    page = log_in_page(browser.new_context(viewport={"width": 360, "height": 740},
                                           is_mobile=True).new_page(), server, "petugas")
    page.goto(f"{server}/field")
    ready(page)
    nrp = page.evaluate("fetch('/api/v1/session').then((r) => r.json()).then((s) => s.nrp)")
    post = next(p for p in posts.values() if nrp in p.nrps)
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": post.lat, "longitude": post.lon})
    page.click("#presence-in")
    page.wait_for_selector("#presence-note.ok", timeout=15_000)
    assert "hadir" in page.inner_text("#presence-note").lower()
    with UnitOfWork(planned_db) as uow:
        last = store.checks(uow.session, plan[0], [nrp])[-1]
    assert last.inside is True and last.post_id == post.post_id


def test_the_command_map_shows_planned_against_present(browser: Browser, server: str) -> None:
    page = log_in_page(browser.new_context(viewport={"width": 1400, "height": 900}).new_page(),
                       server, "polda")
    page.goto(f"{server}/map")
    ready(page)
    total = page.wait_for_selector("#presence-board tfoot tr[data-total]", timeout=30_000)
    assert total is not None
    planned = total.query_selector('[data-col="planned"]')
    assert planned is not None and planned.inner_text().strip() not in ("", "0")
    assert page.locator("#presence-board tbody tr[data-region]").count() >= 1
    page.context.close()  # its live stream would hold the server's shutdown
