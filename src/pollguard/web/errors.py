"""Refusals in the reader's language, with a code that stays the same in every language.

Every error the API answers is ``{"detail": ..., "code": ..., "messages": {"id": ..., "en":
...}}``: ``detail`` in the request's language (what the pages show as it is; a client that
read ``detail`` before reads it still), ``code`` for programs (a test, the drill, a phone app
decide on it, not on words that a translator may change), ``messages`` both texts (a log, a
bilingual report). The texts are the ``error.<code>`` keys of the i18n catalogue, so one place
holds them and a test checks that each code has both; ``ErrorCode`` is the list of codes.

The request's language: its ``lang`` query parameter (every page's ``pg.api`` sends the page's),
else the first of ``Accept-Language`` we have, else Bahasa Indonesia.

A refusal raised as a plain ``HTTPException`` (a service's reason passed on as it is) gets the
code of its status (``forbidden``, ``not_found``, ...); its English text is the reason as it is,
its Indonesian one the status's words in front of that reason ("Tidak dapat dilakukan sekarang:
..."), so an Indonesian page says in its own words what happened even where the reason, made
in a lower layer, has no code of its own yet.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from fastapi import HTTPException, Request

from pollguard.web.i18n import DEFAULT, LANGUAGES, translate


class ErrorCode(StrEnum):
    """Every code an error may carry; each has ``error.<code>`` in both catalogues."""

    # by status, for refusals that give a service's reason as it is
    BAD_REQUEST = "bad_request"
    UNAUTHORIZED = "unauthorized"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    TOO_LARGE = "too_large"
    INVALID = "invalid"
    TOO_MANY = "too_many"
    ERROR = "error"
    # who may call
    NOT_SIGNED_IN = "not_signed_in"
    CSRF = "csrf"
    LOGIN_CSRF = "login_csrf"
    ROLE_FORBIDDEN = "role_forbidden"
    NOT_AN_OFFICER = "not_an_officer"
    NOT_PLOTTED = "not_plotted"
    # where
    TPS_UNKNOWN = "tps_unknown"
    OUTSIDE_JURISDICTION = "outside_jurisdiction"
    INCIDENT_OUTSIDE_JURISDICTION = "incident_outside_jurisdiction"
    INCIDENT_HELD_ABOVE = "incident_held_above"  # escalated past the caller's level
    POLRES_OUTSIDE_JURISDICTION = "polres_outside_jurisdiction"
    UNIT_OUTSIDE_JURISDICTION = "unit_outside_jurisdiction"
    # what
    NO_DATA = "no_data"
    NO_ASSESSMENT = "no_assessment"
    PLAN_UNKNOWN = "plan_unknown"
    PSU_NO_DRAFT = "psu_no_draft"
    TPS_NOT_IN_SCENARIO = "tps_not_in_scenario"
    RESERVE_SHARE_POLDA = "reserve_share_polda"
    SAME_PLAN_VERSIONS = "same_plan_versions"
    LANGUAGE_UNKNOWN = "language_unknown"


#: The code of a refusal that names none, by its status.
BY_STATUS: dict[int, ErrorCode] = {
    400: ErrorCode.BAD_REQUEST, 401: ErrorCode.UNAUTHORIZED, 403: ErrorCode.FORBIDDEN,
    404: ErrorCode.NOT_FOUND, 409: ErrorCode.CONFLICT, 413: ErrorCode.TOO_LARGE,
    422: ErrorCode.INVALID, 429: ErrorCode.TOO_MANY}


class ApiError(HTTPException):
    """A refusal with its code; ``values`` fill the catalogue's ``{name}`` places."""

    def __init__(self, status: int, code: ErrorCode, headers: dict[str, str] | None = None,
                 **values: object) -> None:
        self.code = code
        self.values = {k: str(v) for k, v in values.items()}
        super().__init__(status, message(DEFAULT, code, self.values), headers=headers)


def message(lang: str, code: ErrorCode, values: dict[str, str] | None = None) -> str:
    return translate(lang, f"error.{code.value}", values)


def request_language(request: Request) -> str:
    """The language the caller reads: ``?lang=``, else ``Accept-Language``, else ``id``."""
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    ranked = []
    for i, part in enumerate(request.headers.get("accept-language", "").split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        base = tag.strip().lower().split("-")[0]
        if base in LANGUAGES and q > 0:
            ranked.append((-q, i, base))
    return min(ranked)[2] if ranked else DEFAULT


def problem(request: Request, status: int, detail: Any) -> dict[str, Any]:
    """The body of an error answer (see the module's docstring)."""
    if isinstance(detail, ApiError):
        both = {lang: message(lang, detail.code, detail.values) for lang in LANGUAGES}
        return {"detail": both[request_language(request)], "code": detail.code.value,
                "messages": both}
    code = BY_STATUS.get(status, ErrorCode.ERROR)
    if isinstance(detail, str):
        # The body cap's text is in both languages already (the middleware has no language).
        both = {lang: detail if lang == "en" or code == ErrorCode.TOO_LARGE else
                f"{message(lang, code)}: {detail}"
                for lang in LANGUAGES}
        return {"detail": both[request_language(request)], "code": code.value,
                "messages": both}
    # A list of reasons (an invalid body): each names its field, in the words of pydantic.
    return {"detail": detail, "code": code.value,
            "messages": {lang: message(lang, code) for lang in LANGUAGES}}
