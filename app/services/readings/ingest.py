"""Ingest: who may post a reading, validation, storage and idempotency; the single-reading use cases.

Each reading is idempotent by a client id (UUID or Idempotency-Key): the unique (resident_id,
client_id) and INSERT … ON CONFLICT DO NOTHING make a retry, concurrent ones included, return the
original row without an exception or a savepoint. What the rules make of a stored reading is
app.services.readings.alerting.
"""
from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, NamedTuple

from sqlalchemy import DateTime, bindparam, exists, func, select, true, tuple_, type_coerce
from sqlalchemy.orm import Session

from app.errors import Conflict, Forbidden, NotFound, RuleViolation
from app.schemas.readings import ARMS, CLIENT_ID, CONTEXTS, METER_FLAGS, POSITIONS, UNITS
from app.services import devices, dialects
from app.services.actors import Actor
from app.services.readings import alerting
from app.services.readings.alerting import ReadingOutcome
from app.services.residents import ResidentCard, active_consent
from app.services.scopes import get_resident
from ml import measurement
from ml.clinical import bp_is_acute, bp_problems, glucose_problems, mgdl_to_mmol
from models.confirmations import ReadingCheck
from models.readings import BpReading, GlucoseContext, GlucoseReading, ReadingSource
from models.residents import Consent, Resident

# measured_at more than 5 min ahead (clock skew allowance) or over a year old is refused: a meter clock is
# seldom runs minutes fast, and a reading over a year old says nothing about today.
FUTURE_SKEW = timedelta(minutes=5)
MAX_AGE = timedelta(days=365)
_INSERT_CHUNK = 500


@dataclass(frozen=True)
class Writer:
    resident: Any  # a Resident, or a row with its id, consortium_id and anonymised_at
    source: ReadingSource
    staff_id: int | None
    device_serial: str | None


@dataclass
class Row:
    """A validated reading ready to insert."""
    type: str
    values: dict[str, Any]
    writer: Writer
    index: int = 0

    @property
    def key(self) -> tuple[str, int, str]:
        return self.type, self.values["resident_id"], self.values["client_id"]



# --- who may post ------------------------------------------------------------------------------------------
def _resident(session: Session, resident_id: int, known: ResidentCard | None = None) -> tuple[Any, bool]:
    """(id, consortium_id, anonymised_at) of the resident and whether an active consent exists, in one query
    (none when the caller hands down that resident's card)."""
    if known is not None and known.id == resident_id:
        return known, known.has_consent()
    active = exists().where(Consent.resident_id == Resident.id, Consent.withdrawn_at.is_(None)).label("consented")
    row = session.execute(select(Resident.id, Resident.consortium_id, Resident.anonymised_at, active)
                          .where(Resident.id == resident_id)).first()
    return (row, bool(row.consented)) if row is not None else (None, False)


def require_poster(actor: Actor) -> None:
    if not (actor.kind == "device" or actor.is_resident or actor.is_team_staff or actor.is_system):
        raise Forbidden("reading.role", "管理员和专科医生不能上传居民测量值 / admins and specialists may not post readings")


def writer_for(session: Session, actor: Actor, resident_id: int | None, source: str | None,
               device_serial: str | None, known: ResidentCard | None = None) -> Writer:
    """Acting on behalf: the resident (own), their team (doctor-entered) or the resident's device key.
    `known`: the resident as the caller already loaded them in this transaction (the bot), not loaded again."""
    require_poster(actor)
    if actor.kind == "device":
        device = devices.device_of(session, actor)
        if resident_id is not None and resident_id != device.resident_id:
            raise Forbidden("reading.device_resident", "该设备只能上传绑定居民的数据 / this device posts for its resident only")
        resident, consented = _resident(session, device.resident_id)
        writer = Writer(resident, ReadingSource.device, None, device.device_serial)
    elif actor.is_resident:
        if resident_id is not None and resident_id != actor.id:
            raise NotFound("resident.not_found", "没有找到这位居民 / resident not found")
        if source == ReadingSource.doctor.value:
            raise RuleViolation("reading.source", "来源不能是医生录入 / residents cannot post doctor-entered readings",
                                errors={"source": ["居民不能选择医生录入"]})
        if source == ReadingSource.device.value:  # a device reading is one its device key posted, nothing else
            raise RuleViolation("reading.source", "设备数据只能由绑定的设备上传 / source device needs a device key",
                                errors={"source": ["设备数据只能由绑定的设备上传"]})
        resident, consented = _resident(session, actor.id, known)
        writer = Writer(resident, ReadingSource(source or ReadingSource.app.value), None, device_serial)
    elif actor.is_team_staff:
        if resident_id is None:
            raise RuleViolation("reading.resident", "请选择居民 / resident_id is required",
                                errors={"resident_id": ["请选择居民"]})
        resident = get_resident(session, actor, resident_id, audit_action="update")
        consented = active_consent(resident) is not None
        writer = Writer(resident, ReadingSource.doctor, actor.id, device_serial)
    else:  # the system (the WeChat bot, imports) within its consortium
        resident, consented = _resident(session, resident_id, known) if resident_id is not None else (None, False)
        if resident is None or resident.consortium_id != actor.consortium_id:
            raise NotFound("resident.not_found", "没有找到这位居民 / resident not found")
        writer = Writer(resident, ReadingSource(source or ReadingSource.wechat.value), None, device_serial)
    if writer.resident is None or writer.resident.anonymised_at is not None:
        raise NotFound("resident.not_found", "没有找到这位居民 / resident not found")
    # PIPL art. 29: health data is sensitive; nothing is processed before explicit consent (docs/design.md privacy).
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
    if not isinstance(client_id, str) or not CLIENT_ID.match(client_id):
        raise RuleViolation("reading.client_id", "client_id 格式不对 / client_id: 1-64 letters, digits or ._:-",
                            errors={"client_id": ["1-64位字母、数字或._:-"]})
    return client_id


def _reject(problems: dict[str, str]) -> None:
    if problems:
        raise RuleViolation("reading.invalid", "测量值不合理，请检查后重新输入 / implausible reading",
                            errors={k: [v] for k, v in problems.items()})


def _likely_typo(problems: dict[str, str], value_problems: dict[str, str],
                 suggestion: measurement.EntrySuggestion | None, confirm: bool) -> str | None:
    """A value that looks mistyped (swapped, an extra or a missing digit, another unit) is asked about, not
    stored: a problem with the suggestion; `confirm=true` stores it as typed, marked so that no rule and no
    trend ever uses it. Returns the reading's `confirmation` mark, or raises."""
    if not value_problems or suggestion is None or set(problems) - set(value_problems):
        _reject(problems)
        return None
    if confirm:
        return ReadingCheck.as_typed.value
    if isinstance(suggestion.value, tuple):
        offered = {"systolic": suggestion.value[0], "diastolic": suggestion.value[1]}
    else:
        offered = {"value_mmol": suggestion.value}
    raise RuleViolation("reading.likely_typo",
                        f"您是不是想输入 {suggestion.text}？/ this looks mistyped: send the intended value, or resend "
                        "with confirm=true to store it as typed",
                        errors={k: [v] for k, v in problems.items()},
                        suggestion={"kind": suggestion.kind, "text": suggestion.text, **offered})


def bp_row(writer: Writer, *, systolic: int, diastolic: int, measured_at: datetime, now: datetime,
            pulse: int | None, client_id: str | None, arm: str | None, position: str | None,
            device_serial: str | None, symptoms: str | None, confirm: bool = False) -> Row:
    values = bp_problems(systolic, diastolic, pulse)
    problems = {**_time_problems(measured_at, now), **values}
    if arm is not None and arm not in ARMS:
        problems["arm"] = "left 或 right / arm: left or right"
    if position is not None and position not in POSITIONS:
        problems["position"] = "sitting/standing/lying"
    mark = None
    if problems:
        suggestion = measurement.suggest_bp(systolic, diastolic) if values and "pulse" not in values else None
        mark = _likely_typo(problems, values, suggestion, confirm)
    return Row("bp", dict(confirmation=mark,
        consortium_id=writer.resident.consortium_id, resident_id=writer.resident.id, client_id=_client_id(client_id),
        measured_at=measured_at, systolic=systolic, diastolic=diastolic, pulse=pulse, arm=arm, position=position,
        source=writer.source, device_serial=writer.device_serial or device_serial,
        entered_by_staff_id=writer.staff_id, symptoms=_clean(symptoms), received_at=now), writer)


def glucose_row(writer: Writer, *, value: float | None, unit: str, context: str, measured_at: datetime,
                 now: datetime, client_id: str | None, meter_flag: str | None, device_serial: str | None,
                 symptoms: str | None, confirm: bool = False) -> Row:
    problems = _time_problems(measured_at, now)
    if unit not in UNITS:
        problems["unit"] = "mmol/L 或 mg/dL / unit: mmol/L or mg/dL"
    if context not in CONTEXTS:
        problems["context"] = "fasting/postprandial/random/bedtime"
    if meter_flag is not None and meter_flag not in METER_FLAGS:
        problems["meter_flag"] = "HI 或 LO / meter_flag: HI or LO"
    value_mmol = None
    values: dict[str, str] = {}
    if meter_flag is not None and value is not None:
        # HI / LO is what a meter shows when it has no number: a number beside it contradicts it (a LO with
        # 25.0 would page a hypoglycaemia alert for a high reading), so neither is believed.
        problems["meter_flag"] = "HI/LO 表示仪器没有显示数值，请只填一项 / send value or meter_flag, not both"
    if meter_flag is None:
        if value is None:
            problems["value"] = "请填写血糖值 / value is required"
        elif "unit" not in problems:
            # Stored in mmol/L with one decimal (1 mmol/L = 18.0 mg/dL; ml.clinical).
            value_mmol = mgdl_to_mmol(value) if unit == "mg/dL" else round(float(value), 1)
            values = glucose_problems(value_mmol)
            problems.update(values)
    mark = None
    if problems:
        suggestion = measurement.suggest_glucose(float(value), unit=unit) if values else None
        mark = _likely_typo(problems, values, suggestion, confirm)
    return Row("glucose", dict(confirmation=mark,
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


@functools.cache
def _insert_statement(dialect: str, kind: str) -> Any:
    table = MODELS[kind].__table__
    return (dialects.insert_for(dialect, table).on_conflict_do_nothing(index_elements=["resident_id", "client_id"])
            .returning(*table.c))


def _insert(session: Session, kind: str, rows: list[Row]) -> dict[tuple, Any]:
    """INSERT … ON CONFLICT (resident_id, client_id) DO NOTHING RETURNING: the rows this call created."""
    # One Core statement built once per process (rows, not ORM objects: nothing is changed after the insert);
    # many rows go as an executemany with RETURNING, which SQLAlchemy batches into multi-row VALUES.
    stmt = _insert_statement(session.get_bind().dialect.name, kind)
    created: dict[tuple, Any] = {}
    for reading in session.execute(stmt, rows[0].values if len(rows) == 1 else [r.values for r in rows]):
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


def same(kind: str, reading: Any, values: dict[str, Any]) -> bool:
    for name in SAME_FIELDS[kind]:
        stored, sent = getattr(reading, name), values[name]
        if isinstance(stored, float) and isinstance(sent, float):
            if abs(stored - sent) > 1e-6:
                return False
        elif stored != sent:
            return False
    return True


def conflict() -> Conflict:
    return Conflict("reading.idempotency_conflict",
                    "同一个 client_id 已用于另一条不同的测量值 / this client_id was used for a different reading")


def store(session: Session, rows: list[Row]) -> tuple[dict[tuple, Any], dict[tuple, Any]]:
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



# --- use cases -------------------------------------------------------------------------------------------------
def record_bp(session: Session, *, actor: Actor, resident_id: int | None, systolic: int, diastolic: int,
              measured_at: datetime, now: datetime, pulse: int | None = None, client_id: str | None = None,
              source: str | None, arm: str | None = None, position: str | None = None,
              device_serial: str | None = None, symptoms: str | None = None, confirm: bool = False,
              resident: ResidentCard | None = None, assessment: Any = None) -> ReadingOutcome:
    """Record one home BP reading and run the immediate rules; a retry returns the original (duplicate=True).

    A likely typo is refused with its suggestion (reading.likely_typo) unless `confirm`: then it is stored as typed.
    `resident` and `assessment`: what the caller already loaded and assessed for this message (not redone).
    """
    writer = writer_for(session, actor, resident_id, source, device_serial, resident)
    row = bp_row(writer, systolic=systolic, diastolic=diastolic, measured_at=measured_at, now=now, pulse=pulse,
                  client_id=client_id, arm=arm, position=position, device_serial=device_serial, symptoms=symptoms,
                  confirm=confirm)
    return _record_one(session, row, now, assessment)


def record_glucose(session: Session, *, actor: Actor, resident_id: int | None, value: float | None,
                   unit: str = "mmol/L", context: str, measured_at: datetime, now: datetime,
                   client_id: str | None = None, source: str | None, meter_flag: str | None = None,
                   device_serial: str | None = None, symptoms: str | None = None,
                   confirm: bool = False, resident: ResidentCard | None = None,
                   assessment: Any = None) -> ReadingOutcome:
    """Record one glucose reading (mg/dL converted to mmol/L, one decimal) and run the immediate rules."""
    writer = writer_for(session, actor, resident_id, source, device_serial, resident)
    row = glucose_row(writer, value=value, unit=unit, context=context, measured_at=measured_at, now=now,
                       client_id=client_id, meter_flag=meter_flag, device_serial=device_serial, symptoms=symptoms,
                       confirm=confirm)
    return _record_one(session, row, now, assessment)


class _Near(NamedTuple):
    id: int
    measured_at: datetime
    systolic: int
    diastolic: int


@functools.cache
def _insert_bp_and_near_statement(names: tuple[str, ...]) -> Any:
    """PostgreSQL, one BP reading: its INSERT … ON CONFLICT DO NOTHING RETURNING and the read of the usable readings
    around it (alerting.BP_NEAR, aggregated into arrays) in one statement, a data-modifying CTE. The read does not
    see the new row (one snapshot), which the rules leave out anyway (they look at readings stored before it).
    A Core statement on the tables (run on the session's connection); the times around come back as plain
    timestamptz arrays, made UTC by `_insert_bp_and_near`."""
    from sqlalchemy.dialects.postgresql import ARRAY, insert as pg_insert

    table = BpReading.__table__
    new = (pg_insert(table).values({name: bindparam(name, type_=table.c[name].type) for name in names})
           .on_conflict_do_nothing(index_elements=["resident_id", "client_id"]).returning(*table.c).cte("new"))
    near = alerting.BP_NEAR.subquery("near")
    types = {name: near.c[name].type for name in _Near._fields} | {"measured_at": DateTime(timezone=True)}
    around = select(*(type_coerce(func.array_agg(near.c[name]), ARRAY(types[name])).label(f"near_{name}")
                      for name in _Near._fields)).subquery("around")
    return select(new, around).select_from(new.join(around, true()))


def _insert_bp_and_near(session: Session, row: Row) -> tuple[Any, list[_Near]] | None:
    """(the new reading, the readings around it), or None when the reading was there already (a retry)."""
    values = row.values
    at = values["measured_at"]
    statement = _insert_bp_and_near_statement(tuple(values))
    params = {**values, "lo": at - alerting.NEAR, "hi": at + alerting.NEAR,
              "acute": bp_is_acute(values["systolic"], values["diastolic"])}  # alerting.BP_NEAR
    inserted = dialects.rows(session, statement, params)
    if not inserted:
        return None
    found = inserted[0]
    if not found.near_id:
        return found, []
    utc = timezone.utc
    times = [t.astimezone(utc) for t in found.near_measured_at]
    return found, [_Near(*values) for values in zip(found.near_id, times, found.near_systolic, found.near_diastolic)]


def _record_one(session: Session, row: Row, now: datetime, assessment: Any = None) -> ReadingOutcome:
    if row.type == "bp" and dialects.is_postgresql(session):
        inserted = _insert_bp_and_near(session, row)
        if inserted is not None:
            reading, near = inserted
            ctx = alerting.Context(session, reading.resident_id, "bp", [reading], bp_near=near)
            result = alerting.outcome(session, "bp", reading, ctx, duplicate=False, now=now, assessment=assessment)
            session.flush()
            return result
        created, existing = {}, _existing(session, "bp", [row.key])
    else:
        created, existing = store(session, [row])
    reading = created.get(row.key)
    duplicate = reading is None
    if duplicate:
        reading = existing[row.key]
        if not same(row.type, reading, row.values):
            raise conflict()
    ctx = alerting.Context(session, reading.resident_id, row.type, [reading])
    result = alerting.outcome(session, row.type, reading, ctx, duplicate=duplicate, now=now, assessment=assessment)
    session.flush()
    return result

