"""PostgreSQL restarts in the middle of a burst of batch ingests: every reading is stored exactly once."""
import subprocess
import threading
import time
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select, text

from app.services import residents
from app.services.actors import system_actor
from models.readings import BpReading
from tests.faults.conftest import restart_command

CLIENTS, BATCHES, ITEMS = 4, 20, 25


def test_database_restart_during_batch_ingest_loses_and_duplicates_nothing(app, client, world, session, now):
    residents.record_consent(session, actor=system_actor(world.consortium_id), resident_id=world.ids["res_a1"],
                             version="2026-01", channel="test", now=now)
    session.commit()
    app.config["RATELIMIT_READINGS"] = "100000 per minute"
    base = datetime.now(timezone.utc) - timedelta(days=2)
    outcomes = {"retries": 0, "errors": []}
    lock = threading.Lock()
    started = threading.Event()

    def items(c, b):
        return [{"type": "bp", "resident_id": world.ids["res_a1"], "systolic": 120 + (i % 10), "diastolic": 78,
                 "measured_at": (base + timedelta(seconds=c * 10000 + b * 300 + i)).isoformat(),
                 "client_id": f"fault-{c}-{b}-{i}"} for i in range(ITEMS)]

    def run(c):
        http = app.test_client()
        for b in range(BATCHES):
            deadline = time.monotonic() + 60
            while True:
                try:
                    r = http.post("/api/v1/readings/batch", json={"items": items(c, b)}, headers=world.headers("vdoc_a"))
                    ok = r.status_code == 200 and r.get_json()["rejected"] == 0
                    last = (r.status_code, r.get_data(as_text=True)[:300])
                except Exception as exc:  # noqa: BLE001 - a client sees a broken connection; it retries
                    ok, last = False, repr(exc)[:300]
                if ok:
                    break
                with lock:
                    outcomes["retries"] += 1
                if time.monotonic() > deadline:
                    with lock:
                        outcomes["errors"].append((c, b, last))
                    break
                time.sleep(0.2)
            if b == 2:
                started.set()

    threads = [threading.Thread(target=run, args=(c,)) for c in range(CLIENTS)]
    for t in threads:
        t.start()
    assert started.wait(60)
    subprocess.run(restart_command(), check=True, capture_output=True, timeout=60)
    for t in threads:
        t.join(180)
    assert outcomes["errors"] == []
    session.rollback()
    session.execute(text("SELECT 1"))
    stored = session.scalar(select(func.count()).select_from(BpReading))
    distinct = session.scalar(select(func.count(func.distinct(BpReading.client_id))))
    print(f"\nfault db-restart: stored {stored}/{CLIENTS * BATCHES * ITEMS}, duplicates {stored - distinct}, "
          f"client retries {outcomes['retries']}")
    assert stored == distinct == CLIENTS * BATCHES * ITEMS
