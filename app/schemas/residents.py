"""Residents and consent. Identity fields are masked by the service for the reader's role."""
from marshmallow import Schema, fields, validate

from app.schemas.common import Id, Name, PageArgsSchema
from ml.clinical import Condition

CONDITIONS = [c.value for c in Condition]


class BpTargetSchema(Schema):
    systolic = fields.Int()
    diastolic = fields.Int()
    personal = fields.Bool()


class ConsentSchema(Schema):
    id = fields.Int()
    version = fields.Str()
    channel = fields.Str()
    granted_at = fields.DateTime()
    withdrawn_at = fields.DateTime(allow_none=True)


class ResidentSchema(Schema):
    """Dumped from a ResidentView (see app.services.residents.view)."""
    id = fields.Int(attribute="resident.id")
    name = fields.Str(attribute="resident.name")
    sex = fields.Function(lambda v: v.resident.sex.value)
    birth_date = fields.Date(attribute="resident.birth_date")
    age = fields.Int()
    village_id = fields.Int(attribute="resident.village_id")
    village_name = fields.Function(lambda v: v.resident.village.name)
    id_card = fields.Str()
    phone = fields.Str(allow_none=True)
    conditions = fields.Function(lambda v: v.resident.condition_codes)
    bp_target = fields.Function(lambda v: {"systolic": v.bp_target.systolic, "diastolic": v.bp_target.diastolic,
                                           "personal": v.resident.bp_target_sys is not None})
    wechat_bound = fields.Function(lambda v: v.resident.wechat_openid is not None)
    consent_version = fields.Str(allow_none=True)
    consents = fields.List(fields.Nested(ConsentSchema), attribute="resident.consents")


class ResidentCreateSchema(Schema):
    name = Name(required=True)
    id_card = fields.Str(required=True, validate=validate.Length(min=1, max=32))
    village_id = Id(required=True)
    phone = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=20))
    sex = fields.Str(load_default=None, allow_none=True, validate=validate.OneOf(["M", "F"]))
    birth_date = fields.Date(load_default=None, allow_none=True)
    conditions = fields.List(fields.Str(validate=validate.OneOf(CONDITIONS)), load_default=list,
                             validate=validate.Length(max=20))
    bp_target_sys = fields.Int(load_default=None, allow_none=True, validate=validate.Range(min=0, max=300))
    bp_target_dia = fields.Int(load_default=None, allow_none=True, validate=validate.Range(min=0, max=300))


class ResidentUpdateSchema(Schema):
    name = Name()
    phone = fields.Str(allow_none=True, validate=validate.Length(max=20))
    village_id = Id()
    conditions = fields.List(fields.Str(validate=validate.OneOf(CONDITIONS)), validate=validate.Length(max=20))
    bp_target_sys = fields.Int(allow_none=True, validate=validate.Range(min=0, max=300))
    bp_target_dia = fields.Int(allow_none=True, validate=validate.Range(min=0, max=300))


class ResidentArgsSchema(PageArgsSchema):
    village_id = Id()
    condition = fields.Str(validate=validate.OneOf(CONDITIONS))
    name = fields.Str(validate=validate.Length(max=64))
    id_card = fields.Str(validate=validate.Length(max=32))
    phone = fields.Str(validate=validate.Length(max=20))


class ConsentCreateSchema(Schema):
    version = fields.Str(required=True, validate=validate.Length(min=1, max=16))
    channel = fields.Str(load_default="api", validate=validate.OneOf(["api", "wechat", "paper"]))


class FollowupFormsArgsSchema(Schema):
    year = fields.Int(required=True, validate=validate.Range(min=2000, max=2100))
