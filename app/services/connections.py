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

`cutter` lets another thread cut the statement a checked-out connection is running (the WeChat callback's watchdog
at its deadline), and only while the connection is checked out: `releasing_cutters` makes the pool's check-in end it.
"""
from __future__ import annotations

import select
import threading
import time
from typing import Any, Callable, TypeVar

from sqlalchemy import event, exc
from sqlalchemy.engine import Engine

T = TypeVar("T")

IDLE_PING_SECONDS = 30.0
_CHECKED_IN = "jiayi.checked_in"
_CUTTER = "jiayi.cutter"
CUT_TIMEOUT_SECONDS = 2.0  # psycopg's cancel request opens a connection of its own to the server


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


# --- cutting a statement from another thread ----------------------------------------------------------------------
class _Cutter:
    """One checkout of a DB-API connection, cut from another thread until it is checked in. The lock makes a
    check-in wait for a cut in progress, so that a cut never reaches the connection's next user."""

    __slots__ = ("_lock", "_dbapi_connection")

    def __init__(self, dbapi_connection: Any) -> None:
        self._lock, self._dbapi_connection = threading.Lock(), dbapi_connection

    def cut(self) -> bool:
        """Cut the statement running now: psycopg's cancel_safe (PostgreSQL: the server ends the statement with
        QueryCanceled; a connection running nothing is left alone), sqlite3's interrupt (SQLite: a running statement
        ends with "interrupted"; a wait for another writer's lock is not cut). False once checked in, or when the
        driver has neither."""
        with self._lock:
            dbapi_connection = self._dbapi_connection
            if dbapi_connection is None:
                return False
            try:
                if hasattr(dbapi_connection, "cancel_safe"):
                    dbapi_connection.cancel_safe(timeout=CUT_TIMEOUT_SECONDS)
                elif hasattr(dbapi_connection, "interrupt"):
                    dbapi_connection.interrupt()
                else:
                    return False
            except Exception:  # noqa: BLE001 - the server unreachable: the statement fails or ends by itself
                return False
            return True

    def release(self) -> None:
        with self._lock:
            self._dbapi_connection = None


def releasing_cutters(engine: Engine) -> Engine:
    """Install (once) the check-in listener that ends the cutters of a connection going back to the pool."""
    if not event.contains(engine.pool, "checkin", _release_cutter):
        event.listen(engine.pool, "checkin", _release_cutter)
    return engine


def cutter(connection: Any) -> Callable[[], bool]:
    """For a SQLAlchemy Connection checked out by this thread from an engine with `releasing_cutters`: a function
    that another thread may call to cut the statement it is running, until the connection is checked in."""
    fairy = connection.connection
    made = fairy.info[_CUTTER] = _Cutter(fairy.dbapi_connection)
    return made.cut


def _release_cutter(_dbapi_connection: Any, record: Any) -> None:
    if record is not None:
        cutter = record.info.pop(_CUTTER, None)
        if cutter is not None:
            cutter.release()
