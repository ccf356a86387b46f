"""Account use cases: create accounts and tokens, log in (rate-limited), resolve a session or
token to the principal acting. Every change is written to the audit trail."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from pollguard.access import Role
from pollguard.domain.forces import UnitKind
from pollguard.domain.risk import RiskClass
from pollguard.store import accounts as store
from pollguard.store import audit, plans
from pollguard.store import repository as repo
from pollguard.store.database import Database
from pollguard.store.tables import UserRecord
from pollguard.store.uow import UnitOfWork

SESSION_HOURS = 12  # one shift
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20
FAILURE_WINDOW = dt.timedelta(minutes=15)
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,59}$")
MIN_PASSWORD = 8

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("pollguard-timing-equaliser")


class AccountError(ValueError):
    """An account request that cannot be carried out (the message says why)."""


class LoginRefusedError(PermissionError):
    """Wrong username or password (never says which)."""


class TooManyFailuresError(PermissionError):
    def __init__(self, retry_after_s: int) -> None:
        super().__init__(f"too many failed logins: try again in {retry_after_s} s")
        self.retry_after_s = retry_after_s


@dataclass(frozen=True)
class Principal:
    """Who is acting: an account, through a browser session (with its CSRF token) or an API
    token."""

    user_id: int
    username: str
    display_name: str
    role: Role
    unit_code: str | None
    nrp: str | None
    csrf: str | None = None  # set for browser sessions only
    via: str = "session"

    @property
    def actor(self) -> str:
        """Who did something, as the audit trail and the plans store it: "polres (polres_ops)"
        (the role's code, so that the record reads the same in every language)."""
        return f"{self.username} ({self.role.value})"


def actor_label(actor: str, lang: str) -> str:
    """A stored ``Principal.actor`` as a page shows it: the role by its name in ``lang``
    ("polres (Operasional Polres)"); any other actor ("cli", "system") as it is."""
    user, sep, rest = actor.rpartition(" (")
    code = rest[:-1] if sep and rest.endswith(")") else ""
    return f"{user} ({Role(code).label(lang)})" if code in set(Role) else actor


def _principal(u: UserRecord, *, csrf: str | None, via: str) -> Principal:
    return Principal(u.id, u.username, u.display_name, Role(u.role), u.unit_code, u.nrp,
                     csrf, via)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(t: dt.datetime) -> dt.datetime:
    """SQLite hands timestamps back without their zone; they were stored in UTC."""
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def create_user(*, db: Database, username: str, password: str, role: Role,
                display_name: str = "", unit_code: str | None = None, nrp: str | None = None,
                actor: str = "cli") -> Principal:
    """Add an account. A Polres or Polsek account names its unit; a field officer their NRP;
    both must exist in the loaded scenario."""
    with UnitOfWork(db) as uow:
        _check_new(uow, username, password, role, unit_code, nrp)
        rec = UserRecord(username=username, display_name=display_name or username,
                         role=role.value, unit_code=unit_code, nrp=nrp,
                         password_hash=_hasher.hash(password), active=True, created_at=_now())
        uow.session.add(rec)
        uow.session.flush()
        audit.append(uow.session, actor=actor, action="account.create", subject=username,
                     detail={"role": role.value, "unit": unit_code, "nrp": nrp})
        return _principal(rec, csrf=None, via="session")


def _check_new(uow: UnitOfWork, username: str, password: str, role: Role,
               unit_code: str | None, nrp: str | None) -> None:
    if not USERNAME.match(username):
        raise AccountError("username: 3-60 lowercase letters, digits, '.', '_' or '-'")
    if store.by_username(uow.session, username) is not None:
        raise AccountError(f"account {username} exists already")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"password: at least {MIN_PASSWORD} characters")
    kinds = {u.code: u.kind for u in repo.units(uow.session)}
    wanted = {"polres": UnitKind.POLRES, "polsek": UnitKind.POLSEK}.get(role.scoped_to or "")
    if wanted is not None:
        if unit_code is None or kinds.get(unit_code) != wanted:
            raise AccountError(f"a {role.value} account needs the code of a {wanted.value} "
                               f"in the loaded scenario (got {unit_code!r})")
    elif unit_code is not None:
        raise AccountError(f"a {role.value} account is not tied to a unit")
    if role == Role.FIELD_OFFICER:
        if nrp is None or nrp not in repo.officer_nrps(uow.session):
            raise AccountError(f"a field officer account needs the NRP of an officer in the "
                               f"loaded scenario (got {nrp!r})")
    elif nrp is not None:
        raise AccountError("only field officer accounts carry an NRP")


def login(*, db: Database, username: str, password: str, address: str,
          now: dt.datetime | None = None) -> tuple[Principal, str]:
    """Check the password and open a session: the principal and the session token.

    Failed attempts are counted per account and per address over 15 minutes; past the limit
    every attempt is refused (``TooManyFailuresError``) without checking the password."""
    now = now or _now()
    with UnitOfWork(db) as uow:
        by_user, by_addr = store.failures_since(uow.session, username=username,
                                                address=address, since=now - FAILURE_WINDOW)
        if by_user >= MAX_FAILURES_PER_ACCOUNT or by_addr >= MAX_FAILURES_PER_ADDRESS:
            raise TooManyFailuresError(int(FAILURE_WINDOW.total_seconds()))
        user = store.by_username(uow.session, username)
        if not _password_ok(user, password):
            store.record_failure(uow.session, username=username, address=address, now=now)
            audit.append(uow.session, actor=f"{username} @ {address}", action="login.failed",
                         subject=username)
        else:
            assert user is not None
            store.clear_failures(uow.session, username=username)
            store.drop_expired_sessions(uow.session, now)
            token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
            store.add_session(uow.session, token=token, user_id=user.id, csrf=csrf, now=now,
                              expires_at=now + dt.timedelta(hours=SESSION_HOURS))
            return _principal(user, csrf=csrf, via="session"), token
    raise LoginRefusedError("wrong username or password")


def _password_ok(user: UserRecord | None, password: str) -> bool:
    try:
        if user is None or not user.active:
            _hasher.verify(_DUMMY_HASH, password)  # same work either way
            return False
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def session_principal(*, db: Database, token: str,
                      now: dt.datetime | None = None) -> Principal | None:
    now = now or _now()
    with UnitOfWork(db) as uow:
        found = store.find_session(uow.session, token)
        if found is None or _aware(found.expires_at) < now:
            return None
        user = store.by_id(uow.session, found.user_id)
        if user is None or not user.active:
            return None
        return _principal(user, csrf=found.csrf, via="session")


def logout(*, db: Database, token: str) -> None:
    with UnitOfWork(db) as uow:
        store.drop_session(uow.session, token)


def create_token(*, db: Database, username: str, name: str, actor: str = "cli") -> str:
    """A new API token for a machine acting as ``username``; shown once, stored hashed."""
    token = "pgt_" + secrets.token_urlsafe(32)
    with UnitOfWork(db) as uow:
        user = store.by_username(uow.session, username)
        if user is None:
            raise AccountError(f"no account {username}")
        store.add_token(uow.session, token=token, user_id=user.id, name=name, now=_now())
        audit.append(uow.session, actor=actor, action="token.create", subject=username,
                     detail={"name": name})
    return token


def token_principal(*, db: Database, token: str) -> Principal | None:
    with UnitOfWork(db) as uow:
        found = store.find_token(uow.session, token)
        user = store.by_id(uow.session, found.user_id) if found else None
        if user is None or not user.active:
            return None
        return _principal(user, csrf=None, via="token")


def token_principals(*, db: Database, tokens: Sequence[str]) -> dict[str, Principal]:
    """``token_principal`` for many tokens in one query: the active accounts found, by token
    (the server resolves the tokens that arrive together; web/token_lookups.py)."""
    hashed = {store.token_hash(t): t for t in tokens}
    with UnitOfWork(db) as uow:
        found = store.users_of_tokens(uow.session, list(hashed))
        return {hashed[h]: _principal(u, csrf=None, via="token")
                for h, u in found.items() if u.active}


def listing(*, db: Database) -> list[Principal]:
    with UnitOfWork(db) as uow:
        return [_principal(u, csrf=None, via="session") for u in store.listing(uow.session)]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: Role
    unit_code: str | None = None
    nrp: str | None = None


def demo_accounts(*, db: Database) -> list[DemoAccount]:
    """One account per role on the loaded demo, made if missing, with passwords printed by
    ``pollguard demo``. The Polres is the one with the highest share of sangat rawan TPS
    (Kerinci in Jambi); the field officer guards one of its posts. For the demo database only."""
    with UnitOfWork(db) as uow:
        plan_id = plans.latest_id(uow.session)
        plan = plans.load(uow.session, plan_id) if plan_id else None
        units = repo.units(uow.session)
    if plan is None:
        raise AccountError("plan the demo first: the demo accounts follow its plan")
    guarded, sangat = Counter[str](), Counter[str]()
    for p in plan.posts:
        guarded[p.polres_code] += len(p.tps_ids)
        if p.risk_class == RiskClass.SANGAT_RAWAN:
            sangat[p.polres_code] += len(p.tps_ids)
    polres = max(sorted(guarded), key=lambda code: sangat[code] / guarded[code])
    polsek = next(u for u in units if u.kind == UnitKind.POLSEK and u.parent_code == polres)
    posts = {p.post_id for p in plan.posts if p.polres_code == polres}
    officer = next(a.nrp for a in plan.assignments if a.target_id in posts)
    wanted = [
        DemoAccount("polda", "polda-demo-2024", Role.POLDA_COMMAND),
        DemoAccount("polres", "polres-demo-2024", Role.POLRES_OPS, unit_code=polres),
        DemoAccount("polsek", "polsek-demo-2024", Role.POLSEK, unit_code=polsek.code),
        DemoAccount("petugas", "petugas-demo-2024", Role.FIELD_OFFICER, nrp=officer),
        DemoAccount("tni", "tni-demo-2024", Role.TNI_LIAISON),
        DemoAccount("kpu", "kpu-demo-2024", Role.OBSERVER),
        DemoAccount("bawaslu", "bawaslu-demo-2024", Role.OBSERVER),
    ]
    existing = {p.username for p in listing(db=db)}
    for a in wanted:
        if a.username not in existing:
            create_user(db=db, username=a.username, password=a.password, role=a.role,
                        unit_code=a.unit_code, nrp=a.nrp, actor="pollguard demo",
                        display_name=f"Demo {a.role.label_id}")
    return wanted
