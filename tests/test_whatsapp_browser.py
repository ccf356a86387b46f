"""The WhatsApp texts and the plan change view in a real browser (Debian's Chromium), on the
small province (``small_web``): "Salin pesan WA" on the plotting page puts the officer's
message on the clipboard and says "Tersalin", "Salin daftar" the Polsek's roll; in the
workspace a draft's moves name each officer and place, accepting asks for confirmation first
(dismissed: nothing changes), and the replaced plan is then listed as superseded. Screenshots
at 1280 and 360 px wide ($POLLGUARD_SCREENSHOTS to keep them). The sitrep page copies its
WhatsApp text the same way."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from browser_support import log_in_with_password, ready, require_chromium, serving
from small_plan import GUARDS, PAWAS
from small_web import DRAFT, IN_FORCE, USERS, small_database

require_chromium()

from playwright.sync_api import Browser, Dialog, Page, expect  # noqa: E402

TIMEOUT = 30_000  # ms
WIDTHS = (1280, 360)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("small-browser")
    with small_database(folder) as database, serving(database, folder) as base:
        yield base


def _page(browser: Browser, server: str, user: str, width: int) -> Page:
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    return log_in_with_password(context.new_page(), server, user, USERS[user][0])


@pytest.mark.parametrize("width", WIDTHS)
def test_copy_an_officers_message_and_a_polsek_roll(browser: Browser, server: str,
                                                    shots: Path, width: int) -> None:
    page = _page(browser, server, "kerinci", width)
    page.goto(f"{server}/plotting")
    ready(page)
    row = page.locator(f'#plotting-table tr[data-nrp="{GUARDS[2].nrp}"]')
    button = row.locator('button[data-copy="wa"]')
    expect(button).to_have_text("Salin pesan WA")
    button.click()
    expect(button).to_have_text("Tersalin", timeout=TIMEOUT)
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "Brigpol Citra Lestari (NRP 86022222)" in copied
    assert "TPS 002 Desa Selam Paung" in copied and "Pawas:* Ipda Hasta Wibowo" in copied
    assert PAWAS.phone and PAWAS.phone in copied
    expect(button).to_have_text("Salin pesan WA", timeout=TIMEOUT)  # the label comes back
    polsek = page.locator('#rolls li[data-key="polsek.15.01.01"]')
    expect(polsek).to_contain_text("Polsek Gunung Raya")
    roll = polsek.locator('button[data-copy="roll"]')
    roll.click()
    expect(roll).to_have_text("Tersalin", timeout=TIMEOUT)
    text = page.evaluate("navigator.clipboard.readText()")
    assert "DAFTAR PERSONEL PAM TPS POLSEK GUNUNG RAYA" in text
    assert all(g.name in text for g in (GUARDS[1], GUARDS[2], GUARDS[3], GUARDS[4]))
    # the message is shown as text, never parsed: the page's own cell holds no markup
    assert page.locator("#rolls pre").first.evaluate("e => e.children.length") == 0
    page.screenshot(path=str(shots / f"plotting_wa_{width}.png"), full_page=True)
    page.context.close()


def test_the_workspace_names_moves_and_asks_before_accepting(browser: Browser, server: str,
                                                             shots: Path) -> None:
    for width in WIDTHS:  # the draft's diff at both widths, nothing accepted yet
        page = _page(browser, server, "kerinci", width)
        page.goto(f"{server}/workspace")
        ready(page)
        page.click(f'#plan-list tr[data-plan-id="{DRAFT}"]')
        expect(page.locator("#draft")).to_have_attribute("data-draft-id", str(DRAFT),
                                                         timeout=TIMEOUT)
        citra = page.locator(f'#moves tr[data-nrp="{GUARDS[2].nrp}"]')
        expect(citra).to_contain_text("Brigpol Citra Lestari")
        expect(citra).to_contain_text("TPS 001 Desa Seleman")
        expect(citra).to_contain_text("TPS 002 Desa Selam Paung")
        expect(page.locator("#amendment-docx")).to_have_attribute(
            "href", f"/api/v1/plans/{DRAFT}/amendment/{IN_FORCE}.docx")
        page.locator("#draft").scroll_into_view_if_needed()
        page.screenshot(path=str(shots / f"workspace_moves_{width}.png"), full_page=True)
        if width != WIDTHS[-1]:
            page.context.close()
    asked: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.click("#accept")
    expect(page.locator("#draft")).to_be_visible()
    assert len(asked) == 1 and f"#{DRAFT}" in asked[0] and "2 personel" in asked[0]
    row = page.locator(f'#plan-list tr[data-plan-id="{DRAFT}"]')
    expect(row).to_have_attribute("data-status", "draft")  # dismissed: nothing posted
    page.remove_listener("dialog", dismiss)
    page.once("dialog", lambda d: d.accept())
    page.click("#accept")
    expect(row).to_have_attribute("data-status", "accepted", timeout=TIMEOUT)
    replaced = page.locator(f'#plan-list tr[data-plan-id="{IN_FORCE}"]')
    expect(replaced).to_have_attribute("data-status", "superseded")
    expect(replaced).to_contain_text("Diganti")
    page.screenshot(path=str(shots / "workspace_superseded_360.png"), full_page=True)
    page.context.close()


def test_copy_the_sitrep_as_a_whatsapp_message(browser: Browser, server: str,
                                               shots: Path) -> None:
    """The sitrep page tells the report in words under its tables and "Salin untuk
    WhatsApp" puts the same text (the server's, sitrep_narrative) on the clipboard."""
    page = _page(browser, server, "kerinci", 1280)
    page.goto(f"{server}/sitrep")
    ready(page)
    expect(page.locator("#sitrep-narrative h3")).to_have_text([
        "I. Situasi umum", "II. Kejadian menonjol", "III. Tindakan yang telah diambil",
        "IV. Kesimpulan dan saran"])
    expect(page.locator("#sitrep-narrative")).to_contain_text("WIB")
    button = page.locator("#sitrep-copy-wa")
    expect(button).to_have_text("Salin untuk WhatsApp")
    button.click()
    expect(button).to_have_text("Tersalin", timeout=TIMEOUT)
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("*LAPORAN SITUASI*") and "*IV. KESIMPULAN DAN SARAN*" in copied
    assert copied == page.locator("#sitrep-wa").text_content()
    page.locator("[data-section=narrative]").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "sitrep_narrative_1280.png"), full_page=True)
    page.context.close()
