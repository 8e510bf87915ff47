"""Triage through the API: stored with its trace, red flags alert the team, scopes and consent hold."""
import json

from models.alerts import Alert
from models.triage import TriageAssessment


def test_resident_emergency_is_stored_and_alerts_the_team(client, world, session):
    client.post(f"/api/v1/residents/{world.ids['res_a1']}/consents", json={"version": "2026-01"},
                headers=world.headers("res_a1"))
    r = client.post("/api/v1/triage", json={"text": "突然说话不清，右边手没劲"}, headers=world.headers("res_a1"))
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["level"] == "emergency" and "120" in body["advice"] and body["final"]
    stored = session.get(TriageAssessment, body["id"])
    assert stored.result["trace"] and stored.text == "突然说话不清，右边手没劲"
    alert = session.get(Alert, body["alert_id"])
    assert alert.kind.value == "triage_red_flag" and alert.severity.value == "critical"


def test_self_care_opens_no_alert(client, world, session):
    r = client.post("/api/v1/triage", json={"text": "有点鼻塞流清鼻涕，不发烧", "resident_id": world.ids["res_a1"]},
                    headers=world.headers("vdoc_a"))
    assert r.status_code == 200 and r.get_json()["level"] == "self_care" and r.get_json()["alert_id"] is None
    assert session.query(Alert).count() == 0


def test_resident_without_consent_is_refused(client, world):
    r = client.post("/api/v1/triage", json={"text": "头疼"}, headers=world.headers("res_c1"))
    assert r.status_code == 403 and r.get_json()["code"] == "consent.required"


def test_other_team_cannot_triage_for_a_resident(client, world):
    r = client.post("/api/v1/triage", json={"text": "头疼", "resident_id": world.ids["res_a1"]},
                    headers=world.headers("vdoc_c"))
    assert r.status_code == 404


def test_admin_cannot_triage_and_staff_must_name_the_resident(client, world):
    assert client.post("/api/v1/triage", json={"text": "头疼", "resident_id": world.ids["res_a1"]},
                       headers=world.headers("admin")).status_code == 403
    assert client.post("/api/v1/triage", json={"text": "头疼"}, headers=world.headers("gp1")).status_code == 422


def test_triage_batch_cli_contract(app, tmp_path):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text('{"id": "1", "text": "胸口压着疼，出冷汗", "age": 66, "sex": "M", "conditions": ["hypertension"]}\n'
                   "not json\n"
                   '{"id": "2", "text": "嗓子有点疼两天了"}\n', encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["triage", "batch", str(src), str(out)])
    assert result.exit_code == 0
    assert "line 2" in result.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["1", "2"]
    assert rows[0]["level"] == "emergency" and rows[0]["age"] == 66
    assert set(rows[1]) >= {"level", "department", "red_flags", "questions", "advice"}
