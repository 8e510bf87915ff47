"""WSGI entry point: gunicorn 'wsgi:app', flask --app wsgi …

Outside DEMO_MODE=1 create_app() refuses insecure settings. The offline commands (`config check`, `triage
batch|report`, `trends score`) get a bare app without database or secrets, so they run anywhere. The
`jobs` commands are added here, above both packages: app never imports jobs (jobs calls app's services).
"""
import sys

from app import create_app, is_offline_command, offline_app
from jobs.cli import jobs_cli

if is_offline_command(sys.argv):
    app = offline_app()
else:
    app = create_app()
    app.cli.add_command(jobs_cli)
