"""Liveness and readiness probes."""
from flask import Blueprint
from sqlalchemy import text

from app.extensions import db

blp = Blueprint("health", __name__)


@blp.get("/healthz")
def healthz():
    return {"status": "ok"}


@blp.get("/readyz")
def readyz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any driver error means not ready
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}
