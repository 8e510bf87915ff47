"""WeChat messages can't be forged (issue 14 finding 2): a signature copied from a log carries no new body,
plain mode is refused once a key is configured, and the seen-once cache is shared across workers."""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, event, select

from app.services import nonces
from app.wechat import views
from models.base import utcnow
from models.readings import BpReading
from models.wechat import CallbackNonce
from tests.conftest import TEST_DATABASE_URL
from tests.fakes.redis_server import running_redis
from tests.wechat_app.conftest import count, plain_query, text_xml


def _post(client, query, body):
    return client.post("/wechat", query_string=query, data=body, content_type="text/xml")


def test_signature_copied_from_a_log_cannot_carry_a_new_body(bound, plain_wx, client, session):
    """The attack in the report: the query of a real delivery, a new body claiming another resident's 188/111."""
    query = plain_query()
    assert _post(client, query, text_xml("你好", openid="o-someone", msg_id="8001")).status_code == 200
    forged = _post(client, query, text_xml("血压 188/111", openid="o-zhang", msg_id="8002"))
    assert forged.status_code == 403
    assert count(session, BpReading) == 0


def test_wechat_retry_of_the_same_delivery_gets_the_same_answer(bound, plain_wx, client, session):
    query, body = plain_query(), text_xml("血压 150/95", openid="o-zhang", msg_id="8003")
    first = _post(client, query, body)
    retry = _post(client, query, body)  # WeChat resends an unanswered delivery unchanged
    assert first.status_code == retry.status_code == 200
    assert retry.get_data() == first.get_data()
    assert count(session, BpReading) == 1


def test_plain_message_is_refused_when_safe_mode_is_configured(bound, wx_settings, client, session):
    response = _post(client, plain_query(), text_xml("血压 188/111", openid="o-zhang", msg_id="8004"))
    assert response.status_code == 403
    assert count(session, BpReading) == 0


def test_safe_mode_query_replayed_with_another_encrypted_body_is_refused(bound, wx_settings, client, session,
                                                                          simulate):
    from app.wechat.transport import build_encrypted_body

    config = views.transport_config(wx_settings)
    ts = str(int(time.time()))
    body, query = build_encrypted_body(config, text_xml("你好", openid="o-zhang", msg_id="8005").decode(),
                                       nonce="n-safe", timestamp=ts)
    assert _post(client, query, body.encode()).status_code == 200
    forged, _ = build_encrypted_body(config, text_xml("血压 188/111", openid="o-zhang", msg_id="8006").decode(),
                                     nonce="n-safe", timestamp=ts)
    assert _post(client, query, forged.encode()).status_code == 403
    assert count(session, BpReading) == 0


def test_database_cache_is_shared_by_separate_engines(app, db, session):
    """Two workers are two processes with their own engines on one database."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    first = nonces.DatabaseNonces(create_engine(url), ttl=timedelta(minutes=10))
    second = nonces.DatabaseNonces(create_engine(url), ttl=timedelta(minutes=10))
    now = utcnow()
    assert first.first_use("1800000000", "abc", b"<xml>one</xml>", now=now)
    assert second.first_use("1800000000", "abc", b"<xml>one</xml>", now=now)  # the same body: a retry
    assert not second.first_use("1800000000", "abc", b"<xml>two</xml>", now=now)
    assert second.first_use("1800000000", "abd", b"<xml>two</xml>", now=now)
    assert nonces.prune(session, before=now + timedelta(seconds=1)) == 2
    session.commit()
    assert session.scalar(select(CallbackNonce.key)) is None


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="the nonce check's own pool exists on PostgreSQL only")
def test_nonce_checks_from_many_threads_keep_their_connections(app, db):
    """The nonce check's own pool keeps a connection per concurrent check: many checks from a worker's request
    threads open no new PostgreSQL connection once each thread has one (an overflow connection was opened and
    closed again for about every tenth message), and they never switch a connection to autocommit and back."""
    engine = nonces.own_engine(db.engine)
    cache = nonces.DatabaseNonces(engine, ttl=timedelta(minutes=10))
    opened, switched = [], []
    event.listen(engine.pool, "connect", lambda *args: opened.append(1))
    event.listen(engine, "set_connection_execution_options", lambda *args: switched.append(1))
    threads, checks = 4, 20  # gunicorn threads of a worker (the bench runs 4)
    start = threading.Barrier(threads)

    def check(worker: int) -> None:
        for i in range(checks):
            start.wait()  # the threads check at the same moment, as a burst of messages does, then return together
            assert cache.first_use("1800000000", f"pool-{worker}-{i}", b"<xml/>", now=utcnow())

    try:
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(check, range(threads)))
        assert len(opened) <= threads
        assert switched == []
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def redis_url():
    with running_redis() as url:
        yield url


def test_redis_cache_is_shared_by_separate_clients(redis_url):
    import redis

    first = nonces.RedisNonces(redis.Redis.from_url(redis_url), ttl=timedelta(minutes=10), prefix="t:")
    second = nonces.RedisNonces(redis.Redis.from_url(redis_url), ttl=timedelta(minutes=10), prefix="t:")
    now = utcnow()
    assert first.first_use("1800000000", "abc", b"one", now=now)
    assert second.first_use("1800000000", "abc", b"one", now=now)
    assert not second.first_use("1800000000", "abc", b"two", now=now)


def test_callback_uses_redis_when_redis_url_is_set(bound, plain_wx, client, session, redis_url, app):
    plain_wx["REDIS_URL"] = redis_url
    app.extensions.pop(views.NONCES_KEY, None)
    try:
        query = plain_query()
        assert _post(client, query, text_xml("你好", openid="o-someone", msg_id="8011")).status_code == 200
        assert _post(client, query, text_xml("血压 188/111", openid="o-zhang", msg_id="8012")).status_code == 403
        assert count(session, CallbackNonce) == 0  # the database cache was not used
    finally:
        plain_wx["REDIS_URL"] = None
        app.extensions.pop(views.NONCES_KEY, None)


@pytest.fixture
def redis_nonces(wx_settings, redis_url, app):
    """The callback's seen-once cache in Redis, as production runs it (REDIS_URL)."""
    wx_settings["REDIS_URL"] = redis_url
    app.extensions.pop(views.NONCES_KEY, None)
    yield
    wx_settings["REDIS_URL"] = None
    app.extensions.pop(views.NONCES_KEY, None)


def test_through_redis_a_safe_mode_replay_is_refused_and_a_retry_is_answered_from_the_log(
        bound, wx_settings, redis_nonces, client, session):
    """The bench may run with Redis as production does: the same refusals and the same retries through it."""
    from app.wechat.simulator import ChatSimulator
    from app.wechat.transport import build_encrypted_body

    config = views.transport_config(wx_settings)
    ts = str(int(time.time()))
    body, query = build_encrypted_body(config, text_xml("血压 150/95", openid="o-zhang", msg_id="8021").decode(),
                                       nonce="n-redis", timestamp=ts)
    first = _post(client, query, body.encode())
    retry = _post(client, query, body.encode())  # WeChat's retry: the same body with the same nonce
    forged, _ = build_encrypted_body(config, text_xml("血压 188/111", openid="o-zhang", msg_id="8022").decode(),
                                     nonce="n-redis", timestamp=ts)
    assert first.status_code == retry.status_code == 200
    reply = ChatSimulator(config, openid="o-zhang", post=lambda q, b: (0, "")).decrypt_reply
    assert "150/95" in reply(first.get_data(as_text=True))
    assert reply(retry.get_data(as_text=True)) == reply(first.get_data(as_text=True))  # the stored reply
    assert _post(client, query, forged.encode()).status_code == 403
    assert count(session, BpReading) == 1
    assert count(session, CallbackNonce) == 0  # Redis held the nonce, not the database


def test_a_plain_mode_deployment_is_warned_about_at_start_up(caplog, tmp_path):
    from app import create_app
    from tests.conftest import TEST_KEYS

    create_app({**TEST_KEYS, "DEMO_MODE": True, "WECHAT_ENCODING_AES_KEY": "",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'plain.db'}"})
    assert any("WECHAT_ENCODING_AES_KEY is not set" in r.getMessage() and r.levelname == "WARNING"
               for r in caplog.records)
