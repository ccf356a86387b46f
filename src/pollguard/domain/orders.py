"""What the operation's orders say about themselves: the Sprin's number, the dates, the legal
bases, who signs for which unit, the classification and who receives copies.

These are settings of the operation, not of the planner: every Polda names its operation,
numbers its orders and signs them itself, so none of this may be a Jambi constant. A
scenario carries them (``scenario.toml``'s ``[operation]`` table, docs/scenario-format.md);
whatever it leaves out the documents fill with a sensible default and *flag* as such
(``pollguard.reports.plan_docs.heading``), so that the Kabag Ops sees what to check before
the Kapolres signs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Signatory:
    """Who signs an order: his position as the signature block writes it ("KEPALA
    KEPOLISIAN RESOR KERINCI"), name, rank label ("AKBP") and NRP."""

    position: str
    name: str
    rank: str = ""
    nrp: str = ""


@dataclass(frozen=True, slots=True)
class UnitOrder:
    """One unit's own order (a Polres's, or the Polda's): its number, where it is issued and
    who signs it. Empty fields take the defaults."""

    number: str = ""  # "Sprin/1234/XI/PAM.3.3./2024"
    place: str = ""  # Dikeluarkan di: the town of the unit's headquarters
    signatory: Signatory | None = None
    copies_to: tuple[str, ...] = ()  # Tembusan of this unit's order, if not the operation's


@dataclass(frozen=True, slots=True)
class OperationSettings:
    """The operation's orders as the scenario gives them. Every field is optional.

    ``units`` is keyed by unit code (a Polres, or the Polda itself for the Polda's order of
    its pool). ``bases`` and ``considerations`` replace the defaults entirely when given,
    since a Polda's Dasar is a legal list, not something to merge."""

    name: str = ""  # "Operasi Mantap Praja Siginjai 2024"; default: from the election
    polda: str = ""  # the Polda's name in the kop ("JAMBI", "METRO JAYA"); default: province
    issued: dt.date | None = None  # Dikeluarkan pada tanggal; default: a week before voting
    start: dt.date | None = None  # the order's period; default: voting day -2 .. +2
    end: dt.date | None = None
    classification: str = ""  # default "RAHASIA"
    considerations: tuple[str, ...] = ()  # Pertimbangan
    bases: tuple[str, ...] = ()  # Dasar
    copies_to: tuple[str, ...] = ()  # Tembusan
    units: dict[str, UnitOrder] = field(default_factory=dict)

    def unit(self, code: str) -> UnitOrder:
        return self.units.get(code, UnitOrder())

    def as_dict(self) -> dict[str, object]:
        """Plain values (dates as ISO text), empty fields left out: what ``scenario.toml``'s
        ``[operation]`` table and the database's JSON column hold."""
        out: dict[str, object] = {}
        for key in ("name", "polda", "classification"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        for key in ("issued", "start", "end"):
            if getattr(self, key):
                out[key] = getattr(self, key).isoformat()
        for key in ("considerations", "bases", "copies_to"):
            if getattr(self, key):
                out[key] = list(getattr(self, key))
        units: dict[str, object] = {}
        for code, u in sorted(self.units.items()):
            entry: dict[str, object] = {k: getattr(u, k) for k in ("number", "place")
                                        if getattr(u, k)}
            if u.copies_to:
                entry["copies_to"] = list(u.copies_to)
            if u.signatory:
                entry["signatory"] = {k: getattr(u.signatory, k)
                                      for k in ("position", "name", "rank", "nrp")
                                      if getattr(u.signatory, k)}
            units[code] = entry
        if units:
            out["units"] = units
        return out

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> OperationSettings:
        """The inverse of ``as_dict`` (the values already checked: by the scenario folder's
        schema, or as stored)."""
        def day(key: str) -> dt.date | None:
            value = data.get(key)
            if isinstance(value, dt.date):
                return value
            return dt.date.fromisoformat(str(value)) if value else None

        def texts(source: dict[str, object], key: str) -> tuple[str, ...]:
            value = source.get(key) or ()
            assert isinstance(value, (list, tuple))
            return tuple(str(v) for v in value)

        units: dict[str, UnitOrder] = {}
        raw_units = data.get("units") or {}
        assert isinstance(raw_units, dict)
        for code, entry in raw_units.items():
            signed = entry.get("signatory")
            units[str(code)] = UnitOrder(
                number=str(entry.get("number", "")), place=str(entry.get("place", "")),
                signatory=Signatory(**{k: str(v) for k, v in signed.items()}) if signed
                else None, copies_to=texts(entry, "copies_to"))
        return cls(name=str(data.get("name", "")), polda=str(data.get("polda", "")),
                   issued=day("issued"), start=day("start"), end=day("end"),
                   classification=str(data.get("classification", "")),
                   considerations=texts(data, "considerations"), bases=texts(data, "bases"),
                   copies_to=texts(data, "copies_to"), units=units)
