"""The operations map in Chromium with real boundaries (issue 16, item 4): the planned Jambi
demo given the real kab/kota and kecamatan polygons of ../shared/data (``import boundaries``,
as a Polda that receives them after planning would), served by ``pollguard serve``. The map
draws the real polygons (Kerinci's outline has its real points and box, Kota Jambi is a hole
in Muaro Jambi), no two region names overlap at any zoom, the legend has a row for each symbol
drawn, and the class colours are the server's. Screenshots at desktop width and at 360 px."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from browser_support import log_in_page, ready, require_chromium, serving
from conftest import SHARED_DATA
from pollguard.domain.risk import RiskClass
from pollguard.reports.colours import CLASS_COLOUR
from pollguard.scenario.boundaries import BOUNDARIES, write_boundaries
from pollguard.services.boundaries import import_boundaries
from pollguard.store.database import Database

require_chromium()

from playwright.sync_api import Browser, Page  # noqa: E402

pytestmark = pytest.mark.slow
STATIC = Path(__file__).resolve().parents[1] / "src" / "pollguard" / "web" / "static"


@pytest.fixture(scope="module")
def server(planned_db: Database, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"reference data folder {SHARED_DATA} is absent")
    folder = tmp_path_factory.mktemp("boundaries")
    assert write_boundaries(SHARED_DATA, "15", folder) == 155
    assert import_boundaries(db=planned_db, path=folder / BOUNDARIES).regions == 155
    with serving(planned_db, folder) as base:
        yield base


def _map(browser: Browser, server: str, width: int, height: int) -> Page:
    context = browser.new_context(viewport={"width": width, "height": height})
    page = log_in_page(context.new_page(), server, "polda")
    page.goto(f"{server}/map")
    ready(page)
    return page


#: Per region code drawn with an outline: its points and its [[south, west], [north, east]].
DRAWN = """() => {
  const out = {};
  pgMap.outlineLayer.eachLayer((l) => {
    if (!(l instanceof L.Polygon) || !l.options.code) return;
    const b = l.getBounds();
    out[l.options.code] = {points: l.getLatLngs().flat(Infinity).length,
      rings: l.getLatLngs()[0].length,
      box: [[b.getSouth(), b.getWest()], [b.getNorth(), b.getEast()]]};
  });
  return out;
}"""

#: The region names shown (not hidden as a clash), as boxes on the screen.
NAMES = """() => [...document.querySelectorAll('.leaflet-tooltip.region-label')]
  .filter((e) => !e.classList.contains('clash'))
  .map((e) => { const r = e.getBoundingClientRect();
                return [e.textContent, r.left, r.top, r.right, r.bottom]; })"""


def _overlaps(names: list[list[object]]) -> list[tuple[object, object]]:
    out = []
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            if a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]:  # type: ignore[operator]
                out.append((a[0], b[0]))
    return out


def test_the_map_draws_the_real_polygons(browser: Browser, server: str, shots: Path) -> None:
    page = _map(browser, server, 1400, 900)
    drawn = page.evaluate(DRAWN)
    assert len(drawn) == 11 + 144
    source = json.loads((SHARED_DATA / "jambi_kabkota.geojson").read_text(encoding="utf-8"))
    ring = next(f for f in source["features"]
                if f["properties"]["code"] == "15.01")["geometry"]["coordinates"][0]
    kerinci = drawn["15.01"]
    assert kerinci["points"] > 60  # a hull around Kerinci's TPS has 30
    (south, west), (north, east) = kerinci["box"]
    assert south == pytest.approx(min(p[1] for p in ring), abs=0.003)
    assert north == pytest.approx(max(p[1] for p in ring), abs=0.003)
    assert west == pytest.approx(min(p[0] for p in ring), abs=0.003)
    assert east == pytest.approx(max(p[0] for p in ring), abs=0.003)
    assert drawn["15.05"]["rings"] == 2  # Muaro Jambi, with Kota Jambi's hole
    page.screenshot(path=str(shots / "map-boundaries.png"))
    page.context.close()


def test_names_never_overlap_and_the_legend_names_every_symbol(browser: Browser,
                                                              server: str) -> None:
    page = _map(browser, server, 1400, 900)
    for zoom in (7, 8, 9, 10.5):
        page.evaluate(f"() => {{ pgMap.map.setZoom({zoom}, {{animate: false}}); }}")
        page.wait_for_timeout(150)
        names = page.evaluate(NAMES)
        assert names and _overlaps(names) == [], zoom
    legend = page.eval_on_selector_all("#map-legend tr", "rows => rows.map((r) => "
                                       "r.dataset.sym || r.dataset.cls)")
    assert legend == [c.value for c in RiskClass] + [
        "unguarded", "post", "reserve", "reach", "tni", "polres", "polsek", "kabkota",
        "kecamatan"]
    lines = page.inner_text('#map-legend [data-sym="kecamatan"]')
    assert lines.strip() == "Batas kecamatan"  # real lines: not "perkiraan"
    page.context.close()


def test_the_class_colours_are_the_servers(browser: Browser, server: str) -> None:
    """One definition (reports/colours.py): the pages carry it, no script holds a copy."""
    page = _map(browser, server, 1400, 900)
    colours = page.evaluate("Object.fromEntries(pg.CLASSES.map((c) => [c, pg.COLORS[c]]))")
    assert colours == {c.value: CLASS_COLOUR[c] for c in RiskClass}
    fills = page.evaluate("[...new Set(pgMap.tpsLayer.getLayers().map((m) => "
                          "m.options.fillColor))].sort()")
    assert set(fills) == set(CLASS_COLOUR.values())
    page.context.close()
    for script in STATIC.glob("*.js"):
        text = script.read_text(encoding="utf-8").lower()
        assert not [c for c in CLASS_COLOUR.values() if c in text], script.name


def test_a_phone_sees_the_same_map(browser: Browser, server: str, shots: Path) -> None:
    page = _map(browser, server, 360, 740)
    assert len(page.evaluate(DRAWN)) == 155
    assert page.get_attribute("#map-legend", "open") is None  # folded: the map stays seen
    assert _overlaps(page.evaluate(NAMES)) == []
    page.screenshot(path=str(shots / "map-boundaries-360.png"))
    page.context.close()
