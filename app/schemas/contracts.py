"""Contracts."""
from marshmallow import Schema, fields, validate

from app.schemas.common import Id, PageArgsSchema, Text
from app.schemas.packages import PackageSchema
from models.contracts import ContractStatus

STATUSES = [s.value for s in ContractStatus]


class ContractSchema(Schema):
    id = fields.Int()
    resident_id = fields.Int()
    team_id = fields.Int()
    status = fields.Function(lambda o: o.status.value)
    starts_on = fields.Date()
    ends_on = fields.Date()
    applied_at = fields.DateTime()
    approved_at = fields.DateTime(allow_none=True)
    approved_by_id = fields.Int(allow_none=True)
    ended_at = fields.DateTime(allow_none=True)
    termination_reason = fields.Str(allow_none=True)
    override_reason = fields.Str(allow_none=True)
    renewed_from_id = fields.Int(allow_none=True)
    packages = fields.List(fields.Nested(PackageSchema))


class ContractCreateSchema(Schema):
    resident_id = Id(required=True)
    team_id = Id(required=True)
    package_ids = fields.List(Id(), required=True, validate=validate.Length(min=1, max=20))
    starts_on = fields.Date(load_default=None, allow_none=True)
    override_reason = Text(load_default=None, allow_none=True, blank=True)


class ContractTerminateSchema(Schema):
    reason = Text(required=True)


class ContractRenewSchema(Schema):
    package_ids = fields.List(Id(), load_default=None, allow_none=True, validate=validate.Length(min=1, max=20))


class ContractArgsSchema(PageArgsSchema):
    status = fields.Str(validate=validate.OneOf(STATUSES))
    team_id = Id()
    resident_id = Id()
    expiring_before = fields.Date()
