"""One resident's timeline: readings, alerts, follow-ups, referrals, calls and messages, newest first.

The feed is a UNION ALL of (type, id, at) in SQL, paginated there; only the page's rows are then loaded.
Read access is the resident-record scope (app.services.scopes.get_resident), for staff only.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, func, literal, select, union_all
from sqlalchemy.orm import Session

from app.errors import Forbidden
from app.services.actors import Actor
from app.services.pagination import MAX_PER_PAGE, Page
from app.services.scopes import get_resident
from models.alerts import Alert
from models.followups import CallOutcome, FollowUp
from models.outbox import OutboxMessage
from models.readings import BpReading, GlucoseReading
from models.referrals import Referral

# type -> (model, time column)
SOURCES = {
    "bp": (BpReading, BpReading.measured_at),
    "glucose": (GlucoseReading, GlucoseReading.measured_at),
    "alert": (Alert, Alert.opened_at),
    "followup": (FollowUp, FollowUp.visited_at),
    "referral": (Referral, Referral.created_at),
    "call": (CallOutcome, CallOutcome.at),
    "message": (OutboxMessage, OutboxMessage.created_at),
}
TYPES = tuple(SOURCES)


@dataclass(frozen=True)
class TimelineItem:
    type: str
    id: int
    at: datetime
    data: dict[str, Any]


def _describe(kind: str, row: Any) -> dict[str, Any]:
    if kind == "bp":
        return {"systolic": row.systolic, "diastolic": row.diastolic, "pulse": row.pulse, "source": row.source.value}
    if kind == "glucose":
        return {"mmol": row.value_mmol, "flag": row.meter_flag, "context": row.context.value, "source": row.source.value}
    if kind == "alert":
        return {"kind": row.kind.value, "severity": row.severity.value, "status": row.status.value,
                "summary": row.summary, "evidence_count": row.evidence_count}
    if kind == "followup":
        return {"method": row.method.value, "classification": row.classification.value, "systolic": row.systolic,
                "diastolic": row.diastolic, "glucose_mmol": row.glucose_mmol,
                "next_due_on": row.next_due_on.isoformat(), "referral_suggested": row.referral_suggested,
                "staff_id": row.staff_id}
    if kind == "referral":
        return {"status": row.status.value, "to_department": row.to_department, "urgency": row.urgency.value,
                "reason": row.reason, "advice": row.advice, "plan": row.plan}
    if kind == "call":
        return {"outcome": row.outcome, "note": row.note, "staff_id": row.staff_id}
    return {"kind": row.kind, "text": row.text, "status": row.status.value}


def resident_timeline(session: Session, actor: Actor, *, resident_id: int, types: list[str] | None = None,
                      before: datetime | None = None, page: int = 1, per_page: int = 20) -> Page:
    """The resident's events newest first; `types` narrows the feed, `before` pages by time."""
    if actor.kind != "staff":
        raise Forbidden("auth.staff_only", "时间线仅供医生查看 / the timeline is for staff")
    resident = get_resident(session, actor, resident_id)
    wanted = [t for t in TYPES if not types or t in types]
    parts = []
    for kind in wanted:
        model, at = SOURCES[kind]
        part = select(literal(kind, String(16)).label("type"), model.id.label("id"), at.label("at")).where(
            model.resident_id == resident.id)
        if before is not None:
            part = part.where(at < before)
        parts.append(part)
    feed = union_all(*parts).subquery("feed")
    total = session.scalar(select(func.count()).select_from(feed)) or 0
    page, per_page = max(page, 1), min(max(per_page, 1), MAX_PER_PAGE)
    rows = session.execute(select(feed.c.type, feed.c.id, feed.c.at)
                           .order_by(feed.c.at.desc(), feed.c.type, feed.c.id.desc())
                           .limit(per_page).offset((page - 1) * per_page)).all()
    by_type: dict[str, list[int]] = {}
    for row in rows:
        by_type.setdefault(row.type, []).append(row.id)
    loaded: dict[tuple[str, int], Any] = {}
    for kind, ids in by_type.items():
        model = SOURCES[kind][0]
        for obj in session.scalars(select(model).where(model.id.in_(ids))):
            loaded[(kind, obj.id)] = obj
    items = []
    for row in rows:
        obj = loaded[(row.type, row.id)]
        at = getattr(obj, SOURCES[row.type][1].key)  # the ORM value: timezone-aware on every database
        items.append(TimelineItem(type=row.type, id=row.id, at=at, data=_describe(row.type, obj)))
    return Page(items=items, page=page, per_page=per_page, total=total)
