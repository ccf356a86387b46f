"""Page strings in Bahasa Indonesia (the default) and English: the catalogue is
``pollguard.i18n``, below the web layer so that the documents read the same strings; the pages
take it from here."""

from __future__ import annotations

from pollguard.i18n import DEFAULT, LANGUAGES, catalogue, language, translate

__all__ = ["DEFAULT", "LANGUAGES", "catalogue", "language", "translate"]
