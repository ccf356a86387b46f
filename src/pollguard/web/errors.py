"""Refusals in the reader's language, with a code that stays the same in every language.

Every error the API answers is ``{"detail": ..., "code": ..., "messages": {"id": ..., "en":
...}}``: ``detail`` in the request's language (what the pages show as it is; a client that
read ``detail`` before reads it still), ``code`` for programs (a test, the drill, a phone app
decide on it, not on words that a translator may change), ``messages`` both texts (a log, a
bilingual report). The texts are the ``error.<code>`` keys of the i18n catalogue, so one place
holds them and a test checks that each code has both; ``ErrorCode`` is the list of codes.

The request's language: its ``lang`` query parameter (every page's ``pg.api`` sends the page's),
else the first of ``Accept-Language`` we have, else Bahasa Indonesia.

A service's coded refusal (``pollguard.i18n.refusals.RefusedError``) passed on as a plain
``HTTPException`` raised ``from`` it keeps its code and its words in both languages, made from
the facts it carries: the status decides only the answer's HTTP status. A refusal without a
code (a reason no user is expected to meet) gets the code of its status (``forbidden``,
``not_found``, ...); its English text is the reason as it is, its Indonesian one the status's
words in front of that reason ("Tidak dapat dilakukan sekarang: ..."), so an Indonesian page
says in its own words what happened even where the reason has no code of its own.
"""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request

from pollguard.i18n.refusals import ErrorCode, RefusedError, texts
from pollguard.web.i18n import DEFAULT, LANGUAGES, translate

__all__ = ["BY_STATUS", "ApiError", "ErrorCode", "message", "problem", "request_language"]


#: The code of a refusal that names none, by its status.
BY_STATUS: dict[int, ErrorCode] = {
    400: ErrorCode.BAD_REQUEST, 401: ErrorCode.UNAUTHORIZED, 403: ErrorCode.FORBIDDEN,
    404: ErrorCode.NOT_FOUND, 409: ErrorCode.CONFLICT, 413: ErrorCode.TOO_LARGE,
    422: ErrorCode.INVALID, 429: ErrorCode.TOO_MANY}


class ApiError(HTTPException):
    """A refusal with its code; ``values`` fill the catalogue's ``{name}`` places (a
    ``Term`` is translated with the sentence)."""

    def __init__(self, status: int, code: ErrorCode, headers: dict[str, str] | None = None,
                 **values: object) -> None:
        self.code = code
        self.values = values
        super().__init__(status, texts(code, values)[DEFAULT], headers=headers)


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


def problem(request: Request, status: int, detail: Any,
            cause: BaseException | None = None) -> dict[str, Any]:
    """The body of an error answer (see the module's docstring). ``cause``, the exception a
    plain ``HTTPException`` was raised from: a coded ``RefusedError`` gives its code and words."""
    if isinstance(detail, ApiError):
        both = texts(detail.code, detail.values)
        return {"detail": both[request_language(request)], "code": detail.code.value,
                "messages": both}
    if isinstance(cause, RefusedError) and cause.code is not None:
        both = cause.messages
        return {"detail": both[request_language(request)], "code": cause.code.value,
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
