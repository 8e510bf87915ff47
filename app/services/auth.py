"""Sign-in for staff (password) and residents (WeChat web authorisation), bearer tokens."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError, InvalidHashError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.errors import Forbidden, NotFound, Unauthorized
from app.services import throttle
from app.services.actors import Actor
from models.auth import AuthToken
from models.org import Staff, TeamMember
from models.residents import Resident

_hasher = PasswordHasher()
# A fixed hash to verify against when the user does not exist, so timing does not reveal usernames.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def configure_hasher(*, time_cost: int, memory_cost: int) -> None:
    """Set Argon2id cost (tests use a cheap setting; production keeps argon2-cffi's defaults)."""
    global _hasher, _DUMMY_HASH
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost)
    _DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    """Argon2id hash of a password."""
    return _hasher.hash(password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: datetime
    actor: Actor


def _issue(session: Session, *, staff: Staff | None = None, resident: Resident | None = None,
           now: datetime, ttl: timedelta) -> IssuedToken:
    token = secrets.token_urlsafe(32)
    row = AuthToken(token_hash=_token_hash(token), staff_id=staff.id if staff else None,
                    resident_id=resident.id if resident else None, expires_at=now + ttl)
    session.add(row)
    session.flush()
    actor = staff_actor(session, staff) if staff else resident_actor(resident)
    return IssuedToken(token=token, expires_at=row.expires_at, actor=actor)


LOGIN_BACKOFF_FAILURES = 50  # failures for one username from all addresses before the short backoff
LOGIN_BACKOFF = timedelta(minutes=1)


def login(session: Session, *, username: str, password: str, now: datetime, ttl: timedelta,
          max_failures: int = 5, lock: timedelta = timedelta(minutes=15), client: str = "",
          backoff_failures: int = LOGIN_BACKOFF_FAILURES, backoff: timedelta = LOGIN_BACKOFF) -> IssuedToken:
    """Check a staff password and issue a bearer token.

    Repeated failures lock the (username, client address) pair, so a stranger cannot lock the admin out of
    the admin's own desk; failures for the username from everywhere together only slow it down for a
    minute at a time (a distributed guess), never lock it for long.
    """
    name = username.lower()
    pair_key = f"login:{name}:{client or '-'}"[:128]
    all_key = f"login-all:{name}"[:128]
    throttle.check(session, pair_key, now=now)
    throttle.check(session, all_key, now=now)
    staff = session.scalar(select(Staff).where(Staff.username == username))
    if not _verify(staff.password_hash if staff else _DUMMY_HASH, password) or staff is None:
        throttle.record_failure(session, pair_key, now=now, limit=max_failures, lock=lock)
        throttle.record_failure(session, all_key, now=now, limit=backoff_failures, lock=backoff)
        raise Unauthorized("auth.invalid_credentials", "用户名或密码不对 / wrong username or password")
    if not staff.active:
        raise Forbidden("auth.inactive", "账号已停用 / this account is disabled")
    throttle.reset(session, pair_key)
    return _issue(session, staff=staff, now=now, ttl=ttl)


def logout(session: Session, *, token: str, now: datetime) -> None:
    """Revoke a bearer token."""
    row = session.scalar(select(AuthToken).where(AuthToken.token_hash == _token_hash(token)))
    if row is not None and row.revoked_at is None:
        row.revoked_at = now


def revoke_staff_tokens(session: Session, *, staff_id: int, now: datetime) -> int:
    """Revoke every live bearer token of a staff member (password, active flag, role or department changed)."""
    result = session.execute(update(AuthToken).where(AuthToken.staff_id == staff_id, AuthToken.revoked_at.is_(None),
                                                     AuthToken.expires_at > now)
                             .values(revoked_at=now).execution_options(synchronize_session=False))
    return result.rowcount or 0


def staff_actor(session: Session, staff: Any) -> Actor:
    """The actor of a staff member: a Staff, or any row with its id, consortium_id, role, department and
    institution_id; their teams are read."""
    team_ids = frozenset(session.scalars(select(TeamMember.team_id).where(TeamMember.staff_id == staff.id)))
    return Actor(kind="staff", id=staff.id, consortium_id=staff.consortium_id, role=staff.role.value,
                 department=staff.department, team_ids=team_ids, institution_id=staff.institution_id)


def resident_actor(resident: Resident) -> Actor:
    return Actor(kind="resident", id=resident.id, consortium_id=resident.consortium_id, role="resident")


def actor_for_token(session: Session, token: str, *, now: datetime) -> Actor:
    """Resolve a bearer token to its actor, or raise Unauthorized.

    One row of plain columns (token, staff or resident) instead of ORM objects: this runs on every request.
    """
    row = session.execute(
        select(AuthToken.expires_at, AuthToken.revoked_at, AuthToken.staff_id, AuthToken.resident_id,
               Staff.id, Staff.active, Staff.consortium_id, Staff.role, Staff.department, Staff.institution_id,
               Resident.consortium_id.label("resident_consortium_id"), Resident.anonymised_at)
        .outerjoin(Staff, Staff.id == AuthToken.staff_id)
        .outerjoin(Resident, Resident.id == AuthToken.resident_id)
        .where(AuthToken.token_hash == _token_hash(token))).first()
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        raise _invalid_token()
    if row.staff_id is not None:
        if not row.active:
            raise _invalid_token()
        return staff_actor(session, row)
    if row.resident_consortium_id is None or row.anonymised_at is not None:
        raise _invalid_token()
    return Actor(kind="resident", id=row.resident_id, consortium_id=row.resident_consortium_id, role="resident")


def _invalid_token() -> Unauthorized:
    return Unauthorized("auth.invalid_token", "登录已失效，请重新登录 / token invalid or expired")


class OAuthClient(Protocol):
    def oauth_code_to_openid(self, code: str) -> str: ...


def wechat_login(session: Session, *, code: str, client: OAuthClient, now: datetime,
                 ttl: timedelta) -> IssuedToken:
    """Exchange a WeChat web-authorisation code for the resident bound to that openid."""
    openid = client.oauth_code_to_openid(code)
    resident = session.scalar(select(Resident).where(Resident.wechat_openid == openid))
    if resident is None:
        raise NotFound("auth.not_bound", "请先在公众号里绑定身份 / bind your identity in the official account first")
    return _issue(session, resident=resident, now=now, ttl=ttl)


def dev_login(session: Session, *, resident_id: int, now: datetime, ttl: timedelta) -> IssuedToken:
    """Demo mode only: a resident token without WeChat."""
    resident = session.get(Resident, resident_id)
    if resident is None:
        raise NotFound("resident.not_found", "没有这位居民 / resident not found")
    return _issue(session, resident=resident, now=now, ttl=ttl)


def wechat_staff_login(session: Session, *, code: str, client: OAuthClient, now: datetime,
                       ttl: timedelta) -> IssuedToken:
    """Staff sign-in from an H5 page in WeChat: the openid must be bound to an active staff account (bot binding)."""
    openid = client.oauth_code_to_openid(code)
    staff = session.scalar(select(Staff).where(Staff.wechat_openid == openid))
    if staff is None:
        raise NotFound("auth.not_bound", "请先在公众号里绑定工号 / bind your staff account in the official account first")
    if not staff.active:
        raise Forbidden("auth.inactive", "账号已停用 / this account is disabled")
    return _issue(session, staff=staff, now=now, ttl=ttl)
