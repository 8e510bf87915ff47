"""The outbox Notifier port's WeChat implementation (app.services.outbox.Notifier).

Channel choice per message (docs/wechat_protocol.md §3.2):
- a customer-service text while the user's 48-hour window is open (they wrote to us within 48 h,
  known from wechat_users.last_inbound_at) — the full text, the best channel;
- otherwise, or when WeChat says the window is over / the CS quota is used (45015 / 45047), a template
  message (verified service account) with the configured template id; its keyword values are at most
  20 characters without emoji (client.template_data), the message's client_msg_id makes a resend
  after a timeout a no-op;
- no template configured: a subscription notification (订阅通知, bizsend) when a subscribe template is
  configured (long-term subscriptions suit medical accounts; 43101 = the user has none left: final);
- none of these: a final failure with that reason.
WeChat errors come back classified by the client; here they become what the outbox sender needs:
ok, retryable (with retry_tomorrow for the daily quota, retry_after for the per-minute limit), or
final with a reason (43004 unsubscribed, 43101, 40003, 47003, configuration errors…).
"""
from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from app.config import DEV_APPID
from app.services.clock import LOCAL_TZ
from app.wechat import texts
from app.services.outbox import SendResult
from app.wechat.client import DEFAULT_BASE_URL, WeChatClient
from app.wechat.settings import flag, setting
from app.wechat.tokens import store_from_config
from models.wechat import WeChatUser

log = logging.getLogger(__name__)

CS_WINDOW = timedelta(hours=48)
CS_WINDOW_MARGIN = timedelta(minutes=10)  # clocks differ; near the edge use the template instead
RATE_LIMIT_RETRY_SECONDS = 60  # 45011: "retry next minute"
DEFAULT_TEMPLATE_FIELDS = ("thing1", "thing2", "time3")  # title, summary, time


def to_notify_result(result: SendResult, channel: str) -> SendResult:
    """Map the client's classification onto retryable / final for the outbox."""
    if result.ok:
        return SendResult(True, channel=channel)
    error = f"{channel}: errcode {result.errcode}: {result.errmsg}".strip()
    if result.config_error:
        error += " (配置错误，需管理员处理 / configuration error)"
    return SendResult(False, retryable=result.retryable or result.retry_tomorrow, error=error,
                        retry_tomorrow=result.retry_tomorrow,
                        retry_after=RATE_LIMIT_RETRY_SECONDS if result.errcode == 45011 else None,
                        errcode=result.errcode, channel=channel)


class LastInboundLookup:
    """When the user last wrote to the account (the start of their 48-hour window)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __call__(self, openid: str) -> datetime | None:
        with self.engine.connect() as conn:
            return conn.execute(select(WeChatUser.last_inbound_at).where(WeChatUser.openid == openid)).scalar()


class WeChatNotifier:
    """Delivers outbox messages: customer-service text inside the 48 h window, template message otherwise."""

    def __init__(self, client: WeChatClient, *, last_inbound: Callable[[str], datetime | None],
                 template_ids: Mapping[str, str] | None = None, default_template_id: str | None = None,
                 subscribe_template_id: str | None = None,
                 template_fields: tuple[str, str, str] = DEFAULT_TEMPLATE_FIELDS,
                 clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
                 page_base: str | None = None) -> None:
        self.client = client
        self.last_inbound = last_inbound
        self.template_ids = dict(template_ids or {})
        self.default_template_id = default_template_id or None
        self.subscribe_template_id = subscribe_template_id or None
        self.template_fields = template_fields
        self.clock = clock
        self.page_base = page_base  # PUBLIC_URL: messages link to the workspace page they are about

    def in_window(self, openid: str) -> bool:
        last = self.last_inbound(openid)
        return last is not None and self.clock() - last < CS_WINDOW - CS_WINDOW_MARGIN

    def send(self, *, openid: str, text: str, data: dict[str, Any] | None, client_msg_id: str,
             kind: str) -> SendResult:
        """Send one outbox message; never raises for WeChat errors."""
        from app.wechat.links import page_link, with_link

        url = (data or {}).get("url") or page_link(self.page_base, kind, data)
        data = {**(data or {}), "url": url} if url else data
        if self.in_window(openid):
            result = self.client.send_custom_text(openid, with_link(text, url))
            if result.ok or not result.reroute:
                return to_notify_result(result, "custom")
            log.info("customer-service send rerouted (%s); trying a template message", result.errcode)
        template_id = self.template_ids.get(kind) or self.default_template_id
        if template_id:
            result = self.client.send_template(openid, template_id, self.template_data(kind, text, data),
                                               url=(data or {}).get("url"), client_msg_id=client_msg_id)
            return to_notify_result(result, "template")
        if self.subscribe_template_id:
            result = self.client.send_subscribe(openid, self.subscribe_template_id,
                                                self.template_data(kind, text, data), page=(data or {}).get("url"))
            return to_notify_result(result, "subscribe")
        return SendResult(False, error="用户48小时内未互动且未配置模板或订阅消息 / outside the 48 h window and no "
                                         "template configured", channel="none")

    def template_data(self, kind: str, text: str, data: dict[str, Any] | None) -> dict[str, Any]:
        """The producer's own template fields, else title / first line / local time."""
        if data and isinstance(data.get("template"), Mapping):
            return dict(data["template"])
        title_key, summary_key, time_key = self.template_fields
        first_line = next((line.strip() for line in text.splitlines() if line.strip()), text)
        return {title_key: texts.push_title(kind), summary_key: first_line,
                time_key: self.clock().astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")}


def push_enabled(config: Mapping[str, Any]) -> bool:
    """WECHAT_PUSH when set; otherwise on unless the development appid is configured."""
    return flag(config, "WECHAT_PUSH", config.get("WECHAT_APPID", DEV_APPID) != DEV_APPID)


def _template_ids(config: Mapping[str, Any]) -> dict[str, str]:
    raw = setting(config, "WECHAT_TEMPLATE_IDS", None, lambda v: v) or {}
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            log.error("WECHAT_TEMPLATE_IDS is not JSON ({kind: template_id}); ignored")
            raw = {}
    return {str(k): str(v) for k, v in dict(raw).items()}


def client_for(app) -> WeChatClient:
    """A WeChat API client for the app's account with the shared token store."""
    cfg = app.config
    with app.app_context():
        store = store_from_config(cfg)
    return WeChatClient(cfg["WECHAT_APPID"], cfg["WECHAT_APPSECRET"],
                        base_url=cfg.get("WECHAT_API_BASE") or DEFAULT_BASE_URL, store=store,
                        timeout=setting(cfg, "WECHAT_HTTP_TIMEOUT", 5.0, float))


def build_notifier(app) -> WeChatNotifier | None:
    """The WeChat notifier for the outbox sender, or None when pushes are off (the sender then logs)."""
    if not push_enabled(app.config):
        return None
    from app.extensions import db

    cfg = app.config
    with app.app_context():
        engine = db.engine
    fields = tuple(setting(cfg, "WECHAT_TEMPLATE_FIELDS", ",".join(DEFAULT_TEMPLATE_FIELDS)).split(","))
    if len(fields) != 3:
        fields = DEFAULT_TEMPLATE_FIELDS
    return WeChatNotifier(client_for(app), last_inbound=LastInboundLookup(engine), template_ids=_template_ids(cfg),
                          default_template_id=setting(cfg, "WECHAT_TEMPLATE_ID", None, str),
                          subscribe_template_id=setting(cfg, "WECHAT_SUBSCRIBE_TEMPLATE_ID", None, str),
                          template_fields=fields,  # type: ignore[arg-type]
                          page_base=cfg.get("PUBLIC_URL"))


_direct: dict[int, WeChatNotifier | None] = {}
_direct_lock = threading.Lock()


def send_reply_now(app, openid: str, text: str) -> bool:
    """A late reply for someone with no outbox recipient (unbound, no consent yet): one CS send, best effort."""
    with _direct_lock:
        if id(app) not in _direct:
            _direct[id(app)] = build_notifier(app)
        notifier = _direct[id(app)]
    if notifier is None:
        log.info("late reply not pushed: WeChat pushes are off")
        return False
    result = notifier.client.send_custom_text(openid, text)
    if not result.ok:
        log.warning("late reply push failed: errcode %s %s", result.errcode, result.errmsg)
    return result.ok
