"""Sign-in."""
from marshmallow import Schema, fields, validate

from app.schemas.common import Id


class LoginSchema(Schema):
    username = fields.Str(required=True, validate=validate.Length(min=1, max=64))
    password = fields.Str(required=True, load_only=True, validate=validate.Length(min=1, max=128))


class WechatLoginSchema(Schema):
    code = fields.Str(required=True, validate=validate.Length(min=1, max=128))


class DevLoginSchema(Schema):
    resident_id = Id(required=True)


class MeSchema(Schema):
    kind = fields.Str()
    id = fields.Int()
    role = fields.Str()
    consortium_id = fields.Int()
    department = fields.Str(allow_none=True)
    team_ids = fields.Function(lambda a: sorted(a.team_ids))


class TokenSchema(Schema):
    token = fields.Str()
    expires_at = fields.DateTime()
    actor = fields.Nested(MeSchema)
