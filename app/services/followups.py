"""Follow-ups (随访, 国家基本公共卫生服务规范 第三版): record a visit, the next due date, referral suggestions.

The 规范 (2017, 国卫基层发〔2017〕13号; clinical_rules.md §1.6, §2.5, §3.1) classes every visit of a
hypertension or type 2 diabetes patient, and its 下一步管理措施 sets the next due date: the rules live in one
place, app/services/followup_forms.py (required_next_step, due_date); the due list, the resident's care status
and the 履约 ledger read the stored `next_due_on` through `next_due_dates`, never a rule of their own.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Iterable

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.errors import Forbidden, NotFound, RuleViolation
from app.services import audit, care_texts, outbox
from app.services import followup_forms as forms
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

MEDICATION_CHANGES = ("start", "stop", "adjust", "continue")
MAX_MEDICATIONS = 20
# A visit may be entered a little ahead of the server clock (phone clocks drift), and back-filled up to a year.
FUTURE_TOLERANCE = timedelta(minutes=5)
BACKFILL_LIMIT = timedelta(days=366)


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
                    alert_id: int | None = None, program: str | None = None, form: dict | None = None,
                    next_step: str | None = None, next_due_on: date | None = None, outcome: str = "continue",
                    entry_channel: str = "app") -> FollowUpOutcome:
    """Record a visit (the complete 随访服务记录表) by the resident's team; the 下一步管理措施 sets the next due
    date by the 规范; open tasks are closed."""
    resident, contract = team_resident(session, actor, resident_id)
    method_, class_ = _method(method), _classification(classification)
    _check_time(visited_at, now)
    _check_values(systolic, diastolic, glucose_mmol)
    if glucose_mmol is not None:
        glucose_mmol = round(glucose_mmol, 1)
    meds = _medications(medications)
    if alert_id is not None:
        alert = session.get(Alert, alert_id)
        if alert is None or alert.resident_id != resident.id:
            raise RuleViolation("followup.alert", "预警不属于该居民 / alert belongs to another resident",
                                errors={"alert_id": ["预警不属于该居民"]})
    followup = FollowUp(consortium_id=resident.consortium_id, resident_id=resident.id, team_id=contract.team_id,
                        staff_id=actor.id, visited_at=visited_at, method=method_, systolic=systolic,
                        diastolic=diastolic, glucose_mmol=glucose_mmol, classification=class_, notes=notes,
                        alert_id=alert_id, created_at=now, medications=meds, entered_by=actor.id, entered_at=now,
                        updated_at=now, version=1)
    program = program or forms.default_program(resident.condition_codes, systolic=systolic, glucose_mmol=glucose_mmol)
    _fill_form(session, followup, resident, program=program, form=form, next_step=next_step,
               next_due_on=next_due_on, outcome=outcome, entry_channel=entry_channel)
    session.add(followup)
    session.flush()
    closed = list(session.scalars(select(FollowUpTask.id).where(FollowUpTask.resident_id == resident.id,
                                                                FollowUpTask.status == "open")))
    if closed:
        session.execute(update(FollowUpTask).where(FollowUpTask.id.in_(closed))
                        .values(status="done", done_followup_id=followup.id)
                        .execution_options(synchronize_session="fetch"))
    due_on = followup.next_due_on
    if due_on >= local_date(now) and followup.outcome == "continue":
        outbox.enqueue(session, consortium_id=resident.consortium_id, kind="followup_next", now=now,
                       resident_id=resident.id, text=care_texts.next_followup(due_on),
                       data={"followup_id": followup.id, "next_due_on": due_on.isoformat()},
                       dedup_key=f"followup:{followup.id}:next")
    session.flush()
    return FollowUpOutcome(followup=followup, next_due_on=due_on, referral_suggested=followup.referral_suggested,
                           referral_reason=suggestion_reason(followup), closed_task_ids=closed)


def amend_followup(session: Session, *, actor: Actor, followup_id: int, now: datetime, **changes) -> FollowUpOutcome:
    """Correct a recorded visit (its doctor's team only): the form is checked again, the version goes up
    (so the next export sends the corrected record again), and the correction is who-and-when stamped."""
    followup = session.get(FollowUp, followup_id)
    if followup is None:
        raise NotFound("followup.not_found", "没有找到这次随访 / follow-up not found")
    resident, _ = team_resident(session, actor, followup.resident_id)
    if followup.team_id not in actor.team_ids:
        raise NotFound("followup.not_found", "没有找到这次随访 / follow-up not found")
    if "method" in changes:
        followup.method = _method(changes.pop("method"))
    if "classification" in changes:
        followup.classification = _classification(changes.pop("classification"))
    for name in ("systolic", "diastolic", "glucose_mmol", "notes"):
        if name in changes:
            setattr(followup, name, changes.pop(name))
    _check_values(followup.systolic, followup.diastolic, followup.glucose_mmol)
    if "medications" in changes:
        followup.medications = _medications(changes.pop("medications"))
    form = {**(followup.form or {}), **(changes.pop("form", None) or {})}
    _fill_form(session, followup, resident, program=changes.pop("program", followup.program), form=form,
               next_step=changes.pop("next_step", None), next_due_on=changes.pop("next_due_on", None),
               outcome=changes.pop("outcome", followup.outcome),
               entry_channel=changes.pop("entry_channel", followup.entry_channel))
    if changes:
        raise RuleViolation("followup.fields", "不能修改这些项 / these fields cannot be changed",
                            errors={k: ["不能修改"] for k in changes})
    followup.version += 1
    followup.updated_at = now
    audit.note(session, actor, action="update", target=f"followup:{followup.id}", resident_id=resident.id,
               data={"version": followup.version})
    session.flush()
    return FollowUpOutcome(followup=followup, next_due_on=followup.next_due_on,
                           referral_suggested=followup.referral_suggested, referral_reason=suggestion_reason(followup))


def get_followup(session: Session, actor: Actor, followup_id: int, *, audit_action: str = "read") -> FollowUp:
    """One follow-up, for whoever may read its resident's record (404 otherwise)."""
    followup = session.get(FollowUp, followup_id)
    if followup is None:
        raise NotFound("followup.not_found", "没有找到这次随访 / follow-up not found")
    get_resident(session, actor, followup.resident_id, audit_action=audit_action)
    return followup


def _method(method: str) -> VisitMethod:
    try:
        return VisitMethod(method)
    except ValueError:
        raise RuleViolation("followup.method", "未知随访方式 / unknown visit method",
                            errors={"method": ["/".join(m.value for m in VisitMethod)]}) from None


def _classification(classification: str) -> Classification:
    try:
        return Classification(classification)
    except ValueError:
        raise RuleViolation("followup.classification", "未知随访分类 / unknown classification",
                            errors={"classification": ["/".join(c.value for c in Classification)]}) from None


def _check_time(visited_at: datetime, now: datetime) -> None:
    if visited_at.tzinfo is None:
        raise RuleViolation("followup.visited_at", "时间需带时区 / visited_at needs a time zone",
                            errors={"visited_at": ["需带时区"]})
    if visited_at > now + FUTURE_TOLERANCE or visited_at < now - BACKFILL_LIMIT:
        raise RuleViolation("followup.visited_at", "随访时间不能在将来或一年以前 / visit time in the future or over a year ago",
                            errors={"visited_at": ["随访时间不能在将来或一年以前"]})


def _fill_form(session: Session, followup: FollowUp, resident: Resident, *, program: str, form: dict | None,
               next_step: str | None, next_due_on: date | None, outcome: str, entry_channel: str) -> None:
    """Check the whole 随访表 and set program, boxes, next step, due date, referral suggestion and 转归."""
    clean = forms.clean_form(program, form)
    forms.check_channel(entry_channel)
    visited_on = local_date(followup.visited_at)
    class_ = followup.classification.value
    forms.check_classification(program, class_, age=resident.age_on(visited_on), systolic=followup.systolic,
                               diastolic=followup.diastolic, glucose_mmol=followup.glucose_mmol, form=clean)
    previous = list(session.scalars(
        select(FollowUp.classification).where(FollowUp.resident_id == resident.id,
                                              FollowUp.visited_at < followup.visited_at,
                                              FollowUp.id != (followup.id or -1))
        .order_by(FollowUp.visited_at.desc(), FollowUp.id.desc()).limit(1)))
    dangers = forms.danger_signs(program, systolic=followup.systolic, diastolic=followup.diastolic,
                                 glucose_mmol=followup.glucose_mmol)
    required = forms.required_next_step(class_, [Classification(c).value for c in previous], dangers)
    step = forms.choose_next_step(required, next_step)
    forms.check_referral(step, required, clean, full_form=bool(form))
    forms.check_outcome(outcome, clean)
    followup.program, followup.form, followup.next_step, followup.outcome = program, clean, step, outcome
    followup.entry_channel = entry_channel
    followup.next_due_on = forms.check_next_visit(next_due_on, forms.due_date(step, visited_on), visited_on)
    followup.referral_suggested = step in forms.REFERRAL_STEPS


def list_followups(session: Session, actor: Actor, *, resident_id: int, page: int = 1, per_page: int = 20) -> Page:
    """A resident's follow-ups, newest first (whoever may read the resident's record)."""
    resident = get_resident(session, actor, resident_id)
    stmt = (select(FollowUp).where(FollowUp.resident_id == resident.id)
            .order_by(FollowUp.visited_at.desc(), FollowUp.id.desc()))
    return paginate(session, stmt, page=page, per_page=per_page)


def suggestion_reason(followup: FollowUp) -> str | None:
    """Why a stored follow-up suggested a referral (a key of care_texts.REFERRAL_SUGGESTION_REASONS)."""
    if not followup.referral_suggested:
        return None
    if followup.next_step == "emergency_referral":
        return "emergency"
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


def next_due_dates(session: Session, resident_ids: Iterable[int]) -> dict[int, date]:
    """Each resident's next follow-up date as the 规范 set it: the date the last visit's 下一步管理措施 gave
    (`next_due_on`), or an open task's (2 weeks after a referral) when sooner. None after 转归 终止管理, and
    nothing for a resident never visited without a task. Two statements, whatever the number of residents."""
    ids = sorted(set(resident_ids))
    if not ids:
        return {}
    newest = func.row_number().over(partition_by=FollowUp.resident_id,
                                    order_by=(FollowUp.visited_at.desc(), FollowUp.id.desc()))
    ranked = (select(FollowUp.resident_id, FollowUp.next_due_on, FollowUp.outcome, newest.label("n"))
              .where(FollowUp.resident_id.in_(ids)).subquery("ranked"))
    due: dict[int, date] = {}
    ended: set[int] = set()
    for rid, day, outcome in session.execute(select(ranked.c.resident_id, ranked.c.next_due_on, ranked.c.outcome)
                                             .where(ranked.c.n == 1)):
        if outcome == "ended":
            ended.add(rid)
        else:
            due[rid] = day
    for rid, day in session.execute(select(FollowUpTask.resident_id, func.min(FollowUpTask.due_on))
                                    .where(FollowUpTask.resident_id.in_(ids), FollowUpTask.status == "open")
                                    .group_by(FollowUpTask.resident_id)):
        if rid not in ended and (rid not in due or day < due[rid]):
            due[rid] = day
    return due


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
    due = next_due_dates(session, [resident.id]).get(resident.id)
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
