"""The documentation's figures, from the code: the counts and results the docs quote of the
built-in Jambi scenario and its plan, each as a sentence of a doc with its numbers as named
fields (``FIGURES``), blocks of output between ``<!-- figures:NAME -->`` markers
(``blocks``), and the command-line session of docs/planning.md (``doc_sessions``).

``test_doc_figures.py`` computes them from the Jambi plan its session makes and fails, naming
the sentence, when a doc differs; ``python tests/doc_figures.py`` builds the scenario afresh by
that session (as the demo does) and writes the outputs, figures and blocks into the docs. A
sentence here must read in the doc exactly as rendered (line breaks count as spaces); to quote
a new figure, add its sentence and name the value in ``facts``.

What stays hand-written: the what-ifs that need plans of their own (another N range, a
``pool`` surplus, a re-staging, a per-TPS guard, the PSU examples, an empty jabatan column),
the plotting network's internals (hubs, arcs) and the national figures."""

from __future__ import annotations

import json
import re
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if __name__ == "__main__":  # run as a script: the tests' helpers beside it
    sys.path.insert(0, str(REPO / "tests"))

from doc_sessions import Step, check, masked, rewrite, sessions  # noqa: E402
from pollguard.domain.command import POOL  # noqa: E402
from pollguard.domain.forces import UnitKind  # noqa: E402
from pollguard.domain.plan import Plan, Role  # noqa: E402
from pollguard.domain.regions import RegionLevel, ancestor_at  # noqa: E402
from pollguard.domain.risk import RiskClass  # noqa: E402
from pollguard.domain.scenario import Scenario  # noqa: E402
from pollguard.planning.budget import allocate, floors  # noqa: E402
from pollguard.planning.duties import duties as fixed_duties  # noqa: E402
from pollguard.planning.inputs import PlanInputs  # noqa: E402
from pollguard.planning.layout import choose  # noqa: E402
from pollguard.planning.planner import manual_plan  # noqa: E402
from pollguard.planning.roles import assign as assign_roles  # noqa: E402
from pollguard.planning.supervision import PAWAS  # noqa: E402
from pollguard.profile import load_profile  # noqa: E402
from pollguard.store import assessments, plans  # noqa: E402
from pollguard.store import repository as repo  # noqa: E402
from pollguard.store.database import Database  # noqa: E402
from pollguard.store.uow import UnitOfWork  # noqa: E402

DOCS = REPO / "docs"
#: The session of docs/planning.md that the tests run, and the steps they take as given (the
#: scenario built and loaded: the test starts from the loaded Jambi database instead).
SESSION = "jambi"
GIVEN_STEPS = 2
#: Who the session's commands act as (``plan list`` shows it).
SESSION_ENV = {"LOGNAME": "root", "USER": "root"}


def _n(value: float) -> str:
    """``1,686``; ``37.6`` for a fraction."""
    return f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"


def facts(db: Database, plan_id: int = 1) -> dict[str, str]:
    """Every named figure, formatted as the docs write it, from the database's scenario, its
    latest assessment and plan ``plan_id`` (as ``plan run`` made it)."""
    with UnitOfWork(db) as uow:
        scenario = repo.load_scenario(uow.session)
        plan = plans.load(uow.session, plan_id)
        latest = assessments.latest_id(uow.session)
        risks = assessments.results(uow.session, latest) if latest else {}
    assert scenario is not None and plan is not None and plan.metrics is not None
    values = _facts(scenario, plan, risks)
    out = {k: (v if isinstance(v, str) else _n(v)) for k, v in values.items()}
    out |= {f"{k}_raw": str(v) for k, v in values.items() if isinstance(v, int)}
    return out


def _facts(scenario: Scenario, plan: Plan, risks: Mapping[str, Any]) -> dict[str, Any]:
    m = plan.metrics
    assert m is not None
    inputs = PlanInputs.of(scenario, risks, load_profile().planning)
    summary = scenario.summary()
    out: dict[str, Any] = {}
    out |= {"tps": summary.tps, "voters": summary.voters, "polri": summary.polri,
            "tni": summary.tni, "linmas": summary.linmas, "desa": summary.desa,
            "polres": summary.polres, "polsek": summary.polsek, "kabkota": summary.kabkota,
            "kecamatan": summary.kecamatan}
    by_class = Counter(inputs.class_of(t.tps_id) for t in scenario.tps)
    out |= {"sangat_rawan": by_class[RiskClass.SANGAT_RAWAN], "rawan": by_class[RiskClass.RAWAN],
            "kurang_rawan": by_class[RiskClass.KURANG_RAWAN],
            "khusus": by_class[RiskClass.KHUSUS],
            "targets": by_class[RiskClass.SANGAT_RAWAN] + by_class[RiskClass.RAWAN],
            "remote": len(inputs.remote_tps)}
    # The plan's headline figures.
    out |= {"posts": m.posts, "bound": m.posts_lower_bound, "km": round(m.travel_km_total),
            "p95": round(m.reserve_eta_p95_min or 0.0, 1), "at_tps": m.officers_at_tps,
            "uncovered": m.uncovered_tps, "pawas_km": round(m.pawas_max_km, 1)}
    a = plan.assignments
    command = [x for x in a if x.role == Role.COMMAND]
    padal = [x for x in command if x.position.startswith("Perwira Pengendali")]
    pawas = [x for x in a if x.role == Role.SUPERVISOR]
    danton = [x for x in a if x.position == "Danton"]
    members = [x for x in a if x.role == Role.RESERVE and x.position != "Danton"]
    duty = [x for x in a if x.role == Role.DUTY]
    at_post = [x for x in a if x.role == Role.POST]
    out |= {"command_staff": len(command) - len(padal), "command_all": len(command),
            "kapolsek": sum(x.position == "Kasubsatgas Pam TPS" for x in command),
            "staf_posko": sum(x.position == "Staf Posko" for x in command),
            "perwira": len(pawas) + len(danton) + len(padal), "pawas": len(pawas),
            "danton": len(danton), "padal": len(padal),
            "guards": len(at_post) + len(duty) + len(members),
            "duty_officers": len(duty), "reserve_officers": len(members) + len(danton)}
    out |= {"duties_full": sum(d.officers for d in plan.duties),
            "duties_min": sum(d.minimum for d in plan.duties),
            "duties_pool": sum(d.officers for d in plan.duties if d.unit_code == POOL)}
    # BKO: at posts, on duties, Pawas of the pool over Polres clusters.
    out |= {"bko": sum(1 for x in a if x.bko_to), "bko_posts": sum(1 for x in at_post if x.bko_to),
            "bko_duties": sum(1 for x in duty if x.bko_to),
            "bko_pawas": sum(1 for x in pawas if x.bko_to)}
    # Reserve units.
    kinds = Counter(t.kind.value for t in plan.reserves)
    out |= {"teams": len(plan.reserves), "teams_pool": sum(t.owner_code == POOL
                                                           for t in plan.reserves),
            "brimob_teams": kinds["brimob"], "dalmas_teams": kinds["dalmas"],
            "mixed_teams": kinds["gabungan"]}
    dalmas = sorted(t.size for t in plan.reserves if t.kind.value == "dalmas")
    out |= {"dalmas_min": dalmas[0] if dalmas else 0, "dalmas_max": dalmas[-1] if dalmas else 0}
    # Pawas clusters.
    sizes = Counter(len(c.post_ids) for c in plan.supervisions)
    out |= {"clusters": len(plan.supervisions),
            "clusters_full": sizes[inputs.planning.roles.pawas_max_posts],
            "clusters_unled": sum(1 for c in plan.supervisions if not c.nrp)}
    assert all(c.cluster_id.startswith(PAWAS) for c in plan.supervisions)
    # Tiers and N.
    cut = plan.tier_cut
    kr = [t for t in scenario.tps if inputs.class_of(t.tps_id) == RiskClass.KURANG_RAWAN]
    tier_a = sum(1 for t in kr if inputs.score_of(t.tps_id) >= cut.get(inputs.polres_of_tps(t),
                                                                         0.0))
    n = plan.n_by_group.values()
    p = inputs.planning
    out |= {"tier_a": tier_a, "tier_a_share": f"{round(100 * tier_a / len(kr))}%" if kr else "",
            "groups": len(n), "groups_max": sum(v == p.max_n for v in n),
            "groups_min": sum(v == p.min_n for v in n),
            "groups_between": sum(p.min_n < v < p.max_n for v in n)}
    # Bhabinkamtibmas: guards with a desa binaan, and those at a TPS of it.
    officers = {o.nrp: o for o in scenario.officers}
    guard_nrps = {x.nrp for x in (*at_post, *duty, *members)}
    out |= {"bhabin": sum(1 for nrp in guard_nrps if officers[nrp].desa_code),
            "bhabin_home": sum(1 for x in at_post if "Bhabinkamtibmas" in x.position)}
    # The force by owner.
    owners = Counter(inputs.owner_of(o) for o in scenario.officers)
    units = inputs.units
    pool_hq = sum(1 for o in scenario.officers
                  if inputs.owner_of(o) == POOL and units[o.unit_code].kind == UnitKind.POLDA)
    polres_sizes = sorted(v for k, v in owners.items() if k != POOL)
    out |= {"pool_officers": owners[POOL], "pool_hq": pool_hq,
            "pool_satker": owners[POOL] - pool_hq,
            "polres_min": polres_sizes[0], "polres_max": polres_sizes[-1]}
    # Duties: offices, PPK, escorts, walpri pairs.
    kinds_of = Counter(d.kind.value for d in plan.duties)
    out |= {"ppk": kinds_of.get("ppk_office", 0), "escorts": kinds_of.get("escort", 0),
            "walpri": kinds_of.get("walpri", 0)}
    # TNI and Linmas.
    total = next(x for x in plan.tni if x.unit_code == "total")
    out |= {"tni_static_posts": sum(1 for t in plan.tni_posts if t.kind == "static"),
            "tni_static": total.static, "tni_teams": total.mobile_teams,
            "tni_mobile": total.mobile, "tni_available": total.available,
            "linmas_desa": sum(1 for f in scenario.linmas if f.personnel > 0),
            "linmas_short_desa": len(plan.linmas_short)}
    # Regions with TPS.
    out |= {"kecamatan_with_tps": len({ancestor_at(t.desa_code, RegionLevel.KECAMATAN)
                                       for t in scenario.tps})}
    out |= {"bhabin_all": sum(1 for o in scenario.officers if o.desa_code)}
    out |= _budget_facts(inputs)
    # Reserve members beyond the reserve share and the Danton: guards no post or duty needed.
    out["leftover"] = out["reserve_officers"] - out["target"] - out["danton"]
    return out


def _budget_facts(inputs: PlanInputs) -> dict[str, Any]:
    """The budget's steps as section 3 tells them: the floors, every TPS at the loosest
    pattern on them, and what the priorities gave back; and the manual baseline's plan."""
    book = assign_roles(inputs)
    full = fixed_duties(inputs)
    f = floors(inputs, book.guards, full)
    loose = choose(inputs, f.own, f.pool, tighten=False)
    budget = allocate(inputs, book.guards)
    names = {u.code: u.name.removeprefix("Polresta ").removeprefix("Polres ")
             for u in inputs.scenario.units}
    short = sorted(loose.bko, key=lambda c: c)
    pool_full = sum(d.officers for d in full if d.unit_code == POOL)
    pool_min = sum(d.minimum for d in full if d.unit_code == POOL)
    manual = manual_plan(inputs)
    mm = manual.metrics
    assert mm is not None
    return {
        "floor": sum(f.floor.values()), "target": sum(f.target.values()),
        "above_floor": sum(f.target.values()) - sum(f.floor.values()),
        "full_duties": sum(d.officers for d in full),
        "duties_above_min": sum(d.officers for d in full) - sum(d.minimum for d in full),
        "duties_pool_above": pool_full - pool_min,
        "loose_posts": len(loose.posts), "loose_bko": sum(loose.bko.values()),
        "loose_uncovered": len(loose.uncovered),
        "short_polres": _listed([names[c] for c in short]),
        "short_by": _listed([f"{loose.bko[c]:,}" for c in short]),
        "short_count": {1: "one", 2: "two", 3: "three", 4: "four"}.get(len(short),
                                                                       str(len(short))),
        "short_least": min(loose.bko.values(), default=0),
        "short_most": max(loose.bko.values(), default=0),
        "layout_bko": sum(budget.layout.bko.values()),
        "manual_posts": mm.posts, "manual_bound": mm.posts_lower_bound,
        "manual_km": round(mm.travel_km_total), "manual_reserve": mm.officers_in_reserve,
        "manual_p95": round(mm.reserve_eta_p95_min or 0.0, 1),
        "manual_perwira_at_tps": mm.perwira_at_tps,
        "manual_teams": len(manual.reserves)}


def _listed(items: Sequence[str]) -> str:
    """``A, B and C``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


@dataclass(frozen=True)
class Figure:
    """A sentence of a doc with figures: ``{name}`` fields filled from ``facts``."""

    doc: str  # under docs/ (or README.md)
    text: str

    def rendered(self, values: Mapping[str, str]) -> str:
        return self.text.format_map(values)

    def pattern(self, values: Mapping[str, str]) -> re.Pattern[str]:
        """The sentence with any figures in its fields (any words, for a field whose value
        is words) and any spacing between words."""
        parts = re.split(r"(?<!\{)(\{\w+\})(?!\})", self.text)
        out = []
        for part in parts:
            if re.fullmatch(r"\{\w+\}", part):
                name = part[1:-1]
                figure = r"[-\d][\d,.%]*" if re.fullmatch(r"[-\d][\d,.%]*",
                                                         values.get(name, "0")) else r".+?"
                out.append(f"(?P<{name}_{len(out)}>{figure})")
            else:
                words = part.replace("{{", "{").replace("}}", "}").split(" ")
                out.append(r"\s+".join(re.escape(w) for w in words))
        return re.compile("".join(out), re.S)


def _figures(doc: str, *texts: str) -> tuple[Figure, ...]:
    return tuple(Figure(doc, t) for t in texts)


FIGURES: tuple[Figure, ...] = (
    *_figures(
        "README.md",
        "Pilkada 2024 in Jambi province: {tps} TPS, {voters} voters, {polres} Polres, "
        "{polri} Polri, {tni} TNI.",
        '{{"kabkota": {kabkota_raw}, ..., "tps": {tps_raw}, ...}}'),
    *_figures(
        "jambi-scenario.md",
        "| {kabkota} | {kecamatan} | {desa} | {tps} | {voters} | {polres} | {polsek} | {polri} "
        "| {tni} | {linmas} |",
        "province 15, {kabkota} kab/kota, {kecamatan} kecamatan, {desa} desa/kelurahan",
        "Totals: {tps} TPS, {voters} voters, {polri} Polri, {tni} TNI"),
    *_figures(
        "risk.md",
        "assessment #1 (id-pilkada-2024, for 2024-11-27): {tps} TPS: {sangat_rawan} sangat "
        "rawan, {rawan} rawan, {kurang_rawan} kurang rawan, {khusus} khusus"),
    *_figures(
        "command-centre.md",
        "(canvas-drawn, all {tps} at once)"),
    *_figures(
        "operations.md",
        "on the Jambi demo plan ({tps} TPS, {posts} posts, {teams} teams)"),
    *_figures(
        "planning.md",
        # the header and the plan at a glance
        "the built-in Jambi scenario ({tps} TPS, {polri} Polri)",
        "| {command_staff} in command and staff ({kapolsek} of them Kapolsek), {perwira} perwira "
        "pertama for Pawas and Danton, {guards} bintara and tamtama |",
        "| {duties_min} officers on duties, {floor} in reserve |",
        "| {loose_posts} posts, {short_polres} lent {loose_bko} BKO, {loose_uncovered} TPS "
        "uncovered |",
        "| duties {full_duties} of {full_duties}, reserve {target}, {posts} posts (bound "
        "{bound}), the pool spent to its last officer, nothing given up |",
        "| {at_tps} at TPS ({bhabin_home} in their own desa), {km} km, gap 0% |",
        "| {teams} teams ({brimob_teams} Brimob SST, {dalmas_teams} Dalmas, {mixed_teams} "
        "mixed), p95 {p95} min to rawan and SR TPS (manual practice: {manual_p95} min) |",
        "| {clusters} clusters, every one with a Pawas (farthest post {pawas_km} km), {danton} "
        "Danton, {padal} perwira left as Padal |",
        "| {tni_static_posts} static posts ({tni_static} soldiers), {tni_teams} mobile teams "
        "({tni_mobile}) of {tni_available}; no desa short of Linmas |",
        # 1-2: inputs, owners, roles
        "travel speed only ({remote} TPS in Jambi)",
        "Jambi: the Polda pool has {pool_officers} officers ({pool_satker} at satker, {pool_hq} "
        "at Polda HQ). The ten Polres have between {polres_min} and {polres_max} each.",
        "{command_staff} officers are command and staff: {kapolsek} Kasubsatgas Pam TPS,",
        "and {staf_posko} Staf Posko (",
        # 3: duties and the budget
        "{ppk} PPK, {escorts} escorts and {walpri} walpri pairs",
        "= {full_duties}` officers, {duties_pool} of them from the pool; at the minimums",
        "= {duties_min}`.",
        "At the floors, N = 24 needs {loose_posts} posts; {short_polres} are short by "
        "{short_by} and the pool lends them {loose_bko}; nothing is uncovered. The duties go "
        "back to full strength, {full_duties} officers ({duties_above_min} above their "
        "minimums, {duties_pool_above} of them the pool's), the reserves to {target} "
        "({above_floor} above their floors: 15% of every owner's guards), and tightening "
        "spends the rest of the pool: {posts} posts, {layout_bko} BKO in the layout, no pool "
        "officer idle.",
        # 4-5: posts and N
        "Jambi: {posts} posts against a bound of {bound}.",
        "Jambi has {tier_a} of {kurang_rawan}, or {tier_a_share}.",
        "Jambi: at N=24 and the floors, {short_count} Polres are short by {short_least} to "
        "{short_most} officers each. The pool lends {loose_bko} and nothing is left uncovered.",
        "in Jambi, of {groups} N-groups {groups_max} stay at 24, {groups_min} go to 3 and "
        "{groups_between} end in between.",
        "and the pool's officers end as {layout_bko} BKO in the layout with none left over.",
        "in Jambi {groups_max} of {groups} groups stay at 24.",
        # 6: plotting
        "Jambi: {bhabin_all} officers have a desa binaan, {bhabin} of them guards, and "
        "{bhabin_home} guard a TPS of it;",
        "Jambi: the layout lends {layout_bko}; the plan has {bko} assignments with `bko_to`: "
        "{bko_posts} at posts, {bko_duties} on duties and {bko_pawas} pool perwira serving as "
        "Pawas in a Polres",
        # 7-8: Pawas, reserves
        "Jambi: {clusters} clusters over the {posts} posts, {clusters_full} of them of 10 "
        "posts; the farthest post is {pawas_km} km from its cluster's point. Of the {perwira} "
        "perwira pertama {pawas} are Pawas, {danton} Danton and {padal} Padal;",
        "Jambi: {teams} teams, {reserve_officers} officers ({target} by the reserve share, "
        "{leftover} the flow did not need, {danton} Danton): {brimob_teams} Brimob SSTs",
        "{dalmas_teams} Dalmas platoons of {dalmas_min} to {dalmas_max},",
        "**rawan** and **sangat rawan** TPS, {targets} in Jambi.",
        "Jambi: {teams} teams ({teams_pool} of the pool), p95 = {p95} min.",
        # 12-14: TNI, Linmas, the manual baseline
        "print `TNI: {tni_static} at {tni_static_posts} sangat rawan TPS, {tni_teams} mobile "
        "teams ({tni_mobile}) of {tni_available}`",
        "Jambi: {tni_static_posts} static posts ({tni_static} soldiers) and {tni_teams} mobile "
        "teams ({tni_mobile}) of {tni_available}; no Kodim short.",
        "Jambi: {linmas} Linmas in {linmas_desa} desa, none short.",
        "Jambi: {manual_posts} posts (bound {manual_bound}), {manual_km} km, {manual_reserve} "
        "in reserve, p95 {manual_p95} min against {p95} min for the planner.",
        "In Jambi the two coincide: {polsek} Polsek, each with one kecamatan.",
        # 15: the session's first steps, which the tests take as given
        "wrote pj: {tps} TPS, {voters} voters, {polri} Polri, {tni} TNI, {linmas} Linmas",
        "loaded pj into sqlite:///p.db: {tps} TPS, {polri} officers"),
)


def _path(doc: str) -> Path:
    return REPO / doc if doc == "README.md" else DOCS / doc


def _flat(text: str) -> str:
    return " ".join(text.split())


def check_figures(values: Mapping[str, str], figures: Sequence[Figure] = FIGURES) -> list[str]:
    """A message for each sentence a doc does not read as the figures render it."""
    problems = []
    texts: dict[str, str] = {}
    for f in figures:
        text = texts.setdefault(f.doc, _flat(_path(f.doc).read_text(encoding="utf-8")))
        want = f.rendered(values)
        if want not in text:
            found = f.pattern(values).search(text)
            problems.append(f"{f.doc}: expected {want!r}, the doc says "
                            f"{found.group(0) if found else 'nothing like it'!r}")
    return problems


def write_figures(values: Mapping[str, str], figures: Sequence[Figure] = FIGURES) -> None:
    """Rewrite each sentence's figures in its doc (its line breaks kept)."""
    for doc in sorted({f.doc for f in figures}):
        path = _path(doc)
        text = path.read_text(encoding="utf-8")
        for f in (f for f in figures if f.doc == doc):
            def fill(m: re.Match[str], f: Figure = f) -> str:
                out, at = [], m.start()
                for name, was in m.groupdict().items():
                    out.append(m.string[at:m.start(name)])
                    value = values[name.rsplit("_", 1)[0]]
                    out.append(was if " ".join(was.split()) == value else value)
                    at = m.end(name)
                return "".join(out) + m.string[at:m.end()]
            text, count = f.pattern(values).subn(fill, text, count=1)
            if not count:
                print(f"{doc}: no sentence like {f.text!r}", file=sys.stderr)
        path.write_text(text, encoding="utf-8")


#: A block the docs show between ``<!-- figures:NAME -->`` and ``<!-- /figures -->``: a fenced
#: block whose text ``blocks`` makes (compared with ``doc_sessions.MASKS`` applied).
BLOCK = re.compile(r"(<!-- figures:([\w-]+) -->\n```[a-z]*\n)(.*?)(\n```\n<!-- /figures -->)", re.S)
BLOCK_DOCS = ("planning.md",)


def blocks(db: Database, plan_id: int = 1) -> dict[str, str]:
    """Each named block's text: ``plan-json``, what ``plan run --json`` prints for the plan."""
    from pollguard.services.planning import PlanOutcome

    with UnitOfWork(db) as uow:
        plan = plans.load(uow.session, plan_id)
    assert plan is not None
    return {"plan-json": json.dumps(PlanOutcome(plan_id, plan).as_json())}


def check_blocks(texts: Mapping[str, str]) -> list[str]:
    """A message for each block of a doc whose text differs from ``blocks`` (or is unknown)."""
    problems = []
    for doc in BLOCK_DOCS:
        for m in BLOCK.finditer((DOCS / doc).read_text(encoding="utf-8")):
            name, shown = m.group(2), m.group(3)
            if name not in texts:
                problems.append(f"{doc}: no block figures:{name} is made")
            elif masked(shown) != masked(texts[name]):
                problems.append(f"{doc}: block figures:{name} shows\n{shown}\nthe code makes\n"
                                f"{texts[name]}")
    return problems


def write_blocks(texts: Mapping[str, str]) -> None:
    for doc in BLOCK_DOCS:
        path = DOCS / doc
        path.write_text(BLOCK.sub(lambda m: m.group(1) + texts.get(m.group(2), m.group(3))
                                  + m.group(4), path.read_text(encoding="utf-8")),
                        encoding="utf-8")


def planning_session() -> list[Step]:
    return sessions((DOCS / "planning.md").read_text(encoding="utf-8"))[SESSION]


def main() -> None:
    """Build the Jambi demo's database in a scratch folder by the planning doc's own session,
    write every step's output and every figure into the docs."""
    from pollguard.store.database import open_database

    folder = Path(tempfile.mkdtemp(prefix="pollguard-docs-"))
    try:
        steps = planning_session()
        problems, outputs = check(steps, folder, SESSION_ENV, "docs/planning.md")
        path = DOCS / "planning.md"
        path.write_text(rewrite(path.read_text(encoding="utf-8"), steps, outputs, folder),
                        encoding="utf-8")
        db = open_database(f"sqlite:///{folder / 'p.db'}")
        write_figures(facts(db))
        write_blocks(blocks(db))
        db.dispose()
        print(f"docs/planning.md: {len(problems)} of {len(steps)} session outputs had changed; "
              "the outputs and the figures are written")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
