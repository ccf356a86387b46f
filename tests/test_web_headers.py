"""Hardening of every answer the command centre gives: security headers (a script-only-from-here
Content-Security-Policy, nosniff, same-origin referrers, no caching of personnel data) on pages,
API answers, static files, downloads and errors; the API docs served by the app itself under
that policy; request bodies capped with a 413; and the client address taken from the
connection, so that a made-up X-Forwarded-For cannot dodge the per-address login limit."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response
from typer.testing import CliRunner
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from pollguard.cli.main import app as cli
from pollguard.store.database import Database
from pollguard.web.app import create_app
from pollguard.web.headers import content_security_policy, tile_source
from pollguard.web.settings import WebSettings, forwarded_allow_ips
from web_client import token_headers

WEB = Path(__file__).resolve().parents[1] / "src" / "pollguard" / "web"
TILES = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"


@pytest.fixture(scope="module")
def app(planned_db: Database) -> FastAPI:
    return create_app(planned_db, WebSettings(tile_url=TILES, escalate=False))


@pytest.fixture(scope="module")
def polda(app: FastAPI, planned_db: Database) -> TestClient:
    client = TestClient(app, follow_redirects=False)
    client.headers.update(token_headers(planned_db, "polda"))
    return client


@pytest.fixture(scope="module")
def exports(polda: TestClient) -> dict[str, str]:
    """The URLs of a plotting workbook and of the assignment cards of the plan in force."""
    plan = polda.get("/api/v1/plans").json()["current"]
    docs = polda.get(f"/api/v1/plans/{plan}/exports").json()
    book = next(d for d in docs if d["kind"] == "plotting")
    cards = next(d for d in docs if d["kind"] == "cards")
    return {"plotting": f"/api/v1/plans/{plan}/plotting?limit=5", "xlsx": book["url"],
            "pdf": cards["url"]}


def _directives(policy: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in policy.split(";")) if d}


def _assert_hardened(r: Response, what: str) -> None:
    headers = r.headers
    csp = _directives(headers["content-security-policy"])
    assert csp["script-src"] == ["'self'"], what  # no inline script, no eval, no other origin
    assert csp["default-src"] == ["'self'"] and csp["connect-src"] == ["'self'"], what
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"], what
    assert csp["base-uri"] == ["'self'"] and csp["form-action"] == ["'self'"], what
    assert "'unsafe-inline'" in csp["style-src"], what  # Leaflet positions panes inline
    assert headers["x-content-type-options"] == "nosniff", what
    assert headers["referrer-policy"] == "same-origin", what
    assert headers.get_list("content-security-policy") == [headers["content-security-policy"]]


def test_every_kind_of_answer_carries_the_security_headers(
        polda: TestClient, exports: dict[str, str]) -> None:
    answers = {
        "page": polda.get("/map"),
        "api json": polda.get("/api/v1/plans"),
        "static": polda.get("/static/app.js"),
        "leaflet": polda.get("/static/leaflet/leaflet.css"),
        "api 404": polda.get("/api/v1/tps/0000000000999"),
        "page 404": polda.get("/no-such-page"),
        "xlsx": polda.get(exports["xlsx"]),
        "pdf": polda.get(exports["pdf"]),
        "service worker": polda.get("/field-sw.js"),
    }
    assert answers["page"].status_code == 200 and "text/html" in answers["page"].headers[
        "content-type"]
    assert answers["api json"].status_code == answers["static"].status_code == 200
    assert answers["api 404"].status_code == answers["page 404"].status_code == 404
    assert "spreadsheetml" in answers["xlsx"].headers["content-type"]
    assert answers["pdf"].content.startswith(b"%PDF")
    for what, r in answers.items():
        _assert_hardened(r, what)
    for what in ("page", "api json", "api 404", "page 404", "xlsx", "pdf"):
        assert answers[what].headers["cache-control"] == "no-store", what
    # Static files hold no data and stay cacheable; the service worker keeps its own rule so
    # that a phone always sees a new version.
    assert "no-store" not in answers["static"].headers.get("cache-control", "")
    assert answers["service worker"].headers["cache-control"] == "no-cache"


def test_personnel_data_is_never_stored_by_a_cache(polda: TestClient,
                                                   exports: dict[str, str]) -> None:
    for what in ("plotting", "xlsx", "pdf"):
        r = polda.get(exports[what])
        assert r.status_code == 200, what
        assert r.headers["cache-control"] == "no-store", what
    rows = polda.get(exports["plotting"]).json()["rows"]
    assert rows and rows[0]["nrp"]  # it is personnel data indeed
    assert polda.get("/api/v1/tps/0000000000999").headers["cache-control"] == "no-store"
    assert polda.get("/workspace").headers["cache-control"] == "no-store"


def test_the_policy_lets_the_map_load_its_basemap_and_nothing_else(polda: TestClient) -> None:
    csp = _directives(polda.get("/map").headers["content-security-policy"])
    assert csp["img-src"] == ["'self'", "data:", "blob:", "https://*.tiles.example.org"]
    assert tile_source("https://tiles.example.org:8443/{z}/{x}/{y}.png") == (
        "https://tiles.example.org:8443")
    assert tile_source("http://10.1.2.3/tiles/{z}/{x}/{y}.png") == "http://10.1.2.3"
    assert tile_source("/tiles/{z}/{x}/{y}.png") is None and tile_source(None) is None
    # A setting that would smuggle in a directive is narrowed to its scheme.
    smuggled = content_security_policy("https://x.org;script-src *;/{z}/{x}/{y}.png")
    assert _directives(smuggled)["script-src"] == ["'self'"]
    assert _directives(content_security_policy())["img-src"] == ["'self'", "data:", "blob:"]


def test_a_server_error_carries_the_headers_too(planned_db: Database) -> None:
    app = create_app(planned_db, WebSettings(escalate=False))

    @app.get("/boom", include_in_schema=False)
    def boom() -> None:
        raise RuntimeError("boom")

    r = TestClient(app, raise_server_exceptions=False).get("/boom")
    assert r.status_code == 500
    _assert_hardened(r, "500")
    assert r.headers["cache-control"] == "no-store"


def test_the_api_docs_are_served_by_the_app_under_the_policy(polda: TestClient) -> None:
    anonymous = TestClient(polda.app)
    r = anonymous.get("/api/v1/docs")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    _assert_hardened(r, "docs")
    html = r.text
    assert not re.search(r"https?://", html) and "//" not in re.sub(r"<!--.*?-->", "", html)
    assert "swagger-ui" in html
    # Every script is a file of this server (no inline code for the policy to block).
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S)
    assert len(scripts) >= 2
    assert all('src="/' in attrs and not body.strip() for attrs, body in scripts)
    refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)""", html)
    assert any(ref.endswith(".css") for ref in refs) and any(ref.endswith(".js") for ref in refs)
    for ref in refs:
        assert ref.startswith("/") and not ref.startswith("//"), ref
        got = anonymous.get(ref)
        assert got.status_code == 200, ref
        _assert_hardened(got, ref)
    init = anonymous.get("/static/api-docs.js").text
    assert "SwaggerUIBundle(" in init and not re.search(r"https?://", init)
    assert "validatorUrl: null" in init  # the default validator is an outside service
    # What the page reads answers too.
    assert anonymous.get("/api/v1/openapi.json").json()["openapi"].startswith("3.")


def test_the_openapi_document_names_the_400_and_413_answers(polda: TestClient) -> None:
    paths = polda.get("/api/v1/openapi.json").json()["paths"]
    operations = [op for item in paths.values() for op in item.values()]
    assert len(operations) > 30
    for op in operations:
        assert {"400", "413"} <= set(op["responses"]), op["operationId"]
    assert "/api/v1/docs" not in paths


@pytest.fixture
def small_cap(planned_db: Database) -> Iterator[TestClient]:
    client = TestClient(create_app(planned_db, WebSettings(max_body_bytes=2000, escalate=False)))
    client.headers.update(token_headers(planned_db, "petugas"))
    yield client


def _too_large(r: Response) -> None:
    assert r.status_code == 413, r.text
    detail = r.json()["detail"]
    assert "terlalu besar" in detail and "too large" in detail
    _assert_hardened(r, "413")


def test_an_oversize_body_is_refused_with_413(polda: TestClient, small_cap: TestClient) -> None:
    # The default limit (1 MB), read from Content-Length before the body.
    big = b'{"text": "' + b"x" * 1_100_000 + b'"}'
    _too_large(polda.post("/api/v1/reports", content=big,
                          headers={"Content-Type": "application/json"}))
    # A body sent without a length (chunked) is counted as it arrives.

    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(10):
            yield b"x" * 500
        yield b'"}'

    r = small_cap.post("/api/v1/reports", content=chunks(),
                       headers={"Content-Type": "application/json"})
    assert "content-length" not in {k.lower() for k in r.request.headers}
    _too_large(r)
    # Under the limit the request goes on to the route (and is judged there).
    under = small_cap.post("/api/v1/reports", json={"kind": "status", "text": "x" * 500})
    assert under.status_code == 422, under.text
    assert small_cap.get("/api/v1/health").status_code == 200


def test_a_made_up_forwarded_for_does_not_dodge_the_per_address_login_limit(
        app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    """Behind uvicorn as ``pollguard serve`` runs it (proxy headers believed only from
    POLLGUARD_FORWARDED_ALLOW_IPS, by default the machine itself), a client that is not a
    trusted proxy names a new address with every failed login: the 21st is still refused."""
    monkeypatch.delenv("POLLGUARD_FORWARDED_ALLOW_IPS", raising=False)
    served = ProxyHeadersMiddleware(app, trusted_hosts=forwarded_allow_ips())  # type: ignore[arg-type]

    def attempts(peer: str, forwarded: str) -> list[int]:
        client = TestClient(served, client=(peer, 40000))  # type: ignore[arg-type]
        client.get("/login")
        csrf = {"X-CSRF-Token": client.cookies["pg_csrf"]}
        return [client.post("/api/v1/session", json={"username": f"nobody{i}", "password": "x"},
                            headers={**csrf, "X-Forwarded-For": forwarded.format(i)}).status_code
                for i in range(21)]

    outsider = attempts("203.0.113.7", "198.51.100.{}")
    assert outsider[:20] == [401] * 20 and outsider[20] == 429
    # A trusted proxy's header is believed: 21 different clients, none of them limited.
    assert attempts("127.0.0.1", "192.0.2.{}") == [401] * 21


def test_serve_runs_uvicorn_with_the_proxy_setting(db_url: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(kw))
    monkeypatch.setenv("POLLGUARD_FORWARDED_ALLOW_IPS", "10.20.0.0/16")
    result = CliRunner().invoke(cli, ["--db", db_url, "serve", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert seen["proxy_headers"] is True and seen["forwarded_allow_ips"] == "10.20.0.0/16"
    monkeypatch.setenv("POLLGUARD_FORWARDED_ALLOW_IPS", "none")
    assert forwarded_allow_ips() == ""
    monkeypatch.delenv("POLLGUARD_FORWARDED_ALLOW_IPS")
    assert forwarded_allow_ips() == "127.0.0.1,::1"


def test_the_size_and_age_settings_are_read_with_a_clear_error(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLLGUARD_MAX_BODY_BYTES", "1.000")
    with pytest.raises(ValueError, match=re.escape("POLLGUARD_MAX_BODY_BYTES must be a whole "
                                                   "number of bytes, not '1.000'")):
        WebSettings()
    monkeypatch.setenv("POLLGUARD_MAX_BODY_BYTES", "0")
    with pytest.raises(ValueError, match="at least 1"):
        WebSettings()
    monkeypatch.setenv("POLLGUARD_MAX_BODY_BYTES", "2048")
    monkeypatch.setenv("POLLGUARD_REPORT_MAX_AGE_H", "tiga")
    with pytest.raises(ValueError, match="POLLGUARD_REPORT_MAX_AGE_H must be a number of hours"):
        WebSettings()
    monkeypatch.setenv("POLLGUARD_REPORT_MAX_AGE_H", "0")  # no lower bound
    chosen = WebSettings()
    assert chosen.max_body_bytes == 2048 and chosen.report_max_age is None
    monkeypatch.setenv("POLLGUARD_REPORT_MAX_AGE_H", "12")
    assert WebSettings().report_max_age == dt.timedelta(hours=12)
