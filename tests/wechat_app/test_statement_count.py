"""One pass per message: the SQL statements of a BP message, counted on the app's engine (docs/benchmarks.md).

The resident and consent are loaded once and handed down (bot -> readings). On SQLite a plain BP message is six
statements, 最近血压 and 我的医生 five each; on PostgreSQL the dedup claim and the user's upsert are one statement
(a data-modifying CTE), and so are the reading's INSERT and the read of the readings around it: four, four and
four. On PostgreSQL the callback's seen-once nonce (without Redis) is inserted by the first of them. A new
statement on these paths fails this test: say why in docs/benchmarks.md and update both.
"""
from __future__ import annotations

import time
from contextlib import contextmanager

from sqlalchemy import event, select

from app.wechat import bot
from app.wechat.transport import Inbound
from models.alerts import Alert
from models.readings import BpReading

CLAIM_AND_USER = {
    "sqlite": ["INSERT INTO wechat_inbound",  # claim the dedup key
               "INSERT INTO wechat_users"],  # lock (upsert) the user's row, with its dialogue state
    "postgresql": ["WITH claim AS (INSERT INTO wechat_inbound"],  # both in one statement
}
READING_AND_NEAR = {
    "sqlite": ["INSERT INTO bp_readings",  # ON CONFLICT DO NOTHING RETURNING
               "SELECT bp_readings.id"],  # readings within 45 min either side (repeat confirmation)
    "postgresql": ['WITH "new" AS (INSERT INTO bp_readings'],  # both in one statement
}


def plain_bp(dialect: str) -> list[str]:
    return [*CLAIM_AND_USER[dialect],
            "SELECT residents.id",  # the resident, their conditions and active consents: one statement, handed down
            *READING_AND_NEAR[dialect],
            "UPDATE wechat_inbound"]  # the reply, for a retry


def recent_bp(dialect: str) -> list[str]:
    return [*CLAIM_AND_USER[dialect],
            "SELECT residents.id",  # the card: its BP target (personal, or by age and conditions) for the reply
            "SELECT bp_readings.",  # the week's readings and the lookback the HBPM windows need
            "UPDATE wechat_inbound"]


def my_doctor(dialect: str) -> list[str]:
    return [*CLAIM_AND_USER[dialect],
            "SELECT residents.id",
            "SELECT contracts.team_id",  # the open contract's team and its members with their names and phones
            "UPDATE wechat_inbound"]


@contextmanager
def statements(engine):
    seen: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        seen.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


def _inbound(text: str, msg_id: str) -> Inbound:
    return Inbound(openid="o-zhang", to_user="gh_test", create_time=int(time.time()), msg_type="text",
                   content=text, msg_id=msg_id, dedup_key=f"o-zhang:{msg_id}")


def test_a_plain_bp_message_is_six_statements_four_on_postgresql(bound, db, session, now):
    bot.handle(session, _inbound("血压 128/82 心率 70", "9001"), now=now)  # warm: first-use loads stay out
    with statements(db.engine) as seen:
        handled = bot.handle(session, _inbound("血压 138/86 心率 72", "9002"), now=now)
    assert "138/86" in handled.reply
    run = [s for s in seen if not s.startswith(("BEGIN", "COMMIT"))]
    expected = plain_bp(db.engine.dialect.name)
    assert len(run) == len(expected) and all(s.startswith(p) for s, p in zip(run, expected)), run
    assert session.scalar(select(BpReading.systolic).order_by(BpReading.id.desc()).limit(1)) == 138


def test_with_the_callbacks_nonce_a_plain_bp_message_is_still_four_statements_on_postgresql(bound, db, session,
                                                                                           now):
    """The callback's seen-once nonce (no Redis) on PostgreSQL: its INSERT opens the first statement, with the claim
    and the user's upsert (nonces.TransactionNonces); no statement is added. On SQLite the view checks it before the
    bot, and the bot ignores it."""
    from datetime import timedelta

    from app.services import nonces

    cache = nonces.TransactionNonces(db.engine, ttl=timedelta(minutes=10))
    bot.handle(session, _inbound("血压 128/82 心率 70", "9006"), now=now, seen=cache.seen("1", "n-9006", b"a"))
    with statements(db.engine) as seen:
        handled = bot.handle(session, _inbound("血压 138/86 心率 72", "9007"), now=now,
                             seen=cache.seen("1", "n-9007", b"b"))
    assert "138/86" in handled.reply
    run = [s for s in seen if not s.startswith(("BEGIN", "COMMIT"))]
    dialect = db.engine.dialect.name
    expected = plain_bp(dialect)
    if dialect == "postgresql":
        expected = ["WITH seen AS (INSERT INTO wechat_nonces", *expected[1:]]
    assert len(run) == len(expected) and all(s.startswith(p) for s, p in zip(run, expected)), run


def test_the_plain_bp_statements_are_rendered_once(bound, db, session, now):
    """No statement of a BP message has parameters SQLAlchemy renders into its SQL again at every execution (an
    expanding IN, aggregate_strings' literal separator): each is compiled once and sent as the same text."""
    bot.handle(session, _inbound("血压 128/82 心率 70", "9004"), now=now)
    rendered: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        # No context: run by dialects.rows, which compiles once and refuses such parameters (test_rows.py).
        compiled = context.compiled if context is not None else None
        if compiled is not None and (compiled.post_compile_params or compiled.literal_execute_params):
            rendered.append(" ".join(statement.split())[:80])

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        handled = bot.handle(session, _inbound("血压 138/86 心率 72", "9005"), now=now)
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    assert "138/86" in handled.reply
    assert rendered == [], rendered


def test_a_bp_message_with_symptoms_runs_triage_once_and_loads_the_resident_once(bound, db, session, now):
    calls: list[str] = []
    real = bot.Services().assess

    def counting(text, **kw):
        calls.append(text)
        return real(text, **kw)

    services = bot.Services(assess=counting)
    with statements(db.engine) as seen:
        handled = bot.handle(session, _inbound("血压 190/120 头痛 呕吐", "9003"), now=now, services=services)
    assert "190/120" in handled.reply and "120" in handled.reply
    assert calls == ["血压 190/120 头痛 呕吐"]  # the bot's triage; the readings service reused it
    assert sum(s.startswith("SELECT residents.id, residents.consortium_id, residents.name, residents.sex")
               for s in seen) == 1, seen
    kinds = set(session.scalars(select(Alert.kind)))
    assert {k.value if hasattr(k, "value") else k for k in kinds} == {"acute_bp", "triage_red_flag"}


def test_recent_bp_reads_the_resident_once(bound, db, session, now):
    """最近血压: the readings service takes the bot's card instead of loading the resident record again; a menu word
    gets no red-flag read by triage (tests/wechat/test_dialogue.py: no menu word carries one)."""
    bot.handle(session, _inbound("血压 150/94 心率 70", "9011"), now=now)
    calls: list[str] = []
    real = bot.Services().assess

    def counting(text, **kw):
        calls.append(text)
        return real(text, **kw)

    with statements(db.engine) as seen:
        handled = bot.handle(session, _inbound("最近血压", "9012"), now=now, services=bot.Services(assess=counting))
    assert calls == []
    assert "平均：150/94" in handled.reply and "目标：低于 135/85" in handled.reply, handled.reply
    run = [s for s in seen if not s.startswith(("BEGIN", "COMMIT"))]
    expected = recent_bp(db.engine.dialect.name)
    assert len(run) == len(expected) and all(s.startswith(p) for s, p in zip(run, expected)), run


def test_my_doctor_is_one_read_of_the_team(bound, db, session, now):
    """我的医生: the team and its members in one statement (not the contract, packages, team, members and villages
    as ORM objects)."""
    with statements(db.engine) as seen:
        handled = bot.handle(session, _inbound("我的医生", "9021"), now=now)
    assert "您的家庭医生团队" in handled.reply and "村医电话" in handled.reply, handled.reply
    run = [s for s in seen if not s.startswith(("BEGIN", "COMMIT"))]
    expected = my_doctor(db.engine.dialect.name)
    assert len(run) == len(expected) and all(s.startswith(p) for s, p in zip(run, expected)), run
