"""Cutting a statement from another thread (app/services/connections.py `cutter`), as the WeChat watchdog does at
its deadline: the running statement ends at once, and a connection back in the pool is never cut."""
from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.services.connections import cutter
from tests.wechat_app.test_bot import LONG_STATEMENT


def test_a_running_statement_is_cut_from_another_thread(db):
    with db.engine.connect() as connection:
        cut = cutter(connection)
        timer = threading.Timer(0.3, cut)
        timer.start()
        started = time.monotonic()
        with pytest.raises(DBAPIError):
            connection.execute(text(LONG_STATEMENT[db.engine.dialect.name]))
        assert time.monotonic() - started < 10  # uncut, it runs for minutes
        timer.join()
        connection.rollback()
        assert connection.execute(text("SELECT 1")).scalar() == 1  # the connection itself is fine


def test_a_connection_back_in_the_pool_is_not_cut(db):
    with db.engine.connect() as connection:
        cut = cutter(connection)
    assert cut() is False  # checked in: whoever uses the connection next is left alone


def test_the_watchdog_cuts_only_a_message_that_has_not_finished_in_time():
    from app.wechat.views import _Race

    cuts: list[int] = []

    def cut() -> bool:
        cuts.append(1)
        return True

    finished = _Race()
    finished.attach(cut)
    assert finished.finish_in_time()  # asked before its commit: from here on nothing is cut
    assert finished.give_up() is False and cuts == [] and not finished.cut
    late = _Race()
    late.attach(cut)
    assert late.give_up() is True and cuts == [1] and late.cut
    assert late.finish_in_time() is False  # its reply is pushed instead
