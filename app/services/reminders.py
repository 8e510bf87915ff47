"""Reminders (提醒): measurement by each resident's plan, medication, follow-up due, contract renewal.

The scheduler calls `queue_due_reminders` every few minutes; each reminder type has a local send
window and a dedup key, so every run is harmless and no reminder is queued twice a day:
- measurement (07:30-11:00, morning home measurement before breakfast and medicines): daily in the
  7 days before a follow-up visit is due (FollowUp.next_due_on / open FollowUpTask.due_on), daily
  while the last scan found the resident off target, else weekly on a fixed weekday (spread by
  resident id) — 2019 中国家庭血压监测指南: 7 days before a visit / while uncontrolled, 1 day a
  week once stable. Enrolled residents only (active contract, hypertension or diabetes);
- medication at the times in ReminderSetting.medication_times (sent up to 60 min late, never later);
- follow-up due: the day before the visit (09:00-12:00);
- contract renewal: once per term, from 30 days before it ends (10:00-12:00).
Only residents with an active consent and a bound WeChat openid get pushes. Nothing is queued for
delivery in quiet hours (22:00-07:00); a medication time inside quiet hours is not pushed at all: a
push at 07:00 for a 23:00 dose would prompt a dose at the wrong time.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import String, and_, cast, exists, func, literal, select
from sqlalchemy.orm import Session

from app.services import outbox
from app.services import reminder_texts as texts
from app.services.batch import BatchReport, apply_guarded
from app.services.clock import LOCAL_TZ, local_date
from app.services.delivery import in_quiet_hours, quiet_hours_end
from models.contracts import Contract, ContractStatus
from models.followups import FollowUp, FollowUpTask
from models.jobs import ReminderSetting, ResidentScanState
from models.outbox import OutboxMessage, OutboxStatus
from models.residents import Consent, Resident, ResidentCondition

MEASURE_WINDOW = (time(7, 30), time(11, 0))
FOLLOWUP_WINDOW = (time(9, 0), time(12, 0))
RENEWAL_WINDOW = (time(10, 0), time(12, 0))
MEDICATION_LATE = timedelta(minutes=60)
PRE_VISIT_DAYS = 7
RENEWAL_DAYS = 30
ENROLLED_CONDITIONS = ("hypertension", "diabetes")


@dataclass(frozen=True)
class Reminder:
    """One reminder to queue."""

    resident_id: int
    consortium_id: int
    type: str  # measure | medication | followup | renewal
    dedup_key: str
    text: str
    data: dict = field(default_factory=dict)


@dataclass
class ReminderReport(BatchReport):
    """What one run queued."""

    measure: int = 0
    medication: int = 0
    followup: int = 0
    renewal: int = 0
    already: int = 0  # queued by an earlier run (same dedup key)
    quiet: int = 0  # medication times inside quiet hours: not pushed


def dedup_key(type_: str, resident_id: int, day: date, suffix: str | None = None) -> str:
    """reminder:{type}:{resident_id}:{local date}[:{suffix}] — one of each reminder a day."""
    return f"reminder:{type_}:{resident_id}:{day.isoformat()}" + (f":{suffix}" if suffix else "")


def measurement_plan(*, resident_id: int, today: date, visit_on: date | None, uncontrolled: bool) -> str | None:
    """pre_visit / daily / weekly for today, or None when today is not a measuring day."""
    if visit_on is not None and 0 < (visit_on - today).days <= PRE_VISIT_DAYS:
        return "pre_visit"
    if uncontrolled:
        return "daily"
    if resident_id % 7 == today.weekday():
        return "weekly"
    return None


def _in_window(local_time: time, window: tuple[time, time]) -> bool:
    return window[0] <= local_time < window[1]


def _pushable(*, contract: bool):
    """Residents who may get pushes: bound openid, active consent, not anonymised (and an active contract)."""
    where = [Resident.wechat_openid.is_not(None), Resident.anonymised_at.is_(None),
             exists().where(Consent.resident_id == Resident.id, Consent.withdrawn_at.is_(None))]
    if contract:
        where.append(exists().where(Contract.resident_id == Resident.id, Contract.status == ContractStatus.active))
    return and_(*where)


def _not_queued(type_: str, day: date):
    """No outbox message with today's key for this type (uses the unique index on dedup_key)."""
    key = literal(f"reminder:{type_}:") + cast(Resident.id, String) + literal(f":{day.isoformat()}")
    return ~exists().where(OutboxMessage.dedup_key == key)


def _enrolled_rows(session: Session, today: date, type_: str):
    """Enrolled pushable residents not yet reminded today: conditions, next visit, last scan status."""
    has = {code: exists().where(ResidentCondition.resident_id == Resident.id, ResidentCondition.code == code)
           for code in ENROLLED_CONDITIONS}
    next_due = (select(FollowUp.next_due_on).where(FollowUp.resident_id == Resident.id)
                .order_by(FollowUp.visited_at.desc(), FollowUp.id.desc()).limit(1).scalar_subquery())
    task_due = (select(func.min(FollowUpTask.due_on))
                .where(FollowUpTask.resident_id == Resident.id, FollowUpTask.status == "open",
                       FollowUpTask.due_on >= today).scalar_subquery())
    enabled = (select(ReminderSetting.measurement_enabled).where(ReminderSetting.resident_id == Resident.id)
               .scalar_subquery())
    status = (select(ResidentScanState.last_status).where(ResidentScanState.resident_id == Resident.id)
              .scalar_subquery())
    return session.execute(
        select(Resident.id, Resident.consortium_id, has["hypertension"].label("htn"),
               has["diabetes"].label("dm"), next_due.label("next_due"), task_due.label("task_due"),
               enabled.label("enabled"), status.label("status"))
        .where(_pushable(contract=True), has["hypertension"] | has["diabetes"], _not_queued(type_, today))
        .order_by(Resident.id)).all()


def _visit_on(row, today: date) -> date | None:
    dates = [d for d in (row.next_due, row.task_due) if d is not None and d >= today]
    return min(dates) if dates else None


def _uncontrolled(status: dict | None) -> bool:
    return any(isinstance(v, dict) and v.get("status") == "uncontrolled" for v in (status or {}).values())


def measurement_reminders(session: Session, *, today: date) -> list[Reminder]:
    """Today's measurement reminders for enrolled residents, by plan."""
    out = []
    for row in _enrolled_rows(session, today, "measure"):
        if row.enabled is False:
            continue
        visit_on = _visit_on(row, today)
        plan = measurement_plan(resident_id=row.id, today=today, visit_on=visit_on,
                                uncontrolled=_uncontrolled(row.status))
        if plan is None:
            continue
        out.append(Reminder(row.id, row.consortium_id, "measure", dedup_key("measure", row.id, today),
                            texts.measure(plan, has_bp=bool(row.htn), has_glucose=bool(row.dm), visit_on=visit_on),
                            {"plan": plan, "visit_on": visit_on.isoformat() if visit_on else None}))
    return out


def followup_reminders(session: Session, *, today: date) -> list[Reminder]:
    """The day before a follow-up visit is due."""
    tomorrow = today + timedelta(days=1)
    return [Reminder(row.id, row.consortium_id, "followup", dedup_key("followup", row.id, today),
                     texts.followup_due(tomorrow), {"visit_on": tomorrow.isoformat()})
            for row in _enrolled_rows(session, today, "followup") if _visit_on(row, today) == tomorrow]


def renewal_reminders(session: Session, *, today: date) -> list[Reminder]:
    """Active contracts ending within 30 days; one reminder per term (key carries the end date)."""
    rows = session.execute(
        select(Resident.id, Resident.consortium_id, Contract.ends_on)
        .join(Contract, Contract.resident_id == Resident.id)
        .where(Contract.status == ContractStatus.active, Contract.ends_on > today,
               Contract.ends_on <= today + timedelta(days=RENEWAL_DAYS), _pushable(contract=False))
        .order_by(Resident.id)).all()
    return [Reminder(row.id, row.consortium_id, "renewal", f"reminder:renewal:{row.id}:{row.ends_on.isoformat()}",
                     texts.renewal(row.ends_on), {"ends_on": row.ends_on.isoformat()}) for row in rows]


def _parse_time(value: object) -> time | None:
    try:
        hours, minutes = str(value).strip().split(":")
        return time(int(hours), int(minutes))
    except (ValueError, TypeError):
        return None


def medication_reminders(session: Session, *, now: datetime, report: ReminderReport) -> list[Reminder]:
    """Medication times reached in the last 60 minutes (local), outside quiet hours."""
    local = now.astimezone(LOCAL_TZ)
    today = local.date()
    rows = session.execute(
        select(Resident.id, Resident.consortium_id, ReminderSetting.medication_times)
        .join(ReminderSetting, ReminderSetting.resident_id == Resident.id)
        .where(ReminderSetting.medication_times.is_not(None), _pushable(contract=False))
        .order_by(Resident.id)).all()
    out = []
    for row in rows:
        for value in row.medication_times or []:
            at = _parse_time(value)
            if at is None:
                continue
            due = datetime.combine(today, at, tzinfo=LOCAL_TZ)
            if not timedelta(0) <= local - due < MEDICATION_LATE:
                continue
            if in_quiet_hours(due):
                report.quiet += 1
                continue
            hhmm = at.strftime("%H:%M")
            out.append(Reminder(row.id, row.consortium_id, "medication",
                                dedup_key("medication", row.id, today, hhmm.replace(":", "")),
                                texts.medication(hhmm), {"at": hhmm}))
    return out


def _existing(session: Session, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), 1000):
        found.update(session.scalars(select(OutboxMessage.dedup_key)
                                     .where(OutboxMessage.dedup_key.in_(keys[start:start + 1000]))))
    return found


def queue_due_reminders(session: Session, *, now: datetime) -> ReminderReport:
    """Queue every reminder due at `now` that is not queued yet; commits in batches (per-item guard)."""
    report = ReminderReport()
    local_time = now.astimezone(LOCAL_TZ).time()
    today = local_date(now)
    candidates: list[Reminder] = medication_reminders(session, now=now, report=report)
    if _in_window(local_time, MEASURE_WINDOW):
        candidates += measurement_reminders(session, today=today)
    if _in_window(local_time, FOLLOWUP_WINDOW):
        candidates += followup_reminders(session, today=today)
    if _in_window(local_time, RENEWAL_WINDOW):
        candidates += renewal_reminders(session, today=today)
    existing = _existing(session, [r.dedup_key for r in candidates])
    session.commit()
    fresh = [r for r in candidates if r.dedup_key not in existing]
    report.already = len(candidates) - len(fresh)
    deliver_at = quiet_hours_end(now)
    apply_guarded(session, fresh, lambda r: _queue(session, r, now=now, deliver_at=deliver_at), report,
                  key=lambda r: r.dedup_key)
    return report


def _queue(session: Session, reminder: Reminder, *, now: datetime, deliver_at: datetime) -> str:
    message = outbox.enqueue(session, consortium_id=reminder.consortium_id, resident_id=reminder.resident_id,
                             kind=f"reminder_{reminder.type}", text=reminder.text, now=now,
                             data={"type": reminder.type, **reminder.data}, dedup_key=reminder.dedup_key)
    if message.status == OutboxStatus.pending and message.next_attempt_at < deliver_at:
        message.next_attempt_at = deliver_at  # never delivered inside quiet hours
    return reminder.type
