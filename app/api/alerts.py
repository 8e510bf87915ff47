"""Alerts (预警): the team queue (severity, then waiting time), one alert with its events, acknowledge, resolve.

Team staff see their teams' residents' alerts; a specialist sees alerts escalated to them or their
department. Acknowledging and resolving need a note; resolving may record a follow-up in the same call.
"""
from flask_smorest import Blueprint

from app.api.common import committed
from app.auth import current_actor
from app.extensions import db
from app.schemas.alerts import (AlertAcknowledgeSchema, AlertArgsSchema, AlertDetailSchema, AlertResolveSchema,
                                AlertSchema)
from app.schemas.common import page_of
from app.services import alerts
from models.base import utcnow

blp = Blueprint("alerts", __name__, description="预警 / alerts")


@blp.get("")
@blp.arguments(AlertArgsSchema, location="query")
@blp.response(200, page_of(AlertSchema))
def queue(args):
    """The caller's alert queue: critical first, then the longest waiting; filter by status, kind, village."""
    return alerts.team_queue(db.session, current_actor(), **args)


@blp.get("/<int:alert_id>")
@blp.response(200, AlertDetailSchema)
def get_alert(alert_id):
    """One alert with its events (opened, evidence, escalated, acknowledged, resolved)."""
    return alerts.get_alert(db.session, current_actor(), alert_id)


@blp.post("/<int:alert_id>/acknowledge")
@blp.arguments(AlertAcknowledgeSchema)
@blp.response(200, AlertDetailSchema)
def acknowledge(data, alert_id):
    """Take the alert (stops the escalation clock); a note is required."""
    alert = committed(alerts.acknowledge(db.session, actor=current_actor(), alert_id=alert_id, now=utcnow(), **data))
    return alerts.describe(db.session, alert)


@blp.post("/<int:alert_id>/resolve")
@blp.arguments(AlertResolveSchema)
@blp.response(200, AlertDetailSchema)
def resolve(data, alert_id):
    """Close the alert with a note, optionally recording a follow-up visit in the same transaction."""
    alert = committed(alerts.resolve(db.session, actor=current_actor(), alert_id=alert_id, now=utcnow(), **data))
    return alerts.describe(db.session, alert)
