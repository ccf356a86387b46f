"""Neutral by design: an indicator describes a place or an event, never a candidate, a party
or anyone's political preference. This check is code, not configuration, so a profile cannot
switch it off."""

from __future__ import annotations

import re

#: Parties that contested Indonesian elections 2019-2024 (national and Aceh), as commonly written.
#: Short names that are also ordinary words (Gelora, Berkarya, PBB: a tax and the UN) are
#: only matched with "Partai" before them, through the ``partai ...`` pattern below.
PARTIES = (
    "PKB", "Gerindra", "PDI-P", "PDIP", "PDI Perjuangan", "Golkar", "NasDem", "PKS", "PKN",
    "Hanura", "PAN", "Demokrat", "PSI", "Perindo", "PPP",
)

_PREFERENCE = (
    r"partai\s+(?!politik|lokal)\w+", r"party\s+(of|supporters?)", r"nomor\s+urut", r"no\.?\s*urut",
    r"paslon\s*(no\.?\s*)?\d", r"pasangan\s+calon\s+(nomor|no\.?)\s*\d",
    r"calon\s+(nomor|no\.?)\s*\d", r"candidate\s+(no\.?|number)\s*\d",
    r"pendukung", r"simpatisan", r"basis\s+(massa|pendukung|suara)", r"kantong\s+suara",
    r"supporters?\b", r"stronghold", r"militan", r"preferen\w*", r"preference",
    r"pilihan\s+politik", r"political\s+(preference|affiliation|leaning)", r"afiliasi",
    r"perolehan\s+suara", r"vote\s+share", r"voted\s+for", r"memilih\s+(calon|paslon|partai)",
)
_PATTERN = re.compile(
    r"(?<![\w-])(" + "|".join(re.escape(p) for p in PARTIES) + r")(?![\w-])"
    + "|" + "|".join(_PREFERENCE), re.IGNORECASE)


def political_reference(text: str) -> str | None:
    """The first words in ``text`` that name a party or a political preference, or None."""
    match = _PATTERN.search(text)
    return match.group(0) if match else None
