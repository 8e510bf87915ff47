"""Referrals (转诊) and specialist slots (预留号源)."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from app.schemas.common import Id, Name, PageArgsSchema, Text
from models.referrals import ReferralStatus, Urgency

STATUSES = [s.value for s in ReferralStatus]
URGENCIES = [u.value for u in Urgency]


class ReferralSchema(Schema):
    id = fields.Int()
    resident_id = fields.Int()
    team_id = fields.Int()
    from_staff_id = fields.Int(allow_none=True)
    to_specialist_id = fields.Int(allow_none=True)
    to_department = fields.Str()
    alert_id = fields.Int(allow_none=True)
    reason = fields.Str()
    urgency = fields.Function(lambda o: o.urgency.value)
    status = fields.Function(lambda o: o.status.value)
    summary = fields.Dict(metadata={"description": "14 days of readings with 7-day means, open alerts, conditions, "
                                                   "current medications, last follow-up (built when requested)"})
    decline_reason = fields.Str(allow_none=True)
    advice = fields.Str(allow_none=True)
    plan = fields.Str(allow_none=True)
    slot_id = fields.Int(allow_none=True)
    handled_by_id = fields.Int(allow_none=True)
    created_at = fields.DateTime()
    accepted_at = fields.DateTime(allow_none=True)
    completed_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)


class ReferralCreateSchema(Schema):
    class Meta:
        description = "Give to_department, to_specialist_id or both (a specialist must work in that department)."
        json_schema = {"anyOf": [  # the _target hook below
            {"required": ["to_department"], "properties": {"to_department": {"type": "string"}}},
            {"required": ["to_specialist_id"], "properties": {"to_specialist_id": {"type": "integer"}}}]}

    resident_id = Id(required=True)
    to_department = Name(load_default=None, allow_none=True, metadata={
        "description": "required unless to_specialist_id is given"})
    to_specialist_id = Id(load_default=None, allow_none=True, metadata={
        "description": "required unless to_department is given"})
    reason = Text(1000, required=True)
    urgency = fields.Str(load_default="routine", validate=validate.OneOf(URGENCIES))
    alert_id = Id(load_default=None, allow_none=True, metadata={"description": "an alert of this resident"})

    @validates_schema
    def _target(self, data, **kwargs):
        if not data.get("to_department") and data.get("to_specialist_id") is None:
            raise ValidationError("请选择科室或专科医生 / give a department or a specialist", "to_department")


class ReferralArgsSchema(PageArgsSchema):
    status = fields.Str(validate=validate.OneOf(STATUSES))
    resident_id = fields.Int()


class ReasonSchema(Schema):
    reason = Text(1000, required=True)


class BookSchema(Schema):
    slot_id = fields.Int(required=True)


class AdviceSchema(Schema):
    advice = Text(4000, required=True)


class PlanSchema(Schema):
    plan = Text(4000, required=True)


class SlotSchema(Schema):
    id = fields.Int()
    department = fields.Str()
    specialist_id = fields.Int(allow_none=True)
    day = fields.Date()
    capacity = fields.Int()
    reserved_for_referrals = fields.Int()
    booked_referrals = fields.Int()
    available_for_referrals = fields.Function(lambda s: s.reserved_for_referrals - s.booked_referrals)


class SlotCreateSchema(Schema):
    department = Name(required=True)
    day = fields.Date(required=True)
    capacity = fields.Int(required=True, validate=validate.Range(min=0, max=10_000))
    reserved_for_referrals = fields.Int(required=True, validate=validate.Range(min=0, max=10_000))
    specialist_id = fields.Int(load_default=None, allow_none=True)


class SlotArgsSchema(PageArgsSchema):
    department = Name()
    day_from = fields.Date()
    day_to = fields.Date()
    available_only = fields.Bool(load_default=False)
