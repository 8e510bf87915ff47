"""Service packages."""
from marshmallow import Schema, fields, validate

from app.schemas.common import Name, PageArgsSchema
from app.services.packages import PERIODS, SERVICE_KINDS
from models.packages import TargetGroup

GROUPS = [g.value for g in TargetGroup]
Money = lambda **kw: fields.Int(validate=validate.Range(min=0, max=100_000_000), **kw)  # noqa: E731 - fen


class PackageItemSchema(Schema):
    code = fields.Str(required=True, validate=validate.Regexp(r"^[a-z0-9_]{1,32}$"))
    name = Name(required=True)
    yearly_quantity = fields.Int(required=True, validate=validate.Range(min=0, max=365))
    service_kind = fields.Str(allow_none=True, validate=validate.OneOf(SERVICE_KINDS), metadata={
        "description": "the delivered service that counts against this item (履约); null = not tracked. "
                       "Omitted: the default for the item code (docs/kpis.md)"})
    period = fields.Str(validate=validate.OneOf(list(PERIODS)), metadata={
        "description": "the period the yearly quantity is spread over: year / quarter / month "
                       "(4 a year by quarter = 1 each quarter). Omitted: the code's default, else year"})


class PackageSchema(Schema):
    id = fields.Int()
    code = fields.Str()
    version = fields.Int()
    name = fields.Str()
    target_group = fields.Function(lambda o: o.target_group.value)
    price_fen = fields.Int()
    subsidy_fen = fields.Int()
    active = fields.Bool()
    is_current = fields.Bool()
    items = fields.List(fields.Nested(PackageItemSchema))


class PackageCreateSchema(Schema):
    code = fields.Str(required=True, validate=validate.Regexp(r"^[a-z0-9_]{1,32}$"))
    name = Name(required=True)
    target_group = fields.Str(required=True, validate=validate.OneOf(GROUPS))
    price_fen = Money(required=True)
    subsidy_fen = Money(load_default=0)
    items = fields.List(fields.Nested(PackageItemSchema), required=True, validate=validate.Length(min=1, max=50))


class PackageUpdateSchema(Schema):
    name = Name()
    target_group = fields.Str(validate=validate.OneOf(GROUPS))
    price_fen = Money()
    subsidy_fen = Money()
    active = fields.Bool()
    items = fields.List(fields.Nested(PackageItemSchema), validate=validate.Length(min=1, max=50))


class PackageArgsSchema(PageArgsSchema):
    include_inactive = fields.Bool(load_default=False)
    all_versions = fields.Bool(load_default=False)
    target_group = fields.Str(validate=validate.OneOf(GROUPS))
