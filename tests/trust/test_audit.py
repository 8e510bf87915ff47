"""Audit: staff reads are recorded in a hash chain; tampering is detected; residents see who looked."""
import threading

from sqlalchemy import text

from app.services import audit
from models.audit import AuditEntry


def test_staff_read_of_a_resident_is_audited(client, world, session):
    rid = world.ids["res_a1"]
    client.get(f"/api/v1/residents/{rid}", headers=world.headers("vdoc_a"), environ_base={"REMOTE_ADDR": "10.1.2.3"})
    entries = session.query(AuditEntry).filter_by(resident_id=rid).all()
    assert len(entries) == 1
    e = entries[0]
    assert (e.actor_id, e.actor_role, e.action, e.source) == (world.ids["vdoc_a"], "village_doctor", "read", "10.1.2.3")


def test_failed_and_out_of_scope_reads_are_not_recorded_as_access(client, world, session):
    client.get(f"/api/v1/residents/{world.ids['res_c1']}", headers=world.headers("vdoc_a"))
    assert session.query(AuditEntry).count() == 0


def test_resident_reading_own_record_is_not_audited_but_can_see_staff_access(client, world):
    client.get(f"/api/v1/residents/{world.ids['res_a1']}", headers=world.headers("gp1"))
    client.get("/api/v1/residents/me", headers=world.headers("res_a1"))
    r = client.get("/api/v1/audit/me", headers=world.headers("res_a1"))
    assert r.status_code == 200
    assert [(i["actor_role"], i["action"]) for i in r.get_json()["items"]] == [("township_doctor", "read")]
    assert client.get("/api/v1/audit/me", headers=world.headers("gp1")).status_code == 403


def test_admin_actions_and_queries(client, world):
    client.patch(f"/api/v1/institutions/villages/{world.ids['village_a']}", json={"population": 5},
                 headers=world.headers("admin"))
    client.get(f"/api/v1/residents/{world.ids['res_a1']}", headers=world.headers("vdoc_a"))
    r = client.get(f"/api/v1/audit?staff_id={world.ids['admin']}", headers=world.headers("admin"))
    assert [i["action"] for i in r.get_json()["items"]] == ["admin"]
    r = client.get(f"/api/v1/audit?resident_id={world.ids['res_a1']}", headers=world.headers("admin"))
    assert r.get_json()["total"] == 1
    assert client.get("/api/v1/audit", headers=world.headers("gp1")).status_code == 403


def test_purpose_header_is_recorded(client, world, session):
    client.get(f"/api/v1/residents/{world.ids['res_a1']}", headers={**world.headers("gp1"),
                                                                    "X-Access-Purpose": "电话随访前查看"})
    assert session.query(AuditEntry).one().purpose == "电话随访前查看"


def _some_entries(client, world, n=5):
    for _ in range(n):
        client.get(f"/api/v1/residents/{world.ids['res_a1']}", headers=world.headers("vdoc_a"))


def test_untouched_chain_verifies(client, world, session):
    _some_entries(client, world)
    report = audit.verify(session)
    assert report.ok and report.checked == 5


def test_edited_entry_is_detected(client, world, session):
    _some_entries(client, world)
    session.execute(text("UPDATE audit_entries SET actor_id = 999 WHERE seq = 3"))
    session.commit()
    report = audit.verify(session)
    assert not report.ok and report.first_broken_seq == 3 and "changed" in report.problem


def test_deleted_entry_is_detected(client, world, session):
    _some_entries(client, world)
    session.execute(text("DELETE FROM audit_entries WHERE seq = 2"))
    session.commit()
    report = audit.verify(session)
    assert not report.ok and report.first_broken_seq == 3


def test_truncated_tail_is_detected(client, world, session):
    _some_entries(client, world)
    session.execute(text("DELETE FROM audit_entries WHERE seq >= 4"))
    session.commit()
    report = audit.verify(session)
    assert not report.ok and report.first_broken_seq == 4


def test_rehashed_forgery_is_detected_by_the_next_link(client, world, session):
    """Rewriting one entry with a freshly computed hash still breaks the link of the entry after it."""
    _some_entries(client, world)
    entry = session.get(AuditEntry, 2)
    entry.actor_id = 999
    entry.hash = audit.entry_hash(entry.prev_hash, audit._hashed_fields(entry))
    session.commit()
    report = audit.verify(session)
    assert not report.ok and report.first_broken_seq == 3


def test_concurrent_appends_keep_one_chain(app, db, world):
    notes = [audit.Note(actor_kind="staff", actor_id=1, actor_role="village_doctor", consortium_id=world.consortium_id,
                        action="read", target="resident:1", resident_id=1)]
    errors = []
    engine = db.engine

    def worker():
        try:
            for _ in range(10):
                audit.flush_notes(engine, notes, audit.Context(at=audit_now()))
        except Exception as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    report = audit.verify(db.session)
    assert report.ok and report.checked == 40


def audit_now():
    from models.base import utcnow

    return utcnow()


def test_cli_verify_reports_the_broken_link(app, client, world, session):
    _some_entries(client, world, n=3)
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["audit", "verify"])
    assert ok.exit_code == 0 and "3 entries verified" in ok.output
    session.execute(text("UPDATE audit_entries SET target = 'x' WHERE seq = 2"))
    session.commit()
    broken = runner.invoke(args=["audit", "verify"])
    assert broken.exit_code == 1 and "entry 2" in broken.output
