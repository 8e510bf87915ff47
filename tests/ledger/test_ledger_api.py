"""The ledger API with roles and scopes: logging services, reading a contract's ledger."""
from __future__ import annotations

from datetime import timedelta

from models.base import utcnow


def log(client, world, who="vdoc_a", **over):
    body = {"kind": "health_check", "resident_ids": [world.ids["res_a1"]], "method": "clinic",
            "delivered_at": (utcnow() - timedelta(days=1)).isoformat(), "details": {"bmi": 24.1}}
    body.update(over)
    return client.post("/api/v1/ledger/services", json=body, headers=world.headers(who))


def test_the_team_logs_a_health_check_and_the_ledger_counts_it(client, world):
    r = log(client, world)
    assert r.status_code == 201, r.get_json()
    record = r.get_json()["items"][0]
    assert record["kind"] == "health_check" and record["staff_id"] == world.ids["vdoc_a"]
    assert record["entry_channel"] == "app"
    r = client.get(f"/api/v1/ledger/contracts/{world.ids['contract_res_a1']}", headers=world.headers("vdoc_a"))
    assert r.status_code == 200
    items = {i["code"]: i for i in r.get_json()["items"]}
    assert items["health_record"]["delivered"] == 1 and items["health_record"]["service_kind"] == "health_check"
    assert items["followup"]["required"] == 4 and items["followup"]["delivered"] == 0


def test_a_group_education_session_is_one_record_per_attendee(client, world, session, now):
    from app.services import contracts
    from app.services.actors import Actor

    lead = Actor(kind="staff", id=world.ids["gp1"], consortium_id=world.consortium_id, role="township_doctor",
                 team_ids=frozenset({world.ids["team_a"]}))
    contracts.approve_contract(session, actor=lead, contract_id=world.ids["contract_res_a2"], now=now)
    session.commit()
    r = log(client, world, kind="education", method="group", resident_ids=[world.ids["res_a1"], world.ids["res_a2"]])
    assert r.status_code == 201
    items = r.get_json()["items"]
    assert len(items) == 2 and items[0]["group_key"] and items[0]["group_key"] == items[1]["group_key"]


def test_only_an_education_session_has_several_residents(client, world):
    r = log(client, world, resident_ids=[world.ids["res_a1"], world.ids["res_a2"]])
    assert r.status_code == 422 and "resident_ids" in str(r.get_json())


def test_a_service_in_the_future_is_refused(client, world):
    r = log(client, world, delivered_at=(utcnow() + timedelta(hours=2)).isoformat())
    assert r.status_code == 422


def test_another_teams_resident_is_not_found_and_specialists_may_not_log(client, world):
    assert log(client, world, resident_ids=[world.ids["res_c1"]]).status_code == 404
    assert log(client, world, who="cardio").status_code == 403
    assert log(client, world, who="admin").status_code == 403
    assert log(client, world, who="res_a1").status_code == 403


def test_who_may_read_a_contract_ledger(client, world):
    url = f"/api/v1/ledger/contracts/{world.ids['contract_res_a1']}"
    assert client.get(url, headers=world.headers("admin")).status_code == 200
    assert client.get(url, headers=world.headers("gp1")).status_code == 200
    own = client.get(url, headers=world.headers("res_a1"))
    assert own.status_code == 200 and own.get_json()["resident_id"] == world.ids["res_a1"]
    assert client.get(url, headers=world.headers("res_c1")).status_code == 404
    assert client.get(url, headers=world.headers("vdoc_c")).status_code == 404
    assert client.get(url, headers=world.headers("cardio")).status_code == 403
    assert client.get(url, headers=world.headers("anonymous")).status_code == 401
    assert client.get("/api/v1/ledger/contracts/999999", headers=world.headers("admin")).status_code == 404
