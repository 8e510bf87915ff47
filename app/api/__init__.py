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
    from app.extensions import api

    for name in MODULES:
        module = importlib.import_module(f"app.api.{name}")
        api.register_blueprint(module.blp, url_prefix=f"/api/v1/{module.blp.name}")
