"""REST API under /api/v1 (flask-smorest: OpenAPI 3 from the schemas)."""
from __future__ import annotations

import importlib

from flask import Flask

# One module per resource under app/api; each has a flask-smorest Blueprint `blp` named after its URL.
MODULES = [
    "auth",
    "institutions",
    "staff",
    "teams",
    "packages",
    "residents",
    "contracts",
    "audit",
    "readings",
    "alerts",
    "referrals",
    "slots",
    "followups",
    "timeline",
    "kpis",
    "ledger",
    "triage",
    "wechat",
    "phs",
]


def register_api(app: Flask) -> None:
    from flask_smorest import Blueprint
    from marshmallow import RAISE

    from app.extensions import api

    # A query parameter the operation does not list is refused (422), as the spec's parameter list says,
    # rather than ignored: a misspelt filter (?stauts=done) must not silently return everything.
    parser = Blueprint.ARGUMENTS_PARSER
    parser.DEFAULT_UNKNOWN_BY_LOCATION = {**parser.DEFAULT_UNKNOWN_BY_LOCATION, "query": RAISE, "querystring": RAISE}

    for name in MODULES:
        module = importlib.import_module(f"app.api.{name}")
        api.register_blueprint(module.blp, url_prefix=f"/api/v1/{module.blp.name}")
