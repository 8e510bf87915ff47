"""Symptom triage as a use case: assess with the resident's profile and readings, store it, alert the team.

The engine (app.services.triage) is pure; this module adds what it needs from the record and what must
follow from a red flag: a triage_red_flag alert for the team when the final answer is emergency or urgent.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Forbidden, RuleViolation
from app.services import alerts, audit, triage
from app.services.actors import Actor
from app.services.clock import local_date
from app.services.residents import active_consent
from app.services.scopes import get_resident
from models.readings import BpReading, GlucoseReading
from models.residents import Resident
from models.triage import TriageAssessment

MAX_TEXT = 500
RECENT = timedelta(hours=24)  # readings older than a day say little about today's symptoms
ALERT_SEVERITY = {"emergency": "critical", "urgent": "high"}


def profile_of(resident: Resident, now: datetime) -> triage.Profile:
    """Age, sex and conditions as the engine takes them."""
    return triage.Profile(age=resident.age_on(local_date(now)), sex=resident.sex.value,
                          conditions=frozenset(resident.condition_codes))


def recent_readings(session: Session, resident_id: int, now: datetime) -> triage.Readings:
    """The latest BP and glucose of the last 24 hours."""
    since = now - RECENT
    bp = session.scalar(select(BpReading).where(BpReading.resident_id == resident_id, BpReading.measured_at >= since)
                        .order_by(BpReading.measured_at.desc()).limit(1))
    glucose = session.scalar(select(GlucoseReading).where(GlucoseReading.resident_id == resident_id,
                                                          GlucoseReading.measured_at >= since,
                                                          GlucoseReading.value_mmol.is_not(None))
                             .order_by(GlucoseReading.measured_at.desc()).limit(1))
    return triage.Readings(systolic=bp.systolic if bp else None, diastolic=bp.diastolic if bp else None,
                           pulse=bp.pulse if bp else None, glucose_mmol=glucose.value_mmol if glucose else None)


def assess_symptoms(session: Session, *, actor: Actor, resident_id: int, text: str, now: datetime,
                    answers: dict | None = None, asked: int = 0, channel: str = "api",
                    interactive: bool = True) -> TriageAssessment:
    """Triage free text for a resident (themselves, or staff for a resident in scope) and store the result."""
    text = (text or "").strip()
    if not text or len(text) > MAX_TEXT:
        raise RuleViolation("triage.text", f"请用1-{MAX_TEXT}个字描述症状 / describe symptoms in 1-{MAX_TEXT} characters",
                            errors={"text": [f"1-{MAX_TEXT}个字"]})
    if not (actor.is_resident or actor.is_team_staff or actor.is_specialist or actor.is_system):
        raise Forbidden("auth.role", "您的角色不能做症状评估 / your role may not triage")
    resident = get_resident(session, actor, resident_id, audit_action="triage")
    if actor.is_resident and active_consent(resident) is None:
        raise Forbidden("consent.required", "请先同意隐私告知后再使用 / consent is required first")
    result = triage.assess(text, profile=profile_of(resident, now), readings=recent_readings(session, resident.id, now),
                           answers=answers, asked=asked, interactive=interactive)
    record = TriageAssessment(consortium_id=resident.consortium_id, resident_id=resident.id,
                              staff_id=actor.id if actor.kind == "staff" else None, channel=channel, text=text,
                              answers=answers or None, level=result.level, department=result.department,
                              final=result.final, questions_asked=asked, result=result.to_dict(), created_at=now)
    if result.final and result.level in ALERT_SEVERITY:
        flags = "、".join(f.label for f in result.red_flags) or result.level
        alert = alerts.raise_alert(session, resident_id=resident.id, kind="triage_red_flag",
                                   severity=ALERT_SEVERITY[result.level], now=now,
                                   summary=f"症状自查：{flags}（{text[:60]}）",
                                   value={"level": result.level, "department": result.department})
        record.alert_id = alert.id if alert is not None else None
    session.add(record)
    session.flush()
    return record


def list_assessments(session: Session, actor: Actor, *, resident_id: int, limit: int = 20) -> list[TriageAssessment]:
    """A resident's triage history, newest first, for staff who may read the resident's record."""
    if actor.kind != "staff":
        raise Forbidden("auth.staff_only", "分诊记录仅供医生查看 / the triage history is for staff")
    resident = get_resident(session, actor, resident_id)
    rows = list(session.scalars(select(TriageAssessment).where(TriageAssessment.resident_id == resident.id)
                                .order_by(TriageAssessment.created_at.desc(), TriageAssessment.id.desc())
                                .limit(limit)))
    audit.note(session, actor, action="list", target="triage_assessments", resident_id=resident.id)
    return rows
