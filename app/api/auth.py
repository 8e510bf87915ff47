"""Sign-in: staff password, WeChat web authorisation for residents, demo login."""
from datetime import timedelta

from flask import current_app, request
from flask_smorest import Blueprint

from app.api.common import committed
from app.auth import bearer_token, current_actor
from app.errors import Forbidden, NotFound
from app.extensions import db, limiter
from app.schemas.auth import DevLoginSchema, LoginSchema, MeSchema, TokenSchema, WechatLoginSchema
from app.services import adapters, auth
from models.base import utcnow

blp = Blueprint("auth", __name__, description="登录 / sign-in")


def _ttl() -> timedelta:
    return timedelta(hours=current_app.config["TOKEN_TTL_HOURS"])


@blp.post("/login")
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], key_func=lambda: f"login:{request.remote_addr}")
@blp.arguments(LoginSchema)
@blp.response(200, TokenSchema)
@blp.doc(security=[])
def login(data):
    """Staff sign-in with username and password; repeated failures lock the username for a while."""
    cfg = current_app.config
    try:
        issued = auth.login(db.session, username=data["username"], password=data["password"], now=utcnow(),
                            ttl=_ttl(), max_failures=cfg["LOGIN_MAX_FAILURES"],
                            lock=timedelta(minutes=cfg["LOGIN_LOCK_MINUTES"]), client=request.remote_addr or "",
                            backoff_failures=cfg["LOGIN_BACKOFF_FAILURES"])
    except Exception:
        db.session.commit()  # keep the failure count
        raise
    return committed(issued)


@blp.post("/logout")
@blp.response(204)
def logout():
    """Revoke the current bearer token."""
    current_actor()
    token = bearer_token()
    if token is None:  # signed in with a device key: there is no session to end
        raise Forbidden("auth.no_session", "没有可退出的登录 / no bearer token to revoke")
    auth.logout(db.session, token=token, now=utcnow())
    committed(None)


@blp.post("/wechat")
@blp.arguments(WechatLoginSchema)
@blp.response(200, TokenSchema)
@blp.doc(security=[])
def wechat_login(data):
    """Resident sign-in from an H5 page: exchange a WeChat web-authorisation code."""
    client = adapters.of(current_app).oauth_client(current_app.config)
    return committed(auth.wechat_login(db.session, code=data["code"], client=client, now=utcnow(), ttl=_ttl()))


@blp.post("/dev-login")
@blp.arguments(DevLoginSchema)
@blp.response(200, TokenSchema)
@blp.doc(security=[])
def dev_login(data):
    """Demo mode only: a resident token without WeChat."""
    if not current_app.config["DEMO_MODE"]:
        raise NotFound("not_found", "没有找到 / not found")
    return committed(auth.dev_login(db.session, resident_id=data["resident_id"], now=utcnow(), ttl=_ttl()))


@blp.get("/me")
@blp.response(200, MeSchema)
def me():
    """Who the bearer token belongs to."""
    return current_actor()
