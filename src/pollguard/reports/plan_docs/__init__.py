"""The deployment plan as the documents a Polda and its Polres work from, one module each:

- **Plotting workbooks** (``workbooks``, XLSX, one per Polres and one for the Polda pool): the
  table behind the Sprin: command and staff (each Kapolsek as Kasubsatgas Pam TPS of his
  kecamatan), the Pawas and their clusters, a sheet per Polsek with one row per guard (his
  post's equipment and Pawas), the duties, the reserve teams (call sign, Danton, members),
  the TNI posts of its area, Linmas and force shortfalls, and a summary a Kapolres signs off.
- **Assignment cards** (``cards``, PDF, one page per officer): what each officer carries on
  voting day, so that nobody needs the whole Sprin to know where to stand, with whom, what
  they guard and whom to call (his Pawas and Kapolsek, his team's Danton).
- **Rencana Pengamanan** (``summary``, HTML and PDF): the force balance (``balance``), who
  commands and supervises, posts, equipment, reserve teams, TNI per Kodim, shortfalls in the
  order the plan gave them up, how roles were inferred, and a map (``plan_map``), for the
  briefing and the tactical floor game (TFG).
- **Geo files** (``geo``, GeoJSON and KML): the same posts, TPS, reserve and TNI points for a
  GIS, Google Earth or ATAK on a phone.

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
from pollguard.reports.plan_docs import cards, geo, summary, workbooks
from pollguard.reports.plan_docs.balance import Balance, force_balance
from pollguard.reports.plan_docs.cards import write_assignment_cards
from pollguard.reports.plan_docs.common import file_stems, pattern
from pollguard.reports.plan_docs.geo import write_geo
from pollguard.reports.plan_docs.summary import write_plan_summary
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
           "Balance",
           "file_stems", "force_balance", "pattern", "write_all", "write_assignment_cards",
           "write_geo", "write_plan_summary", "write_plotting_workbooks"]


def write_all(plan: Plan, scenario: Scenario, out: Path) -> list[Path]:
    """Every plan document into ``out``: workbooks, cards, the summary and the geo files
    (the plan indexed once for all of them)."""
    ix = PlanView(plan, scenario)
    writers: tuple[Callable[[PlanView, Path], list[Path]], ...] = (
        workbooks.write, cards.write, summary.write, geo.write)
    return [path for write in writers for path in write(ix, out)]
