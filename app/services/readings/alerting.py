"""Alerting: the consequences of the immediate rules for a stored reading.

The rules (app.services.rules) run on ingest; what they find opens or updates alerts and queues the
resident's advice in the same transaction. A retry re-evaluates the rules against the readings that
existed when the original arrived (lower ids, the original's receive time), so it answers the same
advice without side effects.
"""
from __future__ import annotations

import bisect
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.services import alerts, outbox
from app.services import reading_texts as texts
from app.services import rules
from ml.clinical import HYPO_LEVEL1_BELOW
from models.readings import BpReading, GlucoseReading, ReadingSource

log = logging.getLogger(__name__)


@dataclass
class ReadingOutcome:
    """What ingest did: the stored reading (or the original, on a retry) and what the rules found."""
    type: str  # "bp" | "glucose"
    reading: BpReading | GlucoseReading
    duplicate: bool
    findings: list[rules.Finding]
    advice: str
    needs_repeat: bool
    alerts: list[Any] = field(default_factory=list)  # alerts opened or updated (first time only)

    @property
    def fired(self) -> list[rules.Finding]:
        """The rules that fired (alias of findings)."""
        return self.findings



# --- rules -------------------------------------------------------------------------------------------------
def _symptoms(text: str | None) -> rules.Symptoms:
    """Keyword flags, raised (never lowered) by the triage service's assessment when that service exists."""
    return rules.symptom_flags(text, emergency=_triage_emergency(text) if text else False)


def _triage_emergency(text: str) -> bool:
    try:
        from app.services import triage
    except ImportError:
        return False
    assess = getattr(triage, "assess", None)
    if assess is None:
        return False
    try:
        # Non-interactive: no questions, and an emergency only when it rests on a red flag actually found.
        result = assess(text, interactive=False)
    except Exception:  # the keyword check still stands; a triage bug must not lose the reading
        log.exception("triage.assess failed; keyword check only")
        return False
    level = getattr(result, "level", None)
    return getattr(level, "value", level) == "emergency" and bool(getattr(result, "red_flags", True))


class Context:
    """One resident's readings around a set of new ones, loaded once (batch and single alike)."""

    def __init__(self, session: Session, resident_id: int, kind: str, readings: list[Any]):
        times = [r.measured_at for r in readings]
        if kind == "bp":
            lo, hi = min(times) - rules.CONFIRM_WINDOW, max(times) + rules.CONFIRM_WINDOW
            rows = session.execute(select(BpReading.id, BpReading.measured_at, BpReading.systolic, BpReading.diastolic)
                                   .where(BpReading.resident_id == resident_id,
                                          BpReading.measured_at.between(lo, hi))).all()
            items = sorted((r.measured_at, r.id, rules.BpObs(r.measured_at, r.systolic, r.diastolic)) for r in rows)
        else:
            # Only low readings matter (the recurrence rule), and only when a new one is low.
            lows = [r.measured_at for r in readings
                    if r.meter_flag == rules.METER_LO or (r.value_mmol is not None and r.value_mmol < HYPO_LEVEL1_BELOW)]
            times = lows or times
            lo = min(times) - rules.RECURRENT_WINDOW
            rows = [] if not lows else session.execute(select(GlucoseReading.id, GlucoseReading.measured_at, GlucoseReading.value_mmol,
                                          GlucoseReading.meter_flag)
                                   .where(GlucoseReading.resident_id == resident_id,
                                          GlucoseReading.measured_at.between(lo, max(times)),
                                          or_(GlucoseReading.value_mmol < HYPO_LEVEL1_BELOW,
                                              GlucoseReading.meter_flag == rules.METER_LO))).all()
            items = sorted((r.measured_at, r.id, rules.GlucoseObs(r.measured_at, r.value_mmol, r.meter_flag))
                           for r in rows)
        self.times = [i[0] for i in items]
        self.items = items

    def before(self, reading_id: int, lo: datetime, hi: datetime) -> list:
        """Observations in [lo, hi] stored before this reading (lower id): what existed when it arrived."""
        a, b = bisect.bisect_left(self.times, lo), bisect.bisect_right(self.times, hi)
        return [obs for _, rid, obs in self.items[a:b] if rid < reading_id]


def _findings(kind: str, reading: Any, ctx: Context, now: datetime) -> tuple[list[rules.Finding], rules.Symptoms]:
    symptoms = _symptoms(reading.symptoms)
    if kind == "bp":
        obs = rules.BpObs(reading.measured_at, reading.systolic, reading.diastolic)
        around = ctx.before(reading.id, obs.measured_at - rules.CONFIRM_WINDOW, obs.measured_at + rules.CONFIRM_WINDOW)
        facts = rules.bp_facts(obs, around, symptoms=symptoms, now=now)
        found = rules.evaluate_bp(facts)
        detail = {"confirm_systolic": facts.confirm_systolic, "confirm_diastolic": facts.confirm_diastolic}
    else:
        obs = rules.GlucoseObs(reading.measured_at, reading.value_mmol, reading.meter_flag, reading.context.value)
        history = ctx.before(reading.id, obs.measured_at - rules.RECURRENT_WINDOW, obs.measured_at)
        facts = rules.glucose_facts(obs, history, symptoms=symptoms, now=now)
        found = rules.evaluate_glucose(facts)
        detail = {"hypo_episodes_7d": facts.hypo_episodes}
    return [rules.Finding(f.code, f.advice, f.kind, f.severity, f.needs_repeat, detail) for f in found], symptoms


def _value_text(kind: str, reading: Any) -> str:
    if kind == "bp":
        return f"血压 {texts.bp_value(reading.systolic, reading.diastolic)} mmHg"
    label = texts.CONTEXT_LABELS.get(reading.context.value, "")
    return f"{label}血糖 {texts.glucose_value(reading.value_mmol, reading.meter_flag)}"


def _alert_value(kind: str, reading: Any, finding: rules.Finding) -> dict[str, Any]:
    value: dict[str, Any] = {"type": kind, "reading_id": reading.id, "rule": finding.code,
                             "measured_at": reading.measured_at.isoformat()}
    if kind == "bp":
        value.update(systolic=reading.systolic, diastolic=reading.diastolic, pulse=reading.pulse,
                     confirm_systolic=finding.detail.get("confirm_systolic"),
                     confirm_diastolic=finding.detail.get("confirm_diastolic"))
    else:
        value.update(value_mmol=reading.value_mmol, meter_flag=reading.meter_flag, context=reading.context.value,
                     hypo_episodes_7d=finding.detail.get("hypo_episodes_7d"))
    return value


def _summary(kind: str, reading: Any, finding: rules.Finding, symptoms: rules.Symptoms) -> str:
    value = _value_text(kind, reading)
    parts = []
    if finding.code == "BP-U1" or (finding.code == "BP-E1" and finding.detail.get("confirm_systolic") is not None):
        parts.append(f"{texts.REPEAT_CONFIRMED} 均值 {texts.bp_value(finding.detail['confirm_systolic'], finding.detail['confirm_diastolic'])}")
    if finding.code == "G-U1":
        parts.append(f"7天内低血糖{finding.detail.get('hypo_episodes_7d')}次")
    if symptoms.reported and finding.severity == "critical":
        parts.append(f"{texts.SYMPTOMS_LABEL}：{symptoms.text[:60]}")
    return texts.alert_summary(finding.kind or "", value, "；".join(parts) or None)


def _apply(session: Session, kind: str, reading: Any, findings: list[rules.Finding], symptoms: rules.Symptoms,
           advice: str, needs_repeat: bool, now: datetime) -> list[Any]:
    """Open or update alerts and queue the resident's message, in the caller's transaction."""
    raised = []
    for finding in findings:
        if finding.kind is None:
            continue
        raised.append(alerts.raise_alert(session, resident_id=reading.resident_id, kind=finding.kind,
                                         severity=finding.severity, summary=_summary(kind, reading, finding, symptoms),
                                         now=now, value=_alert_value(kind, reading, finding)))
    # The reply carries the advice to whoever posted; the resident also gets it pushed when an alert
    # opened, and when a meter (which shows no reply) needs a repeat.
    if raised or (needs_repeat and reading.source == ReadingSource.device):
        outbox.enqueue(session, consortium_id=reading.consortium_id, resident_id=reading.resident_id,
                       kind="reading_advice", text=texts.resident_message(advice, _value_text(kind, reading)),
                       now=now, data={"type": kind, "reading_id": reading.id},
                       dedup_key=f"reading:{kind}:{reading.id}:advice")
    return raised


def outcome(session: Session, kind: str, reading: Any, ctx: Context, *, duplicate: bool,
             now: datetime) -> ReadingOutcome:
    # A retry is judged as of the original's arrival, so it answers exactly what the original did.
    at = reading.received_at if duplicate else now
    findings, symptoms = _findings(kind, reading, ctx, at)
    ordered = rules.by_urgency(findings)
    keys = [f.advice for f in ordered] or ["ok_bp" if kind == "bp" else "ok_glucose"]
    advice = texts.advice(*keys)
    needs_repeat = any(f.needs_repeat for f in findings)
    raised = [] if duplicate else _apply(session, kind, reading, ordered, symptoms, advice, needs_repeat, now)
    return ReadingOutcome(kind, reading, duplicate, ordered, advice, needs_repeat, raised)

