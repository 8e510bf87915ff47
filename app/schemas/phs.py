"""基本公卫 exchange: export requests and reports."""
from marshmallow import Schema, fields, validate

from app.services.phs.export import DEFAULT_DESTINATION, FORMATS


class ExportCreateSchema(Schema):
    since = fields.AwareDateTime(required=True)
    fmt = fields.Str(data_key="format", required=True, validate=validate.OneOf(FORMATS))
    destination = fields.Str(load_default=DEFAULT_DESTINATION, validate=validate.Regexp(r"^[a-z0-9_-]{1,40}$"))
    dry_run = fields.Bool(load_default=False)
    limit = fields.Int(load_default=200, validate=validate.Range(min=1, max=1000))


class ExportItemSchema(Schema):
    name = fields.Str()
    content = fields.Str()


class ExportReportSchema(Schema):
    destination = fields.Str()
    format = fields.Str()
    since = fields.DateTime()
    dry_run = fields.Bool()
    exported = fields.Int()
    corrections = fields.Int()
    withheld_no_consent = fields.Int()
    items = fields.List(fields.Nested(ExportItemSchema))
