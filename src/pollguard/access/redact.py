"""Personal data typed into free text. Officers write incident texts and step notes in a
hurry ("Bripka Andi 81234567 luka, hubungi 0812-3456-7890"); those texts reach TNI and
KPU/Bawaslu accounts, which may not see NRP or phone numbers. Roles without
``personnel:read`` get the texts with both replaced. Pure.

What counts:
- a phone number: Indonesian mobile or fixed-line numbers, written with +62, 62 or 0 and
  optional spaces, dots, dashes or brackets (``0812-3456-7890``, ``+62 812 3456 7890``,
  ``(0741) 123456``): 9 to 15 digits in all;
- an NRP: eight digits standing alone (``81234567``). An eight-digit date (``27112024``)
  is redacted too: a false alarm costs a reader a date, a miss an officer's identity.
"""

from __future__ import annotations

import re

PHONE_MARK = "[nomor telepon]"
NRP_MARK = "[NRP]"

_SEP = r"[\s.\-]?"
_PHONE = re.compile(
    r"(?<![\w+])(?:\+62|62|0)" + _SEP + r"\(?\d{2,4}\)?" + _SEP
    + r"\d{3,4}" + _SEP + r"\d{2,4}(?:" + _SEP + r"\d{2,4})?(?![\w])"
    + r"|\(0\d{2,3}\)\s?\d{5,8}(?!\w)")
_NRP = re.compile(r"(?<![\w])\d{8}(?![\w])")


def _phone(match: re.Match[str]) -> str:
    digits = sum(ch.isdigit() for ch in match.group(0))
    return PHONE_MARK if 9 <= digits <= 15 else match.group(0)


def redact_personal(text: str) -> str:
    """``text`` with phone numbers and NRPs replaced by marks a reader understands."""
    if not text:
        return text
    return _NRP.sub(NRP_MARK, _PHONE.sub(_phone, text))
