"""The geo files (GeoJSON and KML): the plan's posts with their officers, Pawas, Kapolsek and
equipment, every TPS with its post and class, the reserve staging points with each team's call
sign and Danton, and the TNI posts with their Kodim, for a GIS, Google Earth or ATAK on a
phone."""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import simplekml

from pollguard.domain.plan import Plan, Post, ReserveTeam, TniPost
from pollguard.domain.regions import RegionLevel, ancestor_at
from pollguard.domain.risk import RiskClass
from pollguard.domain.scenario import Scenario
from pollguard.domain.tps import PollingStation
from pollguard.planning.view import PlanView
from pollguard.reports.plan_docs.command import (
    RESERVE_KIND_LABEL,
    CommandView,
    equipment_text,
    rank_name,
    tni_kind_label,
)
from pollguard.reports.plan_docs.common import (
    CLASS_COLOUR,
    RESERVE_COLOUR,
    TNI_COLOUR,
    UNKNOWN_COLOUR,
    class_label,
    pattern,
)


def write_geo(plan: Plan, scenario: Scenario, out: Path) -> list[Path]:
    """``rencana.geojson`` for a GIS and ``rencana.kml`` for Google Earth and ATAK: posts with
    their officers, TPS with their post and class, and reserve staging points, so field
    commanders see the plan on the map they already use."""
    return write(PlanView(plan, scenario), out)


def _post_properties(ix: PlanView, cv: CommandView, post: Post) -> dict[str, Any]:
    people = []
    for a in ix.by_target.get(post.post_id, ()):
        o = ix.officers[a.nrp]
        people.append({"nrp": o.nrp, "nama": o.name, "pangkat": o.rank.label,
                       "satuan": ix.origin(a, o), "pasangan": a.pair})
    kapolsek = cv.kapolsek_of(post.kecamatan_code)
    return {"jenis": "pos", "post_id": post.post_id, "polres": ix.unit_name(post.polres_code),
            "polres_code": post.polres_code, "kecamatan": ix.kecamatan_name(post.kecamatan_code),
            "kecamatan_code": post.kecamatan_code, "desa": ix.desa_names(post),
            "kelas": post.risk_class.value, "kategori": post.risk_class.label_id,
            "pola": pattern(post), "tps_ids": list(post.tps_ids),
            "no_tps": ix.tps_numbers(post), "tps": cv.post_tps(post),
            "personel": post.officers, "linmas": post.linmas, "petugas": people,
            "pawas": cv.pawas_text(post.post_id),
            "kapolsek": rank_name(kapolsek) if kapolsek else None,
            "perlengkapan": dict(post.equipment),
            "perlengkapan_teks": equipment_text(post.equipment)}


def _tps_properties(ix: PlanView, t: PollingStation) -> dict[str, Any]:
    post = ix.post_of_tps.get(t.tps_id)
    c = post.risk_class if post else None
    return {"jenis": "tps", "tps_id": t.tps_id, "no_tps": t.number,
            "desa": ix.names.get(t.desa_code, t.desa_code),
            "kecamatan": ix.kecamatan_name(ancestor_at(t.desa_code, RegionLevel.KECAMATAN)),
            "polres": ix.unit_name(ix.polres_of_tps(t)), "pemilih": t.voters,
            "post_id": post.post_id if post else None, "kelas": c.value if c else None,
            "kategori": class_label(c), "terjaga": post is not None}


def _team_properties(ix: PlanView, cv: CommandView, team: ReserveTeam) -> dict[str, Any]:
    danton = cv.danton(team)
    return {"jenis": "cadangan", "team_id": team.team_id, "sandi": cv.team_name(team),
            "jenis_tim": RESERVE_KIND_LABEL.get(team.kind, team.kind.value),
            "danton": rank_name(danton) if danton else None,
            "satuan": ix.unit_name(team.owner_code), "titik_siaga": ix.staging_name(team),
            "staging_code": team.staging_code, "anggota": team.size}


def _tni_properties(ix: PlanView, cv: CommandView, p: TniPost) -> dict[str, Any]:
    return {"jenis": "tni", "post_id": p.post_id, "kodim": ix.unit_name(p.kodim_code),
            "kodim_code": p.kodim_code, "jenis_pos": tni_kind_label(p.kind, ix.levels),
            "sasaran": cv.tni_target(p), "kecamatan": cv.tni_kecamatan(p),
            "prajurit": p.soldiers}


def write(ix: PlanView, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    cv = CommandView(ix)
    posts = [(p.lat, p.lon, _post_properties(ix, cv, p)) for p in ix.plan.posts]
    tps = [(t.lat, t.lon, _tps_properties(ix, t)) for t in ix.scenario.tps]
    teams = [(t.lat, t.lon, _team_properties(ix, cv, t)) for t in ix.plan.reserves]
    tni = [(p.lat, p.lon, _tni_properties(ix, cv, p)) for p in ix.plan.tni_posts]
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                 "properties": props} for lat, lon, props in (*posts, *tps, *teams, *tni)]
    geojson = out / "rencana.geojson"
    geojson.write_text(json.dumps({"type": "FeatureCollection", "features": features},
                                  ensure_ascii=False), encoding="utf-8")
    kml_path = out / "rencana.kml"
    _kml(ix, posts, tps, teams, tni).save(str(kml_path))
    return [geojson, kml_path]


def _kml_colour(hex_: str) -> str:
    """KML writes colours aabbggrr."""
    r, g, b = hex_[1:3], hex_[3:5], hex_[5:7]
    return f"ff{b}{g}{r}"


def _style(hex_: str, scale: float, icon: str) -> Any:
    style = simplekml.Style()
    style.iconstyle.color = _kml_colour(hex_)
    style.iconstyle.scale = scale
    style.iconstyle.icon.href = icon
    style.labelstyle.scale = 0.0 if scale < 0.8 else 0.8
    return style


DOT_ICON = "http://maps.google.com/mapfiles/kml/shapes/placemark_circle.png"
POST_ICON = "http://maps.google.com/mapfiles/kml/shapes/police.png"
RESERVE_ICON = "http://maps.google.com/mapfiles/kml/shapes/triangle.png"
TNI_ICON = "http://maps.google.com/mapfiles/kml/shapes/placemark_square.png"

Located = tuple[float, float, dict[str, Any]]


def _kml(ix: PlanView, posts: Sequence[Located], tps: Sequence[Located],
         teams: Sequence[Located], tni: Sequence[Located]) -> Any:
    info = ix.scenario.info
    kec = ix.levels.kecamatan
    kml = simplekml.Kml(name=f"Rencana Pengamanan — {info.name}")
    kml.document.description = info.operation
    styles: dict[str, Any] = {}

    def style(key: str, hex_: str, scale: float, icon: str) -> Any:
        if key not in styles:
            styles[key] = _style(hex_, scale, icon)
        return styles[key]

    def describe(lines: Iterable[tuple[str, Any]]) -> str:
        return "<br/>".join(f"<b>{html.escape(k)}</b>: {html.escape(str(v))}" for k, v in lines)

    folder = kml.newfolder(name="Posts")
    for lat, lon, p in posts:
        people = "<br/>".join(html.escape(f"{x['pangkat']} {x['nama']} ({x['nrp']})")
                              for x in p["petugas"])
        point = folder.newpoint(name=f"Pos {p['post_id']}", coords=[(lon, lat)], description=(
            describe((("Kategori", p["kategori"]), ("Pola", p["pola"]),
                      ("TPS", p["tps"]), (kec, p["kecamatan"]),
                      ("Polres", p["polres"]), ("Linmas", p["linmas"]),
                      ("Perlengkapan", p["perlengkapan_teks"]), ("Pawas", p["pawas"]),
                      ("Kapolsek", p["kapolsek"] or "dikendalikan Polres")))
            + "<br/><b>Personel</b>:<br/>" + people))
        point.style = style(f"post:{p['kelas']}", CLASS_COLOUR[RiskClass(p["kelas"])], 1.0,
                            POST_ICON)
    folder = kml.newfolder(name="TPS")
    for lat, lon, p in tps:
        hex_ = CLASS_COLOUR[RiskClass(p["kelas"])] if p["kelas"] else UNKNOWN_COLOUR
        point = folder.newpoint(name=f"TPS {p['no_tps']} {p['desa']}", coords=[(lon, lat)],
                                description=describe((
                                    ("ID TPS", p["tps_id"]), ("Kategori", p["kategori"]),
                                    ("Pos", p["post_id"] or "tidak terjaga"),
                                    (kec, p["kecamatan"]),
                                    ("Pemilih", p["pemilih"] if p["pemilih"] is not None
                                     else "—"))))
        point.style = style(f"tps:{p['kelas']}", hex_, 0.6, DOT_ICON)
    folder = kml.newfolder(name="Cadangan")
    for lat, lon, p in teams:
        point = folder.newpoint(name=p["sandi"], coords=[(lon, lat)],
                                description=describe((("Jenis", p["jenis_tim"]),
                                                      ("Danton", p["danton"] or "—"),
                                                      ("Satuan", p["satuan"]),
                                                      ("Titik siaga", p["titik_siaga"]),
                                                      ("Anggota", p["anggota"]))))
        point.style = style("reserve", RESERVE_COLOUR, 1.1, RESERVE_ICON)
    if tni:
        folder = kml.newfolder(name="TNI")
        for lat, lon, p in tni:
            point = folder.newpoint(name=f"TNI {p['sasaran']}", coords=[(lon, lat)],
                                    description=describe((("Kodim", p["kodim"]),
                                                          ("Jenis", p["jenis_pos"]),
                                                          (kec, p["kecamatan"]),
                                                          ("Prajurit", p["prajurit"]))))
            point.style = style("tni", TNI_COLOUR, 0.9, TNI_ICON)
    return kml

