"""Refusals that reach people, with a code and their words in both languages, made where the
reason is known (a workflow, a service) and carried up unchanged to the page that shows it.

A lower layer knows why it refuses (the incident is closed; the officer has no post) but not
who reads the reason; the web layer knows the reader's language but not the reason. So the
lower layer raises a ``RefusedError`` with a code and the facts (``values``), and the text is made
only when it is read, from the catalogue's ``error.<code>`` keys, in the reader's language:
an Indonesian page gets a sentence wholly in Indonesian, ``?lang=en`` one wholly in English.
A fact that is itself a word (a status) is a ``Term``, translated with the sentence.

``ErrorCode`` is the one list of codes; each has ``error.<code>`` in both catalogues (a test
checks, with the same ``{places}``). ``str()`` of a refusal is its English text, for logs and
the command line. A refusal made without a code (a check whose reason no user meets, e.g. a
malformed profile) keeps its English reason, and the web layer says in front of it, in the
reader's language, what kind of refusal it is.

Here, beside the catalogue, because every layer may import ``i18n`` and none below ``web``
may import the web layer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from pollguard.i18n import LANGUAGES, translate

__all__ = ["ErrorCode", "RefusedError", "Term", "texts"]


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
    NOT_PLOTTED_AT_TPS = "not_plotted_at_tps"  # a field report for a TPS not one's own
    # where
    TPS_UNKNOWN = "tps_unknown"
    OUTSIDE_JURISDICTION = "outside_jurisdiction"
    INCIDENT_OUTSIDE_JURISDICTION = "incident_outside_jurisdiction"
    INCIDENT_HELD_ABOVE = "incident_held_above"  # escalated past the caller's level
    POLRES_OUTSIDE_JURISDICTION = "polres_outside_jurisdiction"
    UNIT_OUTSIDE_JURISDICTION = "unit_outside_jurisdiction"
    PLAN_OUTSIDE_JURISDICTION = "plan_outside_jurisdiction"  # a draft that reaches beyond
    # what
    NO_DATA = "no_data"
    NO_SCENARIO = "no_scenario"
    NO_ASSESSMENT = "no_assessment"
    PLAN_UNKNOWN = "plan_unknown"
    PLAN_NONE = "plan_none"  # no plan made yet
    PLAN_NOT_IN_FORCE = "plan_not_in_force"  # none in force: nobody is plotted
    PSU_NO_DRAFT = "psu_no_draft"
    TPS_NOT_IN_SCENARIO = "tps_not_in_scenario"
    RESERVE_SHARE_POLDA = "reserve_share_polda"
    SAME_PLAN_VERSIONS = "same_plan_versions"
    LANGUAGE_UNKNOWN = "language_unknown"
    # the voting day's workflows
    INCIDENT_UNKNOWN = "incident_unknown"
    INCIDENT_STEP = "incident_step"  # a step the incident workflow does not allow
    INCIDENT_STEP_EARLY = "incident_step_early"  # a step dated before the last one
    INCIDENT_NOT_OPEN = "incident_not_open"  # nothing to send to a resolved incident
    DISPATCH_UNKNOWN = "dispatch_unknown"
    DISPATCH_STEP = "dispatch_step"  # a step the unit workflow does not allow
    DISPATCH_OVER = "dispatch_over"  # the unit is back: a new dispatch, not a step
    DISPATCH_STEP_EARLY = "dispatch_step_early"
    TEAM_NOT_ON_OFFER = "team_not_on_offer"
    TEAM_NOT_REQUESTABLE = "team_not_requestable"  # a BKO request for a team not offered
    TEAM_ALREADY_REQUESTED = "team_already_requested"
    NOTHING_TO_SEND = "nothing_to_send"
    REQUEST_UNKNOWN = "request_unknown"
    BKO_POLDA_OWN = "bko_polda_own"  # the Polda asks nobody: it dispatches
    BKO_POLDA_DECIDES = "bko_polda_decides"
    DRAFT_NOT_YOURS = "draft_not_yours"  # a Polres accepts only its own drafts
    # presence at post
    CHECK_HALF_LOCATION = "check_half_location"  # lat without lon, or lon without lat
    CHECK_NEEDS_REASON = "check_needs_reason"  # a check-in without location says why


@dataclass(frozen=True, slots=True)
class Term:
    """Catalogue words standing for a fact in a refusal (a status), translated with the
    sentence: several keys read as a list, none as ``empty``'s words."""

    keys: tuple[str, ...]
    empty: str = "error.none"

    @classmethod
    def of(cls, keys: Iterable[str], empty: str = "error.none") -> Term:
        return cls(tuple(keys), empty)

    def text(self, lang: str) -> str:
        return ", ".join(translate(lang, k) for k in self.keys) or translate(lang, self.empty)


def _text(value: object, lang: str) -> str:
    """A fact in ``lang``: a ``Term`` translated, words already in each language (a mapping
    by language, made where the words are) picked, anything else as it is."""
    if isinstance(value, Term):
        return value.text(lang)
    if isinstance(value, Mapping):
        return str(value.get(lang, value.get("en", "")))
    return str(value)


def texts(code: ErrorCode, values: Mapping[str, object] | None = None) -> dict[str, str]:
    """The refusal ``code`` with ``values`` in each language, by language."""
    return {lang: translate(lang, f"error.{code.value}",
                            {k: _text(v, lang) for k, v in (values or {}).items()})
            for lang in LANGUAGES}


class RefusedError(Exception):
    """A refusal with its code and facts (``code=``, ``**values``), or, without a code, with
    an English reason as any exception has. Subclass it beside the builtin class the callers
    catch (``class IncidentError(RefusedError, ValueError)``)."""

    def __init__(self, reason: str = "", /, *, code: ErrorCode | None = None,
                 **values: object) -> None:
        self.code = code
        self.values = values
        super().__init__(self.messages["en"] if code is not None else reason)

    @property
    def messages(self) -> dict[str, str]:
        """Its words by language: the catalogue's, or the reason as it is in both."""
        if self.code is None:
            return {lang: str(self) for lang in LANGUAGES}
        return texts(self.code, self.values)
