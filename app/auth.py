"""Request authentication (bearer token -> Actor on flask.g) and persisting the request's audit notes."""
from __future__ import annotations

from flask import Response, g, request

import functools

from app.errors import Forbidden, Unauthorized
from app.extensions import db
from app.services import audit, devices
from app.services import auth as auth_service
from app.services.actors import Actor
from models.base import utcnow


def bearer_token() -> str | None:
    """The token from 'Authorization: Bearer …', if any."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


# API paths that need no bearer token; every other /api/v1 path authenticates before its body is read,
# so an anonymous caller gets 401 rather than a validation answer.
PUBLIC_PATHS = frozenset({
    "/api/v1/auth/login", "/api/v1/auth/wechat", "/api/v1/auth/dev-login",
    "/api/v1/openapi.json", "/api/v1/docs", "/api/v1/redoc",
})


DEVICE_PATHS = frozenset({"/api/v1/readings/bp", "/api/v1/readings/glucose", "/api/v1/readings/batch"})


def load_actor() -> None:
    """Authenticate API requests up front; other paths (WeChat callback, probes) do their own checks."""
    g.pop("actor", None)
    path = request.path.rstrip("/") or "/"
    if path.startswith("/api/v1/") and path not in PUBLIC_PATHS and not path.startswith("/api/v1/docs/"):
        if request.method != "OPTIONS":
            current_actor()


def current_actor() -> Actor:
    """The authenticated actor, or 401."""
    actor = g.get("actor")
    if actor is None:
        token = bearer_token()
        device_key = request.headers.get("X-Device-Key")
        if token is not None:
            actor = auth_service.actor_for_token(db.session, token, now=utcnow())
        elif device_key:  # a meter gateway, bound to one resident's device: it posts readings, nothing else
            actor = devices.actor_for_key(db.session, device_key, now=utcnow())
            if request.method != "POST" or request.path not in DEVICE_PATHS:
                raise Forbidden("auth.device_scope", "设备密钥只能上传测量值 / a device key only posts readings")
        else:
            raise Unauthorized("auth.required", "请先登录 / authentication required")
        g.actor = actor
    return actor


def allow(*roles: str):
    """Refuse other roles with 403 before the request body is parsed (services check again)."""
    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if current_actor().role not in roles:
                raise Forbidden("auth.role", "您的角色不能执行此操作 / your role may not do this")
            return view(*args, **kwargs)
        return wrapper
    return decorator


def persist_audit(response: Response) -> Response:
    """After a successful request: record admin changes, then append the request's notes to the audit chain."""
    actor = g.get("actor")
    if actor is None and not db.session.registry.has():
        return response  # no session in this request (the WeChat callback, probes): no notes to take
    session = db.session
    if response.status_code < 400 and actor is not None:
        if actor.is_admin and request.method not in ("GET", "HEAD", "OPTIONS"):
            audit.note(session, actor, action="admin", target=f"{request.method} {request.path}")
        notes = audit.take_notes(session)
        if notes:
            context = audit.Context(at=utcnow(), source=request.remote_addr, request_id=g.get("request_id"),
                                    purpose=request.headers.get("X-Access-Purpose", "")[:500] or None)
            audit.flush_notes(db.engine, notes, context)
    else:
        audit.take_notes(session)
    return response
