"""`flask --app wsgi jobs list|run`: the job table from the web app's command line (wsgi.py adds the group)."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from jobs.settings import parse_now
from jobs.table import JOBS, run_job

jobs_cli = AppGroup("jobs", help="The scheduler's jobs.")


@jobs_cli.command("list")
def jobs_list() -> None:
    """List the job table."""
    for spec in JOBS:
        click.echo(f"{spec.name:<20} {spec.trigger()}  {spec.description}")


@jobs_cli.command("run")
@click.argument("name")
@click.option("--now", "now_text", default=None, help="Business time, ISO 8601 (no offset: Asia/Shanghai).")
def jobs_run(name: str, now_text: str | None) -> None:
    """Run one job now, through the same code path as the scheduler."""
    click.echo(run_job(current_app._get_current_object(), name, parse_now(now_text) if now_text else None))
