"""Shared schema pieces: pagination and strict bounded fields."""
from __future__ import annotations

import unicodedata

from marshmallow import Schema, fields, validate

from app.services.pagination import MAX_PER_PAGE

class CleanStr(fields.Str):
    """A string stripped of surrounding white space before it is validated; control characters are refused
    (a NUL or a bidi override inside a name would be stored and shown to others)."""

    default_error_messages = {"control": "不能含有控制字符 / control characters are not allowed"}

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in text):
            raise self.make_error("control")
        return text


# Bounded strings: no field takes a megabyte.
def Name(**kw):  # noqa: N802 - reads like a field type
    return CleanStr(validate=validate.Length(min=1, max=64), **kw)


def Text(max_len: int = 500, **kw):  # noqa: N802
    return fields.Str(validate=validate.Length(min=1, max=max_len), **kw)


MAX_ID = 2**63 - 1  # BIGINT


def Id(**kw):  # noqa: N802
    """A database id: a positive 64-bit integer."""
    return fields.Int(validate=validate.Range(min=1, max=MAX_ID), **kw)


class PageArgsSchema(Schema):
    page = fields.Int(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Int(load_default=20, validate=validate.Range(min=1, max=MAX_PER_PAGE))


_page_schemas: dict[str, type[Schema]] = {}


def page_of(item_schema: type[Schema]) -> type[Schema]:
    """A {items, page, per_page, total} schema for an item schema (one class per item type)."""
    name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
    if name not in _page_schemas:
        _page_schemas[name] = type(name, (Schema,), {
            "items": fields.List(fields.Nested(item_schema)),
            "page": fields.Int(),
            "per_page": fields.Int(),
            "total": fields.Int(),
        })
    return _page_schemas[name]
