"""Alerts (预警): one active alert per resident and kind, a team queue, and the escalation ladder.

New evidence updates the active alert of its kind (count, last value; severity only goes up) rather
than opening another. Every notification goes through the outbox in the caller's transaction, so it
is sent if and only if the alert change commits. Escalation (DESIGN.md, issue 3 item 4): an
unacknowledged critical alert climbs one rung every 30 min, a high one every 24 h:
village doctor -> township doctor -> county doctor of the team -> the on-duty specialist of the
alert's department. The scheduler calls `escalate_due` every minute with its clock.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, func, or_, select, text
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from app.errors import Conflict, Forbidden, NotFound, RuleViolation
from app.services import audit, outbox
from app.services import reading_texts as texts
from app.services.actors import Actor
from app.services.pagination import Page, paginate
from app.services.scopes import register_scope, require_clinical_reader
from models.alerts import (ACTIVE_ALERT_STATUSES, SEVERITY_RANK, Alert, AlertEvent, AlertKind, AlertStatus,
                           Severity)
from models.contracts import OPEN_STATUSES, Contract
from models.org import Staff, StaffRole, Team, TeamRole, Village
from models.residents import Resident

# Rungs 0-2 are the team's 1+1+1 members (DESIGN.md glossary); rung 3 is the county specialist.
LADDER = (TeamRole.village_doctor, TeamRole.township_doctor, TeamRole.county_doctor)
SPECIALIST_LEVEL = len(LADDER)
# The department that takes the last rung when no caller names one.
KIND_DEPARTMENT = {
    AlertKind.acute_bp: "心内科",
    AlertKind.low_bp: "心内科",
    AlertKind.trend_bp: "心内科",
    AlertKind.acute_glucose: "内分泌科",
    AlertKind.hypoglycaemia: "内分泌科",
    AlertKind.hypoglycaemia_recurrent: "内分泌科",
    AlertKind.trend_glucose: "内分泌科",
}
# SLA defaults (issue 3 item 4); the scheduler may pass others from configuration.
CRITICAL_AFTER = timedelta(minutes=30)
HIGH_AFTER = timedelta(hours=24)
UNACKNOWLEDGED = (AlertStatus.open, AlertStatus.escalated)
_ACTIVE_WHERE = text("status IN ('open', 'acknowledged', 'escalated')")  # the partial unique index's predicate


@dataclass(frozen=True)
class Rung:
    level: int
    assignee_id: int | None
    recipients: tuple[int, ...]  # staff to notify; several when no specialist is on duty
    fallback: bool = False


@dataclass
class AlertView:
    """An alert with the resident's name and village, for the queue and the detail page."""
    alert: Alert
    resident_name: str | None
    village_id: int | None
    village_name: str | None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.alert, name)


# --- raising ---------------------------------------------------------------------------------------
def raise_alert(session: Session, *, resident_id: int, kind: str, severity: str, summary: str, now: datetime,
                value: dict | None = None, department: str | None = None, notify: bool = True) -> Alert:
    """Open an alert or add evidence to the active one of that kind (count, last value, severity only goes up);
    notify the team through the outbox (village doctor first) in the same transaction when opened or raised."""
    kind, severity = AlertKind(kind), Severity(severity)
    resident = _who(session, resident_id)
    if resident is None:
        raise NotFound("resident.not_found", "没有找到这位居民 / resident not found")
    alert = _active(session, resident_id, kind)
    if alert is None:
        alert = _open(session, resident, kind=kind, severity=severity, summary=summary, now=now, value=value,
                      department=department or KIND_DEPARTMENT.get(kind))
        if alert is not None:
            if notify:
                _notify(session, alert, resident, event="opened", now=now)
            return alert
        alert = _active(session, resident_id, kind)  # a concurrent request opened it first
        assert alert is not None
    raised = SEVERITY_RANK[severity] < alert.severity_rank
    alert.evidence_count += 1
    alert.last_value = value
    alert.last_evidence_at = max(alert.last_evidence_at, now)
    if SEVERITY_RANK[severity] <= alert.severity_rank:
        alert.summary = summary
    if raised:
        alert.severity, alert.severity_rank = severity, SEVERITY_RANK[severity]
    if alert.department is None:
        alert.department = department or KIND_DEPARTMENT.get(kind)
    alert.events.append(AlertEvent(at=now, type="raised" if raised else "evidence",
                                   data={"severity": severity.value, "value": value}))
    session.flush()
    if raised and notify:
        _notify(session, alert, resident, event="raised", now=now)
    return alert


def _who(session: Session, resident_id: int) -> Any:
    """(id, consortium_id, name) of a resident: all an alert needs, without loading the record."""
    return session.execute(select(Resident.id, Resident.consortium_id, Resident.name)
                           .where(Resident.id == resident_id)).first()


def _write_lock(session: Session) -> None:
    """SQLite has no SELECT … FOR UPDATE: take its single write lock before a read-modify-write.

    A zero-row UPDATE starts the write transaction (like BEGIN IMMEDIATE), so the reads that follow see
    the latest commit and no other writer can interleave. PostgreSQL locks the rows themselves instead.
    """
    if session.connection().dialect.name == "sqlite":
        session.execute(text("UPDATE alerts SET id = id WHERE 1 = 0"))


def _active(session: Session, resident_id: int, kind: AlertKind) -> Alert | None:
    _write_lock(session)
    stmt = (select(Alert).where(Alert.resident_id == resident_id, Alert.kind == kind,
                                Alert.status.in_(ACTIVE_ALERT_STATUSES))
            .with_for_update().execution_options(populate_existing=True))
    return session.scalar(stmt)


def _open(session: Session, resident: Any, *, kind: AlertKind, severity: Severity, summary: str,
          now: datetime, value: dict | None, department: str | None) -> Alert | None:
    """Insert the alert unless another transaction holds the active one of this kind (then None)."""
    team_id = resident_team_id(session, resident.id)
    rung = _first_rung(session, team_id=team_id, department=department, consortium_id=resident.consortium_id)
    values = dict(consortium_id=resident.consortium_id, resident_id=resident.id, team_id=team_id, kind=kind,
                  severity=severity, severity_rank=SEVERITY_RANK[severity], status=AlertStatus.open,
                  summary=summary, last_value=value, evidence_count=1, opened_at=now, last_evidence_at=now,
                  escalation_level=rung.level, assignee_staff_id=rung.assignee_id, department=department)
    # ON CONFLICT DO NOTHING on the partial unique index: no exception and no SAVEPOINT, so a race
    # with a concurrent opener never aborts the caller's transaction (pysqlite's SAVEPOINT would commit).
    stmt = _insert(session, Alert).values(values).on_conflict_do_nothing(
        index_elements=["resident_id", "kind"], index_where=_ACTIVE_WHERE).returning(Alert)
    alert = session.scalars(stmt).first()
    if alert is None:
        return None
    set_committed_value(alert, "events", [])  # a new alert has no events: skip loading the collection
    alert.events.append(AlertEvent(at=now, type="opened", staff_id=None,
                                   data={"severity": severity.value, "value": value, "level": rung.level,
                                         "assignee_staff_id": rung.assignee_id}))
    session.flush()
    return alert


def _insert(session: Session, model: type) -> Any:
    """The dialect's INSERT construct (both PostgreSQL and SQLite have ON CONFLICT)."""
    if session.connection().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(model)


def resident_team_id(session: Session, resident_id: int) -> int | None:
    """The team of the resident's pending or active contract, if any."""
    return session.scalar(select(Contract.team_id).where(Contract.resident_id == resident_id,
                                                         Contract.status.in_(OPEN_STATUSES)))


def active_alerts(session: Session, resident_id: int) -> list[Alert]:
    """The resident's open, acknowledged or escalated alerts, most severe first."""
    return list(session.scalars(select(Alert).where(Alert.resident_id == resident_id,
                                                    Alert.status.in_(ACTIVE_ALERT_STATUSES))
                                .order_by(Alert.severity_rank, Alert.opened_at)))


# --- the ladder --------------------------------------------------------------------------------------
def _rung(session: Session, level: int, *, team_id: int | None, department: str | None,
          consortium_id: int) -> Rung | None:
    """Who stands on a rung of the ladder, or None when nobody does."""
    if level < SPECIALIST_LEVEL:
        team = session.get(Team, team_id) if team_id is not None else None
        member = team.member(LADDER[level]) if team is not None else None
        if member is None or not member.active:
            return None
        return Rung(level, member.id, (member.id,))
    if not department:
        return None
    specialists = list(session.scalars(
        select(Staff).where(Staff.consortium_id == consortium_id, Staff.role == StaffRole.specialist,
                            Staff.department == department, Staff.active.is_(True))
        .order_by(Staff.on_duty.desc(), Staff.id)))
    if not specialists:
        return None
    if specialists[0].on_duty:
        return Rung(level, specialists[0].id, (specialists[0].id,))
    # Nobody on duty: the whole department hears of it, and its specialists all see the alert.
    return Rung(level, None, tuple(s.id for s in specialists), fallback=True)


def _first_rung(session: Session, *, team_id: int | None, department: str | None, consortium_id: int) -> Rung:
    """The village doctor first; the next rung up when the team has nobody there."""
    for level in range(SPECIALIST_LEVEL):
        rung = _rung(session, level, team_id=team_id, department=department, consortium_id=consortium_id)
        if rung is not None:
            return rung
    return Rung(0, None, ())  # no team: the SLA clock will take it to the specialist


def _next_rung(session: Session, alert: Alert) -> Rung | None:
    for level in range(alert.escalation_level + 1, SPECIALIST_LEVEL + 1):
        rung = _rung(session, level, team_id=alert.team_id, department=alert.department,
                     consortium_id=alert.consortium_id)
        if rung is not None:
            return rung
    return None


def escalate_due(session: Session, *, now: datetime, critical_after: timedelta = CRITICAL_AFTER,
                 high_after: timedelta = HIGH_AFTER) -> int:
    """Move unacknowledged critical/high alerts whose rung's time is up one rung higher; returns the steps taken.

    Idempotent: the step restarts the clock (escalated_at = now), so a rerun at the same `now` does
    nothing, and each notice has a dedup key. Rows are locked (SKIP LOCKED) against a second scheduler.
    """
    _write_lock(session)
    clock = func.coalesce(Alert.escalated_at, Alert.opened_at)
    stmt = (select(Alert)
            .where(Alert.status.in_(UNACKNOWLEDGED), Alert.escalation_level < SPECIALIST_LEVEL,
                   or_(and_(Alert.severity == Severity.critical, clock <= now - critical_after),
                       and_(Alert.severity == Severity.high, clock <= now - high_after)))
            .order_by(Alert.severity_rank, Alert.opened_at)
            .with_for_update(skip_locked=True).execution_options(populate_existing=True))
    steps = 0
    for alert in session.scalars(stmt).all():
        rung = _next_rung(session, alert)
        if rung is None:
            continue  # top of this alert's ladder (no department): it stays with the county doctor
        started = alert.escalated_at or alert.opened_at
        from_level = alert.escalation_level
        alert.escalation_level = rung.level
        alert.assignee_staff_id = rung.assignee_id
        alert.status = AlertStatus.escalated
        alert.escalated_at = now
        alert.events.append(AlertEvent(at=now, type="escalated", staff_id=rung.assignee_id,
                                       note=texts.escalation_note(rung.level, fallback=rung.fallback),
                                       data={"from_level": from_level, "to_level": rung.level,
                                             "recipients": list(rung.recipients),
                                             "department": alert.department if rung.level == SPECIALIST_LEVEL else None}))
        resident = _who(session, alert.resident_id)
        waited = int((now - started).total_seconds() // 60)
        for staff_id in rung.recipients:
            outbox.enqueue(session, consortium_id=alert.consortium_id, staff_id=staff_id, kind="alert_escalated",
                           text=texts.team_notice_escalated(resident_name=resident.name if resident else "",
                                                            severity=alert.severity.value, summary=alert.summary,
                                                            level=rung.level, waited_minutes=waited),
                           now=now, data=_notice_data(alert),
                           dedup_key=f"alert:{alert.id}:escalated:{rung.level}:{staff_id}")
        steps += 1
    session.flush()
    return steps


def _notice_data(alert: Alert) -> dict:
    return {"alert_id": alert.id, "resident_id": alert.resident_id, "kind": alert.kind.value,
            "severity": alert.severity.value,
            # Critical and high notices are not held back by quiet hours (22:00-07:00).
            "urgent": alert.severity in (Severity.critical, Severity.high)}


def _recipients(session: Session, alert: Alert) -> tuple[int, ...]:
    if alert.assignee_staff_id is not None:
        return (alert.assignee_staff_id,)
    if alert.escalation_level == SPECIALIST_LEVEL:
        rung = _rung(session, SPECIALIST_LEVEL, team_id=alert.team_id, department=alert.department,
                     consortium_id=alert.consortium_id)
        return rung.recipients if rung else ()
    return ()


def _notify(session: Session, alert: Alert, resident: Any, *, event: str, now: datetime) -> None:
    """The notice to whoever holds the alert now (and whoever acknowledged it, on a raise)."""
    recipients = list(_recipients(session, alert))
    if event == "raised" and alert.acknowledged_by_id and alert.acknowledged_by_id not in recipients:
        recipients.append(alert.acknowledged_by_id)
    render = texts.team_notice_opened if event == "opened" else texts.team_notice_raised
    body = render(resident_name=resident.name, kind=alert.kind.value, severity=alert.severity.value,
                  summary=alert.summary)
    for staff_id in recipients:
        outbox.enqueue(session, consortium_id=alert.consortium_id, staff_id=staff_id, kind=f"alert_{event}",
                       text=body, now=now, data=_notice_data(alert),
                       dedup_key=f"alert:{alert.id}:{event}:{alert.severity.value}:{staff_id}")


# --- scope ---------------------------------------------------------------------------------------------
def alert_clause(actor: Actor) -> ColumnElement[bool]:
    """Which alerts an actor may see: their teams' residents', or those escalated to a specialist."""
    if actor.is_system:
        return Alert.consortium_id == actor.consortium_id
    if actor.is_team_staff:
        if not actor.team_ids:
            return false()
        # The team's current residents (pending or active contract), as for the resident record: a
        # resident who moves team takes their open alerts to the new team, out of the old one's sight.
        current = select(Contract.resident_id).where(Contract.team_id.in_(actor.team_ids),
                                                     Contract.status.in_(OPEN_STATUSES))
        return and_(Alert.consortium_id == actor.consortium_id, Alert.resident_id.in_(current))
    if actor.is_specialist:
        mine = Alert.assignee_staff_id == actor.id
        if actor.department:
            mine = or_(mine, Alert.department == actor.department)
        return and_(Alert.consortium_id == actor.consortium_id, Alert.escalation_level >= SPECIALIST_LEVEL, mine)
    return false()


def _specialist_scope(actor: Actor) -> ColumnElement[bool] | None:
    """A specialist may read a resident while an alert about them is escalated to them or their department."""
    if not actor.is_specialist:
        return None
    return exists().where(Alert.resident_id == Resident.id, Alert.status.in_(ACTIVE_ALERT_STATUSES),
                          alert_clause(actor))


register_scope(_specialist_scope)


def _require_staff_reader(actor: Actor) -> None:
    require_clinical_reader(actor)
    if not (actor.is_team_staff or actor.is_specialist or actor.is_system):
        raise Forbidden("alert.staff_only", "预警仅供医生查看 / alerts are for clinical staff")


def _load(session: Session, actor: Actor, alert_id: int, *, lock: bool = False) -> Alert:
    _require_staff_reader(actor)
    stmt = select(Alert).where(Alert.id == alert_id, alert_clause(actor))
    if lock:
        _write_lock(session)
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    alert = session.scalar(stmt)
    if alert is None:
        raise NotFound("alert.not_found", "没有找到这条预警 / alert not found")
    return alert


def describe(session: Session, alert: Alert) -> AlertView:
    """The alert with its resident's name and village."""
    row = session.execute(select(Resident.name, Village.id, Village.name).join(Village, Resident.village_id == Village.id)
                          .where(Resident.id == alert.resident_id)).first()
    return AlertView(alert, *(row or (None, None, None)))


def get_alert(session: Session, actor: Actor, alert_id: int) -> AlertView:
    """One alert with its events, if the actor may see it."""
    alert = _load(session, actor, alert_id)
    audit.note(session, actor, action="read", target=f"alert:{alert.id}", resident_id=alert.resident_id)
    return describe(session, alert)


def team_queue(session: Session, actor: Actor, *, status: str | None = None, kind: str | None = None,
               village_id: int | None = None, resident_id: int | None = None, page: int = 1,
               per_page: int = 20) -> Page:
    """The actor's alert queue: most severe first, then the longest waiting; active alerts unless a status is named."""
    _require_staff_reader(actor)
    stmt = select(Alert).where(alert_clause(actor))
    if status:
        stmt = stmt.where(Alert.status == AlertStatus(status))
    else:
        stmt = stmt.where(Alert.status.in_(ACTIVE_ALERT_STATUSES))
    if kind:
        stmt = stmt.where(Alert.kind == AlertKind(kind))
    if village_id is not None:
        stmt = stmt.where(Alert.resident_id.in_(select(Resident.id).where(Resident.village_id == village_id)))
    if resident_id is not None:
        stmt = stmt.where(Alert.resident_id == resident_id)
    result = paginate(session, stmt.order_by(Alert.severity_rank, Alert.opened_at, Alert.id),
                      page=page, per_page=per_page)
    ids = {a.resident_id for a in result.items}
    rows = {r.id: r for r in session.execute(
        select(Resident.id, Resident.name, Village.id.label("village_id"), Village.name.label("village_name"))
        .join(Village, Resident.village_id == Village.id).where(Resident.id.in_(ids)))} if ids else {}
    items = []
    for alert in result.items:
        row = rows.get(alert.resident_id)
        items.append(AlertView(alert, row.name if row else None, row.village_id if row else None,
                               row.village_name if row else None))
    audit.note(session, actor, action="list", target="alerts", data={"resident_ids": sorted(ids)})
    return Page(items=items, page=result.page, per_page=result.per_page, total=result.total)


# --- acknowledge and resolve --------------------------------------------------------------------------
def _note(note: str | None) -> str:
    note = (note or "").strip()
    if not note:
        raise RuleViolation("alert.note_required", "请填写处理说明 / a note is required",
                            errors={"note": ["请填写处理说明 / a note is required"]})
    return note


def acknowledge(session: Session, *, actor: Actor, alert_id: int, note: str, now: datetime) -> Alert:
    """A doctor takes the alert (确认): the escalation clock stops."""
    note = _note(note)
    alert = _load(session, actor, alert_id, lock=True)
    if alert.status == AlertStatus.resolved:
        raise Conflict("alert.resolved", "该预警已处理完毕 / alert already resolved")
    if alert.status == AlertStatus.acknowledged:
        raise Conflict("alert.acknowledged", "该预警已被确认 / alert already acknowledged")
    alert.status = AlertStatus.acknowledged
    alert.acknowledged_at, alert.acknowledged_by_id = now, actor.id
    alert.events.append(AlertEvent(at=now, type="acknowledged", staff_id=actor.id, note=note))
    audit.note(session, actor, action="update", target=f"alert:{alert.id}", resident_id=alert.resident_id)
    session.flush()
    return alert


def resolve(session: Session, *, actor: Actor, alert_id: int, note: str, now: datetime,
            followup: dict | None = None) -> Alert:
    """Close the alert with a note; a follow-up visit can be recorded in the same transaction."""
    note = _note(note)
    alert = _load(session, actor, alert_id, lock=True)
    if alert.status == AlertStatus.resolved:
        raise Conflict("alert.resolved", "该预警已处理完毕 / alert already resolved")
    data: dict[str, Any] = {}
    if followup is not None:
        data["followup_id"] = _record_followup(session, actor=actor, alert=alert, followup=followup, now=now)
    if alert.acknowledged_at is None:  # resolving is also taking it: time-to-acknowledge ends here
        alert.acknowledged_at, alert.acknowledged_by_id = now, actor.id
    alert.status = AlertStatus.resolved
    alert.resolved_at, alert.resolved_by_id = now, actor.id
    alert.events.append(AlertEvent(at=now, type="resolved", staff_id=actor.id, note=note, data=data or None))
    audit.note(session, actor, action="update", target=f"alert:{alert.id}", resident_id=alert.resident_id)
    session.flush()
    return alert


def _record_followup(session: Session, *, actor: Actor, alert: Alert, followup: dict, now: datetime) -> int | None:
    """Hand the follow-up to app.services.followups.record_followup when that module exists."""
    try:
        from app.services import followups
    except ModuleNotFoundError as exc:
        if exc.name != "app.services.followups":
            raise
        raise RuleViolation("alert.followup_unavailable", "暂不能在此记录随访 / follow-up recording is not available",
                            errors={"followup": ["暂不能在此记录随访"]}) from exc
    fields = {**followup, "resident_id": alert.resident_id, "alert_id": alert.id}
    record = followups.record_followup(session, actor=actor, now=now, **fields)
    return getattr(record, "id", None)
