"""The team's due lists show undelivered package items."""
from __future__ import annotations

from datetime import timedelta

import pytest

from app.services import followups
from app.services.clock import add_months, local_date
from models.base import utcnow
from tests.ledger.conftest import local

# The API answers as of the real day: contracts here start relative to it (6 whole months and 5 days back).
TODAY = local_date(utcnow())
START = add_months(TODAY, -6) - timedelta(days=5)


@pytest.fixture
def ledger(ledger):
    ledger.now = utcnow()
    return ledger


def test_the_ledger_due_list_shows_the_teams_items_behind_schedule(client, ledger, world):
    ledger.resident("r1", starts_on=START)
    ledger.visit("r1", local(START + timedelta(days=20)))
    ledger.resident("r2", starts_on=TODAY - timedelta(days=10), seed=301)  # new: nothing behind yet
    r = client.get("/api/v1/ledger/due", headers=world.headers("vdoc_a"))
    assert r.status_code == 200
    rows = r.get_json()["items"]
    behind = {row["resident_id"] for row in rows}
    assert world.ids["r1"] in behind and world.ids["r2"] not in behind
    assert rows[0]["overdue"] == max(row["overdue"] for row in rows)  # most overdue first
    by_code = {row["code"]: row for row in rows if row["resident_id"] == world.ids["r1"]}
    assert by_code["home_bp_guidance"]["overdue"] == 6
    assert by_code["followup"]["overdue"] == 1 and by_code["followup"]["delivered"] == 1
    assert "annual_check" not in by_code  # due by the end of the contract year: not behind yet
    assert by_code["followup"]["resident_name"] == "r1"
    open_items = client.get("/api/v1/ledger/due?status=open&per_page=100", headers=world.headers("vdoc_a")).get_json()
    assert {(row["resident_id"], row["code"]) for row in open_items["items"]} >= {
        (world.ids["r1"], "annual_check"), (world.ids["r2"], "followup")}


def test_another_team_sees_none_of_it(client, ledger, world):
    ledger.resident("r1", starts_on=START)
    other = client.get("/api/v1/ledger/due?status=open", headers=world.headers("vdoc_c")).get_json()
    assert all(row["resident_id"] != world.ids["r1"] for row in other["items"])
    r = client.get(f"/api/v1/ledger/due?team_id={world.ids['team_a']}", headers=world.headers("vdoc_c"))
    assert r.status_code == 403
    assert client.get("/api/v1/ledger/due", headers=world.headers("admin")).status_code == 403
    assert client.get("/api/v1/ledger/due?status=late", headers=world.headers("vdoc_a")).status_code == 422


def test_the_follow_up_due_list_names_the_overdue_package_items(client, ledger, world):
    ledger.resident("r1", starts_on=START)
    r = client.get("/api/v1/followups/due?per_page=100", headers=world.headers("vdoc_a"))
    assert r.status_code == 200
    row = next(item for item in r.get_json()["items"] if item["resident_id"] == world.ids["r1"])
    codes = {item["code"]: item for item in row["overdue_items"]}
    assert codes["followup"]["overdue"] == 2 and codes["home_bp_guidance"]["overdue"] == 6


def test_the_ledger_dates_follow_ups_as_the_next_step_set_them(client, ledger, world):
    """A visit 控制不满意 sets 第1次控制不满意2周随访: the ledger's follow-up items are due on that date, the
    one the follow-up due list shows, not at the end of the ledger's quarter."""
    ledger.resident("r1", starts_on=START)
    at = ledger.now - timedelta(days=3)
    followups.record_followup(ledger.session, actor=ledger.actor("vdoc_a"), resident_id=world.ids["r1"],
                              visited_at=at, method="face_to_face", classification="uncontrolled", now=ledger.now,
                              systolic=152, diastolic=94, medications=[{"drug": "氨氯地平片", "change": "adjust"}])
    ledger.session.commit()
    two_weeks = local_date(at) + timedelta(days=14)
    headers = world.headers("vdoc_a")
    due = client.get("/api/v1/followups/due?kind=due&within_days=30&per_page=100", headers=headers).get_json()
    assert next(i for i in due["items"] if i["resident_id"] == world.ids["r1"])["due_on"] == two_weeks.isoformat()
    book = client.get(f"/api/v1/ledger/contracts/{world.ids['contract_r1']}", headers=headers).get_json()
    items = {i["code"]: i for i in book["items"]}
    assert items["followup"]["next_due_on"] == two_weeks.isoformat()
    assert items["medication_review"]["next_due_on"] == two_weeks.isoformat()
    assert items["annual_check"]["next_due_on"] == items["annual_check"]["period_ends_on"]  # not a visit's item
    rows = client.get("/api/v1/ledger/due?status=open&per_page=100", headers=headers).get_json()["items"]
    assert {r["code"]: r["next_due_on"] for r in rows if r["resident_id"] == world.ids["r1"]}["followup"] == \
        two_weeks.isoformat()
