"""Instructions per WeChat BP message under callgrind: a repeatable CPU figure on a noisy shared machine.

Run (two steps: the seed natively, the messages under valgrind):
    .venv/bin/python bench/wechat_instr.py seed --db jy_instr
    PYTHONHASHSEED=0 valgrind --tool=callgrind --collect-atstart=no --toggle-collect=ffi_call \
        --callgrind-out-file=/tmp/instr.out .venv/bin/python bench/wechat_instr.py run --db jy_instr --messages 200
    callgrind_annotate /tmp/instr.out | head        # "PROGRAM TOTALS" ÷ --messages = instructions per message

`run` posts signed safe-mode BP messages ("血压 138/86 心率 72") through the whole WSGI app in this process (the
Flask test client; signature check, nonce, decryption, the bot on PostgreSQL, the encrypted reply), the bot run in
the request's thread (as the callback runs it). A warm-up of
--warm messages first; the --messages measured ones run inside one foreign call through ctypes (libffi's ffi_call of the C API's
PyObject_CallObject; nothing else on this path goes through libffi), so callgrind's --toggle-collect=ffi_call counts
exactly them (the database server's own work is not
counted: another process). Seed again before each run: the readings each run stores change the rules' work.
`run` wants PYTHONHASHSEED=0 so that set and dict orders repeat.
`run --wsgi`: the measured messages call the WSGI app itself with environs built before the measured loop, as a
server hands them over, instead of the Flask test client (whose own request building, cookie handling and URL
rewriting is then not counted: about a fifth of the default figure). Both figures are worth reporting: the default
one compares with the earlier passes, --wsgi is the application's own work.
"""
from __future__ import annotations

import argparse
import ctypes
import itertools
import json
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import wechat_bench as wb  # noqa: E402
from bench.common import create_database  # noqa: E402

_MEASURED: list = []


def _measured() -> None:
    post, deliveries = _MEASURED
    for d in deliveries:
        post(d)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("step", choices=["seed", "run"])
    p.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432")
    p.add_argument("--db", default="jy_instr")
    p.add_argument("--users", type=int, default=20)
    p.add_argument("--warm", type=int, default=100)
    p.add_argument("--messages", type=int, default=200)
    p.add_argument("--wsgi", action="store_true", help="call the WSGI app with pre-built environs, not the test client")
    args = p.parse_args(argv)
    ids_file = Path(f"/tmp/{args.db}.openids.json")
    if args.step == "seed":
        url = create_database(args.pg, args.db)
        ids_file.write_text(json.dumps(wb.seed(url, args.users)))
        return 0
    if os.environ.get("PYTHONHASHSEED") != "0":
        p.error("run with PYTHONHASHSEED=0 in the environment (set and dict orders then repeat)")
    from bench.wechat_profile import bp_only

    openids = json.loads(ids_file.read_text())
    os.environ.update(wb.SERVER_ENV, DATABASE_URL=f"{args.pg}/{args.db}")
    from app import create_app

    app = create_app()
    rng, ids = random.Random(7), iter(range(10**15, 10**16))
    per_user = (args.warm + args.messages) // len(openids) + 2
    queues = [bp_only(o, per_user, rng, ids) for o in openids]
    deliveries = [d for batch in itertools.zip_longest(*queues) for d in batch if d is not None]
    client = app.test_client()

    def post(d) -> None:
        r = client.post(d.path, data=d.body, content_type="text/xml")
        assert r.status_code == 200 and r.data.startswith(b"<xml>"), r.data[:200]

    for d in deliveries[:args.warm]:
        post(d)
    measured = deliveries[args.warm:args.warm + args.messages]
    if args.wsgi:
        from werkzeug.test import EnvironBuilder

        def start_response(status: str, headers: list, exc_info=None) -> None:
            assert status.startswith("200 "), status

        def call_app(environ: dict) -> None:
            body = b"".join(app(environ, start_response))
            assert body.startswith(b"<xml>"), body[:200]

        post = call_app  # type: ignore[assignment]
        measured = [EnvironBuilder(path=d.path, method="POST", data=d.body, content_type="text/xml").get_environ()
                    for d in measured]
    _MEASURED[:] = [post, measured]
    call = ctypes.pythonapi.PyObject_CallObject
    call.argtypes, call.restype = [ctypes.py_object, ctypes.py_object], ctypes.py_object
    call(_measured, ())
    print(f"{len(_MEASURED[1])} BP messages measured", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
