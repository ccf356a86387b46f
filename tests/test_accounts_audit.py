"""Accounts (validation, sessions, tokens) and the hash-chained audit trail, through the
services and the command line."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from typer.testing import CliRunner

from pollguard.access import MATRIX, Permission, Role, Scope
from pollguard.audit.chain import GENESIS, Entry, link, verify
from pollguard.cli.main import app
from pollguard.services import accounts
from pollguard.store import audit
from pollguard.store.database import Database
from pollguard.store.uow import UnitOfWork

runner = CliRunner()


def test_polda_command_holds_every_permission_and_observers_no_personnel() -> None:
    assert MATRIX[Role.POLDA_COMMAND] == frozenset(Permission)
    for role in (Role.TNI_LIAISON, Role.OBSERVER, Role.FIELD_OFFICER):
        assert Permission.PERSONNEL_READ not in MATRIX[role]
    assert Permission.RESERVE_READ not in MATRIX[Role.OBSERVER]
    assert MATRIX[Role.FIELD_OFFICER] == {Permission.OWN_ASSIGNMENT, Permission.REPORT_WRITE}


def test_scopes_follow_the_command_structure(loaded_db: Database) -> None:
    from pollguard.store import repository as repo

    with UnitOfWork(loaded_db) as uow:
        scenario = repo.load_scenario(uow.session)
    assert scenario is not None
    polres = Scope.of_unit(scenario, "polres.15.01")
    polsek = Scope.of_unit(scenario, "polsek.15.01.01")
    assert Scope.of_unit(scenario, None).everything
    assert polres.kecamatan and polsek.kecamatan == {"15.01.01"}
    assert polsek.kecamatan < polres.kecamatan and polsek.polres == {"polres.15.01"}
    assert all(k.startswith("15.01.") or k.startswith("15.72.") for k in polres.kecamatan)
    with pytest.raises(LookupError):
        Scope.of_unit(scenario, "polres.99.99")


KEY = bytes(range(32))


def _chain(n: int) -> list[Entry]:
    out, prev = [], GENESIS
    for seq in range(1, n + 1):
        at, detail = f"2024-11-27T0{seq % 10}:00:00", json.dumps({"n": seq})
        h = link(KEY, prev, seq, at, "cli", "plan.create", f"plan {seq}", detail)
        out.append(Entry(seq, at, "cli", "plan.create", f"plan {seq}", detail, prev, h))
        prev = h
    return out


@settings(max_examples=60, deadline=None)
@given(n=st.integers(2, 12), data=st.data())
def test_any_single_change_to_the_chain_is_found_where_it_was_made(n: int,
                                                                     data: st.DataObject) -> None:
    entries = _chain(n)
    assert verify(entries, KEY).ok and verify(entries, KEY).entries == n
    i = data.draw(st.integers(0, n - 1))
    field = data.draw(st.sampled_from(["actor", "action", "subject", "detail", "at"]))
    tampered = list(entries)
    tampered[i] = dataclasses.replace(entries[i], **{field: getattr(entries[i], field) + "x"})
    assert verify(tampered, KEY).broken_at == i + 1
    deleted = entries[:i] + entries[i + 1:]
    if i < n - 1:
        assert verify(deleted, KEY).broken_at == i + 1  # the missing entry is named


def test_audit_verify_names_the_one_altered_row(db: Database, tmp_path: Path) -> None:
    with UnitOfWork(db) as uow:
        for k in range(5):
            audit.append(uow.session, actor="tester", action="plan.create", subject=f"plan {k}",
                         detail={"k": k})
    ok = runner.invoke(app, ["--db", db.engine.url.render_as_string(hide_password=False),
                             "audit", "verify"])
    assert ok.exit_code == 0 and "5 entries" in ok.output
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'someone else' WHERE seq = 3"))
    broken = runner.invoke(app, ["--db", db.engine.url.render_as_string(hide_password=False),
                                 "audit", "verify"])
    assert broken.exit_code == 1 and "broken at entry 3" in broken.output


def test_accounts_are_checked_against_the_scenario(loaded_db: Database) -> None:
    bad = [dict(username="Bad Name", password="long-enough", role=Role.OBSERVER),
           dict(username="short", password="x", role=Role.OBSERVER),
           dict(username="kapolres", password="long-enough", role=Role.POLRES_OPS),
           dict(username="kapolres", password="long-enough", role=Role.POLRES_OPS,
                unit_code="polsek.15.01.01"),
           dict(username="petugas", password="long-enough", role=Role.FIELD_OFFICER,
                nrp="00000000"),
           dict(username="tni", password="long-enough", role=Role.TNI_LIAISON,
                unit_code="polres.15.01")]
    for kwargs in bad:
        with pytest.raises(accounts.AccountError):
            accounts.create_user(db=loaded_db, **kwargs)  # type: ignore[arg-type]
    assert accounts.listing(db=loaded_db) == []
    made = accounts.create_user(db=loaded_db, username="kapolres", password="long-enough",
                                role=Role.POLRES_OPS, unit_code="polres.15.01")
    assert made.unit_code == "polres.15.01"
    with pytest.raises(accounts.AccountError, match="exists"):
        accounts.create_user(db=loaded_db, username="kapolres", password="long-enough",
                             role=Role.OBSERVER)


def test_sessions_expire_and_tokens_act_as_their_account(loaded_db: Database) -> None:
    accounts.create_user(db=loaded_db, username="kpu", password="long-enough",
                         role=Role.OBSERVER)
    now = dt.datetime.now(dt.UTC)
    who, token = accounts.login(db=loaded_db, username="kpu", password="long-enough",
                                address="127.0.0.1", now=now)
    assert who.csrf and accounts.session_principal(db=loaded_db, token=token) is not None
    later = now + dt.timedelta(hours=accounts.SESSION_HOURS, minutes=1)
    assert accounts.session_principal(db=loaded_db, token=token, now=later) is None
    with pytest.raises(accounts.LoginRefusedError):
        accounts.login(db=loaded_db, username="kpu", password="wrong-one", address="x")
    api = accounts.create_token(db=loaded_db, username="kpu", name="dashboard")
    by_token = accounts.token_principal(db=loaded_db, token=api)
    assert by_token is not None and by_token.role == Role.OBSERVER and by_token.csrf is None
    assert accounts.token_principal(db=loaded_db, token=api + "x") is None


def test_user_commands_and_a_draft_from_the_command_line(demo_db_url: str,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    base = ["--db", demo_db_url]
    monkeypatch.setenv("POLLGUARD_NEW_PASSWORD", "a-long-password")
    added = runner.invoke(app, [*base, "user", "add", "kasat", "--role", "polres_ops",
                                "--unit", "polres.15.71"])
    assert added.exit_code == 0, added.output
    refused = runner.invoke(app, [*base, "user", "add", "kasat2", "--role", "polres_ops"])
    assert refused.exit_code == 1 and "polres" in refused.output
    token = runner.invoke(app, [*base, "user", "token", "kasat"])
    assert token.exit_code == 0 and token.stdout.strip().startswith("pgt_")
    draft = runner.invoke(app, [*base, "plan", "update", "--set-n", "polres.15.71=5",
                                "--draft", "--json"])
    assert draft.exit_code == 0, draft.output
    plan_id = json.loads(draft.stdout)["plan_id"]
    listed = runner.invoke(app, [*base, "plan", "list"])
    assert "draft" in listed.output
    accepted = runner.invoke(app, [*base, "plan", "accept", str(plan_id)])
    assert accepted.exit_code == 0 and f"#{plan_id}" in accepted.output
    assert runner.invoke(app, [*base, "plan", "accept", str(plan_id)]).exit_code == 1
    log = runner.invoke(app, [*base, "audit", "list"])
    assert "plan.accept" in log.output and "account.create" in log.output
    assert runner.invoke(app, [*base, "audit", "verify"]).exit_code == 0
