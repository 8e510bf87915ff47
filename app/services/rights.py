"""Personal-information rights (PIPL): export everything about me, ask to be forgotten."""
from __future__ import annotations

import csv
import io
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.errors import Conflict
from app.services import privacy
from app.services.actors import Actor
from app.services.residents import get_own
from models.alerts import Alert
from models.contracts import Contract
from models.followups import FollowUp
from models.outbox import OutboxMessage, OutboxStatus
from models.readings import BpReading, GlucoseReading
from models.referrals import Referral
from models.residents import DeletionRequest, Resident

ANONYMISED_NAME = "已注销居民"


def _rows(session: Session, model, resident_id: int, order) -> list[Any]:
    return list(session.scalars(select(model).where(model.resident_id == resident_id).order_by(order)))


def _iso(value):
    return value.isoformat() if value is not None else None


def export_data(session: Session, *, actor: Actor) -> dict[str, Any]:
    """Everything stored about the signed-in resident, as plain JSON-ready data."""
    r = get_own(session, actor)
    return {
        "profile": {"id": r.id, "name": r.name, "sex": r.sex.value, "birth_date": r.birth_date.isoformat(),
                    "id_card": privacy.decrypt(r.id_card_enc),
                    "phone": privacy.decrypt(r.phone_enc) if r.phone_enc else None,
                    "village": r.village.name, "conditions": r.condition_codes,
                    "bp_target": [r.bp_target_sys, r.bp_target_dia], "wechat_bound": r.wechat_openid is not None},
        "consents": [{"version": c.version, "channel": c.channel, "granted_at": _iso(c.granted_at),
                      "withdrawn_at": _iso(c.withdrawn_at)} for c in r.consents],
        "contracts": [{"id": c.id, "team": c.team.name, "status": c.status.value, "starts_on": c.starts_on.isoformat(),
                       "ends_on": c.ends_on.isoformat(), "packages": [p.name for p in c.packages]}
                      for c in _rows(session, Contract, r.id, Contract.id)],
        "bp_readings": [_bp(b) for b in _rows(session, BpReading, r.id, BpReading.measured_at)],
        "glucose_readings": [_glucose(g) for g in _rows(session, GlucoseReading, r.id, GlucoseReading.measured_at)],
        "alerts": [{"kind": a.kind.value, "severity": a.severity.value, "status": a.status.value,
                    "summary": a.summary, "opened_at": _iso(a.opened_at)} for a in _rows(session, Alert, r.id, Alert.id)],
        "followups": [{"visited_at": _iso(f.visited_at), "method": f.method.value,
                       "classification": f.classification.value, "systolic": f.systolic, "diastolic": f.diastolic,
                       "glucose_mmol": f.glucose_mmol, "next_due_on": f.next_due_on.isoformat(),
                       "medications": [{"drug": m.drug, "dose": m.dose, "frequency": m.frequency, "change": m.change}
                                       for m in f.medications]}
                      for f in _rows(session, FollowUp, r.id, FollowUp.visited_at)],
        "referrals": [{"department": x.to_department, "reason": x.reason, "status": x.status.value,
                       "advice": x.advice, "plan": x.plan, "created_at": _iso(x.created_at)}
                      for x in _rows(session, Referral, r.id, Referral.id)],
        "messages": [{"kind": m.kind, "text": m.text, "status": m.status.value, "created_at": _iso(m.created_at)}
                     for m in _rows(session, OutboxMessage, r.id, OutboxMessage.id)],
    }


def _bp(b: BpReading) -> dict[str, Any]:
    return {"measured_at": _iso(b.measured_at), "systolic": b.systolic, "diastolic": b.diastolic,
            "pulse": b.pulse, "source": b.source.value}


def _glucose(g: GlucoseReading) -> dict[str, Any]:
    return {"measured_at": _iso(g.measured_at), "value_mmol": g.value_mmol, "meter_flag": g.meter_flag,
            "context": g.context.value, "source": g.source.value}


READINGS_CSV_COLUMNS = ["measured_at", "kind", "systolic", "diastolic", "pulse", "glucose_mmol", "meter_flag",
                        "context", "source"]


def readings_csv(session: Session, *, actor: Actor) -> str:
    """The signed-in resident's readings as CSV (one row per reading, oldest first)."""
    r = get_own(session, actor)
    rows = [{"kind": "bp", **_bp(b)} for b in _rows(session, BpReading, r.id, BpReading.measured_at)]
    rows += [{"kind": "glucose", "glucose_mmol": g.value_mmol, **_glucose(g)}
             for g in _rows(session, GlucoseReading, r.id, GlucoseReading.measured_at)]
    rows.sort(key=lambda row: row["measured_at"])
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=READINGS_CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def request_deletion(session: Session, *, actor: Actor, now: datetime, retention: timedelta) -> DeletionRequest:
    """Ask to be forgotten: pushes stop now; identity is removed once the retention period has passed."""
    r = get_own(session, actor)
    if session.scalar(select(DeletionRequest).where(DeletionRequest.resident_id == r.id)):
        raise Conflict("deletion.already_requested", "已经提交过注销申请 / deletion already requested")
    for consent in r.consents:
        if consent.withdrawn_at is None:
            consent.withdrawn_at = now
    _cancel_pending_messages(session, r.id)
    request = DeletionRequest(resident_id=r.id, requested_at=now, due_at=now + retention)
    session.add(request)
    session.flush()
    return request


def _cancel_pending_messages(session: Session, resident_id: int) -> None:
    session.execute(update(OutboxMessage)
                    .where(OutboxMessage.resident_id == resident_id, OutboxMessage.status == OutboxStatus.pending)
                    .values(status=OutboxStatus.cancelled, last_error="consent withdrawn"))


def anonymise(session: Session, resident: Resident, *, now: datetime) -> None:
    """Remove identity and free text; keep readings, alerts and follow-ups as anonymous facts for aggregates."""
    token = secrets.token_hex(16)
    resident.name = ANONYMISED_NAME
    resident.id_card_enc = privacy.encrypt(f"anonymised:{token}")
    resident.id_card_bidx = privacy.blind_index(token, "anonymised")
    resident.phone_enc = resident.phone_bidx = None
    resident.wechat_openid = None
    resident.anonymised_at = now
    for model in (BpReading, GlucoseReading):
        session.execute(update(model).where(model.resident_id == resident.id).values(symptoms=None))
    session.execute(update(OutboxMessage).where(OutboxMessage.resident_id == resident.id).values(text="", data=None))
    _cancel_pending_messages(session, resident.id)


def carry_out_due_deletions(session: Session, *, now: datetime) -> int:
    """Anonymise residents whose deletion request has passed the retention period (a daily job)."""
    due = session.scalars(select(DeletionRequest).where(DeletionRequest.carried_out_at.is_(None),
                                                        DeletionRequest.due_at <= now)).all()
    for request in due:
        anonymise(session, session.get(Resident, request.resident_id), now=now)
        request.carried_out_at = now
    session.flush()
    return len(due)


