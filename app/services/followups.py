"""Follow-ups (随访, 国家基本公共卫生服务规范 第三版): record a visit, the next due date, referral suggestions.

The 规范 (2017, 国卫基层发〔2017〕13号; clinical_rules.md §1.6, §2.5, §3.1) classes every visit of a
hypertension or type 2 diabetes patient:
- 控制满意 (controlled): next routine visit, at least quarterly (基层指南 2020: every 3 months at target);
- first 控制不满意 (uncontrolled) or a 药物不良反应 (adverse reaction): adjust treatment, revisit in 2 weeks;
- two consecutive 不满意 visits, adverse reactions that are hard to control (we read: two consecutive
  adverse-reaction visits), or a new or worse 并发症 (complication): refer up and follow up within 2 weeks.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Iterable, Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.errors import Forbidden, NotFound, RuleViolation
from app.services import care_texts, outbox
from app.services.actors import Actor
from app.services.clock import local_date
from app.services.pagination import Page, paginate
from app.services.scopes import get_resident
from ml.clinical import bp_problems, glucose_problems
from models.alerts import Alert
from models.contracts import OPEN_STATUSES, Contract
from models.followups import Classification, FollowUp, FollowUpTask, MedicationChange, VisitMethod
from models.referrals import Referral, ReferralStatus
from models.residents import Resident

# 规范: "2周内随访" after an unsatisfactory visit, an adverse reaction or a referral.
SHORT_INTERVAL = timedelta(days=14)
# 规范 / 基层指南 2020: patients at target are seen at least every 3 months (≥4 face-to-face visits a year).
ROUTINE_MONTHS = 3
MEDICATION_CHANGES = ("start", "stop", "adjust", "continue")
MAX_MEDICATIONS = 20
# A visit may be entered a little ahead of the server clock (phone clocks drift), and back-filled up to a year.
FUTURE_TOLERANCE = timedelta(minutes=5)
BACKFILL_LIMIT = timedelta(days=366)


def add_months(day: date, months: int) -> date:
    """The same day N calendar months later; the 31st becomes the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Rule:
    """What the 规范 asks after a visit: when to come back, and whether to refer up (with a reason code)."""
    short_interval: bool
    referral_reason: str | None  # key of care_texts.REFERRAL_SUGGESTION_REASONS


def followup_rule(classification: Classification | str, previous: Sequence[Classification | str]) -> Rule:
    """The 规范 rule for a visit given the earlier visits' classifications, newest first."""
    current = Classification(classification)
    last = Classification(previous[0]) if previous else None
    if current == Classification.complication:
        return Rule(True, "complication")
    if current == Classification.uncontrolled:
        return Rule(True, "two_uncontrolled" if last == Classification.uncontrolled else None)
    if current == Classification.adverse_reaction:
        return Rule(True, "two_adverse" if last == Classification.adverse_reaction else None)
    return Rule(False, None)


def next_due(classification: Classification | str, previous: Sequence[Classification | str],
             visited_on: date) -> tuple[date, bool]:
    """Next due date and whether to suggest a referral (规范): `previous` lists earlier visits newest first."""
    rule = followup_rule(classification, previous)
    due = visited_on + SHORT_INTERVAL if rule.short_interval else add_months(visited_on, ROUTINE_MONTHS)
    return due, rule.referral_reason is not None


@dataclass(frozen=True)
class FollowUpOutcome:
    followup: FollowUp
    next_due_on: date
    referral_suggested: bool
    referral_reason: str | None = None
    closed_task_ids: list[int] = field(default_factory=list)

    @property
    def id(self) -> int:
        """The follow-up's id (callers that keep only a reference)."""
        return self.followup.id


def team_resident(session: Session, actor: Actor, resident_id: int,
                  audit_action: str = "update") -> tuple[Resident, Contract]:
    """A resident contracted with one of the acting team member's teams (404 otherwise), with the contract."""
    if not actor.is_team_staff:
        raise Forbidden("auth.role", "只有家庭医生团队可以操作 / only family doctor teams may do this")
    resident = get_resident(session, actor, resident_id, audit_action=audit_action)
    contract = session.scalar(select(Contract).where(Contract.resident_id == resident.id,
                                                     Contract.status.in_(OPEN_STATUSES)))
    if contract is None or contract.team_id not in actor.team_ids:
        raise NotFound("resident.not_found", "没有找到这位居民 / resident not found")
    return resident, contract


def _check_values(systolic: int | None, diastolic: int | None, glucose_mmol: float | None) -> None:
    errors: dict[str, list[str]] = {}
    if (systolic is None) != (diastolic is None):
        errors["diastolic" if diastolic is None else "systolic"] = ["高压和低压需同时填写 / give both BP values"]
    elif systolic is not None:
        for name, message in bp_problems(systolic, diastolic).items():
            errors[name] = [message]
    if glucose_mmol is not None:
        for _, message in glucose_problems(glucose_mmol).items():
            errors["glucose_mmol"] = [message]
    if errors:
        raise RuleViolation("followup.values", "测量值不合理 / implausible measured values", errors=errors)


def _medications(items: Iterable[dict]) -> list[MedicationChange]:
    items = list(items or ())
    if len(items) > MAX_MEDICATIONS:
        raise RuleViolation("followup.medications", "用药记录太多 / too many medication entries",
                            errors={"medications": [f"最多{MAX_MEDICATIONS}条"]})
    rows = []
    for i, item in enumerate(items):
        drug = (item.get("drug") or "").strip()
        change = item.get("change") or "continue"
        if not drug or len(drug) > 64 or change not in MEDICATION_CHANGES:
            raise RuleViolation("followup.medications", "用药记录不完整 / incomplete medication entry",
                                errors={"medications": [f"第{i + 1}条：需要药名，变更为{'/'.join(MEDICATION_CHANGES)}"]})
        rows.append(MedicationChange(drug=drug, dose=item.get("dose"), frequency=item.get("frequency"),
                                     change=change))
    return rows


def record_followup(session: Session, *, actor: Actor, resident_id: int, visited_at: datetime, method: str,
                    classification: str, now: datetime, systolic: int | None = None, diastolic: int | None = None,
                    glucose_mmol: float | None = None, medications: Iterable[dict] = (), notes: str | None = None,
                    alert_id: int | None = None) -> FollowUpOutcome:
    """Record a visit by the resident's team; set the next due date by the 规范 and close open tasks."""
    resident, contract = team_resident(session, actor, resident_id)
    try:
        method_ = VisitMethod(method)
    except ValueError:
        raise RuleViolation("followup.method", "未知随访方式 / unknown visit method",
                            errors={"method": ["/".join(m.value for m in VisitMethod)]}) from None
    try:
        class_ = Classification(classification)
    except ValueError:
        raise RuleViolation("followup.classification", "未知随访分类 / unknown classification",
                            errors={"classification": ["/".join(c.value for c in Classification)]}) from None
    if visited_at.tzinfo is None:
        raise RuleViolation("followup.visited_at", "时间需带时区 / visited_at needs a time zone",
                            errors={"visited_at": ["需带时区"]})
    if visited_at > now + FUTURE_TOLERANCE or visited_at < now - BACKFILL_LIMIT:
        raise RuleViolation("followup.visited_at", "随访时间不能在将来或一年以前 / visit time in the future or over a year ago",
                            errors={"visited_at": ["随访时间不能在将来或一年以前"]})
    _check_values(systolic, diastolic, glucose_mmol)
    if glucose_mmol is not None:
        glucose_mmol = round(glucose_mmol, 1)
    meds = _medications(medications)
    if alert_id is not None:
        alert = session.get(Alert, alert_id)
        if alert is None or alert.resident_id != resident.id:
            raise RuleViolation("followup.alert", "预警不属于该居民 / alert belongs to another resident",
                                errors={"alert_id": ["预警不属于该居民"]})
    previous = list(session.scalars(
        select(FollowUp.classification).where(FollowUp.resident_id == resident.id, FollowUp.visited_at < visited_at)
        .order_by(FollowUp.visited_at.desc(), FollowUp.id.desc()).limit(2)))
    rule = followup_rule(class_, previous)
    due_on, suggested = next_due(class_, previous, local_date(visited_at))
    followup = FollowUp(consortium_id=resident.consortium_id, resident_id=resident.id, team_id=contract.team_id,
                        staff_id=actor.id, visited_at=visited_at, method=method_, systolic=systolic,
                        diastolic=diastolic, glucose_mmol=glucose_mmol, classification=class_, next_due_on=due_on,
                        referral_suggested=suggested, notes=notes, alert_id=alert_id, created_at=now,
                        medications=meds)
    session.add(followup)
    session.flush()
    closed = list(session.scalars(select(FollowUpTask.id).where(FollowUpTask.resident_id == resident.id,
                                                                FollowUpTask.status == "open")))
    if closed:
        session.execute(update(FollowUpTask).where(FollowUpTask.id.in_(closed))
                        .values(status="done", done_followup_id=followup.id)
                        .execution_options(synchronize_session="fetch"))
    if due_on >= local_date(now):
        outbox.enqueue(session, consortium_id=resident.consortium_id, kind="followup_next", now=now,
                       resident_id=resident.id, text=care_texts.next_followup(due_on),
                       data={"followup_id": followup.id, "next_due_on": due_on.isoformat()},
                       dedup_key=f"followup:{followup.id}:next")
    session.flush()
    return FollowUpOutcome(followup=followup, next_due_on=due_on, referral_suggested=suggested,
                           referral_reason=rule.referral_reason, closed_task_ids=closed)


def list_followups(session: Session, actor: Actor, *, resident_id: int, page: int = 1, per_page: int = 20) -> Page:
    """A resident's follow-ups, newest first (whoever may read the resident's record)."""
    resident = get_resident(session, actor, resident_id)
    stmt = (select(FollowUp).where(FollowUp.resident_id == resident.id)
            .order_by(FollowUp.visited_at.desc(), FollowUp.id.desc()))
    return paginate(session, stmt, page=page, per_page=per_page)


def suggestion_reason(followup: FollowUp) -> str | None:
    """Why a stored follow-up suggested a referral (the rule is deterministic in its classification)."""
    if not followup.referral_suggested:
        return None
    return {Classification.complication: "complication", Classification.uncontrolled: "two_uncontrolled",
            Classification.adverse_reaction: "two_adverse"}.get(followup.classification)


@dataclass(frozen=True)
class CareStatus:
    """What the team sees on a resident: last visit, next due, a pending referral suggestion, open work."""
    resident_id: int
    last_followup: FollowUp | None
    next_due_on: date | None
    days_overdue: int
    referral_suggested: bool
    referral_reason: str | None
    open_referral: Referral | None
    open_tasks: list[FollowUpTask]


OPEN_REFERRAL_STATUSES = (ReferralStatus.requested, ReferralStatus.accepted, ReferralStatus.booked)


def care_status(session: Session, actor: Actor, *, resident_id: int, now: datetime) -> CareStatus:
    """The resident's follow-up status; a suggestion stays until a referral is made after that visit."""
    resident = get_resident(session, actor, resident_id)
    last = session.scalar(select(FollowUp).where(FollowUp.resident_id == resident.id)
                          .order_by(FollowUp.visited_at.desc(), FollowUp.id.desc()).limit(1))
    open_referral = session.scalar(select(Referral).where(Referral.resident_id == resident.id,
                                                          Referral.status.in_(OPEN_REFERRAL_STATUSES))
                                   .order_by(Referral.id.desc()).limit(1))
    suggested = False
    if last is not None and last.referral_suggested:
        referred_since = session.scalar(select(Referral.id).where(
            Referral.resident_id == resident.id, Referral.created_at >= last.visited_at,
            Referral.status != ReferralStatus.cancelled).limit(1))
        suggested = referred_since is None
    tasks = list(session.scalars(select(FollowUpTask).where(FollowUpTask.resident_id == resident.id,
                                                            FollowUpTask.status == "open")
                                 .order_by(FollowUpTask.due_on)))
    today = local_date(now)
    due = last.next_due_on if last is not None else None
    if tasks and (due is None or tasks[0].due_on < due):
        due = tasks[0].due_on
    return CareStatus(resident_id=resident.id, last_followup=last, next_due_on=due,
                      days_overdue=max((today - due).days, 0) if due else 0, referral_suggested=suggested,
                      referral_reason=suggestion_reason(last) if suggested else None,
                      open_referral=open_referral, open_tasks=tasks)


def list_tasks(session: Session, actor: Actor, *, team_id: int | None = None, status: str = "open",
               page: int = 1, per_page: int = 20) -> Page:
    """The team's follow-up tasks (e.g. 2 weeks after a referral), soonest due first."""
    if not actor.is_team_staff:
        raise Forbidden("auth.role", "只有家庭医生团队可以查看 / only family doctor teams")
    teams = actor.team_ids if team_id is None else (actor.team_ids & {team_id})
    stmt = (select(FollowUpTask).where(FollowUpTask.team_id.in_(teams or [-1]), FollowUpTask.status == status)
            .order_by(FollowUpTask.due_on, FollowUpTask.id))
    return paginate(session, stmt, page=page, per_page=per_page)


def current_medications(session: Session, resident_id: int) -> list[dict]:
    """The resident's current drugs as recorded at follow-ups: each drug's last change, stopped ones left out."""
    rows = session.execute(
        select(MedicationChange, FollowUp.visited_at).join(FollowUp, MedicationChange.followup_id == FollowUp.id)
        .where(FollowUp.resident_id == resident_id).order_by(FollowUp.visited_at, MedicationChange.id)).all()
    current: dict[str, dict] = {}
    for change, visited_at in rows:
        key = change.drug.strip().lower()
        if change.change == "stop":
            current.pop(key, None)
        else:
            current[key] = {"drug": change.drug, "dose": change.dose, "frequency": change.frequency,
                            "recorded_on": local_date(visited_at).isoformat()}
    return list(current.values())
