"""APScheduler in its own process: timezone Asia/Shanghai, coalesce, one instance per job, misfire grace,
and a persistent job store in the database (table `apscheduler_jobs`, created by APScheduler).

Persistence matters for the daily jobs: a run missed while the scheduler was down happens once at
start-up if it is still within the job's misfire grace. At start-up each job of the table is written
to the store; a stored job whose trigger is unchanged keeps its stored next run time. Jobs that
left the table are removed from the store. Every run takes the job's database lock (`jobs.locks`),
so a second scheduler started by mistake skips instead of double-running.
"""
from __future__ import annotations

import logging
import signal
from datetime import datetime

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy import create_engine

from app.services.clock import LOCAL_TZ
from app.services.dialects import sqlite_pragmas
from jobs import metrics
from jobs.settings import setting
from jobs.table import JOBS, JobSpec, run_job

log = logging.getLogger("jobs")
JOBSTORE_TABLE = "apscheduler_jobs"
_app = None  # the process's Flask app: job store entries carry only the job name (they are pickled)


def run_scheduled(name: str) -> None:
    """The function the job store points at; runs one job of the table under its lock."""
    run_job(_app, name)


def selected_jobs(app) -> list[JobSpec]:
    """The job table, or the JOBS_ONLY subset of it."""
    only = {n.strip() for n in setting(app, "JOBS_ONLY", "").split(",") if n.strip()}
    unknown = only - {spec.name for spec in JOBS}
    if unknown:
        raise SystemExit(f"JOBS_ONLY names unknown jobs: {', '.join(sorted(unknown))}")
    return [spec for spec in JOBS if not only or spec.name in only]


def build_scheduler(app) -> BlockingScheduler:
    """A blocking scheduler with the job table in a database job store."""
    global _app
    _app = app
    url = setting(app, "JOBS_JOBSTORE_URL", "") or app.config["SQLALCHEMY_DATABASE_URI"]
    store = SQLAlchemyJobStore(engine=sqlite_pragmas(create_engine(url)), tablename=JOBSTORE_TABLE)
    scheduler = BlockingScheduler(
        timezone=LOCAL_TZ, jobstores={"default": store}, executors={"default": ThreadPoolExecutor(4)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300})
    store.start(scheduler, "default")  # read what a previous run left (creates the table the first time)
    stored = {job.id: job for job in store.get_all_jobs()}
    specs = selected_jobs(app)
    names = {spec.name for spec in specs}
    for job_id in stored:
        if job_id not in names:
            store.remove_job(job_id)
    now = datetime.now(LOCAL_TZ)
    for spec in specs:
        trigger = spec.trigger(app)
        options = {}
        previous = stored.get(spec.name)
        if previous is not None and str(previous.trigger) == str(trigger) and previous.next_run_time is not None:
            options["next_run_time"] = previous.next_run_time  # missed runs are caught up (coalesced)
        elif spec.start_now:
            options["next_run_time"] = now
        scheduler.add_job(run_scheduled, trigger, args=[spec.name], id=spec.name, name=spec.name,
                          misfire_grace_time=spec.misfire_grace_seconds, replace_existing=True, **options)
    return scheduler


def main(app) -> None:
    """Run the scheduler for `app` until SIGTERM or Ctrl-C."""
    scheduler = build_scheduler(app)
    metrics.serve(setting(app, "JOBS_METRICS_PORT", 9108, int))
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=False))
    log.info("scheduler started with jobs: %s", ", ".join(spec.name for spec in selected_jobs(app)))
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
