"""Flask CLI commands: thin wrappers over services (`flask --app wsgi …`)."""
from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.extensions import db
from models.base import utcnow

demo_cli = AppGroup("demo", help="Demo data.")
config_cli = AppGroup("config", help="Settings.")


@config_cli.command("check")
def config_check() -> None:
    """Print every invalid, insecure or missing setting; exit 1 when there is one (0: production may start)."""
    from app.config import insecure_settings, warnings

    invalid = current_app.config.get("INVALID_SETTINGS", [])
    for problem in invalid:
        click.echo(f"invalid:  {problem}")
    insecure = insecure_settings(current_app.config)
    for problem in insecure:
        click.echo(f"insecure: {problem}")
    problems = invalid + insecure
    for note in warnings(current_app.config):
        click.echo(f"warning:  {note}")
    if problems:
        click.echo(f"{len(problems)} setting(s) to fix before production (docs/deploy.md)")
        sys.exit(1)
    click.echo("settings are fit for production")


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
    teams = demo.ledger_summary(db.session, now=utcnow())
    if teams:
        rates = [rate for _, rate, _, _ in teams if rate is not None]
        idle, eligible = sum(t[2] for t in teams), sum(t[3] for t in teams)
        span = f"{min(rates):.0%}–{max(rates):.0%}" if rates else "—"
        click.echo(f"  履约 ledger:  履约率 by team {span}; 只签不约 {idle} of {eligible} contracts signed 3+ months ago "
                   f"(admin: {url}/staff/kpis?level=team, API: /api/v1/kpis?level=team)")
    shown = demo.showcase(db.session)
    if shown is not None:
        followup_id, resident_id, username, year = shown
        login = (f"TOKEN=$(curl -s {url}/api/v1/auth/login -H 'Content-Type: application/json' -d "
                 f"'{{\"username\":\"{username}\",\"password\":\"{demo.DEMO_PASSWORD}\"}}' | "
                 "python3 -c 'import json,sys; print(json.load(sys.stdin)[\"token\"])')")
        click.echo(f"  随访表 PDF:   {login}")
        click.echo(f"                curl -s -H \"Authorization: Bearer $TOKEN\" "
                   f"{url}/api/v1/followups/{followup_id}/form.pdf -o followup.pdf")
        click.echo(f"                curl -s -H \"Authorization: Bearer $TOKEN\" "
                   f"'{url}/api/v1/residents/{resident_id}/followup-forms.pdf?year={year}' -o year.pdf")
        click.echo(f"  基本公卫 export: .venv/bin/flask --app wsgi phs export --since {year - 1}-01-01T00:00:00+08:00 "
                   "--out instance/phs-export --format all")


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


@triage_cli.command("report")
@click.argument("cases_files", nargs=-1, required=True, type=click.File("r", encoding="utf-8"))
def triage_report(cases_files) -> None:
    """Score CASES.jsonl (expected "level" per case; several files are scored together, e.g.
    tests/triage/cases.jsonl tests/triage/cases_colloquial.jsonl): confusion matrices (4-level and
    3-class), accuracies, per-protocol emergency sensitivity and the over-triage rate."""
    import itertools

    from app.services.triage.report import format_report, score_cases

    click.echo(format_report(score_cases(itertools.chain.from_iterable(cases_files))))


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


phs_cli = AppGroup("phs", help="基本公卫: exports to the county system and the regional platform, registry import.")


def _consortium(consortium_id: int | None) -> int:
    from sqlalchemy import select

    from models.org import Consortium

    ids = list(db.session.scalars(select(Consortium.id).order_by(Consortium.id)))
    if consortium_id is None and len(ids) == 1:
        return ids[0]
    if consortium_id not in ids:
        raise click.UsageError(f"--consortium: one of {ids}")
    return consortium_id


@phs_cli.command("export")
@click.option("--since", required=True, help="ISO time with zone, e.g. 2026-01-01T00:00:00+08:00")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False))
@click.option("--format", "fmt", type=click.Choice(["rows", "cda", "fhir", "all"]), default="all", show_default=True)
@click.option("--destination", default="county", show_default=True, help="each destination keeps its own cursor")
@click.option("--dry-run", is_flag=True, help="say what would go; write nothing, move no cursor")
@click.option("--consortium", "consortium_id", type=int, default=None)
def phs_export(since: str, out_dir: str, fmt: str, destination: str, dry_run: bool, consortium_id: int | None):
    """Export new and corrected follow-ups (rows CSV/JSONL, CDA R2 HSDB04.01/02, FHIR R4B) once each."""
    from datetime import datetime
    from pathlib import Path

    from app.services.actors import system_actor
    from app.services.phs import export

    try:
        since_at = datetime.fromisoformat(since)
    except ValueError:
        raise click.BadParameter("ISO time, e.g. 2026-01-01T00:00:00+08:00", param_hint="--since") from None
    actor = system_actor(_consortium(consortium_id))
    for one in (export.FORMATS if fmt == "all" else (fmt,)):
        report = export.export_followups(db.session, actor=actor, since=since_at, fmt=one, now=utcnow(),
                                         destination=destination, out_dir=Path(out_dir), dry_run=dry_run)
        db.session.commit()
        verb = "would export" if dry_run else "exported"
        click.echo(f"{report.destination}: {verb} {report.exported} follow-ups ({report.corrections} corrections), "
                   f"left out {report.withheld_no_consent} (consent to sharing withdrawn), "
                   f"{len(report.files)} files")


@phs_cli.command("import")
@click.argument("registry", type=click.Path(exists=True, dir_okay=False))
@click.option("--consortium", "consortium_id", type=int, default=None)
def phs_import(registry: str, consortium_id: int | None) -> None:
    """Import the county's registry CSV (档案编号,身份证号,姓名,联系电话,疾病,诊断日期,管理机构,村): match by
    ID card, create unsigned residents, record 档案编号; conflicts are listed, never overwritten."""
    from app.services.actors import system_actor
    from app.services.phs import registry as reg

    actor = system_actor(_consortium(consortium_id))
    with open(registry, encoding="utf-8-sig", newline="") as stream:
        report = reg.import_registry(db.session, actor=actor, rows=reg.read_rows(stream))
    db.session.commit()
    click.echo(f"{report.rows} rows: {report.created} created, {report.matched} matched "
               f"({report.record_no_set} 档案编号 recorded, {report.conditions_added} conditions added, "
               f"{report.unchanged} unchanged), {len(report.conflicts)} conflicts")
    for c in report.conflicts:
        click.echo(f"  line {c.line}: {c.kind}: {c.detail}")


def register_commands(app: Flask) -> None:
    from app.wechat.cli import wechat_cli

    app.cli.add_command(wechat_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(trends_cli)
    app.cli.add_command(ml_cli)
    app.cli.add_command(triage_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(phs_cli)
    app.cli.add_command(config_cli)
