"""The mobile web workspace (H5 pages): staff at /staff/, residents at /me/.

Server-rendered Jinja2 pages on the same services, scopes and audit as the API: a page view reads
the signed-in actor from a cookie session and calls the use case the API view calls. Forms are
protected by Flask-WTF's CSRF token; htmx and ECharts are served from app/static/vendor/.
"""
from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()


def register_pages(app: Flask) -> None:
    """Cookie sessions, CSRF on the page blueprints only (the API and the WeChat callback have their own
    authentication), template filters and the two blueprints."""
    from app.pages import filters
    from app.pages.me import blp as me_blp
    from app.pages.staff import blp as staff_blp

    app.config["SESSION_COOKIE_NAME"] = "jiayi_session"
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    # Lax: the cookie still comes back on the top-level GET that returns from WeChat's authorisation page.
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=app.config["TOKEN_TTL_HOURS"])
    # Checked by the page blueprints themselves (csrf.protect() before each request), not app-wide.
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # the token lives as long as the session
    csrf.init_app(app)
    filters.register(app)
    app.register_blueprint(staff_blp)
    app.register_blueprint(me_blp)
