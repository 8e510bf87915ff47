"""Delivered services that have no record of their own: 健康体检 (health check), 健康教育 (education session)
and a review of the home readings (居家监测数据查看). They count in the 履约 ledger (app/services/fulfilment.py)."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from app.errors import RuleViolation
from app.services import audit
from app.services.actors import Actor
from app.services.followup_forms import CHANNELS
from app.services.followups import BACKFILL_LIMIT, FUTURE_TOLERANCE, team_resident
from models.ledger import ServiceRecord

RECORD_KINDS = ("health_check", "education", "reading_review")
METHODS = ("clinic", "home", "phone", "wechat", "group")
ENTRY_CHANNELS = CHANNELS  # provenance, as on follow-ups (the code table's 录入方式)
MAX_ATTENDEES = 200  # one group session (健康教育讲座) logged at once


def log_service(session: Session, *, actor: Actor, kind: str, resident_ids: list[int], delivered_at: datetime,
                method: str, now: datetime, notes: str | None = None, details: dict | None = None,
                entry_channel: str = "app") -> list[ServiceRecord]:
    """Record one service delivered by the actor's team to one resident, or a group session to several."""
    errors: dict[str, list[str]] = {}
    if kind not in RECORD_KINDS:
        errors["kind"] = ["/".join(RECORD_KINDS)]
    if method not in METHODS:
        errors["method"] = ["/".join(METHODS)]
    if entry_channel not in ENTRY_CHANNELS:
        errors["entry_channel"] = ["/".join(ENTRY_CHANNELS)]
    ids = list(dict.fromkeys(resident_ids))
    if not 1 <= len(ids) <= MAX_ATTENDEES:
        errors["resident_ids"] = [f"1–{MAX_ATTENDEES}位居民"]
    elif len(ids) > 1 and kind != "education":
        errors["resident_ids"] = ["只有健康教育可以一次记录多位居民 / only an education session has several residents"]
    if delivered_at > now + FUTURE_TOLERANCE:
        errors["delivered_at"] = ["服务时间不能晚于现在 / not in the future"]
    elif delivered_at < now - BACKFILL_LIMIT:
        errors["delivered_at"] = ["只能补录一年内的服务 / at most a year back"]
    if errors:
        raise RuleViolation("service.invalid", "服务记录有误 / invalid service record", errors=errors)
    group_key = str(uuid.uuid4()) if len(ids) > 1 else None
    records = []
    for resident_id in ids:  # a group session: at most MAX_ATTENDEES residents, each checked against the team
        resident, contract = team_resident(session, actor, resident_id)
        records.append(ServiceRecord(consortium_id=resident.consortium_id, resident_id=resident.id,
                                     team_id=contract.team_id, staff_id=actor.id, kind=kind,
                                     delivered_at=delivered_at, method=method, group_key=group_key, details=details,
                                     notes=notes, entered_by=actor.id, entered_at=now, entry_channel=entry_channel))
    session.add_all(records)
    session.flush()
    for record in records:
        audit.note(session, actor, action="create", target=f"service_record:{record.id}", resident_id=record.resident_id)
    return records

