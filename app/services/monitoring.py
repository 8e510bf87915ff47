"""Missed monitoring (漏测): an enrolled resident with no home reading for 14 days gets a low alert.

Enrolled = an active contract, hypertension or diabetes, an active consent, not anonymised. "No
reading" counts both BP and glucose; a resident who never sent one counts from the contract's
approval. The alert goes through `alerts.raise_alert` (one active per resident and kind): a daily
run adds the day's evidence once (a rerun the same day changes nothing). Doctors see it in their
queue; no push by default, since a low alert per silent resident would flood their WeChat.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from app.services import alerts
from app.services.batch import BatchReport, apply_guarded
from app.services.clock import LOCAL_TZ, local_date
from models.alerts import ACTIVE_ALERT_STATUSES, Alert, AlertKind
from models.contracts import Contract, ContractStatus
from models.readings import BpReading, GlucoseReading
from models.residents import Consent, Resident, ResidentCondition

DEFAULT_DAYS = 14  # a managed resident with no home reading for 14 days is followed up (configurable)
ENROLLED_CONDITIONS = ("hypertension", "diabetes")


@dataclass
class MonitoringReport(BatchReport):
    """What one run found."""

    enrolled: int = 0
    missed: int = 0
    alerted: int = 0
    already: int = 0  # evidence already added today


@dataclass(frozen=True)
class Missed:
    resident_id: int
    last_reading_at: datetime | None
    since: datetime  # the last reading, or the enrolment when there was none
    days: int


def summary(missed: Missed) -> str:
    """The doctor-facing alert summary (plain Chinese)."""
    if missed.last_reading_at is None:
        return f"签约管理{missed.days}天以来没有上传过血压或血糖，请联系居民，督促居家监测"
    last = missed.last_reading_at.astimezone(LOCAL_TZ)
    return (f"已{missed.days}天没有上传血压或血糖（最近一次{last.month}月{last.day}日），"
            "请联系居民了解情况，督促居家监测")


def find_missed(session: Session, *, now: datetime, days: int = DEFAULT_DAYS) -> tuple[int, list[Missed]]:
    """(number enrolled, those without a reading for `days` days)."""
    cutoff = now - timedelta(days=days)
    last_bp = select(func.max(BpReading.measured_at)).where(BpReading.resident_id == Resident.id).scalar_subquery()
    last_glu = (select(func.max(GlucoseReading.measured_at)).where(GlucoseReading.resident_id == Resident.id)
                .scalar_subquery())
    rows = session.execute(
        select(Resident.id, last_bp.label("bp"), last_glu.label("glu"),
               func.coalesce(Contract.approved_at, Contract.applied_at).label("enrolled_at"))
        .join(Contract, (Contract.resident_id == Resident.id) & (Contract.status == ContractStatus.active))
        .where(Resident.anonymised_at.is_(None),
               exists().where(ResidentCondition.resident_id == Resident.id,
                              ResidentCondition.code.in_(ENROLLED_CONDITIONS)),
               exists().where(Consent.resident_id == Resident.id, Consent.withdrawn_at.is_(None)))
        .order_by(Resident.id)).all()
    out = []
    for row in rows:
        last = max((t for t in (row.bp, row.glu) if t is not None), default=None)
        since = last or row.enrolled_at
        if since <= cutoff:
            out.append(Missed(row.id, last, since, (now - since).days))
    return len(rows), out


def flag_missed_monitoring(session: Session, *, now: datetime, days: int = DEFAULT_DAYS,
                           notify: bool = False) -> MonitoringReport:
    """Raise (or refresh once a day) a low missed_monitoring alert per silent enrolled resident; commits in batches."""
    report = MonitoringReport()
    report.enrolled, missed = find_missed(session, now=now, days=days)
    report.missed = len(missed)
    today = local_date(now)
    touched_today = {rid for rid, at in session.execute(
        select(Alert.resident_id, Alert.last_evidence_at)
        .where(Alert.kind == AlertKind.missed_monitoring, Alert.status.in_(ACTIVE_ALERT_STATUSES)))
        if local_date(at) == today}
    session.commit()
    todo = [m for m in missed if m.resident_id not in touched_today]
    report.already = len(missed) - len(todo)

    def apply(m: Missed) -> str:
        alerts.raise_alert(session, resident_id=m.resident_id, kind=AlertKind.missed_monitoring.value,
                           severity="low", summary=summary(m), now=now, notify=notify,
                           value={"days": m.days,
                                  "last_reading_at": m.last_reading_at.isoformat() if m.last_reading_at else None})
        return "alerted"

    apply_guarded(session, todo, apply, report, key=lambda m: m.resident_id)
    return report
