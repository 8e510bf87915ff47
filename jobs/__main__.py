"""`python -m jobs`: run the scheduler process (never inside web workers).

    python -m jobs                          # the scheduler: every job of jobs/table.py on its trigger
    python -m jobs run NAME [--now ISO]     # run one job once now (same code path as `flask jobs run`)
"""
from __future__ import annotations

import argparse

from jobs.settings import parse_now


def cli(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m jobs", description="JiaYi scheduler")
    sub = parser.add_subparsers(dest="command")
    once = sub.add_parser("run", help="run one job now")
    once.add_argument("name")
    once.add_argument("--now", type=parse_now, default=None, help="business time (ISO 8601)")
    args = parser.parse_args(argv)
    if args.command == "run":
        from app import create_app
        from jobs.table import run_job

        print(run_job(create_app(), args.name, args.now))
        return
    from jobs.scheduler import main

    main()


if __name__ == "__main__":
    cli()
