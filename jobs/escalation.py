"""Escalation SLA check (every minute): unacknowledged critical/high alerts climb the ladder."""
from __future__ import annotations

from app.services import alerts
from jobs.context import JobContext


def run(ctx: JobContext) -> dict:
    return {"escalated": alerts.escalate_due(ctx.session, now=ctx.now)}
