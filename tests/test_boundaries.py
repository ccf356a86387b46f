"""Real region boundaries (issue 16, item 4): ``boundaries.geojson`` read all or nothing with
every problem at file:feature:property; written from the shared reference files, small and
filtered to the province; carried folder -> database -> the map's frame; added to a loaded
operation; drawn on the risk map PDF. Tiny hand-made files for the reader, the real Jambi
files (../shared/data, skipped when absent) for the rest, built once per module."""

from __future__ import annotations

import dataclasses
import json
import math
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import shapely
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from conftest import SHARED_DATA, fresh_database_url
from doc_text import pdf_text
from pollguard.access import Role
from pollguard.cli.main import app as cli
from pollguard.domain.regions import Region, RegionKind
from pollguard.scenario.boundaries import BOUNDARIES, read_boundaries, write_boundaries
from pollguard.scenario.folder import read_scenario, read_scenario_checked
from pollguard.scenario.outlines import region_outlines
from pollguard.scenario.problems import InvalidInputError
from pollguard.services import accounts, risk, scenarios
from pollguard.services.boundaries import import_boundaries
from pollguard.services.snapshot import Snapshots
from pollguard.store import repository as repo
from pollguard.store.database import Database, open_database
from pollguard.store.uow import UnitOfWork
from pollguard.web.app import create_app
from web_client import token_headers

REGIONS = {r.code: r for r in (
    Region("15.01", "Kabupaten Kerinci", RegionKind.KABUPATEN, -2.0, 101.45),
    Region("15.01.01", "Gunung Raya", RegionKind.KECAMATAN, -2.3, 101.6),
    Region("15.72", "Kota Sungai Penuh", RegionKind.KOTA, -2.06, 101.39),
    Region("15.72.01.1001", "Desa X", RegionKind.DESA, -2.06, 101.39),
)}


def square(west: float, south: float, east: float, north: float) -> list[list[float]]:
    return [[west, south], [east, south], [east, north], [west, north], [west, south]]


def feature(code: Any, geometry: Any, **properties: Any) -> dict[str, Any]:
    return {"type": "Feature", "properties": {"code": code, **properties},
            "geometry": geometry}


def polygon(*rings: list[list[float]]) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": list(rings)}


def collection(*features: Any) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


KERINCI = square(101.2, -2.4, 101.8, -1.7)
SUNGAI_PENUH = square(101.3, -2.15, 101.45, -2.0)


def test_a_valid_file_reads_sorted_with_holes_and_islands() -> None:
    islands = {"type": "MultiPolygon", "coordinates": [
        [KERINCI, SUNGAI_PENUH[::-1]], [square(101.9, -2.0, 102.0, -1.9)]]}
    read = read_boundaries(collection(feature("15.72", polygon(SUNGAI_PENUH), name="x"),
                                      feature("15.01", islands)), REGIONS)
    assert read.problems == [] and read.features == 2
    kerinci, sungai_penuh = read.boundaries
    assert (kerinci.code, sungai_penuh.code) == ("15.01", "15.72")
    assert len(kerinci.polygons) == 2 and len(kerinci.polygons[0]) == 2  # a hole, an island
    assert kerinci.vertices == 15 and kerinci.bbox == (101.2, -2.4, 102.0, -1.7)
    # Gunung Raya (a kecamatan) has none while no kecamatan is given: nothing to warn of.
    assert read.warnings == []


BOWTIE = [[101.2, -2.4], [101.8, -1.7], [101.8, -2.4], [101.2, -1.7], [101.2, -2.4]]


@pytest.mark.parametrize(("given", "expected"), [
    (b'{"type": "FeatureCollection",\n "features": [\n  {"type" "Feature"}]}',
     "boundaries.geojson:3:-: not JSON: Expecting ':' delimiter (column 11)"),
    (json.dumps({"type": "Feature"}).encode(),
     'boundaries.geojson:1:type: a GeoJSON FeatureCollection is expected ({"type": '
     '"FeatureCollection", "features": [...]})'),
    (collection({"type": "Feature", "properties": {"name": "Kerinci"},
                 "geometry": polygon(KERINCI)}),
     'boundaries.geojson:1:properties.code: missing: each feature names its region by its '
     'Kemendagri code, e.g. "code": "15.01"'),
    (collection(feature(1501, polygon(KERINCI))),
     "boundaries.geojson:1:properties.code: not a Kemendagri region code: 1501 (expected e.g. "
     "15.01 or 15.01.01)"),
    (collection(feature("15.99", polygon(KERINCI))),
     "boundaries.geojson:1:properties.code: 15.99 is not a region of regions.csv"),
    (collection(feature("15.72.01.1001", polygon(SUNGAI_PENUH))),
     "boundaries.geojson:1:properties.code: 15.72.01.1001 is a desa: boundaries are read for "
     "kab/kota and kecamatan only"),
    (collection(feature("15.01", {"type": "Point", "coordinates": [101.4, -2.0]})),
     "boundaries.geojson:1:geometry.type: 'Point': a Polygon or MultiPolygon is expected"),
    (collection(feature("15.01", polygon(KERINCI[:-1]))),
     "boundaries.geojson:1:geometry.coordinates: ring [0] is not closed: its last position "
     "must repeat its first"),
    (collection(feature("15.01", polygon([[lat, lon] for lon, lat in KERINCI]))),
     "boundaries.geojson:1:geometry.coordinates: position [0][0] [-2.4, 101.2] is outside "
     "Indonesia (GeoJSON puts the longitude first)"),
    (collection(feature("15.01", polygon([[101.2, "-2.4"], *KERINCI[1:]]))),
     "boundaries.geojson:1:geometry.coordinates: position [0][0] is not [lon, lat] in numbers: "
     "[101.2, '-2.4']"),
    (collection(feature("15.01", polygon(BOWTIE))),
     "boundaries.geojson:1:geometry.coordinates: polygon is not valid: Self-intersection"
     "[101.5 -2.05]; repair it (QGIS: Fix geometries) or write the file with `pollguard "
     "scenario build --geo`"),
])
def test_each_problem_is_named_by_feature_and_property(given: bytes, expected: str) -> None:
    read = read_boundaries(given, REGIONS)
    assert [str(p) for p in read.problems] == [expected]
    assert read.boundaries == ()


def test_all_or_nothing_and_every_feature_checked() -> None:
    read = read_boundaries(collection(
        feature("15.01", polygon(KERINCI)), feature("15.72", polygon(SUNGAI_PENUH)),
        feature("15.01", polygon(KERINCI)), feature("15.98", polygon(KERINCI))), REGIONS)
    assert read.boundaries == ()
    assert [str(p) for p in read.problems] == [
        "boundaries.geojson:3:properties.code: 15.01 has a boundary already (feature 1)",
        "boundaries.geojson:4:properties.code: 15.98 is not a region of regions.csv"]


def test_warnings_a_point_outside_its_boundary_and_regions_left_out() -> None:
    far = square(102.5, -1.5, 102.7, -1.3)  # some 150 km from Gunung Raya's point
    read = read_boundaries(collection(feature("15.01.01", polygon(far)),
                                      feature("15.01", polygon(KERINCI))), REGIONS)
    assert read.problems == [] and len(read.boundaries) == 2
    assert [str(w) for w in read.warnings] == [
        "boundaries.geojson:1:geometry: the point of Gunung Raya (15.01.01) in regions.csv lies "
        "133.9 km outside this boundary; check the code and the point",
        "boundaries.geojson:1:-: 1 kab/kota have no boundary and are drawn around their TPS: "
        "15.72"]


def test_writing_filters_the_province_and_simplifies(tmp_path: Path) -> None:
    """The generic shared format: any ``*_kabkota.geojson``; the code as ``code`` or
    ``kode``; another province's regions and codes Kemendagri does not know are left out; a
    ring that crosses itself is repaired; a detailed ring is simplified."""
    geo = tmp_path / "geo"
    geo.mkdir()
    circle = [[round(101.5 + 0.2 * math.cos(a / 500 * math.tau), 6),
               round(-2.0 + 0.2 * math.sin(a / 500 * math.tau), 6)] for a in range(500)]
    (geo / "bps_kabkota.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [
        feature("15.01", polygon([*circle, circle[0]])),
        {"type": "Feature", "properties": {"kode": "15.02"}, "geometry": polygon(BOWTIE)},
        feature("16.01", polygon(square(104.0, -3.5, 104.5, -3.0))),
        feature("15.99", polygon(KERINCI)),
    ]}))
    assert write_boundaries(geo, "15", tmp_path / "out") == 2
    written = json.loads((tmp_path / "out" / BOUNDARIES).read_text(encoding="utf-8"))
    assert [f["properties"] for f in written["features"]] == [
        {"code": "15.01", "name": "Kabupaten Kerinci"},
        {"code": "15.02", "name": "Kabupaten Merangin"}]
    kerinci = written["features"][0]["geometry"]["coordinates"][0]
    assert 20 < len(kerinci) < 120  # from 501 positions, the circle still a circle
    bowtie = written["features"][1]["geometry"]
    assert bowtie["type"] == "MultiPolygon" and len(bowtie["coordinates"]) == 2  # two triangles
    regions = {c: Region(c, c, RegionKind.KABUPATEN, -2.0, 101.5) for c in ("15.01", "15.02")}
    assert read_boundaries((tmp_path / "out" / BOUNDARIES).read_bytes(), regions).problems == []
    assert write_boundaries(tmp_path / "out", "16", tmp_path / "papua") == 0


def test_shapefiles_are_read_through_geopandas(tmp_path: Path) -> None:
    """A shapefile as a map office exports it: in UTM zone 48S, the code in a ``KODE``
    column; read where GeoPandas is installed, in WGS84."""
    geopandas = pytest.importorskip("geopandas")
    frame = geopandas.GeoDataFrame(
        {"KODE": ["15.01.01", "16.01.01"]},
        geometry=[shapely.box(101.5, -2.4, 101.7, -2.2), shapely.box(104.0, -3.0, 104.2, -2.8)],
        crs=4326).to_crs(32748)
    frame.to_file(tmp_path / "big_kecamatan.shp")
    assert write_boundaries(tmp_path, "15", tmp_path / "out") == 1
    (written,) = json.loads((tmp_path / "out" / BOUNDARIES).read_text())["features"]
    assert written["properties"] == {"code": "15.01.01", "name": "Gunung Raya"}
    lons = [p[0] for p in written["geometry"]["coordinates"][0]]
    assert (min(lons), max(lons)) == pytest.approx((101.5, 101.7), abs=1e-4)


# --- the real Jambi files ------------------------------------------------------------------

@pytest.fixture(scope="module")
def geo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Jambi built with ``--geo ../shared/data``, once for the module."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"reference data folder {SHARED_DATA} is absent")
    folder = tmp_path_factory.mktemp("jambi-geo")
    scenarios.build_scenario(name="jambi", out=folder, geo=SHARED_DATA)
    return folder


@pytest.fixture(scope="module")
def geo_db(geo_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """That folder loaded and assessed, with a Polda account."""
    with fresh_database_url(tmp_path_factory.mktemp("geo-db")) as url:
        database = open_database(url)
        scenarios.load_scenario(db=database, folder=geo_folder)
        risk.run_assessment(db=database)
        accounts.create_user(db=database, username="polda", password="polda-geo-2024",
                             role=Role.POLDA_COMMAND)
        yield database
        database.dispose()


def test_the_built_file_is_small_and_the_folder_valid(geo_folder: Path) -> None:
    path = geo_folder / BOUNDARIES
    assert path.stat().st_size < 300_000  # 155 regions, simplified
    read = read_scenario_checked(geo_folder)
    assert read.warnings == ()
    boundaries = {b.code: b for b in read.scenario.boundaries}
    assert len(boundaries) == 11 + 144
    assert len(boundaries["15.05"].polygons[0]) == 2  # Kota Jambi: a hole in Muaro Jambi
    assert len(boundaries["15.07"].polygons) == 9  # Tanjung Jabung Timur and its islands
    assert any(f.name == BOUNDARIES and f.rows == 155 for f in read.files)


def test_folder_database_and_frame_carry_the_real_polygons(geo_folder: Path,
                                                           geo_db: Database) -> None:
    with UnitOfWork(geo_db) as uow:
        stored = repo.load_scenario(uow.session)
    assert stored is not None and stored.boundaries == read_scenario(geo_folder).boundaries
    client = TestClient(create_app(geo_db))
    client.headers.update(token_headers(geo_db, "polda"))
    frame = client.get("/api/v1/map/frame").json()
    regions = {r["code"]: r for r in frame["regions"]}
    assert len(regions) == 155 and all(r["real"] for r in regions.values())
    kerinci, muaro_jambi = regions["15.01"], regions["15.05"]
    assert len(muaro_jambi["outline"][0]) == 2  # its outer ring and Kota Jambi's hole
    source = json.loads((SHARED_DATA / "jambi_kabkota.geojson").read_text(encoding="utf-8"))
    ring = next(f for f in source["features"]
                if f["properties"]["code"] == "15.01")["geometry"]["coordinates"][0]
    lats, lons = [p[1] for p in ring], [p[0] for p in ring]
    drawn = kerinci["outline"][0][0]
    hull = region_outlines(dataclasses.replace(stored, boundaries=()))["15.01"]
    assert len(drawn) > 2 * len(hull.polygons[0][0])  # 76 points against 30
    assert min(p[0] for p in drawn) == pytest.approx(min(lats), abs=0.003)
    assert max(p[1] for p in drawn) == pytest.approx(max(lons), abs=0.003)
    # A name lies inside its region: Muaro Jambi's not in Kota Jambi, its hole.
    lat, lon = kerinci["label"]
    assert min(lats) < lat < max(lats) and min(lons) < lon < max(lons)
    outer, hole = (shapely.Polygon([(x, y) for y, x in ring]) for ring in muaro_jambi["outline"][0])
    label = shapely.Point(muaro_jambi["label"][1], muaro_jambi["label"][0])
    assert outer.contains(label) and not hole.contains(label)


def test_the_risk_map_pdf_draws_boundaries_and_names(geo_db: Database, tmp_path: Path) -> None:
    (path,) = risk.export_map(db=geo_db, fmt="pdf", out=tmp_path)
    text = pdf_text(path)
    assert "Peta Kerawanan TPS" in text and "batas kabupaten/kota" in text
    assert "batas kecamatan" in text and "Kab. Kerinci" in text
    assert "Polres Kerinci" in text and "Kelas kerawanan per Polres" in text
    *_, polygons = risk.export_map(db=geo_db, fmt="geojson", out=tmp_path)
    features = json.loads(polygons.read_text(encoding="utf-8"))["features"]
    assert polygons.name == "batas_wilayah.geojson" and len(features) == 155
    assert {f["geometry"]["type"] for f in features} == {"MultiPolygon"}


def test_boundaries_join_a_loaded_operation_all_or_nothing(geo_db: Database,
                                                           tmp_path: Path) -> None:
    snapshots = Snapshots(geo_db)
    before = snapshots.get()
    bad = tmp_path / "bad.geojson"
    bad.write_bytes(collection(feature("15.01", polygon(KERINCI)),
                               feature("15.01.99", polygon(KERINCI))))
    with pytest.raises(InvalidInputError, match=r"bad.geojson:2:properties.code: 15.01.99 is "
                       "not a region of the loaded scenario"):
        import_boundaries(db=geo_db, path=bad)
    assert snapshots.get() is before and len(before.scenario.boundaries) == 155  # unchanged
    one = tmp_path / "kerinci.geojson"
    one.write_bytes(collection(feature("15.01", polygon(KERINCI))))
    result = import_boundaries(db=geo_db, path=one)
    assert (result.regions, result.replaced) == (1, 155)
    assert "10 kab/kota have no boundary" in str(result.warnings)
    after = snapshots.get()  # a new snapshot: the scenario changed
    assert after is not before and [b.code for b in after.scenario.boundaries] == ["15.01"]
    assert after.outlines["15.01"].real and not after.outlines["15.72"].real
    # The command line, putting the real ones back.
    assert write_boundaries(SHARED_DATA, "15", tmp_path / "again") == 155
    url = geo_db.engine.url.render_as_string(hide_password=False)
    refused = CliRunner().invoke(cli, ["--db", url, "import", "boundaries", str(bad)])
    assert refused.exit_code == 1 and "bad.geojson:2:properties.code" in refused.output
    done = CliRunner().invoke(cli, ["--db", url, "import", "boundaries",
                                    str(tmp_path / "again" / BOUNDARIES)])
    assert done.exit_code == 0, done.output
    assert "imported the boundaries of 155 regions (replacing 1)" in done.output


def test_a_bad_boundary_file_keeps_the_folder_from_loading(geo_folder: Path, db: Database,
                                                           tmp_path: Path) -> None:
    folder = Path(shutil.copytree(geo_folder, tmp_path / "broken"))
    (folder / BOUNDARIES).write_bytes(collection(feature("15.01", polygon(KERINCI[:-1]))))
    with pytest.raises(InvalidInputError, match="boundaries.geojson:1:geometry.coordinates: "
                       r"ring \[0\] is not closed"):
        scenarios.load_scenario(db=db, folder=folder)
    assert scenarios.overview(db=db).info is None  # nothing was written
