"""The due / overdue list: risk order like Simple's, call outcomes that hide or remove, scopes."""
from datetime import timedelta

import pytest

from models.base import utcnow
from tests.care.conftest import refer, visit


def due(client, world, who="vdoc_a", **query):
    q = "&".join(f"{k}={v}" for k, v in {"per_page": 50, **query}.items())
    return client.get(f"/api/v1/followups/due?{q}", headers=world.headers(who))


@pytest.fixture
def panel(client, world, care):
    """Team A: residents overdue by different amounts with different risks."""
    now = utcnow()
    care.resident("r_bp", seed=301)
    care.resident("r_cvd", seed=302, conditions=("hypertension", "stroke"))
    care.resident("r_glu", seed=303, conditions=("diabetes",))
    care.resident("r_plain", seed=304)
    care.resident("r_plain2", seed=305)
    care.resident("r_cvd_ok", seed=306, conditions=("hypertension", "chd"))
    care.resident("r_later", seed=307)
    care.resident("r_new", seed=308, starts_on=now.date() - timedelta(days=40))  # never visited
    for name, days_ago, bp in [("res_a1", 200, (130, 80)), ("r_bp", 100, (150, 90)), ("r_cvd", 100, (150, 85)), ("r_glu", 100, (130, 80)),
                               ("r_plain", 120, (130, 80)), ("r_plain2", 95, (130, 80)), ("r_cvd_ok", 110, (135, 85)),
                               ("r_later", 10, (130, 80))]:
        assert visit(client, world, resident=name, at=now - timedelta(days=days_ago),
                     systolic=bp[0], diastolic=bp[1]).status_code == 201
    care.bp("r_bp", now - timedelta(days=2), 185, 100)       # newer home reading ≥180: top risk
    care.bp("r_cvd_ok", now - timedelta(days=200), 190, 115)  # old reading, the newer visit counts
    care.glucose("r_glu", now - timedelta(days=3), 18.2)
    return now


def names(response):
    return [i["name"] for i in response.get_json()["items"]]


def test_overdue_list_is_ordered_by_risk_then_days_overdue(client, world, panel):
    r = due(client, world)
    assert r.status_code == 200
    assert names(r) == ["r_bp", "r_cvd", "r_glu", "res_a1", "r_new", "r_plain", "r_cvd_ok",
                        "r_plain2"]
    items = {i["name"]: i for i in r.get_json()["items"]}
    assert items["r_bp"]["risk_label"] == "bp_very_high" and items["r_bp"]["last_bp"]["source"] == "reading"
    assert items["r_cvd"]["risk"] == 1 and items["r_glu"]["risk"] == 2 and items["r_cvd_ok"]["risk"] == 3
    assert items["r_cvd_ok"]["last_bp"] == {**items["r_cvd_ok"]["last_bp"], "systolic": 135, "source": "followup"}
    assert items["r_new"]["due_reason"] == "first_visit" and items["r_plain"]["due_reason"] == "scheduled"
    assert items["r_plain"]["days_overdue"] > items["r_plain2"]["days_overdue"] > 0
    assert items["res_a1"]["phone"] == "13800000000"  # the team calls: full number


def test_call_outcomes_hide_and_remove(client, world, panel):
    def call(name, outcome, who="vdoc_a"):
        return client.post("/api/v1/followups/calls", json={"resident_id": world.ids[name], "outcome": outcome},
                           headers=world.headers(who))

    later = call("r_plain", "call_later")
    assert later.status_code == 201
    hidden = later.get_json()["hidden_until"]
    assert hidden[:10] == (utcnow() + timedelta(days=7)).date().isoformat()
    assert call("r_plain2", "will_come").get_json()["hidden_until"][:10] == (utcnow() + timedelta(days=30)).date().isoformat()
    assert call("r_glu", "deceased").status_code == 201
    assert call("r_cvd", "moved").status_code == 201
    assert call("r_bp", "no_answer").status_code == 201
    r = due(client, world)
    assert names(r) == ["r_bp", "res_a1", "r_new", "r_cvd_ok"]
    assert r.get_json()["items"][0]["last_call"]["outcome"] == "no_answer"


def test_moved_resident_returns_after_a_new_visit(client, world, panel):
    client.post("/api/v1/followups/calls", json={"resident_id": world.ids["r_cvd"], "outcome": "moved"},
                headers=world.headers("vdoc_a"))
    assert "r_cvd" not in names(due(client, world))
    visit(client, world, resident="r_cvd", classification="uncontrolled", systolic=150, diastolic=95)
    # Due again in 2 weeks (uncontrolled): on the "due" list, not overdue.
    assert "r_cvd" in names(due(client, world, kind="due", within_days=14))


def test_due_list_includes_upcoming_and_referral_tasks(client, world, panel):
    assert "r_later" not in names(due(client, world, kind="due", within_days=7))
    rid = refer(client, world, resident="r_later").get_json()["id"]
    client.post(f"/api/v1/referrals/{rid}/accept", headers=world.headers("cardio"))
    client.post(f"/api/v1/referrals/{rid}/complete", json={"advice": "a"}, headers=world.headers("cardio"))
    r = due(client, world, kind="due", within_days=14)
    item = next(i for i in r.get_json()["items"] if i["name"] == "r_later")
    assert item["due_reason"] == "task" and item["days_overdue"] == 0
    assert "r_later" not in names(due(client, world))  # not overdue


def test_other_team_sees_its_own_list_only(client, world, panel):
    visit(client, world, who="vdoc_c", resident="res_c1", at=utcnow() - timedelta(days=100))
    assert names(due(client, world, who="vdoc_c")) == ["res_c1"]
    assert due(client, world, who="vdoc_c", team_id=world.ids["team_a"]).status_code == 403


@pytest.mark.parametrize("who, status", [("cardio", 403), ("admin", 403), ("res_a1", 403), ("anonymous", 401)])
def test_roles_that_may_not_read_the_list(client, world, who, status):
    assert due(client, world, who=who).status_code == status


@pytest.mark.parametrize("who, outcome, status", [("vdoc_c", "reached", 404), ("cardio", "reached", 403),
                                                  ("vdoc_a", "gone", 422)])
def test_call_outcome_problems(client, world, who, outcome, status):
    r = client.post("/api/v1/followups/calls", json={"resident_id": world.ids["res_a1"], "outcome": outcome},
                    headers=world.headers(who))
    assert r.status_code == status
