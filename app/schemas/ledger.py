"""The 履约 ledger: delivered-service records, a contract's ledger (definitions: docs/kpis.md)."""
from marshmallow import Schema, fields, validate

from app.schemas.common import Id, PageArgsSchema, Text
from app.services.service_checks import FLAGS, OUTCOMES
from app.services.service_records import ENTRY_CHANNELS, MAX_ATTENDEES, METHODS, RECORD_KINDS


class ServiceRecordCreateSchema(Schema):
    kind = fields.Str(required=True, validate=validate.OneOf(RECORD_KINDS), metadata={
        "description": "health_check 健康体检 / education 健康教育 / reading_review 居家监测数据查看"})
    resident_ids = fields.List(Id(), required=True, validate=validate.Length(min=1, max=MAX_ATTENDEES), metadata={
        "description": "one resident; several only for a group education session (one record each)"})
    delivered_at = fields.AwareDateTime(required=True)
    method = fields.Str(required=True, validate=validate.OneOf(METHODS))
    notes = Text(2000, load_default=None, allow_none=True, blank=True)
    details = fields.Dict(load_default=None, allow_none=True, validate=lambda d: d is None or len(str(d)) <= 4000)
    entry_channel = fields.Str(load_default="app", validate=validate.OneOf(ENTRY_CHANNELS))


class ServiceRecordSchema(Schema):
    id = fields.Int()
    resident_id = fields.Int()
    team_id = fields.Int()
    staff_id = fields.Int()
    kind = fields.Str()
    delivered_at = fields.DateTime()
    method = fields.Str()
    group_key = fields.Str(allow_none=True)
    notes = fields.Str(allow_none=True)
    entered_at = fields.DateTime()
    entry_channel = fields.Str()


class ServiceRecordListSchema(Schema):
    items = fields.List(fields.Nested(ServiceRecordSchema))


class LedgerArgsSchema(Schema):
    on = fields.Date(load_default=None, metadata={"description": "the 'as of' local day (default today)"})


class LedgerItemSchema(Schema):
    item_id = fields.Int()
    code = fields.Str()
    name = fields.Str()
    service_kind = fields.Str()
    period = fields.Str()
    required = fields.Int(metadata={"description": "deliveries the contract year requires"})
    expected = fields.Int(metadata={"description": "deliveries the schedule expects by the day"})
    delivered = fields.Int(metadata={"description": "deliveries counted (at most the period's quota each period)"})
    overdue = fields.Int(metadata={"description": "expected by now and not delivered"})
    due = fields.Int(metadata={"description": "still to deliver this contract year, not late yet"})
    period_ends_on = fields.Date()
    last_delivered_at = fields.DateTime(allow_none=True)
    next_due_on = fields.Date(allow_none=True, metadata={"description": (
        "when the next delivery is due: for follow-up items the date the last visit's 下一步管理措施 set (the "
        "follow-up due list's date), else the end of the current period; null when nothing is left this year")})


class ContractLedgerSchema(Schema):
    contract_id = fields.Int()
    resident_id = fields.Int()
    team_id = fields.Int()
    on = fields.Date()
    year_starts_on = fields.Date()
    year_ends_on = fields.Date()
    required = fields.Int()
    expected = fields.Int()
    delivered = fields.Int()
    overdue = fields.Int()
    rate = fields.Float(allow_none=True, metadata={"description": "履约率 to date: (expected − overdue) / expected"})
    items = fields.List(fields.Nested(LedgerItemSchema))


class UndeliveredArgsSchema(PageArgsSchema):
    team_id = fields.Int()
    status = fields.Str(load_default="overdue", validate=validate.OneOf(["overdue", "open"]), metadata={
        "description": "overdue: items behind schedule; open: every item with something still to deliver"})


class UndeliveredSchema(Schema):
    contract_id = fields.Int()
    resident_id = fields.Int()
    resident_name = fields.Str()
    team_id = fields.Int()
    item_id = fields.Int()
    code = fields.Str()
    name = fields.Str()
    service_kind = fields.Str()
    required = fields.Int()
    delivered = fields.Int()
    overdue = fields.Int()
    due = fields.Int()
    last_delivered_at = fields.DateTime(allow_none=True)
    next_due_on = fields.Date(allow_none=True, metadata={"description": "as in the contract ledger"})


class CheckArgsSchema(PageArgsSchema):
    since = fields.AwareDateTime(load_default=None, metadata={"description": "default: 90 days before `until`"})
    until = fields.AwareDateTime(load_default=None, metadata={"description": "default: now"})
    flag = fields.Str(load_default=None, validate=validate.OneOf(FLAGS))
    unreviewed = fields.Bool(load_default=False)


class CheckSchema(Schema):
    source = fields.Str(metadata={"description": "followup / service_record"})
    record_id = fields.Int()
    flag = fields.Str()
    message = fields.Str(metadata={"description": "what was observed, ending 需核实"})
    staff_id = fields.Int()
    staff_name = fields.Str()
    resident_id = fields.Int()
    delivered_at = fields.DateTime()
    entered_at = fields.DateTime(allow_none=True)
    minutes = fields.Float()
    review = fields.Dict(allow_none=True)


class ReviewCreateSchema(Schema):
    source = fields.Str(required=True, validate=validate.OneOf(["followup", "service_record"]))
    record_id = Id(required=True)
    flag = fields.Str(required=True, validate=validate.OneOf(FLAGS))
    outcome = fields.Str(required=True, validate=validate.OneOf(OUTCOMES))
    note = Text(1000, load_default=None, allow_none=True, blank=True)


class ReviewSchema(Schema):
    id = fields.Int()
    source = fields.Str()
    record_id = fields.Int()
    flag = fields.Str()
    outcome = fields.Str()
    note = fields.Str(allow_none=True)
    reviewed_by = fields.Int()
    reviewed_at = fields.DateTime()
