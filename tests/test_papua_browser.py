"""A WIT operation's pages in a real browser (Debian's Chromium) whose own clock is London's:
the Papua Pegunungan plan (``papua_web``) lists its time on the Posko's clock with "WIT" and
the map's live clock reads WIT too; the workspace's columns say "Distrik". Screenshots
($POLLGUARD_SCREENSHOTS to keep them)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from browser_support import log_in_with_password, ready, require_chromium, serving
from papua_web import PASSWORD, USER, papua_database

require_chromium()

from playwright.sync_api import Browser, expect  # noqa: E402

TIMEOUT = 30_000  # ms
WIT = dt.timezone(dt.timedelta(hours=9))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("papua-browser")
    with papua_database(folder) as database, serving(database, folder) as base:
        yield base


def _hours_now() -> set[str]:
    """The hour on the Posko's clock now, and a minute on (a test that runs over the hour)."""
    now = dt.datetime.now(WIT)
    return {f"{now:%H}", f"{now + dt.timedelta(minutes=1):%H}"}


def test_times_are_on_the_operations_clock_whatever_the_browsers(
        browser: Browser, server: str, shots: Path) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  timezone_id="Europe/London")
    page = log_in_with_password(context.new_page(), server, USER, PASSWORD)
    page.goto(f"{server}/workspace")
    ready(page)
    assert page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone") == "Europe/London"
    created = page.locator('#plan-list tr[data-plan-id="1"] td').nth(1).inner_text()
    shown = re.fullmatch(r"\d\d \w+ \d{4},? (\d\d)[.:]\d\d WIT", created.strip())
    assert shown, created
    assert shown.group(1) in _hours_now()
    assert page.locator("th", has_text="Distrik").count() >= 1  # the guard table's column
    assert "Kecamatan" not in page.content()
    page.screenshot(path=str(shots / "papua_workspace.png"), full_page=True)

    page.goto(f"{server}/map")
    page.wait_for_selector('#live[data-ready="1"]', timeout=TIMEOUT)
    clock = page.locator("#live-clock").inner_text()
    ticking = re.fullmatch(r"(\d\d)[.:]\d\d[.:]\d\d WIT", clock.strip())
    assert ticking, clock
    assert ticking.group(1) in _hours_now()
    page.screenshot(path=str(shots / "papua_map.png"))

    page.goto(f"{server}/plotting")
    ready(page)
    expect(page.locator('#plotting-table th[data-sort="kecamatan"]')).to_have_text("Distrik")
    expect(page.locator("#plotting-table tbody")).to_contain_text("Wamena")
    context.close()
