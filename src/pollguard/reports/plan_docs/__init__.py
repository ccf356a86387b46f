"""The deployment plan as the documents a Polda and its Polres work from, one module each:

- **The Sprin** (``sprin``, DOCX from a Word template a unit may replace, one per Polres and
  one for the Polda pool): the order itself, naming every officer of its annex; and its
  **change orders** (``amendment``, DOCX and PDF): who moves between two plan versions.
- **Plotting workbooks** (``workbooks``, XLSX, one per Polres and one for the Polda pool): the
  table behind the Sprin: command and staff (each Kapolsek as Kasubsatgas Pam TPS of his
  kecamatan), the Pawas and their clusters, a sheet per Polsek with one row per guard (his
  post's equipment and Pawas), the duties, the reserve teams (call sign, Danton, members),
  the TNI posts of its area, Linmas and force shortfalls, and a summary a Kapolres signs off.
- **Plotting annex** (``annex_pdf``, PDF, A4 landscape, one per Polres and one for the Polda
  pool): the workbook's officer lists as the Sprin's lampiran, with its header and signature
  block, to print and sign (rows from ``annex_rows``, shared with the workbooks).
- **Assignment cards** (``cards``, PDF, eight an A4 page with cut lines, and one an A6 page):
  what each officer carries on voting day, so that nobody needs the whole Sprin to know where
  to stand, with whom, what they guard and whom to call (his partner, Pawas and Kapolsek, the
  Polsek and the Posko, his team's Danton); and a card per reserve team for its Danton.
- **Rencana Pengamanan** (``summary``, HTML and PDF, drawn by ``summary_render``): the
  Polda's plan to sign, with kop, classification and the Kapolda's signature block, in staff
  order: situation, mission, force (``balance``), deployment per Polres, reserves and what
  they reach, TNI and Linmas, command and communications, shortfalls, and a map
  (``plan_map``); the optimiser's figures in a technical annex after the signature.
- **Geo files** (``geo``, GeoJSON and KML): the same posts, TPS, reserve and TNI points for a
  GIS, Google Earth or ATAK on a phone.
- **WhatsApp texts** (``whatsapp``, ``pesan_<unit>.txt``): each officer's assignment as a
  message, and the roll of each Polsek and reserve team for its group.

``command`` reads the command plan for all of them (who commands and supervises each post, the
names that go on paper), so a Pawas is named alike on a Sprin row, a card and the summary.

Everything is derived from a ``Plan`` and its ``Scenario``; the functions only write files. An
officer appears in the documents of the unit that commands the post, duty or reserve team they
serve at (a Polda-pool officer sent as BKO appears under the receiving Polres), so each
officer is plotted exactly once across all workbooks and cards. The PDF styles are
``pollguard.reports.pdf``'s, shared with the situation report.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pollguard.domain.plan import Plan
from pollguard.domain.scenario import Scenario
from pollguard.planning.view import PlanView
from pollguard.reports.plan_docs import (
    annex_pdf,
    cards,
    geo,
    sprin,
    summary,
    whatsapp,
    workbooks,
)
from pollguard.reports.plan_docs.amendment import (
    MoveText,
    describe,
    describe_plans,
    write_amendment,
)
from pollguard.reports.plan_docs.annex_pdf import write_annex_pdf
from pollguard.reports.plan_docs.balance import Balance, force_balance
from pollguard.reports.plan_docs.cards import write_assignment_cards
from pollguard.reports.plan_docs.common import file_stems, pattern
from pollguard.reports.plan_docs.geo import write_geo
from pollguard.reports.plan_docs.sprin import write_sprin
from pollguard.reports.plan_docs.summary import write_plan_summary
from pollguard.reports.plan_docs.whatsapp import write_texts
from pollguard.reports.plan_docs.workbooks import (
    BKO_SHEET,
    COMMAND_SHEET,
    DUTY_SHEET,
    LINMAS_SHEET,
    NON_PLOTTING_SHEETS,
    PAWAS_SHEET,
    RESERVE_SHEET,
    SHORTFALL_SHEET,
    SUMMARY_SHEET,
    TNI_SHEET,
    write_plotting_workbooks,
)

__all__ = ["BKO_SHEET", "COMMAND_SHEET", "DUTY_SHEET", "LINMAS_SHEET", "NON_PLOTTING_SHEETS",
           "PAWAS_SHEET", "RESERVE_SHEET", "SHORTFALL_SHEET", "SUMMARY_SHEET", "TNI_SHEET",
           "Balance", "MoveText", "describe", "describe_plans",
           "file_stems", "force_balance", "pattern", "write_all", "write_amendment",
           "write_annex_pdf", "write_assignment_cards",
           "write_geo", "write_plan_summary", "write_plotting_workbooks", "write_sprin",
           "write_texts"]


def write_all(plan: Plan, scenario: Scenario, out: Path, *, version: int | None = None,
              template: Path | None = None) -> list[Path]:
    """Every plan document into ``out``: the Sprin, workbooks, annex PDFs, cards, the
    summary, the geo files and the WhatsApp texts (the plan indexed once for all of them).
    ``version`` is the plan's number (the Rencana Pengamanan prints it); ``template`` a
    unit's own Sprin template."""
    ix = PlanView(plan, scenario)
    writers: tuple[Callable[[PlanView, Path], list[Path]], ...] = (
        lambda ix, out: sprin.write(ix, out, template), workbooks.write, annex_pdf.write,
        cards.write, lambda ix, out: summary.write(ix, out, version=version), geo.write,
        whatsapp.write)
    return [path for write in writers for path in write(ix, out)]
