"""SIGKILL the scheduler process mid-run, start it again: nothing is lost and nothing happens twice.

The real `python -m jobs` runs the outbox sender and the trend scan against the test database
(PostgreSQL with advisory locks when TEST_DATABASE_URL is PostgreSQL, else SQLite with lease rows),
with a slow fake WeChat (it logs each delivery to a file and dedups by client_msg_id, as WeChat does)
and a slowed-down rules model, so the kill lands in the middle of both jobs.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select, text

from app.services import outbox
from app.services.clock import local_date
from models.alerts import Alert, AlertKind
from models.base import utcnow
from models.jobs import ResidentScanState
from models.outbox import OutboxMessage, OutboxStatus
from tests.conftest import TEST_ENV
from tests.jobs.conftest import add_bp_days

ROOT = Path(__file__).resolve().parents[2]
N_RESIDENTS = 12
N_MESSAGES = 16


def _start(env: dict, log_path: Path) -> subprocess.Popen:
    out = open(log_path, "ab")
    return subprocess.Popen([sys.executable, "-m", "jobs"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def _wait(condition, timeout: float, what: str, logs: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}; scheduler log:\n{logs.read_text(errors='replace')[-4000:]}")


def test_sigkill_mid_run_then_restart_loses_nothing_and_duplicates_nothing(app, db, session, people, tmp_path):
    real_now = utcnow()  # the subprocess runs on the wall clock
    people.bind_staff("vdoc_a", "gp1", "county1")
    flagged = [people.resident(f"杀{i}") for i in range(N_RESIDENTS)]
    for r in flagged:  # 16 days off target: two windows -> high severity, so quiet hours do not hold the notices
        add_bp_days(session, r, last_day=local_date(real_now) - timedelta(days=1), days=16, systolic=160,
                    diastolic=98)
    for i in range(N_MESSAGES):
        outbox.enqueue(session, consortium_id=flagged[0].consortium_id, resident_id=flagged[i % N_RESIDENTS].id,
                       kind="reading_advice", text=f"建议{i}", now=real_now - timedelta(minutes=1))
    session.commit()

    wechat_log, sched_log = tmp_path / "wechat.log", tmp_path / "scheduler.log"
    env = {**os.environ, **TEST_ENV, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "JOBS_ONLY": "outbox_sender,trend_scan", "JOBS_NOTIFIER": "tests.jobs.fakes:FileWeChat",
           "JOBS_TREND_MODEL": "tests.jobs.fakes:slow_rules_model", "FAKE_WECHAT_LOG": str(wechat_log),
           "FAKE_WECHAT_DELAY": "0.08", "FAKE_MODEL_DELAY": "0.06", "TREND_SCAN_CHUNK": "2",
           "TREND_SCAN_INTERVAL_SECONDS": "2", "OUTBOX_INTERVAL_SECONDS": "1", "OUTBOX_CLAIM_SECONDS": "1",
           "JOBS_LEASE_SECONDS": "2"}

    def delivered() -> Counter:
        if not wechat_log.exists():
            return Counter()
        return Counter(line.split()[1] for line in wechat_log.read_text().splitlines() if line.startswith("delivered "))

    def scalar(stmt):
        with db.engine.connect() as conn:
            return conn.execute(stmt).scalar()

    def notified() -> list[int]:  # the residents named in the scan's digests to the team
        with db.engine.connect() as conn:
            return [rid for (data,) in conn.execute(select(OutboxMessage.data)
                                                    .where(OutboxMessage.kind == "alert_digest"))
                    for rid in data["resident_ids"]]

    scanned = select(func.count()).select_from(ResidentScanState).where(ResidentScanState.scanned_at.is_not(None))
    queued = select(func.count()).select_from(ResidentScanState).where(ResidentScanState.scanned_at.is_(None))
    unsent = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status != OutboxStatus.sent)
    try:
        first = _start(env, sched_log)
        try:
            _wait(lambda: sum(delivered().values()) >= 3 and scalar(scanned) >= 2, 20, "progress", sched_log)
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait()
        # the kill landed mid-run in both jobs
        assert scalar(unsent) > 0 and scalar(queued) > 0

        second = _start(env, sched_log)
        try:
            _wait(lambda: scalar(queued) == 0 and scalar(unsent) == 0 and len(notified()) >= N_RESIDENTS,
                  25, "completion", sched_log)
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(timeout=10)

        session.expire_all()
        messages = list(session.scalars(select(OutboxMessage)))
        assert all(m.status == OutboxStatus.sent for m in messages)
        counts = delivered()
        assert set(counts) == {m.client_msg_id for m in messages}  # every message delivered ...
        assert max(counts.values()) == 1  # ... exactly once
        attempts = sum(m.attempts for m in messages)
        assert len(messages) <= attempts <= len(messages) + 1  # at most the one send in flight was repeated
        alerts = list(session.scalars(select(Alert).where(Alert.kind == AlertKind.trend_bp)))
        assert sorted(a.resident_id for a in alerts) == sorted(r.id for r in flagged)  # one each
        assert all(a.evidence_count == 1 for a in alerts)  # no chunk was applied twice
        assert sorted(notified()) == sorted(r.id for r in flagged)  # each resident in exactly one digest
    finally:
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS apscheduler_jobs"))
