"""The API's browsable documentation at ``/api/v1/docs``, served entirely by the app.

FastAPI's own docs page loads Swagger UI from a CDN and its favicon from the FastAPI site, and
starts it with an inline script: a command post without internet gets a blank page, and the
Content-Security-Policy (``script-src 'self'``) would block the script anyway. This page loads
Swagger UI from the ``swagger-ui-py`` package (mounted at ``/static/swagger-ui``) and starts it
from ``/static/api-docs.js``, which reads the document's address from the page."""

from __future__ import annotations

import importlib.util
from html import escape
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from pollguard import __version__

DOCS_PATH = "/api/v1/docs"
OPENAPI_PATH = "/api/v1/openapi.json"
ASSETS = "/static/swagger-ui"


def swagger_ui_dir() -> Path:
    """The Swagger UI distribution shipped in ``swagger-ui-py`` (found without importing the
    package, whose handlers the app does not use)."""
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the swagger-ui-py package is not installed (pip install -e .)")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


def page(title: str) -> str:
    return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{escape(title)} {escape(__version__)} - API</title>
  <link rel="icon" type="image/png" href="{ASSETS}/favicon-32x32.png">
  <link rel="stylesheet" href="{ASSETS}/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui" data-openapi-url="{OPENAPI_PATH}"></div>
  <script src="{ASSETS}/swagger-ui-bundle.js"></script>
  <script src="/static/api-docs.js"></script>
</body>
</html>
"""


router = APIRouter(include_in_schema=False)


@router.get(DOCS_PATH, response_class=HTMLResponse)
def docs() -> HTMLResponse:
    """Swagger UI over the OpenAPI document (public, like the document itself)."""
    return HTMLResponse(page("PollGuard command centre"))
