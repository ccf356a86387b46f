"""The offline basemap in a real browser (Debian's Chromium): the command centre on the small
province with a tiny archive made here (solid magenta PNG tiles in MBTiles, served by
``pollguard serve --tiles PATH``; solid cyan JPEG tiles in PMTiles), and the operations map and
the risk map draw its tiles under the outlines: tile images from ``/tiles/`` loaded at 256 px,
the map's pixels in the archive's colour, its attribution shown. Without /usr/bin/chromium
these tests skip, saying so."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
import uvicorn
from PIL import Image
from pmtiles.tile import TileType

from basemap_support import CYAN, MAGENTA, covering, make_mbtiles, make_pmtiles, solid_png
from browser_support import free_port, log_in_with_password, ready, require_chromium, serving
from pollguard.store.database import Database
from pollguard.web.app import create_app
from pollguard.web.settings import WebSettings
from small_web import USERS, small_database

require_chromium()

from playwright.sync_api import Browser, Page  # noqa: E402

TIMEOUT = 30_000  # ms
# Around the small province's TPS (101.28 to 102.27 E, about 2.05 S) and then some, at the
# zooms its map opens at in a 1280x900 window.
BOX = (100.0, -3.4, 103.5, -0.8)
ZOOMS = range(8, 12)


def _jpeg(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (256, 256), colour).save(out, "JPEG", quality=95)
    return out.getvalue()


def _archive(kind: str, folder: Path) -> tuple[Path, tuple[int, int, int], str]:
    """(the archive, its tiles' colour, its attribution)."""
    if kind == "mbtiles":
        attribution = "© Peta Uji MBTiles"
        path = make_mbtiles(folder / "uji.mbtiles", covering(BOX, ZOOMS, solid_png(MAGENTA)), {
            "name": "Uji", "format": "png", "minzoom": str(ZOOMS[0]),
            "maxzoom": str(ZOOMS[-1]), "bounds": ",".join(map(str, BOX)),
            "attribution": attribution})
        return path, MAGENTA, attribution
    attribution = "© Peta Uji PMTiles"
    path = make_pmtiles(folder / "uji.pmtiles", covering(BOX, ZOOMS, _jpeg(CYAN)),
                        {"name": "Uji", "attribution": attribution}, box=BOX,
                        tile_type=TileType.JPEG)
    return path, CYAN, attribution


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    with small_database(tmp_path_factory.mktemp("basemap-db")) as db:
        yield db


@contextmanager
def _in_this_process(database: Database, archive: Path) -> Iterator[str]:
    """The app with ``WebSettings(tiles=...)`` under uvicorn in a thread of this process: the
    same server as ``pollguard serve`` without a second interpreter's start (seconds)."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(
        create_app(database, WebSettings(tiles=str(archive), escalate=False)),
        host="127.0.0.1", port=port, log_level="warning", timeout_graceful_shutdown=2))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture(scope="module", params=["mbtiles", "pmtiles"])
def served(request: pytest.FixtureRequest, database: Database,
           tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[tuple[str, tuple[int, int, int], str]]:
    """(the server's URL, the archive's colour, its attribution): the MBTiles archive through
    ``pollguard serve --tiles PATH`` in its own process, the PMTiles one in this process."""
    folder = tmp_path_factory.mktemp(f"basemap-{request.param}")
    path, colour, attribution = _archive(request.param, folder)
    started = (serving(database, folder, ["--tiles", str(path)])
               if request.param == "mbtiles" else _in_this_process(database, path))
    with started as base:
        yield base, colour, attribution


def _page(browser: Browser, server: str) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    return log_in_with_password(context.new_page(), server, "polda", USERS["polda"][0])


# How many tile images from /tiles/ a map drew: loaded at 256 px and faded in (Leaflet fades
# a tile's opacity up to 1 over 200 ms), or 0 while any tile is still coming.
TILES_DRAWN = """(pane) => {
  const tiles = [...document.querySelectorAll(pane + ' .leaflet-tile-pane img')];
  if (document.querySelector(pane + ' .leaflet-tile-loading')
      || !tiles.every((img) => img.style.opacity === '1')) return 0;
  return tiles.filter((img) => new URL(img.src).pathname.startsWith('/tiles/')
    && img.complete && img.naturalWidth === 256 && img.naturalHeight === 256).length;
}"""


def _tiles_drawn(page: Page, pane: str) -> int:
    """How many tiles ``pane``'s map drew, once at least 4 are and none is still coming."""
    page.wait_for_function(f"(pane) => ({TILES_DRAWN})(pane) >= 4", arg=pane, timeout=TIMEOUT)
    return int(page.evaluate(TILES_DRAWN, pane))


def _share_of(png: bytes, colour: tuple[int, int, int]) -> float:
    """The share of a screenshot's pixels in ``colour`` (give or take JPEG's rounding)."""
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)
    return float((np.abs(pixels - np.array(colour)) <= 12).all(axis=2).mean())


def test_the_maps_draw_the_archives_tiles(
        browser: Browser, served: tuple[str, tuple[int, int, int], str], shots: Path) -> None:
    server, colour, attribution = served
    page = _page(browser, server)
    page.goto(f"{server}/map")
    ready(page)
    page.wait_for_selector("#map[data-tps-drawn]", timeout=TIMEOUT)
    assert _tiles_drawn(page, "#map") >= 4
    shot = page.locator("#map").screenshot()
    (shots / f"basemap-map-{colour[0]}.png").write_bytes(shot)
    # The tiles are the ground (no plain land fill over them); the TPS, outlines and controls
    # are drawn on top.
    assert _share_of(shot, colour) > 0.4
    assert attribution in page.locator("#map .leaflet-control-attribution").inner_text()
    assert page.locator("#map").get_attribute("data-tps-drawn") == "5"
    # The risk view's small map too.
    page.goto(f"{server}/risk")
    ready(page)
    assert _tiles_drawn(page, "#risk-map") >= 4
    assert _share_of(page.locator("#risk-map").screenshot(), colour) > 0.5
    page.context.close()
