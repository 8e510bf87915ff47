"""Concurrent retries and concurrent evidence: threads with their own app context and session.

Runs on SQLite (writers serialise) and on PostgreSQL (TEST_DATABASE_URL), where the inserts really
race on the unique (resident_id, client_id) and the partial unique index of active alerts.
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import func, select

from app.services import alerts, readings
from models.alerts import Alert
from models.outbox import OutboxMessage
from models.readings import GlucoseReading

THREADS = 8


def _race(app, n, work):
    """Run work(session, i) in n threads released together; each commits its own transaction."""
    from app.extensions import db

    barrier = threading.Barrier(n)

    def one(i):
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                result = work(db.session, i)
                db.session.commit()
                return result
            except BaseException:
                db.session.rollback()
                raise
            finally:
                db.session.remove()

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(one, range(n)))


def test_concurrent_retries_store_one_reading_and_answer_the_same(app, session, consented, actor, now):
    resident = actor("res_a1")
    session.commit()

    def post(s, i):
        outcome = readings.record_glucose(s, actor=resident, resident_id=None, value=2.6, context="random",
                                          measured_at=now, now=now, source="app", symptoms="人有点糊涂",
                                          client_id="5f0c7d3e-9a51-4a8e-b0f7-3c2d1e0f9a77")
        return outcome.reading.id, outcome.duplicate, outcome.advice

    results = _race(app, THREADS, post)
    assert len({r[0] for r in results}) == 1
    assert sorted(r[1] for r in results) == [False] + [True] * (THREADS - 1)
    assert len({r[2] for r in results}) == 1
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(GlucoseReading)) == 1
    [alert] = session.scalars(select(Alert)).all()
    assert alert.evidence_count == 1  # only the original raised it
    to_resident = session.scalars(select(OutboxMessage).where(OutboxMessage.resident_id.is_not(None))).all()
    assert len(to_resident) == 1


def test_concurrent_evidence_updates_one_active_alert(app, session, consented, now):
    rid = consented.ids["res_a1"]
    session.commit()

    def evidence(s, i):
        return alerts.raise_alert(s, resident_id=rid, kind="acute_glucose", severity="high" if i else "critical",
                                  summary=f"evidence {i}", now=now + timedelta(seconds=i), value={"i": i}).id

    ids = _race(app, 6, evidence)
    assert len(set(ids)) == 1
    session.expire_all()
    [alert] = session.scalars(select(Alert)).all()
    assert alert.evidence_count == 6 and alert.severity.value == "critical"
    assert len(alert.events) == 6


def test_concurrent_batch_retries_accept_each_item_once(app, session, consented, actor, now):
    doctor = actor("vdoc_a")
    rid = consented.ids["res_a1"]
    session.commit()
    items = [{"type": "glucose", "resident_id": rid, "value": 5.0 + k / 10, "context": "fasting",
              "measured_at": (now - timedelta(hours=k)).isoformat(), "client_id": f"batch-{k}"} for k in range(50)]

    def post(s, i):
        return [(r.status, r.reading_id) for r in readings.record_batch(s, actor=doctor, items=items, now=now)]

    runs = _race(app, 4, post)
    for k in range(50):
        statuses = sorted(run[k][0] for run in runs)
        assert statuses == ["accepted", "duplicate", "duplicate", "duplicate"], k
        assert len({run[k][1] for run in runs}) == 1
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(GlucoseReading)) == 50
