"""Records for the township's review (需核实): services claimed faster than they can be delivered, or entered in
a way that does not fit the visit. A flag is a prompt to check, never a finding; the wording says only 需核实.

Checks (thresholds are design choices for review, not guideline numbers; docs/kpis.md):
- `rapid_home_visits`: a home service (家庭 follow-up, or a health check / reading review logged as `home`) by the
  same doctor less than MIN_HOME_GAP after their previous home service to another resident. A 规范 home
  follow-up asks about symptoms, measures BP after 5 minutes seated rest with two readings a minute apart
  (中国家庭血压监测指南 2019), weighs, reviews lifestyle and medication, and then the doctor walks to the next
  house: 15 minutes is deliberately short, so only clearly implausible sequences show.
- `home_entered_at_clinic`: a home service entered through the web workstation (the clinic's desk,
  entry_channel `web`) within AT_CLINIC_WINDOW of the time it claims to have happened at the resident's home.
- `late_entry`: entered more than LATE_ENTRY after it was delivered (vendor systems' 延后录入 flag).
All set-based: one window-function statement per check, whatever the number of records.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, and_, cast, func, literal_column, or_, select, union_all
from sqlalchemy.orm import Session

from app.errors import Forbidden, NotFound, RuleViolation
from app.services import audit
from app.services.actors import Actor
from app.services.dialects import is_postgresql
from app.services.pagination import Page
from models.followups import FollowUp, VisitMethod
from models.ledger import ServiceRecord, ServiceReview
from models.org import Institution, Staff, Village
from models.residents import Resident

MIN_HOME_GAP = timedelta(minutes=15)
AT_CLINIC_WINDOW = timedelta(minutes=30)
LATE_ENTRY = timedelta(days=7)
DEFAULT_WINDOW = timedelta(days=90)
FLAGS = ("rapid_home_visits", "home_entered_at_clinic", "late_entry")
OUTCOMES = ("verified", "corrected", "unresolved")
# What the reviewer reads: the observation and 需核实, no judgement.
MESSAGES = {
    "rapid_home_visits": "同一医生上一次入户服务后{minutes}分钟即记录本次入户服务，需核实",
    "home_entered_at_clinic": "入户服务在卫生室电脑端录入，录入时间与服务时间相差{minutes}分钟，需核实",
    "late_entry": "服务后{days}天才录入，需核实",
}


def _const(value: str):
    return cast(literal_column(f"'{value}'"), String(32))


def _minutes(session: Session, start: Any, end: Any):
    if is_postgresql(session):
        return func.extract("epoch", end - start) / 60.0
    return (func.julianday(end) - func.julianday(start)) * 1440.0


def _services(consortium_id: int, since: datetime, until: datetime):
    """Follow-ups and logged services in the window: (source, record_id, staff_id, resident_id, at, entered_at,
    channel, home)."""
    # The follow-up's own provenance (随访表: entered_at, entry_channel app / web / import), as on service records.
    followups = select(_const("followup").label("source"), FollowUp.id.label("record_id"),
                       FollowUp.staff_id.label("staff_id"), FollowUp.resident_id.label("resident_id"),
                       FollowUp.visited_at.label("at"), FollowUp.entered_at.label("entered_at"),
                       cast(FollowUp.entry_channel, String(8)).label("channel"),
                       (FollowUp.method == VisitMethod.home).label("home")).where(
        FollowUp.consortium_id == consortium_id, FollowUp.visited_at >= since, FollowUp.visited_at < until)
    records = select(_const("service_record"), ServiceRecord.id, ServiceRecord.staff_id, ServiceRecord.resident_id,
                     ServiceRecord.delivered_at, ServiceRecord.entered_at, cast(ServiceRecord.entry_channel, String(8)),
                     ServiceRecord.method == "home").where(
        ServiceRecord.consortium_id == consortium_id, ServiceRecord.delivered_at >= since,
        ServiceRecord.delivered_at < until)
    return union_all(followups, records).subquery("services")


def _flagged(session: Session, consortium_id: int, since: datetime, until: datetime):
    """(source, record_id, staff_id, resident_id, at, entered_at, flag, minutes) for every flag in the window."""
    s = _services(consortium_id, since, until)
    home = select(s).where(s.c.home.is_(True)).subquery("home")
    order = (home.c.at, home.c.source, home.c.record_id)
    lagged = select(home, func.lag(home.c.at).over(partition_by=home.c.staff_id, order_by=order).label("prev_at"),
                    func.lag(home.c.resident_id).over(partition_by=home.c.staff_id, order_by=order).label("prev_res")
                    ).subquery("lagged")
    gap = _minutes(session, lagged.c.prev_at, lagged.c.at)
    cols = lambda q: (q.c.source, q.c.record_id, q.c.staff_id, q.c.resident_id, q.c.at, q.c.entered_at)  # noqa: E731
    rapid = select(*cols(lagged), _const("rapid_home_visits").label("flag"), gap.label("minutes")).where(
        lagged.c.prev_at.is_not(None), lagged.c.prev_res != lagged.c.resident_id,
        gap < MIN_HOME_GAP.total_seconds() / 60)
    entry_gap = _minutes(session, home.c.at, home.c.entered_at)
    at_clinic = select(*cols(home), _const("home_entered_at_clinic"), entry_gap).where(
        home.c.channel == "web", func.abs(entry_gap) < AT_CLINIC_WINDOW.total_seconds() / 60)
    delay = _minutes(session, s.c.at, s.c.entered_at)
    late = select(*cols(s), _const("late_entry"), delay).where(delay > LATE_ENTRY.total_seconds() / 60)
    return union_all(rapid, at_clinic, late).subquery("flagged")


def _scope(actor: Actor):
    """Which residents' records the reviewer may see: a township doctor their township's villages; admins and
    county doctors the whole consortium."""
    if actor.role == "township_doctor":
        return Resident.village_id.in_(select(Village.id).join(Institution, Institution.id == Village.clinic_id)
                                       .where(Institution.parent_id == actor.institution_id))
    if actor.role in ("admin", "county_doctor"):
        return None
    raise Forbidden("auth.role", "只有乡镇和县级人员可以核查服务记录 / township and county staff only")


@dataclass(frozen=True)
class ServiceCheck:
    source: str
    record_id: int
    flag: str
    message: str
    staff_id: int
    staff_name: str
    resident_id: int
    delivered_at: datetime
    entered_at: datetime | None
    minutes: float
    review: dict | None


def list_checks(session: Session, actor: Actor, *, now: datetime, since: datetime | None = None,
                until: datetime | None = None, flag: str | None = None, unreviewed: bool = False, page: int = 1,
                per_page: int = 20) -> Page:
    """Records flagged 需核实 in a window (default the last 90 days), newest first."""
    scope = _scope(actor)
    if flag is not None and flag not in FLAGS:
        raise RuleViolation("check.flag", "未知的核查类型 / unknown flag", errors={"flag": list(FLAGS)})
    until = until or now
    since = since or until - DEFAULT_WINDOW
    f = _flagged(session, actor.consortium_id, since, until)
    stmt = (select(f, Staff.full_name.label("staff_name"), ServiceReview.outcome, ServiceReview.note,
                   ServiceReview.reviewed_at, ServiceReview.reviewed_by)
            .join(Resident, Resident.id == f.c.resident_id).join(Staff, Staff.id == f.c.staff_id)
            .outerjoin(ServiceReview, and_(ServiceReview.source == f.c.source, ServiceReview.record_id == f.c.record_id,
                                           ServiceReview.flag == f.c.flag)))
    if scope is not None:
        stmt = stmt.where(scope)
    if flag is not None:
        stmt = stmt.where(f.c.flag == flag)
    if unreviewed:
        stmt = stmt.where(or_(ServiceReview.id.is_(None), ServiceReview.outcome == "unresolved"))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    page, per_page = max(page, 1), min(max(per_page, 1), 200)
    rows = session.execute(stmt.order_by(f.c.at.desc(), f.c.source, f.c.record_id, f.c.flag)
                           .limit(per_page).offset((page - 1) * per_page)).all()
    items = []
    for r in rows:
        minutes = float(r.minutes)
        message = MESSAGES[r.flag].format(minutes=round(abs(minutes)), days=int(minutes // 1440))
        review = None if r.outcome is None else {"outcome": r.outcome, "note": r.note, "reviewed_at": r.reviewed_at,
                                                 "reviewed_by": r.reviewed_by}
        items.append(ServiceCheck(source=r.source, record_id=r.record_id, flag=r.flag, message=message,
                                  staff_id=r.staff_id, staff_name=r.staff_name, resident_id=r.resident_id,
                                  delivered_at=r.at, entered_at=r.entered_at, minutes=round(minutes, 1),
                                  review=review))
    audit.note(session, actor, action="list", target="service_checks",
               data={"resident_ids": sorted({i.resident_id for i in items})})
    return Page(items=items, page=page, per_page=per_page, total=total)


def review_check(session: Session, *, actor: Actor, source: str, record_id: int, flag: str, outcome: str,
                 now: datetime, note: str | None = None) -> ServiceReview:
    """Record the reviewer's finding on a flagged record (verified / corrected / unresolved); a later finding
    replaces the earlier one."""
    scope = _scope(actor)
    if flag not in FLAGS or outcome not in OUTCOMES or source not in ("followup", "service_record"):
        raise RuleViolation("check.review", "核查结果有误 / invalid review",
                            errors={"flag": list(FLAGS), "outcome": list(OUTCOMES)})
    model = FollowUp if source == "followup" else ServiceRecord
    stmt = select(model.resident_id).join(Resident, Resident.id == model.resident_id).where(
        model.id == record_id, model.consortium_id == actor.consortium_id)
    if scope is not None:
        stmt = stmt.where(scope)
    resident_id = session.scalar(stmt)
    if resident_id is None:
        raise NotFound("check.not_found", "没有找到这条记录 / record not found")
    review = session.scalar(select(ServiceReview).where(ServiceReview.source == source,
                                                        ServiceReview.record_id == record_id,
                                                        ServiceReview.flag == flag))
    if review is None:
        review = ServiceReview(consortium_id=actor.consortium_id, source=source, record_id=record_id, flag=flag,
                               outcome=outcome, note=note, reviewed_by=actor.id, reviewed_at=now)
        session.add(review)
    else:
        review.outcome, review.note, review.reviewed_by, review.reviewed_at = outcome, note, actor.id, now
    session.flush()
    audit.note(session, actor, action="update", target=f"{source}:{record_id}", resident_id=resident_id)
    return review
