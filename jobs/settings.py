"""Scheduler settings, loaded and checked once by app/config.py (`setting()` reads them from there).

| name | default | meaning |
|---|---|---|
| JOBS_ONLY | all | comma-separated job names this scheduler runs (ops and tests) |
| JOBS_JOBSTORE_URL | the app's database | where APScheduler keeps its job table (`apscheduler_jobs`) |
| JOBS_LEASE_SECONDS | 60 | lease TTL of the SQLite lock (renewed every third of it while a job runs) |
| JOBS_LOCK_BACKEND | advisory on PostgreSQL, else lease | force `lease` or `advisory` |
| JOBS_NOTIFIER | WeChat when configured, else logging | `module:factory`, factory(app) -> Notifier |
| JOBS_TREND_MODEL | ml.model.load_model | `module:factory`, factory() -> TrendModel |
| OUTBOX_INTERVAL_SECONDS | 5 | how often the outbox sender runs |
| OUTBOX_BATCH | 200 | messages per sender run |
| OUTBOX_CLAIM_SECONDS | 60 | how long a claimed message waits before a crashed send is retried |
| OUTBOX_MAX_ATTEMPTS | 8 | attempts before a retryable failure becomes final |
| TREND_SCAN_CHUNK | 5000 | residents per scan chunk (bounds memory) |
| TREND_SCAN_INTERVAL_SECONDS | 3600 | how often the trend scan runs |
| MISSED_MONITORING_DAYS | 14 | days without a reading before a missed_monitoring alert |
| CONFIRM_WAIT_MINUTES | 30 | how long a dangerous home value waits for its repeat before the village doctor is asked to call |
| JOBS_METRICS_PORT | 9108 | the scheduler's /metrics port on 127.0.0.1 (0: off) |
"""
from __future__ import annotations

import importlib
from datetime import datetime
from typing import Any

from app.config import setting
from app.services.clock import LOCAL_TZ

__all__ = ["load_object", "parse_now", "setting"]


def load_object(path: str) -> Any:
    """Import `module:attribute`."""
    module, _, attribute = path.partition(":")
    obj = importlib.import_module(module)
    for part in attribute.split(".") if attribute else ():
        obj = getattr(obj, part)
    return obj


def parse_now(value: str) -> datetime:
    """A `--now` value: ISO 8601; without an offset it is Asia/Shanghai local time."""
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=LOCAL_TZ)
