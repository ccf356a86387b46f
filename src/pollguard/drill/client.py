"""The drill's HTTP client: one connection to a running command centre, logged in as the
runner's account (a password, as a browser logs in, or an API token), through which the other
accounts of the drill act with their own tokens, request by request."""

from __future__ import annotations

import re
from typing import Any

import httpx

API = "/api/v1"
NEEDED = {"personnel:read", "accounts:manage"}  # what the runner's account must hold


class DrillError(RuntimeError):
    """The server cannot run the drill: unreachable, login refused, missing permissions."""


class Server:
    """One HTTP client, logged in with a password (the browser's way: session cookie and CSRF
    token) or an API token; other accounts act through their tokens, per request."""

    def __init__(self, url: str, *, username: str | None = None, password: str | None = None,
                 token: str | None = None, transport: httpx.BaseTransport | None = None,
                 timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self.client = httpx.Client(base_url=self.url, timeout=timeout, transport=transport,
                                   follow_redirects=False)
        self._username, self._password, self._token = username, password, token
        self.me: dict[str, Any] = {}
        self._paths: set[tuple[str, str]] | None = None

    def close(self) -> None:
        self.client.close()

    def login(self) -> dict[str, Any]:
        """Log in; the account as the server describes it (GET /session)."""
        try:
            if self._token:
                self.client.headers["Authorization"] = f"Bearer {self._token}"
                r = self.client.get(f"{API}/session")
            else:
                if not self._username or self._password is None:
                    raise DrillError("give --user and --password, or --token")
                page = self.client.get("/login")
                csrf = page.cookies.get("pg_csrf") or self.client.cookies.get("pg_csrf") or ""
                r = self.client.post(f"{API}/session", headers={"X-CSRF-Token": csrf},
                                     json={"username": self._username,
                                           "password": self._password})
        except httpx.TransportError as exc:
            raise DrillError(f"cannot reach {self.url}: {exc}") from exc
        if r.status_code != 200:
            raise DrillError(f"login refused ({r.status_code}): {reason(r)}")
        self.me = r.json()
        if self.me.get("csrf"):
            self.client.headers["X-CSRF-Token"] = str(self.me["csrf"])
        missing = NEEDED - set(self.me.get("permissions", []))
        if missing:
            raise DrillError(f"the account {self.me.get('username')} ({self.me.get('role')}) "
                             f"lacks {', '.join(sorted(missing))}: run drills as Polda command")
        return self.me

    def get(self, path: str, *, token: str | None = None, **params: Any) -> httpx.Response:
        return self._send("GET", path, token=token, params=params or None)

    def post(self, path: str, body: Any, *, token: str | None = None) -> httpx.Response:
        return self._send("POST", path, token=token, json=body)

    def _send(self, method: str, path: str, *, token: str | None, **kw: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else None
        try:
            return self.client.request(method, f"{API}{path}", headers=headers, **kw)
        except httpx.TransportError as exc:
            raise DrillError(f"lost {self.url}: {exc}") from exc

    def json(self, path: str, **params: Any) -> Any:
        r = self.get(path, **params)
        if r.status_code != 200:
            raise DrillError(f"GET {API}{path}: {r.status_code} {reason(r)}")
        return r.json()

    def has(self, method: str, path: str) -> bool:
        """Whether the server's OpenAPI lists the route (``{}`` for any parameter)."""
        if self._paths is None:
            spec = self.json("/openapi.json")
            self._paths = {(m.lower(), re.sub(r"\{[^}]*\}", "{}", p.removeprefix(API)))
                           for p, ops in spec.get("paths", {}).items() for m in ops}
        # A parameter may span segments (a dispatch id is "<incident id>/<n>").
        wanted = re.compile(re.escape(path).replace(r"\{\}", r"\{\}(?:/\{\})*") + "$")
        return any(m == method and wanted.match(p) for m, p in self._paths)


def reason(r: httpx.Response) -> str:
    """Why the server refused a request, in one line (FastAPI's validation errors joined)."""
    try:
        body = r.json()
    except ValueError:
        return r.text[:200] or r.reason_phrase
    detail = body.get("detail", body) if isinstance(body, dict) else body
    if isinstance(detail, list):  # FastAPI's validation errors
        return "; ".join(f"{'.'.join(str(p) for p in d.get('loc', [])[1:])}: {d.get('msg')}"
                         for d in detail if isinstance(d, dict))
    return str(detail)
