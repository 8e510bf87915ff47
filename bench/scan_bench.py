"""Trend-scan benchmark on PostgreSQL: a seeded county, the full scan, a 1% re-scan, peak RSS, numpy ceiling.

Run (a dedicated database: it is wiped):
    createdb jiayi_bench   # or: psql -h 127.0.0.1 -U postgres -c "create database jiayi_bench"
    .venv/bin/python bench/scan_bench.py --url postgresql://postgres@127.0.0.1:5432/jiayi_bench
    .venv/bin/python bench/scan_bench.py --url ... --residents 20000      # a smaller county
    .venv/bin/python bench/scan_bench.py --url ... --reuse                # scan again without re-seeding

What it does:
1. migrates a fresh schema and creates the demo county's organisation (app.services.demo, no residents);
2. seeds N residents (default 200,000) with active contracts and consents, and their home BP and glucose
   readings over 28 days from the ml.synthetic simulator (about 45 readings per resident: 9 million rows
   for 200,000), bulk-loaded with binary COPY through psycopg (indexes and foreign keys rebuilt after);
3. full scan: `python -m jobs run trend_scan --now <at>` in a child process (the scheduler's code path,
   under its lock), end to end: residents/s of the scan and of the whole job process;
4. gives 1% of the residents a new morning session and runs the scan again an hour later: the ratio
   re-scan / full scan (cost follows new readings, not history); then VACUUMs (standing in for autovacuum,
   off on this machine's server) and does it once more, as the hourly scan finds the tables in production;
5. peak RSS of the scan job process (its VmHWM: the high-water mark since exec);
6. the ceiling: ml.features.compute_features on the same readings as preloaded numpy arrays (and
   ml.scoring.assess, the whole vectorised decision the scan makes), residents/s and scan/ceiling ratio.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ml.features import CTX_BEDTIME, CTX_FASTING, CTX_POSTPRANDIAL, CTX_RANDOM, ProfileColumns, compute_features  # noqa: E402
from ml.model import load_model  # noqa: E402
from ml.scoring import assess  # noqa: E402
from ml.synthetic import DEFAULT_AT, SimConfig, simulate  # noqa: E402

PG_EPOCH = 946684800  # 2000-01-01T00:00:00Z: binary COPY timestamps count microseconds from here
BATCH = 25_000
NEW_READING_IDS = 10**12  # client ids of the re-scan's new readings start here
READING_TABLES = ("bp_readings", "glucose_readings")
CONTEXTS = {CTX_RANDOM: b"random", CTX_FASTING: b"fasting", CTX_POSTPRANDIAL: b"postprandial",
            CTX_BEDTIME: b"bedtime"}


def psycopg_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def sqlalchemy_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://") else url


# --- binary COPY ----------------------------------------------------------------------------------------
def copy_binary(conn: psycopg.Connection, table: str, fields: list[tuple[str, np.ndarray, str]]) -> None:
    """COPY rows of fixed-width fields (name, values, big-endian dtype) in PostgreSQL's binary format."""
    n = fields[0][1].shape[0]
    layout = [("nf", ">i2")]
    for k, (_, _, code) in enumerate(fields):
        layout += [(f"l{k}", ">i4"), (f"v{k}", code)]
    rows = np.empty(n, dtype=np.dtype(layout))
    rows["nf"] = len(fields)
    for k, (_, values, code) in enumerate(fields):
        rows[f"l{k}"] = np.dtype(code).itemsize
        rows[f"v{k}"] = values
    columns = ", ".join(name for name, _, _ in fields)
    with conn.cursor() as cur, cur.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT binary)") as cp:
        cp.write(b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big"))
        step = 500_000
        for start in range(0, n, step):
            cp.write(rows[start:start + step].tobytes())
        cp.write(b"\xff\xff")


def hex_ids(start: int, n: int, width: int = 16) -> np.ndarray:
    """Fixed-width lowercase hex strings start..start+n-1 as an 'S{width}' array (client ids)."""
    values = np.arange(start, start + n, dtype=np.uint64)
    shifts = np.arange(width - 1, -1, -1, dtype=np.uint64) * np.uint64(4)
    digits = (values[:, None] >> shifts) & np.uint64(15)
    table = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
    return table[digits.astype(np.intp)].view(f"S{width}").ravel()


def pg_time(epoch_seconds: np.ndarray) -> np.ndarray:
    return (epoch_seconds.astype(np.int64) - PG_EPOCH) * 1_000_000


# --- schema and organisation -------------------------------------------------------------------------------
def reset_schema(url: str) -> None:
    with psycopg.connect(psycopg_url(url), autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")
    from flask_migrate import upgrade

    from app import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": sqlalchemy_url(url), "DEMO_MODE": True})
    with app.app_context():
        upgrade(revision="heads")
        from app.extensions import db
        from app.services import demo

        demo.seed_demo(db.session, now=DEFAULT_AT, n_residents=0)
        db.session.commit()


def drop_constraints(conn: psycopg.Connection, tables) -> list[str]:
    """Drop secondary indexes and non-PK constraints of the reading tables; return the SQL to restore them."""
    restore = []
    for table in tables:
        for name, definition in conn.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype IN ('f', 'u')", (table,)).fetchall():
            restore.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, definition in conn.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT LIKE 'pk_%%'",
                (table,)).fetchall():
            restore.append(definition)
            conn.execute(f'DROP INDEX "{name}"')
    return restore


# --- seeding ----------------------------------------------------------------------------------------------------
def seed(url: str, n_residents: int, days: int, seed_value: int) -> tuple[float, float, int]:
    """Seed residents and readings; returns (features ceiling seconds, assess seconds, readings) on the same data."""
    model = load_model()
    ceiling = assessed = 0.0
    total_readings = 0
    with psycopg.connect(psycopg_url(url)) as conn:
        consortium_id, = conn.execute("SELECT id FROM consortia").fetchone()
        teams = conn.execute("SELECT t.id, tv.village_id FROM teams t JOIN team_villages tv ON tv.team_id = t.id "
                             "ORDER BY t.id").fetchall()
        restore = drop_constraints(conn, READING_TABLES)
        conn.commit()
        next_resident = 1
        next_reading = 1
        for start in range(0, n_residents, BATCH):
            n = min(BATCH, n_residents - start)
            t0 = time.perf_counter()
            cohort = simulate(n, seed=seed_value + start, config=replace(SimConfig(), days=days))
            cols, at = cohort.columns, cohort.at
            prof = ProfileColumns.from_profiles(cohort.profiles)
            t1 = time.perf_counter()
            compute_features(cols, prof, at)
            t2 = time.perf_counter()
            assess(cols, prof, model, at)
            t3 = time.perf_counter()
            ceiling += t2 - t1
            assessed += t3 - t2
            ids = np.arange(next_resident, next_resident + n, dtype=np.int64)
            next_resident += n
            _copy_residents(conn, consortium_id, teams, ids, cohort.profiles, at)
            bp_n, glu_n = cols.bp_res.shape[0], cols.glu_res.shape[0]
            received = pg_time(cols.bp_t)
            copy_binary(conn, "bp_readings", [
                ("consortium_id", np.full(bp_n, consortium_id), ">i8"),
                ("resident_id", ids[cols.bp_res], ">i8"),
                ("client_id", hex_ids(next_reading, bp_n), "S16"),
                ("measured_at", received, ">i8"),
                ("systolic", np.clip(np.rint(cols.bp_sbp), -2**31, 2**31 - 1), ">i4"),
                ("diastolic", np.clip(np.rint(cols.bp_dbp), -2**31, 2**31 - 1), ">i4"),
                ("source", np.full(bp_n, b"device", dtype="S6"), "S6"),
                ("received_at", received, ">i8"),
            ])
            next_reading += bp_n
            for code, name in CONTEXTS.items():
                sel = (cols.glu_ctx == code) & np.isfinite(cols.glu_mmol)
                k = int(sel.sum())
                if not k:
                    continue
                width = len(name)
                copy_binary(conn, "glucose_readings", [
                    ("consortium_id", np.full(k, consortium_id), ">i8"),
                    ("resident_id", ids[cols.glu_res[sel]], ">i8"),
                    ("client_id", hex_ids(next_reading, k), "S16"),
                    ("measured_at", pg_time(cols.glu_t[sel]), ">i8"),
                    ("value_mmol", np.round(cols.glu_mmol[sel], 1), ">f8"),
                    ("context", np.full(k, name, dtype=f"S{width}"), f"S{width}"),
                    ("original_unit", np.full(k, b"mmol/L", dtype="S6"), "S6"),
                    ("source", np.full(k, b"device", dtype="S6"), "S6"),
                    ("received_at", pg_time(cols.glu_t[sel]), ">i8"),
                ])
                next_reading += k
            conn.commit()
            total_readings += bp_n + glu_n
            print(f"  seeded residents {start + 1}-{start + n}: {bp_n} BP + {glu_n} glucose readings "
                  f"({time.perf_counter() - t0:.1f} s)", flush=True)
        t0 = time.perf_counter()
        for statement in restore:
            conn.execute(statement)
        conn.commit()
        print(f"  indexes and constraints rebuilt ({time.perf_counter() - t0:.1f} s)", flush=True)
    with psycopg.connect(psycopg_url(url), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return ceiling, assessed, total_readings


def _copy_residents(conn, consortium_id: int, teams, ids: np.ndarray, profiles, at: datetime) -> None:
    """Residents (with conditions, consent and an active contract) through text COPY."""
    today = at.astimezone(timezone(timedelta(hours=8))).date()
    with conn.cursor() as cur:
        with cur.copy("COPY residents (id, consortium_id, name, sex, birth_date, id_card_enc, id_card_bidx, "
                      "village_id, bp_target_sys, bp_target_dia, wechat_openid) FROM STDIN") as cp:
            for rid, p in zip(ids.tolist(), profiles):
                team_id, village_id = teams[rid % len(teams)]
                age = p.age if p.age is not None else 65
                born = date(today.year - age, 1 + rid % 12, 1 + rid % 28)
                target = p.bp_target
                cp.write_row((rid, consortium_id, f"居民{rid}", p.sex or "M", born, f"enc-{rid}", f"bidx-{rid}",
                              village_id, target.systolic if target else None, target.diastolic if target else None,
                              f"o-bench-{rid}"))
        with cur.copy("COPY resident_conditions (resident_id, code) FROM STDIN") as cp:
            for rid, p in zip(ids.tolist(), profiles):
                for code in sorted(p.conditions):
                    cp.write_row((rid, code))
        with cur.copy("COPY consents (resident_id, version, channel, granted_at) FROM STDIN") as cp:
            for rid in ids.tolist():
                cp.write_row((rid, "2026-01", "paper", at - timedelta(days=200)))
        with cur.copy("COPY contracts (consortium_id, resident_id, team_id, status, starts_on, ends_on, applied_at, "
                      "approved_at) FROM STDIN") as cp:
            for rid in ids.tolist():
                team_id, _ = teams[rid % len(teams)]
                starts = today - timedelta(days=100 + rid % 200)
                cp.write_row((consortium_id, rid, team_id, "active", starts, starts + timedelta(days=364),
                              at - timedelta(days=200), at - timedelta(days=200)))
    conn.execute("SELECT setval(pg_get_serial_sequence('residents', 'id'), (SELECT max(id) FROM residents))")


def add_new_readings(url: str, fraction: float, at: datetime, seed_value: int, batch: int = 0) -> int:
    """A new morning session (two readings) for `fraction` of the residents, 30 minutes after `at`."""
    rng = np.random.default_rng(seed_value)
    with psycopg.connect(psycopg_url(url)) as conn:
        ids = np.array([r for r, in conn.execute("SELECT id FROM residents ORDER BY id")], dtype=np.int64)
        consortium_id, = conn.execute("SELECT id FROM consortia").fetchone()
        chosen = np.sort(rng.choice(ids, size=max(1, int(len(ids) * fraction)), replace=False))
        t = int((at + timedelta(minutes=30)).timestamp())
        k = chosen.shape[0]
        res = np.repeat(chosen, 2)
        when = np.tile([t, t + 60], k)
        copy_binary(conn, "bp_readings", [
            ("consortium_id", np.full(2 * k, consortium_id), ">i8"),
            ("resident_id", res, ">i8"),
            ("client_id", hex_ids(NEW_READING_IDS + batch * 10**6, 2 * k), "S16"),
            ("measured_at", pg_time(when), ">i8"),
            ("systolic", rng.integers(118, 170, 2 * k), ">i4"),
            ("diastolic", rng.integers(70, 100, 2 * k), ">i4"),
            ("source", np.full(2 * k, b"device", dtype="S6"), "S6"),
            ("received_at", pg_time(when), ">i8"),
        ])
        conn.commit()
    return int(k)


# --- the scan as the scheduler runs it ------------------------------------------------------------------------
# The child reports its own peak RSS from /proc/self/status VmHWM (the high-water mark of its memory
# since exec); ru_maxrss would also count the benchmark's own pages at fork time.
_CHILD = ("import sys; from jobs.__main__ import cli; cli(sys.argv[1:]); "
          "print('PEAK_RSS_KB', next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM')))")


def run_scan(url: str, now: datetime, chunk: int, attempts: int = 6) -> dict:
    """`python -m jobs run trend_scan --now ...` in a child process: its report, wall time and peak RSS.

    If the database restarts under the scan (another session on this machine restarts PostgreSQL now
    and then), the job stops with its partial report logged and is simply run again: the queue is in
    the database, so the next run picks up where the last one stopped. Counts and times are summed.
    """
    env = {**os.environ, "DEMO_MODE": os.environ.get("DEMO_MODE", "1"), "DATABASE_URL": sqlalchemy_url(url), "TREND_SCAN_CHUNK": str(chunk)}
    total: dict = {"wall": 0.0, "seconds": 0.0, "scanned": 0.0, "alerts": 0.0, "errors": 0.0, "restarts": 0,
                   "timings": {}, "peak_rss_mb": 0.0, "logs": []}
    for attempt in range(attempts):
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", _CHILD, "run", "trend_scan", "--now", now.isoformat()],
                             cwd=ROOT, env=env, capture_output=True, text=True)
        total["wall"] += time.perf_counter() - t0
        log_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"scan_bench_{now.strftime('%H%M')}_{attempt}.log"
        log_path.write_text(out.stdout + out.stderr, encoding="utf-8")
        total["logs"].append(str(log_path))
        text_out = out.stdout + out.stderr
        lines = [ln for ln in text_out.splitlines() if "ScanReport(" in ln and ("stopped" in ln or ln.startswith("ScanReport("))]
        if lines:
            line = lines[-1]
            for key in ("seconds", "scanned", "alerts", "errors"):
                total[key] += float(re.search(rf"\b{key}=([\d.]+)", line).group(1))
            timings = json.loads(re.search(r"timings=(\{.*?\})", line).group(1).replace("'", '"'))
            for key, value in timings.items():
                total["timings"][key] = round(total["timings"].get(key, 0.0) + value, 3)
        rss = re.search(r"PEAK_RSS_KB (\d+)", out.stdout)
        if rss:
            total["peak_rss_mb"] = max(total["peak_rss_mb"], int(rss.group(1)) / 1024)
        if out.returncode == 0:
            return total
        if "database unavailable" not in text_out and "AdminShutdown" not in text_out:
            raise SystemExit(f"scan failed (log: {log_path}):\n{out.stderr[-4000:]}")
        total["restarts"] += 1
        print(f"  the database restarted under the scan; running the job again (attempt {attempt + 2})", flush=True)
        time.sleep(5)
    raise SystemExit("scan did not finish")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="trend-scan benchmark (PostgreSQL)")
    parser.add_argument("--url", required=True, help="a dedicated PostgreSQL database (it is wiped)")
    parser.add_argument("--residents", type=int, default=200_000)
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--chunk", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--reuse", action="store_true", help="keep the seeded data; reset scan state and alerts")
    args = parser.parse_args(argv)
    if not args.url.startswith(("postgresql://", "postgresql+psycopg://")):
        raise SystemExit("the benchmark needs PostgreSQL")
    at = DEFAULT_AT
    ceiling = assessed = None
    if args.reuse:
        with psycopg.connect(psycopg_url(args.url), autocommit=True) as conn:
            conn.execute("TRUNCATE resident_scan_states, scan_marks, alert_events, alerts, outbox_messages, job_leases "
                         "CASCADE")
            prefix = hex_ids(NEW_READING_IDS, 1)[0].decode()[:10]
            conn.execute("DELETE FROM bp_readings WHERE client_id LIKE %s", (prefix + "%",))  # the last 1% readings
            n_readings = conn.execute("SELECT (SELECT count(*) FROM bp_readings) + "
                                      "(SELECT count(*) FROM glucose_readings)").fetchone()[0]
            n_residents = conn.execute("SELECT count(*) FROM residents").fetchone()[0]
    else:
        t0 = time.perf_counter()
        reset_schema(args.url)
        print(f"seeding {args.residents} residents x {args.days} days ...", flush=True)
        ceiling, assessed, n_readings = seed(args.url, args.residents, args.days, args.seed)
        n_residents = args.residents
        print(f"seeded in {time.perf_counter() - t0:.0f} s", flush=True)
    print(f"county: {n_residents} residents, {n_readings} readings; scan at {at.isoformat()}", flush=True)

    full = run_scan(args.url, at, args.chunk)
    k = add_new_readings(args.url, 0.01, at, args.seed + 1)
    rescan = run_scan(args.url, at + timedelta(hours=1), args.chunk)
    # An hour between scans in production: autovacuum clears the dead row versions the scans left (this
    # machine's server runs with autovacuum off, so VACUUM stands in for it), then another 1% re-scan.
    with psycopg.connect(psycopg_url(args.url), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE resident_scan_states, alerts, alert_events, outbox_messages, bp_readings")
    add_new_readings(args.url, 0.01, at + timedelta(hours=1), args.seed + 2, batch=1)
    steady = run_scan(args.url, at + timedelta(hours=2), args.chunk)

    scan_rate = full["scanned"] / full["seconds"]
    no_alerts = full["seconds"] - full["timings"]["alerts"]
    print()
    print(f"full scan:  {int(full['scanned'])} residents in {full['seconds']:.2f} s = {scan_rate:,.0f} residents/s "
          f"(job process end to end incl. start-up: {full['wall']:.2f} s = {full['scanned'] / full['wall']:,.0f}/s)")
    print(f"            timings {full['timings']}; errors {int(full['errors'])}; "
          f"database restarts survived {full['restarts']} (logs {', '.join(full['logs'])})")
    print(f"            {int(full['alerts'])} trend alerts written by alerts.raise_alerts: "
          f"{1000 * full['timings']['alerts'] / max(full['alerts'], 1):.1f} ms each; without them "
          f"{no_alerts:.2f} s = {full['scanned'] / no_alerts:,.0f} residents/s")
    print(f"re-scan:    {k} residents with new readings; {int(rescan['scanned'])} scanned in {rescan['seconds']:.3f} s "
          f"= {100 * rescan['seconds'] / full['seconds']:.2f}% of the full scan "
          f"(end to end {rescan['wall']:.2f} s incl. start-up); timings {rescan['timings']}")
    print(f"            right after the full scan; after VACUUM (as autovacuum would an hour later), another 1%: "
          f"{steady['seconds']:.3f} s = {100 * steady['seconds'] / full['seconds']:.2f}%; timings {steady['timings']}")
    peak = max(full["peak_rss_mb"], rescan["peak_rss_mb"], steady["peak_rss_mb"])
    print(f"peak RSS:   {peak:.0f} MB (the scan job process, chunks of {args.chunk} residents)")
    if ceiling is not None:
        print(f"ceiling:    compute_features on preloaded arrays {n_residents / ceiling:,.0f} residents/s "
              f"({ceiling:.2f} s); ml.scoring.assess {n_residents / assessed:,.0f} residents/s ({assessed:.2f} s)")
        print(f"ratio:      scan / features ceiling = {scan_rate / (n_residents / ceiling):.3f} "
              f"(without alert writes {full['scanned'] / no_alerts / (n_residents / ceiling):.3f}); "
              f"scan without alert writes / assess = {full['scanned'] / no_alerts / (n_residents / assessed):.3f}")
    print(f"load:       {os.getloadavg()} (1/5/15-min load average at the end, {os.cpu_count()} CPUs)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
