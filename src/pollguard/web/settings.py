"""Server settings, from the environment (all optional: the defaults serve the demo)."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field


def _env(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


@dataclass(frozen=True)
class WebSettings:
    # A basemap such as "https://tile.example/{z}/{x}/{y}.png", or a local tile server at an
    # air-gapped post. None: the map draws the scenario's own regions and nothing else.
    tile_url: str | None = field(default_factory=lambda: _env("POLLGUARD_TILE_URL"))
    tile_attribution: str = field(
        default_factory=lambda: _env("POLLGUARD_TILE_ATTRIBUTION") or "")
    # Behind HTTPS (any real deployment) cookies must be Secure; plain http on 127.0.0.1 for the
    # demo and tests.
    secure_cookies: bool = field(
        default_factory=lambda: (_env("POLLGUARD_SECURE_COOKIES") or "0") in ("1", "true"))
    export_dir: str = field(default_factory=lambda: _env("POLLGUARD_EXPORT_DIR") or (
        tempfile.mkdtemp(prefix="pollguard-exports-")))
    # Run the escalation clock inside the server (off: escalate with `pollguard ops escalate`
    # from cron, or in tests that drive the clock themselves).
    escalate: bool = field(
        default_factory=lambda: (_env("POLLGUARD_ESCALATE") or "1") in ("1", "true"))
