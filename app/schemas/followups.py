"""Follow-ups (随访), the due / overdue list, call outcomes, tasks, care status and the resident timeline."""
from marshmallow import Schema, fields, validate
from webargs.fields import DelimitedList

from app.schemas.common import PageArgsSchema, Text
from app.services import care_texts
from app.services.followups import MEDICATION_CHANGES, suggestion_reason
from app.services.followup_forms import CHANNELS, NEXT_STEP_ORDER
from app.services.overdue import CALL_OUTCOMES
from app.services.phs import codes
from app.services.timeline import TYPES
from ml.clinical import DBP_RANGE, GLUCOSE_MMOL_RANGE, SBP_RANGE
from models.followups import Classification, VisitMethod

METHODS = [m.value for m in VisitMethod]
CLASSIFICATIONS = [c.value for c in Classification]


def _systolic(**kw):
    return fields.Int(allow_none=True, validate=validate.Range(*SBP_RANGE), metadata={
        "description": "mmHg; given together with diastolic"}, **kw)


def _diastolic(**kw):
    return fields.Int(allow_none=True, validate=validate.Range(*DBP_RANGE), metadata={
        "description": "mmHg, below systolic; given together with systolic"}, **kw)


def _glucose(**kw):
    return fields.Float(allow_none=True, validate=validate.Range(*GLUCOSE_MMOL_RANGE), **kw)


def _reason_text(code):
    return care_texts.REFERRAL_SUGGESTION_REASONS.get(code) if code else None


class MedicationSchema(Schema):
    drug = Text(64, required=True)
    dose = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=32))
    frequency = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=32))
    change = fields.Str(load_default="continue", validate=validate.OneOf(MEDICATION_CHANGES))


class FollowUpCreateSchema(Schema):
    resident_id = fields.Int(required=True)
    visited_at = fields.AwareDateTime(required=True)
    method = fields.Str(required=True, validate=validate.OneOf(METHODS))
    classification = fields.Str(required=True, validate=validate.OneOf(CLASSIFICATIONS))
    systolic = _systolic(load_default=None)
    diastolic = _diastolic(load_default=None)
    glucose_mmol = _glucose(load_default=None)
    medications = fields.List(fields.Nested(MedicationSchema), load_default=list, validate=validate.Length(max=20))
    notes = Text(2000, load_default=None, allow_none=True, blank=True)
    alert_id = fields.Int(load_default=None, allow_none=True)
    program = fields.Str(load_default=None, allow_none=True, validate=validate.OneOf(codes.PROGRAMS),
                         metadata={"description": "htn 高血压 / dm 2型糖尿病 随访表; default from the resident's conditions"})
    form = fields.Dict(keys=fields.Str(), load_default=None, allow_none=True,
                       metadata={"description": "the other boxes of the 随访表, keyed as in "
                                                "GET /followups/form-definition (codes as `key`s of the value sets)"})
    next_step = fields.Str(load_default=None, allow_none=True, validate=validate.OneOf(NEXT_STEP_ORDER),
                           metadata={"description": "下一步管理措施; default and minimum by the 规范"})
    next_due_on = fields.Date(load_default=None, allow_none=True,
                              metadata={"description": "下次随访日期; default by the next step, never later"})
    outcome = fields.Str(load_default="continue", validate=validate.OneOf(codes.VALUE_SETS["outcome"].keys))
    entry_channel = fields.Str(load_default="app", validate=validate.OneOf(["app", "web"]))


class FollowUpUpdateSchema(Schema):
    """A correction: only the fields given change; the version goes up."""
    method = fields.Str(validate=validate.OneOf(METHODS))
    classification = fields.Str(validate=validate.OneOf(CLASSIFICATIONS))
    systolic = _systolic()
    diastolic = _diastolic()
    glucose_mmol = _glucose()
    medications = fields.List(fields.Nested(MedicationSchema), validate=validate.Length(max=20))
    notes = Text(2000, allow_none=True, blank=True)
    program = fields.Str(validate=validate.OneOf(codes.PROGRAMS))
    form = fields.Dict(keys=fields.Str())
    next_step = fields.Str(validate=validate.OneOf(NEXT_STEP_ORDER))
    next_due_on = fields.Date()
    outcome = fields.Str(validate=validate.OneOf(codes.VALUE_SETS["outcome"].keys))
    entry_channel = fields.Str(validate=validate.OneOf(["app", "web"]))


class FollowUpSchema(Schema):
    id = fields.Int()
    resident_id = fields.Int()
    team_id = fields.Int()
    staff_id = fields.Int()
    visited_at = fields.DateTime()
    method = fields.Function(lambda o: o.method.value)
    classification = fields.Function(lambda o: o.classification.value)
    systolic = fields.Int(allow_none=True)
    diastolic = fields.Int(allow_none=True)
    glucose_mmol = fields.Float(allow_none=True)
    next_due_on = fields.Date()
    referral_suggested = fields.Bool()
    referral_reason = fields.Function(lambda o: suggestion_reason(o))
    notes = fields.Str(allow_none=True)
    alert_id = fields.Int(allow_none=True)
    medications = fields.List(fields.Nested(MedicationSchema))
    program = fields.Str()
    form = fields.Dict()
    next_step = fields.Str()
    next_step_label = fields.Function(lambda o: codes.label("next_step", o.next_step))
    outcome = fields.Str()
    entered_by = fields.Int(allow_none=True)
    entered_at = fields.DateTime()
    entry_channel = fields.Str(metadata={"description": "/".join(CHANNELS)})
    version = fields.Int()
    updated_at = fields.DateTime()


class FollowUpOutcomeSchema(Schema):
    followup = fields.Nested(FollowUpSchema)
    next_due_on = fields.Date()
    referral_suggested = fields.Bool()
    referral_reason = fields.Str(allow_none=True)
    referral_reason_text = fields.Function(lambda o: _reason_text(o.referral_reason), allow_none=True)
    closed_task_ids = fields.List(fields.Int())


class FollowUpArgsSchema(PageArgsSchema):
    resident_id = fields.Int(required=True)


class TaskSchema(Schema):
    id = fields.Int()
    resident_id = fields.Int()
    team_id = fields.Int()
    due_on = fields.Date()
    reason = fields.Str()
    referral_id = fields.Int(allow_none=True)
    status = fields.Str()
    done_followup_id = fields.Int(allow_none=True)
    created_at = fields.DateTime()


class TaskArgsSchema(PageArgsSchema):
    team_id = fields.Int()
    status = fields.Str(load_default="open", validate=validate.OneOf(["open", "done", "cancelled"]))


class ReferralBriefSchema(Schema):
    id = fields.Int()
    status = fields.Function(lambda o: o.status.value)
    to_department = fields.Str()
    created_at = fields.DateTime()


class CareStatusSchema(Schema):
    resident_id = fields.Int()
    last_followup = fields.Nested(FollowUpSchema, allow_none=True)
    next_due_on = fields.Date(allow_none=True)
    days_overdue = fields.Int()
    referral_suggested = fields.Bool()
    referral_reason = fields.Str(allow_none=True)
    referral_reason_text = fields.Function(lambda o: _reason_text(o.referral_reason), allow_none=True)
    open_referral = fields.Nested(ReferralBriefSchema, allow_none=True)
    open_tasks = fields.List(fields.Nested(TaskSchema))


class DueArgsSchema(PageArgsSchema):
    team_id = fields.Int()
    kind = fields.Str(load_default="overdue", validate=validate.OneOf(["overdue", "due"]),
                      metadata={"description": "overdue: due before today; due: due within `within_days` (incl. overdue)"})
    within_days = fields.Int(load_default=7, validate=validate.Range(min=0, max=90))


class LastBpSchema(Schema):
    systolic = fields.Int()
    diastolic = fields.Int()
    at = fields.DateTime()
    source = fields.Str()


class LastGlucoseSchema(Schema):
    mmol = fields.Float(allow_none=True)
    flag = fields.Str(allow_none=True)
    at = fields.DateTime()
    source = fields.Str()


class LastCallSchema(Schema):
    outcome = fields.Str()
    at = fields.DateTime()
    hidden_until = fields.DateTime(allow_none=True)


class DueItemSchema(Schema):
    resident_id = fields.Int(attribute="resident.id")
    name = fields.Str(attribute="resident.name")
    village_name = fields.Function(lambda o: o.resident.village.name)
    phone = fields.Str(allow_none=True)
    conditions = fields.Function(lambda o: o.resident.condition_codes)
    team_id = fields.Int()
    due_on = fields.Date()
    days_overdue = fields.Int()
    due_reason = fields.Str()
    risk = fields.Int(metadata={"description": "0 BP ≥180/110; 1 stroke/CHD with BP ≥140/90; 2 glucose ≥16.7; 3 other"})
    risk_label = fields.Str()
    last_bp = fields.Nested(LastBpSchema, allow_none=True)
    last_glucose = fields.Nested(LastGlucoseSchema, allow_none=True)
    last_call = fields.Nested(LastCallSchema, allow_none=True)
    overdue_items = fields.List(fields.Dict(), metadata={
        "description": "package items behind schedule on the contract (履约): code, name, overdue, due"})
    next_step = fields.Str(allow_none=True, metadata={"description": "下一步管理措施 of the last visit"})


class CallOutcomeCreateSchema(Schema):
    resident_id = fields.Int(required=True)
    outcome = fields.Str(required=True, validate=validate.OneOf(CALL_OUTCOMES))
    note = Text(1000, load_default=None, allow_none=True, blank=True)


class CallOutcomeSchema(Schema):
    id = fields.Int()
    resident_id = fields.Int()
    team_id = fields.Int()
    staff_id = fields.Int()
    at = fields.DateTime()
    outcome = fields.Str()
    hidden_until = fields.DateTime(allow_none=True)
    note = fields.Str(allow_none=True)


class TimelineArgsSchema(PageArgsSchema):
    types = DelimitedList(fields.Str(validate=validate.OneOf(TYPES)),
                                 metadata={"description": "comma-separated: " + ",".join(TYPES)})
    before = fields.AwareDateTime(load_default=None)


class TimelineItemSchema(Schema):
    type = fields.Str()
    id = fields.Int()
    at = fields.DateTime()
    data = fields.Dict()
