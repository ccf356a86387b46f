"""The audit trail's seal: the secret key its hashes are keyed with and the append-only file
of signed checkpoints, both kept outside the database (docs/security.md, "Audit trail").

Where they are, from the environment:

- ``POLLGUARD_AUDIT_KEY``: the key itself, as 64 hex digits (for a secret store or a
  container's secret); else ``POLLGUARD_AUDIT_KEY_FILE``: a file holding it, created with
  permissions 0600 on first use when absent;
- ``POLLGUARD_AUDIT_CHECKPOINTS``: the checkpoint file (JSON Lines, only ever appended to);
- ``POLLGUARD_AUDIT_CHECKPOINT_EVERY``: how many entries between checkpoints (default 100);
- by default both files lie beside a SQLite database file (``pollguard.db.audit-key``,
  ``pollguard.db.audit-checkpoints``), or for a server database in ``POLLGUARD_STATE_DIR``
  (default ``~/.local/state/pollguard``) under a name made from the database's URL.

A production server should name both explicitly, on storage the database's administrators
cannot write (the key readable by the service account only), and back them up.
"""

from __future__ import annotations

import atexit
import datetime as dt
import hashlib
import logging
import os
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url

from pollguard.audit.chain import Checkpoint

ENV_KEY = "POLLGUARD_AUDIT_KEY"
ENV_KEY_FILE = "POLLGUARD_AUDIT_KEY_FILE"
ENV_CHECKPOINTS = "POLLGUARD_AUDIT_CHECKPOINTS"
ENV_EVERY = "POLLGUARD_AUDIT_CHECKPOINT_EVERY"
ENV_STATE_DIR = "POLLGUARD_STATE_DIR"
DEFAULT_EVERY = 100

log = logging.getLogger("pollguard.audit")


class AuditKeyError(RuntimeError):
    """The audit key cannot be read or is not a key."""


@dataclass(frozen=True)
class CheckpointFile:
    """What the checkpoint file holds: the authentic checkpoints and the lines that are not
    (forged, another key's, damaged), with their line numbers."""

    path: Path
    checkpoints: tuple[Checkpoint, ...] = ()
    bad_lines: tuple[int, ...] = ()

    @property
    def newest(self) -> Checkpoint | None:
        return max(self.checkpoints, key=lambda c: c.seq, default=None)


@dataclass
class AuditSeal:
    key_file: Path | None  # None: the key comes from the environment
    checkpoint_path: Path
    every: int = DEFAULT_EVERY
    key_hex: str | None = None
    _key: bytes | None = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _last_written: int = field(default=0, init=False)
    _last_committed: tuple[int, str] | None = field(default=None, init=False)
    _at_exit: bool = field(default=False, init=False)
    _read_cache: tuple[tuple[int, int, int], CheckpointFile] | None = field(
        default=None, init=False, repr=False)

    @property
    def key(self) -> bytes:
        """The key, read once; a key file that does not exist yet is made (0600)."""
        if self._key is None:
            with self._lock:
                if self._key is None:
                    self._key = _parse_key(self.key_hex, ENV_KEY) if self.key_hex else (
                        _read_or_create(self.key_file))
        return self._key

    @property
    def key_origin(self) -> str:
        return f"${ENV_KEY}" if self.key_hex else str(self.key_file)

    # Checkpoints -------------------------------------------------------------------------

    def read(self) -> CheckpointFile:
        """The checkpoint file, parsed and authenticated: again only when it changed (the
        audit page looks often, and the file only ever grows)."""
        try:
            st = os.stat(self.checkpoint_path)
        except FileNotFoundError:
            return CheckpointFile(self.checkpoint_path)
        stamp = (st.st_ino, st.st_size, st.st_mtime_ns)
        cached = self._read_cache
        if cached is not None and cached[0] == stamp:
            return cached[1]
        found = self._parse()
        self._read_cache = (stamp, found)
        return found

    def _parse(self) -> CheckpointFile:
        good: list[Checkpoint] = []
        bad: list[int] = []
        text = self.checkpoint_path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                c = Checkpoint.parse(line)
            except ValueError:
                bad.append(number)
                continue
            if c.authentic(self.key):
                good.append(c)
            else:
                bad.append(number)
        return CheckpointFile(self.checkpoint_path, tuple(good), tuple(bad))

    def write(self, seq: int, head: str) -> Checkpoint:
        """Append one signed checkpoint (O_APPEND: whole lines from several processes)."""
        at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        c = Checkpoint.sign(self.key, seq, head, at)
        self.checkpoint_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.checkpoint_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, (c.line() + "\n").encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
        with self._lock:
            self._last_written = max(self._last_written, seq)
        log.info("audit checkpoint %s", c.line())
        return c

    def committed(self, last: int, marks: list[tuple[int, str]], head: str) -> None:
        """A transaction that appended entries up to ``last`` committed: checkpoint
        each multiple of ``every`` among them, and remember the head for shutdown."""
        for seq, digest in marks:
            self.write(seq, digest)
        with self._lock:
            if self._last_committed is None or last > self._last_committed[0]:
                self._last_committed = (last, head)
            if not self._at_exit:
                self._at_exit = True
                atexit.register(self.close)

    def close(self) -> None:
        """On shutdown: checkpoint the newest entry this process wrote, unless done."""
        with self._lock:
            pending = self._last_committed
            due = pending is not None and pending[0] > self._last_written
        if due and pending is not None:
            try:
                self.write(*pending)
            except OSError:
                log.exception("could not write the audit checkpoint at shutdown")


def seal_for(url: str) -> AuditSeal:
    """The seal of the database at ``url``, placed as the environment says."""
    env = os.environ
    every = int(env.get(ENV_EVERY, "") or DEFAULT_EVERY)
    key_hex = env.get(ENV_KEY, "").strip() or None
    key_file = Path(env[ENV_KEY_FILE]) if env.get(ENV_KEY_FILE) else None
    checkpoints = Path(env[ENV_CHECKPOINTS]) if env.get(ENV_CHECKPOINTS) else None
    if key_file is None or checkpoints is None:
        base = _default_base(url)
        key_file = key_file or base.with_name(base.name + ".audit-key")
        checkpoints = checkpoints or base.with_name(base.name + ".audit-checkpoints")
    return AuditSeal(None if key_hex else key_file, checkpoints, max(1, every), key_hex)


def _default_base(url: str) -> Path:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return Path(parsed.database).resolve()
    state = Path(os.environ.get(ENV_STATE_DIR) or Path.home() / ".local/state/pollguard")
    tag = hashlib.sha256(parsed.render_as_string(hide_password=True).encode()).hexdigest()
    return state / f"{parsed.get_backend_name()}-{tag[:16]}"


def _parse_key(text: str, origin: str) -> bytes:
    try:
        key = bytes.fromhex(text.strip())
    except ValueError as exc:
        raise AuditKeyError(f"{origin}: the audit key must be 64 hex digits") from exc
    if len(key) < 32:
        raise AuditKeyError(f"{origin}: the audit key must be 64 hex digits (32 bytes)")
    return key


def _read_or_create(path: Path | None) -> bytes:
    assert path is not None
    try:
        return _parse_key(path.read_text(encoding="ascii"), str(path))
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return _parse_key(path.read_text(encoding="ascii"), str(path))
    key = secrets.token_bytes(32)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(key.hex() + "\n")
    log.warning("created the audit key %s: back it up; without it the audit trail cannot "
                "be verified", path)
    return key
