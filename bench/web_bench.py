"""Web benchmark on the Jambi demo: the operations map's data and page against their targets.

The targets: the operations map's data for all 6,391 TPS arrives in under 300 ms at the
median and under 1 MB compressed; the map page is interactive in under 2 s in headless
Chromium on this machine; the planning workspace's re-plan click (a draft POST) answers within
2 s.

Everything runs the way a user runs it, in a temporary directory:

(1) ``pollguard --db sqlite:///TMP/bench.db demo --no-serve`` builds the Jambi demo database
    (scenario, risk assessment, plan, demo accounts);
(2) ``pollguard ... serve`` starts the real server (uvicorn, one worker, GZip middleware) on a
    free local port;
(3) httpx logs in as the Polda command account (double-submit CSRF, session cookie) and times
    ``/api/v1/map/tps`` and the other map layers (frame, posts, reserves) over one keep-alive
    connection with ``Accept-Encoding: gzip``, counting the bytes on the wire;
(4) the baseline, in the same run: the same TPS as a naive GeoJSON FeatureCollection (one
    Point Feature per TPS with id, class, score, kabkota, polres), written compactly and gzipped
    at the server's level (5), against the server's columnar layer;
(5) headless Chromium (Debian's /usr/bin/chromium driven by Playwright; no browser is
    downloaded) logs in through the login page, then loads ``/map`` ``--page-runs`` times and
    waits for ``body[data-ready="1"]``, which the map page sets once every layer is drawn.

Latencies are wall time from sending the request to the last byte on the wire (the body is not
decompressed or parsed inside the timer). The first request after the server starts loads the
snapshot (scenario, assessment and plan from the database); it is reported on its own. A missed
target is printed as FAIL, an unmeasured one as "not measured"; the exit code stays 0.

    .venv/bin/python bench/web_bench.py [--runs 30] [--page-runs 5] [--quick] [--keep]
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import signal
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console

from bench_common import (
    Row,
    build_demo,
    child_env,
    free_port,
    ms,
    percentile,
    pollguard_command,
    print_table,
    verdict,
)

JAMBI_TPS = 6391
USERNAME, PASSWORD = "polda", "polda-demo-2024"  # the demo's Polda command account
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
LAYERS = ("/api/v1/map/tps", "/api/v1/map/frame", "/api/v1/map/posts", "/api/v1/map/reserves")
TPS_PATH = LAYERS[0]
LATENCY_TARGET_MS = 300.0
SIZE_TARGET = 1_000_000  # "1 MB": decimal megabyte, the stricter reading of the two
PAGE_TARGET_S = 2.0
GZIP_LEVEL = 5  # the server's GZipMiddleware compresslevel
HEALTH_TIMEOUT_S = 60.0
PAGE_TIMEOUT_MS = 20_000

# Records, in the page itself, when <body data-ready="1"> appears (performance.now(), ms).
READY_PROBE = """
(() => {
  const seen = () => {
    if (window.__pgReadyAt === undefined && document.body
        && document.body.getAttribute("data-ready") === "1") {
      window.__pgReadyAt = performance.now();
    }
  };
  new MutationObserver(seen).observe(document, {attributes: true, childList: true,
                                                subtree: true, attributeFilter: ["data-ready"]});
})();
"""

# What the browser itself says about the navigation, read once the page is ready.
PAGE_TIMINGS = """
() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const map = document.getElementById("map");
  return {
    now: performance.now(),
    readyAt: window.__pgReadyAt === undefined ? null : window.__pgReadyAt,
    nav: nav ? nav.toJSON() : null,
    drawn: map ? map.getAttribute("data-tps-drawn") : null,
    resources: performance.getEntriesByType("resource").map(r => ({
      name: r.name, duration: r.duration, transfer: r.transferSize,
      encoded: r.encodedBodySize, decoded: r.decodedBodySize})),
  };
}
"""


# --- helpers ----------------------------------------------------------------------------------


def kb(n: float) -> str:
    return f"{n:,.0f} B ({n / 1000:,.1f} kB)"


@dataclass
class Fetch:
    """One GET: wall seconds to the last byte, bytes on the wire, the decoded body."""

    seconds: float
    wire: int
    body: bytes
    encoding: str
    status: int


def fetch(client: httpx.Client, path: str) -> Fetch:
    """GET ``path`` asking for gzip; time to the last raw byte; decode outside the timer."""
    t0 = time.perf_counter()
    with client.stream("GET", path, headers={"Accept-Encoding": "gzip"}) as r:
        raw = b"".join(r.iter_raw())
        seconds = time.perf_counter() - t0
        encoding = r.headers.get("content-encoding", "identity")
        status = r.status_code
    body = gzip.decompress(raw) if encoding == "gzip" else raw
    return Fetch(seconds, len(raw), body, encoding, status)


@dataclass
class Latency:
    path: str
    times: list[float]
    wire: int
    body: int
    encoding: str

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def time_layer(client: httpx.Client, path: str, runs: int) -> tuple[Latency, bytes]:
    """``runs`` timed GETs of one layer (after its warm-up elsewhere); the last body."""
    times: list[float] = []
    last: Fetch | None = None
    for _ in range(runs):
        last = fetch(client, path)
        if last.status != 200:
            raise RuntimeError(f"GET {path}: HTTP {last.status}: {last.body[:300]!r}")
        times.append(last.seconds)
    assert last is not None
    return Latency(path, times, last.wire, len(last.body), last.encoding), last.body


# --- setting up: the demo database and the server --------------------------------------------


@contextlib.contextmanager
def server(tmp: Path, db_url: str, env: dict[str, str]) -> Iterator[tuple[str, float]]:
    """``pollguard serve`` on a free port; yields its base URL and seconds until healthy.
    Always stopped on the way out."""
    port = free_port()
    log = (tmp / "serve.log").open("w")
    t0 = time.perf_counter()
    proc = subprocess.Popen([pollguard_command(), "--db", db_url, "serve", "--host",
                             "127.0.0.1", "--port", str(port)],
                            cwd=tmp, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        healthy = wait_healthy(base, proc, tmp / "serve.log")
        yield base, healthy - t0
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log.close()


def wait_healthy(base: str, proc: subprocess.Popen[bytes], log: Path) -> float:
    """Poll /api/v1/health until 200; the perf_counter when it answered."""
    deadline = time.perf_counter() + HEALTH_TIMEOUT_S
    while time.perf_counter() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited {proc.returncode} before it was healthy:\n"
                               + log.read_text()[-2000:])
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                return time.perf_counter()
        time.sleep(0.1)
    raise RuntimeError(f"the server was not healthy within {HEALTH_TIMEOUT_S:.0f} s:\n"
                       + log.read_text()[-2000:])


def log_in(client: httpx.Client) -> dict[str, Any]:
    """The login page's dance: GET /login for the pg_csrf cookie, POST the session with it."""
    client.get("/login").raise_for_status()
    csrf = client.cookies.get("pg_csrf")
    if not csrf:
        raise RuntimeError("GET /login set no pg_csrf cookie")
    r = client.post("/api/v1/session", json={"username": USERNAME, "password": PASSWORD},
                    headers={"X-CSRF-Token": csrf})
    if r.status_code != 200:
        raise RuntimeError(f"login as {USERNAME}: HTTP {r.status_code}: {r.text[:300]}")
    if not client.cookies.get("pg_session"):
        raise RuntimeError("the login response set no pg_session cookie")
    me: dict[str, Any] = r.json()
    return me


# --- the baseline -----------------------------------------------------------------------------


def naive_geojson(tps: dict[str, Any]) -> bytes:
    """The same TPS as a plain GeoJSON FeatureCollection, one Point Feature per TPS, written
    compactly (as the server writes its own JSON)."""
    classes, kabs, pols = tps["classes"], tps["kabkota"], tps["polres"]
    features = [{"type": "Feature",
                 "geometry": {"type": "Point", "coordinates": [lon, lat]},
                 "properties": {"id": tid, "class": classes[c] if c >= 0 else None,
                                "score": score, "kabkota": kabs[k], "polres": pols[p]}}
                for tid, lat, lon, c, score, k, p in zip(
                    tps["ids"], tps["lat"], tps["lon"], tps["cls"], tps["score"], tps["kab"],
                    tps["pol"], strict=True)]
    return json.dumps({"type": "FeatureCollection", "features": features},
                      separators=(",", ":"), ensure_ascii=False).encode()


def parse_seconds(body: bytes, runs: int = 5) -> float:
    """Median seconds to json.loads a body (what a client pays after the wire)."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        json.loads(body)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


# --- the page in headless Chromium ------------------------------------------------------------


@dataclass
class PageRun:
    seconds: float
    ready: bool
    timings: dict[str, Any] | None = None


@dataclass
class PageResult:
    runs: list[PageRun] = field(default_factory=list)
    error: str | None = None
    landed: str | None = None  # the URL the login form opened
    console: list[str] = field(default_factory=list)  # the page's errors and warnings

    @property
    def ready_times(self) -> list[float]:
        return [r.seconds for r in self.runs if r.ready]


def time_page(base: str, home: Path, runs: int) -> PageResult:
    """Log in through the page, then load /map ``runs`` times and wait until it is ready."""
    out = PageResult()
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import TimeoutError as PlaywrightTimeout
        from playwright.sync_api import sync_playwright
    except ImportError as e:
        out.error = f"playwright is not installed: {e}"
        return out
    if not Path(CHROMIUM).exists():
        out.error = f"no browser at {CHROMIUM} (this benchmark never downloads one)"
        return out
    env: dict[str, str | float | bool] = {**os.environ, "HOME": str(home)}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                         args=CHROMIUM_ARGS, env=env)
            try:
                context = browser.new_context(base_url=base)
                context.add_init_script(READY_PROBE)
                page = context.new_page()
                page.on("console", lambda m: out.console.append(
                    f"console.{m.type}: {m.text} ({m.location.get('url', '?')})")
                    if m.type in ("error", "warning") else None)
                page.on("pageerror", lambda e: out.console.append(f"page error: {e}"))
                page.on("response", lambda r: out.console.append(
                    f"HTTP {r.status}: {r.request.method} {r.url.removeprefix(base)}")
                    if r.status >= 400 else None)
                page.goto("/login")
                page.fill("#username", USERNAME)
                page.fill("#password", PASSWORD)
                page.locator("#login-form").evaluate("f => f.requestSubmit()")
                page.wait_for_url(lambda url: "/login" not in url, timeout=PAGE_TIMEOUT_MS)
                out.landed = page.url.removeprefix(base)
                for _ in range(runs):
                    t0 = time.perf_counter()
                    page.goto("/map")
                    try:
                        page.wait_for_selector('body[data-ready="1"]', state="attached",
                                               timeout=PAGE_TIMEOUT_MS)
                    except PlaywrightTimeout:
                        out.runs.append(PageRun(time.perf_counter() - t0, False,
                                                page.evaluate(PAGE_TIMINGS)))
                        break  # not ready once: it will not be the next time either
                    seconds = time.perf_counter() - t0
                    out.runs.append(PageRun(seconds, True, page.evaluate(PAGE_TIMINGS)))
            finally:
                browser.close()
    except PlaywrightError as e:
        out.error = f"{type(e).__name__}: {str(e).splitlines()[0]}"
    return out


# --- the table --------------------------------------------------------------------------------


def of_target(value: float, target: float) -> str:
    return f"{value / target:.2f}"


def map_rows(tps: Latency, first: Fetch, others: list[Latency], tps_json: dict[str, Any],
             runs: int, notes: list[str]) -> list[Row]:
    """The map data's rows: latency, size against the GeoJSON baseline, TPS count."""
    rows: list[Row] = []
    med = tps.median
    rows.append(Row(f"GET /api/v1/map/tps latency, median of {runs}", ms(med),
                    f"p90 {ms(percentile(tps.times, 90))}, min {ms(min(tps.times))}, "
                    f"max {ms(max(tps.times))}",
                    f"< {LATENCY_TARGET_MS:.0f} ms", of_target(med * 1000, LATENCY_TARGET_MS),
                    verdict(med * 1000 < LATENCY_TARGET_MS)))
    rows.append(Row("GET /api/v1/map/tps, first request (snapshot load)", ms(first.seconds),
                    f"{first.seconds / med:,.1f}x the warm median", "-", "-", "info"))

    geo = naive_geojson(tps_json)
    geo_gz = gzip.compress(geo, compresslevel=GZIP_LEVEL)
    ours_gz = tps.wire if tps.encoding == "gzip" else len(gzip.compress(
        json.dumps(tps_json, separators=(",", ":")).encode(), compresslevel=GZIP_LEVEL))
    if tps.encoding != "gzip":
        notes.append(f"WARNING: the server answered {TPS_PATH} with content-encoding "
                     f"{tps.encoding!r}, not gzip: the compressed size is gzipped here")
    rows.append(Row("map/tps compressed size (gzip, bytes on the wire)", kb(ours_gz),
                    f"GeoJSON baseline {kb(len(geo_gz))}; ours/baseline "
                    f"{ours_gz / len(geo_gz):.2f}",
                    "< 1 MB (1,000,000 B)", of_target(ours_gz, SIZE_TARGET),
                    verdict(ours_gz < SIZE_TARGET)))
    rows.append(Row("map/tps uncompressed size", kb(tps.body),
                    f"GeoJSON baseline {kb(len(geo))}; ours/baseline "
                    f"{tps.body / len(geo):.2f}", "-", "-", "info"))
    count = int(tps_json.get("count", -1))
    ids = len(tps_json.get("ids", []))
    rows.append(Row("TPS in map/tps (count field)", f"{count:,} ({ids:,} ids)", "-",
                    f"= {JAMBI_TPS:,} (all of Jambi)", f"{count / JAMBI_TPS:.2f}",
                    verdict(count == JAMBI_TPS == ids)))
    ours_parse, geo_parse = parse_seconds(json.dumps(tps_json).encode()), parse_seconds(geo)
    notes.append(f"client-side json.loads of map/tps: ours {ms(ours_parse)}, GeoJSON baseline "
                 f"{ms(geo_parse)} (Python; after the wire, not in the latency)")

    for layer in others:
        rows.append(Row(f"GET {layer.path} latency, median of {runs}", ms(layer.median),
                        f"p90 {ms(percentile(layer.times, 90))}; {kb(layer.wire)} on the wire "
                        f"({layer.encoding}), {kb(layer.body)} decoded",
                        "-", "-", "info"))
    every = [tps, *others]
    total_wire = sum(x.wire for x in every)
    total_body = sum(x.body for x in every)
    sequential = sum(x.median for x in every)
    rows.append(Row("All four map layers one after another (sum of medians)", ms(sequential),
                    "what the page pays if it fetched them in turn",
                    f"< {LATENCY_TARGET_MS:.0f} ms (stricter reading)",
                    of_target(sequential * 1000, LATENCY_TARGET_MS),
                    "info: " + verdict(sequential * 1000 < LATENCY_TARGET_MS)))
    rows.append(Row("All four map layers, compressed total", kb(total_wire),
                    f"{kb(total_body)} decoded", "< 1 MB (stricter reading)",
                    of_target(total_wire, SIZE_TARGET),
                    "info: " + verdict(total_wire < SIZE_TARGET)))
    return rows


def page_rows(result: PageResult, runs: int, notes: list[str]) -> list[Row]:
    """The map page's rows: wall time to ready, the drawn TPS, the browser's own timings."""
    figure = f"/map interactive in headless Chromium (wall, median of {runs})"
    if result.error:
        notes.append(f"map page: {result.error}")
        return [Row(figure, "not measured", result.error, f"< {PAGE_TARGET_S:g} s", "-",
                    "not measured")]
    if result.landed is not None:
        notes.append(f"map page: logged in through the login form as {USERNAME}; it opened "
                     f"{result.landed}")
    for line in dict.fromkeys(result.console):  # each once, in order
        notes.append(f"map page {line[:300]}")
    ready = result.ready_times
    if not ready:
        waited = result.runs[-1].seconds if result.runs else 0.0
        seen = result.runs[-1].timings if result.runs else None
        drawn = seen.get("drawn") if seen else None
        notes.append(f"map page: body[data-ready=\"1\"] did not appear within "
                     f"{PAGE_TIMEOUT_MS / 1000:.0f} s (waited {waited:.1f} s); #map "
                     f"data-tps-drawn={drawn!r}; the remaining runs were skipped")
        if seen and seen.get("nav"):
            nav = seen["nav"]
            notes.append(f"map page (not ready): navigation responseEnd "
                         f"{nav['responseEnd']:.0f} ms, DOMContentLoaded "
                         f"{nav['domContentLoadedEventEnd']:.0f} ms, load "
                         f"{nav['loadEventEnd']:.0f} ms")
        return [Row(figure, "not ready", f"no data-ready within {PAGE_TIMEOUT_MS // 1000} s",
                    f"< {PAGE_TARGET_S:g} s", "-", "FAIL (not ready)")]

    med = statistics.median(ready)
    rows = [Row(figure if len(ready) == runs else f"{figure[:-3]}{len(ready)} ready of {runs})",
                f"{med:.2f} s", f"max {max(ready):.2f} s, first {ready[0]:.2f} s",
                f"< {PAGE_TARGET_S:g} s", of_target(med, PAGE_TARGET_S),
                verdict(med < PAGE_TARGET_S and len(ready) == runs))]
    timings = [r.timings for r in result.runs if r.ready and r.timings]
    drawn = [t.get("drawn") for t in timings]
    last = drawn[-1] if drawn else None
    try:
        drawn_n = int(last) if last is not None else None
    except ValueError:
        drawn_n = None
    rows.append(Row("TPS drawn on the map (#map data-tps-drawn)",
                    f"{last}" if last is not None else "missing",
                    "runs: " + ", ".join(str(d) for d in drawn), f"= {JAMBI_TPS:,}",
                    f"{drawn_n / JAMBI_TPS:.2f}" if drawn_n is not None else "-",
                    verdict(drawn_n == JAMBI_TPS) if drawn_n is not None else "FAIL (missing)"))
    at_ready = [t["readyAt"] for t in timings if t.get("readyAt") is not None]
    now = [t["now"] for t in timings]
    navs = [t["nav"] for t in timings if t.get("nav")]
    if at_ready:
        rows.append(Row("browser: data-ready set at performance.now() (median)",
                        f"{statistics.median(at_ready) / 1000:.2f} s",
                        f"max {max(at_ready) / 1000:.2f} s; performance.now() when read "
                        f"{statistics.median(now) / 1000:.2f} s",
                        f"< {PAGE_TARGET_S:g} s",
                        of_target(statistics.median(at_ready) / 1000, PAGE_TARGET_S),
                        verdict(statistics.median(at_ready) / 1000 < PAGE_TARGET_S)))
    if navs:
        def nav_median(key: str) -> float:
            return statistics.median(float(n.get(key, 0.0)) for n in navs)

        notes.append("map page navigation timing, medians (ms from navigation start): "
                     + ", ".join(f"{k} {nav_median(k):,.0f}" for k in (
                         "responseStart", "responseEnd", "domInteractive",
                         "domContentLoadedEventEnd", "loadEventEnd")))
    notes.append("map page wall times: " + ", ".join(f"{s:.2f}" for s in ready) + " s "
                 "(page.goto to body[data-ready=\"1\"]; one browser context, so runs after "
                 "the first may use the HTTP cache)")
    if timings:
        api = [r for r in timings[-1].get("resources", []) if "/api/" in r["name"]]
        if api:
            notes.append("map page API calls (last run): " + "; ".join(
                f"{r['name'].split('/api/v1', 1)[-1]} {r['duration']:.0f} ms, "
                f"{r['transfer']:,} B transferred" for r in api))
    return rows


# --- the run ----------------------------------------------------------------------------------


def bench(tmp: Path, runs: int, page_runs: int, console: Console) -> tuple[list[Row],
                                                                          list[str]]:
    notes: list[str] = []
    home = tmp / "home"
    home.mkdir()
    env = child_env(home)
    db_url = f"sqlite:///{tmp / 'bench.db'}"

    console.print(f"[bold]building the Jambi demo database in {tmp} ...[/bold]")
    demo_s, printed = build_demo(tmp, db_url, env)
    if USERNAME not in printed:
        raise RuntimeError(f"pollguard demo did not list the {USERNAME!r} account")
    notes.append(f"setup: pollguard demo --no-serve took {demo_s:.1f} s (not measured "
                 f"against a target)")

    console.print("[bold]starting pollguard serve ...[/bold]")
    with server(tmp, db_url, env) as (base, start_s):
        notes.append(f"setup: the server answered /api/v1/health {start_s:.1f} s after "
                     f"start ({base}, one uvicorn worker)")
        with httpx.Client(base_url=base, timeout=60) as client:
            me = log_in(client)
            notes.append(f"logged in as {me.get('username')} ({me.get('role_label')}); "
                         f"latencies over one keep-alive connection from this machine")
            console.print(f"[bold]map data: warm-up, then {runs} timed GETs per layer "
                          f"...[/bold]")
            first = fetch(client, TPS_PATH)
            if first.status != 200:
                raise RuntimeError(f"GET {TPS_PATH}: HTTP {first.status}: "
                                   f"{first.body[:300]!r}")
            for path in LAYERS[1:]:
                warm = fetch(client, path)
                if warm.status != 200:
                    raise RuntimeError(f"GET {path}: HTTP {warm.status}: {warm.body[:300]!r}")
            tps, body = time_layer(client, TPS_PATH, runs)
            others = [time_layer(client, path, runs)[0] for path in LAYERS[1:]]
            tps_json: dict[str, Any] = json.loads(body)
            notes.append(f"map/tps: plan {tps_json.get('plan_id')}, assessment "
                         f"{tps_json.get('assessment_id')}; raw times "
                         + ", ".join(f"{t * 1000:.0f}" for t in sorted(tps.times)) + " ms")
            console.print(f"[bold]planning workspace: {REPLAN_RUNS} re-plan clicks "
                          f"...[/bold]")
            replans = time_replans(client, REPLAN_RUNS, str(me.get("csrf") or ""))
        rows = map_rows(tps, first, others, tps_json, runs, notes)
        rows += replan_rows(replans, notes)

        console.print(f"[bold]map page in headless Chromium x {page_runs} ...[/bold]")
        result = time_page(base, home, page_runs)
    rows += page_rows(result, page_runs, notes)
    return rows, notes


REPLAN_RUNS = 5
REPLAN_POLRES = "polres.15.02"  # Polres Merangin: the workspace's N field for one Polres


def time_replans(client: httpx.Client, runs: int, csrf: str) -> list[tuple[float, int, str]]:
    """The workspace's re-plan click as the page sends it: a POST of the planner's change
    (one Polres's N, a different N each time so that nothing is cached) to the plan in force's
    drafts, timed to the last byte of the answer (the draft's figures). ``csrf`` is the
    session's token, as the page sends it."""
    plans = client.get("/api/v1/plans")
    plans.raise_for_status()
    current = plans.json()["current"]
    out = []
    for i in range(runs):
        t0 = time.perf_counter()
        r = client.post(f"/api/v1/plans/{current}/drafts",
                        json={"n_by_polres": {REPLAN_POLRES: 4 + i}, "note": "bench"},
                        headers={"X-CSRF-Token": csrf})
        out.append((time.perf_counter() - t0, r.status_code, r.text[:200]))
    return out


def replan_rows(replans: list[tuple[float, int, str]], notes: list[str]) -> list[Row]:
    ok = [t for t, status, _ in replans if status == 201]
    bad = [(status, text) for _, status, text in replans if status != 201]
    if bad:
        notes.append(f"re-plan: {len(bad)} of {len(replans)} answered {bad[0][0]}: "
                     f"{bad[0][1]}")
    if not ok:
        return [Row("Workspace re-plan click (POST draft), median", "not measured",
                    "-", "<= 2 s", "-", "not measured")]
    median = statistics.median(ok)
    notes.append("re-plan clicks: " + ", ".join(f"{t:.2f}" for t in ok) + " s (the first "
                 "after the map's snapshot; each a new draft of the plan in force)")
    return [Row(f"Workspace re-plan click (POST draft), median of {len(ok)}",
                f"{median:.2f} s", f"max {max(ok):.2f} s", "<= 2 s", of_target(median, 2.0),
                verdict(median <= 2.0))]


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=30,
                    help="timed GETs per map layer (default 30)")
    ap.add_argument("--page-runs", type=int, default=5,
                    help="timed loads of the map page (default 5)")
    ap.add_argument("--quick", action="store_true",
                    help="5 GETs per layer and 2 page loads (overrides --runs, --page-runs)")
    ap.add_argument("--keep", action="store_true",
                    help="keep the temporary directory (database, server log, demo output)")
    args = ap.parse_args(argv)
    runs, page_runs = (5, 2) if args.quick else (max(1, args.runs), max(1, args.page_runs))
    console = Console(width=160)
    holder: contextlib.AbstractContextManager[str] = (
        contextlib.nullcontext(tempfile.mkdtemp(prefix="pollguard-web-bench-")) if args.keep
        else tempfile.TemporaryDirectory(prefix="pollguard-web-bench-"))
    with holder as name:
        tmp = Path(name)
        try:
            rows, notes = bench(tmp, runs, page_runs, console)
        except Exception as e:  # a benchmark reports, it does not fail the shell
            console.print(f"[bold red]BENCHMARK DID NOT RUN:[/bold red] {type(e).__name__}: "
                          f"{e}", highlight=False)
            if args.keep:
                console.print(f"logs kept in {tmp}", highlight=False)
            return
        print_table(console, rows, notes,
                    "PollGuard web benchmark: Jambi demo, operations map (Polda command "
                    "account; baseline = naive GeoJSON of the same TPS)")
        if args.keep:
            console.print(f"kept {tmp} (bench.db, demo.log, serve.log, out/)", highlight=False)


if __name__ == "__main__":
    main()
