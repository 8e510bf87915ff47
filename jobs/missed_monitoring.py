"""Missed monitoring (daily): enrolled residents without a reading for 14 days get a low alert."""
from __future__ import annotations

from app.services import monitoring
from jobs.context import JobContext
from jobs.settings import setting


def run(ctx: JobContext) -> monitoring.MonitoringReport:
    days = setting(ctx.app, "MISSED_MONITORING_DAYS", monitoring.DEFAULT_DAYS, int)
    return monitoring.flag_missed_monitoring(ctx.session, now=ctx.now, days=days)
