"""Follow-ups through the API: record, next due, referral suggestion, tasks closed, scopes."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.services.clock import add_months, local_date
from models.base import utcnow
from models.followups import FollowUpTask
from models.outbox import OutboxMessage
from tests.care.conftest import refer, visit


def test_controlled_visit_is_due_again_in_three_months(client, world, session):
    at = utcnow() - timedelta(hours=2)
    r = visit(client, world, at=at, medications=[{"drug": "氨氯地平", "dose": "5mg", "frequency": "qd",
                                                   "change": "start"}])
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["next_due_on"] == add_months(local_date(at), 3).isoformat()
    assert body["referral_suggested"] is False and body["referral_reason"] is None
    assert body["followup"]["medications"][0]["drug"] == "氨氯地平"
    message = session.scalar(select(OutboxMessage).where(OutboxMessage.resident_id == world.ids["res_a1"]))
    assert message is not None and "随访" in message.text


def test_second_uncontrolled_visit_suggests_a_referral_shown_on_the_resident(client, world):
    first = visit(client, world, at=utcnow() - timedelta(days=14), classification="uncontrolled",
                  systolic=152, diastolic=95).get_json()
    assert first["referral_suggested"] is False
    assert first["next_due_on"] == (local_date(utcnow() - timedelta(days=14)) + timedelta(days=14)).isoformat()
    second = visit(client, world, classification="uncontrolled", systolic=150, diastolic=96).get_json()
    assert second["referral_suggested"] is True and second["referral_reason"] == "two_uncontrolled"
    assert "转诊" in second["referral_reason_text"]

    status = client.get(f"/api/v1/followups/status/{world.ids['res_a1']}", headers=world.headers("gp1")).get_json()
    assert status["referral_suggested"] is True and status["last_followup"]["id"] == second["followup"]["id"]
    assert refer(client, world).status_code == 201
    status = client.get(f"/api/v1/followups/status/{world.ids['res_a1']}", headers=world.headers("gp1")).get_json()
    assert status["referral_suggested"] is False and status["open_referral"]["status"] == "requested"


def test_complication_suggests_a_referral_at_once(client, world):
    body = visit(client, world, classification="complication").get_json()
    assert body["referral_suggested"] is True and body["referral_reason"] == "complication"


def test_visit_closes_the_residents_open_tasks(client, world, session):
    rid = refer(client, world).get_json()["id"]
    for step, body in (("accept", None), ("complete", {"advice": "加用ARB"})):
        assert client.post(f"/api/v1/referrals/{rid}/{step}", json=body, headers=world.headers("cardio")).status_code == 200
    task = session.scalar(select(FollowUpTask).where(FollowUpTask.referral_id == rid))
    assert task.status == "open"
    body = visit(client, world).get_json()
    assert body["closed_task_ids"] == [task.id]
    session.expire_all()
    assert session.get(FollowUpTask, task.id).status == "done"
    assert session.get(FollowUpTask, task.id).done_followup_id == body["followup"]["id"]


@pytest.mark.parametrize("over, field", [
    ({"systolic": 80, "diastolic": 90}, "diastolic"),          # SBP must exceed DBP
    ({"systolic": 140, "diastolic": None}, "diastolic"),       # both or neither
    ({"glucose_mmol": 40.0}, "glucose_mmol"),                   # plausibility 1.0-35.0
    ({"medications": [{"drug": "x", "change": "double"}]}, "medications"),
])
def test_implausible_values_are_422_with_the_field(client, world, over, field):
    r = visit(client, world, **over)
    assert r.status_code == 422 and field in str(r.get_json()["errors"])


def test_visit_in_the_future_or_without_time_zone_is_refused(client, world):
    assert visit(client, world, at=utcnow() + timedelta(hours=1)).status_code == 422
    r = visit(client, world, visited_at="2026-06-01T09:00:00")
    assert r.status_code == 422 and "visited_at" in r.get_json()["errors"]


@pytest.mark.parametrize("who, status", [("vdoc_c", 404), ("gp2", 404), ("cardio", 403), ("admin", 403),
                                         ("res_a1", 403), ("anonymous", 401)])
def test_only_the_residents_team_records_visits(client, world, who, status):
    assert visit(client, world, who=who).status_code == status


def test_followup_list_newest_first_and_scoped(client, world):
    visit(client, world, at=utcnow() - timedelta(days=30))
    visit(client, world, at=utcnow() - timedelta(days=1), classification="uncontrolled", systolic=150, diastolic=92)
    r = client.get(f"/api/v1/followups?resident_id={world.ids['res_a1']}", headers=world.headers("vdoc_a"))
    items = r.get_json()["items"]
    assert [i["classification"] for i in items] == ["uncontrolled", "controlled"]
    assert client.get(f"/api/v1/followups?resident_id={world.ids['res_a1']}",
                      headers=world.headers("vdoc_c")).status_code == 404


def test_team_task_list_shows_referral_followups(client, world):
    rid = refer(client, world).get_json()["id"]
    client.post(f"/api/v1/referrals/{rid}/accept", headers=world.headers("cardio"))
    client.post(f"/api/v1/referrals/{rid}/complete", json={"advice": "继续服药"}, headers=world.headers("cardio"))
    tasks = client.get("/api/v1/followups/tasks", headers=world.headers("vdoc_a")).get_json()["items"]
    assert [(t["referral_id"], t["reason"]) for t in tasks] == [(rid, "referral_followup")]
    assert tasks[0]["due_on"] == (local_date(utcnow()) + timedelta(days=14)).isoformat()
    assert client.get("/api/v1/followups/tasks", headers=world.headers("vdoc_c")).get_json()["items"] == []
    assert client.get("/api/v1/followups/tasks", headers=world.headers("cardio")).status_code == 403


def test_status_is_scoped_like_the_record(client, world):
    assert client.get(f"/api/v1/followups/status/{world.ids['res_a1']}", headers=world.headers("vdoc_a")).status_code == 200
    assert client.get(f"/api/v1/followups/status/{world.ids['res_a1']}", headers=world.headers("vdoc_c")).status_code == 404
    assert client.get(f"/api/v1/followups/status/{world.ids['res_a1']}", headers=world.headers("admin")).status_code == 403
