"""Shared fixtures: one app per test session on SQLite (default) or TEST_DATABASE_URL (PostgreSQL in CI).

The schema is built by running the Alembic migrations, so every run also exercises them; tables are
emptied after each test that touched the database.
"""
from __future__ import annotations

import copy
import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import pytest

from tests import snapshots

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
# Explicit keys for the test app (never derived from SECRET_KEY); subprocesses get them through TEST_ENV.
TEST_KEYS = {
    "SECRET_KEY": "test-secret-key-0123456789abcdef0123456789",
    "FIELD_ENCRYPTION_KEYS": "x9Q2m3xXo3bq0yJ8pQ1t7kM0Qd3nV6wZr1sE2uH4aF8=",
    "BLIND_INDEX_KEY": "test-blind-index-key-0123456789abcdef0123",
}
TEST_ENV = {**TEST_KEYS, "DEMO_MODE": "1"}  # demo mode for /auth/dev-login and the development WeChat account


def _database_url(tmp_dir: Path) -> str:
    if TEST_DATABASE_URL:
        url = TEST_DATABASE_URL
        return "postgresql+psycopg://" + url[len("postgresql://"):] if url.startswith("postgresql://") else url
    return f"sqlite:///{tmp_dir / 'test.db'}"


@pytest.fixture(scope="session")
def app():
    from flask_migrate import upgrade

    from app import create_app

    tmp_dir = Path(tempfile.mkdtemp(prefix="jiayi-test-"))
    app = create_app({
        **TEST_KEYS,
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": _database_url(tmp_dir),
        "DEMO_MODE": True,
        "PASSWORD_HASH_COST": (1, 1024),  # cheap Argon2 for tests only
        "WECHAT_API_BASE": "http://127.0.0.1:9",  # nothing listens: tests that need WeChat start the fake
    })
    with app.app_context():
        upgrade(revision="heads")
    yield app


@pytest.fixture(autouse=True)
def _test_field_keys():
    """Every test ends with the test keys installed: a test that builds another app cannot leave its keys behind."""
    yield
    from app.services import privacy

    privacy.configure(TEST_KEYS["FIELD_ENCRYPTION_KEYS"], TEST_KEYS["BLIND_INDEX_KEY"])


@pytest.fixture
def db(app):
    """The Flask-SQLAlchemy handle inside an app context; tables are emptied afterwards."""
    from app.extensions import db as _db, limiter

    with app.app_context():
        limiter.reset()
        yield _db
        _db.session.rollback()
        _db.session.remove()
        snapshots.clear(_db.engine)


@pytest.fixture
def session(db):
    return db.session


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def now():
    return datetime(2026, 6, 1, 1, 0, tzinfo=timezone.utc)  # 09:00 in Asia/Shanghai


@pytest.fixture
def world(db, session, now):
    """A small consortium: 2 townships x 2 village clinics, 2 teams, packages, residents, tokens.

    Built once per run (and per `now`) through the real services, then copied back for each test.
    """
    from tests.factories import build_world

    global _WORLD
    empty = snapshots.is_empty(db.engine)  # a fixture may have written rows first: then build, do not keep
    if _WORLD is not None and _WORLD[0] == now and empty:
        snapshots.restore(db.engine, _WORLD[2])
        return copy.deepcopy(_WORLD[1])
    w = build_world(session, now=now)
    session.commit()
    if empty:
        _WORLD = (now, w, snapshots.take(db.engine))
    return copy.deepcopy(w)


_WORLD = None  # (now, World, rows) of the first build
