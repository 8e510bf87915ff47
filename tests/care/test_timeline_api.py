"""The resident timeline: every kind of event in one paginated feed, newest first, for those who may read the record."""
from datetime import timedelta

import pytest

from models.alerts import Alert, AlertKind, AlertStatus, Severity
from models.base import utcnow
from tests.care.conftest import refer, visit


@pytest.fixture
def history(client, world, care, session):
    now = utcnow()
    care.bp("res_a1", now - timedelta(days=5), 150, 92)
    care.glucose("res_a1", now - timedelta(days=4), 6.1)
    session.add(Alert(consortium_id=world.consortium_id, resident_id=world.ids["res_a1"], team_id=world.ids["team_a"],
                      kind=AlertKind.trend_bp, severity=Severity.moderate, severity_rank=2, status=AlertStatus.open,
                      summary="近7天家庭血压均值偏高", opened_at=now - timedelta(days=3),
                      last_evidence_at=now - timedelta(days=3)))
    session.commit()
    visit(client, world, at=now - timedelta(days=2), classification="uncontrolled", systolic=150, diastolic=95)
    client.post("/api/v1/followups/calls", json={"resident_id": world.ids["res_a1"], "outcome": "reached"},
                headers=world.headers("vdoc_a"))
    refer(client, world)  # now: also queues messages to the resident
    return now


def feed(client, world, who="vdoc_a", resident="res_a1", **query):
    q = "&".join(f"{k}={v}" for k, v in query.items())
    return client.get(f"/api/v1/timeline/{world.ids[resident]}?{q}", headers=world.headers(who))


def test_timeline_has_every_kind_newest_first(client, world, history):
    r = feed(client, world, per_page=50)
    assert r.status_code == 200, r.get_json()
    items = r.get_json()["items"]
    assert {i["type"] for i in items} == {"bp", "glucose", "alert", "followup", "referral", "call", "message"}
    times = [i["at"] for i in items]
    assert times == sorted(times, reverse=True)
    assert [i["type"] for i in items][-4:] == ["followup", "alert", "glucose", "bp"]
    assert next(i for i in items if i["type"] == "bp")["data"]["systolic"] == 150


def test_timeline_pages_and_filters(client, world, history):
    everything = feed(client, world, per_page=50).get_json()
    first = feed(client, world, per_page=3, page=1).get_json()
    second = feed(client, world, per_page=3, page=2).get_json()
    assert first["total"] == everything["total"] >= 7
    assert [i["id"] for i in first["items"] + second["items"]] == [i["id"] for i in everything["items"][:6]]
    only = feed(client, world, types="bp,glucose").get_json()
    assert [i["type"] for i in only["items"]] == ["glucose", "bp"] and only["total"] == 2
    assert feed(client, world, types="nonsense").status_code == 422


def test_other_residents_events_do_not_leak(client, world, history, care):
    care.bp("res_c1", utcnow() - timedelta(days=1), 170, 100)
    items = feed(client, world, who="vdoc_c", resident="res_c1").get_json()["items"]
    assert [i["type"] for i in items] == ["bp"]


@pytest.mark.parametrize("who, status", [("gp1", 200), ("vdoc_c", 404), ("res_a1", 403), ("admin", 403),
                                         ("anonymous", 401)])
def test_timeline_scope(client, world, history, who, status):
    assert feed(client, world, who=who).status_code == status


def test_specialist_reads_the_timeline_only_with_a_referral(client, world):
    assert feed(client, world, who="cardio").status_code == 404
    refer(client, world)
    assert feed(client, world, who="cardio").status_code == 200
