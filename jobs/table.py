"""The job table as data: name, trigger, and the function that calls a service."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from models.base import utcnow

log = logging.getLogger("jobs")


@dataclass(frozen=True)
class JobSpec:
    name: str
    description: str
    trigger: Callable[[], object]
    run: Callable[..., object]  # run(session, now) -> report


def expire_contracts(session, now):
    from app.services import contracts

    return {"expired": contracts.expire_contracts(session, now=now)}


JOBS: list[JobSpec] = [
    JobSpec("contract_expiry", "mark contracts past their term as expired (daily 00:10)",
            lambda: CronTrigger(hour=0, minute=10, timezone="Asia/Shanghai"), expire_contracts),
]


def find(name: str) -> JobSpec:
    for spec in JOBS:
        if spec.name == name:
            return spec
    raise KeyError(name)


def run_job(app, name: str, now=None):
    """Run one job in an app context and commit; the same path serves the scheduler and `flask jobs run`."""
    from app.extensions import db

    spec = find(name)
    with app.app_context():
        try:
            report = spec.run(db.session, now or utcnow())
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("job %s failed", name)
            raise
        log.info("job %s: %s", name, report)
        return report
