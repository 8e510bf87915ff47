"""Every setting, loaded from the environment once and checked (README: Configuration).

`load_config()` reads, casts and checks every setting the web service, the bot (app/wechat/settings.py) and
the scheduler (jobs/settings.py) use: a value that is not of its type, outside its range (`Spec.low`/`high`)
or not one of its choices stops start-up with `InvalidSettings`, naming each setting; `flask --app wsgi
config check` lists the same problems. `setting()` is the one reader the wechat and jobs modules use.

Production is the default. Only with `DEMO_MODE=1` (what `make run` sets) do missing secrets fall back to
public development values, and only then are the field-encryption and blind-index keys derived from
`SECRET_KEY`. Outside demo mode `insecure_settings()` names every secret that is missing or still holds a
public development value, and `create_app()` refuses to start (`flask --app wsgi config check` reports the
same list without starting anything).
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from limits import parse_many

from ml.clinical import CONFIRM_WAIT_MINUTES, CONFIRM_WINDOW_MINUTES

ROOT = Path(__file__).resolve().parent.parent

# Public development values: in the repo, so never secret. Accepted in demo mode only.
DEV_SECRET = "jiayi-dev-only-secret"
DEV_WECHAT = {
    "WECHAT_TOKEN": "jiayi-dev-token",
    "WECHAT_APPID": "wx0000000000000000",
    "WECHAT_APPSECRET": "dev-app-secret",
    "WECHAT_ENCODING_AES_KEY": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
}
DEV_APPID = DEV_WECHAT["WECHAT_APPID"]
MIN_SECRET_LENGTH = 32  # SECRET_KEY and BLIND_INDEX_KEY: at least 32 characters (about 190 bits when random)


class ConfigError(RuntimeError):
    """A setting that cannot be used; start-up stops with this message."""


class InsecureConfiguration(ConfigError):
    """Outside demo mode a secret is missing or holds a public development value."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("JiaYi refuses to start: insecure or missing settings (set them, or set DEMO_MODE=1 "
                         "for a local demo):\n" + "\n".join(f"  - {p}" for p in problems))


class InvalidSettings(ConfigError):
    """Settings whose values cannot be used: not of their type, out of range, not one of the choices."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("JiaYi refuses to start: invalid settings:\n" + "\n".join(f"  - {p}" for p in problems))


_YES, _NO = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in _YES


# Casts from the environment's text: each raises ValueError saying what is wrong with the value.
def _yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text not in _YES + _NO:
        raise ValueError("is not yes or no (1/0, true/false, yes/no, on/off)")
    return text in _YES


def _whole(value: Any) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise ValueError("is not a whole number") from None


def _number(value: Any) -> float:
    try:
        number = float(str(value).strip())
    except ValueError:
        raise ValueError("is not a number") from None
    if not math.isfinite(number):
        raise ValueError("is not a finite number")
    return number


def _choice(*options: str) -> Callable[[Any], str]:
    def cast(value: Any) -> str:
        text = str(value).strip().lower()
        if text not in options:
            raise ValueError(f"is not one of {', '.join(options)}")
        return text

    return cast


def _rate_limit(value: Any) -> str:
    try:
        parse_many(str(value))
    except ValueError:
        raise ValueError("is not a rate limit such as '20 per minute'") from None
    return str(value)


def _json_object(value: Any) -> dict:
    try:
        parsed = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict):
        raise ValueError("is not a JSON object ({kind: template_id})")
    return parsed


def _optional_str(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


@dataclass(frozen=True)
class Spec:
    """One checked setting: its default, how a text value becomes its type, and its range (inclusive)."""

    default: Any
    cast: Callable[[Any], Any]
    low: float | None = None
    high: float | None = None

    def read(self, raw: str) -> Any:
        """The value of `raw`; ValueError saying what is wrong with it."""
        value = self.cast(raw)
        if self.low is not None and value < self.low:
            raise ValueError(f"is below {self.low:g}")
        if self.high is not None and value > self.high:
            raise ValueError(f"is above {self.high:g}")
        return value


# WeChat drops the connection after 5 s and delivers the message again (被动回复: "五秒内收不到响应"), so the
# watchdog's answer must leave before then.
WECHAT_RESPONSE_LIMIT_SECONDS = 5.0
# The watchdog answers by WECHAT_REPLY_DEADLINE plus its tick (0.2 s) and the cut of a statement (a few ms on
# loopback), and the reply still has to cross the network (app/wechat/views.py).
WATCHDOG_MARGIN_SECONDS = 0.6

# The service's own settings (README: Configuration).
SETTINGS: dict[str, Spec] = {
    "DEMO_MODE": Spec(False, _yes_no),
    "TOKEN_TTL_HOURS": Spec(12, _whole, low=1),
    # Workspace pages (/staff/, /me/): the session cookie is sent over HTTPS only; browsers treat
    # http://127.0.0.1 and localhost as secure, so the local demo still signs in.
    "SESSION_COOKIE_SECURE": Spec(True, _yes_no),
    "LOGIN_MAX_FAILURES": Spec(5, _whole, low=1),
    "LOGIN_LOCK_MINUTES": Spec(15, _whole, low=1),
    "LOGIN_BACKOFF_FAILURES": Spec(50, _whole, low=1),
    "LOG_FORMAT": Spec("plain", _choice("plain", "json")),
    # Medical records are kept for a retention period before a deletion request is carried out
    # (医疗机构病历管理规定: outpatient records at least 15 years); configurable per deployment.
    "RETENTION_DAYS": Spec(15 * 365, _whole, low=1),
    # Rate limits (flask-limiter syntax); storage is Redis when REDIS_URL is set, memory otherwise.
    "RATELIMIT_LOGIN": Spec("20 per minute", _rate_limit),
    "RATELIMIT_READINGS": Spec("120 per minute", _rate_limit),
    "RATELIMIT_TRIAGE": Spec("30 per minute", _rate_limit),
    "MAX_CONTENT_LENGTH": Spec(2 * 1024 * 1024, _whole, low=1),
    # Security headers (app/security.py).
    "HSTS_SECONDS": Spec(31536000, _whole, low=0),  # sent only on HTTPS requests; 0 switches it off
    "PROXY_FIX": Spec(0, _whole, low=0),  # proxies in front that set X-Forwarded-For/-Proto (0: none)
}


# Bot and scheduler settings (their meanings: app/wechat/settings.py and jobs/settings.py).
TUNABLES: dict[str, Spec] = {
    # the WeChat bot
    "WECHAT_REPLAY_WINDOW_SECONDS": Spec(300, _whole, low=0),  # 0 switches the window off
    "WECHAT_MAX_BODY_BYTES": Spec(64 * 1024, _whole, low=1),
    "WECHAT_REPLY_DEADLINE": Spec(4.0, _number, low=0.1, high=WECHAT_RESPONSE_LIMIT_SECONDS),
    "WECHAT_WORKER_THREADS": Spec(2, _whole, low=1),
    "WECHAT_WARM_UP": Spec(True, _yes_no),
    "WECHAT_STATE_TTL_SECONDS": Spec(1800.0, _number, low=1),
    "WECHAT_BIND_MAX_FAILURES": Spec(5, _whole, low=1),
    "WECHAT_BIND_LOCK_MINUTES": Spec(30.0, _number, low=1),
    "WECHAT_BIND_TARGET_MAX_FAILURES": Spec(5, _whole, low=1),
    "WECHAT_BIND_GLOBAL_MAX_FAILURES_PER_HOUR": Spec(200, _whole, low=1),
    "WECHAT_PUSH": Spec(None, _yes_no),  # None: on unless the development appid is configured
    "WECHAT_TEMPLATE_ID": Spec(None, _optional_str),
    "WECHAT_TEMPLATE_IDS": Spec(None, _json_object),
    "WECHAT_SUBSCRIBE_TEMPLATE_ID": Spec(None, _optional_str),
    "WECHAT_TEMPLATE_FIELDS": Spec("thing1,thing2,time3", str),
    "WECHAT_HTTP_TIMEOUT": Spec(5.0, _number, low=0.1),
    "WECHAT_INBOUND_KEEP_DAYS": Spec(7, _whole, low=1),
    # the scheduler
    "JOBS_ONLY": Spec("", str),
    "JOBS_JOBSTORE_URL": Spec("", str),
    "JOBS_LEASE_SECONDS": Spec(60.0, _number, low=1),
    "JOBS_LOCK_BACKEND": Spec("", _choice("lease", "advisory")),
    "JOBS_NOTIFIER": Spec("", str),
    "JOBS_TREND_MODEL": Spec("ml.model:load_model", str),
    "JOBS_METRICS_PORT": Spec(9108, _whole, low=0, high=65535),  # 0: off
    "OUTBOX_INTERVAL_SECONDS": Spec(5.0, _number, low=0.1),
    "OUTBOX_BATCH": Spec(200, _whole, low=1),
    "OUTBOX_CLAIM_SECONDS": Spec(60.0, _number, low=1),
    "OUTBOX_MAX_ATTEMPTS": Spec(8, _whole, low=1),
    "TREND_SCAN_CHUNK": Spec(5000, _whole, low=1),
    "TREND_SCAN_INTERVAL_SECONDS": Spec(3600.0, _number, low=1),
    "MISSED_MONITORING_DAYS": Spec(14, _whole, low=1),
    # The wait for a confirming re-measurement of a dangerous value. Not shorter than the confirmation window
    # (a repeat within it still confirms: the doctor must not be told "unconfirmed" before it closes), not
    # longer than the wait the readings service looks back over when a repeat arrives (ml.clinical).
    "CONFIRM_WAIT_MINUTES": Spec(float(CONFIRM_WAIT_MINUTES), _number, low=CONFIRM_WINDOW_MINUTES,
                                 high=CONFIRM_WAIT_MINUTES),
}

_UNSET = object()


def setting(source: Any, name: str, default: Any = _UNSET, cast: Callable[[Any], Any] | None = None) -> Any:
    """A loaded setting from an app, its config or a mapping (None: the environment, as load_config reads it).

    Values set directly on app.config (tests, overrides) may be text: they are cast like the environment's.
    An absent or empty value gives `default` (or the registered default).
    """
    spec = TUNABLES.get(name)
    if default is _UNSET:
        default = spec.default if spec else None
    config = getattr(source, "config", source)
    value = config.get(name) if config is not None else os.environ.get(name)
    if value is None or value == "":
        return default
    caster = cast or (spec.cast if spec else (type(default) if default is not None else str))
    if caster is int and isinstance(value, str):
        return int(value.strip())
    return caster(value)


def flag(source: Any, name: str, default: bool) -> bool:
    """A yes/no setting: 1/true/yes/on."""
    value = setting(source, name, None, str)
    return default if value is None else _bool(value)


def _derived_fernet_key(secret: str, purpose: str) -> str:
    """Demo mode only: a key derived from SECRET_KEY, so the demo needs no set-up."""
    digest = hashlib.sha256(f"{purpose}:{secret}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def load_config(environ: Mapping[str, str] | None = None, *, problems: list[str] | None = None) -> dict:
    """Build the Flask config mapping from environment variables (see README: Configuration).

    A value that cannot be used raises InvalidSettings naming every such setting; given a `problems` list
    instead, they are added to it and their defaults used (`config check` reports them all).
    """
    env = os.environ if environ is None else environ
    found: list[str] = []

    def get(name: str, default: str | None = None) -> str | None:
        value = env.get(name)
        return value if value not in (None, "") else default

    def checked(name: str, spec: Spec) -> Any:
        raw = get(name)
        if raw is None:
            return spec.default
        try:
            return spec.read(raw)
        except ValueError as exc:
            found.append(f"{name}={raw!r} {exc}")
            return spec.default

    database_url = get("DATABASE_URL", f"sqlite:///{ROOT / 'instance' / 'jiayi.db'}")
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://"):]
    config = {
        "SECRET_KEY": get("SECRET_KEY"),
        "SQLALCHEMY_DATABASE_URI": database_url,
        # No pre-ping round trip at checkout: app/services/connections.py checks a pooled connection's socket
        # instead (and pings one idle for long); connections are replaced after half an hour.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_recycle": 1800},
        # Comma-separated Fernet keys, newest first: old keys still decrypt (rotation).
        "FIELD_ENCRYPTION_KEYS": get("FIELD_ENCRYPTION_KEYS"),
        "BLIND_INDEX_KEY": get("BLIND_INDEX_KEY"),
        # The service's public address (https://…): WeChat messages and menu buttons link to its pages.
        "PUBLIC_URL": get("PUBLIC_URL"),
        "PRIVACY_NOTICE_VERSION": get("PRIVACY_NOTICE_VERSION", "2026-01"),
        "PRIVACY_NOTICE_URL": get("PRIVACY_NOTICE_URL", "https://jiayi.example.cn/privacy"),
        "WECHAT_API_BASE": get("WECHAT_API_BASE", "https://api.weixin.qq.com"),
        # Where the workspace pages send a browser for WeChat web authorisation (snsapi_base).
        "WECHAT_OAUTH_URL": get("WECHAT_OAUTH_URL", "https://open.weixin.qq.com/connect/oauth2/authorize"),
        "REDIS_URL": get("REDIS_URL"),
        "METRICS_TOKEN": get("METRICS_TOKEN"),  # app/observability.py
        # flask-smorest / OpenAPI
        "API_TITLE": "JiaYi 家医 API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "docs",
        # Served from the pinned swagger-ui-bundle package (app/security.py): no script from a CDN.
        "OPENAPI_SWAGGER_UI_URL": "/api/v1/docs/assets/",
        "API_SPEC_OPTIONS": {
            "components": {
                "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}
            },
            "security": [{"bearerAuth": []}],
        },
    }
    for name in DEV_WECHAT:
        config[name] = get(name)
    for name, spec in {**SETTINGS, **TUNABLES}.items():
        config[name] = checked(name, spec)
    if config["WECHAT_REPLY_DEADLINE"] + WATCHDOG_MARGIN_SECONDS >= WECHAT_RESPONSE_LIMIT_SECONDS:
        found.append(f"WECHAT_REPLY_DEADLINE = {config['WECHAT_REPLY_DEADLINE']:g} s leaves less than "
                     f"{WATCHDOG_MARGIN_SECONDS:g} s before WeChat gives up after {WECHAT_RESPONSE_LIMIT_SECONDS:g} s "
                     f"and delivers the message again")
    if found and problems is None:
        raise InvalidSettings(found)
    if problems is not None:
        problems.extend(found)
    return with_demo_defaults(config)


def with_demo_defaults(config: dict) -> dict:
    """In demo mode only: fill missing secrets with the public development values and derived keys."""
    if not config.get("DEMO_MODE"):
        return config
    config["SECRET_KEY"] = config.get("SECRET_KEY") or DEV_SECRET
    for name, value in DEV_WECHAT.items():
        if config.get(name) is None:
            config[name] = value
    config["FIELD_ENCRYPTION_KEYS"] = (config.get("FIELD_ENCRYPTION_KEYS")
                                       or _derived_fernet_key(config["SECRET_KEY"], "fields"))
    config["BLIND_INDEX_KEY"] = config.get("BLIND_INDEX_KEY") or _derived_fernet_key(config["SECRET_KEY"],
                                                                                     "blind-index")
    return config


def _fernet_problem(value: str) -> str | None:
    keys = [k.strip() for k in value.split(",") if k.strip()]
    if not keys:
        return "FIELD_ENCRYPTION_KEYS is empty"
    for index, key in enumerate(keys, 1):
        try:
            if len(base64.urlsafe_b64decode(key.encode())) != 32:
                raise ValueError
        except (ValueError, binascii.Error):
            return f"FIELD_ENCRYPTION_KEYS key {index} is not a Fernet key (32 url-safe base64 bytes)"
    return None


def insecure_settings(config: Mapping[str, Any]) -> list[str]:
    """What is missing, malformed or public in these settings; empty when production may start."""
    problems: list[str] = []
    secret = config.get("SECRET_KEY")
    dev_derived = {_derived_fernet_key(DEV_SECRET, "fields"), _derived_fernet_key(DEV_SECRET, "blind-index")}
    if not secret:
        problems.append("SECRET_KEY is not set")
    elif secret == DEV_SECRET:
        problems.append("SECRET_KEY has the public development value")
    elif len(secret) < MIN_SECRET_LENGTH:
        problems.append(f"SECRET_KEY is shorter than {MIN_SECRET_LENGTH} characters")
    field_keys = config.get("FIELD_ENCRYPTION_KEYS")
    if not field_keys:
        problems.append("FIELD_ENCRYPTION_KEYS is not set")
    elif any(k.strip() in dev_derived for k in field_keys.split(",")):
        problems.append("FIELD_ENCRYPTION_KEYS is derived from the public development secret")
    elif (problem := _fernet_problem(field_keys)) is not None:
        problems.append(problem)
    index_key = config.get("BLIND_INDEX_KEY")
    if not index_key:
        problems.append("BLIND_INDEX_KEY is not set")
    elif index_key in dev_derived:
        problems.append("BLIND_INDEX_KEY is derived from the public development secret")
    elif len(index_key) < MIN_SECRET_LENGTH:
        problems.append(f"BLIND_INDEX_KEY is shorter than {MIN_SECRET_LENGTH} characters")
    for name in ("WECHAT_TOKEN", "WECHAT_APPID", "WECHAT_APPSECRET"):
        value = config.get(name)
        if not value:
            problems.append(f"{name} is not set")
        elif value == DEV_WECHAT[name]:
            problems.append(f"{name} has the public development value")
    aes_key = config.get("WECHAT_ENCODING_AES_KEY")
    if aes_key == DEV_WECHAT["WECHAT_ENCODING_AES_KEY"]:
        problems.append("WECHAT_ENCODING_AES_KEY has the public development value")
    elif aes_key and len(aes_key) != 43:
        problems.append("WECHAT_ENCODING_AES_KEY is not 43 characters (the MP console's EncodingAESKey)")
    if config.get("DEMO_MODE"):
        problems.append("DEMO_MODE is on: /auth/dev-login gives anyone a resident token")
    return problems


def warnings(config: Mapping[str, Any]) -> list[str]:
    """Allowed but worth a line in the start-up log."""
    notes = []
    if not config.get("WECHAT_ENCODING_AES_KEY"):
        notes.append("WECHAT_ENCODING_AES_KEY is not set: the WeChat callback accepts plain-mode messages, whose "
                     "signature does not cover the body; configure safe mode (安全模式) in production")
    if not config.get("METRICS_TOKEN"):
        notes.append("METRICS_TOKEN is not set: /metrics is not served outside demo mode")
    if not config.get("REDIS_URL"):
        notes.append("REDIS_URL is not set: rate limits are counted per process; production sets REDIS_URL")
    return notes
