"""The application factory: ``create_app(db)`` wires the API, the pages and the static files."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import xstatic.pkg.leaflet as xleaflet
from anyio import to_thread
from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from pollguard import __version__
from pollguard.basemap import open_archive
from pollguard.services import audit as audit_service
from pollguard.services import documents
from pollguard.services import incidents as incident_service
from pollguard.services import presence as presence_service
from pollguard.services.database import Database, open_database
from pollguard.services.leader import ClockLeader
from pollguard.services.snapshot import NoDataError, Snapshots
from pollguard.web import api_docs, field, pages, tiles
from pollguard.web.api import (
    accounts,
    audit,
    events,
    field_reports,
    incidents,
    map,
    plans,
    presence,
    risk,
    session,
    sitrep,
    tni,
)
from pollguard.web.errors import ApiError, ErrorCode, problem
from pollguard.web.headers import install_middleware
from pollguard.web.i18n import LANGUAGES, catalogue
from pollguard.web.ingest import ReportWriter
from pollguard.web.security import PrincipalCache, declared_permission, public
from pollguard.web.settings import WebSettings
from pollguard.web.token_lookups import TokenLookups

API = "/api/v1"


class Problem(BaseModel):
    """Every refusal says why, in the caller's language (``?lang=``, else Accept-Language,
    else Bahasa Indonesia), with a code that is the same in every language."""

    detail: str | list[dict[str, object]]
    code: str = Field("error", description="what went wrong, for programs: "
                                           "outside_jurisdiction, role_forbidden, csrf, "
                                           "not_found, ... (web/errors.py)")
    messages: dict[str, str] = Field(default_factory=dict,
                                     description="the reason in each language: id, en")


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "the request body could not be read (not the content "
                                           "type it declares)"},
    401: {"model": Problem, "description": "not logged in"},
    403: {"model": Problem, "description": "the role lacks the permission, the request is "
                                           "outside its jurisdiction, or the CSRF check failed"},
    404: {"model": Problem, "description": "no such thing, or no data loaded yet"},
    413: {"model": Problem, "description": "the request body is larger than the server accepts "
                                           "(POLLGUARD_MAX_BODY_BYTES, 1 MB by default)"},
    422: {"model": Problem, "description": "the request is not valid (the reason is given)"},
}


class Health(BaseModel):
    status: str
    version: str
    clock: bool = Field(False, description="whether this worker runs the escalation and "
                                           "presence clock now (one worker on the database "
                                           "does at a time)")


def _meta_router() -> APIRouter:
    router = APIRouter(tags=["meta"])

    @router.get("/health", response_model=Health, dependencies=[public()])
    def health(request: Request) -> Health:
        return Health(status="ok", version=__version__,
                      clock=request.app.state.clock_leader.held)

    @router.get("/i18n/{lang}", response_model=dict[str, str], dependencies=[public()],
                responses={404: {"description": "no such language"}})
    def strings(lang: str) -> dict[str, str]:
        """The page strings of one language (``id`` or ``en``)."""
        if lang not in LANGUAGES:
            raise ApiError(404, ErrorCode.LANGUAGE_UNKNOWN, lang=lang,
                           choices=", ".join(LANGUAGES))
        return catalogue(lang)

    return router


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Runs the escalation clock while the server is up, and writes the documents of the plan
    in force in the background if they are not on disk yet."""
    if getattr(app.state, "load_at_start", False):
        await to_thread.run_sync(_load_snapshot, app)
    task = asyncio.create_task(escalation_loop(app)) if app.state.settings.escalate else None
    if app.state.settings.prebuild:
        await to_thread.run_sync(_prebuild_in_force, app)
    try:
        yield
    finally:
        await to_thread.run_sync(app.state.report_writer.stop)
        await to_thread.run_sync(app.state.reassessor.wait, 60.0)  # the last one written
        app.state.db.seal.close()  # a signed checkpoint of the newest entry written here
        await to_thread.run_sync(app.state.clock_leader.release)  # another worker takes it
        if app.state.basemap is not None:
            app.state.basemap.close()
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


def _load_snapshot(app: FastAPI) -> None:
    """Load the operation before serving (a worker of ``serve --workers``, web/main.py): else
    each worker's first requests wait seconds for it, and on voting day that is mid-load."""
    with contextlib.suppress(NoDataError):
        app.state.snapshots.get()


def _prebuild_in_force(app: FastAPI) -> None:
    """Start writing the plan in force's documents (a server started on a database planned
    from the command line has none on disk yet)."""
    try:
        snap = app.state.snapshots.get()
        if snap.plan_info is None:
            return
        given = app.state.settings.template_dir
        documents.prebuild_in_background(snap.view, plan_id=snap.plan_info.id,
                                         folder=Path(app.state.settings.export_dir),
                                         templates=Path(given) if given else None)
    except NoDataError:
        pass


def _interval(app: FastAPI) -> float:
    """The profile's ``escalate_every_s`` (15 s before any operation is loaded)."""
    try:
        return float(app.state.snapshots.get().live.profile.operations.escalate_every_s)
    except NoDataError:
        return 15.0


def escalation_round(app: FastAPI, now: dt.datetime | None = None) -> tuple[float, list[Any]]:
    """One look at the clock: (seconds until the next look, the incidents moved up)."""
    live = app.state.snapshots.get().live
    when = now or (app.state.clock() if app.state.clock else dt.datetime.now(dt.UTC))
    moved = incident_service.escalate_due(db=app.state.db, now=when, policy=live.escalation)
    return live.profile.operations.escalate_every_s, moved


def presence_round(app: FastAPI, now: dt.datetime | None = None) -> list[Any]:
    """One look at the posts: the ``pos_kosong`` alerts of posts nobody is present at past
    the profile's deadline on voting day (each post raises one once)."""
    when = now or (app.state.clock() if app.state.clock else dt.datetime.now(dt.UTC))
    return presence_service.check_presence(db=app.state.db, now=when)


async def escalation_loop(app: FastAPI) -> None:
    """Every ``[operations] escalate_every_s``: move up the chain every incident whose level
    let its limit pass. With several workers on PostgreSQL, the one that holds the clock lock
    runs the round (services/leader.py); the others try again every round, and take it over when
    that worker dies."""
    log = logging.getLogger("pollguard.escalation")
    while True:
        every = 15.0
        try:
            if await to_thread.run_sync(app.state.clock_leader.holds):
                every, moved = await to_thread.run_sync(escalation_round, app)
                for inc in moved:
                    log.warning("incident %s at TPS %s escalated to %s", inc.id, inc.tps_id,
                                inc.level)
                for inc in await to_thread.run_sync(presence_round, app):
                    log.warning("post empty at TPS %s: alert %s", inc.tps_id, inc.id)
            else:  # another worker's round: try again after the profile's interval
                every = await to_thread.run_sync(_interval, app)
        except NoDataError:
            pass
        except Exception:  # keep the clock running whatever one round hits
            log.exception("escalation round failed")
        await asyncio.sleep(every)


def create_app(db: Database | str | None = None, settings: WebSettings | None = None) -> FastAPI:
    database = db if isinstance(db, Database) else open_database(db)
    app = FastAPI(title="PollGuard command centre", version=__version__, lifespan=_lifespan,
                  openapi_url=f"{API}/openapi.json", docs_url=None, redoc_url=None,
                  description="Election security operations: vulnerability, deployment plan, "
                              "plotting. Every route states the permission it needs.",
                  # No OpenTelemetry here: its per-request check read the environment on
                  # every call, a cost on voting day's busiest route (issue 18).
                  telemetry={"tracing": False, "metrics": False, "logs": False})
    app.state.db = database
    app.state.settings = settings or WebSettings()
    app.state.snapshots = Snapshots(database)
    app.state.clock = None  # None: the wall clock; tests and drills may set a function
    # Which of several workers on one database runs the escalation clock (services/leader.py).
    app.state.clock_leader = ClockLeader(database.engine)
    app.state.report_writer = ReportWriter(database)
    # Risk after a verified incident, reassessed off the request (services.reassessment).
    app.state.reassessor = incident_service.Reassessor(database)
    app.state.principals = PrincipalCache()
    app.state.token_lookups = TokenLookups(database, app.state.principals)
    app.state.chain_watch = audit_service.ChainWatch()
    # The offline basemap, opened (and checked) now: a bad archive stops the start, naming it.
    given = app.state.settings.tiles
    app.state.basemap = open_archive(given) if given else None
    # Field reports first: a request is matched against the routes in order, and on voting
    # day nearly every request is a report (their paths are theirs alone, so the order
    # changes no match).
    routers = [m.router for m in (field_reports, session, map, risk, plans, incidents, events,
                                  sitrep, audit, accounts, tni, presence)]
    routers.append(_meta_router())
    _check_declared(routers)
    for router in routers:
        app.include_router(router, prefix=API, responses=ERRORS)
    app.state.api_routers = routers
    app.include_router(pages.router)
    app.include_router(field.router)
    app.include_router(tiles.router)  # /tiles/{z}/{x}/{y}: the offline basemap
    app.include_router(api_docs.router)  # /api/v1/docs, Swagger UI served from the package
    web = Path(str(resources.files("pollguard.web")))
    app.mount("/static/leaflet", StaticFiles(directory=xleaflet.BASE_DIR), name="leaflet")
    app.mount(api_docs.ASSETS, StaticFiles(directory=api_docs.swagger_ui_dir()),
              name="swagger-ui")
    app.mount("/static", StaticFiles(directory=web / "static"), name="static")
    app.add_middleware(GZipMiddleware, minimum_size=1000, compresslevel=5)
    # Security headers on every response, the request body cap: pure ASGI (headers.py).
    install_middleware(app, app.state.settings)

    # Every refusal: its text in the caller's language and its code (web/errors.py).
    @app.exception_handler(NoDataError)
    def no_data(request: Request, exc: NoDataError) -> JSONResponse:
        said = None if exc.code else ApiError(404, ErrorCode.NO_DATA, reason=exc)
        return JSONResponse(problem(request, 404, said, exc), status_code=404)

    @app.exception_handler(RequestValidationError)
    def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(problem(request, 422, [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()]), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        said = exc if isinstance(exc, ApiError) else exc.detail
        return JSONResponse(problem(request, exc.status_code, said, exc.__cause__),
                            status_code=exc.status_code, headers=getattr(exc, "headers", None))

    return app


def api_routes(app: FastAPI) -> list[tuple[str, APIRoute]]:
    """Every API route with its full path (``/api/v1/...``)."""
    return [(API + r.path, r) for router in app.state.api_routers for r in router.routes
            if isinstance(r, APIRoute)]


def _check_declared(routers: list[APIRouter]) -> None:
    """Refuse to start with an API route that does not say who may call it."""
    missing = [r.path for router in routers for r in router.routes
               if isinstance(r, APIRoute) and declared_permission(r) is None]
    if missing:
        raise RuntimeError(f"API routes without a declared permission: {', '.join(missing)}")
