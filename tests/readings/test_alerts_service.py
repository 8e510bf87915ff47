"""Alerts: one active alert per kind, the team queue and scopes, acknowledge/resolve, the escalation ladder."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.errors import Conflict, Forbidden, NotFound, RuleViolation
from app.services import alerts, scopes
from app.services.actors import system_actor
from models.alerts import Alert, AlertEvent
from models.org import Staff
from models.outbox import OutboxMessage


def raise_(session, world, now, who="res_a1", kind="acute_bp", severity="critical", **kw):
    return alerts.raise_alert(session, resident_id=world.ids[who], kind=kind, severity=severity,
                              summary=kw.pop("summary", f"{kind} {severity}"), now=now, **kw)


def notices(session, staff_id):
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.staff_id == staff_id)
                                .order_by(OutboxMessage.id)))


# --- one active alert per kind ---------------------------------------------------------------------------
def test_one_active_alert_per_resident_and_kind(session, consented, now):
    first = raise_(session, consented, now, severity="high", value={"systolic": 182})
    second = raise_(session, consented, now + timedelta(minutes=5), severity="moderate", value={"systolic": 181})
    other_kind = raise_(session, consented, now, kind="low_bp", severity="high")
    assert second.id == first.id and other_kind.id != first.id
    assert first.evidence_count == 2 and first.severity.value == "high"  # severity never goes down
    assert first.last_value == {"systolic": 181} and first.last_evidence_at == now + timedelta(minutes=5)
    session.commit()
    assert len(session.scalars(select(Alert).where(Alert.kind == "acute_bp")).all()) == 1


def test_a_resolved_alert_lets_a_new_one_open(session, consented, actor, now):
    first = raise_(session, consented, now)
    alerts.resolve(session, actor=actor("vdoc_a"), alert_id=first.id, note="已电话联系，已就医", now=now)
    again = raise_(session, consented, now + timedelta(hours=1))
    assert again.id != first.id and again.status.value == "open"


def test_opening_notifies_the_village_doctor_first(session, consented, now):
    alert = raise_(session, consented, now)
    assert alert.assignee_staff_id == consented.ids["vdoc_a"] and alert.escalation_level == 0
    [notice] = notices(session, consented.ids["vdoc_a"])
    assert notice.kind == "alert_opened" and notice.data["urgent"] is True
    assert notices(session, consented.ids["gp1"]) == []


def test_notify_false_records_without_messages(session, consented, now):
    raise_(session, consented, now, notify=False)
    assert session.scalars(select(OutboxMessage)).all() == []


def test_raised_severity_notifies_again(session, consented, now):
    raise_(session, consented, now, severity="high")
    raise_(session, consented, now, severity="high")
    raise_(session, consented, now, severity="critical")
    kinds = [m.kind for m in notices(session, consented.ids["vdoc_a"])]
    assert kinds == ["alert_opened", "alert_raised"]


# --- the ladder ---------------------------------------------------------------------------------------------
def test_unacknowledged_critical_alert_climbs_the_ladder_every_30_minutes(session, consented, now):
    alert = raise_(session, consented, now)
    ids = consented.ids
    ladder = [(29, 0, ids["vdoc_a"]), (30, 1, ids["gp1"]), (59, 1, ids["gp1"]), (60, 2, ids["county1"]),
              (90, 3, ids["cardio2"]), (200, 3, ids["cardio2"])]
    for minutes, level, assignee in ladder:
        alerts.escalate_due(session, now=now + timedelta(minutes=minutes))
        assert (alert.escalation_level, alert.assignee_staff_id) == (level, assignee), minutes
    assert alert.status.value == "escalated" and alert.department == "心内科"
    steps = [e for e in alert.events if e.type == "escalated"]
    assert [e.data["to_level"] for e in steps] == [1, 2, 3]
    assert [e.at for e in steps] == [now + timedelta(minutes=m) for m in (30, 60, 90)]
    for who in ("gp1", "county1", "cardio2"):
        [notice] = notices(session, ids[who])
        assert notice.kind == "alert_escalated" and "res_a1" in notice.text
    assert notices(session, ids["cardio"]) == []  # not on duty


def test_escalation_is_idempotent(session, consented, now):
    raise_(session, consented, now)
    at = now + timedelta(minutes=31)
    assert alerts.escalate_due(session, now=at) == 1
    assert alerts.escalate_due(session, now=at) == 0
    assert alerts.escalate_due(session, now=at + timedelta(minutes=29)) == 0


def test_high_alerts_escalate_after_24_hours(session, consented, now):
    alert = raise_(session, consented, now, severity="high")
    assert alerts.escalate_due(session, now=now + timedelta(hours=23, minutes=59)) == 0
    assert alerts.escalate_due(session, now=now + timedelta(hours=24)) == 1
    assert alert.assignee_staff_id == consented.ids["gp1"]


def test_moderate_and_low_alerts_do_not_escalate(session, consented, now):
    raise_(session, consented, now, kind="hypoglycaemia", severity="moderate")
    raise_(session, consented, now, kind="missed_monitoring", severity="low")
    assert alerts.escalate_due(session, now=now + timedelta(days=30)) == 0


def test_sla_is_configurable(session, consented, now):
    raise_(session, consented, now)
    assert alerts.escalate_due(session, now=now + timedelta(minutes=10), critical_after=timedelta(minutes=10)) == 1


def test_acknowledging_stops_the_clock(session, consented, actor, now):
    alert = raise_(session, consented, now)
    alerts.acknowledge(session, actor=actor("vdoc_a"), alert_id=alert.id, note="已联系，正在前往", now=now)
    assert alerts.escalate_due(session, now=now + timedelta(hours=5)) == 0
    assert alert.acknowledged_by_id == consented.ids["vdoc_a"] and alert.status.value == "acknowledged"


def test_glucose_alert_goes_to_endocrinology_and_to_the_whole_department_when_nobody_is_on_duty(
        session, consented, now):
    alert = raise_(session, consented, now, kind="hypoglycaemia")
    for minutes in (30, 60, 90):
        alerts.escalate_due(session, now=now + timedelta(minutes=minutes))
    assert alert.escalation_level == 3 and alert.department == "内分泌科" and alert.assignee_staff_id is None
    [notice] = notices(session, consented.ids["endo"])
    assert "值班专科医生" in notice.text
    assert "无值班医生" in alert.events[-1].note


def test_a_resident_without_a_team_goes_straight_to_the_specialist(session, consented, now):
    alert = raise_(session, consented, now, who="res_free")
    assert alert.team_id is None and alert.assignee_staff_id is None
    assert alerts.escalate_due(session, now=now + timedelta(minutes=30)) == 1
    assert (alert.escalation_level, alert.assignee_staff_id) == (3, consented.ids["cardio2"])


def test_a_missing_rung_is_skipped(session, consented, now):
    session.get(Staff, consented.ids["gp1"]).active = False
    alert = raise_(session, consented, now)
    alerts.escalate_due(session, now=now + timedelta(minutes=30))
    assert (alert.escalation_level, alert.assignee_staff_id) == (2, consented.ids["county1"])


def test_trend_alert_named_department_overrides_the_default(session, consented, now):
    alert = raise_(session, consented, now, kind="triage_red_flag", department="急诊科")
    assert alert.department == "急诊科"


# --- queue and scopes -------------------------------------------------------------------------------------------
def test_queue_is_sorted_by_severity_then_waiting_time(session, consented, actor, now):
    moderate = raise_(session, consented, now - timedelta(hours=5), kind="hypoglycaemia", severity="moderate")
    late_critical = raise_(session, consented, now - timedelta(minutes=5), kind="acute_bp", severity="critical")
    early_critical = raise_(session, consented, now - timedelta(minutes=50), who="res_a2", kind="acute_glucose")
    high = raise_(session, consented, now, kind="low_bp", severity="high")
    page = alerts.team_queue(session, actor("vdoc_a"))
    assert [v.id for v in page.items] == [early_critical.id, late_critical.id, high.id, moderate.id]
    assert page.items[0].resident_name == "res_a2" and page.items[0].village_name == "东村"
    assert page.total == 4


def test_queue_filters(session, consented, actor, now):
    a = raise_(session, consented, now, kind="acute_bp")
    b = raise_(session, consented, now, kind="low_bp", severity="high")
    alerts.acknowledge(session, actor=actor("vdoc_a"), alert_id=b.id, note="看过了", now=now)
    doctor = actor("gp1")
    assert [v.id for v in alerts.team_queue(session, doctor, kind="acute_bp").items] == [a.id]
    assert [v.id for v in alerts.team_queue(session, doctor, status="acknowledged").items] == [b.id]
    assert alerts.team_queue(session, doctor, village_id=consented.ids["village_c"]).total == 0
    assert alerts.team_queue(session, doctor, village_id=consented.ids["village_a"]).total == 2


def test_team_b_cannot_see_or_touch_team_a_alerts(session, consented, actor, now):
    alert = raise_(session, consented, now)
    outsider = actor("vdoc_c")
    assert alerts.team_queue(session, outsider).total == 0
    with pytest.raises(NotFound):
        alerts.get_alert(session, outsider, alert.id)
    with pytest.raises(NotFound):
        alerts.acknowledge(session, actor=outsider, alert_id=alert.id, note="x", now=now)


def test_admins_and_residents_do_not_read_alerts(session, consented, actor, now):
    raise_(session, consented, now)
    for who in ("admin", "res_a1"):
        with pytest.raises(Forbidden):
            alerts.team_queue(session, actor(who))


def test_specialist_sees_only_alerts_escalated_to_them_or_their_department(session, consented, actor, now):
    alert = raise_(session, consented, now)
    other = raise_(session, consented, now, who="res_c1")
    glucose = raise_(session, consented, now, kind="hypoglycaemia", who="res_c1")
    cardio = actor("cardio")
    assert alerts.team_queue(session, cardio).total == 0
    with pytest.raises(NotFound):
        scopes.get_resident(session, cardio, consented.ids["res_a1"])
    alerts.escalate_due(session, now=now + timedelta(minutes=30), critical_after=timedelta(minutes=1))
    alerts.escalate_due(session, now=now + timedelta(minutes=60), critical_after=timedelta(minutes=1))
    alerts.escalate_due(session, now=now + timedelta(minutes=90), critical_after=timedelta(minutes=1))
    assert {v.id for v in alerts.team_queue(session, cardio).items} == {alert.id, other.id}  # 心内科, not glucose
    assert glucose.id in {v.id for v in alerts.team_queue(session, actor("endo")).items}
    # while the alert is escalated to them the specialist may read the resident's record
    assert scopes.get_resident(session, cardio, consented.ids["res_a1"]).id == consented.ids["res_a1"]
    alerts.acknowledge(session, actor=cardio, alert_id=alert.id, note="专科接手", now=now + timedelta(minutes=95))
    alerts.resolve(session, actor=cardio, alert_id=alert.id, note="已处理", now=now + timedelta(minutes=99))
    with pytest.raises(NotFound):
        scopes.get_resident(session, cardio, consented.ids["res_a1"])


def test_system_actor_sees_the_consortium(session, consented, now):
    raise_(session, consented, now)
    raise_(session, consented, now, who="res_c1")
    assert alerts.team_queue(session, system_actor(consented.consortium_id)).total == 2


# --- acknowledge and resolve ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("note", ["", "   ", None])
def test_acknowledge_and_resolve_need_a_note(session, consented, actor, now, note):
    alert = raise_(session, consented, now)
    with pytest.raises(RuleViolation) as exc:
        alerts.acknowledge(session, actor=actor("vdoc_a"), alert_id=alert.id, note=note, now=now)
    assert "note" in exc.value.errors
    with pytest.raises(RuleViolation):
        alerts.resolve(session, actor=actor("vdoc_a"), alert_id=alert.id, note=note, now=now)


def test_acknowledge_then_resolve_records_events(session, consented, actor, now):
    alert = raise_(session, consented, now)
    alerts.acknowledge(session, actor=actor("vdoc_a"), alert_id=alert.id, note="已联系", now=now + timedelta(minutes=3))
    with pytest.raises(Conflict):
        alerts.acknowledge(session, actor=actor("gp1"), alert_id=alert.id, note="again", now=now)
    alerts.resolve(session, actor=actor("gp1"), alert_id=alert.id, note="已就诊", now=now + timedelta(hours=2))
    assert alert.status.value == "resolved" and alert.resolved_by_id == consented.ids["gp1"]
    assert alert.acknowledged_at == now + timedelta(minutes=3)
    assert [(e.type, e.note) for e in alert.events] == [("opened", None), ("acknowledged", "已联系"),
                                                        ("resolved", "已就诊")]
    with pytest.raises(Conflict):
        alerts.resolve(session, actor=actor("gp1"), alert_id=alert.id, note="again", now=now)


def test_resolving_without_acknowledging_counts_as_taking_it(session, consented, actor, now):
    alert = raise_(session, consented, now)
    alerts.resolve(session, actor=actor("vdoc_a"), alert_id=alert.id, note="已处理", now=now + timedelta(minutes=7))
    assert alert.acknowledged_at == now + timedelta(minutes=7)


def test_resolve_records_a_follow_up_in_the_same_call(session, consented, actor, now):
    alert = raise_(session, consented, now, severity="high")
    alerts.resolve(session, actor=actor("vdoc_a"), alert_id=alert.id, note="上门随访", now=now, followup={
        "visited_at": now, "method": "home", "classification": "uncontrolled", "systolic": 168, "diastolic": 96})
    from models.followups import FollowUp

    [visit] = session.scalars(select(FollowUp)).all()
    assert visit.alert_id == alert.id and visit.resident_id == consented.ids["res_a1"]
    resolved = session.scalars(select(AlertEvent).where(AlertEvent.type == "resolved")).one()
    assert resolved.data == {"followup_id": visit.id}


def test_a_resident_who_changes_team_takes_open_alerts_along(session, consented, actor, now):
    from app.services import contracts, residents

    alert = raise_(session, consented, now)
    residents.update_resident(session, actor=actor("vdoc_a"), resident_id=consented.ids["res_a1"],
                              village_id=consented.ids["village_c"])
    contracts.terminate_contract(session, actor=actor("gp1"), contract_id=consented.ids["contract_res_a1"],
                                 now=now, reason="搬家到西村")
    contracts.apply_contract(session, actor=system_actor(consented.consortium_id), resident_id=consented.ids["res_a1"],
                             team_id=consented.ids["team_b"], package_ids=[consented.ids["pkg_basic"]], now=now)
    assert alerts.team_queue(session, actor("gp1")).total == 0
    assert [v.id for v in alerts.team_queue(session, actor("gp2")).items] == [alert.id]
