"""The colours of the risk classes and of the map's other symbols: one definition for the
web map and its chips (the pages get them from the server, ``web/pages.py``), the PDF maps,
the KML and the workbooks, so that "sangat rawan" is one red everywhere.

Chosen to stay apart from one another and from the other symbols: the reserve teams' teal,
the posts' and the headquarters' navy, the grey of a TPS not assessed."""

from __future__ import annotations

from pollguard.domain.risk import RiskClass

#: Strong colours for map points and chips, per class.
CLASS_COLOUR = {RiskClass.KURANG_RAWAN: "#2e8b57", RiskClass.RAWAN: "#e67e22",
                RiskClass.SANGAT_RAWAN: "#c0392b", RiskClass.KHUSUS: "#7d3c98"}
#: Light fills for spreadsheet cells (as in the vulnerability workbook), per class.
CLASS_FILL = {RiskClass.SANGAT_RAWAN: "F4B6B6", RiskClass.RAWAN: "FBE3A5",
              RiskClass.KHUSUS: "E4D4EE", RiskClass.KURANG_RAWAN: "FFFFFF"}
UNKNOWN_COLOUR = "#98a2b3"  # a TPS without a class (not assessed, or not in the plan)
POST_COLOUR = "#14213d"
RESERVE_COLOUR = "#0b7285"
HQ_COLOUR = "#14213d"  # Polres headquarters (a square)
TNI_COLOUR = "#33691e"  # TNI posts (green as the army's)
#: Region outlines on paper: the land, the kecamatan lines, the kab/kota lines.
LAND_COLOUR = "#f7f5ee"
KECAMATAN_LINE = "#98a2b3"
KABKOTA_LINE = "#344054"


def css_variables() -> str:
    """The class colours as CSS custom properties (``--cls-sangat_rawan: #c0392b; ...``,
    ``--cls-none`` for no class): what every page's root element carries."""
    pairs = [(c.value, CLASS_COLOUR[c]) for c in RiskClass] + [("none", UNKNOWN_COLOUR)]
    return ";".join(f"--cls-{name}:{colour}" for name, colour in pairs)
