"""Seen-once cache for signed WeChat callbacks: a (timestamp, nonce) pair is good for one body.

A signature that leaked (an access log, a proxy) cannot carry a second, different body inside the replay
window. The same body again is WeChat's own retry (it resends identical deliveries up to three times) and
passes on to the dedup log, which answers it with the stored reply.

Two stores with one contract, `first_use(timestamp, nonce, body) -> bool` (False: a replay):
Redis (`SET NX EX`) when REDIS_URL is set, else a table in the database (an INSERT that a primary key
refuses). Both are shared by every worker and process.
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.wechat import CallbackNonce

PREFIX = "jiayi:wechat-nonce:"


def _key(timestamp: str, nonce: str) -> str:
    return hashlib.sha256(f"{timestamp}:{nonce}".encode()).hexdigest()


def _digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


class NonceCache(Protocol):
    def first_use(self, timestamp: str, nonce: str, body: bytes, *, now: datetime) -> bool: ...


class DatabaseNonces:
    """The cache as a table; each check is its own short transaction on the engine."""

    def __init__(self, engine: Engine, *, ttl: timedelta) -> None:
        self.engine, self.ttl = engine, ttl

    def first_use(self, timestamp: str, nonce: str, body: bytes, *, now: datetime) -> bool:
        key, digest = _key(timestamp, nonce), _digest(body)
        try:
            with self.engine.begin() as connection:
                connection.execute(insert(CallbackNonce).values(key=key, body_digest=digest, seen_at=now))
            return True
        except IntegrityError:
            with self.engine.connect() as connection:
                row = connection.execute(select(CallbackNonce.body_digest, CallbackNonce.seen_at)
                                         .where(CallbackNonce.key == key)).first()
            if row is None:  # pruned between the two statements
                return True
            if row.seen_at < now - self.ttl:  # an old entry the prune job has not reached: reuse the slot
                with self.engine.begin() as connection:
                    connection.execute(CallbackNonce.__table__.update().where(CallbackNonce.key == key)
                                       .values(body_digest=digest, seen_at=now))
                return True
            return row.body_digest == digest


class RedisNonces:
    """The cache in Redis: SET NX with an expiry of the ttl."""

    def __init__(self, client: Any, *, ttl: timedelta, prefix: str = PREFIX) -> None:
        self.client, self.ttl, self.prefix = client, ttl, prefix

    def first_use(self, timestamp: str, nonce: str, body: bytes, *, now: datetime) -> bool:
        key, digest = self.prefix + _key(timestamp, nonce), _digest(body)
        if self.client.set(key, digest, nx=True, ex=max(1, int(self.ttl.total_seconds()))):
            return True
        seen = self.client.get(key)
        if seen is None:
            return True
        return (seen.decode() if isinstance(seen, bytes) else str(seen)) == digest


def prune(session: Session, *, before: datetime) -> int:
    """Drop database entries older than `before` (the daily WeChat prune)."""
    result = session.execute(delete(CallbackNonce).where(CallbackNonce.seen_at < before)
                             .execution_options(synchronize_session=False))
    return result.rowcount or 0
