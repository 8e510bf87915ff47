"""Home readings (居家监测): blood pressure and glucose from residents, their teams and device gateways.

Each reading is idempotent by a client id (UUID or Idempotency-Key): the unique (resident_id,
client_id) and INSERT … ON CONFLICT DO NOTHING make a retry, concurrent ones included, return the
original row without an exception or a savepoint. The immediate rules (app.services.rules) run on
ingest; what they find opens or updates alerts and queues the resident's advice in the same
transaction. A retry re-evaluates the rules against the readings that existed when the original
arrived (lower ids, the original's receive time), so it answers the same advice without side effects.
"""
from __future__ import annotations

import bisect
import logging
import math
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Iterable

from sqlalchemy import exists, or_, select, tuple_
from sqlalchemy.orm import Session

from app.errors import Conflict, DomainError, Forbidden, NotFound, RuleViolation
from app.services import alerts, devices, dialects, outbox
from app.services import reading_texts as texts
from app.services import rules
from app.services.actors import Actor
from app.services.clock import LOCAL_TZ, local_date
from app.services.residents import active_consent, bp_target
from app.services.scopes import get_resident
from ml import hbpm
from ml.clinical import (
    FASTING_TARGET,
    HBPM_WINDOW_DAYS,
    HYPO_LEVEL1_BELOW,
    BpTarget,
    bp_problems,
    glucose_problems,
    mgdl_to_mmol,
)
from models.readings import BpReading, GlucoseContext, GlucoseReading, ReadingSource
from models.residents import Consent, Resident

log = logging.getLogger(__name__)

MAX_BATCH = 1000
# measured_at more than 5 min ahead (clock skew allowance) or over a year old is refused (issue 3 item 1).
FUTURE_SKEW = timedelta(minutes=5)
MAX_AGE = timedelta(days=365)
MAX_CHART_DAYS = 366
UNITS = ("mmol/L", "mg/dL")
METER_FLAGS = (rules.METER_HI, rules.METER_LO)
ARMS = ("left", "right")
POSITIONS = ("sitting", "standing", "lying")
SOURCES = tuple(s.value for s in ReadingSource)
CONTEXTS = tuple(c.value for c in GlucoseContext)
_CLIENT_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,64}$")
_INSERT_CHUNK = 500


# --- results ----------------------------------------------------------------------------------------
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


@dataclass
class ItemResult:
    """One batch item: accepted, duplicate (the original's id) or rejected with the reason."""
    index: int
    type: str | None
    status: str  # accepted | duplicate | rejected
    client_id: str | None = None
    reading_id: int | None = None
    code: str | None = None
    detail: str | None = None
    errors: dict[str, list[str]] | None = None
    advice: str | None = None
    needs_repeat: bool = False
    findings: list[rules.Finding] = field(default_factory=list)


@dataclass(frozen=True)
class _Writer:
    resident: Any  # a Resident, or a row with its id, consortium_id and anonymised_at
    source: ReadingSource
    staff_id: int | None
    device_serial: str | None


@dataclass
class _Row:
    """A validated reading ready to insert."""
    type: str
    values: dict[str, Any]
    writer: _Writer
    index: int = 0

    @property
    def key(self) -> tuple[str, int, str]:
        return self.type, self.values["resident_id"], self.values["client_id"]


# --- who may post ------------------------------------------------------------------------------------------
def _resident(session: Session, resident_id: int) -> tuple[Any, bool]:
    """(id, consortium_id, anonymised_at) of the resident and whether an active consent exists, in one query."""
    active = exists().where(Consent.resident_id == Resident.id, Consent.withdrawn_at.is_(None)).label("consented")
    row = session.execute(select(Resident.id, Resident.consortium_id, Resident.anonymised_at, active)
                          .where(Resident.id == resident_id)).first()
    return (row, bool(row.consented)) if row is not None else (None, False)


def _require_poster(actor: Actor) -> None:
    if not (actor.kind == "device" or actor.is_resident or actor.is_team_staff or actor.is_system):
        raise Forbidden("reading.role", "管理员和专科医生不能上传居民测量值 / admins and specialists may not post readings")


def _writer(session: Session, actor: Actor, resident_id: int | None, source: str | None,
            device_serial: str | None) -> _Writer:
    """Acting on behalf: the resident (own), their team (doctor-entered) or the resident's device key."""
    _require_poster(actor)
    if actor.kind == "device":
        device = devices.device_of(session, actor)
        if resident_id is not None and resident_id != device.resident_id:
            raise Forbidden("reading.device_resident", "该设备只能上传绑定居民的数据 / this device posts for its resident only")
        resident, consented = _resident(session, device.resident_id)
        writer = _Writer(resident, ReadingSource.device, None, device.device_serial)
    elif actor.is_resident:
        if resident_id is not None and resident_id != actor.id:
            raise NotFound("resident.not_found", "没有找到这位居民 / resident not found")
        if source == ReadingSource.doctor.value:
            raise RuleViolation("reading.source", "来源不能是医生录入 / residents cannot post doctor-entered readings",
                                errors={"source": ["居民不能选择医生录入"]})
        resident, consented = _resident(session, actor.id)
        writer = _Writer(resident, ReadingSource(source or ReadingSource.app.value), None, device_serial)
    elif actor.is_team_staff:
        if resident_id is None:
            raise RuleViolation("reading.resident", "请选择居民 / resident_id is required",
                                errors={"resident_id": ["请选择居民"]})
        resident = get_resident(session, actor, resident_id, audit_action="update")
        consented = active_consent(resident) is not None
        writer = _Writer(resident, ReadingSource.doctor, actor.id, device_serial)
    else:  # the system (the WeChat bot, imports) within its consortium
        resident, consented = _resident(session, resident_id) if resident_id is not None else (None, False)
        if resident is None or resident.consortium_id != actor.consortium_id:
            raise NotFound("resident.not_found", "没有找到这位居民 / resident not found")
        writer = _Writer(resident, ReadingSource(source or ReadingSource.wechat.value), None, device_serial)
    if writer.resident is None or writer.resident.anonymised_at is not None:
        raise NotFound("resident.not_found", "没有找到这位居民 / resident not found")
    # PIPL: health data is sensitive; nothing is processed before explicit consent (DESIGN.md privacy).
    if not consented:
        raise Forbidden("consent.required", "居民尚未同意隐私告知，不能记录健康数据 / the resident has not consented to processing")
    return writer


# --- validation -----------------------------------------------------------------------------------------
def _time_problems(measured_at: datetime, now: datetime) -> dict[str, str]:
    if measured_at.tzinfo is None:
        return {"measured_at": "测量时间需带时区 / measured_at must carry a time zone"}
    if measured_at > now + FUTURE_SKEW:
        return {"measured_at": "测量时间不能晚于现在 / measured_at is in the future"}
    if measured_at < now - MAX_AGE:
        return {"measured_at": "测量时间超过一年 / measured_at is over a year old"}
    return {}


def _client_id(client_id: str | None) -> str:
    if client_id is None or client_id == "":
        return uuid.uuid4().hex  # no key given: the reading is stored, but a retry cannot be recognised
    if not isinstance(client_id, str) or not _CLIENT_ID.match(client_id):
        raise RuleViolation("reading.client_id", "client_id 格式不对 / client_id: 1-64 letters, digits or ._:-",
                            errors={"client_id": ["1-64位字母、数字或._:-"]})
    return client_id


def _reject(problems: dict[str, str]) -> None:
    if problems:
        raise RuleViolation("reading.invalid", "测量值不合理，请检查后重新输入 / implausible reading",
                            errors={k: [v] for k, v in problems.items()})


def _bp_row(writer: _Writer, *, systolic: int, diastolic: int, measured_at: datetime, now: datetime,
            pulse: int | None, client_id: str | None, arm: str | None, position: str | None,
            device_serial: str | None, symptoms: str | None) -> _Row:
    problems = {**_time_problems(measured_at, now), **bp_problems(systolic, diastolic, pulse)}
    if arm is not None and arm not in ARMS:
        problems["arm"] = "left 或 right / arm: left or right"
    if position is not None and position not in POSITIONS:
        problems["position"] = "sitting/standing/lying"
    _reject(problems)
    return _Row("bp", dict(
        consortium_id=writer.resident.consortium_id, resident_id=writer.resident.id, client_id=_client_id(client_id),
        measured_at=measured_at, systolic=systolic, diastolic=diastolic, pulse=pulse, arm=arm, position=position,
        source=writer.source, device_serial=writer.device_serial or device_serial,
        entered_by_staff_id=writer.staff_id, symptoms=_clean(symptoms), received_at=now), writer)


def _glucose_row(writer: _Writer, *, value: float | None, unit: str, context: str, measured_at: datetime,
                 now: datetime, client_id: str | None, meter_flag: str | None, device_serial: str | None,
                 symptoms: str | None) -> _Row:
    problems = _time_problems(measured_at, now)
    if unit not in UNITS:
        problems["unit"] = "mmol/L 或 mg/dL / unit: mmol/L or mg/dL"
    if context not in CONTEXTS:
        problems["context"] = "fasting/postprandial/random/bedtime"
    if meter_flag is not None and meter_flag not in METER_FLAGS:
        problems["meter_flag"] = "HI 或 LO / meter_flag: HI or LO"
    value_mmol = None
    if meter_flag is None:
        if value is None:
            problems["value"] = "请填写血糖值 / value is required"
        elif "unit" not in problems:
            # Stored in mmol/L with one decimal (1 mmol/L = 18.0 mg/dL; ml.clinical).
            value_mmol = mgdl_to_mmol(value) if unit == "mg/dL" else round(float(value), 1)
            problems.update(glucose_problems(value_mmol))
    _reject(problems)
    return _Row("glucose", dict(
        consortium_id=writer.resident.consortium_id, resident_id=writer.resident.id, client_id=_client_id(client_id),
        measured_at=measured_at, value_mmol=value_mmol, meter_flag=meter_flag, context=GlucoseContext(context),
        original_value=value, original_unit=unit, source=writer.source,
        device_serial=writer.device_serial or device_serial, entered_by_staff_id=writer.staff_id,
        symptoms=_clean(symptoms), received_at=now), writer)


def _clean(text: str | None) -> str | None:
    text = (text or "").strip()
    return text[:500] or None


# --- storing ------------------------------------------------------------------------------------------------
MODELS = {"bp": BpReading, "glucose": GlucoseReading}
# Fields a retry must repeat: the same key with another value is a client bug, not a retry.
SAME_FIELDS = {"bp": ("measured_at", "systolic", "diastolic"),
               "glucose": ("measured_at", "value_mmol", "meter_flag", "context")}


def _insert(session: Session, kind: str, rows: list[_Row]) -> dict[tuple, Any]:
    """INSERT … ON CONFLICT (resident_id, client_id) DO NOTHING RETURNING: the rows this call created."""
    # One cached Core statement (rows, not ORM objects: nothing is changed after the insert), executemany
    # with RETURNING: SQLAlchemy batches it into multi-row VALUES.
    table = MODELS[kind].__table__
    stmt = (dialects.insert(session, table).on_conflict_do_nothing(index_elements=["resident_id", "client_id"])
            .returning(*table.c))
    created: dict[tuple, Any] = {}
    for reading in session.execute(stmt, [r.values for r in rows]):
        created[(kind, reading.resident_id, reading.client_id)] = reading
    return created


def _existing(session: Session, kind: str, keys: list[tuple]) -> dict[tuple, Any]:
    model = MODELS[kind]
    found: dict[tuple, Any] = {}
    for start in range(0, len(keys), _INSERT_CHUNK):
        pairs = [(k[1], k[2]) for k in keys[start:start + _INSERT_CHUNK]]
        stmt = select(model).where(tuple_(model.resident_id, model.client_id).in_(pairs))
        for reading in session.scalars(stmt):
            found[(kind, reading.resident_id, reading.client_id)] = reading
    return found


def _same(kind: str, reading: Any, values: dict[str, Any]) -> bool:
    for name in SAME_FIELDS[kind]:
        stored, sent = getattr(reading, name), values[name]
        if isinstance(stored, float) and isinstance(sent, float):
            if abs(stored - sent) > 1e-6:
                return False
        elif stored != sent:
            return False
    return True


def _conflict() -> Conflict:
    return Conflict("reading.idempotency_conflict",
                    "同一个 client_id 已用于另一条不同的测量值 / this client_id was used for a different reading")


def _store(session: Session, rows: list[_Row]) -> tuple[dict[tuple, Any], dict[tuple, Any]]:
    """Insert the rows; returns (created, pre-existing) readings by key."""
    created: dict[tuple, Any] = {}
    existing: dict[tuple, Any] = {}
    for kind in MODELS:
        # Measured order, so ids follow it (a repeat in the same batch sees its first reading as earlier);
        # a total order also makes two concurrent batches take the unique-index entries in the same order.
        of_kind = sorted((r for r in rows if r.type == kind), key=lambda r: (r.values["measured_at"], r.key))
        if not of_kind:
            continue
        made = _insert(session, kind, of_kind)
        created.update(made)
        missing = [r.key for r in of_kind if r.key not in made]
        if missing:
            existing.update(_existing(session, kind, missing))
    return created, existing


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


class _Context:
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


def _findings(kind: str, reading: Any, ctx: _Context, now: datetime) -> tuple[list[rules.Finding], rules.Symptoms]:
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


def _outcome(session: Session, kind: str, reading: Any, ctx: _Context, *, duplicate: bool,
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


# --- use cases -------------------------------------------------------------------------------------------------
def record_bp(session: Session, *, actor: Actor, resident_id: int | None, systolic: int, diastolic: int,
              measured_at: datetime, now: datetime, pulse: int | None = None, client_id: str | None = None,
              source: str | None, arm: str | None = None, position: str | None = None,
              device_serial: str | None = None, symptoms: str | None = None) -> ReadingOutcome:
    """Record one home BP reading and run the immediate rules; a retry returns the original (duplicate=True)."""
    writer = _writer(session, actor, resident_id, source, device_serial)
    row = _bp_row(writer, systolic=systolic, diastolic=diastolic, measured_at=measured_at, now=now, pulse=pulse,
                  client_id=client_id, arm=arm, position=position, device_serial=device_serial, symptoms=symptoms)
    return _record_one(session, row, now)


def record_glucose(session: Session, *, actor: Actor, resident_id: int | None, value: float | None,
                   unit: str = "mmol/L", context: str, measured_at: datetime, now: datetime,
                   client_id: str | None = None, source: str | None, meter_flag: str | None = None,
                   device_serial: str | None = None, symptoms: str | None = None) -> ReadingOutcome:
    """Record one glucose reading (mg/dL converted to mmol/L, one decimal) and run the immediate rules."""
    writer = _writer(session, actor, resident_id, source, device_serial)
    row = _glucose_row(writer, value=value, unit=unit, context=context, measured_at=measured_at, now=now,
                       client_id=client_id, meter_flag=meter_flag, device_serial=device_serial, symptoms=symptoms)
    return _record_one(session, row, now)


def _record_one(session: Session, row: _Row, now: datetime) -> ReadingOutcome:
    created, existing = _store(session, [row])
    reading = created.get(row.key)
    duplicate = reading is None
    if duplicate:
        reading = existing[row.key]
        if not _same(row.type, reading, row.values):
            raise _conflict()
    ctx = _Context(session, reading.resident_id, row.type, [reading])
    outcome = _outcome(session, row.type, reading, ctx, duplicate=duplicate, now=now)
    session.flush()
    return outcome


# --- batch -----------------------------------------------------------------------------------------------------
BP_FIELDS = {"type", "resident_id", "systolic", "diastolic", "pulse", "measured_at", "client_id", "source", "arm",
             "position", "device_serial", "symptoms"}
GLUCOSE_FIELDS = {"type", "resident_id", "value", "unit", "context", "measured_at", "client_id", "source",
                  "meter_flag", "device_serial", "symptoms"}


class _ItemError(Exception):
    def __init__(self, errors: dict[str, str]):
        super().__init__("invalid item")
        self.errors = errors


def _int(raw: dict, name: str, errors: dict, *, required: bool = True) -> int | None:
    value = raw.get(name)
    if value is None:
        if required:
            errors[name] = "必填 / required"
        return None
    if (isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value)
            or value != int(value) or abs(value) >= 2 ** 63):
        errors[name] = "应为整数 / must be an integer"
        return None
    return int(value)


def _str(raw: dict, name: str, errors: dict, *, max_len: int = 64) -> str | None:
    value = raw.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > max_len:
        errors[name] = f"应为不超过{max_len}字的文本 / must be a string of at most {max_len} characters"
        return None
    return value


def _when(raw: dict, errors: dict) -> datetime | None:
    value = raw.get("measured_at")
    if not isinstance(value, str):
        errors["measured_at"] = "必填，ISO 8601 时间 / required, ISO 8601"
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        errors["measured_at"] = "时间格式不对 / not an ISO 8601 time"
        return None
    # A time without an offset is local (Asia/Shanghai) time, as meters in China show it.
    return moment if moment.tzinfo else moment.replace(tzinfo=LOCAL_TZ)


def _parse_item(raw: Any) -> tuple[str, dict[str, Any]]:
    """Plain-Python validation of one batch item (types and fields); values are checked by the use case."""
    if not isinstance(raw, dict):
        raise _ItemError({"item": "应为对象 / must be an object"})
    kind = raw.get("type")
    if kind not in MODELS:
        raise _ItemError({"type": "bp 或 glucose / type: bp or glucose"})
    errors: dict[str, str] = {}
    unknown = set(raw) - (BP_FIELDS if kind == "bp" else GLUCOSE_FIELDS)
    for name in sorted(unknown):
        errors[name] = "未知字段 / unknown field"
    data: dict[str, Any] = {"resident_id": _int(raw, "resident_id", errors, required=False),
                            "measured_at": _when(raw, errors), "client_id": _str(raw, "client_id", errors),
                            "source": _str(raw, "source", errors), "device_serial": _str(raw, "device_serial", errors),
                            "symptoms": _str(raw, "symptoms", errors, max_len=500)}
    if data["source"] is not None and data["source"] not in SOURCES:
        errors["source"] = "wechat/app/device/doctor"
    if kind == "bp":
        data.update(systolic=_int(raw, "systolic", errors), diastolic=_int(raw, "diastolic", errors),
                    pulse=_int(raw, "pulse", errors, required=False), arm=_str(raw, "arm", errors),
                    position=_str(raw, "position", errors))
    else:
        value = raw.get("value")
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))
                                  or not math.isfinite(value)):
            errors["value"] = "应为数字 / must be a number"
        data.update(value=value, unit=_str(raw, "unit", errors) or "mmol/L", context=_str(raw, "context", errors),
                    meter_flag=_str(raw, "meter_flag", errors))
        if data["context"] is None and "context" not in errors:
            errors["context"] = "必填 / required"
    if errors:
        raise _ItemError(errors)
    return kind, data


def record_batch(session: Session, *, actor: Actor, items: list[dict], now: datetime) -> list[ItemResult]:
    """Up to 1,000 readings in one transaction; each item is accepted, a duplicate, or rejected with its reason."""
    if len(items) > MAX_BATCH:
        raise RuleViolation("reading.batch_size", f"一次最多上传{MAX_BATCH}条 / at most {MAX_BATCH} items",
                            errors={"items": [f"最多{MAX_BATCH}条"]})
    _require_poster(actor)  # a caller who may not post at all is refused as a whole, not item by item
    results: list[ItemResult] = []
    rows: list[_Row] = []
    writers: dict[tuple, _Writer | DomainError] = {}
    for index, raw in enumerate(items):
        result = ItemResult(index=index, type=raw.get("type") if isinstance(raw, dict) else None, status="rejected")
        results.append(result)
        try:
            kind, data = _parse_item(raw)
            result.client_id = data["client_id"]
            wkey = (data["resident_id"], data["source"], data["device_serial"])
            if wkey not in writers:
                try:
                    writers[wkey] = _writer(session, actor, data["resident_id"], data["source"], data["device_serial"])
                except DomainError as exc:
                    writers[wkey] = exc
            writer = writers[wkey]
            if isinstance(writer, DomainError):
                raise writer
            fields_ = {k: v for k, v in data.items() if k not in ("resident_id", "source")}
            row = _bp_row(writer, now=now, **fields_) if kind == "bp" else _glucose_row(writer, now=now, **fields_)
            row.index = index
            result.client_id = row.values["client_id"]
            rows.append(row)
        except _ItemError as exc:
            result.code, result.detail = "reading.invalid", "字段有误 / invalid fields"
            result.errors = {k: [v] for k, v in exc.errors.items()}
        except DomainError as exc:
            result.code, result.detail = exc.code, exc.detail
            result.errors = exc.errors
    # The same key twice in one batch: the first is stored, the rest answer "duplicate".
    first: dict[tuple, _Row] = {}
    later: list[_Row] = []
    for row in rows:
        if row.key in first:
            later.append(row)
        else:
            first[row.key] = row
    unique = list(first.values())
    created, existing = _store(session, unique)
    accepted: dict[tuple[int, str], list[Any]] = defaultdict(list)
    for row in unique:
        result = results[row.index]
        reading = created.get(row.key)
        if reading is not None:
            result.status, result.reading_id = "accepted", reading.id
            accepted[(reading.resident_id, row.type)].append((row, reading))
            continue
        reading = existing[row.key]
        if _same(row.type, reading, row.values):
            result.status, result.reading_id = "duplicate", reading.id
        else:
            conflict = _conflict()
            result.code, result.detail = conflict.code, conflict.detail
    for row in later:
        result, original = results[row.index], results[first[row.key].index]
        reading = created.get(row.key) or existing.get(row.key)
        if original.reading_id is not None and reading is not None and _same(row.type, reading, row.values):
            result.status, result.reading_id = "duplicate", original.reading_id
        else:
            conflict = _conflict()
            result.code, result.detail = conflict.code, conflict.detail
    for (resident_id, kind), pairs in accepted.items():
        ctx = _Context(session, resident_id, kind, [reading for _, reading in pairs])
        for row, reading in sorted(pairs, key=lambda p: p[1].id):
            outcome = _outcome(session, kind, reading, ctx, duplicate=False, now=now)
            result = results[row.index]
            result.advice, result.needs_repeat, result.findings = outcome.advice, outcome.needs_repeat, outcome.findings
    session.flush()
    return results


# --- charts -------------------------------------------------------------------------------------------------------
@dataclass
class BpChart:
    """Readings in a time range with the server's HBPM view: sessions and 7-day windows (newest first)."""
    resident_id: int
    start: datetime
    end: datetime
    target: BpTarget
    readings: list[BpReading]
    sessions: list[hbpm.Session]
    windows: list[hbpm.WindowSummary]


@dataclass
class GlucoseWindow:
    start_date: Any
    end_date: Any
    fasting_mean: float | None
    n_fasting: int
    non_fasting_mean: float | None
    n_non_fasting: int
    n_hypo: int


@dataclass
class GlucoseChart:
    resident_id: int
    start: datetime
    end: datetime
    fasting_target: tuple[float, float]
    readings: list[GlucoseReading]
    windows: list[GlucoseWindow]


def _range(start: datetime | None, end: datetime | None, now: datetime) -> tuple[datetime, datetime]:
    end = end or now
    start = start or end - timedelta(days=30)
    if start >= end:
        raise RuleViolation("reading.range", "开始时间应早于结束时间 / start must be before end",
                            errors={"start": ["应早于结束时间"]})
    if end - start > timedelta(days=MAX_CHART_DAYS):
        raise RuleViolation("reading.range", f"最多查询{MAX_CHART_DAYS}天 / at most {MAX_CHART_DAYS} days",
                            errors={"start": [f"最多{MAX_CHART_DAYS}天"]})
    return start, end


def _window_ends(start: datetime, end: datetime) -> list[datetime]:
    """Ends of consecutive 7-day local-calendar windows, from the one ending at `end` back over `start`."""
    ends, moment = [], end
    while True:
        ends.append(moment)
        first_day = local_date(moment) - timedelta(days=HBPM_WINDOW_DAYS - 1)
        if first_day <= local_date(start):
            return ends
        moment = datetime.combine(first_day, datetime.min.time(), LOCAL_TZ) - timedelta(microseconds=1)


def bp_chart(session: Session, actor: Actor, resident_id: int, *, start: datetime | None = None,
             end: datetime | None = None, now: datetime | None = None) -> BpChart:
    """Raw readings, HBPM sessions and 7-day means for a chart, all computed by the server."""
    resident = get_resident(session, actor, resident_id)
    start, end = _range(start, end, now or end or datetime.now(LOCAL_TZ))
    # Windows look back 7 days before their own start to recognise day 1 of a block (ml.hbpm).
    lookback = start - timedelta(days=2 * HBPM_WINDOW_DAYS + 1)
    rows = list(session.scalars(select(BpReading).where(BpReading.resident_id == resident.id,
                                                        BpReading.measured_at.between(lookback, end))
                                .order_by(BpReading.measured_at, BpReading.id)))
    points = [hbpm.BpPoint(r.measured_at, r.systolic, r.diastolic, r.pulse) for r in rows]
    in_range = [r for r in rows if r.measured_at >= start]
    target = bp_target(resident, local_date(end))
    sessions = hbpm.sessions(p for p in points if p.measured_at >= start)
    windows = []
    for window_end in _window_ends(start, end):
        lo = window_end - timedelta(days=2 * HBPM_WINDOW_DAYS + 1)
        windows.append(hbpm.window_summary([p for p in points if lo <= p.measured_at <= window_end],
                                           end=window_end, target=target))
    return BpChart(resident.id, start, end, target, in_range, sessions, windows)


def glucose_chart(session: Session, actor: Actor, resident_id: int, *, start: datetime | None = None,
                  end: datetime | None = None, now: datetime | None = None) -> GlucoseChart:
    """Raw glucose readings and 7-day fasting / non-fasting means."""
    resident = get_resident(session, actor, resident_id)
    start, end = _range(start, end, now or end or datetime.now(LOCAL_TZ))
    rows = list(session.scalars(select(GlucoseReading).where(GlucoseReading.resident_id == resident.id,
                                                             GlucoseReading.measured_at.between(start, end))
                                .order_by(GlucoseReading.measured_at, GlucoseReading.id)))
    windows = []
    for window_end in _window_ends(start, end):
        first_day = local_date(window_end) - timedelta(days=HBPM_WINDOW_DAYS - 1)
        lo = datetime.combine(first_day, datetime.min.time(), LOCAL_TZ)
        inside = [r for r in rows if lo <= r.measured_at <= window_end and r.value_mmol is not None]
        fasting = [r.value_mmol for r in inside if r.context == GlucoseContext.fasting]
        other = [r.value_mmol for r in inside if r.context != GlucoseContext.fasting]
        hypo = rules.hypo_episodes(rules.GlucoseObs(r.measured_at, r.value_mmol, r.meter_flag)
                                   for r in rows if lo <= r.measured_at <= window_end)
        windows.append(GlucoseWindow(first_day, local_date(window_end), _mean(fasting), len(fasting), _mean(other),
                                     len(other), hypo))
    return GlucoseChart(resident.id, start, end, FASTING_TARGET, rows, windows)


def _mean(values: Iterable[float]) -> float | None:
    items = list(values)
    return round(sum(items) / len(items), 1) if items else None

