"""CPU per WeChat message by kind: the bench's mix (BP, glucose, 最近血压, 我的医生, retries) through the app in process.

Run:  .venv/bin/python bench/wechat_kinds.py --db jiayi_wechat_kinds
      options: --pg postgresql://postgres@127.0.0.1:5432  --users 20  --per-user 300  --warm 300

Seeds --db as bench/wechat_bench.py does, builds each user's deliveries with the bench's own mix and order
(`build_deliveries`: 70 % BP, 10 % glucose, 10 % 最近血压, 5 % 我的医生, 5 % retries of the previous delivery), calls
the WSGI app with each delivery's environ (signature check, decryption, the bot on PostgreSQL, the encrypted reply; no
HTTP server, no test client), and prints the CPU time of the calling thread per message, by kind and for the mix.
The users' readings accumulate as in the bench (dozens within minutes), which is what the readings around and
最近血压's week read. Compare two versions of the code in alternation on the same machine: the figures follow the
machine's load.
"""
from __future__ import annotations

import argparse
import itertools
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import wechat_bench as wb  # noqa: E402
from bench.common import create_database  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432")
    p.add_argument("--db", default="jiayi_wechat_kinds")
    p.add_argument("--users", type=int, default=20)
    p.add_argument("--per-user", type=int, default=300)
    p.add_argument("--warm", type=int, default=300)
    args = p.parse_args(argv)
    url = create_database(args.pg, args.db)
    openids = wb.seed(url, args.users)
    os.environ.update(wb.SERVER_ENV, DATABASE_URL=url)
    from werkzeug.test import EnvironBuilder

    from app import create_app

    app = create_app()
    rng, ids = random.Random(7), iter(range(10**15, 10**16))
    queues = [wb.build_deliveries(openid, args.per_user, rng, ids) for openid in openids]
    deliveries = [d for batch in itertools.zip_longest(*queues) for d in batch if d is not None]

    def start_response(status: str, headers: list, exc_info=None) -> None:
        assert status.startswith("200 "), status

    def cpu_of(delivery) -> float:
        environ = EnvironBuilder(path=delivery.path, method="POST", data=delivery.body,
                                 content_type="text/xml").get_environ()
        before = time.thread_time()
        body = b"".join(app(environ, start_response))
        used = time.thread_time() - before
        assert body.startswith(b"<xml>"), body[:200]
        return used

    for delivery in deliveries[:args.warm]:
        cpu_of(delivery)
    by_kind: dict[str, list[float]] = defaultdict(list)
    for delivery in deliveries[args.warm:]:
        by_kind[delivery.kind].append(cpu_of(delivery))
    everything = [t for times in by_kind.values() for t in times]
    for kind, times in sorted(by_kind.items(), key=lambda item: -len(item[1])):
        print(f"{kind:8s} {len(times):6d} messages  {statistics.mean(times) * 1000:.3f} ms CPU each (median "
              f"{statistics.median(times) * 1000:.3f}), {sum(times) / sum(everything) * 100:.1f} % of the mix's CPU")
    print(f"the mix   {len(everything):6d} messages  {statistics.mean(everything) * 1000:.3f} ms CPU each; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
