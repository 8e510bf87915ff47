"""Confirmation before critical through the real paths: the readings service on the test database, the
API, the batch and device paths, the timeout job and the KPIs. An artefact never pages anyone."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from app.errors import RuleViolation
from app.services import alerts, kpis, readings
from app.services.actors import system_actor
from jobs.table import run_job
from models.alerts import Alert, AlertEvent
from models.confirmations import ReadingConfirmation
from models.outbox import OutboxMessage
from models.readings import BpReading, GlucoseReading

WAIT = timedelta(minutes=30)


def bp(session, actor, at, sys_, dia, *, now=None, **kw):
    kw.setdefault("source", None)
    kw.setdefault("resident_id", None)
    return readings.record_bp(session, actor=actor, systolic=sys_, diastolic=dia, measured_at=at,
                              now=now or at, **kw)


def glucose(session, actor, at, value, *, now=None, **kw):
    kw.setdefault("source", None)
    kw.setdefault("resident_id", None)
    kw.setdefault("context", "random")
    return readings.record_glucose(session, actor=actor, value=value, measured_at=at, now=now or at, **kw)


def rows(session):
    session.flush()
    return list(session.scalars(select(ReadingConfirmation).order_by(ReadingConfirmation.id)
                                .execution_options(populate_existing=True)))


def mark(session, model, reading_id):
    return session.scalar(select(model.confirmation).where(model.id == reading_id))


def all_alerts(session):
    session.flush()
    return list(session.scalars(select(Alert).order_by(Alert.id).execution_options(populate_existing=True)))


def staff_notices(session):
    return session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.staff_id.is_not(None)))


# --- the states --------------------------------------------------------------------------------------------
def test_a_single_dangerous_bp_waits_for_its_repeat_and_pages_nobody(session, consented, actor, now):
    outcome = bp(session, actor("res_a1"), now, 196, 118)
    assert outcome.needs_repeat and outcome.alerts == [] and all_alerts(session) == []
    assert "休息5分钟后再测一次" in outcome.advice and "120" not in outcome.advice
    assert outcome.confirmation["state"] == "awaiting_confirmation" and outcome.confirmation["remeasure_in_minutes"] == 5
    [row] = rows(session)
    assert (row.state.value, row.rule, row.reading_id) == ("awaiting_confirmation", "BP-R1", outcome.reading.id)
    assert mark(session, BpReading, outcome.reading.id) == "awaiting"
    assert staff_notices(session) == 0


def test_an_agreeing_repeat_opens_the_alert_with_its_clock_at_the_repeat(session, consented, actor, now):
    first = bp(session, actor("res_a1"), now, 196, 118)
    repeat_at = now + timedelta(minutes=6)
    repeat = bp(session, actor("res_a1"), repeat_at, 192, 116)
    [alert] = repeat.alerts
    assert (alert.kind.value, alert.severity.value) == ("acute_bp", "high")
    assert alert.opened_at == repeat_at  # the SLA clock starts at the confirming reading
    assert alert.last_value["confirmation"]["state"] == "confirmed"
    [row] = rows(session)
    assert (row.state.value, row.reason, row.resolving_reading_id, row.alert_id) == (
        "confirmed", "repeat", repeat.reading.id, alert.id)
    assert mark(session, BpReading, first.reading.id) == mark(session, BpReading, repeat.reading.id) == "confirmed"
    assert not repeat.needs_repeat and "两次测量" in repeat.advice


def test_a_normal_repeat_dismisses_the_value_keeps_the_reading_and_raises_nothing(session, consented, actor, now):
    first = bp(session, actor("res_a1"), now, 232, 136)  # a cuff error
    repeat = bp(session, actor("res_a1"), now + timedelta(minutes=2), 136, 84)
    assert all_alerts(session) == [] and staff_notices(session) == 0
    assert [f.code for f in repeat.findings] == ["BP-N1"] and "没量准" in repeat.advice
    [row] = rows(session)
    assert (row.state.value, row.reason, row.resolving_reading_id) == (
        "dismissed_by_normal_repeat", "normal_repeat", repeat.reading.id)
    assert mark(session, BpReading, first.reading.id) == "not_confirmed"
    assert mark(session, BpReading, repeat.reading.id) is None  # an ordinary reading, usable by the trends
    assert session.get(BpReading, first.reading.id) is not None  # kept on record


def test_a_discordant_first_reading_with_normal_repeats_never_pages(session, consented, actor, now):
    bp(session, actor("res_a1"), now, 245, 140)
    bp(session, actor("res_a1"), now + timedelta(minutes=1), 138, 86)
    bp(session, actor("res_a1"), now + timedelta(minutes=2), 134, 82)
    readings.expire_unconfirmed(session, now=now + timedelta(hours=2))
    assert all_alerts(session) == [] and staff_notices(session) == 0


def test_red_flag_symptoms_make_a_dangerous_value_critical_at_once(session, consented, actor, now):
    outcome = bp(session, actor("res_a1"), now, 186, 112, symptoms="头痛得厉害，想吐")
    [alert] = outcome.alerts
    assert (alert.kind.value, alert.severity.value) == ("acute_bp", "critical")
    assert "120" in outcome.advice and "再测" not in outcome.advice and not outcome.needs_repeat
    [row] = rows(session)
    assert (row.state.value, row.reason) == ("confirmed", "red_flag")


def test_glucose_lo_confirmed_by_a_second_low_is_critical(session, consented, actor, now):
    first = glucose(session, actor("res_a1"), now, None, meter_flag="LO")
    assert first.alerts == [] and first.needs_repeat and "15克糖" in first.advice and "120" not in first.advice
    second = glucose(session, actor("res_a1"), now + timedelta(minutes=5), 2.6)
    [alert] = second.alerts
    assert (alert.kind.value, alert.severity.value) == ("hypoglycaemia", "critical")
    assert rows(session)[0].state.value == "confirmed"


def test_glucose_hi_dismissed_by_a_normal_repeat(session, consented, actor, now):
    first = glucose(session, actor("res_a1"), now, None, meter_flag="HI")
    second = glucose(session, actor("res_a1"), now + timedelta(minutes=5), 8.1)
    assert all_alerts(session) == [] and [f.code for f in second.findings] == ["G-N1"]
    assert mark(session, GlucoseReading, first.reading.id) == "not_confirmed"


# --- the timeout job --------------------------------------------------------------------------------------
def test_no_repeat_in_time_gives_the_village_doctor_a_moderate_task_never_a_page(session, consented, actor, now):
    first = bp(session, actor("res_a1"), now, 188, 104)
    assert readings.expire_unconfirmed(session, now=now + WAIT - timedelta(seconds=1)).expired == 0
    report = readings.expire_unconfirmed(session, now=now + WAIT)
    assert (report.expired, report.alerts) == (1, 1)
    [alert] = all_alerts(session)
    assert (alert.kind.value, alert.severity.value) == ("unconfirmed_reading", "moderate")
    assert "请电话联系居民" in alert.summary and alert.escalation_level == 0
    [row] = rows(session)
    assert (row.state.value, row.reason, row.alert_id) == ("unconfirmed", "timeout", alert.id)
    assert mark(session, BpReading, first.reading.id) == "not_confirmed"
    # idempotent: a rerun finds nothing waiting
    assert readings.expire_unconfirmed(session, now=now + WAIT + timedelta(minutes=5)).expired == 0
    assert len(all_alerts(session)) == 1
    # a moderate task never climbs the escalation ladder
    assert alerts.escalate_due(session, now=now + timedelta(days=3)) == 0


def test_the_timeout_job_runs_through_the_job_table_with_its_setting(app, session, consented, actor, now):
    bp(session, actor("res_a1"), now, 190, 100)
    session.commit()
    saved = app.config["CONFIRM_WAIT_MINUTES"]
    app.config["CONFIRM_WAIT_MINUTES"] = 15  # the shortest wait allowed (app/config.py), not the default 30
    try:
        report = run_job(app, "confirmation_timeout", now=now + timedelta(minutes=15))
    finally:
        app.config["CONFIRM_WAIT_MINUTES"] = saved
    assert report.expired == 1
    assert run_job(app, "confirmation_timeout", now=now + timedelta(minutes=16)).expired == 0


# --- idempotency ----------------------------------------------------------------------------------------------
def test_retries_answer_the_same_and_change_nothing(session, consented, actor, now):
    key1, key2 = "c0nf-1", "c0nf-2"
    first = bp(session, actor("res_a1"), now, 196, 118, client_id=key1)
    again = bp(session, actor("res_a1"), now, 196, 118, client_id=key1, now=now + timedelta(seconds=20))
    assert again.duplicate and (again.advice, again.needs_repeat, again.confirmation) == (
        first.advice, first.needs_repeat, first.confirmation)
    repeat_at = now + timedelta(minutes=6)
    repeat = bp(session, actor("res_a1"), repeat_at, 194, 117, client_id=key2)
    retry = bp(session, actor("res_a1"), repeat_at, 194, 117, client_id=key2, now=repeat_at + timedelta(seconds=30))
    assert retry.duplicate and retry.alerts == [] and retry.advice == repeat.advice
    [alert] = all_alerts(session)
    assert alert.evidence_count == 1
    assert len(rows(session)) == 1
    events = session.scalar(select(func.count()).select_from(AlertEvent).where(AlertEvent.alert_id == alert.id))
    assert events == 1


# --- one code path: batch and device --------------------------------------------------------------------------
def test_a_batch_with_the_reading_and_its_repeat_confirms_like_single_posts(session, consented, actor, now):
    system = system_actor(consented.consortium_id)
    rid = consented.ids["res_a1"]
    items = [{"type": "bp", "resident_id": rid, "systolic": 200, "diastolic": 120,
              "measured_at": now.isoformat(), "client_id": "b-1"},
             {"type": "bp", "resident_id": rid, "systolic": 198, "diastolic": 118,
              "measured_at": (now + timedelta(minutes=5)).isoformat(), "client_id": "b-2"},
             {"type": "bp", "resident_id": rid, "systolic": 85, "diastolic": 135,
              "measured_at": (now + timedelta(minutes=7)).isoformat(), "client_id": "b-3"}]
    results = readings.record_batch(session, actor=system, items=items, now=now + timedelta(minutes=8))
    assert [r.status for r in results] == ["accepted", "accepted", "rejected"]
    assert results[0].needs_repeat and results[1].confirmation["state"] == "confirmed"
    assert results[2].code == "reading.likely_typo" and results[2].suggestion["text"] == "135/85"
    [alert] = all_alerts(session)
    assert alert.kind.value == "acute_bp"


# --- likely typos -----------------------------------------------------------------------------------------------
def test_a_likely_typo_is_refused_with_its_suggestion(session, consented, actor, now):
    with pytest.raises(RuleViolation) as exc:
        bp(session, actor("res_a1"), now, 85, 135)
    assert exc.value.code == "reading.likely_typo"
    assert exc.value.extra["suggestion"] == {"kind": "swapped", "text": "135/85", "systolic": 135, "diastolic": 85}
    assert session.scalar(select(func.count()).select_from(BpReading)) == 0


def test_a_confirmed_typo_is_stored_as_typed_and_feeds_no_rule(session, consented, actor, now):
    outcome = bp(session, actor("res_a1"), now, 1850, 95, confirm=True)  # an extra digit: 185/95
    assert (outcome.reading.systolic, outcome.reading.confirmation) == (1850, "as_typed")
    assert outcome.findings == [] and outcome.alerts == [] and rows(session) == []
    # nor does it confirm a later dangerous value
    later = bp(session, actor("res_a1"), now + timedelta(minutes=3), 186, 100)
    assert later.needs_repeat and later.alerts == []


def test_glucose_in_the_wrong_unit_is_refused_with_the_converted_value(session, consented, actor, now):
    with pytest.raises(RuleViolation) as exc:
        glucose(session, actor("res_a1"), now, 126)  # mg/dL typed as mmol/L
    assert exc.value.extra["suggestion"]["value_mmol"] == 7.0


# --- KPIs ---------------------------------------------------------------------------------------------------------
def test_kpis_count_unconfirmed_values_apart(session, consented, actor, now):
    a1 = actor("res_a1")
    bp(session, a1, now, 196, 118)
    bp(session, a1, now + timedelta(minutes=6), 192, 116)  # confirmed
    bp(session, a1, now + timedelta(hours=2), 232, 136)
    bp(session, a1, now + timedelta(hours=2, minutes=2), 132, 80)  # dismissed
    bp(session, a1, now + timedelta(hours=4), 188, 104)  # will time out
    bp(session, a1, now + timedelta(hours=5), 1850, 95, confirm=True)  # stored as typed
    readings.expire_unconfirmed(session, now=now + timedelta(hours=5))
    admin = actor("admin")
    day = (now + timedelta(hours=8)).date()
    [report] = kpis.compute_kpis(session, actor=admin, start=date(day.year, day.month, 1), end=day)
    assert report.figures["dangerous_readings"] == {"total": 3, "confirmed": 1, "awaiting_confirmation": 0,
                                                    "dismissed_by_normal_repeat": 1, "unconfirmed": 1,
                                                    "entries_as_typed": 1}


# --- the API -----------------------------------------------------------------------------------------------------
def test_api_answers_a_likely_typo_with_422_and_stores_it_only_with_confirm(client, consented):
    at = datetime.now(timezone.utc)
    body = {"systolic": 85, "diastolic": 135, "measured_at": at.isoformat()}
    r = client.post("/api/v1/readings/bp", json=body, headers=consented.headers("res_a1"))
    assert r.status_code == 422
    problem = r.get_json()
    assert problem["code"] == "reading.likely_typo" and problem["suggestion"]["text"] == "135/85"
    assert "您是不是想输入 135/85？" in problem["detail"]
    stored = client.post("/api/v1/readings/bp", json={**body, "confirm": True}, headers=consented.headers("res_a1"))
    assert stored.status_code == 201 and stored.get_json()["findings"] == []


def test_api_and_device_answers_carry_the_repeat_request(client, consented):
    issued = client.post(f"/api/v1/readings/residents/{consented.ids['res_a1']}/device-keys",
                         json={"device_serial": "BP-0001"}, headers=consented.headers("vdoc_a")).get_json()
    device = {"X-Device-Key": issued["key"]}
    at = datetime.now(timezone.utc)
    r = client.post("/api/v1/readings/bp", json={"systolic": 205, "diastolic": 121, "measured_at": at.isoformat()},
                    headers=device)
    assert r.status_code == 201
    data = r.get_json()
    assert data["needs_repeat"] and data["confirmation"]["state"] == "awaiting_confirmation"
    assert "休息5分钟后再测一次" in data["advice"]
    queue = client.get("/api/v1/alerts", headers=consented.headers("vdoc_a")).get_json()
    assert queue["items"] == []


def test_a_reading_kept_as_typed_stays_on_the_chart_but_out_of_its_sessions(session, consented, actor, now):
    a1 = actor("res_a1")
    bp(session, a1, now - timedelta(minutes=1), 132, 84)
    bp(session, a1, now, 85, 135, confirm=True)
    chart = readings.bp_chart(session, a1, consented.ids["res_a1"], now=now + timedelta(minutes=1))
    assert sorted(r.confirmation or "" for r in chart.readings) == ["", "as_typed"]
    assert [(round(s.systolic), round(s.diastolic)) for s in chart.sessions] == [(132, 84)]


def test_a_batch_reusing_a_client_id_for_another_value_is_rejected_as_a_conflict(session, consented, actor, now):
    rid = consented.ids["res_a1"]
    item = {"type": "bp", "resident_id": rid, "systolic": 132, "diastolic": 84, "measured_at": now.isoformat(),
            "client_id": "same-key"}
    system = system_actor(consented.consortium_id)
    readings.record_batch(session, actor=system, items=[item], now=now)
    [result] = readings.record_batch(session, actor=system, items=[{**item, "systolic": 140}], now=now)
    assert (result.status, result.code) == ("rejected", "reading.idempotency_conflict")


def test_an_old_dangerous_value_uploaded_late_waits_for_nothing(session, consented, actor, now):
    old = now - timedelta(days=4)
    outcome = bp(session, actor("res_a1"), old, 196, 118, now=now)
    assert not outcome.needs_repeat and rows(session) == []
    assert readings.expire_unconfirmed(session, now=now + WAIT).expired == 0 and all_alerts(session) == []


# --- what is read around a new reading ---------------------------------------------------------------------
def test_the_readings_around_are_read_only_when_one_of_them_is_dangerous(session, consented, actor, now):
    """They matter to the rules only within a dangerous episode (>=180/110): a resident who measures often is not
    read back at every message, and one dangerous value among them brings all of them back."""
    from app.services.readings import alerting

    who = actor("res_a1")
    for minutes, (sys_, dia) in enumerate([(138, 86), (142, 88), (136, 84)]):
        bp(session, who, now + timedelta(minutes=minutes), sys_, dia)
    new = bp(session, who, now + timedelta(minutes=3), 140, 85).reading
    assert alerting.Context(session, new.resident_id, "bp", [new]).near == []
    dangerous = bp(session, who, now + timedelta(minutes=4), 186, 112).reading  # the new one dangerous: all read
    assert len(alerting.Context(session, dangerous.resident_id, "bp", [dangerous]).near) == 5  # itself included
    later = bp(session, who, now + timedelta(minutes=10), 150, 90).reading  # a dangerous one around: all read
    assert len(alerting.Context(session, later.resident_id, "bp", [later]).near) == 6


def test_the_glucose_readings_around_are_read_only_when_one_of_them_is_dangerous(session, consented, actor, now):
    """As for BP, with glucose's danger (<3.0 or >=16.7 mmol/L, meter HI/LO); a new low reading also brings back
    the week's low readings (hypoglycaemia episodes), near or not."""
    from app.services.readings import alerting

    who = actor("res_a1")
    for minutes, value in enumerate([6.1, 7.4, 5.8]):
        glucose(session, who, now + timedelta(minutes=minutes), value)
    new = glucose(session, who, now + timedelta(minutes=3), 6.5).reading
    assert alerting.Context(session, new.resident_id, "glucose", [new]).near == []
    high = glucose(session, who, now + timedelta(minutes=4), 18.2).reading  # the new one dangerous: all read
    assert len(alerting.Context(session, high.resident_id, "glucose", [high]).near) == 5  # itself included
    later = glucose(session, who, now + timedelta(minutes=10), 6.0).reading  # a dangerous one around: all read
    assert len(alerting.Context(session, later.resident_id, "glucose", [later]).near) == 6
    earlier_low = glucose(session, who, now - timedelta(days=3), 3.5).reading
    low = glucose(session, who, now + timedelta(hours=5), 3.6).reading  # low, not dangerous: the week's lows
    ctx = alerting.Context(session, low.resident_id, "glucose", [low])
    assert [i[1] for i in ctx.near] == [low.id] and [i[1] for i in ctx.lows] == [earlier_low.id, low.id]
