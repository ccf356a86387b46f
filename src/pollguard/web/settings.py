"""Server settings, from the environment (all optional: the defaults serve the demo)."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass, field

from pollguard.operations.field_reports import MAX_AGE


def _env(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


# One megabyte: a field report is under 3 kB, and a re-plan that changes the class of every TPS
# in a province a few hundred kB. Larger bodies are refused before they are read.
DEFAULT_MAX_BODY_BYTES = 1_048_576


def forwarded_allow_ips() -> str:
    """The proxies whose ``X-Forwarded-For`` (and ``-Proto``) the server believes, for uvicorn's
    ``forwarded_allow_ips``: comma-separated addresses or networks (``*`` for any), from
    ``POLLGUARD_FORWARDED_ALLOW_IPS``. The default is the machine itself, for a reverse proxy on
    the same host; ``none`` believes no one. From any other peer the header is ignored and the
    address is the connection's, so a made-up header cannot dodge the per-address login limit.
    The app itself only ever reads the ASGI scope's client (``request.client``)."""
    value = _env("POLLGUARD_FORWARDED_ALLOW_IPS") or "127.0.0.1,::1"
    return "" if value.lower() == "none" else value


def _number(name: str, unit: str, kind: type[float] | type[int] = float) -> float | None:
    """The number ``$name`` holds (None when unset); a clear error naming it otherwise. A
    whole number is read as one: ``1.000`` is refused, not taken for 1 (or 1000)."""
    value = _env(name)
    if value is None:
        return None
    try:
        return kind(value)
    except ValueError:
        whole = "whole " if kind is int else ""
        raise ValueError(f"{name} must be a {whole}number of {unit}, not {value!r}") from None


def _max_body_bytes() -> int:
    limit = _number("POLLGUARD_MAX_BODY_BYTES", "bytes", int)
    if limit is None:
        return DEFAULT_MAX_BODY_BYTES
    if limit < 1:
        raise ValueError(f"POLLGUARD_MAX_BODY_BYTES must be at least 1, not {limit:g}")
    return int(limit)


def _report_max_age() -> dt.timedelta | None:
    hours = _number("POLLGUARD_REPORT_MAX_AGE_H", "hours")
    if hours is None:
        return MAX_AGE
    return None if hours <= 0 else dt.timedelta(hours=hours)


@dataclass(frozen=True)
class WebSettings:
    # A basemap such as "https://tile.example/{z}/{x}/{y}.png", or a local tile server at an
    # air-gapped post. None: the map draws the scenario's own regions and nothing else.
    tile_url: str | None = field(default_factory=lambda: _env("POLLGUARD_TILE_URL"))
    tile_attribution: str = field(
        default_factory=lambda: _env("POLLGUARD_TILE_ATTRIBUTION") or "")
    # A raster tile archive (MBTiles or PMTiles) the command post brought: the server itself
    # serves it at /tiles/{z}/{x}/{y}, so the map has roads and rivers with no internet. Also
    # `pollguard serve --tiles PATH`. Either this or tile_url, not both.
    tiles: str | None = field(default_factory=lambda: _env("POLLGUARD_TILES"))
    # Behind HTTPS (any real deployment) cookies must be Secure; plain http on 127.0.0.1 for the
    # demo and tests.
    secure_cookies: bool = field(
        default_factory=lambda: (_env("POLLGUARD_SECURE_COOKIES") or "0") in ("1", "true"))
    export_dir: str = field(default_factory=lambda: _env("POLLGUARD_EXPORT_DIR") or (
        tempfile.mkdtemp(prefix="pollguard-exports-")))
    # Write the documents of the plan in force in the background when it is accepted (and at
    # start-up): downloads are then files on disk. Off in the test suite, which builds them
    # only where it checks this.
    prebuild: bool = field(
        default_factory=lambda: (_env("POLLGUARD_PREBUILD_DOCUMENTS") or "1") in ("1", "true"))
    # A unit's own Word templates (``sprin.docx``, ``sprin_perubahan.docx``: its letterhead
    # and logo around PollGuard's tags) replacing the shipped ones; None: the shipped ones.
    template_dir: str | None = field(default_factory=lambda: _env("POLLGUARD_TEMPLATE_DIR"))
    # Run the escalation clock inside the server (off: escalate with `pollguard ops escalate`
    # from cron, or in tests that drive the clock themselves).
    escalate: bool = field(
        default_factory=lambda: (_env("POLLGUARD_ESCALATE") or "1") in ("1", "true"))
    # The largest request body accepted, in bytes (413 past it, read from Content-Length or
    # counted as the body streams in).
    max_body_bytes: int = field(default_factory=_max_body_bytes)
    # How old a field report's sent_at (the phone's clock) may be: 72 hours by default, a
    # phone offline from voting day through the count; 0 for no limit (a drill replayed with
    # `--clock script` into a review database). A sent_at ahead of the server by more than
    # 15 minutes is always refused.
    report_max_age: dt.timedelta | None = field(default_factory=_report_max_age)

    def __post_init__(self) -> None:
        if self.tiles and self.tile_url:
            raise ValueError("POLLGUARD_TILES dan POLLGUARD_TILE_URL keduanya diisi: pilih satu "
                             "peta dasar / POLLGUARD_TILES and POLLGUARD_TILE_URL are both set: "
                             "choose one basemap")
