"""WSGI entry point: gunicorn 'wsgi:app', flask --app wsgi …

Outside DEMO_MODE=1 create_app() refuses insecure settings. The offline commands (`config check`, `triage
batch|report`, `trends score`) get a bare app without database or secrets, so they run anywhere.
"""
import sys

from app import create_app, is_offline_command, offline_app

app = offline_app() if is_offline_command(sys.argv) else create_app()
