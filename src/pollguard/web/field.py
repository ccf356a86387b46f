"""The field app's installable parts: its web app manifest and its service worker.

Both are served from the site root rather than ``/static`` because a service worker may only
control pages under the folder it is served from, and it must control ``/field``. The worker's
cache name carries a hash of the files it caches, so any change to them installs a new worker
that drops the old copies (phones otherwise keep yesterday's page for days)."""

from __future__ import annotations

import hashlib
from importlib import resources

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from pollguard import __version__

router = APIRouter(include_in_schema=False)

MANIFEST_PATH = "/field.webmanifest"
WORKER_PATH = "/field-sw.js"
ICON = "/static/field-icon.svg"
# What the worker keeps so that /field opens with no signal: the page and everything it loads.
SHELL = ("/field", "/static/app.css", "/static/app.js", "/static/field.css", "/static/field.js",
         "/static/field-presence.js", ICON, MANIFEST_PATH, "/api/v1/i18n/id", "/api/v1/i18n/en")
_HASHED = ("static/app.css", "static/app.js", "static/field.css", "static/field.js",
           "static/field-presence.js", "static/field-sw.js", "static/field-icon.svg",
           "templates/base.html", "templates/field.html")
_CATALOGUES = ("id.json", "en.json")  # in pollguard.i18n: what /api/v1/i18n/{id,en} serve


def manifest() -> dict[str, object]:
    """The web app manifest: what a phone needs to put PollGuard Lapangan on its home screen."""
    return {
        "name": "PollGuard Lapangan",
        "short_name": "PG Lapangan",
        "description": "Laporan TPS dan kejadian dari petugas pengamanan di lapangan",
        "lang": "id",
        "start_url": "/field",
        "scope": "/field",
        "id": "/field",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#f6f7f9",
        "theme_color": "#14213d",
        "icons": [
            {"src": ICON, "sizes": "any", "type": "image/svg+xml", "purpose": "any"},
            {"src": ICON, "sizes": "any", "type": "image/svg+xml", "purpose": "maskable"},
        ],
    }


def version() -> str:
    """A short hash of the cached files: it changes whenever one of them does."""
    web = resources.files("pollguard.web")
    digest = hashlib.sha256(__version__.encode())
    for name in _HASHED:
        digest.update(web.joinpath(name).read_bytes())
    for name in _CATALOGUES:
        digest.update(resources.files("pollguard.i18n").joinpath(name).read_bytes())
    return digest.hexdigest()[:16]


def worker_source() -> str:
    """The service worker with its version and the shell it caches filled in."""
    text = resources.files("pollguard.web").joinpath("static/field-sw.js").read_text("utf-8")
    shell = ", ".join(f'"{path}"' for path in SHELL)
    return text.replace("__PG_VERSION__", version()).replace('"__PG_SHELL__"', shell)


@router.get(MANIFEST_PATH)
def web_manifest() -> Response:
    return JSONResponse(manifest(), media_type="application/manifest+json",
                        headers={"Cache-Control": "no-cache"})


@router.get(WORKER_PATH)
def service_worker() -> Response:
    """No HTTP caching, so that a phone checking for an update always sees the current one."""
    return Response(worker_source(), media_type="text/javascript",
                    headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/field"})
