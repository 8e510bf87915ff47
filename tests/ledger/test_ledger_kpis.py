"""履约率 and 只签不约 in the KPIs, per team, township and consortium (service and API)."""
from __future__ import annotations

from datetime import date

import pytest

from app.services import kpis
from tests.ledger.conftest import local

START = date(2025, 11, 10)  # 6 whole months before 2026-06-01
END = date(2026, 6, 1)


@pytest.fixture
def county(ledger):
    """r1 served (a visit with medications in December, a reading review in May), r_idle only phoned in
    February, r_new contracted in May (not judged yet); the world's own contracts started in May too."""
    ledger.resident("r1", starts_on=START)
    ledger.visit("r1", local(date(2025, 12, 1)), medications=[{"drug": "氨氯地平", "dose": "5mg"}])
    ledger.service("r1", "reading_review", local(date(2026, 5, 25)), method="wechat")
    ledger.resident("r_idle", starts_on=START, seed=302)
    ledger.visit("r_idle", local(date(2026, 2, 15)), method="phone")
    ledger.resident("r_new", starts_on=date(2026, 5, 20), seed=303)
    return ledger


def figures(ledger, level, **kw):
    reports = kpis.compute_kpis(ledger.session, actor=ledger.actor("admin"), start=date(2026, 1, 1), end=END,
                                level=level, **kw)
    return {r.unit_id: r.figures for r in reports}


def test_fulfilment_rate_per_team_township_and_county(county, world):
    # r1 and r_idle each expect 10 by now (2 follow-ups, 6 monthly reviews, 1 talk, 1 medication review);
    # r1 delivered 2 of them on schedule (the May review is in the current month: not yet expected).
    team = figures(county, "team")[world.ids["team_a"]]["fulfilment"]
    assert (team["contracts"], team["expected"], team["delivered"], team["on_schedule"]) == (2, 20, 2, 0)
    assert team["rate"] == pytest.approx(0.1)
    township = figures(county, "township")[world.ids["township1"]]["fulfilment"]
    assert township["rate"] == pytest.approx(0.1)
    other_township = figures(county, "township")[world.ids["township2"]]["fulfilment"]
    assert other_township["expected"] == 0 and other_township["rate"] is None
    consortium = figures(county, "consortium")[world.consortium_id]["fulfilment"]
    assert consortium["expected"] == 20 and consortium["rate"] == pytest.approx(0.1)


def test_signed_not_served_counts_contracts_without_a_service_in_n_months(county, world):
    three = figures(county, "team")[world.ids["team_a"]]["signed_not_served"]
    assert (three["months"], three["eligible"], three["count"]) == (3, 2, 1)  # r_idle; r_new is too new
    six = figures(county, "team", idle_months=6)[world.ids["team_a"]]["signed_not_served"]
    assert (six["eligible"], six["count"]) == (2, 0)  # the February phone call is within six months
    assert figures(county, "consortium")[world.consortium_id]["signed_not_served"]["count"] == 1


def test_the_kpi_api_takes_the_months_and_team_staff_read_their_team(client, county, world):
    url = f"/api/v1/kpis?start=2026-01-01&end={END}&level=team&unit_id={world.ids['team_a']}"
    r = client.get(url + "&idle_months=6", headers=world.headers("gp1"))
    assert r.status_code == 200
    body = r.get_json()["items"][0]["figures"]
    assert body["signed_not_served"] == {"months": 6, "eligible": 2, "count": 0, "share": 0.0}
    assert body["fulfilment"]["rate"] == pytest.approx(0.1)
    assert client.get(url + "&idle_months=0", headers=world.headers("gp1")).status_code == 422
    assert client.get(url, headers=world.headers("gp2")).status_code == 403
