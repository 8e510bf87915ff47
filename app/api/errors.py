"""Every error leaves as application/problem+json (RFC 9457) with a stable code; never a stack trace."""
from __future__ import annotations

import logging

from flask import Flask, request
from sqlalchemy.exc import DataError, OperationalError
from werkzeug.exceptions import HTTPException

from app.errors import DomainError
from app.extensions import db

log = logging.getLogger(__name__)
PROBLEM = "application/problem+json"

_HTTP_CODES = {
    400: ("request.malformed", "请求格式不对 / malformed request"),
    401: ("auth.required", "请先登录 / authentication required"),
    403: ("auth.forbidden", "没有权限 / forbidden"),
    404: ("not_found", "没有找到 / not found"),
    405: ("method_not_allowed", "不支持此方法 / method not allowed"),
    409: ("conflict", "冲突 / conflict"),
    413: ("request.too_large", "请求内容太大 / request body too large"),
    415: ("request.media_type", "请使用 JSON / use application/json"),
    422: ("validation", "输入有误，请检查各字段 / validation failed"),
    429: ("rate_limited", "请求太频繁，请稍后再试 / too many requests"),
}


# Extra fields of a DomainError that go into the problem body (the likely-typo suggestion of a reading).
PUBLIC_EXTRA = ("suggestion",)


def problem(status: int, code: str, detail: str, *, title: str | None = None, errors=None, headers=None, **extra):
    """Build a problem+json response tuple."""
    body = {"type": "about:blank", "title": title or _title(status), "status": status, "code": code,
            "detail": detail, "instance": request.path}
    if errors:
        body["errors"] = errors
    body.update(extra)
    return body, status, {"Content-Type": PROBLEM, **(headers or {})}


def _title(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _flatten_messages(messages) -> dict:
    """webargs nests messages by location ({'json': {...}}); keep field -> messages."""
    if isinstance(messages, dict) and set(messages) <= {"json", "query", "path", "headers", "form", "files"}:
        merged: dict = {}
        for part in messages.values():
            merged.update(part if isinstance(part, dict) else {"_schema": part})
        return merged
    return messages


def _retry_after(exc: HTTPException) -> int:
    """Seconds until a flask-limiter window resets (at least 1)."""
    limit = getattr(exc, "limit", None)
    try:
        return max(1, int(limit.limit.get_expiry()))
    except AttributeError:
        return 60


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        db.session.rollback()
        headers = {}
        if "retry_after" in exc.extra:
            headers["Retry-After"] = str(exc.extra["retry_after"])
        public = {k: v for k, v in exc.extra.items() if k in PUBLIC_EXTRA}
        return problem(exc.status, exc.code, exc.detail, title=exc.title, errors=exc.errors, headers=headers,
                       **public)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        db.session.rollback()
        status = exc.code or 500
        code, detail = _HTTP_CODES.get(status, ("http_error", exc.description or "error"))
        errors = None
        data = getattr(exc, "data", None) or {}
        if "messages" in data:
            errors = _flatten_messages(data["messages"])
        headers = dict(data.get("headers") or {})
        if status == 429 and "Retry-After" not in headers:
            headers["Retry-After"] = str(_retry_after(exc))
        if status == 400 and request.is_json is False and request.method in ("POST", "PUT", "PATCH"):
            detail = "请求体应为 JSON / the body must be JSON"
        return problem(status, code, detail, errors=errors, headers=headers)

    @app.errorhandler(OverflowError)
    @app.errorhandler(DataError)
    def out_of_range(exc: Exception):
        # Last line of defence: a value the schema let through but the database cannot hold.
        db.session.rollback()
        log.warning("value out of range on %s %s: %s", request.method, request.path, type(exc).__name__)
        return problem(422, "validation.out_of_range", "数值超出范围 / a value is out of range")

    @app.errorhandler(OperationalError)
    def database_unavailable(exc: Exception):
        # The database went away (restart, failover): the client should retry, nothing was stored.
        db.session.rollback()
        log.warning("database unavailable on %s %s: %s", request.method, request.path, type(exc).__name__)
        return problem(503, "database.unavailable", "服务暂时不可用，请稍后重试 / database unavailable, retry",
                       headers={"Retry-After": "1"})

    @app.errorhandler(RecursionError)
    def too_deep(exc: RecursionError):
        # json.loads of thousands of nested [ or { raises RecursionError: the body is refused, not a crash.
        db.session.rollback()
        log.warning("refused a too deeply nested body on %s %s", request.method, request.path)
        return problem(400, "request.too_deep", "请求内容嵌套太深 / the JSON body is nested too deeply")

    @app.errorhandler(ValueError)
    def bad_value(exc: ValueError):
        db.session.rollback()
        if "integer string conversion" in str(exc):  # a JSON integer over Python's 4,300-digit limit
            log.warning("refused a huge JSON number on %s %s", request.method, request.path)
            return problem(400, "request.malformed", "请求中的数字太长 / a number in the body is too long")
        log.exception("unhandled error on %s %s", request.method, request.path)
        return problem(500, "internal", "服务器出错，请稍后再试 / internal error")

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        db.session.rollback()
        log.exception("unhandled error on %s %s", request.method, request.path)
        return problem(500, "internal", "服务器出错，请稍后再试 / internal error")
