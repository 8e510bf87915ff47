"""The team's due / overdue follow-up list, ordered by risk like Simple's overdue list, with call outcomes.

Due date of a contracted resident: the earliest of the last follow-up's next due date (or, for a hypertension
or diabetes patient never visited, the contract's start) and any open follow-up task (e.g. 2 weeks after a
referral). Risk order (Simple, db/views/patient_summaries_v09.sql, mirrored in Patient#risk_priority):
0. last BP (newest of home reading and visit) ≥180/110 — 规范 2017 danger sign, ml.clinical.ACUTE_SBP/DBP;
1. prior stroke or MI (conditions stroke / chd) with last BP ≥140/90 — office 控制不满意 threshold (规范 2017);
2. last glucose ≥16.7 mmol/L or a "HI" meter reading — ml.clinical.HYPER_URGENT;
3. everyone else; within a tier, the longest overdue first.
Call outcomes: call_later hides the resident 7 days, will_come 30 days (Simple's remind_on); moved hides
them until a newer visit; deceased removes them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, exists, func, literal, not_, or_, select
from sqlalchemy.orm import Session

from app.errors import Forbidden, RuleViolation
from app.services import audit, fulfilment, privacy
from app.services.actors import Actor
from app.services.clock import local_date
from app.services.followups import team_resident
from app.services.pagination import Page
from ml.clinical import ACUTE_DBP, ACUTE_SBP, HYPER_URGENT
from models.contracts import Contract, ContractStatus
from models.followups import CallOutcome, FollowUp, FollowUpTask
from models.readings import BpReading, GlucoseReading
from models.residents import Resident, ResidentCondition

# Office BP "控制不满意" (规范 2017: SBP ≥140 and/or DBP ≥90); Simple uses the same cut for prior MI/stroke.
UNCONTROLLED_SBP, UNCONTROLLED_DBP = 140, 90
CVD_CONDITIONS = ("stroke", "chd")  # prior stroke, coronary heart disease / MI
MANAGED_CONDITIONS = ("hypertension", "diabetes")
CALL_OUTCOMES = ("reached", "no_answer", "will_come", "call_later", "moved", "deceased")
HIDE_FOR = {"call_later": timedelta(days=7), "will_come": timedelta(days=30)}
RISK_LABELS = {0: "bp_very_high", 1: "cvd_bp_high", 2: "glucose_very_high", 3: "routine"}


@dataclass(frozen=True)
class DueItem:
    resident: Resident
    phone: str | None
    team_id: int
    due_on: date
    days_overdue: int
    due_reason: str  # task / first_visit / scheduled
    risk: int
    risk_label: str
    last_bp: dict | None
    last_glucose: dict | None
    last_call: dict | None
    # Package items behind schedule on the resident's contract (the 履约 ledger, app/services/fulfilment.py).
    overdue_items: list[dict] = field(default_factory=list)
    next_step: str | None = None  # 下一步管理措施 of the last visit


def _latest(column, model, *where, order):
    return select(column).where(*where).order_by(order.desc(), model.id.desc()).limit(1).scalar_subquery()


def _newest(a_at, a_value, b_at, b_value):
    """The value of whichever of two (time, value) pairs is newer."""
    return case((a_at.is_(None), b_value), (b_at.is_(None), a_value), (a_at >= b_at, a_value), else_=b_value)


def _due_query(team_ids: frozenset[int] | set[int], now: datetime):
    rid = Resident.id
    bp_where = (BpReading.resident_id == rid,)
    fu_bp_where = (FollowUp.resident_id == rid, FollowUp.systolic.is_not(None))
    gl_where = (GlucoseReading.resident_id == rid,)
    fu_gl_where = (FollowUp.resident_id == rid, FollowUp.glucose_mmol.is_not(None))
    call_where = (CallOutcome.resident_id == rid,)
    base = (
        select(
            rid.label("id"), Contract.team_id.label("team_id"), Contract.starts_on.label("starts_on"),
            _latest(FollowUp.next_due_on, FollowUp, FollowUp.resident_id == rid, order=FollowUp.visited_at).label("fu_due"),
            _latest(FollowUp.next_step, FollowUp, FollowUp.resident_id == rid, order=FollowUp.visited_at).label("fu_step"),
            _latest(FollowUp.outcome, FollowUp, FollowUp.resident_id == rid, order=FollowUp.visited_at).label("fu_outcome"),
            select(func.max(FollowUp.visited_at)).where(FollowUp.resident_id == rid).scalar_subquery().label("visit_at"),
            select(func.min(FollowUpTask.due_on)).where(FollowUpTask.resident_id == rid, FollowUpTask.status == "open")
            .scalar_subquery().label("task_due"),
            exists().where(ResidentCondition.resident_id == rid,
                           ResidentCondition.code.in_(MANAGED_CONDITIONS)).label("managed"),
            exists().where(ResidentCondition.resident_id == rid, ResidentCondition.code.in_(CVD_CONDITIONS)).label("cvd"),
            _latest(BpReading.systolic, BpReading, *bp_where, order=BpReading.measured_at).label("rd_sys"),
            _latest(BpReading.diastolic, BpReading, *bp_where, order=BpReading.measured_at).label("rd_dia"),
            _latest(BpReading.measured_at, BpReading, *bp_where, order=BpReading.measured_at).label("rd_at"),
            _latest(FollowUp.systolic, FollowUp, *fu_bp_where, order=FollowUp.visited_at).label("fv_sys"),
            _latest(FollowUp.diastolic, FollowUp, *fu_bp_where, order=FollowUp.visited_at).label("fv_dia"),
            _latest(FollowUp.visited_at, FollowUp, *fu_bp_where, order=FollowUp.visited_at).label("fv_at"),
            _latest(GlucoseReading.value_mmol, GlucoseReading, *gl_where, order=GlucoseReading.measured_at).label("gl_val"),
            _latest(GlucoseReading.meter_flag, GlucoseReading, *gl_where, order=GlucoseReading.measured_at).label("gl_flag"),
            _latest(GlucoseReading.measured_at, GlucoseReading, *gl_where, order=GlucoseReading.measured_at).label("gl_at"),
            _latest(FollowUp.glucose_mmol, FollowUp, *fu_gl_where, order=FollowUp.visited_at).label("fg_val"),
            _latest(FollowUp.visited_at, FollowUp, *fu_gl_where, order=FollowUp.visited_at).label("fg_at"),
            _latest(CallOutcome.outcome, CallOutcome, *call_where, order=CallOutcome.at).label("call_outcome"),
            _latest(CallOutcome.hidden_until, CallOutcome, *call_where, order=CallOutcome.at).label("call_hidden"),
            _latest(CallOutcome.at, CallOutcome, *call_where, order=CallOutcome.at).label("call_at"),
        )
        .join(Contract, and_(Contract.resident_id == rid, Contract.status == ContractStatus.active))
        .where(Contract.team_id.in_(team_ids or [-1]), Resident.anonymised_at.is_(None))
    ).subquery("base")
    b = base.c
    routine_due = case((b.fu_due.is_not(None), b.fu_due), (b.managed, b.starts_on), else_=None)
    due_on = case((b.task_due.is_(None), routine_due), (routine_due.is_(None), b.task_due),
                  (b.task_due < routine_due, b.task_due), else_=routine_due)
    due_reason = case((and_(b.task_due.is_not(None), or_(routine_due.is_(None), b.task_due <= routine_due)),
                       literal("task")), (b.fu_due.is_(None), literal("first_visit")), else_=literal("scheduled"))
    bp_sys = _newest(b.rd_at, b.rd_sys, b.fv_at, b.fv_sys)
    bp_dia = _newest(b.rd_at, b.rd_dia, b.fv_at, b.fv_dia)
    glucose_high = or_(and_(b.gl_at.is_not(None), or_(b.fg_at.is_(None), b.gl_at >= b.fg_at),
                            or_(b.gl_val >= HYPER_URGENT, b.gl_flag == "HI")),
                       and_(b.fg_at.is_not(None), or_(b.gl_at.is_(None), b.fg_at > b.gl_at), b.fg_val >= HYPER_URGENT))
    risk = case((or_(bp_sys >= ACUTE_SBP, bp_dia >= ACUTE_DBP), 0),
                (and_(b.cvd, or_(bp_sys >= UNCONTROLLED_SBP, bp_dia >= UNCONTROLLED_DBP)), 1),
                (glucose_high, 2), else_=3)
    # 转归 终止管理 at the last visit ends the 规范 follow-up (death, moved, refused): off the list.
    hidden = or_(b.call_hidden > now, b.call_outcome == "deceased", b.fu_outcome == "ended",
                 and_(b.call_outcome == "moved", or_(b.visit_at.is_(None), b.call_at > b.visit_at)))
    ranked = select(b, due_on.label("due_on"), due_reason.label("due_reason"), risk.label("risk")).where(
        not_(func.coalesce(hidden, False))).subquery("ranked")
    return ranked


def due_list(session: Session, actor: Actor, *, now: datetime, team_id: int | None = None, kind: str = "overdue",
             within_days: int = 7, page: int = 1, per_page: int = 20) -> Page:
    """Residents due (within N days) or overdue for a follow-up, highest risk first, then longest overdue."""
    if not actor.is_team_staff:
        raise Forbidden("auth.role", "只有家庭医生团队可以查看随访名单 / only family doctor teams")
    if kind not in ("overdue", "due"):
        raise RuleViolation("due.kind", "kind 应为 overdue 或 due", errors={"kind": ["overdue / due"]})
    teams = actor.team_ids if team_id is None else actor.team_ids & {team_id}
    if team_id is not None and not teams:
        raise Forbidden("due.other_team", "只能查看本团队的名单 / only your own teams")
    today = local_date(now)
    ranked = _due_query(teams, now)
    r = ranked.c
    limit_day = today - timedelta(days=1) if kind == "overdue" else today + timedelta(days=within_days)
    stmt = select(ranked).where(r.due_on.is_not(None), r.due_on <= limit_day)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    page, per_page = max(page, 1), min(max(per_page, 1), 200)
    rows = session.execute(stmt.order_by(r.risk, r.due_on, r.id).limit(per_page).offset((page - 1) * per_page)).all()
    residents = {res.id: res for res in session.scalars(select(Resident).where(Resident.id.in_([x.id for x in rows])))}
    behind = fulfilment.overdue_items(session, consortium_id=actor.consortium_id, resident_ids=[x.id for x in rows],
                                      on=today)
    items = []
    for row in rows:
        resident = residents[row.id]
        last_bp = None
        if row.rd_at is not None or row.fv_at is not None:
            use_reading = row.fv_at is None or (row.rd_at is not None and row.rd_at >= row.fv_at)
            last_bp = ({"systolic": row.rd_sys, "diastolic": row.rd_dia, "at": row.rd_at, "source": "reading"}
                       if use_reading else
                       {"systolic": row.fv_sys, "diastolic": row.fv_dia, "at": row.fv_at, "source": "followup"})
        last_glucose = None
        if row.gl_at is not None or row.fg_at is not None:
            use_reading = row.fg_at is None or (row.gl_at is not None and row.gl_at >= row.fg_at)
            last_glucose = ({"mmol": row.gl_val, "flag": row.gl_flag, "at": row.gl_at, "source": "reading"}
                            if use_reading else {"mmol": row.fg_val, "flag": None, "at": row.fg_at, "source": "followup"})
        items.append(DueItem(
            resident=resident, phone=privacy.decrypt(resident.phone_enc) if resident.phone_enc else None,
            team_id=row.team_id, due_on=row.due_on, days_overdue=max((today - row.due_on).days, 0),
            due_reason=row.due_reason, risk=row.risk, risk_label=RISK_LABELS[row.risk], last_bp=last_bp,
            last_glucose=last_glucose, next_step=row.fu_step,
            last_call=None if row.call_at is None else {"outcome": row.call_outcome, "at": row.call_at,
                                                        "hidden_until": row.call_hidden},
            overdue_items=behind.get(row.id, [])))
    audit.note(session, actor, action="list", target="followups_due", data={"resident_ids": [r.id for r in rows]})
    return Page(items=items, page=page, per_page=per_page, total=total)


def record_call_outcome(session: Session, *, actor: Actor, resident_id: int, outcome: str, now: datetime,
                        note: str | None = None) -> CallOutcome:
    """Record a call to a due resident: call_later hides 7 days, will_come 30, moved/deceased take them off."""
    resident, contract = team_resident(session, actor, resident_id)
    if outcome not in CALL_OUTCOMES:
        raise RuleViolation("call.outcome", "未知的电话结果 / unknown call outcome",
                            errors={"outcome": ["/".join(CALL_OUTCOMES)]})
    hide = HIDE_FOR.get(outcome)
    call = CallOutcome(consortium_id=resident.consortium_id, resident_id=resident.id, team_id=contract.team_id,
                       staff_id=actor.id, at=now, outcome=outcome, hidden_until=now + hide if hide else None,
                       note=note)
    session.add(call)
    session.flush()
    return call
