"""Alerts (预警): one active alert per resident and kind, a team queue, and the escalation ladder.

New evidence updates the active alert of its kind (count, last value; severity only goes up) rather
than opening another. Every notification goes through the outbox in the caller's transaction, so it
is sent if and only if the alert change commits. `raise_alerts` applies many items by these rules in a
fixed number of statements (the trend scan's chunks); `raise_alert` applies one (a reading, a triage red flag)
and hands back the Alert: a locked read of the active alert, then its INSERT or UPDATE, the event and the notices.
Escalation (docs/design.md, "Who uses it"): an unacknowledged critical alert climbs one rung every 30 min,
a high one every 24 h: village doctor -> township doctor -> county doctor of the team -> the on-duty
specialist of the alert's department. The scheduler calls `escalate_due` every minute with its clock.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, and_, exists, false, func, or_, select, text
from sqlalchemy.orm import Session, lazyload

from app.errors import Conflict, Forbidden, NotFound, RuleViolation
from app.services import audit, dialects, followups, outbox
from app.services import reading_texts as texts
from app.services.actors import Actor
from app.services.pagination import Page, paginate
from app.services.scopes import register_scope, require_clinical_reader
from models.alerts import (ACTIVE_ALERT_STATUSES, SEVERITY_RANK, Alert, AlertEvent, AlertKind, AlertStatus,
                           Severity)
from models.contracts import OPEN_STATUSES, Contract
from models.org import Staff, StaffRole, Team, TeamMember, TeamRole, Village
from models.residents import Resident

# Rungs 0-2 are the team's 1+1+1 members (docs/glossary.md); rung 3 is the county specialist.
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
# SLA defaults: an unacknowledged critical alert climbs a rung every 30 min, a high one every 24 h;
# the scheduler may pass others from configuration.
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
class AlertItem(NamedTuple):
    """One piece of evidence for `raise_alerts`: the arguments of `raise_alert` but `now` and `notify`."""
    resident_id: int
    kind: str
    severity: str
    summary: str
    value: dict | None = None
    department: str | None = None


@dataclass
class RaisedAlerts:
    """What `raise_alerts` did: for each item the alert it opened or added evidence to, and counts."""
    alert_ids: list[int] = field(default_factory=list)
    opened: int = 0
    evidence: int = 0  # items added to an active alert (the raised ones included)
    raised: int = 0  # of which the severity went up
    notices: int = 0  # outbox messages queued (a dedup key already queued is not queued again)


@dataclass
class _Active:
    """An active alert's columns that raising reads and writes, while a batch folds its items in."""
    id: int
    consortium_id: int
    resident_id: int
    team_id: int | None
    kind: AlertKind
    severity: Severity
    severity_rank: int
    summary: str
    last_value: dict | None
    evidence_count: int
    last_evidence_at: datetime
    escalation_level: int
    assignee_staff_id: int | None
    department: str | None
    acknowledged_by_id: int | None
    changed: bool = False


_ACTIVE_COLUMNS = tuple(Alert.__table__.c[name] for name in _Active.__dataclass_fields__ if name != "changed")
# The columns new evidence changes.
_EVIDENCE_COLUMNS = ("severity", "severity_rank", "summary", "last_value", "evidence_count", "last_evidence_at",
                     "department")


def raise_alert(session: Session, *, resident_id: int, kind: str, severity: str, summary: str, now: datetime,
                value: dict | None = None, department: str | None = None, notify: bool = True) -> Alert:
    """Open an alert or add evidence to the active one of that kind (count, last value, severity only goes up);
    notify the team through the outbox (village doctor first) in the same transaction when opened or raised."""
    # The rules of `raise_alerts` for one item, on the ORM object returned: a locked read of the active alert,
    # then the INSERT … RETURNING that opens it or the UPDATE (at the flush) of the evidence; nothing reads the
    # alert again afterwards. The resident is read only to open or to name them in a raised notice.
    item = _item(AlertItem(resident_id, kind, severity, summary, value, department))
    session.flush()  # pending ORM changes first
    alert, opened, who = _lock_one(session, item), False, None
    if alert is None:
        who, rung = _opener(session, item.resident_id)
        alert = _open_one(session, item, who, rung, now=now)
        opened = alert is not None
        if not opened:  # a concurrent transaction opened it first: this is evidence on its alert
            alert = _lock_one(session, item)
    elif notify and SEVERITY_RANK[item.severity] < alert.severity_rank:
        who = _residents(session, [item.resident_id])[item.resident_id]
    event, notices, _ = _fold(session, alert, item, opened=opened, who=who, notify=notify, now=now, cache={})
    session.flush()  # the evidence: one UPDATE of the columns it changed
    dialects.insert_rows(session, AlertEvent.__table__, [event])
    outbox.enqueue_many(session, notices, now=now)
    return alert


def raise_alerts(session: Session, items: Iterable[AlertItem | tuple], *, now: datetime,
                 notify: bool = True, digest: bool = False) -> RaisedAlerts:
    """`raise_alert` for each item in turn, set-based: a fixed number of statements however many items.

    Same rules and outcome as the calls one by one (one active alert per resident and kind; an item for a
    kind already active, or already opened earlier in `items`, is evidence), in the caller's transaction.
    The writes bypass the ORM unit of work: Alert objects the session holds for these alerts are expired.
    `digest`: one notice per recipient for the whole batch instead of one per alert (the trend scan: a
    village doctor with forty flagged residents gets one message, not forty).
    """
    batch = [_item(item) for item in items]
    result = RaisedAlerts(alert_ids=[0] * len(batch))
    if not batch:
        return result
    session.flush()  # pending ORM changes first: the statements below do not go through the unit of work
    first: dict[tuple[int, AlertKind], int] = {}  # each (resident, kind) in order of appearance: its first item
    for n, item in enumerate(batch):
        first.setdefault((item.resident_id, item.kind), n)
    alerts = _lock_active(session, list(first))
    # Resident rows only where needed: to open an alert, or to name the resident in a raised notice (an
    # active alert's resident exists; evidence alone reads nothing more).
    needed = {key[0] for key in first if key not in alerts}
    if notify:
        needed |= {item.resident_id for item in batch if (item.resident_id, item.kind) in alerts
                   and SEVERITY_RANK[item.severity] < alerts[(item.resident_id, item.kind)].severity_rank}
    who = _residents(session, sorted(needed)) if needed else {}
    opened = _open(session, [batch[n] for key, n in first.items() if key not in alerts], who, now=now)
    lost = [key for key in first if key not in alerts and key not in opened]
    if lost:  # a concurrent transaction opened these first: the whole group is evidence on its alert
        alerts.update(_lock_active(session, lost))
        assert all(key in alerts for key in lost)
    alerts.update(opened)
    events: list[dict] = []
    notices: list[dict] = []
    specialists: dict[tuple, Rung | None] = {}
    for n, item in enumerate(batch):
        key = (item.resident_id, item.kind)
        alert = alerts[key]
        result.alert_ids[n] = alert.id
        opening = key in opened and first[key] == n
        event, queued, raised = _fold(session, alert, item, opened=opening, who=who.get(item.resident_id),
                                      notify=notify, now=now, cache=specialists)
        events.append(event)
        notices += queued
        if opening:
            result.opened += 1
        else:
            alert.changed = True
            result.evidence += 1
            result.raised += raised
    _write_evidence(session, [alert for alert in alerts.values() if alert.changed])
    dialects.insert_rows(session, AlertEvent.__table__, events)
    result.notices = outbox.enqueue_many(session, _digests(notices, who) if digest else notices, now=now)
    _expire(session, {alert.id for alert in alerts.values()})
    return result


def _digests(notices: list[dict], who: dict[int, Any]) -> list[dict]:
    """The notices grouped into one per recipient; its dedup key follows from the notices it stands for, so
    applying the same batch again queues nothing new."""
    by_staff: dict[int, list[dict]] = {}
    for notice in notices:
        by_staff.setdefault(notice["staff_id"], []).append(notice)
    digests = []
    for staff_id, group in by_staff.items():
        resident_ids = list(dict.fromkeys(n["data"]["resident_id"] for n in group))
        keys = "|".join(sorted(n["dedup_key"] for n in group))
        digests.append({
            "consortium_id": group[0]["consortium_id"], "staff_id": staff_id, "kind": "alert_digest",
            "text": texts.team_notice_digest(resident_names=[who[r].name for r in resident_ids]),
            "data": {"alert_ids": [n["data"]["alert_id"] for n in group], "resident_ids": resident_ids,
                     "urgent": any(n["data"]["urgent"] for n in group)},
            "dedup_key": "alert-digest:" + hashlib.sha256(keys.encode()).hexdigest()[:40]})
    return digests


def _item(item: AlertItem | tuple) -> AlertItem:
    item = item if isinstance(item, AlertItem) else AlertItem(*item)
    return item._replace(kind=AlertKind(item.kind), severity=Severity(item.severity))


def _fold(session: Session, alert: Alert | _Active, item: AlertItem, *, opened: bool, who: Any, notify: bool,
          now: datetime, cache: dict[tuple, Rung | None]) -> tuple[dict, list[dict], bool]:
    """One item on its alert, which it opened or to which it adds evidence: the alert's event, the notices to
    queue and whether the severity went up. `who`: the resident's row (needed to notify of an opening or a raise)."""
    if opened:
        event = _event(alert.id, now, "opened", {"severity": item.severity.value, "value": item.value,
                                                 "level": alert.escalation_level,
                                                 "assignee_staff_id": alert.assignee_staff_id})
        return event, _notices(session, alert, who.name, event="opened", cache=cache) if notify else [], False
    raised = _add_evidence(alert, item, now)
    event = _event(alert.id, now, "raised" if raised else "evidence",
                   {"severity": item.severity.value, "value": item.value})
    return event, _notices(session, alert, who.name, event="raised", cache=cache) if raised and notify else [], raised


def _add_evidence(alert: Alert | _Active, item: AlertItem, now: datetime) -> bool:
    """Fold one item into an active alert: count, last value, summary unless less severe; severity only goes up.
    Returns whether the severity went up."""
    rank = SEVERITY_RANK[item.severity]
    raised = rank < alert.severity_rank
    alert.evidence_count += 1
    alert.last_value = item.value
    alert.last_evidence_at = max(alert.last_evidence_at, now)
    if rank <= alert.severity_rank:
        alert.summary = item.summary
    if raised:
        alert.severity, alert.severity_rank = item.severity, rank
    if alert.department is None:
        alert.department = item.department or KIND_DEPARTMENT.get(item.kind)
    return raised


def _event(alert_id: int, now: datetime, type_: str, data: dict) -> dict:
    return {"alert_id": alert_id, "at": now, "type": type_, "staff_id": None, "note": None, "data": data}


def _residents(session: Session, resident_ids: list[int]) -> dict[int, Any]:
    """id -> (id, consortium_id, name, team_id of the open contract): all an alert needs, without loading records.
    NotFound when one of them does not exist."""
    rows = session.execute(
        select(Resident.id, Resident.consortium_id, Resident.name, Contract.team_id)
        .outerjoin(Contract, and_(Contract.resident_id == Resident.id, Contract.status.in_(OPEN_STATUSES)))
        .where(dialects.among(session, Resident.id, resident_ids)))
    found = {row.id: row for row in rows}
    if len(found) < len(set(resident_ids)):
        raise NotFound("resident.not_found", "没有找到这位居民 / resident not found")
    return found


def _write_lock(session: Session) -> None:
    """SQLite has no SELECT … FOR UPDATE: take its single write lock before a read-modify-write.

    A zero-row UPDATE starts the write transaction (like BEGIN IMMEDIATE), so the reads that follow see
    the latest commit and no other writer can interleave. PostgreSQL locks the rows themselves instead.
    """
    if session.connection().dialect.name == "sqlite":
        session.execute(text("UPDATE alerts SET id = id WHERE 1 = 0"))


def _lock_active(session: Session, keys: list[tuple[int, AlertKind]]) -> dict[tuple[int, AlertKind], _Active]:
    """The active alerts of these (resident, kind) pairs, locked for update (one statement)."""
    _write_lock(session)
    table = Alert.__table__
    wanted = set(keys)
    rows = session.execute(
        select(*_ACTIVE_COLUMNS)
        .where(dialects.among(session, table.c.resident_id, sorted({rid for rid, _ in keys})),
               table.c.kind.in_(sorted({kind for _, kind in keys})), table.c.status.in_(ACTIVE_ALERT_STATUSES))
        .order_by(table.c.id).with_for_update())
    found = {}
    for row in rows:
        if (row.resident_id, row.kind) in wanted:
            found[(row.resident_id, row.kind)] = _Active(**row._mapping)
    return found


def _lock_one(session: Session, item: AlertItem) -> Alert | None:
    """The active alert of the item's resident and kind as an ORM object, locked for update (its events load
    when first touched); populate_existing refreshes a copy the session already holds."""
    _write_lock(session)
    return session.scalars(
        select(Alert).where(Alert.resident_id == item.resident_id, Alert.kind == item.kind,
                            Alert.status.in_(ACTIVE_ALERT_STATUSES))
        .options(lazyload(Alert.events)).with_for_update().execution_options(populate_existing=True)).one_or_none()


def _opener(session: Session, resident_id: int) -> tuple[Any, Rung]:
    """`_residents` and `_first_rungs` for one resident, in one statement: their row and their team's first rung."""
    rows = session.execute(
        select(Resident.id, Resident.consortium_id, Resident.name, Contract.team_id, TeamMember.role,
               Staff.id.label("staff_id"), Staff.active)
        .outerjoin(Contract, and_(Contract.resident_id == Resident.id, Contract.status.in_(OPEN_STATUSES)))
        .outerjoin(TeamMember, TeamMember.team_id == Contract.team_id)
        .outerjoin(Staff, Staff.id == TeamMember.staff_id)
        .where(Resident.id == resident_id).order_by(TeamMember.id)).all()
    if not rows:
        raise NotFound("resident.not_found", "没有找到这位居民 / resident not found")
    members = [(row.role, row.staff_id, row.active) for row in rows if row.role is not None]
    return rows[0], _first_rung(members) if rows[0].team_id is not None else Rung(0, None, ())


def _open_one(session: Session, item: AlertItem, who: Any, rung: Rung, *, now: datetime) -> Alert | None:
    """`_open` for one item, returning the new row as an ORM object (None: another transaction holds the active
    alert of that kind)."""
    stmt = (dialects.insert(session, Alert).values(**_new_alert(item, who, rung, now))
            .on_conflict_do_nothing(index_elements=["resident_id", "kind"], index_where=_ACTIVE_WHERE)
            .returning(Alert).options(lazyload(Alert.events)))
    return session.scalars(stmt, execution_options={"populate_existing": True}).one_or_none()


def _new_alert(item: AlertItem, resident: Any, rung: Rung, now: datetime) -> dict[str, Any]:
    """A new alert's columns: the first rung of the resident's team takes it (no team: the SLA clock takes it to
    the specialist)."""
    return dict(consortium_id=resident.consortium_id, resident_id=item.resident_id, team_id=resident.team_id,
                kind=item.kind, severity=item.severity, severity_rank=SEVERITY_RANK[item.severity],
                status=AlertStatus.open, summary=item.summary, last_value=item.value, evidence_count=1, opened_at=now,
                last_evidence_at=now, escalation_level=rung.level, assignee_staff_id=rung.assignee_id,
                department=item.department or KIND_DEPARTMENT.get(item.kind))


def _open(session: Session, items: list[AlertItem], who: dict[int, Any], *,
          now: datetime) -> dict[tuple[int, AlertKind], _Active]:
    """Insert an alert per item (one per resident and kind) unless another transaction holds the active one of
    that kind (then it is left out of the result). The first rung of each resident's team takes it."""
    if not items:
        return {}
    rungs = _first_rungs(session, {who[item.resident_id].team_id for item in items})
    opened: dict[tuple[int, AlertKind], _Active] = {}
    rows = []
    for item in items:
        resident = who[item.resident_id]
        rows.append(_new_alert(item, resident, rungs.get(resident.team_id) or Rung(0, None, ()), now))
        opened[(item.resident_id, item.kind)] = _Active(
            id=0, acknowledged_by_id=None, **{name: value for name, value in rows[-1].items()
                                              if name in _Active.__dataclass_fields__})
    created = {}
    # ON CONFLICT DO NOTHING on the partial unique index: no exception and no SAVEPOINT, so a race
    # with a concurrent opener never aborts the caller's transaction (pysqlite's SAVEPOINT would commit).
    for row in dialects.insert_rows(session, Alert.__table__, rows, conflict=(("resident_id", "kind"), _ACTIVE_WHERE),
                                    returning=("id", "resident_id", "kind")):
        key = (row.resident_id, AlertKind(row.kind))
        opened[key].id = row.id
        created[key] = opened[key]
    return created


def _write_evidence(session: Session, alerts: list[_Active]) -> None:
    """The folded evidence of the changed alerts: one UPDATE."""
    dialects.update_rows(session, Alert.__table__,
                         [{"id": a.id, **{name: getattr(a, name) for name in _EVIDENCE_COLUMNS}} for a in alerts])


def _expire(session: Session, alert_ids: set[int]) -> None:
    """Expire the Alert objects the session holds for these ids: their rows changed under the ORM."""
    for alert_id in alert_ids:
        held = session.identity_map.get(session.identity_key(Alert, alert_id))
        if held is not None:
            session.expire(held)


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
        if team is None:
            return None
        return _team_rung([(m.role, m.staff.id, m.staff.active) for m in team.members], level)
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


def _team_rung(members: list[tuple[TeamRole, int, bool]], level: int) -> Rung | None:
    """The team member on a rung below the specialist's: the first member (role, staff id, active) holding
    the rung's role (as `Team.member`), or None when there is none or they are inactive."""
    member = next((m for m in members if m[0] == LADDER[level]), None)
    if member is None or not member[2]:
        return None
    return Rung(level, member[1], (member[1],))


def _first_rung(members: list[tuple[TeamRole, int, bool]]) -> Rung:
    """The village doctor first; the next rung up when the team has nobody there."""
    for level in range(SPECIALIST_LEVEL):
        rung = _team_rung(members, level)
        if rung is not None:
            return rung
    return Rung(0, None, ())  # no team: the SLA clock will take it to the specialist


def _first_rungs(session: Session, team_ids: set[int | None]) -> dict[int, Rung]:
    """The first rung of each team (one query for all their members)."""
    ids = sorted(t for t in team_ids if t is not None)
    if not ids:
        return {}
    members: dict[int, list[tuple[TeamRole, int, bool]]] = {t: [] for t in ids}
    for row in session.execute(select(TeamMember.team_id, TeamMember.role, Staff.id, Staff.active)
                               .join(Staff, Staff.id == TeamMember.staff_id)
                               .where(dialects.among(session, TeamMember.team_id, ids))
                               .order_by(TeamMember.team_id, TeamMember.id)):
        members[row.team_id].append((row.role, row.id, row.active))
    return {t: _first_rung(m) for t, m in members.items()}


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
        resident = _residents(session, [alert.resident_id]).get(alert.resident_id)
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


def _notice_data(alert: Alert | _Active) -> dict:
    return {"alert_id": alert.id, "resident_id": alert.resident_id, "kind": alert.kind.value,
            "severity": alert.severity.value,
            # Critical and high notices are not held back by quiet hours (22:00-07:00).
            "urgent": alert.severity in (Severity.critical, Severity.high)}


def _recipients(session: Session, alert: _Active, cache: dict[tuple, Rung | None]) -> tuple[int, ...]:
    if alert.assignee_staff_id is not None:
        return (alert.assignee_staff_id,)
    if alert.escalation_level == SPECIALIST_LEVEL:
        key = (alert.consortium_id, alert.department)
        if key not in cache:
            cache[key] = _rung(session, SPECIALIST_LEVEL, team_id=alert.team_id, department=alert.department,
                               consortium_id=alert.consortium_id)
        return cache[key].recipients if cache[key] else ()
    return ()


def _notices(session: Session, alert: _Active, resident_name: str, *, event: str,
             cache: dict[tuple, Rung | None]) -> list[dict]:
    """The notices (outbox.enqueue arguments) to whoever holds the alert now, and whoever acknowledged it on a raise."""
    recipients = list(_recipients(session, alert, cache))
    if event == "raised" and alert.acknowledged_by_id and alert.acknowledged_by_id not in recipients:
        recipients.append(alert.acknowledged_by_id)
    render = texts.team_notice_opened if event == "opened" else texts.team_notice_raised
    body = render(resident_name=resident_name, kind=alert.kind.value, severity=alert.severity.value,
                  summary=alert.summary)
    data = _notice_data(alert)
    return [{"consortium_id": alert.consortium_id, "staff_id": staff_id, "kind": f"alert_{event}", "text": body,
             "data": data, "dedup_key": f"alert:{alert.id}:{event}:{alert.severity.value}:{staff_id}"}
            for staff_id in recipients]


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
               per_page: int = 20, statuses: Iterable[str] | None = None) -> Page:
    """The actor's alert queue: most severe first, then the longest waiting; active alerts unless a status
    (or several: `statuses`, e.g. open and escalated for what nobody has taken yet) is named."""
    _require_staff_reader(actor)
    stmt = select(Alert).where(alert_clause(actor))
    if status:
        stmt = stmt.where(Alert.status == AlertStatus(status))
    elif statuses:
        stmt = stmt.where(Alert.status.in_([AlertStatus(s) for s in statuses]))
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
    """Hand the follow-up to the follow-ups service."""
    fields = {**followup, "resident_id": alert.resident_id, "alert_id": alert.id}
    record = followups.record_followup(session, actor=actor, now=now, **fields)
    return getattr(record, "id", None)
