"""The scheduler's side of the job locks: one lock per job name, on the app's database."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from app.services.locks import Lock, job_lock, process_holder
from jobs.settings import setting

HOLDER = process_holder()  # one identity per scheduler process


@contextmanager
def held(app, name: str) -> Iterator[Lock]:
    """Hold the job's lock for the block if no other scheduler does; check `lock.acquired`."""
    from app.extensions import db

    ttl = timedelta(seconds=setting(app, "JOBS_LEASE_SECONDS", 60.0, float))
    backend = setting(app, "JOBS_LOCK_BACKEND", "") or None
    with job_lock(db.engine, f"job:{name}", holder=HOLDER, ttl=ttl, backend=backend) as lock:
        yield lock
