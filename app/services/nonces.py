"""Seen-once cache for signed WeChat callbacks: a (timestamp, nonce) pair is good for one body.

A signature that leaked (an access log, a proxy) cannot carry a second, different body inside the replay
window. The same body again is WeChat's own retry (it resends identical deliveries up to three times) and
passes on to the dedup log, which answers it with the stored reply.

Two stores with one contract, `first_use(timestamp, nonce, body) -> bool` (False: a replay):
Redis (`SET NX EX`) when REDIS_URL is set, else a table in the database (an INSERT … ON CONFLICT DO NOTHING on
its primary key). Both are shared by every worker and process.

On PostgreSQL the table is written through a small engine of its own (`own_engine`) whose connections commit
asynchronously (synchronous_commit = off): the check does not wait for its WAL flush. Why replay refusal still
holds:
- an asynchronous commit is visible to every other transaction at once, like any commit; only its flush to disk
  is delayed (by at most three times wal_writer_delay, 0.6 s by default). While the server runs, a second body
  with the same pair is refused exactly as before;
- the WAL is flushed in order: the bot's own transaction for the message, which commits synchronously after the
  check, flushes the nonce's commit record with its own. So once a message has done anything (a reading stored,
  a reply given), its nonce is on disk too. A crash of the database can lose only the nonces of messages whose
  work it lost as well — the same as if those deliveries had never arrived, so WeChat's retry (or a replay of
  that pair) is then its first use;
- the bot's transactions are never asynchronous: they use the app's engine, whose sessions keep the default
  (a stored reading must not be lost after its reply was sent).

That engine is for the checks made before the bot runs (`DatabaseNonces`). The callback on PostgreSQL without
Redis checks the nonce inside the bot's own transaction instead (`TransactionNonces`, docs/benchmarks.md "fifth
pass"): its INSERT is the first part of the bot's first statement (with the dedup claim and the user's upsert), so
a message costs one transaction, not two. Why replay refusal still holds:
- the claim and everything after it are conditional on the nonce's INSERT: a pair already used inserts nothing,
  claims nothing and locks nothing. Its body is then compared on a fresh snapshot (`TransactionNonces.first_use_on`)
  and a different body is refused (403) before the dialogue or any service runs;
- a second body sent while the first delivery's transaction is open waits on the key's unique index until that
  transaction ends, then is refused as above;
- the nonce commits with the message's work, synchronously: a crash of the process or the database before the
  commit loses the nonce only with everything the message did (as if it had never arrived), never after it;
- a message whose handling fails (rolled back) or that is a retry of a delivery already answered (nothing else to
  write) still records its nonce, in a transaction of its own (bot.handle): a pair that was answered stays used.
  What is weaker than a check committed before the bot runs: a different body sent with the same pair *while* a
  failing first delivery rolls back may take the pair first (it must carry a valid signature over its nonce, and
  in safe mode over its own encrypted body).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import bindparam, create_engine, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from app.services.connections import check_without_ping, once_more_if_disconnected
from models.wechat import CallbackNonce

PREFIX = "jiayi:wechat-nonce:"


def _key(timestamp: str, nonce: str) -> str:
    return hashlib.sha256(f"{timestamp}:{nonce}".encode()).hexdigest()


def _digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


class NonceCache(Protocol):
    def first_use(self, timestamp: str, nonce: str, body: bytes, *, now: datetime) -> bool: ...


# Each request thread of a web worker checks one nonce at a time: the pool keeps up to OWN_POOL_SIZE connections
# (opened only when that many checks run at once), so that gunicorn's threads (4 in the bench, 8 or fewer in
# production) never open and close an overflow connection per check. With 2 kept and 3 overflow, 4 threads at
# saturation opened a new PostgreSQL connection about every tenth message (a backend start each time).
OWN_POOL_SIZE = 8


def own_engine(engine: Engine) -> Engine:
    """The engine for the nonce table: on PostgreSQL a pool of its own, autocommit, committing asynchronously
    (see the module's docstring); on SQLite the app's engine itself."""
    if engine.dialect.name != "postgresql":
        return engine
    return check_without_ping(create_engine(
        engine.url, pool_size=OWN_POOL_SIZE, max_overflow=OWN_POOL_SIZE, pool_recycle=1800,
        isolation_level="AUTOCOMMIT", connect_args={"options": "-c synchronous_commit=off"}))


def _autocommit(engine: Engine) -> bool:
    """Whether the engine's connections are autocommit from the start: own_engine's are (create_engine's
    isolation_level, set once per connection), or an engine with it as an execution option."""
    return "AUTOCOMMIT" in (engine.get_execution_options().get("isolation_level"),
                            getattr(engine.dialect, "_on_connect_isolation_level", None))


class DatabaseNonces:
    """The cache as a table; each check is one autocommit statement on the engine (two on a repeated pair).

    Autocommit: the INSERT … ON CONFLICT DO NOTHING commits by itself, without the BEGIN and COMMIT round trips
    of a transaction; the statements are built once, for the engine's dialect. A statement that fails because
    its connection died (the pool then replaces the connection) is sent once more: the check is idempotent.
    """

    def __init__(self, engine: Engine, *, ttl: timedelta) -> None:
        self.engine, self.ttl = engine, ttl
        self._autocommit = _autocommit(engine)  # else each check switches its connection to autocommit and back
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
        return once_more_if_disconnected(lambda: self._first_use(params, now))

    def _first_use(self, params: dict[str, Any], now: datetime) -> bool:
        connection = self.engine.connect()
        if not self._autocommit:
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        with connection:
            return self.first_use_on(connection, params, now)

    def first_use_on(self, connection: Any, params: dict[str, Any], now: datetime) -> bool:
        """The check on a given connection (autocommit, or inside the caller's transaction)."""
        if connection.execute(self._claim, params).first() is not None:
            return True
        row = connection.execute(self._seen, params).first()
        if row is None:  # pruned between the two statements
            return True
        if row.seen_at < now - self.ttl:  # an old entry the prune job has not reached: reuse the slot
            connection.execute(self._reuse, params)
            return True
        return row.body_digest == params["digest"]


@dataclass(frozen=True)
class Seen:
    """A callback's (timestamp, nonce) pair and body, to be checked inside the bot's transaction."""

    key: str
    digest: str
    cache: TransactionNonces

    def params(self) -> dict[str, str]:
        return {"nonce_key": self.key, "nonce_digest": self.digest}

    def first_use_on(self, connection: Any, now: datetime) -> bool:
        """The full check (reuse of an expired entry, the body compared) on the bot's connection, on a fresh
        snapshot: for a message whose first statement inserted nothing."""
        return self.cache.checks.first_use_on(connection, {"key": self.key, "digest": self.digest, "now": now}, now)


class TransactionNonces:
    """The cache as a table, checked in the bot's transaction (PostgreSQL without Redis; the module's docstring):
    the view hands `seen(…)` to the bot, whose first statement inserts the pair with `insert_statement()` and claims
    the delivery only when that inserted a row."""

    def __init__(self, engine: Engine, *, ttl: timedelta) -> None:
        self.ttl = ttl
        self.checks = DatabaseNonces(engine, ttl=ttl)  # its statements, run on the bot's connection (no own pool)

    def seen(self, timestamp: str, nonce: str, body: bytes) -> Seen:
        return Seen(_key(timestamp, nonce), _digest(body), self)


def insert_statement() -> Any:
    """PostgreSQL: INSERT the pair unless it is there (bound parameters nonce_key, nonce_digest, now), RETURNING the
    key: a row back is its first use. For a data-modifying CTE (bot._claim_and_lock_statement)."""
    table = CallbackNonce.__table__
    return (postgresql.insert(table)
            .values(key=bindparam("nonce_key", type_=table.c.key.type),
                    body_digest=bindparam("nonce_digest", type_=table.c.body_digest.type),
                    seen_at=bindparam("now", type_=table.c.seen_at.type))
            .on_conflict_do_nothing(index_elements=["key"]).returning(table.c.key))


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
