"""The complete 随访表 through the follow-up API: store, read back, 规范 checks, corrections, provenance."""
from datetime import timedelta

from app.services.clock import local_date
from models.base import utcnow
from tests.care.conftest import visit

DM_FORM = {"symptoms": ["polyuria", "blurred_vision"], "weight_kg": 72.5, "weight_target_kg": 68, "bmi": 26.1,
           "bmi_target": 24, "foot_pulse": "weak", "foot_pulse_side": "left", "smoking_per_day": 10,
           "smoking_target": 5, "drinking_per_day": 1, "drinking_target": 0, "exercise_per_week": 3,
           "exercise_minutes": 30, "exercise_per_week_target": 5, "exercise_minutes_target": 30,
           "staple_g_per_day": 400, "staple_target_g_per_day": 300, "psychological": "good", "compliance": "fair",
           "hba1c_percent": 7.9, "hba1c_on": "2026-11-20", "adherence": "intermittent",
           "nonadherence_reason": "forgot", "adverse_reaction": "no", "hypoglycaemia": "occasional",
           "insulin_type": "甘精胰岛素", "insulin_dose": "每晚10单位"}


def test_a_full_diabetes_form_is_stored_and_read_back(client, world, care):
    care.resident("d1", seed=501, conditions=("diabetes",))
    at = utcnow() - timedelta(hours=1)
    r = visit(client, world, resident="d1", at=at, classification="uncontrolled", systolic=128, diastolic=78,
              glucose_mmol=8.4, program="dm", form=DM_FORM, entry_channel="web",
              medications=[{"drug": "二甲双胍", "dose": "0.5g", "frequency": "每日3次"}])
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    f = body["followup"]
    assert f["program"] == "dm" and f["form"]["foot_pulse"] == "weak" and f["form"]["hba1c_percent"] == 7.9
    assert f["next_step"] == "two_weeks" and f["next_step_label"] == "第1次控制不满意2周随访"
    assert body["next_due_on"] == (local_date(at) + timedelta(days=14)).isoformat()
    assert f["entry_channel"] == "web" and f["entered_by"] == world.ids["vdoc_a"] and f["version"] == 1
    one = client.get(f"/api/v1/followups/{f['id']}", headers=world.headers("gp1"))
    assert one.status_code == 200 and one.get_json()["form"] == f["form"]


def test_controlled_with_a_high_reading_is_refused(client, world):
    r = visit(client, world, classification="controlled", systolic=152, diastolic=92)
    assert r.status_code == 422 and r.get_json()["code"] == "followup.classification"


def test_an_implausible_target_is_refused(client, world):
    r = visit(client, world, form={"weight_kg": 70, "weight_target_kg": 12})
    assert r.status_code == 422 and "weight_target_kg" in r.get_json()["errors"]


def test_two_unsatisfactory_visits_require_a_referral(client, world):
    visit(client, world, at=utcnow() - timedelta(days=14), systolic=150, diastolic=95)
    lax = visit(client, world, systolic=150, diastolic=96, next_step="two_weeks")
    assert lax.status_code == 422 and lax.get_json()["code"] == "followup.referral_required"
    no_place = visit(client, world, systolic=150, diastolic=96, form={"symptoms": ["none"]})
    assert no_place.status_code == 422 and "referral_to" in no_place.get_json()["errors"]
    ok = visit(client, world, systolic=150, diastolic=96,
               form={"symptoms": ["none"], "referral_to": "县人民医院 心内科"})
    assert ok.status_code == 201, ok.get_json()
    body = ok.get_json()
    assert body["followup"]["next_step"] == "referral" and body["referral_suggested"] is True
    assert body["followup"]["form"]["referral_reason"] == "two_uncontrolled"
    assert body["next_due_on"] == (local_date(utcnow()) + timedelta(days=14)).isoformat()


def test_a_danger_reading_means_emergency_referral(client, world):
    r = visit(client, world, systolic=186, diastolic=112, classification="uncontrolled")
    assert r.status_code == 201
    assert r.get_json()["followup"]["next_step"] == "emergency_referral"
    assert r.get_json()["referral_reason"] == "emergency"


def test_a_correction_bumps_the_version_and_is_checked_again(client, world):
    f = visit(client, world, at=utcnow() - timedelta(hours=3)).get_json()["followup"]
    url = f"/api/v1/followups/{f['id']}"
    bad = client.patch(url, json={"systolic": 150, "diastolic": 95}, headers=world.headers("vdoc_a"))
    assert bad.status_code == 422
    good = client.patch(url, json={"form": {"weight_kg": 66}}, headers=world.headers("vdoc_a"))
    assert good.status_code == 200, good.get_json()
    assert good.get_json()["followup"]["version"] == 2 and good.get_json()["followup"]["form"]["weight_kg"] == 66
    other = client.patch(url, json={"form": {"weight_kg": 67}}, headers=world.headers("vdoc_c"))
    assert other.status_code == 404


def test_ended_management_leaves_the_due_list(client, world):
    visit(client, world, at=utcnow() - timedelta(days=200))
    due = client.get("/api/v1/followups/due?per_page=50", headers=world.headers("vdoc_a")).get_json()
    assert world.ids["res_a1"] in [i["resident_id"] for i in due["items"]]
    assert visit(client, world, outcome="ended", form={"end_reason": "moved"}).status_code == 201
    due = client.get("/api/v1/followups/due?per_page=50", headers=world.headers("vdoc_a")).get_json()
    assert world.ids["res_a1"] not in [i["resident_id"] for i in due["items"]]


def test_form_definition_is_served(client, world):
    r = client.get("/api/v1/followups/form-definition", headers=world.headers("vdoc_a"))
    assert r.status_code == 200 and r.get_json()["programs"]["htn"]["document_code"] == "HSDB04.01"
