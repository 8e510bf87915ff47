"""Settings from the environment. Defaults give a one-command demo on embedded SQLite."""
from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET = "jiayi-dev-only-secret"


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _bool(name: str, default: bool) -> bool:
    value = _env(name)
    return default if value is None else value.lower() in ("1", "true", "yes", "on")


def _derived_fernet_key(secret: str, purpose: str) -> str:
    digest = hashlib.sha256(f"{purpose}:{secret}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def load_config() -> dict:
    """Build the Flask config mapping from environment variables (see README: Configuration)."""
    secret = _env("SECRET_KEY", DEV_SECRET)
    database_url = _env("DATABASE_URL", f"sqlite:///{ROOT / 'instance' / 'jiayi.db'}")
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://"):]
    return {
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Comma-separated Fernet keys, newest first: old keys still decrypt (rotation).
        "FIELD_ENCRYPTION_KEYS": _env("FIELD_ENCRYPTION_KEYS", _derived_fernet_key(secret, "fields")),
        "BLIND_INDEX_KEY": _env("BLIND_INDEX_KEY", _derived_fernet_key(secret, "blind-index")),
        "TOKEN_TTL_HOURS": int(_env("TOKEN_TTL_HOURS", "12")),
        # Workspace pages (/staff/, /me/): the session cookie is sent over HTTPS only; browsers treat
        # http://127.0.0.1 and localhost as secure, so the local demo still signs in.
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", True),
        # The service's public address (https://…): WeChat messages and menu buttons link to its pages.
        "PUBLIC_URL": _env("PUBLIC_URL"),
        "DEMO_MODE": _bool("DEMO_MODE", secret == DEV_SECRET),
        "TIMEZONE": _env("TIMEZONE", "Asia/Shanghai"),
        "PRIVACY_NOTICE_VERSION": _env("PRIVACY_NOTICE_VERSION", "2026-01"),
        "PRIVACY_NOTICE_URL": _env("PRIVACY_NOTICE_URL", "https://jiayi.example.cn/privacy"),
        "LOGIN_MAX_FAILURES": int(_env("LOGIN_MAX_FAILURES", "5")),
        "LOGIN_LOCK_MINUTES": int(_env("LOGIN_LOCK_MINUTES", "15")),
        "WECHAT_TOKEN": _env("WECHAT_TOKEN", "jiayi-dev-token"),
        "WECHAT_APPID": _env("WECHAT_APPID", "wx0000000000000000"),
        "WECHAT_APPSECRET": _env("WECHAT_APPSECRET", "dev-app-secret"),
        "WECHAT_ENCODING_AES_KEY": _env("WECHAT_ENCODING_AES_KEY", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"),
        "WECHAT_API_BASE": _env("WECHAT_API_BASE", "https://api.weixin.qq.com"),
        # Where the workspace pages send a browser for WeChat web authorisation (snsapi_base).
        "WECHAT_OAUTH_URL": _env("WECHAT_OAUTH_URL", "https://open.weixin.qq.com/connect/oauth2/authorize"),
        "REDIS_URL": _env("REDIS_URL"),
        "LOG_FORMAT": _env("LOG_FORMAT", "plain"),
        # Medical records are kept for a retention period before a deletion request is carried out
        # (医疗机构病历管理规定: outpatient records at least 15 years); configurable per deployment.
        "RETENTION_DAYS": int(_env("RETENTION_DAYS", str(15 * 365))),
        # Rate limits (flask-limiter syntax); storage is Redis when REDIS_URL is set, memory otherwise.
        "RATELIMIT_LOGIN": _env("RATELIMIT_LOGIN", "20 per minute"),
        "RATELIMIT_READINGS": _env("RATELIMIT_READINGS", "120 per minute"),
        "RATELIMIT_TRIAGE": _env("RATELIMIT_TRIAGE", "30 per minute"),
        "MAX_CONTENT_LENGTH": int(_env("MAX_CONTENT_LENGTH", str(2 * 1024 * 1024))),
        # flask-smorest / OpenAPI
        "API_TITLE": "JiaYi 家医 API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "docs",
        "OPENAPI_SWAGGER_UI_URL": "https://cdn.jsdelivr.net/npm/swagger-ui-dist/",
        "OPENAPI_REDOC_PATH": "redoc",
        "OPENAPI_REDOC_URL": "https://cdn.jsdelivr.net/npm/redoc/bundles/redoc.standalone.js",
        "API_SPEC_OPTIONS": {
            "components": {
                "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}
            },
            "security": [{"bearerAuth": []}],
        },
    }
