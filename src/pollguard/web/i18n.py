"""Page strings in Bahasa Indonesia (the default) and English. One JSON catalogue per language
under ``i18n/``; the pages and their scripts read the same catalogue, and a test checks that
both languages have every key."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

LANGUAGES = ("id", "en")
DEFAULT = "id"


@cache
def catalogue(lang: str) -> dict[str, str]:
    if lang not in LANGUAGES:
        raise KeyError(lang)
    text = resources.files("pollguard.web").joinpath(f"i18n/{lang}.json").read_text("utf-8")
    return dict(json.loads(text))


def language(value: str | None) -> str:
    return value if value in LANGUAGES else DEFAULT


def translate(lang: str, key: str) -> str:
    return catalogue(lang).get(key) or catalogue(DEFAULT).get(key) or key
