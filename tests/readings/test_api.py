"""Readings and alerts through the HTTP API: happy paths, problem responses, who may not call."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest


URL = "/api/v1/readings"


def real_now():
    return datetime.now(timezone.utc)


def bp_body(**over):
    body = {"systolic": 132, "diastolic": 84, "pulse": 72, "measured_at": real_now().isoformat()}
    body.update(over)
    return body


# --- readings --------------------------------------------------------------------------------------------
def test_resident_posts_bp_and_a_retry_answers_200_with_the_same_body(client, consented):
    body = bp_body(client_id="0b7a4f7e-5a1c-4f27-9d0e-2f3f8e1b6c11", arm="left", position="sitting")
    first = client.post(f"{URL}/bp", json=body, headers=consented.headers("res_a1"))
    assert first.status_code == 201, first.get_json()
    data = first.get_json()
    assert data["reading"]["resident_id"] == consented.ids["res_a1"] and data["reading"]["source"] == "app"
    assert data["needs_repeat"] is False and "已记录" in data["advice"]
    retry = client.post(f"{URL}/bp", json=body, headers=consented.headers("res_a1"))
    assert retry.status_code == 200 and retry.get_json() == data
    assert retry.headers["Idempotent-Replayed"] == "true"


def test_idempotency_key_header_works_like_a_client_id(client, consented):
    headers = {**consented.headers("res_a1"), "Idempotency-Key": "7d3c1f0a-2b4e-4c6d-8e9f-0a1b2c3d4e5f"}
    body = bp_body(systolic=188, diastolic=100)
    first = client.post(f"{URL}/bp", json=body, headers=headers)
    retry = client.post(f"{URL}/bp", json=body, headers=headers)
    assert (first.status_code, retry.status_code) == (201, 200)
    assert first.get_json()["needs_repeat"] is True and retry.get_json() == first.get_json()
    assert first.get_json()["reading"]["client_id"] == "7d3c1f0a-2b4e-4c6d-8e9f-0a1b2c3d4e5f"


def test_implausible_reading_is_422_with_field_messages(client, consented):
    r = client.post(f"{URL}/bp", json=bp_body(systolic=80, diastolic=95), headers=consented.headers("res_a1"))
    assert r.status_code == 422 and "diastolic" in r.get_json()["errors"]
    r = client.post(f"{URL}/bp", json=bp_body(measured_at=(real_now() + timedelta(minutes=10)).isoformat()),
                    headers=consented.headers("res_a1"))
    assert r.status_code == 422 and "measured_at" in r.get_json()["errors"]
    r = client.post(f"{URL}/glucose", json={"value": 5.1, "context": "lunch", "measured_at": real_now().isoformat()},
                    headers=consented.headers("res_a1"))
    assert r.status_code == 422 and "context" in r.get_json()["errors"]


def test_reading_before_consent_is_403(client, world):
    r = client.post(f"{URL}/bp", json=bp_body(), headers=world.headers("res_a1"))
    assert r.status_code == 403 and r.get_json()["code"] == "consent.required"


@pytest.mark.parametrize("who, status", [("admin", 403), ("cardio", 403), ("anonymous", 401)])
def test_who_may_not_post_readings(client, consented, who, status):
    body = bp_body(resident_id=consented.ids["res_a1"])
    assert client.post(f"{URL}/bp", json=body, headers=consented.headers(who)).status_code == status


def test_doctor_enters_glucose_in_mg_dl_for_their_resident(client, consented):
    body = {"resident_id": consented.ids["res_a1"], "value": 50, "unit": "mg/dL", "context": "random",
            "measured_at": real_now().isoformat()}
    r = client.post(f"{URL}/glucose", json=body, headers=consented.headers("vdoc_a"))
    assert r.status_code == 201, r.get_json()
    data = r.get_json()
    assert data["reading"]["value_mmol"] == 2.8 and data["reading"]["source"] == "doctor"
    # 2.8 mmol/L is dangerous but single: the answer asks for a repeat, and nothing pages anyone yet
    assert [(f["rule"], f["alert_kind"], f["severity"]) for f in data["findings"]] == [("G-R1", None, None)]
    assert data["needs_repeat"] and data["confirmation"]["state"] == "awaiting_confirmation"
    assert data["confirmation"]["remeasure_in_minutes"] == 5
    other_team = client.post(f"{URL}/glucose", json={**body, "resident_id": consented.ids["res_c1"]},
                             headers=consented.headers("vdoc_a"))
    assert other_team.status_code == 404


def test_batch_reports_each_item(client, consented):
    rid = consented.ids["res_a1"]
    items = [{"type": "bp", "resident_id": rid, "systolic": 128, "diastolic": 80, "measured_at": real_now().isoformat(),
              "client_id": "x1"},
             {"type": "glucose", "resident_id": rid, "value": 99, "context": "fasting",
              "measured_at": real_now().isoformat()},
             {"type": "bp", "resident_id": rid, "systolic": 128}]
    r = client.post(f"{URL}/batch", json={"items": items}, headers=consented.headers("vdoc_a"))
    assert r.status_code == 200, r.get_json()
    data = r.get_json()
    assert (data["accepted"], data["duplicate"], data["rejected"]) == (1, 0, 2)
    assert data["items"][1]["errors"] == {"value": ["血糖应在1.0-35.0 mmol/L之间 / glucose out of range"]}
    assert set(data["items"][2]["errors"]) == {"diastolic", "measured_at"}
    again = client.post(f"{URL}/batch", json={"items": items[:1]}, headers=consented.headers("vdoc_a")).get_json()
    assert again["items"][0]["status"] == "duplicate"
    assert again["items"][0]["reading_id"] == data["items"][0]["reading_id"]


def test_batch_size_is_bounded(client, consented):
    r = client.post(f"{URL}/batch", json={"items": [{"type": "bp"}] * 1001}, headers=consented.headers("res_a1"))
    assert r.status_code == 422
    r = client.post(f"{URL}/batch", json={"items": [{"type": "bp"}]}, headers=consented.headers("admin"))
    assert r.status_code == 403


def test_bp_chart_for_the_team_not_for_others(client, consented):
    rid = consented.ids["res_a1"]
    start = real_now() - timedelta(minutes=30)
    for k, sys_ in enumerate((150, 146)):
        client.post(f"{URL}/bp", json=bp_body(systolic=sys_, measured_at=(start + timedelta(minutes=k)).isoformat()),
                    headers=consented.headers("res_a1"))
    r = client.get(f"{URL}/residents/{rid}/bp", headers=consented.headers("gp1"))
    assert r.status_code == 200, r.get_json()
    chart = r.get_json()
    assert len(chart["readings"]) == 2 and chart["sessions"][0]["systolic"] == 148.0
    assert chart["windows"][0]["status"] == "insufficient" and chart["target"] == {"systolic": 135, "diastolic": 85}
    assert client.get(f"{URL}/residents/{rid}/bp", headers=consented.headers("vdoc_c")).status_code == 404
    assert client.get(f"{URL}/residents/{rid}/bp", headers=consented.headers("admin")).status_code == 403
    own = client.get(f"{URL}/residents/{rid}/glucose", headers=consented.headers("res_a1"))
    assert own.status_code == 200 and own.get_json()["readings"] == []


def test_chart_range_problem_is_422(client, consented):
    rid = consented.ids["res_a1"]
    r = client.get(f"{URL}/residents/{rid}/bp", query_string={"start": "2026-06-01T00:00:00+08:00",
                                                               "end": "2026-05-01T00:00:00+08:00"},
                   headers=consented.headers("res_a1"))
    assert r.status_code == 422


# --- device keys ----------------------------------------------------------------------------------------------------
def test_team_issues_lists_and_revokes_device_keys(client, consented):
    rid = consented.ids["res_a1"]
    r = client.post(f"{URL}/residents/{rid}/device-keys", json={"device_serial": "OMRON-42"},
                    headers=consented.headers("vdoc_a"))
    assert r.status_code == 201
    issued = r.get_json()
    assert issued["key"].startswith("jydk_") and "key_hash" not in issued["device"]
    listed = client.get(f"{URL}/residents/{rid}/device-keys", headers=consented.headers("gp1")).get_json()
    assert [k["device_serial"] for k in listed] == ["OMRON-42"] and "key" not in listed[0]
    revoked = client.post(f"{URL}/device-keys/{issued['device']['id']}/revoke", headers=consented.headers("vdoc_a"))
    assert revoked.status_code == 200 and revoked.get_json()["revoked_at"]
    again = client.post(f"{URL}/device-keys/{issued['device']['id']}/revoke", headers=consented.headers("vdoc_a"))
    assert again.status_code == 409


@pytest.mark.parametrize("who, status", [("res_a1", 403), ("admin", 403), ("vdoc_c", 404)])
def test_who_may_not_issue_device_keys(client, consented, who, status):
    r = client.post(f"{URL}/residents/{consented.ids['res_a1']}/device-keys", json={"device_serial": "X"},
                    headers=consented.headers(who))
    assert r.status_code == status


def test_device_gateway_posts_with_its_key_until_revoked(client, consented):
    rid = consented.ids["res_a1"]
    issued = client.post(f"{URL}/residents/{rid}/device-keys", json={"device_serial": "GW-1"},
                         headers=consented.headers("vdoc_a")).get_json()
    device = {"X-Device-Key": issued["key"]}
    items = [{"type": "bp", "systolic": 125, "diastolic": 80, "measured_at": real_now().isoformat(), "client_id": "d1"}]
    r = client.post(f"{URL}/batch", json={"items": items}, headers=device)
    assert r.status_code == 200 and r.get_json()["accepted"] == 1
    single = client.post(f"{URL}/bp", json=bp_body(), headers=device)
    assert single.status_code == 201 and single.get_json()["reading"]["source"] == "device"
    client.post(f"{URL}/device-keys/{issued['device']['id']}/revoke", headers=consented.headers("vdoc_a"))
    assert client.post(f"{URL}/bp", json=bp_body(), headers=device).status_code == 401
    assert client.post(f"{URL}/bp", json=bp_body(), headers={"X-Device-Key": "jydk_wrong"}).status_code == 401


# --- alerts -----------------------------------------------------------------------------------------------------------
def _open_critical(client, consented):
    body = {"resident_id": consented.ids["res_a1"], "value": 2.4, "context": "random",
            "measured_at": (real_now() - timedelta(minutes=6)).isoformat()}
    assert client.post(f"{URL}/glucose", json=body, headers=consented.headers("vdoc_a")).status_code == 201
    repeat = {**body, "value": 2.5, "measured_at": real_now().isoformat()}  # the repeat confirms it
    assert client.post(f"{URL}/glucose", json=repeat, headers=consented.headers("vdoc_a")).status_code == 201
    queue = client.get("/api/v1/alerts", headers=consented.headers("vdoc_a")).get_json()
    return queue["items"][0]


def test_team_queue_and_alert_detail(client, consented):
    item = _open_critical(client, consented)
    assert (item["kind"], item["severity"], item["status"]) == ("hypoglycaemia", "critical", "open")
    assert item["resident_name"] == "res_a1" and item["village_name"] == "东村"
    detail = client.get(f"/api/v1/alerts/{item['id']}", headers=consented.headers("gp1"))
    assert detail.status_code == 200 and [e["type"] for e in detail.get_json()["events"]] == ["opened"]
    filtered = client.get("/api/v1/alerts", query_string={"kind": "acute_bp"}, headers=consented.headers("gp1"))
    assert filtered.get_json()["total"] == 0
    bad = client.get("/api/v1/alerts", query_string={"kind": "nonsense"}, headers=consented.headers("gp1"))
    assert bad.status_code == 422


@pytest.mark.parametrize("who, status", [("vdoc_c", 404), ("admin", 403), ("res_a1", 403), ("cardio", 404)])
def test_who_may_not_read_an_alert(client, consented, who, status):
    item = _open_critical(client, consented)
    assert client.get(f"/api/v1/alerts/{item['id']}", headers=consented.headers(who)).status_code == status


def test_acknowledge_and_resolve_need_a_note(client, consented):
    item = _open_critical(client, consented)
    url = f"/api/v1/alerts/{item['id']}"
    assert client.post(f"{url}/acknowledge", json={}, headers=consented.headers("vdoc_a")).status_code == 422
    blank = client.post(f"{url}/acknowledge", json={"note": "  "}, headers=consented.headers("vdoc_a"))
    assert blank.status_code == 422 and "note" in blank.get_json()["errors"]
    ack = client.post(f"{url}/acknowledge", json={"note": "已电话联系，已吃糖"}, headers=consented.headers("vdoc_a"))
    assert ack.status_code == 200 and ack.get_json()["status"] == "acknowledged"
    assert client.post(f"{url}/acknowledge", json={"note": "x"}, headers=consented.headers("vdoc_a")).status_code == 409
    followup = {"visited_at": real_now().isoformat(), "method": "phone", "classification": "adverse_reaction"}
    resolved = client.post(f"{url}/resolve", json={"note": "复测5.6，已调整用药", "followup": followup},
                           headers=consented.headers("gp1"))
    assert resolved.status_code == 200, resolved.get_json()
    body = resolved.get_json()
    assert body["status"] == "resolved" and body["events"][-1]["data"]["followup_id"]
    outsider = client.post(f"{url}/resolve", json={"note": "x"}, headers=consented.headers("vdoc_c"))
    assert outsider.status_code == 404


def test_reading_posts_share_a_rate_limit_per_actor(app, client, consented):
    from app.extensions import limiter

    old = app.config["RATELIMIT_READINGS"]
    app.config["RATELIMIT_READINGS"] = "3 per minute"
    limiter.reset()
    try:
        headers = consented.headers("res_c1")
        codes = [client.post(f"{URL}/bp", json=bp_body(), headers=headers).status_code for _ in range(2)]
        codes.append(client.post(f"{URL}/glucose", json={"value": 6.0, "context": "fasting",
                                                         "measured_at": real_now().isoformat()},
                                 headers=headers).status_code)
        codes.append(client.post(f"{URL}/bp", json=bp_body(), headers=headers).status_code)
        assert codes == [201, 201, 201, 429]
        assert client.post(f"{URL}/bp", json=bp_body(), headers=consented.headers("res_a1")).status_code == 201
    finally:
        app.config["RATELIMIT_READINGS"] = old
        limiter.reset()


@pytest.mark.parametrize("item", [
    {"type": "bp", "systolic": 1e400, "diastolic": 80, "measured_at": "2026-06-01T08:00:00+08:00"},
    {"type": "bp", "systolic": 120, "diastolic": 80, "measured_at": "2026-06-01T08:00:00+08:00",
     "resident_id": 10 ** 30},
    {"type": "glucose", "value": [5], "context": "fasting", "measured_at": "2026-06-01T08:00:00+08:00"},
    {"type": "bp", "systolic": {"a": 1}, "diastolic": None, "measured_at": 12},
    {"type": "bp", "systolic": 120.5, "diastolic": 80, "measured_at": "2026-06-01T08:00:00+08:00"},
    {"type": "bp", "systolic": 120, "diastolic": 80, "measured_at": "2026-06-01T08:00:00+08:00", "client_id": "a b"},
    {"type": "bp", "systolic": 120, "diastolic": 80, "measured_at": "2026-06-01T08:00:00+08:00", "arm": "leg"},
    {"type": "bp", "systolic": 120, "diastolic": 80, "measured_at": "2026-06-01T08:00:00+08:00", "colour": "red"},
    "not an object",
    None,
])
def test_malformed_batch_items_are_rejected_one_by_one(client, consented, item):
    good = {"type": "bp", "systolic": 120, "diastolic": 80, "measured_at": real_now().isoformat()}
    body = '{"items": [%s, %s]}' % (json.dumps(good), json.dumps(item).replace("Infinity", "1e400"))
    r = client.post(f"{URL}/batch", data=body, content_type="application/json", headers=consented.headers("res_a1"))
    assert r.status_code == 200, r.get_json()
    assert [i["status"] for i in r.get_json()["items"]] == ["accepted", "rejected"]


def test_a_fractional_bp_value_is_refused_by_the_single_post_as_by_the_batch(client, consented):
    body = {**bp_body(), "systolic": 120.5}
    r = client.post(f"{URL}/bp", json=body, headers=consented.headers("res_a1"))
    assert r.status_code == 422 and "systolic" in str(r.get_json()["errors"]), r.get_json()
