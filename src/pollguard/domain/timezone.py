"""The operation's clock: the one time zone reports, days and the Posko's times are read in.

Every stored time is UTC; a person reads it on the Posko's wall clock. PollGuard has one zone
for now, WIB (UTC+7: Sumatra, Java, West and Central Kalimantan), which is Jambi's; the
provinces on WITA (UTC+8) and WIT (UTC+9) need the per-province zones a later change brings.
Everything that turns a time into a local time or a local day reads ``WIB`` from here."""

from __future__ import annotations

import datetime as dt

#: Western Indonesia Time: the reporting clock of a Sumatran or Javan Posko.
WIB = dt.timezone(dt.timedelta(hours=7), "WIB")

#: Central and Eastern Indonesia Time.
WITA = dt.timezone(dt.timedelta(hours=8), "WITA")
WIT = dt.timezone(dt.timedelta(hours=9), "WIT")
#: Province codes (Kemendagri) on WITA and WIT; every other province keeps WIB.
_WITA = frozenset({"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"})
_WIT = frozenset({"81", "82", "91", "92", "93", "94", "95", "96", "97"})


def zone_of(province_code: str) -> dt.timezone:
    """The wall clock of a province: what its documents write times in ("07.00 WITA")."""
    if province_code in _WIT:
        return WIT
    return WITA if province_code in _WITA else WIB
