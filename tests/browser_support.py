"""What the browser tests share: Debian's Chromium (/usr/bin/chromium, never a downloaded
browser), ``pollguard serve`` in its own process on the planned demo database, and logging in
through the login page.

Without /usr/bin/chromium a browser test module skips, saying so; POLLGUARD_REQUIRE_BROWSER=1
(set by CI) turns the skip into a failure."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from pollguard.store.database import Database
from web_client import PASSWORDS

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-dev-shm-usage"]


def require_chromium() -> None:
    """Call at a browser test module's top: skip it (or fail, under CI) without Chromium."""
    if CHROMIUM.exists():
        return
    if os.environ.get("POLLGUARD_REQUIRE_BROWSER"):
        raise RuntimeError("the browser tests need Debian's chromium at /usr/bin/chromium")
    pytest.skip("Debian's chromium (/usr/bin/chromium) is not installed",
                allow_module_level=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(db: Database, folder: Path, options: Sequence[str] = ()) -> Iterator[str]:
    """``pollguard serve`` in its own process on ``db`` (with ``options`` of serve, such as
    ``--tiles PATH``); yields its base URL. A server that does not stop (a live stream still
    open) is killed."""
    port = free_port()
    url = db.engine.url.render_as_string(hide_password=False)
    exe = Path(sys.executable).with_name("pollguard")
    log = folder / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen([str(exe), "--db", url, "serve", "--port", str(port),
                                 *options],
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
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@contextmanager
def chromium(home: Path) -> Iterator[Browser]:
    """Debian's Chromium under Playwright, with ``home`` as its HOME (it writes there)."""
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                              env={**os.environ, "HOME": str(home)})
        try:
            yield b
        finally:
            b.close()


def log_in_page(page: Page, server: str, user: str, lang: str = "id") -> Page:
    """Log in through the login page as ``user`` (a demo account); returns the page."""
    page.goto(f"{server}/login?lang={lang}")
    page.fill("#username", user)
    page.fill("#password", PASSWORDS[user])
    with page.expect_navigation():
        page.click("#login-form button[type=submit]")
    return page


def ready(page: Page) -> None:
    """Wait until the page has drawn its data (every page sets ``data-ready`` on its body)."""
    page.wait_for_selector('body[data-ready="1"]', timeout=30_000)


def log_in_with_password(page: Page, server: str, user: str, password: str,
                         lang: str = "id") -> Page:
    """Log in through the login page as an account made in the test (not a demo account)."""
    page.goto(f"{server}/login?lang={lang}")
    page.fill("#username", user)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("#login-form button[type=submit]")
    return page
