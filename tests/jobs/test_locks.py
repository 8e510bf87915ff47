"""Job locks: a second holder is refused; a dead holder's lock comes free (advisory on PostgreSQL, lease rows)."""
from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import select

from app.services import locks
from models.base import utcnow
from models.jobs import JobLease


def test_a_second_holder_is_refused_until_the_first_releases(db):
    with locks.job_lock(db.engine, "job:test", holder="first") as a:
        assert a.acquired
        with locks.job_lock(db.engine, "job:test", holder="second") as b:
            assert not b.acquired
        with locks.job_lock(db.engine, "job:other", holder="second") as c:
            assert c.acquired  # locks are per name
    with locks.job_lock(db.engine, "job:test", holder="second") as d:
        assert d.acquired


def test_the_default_backend_is_advisory_on_postgresql_and_a_lease_elsewhere(db):
    with locks.job_lock(db.engine, "job:test") as lock:
        expected = "advisory" if db.engine.dialect.name == "postgresql" else "lease"
        assert lock.backend == expected


def test_an_expired_lease_is_taken_over_and_a_live_one_is_not(db):
    with db.engine.connect() as conn:
        assert locks.try_lease(conn, "job:x", holder="dead", ttl=timedelta(seconds=30))
        assert not locks.try_lease(conn, "job:x", holder="new", ttl=timedelta(seconds=30))
        later = utcnow() + timedelta(seconds=31)
        assert locks.try_lease(conn, "job:x", holder="new", ttl=timedelta(seconds=30), now=later)
        assert not locks.renew_lease(conn, "job:x", holder="dead", ttl=timedelta(seconds=30))
        assert locks.renew_lease(conn, "job:x", holder="new", ttl=timedelta(seconds=30))
        locks.release_lease(conn, "job:x", holder="dead")  # not ours any more: nothing happens
        assert locks.lease_holder(conn, "job:x") == "new"
        locks.release_lease(conn, "job:x", holder="new")
        assert locks.lease_holder(conn, "job:x") is None


def test_a_lease_is_renewed_while_its_holder_works(db, session):
    ttl = timedelta(seconds=0.6)
    with locks.job_lock(db.engine, "job:long", holder="worker", ttl=ttl, backend="lease") as lock:
        assert lock.acquired
        time.sleep(1.0)  # longer than the TTL: the heartbeat keeps it
        with locks.job_lock(db.engine, "job:long", holder="intruder", ttl=ttl, backend="lease") as other:
            assert not other.acquired and other.holder == "worker"
        assert not lock.lost.is_set()
    assert session.scalar(select(JobLease).where(JobLease.name == "job:long")) is None


def test_advisory_keys_are_stable_signed_64_bit():
    key = locks.advisory_key("job:trend_scan")
    assert key == locks.advisory_key("job:trend_scan") and -2**63 <= key < 2**63
    assert key != locks.advisory_key("job:outbox_sender")
