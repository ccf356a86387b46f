"""Bring your own operation, end to end through the command line, for a province that is not
Jambi and not on WIB: Gorontalo (75, WITA). ``scenario init`` writes the skeleton from the
regions, a small --geo folder in the reference data's formats, a jurisdiction file and a
Korem/Kodim table; it loads with what is missing said in plain words; a KPU TPS list in XLSX
(a title row, a merged two-row header, empty rows below), a roster and a Bawaslu form fill
it; then assess, plan, a draft accepted, every export and the sitrep. No output names Jambi
or its places, and the sitrep is on WITA (docs/own-operation.md walks the same path)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.styles import PatternFill
from typer.testing import CliRunner, Result

from conftest import fresh_database_url
from doc_text import docx_text, pdf_text, xlsx_text
from pollguard.cli.main import app
from pollguard.scenario import kemendagri
from pollguard.scenario.problems import InvalidInputError
from pollguard.scenario.skeleton_tables import read_jurisdiction, read_kodim
from pollguard.services import scenarios

runner = CliRunner()
PROVINCE = "75"
#: Kecamatan with TPS: three of Kota Gorontalo, two of Kabupaten Gorontalo.
KECAMATAN = ("75.71.01", "75.71.02", "75.71.03", "75.01.01", "75.01.02")
#: Their real points and areas (indonesia_kecamatan_centroids.csv), and the kab/kota's.
GEO_KECAMATAN = """code,kab_code,name,lat,lon,pos_lat,pos_lon,centroid_inside,area_km2
75.01.01,75.01,Limboto,0.654334,122.983196,0.659892,122.989808,True,79.51
75.01.02,75.01,Telaga,0.66416,123.041552,0.703929,123.039681,False,31.3
75.71.01,75.71,Kota Barat,0.542161,123.024363,0.542491,123.026654,True,11.27
75.71.02,75.71,Kota Selatan,0.543934,123.056597,0.538122,123.056499,True,2.94
75.71.03,75.71,Kota Utara,0.564716,123.079616,0.568289,123.07915,True,8.69
"""
GEO_SEATS = """kab_code,kab_name,ibukota,lat,lon
75.01,Kabupaten Gorontalo,Limboto,0.6251,123.0095
"""
JURISDICTION = """polres_kabkota,covers,name
Kota Gorontalo,,Polresta Gorontalo Kota
"""
#: An example table (the Kodim numbers are illustrative): the Korem and five Kodim.
KODIM = """korem,kodim,kabkota
Korem 133/Nani Wartabone,Kodim 1304/Gorontalo,Kota Gorontalo
Korem 133/Nani Wartabone,Kodim 1304/Gorontalo,Kabupaten Gorontalo
Korem 133/Nani Wartabone,Kodim 1313/Pohuwato,Pohuwato
Korem 133/Nani Wartabone,Kodim 1314/Gorontalo Utara,Gorontalo Utara
Korem 133/Nani Wartabone,Kodim 1315/Boalemo,Boalemo
Korem 133/Nani Wartabone,Kodim 1316/Bone Bolango,Bone Bolango
"""
#: Jambi and its places: none may appear in anything this province's operation writes.
JAMBI_WORDS = ("Jambi", "Kerinci", "Sungai Penuh", "Muaro", "Batang Hari", "Batanghari",
               "Merangin", "Sarolangun", "Tebo", "Bungo", "Tanjung Jabung", "Tanjab", "Bute",
               "Sarko", "Siginjai", "Garuda Putih", "Bangko", "Kuala Tungkal", "Sengeti",
               "Muara Bulian", "Muara Sabak", "Siulak")
JAMBI = re.compile(r"\b(" + "|".join(re.escape(w) for w in JAMBI_WORDS) + r")\b", re.I)
HEAD = PatternFill("solid", fgColor="DDDDDD")


def desa_of(kecamatan: str) -> list[kemendagri.OfficialRegion]:
    return [r for r in kemendagri.official_regions(PROVINCE)
            if r.code.startswith(kecamatan + ".") and r.code.count(".") == 3]


def tps_rows() -> list[tuple[str, int, str, str, int, str]]:
    """(tps_id, number, desa code, desa name, voters, location) for 1-2 TPS per desa, and a
    prison TPS (901) in the first desa of Kota Barat."""
    rows = []
    for k, kec in enumerate(KECAMATAN):
        for d, desa in enumerate(desa_of(kec)):
            for n in range(1, 2 + (d + k) % 2):
                digits = desa.code.replace(".", "")
                rows.append((f"{digits}{n:03d}", n, desa.code, desa.name,
                             180 + (37 * (d + n + k)) % 380, "regular"))
    first = desa_of(KECAMATAN[0])[0]
    rows.append((f"{first.code.replace('.', '')}901", 901, first.code, first.name, 140,
                 "prison"))
    return rows


def write_tps_xlsx(path: Path) -> int:
    """The KPU list as an office saves it: a title row, a merged two-row header ("Wilayah"
    over desa_code and desa_name; tps_id, tps_no, voters and location_type merged down), and
    formatted empty rows below the table."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"] = "DAFTAR TPS PILKADA 2024 PROVINSI GORONTALO"
    ws.merge_cells("A1:F1")
    for col, name in (("A", "tps_id"), ("B", "tps_no"), ("E", "voters"),
                      ("F", "location_type")):
        ws[f"{col}3"] = name
        ws.merge_cells(f"{col}3:{col}4")
    ws["C3"] = "Wilayah"
    ws.merge_cells("C3:D3")
    ws["C4"], ws["D4"] = "desa_code", "desa_name"
    rows = tps_rows()
    for i, row in enumerate(rows, start=5):
        for j, value in enumerate(row, start=1):
            ws.cell(i, j, value)
    for i in range(len(rows) + 5, len(rows) + 9):  # empty rows that carry a format only
        ws.cell(i, 1).fill = HEAD
    wb.save(path)
    return len(rows)


#: The Polres as the skeleton names them (Kota Gorontalo's by the jurisdiction file).
POLRES = {"polres.75.01": "Polres Gorontalo", "polres.75.02": "Polres Boalemo",
          "polres.75.03": "Polres Bone Bolango", "polres.75.04": "Polres Pohuwato",
          "polres.75.05": "Polres Gorontalo Utara", "polres.75.71": "Polresta Gorontalo Kota"}
FIRST = ("Andi", "Budi", "Citra", "Dedi", "Eko", "Fajar", "Gita", "Hadi", "Indra", "Joko",
         "Kurnia", "Lukman", "Maya", "Nanda", "Oki", "Putra", "Rahmat", "Sari", "Taufik", "Yusuf")
LAST = ("Pakaya", "Hasan", "Mointi", "Lamato", "Daud", "Gobel", "Nusi", "Polapa", "Habibie",
        "Rahim", "Ismail", "Moha")


def roster_rows() -> list[tuple[str, ...]]:
    """A Kapolda and a Brimob company; each Polres a Kapolres, a Wakapolres, a Kabag Ops and
    bintara; every Polsek a Kapolsek and bintara, those with TPS more and Bhabinkamtibmas
    with their desa (a real roster's shape, with its Indonesian headers; NRP and names made
    up). Every Polsek is staffed: its kecamatan's PPK escort is a duty the plan fills,
    whether its TPS are imported yet or not."""
    rows: list[tuple[str, ...]] = []

    def add(rank: str, unit: str, branch: str, position: str = "", desa: str = "") -> None:
        i = len(rows)
        rows.append((f"{80 + i % 15:02d}01{i:04d}", f"{FIRST[i % 20]} {LAST[i // 20 % 12]}",
                     rank, unit, branch, position, desa))

    add("Irjen", "Polda Gorontalo", "Umum", "Kapolda Gorontalo")
    add("Kombes", "Sat Brimob Polda Gorontalo", "Brimob", "Dansat Brimob")
    for i in range(24):
        add(("Bharada", "Bharatu", "Bripda", "Briptu", "Bripka", "Ipda")[i % 6],
            "Sat Brimob Polda Gorontalo", "Brimob")
    for i in range(8):
        add(("Bripda", "Briptu", "Brigpol", "Aipda")[i % 4], "Dit Samapta Polda Gorontalo",
            "Samapta")
    for code, name in POLRES.items():
        head = "Kapolresta" if name.startswith("Polresta") else "Kapolres"
        add("Kombes" if head == "Kapolresta" else "AKBP", name, "Umum",
            f"{head} {name.split(' ', 1)[1]}")
        add("Kompol", name, "Umum", "Wakapolres")
        add("AKP", name, "Umum", "Kabag Ops")
        for i in range(10 if code in ("polres.75.71", "polres.75.01") else 3):
            add(("Bripda", "Briptu", "Brigpol", "Bripka", "Aipda", "Iptu")[i % 6], name,
                ("Samapta", "Lantas", "Intelkam", "Reskrim")[i % 4])
    for kec in (r.code for r in kemendagri.official_regions(PROVINCE) if r.code.count(".") == 2):
        unit = f"polsek.{kec}"
        add("Iptu", unit, "Umum", "Kapolsek")
        for i in range(6 if kec in KECAMATAN else 3):
            add(("Bripda", "Briptu", "Brigpol", "Bripka")[i % 4], unit, "Samapta")
        for desa in desa_of(kec)[:3] if kec in KECAMATAN else ():
            add("Aipda", unit, "Binmas", "Bhabinkamtibmas", desa.code)
    return rows


def write_roster(path: Path) -> int:
    rows = roster_rows()
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("NRP,Nama,Pangkat,Satuan,Fungsi,Jabatan,Desa Binaan\n")
        for r in rows:
            fh.write(",".join(r) + "\n")
    return len(rows)


def write_form(path: Path) -> None:
    """Bawaslu's TPS vulnerability form as desa supervisors fill it: a TPS with past
    violence and a conflict area, TPS hard to reach, one with money politics before."""
    ids = [r[0] for r in tps_rows()]
    lines = ["tps_id,desa_name,violence_history,conflict_area,hard_to_reach,"
             "money_politics_history"]
    for i, tps_id in enumerate(ids[:12]):
        lines.append(f"{tps_id},,{'ya' if i < 2 else 'tidak'},{'ya' if i < 3 else 'tidak'},"
                     f"{'ya' if i % 4 == 3 else 'tidak'},{'ya' if i == 5 else ''}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_example(where: Path | str) -> None:
    """The example's input files, as docs/own-operation.md uses them: the jurisdiction and
    Kodim tables, the TPS workbook, the roster and the Bawaslu form."""
    folder = Path(where)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "jurisdiction.csv").write_text(JURISDICTION, encoding="utf-8")
    (folder / "kodim.csv").write_text(KODIM, encoding="utf-8")
    write_tps_xlsx(folder / "daftar_tps.xlsx")
    write_roster(folder / "personil.csv")
    write_form(folder / "form_bawaslu.csv")


@dataclass
class Journey:
    folder: Path
    out: Path
    results: dict[str, Result] = field(default_factory=dict)

    def said(self, name: str) -> str:
        """What a command printed, its lines joined (a long path wraps a line)."""
        return " ".join(self.results[name].output.split())


@pytest.fixture(scope="module")
def journey(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Journey]:
    """The whole path once, every command's output kept by name."""
    root = tmp_path_factory.mktemp("own")
    inputs = root / "inputs"
    (inputs / "geo").mkdir(parents=True)
    (inputs / "geo" / "gorontalo_kecamatan.csv").write_text(GEO_KECAMATAN, encoding="utf-8")
    (inputs / "geo" / "gorontalo_ibukota_kabkota.csv").write_text(GEO_SEATS, encoding="utf-8")
    write_example(inputs)
    folder, out = root / "gorontalo", root / "out"
    j = Journey(folder, out)
    with fresh_database_url(root) as url:

        def run(name: str, *args: str) -> Result:
            result = runner.invoke(app, ["--db", url, *args])
            assert result.exit_code == 0, f"{name}: {result.output}"
            j.results[name] = result
            return result

        run("init", "scenario", "init", "--province", PROVINCE, "--out", str(folder),
            "--geo", str(inputs / "geo"), "--jurisdiction", str(inputs / "jurisdiction.csv"),
            "--kodim", str(inputs / "kodim.csv"))
        tni = folder / "tni.csv"  # the Polda fills in the TNI strength it was given
        tni.write_text(tni.read_text(encoding="utf-8").replace(",0\n", ",40\n"),
                       encoding="utf-8")
        races = (folder / "templates" / "races.csv").read_text(encoding="utf-8")
        (folder / "races.csv").write_text(re.sub(r",\n", ",2\n", races), encoding="utf-8")
        run("validate", "scenario", "validate", str(folder))
        run("load", "scenario", "load", str(folder))
        run("summary.empty", "summary")
        run("import.tps", "import", "tps", str(inputs / "daftar_tps.xlsx"))
        run("import.roster", "import", "roster", str(inputs / "personil.csv"))
        run("summary.imported", "summary", "--lang", "en")
        run("risk.import", "risk", "import", str(inputs / "form_bawaslu.csv"))
        run("risk.assess", "risk", "assess")
        run("plan.run", "plan", "run")
        run("plan.draft", "plan", "update", "--set-n", "polres.75.01=3", "--draft")
        run("plan.accept", "plan", "accept", "2")
        run("summary.done", "summary")
        run("plan.export", "plan", "export", "--out", str(out / "plan"), "--format", "all")
        for fmt in ("csv", "xlsx", "geojson"):
            run(f"risk.export.{fmt}", "risk", "export", "--format", fmt, "--out",
                str(out / "risk"))
        run("sitrep", "report", "sitrep", "--out", str(out / "sitrep.pdf"))
        yield j


def test_init_writes_a_skeleton_named_as_polri_names_it(journey: Journey) -> None:
    said = journey.said("init")
    assert "Pilkada Gorontalo 2024: 6 kab/kota, 77 kecamatan, 729 desa/kelurahan" in said
    assert "points from --geo: 5 regions" in said and "approximate points" in said
    units = (journey.folder / "units.csv").read_text(encoding="utf-8")
    assert "polres.75.71,Polresta Gorontalo Kota,polres,polda.75" in units  # the file's name
    assert "polres.75.01,Polres Gorontalo,polres" in units
    assert "polsek.75.71.01,Polsek Kota Barat,polsek,polres.75.71,0.542491,123.026654" in units
    assert "kodim.1304,Kodim 1304/Gorontalo,kodim,korem.133" in units
    assert re.search(r"korem\.133,Korem 133/Nani Wartabone,korem,,[-\d.]+,[-\d.]+,75,", units)
    # The Polres of Kabupaten Gorontalo stands at its seat (Limboto), from the --geo file.
    assert "polres.75.01,Polres Gorontalo,polres,polda.75,0.625100,123.009500,75.01," in units
    header = (journey.folder / "templates" / "roster.csv").read_text(encoding="utf-8")
    assert header.startswith("NRP,Nama,Pangkat,Satuan,Fungsi")
    assert "time_zone" not in (journey.folder / "scenario.toml").read_text(encoding="utf-8")


def test_the_skeleton_loads_and_says_what_is_missing(journey: Journey) -> None:
    loaded = journey.said("load")
    assert "0 TPS, 0 officers" in loaded
    assert "warning: belum ada TPS: jalankan `pollguard import tps FILE`" in loaded
    assert "belum ada personel: jalankan `pollguard import roster FILE`" in loaded
    empty = journey.said("summary.empty")
    for words in ("belum ada TPS", "belum ada personel", "belum ada data kerawanan: jalankan "
                  "`pollguard risk import FILE`", "belum ada pemetaan kerawanan"):
        assert words in empty
    assert "Belum lengkap" not in journey.said("summary.done")


def test_imports_fill_it_from_an_office_workbook(journey: Journey) -> None:
    n_tps = len(tps_rows())
    assert f"imported {n_tps} TPS in" in journey.said("import.tps")
    assert f"imported roster: {len(roster_rows())} added" in journey.said("import.roster")
    after = journey.said("summary.imported")
    assert "no TPS yet" not in after and "no officers yet" not in after
    assert "no vulnerability data yet: run `pollguard risk import FILE`" in after
    assert "no assessment yet: run `pollguard risk assess`" in after


def test_nothing_it_writes_or_says_names_jambi(journey: Journey) -> None:
    for name, result in journey.results.items():
        assert not JAMBI.search(result.output), (name, JAMBI.search(result.output))
    files = [p for p in journey.out.rglob("*") if p.is_file()]
    kinds = {p.suffix for p in files}
    assert {".docx", ".pdf", ".xlsx", ".txt", ".kml", ".geojson", ".csv"} <= kinds, kinds
    for path in files:
        if path.suffix == ".pdf":
            text = pdf_text(path)
        elif path.suffix == ".docx":
            text = docx_text(path)
        elif path.suffix == ".xlsx":
            text = xlsx_text(path)
        else:
            text = path.read_text(encoding="utf-8", errors="replace")
        found = JAMBI.search(text)
        assert not found, (path.name, found, text[max(0, found.start() - 80):found.end() + 80])


def test_the_sitrep_is_on_wita(journey: Journey) -> None:
    assert " WITA " in journey.said("sitrep")
    assert "WIB" not in journey.said("sitrep")
    text = pdf_text(journey.out / "sitrep.pdf")
    assert "WITA" in text and "WIB" not in text


def test_init_refuses_a_folder_that_holds_a_scenario(journey: Journey) -> None:
    again = runner.invoke(app, ["scenario", "init", "--province", "Gorontalo", "--out",
                                str(journey.folder)])
    assert again.exit_code == 1 and "already holds a scenario" in " ".join(again.output.split())


def test_jurisdiction_merges_kabkota_under_one_polres(tmp_path: Path) -> None:
    path = tmp_path / "j.csv"
    path.write_text("polres_kabkota,covers,hq\nGorontalo Utara,Boalemo,Boalemo\n"
                    "Gorontalo Utara,7503,\n", encoding="utf-8")
    polres = read_jurisdiction(path, PROVINCE)
    assert polres["75.05"].covers == ("75.02", "75.03") and polres["75.05"].hq == "75.02"
    made = scenarios.init_scenario(province="75", out=tmp_path / "s", jurisdiction=path)
    assert made.units["polres"] == 4
    units = (tmp_path / "s" / "units.csv").read_text(encoding="utf-8")
    assert "polres.75.05,Polres Gorontalo Utara,polres,polda.75," in units
    assert ",75.05 75.02 75.03," in units and "polres.75.02," not in units
    assert "polsek.75.02.04,Polsek Tilamuta,polsek,polres.75.05," in units
    assert scenarios.validate_scenario(folder=tmp_path / "s").summary().polres == 4


@pytest.mark.parametrize(("text", "expected"), [
    ("polres_kabkota,covers\nGorontalo,Boalemo\n",
     "j.csv:2:polres_kabkota: 'Gorontalo' is ambiguous in Gorontalo: Kabupaten Gorontalo "
     "(75.01), Kota Gorontalo (75.71); write the full name or the code"),
    ("polres_kabkota,covers\nKabupaten Gorontalo,Atlantis\n",
     "j.csv:2:covers: 'Atlantis' is not a kab/kota of Gorontalo (its kab/kota: Kabupaten "
     "Gorontalo (75.01)"),
    ("polres_kabkota,covers\n75.01,75.02\n75.03,75.02\n",
     "j.csv:3:covers: Kabupaten Boalemo is covered by the Polres of Kabupaten Gorontalo "
     "already (line 2)"),
    ("polres_kabkota,covers\n75.01,75.02\n75.02,75.03\n",
     "j.csv:3:polres_kabkota: Kabupaten Boalemo is covered by the Polres of Kabupaten "
     "Gorontalo (line 2): it has no Polres of its own"),
    ("polres_kabkota,covers\n15.01,\n", "j.csv:2:polres_kabkota: 15.01 is not a kab/kota of "
     "Gorontalo"),
])
def test_a_bad_jurisdiction_file_names_its_cell(tmp_path: Path, text: str,
                                                expected: str) -> None:
    path = tmp_path / "j.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInputError) as caught:
        read_jurisdiction(path, PROVINCE)
    assert any(str(p).startswith(expected) for p in caught.value.problems), caught.value


def test_a_bad_kodim_table_names_its_cell(tmp_path: Path) -> None:
    path = tmp_path / "k.csv"
    path.write_text("korem,kodim,kabkota\nKorem 133,Kodim 1304,Boalemo\n"
                    "Korem 133,Kodim 1313,Boalemo\nKorem Utara,Kodim 1304,Pohuwato\n"
                    "Korem 133,Kodim Tanpa Nomor,Pohuwato\n", encoding="utf-8")
    with pytest.raises(InvalidInputError) as caught:
        read_kodim(path, PROVINCE)
    assert [str(p) for p in caught.value.problems] == [
        "k.csv:3:kabkota: Kabupaten Boalemo is covered by kodim.1304 already (line 2)",
        "k.csv:4:korem: no number in 'Korem Utara' to make its code from: add a korem_code "
        "column",
        "k.csv:5:kodim: no number in 'Kodim Tanpa Nomor' to make its code from: add a "
        "kodim_code column"]


def test_national_point_files_give_the_province_its_real_points(shared_data: Path,
                                                                 tmp_path: Path) -> None:
    made = scenarios.init_scenario(province="Gorontalo", out=tmp_path / "g", geo=shared_data)
    assert made.geo_files == ("indonesia_kabkota_centroids.csv",
                              "indonesia_kecamatan_centroids.csv")
    assert made.from_geo == 6 + 77 and made.approximate["desa"] == 729


def test_the_page_lists_every_missing_item_as_the_commands_say_it() -> None:
    """docs/own-operation.md's table of what may still be missing is the catalogue's."""
    from pollguard import i18n

    page = (Path(__file__).resolve().parents[1] / "docs" / "own-operation.md").read_text(
        encoding="utf-8")
    texts = {k: v for k, v in i18n.catalogue("en").items()
             if k.startswith("todo.") and k != "todo.title"}
    assert len(texts) == 13
    for key, text in texts.items():
        assert text.replace("{n}", "N").replace("{names}", "NAMES") in page, key
