"""The operation's clock: the time zone reports, days and the Posko's times are read in.

Every stored time is UTC; a person reads it on the Posko's wall clock: WIB (UTC+7: Sumatra,
Java, West and Central Kalimantan, Jambi's), WITA (UTC+8) or WIT (UTC+9), by the province
(``zone_of``) unless the scenario names its own (``ScenarioInfo.zone``). Code that turns a
time into a local time or day takes that zone as an argument; ``WIB`` stays the default
where no scenario is at hand (and for callers written before the zones were per province)."""

from __future__ import annotations

import datetime as dt

#: Western Indonesia Time: the reporting clock of a Sumatran or Javan Posko.
WIB = dt.timezone(dt.timedelta(hours=7), "WIB")

#: Central and Eastern Indonesia Time.
WITA = dt.timezone(dt.timedelta(hours=8), "WITA")
WIT = dt.timezone(dt.timedelta(hours=9), "WIT")
#: The zones by the name a scenario gives them (``[scenario] time_zone``).
ZONES = {"WIB": WIB, "WITA": WITA, "WIT": WIT}
#: Province codes (Kemendagri) on WITA and WIT; every other province keeps WIB.
_WITA = frozenset({"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"})
_WIT = frozenset({"81", "82", "91", "92", "93", "94", "95", "96", "97"})


def zone_of(province_code: str) -> dt.timezone:
    """The wall clock of a province: what its documents write times in ("07.00 WITA")."""
    if province_code in _WIT:
        return WIT
    return WITA if province_code in _WITA else WIB

#: The same zones by their IANA names: what the pages hand the browser's ``Intl`` so that a
#: time reads on the Posko's clock whatever the zone of the laptop showing it.
IANA = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}


def zone_name(zone: dt.timezone) -> str:
    """"WIB", "WITA" or "WIT": what a time on that clock is written with."""
    return zone.tzname(None) or "WIB"


def iana_name(zone: dt.timezone) -> str:
    """The IANA name of one of the three zones ("Asia/Jayapura" for WIT)."""
    return IANA.get(zone_name(zone), IANA["WIB"])


def stamp(t: dt.datetime, zone: dt.timezone, *, seconds: bool = False) -> str:
    """``2024-11-27 08:05 WITA``: a stored time (UTC; a naive one is UTC too) on the
    operation's clock, with its zone, as the command line's tables write one."""
    local = (t if t.tzinfo else t.replace(tzinfo=dt.UTC)).astimezone(zone)
    return f"{local:%Y-%m-%d %H:%M{':%S' if seconds else ''}} {zone_name(zone)}"
