"""How the documents write numbers: Indonesian style (5.400 and 20,9), and what a table cell
holding a number looks like (HTML and PDF tables right-align it)."""

from __future__ import annotations

import re

#: A cell that reads as a number: 5.400, 20,9, −12 (a minus sign or a hyphen).
NUMBER = re.compile(r"[−-]?[\d.,]+")


def num(value: float, digits: int = 0) -> str:
    """Indonesian number style: 5.400 and 20,9."""
    text = f"{value:,.{digits}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")
