"""Alerts (预警): the team queue, one alert with its events, acknowledge and resolve."""
from marshmallow import Schema, fields, validate

from app.schemas.common import PageArgsSchema
from app.schemas.followups import FollowUpCreateSchema
from models.alerts import AlertKind, AlertStatus

KINDS = [k.value for k in AlertKind]
STATUSES = [s.value for s in AlertStatus]


class AlertEventSchema(Schema):
    id = fields.Int()
    at = fields.DateTime()
    type = fields.Str(metadata={"description": "opened / evidence / raised / escalated / acknowledged / resolved"})
    staff_id = fields.Int(allow_none=True)
    note = fields.Str(allow_none=True)
    data = fields.Dict(allow_none=True)


class AlertSchema(Schema):
    id = fields.Int()
    resident_id = fields.Int()
    resident_name = fields.Str(allow_none=True)
    village_id = fields.Int(allow_none=True)
    village_name = fields.Str(allow_none=True)
    team_id = fields.Int(allow_none=True)
    kind = fields.Function(lambda a: a.kind.value)
    severity = fields.Function(lambda a: a.severity.value)
    status = fields.Function(lambda a: a.status.value)
    summary = fields.Str()
    last_value = fields.Dict(allow_none=True)
    evidence_count = fields.Int()
    opened_at = fields.DateTime()
    last_evidence_at = fields.DateTime()
    escalation_level = fields.Int(metadata={"description": "0 village doctor, 1 township, 2 county, 3 specialist"})
    assignee_staff_id = fields.Int(allow_none=True)
    department = fields.Str(allow_none=True)
    escalated_at = fields.DateTime(allow_none=True)
    acknowledged_at = fields.DateTime(allow_none=True)
    acknowledged_by_id = fields.Int(allow_none=True)
    resolved_at = fields.DateTime(allow_none=True)
    resolved_by_id = fields.Int(allow_none=True)


class AlertDetailSchema(AlertSchema):
    events = fields.List(fields.Nested(AlertEventSchema))


class AlertArgsSchema(PageArgsSchema):
    status = fields.Str(validate=validate.OneOf(STATUSES),
                        metadata={"description": "default: open, acknowledged and escalated"})
    kind = fields.Str(validate=validate.OneOf(KINDS))
    village_id = fields.Int()
    resident_id = fields.Int()


class AlertAcknowledgeSchema(Schema):
    note = fields.Str(required=True, validate=validate.Length(min=1, max=1000))


class AlertFollowUpSchema(FollowUpCreateSchema):
    """A follow-up recorded with a resolution: the resident and the alert come from the alert itself."""

    class Meta:
        exclude = ("resident_id", "alert_id")


class AlertResolveSchema(AlertAcknowledgeSchema):
    followup = fields.Nested(AlertFollowUpSchema, load_default=None,
                             allow_none=True,
                             metadata={"description": "a follow-up visit (随访) recorded with the resolution"})
