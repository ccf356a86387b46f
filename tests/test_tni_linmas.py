"""TNI placed (static posts at sangat rawan TPS, a mobile team per kecamatan) and counted per
Kodim; Linmas checked per desa against the posts that need them."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import replace

import pytest

from pollguard.domain.forces import CommandUnit, ForceCount, UnitKind
from pollguard.domain.plan import LinmasShortfall, Post, TniPost
from pollguard.domain.regions import Region, RegionKind, RegionLevel, ancestor_at
from pollguard.domain.risk import RiskClass
from pollguard.domain.scenario import Scenario, ScenarioInfo
from pollguard.domain.tps import Election, PollingStation, tps_id_for
from pollguard.planning import linmas, tni
from pollguard.planning.inputs import PlanInputs
from pollguard.profile import load_profile
from pollguard.risk.scoring import assess
from pollguard.risk.scoring import inputs_of as risk_inputs
from pollguard.scenario.jambi import build_jambi

PROFILE = load_profile()
RULE = PROFILE.planning.tni


@pytest.fixture(scope="module")
def jambi() -> PlanInputs:
    scenario = build_jambi()
    risks = {r.tps_id: r for r in assess(PROFILE, risk_inputs(scenario,
                                                              scenario.info.voting_date))}
    return PlanInputs(scenario, risks, PROFILE.planning, scenario.races)


# --- a small hand-built province: two kab, three kecamatan (one without a Polsek) ----------

KAB_A, KAB_B = "15.01", "15.02"
KEC_A1, KEC_A2, KEC_B1 = "15.01.01", "15.01.02", "15.02.01"
DESA_A1X, DESA_A1Y, DESA_A2X, DESA_B1X = ("15.01.01.2001", "15.01.01.2002", "15.01.02.2001",
                                          "15.02.01.2001")


def _tps(desa: str, number: int, lat: float, lon: float) -> PollingStation:
    return PollingStation(tps_id_for(desa, number), desa, number, 300, lat, lon)


TPS = (
    _tps(DESA_A1X, 1, -1.60, 103.60), _tps(DESA_A1X, 2, -1.61, 103.61),
    _tps(DESA_A1X, 3, -1.62, 103.62), _tps(DESA_A1Y, 1, -1.65, 103.65),
    _tps(DESA_A2X, 1, -1.80, 103.80), _tps(DESA_B1X, 1, -2.10, 102.10),
)
SANGAT = (TPS[0].tps_id, TPS[3].tps_id, TPS[4].tps_id)  # two in Kodim A's kecamatan A1, one A2


def small(kodim_a: int = 3, kodim_b: int = 100, korem: int = 0,
          linmas_rows: tuple[ForceCount, ...] = ()) -> PlanInputs:
    regions = (
        Region("15", "Jambi", RegionKind.PROVINSI, -1.6, 103.6),
        Region(KAB_A, "Kab. A", RegionKind.KABUPATEN, -1.6, 103.6),
        Region(KAB_B, "Kab. B", RegionKind.KABUPATEN, -2.1, 102.1),
        Region(KEC_A1, "Kec. A1", RegionKind.KECAMATAN, -1.62, 103.62),
        Region(KEC_A2, "Kec. A2", RegionKind.KECAMATAN, -1.81, 103.81),
        Region(KEC_B1, "Kec. B1", RegionKind.KECAMATAN, -2.1, 102.1),
        Region(DESA_A1X, "Desa A1X", RegionKind.DESA, -1.6, 103.6),
        Region(DESA_A1Y, "Desa A1Y", RegionKind.DESA, -1.65, 103.65),
        Region(DESA_A2X, "Desa A2X", RegionKind.DESA, -1.8, 103.8),
        Region(DESA_B1X, "Desa B1X", RegionKind.DESA, -2.1, 102.1),
    )
    units = (
        CommandUnit("polda.15", "Polda Jambi", UnitKind.POLDA, None, -1.6, 103.6, ("15",)),
        CommandUnit("polres.15.01", "Polres A", UnitKind.POLRES, "polda.15", -1.6, 103.6,
                    (KAB_A,)),
        CommandUnit("polres.15.02", "Polres B", UnitKind.POLRES, "polda.15", -2.1, 102.1,
                    (KAB_B,)),
        # The Polsek HQ is not on its kecamatan's point: the team must stand at the HQ.
        CommandUnit(f"polsek.{KEC_A1}", "Polsek A1", UnitKind.POLSEK, "polres.15.01",
                    -1.631, 103.633, (KEC_A1,)),
        CommandUnit(f"polsek.{KEC_B1}", "Polsek B1", UnitKind.POLSEK, "polres.15.02",
                    -2.111, 102.122, (KEC_B1,)),
        CommandUnit("korem.042", "Korem 042", UnitKind.KOREM, None, -1.6, 103.6, ("15",)),
        CommandUnit("kodim.a", "Kodim A", UnitKind.KODIM, "korem.042", -1.6, 103.6, (KAB_A,)),
        CommandUnit("kodim.b", "Kodim B", UnitKind.KODIM, "korem.042", -2.1, 102.1, (KAB_B,)),
    )
    tni_rows = (ForceCount("korem.042", korem), ForceCount("kodim.a", kodim_a),
                ForceCount("kodim.b", kodim_b))
    info = ScenarioInfo("kecil", Election.PILKADA, "15", dt.date(2024, 11, 27))
    scenario = Scenario(info, regions, TPS, units, (), tni_rows, linmas_rows)
    return PlanInputs(scenario, {}, PROFILE.planning,
                      classes={t: RiskClass.SANGAT_RAWAN for t in SANGAT})


# --- TNI: placed --------------------------------------------------------------------------


def _kodim_holding(inputs: PlanInputs, kab: str) -> str:
    return next(u.code for u in inputs.scenario.units
                if u.kind == UnitKind.KODIM and kab in u.jurisdiction)


def test_every_sangat_rawan_tps_has_a_static_post_at_it_with_its_kodim(jambi: PlanInputs
                                                                      ) -> None:
    posts = tni.place(jambi)
    static = {p.target: p for p in posts if p.kind == "static"}
    sangat = [t for t in jambi.scenario.tps if jambi.class_of(t.tps_id) == RiskClass.SANGAT_RAWAN]
    assert sangat, "the Jambi scenario should hold sangat rawan TPS"
    assert set(static) == {t.tps_id for t in sangat}  # every one, and nothing else
    for t in sangat:
        post = static[t.tps_id]
        assert post.post_id == f"TNI-S-{t.tps_id}"
        assert (post.lat, post.lon) == (t.lat, t.lon)
        assert post.soldiers == RULE.static_per_sangat_rawan
        assert post.kodim_code == _kodim_holding(jambi, ancestor_at(t.desa_code,
                                                                    RegionLevel.KABKOTA))


def test_one_mobile_team_per_kecamatan_at_its_polsek(jambi: PlanInputs) -> None:
    posts = tni.place(jambi)
    mobile = [p for p in posts if p.kind == "mobile"]
    kecamatan = {r.code for r in jambi.scenario.regions_at(RegionLevel.KECAMATAN)}
    assert sorted(p.target for p in mobile) == sorted(kecamatan)  # one each, none twice
    for p in mobile:
        polsek = jambi.polsek_of_kec[p.target]
        assert p.post_id == f"TNI-M-{p.target}"
        assert (p.lat, p.lon) == (polsek.hq_lat, polsek.hq_lon)
        assert p.soldiers == RULE.mobile_team_size
        assert p.kodim_code == _kodim_holding(jambi, ancestor_at(p.target, RegionLevel.KABKOTA))
    assert tni.place(jambi) == posts  # the same order every run
    assert len({p.post_id for p in posts}) == len(posts)


def test_allocation_adds_up_the_placed_posts(jambi: PlanInputs) -> None:
    posts = tni.place(jambi)
    per: dict[str, list[TniPost]] = defaultdict(list)
    for p in posts:
        per[p.kodim_code].append(p)
    rows = tni.allocate(jambi)
    assert rows == tni.allocate(jambi, posts)
    for row in rows[:-1]:
        mine = per[row.unit_code]
        assert row.static == sum(p.soldiers for p in mine if p.kind == "static")
        assert row.mobile_teams == sum(1 for p in mine if p.kind == "mobile")
        assert row.mobile == sum(p.soldiers for p in mine if p.kind == "mobile")
        assert row.short == max(0, row.static + row.mobile - row.available)
    total = rows[-1]
    assert total.unit_code == "total"
    assert total.static + total.mobile == sum(p.soldiers for p in posts)
    assert total.available == sum(c.personnel for c in jambi.scenario.tni)


def test_small_posts_stand_at_the_polsek_or_the_kecamatan_point() -> None:
    inputs = small()
    posts = tni.place(inputs)
    assert [p.post_id for p in posts] == (
        [f"TNI-S-{t}" for t in sorted(SANGAT)] + [f"TNI-M-{k}" for k in (KEC_A1, KEC_A2, KEC_B1)])
    by_id = {p.post_id: p for p in posts}
    assert (by_id[f"TNI-M-{KEC_A1}"].lat, by_id[f"TNI-M-{KEC_A1}"].lon) == (-1.631, 103.633)
    # Kecamatan A2 has no Polsek: its team waits at the kecamatan's own point.
    assert (by_id[f"TNI-M-{KEC_A2}"].lat, by_id[f"TNI-M-{KEC_A2}"].lon) == (-1.81, 103.81)
    assert {p.post_id: p.kodim_code for p in posts} == {
        **{f"TNI-S-{t}": "kodim.a" for t in SANGAT}, f"TNI-M-{KEC_A1}": "kodim.a",
        f"TNI-M-{KEC_A2}": "kodim.a", f"TNI-M-{KEC_B1}": "kodim.b"}


def test_a_kodim_with_too_few_soldiers_is_short_and_the_korem_makes_it_up() -> None:
    # Kodim A: 3 sangat rawan TPS x 2 + 2 kecamatan x 4 = 14 soldiers needed, 3 held.
    need_a = 3 * RULE.static_per_sangat_rawan + 2 * RULE.mobile_team_size
    need_b = RULE.mobile_team_size
    rows = {r.unit_code: r for r in tni.allocate(small(kodim_a=3, kodim_b=need_b, korem=20))}
    assert (rows["kodim.a"].static + rows["kodim.a"].mobile, rows["kodim.a"].available) == (
        need_a, 3)
    assert rows["kodim.a"].short == need_a - 3
    assert rows["kodim.b"].short == 0
    assert rows["total"].available == 3 + need_b + 20
    assert rows["total"].short == 0  # the Korem's 20 cover Kodim A's 11

    rows = {r.unit_code: r for r in tni.allocate(small(kodim_a=3, kodim_b=need_b, korem=5))}
    assert rows["kodim.a"].short == need_a - 3  # its own shortfall, whatever the Korem holds
    assert rows["total"].short == need_a - 3 - 5  # what the Korem cannot make up


def test_a_kodim_surplus_covers_another_through_the_korem() -> None:
    rows = {r.unit_code: r for r in tni.allocate(small(kodim_a=0, kodim_b=1000, korem=0))}
    assert rows["kodim.a"].short > 0
    assert rows["total"].short == 0


def test_a_zero_size_gives_no_posts() -> None:
    inputs = small()
    planning = PROFILE.planning.model_copy(update={
        "tni": RULE.model_copy(update={"mobile_team_size": 0})})
    posts = tni.place(PlanInputs(inputs.scenario, {}, planning, classes=dict(inputs.classes)))
    assert posts and {p.kind for p in posts} == {"static"}


# --- Linmas: checked ----------------------------------------------------------------------


def _post(post_id: str, cls: RiskClass, tps: tuple[PollingStation, ...]) -> Post:
    per_tps = PROFILE.planning.patterns.of(cls).linmas_per_tps
    kec = ancestor_at(tps[0].desa_code, RegionLevel.KECAMATAN)
    return Post(post_id, "polres.15.01", kec, cls, tuple(t.tps_id for t in tps), tps[0].lat,
                tps[0].lon, 2, per_tps * len(tps), 0.0, len(tps))


def test_a_desa_with_too_few_linmas_is_listed_and_one_with_enough_is_not() -> None:
    per = PROFILE.planning.patterns.kurang_rawan.linmas_per_tps
    assert per > 0
    # One post over three TPS of desa A1X and one of desa A1Y: the Linmas come from each desa.
    posts = (_post("P1", RiskClass.KURANG_RAWAN, (TPS[0], TPS[1], TPS[2], TPS[3])),
             _post("P2", RiskClass.KURANG_RAWAN, (TPS[4],)))
    inputs = small(linmas_rows=(ForceCount(DESA_A1X, 3 * per - 1), ForceCount(DESA_A1Y, per),
                                ForceCount(DESA_A2X, 2 * per)))
    assert linmas.needed_by_desa(inputs, posts) == {DESA_A1X: 3 * per, DESA_A1Y: per,
                                                    DESA_A2X: per}
    short = linmas.check(inputs, posts)
    assert [(s.desa_code, s.needed, s.available) for s in short] == [
        (DESA_A1X, 3 * per, 3 * per - 1)]


def test_a_desa_without_a_linmas_record_has_none_and_the_largest_gap_comes_first() -> None:
    posts = (_post("P1", RiskClass.KURANG_RAWAN, (TPS[0], TPS[1], TPS[2])),
             _post("P2", RiskClass.KURANG_RAWAN, (TPS[5],)))
    per = PROFILE.planning.patterns.kurang_rawan.linmas_per_tps
    inputs = small(linmas_rows=(ForceCount(DESA_A1X, 0),))  # desa B1X has no record at all
    short = linmas.check(inputs, posts)
    assert [(s.desa_code, s.needed, s.available) for s in short] == [
        (DESA_A1X, 3 * per, 0), (DESA_B1X, per, 0)]


def test_linmas_need_follows_the_pattern_of_the_posts_class() -> None:
    patterns = PROFILE.planning.patterns.model_copy(update={
        "sangat_rawan": PROFILE.planning.patterns.sangat_rawan.model_copy(
            update={"linmas_per_tps": 5})})
    planning = PROFILE.planning.model_copy(update={"patterns": patterns})
    base = small(linmas_rows=(ForceCount(DESA_A2X, 4),))
    inputs = PlanInputs(base.scenario, {}, planning)
    posts = (_post("S1", RiskClass.SANGAT_RAWAN, (TPS[4],)),)
    assert linmas.check(inputs, posts)[0] == LinmasShortfall(DESA_A2X, 5, 4)
    assert linmas.check(inputs, (_post("K1", RiskClass.KURANG_RAWAN, (TPS[4],)),)) == ()


def _jambi_posts(inputs: PlanInputs) -> tuple[Post, ...]:
    """Posts over every Jambi TPS, grouped per kecamatan and class in runs of the pattern's
    b (5 for 2-N-2N), so many posts span two desa."""
    posts: list[Post] = []
    for kec, tps in sorted(inputs.tps_by_kecamatan.items()):
        by_class: dict[RiskClass, list[PollingStation]] = defaultdict(list)
        for t in tps:
            by_class[inputs.class_of(t.tps_id)].append(t)
        for cls, members in sorted(by_class.items()):
            b = inputs.planning.patterns.of(cls).tps or 5
            for i in range(0, len(members), b):
                posts.append(_post(f"{kec}/{cls}/{i}", cls, tuple(members[i:i + b])))
    return tuple(posts)


def test_jambi_has_its_two_linmas_per_tps_until_a_desa_loses_some(jambi: PlanInputs) -> None:
    posts = _jambi_posts(jambi)
    assert sum(len(p.tps_ids) for p in posts) == len(jambi.scenario.tps)
    assert linmas.check(jambi, posts) == ()
    desa = jambi.scenario.linmas[0]
    fewer = tuple(replace(c, personnel=1) if c.code == desa.code else c
                  for c in jambi.scenario.linmas)
    cut = PlanInputs(replace(jambi.scenario, linmas=fewer), jambi.risks, jambi.planning)
    needed = linmas.needed_by_desa(jambi, posts)[desa.code]
    assert needed == desa.personnel  # the scenario gives each desa 2 per TPS
    assert linmas.check(cut, posts) == (LinmasShortfall(desa.code, needed, 1),)
