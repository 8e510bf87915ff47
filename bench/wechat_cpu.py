"""CPU per WeChat message, by process: what a saturated /wechat costs gunicorn, PostgreSQL and the load generator.

Run:  .venv/bin/python bench/wechat_cpu.py --db jiayi_wechat_cpu
      options: --pg postgresql://postgres@127.0.0.1:5432  --users 100  --seconds 10  --workers 2  --threads 4
               --port 8793  --inline 1000 (then BP messages in this process, no server)
               --redis redis://127.0.0.1:6379/5 (the server's seen-once nonces in Redis; default $REDIS_URL)

On a shared machine requests per second follow the other processes' load; the CPU time each message costs does
much less, so this is the figure to compare between two versions of the code (docs/benchmarks.md). It:
1. seeds --db as bench/wechat_bench.py does and starts gunicorn (gthread, --workers x --threads) on it;
2. warms up 3 s, then sends the bench's message mix (70 % BP) with no think time for --seconds, and reads the CPU
   time (user + system, /proc) of the gunicorn processes, of every PostgreSQL backend (other databases' too: keep
   the machine otherwise quiet), of redis-server and of this process, divided by the requests answered;
3. with --inline N: N more BP messages through the Flask test client in this process (bench/wechat_profile.py's
   path, no HTTP server): the app's CPU and PostgreSQL's per message, and the wall time.
Linux only (/proc).
"""
from __future__ import annotations

import argparse
import itertools
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import wechat_bench as wb  # noqa: E402
from bench.common import create_database  # noqa: E402


def cpu_seconds(match) -> float:
    """User + system CPU seconds of the processes for which match(stat, cmdline) holds."""
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if match(stat, cmdline):
            fields = stat[stat.rindex(")") + 2:].split()
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def gunicorn(stat: str, cmdline: bytes) -> bool:
    return b"gunicorn" in cmdline


def postgres(stat: str, cmdline: bytes) -> bool:
    return "(postgres)" in stat


def redis_server(stat: str, cmdline: bytes) -> bool:
    return "(redis-server)" in stat


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432")
    p.add_argument("--db", default="jiayi_wechat_cpu")
    p.add_argument("--users", type=int, default=100)
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--port", type=int, default=8793)
    p.add_argument("--inline", type=int, default=0)
    p.add_argument("--redis", default=os.environ.get("REDIS_URL") or None)
    args = p.parse_args(argv)
    url = create_database(args.pg, args.db)
    openids = wb.seed(url, args.users)
    rng, ids = random.Random(5), iter(range(10**15, 10**16))
    queues = {o: wb.build_deliveries(o, int(args.seconds * 4) + 40, rng, ids) for o in openids}
    server = wb.start_server(url, args.port, args.workers, args.threads, redis=args.redis)
    try:
        _, warm = wb.run_phase(args.port, queues, wb.WARM_UP_SECONDS, seed=1)
        wb.take(queues, warm.answered)
        g0, p0, me0, t0 = cpu_seconds(gunicorn), cpu_seconds(postgres), time.process_time(), time.perf_counter()
        r0 = cpu_seconds(redis_server)
        busy, _ = wb.run_phase(args.port, queues, args.seconds, seed=3)
        elapsed, n = time.perf_counter() - t0, busy["requests"] or 1
        print(f"saturated /wechat, gunicorn gthread {args.workers}x{args.threads}: {n / elapsed:.0f} req/s; CPU per "
              f"request: gunicorn {(cpu_seconds(gunicorn) - g0) / n * 1000:.2f} ms, PostgreSQL "
              f"{(cpu_seconds(postgres) - p0) / n * 1000:.2f} ms, Redis {(cpu_seconds(redis_server) - r0) / n * 1000:.2f} ms, "
              f"load generator "
              f"{(time.process_time() - me0) / n * 1000:.2f} ms; errors {busy['errors'] or '-'}; "
              f"load average {os.getloadavg()[0]:.1f}", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    if args.inline:
        inline(url, openids, args.inline)
    return 0


def inline(url: str, openids: list[str], n: int) -> None:
    from bench.wechat_profile import bp_only

    os.environ.update(wb.SERVER_ENV, DATABASE_URL=url)
    from app import create_app

    app = create_app()
    rng, ids = random.Random(7), iter(range(10**15, 10**16))
    per_user = (n + 200) // len(openids) + 1
    queues = [bp_only(o, per_user, rng, ids) for o in openids]
    deliveries = [d for batch in itertools.zip_longest(*queues) for d in batch if d is not None]
    client = app.test_client()
    for d in deliveries[:200]:
        client.post(d.path, data=d.body, content_type="text/xml")
    measured = deliveries[200:200 + n]
    c0, p0, t0 = time.process_time(), cpu_seconds(postgres), time.perf_counter()
    for d in measured:
        assert client.post(d.path, data=d.body, content_type="text/xml").status_code == 200
    k = len(measured)
    print(f"{k} BP messages in process: app CPU {(time.process_time() - c0) / k * 1000:.2f} ms, PostgreSQL CPU "
          f"{(cpu_seconds(postgres) - p0) / k * 1000:.2f} ms, wall {(time.perf_counter() - t0) / k * 1000:.2f} ms "
          f"each; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    raise SystemExit(main())
