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
        raw = super()._deserialize(value, attr, data, **kwargs)
        for check in self.validators:  # the maximum length counts what is stripped, as maxLength in the schema does
            if isinstance(check, validate.Length) and check.max is not None and len(raw) > check.max:
                check(raw)  # raises the usual length message
        text = raw.strip()
        if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in text):
            raise self.make_error("control")
        return text


def _control_class() -> str:
    """The BMP characters CleanStr refuses (Unicode Cc and Cf), as the body of a regex character class.

    The few astral Cf characters (tag characters, musical formatting) stay out of the pattern: \\U escapes are
    not ECMAScript, and JSON Schema tools rewrite patterns; CleanStr refuses them all the same."""
    parts, start, prev = [], None, None
    for cp in range(0x10000):
        if unicodedata.category(chr(cp)) in ("Cc", "Cf"):
            if start is None:
                start = cp
            elif cp != prev + 1:
                parts.append((start, prev))
                start = cp
            prev = cp
    parts.append((start, prev))
    return "".join(f"\\u{a:04X}" if a == b else f"\\u{a:04X}-\\u{b:04X}" for a, b in parts)


_CONTROLS = _control_class()
# White space as str.strip() sees it, spelled out: \s differs between Python and ECMAScript (\x1c-\x1f, \ufeff).
_SPACE = "".join(f"\\u{cp:04X}" for cp in range(0x10000) if chr(cp).isspace())
# What CleanStr keeps, stated in the schema: after stripping white space, no control character and not blank.
CLEAN_TEXT = rf"^[{_SPACE}]*[^{_CONTROLS}]*[^{_SPACE}{_CONTROLS}][^{_CONTROLS}]*[{_SPACE}]*$"


def clean_text(max_len: int) -> list:
    """Validators of a CleanStr: 1..max_len characters once stripped, no control characters (in the OpenAPI
    document as maxLength and pattern)."""
    return [validate.Length(min=1, max=max_len),
            validate.Regexp(CLEAN_TEXT, error="不能为空，也不能含有控制字符 / not blank, no control characters")]


# Bounded strings: no field takes a megabyte.
def Name(**kw):  # noqa: N802 - reads like a field type
    return CleanStr(validate=clean_text(64), **kw)


NOT_BLANK = rf"^[{_SPACE}]*[^{_SPACE}][\s\S]*$"  # the services refuse a reason of white space only


def Text(max_len: int = 500, *, blank: bool = False, **kw):  # noqa: N802
    """Free text of 1..max_len characters; not white space only unless `blank` (an optional note)."""
    validators = [validate.Length(min=1, max=max_len)]
    if not blank:
        validators.append(validate.Regexp(NOT_BLANK, error="不能为空 / must not be blank"))
    return fields.Str(validate=validators, **kw)


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
