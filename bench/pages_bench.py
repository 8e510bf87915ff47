"""Workspace page benchmark: server time of the main pages at the demo scale, with a 90-day chart.

Run (a throwaway SQLite file unless BENCH_DATABASE_URL names a throwaway PostgreSQL database):
    cd /work/main && .venv/bin/python bench/pages_bench.py --repeat 30

Seeds the demo county (300 residents, two weeks of readings, the trend scan's alerts) through the
services, then gives the resident of vdoc1's most urgent alert 90 days of home readings (morning and
evening, two readings each, and a daily fasting glucose) through the readings service. Then it times
GET requests in-process through Flask (the full WSGI stack: session cookie, CSRF, services, templates;
no network, no gunicorn): the alert queue, the alert page and the resident page with the 90-day chart,
the resident's 我的血压 at 90 days, and, as baselines measured in the same run, /healthz and the API's
90-day BP chart JSON. Prints the median and the 90th percentile of each (target: pages < 300 ms).
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _app(url: str):
    from app import create_app

    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "DEMO_MODE": True, "SESSION_COOKIE_SECURE": False})


def seed(app) -> dict:
    """The demo county, then 90 days of readings for the resident of vdoc1's most urgent alert."""
    from flask_migrate import upgrade
    from sqlalchemy import select, text

    from app.extensions import db
    from app.services import alerts, auth, readings
    from app.services.actors import system_actor
    from app.services.demo import seed_demo
    from models.base import utcnow
    from models.org import Staff

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade(revision="heads")
        now = utcnow()
        seed_demo(db.session, now=now)
        db.session.commit()
        vdoc = db.session.scalar(select(Staff).where(Staff.username == "vdoc1"))
        actor = auth.staff_actor(db.session, vdoc)
        queue = alerts.team_queue(db.session, actor)
        top = queue.items[0]
        system = system_actor(actor.consortium_id)
        items = []
        for day in range(90, 0, -1):
            base = now - timedelta(days=day)
            for hour, sbp in ((7, 148), (20, 141)):  # 07:00 and 20:00 local = 23:00 and 12:00 UTC
                at = base.replace(hour=(hour - 8) % 24, minute=0, second=0, microsecond=0)
                for k in range(2):
                    items.append({"type": "bp", "systolic": sbp + (day % 7) - k * 3, "diastolic": 90 - k * 2,
                                  "measured_at": (at + timedelta(minutes=2 * k)).isoformat(),
                                  "client_id": f"bench-bp-{day}-{hour}-{k}"})
            items.append({"type": "glucose", "value": 6.2 + (day % 5) / 5, "context": "fasting",
                          "measured_at": base.replace(hour=22, minute=30).isoformat(), "client_id": f"bench-g-{day}"})
        for start in range(0, len(items), 500):
            readings.record_batch(db.session, actor=system, items=[{**item, "resident_id": top.resident_id}
                                                                   for item in items[start:start + 500]], now=now)
        db.session.commit()
        return {"alert_id": top.id, "resident_id": top.resident_id, "readings": len(items)}


def timed(client, path: str, repeat: int) -> tuple[float, float]:
    """Median and 90th percentile (nearest rank) in milliseconds of `repeat` GETs after one warm-up."""
    assert client.get(path).status_code == 200, path
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    samples.sort()
    return statistics.median(samples), samples[max(0, round(0.9 * len(samples)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp(prefix='jiayi-pages-')}/bench.db"
    app = _app(url)
    print(f"database: {url.split('@')[-1]}; seeding the demo county …", flush=True)
    t0 = time.perf_counter()
    ids = seed(app)
    print(f"seeded in {time.perf_counter() - t0:.1f} s; alert {ids['alert_id']}, resident {ids['resident_id']} "
          f"with {ids['readings']} readings over 90 days", flush=True)

    from app.services.demo import DEMO_PASSWORD

    staff = app.test_client()
    page = staff.get("/staff/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert staff.post("/staff/login", data={"username": "vdoc1", "password": DEMO_PASSWORD,
                                            "csrf_token": token}).status_code == 302
    resident = app.test_client()
    page = resident.get("/me/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert resident.post("/me/demo-login", data={"resident_id": str(ids["resident_id"]),
                                                 "csrf_token": token}).status_code == 302
    api = app.test_client()
    bearer = api.post("/api/v1/auth/login", json={"username": "vdoc1", "password": DEMO_PASSWORD}).get_json()["token"]
    api.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {bearer}"

    from models.base import utcnow
    start = (utcnow() - timedelta(days=90)).isoformat().replace("+00:00", "Z")
    rows = [
        ("baseline GET /healthz", api, "/healthz"),
        ("baseline API 90-day BP chart (JSON)", api,
         f"/api/v1/readings/residents/{ids['resident_id']}/bp?start={start}"),
        ("/staff/alerts (queue)", staff, "/staff/alerts"),
        ("/staff/alerts/<id>?days=90", staff, f"/staff/alerts/{ids['alert_id']}?days=90"),
        ("/staff/residents/<id>?days=90", staff, f"/staff/residents/{ids['resident_id']}?days=90"),
        ("/me/bp?days=90", resident, "/me/bp?days=90"),
    ]
    print(f"{'request':<40} {'median ms':>10} {'p90 ms':>8}")
    for label, client, path in rows:
        median, p90 = timed(client, path, args.repeat)
        print(f"{label:<40} {median:>10.1f} {p90:>8.1f}", flush=True)


if __name__ == "__main__":
    main()
