"""The strings people read, in Bahasa Indonesia (the default) and English: one JSON catalogue
per language (``id.json``, ``en.json``), shared by the pages and their scripts (served at
``/api/v1/i18n/{lang}``) and by the documents (the situation report's ``sitrep.*`` keys), so a
term is translated once. It sits at the bottom of the layers, importing nothing of ours, so
that ``reports`` can read it without importing ``web``. A test checks that both languages
have every key."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources

__all__ = ["DEFAULT", "LANGUAGES", "catalogue", "fill", "language", "translate"]

LANGUAGES = ("id", "en")
DEFAULT = "id"


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Every string of ``lang`` by key; a ``KeyError`` for a language there is none of."""
    if lang not in LANGUAGES:
        raise KeyError(lang)
    text = resources.files(__name__).joinpath(f"{lang}.json").read_text("utf-8")
    return dict(json.loads(text))


def language(value: str | None) -> str:
    """``value`` if it names a language, else the default."""
    return value if value in LANGUAGES else DEFAULT


def fill(text: str, values: Mapping[str, str]) -> str:
    """``text`` with each ``{name}`` of ``values`` put in, any other brace left as it is (as
    the pages' ``pg.t`` does). The operation's own words come in this way: a Papua province's
    "{kecamatan}" is "Distrik" (``LevelNames.words``)."""
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    return text


def translate(lang: str, key: str, values: Mapping[str, str] | None = None) -> str:
    """The string in ``lang``, else in the default language, else the key itself (a page
    shows a missing string as its key rather than failing), with ``values`` filled in."""
    text = catalogue(lang).get(key) or catalogue(DEFAULT).get(key) or key
    return fill(text, values) if values else text
