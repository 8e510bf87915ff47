"""KPI benchmark: seed a PostgreSQL county of N residents by bulk COPY, then time the KPI service and endpoint.

Run (a throwaway database: its `public` schema is dropped and rebuilt by the migrations):
    psql -h 127.0.0.1 -U postgres -c "create database jiayi_bench"
    cd /work/main && BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/jiayi_bench \\
        .venv/bin/python bench/kpi_bench.py --residents 200000
Options: --reuse (keep the seeded data of a previous run), --repeat N (best and median of N timings).

Seeds one consortium: 10 townships x 20 villages, one 1+1+1 team per village, N residents (45 % hypertension,
20 % diabetes, 70 % contracted), about 3 follow-ups a year per managed contracted resident, ~N/10 alerts
and ~N/70 referrals in the last year. Rows go in through COPY, not the services, to keep seeding to a minute
or so. Then it times app.services.kpis.compute_kpis for a one-year period at consortium, township and team
level, and GET /api/v1/kpis (consortium) in-process through Flask (no network, no gunicorn).
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text  # noqa: E402

TOWNSHIPS, VILLAGES_PER_TOWNSHIP = 10, 20
PASSWORD = "bench-password-1"


def _app(url: str):
    from app import create_app

    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "PASSWORD_HASH_COST": (1, 1024), "DEMO_MODE": True})


def _copy(cur, table: str, columns: list[str], rows) -> int:
    n = 0
    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            n += 1
    return n


def seed(db, n_residents: int, today: date, rng: random.Random) -> dict:
    """Bulk-load the county; returns counts per table."""
    from flask_migrate import upgrade

    with db.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    upgrade(revision="heads")

    now = datetime.now(timezone.utc)
    counts: dict[str, int] = {}
    raw = db.engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("INSERT INTO consortia (id, code, name) VALUES (1, 'bench', '基准县医共体')")
        inst = [(1, 1, "县人民医院", "county", None)]
        villages, teams, staff, members, team_villages = [], [], [], [], []
        staff.append((1, 1, "admin", "x", "管理员", "admin", None, 1))
        staff.append((2, 1, "cardio", "x", "心内科", "specialist", "心内科", 1))
        next_staff = 3
        for t in range(TOWNSHIPS):
            tid = 2 + t
            inst.append((tid, 1, f"第{t + 1}镇卫生院", "township", 1))
        next_inst = 2 + TOWNSHIPS
        for t in range(TOWNSHIPS):
            township_id = 2 + t
            gp = next_staff
            staff.append((gp, 1, f"gp{t}", "x", f"全科{t}", "township_doctor", None, township_id))
            county_doc = next_staff + 1
            staff.append((county_doc, 1, f"county{t}", "x", f"县医生{t}", "county_doctor", None, 1))
            next_staff += 2
            for v in range(VILLAGES_PER_TOWNSHIP):
                clinic = next_inst
                next_inst += 1
                inst.append((clinic, 1, f"村卫生室{t}-{v}", "village", township_id))
                vid = len(villages) + 1
                villages.append((vid, 1, f"村{t}-{v}", clinic, rng.randint(3000, 7000)))
                vdoc = next_staff
                next_staff += 1
                staff.append((vdoc, 1, f"vdoc{t}-{v}", "x", f"村医{t}-{v}", "village_doctor", None, clinic))
                team_id = vid
                teams.append((team_id, 1, f"团队{t}-{v}", gp, True))
                members += [(team_id, county_doc, "county_doctor"), (team_id, gp, "township_doctor"),
                            (team_id, vdoc, "village_doctor")]
                team_villages.append((team_id, vid))
        counts["institutions"] = _copy(cur, "institutions", ["id", "consortium_id", "name", "level", "parent_id"], inst)
        counts["villages"] = _copy(cur, "villages", ["id", "consortium_id", "name", "clinic_id", "population"], villages)
        counts["staff"] = _copy(cur, "staff", ["id", "consortium_id", "username", "password_hash", "full_name", "role",
                                               "department", "institution_id", "active", "on_duty"],
                                (s + (True, False) for s in staff))
        counts["teams"] = _copy(cur, "teams", ["id", "consortium_id", "name", "lead_id", "active"], teams)
        _copy(cur, "team_members", ["team_id", "staff_id", "role"], members)
        _copy(cur, "team_villages", ["team_id", "village_id"], team_villages)
        vdoc_of_team = {m[0]: m[1] for m in members if m[2] == "village_doctor"}

        residents, conditions, contracts, followups, alerts, referrals = [], [], [], [], [], []
        fu_id = 0
        managed_contracted: list[tuple[int, int, bool]] = []
        for rid in range(1, n_residents + 1):
            vid = rng.randint(1, len(villages))
            age = rng.choices([rng.randint(18, 44), rng.randint(45, 64), rng.randint(65, 95)], [0.35, 0.35, 0.30])[0]
            born = today - timedelta(days=age * 365 + rng.randint(0, 364))
            residents.append((rid, 1, f"居民{rid}", rng.choice("MF"), born, "enc", f"b{rid}", vid, now, now))
            htn = rng.random() < 0.45
            dm = rng.random() < 0.20
            for code, flag in (("hypertension", htn), ("diabetes", dm), ("ckd", rng.random() < 0.03),
                               ("stroke", rng.random() < 0.03)):
                if flag:
                    conditions.append((rid, code))
            if rng.random() < 0.70:
                starts = today - timedelta(days=rng.randint(0, 360))
                applied = datetime.combine(starts, datetime.min.time(), timezone.utc)
                contracts.append((1, rid, vid, "active", starts, starts + timedelta(days=364), applied, applied,
                                  now, now))
                if htn or dm:
                    managed_contracted.append((rid, vid, dm))
        counts["residents"] = _copy(cur, "residents", ["id", "consortium_id", "name", "sex", "birth_date", "id_card_enc",
                                                       "id_card_bidx", "village_id", "created_at", "updated_at"],
                                    residents)
        counts["resident_conditions"] = _copy(cur, "resident_conditions", ["resident_id", "code"], conditions)
        counts["contracts"] = _copy(cur, "contracts", ["consortium_id", "resident_id", "team_id", "status", "starts_on",
                                                       "ends_on", "applied_at", "approved_at", "created_at",
                                                       "updated_at"], contracts)
        for rid, team_id, dm in managed_contracted:
            for _ in range(rng.choice([0, 1, 2, 3, 4, 4, 5])):
                fu_id += 1
                at = now - timedelta(days=rng.randint(0, 400), minutes=rng.randint(0, 600))
                sys_ = rng.randint(110, 175)
                followups.append((fu_id, 1, rid, team_id, vdoc_of_team[team_id], at,
                                  rng.choices(["face_to_face", "home", "phone", "wechat"], [0.6, 0.1, 0.2, 0.1])[0],
                                  sys_, sys_ - rng.randint(30, 60), round(rng.uniform(4.5, 12.0), 1) if dm else None,
                                  "controlled" if sys_ < 140 else "uncontrolled",
                                  (at + timedelta(days=90)).date(), False, at,
                                  "dm" if dm and rng.random() < 0.5 else "htn", "routine" if sys_ < 140 else "two_weeks",
                                  "continue", "{}", vdoc_of_team[team_id], at, "app", 1, at))
        counts["followups"] = _copy(cur, "followups", ["id", "consortium_id", "resident_id", "team_id", "staff_id",
                                                       "visited_at", "method", "systolic", "diastolic", "glucose_mmol",
                                                       "classification", "next_due_on", "referral_suggested",
                                                       "created_at", "program", "next_step", "outcome", "form",
                                                       "entered_by", "entered_at", "entry_channel", "version",
                                                       "updated_at"], followups)
        kinds = ["acute_bp", "low_bp", "acute_glucose", "hypoglycaemia", "trend_bp", "trend_glucose",
                 "triage_red_flag", "missed_monitoring"]
        severities = [("critical", 0), ("high", 1), ("moderate", 2), ("low", 3)]
        active: set[tuple[int, str]] = set()  # one active alert per resident and kind (partial unique index)
        for _ in range(n_residents // 10):
            rid, team_id, _dm = rng.choice(managed_contracted)
            kind = rng.choice(kinds)
            opened = now - timedelta(days=rng.randint(0, 364), minutes=rng.randint(0, 1440))
            severity, rank = rng.choice(severities)
            ack = opened + timedelta(minutes=rng.lognormvariate(3.5, 1.2)) if rng.random() < 0.93 else None
            if ack is None and (rid, kind) not in active:  # still waiting for a doctor
                active.add((rid, kind))
                status, resolved = "open", None
            else:  # acknowledged then resolved, or resolved without an acknowledgement
                status, resolved = "resolved", (ack or opened) + timedelta(hours=rng.uniform(0.5, 48))
            alerts.append((1, rid, team_id, kind, severity, rank, status, "bench", 1, opened, opened, 0, ack, resolved))
        counts["alerts"] = _copy(cur, "alerts", ["consortium_id", "resident_id", "team_id", "kind", "severity",
                                                 "severity_rank", "status", "summary", "evidence_count", "opened_at",
                                                 "last_evidence_at", "escalation_level", "acknowledged_at",
                                                 "resolved_at"], alerts)
        for _ in range(n_residents // 70):
            rid, team_id, _dm = rng.choice(managed_contracted)
            created = now - timedelta(days=rng.randint(0, 364), minutes=rng.randint(0, 1440))
            done = created + timedelta(hours=rng.lognormvariate(3.5, 0.8)) if rng.random() < 0.8 else None
            referrals.append((1, rid, team_id, vdoc_of_team[team_id], "心内科", "bench", "routine",
                              "completed" if done else "requested", "{}", created, done, done))
        counts["referrals"] = _copy(cur, "referrals", ["consortium_id", "resident_id", "team_id", "from_staff_id",
                                                       "to_department", "reason", "urgency", "status", "summary",
                                                       "created_at", "completed_at", "closed_at"], referrals)
        # The 履约 ledger: every contract holds a chronic package of 4 follow-ups a year (by quarter), a yearly
        # health check and a monthly look at the home readings (the demo's 高血压包 and default frequencies).
        cur.execute("INSERT INTO service_packages (id, consortium_id, code, version, name, target_group, price_fen, "
                    "subsidy_fen, active, is_current) VALUES (1, 1, 'chronic', 1, '慢病包', 'hypertension', 0, 0, "
                    "true, true)")
        _copy(cur, "package_items", ["package_id", "code", "name", "yearly_quantity", "service_kind", "period"],
              [(1, "followup", "随访", 4, "followup", "quarter"), (1, "annual_check", "年度体检", 1, "health_check", "year"),
               (1, "home_bp_guidance", "家庭血压监测月度查看", 12, "reading_review", "month")])
        cur.execute("INSERT INTO contract_packages (contract_id, package_id) SELECT id, 1 FROM contracts")
        for table in ("institutions", "villages", "staff", "teams", "residents", "followups", "service_packages"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        raw.commit()
        cur.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()
    return counts


def timed(repeat: int, fn) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="skip seeding; use the data already there")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url or not url.startswith("postgresql"):
        sys.exit("set BENCH_DATABASE_URL to a throwaway PostgreSQL database (its schema is dropped)")

    from app.extensions import db
    from app.services import auth, kpis, staff as staff_service
    from app.services.actors import Actor
    from app.services.clock import local_date

    app = _app(url)
    today = local_date(datetime.now(timezone.utc))
    with app.app_context():
        if not args.reuse:
            t0 = time.perf_counter()
            counts = seed(db, args.residents, today, random.Random(args.seed))
            print(f"seeded in {time.perf_counter() - t0:.1f} s: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
        session = db.session
        admin = Actor(kind="staff", id=1, consortium_id=1, role="admin")
        start, end = today - timedelta(days=364), today
        print(f"KPI period {start} .. {end}; best / median of {args.repeat}")
        for level in ("consortium", "township", "team"):
            units = []
            ids = list(kpis._authorise(session, admin, level, None))

            def baseline():  # the KPI queries without the 履约 ledger, same settings as the service
                session.execute(text("SET LOCAL jit = off"))
                session.execute(text("SET LOCAL work_mem = '64MB'"))
                kpis._resident_figures(session, level, 1, ids, start, end)
                kpis._event_figures(session, level, 1, ids, start, end)
                session.rollback()

            base = timed(args.repeat, baseline)
            best, median = timed(args.repeat, lambda: units.append(
                kpis.compute_kpis(session, actor=admin, start=start, end=end, level=level)))
            print(f"  service  level={level:<10} units={len(units[-1]):>4}  {best * 1000:7.0f} ms / {median * 1000:7.0f} ms"
                  f"  = {median / base[1]:.2f}x the KPIs without the ledger ({base[1] * 1000:.0f} ms, same run)")
            session.rollback()
        whole = units and kpis.compute_kpis(session, actor=admin, start=start, end=end, level="consortium")[0].figures
        session.rollback()

        if session.scalar(text("SELECT count(*) FROM staff WHERE username = 'bench_admin'")) == 0:
            admin_actor = Actor(kind="staff", id=0, consortium_id=1, role="admin")
            staff_service.create_staff(session, actor=admin_actor, username="bench_admin", password=PASSWORD,
                                       full_name="基准管理员", role="admin", institution_id=1)
            session.commit()
        token = auth.login(session, username="bench_admin", password=PASSWORD, now=datetime.now(timezone.utc),
                           ttl=timedelta(hours=1)).token
        session.commit()
        client = app.test_client()
        url_path = f"/api/v1/kpis?level=consortium&start={start}&end={end}"

        def call():
            response = client.get(url_path, headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 200, response.get_json()

        best, median = timed(args.repeat, call)
        print(f"  endpoint GET /api/v1/kpis level=consortium        {best * 1000:7.0f} ms / {median * 1000:7.0f} ms")
        print(f"  consortium: contracted {whole['contracted']:,}, managed {whole['managed']:,}, coverage "
              f"{whole['contract_coverage']}, standard {whole['standard_management']['rate']}, BP control "
              f"{whole['bp_control']['rate']}, glucose control {whole['glucose_control']['rate']}, 履约率 "
              f"{whole['fulfilment']['rate']}, 只签不约 {whole['signed_not_served']['count']:,}")


if __name__ == "__main__":
    main()
