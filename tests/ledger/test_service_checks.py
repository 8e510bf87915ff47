"""Records flagged 需核实 for the township's review: implausibly quick home services, home services entered at
the clinic's workstation, late entry; who may see and review them."""
from __future__ import annotations

from datetime import date, timedelta

from app.services import service_checks, service_records
from models.base import utcnow
from tests.ledger.conftest import local

DAY = date(2026, 5, 20)


def checks(client, world, who="gp1", **query):
    r = client.get("/api/v1/ledger/checks", query_string={"per_page": 100, **query}, headers=world.headers(who))
    assert r.status_code == 200, r.get_json()
    return r.get_json()["items"]


def test_home_follow_ups_minutes_apart_by_one_doctor_are_flagged(client, ledger, world):
    for i, name in enumerate(("h1", "h2", "h3")):
        ledger.resident(name, starts_on=date(2025, 11, 10), seed=310 + i)
    first = ledger.visit("h1", local(DAY, 9, 0), method="home")
    second = ledger.visit("h2", local(DAY, 9, 6), method="home")  # 6 minutes later: needs checking
    third = ledger.visit("h3", local(DAY, 9, 40), method="home")  # 34 minutes later: plausible
    clinic = ledger.visit("h3", local(DAY, 9, 42))  # a clinic visit is not a home service
    items = checks(client, world, flag="rapid_home_visits", since=local(DAY, 0).isoformat(),
                   until=local(DAY, 23).isoformat())
    flagged = {(i["source"], i["record_id"]) for i in items}
    assert flagged == {("followup", second)}
    assert ("followup", first) not in flagged and ("followup", third) not in flagged
    assert ("followup", clinic) not in flagged
    item = items[0]
    assert item["message"] == "同一医生上一次入户服务后6分钟即记录本次入户服务，需核实"
    assert item["staff_id"] == world.ids["vdoc_a"] and item["minutes"] == 6.0


def test_a_home_service_entered_at_the_clinic_desk_at_the_same_time_is_flagged(client, ledger, world, session):
    ledger.resident("h1", starts_on=date(2025, 11, 10), seed=320)
    now = utcnow()
    desk = service_records.log_service(session, actor=ledger.actor("vdoc_a"), kind="health_check",
                                       resident_ids=[world.ids["h1"]], delivered_at=now - timedelta(minutes=10),
                                       method="home", now=now, entry_channel="web")[0].id
    phone = service_records.log_service(session, actor=ledger.actor("vdoc_a"), kind="health_check",
                                        resident_ids=[world.ids["h1"]], delivered_at=now - timedelta(minutes=5),
                                        method="home", now=now, entry_channel="app")[0].id
    session.commit()
    flagged = {i["record_id"]: i for i in checks(client, world, flag="home_entered_at_clinic")}
    assert desk in flagged and phone not in flagged
    assert flagged[desk]["message"].endswith("需核实") and "卫生室电脑端" in flagged[desk]["message"]


def test_late_entry_is_flagged(client, ledger, world):
    ledger.resident("h1", starts_on=date(2025, 11, 10), seed=330)
    late = ledger.visit("h1", ledger.now - timedelta(days=10))  # entered now, ten days after the visit
    prompt = ledger.visit("h1", ledger.now - timedelta(days=2))
    items = checks(client, world, flag="late_entry", since=(ledger.now - timedelta(days=30)).isoformat(),
                   until=ledger.now.isoformat())
    ids = {i["record_id"] for i in items}
    assert late in ids and prompt not in ids
    assert next(i for i in items if i["record_id"] == late)["message"] == "服务后10天才录入，需核实"


def test_the_wording_never_accuses(ledger):
    for message in service_checks.MESSAGES.values():
        assert message.endswith("需核实")
        for word in ("造假", "虚假", "违规", "作弊", "欺诈"):
            assert word not in message


def test_reviews_are_recorded_and_scoped_to_the_township(client, ledger, world):
    ledger.resident("h1", starts_on=date(2025, 11, 10), seed=340)
    late = ledger.visit("h1", ledger.now - timedelta(days=10))
    window = {"since": (ledger.now - timedelta(days=30)).isoformat(), "until": ledger.now.isoformat()}
    assert checks(client, world, "gp2", **window) == []  # township 2 does not see township 1's villages
    assert any(i["record_id"] == late for i in checks(client, world, "admin", **window))
    body = {"source": "followup", "record_id": late, "flag": "late_entry", "outcome": "verified",
            "note": "纸质记录补录，已核对"}
    assert client.post("/api/v1/ledger/checks/reviews", json=body, headers=world.headers("gp2")).status_code == 404
    assert client.post("/api/v1/ledger/checks/reviews", json=body, headers=world.headers("vdoc_a")).status_code == 403
    r = client.post("/api/v1/ledger/checks/reviews", json=body, headers=world.headers("gp1"))
    assert r.status_code == 201 and r.get_json()["outcome"] == "verified"
    reviewed = next(i for i in checks(client, world, **window) if i["record_id"] == late)
    assert reviewed["review"]["outcome"] == "verified"
    assert all(i["record_id"] != late for i in checks(client, world, unreviewed="true", **window))
    assert client.get("/api/v1/ledger/checks", headers=world.headers("vdoc_a")).status_code == 403
    assert client.get("/api/v1/ledger/checks", headers=world.headers("cardio")).status_code == 403
