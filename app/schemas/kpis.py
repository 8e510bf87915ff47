"""KPIs (绩效指标): query arguments and the report shape (definitions: docs/kpis.md and the endpoint doc)."""
from marshmallow import Schema, fields, validate

from app.services.kpis import LEVELS, MAX_PERIOD_DAYS


class KpiArgsSchema(Schema):
    start = fields.Date(required=True, metadata={"description": "first day of the period (local date)"})
    end = fields.Date(required=True, metadata={"description": "last day of the period, inclusive; the 'as of' day; "
                                                             f"not before start, at most {MAX_PERIOD_DAYS} days"})
    level = fields.Str(load_default="consortium", validate=validate.OneOf(LEVELS))
    unit_id = fields.Int(load_default=None, allow_none=True,
                         metadata={"description": "one team / township institution / consortium id"})
    idle_months = fields.Int(load_default=3, validate=validate.Range(min=1, max=12), metadata={
        "description": "只签不约: no delivered service in this many months up to `end` (default 3)"})


def _rate(**kw):
    return fields.Float(allow_none=True, metadata={"description": "0..1, null when the denominator is 0"}, **kw)


class GroupSchema(Schema):
    registered = fields.Int()
    contracted = fields.Int()
    coverage = _rate()


class PriorityGroupsSchema(Schema):
    age_65_plus = fields.Nested(GroupSchema)
    hypertension = fields.Nested(GroupSchema)
    diabetes = fields.Nested(GroupSchema)


class StandardManagementSchema(Schema):
    required_face_to_face = fields.Int()
    standard = fields.Int()
    rate = _rate()


class ControlSchema(Schema):
    managed = fields.Int()
    controlled = fields.Int()
    no_value = fields.Int()
    rate = _rate()


class ShareSchema(Schema):
    count = fields.Int()
    share = _rate()


class AckSchema(Schema):
    opened = fields.Int()
    acknowledged = fields.Int()
    unacknowledged = fields.Int()
    p50_minutes = fields.Float(allow_none=True)
    p90_minutes = fields.Float(allow_none=True)


class AckBySeveritySchema(Schema):
    critical = fields.Nested(AckSchema)
    high = fields.Nested(AckSchema)
    moderate = fields.Nested(AckSchema)
    low = fields.Nested(AckSchema)


class ReferralKpiSchema(Schema):
    requested = fields.Int()
    completed = fields.Int()
    turnaround_hours_p50 = fields.Float(allow_none=True)
    turnaround_hours_p90 = fields.Float(allow_none=True)


class DangerousReadingsSchema(Schema):
    total = fields.Int(metadata={"description": "home values >=180/110, glucose <3.0 or >=16.7 (HI/LO) measured in the period"})
    confirmed = fields.Int(metadata={"description": "confirmed by an agreeing repeat or a red-flag symptom (alerted)"})
    awaiting_confirmation = fields.Int()
    dismissed_by_normal_repeat = fields.Int()
    unconfirmed = fields.Int(metadata={"description": "no repeat in time: the village doctor was asked to call"})
    entries_as_typed = fields.Int(metadata={"description": "likely typos stored as typed (confirm=true)"})


class FulfilmentSchema(Schema):
    contracts = fields.Int(metadata={"description": "contracts in force with something expected by `end`"})
    expected = fields.Int()
    delivered = fields.Int(metadata={"description": "expected deliveries made on schedule"})
    rate = _rate()
    on_schedule = fields.Int()
    on_schedule_share = _rate()


class SignedNotServedSchema(Schema):
    months = fields.Int()
    eligible = fields.Int(metadata={"description": "contracts in force that started at least `months` before"})
    count = fields.Int()
    share = _rate()


class KpiFiguresSchema(Schema):
    population = fields.Int()
    contracted = fields.Int()
    contract_coverage = _rate()
    priority_groups = fields.Nested(PriorityGroupsSchema)
    managed = fields.Int()
    standard_management = fields.Nested(StandardManagementSchema)
    bp_control = fields.Nested(ControlSchema)
    glucose_control = fields.Nested(ControlSchema)
    missed_visit = fields.Nested(ShareSchema)
    lost_to_follow_up = fields.Nested(ShareSchema)
    alert_time_to_acknowledge = fields.Nested(AckBySeveritySchema)
    referrals = fields.Nested(ReferralKpiSchema)
    dangerous_readings = fields.Nested(DangerousReadingsSchema)
    fulfilment = fields.Nested(FulfilmentSchema)
    signed_not_served = fields.Nested(SignedNotServedSchema)


class KpiReportSchema(Schema):
    level = fields.Str()
    unit_id = fields.Int()
    unit_name = fields.Str()
    start = fields.Date()
    end = fields.Date()
    figures = fields.Nested(KpiFiguresSchema)


class KpiListSchema(Schema):
    items = fields.List(fields.Nested(KpiReportSchema))
