"""The pages: server-rendered shells (layout, navigation, strings) whose data every script
fetches from ``/api/v1``. A page the account may not open redirects to one it may."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from pollguard.access import Permission, Role, can
from pollguard.reports.colours import css_variables
from pollguard.services.locale import operation_locale
from pollguard.web.i18n import LANGUAGES, catalogue, language, translate
from pollguard.web.security import CSRF_COOKIE, optional_principal

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(resources.files("pollguard.web") / "templates"))


@dataclass(frozen=True)
class Page:
    path: str
    template: str
    title_key: str
    permission: Permission
    # The roles that use it (None: every role that may open it): the others neither see it
    # in the navigation nor land on it. The field pages are an officer's: the Polda command
    # holds every permission but has no assignment of its own, so its "Tugas Saya" would
    # only mislead.
    uses: frozenset[Role] | None = None

    def listed_for(self, role: Role) -> bool:
        return can(role, self.permission) and (self.uses is None or role in self.uses)


PAGES = (
    Page("/map", "map.html", "nav.map", Permission.TPS_READ),
    Page("/workspace", "workspace.html", "nav.workspace", Permission.PLAN_READ),
    Page("/plotting", "plotting.html", "nav.plotting", Permission.PERSONNEL_READ),
    Page("/risk", "risk.html", "nav.risk", Permission.RISK_READ),
    Page("/audit", "audit.html", "nav.audit", Permission.AUDIT_READ),
    Page("/field", "field.html", "nav.field", Permission.REPORT_WRITE,
         frozenset({Role.FIELD_OFFICER})),
    Page("/me", "me.html", "nav.me", Permission.OWN_ASSIGNMENT, frozenset({Role.FIELD_OFFICER})),
    Page("/sitrep", "sitrep.html", "nav.sitrep", Permission.INCIDENT_READ),
    Page("/tni", "tni.html", "nav.tni", Permission.PLAN_READ),
)


def _lang(request: Request) -> str:
    return language(request.query_params.get("lang") or request.cookies.get("pg_lang"))


def _words_of(lang: str, role: Role | None,
              words: Mapping[str, str]) -> Callable[[str], str]:
    """The template's ``t``, as ``pg.t`` reads the catalogue: a partner's own words first
    ("for.<role>.<key>": a KPU or Bawaslu observer reads "Kejadian" where the police read
    "Insiden"), so that a column head the server writes and a cell the script writes agree."""
    own = catalogue(lang)

    def t(key: str) -> str:
        mine = f"for.{role.value}.{key}" if role is not None else None
        return translate(lang, mine if mine and mine in own else key, words)
    return t


def _context(request: Request, page: Page | None) -> dict[str, object]:
    """What every template reads. ``op`` is the operation's clock and level names: the page
    carries them in its ``<body>`` (``data-zone``, ``data-zone-iana``, ``data-levels``) for
    ``pg.date``/``pg.time`` and ``pg.t``, and its own strings are filled with them here, so
    a WIT operation's pages say "09.05 WIT" and a Papua one's "Distrik"."""
    lang = _lang(request)
    who = getattr(request.state, "page_principal", None)
    op = operation_locale(db=request.app.state.db)
    words = op.levels.words()
    return {"request": request, "lang": lang, "languages": LANGUAGES, "page": page,
            "t": _words_of(lang, who.role if who else None, words), "who": who, "op": op,
            "nav": [p for p in PAGES if who and p.listed_for(who.role)],
            "class_colours": css_variables()}


def _with_cookies(request: Request, response: Response) -> Response:
    """Remember a language chosen with ?lang=, and give the login form its CSRF cookie."""
    chosen = request.query_params.get("lang")
    if chosen in LANGUAGES:
        response.set_cookie("pg_lang", chosen, samesite="strict", max_age=365 * 86400)
    if not request.cookies.get(CSRF_COOKIE):
        response.set_cookie(CSRF_COOKIE, secrets.token_urlsafe(32), samesite="strict",
                            secure=request.app.state.settings.secure_cookies)
    return response


def _home(request: Request) -> str:
    who = getattr(request.state, "page_principal", None)
    for p in PAGES:
        if who and p.listed_for(who.role):
            return p.path
    return "/login"


@router.get("/", response_class=HTMLResponse)
def index(request: Request) -> Response:
    request.state.page_principal = optional_principal(request)
    return RedirectResponse(_home(request), status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> Response:
    request.state.page_principal = None
    return _with_cookies(request, templates.TemplateResponse(
        request, "login.html", _context(request, None)))


def _page(page: Page) -> object:
    def show(request: Request) -> Response:
        who = optional_principal(request)
        request.state.page_principal = who
        if who is None:
            return RedirectResponse(f"/login?next={page.path}", status_code=303)
        if not page.listed_for(who.role):  # not its page: its own first page instead
            return RedirectResponse(_home(request), status_code=303)
        return _with_cookies(request, templates.TemplateResponse(
            request, page.template, _context(request, page)))

    show.__name__ = f"page_{page.template.removesuffix('.html')}"
    return show


for _p in PAGES:
    router.add_api_route(_p.path, _page(_p), methods=["GET"],  # type: ignore[arg-type]
                         response_class=HTMLResponse)
