"""The job table as data: name, trigger, misfire grace, and the module whose `run(ctx)` calls a service.

`run_job` is the one code path for the scheduler and `flask jobs run NAME`: app context, the job's
database lock (a second scheduler started by mistake skips the run), the service call, commit.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from jobs import (confirmation_timeout, contracts, escalation, missed_monitoring, outbox_sender, privacy, reminders,
                  trend_scan)
from jobs import metrics
from jobs.context import JobContext
from jobs.settings import setting
from models.base import utcnow

log = logging.getLogger("jobs")
TZ = "Asia/Shanghai"


@dataclass(frozen=True)
class JobSpec:
    name: str
    description: str
    trigger: Callable[..., BaseTrigger]  # trigger(app=None): settings may change intervals
    run: Callable[[JobContext], Any]  # run(ctx) -> report
    misfire_grace_seconds: int = 300  # a run missed by less than this still happens (once: coalesce)
    start_now: bool = False  # interval jobs run once at start-up, then every interval


@dataclass(frozen=True)
class Skipped:
    """A run that did not happen because another scheduler holds the job's lock."""

    job: str
    held_by: str | None

    def __str__(self) -> str:
        return f"skipped: lock held by {self.held_by or 'another scheduler'}"


def _every(**interval: float) -> Callable[..., BaseTrigger]:
    return lambda app=None: IntervalTrigger(timezone=TZ, **interval)


def _daily(hour: int, minute: int) -> Callable[..., BaseTrigger]:
    return lambda app=None: CronTrigger(hour=hour, minute=minute, timezone=TZ)


JOBS: list[JobSpec] = [
    JobSpec("outbox_sender", "send due outbox messages through the notifier (every 5 s)",
            lambda app=None: IntervalTrigger(seconds=setting(app, "OUTBOX_INTERVAL_SECONDS", 5.0, float), timezone=TZ),
            outbox_sender.run, misfire_grace_seconds=30, start_now=True),
    JobSpec("escalation", "escalate unacknowledged critical/high alerts past their SLA (every minute)",
            _every(minutes=1), escalation.run, misfire_grace_seconds=60, start_now=True),
    JobSpec("confirmation_timeout", "dangerous values not repeated within CONFIRM_WAIT_MINUTES: a moderate "
            "call-the-resident alert for the village doctor (every minute)",
            _every(minutes=1), confirmation_timeout.run, misfire_grace_seconds=60, start_now=True),
    JobSpec("trend_scan", "score residents with new readings; raise trend alerts (hourly)",
            lambda app=None: IntervalTrigger(seconds=setting(app, "TREND_SCAN_INTERVAL_SECONDS", 3600.0, float),
                                             timezone=TZ),
            trend_scan.run, misfire_grace_seconds=1800, start_now=True),
    JobSpec("reminders", "queue measurement, medication, follow-up and renewal reminders (every 5 min)",
            _every(minutes=5), reminders.run, misfire_grace_seconds=240, start_now=True),
    JobSpec("contract_expiry", "mark contracts past their term as expired (daily 00:10)",
            _daily(0, 10), contracts.run, misfire_grace_seconds=6 * 3600),
    JobSpec("deletion_requests", "anonymise residents whose deletion request passed the retention period (daily 02:00)",
            _daily(2, 0), privacy.run_deletions, misfire_grace_seconds=6 * 3600),
    JobSpec("wechat_prune", "drop WeChat dedup/reply logs older than 7 days (daily 03:00)",
            _daily(3, 0), privacy.run_wechat_prune, misfire_grace_seconds=6 * 3600),
    JobSpec("missed_monitoring", "low alert for enrolled residents without a reading for 14 days (daily 06:00)",
            _daily(6, 0), missed_monitoring.run, misfire_grace_seconds=6 * 3600),
]


def find(name: str) -> JobSpec:
    for spec in JOBS:
        if spec.name == name:
            return spec
    raise KeyError(name)


def run_job(app, name: str, now: datetime | None = None):
    """Run one job now under its lock, in an app context, and commit; returns its report (or Skipped)."""
    from app.extensions import db
    from jobs.locks import held

    spec = find(name)
    clock = utcnow if now is None else (lambda: now)
    with app.app_context():
        with held(app, name) as lock:
            if not lock.acquired:
                log.info("job %s skipped: lock held by %s", name, lock.holder)
                return Skipped(name, lock.holder)
            ctx = JobContext(app=app, session=db.session, now=now or utcnow(), clock=clock)
            started = time.perf_counter()
            try:
                report = spec.run(ctx)
                db.session.commit()
            except Exception:
                db.session.rollback()
                metrics.FAILURES.labels(name).inc()
                log.exception("job %s failed", name)
                raise
            metrics.LAST_RUN_SECONDS.labels(name).set(time.perf_counter() - started)
            metrics.LAST_SUCCESS.labels(name).set(time.time())
        log.info("job %s: %s", name, report)
        return report
