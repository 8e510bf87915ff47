"""Unconfirmed dangerous values (every minute): no repeat within CONFIRM_WAIT_MINUTES -> the village doctor calls."""
from __future__ import annotations

from datetime import timedelta

from app.services import readings
from jobs.context import JobContext
from jobs.settings import setting
from ml.clinical import CONFIRM_WAIT_MINUTES


def run(ctx: JobContext):
    wait = timedelta(minutes=setting(ctx.app, "CONFIRM_WAIT_MINUTES", float(CONFIRM_WAIT_MINUTES), float))
    return readings.expire_unconfirmed(ctx.session, now=ctx.now, wait=wait)
