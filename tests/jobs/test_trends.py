"""The trend scan: new readings only, one alert per resident and kind, referral notes, per-item guard."""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from sqlalchemy import func, select, update

from app.services import residents as residents_service
from app.services import trends
from app.services.actors import system_actor
from ml.model import load_model
from models.alerts import Alert, AlertKind
from models.jobs import ResidentScanState, ScanMark
from models.outbox import OutboxMessage
from models.readings import BpReading, GlucoseReading, ReadingSource
from tests.jobs.conftest import add_bp, add_bp_days, add_glucose, local
from tests.jobs.fakes import rules_model

TODAY = date(2026, 6, 1)  # the `now` fixture is 09:00 local on this day


def _alerts(session, kind="trend_bp"):
    session.expire_all()
    return list(session.scalars(select(Alert).where(Alert.kind == AlertKind(kind)).order_by(Alert.resident_id)))


def _state(session, resident_id) -> ResidentScanState:
    session.expire_all()
    return session.get(ResidentScanState, resident_id)


@pytest.fixture
def high_and_normal(people, session):
    high = people.resident("高压")
    normal = people.resident("正常")
    add_bp_days(session, high, last_day=TODAY - timedelta(days=1), days=8, systolic=158, diastolic=96)
    add_bp_days(session, normal, last_day=TODAY - timedelta(days=1), days=8, systolic=122, diastolic=76)
    session.commit()
    return high, normal


def test_an_uncontrolled_week_raises_one_trend_alert_with_reasons(session, now, high_and_normal):
    high, normal = high_and_normal
    report = trends.scan_trends(session, model=rules_model(), now=now)
    assert (report.queued, report.scanned, report.flagged_bp, report.errors) == (2, 2, 1, 0)
    (alert,) = _alerts(session)
    assert alert.resident_id == high.id and alert.severity.value in ("low", "moderate", "high")
    assert "近7天" in alert.summary and "天未达标（目标<" in alert.summary
    assert alert.last_value["model"] == "rules-only" and alert.last_value["window_end"] == "2026-06-01"
    assert _state(session, high.id).last_status["bp"] == {"status": "uncontrolled", "since": "2026-06-01"}
    assert _state(session, normal.id).last_status["bp"]["status"] == "controlled"
    assert _state(session, normal.id).scanned_at == now


def test_a_rescan_without_new_readings_does_nothing(session, now, high_and_normal):
    trends.scan_trends(session, model=rules_model(), now=now)
    again = trends.scan_trends(session, model=rules_model(), now=now + timedelta(hours=1))
    assert (again.queued, again.scanned, again.alerts) == (0, 0, 0)
    assert _alerts(session)[0].evidence_count == 1


def test_new_readings_rescan_only_their_resident_and_update_the_same_alert(session, now, high_and_normal):
    high, normal = high_and_normal
    trends.scan_trends(session, model=rules_model(), now=now)
    add_bp(session, high, local(TODAY, 8), 162, 98)
    session.commit()
    report = trends.scan_trends(session, model=rules_model(), now=now + timedelta(hours=1))
    assert (report.queued, report.scanned, report.alerts) == (1, 1, 1)
    (alert,) = _alerts(session)
    assert alert.evidence_count == 2
    assert _state(session, normal.id).scanned_at == now  # untouched


def test_one_high_session_in_a_controlled_week_raises_no_trend_alert(session, people, now):
    r = people.resident("偶高")
    add_bp_days(session, r, last_day=TODAY - timedelta(days=1), days=8, systolic=124, diastolic=78)
    add_bp(session, r, local(TODAY, 7), 172, 104)
    add_bp(session, r, local(TODAY, 7, 1), 170, 102)
    session.commit()
    report = trends.scan_trends(session, model=rules_model(), now=now)
    assert report.scanned == 1 and report.flagged_bp == 0 and _alerts(session) == []


def test_the_trained_model_flags_a_clearly_uncontrolled_week(session, now, high_and_normal):
    high, _ = high_and_normal
    trends.scan_trends(session, model=load_model(), now=now)
    assert [a.resident_id for a in _alerts(session)] == [high.id]


def test_residents_without_consent_are_not_scored_but_their_cursor_moves(session, world, now, high_and_normal):
    high, _ = high_and_normal
    residents_service.withdraw_consent(session, actor=system_actor(world.consortium_id), resident_id=high.id, now=now)
    session.commit()
    report = trends.scan_trends(session, model=rules_model(), now=now)
    assert (report.scanned, report.skipped) == (1, 1) and _alerts(session) == []
    assert _state(session, high.id).scanned_at == now


def test_two_consecutive_uncontrolled_windows_add_a_referral_note(session, people, now):
    r = people.resident("连续")
    add_bp_days(session, r, last_day=TODAY - timedelta(days=1), days=16, systolic=156, diastolic=95)
    session.commit()
    report = trends.scan_trends(session, model=rules_model(), now=now)
    (alert,) = _alerts(session)
    assert report.referral_notes == 1 and "上转" in alert.summary and alert.severity.value == "high"
    assert alert.last_value["referral"] is True


def test_glucose_off_target_a_week_after_the_first_flag_notes_referral(session, people, now):
    r = people.resident("血糖", conditions=("diabetes",))
    for k in range(1, 8):
        add_glucose(session, r, local(TODAY - timedelta(days=k), 6, 30), 8.6 + 0.1 * (k % 3))
    session.commit()
    trends.scan_trends(session, model=rules_model(), now=now)
    (first,) = _alerts(session, "trend_glucose")
    assert "上转" not in first.summary and "空腹血糖" in first.summary
    assert _state(session, r.id).last_status["glucose"] == {"status": "uncontrolled", "since": "2026-06-01"}
    later = now + timedelta(days=7)
    for k in range(0, 7):
        add_glucose(session, r, local(TODAY + timedelta(days=k), 6, 30), 8.8)
    session.commit()
    report = trends.scan_trends(session, model=rules_model(), now=later)
    (alert,) = _alerts(session, "trend_glucose")
    assert report.referral_notes == 1 and "上转" in alert.summary and alert.evidence_count == 2


def test_one_failing_resident_is_counted_and_stays_queued_while_the_rest_are_scanned(session, people, now):
    rs = [people.resident(f"居民{i}") for i in range(5)]
    for r in rs:
        add_bp_days(session, r, last_day=TODAY - timedelta(days=1), days=8, systolic=158, diastolic=96)
    session.commit()
    trends.scan_trends(session, model=rules_model(), now=now - timedelta(days=1))
    bad = rs[2]
    # a corrupt scan state row (last_status of the wrong shape) makes this resident's processing fail
    session.execute(update(ResidentScanState).where(ResidentScanState.resident_id == bad.id)
                    .values(last_status={"bp": "garbage"}))
    for r in rs:
        add_bp(session, r, local(TODAY, 7), 160, 97)
    session.commit()
    report = trends.scan_trends(session, model=rules_model(), now=now, chunk_size=5)
    assert report.errors == 1 and report.failed_items == [bad.id] and report.scanned == 4
    assert _state(session, bad.id).scanned_at is None  # queued for the next run
    assert all(_state(session, r.id).scanned_at == now for r in rs if r is not bad)
    assert all(a.evidence_count == (1 if a.resident_id == bad.id else 2) for a in _alerts(session))


def test_residents_marked_before_a_crash_are_scanned_by_the_next_run(session, now, high_and_normal):
    trends.mark_new_readings(session)
    session.commit()  # the run died here, before any chunk
    assert session.scalar(select(func.count()).select_from(ResidentScanState)
                          .where(ResidentScanState.scanned_at.is_(None))) == 2
    report = trends.scan_trends(session, model=rules_model(), now=now)
    assert report.queued == 2 and report.scanned == 2 and len(_alerts(session)) == 1


def test_the_mark_keeps_the_high_water_ids_and_the_next_scan_starts_there(session, people, now, high_and_normal):
    high, normal = high_and_normal
    top = session.scalar(select(func.max(BpReading.id)))

    def reading(resident, id_: int) -> None:
        session.add(BpReading(id=id_, consortium_id=resident.consortium_id, resident_id=resident.id,
                              client_id=f"c{id_}", measured_at=local(TODAY, 8), systolic=150, diastolic=92,
                              source=ReadingSource.app, received_at=now))
        session.commit()

    reading(high, top + 10)
    trends.scan_trends(session, model=rules_model(), now=now)
    marks = {m.table_name: m.high_id for m in session.scalars(select(ScanMark))}
    assert marks == {"bp_readings": top + 10, "glucose_readings": 0}
    # below the mark less the margin (none here) is history: a reading committed that late is not looked at
    reading(normal, top + 5)
    reading(high, top + 20)
    report = trends.scan_trends(session, model=rules_model(), now=now + timedelta(hours=1), id_margin=0)
    assert report.queued == 1 and _state(session, high.id).scanned_at == now + timedelta(hours=1)
    assert _state(session, normal.id).scanned_at == now


def test_a_reading_that_committed_late_with_a_lower_id_is_still_found(session, people, now, high_and_normal):
    high, normal = high_and_normal
    trends.scan_trends(session, model=rules_model(), now=now)
    top = session.scalar(select(func.max(BpReading.id)))
    # a reading of `high` with id top+10 commits and is scanned ...
    session.add(BpReading(id=top + 10, consortium_id=high.consortium_id, resident_id=high.id, client_id="y",
                          measured_at=local(TODAY, 8), systolic=160, diastolic=97, source=ReadingSource.app,
                          received_at=now))
    session.commit()
    trends.scan_trends(session, model=rules_model(), now=now + timedelta(minutes=30))
    assert _state(session, high.id).last_bp_id == top + 10
    # ... while `normal`'s reading took id top+5 earlier but committed only now
    session.add(BpReading(id=top + 5, consortium_id=normal.consortium_id, resident_id=normal.id, client_id="x",
                          measured_at=local(TODAY, 8), systolic=126, diastolic=78, source=ReadingSource.app,
                          received_at=now))
    session.commit()
    report = trends.scan_trends(session, model=rules_model(), now=now + timedelta(hours=1))
    assert report.queued == 1 and report.scanned == 1
    assert _state(session, normal.id).scanned_at == now + timedelta(hours=1)


def test_chunking_gives_the_same_result_as_one_chunk(session, people, now, caplog):
    rs = [people.resident(f"分块{i}") for i in range(5)]
    for i, r in enumerate(rs):
        add_bp_days(session, r, last_day=TODAY - timedelta(days=1), days=8, systolic=150 if i % 2 else 120,
                    diastolic=95 if i % 2 else 75)
    session.commit()
    report = trends.scan_trends(session, model=rules_model(), now=now, chunk_size=2)
    assert report.chunks == 3 and report.scanned == 5
    assert [a.resident_id for a in _alerts(session)] == [rs[1].id, rs[3].id]
    assert "read-ahead" not in caplog.text  # every chunk after the first was read ahead, not read again


def test_read_columns_returns_the_window_in_resident_and_time_order(session, people, now):
    a, b = people.resident("甲"), people.resident("乙")
    add_bp(session, b, local(TODAY, 7), 140, 90)
    add_bp(session, a, local(TODAY, 7), 131, 81)
    add_bp(session, a, local(TODAY - timedelta(days=1), 20), 130, 80)
    add_bp(session, a, local(TODAY - timedelta(days=40), 20), 199, 99)  # outside the 35-day look-back
    add_bp(session, a, local(TODAY, 10), 150, 95)  # after `now` (09:00)
    add_glucose(session, b, local(TODAY, 6), 7.4, "fasting")
    session.add(GlucoseReading(consortium_id=b.consortium_id, resident_id=b.id, client_id="hi",
                               measured_at=local(TODAY, 8), value_mmol=None, meter_flag="HI", context="random",
                               source=ReadingSource.device, received_at=now))
    session.commit()
    ids = np.array([a.id, b.id], dtype=np.int64)
    cols = trends.read_columns(session, ids, since=trends._window_start(now), until=now, bp_high=10**9,
                               glu_high=10**9)
    assert cols.n_residents == 2
    assert cols.bp_res.tolist() == [0, 0, 1] and cols.bp_sbp.tolist() == [130.0, 131.0, 140.0]
    assert cols.bp_dbp.tolist() == [80.0, 81.0, 90.0]
    assert cols.bp_t.tolist()[0] == int(local(TODAY - timedelta(days=1), 20).timestamp())
    assert cols.glu_res.tolist() == [1, 1] and cols.glu_mmol.tolist() == [7.4, 33.4]
    assert cols.glu_ctx.tolist() == [1, 0]  # fasting, random
    capped = trends.read_columns(session, ids, since=trends._window_start(now), until=now, bp_high=0, glu_high=0)
    assert capped.bp_res.shape == (0,) and capped.glu_res.shape == (0,)


def _outbox(session) -> list[OutboxMessage]:
    session.expire_all()
    return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_a_chunk_scanned_again_adds_evidence_but_queues_no_second_notice(session, now, high_and_normal):
    high, _ = high_and_normal
    first = trends.scan_trends(session, model=rules_model(), now=now)
    [notice] = _outbox(session)
    assert notice.kind == "alert_digest" and notice.data["resident_ids"] == [high.id]
    # the same chunk once more (as after a lost cursor write): same readings, same clock
    session.execute(update(ResidentScanState).values(scanned_at=None))
    session.commit()
    again = trends.scan_trends(session, model=rules_model(), now=now)
    assert (first.alerts, again.queued, again.alerts) == (1, 2, 1)
    assert [m.id for m in _outbox(session)] == [notice.id]
    (alert,) = _alerts(session)
    assert alert.evidence_count == 2 and [e.type for e in alert.events] == ["opened", "evidence"]


@pytest.fixture
def refused_alerts(db):
    """A database trigger that refuses to store an alert for one resident: a write that fails inside a chunk's
    transaction, in the same statement as the other residents' alerts."""
    engine = db.engine
    postgres = engine.dialect.name == "postgresql"

    def arm(resident_id: int) -> None:
        with engine.begin() as conn:
            if postgres:
                conn.exec_driver_sql(
                    "CREATE FUNCTION refuse_alert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    f"IF NEW.resident_id = {int(resident_id)} THEN "
                    "RAISE EXCEPTION 'refused' USING ERRCODE = 'check_violation'; END IF; RETURN NEW; END $$")
                conn.exec_driver_sql("CREATE TRIGGER refuse_alert BEFORE INSERT ON alerts FOR EACH ROW "
                                     "EXECUTE FUNCTION refuse_alert()")
            else:
                conn.exec_driver_sql(f"CREATE TRIGGER refuse_alert BEFORE INSERT ON alerts "
                                     f"WHEN NEW.resident_id = {int(resident_id)} "
                                     "BEGIN SELECT RAISE(ABORT, 'refused'); END")

    def disarm() -> None:
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS refuse_alert" + (" ON alerts" if postgres else ""))
            if postgres:
                conn.exec_driver_sql("DROP FUNCTION IF EXISTS refuse_alert()")

    arm.disarm = disarm
    yield arm
    disarm()


def test_a_chunk_whose_alert_write_fails_is_bisected_and_each_alert_is_notified_once(session, people, now,
                                                                                    refused_alerts):
    rs = [people.resident(f"拒绝{i}") for i in range(5)]
    for r in rs:
        add_bp_days(session, r, last_day=TODAY - timedelta(days=1), days=8, systolic=158, diastolic=96)
    session.commit()
    bad = rs[3]
    refused_alerts(bad.id)
    report = trends.scan_trends(session, model=rules_model(), now=now, chunk_size=5)
    assert report.errors == 1 and report.failed_items == [bad.id] and (report.scanned, report.alerts) == (4, 4)
    assert _state(session, bad.id).scanned_at is None
    opened = [rid for m in _outbox(session) for rid in m.data["resident_ids"]]
    assert sorted(opened) == sorted(r.id for r in rs if r is not bad)  # each in one notice, none from the failures
    refused_alerts.disarm()
    report = trends.scan_trends(session, model=rules_model(), now=now + timedelta(minutes=10), chunk_size=5)
    assert (report.queued, report.alerts, report.errors) == (1, 1, 0)
    assert sorted(rid for m in _outbox(session) for rid in m.data["resident_ids"]) == sorted(r.id for r in rs)
    assert [a.evidence_count for a in _alerts(session)] == [1] * 5


def test_a_doctor_gets_one_digest_naming_the_flagged_residents_not_one_message_each(session, people, now):
    rs = [people.resident(f"摘要{i}") for i in range(7)]
    for r in rs:
        add_bp_days(session, r, last_day=TODAY - timedelta(days=1), days=8, systolic=158, diastolic=96)
    session.commit()
    report = trends.scan_trends(session, model=rules_model(), now=now)
    assert report.alerts == 7
    [digest] = _outbox(session)  # the team's village doctor holds all seven alerts
    assert digest.staff_id == _alerts(session)[0].assignee_staff_id and digest.kind == "alert_digest"
    assert sorted(digest.data["resident_ids"]) == sorted(r.id for r in rs)
    assert sorted(digest.data["alert_ids"]) == sorted(a.id for a in _alerts(session))
    assert digest.text.startswith("【趋势预警】摘要") and "等7位居民" in digest.text  # five names, then the count
    assert digest.data["urgent"] is any(a.severity.value in ("critical", "high") for a in _alerts(session))
