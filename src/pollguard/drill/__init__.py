"""Drills (tactical floor games): replay a timeline of field reports and command actions
against a running command centre, at real or accelerated speed.

``timeline`` reads and checks the drill file (pure); ``client`` talks to the server over HTTP;
``resolve`` fits every line to the server's data (its TPS, officers and incidents) before
anything is sent; ``runner`` plays the resolved lines in time. Shipped drills are in
``drills/``."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from pollguard.drill.timeline import DrillFileError, Timeline, parse, parse_text

__all__ = ["DrillFileError", "Timeline", "find", "parse", "parse_text", "shipped"]


def shipped() -> list[str]:
    """The names of the drills that ship with PollGuard."""
    folder = resources.files("pollguard.drill").joinpath("drills")
    return sorted(p.name.removesuffix(".jsonl") for p in folder.iterdir()
                  if p.name.endswith(".jsonl"))


def find(name_or_path: str) -> Path:
    """A drill file: the path if it exists, else the shipped drill of that name."""
    path = Path(name_or_path)
    if path.exists() or name_or_path not in shipped():
        return path
    found = resources.files("pollguard.drill").joinpath("drills", f"{name_or_path}.jsonl")
    return Path(str(found))
