"""Times are stored in UTC: SQLite keeps no zone, so an aware time in WIB saved as given was
read back as if its wall clock were UTC (seven hours late). Incidents, their steps and the
dispatch steps are saved in another zone and must come back as the same instants."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from pollguard.domain.command import Level
from pollguard.operations.incidents import Incident, Status, Step
from pollguard.operations.reinforcement import Dispatch, UnitKind, UnitStatus, UnitStep
from pollguard.store import incidents as store
from pollguard.store.database import Database
from pollguard.store.tables import TpsRecord
from pollguard.store.uow import UnitOfWork

WIB = dt.timezone(dt.timedelta(hours=7), "WIB")


def test_aware_times_in_another_zone_read_back_as_the_same_instant(loaded_db: Database
                                                                    ) -> None:
    at = dt.datetime(2029, 2, 14, 9, 30, tzinfo=WIB)  # 02:30 UTC
    later = at + dt.timedelta(minutes=12)
    with UnitOfWork(loaded_db) as uow:
        tps_id = uow.session.scalars(select(TpsRecord.tps_id).limit(1)).one()
        inc = Incident(id="utc-1", tps_id=tps_id, kind="intimidation", severity=2,
                       reported_by="1", reported_at=at, text="", status=Status.REPORTED,
                       level=Level.POLSEK, level_since=at,
                       history=(Step(Status.REPORTED, "1", at),))
        store.save_incident(uow.session, inc, polres_code="x", verified=False)
        store.save_dispatch(uow.session, Dispatch(
            "utc-1/1", "utc-1", "team-1", UnitKind.TEAM, 5, UnitStatus.ON_SCENE,
            (UnitStep(UnitStatus.DISPATCHED, "op", at), UnitStep(UnitStatus.ON_SCENE, "op",
                                                                 later))))
    with UnitOfWork(loaded_db) as uow:
        found = store.get_incident(uow.session, "utc-1")
        sent = store.dispatches(uow.session, dispatch_id="utc-1/1")
    assert found is not None
    got = found[0]
    assert got.reported_at == at and got.level_since == at and got.history[0].at == at
    assert [s.at for s in sent[0].history] == [at, later]
    assert got.reported_at.utcoffset() == dt.timedelta(0)  # read back in UTC
