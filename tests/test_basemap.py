"""The offline basemap: a raster tile archive (MBTiles or PMTiles, made here, tiny) served at
``/tiles/{z}/{x}/{y}`` in the XYZ scheme (MBTiles rows flipped), with its media type, cache
headers and a 404 for a tile it lacks; ``/api/v1/settings`` telling the pages its zooms,
bounds and attribution; the archive only ever read; and a bad archive refused at start-up with
its path and the reason in Bahasa Indonesia and English. The map drawing the tiles in Chromium
is tests/test_basemap_browser.py."""

from __future__ import annotations

import hashlib
import io
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image
from pmtiles.tile import TileType
from typer.testing import CliRunner

from basemap_support import CYAN, MAGENTA, covering, make_mbtiles, make_pmtiles, solid_png
from pollguard.basemap import ArchiveError, open_archive
from pollguard.cli.main import app as cli
from pollguard.store.database import Database
from pollguard.web.app import create_app
from pollguard.web.settings import WebSettings
from small_web import small_database
from web_client import token_headers

BOX = (101.0, -2.5, 102.5, -1.5)  # west, south, east, north: over the small province
PNG = solid_png(MAGENTA)


def _jpeg(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (256, 256), colour).save(out, "JPEG")
    return out.getvalue()


JPEG = _jpeg(CYAN)
# Where the y flip shows: at zoom 1 the only tile stored is the top-left one (XYZ y=0), which
# MBTiles keeps as TMS row 1; the bottom-left (XYZ y=1, TMS row 0) is absent.
TOP_LEFT = (1, 0, 0, solid_png((1, 2, 3)))


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("basemap")


@pytest.fixture(scope="module")
def db(folder: Path) -> Iterator[Database]:
    with small_database(folder) as database:
        yield database


@pytest.fixture(scope="module")
def mbtiles(folder: Path) -> Path:
    path = make_mbtiles(folder / "peta.mbtiles", [TOP_LEFT, *covering(BOX, [8, 9], PNG)], {
        "name": "Peta Kerinci", "format": "png", "minzoom": "1", "maxzoom": "9",
        "bounds": ",".join(str(v) for v in BOX),
        "attribution": '<a href="https://example.org">&copy; Dinas Peta</a> <b>2024</b>'})
    path.chmod(0o444)  # as on a read-only stick
    return path


@pytest.fixture(scope="module")
def pmtiles(folder: Path) -> Path:
    return make_pmtiles(folder / "peta.pmtiles", covering(BOX, [9, 10], JPEG),
                        {"name": "Peta PM", "attribution": "© Uji PMTiles"}, box=BOX,
                        tile_type=TileType.JPEG)


def _client(app: FastAPI, db: Database) -> TestClient:
    client = TestClient(app, follow_redirects=False)
    client.headers.update(token_headers(db, "polda"))
    return client


@pytest.fixture(scope="module")
def mb_client(db: Database, mbtiles: Path) -> TestClient:
    return _client(create_app(db, WebSettings(tiles=str(mbtiles), escalate=False)), db)


@pytest.fixture(scope="module")
def pm_client(db: Database, pmtiles: Path) -> TestClient:
    return _client(create_app(db, WebSettings(tiles=str(pmtiles), escalate=False)), db)


def test_a_tile_is_served_with_its_media_type_and_cache_headers(mb_client: TestClient) -> None:
    z, x, y, _ = covering(BOX, [9], PNG)[0]
    r = mb_client.get(f"/tiles/{z}/{x}/{y}")
    assert r.status_code == 200, r.text
    assert r.content == PNG and r.headers["content-type"] == "image/png"
    assert r.headers["cache-control"] == "private, max-age=86400"
    etag = r.headers["etag"]
    again = mb_client.get(f"/tiles/{z}/{x}/{y}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.content
    # Served under the same policy as every answer; the tiles are the server's own ('self').
    csp = dict(d.strip().split(" ", 1) for d in r.headers["content-security-policy"].split(";"))
    assert csp["img-src"] == "'self' data: blob:"
    assert r.headers["x-content-type-options"] == "nosniff"


def test_rows_are_flipped_from_the_mbtiles_scheme(mb_client: TestClient) -> None:
    r = mb_client.get("/tiles/1/0/0")
    assert r.status_code == 200 and r.content == TOP_LEFT[3]
    assert mb_client.get("/tiles/1/0/1").status_code == 404


@pytest.mark.parametrize("where", ["9/0/0", "5/1/1", "12/3000/2000", "9/512/-1", "9/512/512",
                                   "31/0/0", "-1/0/0", "9/99999999999/0"])
def test_a_tile_the_archive_lacks_is_a_404(mb_client: TestClient, where: str) -> None:
    r = mb_client.get(f"/tiles/{where}")
    assert r.status_code == 404, (where, r.text)
    assert "tidak ada" in r.json()["detail"]


def test_tiles_are_for_signed_in_accounts(mb_client: TestClient, db: Database,
                                          mbtiles: Path) -> None:
    z, x, y, _ = covering(BOX, [9], PNG)[0]
    anonymous = TestClient(mb_client.app)
    assert anonymous.get(f"/tiles/{z}/{x}/{y}").status_code == 401


def test_the_settings_tell_the_pages_about_the_basemap(mb_client: TestClient,
                                                       pm_client: TestClient,
                                                       db: Database) -> None:
    mb = mb_client.get("/api/v1/settings").json()
    west, south, east, north = BOX
    assert mb["basemap"] == {
        "url": "/tiles/{z}/{x}/{y}", "attribution": "© Dinas Peta 2024", "min_zoom": 1,
        "max_zoom": 9, "bounds": [[south, west], [north, east]], "offline": True}
    assert mb["tile_url"] == "/tiles/{z}/{x}/{y}" and mb["tile_attribution"] == "© Dinas Peta 2024"
    pm = pm_client.get("/api/v1/settings").json()["basemap"]
    assert (pm["min_zoom"], pm["max_zoom"], pm["attribution"]) == (9, 10, "© Uji PMTiles")
    assert pm["bounds"] == [[pytest.approx(south), pytest.approx(west)],
                            [pytest.approx(north), pytest.approx(east)]]
    plain = _client(create_app(db, WebSettings(escalate=False)), db)
    assert plain.get("/api/v1/settings").json()["basemap"] is None
    assert plain.get("/tiles/9/400/260").status_code == 404  # no basemap: nothing to serve
    remote = _client(create_app(db, WebSettings(tile_url="https://t.example/{z}/{x}/{y}.png",
                                                tile_attribution="© T", escalate=False)), db)
    assert remote.get("/api/v1/settings").json()["basemap"] == {
        "url": "https://t.example/{z}/{x}/{y}.png", "attribution": "© T", "min_zoom": None,
        "max_zoom": None, "bounds": None, "offline": False}


def test_a_pmtiles_archive_is_served_too(pm_client: TestClient) -> None:
    z, x, y, _ = covering(BOX, [10], JPEG)[-1]
    r = pm_client.get(f"/tiles/{z}/{x}/{y}")
    assert r.status_code == 200 and r.content == JPEG
    assert r.headers["content-type"] == "image/jpeg"
    assert pm_client.get(f"/tiles/{z}/{x + 50}/{y}").status_code == 404
    assert pm_client.get("/tiles/8/200/130").status_code == 404  # below its lowest zoom


def test_the_archive_is_only_read(mb_client: TestClient, mbtiles: Path) -> None:
    before = hashlib.sha256(mbtiles.read_bytes()).hexdigest()
    z, x, y, _ = covering(BOX, [8], PNG)[0]
    for _ in range(3):
        assert mb_client.get(f"/tiles/{z}/{x}/{y}").status_code == 200
    assert hashlib.sha256(mbtiles.read_bytes()).hexdigest() == before
    # No journal, WAL or lock file beside it.
    assert sorted(p.name for p in mbtiles.parent.glob("peta.mbtiles*")) == ["peta.mbtiles"]


def test_the_format_is_read_from_a_tile_when_the_metadata_is_silent(folder: Path) -> None:
    path = make_mbtiles(folder / "diam.mbtiles", [(3, 1, 2, JPEG)], {})
    archive = open_archive(path)
    try:
        assert (archive.info.format, archive.info.media_type) == ("jpg", "image/jpeg")
        assert (archive.info.min_zoom, archive.info.max_zoom) == (3, 3)
        assert archive.info.bounds is None and archive.info.name == "diam"
        assert archive.tile(3, 1, 2) == JPEG and archive.tile(3, 1, 5) is None
    finally:
        archive.close()


def _bad_files(folder: Path) -> dict[str, tuple[Path, str]]:
    """name -> (a file, a word its English reason must hold)."""
    text = folder / "bukan.mbtiles"
    text.write_text("ini bukan peta\n")
    no_tiles = folder / "tanpa_tabel.mbtiles"
    with sqlite3.connect(no_tiles) as conn:
        conn.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    conn.close()
    return {
        "missing": (folder / "tidak_ada.pmtiles", "no such file"),
        "text": (text, "not an MBTiles or PMTiles archive"),
        "no tiles table": (no_tiles, "not a valid MBTiles archive"),
        "empty": (make_mbtiles(folder / "kosong.mbtiles", [], {"format": "png"}), "no tiles"),
        "vector": (make_mbtiles(folder / "vektor.mbtiles", [(0, 0, 0, b"\x1a\x00")],
                                {"format": "pbf"}), "vector tiles"),
        "bounds": (make_mbtiles(folder / "batas.mbtiles", [(0, 0, 0, PNG)],
                                {"bounds": "101;-2;102;-1"}), "bounds"),
        "zoom": (make_mbtiles(folder / "zoom.mbtiles", [(0, 0, 0, PNG)],
                              {"minzoom": "lima"}), "minzoom"),
        "vector pmtiles": (make_pmtiles(folder / "vektor.pmtiles", [(0, 0, 0, b"\x1a\x00")],
                                        {}, tile_type=TileType.MVT), "vector tiles"),
    }


def test_a_bad_archive_is_refused_naming_its_path(folder: Path, db: Database) -> None:
    bad = _bad_files(folder)
    for what, (path, reason) in bad.items():
        with pytest.raises(ArchiveError) as found:
            open_archive(path)
        message = str(found.value)
        assert str(path) in message and reason in message, (what, message)
        assert message.startswith(f"peta dasar {path}: "), (what, message)  # Indonesian first
    path, _ = bad["vector"]
    with pytest.raises(ArchiveError):
        create_app(db, WebSettings(tiles=str(path), escalate=False))
    with pytest.raises(ValueError, match="choose one basemap"):
        WebSettings(tiles=str(path), tile_url="https://t.example/{z}/{x}/{y}.png")


def test_serve_stops_at_a_bad_archive(folder: Path, db: Database,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLLGUARD_TILES", "")  # serve sets it; put back afterwards
    bad = folder / "rusak.pmtiles"
    bad.write_bytes(b"PMTiles\x02" + bytes(200))
    url = db.engine.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(cli, ["--db", url, "serve", "--tiles", str(bad)])
    assert result.exit_code == 1
    said = " ".join(result.output.split())
    assert "bukan PMTiles versi 3" in said and "rusak.pmtiles" in said, said


def test_serve_hands_the_archive_to_the_server(mbtiles: Path, db: Database,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    seen: dict[str, FastAPI] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app))
    monkeypatch.setenv("POLLGUARD_TILES", "")  # serve sets it (for its workers); put back
    url = db.engine.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(cli, ["--db", url, "serve", "--tiles", str(mbtiles)])
    assert result.exit_code == 0, result.output
    assert "Peta Kerinci (mbtiles, png, zoom 1-9)" in result.output
    basemap = seen["app"].state.basemap
    assert basemap.path == mbtiles and basemap.info.max_zoom == 9
    basemap.close()
