"""Referrals (转诊): a team refers up to a county specialist or department; slots (预留号源); back down.

requested → accepted → booked → completed → referred_back, with declined (specialist) and cancelled (team)
as the other ends. Every completed referral creates a 2-week follow-up task for the team (规范: "2周内主动
随访转诊情况"). Specialists see referrals addressed to them (or to their department when no one is named),
and the referred resident's record while the referral is open and for 30 days after it was completed;
that window is a scope rule registered with app.services.scopes when this module is imported.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, and_, false, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.errors import Conflict, Forbidden, NotFound, RuleViolation
from app.services import audit, care_texts, outbox
from app.services.actors import Actor
from app.services.clock import local_date
from app.services.followup_forms import TWO_WEEKS
from app.services.followups import current_medications, team_resident
from app.services.pagination import Page, paginate
from app.services.residents import bp_target
from app.services.scopes import register_scope
from models.alerts import ACTIVE_ALERT_STATUSES, Alert
from models.base import utcnow
from models.contracts import OPEN_STATUSES, Contract, ContractStatus
from models.followups import FollowUp, FollowUpTask
from models.org import Staff, StaffRole, Team
from models.readings import BpReading, GlucoseContext, GlucoseReading
from models.referrals import Referral, ReferralStatus, SpecialistSlot, Urgency
from models.residents import Resident

OPEN_STATUSES_REFERRAL = (ReferralStatus.requested, ReferralStatus.accepted, ReferralStatus.booked)
# After a referral is completed (or referred back) the specialist keeps read access for 30 days,
# long enough to see the 2-week follow-up that every referral gets (docs/clinical_rules.md §1.6).
SPECIALIST_WINDOW = timedelta(days=30)
SUMMARY_DAYS = 14
SUMMARY_MAX_READINGS = 200  # per kind, newest first; the means use every reading in the window

TRANSITIONS: dict[ReferralStatus, frozenset[ReferralStatus]] = {
    ReferralStatus.requested: frozenset({ReferralStatus.accepted, ReferralStatus.declined, ReferralStatus.cancelled}),
    ReferralStatus.accepted: frozenset({ReferralStatus.booked, ReferralStatus.completed, ReferralStatus.declined,
                                        ReferralStatus.cancelled}),
    ReferralStatus.booked: frozenset({ReferralStatus.completed, ReferralStatus.cancelled}),
    ReferralStatus.completed: frozenset({ReferralStatus.referred_back}),
    ReferralStatus.declined: frozenset(),
    ReferralStatus.referred_back: frozenset(),
    ReferralStatus.cancelled: frozenset(),
}


def can_transition(current: ReferralStatus, target: ReferralStatus) -> bool:
    """Whether the referral state machine allows a move."""
    return target in TRANSITIONS[current]


def _move(referral: Referral, target: ReferralStatus) -> None:
    if not can_transition(referral.status, target):
        raise Conflict("referral.invalid_transition",
                       f"转诊状态为{referral.status.value}，不能改为{target.value} / cannot go from "
                       f"{referral.status.value} to {target.value}")
    referral.status = target


# --- who sees what ------------------------------------------------------------------------------------
def addressed_to(actor: Actor) -> ColumnElement[bool]:
    """Referrals a specialist handles: named to them, taken by them, or to their department with no one named."""
    clauses = [Referral.to_specialist_id == actor.id, Referral.handled_by_id == actor.id]
    if actor.department:
        clauses.append(and_(Referral.to_specialist_id.is_(None), Referral.to_department == actor.department))
    return or_(*clauses)


def specialist_window(actor: Actor, now: datetime) -> ColumnElement[bool]:
    """Referrals that open the resident's record to this specialist at `now`."""
    return and_(Referral.consortium_id == actor.consortium_id, addressed_to(actor), or_(
        Referral.status.in_(OPEN_STATUSES_REFERRAL),
        and_(Referral.status.in_((ReferralStatus.completed, ReferralStatus.referred_back)),
             Referral.closed_at > now - SPECIALIST_WINDOW)))


def specialist_scope(actor: Actor) -> ColumnElement[bool] | None:
    """Scope rule: a specialist may read residents referred to them, while open and 30 days after completion."""
    if not actor.is_specialist:
        return None
    # Scope rules take only the actor, so the window is measured against the wall clock.
    return Resident.id.in_(select(Referral.resident_id).where(specialist_window(actor, utcnow())))


register_scope(specialist_scope)


def _visible(actor: Actor) -> ColumnElement[bool]:
    if actor.is_team_staff:
        return Referral.team_id.in_(actor.team_ids or [-1])
    if actor.is_specialist:
        return addressed_to(actor)
    if actor.is_resident:
        return Referral.resident_id == actor.id
    if actor.is_system:
        return Referral.consortium_id == actor.consortium_id
    return false()


def get_referral(session: Session, actor: Actor, referral_id: int, *, for_update: bool = False) -> Referral:
    """A referral the actor may see (team: their teams'; specialist: addressed to them; resident: own)."""
    if actor.is_admin:
        raise Forbidden("scope.admin_no_clinical", "管理员不能查看居民健康信息 / admins see aggregates only")
    stmt = select(Referral).where(Referral.id == referral_id, Referral.consortium_id == actor.consortium_id,
                                  _visible(actor))
    if for_update:
        stmt = stmt.with_for_update()
    referral = session.scalar(stmt)
    if referral is None:
        raise NotFound("referral.not_found", "没有这条转诊 / referral not found")
    audit.note(session, actor, action="update" if for_update else "read", target=f"referral:{referral.id}",
               resident_id=referral.resident_id)
    return referral


def list_referrals(session: Session, actor: Actor, *, status: str | None = None, resident_id: int | None = None,
                   page: int = 1, per_page: int = 20) -> Page:
    """Referrals the actor may see, newest first."""
    if actor.is_admin:
        raise Forbidden("scope.admin_no_clinical", "管理员不能查看居民健康信息 / admins see aggregates only")
    stmt = select(Referral).where(Referral.consortium_id == actor.consortium_id, _visible(actor))
    if status:
        stmt = stmt.where(Referral.status == ReferralStatus(status))
    if resident_id is not None:
        stmt = stmt.where(Referral.resident_id == resident_id)
    result = paginate(session, stmt.order_by(Referral.id.desc()), page=page, per_page=per_page)
    audit.note(session, actor, action="list", target="referrals",
               data={"resident_ids": sorted({r.resident_id for r in result.items})})
    return result


# --- the automatic summary ------------------------------------------------------------------------------
def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _bp_mean(session: Session, resident_id: int, start: datetime, end: datetime) -> dict | None:
    n, sys_, dia = session.execute(select(func.count(), func.avg(BpReading.systolic), func.avg(BpReading.diastolic))
                                   .where(BpReading.resident_id == resident_id, BpReading.measured_at >= start,
                                          BpReading.measured_at < end)).one()
    return {"systolic": round(float(sys_)), "diastolic": round(float(dia)), "n": n} if n else None


def _glucose_mean(session: Session, resident_id: int, start: datetime, end: datetime, fasting: bool) -> dict | None:
    context = GlucoseReading.context == GlucoseContext.fasting
    n, mean = session.execute(select(func.count(GlucoseReading.value_mmol), func.avg(GlucoseReading.value_mmol))
                              .where(GlucoseReading.resident_id == resident_id, GlucoseReading.measured_at >= start,
                                     GlucoseReading.measured_at < end, context if fasting else ~context)).one()
    return {"mmol": round(float(mean), 1), "n": n} if n else None


def build_summary(session: Session, resident: Resident, now: datetime) -> dict:
    """What the specialist needs: 14 days of readings with 7-day means, open alerts, conditions, medications."""
    since = now - timedelta(days=SUMMARY_DAYS)
    bps = session.scalars(select(BpReading).where(BpReading.resident_id == resident.id,
                                                  BpReading.measured_at >= since, BpReading.measured_at <= now)
                          .order_by(BpReading.measured_at.desc()).limit(SUMMARY_MAX_READINGS))
    glucose = session.scalars(select(GlucoseReading).where(GlucoseReading.resident_id == resident.id,
                                                           GlucoseReading.measured_at >= since,
                                                           GlucoseReading.measured_at <= now)
                              .order_by(GlucoseReading.measured_at.desc()).limit(SUMMARY_MAX_READINGS))
    windows = []
    week = timedelta(days=7)
    # The last 7 days (up to and including now), then the 7 days before; `end` is exclusive.
    for start, end in ((now - week, now + timedelta(microseconds=1)), (now - 2 * week, now - week)):
        windows.append({"from": _iso(start), "to": _iso(min(end, now)),
                        "bp": _bp_mean(session, resident.id, start, end),
                        "glucose_fasting": _glucose_mean(session, resident.id, start, end, fasting=True),
                        "glucose_other": _glucose_mean(session, resident.id, start, end, fasting=False)})
    alerts = session.scalars(select(Alert).where(Alert.resident_id == resident.id,
                                                 Alert.status.in_(ACTIVE_ALERT_STATUSES))
                             .order_by(Alert.severity_rank, Alert.opened_at))
    last = session.scalar(select(FollowUp).where(FollowUp.resident_id == resident.id)
                          .order_by(FollowUp.visited_at.desc(), FollowUp.id.desc()).limit(1))
    today = local_date(now)
    target = bp_target(resident, today)
    return {
        "generated_at": _iso(now),
        "resident": {"age": resident.age_on(today), "sex": resident.sex.value,
                     "bp_target": {"systolic": target.systolic, "diastolic": target.diastolic}},
        "conditions": resident.condition_codes,
        "bp_readings": [{"measured_at": _iso(r.measured_at), "systolic": r.systolic, "diastolic": r.diastolic,
                         "pulse": r.pulse} for r in bps],
        "glucose_readings": [{"measured_at": _iso(r.measured_at), "mmol": r.value_mmol, "flag": r.meter_flag,
                              "context": r.context.value} for r in glucose],
        "means_7d": windows,
        "open_alerts": [{"id": a.id, "kind": a.kind.value, "severity": a.severity.value, "status": a.status.value,
                         "summary": a.summary, "opened_at": _iso(a.opened_at), "last_value": a.last_value}
                        for a in alerts],
        "medications": current_medications(session, resident.id),
        "last_followup": None if last is None else {
            "visited_at": _iso(last.visited_at), "classification": last.classification.value,
            "systolic": last.systolic, "diastolic": last.diastolic, "glucose_mmol": last.glucose_mmol},
    }


# --- notifications ------------------------------------------------------------------------------------
def _notify_specialists(session: Session, referral: Referral, resident: Resident, now: datetime) -> None:
    if referral.to_specialist_id is not None:
        ids = [referral.to_specialist_id]
    else:
        base = select(Staff.id).where(Staff.consortium_id == referral.consortium_id, Staff.active.is_(True),
                                      Staff.role == StaffRole.specialist, Staff.department == referral.to_department)
        ids = list(session.scalars(base.where(Staff.on_duty.is_(True)))) or list(session.scalars(base))
    text = care_texts.specialist_new_referral(resident.name, care_texts.URGENCY_LABELS[referral.urgency.value],
                                              referral.reason)
    for staff_id in ids:
        outbox.enqueue(session, consortium_id=referral.consortium_id, kind="referral_notice", text=text, now=now,
                       staff_id=staff_id, data={"referral_id": referral.id, "resident_id": resident.id},
                       dedup_key=f"referral:{referral.id}:requested:staff:{staff_id}")


def _notify_team(session: Session, referral: Referral, step: str, now: datetime) -> None:
    resident = session.get(Resident, referral.resident_id)
    team = session.get(Team, referral.team_id)
    recipients = {sid for sid in (referral.from_staff_id, team.lead_id if team else None) if sid is not None}
    text = care_texts.team_referral_update(resident.name, care_texts.REFERRAL_STEPS[step])
    for staff_id in sorted(recipients):
        outbox.enqueue(session, consortium_id=referral.consortium_id, kind="referral_update", text=text, now=now,
                       staff_id=staff_id, data={"referral_id": referral.id, "status": step},
                       dedup_key=f"referral:{referral.id}:{step}:staff:{staff_id}")


def _tell_resident(session: Session, referral: Referral, step: str, text: str, now: datetime) -> None:
    outbox.enqueue(session, consortium_id=referral.consortium_id, kind=f"referral_{step}", text=text, now=now,
                   resident_id=referral.resident_id, data={"referral_id": referral.id},
                   dedup_key=f"referral:{referral.id}:{step}:resident")


# --- use cases ------------------------------------------------------------------------------------------
def _target(session: Session, consortium_id: int, to_department: str | None,
            to_specialist_id: int | None) -> str:
    if to_specialist_id is not None:
        specialist = session.get(Staff, to_specialist_id)
        if (specialist is None or specialist.consortium_id != consortium_id or not specialist.active
                or specialist.role != StaffRole.specialist):
            raise RuleViolation("referral.specialist", "找不到这位专科医生 / specialist not found",
                                errors={"to_specialist_id": ["找不到这位专科医生"]})
        if to_department and to_department != specialist.department:
            raise RuleViolation("referral.department", "专科医生不在该科室 / specialist is not in that department",
                                errors={"to_department": ["专科医生不在该科室"]})
        return specialist.department or ""
    department = (to_department or "").strip()
    exists_ = session.scalar(select(Staff.id).where(
        Staff.consortium_id == consortium_id, Staff.role == StaffRole.specialist, Staff.active.is_(True),
        Staff.department == department).limit(1)) if department else None
    if exists_ is None:
        raise RuleViolation("referral.department", "没有这个科室的专科医生 / no specialist in that department",
                            errors={"to_department": ["没有这个科室的专科医生"]})
    return department


def create_referral(session: Session, *, actor: Actor, resident_id: int, to_department: str | None, reason: str,
                    urgency: str, now: datetime, to_specialist_id: int | None = None,
                    alert_id: int | None = None) -> Referral:
    """The team refers its resident up (上转), with an automatic summary of the recent record."""
    if actor.is_system:
        resident = session.get(Resident, resident_id)
        contract = session.scalar(select(Contract).where(Contract.resident_id == resident_id,
                                                         Contract.status.in_(OPEN_STATUSES)))
        if resident is None or resident.consortium_id != actor.consortium_id or contract is None:
            raise NotFound("resident.not_found", "没有找到这位居民 / resident not found")
    else:
        resident, contract = team_resident(session, actor, resident_id)
    if not reason or not reason.strip():
        raise RuleViolation("referral.reason", "请填写转诊原因 / give a reason", errors={"reason": ["请填写转诊原因"]})
    try:
        urgency_ = Urgency(urgency)
    except ValueError:
        raise RuleViolation("referral.urgency", "未知紧急程度 / unknown urgency",
                            errors={"urgency": ["/".join(u.value for u in Urgency)]}) from None
    department = _target(session, resident.consortium_id, to_department, to_specialist_id)
    if alert_id is not None:
        alert = session.get(Alert, alert_id)
        if alert is None or alert.resident_id != resident.id:
            raise RuleViolation("referral.alert", "预警不属于该居民 / alert belongs to another resident",
                                errors={"alert_id": ["预警不属于该居民"]})
    duplicate = session.scalar(select(Referral.id).where(Referral.resident_id == resident.id,
                                                         Referral.to_department == department,
                                                         Referral.status.in_(OPEN_STATUSES_REFERRAL)))
    if duplicate is not None:
        raise Conflict("referral.already_open", "该居民已有转往该科室的转诊 / an open referral to this department exists",
                       referral_id=duplicate)
    referral = Referral(consortium_id=resident.consortium_id, resident_id=resident.id, team_id=contract.team_id,
                        from_staff_id=actor.id if actor.kind == "staff" else None, to_specialist_id=to_specialist_id,
                        to_department=department, alert_id=alert_id, reason=reason.strip(), urgency=urgency_,
                        status=ReferralStatus.requested, summary=build_summary(session, resident, now),
                        created_at=now)
    session.add(referral)
    session.flush()
    _notify_specialists(session, referral, resident, now)
    _tell_resident(session, referral, "requested", care_texts.referral_requested(department), now)
    return referral


def _specialist_referral(session: Session, actor: Actor, referral_id: int) -> Referral:
    if not actor.is_specialist:
        raise Forbidden("auth.role", "只有专科医生可以处理转诊 / only specialists handle referrals")
    return get_referral(session, actor, referral_id, for_update=True)


def accept_referral(session: Session, *, actor: Actor, referral_id: int, now: datetime) -> Referral:
    """The specialist takes the referral (接诊)."""
    referral = _specialist_referral(session, actor, referral_id)
    _move(referral, ReferralStatus.accepted)
    referral.handled_by_id, referral.accepted_at = actor.id, now
    session.flush()
    _notify_team(session, referral, "accepted", now)
    return referral


def decline_referral(session: Session, *, actor: Actor, referral_id: int, reason: str, now: datetime) -> Referral:
    """The specialist declines, with a reason; the team keeps following the resident."""
    referral = _specialist_referral(session, actor, referral_id)
    if not reason or not reason.strip():
        raise RuleViolation("referral.decline_reason", "请填写不接收的原因 / give a reason",
                            errors={"reason": ["请填写原因"]})
    _move(referral, ReferralStatus.declined)
    referral.decline_reason, referral.handled_by_id, referral.closed_at = reason.strip(), actor.id, now
    session.flush()
    _notify_team(session, referral, "declined", now)
    _tell_resident(session, referral, "declined", care_texts.referral_declined(), now)
    return referral


def book_slot(session: Session, *, actor: Actor, referral_id: int, slot_id: int, now: datetime) -> Referral:
    """Book a reserved green-channel slot; one conditional UPDATE keeps bookings within the reserved share."""
    referral = _specialist_referral(session, actor, referral_id)
    _move(referral, ReferralStatus.booked)
    slot = session.get(SpecialistSlot, slot_id)
    if (slot is None or slot.consortium_id != referral.consortium_id or slot.department != referral.to_department
            or slot.specialist_id not in (None, actor.id, referral.to_specialist_id)):
        raise RuleViolation("referral.slot", "号源不属于该科室或医生 / slot not of this department or specialist",
                            errors={"slot_id": ["号源不属于该科室或医生"]})
    if slot.day < local_date(now):
        raise RuleViolation("referral.slot_past", "号源日期已过 / the slot's day has passed", errors={"slot_id": ["日期已过"]})
    contract_active = session.scalar(select(Contract.id).where(Contract.resident_id == referral.resident_id,
                                                               Contract.status == ContractStatus.active))
    if contract_active is None:
        raise RuleViolation("referral.not_contracted", "预留号源仅限已签约居民 / reserved slots are for contracted residents")
    result = session.execute(
        update(SpecialistSlot)
        .where(SpecialistSlot.id == slot.id, SpecialistSlot.booked_referrals < SpecialistSlot.reserved_for_referrals)
        .values(booked_referrals=SpecialistSlot.booked_referrals + 1)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise Conflict("slot.full", "该日预留号源已满 / no reserved slots left that day", slot_id=slot.id)
    session.expire(slot, ["booked_referrals"])
    referral.slot_id = slot.id
    referral.handled_by_id = referral.handled_by_id or actor.id
    session.flush()
    _notify_team(session, referral, "booked", now)
    _tell_resident(session, referral, "booked", care_texts.referral_booked(referral.to_department, slot.day), now)
    return referral


def complete_referral(session: Session, *, actor: Actor, referral_id: int, advice: str, now: datetime) -> Referral:
    """The specialist has seen the resident and gives advice; the team gets a 2-week follow-up task."""
    referral = _specialist_referral(session, actor, referral_id)
    if not advice or not advice.strip():
        raise RuleViolation("referral.advice", "请填写诊疗意见 / give advice", errors={"advice": ["请填写诊疗意见"]})
    _move(referral, ReferralStatus.completed)
    referral.advice, referral.completed_at, referral.closed_at = advice.strip(), now, now
    referral.handled_by_id = referral.handled_by_id or actor.id
    session.add(FollowUpTask(consortium_id=referral.consortium_id, resident_id=referral.resident_id,
                             team_id=referral.team_id, due_on=local_date(now) + TWO_WEEKS,
                             reason="referral_followup", referral_id=referral.id, status="open", created_at=now))
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:  # the task is unique per referral: a concurrent completion won
        raise Conflict("referral.invalid_transition", "转诊已完成 / referral already completed") from None
    _notify_team(session, referral, "completed", now)
    _tell_resident(session, referral, "completed", care_texts.referral_completed(referral.to_department), now)
    return referral


def refer_back(session: Session, *, actor: Actor, referral_id: int, plan: str, now: datetime) -> Referral:
    """Refer the resident back down (下转) with a plan, within the specialist's 30-day window."""
    referral = _specialist_referral(session, actor, referral_id)
    if not plan or not plan.strip():
        raise RuleViolation("referral.plan", "请填写下转方案 / give a plan", errors={"plan": ["请填写下转方案"]})
    if referral.closed_at is not None and now - referral.closed_at > SPECIALIST_WINDOW:
        raise Conflict("referral.window_closed", "已超过30天，不能再下转 / more than 30 days after completion")
    _move(referral, ReferralStatus.referred_back)
    referral.plan = plan.strip()
    session.flush()
    _notify_team(session, referral, "referred_back", now)
    _tell_resident(session, referral, "referred_back", care_texts.referral_back(referral.to_department), now)
    return referral


def cancel_referral(session: Session, *, actor: Actor, referral_id: int, reason: str, now: datetime) -> Referral:
    """The team withdraws a referral not yet completed; a booked slot is given back."""
    if not actor.is_team_staff:
        raise Forbidden("auth.role", "只有家庭医生团队可以取消转诊 / only the team may cancel")
    referral = get_referral(session, actor, referral_id, for_update=True)
    if not reason or not reason.strip():
        raise RuleViolation("referral.cancel_reason", "请填写取消原因 / give a reason", errors={"reason": ["请填写原因"]})
    was_booked = referral.status == ReferralStatus.booked
    _move(referral, ReferralStatus.cancelled)
    referral.decline_reason, referral.closed_at = reason.strip(), now
    if was_booked and referral.slot_id is not None:
        session.execute(update(SpecialistSlot)
                        .where(SpecialistSlot.id == referral.slot_id, SpecialistSlot.booked_referrals > 0)
                        .values(booked_referrals=SpecialistSlot.booked_referrals - 1)
                        .execution_options(synchronize_session=False))
    session.flush()
    return referral


# --- slots (预留号源) -------------------------------------------------------------------------------------
def publish_slot(session: Session, *, actor: Actor, department: str, day: date, capacity: int,
                 reserved_for_referrals: int, now: datetime, specialist_id: int | None = None) -> SpecialistSlot:
    """A department (or one specialist) publishes a day's capacity with a share reserved for referrals."""
    if actor.is_specialist:
        if department != actor.department or specialist_id not in (None, actor.id):
            raise Forbidden("slot.other_department", "只能发布本科室或本人的号源 / only your own department or yourself")
    elif not actor.is_admin:
        raise Forbidden("auth.role", "只有专科医生或管理员可以发布号源 / only specialists or admins publish slots")
    errors = {}
    if not 0 <= reserved_for_referrals <= capacity:
        errors["reserved_for_referrals"] = ["预留号应在0到总号源之间 / between 0 and capacity"]
    if day < local_date(now):
        errors["day"] = ["日期已过 / the day has passed"]
    if specialist_id is not None:
        specialist = session.get(Staff, specialist_id)
        if (specialist is None or specialist.consortium_id != actor.consortium_id
                or specialist.role != StaffRole.specialist or specialist.department != department):
            errors["specialist_id"] = ["该科室没有这位专科医生 / no such specialist in the department"]
    if errors:
        raise RuleViolation("slot.invalid", "号源设置有误 / invalid slot", errors=errors)
    stmt = select(SpecialistSlot).where(SpecialistSlot.consortium_id == actor.consortium_id,
                                        SpecialistSlot.department == department, SpecialistSlot.day == day,
                                        SpecialistSlot.specialist_id.is_(None) if specialist_id is None
                                        else SpecialistSlot.specialist_id == specialist_id)
    slot = session.scalar(stmt.with_for_update())
    if slot is None:
        slot = SpecialistSlot(consortium_id=actor.consortium_id, department=department, specialist_id=specialist_id,
                              day=day, capacity=capacity, reserved_for_referrals=reserved_for_referrals,
                              booked_referrals=0)
        session.add(slot)
        try:
            with session.begin_nested():
                session.flush()
        except IntegrityError:  # published at the same moment by a colleague: edit that row instead
            raise Conflict("slot.concurrent_publish", "号源刚被同事发布，请刷新后再改 / published concurrently, reload") from None
        return slot
    # Shrinking below what is already booked is refused; the condition is checked in the same statement.
    result = session.execute(update(SpecialistSlot)
                             .where(SpecialistSlot.id == slot.id,
                                    SpecialistSlot.booked_referrals <= reserved_for_referrals)
                             .values(capacity=capacity, reserved_for_referrals=reserved_for_referrals)
                             .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise Conflict("slot.below_booked", "预留号不能少于已预约数 / fewer reserved than already booked")
    session.refresh(slot)
    return slot


def list_slots(session: Session, actor: Actor, *, now: datetime, department: str | None = None,
               day_from: date | None = None, day_to: date | None = None, available_only: bool = False,
               page: int = 1, per_page: int = 50) -> Page:
    """Published slots (staff only), by day; the default window is the next 14 days."""
    if actor.kind != "staff":
        raise Forbidden("auth.staff_only", "仅限工作人员 / staff only")
    day_from = day_from or local_date(now)
    day_to = day_to or day_from + timedelta(days=14)
    stmt = select(SpecialistSlot).where(SpecialistSlot.consortium_id == actor.consortium_id,
                                        SpecialistSlot.day >= day_from, SpecialistSlot.day <= day_to)
    if department:
        stmt = stmt.where(SpecialistSlot.department == department)
    if available_only:
        stmt = stmt.where(SpecialistSlot.booked_referrals < SpecialistSlot.reserved_for_referrals)
    return paginate(session, stmt.order_by(SpecialistSlot.day, SpecialistSlot.department, SpecialistSlot.id),
                    page=page, per_page=per_page)
