"""Referrals through the API: the flow, the summary, who may do what, and the specialist's window on the record."""
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.services.clock import local_date
from models.base import utcnow
from models.followups import FollowUpTask
from models.outbox import OutboxMessage
from models.referrals import Referral, SpecialistSlot
from tests.care.conftest import refer, visit


def post(client, world, rid, step, who="cardio", **body):
    return client.post(f"/api/v1/referrals/{rid}/{step}", json=body or None, headers=world.headers(who))


def publish(client, world, *, days_ahead=3, capacity=20, reserved=2, who="cardio", department="心内科"):
    day = local_date(utcnow()) + timedelta(days=days_ahead)
    return client.post("/api/v1/slots", json={"department": department, "day": day.isoformat(), "capacity": capacity,
                                              "reserved_for_referrals": reserved}, headers=world.headers(who))


def test_full_flow_up_and_back_down(client, world, session):
    r = refer(client, world, urgency="urgent")
    assert r.status_code == 201, r.get_json()
    rid = r.get_json()["id"]
    assert r.get_json()["status"] == "requested" and r.get_json()["team_id"] == world.ids["team_a"]
    assert [i["id"] for i in client.get("/api/v1/referrals", headers=world.headers("cardio")).get_json()["items"]] == [rid]

    assert post(client, world, rid, "accept").get_json()["status"] == "accepted"
    slot = publish(client, world).get_json()
    booked = post(client, world, rid, "book", slot_id=slot["id"])
    assert booked.status_code == 200 and booked.get_json()["status"] == "booked"
    assert session.get(SpecialistSlot, slot["id"]).booked_referrals == 1
    done = post(client, world, rid, "complete", advice="加用缬沙坦80mg qd，两周后复查")
    assert done.status_code == 200 and done.get_json()["completed_at"] is not None
    back = post(client, world, rid, "refer-back", plan="社区随访，每周测血压")
    assert back.status_code == 200 and back.get_json()["status"] == "referred_back"

    task = session.scalar(select(FollowUpTask).where(FollowUpTask.referral_id == rid))
    assert task.team_id == world.ids["team_a"] and task.due_on == local_date(utcnow()) + timedelta(days=14)
    kinds = set(session.scalars(select(OutboxMessage.kind).where(OutboxMessage.resident_id == world.ids["res_a1"])))
    assert {"referral_requested", "referral_booked", "referral_completed", "referral_referred_back"} <= kinds
    notices = session.scalars(select(OutboxMessage).where(OutboxMessage.staff_id == world.ids["cardio"])).all()
    assert len(notices) == 1 and "res_a1" in notices[0].text


def test_summary_has_readings_means_alerts_conditions_and_current_medications(client, world, care):
    now = utcnow()
    care.bp("res_a1", now - timedelta(days=2), 150, 90)
    care.bp("res_a1", now - timedelta(days=1), 160, 100)
    care.bp("res_a1", now - timedelta(days=10), 140, 80)
    care.bp("res_a1", now - timedelta(days=20), 200, 120)  # older than 14 days: left out
    care.glucose("res_a1", now - timedelta(days=3), 7.4)
    visit(client, world, at=now - timedelta(days=40), medications=[
        {"drug": "氨氯地平", "dose": "5mg", "frequency": "qd", "change": "start"},
        {"drug": "氢氯噻嗪", "dose": "12.5mg", "frequency": "qd", "change": "start"}])
    visit(client, world, at=now - timedelta(days=5), classification="uncontrolled", systolic=150, diastolic=95,
          medications=[{"drug": "氢氯噻嗪", "change": "stop"},
                       {"drug": "氨氯地平", "dose": "10mg", "frequency": "qd", "change": "adjust"}])
    summary = refer(client, world).get_json()["summary"]
    assert [r["systolic"] for r in summary["bp_readings"]] == [160, 150, 140]
    last_week, week_before = summary["means_7d"]
    assert last_week["bp"] == {"systolic": 155, "diastolic": 95, "n": 2}
    assert week_before["bp"] == {"systolic": 140, "diastolic": 80, "n": 1}
    assert last_week["glucose_fasting"] == {"mmol": 7.4, "n": 1} and last_week["glucose_other"] is None
    assert summary["conditions"] == ["hypertension"]
    assert [(m["drug"], m["dose"]) for m in summary["medications"]] == [("氨氯地平", "10mg")]
    assert summary["last_followup"]["classification"] == "uncontrolled"
    assert summary["resident"]["bp_target"] == {"systolic": 135, "diastolic": 85}


def test_decline_needs_a_reason(client, world):
    rid = refer(client, world).get_json()["id"]
    assert post(client, world, rid, "decline").status_code == 422
    r = post(client, world, rid, "decline", reason="建议先在基层调整用药两周")
    assert r.status_code == 200 and r.get_json()["status"] == "declined" and r.get_json()["closed_at"]
    assert post(client, world, rid, "accept").status_code == 409


@pytest.mark.parametrize("who, status", [("vdoc_c", 404), ("gp2", 404), ("cardio", 403), ("admin", 403),
                                         ("res_a1", 403), ("anonymous", 401)])
def test_only_the_residents_team_may_refer(client, world, who, status):
    assert refer(client, world, who=who).status_code == status


def test_team_b_cannot_read_team_a_referrals(client, world):
    rid = refer(client, world).get_json()["id"]
    assert client.get(f"/api/v1/referrals/{rid}", headers=world.headers("vdoc_c")).status_code == 404
    assert client.get("/api/v1/referrals", headers=world.headers("vdoc_c")).get_json()["items"] == []
    assert client.get(f"/api/v1/referrals/{rid}", headers=world.headers("gp1")).status_code == 200
    assert client.get("/api/v1/referrals", headers=world.headers("admin")).status_code == 403


def test_unknown_department_and_duplicate_referral(client, world):
    r = refer(client, world, to_department="眼科")
    assert r.status_code == 422 and "to_department" in r.get_json()["errors"]
    assert refer(client, world, to_department=None).status_code == 422
    assert refer(client, world).status_code == 201
    assert refer(client, world).status_code == 409


def test_referral_to_a_named_specialist_is_hidden_from_colleagues(client, world, care):
    care.specialist("cardio2", "心内科")
    care.specialist("endo", "内分泌科")
    named = refer(client, world, to_specialist_id=world.ids["cardio"], to_department=None).get_json()
    assert named["to_department"] == "心内科"
    for who in ("cardio2", "endo"):
        assert client.get(f"/api/v1/referrals/{named['id']}", headers=world.headers(who)).status_code == 404
        assert post(client, world, named["id"], "accept", who=who).status_code == 404
        assert client.get(f"/api/v1/residents/{world.ids['res_a1']}", headers=world.headers(who)).status_code == 404
    assert post(client, world, named["id"], "accept").status_code == 200


def test_department_referral_is_seen_by_the_department_only(client, world, care):
    care.specialist("cardio2", "心内科")
    care.specialist("endo", "内分泌科")
    rid = refer(client, world).get_json()["id"]
    assert client.get(f"/api/v1/referrals/{rid}", headers=world.headers("cardio2")).status_code == 200
    assert client.get(f"/api/v1/referrals/{rid}", headers=world.headers("endo")).status_code == 404
    assert client.get("/api/v1/referrals", headers=world.headers("endo")).get_json()["items"] == []


def test_specialist_sees_the_resident_while_open_and_30_days_after(client, world, session):
    url = f"/api/v1/residents/{world.ids['res_a1']}"
    assert client.get(url, headers=world.headers("cardio")).status_code == 404
    rid = refer(client, world).get_json()["id"]
    assert client.get(url, headers=world.headers("cardio")).status_code == 200
    assert client.get(f"/api/v1/residents/{world.ids['res_c1']}", headers=world.headers("cardio")).status_code == 404
    post(client, world, rid, "accept")
    post(client, world, rid, "complete", advice="继续原方案")
    assert client.get(url, headers=world.headers("cardio")).status_code == 200
    session.execute(update(Referral).where(Referral.id == rid).values(closed_at=utcnow() - timedelta(days=29)))
    session.commit()
    assert client.get(url, headers=world.headers("cardio")).status_code == 200
    session.execute(update(Referral).where(Referral.id == rid).values(closed_at=utcnow() - timedelta(days=31)))
    session.commit()
    assert client.get(url, headers=world.headers("cardio")).status_code == 404
    assert post(client, world, rid, "refer-back", plan="x").status_code == 409  # the window has closed


def test_declined_referral_ends_the_specialists_access(client, world):
    rid = refer(client, world).get_json()["id"]
    post(client, world, rid, "decline", reason="不需要")
    assert client.get(f"/api/v1/residents/{world.ids['res_a1']}", headers=world.headers("cardio")).status_code == 404


def test_team_cannot_act_as_specialist_and_specialist_cannot_cancel(client, world):
    rid = refer(client, world).get_json()["id"]
    assert post(client, world, rid, "accept", who="gp1").status_code == 403
    assert post(client, world, rid, "cancel", who="cardio", reason="x").status_code == 403


def test_complete_twice_is_409_and_one_task_only(client, world, session):
    rid = refer(client, world).get_json()["id"]
    post(client, world, rid, "accept")
    assert post(client, world, rid, "complete", advice="a").status_code == 200
    assert post(client, world, rid, "complete", advice="b").status_code == 409
    assert len(session.scalars(select(FollowUpTask).where(FollowUpTask.referral_id == rid)).all()) == 1


def test_cancelling_a_booked_referral_gives_the_slot_back(client, world, session):
    rid = refer(client, world).get_json()["id"]
    post(client, world, rid, "accept")
    slot = publish(client, world, reserved=1).get_json()
    assert post(client, world, rid, "book", slot_id=slot["id"]).status_code == 200
    r = post(client, world, rid, "cancel", who="vdoc_a", reason="居民已去市医院")
    assert r.status_code == 200 and r.get_json()["status"] == "cancelled"
    session.expire_all()
    assert session.get(SpecialistSlot, slot["id"]).booked_referrals == 0


def test_resident_sees_own_referrals_only(client, world):
    rid = refer(client, world).get_json()["id"]
    assert [i["id"] for i in client.get("/api/v1/referrals", headers=world.headers("res_a1")).get_json()["items"]] == [rid]
    assert client.get(f"/api/v1/referrals/{rid}", headers=world.headers("res_c1")).status_code == 404
