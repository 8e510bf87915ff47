"""Brute-force throttles: N failures within a window lock the key for a while."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from app.errors import TooManyRequests
from models.auth import Throttle


def check(session: Session, key: str, *, now: datetime) -> None:
    """Raise TooManyRequests while the key is locked."""
    row = session.get(Throttle, key)
    if row and row.locked_until and row.locked_until > now:
        retry = int((row.locked_until - now).total_seconds()) + 1
        raise TooManyRequests("throttle.locked", "尝试次数过多，请稍后再试 / too many attempts, try later",
                              retry_after=retry)


def locked_until(session: Session, key: str, *, now: datetime) -> datetime | None:
    """When the key unlocks, or None if it is not locked."""
    row = session.get(Throttle, key)
    return row.locked_until if row and row.locked_until and row.locked_until > now else None


def record_failure(session: Session, key: str, *, now: datetime, limit: int, lock: timedelta) -> int:
    """Count a failure; the limit-th failure within the lock period locks the key. Returns failures."""
    row = session.get(Throttle, key)
    if row is None:
        row = Throttle(key=key, failures=0, window_started_at=now)
        session.add(row)
    elif row.window_started_at + lock < now:
        row.failures, row.window_started_at, row.locked_until = 0, now, None
    row.failures += 1
    if row.failures >= limit:
        row.locked_until = now + lock
        row.failures, row.window_started_at = 0, now
    session.flush()
    return row.failures


def reset(session: Session, key: str) -> None:
    """Forget failures after a success."""
    row = session.get(Throttle, key)
    if row is not None:
        session.delete(row)
