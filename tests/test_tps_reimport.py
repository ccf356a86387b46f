"""Re-imports over a live plan (issue 16, item 7): a KPU list that drops 2 TPS and adds 3 is
imported over a plan in force. The import goes through (all or nothing, as ever) and warns,
naming each post that lost TPS and each new TPS without a post by kecamatan and desa; the audit
entry counts them; the next ``plan update`` drops the 2, places the 3, and moves no officer
but those of the post that is gone.

The province is ``small_plan``'s, with four TPS in each of its four desa and enough guards for
the real planner (the hand-made plan of that module is not used: ``plan update`` needs a plan
the planner made). Plan 1 is planned; plan 2 makes TPS 003 Desa Selam Paung sangat rawan, a
post of its own (and a class override stored with the plan); the new list then drops that TPS
and TPS 002 Desa Pasar Atas, and adds TPS 005 in Selam Paung, Seleman and Pasar Atas."""

from __future__ import annotations

import csv
import dataclasses
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import fresh_database_url
from pollguard.cli.main import app
from pollguard.domain.forces import Branch, Officer, Rank
from pollguard.domain.plan import Plan
from pollguard.domain.risk import RiskClass
from pollguard.domain.tps import PollingStation, tps_id_for
from pollguard.planning.posts import Group
from pollguard.scenario.folder import write_scenario
from pollguard.services import audit, planning
from pollguard.services.snapshot import Snapshots
from pollguard.store import plans
from pollguard.store.database import Database, open_database
from pollguard.store.uow import UnitOfWork
from small_plan import A1X, A1Y, A2X, B1X, KERINCI, MERANGIN, SCENARIO

runner = CliRunner()
POINTS = {A1X: (-2.060, 101.300), A1Y: (-2.030, 101.280), A2X: (-2.100, 101.500),
          B1X: (-2.080, 102.270)}


def _tps(desa: str, number: int, lat: float, lon: float) -> PollingStation:
    return PollingStation(tps_id_for(desa, number), desa, number, 250, lat, lon)


BEFORE = tuple(_tps(d, n, lat + 0.002 * n, lon + 0.002 * n)
               for d, (lat, lon) in POINTS.items() for n in range(1, 5))
MADE_SANGAT_RAWAN = tps_id_for(A1X, 3)
GONE = (MADE_SANGAT_RAWAN, tps_id_for(B1X, 2))
NEW = (_tps(A1X, 5, -2.070, 101.310), _tps(A2X, 5, -2.090, 101.510),
       _tps(B1X, 5, -2.070, 102.280))
AFTER = tuple(t for t in BEFORE if t.tps_id not in GONE) + NEW
UNITS = (KERINCI, "polsek.15.01.01", "polsek.15.01.02", MERANGIN, "polsek.15.02.01", "polda.15")
GUARDS = tuple(Officer(f"8{i:07d}", f"Anggota {i}",
                       (Rank.BRIPDA, Rank.BRIPTU, Rank.BRIGPOL, Rank.BRIPKA)[i % 4],
                       Branch.SAMAPTA, UNITS[i % 6], UNITS[i % 6]) for i in range(30))


def kpu_list(path: Path, stations: tuple[PollingStation, ...]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["tps_id", "tps_no", "desa_code", "voters", "lat", "lon"])
        for t in stations:
            out.writerow([t.tps_id, t.number, t.desa_code, t.voters, t.lat, t.lon])
    return path


@dataclass(frozen=True)
class Flow:
    db: Database
    same_list: str  # `import tps` of the loaded list before any plan
    imported: str  # `import tps` of the new list over plan 2
    updated: str  # `plan update` after it: plan 3
    snapshot_tps: tuple[int, int]  # TPS a running server's cached map saw, before and after


@pytest.fixture(scope="module")
def flow(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flow]:
    folder = tmp_path_factory.mktemp("reimport")
    write_scenario(dataclasses.replace(SCENARIO, tps=BEFORE,
                                       officers=SCENARIO.officers + GUARDS), folder / "kecil")
    with fresh_database_url(folder) as url:
        def cli(*args: str) -> str:
            result = runner.invoke(app, ["--db", url, *args], env={"COLUMNS": "200"})
            assert result.exit_code == 0, result.output
            return result.output

        cli("scenario", "load", str(folder / "kecil"))
        same = cli("import", "tps", str(kpu_list(folder / "same.csv", BEFORE)))
        cli("risk", "assess")
        cli("plan", "run")
        cli("plan", "update", "--set-class", f"{MADE_SANGAT_RAWAN}=sangat_rawan")
        database = open_database(url)
        cache = Snapshots(database)  # as the server holds it: the import must invalidate it
        seen = len(cache.get().scenario.tps)
        imported = cli("import", "tps", str(kpu_list(folder / "kpu.csv", AFTER)))
        seen_after = len(cache.get().scenario.tps)
        updated = cli("plan", "update")
        yield Flow(database, same, imported, updated, (seen, seen_after))
        database.dispose()


def test_a_running_server_sees_the_imported_list(flow: Flow) -> None:
    """An import moves the scenario's ``loaded_at``, so the server's cached snapshot (its
    map, its live board) is read again rather than showing the old list until a restart."""
    assert flow.snapshot_tps == (16, 17)


def _plan(db: Database, plan_id: int) -> Plan:
    with UnitOfWork(db) as uow:
        found = plans.load(uow.session, plan_id)
    assert found is not None
    return found


def test_importing_without_a_plan_says_nothing_of_plans(flow: Flow) -> None:
    assert "imported 16 TPS" in flow.same_list
    assert "rencana" not in flow.same_list


def test_importing_over_the_plan_in_force_warns_by_post_and_desa(flow: Flow) -> None:
    out = " ".join(flow.imported.split())
    assert "imported 17 TPS in 4 desa of 2 kab/kota (replacing 16)" in out
    assert ("peringatan: rencana berlaku #2 tidak sesuai lagi dengan daftar TPS: 2 TPS "
            "terhapus dari 2 pos, 3 TPS baru belum berpos") in out
    # A post by its TPS (its id only for the annex lookup).
    assert ("Pos TPS 003 Desa Selam Paung (15.01.01-SR-001; Kec. Gunung Raya, Polres Kerinci) "
            "kehilangan TPS 003 Desa Selam Paung; tidak menjaga TPS lagi") in out
    assert ("Pos TPS 001, 002, 003, 004 Desa Pasar Atas (15.02.01-KRA-001; Kec. Bangko, "
            "Polres Merangin) kehilangan TPS 002 Desa Pasar Atas; tetap menjaga TPS 001, 003, "
            "004 Desa Pasar Atas") in out
    for where, desa in (("Kec. Gunung Raya, Polres Kerinci", "Desa Selam Paung"),
                        ("Kec. Danau Kerinci, Polres Kerinci", "Desa Seleman"),
                        ("Kec. Bangko, Polres Merangin", "Desa Pasar Atas")):
        assert f"TPS baru tanpa pos di {where}: TPS 005 {desa}" in out
    assert "pollguard plan update" in out
    assert not any(t in out for t in GONE)  # TPS by name, not by id


def test_the_audit_entries_count_what_the_list_did_to_the_plan(flow: Flow) -> None:
    def details(prefix: str) -> list[dict[str, object]]:
        return [json.loads(e.detail) for e in audit.recent(db=flow.db, action_prefix=prefix)[0]]

    first, over_plan = reversed(details("import.tps"))
    assert "plan_in_force" not in first
    assert over_plan["plan_in_force"] == {"plan": 2, "posts_losing_tps": 2, "tps_removed": 2,
                                          "tps_without_post": 3}
    update, set_class = details("plan.update")
    assert "tps_list" not in set_class
    assert update["tps_list"] == {"posts_losing_tps": 2, "tps_removed": 2,
                                  "tps_without_post": 3, "tps_placed": 3}


def test_plan_update_places_the_new_tps_and_moves_nobody_needlessly(flow: Flow) -> None:
    before, after = _plan(flow.db, 2), _plan(flow.db, 3)
    guarded = {t for p in after.posts for t in p.tps_ids}
    assert guarded == {t.tps_id for t in AFTER} and not after.uncovered
    # Every post keeps its id and its TPS that are still listed; the new TPS joined posts
    # with room near them; only the sangat rawan post of the dropped TPS is gone.
    old = {p.post_id: set(p.tps_ids) - set(GONE) for p in before.posts}
    new = {p.post_id: set(p.tps_ids) for p in after.posts}
    assert set(old) - set(new) == {"15.01.01-SR-001"} and set(new) <= set(old)
    assert all(old[pid] <= tps for pid, tps in new.items())
    assert {t for pid, tps in new.items() for t in tps - old[pid]} == {t.tps_id for t in NEW}
    # The only officers who move are the two of that post, back to the reserve, and why.
    moved = planning.compare(db=flow.db, before=2, after=3)
    sr = {a.nrp for a in before.assignments if a.target_id == "15.01.01-SR-001"}
    assert {m.nrp for m in moved} == sr and len(sr) == 2
    assert all(m.reason_id == "pos 15.01.01-SR-001 tidak ada lagi (TPS-nya terhapus dari "
               "daftar TPS)" for m in moved)
    # The class override of the dropped TPS went with it; the update says what it did.
    with UnitOfWork(flow.db) as uow:
        info = plans.info(uow.session, 3)
    assert info is not None and MADE_SANGAT_RAWAN not in info.classes
    out = " ".join(flow.updated.split())
    assert "2 TPS terhapus dilepas dari 2 pos, 3 dari 3 TPS baru ditempatkan" in out
    assert "2 officers move:" in out
    # ... by name, from which post to where (as ``plan diff`` words them), not by codes.
    moves = flow.updated.split("officers move:")[1]
    assert moves.count("(NRP ") == 2 and moves.count("Pam TPS pos 15.01.01-SR-001") == 2
    assert not any(f"{nrp}:" in moves for nrp in sr)


def test_a_group_kept_as_it_was_forms_the_same_posts() -> None:
    """``Group.kept`` over the same TPS gives exactly the posts of the rule itself (a re-plan
    whose TPS did not change changes no post); a new TPS joins the nearest post with room,
    and one out of reach of every post forms a post of its own, numbered after them."""
    tps = tuple(_tps(A1X, n, -2.06 + 0.01 * n, 101.30 + 0.01 * (n % 3)) for n in range(1, 9))

    def group(members: tuple[PollingStation, ...],
              kept: tuple[tuple[int, tuple[str, ...]], ...] = ()) -> Group:
        return Group("polres.15.01/15.01.01/kurang_rawan/b", KERINCI, "15.01.01",
                     RiskClass.KURANG_RAWAN, members, 2.0, kept=kept, kept_capacity=3)

    fresh = group(tps)
    formed = [tuple(sorted(tps[m].tps_id for m in members)) for members in fresh.form(3)]
    kept = tuple(enumerate(formed, start=1))
    same = group(tps, kept)
    assert same.form(3) == fresh.form(3) and same.numbers(3) == fresh.numbers(3)
    near = _tps(A1X, 9, tps[0].lat + 0.001, tps[0].lon)
    far = _tps(A1X, 10, -2.5, 101.9)
    grown = group((*tps[1:], near, far), kept)  # TPS 001 gone, 009 near it, 010 far away
    posts = {n: {grown.tps[m].tps_id for m in members}
             for n, members in zip(grown.numbers(3), grown.form(3), strict=True)}
    for number, ids in kept:  # every kept post keeps its number and its TPS still there
        if set(ids) - {tps[0].tps_id}:
            assert set(ids) - {tps[0].tps_id} <= posts[number]
    assert posts[len(formed) + 1] == {far.tps_id}  # out of reach: a post of its own, after
    (joined,) = [n for n, members in posts.items() if near.tps_id in members]
    assert joined <= len(formed)  # within reach: a kept post with room


def test_a_roster_too_small_for_the_minimums_says_what_to_do(tmp_path: Path) -> None:
    """The same province with only its hand-made officers: the duties' minimums cannot all be
    met, and ``plan run`` stops with the numbers and the way out, in Bahasa Indonesia first
    (a new operation's first plan meets this when its roster is still partial)."""
    write_scenario(dataclasses.replace(SCENARIO, tps=BEFORE), tmp_path / "kecil")
    with fresh_database_url(tmp_path) as url:
        for args in (("scenario", "load", str(tmp_path / "kecil")), ("risk", "assess")):
            assert runner.invoke(app, ["--db", url, *args]).exit_code == 0
        result = runner.invoke(app, ["--db", url, "plan", "run"], env={"COLUMNS": "300"})
    out = " ".join(result.output.split())
    assert result.exit_code != 0
    assert "personel Polri tidak cukup" in out and "tersedia" in out, out
    assert "pollguard import roster FILE" in out and "Traceback" not in out
