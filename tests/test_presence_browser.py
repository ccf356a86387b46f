"""The field app's presence control on a phone: with the GPS at the post, "Hadir di pos"
checks the officer in, and the card says he is present (the server measured the distance).
The command map's presence box shows the Polsek under their Polres and the posts with nobody
present by their TPS names; the incident panel marks a report from an officer not at his
post."""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from collections.abc import Iterator

import pytest
import uvicorn
from playwright.sync_api import Browser

from browser_support import free_port, log_in_page, ready
from pollguard.operations.presence import CheckKind
from pollguard.services import presence
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
    # KPU/Bawaslu read phases and incidents: no presence box (its route needs plan:read)
    observer = log_in_page(browser.new_context(viewport={"width": 1400, "height": 900}
                                               ).new_page(), server, "kpu")
    observer.goto(f"{server}/map")
    ready(observer)
    observer.wait_for_selector('section[aria-labelledby="presence-title"]', state="hidden",
                               timeout=30_000)
    observer.context.close()


def test_the_live_page_lists_polsek_and_empty_posts_and_marks_an_absent_reporter(
        browser: Browser, server: str, planned_db: Database) -> None:
    field = log_in_page(browser.new_context(viewport={"width": 360, "height": 740},
                                            is_mobile=True).new_page(), server, "petugas")
    field.goto(f"{server}/field")
    ready(field)
    nrp = field.evaluate("fetch('/api/v1/session').then((r) => r.json()).then((s) => s.nrp)")
    with UnitOfWork(planned_db) as uow:
        plan = plans.in_force(uow.session)
        assert plan is not None
        post = store.post_of(uow.session, plan[0], nrp)
    assert post is not None
    # He leaves his post (checked in by the test above), then reports an incident there.
    presence.check(db=planned_db, nrp=nrp, kind=CheckKind.OUT, now=dt.datetime.now(dt.UTC),
                   actor="test")
    cid = str(uuid.uuid4())
    field.evaluate("(b) => pg.api('/reports', {method: 'POST', body: b})", {
        "client_id": cid, "tps_id": post.tps_ids[0], "kind": "incident",
        "incident_kind": "intimidation", "text": "massa berkumpul",
        "sent_at": dt.datetime.now(dt.UTC).isoformat()})
    field.context.close()

    page = log_in_page(browser.new_context(viewport={"width": 1400, "height": 900}).new_page(),
                       server, "polda")
    page.goto(f"{server}/map")
    ready(page)
    mark = page.wait_for_selector(
        f'#incident-table tr[data-incident-id="{cid}"] [data-reporter-absent]', timeout=30_000)
    assert mark is not None and "pelapor tidak di pos" in mark.inner_text()
    page.wait_for_selector("#presence-polsek details[data-polres]", state="attached",
                           timeout=30_000)
    group = page.locator(f'#presence-polsek details[data-polres="{post.polres_code}"]')
    assert group.count() == 1 and not group.locator("tr[data-polsek]").first.is_visible()
    group.locator("summary").click()  # folded until opened
    assert group.locator("tr[data-polsek]").first.is_visible()
    first = page.locator("#presence-empty li[data-post-id]").first
    assert first.inner_text().startswith("TPS ") and "0 dari" in first.inner_text()
    # The empty post the officer left is listed by its TPS's name, not its code.
    left = page.locator(f'#presence-empty li[data-post-id="{post.post_id}"]')
    if left.count():
        assert post.tps_ids[0] not in left.inner_text()
    page.context.close()  # its live stream would hold the server's shutdown
