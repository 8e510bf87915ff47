"""Flask CLI commands: thin wrappers over services (`flask --app wsgi …`)."""
from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.extensions import db
from models.base import utcnow

demo_cli = AppGroup("demo", help="Demo data.")


@demo_cli.command("seed")
@click.option("--residents", "n_residents", default=300, show_default=True)
@click.option("--if-empty", is_flag=True, help="Seed only when the database has no consortium.")
def seed_command(n_residents: int, if_empty: bool) -> None:
    """Create the demo county (institutions, staff, teams, packages, residents, contracts)."""
    from app.services import demo

    if if_empty and not demo.is_empty(db.session):
        click.echo("database already has data; demo seed skipped")
        return
    demo.seed_demo(db.session, now=utcnow(), n_residents=n_residents)
    db.session.commit()
    click.echo(f"seeded the demo county with {n_residents} residents")


@demo_cli.command("info")
@click.option("--url", default="http://127.0.0.1:5000", show_default=True)
def info_command(url: str) -> None:
    """Print where the service is and how to sign in."""
    from app.services import demo

    click.echo(f"JiaYi 家医 is running at {url}")
    click.echo(f"  workspace:    {url}/staff/   (doctors, specialists, admins: the demo logins below)")
    click.echo(f"  resident H5:  {url}/me/   (demo mode: 演示居民进入, no WeChat needed)")
    click.echo(f"  API docs:     {url}/api/v1/docs   (OpenAPI: {url}/api/v1/openapi.json)")
    click.echo(f"  demo logins:  password {demo.DEMO_PASSWORD}")
    for username, role, description in demo.DEMO_LOGINS:
        click.echo(f"    {username:<10} {role:<16} {description}")
    click.echo(f"  sign in:      curl -s {url}/api/v1/auth/login -H 'Content-Type: application/json' "
               f"-d '{{\"username\":\"gp1\",\"password\":\"{demo.DEMO_PASSWORD}\"}}'")
    click.echo(f"  WeChat bot:   .venv/bin/flask --app wsgi wechat chat --openid {demo.DEMO_OPENID} --url {url}"
               "   (a bound demo resident; try 血压 150/95)")


jobs_cli = AppGroup("jobs", help="The scheduler's jobs.")


@jobs_cli.command("list")
def jobs_list() -> None:
    """List the job table."""
    from jobs.table import JOBS

    for spec in JOBS:
        click.echo(f"{spec.name:<20} {spec.trigger()}  {spec.description}")


@jobs_cli.command("run")
@click.argument("name")
@click.option("--now", "now_text", default=None, help="Business time, ISO 8601 (no offset: Asia/Shanghai).")
def jobs_run(name: str, now_text: str | None) -> None:
    """Run one job now, through the same code path as the scheduler."""
    from jobs.settings import parse_now
    from jobs.table import run_job

    click.echo(run_job(current_app._get_current_object(), name, parse_now(now_text) if now_text else None))


trends_cli = AppGroup("trends", help="Trend scoring for integration and clinical audit.")


@trends_cli.command("score")
@click.argument("readings", type=click.Path(exists=True, dir_okay=False))
@click.option("--profiles", required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--at", "at", required=True, help="ISO 8601 time; readings after it are ignored (no offset = Asia/Shanghai)")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False))
def trends_score(readings: str, profiles: str, at: str, out: str) -> None:
    """Score residents from READINGS.csv and PROFILES.csv into FLAGS.csv (one row per profile)."""
    from datetime import datetime

    from app.services.clock import LOCAL_TZ
    from ml.scoring_csv import score_csv

    try:
        when = datetime.fromisoformat(at)
    except ValueError:
        raise click.BadParameter(f"not an ISO 8601 time: {at}", param_hint="--at") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=LOCAL_TZ)
    raise SystemExit(score_csv(readings, profiles, when, out, err=sys.stderr))


ml_cli = AppGroup("ml", help="The trend model.")


@ml_cli.command("train")
@click.option("--seed", default=20260601, show_default=True)
@click.option("--residents", "n_residents", default=40000, show_default=True)
@click.option("--out-dir", default=None, help="Where the artefact goes (default ml/artifacts)")
def ml_train(seed: int, n_residents: int, out_dir: str | None) -> None:
    """Train on the synthetic cohort, evaluate against baselines, write the artefact and docs/model_card.md."""
    from ml import train

    kwargs = {"out_dir": out_dir} if out_dir else {}
    sidecar = train.train(seed=seed, n_residents=n_residents, progress=True, **kwargs)
    click.echo(f"model written; metrics: {sidecar.get('metrics')}")


triage_cli = AppGroup("triage", help="Symptom triage for clinical QA.")


@triage_cli.command("batch")
@click.argument("in_file", type=click.File("r", encoding="utf-8"))
@click.argument("out_file", type=click.File("w", encoding="utf-8"))
def triage_batch(in_file, out_file) -> None:
    """Triage IN.jsonl into OUT.jsonl without asking questions; bad lines are reported on stderr."""
    from app.services.triage import run_batch

    ok, bad = run_batch(in_file, out_file, sys.stderr)
    click.echo(f"{ok} assessed, {bad} bad lines skipped", err=True)


audit_cli = AppGroup("audit", help="The tamper-evident audit log.")


@audit_cli.command("verify")
def audit_verify() -> None:
    """Check the hash chain; exit 1 and name the first broken link if any."""
    from app.services import audit

    report = audit.verify(db.session)
    if report.ok:
        click.echo(f"audit chain OK: {report.checked} entries verified")
        return
    click.echo(f"audit chain BROKEN at entry {report.first_broken_seq}: {report.problem} "
               f"({report.checked} entries verified before it)", err=True)
    raise SystemExit(1)


def register_commands(app: Flask) -> None:
    from app.wechat.cli import wechat_cli

    app.cli.add_command(wechat_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(trends_cli)
    app.cli.add_command(ml_cli)
    app.cli.add_command(triage_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(jobs_cli)
