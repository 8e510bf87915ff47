"""KPI endpoint with the 履约 ledger at demo scale: what 履约率 and 只签不约 add to GET /api/v1/kpis.

Run:
    .venv/bin/python bench/ledger_kpi_bench.py                       # SQLite, the demo county (300 residents)
    .venv/bin/python bench/ledger_kpi_bench.py --residents 1200      # a bigger demo county
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/jiayi_ledger_bench .venv/bin/python bench/ledger_kpi_bench.py
(PostgreSQL: a throwaway database, its `public` schema is dropped and rebuilt by the migrations.)

Seeds the demo county through the services (`demo.seed_demo`: a year of follow-ups, health checks, reading reviews,
education sessions, one contract in 25 never served), then times, for a one-year period at each level:
- baseline: the plain KPI queries without the ledger (the per-resident and the event figures of
  app.services.kpis, the part that existed before 履约率);
- the ledger's own figures alone (`fulfilment.unit_figures`: 履约率 and 只签不约, two grouped statements);
- the whole service (`kpis.compute_kpis`) and the endpoint `GET /api/v1/kpis` in-process through Flask;
and prints each as a ratio to the baseline measured in the same run (best and median of --repeat).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.kpi_bench import timed  # noqa: E402


def warm_timed(repeat: int, fn) -> tuple[float, float]:
    fn()  # warm-up: statement caches, SQLite page cache
    return timed(repeat, fn)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()

    from flask_migrate import upgrade
    from sqlalchemy import text

    from app import create_app
    from app.extensions import db
    from app.services import demo, fulfilment, kpis
    from app.services.actors import Actor
    from app.services.clock import local_date
    from models.org import Consortium

    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    else:
        url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='jiayi-ledger-bench-')) / 'bench.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "DEMO_MODE": True})  # demo keys: a local benchmark
    now = datetime.now(timezone.utc)
    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade(revision="heads")
        t0 = time.perf_counter()
        demo.seed_demo(db.session, now=now, n_residents=args.residents)
        db.session.commit()
        if url.startswith("postgresql"):
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        print(f"{db.engine.dialect.name}: seeded the demo county, {args.residents} residents, in "
              f"{time.perf_counter() - t0:.1f} s")

        session = db.session
        cid = session.scalar(text("SELECT id FROM consortia WHERE code = 'demo-county'"))
        assert session.get(Consortium, cid) is not None
        admin = Actor(kind="staff", id=0, consortium_id=cid, role="admin")
        end = local_date(now)
        start = end - timedelta(days=364)
        print(f"period {start} .. {end}; best / median of {args.repeat} (ms), and ÷ baseline (medians)")
        for level in ("consortium", "township", "team"):
            units = kpis._authorise(session, admin, level, None)
            ids = list(units)

            def baseline():
                kpis._resident_figures(session, level, cid, ids, start, end)
                kpis._event_figures(session, level, cid, ids, start, end)

            def ledger():
                fulfilment.unit_figures(session, consortium_id=cid, end=end,
                                        contract_units=kpis._contract_units(level, cid, ids, end))

            def service():
                kpis.compute_kpis(session, actor=admin, start=start, end=end, level=level)
                session.rollback()

            base = warm_timed(args.repeat, baseline)
            rows = [("baseline: KPIs without the ledger", base), ("ledger alone (履约率, 只签不约)", warm_timed(args.repeat, ledger)),
                    ("compute_kpis (all)", warm_timed(args.repeat, service))]
            session.rollback()
            print(f"  level={level} ({len(ids)} units)")
            for label, (best, median) in rows:
                print(f"    {label:<36} {best * 1000:7.1f} / {median * 1000:7.1f}   {median / base[1]:5.2f}x")

        client = app.test_client()
        token = client.post("/api/v1/auth/login", json={"username": "admin", "password": demo.DEMO_PASSWORD}
                            ).get_json()["token"]

        for level in ("consortium", "team"):
            path = f"/api/v1/kpis?level={level}&start={start}&end={end}"

            def call():
                response = client.get(path, headers={"Authorization": f"Bearer {token}"})
                assert response.status_code == 200, response.get_json()

            ids = list(kpis._authorise(session, admin, level, None))

            def baseline():
                kpis._resident_figures(session, level, cid, ids, start, end)
                kpis._event_figures(session, level, cid, ids, start, end)
                session.rollback()

            base, whole = warm_timed(args.repeat, baseline), warm_timed(args.repeat, call)
            print(f"  endpoint GET /api/v1/kpis level={level}: {whole[0] * 1000:.1f} / {whole[1] * 1000:.1f} ms = "
                  f"{whole[1] / base[1]:.2f}x the baseline ({base[1] * 1000:.1f} ms) in the same run")
        figures = kpis.compute_kpis(session, actor=admin, start=start, end=end, level="consortium")[0].figures
        print(f"  county: 履约率 {figures['fulfilment']['rate']}, 只签不约 {figures['signed_not_served']['count']} of "
              f"{figures['signed_not_served']['eligible']} contracts")


if __name__ == "__main__":
    main()
