"""The job table, the persistent job store, `flask jobs`, and the lock that stops a second scheduler."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.job import Job
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger

from app.services import alerts, locks
from app.services.clock import LOCAL_TZ
from jobs import scheduler as jobs_scheduler
from jobs.cli import jobs_cli
from jobs.locks import HOLDER
from jobs.table import JOBS, Skipped, run_job
from models.alerts import Alert


@pytest.fixture
def jobstore_url(app, tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'jobstore.db'}"
    monkeypatch.setitem(app.config, "JOBS_JOBSTORE_URL", url)
    return url


def _previous_run(url: str, jobs: dict[str, tuple]) -> None:
    """What an earlier scheduler process left in the job store."""
    store = SQLAlchemyJobStore(url=url, tablename=jobs_scheduler.JOBSTORE_TABLE)
    store.start(BlockingScheduler(timezone=LOCAL_TZ), "default")
    for name, (trigger, next_run) in jobs.items():
        store.add_job(Job(store._scheduler, id=name, func=jobs_scheduler.run_scheduled, args=[name], kwargs={},
                          trigger=trigger, executor="default", name=name, misfire_grace_time=60, coalesce=True,
                          max_instances=1, next_run_time=next_run))


def test_every_issue_job_is_in_the_table_with_its_trigger():
    names = {spec.name: str(spec.trigger()) for spec in JOBS}
    assert names == {
        "outbox_sender": "interval[0:00:05]", "escalation": "interval[0:01:00]", "trend_scan": "interval[1:00:00]",
        "reminders": "interval[0:05:00]", "contract_expiry": "cron[hour='0', minute='10']",
        "missed_monitoring": "cron[hour='6', minute='0']", "deletion_requests": "cron[hour='2', minute='0']",
        "wechat_prune": "cron[hour='3', minute='0']", "confirmation_timeout": "interval[0:01:00]"}


def test_the_scheduler_keeps_stored_run_times_and_drops_jobs_no_longer_in_the_table(app, jobstore_url):
    missed = datetime(2026, 6, 1, 0, 10, tzinfo=LOCAL_TZ)  # a daily run the scheduler was down for
    expiry = next(spec for spec in JOBS if spec.name == "contract_expiry")
    _previous_run(jobstore_url, {"contract_expiry": (expiry.trigger(), missed),
                                 "retired_job": (IntervalTrigger(days=1, timezone=LOCAL_TZ),
                                                 datetime(2026, 6, 1, tzinfo=LOCAL_TZ))})
    scheduler = jobs_scheduler.build_scheduler(app)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {spec.name for spec in JOBS}
    assert jobs["contract_expiry"].next_run_time == missed  # caught up once at start (coalesce, misfire grace)
    assert jobs["contract_expiry"].misfire_grace_time == 6 * 3600
    assert scheduler._job_defaults == {"coalesce": True, "max_instances": 1, "misfire_grace_time": 300}
    assert jobs["outbox_sender"].next_run_time is not None  # interval jobs start at once
    store = scheduler._jobstores["default"]
    assert store.lookup_job("retired_job") is None


def test_jobs_only_restricts_the_scheduler(app, jobstore_url, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_ONLY", "outbox_sender,trend_scan")
    scheduler = jobs_scheduler.build_scheduler(app)
    assert {job.id for job in scheduler.get_jobs()} == {"outbox_sender", "trend_scan"}
    monkeypatch.setitem(app.config, "JOBS_ONLY", "no_such_job")
    with pytest.raises(SystemExit):
        jobs_scheduler.build_scheduler(app)


def test_a_second_scheduler_skips_a_job_whose_lock_is_held(app, db):
    with locks.job_lock(db.engine, "job:escalation", holder="the-other-scheduler") as held:
        assert held.acquired
        result = run_job(app, "escalation")
    assert isinstance(result, Skipped)
    assert run_job(app, "escalation") == {"escalated": 0}
    assert HOLDER != "the-other-scheduler"


def test_flask_jobs_run_with_now_escalates_an_overdue_critical_alert(app, session, world, now):
    alerts.raise_alert(session, resident_id=world.ids["res_a1"], kind="acute_bp", severity="critical",
                       summary="血压186/112", now=now - timedelta(minutes=40), notify=False)
    session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(jobs_cli, ["run", "escalation", "--now", "2026-06-01T09:00:00+08:00"])
    assert result.exit_code == 0, result.output
    assert "{'escalated': 1}" in result.output
    session.expire_all()
    assert session.query(Alert).one().escalation_level == 1
    listed = runner.invoke(jobs_cli, ["list"])
    assert all(spec.name in listed.output for spec in JOBS)


def test_now_without_an_offset_is_shanghai_time_and_settings_fall_back_to_the_environment(monkeypatch):
    from datetime import timezone

    from jobs.settings import parse_now, setting

    assert parse_now("2026-06-01T09:00") == datetime(2026, 6, 1, 1, 0, tzinfo=timezone.utc)
    assert parse_now("2026-06-01T09:00:00+00:00").utcoffset() == timedelta(0)
    monkeypatch.setenv("OUTBOX_BATCH", "17")
    assert setting(None, "OUTBOX_BATCH") == 17 and setting(None, "NO_SUCH_SETTING", 5) == 5
    from app.config import load_config

    assert load_config()["OUTBOX_BATCH"] == 17  # loaded and cast once, with every other setting
