"""Readings use cases on a real database: who may post, plausibility, idempotency, rules -> alerts + outbox."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.errors import Conflict, Forbidden, NotFound, RuleViolation
from app.services import alerts, devices, readings, residents
from app.services.actors import system_actor
from models.alerts import Alert
from models.outbox import OutboxMessage
from models.readings import BpReading, GlucoseReading


def bp(session, actor, now, sys_=128, dia=82, *, minutes_ago=0, **kw):
    kw.setdefault("source", None)
    kw.setdefault("resident_id", None)
    return readings.record_bp(session, actor=actor, systolic=sys_, diastolic=dia,
                              measured_at=now - timedelta(minutes=minutes_ago), now=now, **kw)


def glucose(session, actor, now, value, *, minutes_ago=0, **kw):
    kw.setdefault("source", None)
    kw.setdefault("resident_id", None)
    kw.setdefault("context", "fasting")
    return readings.record_glucose(session, actor=actor, value=value, measured_at=now - timedelta(minutes=minutes_ago),
                                   now=now, **kw)


def outbox(session, **where):
    stmt = select(OutboxMessage).order_by(OutboxMessage.id)
    for name, value in where.items():
        stmt = stmt.where(getattr(OutboxMessage, name) == value)
    return list(session.scalars(stmt))


# --- who may post ------------------------------------------------------------------------------------
def test_resident_posts_own_reading(session, consented, actor, now):
    outcome = bp(session, actor("res_a1"), now, client_id="c-1")
    assert not outcome.duplicate and outcome.reading.resident_id == consented.ids["res_a1"]
    assert outcome.reading.source.value == "app" and outcome.reading.entered_by_staff_id is None
    assert "已记录" in outcome.advice and outcome.findings == []


def test_resident_cannot_post_for_someone_else(session, consented, actor, now):
    with pytest.raises(NotFound):  # looks the same as a resident that does not exist
        bp(session, actor("res_a1"), now, resident_id=consented.ids["res_c1"])


def test_no_processing_before_consent(session, world, now):
    with pytest.raises(Forbidden) as exc:
        bp(session, world.actor(session, "res_a1"), now)
    assert exc.value.code == "consent.required"
    assert session.scalar(select(func.count()).select_from(BpReading)) == 0


def test_withdrawn_consent_stops_processing(session, consented, actor, now):
    residents.withdraw_consent(session, actor=system_actor(consented.consortium_id),
                               resident_id=consented.ids["res_a1"], now=now)
    with pytest.raises(Forbidden):
        glucose(session, actor("res_a1"), now, 6.1)


def test_team_member_enters_for_their_resident_only(session, consented, actor, now):
    outcome = bp(session, actor("vdoc_a"), now, resident_id=consented.ids["res_a1"], source="app")
    assert outcome.reading.source.value == "doctor"
    assert outcome.reading.entered_by_staff_id == consented.ids["vdoc_a"]
    with pytest.raises(NotFound):
        bp(session, actor("vdoc_a"), now, resident_id=consented.ids["res_c1"])


@pytest.mark.parametrize("who", ["admin", "cardio"])
def test_admins_and_specialists_may_not_post(session, consented, actor, now, who):
    with pytest.raises(Forbidden):
        bp(session, actor(who), now, resident_id=consented.ids["res_a1"])


def test_device_key_posts_for_its_resident_until_revoked(session, consented, actor, now):
    issued = devices.issue_key(session, actor=actor("vdoc_a"), resident_id=consented.ids["res_a1"],
                               device_serial="BPM-001", now=now)
    assert issued.device.key_hash != issued.key and len(issued.device.key_hash) == 64
    device = devices.actor_for_key(session, issued.key, now=now)
    outcome = bp(session, device, now, source="app")
    assert outcome.reading.source.value == "device" and outcome.reading.device_serial == "BPM-001"
    assert outcome.reading.resident_id == consented.ids["res_a1"]
    with pytest.raises(Forbidden):
        bp(session, device, now, resident_id=consented.ids["res_c1"])
    devices.revoke_key(session, actor=actor("vdoc_a"), key_id=issued.device.id, now=now)
    with pytest.raises(Exception) as exc:
        devices.actor_for_key(session, issued.key, now=now)
    assert exc.value.code == "device.invalid_key"
    with pytest.raises(Exception) as exc:
        bp(session, device, now, minutes_ago=1)  # an actor resolved before the revocation stops too
    assert exc.value.code == "device.invalid_key"


def test_only_the_residents_team_issues_device_keys(session, consented, actor, now):
    with pytest.raises(NotFound):
        devices.issue_key(session, actor=actor("vdoc_c"), resident_id=consented.ids["res_a1"], device_serial="X",
                          now=now)
    with pytest.raises(Forbidden):
        devices.issue_key(session, actor=actor("res_a1"), resident_id=consented.ids["res_a1"], device_serial="X",
                          now=now)


# --- plausibility -------------------------------------------------------------------------------------
@pytest.mark.parametrize("sys_, dia, pulse, field", [
    (49, 30, None, "systolic"), (301, 90, None, "systolic"), (120, 29, None, "diastolic"),
    (120, 201, None, "diastolic"), (90, 90, None, "diastolic"), (120, 80, 24, "pulse"), (120, 80, 251, "pulse"),
])
def test_implausible_bp_is_refused_with_field_messages(session, consented, actor, now, sys_, dia, pulse, field):
    with pytest.raises(RuleViolation) as exc:
        bp(session, actor("res_a1"), now, sys_, dia, pulse=pulse)
    assert field in exc.value.errors


@pytest.mark.parametrize("offset, ok", [
    (timedelta(minutes=-5), True), (timedelta(minutes=-6), False),
    (timedelta(days=364), True), (timedelta(days=366), False),
])
def test_measurement_time_window(session, consented, actor, now, offset, ok):
    call = lambda: readings.record_bp(session, actor=actor("res_a1"), resident_id=None, systolic=120, diastolic=80,  # noqa: E731
                                      measured_at=now - offset, now=now, source=None)
    if ok:
        assert call().reading.id
    else:
        with pytest.raises(RuleViolation) as exc:
            call()
        assert "measured_at" in exc.value.errors


@pytest.mark.parametrize("value, unit, stored, ok", [
    (0.9, "mmol/L", None, False), (1.0, "mmol/L", 1.0, True), (35.0, "mmol/L", 35.0, True),
    (35.1, "mmol/L", None, False), (126, "mg/dL", 7.0, True), (54, "mg/dL", 3.0, True), (700, "mg/dL", None, False),
    (6.25, "mmol/L", 6.2, True),
])
def test_glucose_is_stored_in_mmol_with_one_decimal(session, consented, actor, now, value, unit, stored, ok):
    if not ok:
        with pytest.raises(RuleViolation) as exc:
            glucose(session, actor("res_a1"), now, value, unit=unit)
        assert "value" in exc.value.errors
        return
    outcome = glucose(session, actor("res_a1"), now, value, unit=unit)
    assert outcome.reading.value_mmol == stored
    assert outcome.reading.original_value == value and outcome.reading.original_unit == unit


def test_meter_hi_is_stored_as_a_flag_and_counts_as_urgent_once_repeated(session, consented, actor, now):
    first = glucose(session, actor("res_a1"), now, None, meter_flag="HI", context="random", minutes_ago=6)
    assert first.reading.value_mmol is None and first.reading.meter_flag == "HI"
    assert first.needs_repeat and first.alerts == []
    outcome = glucose(session, actor("res_a1"), now, None, meter_flag="HI", context="random")
    assert [f.kind for f in outcome.findings] == ["acute_glucose"]
    assert alerts.active_alerts(session, consented.ids["res_a1"])[0].severity.value == "high"


def test_glucose_without_value_or_flag_is_refused(session, consented, actor, now):
    with pytest.raises(RuleViolation) as exc:
        glucose(session, actor("res_a1"), now, None)
    assert "value" in exc.value.errors


# --- idempotency -----------------------------------------------------------------------------------------
def test_a_retry_returns_the_original_reading_and_advice(session, consented, actor, now):
    first = bp(session, actor("res_a1"), now, 186, 100, client_id="11111111-1111-1111-1111-111111111111")
    session.commit()
    retry = readings.record_bp(session, actor=actor("res_a1"), resident_id=None, systolic=186, diastolic=100,
                               measured_at=now, now=now + timedelta(seconds=30), source=None,
                               client_id="11111111-1111-1111-1111-111111111111")
    assert retry.duplicate and retry.reading.id == first.reading.id
    assert (retry.advice, retry.needs_repeat) == (first.advice, first.needs_repeat) and first.needs_repeat
    assert session.scalar(select(func.count()).select_from(BpReading)) == 1


def test_a_retry_after_a_later_repeat_still_answers_as_the_original(session, consented, actor, now):
    first = bp(session, actor("res_a1"), now, 190, 100, client_id="k1", minutes_ago=6)
    bp(session, actor("res_a1"), now, 188, 100, client_id="k2")  # confirms: an alert opens now
    retry = bp(session, actor("res_a1"), now, 190, 100, client_id="k1", minutes_ago=6)
    assert retry.duplicate and retry.needs_repeat and retry.advice == first.advice
    assert session.scalar(select(Alert.evidence_count)) == 1  # the retry raised nothing


def test_the_same_client_id_with_another_value_is_a_conflict(session, consented, actor, now):
    bp(session, actor("res_a1"), now, 130, 80, client_id="same")
    with pytest.raises(Conflict):
        bp(session, actor("res_a1"), now, 131, 80, client_id="same")


def test_client_ids_are_per_resident(session, consented, actor, now):
    a = bp(session, actor("res_a1"), now, client_id="shared")
    c = bp(session, actor("res_c1"), now, client_id="shared")
    assert a.reading.id != c.reading.id and not c.duplicate


# --- rules on ingest: alerts and messages in the same transaction ---------------------------------------------
def test_single_spike_asks_for_a_repeat_without_alarming(session, consented, actor, now):
    outcome = bp(session, actor("res_a1"), now, 185, 100)
    assert outcome.needs_repeat and "5分钟" in outcome.advice
    assert alerts.active_alerts(session, consented.ids["res_a1"]) == []
    assert outbox(session) == []  # the reply carries the advice; nothing is pushed


def test_a_device_spike_pushes_the_repeat_request(session, consented, actor, now):
    issued = devices.issue_key(session, actor=actor("vdoc_a"), resident_id=consented.ids["res_a1"],
                               device_serial="BPM-9", now=now)
    bp(session, devices.actor_for_key(session, issued.key, now=now), now, 185, 100)
    [message] = outbox(session)
    assert message.resident_id == consented.ids["res_a1"] and "5分钟" in message.text


def test_confirmed_high_bp_opens_one_alert_and_notifies_resident_and_village_doctor(session, consented, actor, now):
    bp(session, actor("res_a1"), now, 186, 100, minutes_ago=5)
    outcome = bp(session, actor("res_a1"), now, 184, 104)
    [alert] = alerts.active_alerts(session, consented.ids["res_a1"])
    assert (alert.kind.value, alert.severity.value, alert.status.value) == ("acute_bp", "high", "open")
    assert alert.assignee_staff_id == consented.ids["vdoc_a"] and alert.team_id == consented.ids["team_a"]
    assert alert.last_value["confirm_systolic"] == 185 and "复测确认" in alert.summary
    assert outcome.alerts == [alert]
    [to_resident] = outbox(session, resident_id=consented.ids["res_a1"])
    [to_doctor] = outbox(session, staff_id=consented.ids["vdoc_a"])
    assert "今天联系家庭医生" in to_resident.text and "res_a1" in to_doctor.text
    assert to_doctor.data["alert_id"] == alert.id


def test_new_evidence_updates_the_open_alert_and_severity_only_goes_up(session, consented, actor, now):
    bp(session, actor("res_a1"), now, 186, 100, minutes_ago=30)
    bp(session, actor("res_a1"), now, 186, 100, minutes_ago=25)  # confirmed: high
    bp(session, actor("res_a1"), now, 190, 100, minutes_ago=2, symptoms="头痛，想吐")  # red flags: critical
    bp(session, actor("res_a1"), now, 188, 100)  # confirmed again, high: stays critical
    [alert] = session.scalars(select(Alert)).all()
    assert alert.evidence_count == 3 and alert.severity.value == "critical"
    assert [e.type for e in alert.events] == ["opened", "raised", "evidence"]
    assert alert.last_value["systolic"] == 188
    notices = outbox(session, staff_id=consented.ids["vdoc_a"])
    assert [m.kind for m in notices] == ["alert_opened", "alert_raised"]


def test_low_bp_with_dizziness_opens_low_bp(session, consented, actor, now):
    outcome = bp(session, actor("res_a1"), now, 86, 55, symptoms="起床时头晕")
    assert [a.kind.value for a in outcome.alerts] == ["low_bp"]
    assert "坐下或躺下" in outcome.advice


def test_level_2_hypo_is_critical_with_sugar_advice_once_repeated(session, consented, actor, now):
    first = glucose(session, actor("res_a1"), now, 2.6, context="random", minutes_ago=5)
    assert first.alerts == [] and "15克糖" in first.advice and "120" not in first.advice
    outcome = glucose(session, actor("res_a1"), now, 2.7, context="random")
    [alert] = outcome.alerts
    assert (alert.kind.value, alert.severity.value) == ("hypoglycaemia", "critical")
    assert "15克糖" in outcome.advice
    [message] = outbox(session, resident_id=consented.ids["res_a1"])
    assert "15克糖" in message.text and "15分钟后" in message.text


def test_second_hypo_episode_in_a_week_opens_recurrent_review(session, consented, actor, now):
    first = glucose(session, actor("res_a1"), now, 3.6, minutes_ago=60 * 96)
    assert [a.kind.value for a in first.alerts] == []  # 4 days old: history, not an emergency
    second = glucose(session, actor("res_a1"), now, 3.5)
    kinds = {a.kind.value: a.severity.value for a in second.alerts}
    assert kinds == {"hypoglycaemia": "moderate", "hypoglycaemia_recurrent": "high"}
    assert "2天内" in second.advice


def test_first_hypo_within_72h_alerts(session, consented, actor, now):
    outcome = glucose(session, actor("res_a1"), now, 3.5, minutes_ago=60 * 70)
    assert [a.kind.value for a in outcome.alerts] == ["hypoglycaemia"]


def test_glucose_alerts_take_the_endocrinology_department(session, consented, actor, now):
    outcome = glucose(session, actor("res_a1"), now, 21.0, context="postprandial", symptoms="呕吐、肚子疼")
    [alert] = outcome.alerts
    assert (alert.kind.value, alert.severity.value, alert.department) == ("acute_glucose", "critical", "内分泌科")


def test_a_failed_transaction_leaves_neither_reading_nor_alert_nor_message(session, consented, actor, now):
    glucose(session, actor("res_a1"), now, 2.5)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(GlucoseReading)) == 0
    assert session.scalar(select(func.count()).select_from(Alert)) == 0
    assert outbox(session) == []


# --- batch --------------------------------------------------------------------------------------------------------
def test_batch_answers_per_item_and_a_bad_item_never_drops_good_ones(session, consented, actor, now):
    rid = consented.ids["res_a1"]
    items = [
        {"type": "bp", "resident_id": rid, "systolic": 130, "diastolic": 85, "measured_at": "2026-06-01T08:00:00+08:00",
         "client_id": "b1"},
        {"type": "bp", "resident_id": rid, "systolic": 30, "diastolic": 85, "measured_at": "2026-06-01T08:01:00+08:00"},
        {"type": "glucose", "resident_id": rid, "value": 108, "unit": "mg/dL", "context": "fasting",
         "measured_at": "2026-06-01T07:30:00", "client_id": "g1"},
        {"type": "bp", "resident_id": consented.ids["res_c1"], "systolic": 120, "diastolic": 80,
         "measured_at": "2026-06-01T08:00:00+08:00"},
        {"type": "weight", "value": 60},
        {"type": "bp", "resident_id": rid, "systolic": "high", "diastolic": 85, "measured_at": "yesterday"},
        {"type": "bp", "resident_id": rid, "systolic": 130, "diastolic": 85, "measured_at": "2026-06-01T08:00:00+08:00",
         "client_id": "b1"},
        {"type": "bp", "resident_id": rid, "systolic": 120, "diastolic": 80, "measured_at": "2027-06-01T08:00:00+08:00"},
    ]
    results = readings.record_batch(session, actor=actor("vdoc_a"), items=items, now=now)
    assert [r.status for r in results] == ["accepted", "rejected", "accepted", "rejected", "rejected", "rejected",
                                           "duplicate", "rejected"]
    assert "systolic" in results[1].errors and results[3].code == "resident.not_found"
    assert set(results[5].errors) == {"systolic", "measured_at"} and "measured_at" in results[7].errors
    assert results[6].reading_id == results[0].reading_id
    assert session.get(GlucoseReading, results[2].reading_id).value_mmol == 6.0
    again = readings.record_batch(session, actor=actor("vdoc_a"), items=items[:3], now=now)
    assert [r.status for r in again] == ["duplicate", "rejected", "duplicate"]
    assert again[0].reading_id == results[0].reading_id


def test_batch_confirms_a_spike_with_its_repeat_in_the_same_batch(session, consented, actor, now):
    issued = devices.issue_key(session, actor=actor("vdoc_a"), resident_id=consented.ids["res_a1"],
                               device_serial="BPM-2", now=now)
    device = devices.actor_for_key(session, issued.key, now=now)
    items = [{"type": "bp", "systolic": 192, "diastolic": 112, "measured_at": (now - timedelta(minutes=m)).isoformat(),
              "client_id": f"d{m}"} for m in (3, 4)]
    results = readings.record_batch(session, actor=device, items=items, now=now)
    assert [r.status for r in results] == ["accepted", "accepted"]
    codes = sorted(f.code for r in results for f in r.findings)
    assert codes == ["BP-R1", "BP-U1"]  # the earlier reading asks for a repeat, the repeat confirms
    [alert] = alerts.active_alerts(session, consented.ids["res_a1"])
    assert alert.kind.value == "acute_bp"


def test_batch_refuses_a_role_that_may_not_post(session, consented, actor, now):
    with pytest.raises(Forbidden):
        readings.record_batch(session, actor=actor("admin"), now=now, items=[
            {"type": "bp", "resident_id": consented.ids["res_a1"], "systolic": 120, "diastolic": 80,
             "measured_at": now.isoformat()}])


def test_batch_over_1000_items_is_refused(session, consented, actor, now):
    with pytest.raises(RuleViolation):
        readings.record_batch(session, actor=actor("res_a1"), items=[{"type": "bp"}] * 1001, now=now)


# --- charts -----------------------------------------------------------------------------------------------------------
def test_bp_chart_groups_sessions_and_computes_seven_day_means(session, consented, actor, now):
    rid = consented.ids["res_a1"]
    items = []
    for day in range(10):
        for hour, sys_ in ((23, 150), (11, 140)):  # 07:00 and 19:00 local
            for k in range(2):
                at = now - timedelta(days=day) - timedelta(hours=(1 + 24 - hour) % 24) + timedelta(minutes=k)
                items.append({"type": "bp", "resident_id": rid, "systolic": sys_ + k * 2, "diastolic": 88,
                              "measured_at": at.isoformat(), "client_id": f"c{day}-{hour}-{k}"})
    results = readings.record_batch(session, actor=actor("vdoc_a"), items=items, now=now)
    assert all(r.status == "accepted" for r in results)
    chart = readings.bp_chart(session, actor("vdoc_a"), rid, start=now - timedelta(days=14), end=now, now=now)
    assert len(chart.readings) == 40 and len(chart.sessions) == 20
    assert all(s.n_readings == 2 for s in chart.sessions)
    latest = chart.windows[0]
    assert latest.status == "uncontrolled" and latest.n_days >= 3
    assert latest.morning_systolic == pytest.approx(151) and latest.evening_systolic == pytest.approx(141)
    assert str(chart.target) == "135/85"
    with pytest.raises(NotFound):
        readings.bp_chart(session, actor("vdoc_c"), rid, start=now - timedelta(days=14), end=now)


def test_recent_bp_is_the_week_charts_newest_window_or_its_sessions_mean(session, consented, actor, now):
    """最近血压 reads five columns instead of the chart's ORM rows: the same sessions and newest window as bp_chart
    over the last 7 days, with a reading kept as typed left out of both."""
    rid = consented.ids["res_a1"]
    a1 = actor("res_a1")
    items = [{"type": "bp", "resident_id": rid, "systolic": 138 + (day % 3) * 4 + k, "diastolic": 86 - k,
              "pulse": 70, "measured_at": (now - timedelta(days=day, hours=hour, minutes=-k)).isoformat(),
              "client_id": f"r{day}-{hour}-{k}"}
             for day in range(20) for hour in (1, 13) for k in range(2)]
    assert all(r.status == "accepted" for r in readings.record_batch(session, actor=a1, items=items, now=now))
    readings.record_bp(session, actor=a1, resident_id=rid, systolic=85, diastolic=135, measured_at=now, now=now,
                       source="wechat", confirm=True)  # a likely typo kept as typed
    later = now + timedelta(minutes=1)
    recent = readings.recent_bp(session, a1, rid, now=later)
    chart = readings.bp_chart(session, a1, rid, start=later - timedelta(days=7), end=later, now=later)
    window = chart.windows[0]
    assert window.systolic is not None and len(chart.sessions) >= 10
    assert any(r.confirmation == "as_typed" for r in chart.readings)
    assert (recent.n_sessions, recent.systolic, recent.diastolic, str(recent.target)) == (
        len(chart.sessions), window.systolic, window.diastolic, str(chart.target))
    few = readings.recent_bp(session, actor("res_c1"), consented.ids["res_c1"], now=later)
    assert (few.n_sessions, few.systolic, few.diastolic) == (0, None, None)


def test_chart_range_is_bounded(session, consented, actor, now):
    with pytest.raises(RuleViolation):
        readings.bp_chart(session, actor("res_a1"), consented.ids["res_a1"], start=now - timedelta(days=400), end=now)


def test_triage_red_flags_in_the_symptoms_raise_a_symptom_alert_with_normal_values(session, consented, actor, now):
    outcome = bp(session, actor("res_a1"), now, 132, 84, symptoms="突然一侧手脚没劲，说话不清")
    assert [(a.kind.value, a.severity.value) for a in outcome.alerts] == [("triage_red_flag", "critical")]
    assert "120" in outcome.advice
    calm = bp(session, actor("res_c1"), now, 132, 84, symptoms="没有胸痛，就是有点累")
    assert calm.alerts == [] and calm.findings == []
