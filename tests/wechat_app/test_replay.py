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


# --- the nonce checked in the bot's transaction (PostgreSQL; nonces.TransactionNonces) -------------------------
# These hold on both databases: on SQLite the nonce is committed before the bot runs, on PostgreSQL it is part of
# the bot's first statement and kept by the bot when the delivery fails or turns out to be a retry.
def _raising_bp(*args, **kwargs):
    raise RuntimeError("the readings service broke")


def test_a_delivery_that_failed_keeps_its_nonce(bound, plain_wx, client, session, app):
    """The bot rolls back a failed delivery; its nonce stays used: a new body under the same pair is refused."""
    from app.wechat import bot

    app.extensions[views.SERVICES_KEY] = bot.Services(record_bp=_raising_bp)
    query = plain_query()
    failed = _post(client, query, text_xml("血压 150/95", openid="o-zhang", msg_id="8031"))
    assert failed.status_code == 200 and "150/95" not in failed.get_data(as_text=True)
    app.extensions.pop(views.SERVICES_KEY, None)
    forged = _post(client, query, text_xml("血压 188/111", openid="o-zhang", msg_id="8032"))
    assert forged.status_code == 403
    assert count(session, BpReading) == 0
    assert count(session, CallbackNonce) == 1


def test_a_retry_under_a_new_nonce_keeps_that_nonce(bound, plain_wx, client, session):
    """A delivery already answered (its MsgId taken) sent again under a new pair: answered from the log, and that
    pair is used too — a new body under it is refused."""
    body = text_xml("血压 150/95", openid="o-zhang", msg_id="8033")
    first = _post(client, plain_query(), body)
    query = plain_query()
    retry = _post(client, query, body)
    assert first.status_code == retry.status_code == 200 and retry.get_data() == first.get_data()
    forged = _post(client, query, text_xml("血压 188/111", openid="o-zhang", msg_id="8034"))
    assert forged.status_code == 403
    assert count(session, BpReading) == 1
    assert count(session, CallbackNonce) == 2


def test_a_new_body_sent_while_the_first_is_handled_is_refused(bound, plain_wx, client, session, app):
    """The same pair with another body while the first delivery's transaction is still open: it waits for that
    transaction (on PostgreSQL the nonce's key is locked by the first statement) and is refused; one reading."""
    from app.wechat import bot

    entered, release = threading.Event(), threading.Event()
    real = bot.Services().record_bp

    def slow_bp(*args, **kwargs):
        entered.set()
        release.wait(2)
        return real(*args, **kwargs)

    app.extensions[views.SERVICES_KEY] = bot.Services(record_bp=slow_bp)
    query = plain_query()
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(lambda: _post(app.test_client(), query, text_xml("血压 150/95", openid="o-zhang",
                                                                            msg_id="8035")))
        assert entered.wait(5)
        forged = pool.submit(lambda: _post(app.test_client(), query, text_xml("血压 188/111", openid="o-zhang",
                                                                             msg_id="8036")))
        time.sleep(0.2)  # let the second delivery reach the database; the outcome is the same if it has not
        release.set()
        assert first.result().status_code == 200 and "150/95" in first.result().get_data(as_text=True)
        assert forged.result().status_code == 403
    assert count(session, BpReading) == 1
    assert session.scalar(select(BpReading.systolic)) == 150


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="the nonce is checked in the bot's transaction on PostgreSQL only")
def test_on_postgresql_the_nonce_is_the_first_part_of_the_bots_first_statement(bound, plain_wx, client, session,
                                                                               db):
    """One transaction a message: the nonce's INSERT opens the bot's first statement (no check on a pool of its
    own before it), and a refused body runs nothing after that statement's fresh-snapshot check."""
    seen: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if not statement.startswith(("BEGIN", "COMMIT")):
            seen.append(" ".join(statement.split())[:60])

    query = plain_query()
    event.listen(db.engine, "before_cursor_execute", before)
    try:
        assert _post(client, query, text_xml("血压 150/95", openid="o-zhang", msg_id="8037")).status_code == 200
        first = list(seen)
        seen.clear()
        assert _post(client, query, text_xml("血压 188/111", openid="o-zhang", msg_id="8038")).status_code == 403
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    assert first[0].startswith("WITH seen AS (INSERT INTO wechat_nonces"), first
    assert sum("wechat_nonces" in s for s in first) == 1, first
    assert seen[0].startswith("WITH seen AS (INSERT INTO wechat_nonces"), seen
    assert not any(s.startswith(("SELECT residents", "WITH \"new\"", "UPDATE wechat_inbound")) for s in seen), seen
    assert count(session, BpReading) == 1
