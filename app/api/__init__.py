"""REST API under /api/v1 (flask-smorest: OpenAPI 3 from the schemas)."""
from __future__ import annotations

from flask import Flask


def register_api(app: Flask) -> None:
    from app.api import auth, contracts, institutions, packages, residents, staff, teams
    from app.extensions import api

    for module in (auth, institutions, staff, teams, packages, residents, contracts):
        api.register_blueprint(module.blp, url_prefix=f"/api/v1/{module.blp.name}")
