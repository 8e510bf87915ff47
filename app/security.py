"""Security headers on every response, locally served Swagger UI assets, the proxy in front.

- `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer` and a CSP with `frame-ancestors 'self'`
  everywhere. API responses (JSON, personal data) get `default-src 'none'` and `Cache-Control: no-store`;
  the API docs page may run its own scripts only ('self': the pinned swagger-ui-bundle package, no CDN).
  Other pages (the staff and resident H5 pages) keep their own CSP when they set one.
- `<int:…>` path segments between 0 and the largest BIGINT: a larger id does not match the route (404), it
  never reaches the database.
- `Strict-Transport-Security` on HTTPS requests when HSTS_SECONDS > 0 (behind a TLS proxy set PROXY_FIX to
  the number of proxies, so X-Forwarded-Proto says whether the client used HTTPS).
"""
from __future__ import annotations

from typing import Any

from flask import Flask, Response, request, send_from_directory
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

API_PREFIX = "/api/v1/"
DOCS_PATH = "/api/v1/docs"
ASSETS_URL = "/api/v1/docs/assets/"

API_CSP = "default-src 'none'; frame-ancestors 'none'"
DOCS_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; object-src 'none'; frame-ancestors 'self'")
PAGE_CSP = "frame-ancestors 'self'"


class BoundedInt(IntegerConverter):
    """`<int:…>` path segments between 0 and the largest BIGINT."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(map, *args, **kwargs)


def _headers(response: Response) -> Response:
    from flask import current_app

    apply_headers(response.headers, request.path, request.is_secure, current_app.config)
    return response


def apply_headers(headers: Any, path: str, is_secure: bool, config: Any) -> None:
    """The headers for a response to `path` (also called by the WeChat callback's direct path)."""
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    if path == DOCS_PATH or path.startswith(DOCS_PATH + "/"):
        headers.setdefault("Content-Security-Policy", DOCS_CSP)
    elif path.startswith(API_PREFIX) or path.startswith("/wechat"):
        headers.setdefault("Content-Security-Policy", API_CSP)
        headers["Cache-Control"] = "no-store"
    else:
        headers.setdefault("Content-Security-Policy", PAGE_CSP)
    seconds = config.get("HSTS_SECONDS") or 0
    if seconds and is_secure:
        headers.setdefault("Strict-Transport-Security", f"max-age={int(seconds)}; includeSubDomains")


def swagger_asset(filename: str) -> Response:
    """A file of the pinned swagger-ui-bundle package (requirements.txt), never a CDN."""
    import swagger_ui_bundle

    response = send_from_directory(swagger_ui_bundle.swagger_ui_path, filename, max_age=86400)
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


def register_security(app: Flask) -> None:
    """Bounded ids in paths; headers on every response; the Swagger UI assets; ProxyFix when PROXY_FIX proxies
    are in front."""
    app.url_map.converters["int"] = BoundedInt  # before any route is added
    proxies = int(app.config.get("PROXY_FIX") or 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore
    app.after_request(_headers)
    app.add_url_rule(ASSETS_URL + "<path:filename>", "swagger_asset", swagger_asset)
