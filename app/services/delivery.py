"""The outbox sender (消息发送): deliver due outbox messages through the Notifier port, never twice.

Per message, in this order:
1. claim it: one conditional UPDATE (still pending, still due, attempts unchanged) counts the attempt
   and pushes `next_attempt_at` out by `claim_for`; committed before any network call;
2. send it through the notifier with the message's fixed `client_msg_id` (WeChat drops a repeat of
   the same openid + client_msg_id, so a retry after a timeout or a crash is not delivered twice);
3. record the result: sent; retry later (exponential backoff with jitter) for a retryable failure;
   failed with the reason for a final one, or once `max_attempts` are used up.
A crash between 1 and 3 leaves the message pending with its attempt counted: once the claim runs
out it is retried with the same client_msg_id. A message is never claimed by two senders at once.

Quiet hours (22:00-07:00 Asia/Shanghai, docs/design.md "Non-functional"): reminders and notices marked `"urgent": false`
wait until 07:00; everything else (acute advice to a resident, critical and high alert notices) goes
at once. Residents without an active consent are not messaged (cancelled), and a recipient without a
bound WeChat openid is a final failure with that reason.

This use case commits (claim, then result, per message): that is what makes it crash-safe.
"""
from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from app.services.batch import BatchReport, infrastructure_error
from app.services.clock import LOCAL_TZ
from app.services.outbox import Notifier, SendResult
from models.org import Staff
from models.outbox import OutboxMessage, OutboxStatus
from models.residents import Consent, Resident

log = logging.getLogger(__name__)

QUIET_START = time(22, 0)  # docs/design.md: quiet hours 22:00-07:00 Asia/Shanghai
QUIET_END = time(7, 0)
DEFAULT_CLAIM = timedelta(seconds=60)  # well inside WeChat's 10-minute client_msg_id dedup window


class LoggingNotifier:
    """The notifier when WeChat is not configured: logs each message (no text: it is health data)."""

    def __init__(self, logger: logging.Logger | None = None) -> None:
        self.log = logger or log

    def send(self, *, openid: str, text: str, data: dict[str, Any] | None, client_msg_id: str,
             kind: str) -> SendResult:
        """Log and report success."""
        self.log.info("outbox (logging notifier): %s to %s…, %d chars, client_msg_id=%s",
                      kind, openid[:6], len(text), client_msg_id)
        return SendResult(True)


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with equal jitter: attempt n waits base*2^(n-1) (capped), half of it random."""

    base: timedelta = timedelta(seconds=30)
    cap: timedelta = timedelta(hours=1)
    max_attempts: int = 8

    def delay(self, attempt: int, rng: random.Random) -> timedelta:
        """The wait after failed attempt number `attempt` (1-based)."""
        full = min(self.cap.total_seconds(), self.base.total_seconds() * 2 ** max(attempt - 1, 0))
        return timedelta(seconds=full / 2 + rng.uniform(0, full / 2))


DEFAULT_BACKOFF = Backoff()


@dataclass
class DeliveryReport(BatchReport):
    """What one sender run did."""

    due: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    cancelled: int = 0
    deferred: int = 0  # held back by quiet hours
    skipped: int = 0  # no longer pending or due when its turn came


# --- quiet hours ---------------------------------------------------------------------------------------
def in_quiet_hours(moment: datetime) -> bool:
    """22:00-07:00 local time."""
    local = moment.astimezone(LOCAL_TZ).time()
    return local >= QUIET_START or local < QUIET_END


def quiet_hours_end(moment: datetime) -> datetime:
    """The first moment outside quiet hours at or after `moment` (07:00 local), as UTC-aware."""
    if not in_quiet_hours(moment):
        return moment
    local = moment.astimezone(LOCAL_TZ)
    day = local.date() if local.time() < QUIET_END else local.date() + timedelta(days=1)
    return datetime.combine(day, QUIET_END, tzinfo=LOCAL_TZ).astimezone(moment.tzinfo)


def held_in_quiet_hours(kind: str, data: dict[str, Any] | None) -> bool:
    """Reminders and notices marked not urgent wait for the morning; everything else goes at once."""
    return kind.startswith("reminder") or (isinstance(data, dict) and data.get("urgent") is False)


# --- the sender ----------------------------------------------------------------------------------------
def send_due(session: Session, *, notifier: Notifier, now: datetime, batch: int = 100,
             backoff: Backoff = DEFAULT_BACKOFF, claim_for: timedelta = DEFAULT_CLAIM,
             clock: Callable[[], datetime] | None = None, rng: random.Random | None = None) -> DeliveryReport:
    """Send up to `batch` pending messages due at `now`; commits per message (see the module docstring).

    `clock` gives the time of each claim and result (default: `now`); the scheduler passes the wall clock.
    """
    clock = clock or (lambda: now)
    rng = rng or random.Random()
    report = DeliveryReport()
    due = list(session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.status == OutboxStatus.pending, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(batch)))
    session.commit()
    report.due = len(due)
    for message_id in due:
        try:
            outcome = _deliver(session, message_id, notifier=notifier, now=now, backoff=backoff,
                               claim_for=claim_for, clock=clock, rng=rng)
        except Exception as exc:  # one message's problem: the run goes on (a lost database stops it)
            session.rollback()
            if infrastructure_error(exc):
                raise
            report.record_failure(message_id, exc)
            continue
        report.count(outcome)
    return report


def _recipient(session: Session, message: Any) -> tuple[str | None, str | None, bool]:
    """(openid, reason, cancel): an openid to send to, or why not and whether that cancels the message."""
    if message.resident_id is not None:
        row = session.execute(
            select(Resident.wechat_openid, Resident.anonymised_at,
                   exists().where(Consent.resident_id == Resident.id, Consent.withdrawn_at.is_(None)).label("consent"))
            .where(Resident.id == message.resident_id)).first()
        if row is None or row.anonymised_at is not None or not row.consent:
            return None, "居民未授权或已撤回授权 / no active consent", True
        if not row.wechat_openid:
            return None, "居民未绑定微信 / resident has no WeChat binding", False
        return row.wechat_openid, None, False
    row = session.execute(select(Staff.wechat_openid, Staff.active).where(Staff.id == message.staff_id)).first()
    if row is None or not row.active:
        return None, "医生账号已停用 / staff account inactive", True
    if not row.wechat_openid:
        return None, "医生未绑定微信 / staff has no WeChat binding", False
    return row.wechat_openid, None, False


def _finish(session: Session, message_id: int, attempt: int, **values: Any) -> None:
    """Record a result, only if the message is still in the attempt we claimed."""
    session.execute(update(OutboxMessage)
                    .where(OutboxMessage.id == message_id, OutboxMessage.attempts == attempt,
                           OutboxMessage.status == OutboxStatus.pending)
                    .values(**values).execution_options(synchronize_session=False))
    session.commit()


def _deliver(session: Session, message_id: int, *, notifier: Notifier, now: datetime, backoff: Backoff,
             claim_for: timedelta, clock: Callable[[], datetime], rng: random.Random) -> str:
    message = session.execute(
        select(OutboxMessage.id, OutboxMessage.resident_id, OutboxMessage.staff_id, OutboxMessage.kind,
               OutboxMessage.text, OutboxMessage.data, OutboxMessage.client_msg_id, OutboxMessage.attempts,
               OutboxMessage.status, OutboxMessage.next_attempt_at)
        .where(OutboxMessage.id == message_id)).first()
    if message is None or message.status != OutboxStatus.pending or message.next_attempt_at > now:
        session.commit()
        return "skipped"
    still_ours = (OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.pending,
                  OutboxMessage.attempts == message.attempts, OutboxMessage.next_attempt_at <= now)
    at = clock()
    if in_quiet_hours(at) and held_in_quiet_hours(message.kind, message.data):
        session.execute(update(OutboxMessage).where(*still_ours).values(next_attempt_at=quiet_hours_end(at))
                        .execution_options(synchronize_session=False))
        session.commit()
        return "deferred"
    openid, reason, cancel = _recipient(session, message)
    if openid is None:
        status = OutboxStatus.cancelled if cancel else OutboxStatus.failed
        session.execute(update(OutboxMessage).where(*still_ours).values(status=status, last_error=reason)
                        .execution_options(synchronize_session=False))
        session.commit()
        return "cancelled" if cancel else "failed"
    # 1. claim: count the attempt and hold the message before the network call
    attempt = message.attempts + 1
    claimed = session.execute(update(OutboxMessage).where(*still_ours)
                              .values(attempts=attempt, next_attempt_at=at + claim_for)
                              .execution_options(synchronize_session=False)).rowcount
    session.commit()
    if claimed != 1:
        return "skipped"
    # 2. send with the message's own client_msg_id
    try:
        result: SendResult = notifier.send(openid=openid, text=message.text, data=message.data,
                                           client_msg_id=message.client_msg_id, kind=message.kind)
    except Exception as exc:  # a notifier bug or a transport error we did not classify: retry later
        log.exception("notifier raised on outbox message %s", message_id)
        result = SendResult(False, retryable=True, error=f"{type(exc).__name__}: {exc}")
    # 3. record the result
    done = clock()
    if result.ok:
        _finish(session, message_id, attempt, status=OutboxStatus.sent, sent_at=done, last_error=None)
        return "sent"
    error = _error_text(result)
    if result.retryable and attempt < backoff.max_attempts:
        retry_at = done + backoff.delay(attempt, rng)
        hint = result.retry_after
        if hint:
            retry_at = max(retry_at, done + timedelta(seconds=float(hint)))
        if result.retry_tomorrow:  # daily quota: it resets at local midnight
            tomorrow = done.astimezone(LOCAL_TZ).date() + timedelta(days=1)
            retry_at = max(retry_at, datetime.combine(tomorrow, time(0, 5), tzinfo=LOCAL_TZ))
        _finish(session, message_id, attempt, next_attempt_at=retry_at, last_error=error)
        log.warning("outbox message %s attempt %d failed (%s); retry at %s", message_id, attempt, error,
                    retry_at.isoformat())
        return "retried"
    if result.retryable:
        error = f"{error}; 已尝试{attempt}次，放弃 / gave up after {attempt} attempts"
    _finish(session, message_id, attempt, status=OutboxStatus.failed, last_error=error)
    log.warning("outbox message %s failed for good: %s", message_id, error)
    return "failed"


def _error_text(result: SendResult) -> str:
    """A reason string: the result's own, or WeChat's errcode/errmsg."""
    if result.error:
        return str(result.error)
    if result.errcode or result.errmsg:
        return f"errcode {result.errcode}: {result.errmsg}".strip()
    return "send failed"
