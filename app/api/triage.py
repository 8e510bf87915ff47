"""Symptom triage (症状自查): residents for themselves, staff for a resident in their scope."""
from flask import current_app
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app.api.common import committed
from app.auth import current_actor
from app.errors import RuleViolation
from app.extensions import db, limiter
from app.schemas.common import Id
from app.services import assessments
from models.base import utcnow

blp = Blueprint("triage", __name__, description="症状自查 / symptom triage (not a diagnosis)")


class TriageRequestSchema(Schema):
    text = fields.Str(required=True, validate=validate.Length(min=1, max=assessments.MAX_TEXT))
    resident_id = Id(load_default=None, allow_none=True, metadata={"description": "staff: whom it is for"})
    answers = fields.Dict(keys=fields.Str(validate=validate.Length(max=64)),
                          values=fields.Raw(), load_default=None, allow_none=True,
                          validate=validate.Length(max=10),
                          metadata={"description": "answers to earlier questions, by question id"})
    asked = fields.Int(load_default=0, validate=validate.Range(min=0, max=10))


class TriageResultSchema(Schema):
    id = fields.Int()
    level = fields.Str(metadata={"description": "emergency | urgent | routine | self_care"})
    department = fields.Str()
    final = fields.Bool(metadata={"description": "false while a question is still worth asking"})
    complaints = fields.Function(lambda r: r.result["complaints"])
    red_flags = fields.Function(lambda r: r.result["red_flags"])
    questions = fields.Function(lambda r: r.result["questions"])
    advice = fields.Function(lambda r: r.result["advice"])
    alert_id = fields.Int(allow_none=True)


@blp.post("")
@limiter.limit(lambda: current_app.config["RATELIMIT_TRIAGE"])
@blp.arguments(TriageRequestSchema)
@blp.response(200, TriageResultSchema)
def triage(data):
    """Assess symptoms: level, department, red flags, the next question, plain advice (never a diagnosis).

    Emergency and urgent final answers open a triage_red_flag alert for the resident's team.
    """
    actor = current_actor()
    resident_id = actor.id if actor.is_resident else data["resident_id"]
    if resident_id is None:
        raise RuleViolation("triage.resident", "请指定居民 / resident_id is required for staff",
                            errors={"resident_id": ["必填"]})
    return committed(assessments.assess_symptoms(db.session, actor=actor, resident_id=resident_id,
                                                 text=data["text"], answers=data["answers"], asked=data["asked"],
                                                 now=utcnow()))
