"""Reminders (every 5 minutes): measurement, medication, follow-up due and renewal reminders."""
from __future__ import annotations

from app.services import reminders
from jobs.context import JobContext


def run(ctx: JobContext) -> reminders.ReminderReport:
    return reminders.queue_due_reminders(ctx.session, now=ctx.now)
