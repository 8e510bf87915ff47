"""Confirmation before critical (确认后再报警): what a dangerous home value waits for, kept in the database.

The rule is ml.measurement's (pure; docs/clinical_rules.md "HBPM sessions and confirmation"): a BP
>=180/110 or a glucose <3.0 / >=16.7 mmol/L (HI/LO) is confirmed by a repeat in the same session or within
15 min that agrees, or by a red-flag symptom (the one symptom reader, app.services.rules.symptom_flags).
This module is the readings package's memory of it, one row per dangerous reading in
`reading_confirmations`, and the `confirmation` mark on the readings that the trend features filter on:

- a single dangerous value: the row waits (awaiting_confirmation); the resident is asked to sit quietly
  and measure again in 5 minutes; no alert;
- a repeat that agrees: the row is confirmed and the alert opens then (its SLA clock starts at the
  confirming reading); a red-flag symptom confirms at once;
- a normal repeat: the row is dismissed, nothing is raised, the dangerous reading is kept and marked
  not confirmed;
- no repeat within the wait (CONFIRM_WAIT_MINUTES, default 30): `expire_due` (the confirmation_timeout
  job) gives the village doctor a moderate "please call the resident" alert, never a critical page.

Every write is keyed (one row per reading; state changes only from awaiting), so a retried post or a
rerun of the job changes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.services import alerts, dialects
from app.services import reading_texts as texts
from ml import measurement
from ml.clinical import CONFIRM_REST_MINUTES, CONFIRM_WAIT_MINUTES
from models.alerts import AlertKind, Severity
from models.confirmations import ConfirmationState, ReadingCheck, ReadingConfirmation
from models.readings import BpReading, GlucoseReading

CONFIRM_WAIT = timedelta(minutes=CONFIRM_WAIT_MINUTES)
MODELS = {"bp": BpReading, "glucose": GlucoseReading}
# The rules that wait for a confirmation, by the reading type (app.services.rules).
WAITING_RULES = {"BP-R1", "G-R1", "G-R2"}


@dataclass(frozen=True, slots=True)
class BpRow(measurement.Bp):
    """A stored BP reading as ml.measurement sees it, with its id."""
    id: int = 0


@dataclass(frozen=True, slots=True)
class GlucoseRow(measurement.Glucose):
    """A stored glucose reading as ml.measurement sees it, with its id."""
    id: int = 0


@dataclass(frozen=True)
class Check:
    """What confirmation means for one new reading: its episode's state and the reading's part in it."""
    state: str  # an ml.measurement state
    role: str  # "index" (the dangerous reading) | "repeat"
    index_id: int
    reason: str  # "repeat" | "red_flag" | ""
    confirmed_at: datetime | None
    deadline: datetime | None

    def as_dict(self) -> dict[str, Any]:
        """For the API answer and the alert's value."""
        return {"state": self.state, "role": self.role, "reading_id": self.index_id, "reason": self.reason or None,
                "confirmed_at": self.confirmed_at.isoformat() if self.confirmed_at else None,
                "remeasure_in_minutes": CONFIRM_REST_MINUTES if self.state in (
                    measurement.AWAITING, measurement.UNCONFIRMED) else None}


def check_of(confirmation: measurement.Confirmation | None, reading_id: int) -> Check | None:
    """The Check of a reading whose episode ml.measurement judged (None: not in a dangerous episode)."""
    if confirmation is None or confirmation.index is None:
        return None
    role = "index" if confirmation.index.id == reading_id else "repeat"
    return Check(confirmation.state, role, confirmation.index.id, confirmation.reason, confirmation.confirmed_at,
                 confirmation.deadline)


def _mark(session: Session, kind: str, reading_ids: list[int], value: str) -> None:
    model = MODELS[kind]
    session.execute(update(model).where(model.id.in_(reading_ids)).values(confirmation=value))


def record(session: Session, *, kind: str, reading: Any, check: Check | None, rule: str | None, now: datetime,
           alert_id: int | None = None, dangerous: bool = False) -> None:
    """Keep what the check decided for a new (not retried) reading, in the caller's transaction.

    `rule`: the acute rule that fired for it (BP-R1, BP-U1, G-E1 …); `dangerous`: the reading itself is a
    dangerous value (a confirming repeat is marked confirmed too; a normal repeat stays an ordinary reading).
    """
    if check is None:
        return
    if check.state in (measurement.AWAITING, measurement.UNCONFIRMED):
        if check.role == "index":
            _insert(session, kind, reading, rule or "", ConfirmationState.awaiting, now=now)
            _mark(session, kind, [reading.id], ReadingCheck.awaiting.value)
        return
    if check.state == measurement.CONFIRMED:
        row = _row(session, kind, check.index_id)
        if row is None:  # confirmed at once (a red flag, or index and repeat in one batch before any row)
            _insert(session, kind, _index(session, kind, check.index_id), rule or "", ConfirmationState.confirmed,
                    now=now, reason=check.reason, resolving=reading.id, alert_id=alert_id)
        elif row.state != ConfirmationState.confirmed:  # a later repeat may still confirm: never downgraded
            row.state, row.reason, row.resolved_at = ConfirmationState.confirmed, check.reason, now
            row.resolving_reading_id, row.alert_id = reading.id, alert_id
        ids = [check.index_id] + ([reading.id] if dangerous and reading.id != check.index_id else [])
        _mark(session, kind, ids, ReadingCheck.confirmed.value)
        return
    if check.state == measurement.DISMISSED:
        row = _row(session, kind, check.index_id)
        if row is not None and row.state == ConfirmationState.awaiting:
            row.state, row.reason, row.resolved_at = ConfirmationState.dismissed, "normal_repeat", now
            row.resolving_reading_id = reading.id
        elif row is None:
            _insert(session, kind, _index(session, kind, check.index_id), rule or "", ConfirmationState.dismissed,
                    now=now, reason="normal_repeat", resolving=reading.id)
        _mark(session, kind, [check.index_id], ReadingCheck.not_confirmed.value)


def _row(session: Session, kind: str, reading_id: int) -> ReadingConfirmation | None:
    return session.scalars(select(ReadingConfirmation).where(ReadingConfirmation.reading_type == kind,
                                                             ReadingConfirmation.reading_id == reading_id)
                           .with_for_update()).first()


def _index(session: Session, kind: str, reading_id: int) -> Any:
    model = MODELS[kind]
    return session.execute(select(model.id, model.consortium_id, model.resident_id, model.measured_at)
                           .where(model.id == reading_id)).one()


def _insert(session: Session, kind: str, reading: Any, rule: str, state: ConfirmationState, *, now: datetime,
            reason: str | None = None, resolving: int | None = None, alert_id: int | None = None) -> None:
    # ON CONFLICT DO NOTHING: a concurrent post of the same reading's repeat, or a rerun, keeps the first row.
    table = ReadingConfirmation.__table__
    done = state != ConfirmationState.awaiting
    session.execute(dialects.insert(session, table).on_conflict_do_nothing(
        index_elements=["reading_type", "reading_id"]), [dict(
            consortium_id=reading.consortium_id, resident_id=reading.resident_id, reading_type=kind,
            reading_id=reading.id, rule=rule[:8], state=state, reason=reason, measured_at=reading.measured_at,
            opened_at=now, resolved_at=now if done else None, resolving_reading_id=resolving, alert_id=alert_id)])


# --- the timeout job -----------------------------------------------------------------------------------------
@dataclass
class TimeoutReport:
    expired: int = 0
    alerts: int = 0

    def __str__(self) -> str:
        return f"expired={self.expired} alerts={self.alerts}"


def _value_text(kind: str, reading: Any) -> str:
    if kind == "bp":
        return f"血压 {texts.bp_value(reading.systolic, reading.diastolic)} mmHg"
    return f"血糖 {texts.glucose_value(reading.value_mmol, reading.meter_flag)}"


def expire_due(session: Session, *, now: datetime, wait: timedelta = CONFIRM_WAIT) -> TimeoutReport:
    """Dangerous values still unrepeated `wait` after they were measured: a moderate call-the-resident alert each.

    Idempotent: only rows still awaiting are taken (locked, SKIP LOCKED against a second scheduler), and
    each leaves that state; the alert is one active alert per resident (new values add evidence).
    """
    report = TimeoutReport()
    due = list(session.scalars(select(ReadingConfirmation)
                               .where(ReadingConfirmation.state == ConfirmationState.awaiting,
                                      ReadingConfirmation.measured_at <= now - wait)
                               .order_by(ReadingConfirmation.measured_at, ReadingConfirmation.id)
                               .with_for_update(skip_locked=True)))
    minutes = int(wait.total_seconds() // 60)
    for row in due:
        model = MODELS[row.reading_type]
        reading = session.get(model, row.reading_id)
        text = _value_text(row.reading_type, reading)
        alert = alerts.raise_alert(
            session, resident_id=row.resident_id, kind=AlertKind.unconfirmed_reading.value,
            severity=Severity.moderate.value, summary=texts.unconfirmed_summary(text, minutes), now=now,
            value={"type": row.reading_type, "reading_id": row.reading_id, "rule": row.rule,
                   "measured_at": row.measured_at.isoformat(), "confirmation": ConfirmationState.unconfirmed.value})
        row.state, row.reason, row.resolved_at, row.alert_id = ConfirmationState.unconfirmed, "timeout", now, alert.id
        _mark(session, row.reading_type, [row.reading_id], ReadingCheck.not_confirmed.value)
        report.expired += 1
        report.alerts += 1
    session.flush()
    return report
