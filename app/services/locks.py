"""Job locks: at most one holder of a named lock across processes, so a second scheduler does no harm.

- PostgreSQL: a session-level advisory lock (`pg_try_advisory_lock`) on a dedicated connection. It
  lives exactly as long as that connection: a holder killed with SIGKILL loses it the moment the
  server sees the socket close.
- SQLite (and any other database): a lease row in `job_leases` (name, holder, expires_at), taken with
  one atomic UPDATE (free or expired) or INSERT (first use). A heartbeat thread renews it while the
  holder works; a crashed holder's lease simply runs out after `ttl`.

Wall-clock time (not a job's business `now`) decides leases: a job run with `--now` in the past must
not see every lease as expired.
"""
from __future__ import annotations

import hashlib
import logging
import os
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, or_, text, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from models.base import utcnow
from models.jobs import JobLease

log = logging.getLogger(__name__)

DEFAULT_TTL = timedelta(seconds=60)


def process_holder() -> str:
    """Who holds a lease: host, pid and a random suffix (pids are reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def advisory_key(name: str) -> int:
    """A stable signed 64-bit key for a lock name (pg_try_advisory_lock takes a bigint)."""
    return int.from_bytes(hashlib.sha256(f"jiayi:{name}".encode()).digest()[:8], "big", signed=True)


@dataclass
class Lock:
    """A held (or refused) lock; `acquired` says which; `holder` is the current holder when refused."""

    name: str
    acquired: bool
    backend: str
    holder: str | None = None
    lost: threading.Event = field(default_factory=threading.Event)  # set when a lease renewal failed


# --- lease rows (SQLite, or any database) -------------------------------------------------------------
def try_lease(conn: Connection, name: str, *, holder: str, ttl: timedelta, now: datetime | None = None) -> bool:
    """Take or extend the lease `name` for `holder` if it is free, expired or already ours (one transaction)."""
    now = now or utcnow()
    with conn.begin():
        taken = conn.execute(
            update(JobLease)
            .where(JobLease.name == name, or_(JobLease.expires_at < now, JobLease.holder == holder))
            .values(holder=holder, expires_at=now + ttl))
        if taken.rowcount == 1:
            return True
    try:
        with conn.begin():
            conn.execute(insert(JobLease).values(name=name, holder=holder, expires_at=now + ttl))
        return True
    except IntegrityError:  # someone else holds it (or took it between our UPDATE and INSERT)
        return False


def renew_lease(conn: Connection, name: str, *, holder: str, ttl: timedelta, now: datetime | None = None) -> bool:
    """Push our lease's expiry out; False if it is no longer ours."""
    now = now or utcnow()
    with conn.begin():
        return conn.execute(update(JobLease).where(JobLease.name == name, JobLease.holder == holder)
                            .values(expires_at=now + ttl)).rowcount == 1


def release_lease(conn: Connection, name: str, *, holder: str) -> None:
    """Give the lease back (only if it is still ours)."""
    with conn.begin():
        conn.execute(delete(JobLease).where(JobLease.name == name, JobLease.holder == holder))


def lease_holder(conn: Connection, name: str) -> str | None:
    """The current holder of a lease row, expired or not (for log lines)."""
    with conn.begin():
        return conn.execute(text("SELECT holder FROM job_leases WHERE name = :n"), {"n": name}).scalar()


@contextmanager
def _lease_lock(engine: Engine, name: str, holder: str, ttl: timedelta) -> Iterator[Lock]:
    with engine.connect() as conn:
        if not try_lease(conn, name, holder=holder, ttl=ttl):
            yield Lock(name, False, "lease", holder=lease_holder(conn, name))
            return
    lock = Lock(name, True, "lease", holder=holder)
    stop = threading.Event()

    def heartbeat() -> None:
        # Renew at a third of the TTL: two missed beats still leave the lease ours.
        while not stop.wait(ttl.total_seconds() / 3):
            try:
                with engine.connect() as beat:
                    if not renew_lease(beat, name, holder=holder, ttl=ttl):
                        log.error("lease %s lost by %s", name, holder)
                        lock.lost.set()
                        return
            except Exception:  # a busy database: try again at the next beat
                log.exception("lease %s renewal failed", name)

    thread = threading.Thread(target=heartbeat, name=f"lease-{name}", daemon=True)
    thread.start()
    try:
        yield lock
    finally:
        stop.set()
        thread.join()
        try:
            with engine.connect() as conn:
                release_lease(conn, name, holder=holder)
        except Exception:  # it runs out by itself
            log.exception("lease %s not released", name)


# --- PostgreSQL advisory locks ----------------------------------------------------------------------------
def _advisory_holder(conn: Connection, key: int) -> str | None:
    """The backend pid holding an advisory key, for the log line of a refused lock."""
    try:
        pid = conn.execute(text(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1 "
            "AND classid::bigint = ((:k)::bigint >> 32) & 4294967295 AND objid::bigint = (:k)::bigint & 4294967295"),
            {"k": key}).scalar()
    except Exception:
        return None
    return f"postgres backend pid {pid}" if pid is not None else None


@contextmanager
def _advisory_lock(engine: Engine, name: str, holder: str) -> Iterator[Lock]:
    key = advisory_key(name)
    conn = engine.connect()
    try:
        # Autocommit: the lock belongs to the connection, not to a transaction left open for hours.
        conn.execution_options(isolation_level="AUTOCOMMIT")
        got = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar())
        if not got:
            yield Lock(name, False, "advisory", holder=_advisory_holder(conn, key))
            return
        try:
            yield Lock(name, True, "advisory", holder=holder)
        finally:
            try:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
            except Exception:  # a broken connection has dropped the lock already; never pool it
                log.exception("advisory unlock of %s failed", name)
                conn.invalidate()
    finally:
        conn.close()


@contextmanager
def job_lock(engine: Engine, name: str, *, holder: str | None = None, ttl: timedelta = DEFAULT_TTL,
             backend: str | None = None) -> Iterator[Lock]:
    """Hold the named lock for the `with` block if nobody else does; `lock.acquired` tells.

    backend: "advisory" (PostgreSQL only) or "lease"; default advisory on PostgreSQL, else lease.
    """
    holder = holder or process_holder()
    backend = backend or ("advisory" if engine.dialect.name == "postgresql" else "lease")
    if backend == "advisory":
        with _advisory_lock(engine, name, holder) as lock:
            yield lock
    elif backend == "lease":
        with _lease_lock(engine, name, holder, ttl) as lock:
            yield lock
    else:
        raise ValueError(f"unknown lock backend {backend!r}")
