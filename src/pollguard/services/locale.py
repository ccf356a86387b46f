"""The operation's own words, for whatever shows it to people: the Posko's clock (WIB, WITA or
WIT, the scenario's zone) and what the province calls a kecamatan (Papua: distrik). The pages
carry it in their ``<body>`` and the command line's tables write their times with it, so every
time reads "14.05 WITA" on the Posko's wall clock, not on the clock of the laptop showing it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pollguard.domain.regions import KECAMATAN_NAMES, LevelNames
from pollguard.domain.timezone import WIB, iana_name, zone_name
from pollguard.store import repository as repo
from pollguard.store.database import Database
from pollguard.store.uow import UnitOfWork


@dataclass(frozen=True)
class OperationLocale:
    """The clock and the level names of the loaded operation (WIB and kecamatan before any
    scenario is loaded: nothing is shown then that needs either)."""

    zone: dt.timezone = WIB
    levels: LevelNames = KECAMATAN_NAMES

    @property
    def zone_name(self) -> str:
        """"WIB", "WITA" or "WIT"."""
        return zone_name(self.zone)

    @property
    def iana(self) -> str:
        """The zone's IANA name, for the browser's ``Intl`` ("Asia/Makassar")."""
        return iana_name(self.zone)


def operation_locale(*, db: Database) -> OperationLocale:
    """The loaded scenario's clock and level names (one small read of its header)."""
    with UnitOfWork(db) as uow:
        info = repo.current_info(uow.session)
    return OperationLocale(info.zone, info.levels) if info else OperationLocale()
