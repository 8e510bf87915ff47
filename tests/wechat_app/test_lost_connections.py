"""Database connections killed under the WeChat callback (PostgreSQL): no pre-ping round trip, and still no lost
message. app/services/connections.py checks a pooled connection's socket at checkout; a connection that dies in
use makes the bot run the message once more (app/wechat/views.py)."""
from __future__ import annotations

import time

import psycopg
import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from app.services.connections import check_without_ping
from app.wechat import bot, views
from models.readings import BpReading
from tests.conftest import TEST_DATABASE_URL
from tests.wechat_app.conftest import count

pytestmark = pytest.mark.skipif(not TEST_DATABASE_URL, reason="kills PostgreSQL backends")


def _terminate_others(app) -> int:
    """pg_terminate_backend every other connection to the test database; waits until they are gone."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False), autocommit=True) as killer:
        others = "datname = current_database() AND pid <> pg_backend_pid()"
        killed = killer.execute(f"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE {others}"
                                ).fetchone()[0]
        deadline = time.monotonic() + 10
        while killer.execute(f"SELECT count(*) FROM pg_stat_activity WHERE {others}").fetchone()[0]:
            assert time.monotonic() < deadline, "backends still there after pg_terminate_backend"
            time.sleep(0.05)
    return killed


def test_a_pooled_connection_the_server_closed_is_replaced_at_checkout_without_a_ping(app, session):
    session.rollback()
    engine = check_without_ping(create_engine(app.config["SQLALCHEMY_DATABASE_URI"], pool_size=1))
    statements = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    with engine.connect() as connection:
        first = connection.execute(text("SELECT pg_backend_pid()")).scalar()
    with engine.connect() as connection:  # alive: the same connection, no ping
        assert connection.execute(text("SELECT pg_backend_pid()")).scalar() == first
    _terminate_others(app)
    with engine.connect() as connection:  # no error: the dead one was noticed at checkout and replaced
        assert connection.execute(text("SELECT pg_backend_pid()")).scalar() != first
    assert statements == ["SELECT pg_backend_pid()"] * 3  # nothing else was sent
    engine.dispose()


def test_messages_after_every_connection_was_killed_are_answered_and_stored(app, bound, simulate, session):
    user = simulate("o-zhang")
    assert "150/95" in user.text("血压 150/95 心率 80").text
    assert count(session, BpReading) == 1
    session.rollback()  # this test's own connection goes back to the pool too
    # Idle in the pools now: the app's (the bot's, this test's session) and the nonce check's own.
    assert _terminate_others(app) >= 1
    for systolic in (141, 142, 143):
        reply = user.text(f"血压 {systolic}/88 心率 72")
        assert reply.status == 200 and reply.text and f"{systolic}/88" in reply.text, reply
    assert count(session, BpReading) == 4


def test_a_connection_killed_in_the_middle_of_a_message_is_handled_again(app, bound, simulate, session):
    """The backend dies while the bot holds it (after the dedup claim and the reading's insert were sent): the
    message runs once more on a new connection and its reading is stored once."""
    real = bot.Services().record_bp
    calls = []

    def record_bp_then_lose_the_connection(s, **kw):
        calls.append(kw["client_id"])
        outcome = real(s, **kw)
        if len(calls) == 1:
            s.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))
        return outcome

    app.extensions[views.SERVICES_KEY] = bot.Services(record_bp=record_bp_then_lose_the_connection)
    reply = simulate("o-zhang").text("血压 152/96 心率 80")
    assert reply.status == 200 and reply.text and "152/96" in reply.text, reply
    assert len(calls) == 2 and calls[0] == calls[1]
    assert count(session, BpReading) == 1
