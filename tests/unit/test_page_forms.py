"""Forms drawn from the API's schemas: inputs from the fields, the posted form back into the schema's input."""
from marshmallow import Schema, fields, validate
from werkzeug.datastructures import MultiDict

from app.pages.forms import fields_of, form_data
from app.schemas.followups import FollowUpCreateSchema


class Lifestyle(Schema):
    smoking_per_day = fields.Int()
    salt = fields.Str(validate=validate.OneOf(["light", "medium", "heavy"]))


class Visit(Schema):
    visited_at = fields.AwareDateTime(required=True)
    method = fields.Str(required=True, validate=validate.OneOf(["phone", "home"]))
    lifestyle = fields.Nested(Lifestyle)
    symptoms = fields.List(fields.Str(validate=validate.OneOf(["dizzy", "none"])))


def test_every_loadable_field_of_the_followup_schema_is_on_the_form():
    names = {f.name for f in fields_of(FollowUpCreateSchema())}
    assert names == {name for name, f in FollowUpCreateSchema().fields.items() if not f.dump_only}


def test_groups_choices_and_local_times_come_back_as_the_schemas_input():
    form = MultiDict([("visited_at", "2026-12-01T09:30"), ("method", "home"), ("lifestyle-smoking_per_day", "5"),
                      ("lifestyle-salt", ""), ("symptoms", "dizzy"), ("symptoms", "")])
    data = form_data(Visit(), form)
    assert data == {"visited_at": "2026-12-01T09:30:00+08:00", "method": "home",
                    "lifestyle": {"smoking_per_day": "5"}, "symptoms": ["dizzy"]}
    loaded = Visit().load(data)
    assert loaded["lifestyle"] == {"smoking_per_day": 5} and loaded["visited_at"].utcoffset().total_seconds() == 8 * 3600
    kinds = {f.name: f.kind for f in fields_of(Visit())}
    assert kinds == {"visited_at": "datetime", "method": "select", "lifestyle": "group", "symptoms": "multi"}


def test_queue_shows_the_last_value_of_each_kind_of_alert():
    from app.pages.filters import minutes_text, value_text

    assert value_text({"type": "bp", "systolic": 184, "diastolic": 113}) == "184/113 mmHg"
    assert value_text({"sbp": 150.4, "dbp": 89.6, "target": "135/85"}) == "7天均值 150/90 mmHg"
    assert value_text({"fasting_mean": 8.2}) == "空腹均值 8.2 mmol/L"
    assert value_text({"type": "glucose", "value_mmol": 3.4}) == "3.4 mmol/L"
    assert value_text(None) == "—"
    assert minutes_text(25) == "剩 25 分钟" and minutes_text(-10) == "已超时 10 分钟"
    assert minutes_text(125) == "剩 2 小时 5 分"
