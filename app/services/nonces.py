"""Seen-once cache for signed WeChat callbacks: a (timestamp, nonce) pair is good for one body.

A signature that leaked (an access log, a proxy) cannot carry a second, different body inside the replay
window. The same body again is WeChat's own retry (it resends identical deliveries up to three times) and
passes on to the dedup log, which answers it with the stored reply.

Two stores with one contract, `first_use(timestamp, nonce, body) -> bool` (False: a replay):
Redis (`SET NX EX`) when REDIS_URL is set, else a table in the database (an INSERT … ON CONFLICT DO NOTHING on
its primary key). Both are shared by every worker and process.
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import bindparam, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
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
    """The cache as a table; each check is one autocommit statement on the engine (two on a repeated pair).

    Autocommit: the INSERT … ON CONFLICT DO NOTHING commits by itself, without the BEGIN and COMMIT round trips
    of a transaction; the statements are built once, for the engine's dialect.
    """

    def __init__(self, engine: Engine, *, ttl: timedelta) -> None:
        self.engine, self.ttl = engine, ttl
        table = CallbackNonce.__table__
        dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
        self._claim = (dialect.insert(table)
                       .values(key=bindparam("key"), body_digest=bindparam("digest"), seen_at=bindparam("now"))
                       .on_conflict_do_nothing(index_elements=["key"]).returning(table.c.key))
        self._seen = select(table.c.body_digest, table.c.seen_at).where(table.c.key == bindparam("key"))
        self._reuse = (table.update().where(table.c.key == bindparam("key"))
                       .values(body_digest=bindparam("digest"), seen_at=bindparam("now")))

    def first_use(self, timestamp: str, nonce: str, body: bytes, *, now: datetime) -> bool:
        params = {"key": _key(timestamp, nonce), "digest": _digest(body), "now": now}
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            if connection.execute(self._claim, params).first() is not None:
                return True
            row = connection.execute(self._seen, params).first()
            if row is None:  # pruned between the two statements
                return True
            if row.seen_at < now - self.ttl:  # an old entry the prune job has not reached: reuse the slot
                connection.execute(self._reuse, params)
                return True
            return row.body_digest == params["digest"]


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
