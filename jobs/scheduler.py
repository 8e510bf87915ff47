"""APScheduler in its own process, timezone Asia/Shanghai; jobs are idempotent and run under a lock."""
from __future__ import annotations

import logging
import signal

from apscheduler.schedulers.blocking import BlockingScheduler

from jobs.table import JOBS, run_job

log = logging.getLogger("jobs")


def build_scheduler(app) -> BlockingScheduler:
    """A blocking scheduler with every job of the table, coalescing missed runs, one instance each."""
    scheduler = BlockingScheduler(timezone="Asia/Shanghai", job_defaults={
        "coalesce": True, "max_instances": 1, "misfire_grace_time": 300})
    for spec in JOBS:
        scheduler.add_job(run_job, spec.trigger(), args=[app, spec.name], id=spec.name, name=spec.name,
                          replace_existing=True)
    return scheduler


def main() -> None:
    from app import create_app

    app = create_app()
    scheduler = build_scheduler(app)
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=False))
    log.info("scheduler started with %d jobs", len(JOBS))
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
