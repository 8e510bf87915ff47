"""raise_alerts: the set-based path gives exactly what raise_alert one item at a time gives, in a fixed number
of statements."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import delete, event, func, select

from app.errors import NotFound
from app.services import alerts
from models.alerts import Alert, AlertEvent
from models.outbox import OutboxMessage
from tests.jobs.conftest import People


def _setup(session, w, actor, now):
    """Active alerts the batch meets: open (moderate), acknowledged by someone other than the assignee, and
    one escalated to a department with nobody on duty (no assignee: the whole department hears of a raise)."""
    before = now - timedelta(days=4)
    alerts.raise_alert(session, resident_id=w.ids["res_a1"], kind="trend_bp", severity="moderate",
                       summary="近7天血压偏高", now=before, value={"sbp": 142})
    acked = alerts.raise_alert(session, resident_id=w.ids["res_c1"], kind="trend_bp", severity="low",
                               summary="血压略高", now=before, value={"sbp": 136})
    alerts.acknowledge(session, actor=actor("gp2"), alert_id=acked.id, note="已电话随访", now=before)
    alerts.raise_alert(session, resident_id=w.ids["res_c1"], kind="hypoglycaemia", severity="high",
                       summary="低血糖", now=before, value={"mmol": 3.2})
    for hours in (25, 50, 75):  # high: one rung a day, up to 内分泌科 where nobody is on duty
        alerts.escalate_due(session, now=before + timedelta(hours=hours))
    session.commit()


def _items(w) -> list[tuple]:
    return [
        (w.ids["res_a1"], "trend_bp", "low", "较前好转", {"sbp": 134}),  # evidence, less severe: summary kept
        (w.ids["res_a2"], "trend_glucose", "moderate", "空腹血糖偏高", {"fasting_mean": 7.6}),  # opens
        (w.ids["res_c1"], "trend_bp", "moderate", "血压升高", {"sbp": 150}),  # raised: assignee and acknowledger
        (w.ids["res_free"], "trend_bp", "low", "血压略高", {"sbp": 137}),  # opens without a team: nobody notified
        (w.ids["res_a1"], "trend_bp", "high", "连续两周未达标", {"sbp": 158}),  # raised on the open alert
        (w.ids["res_a2"], "trend_glucose", "high", "空腹血糖明显偏高", None),  # same batch: raised on the new alert
        (w.ids["res_c1"], "hypoglycaemia", "critical", "严重低血糖", {"mmol": 2.6}),  # raised at the specialist rung
        (w.ids["res_a1"], "trend_glucose", "moderate", "空腹血糖偏高", {"fasting_mean": 7.3}),  # another kind opens
        (w.ids["res_free"], "trend_bp", "low", "血压略高", {"sbp": 138}),  # same batch: evidence on the new alert
        (w.ids["res_a1"], "trend_bp", "moderate", "仍偏高", {"sbp": 146}),  # evidence after the raise: summary kept
    ]


def _snapshot(session) -> tuple[list, list]:
    """Every alert with its events, and every outbox message, with alert ids replaced by their opening order."""
    session.expire_all()
    rows = session.scalars(select(Alert).order_by(Alert.id)).all()
    order = {a.id: k for k, a in enumerate(rows)}

    def norm(text):
        return re.sub(r"alert:(\d+):", lambda m: f"alert:#{order[int(m.group(1))]}:", text) if text else text

    state = []
    for a in rows:
        events = session.scalars(select(AlertEvent).where(AlertEvent.alert_id == a.id).order_by(AlertEvent.id))
        state.append((a.consortium_id, a.resident_id, a.team_id, a.kind, a.severity, a.severity_rank, a.status,
                      a.summary, a.last_value, a.evidence_count, a.opened_at, a.last_evidence_at, a.escalation_level,
                      a.assignee_staff_id, a.department, a.escalated_at, a.acknowledged_at, a.acknowledged_by_id,
                      [(e.type, e.at, e.staff_id, e.note, e.data) for e in events]))
    messages = []
    for m in session.scalars(select(OutboxMessage)):
        data = dict(m.data or {})
        if "alert_id" in data:
            data["alert_id"] = order[data["alert_id"]]
        messages.append((m.consortium_id, m.resident_id, m.staff_id, m.kind, m.text, sorted(data.items()),
                         norm(m.dedup_key), m.status, m.attempts, m.next_attempt_at, m.created_at))
    return state, sorted(messages, key=repr)


def _reset(session) -> None:
    for model in (OutboxMessage, AlertEvent, Alert):
        session.execute(delete(model))
    session.commit()


def test_raise_alerts_gives_what_raise_alert_gives_one_item_at_a_time(session, consented, actor, now):
    w = consented
    _setup(session, w, actor, now)
    one_by_one = [alerts.raise_alert(session, resident_id=rid, kind=kind, severity=severity, summary=summary,
                                     now=now, value=value).id for rid, kind, severity, summary, value in _items(w)]
    session.commit()
    expected = _snapshot(session)
    _reset(session)

    _setup(session, w, actor, now)
    result = alerts.raise_alerts(session, _items(w), now=now)
    session.commit()
    assert _snapshot(session) == expected

    def pattern(ids):  # which items landed on the same alert
        return [ids.index(i) for i in ids]

    assert pattern(result.alert_ids) == pattern(one_by_one)
    assert (result.opened, result.evidence, result.raised) == (3, 7, 4)
    assert result.notices == 2 + 5  # opened: res_a2's and res_a1's glucose alerts (vdoc_a); raised: below
    alerts_by_key = {(a[1], a[3].value): a for a in expected[0]}
    c1_bp = alerts_by_key[(w.ids["res_c1"], "trend_bp")]
    assert (c1_bp[4].value, c1_bp[6].value, c1_bp[9]) == ("moderate", "acknowledged", 2)
    a1_bp = alerts_by_key[(w.ids["res_a1"], "trend_bp")]
    assert (a1_bp[4].value, a1_bp[7], a1_bp[9]) == ("high", "连续两周未达标", 4)
    assert [e[0] for e in a1_bp[-1]] == ["opened", "evidence", "raised", "evidence"]
    a2_glu = alerts_by_key[(w.ids["res_a2"], "trend_glucose")]
    assert [e[0] for e in a2_glu[-1]] == ["opened", "raised"] and a2_glu[8] is None
    raised_to = sorted((m[2], m[3]) for m in expected[1] if m[3] == "alert_raised")
    assert raised_to == sorted([(w.ids["vdoc_a"], "alert_raised"), (w.ids["vdoc_a"], "alert_raised"),
                                (w.ids["vdoc_c"], "alert_raised"), (w.ids["gp2"], "alert_raised"),
                                (w.ids["endo"], "alert_raised")])


def test_raise_alerts_runs_again_without_queuing_a_notice_twice(session, consented, now):
    w = consented
    items = [(w.ids["res_a1"], "trend_bp", "moderate", "偏高", {"sbp": 140}),
             (w.ids["res_a1"], "trend_bp", "high", "明显偏高", {"sbp": 160})]
    first = alerts.raise_alerts(session, items, now=now)
    session.commit()
    again = alerts.raise_alerts(session, items, now=now)
    session.commit()
    assert (first.opened, first.notices) == (1, 2) and (again.opened, again.evidence, again.notices) == (0, 2, 0)
    assert len(session.scalars(select(OutboxMessage)).all()) == 2
    (alert,) = session.scalars(select(Alert)).all()
    assert alert.evidence_count == 4 and alert.severity.value == "high"


def test_raise_alerts_without_notify_queues_nothing(session, consented, now):
    w = consented
    result = alerts.raise_alerts(session, [(w.ids["res_a1"], "trend_bp", "high", "偏高", None)], now=now,
                                 notify=False)
    assert result.opened == 1 and result.notices == 0
    assert session.scalars(select(OutboxMessage)).all() == []


def test_raise_alerts_refuses_an_unknown_resident(session, consented, now):
    with pytest.raises(NotFound):
        alerts.raise_alerts(session, [(consented.ids["res_a1"], "trend_bp", "low", "x", None),
                                      (10**9, "trend_bp", "low", "x", None)], now=now)


def test_raise_alerts_statements_do_not_grow_with_the_items(session, consented, now):
    people = People(session, consented, now)
    engine = session.get_bind()

    def statements(items) -> int:
        count = [0]

        def tick(*_args):
            count[0] += 1

        event.listen(engine, "before_cursor_execute", tick)
        try:
            alerts.raise_alerts(session, items, now=now)
        finally:
            event.remove(engine, "before_cursor_execute", tick)
        session.commit()
        return count[0]

    ids = [people.resident(f"批量{i}", team="team_b" if i % 2 else "team_a").id for i in range(31)]
    session.commit()
    one, many = ids[:1], ids[1:]
    opening = statements([(rid, "trend_bp", "moderate", "偏高", {"sbp": 140}) for rid in one])
    assert statements([(rid, "trend_bp", "moderate", "偏高", {"sbp": 140}) for rid in many]) == opening <= 7
    evidence = statements([(rid, "trend_bp", "high", "明显偏高", None) for rid in one])
    assert statements([(rid, "trend_bp", "high", "明显偏高", None) for rid in many]) == evidence <= 6
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 2 * 31


def test_raise_alert_reads_the_active_alert_once_and_hands_back_what_it_wrote(session, consented, now):
    """One item: a locked read of the active alert, then its INSERT … RETURNING (opening) or UPDATE (evidence), the
    event and the notices; the Alert handed back is the written row, not read again."""
    engine = session.get_bind()
    seen: list[str] = []

    def record(conn, cursor, statement, *_args):
        if not statement.startswith("UPDATE alerts SET id = id WHERE 1 = 0"):  # SQLite's write lock
            words = statement.replace('"', "").split()  # "SELECT <table>", "INSERT INTO <table>", "UPDATE <table> SET"
            seen.append(f"SELECT {words[words.index('FROM') + 1]}" if words[0] == "SELECT" else " ".join(words[:3]))

    rid = consented.ids["res_a1"]
    event.listen(engine, "before_cursor_execute", record)
    try:
        opened = alerts.raise_alert(session, resident_id=rid, kind="acute_bp", severity="high", summary="血压 185/115",
                                    now=now, value={"systolic": 185})
        opening, seen[:] = list(seen), []
        raised = alerts.raise_alert(session, resident_id=rid, kind="acute_bp", severity="critical",
                                    summary="血压 200/120", now=now + timedelta(minutes=5), value={"systolic": 200})
        raising = list(seen)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert opening == ["SELECT alerts", "SELECT residents", "INSERT INTO alerts", "INSERT INTO alert_events",
                       "INSERT INTO outbox_messages"], opening
    assert raising == ["SELECT alerts", "SELECT residents", "UPDATE alerts SET", "INSERT INTO alert_events",
                       "INSERT INTO outbox_messages"], raising
    assert raised is opened
    held = (opened.id, opened.severity.value, opened.summary, opened.evidence_count, opened.last_value,
            opened.assignee_staff_id, opened.escalation_level, opened.status.value)
    session.commit()
    session.expire_all()
    row = session.get(Alert, held[0])
    assert held == (row.id, "critical", "血压 200/120", 2, {"systolic": 200}, consented.ids["vdoc_a"], 0, "open")
    assert [e.type for e in row.events] == ["opened", "raised"]
    notices = session.scalars(select(OutboxMessage.kind).order_by(OutboxMessage.id)).all()
    assert notices == ["alert_opened", "alert_raised"]
