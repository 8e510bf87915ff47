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

from sqlalchemy import Boolean, and_, bindparam, exists, or_, select
from sqlalchemy.orm import Session

from app.services import alerts, dialects, outbox
from app.services import reading_texts as texts
from app.services import rules, triage
from app.services.readings import confirmation
from app.services.readings.confirmation import BpRow, GlucoseRow
from ml.clinical import ACUTE_DBP, ACUTE_SBP, HYPER_URGENT, HYPO_LEVEL1_BELOW, HYPO_LEVEL2_BELOW, bp_is_acute
from models.confirmations import ReadingCheck
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
    # The dangerous episode this reading belongs to (confirmation.Check.as_dict()), else None.
    confirmation: dict | None = None

    @property
    def fired(self) -> list[rules.Finding]:
        """The rules that fired (alias of findings)."""
        return self.findings



# --- rules -------------------------------------------------------------------------------------------------
def is_emergency(assessment: Any) -> bool:
    """A triage assessment that calls for emergency care on a red flag actually found: final (an interactive
    assessment still asking may rest on an assumption) and with its red flags named."""
    level = getattr(assessment, "level", None)
    return (getattr(level, "value", level) == "emergency" and bool(getattr(assessment, "red_flags", ()))
            and bool(getattr(assessment, "final", True)))


def _symptoms(text: str | None, assessment: Any = None) -> rules.Symptoms:
    """Flags of the reported symptoms, raised (never lowered) by triage: the caller's assessment of this message
    when it has one (triage runs once per message), else a non-interactive assessment of the symptom text."""
    if not text:
        return rules.symptom_flags(text)
    if assessment is None:
        try:
            # Non-interactive: no questions, and an emergency only when it rests on a red flag actually found.
            assessment = triage.assess(text, interactive=False)
        except Exception:  # the symptom flags still stand; a triage bug must not lose the reading
            log.exception("triage.assess failed; symptom flags only")
    return rules.symptom_flags(text, emergency=is_emergency(assessment))


# How far around a new reading the confirmation looks: a repeat up to 15 min after its dangerous reading
# (sessions chain on), and a dangerous reading up to the wait plus that window before (ml.measurement).
NEAR = confirmation.CONFIRM_WAIT + rules.CONFIRM_WINDOW
# Readings no rule may use: a likely typo stored as typed; a value a repeat did not confirm (hypoglycaemia count).
_NOT_A_VALUE = (ReadingCheck.as_typed.value,)
_NOT_CONFIRMED = (ReadingCheck.as_typed.value, ReadingCheck.not_confirmed.value)


def _usable(column, excluded):
    # `<> each` rather than NOT IN: NOT IN takes an expanding parameter, which SQLAlchemy renders into the SQL again
    # at every execution (BP_NEAR runs on every BP message); the same rows either way.
    return or_(column.is_(None), and_(*(column != value for value in excluded)))


# A resident's usable BP readings in a time range: built once (every BP message runs it; on PostgreSQL the readings
# service sends it in one statement with the reading's INSERT, ingest._insert_bp_and_near).
# On the table (a Core statement: no ORM execution machinery when it runs on the session's connection).
# The readings around matter to the rules only within a dangerous episode (ml.measurement: an episode starts at a
# reading >=180/110, 规范 2017 danger sign, and takes the readings after it as its repeats). So they are read only
# when one of the new readings (bind "acute") or one of those around is that high; else no episode exists either way,
# and a resident who measured often in the hour is not read back at every message. The SQL test is a superset of
# ml.clinical.bp_is_acute (implausible values are counted too; the rules drop them after).
_BP = BpReading.__table__.c
_AROUND = (_BP.resident_id == bindparam("resident_id"), _BP.measured_at.between(bindparam("lo"), bindparam("hi")),
           _usable(_BP.confirmation, _NOT_A_VALUE))
_ACUTE_AROUND = exists().where(*_AROUND, or_(_BP.systolic >= ACUTE_SBP, _BP.diastolic >= ACUTE_DBP))
BP_NEAR = (select(_BP.id, _BP.measured_at, _BP.systolic, _BP.diastolic)
           .where(*_AROUND, or_(bindparam("acute", type_=Boolean), _ACUTE_AROUND)))

# The same for glucose: the readings around matter only within a dangerous episode, which starts at a glucose <3.0 or
# >=16.7 mmol/L or a meter HI/LO (ml.measurement.Glucose.danger; 中国2型糖尿病防治指南 2020, 基层 2022). The low
# readings of the last 7 days (hypoglycaemia episodes) are read only when a new one is low (<3.9 or LO), in the same
# statement. Both built once, on the table. Without a dangerous value the low readings that fall in the window may
# still come back as "near": the rules find no episode among them either way.
_G = GlucoseReading.__table__.c
_G_USABLE = (_G.resident_id == bindparam("resident_id"), _usable(_G.confirmation, _NOT_A_VALUE))
_G_IN_WINDOW = _G.measured_at.between(bindparam("lo"), bindparam("hi"))
_G_DANGER_AROUND = exists().where(*_G_USABLE, _G_IN_WINDOW,
                                  or_(_G.value_mmol < HYPO_LEVEL2_BELOW, _G.value_mmol >= HYPER_URGENT,
                                      _G.meter_flag == rules.METER_HI, _G.meter_flag == rules.METER_LO))
_G_NEAR = and_(_G_IN_WINDOW, or_(bindparam("dangerous", type_=Boolean), _G_DANGER_AROUND))
_G_LOWS = and_(_G.measured_at.between(bindparam("low_lo"), bindparam("low_hi")),
               or_(_G.value_mmol < HYPO_LEVEL1_BELOW, _G.meter_flag == rules.METER_LO),
               _usable(_G.confirmation, _NOT_CONFIRMED))
_G_COLUMNS = (_G.id, _G.measured_at, _G.value_mmol, _G.meter_flag, _G.confirmation)
GLUCOSE_NEAR = select(*_G_COLUMNS).where(*_G_USABLE, _G_NEAR)
GLUCOSE_NEAR_AND_LOWS = select(*_G_COLUMNS).where(*_G_USABLE, or_(_G_NEAR, _G_LOWS))


class Context:
    """One resident's readings around a set of new ones, loaded once (batch and single alike), in one query."""

    def __init__(self, session: Session, resident_id: int, kind: str, readings: list[Any], *,
                 bp_near: list[Any] | None = None):
        """`bp_near`: the BP_NEAR rows (id, measured_at, systolic, diastolic) when the caller already read them."""
        times = [r.measured_at for r in readings]
        near_lo, near_hi = min(times) - NEAR, max(times) + NEAR
        if kind == "bp":
            rows = bp_near if bp_near is not None else dialects.rows(
                session, BP_NEAR, {"resident_id": resident_id, "lo": near_lo, "hi": near_hi,
                                   "acute": any(bp_is_acute(r.systolic, r.diastolic) for r in readings)})
            near = sorted((r.measured_at, r.id, BpRow(r.measured_at, r.systolic, r.diastolic, id=r.id)) for r in rows)
            lows: list = []
        else:
            low_times = [r.measured_at for r in readings
                         if rules.GlucoseObs(r.measured_at, r.value_mmol, r.meter_flag).is_hypo]
            params = {"resident_id": resident_id, "lo": near_lo, "hi": near_hi,
                      "dangerous": any(GlucoseRow(r.measured_at, r.value_mmol, r.meter_flag).danger for r in readings)}
            statement = GLUCOSE_NEAR
            if low_times:
                statement = GLUCOSE_NEAR_AND_LOWS
                params.update(low_lo=min(low_times) - rules.RECURRENT_WINDOW, low_hi=max(low_times))
            rows = dialects.rows(session, statement, params)
            near = sorted((r.measured_at, r.id, GlucoseRow(r.measured_at, r.value_mmol, r.meter_flag, id=r.id))
                          for r in rows if near_lo <= r.measured_at <= near_hi)
            lows = sorted((r.measured_at, r.id, obs) for r in rows if r.confirmation not in _NOT_CONFIRMED
                          and (obs := rules.GlucoseObs(r.measured_at, r.value_mmol, r.meter_flag)).is_hypo)
        self.near, self.near_times = near, [i[0] for i in near]
        self.lows, self.low_times = lows, [i[0] for i in lows]

    @staticmethod
    def _before(items: list, times: list, reading_id: int, lo: datetime, hi: datetime) -> list:
        a, b = bisect.bisect_left(times, lo), bisect.bisect_right(times, hi)
        return [obs for _, rid, obs in items[a:b] if rid < reading_id]

    def near_before(self, reading_id: int, lo: datetime, hi: datetime) -> list:
        """Readings in [lo, hi] stored before this one (lower id): what existed when it arrived."""
        return self._before(self.near, self.near_times, reading_id, lo, hi)

    def lows_before(self, reading_id: int, lo: datetime, hi: datetime) -> list:
        """Low glucose readings in [lo, hi] stored before this one."""
        return self._before(self.lows, self.low_times, reading_id, lo, hi)


def _findings(kind: str, reading: Any, ctx: Context, now: datetime,
              assessment: Any = None) -> tuple[list[rules.Finding], rules.Symptoms, confirmation.Check | None]:
    symptoms = _symptoms(reading.symptoms, assessment)
    as_typed = reading.confirmation == ReadingCheck.as_typed.value
    lo, hi = reading.measured_at - NEAR, reading.measured_at + rules.CONFIRM_WINDOW
    if kind == "bp":
        obs = BpRow(reading.measured_at, reading.systolic, reading.diastolic, id=reading.id)
        around = ctx.near_before(reading.id, lo, hi)
        conf = None if as_typed else rules.bp_confirmation(obs, around, symptoms=symptoms, now=now)
        facts = rules.bp_facts(rules.BpObs(obs.measured_at, obs.systolic, obs.diastolic), around, symptoms=symptoms,
                               now=now, confirmation=conf)
        found = rules.evaluate_bp(facts)
        detail = {"confirm_systolic": facts.confirm_systolic, "confirm_diastolic": facts.confirm_diastolic}
    else:
        obs = rules.GlucoseObs(reading.measured_at, reading.value_mmol, reading.meter_flag, reading.context.value)
        row = GlucoseRow(reading.measured_at, reading.value_mmol, reading.meter_flag, id=reading.id)
        conf = None if as_typed else rules.glucose_confirmation(row, ctx.near_before(reading.id, lo, hi),
                                                                 symptoms=symptoms, now=now)
        history = ctx.lows_before(reading.id, obs.measured_at - rules.RECURRENT_WINDOW, obs.measured_at)
        facts = rules.glucose_facts(obs, history, symptoms=symptoms, now=now, confirmation=conf)
        found = rules.evaluate_glucose(facts)
        detail = {"hypo_episodes_7d": facts.hypo_episodes}
    if as_typed:  # a likely typo kept as typed: no value rule, but what the resident feels still counts
        found = [f for f in found if f.code == "SYM-E1"]
    check = confirmation.check_of(conf, reading.id)
    if check is not None:
        detail["confirmation"] = check.as_dict()
    return [rules.Finding(f.code, f.advice, f.kind, f.severity, f.needs_repeat, detail) for f in found], symptoms, check


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
    if finding.detail.get("confirm_systolic") is not None and finding.code in ("BP-U1", "BP-E1"):
        parts.append(f"{texts.REPEAT_CONFIRMED} 均值 {texts.bp_value(finding.detail['confirm_systolic'], finding.detail['confirm_diastolic'])}")
    elif (finding.detail.get("confirmation") or {}).get("reason") == "repeat" and finding.code in ("G-E1", "G-U2"):
        parts.append(texts.REPEAT_CONFIRMED)
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
                                         now=now, value={**_alert_value(kind, reading, finding),
                                                         "confirmation": finding.detail.get("confirmation")}))
    # The reply carries the advice to whoever posted; the resident also gets it pushed when an alert
    # opened, and when a meter (which shows no reply) needs a repeat.
    if raised or (needs_repeat and reading.source == ReadingSource.device):
        outbox.enqueue_many(session, [dict(  # one INSERT … ON CONFLICT (dedup_key) DO NOTHING
            consortium_id=reading.consortium_id, resident_id=reading.resident_id, kind="reading_advice",
            text=texts.resident_message(advice, _value_text(kind, reading)),
            data={"type": kind, "reading_id": reading.id}, dedup_key=f"reading:{kind}:{reading.id}:advice")], now=now)
    return raised


def outcome(session: Session, kind: str, reading: Any, ctx: Context, *, duplicate: bool, now: datetime,
            assessment: Any = None) -> ReadingOutcome:
    """The rules' findings for a stored reading and their consequences (none for a retry). `assessment`: the
    caller's triage assessment of the message the reading came in, so that triage runs once per message."""
    # A retry is judged as of the original's arrival, so it answers exactly what the original did.
    at = reading.received_at if duplicate else now
    findings, symptoms, check = _findings(kind, reading, ctx, at, assessment)
    ordered = rules.by_urgency(findings)
    keys = [f.advice for f in ordered] or ["ok_bp" if kind == "bp" else "ok_glucose"]
    advice = texts.advice(*keys)
    needs_repeat = any(f.needs_repeat for f in findings)
    raised = [] if duplicate else _apply(session, kind, reading, ordered, symptoms, advice, needs_repeat, now)
    # Only a fresh value waits for its repeat (an old one uploaded late is history, as for the rules).
    if not duplicate and check is not None and at - reading.measured_at <= rules.FRESH_FOR:
        acute = next((f for f in ordered if f.code in CONFIRMING_RULES), None)
        alert = next((a for a in raised if acute is not None and a.kind.value == acute.kind), None)
        confirmation.record(session, kind=kind, reading=reading, check=check, rule=acute.code if acute else None,
                            now=now, alert_id=alert.id if alert else None, dangerous=_dangerous(kind, reading))
    return ReadingOutcome(kind, reading, duplicate, ordered, advice, needs_repeat, raised,
                          check.as_dict() if check else None)


# The rules that a dangerous value's confirmation decides (app.services.rules): their alert is the one kept.
CONFIRMING_RULES = frozenset({"BP-E1", "BP-U1", "BP-R1", "BP-N1", "G-E1S", "G-E1", "G-R1", "G-E2", "G-U2", "G-R2",
                              "G-N1"})


def _dangerous(kind: str, reading: Any) -> bool:
    if kind == "bp":
        return rules.bp_is_acute(reading.systolic, reading.diastolic)
    return rules.GlucoseObs(reading.measured_at, reading.value_mmol, reading.meter_flag).level in ("hypo2", "hyper")

