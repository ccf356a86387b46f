"""WhatsApp texts and plan changes in the command centre (issue 15, parts 5 and 6), through
the real app on the small province (``small_web``): the plotting table carries each officer's
message and the rolls of his groups only for police accounts and only in their jurisdiction;
the plan listing marks a replaced plan superseded (the API and ``plan list``); the workspace's
changes name who moves, from where to where and why; the Sprin amendment downloads for the
Polda and the Polres whose change it is, and is refused to another Polres."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from pollguard.cli.main import app as cli
from pollguard.store.database import Database
from pollguard.web.app import create_app
from small_plan import DALMAS, GUARDS, KAPOLSEK, KERINCI, PAWAS
from small_web import DRAFT, FIRST, IN_FORCE, MOVED, small_database
from web_client import token_headers


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    with small_database(tmp_path_factory.mktemp("small-web")) as database:
        yield database


@pytest.fixture(scope="module")
def web(small: Database) -> FastAPI:
    return create_app(small)


def _as(web: FastAPI, db: Database, user: str) -> TestClient:
    client = TestClient(web)
    client.headers.update(token_headers(db, user))
    return client


def _plotting(client: TestClient, **params: Any) -> Any:
    r = client.get(f"/api/v1/plans/{IN_FORCE}/plotting", params={"limit": 1000, **params})
    assert r.status_code == 200, r.text
    return r.json()


def test_the_plotting_table_carries_each_officers_message_in_the_jurisdiction(
        web: FastAPI, small: Database) -> None:
    polda = _as(web, small, "polda")
    plain = _plotting(polda)
    assert plain["rows"] and all(r["message"] is None for r in plain["rows"])  # asked only
    rows = {r["nrp"]: r for r in _plotting(polda, texts="true")["rows"]}
    eko = rows[GUARDS[4].nrp]["message"]  # in plan 2 Eko guards Andi's old post
    assert "Aipda Eko Prasetyo (NRP 84044444)" in eko
    assert "TPS 001 Desa Selam Paung, Kec. Gunung Raya, Kab. Kerinci" in eko
    assert f"Briptu Budi Harahap (NRP {GUARDS[1].nrp}) · {GUARDS[1].phone}" in eko
    assert f"*Pawas:* Ipda Hasta Wibowo · {PAWAS.phone}" in eko
    assert "*Polsek Gunung Raya:* 081266001001" in eko and "074821000" in eko
    assert all(r["message"] for r in rows.values())
    # a Polsek account: only its kecamatan's officers, each with his message
    polsek = _plotting(_as(web, small, "gunungraya"), texts="true")["rows"]
    assert {r["nrp"] for r in polsek} == {GUARDS[1].nrp, GUARDS[2].nrp, GUARDS[3].nrp,
                                          GUARDS[4].nrp, PAWAS.nrp, KAPOLSEK.nrp}
    assert all("Kec. Gunung Raya" in r["message"] for r in polsek if r["role"] == "post")
    # another Polres never sees Kerinci's officers or their texts
    merangin = _plotting(_as(web, small, "merangin"), texts="true")["rows"]
    assert merangin and all(r["owner"] == "polres.15.02" for r in merangin)
    assert not any(GUARDS[0].name in r["message"] for r in merangin)
    # no personnel:read (the TNI liaison): no table, no texts
    tni = _as(web, small, "tni")
    assert tni.get(f"/api/v1/plans/{IN_FORCE}/plotting?texts=true").status_code == 403
    assert tni.get(f"/api/v1/plans/{IN_FORCE}/rolls").status_code == 403


def test_the_rolls_of_a_polres_for_its_groups(web: FastAPI, small: Database) -> None:
    kerinci = _as(web, small, "kerinci")
    rolls = kerinci.get(f"/api/v1/plans/{IN_FORCE}/rolls").json()  # its own by default
    assert [(r["kind"], r["key"]) for r in rolls] == [
        ("polres", KERINCI), ("polsek", "polsek.15.01.01"), ("polsek", "polsek.15.01.02"),
        ("team", "cadangan-polres.15.01-01")]
    gunung = rolls[1]["text"]
    for o in (GUARDS[1], GUARDS[2], GUARDS[3], GUARDS[4], PAWAS, KAPOLSEK):
        assert f"{o.rank.label} {o.name} (NRP {o.nrp}) · {o.phone}" in gunung, o.name
    assert GUARDS[0].name not in gunung  # moved to Danau Kerinci in plan 2
    assert DALMAS[1].name not in rolls[3]["text"]  # left the plan
    # a Polsek account: its own Polsek's roll, not the Polres's or a team's
    polsek = _as(web, small, "gunungraya").get(f"/api/v1/plans/{IN_FORCE}/rolls").json()
    assert [(r["kind"], r["key"]) for r in polsek] == [("polsek", "polsek.15.01.01")]
    assert polsek[0]["text"] == gunung
    # another Polres is refused; the Polda names the Polres it wants
    merangin = _as(web, small, "merangin")
    assert merangin.get(f"/api/v1/plans/{IN_FORCE}/rolls?polres={KERINCI}").status_code == 403
    polda = _as(web, small, "polda")
    assert polda.get(f"/api/v1/plans/{IN_FORCE}/rolls").json() == []
    assert len(polda.get(f"/api/v1/plans/{IN_FORCE}/rolls?polres={KERINCI}").json()) == 4
    assert polda.get(f"/api/v1/plans/{IN_FORCE}/rolls?polres=polres.99").status_code == 404


def test_a_replaced_plan_is_listed_superseded(web: FastAPI, small: Database) -> None:
    listed = _as(web, small, "kerinci").get("/api/v1/plans").json()
    status = {p["id"]: p["status"] for p in listed["plans"]}
    assert listed["current"] == IN_FORCE
    assert status == {FIRST: "superseded", IN_FORCE: "accepted", DRAFT: "draft"}
    url = small.engine.url.render_as_string(hide_password=False)
    shown = CliRunner().invoke(cli, ["--db", url, "plan", "list"], env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    rows = {line.split("│")[1].strip(): line for line in shown.output.splitlines()
            if line.count("│") > 3 and line.split("│")[1].strip().isdigit()}
    assert "superseded" in rows[str(FIRST)] and "in force" in rows[str(IN_FORCE)]
    assert "draft" in rows[str(DRAFT)]


def test_the_changes_name_who_moves_from_where_to_where_and_why(
        web: FastAPI, small: Database) -> None:
    r = _as(web, small, "kerinci").get(f"/api/v1/plans/{IN_FORCE}/changes")
    assert r.status_code == 200, r.text
    changes = r.json()
    assert changes["parent_id"] == FIRST
    moves = {m["nrp"]: m for m in changes["moves"]}
    assert sorted(moves) == sorted(MOVED)
    andi = moves[GUARDS[0].nrp]
    assert (andi["rank"], andi["name"]) == ("Bripka", "Andi Saputra")
    assert "TPS 001 Desa Selam Paung, Kec. Gunung Raya" in andi["before_text"]
    assert "TPS 001 Desa Seleman, Kec. Danau Kerinci" in andi["after_text"]
    assert "TPS 001 Desa Seleman" in andi["reason"]
    joko = moves[DALMAS[1].nrp]
    assert joko["name"] == "Joko Susilo" and joko["after_text"] == "tidak ditugaskan"
    assert "Dalmas Kerinci 1" in joko["before_text"]
    # no personnel:read: places and reasons, no names or NRPs
    blind = _as(web, small, "tni").get(f"/api/v1/plans/{IN_FORCE}/changes").json()
    assert blind["moved"] == 3
    assert all(m["nrp"] is None and m["name"] is None for m in blind["moves"])
    assert any("Desa Seleman" in m["after_text"] for m in blind["moves"])
    # Merangin sees none of Kerinci's moves
    assert _as(web, small, "merangin").get(
        f"/api/v1/plans/{IN_FORCE}/changes").json()["moved"] == 0


def test_the_amendment_downloads_for_the_polda_and_its_polres_only(
        web: FastAPI, small: Database) -> None:
    import io

    from docx import Document

    url = f"/api/v1/plans/{IN_FORCE}/amendment/{FIRST}"
    polda = _as(web, small, "polda")
    docx = polda.get(f"{url}.docx")
    assert docx.status_code == 200, docx.text
    assert docx.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert f"sprin_perubahan_{FIRST}_{IN_FORCE}.docx" in docx.headers["content-disposition"]
    doc = Document(io.BytesIO(docx.content))
    cells = " ".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    for nrp in MOVED:
        assert nrp in cells, nrp
    assert "Andi Saputra" in cells and "tidak ditugaskan" in cells
    pdf = polda.get(f"{url}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # every move is Kerinci's: its Polres may take it, not Merangin nor a Polsek of Kerinci
    assert _as(web, small, "kerinci").get(f"{url}.pdf").content == pdf.content  # kept
    for refused in ("merangin", "gunungraya"):
        r = _as(web, small, refused).get(f"{url}.docx")
        assert r.status_code == 403, (refused, r.text)
    assert _as(web, small, "tni").get(f"{url}.docx").status_code == 403
    assert polda.get(f"/api/v1/plans/{IN_FORCE}/amendment/{IN_FORCE}.docx").status_code == 422
    assert polda.get(f"/api/v1/plans/{IN_FORCE}/amendment/99.pdf").status_code == 404
    assert polda.get(f"/api/v1/plans/{IN_FORCE}/amendment/{FIRST}.exe").status_code == 422


def test_observers_read_the_sitrep_and_the_incident_panel_in_their_own_words(
        web: FastAPI, small: Database) -> None:
    """A KPU or Bawaslu observer reads the sitrep's column heads and the live incident panel
    in its own words ("for.observer.<key>"), written by the server in the page as the page's
    script writes its cells (pg.t); the police keep theirs."""
    import json
    import re

    from pollguard.access import Role
    from pollguard.i18n import catalogue
    from pollguard.services import accounts

    accounts.create_user(db=small, username="bawaslu-kecil", password="bawaslu-kecil-2024",
                         role=Role.OBSERVER, unit_code=None)
    observer, polda = _as(web, small, "bawaslu-kecil"), _as(web, small, "polda")

    def heads(page: str) -> list[str]:
        return re.findall(r"<th[^>]*>([^<]+)</th>", page)

    seen, police = heads(observer.get("/sitrep").text), heads(polda.get("/sitrep").text)
    assert {"Pemungutan dimulai", "Penghitungan selesai", "Wilayah Polres"} <= set(seen)
    assert not {"Dibuka", "Ditutup", "Dihitung", "Belum lapor"} & set(seen), seen
    assert {"Dibuka", "Dihitung", "Polres", "Belum lapor"} <= set(police)
    live_seen = observer.get("/map").text
    assert "Kejadian belum teratasi" in live_seen and "Sejak dilaporkan" in heads(live_seen)
    assert "Insiden terbuka" not in heads(live_seen)
    assert "Insiden terbuka" in polda.get("/map").text
    # The cells the scripts write (incident rows, statuses, levels) read the same catalogue:
    # each observer word stands for a key that exists, in both languages.
    for lang in ("id", "en"):
        served = json.loads(observer.get(f"/api/v1/i18n/{lang}").text)
        own = {k for k in catalogue(lang) if k.startswith("for.observer.")}
        assert {"for.observer.sitrep.col.level", "for.observer.sitrep.status.acknowledged",
                "for.observer.live.col.incident", "for.observer.live.level.polres_ops"} <= own
        assert all(k.removeprefix("for.observer.") in served for k in own)
    assert catalogue("id")["for.observer.sitrep.level.polres_ops"] == "Polres"  # not "Ops Polres"
