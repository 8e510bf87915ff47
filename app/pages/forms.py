"""HTML forms drawn from the API's marshmallow schemas, so a page never redefines a form's fields.

`fields_of` lists the inputs (type, choices, required, label from the field's metadata or the
glossary); `form_data` turns the posted form back into the schema's input (nested lists as
name-0-sub, name-1-sub …). Validation stays the schema's and the service's.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from marshmallow import Schema, fields as mf, validate

# Chinese labels for field names that carry no description (docs/glossary.md).
LABELS = {
    "visited_at": "随访时间", "method": "随访方式", "classification": "此次随访分类", "systolic": "收缩压 mmHg",
    "diastolic": "舒张压 mmHg", "glucose_mmol": "血糖 mmol/L", "medications": "用药", "notes": "备注",
    "drug": "药名", "dose": "剂量", "frequency": "用法", "change": "调整",
}
CHOICE_LABELS = {
    "face_to_face": "门诊", "home": "家庭", "phone": "电话", "wechat": "微信",
    "controlled": "控制满意", "uncontrolled": "控制不满意", "adverse_reaction": "不良反应", "complication": "并发症",
    "continue": "继续", "start": "新增", "stop": "停用", "adjust": "调整",
}
LIST_ROWS = 3  # rows offered for a nested list (e.g. three medications)


@dataclass
class Field:
    name: str
    label: str
    kind: str  # text / number / decimal / datetime / date / select / checkbox / textarea / list
    required: bool = False
    choices: list[tuple[str, str]] = field(default_factory=list)
    children: list["Field"] = field(default_factory=list)
    rows: int = LIST_ROWS


def _choices(f: mf.Field) -> list[tuple[str, str]]:
    for v in f.validators:
        if isinstance(v, validate.OneOf):
            return [(str(c), CHOICE_LABELS.get(str(c), str(c))) for c in v.choices]
    return []


def _label(name: str, f: mf.Field) -> str:
    return f.metadata.get("label") or LABELS.get(name) or f.metadata.get("description") or name


def _field(name: str, f: mf.Field) -> Field:
    required = bool(f.required)
    if isinstance(f, mf.List) and isinstance(f.inner, mf.Nested):
        inner = f.inner.schema
        return Field(name, _label(name, f), "list", required,
                     children=[_field(n, sub) for n, sub in inner.fields.items() if not sub.dump_only])
    if isinstance(f, mf.List):
        return Field(name, _label(name, f), "multi", required, choices=_choices(f.inner))
    if isinstance(f, mf.Nested):  # a group of fields (e.g. a section of the 随访表): name-sub inputs
        return Field(name, _label(name, f), "group", required,
                     children=[_field(n, sub) for n, sub in f.schema.fields.items() if not sub.dump_only])
    choices = _choices(f)
    if choices:
        return Field(name, _label(name, f), "select", required, choices=choices)
    if isinstance(f, mf.Boolean):
        kind = "checkbox"
    elif isinstance(f, (mf.AwareDateTime, mf.DateTime)):
        kind = "datetime"
    elif isinstance(f, mf.Date):
        kind = "date"
    elif isinstance(f, mf.Integer):
        kind = "number"
    elif isinstance(f, (mf.Float, mf.Decimal)):
        kind = "decimal"
    elif name in ("notes", "note", "advice", "plan", "reason") or (
            any(isinstance(v, validate.Length) and (v.max or 0) > 200 for v in f.validators)):
        kind = "textarea"
    else:
        kind = "text"
    return Field(name, _label(name, f), kind, required)


def fields_of(schema: Schema, *, exclude: set[str] = frozenset()) -> list[Field]:
    """The schema's loadable fields as form inputs, in declaration order."""
    return [_field(name, f) for name, f in schema.fields.items() if name not in exclude and not f.dump_only]


def _value(kind: str, raw: str) -> Any:
    # <input type=datetime-local> sends local time without a zone; China is UTC+8 all year (no DST since 1991).
    if kind == "datetime" and raw and len(raw) == 16:
        return raw + ":00+08:00"
    return raw


def form_data(schema: Schema, form: Any) -> dict[str, Any]:
    """The posted form as the schema's input: blanks left out, nested rows gathered, checkboxes as booleans."""
    data: dict[str, Any] = {}
    for f in fields_of(schema):
        if f.kind == "list":
            rows = []
            for i in range(f.rows):
                row = {c.name: _value(c.kind, form.get(f"{f.name}-{i}-{c.name}", "").strip()) for c in f.children}
                row = {k: v for k, v in row.items() if v != ""}
                if row and any(k for k in row if k not in ("change",)):
                    rows.append(row)
            if rows:
                data[f.name] = rows
        elif f.kind == "group":
            group = {c.name: _value(c.kind, form.get(f"{f.name}-{c.name}", "").strip()) for c in f.children}
            group = {k: v for k, v in group.items() if v != ""}
            if group:
                data[f.name] = group
        elif f.kind == "multi":
            values = [v for v in form.getlist(f.name) if v]
            if values:
                data[f.name] = values
        elif f.kind == "checkbox":
            if f.name in form:
                data[f.name] = form.get(f.name) in ("on", "true", "1")
        else:
            raw = form.get(f.name, "").strip()
            if raw != "":
                data[f.name] = _value(f.kind, raw)
    return data
