"""What differs between PostgreSQL and SQLite for the set-based services (trend scan, bulk alerts, outbox)."""
from __future__ import annotations

import enum
import functools
import json
from collections import namedtuple
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import JSON, BigInteger, Table, any_, bindparam, cast, event, literal, text, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Engine, Row
from sqlalchemy.orm import Session, scoped_session


def sqlite_pragmas(engine: Engine) -> Engine:
    """WAL, foreign keys and a busy timeout on each new connection of a SQLite engine; others are left alone."""
    if engine.dialect.name == "sqlite" and not event.contains(engine, "connect", _sqlite_connect):
        event.listen(engine, "connect", _sqlite_connect)
    return engine


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def core(session: Session, statement: Any, params: dict[str, Any] | None = None) -> Any:
    """A Core statement (built on tables, not mapped classes) on the session's connection, past the ORM's execution
    machinery (its execute state, events and result wrapping: a tenth of a millisecond a statement on the WeChat
    hot path). What autoflush would write first is flushed first (nothing, when the session holds no changes)."""
    if session.autoflush:
        session.flush()
    return connection(session).execute(statement, params)


_HELD = "jiayi.core_connection"


def connection(session: Session) -> Any:
    """`session.connection()`, looked up once per transaction: the Connection the session's transaction holds for
    its (single) bind does not change until that transaction ends, and each call of `session.connection()` looks the
    bind up through Flask-SQLAlchemy's get_bind (the app's engines through `current_app`) and the transaction's
    state machine. A new transaction (after a commit or a rollback, a lost connection's included) is a new root
    SessionTransaction object, so the held one is not used past its own."""
    if isinstance(session, scoped_session):  # the proxy (tests, some services): the session it stands for
        session = session()
    transaction = session.get_transaction()
    held = session.info.get(_HELD)
    if held is not None and transaction is not None and held[0] is transaction and transaction.is_active:
        return held[1]
    connection = session.connection()
    session.info[_HELD] = (session.get_transaction(), connection)
    return connection


# --- statements built once, run many times (the WeChat callback's) ----------------------------------------------
class _Compiled(NamedTuple):
    compiled: Any  # SQLCompiler: construct_params fills in the statement's own values (its literals' binds)
    sql: str
    binds: tuple[tuple[str, Callable[[Any], Any]], ...]  # (parameter name, bind processor) of the typed ones
    results: tuple[tuple[int, Callable[[Any], Any]], ...] | None  # (column index, result processor); at first run
    row: type | None  # _row_type(statement)


_COMPILED: dict[tuple[Any, str], _Compiled] = {}


def rows(session: Session, statement: Any, params: dict[str, Any] | None = None) -> list[Any]:
    """The rows of a Core statement built once per process (a module constant, or cached by its builder), as named
    tuples with the statement's column names; [] for a statement that returns none.

    On PostgreSQL the statement is compiled once and run on the DB-API cursor of the session's connection, in its
    transaction: SQLAlchemy's per-execution work (execution context, parameter and result set-up, result metadata)
    was a fifth of the CPU of a WeChat BP message, four statements of which come here. Types still convert as
    SQLAlchemy's would (each type's bind and result processors); the engine's before/after_cursor_execute
    listeners see the statement; a driver error is raised as SQLAlchemy's, and a lost connection is invalidated
    (`Connection._handle_dbapi_exception`). Elsewhere (SQLite) SQLAlchemy runs it.
    Not for statements built per call (the cache holds each one); statements with expanding IN parameters or with
    columns left to a Python-side default (or onupdate) are refused: name their values."""
    if session.autoflush:
        session.flush()
    bound = connection(session)
    dialect = bound.dialect
    if dialect.name != "postgresql":
        result = bound.execute(statement, params)
        return list(map(_row_type(statement)._make, result)) if result.returns_rows else []
    key = (statement, dialect.name)
    prepared = _COMPILED.get(key) or _compile(key, dialect)
    values = prepared.compiled.construct_params(params)
    for name, process in prepared.binds:
        values[name] = process(values[name])
    cursor = None
    try:
        cursor = bound.connection.dbapi_connection.cursor()  # a closed connection fails here: SQLAlchemy's error too
        dispatch = bound.dispatch
        if dispatch.before_cursor_execute:
            dispatch.before_cursor_execute(bound, cursor, prepared.sql, values, None, False)
        cursor.execute(prepared.sql, values)
        if dispatch.after_cursor_execute:
            dispatch.after_cursor_execute(bound, cursor, prepared.sql, values, None, False)
        found = cursor.fetchall() if prepared.row is not None else []
        if prepared.results is None:  # a type's result processor may depend on the column's type on the server
            prepared = _COMPILED[key] = prepared._replace(results=_result_processors(statement, dialect, cursor))
    except dialect.loaded_dbapi.Error as error:
        bound._handle_dbapi_exception(error, prepared.sql, values, cursor, None)  # raises SQLAlchemy's error
        raise  # not reached
    finally:
        if cursor is not None:
            cursor.close()
    if prepared.results:
        found = [list(row) for row in found]
        for row in found:
            for index, process in prepared.results:
                row[index] = process(row[index])
    return list(map(prepared.row._make, found)) if prepared.row is not None else []


def _compile(key: tuple[Any, str], dialect: Any) -> _Compiled:
    statement = key[0]
    compiled = statement.compile(dialect=dialect)
    if compiled.escaped_bind_names or "POSTCOMPILE" in compiled.string:
        raise ValueError("dialects.rows: a statement with expanding or escaped parameters")
    if compiled.insert_prefetch or compiled.update_prefetch:  # SQLAlchemy's execution would compute them
        raise ValueError("dialects.rows: a statement whose columns take Python-side defaults: give them values")
    binds = tuple((name, process) for bind, name in compiled.bind_names.items()
                  if (process := bind.type.dialect_impl(dialect).bind_processor(dialect)) is not None)
    row = _row_type(statement)
    prepared = _COMPILED[key] = _Compiled(compiled, compiled.string, binds, None if row else (), row)
    return prepared


@functools.cache
def _row_type(statement: Any) -> type | None:
    """The named tuple of a statement's rows, with its column names (None: it returns none). A Row finds an attribute
    through a Python-level __getattr__ (~0.8 µs a read); a named tuple's fields are read in ~0.05 µs."""
    names = list(statement.exported_columns.keys())
    return namedtuple("Row", names) if names else None


def _result_processors(statement: Any, dialect: Any, cursor: Any) -> tuple[tuple[int, Callable[[Any], Any]], ...]:
    columns = list(statement.exported_columns)
    if len(cursor.description) != len(columns):
        raise ValueError("dialects.rows: the statement's columns and the cursor's differ")
    return tuple((index, process) for index, (column, described) in enumerate(zip(columns, cursor.description))
                 if (process := column.type.dialect_impl(dialect).result_processor(dialect, described.type_code))
                 is not None)


def pg_array(ids: Iterable[int]) -> str:
    """A bigint[] literal as text ("{1,2,3}"): much cheaper to send than a list adapted element by element."""
    return "{" + ",".join(map(str, ids)) + "}"


def among(session: Session, column: Any, ids: list[int]) -> Any:
    """`column IN ids`: one array parameter on PostgreSQL (`= ANY`), an expanding IN elsewhere."""
    if is_postgresql(session):
        return column == any_(cast(literal(pg_array(ids)), ARRAY(BigInteger)))
    return column.in_(ids)


def insert(session: Session, table: Any) -> Any:
    """The dialect's INSERT construct (both PostgreSQL and SQLite have ON CONFLICT … DO NOTHING)."""
    return insert_for(session.get_bind().dialect.name, table)


def insert_for(dialect: str, table: Any) -> Any:
    """`insert` by the dialect's name, for statements built once per process."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    return dialect_insert(table)


# --- many rows in one statement ------------------------------------------------------------------------------
# PostgreSQL gets the rows as one JSON parameter (json_to_recordset): one short statement, whatever the number of
# rows. A multi-row VALUES list costs the driver more than the database (psycopg parses every placeholder of
# every row, uncached), which made the trend scan's alert writes client-bound. SQLite takes an executemany.

def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]], *,
                conflict: tuple[Sequence[str], Any] | None = None, returning: Sequence[str] = ()) -> list[Row]:
    """INSERT `rows` (dicts with the same keys) in one statement, in order; rows returned when `returning` names
    columns. `conflict` = (index columns, index predicate or None): ON CONFLICT … DO NOTHING on that index."""
    if not rows:
        return []
    if not is_postgresql(session):
        stmt = insert(session, table)
        if conflict is not None:
            stmt = stmt.on_conflict_do_nothing(index_elements=list(conflict[0]), index_where=conflict[1])
        if returning:
            return session.execute(stmt.returning(*(table.c[name] for name in returning)), list(rows)).all()
        session.execute(stmt, list(rows))
        return []
    names = list(rows[0])
    sql = (f'INSERT INTO "{table.name}" ({_quoted(names)}) SELECT {_select_list(table, names)} '
           f"FROM {_recordset(table, names)}")
    if conflict is not None:
        where = f" WHERE {conflict[1].text}" if conflict[1] is not None else ""
        sql += f" ON CONFLICT ({_quoted(conflict[0])}){where} DO NOTHING"
    if returning:
        sql += f" RETURNING {_quoted(returning)}"
    result = session.execute(text(sql), {"rows": _payload(rows)})
    return result.all() if returning else []


def update_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]], *, key: str = "id") -> None:
    """UPDATE each row `key` = row[key] with the row's other values (dicts with the same keys), in one statement."""
    if not rows:
        return
    names = [name for name in rows[0] if name != key]
    if not is_postgresql(session):
        stmt = (update(table).where(table.c[key] == bindparam(f"old_{key}"))
                .values({name: bindparam(f"new_{name}", type_=table.c[name].type) for name in names}))
        session.execute(stmt, [{f"old_{key}": row[key], **{f"new_{n}": row[n] for n in names}} for row in rows])
        return
    sets = ", ".join(f'"{name}" = {_value(table, name)}' for name in names)
    session.execute(text(f'UPDATE "{table.name}" SET {sets} FROM {_recordset(table, [key, *names])} '
                         f'WHERE "{table.name}"."{key}" = r."{key}"'),
                    {"rows": _payload(rows)})


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


def _is_json(table: Table, name: str) -> bool:
    return isinstance(table.c[name].type, JSON)


def _recordset(table: Table, names: list[str]) -> str:
    pg = postgresql.dialect()
    columns = ", ".join(f'"{name}" {table.c[name].type.compile(dialect=pg)}' for name in names)
    return f"json_to_recordset(CAST(:rows AS json)) AS r({columns})"


def _value(table: Table, name: str) -> str:
    # json_to_recordset reads a JSON null as SQL NULL; the ORM stores None as the JSON value null.
    return f"""coalesce(r."{name}", CAST('null' AS json))""" if _is_json(table, name) else f'r."{name}"'


def _select_list(table: Table, names: list[str]) -> str:
    return ", ".join(_value(table, name) for name in names)


def _payload(rows: Sequence[dict[str, Any]]) -> str:
    # json.dumps with its defaults, as SQLAlchemy's JSON type serialises: a json column keeps the very text.
    seen: dict[Any, Any] = {}  # the same few datetimes and enum members recur in every row

    def encode(value: Any) -> Any:
        if value not in seen:
            seen[value] = _encode(value)
        return seen[value]

    return json.dumps(list(rows), default=encode)


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass a timezone-aware value")
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    raise TypeError(f"cannot send {type(value).__name__} as a row value")
