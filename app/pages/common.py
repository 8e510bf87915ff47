"""Helpers shared by the page views: CSRF, forms through the API's schemas, actions, error pages."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request
from marshmallow import Schema, ValidationError

from app.errors import Conflict, DomainError, Forbidden, NotFound, RuleViolation, Unauthorized
from app.extensions import db
from app.pages import csrf
from app.services import audit


# The pages run only their own files (app/static: htmx, ECharts, app.js, app.css): no inline script or style,
# no eval. This holds without 'unsafe-inline' because ECharts sets styles through the CSSOM (element.style),
# which CSP allows, htmx's indicator styles and eval are off (base.html's htmx-config), and chart options
# travel as JSON in data attributes. app.security's headers keep a CSP a blueprint has set.
PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
            "base-uri 'self'; form-action 'self'; frame-ancestors 'self'")


def protect(blp: Blueprint) -> None:
    """Every unsafe request to the blueprint carries the session's CSRF token (form field or X-CSRFToken); every
    response carries the pages' content security policy."""
    @blp.after_request
    def _csp(response):
        response.headers["Content-Security-Policy"] = PAGE_CSP
        return response

    @blp.before_request
    def _csrf() -> None:
        # Flask-WTF caches the token on `g`; an app context shared by several requests (the test client inside
        # a test's context) must not carry one request's token into the next.
        g.pop("csrf_token", None)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            csrf.protect()


def form_dict(names: list[str] | None = None) -> dict[str, Any]:
    """The posted form without empty fields (an HTML form sends '' for a field left blank)."""
    return {k: v for k, v in request.form.items() if v.strip() != "" and k != "csrf_token"
            and (names is None or k in names)}


def load(schema: Schema, data: dict[str, Any]) -> dict[str, Any]:
    """Validate with the API's schema; a validation error is a RuleViolation shown on the page."""
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise RuleViolation("form.invalid", "请检查填写的内容 / check the form", errors=exc.messages) from None


def errors_text(exc: DomainError) -> str:
    detail = exc.detail.split(" / ")[0]
    if exc.errors:
        fields = "；".join(f"{k}: {v if isinstance(v, str) else ' '.join(map(str, v))}"
                          for k, v in exc.errors.items() if isinstance(v, (str, list)))
        if fields:
            detail = f"{detail}（{fields}）"
    return detail


def act(action: Callable[[], Any], *, back: str, done: str) -> Any:
    """Run a use case in its own transaction and go back to the page: committed and flashed, or rolled back
    with the service's reason on the page. Not-found and forbidden become the error page."""
    try:
        action()
        db.session.commit()
    except (RuleViolation, Conflict) as exc:
        db.session.rollback()
        audit.take_notes(db.session)
        flash(errors_text(exc), "error")
        return redirect(back)
    flash(done, "ok")
    return redirect(back)


def register_error_pages(blp: Blueprint, login_endpoint: str) -> None:
    """Domain errors raised in the blueprint's views become pages, not problem+json."""
    @blp.errorhandler(DomainError)
    def _domain_error(exc: DomainError):
        db.session.rollback()
        audit.take_notes(db.session)
        if isinstance(exc, Unauthorized):
            from flask import url_for
            return redirect(url_for(login_endpoint))
        status = exc.status if isinstance(exc, (NotFound, Forbidden)) else exc.status
        title = {404: "没有找到", 403: "没有权限", 409: "操作冲突", 422: "内容有误", 429: "操作太频繁"}.get(status, "出错了")
        return render_template("error.html", title=title, detail=errors_text(exc), status=status), status

    from flask_wtf.csrf import CSRFError

    @blp.errorhandler(CSRFError)
    def _csrf_error(exc: CSRFError):
        return render_template("error.html", title="页面已过期", detail="请返回上一页刷新后重试。", status=400), 400
