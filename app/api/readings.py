"""Home readings: BP and glucose (single and batch, idempotent), charts, device keys.

Posted by the resident (own), a team member (doctor-entered, for their residents) or a device gateway
(`X-Device-Key` header, bound to one resident). A client id in the body or the `Idempotency-Key`
header makes a retry answer 200 with the original body (201 the first time).
"""
from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from app.api.common import committed, rules
from app.auth import allow, current_actor
from app.extensions import db, limiter
from app.schemas.readings import (BatchCreateSchema, BatchResultSchema, BpChartSchema, BpCreateSchema,
                                  BpOutcomeSchema, ChartArgsSchema, DeviceKeyCreateSchema, DeviceKeySchema,
                                  GlucoseChartSchema, GlucoseCreateSchema, GlucoseOutcomeSchema, IssuedKeySchema)
from app.services import devices, readings
from models.base import utcnow

blp = Blueprint("readings", __name__, description="居家监测 / home readings")

# What a reading's schema cannot state: the clock, the caller's role, the likely-typo dialogue (docs/design.md).
POST_RULES = rules({
    "reading.invalid": "measured_at not over a year ago nor in the future; values outside the plausible ranges "
                       "(ml.clinical: systolic 50-300, diastolic 30-200 and below systolic, pulse 25-250 beats/min, "
                       "glucose 1.0-35.0 mmol/L) unless they look mistyped and confirm=true; glucose: value or "
                       "meter_flag, not both",
    "reading.likely_typo": "a value that looks mistyped: resend the intended value, or the same with confirm=true",
    "reading.resident": "team staff name the resident (resident_id)",
    "reading.source": "a resident posts as app or wechat: doctor is for team staff, device for device keys",
})
CHART_RULES = rules({"reading.range": "start before end, at most MAX_CHART_DAYS (366) days apart"})

WRITERS = ("resident", "village_doctor", "township_doctor", "county_doctor", devices.DEVICE_ROLE)
TEAM = ("village_doctor", "township_doctor", "county_doctor")
# One budget per actor for all reading posts (RATELIMIT_READINGS, default 120 per minute; a batch counts once).
readings_limit = limiter.shared_limit(lambda: current_app.config["RATELIMIT_READINGS"], scope="readings")


def _idempotent(data: dict) -> dict:
    data["client_id"] = data.get("client_id") or request.headers.get("Idempotency-Key") or None
    return data


def _answer(outcome):
    """201 for a new reading; 200 with the original body for a retry."""
    if outcome.duplicate:
        return outcome, 200, {"Idempotent-Replayed": "true"}
    return outcome, 201


@blp.post("/bp")
@readings_limit
@allow(*WRITERS)
@blp.arguments(BpCreateSchema)
@blp.doc(**POST_RULES)
@blp.response(201, BpOutcomeSchema)
@blp.alt_response(200, schema=BpOutcomeSchema, description="a retry: the original result")
def post_bp(data):
    """Record a home BP reading; the answer carries advice (a repeat for a single high value)."""
    return _answer(committed(readings.record_bp(db.session, actor=current_actor(), now=utcnow(), **_idempotent(data))))


@blp.post("/glucose")
@readings_limit
@allow(*WRITERS)
@blp.arguments(GlucoseCreateSchema)
@blp.doc(**POST_RULES)
@blp.response(201, GlucoseOutcomeSchema)
@blp.alt_response(200, schema=GlucoseOutcomeSchema, description="a retry: the original result")
def post_glucose(data):
    """Record a glucose reading (mmol/L or mg/dL, HI/LO meter flags)."""
    return _answer(committed(readings.record_glucose(db.session, actor=current_actor(), now=utcnow(),
                                                     **_idempotent(data))))


@blp.post("/batch")
@readings_limit
@allow(*WRITERS)
@blp.arguments(BatchCreateSchema)
@blp.response(200, BatchResultSchema)
def post_batch(data):
    """Up to 1,000 readings; each answers accepted / duplicate / rejected with its reason."""
    results = committed(readings.record_batch(db.session, actor=current_actor(), items=data["items"], now=utcnow()))
    return {"items": results}


@blp.get("/residents/<int:resident_id>/bp")
@blp.arguments(ChartArgsSchema, location="query")
@blp.response(200, BpChartSchema)
@blp.doc(**CHART_RULES)
def bp_chart(args, resident_id):
    """BP readings in a time range with HBPM sessions and 7-day means computed by the server."""
    return readings.bp_chart(db.session, current_actor(), resident_id, now=utcnow(), **args)


@blp.get("/residents/<int:resident_id>/glucose")
@blp.arguments(ChartArgsSchema, location="query")
@blp.response(200, GlucoseChartSchema)
@blp.doc(**CHART_RULES)
def glucose_chart(args, resident_id):
    """Glucose readings in a time range with 7-day fasting and non-fasting means."""
    return readings.glucose_chart(db.session, current_actor(), resident_id, now=utcnow(), **args)


@blp.route("/residents/<int:resident_id>/device-keys")
class DeviceKeys(MethodView):
    @allow(*TEAM)
    @blp.response(200, DeviceKeySchema(many=True))
    def get(self, resident_id):
        """The resident's device keys (never the keys themselves)."""
        return devices.list_keys(db.session, current_actor(), resident_id)

    @allow(*TEAM)
    @blp.arguments(DeviceKeyCreateSchema)
    @blp.response(201, IssuedKeySchema)
    def post(self, data, resident_id):
        """Issue a key for the resident's meter; it is shown once, only its SHA-256 is kept."""
        return committed(devices.issue_key(db.session, actor=current_actor(), resident_id=resident_id, now=utcnow(),
                                           **data))


@blp.post("/device-keys/<int:key_id>/revoke")
@allow(*TEAM)
@blp.response(200, DeviceKeySchema)
def revoke_key(key_id):
    """Revoke a device key; its earlier readings stay."""
    return committed(devices.revoke_key(db.session, actor=current_actor(), key_id=key_id, now=utcnow()))
