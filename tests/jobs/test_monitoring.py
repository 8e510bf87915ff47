"""Missed monitoring: enrolled residents silent for 14 days get one low alert, refreshed once a day."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.services import monitoring
from models.alerts import Alert, AlertKind
from tests.jobs.conftest import add_bp, add_glucose


def _alerts(session):
    session.expire_all()
    return list(session.scalars(select(Alert).where(Alert.kind == AlertKind.missed_monitoring)
                                .order_by(Alert.resident_id)))


def test_silent_enrolled_residents_get_a_low_alert(session, people, now):
    silent = people.resident("不测", approved_days_ago=60)
    add_bp(session, silent, now - timedelta(days=15), 140, 85)
    recent = people.resident("常测", approved_days_ago=60)
    add_bp(session, recent, now - timedelta(days=20), 140, 85)
    add_glucose(session, recent, now - timedelta(days=3), 6.1)  # any kind of reading counts
    never = people.resident("从未测", approved_days_ago=20)
    new = people.resident("新签约", approved_days_ago=5)  # enrolled too recently to be missing anything
    people.resident("无慢病", conditions=(), approved_days_ago=60)
    people.resident("未签约", team=None, approved_days_ago=60)
    session.commit()
    report = monitoring.flag_missed_monitoring(session, now=now)
    assert (report.missed, report.alerted, report.errors) == (2, 2, 0)
    alerts = _alerts(session)
    assert [a.resident_id for a in alerts] == [silent.id, never.id]
    assert all(a.severity.value == "low" for a in alerts)
    assert "已15天没有上传" in alerts[0].summary and alerts[0].last_value["days"] == 15
    assert "签约管理20天以来没有上传过" in alerts[1].summary
    assert new.id not in {a.resident_id for a in alerts}


def test_a_rerun_the_same_day_changes_nothing_and_the_next_day_refreshes(session, people, now):
    silent = people.resident("不测", approved_days_ago=60)
    add_bp(session, silent, now - timedelta(days=15), 140, 85)
    session.commit()
    monitoring.flag_missed_monitoring(session, now=now)
    again = monitoring.flag_missed_monitoring(session, now=now + timedelta(hours=3))
    assert (again.missed, again.alerted, again.already) == (1, 0, 1)
    assert _alerts(session)[0].evidence_count == 1
    next_day = monitoring.flag_missed_monitoring(session, now=now + timedelta(days=1))
    (alert,) = _alerts(session)
    assert next_day.alerted == 1 and alert.evidence_count == 2 and "已16天" in alert.summary


def test_the_number_of_days_is_configurable(session, people, now):
    r = people.resident("七天", approved_days_ago=60)
    add_bp(session, r, now - timedelta(days=8), 140, 85)
    session.commit()
    assert monitoring.flag_missed_monitoring(session, now=now).missed == 0
    assert monitoring.flag_missed_monitoring(session, now=now, days=7).alerted == 1
