"""Residents and consent. Identity fields are masked by the service for the reader's role."""
from marshmallow import Schema, fields, validate

from app.schemas.common import Id, Name, PageArgsSchema
from app.services.residents import BP_TARGET_DIA, BP_TARGET_SYS
from ml.clinical import Condition

CONDITIONS = [c.value for c in Condition]

# The wire forms app.services.privacy accepts, so that clients and fuzzers see them in the OpenAPI document.
# region (6) · birth date YYYYMMDD (1900-2099) · sequence (3) · check character
ID_CARD = r"^\s*[0-9]{6}(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx]\s*$"
# A mainland mobile number; spaces and hyphens are ignored, a leading +86 is dropped.
PHONE = r"^[\s-]*(?:\+[\s-]*8[\s-]*6[\s-]*)?1[\s-]*[3-9](?:[\s-]*[0-9]){9}[\s-]*$"
# GB 11643 is more than a pattern: the birth date (digits 7-14) is a real day from 1900 to today and the last
# character is the ISO 7064 MOD 11-2 check character. `format` names it for generators.
ID_CARD_FORMAT = "gb11643"
ID_CARD_RULE = "a real birth date between 1900 and today, the right check character (format gb11643)"
BP_TARGET_RULE = "set with the other target value (both or neither); systolic above diastolic"


def _id_card(**kw):
    return fields.Str(validate=[validate.Length(min=18, max=32),
                                validate.Regexp(ID_CARD, error="身份证号应为18位数字（最后一位可为X）")],
                      metadata={"format": ID_CARD_FORMAT, "description": (
                          "18-character citizen identity number (GB 11643): birth date in digits 7-14, between "
                          "1900 and today; ISO 7064 MOD 11-2 check character last")}, **kw)


def _phone(**kw):
    return fields.Str(allow_none=True, validate=[validate.Length(max=20),
                                                 validate.Regexp(PHONE, error="手机号应为11位数字")],
                      metadata={"description": "mainland mobile number, 11 digits (spaces, hyphens, +86 allowed)"},
                      **kw)


def _bp_target(bounds: tuple[int, int], **kw):
    return fields.Int(allow_none=True, validate=validate.Range(min=bounds[0], max=bounds[1]),
                      metadata={"description": f"mmHg, personal home target; {BP_TARGET_RULE}"}, **kw)


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
    id_card = _id_card(required=True)
    village_id = Id(required=True)
    phone = _phone(load_default=None)
    sex = fields.Str(load_default=None, allow_none=True, validate=validate.OneOf(["M", "F"]),
                     metadata={"description": "must agree with the ID-card number (17th digit odd: M)"})
    birth_date = fields.Date(load_default=None, allow_none=True,
                             metadata={"description": "must agree with the ID-card number"})
    conditions = fields.List(fields.Str(validate=validate.OneOf(CONDITIONS)), load_default=list,
                             validate=validate.Length(max=20))
    bp_target_sys = _bp_target(BP_TARGET_SYS, load_default=None)
    bp_target_dia = _bp_target(BP_TARGET_DIA, load_default=None)


class ResidentUpdateSchema(Schema):
    name = Name()
    phone = _phone()
    village_id = Id()
    conditions = fields.List(fields.Str(validate=validate.OneOf(CONDITIONS)), validate=validate.Length(max=20))
    bp_target_sys = _bp_target(BP_TARGET_SYS)
    bp_target_dia = _bp_target(BP_TARGET_DIA)


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
