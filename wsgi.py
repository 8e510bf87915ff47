"""WSGI entry point: gunicorn 'wsgi:app', flask --app wsgi …

Outside DEMO_MODE=1 create_app() refuses insecure settings. `flask --app wsgi config check` gets a bare app
that only reports them, so that it can run where the service would refuse to start.
"""
import sys

from app import create_app, settings_check_app

app = settings_check_app() if sys.argv[-2:] == ["config", "check"] else create_app()
