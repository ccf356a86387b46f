"""The operation's clock: the one time zone reports, days and the Posko's times are read in.

Every stored time is UTC; a person reads it on the Posko's wall clock. PollGuard has one zone
for now, WIB (UTC+7: Sumatra, Java, West and Central Kalimantan), which is Jambi's; the
provinces on WITA (UTC+8) and WIT (UTC+9) need the per-province zones a later change brings.
Everything that turns a time into a local time or a local day reads ``WIB`` from here."""

from __future__ import annotations

import datetime as dt

#: Western Indonesia Time: the reporting clock of a Sumatran or Javan Posko.
WIB = dt.timezone(dt.timedelta(hours=7), "WIB")
