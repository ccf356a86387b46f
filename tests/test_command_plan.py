"""The plan a commander signs (issue 14): roles by rank, Pawas over every post, formed reserve
units, no idle officer while a TPS is unguarded, per-TPS guards, re-vote plans, reserves that
follow the plan."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import Counter, defaultdict
from dataclasses import replace

import pytest
from typer.testing import CliRunner

from pollguard.cli.main import app
from pollguard.domain.command import POOL
from pollguard.domain.forces import Rank, UnitKind
from pollguard.domain.plan import Plan, Role
from pollguard.domain.risk import RiskClass
from pollguard.planning.duties import duties as fixed_duties
from pollguard.planning.geometry import km
from pollguard.planning.inputs import PlanInputs
from pollguard.planning.planner import make_plan
from pollguard.planning.roles import assign
from pollguard.profile import ProfileError, load_profile
from pollguard.profile.model import parse_profile
from pollguard.risk.scoring import assess
from pollguard.risk.scoring import inputs_of as risk_inputs
from pollguard.scenario.jambi import build_jambi
from pollguard.services import planning
from pollguard.store.database import Database, open_database

PROFILE = load_profile()


@pytest.fixture(scope="module")
def inputs() -> PlanInputs:
    scenario = build_jambi()
    risks = {r.tps_id: r for r in assess(PROFILE, risk_inputs(scenario,
                                                              scenario.info.voting_date))}
    return PlanInputs(scenario, risks, PROFILE.planning, scenario.races)


@pytest.fixture(scope="module")
def plan(inputs: PlanInputs) -> Plan:
    return make_plan(inputs)


def test_commanders_and_staff_are_never_at_a_tps(inputs: PlanInputs, plan: Plan) -> None:
    officer = {o.nrp: o for o in inputs.scenario.officers}
    place = {a.nrp: a for a in plan.assignments}
    # Every officer the roster names a commander (Kapolda, Kapolres, Wakapolres, Kabag Ops,
    # Kapolsek, Satker heads) commands; in a unit naming none, its highest perwira does.
    titled = ("Kapol", "Wakapol", "Kabag", "Dansat", "Dir")
    for o in inputs.scenario.officers:
        if o.position.startswith(titled):
            assert place[o.nrp].role == Role.COMMAND, o
    for u in inputs.scenario.units:
        if u.kind not in (UnitKind.POLRES, UnitKind.POLDA, UnitKind.SATKER, UnitKind.POLSEK):
            continue
        people = [o for o in inputs.scenario.officers if o.unit_code == u.code]
        if not people or any(o.position.startswith(titled) for o in people):
            continue
        head = max(people, key=lambda o: (int(o.rank), o.nrp))
        if head.rank.is_perwira:
            assert place[head.nrp].role == Role.COMMAND, (u.name, head)
    at_tps = [a for a in plan.assignments if a.role == Role.POST]
    assert not [a for a in at_tps if officer[a.nrp].rank.is_perwira]
    assert {a.nrp for a in at_tps}.isdisjoint(assign(inputs).command_nrps)
    assert plan.metrics is not None
    assert plan.metrics.perwira_at_tps == plan.metrics.command_at_tps == 0
    # Every Kapolsek commands his kecamatan's posts, from his Polsek.
    kapolsek = [a for a in plan.assignments if a.position == "Kasubsatgas Pam TPS"]
    assert len(kapolsek) == sum(1 for u in inputs.scenario.units if u.kind == UnitKind.POLSEK)
    assert all(inputs.units[a.target_id].kind == UnitKind.POLSEK for a in kapolsek)
    kapolres = [a for a in plan.assignments if officer[a.nrp].position.startswith("Kapolres")]
    assert len(kapolres) == len(inputs.polres) and all(a.role == Role.COMMAND for a in kapolres)


def test_no_pair_is_two_perwira_and_pairs_are_senior_with_junior(inputs: PlanInputs,
                                                                   plan: Plan) -> None:
    officer = {o.nrp: o for o in inputs.scenario.officers}
    pairs: dict[tuple[str, int], list[Rank]] = defaultdict(list)
    for a in plan.assignments:
        if a.role in (Role.POST, Role.DUTY):
            pairs[(a.target_id, a.pair)].append(officer[a.nrp].rank)
    assert pairs
    for ranks in pairs.values():
        assert sum(r.is_perwira for r in ranks) <= 1
    # Within a post, the first pair holds its most senior and its most junior officer.
    post = next(p for p in plan.posts if p.officers >= 4) if any(
        p.officers >= 4 for p in plan.posts) else None
    if post is not None:
        ranks = sorted(int(officer[a.nrp].rank) for a in plan.assignments
                       if a.target_id == post.post_id)
        first = sorted(int(officer[a.nrp].rank) for a in plan.assignments
                       if a.target_id == post.post_id and a.pair == 1)
        assert first == [ranks[0], ranks[-1]]


def test_every_post_has_a_pawas_within_the_radius(inputs: PlanInputs, plan: Plan) -> None:
    roles = PROFILE.planning.roles
    of_post = {p: c for c in plan.supervisions for p in c.post_ids}
    assert set(of_post) == {p.post_id for p in plan.posts}
    officer = {o.nrp: o for o in inputs.scenario.officers}
    where = {p.post_id: p for p in plan.posts}
    for c in plan.supervisions:
        assert c.nrp is not None
        assert officer[c.nrp].rank in {Rank.parse(r) for r in roles.supervisor_ranks}
        assert len(c.post_ids) <= roles.pawas_max_posts
        radius = (roles.pawas_radius_km_city if inputs.is_city(c.kecamatan_code)
                  else roles.pawas_radius_km_rural)
        assert all(km(c.lat, c.lon, where[p].lat, where[p].lon) <= radius + 1e-6
                   for p in c.post_ids)
        assert {where[p].kecamatan_code for p in c.post_ids} == {c.kecamatan_code}
        owner = inputs.owner_of(officer[c.nrp])
        assert owner in (c.polres_code, POOL)
    assert plan.metrics is not None and plan.metrics.posts_without_pawas == 0
    pawas = [a for a in plan.assignments if a.role == Role.SUPERVISOR]
    assert len(pawas) == len(plan.supervisions) and {a.position for a in pawas} == {"Pawas"}


def test_reserves_are_formed_units_with_a_perwira_danton_and_a_call_sign(
        inputs: PlanInputs, plan: Plan) -> None:
    officer = {o.nrp: o for o in inputs.scenario.officers}
    assert plan.reserves
    signs = [t.call_sign for t in plan.reserves]
    assert len(set(signs)) == len(signs) and all(signs)
    for t in plan.reserves:
        assert t.leader_nrp is not None and officer[t.leader_nrp].rank.is_perwira
        members = [a for a in plan.assignments if a.target_id == t.team_id]
        assert len(members) == t.size
        assert [a.nrp for a in members if a.position == "Danton"] == [t.leader_nrp]
        branches = Counter(officer[a.nrp].branch.value for a in members
                           if a.nrp != t.leader_nrp)
        if t.kind.value == "brimob":
            assert set(branches) == {"brimob"} and "Brimob" in t.call_sign
        if t.kind.value == "dalmas":
            assert set(branches) == {"samapta"} and "Dalmas" in t.call_sign
    assert not [a for a in plan.assignments if a.target_id.startswith("cadangan")
                and "pool-0" in a.position]


def test_a_bhabinkamtibmas_guards_a_tps_of_his_desa(inputs: PlanInputs, plan: Plan) -> None:
    desa_of = {t.tps_id: t.desa_code for t in inputs.scenario.tps}
    posts = {p.post_id: p for p in plan.posts}
    officer = {o.nrp: o for o in inputs.scenario.officers}
    bhabin = [a for a in plan.assignments if a.role == Role.POST and officer[a.nrp].desa_code]
    assert len(bhabin) > 300
    for a in bhabin:
        if "desa binaan" in a.position:
            assert officer[a.nrp].desa_code in {desa_of[t] for t in posts[a.target_id].tps_ids}
    assert sum("desa binaan" in a.position for a in bhabin) > 300


def _short(inputs: PlanInputs, share: float, seed: int = 4) -> PlanInputs:
    rng = random.Random(seed)
    kept = tuple(sorted(rng.sample(list(inputs.scenario.officers),
                                   k=int(share * len(inputs.scenario.officers))),
                        key=lambda o: o.nrp))
    return PlanInputs(replace(inputs.scenario, officers=kept), inputs.risks, inputs.planning,
                      inputs.races)


def test_no_officer_idles_in_reserve_or_on_duty_while_a_tps_is_unguarded(
        inputs: PlanInputs) -> None:
    """The old planner took the reserve share and the duties' full strength before any TPS;
    that is this profile with floors equal to the targets. On a short force it leaves TPS
    unguarded with officers in reserve above the floor; the new one covers them."""
    short = _short(inputs, 0.62)
    p = short.planning
    old_rule = p.model_copy(update={
        "reserve_floor_share": p.reserve_share,
        "duty_minimums": p.duty_minimums.model_validate(p.duties.model_dump())})
    old = make_plan(replace(short, planning=old_rule, memo={}))
    new = make_plan(replace(short, memo={}))
    assert old.metrics is not None and new.metrics is not None
    assert old.metrics.uncovered_tps > 0
    floor_total = sum(round(len(g) * p.reserve_floor_share)
                      for g in assign(short).guards.values())
    assert old.metrics.officers_in_reserve > floor_total + 50
    assert new.metrics.uncovered_tps < old.metrics.uncovered_tps
    if new.metrics.uncovered_tps == 0:
        return
    # Still short: the reserve is at its floor, every duty at its minimum, the pool empty.
    members = sum(1 for a in new.assignments if a.role == Role.RESERVE and a.position != "Danton")
    assert members <= floor_total + len(new.reserves)
    assert all(d.officers == d.minimum for d in new.duties)
    assert [s.what for s in new.shortfalls][-1] == "uncovered"
    assert sum(s.bko for s in new.shortfalls if s.what == "uncovered") == sum(
        new.bko_needed.values())


def test_a_short_force_covers_what_the_old_rule_left_unguarded(inputs: PlanInputs) -> None:
    short = _short(inputs, 0.70)
    p = short.planning
    old_rule = p.model_copy(update={
        "reserve_floor_share": p.reserve_share,
        "duty_minimums": p.duty_minimums.model_validate(p.duties.model_dump())})
    old = make_plan(replace(short, planning=old_rule, memo={}))
    new = make_plan(replace(short, memo={}))
    assert old.metrics is not None and new.metrics is not None
    assert old.metrics.uncovered_tps > 0 and old.metrics.officers_in_reserve > 0
    assert new.metrics.uncovered_tps == 0
    # What the cover cost is listed in order: reserve cuts before duty cuts.
    order = [s.what for s in new.shortfalls]
    if "reserve" in order and "duty" in order:
        assert max(i for i, w in enumerate(order) if w == "reserve") < min(
            i for i, w in enumerate(order) if w == "duty")


def test_a_tps_may_take_any_guard_and_equipment(inputs: PlanInputs) -> None:
    tps = next(t for t in inputs.scenario.tps if inputs.class_of(t.tps_id)
               == RiskClass.KURANG_RAWAN)
    plan = make_plan(replace(inputs, guards={tps.tps_id: (15, (("cctv", 2), ("radio", 4)))},
                             memo={}))
    post = next(p for p in plan.posts if tps.tps_id in p.tps_ids)
    assert post.tps_ids == (tps.tps_id,) and post.officers == 15
    assert dict(post.equipment) == {"cctv": 2, "radio": 4}
    pairs = Counter(a.pair for a in plan.assignments if a.target_id == post.post_id)
    assert sum(pairs.values()) == 15 and max(pairs.values()) == 3  # the odd one joins a pair


def test_profile_errors_name_the_line_of_the_key_in_its_own_table() -> None:
    from importlib import resources
    text = resources.files("pollguard.profile").joinpath(
        "profiles", "id-pilkada-2024.toml").read_text(encoding="utf-8")
    lines = text.splitlines()
    at = lines.index("[planning.patterns.khusus]")
    broken = "\n".join([*lines[:at + 1], "officers = 0", *lines[at + 2:]])
    with pytest.raises(ProfileError) as err:
        parse_profile(broken)
    assert f"line {at + 2}: planning.patterns.khusus.officers" in str(err.value)
    # Any strength is allowed now: 15 for a tense TPS, odd included.
    ok = "\n".join([*lines[:at + 1], "officers = 15", *lines[at + 2:]])
    assert parse_profile(ok).planning.patterns.khusus.officers == 15


def test_p95_reads_na_without_rawan_tps(inputs: PlanInputs) -> None:
    calm = replace(inputs, classes={t.tps_id: RiskClass.KURANG_RAWAN
                                    for t in inputs.scenario.tps}, memo={})
    plan = make_plan(calm)
    assert plan.metrics is not None and plan.metrics.reserve_eta_p95_min is None


# --- services and the command line, on the demo database ----------------------------------


@pytest.fixture
def demo(demo_db_url: str) -> Database:
    return open_database(demo_db_url)


def _run(url: str, *args: str) -> str:
    result = CliRunner().invoke(app, ["--db", url, *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_plan_update_guard_of_15_officers_through_the_cli(demo_db_url: str) -> None:
    db = open_database(demo_db_url)
    listing = planning.listing(db=db)
    from pollguard.services import snapshot
    first = snapshot.Snapshots(db).get().plan
    assert first is not None
    tps_id = next(p.tps_ids[0] for p in first.posts if len(p.tps_ids) > 2)
    out = json.loads(_run(demo_db_url, "plan", "update", "--guard", f"{tps_id}=15",
                          "--equipment", f"{tps_id}=cctv:1,radio:3", "--json"))
    from pollguard.services import snapshot
    snap = snapshot.Snapshots(db).get()
    assert snap.plan is not None
    post = next(p for p in snap.plan.posts if tps_id in p.tps_ids)
    assert post.tps_ids == (tps_id,) and post.officers == 15
    assert dict(post.equipment).items() >= {"cctv": 1, "radio": 3}.items()
    assert out["plan_id"] == listing.current + 1  # type: ignore[operator]
    # The override stays with the plan: a further update keeps it.
    _run(demo_db_url, "plan", "update", "--set-n", "polres.15.02=6", "--json")
    snap = snapshot.Snapshots(db).get()
    assert snap.plan is not None
    assert next(p for p in snap.plan.posts if tps_id in p.tps_ids).officers == 15
    bad = CliRunner().invoke(app, ["--db", demo_db_url, "plan", "update", "--guard",
                                   f"{tps_id}=150"])
    assert bad.exit_code != 0 and "1-100" in bad.output


def test_plan_update_restages_reserves_when_targets_change(demo: Database) -> None:
    before = planning.listing(db=demo).current
    assert before is not None
    from pollguard.services import snapshot
    old = snapshot.Snapshots(demo).get().plan
    assert old is not None
    calm = [t for p in old.posts if p.risk_class == RiskClass.KURANG_RAWAN
            for t in p.tps_ids][:60]
    hot = {t: RiskClass.SANGAT_RAWAN for t in calm}
    outcome = planning.replan(db=demo, changes=planning.PlanChanges(classes=hot))
    assert outcome.restaged and outcome.p95_before == old.metrics.reserve_eta_p95_min  # type: ignore[union-attr]
    assert outcome.as_json()["reserve_eta_p95_min_before"] == outcome.p95_before
    assert {t.staging_code for t in outcome.plan.reserves} != {
        t.staging_code for t in old.reserves}
    staged: dict[str, set[str]] = defaultdict(set)
    for t in outcome.plan.reserves:
        staged[t.owner_code].add(t.staging_code)
    kept = planning.replan(db=demo, changes=planning.PlanChanges(
        classes={t: RiskClass.KURANG_RAWAN for t in calm}, keep_staging=True))
    assert not kept.restaged
    assert all(t.staging_code in staged[t.owner_code] for t in kept.plan.reserves)
    # A class change that touches no rawan TPS keeps the staging without the flag.
    same = planning.replan(db=demo, changes=planning.PlanChanges(n_by_polres={
        "polres.15.02": 6}))
    assert not same.restaged


def test_a_psu_for_21_tps_leaves_the_plan_in_force_unchanged(demo_db_url: str) -> None:
    db = open_database(demo_db_url)
    from pollguard.services import snapshot
    in_force = planning.listing(db=db).current
    before = snapshot.Snapshots(db).get().plan
    assert before is not None
    bungo = sorted(t for p in before.posts if p.polres_code == "polres.15.08"
                   for t in p.tps_ids)[:21]
    out = json.loads(_run(demo_db_url, "plan", "psu", "--tps", ",".join(bungo), "--date",
                          "2025-04-19", "--officers-per-tps", "15", "--escort", "10",
                          "--from", "Polres Bungo", "--json"))
    assert out["kind"] == "psu" and out["posts"] == 21 and out["officers_at_tps"] == 21 * 15
    assert out["officers_on_duties"] == 10
    listing = planning.listing(db=db)
    assert listing.current == in_force
    after = snapshot.Snapshots(db).get().plan
    assert after is not None
    assert after.assignments == before.assignments and after.posts == before.posts
    info, _ = next((i, m) for i, m in listing.versions if i.id == out["plan_id"])
    assert info.kind == "psu" and info.psu_date == dt.date(2025, 4, 19)
    assert info.parent_id == in_force
    psu_snap = snapshot.Snapshots(db).get(out["plan_id"])
    psu = psu_snap.plan
    assert psu is not None
    officer_unit = {o.nrp: o for o in psu_snap.scenario.officers}
    assert {p.tps_ids[0] for p in psu.posts} == set(bungo)
    assert all(p.officers == 15 for p in psu.posts)
    escort = [d for d in psu.duties if d.kind.value == "escort"]
    assert len(escort) == 1 and escort[0].officers == 10
    assert len(psu.reserves) == 1 and psu.reserves[0].leader_nrp
    guards = [a for a in psu.assignments if a.role == Role.POST]
    assert not [a for a in guards if officer_unit[a.nrp].rank.is_perwira]
    assert all(c.nrp for c in psu.supervisions)
    bad = CliRunner().invoke(app, ["--db", demo_db_url, "plan", "psu", "--tps", "999",
                                   "--date", "2025-04-19", "--officers-per-tps", "15"])
    assert bad.exit_code != 0 and "TPS tidak dikenal" in bad.output


def test_a_tight_pattern_gives_back_reserve_then_duties_and_covers_every_tps(
        inputs: PlanInputs) -> None:
    """N at most 4 leaves little to restore: whole posts round some Polres's budgets, and
    the safety net takes officers back from the reserve above its floor, then from the last
    duties restored, rather than leave a TPS unguarded or drop every duty to its minimum."""
    tight = inputs.planning.model_copy(update={"min_n": 3, "max_n": 4})
    plan = make_plan(replace(inputs, planning=tight, memo={}))
    assert plan.metrics is not None and plan.metrics.uncovered_tps == 0
    full = {d.duty_id: d for d in fixed_duties(replace(inputs, planning=tight, memo={}))}
    level = {d.duty_id: d.officers for d in plan.duties}
    assert sum(d.minimum for d in full.values()) < sum(level.values()) < sum(
        d.officers for d in full.values())
    assert all(full[k].minimum <= v <= full[k].officers for k, v in level.items())
    whats = [s.what for s in plan.shortfalls]
    assert "duty" in whats and "reserve" in whats and "uncovered" not in whats
    assert max(i for i, w in enumerate(whats) if w == "reserve") < min(
        i for i, w in enumerate(whats) if w == "duty")
