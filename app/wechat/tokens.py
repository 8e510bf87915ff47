"""Access-token stores shared by every process that calls WeChat (web workers, the scheduler, the CLI).

WeChat hands out one valid token per appid: processes that each fetch their own invalidate each other
(/cgi-bin/token) or waste the stable_token quota. So the token lives in one place, with its expiry,
and one holder at a time refreshes it (docs/wechat_protocol.md §3.1, §6.6):
- Redis when REDIS_URL is set: the token under a key with a TTL; the refresh lock is SET NX PX with
  a random holder id, released only by its holder (compare-and-delete).
- otherwise the database row `wechat_tokens` (one per appid): on PostgreSQL the refresh lock is
  SELECT … FOR UPDATE on that row, held in the refresher's own transaction while it fetches; SQLite
  has no row locks, so there a lease (holder + lease_until, taken by a conditional UPDATE) is used;
  a crashed holder's lease simply runs out.
The token is encrypted at rest (app.services.privacy) in both.
"""
from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import create_engine, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from app.extensions import db
from app.services import privacy
from app.services.dialects import sqlite_pragmas
from app.wechat.client import TokenStore
from models.wechat import WeChatToken

log = logging.getLogger(__name__)

LEASE_SECONDS = 30.0  # longer than a token fetch with its timeouts (two calls × 5 s)
WAIT_SECONDS = 15.0  # how long a second holder waits for the refresher before fetching anyway
POLL_SECONDS = 0.05


def _to_dt(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, timezone.utc)


class DatabaseTokenStore:
    """The token in the `wechat_tokens` row for one appid; FOR UPDATE (PostgreSQL) or a lease (SQLite)."""

    def __init__(self, engine: Engine, appid: str, *, lease_seconds: float = LEASE_SECONDS,
                 wait_seconds: float = WAIT_SECONDS, poll_seconds: float = POLL_SECONDS) -> None:
        self.engine, self.appid = engine, appid
        self.lease_seconds, self.wait_seconds, self.poll_seconds = lease_seconds, wait_seconds, poll_seconds
        self.holder = uuid.uuid4().hex[:12]
        self._local = threading.local()  # the connection holding the row lock, inside refresh_lock()
        self._row_ready = False

    @property
    def uses_row_lock(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def _ensure_row(self, *, check: bool = False) -> None:
        """Create the appid's row once; `check` makes sure again (it may have been deleted since)."""
        if self._row_ready and not check:
            return
        module = postgresql if self.uses_row_lock else sqlite
        with self.engine.begin() as conn:
            conn.execute(module.insert(WeChatToken.__table__).values(appid=self.appid)
                         .on_conflict_do_nothing(index_elements=["appid"]))
        self._row_ready = True

    @contextmanager
    def _conn(self) -> Iterator[Connection]:
        locked = getattr(self._local, "conn", None)
        if locked is not None:
            yield locked
            return
        with self.engine.begin() as conn:
            yield conn

    def get(self) -> tuple[str, float] | None:
        """(token, expires_at epoch seconds) or None."""
        with self._conn() as conn:
            row = conn.execute(select(WeChatToken.access_token_enc, WeChatToken.expires_at)
                               .where(WeChatToken.appid == self.appid)).first()
        if row is None or not row.access_token_enc or row.expires_at is None:
            return None
        return privacy.decrypt(row.access_token_enc), row.expires_at.timestamp()

    def set(self, token: str, expires_at: float) -> None:
        self._ensure_row()
        with self._conn() as conn:
            conn.execute(update(WeChatToken).where(WeChatToken.appid == self.appid)
                         .values(access_token_enc=privacy.encrypt(token), expires_at=_to_dt(expires_at)))

    @contextmanager
    def refresh_lock(self) -> Iterator[None]:
        """Held while fetching a new token: one refresher at a time across processes."""
        self._ensure_row(check=True)  # rare (a refresh every ~2 h): without the row there is nothing to lock
        if self.uses_row_lock:
            with self.engine.connect() as conn:
                with conn.begin():
                    conn.execute(select(WeChatToken.appid).where(WeChatToken.appid == self.appid).with_for_update())
                    self._local.conn = conn
                    try:
                        yield
                    finally:
                        self._local.conn = None
            return
        holder = self._take_lease()
        try:
            yield
        finally:
            if holder is not None:
                with self.engine.begin() as conn:
                    conn.execute(update(WeChatToken)
                                 .where(WeChatToken.appid == self.appid, WeChatToken.lease_holder == holder)
                                 .values(lease_holder=None, lease_until=None))

    def _take_lease(self) -> str | None:
        """Take the lease (a conditional UPDATE); None when still held by another after `wait_seconds`."""
        holder = f"{self.holder}:{threading.get_ident()}:{uuid.uuid4().hex[:8]}"
        deadline = time.monotonic() + self.wait_seconds
        while True:
            now = datetime.now(timezone.utc)
            with self.engine.begin() as conn:
                taken = conn.execute(
                    update(WeChatToken)
                    .where(WeChatToken.appid == self.appid,
                           or_(WeChatToken.lease_until.is_(None), WeChatToken.lease_until < now))
                    .values(lease_holder=holder, lease_until=now + timedelta(seconds=self.lease_seconds))
                ).rowcount
            if taken == 1:
                return holder
            if time.monotonic() >= deadline:
                log.warning("wechat token lease still held after %.0fs; fetching anyway", self.wait_seconds)
                return None
            time.sleep(self.poll_seconds)


class RedisTokenStore:
    """The token under a Redis key with a TTL; the refresh lock is SET NX PX released by its holder."""

    _RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"

    def __init__(self, client: Any, appid: str, *, prefix: str = "jiayi:wechat", lock_seconds: float = LEASE_SECONDS,
                 wait_seconds: float = WAIT_SECONDS, poll_seconds: float = POLL_SECONDS) -> None:
        self.client, self.appid = client, appid
        self.key = f"{prefix}:{appid}:access_token"
        self.lock_key = f"{prefix}:{appid}:refresh_lock"
        self.lock_seconds, self.wait_seconds, self.poll_seconds = lock_seconds, wait_seconds, poll_seconds

    def get(self) -> tuple[str, float] | None:
        raw = self.client.get(self.key)
        if not raw:
            return None
        try:
            value = json.loads(raw)
            return privacy.decrypt(value["token"]), float(value["expires_at"])
        except (ValueError, KeyError, TypeError, RuntimeError):
            return None

    def set(self, token: str, expires_at: float) -> None:
        ttl = max(1, int(expires_at - time.time()) + 60)
        self.client.set(self.key, json.dumps({"token": privacy.encrypt(token), "expires_at": expires_at}), ex=ttl)

    @contextmanager
    def refresh_lock(self) -> Iterator[None]:
        me = uuid.uuid4().hex
        deadline = time.monotonic() + self.wait_seconds
        acquired = False
        while True:
            if self.client.set(self.lock_key, me, nx=True, px=int(self.lock_seconds * 1000)):
                acquired = True
                break
            if time.monotonic() >= deadline:
                log.warning("wechat token lock still held after %.0fs; fetching anyway", self.wait_seconds)
                break
            time.sleep(self.poll_seconds)
        try:
            yield
        finally:
            if acquired:
                self.client.eval(self._RELEASE, 1, self.lock_key, me)


_engines: dict[str, Engine] = {}
_stores: dict[tuple, TokenStore] = {}
_lock = threading.Lock()


def _engine_for(config: Mapping[str, Any]) -> Engine:
    """The app's engine inside its app context, else one engine per database URI (scheduler, CLI)."""
    uri = config["SQLALCHEMY_DATABASE_URI"]
    if has_app_context() and current_app.config.get("SQLALCHEMY_DATABASE_URI") == uri:
        return db.engine
    with _lock:
        if uri not in _engines:
            _engines[uri] = sqlite_pragmas(create_engine(uri, pool_pre_ping=True))
        return _engines[uri]


def store_from_config(config: Mapping[str, Any]) -> TokenStore:
    """The shared token store for the configured appid: Redis when REDIS_URL is set, else the database."""
    appid = config["WECHAT_APPID"]
    redis_url = config.get("REDIS_URL")
    if redis_url:
        key: tuple = ("redis", redis_url, appid)
        with _lock:
            if key not in _stores:
                import redis

                _stores[key] = RedisTokenStore(redis.Redis.from_url(redis_url, socket_timeout=5), appid)
            return _stores[key]
    engine = _engine_for(config)
    key = ("db", id(engine), appid)
    with _lock:
        if key not in _stores:
            _stores[key] = DatabaseTokenStore(engine, appid)
        return _stores[key]
