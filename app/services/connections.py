"""A pooled PostgreSQL connection checked before use without a round trip to the server.

SQLAlchemy's `pool_pre_ping` sends a ping (`SELECT 1`) at every checkout: on the WeChat callback's hot path that
was two of a BP message's eleven round trips. Instead, at each checkout:

- the connection's socket is polled without blocking: an idle connection the server has closed
  (pg_terminate_backend, a restart, idle_session_timeout; the server's FATAL message or the end of the stream
  are waiting to be read) is readable. It is then discarded and the pool opens a new one (SQLAlchemy's
  DisconnectionError at checkout; the caller never sees the dead connection);
- a connection idle for longer than `idle_ping_seconds` is pinged as pre-ping would (a firewall that dropped the
  connection silently leaves nothing to read);
- `pool_recycle` (set with the engine options) bounds a connection's age.

A connection that dies while in use still fails its statement: SQLAlchemy invalidates the pool, and the
WeChat callback retries a message once (app/wechat/views.py). SQLite engines are left alone (no socket).
"""
from __future__ import annotations

import select
import time
from typing import Any, Callable, TypeVar

from sqlalchemy import event, exc
from sqlalchemy.engine import Engine

T = TypeVar("T")

IDLE_PING_SECONDS = 30.0
_CHECKED_IN = "jiayi.checked_in"


def check_without_ping(engine: Engine, *, idle_ping_seconds: float = IDLE_PING_SECONDS) -> Engine:
    """Install the checkout check on a PostgreSQL engine (once); other engines are returned unchanged."""
    if engine.dialect.name != "postgresql" or event.contains(engine.pool, "checkin", _checked_in):
        return engine
    dialect = engine.dialect

    def checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if _closed_by_server(dbapi_connection):
            raise exc.DisconnectionError("the server closed this pooled connection")
        checked_in = record.info.get(_CHECKED_IN)
        if checked_in is not None and time.monotonic() - checked_in > idle_ping_seconds:
            try:
                alive = dialect.do_ping(dbapi_connection)
            except dialect.loaded_dbapi.Error as error:
                raise exc.DisconnectionError("ping after a long idle time failed") from error
            if not alive:
                raise exc.DisconnectionError("ping after a long idle time failed")

    event.listen(engine.pool, "checkin", _checked_in)
    event.listen(engine.pool, "checkout", checkout)
    return engine


def once_more_if_disconnected(call: Callable[[], T], *, before_retry: Callable[[], None] | None = None) -> T:
    """Run `call`; when its connection died under it (the pool has invalidated it and will open a new one), run it
    once more. Only for idempotent work (the nonce check, a delivery guarded by its dedup claim)."""
    try:
        return call()
    except exc.DBAPIError as error:
        if not error.connection_invalidated:
            raise
        if before_retry is not None:
            before_retry()
        return call()


def _checked_in(_dbapi_connection: Any, record: Any) -> None:
    if record is not None:
        record.info[_CHECKED_IN] = time.monotonic()


def _closed_by_server(dbapi_connection: Any) -> bool:
    """True when an idle connection has something to read (the server's goodbye) or no socket at all."""
    if getattr(dbapi_connection, "closed", False) or getattr(dbapi_connection, "broken", False):
        return True
    try:
        poller = select.poll()
        poller.register(dbapi_connection.fileno(), select.POLLIN | select.POLLPRI)
        return bool(poller.poll(0))
    except Exception:  # noqa: BLE001 - no socket any more: treat as dead, the pool reconnects
        return True
