"""PIPL rights: export my data, request deletion (anonymised after retention, aggregates kept)."""
import csv
import io
from datetime import timedelta

from app.services import rights
from models.base import utcnow
from models.readings import BpReading, ReadingSource
from models.residents import Resident


def add_reading(session, world, resident="res_a1", systolic=150, symptoms="头有点晕"):
    session.add(BpReading(consortium_id=world.consortium_id, resident_id=world.ids[resident], client_id=f"c{systolic}",
                          measured_at=utcnow() - timedelta(hours=1), systolic=systolic, diastolic=95, pulse=70,
                          source=ReadingSource.wechat, symptoms=symptoms))
    session.commit()


def test_export_contains_my_data_in_full(client, world, session):
    add_reading(session, world)
    r = client.get("/api/v1/residents/me/export", headers=world.headers("res_a1"))
    assert r.status_code == 200
    data = r.get_json()
    assert data["profile"]["id_card"] == world.id_cards["res_a1"]
    assert data["bp_readings"][0]["systolic"] == 150
    assert data["contracts"][0]["status"] == "active"


def test_readings_csv(client, world, session):
    add_reading(session, world, systolic=150)
    add_reading(session, world, systolic=160)
    r = client.get("/api/v1/residents/me/readings.csv", headers=world.headers("res_a1"))
    assert r.status_code == 200 and r.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert [row["systolic"] for row in rows] == ["150", "160"] and rows[0]["kind"] == "bp"


def test_staff_cannot_use_the_resident_export(client, world):
    assert client.get("/api/v1/residents/me/export", headers=world.headers("gp1")).status_code == 403


def test_deletion_request_stops_pushes_then_anonymises_after_retention(app, client, world, session):
    from app.services import outbox

    add_reading(session, world)
    outbox.enqueue(session, consortium_id=world.consortium_id, kind="reminder", text="该量血压了", now=utcnow(),
                   resident_id=world.ids["res_a1"])
    session.commit()
    r = client.post("/api/v1/residents/me/deletion-request", headers=world.headers("res_a1"))
    assert r.status_code == 202
    assert client.post("/api/v1/residents/me/deletion-request", headers=world.headers("res_a1")).status_code == 409
    session.expire_all()
    from models.outbox import OutboxMessage

    assert session.query(OutboxMessage).one().status.value == "cancelled"
    assert rights.carry_out_due_deletions(session, now=utcnow()) == 0  # retention not over
    later = utcnow() + timedelta(days=app.config["RETENTION_DAYS"] + 1)
    assert rights.carry_out_due_deletions(session, now=later) == 1
    session.commit()
    resident = session.get(Resident, world.ids["res_a1"])
    assert resident.name == rights.ANONYMISED_NAME and resident.phone_enc is None and resident.anonymised_at
    reading = session.query(BpReading).one()
    assert reading.systolic == 150 and reading.symptoms is None  # the fact stays for aggregates
    assert client.get("/api/v1/residents/me", headers=world.headers("res_a1")).status_code == 401
