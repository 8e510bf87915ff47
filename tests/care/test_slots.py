"""Specialist slots (预留号源): publishing, and booking never beyond the reserved share, also concurrently."""
import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import Conflict
from app.services import referrals
from models.base import utcnow
from models.referrals import Referral, SpecialistSlot
from tests.care.conftest import refer
from tests.care.test_referrals_api import post, publish


def test_specialist_publishes_and_teams_see_availability(client, world):
    r = publish(client, world, capacity=30, reserved=5)
    assert r.status_code == 201 and r.get_json()["available_for_referrals"] == 5
    again = publish(client, world, capacity=30, reserved=6)  # same day: changed, not duplicated
    assert again.status_code == 201 and again.get_json()["id"] == r.get_json()["id"]
    listed = client.get("/api/v1/slots?department=心内科", headers=world.headers("vdoc_a")).get_json()
    assert [(s["id"], s["reserved_for_referrals"]) for s in listed["items"]] == [(r.get_json()["id"], 6)]


@pytest.mark.parametrize("who, department, status", [("cardio", "内分泌科", 403), ("vdoc_a", "心内科", 403),
                                                     ("res_a1", "心内科", 403), ("admin", "内分泌科", 201)])
def test_who_may_publish(client, world, who, department, status):
    assert publish(client, world, who=who, department=department).status_code == status


def test_reserved_above_capacity_or_past_day_is_422(client, world):
    r = publish(client, world, capacity=2, reserved=3)
    assert r.status_code == 422 and "reserved_for_referrals" in r.get_json()["errors"]
    assert publish(client, world, days_ahead=-2).status_code == 422


def test_residents_cannot_list_slots(client, world):
    assert client.get("/api/v1/slots", headers=world.headers("res_a1")).status_code == 403


def _accepted_referrals(client, world, care, n):
    ids = []
    for i in range(n):
        name = "res_a1" if i == 0 else f"slot_res_{i}"
        if i:
            care.resident(name, seed=200 + i)
        rid = refer(client, world, resident=name).get_json()["id"]
        assert post(client, world, rid, "accept").status_code == 200
        ids.append(rid)
    return ids


def test_booking_stops_at_the_reserved_share(client, world, care, session):
    first, second = _accepted_referrals(client, world, care, 2)
    slot = publish(client, world, reserved=1).get_json()
    assert post(client, world, first, "book", slot_id=slot["id"]).status_code == 200
    r = post(client, world, second, "book", slot_id=slot["id"])
    assert r.status_code == 409 and r.get_json()["code"] == "slot.full"
    assert client.get(f"/api/v1/referrals/{second}", headers=world.headers("cardio")).get_json()["status"] == "accepted"
    session.expire_all()
    assert session.get(SpecialistSlot, slot["id"]).booked_referrals == 1
    # Nor can the department shrink the reserved share below what is booked.
    assert publish(client, world, reserved=0).status_code == 409


def test_slot_of_another_department_cannot_be_booked(client, world):
    rid = refer(client, world).get_json()["id"]
    post(client, world, rid, "accept")
    other = publish(client, world, who="admin", department="内分泌科").get_json()
    assert post(client, world, rid, "book", slot_id=other["id"]).status_code == 422


def test_pending_contract_gets_no_green_channel_slot(client, world):
    rid = refer(client, world, resident="res_a2").get_json()["id"]
    post(client, world, rid, "accept")
    slot = publish(client, world).get_json()
    r = post(client, world, rid, "book", slot_id=slot["id"])
    assert r.status_code == 422 and r.get_json()["code"] == "referral.not_contracted"


def test_concurrent_bookings_never_exceed_capacity(client, world, care, db):
    reserved, contenders = 3, 8
    ids = _accepted_referrals(client, world, care, contenders)
    slot_id = publish(client, world, reserved=reserved).get_json()["id"]
    cardio = care.actor("cardio")
    barrier = threading.Barrier(contenders)
    results: list[str] = []
    lock = threading.Lock()
    engine = db.engine

    def book(referral_id):
        with Session(engine) as session:
            barrier.wait()
            try:
                referrals.book_slot(session, actor=cardio, referral_id=referral_id, slot_id=slot_id, now=utcnow())
                session.commit()
                outcome = "booked"
            except Conflict as exc:
                session.rollback()
                outcome = exc.code
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=book, args=(rid,)) for rid in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results) == ["booked"] * reserved + ["slot.full"] * (contenders - reserved)
    with Session(engine) as session:
        assert session.get(SpecialistSlot, slot_id).booked_referrals == reserved
        assert session.scalar(select(func.count()).where(Referral.slot_id == slot_id)) == reserved
