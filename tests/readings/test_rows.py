"""dialects.rows: a statement built once, compiled once and run on the DB-API cursor of the session's connection
(PostgreSQL), gives what SQLAlchemy would: the same values in the same types, the same column names, the engine's
cursor listeners, SQLAlchemy's errors and a lost connection invalidated. On SQLite it runs through SQLAlchemy."""
from __future__ import annotations

from datetime import timedelta

import psycopg
import pytest
from sqlalchemy import bindparam, event, exc, select, text, update

from app.services import dialects, residents
from app.services.readings import alerting, charts
from models.readings import BpReading
from models.residents import Resident
from models.wechat import WeChatUser
from tests.conftest import TEST_DATABASE_URL
from tests.readings.test_confirmation import bp, glucose

_RES = Resident.__table__.c
_RENAME = (update(Resident.__table__).where(_RES.id == bindparam("rid"))
           .values(name=bindparam("new_name"), updated_at=bindparam("at")))
_RENAME_WITHOUT_TIME = update(Resident.__table__).where(_RES.id == bindparam("rid")).values(name=bindparam("new_name"))
_USERS = WeChatUser.__table__.c
_SET_STATE = (update(WeChatUser.__table__).where(_USERS.openid == bindparam("who"))
              .values(state=bindparam("state"), updated_at=bindparam("at")))
_BY_IDS = select(_RES.id).where(_RES.id.in_(bindparam("ids", expanding=True)))
_DUPLICATE = (BpReading.__table__.insert().values(**{c: bindparam(c) for c in (
    "consortium_id", "resident_id", "client_id", "measured_at", "systolic", "diastolic", "source", "received_at")}))


def _sqlalchemy_rows(session, statement, params):
    return [tuple(row) for row in session.execute(statement, params)]


def test_rows_are_what_sqlalchemy_returns_with_the_statements_column_names(session, consented, actor, now, world):
    who = actor("res_a1")
    for minutes, value in enumerate([6.1, 18.4]):
        glucose(session, who, now + timedelta(minutes=minutes), value)
    bp(session, who, now, 138, 86, pulse=70)
    resident = session.get(Resident, world.ids["res_a1"])
    resident.wechat_openid = "o-rows"  # bound: the card has a row
    session.add(WeChatUser(openid="o-rows", state={"flow": "bind", "name": "张三"}, state_expires_at=now))
    session.flush()
    cases = [
        (select(*_USERS).where(_USERS.openid == bindparam("who")), {"who": "o-rows"}),  # JSON, booleans
        (residents._CARD_BY_OPENID, {"openid": "o-rows"}),
        (select(*_RES).where(_RES.id == bindparam("rid")), {"rid": resident.id}),  # enums, dates, times
        (alerting.GLUCOSE_NEAR, {"resident_id": resident.id, "lo": now - timedelta(hours=1),
                                 "hi": now + timedelta(hours=1), "dangerous": True}),  # floats
        (charts._RECENT_POINTS, {"resident_id": resident.id, "lookback": now - timedelta(days=1),
                                 "end": now + timedelta(days=1)}),
    ]
    for statement, params in cases:
        expected = _sqlalchemy_rows(session, statement, params)
        got = dialects.rows(session, statement, params)
        assert [tuple(row) for row in got] == expected and expected
        assert [[type(v) for v in row] for row in got] == [[type(v) for v in row] for row in expected]
        assert all(row._fields == tuple(statement.exported_columns.keys()) for row in got)
    assert len(dialects.rows(session, alerting.GLUCOSE_NEAR, cases[3][1])) == 2
    assert dialects.rows(session, _SET_STATE, {"who": "o-rows", "state": {"flow": "改", "n": [1, 2]}, "at": now}) == []
    assert session.execute(select(_USERS.state).where(_USERS.openid == "o-rows")).scalar() == {"flow": "改", "n": [1, 2]}


def test_a_statement_without_rows_gives_none_and_runs_in_the_sessions_transaction(session, consented, world, now):
    rid = world.ids["res_a1"]
    assert dialects.rows(session, _RENAME, {"rid": rid, "new_name": "改名", "at": now}) == []
    assert session.execute(select(_RES.name).where(_RES.id == rid)).scalar() == "改名"
    session.rollback()
    assert session.execute(select(_RES.name).where(_RES.id == rid)).scalar() != "改名"


def test_the_engines_cursor_listeners_see_the_statement(session, db, consented, world, now):
    seen = []

    def before(conn, cursor, statement, parameters, context, executemany):
        seen.append(("before", statement.split()[0], len(parameters)))

    def after(conn, cursor, statement, parameters, context, executemany):
        seen.append(("after", statement.split()[0], len(parameters)))

    session.rollback()
    event.listen(db.engine, "before_cursor_execute", before)
    event.listen(db.engine, "after_cursor_execute", after)
    try:
        dialects.rows(session, _RENAME, {"rid": world.ids["res_a1"], "new_name": "x", "at": now})
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
        event.remove(db.engine, "after_cursor_execute", after)
    assert [s for s in seen if s[1] == "UPDATE"] == [("before", "UPDATE", 3), ("after", "UPDATE", 3)]


def test_a_driver_error_is_sqlalchemys(session, consented, actor, now, world):
    reading = bp(session, actor("res_a1"), now, 138, 86).reading
    session.flush()
    params = {"consortium_id": reading.consortium_id, "resident_id": reading.resident_id,
              "client_id": reading.client_id, "measured_at": now, "systolic": 1, "diastolic": 1,
              "source": reading.source, "received_at": now}
    with pytest.raises(exc.IntegrityError):
        dialects.rows(session, _DUPLICATE, params)


def test_what_sqlalchemys_execution_would_add_is_refused(session, db, consented, world):
    """Expanding parameters (rendered into the SQL at every execution) and Python-side defaults (computed by
    SQLAlchemy's execution: here the residents' updated_at) are refused on PostgreSQL; SQLite runs them."""
    params = {"rid": world.ids["res_a1"], "new_name": "x"}
    if db.engine.dialect.name != "postgresql":
        assert dialects.rows(session, _BY_IDS, {"ids": [-1]}) == []
        assert dialects.rows(session, _RENAME_WITHOUT_TIME, params) == []
        return
    with pytest.raises(ValueError, match="expanding"):
        dialects.rows(session, _BY_IDS, {"ids": [-1]})
    with pytest.raises(ValueError, match="defaults"):
        dialects.rows(session, _RENAME_WITHOUT_TIME, params)


def _kill_backend(session, db) -> None:
    """PostgreSQL: the server ends the session's connection (the next statement fails in execute)."""
    backend = session.execute(text("SELECT pg_backend_pid()")).scalar()
    url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as killer:
        killer.execute("SELECT pg_terminate_backend(%s)", (backend,))


def _close_locally(session, db) -> None:
    """The driver's connection closed under the session (the next statement fails before it is sent)."""
    session.connection().connection.dbapi_connection.close()


@pytest.mark.parametrize("lose", [_close_locally, *([_kill_backend] if TEST_DATABASE_URL else [])])
def test_a_connection_lost_under_a_statement_is_invalidated(session, db, consented, world, now, lose):
    lose(session, db)
    with pytest.raises(exc.DBAPIError) as raised:
        dialects.rows(session, _RENAME, {"rid": world.ids["res_a1"], "new_name": "x", "at": now})
    assert raised.value.connection_invalidated
    session.rollback()
    assert dialects.rows(session, residents._CARD_BY_OPENID, {"openid": "nobody"}) == []  # a new connection
