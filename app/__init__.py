"""JiaYi 家医: the family doctor program backend. create_app() builds the Flask application.

Flask and SQLAlchemy are imported inside the functions here: importing a pure module of the package
(app.language, app.services.rules) must not load them.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.config import InsecureConfiguration, insecure_settings, load_config, warnings, with_demo_defaults

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger(__name__)


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app from environment settings plus optional overrides (tests)."""
    from flask import Flask
    from sqlalchemy.orm import configure_mappers

    app = Flask(__name__, instance_path=str(Path(__file__).resolve().parent.parent / "instance"))
    app.json.ensure_ascii = False  # Chinese leaves as UTF-8, not \uXXXX (jsonify, flask-smorest, problems)
    app.config.update(load_config())
    app.config.update(overrides or {})
    with_demo_defaults(app.config)
    register_logging(app)
    check_settings(app)
    register_extensions(app)
    register_observability(app)
    register_wechat_direct_path(app)  # before ProxyFix (register_security) wraps it: the scheme it fixes holds
    register_security(app)
    register_errors(app)
    register_auth(app)
    register_adapters(app)
    register_blueprints(app)
    register_cli(app)
    # Relationships resolved now, when the process starts, rather than inside its first request or job
    # (about a tenth of a second).
    configure_mappers()
    return app


def check_settings(app: Flask) -> None:
    """Outside demo mode refuse missing or public secrets, naming each; log what is allowed but weak."""
    problems = [p for p in insecure_settings(app.config) if not p.startswith("DEMO_MODE")]
    if problems and not app.config["DEMO_MODE"]:
        error = InsecureConfiguration(problems)
        log.critical("%s", error)
        raise error
    if app.config["DEMO_MODE"]:
        log.warning("DEMO_MODE is on: development secrets and /auth/dev-login; never in production")
    for note in warnings(app.config):
        log.warning("%s", note)


# Commands that read files and need neither the database nor the service's secrets: the clinical QA and
# integration tools, and the settings check itself. They run where the service would refuse to start.
OFFLINE_COMMANDS = frozenset({("config", "check"), ("triage", "batch"), ("triage", "report"), ("trends", "score")})


def is_offline_command(argv: list[str]) -> bool:
    """Whether a `flask … GROUP COMMAND …` command line names one of OFFLINE_COMMANDS."""
    return any(pair in OFFLINE_COMMANDS for pair in zip(argv, argv[1:]))


def offline_app() -> Flask:
    """A bare app with the settings and the offline commands only (no database, no secrets required)."""
    from flask import Flask

    from app.cli import config_cli, trends_cli, triage_cli

    app = Flask(__name__)
    invalid: list[str] = []  # reported by `config check` rather than stopping the command
    app.config.update(with_demo_defaults(load_config(problems=invalid)), INVALID_SETTINGS=invalid)
    for group in (config_cli, triage_cli, trends_cli):
        app.cli.add_command(group)
    return app


def register_logging(app: Flask) -> None:
    from app.logs import configure_logging

    configure_logging(app)


def register_observability(app: Flask) -> None:
    from app.observability import register_observability as register

    register(app)


def register_extensions(app: Flask) -> None:
    from app.extensions import api, db, limiter, migrate
    from app.services import privacy
    from app.services.connections import check_without_ping, releasing_cutters
    from app.services.dialects import sqlite_pragmas

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        os.makedirs(app.instance_path, exist_ok=True)
    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            releasing_cutters(check_without_ping(sqlite_pragmas(engine)))
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    api.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    limiter.init_app(app)
    privacy.configure(app.config["FIELD_ENCRYPTION_KEYS"], app.config["BLIND_INDEX_KEY"])
    if app.config.get("PASSWORD_HASH_COST"):
        from app.services.auth import configure_hasher

        time_cost, memory_cost = app.config["PASSWORD_HASH_COST"]
        configure_hasher(time_cost=time_cost, memory_cost=memory_cost)


def register_wechat_direct_path(app: Flask) -> None:
    from app.wechat.views import install_direct_path

    install_direct_path(app)


def register_security(app: Flask) -> None:
    from app.security import register_security as register

    register(app)


def register_errors(app: Flask) -> None:
    from app.api.errors import register_error_handlers

    register_error_handlers(app)


def register_auth(app: Flask) -> None:
    from app.auth import load_actor, persist_audit

    app.before_request(load_actor)
    app.after_request(persist_audit)


def register_adapters(app: Flask) -> None:
    """The WeChat notifier and OAuth client, for the layers that must not import app.wechat."""
    from app.services import adapters
    from app.wechat.factory import client_from_config
    from app.wechat.notifier import build_notifier

    adapters.register(app, adapters.Adapters(notifier=build_notifier, oauth_client=client_from_config))


def register_blueprints(app: Flask) -> None:
    from app.api import register_api
    from app.health import blp as health_blp
    from app.wechat.views import blp as wechat_blp

    from app.pages import register_pages

    app.register_blueprint(health_blp)
    app.register_blueprint(wechat_blp)
    register_api(app)
    register_pages(app)


def register_cli(app: Flask) -> None:
    from app.cli import register_commands

    register_commands(app)


for _noisy in ("jieba", "alembic.runtime.plugins"):
    logging.getLogger(_noisy).setLevel(logging.WARNING)
