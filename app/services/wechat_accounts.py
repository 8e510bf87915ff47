"""WeChat accounts (微信绑定): residents bind their openid, staff bind with a one-time code, pushes stop on
unsubscribe or withdrawn consent, medication reminder times.

No Flask. A resident binds with name + the last 6 characters of the ID-card number or the registered
mobile number, matched against residents registered by their team (PIPL: identity fields are only
decrypted for rows with that exact name), or with a one-time binding code (绑定码) their doctor gives them.

Guessing is limited three ways (app.services.throttle), because a fresh openid costs an attacker nothing
and an ID suffix is mostly a birth day plus a 3-digit sequence (about 1,000 guesses when the birth date is
known): five wrong attempts lock binding for that openid for 30 minutes; five failed attempts naming a
registered resident lock binding *to that resident* for 30 minutes, whatever the openid, and tell their team
(outbox); and 200 failures an hour across all openids pause name binding for everyone for an hour. A
consortium can require the code (`binding_code_required`): its residents never bind by name + ID suffix.
Lock-outs are logged as security events with ids only, never names, numbers or openids.
"""
from __future__ import annotations

import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from app.errors import Forbidden, RuleViolation
from app.services import outbox, privacy, residents, scopes, throttle
from app.services.actors import Actor
from models.contracts import Contract, ContractStatus
from models.jobs import ReminderSetting
from models.org import Consortium, Staff, TeamMember
from models.outbox import OutboxMessage, OutboxStatus
from models.residents import Resident
from models.wechat import ResidentBindingCode, StaffBindingCode, WeChatInbound

security_log = logging.getLogger("jiayi.security")

BIND_MAX_FAILURES = 5
BIND_LOCK = timedelta(minutes=30)
BIND_TARGET_MAX_FAILURES = 5
BIND_GLOBAL_MAX_FAILURES_PER_HOUR = 200
GLOBAL_BIND_KEY = "wechat-bind:all"
STAFF_CODE_TTL = timedelta(minutes=10)
STAFF_CODE_DIGITS = 8
RESIDENT_CODE_TTL = timedelta(days=3)  # long enough to reach a resident on the next visit or phone call


def bind_key(openid: str) -> str:
    """The throttle key for binding attempts from one WeChat user."""
    return f"wechat-bind:{openid}"


def mask_name(name: str) -> str:
    """张秀英 -> 张*英, 李明 -> 李*; what the bot may echo of a name."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def target_key(resident_id: int) -> str:
    """The throttle key for failed attempts naming one registered resident, from any openid."""
    return f"wechat-bind-target:{resident_id}"


@dataclass(frozen=True)
class BindLimits:
    """How many failures each throttle allows (settings WECHAT_BIND_*)."""

    per_openid: int = BIND_MAX_FAILURES
    lock: timedelta = BIND_LOCK
    per_target: int = BIND_TARGET_MAX_FAILURES
    per_hour: int = BIND_GLOBAL_MAX_FAILURES_PER_HOUR


@dataclass(frozen=True)
class BindingResult:
    ok: bool
    resident: Resident | None = None
    attempts_left: int | None = None
    locked_until: datetime | None = None


def binding_locked_until(session: Session, openid: str, *, now: datetime) -> datetime | None:
    """When binding unlocks for this openid, or None."""
    return throttle.locked_until(session, bind_key(openid), now=now)


def _matches(resident: Resident, secret: str) -> bool:
    if len(secret) == 11:
        return resident.phone_bidx is not None and hmac.compare_digest(
            resident.phone_bidx, privacy.blind_index(secret, "phone"))
    id_card = privacy.decrypt(resident.id_card_enc).upper()
    return hmac.compare_digest(id_card[-6:], secret.upper())


def _count_failure(session: Session, openid: str, *, now: datetime, limits: BindLimits) -> BindingResult:
    """A failed attempt from this openid: count it per openid and in the hourly total."""
    if throttle.locked_until(session, GLOBAL_BIND_KEY, now=now) is None:
        throttle.record_failure(session, GLOBAL_BIND_KEY, now=now, limit=limits.per_hour, lock=timedelta(hours=1))
        if throttle.locked_until(session, GLOBAL_BIND_KEY, now=now) is not None:
            security_log.warning("security event: wechat binding paused for everyone for an hour after %d failed "
                                 "attempts", limits.per_hour)
    failures = throttle.record_failure(session, bind_key(openid), now=now, limit=limits.per_openid, lock=limits.lock)
    locked = binding_locked_until(session, openid, now=now)
    if locked is not None:
        security_log.warning("security event: wechat binding locked for one openid after %d failed attempts",
                             limits.per_openid)
    return BindingResult(False, attempts_left=0 if locked else limits.per_openid - failures, locked_until=locked)


def _count_target_failure(session: Session, resident: Resident, *, now: datetime, limits: BindLimits) -> None:
    """A failed attempt naming this resident: at the limit binding to them locks and their team is told."""
    key = target_key(resident.id)
    if throttle.locked_until(session, key, now=now) is not None:
        return
    throttle.record_failure(session, key, now=now, limit=limits.per_target, lock=limits.lock)
    if throttle.locked_until(session, key, now=now) is None:
        return
    security_log.warning("security event: wechat binding to resident #%s locked for %d minutes after %d failed "
                         "attempts", resident.id, int(limits.lock.total_seconds() // 60), limits.per_target)
    notify_team_of_binding_attempts(session, resident=resident, now=now)


def notify_team_of_binding_attempts(session: Session, *, resident: Resident, now: datetime) -> int:
    """Tell the resident's team (outbox) that someone keeps trying to bind their WeChat; returns messages queued."""
    team_id = session.scalar(select(Contract.team_id).where(
        Contract.resident_id == resident.id, Contract.status.in_((ContractStatus.active, ContractStatus.pending))))
    if team_id is None:
        return 0
    text = (f"【安全提醒】有人多次尝试用居民{mask_name(resident.name)}的身份绑定微信，已暂停绑定"
            f"{int(BIND_LOCK.total_seconds() // 60)}分钟。如是居民本人，请在工作台为其发放绑定码。")
    queued = 0
    for staff_id in session.scalars(select(TeamMember.staff_id).where(TeamMember.team_id == team_id)):
        outbox.enqueue(session, consortium_id=resident.consortium_id, staff_id=staff_id, kind="security_notice",
                       text=text, now=now, data={"resident_id": resident.id},
                       dedup_key=f"bind-attempts:{resident.id}:{staff_id}:{now:%Y%m%d%H}")
        queued += 1
    return queued


def _code_required(session: Session, consortium_ids: set[int]) -> set[int]:
    if not consortium_ids:
        return set()
    return set(session.scalars(select(Consortium.id).where(Consortium.id.in_(consortium_ids),
                                                           Consortium.binding_code_required.is_(True))))


def bind_resident(session: Session, *, openid: str, name: str, secret: str, now: datetime,
                  max_failures: int = BIND_MAX_FAILURES, lock: timedelta = BIND_LOCK,
                  limits: BindLimits | None = None) -> BindingResult:
    """Bind the openid to the one registered resident with this name and ID suffix / phone; count failures
    per openid, per named resident and per hour."""
    limits = limits or BindLimits(per_openid=max_failures, lock=lock)
    locked = binding_locked_until(session, openid, now=now)
    if locked is not None:
        return BindingResult(False, locked_until=locked, attempts_left=0)
    paused = throttle.locked_until(session, GLOBAL_BIND_KEY, now=now)
    if paused is not None:
        return BindingResult(False, locked_until=paused, attempts_left=0)
    candidates = session.scalars(select(Resident).where(Resident.name == name.strip(),
                                                        Resident.anonymised_at.is_(None))).all()
    coded = _code_required(session, {r.consortium_id for r in candidates})
    # A locked target or a code-only consortium is never tested: the answer is the same plain failure.
    open_candidates = [r for r in candidates if r.consortium_id not in coded
                       and throttle.locked_until(session, target_key(r.id), now=now) is None]
    found = [r for r in open_candidates if _matches(r, secret)]
    # Exactly one match, not bound to another WeChat user: anything else is the same plain failure.
    if len(found) == 1 and found[0].wechat_openid in (None, openid):
        resident = found[0]
        resident.wechat_openid = openid
        throttle.reset(session, bind_key(openid))
        throttle.reset(session, target_key(resident.id))
        session.flush()
        return BindingResult(True, resident=resident)
    for resident in candidates:
        _count_target_failure(session, resident, now=now, limits=limits)
    return _count_failure(session, openid, now=now, limits=limits)


# --- resident binding codes (绑定码) ----------------------------------------------------------------
def _resident_code_hash(code: str) -> str:
    return privacy.blind_index(code, "wechat-resident-code")


def issue_resident_code(session: Session, *, actor: Actor, resident_id: int, now: datetime,
                        ttl: timedelta = RESIDENT_CODE_TTL) -> StaffCode:
    """A one-time binding code for a resident in the staff member's scope; earlier codes lapse."""
    if actor.kind != "staff":
        raise Forbidden("wechat.staff_only", "只有医生可以发放绑定码 / staff only")
    resident = scopes.get_resident(session, actor, resident_id, audit_action="binding_code")
    session.execute(update(ResidentBindingCode)
                    .where(ResidentBindingCode.resident_id == resident.id, ResidentBindingCode.used_at.is_(None),
                           ResidentBindingCode.expires_at > now)
                    .values(expires_at=now).execution_options(synchronize_session=False))
    while True:
        code = "".join(secrets.choice("0123456789") for _ in range(STAFF_CODE_DIGITS))
        digest = _resident_code_hash(code)
        if session.scalar(select(ResidentBindingCode.id).where(ResidentBindingCode.code_hash == digest)) is None:
            break
    session.add(ResidentBindingCode(resident_id=resident.id, code_hash=digest, issued_by=actor.id,
                                    expires_at=now + ttl, created_at=now))
    session.flush()
    return StaffCode(code, now + ttl)


def bind_resident_with_code(session: Session, *, openid: str, code: str, now: datetime,
                            limits: BindLimits | None = None) -> BindingResult:
    """Bind the openid to the resident whose unused, unexpired code this is (throttled like name binding)."""
    limits = limits or BindLimits()
    locked = binding_locked_until(session, openid, now=now) or throttle.locked_until(session, GLOBAL_BIND_KEY,
                                                                                     now=now)
    if locked is not None:
        return BindingResult(False, locked_until=locked, attempts_left=0)
    row = session.scalar(select(ResidentBindingCode).where(
        ResidentBindingCode.code_hash == _resident_code_hash(code.strip()), ResidentBindingCode.used_at.is_(None),
        ResidentBindingCode.expires_at > now))
    resident = session.get(Resident, row.resident_id) if row is not None else None
    if (row is None or resident is None or resident.anonymised_at is not None
            or resident.wechat_openid not in (None, openid)):
        return _count_failure(session, openid, now=now, limits=limits)
    resident.wechat_openid = openid
    row.used_at = now
    throttle.reset(session, bind_key(openid))
    throttle.reset(session, target_key(resident.id))
    session.flush()
    return BindingResult(True, resident=resident)


def set_binding_code_required(session: Session, *, actor: Actor, required: bool) -> Consortium:
    """Admin: the consortium's residents bind only with a code from their doctor (or also by name + ID)."""
    if not actor.is_admin:
        raise Forbidden("auth.role", "只有管理员可以修改 / admin only")
    consortium = session.get(Consortium, actor.consortium_id)
    consortium.binding_code_required = required
    session.flush()
    return consortium


def cancel_pending(session: Session, *, reason: str, resident_id: int | None = None,
                   staff_id: int | None = None) -> int:
    """Cancel queued pushes to a resident or a staff member; returns how many."""
    if resident_id is None and staff_id is None:
        return 0
    target = (OutboxMessage.resident_id == resident_id if resident_id is not None
              else OutboxMessage.staff_id == staff_id)
    result = session.execute(update(OutboxMessage).where(target, OutboxMessage.status == OutboxStatus.pending)
                             .values(status=OutboxStatus.cancelled, last_error=reason)
                             .execution_options(synchronize_session=False))
    return result.rowcount or 0


def unsubscribe(session: Session, *, openid: str, now: datetime) -> int:
    """The user unfollowed: unbind the openid from residents and staff and cancel their queued pushes."""
    cancelled = 0
    reason = "用户已取消关注公众号 / user unsubscribed"
    for resident in session.scalars(select(Resident).where(Resident.wechat_openid == openid)):
        cancelled += cancel_pending(session, reason=reason, resident_id=resident.id)
        resident.wechat_openid = None
    for member in session.scalars(select(Staff).where(Staff.wechat_openid == openid)):
        cancelled += cancel_pending(session, reason=reason, staff_id=member.id)
        member.wechat_openid = None
    session.flush()
    return cancelled


def withdraw_consent(session: Session, *, actor: Actor, resident_id: int, now: datetime) -> Resident:
    """取消授权: withdraw every active consent and cancel queued pushes (processing and pushes stop)."""
    resident = residents.withdraw_consent(session, actor=actor, resident_id=resident_id, now=now)
    cancel_pending(session, reason="居民已撤回授权 / consent withdrawn", resident_id=resident.id)
    session.flush()
    return resident


def set_medication_times(session: Session, *, actor: Actor, resident_id: int, times: tuple[str, ...] | list[str],
                         now: datetime) -> ReminderSetting:
    """提醒设置: medication reminder times ("HH:MM", Asia/Shanghai); empty switches them off."""
    resident = residents.get_own(session, actor) if actor.is_resident else None
    if resident is None or resident.id != resident_id:
        raise Forbidden("reminder.own_only", "只能设置本人的提醒 / residents set their own reminders")
    clean = sorted({t for t in times})
    for value in clean:
        hour, _, minute = value.partition(":")
        if not (hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60 and len(minute) == 2):
            raise RuleViolation("reminder.time", "时间格式应为HH:MM / times are HH:MM", errors={"times": [value]})
    setting = session.get(ReminderSetting, resident_id)
    if setting is None:
        setting = ReminderSetting(resident_id=resident_id, measurement_enabled=True)
        session.add(setting)
    setting.medication_times = [f"{int(t[:-3]):02d}:{t[-2:]}" for t in clean] or None
    setting.updated_at = now
    session.flush()
    return setting


# --- staff ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class StaffCode:
    code: str
    expires_at: datetime


def _code_hash(code: str) -> str:
    return privacy.blind_index(code, "wechat-staff-code")


def issue_staff_code(session: Session, *, actor: Actor, now: datetime, ttl: timedelta = STAFF_CODE_TTL) -> StaffCode:
    """A one-time code for the signed-in staff member to send to the official account; earlier codes lapse."""
    if actor.kind != "staff":
        raise Forbidden("wechat.staff_only", "只有医生和管理员可以绑定工作微信 / staff only")
    session.execute(update(StaffBindingCode)
                    .where(StaffBindingCode.staff_id == actor.id, StaffBindingCode.used_at.is_(None),
                           StaffBindingCode.expires_at > now)
                    .values(expires_at=now).execution_options(synchronize_session=False))
    while True:
        code = "".join(secrets.choice("0123456789") for _ in range(STAFF_CODE_DIGITS))
        digest = _code_hash(code)
        if session.scalar(select(StaffBindingCode.id).where(StaffBindingCode.code_hash == digest)) is None:
            break
    session.add(StaffBindingCode(staff_id=actor.id, code_hash=digest, expires_at=now + ttl, created_at=now))
    session.flush()
    return StaffCode(code, now + ttl)


def bind_staff(session: Session, *, openid: str, code: str, now: datetime,
               max_failures: int = BIND_MAX_FAILURES, lock: timedelta = BIND_LOCK) -> BindingResult:
    """Bind the openid to the staff member whose unused, unexpired code this is (throttled like residents)."""
    locked = binding_locked_until(session, openid, now=now)
    if locked is not None:
        return BindingResult(False, locked_until=locked, attempts_left=0)
    row = session.scalar(select(StaffBindingCode).where(StaffBindingCode.code_hash == _code_hash(code.strip()),
                                                        StaffBindingCode.used_at.is_(None),
                                                        StaffBindingCode.expires_at > now))
    member = session.get(Staff, row.staff_id) if row is not None else None
    if row is None or member is None or not member.active:
        failures = throttle.record_failure(session, bind_key(openid), now=now, limit=max_failures, lock=lock)
        locked = binding_locked_until(session, openid, now=now)
        return BindingResult(False, attempts_left=0 if locked else max_failures - failures, locked_until=locked)
    for other in session.scalars(select(Staff).where(Staff.wechat_openid == openid, Staff.id != member.id)):
        other.wechat_openid = None
    session.flush()
    member.wechat_openid = openid
    row.used_at, row.used_by_openid = now, openid
    throttle.reset(session, bind_key(openid))
    session.flush()
    return BindingResult(True)


def staff_by_openid(session: Session, openid: str) -> Staff | None:
    """The active staff member bound to this openid."""
    return session.scalar(select(Staff).where(Staff.wechat_openid == openid, Staff.active.is_(True)))


def unbind_staff(session: Session, *, openid: str) -> bool:
    """A staff member stops receiving pushes on this WeChat."""
    member = staff_by_openid(session, openid)
    if member is None:
        return False
    cancel_pending(session, reason="医生已解除微信绑定 / staff unbound WeChat", staff_id=member.id)
    member.wechat_openid = None
    session.flush()
    return True


def prune_inbound(session: Session, *, before: datetime) -> int:
    """Forget the bot's dedup log older than `before`: it keeps reply texts, which hold health values, and
    WeChat retries within seconds."""
    result = session.execute(delete(WeChatInbound).where(WeChatInbound.created_at < before))
    return result.rowcount or 0
