"""Where the milliseconds of one WeChat BP message go: a pyinstrument profile of the whole callback in process.

Run:  .venv/bin/python bench/wechat_profile.py --db jiayi_wechat_profile
      options: --pg postgresql://postgres@127.0.0.1:5432  --messages 600  --users 20  --html profile.html

Seeds --db as bench/wechat_bench.py does (bound, consenting residents), builds signed safe-mode BP
deliveries ("血压 138/86 心率 72"), then posts them through the Flask test client (signature check,
decryption, the bot, the database on PostgreSQL, the encrypted reply): a warm-up, --messages without a
profiler (wall and CPU time of the thread per message: the figures to compare), then --messages under
pyinstrument. It prints the time per message, the SQL statements per message and the profile's call tree
(time per frame, shortest frames hidden). No HTTP server: what it shows is the
application's own cost, the part /wechat adds to the bare endpoint.
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

from bench.common import create_database  # noqa: E402
from bench.wechat_bench import SERVER_ENV, build_deliveries, seed  # noqa: E402


def bp_only(openid: str, n: int, rng: random.Random, ids) -> list:
    return [d for d in build_deliveries(openid, n * 3, rng, ids) if d.kind == "bp"][:n]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432")
    p.add_argument("--db", default="jiayi_wechat_profile")
    p.add_argument("--users", type=int, default=20)
    p.add_argument("--messages", type=int, default=600)
    p.add_argument("--html", help="also write pyinstrument's HTML report here")
    p.add_argument("--cpu", action="store_true",
                   help="also profile the same messages' CPU time (cProfile on thread_time, the busiest functions): "
                        "on a shared machine the wall-clock profile also counts time waiting for a CPU")
    args = p.parse_args(argv)
    from pyinstrument import Profiler
    from sqlalchemy import event

    url = create_database(args.pg, args.db)
    openids = seed(url, args.users)
    os.environ.update(SERVER_ENV, DATABASE_URL=url)
    from app import create_app
    from app.extensions import db

    app = create_app()
    rng, ids = random.Random(7), iter(range(10**15, 10**16))
    per_user = (3 * args.messages + 100) // len(openids) + 1
    queues = [bp_only(o, per_user, rng, ids) for o in openids]
    deliveries = [d for batch in itertools.zip_longest(*queues) for d in batch if d is not None]
    warm, plain = deliveries[:100], deliveries[100:100 + args.messages]
    measured = deliveries[100 + args.messages:100 + 2 * args.messages]
    client = app.test_client()

    def post(d, *, warming: bool = False) -> None:
        r = client.post(d.path, data=d.body, content_type="text/xml")
        # The first message of a process may miss the reply deadline (dictionaries load): "success" then.
        assert r.status_code == 200 and r.data and (warming or r.data != b"success"), r.data[:200]

    for d in warm:
        post(d, warming=True)
    t0, cpu0 = time.perf_counter(), time.thread_time()
    for d in plain:
        post(d)
    wall, cpu = time.perf_counter() - t0, time.thread_time() - cpu0
    print(f"{len(plain)} BP messages without a profiler: {wall / len(plain) * 1000:.2f} ms each, of which "
          f"{cpu / len(plain) * 1000:.2f} ms CPU of this thread (the rest: waiting for PostgreSQL, its fsync at "
          f"commit, and for a CPU); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
    statements = [0]
    from app.wechat.views import nonce_cache

    with app.app_context():
        engines = {db.engine, getattr(nonce_cache(app), "engine", db.engine)}  # the nonce check's own pool too

    def count(*_):
        statements[0] += 1

    for engine in engines:
        event.listen(engine, "before_cursor_execute", count)
    profiler = Profiler(interval=0.0005)
    t0 = time.perf_counter()
    profiler.start()
    for d in measured:
        post(d)
    profiler.stop()
    elapsed = time.perf_counter() - t0
    for engine in engines:
        event.remove(engine, "before_cursor_execute", count)
    n = len(measured)
    print(f"{n} BP messages in {elapsed:.2f} s under the profiler: {elapsed / n * 1000:.2f} ms each, "
          f"{statements[0] / n:.1f} SQL statements each, the nonce check's included (BEGIN/COMMIT not counted); load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(profiler.output_text(unicode=True, color=False, show_all=False, short_mode=False))
    if args.cpu:
        import cProfile
        import pstats

        cpu = cProfile.Profile(time.thread_time)
        again = deliveries[100 + 2 * args.messages:100 + 3 * args.messages] or measured
        used = time.thread_time()
        cpu.enable()
        for d in again:
            post(d)
        cpu.disable()
        used = time.thread_time() - used
        print(f"CPU of this thread (the PostgreSQL server's own CPU not included): {used / len(again) * 1000:.2f} ms "
              f"per message")
        pstats.Stats(cpu).sort_stats("cumulative").print_stats(int(os.environ.get("PROFILE_LINES", "45")))
    if args.html:
        Path(args.html).write_text(profiler.output_html(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
