"""dialects.core runs Core statements on the session's connection, looked up once per transaction: the same
connection as session.connection() within a transaction, a fresh lookup after a commit, a rollback or a close."""
from __future__ import annotations

from sqlalchemy import text

from app.services import dialects


def _backend(session) -> object:
    return dialects.core(session, text("SELECT 1")).scalar()


def test_core_uses_the_transactions_connection_and_looks_it_up_again_after_it_ends(session):
    session.rollback()
    _backend(session)
    first = session.connection()
    assert dialects.connection(session) is first
    for end in (session.commit, session.rollback, session.close):
        before = session.info.get(dialects._HELD)
        end()
        _backend(session)  # a new transaction: the held pair is replaced, not reused
        held = session.info[dialects._HELD]
        assert held is not before and held[0] is session().get_transaction()
        assert held[1] is session.connection()


def test_a_savepoint_keeps_the_connection(session):
    session.rollback()
    _backend(session)
    outer = session.connection()
    with session.begin_nested():
        assert dialects.connection(session) is outer is session.connection()
        _backend(session)
    assert dialects.connection(session) is session.connection()
