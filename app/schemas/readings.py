"""Home readings: BP and glucose in, outcomes (advice, rules fired), batch results and chart data out.

Types and lengths are checked here; plausibility (ml.clinical ranges) and measurement time are
checked by the service, so a batch item and a single post get the same field messages.
"""
import re

from marshmallow import Schema, fields, validate

from app.services import rules
from app.services.clock import LOCAL_TZ
from models.readings import GlucoseContext, ReadingSource

# What a valid reading is made of, written once: the readings service checks its own callers against these too.
MAX_BATCH = 1000
MAX_CHART_DAYS = 366
UNITS = ("mmol/L", "mg/dL")
METER_FLAGS = (rules.METER_HI, rules.METER_LO)
ARMS = ("left", "right")
POSITIONS = ("sitting", "standing", "lying")
SOURCES = tuple(s.value for s in ReadingSource)
CONTEXTS = tuple(c.value for c in GlucoseContext)
CLIENT_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,64}$")


class WholeNumber(fields.Integer):
    """An integer that refuses a fractional number (120.5 is not silently read as 120)."""

    def _validated(self, value):
        if isinstance(value, float) and not value.is_integer():
            raise self.make_error("invalid", input=value)
        return super()._validated(value)


def _when(**kw):
    # A time without an offset is Asia/Shanghai local time, as meters and residents in China write it.
    return fields.AwareDateTime(default_timezone=LOCAL_TZ, **kw)


class _ReadingCreateSchema(Schema):
    resident_id = fields.Int(load_default=None, validate=validate.Range(min=1, max=2 ** 63 - 1),
                             metadata={"description": "omit when the resident or a device posts"})
    measured_at = _when(required=True)
    client_id = fields.Str(load_default=None, validate=validate.Regexp(CLIENT_ID),
                           metadata={"description": "UUID for idempotency; the Idempotency-Key header also works"})
    source = fields.Str(load_default=None, validate=validate.OneOf(SOURCES))
    device_serial = fields.Str(load_default=None, validate=validate.Length(max=64))
    symptoms = fields.Str(load_default=None, validate=validate.Length(max=500),
                          metadata={"description": "what the resident feels, in their words (e.g. 头痛、头晕)"})
    confirm = fields.Bool(load_default=False, metadata={
        "description": "store a value that looks mistyped (problem reading.likely_typo) as typed; it then feeds "
                       "no rule and no trend"})


class BpCreateSchema(_ReadingCreateSchema):
    systolic = WholeNumber(required=True, metadata={"description": "mmHg, 50-300"})
    diastolic = WholeNumber(required=True, metadata={"description": "mmHg, 30-200, below systolic"})
    pulse = WholeNumber(load_default=None, metadata={"description": "beats/min, 25-250"})
    arm = fields.Str(load_default=None, validate=validate.OneOf(ARMS))
    position = fields.Str(load_default=None, validate=validate.OneOf(POSITIONS))


class GlucoseCreateSchema(_ReadingCreateSchema):
    value = fields.Float(load_default=None, allow_none=True,
                         metadata={"description": "in `unit`; stored as mmol/L with one decimal (mg/dL ÷ 18.0)"})
    unit = fields.Str(load_default="mmol/L", validate=validate.OneOf(UNITS))
    context = fields.Str(required=True, validate=validate.OneOf(CONTEXTS))
    meter_flag = fields.Str(load_default=None, validate=validate.OneOf(METER_FLAGS),
                            metadata={"description": "HI / LO when the meter shows no number (value left empty)"})


# A batch item is {type: bp|glucose, …the single-post fields}, loaded by that type's schema.
BATCH_ITEM_SCHEMAS = {"bp": BpCreateSchema(), "glucose": GlucoseCreateSchema()}


class BatchCreateSchema(Schema):
    # Items are loaded one by one by the service (BATCH_ITEM_SCHEMAS), so a malformed item is rejected alone.
    items = fields.List(fields.Raw(allow_none=True), required=True, validate=validate.Length(min=1, max=MAX_BATCH),
                        metadata={"description": "each item: {type: bp|glucose, …the single-post fields}"})


class BpReadingSchema(Schema):
    id = fields.Int()
    resident_id = fields.Int()
    client_id = fields.Str()
    measured_at = fields.DateTime()
    systolic = fields.Int()
    diastolic = fields.Int()
    pulse = fields.Int(allow_none=True)
    arm = fields.Str(allow_none=True)
    position = fields.Str(allow_none=True)
    source = fields.Function(lambda r: r.source.value)
    device_serial = fields.Str(allow_none=True)
    entered_by_staff_id = fields.Int(allow_none=True)
    symptoms = fields.Str(allow_none=True)
    received_at = fields.DateTime()


class GlucoseReadingSchema(Schema):
    id = fields.Int()
    resident_id = fields.Int()
    client_id = fields.Str()
    measured_at = fields.DateTime()
    value_mmol = fields.Float(allow_none=True)
    meter_flag = fields.Str(allow_none=True)
    context = fields.Function(lambda r: r.context.value)
    original_value = fields.Float(allow_none=True)
    original_unit = fields.Str()
    source = fields.Function(lambda r: r.source.value)
    device_serial = fields.Str(allow_none=True)
    entered_by_staff_id = fields.Int(allow_none=True)
    symptoms = fields.Str(allow_none=True)
    received_at = fields.DateTime()


def _marked(base):
    # On a chart the reading's mark is current; an ingest answer gives the episode's state in `confirmation`
    # instead (so that a retry answers exactly what the original did).
    return type(f"Chart{base.__name__}", (base,), {"confirmation": fields.Str(allow_none=True, metadata={
        "description": "null (ordinary), awaiting, confirmed, not_confirmed or as_typed (a likely typo kept as "
                       "typed); the trend features use null and confirmed only"})})


ChartBpReadingSchema = _marked(BpReadingSchema)
ChartGlucoseReadingSchema = _marked(GlucoseReadingSchema)


class FindingSchema(Schema):
    rule = fields.Str(attribute="code")
    alert_kind = fields.Str(attribute="kind", allow_none=True)
    severity = fields.Str(allow_none=True)
    needs_repeat = fields.Bool()


class ConfirmationSchema(Schema):
    state = fields.Str(metadata={"description": "awaiting_confirmation / confirmed / dismissed_by_normal_repeat / "
                                                "unconfirmed"})
    role = fields.Str(metadata={"description": "index (this is the dangerous reading) or repeat"})
    reading_id = fields.Int(metadata={"description": "the dangerous reading"})
    reason = fields.Str(allow_none=True, metadata={"description": "repeat / red_flag when confirmed"})
    confirmed_at = fields.Str(allow_none=True)
    remeasure_in_minutes = fields.Int(allow_none=True, metadata={
        "description": "set while waiting: sit quietly and measure again after this many minutes"})


class _OutcomeSchema(Schema):
    type = fields.Str()
    advice = fields.Str(metadata={"description": "plain Chinese advice for the resident"})
    needs_repeat = fields.Bool(metadata={"description": "a dangerous value not yet confirmed: rest 5 min and "
                                                        "measure again; no alert until a repeat agrees"})
    findings = fields.List(fields.Nested(FindingSchema))
    confirmation = fields.Nested(ConfirmationSchema, allow_none=True, metadata={
        "description": "the dangerous episode this reading belongs to (confirmation before critical), else null"})


class BpOutcomeSchema(_OutcomeSchema):
    reading = fields.Nested(BpReadingSchema)


class GlucoseOutcomeSchema(_OutcomeSchema):
    reading = fields.Nested(GlucoseReadingSchema)


class ItemResultSchema(Schema):
    index = fields.Int()
    type = fields.Str(allow_none=True)
    status = fields.Str(metadata={"description": "accepted / duplicate / rejected"})
    client_id = fields.Str(allow_none=True)
    reading_id = fields.Int(allow_none=True)
    code = fields.Str(allow_none=True)
    detail = fields.Str(allow_none=True)
    errors = fields.Dict(allow_none=True)
    advice = fields.Str(allow_none=True)
    needs_repeat = fields.Bool()
    findings = fields.List(fields.Nested(FindingSchema))
    suggestion = fields.Dict(allow_none=True, metadata={"description": "reading.likely_typo: the probable value"})
    confirmation = fields.Nested(ConfirmationSchema, allow_none=True)


class BatchResultSchema(Schema):
    accepted = fields.Function(lambda o: sum(i.status == "accepted" for i in o["items"]))
    duplicate = fields.Function(lambda o: sum(i.status == "duplicate" for i in o["items"]))
    rejected = fields.Function(lambda o: sum(i.status == "rejected" for i in o["items"]))
    items = fields.List(fields.Nested(ItemResultSchema), metadata={"description": "in the order sent"})


class ChartArgsSchema(Schema):
    start = _when(load_default=None, metadata={"description": "default: 30 days before end; before end, at most "
                                                              f"{MAX_CHART_DAYS} days before it"})
    end = _when(load_default=None, metadata={"description": "default: now"})


def _r1(value):
    return None if value is None else round(value, 1)


class TargetSchema(Schema):
    systolic = fields.Int()
    diastolic = fields.Int()


class SessionSchema(Schema):
    start = fields.DateTime()
    end = fields.DateTime()
    local_date = fields.Date()
    period = fields.Str(metadata={"description": "morning 04-12h / evening 18-24h / other (local time)"})
    systolic = fields.Function(lambda s: _r1(s.systolic))
    diastolic = fields.Function(lambda s: _r1(s.diastolic))
    pulse = fields.Function(lambda s: _r1(s.pulse))
    n_readings = fields.Int()


class WindowSchema(Schema):
    start_date = fields.Date()
    end_date = fields.Date()
    status = fields.Str(metadata={"description": "controlled / uncontrolled / insufficient (<3 days or <6 sessions)"})
    systolic = fields.Function(lambda w: _r1(w.systolic))
    diastolic = fields.Function(lambda w: _r1(w.diastolic))
    morning_systolic = fields.Function(lambda w: _r1(w.morning_systolic))
    morning_diastolic = fields.Function(lambda w: _r1(w.morning_diastolic))
    evening_systolic = fields.Function(lambda w: _r1(w.evening_systolic))
    evening_diastolic = fields.Function(lambda w: _r1(w.evening_diastolic))
    n_sessions = fields.Int()
    n_days = fields.Int()
    n_readings = fields.Int()
    days_above_target = fields.Int()
    dropped_date = fields.Date(allow_none=True, metadata={"description": "day 1 of a monitoring block, not counted"})


class BpChartSchema(Schema):
    resident_id = fields.Int()
    start = fields.DateTime()
    end = fields.DateTime()
    target = fields.Nested(TargetSchema)
    readings = fields.List(fields.Nested(ChartBpReadingSchema))
    sessions = fields.List(fields.Nested(SessionSchema))
    windows = fields.List(fields.Nested(WindowSchema),
                          metadata={"description": "consecutive 7-day HBPM windows, the one ending at `end` first"})


class GlucoseWindowSchema(Schema):
    start_date = fields.Date()
    end_date = fields.Date()
    fasting_mean = fields.Float(allow_none=True)
    n_fasting = fields.Int()
    non_fasting_mean = fields.Float(allow_none=True)
    n_non_fasting = fields.Int()
    n_hypo = fields.Int(metadata={"description": "hypoglycaemia episodes (<3.9 mmol/L)"})


class GlucoseChartSchema(Schema):
    resident_id = fields.Int()
    start = fields.DateTime()
    end = fields.DateTime()
    fasting_target = fields.List(fields.Float())
    readings = fields.List(fields.Nested(ChartGlucoseReadingSchema))
    windows = fields.List(fields.Nested(GlucoseWindowSchema))


class DeviceKeyCreateSchema(Schema):
    device_serial = fields.Str(required=True, validate=validate.Length(min=1, max=64))


class DeviceKeySchema(Schema):
    id = fields.Int()
    resident_id = fields.Int()
    device_serial = fields.Str()
    created_at = fields.DateTime()
    created_by_staff_id = fields.Int(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)


class IssuedKeySchema(Schema):
    key = fields.Str(metadata={"description": "shown once: send it as the X-Device-Key header"})
    device = fields.Nested(DeviceKeySchema)
