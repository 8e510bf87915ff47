"""The fixed costs under every WeChat message: a statement's round trip, a transaction, the watchdog's thread hand-off.

Run:  .venv/bin/python bench/driver_costs.py
      options: --pg postgresql://postgres@127.0.0.1:5432  --db jiayi_driver_costs  --n 5000

Prints the client's CPU (this process: user + system) and the server backend's CPU, in µs per call, for:
1. `SELECT 1` through SQLAlchemy Core (a cached `text()` statement) and through psycopg directly (prepared);
2. the same statement with its BEGIN and COMMIT (one transaction per statement);
3. the watchdog's hand-off (app/wechat/views.py): a no-op submitted to a ThreadPoolExecutor and waited for, against
   a bare `SimpleQueue` and a lock, with 1 and 4 calling threads (the bench's gthread worker has 4).
Each pair runs twice, alternating. docs/benchmarks.md, "eighth pass", uses these figures.
"""
from __future__ import annotations

import _thread
import argparse
import os
import queue
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import create_database  # noqa: E402


def _backend_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def round_trips(url: str, n: int) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    one = text("SELECT 1")
    with engine.connect() as conn:
        pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        conn.commit()
        raw = conn.connection.driver_connection

        def core() -> None:
            conn.execute(one).scalar()

        def driver() -> None:
            cursor = raw.cursor()
            cursor.execute("SELECT 1", prepare=True)
            cursor.fetchone()

        def transaction() -> None:
            conn.execute(one).scalar()
            conn.commit()

        pairs = (("SQLAlchemy Core", core), ("psycopg", driver)) * 2
        for name, call in (*pairs, ("Core + BEGIN/COMMIT", transaction)):
            client, server = time.process_time(), _backend_cpu(pid)
            for _ in range(n):
                call()
            conn.commit()
            print(f"SELECT 1, {name:<20} client {(time.process_time() - client) / n * 1e6:6.1f} µs   "
                  f"server {(_backend_cpu(pid) - server) / n * 1e6:6.1f} µs", flush=True)
    engine.dispose()


def hand_offs(n: int) -> None:
    executor = ThreadPoolExecutor(max_workers=8)
    work: queue.SimpleQueue = queue.SimpleQueue()

    def serve() -> None:
        while True:
            fn, done, box = work.get()
            box.append(fn())
            done.release()

    for _ in range(8):
        threading.Thread(target=serve, daemon=True).start()

    def noop() -> int:
        return 1

    def by_executor() -> None:
        executor.submit(noop).result(timeout=4)

    def by_queue() -> None:
        done, box = _thread.allocate_lock(), []
        done.acquire()
        work.put((noop, done, box))
        if not done.acquire(timeout=4):
            raise TimeoutError

    for callers in (1, 4):
        for name, call in (("ThreadPoolExecutor", by_executor), ("SimpleQueue + lock", by_queue)) * 2:
            def caller() -> None:
                for _ in range(n // callers):
                    call()

            started = time.process_time()
            threads = [threading.Thread(target=caller) for _ in range(callers)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            print(f"hand-off, {callers} caller(s), {name:<20} {(time.process_time() - started) / n * 1e6:6.1f} µs CPU",
                  flush=True)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432")
    p.add_argument("--db", default="jiayi_driver_costs")
    p.add_argument("--n", type=int, default=5000)
    args = p.parse_args(argv)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
    round_trips(create_database(args.pg, args.db), args.n)
    hand_offs(args.n * 4)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
