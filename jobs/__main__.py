"""`python -m jobs`: run the scheduler process (never inside web workers).

    python -m jobs                          # the scheduler: every job of jobs/table.py on its trigger
    python -m jobs run NAME [--now ISO]     # run one job once now (same code path as `flask jobs run`)
"""
from __future__ import annotations

import argparse

from app import create_app
from jobs.scheduler import main
from jobs.settings import parse_now
from jobs.table import run_job


def cli(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m jobs", description="JiaYi scheduler")
    sub = parser.add_subparsers(dest="command")
    once = sub.add_parser("run", help="run one job now")
    once.add_argument("name")
    once.add_argument("--now", type=parse_now, default=None, help="business time (ISO 8601)")
    args = parser.parse_args(argv)
    app = create_app()
    if args.command == "run":
        print(run_job(app, args.name, args.now))
        return
    main(app)


if __name__ == "__main__":
    cli()
