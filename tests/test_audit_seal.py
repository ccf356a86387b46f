"""The audit trail against someone who can write to the database: rows deleted at the end or
all of them, a row edited and every hash after it recomputed, two rows swapped, a checkpoint
forged. Each is caught by ``pollguard audit verify``, which exits 1 naming the first bad
entry; the key and the checkpoints live outside the database."""

from __future__ import annotations

import hashlib
import json
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from pollguard.audit.chain import GENESIS
from pollguard.cli.main import app
from pollguard.store import audit
from pollguard.store.database import Database, open_database
from pollguard.store.uow import UnitOfWork

runner = CliRunner()
EVERY = 10


@pytest.fixture
def sealed(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """A database with 25 entries, a checkpoint every 10, in files of this test's own."""
    monkeypatch.setenv("POLLGUARD_AUDIT_KEY_FILE", str(tmp_path / "keys" / "audit.key"))
    monkeypatch.setenv("POLLGUARD_AUDIT_CHECKPOINTS", str(tmp_path / "audit.checkpoints"))
    monkeypatch.setenv("POLLGUARD_AUDIT_CHECKPOINT_EVERY", str(EVERY))
    db = open_database(db_url)
    for k in range(25):
        with UnitOfWork(db) as uow:
            audit.append(uow.session, actor="tester", action="plan.create",
                         subject=f"plan {k + 1}", detail={"k": k})
    yield db
    db.dispose()


def _verify(db: Database) -> tuple[int, str]:
    r = runner.invoke(app, ["--db", db.engine.url.render_as_string(hide_password=False),
                            "audit", "verify"])
    return r.exit_code, r.output


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line]


def test_the_key_is_made_once_with_0600_and_checkpoints_are_written_every_n(
        sealed: Database, tmp_path: Path) -> None:
    key = tmp_path / "keys" / "audit.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and len(key.read_text().strip()) == 64
    assert [c["seq"] for c in _lines(tmp_path / "audit.checkpoints")] == [10, 20]
    code, out = _verify(sealed)
    assert code == 0 and "25 entries" in out and "checkpoint: entry 20" in out
    sealed.dispose()  # shutdown: the newest entry this process wrote is checkpointed
    assert [c["seq"] for c in _lines(tmp_path / "audit.checkpoints")] == [10, 20, 25]


def test_a_rolled_back_append_leaves_no_checkpoint(sealed: Database, tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), UnitOfWork(sealed) as uow:
        for k in range(10):
            audit.append(uow.session, actor="t", action="x", subject=str(k))
        raise RuntimeError("the import failed")
    assert [c["seq"] for c in _lines(tmp_path / "audit.checkpoints")] == [10, 20]
    assert _verify(sealed)[0] == 0


def test_deleting_the_newest_entries_is_caught_by_the_checkpoint(sealed: Database) -> None:
    sealed.dispose()  # checkpoint at 25
    with sealed.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE seq > 22"))
    code, out = _verify(sealed)
    assert code == 1
    assert "broken at entry 23" in out and "the log ends at 22 but a checkpoint says 25" in out


def test_deleting_every_entry_is_caught(sealed: Database) -> None:
    with sealed.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log"))
    code, out = _verify(sealed)
    assert code == 1 and "the log ends at 0 but a checkpoint says 20" in out


def test_an_edit_rechained_without_the_key_is_caught(sealed: Database) -> None:
    """The attacker edits entry 3 and recomputes every link after it, as the plain SHA-256
    chain allowed; without the key the links do not hold."""
    with sealed.engine.begin() as conn:
        rows = conn.execute(text("SELECT seq, at, actor, action, subject, detail FROM "
                                 "audit_log ORDER BY seq")).all()
        prev = GENESIS
        for seq, at, actor, action, subject, detail in rows:
            if seq == 3:
                actor = "someone else"
            body = json.dumps([prev, seq, at, actor, action, subject, detail],
                              separators=(",", ":"), ensure_ascii=False)
            digest = hashlib.sha256(body.encode()).hexdigest()
            conn.execute(text("UPDATE audit_log SET actor = :a, prev_hash = :p, hash = :h "
                              "WHERE seq = :s"), {"a": actor, "p": prev, "h": digest, "s": seq})
            prev = digest
    code, out = _verify(sealed)
    assert code == 1 and "broken at entry 1" in out and "keyed hash" in out


def test_swapping_two_entries_is_caught(sealed: Database) -> None:
    with sealed.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET seq = -1 WHERE seq = 7"))
        conn.execute(text("UPDATE audit_log SET seq = 7 WHERE seq = 8"))
        conn.execute(text("UPDATE audit_log SET seq = 8 WHERE seq = -1"))
    code, out = _verify(sealed)
    assert code == 1 and "broken at entry 7" in out


def test_a_forged_or_removed_checkpoint_file_is_caught(sealed: Database, tmp_path: Path) -> None:
    path = tmp_path / "audit.checkpoints"
    forged = dict(_lines(path)[-1], seq=5)
    with path.open("a") as f:
        f.write(json.dumps(forged) + "\n")
    code, out = _verify(sealed)
    assert code == 1 and "line(s) 3 are not checkpoints signed with this audit key" in out
    path.unlink()
    code, out = _verify(sealed)
    assert code == 1 and "no checkpoint in" in out and "25 entries" in out


def test_another_key_does_not_verify(sealed: Database, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLLGUARD_AUDIT_KEY_FILE", str(tmp_path / "other.key"))
    other = open_database(sealed.engine.url.render_as_string(hide_password=False))
    try:
        code, out = _verify(other)
    finally:
        other.dispose()
    assert code == 1 and "broken at entry 1" in out
