"""Access-token stores shared across processes: the database row (FOR UPDATE on PostgreSQL, a lease on
SQLite) and Redis (SET NX with a TTL), each refreshed by one holder at a time."""
from __future__ import annotations

import threading
import time

import pytest

from app.wechat.client import WeChatClient
from app.wechat.tokens import DatabaseTokenStore, RedisTokenStore, store_from_config
from models.wechat import WeChatToken
from tests.fakes.redis_server import running_redis
from tests.wechat_app.conftest import APPID, SECRET


def _concurrent_first_sends(fake, stores) -> list:
    clients = [WeChatClient(APPID, SECRET, base_url=fake.base_url, store=s, timeout=3) for s in stores]
    fake.hang(0.4)  # the first token fetch is slow: everyone else arrives while it runs
    results = []
    threads = [threading.Thread(target=lambda c=c: results.append(c.send_custom_text("o-1", "早上好")))
               for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    return results


def test_database_store_one_refresh_for_many_processes(db, fake):
    stores = [DatabaseTokenStore(db.engine, APPID) for _ in range(6)]  # one per "process"
    results = _concurrent_first_sends(fake, stores)
    assert len(results) == 6 and all(r.ok for r in results)
    assert fake.token_requests == 1


def test_database_store_round_trip_encrypted(db, session):
    store = DatabaseTokenStore(db.engine, APPID)
    assert store.get() is None
    with store.refresh_lock():
        store.set("TOKEN-abc", 1_900_000_000.0)
        assert store.get() == ("TOKEN-abc", 1_900_000_000.0)
    assert store.get() == ("TOKEN-abc", 1_900_000_000.0)
    row = session.get(WeChatToken, APPID)
    session.refresh(row)
    assert "TOKEN-abc" not in row.access_token_enc
    assert row.lease_holder is None  # released


def test_refresh_lock_recreates_a_row_deleted_after_first_use(db, session):
    """A store that already made its row must not trust that forever: without the row there is no lease
    to take (SQLite would wait out wait_seconds, then refresh unguarded) and no row to lock (PostgreSQL)."""
    store = DatabaseTokenStore(db.engine, APPID, wait_seconds=60)
    store.set("TOKEN-old", 1_900_000_000.0)
    with db.engine.begin() as conn:
        conn.execute(WeChatToken.__table__.delete())
    with store.refresh_lock():
        store.set("TOKEN-new", 1_900_000_000.0)
        if not store.uses_row_lock:
            assert store.get() == ("TOKEN-new", 1_900_000_000.0)
            row = session.get(WeChatToken, APPID)
            session.refresh(row)
            assert row.lease_holder is not None  # a real lease, not the unguarded fallback
    assert store.get() == ("TOKEN-new", 1_900_000_000.0)


def test_refresh_lock_survives_a_crashed_holder_or_makes_the_second_refresher_wait(db, session):
    """SQLite leases the row (a crashed holder's lease runs out); PostgreSQL locks it (the second waits)."""
    if db.engine.dialect.name == "sqlite":
        _sqlite_lease_of_a_crashed_holder_runs_out(db)
    else:
        _postgres_row_lock_makes_a_second_refresher_wait(db)


def _sqlite_lease_of_a_crashed_holder_runs_out(db):
    crashed = DatabaseTokenStore(db.engine, APPID, lease_seconds=0.3)
    crashed._ensure_row()
    assert crashed._take_lease() is not None  # and never released
    waiting = DatabaseTokenStore(db.engine, APPID, wait_seconds=3)
    started = time.monotonic()
    with waiting.refresh_lock():
        pass
    assert 0.2 < time.monotonic() - started < 2.5


def _postgres_row_lock_makes_a_second_refresher_wait(db):
    first, second = DatabaseTokenStore(db.engine, APPID), DatabaseTokenStore(db.engine, APPID)
    order = []

    def hold():
        with first.refresh_lock():
            order.append("first-in")
            time.sleep(0.3)
            first.set("TOKEN-1", 1_900_000_000.0)
            order.append("first-out")

    thread = threading.Thread(target=hold)
    thread.start()
    time.sleep(0.1)
    with second.refresh_lock():
        order.append("second-in")
        assert second.get() == ("TOKEN-1", 1_900_000_000.0)  # sees the first holder's token
    thread.join()
    assert order == ["first-in", "first-out", "second-in"]


# --- Redis ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def redis_url():
    with running_redis() as url:
        yield url


@pytest.fixture
def redis_client(redis_url):
    import redis

    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    return client


def test_redis_store_one_refresh_for_many_processes(app, redis_client, fake):
    with app.app_context():
        stores = [RedisTokenStore(redis_client, APPID) for _ in range(6)]
        results = _concurrent_first_sends(fake, stores)
    assert all(r.ok for r in results) and fake.token_requests == 1
    assert redis_client.ttl(f"jiayi:wechat:{APPID}:access_token") > 7000
    assert redis_client.get(f"jiayi:wechat:{APPID}:refresh_lock") is None


def test_redis_lock_is_released_only_by_its_holder(app, redis_client):
    store = RedisTokenStore(redis_client, APPID, wait_seconds=0.2)
    with store.refresh_lock():
        redis_client.set(store.lock_key, "someone-else")  # our lock ran out and another took it
    assert redis_client.get(store.lock_key) == b"someone-else"


def test_store_from_config_prefers_redis_when_configured(app, redis_url, db):
    assert isinstance(store_from_config({**app.config, "REDIS_URL": redis_url}), RedisTokenStore)
    assert isinstance(store_from_config({**app.config, "REDIS_URL": None}), DatabaseTokenStore)
